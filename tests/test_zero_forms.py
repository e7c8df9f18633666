"""Zero in an exponent: X^0 is the identity.

``X^0`` of a square X is I of X's size: shown as typed in the first line, then put in its place
like ``eye``, so d(X⁰) = 0; the derivations below are checked against central differences of
NumPy functions written here, in every layout. A non-square X^0 stays a shape error under the base.
"""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive

LAYOUTS = ("denominator", "mixed", "numerator")


# ---- X^0 is the identity ------------------------------------------------------------------------------
def _central_gradient(f, X, h=1e-6):
    """∂f/∂X by central differences, entry by entry (denominator layout: the shape of X)."""
    g = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        up, down = X.copy(), X.copy()
        up[idx] += h
        down[idx] -= h
        g[idx] = (f(up) - f(down)) / (2 * h)
    return g


def _values(seed):
    rng = np.random.default_rng(seed)
    return {
        "X": np.eye(3) * 2.0 + 0.4 * rng.standard_normal((3, 3)),
        "A": rng.standard_normal((3, 3)),
        "B": rng.standard_normal((3, 3)),
        "a": rng.standard_normal(3),
        "b": rng.standard_normal(3),
        "C": rng.standard_normal((3, 4)),
        "D": rng.standard_normal((4, 4)),
    }


# f written by hand: X^0 is np.eye, never np.linalg.matrix_power
ZERO_POWERS = [
    ("tr(X^0*A) + tr(X^2*B)", lambda X, A, B, **_: np.trace(A) + np.trace(X @ X @ B)),
    ("a'*X^0*b + a'*X*b", lambda X, a, b, **_: a @ b + a @ X @ b),
    ("a'*X^0*X*b", lambda X, a, b, **_: a @ X @ b),
    ("tr(C'*X^0*X*C*D)", lambda X, C, D, **_: np.trace(C.T @ X @ C @ D)),
    ("tr(X^0) + tr(X'*X^0*X)", lambda X, **_: 3.0 + np.trace(X.T @ X)),
    ("tr((X^0 + X)^2*B)", lambda X, B, **_: np.trace((np.eye(3) + X) @ (np.eye(3) + X) @ B)),
]


@pytest.mark.parametrize("source, f", ZERO_POWERS, ids=[c[0] for c in ZERO_POWERS])
def test_x_to_the_zero_against_central_differences_in_every_layout(source, f):
    d = derive(source, wrt="X")
    values = _values(5)
    given = {k: v for k, v in values.items() if k in source}
    assert d.value(**given) == pytest.approx(float(f(**values)), rel=1e-12)
    want = _central_gradient(lambda X: f(**{**values, "X": X}), values["X"])
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**given)
        expected = want.T if layout == "numerator" else want
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=layout)


def test_x_to_the_zero_is_shown_as_typed_then_as_the_identity():
    d = derive("tr(X^0*A) + tr(X^2*B)", wrt="X")
    assert d.steps[0].text == "tr(X⁰ A) + tr(X² B)"
    assert "X^{0}" in d.steps[0].latex
    assert d.steps[1].text == "d(tr(A) + tr(X² B))"  # as eye: tr(I A) is tr(A) from here on
    assert not any("⁰" in s.text for s in d.steps[1:])


def test_only_x_to_the_zero_is_a_constant():
    d = derive("tr(X^0*A)", wrt="X")
    assert d.steps[-1].text == "𝟎"
    np.testing.assert_array_equal(d.evaluate(X=_values(1)["X"], A=_values(1)["A"]), np.zeros((3, 3)))


def test_a_scalar_to_the_zero_is_one():
    d = derive("x: scalar\nx^0*y + x", wrt="x")
    assert d.steps[0].text == "x⁰ y + x"
    assert d.value(x=0.3, y=5.0) == pytest.approx(5.3)
    assert d.evaluate(x=0.3, y=5.0) == pytest.approx(1.0)


def test_a_non_square_base_to_the_zero_is_a_shape_error_under_the_base():
    with pytest.raises(MatdiffError) as info:
        derive("A: matrix(m, n)\ntr(A^0)", wrt="A")
    assert str(info.value) == (
        "^ of a matrix is the matrix power, which needs a square matrix, but A is m×n\n"
        "  line 2 | tr(A^0)\n"
        "              ^\n"
        "hint: if you meant the matrix power A*A*…, A must be square; "
        "if you meant the power of each entry, write A.^k"
    )


def test_a_fractional_matrix_power_is_still_refused_under_the_exponent():
    with pytest.raises(MatdiffError) as info:
        derive("tr(X^0.5)", wrt="X")
    assert str(info.value) == (
        "the exponent of the matrix power X^… must be an integer: a nonzero integer, or 0 for the identity\n"
        "  line 1 | tr(X^0.5)\n"
        "                ^^^\n"
        "hint: for the power of each entry write X.^0.5"
    )


def test_x_to_the_zero_exports_and_runs():
    d = derive("a'*X^0*b + a'*X*b", wrt="X")
    values = {k: v for k, v in _values(2).items() if k in ("X", "a", "b")}
    for layout in LAYOUTS:
        namespace: dict = {}
        exec(compile(d.with_layout(layout).to_python(), "<matdiff export>", "exec"), namespace)
        value, gradient = namespace["f_and_grad"](**values)
        assert value == pytest.approx(
            float(values["a"] @ values["b"] + values["a"] @ values["X"] @ values["b"])
        )
        np.testing.assert_allclose(gradient, d.with_layout(layout).evaluate(**values), rtol=1e-10)


def test_x_to_the_zero_in_the_computational_graph():
    """The evaluation trace reads X⁰ as the matpow row: value I, no tangent, no cotangent for X."""
    from matdiff_magic import graph

    values = {k: v for k, v in _values(4).items() if k in ("X", "a", "b")}
    g = graph("a'*X^0*b + a'*X*b", **values)
    assert g.value() == pytest.approx(
        float(values["a"] @ values["b"] + values["a"] @ values["X"] @ values["b"])
    )
    np.testing.assert_allclose(g.gradient()["X"], np.outer(values["a"], values["b"]), rtol=1e-12)
