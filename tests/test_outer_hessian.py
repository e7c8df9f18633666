"""A Hessian through a function declared without a formula (g: function) is refused by name, with
the caret under g(…) in the cell (README: "Hessians through g are refused"); one where g does not
depend on the variable still derives, checked against central differences of a NumPy f."""
import numpy as np
import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError


@pytest.mark.parametrize(
    ("cell", "wrt", "quoted", "under"),
    [
        ("g: function\ng(W*x)", "x", "g(W x)", "g(W*x)"),
        ("g: function\ng(W*x) + lambda*norm2(x)^2", "x", "g(W x)", "g(W*x)"),
        ("g: function\nY = A*X*B\nf = g(Y)", "X", "g(A X B)", "g(Y)"),
    ],
)
def test_refused_with_the_function_named_and_a_caret(cell, wrt, quoted, under):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt=wrt, order=2)
    error = info.value
    assert str(error).startswith(f"a Hessian through {quoted} is not derived yet: g is declared without a formula")
    assert cell[error.span.start : error.span.end] == under
    assert "order 1" in error.hint


def test_worded_in_chinese():
    with pytest.raises(MatdiffError) as info:
        derive("g: function\ng(W*x)", wrt="x", order=2, lang="zh")
    assert "尚不支持经过 g(W x) 求 Hessian 矩阵" in str(info.value)


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_a_hessian_where_g_does_not_depend_on_the_variable_derives(layout):
    rng = np.random.default_rng(8)
    A, x, W, y = rng.standard_normal((3, 3)), rng.standard_normal(3), rng.standard_normal((2, 4)), rng.standard_normal(4)
    d = derive("g: function\ng(W*y) + x'*A*x", wrt="x", order=2, layout=layout)
    H = np.asarray(d.evaluate(x=x, A=A, W=W, y=y))

    def grad(z, h=1e-6):  # central differences of f(z) = zᵀAz + const, written here
        f = lambda v: v @ A @ v
        return np.array([(f(z + h * e) - f(z - h * e)) / (2 * h) for e in np.eye(3)])

    numeric = np.array([(grad(x + 1e-4 * e) - grad(x - 1e-4 * e)) / 2e-4 for e in np.eye(3)]).T
    np.testing.assert_allclose(H, numeric, rtol=1e-5, atol=1e-6)
