"""The nodes that only the cost-aware export writes (``export.cost``), and their code.

They are steps of the exported program, not operations of the language (no differential, no
notation, not in the registry), so their names are private: `_Solve`, `_LogOfDet`, `_TraceOfProduct`,
`_Broadcast`.

``_Solve(a, b)`` is a⁻¹b computed by ``np.linalg.solve``, ``_LogOfDet(a)`` is log(det a) from one
factorisation (the ``log_of_det`` helper: slogdet, with nan where det a < 0 and −inf where
det a = 0) and ``_TraceOfProduct(a, b)`` is tr(a b) as the sum of a ⊙ bᵀ. Each prints in the
backend's array namespace (NumPy, JAX or PyTorch).
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.export.numpy_printer import in_namespace, number, prints
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.registry import C_ATOM, C_MUL


class _Binary(ir.Expr):
    """A plan node of two operands ``a`` and ``b`` whose shape ``shape_of(a, b)`` gives."""

    __slots__ = ("a", "b")
    _children = ("a", "b")
    a: ir.Expr
    b: ir.Expr

    def __init__(self, a: ir.Expr, b: ir.Expr):
        self._init(self.shape_of(a, b))
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)

    @staticmethod
    def shape_of(a: ir.Expr, b: ir.Expr) -> tuple:
        raise NotImplementedError


class _Solve(_Binary):
    """a⁻¹ b without forming a⁻¹ (a square, b a vector or a matrix): ``np.linalg.solve(a, b)``."""

    __slots__ = ()

    @staticmethod
    def shape_of(a: ir.Expr, b: ir.Expr) -> tuple:
        return (a.shape[1], b.shape[1])


class _Unary(ir.Expr):
    """A plan node of one operand ``arg`` whose shape ``shape_of(arg)`` gives (by default its own)."""

    __slots__ = ("arg",)
    _children = ("arg",)
    arg: ir.Expr

    def __init__(self, arg: ir.Expr):
        self._init(self.shape_of(arg))
        object.__setattr__(self, "arg", arg)

    @staticmethod
    def shape_of(arg: ir.Expr) -> tuple:
        return arg.shape


class _LogOfDet(_Unary):
    """log(det a) from one factorisation (``slogdet``), with the values of log at det ≤ 0."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg: ir.Expr) -> tuple:
        return ir.SCALAR


class _Broadcast(ir.Expr):
    """The constant ``value`` in every entry, printed as the number: a term of a sum whose other
    terms are arrays of its shape, so that NumPy broadcasts it (``1 - y``, not ``np.ones(m) - y``)."""

    __slots__ = ("value",)
    _attrs = ("value", "shape")
    value: Fraction

    def __init__(self, value, shape: tuple):
        self._init(tuple(shape))
        object.__setattr__(self, "value", Fraction(value))


class _TraceOfProduct(_Binary):
    """tr(a b) as the sum of a ⊙ bᵀ: ``np.sum(a * b.T)``."""

    __slots__ = ()

    @staticmethod
    def shape_of(a: ir.Expr, b: ir.Expr) -> tuple:
        return ir.SCALAR


def flip(e: ir.Expr) -> ir.Expr:
    """eᵀ as one node (Xᵀ of a computed X is a view; a vector's transpose is the same 1-D array),
    so that a shared product keeps its name."""
    if isinstance(e, ir.Transpose):
        return e.arg
    if e.is_scalar or isinstance(e, ir.Identity):
        return e
    return ir.Transpose(e)


# ---- their code --------------------------------------------------------------------------------
@prints(_Solve)
def _solve(p, e):
    return in_namespace(f"np.linalg.solve({p.code(e.a)}, {p.code(e.b)})", p.backend), C_ATOM


@prints(_LogOfDet)
def _log_of_det(p, e):
    return f"{p.helper('log_of_det')}({p.code(e.arg)})", C_ATOM


@prints(_Broadcast)
def _broadcast(p, e):
    return number(e.value)


@prints(_TraceOfProduct)
def _trace_of_product_code(p, e):
    if isinstance(e.a, ir.Transpose) and e.a not in p.temps:  # tr(Lᵀ R) = Σ L ⊙ R
        return in_namespace(
            f"np.sum({p.wrap(e.a.arg, C_MUL + 1)} * {p.wrap(e.b, C_MUL + 1)})", p.backend
        ), C_ATOM
    return in_namespace(
        f"np.sum({p.wrap(e.a, C_MUL + 1)} * {p.wrap(flip(e.b), C_MUL + 1)})", p.backend
    ), C_ATOM
