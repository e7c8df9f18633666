"""No 1×1 all-ones 𝟏 and no sum or trace of a scalar left in a result (𝟏 σ(uᵀv) is σ(uᵀv),
sum(1) is 1): each result, in every layout, is compared with central differences of a NumPy
function written here, at random values with distinct sizes."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from numeric_helpers import (
    assert_close,
    central_difference,
    gradient_in_layout,
    random_values,
)

from matdiff_magic import derive
from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.printer import to_text

sig = lambda z: 1 / (1 + np.exp(-z))
VEC = "u: vector(n)\nv: vector(n)\n"
SCA = "x: scalar\na: scalar\n"

# (source, wrt, NumPy f, the result as printed)
CASES = [
    (VEC + "sum(sigmoid(u'*v))", "v", lambda u, v: sig(u @ v), "σ(uᵀ v) (1 - σ(uᵀ v)) u"),
    (VEC + "sum(tanh(u'*v))", "v", lambda u, v: np.tanh(u @ v), "(1 - tanh(uᵀ v)²) u"),
    (VEC + "log(sum(exp(u'*v)))", "v", lambda u, v: u @ v, None),
    (SCA + "sum(x)", "x", lambda x, **_: x, "1"),
    (SCA + "a*sum(x)", "x", lambda x, a: a * x, "a"),
    (SCA + "tr(x)*sum(x)", "x", lambda x, **_: x * x, "2 x"),
    (SCA + "sum((x - a) .^ 2)", "x", lambda x, a: (x - a) ** 2, "2 (x - a)"),
    (SCA + "sum(log(1 + exp(x)))", "x", lambda x, **_: np.log(1 + np.exp(x)), None),
]


def _scalar_leftovers(e: ir.Expr) -> list:
    return [
        n
        for n in e.walk()
        if (isinstance(n, ir.Fill) and n.is_scalar)
        or (isinstance(n, (ir.SumAll, ir.Trace)) and n.arg.is_scalar)
    ]


@pytest.mark.parametrize("case", CASES, ids=[c[0].split("\n")[-1] for c in CASES])
def test_no_one_by_one_ones_in_a_result(case):
    source, wrt, f, text = case
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt)
    values = random_values(d.variables, rng)
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        view = d.with_layout(layout)
        assert _scalar_leftovers(view.result) == [], to_text(view.result)
        assert_close(
            view.evaluate(**values),
            gradient_in_layout(fd, layout),
            1e-5,
            f"{source} by {wrt}, {layout} layout",
        )
    if text is not None:
        assert to_text(d.result) == text
    # the identity is shown as a step: a final simplify, or sum(a) = a where the sum becomes a trace
    assert any(s.rule == "simplify" or "sum(a) = tr(a) = a" in s.identity_text for s in d.steps)


@pytest.mark.parametrize(
    "source, f, shown",
    [
        ("vector(1)'*X.^2*vector(1)", lambda X: np.sum(X**2), "2 X"),  # 𝟏ᵀ X^∘2 𝟏: ‖X‖_F²
        ("vector(1)'*(A.*X)*vector(1)", lambda A, X: np.sum(A * X), "A"),
        ("a'*((vector(1)*vector(1)').*X)*b", lambda a, X, b: a @ X @ b, "a bᵀ"),
    ],
)
def test_an_all_ones_outer_product_leaves_a_hadamard_product(source, f, shown):
    # it read 2 (𝟏 𝟏₍1×n₎ ⊙ X) for 2X
    from numeric_helpers import checked_in_every_layout

    d = checked_in_every_layout(source, "X", f)
    assert d.with_layout("mixed").steps[-1].text == shown
