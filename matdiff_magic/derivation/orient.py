"""One orientation for a difference that a product holds with its own transpose.

In (μ - x)(μ - x)ᵀ or (μ - x)ᵀ M (μ - x) both signs can flip and the value stays: the product is
written (x - μ)(x - μ)ᵀ however it was typed. A difference a - b of two names is oriented by
Descartes' convention — a name of the late letters (u … z: the data, the unknowns) before one of
the others (a, m, μ: the parameters and constants) — then alphabetically (x - y), then the plain
name before a decorated one (x - x̄); a difference of other terms puts the higher degree first
(X β - y). Only a product holding the difference an even number of times is changed.
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_neg, rebuild_then


def _unwrapped(f: ir.Expr) -> ir.Expr:
    return f.arg if isinstance(f, ir.Transpose) else f


def _parts(d: ir.Expr) -> tuple | None:
    """(a, b) of a difference a - b of two terms, else None."""
    if not isinstance(d, ir.Add) or len(d.terms) != 2:
        return None
    p, q = d.terms
    if isinstance(q, ir.Neg) and not isinstance(p, ir.Neg):
        return p, q.arg
    return None


def _degree(e: ir.Expr) -> int:
    return (1 if isinstance(e, ir.Var) else 0) + sum(_degree(k) for k in e.children())


def _key(e: ir.Expr) -> tuple:
    if isinstance(e, ir.Var):
        name = e.name
        return (0, 0 if name[:1].lower() in "uvwxyz" else 1, name.lower(), len(name))
    return (-_degree(e),)


def _flipped(d: ir.Expr) -> ir.Expr | None:
    """b - a for a difference a - b that reads b - a canonically; None when it reads a - b."""
    parts = _parts(d)
    if parts is None:
        return None
    a, b = parts
    ka, kb = _key(a), _key(b)
    if len(ka) != len(kb) or kb >= ka:
        return None  # a name and a product keep their order: the degree alone does not say
    return ir.Add([b, mk_neg(a)])


def orient_mirrors(e: ir.Expr) -> ir.Expr:
    """e with each difference that a product holds an even number of times (d dᵀ, dᵀ M d)
    oriented canonically (see the module's note); equal values, one printed form."""
    if not _holds_difference_factor(e):
        return e  # what the rebuild gives back when no product has a difference to orient
    return rebuild_then(e, lambda node: _orient_product(node) if isinstance(node, ir.MatMul) else node)


def _holds_difference_factor(e: ir.Expr) -> bool:
    """Some product in e has a sum (or its transpose) as a factor: one walk, no rebuilding."""
    return any(
        isinstance(node, ir.MatMul) and any(isinstance(_unwrapped(f), ir.Add) for f in node.factors)
        for node in e.walk()
    )


def _orient_product(p: ir.MatMul) -> ir.Expr:
    if not any(isinstance(_unwrapped(f), ir.Add) for f in p.factors):
        return p  # no difference to orient (a long product of names: one pass, no hashing)
    factors = list(p.factors)
    for d in {_unwrapped(f) for f in factors}:
        flipped = _flipped(d)
        if flipped is None:
            continue
        places = [i for i, f in enumerate(factors) if _unwrapped(f) == d]
        if len(places) % 2:
            continue  # an odd count: flipping them all would flip the sign
        for i in places:
            factors[i] = ir.Transpose(flipped) if isinstance(factors[i], ir.Transpose) else flipped
    if all(a is b for a, b in zip(factors, p.factors)):
        return p
    return ir.MatMul(factors)
