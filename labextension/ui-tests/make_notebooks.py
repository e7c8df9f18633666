"""Notebooks for the browser tests, built from tests/fixtures/**/*.json.

Each derivation becomes a code cell whose saved output carries the three mimetypes the magic
emits (the derivation JSON, text/latex, text/plain), so the renderer is tested on exactly
what a saved notebook holds, without running a kernel.
"""
import copy
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MIME = "application/vnd.matdiff.derivation.v1+json"

# A kernelspec no server has: the notebook opens with no kernel at all.
NO_KERNEL = {"kernelspec": {"name": "matdiff-no-kernel", "display_name": "No kernel", "language": "python"}}
PYTHON = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}


# TeX an attacker can save in a notebook. Typeset by MathJax, the first draws a red element
# over the whole page (its optional argument is written into a style attribute); the second
# is a link whose scheme hides a tab ("java\tscript:" is "javascript:" to a browser).
OVERLAY = (r"\unicode[x;position:fixed;top:0;left:0;width:100vw;height:100vh;"
           r"background:red;z-index:100000]{x41}")
LINK = "\\href{java\tscript:alert(document.domain)}{\\text{click me}}"

# Sizes of the huge outputs: steps in one derivation, characters of TeX in one result.
HUGE_STEPS = 100_000
HUGE_TEX = 100_000


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


def output_cell(n, d, as_string=False):
    wrt = d.get("wrt", "X") if isinstance(d, dict) else "X"
    src = d.get("source", "") if isinstance(d, dict) else ""
    data = bundle(d)
    if as_string:
        data[MIME] = json.dumps(d, separators=(",", ":"), ensure_ascii=False)
    out = {"output_type": "display_data", "data": data, "metadata": {}}
    return code_cell(n, f"%%matdiff --wrt {wrt}\n{src}", [out])


def notebook(cells, metadata):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def write(path, nb, compact=False):
    text = (json.dumps(nb, separators=(",", ":"), ensure_ascii=False) if compact
            else json.dumps(nb, indent=1, ensure_ascii=False))
    path.write_text(text, "utf8")


def hostile(d, payload):
    """The derivation d with `payload` in every formula the renderer shows."""
    d = copy.deepcopy(d)
    for step in d["steps"][-2:]:
        step["latex"] = f"{payload} + {step['latex']}"
        step["latex_highlighted"] = f"{{\\color{{#d62728}}{{{payload}}}}} + {step['latex']}"
        step["identity"] = payload
    for result in d["results"].values():
        result["latex"] = payload
    d["where"]["latex"] = payload
    d["latex"] = payload
    return d


def huge_steps(d, n=HUGE_STEPS):
    """The derivation d with n short steps."""
    d = copy.deepcopy(d)
    first = d["steps"][0]
    d["steps"] = [first] + [
        {"stage": "vec", "rule": "step", "identity": "", "lhs": "", "latex": f"x_{{{i}}}",
         "latex_highlighted": f"{{\\color{{#d62728}}{{x_{{{i}}}}}}}", "text": "", "changed": []}
        for i in range(1, n)]
    d["latex"] = d["steps"][0]["latex"]
    return d


def huge_tex(d, size=HUGE_TEX):
    """The derivation d with about `size` characters of TeX in the result it shows."""
    d = copy.deepcopy(d)
    unit = r"\frac{\partial y}{\partial X_{ij}} + "
    d["results"][d["layout"]]["latex"] = (unit * (size // len(unit) + 1))[:size] + "1"
    return d


def write_notebooks(root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    found = dict(fixtures())
    axb, xss = found["handmade_aXb.json"], found["handmade_xss.json"]

    write(root / "aXb.ipynb", notebook([output_cell(1, axb)], NO_KERNEL))
    write(root / "xss.ipynb", notebook([output_cell(1, xss)], NO_KERNEL))
    newer = dict(axb, version=2)
    write(root / "version2.ipynb", notebook([output_cell(1, newer)], NO_KERNEL))
    # A derivation that ends with its layout step, and one with --solve.
    write(root / "layout.ipynb",
          notebook([output_cell(1, found["generated/seed_2_2_bilinear.json"])], NO_KERNEL))
    write(root / "solve.ipynb",
          notebook([output_cell(1, found["generated/solve_least_squares.json"])], NO_KERNEL))
    write(root / "fixtures.ipynb",
          notebook([output_cell(i + 1, d) for i, (_, d) in enumerate(fixtures())], NO_KERNEL))
    write(root / "highlight.ipynb", notebook([
        code_cell(1, "%%matdiff --wrt X --layout numerator\nA, B: matrix(n, n)\n"
                     "f = a'*exp(X*b) + tr(A*X) .* 2.5  # comment"),
        code_cell(2, "x = 1 + 2"),
    ], PYTHON))
    write(root / "empty.ipynb", notebook([code_cell(1, "")], PYTHON))
    write(root / "hostile.ipynb", notebook(
        [output_cell(1, hostile(axb, OVERLAY)), output_cell(2, hostile(axb, LINK))], NO_KERNEL))
    # The 100 000 steps as one JSON string (the renderer reads both forms): JupyterLab
    # deep-copies an output's JSON object several times while it loads a notebook, which
    # blocks the page for seconds on 15 MB whatever renders it; a string copies cheaply, so
    # the browser test measures the renderer.
    steps = huge_steps(axb)
    write(root / "huge-steps.ipynb", notebook([output_cell(1, steps, as_string=True)], NO_KERNEL),
          compact=True)
    write(root / "huge-tex.ipynb", notebook([output_cell(1, huge_tex(axb))], NO_KERNEL))
    return root


if __name__ == "__main__":
    print(write_notebooks(sys.argv[1] if len(sys.argv) > 1 else "notebooks"))
