"""A sum over a count that is a variable: Σᵢ₌₁ᴹ c = M c for a c the same for every sample, so its
derivative by M is c (the differential dropped dM and gave 0); a sum of per-sample values is
refused by its count (a whole number). Against central differences of an independent NumPy f."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import MatdiffError, check_answer, derive


def test_a_sum_of_a_constant_by_its_count():
    d = derive("M: scalar\nsum_i(norm2(w)^2, M)", wrt="M")
    assert d.check_result.status == "passed"
    w = np.random.default_rng(2).standard_normal(4)
    fd = central_gradient(lambda M: M[0] * (w @ w), np.array([3.0]))[0]
    assert d.evaluate(M=3.0, w=w) == pytest.approx(fd, rel=1e-6)
    assert any(s.rule == "sum of a constant" for s in d.steps)
    assert check_answer("norm2(w)^2", "M: scalar\nsum_i(norm2(w)^2, M)", wrt="M").message.startswith("✓")
    assert not check_answer("0", "M: scalar\nsum_i(norm2(w)^2, M)", wrt="M").message.startswith("✓")


def test_the_same_sum_by_a_shared_variable():
    d = derive("M: scalar\nsum_i(norm2(w)^2, M)", wrt="w")
    w = np.random.default_rng(3).standard_normal(4)
    for layout in ("numerator", "denominator", "mixed"):
        got = np.ravel(d.with_layout(layout).evaluate(M=3.0, w=w))
        assert np.allclose(got, central_gradient(lambda w: 3.0 * (w @ w), w), atol=1e-6)


def test_a_count_of_per_sample_values_is_not_differentiated():
    with pytest.raises(MatdiffError, match="counts the samples"):
        derive("M: scalar\nM*norm2(w)^2 + sum_i(x_i'*w, M)", wrt="M")
