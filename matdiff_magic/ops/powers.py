"""Powers: a scalar to a scalar power (Pow) and the element-wise power X^∘p (ElemPow)."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr
from matdiff_magic.ops.declare import Node, derivative, row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Superscript
from matdiff_magic.ops.registry import C_ATOM, C_POW, ShapeError, as_scalar, np, register
from matdiff_magic.ops.sympy_forms import SympyForm, power


# ---- nodes ---------------------------------------------------------------------------------------
class _Power(Node):
    """A base to a power: the base and the exponent are the operands."""

    __slots__ = ("base", "exponent")
    base: Expr
    exponent: Expr


def require_scalar_exponent(exponent: Expr, what: str) -> None:
    if exponent.shape != SCALAR:
        raise ShapeError(f"the exponent of {what} is a scalar, got {exponent.shape}")


class Pow(_Power):
    """A scalar to a scalar power."""

    __slots__ = ()

    @staticmethod
    def shape_of(base, exponent):
        if base.shape != SCALAR or exponent.shape != SCALAR:
            raise ShapeError(f"^ raises a scalar to a scalar power, got {base.shape} ^ {exponent.shape}")
        return SCALAR


class ElemPow(_Power):
    """Element-wise power X^{∘p} with a scalar exponent."""

    __slots__ = ()

    @staticmethod
    def shape_of(base, exponent):
        require_scalar_exponent(exponent, ".^")
        return base.shape


def _power_value(xs, p):
    base, exponent = xs[0], xs[1][0, 0]
    if np.iscomplexobj(base) and not np.iscomplexobj(exponent) and float(exponent).is_integer():
        return _integer_power(base, int(exponent))
    return np.power(base, exponent)


def _integer_power(z, n: int):
    """zⁿ of a complex array by squaring (the numeric check's complex step): NumPy's complex power
    beyond |n| = 100 goes through exp(n log z), whose imaginary part near the negative axis is
    rounding (for x = −0.7 + 10⁻²⁰i, x¹⁰⁰'s is 6e-11 where n xⁿ⁻¹ 10⁻²⁰ is −5e-34)."""
    if n < 0:
        return 1 / _integer_power(z, -n)
    out, square = np.ones_like(z), z
    while n:
        if n & 1:
            out = out * square
        n >>= 1
        if n:
            square = square * square
    return out


# ---- differential rules ----------------------------------------------------------------------------
def inner(u: Expr, v: Expr) -> Expr:
    """uᵀv for vectors, tr(uᵀv) for matrices."""
    prod = ir.MatMul([ir.Transpose(u), v])
    return prod if u.shape[1] == 1 else ir.Trace(prod)


# The general power rule, then the special cases the rule uses when they apply.
GENERAL_POWER = Identity(
    "power rule", r"\mathrm{d}(u^{v}) = u^{v}(\log(u)\,\mathrm{d}v + v\,u^{-1}\,\mathrm{d}u)"
)
POWER = Identity("power rule", r"\mathrm{d}(u^{p}) = p\,u^{p-1}\,\mathrm{d}u")
SQUARED_NORM = Identity(
    "squared norm",
    r"\lVert \boldsymbol{u}\rVert^2 = \boldsymbol{u}^{T}\boldsymbol{u},\ \lVert U\rVert_F^2 = \operatorname{tr}(U^{T}U)",
)


@rule(POWER, GENERAL_POWER, SQUARED_NORM)
def _d_pow(node: Pow):
    from matdiff_magic.ir.construct import mk_mul, mk_pow

    base, exponent = node.base, node.exponent
    if isinstance(base, ir.Norm) and base.p == 2 and isinstance(exponent, ir.Const) and exponent.value == 2:
        return ir.D(inner(base.arg, base.arg)), SQUARED_NORM
    if isinstance(exponent, ir.Const):
        p = exponent.value
        return mk_mul([ir.Const(p), mk_pow(base, ir.Const(p - 1)), ir.D(base)]), POWER
    return ir.MatMul(
        [
            node,
            ir.Add(
                [
                    ir.MatMul([ir.Apply("log", base), ir.D(exponent)]),
                    ir.MatMul([exponent, Pow(base, ir.Const(-1)), ir.D(base)]),
                ]
            ),
        ]
    ), GENERAL_POWER


ELEMPOW = Identity("element-wise power", r"\mathrm{d}(X^{\circ p}) = p X^{\circ (p-1)} \odot \mathrm{d}X")
GENERAL_ELEMPOW = Identity(
    "element-wise power",
    r"\mathrm{d}(X^{\circ v}) = v X^{\circ (v-1)} \odot \mathrm{d}X + (X^{\circ v} \odot \log(X))\,\mathrm{d}v",
)


@rule(ELEMPOW, GENERAL_ELEMPOW)
def _d_elempow(node: ElemPow):
    from matdiff_magic.ir.construct import mk_add, mk_elempow, mk_hadamard, mk_mul

    base, p = node.base, node.exponent
    if isinstance(p, ir.Const):
        coef = mk_mul([ir.Const(p.value), mk_elempow(base, ir.Const(p.value - 1))])
        return mk_hadamard([coef, ir.D(base)]), ELEMPOW
    # a symbolic exponent (X.^p): both terms, as for u^v; d(p) becomes 0 in the next step when p
    # does not depend on the variable
    power_term = mk_hadamard([mk_mul([p, mk_elempow(base, mk_add([p, ir.Const(-1)]))]), ir.D(base)])
    exponent_term = mk_mul([mk_hadamard([node, ir.Apply("log", base)]), ir.D(p)])
    return mk_add([power_term, exponent_term]), GENERAL_ELEMPOW


# ---- the evaluation trace ----------------------------------------------------------------------------
def _safe_log(a):
    with np.errstate(all="ignore"):
        return np.log(a)


def _power_jvp(xs, y, d, p):
    """ẏ = p x^(p−1) ẋ + y log(x) ṗ, the second term only where the exponent varies."""
    x, e = xs[0], xs[1][0, 0]
    return e * np.power(x, e - 1) * d[0] + (y * _safe_log(x) * d[1] if np.any(d[1]) else 0)


def _power_vjp(xs, y, g, p):
    x, e = xs[0], xs[1][0, 0]
    return [g * e * np.power(x, e - 1), as_scalar(g * y * _safe_log(x))]


def _power_row(key: str, ir_name: str, text: str, jvp_terms, vjp_terms, **options):
    return row(
        key,
        ir_name,
        text,
        _power_value,
        (_power_jvp, jvp_terms),
        (_power_vjp, vjp_terms),
        literal=(1,),
        **options,
    )


POW_ROW = _power_row(
    "pow",
    "Pow",
    "{0}^{1}",
    ("{1}·{0}^({1}−1)·{d0}", "{y}·ln {0}·{d1}"),
    ("{g}·{1}·{0}^({1}−1)", "{g}·{y}·ln {0}"),
    numeric_exponent=True,
)
EPOW_ROW = _power_row(
    "epow",
    "ElemPow",
    "{0}^∘{1}",
    ("{1}·{0}^∘({1}−1) ⊙ {d0}", "{y} ⊙ ln {0}·{d1}"),
    ("{1}·{g} ⊙ {0}^∘({1}−1)", "⟨{g}, {y} ⊙ ln {0}⟩"),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_power(p, e):
    base, exponent = e.base, e.exponent
    if isinstance(exponent, ir.Const) and exponent.value.denominator == 1:
        k = exponent.value.numerator
        if not any(isinstance(n, ir.Var) for n in base.walk()):
            # a constant base in NumPy's floats: 0 ** -1 and 1e300 ** 2 are inf, not Python's errors
            return f"np.asarray({p.code(base)}, dtype=float) ** {k if k >= 0 else f'({k})'}", C_POW
        return f"{p.wrap(base, C_POW + 1)} ** {k if k >= 0 else f'({k})'}", C_POW
    return f"np.power({p.code(base)}, {p.code(exponent)})", C_ATOM


def _trace_pow(lowering, node: Pow) -> int:
    """u⁻¹ of a scalar is the step 1/u, as a reader writes it (1/N lowers to N⁻¹ in the IR)."""
    base = lowering.lower(node.base)
    if isinstance(node.exponent, ir.Const) and node.exponent.value == -1:
        return lowering.step("div", [lowering.number(node.exponent.value * -1), base])
    return lowering.step("pow", [base, lowering.lower(node.exponent)])


# Pow and ElemPow: written and exported alike
for node, differential, trace_row, trace, doc in (
    (Pow, _d_pow, POW_ROW, _trace_pow, "u^v of scalars"),
    (ElemPow, _d_elempow, EPOW_ROW, None, "X^∘p, entry by entry, for a scalar p"),
):
    register(
        node,
        analytic=True,  # where f has a real value; an integer power of a complex base by squaring
        **derivative(differential, trace_row, trace=trace),
        export=_export_power,
        backends={"torch": {"np.power(": "torch.pow("}},
        notation=Superscript(circ=node is ElemPow),
        sympy=SympyForm(power),
        doc=doc,
    )
