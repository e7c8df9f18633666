"""Size unification: union-find over size classes, with products (kron, vec) and whole numbers.

A class may be bound to a user's size symbol or to a whole number; a product of classes (the size
of ``A ⊗ B`` or ``vec(X)``) matches another product factor by factor, or, where whole numbers
decide, by value: ``2·m`` against ``6`` binds m to 3, and ``m·n`` against ``6`` with m = 2 binds n
to 3. ``types.infer`` names the classes and turns them into ``types.dims.Dim`` values.
"""

from __future__ import annotations


class Sizes:
    """Union-find over size classes. A class may be bound to a user's symbol (or whole number)."""

    def __init__(self) -> None:
        # ids 0 and 1 are never classes, so a class id can never be mistaken for the literal size 1
        self.parent: list[int] = [0, 1]
        self.bound: dict[int, object] = {}  # root -> user symbol or int

    def fresh(self, bound=None) -> int:
        self.parent.append(len(self.parent))
        if bound is not None:
            self.bound[len(self.parent) - 1] = bound
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def fixed(self, i: int):
        """The whole number a class is bound to, or None."""
        bound = self.bound.get(self.find(i))
        return bound if isinstance(bound, int) else None

    def unify(self, a, b) -> bool:
        """Unify two dimensions (class ids, the literal 1, or products of classes); False on conflict."""
        if isinstance(a, tuple) or isinstance(b, tuple):
            fa, fb = (x if isinstance(x, tuple) else () if x == 1 else (x,) for x in (a, b))
            if sorted(map(self.find, fa)) == sorted(map(self.find, fb)):
                return True
            solved = self._solve(fa, fb)
            if solved is not None:
                return solved
            # a product (from kron or vec) matches a product of as many sizes, factor by factor
            if len(fa) != len(fb):
                return False
            return all(self.unify(x, y) for x, y in zip(fa, fb))
        if a == 1 and b == 1:
            return True
        if isinstance(a, str) or isinstance(b, str):
            raise AssertionError
        if (a == 1) != (b == 1):
            return False  # a size is never 1
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ba, bb = self.bound.get(ra), self.bound.get(rb)
        if ba is not None and bb is not None and ba != bb:
            return False
        keep, drop = (ra, rb) if ra < rb else (rb, ra)  # the older class keeps its identity
        self.parent[drop] = keep
        if ba is not None or bb is not None:
            self.bound[keep] = ba if ba is not None else bb
        return True

    def _solve(self, a: tuple, b: tuple):
        """Products with whole numbers: equal when both are fixed (2·3 = 6), and one unknown factor
        is solved when the rest is fixed (2·m = 6 gives m = 3). None when numbers do not decide."""
        sides = []
        for factors in (a, b):
            known, unknown = 1, []
            for x in factors:
                value = self.fixed(x)
                if value is None:
                    unknown.append(self.find(x))
                else:
                    known *= value
            sides.append((known, unknown))
        (ka, ua), (kb, ub) = sides
        if not ua and not ub:
            return ka == kb
        if ua and ub:
            return None
        (known, unknown), total = (sides[0], kb) if ua else (sides[1], ka)
        if len(unknown) != 1 or self.bound.get(unknown[0]) is not None:
            return None
        if total % known or total // known < 2:  # a size is never 1
            return False
        self.bound[unknown[0]] = total // known
        return True


def times(a, b):
    """Size product during inference: 1 is the unit, products are flat tuples of size classes."""
    if a == 1:
        return b
    if b == 1:
        return a
    return (a if isinstance(a, tuple) else (a,)) + (b if isinstance(b, tuple) else (b,))
