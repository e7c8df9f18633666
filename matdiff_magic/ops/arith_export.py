"""Sums and products as NumPy code.

A product is written left to right by the shapes of its operands (``*``, ``@``, ``np.outer``); a
structured factor (diag(v), a commutation matrix) is never built inside a product: its op's
``export_left`` and ``export_right`` facets say how it acts on its neighbours. A sign moves into
the small factor of a Kronecker product rather than onto the large product.
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr
from matdiff_magic.ops.registry import C_ADD, C_ATOM, C_MUL, C_NEG, find


def export_neg(p, e):
    moved = _sign_into_kron(e.arg) if e.arg not in p.temps else None
    if moved is not None:  # -(A ⊗ B) M = ((-A) ⊗ B) M: negate the small factor, not the large product
        return p.go(moved)
    return "-" + p.wrap(e.arg, C_MUL), C_NEG


def _sign_into_kron(e: Expr):
    if isinstance(e, ir.Kron):
        return ir.Kron(ir.Neg(e.left), e.right)
    if isinstance(e, ir.MatMul) and isinstance(e.factors[0], ir.Kron):
        first = e.factors[0]
        return ir.MatMul((ir.Kron(ir.Neg(first.left), first.right),) + e.factors[1:])
    return None


def _negative(t: Expr):
    """t = -u: returns u, or None."""
    if isinstance(t, ir.Neg):
        return t.arg
    if isinstance(t, ir.Const) and t.value < 0:
        return ir.Const(-t.value)
    if isinstance(t, ir.MatMul) and isinstance(t.factors[0], ir.Const) and t.factors[0].value < 0:
        rest = (ir.Const(-t.factors[0].value),) + t.factors[1:] if t.factors[0].value != -1 else t.factors[1:]
        return rest[0] if len(rest) == 1 else ir.MatMul(rest)
    return None


def export_add(p, e):
    out = p.wrap(e.terms[0], C_ADD)
    for t in e.terms[1:]:
        u = _negative(t) if t not in p.temps else None
        out += f" - {p.wrap(u, C_MUL)}" if u is not None else f" + {p.wrap(t, C_ADD)}"
    return out, C_ADD


def export_product(p, e):
    """Left to right, by the shapes of the operands: ``*`` when one side is a scalar, ``@`` for a
    matrix or inner product, ``np.outer`` when the inner size is 1. A structured factor (diag(v),
    a commutation matrix) is never built inside a product: its op says how it acts on what it meets
    from the left (``extra["export_left"]``: a row scaling, a row permutation) and from the right
    (``extra["export_right"]``: a column scaling, a column permutation)."""
    acc, prec, shape = None, C_ATOM, None
    for i, f in enumerate(e.factors):
        rest = e.factors[i + 1 :]
        left_rule = _facet(f, "export_left")
        if (
            (acc is None or shape == SCALAR)
            and rest
            and left_rule is not None
            and not all(r.is_scalar for r in rest)
        ):
            right = rest[0] if len(rest) == 1 else ir.MatMul(rest)
            done = left_rule(p, f, right)
            if done is not None:
                code, p2 = done
                if acc is None:
                    return code, p2
                left = acc if prec >= C_MUL else f"({acc})"
                return f"{left} * {code if p2 > C_MUL else f'({code})'}", C_MUL
        if acc is None:
            (acc, prec), shape = p.go(f), f.shape
            continue
        if shape == SCALAR or f.is_scalar:
            left = acc if prec >= C_MUL else f"({acc})"
            acc, prec = f"{left} * {p.wrap(f, C_MUL + 1)}", C_MUL
            shape = f.shape if shape == SCALAR else shape
            continue
        right_rule = _facet(f, "export_right") if f not in p.temps else None
        moved = right_rule(p, e, i, acc, prec, shape) if right_rule is not None else None
        if moved is not None:
            acc, prec, shape = moved
        elif shape[1] == 1:  # a column times a row: the outer product
            acc, prec, shape = f"np.outer({acc}, {p.code(f)})", C_ATOM, (shape[0], f.shape[1])
        else:
            left = acc if prec >= C_MUL else f"({acc})"
            acc, prec, shape = f"{left} @ {p.wrap(f, C_MUL + 1)}", C_MUL, (shape[0], f.shape[1])
    return acc, prec


def _facet(f: Expr, name: str):
    op = find(f)
    return op.extra.get(name) if op is not None else None


def product_as_built(p, f: Expr, right: Expr):
    """f R with f computed (a temporary), for the structured factors' rules."""
    return f"{p.wrap(f, C_MUL)} @ {p.wrap(right, C_MUL + 1)}", C_MUL


def export_hadamard(p, e):
    parts = [p.wrap(e.factors[0], C_MUL)] + [p.wrap(f, C_MUL + 1) for f in e.factors[1:]]
    return " * ".join(parts), C_MUL
