"""A whole cell output that stays small: the bundle of a sum of N like terms and of a product of K
factors of X grows linearly in N and K (the same steps, each term printed once, X X X as X³), and
the bundle carries the whole TeX block once (as text/latex, not again in its JSON). The
derivatives these print are checked against central differences of NumPy functions written here."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference

from matdiff_magic import derive
from matdiff_magic.derivation.record import MIME


def _bytes(bundle: dict) -> int:
    return sum(
        len((v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode())
        for v in bundle.values()
    )


def _quadratic_forms(n: int) -> str:
    return " + ".join(f"x'*A{k}*x" for k in range(1, n + 1))


def _product(k: int) -> str:
    return "norm2(" + "*".join(["X"] * k) + "*b)^2"


@pytest.mark.parametrize(
    "source, wrt, small, large", [(_quadratic_forms, "x", 16, 64), (_product, "X", 8, 32)]
)
def test_the_bundle_grows_linearly(source, wrt, small, large):
    a, b = (derive(source(n), wrt=wrt, check=False) for n in (small, large))
    assert len(a.steps) == len(b.steps)
    ratio = _bytes(b._repr_mimebundle_()) / _bytes(a._repr_mimebundle_())
    assert ratio < 1.25 * large / small, f"{ratio:.2f} times the bytes for {large / small:g} times the terms"


def test_a_product_of_equal_factors_prints_as_a_power():
    d = derive(_product(4), wrt="X", check=False)
    assert d.steps[0].text == "‖X⁴ b‖₂²"
    assert re.search(r"(?<![\wd])X X\b", d.to_text()) is None and "(Xᵀ)³" in d.steps[-1].text
    assert "(X^{T})^{3}" in d.steps[-1].latex


@pytest.mark.parametrize("k", [3, 6])
def test_product_gradient(k):
    rng = np.random.default_rng(k)
    d = derive(_product(k), wrt="X")
    values = {"X": rng.standard_normal((4, 4)) / 2, "b": rng.standard_normal(4)}
    f = lambda X, b: float(np.sum((np.linalg.matrix_power(X, k) @ b) ** 2))
    expected = central_difference(f, values, "X")
    assert_close(d.with_layout("denominator").evaluate(**values), expected, 1e-5, "denominator")
    assert_close(d.with_layout("numerator").evaluate(**values), expected.T, 1e-5, "numerator")
    assert_close(d.with_layout("mixed").evaluate(**values), expected, 1e-5, "mixed")


def test_the_bundle_carries_the_tex_block_once():
    d = derive("a'*X*b", wrt="X")
    bundle = d._repr_mimebundle_()
    assert bundle["text/latex"] == d.to_latex()
    assert "latex" not in bundle[MIME] and d.to_json()["latex"] == d.to_latex()
