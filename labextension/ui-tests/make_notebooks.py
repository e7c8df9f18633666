"""Notebooks for the browser tests, built from tests/fixtures/**/*.json.

Each derivation becomes a code cell whose saved output carries the three mimetypes the magic
emits (the derivation JSON, text/latex, text/plain), so the renderer is tested on exactly
what a saved notebook holds, without running a kernel.
"""
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MIME = "application/vnd.matdiff.derivation.v1+json"

# A kernelspec no server has: the notebook opens with no kernel at all.
NO_KERNEL = {"kernelspec": {"name": "matdiff-no-kernel", "display_name": "No kernel", "language": "python"}}
PYTHON = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}


def fixtures():
    return [(p.relative_to(FIXTURES).as_posix(), json.loads(p.read_text("utf8")))
            for p in sorted(FIXTURES.rglob("*.json"))]


def bundle(d):
    data = {MIME: d}
    if isinstance(d, dict):
        if isinstance(d.get("latex"), str):
            data["text/latex"] = f"$${d['latex']}$$"
        data["text/plain"] = str(d.get("function", {}).get("text", "derivation"))
    return data


def code_cell(n, source, outputs=()):
    return {"cell_type": "code", "id": f"cell-{n}", "execution_count": None if not outputs else n,
            "metadata": {}, "source": source, "outputs": list(outputs)}


def output_cell(n, d):
    wrt = d.get("wrt", "X") if isinstance(d, dict) else "X"
    src = d.get("source", "") if isinstance(d, dict) else ""
    out = {"output_type": "display_data", "data": bundle(d), "metadata": {}}
    return code_cell(n, f"%%matdiff --wrt {wrt}\n{src}", [out])


def notebook(cells, metadata):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def write(path, nb):
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), "utf8")


def write_notebooks(root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    found = dict(fixtures())
    axb, xss = found["handmade_aXb.json"], found["handmade_xss.json"]

    write(root / "aXb.ipynb", notebook([output_cell(1, axb)], NO_KERNEL))
    write(root / "xss.ipynb", notebook([output_cell(1, xss)], NO_KERNEL))
    newer = dict(axb, version=2)
    write(root / "version2.ipynb", notebook([output_cell(1, newer)], NO_KERNEL))
    write(root / "fixtures.ipynb",
          notebook([output_cell(i + 1, d) for i, (_, d) in enumerate(fixtures())], NO_KERNEL))
    write(root / "highlight.ipynb", notebook([
        code_cell(1, "%%matdiff --wrt X --layout numerator\nA, B: matrix(n, n)\n"
                     "f = a'*exp(X*b) + tr(A*X) .* 2.5  # comment"),
        code_cell(2, "x = 1 + 2"),
    ], PYTHON))
    write(root / "empty.ipynb", notebook([code_cell(1, "")], PYTHON))
    return root


if __name__ == "__main__":
    print(write_notebooks(sys.argv[1] if len(sys.argv) > 1 else "notebooks"))
