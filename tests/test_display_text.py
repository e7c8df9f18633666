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


# ---- long lines: broken at their top-level operators --------------------------------------------

LONG = [
    # (σ(Xw) and softmax(Wx + b) are named in a result, so these use exp and log)
    dict(source="-(y'*log(exp(X*w)) + (vector(1) - y)'*log(vector(1) + exp(X*w)))", wrt="w"),  # the read-off
    dict(source="sum(log(vector(1) + exp(-y.*(X*w)))) + lambda*norm2(w)^2", wrt="w", order=2),
    dict(source="diag(exp(W*x + b))*A*log(V*x + c)", wrt="x"),  # a long Jacobian
    dict(source="diag(exp(W*x + b))*A*log(V*x + c)", wrt="W"),
    dict(source="log(det(X)) + tr(A*inv(X)*B)", wrt="X", order=2),  # a Hessian
    dict(source="sum(tanh(W4*tanh(W3*tanh(W2*tanh(W1*x)))))", wrt="W1"),
]
OPERATORS = (" + ", " - ", " = ", " ⇔ ", " ⊙ ", " ⊗ ", " ⊘ ", ", ")


def _unbreakable(line: str) -> bool:
    """A line that cannot be shorter: no operator to cut at after its left side, or a rule note
    that is one word."""
    body = line.strip()
    if body.startswith("["):
        return " " not in body
    body = body.split(" = ", 1)[-1]
    return not any(op in body for op in OPERATORS)


@pytest.mark.parametrize("case", LONG, ids=lambda c: c["source"][:40])
def test_long_derivation_text_fits_80_columns(case):
    from matdiff_magic.render.linebreak import WIDTH

    d = derive(**case, check=False)
    text = d.to_text()
    assert WIDTH == 80
    # the case is long: some line would be wider than the width without breaking
    assert any(len(s.lhs_text) + 3 + len(s.text) > WIDTH for s in d.steps)
    over = [line for line in text.splitlines() if len(line) > WIDTH and not _unbreakable(line)]
    assert over == [], "\n".join(over)
    # nothing is lost: every step's text is there, in order, whitespace aside
    flat = "".join(text.split())
    at = 0
    for s in d.steps:
        at = flat.find("".join(s.text.split()), at)
        assert at >= 0, s.text


def test_continuation_lines_start_with_their_operator_under_the_expression():
    d = derive(LONG[0]["source"], wrt="w", check=False)
    lines = d.to_text().splitlines()
    column = max(len(s.lhs_text) for s in d.steps) + 3
    continued = [line for line in lines if line[:column].strip() == "" and line.strip()[:1] in "+-"]
    assert continued, "\n".join(lines)
    for line in continued:
        assert len(line) - len(line.lstrip()) >= column - 2, line
    # a rule note that does not fit beside its line has a line of its own, in brackets, whole words
    rules = [line.strip() for line in lines if line.strip().startswith("[")]
    assert rules and all(len(r) <= 80 for r in rules)


@pytest.mark.parametrize("case", LONG, ids=lambda c: c["source"][:40])
def test_long_derivation_tex_is_broken_into_aligned_rows(case):
    from matdiff_magic.render.linebreak import TEX_WIDTH, tex_width

    d = derive(**case, check=False)
    block = d.to_latex()
    rows = block.removeprefix("$$\\begin{aligned}\n").removesuffix("\n\\end{aligned}$$").split(" \\\\\n")
    continuation = [r for r in rows if r.startswith("&{}") or r.startswith("&= ")]
    assert continuation, block[:2000]
    for row in rows:
        expression = row.split(" && ", 1)[0].split("&", 1)[-1]
        assert tex_width(expression) <= TEX_WIDTH or (" + " not in expression and " - " not in expression), (
            row
        )
    # a continuation row starts with its operator as a binary one ({}+), never inside a group
    for row in continuation:
        assert row.count("{") == row.count("}"), row


def test_error_and_check_messages_wrap_between_words():
    from matdiff_magic.render.linebreak import text_words, wrap_words

    message = "could not check: the derivative is undefined at every random point tried (x xᵀ is singular)"
    lines = wrap_words(message, 30)
    assert " ".join(lines) == message and all(len(line) <= 30 for line in lines)
    assert wrap_words("norm2(x)^2 " * 2 + "supercalifragilistic", 8) == [
        "norm2(x)^2",
        "norm2(x)^2",
        "supercalifragilistic",
    ]
    head = "          "
    lines = text_words(head, message, 50)
    assert all(line.startswith(head) for line in lines) and all(len(line) <= 50 for line in lines)


def test_graph_title_wraps_between_words():
    """The drawing's title wraps at spaces, never inside a token such as norm2(x)^2, however long."""
    from matdiff_magic import graph

    long_token = "norm2(x1*x2+x1*x1+x2*x2+x1+x2+x1*x2*x2+x1*x1*x2)^2"
    title = f"the gradient of {long_token} by x1 and x2, drawn in a narrow figure"
    fig = graph("x1*x2", x1=2.0, x2=5.0).draw(title=title, max_width=3)
    shown = next(t for t in fig.axes[0].texts if t.get_gid() == "title").get_text()
    title_lines = shown.splitlines()
    assert len(title_lines) > 2  # it did wrap
    assert any(line.strip() == long_token for line in title_lines), title_lines
    assert set(title.split()) <= set(shown.split())


def test_chinese_text_wraps_between_characters_in_two_columns_each():
    from matdiff_magic.render.linebreak import text_width, wrap_words

    message = "无法检查：在所有尝试的随机点上导数都没有定义（x xᵀ 是奇异的），请换一个种子"
    assert text_width("导数") == 4 and text_width("β\u0302") == 1
    lines = wrap_words(message, 30)
    assert len(lines) > 1 and "".join(lines).replace(" ", "") == message.replace(" ", "")
    assert all(text_width(line) <= 30 for line in lines), lines
