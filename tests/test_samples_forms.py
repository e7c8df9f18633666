"""Sums over samples in the forms the notes write: a number a summand keeps after the symmetry or
the collection comes out of Σᵢ (½ Σᵢ 2 gᵢ is Σᵢ gᵢ), and by a vector the sum leaves without a
trace, under the row identity c Σᵢ gᵢᵀ dx = (c Σᵢ gᵢᵀ) dx. Every result against central
differences of a NumPy function written here, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive

MU = "Sigma: symmetric\nN/2*log(det(Sigma)) + 1/2*sum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))"


def _data(seed=7, n=5, m=3):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, m))
    Sigma = A @ A.T + m * np.eye(m)
    return rng.standard_normal((n, m)), Sigma, rng.standard_normal(m)


def _mvn(X, Sigma, mu):
    inv = np.linalg.inv(Sigma)
    return len(X) / 2 * np.log(np.linalg.det(Sigma)) + 0.5 * sum((x - mu) @ inv @ (x - mu) for x in X)


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_the_mean_gradient_has_no_half_of_two(layout):
    d = derive(MU, wrt="mu", layout=layout)
    assert "½ Σᵢ(2" not in d.to_text()
    assert d.steps[-1].text == ("Σᵢ((μ - xᵢ)ᵀ Σ⁻¹)" if layout == "numerator" else "Σᵢ(Σ⁻¹ (μ - xᵢ))")
    X, Sigma, mu = _data()
    got = np.asarray(d.evaluate(x_i=X, Sigma=Sigma, mu=mu)).reshape(-1)
    np.testing.assert_allclose(got, central_gradient(lambda m: _mvn(X, Sigma, m), mu), rtol=1e-6, atol=1e-7)
    assert d.check_result.status == "passed"


def test_the_sum_leaves_by_a_vector_under_the_row_identity():
    d = derive(MU, wrt="mu")
    outside = [s for s in d.steps if s.identity_text and "Σ_i" in s.identity_text and "dx" in s.identity_text]
    assert [s.identity_text for s in outside] == ["cΣ_i g_iᵀdx = (cΣ_i g_iᵀ)dx"]
    assert "tr(" not in outside[0].identity_text


def test_by_a_matrix_the_sum_still_leaves_as_a_named_statistic():
    d = derive(MU, wrt="Sigma", layout="denominator", symmetric="independent")
    rules = [s.rule for s in d.steps]
    assert "sample covariance" in rules and rules.index("sample covariance") > rules.index("sum over samples")
    X, Sigma, mu = _data(seed=8)
    expected = central_gradient(lambda S: _mvn(X, S, mu), Sigma)  # every entry independent
    np.testing.assert_allclose(d.evaluate(x_i=X, Sigma=Sigma, mu=mu), expected, rtol=1e-5, atol=1e-7)
