"""Sums and products on the evaluation trace: the n-ary nodes become chains of binary rows.

A sum becomes add and sub rows (a negated term subtracts); a product gathers its numbers into one
coefficient and becomes mul (two scalars), scale (a scalar and an array), matmul and div (a 1/s
factor) rows; a Hadamard product becomes had and ediv (an element-wise reciprocal factor) rows.
"""

from __future__ import annotations

import operator
from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.declare import bilinear_row, linear_row, row
from matdiff_magic.ops.registry import as_scalar

NEG_ROW = linear_row("neg", "Neg", "−{0}", operator.neg, lambda g, x: -g, "−{g}")
ADD_ROW = row(
    "add",
    "Add",
    "{0} + {1}",
    lambda xs, p: xs[0] + xs[1],
    (lambda xs, y, d, p: d[0] + d[1], ("{d0}", "{d1}")),
    (lambda xs, y, g, p: [g, g], ("{g}", "{g}")),
)
SUB_ROW = row(
    "sub",
    "Add (with a Neg term)",
    "{0} − {1}",
    lambda xs, p: xs[0] - xs[1],
    (lambda xs, y, d, p: d[0] - d[1], ("{d0}", "−{d1}")),
    (lambda xs, y, g, p: [g, -g], ("{g}", "−{g}")),
)
MUL_ROW = bilinear_row(
    "mul",
    "MatMul (1×1 factors)",
    "{0}·{1}",
    operator.mul,
    (lambda x, y, g: [g * y, g * x], ("{g}·{1}", "{g}·{0}")),
)
SCALE_ROW = bilinear_row(
    "scale",
    "MatMul (scalar times array)",
    "{0}·{1}",
    operator.mul,
    (lambda x, y, g: [as_scalar(g * y), g * x], ("⟨{g}, {1}⟩", "{0}·{g}")),
)
MATMUL_ROW = bilinear_row(
    "matmul",
    "MatMul",
    "{0}·{1}",
    operator.matmul,
    (lambda x, y, g: [g @ y.T, x.T @ g], ("{g}·{1}ᵀ", "{0}ᵀ·{g}")),
)
HAD_ROW = bilinear_row(
    "had", "Hadamard", "{0} ⊙ {1}", operator.mul, (lambda x, y, g: [g * y, g * x], ("{g} ⊙ {1}", "{g} ⊙ {0}"))
)


def _quotient_row(key: str, ir_name: str, text: str, to_denominator, jvp_terms, vjp_terms):
    """x / s (s a number) or x ⊘ s: ẏ = (ẋ − y ṡ) / s, x̄ = ȳ / s, s̄ = −(ȳ y) / s, where
    ``to_denominator`` sums ȳ y to a number when s is one."""
    return row(
        key,
        ir_name,
        text,
        lambda xs, p: xs[0] / xs[1],
        (lambda xs, y, d, p: (d[0] - y * d[1]) / xs[1], jvp_terms),
        (lambda xs, y, g, p: [g / xs[1], to_denominator(-g * y) / xs[1]], vjp_terms),
    )


DIV_ROW = _quotient_row(
    "div",
    "MatMul (a Pow(·, −1) factor)",
    "{0}/{1}",
    as_scalar,
    ("{d0}/{1}", "−{y}·{d1}/{1}"),
    ("{g}/{1}", "−⟨{g}, {y}⟩/{1}"),
)
EDIV_ROW = _quotient_row(
    "ediv",
    "Hadamard (an ElemPow(·, −1) factor)",
    "{0} ⊘ {1}",
    lambda a: a,
    ("{d0} ⊘ {1}", "−{y} ⊙ {d1} ⊘ {1}"),
    ("{g} ⊘ {1}", "−{g} ⊙ {y} ⊘ {1}"),
)


def trace_add(L, e: ir.Add) -> int:
    """A sum as add/sub rows; a Neg term (or a negative number) turns + into −."""
    signed = []
    for t in e.terms:  # lower every term first: the seed numbers all operands before the sums
        if isinstance(t, ir.Neg):
            signed.append((-1, L.lower(t.arg)))
        elif isinstance(t, ir.Const) and t.value < 0:
            signed.append((-1, L.lower(ir.Const(-t.value))))
        else:
            signed.append((1, L.lower(t)))
    first = next((k for k, (s, _) in enumerate(signed) if s > 0), None)
    if first is None:
        acc = L.step("neg", [signed[0][1]])
        rest = signed[1:]
    else:
        acc = signed[first][1]
        rest = signed[:first] + signed[first + 1 :]
    for sign, t in rest:
        acc = L.step("add" if sign > 0 else "sub", [acc, t])
    return acc


def trace_product(L, e: ir.MatMul) -> int:
    """Numbers gather into one coefficient, 1/s factors become div rows, the rest binary products."""
    coefficient, numerators, denominators = Fraction(1), [], []
    for f in e.factors:
        if isinstance(f, ir.Const):
            coefficient *= f.value
        elif isinstance(f, ir.Pow) and f.exponent == ir.Const(-1) and f.base.is_scalar:
            denominators.append(L.lower(f.base))
        else:
            numerators.append(L.lower(f))
    acc: int | None = None
    if numerators:
        acc = numerators[0]
        for f in numerators[1:]:
            acc = _binary_product(L, acc, f)
    if acc is None:
        acc = L.number(coefficient)
    elif coefficient == -1:
        acc = L.step("neg", [acc])
    elif coefficient != 1:
        acc = _binary_product(L, L.number(coefficient, minus=True), acc)
    for d in denominators:
        acc = L.step("div", [acc, d])
    return acc


def _binary_product(L, a: int, b: int) -> int:
    sa, sb = L.is_scalar(a), L.is_scalar(b)
    if sa and sb:
        return L.step("mul", [a, b])
    if sa or sb:  # scalars commute: write the scalar first
        return L.step("scale", [a, b] if sa else [b, a])
    return L.step("matmul", [a, b])


def trace_hadamard(L, e: ir.Hadamard) -> int:
    numerators, denominators = [], []
    for f in e.factors:
        if isinstance(f, ir.ElemPow) and f.exponent == ir.Const(-1):
            denominators.append(L.lower(f.base))
        else:
            numerators.append(L.lower(f))
    acc = numerators[0] if numerators else L.ones_like(denominators[0])
    for f in numerators[1:]:
        acc = L.step("had", [acc, f])
    for d in denominators:
        acc = L.step("ediv", [acc, d])
    return acc
