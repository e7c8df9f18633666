"""The numeric check tries even sizes where a matrix is singular at every odd one (X − Xᵀ, skew
symmetric): it said "could not check: X − Xᵀ is singular at every size tried". Each derivative
also against central differences of an independent NumPy f at an even size."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive


@pytest.mark.parametrize(
    "source, f",
    [
        ("tr(inv(X - X'))", lambda X: np.trace(np.linalg.inv(X - X.T))),
        ("logdet(X - X')", lambda X: np.linalg.slogdet(X - X.T)[1]),
        ("det(X - X')", lambda X: np.linalg.det(X - X.T)),
        ("a'*inv(X - X')*b", None),
    ],
)
def test_a_skew_symmetric_argument_is_checked_at_an_even_size(source, f):
    d = derive(source, wrt="X")
    assert d.check_result.status == "passed", d.check_result.message
    if f is None:
        return
    X = np.random.default_rng(5).standard_normal((4, 4))
    for layout in ("numerator", "denominator", "mixed"):
        got = d.with_layout(layout).evaluate(X=X)
        fd = central_gradient(f, X)
        assert np.allclose(got, fd.T if layout == "numerator" else fd, atol=1e-5)
