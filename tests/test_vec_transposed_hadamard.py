"""A transposed Hadamard product in a Jacobian, (xᵀ ⊙ dxᵀ)ᵀ: the vec stage writes it as the same
matrix, x ⊙ dx ((A ⊙ B)ᵀ = Aᵀ ⊙ Bᵀ), and reads diag(x) off it (these were refused as forms it
could not write as J d vec X). Every Jacobian against central differences of the function written
here in NumPy, at non-square shapes, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_jacobian

from matdiff_magic import derive

RNG = np.random.default_rng(11)
X0, A0, x0 = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2)), RNG.standard_normal(4)

CASES = [  # source, wrt, values, F as a NumPy function of the variable
    ("(x'.*x')'", "x", {"x": x0}, lambda x: x * x),
    ("sin(x')'", "x", {"x": x0}, lambda x: np.sin(x)),
    ("(X'.*A')'", "X", {"X": X0, "A": A0}, lambda X: X * A0),
    ("(exp(X').*A')'", "X", {"X": X0, "A": A0}, lambda X: np.exp(X) * A0),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
@pytest.mark.parametrize("source, wrt, values, F", CASES, ids=[c[0] for c in CASES])
def test_transposed_hadamard_jacobians(source, wrt, values, F, layout):
    d = derive(source, wrt=wrt, layout=layout)
    assert d.check_result.status == "passed"
    J = central_jacobian(F, values[wrt])
    got = np.asarray(d.evaluate(**values))
    np.testing.assert_allclose(got, J.T if layout == "denominator" else J, rtol=1e-6, atol=1e-8)
    assert any(s.rule == "transpose of a Hadamard product" for s in d.steps)
