"""Hash-consing: a number per structurally distinct expression, so equal subtrees compare in O(1).

``Expr.__eq__`` compares two distinct but equal trees node by node, which costs their size; a
derivation's steps hold many fresh copies of the same subtrees (each step rebuilds what it shows),
so looking each one up in a table keyed by expressions (the named activations) grows with the
square of the depth. An ``Interner`` numbers each node once, bottom-up, from its type, its
attributes and its children's numbers: two nodes get the same number exactly when they are equal
(``==``). It keeps every node it has numbered alive (the numbers are keyed by ``id``), so it is
meant for the length of one task, such as printing one derivation (``render.memo``).
"""

from __future__ import annotations

from matdiff_magic.ir.nodes import Expr


class Interner:
    """Canonical numbers of expressions: ``number(a) == number(b)`` exactly when ``a == b``."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[Expr, int]] = {}  # id(node) -> (node, number): node kept alive
        self._by_key: dict[tuple, int] = {}  # (type, attributes, children's numbers) -> number

    def number(self, expr: Expr) -> int:
        """The number of ``expr``; iterative, so a deep expression does not recurse."""
        hit = self._by_id.get(id(expr))
        if hit is not None:
            return hit[1]
        stack = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in self._by_id:
                continue
            kids = node.children()
            if not ready:
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in self._by_id)
                continue
            key = (
                type(node),
                tuple(getattr(node, a) for a in node._attrs),
                tuple(self._by_id[id(k)][1] for k in kids),
            )
            n = self._by_key.setdefault(key, len(self._by_key))
            self._by_id[id(node)] = (node, n)
        return self._by_id[id(expr)][1]

    def table(self, mapping: dict) -> dict:
        """``mapping`` (keyed by expressions) keyed by the numbers of its keys instead."""
        return {self.number(k): v for k, v in mapping.items()}
