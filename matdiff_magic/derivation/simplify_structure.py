"""Rewrites of structured matrices toward the textbooks' forms.

The softmax Jacobian J = diag(s) − s sᵀ is never formed when it meets a vector:
vᵀ J = (v ⊙ s)ᵀ − (vᵀs) sᵀ and J v = s ⊙ v − s (sᵀv), and vᵀs is written sum(v ⊙ s) when that
product simplifies (y ⊙ s^∘−1 ⊙ s = y). A Kronecker product with a row and a commutation
matrix after it is the product the other way round: (aᵀ ⊗ B) K = B ⊗ aᵀ (Magnus & Neudecker,
Theorem 3.9: K_pm (A ⊗ B) K_nq = B ⊗ A, with K_p1 = I for a row A). And exp(u) divided by the
sum of its entries is softmax(u), by softmax's definition: the gradient of log-sum-exp reads
softmax(u), as the textbooks write it. A 1×1 all-ones matrix is the number 1, and the sum of the
entries or the trace of a 1×1 matrix its one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_hadamard,
    mk_kron,
    mk_mul,
    mk_neg,
    mk_transpose,
    split_coef,
)

T = TypeVar("T")


def _matching(factors: list[ir.Expr], match: Callable[[ir.Expr], T | None]) -> Iterator[tuple[int, T]]:
    """(i, match(factors[i])) for every factor, left to right, for which ``match`` is not None."""
    for i, f in enumerate(factors):
        found = match(f)
        if found is not None:
            yield i, found


def softmax_jacobian(e: ir.Expr) -> tuple[ir.Expr, int] | None:
    """(s, sign) when e = ±(diag(s) − s sᵀ) for a column s; None otherwise."""
    if not (isinstance(e, ir.Add) and len(e.terms) == 2):
        return None
    diag = [t for t in e.terms if isinstance(t, ir.DiagMatrix)]
    if len(diag) == 1:
        s, sign = diag[0].arg, 1
        outer = next(t for t in e.terms if t is not diag[0])
    else:
        neg = [t for t in e.terms if isinstance(t, ir.Neg) and isinstance(t.arg, ir.DiagMatrix)]
        if len(neg) != 1:
            return None
        s, sign = neg[0].children()[0].children()[0], -1  # −diag(s)
        outer = next(t for t in e.terms if t is not neg[0])
    c, rest = split_coef(outer)
    if c != -sign or rest != ir.MatMul((s, ir.Transpose(s))):
        return None
    return s, sign


def _inner(v: ir.Expr, s: ir.Expr) -> ir.Expr:
    """vᵀs, as sum(v ⊙ s) when v ⊙ s is shorter than v (y ⊙ s^∘−1 ⊙ s = y)."""
    h = mk_hadamard([v, s])
    if not isinstance(h, ir.Hadamard) and h != v:
        return ir.SumAll(h)
    return mk_mul([mk_transpose(v), s])


def contract_softmax(node: ir.Expr) -> ir.Expr:
    if not isinstance(node, ir.MatMul):
        return node
    f = list(node.factors)
    for i, (s, sign) in _matching(f, softmax_jacobian):
        if i > 0 and f[i - 1].shape[0] == 1 and not f[i - 1].is_scalar:  # a row vᵀ on the left
            v = mk_transpose(f[i - 1])
            row = mk_add([mk_transpose(mk_hadamard([v, s])), mk_neg(mk_mul([_inner(v, s), mk_transpose(s)]))])
            new = [*f[: i - 1], row if sign > 0 else mk_neg(row), *f[i + 1 :]]
        elif i + 1 < len(f) and f[i + 1].shape[1] == 1 and not f[i + 1].is_scalar:  # a column on the right
            v = f[i + 1]
            col = mk_add([mk_hadamard([s, v]), mk_neg(mk_mul([s, _inner(v, s)]))])
            new = [*f[:i], col if sign > 0 else mk_neg(col), *f[i + 2 :]]
        else:
            continue
        return mk_mul(new)
    return node


def kron_commutation(node: ir.Expr) -> ir.Expr:
    """(aᵀ ⊗ B) K = B ⊗ aᵀ inside a product, for a row aᵀ."""
    if not isinstance(node, ir.MatMul):
        return node
    f = list(node.factors)
    for i in range(len(f) - 1):
        k, c = f[i], f[i + 1]
        if not (isinstance(k, ir.Kron) and isinstance(c, ir.Commutation)):
            continue
        a, b = k.left, k.right
        # K_pm (A ⊗ B) K_nq = B ⊗ A with A m×n, B p×q; K_nq turns vec of an n×q matrix
        if a.shape[0] == 1 and c.rows == a.shape[1] and c.cols == b.shape[1]:
            return mk_mul([*f[:i], mk_kron(b, a), *f[i + 2 :]])
    return node


def _sum_of_exp(f: ir.Expr) -> ir.Expr | None:
    """u when f = sum(exp(u))⁻¹ or (𝟏ᵀexp(u))⁻¹ for a column u; None otherwise."""
    if not (isinstance(f, ir.Pow) and isinstance(f.exponent, ir.Const) and f.exponent.value == -1):
        return None
    total = f.base
    if isinstance(total, ir.SumAll):
        e = total.arg
    elif (
        isinstance(total, ir.MatMul)
        and len(total.factors) == 2
        and isinstance(total.factors[0], ir.Fill)
        and total.factors[0].value == 1
    ):
        e = total.factors[1]
    else:
        return None
    if isinstance(e, ir.Apply) and e.func == "exp" and e.shape[1] == 1 and not e.is_scalar:
        return e.arg
    return None


def softmax_definition(node: ir.Expr) -> ir.Expr:
    """sum(exp(u))⁻¹ exp(u) = softmax(u) inside a product (exp(u)ᵀ: softmax(u)ᵀ)."""
    if not isinstance(node, ir.MatMul) or not any(isinstance(f, ir.Pow) for f in node.factors):
        return node
    f = list(node.factors)
    for i, u in _matching(f, _sum_of_exp):
        for j, h in enumerate(f):
            wrapped = isinstance(h, ir.Transpose)
            inner = h.children()[0] if wrapped else h
            if j != i and isinstance(inner, ir.Apply) and inner.func == "exp" and inner.arg == u:
                s = ir.Softmax(u)
                f[j] = ir.Transpose(s) if wrapped else s
                del f[i]
                return mk_mul(f)
    return node


# ---- 𝟏 of size 1×1 is the number 1; sum(a) = tr(a) = a for a 1×1 a


def scalar_one(node: ir.Expr) -> ir.Expr:
    """A 1×1 all-ones (or all-c) matrix is the number 1 (c): 𝟏 σ(uᵀv) = σ(uᵀv)."""
    if isinstance(node, ir.Fill) and node.is_scalar:
        return ir.Const(node.value)
    return node


def scalar_sum(node: ir.Expr) -> ir.Expr:
    """The sum of the entries, or the trace, of a 1×1 matrix is its one entry: sum(1) = 1."""
    if isinstance(node, (ir.SumAll, ir.Trace)) and node.arg.is_scalar:
        return node.arg
    return node
