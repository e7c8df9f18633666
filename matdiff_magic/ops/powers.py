"""Powers: a scalar to a scalar power (Pow) and the element-wise power X^∘p (ElemPow)."""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import (
    C_ATOM,
    C_POW,
    Op,
    Primitive,
    ShapeError,
    Superscript,
    as_scalar,
    np,
    register,
)


# ---- nodes ---------------------------------------------------------------------------------------
class _Power(Expr):
    __slots__ = ("base", "exponent")
    _children = ("base", "exponent")
    base: Expr
    exponent: Expr

    def __init__(self, base: Expr, exponent: Expr):
        self._init(self.shape_of(base, exponent))  # type: ignore[attr-defined]  # Pow's or ElemPow's
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "exponent", exponent)


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
        if exponent.shape != SCALAR:
            raise ShapeError(f"the exponent of .^ is a scalar, got {exponent.shape}")
        return base.shape


def _power_value(xs, p):
    return np.power(xs[0], xs[1][0, 0])


# ---- differential rules ----------------------------------------------------------------------------
SQUARED_NORM = Identity(
    "squared norm",
    r"\lVert \boldsymbol{u}\rVert^2 = \boldsymbol{u}^{T}\boldsymbol{u},\ \lVert U\rVert_F^2 = \operatorname{tr}(U^{T}U)",
)
POWER = Identity("power rule", r"\mathrm{d}(u^{p}) = p\,u^{p-1}\,\mathrm{d}u")
GENERAL_POWER = Identity(
    "power rule", r"\mathrm{d}(u^{v}) = u^{v}(\log(u)\,\mathrm{d}v + v\,u^{-1}\,\mathrm{d}u)"
)
ELEMPOW = Identity("element-wise power", r"\mathrm{d}(X^{\circ p}) = p X^{\circ (p-1)} \odot \mathrm{d}X")


def inner(u: Expr, v: Expr) -> Expr:
    """uᵀv for vectors, tr(uᵀv) for matrices."""
    prod = ir.MatMul([ir.Transpose(u), v])
    return prod if u.shape[1] == 1 else ir.Trace(prod)


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


def _d_elempow(node: ElemPow):
    from matdiff_magic.ir.construct import mk_elempow, mk_hadamard, mk_mul

    p = node.exponent
    if not isinstance(p, ir.Const):
        raise MatdiffError(
            "an element-wise power with a varying exponent (X.^y) cannot be "
            "differentiated here; write exp(y*log(X)) instead"
        )
    coef = mk_mul([ir.Const(p.value), mk_elempow(node.base, ir.Const(p.value - 1))])
    return mk_hadamard([coef, ir.D(node.base)]), ELEMPOW


# ---- the evaluation trace ----------------------------------------------------------------------------
def _safe_log(a):
    with np.errstate(all="ignore"):
        return np.log(a)


POW_ROW = Primitive(
    "pow",
    "Pow",
    "{0}^{1}",
    lambda xs, p: np.power(xs[0], xs[1]),
    lambda xs, y, d, p: (
        xs[1] * np.power(xs[0], xs[1] - 1) * d[0] + (y * _safe_log(xs[0]) * d[1] if np.any(d[1]) else 0)
    ),
    lambda xs, y, g, p: [g * xs[1] * np.power(xs[0], xs[1] - 1), g * y * _safe_log(xs[0])],
    ("{1}·{0}^({1}−1)·{d0}", "{y}·ln {0}·{d1}"),
    ("{g}·{1}·{0}^({1}−1)", "{g}·{y}·ln {0}"),
    literal=(1,),
    numeric_exponent=True,
)
EPOW_ROW = Primitive(
    "epow",
    "ElemPow",
    "{0}^∘{1}",
    _power_value,
    lambda xs, y, d, p: (
        xs[1] * np.power(xs[0], xs[1][0, 0] - 1) * d[0] + (y * _safe_log(xs[0]) * d[1] if np.any(d[1]) else 0)
    ),
    lambda xs, y, g, p: [g * xs[1] * np.power(xs[0], xs[1][0, 0] - 1), as_scalar(g * y * _safe_log(xs[0]))],
    ("{1}·{0}^∘({1}−1) ⊙ {d0}", "{y} ⊙ ln {0}·{d1}"),
    ("{1}·{g} ⊙ {0}^∘({1}−1)", "⟨{g}, {y} ⊙ ln {0}⟩"),
    literal=(1,),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_power(p, e):
    base, exponent = e.base, e.exponent
    if isinstance(exponent, ir.Const) and exponent.value.denominator == 1:
        k = exponent.value.numerator
        if k < 0 and not any(isinstance(n, ir.Var) for n in base.walk()):  # 0 ** -1 is inf, not an error
            return f"np.asarray({p.code(base)}, dtype=float) ** ({k})", C_POW
        return f"{p.wrap(base, C_POW + 1)} ** {k if k >= 0 else f'({k})'}", C_POW
    return f"np.power({p.code(base)}, {p.code(exponent)})", C_ATOM


register(
    Op(
        Pow,
        value=_power_value,
        differential=_d_pow,
        identities=(POWER, GENERAL_POWER, SQUARED_NORM),
        primitives=(POW_ROW,),
        export=_export_power,
        notation=Superscript(),
        doc="u^v of scalars",
    )
)
register(
    Op(
        ElemPow,
        value=_power_value,
        differential=_d_elempow,
        identities=(ELEMPOW,),
        primitives=(EPOW_ROW,),
        export=_export_power,
        notation=Superscript(circ=True),
        doc="X^∘p, entry by entry, for a scalar p",
    )
)
