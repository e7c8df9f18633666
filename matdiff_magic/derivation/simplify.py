"""Normal forms. ``tidy`` is the light clean-up run after every step (flatten, drop zeros, fold
numbers, cancel scalar powers); ``simplify`` is the full one used on results (also push transposes
inside, use symmetry, collect like terms, prefer Xβ − y over −(y − Xβ)).

The ``mk_*`` functions are smart constructors: they build a node already tidied.
"""
from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir

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
        return -c, rest
    if isinstance(e, ir.MatMul) and isinstance(e.factors[0], ir.Const):
        rest = e.factors[1:]
        return e.factors[0].value, rest[0] if len(rest) == 1 else ir.MatMul(rest)
    return Fraction(1), e


def with_coef(c: Fraction, rest: ir.Expr | None, shape=ir.SCALAR) -> ir.Expr:
    if rest is None:
        return ir.Const(c)
    if c == 0:
        return zero(rest.shape)
    if c == 1:
        return rest
    if c == -1:
        return ir.Neg(rest)
    if c < 0:
        return ir.Neg(mk_mul([ir.Const(-c), rest]))
    factors = rest.factors if isinstance(rest, ir.MatMul) else (rest,)
    return ir.MatMul((ir.Const(c),) + tuple(factors))


def _is_group(e: ir.Expr) -> bool:
    """A 1×1 product of non-scalars (aᵀx): it stays whole inside a longer chain."""
    return isinstance(e, ir.MatMul) and e.is_scalar and not all(f.is_scalar for f in e.factors)


# ---- smart constructors ------------------------------------------------------------------------
def mk_neg(x: ir.Expr) -> ir.Expr:
    if is_zero(x):
        return x
    if isinstance(x, ir.Neg):
        return x.arg
    if isinstance(x, ir.Const):
        return ir.Const(-x.value)
    c, rest = split_coef(x)
    if c < 0:
        return with_coef(-c, rest)
    return ir.Neg(x)


def mk_add(terms) -> ir.Expr:
    flat: list[ir.Expr] = []
    shape = None
    for t in terms:
        shape = shape or t.shape
        if isinstance(t, ir.Add):
            flat.extend(t.terms)
        elif isinstance(t, ir.Neg) and isinstance(t.arg, ir.Add):
            flat.extend(mk_neg(u) for u in t.arg.terms)
        elif not is_zero(t):
            flat.append(t)
    if not flat:
        return zero(shape)
    return flat[0] if len(flat) == 1 else ir.Add(flat)


def mk_mul(factors) -> ir.Expr:
    """Product chain: numbers folded into one leading coefficient, signs pulled out, scalar powers
    of the same base combined (|Σ|⁻¹|Σ| = 1), other scalars moved before the matrices."""
    factors = list(factors)
    shape = ir.chain_shape(factors)
    coef = Fraction(1)
    scalars: dict = {}     # base -> exponent (Fraction or Expr)
    chain: list[ir.Expr] = []
    stack = list(reversed(factors))
    while stack:
        f = stack.pop()
        if is_zero(f):
            return zero(shape)
        if isinstance(f, ir.Neg):
            coef = -coef
            stack.append(f.arg)
        elif isinstance(f, ir.Const):
            coef *= f.value
        elif isinstance(f, ir.MatMul) and not _is_group(f):
            stack.extend(reversed(f.factors))
        elif f.is_scalar and not _is_group(f):
            base, e = (f.base, f.exponent) if isinstance(f, ir.Pow) else (f, ir.Const(1))
            if base in scalars and isinstance(e, ir.Const) and isinstance(scalars[base], ir.Const):
                scalars[base] = ir.Const(scalars[base].value + e.value)
            elif base in scalars:
                chain.append(f)  # symbolic exponents are left alone
            else:
                scalars[base] = e
        else:
            chain.append(f)
    scalar_factors = []
    for base, e in scalars.items():
        if isinstance(e, ir.Const) and e.value == 0:
            continue
        scalar_factors.append(base if isinstance(e, ir.Const) and e.value == 1 else mk_pow(base, e))
    groups = [f for f in chain if _is_group(f)]
    mats = [f for f in chain if not _is_group(f)]
    if len(mats) > 1 or (mats and not isinstance(mats[0], ir.Identity)):
        kept = [m for m in mats if not isinstance(m, ir.Identity)]
        mats = kept if kept and ir.chain_shape(kept) == _chain_shape_or(mats) else mats
    body = scalar_factors + groups + mats
    if not body:
        return ir.Const(coef)
    rest = body[0] if len(body) == 1 else ir.MatMul(body)
    if rest.shape != shape:  # only scalars left where the chain was a matrix: keep an identity
        rest = ir.MatMul(body + [ir.Identity((shape[0], shape[0]))]) if shape[0] == shape[1] else rest
    return with_coef(coef, rest)


def _chain_shape_or(mats):
    try:
        return ir.chain_shape(mats)
    except ValueError:
        return None


def mk_hadamard(factors) -> ir.Expr:
    flat, coef = [], Fraction(1)
    for f in factors:
        c, rest = split_coef(f)
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
    if coef == 0:
        return zero(factors[0].shape)
    if flat and flat[0].is_scalar:
        return with_coef(coef, mk_mul(flat))
    flat = _merge_powers(flat)
    kept = [f for f in flat if not (isinstance(f, ir.Fill) and f.value == 1)]
    if not kept:
        kept = flat[:1]
    body = kept[0] if len(kept) == 1 else ir.Hadamard(kept)
    return with_coef(coef, body)


def _merge_powers(factors: list) -> list:
    """A^∘p ⊙ A^∘q = A^∘(p+q) for numeric exponents (σ^∘-1 ⊙ σ = 𝟏), first-appearance order."""
    if not any(isinstance(f, ir.ElemPow) for f in factors) and len({hash(f) for f in factors}) == len(factors):
        return factors   # nothing to combine (the common case)
    bases: dict = {}
    order = []
    for f in factors:
        base, e = (f.base, f.exponent.value) if isinstance(f, ir.ElemPow) and isinstance(f.exponent, ir.Const) \
            else (f, Fraction(1))
        if base not in bases:
            order.append(base)
            bases[base] = Fraction(0)
        bases[base] += e
    if len(order) == len(factors):
        return factors
    out = [mk_elempow(b, ir.Const(bases[b])) for b in order if bases[b] != 0]
    return out or [ir.Fill(1, factors[0].shape)]


def mk_transpose(x: ir.Expr) -> ir.Expr:
    if isinstance(x, ir.Transpose):
        return x.arg
    if isinstance(x, ir.Zero):
        return ir.Zero((x.shape[1], x.shape[0]))
    if isinstance(x, ir.Identity) or (isinstance(x, ir.Var) and (x.symmetric or x.is_scalar)):
        return x
    if isinstance(x, ir.Fill):
        return ir.Fill(x.value, (x.shape[1], x.shape[0]))
    if isinstance(x, ir.Neg):
        return mk_neg(mk_transpose(x.arg))
    if x.is_scalar and isinstance(x, SCALAR_ATOMS):
        return x
    if _symmetric(x):
        return x
    if isinstance(x, ir.MatMul) and isinstance(x.factors[0], ir.Const):
        c, rest = split_coef(x)
        return with_coef(c, mk_transpose(rest))
    if isinstance(x, ir.Kron):
        return ir.Kron(mk_transpose(x.left), mk_transpose(x.right))
    if isinstance(x, ir.Commutation):
        return ir.Commutation(x.cols, x.rows)
    return ir.Transpose(x)


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
        return with_coef(ca * cb, ir.Kron(ra, rb))
    return ir.Kron(a, b)


def mk_pow(base: ir.Expr, exponent: ir.Expr) -> ir.Expr:
    if isinstance(exponent, ir.Const):
        v = exponent.value
        if v == 1:
            return base
        if v == 0:
            return ir.Const(1)
        if isinstance(base, ir.Const) and v.denominator == 1 and (base.value != 0 or v > 0) \
                and abs(v) <= 64 and _bits(base.value) * abs(v) <= MAX_FOLD_BITS:
            return ir.Const(base.value ** int(v))
        if isinstance(base, ir.Pow) and isinstance(base.exponent, ir.Const) \
                and powers_compose(base.exponent.value, v):
            return mk_pow(base.base, ir.Const(base.exponent.value * v))
    return ir.Pow(base, exponent)


MAX_FOLD_BITS = 4096   # c^k is folded into one number only while it stays this small


def _bits(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length())


def powers_compose(a: Fraction, b: Fraction) -> bool:
    """(x^a)^b = x^(ab) wherever the left side is defined, except when x^a is even in x and b is
    not a whole number: (x^2)^(1/2) = |x|, not x."""
    return b.denominator == 1 or not (a.denominator == 1 and a.numerator % 2 == 0)


def mk_elempow(base: ir.Expr, exponent: ir.Expr) -> ir.Expr:
    if base.is_scalar:
        return mk_pow(base, exponent)
    if isinstance(exponent, ir.Const) and exponent.value == 1:
        return base
    if isinstance(exponent, ir.Const) and exponent.value == 0:
        return ir.Fill(1, base.shape)
    if isinstance(base, ir.ElemPow) and isinstance(base.exponent, ir.Const) and isinstance(exponent, ir.Const) \
            and powers_compose(base.exponent.value, exponent.value):
        return mk_elempow(base.base, ir.Const(base.exponent.value * exponent.value))
    return ir.ElemPow(base, exponent)


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
    ir.Trace: lambda e, k: mk_trace(k[0]),
    ir.Inverse: lambda e, k: mk_inverse(k[0]),
    ir.SumAll: lambda e, k: mk_linear(ir.SumAll, k[0]),
    ir.DiagMatrix: lambda e, k: mk_linear(ir.DiagMatrix, k[0]),
    ir.DiagVector: lambda e, k: mk_linear(ir.DiagVector, k[0]),
}


def rebuild(node: ir.Expr, kids: list) -> ir.Expr:
    """``node`` with new children, through its smart constructor when it has one."""
    build = _BUILDERS.get(type(node))
    return build(node, kids) if build else node.with_children(kids)


def tidy(e: ir.Expr) -> ir.Expr:
    """Rebuild bottom-up through the smart constructors; what tidy returned once is not redone."""
    memo: dict = {}

    def go(node):
        if node._tidy:
            return node
        if id(node) in memo:
            return memo[id(node)]
        kids = node.children()
        if not kids:
            return node
        new = [go(k) for k in kids]
        build = _BUILDERS.get(type(node))
        if build:
            out = build(node, new)
        elif all(a is b for a, b in zip(new, kids)):
            out = node
        else:
            out = node.with_children(new)
        memo[id(node)] = out
        object.__setattr__(out, "_tidy", True)   # the smart constructors' output is in normal form
        return out

    return go(e)


# ---- full simplification -----------------------------------------------------------------------
def push_transposes(e: ir.Expr) -> ir.Expr:
    """(AB)ᵀ = BᵀAᵀ, (aᵀx)ᵀ = aᵀx, X⁻ᵀ of a symmetric X = X⁻¹, down to the leaves.

    A transposed sum is split, (A + B)ᵀ = Aᵀ + Bᵀ, only at the top of the expression: inside a
    product (Xβ − y)ᵀ reads better than βᵀXᵀ − yᵀ.
    """
    memo: dict = {}

    def go(node, transposed: bool, top: bool):
        key = (id(node), transposed, top)
        if key not in memo:
            memo[key] = (push(node, transposed, top), node)
        return memo[key][0]

    def push(node, transposed: bool, top: bool):
        if isinstance(node, ir.Transpose):
            return go(node.arg, not transposed, top)
        if not transposed:
            kids = node.children()
            if not kids:
                return node
            keep_top = top and isinstance(node, (ir.Add, ir.Neg))
            new = [go(k, False, keep_top) for k in kids]
            if all(a is b for a, b in zip(new, kids)):
                return node
            return _BUILDERS.get(type(node), lambda n, k: n.with_children(k))(node, new)
        if node.is_scalar and not isinstance(node, ir.Hadamard):
            return go(node, False, top)  # a scalar is its own transpose
        if isinstance(node, ir.MatMul):
            # scalars commute: keep their order, reverse only the matrices
            scalars = [go(f, False, False) for f in node.factors if f.is_scalar]
            return mk_mul(scalars + [go(f, True, False) for f in reversed(node.factors) if not f.is_scalar])
        if isinstance(node, ir.Add):
            if top:
                return mk_add([go(t, True, True) for t in node.terms])
            return mk_transpose(go(node, False, False))
        if isinstance(node, ir.Neg):
            return mk_neg(go(node.arg, True, top))
        if isinstance(node, ir.Inverse):
            inner = go(node.arg, False, False)
            return mk_inverse(inner) if _symmetric(inner) else ir.Transpose(mk_inverse(inner))
        if _symmetric(node):
            return go(node, False, top)
        return mk_transpose(go(node, False, False))

    return go(e, False, True)


def _symmetric(e: ir.Expr) -> bool:
    """Known symmetric: declared symmetric, I, diag(v), AᵀA, AAᵀ, XᵀSX, sums and inverses of those."""
    if isinstance(e, ir.Var):
        return e.symmetric or e.is_scalar
    if isinstance(e, (ir.Identity, ir.DiagMatrix)):
        return True
    if isinstance(e, ir.Fill):
        return e.shape[0] == e.shape[1]
    if isinstance(e, (ir.Inverse, ir.Neg)):
        return _symmetric(e.arg)
    if isinstance(e, ir.Add):
        return all(_symmetric(t) for t in e.terms)
    if isinstance(e, ir.MatMul) and e.shape[0] == e.shape[1]:
        mats = [f for f in e.factors if not f.is_scalar]
        k = len(mats)
        for i in range(k // 2):
            mirror = mats[k - 1 - i]
            if mats[i] != _plain_transpose(mirror) and not (_symmetric(mirror) and mats[i] == mirror):
                return False
        return k % 2 == 0 or _symmetric(mats[k // 2])
    return False


def _plain_transpose(x: ir.Expr) -> ir.Expr:
    return x.arg if isinstance(x, ir.Transpose) else ir.Transpose(x)


def canon(e: ir.Expr, memo: dict | None = None):
    """A key equal for expressions that differ only in the order of commuting operands (⊙, +)."""
    memo = {} if memo is None else memo
    if id(e) in memo:
        return memo[id(e)][0]
    kids = e.children()
    if not kids:
        out = e.key()
    else:
        keys = [canon(k, memo) for k in kids]
        if isinstance(e, (ir.Hadamard, ir.Add)):
            keys.sort(key=hash)
        out = (type(e).__name__,) + tuple(getattr(e, a) for a in e._attrs) + tuple(keys)
    memo[id(e)] = (out, e)   # keep e alive while its id is a key
    return out


# nodes that are linear in each child: P[c₁A] + P[c₂B] = P[c₁A + c₂B]
LINEAR = (ir.MatMul, ir.Hadamard, ir.Transpose, ir.Trace, ir.DiagMatrix, ir.DiagVector, ir.Vec,
          ir.SumAll, ir.Kron, ir.Neg)


def _hole(a: ir.Expr, b: ir.Expr):
    """The path to the one place where a and b differ under linear nodes; None when they differ
    elsewhere too (or not at all)."""
    if a == b:
        return None
    if type(a) is type(b) and isinstance(a, LINEAR) and a._attrs == b._attrs \
            and all(getattr(a, x) == getattr(b, x) for x in a._attrs):
        ka, kb = a.children(), b.children()
        if len(ka) == len(kb):
            diff = [i for i, (x, y) in enumerate(zip(ka, kb)) if x != y]
            if len(diff) == 1 and ka[diff[0]].shape == kb[diff[0]].shape:
                # the children differ, so the hole below is a path (possibly empty: the child itself)
                return (diff[0],) + (_hole(ka[diff[0]], kb[diff[0]]) or ())
    return ()


def _fill(e: ir.Expr, path: tuple, value: ir.Expr) -> ir.Expr:
    if not path:
        return value
    kids = list(e.children())
    kids[path[0]] = _fill(kids[path[0]], path[1:], value)
    return _BUILDERS.get(type(e), lambda n, k: n.with_children(k))(e, kids)


def _at(e: ir.Expr, path: tuple) -> ir.Expr:
    for i in path:
        e = e.children()[i]
    return e


def merge_common_context(e: ir.Expr) -> ir.Expr:
    """X Aᵀ + X A = X (Aᵀ + A); Xᵀdiag(u)X + Xᵀdiag(v)X = Xᵀdiag(u + v)X."""
    if not isinstance(e, ir.Add):
        return e
    terms = list(e.terms)
    for _ in range(len(terms) * len(terms)):
        merged = False
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                ci, ri = split_coef(terms[i])
                cj, rj = split_coef(terms[j])
                if ri is None or rj is None:
                    continue
                path = _hole(ri, rj)
                if not path:   # identical, or nothing in common around the difference
                    continue
                inner = collect(mk_add([with_coef(ci, _at(ri, path)), with_coef(cj, _at(rj, path))]))
                inner = merge_common_context(inner)
                terms[i] = _fill(ri, path, inner)
                del terms[j]
                merged = True
                break
            if merged:
                break
        if not merged:
            break
    return mk_add(terms)


def collect(e: ir.Expr) -> ir.Expr:
    """Collect like terms of every sum: 3A − A = 2A (operands of ⊙ and + in any order)."""
    memo: dict = {}
    canon_memo: dict = {}

    def go(node):
        key = id(node)
        if key not in memo:
            memo[key] = (_collect_node(node, go, canon_memo), node)   # keep node alive while its id is a key
        return memo[key][0]
    return go(e)


def _collect_node(node: ir.Expr, go, canon_memo: dict) -> ir.Expr:
    kids = node.children()
    if kids:
        new = [go(k) for k in kids]
        if not all(a is b for a, b in zip(new, kids)):
            node = rebuild(node, new)
    if not isinstance(node, ir.Add):
        return node
    groups: dict = {}
    first: dict = {}
    for t in node.terms:
        c, rest = split_coef(t)
        k = canon(rest, canon_memo) if rest is not None else None
        first.setdefault(k, rest)
        groups[k] = groups.get(k, Fraction(0)) + c
    terms = [with_coef(c, first[k]) for k, c in groups.items() if c != 0]
    return mk_add(terms or [zero(node.shape)])


def prefer_positive(e: ir.Expr) -> ir.Expr:
    """−c·(y − Xβ)·M  →  c·(Xβ − y)·M: absorb a minus sign into a difference, as textbooks do."""
    c, rest = split_coef(e)
    if c >= 0 or rest is None:
        return e
    factors = list(rest.factors) if isinstance(rest, ir.MatMul) else [rest]
    for i, f in enumerate(factors):
        inner, wrapped = (f.arg, True) if isinstance(f, ir.Transpose) else (f, False)
        if isinstance(inner, ir.Add) and len(inner.terms) == 2 and sum(
                isinstance(t, ir.Neg) or split_coef(t)[0] < 0 for t in inner.terms) == 1:
            flipped = mk_add([inner.terms[1] if not isinstance(inner.terms[1], ir.Neg) else inner.terms[1],
                              inner.terms[0]])
            flipped = mk_add([mk_neg(t) for t in inner.terms])
            flipped = ir.Add(sorted(flipped.terms, key=lambda t: isinstance(t, ir.Neg)))
            factors[i] = ir.Transpose(flipped) if wrapped else flipped
            body = factors[0] if len(factors) == 1 else ir.MatMul(factors)
            return with_coef(-c, body)
    return e


def simplify(e: ir.Expr) -> ir.Expr:
    out = tidy(push_transposes(tidy(e)))
    out = collect(out)
    out = merge_common_context(out)
    if isinstance(out, ir.Add):
        return mk_add([prefer_positive(t) for t in out.terms])
    return prefer_positive(out)
