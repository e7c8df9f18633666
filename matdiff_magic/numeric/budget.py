"""What the numeric check can take: how many entries a node may hold, and an estimate of the time
differencing f entry by entry of the variable would take at the sizes tried, made before it starts
(``too_large_to_check``); past either the check says so instead of running."""

from __future__ import annotations

import functools

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric.reasons import Reason
from matdiff_magic.types.dims import Dim

# The check differences f entry by entry of the variable, evaluating f twice per entry, at the
# sizes tried (declared sizes are used as declared). Past these it is not tried at all: no node may
# hold more entries than memory allows (eye(10^9)), and the differencing may not take more than a
# few seconds. Its time is estimated from the evaluator's cost per node and per entry and the
# arithmetic of products and factorisations (calibrated on this package's evaluator: a'*X*b by a
# 230×230 X took 14 s, norm2(X*w - y)^2 by a 600-entry w with X 2000×600 0.4 s).
MAX_NODE_ENTRIES = 20_000_000  # 160 MB of floats
MAX_DIFFERENCING_SECONDS = 2.0
_PER_NODE, _PER_ENTRY, _PER_FUNCTION_ENTRY, _PER_FLOP = 1e-5, 5e-9, 1e-8, 0.5e-9
_COSTLY_EVALUATION = 0.01  # seconds: past this one evaluation of f is what costs, not the count


def too_large_to_check(wrt: ir.Var, target: ir.Expr, nodes, sizes: dict) -> Reason | None:
    """A Reason naming the node too large to hold ("size"), or the variable too costly to
    difference through ``target`` (f, or the gradient for a Hessian) at ``sizes`` ("cost"; of_f
    when one evaluation of f is itself costly); else None."""
    entries = functools.partial(_entries, sizes=sizes)
    largest = max(nodes, key=entries, default=None)
    if largest is not None and entries(largest) > MAX_NODE_ENTRIES:
        return Reason("size", largest, f"{entries(largest):,}")
    once = _evaluation_seconds(wrt, target, sizes)
    if 2 * entries(wrt) * once > MAX_DIFFERENCING_SECONDS:
        return Reason("cost", wrt, f"{entries(wrt):,}", of_f=once > _COSTLY_EVALUATION)
    return None


def differencing_seconds(wrt: ir.Var, target: ir.Expr, sizes: dict) -> float:
    """About the CPU seconds (BLAS on one thread) of differencing ``target`` entry by entry of
    ``wrt`` once at ``sizes``: two evaluations per entry."""
    return 2 * _entries(wrt, sizes) * _evaluation_seconds(wrt, target, sizes)


def _entries(e: ir.Expr, sizes: dict) -> int:
    try:
        return Dim.of(e.shape[0]).value(sizes) * Dim.of(e.shape[1]).value(sizes)
    except KeyError:
        return 0


def _evaluation_seconds(wrt: ir.Var, target: ir.Expr, sizes: dict) -> float:
    """About the time of one evaluation of ``target`` with a perturbed copy of ``wrt``."""
    entries = functools.partial(_entries, sizes=sizes)

    def seconds(e: ir.Expr) -> float:
        """About the time of evaluating e from its children's values."""
        if isinstance(e, (ir.Var, ir.Const)):
            return 0.0
        if isinstance(e, (ir.Inverse, ir.Det, ir.LogDet, ir.MatPow)):
            return _PER_NODE + _PER_FLOP * max(_side(e, sizes) ** 3, entries(e))
        if isinstance(e, ir.MatMul):  # left to right: rows × inner × columns for each product
            rows, inner, flops = _rows(e.factors[0], sizes), _columns(e.factors[0], sizes), 0
            for f in e.factors[1:]:
                flops += rows * inner * _columns(f, sizes)
                inner = _columns(f, sizes)
            return _PER_NODE + _PER_FLOP * flops + _PER_ENTRY * entries(e)
        per_entry = _PER_FUNCTION_ENTRY if isinstance(e, ir.Apply) else _PER_ENTRY
        return _PER_NODE + per_entry * entries(e)

    return _PER_ENTRY * entries(wrt) + sum(seconds(e) for e in post_order([target]))


def _rows(e: ir.Expr, sizes: dict) -> int:
    try:
        return Dim.of(e.shape[0]).value(sizes)
    except KeyError:
        return 1


def _side(e: ir.Expr, sizes: dict) -> int:
    """The side n of the square matrix a factorisation node works on (0 when not known)."""
    try:
        return Dim.of(e.children()[0].shape[0]).value(sizes)
    except KeyError:
        return 0


def _columns(e: ir.Expr, sizes: dict) -> int:
    try:
        return Dim.of(e.shape[1]).value(sizes)
    except KeyError:
        return 1
