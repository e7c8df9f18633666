"""check_answer on sums over samples (least squares per sample, seed 001's sums) and on a function
declared without a formula (seed 000's g(AXB), the outer derivative written grad_g(U)): right
answers are accepted in every layout and their values agree with central differences of a NumPy f
written here; the typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import check_answer
from matdiff_magic.derivation.pipeline import derive
from matdiff_magic.exercises.answer import samples_at_random_points, type_answer
from matdiff_magic.render.printer import to_text

LS = "sum_i((y_i - w'*x_i)^2)"
G = "g: function\nf = g(A*X*B)"
H = 1e-6


def _central(f, x: np.ndarray) -> np.ndarray:
    """∂f/∂x entry by entry (the shape of x), by central differences."""
    out = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = H
        out[idx] = (f(x + e) - f(x - e)) / (2 * H)
    return out


def _least_squares(values: dict):
    X, y = values["x_i"], values["y_i"].reshape(-1)  # the sample index first
    return lambda w: float(np.sum((y - X @ w.reshape(-1)) ** 2))


def _g(U: np.ndarray) -> float:
    """The stand-in g the README documents: ½ uᵀMu + bᵀexp(u/2), u = vec U (column-major),
    M, b from default_rng([Σₖ (k+1)·ord(cₖ) of "g", len u])."""
    u = U.reshape(-1, order="F")
    rng = np.random.default_rng([sum((k + 1) * ord(c) for k, c in enumerate("g")), u.size])
    M = rng.standard_normal((u.size, u.size)) / np.sqrt(u.size)
    b = rng.uniform(0.5, 1.5, u.size)
    return float(0.5 * u @ M @ u + b @ np.exp(u / 2))


def _outer(values: dict):
    A, B = values["A"], values["B"]
    return lambda X: _g(A @ X @ B)


# (answer, f, wrt, layout, NumPy f of the point's values, the variable) — numerator layout is the
# transpose of the gradient (the derivative of a scalar is a row there)
RIGHT = [
    ("-2*sum_i((y_i - w'*x_i)*x_i)", LS, "w", "mixed", _least_squares),
    ("-2*sum_i((y_i - w'*x_i)*x_i)", LS, "w", "denominator", _least_squares),
    ("-2*sum_i((y_i - w'*x_i)*x_i')", LS, "w", "numerator", _least_squares),
    ("2*sum_i(x_i*x_i')*w - 2*sum_i(y_i*x_i)", LS, "w", "mixed", _least_squares),
    ("A'*grad_g(A*X*B)*B'", G, "X", "mixed", _outer),
    ("A'*grad_g(A*X*B)*B'", G, "X", "denominator", _outer),
    ("B*grad_g(A*X*B)'*A", G, "X", "numerator", _outer),
    ("Y = A*X*B\nA'*grad_g(Y)*B'", G, "X", "mixed", _outer),
]


@pytest.mark.parametrize(("answer", "f", "wrt", "layout", "numpy_f"), RIGHT)
def test_right_answers_are_accepted_and_match_central_differences(answer, f, wrt, layout, numpy_f):
    result = check_answer(answer, f, wrt=wrt, layout=layout, lang="en")
    assert result.correct, result.message
    assert result.kind == "correct"
    d = derive(f, wrt=wrt, layout=layout, check=False)
    samples = samples_at_random_points(d, type_answer(answer, d).expr, 3, seed=1)
    assert samples and len(samples) == 3
    for s in samples:
        x = s["values"][wrt]
        gradient = _central(numpy_f(s["values"]), x)
        expected = gradient.T if layout == "numerator" else gradient
        assert s["A"].shape == expected.shape
        if wrt == "X":  # non-square shapes: the check draws distinct sizes
            assert x.shape[0] != x.shape[1]
        np.testing.assert_allclose(s["A"], expected, rtol=1e-5, atol=1e-6)


WRONG = [
    # (answer, f, wrt, the diagnosis, a phrase of the message)
    ("-sum_i((y_i - w'*x_i)*x_i)", LS, "w", "factor", "multiply by 2"),
    ("2*sum_i((y_i - w'*x_i)*x_i)", LS, "w", "sign", "negative"),
    ("-2*sum_i(y_i*x_i)", LS, "w", "wrong", "Not equal"),
    ("-2*sum_i((y_i - w'*x_i)*x_i')", LS, "w", "layout", "transpose your answer"),
    ("B*grad_g(A*X*B)'*A", G, "X", "layout", "transpose your answer"),
    ("-A'*grad_g(A*X*B)*B'", G, "X", "sign", "negative"),
    ("2*A'*grad_g(A*X*B)*B'", G, "X", "factor", "divide by 2"),
    ("A*grad_g(A*X*B)*B", G, "X", "unreadable", "cannot multiply A"),
    ("A'*grad_g(X*A*B)*B'", G, "X", "unreadable", "cannot multiply X"),
    ("A'*grad_g(A*X*B)", G, "X", "shape", "Shape mismatch"),
    ("A'*grad_h(A*X*B)*B'", G, "X", "unreadable", "unknown function 'grad_h'"),
]


@pytest.mark.parametrize(("answer", "f", "wrt", "kind", "phrase"), WRONG)
def test_typical_mistakes_are_named(answer, f, wrt, kind, phrase):
    result = check_answer(answer, f, wrt=wrt, lang="en")
    assert not result.correct
    assert result.kind == kind, result.message
    assert phrase in str(result), str(result)


def test_the_outer_derivative_is_the_derivations_node():
    """grad_g(U) in an answer is the node the derivation prints ∇g(U): the revealed answer reads
    as the notes write it, and the typed answer is the derivative itself."""
    d = derive(G, wrt="X", check=False)
    typed = type_answer("A'*grad_g(A*X*B)*B'", d)
    assert to_text(typed.expr) == to_text(d.results["mixed"].expr) == "Aᵀ ∇g(A X B) Bᵀ"
    revealed = check_answer("A'*A*X*B*B'", G, wrt="X", reveal=True, lang="en")
    assert not revealed.correct
    assert "∇g(A X B)" in revealed.message


def _log_det_gram(values: dict):
    """log det(XᵀX) in NumPy, as a function of X (the other values fixed)."""
    return lambda X: float(np.linalg.slogdet(X.T @ X)[1])


def test_no_point_where_a_matrix_f_inverts_is_singular_counts_as_evidence():
    # XᵀX of an m×n X with m < n has rank m whatever X is: log det(XᵀX) is not defined there, and
    # 2X(XᵀX)⁻¹ evaluates to rounding noise; the sizes the answer was checked at skip them
    f, answer = "log(det(X'*X))", "2*X*inv(X'*X)"
    result = check_answer(answer, f, wrt="X", lang="en")
    assert result.correct, result.message
    d = derive(f, wrt="X", check=False)
    samples = samples_at_random_points(d, type_answer(answer, d).expr, 4, seed=0)
    assert samples and len(samples) == 4
    for s in samples:
        X = s["values"]["X"]
        assert X.shape[0] > X.shape[1]  # XᵀX invertible
        np.testing.assert_allclose(s["A"], _central(_log_det_gram(s["values"]), X), rtol=1e-5, atol=1e-6)
    assert "m=2, n=3" not in result.message
