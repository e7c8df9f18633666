"""Hand-built oracle cases: ``Cell`` declares variables and builds a case over them, ``Known`` is a
minimal reproducer of one failure (fuzz/oracle/known.py lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from fuzz.oracle import expr as E
from fuzz.oracle.expr import ONE, Case, Variable


class Cell:
    """Declares variables and builds a case over them."""

    def __init__(self, **sizes: int):
        self.sizes = sizes or {"m": 3, "n": 2, "p": 4}
        self.variables: dict[str, Variable] = {}

    def _add(self, name, kind, shape, declared=True):
        v = Variable(name, kind, shape, declared)
        self.variables[name] = v
        return E.var(v)

    def scalar(self, name):
        return self._add(name, "scalar", E.SCALAR)

    def vector(self, name, n="m", declared=True):
        return self._add(name, "vector", ((n,), ONE), declared)

    def matrix(self, name, m="m", n="n", declared=True):
        return self._add(name, "matrix", ((m,), (n,)), declared)

    def symmetric(self, name, n="m"):
        return self._add(name, "symmetric", ((n,), (n,)))

    def case(self, tree, wrt, layout="mixed", order=1, value_seed=1) -> Case:
        return Case(
            variables=dict(self.variables),
            tree=tree,
            wrt=wrt,
            layout=layout,
            order=order,
            sizes=dict(self.sizes),
            value_seed=value_seed,
        )


@dataclass
class Known:
    id: str
    kind: str  # the failure kind the oracle reports
    reason: str
    build: object  # () -> Case
    refusal_is_a_fix: bool = False  # True when refusing the input (MatdiffError) would be right too

    def case(self) -> Case:
        return self.build()
