"""The differential stage: from d(f) to an expression in dX, one rule per step.

Constants go first (every d(A) with A free of the variable becomes 0 in one step), then the
left-most outermost d(·) that is not yet dX is pushed down by its rule, at every place it occurs.
"""
from __future__ import annotations

from . import ir
from .errors import MatdiffError
from .rules import Identity
from .rules.differential import CONSTANT, differentiate_once
from .simplify import tidy, zero

TAKE = Identity("take the differential", "", "")
MAX_STEPS = 2_000


def differential_stage(f: ir.Expr, wrt: ir.Var, record, start: ir.Expr | None = None) -> ir.Expr:
    """Push d(·) down from d(f), or from ``start``, an expression that already holds d(·) nodes."""
    if start is None:
        expr = ir.D(tidy(f))
        record(TAKE, expr, focus=(expr,))
    else:
        expr = start
    has_d = lambda node: bool(node.d_vars())   # only subtrees holding a d(·) need a look
    for _ in range(MAX_STEPS):
        ds = [n for n in expr.walk_where(has_d) if isinstance(n, ir.D)]
        constants = {n: zero(n.shape) for n in ds if not ir.depends_on(n.arg, wrt.name)}
        if constants:
            new = tidy(ir.replace(expr, constants, has_d))
            record(CONSTANT, new, before=expr)
            expr = new
            continue
        target = next((n for n in ds if n.arg != wrt), None)
        if target is None:
            return expr
        replacement, identity = differentiate_once(target.arg)
        new = tidy(ir.replace(expr, {target: replacement}, has_d))
        record(identity, new, before=expr)
        expr = new
    raise MatdiffError(f"the derivation took more than {MAX_STEPS} steps; the expression is too large")
