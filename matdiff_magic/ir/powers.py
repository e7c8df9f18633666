"""Smart constructors of powers: ``mk_pow`` (scalar powers, numbers folded while small),
``mk_elempow`` (element-wise powers), ``mk_matpow`` (matrix powers: X⁰ = I), ``merge_powers``
(A^∘p ⊙ A^∘q = A^∘(p+q) in a Hadamard product) and ``runs_as_powers`` (X X X = X³ in a matrix
product). (x^a)^b is x^(ab) only where that holds for every x (``powers_compose``).
Re-exported by ``ir.construct``, which the stages import them from.
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir


def mk_pow(base: ir.Expr, exponent: ir.Expr) -> ir.Expr:
    if isinstance(exponent, ir.Const):
        v = exponent.value
        if v == 1:
            return base
        if v == 0:
            return ir.Const(1)
        if (
            isinstance(base, ir.Const)
            and v.denominator == 1
            and (base.value != 0 or v > 0)
            and abs(v) <= 64
            and _bits(base.value) * abs(v) <= MAX_FOLD_BITS
        ):
            return ir.Const(base.value ** int(v))
        if (
            isinstance(base, ir.Pow)
            and isinstance(base.exponent, ir.Const)
            and powers_compose(base.exponent.value, v)
        ):
            return mk_pow(base.base, ir.Const(base.exponent.value * v))
    return ir.Pow(base, exponent)


MAX_FOLD_BITS = 4096  # c^k is folded into one number only while it stays this small


def _bits(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length())


def powers_compose(a: Fraction, b: Fraction) -> bool:
    """(x^a)^b = x^(ab) wherever the left side is defined, except when x^a is even in x and b is
    not a whole number: (x^2)^(1/2) = |x|, not x."""
    return b.denominator == 1 or not (a.denominator == 1 and a.numerator % 2 == 0)


def mk_elempow(base: ir.Expr, exponent: ir.Expr) -> ir.Expr:
    if base.is_scalar:
        return mk_pow(base, exponent)
    if isinstance(exponent, ir.Const) and exponent.value == 1:
        return base
    if isinstance(exponent, ir.Const) and exponent.value == 0:
        return ir.Fill(1, base.shape)
    if (
        isinstance(base, ir.ElemPow)
        and isinstance(base.exponent, ir.Const)
        and isinstance(exponent, ir.Const)
        and powers_compose(base.exponent.value, exponent.value)
    ):
        return mk_elempow(base.base, ir.Const(base.exponent.value * exponent.value))
    return ir.ElemPow(base, exponent)


def mk_matpow(base: ir.Expr, exponent: ir.Expr) -> ir.Expr:
    """The matrix power X^k of a square X (the types stage refuses another): X⁰ is the identity of
    X's size (a constant, as for a number, so d(X⁰) = 0) and X¹ is X; other powers as they are."""
    if isinstance(exponent, ir.Const) and exponent.value == 0:
        return ir.Identity(base.shape)
    if isinstance(exponent, ir.Const) and exponent.value == 1:
        return base
    return ir.MatPow(base, exponent)


def merge_powers(factors: list) -> list:
    """A^∘p ⊙ A^∘q = A^∘(p+q) for numeric exponents (σ^∘-1 ⊙ σ = 𝟏), first-appearance order."""
    if not any(isinstance(f, ir.ElemPow) for f in factors) and len({hash(f) for f in factors}) == len(
        factors
    ):
        return factors  # nothing to combine (the common case)
    bases: dict = {}
    masks: set = set()
    order = []
    for f in factors:
        base, e = (
            (f.base, f.exponent.value)
            if isinstance(f, ir.ElemPow) and isinstance(f.exponent, ir.Const)
            else (f, Fraction(1))
        )
        if base not in bases:
            order.append(base)
            bases[base] = Fraction(0)
        bases[base] += e
        if isinstance(base, ir.Identity) and e > 0:
            masks.add(base)
    if len(order) == len(factors):
        return factors
    # I ⊙ I^∘-1 is I, not 𝟏: the zeros of I mask whatever stands beside them
    out = [
        b if b in masks else mk_elempow(b, ir.Const(bases[b])) for b in order if bases[b] != 0 or b in masks
    ]
    return out or [ir.Fill(1, factors[0].shape)]


_NO_RUN = (None, 0)


def _power_parts(f: ir.Expr) -> tuple:
    """(base, k) of a factor that can join a run of equal factors: X^k, or a square matrix
    variable, its transpose, its inverse or the inverse's transpose (X⁻ᵀ) as X^1; (None, 0) for any
    other factor."""
    if isinstance(f, ir.MatPow):
        return f.base, f.k
    rows, cols = f.shape
    if rows is not cols or rows is ir.ONE:  # not square, or a scalar (sizes are interned)
        return None, 0
    core = f
    while isinstance(core, (ir.Transpose, ir.Inverse)):
        core = core.arg
    return (f, 1) if isinstance(core, ir.Var) else (None, 0)


def runs_as_powers(mats: list) -> list:
    """Equal neighbours as one matrix power, X X X = X³ and X² X = X³ (as they are printed): the
    product rule over k equal factors makes k terms of k factors, the power's rule (Matrix
    Cookbook (89)) k terms of two powers, and like terms such as X X and X² are then one."""
    out: list = []
    last = (None, 0)
    for f in mats:
        rows, cols = f.shape  # most factors are not square: told apart here, without a call
        base, k = _power_parts(f) if rows is cols or isinstance(f, ir.MatPow) else _NO_RUN
        if base is not None and last[0] is not None and (base is last[0] or base == last[0]):
            k += last[1]
            out[-1] = ir.MatPow(base, ir.Const(k))
        else:
            out.append(f)
        last = (base, k)
    return out
