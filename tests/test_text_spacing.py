"""Juxtaposed norms and determinants in text keep a space between them (‖x‖₂ ‖y‖₁, |X| |Y|), so
that a product of two does not read as one delimiter run (‖x‖₂‖y‖₁); the derivatives these lines
belong to are checked against central differences of NumPy functions written here."""

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive

CASES = [
    ("norm2(x)*norm1(y)", "x", "‖x‖₂ ‖y‖₁", lambda v: np.linalg.norm(v["x"]) * np.abs(v["y"]).sum()),
    ("det(X)*det(Y)", "X", "|X| |Y|", lambda v: np.linalg.det(v["X"]) * np.linalg.det(v["Y"])),
    ("norm2(x)^k", "x", "k (xᵀ dx) ‖x‖₂⁻²", lambda v: np.linalg.norm(v["x"]) ** v["k"]),
]


@pytest.mark.parametrize(("cell", "wrt", "shown", "f"), CASES)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_spaced_and_right(cell, wrt, shown, f, layout):
    rng = np.random.default_rng(11)
    values = {
        "x": rng.uniform(0.5, 1.5, 3),
        "y": rng.standard_normal(4),
        "k": 1.3,
        "X": rng.standard_normal((3, 3)) + 3 * np.eye(3),
        "Y": rng.standard_normal((3, 3)) + 3 * np.eye(3),
    }
    d = derive(cell, wrt=wrt, layout=layout)
    assert shown in d.to_text()
    used = {v.name: values[v.name] for v in d.variables}
    got = np.asarray(d.evaluate(**used), dtype=float)
    expected = central_gradient(lambda z: f({**used, wrt: z}), used[wrt])
    got = got.T if layout == "numerator" else got
    np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-6, atol=1e-8)
