"""The trace stage inside sums over samples (``sum_i``), as seed 001's Example 5 derives it.

After the differential stage, d Σᵢ fᵢ is Σᵢ dfᵢ. Each such sum that holds dX is brought to
tr(G dX) before the ordinary trace stage sees the whole df:

1. a number in front of the summand comes out of the sum (linearity);
2. the summand gets its own trace tricks (the trace stage run on dfᵢ alone, every step shown in
   place inside the sum), until dfᵢ = tr(Gᵢ dX);
3. the trace goes outside the sum, Σᵢ tr(Gᵢ dX) = tr((Σᵢ Gᵢ) dX), with the scalars in front of the
   sum, and what does not depend on i comes out of it, Σᵢ A Mᵢ B = A (Σᵢ Mᵢ) B; a sum the cell
   has a name for is written by that name: Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ = N S with S the sample
   covariance, Σᵢ xᵢ = N x̄ with x̄ the mean declared by ``xbar: mean(x_i)``, Σᵢ c = N c.

S is added to the cell's definitions (``typed.definitions``), so the result evaluates from the
samples as the derivation writes it.
"""

from __future__ import annotations

from matdiff_magic.derivation.tracetricks import trace_stage
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_mul,
    mk_neg,
    mk_transpose,
    split_coef,
    tidy,
    with_coef,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.samples import PULL_NUMBER, SAMPLE_SUFFIX, SampleSum, is_per_sample, per_sample
from matdiff_magic.render.notation import name_latex, name_text

COUNT = "N"  # the cell's number of samples (types.samples)


def refuse_per_sample(var: ir.Var, source: str, f: ir.Expr | None = None) -> None:
    """A derivative is taken by a shared variable: xᵢ stands for every sample at once; and not
    by the number of samples of a sum over them (a count: Σᵢ₌₁ᴹ xᵢ has no derivative by M)."""
    if is_per_sample(var.name):
        raise MatdiffError(
            f"{var.name} is per sample (its name ends in _i): differentiate by a variable the samples share",
            source,
            hint=f"the derivative by one sample's {var.name} is that of the summand: derive it without sum_i",
        )
    if f is None or (isinstance(source, str) and SAMPLE_SUFFIX not in source):
        return  # no name of the cell f is typed from is per sample: no sum it counts
    counted = (n for n in f.walk() if isinstance(n, SampleSum))
    if any(var.name in n.count.free_vars() and per_sample(n.body) for n in counted):
        raise MatdiffError(
            f"{var.name} counts the samples of a sum over them: a whole number, so f has no derivative by it",
            source,
        )


def has_sample_sums(df: ir.Expr, wrt: ir.Var) -> bool:
    """Whether a sum over samples in df holds d(wrt)."""
    return any(isinstance(n, SampleSum) and wrt.name in n.d_vars() for n in df.walk())


def sample_stage(df: ir.Expr, wrt: ir.Var, record, typed) -> tuple:
    """Every sum over samples in df that holds d(wrt) brought to tr(G dX) (steps 1 to 3 above);
    the rest of df as it was. Returns the new df and the recorder for the ordinary trace stage,
    which leaves out a step that only regroups what the last one showed."""
    for _ in range(100):
        s = next(
            (n for n in df.walk() if isinstance(n, SampleSum) and wrt.name in n.d_vars()),
            None,
        )
        if s is None:
            break
        df = _one_sum(df, s, wrt, record, typed)
    return df, _Regrouped(record, df)


def _plain(e: ir.Expr) -> ir.Expr:
    """e tidied, without the traces of scalars (which a derivation by a vector does not show)."""
    scalar_traces = {n: n.arg for n in e.walk() if isinstance(n, ir.Trace) and n.arg.is_scalar}
    return tidy(ir.replace(e, scalar_traces) if scalar_traces else e)


class _Regrouped:
    """A recorder that passes a step on unless its expression is the last one regrouped."""

    def __init__(self, record, last: ir.Expr):
        self.record, self.last = record, _plain(last)

    def __call__(self, identity, expr, focus=(), note="", before=None):
        shown = _plain(expr() if callable(expr) else expr)
        if shown == self.last:
            return
        self.last = shown
        self.record(identity, expr, focus=focus, note=note, before=before)


TRACE_OUTSIDE = Identity(
    "linearity",
    r"c\sum_{i} \operatorname{tr}(G_{i}\,\mathrm{d}X) = \operatorname{tr}\left(c\sum_{i} G_{i}\,\mathrm{d}X\right)",
)
ROW_OUTSIDE = Identity(  # by a vector or a scalar: no trace, dx on the right of each summand
    "linearity",
    r"c\sum_{i} \boldsymbol{g}_{i}^{T}\mathrm{d}\boldsymbol{x} = \left(c\sum_{i} \boldsymbol{g}_{i}^{T}\right)\mathrm{d}\boldsymbol{x}",
)
SHARED_OUT = Identity(
    "factor out of the sum",
    r"\sum_{i} A M_{i} B = A\left(\sum_{i} M_{i}\right)B \text{ for } A, B \text{ shared}",
)


def _one_sum(df: ir.Expr, s: SampleSum, wrt: ir.Var, record, typed) -> ir.Expr:
    c, body = split_coef(s.body)
    if c != 1 and body is not None:  # 1. the number out of the sum
        inner = SampleSum(body, s.count)
        df = tidy(ir.replace(df, {s: with_coef(c, inner)}))
        record(PULL_NUMBER, df, focus=(inner,))
        s = inner
    dX = ir.D(wrt)
    current = [s]

    def in_place(identity, expr, focus=(), note="", before=None):  # 2. the summand's steps
        placed = SampleSum(expr, s.count)
        whole = ir.replace(df, {s: placed})
        current[0] = placed
        record(identity, whole, focus=focus, note=note)

    G = trace_stage(s.body, wrt, in_place)
    here = current[0]
    df = ir.replace(df, {s: here}) if here is not s else df
    # 3. the trace outside the sum, with the scalars in front of it
    parent, scalars = _scalars_in_front(df, here)
    c0, rest = split_coef(G)
    A, middle, B = _split_shared(rest)
    summed = SampleSum(middle, s.count)
    named, identity, scalars = _statistic(summed, scalars, typed)
    coefficient = with_coef(c0, mk_mul(scalars + A + [named] + B) if scalars or A or B else named)
    if wrt.is_scalar:
        outside = mk_mul([coefficient, dX])
    else:
        product = (
            ir.MatMul([coefficient, dX]) if isinstance(coefficient, ir.Add) else mk_mul([coefficient, dX])
        )
        outside = product if wrt.shape[1] == 1 else ir.Trace(product)
    target = parent if parent is not None else here
    df = ir.replace(df, {target: outside})
    outside_rule = TRACE_OUTSIDE if isinstance(outside, ir.Trace) else ROW_OUTSIDE
    record(identity or (SHARED_OUT if A or B else outside_rule), df, focus=(named,))
    return df


def _scalars_in_front(df: ir.Expr, s: ir.Expr) -> tuple:
    """The product in df that has the sum ``s`` as a factor (or None) and its other factors,
    when they are all scalars that do not depend on the sample (N⁻¹ in N⁻¹ Σᵢ …)."""
    for node in df.walk():
        if isinstance(node, ir.MatMul) and any(f is s for f in node.factors):
            others = [f for f in node.factors if f is not s]
            if all(f.is_scalar and not per_sample(f) and not f.d_vars() for f in others):
                return node, others
    return None, []


def _split_shared(G: ir.Expr | None) -> tuple[list, ir.Expr, list]:
    """G = A M B with A and B the factors at either end that do not depend on the sample."""
    if G is None:
        return [], ir.Const(1), []
    factors = list(G.factors) if isinstance(G, ir.MatMul) else [G]
    marked = [i for i, f in enumerate(factors) if per_sample(f)]
    if not marked:
        return [], G, []
    lo, hi = marked[0], marked[-1] + 1
    middle = factors[lo:hi]
    if len(middle) > 1 and ir.chain_shape(middle) == ir.SCALAR and not all(f.is_scalar for f in middle):
        product: ir.Expr = ir.MatMul(middle)  # a 1×1 product stays whole
    else:
        product = middle[0] if len(middle) == 1 else mk_mul(middle)
    return factors[:lo], product, factors[hi:]


SHARED_TERM = Identity("sum of a shared term", r"\sum_{i=1}^{N} c = N c")
SAMPLE_MEAN = Identity("sample mean", r"\sum_{i} \boldsymbol{x}_{i} = N\bar{\boldsymbol{x}}")
SAMPLE_COVARIANCE = Identity(
    "sample covariance",
    r"S = \frac{1}{N}\sum_{i} (\boldsymbol{x}_{i} - \bar{\boldsymbol{x}})(\boldsymbol{x}_{i} - \bar{\boldsymbol{x}})^{T}",
)


def _statistic(summed: SampleSum, scalars: list, typed):
    """A sum the cell has a name for, with the N⁻¹ in front of it taken in: (N S, S, N x̄, N c);
    otherwise the sum itself. Returns (expression, identity or None, the scalars left in front)."""
    N = summed.count
    means = _means(typed)
    body = summed.body
    inverse = next(
        (f for f in scalars if isinstance(f, ir.Pow) and f.base == N and f.exponent == ir.Const(-1)),
        None,
    )

    def times_n(named):
        if inverse is not None:
            return named, [f for f in scalars if f is not inverse]
        return mk_mul([N, named]), scalars

    if not per_sample(body):
        named, rest = times_n(body)
        return named, SHARED_TERM, rest
    pairs = list(means.items())
    scatter = _scatter_about(body)
    if scatter is not None and scatter[0] not in means:
        pairs.append(scatter)  # (xᵢ − c)(xᵢ − c)ᵀ about a shared c: S is defined in the where line
    for x_i, xbar in pairs:
        if body == x_i:
            named, rest = times_n(xbar)
            return named, SAMPLE_MEAN, rest
        split = _mean_terms(body, x_i, xbar)
        if split is not None:  # Σᵢ (μ − xᵢ) = N μ − N x̄
            named, rest = times_n(split)
            return named, SAMPLE_MEAN, rest
        deviation = _deviation(body, x_i, xbar)
        if deviation:
            S = _covariance(typed, x_i, xbar, N)
            if S is not None:
                named, rest = times_n(S)
                return named, SAMPLE_COVARIANCE, rest
    return summed, None, scalars


def _mean_terms(body: ir.Expr, x_i: ir.Expr, xbar: ir.Expr) -> ir.Expr | None:
    """A sum of terms each ±xᵢ or shared, with xᵢ put as x̄ (then Σᵢ body = N times it); None
    when a term depends on the sample otherwise. A transposed sum (a row, for a vector) alike."""
    if isinstance(body, ir.Transpose):
        inner = _mean_terms(body.arg, x_i, xbar)
        return None if inner is None else mk_transpose(inner)
    if not isinstance(body, ir.Add):
        return None
    terms = []
    for t in body.terms:
        inner, negative = (t.arg, True) if isinstance(t, ir.Neg) else (t, False)
        if inner == x_i:
            terms.append(mk_neg(xbar) if negative else xbar)
        elif not per_sample(t):
            terms.append(t)
        else:
            return None
    return mk_add(terms)


def _means(typed) -> dict:
    """x_i -> x̄ for every ``xbar: mean(x_i)`` of the cell (as its definitions hold them)."""
    out = {}
    for name, e in getattr(typed, "definitions", {}).items():
        if (
            isinstance(e, ir.MatMul)
            and isinstance(e.factors[-1], SampleSum)
            and isinstance(e.factors[-1].body, ir.Var)
        ):
            out[e.factors[-1].body] = ir.Var(name, e.shape, "vector" if e.shape[1] == 1 else "matrix")
    return out


def _scatter_about(body: ir.Expr) -> tuple | None:
    """(xᵢ, c) when body is (xᵢ − c)(xᵢ − c)ᵀ with xᵢ a per-sample name and c shared (as seed 001's
    Example 5 writes it, x̄ with no declaration): its sum over samples is N S."""
    if not (isinstance(body, ir.MatMul) and len(body.factors) == 2):
        return None
    d = body.factors[0]
    if not (isinstance(d, ir.Add) and len(d.terms) == 2):
        return None
    for a, b in (d.terms, d.terms[::-1]):
        if not (isinstance(a, ir.Var) and is_per_sample(a.name) and isinstance(b, ir.Neg)):
            continue
        if not per_sample(b) and _deviation(body, a, b.arg):
            return a, b.arg
    return None


def _deviation(body: ir.Expr, x_i: ir.Expr, xbar: ir.Expr) -> bool:
    """Whether body is (xᵢ − x̄)(xᵢ − x̄)ᵀ (or with x̄ − xᵢ)."""
    if not (isinstance(body, ir.MatMul) and len(body.factors) == 2):
        return False
    d, dt = body.factors
    candidates = (mk_add([x_i, mk_neg(xbar)]), mk_add([xbar, mk_neg(x_i)]))
    return d in candidates and (dt == ir.Transpose(d) or dt == mk_transpose(d))


def _covariance(typed, x_i: ir.Expr, xbar: ir.Expr, N: ir.Expr) -> ir.Var | None:
    """S, the sample covariance of x_i about x̄, added to the cell's definitions (None when the
    cell already uses the name S for something else)."""
    n = x_i.shape[0]
    S = ir.Var("S", (n, n), "symmetric")
    d = mk_add([x_i, mk_neg(xbar)])
    definition = mk_mul([ir.Pow(N, ir.Const(-1)), SampleSum(ir.MatMul([d, ir.Transpose(d)]), N)])
    if any(v.name == "S" for v in typed.variables):
        return None
    known = typed.definitions.get("S")
    if known is not None and known != definition:
        return None
    typed.definitions["S"] = definition
    return S


def where_names(typed) -> dict:
    """The sample statistics the cell defines (x̄ from ``xbar: mean(x_i)``, S once recognised), as
    the where line names them: definition -> (TeX, text) of its name."""
    out = {}
    for name, e in typed.definitions.items():
        if name != COUNT and any(isinstance(n, SampleSum) for n in e.walk()):
            out[e] = (name_latex(name, ir.kind_of_shape(e)), name_text(name))
    return out


def sample_notes(typed) -> tuple:
    """A note on N when the cell sums over samples."""
    if COUNT in typed.definitions:
        return ("N is the number of samples; per-sample values are given with the sample index first",)
    return ()
