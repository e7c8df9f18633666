"""Rewrites toward the textbooks' forms, each an identity that holds for every value.

``textbook`` runs them in order on a simplified result; a rewrite that makes the result longer
(counted in nodes) is undone, so each one only ever shortens what is printed. It returns the
identities that fired, which the derivation shows as a step after the read-off. The scalar and
product rewrites are here; the Jacobian–vector contractions of softmax and the Kronecker
identities are ``simplify_structure``.

Sources: (AB)⁻¹ = B⁻¹A⁻¹ is the Matrix Cookbook's (1) (Petersen & Pedersen, 2012); the others
are the definitions of the inverse, the determinant's product rule, and rules of arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from matdiff_magic.derivation.inverse_rewrites import CANCEL, cancel_inverses
from matdiff_magic.derivation.scalar_rewrites import (
    NUMBER_POWER,
    POWERS,
    SIGN_TIMES,
    number_out_of_power,
    scalar_powers,
    sign_times,
)
from matdiff_magic.derivation.simplify_structure import (
    contract_softmax,
    kron_commutation,
    scalar_one,
    scalar_sum,
    softmax_definition,
)
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_hadamard,
    mk_inverse,
    mk_mul,
    mk_neg,
    mk_pow,
    rebuild,
    split_coef,
    with_coef,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.samples import PULL_NUMBER, SampleSum


@dataclass(frozen=True)
class Rewrite:
    identity: Identity
    node: Callable[[ir.Expr], ir.Expr]  # one node (its children already rewritten) -> its rewrite
    types: tuple  # the node types it can rewrite (others are passed over without a call)
    needs: tuple = ()  # node types of which one must occur in the expression for it to apply

    def __post_init__(self) -> None:
        object.__setattr__(self, "_types", frozenset(self.types))
        object.__setattr__(self, "_needs", frozenset(self.needs or self.types))

    def can_apply(self, present) -> bool:
        """Whether the rewrite may apply to an expression with nodes of the types ``present``."""
        return not (self._types.isdisjoint(present) or self._needs.isdisjoint(present))  # type: ignore[attr-defined]


def size(e: ir.Expr, memo: dict | None = None) -> int:
    """Nodes of e counted as printed (a shared subtree once per use)."""
    memo = {} if memo is None else memo
    if id(e) not in memo:
        memo[id(e)] = (1 + sum(size(k, memo) for k in e.children()), e)
    return memo[id(e)][0]


def bottom_up(e: ir.Expr, fn: Callable[[ir.Expr], ir.Expr]) -> ir.Expr:
    """e rebuilt from the leaves up through the smart constructors, ``fn`` applied at every node."""
    memo: dict = {}

    def go(node):
        if id(node) in memo:
            return memo[id(node)][0]
        kids = node.children()
        new = [go(k) for k in kids]
        out = node if all(a is b for a, b in zip(new, kids)) else rebuild(node, new)
        out = fn(out)
        memo[id(node)] = (out, node)  # keep node alive while its id is a key
        return out

    try:
        return go(e)
    finally:  # go refers to itself: freed now, not at the next collection
        go = None  # type: ignore[assignment]


# ---- (AB)⁻¹ = B⁻¹A⁻¹ for square A and B
INVERSE_OF_PRODUCT = Identity("inverse of a product", r"(AB)^{-1} = B^{-1}A^{-1}", cookbook="(1)")


def _square_runs(factors) -> list | None:
    """The factors cut into runs whose products are square (X Xᵀ | A⁻¹), or None."""
    runs, run = [], []
    for f in factors:
        if f.is_scalar:
            return None
        run.append(f)
        if ir.chain_shape(run)[0] == ir.chain_shape(run)[1]:
            runs.append(run)
            run = []
    return runs if not run and len(runs) > 1 else None


def inverse_of_product(node: ir.Expr) -> ir.Expr:
    if not (isinstance(node, ir.Inverse) and isinstance(node.arg, ir.MatMul)):
        return node
    runs = _square_runs(node.arg.factors)
    if runs is None:
        return node
    return mk_mul([mk_inverse(r[0] if len(r) == 1 else ir.MatMul(r)) for r in reversed(runs)])


# ---- |A⁻¹| = 1/|A|
DET_OF_INVERSE = Identity("determinant of an inverse", r"|A^{-1}| = |A|^{-1}")


def det_of_inverse(node: ir.Expr) -> ir.Expr:
    if isinstance(node, ir.Det) and isinstance(node.arg, ir.Inverse):
        return mk_pow(ir.Det(node.arg.arg), ir.Const(-1))
    if isinstance(node, ir.LogDet) and isinstance(node.arg, ir.Inverse):
        return mk_neg(ir.LogDet(node.arg.arg))
    return node


# ---- ½A + ½B = ½(A + B)
COMMON_NUMBER = Identity("common factor", r"c\,A + c\,B = c\,(A + B)")


def _number(t: ir.Expr) -> bool:
    """t starts with a number other than ±1 (c·A or −c·A)."""
    t = t.children()[0] if isinstance(t, ir.Neg) else t
    return isinstance(t, ir.MatMul) and isinstance(t.factors[0], ir.Const)


def common_number(node: ir.Expr) -> ir.Expr:
    if not isinstance(node, ir.Add) or not all(map(_number, node.terms)):
        return node
    parts = [split_coef(t) for t in node.terms]
    if any(rest is None for _, rest in parts):
        return node
    c = abs(parts[0][0])
    if c == 1 or any(abs(k) != c for k, _ in parts):
        return node
    return with_coef(c, mk_add([with_coef(k / c, rest) for k, rest in parts]))


# ---- a ⊙ (𝟏 − b) = a − a ⊙ b
ONES = Identity("Hadamard product with ones", r"A \odot (\mathbf{1} - B) = A - A \odot B")


def _has_ones(e: ir.Expr) -> bool:
    return isinstance(e, ir.Add) and any(isinstance(t, ir.Fill) and t.value == 1 for t in e.terms)


def _hadamard(t: ir.Expr) -> bool:
    t = t.children()[0] if isinstance(t, ir.Neg) else t
    return isinstance(t, ir.Hadamard) or (isinstance(t, ir.MatMul) and isinstance(t.factors[-1], ir.Hadamard))


def _expanded(t: ir.Expr) -> ir.Expr | None:
    c, h = split_coef(t)
    if not isinstance(h, ir.Hadamard):
        return None
    for i, f in enumerate(h.factors):
        if _has_ones(f):
            rest = list(h.factors[:i]) + list(h.factors[i + 1 :])
            return with_coef(c, mk_add([mk_hadamard([*rest, u]) for u in f.children()]))
    return None


def expand_ones(node: ir.Expr) -> ir.Expr:
    """In a sum of two or more such products only, where the expanded terms may cancel
    (−y ⊙ (𝟏 − σ) + (𝟏 − y) ⊙ σ = σ − y); a lone σ ⊙ (𝟏 − σ) stays as it is."""
    if not isinstance(node, ir.Add) or sum(map(_hadamard, node.terms)) < 2:
        return node
    expanded = [_expanded(t) for t in node.terms]
    if sum(x is not None for x in expanded) < 2:
        return node
    return mk_add([x if x is not None else t for x, t in zip(expanded, node.terms)])


ONES_OUTER = Identity("all-ones outer product", r"\mathbf{1}\mathbf{1}^{T} \odot A = A")


def ones_outer(node: ir.Expr) -> ir.Expr:
    """𝟏 𝟏ᵀ, an outer product of all-ones vectors, is the all-ones matrix, which a Hadamard
    product keeps as it is: 𝟏ᵀ X^∘2 𝟏 by X gives 2X, not 2 (𝟏 𝟏ᵀ ⊙ X). Only a product of fills
    whose inner sizes are 1 (a column times a row) is one fill: its entries are the products."""
    if not isinstance(node, ir.MatMul) or not all(isinstance(f, ir.Fill) for f in node.factors):
        return node
    if any(f.shape[1] != 1 for f in node.factors[:-1]) or any(f.shape[0] != 1 for f in node.factors[1:]):
        return node
    value = Fraction(1)
    for f in node.factors:
        value *= cast(ir.Fill, f).value
    return ir.Fill(value, node.shape)


# ---- x (m − x)ᵀ = −x (x − m)ᵀ: a difference and its negative written one way
DIFFERENCES = Identity("sign of a difference", r"A\,(b - a)^{T} = -A\,(a - b)^{T}")


def _difference(f: ir.Expr):
    """(positive term, negated term, transposed) of a − b or (a − b)ᵀ; None otherwise."""
    wrapped = isinstance(f, ir.Transpose)
    inner = f.children()[0] if wrapped else f
    if not (isinstance(inner, ir.Add) and len(inner.terms) == 2):
        return None
    neg = [split_coef(t)[0] < 0 for t in inner.terms]
    if neg.count(True) != 1:
        return None
    a, b = (inner.terms[1], inner.terms[0]) if neg[0] else inner.terms
    return a, mk_neg(b), wrapped


def _orient(f: ir.Expr, seen: dict) -> tuple[ir.Expr, int]:
    d = _difference(f)
    if d is None:
        return f, 1
    a, b, wrapped = d
    if (b, a) in seen and (a, b) not in seen:
        flipped = ir.Add([b, mk_neg(a)])
        return (ir.Transpose(flipped) if wrapped else flipped), -1
    seen.setdefault((a, b), True)
    return f, 1


def _is_difference(f: ir.Expr) -> bool:
    inner = f.children()[0] if isinstance(f, ir.Transpose) else f
    return isinstance(inner, ir.Add) and len(inner.children()) == 2


def _differences(t: ir.Expr) -> int:
    rest = t.children()[0] if isinstance(t, ir.Neg) else t
    return sum(map(_is_difference, rest.children())) if isinstance(rest, ir.MatMul) else _is_difference(rest)


def _has_sum_factor(t: ir.Expr) -> bool:
    """t, or a factor of t (under a sign), is a sum or a transposed sum: a quick test that lets
    most products and sums through without a look at their differences."""
    t = t.children()[0] if isinstance(t, ir.Neg) else t
    factors = t.factors if isinstance(t, ir.MatMul) else (t,)
    return any(
        isinstance(f, ir.Add) or (isinstance(f, ir.Transpose) and isinstance(f.children()[0], ir.Add))
        for f in factors
    )


def orient_differences(node: ir.Expr) -> ir.Expr:
    if not any(map(_has_sum_factor, node.terms if isinstance(node, ir.Add) else (node,))):
        return node
    if isinstance(node, (ir.MatMul, ir.Add)):
        parts = node.children() if isinstance(node, ir.Add) else (node,)
        if sum(map(_differences, parts)) < 2:
            return node  # one difference or none: nothing to write one way
    if isinstance(node, ir.MatMul):
        return _orient_product(node, {})
    if isinstance(node, ir.Add):
        seen: dict = {}
        terms = [_orient_product(t, seen) for t in node.terms]
        return mk_add(terms) if any(a is not b for a, b in zip(terms, node.terms)) else node
    return node


def _orient_product(t: ir.Expr, seen: dict) -> ir.Expr:
    c, rest = split_coef(t)
    if rest is None:
        return t
    factors = list(rest.factors) if isinstance(rest, ir.MatMul) else [rest]
    sign, out = 1, []
    for f in factors:
        g, s = _orient(f, seen)
        sign *= s
        out.append(g)
    if sign == 1 and all(a is b for a, b in zip(out, factors)):
        return t
    return with_coef(c * sign, out[0] if len(out) == 1 else ir.MatMul(out))


# ---- x − m rather than −m + x
SIGN = Identity("order of terms", r"-b + a = a - b")


def positive_first(node: ir.Expr) -> ir.Expr:
    if not isinstance(node, ir.Add) or split_coef(node.terms[0])[0] > 0:
        return node
    for i, t in enumerate(node.terms):
        if split_coef(t)[0] > 0:
            return ir.Add([t, *node.terms[:i], *node.terms[i + 1 :]])
    return node


# ---- the structural rewrites, whose functions are simplify_structure's
SCALAR_ONE = Identity("a 1×1 all-ones matrix", r"\mathbf{1} = 1 \text{ for a scalar } \mathbf{1}")
SCALAR_SUM = Identity(
    "sum and trace of a scalar", r"\operatorname{sum}(a) = \operatorname{tr}(a) = a \text{ for a scalar } a"
)
SOFTMAX = Identity(
    "softmax Jacobian times a vector",
    r"(\operatorname{diag}(s) - s s^{T})\,v = s \odot v - s\,(s^{T} v)",
)
KRON_K = Identity("commutation", r"(a^{T} \otimes B)\,K = B \otimes a^{T}")
SOFTMAX_DEFINITION = Identity(
    "softmax",
    r"\exp(\boldsymbol{u}) / \operatorname{sum}(\exp(\boldsymbol{u})) = \operatorname{softmax}(\boldsymbol{u})",
)


# each group is applied together and kept only if the result is no longer than before
DIAG_ONES = Identity("diagonal of ones", r"\operatorname{diag}(\mathbf{1}) = I")


def diag_of_ones(node: ir.Expr) -> ir.Expr:
    """diag(c𝟏) = c I: what the trace trick aᵀ diag(B) = tr(diag(a) B) leaves when a sum of
    entries made a = 𝟏 (sum(diag(X)) by X is I, the gradient of tr X)."""
    if not isinstance(node, ir.DiagMatrix) or not isinstance(node.arg, ir.Fill):
        return node
    n = node.shape[0]
    return with_coef(node.arg.value, ir.Const(1) if n == 1 else ir.Identity((n, n)))


def number_out_of_sum(node: ir.Expr) -> ir.Expr:
    """Σᵢ c aᵢ = c Σᵢ aᵢ: a number the symmetry or the collection left in a summand (½ Σᵢ 2 gᵢ)
    comes out, where it meets the number in front."""
    c, body = split_coef(node.children()[0])
    if c == 1 or body is None:
        return node
    return with_coef(c, SampleSum(body, node.children()[1]))


REWRITE_GROUPS = (
    (Rewrite(SCALAR_ONE, scalar_one, (ir.Fill,)), Rewrite(SCALAR_SUM, scalar_sum, (ir.SumAll, ir.Trace))),
    (
        Rewrite(DET_OF_INVERSE, det_of_inverse, (ir.Det, ir.LogDet), (ir.Inverse,)),
        Rewrite(INVERSE_OF_PRODUCT, inverse_of_product, (ir.Inverse,)),
        Rewrite(CANCEL, cancel_inverses, (ir.MatMul,), (ir.Inverse,)),
        Rewrite(NUMBER_POWER, number_out_of_power, (ir.Pow,)),
        Rewrite(SIGN_TIMES, sign_times, (ir.MatMul,), (ir.Apply,)),
        Rewrite(POWERS, scalar_powers, (ir.MatMul,), (ir.Pow, ir.ElemPow, ir.Apply)),
    ),
    (
        Rewrite(ONES, expand_ones, (ir.Add,), (ir.Fill,)),
        Rewrite(ONES_OUTER, ones_outer, (ir.MatMul,), (ir.Fill,)),
        Rewrite(DIAG_ONES, diag_of_ones, (ir.DiagMatrix,), (ir.Fill,)),
    ),
    (
        Rewrite(SOFTMAX, contract_softmax, (ir.MatMul,), (ir.DiagMatrix,)),
        Rewrite(KRON_K, kron_commutation, (ir.MatMul,), (ir.Commutation,)),
        Rewrite(SOFTMAX_DEFINITION, softmax_definition, (ir.MatMul,), (ir.Pow,)),
    ),
    (Rewrite(DIFFERENCES, orient_differences, (ir.MatMul, ir.Add), (ir.Add,)),),
    (
        Rewrite(COMMON_NUMBER, common_number, (ir.Add,), (ir.Const,)),
        Rewrite(SIGN, positive_first, (ir.Add,), (ir.Neg, ir.Const)),
    ),
    (Rewrite(PULL_NUMBER, number_out_of_sum, (SampleSum,)),),
)
