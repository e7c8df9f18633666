"""Small forms: a transposed Kronecker product has its transposes pushed inside its factors
(K (A X ⊗ I), not K ((Xᵀ Aᵀ)ᵀ ⊗ I)), and an all-ones row prints its size with × and a space
before what follows (𝟏₍1×m₎ dx). Every derivative here is compared with central finite
differences of a NumPy function written in the test, in every layout."""

from __future__ import annotations

import zlib

import numpy as np
from numeric_helpers import assert_close, numeric_jacobian, random_values

from matdiff_magic import derive
from matdiff_magic.render.printer import to_text


def test_a_transposed_kronecker_product_has_its_transposes_inside():
    source = "X'*A*X"
    d = derive(source, wrt="X", layout="numerator")
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng)
    assert values["X"].shape[0] != values["X"].shape[1]
    J = numeric_jacobian(lambda X, A: X.T @ A @ X, values, "X")
    assert_close(d.evaluate(**values), J, 1e-5, "numerator layout")
    den = d.with_layout("denominator")
    assert_close(den.evaluate(**values), J.T, 1e-5, "denominator layout")
    assert to_text(den.result) == "K₍n,m₎ (A X ⊗ I) + I ⊗ Aᵀ X"
    assert to_text(d.result) == "(Xᵀ Aᵀ ⊗ I) K₍m,n₎ + I ⊗ Xᵀ A"
    assert "ᵀ)ᵀ" not in den.to_text()


def test_the_size_of_a_row_of_ones_is_written_with_a_times_sign():
    source = "sum(x)"
    d = derive(source, wrt="x", layout="numerator")
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng)
    m = values["x"].shape[0]
    for layout, shape in (("numerator", (1, m)), ("denominator", (m,)), ("mixed", (m,))):
        got = np.asarray(d.with_layout(layout).evaluate(**values))
        fd = np.array([(np.sum(values["x"] + e) - np.sum(values["x"] - e)) / 2e-6 for e in 1e-6 * np.eye(m)])
        assert_close(got.reshape(-1), fd, 1e-6, layout)
        assert got.size == int(np.prod(shape))
    assert to_text(d.result) == "𝟏₍1×m₎"
    steps = [s.text for s in d.steps]
    assert "𝟏₍1×m₎ dx" in steps, steps
    assert not any("ₓ" in s for s in steps)
