"""Each step of the differential stage puts its line back together in work that does not grow with
the steps before it.

A step's line is its context with the rewritten part put back (``differential.plug``, one
``ir.splice`` per level of context). When a step makes a product inside a product (d log(u) =
u⁻¹ du inside u₁⁻¹ u₂⁻¹ ⋯), the focus is merged into the product above it at once
(``differential._absorbed``); otherwise the context would hold one nested product per level
already passed, each spread again into the one above at every later step: the work per line grew
with the depth and the cell with its cube (136 nested logs took 6 s). Counted in splices, which do
not depend on the machine; the derivative of a deep nest is checked against central differences of
the nest written in plain Python.
"""

from __future__ import annotations

import math

import pytest

from matdiff_magic import derive
from matdiff_magic.derivation import differential


def _log_nest(n: int) -> str:
    return "x: scalar\n" + "log(1 + " * n + "x" + ")" * n


def _sin_nest(n: int) -> str:
    return "x: scalar\n" + "sin(" * n + "x" + ")" * n


def _splices(source: str, monkeypatch) -> int:
    calls = [0]
    splice = differential.splice

    def counted(parent, index, child):
        calls[0] += 1
        return splice(parent, index, child)

    with monkeypatch.context() as m:
        m.setattr(differential, "splice", counted)
        d = derive(source, wrt="x", check=False)
        d.to_text()
    return calls[0]


@pytest.mark.parametrize("nest", [_log_nest, _sin_nest], ids=["log(1 + log(1 + …))", "sin(sin(…))"])
def test_the_lines_are_put_back_in_linear_work(nest, monkeypatch):
    small, large = _splices(nest(20), monkeypatch), _splices(nest(80), monkeypatch)
    # four times the depth: about four times the lines, each put back in a bounded number of
    # splices (sixteen times or more when each line costs a splice per level passed)
    assert large <= 6 * small, (small, large)


def test_a_deep_nest_of_logs_has_the_right_derivative():
    n = 30

    def f(x: float) -> float:
        for _ in range(n):
            x = math.log(1 + x)
        return x

    d = derive(_log_nest(n), wrt="x")
    for x in (0.7, 3.0):
        h = 1e-5 * (1 + abs(x))
        central = (f(x + h) - f(x - h)) / (2 * h)
        assert d.evaluate(x=x) == pytest.approx(central, rel=1e-7)
        values = [x]
        for _ in range(n - 1):
            values.append(math.log(1 + values[-1]))
        assert d.evaluate(x=x) == pytest.approx(math.prod(1 / (1 + v) for v in values), rel=1e-12)
