"""Linear algebra: transpose, inverse, trace, determinant and log-determinant.

``logdet(X)`` is log|det X| — the log of the absolute value of the determinant, as NumPy's slogdet
gives it and as the course notes write log|Σ| — so it has a value wherever det X ≠ 0 (−inf at 0),
and its differential tr(X⁻¹dX) (Cookbook 57) holds wherever X is invertible, whatever the sign of
det X. ``log(det(X))`` is the element-wise log of the number det X: nan where det X < 0.
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import _ToScalar, _Unary
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import (
    C_ATOM,
    C_MUL,
    Call,
    Delimited,
    Op,
    Postfix,
    Primitive,
    as_scalar,
    kind,
    np,
    register,
    square_to_scalar,
    square_to_square,
)


# ---- nodes ---------------------------------------------------------------------------------------
class Transpose(_Unary):
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return (arg.shape[1], arg.shape[0])


class Inverse(_Unary):
    __slots__ = ()
    shape_of = staticmethod(square_to_square("inv"))


class Trace(_ToScalar):
    __slots__ = ()
    shape_of = staticmethod(square_to_scalar("tr"))


class Det(_ToScalar):
    __slots__ = ()
    shape_of = staticmethod(square_to_scalar("det"))


class LogDet(_ToScalar):
    """log|det X| (see the module's docstring)."""

    __slots__ = ()
    shape_of = staticmethod(square_to_scalar("logdet"))


# ---- values: the helper is the exported code too ---------------------------------------------------
def logdet(A):
    """log|det A|, as np.linalg.slogdet gives it (-inf where det A = 0)."""
    return np.linalg.slogdet(A)[1]


# ---- differential rules ----------------------------------------------------------------------------
TRANSPOSE = Identity("transpose", r"\mathrm{d}(X^{T}) = (\mathrm{d}X)^{T}")
TRACE = Identity("trace", r"\mathrm{d}\operatorname{tr}(X) = \operatorname{tr}(\mathrm{d}X)")
INVERSE = Identity("inverse", r"\mathrm{d}X^{-1} = -X^{-1}(\mathrm{d}X)X^{-1}", cookbook="(59)")
DETERMINANT = Identity(
    "determinant",
    r"\mathrm{d}\lvert X\rvert = \lvert X\rvert \operatorname{tr}(X^{-1}\,\mathrm{d}X)",
    cookbook="(46)",
)
# log|X| is log|det X|: the identity holds for either sign of det X.
LOGDET = Identity(
    "log-determinant",
    r"\mathrm{d}\log\lvert X\rvert = \operatorname{tr}(X^{-1}\,\mathrm{d}X)",
    cookbook="(57)",
)


def _d_transpose(node):
    return Transpose(ir.D(node.arg)), TRANSPOSE


def _d_inverse(node):
    from matdiff_magic.ir.construct import mk_neg

    return mk_neg(ir.MatMul([node, ir.D(node.arg), node])), INVERSE


def _d_trace(node):
    return Trace(ir.D(node.arg)), TRACE


def _d_det(node):
    return ir.MatMul([node, Trace(ir.MatMul([Inverse(node.arg), ir.D(node.arg)]))]), DETERMINANT


def _d_logdet(node):
    return Trace(ir.MatMul([Inverse(node.arg), ir.D(node.arg)])), LOGDET


# ---- the evaluation trace ----------------------------------------------------------------------------
TRANSPOSE_ROW = Primitive(
    "transpose",
    "Transpose",
    "{0}ᵀ",
    lambda xs, p: xs[0].T,
    lambda xs, y, d, p: d[0].T,
    lambda xs, y, g, p: [g.T],
    ("{d0}ᵀ",),
    ("{g}ᵀ",),
)
INV_ROW = Primitive(
    "inv",
    "Inverse",
    "{0}⁻¹",
    lambda xs, p: np.linalg.inv(xs[0]),
    lambda xs, y, d, p: -y @ d[0] @ y,
    lambda xs, y, g, p: [-y.T @ g @ y.T],
    ("−{y}·{d0}·{y}",),
    ("−{y}ᵀ·{g}·{y}ᵀ",),
)
TR_ROW = Primitive(
    "tr",
    "Trace",
    "tr {0}",
    lambda xs, p: as_scalar(np.trace(xs[0])),
    lambda xs, y, d, p: as_scalar(np.trace(d[0])),
    lambda xs, y, g, p: [g[0, 0] * np.eye(xs[0].shape[0])],
    ("tr {d0}",),
    ("{g}·I",),
)
DET_ROW = Primitive(
    "det",
    "Det",
    "det {0}",
    lambda xs, p: as_scalar(np.linalg.det(xs[0])),
    lambda xs, y, d, p: y * as_scalar(np.trace(np.linalg.solve(xs[0], d[0]))),
    lambda xs, y, g, p: [g[0, 0] * y[0, 0] * np.linalg.inv(xs[0]).T],
    ("{y}·tr({0}⁻¹·{d0})",),
    ("{g}·{y}·{0}⁻ᵀ",),
)
LOGDET_ROW = Primitive(
    "logdet",
    "LogDet",
    "logdet {0}",
    lambda xs, p: as_scalar(logdet(xs[0])),
    lambda xs, y, d, p: as_scalar(np.trace(np.linalg.solve(xs[0], d[0]))),
    lambda xs, y, g, p: [g[0, 0] * np.linalg.inv(xs[0]).T],
    ("tr({0}⁻¹·{d0})",),
    ("{g}·{0}⁻ᵀ",),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_transpose(p, e):
    if kind(e.arg) != "matrix":  # a scalar, or a 1-D vector: nothing to do
        return p.go(e.arg)
    return p.wrap(e.arg, C_ATOM) + ".T", C_ATOM


def _export_inverse(p, e):
    if e.arg.is_scalar:
        return "1 / " + p.wrap(e.arg, C_MUL + 1), C_MUL
    return f"np.linalg.inv({p.code(e.arg)})", C_ATOM


def _export_trace(p, e):
    if e.arg.is_scalar:
        return p.go(e.arg)
    return f"np.trace({p.code(e.arg)})", C_ATOM


# Registered in the order the language lists them (tr, det, logdet, inv).
register(
    Op(
        Transpose,
        value=lambda xs, p: xs[0].T,
        differential=_d_transpose,
        identities=(TRANSPOSE,),
        primitives=(TRANSPOSE_ROW,),
        export=_export_transpose,
        notation=Postfix("ᵀ", fuse=(("Inverse", "⁻ᵀ"),)),
        doc="Xᵀ, written X' in the language",
    )
)
register(
    Op(
        Trace,
        names=("tr",),
        value=lambda xs, p: as_scalar(np.trace(xs[0])),
        differential=_d_trace,
        identities=(TRACE,),
        primitives=(TR_ROW,),
        export=_export_trace,
        notation=Call("tr", scalar_transparent=True),
        doc="tr(X)",
    )
)
register(
    Op(
        Det,
        names=("det",),
        value=lambda xs, p: as_scalar(np.linalg.det(xs[0])),
        differential=_d_det,
        identities=(DETERMINANT,),
        primitives=(DET_ROW,),
        export=lambda p, e: (f"np.linalg.det({p.code(e.arg)})", C_ATOM),
        notation=Delimited("|", "|"),
        doc="|X| = det X",
    )
)
register(
    Op(
        LogDet,
        names=("logdet",),
        value=lambda xs, p: as_scalar(logdet(xs[0])),
        differential=_d_logdet,
        identities=(LOGDET,),
        primitives=(LOGDET_ROW,),
        export=lambda p, e: (f"{p.helper('logdet')}({p.code(e.arg)})", C_ATOM),
        helpers=(logdet,),
        notation=Delimited("|", "|", prefix="log"),
        doc="log|X| = log|det X|: defined for either sign of det X (slogdet)",
    )
)
register(
    Op(
        Inverse,
        names=("inv",),
        value=lambda xs, p: np.linalg.inv(xs[0]),
        differential=_d_inverse,
        identities=(INVERSE,),
        primitives=(INV_ROW,),
        export=_export_inverse,
        notation=Postfix("⁻¹", fuse=(("Transpose", "⁻ᵀ"),)),
        doc="X⁻¹",
    )
)
