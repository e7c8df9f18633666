# The two commands of the README: `make lab` and `make test`.
# Everything is installed into a virtual environment in .venv, so a fresh machine needs only
# python3 (with venv) and, for the lab extension, node.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install lab test lint test-python test-lab test-packaging texcheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# JupyterLab refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Extra arguments for JupyterLab: make lab ARGS="--port 8899 --no-browser"
ARGS ?=

lab: install
	$(VENV)/bin/jupyter lab notebooks/ $(ROOT_FLAG) $(ARGS)

test: lint test-python test-lab test-packaging

# ruff's lint and format check and mypy's type check of the package, configured in pyproject.toml.
# Only the package: tests, benchmarks and fuzz do not pass the lint yet (lambdas that read a loop
# variable, unsorted imports, unused noqa comments).
lint: install
	$(VENV)/bin/ruff check matdiff_magic
	$(VENV)/bin/ruff format --check matdiff_magic
	$(VENV)/bin/mypy

# Every test but the packaging test (pyproject.toml's addopts deselect the `packaging` marker).
test-python: install texcheck
	$(PY) -m pytest

# The TeX engines every output is typeset with in tests/test_tex_render.py and the nbconvert browser
# test (KaTeX, MathJax 2.7, MathJax 3), installed from tests/texcheck's lock file with JupyterLab's
# jlpm, again only when the lock file changes.
TEXCHECK := tests/texcheck
texcheck: install $(TEXCHECK)/node_modules/.yarn-state.yml

$(TEXCHECK)/node_modules/.yarn-state.yml: $(TEXCHECK)/package.json $(TEXCHECK)/yarn.lock
	cd $(TEXCHECK) && $(JLPM) install --immutable
	touch $@

# What a user of the published package gets: build the sdist and the wheel (the wheel from the
# unpacked sdist), `twine check` them, install the wheel with no extras into a fresh venv and run
# the magic, the stepper and the drawing in a real kernel there (tests/test_packaging.py; a few
# minutes, it needs node and a package index).
test-packaging: install
	$(PY) -m pytest -m packaging tests/test_packaging.py --durations=0

# The JupyterLab extension: built by the package's own build hook (hatch-jupyter-builder) and
# installed into the venv's share/jupyter/labextensions, as `pip install .` does for a user;
# then the unit tests (vitest) and the browser tests (Playwright, Debian's chromium, a real
# `jupyter lab` on 127.0.0.1).
JLPM := $(CURDIR)/$(VENV)/bin/jlpm

test-lab: install
	rm -rf matdiff_magic/labextension
	cd labextension && $(JLPM) install --immutable
	$(PY) -m pip install -q --no-deps --force-reinstall -e .
	$(VENV)/bin/jupyter labextension list 2>&1 | grep -E "matdiff-magic v[0-9.]+ .*enabled.*OK"
	cd labextension && $(JLPM) test
	cd labextension/ui-tests && $(JLPM) install --immutable
	cd labextension/ui-tests && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
		JUPYTER="$(CURDIR)/$(VENV)/bin/jupyter" $(JLPM) playwright test

bench: install
	$(PY) benchmarks/bench_derive.py

clean:
	rm -rf $(VENV) build dist *.egg-info $(TEXCHECK)/node_modules
