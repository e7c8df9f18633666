"""Building IR nodes in normal form. The ``mk_*`` functions are smart constructors: each builds
its node already tidied (sums and products flattened, zeros dropped, numbers folded, scalar powers
cancelled, transposes of transposes and inverses of inverses undone); ``tidy`` rebuilds a whole
tree through them and is run after every step of a derivation. ``zero``, ``is_zero``,
``split_coef`` and ``with_coef`` are the small helpers every stage needs.

The full simplification of results (transposes pushed inside, like terms collected) is
``derivation.simplify``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import cast

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.powers import (
    MAX_FOLD_BITS,
    merge_powers,
    mk_elempow,
    mk_matpow,
    mk_pow,
    powers_compose,
    runs_as_powers,
)

__all__ = [
    "MAX_FOLD_BITS",
    "is_zero",
    "known_symmetric",
    "mk_add",
    "mk_elempow",
    "mk_hadamard",
    "mk_inverse",
    "mk_kron",
    "mk_linear",
    "mk_matpow",
    "mk_mul",
    "mk_neg",
    "mk_pow",
    "mk_trace",
    "mk_transpose",
    "mk_vec",
    "powers_compose",
    "rebuild",
    "rebuild_then",
    "split_coef",
    "tidy",
    "with_coef",
    "zero",
]

_UNIT = Fraction(1)  # made once: split_coef runs for every term of every sum
_MINUS_UNIT = Fraction(-1)  # the coefficient of −A, for every negated term

_ONE = ir.ONE
SCALAR_ATOMS = (ir.Var, ir.Const, ir.Det, ir.LogDet, ir.Trace, ir.Norm, ir.SumAll, ir.Pow, ir.Apply)


def zero(shape) -> ir.Expr:
    return ir.Const(0) if shape == ir.SCALAR else ir.Zero(shape)


def is_zero(e: ir.Expr) -> bool:
    return isinstance(e, ir.Zero) or (isinstance(e, ir.Const) and e.value == 0)


def split_coef(e: ir.Expr) -> tuple[Fraction, ir.Expr | None]:
    """e = c · rest with c a number; rest is None when e is a number."""
    if isinstance(e, ir.Const):
        return e.value, None
    if isinstance(e, ir.Neg):
        c, rest = split_coef(e.arg)
        return (_MINUS_UNIT if c is _UNIT else -c), rest
    if isinstance(e, ir.MatMul) and isinstance(e.factors[0], ir.Const):
        tail = e.factors[1:]
        return e.factors[0].value, tail[0] if len(tail) == 1 else ir.MatMul(tail)
    return _UNIT, e


def with_coef(c: Fraction, rest: ir.Expr | None, shape=ir.SCALAR) -> ir.Expr:
    if rest is None:
        return ir.Const(c)
    if c is _UNIT:
        return rest
    if c == 0:
        return zero(rest.shape)
    if c == 1:
        return rest
    if c == -1:
        return ir.Neg(rest)
    if c.numerator < 0:  # the sign read off the numerator: Fraction's < is Python code
        return ir.Neg(mk_mul([ir.Const(-c), rest]))
    factors = rest.factors if isinstance(rest, ir.MatMul) else (rest,)
    return _product_of((ir.Const(c), *factors), rest.shape)  # a number in front keeps the shape


def _is_group(e: ir.Expr) -> bool:
    """A 1×1 product of non-scalars (aᵀx): it stays whole inside a longer chain."""
    return isinstance(e, ir.MatMul) and e.is_scalar and not all(f.is_scalar for f in e.factors)


def mk_neg(x: ir.Expr) -> ir.Expr:
    if is_zero(x):
        return x
    if isinstance(x, ir.Neg):
        return x.arg
    if isinstance(x, ir.Const):
        return ir.Const(-x.value)
    c, rest = split_coef(x)
    if c.numerator < 0:
        return with_coef(-c, rest)
    return ir.Neg(x)


def flat_terms(terms) -> list[ir.Expr]:
    """The terms as ``mk_add`` lists them: sums spread, −(a + b) as −a, −b, zeros dropped."""
    flat: list[ir.Expr] = []
    for t in terms:
        if isinstance(t, ir.Add):
            flat.extend(t.terms)
        elif isinstance(t, ir.Neg) and isinstance(t.arg, ir.Add):
            flat.extend(mk_neg(u) for u in t.arg.terms)
        elif not is_zero(t):
            flat.append(t)
    return flat


def mk_add(terms) -> ir.Expr:
    terms = list(terms)
    flat = flat_terms(terms)
    if not flat:
        return zero(terms[0].shape if terms else None)
    return flat[0] if len(flat) == 1 else ir.Add(flat)


def mk_mul(factors) -> ir.Expr:
    """Product chain: numbers folded into one leading coefficient, signs pulled out, scalar powers
    of the same base combined (|Σ|⁻¹|Σ| = 1), other scalars moved before the matrices."""
    factors = list(factors)
    shape = ir.chain_shape(factors)
    kinds = _FACTOR_KINDS
    for f in factors:  # the usual chain: matrices only, none to take apart, drop or fold
        rows, cols = f.shape
        if kinds.get(type(f)) != _PLAIN or (rows is _ONE and cols is _ONE):
            break
    else:  # what the general way below gives such a chain: its runs of one base as powers
        chain = runs_as_powers(factors) if len(factors) > 1 else factors
        return chain[0] if len(chain) == 1 else _product_of(tuple(chain), shape)
    coef = _UNIT
    scalars: dict = {}  # base -> exponent (Fraction or Expr)
    groups: list[ir.Expr] = []  # 1×1 products of non-scalars, kept whole, in order
    mats: list[ir.Expr] = []  # the rest, in order
    identity = False  # an identity among mats
    stack = list(reversed(factors))
    while stack:
        f = stack.pop()
        kind = _FACTOR_KINDS.get(type(f))
        if kind is None:
            kind = _factor_kind(type(f))
        rows, cols = f.shape  # f.is_scalar, without a call: every factor of every product asks
        if kind != _SPECIAL and not (rows is _ONE and cols is _ONE):  # a matrix kept as it is
            mats.append(f)
            identity = identity or kind == _IDENTITY
            continue
        if isinstance(f, ir.Const):
            if f.value == 0:
                return zero(shape)
            coef *= f.value
        elif isinstance(f, ir.Zero):
            return zero(shape)
        elif isinstance(f, ir.Neg):
            coef = -coef
            stack.append(f.arg)
        elif _is_group(f):
            groups.append(f)
        elif isinstance(f, ir.MatMul):
            stack.extend(reversed(f.factors))
        elif f.is_scalar:
            base, e = (f.base, f.exponent) if isinstance(f, ir.Pow) else (f, ir.Const(1))
            if base in scalars and isinstance(e, ir.Const) and isinstance(scalars[base], ir.Const):
                scalars[base] = ir.Const(scalars[base].value + e.value)
            elif base in scalars:
                mats.append(f)  # symbolic exponents are left alone
                identity = identity or isinstance(f, ir.Identity)
            else:
                scalars[base] = e
        else:
            mats.append(f)
            identity = identity or isinstance(f, ir.Identity)
    scalar_factors = []
    for base, e in scalars.items():
        if isinstance(e, ir.Const) and e.value == 0:
            continue
        scalar_factors.append(base if isinstance(e, ir.Const) and e.value == 1 else mk_pow(base, e))
    # identities dropped where the chain keeps its shape without them (only looked for when present:
    # a long product then costs one pass, not three)
    if identity and (len(mats) > 1 or not isinstance(mats[0], ir.Identity)):
        kept = [m for m in mats if not isinstance(m, ir.Identity)]
        mats = kept if kept and ir.chain_shape(kept) == _chain_shape_or(mats) else mats
    if len(mats) > 1:
        mats = runs_as_powers(mats)
    body = scalar_factors + groups + mats
    if not body:
        return ir.Const(coef)
    if len(body) == 1:
        rest = body[0]
    else:  # with a matrix among them the chain has the product's shape, worked out above
        rest = _product_of(tuple(body), shape) if mats else ir.MatMul(body)
    if rest.shape != shape:  # only scalars left where the chain was a matrix: keep an identity
        rest = ir.MatMul(body + [ir.Identity((shape[0], shape[0]))]) if shape[0] == shape[1] else rest
    return with_coef(coef, rest)


def _product_of(factors: tuple, shape) -> ir.Expr:
    """``ir.MatMul(factors)`` for a chain whose shape is known: not worked out again."""
    node = object.__new__(ir.MatMul)
    node._init(shape, factors)  # its children: the factors, its only field
    _SET_FACTORS(node, factors)
    return node


_SET_FACTORS = ir.MatMul.__dict__["factors"].__set__


# how mk_mul treats a factor, by its type: numbers, zeros, negations and products are taken apart
_PLAIN, _IDENTITY, _SPECIAL = 0, 1, 2
_FACTOR_KINDS: dict = {}


def _factor_kind(cls: type) -> int:
    if issubclass(cls, (ir.Const, ir.Zero, ir.Neg, ir.MatMul)):
        kind = _SPECIAL
    else:
        kind = _IDENTITY if issubclass(cls, ir.Identity) else _PLAIN
    _FACTOR_KINDS[cls] = kind
    return kind


def _chain_shape_or(mats):
    try:
        return ir.chain_shape(mats)
    except ValueError:
        return None


def mk_hadamard(factors) -> ir.Expr:
    flat: list[ir.Expr] = []
    coef = _UNIT
    for f in factors:
        c, rest = split_coef(f)
        if c is not _UNIT:  # a plain factor (the common case) skips the Fraction arithmetic
            coef *= c
        if rest is None:
            flat.append(ir.Fill(1, f.shape) if not f.is_scalar else ir.Const(1))
            continue
        if isinstance(rest, ir.Zero):
            return rest
        if isinstance(rest, ir.Hadamard):
            flat.extend(rest.factors)
        else:
            flat.append(rest)
    if coef is not _UNIT and coef == 0:
        return zero(factors[0].shape)
    if flat and flat[0].is_scalar:
        return with_coef(coef, mk_mul(flat))
    flat = merge_powers(flat)
    if any(isinstance(f, (ir.Identity, ir.DiagMatrix)) for f in flat):
        # the product is diagonal, where a power of I is 1: D ⊙ I^∘-1 is D, not 0·∞ off the diagonal
        flat = [f for f in flat if not (isinstance(f, ir.ElemPow) and isinstance(f.base, ir.Identity))]
    kept = [f for f in flat if not (isinstance(f, ir.Fill) and f.value == 1)]
    if not kept:
        kept = flat[:1]
    body = kept[0] if len(kept) == 1 else ir.Hadamard(kept)
    return with_coef(coef, body)


def mk_transpose(x: ir.Expr) -> ir.Expr:
    if isinstance(x, ir.Transpose):
        return x.arg
    if isinstance(x, ir.Var):  # the checks below, for a name: a number is its own transpose
        return x if x.is_scalar else ir.Transpose(x)
    if isinstance(x, ir.Zero):
        return ir.Zero((x.shape[1], x.shape[0]))
    if isinstance(x, ir.Identity):
        return x
    if isinstance(x, ir.Fill):
        return ir.Fill(x.value, (x.shape[1], x.shape[0]))
    if isinstance(x, ir.Neg):
        return mk_neg(mk_transpose(x.arg))
    if x.is_scalar and isinstance(x, SCALAR_ATOMS):
        return x
    if known_symmetric(x):
        return x
    if isinstance(x, ir.MatMul) and isinstance(x.factors[0], ir.Const):
        c, rest = split_coef(x)
        return with_coef(c, mk_transpose(cast(ir.Expr, rest)))  # a product: rest is not None
    if isinstance(x, ir.Kron):
        return ir.Kron(mk_transpose(x.left), mk_transpose(x.right))
    if isinstance(x, ir.MatPow):  # (Xᵏ)ᵀ = (Xᵀ)ᵏ, as the product X X ⋯ X transposes
        return ir.MatPow(mk_transpose(x.base), x.exponent)
    if isinstance(x, ir.Commutation):
        return ir.Commutation(x.cols, x.rows)
    return ir.Transpose(x)


def known_symmetric(e: ir.Expr, declared: bool = False) -> bool:
    """Symmetric for every value of its variables: I, diag(v), AᵀA, AAᵀ, XᵀBX with B such,
    sums and inverses of those. With ``declared``, a variable declared symmetric counts too
    (S, XᵀSX, Σ⁻¹SΣ⁻¹): that holds at the points the derivative is evaluated at, not for the
    function f of independent entries, so only the simplification of results asks for it; the
    smart constructors (``tidy``) never do, and S and Sᵀ stay apart while differentiating."""
    if isinstance(e, ir.Var):
        return e.is_scalar or (declared and e.symmetric)
    if isinstance(e, (ir.Identity, ir.DiagMatrix)):
        return True
    if isinstance(e, ir.Fill):
        return e.shape[0] == e.shape[1]
    if isinstance(e, (ir.Inverse, ir.Neg)):
        return known_symmetric(e.arg, declared)
    if isinstance(e, ir.Add):
        return all(known_symmetric(t, declared) for t in e.terms)
    if isinstance(e, ir.MatMul) and e.shape[0] == e.shape[1]:
        mats = [f for f in e.factors if not f.is_scalar]
        k = len(mats)
        for i in range(k // 2):
            mirror = mats[k - 1 - i]
            if mats[i] != _plain_transpose(mirror) and not (
                mats[i] == mirror and known_symmetric(mirror, declared)
            ):
                return False
        return k % 2 == 0 or known_symmetric(mats[k // 2], declared)
    return False


def _plain_transpose(x: ir.Expr) -> ir.Expr:
    return x.arg if isinstance(x, ir.Transpose) else ir.Transpose(x)


def mk_vec(x: ir.Expr) -> ir.Expr:
    """vec of a column vector is the vector itself; numbers come out in front."""
    if x.shape[1] == 1:
        return x
    if isinstance(x, ir.Zero):
        return ir.Zero((ir.dim_mul(*x.shape), 1))
    c, rest = split_coef(x)
    if rest is not None and c != 1:
        return with_coef(c, mk_vec(rest))
    return ir.Vec(x)


def mk_kron(a: ir.Expr, b: ir.Expr) -> ir.Expr:
    """A ⊗ B, with 1×1 factors as scalar multiples and I ⊗ I = I."""
    if a.is_scalar:
        return mk_mul([a, b])
    if b.is_scalar:
        return mk_mul([b, a])
    if is_zero(a) or is_zero(b):
        return ir.Zero(ir.Kron(a, b).shape)
    if isinstance(a, ir.Identity) and isinstance(b, ir.Identity):
        return ir.Identity(ir.Kron(a, b).shape)
    ca, ra = split_coef(a)
    cb, rb = split_coef(b)
    if ca * cb != 1:
        return with_coef(ca * cb, ir.Kron(cast(ir.Expr, ra), cast(ir.Expr, rb)))
    return ir.Kron(a, b)


def mk_trace(x: ir.Expr) -> ir.Expr:
    if is_zero(x):
        return ir.Const(0)
    c, rest = split_coef(x)
    if c != 1 and rest is not None:
        return with_coef(c, ir.Trace(rest))
    return ir.Trace(x)


def mk_linear(node_type, x: ir.Expr) -> ir.Expr:
    """sum(·), diag(·): linear, so of a zero they give a zero (d sum(sign(X)) = sum(0) = 0)."""
    if is_zero(x):
        return zero(node_type.shape_of(x))
    return node_type(x)


def mk_inverse(x: ir.Expr) -> ir.Expr:
    if isinstance(x, ir.Inverse):
        return x.arg
    if isinstance(x, ir.Identity):
        return x
    return ir.Inverse(x)


_BUILDERS = {
    ir.Vec: lambda e, k: mk_vec(k[0]),
    ir.Kron: lambda e, k: mk_kron(*k),
    ir.Add: lambda e, k: mk_add(k),
    ir.MatMul: lambda e, k: mk_mul(k),
    ir.Hadamard: lambda e, k: mk_hadamard(k),
    ir.Neg: lambda e, k: mk_neg(k[0]),
    ir.Transpose: lambda e, k: mk_transpose(k[0]),
    ir.Pow: lambda e, k: mk_pow(*k),
    ir.ElemPow: lambda e, k: mk_elempow(*k),
    ir.MatPow: lambda e, k: mk_matpow(*k),
    ir.Trace: lambda e, k: mk_trace(k[0]),
    ir.Inverse: lambda e, k: mk_inverse(k[0]),
    ir.SumAll: lambda e, k: mk_linear(ir.SumAll, k[0]),
    ir.DiagMatrix: lambda e, k: mk_linear(ir.DiagMatrix, k[0]),
    ir.DiagVector: lambda e, k: mk_linear(ir.DiagVector, k[0]),
}


# the smart constructors called without the lambda above (a call less for every node rebuilt):
# those of the operands' list, and those of the one operand
_BY_KIDS: dict[type, Callable] = {ir.Add: mk_add, ir.MatMul: mk_mul, ir.Hadamard: mk_hadamard}
_BY_ARG: dict[type, Callable] = {
    ir.Vec: mk_vec,
    ir.Neg: mk_neg,
    ir.Transpose: mk_transpose,
    ir.Trace: mk_trace,
    ir.Inverse: mk_inverse,
}


def rebuild(node: ir.Expr, kids: list) -> ir.Expr:
    """``node`` with new children, through its smart constructor when it has one."""
    kind = type(node)
    make = _BY_KIDS.get(kind)
    if make is not None:
        return make(kids)
    make = _BY_ARG.get(kind)
    if make is not None:
        return make(kids[0])
    build = _BUILDERS.get(kind)
    return build(node, kids) if build else node.with_children(kids)


def rebuild_then(e: ir.Expr, post) -> ir.Expr:
    """``e`` rebuilt bottom-up, each distinct node once: a node whose children changed through its
    smart constructor, then every node with children passed to ``post`` (node -> node)."""

    def build(node, kids):
        return post(node if all(a is b for a, b in zip(kids, node.children())) else rebuild(node, kids))

    return ir.rebuild_bottom_up(e, None, build)


def tidy(e: ir.Expr) -> ir.Expr:
    """Rebuild bottom-up through the smart constructors, each distinct node once; what tidy
    returned once is not redone (the leaves and tidied children taken as they are without a
    call, so a long product of names is one pass over its factors). The same node tidied again
    right after (the function a derivation starts from: by the work check, then by the
    differential stage) is given the tree made the first time."""
    if e._tidy:
        return e
    global _last_tidied
    last = _last_tidied
    if last[0] is e:
        return last[1]
    memo: dict = {}

    def go(node):  # a node not tidied: ir.rebuild_bottom_up's pass, with the build written in
        key = id(node)
        out = memo.get(key)
        if out is not None:
            return out
        kids = node._kids  # children(), without the call once they are known
        if kids is None:
            kids = node.children()
        if not kids:
            return node
        new = [k if k._tidy or k._kids == () else go(k) for k in kids]  # a leaf's are known: ()
        out = rebuild(node, new) if type(node) in _BUILDERS else ir.with_new_children(node, new)
        _SET_TIDY(out, True)  # the smart constructors' output is in normal form
        memo[key] = out
        return out

    try:
        out = go(e)
    finally:  # go refers to itself: a cycle that would keep the memo alive until a collection
        go = None  # type: ignore[assignment]
    _last_tidied = (e, out)  # one pair, read and replaced whole: safe between threads
    return out


# the last expression tidied that was not tidied already, and what tidy made of it (both kept alive)
_last_tidied: tuple = (None, None)
_SET_TIDY = ir.Expr.__dict__["_tidy"].__set__
