"""Like terms whose 1×1 factors stand in another order are collected: a b X + b a X = 2 a b X.
Every derivative here is compared with central finite differences of a NumPy function written in
the test, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import (
    checked_in_every_layout,
)

from matdiff_magic.render.printer import to_text

sig = lambda z: 1 / (1 + np.exp(-z))


@pytest.mark.parametrize(
    "source, wrt, f, text",
    [
        (
            "norm2(sigmoid(u'*v) - 1)^2",
            "v",
            lambda u, v: (sig(u @ v) - 1) ** 2,
            "-2 σ(uᵀ v) (1 - σ(uᵀ v))² u",
        ),
        ("(a'*x)*(b'*x)", "x", lambda a, b, x: (a @ x) * (b @ x), None),
        ("(a'*x)*(b'*x)*(c'*x)", "x", lambda a, b, c, x: (a @ x) * (b @ x) * (c @ x), None),
    ],
)
def test_scalar_factors_in_another_order_are_like_terms(source, wrt, f, text):
    d = checked_in_every_layout(source, wrt, f)
    if text is not None:
        assert to_text(d.result) == text
    # no two terms of the result are the same product with its 1×1 factors reordered
    from matdiff_magic.derivation.simplify import collect

    assert to_text(collect(d.result)) == to_text(d.result)
