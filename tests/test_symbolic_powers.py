"""Powers of one scalar with symbolic exponents meet in the result, a^p a^q = a^(p+q), as they do
with numbers: ‖x‖^k by x is ‖x‖^(k−2) k x, not ‖x‖^k k ‖x‖⁻² x. Against central differences of the
function written here in NumPy, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive

RNG = np.random.default_rng(4)
x0, a0, X0 = RNG.standard_normal(3), RNG.standard_normal(3), RNG.standard_normal((3, 3)) + 3 * np.eye(3)

CASES = [  # source, wrt, values, f, the result's text (mixed layout)
    ("norm2(x)^k", "x", {"x": x0, "k": 2.7}, lambda v: np.linalg.norm(v) ** 2.7, "‖x‖₂^(k - 2) k x"),
    (
        "(a'*x)^p*(a'*x)^q",
        "x",
        {"x": np.abs(x0), "a": np.abs(a0), "p": 1.3, "q": 0.4},
        lambda v: (np.abs(a0) @ v) ** 1.7,
        "(aᵀ x)^(p + q - 1) (p + q) a",
    ),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
@pytest.mark.parametrize("source, wrt, values, f, text", CASES, ids=[c[0] for c in CASES])
def test_symbolic_exponents_add(source, wrt, values, f, text, layout):
    d = derive(source, wrt=wrt, layout=layout)
    assert d.check_result.status == "passed"
    np.testing.assert_allclose(
        np.asarray(d.evaluate(**values)).reshape(-1), central_gradient(f, values[wrt]), rtol=1e-6, atol=1e-8
    )
    if layout == "mixed":
        assert d.steps[-1].text == text
