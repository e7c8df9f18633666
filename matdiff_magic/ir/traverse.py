"""Visiting an expression children first: ``post_order`` lists each distinct node once, after all of
its descendants, without recursion, so that a deep expression (a long chain, a tower of powers)
does not hit Python's recursion limit. A pass that computes a value per node from its children's
values (a size, a bound, a property) runs over this list. ``Expr.walk`` is the pre-order visit.
"""

from __future__ import annotations

from collections.abc import Iterable

from matdiff_magic.ir.nodes import Expr


def post_order(roots: Iterable[Expr]) -> list[Expr]:
    """The distinct nodes of ``roots`` (a shared subexpression once), every node after all of its
    descendants."""
    out: list[Expr] = []
    seen: set[int] = set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                out.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children()))
    return out
