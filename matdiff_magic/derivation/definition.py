"""The definition method (seed 001, 矩阵求导定义法, Examples 1 and 2): write f entry by entry,
differentiate by one entry X_ij, sum out the Kronecker deltas and arrange the entries as a matrix.

    f = aᵀXb = Σ_p Σ_q a_p X_pq b_q
    ∂f/∂X_ij = Σ_p Σ_q a_p (∂X_pq/∂X_ij) b_q = Σ_p Σ_q a_p δ_ip δ_jq b_q = a_i b_j
    ∂f/∂X = a bᵀ

The steps and results are those of an ordinary ``Derivation`` (layouts, evaluation, the numeric
check, JSON; ``derive(by_definition=True)`` builds it), so it can be compared with the differential
method's. Sums in index notation are recorded as terms and printed when a step is shown. Tractable
inputs only: linear and quadratic forms, traces of products, sums and squared norms of those;
anything else is a MatdiffError that points to the differential method.
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.derivation.definition_index import (
    Collector,
    combine,
    differentiate,
    group,
    sum_out_deltas,
)
from matdiff_magic.derivation.index_terms import (
    MAX_DEGREE,
    SUPPORTED,
    USE_DIFFERENTIAL,
    Entry,
    Expander,
    I,
    Indices,
    J,
    Term,
    degree,
    unsupported,
)
from matdiff_magic.derivation.layouts import results
from matdiff_magic.derivation.steps import Step
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.identity import Identity
from matdiff_magic.render.notation import (
    name_latex,
    name_text,
    number_latex,
    number_text,
    superscript,
)

# the pieces of "write f entry by entry", shown when used
ENTRY_RULES = {
    "product": (r"(AB)_{ij} = \sum_{k} A_{ik} B_{kj}", "(AB)_ij = Σ_k A_ik B_kj"),
    "trace": (r"\operatorname{tr}(A) = \sum_{k} A_{kk}", "tr(A) = Σ_k A_kk"),
    "sum": (r"\operatorname{sum}(A) = \sum_{k}\sum_{l} A_{kl}", "sum(A) = Σ_k Σ_l A_kl"),
    "norm": (r"\lVert A\rVert^{2} = \sum_{k}\sum_{l} A_{kl}^{2}", "‖A‖² = Σ_k Σ_l A_kl²"),
    "hadamard": (r"(A \odot B)_{ij} = A_{ij} B_{ij}", "(A ⊙ B)_ij = A_ij B_ij"),
}
SUM_OUT = (r"\sum_{p} \delta_{ip}\, u_{p} = u_{i}", "Σ_p δ_ip u_p = u_i")
ADD_LIKE = (r"c\,u + d\,u = (c + d)\,u", "c u + d u = (c + d) u")
FACTOR_OUT = (
    r"\sum_{k} u_{k} w_{k} + \sum_{k} v_{k} w_{k} = \sum_{k} (u_{k} + v_{k})\, w_{k}",
    "Σ_k u_k w_k + Σ_k v_k w_k = Σ_k (u_k + v_k) w_k",
)

VECTOR_POOL = ("j", "k", "l", "p", "q", "r", "s", "t", "u", "v", "w")
MATRIX_POOL = ("p", "q", "r", "s", "t", "u", "v", "w", "k", "l")


def definition_steps(typed, var: ir.Var, source: str, written) -> tuple[list[Step], dict, ir.Expr]:
    """∂f/∂var element by element (seed 001's definition method): the steps, the results in every
    layout and G (df = tr(G dX)). ``written`` gives how an expression reads (the printer's text),
    which orders the factors of a term. Raises ``MatdiffError`` for what is not tractable this way."""
    f = typed.expr
    if not f.is_scalar:
        raise MatdiffError(
            f"{typed.name} is not a scalar ({f.shape[0]}×{f.shape[1]}): {SUPPORTED}, all scalar-valued",
            source,
            typed.span,
            hint=USE_DIFFERENTIAL,
        )
    if var.is_scalar:
        raise MatdiffError(
            f"{var.name} is a scalar: the definition method differentiates a "
            "vector or a matrix entry by entry",
            hint=USE_DIFFERENTIAL,
        )
    return _steps(typed, var, written)


def _steps(typed, var: ir.Var, written):
    """The computation (index algebra), then the steps that show it."""
    index = Indices(var, written)
    expander = Expander(var, index)
    written = expander(typed.expr, None, None)
    terms = combine(written, index, keep_order=True)
    for t in terms:
        if degree(t, var) > MAX_DEGREE:
            raise unsupported(
                f"{var.name} appears {degree(t, var)} times in one product, more than in a quadratic form"
            )
    marked, with_deltas = differentiate(terms, var)
    summed = [sum_out_deltas(t) for t in with_deltas]
    added = combine(summed, index)
    combined = group(added)
    G = ir.Transpose(Collector(var, index.dims).collect(combined))
    res = results(G, var, typed.name)

    show = _Show(typed, var, index)
    steps = [Step("function", "function", None, typed.name, typed.name, typed.expr)]
    pieces = [ENTRY_RULES[k] for k in ENTRY_RULES if k in expander.used] or [ENTRY_RULES["product"]]
    note = "every index runs over the size of its dimension"
    steps.append(
        show.line(
            "write f entry by entry",
            _joined(pieces),
            terms,
            note + ("; like terms added" if len(terms) < len(written) else ""),
        )
    )
    notes = []
    if marked and any(degree(t, var) == 0 for t in terms):
        notes.append(f"the terms without {name_text(var.name)} are constants: their derivative is 0")
    if var.symmetric:
        notes.append(
            f"the entries of {name_text(var.name)} are treated as independent, as in the differential method"
        )
    rules = show.rules()
    quadratic = any(degree(t, var) > 1 for t in terms)
    by_terms = _joined([rules["sum"]] + [rules["product"]] * quadratic)
    steps.append(
        show.line("differentiate term by term", by_terms, marked, "; ".join(notes), lhs=show.lhs(typed.name))
    )
    if marked:
        steps.append(
            show.line(
                "differentiate one entry",
                rules["entry"],
                with_deltas,
                "δ is the Kronecker delta: 1 where the indices are equal, else 0",
            )
        )
        steps.append(show.line("sum out the Kronecker deltas", SUM_OUT, summed))
        used = [ADD_LIKE] * (len(added) < len(summed)) + [FACTOR_OUT] * (len(combined) < len(added))
        if used:
            steps.append(show.line("combine like terms", _joined(used), combined))
    steps.append(show.collect(typed.name, res["denominator"], combined))
    return steps, res, G


def _joined(pieces) -> tuple[str, str]:
    return r",\quad ".join(p[0] for p in pieces), ", ".join(p[1] for p in pieces)


class _Show:
    """TeX and Unicode of sums of products of entries, with index names chosen per term; a tensor
    other than a variable is printed by the printer the render layer passes in (``p``)."""

    def __init__(self, typed, var: ir.Var, index: Indices):
        self.var, self.index = var, index
        self.vector = var.shape[1] == 1
        taken = {v.name for v in typed.variables} | {str(d) for v in typed.variables for d in v.shape}
        taken |= {str(d) for d in index.dims.values()}
        pool = VECTOR_POOL if var.shape[1] == 1 else MATRIX_POOL
        self.pool = [p for p in pool if p not in taken] + [f"k{n}" for n in range(1, 100)]
        self.free = {I: "i", J: "j"}

    # -- the steps
    def line(self, rule: str, identity: tuple, shown: list[Term], note: str = "", lhs=("", "")) -> Step:
        return Step(
            "definition",
            rule,
            Identity(rule, *identity),
            lhs[0],
            lhs[1],
            None,
            note=note,
            line=lambda p: self.terms(shown, p),
        )

    def lhs(self, fname: str) -> tuple[str, str]:
        """∂f/∂X_ij (∂f/∂x_i for a vector)."""
        x = Entry(self.var, I, None if self.vector else J)
        tex = rf"\frac{{\partial {fname}}}{{\partial {self.entry_tex(x)}}}"
        return tex, f"∂{fname}/∂{self.entry_text(x)}"

    def rules(self) -> dict:
        """The identities of differentiating by one entry, written with this variable's name."""
        x = Entry(self.var, I, None if self.vector else J)
        xt, xs = self.entry_tex(x), self.entry_text(x)
        p = Entry(self.var, 1, None if self.vector else 2)
        pt, ps = self.entry_tex(p, {1: "p", 2: "q"}), self.entry_text(p, {1: "p", 2: "q"})
        d = rf"\frac{{\partial}}{{\partial {xt}}}"
        return {
            "sum": (
                rf"{d} \sum_{{k}} u_{{k}} = \sum_{{k}} \frac{{\partial u_{{k}}}}{{\partial {xt}}}",
                f"∂(Σ_k u_k)/∂{xs} = Σ_k ∂u_k/∂{xs}",
            ),
            "product": (
                rf"{d} (u\,v) = \frac{{\partial u}}{{\partial {xt}}}\,v"
                rf" + u\,\frac{{\partial v}}{{\partial {xt}}}",
                f"∂(uv)/∂{xs} = (∂u/∂{xs}) v + u (∂v/∂{xs})",
            ),
            "entry": (
                rf"\frac{{\partial {pt}}}{{\partial {xt}}} = "
                + (r"\delta_{ip}" if self.vector else r"\delta_{ip}\,\delta_{jq}"),
                f"∂{ps}/∂{xs} = " + ("δ_ip" if self.vector else "δ_ip δ_jq"),
            ),
        }

    def collect(self, fname: str, den, terms: list[Term]) -> Step:
        """Arrange the entries: (∂f/∂X)_ij = ∂f/∂X_ij, the denominator layout."""
        grad, sub = den.expr, "i" if self.vector else "ij"
        lhs_tex, lhs_text = self.lhs(fname)
        identity = Identity(
            "collect the entries",
            rf"\left({den.lhs}\right)_{{{sub}}} = {lhs_tex}",
            f"({den.lhs_text})_{sub} = {lhs_text}",
        )
        v = self.var
        dims = f"{v.shape[0]}" if self.vector else f"{v.shape[0]}×{v.shape[1]}"
        what = "a vector" if self.vector else "a matrix"
        note = lambda p: (
            f"arrange the {dims} entries {self.terms(terms, p)[1]} as {what} with the "
            f"shape of {name_text(v.name)} (denominator layout): {p.to_text(grad)}"
        )
        return Step(
            "definition",
            identity.name,
            identity,
            den.lhs,
            den.lhs_text,
            grad,
            (grad,),
            note=note,
            highlighted=lambda p: p.to_latex(grad, highlight=frozenset({id(grad)})),
        )

    # -- index names
    def names(self, t: Term) -> dict:
        out = dict(self.free)
        for k, s in enumerate(t.sums):
            out[s] = self.pool[k]
        return out

    # -- one entry
    def _sub(self, e: Entry, names: dict) -> list[str]:
        return [names.get(i, "?") for i in (e.row, e.col) if i is not None]

    def _joined(self, idx: list[str]) -> str:
        return ("," if any(len(x) > 1 for x in idx) else "").join(idx)

    def _base_tex(self, t: ir.Expr, indexed: bool, p=None) -> str:
        if isinstance(t, ir.Var):
            s = name_latex(t.name, "scalar")
            return f"({s})" if indexed and "_" in s else s
        s = p.to_latex(t)  # only variables are shown without a printer (lhs, rules)
        atom = isinstance(t, (ir.Det, ir.LogDet, ir.Trace, ir.Norm, ir.Apply, ir.SumAll))
        return s if atom and not indexed else rf"\left({s}\right)"

    def _base_text(self, t: ir.Expr, indexed: bool, p=None) -> str:
        if isinstance(t, ir.Var):
            s = name_text(t.name)
            return f"({s})" if indexed and any(ch in s for ch in "₀₁₂₃₄₅₆₇₈₉") else s
        s = p.to_text(t)
        atom = isinstance(t, (ir.Det, ir.LogDet, ir.Trace, ir.Norm, ir.Apply, ir.SumAll))
        return s if atom and not indexed else f"({s})"

    def entry_tex(self, e: Entry, names: dict | None = None, p=None) -> str:
        return self._entry(e, names or self.free, p, tex=True)

    def entry_text(self, e: Entry, names: dict | None = None, p=None) -> str:
        return self._entry(e, names or self.free, p, tex=False)

    def _entry(self, e: Entry, names: dict, p, tex: bool) -> str:
        """An entry with its indices (a Kronecker delta, or ∂·/∂X_ij for the marked entry)."""
        idx = self._sub(e, names)
        if tex:
            sub = self._joined(idx)
        else:
            sub = "".join(idx) if not any(len(x) > 1 for x in idx) else "(" + ",".join(idx) + ")"
        if e.is_delta:
            return rf"\delta_{{{sub}}}" if tex else f"δ_{sub}"
        base = (self._base_tex if tex else self._base_text)(e.tensor, bool(idx), p)
        s = base + ((f"_{{{sub}}}" if tex else f"_{sub}") if idx else "")
        if e.marker:
            x = self._entry(Entry(self.var, I, J if self.var.shape[1] != 1 else None), self.free, None, tex)
            return rf"\frac{{\partial {s}}}{{\partial {x}}}" if tex else f"(∂{s}/∂{x})"
        return s

    # -- a product and a sum of them
    def _factor(self, factor: tuple, names: dict, tex: bool, p) -> str:
        parts = [(self.entry_tex if tex else self.entry_text)(e, names, p) for e in factor]
        if len(parts) == 1:
            return parts[0]
        return (r"\left(" + " + ".join(parts) + r"\right)") if tex else "(" + " + ".join(parts) + ")"

    def term(self, t: Term, tex: bool, p) -> tuple[str, Fraction]:
        names = self.names(t)
        shown: list[tuple[str, int]] = []
        for factor in t.factors:
            s = self._factor(factor, names, tex, p)
            if shown and shown[-1][0] == s:
                shown[-1] = (s, shown[-1][1] + 1)
            else:
                shown.append((s, 1))
        body = []
        for s, k in shown:
            if k == 1:
                body.append(s)
            else:
                body.append(f"{s}^{{{k}}}" if tex else s + superscript(str(k)))
        coef = abs(t.coef)
        lead = ""
        if coef != 1 or not body:
            num = number_latex(coef) if tex else number_text(coef)
            lead = (num if tex or coef.denominator == 1 else f"({num})") + " "
        if tex:
            sums = "".join(rf"\sum_{{{names[s]}=1}}^{{{self.index.dims[s]}}}" for s in t.sums)
            return (lead + (sums + " " if sums else "") + r"\, ".join(body)).strip(), t.coef
        sums = "".join(f"Σ_{names[s]} " for s in t.sums)
        return (lead + sums + " ".join(body)).strip(), t.coef

    def terms(self, terms: list[Term], p) -> tuple[str, str]:
        """TeX and text of a sum of terms, printed with ``p`` (``render.printer``)."""
        out = []
        for tex in (True, False):
            s = ""
            for k, t in enumerate(terms):
                body, coef = self.term(t, tex, p)
                if k == 0:
                    s = ("-" if coef < 0 else "") + body
                else:
                    s += (" - " if coef < 0 else " + ") + body
            out.append(s or "0")
        return out[0], out[1]
