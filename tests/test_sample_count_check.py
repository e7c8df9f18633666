"""The numeric check of a sum over a written number of samples (sum_i(…, 6), sum_i(…, M)): its
random points hold that many samples (they held 5, so every point raised and the check gave up),
and a counting variable M is set to it. Each derivative also against central differences of an
independent NumPy f."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import check_answer, derive


@pytest.mark.parametrize("count", [1, 3, 6, 12])
def test_a_literal_count_is_checked(count):
    d = derive(f"sum_i(x_i'*A*x_i, {count})", wrt="A")
    assert d.check_result.status == "passed" and d.check_result.max_rel_error < 1e-6
    rng = np.random.default_rng(count)
    xs, A = rng.standard_normal((count, 3)), rng.standard_normal((3, 3))
    fd = central_gradient(lambda A: sum(x @ A @ x for x in xs), A)
    assert np.allclose(d.evaluate(A=A, x_i=xs), fd, atol=1e-6)


def test_a_counting_variable_is_checked():
    d = derive("M: scalar\nsum_i(x_i'*A*x_i, M)", wrt="A")
    assert d.check_result.status == "passed"
    verdict = check_answer("sum_i(x_i*x_i', 6)", "sum_i(x_i'*A*x_i, 6)", wrt="A")
    assert verdict.message.startswith("✓ Correct"), verdict.message


def test_least_squares_over_three_samples_is_checked():
    d = derive("y_i: scalar\nsum_i((y_i - x_i'*w)^2, 3)", wrt="w")
    assert d.check_result.status == "passed"
    rng = np.random.default_rng(0)
    xs, ys, w = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal(4)
    fd = central_gradient(lambda w: np.sum((ys - xs @ w) ** 2), w)
    assert np.allclose(d.evaluate(w=w, x_i=xs, y_i=ys.reshape(-1, 1)), fd, atol=1e-6)


@pytest.mark.parametrize("count", ["-3", "1/2", "0", "2.5", "-(4)"])
def test_a_count_that_is_not_a_whole_number_of_samples_is_refused(count):
    from matdiff_magic import MatdiffError

    with pytest.raises(MatdiffError, match="whole number of at least 1") as caught:
        derive(f"sum_i(x_i'*w, {count})", wrt="w")
    assert "^" in str(caught.value)  # under the count
