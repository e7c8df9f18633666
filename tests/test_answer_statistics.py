"""check_answer takes an answer written with the names the derivation prints for a sum over
samples (N, xbar, S), as the notes and the where line write it; each verdict against the true
derivative, which the suite checks against central differences."""

from __future__ import annotations

import pytest

from matdiff_magic import check_answer

MEAN = "xbar: mean(x_i)\nsum_i(norm2(x_i - mu)^2)"
MVN = "Sigma: symmetric\nxbar: mean(x_i)\nlog(det(Sigma)) + 1/N*sum_i((x_i - xbar)'*inv(Sigma)*(x_i - xbar))"


@pytest.mark.parametrize(
    "answer, cell, wrt, layout",
    [
        ("2*N*(mu - xbar)", MEAN, "mu", "mixed"),
        ("2*N*(mu - xbar)'", MEAN, "mu", "numerator"),
        ("inv(Sigma) - inv(Sigma)*S*inv(Sigma)", MVN, "Sigma", "mixed"),
        ("inv(Sigma) - inv(Sigma)*S*inv(Sigma)", MVN, "Sigma", "numerator"),
        ("inv(Sigma) - 1/N*inv(Sigma)*sum_i((x_i - xbar)*(x_i - xbar)')*inv(Sigma)", MVN, "Sigma", "mixed"),
    ],
)
def test_the_printed_statistics_are_names_an_answer_may_use(answer, cell, wrt, layout):
    verdict = check_answer(answer, cell, wrt=wrt, layout=layout)
    assert verdict.message.startswith("✓ Correct"), (verdict.message, verdict.details)


@pytest.mark.parametrize(
    "answer, cell, wrt, said",
    [
        ("N*(mu - xbar)", MEAN, "mu", "Wrong factor"),
        ("inv(Sigma) - inv(Sigma)*S", MVN, "Sigma", "Not equal"),
        ("2*N*(mu - q)", MEAN, "mu", "cannot be read"),
    ],
)
def test_a_wrong_answer_with_them_is_still_wrong(answer, cell, wrt, said):
    verdict = check_answer(answer, cell, wrt=wrt)
    assert not verdict.message.startswith("✓") and said in verdict.message


@pytest.mark.parametrize(
    "answer, cell, wrt",
    [
        ("10*(mu - xbar)", MEAN, "mu"),  # 2N at N = 5
        ("5*S", "xbar: mean(x_i)\nsum_i((x_i - xbar)'*A*(x_i - xbar))", "A"),  # N S at N = 5
        ("xbar", "xbar: mean(x_i)\nsum_i(x_i'*w)/5", "w"),
        ("10*w", "M: scalar\nsum_i(norm2(w)^2, M)", "w"),
        ("3", "c: scalar\nc*tr(A*inv(A))", "c"),  # m at m = 3
        ("3/c", "c: scalar\nlogdet(c*A)", "c"),
    ],
)
def test_an_answer_right_at_one_size_or_count_only_is_wrong(answer, cell, wrt):
    """Each point is at other sizes and another number of samples: an answer that holds only at
    one (a number where the derivative has N or a square size m) is not ✓."""
    verdict = check_answer(answer, cell, wrt=wrt)
    assert not verdict.message.startswith("✓"), verdict.message
