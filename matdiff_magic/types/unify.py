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
        # products of free sizes equated to a number that more than one choice solves (m·n = 6):
        # (classes, number, where), left for later constraints to decide (``ambiguities``)
        self.pending: list[tuple[tuple, int, object]] = []
        self.where: object = None  # what a pending product is tagged with (the caller's span)

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
        sides = [self._split(a), self._split(b)]
        (ka, ua), (kb, ub) = sides
        if not ua and not ub:
            return ka == kb
        if ua and ub:
            return None
        (known, unknown), total = (sides[0], kb) if ua else (sides[1], ka)
        if any(self.bound.get(u) is not None for u in unknown):
            return None  # a user's size symbol is not a number
        if total % known:
            return False
        solutions = factorizations(total // known, unknown)
        if len(solutions) == 1:
            self.bound.update(solutions[0])
        elif len(solutions) > 1:
            self.pending.append((tuple(unknown), total // known, self.where))
        return bool(solutions)

    def _split(self, factors) -> tuple[int, list]:
        """A product of classes as (the product of its whole numbers, its other classes)."""
        known, free = 1, []
        for x in factors:
            value = self.fixed(x)
            if value is None:
                free.append(self.find(x))
            else:
                known *= value
        return known, free

    def ambiguities(self) -> list[tuple[tuple, int, list, object]]:
        """The pending products that later constraints did not decide: (classes, number, the
        solutions, where); one that has come down to a single solution is bound, one with none
        (or with a user's size symbol among its classes) is returned with no solutions."""
        out = []
        for classes, total, where in self.pending:
            known, free = self._split(classes)
            symbols = any(self.bound.get(c) is not None for c in free)
            solutions = factorizations(total // known, free) if total % known == 0 and not symbols else []
            if free and len(solutions) == 1:
                self.bound.update(solutions[0])
            elif len(solutions) != 1 and (free or known != total):
                out.append((tuple(free), total, solutions, where))
        return out


def factorizations(total: int, classes: list) -> list[dict]:
    """Every binding of the size classes (a class may repeat: m·m) to whole numbers of at least 2
    whose product is ``total`` (sizes are never 1)."""
    distinct = list(dict.fromkeys(classes))
    if not distinct:
        return [{}] if total == 1 else []
    first = distinct[0]
    power = classes.count(first)
    out = []
    value = 2
    while value**power <= total:
        if total % value**power == 0:
            out += [
                {first: value, **more}
                for more in factorizations(total // value**power, [c for c in classes if c != first])
            ]
        value += 1
    return out


def times(a, b):
    """Size product during inference: 1 is the unit, products are flat tuples of size classes."""
    if a == 1:
        return b
    if b == 1:
        return a
    return (a if isinstance(a, tuple) else (a,)) + (b if isinstance(b, tuple) else (b,))
