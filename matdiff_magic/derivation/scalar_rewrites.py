"""Rewrites of scalar factors toward the textbooks' forms: powers of one base merged
(a^p a^q = a^(p+q), √a = a^½), a power of a product spread where a factor meets its own power
((ab)^k = a^k b^k), and a number taken out of a power ((c a)^k = c^k a^k). Each is an identity of
arithmetic that holds for every value where both sides are defined (``rewrites.REWRITE_GROUPS``
runs them with the others, and keeps a group only where the result gets no longer)."""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_add, mk_mul, mk_pow, split_coef, with_coef
from matdiff_magic.ops.identity import Identity

# ---- √a⁻¹ a = √a: scalar factors as powers of their bases
POWERS = Identity("powers of a scalar", r"a^{p}\,a^{q} = a^{p+q},\ \sqrt{a} = a^{1/2}")


def _as_power(f: ir.Expr) -> tuple[ir.Expr, Fraction | ir.Expr]:
    """(base, exponent) of a scalar factor: a number, or an expression (‖x‖ᵏ: base ‖x‖, k)."""
    k = Fraction(1)
    if isinstance(f, (ir.Pow, ir.ElemPow)) and f.is_scalar:
        base, exponent = f.children()
        if not isinstance(exponent, ir.Const):
            return base, exponent
        f, k = base, exponent.value
    if isinstance(f, ir.Apply) and f.func == "sqrt" and f.is_scalar:
        return f.arg, k / 2
    return f, k


def _exponent_sum(ks: list) -> Fraction | ir.Expr:
    """The sum of exponents, a number when they all are (k and −2: k − 2)."""
    if all(isinstance(k, Fraction) for k in ks):
        return sum(ks, Fraction(0))
    return mk_add([ir.Const(k) if isinstance(k, Fraction) else k for k in ks])


def _power(base: ir.Expr, k: Fraction) -> ir.Expr:
    if k.denominator == 2:
        root = ir.Apply("sqrt", base)
        return root if k == Fraction(1, 2) else mk_pow(root, ir.Const(2 * k))
    return mk_pow(base, ir.Const(k))


def _spread(factors: tuple) -> list:
    """(a b)ᵏ = aᵏ bᵏ (scalars, a whole k) where a or b is a power of a factor beside it, so that
    the two merge: (c |Σ|^½)⁻² c |Σ|^½ = c⁻¹ |Σ|^(−½), the normal density's derivative by Σ."""
    beside = [_as_power(f)[0] for f in factors if f.is_scalar and not isinstance(f, ir.Const)]
    out: list = []
    for f in factors:
        base, k = _as_power(f)
        if (
            f.is_scalar
            and isinstance(base, ir.MatMul)
            and isinstance(k, Fraction)
            and k.denominator == 1
            and all(g.is_scalar for g in base.factors)
        ):
            inner = [_as_power(g) for g in base.factors]
            whole = [(b, kk) for b, kk in inner if isinstance(kk, Fraction)]  # numeric exponents
            others = [b for b in beside if b is not base and b != base]
            if len(whole) == len(inner) and any(b in others for b, _ in whole):
                for b, kk in whole:
                    if isinstance(b, ir.Const):
                        out.append(ir.Const(b.value ** int(k)) if kk == 1 else mk_pow(b, ir.Const(kk * k)))
                    else:
                        out.append(_power(b, kk * k))
                continue
        out.append(f)
    return out


def scalar_powers(node: ir.Expr) -> ir.Expr:
    if (
        not isinstance(node, ir.MatMul)
        or sum(f.is_scalar and not isinstance(f, ir.Const) for f in node.factors) < 2
    ):
        return node
    bases: dict = {}
    others = []
    for f in _spread(node.factors):
        if f.is_scalar and not isinstance(f, ir.Const):
            base, k = _as_power(f)
            if not isinstance(k, Fraction) or k.denominator <= 2:
                bases.setdefault(base, []).append(k)
                continue
        others.append(f)
    if all(len(ks) == 1 for ks in bases.values()):
        return node
    sums = [(b, _exponent_sum(ks)) for b, ks in bases.items()]
    scalars = [
        (_power(b, k) if isinstance(k, Fraction) else mk_pow(b, k))
        for b, k in sums
        if not (isinstance(k, Fraction) and k == 0)
    ]
    out = mk_mul(scalars + others)
    if out.shape != node.shape and node.shape[0] == node.shape[1]:
        out = mk_mul([out, ir.Identity(node.shape)])
    return out


NUMBER_POWER = Identity("number out of a power", r"(c\,a)^{k} = c^{k} a^{k}")


def number_out_of_power(node: ir.Expr) -> ir.Expr:
    """(c a)ᵏ = cᵏ aᵏ for a scalar a, a number c ≠ 0 and a whole k: 1/(2N) = ½ N⁻¹, so that
    2 (2N)⁻¹ becomes N⁻¹ where it meets the 2 of a square."""
    if not (isinstance(node, ir.Pow) and node.is_scalar and isinstance(node.exponent, ir.Const)):
        return node
    k = node.exponent.value
    c, rest = split_coef(node.base)
    if c in (0, 1) or rest is None or k.denominator != 1 or abs(k) > 8:
        return node
    return with_coef(c ** int(k), mk_pow(rest, node.exponent))


# ---- sign(a) a = abs(a): what d abs(u) = sign(u) du leaves beside u (log|det X| by X)
SIGN_TIMES = Identity("sign times its argument", r"\operatorname{sign}(a)\,a = \operatorname{abs}(a)")


def sign_times(node: ir.Expr) -> ir.Expr:
    """sign(a) a = abs(a) for scalar factors of a product, so that abs(a)⁻¹ sign(a) a, the
    derivative of log abs(a) by the chain rule, becomes abs(a)⁻¹ abs(a) = 1 under ``POWERS``."""
    if not isinstance(node, ir.MatMul):
        return node
    factors: list[ir.Expr | None] = list(node.factors)
    changed = False
    for k, f in enumerate(factors):
        if not (isinstance(f, ir.Apply) and f.func == "sign" and f.is_scalar):
            continue
        j = next((j for j, g in enumerate(factors) if j != k and g is not None and g == f.arg), None)
        if j is None:
            continue
        factors[k], factors[j] = ir.Apply("abs", f.arg), None
        changed = True
    if not changed:
        return node
    return mk_mul([f for f in factors if f is not None])  # abs(a) is 1×1 as sign(a) a was
