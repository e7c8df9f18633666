"""LaTeX input (syntax/latex.py): the seeds' formulas, pasted as the seeds write them, read as their
hand translations into the expression language and derive as those do; every formula of the
seeds is read or refused with a caret; what is read as LaTeX; the README's table is what the
translator does. Errors, numbers and the magic: test_latex_input_checks.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.ast import to_sexpr
from matdiff_magic.syntax.latex import looks_like_latex, translate
from matdiff_magic.syntax.parser import parse
from matdiff_magic.syntax.vocabulary import FUNCTIONS

SEEDS = Path("/work/shared/seeds")  # the source documents, where they are present
README = Path(__file__).absolute().parents[1] / "README.md"
HAS_SUM_I = "sum_i" in FUNCTIONS
NO_SUM_I = "sums over the samples (sum_i) are not part of the expression language yet"

# (seed, the formula as the seed writes it, declarations, hand translation, --wrt). A formula
# that is part of a rule or an equation in the seed is the part that is an expression; no hand
# translation: refused; no --wrt: read, not derived.
SEED_FORMULAS = [
    ("000", r"f = \log(2+\sin x)e^{\sqrt{x}}", "x: scalar", "f = log(2 + sin(x))*exp(sqrt(x))", "x"),
    ("000", r"\text{tr}(X)", "", "tr(X)", "X"),
    ("000", r"XY", "", "X*Y", "X"),
    ("000", r"X\odot Y", "", "X.*Y", "Y"),
    ("000", r"X^{-1}", "", "X^-1", "X"),
    ("000", r"|X|", "", "det(X)", "X"),
    ("000", r"\sigma(X)", "", "sigmoid(X)", "X"),
    ("000", r"\sin(X)", "", "sin(X)", "X"),
    ("000", r"\cos(X)", "", "cos(X)", "X"),
    ("000", r"\mathrm{tr}(A^T)", "", "tr(A')", "A"),
    ("000", r"\text{tr}(A\pm B)", "", None, "A"),  # ± is two formulas: refused
    ("000", r"\text{tr}(AB)", "", "tr(A*B)", "A"),
    ("000", r"\text{tr}(A^T(B\odot C))", "", "tr(A'*(B.*C))", "A"),
    ("000", r"\text{tr}((A\odot B)^TC)", "", "tr((A.*B)'*C)", "B"),
    ("000", r"Y = AXB", "", "Y = A*X*B", "X"),
    ("000", r"\text{tr}(BA)", "", "tr(B*A)", "A"),
    ("000", r"\mathrm{tr}(A)", "", "tr(A)", "A"),
    ("001", r"y = \pmb a ^T \pmb x", "", "y = a'*x", "x"),
    ("001", r"y=\pmb{a}^{T} {X} \pmb{b}", "", "y = a'*X*b", "X"),
    ("001", r"\pmb a \pmb b^T", "", "a*b'", "a"),
    ("001", r"\pmb a \pmb b^{T}", "", "a*b'", "b"),
    ("001", r"y = \lvert X\lvert", "", "y = det(X)", "X"),
    ("001", r"\operatorname{tr}\left(A^{T} B\right)", "", "tr(A'*B)", "A"),
    ("001", r"\operatorname{tr}\left(A^{T}(B \odot C)\right)", "", "tr(A'*(B.*C))", "C"),
    ("001", r"\operatorname{tr}\left((A \odot B)^{T} C\right)", "", "tr((A.*B)'*C)", "A"),
    ("001", r"f=\boldsymbol{a}^{T} \exp (X \boldsymbol{b})", "", "f = a'*exp(X*b)", "X"),
    (
        "001",
        r"(\boldsymbol{a} \odot \exp (X \boldsymbol{b})) \boldsymbol{b}^{T}",
        "",
        "(a.*exp(X*b))*b'",
        "X",
    ),
    ("001", r"\left(\pmb{b} \pmb{a}^{T}\right)^{T}", "", "(b*a')'", "a"),
    ("001", r"l = \Vert \pmb y - X \pmb \beta \Vert ^2", "", "l = norm2(y - X*beta)^2", "beta"),
    (
        "001",
        r"l = (\pmb y - X \pmb \beta)^T(\pmb y - X \pmb \beta)",
        "",
        "l = (y - X*beta)'*(y - X*beta)",
        "beta",
    ),
    ("001", r"2 X^T(X\pmb \beta - \pmb y)", "", "2*X'*(X*beta - y)", "beta"),
    ("001", r"(X^TX)^{-1} X^T \pmb y", "", "(X'*X)^-1*X'*y", "y"),
    ("001", r"\hat {\pmb \beta} = (X^TX)^{-1} X^T \pmb y", "", "betahat = (X'*X)^-1*X'*y", "X"),
    ("001", r"2 X^T(X\hat {\pmb \beta} - \pmb y)", "", "2*X'*(X*betahat - y)", "betahat"),
    ("001", r"\hat \Sigma = S", "", "Sigmahat = S", "S"),
    (
        "001",
        r"p(\pmb x ; \pmb \mu, \Sigma)=\frac{1}{(2 \pi)^{n / 2}\lvert\Sigma\lvert^{1 / 2}} \exp \left(-\frac{1}{2}(\pmb x-\pmb\mu)^{T} \Sigma^{-1}(\pmb x-\pmb \mu)\right)",
        "pi, n: scalar",
        "p = 1/((2*pi)^(n/2)*det(Sigma)^(1/2))*exp(-(1/2)*(x - mu)'*Sigma^-1*(x - mu))",
        "mu",
    ),
    ("001", r"\log \lvert\Sigma\lvert", "", "log(det(Sigma))", "Sigma"),
    (
        "001",
        r"\left(\Sigma^{-1}-\Sigma^{-1} S \Sigma^{-1}\right)^{T}",
        "",
        "(Sigma^-1 - Sigma^-1*S*Sigma^-1)'",
        "Sigma",
    ),
    (
        "001",
        r"l=\log \lvert\Sigma\lvert+\frac{1}{N} \sum_{i=1}^{N}\left(\boldsymbol{x}_{i}-\overline{\boldsymbol{x}}\right)^{T} \Sigma^{-1}\left(\boldsymbol{x}_{i}-\overline{\boldsymbol{x}}\right)",
        "",  # N, the number of samples, needs no declaration
        "l = log(det(Sigma)) + (1/N)*sum_i((x_i - xbar)'*Sigma^-1*(x_i - xbar))",
        "Sigma",
    ),
    (
        "001",
        r"S=\frac{1}{N} \sum_{i=1}^{N}\left(\boldsymbol{x}_{i}-\overline{\boldsymbol{x}}\right)\left(\boldsymbol{x}_{i}-\overline{\boldsymbol{x}}\right)^{T}",
        "",  # N, the number of samples, needs no declaration
        "S = (1/N)*sum_i((x_i - xbar)*(x_i - xbar)')",
        None,  # read only: the seed defines S with it and derives nothing by it
    ),
    ("002", r"f(y_1,y_2) = y_1^2 + y_2^2", "y_1, y_2: scalar", "f = y_1^2 + y_2^2", "y_1"),
    ("002", r"\bold{Ay}", "", "A*y", "y"),
    ("002", r"\bold{A}^T", "", "A'", "A"),
    ("002", r"\bold{y^T Ay}", "", "y'*A*y", "y"),
    ("002", r"\bold{Ay} + \bold{A^T y}", "", "A*y + A'*y", "y"),
    (
        "002",
        r"f(x_1,x_2) = ln(x_1) + x_1x_2 - sin(x_2)",
        "x_1, x_2: scalar",
        "f = log(x_1) + x_1*x_2 - sin(x_2)",
        "x_1",
    ),
]
# Not listed: a single name or entry (X_{ij}, a_i, \bold{x}), the entry-wise definition
# [σ(X_ij)], and every formula with a differential or a derivative (refused: see CARETS).
READ = [f for f in SEED_FORMULAS if f[3] is not None]
DERIVED = [f for f in READ if f[4] is not None]


def _cell(declarations: str, formula: str) -> str:
    return (declarations + "\n" if declarations else "") + formula


def _program(source: str):
    """Declarations and lines of a cell, as comparable data (S-expressions of the lines)."""
    p = parse(source)
    decls = [([n for n, _ in d.names], d.kind, [x for x, _ in d.dims]) for d in p.declarations]
    return decls, [(d.name, to_sexpr(d.expr)) for d in p.definitions]


def _uses_sum_i(formula: str) -> bool:
    return r"\sum" in formula


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
@pytest.mark.parametrize("seed, formula", [(s, f) for s, f, *_ in SEED_FORMULAS])
def test_the_formulas_are_the_seeds_own(seed, formula):
    (path,) = SEEDS.glob(f"{seed}_*")
    assert formula in path.read_text(encoding="utf-8")


def _seed_math() -> list[str]:
    """Every formula of the seeds: what stands between $…$, $$…$$ or \\[…\\]."""
    found = []
    for path in sorted(SEEDS.glob("0*")) if SEEDS.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$(.+?)\$", text, re.S):
            found.append(next(g for g in m.groups() if g is not None))
    return found


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_every_formula_of_the_seeds_is_read_or_refused_with_a_caret():
    formulas = _seed_math()
    read = 0
    for formula in formulas:
        try:
            t = translate(formula)
        except MatdiffError as error:  # the package's error, pointing into the formula
            assert error.source == formula and error.span is not None, formula
            assert 0 <= error.span.start <= len(formula), formula
            continue
        read += 1
        try:
            parse(t.text)
        except MatdiffError as error:
            t.error_in_latex(error)
            assert error.source == formula and error.span is not None, formula
    assert len(formulas) > 250 and read > 50, (len(formulas), read)


@pytest.mark.parametrize("seed, formula, declarations, hand, wrt", READ)
def test_reads_as_its_hand_translation(seed, formula, declarations, hand, wrt):
    text = translate(_cell(declarations, formula)).text
    assert _program(text) == _program(_cell(declarations, hand))


@pytest.mark.parametrize("seed, formula, declarations, hand, wrt", DERIVED)
def test_derives_as_its_hand_translation(seed, formula, declarations, hand, wrt):
    if _uses_sum_i(formula) and not HAS_SUM_I:
        pytest.skip(NO_SUM_I)
    d = derive(_cell(declarations, formula), wrt=wrt, latex=True)
    by_hand = derive(_cell(declarations, hand), wrt=wrt)
    assert [(s.rule, s.text) for s in d.steps] == [(s.rule, s.text) for s in by_hand.steps]
    assert d.check_result is not None and d.check_result.passed, d.check_result


# ---- detection --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", [r"\operatorname{tr}(X)", "{X}", "a^T X b", "a^{T} x", "|X|", "$a'*x$", "x'*y  # a^T b\n\\det X"]
)
def test_latex_is_recognised(text):
    assert looks_like_latex(text)


@pytest.mark.parametrize(
    "text", ["a'*X*b", "x^2 + X^-1", "norm2(y - X*beta)^2", "X: matrix(m, n)\ntr(X)", "a'*x  # \\frac{a}{b}"]
)
def test_the_expression_language_is_not_latex(text):
    assert not looks_like_latex(text)


@pytest.mark.parametrize("text", ["y^TAy", "a^TXb", "X^TX", "x^Tx", "2X^TX", "x^T b"])
def test_a_transpose_before_a_name_is_latex(text):
    # ^T followed by a name was read as the language: "the exponent must be a scalar … TAy"
    assert looks_like_latex(text)


@pytest.mark.parametrize("text", [
    "x^Temp", "x^T_1", "2^T1",
    "Ts: scalar\n(a'*x)^Ts", "Tk: scalar\nnorm2(x)^Tk", "TOL: scalar\nx^TOL", "Tk: scalar\nsum(x.^Tk)",
])
def test_a_power_by_a_name_that_starts_with_T_is_not_latex(text):
    # a declared exponent (Ts: scalar) is the language's: it was read as (aᵀx)ᵀ s, and checked ✓
    assert not looks_like_latex(text)


def test_a_power_by_a_declared_scalar_named_T_something_derives_as_a_power():
    import numpy as np

    d = derive("Ts: scalar\n(a'*x)^Ts", wrt="x", layout="denominator")
    a, x, t = np.array([0.5, 1.0, 0.3]), np.array([1.0, 2.0, 0.5]), 2.5
    want = t * (a @ x) ** (t - 1) * a
    assert np.allclose(d.evaluate(Ts=t, a=a, x=x), want)


def test_the_notes_quadratic_form_typed_without_braces_derives():
    d = derive("y^TAy", wrt="y", layout="denominator")
    assert d.steps[-1].text == "(A + Aᵀ) y" and d.check_result.passed


def test_latex_true_reads_a_formula_without_marks():
    # AXB is three matrices in LaTeX, one name in the language
    d = derive("AXB", wrt="X", latex=True, check=False)
    assert d.result is not None and "A" in {v.name for v in d.typed.variables}
    with pytest.raises(MatdiffError, match="unknown variable 'X'"):
        derive("AXB", wrt="X", check=False)


def test_latex_false_never_reads_latex():
    with pytest.raises(MatdiffError, match="unexpected character"):
        derive(r"\operatorname{tr}(X)", wrt="X", latex=False)


def test_every_character_of_the_translation_has_its_place_in_the_latex():
    latex = r"l = \Vert \pmb y - X \pmb \beta \Vert ^2"
    t = translate(latex)
    assert len(t.spans) == len(t.text)
    assert t.text.endswith("\n")  # each line ends with one, the last at the end of the LaTeX
    for ch, span in zip(t.text[:-1], t.spans):
        assert 0 <= span.start < span.end <= len(latex), ch
    assert latex[t.spans[t.text.index("beta")].start :].startswith(r"\beta")


# ---- the README's table -----------------------------------------------------------------------------
def _readme_rows():
    text = README.read_text(encoding="utf-8")
    section = text.split("## LaTeX input", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            # cells split at unescaped bars; \| is a bar inside a cell (as GitHub reads tables)
            cells = [re.sub(r"\\\|", "|", c).strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            language = re.findall(r"`([^`]+)`", cells[1])[0]
            rows += [(latex, language) for latex in re.findall(r"`([^`]+)`", cells[0])]
    return rows


def test_the_readme_has_a_table_of_latex_input():
    assert len(_readme_rows()) >= 60


@pytest.mark.parametrize("latex, language", _readme_rows())
def test_the_readme_table_is_what_is_read(latex, language):
    assert _program(translate(latex).text) == _program(language)


def test_a_declared_function_is_applied():
    # seed 000's composition, Y = AXB, with f a function of Y declared without a formula
    cell = "g: function\n" + r"Y = AXB" + "\n" + r"f = g\left(Y\right)"
    assert _program(translate(cell).text) == _program("g: function\nY = A*X*B\nf = g(Y)")
    d = derive(cell, wrt="X", latex=True)
    by_hand = derive("g: function\nY = A*X*B\nf = g(Y)", wrt="X")
    assert [(s.rule, s.text) for s in d.steps] == [(s.rule, s.text) for s in by_hand.steps]
    assert d.check_result is not None and d.check_result.passed, d.check_result
    # an undeclared name before a parenthesis is a product, as in any formula
    assert _program(translate(r"h(Y)").text) == _program("h*(Y)")


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"\|y - X\beta\|^{2}_{2}", "norm2(y - X*beta)^2"),  # the power first, as LaTeX allows
        (r"\|y - X\beta\|^2_2", "norm2(y - X*beta)^2"),
        (r"\|X\|^{2}_{F}", "norm2(X)^2"),
        (r"\|x\|^{2}_{1}", "norm1(x)^2"),
    ],
)
def test_a_norms_power_may_come_before_its_subscript(latex, text):
    assert _program(translate(latex).text) == _program(text)


def test_a_norm_past_its_subscripts_is_still_refused_with_a_caret():
    with pytest.raises(MatdiffError, match="the norms understood are") as caught:
        translate(r"\|x\|^{2}_{3}")
    assert caught.value.span is not None
