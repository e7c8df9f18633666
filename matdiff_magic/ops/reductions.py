"""Reductions and diagonals: sum of entries, the 1- and 2-norms, diag(v) and diag(X)."""

from __future__ import annotations

import math
from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import Expr, _ToScalar, _Unary
from matdiff_magic.ops.declare import Node, call_export, derivative, linear, linear_row, row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Call, Delimited
from matdiff_magic.ops.powers import inner
from matdiff_magic.ops.registry import (
    C_ATOM,
    C_MUL,
    as_scalar,
    call_to_scalar,
    kind,
    np,
    register,
    require_square,
    require_vector,
    to_scalar,
)
from matdiff_magic.ops.sympy_forms import SympyForm, is_matrix, sum_of, sympy_class


# ---- nodes ---------------------------------------------------------------------------------------
class SumAll(_ToScalar):
    """Sum of all entries."""

    __slots__ = ()


class Norm(Node):
    """norm1 (sum of absolute values) or norm2 (Euclidean; Frobenius for a matrix)."""

    __slots__ = ("arg", "p")
    _attrs = ("p",)
    _variant = "p"  # norm1 and norm2 are two ops
    arg: Expr
    p: int
    shape_of = staticmethod(to_scalar)


class DiagMatrix(_Unary):
    """diag(v): the square matrix with v on its diagonal."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        require_vector(arg, "diag(v)")
        return (arg.shape[0], arg.shape[0])


class DiagVector(_Unary):
    """diag(X): the vector of the diagonal of a square matrix."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        require_square(arg, "diag")
        return (arg.shape[0], 1)


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


@rule(NORM1)
def _d_norm1(node: Norm):
    from matdiff_magic.ir.construct import mk_hadamard

    u = node.arg
    return SumAll(mk_hadamard([ir.Apply("sign", u), ir.D(u)]))


# a constant factor c of X beyond this size has no float square (1e-300² is 0, 1e200² inf)
_SQUARE_RANGE = (Fraction(1, 10**150), Fraction(10**150))


@rule(NORM2)
def _d_norm2(node: Norm):
    u = node.arg
    c = _constant_factor(u)
    if c is not None and isinstance(u, ir.MatMul) and not _SQUARE_RANGE[0] <= abs(c) <= _SQUARE_RANGE[1]:
        # ‖cY‖ = |c|‖Y‖: the differential is |c| ‖Y‖⁻¹ tr(Yᵀ dY), not c² ‖cY‖⁻¹ tr(Yᵀ dY), whose
        # factor c² (and c³ in the Hessian) leaves the float range where its product does not
        from matdiff_magic.ir.construct import mk_mul

        y = mk_mul([f for f in u.factors if not isinstance(f, ir.Const)])
        return ir.MatMul([ir.Const(abs(c)), ir.Pow(Norm(y, 2), ir.Const(-1)), inner(y, ir.D(y))])
    return ir.MatMul([ir.Pow(node, ir.Const(-1)), inner(u, ir.D(u))])


def _constant_factor(u: Expr) -> Fraction | None:
    """The product of the numbers among the factors of a product u (None if it has none)."""
    if not isinstance(u, ir.MatMul):
        return None
    numbers = [f.value for f in u.factors if isinstance(f, ir.Const)]
    if not numbers or len(numbers) == len(u.factors):
        return None
    return math.prod(numbers, start=Fraction(1))


# ---- values and the evaluation trace ---------------------------------------------------------------
def _diag_matrix(x):
    return np.diag(x[:, 0])


def _diag_vector(x):
    return np.diag(x).reshape(-1, 1).copy()


def norm2(x):
    """The Euclidean (Frobenius) norm of an array, scaled by its largest entry so that squares of
    tiny or huge entries neither underflow nor overflow (the sum of squares of 1e-300 is 0)."""
    scale = np.max(np.abs(x))
    safe = np.where((scale > 0) & (scale < np.inf), scale, 1.0)
    return safe * np.sqrt(np.sum((x / safe) ** 2))


def _norm2(x):
    return as_scalar(norm2(x))


SUM_ROW = linear_row("sum", "SumAll", "sum {0}", as_scalar, lambda g, x: g[0, 0] * np.ones_like(x), "{g}·𝟏")
DIAGM_ROW = linear_row(
    "diagm", "DiagMatrix", "diag {0}", _diag_matrix, lambda g, x: _diag_vector(g), "diag {g}"
)
DIAGV_ROW = linear_row(
    "diagv", "DiagVector", "diag {0}", _diag_vector, lambda g, x: _diag_matrix(g), "diag {g}"
)
NORM1_ROW = row(
    "norm1",
    "Norm (p = 1)",
    "‖{0}‖₁",
    lambda xs, p: as_scalar(np.abs(xs[0])),
    (lambda xs, y, d, p: as_scalar(np.sign(xs[0]) * d[0]), "⟨sign {0}, {d0}⟩"),
    (lambda xs, y, g, p: [g[0, 0] * np.sign(xs[0])], "{g}·sign {0}"),
)
NORM2_ROW = row(
    "norm2",
    "Norm (p = 2)",
    "‖{0}‖₂",
    lambda xs, p: _norm2(xs[0]),
    (lambda xs, y, d, p: as_scalar(xs[0] * d[0]) / y, "⟨{0}, {d0}⟩/{y}"),
    (lambda xs, y, g, p: [g[0, 0] * xs[0] / y[0, 0]], "{g}·{0}/{y}"),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_norm1(p, e):
    return f"np.sum(np.abs({p.code(e.arg)}))", C_ATOM


def _export_norm2(p, e):
    if e.arg.is_scalar:
        return f"np.abs({p.code(e.arg)})", C_ATOM
    return f"{p.helper('norm2')}({p.code(e.arg)})", C_ATOM  # Frobenius for a matrix


def _diag_from_left(p, f, right):
    """diag(v) R is a row scaling: ``v[:, None] * R`` (``v * r`` for a column r)."""
    if kind(f.arg) != "col":
        return None
    if f in p.temps:
        from matdiff_magic.ops.arith_export import product_as_built

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


def _sympy_diag_matrix(sp, a, node):
    from sympy.matrices.expressions.diagonal import DiagMatrix as SympyDiagMatrix

    return SympyDiagMatrix(a[0])


def _sympy_diag_vector(sp, a, node):
    from sympy.matrices.expressions.diagonal import DiagonalOf

    return DiagonalOf(a[0])


def _diag_call_shape(shapes, sizing):
    """diag(v) of a vector is a square matrix, diag(X) of a square matrix a vector."""
    shape = shapes[0]
    if shape[1] == 1 and shape[0] != 1:
        return (shape[0], shape[0])
    if shape[0] == 1 or not sizing.unify(shape[0], shape[1]):
        raise sizing.error(
            f"diag takes a vector or a square matrix, but {sizing.text(0)} is {sizing.shape_text(shape)}", 0
        )
    return (shape[0], 1)


register(
    DiagMatrix,
    analytic=True,
    names=("diag",),
    call_shape=_diag_call_shape,
    build=_diag,
    **linear(DIAG, DIAGM_ROW),
    export=call_export("np.diag"),
    extra={"export_left": _diag_from_left, "export_right": _diag_from_right},
    sympy=SympyForm(_sympy_diag_matrix, sympy_class("DiagMatrix", "DiagonalizeVector")),
    doc="diag(v): v on the diagonal (diag of a square matrix is DiagVector)",
)
register(
    DiagVector,
    analytic=True,
    **linear(DIAG, DIAGV_ROW),
    export=call_export("np.diag"),
    notation=Call("diag"),
    sympy=SympyForm(_sympy_diag_vector, sympy_class("DiagonalOf"), name="diag"),
    doc="diag(X): the diagonal as a vector (written diag, like DiagMatrix)",
)
register(
    SumAll,
    analytic=True,
    names=("sum",),
    call_shape=call_to_scalar,
    **linear(SUM_ALL, SUM_ROW),
    export=call_export("np.sum"),
    sympy=SympyForm(lambda sp, a, node: sum_of(sp, a[0])),
    doc="the sum of all entries",
)


# norm1 and norm2: one node type, two ops, written alike
def _sympy_norm1(sp, a, node):
    x = a[0]
    return sum_of(sp, x.applyfunc(sp.Abs)) if is_matrix(x) else sp.Abs(x)


def _sympy_norm2(sp, a, node):
    x = a[0]
    return sp.sqrt(sum_of(sp, sp.HadamardPower(x, 2))) if is_matrix(x) else sp.Abs(x)


for p, differential, trace_row, export, doc in (
    (1, _d_norm1, NORM1_ROW, _export_norm1, "‖x‖₁, the sum of absolute values"),
    (2, _d_norm2, NORM2_ROW, _export_norm2, "‖x‖₂, Euclidean (Frobenius for a matrix)"),
):
    register(
        Norm,
        variant=p,
        analytic=p == 2,  # √(Σ x²) (scaled): analytic; Σ|x| is not
        names=(f"norm{p}",),
        call_shape=call_to_scalar,
        build=lambda args, _p=p: Norm(args[0], _p),
        **derivative(differential, trace_row),
        export=export,
        helpers=(norm2,) if p == 2 else (),
        notation=_norm_notation,
        sympy=SympyForm(_sympy_norm1 if p == 1 else _sympy_norm2),
        doc=doc,
    )
