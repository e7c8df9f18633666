"""(c a)ᵏ = cᵏ aᵏ after the read-off: 1/(2N)·‖Xw − y‖² by w reads (1/N) Xᵀ(Xw − y), not
2 (2N)⁻¹ Xᵀ(Xw − y). Each case against central differences of an independent NumPy f in every
layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import checked_in_every_layout

CASES = [
    (
        "N: scalar\n1/(2*N)*norm2(X*w-y)^2",
        "w",
        lambda N, X, w, y: np.sum((X @ w - y) ** 2) / (2 * N),
        "(1/N) Xᵀ (X w - y)",
    ),
    (
        "N: scalar\nnorm2(X*w-y)^2/(2*N)",
        "w",
        lambda N, X, w, y: np.sum((X @ w - y) ** 2) / (2 * N),
        "(1/N) Xᵀ (X w - y)",
    ),
    (
        "c: scalar\nnorm2(X*w-y)^2/(3*c)",
        "w",
        lambda c, X, w, y: np.sum((X @ w - y) ** 2) / (3 * c),
        "(2/(3 c)) Xᵀ (X w - y)",
    ),
    ("x'*x/(2*x'*a)", "x", lambda x, a: (x @ x) / (2 * (x @ a)), None),
    ("s: scalar\n(2*s)^(-2)*norm2(x)^2", "x", lambda s, x: (x @ x) / (2 * s) ** 2, None),
]


@pytest.mark.parametrize("source, wrt, f, shown", CASES)
def test_a_number_comes_out_of_a_scalar_power(source, wrt, f, shown):
    d = checked_in_every_layout(source, wrt, f, positive=("N", "c", "s"))
    result = d.to_text().splitlines()[-3]
    if shown is not None:
        assert result.split("=", 1)[1].split("[")[0].strip() == shown


# (a b)ᵏ = aᵏ bᵏ where a or b meets a power of itself beside it: the normal density's constant
# 1/(c |Σ|^½) by Σ read −½ (c|Σ|^(1/2))⁻² c|Σ|^(1/2) Σ⁻ᵀ, its factors uncancelled
SPREAD = [
    (
        "Sigma: matrix(m, m)\nc: scalar\n1/(c*det(Sigma)^(1/2))",
        "Sigma",
        lambda c, Sigma: 1 / (c * np.sqrt(np.linalg.det(Sigma))),
        "-(1/(2 c)) √(|Σ|)⁻¹ Σ⁻ᵀ",
    ),
    (
        "c: scalar\n1/(2*c*det(X))",
        "X",
        lambda c, X: 1 / (2 * c * np.linalg.det(X)),
        "-(1/(2 c)) |X|⁻¹ X⁻ᵀ",
    ),
]


@pytest.mark.parametrize("source, wrt, f, shown", SPREAD)
def test_a_power_of_a_product_meets_its_factors(source, wrt, f, shown):
    d = checked_in_every_layout(source, wrt, f, positive=("c",), spd=("Sigma",), wellcond=("X",))
    result = d.with_layout("denominator").steps[-1].text
    assert result == shown, result
