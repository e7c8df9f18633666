"""Products read as fractions, the way people write them: 1/N, 2/N, ½.

A product c·a⁻¹·b⁻ᵏ·M is a fraction when its number c is not whole or a scalar variable has a
negative whole exponent: its numerator is c's numerator, its denominator c's denominator times
those factors (with the exponent's sign turned), and M is what follows. The printer writes it as
a TeX fraction, and as ``(c/N)`` or ``½`` in text; the IR keeps the product as it is, so every
stage and the evaluator see one form.
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir

# the fractions Unicode writes as one character
VULGAR = {
    (1, 2): "½",
    (1, 3): "⅓",
    (2, 3): "⅔",
    (1, 4): "¼",
    (3, 4): "¾",
    (1, 5): "⅕",
    (1, 6): "⅙",
    (1, 8): "⅛",
}


def _denominator(f: ir.Expr) -> ir.Expr | None:
    """b for b⁻¹, bᵏ for b⁻ᵏ (a scalar variable b, a whole k); None for any other factor: |Σ|⁻¹
    stays as the seeds write it."""
    if not (isinstance(f, ir.Pow) and isinstance(f.base, ir.Var) and isinstance(f.exponent, ir.Const)):
        return None
    k = f.exponent.value
    if k >= 0 or k.denominator != 1:
        return None
    return f.base if k == -1 else ir.Pow(f.base, ir.Const(-k))


def as_fraction(e: ir.Expr) -> tuple[Fraction, list[ir.Expr], list[ir.Expr]] | None:
    """(c, denominators, rest) with e = c · rest / (denominators…), when e reads as a fraction
    (c not whole, or a denominator); None otherwise. ``rest`` keeps the order of e's factors."""
    if not isinstance(e, ir.MatMul):
        return None
    for f in e.factors:  # a loop, not any(): every product printed asks
        if isinstance(f, (ir.Const, ir.Pow)):
            break
    else:
        return None  # no number and no power: not a fraction (most products, looked at first)
    coef, dens, rest = Fraction(1), [], []
    for f in e.factors:
        if isinstance(f, ir.Const):
            coef *= f.value
            continue
        d = _denominator(f)
        if d is None:
            rest.append(f)
        else:
            dens.append(d)
    if not dens and coef.denominator == 1:
        return None
    if coef.denominator > 10**6:  # a long decimal prints better in scientific form
        return None
    return coef, dens, rest
