"""check_answer at every scale of f: a difference between the answer and the derivative is taken
for rounding only within how far both move when the point's inputs are nudged by a relative
10⁻¹³ (``exercises.answer.evaluate_at``), not within a fixed 10⁻¹³, which made every comparison
of a derivative smaller than about 10⁻⁶ absolute: the answer 0 was "correct" for 10⁻²⁰ tr(XᵀX)."""

from __future__ import annotations

import pytest

from matdiff_magic import check_answer

SCALES = (1e-20, 1e-9, 1.0, 1e9)


@pytest.mark.parametrize("s", SCALES)
def test_a_right_answer_is_right_at_every_scale(s):
    assert check_answer(f"{2 * s!r}*X", f"{s!r}*tr(X'*X)", wrt="X").kind == "correct"
    assert check_answer(f"{s!r}*(A + A')*x", f"{s!r}*x'*A*x", wrt="x").kind == "correct"
    # formulas that differ only by rounding: the answer sums terms that cancel
    assert check_answer(f"{s!r}*(X + X - X + X)", f"{s!r}*tr(X'*X)", wrt="X").kind == "correct"


@pytest.mark.parametrize("s", SCALES)
def test_a_wrong_answer_is_wrong_at_every_scale(s):
    zero = check_answer("0*X", f"{s!r}*tr(X'*X)", wrt="X")
    assert not zero.correct and zero.kind != "correct"
    half = check_answer(f"{s!r}*X", f"{s!r}*tr(X'*X)", wrt="X")
    assert half.kind == "factor" and "1/2" in str(half), str(half)
    one_sided = check_answer(f"{2 * s!r}*A*x", f"{s!r}*x'*A*x", wrt="x")
    assert one_sided.kind == "symmetric" and not one_sided.correct


def test_an_answer_that_is_zero_up_to_rounding_is_right():
    # ∂/∂X of a function that does not move with X: X − X is 0 exactly, Xᵀ⁻¹Xᵀ − I up to rounding
    assert check_answer("X - X", "0*tr(X)", wrt="X").kind == "correct"
    assert check_answer("inv(X')*X' - eye(n)", "X: matrix(n, n)\n0*tr(X)", wrt="X").kind == "correct"


@pytest.mark.parametrize(
    "answer",
    [
        "-2*1e-20*X + (inv(X')*X' - eye(n))",  # a sign error under the rounding of X⁻ᵀXᵀ − I
        "0*X + (X*inv(X)*A - A)",  # 0 under it
        "2e-20*X + (X*inv(X)*A - A)",  # right, but as unverifiable as the wrong ones
    ],
)
def test_an_answer_whose_rounding_hides_the_derivative_is_not_called_correct(answer):
    f = "X: matrix(n, n)\nA: matrix(n, n)\n1e-20*tr(X'*X) + tr(A)"
    result = check_answer(answer, f, wrt="X")
    assert not result.correct and result.kind == "rounding", str(result)
    assert "Cannot tell" in str(result) and "terms that cancel" in str(result)
    assert check_answer("2e-20*X", f, wrt="X").kind == "correct"
