"""Expressions that keep their operations defined, for the generator: positive entries (under log,
sqrt, fractional powers, divisions) and well-conditioned square matrices of positive determinant
(under inv, det, logdet), or on purpose a singular one.

``Domains`` is a mixin of ``generate.Generator``: it calls the generator's ``gen``, ``leaf``,
``variable``, ``number``, ``cnum`` and its random state.
"""

from __future__ import annotations

from fuzz.oracle import expr as E
from fuzz.oracle.expr import ONE, SCALAR, Node


class Domains:
    # ------------------------------------------------------------ positive expressions
    def pos(self, shape: tuple, depth: int) -> Node:
        """An expression of ``shape`` whose every entry is positive wherever it is defined."""
        d = max(depth - 1, 0)
        scalar = shape == SCALAR
        roll = self.rng.random()
        if depth <= 0 or roll < 0.15:
            if scalar:
                return self.number(positive=True)
            if self.chance(0.3) and len(shape[0]) <= 1 and len(shape[1]) <= 1:
                if shape[1] == ONE:
                    return E.fill_vector(self.rng.choice(("1", "2", "0.5")), shape[0])
                if shape[0] != ONE:
                    return E.fill_matrix(self.rng.choice(("1", "2", "0.5")), shape)
            return E.apply("exp", E.apply("tanh", self.leaf(shape)))
        if roll < 0.3:
            return E.apply(
                "exp", self.gen(shape, d) if self.chance(0.4) else E.apply("tanh", self.gen(shape, d))
            )
        if roll < 0.4:
            return E.apply("sigmoid", self.gen(shape, d))
        if roll < 0.55:
            sq = E.power(self.gen(SCALAR, d), "2") if scalar else E.epower(self.gen(shape, d), "2")
            return E.add(sq, self.cnum()) if self.chance(0.5) else E.add(self.cnum(), sq)
        if roll < 0.62:
            return E.add(E.apply("abs", self.gen(shape, d)), self.cnum())
        if roll < 0.7:
            return E.add(self.pos(shape, d), self.pos(shape, d))
        if roll < 0.76:
            return E.hmul(self.pos(shape, d), self.pos(shape, d))
        if roll < 0.8:
            return E.hdiv(self.pos(shape, d), self.pos(shape, d))
        if roll < 0.84:
            return E.mul(self.cnum(), self.pos(shape, d))
        if roll < 0.87:
            return E.apply("sqrt", self.pos(shape, d))
        if roll < 0.9 and not scalar:
            return E.transpose(self.pos((shape[1], shape[0]), d))
        if roll < 0.93 and shape[1] == ONE and shape[0] != ONE:
            return E.call("softmax", self.gen(shape, d))
        if roll < 0.96 and scalar:
            return E.add(E.power(E.call("norm2", self.gen(self.any_shape(), d)), "2"), self.cnum())
        if roll < 0.98 and scalar:
            k = self.sym()
            return E.call("det", self.wc(k, d))
        return E.epower(self.pos(shape, d), self.rng.choice(("2", "0.5", "-1")))

    # ------------------------------------------------------------ well-conditioned square matrices
    def wc(self, k: tuple, depth: int, invalid_ok: bool = False) -> Node:
        """A k×k matrix, well conditioned and of positive determinant at the points the sampler draws."""
        if invalid_ok and self.allow_invalid and self.chance(0.3):
            self.invalid = True
            return self.singular(k, depth)
        d = max(depth - 1, 0)
        roll = self.rng.random()
        if depth <= 0 or roll < 0.25:
            if self.chance(0.4):
                return self.variable("symmetric", (k, k))
            return self.variable("matrix", (k, k))  # the sampler draws it near the identity
        if roll < 0.5:
            j = self.inner()
            m = self.gen((k, j), d)
            gram = E.mul(m, E.transpose(m))
            one = E.eye(k) if self.chance(0.7) else E.mul(self.cnum(), E.eye(k))
            return E.add(gram, one) if self.chance(0.7) else E.add(one, gram)
        if roll < 0.6:
            j = self.inner()
            m = self.gen((j, k), d)
            return E.add(E.mul(E.transpose(m), m), E.eye(k))
        if roll < 0.72:
            return E.call("inv", self.wc(k, d))
        if roll < 0.8:
            return E.transpose(self.wc(k, d))
        if roll < 0.88:
            return E.mul(self.wc(k, d), self.wc(k, d))
        if roll < 0.94:
            return E.mul(self.cnum(), self.wc(k, d))
        return E.call("diag", self.pos((k, ONE), d))

    def singular(self, k: tuple, depth: int) -> Node:
        roll = self.rng.random()
        if roll < 0.3:
            return E.fill_matrix("1", (k, k))  # rank one
        if roll < 0.55:
            a = self.gen((k, ONE), max(depth - 1, 0))
            return E.mul(a, E.transpose(a))  # rank one
        if roll < 0.75:
            small = [s for s in self.symbols if self.sizes[s] < self.sizes[k[0]]]
            j = (self.rng.choice(small),) if small else ONE
            m = self.gen((k, j), max(depth - 1, 0))
            return E.mul(m, E.transpose(m))  # rank below k
        if roll < 0.9:
            return E.neg(self.wc(k, depth))  # determinant (-1)^k times
        return E.sub(E.eye(k), E.eye(k))  # zero
