"""The trace stage: from df (linear in dX) to df = tr(G dX), one trace trick per step.

Each term is kept as (number, scalar coefficients, core) with dX only in the core. The tricks
(seed 000): a scalar equals its trace, linearity, tr(Aᵀ) = tr(A), tr(AB) = tr(BA) and
tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀC), plus the ones that unwrap sum and diag. For a vector variable the
trace of a 1×1 product is not shown (df = gᵀdx), as the seeds write it; for a scalar variable dx
simply factors out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from matdiff_magic.derivation.quoting import QuotingError, differential_text
from matdiff_magic.derivation.simplify import collect, prefer_positive, push_transposes
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_hadamard,
    mk_kron,
    mk_mul,
    mk_neg,
    mk_trace,
    mk_transpose,
    mk_vec,
    split_coef,
    tidy,
    with_coef,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.kron import trace_of_kron

DISTRIBUTE = Identity(
    "distribute",
    r"A(B + C) = AB + AC,\ \operatorname{tr}(A + B) = \operatorname{tr}(A) + \operatorname{tr}(B)",
)
SCALAR_TRACE = Identity("scalar equals its trace", r"a = \operatorname{tr}(a)")
PULL_SCALAR = Identity("linearity", r"\operatorname{tr}(cA) = c\operatorname{tr}(A) \text{ for a scalar } c")
TRANSPOSE_TRICK = Identity("transpose", r"\operatorname{tr}(A^{T}) = \operatorname{tr}(A)")
SCALAR_TRANSPOSE = Identity("transpose of a scalar", r"a^{T} = a \text{ for a scalar } a")
CYCLIC = Identity("cyclic property", r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", cookbook="(16)")
SCALAR_COMMUTE = Identity(
    "scalars commute",
    r"(\boldsymbol{u}^{T}\mathrm{d}\boldsymbol{x})\,c = c\,\boldsymbol{u}^{T}\mathrm{d}\boldsymbol{x} \text{ for a scalar } c",
)
SUM_TRICK = Identity("sum as a trace", r"\operatorname{sum}(A) = \operatorname{tr}(\mathbf{1}^{T}A)")
FACTOR_SCALAR = Identity(
    "factor out dx", r"\mathrm{d}f = g\,\mathrm{d}x \text{ when } \mathrm{d}x \text{ is a scalar}"
)
COMBINE = Identity(
    "linearity",
    r"\operatorname{tr}(A\,\mathrm{d}X) + \operatorname{tr}(B\,\mathrm{d}X) = \operatorname{tr}((A + B)\,\mathrm{d}X)",
)
COMBINE_VECTOR = Identity(
    "linearity",
    r"\boldsymbol{a}^{T}\mathrm{d}\boldsymbol{x} + \boldsymbol{b}^{T}\mathrm{d}\boldsymbol{x} = (\boldsymbol{a} + \boldsymbol{b})^{T}\mathrm{d}\boldsymbol{x}",
)

Record = Callable[..., None]  # record(identity, expr, focus=(), note="")


@dataclass
class Term:
    coef: Fraction
    scalars: tuple  # scalar factors free of dX
    core: ir.Expr  # holds dX

    def expr(self) -> ir.Expr:
        body = mk_mul(list(self.scalars) + [self.core]) if self.scalars else self.core
        return with_coef(self.coef, body)


def _sum(terms: list[Term]) -> ir.Expr:
    exprs = [t.expr() for t in terms]
    return exprs[0] if len(exprs) == 1 else ir.Add(exprs)


def _contains(e: ir.Expr, dX: ir.Expr) -> bool:
    """Whether dX occurs in e (dX is always d of a variable)."""
    return dX.arg.name in e.d_vars()  # type: ignore[attr-defined]  # dX: a D of a Var


def expand(e: ir.Expr, dX: ir.Expr) -> list[ir.Expr]:
    """The terms of e after distributing every product, trace, … over the sums that hold dX."""
    if not _contains(e, dX):
        return [e]
    if isinstance(e, ir.Add):
        return [t for term in e.terms for t in expand(term, dX)]
    if isinstance(e, ir.Neg):
        return [mk_neg(t) for t in expand(e.arg, dX)]
    if isinstance(e, (ir.MatMul, ir.Hadamard)):
        i = next(i for i, f in enumerate(e.factors) if _contains(f, dX))
        build = mk_mul if isinstance(e, ir.MatMul) else mk_hadamard
        return [build(e.factors[:i] + (t,) + e.factors[i + 1 :]) for t in expand(e.factors[i], dX)]
    if isinstance(e, ir.Transpose):
        return [mk_transpose(t) for t in expand(e.arg, dX)]
    if isinstance(e, ir.Trace):
        return [mk_trace(t) for t in expand(e.arg, dX)]
    if isinstance(e, (ir.SumAll, ir.DiagMatrix, ir.DiagVector, ir.Vec)):
        return [_pull_coef(type(e), t) for t in expand(e.arg, dX)]
    return [e]


def _pull_coef(node_type, t: ir.Expr) -> ir.Expr:
    c, rest = split_coef(t)
    return with_coef(c, mk_vec(cast(ir.Expr, rest)) if node_type is ir.Vec else node_type(rest))  # t holds dX


def decompose(e: ir.Expr, dX: ir.Expr) -> Term:
    coef, rest = split_coef(e)
    if isinstance(rest, ir.MatMul):
        scalars = [f for f in rest.factors if f.is_scalar and not _contains(f, dX)]
        others = [f for f in rest.factors if not (f.is_scalar and not _contains(f, dX))]
        if scalars and others:
            core = others[0] if len(others) == 1 else ir.MatMul(others)
            return Term(coef, tuple(scalars), core)
    return Term(coef, (), cast(ir.Expr, rest))  # e holds dX: rest is not None


def _factors(m: ir.Expr) -> list[ir.Expr]:
    return list(m.factors) if isinstance(m, ir.MatMul) else [m]


def _product(factors: list[ir.Expr]) -> ir.Expr:
    return factors[0] if len(factors) == 1 else mk_mul(factors)


def is_final(term: Term, dX: ir.Expr) -> bool:
    if dX.is_scalar:
        return term.core == dX
    if not isinstance(term.core, ir.Trace):
        return False
    fs = _factors(term.core.arg)
    return fs[-1] == dX and not any(_contains(f, dX) for f in fs[:-1])


def trace_stage(df: ir.Expr, wrt: ir.Var, record: Record) -> ir.Expr:
    """Run the trace tricks on df, recording each step; returns G with df = tr(G dX) (or g dx)."""
    dX = ir.D(wrt)
    vector = wrt.shape[1] == 1 and not wrt.is_scalar
    pieces = expand(df, dX)
    expanded = mk_add(pieces)
    if expanded != df:
        record(DISTRIBUTE, expanded, before=df)
    terms = [decompose(t, dX) for t in (expanded.terms if isinstance(expanded, ir.Add) else [expanded])]

    if wrt.is_scalar:
        return _factor_out_scalar(terms, dX, record)

    if any(not isinstance(t.core, ir.Trace) for t in terms):
        for t in terms:
            if not isinstance(t.core, ir.Trace):
                t.core = ir.Trace(t.core)
        if not vector:  # for a vector the trace of the scalar is not shown
            record(SCALAR_TRACE, _sum(terms), focus=tuple(t.core for t in terms))

    guard = 0
    while True:
        pending = [t for t in terms if not is_final(t, dX)]
        if not pending:
            break
        guard += 1
        if guard > 500:
            raise MatdiffError(
                "the trace tricks did not bring dX to the right; this expression is "
                "beyond what the derivation engine handles"
            )
        _one_trick(pending[0], terms, dX, vector, record)

    return _combine(terms, dX, vector, record)


def _one_trick(term: Term, terms: list[Term], dX: ir.Expr, vector: bool, record: Record) -> None:
    core = term.core
    if not isinstance(core, ir.Trace):
        term.core = ir.Trace(core)
        return
    fs = _factors(core.arg)
    free_scalars = [f for f in fs if f.is_scalar and not _contains(f, dX)]
    if free_scalars and len(fs) > 1:
        rest = [f for f in fs if not (f.is_scalar and not _contains(f, dX))]
        free_scalars = [ir.fresh(f) for f in free_scalars]
        term.scalars += tuple(free_scalars)
        term.core = ir.Trace(_product(rest))
        record(PULL_SCALAR, _sum(terms), focus=tuple(free_scalars))
        return
    i = next(i for i, f in enumerate(fs) if _contains(f, dX))
    F = fs[i]
    scalar_view = vector and core.arg.is_scalar
    if isinstance(F, ir.Transpose):
        new = (
            mk_mul([F.arg if j == i else mk_transpose(f) for j, f in reversed(list(enumerate(fs)))])
            if len(fs) > 1
            else F.arg
        )
        term.core = ir.Trace(new)
        record(SCALAR_TRANSPOSE if scalar_view else TRANSPOSE_TRICK, _sum(terms), focus=(term.core,))
        return
    if F.is_scalar:
        others = fs[:i] + fs[i + 1 :]
        if others:
            product = _product(others)
            term.scalars += (mk_trace(product) if not product.is_scalar else product,)
            term.core = F
            record(PULL_SCALAR, _sum(terms), focus=(F,))
        elif isinstance(F, ir.Trace):
            term.core = F
        elif isinstance(F, ir.SumAll):
            ones = ir.Fill(1, (F.arg.shape[1], F.arg.shape[0]))
            term.core = ir.Trace(mk_mul([ones, F.arg]))
            record(SUM_TRICK, _sum(terms), focus=(term.core,))
        else:
            raise _cannot_move(F)
        return
    if i != len(fs) - 1:
        front = [ir.fresh(f) for f in fs[i + 1 :]]  # fresh, so only these occurrences are marked
        term.core = ir.Trace(mk_mul(front + fs[: i + 1]))
        note = lambda p: "move " + p.to_text(_product(front)) + " to the front"
        record(
            SCALAR_COMMUTE if scalar_view and _product(front).is_scalar else CYCLIC,
            _sum(terms),
            focus=tuple(front),
            note=note,
        )
        return
    _move_to_the_left(F, fs[:-1], term, terms, dX, record)


HADAMARD_TRICK = Identity(
    "Hadamard trick", r"\operatorname{tr}(A^{T}(B \odot C)) = \operatorname{tr}((A \odot B)^{T}C)"
)
DIAG_VECTOR_TRICK = Identity(
    "diagonal",
    r"\boldsymbol{a}^{T}\operatorname{diag}(B) = \operatorname{tr}(\operatorname{diag}(\boldsymbol{a})B)",
)
DIAG_MATRIX_TRICK = Identity(
    "diagonal",
    r"\operatorname{tr}(A\operatorname{diag}(\boldsymbol{v})) = \operatorname{diag}(A)^{T}\boldsymbol{v}",
)
KRON_VEC = Identity(
    "vec of a product", r"(B^{T} \otimes A)\operatorname{vec}(X) = \operatorname{vec}(AXB)", cookbook="(520)"
)
VEC_INNER = Identity(
    "vec inner product", r"\operatorname{vec}(A)^{T}\operatorname{vec}(B) = \operatorname{tr}(A^{T}B)"
)
VEC_INNER_RESHAPED = Identity(
    "vec inner product",
    r"\operatorname{vec}(A)^{T}\operatorname{vec}(B) = \operatorname{tr}(C^{T}B),\ "
    r"C = (\operatorname{vec}(I_{c})^{T} \otimes I_{r})(I_{c} \otimes \operatorname{vec}(A))"
    r"\text{ for an } r \times c \text{ matrix } B",
    cookbook="",
)
VEC_UNVEC = Identity(
    "vec inner product",
    r"\boldsymbol{a}^{T}\operatorname{vec}(B) = \operatorname{tr}(C^{T}B),\ "
    r"C = (\operatorname{vec}(I_{c})^{T} \otimes I_{r})(I_{c} \otimes \boldsymbol{a})"
    r"\text{ for an } r \times c \text{ matrix } B",
    cookbook="",
)


def _move_to_the_left(F: ir.Expr, left: list, term: Term, terms: list[Term], dX: ir.Expr, record) -> None:
    """tr(L F) with dX inside F, the last factor: move what wraps dX in F (a Hadamard product, a
    diag, a vec, a Kronecker product) into the factor on its left, one identity; a form none fits
    is refused."""
    if isinstance(F, ir.Hadamard):
        k = next(k for k, g in enumerate(F.factors) if _contains(g, dX))
        B = F.factors[k]
        cofactors = F.factors[:k] + F.factors[k + 1 :]
        A = cofactors[0] if len(cofactors) == 1 else ir.Hadamard(cofactors)
        Lt = mk_transpose(_product(left)) if left else ir.Identity((F.shape[0], F.shape[0]))
        moved: ir.Expr = ir.Transpose(mk_hadamard([Lt, A]))
        term.core = ir.Trace(mk_mul([moved, B]))
        record(HADAMARD_TRICK, _sum(terms), focus=(moved,))
        return
    if isinstance(F, ir.DiagVector) and left:
        moved = ir.DiagMatrix(mk_transpose(_product(left)))
        term.core = ir.Trace(mk_mul([moved, F.arg]))
        record(DIAG_VECTOR_TRICK, _sum(terms), focus=(moved,))
        return
    if isinstance(F, ir.DiagMatrix):
        moved = ir.Transpose(ir.DiagVector(_product(left))) if left else ir.Fill(1, (1, F.arg.shape[0]))
        term.core = ir.Trace(mk_mul([moved, F.arg]))
        record(DIAG_MATRIX_TRICK, _sum(terms), focus=(moved,))
        return
    if isinstance(F, ir.Kron) and not (_contains(F.left, dX) and _contains(F.right, dX)):
        G, M, identity = trace_of_kron(_product(left) if left else None, F, lambda e: _contains(e, dX))
        term.core = ir.Trace(mk_mul([G, M]))
        record(identity, _sum(terms), focus=(G,))
        return
    if (
        isinstance(F, ir.Vec)
        and left
        and isinstance(left[-1], ir.Kron)
        and F.arg.shape == (left[-1].right.shape[1], left[-1].left.shape[1])
    ):
        P, Q = left[-1].left, left[-1].right
        moved = ir.Vec(mk_mul([Q, F.arg, mk_transpose(P)]))
        term.core = ir.Trace(mk_mul(left[:-1] + [moved]))
        record(KRON_VEC, _sum(terms), focus=(moved,))
        return
    if isinstance(F, ir.Vec) and left:
        _read_vec_inner(F, left, term, terms, record)
        return
    raise _cannot_move(F)


def _read_vec_inner(F: ir.Vec, left: list, term: Term, terms: list[Term], record: Record) -> None:
    """tr(L vec(B)) with L a row of r·c entries and B r×c: aᵀ vec(B) = tr(unvec(a)ᵀ B) for a = Lᵀ.
    With a = vec(A) and A of B's shape, unvec(a) is A itself; otherwise a's entries in B's shape,
    column-major, written (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ a) (Magnus & Neudecker)."""
    row = _product(left)
    if isinstance(row, ir.Transpose) and isinstance(row.arg, ir.Vec) and row.arg.arg.shape == F.arg.shape:
        term.core = ir.Trace(mk_mul([mk_transpose(row.arg.arg), F.arg]))
        record(VEC_INNER, _sum(terms), focus=(term.core,))
        return
    a, (r, c) = push_transposes(mk_transpose(row)), F.arg.shape
    if c == 1 or r == 1:  # B a column or a row: unvec(a) is a or aᵀ
        C = a if c == 1 else mk_transpose(a)
    else:
        vec_eye = ir.Vec(ir.Identity((c, c)))
        C = mk_mul([mk_kron(mk_transpose(vec_eye), ir.Identity((r, r))), mk_kron(ir.Identity((c, c)), a)])
    term.core = ir.Trace(mk_mul([mk_transpose(C), F.arg]))
    reshaped = isinstance(row, ir.Transpose) and isinstance(row.arg, ir.Vec)
    record(VEC_INNER_RESHAPED if reshaped else VEC_UNVEC, _sum(terms), focus=(term.core,))


def _factor_out_scalar(terms: list[Term], dx: ir.Expr, record: Record) -> ir.Expr:
    if all(t.core == dx for t in terms) and len(terms) == 1:
        return _coefficient(terms[0], [])
    gs = []
    for t in terms:
        g = tidy(ir.replace(t.core, {dx: ir.Const(1)}))
        gs.append(with_coef(t.coef, mk_mul(list(t.scalars) + [g]) if t.scalars else g))
    g = _tidy_sum(gs)
    record(FACTOR_SCALAR, mk_mul([g, dx]) if not isinstance(g, ir.Add) else ir.MatMul([g, dx]), focus=(dx,))
    return g


def _coefficient(term: Term, extra: list) -> ir.Expr:
    body = list(term.scalars) + extra
    return with_coef(term.coef, _product(body) if body else ir.Const(1))


def _tidy_sum(gs: list[ir.Expr]) -> ir.Expr:
    g = collect(tidy(mk_add(gs)))
    return mk_add([prefer_positive(t) for t in g.terms]) if isinstance(g, ir.Add) else prefer_positive(g)


def _combine(terms: list[Term], dX: ir.Expr, vector: bool, record: Record) -> ir.Expr:
    """Σ c_k tr(G_k dX) = tr(G dX): collect the terms and return G."""
    gs = []
    for t in terms:
        left = _factors(cast(ir.Trace, t.core).arg)[:-1]  # the cores are traces by now
        n = dX.shape[1]
        gk = _product(left) if left else ir.Identity((n, n))
        if gk.is_scalar and not dX.is_scalar:  # tr(s dX) = tr(s I dX): G is s I, not s
            gk = mk_mul(left + [ir.Identity((n, n))])
        gs.append(with_coef(t.coef, mk_mul(list(t.scalars) + [gk]) if t.scalars else gk))
    G = _tidy_sum(gs)
    if len(terms) > 1 or terms[0].scalars or terms[0].coef != 1 or gs[0] != G:
        final = ir.Trace(ir.MatMul([G, dX]) if isinstance(G, ir.Add) else mk_mul([G, dX]))
        record(COMBINE_VECTOR if vector else COMBINE, final, focus=(G,))
    return G


def _cannot_move(F: ir.Expr) -> QuotingError:
    dX = _differential_in(F)
    return QuotingError(
        lambda p: f"cannot move {differential_text(p, dX) if dX is not None else 'dX'} out of {p.to_text(F)}",
        "cannot move the differential out of this expression",
        culprit=F,
    )


def _differential_in(e: ir.Expr) -> ir.Expr | None:
    """The differential dX (or dx) that e holds, if any."""
    if isinstance(e, ir.D):
        return e
    return next((d for d in map(_differential_in, e.children()) if d is not None), None)
