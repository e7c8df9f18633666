"""LaTeX input (syntax/latex.py): the seeds' formulas, pasted as the seeds write them, read as their
hand translations into the expression language and derive; errors point with a caret into the
LaTeX; the README's table is what the translator does; derivatives of pasted formulas agree with
central differences of NumPy functions written here."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import run
from numeric_helpers import assert_close, central_difference

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.ast import to_sexpr
from matdiff_magic.syntax.latex import looks_like_latex, translate
from matdiff_magic.syntax.parser import parse
from matdiff_magic.syntax.vocabulary import FUNCTIONS

SEEDS = Path("/work/shared/seeds")  # the source documents, where they are present
README = Path(__file__).absolute().parents[1] / "README.md"
LAYOUTS = ("numerator", "denominator", "mixed")
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


def test_a_plus_minus_sign_is_refused_with_a_caret():
    with pytest.raises(MatdiffError) as info:
        translate(r"\text{tr}(A\pm B)")
    assert _under_caret(info.value) == r"\pm"


# ---- errors point into the LaTeX ------------------------------------------------------------------
def _under_caret(error: MatdiffError) -> str:
    assert error.source is not None and error.span is not None
    return error.source[error.span.start : error.span.end]


CARETS = [
    # (cell, wrt, what the message says, what the caret is under)
    (
        r"\operatorname{tr}\left(\mathbf{a}^{T} d \mathbf{X} \mathbf{b}\right)",
        "X",
        "a differential cannot be derived",
        "d",
    ),
    (r"\frac{\partial f}{\partial X}=A^T\frac{\partial f}{\partial Y}B^T", "X", "partial", r"\partial"),
    (r"\boldsymbol{a}^{T} \foo (X \boldsymbol{b})", "X", r"unknown LaTeX command \foo", r"\foo"),
    (r"\operatorname{trace}(X)", "X", "unknown function 'trace'", r"\operatorname{trace}"),
    (r"\exp\left(X \boldsymbol{b}", "X", "never closed", "("),
    (r"\boldsymbol{x}_{i+1}^T A", "A", "subscript", "+"),
    (r"\sum_{j=1}^{n} x_j", "x_j", "a sum over the samples", "j"),
    # the expression language's parser
    (r"a = b = \operatorname{tr}(X)", "X", "'=' can only follow a name", "="),
    # the types stage
    (r"\pmb x \pmb y", "x", "cannot multiply x", "y"),
    (r"X^{-1} \pmb b + \pmb b^T", "X", "cannot add", "+"),
]


@pytest.mark.parametrize("cell, wrt, message, under", CARETS)
def test_errors_point_into_the_latex(cell, wrt, message, under):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt=wrt)
    error = info.value
    assert message in error.message
    assert error.source == cell
    assert _under_caret(error) == under
    shown = str(error).splitlines()
    assert shown[1] == "  line 1 | " + cell
    caret = shown[2]
    assert caret.index("^") - len("  line 1 | ") == error.span.start


def test_an_error_on_a_later_line_names_that_line():
    cell = "X: matrix(m, n)\n" + r"\boldsymbol{a}^{T} \exp (X \boldsymbol{b}) + \operatorname{tr}(X)"
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt="X")
    error = info.value
    assert "tr needs a square matrix" in error.message
    assert error.line == 2 and _under_caret(error) == "X"
    assert str(error).splitlines()[1] == "  line 2 | " + cell.splitlines()[1]


def test_an_error_in_a_declaration_line_points_at_its_name():
    with pytest.raises(MatdiffError) as info:
        translate("x^2: scalar\n" + r"\pmb x")
    assert info.value.line == 1 and _under_caret(info.value) in ("^", "x")


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


# ---- derivatives of pasted formulas against central differences -------------------------------------
def _in_layouts(d, values, expected_denominator, numerator):
    """The derivative in every layout against the expected denominator-layout array."""
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**values)
        want = numerator(expected_denominator) if layout == "numerator" else expected_denominator
        assert_close(got, want, rtol=1e-6, label=layout)


def test_example_3_by_a_non_square_x():
    d = derive(r"f=\boldsymbol{a}^{T} \exp (X \boldsymbol{b})", wrt="X")
    rng = np.random.default_rng(3)
    values = {
        "a": rng.standard_normal(3),
        "X": 0.5 * rng.standard_normal((3, 5)),
        "b": rng.standard_normal(5),
    }

    def f(a, X, b):
        return float(a @ np.exp(X @ b))

    _in_layouts(d, values, central_difference(f, values, "X"), lambda g: g.T)


def test_example_4_least_squares_by_beta():
    d = derive(r"l = \Vert \pmb y - X \pmb \beta \Vert ^2", wrt="beta")
    rng = np.random.default_rng(4)
    values = {"y": rng.standard_normal(6), "X": rng.standard_normal((6, 4)), "beta": rng.standard_normal(4)}

    def f(y, X, beta):
        r = y - X @ beta
        return float(r @ r)

    _in_layouts(d, values, central_difference(f, values, "beta"), lambda g: g.reshape(1, -1))


def test_the_normal_density_by_its_mean():
    formula = next(f for _, f, *_ in SEED_FORMULAS if f.startswith("p("))
    d = derive("pi, n: scalar\n" + formula, wrt="mu")
    rng = np.random.default_rng(5)
    b = rng.standard_normal((3, 3))
    values = {
        "x": rng.standard_normal(3),
        "mu": rng.standard_normal(3),
        "Sigma": b @ b.T + 3 * np.eye(3),
        "pi": np.pi,
        "n": 3.0,
    }

    def f(x, mu, Sigma, pi, n):
        r = x - mu
        return float(
            np.exp(-0.5 * r @ np.linalg.solve(Sigma, r))
            / ((2 * pi) ** (n / 2) * np.sqrt(np.linalg.det(Sigma)))
        )

    _in_layouts(d, values, central_difference(f, values, "mu"), lambda g: g.reshape(1, -1))


@pytest.mark.parametrize("wrt, exact", [("x_1", 1 / 2 + 5), ("x_2", 2 - np.cos(5))])
def test_seed_002_example_3_at_2_5(wrt, exact):
    # written without a backslash, so read as LaTeX when asked
    d = derive("x_1, x_2: scalar\n" + r"f(x_1,x_2) = ln(x_1) + x_1x_2 - sin(x_2)", wrt=wrt, latex=True)
    values = {"x_1": 2.0, "x_2": 5.0}

    def f(x_1, x_2):
        return float(np.log(x_1) + x_1 * x_2 - np.sin(x_2))

    fd = central_difference(f, values, wrt)
    assert abs(fd - exact) < 1e-6
    for layout in LAYOUTS:
        assert_close(d.with_layout(layout).evaluate(**values), fd, rtol=1e-6, label=layout)


def test_the_jacobian_of_the_mle_gradient_by_sigma():
    d = derive(r"\left(\Sigma^{-1}-\Sigma^{-1} S \Sigma^{-1}\right)^{T}", wrt="Sigma")
    rng = np.random.default_rng(6)
    b = rng.standard_normal((3, 3))
    values = {"Sigma": b @ b.T + 3 * np.eye(3), "S": rng.standard_normal((3, 3))}

    def F(Sigma, S):
        inv = np.linalg.inv(Sigma)
        return (inv - inv @ S @ inv).T

    h, sigma = 1e-6, values["Sigma"]
    jacobian = np.zeros((9, 9))  # ∂vec F/∂(vec Σ)ᵀ, column-major vec
    for k in range(9):
        e = np.zeros(9)
        e[k] = h
        step = e.reshape(3, 3, order="F")
        diff = F(sigma + step, values["S"]) - F(sigma - step, values["S"])
        jacobian[:, k] = diff.reshape(-1, order="F") / (2 * h)
    for layout in LAYOUTS:
        want = jacobian.T if layout == "denominator" else jacobian
        assert_close(d.with_layout(layout).evaluate(**values), want, rtol=1e-6, label=layout)


@pytest.mark.parametrize(
    "latex", ["(" * 300 + "x" + ")" * 300, r"\sqrt{" * 300 + "x" + "}" * 300, r"\exp " * 300 + "x"]
)
def test_nesting_is_bounded_with_a_caret(latex):
    with pytest.raises(MatdiffError, match="nested too deeply") as info:
        translate(latex)
    assert info.value.source == latex and info.value.span is not None


# ---- the magic ----------------------------------------------------------------------------------
def test_the_magic_reads_a_latex_cell(shell):
    result, _ = run(
        shell, "%%matdiff --wrt X -o d\n" + r"f=\boldsymbol{a}^{T} \exp (X \boldsymbol{b})" + "\n"
    )
    assert result.success
    assert shell.user_ns["d"].steps[-1].text == "(a ⊙ exp(X b)) bᵀ"


def test_the_magic_latex_flag_reads_a_formula_without_marks(shell):
    result, _ = run(shell, "%%matdiff --latex --wrt X -o d\nAXB\n")
    assert result.success
    assert {v.name for v in shell.user_ns["d"].typed.variables} == {"A", "X", "B"}


def test_the_magic_shows_a_latex_error_with_its_caret(shell):
    cell = r"\boldsymbol{a}^{T} \foo (X \boldsymbol{b})"
    result, captured = run(shell, "%%matdiff --wrt X\n" + cell + "\n")
    assert not result.success
    text = captured.stdout + captured.stderr
    assert r"unknown LaTeX command \foo" in text and "Traceback" not in text
    shown = text.splitlines()
    line = next(k for k, ln in enumerate(shown) if ln.endswith(cell))
    assert shown[line + 1].index("^") - shown[line].index(cell) == cell.index(r"\foo")


def test_the_graph_reads_latex_too(shell):
    # seed 002's evaluation trace, the formula as the seed writes it
    cell = "x_1, x_2: scalar\n" + r"f(x_1,x_2) = ln(x_1) + x_1x_2 - sin(x_2)"
    result, _ = run(shell, '%%matdiff --graph --latex --at "x_1=2, x_2=5"\n' + cell + "\n")
    assert result.success
    result, captured = run(shell, '%%matdiff --graph --at "x_1=2"\n' + r"\ln x_1 - \foo x_1" + "\n")
    assert not result.success
    assert r"unknown LaTeX command \foo" in captured.stdout + captured.stderr


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


def test_a_matrix_written_out_is_refused_with_a_caret():
    latex = r"X=\left[\begin{matrix}x_{11} & x_{12} \\ x_{21} & x_{22}\end{matrix}\right]"  # seed 000
    with pytest.raises(MatdiffError) as info:
        translate(latex)
    assert _under_caret(info.value) == r"\begin{matrix}"
