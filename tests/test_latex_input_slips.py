"""LaTeX as course notes write it around a formula: an equation number, the sentence's full stop, a
domain clause; |det X| of a determinant; \\cdot as a placeholder, \\max(0, u); 2xy typed as text.
Every derivation's value is compared with central differences of a NumPy function written here,
in every layout; every refusal with its message and the text under its caret."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, gradient_in_layout

from matdiff_magic import MatdiffError, check_answer, derive
from matdiff_magic.syntax.latex import translate

LAYOUTS = ("numerator", "denominator", "mixed")


def every_layout(d, values, ref, wrt, rtol=1e-5):
    values = {v.name: values[v.name] for v in d.variables}
    want = central_difference(ref, values, wrt)
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**values)
        assert_close(got, gradient_in_layout(want, layout), rtol, f"{d.source} by {wrt}, {layout}")


def jacobian_every_layout(d, values, ref, wrt, h=1e-6):
    """A vector function of a vector: J[i, j] = ∂f_i/∂x_j by central differences; the numerator
    and mixed layouts are J, the denominator layout Jᵀ."""
    x0 = np.asarray(values[wrt], dtype=float)
    columns = []
    for j in range(x0.size):
        step = np.zeros_like(x0)
        step[j] = h
        plus, minus = ref(**{**values, wrt: x0 + step}), ref(**{**values, wrt: x0 - step})
        columns.append((plus - minus) / (2 * h))
    J = np.stack(columns, axis=1)
    for layout, expected in (("numerator", J), ("mixed", J), ("denominator", J.T)):
        got = d.with_layout(layout).evaluate(**values)
        assert_close(got, expected, 1e-5, f"{d.source} by {wrt}, {layout}")


def _error(source: str, **kwargs) -> MatdiffError:
    with pytest.raises(MatdiffError) as info:
        derive(source, **kwargs)
    return info.value


def _under_caret(error: MatdiffError) -> str:
    assert error.source is not None and error.span is not None
    return error.source[error.span.start : error.span.end]


RNG = np.random.default_rng(7)
X_VEC = {"x": RNG.standard_normal(4)}
A_SQ = RNG.standard_normal((4, 4))


def xtx(x):
    return float(x @ x)


# ---- 1. an equation number is not a factor ---------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        r"\mathbf{x}^T\mathbf{x} \quad (2)",
        r"\mathbf{x}^T\mathbf{x} \qquad (3)",
        r"\mathbf{x}^T\mathbf{x} \qquad\qquad (2.3)",
        r"\mathbf{x}^T\mathbf{x} \hfill (2-3)",
        r"\mathbf{x}^T\mathbf{x}~(3.1)",
        r"\mathbf{x}^T\mathbf{x} \; (4)",
        r"\mathbf{x}^T\mathbf{x} \, (5)",
        r"\mathbf{x}^T\mathbf{x} \ (6)",
        r"\mathbf{x}^T\mathbf{x} \tag{2}",
        r"\mathbf{x}^T\mathbf{x} \tag*{2}",
        r"\mathbf{x}^T \label{eq:xtx} \mathbf{x}",
        r"$\mathbf{x}^T\mathbf{x} \quad (2)$",
    ],
)
def test_an_equation_number_is_dropped(source):
    assert translate(source).text == "x'*x\n"
    d = derive(source, wrt="x")
    assert d.steps[0].text == "xᵀ x"
    assert d.steps[-1].text == "2 x"
    every_layout(d, X_VEC, xtx, "x")


def test_a_numbered_quadratic_form_derives_by_x():
    d = derive(r"\mathbf{x}^T A \mathbf{x} \qquad (3)", wrt="x")
    assert d.steps[0].text == "xᵀ A x"
    every_layout(d, {**X_VEC, "A": A_SQ}, lambda x, A: float(x @ A @ x), "x")


def test_a_number_in_parentheses_right_after_the_formula_is_refused():
    error = _error(r"\mathbf{x}^T\mathbf{x} (2)", wrt="x")
    assert error.message == "is (2) at the end of the formula an equation number or a factor?"
    assert _under_caret(error) == "(2)"
    assert error.hint == (
        "set an equation number off with a space, \\quad (2); "
        "write a factor before the formula, 2 x^T x"
    )


@pytest.mark.parametrize(
    "source, text",
    [
        (r"2 (3) \mathbf{x}^T\mathbf{x}", "2*(3)*x'*x\n"),  # not at the end: a factor
        (r"\mathbf{x}^T\mathbf{x} + (2)", "x'*x+(2)\n"),  # after an operator: a term
        (r"\mathbf{x}^T \mathbf{x} \, \mathbf{1}^T vector(3)", "x'*x*vector(1)'*vector(3)\n"),  # a call
    ],
)
def test_a_parenthesised_number_that_is_a_term_or_an_argument_is_kept(source, text):
    assert translate(source).text == text


# ---- 2. a sentence's punctuation after the formula -------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        r"$\mathbf{x}^T\mathbf{x}$.",
        r"\mathbf{x}^T\mathbf{x}\,.",
        r"\mathbf{x}^T\mathbf{x}。",
        r"\mathbf{x}^T\mathbf{x},",
        r"\mathbf{x}^T\mathbf{x};",
        r"\mathbf{x}^T\mathbf{x}\text{，}",
        r"\mathbf{x}^T\mathbf{x} \; \text{.}",
        r"\mathbf{x}^T\mathbf{x}, \quad (2)",
        r"\mathbf{x}^T\mathbf{x} \quad (2).",
    ],
)
def test_a_full_stop_or_comma_after_the_formula_is_dropped(source):
    assert translate(source).text == "x'*x\n"
    d = derive(source, wrt="x")
    assert d.steps[0].text == "xᵀ x"
    every_layout(d, X_VEC, xtx, "x")


def test_a_bilinear_form_with_its_full_stop_derives_by_a_non_square_x():
    source = r"f = \mathbf{a}^T X \mathbf{b}."
    assert translate(source).text == "f=a'*X*b\n"
    d = derive(source, wrt="X")
    assert d.steps[0].text == "aᵀ X b"
    rng = np.random.default_rng(1)
    values = {"a": rng.standard_normal(3), "X": rng.standard_normal((3, 5)), "b": rng.standard_normal(5)}
    every_layout(d, values, lambda a, X, b: float(a @ X @ b), "X")


def test_check_answer_reads_an_answer_with_its_full_stop():
    result = check_answer(r"\mathbf{a}\mathbf{b}^\top.", r"f = \mathbf{a}^T X \mathbf{b}.", wrt="X")
    assert result.correct


def test_a_lone_full_stop_is_still_refused():
    error = _error("$.$", wrt="x")
    assert error.message == "unexpected '.'"
    assert _under_caret(error) == "."


# ---- 3. the absolute value of a determinant --------------------------------------------------------
@pytest.mark.parametrize(
    "source, text",
    [
        (r"\log\left|\det X\right|", "log(abs(det(X)))\n"),
        (r"\ln|\det(X)|", "log(abs(det(X)))\n"),
        (r"\log|X|", "log(det(X))\n"),
        (r"\log\left|X\right|", "log(det(X))\n"),
    ],
)
def test_log_abs_det_is_the_inverse_transpose(source, text):
    assert translate(source).text == text
    d = derive(source, wrt="X")
    assert d.steps[-1].text == "X⁻ᵀ"  # the Matrix Cookbook's (51)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 4)) + 4 * np.eye(4)  # det X > 0: log det X is defined too
    every_layout(d, {"X": X}, lambda X: float(np.log(abs(np.linalg.det(X)))), "X")
    if "abs" in text:  # where det X < 0 as well
        X[0] = -X[0]
        assert np.linalg.det(X) < 0
        every_layout(d, {"X": X}, lambda X: float(np.log(abs(np.linalg.det(X)))), "X")


def test_log_abs_det_first_reads_as_written():
    assert derive(r"\log\left|\det X\right|", wrt="X").steps[0].text == "log(abs(|X|))"


def test_bars_around_a_declared_scalar_are_its_absolute_value():
    source = "x: scalar\n\\log|x| + |2|"
    assert translate(source).text == "x: scalar\nlog(abs(x))+abs(2)\n"
    d = derive(source, wrt="x")
    for x in (-1.7, 0.6):
        every_layout(d, {"x": x}, lambda x: float(np.log(abs(x)) + 2), "x")


def test_bars_around_an_undeclared_name_stay_a_determinant():
    assert translate(r"|x| + |X Y|").text == "det(x)+det(X*Y)\n"
    assert translate(r"|\operatorname{tr}(X)| + \left|\det X \det Y\right|").text == (
        "abs(tr(X))+abs(det(X*det(Y)))\n"
    )


# ---- 4. a domain clause declares the shapes --------------------------------------------------------
@pytest.mark.parametrize(
    "source, text",
    [
        (
            r"f(X) = \log\det X, \quad X \in \mathbb{R}^{n \times n}",
            "X: matrix(n, n)\nf=log(det(X))\n",
        ),
        (
            r"f(X) = \log\det X, \quad X \in \mathbb{R}^{n \times n}.",
            "X: matrix(n, n)\nf=log(det(X))\n",
        ),
        (
            r"f = \log\det X, \quad A, X \in \mathbb{R}^{n\times n} \qquad (4)",
            "A, X: matrix(n, n)\nf=log(det(X))\n",
        ),
        (
            r"f = \log\det X, \text{where } X \in \mathbb{R}^{n \times n}",
            "X: matrix(n, n)\nf=log(det(X))\n",
        ),
        (r"f = \log\det X, X \in \mathbb{R}^{n \times n}", "X: matrix(n, n)\nf=log(det(X))\n"),
    ],
)
def test_a_domain_clause_declares_a_square_matrix(source, text):
    assert translate(source).text == text
    d = derive(source, wrt="X")
    assert d.steps[-1].text == "X⁻ᵀ"
    assert [str(dim) for dim in d.variables[-1].shape] == ["n", "n"]
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    every_layout(d, {"X": X}, lambda X: float(np.log(np.linalg.det(X))), "X")


def test_a_domain_clause_declares_a_non_square_matrix():
    source = r"f = \mathbf{a}^T X \mathbf{b}, \quad X \in \mathbb{R}^{m \times n}"
    assert translate(source).text == "X: matrix(m, n)\nf=a'*X*b\n"
    d = derive(source, wrt="X")
    assert d.steps[0].text == "aᵀ X b"
    rng = np.random.default_rng(5)
    values = {"a": rng.standard_normal(2), "X": rng.standard_normal((2, 5)), "b": rng.standard_normal(5)}
    every_layout(d, values, lambda a, X, b: float(a @ X @ b), "X")


def test_a_domain_clause_declares_vectors_and_scalars():
    source = r"\mathbf{a}^T\mathbf{x}, \quad \mathbf{a}, \mathbf{x} \in \mathbb{R}^{n}"
    assert translate(source).text == "a, x: vector(n)\na'*x\n"
    source = r"c \, \mathbf{x}^T\mathbf{x}, \quad c \in \mathbb{R}"
    assert translate(source).text == "c: scalar\nc*x'*x\n"
    d = derive(source, wrt="x")
    assert d.steps[-1].text == "2 c x"
    every_layout(d, {"c": 1.3, **X_VEC}, lambda c, x: float(c * (x @ x)), "x")
    d = derive(source, wrt="c")
    every_layout(d, {"c": 1.3, **X_VEC}, lambda c, x: float(c * (x @ x)), "c")


def test_a_domain_clause_that_is_not_understood_says_to_declare_on_a_line():
    error = _error(r"f = x^T x, \quad x \in S", wrt="x")
    assert error.message == (
        "\\in is read in a domain clause closing the formula only: f, \\quad X \\in \\mathbb{R}^{m \\times n}"
    )
    assert _under_caret(error) == "\\in"
    assert error.hint == "or declare the shape on a line of its own: X: matrix(m, n)"
    assert "\\sin" not in str(error)


def test_in_elsewhere_is_refused_without_suggesting_sin():
    error = _error(r"\sum_{i=1}^{N} [x \in S] x_i", wrt="x_i")
    assert error.message == "\\in is not part of a formula matdiff derives"
    assert _under_caret(error) == "\\in"
    assert error.hint == (
        "a domain clause closes the formula (f, \\quad X \\in \\mathbb{R}^{m \\times n}); "
        "or declare the shape on a line of its own: X: matrix(m, n)"
    )


# ---- 5. hints: a placeholder argument, \max ------------------------------------------------------
@pytest.mark.parametrize("source", [r"\sigma(\cdot)", r"f(\cdot)", r"\cdot", r"g(\cdot, y)"])
def test_a_placeholder_argument_is_refused_with_what_is_wrong(source):
    error = _error(source, wrt="x")
    assert error.message == "\\cdot stands for an argument here (f(\\cdot)), and a placeholder has no value"
    assert _under_caret(error) == "\\cdot"
    assert error.hint == "write the argument itself, e.g. \\sigma(W\\mathbf{x})"


def test_an_operator_with_no_operand_before_it_says_so():
    error = _error(r"x + \cdot y", wrt="x")
    assert error.message == "an operand is missing before \\cdot"
    assert _under_caret(error) == "\\cdot"
    assert error.hint is None


@pytest.mark.parametrize(
    "source", [r"\max(0, W\mathbf{x})", r"\max\left(W\mathbf{x}, 0\right)", r"\max\{0, W \mathbf{x}\}"]
)
def test_max_with_zero_is_relu(source):
    assert translate(source).text == "relu(W*x)\n"
    d = derive(source, wrt="x")
    assert d.steps[0].text == "relu(W x)"
    rng = np.random.default_rng(6)
    values = {"W": rng.standard_normal((3, 5)), "x": rng.standard_normal(5)}
    jacobian_every_layout(d, values, lambda W, x: np.maximum(W @ x, 0.0), "x")


def test_another_max_is_refused_with_relu():
    error = _error(r"\max(x, y)", wrt="x")
    assert error.message == "\\max is understood as \\max(0, u), the rectifier relu(u) entry by entry"
    assert _under_caret(error) == "\\max"
    assert error.hint == "write relu(u) for max(0, u)"
    error = _error(r"\max_i x_i", wrt="x_i")
    assert error.message == "\\max is not part of a formula matdiff derives"
    assert error.hint == "the maximum understood is \\max(0, u), relu(u) entry by entry"


# ---- 6. 2xy typed as text ------------------------------------------------------------------------
def test_a_number_run_into_names_suggests_the_product_and_latex():
    error = _error("x^2 + 2xy", wrt="x")
    assert error.message == "a number cannot run into a name here: '2x'"
    assert _under_caret(error) == "x"
    assert error.span is not None and error.span.start == 7
    assert error.hint == (
        "write the product explicitly, e.g. 2*x*y, or read the cell as LaTeX, where 2xy is 2·x·y: "
        "%%matdiff --latex (derive(..., latex=True))"
    )


def test_the_suggested_latex_reading_derives():
    d = derive("x, y: scalar\nx^2 + 2xy", wrt="x", latex=True)
    assert d.steps[0].text == "x² + 2 x y"
    every_layout(d, {"x": 0.7, "y": -1.1}, lambda x, y: x**2 + 2 * x * y, "x")


def test_a_function_run_into_a_number_keeps_its_name():
    assert _error("3exp(x)", wrt="x").hint.startswith("write the product explicitly, e.g. 3*exp, ")


def test_in_a_latex_cell_the_hint_does_not_suggest_latex():
    error = _error("X: matrix(2n, n)\n\\det X", wrt="X")
    assert error.message == "a number cannot run into a name here: '2n'"
    assert _under_caret(error) == "n"
    assert error.hint == "write the product explicitly, e.g. 2*n"


def test_bars_around_a_scalar_greek_letter_are_its_absolute_value():
    """|λ| of an undeclared λ (a scalar by the naming convention) is abs(λ), not det(λ) = λ: the
    gradient of |λ| xᵀx by x is 2|λ| x, which differs from 2λx where λ < 0."""
    d = derive(r"|\lambda| \mathbf{x}^T\mathbf{x}", wrt="x")
    assert d.steps[0].text == "abs(λ) xᵀ x"
    x0 = np.array([1.0, -2.0, 0.5])
    values = {"lambda": -1.5, "x": x0}
    every_layout(d, values, lambda x, **k: abs(k["lambda"]) * x @ x, "x", 1e-6)


@pytest.mark.parametrize(
    "source, f",
    [
        (r"|-\det X|", lambda X: abs(-np.linalg.det(X))),
        (r"\log|2\det X|", lambda X: np.log(abs(2 * np.linalg.det(X)))),
        (r"|\mathrm{tr}(X)| + |X|", lambda X: abs(np.trace(X)) + np.linalg.det(X)),
    ],
)
def test_bars_around_scalars_combined_are_the_absolute_value(source, f):
    """|…| around numbers and det, tr or norm calls joined by + − * / is abs, not det (det of
    −det X would be −det X): checked where det X < 0 and tr X < 0, in every layout."""
    d = derive(source, wrt="X")
    X0 = np.array([[-2.0, 0.3, 0.1], [0.2, 1.5, -0.4], [0.1, 0.2, 1.1]])
    assert np.linalg.det(X0) < 0 and np.trace(X0) > 0
    X0 = X0 if "tr" not in source else X0 - 2 * np.eye(3)
    every_layout(d, {"X": X0}, f, "X", 1e-6)
