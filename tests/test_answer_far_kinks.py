"""check_answer for f with kinks far from 0: its extra points are drawn far out (scales 30 and 10),
each drawn again until every kink's argument takes both signs there. At scales up to 1, 𝟏 was
accepted for ∂ Σ relu(x + 10)/∂x and I for ∂ Σ relu(diag S + 10)/∂S."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_difference

from matdiff_magic import check_answer, derive

WRONG = [
    ("vector(1)", "sum(relu(x + vector(10)))", "x"),
    ("eye", "S: symmetric\nsum(relu(diag(S) + vector(10)))", "S"),
    ("diag((sign(diag(S) - vector(2)) + vector(1))/2)", "S: symmetric\nsum(relu(S - matrix(2)))", "S"),
]
RIGHT = [
    ("(sign(x + vector(10)) + vector(1))/2", "sum(relu(x + vector(10)))", "x"),
    ("(sign(S - matrix(2)) + matrix(1))/2", "S: symmetric\nsum(relu(S - matrix(2)))", "S"),
]


@pytest.mark.parametrize("answer, f, wrt", WRONG)
def test_an_answer_right_only_near_zero_is_wrong(answer, f, wrt):
    verdicts = [check_answer(answer, f, wrt=wrt, seed=seed).correct for seed in range(5)]
    assert not any(verdicts), verdicts


@pytest.mark.parametrize("answer, f, wrt", RIGHT)
def test_the_right_answer_is_accepted(answer, f, wrt):
    assert all(check_answer(answer, f, wrt=wrt, seed=seed).correct for seed in range(5))


def test_the_right_answer_agrees_with_differences_across_the_far_kink():
    """The accepted answer's formula, (sign(S − 2) + 1)/2 entry by entry, is the derivation's
    result by every entry of S (the default convention), and both agree with central differences
    of f in NumPy at an S with entries on both sides of 2 (none within a step of it)."""
    S = np.array([[3.0, -12.0, 0.5], [-12.0, 25.0, 2.5], [0.5, 2.5, -30.0]])
    f = lambda S: float(np.maximum(S - 2.0, 0.0).sum())
    expected = central_difference(lambda S: f(S), {"S": S}, "S")
    assert np.allclose(expected, (np.sign(S - 2.0) + 1.0) / 2.0, atol=1e-8)
    d = derive("S: symmetric\nsum(relu(S - matrix(2)))", wrt="S")
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(S=S)
        assert np.allclose(got, expected.T if layout == "numerator" else expected, atol=1e-8), layout
