"""Like terms up to a transpose: a 1×1 product is its own transpose (aᵀx = xᵀa) and a sum's
transpose is the sum of its terms' transposes ((A + Aᵀ)ᵀ = A + Aᵀ), so those terms are collected.
Each result's text is asserted and its value compared with central differences of a NumPy function
written here, in every layout, on non-square shapes where the cell allows."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, gradient_in_layout

from matdiff_magic import derive

CASES = [  # source, wrt, the result's text, f in NumPy, the values
    (
        "x'*(A+A')*x",
        "x",
        "2 (A + Aᵀ) x",
        lambda A, x: x @ (A + A.T) @ x,
        lambda rng: {"A": rng.standard_normal((4, 4)), "x": rng.standard_normal(4)},
    ),
    (
        "a'*x*x'*a",
        "x",
        "2 (xᵀ a) a",
        lambda a, x: (a @ x) ** 2,
        lambda rng: {"a": rng.standard_normal(5), "x": rng.standard_normal(5)},
    ),
    (
        "(a'*X*b)*(b'*X'*a)",
        "X",
        None,
        lambda a, X, b: (a @ X @ b) ** 2,
        lambda rng: {"a": rng.standard_normal(3), "X": rng.standard_normal((3, 5)), "b": rng.standard_normal(5)},
    ),
    (
        "tr((A*X + X'*A')*B)",
        "X",
        None,
        lambda A, X, B: np.trace((A @ X + X.T @ A.T) @ B),
        lambda rng: {"A": rng.standard_normal((4, 4)), "X": rng.standard_normal((4, 4)), "B": rng.standard_normal((4, 4))},
    ),
    (
        "y'*(B*x) + x'*(B'*y)",
        "x",
        "2 Bᵀ y",
        lambda y, B, x: 2 * y @ B @ x,
        lambda rng: {"y": rng.standard_normal(3), "B": rng.standard_normal((3, 6)), "x": rng.standard_normal(6)},
    ),
]


@pytest.mark.parametrize("source, wrt, text, f, values", CASES, ids=[c[0] for c in CASES])
def test_terms_equal_up_to_a_transpose_are_collected(source, wrt, text, f, values):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed"
    if text is not None:
        assert d.steps[-1].text == text
    v = values(np.random.default_rng(len(source)))
    g = central_difference(f, v, wrt)  # shaped like the variable
    for layout in ("numerator", "denominator", "mixed"):
        assert_close(d.with_layout(layout).evaluate(**v), gradient_in_layout(g, layout), 1e-6, layout)


def test_a_product_and_its_transpose_that_differ_are_not_collected():
    """aᵀX b and bᵀX a are not the same number (X is not symmetric): two terms stay."""
    d = derive("a'*X*b + b'*X*a", wrt="X")
    v = {"a": np.arange(1.0, 4.0), "X": np.arange(9.0).reshape(3, 3), "b": np.array([1.0, -1.0, 2.0])}
    g = central_difference(lambda a, X, b: a @ X @ b + b @ X @ a, v, "X")
    assert_close(d.evaluate(**v), g, 1e-6, "a bᵀ + b aᵀ")
    assert "+" in d.steps[-1].text


def test_a_self_transposed_sum_is_not_transposed_in_the_numerator_layout():
    """(A + Aᵀ)ᵀ = A + Aᵀ for every A (no symmetry declared): the row gradient reads 2 xᵀ(A + Aᵀ)."""
    d = derive("x'*(A+A')*x", wrt="x")
    assert d.with_layout("numerator").steps[-1].text == "2 xᵀ (A + Aᵀ)"
