"""Linear algebra: transpose, inverse, trace, determinant and log-determinant.

``logdet(X)`` is log|det X| — the log of the absolute value of the determinant, as NumPy's slogdet
gives it and as the course notes write log|Σ| — so it has a value wherever det X ≠ 0 (−inf at 0),
and its differential tr(X⁻¹dX) (Cookbook 57) holds wherever X is invertible, whatever the sign of
det X. ``log(det(X))`` is the element-wise log of the number det X: nan where det X < 0.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import _Unary
from matdiff_magic.ops.declare import (
    _SquareToScalar,
    _SquareToSquare,
    call_export,
    called,
    derivative,
    linear,
    linear_row,
    row,
    rule,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Call, Delimited, Postfix
from matdiff_magic.ops.registry import (
    C_ATOM,
    C_MUL,
    SCALAR,
    as_scalar,
    call_square_to_scalar,
    kind,
    np,
    register,
)
from matdiff_magic.ops.sympy_forms import SympyForm, is_matrix, sympy_class


# ---- nodes ---------------------------------------------------------------------------------------
class Transpose(_Unary):
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return (arg.shape[1], arg.shape[0])


class Inverse(_SquareToSquare):
    __slots__ = ()


class Trace(_SquareToScalar):
    __slots__ = ()


class Det(_SquareToScalar):
    __slots__ = ()


class LogDet(_SquareToScalar):
    """log|det X| (see the module's docstring)."""

    __slots__ = ()


# ---- values: the helper is the exported code too ---------------------------------------------------
def logdet(A):
    """log|det A|, as np.linalg.slogdet gives it (-inf where det A = 0)."""
    return np.linalg.slogdet(A)[1]


# ---- differential rules ----------------------------------------------------------------------------
# In the order the language lists the ops (tr, det, logdet, inv); transpose and trace are linear.
TRANSPOSE = Identity("transpose", r"\mathrm{d}(X^{T}) = (\mathrm{d}X)^{T}")
TRACE = Identity("trace", r"\mathrm{d}\operatorname{tr}(X) = \operatorname{tr}(\mathrm{d}X)")
DETERMINANT = Identity(
    "determinant",
    r"\mathrm{d}\lvert X\rvert = \lvert X\rvert \operatorname{tr}(X^{-1}\,\mathrm{d}X)",
    cookbook="(46)",
)
# seed 000: d|X| = tr(X^# dX) with X^# the adjugate, = |X| tr(X⁻¹dX) when X is invertible
DETERMINANT_ADJUGATE = Identity(
    "determinant",
    r"\mathrm{d}\lvert X\rvert = \operatorname{tr}(\operatorname{adj}(X)\,\mathrm{d}X)",
    cookbook="(46)",
)
DETERMINANT_RULES = ("inverse", "adjugate")
DETERMINANT_RULE: ContextVar[str] = ContextVar("determinant_rule", default="inverse")
# log|X| is log|det X|: the identity holds for either sign of det X.
LOGDET = Identity(
    "log-determinant",
    r"\mathrm{d}\log\lvert X\rvert = \operatorname{tr}(X^{-1}\,\mathrm{d}X)",
    cookbook="(57)",
)
INVERSE = Identity("inverse", r"\mathrm{d}X^{-1} = -X^{-1}(\mathrm{d}X)X^{-1}", cookbook="(59)")


@rule(LOGDET)
def _d_logdet(node):
    return Trace(ir.MatMul([Inverse(node.arg), ir.D(node.arg)]))


@rule(DETERMINANT, DETERMINANT_ADJUGATE)
def _d_det(node):
    if DETERMINANT_RULE.get() == "adjugate":  # seed 000's d|X| = tr(X^# dX), on request
        return Trace(ir.MatMul([ir.Adjugate(node.arg), ir.D(node.arg)])), DETERMINANT_ADJUGATE
    return ir.MatMul([node, _d_logdet.step(node)]), DETERMINANT  # d|X| = |X| d log|X|


@contextmanager
def determinant_rule(rule: str):
    """Within it, d|X| is written ``rule``: ``inverse``, |X| tr(X⁻¹dX) (the default), or
    ``adjugate``, tr(adj(X) dX) as seed 000 first writes it. A MatdiffError for any other."""
    if rule not in DETERMINANT_RULES:
        raise MatdiffError(f"unknown determinant rule {rule!r}: choose inverse or adjugate")
    token = DETERMINANT_RULE.set(rule)
    try:
        yield
    finally:
        DETERMINANT_RULE.reset(token)


@rule(INVERSE)
def _d_inverse(node):
    from matdiff_magic.ir.construct import mk_neg

    return mk_neg(ir.MatMul([node, ir.D(node.arg), node]))


# ---- the evaluation trace ----------------------------------------------------------------------------
def _solve_trace(X, dX):
    """tr(X⁻¹ dX), without forming X⁻¹."""
    return as_scalar(np.trace(np.linalg.solve(X, dX)))


TRANSPOSE_ROW = linear_row("transpose", "Transpose", "{0}ᵀ", lambda x: x.T, lambda g, x: g.T, "{g}ᵀ")
TR_ROW = linear_row(
    "tr", "Trace", "tr {0}", lambda x: as_scalar(np.trace(x)), lambda g, x: g[0, 0] * np.eye(len(x)), "{g}·I"
)
INV_ROW = row(
    "inv",
    "Inverse",
    "{0}⁻¹",
    lambda xs, p: np.linalg.inv(xs[0]),
    (lambda xs, y, d, p: -y @ d[0] @ y, "−{y}·{d0}·{y}"),
    (lambda xs, y, g, p: [-y.T @ g @ y.T], "−{y}ᵀ·{g}·{y}ᵀ"),
)
DET_ROW = row(
    "det",
    "Det",
    "det {0}",
    lambda xs, p: as_scalar(np.linalg.det(xs[0])),
    (lambda xs, y, d, p: y * _solve_trace(xs[0], d[0]), "{y}·tr({0}⁻¹·{d0})"),
    (lambda xs, y, g, p: [g[0, 0] * y[0, 0] * np.linalg.inv(xs[0]).T], "{g}·{y}·{0}⁻ᵀ"),
)
LOGDET_ROW = row(
    "logdet",
    "LogDet",
    "logdet {0}",
    lambda xs, p: as_scalar(logdet(xs[0])),
    (lambda xs, y, d, p: _solve_trace(xs[0], d[0]), "tr({0}⁻¹·{d0})"),
    (lambda xs, y, g, p: [g[0, 0] * np.linalg.inv(xs[0]).T], "{g}·{0}⁻ᵀ"),
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


def _logdet_reads(sp, e):
    """log(Abs(Determinant(X))) is logdet(X), log|det X|."""
    if isinstance(e, sp.log) and isinstance(e.args[0], sp.Abs):
        inner = e.args[0].args[0]
        if type(inner).__name__ == "Determinant":
            return [inner.args[0]]
    return None


def _trace_call_shape(shapes, sizing):
    """tr of a square matrix, and of a scalar (tr s = s)."""
    return SCALAR if shapes[0] == SCALAR else call_square_to_scalar(shapes, sizing)


# Registered in the order the language lists them (tr, det, logdet, inv).
register(
    Transpose,
    analytic=True,
    **linear(TRANSPOSE, TRANSPOSE_ROW),
    export=_export_transpose,
    notation=Postfix("ᵀ", fuse=(("Inverse", "⁻ᵀ"),)),
    sympy=SympyForm(lambda sp, a, node: a[0].T if is_matrix(a[0]) else a[0]),
    doc="Xᵀ, written X' in the language",
)
register(
    Trace,
    analytic=True,
    names=("tr",),
    call_shape=_trace_call_shape,
    **linear(TRACE, TR_ROW),
    export=_export_trace,
    notation=Call("tr", scalar_transparent=True),
    sympy=SympyForm(lambda sp, a, node: sp.Trace(a[0]) if is_matrix(a[0]) else a[0], sympy_class("Trace")),
    doc="tr(X)",
)
register(
    Det,
    analytic=True,
    names=("det",),
    **derivative(_d_det, DET_ROW),
    export=call_export("np.linalg.det"),
    notation=Delimited("|", "|"),
    sympy=SympyForm(lambda sp, a, node: sp.Determinant(a[0]), sympy_class("Determinant")),
    doc="|X| = det X",
)
register(
    LogDet,
    **called(logdet),
    **derivative(_d_logdet, LOGDET_ROW),
    notation=Delimited("|", "|", prefix="log"),
    sympy=SympyForm(lambda sp, a, node: sp.log(sp.Abs(sp.Determinant(a[0]))), _logdet_reads),
    doc="log|X| = log|det X|: defined for either sign of det X (slogdet)",
)
register(
    Inverse,
    analytic=True,
    names=("inv",),
    **derivative(_d_inverse, INV_ROW),
    export=_export_inverse,
    notation=Postfix("⁻¹", fuse=(("Transpose", "⁻ᵀ"),)),
    sympy=SympyForm(
        lambda sp, a, node: sp.Inverse(a[0]) if is_matrix(a[0]) else 1 / a[0],
        sympy_class("Inverse", operands=lambda e: [e.args[0]]),
    ),
    doc="X⁻¹",
)
