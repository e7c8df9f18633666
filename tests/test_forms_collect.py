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


def test_a_product_and_its_1x1_part_in_brackets_are_like_terms():
    # k (wᵀw) + k wᵀ w: one term held the product wᵀw as a factor, the other its two factors
    d = checked_in_every_layout(
        "k: scalar\nsum_i(k*w'*w, k)", "k", lambda k, w: k * k * (w @ w), value=False, positive=("k",)
    )
    assert d.steps[-1].text == "2 k wᵀ w"


def test_1x1_runs_commute_but_their_factors_do_not():
    from matdiff_magic import derive
    from matdiff_magic.derivation.collect import canon

    def numbers(source: str) -> list:  # the terms of one cell: one size for each name
        memo: dict = {}
        return [canon(t, memo) for t in derive(source, wrt="x", check=False).function.terms]

    flat, swapped, nested, other = numbers("a'*x*b'*y + b'*y*a'*x + (a'*x)*(b'*y) + a'*y*b'*x")
    assert flat == swapped == nested  # 1×1 runs commute, and a run is its product in brackets
    assert other != flat  # aᵀy bᵀx: other products
    anywhere, first = numbers("X*A*x*(b'*x) + X*(b'*x)*A*x")
    assert anywhere == first  # a 1×1 factor commutes with the matrices
    quadratic, transposed = numbers("x'*A*x + x'*A'*x")
    assert quadratic != transposed  # equal values, other expressions: not the same term
