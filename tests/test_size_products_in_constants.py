"""A constant's size may be a product of sizes: eye(m*n) is the identity of vec X's size, as a
Hessian by an m×n X is written (2 I for tr(XᵀX)). Before, derive() refused it and check_answer
said "m is not a variable of f"."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_difference, gradient_in_layout

from matdiff_magic import MatdiffError, check_answer, derive


def test_eye_of_a_product_of_sizes_derives():
    d = derive("X: matrix(m, n)\nvec(X)'*eye(m*n)*vec(X)", wrt="X")
    assert d.check_result.status == "passed", d.check_result.message
    rng = np.random.default_rng(4)
    X = rng.standard_normal((4, 3))
    expected = central_difference(lambda X: float(np.sum(X * X)), {"X": X}, "X")
    for layout in ("denominator", "mixed", "numerator"):
        assert np.allclose(
            d.with_layout(layout).evaluate(X=X), gradient_in_layout(expected, layout), atol=1e-7
        )


def test_a_number_times_a_size():
    """kron(𝟏₂, x)ᵀ I₂ₘ kron(𝟏₂, x) = 2 xᵀx: its gradient 4x."""
    d = derive("x: vector(m)\nkron(vector(1, 2), x)'*eye(2*m)*kron(vector(1, 2), x)", wrt="x")
    x = np.random.default_rng(1).standard_normal(5)
    expected = central_difference(lambda x: 2.0 * float(x @ x), {"x": x}, "x")
    for layout in ("denominator", "mixed", "numerator"):
        got = np.ravel(d.with_layout(layout).evaluate(x=x))
        assert np.allclose(got, expected, atol=1e-7), layout


@pytest.mark.parametrize(
    "answer, verdict", [("2*eye(m*n)", True), ("2*eye(n*m)", True), ("3*eye(m*n)", False)]
)
def test_a_hessian_answer_of_eye_of_a_product(answer, verdict):
    result = check_answer(answer, "tr(X'*X)", wrt="X", order=2)
    assert result.correct is verdict, result
    # the Hessian of f = Σ X², by second differences of f itself, is 2 I of vec X's size
    v = np.random.default_rng(2).standard_normal((3, 2)).ravel(order="F")
    f = lambda v: float(v @ v)
    h, E = 1e-4, np.eye(v.size)
    H = np.array(
        [
            [
                (f(v + h * a + h * b) - f(v + h * a - h * b) - f(v - h * a + h * b) + f(v - h * a - h * b))
                / (4 * h * h)
                for b in E
            ]
            for a in E
        ]
    )
    assert np.allclose(H, 2 * np.eye(6), atol=1e-6)


def test_a_product_with_another_operation_is_refused():
    with pytest.raises(MatdiffError, match="a size of eye is a whole number"):
        derive("X: matrix(m, n)\nvec(X)'*eye(m+n)*vec(X)", wrt="X")
