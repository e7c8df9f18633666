"""Arithmetic: sums (Add), negation (Neg), products (MatMul) and element-wise products (Hadamard).

Products are n-ary chains in which a scalar factor may stand anywhere: consecutive factors are
either conformable or one of them is 1×1 (scalar multiplication). A 1×1 sub-product such as aᵀx
stays a node of its own inside a longer chain, so the chain never hides a scalar. Their rows on the
evaluation trace are in ``arith_trace``, their NumPy code in ``arith_export``.
"""

from __future__ import annotations

import functools
import operator

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import Expr, _Unary
from matdiff_magic.ops import sympy_forms
from matdiff_magic.ops.arith_export import (
    export_add,
    export_hadamard,
    export_neg,
    export_product,
    product_as_built,
)
from matdiff_magic.ops.arith_trace import (
    ADD_ROW,
    DIV_ROW,
    EDIV_ROW,
    HAD_ROW,
    MATMUL_ROW,
    MUL_ROW,
    NEG_ROW,
    SCALE_ROW,
    SUB_ROW,
    trace_add,
    trace_hadamard,
    trace_product,
)
from matdiff_magic.ops.declare import Node, derivative, linear, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import P_HADAMARD, P_MUL, P_NEG, Infix, Juxtaposition, Prefix, Terms
from matdiff_magic.ops.registry import ShapeError, export, register
from matdiff_magic.ops.sympy_forms import SympyForm, is_matrix
from matdiff_magic.types.dims import ONE


# ---- nodes ---------------------------------------------------------------------------------------
class Neg(_Unary):
    __slots__ = ()


def common_shape(verb: str):
    """The shape rule of element-wise operands: the shape that two or more share; ShapeError names
    the first that differs ("cannot add (m, n) and (n, m)")."""

    def shape_of(operands):
        assert len(operands) >= 2
        for o in operands[1:]:
            if o.shape != operands[0].shape:
                raise ShapeError(f"{verb} {operands[0].shape} and {o.shape}")
        return operands[0].shape

    return shape_of


class Add(Node):
    __slots__ = ("terms",)
    terms: tuple[Expr, ...]
    shape_of = staticmethod(common_shape("cannot add"))


@export
def chain_shape(factors):
    """Shape of a product chain; raises ShapeError (a ValueError) when two neighbours do not fit."""
    # sizes are interned Dims (ir.Expr._init): identity is equality, and much cheaper for long chains
    rows, cols = factors[0].shape
    for f in factors[1:]:
        r, c = f.shape
        if cols is r:
            cols = c
        elif rows is ONE and cols is ONE:
            rows, cols = r, c
        elif r is ONE and c is ONE:
            pass
        else:
            raise ShapeError(f"cannot multiply {(rows, cols)} by {f.shape}")
    return (rows, cols)


class MatMul(Node):
    __slots__ = ("factors",)
    factors: tuple[Expr, ...]

    @staticmethod
    def shape_of(factors):
        assert len(factors) >= 2
        return chain_shape(factors)


class Hadamard(Node):
    """Element-wise product of same-shaped operands."""

    __slots__ = ("factors",)
    factors: tuple[Expr, ...]
    shape_of = staticmethod(common_shape("cannot multiply element-wise"))


# ---- values --------------------------------------------------------------------------------------
def _product_value(xs, p):
    out = xs[0]
    for v in xs[1:]:
        out = out @ v if out.shape[1] == v.shape[0] else out * v  # else one side is 1×1
    return out


# ---- differential rules ----------------------------------------------------------------------------
SUM = Identity("sum rule", r"\mathrm{d}(X \pm Y) = \mathrm{d}X \pm \mathrm{d}Y")
NEG = Identity("sum rule", r"\mathrm{d}(-X) = -\mathrm{d}X")


@rule(SUM)
def _d_sum(node: Add):
    from matdiff_magic.ir.construct import mk_add, mk_neg

    return mk_add([mk_neg(ir.D(t.arg)) if isinstance(t, Neg) else ir.D(t) for t in node.terms])


def _product_rule(node: MatMul | Hadamard, varying) -> list[Expr]:
    """d(f₁ ⋯ fₖ) = Σᵢ f₁ ⋯ dfᵢ ⋯ fₖ: one product per varying factor i, the others in place."""
    fs = node.factors
    return [type(node)(fs[:i] + (ir.D(fs[i]),) + fs[i + 1 :]) for i in varying]


PRODUCT = Identity("product rule", r"\mathrm{d}(XY) = (\mathrm{d}X)Y + X\,\mathrm{d}Y")
CONSTANT_FACTOR = Identity("constant factor", r"\mathrm{d}(cX) = c\,\mathrm{d}X")


@rule(PRODUCT, CONSTANT_FACTOR)
def _d_product(node: MatMul):
    varying = [i for i, f in enumerate(node.factors) if not isinstance(f, ir.Const)]
    terms = _product_rule(node, varying)
    if len(varying) == 1:
        return terms[0], CONSTANT_FACTOR
    return Add(terms), PRODUCT


HADAMARD = Identity(
    "Hadamard product rule", r"\mathrm{d}(X \odot Y) = \mathrm{d}X \odot Y + X \odot \mathrm{d}Y"
)


@rule(HADAMARD)
def _d_hadamard(node: Hadamard):
    return Add(_product_rule(node, range(len(node.factors))))


# ---- registration --------------------------------------------------------------------------------
register(
    Neg,
    analytic=True,
    **linear(NEG, NEG_ROW),
    export=export_neg,
    notation=Prefix("-", P_NEG, P_MUL),
    sympy=SympyForm(lambda sp, a, node: sp.MatMul(-1, a[0]) if is_matrix(a[0]) else -a[0]),
    doc="−X",
)
register(
    Add,
    analytic=True,
    value=lambda xs, p: functools.reduce(operator.add, xs),
    **derivative(_d_sum, ADD_ROW, SUB_ROW, trace=trace_add),
    export=export_add,
    notation=Terms(),
    sympy=SympyForm(sympy_forms.add),
    doc="X + Y (n-ary)",
)
register(
    MatMul,
    analytic=True,
    value=_product_value,
    **derivative(_d_product, MUL_ROW, SCALE_ROW, MATMUL_ROW, DIV_ROW, trace=trace_product),
    export=export_product,
    notation=Juxtaposition(),
    sympy=SympyForm(sympy_forms.product),
    doc="XY (n-ary; a 1×1 factor multiplies)",
)
register(
    Hadamard,
    analytic=True,
    value=lambda xs, p: functools.reduce(operator.mul, xs),
    **derivative(_d_hadamard, HAD_ROW, EDIV_ROW, trace=trace_hadamard),
    export=export_hadamard,
    notation=Infix("⊙", P_HADAMARD),
    sympy=SympyForm(sympy_forms.hadamard),
    doc="X ⊙ Y (n-ary)",
)

__all__ = ["Add", "Hadamard", "MatMul", "Neg", "chain_shape", "product_as_built"]
