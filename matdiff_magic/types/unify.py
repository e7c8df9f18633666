"""Size unification: union-find over size classes, with products (kron, vec) and whole numbers.

A class may be bound to a user's size symbol, to a whole number, or to a product of other sizes,
the way a unifier binds a variable to a term: ``a'*kron(X, eye(2))`` makes the length of a the
product 2·n of X's rows and the identity's size. Two sizes are unified in this order:

1. both are expanded through the product bindings and their common factors cancelled (sizes are
   positive, so m·a = m·b gives a = b);
2. a single free class on one side is bound to the other side (m := 2·n, m := n·q); one that
   occurs on the other side was cancelled in 1., so m = 2·m and m = m·n are conflicts (sizes are
   never 1): the occurs check;
3. whole numbers decide: ``2·m`` against ``6`` binds m to 3, ``m·n`` against ``6`` with m = 2
   binds n to 3, and ``m·n`` against ``6`` alone is left pending (``ambiguities``);
4. two products of as many free sizes match factor by factor (kron(A, B) against kron(C, D)).

A user's size symbol is rigid: it is never bound to a product (``X: matrix(k, 4)`` against
``kron(A, B)`` is a conflict whose hint says to declare numbers). ``types.infer`` names the
classes and turns them into ``types.dims.Dim`` values.
"""

from __future__ import annotations


class Sizes:
    """Union-find over size classes. A class may be bound to a user's symbol (or whole number),
    or stand for a product of other classes."""

    def __init__(self) -> None:
        # ids 0 and 1 are never classes, so a class id can never be mistaken for the literal size 1
        self.parent: list[int] = [0, 1]
        self.bound: dict[int, object] = {}  # root -> user symbol or int
        # root -> (whole number, classes): a free size bound to a product of sizes (m := 2·n)
        self.product: dict[int, tuple[int, tuple]] = {}
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

    def expand(self, d) -> tuple[int, list[int]]:
        """A dimension (a class, the literal 1, or a product of classes) as (its whole-number
        factor, its other classes as roots, in the order written), through the product bindings.
        Bindings never form a cycle (the occurs check of ``unify``), so this ends."""
        if isinstance(d, tuple):
            coef, classes = 1, list[int]()
            for x in d:
                k, more = self.expand(x)
                coef, classes = coef * k, classes + more
            return coef, classes
        if d == 1:
            return 1, []
        root = self.find(d)
        if root in self.product:
            coef, factors = self.product[root]
            k, classes = self.expand(factors)
            return coef * k, classes
        bound = self.bound.get(root)
        return (bound, []) if isinstance(bound, int) else (1, [root])

    def fixed(self, i) -> int | None:
        """The whole number a class (or a product) is, or None."""
        coef, classes = self.expand(i)
        return None if classes else coef

    def is_free(self, root: int) -> bool:
        """A root class that nothing has bound: no user symbol, number or product."""
        return root not in self.bound and root not in self.product

    def unify(self, a, b) -> bool:
        """Unify two dimensions (class ids, the literal 1, or products of classes); False on conflict."""
        if type(a) is int and type(b) is int and a != 1 and b != 1:  # two classes, most often free
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                return True
            if self.is_free(ra) and self.is_free(rb):  # the rules below bind one to the other
                self._union(ra, rb)
                return True
        (ka, fa), (kb, fb) = self.expand(a), self.expand(b)
        fa, fb = _cancel(fa, fb)
        if not fa and not fb:
            return ka == kb
        for (k1, side), (k2, other) in (((ka, fa), (kb, fb)), ((kb, fb), (ka, fa))):
            if len(side) == 1 and self.is_free(side[0]) and k2 % k1 == 0 and (other or k2 > k1):
                self._bind(side[0], k2 // k1, other)
                return True
        solved = self._solve((ka, fa), (kb, fb))
        if solved is not None:
            return solved
        # a product (from kron or vec) matches a product of as many sizes, factor by factor
        if ka != kb or len(fa) != len(fb):
            return False
        return all(self._union(x, y) for x, y in zip(fa, fb))

    def _bind(self, root: int, coef: int, classes: list) -> None:
        """root := coef · classes: a class alone is a union, a number or a product a binding."""
        if coef == 1 and len(classes) == 1:
            self._union(root, classes[0])
        elif not classes:
            self.bound[root] = coef
        else:
            self.product[root] = (coef, tuple(classes))

    def _union(self, a: int, b: int) -> bool:
        """Merge two root classes that are not products; False when bound to different symbols."""
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

    def _solve(self, a: tuple[int, list], b: tuple[int, list]):
        """Products with whole numbers: equal when both are fixed (2·3 = 6), and one unknown factor
        is solved when the rest is fixed (2·m = 6 gives m = 3). None when numbers do not decide."""
        (ka, ua), (kb, ub) = a, b
        if not ua and not ub:
            return ka == kb
        if ua and ub:
            return None
        (known, unknown), total = (a, kb) if ua else (b, ka)
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

    def ambiguities(self) -> list[tuple[tuple, int, list, object]]:
        """The pending products that later constraints did not decide: (classes, number, the
        solutions, where); one that has come down to a single solution is bound, one with none
        (or with a user's size symbol among its classes) is returned with no solutions."""
        out = []
        for classes, total, where in self.pending:
            known, free = self.expand(classes)
            symbols = any(self.bound.get(c) is not None for c in free)
            solutions = factorizations(total // known, free) if total % known == 0 and not symbols else []
            if free and len(solutions) == 1:
                self.bound.update(solutions[0])
            elif len(solutions) != 1 and (free or known != total):
                out.append((tuple(free), total, solutions, where))
        return out


def _cancel(a: list, b: list) -> tuple[list, list]:
    """The two lists of classes without their common factors (as multisets), in order."""
    rest = list(b)
    left = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            left.append(x)
    return left, rest


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
