"""A canonical order of the terms of every sum, so that equal results print equally.

The terms of a sum are sorted by (in this order): positive before negative (x − m, not −m + x);
terms with variables before constant ones (x + 𝟏); more variable occurrences first, as a
polynomial is written by falling degree (A x + b, Xᵀ(Xw − y) + λw); then by structure, operand
by operand: a variable before a function, a product, a transpose (A + Aᵀ, the Matrix Cookbook's
(81)), a constant (Xᵀ ⊗ I + I ⊗ X) or a sum, names alphabetically (m + x) with their numbers
in numeric order (A₂ + A₁₀). A sum counts as many variable occurrences as its highest term. The order depends only on the terms, never on the order
they were typed in, so a sum typed in any order prints one way. Reordering a sum changes no value
(addition commutes); nothing else is rewritten.
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction
from functools import cmp_to_key

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import rebuild_then, split_coef

# the rank of a node type in the structural key: names first, sums last
_RANK = {ir.Var: 0, ir.Apply: 1, ir.MatMul: 2, ir.Hadamard: 2, ir.Transpose: 3, ir.Inverse: 3}
_CONSTANT_RANK = 5
_SUM_RANK = 6


def _rank(e: ir.Expr) -> int:
    if isinstance(e, ir.Add):
        return _SUM_RANK
    if isinstance(e, (ir.Const, ir.Fill, ir.Identity, ir.Zero)):
        return _CONSTANT_RANK
    return _RANK.get(type(e), 4)


def _plain(value) -> object:
    """An attribute as something ordered: numbers as they are, names in natural order (A₂ before
    A₁₀: the digits of a name compared as a number), anything else (a shape) as its text."""
    if isinstance(value, (int, Fraction)):
        return value
    return _natural(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=4096)
def _natural(name: str) -> tuple:
    """ "A10" -> ("A", 10, ""): text at even places, numbers at odd ones, so any two compare."""
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", name)))


def _structure(a: ir.Expr, b: ir.Expr) -> int:
    """−1, 0 or 1: a and b compared operand by operand (rank, type, attributes, children), walked
    only as far as their first difference."""
    if a is b:
        return 0
    ka, kb = (_rank(a), type(a).__name__), (_rank(b), type(b).__name__)
    if ka != kb:
        return -1 if ka < kb else 1
    if a == b:  # hashed and linked: a shared or repeated subtree is compared in one step
        return 0
    for name in a._attrs:
        va, vb = _plain(getattr(a, name)), _plain(getattr(b, name))
        if va != vb:
            return -1 if va < vb else 1  # type: ignore[operator]
    ca, cb = a.children(), b.children()
    for p, q in zip(ca, cb):
        c = _structure(p, q)
        if c:
            return c
    return (len(ca) > len(cb)) - (len(ca) < len(cb))


class _Order:
    """The order of terms, with each node's count of variable occurrences memoised (by id, the
    node kept alive)."""

    def __init__(self) -> None:
        self.memo: dict = {}

    def variables(self, e: ir.Expr) -> int:
        memo = self.memo
        hit = memo.get(id(e))
        if hit is None:  # the children's counts read from the memo without a call (long products)
            counts = [memo[id(k)][0] if id(k) in memo else self.variables(k) for k in e.children()]
            # a sum has the degree of its highest term: (A₁ + A₂)ᵀ counts as one name, as A₁ does
            n = (1 if isinstance(e, ir.Var) else 0) + (max(counts) if isinstance(e, ir.Add) else sum(counts))
            hit = memo[id(e)] = (n, e)
        return hit[0]

    def compare(self, s: ir.Expr, t: ir.Expr) -> int:
        cs, rs = split_coef(s)
        ct, rt = split_coef(t)
        ns, nt = cs.numerator < 0, ct.numerator < 0  # the signs (an int's test is cheaper than a Fraction's)
        if ns != nt:
            return 1 if ns else -1  # positive first: the terms are not walked
        a, b = (s if rs is None else rs), (t if rt is None else rt)
        va, vb = self.variables(a), self.variables(b)
        ka, kb = (va == 0, -va), (vb == 0, -vb)
        if ka != kb:
            return -1 if ka < kb else 1
        c = _structure(a, b)
        if c:
            return c
        return (abs(cs) > abs(ct)) - (abs(cs) < abs(ct)) if cs != ct else 0

    def in_order(self, terms: tuple) -> bool:
        return all(self.compare(terms[i], terms[i + 1]) <= 0 for i in range(len(terms) - 1))


def _sums(e: ir.Expr) -> list:
    """The distinct sums in e."""
    out, seen, stack = [], set(), [e]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ir.Add):
            out.append(node)
        stack.extend(node.children())
    return out


def order_terms(e: ir.Expr, sums: list | None = None) -> ir.Expr:
    """e with the terms of each of its sums in the canonical order (see the module's note); e
    itself when they are in that order already (the common case: no rebuilding). ``sums``: the
    distinct sums in e, when a walk has found them already."""
    order = _Order()
    if all(order.in_order(s.terms) for s in (_sums(e) if sums is None else sums)):
        return e
    key = cmp_to_key(order.compare)

    def sort_sum(node: ir.Expr) -> ir.Expr:
        if isinstance(node, ir.Add):
            terms = sorted(node.terms, key=key)
            if any(a is not b for a, b in zip(terms, node.terms)):
                return ir.Add(terms)
        return node

    return rebuild_then(e, sort_sum)
