# The two commands of the README: `make lab` and `make test`.
# Everything is installed into a virtual environment in .venv, so a fresh machine needs only
# python3 (with venv) and, for the lab extension, node.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install lab test test-python bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

lab: install
	$(VENV)/bin/jupyter lab notebooks/

test: test-python

test-python: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/bench_derive.py

clean:
	rm -rf $(VENV) build dist *.egg-info
