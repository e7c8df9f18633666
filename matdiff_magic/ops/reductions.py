"""Reductions and diagonals: sum of entries, the 1- and 2-norms, diag(v) and diag(X)."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, _ToScalar, _Unary
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.powers import inner
from matdiff_magic.ops.registry import (
    C_ATOM,
    C_MUL,
    Call,
    Delimited,
    Op,
    Primitive,
    ShapeError,
    as_scalar,
    kind,
    np,
    register,
    require_square,
)


# ---- nodes ---------------------------------------------------------------------------------------
class SumAll(_ToScalar):
    """Sum of all entries."""

    __slots__ = ()


class DiagMatrix(_Unary):
    """diag(v): the square matrix with v on its diagonal."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        if arg.shape[1] != 1:
            raise ShapeError(f"diag(v) takes a vector, got {arg.shape}")
        return (arg.shape[0], arg.shape[0])


class DiagVector(_Unary):
    """diag(X): the vector of the diagonal of a square matrix."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        require_square(arg, "diag")
        return (arg.shape[0], 1)


class Norm(Expr):
    """norm1 (sum of absolute values) or norm2 (Euclidean; Frobenius for a matrix)."""

    __slots__ = ("arg", "p")
    _children = ("arg",)
    _attrs = ("p",)
    arg: Expr
    p: int
    _variant = "p"

    def __init__(self, arg: Expr, p: int):
        self._init(self.shape_of(arg))
        object.__setattr__(self, "arg", arg)
        object.__setattr__(self, "p", p)

    @staticmethod
    def shape_of(arg):
        return SCALAR


def _diag(args):
    arg = args[0]
    return DiagMatrix(arg) if arg.shape[1] == 1 else DiagVector(arg)


# ---- differential rules ----------------------------------------------------------------------------
SUM_ALL = Identity("sum of entries", r"\mathrm{d}\operatorname{sum}(X) = \operatorname{sum}(\mathrm{d}X)")
DIAG = Identity("diagonal", r"\mathrm{d}\operatorname{diag}(X) = \operatorname{diag}(\mathrm{d}X)")
NORM2 = Identity(
    "Euclidean norm", r"\mathrm{d}\lVert X\rVert = \lVert X\rVert^{-1}\operatorname{tr}(X^{T}\,\mathrm{d}X)"
)
NORM1 = Identity(
    "1-norm", r"\mathrm{d}\lVert X\rVert_1 = \operatorname{sum}(\operatorname{sign}(X) \odot \mathrm{d}X)"
)


def _d_sum_all(node):
    return SumAll(ir.D(node.arg)), SUM_ALL


def _d_diag(node):
    return type(node)(ir.D(node.arg)), DIAG


def _d_norm1(node: Norm):
    from matdiff_magic.ir.construct import mk_hadamard

    u = node.arg
    return SumAll(mk_hadamard([ir.Apply("sign", u), ir.D(u)])), NORM1


def _d_norm2(node: Norm):
    u = node.arg
    return ir.MatMul([ir.Pow(node, ir.Const(-1)), inner(u, ir.D(u))]), NORM2


# ---- values and the evaluation trace ---------------------------------------------------------------
def _diag_matrix(x):
    return np.diag(x[:, 0])


def _diag_vector(x):
    return np.diag(x).reshape(-1, 1).copy()


def _norm2(x):
    return as_scalar(np.sqrt(np.sum(x * x)))


SUM_ROW = Primitive(
    "sum",
    "SumAll",
    "sum {0}",
    lambda xs, p: as_scalar(xs[0]),
    lambda xs, y, d, p: as_scalar(d[0]),
    lambda xs, y, g, p: [g[0, 0] * np.ones_like(xs[0])],
    ("sum {d0}",),
    ("{g}·𝟏",),
)
DIAGM_ROW = Primitive(
    "diagm",
    "DiagMatrix",
    "diag {0}",
    lambda xs, p: _diag_matrix(xs[0]),
    lambda xs, y, d, p: _diag_matrix(d[0]),
    lambda xs, y, g, p: [_diag_vector(g)],
    ("diag {d0}",),
    ("diag {g}",),
)
DIAGV_ROW = Primitive(
    "diagv",
    "DiagVector",
    "diag {0}",
    lambda xs, p: _diag_vector(xs[0]),
    lambda xs, y, d, p: _diag_vector(d[0]),
    lambda xs, y, g, p: [_diag_matrix(g)],
    ("diag {d0}",),
    ("diag {g}",),
)
NORM1_ROW = Primitive(
    "norm1",
    "Norm (p = 1)",
    "‖{0}‖₁",
    lambda xs, p: as_scalar(np.abs(xs[0])),
    lambda xs, y, d, p: as_scalar(np.sign(xs[0]) * d[0]),
    lambda xs, y, g, p: [g[0, 0] * np.sign(xs[0])],
    ("⟨sign {0}, {d0}⟩",),
    ("{g}·sign {0}",),
)
NORM2_ROW = Primitive(
    "norm2",
    "Norm (p = 2)",
    "‖{0}‖₂",
    lambda xs, p: _norm2(xs[0]),
    lambda xs, y, d, p: as_scalar(xs[0] * d[0]) / y,
    lambda xs, y, g, p: [g[0, 0] * xs[0] / y[0, 0]],
    ("⟨{0}, {d0}⟩/{y}",),
    ("{g}·{0}/{y}",),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_norm1(p, e):
    return f"np.sum(np.abs({p.code(e.arg)}))", C_ATOM


def _export_norm2(p, e):
    if e.arg.is_scalar:
        return f"np.abs({p.code(e.arg)})", C_ATOM
    return f"np.linalg.norm({p.code(e.arg)})", C_ATOM  # Frobenius for a matrix


def _export_diag(p, e):
    return f"np.diag({p.code(e.arg)})", C_ATOM


def _diag_from_left(p, f, right):
    """diag(v) R is a row scaling: ``v[:, None] * R`` (``v * r`` for a column r)."""
    if kind(f.arg) != "col":
        return None
    if f in p.temps:
        from matdiff_magic.ops.arith import product_as_built

        return product_as_built(p, f, right)
    v = p.wrap(f.arg, C_ATOM)
    if kind(right) == "matrix":
        return f"{v}[:, None] * {p.wrap(right, C_MUL + 1)}", C_MUL
    return f"{v} * {p.wrap(right, C_MUL + 1)}", C_MUL


def _diag_from_right(p, e, i, acc, prec, shape):
    """M diag(v) is a column scaling: ``M * v``."""
    f = e.factors[i]
    if kind(f.arg) != "col":
        return None
    left = acc if prec >= C_MUL else f"({acc})"
    return f"{left} * {p.wrap(f.arg, C_MUL + 1)}", C_MUL, shape


def _norm_notation(node: Norm):
    sub = "1" if node.p == 1 else ("2" if node.arg.shape[1] == 1 else "F")
    return Delimited("‖", "‖", sub=sub)


register(
    Op(
        DiagMatrix,
        names=("diag",),
        build=_diag,
        value=lambda xs, p: _diag_matrix(xs[0]),
        differential=_d_diag,
        identities=(DIAG,),
        primitives=(DIAGM_ROW,),
        export=_export_diag,
        notation=Call("diag"),
        extra={"export_left": _diag_from_left, "export_right": _diag_from_right},
        doc="diag(v): v on the diagonal (diag of a square matrix is DiagVector)",
    )
)
register(
    Op(
        DiagVector,
        value=lambda xs, p: _diag_vector(xs[0]),
        differential=_d_diag,
        identities=(DIAG,),
        primitives=(DIAGV_ROW,),
        export=_export_diag,
        notation=Call("diag"),
        doc="diag(X): the diagonal as a vector (written diag, like DiagMatrix)",
    )
)
register(
    Op(
        SumAll,
        names=("sum",),
        value=lambda xs, p: as_scalar(xs[0]),
        differential=_d_sum_all,
        identities=(SUM_ALL,),
        primitives=(SUM_ROW,),
        export=lambda p, e: (f"np.sum({p.code(e.arg)})", C_ATOM),
        notation=Call("sum"),
        doc="the sum of all entries",
    )
)
register(
    Op(
        Norm,
        variant=1,
        names=("norm1",),
        build=lambda args: Norm(args[0], 1),
        value=lambda xs, p: as_scalar(np.abs(xs[0])),
        differential=_d_norm1,
        identities=(NORM1,),
        primitives=(NORM1_ROW,),
        export=_export_norm1,
        notation=_norm_notation,
        doc="‖x‖₁, the sum of absolute values",
    )
)
register(
    Op(
        Norm,
        variant=2,
        names=("norm2",),
        build=lambda args: Norm(args[0], 2),
        value=lambda xs, p: _norm2(xs[0]),
        differential=_d_norm2,
        identities=(NORM2,),
        primitives=(NORM2_ROW,),
        export=_export_norm2,
        notation=_norm_notation,
        doc="‖x‖₂, Euclidean (Frobenius for a matrix)",
    )
)
