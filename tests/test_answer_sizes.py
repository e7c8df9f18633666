"""check_answer(points=k) puts its k points at k distinct sizes: an answer whose numbers depend on a
size can agree with the derivative at a few sizes only (2x + (m − 2)(m − 3)(m − 4)x is 2x at
m = 2, 3, 4, the three sizes every call used, and 8x at m = 5)."""

from __future__ import annotations

import re

import numpy as np
from numeric_helpers import central_difference

from matdiff_magic import check_answer

TRICK = "2*x + (tr(eye(m))-2)*(tr(eye(m))-3)*(tr(eye(m))-4)*x"


def _sizes(message: str) -> list[int]:
    return [int(n) for n in re.findall(r"m=(\d+)", message)]


def test_more_points_are_more_sizes():
    result = check_answer("2*x", "x'*x", wrt="x", points=6)
    assert result.correct, result
    assert sorted(_sizes(str(result))) == [2, 3, 4, 5, 6, 7]


def test_an_answer_right_at_three_sizes_only_is_wrong_at_six_points():
    result = check_answer(TRICK, "x'*x", wrt="x", points=6)
    assert not result.correct, result
    # the answer is 2x + (m-2)(m-3)(m-4)x; the derivative of xᵀx, by differences, is 2x: they
    # differ at m = 5
    rng = np.random.default_rng(0)
    x = rng.standard_normal(5)
    numeric = central_difference(lambda x: float(x @ x), {"x": x}, "x")
    answer = 2 * x + (5 - 2) * (5 - 3) * (5 - 4) * x
    assert np.allclose(numeric, 2 * x, atol=1e-8) and not np.allclose(answer, numeric, atol=1e-3)


def test_three_points_stay_at_the_three_sizes():
    """The default: three points at m = 3, 4, 2, as before."""
    result = check_answer("2*x", "x'*x", wrt="x")
    assert result.correct and sorted(_sizes(str(result))) == [2, 3, 4], result


def test_more_points_are_more_sizes_of_each_symbol():
    """With two size symbols, six points took m = 3, 2, 4, 3, 2, 1: an answer wrong only at
    m ≥ 5 was accepted. The sizes not seen yet come first after the default three."""
    result = check_answer("2*X", "tr(X'*X)", wrt="X", points=6)
    assert result.correct, result
    ms = [int(m) for m in re.findall(r"m=(\d+)", str(result))]
    assert len(set(ms)) == 6, result
    trick = "2*X + (tr(eye(m))-1)*(tr(eye(m))-2)*(tr(eye(m))-3)*(tr(eye(m))-4)*X"
    assert not check_answer(trick, "tr(X'*X)", wrt="X", points=6).correct
    three = check_answer("a*b'", "a'*X*b", wrt="X")
    assert "m=3, n=2" in three.message and "m=2, n=3" in three.message
