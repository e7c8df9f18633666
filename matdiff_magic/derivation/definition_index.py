"""The definition method in index notation: ∂/∂X_ij of each entry, the Kronecker deltas summed
out, like terms grouped, and the entries put back together as a matrix expression (``Collector``).
The terms themselves, and f written entry by entry, are ``derivation.index_terms``.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from matdiff_magic.derivation.index_terms import Entry, I, Indices, J, Term, unsupported, with_factor
from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_add, mk_mul, mk_transpose, zero


# ---- ∂/∂X_ij ---------------------------------------------------------------------------------
def differentiate(terms: list[Term], wrt: ir.Var) -> tuple[list[Term], list[Term]]:
    """Product rule over the entries of X: (terms with the ∂X_pq/∂X_ij marker, terms with deltas)."""
    marked, deltas = [], []
    for t in terms:
        for k, factor in enumerate(t.factors):
            (e,) = factor
            if e.tensor != wrt:
                continue
            marked.append(with_factor(t, k, ((replace(e, marker=True),),)))
            n = wrt.shape[0]
            new = [(Entry(ir.Identity((n, n)), I, e.row),)]
            if wrt.shape[1] != 1:
                new.append((Entry(ir.Identity((wrt.shape[1], wrt.shape[1])), J, e.col),))
            deltas.append(with_factor(t, k, tuple(new)))
    return marked, deltas


def sum_out_deltas(t: Term) -> Term:
    """Σ_p δ_ip u_p = u_i: every delta with a summation index disappears with its sum."""
    sums, factors = list(t.sums), list(t.factors)
    changed = True
    while changed:
        changed = False
        for k, factor in enumerate(factors):
            if len(factor) != 1 or not factor[0].is_delta:
                continue
            a, b = factor[0].row, factor[0].col
            if a == b:
                continue
            gone, keep = (a, b) if a in sums else (b, a) if b in sums else (None, None)
            if gone is None:
                if (a, b) == (J, I):  # δ_ji = δ_ij, written the usual way round
                    factors[k] = (replace(factor[0], row=I, col=J),)
                continue
            sums.remove(gone)
            del factors[k]
            factors = [tuple(e.renamed({gone: keep}) for e in f) for f in factors]
            changed = True
            break
    return Term(t.coef, tuple(sums), tuple(factors))


# ---- like terms ------------------------------------------------------------------------------
def canonical(t: Term, index: Indices) -> Term:
    """Factors in a fixed order (``Indices.order``: by name, deltas last) and summation indices
    numbered in order."""

    def key(factor):
        e = factor[0]
        pattern = tuple("·" if i is not None and i > 0 else str(i) for i in (e.row, e.col))
        return (e.is_delta, index.order(e.tensor), pattern, len(factor))

    factors = sorted(t.factors, key=key)
    mapping, n = {}, 0
    for f in factors:
        for e in f:
            for i in e.indices:
                if i > 0 and i not in mapping:
                    n += 1
                    mapping[i] = index.canon(n, index.dims[i])
    for s in t.sums:
        if s not in mapping:
            n += 1
            mapping[s] = index.canon(n, index.dims[s])
    factors = [tuple(e.renamed(mapping) for e in f) for f in factors]
    order = {new: k for k, new in enumerate(mapping.values())}
    sums = tuple(sorted((mapping[s] for s in t.sums), key=order.__getitem__))
    return Term(t.coef, sums, tuple(factors))


def combine(terms: list[Term], index: Indices, keep_order: bool = False) -> list[Term]:
    """Add the coefficients of equal terms (X_ij + X_ij = 2X_ij), drop zeros. With ``keep_order``
    each group keeps the first term as written, else its canonical form (which ``group`` needs)."""
    order, coefs, first = [], {}, {}
    for t in terms:
        c = canonical(t, index)
        key = (c.sums, c.factors)
        if key not in coefs:
            order.append(key)
            coefs[key] = Fraction(0)
            first[key] = t if keep_order else Term(Fraction(1), c.sums, c.factors)
        coefs[key] += c.coef
    return [replace(first[k], coef=coefs[k]) for k in order if coefs[k] != 0]


def group(terms: list[Term]) -> list[Term]:
    """Σ_j A_ij x_j + Σ_j A_ji x_j = Σ_j (A_ij + A_ji) x_j: terms that differ in one factor only."""
    out: list[Term] = []
    for t in terms:
        for n, u in enumerate(out):
            k = _differs_in_one(u, t)
            if k is not None:
                out[n] = with_factor(u, k, (u.factors[k] + t.factors[k],))
                break
        else:
            out.append(t)
    return out


def _differs_in_one(u: Term, t: Term):
    if u.coef != t.coef or u.sums != t.sums or len(u.factors) != len(t.factors) or len(t.factors) < 2:
        return None
    diff = [k for k, (a, b) in enumerate(zip(u.factors, t.factors)) if a != b]
    if len(diff) != 1 or len(t.factors[diff[0]]) != 1:
        return None
    k = diff[0]
    if set(u.factors[k][0].indices) != set(t.factors[k][0].indices):
        return None
    if any(e.is_delta for e in u.factors[k] + t.factors[k]):
        return None
    return k


# ---- back to a matrix ------------------------------------------------------------------------
class Collector:
    """Reads Σ-products of entries back as matrix products: Σ_j A_ij x_j is (Ax)_i."""

    def __init__(self, wrt: ir.Var, dims: dict):
        self.wrt, self.dims = wrt, dims

    def term(self, t: Term) -> ir.Expr:
        uses: dict = {}
        for k, factor in enumerate(t.factors):
            for i in factor[0].indices:
                uses.setdefault(i, []).append(k)
        free = [I] if self.wrt.shape[1] == 1 else [I, J]
        for i, ks in uses.items():
            want = 1 if i in free else 2
            if (i not in free and i not in t.sums) or len(ks) != want:
                raise unsupported(
                    "the entries of ∂f/∂" + self.wrt.name + " do not form a matrix "
                    "product (an index is shared by more than two factors, as in a "
                    "Hadamard product)"
                )
        used: set = set()
        left, end = self._walk(t, I, used)
        if len(free) == 1:
            assert end is None
            body = left
        elif end == J:
            body = left
        else:
            right, end_j = self._walk(t, J, used)
            assert end is None and end_j is None
            if isinstance(left, ir.Fill) and isinstance(right, ir.Fill):  # every entry is 1
                body = ir.Fill(1, self.wrt.shape)
            else:
                body = mk_mul([left, mk_transpose(right)])
        scalars = [self._closed(t, k, used) for k in range(len(t.factors)) if k not in used]
        for s in t.sums:  # a summation index in no factor: Σ_p 1 = tr(I)
            if s not in uses:
                scalars.append(ir.Trace(ir.Identity((self.dims[s], self.dims[s]))))
        return mk_mul([ir.Const(t.coef)] + scalars + [body])

    def _oriented(self, factor, row) -> ir.Expr:
        """The factor as a matrix whose rows are indexed by ``row``."""
        parts = []
        for e in factor:
            m = e.tensor if e.row == row else mk_transpose(e.tensor)
            parts.append(m)
        return mk_add(parts) if len(parts) > 1 else parts[0]

    def _next(self, t, cur, used):
        for k, factor in enumerate(t.factors):
            if k not in used and cur in (factor[0].row, factor[0].col):
                return k
        return None

    def _walk(self, t: Term, start, used: set, first: int | None = None):
        """Follow the chain of factors from index ``start`` to a free index or a size-1 end."""
        chain, cur = [], start
        k = first if first is not None else self._next(t, cur, used)
        if k is None:  # the entry does not depend on this index: a ones vector
            return ir.Fill(1, (self.dims[start], 1)), None
        while k is not None:
            used.add(k)
            e = t.factors[k][0]
            chain.append(self._oriented(t.factors[k], cur))
            cur = e.col if e.row == cur else e.row
            if cur is None or cur in (I, J) or cur == start:
                break
            k = self._next(t, cur, used)
        body = chain[0] if len(chain) == 1 else mk_mul(chain)
        return body, cur

    def _closed(self, t: Term, k: int, used: set) -> ir.Expr:
        """A part not on the path of i (and j): a scalar such as aᵀx, c or tr(AB)."""
        if k in used:
            return ir.Const(1)
        e = t.factors[k][0]
        if not e.indices:
            used.add(k)
            return self._oriented(t.factors[k], None)
        if e.row is None or e.col is None:  # an open chain: starts and ends at a size-1 side
            body, end = self._walk(t, None, used, first=k)
            assert end is None
            return body
        body, end = self._walk(t, e.row, used, first=k)
        assert end == e.row
        return ir.Trace(body) if not body.is_scalar else body

    def collect(self, terms: list[Term]) -> ir.Expr:
        shape = self.wrt.shape
        if not terms:
            return zero(shape)
        return simplify(mk_add([self.term(t) for t in terms]))
