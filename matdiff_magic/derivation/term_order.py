"""A canonical order of the terms of every sum, so that equal results print equally.

The terms of a sum are sorted by (in this order): positive before negative (x − m, not −m + x);
terms with variables before constant ones (x + 𝟏); more variable occurrences first, as a
polynomial is written by falling degree (A x + b, Xᵀ(Xw − y) + λw); then by structure, operand
by operand: a variable before a function, a product, a transpose (A + Aᵀ, the Matrix Cookbook's
(81)), a constant (Xᵀ ⊗ I + I ⊗ X) or a sum, names alphabetically (m + x). The order depends only on the terms, never on the order
they were typed in, so a sum typed in any order prints one way. Reordering a sum changes no value
(addition commutes); nothing else is rewritten.
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import rebuild, split_coef

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


class _Keys:
    """Memoised per node (by id, the node kept alive): its variable occurrences and its
    structural key, a nested tuple of strings and numbers (totally ordered, and
    independent of hashing)."""

    def __init__(self) -> None:
        self.memo: dict = {}

    def of(self, e: ir.Expr) -> tuple:
        hit = self.memo.get(id(e))
        if hit is not None:
            return hit[0]
        kids = [self.of(k) for k in e.children()]
        variables = sum(k[0] for k in kids) + (1 if isinstance(e, ir.Var) else 0)
        attrs = tuple(str(getattr(e, a)) for a in e._attrs)
        out = (variables, (_rank(e), type(e).__name__, attrs, tuple(k[1] for k in kids)))
        self.memo[id(e)] = (out, e)
        return out

    def term(self, t: ir.Expr) -> tuple:
        c, rest = split_coef(t)
        variables, structure = self.of(t if rest is None else rest)
        return (c < 0, variables == 0, -variables, structure, abs(Fraction(c)))


def order_terms(e: ir.Expr) -> ir.Expr:
    """e with the terms of each of its sums in the canonical order (see the module's note)."""
    keys = _Keys()
    memo: dict = {}

    def go(node: ir.Expr) -> ir.Expr:
        hit = memo.get(id(node))
        if hit is not None:
            return hit[0]
        kids = node.children()
        new = [go(k) for k in kids]
        out = node if all(a is b for a, b in zip(new, kids)) else rebuild(node, new)
        if isinstance(out, ir.Add):
            terms = sorted(out.terms, key=keys.term)
            if any(a is not b for a, b in zip(terms, out.terms)):
                out = ir.Add(terms)
        memo[id(node)] = (out, node)  # keep node alive while its id is a key
        return out

    return go(e)
