"""What a reader sees in the text outputs: hats on estimates, rule names in the autodiff table."""

from __future__ import annotations

import json
import pathlib
import re
import unicodedata

import pytest

from matdiff_magic import derive
from matdiff_magic.render.printer import hat_latex, hat_text

REPO = pathlib.Path(__file__).resolve().parents[1]
HAT = "\u0302"


# ---- hats: β̂ -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind, tex, text",
    [
        ("beta", "vector", r"\hat{\boldsymbol{\beta}}", "β" + HAT),
        ("Sigma", "matrix", r"\hat{\Sigma}", "Σ" + HAT),
        ("X", "matrix", r"\hat{X}", "X" + HAT),
        ("W1", "matrix", r"\hat{W}_{1}", "W" + HAT + "₁"),  # the hat on the W, not on the index
        ("w_2", "vector", r"\hat{\boldsymbol{w}}_{2}", "w" + HAT + "₂"),
        ("xy", "vector", r"\widehat{\boldsymbol{\mathit{xy}}}", "hat(xy)"),
    ],
)
def test_hat_sits_on_the_letter(name, kind, tex, text):
    assert hat_latex(name, kind) == tex
    assert hat_text(name) == text
    # a combining circumflex only ever follows a letter (never an index, a space or the start)
    for k, ch in enumerate(text):
        if ch == HAT:
            assert k > 0 and unicodedata.category(text[k - 1]).startswith("L"), text


def test_solve_writes_the_estimate_with_its_hat():
    d = derive("norm2(y - X*beta)^2", wrt="beta", solve=True, check=False)
    solved = next(s for s in reversed(d.steps) if s.stage == "solve")
    assert solved.latex.startswith(r"\hat{\boldsymbol{\beta}} = ")
    assert solved.text.startswith("β" + HAT + " = ")
    d = derive("W1: matrix\ntr(W1'*W1) - 2*tr(A'*W1)", wrt="W1", solve=True, check=False)
    solved = next(s for s in reversed(d.steps) if s.stage == "solve")
    assert solved.latex.startswith(r"\hat{W}_{1} = ")
    assert solved.text.startswith("W" + HAT + "₁ = ")


def _code_cells(name: str) -> list[str]:
    nb = json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_notebook_04_writes_hats_fonts_can_show():
    """Printed text and code have no combining circumflex (a monospace font sets it beside the
    letter, βˆ); the plot label puts the hat in mathtext, which places it over the β."""
    cells = _code_cells("04_applications.ipynb")
    assert not [c for c in cells if HAT in c]
    labels = [m.group(1) for c in cells for m in re.finditer(r'set_ylabel\(r"([^"]*)"\)', c)]
    assert labels and any(r"\hat{\beta}" in label for label in labels), labels
    from matplotlib.mathtext import MathTextParser

    for label in labels:
        MathTextParser("path").parse(label)  # raises ValueError on a label mathtext cannot set


# ---- the autodiff rule table: the derivation's names, not the IR's ----------------------------


def test_rule_table_names_rules_as_the_derivation_steps_do():
    from matdiff_magic.autodiff import rule_table
    from matdiff_magic.ops.identity import catalogue

    table = rule_table()
    step_names = {identity.name for identity in catalogue().values()}
    html = table.to_html()
    assert "IR node" not in html
    for internal in ("MatMul", "Pow(", "ElemPow", "Neg term", "Hadamard (", "Apply"):
        assert internal not in html, internal
    for row in table.rows:
        parts = row["rule"].split(" and ")
        assert all(p in step_names or p == "element-wise function" for p in parts), row
    by_key = {row["primitive"]: row["rule"] for row in table.rows}
    assert by_key["div"] == "product rule and power rule"
    assert by_key["inv"] == "inverse"
    # the same words a derivation shows for the same operation
    d = derive("tr(inv(X)*A)", wrt="X", check=False)
    assert {"inverse", "product rule"} <= {s.rule for s in d.steps}
