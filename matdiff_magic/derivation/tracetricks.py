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

from matdiff_magic.derivation.movetricks import cannot_move, move_to_the_left
from matdiff_magic.derivation.rewrites import SCALAR_SUM
from matdiff_magic.derivation.simplify import collect, prefer_positive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_hadamard,
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


DISTRIBUTE = Identity(
    "distribute",
    r"A(B + C) = AB + AC,\ \operatorname{tr}(A + B) = \operatorname{tr}(A) + \operatorname{tr}(B)",
)
SCALAR_TRACE = Identity("scalar equals its trace", r"a = \operatorname{tr}(a)")


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

    # each trick moves a factor or unwraps a node around dX: bounded by the nodes of the terms,
    # counted only if the first 500 tricks do not do (a walk of every term, seldom needed)
    cores = [t.core for t in terms]
    limit, done = 500, 0
    plans: dict = {}  # a term's next trick, kept while the term waits for another identity's step
    while done < limit:
        pending = [t for t in terms if not is_final(t, dX)]
        if not pending:
            return _combine(terms, dX, vector, record)
        _one_trick(pending, terms, dX, vector, record, plans)
        done += 1
        if done == 500:
            limit += sum(1 for c in cores for _ in c.walk())
    raise MatdiffError(
        "the trace tricks did not bring dX to the right; this expression is "
        "beyond what the derivation engine handles"
    )


@dataclass
class Plan:
    """One trace trick on one term: the identity, the term's new scalars and core, what changed."""

    identity: Identity | None  # None: a step not shown (the trace of a core wrapped)
    scalars: tuple
    core: ir.Expr
    focus: tuple = ()
    note: Callable | None = None


def _one_trick(
    pending: list[Term], terms: list[Term], dX: ir.Expr, vector: bool, record: Record, plans: dict
) -> None:
    """The trick the first pending term needs, applied in one step to every pending term that
    needs that same identity ("cyclic property", applied to each term). ``plans``: id of a term
    -> (its core, its scalars, its plan), so that a term another identity's step passed over is
    not planned again (the same weights in every layer: half the terms wait at each step)."""

    def planned(term: Term) -> Plan:
        hit = plans.get(id(term))
        if hit is not None and hit[0] is term.core and hit[1] is term.scalars:
            return hit[2]
        plan = _plan(term, dX, vector)
        plans[id(term)] = (term.core, term.scalars, plan)
        return plan

    first = planned(pending[0])
    group = [(pending[0], first)]
    if first.identity is not None:
        group += [(t, p) for t in pending[1:] if (p := planned(t)).identity == first.identity]
    for term, plan in group:
        term.scalars, term.core = plan.scalars, plan.core
    if first.identity is None:
        return
    notes = [plan.note for _, plan in group if plan.note is not None]
    note = (lambda p: "; ".join(dict.fromkeys(n(p) for n in notes))) if notes else ""
    focus = tuple(n for _, plan in group for n in plan.focus)
    record(first.identity, _sum(terms), focus=focus, **({"note": note} if notes else {}))


PULL_SCALAR = Identity("linearity", r"\operatorname{tr}(cA) = c\operatorname{tr}(A) \text{ for a scalar } c")


def _plan(term: Term, dX: ir.Expr, vector: bool) -> Plan:
    """The next trick for ``term`` (not applied): bring dX to the right of tr(G dX)."""
    core, scalars = term.core, term.scalars
    if not isinstance(core, ir.Trace):
        return Plan(None, scalars, ir.Trace(core))
    fs = _factors(core.arg)
    free_scalars = [f for f in fs if f.is_scalar and not _contains(f, dX)]
    if free_scalars and len(fs) > 1:
        rest = [f for f in fs if not (f.is_scalar and not _contains(f, dX))]
        free_scalars = [ir.fresh(f) for f in free_scalars]
        return Plan(PULL_SCALAR, scalars + tuple(free_scalars), ir.Trace(_product(rest)), tuple(free_scalars))
    i = next(i for i, f in enumerate(fs) if _contains(f, dX))
    F = fs[i]
    scalar_view = vector and core.arg.is_scalar
    if isinstance(F, ir.Transpose):
        return _transpose_plan(fs, i, scalars, scalar_view)
    if F.is_scalar:
        return _scalar_plan(fs, i, scalars)
    if i != len(fs) - 1:
        return _cyclic_plan(fs, i, scalars, scalar_view)
    identity, core, focus = move_to_the_left(F, fs[:-1], dX)
    return Plan(identity, scalars, core, focus)


TRANSPOSE_TRICK = Identity("transpose", r"\operatorname{tr}(A^{T}) = \operatorname{tr}(A)")
SCALAR_TRANSPOSE = Identity("transpose of a scalar", r"a^{T} = a \text{ for a scalar } a")


def _transpose_plan(fs: list[ir.Expr], i: int, scalars: tuple, scalar_view: bool) -> Plan:
    """tr(A Fᵀ B) = tr(Bᵀ F Aᵀ) for the factor Fᵀ that holds dX."""
    F = cast(ir.Transpose, fs[i])
    new = (
        mk_mul([F.arg if j == i else mk_transpose(f) for j, f in reversed(list(enumerate(fs)))])
        if len(fs) > 1
        else F.arg
    )
    core = ir.Trace(new)
    return Plan(SCALAR_TRANSPOSE if scalar_view else TRANSPOSE_TRICK, scalars, core, (core,))


SUM_TRICK = Identity("sum as a trace", r"\operatorname{sum}(A) = \operatorname{tr}(\mathbf{1}^{T}A)")


def _scalar_plan(fs: list[ir.Expr], i: int, scalars: tuple) -> Plan:
    """The factor that holds dX is a scalar: the other factors come out of the trace, then a trace
    is unwrapped and a sum written as a trace."""
    F = fs[i]
    others = fs[:i] + fs[i + 1 :]
    if others:
        product = _product(others)
        pulled = mk_trace(product) if not product.is_scalar else product
        return Plan(PULL_SCALAR, scalars + (pulled,), F, (F,))
    if isinstance(F, ir.Trace):
        return Plan(None, scalars, F)
    if isinstance(F, ir.SumAll) and F.arg.is_scalar:  # sum(a) = a: no 1×1 𝟏 is written
        core = ir.Trace(F.arg)
        return Plan(SCALAR_SUM, scalars, core, (core,))
    if isinstance(F, ir.SumAll):
        ones = ir.Fill(1, (F.arg.shape[1], F.arg.shape[0]))
        core = ir.Trace(mk_mul([ones, F.arg]))
        return Plan(SUM_TRICK, scalars, core, (core,))
    raise cannot_move(F)


CYCLIC = Identity("cyclic property", r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", cookbook="(16)")
SCALAR_COMMUTE = Identity(
    "scalars commute",
    r"(\boldsymbol{u}^{T}\mathrm{d}\boldsymbol{x})\,c = c\,\boldsymbol{u}^{T}\mathrm{d}\boldsymbol{x} \text{ for a scalar } c",
)


def _cyclic_plan(fs: list[ir.Expr], i: int, scalars: tuple, scalar_view: bool) -> Plan:
    """tr(A F B) = tr(B A F): the factors after the one that holds dX move to the front."""
    front = [ir.fresh(f) for f in fs[i + 1 :]]  # fresh, so only these occurrences are marked
    moved = _product(front)
    identity = SCALAR_COMMUTE if scalar_view and moved.is_scalar else CYCLIC
    note = lambda p: "move " + p.to_text(moved) + " to the front"
    return Plan(identity, scalars, ir.Trace(mk_mul(front + fs[: i + 1])), tuple(front), note)


FACTOR_SCALAR = Identity(
    "factor out dx", r"\mathrm{d}f = g\,\mathrm{d}x \text{ when } \mathrm{d}x \text{ is a scalar}"
)


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


COMBINE = Identity(
    "linearity",
    r"\operatorname{tr}(A\,\mathrm{d}X) + \operatorname{tr}(B\,\mathrm{d}X) = \operatorname{tr}((A + B)\,\mathrm{d}X)",
)
COMBINE_VECTOR = Identity(
    "linearity",
    r"\boldsymbol{a}^{T}\mathrm{d}\boldsymbol{x} + \boldsymbol{b}^{T}\mathrm{d}\boldsymbol{x} = (\boldsymbol{a} + \boldsymbol{b})^{T}\mathrm{d}\boldsymbol{x}",
)


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
        # one term: only its number or scalars move, into the trace (c tr(A dX) = tr(c A dX)) or
        # in front of uᵀdx; two or more: they are collected
        if len(terms) == 1:
            identity = SCALAR_COMMUTE if vector else PULL_SCALAR
        else:
            identity = COMBINE_VECTOR if vector else COMBINE
        final, focus = _coloured_run(final, G)
        record(identity, final, focus=focus)
    return G


def _coloured_run(final: ir.Trace, G: ir.Expr) -> tuple[ir.Trace, tuple]:
    """tr(G dX) and what to colour in it: G, or when the product took G's factors in (tr(2 B Pᵀ A
    dX)), that run of factors, each a node of its own there (a variable in it is coloured in the
    run, not wherever else the line writes it)."""
    inner = final.arg
    k = len(G.children())
    if (
        not isinstance(G, ir.MatMul)
        or not isinstance(inner, ir.MatMul)
        or not all(
            a is b or (not a.children() and a == b) for a, b in zip(inner.children()[:k], G.children())
        )
    ):
        return final, (G,)
    run = [ir.distinct_copy(f) for f in inner.children()[:k]]  # the coefficient made anew
    return ir.Trace(inner.with_children(run + list(inner.children()[k:]))), tuple(run)
