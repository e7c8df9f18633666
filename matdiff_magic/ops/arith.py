"""Arithmetic: sums (Add), negation (Neg), products (MatMul) and element-wise products (Hadamard).

Products are n-ary chains in which a scalar factor may stand anywhere: consecutive factors are
either conformable or one of them is 1×1 (scalar multiplication). A 1×1 sub-product such as aᵀx
stays a node of its own inside a longer chain, so the chain never hides a scalar. On the evaluation
trace the n-ary nodes become chains of binary rows (add/sub, mul/scale/matmul/div, had/ediv).
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, _Unary
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import (
    C_ADD,
    C_ATOM,
    C_MUL,
    C_NEG,
    P_HADAMARD,
    P_MUL,
    P_NEG,
    Infix,
    Juxtaposition,
    Op,
    Prefix,
    Primitive,
    ShapeError,
    Terms,
    as_scalar,
    export,
    find,
    register,
)


# ---- nodes ---------------------------------------------------------------------------------------
class Neg(_Unary):
    __slots__ = ()


def _common_shape(operands, verb: str):
    """The shape that two or more element-wise operands share; ShapeError names the first that
    differs ("cannot add (m, n) and (n, m)")."""
    assert len(operands) >= 2
    for o in operands[1:]:
        if o.shape != operands[0].shape:
            raise ShapeError(f"{verb} {operands[0].shape} and {o.shape}")
    return operands[0].shape


class Add(Expr):
    __slots__ = ("terms",)
    _children = ("terms",)
    terms: tuple[Expr, ...]

    def __init__(self, terms):
        terms = tuple(terms)
        self._init(self.shape_of(terms))
        object.__setattr__(self, "terms", terms)

    @staticmethod
    def shape_of(terms):
        return _common_shape(terms, "cannot add")


@export
def chain_shape(factors):
    """Shape of a product chain; raises ShapeError (a ValueError) when two neighbours do not fit."""
    rows, cols = factors[0].shape
    for f in factors[1:]:
        if cols == f.shape[0]:
            cols = f.shape[1]
        elif (rows, cols) == SCALAR:
            rows, cols = f.shape
        elif f.shape == SCALAR:
            pass
        else:
            raise ShapeError(f"cannot multiply {(rows, cols)} by {f.shape}")
    return (rows, cols)


class MatMul(Expr):
    __slots__ = ("factors",)
    _children = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors):
        factors = tuple(factors)
        self._init(self.shape_of(factors))
        object.__setattr__(self, "factors", factors)

    @staticmethod
    def shape_of(factors):
        assert len(factors) >= 2
        return chain_shape(factors)


class Hadamard(Expr):
    """Element-wise product of same-shaped operands."""

    __slots__ = ("factors",)
    _children = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors):
        factors = tuple(factors)
        self._init(self.shape_of(factors))
        object.__setattr__(self, "factors", factors)

    @staticmethod
    def shape_of(factors):
        return _common_shape(factors, "cannot multiply element-wise")


# ---- values --------------------------------------------------------------------------------------
def _sum_value(xs, p):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def _product_value(xs, p):
    out = xs[0]
    for v in xs[1:]:
        out = out @ v if out.shape[1] == v.shape[0] else out * v  # else one side is 1×1
    return out


def _hadamard_value(xs, p):
    out = xs[0]
    for x in xs[1:]:
        out = out * x
    return out


# ---- differential rules ----------------------------------------------------------------------------
SUM = Identity("sum rule", r"\mathrm{d}(X \pm Y) = \mathrm{d}X \pm \mathrm{d}Y")
NEG = Identity("sum rule", r"\mathrm{d}(-X) = -\mathrm{d}X")
PRODUCT = Identity("product rule", r"\mathrm{d}(XY) = (\mathrm{d}X)Y + X\,\mathrm{d}Y")
CONSTANT_FACTOR = Identity("constant factor", r"\mathrm{d}(cX) = c\,\mathrm{d}X")
HADAMARD = Identity(
    "Hadamard product rule", r"\mathrm{d}(X \odot Y) = \mathrm{d}X \odot Y + X \odot \mathrm{d}Y"
)


def _d_sum(node: Add):
    from matdiff_magic.ir.construct import mk_add, mk_neg

    return mk_add([mk_neg(ir.D(t.arg)) if isinstance(t, Neg) else ir.D(t) for t in node.terms]), SUM


def _d_neg(node: Neg):
    from matdiff_magic.ir.construct import mk_neg

    return mk_neg(ir.D(node.arg)), NEG


def _d_product(node: MatMul):
    factors = node.factors
    varying = [i for i, f in enumerate(factors) if not isinstance(f, ir.Const)]
    terms = [MatMul(factors[:i] + (ir.D(factors[i]),) + factors[i + 1 :]) for i in varying]
    if len(varying) == 1:
        return terms[0], CONSTANT_FACTOR
    return Add(terms), PRODUCT


def _d_hadamard(node: Hadamard):
    fs = node.factors
    return Add([Hadamard(fs[:i] + (ir.D(fs[i]),) + fs[i + 1 :]) for i in range(len(fs))]), HADAMARD


# ---- the evaluation trace: binary rows --------------------------------------------------------------
NEG_ROW = Primitive(
    "neg",
    "Neg",
    "−{0}",
    lambda xs, p: -xs[0],
    lambda xs, y, d, p: -d[0],
    lambda xs, y, g, p: [-g],
    ("−{d0}",),
    ("−{g}",),
)
ADD_ROW = Primitive(
    "add",
    "Add",
    "{0} + {1}",
    lambda xs, p: xs[0] + xs[1],
    lambda xs, y, d, p: d[0] + d[1],
    lambda xs, y, g, p: [g, g],
    ("{d0}", "{d1}"),
    ("{g}", "{g}"),
)
SUB_ROW = Primitive(
    "sub",
    "Add (with a Neg term)",
    "{0} − {1}",
    lambda xs, p: xs[0] - xs[1],
    lambda xs, y, d, p: d[0] - d[1],
    lambda xs, y, g, p: [g, -g],
    ("{d0}", "−{d1}"),
    ("{g}", "−{g}"),
)
MUL_ROW = Primitive(
    "mul",
    "MatMul (1×1 factors)",
    "{0}·{1}",
    lambda xs, p: xs[0] * xs[1],
    lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
    lambda xs, y, g, p: [g * xs[1], g * xs[0]],
    ("{d0}·{1}", "{0}·{d1}"),
    ("{g}·{1}", "{g}·{0}"),
)
SCALE_ROW = Primitive(
    "scale",
    "MatMul (scalar times array)",
    "{0}·{1}",
    lambda xs, p: xs[0] * xs[1],
    lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
    lambda xs, y, g, p: [as_scalar(g * xs[1]), g * xs[0]],
    ("{d0}·{1}", "{0}·{d1}"),
    ("⟨{g}, {1}⟩", "{0}·{g}"),
)
MATMUL_ROW = Primitive(
    "matmul",
    "MatMul",
    "{0}·{1}",
    lambda xs, p: xs[0] @ xs[1],
    lambda xs, y, d, p: d[0] @ xs[1] + xs[0] @ d[1],
    lambda xs, y, g, p: [g @ xs[1].T, xs[0].T @ g],
    ("{d0}·{1}", "{0}·{d1}"),
    ("{g}·{1}ᵀ", "{0}ᵀ·{g}"),
)
DIV_ROW = Primitive(
    "div",
    "MatMul (a Pow(·, −1) factor)",
    "{0}/{1}",
    lambda xs, p: xs[0] / xs[1],
    lambda xs, y, d, p: (d[0] - y * d[1]) / xs[1],
    lambda xs, y, g, p: [g / xs[1], as_scalar(-g * y) / xs[1]],
    ("{d0}/{1}", "−{y}·{d1}/{1}"),
    ("{g}/{1}", "−⟨{g}, {y}⟩/{1}"),
)
HAD_ROW = Primitive(
    "had",
    "Hadamard",
    "{0} ⊙ {1}",
    lambda xs, p: xs[0] * xs[1],
    lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
    lambda xs, y, g, p: [g * xs[1], g * xs[0]],
    ("{d0} ⊙ {1}", "{0} ⊙ {d1}"),
    ("{g} ⊙ {1}", "{g} ⊙ {0}"),
)
EDIV_ROW = Primitive(
    "ediv",
    "Hadamard (an ElemPow(·, −1) factor)",
    "{0} ⊘ {1}",
    lambda xs, p: xs[0] / xs[1],
    lambda xs, y, d, p: (d[0] - y * d[1]) / xs[1],
    lambda xs, y, g, p: [g / xs[1], -g * y / xs[1]],
    ("{d0} ⊘ {1}", "−{y} ⊙ {d1} ⊘ {1}"),
    ("{g} ⊘ {1}", "−{g} ⊙ {y} ⊘ {1}"),
)


def _trace_add(L, e: Add) -> int:
    """A sum as add/sub rows; a Neg term (or a negative number) turns + into −."""
    signed = []
    for t in e.terms:  # lower every term first: the seed numbers all operands before the sums
        if isinstance(t, Neg):
            signed.append((-1, L.lower(t.arg)))
        elif isinstance(t, ir.Const) and t.value < 0:
            signed.append((-1, L.lower(ir.Const(-t.value))))
        else:
            signed.append((1, L.lower(t)))
    first = next((k for k, (s, _) in enumerate(signed) if s > 0), None)
    if first is None:
        acc = L.step("neg", [signed[0][1]])
        rest = signed[1:]
    else:
        acc = signed[first][1]
        rest = signed[:first] + signed[first + 1 :]
    for sign, t in rest:
        acc = L.step("add" if sign > 0 else "sub", [acc, t])
    return acc


def _trace_product(L, e: MatMul) -> int:
    """Numbers gather into one coefficient, 1/s factors become div rows, the rest binary products."""
    coefficient, numerators, denominators = Fraction(1), [], []
    for f in e.factors:
        if isinstance(f, ir.Const):
            coefficient *= f.value
        elif isinstance(f, ir.Pow) and f.exponent == ir.Const(-1) and f.base.is_scalar:
            denominators.append(L.lower(f.base))
        else:
            numerators.append(L.lower(f))
    acc: int | None = None
    if numerators:
        acc = numerators[0]
        for f in numerators[1:]:
            acc = _binary_product(L, acc, f)
    if acc is None:
        acc = L.number(coefficient)
    elif coefficient == -1:
        acc = L.step("neg", [acc])
    elif coefficient != 1:
        acc = _binary_product(L, L.number(coefficient, minus=True), acc)
    for d in denominators:
        acc = L.step("div", [acc, d])
    return acc


def _binary_product(L, a: int, b: int) -> int:
    sa, sb = L.is_scalar(a), L.is_scalar(b)
    if sa and sb:
        return L.step("mul", [a, b])
    if sa or sb:  # scalars commute: write the scalar first
        return L.step("scale", [a, b] if sa else [b, a])
    return L.step("matmul", [a, b])


def _trace_hadamard(L, e: Hadamard) -> int:
    numerators, denominators = [], []
    for f in e.factors:
        if isinstance(f, ir.ElemPow) and f.exponent == ir.Const(-1):
            denominators.append(L.lower(f.base))
        else:
            numerators.append(L.lower(f))
    acc = numerators[0] if numerators else L.ones_like(denominators[0])
    for f in numerators[1:]:
        acc = L.step("had", [acc, f])
    for d in denominators:
        acc = L.step("ediv", [acc, d])
    return acc


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_neg(p, e):
    moved = _sign_into_kron(e.arg) if e.arg not in p.temps else None
    if moved is not None:  # -(A ⊗ B) M = ((-A) ⊗ B) M: negate the small factor, not the large product
        return p.go(moved)
    return "-" + p.wrap(e.arg, C_MUL), C_NEG


def _sign_into_kron(e: Expr):
    if isinstance(e, ir.Kron):
        return ir.Kron(Neg(e.left), e.right)
    if isinstance(e, MatMul) and isinstance(e.factors[0], ir.Kron):
        first = e.factors[0]
        return MatMul((ir.Kron(Neg(first.left), first.right),) + e.factors[1:])
    return None


def _negative(t: Expr):
    """t = -u: returns u, or None."""
    if isinstance(t, Neg):
        return t.arg
    if isinstance(t, ir.Const) and t.value < 0:
        return ir.Const(-t.value)
    if isinstance(t, MatMul) and isinstance(t.factors[0], ir.Const) and t.factors[0].value < 0:
        rest = (ir.Const(-t.factors[0].value),) + t.factors[1:] if t.factors[0].value != -1 else t.factors[1:]
        return rest[0] if len(rest) == 1 else MatMul(rest)
    return None


def _export_add(p, e):
    out = p.wrap(e.terms[0], C_ADD)
    for t in e.terms[1:]:
        u = _negative(t) if t not in p.temps else None
        out += f" - {p.wrap(u, C_MUL)}" if u is not None else f" + {p.wrap(t, C_ADD)}"
    return out, C_ADD


def _export_product(p, e):
    """Left to right, by the shapes of the operands: ``*`` when one side is a scalar, ``@`` for a
    matrix or inner product, ``np.outer`` when the inner size is 1. A structured factor (diag(v),
    a commutation matrix) is never built inside a product: its op says how it acts on what it meets
    from the left (``extra["export_left"]``: a row scaling, a row permutation) and from the right
    (``extra["export_right"]``: a column scaling, a column permutation)."""
    acc, prec, shape = None, C_ATOM, None
    for i, f in enumerate(e.factors):
        rest = e.factors[i + 1 :]
        left_rule = _facet(f, "export_left")
        if (
            (acc is None or shape == SCALAR)
            and rest
            and left_rule is not None
            and not all(r.is_scalar for r in rest)
        ):
            right = rest[0] if len(rest) == 1 else MatMul(rest)
            done = left_rule(p, f, right)
            if done is not None:
                code, p2 = done
                if acc is None:
                    return code, p2
                left = acc if prec >= C_MUL else f"({acc})"
                return f"{left} * {code if p2 > C_MUL else f'({code})'}", C_MUL
        if acc is None:
            (acc, prec), shape = p.go(f), f.shape
            continue
        if shape == SCALAR or f.is_scalar:
            left = acc if prec >= C_MUL else f"({acc})"
            acc, prec = f"{left} * {p.wrap(f, C_MUL + 1)}", C_MUL
            shape = f.shape if shape == SCALAR else shape
            continue
        right_rule = _facet(f, "export_right") if f not in p.temps else None
        moved = right_rule(p, e, i, acc, prec, shape) if right_rule is not None else None
        if moved is not None:
            acc, prec, shape = moved
        elif shape[1] == 1:  # a column times a row: the outer product
            acc, prec, shape = f"np.outer({acc}, {p.code(f)})", C_ATOM, (shape[0], f.shape[1])
        else:
            left = acc if prec >= C_MUL else f"({acc})"
            acc, prec, shape = f"{left} @ {p.wrap(f, C_MUL + 1)}", C_MUL, (shape[0], f.shape[1])
    return acc, prec


def _facet(f: Expr, name: str):
    op = find(f)
    return op.extra.get(name) if op is not None else None


def product_as_built(p, f: Expr, right: Expr):
    """f R with f computed (a temporary), for the structured factors' rules."""
    return f"{p.wrap(f, C_MUL)} @ {p.wrap(right, C_MUL + 1)}", C_MUL


def _export_hadamard(p, e):
    parts = [p.wrap(e.factors[0], C_MUL)] + [p.wrap(f, C_MUL + 1) for f in e.factors[1:]]
    return " * ".join(parts), C_MUL


# ---- registration --------------------------------------------------------------------------------
register(
    Op(
        Neg,
        value=lambda xs, p: -xs[0],
        differential=_d_neg,
        identities=(NEG,),
        primitives=(NEG_ROW,),
        export=_export_neg,
        notation=Prefix("-", P_NEG, P_MUL),
        doc="−X",
    )
)
register(
    Op(
        Add,
        value=_sum_value,
        differential=_d_sum,
        identities=(SUM,),
        primitives=(ADD_ROW, SUB_ROW),
        trace=_trace_add,
        export=_export_add,
        notation=Terms(),
        doc="X + Y (n-ary)",
    )
)
register(
    Op(
        MatMul,
        value=_product_value,
        differential=_d_product,
        identities=(PRODUCT, CONSTANT_FACTOR),
        primitives=(MUL_ROW, SCALE_ROW, MATMUL_ROW, DIV_ROW),
        trace=_trace_product,
        export=_export_product,
        notation=Juxtaposition(),
        doc="XY (n-ary; a 1×1 factor multiplies)",
    )
)
register(
    Op(
        Hadamard,
        value=_hadamard_value,
        differential=_d_hadamard,
        identities=(HADAMARD,),
        primitives=(HAD_ROW, EDIV_ROW),
        trace=_trace_hadamard,
        export=_export_hadamard,
        notation=Infix("⊙", P_HADAMARD),
        doc="X ⊙ Y (n-ary)",
    )
)

__all__ = ["Add", "Hadamard", "MatMul", "Neg", "chain_shape", "product_as_built"]
