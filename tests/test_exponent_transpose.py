"""A ' after an exponent transposes the power, as MATLAB reads it (left to right at one
precedence): X.^2' is (X.^2)', X^2' is (X²)', not a power by a transposed number. Inside
parentheses the exponent is an expression of its own (X.^(2') keeps its transposed 2). Values and
derivatives against NumPy functions written here and central differences, in every layout, with a
non-square X."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from numeric_helpers import central_gradient

LAYOUTS = ("numerator", "denominator", "mixed")


def first_line(source: str, wrt: str) -> str:
    return derive(source, wrt=wrt, check=False).to_text().splitlines()[0].strip()


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("a'*X.^2'*b", "a'*(X.^2)'*b"),
        ("a'*X.^-2'*b", "a'*(X.^-2)'*b"),
        ("tr(X^2')", "tr((X^2)')"),
        ("tr(X.^2'.^3)", "tr(((X.^2)').^3)"),
        ("sum(X.^2^2')", "sum((X.^(2^2))')"),
    ],
)
def test_a_transpose_after_an_exponent_transposes_the_power(written, meant):
    wrt = "X"
    assert first_line(written, wrt) == first_line(meant, wrt)


def test_inside_parentheses_the_exponent_keeps_its_own_transpose():
    assert "(2ᵀ)" in first_line("a'*X.^(2')*b", "X")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_transposed_power_by_a_non_square_matrix(layout):
    rng = np.random.default_rng(11)
    a, b, X = rng.standard_normal(2), rng.standard_normal(3), rng.standard_normal((3, 2))

    def f(Z):
        return a @ (Z**2).T @ b  # a ∈ ℝ², (X.^2)ᵀ is 2×3, b ∈ ℝ³

    d = derive("a'*X.^2'*b", wrt="X", layout=layout)
    assert d.check_result.status == "passed"
    np.testing.assert_allclose(float(d.value(a=a, X=X, b=b)), f(X), rtol=1e-12)
    got = np.asarray(d.evaluate(a=a, X=X, b=b))
    expected = central_gradient(f, X)
    np.testing.assert_allclose(got.T if layout == "numerator" else got, expected, rtol=1e-6, atol=1e-9)
