"""A derivation and its output leave (almost) no reference cycles behind.

Expressions hold no cycles and are freed by reference counting; what made cycles was the
recursive helpers (a nested ``go`` that calls itself holds itself through its closure), each
keeping its memo, and every node in it, alive until the cyclic collector ran. The depth-8
network's Hessian cell left about 43,000 objects to the collector, whose first pass after the cell
walked all of them (a tenth of a second at depth 16). Counted in objects, not timed.
"""

from __future__ import annotations

import gc

import pytest

from matdiff_magic import derive


def _chain(layers: int) -> str:
    return "a'*" + "".join(f"tanh(W{i}*" for i in range(layers, 0, -1)) + "x" + ")" * layers


@pytest.mark.parametrize(
    "source, wrt, order",
    [(_chain(8), "W1", 2), (_chain(16), "W1", 1), ("log(det(X)) + tr(A*inv(X)*B)", "X", 1)],
    ids=["depth-8 Hessian", "depth-16 gradient", "log det"],
)
def test_a_cell_leaves_few_objects_to_the_cyclic_collector(source, wrt, order):
    derive(source, wrt=wrt, order=order)._repr_mimebundle_()  # lazy imports and caches first
    gc.collect()
    gc.disable()
    try:
        d = derive(source, wrt=wrt, order=order)
        d._repr_mimebundle_()
        d.to_text()
        del d
        left = gc.collect()
    finally:
        gc.enable()
    assert left < 2_500, left  # was 43,288 for the depth-8 Hessian
