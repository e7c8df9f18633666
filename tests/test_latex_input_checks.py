"""LaTeX input (syntax/latex.py), checked: errors point with a caret into the LaTeX, whichever
stage finds them; derivatives of formulas pasted from the seeds agree with central differences of
NumPy functions written here, in every layout; the magic and the graph read LaTeX cells."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run
from numeric_helpers import assert_close, central_difference
from test_latex_input import SEED_FORMULAS

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.latex import translate

LAYOUTS = ("numerator", "denominator", "mixed")


# ---- errors point into the LaTeX ------------------------------------------------------------------
def _under_caret(error: MatdiffError) -> str:
    assert error.source is not None and error.span is not None
    return error.source[error.span.start : error.span.end]


def test_a_plus_minus_sign_is_refused_with_a_caret():
    with pytest.raises(MatdiffError) as info:
        translate(r"\text{tr}(A\pm B)")
    assert _under_caret(info.value) == r"\pm"


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
    # an upright word that other tools call a function, applied: a function, not a vector named trace
    (r"\text{trace}(A X)", "X", "unknown function 'trace'", r"\text{trace}"),
    (r"\mathrm{trace}\left(A X\right)", "X", "unknown function 'trace'", r"\mathrm{trace}"),
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


def test_an_unknown_upright_function_suggests_each_name_once():
    with pytest.raises(MatdiffError) as info:
        derive(r"\text{trace}(A X)", wrt="X")
    assert info.value.hint == "did you mean tr?"
    with pytest.raises(MatdiffError) as info:
        derive(r"\operatorname{norm}(\pmb x)", wrt="x")
    assert info.value.hint == "did you mean norm2 or norm1?"  # norm2 was offered twice


def test_an_upright_synonym_not_applied_is_a_name():
    d = derive(r"\pmb a^T \pmb x \, \text{trace}", wrt="x")  # no bracket after it: a name
    assert "trace" in [v.name for v in d.variables]


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
    formula = next(f for _, f, *_ in SEED_FORMULAS if f.startswith("p("))  # as the seed writes it
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


def test_a_matrix_written_out_is_a_literal_and_a_determinant_written_out_is_refused():
    # seed 000 writes X entry by entry: it declares X by its components (it was refused)
    latex = r"X=\left[\begin{matrix}x_{11} & x_{12} \\ x_{21} & x_{22}\end{matrix}\right]"
    assert translate(latex).text.strip() == "X=[x_11,x_12;x_21,x_22]"
    for env in ("matrix", "bmatrix", "pmatrix", "Bmatrix", "smallmatrix"):
        cell = rf"\begin{{{env}}} 1 & y_2 \\ 3 & 4 \end{{{env}}}^T"
        assert translate(cell).text.strip() == "[1,y_2;3,4]'", env
    assert translate(r"\left(\begin{array}{cc} a & b \end{array}\right)").text.strip() == "([a,b])"
    with pytest.raises(MatdiffError) as info:  # |a b; c d|, the determinant, is not read
        translate(r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}")
    assert _under_caret(info.value) == r"\begin{vmatrix}"


def test_the_notes_answer_written_as_a_matrix_is_checked():
    # seed 002 Example 1 and 2: the answers as the notes typeset them were "cannot be read"
    from matdiff_magic import check_answer

    f = "y = [y_1; y_2]\nf = y_1^2 + y_2^2"
    right = r"\left[\begin{matrix} 2y_1 \\ 2y_2 \\ \end{matrix}\right]"
    assert check_answer(right, f, wrt="y", layout="denominator").correct
    wrong = r"\left[\begin{matrix} 2y_1 \\ y_2 \end{matrix}\right]"
    assert not check_answer(wrong, f, wrt="y", layout="denominator").correct
    d = derive(r"X=\left[\begin{matrix}x_{11} & x_{12}\\ x_{21} & x_{22}\end{matrix}\right]" + "\n"
               + r"x_{11}^2 + x_{12} x_{21}", wrt="X")
    assert d.check_result.passed and d.steps[-1].text == "[2 x₁₁, x₂₁; x₁₂, 0]"


@pytest.mark.parametrize("latex, text", [
    (r"\begin{bmatrix} 1 & -1 \end{bmatrix}", "[1,-1]"),  # was (1-1): & separates always
    (r"\begin{bmatrix} 2 & 0 \\ 0 & -2 \end{bmatrix}", "[2,0;0,-2]"),
    (r"\pmb a^T \sigma(\begin{bmatrix} u \\ v \end{bmatrix})", "a'*sigmoid([u;v])"),  # σ kept its bracket
    (r"\exp(\begin{bmatrix} x_1 \\ x_2 \end{bmatrix})", "exp([x_1;x_2])"),
    (r"\operatorname{tr}(\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} X)", "tr([1,2;3,4]*X)"),
    (r"\left[\begin{bmatrix} u \\ v \end{bmatrix} + b\right]^T a", "([u;v]+b)'*a"),
])
def test_a_matrix_environment_keeps_its_entries_and_the_brackets_around_it(latex, text):
    assert translate(latex).text.strip() == text


def test_a_matrix_environment_with_a_negative_entry_derives_its_value():
    import numpy as np

    d = derive(r"\begin{bmatrix} 1 & -1 \end{bmatrix} \pmb{x}", wrt="x", layout="denominator")
    assert np.allclose(d.evaluate(x=np.array([1.0, 2.0])), [1.0, -1.0])  # it derived 𝟎
    with pytest.raises(MatdiffError):  # an empty entry is refused, not dropped
        derive(r"\begin{bmatrix} & b \\ & d \end{bmatrix} \pmb x", wrt="x")


def test_a_matrix_environment_ended_under_another_name_is_refused_with_a_caret():
    latex = r"\begin{bmatrix} a & b \end{pmatrix} \pmb x"
    with pytest.raises(MatdiffError, match="the environment bmatrix is ended as pmatrix") as info:
        derive(latex, wrt="x")
    assert _under_caret(info.value) == r"\end{pmatrix}"
