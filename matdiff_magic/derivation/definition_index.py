"""Index notation for the definition method: f as a sum of products of entries, ∂/∂X_ij of each
entry, the Kronecker deltas summed out, and the entries put back together as a matrix expression.

A ``Term`` is ``coef · Σ_{sums} Π factors``; a factor is a tuple of alternative ``Entry``s that are
added (``(A_ij + A_ji)``, after like terms are grouped), usually just one. An index is an int: the
free indices are ``I`` and ``J`` (the entry i, j being derived), summation indices are positive,
and ``None`` stands for a dimension of size 1 (the column of a vector).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir.construct import mk_add, mk_mul, mk_transpose, zero
from matdiff_magic.derivation.simplify import simplify

I, J = -1, -2          # the free indices i and j
MAX_TERMS = 24         # more terms than this are not worth writing out entry by entry
MAX_DEGREE = 2         # linear and quadratic (bilinear) forms in the variable
MAX_POWER = 4

SUPPORTED = ("the definition method (--by-definition) is shown for linear and bilinear forms "
             "(a'*x, a'*X*b, x'*A*x), traces of products (tr(A*X*B), tr(X'*X)), sums and squared "
             "norms of those")
USE_DIFFERENTIAL = "use the differential method (the default, without --by-definition) for this expression"


def unsupported(reason: str) -> MatdiffError:
    return MatdiffError(f"{reason}; {SUPPORTED}", hint=USE_DIFFERENTIAL)


@dataclass(frozen=True)
class Entry:
    """Entry (row, col) of ``tensor``; an ``ir.Identity`` tensor is the Kronecker delta.

    ``marker`` marks ∂tensor_{row col}/∂X_ij before it is evaluated (shown in one step only).
    """
    tensor: ir.Expr
    row: int | None
    col: int | None
    marker: bool = False

    @property
    def indices(self) -> tuple:
        return tuple(i for i in (self.row, self.col) if i is not None)

    @property
    def is_delta(self) -> bool:
        return isinstance(self.tensor, ir.Identity)

    def renamed(self, mapping: dict) -> "Entry":
        return replace(self, row=mapping.get(self.row, self.row), col=mapping.get(self.col, self.col))


@dataclass(frozen=True)
class Term:
    coef: Fraction
    sums: tuple            # summation indices, in the order they are written
    factors: tuple         # of tuples of alternative Entries

    def times(self, other: "Term") -> "Term":
        return Term(self.coef * other.coef, self.sums + other.sums, self.factors + other.factors)

    def entries(self):
        for factor in self.factors:
            yield from factor


def _product(lists) -> list[Term]:
    out = [Term(Fraction(1), (), ())]
    for terms in lists:
        out = [a.times(b) for a in out for b in terms]
        _cap(out)
    return out


def _cap(terms) -> None:
    if len(terms) > MAX_TERMS:
        raise unsupported(f"written entry by entry this has more than {MAX_TERMS} terms")


# ---- f entry by entry -------------------------------------------------------------------------
class Indices:
    """The size each index runs over. Canonical indices (like terms) are one per (position, size)."""

    def __init__(self, wrt: ir.Var):
        self.dims: dict = {I: wrt.shape[0]}
        if wrt.shape[1] != 1:
            self.dims[J] = wrt.shape[1]
        self._canon: dict = {}

    def fresh(self, dim):
        if dim == 1:
            return None
        n = len(self.dims) + 1
        self.dims[n] = dim
        return n

    def canon(self, position: int, dim) -> int:
        key = (position, dim)
        if key not in self._canon:
            self._canon[key] = self.fresh(dim)
        return self._canon[key]


class Expander:
    """Writes entry (r, c) of an expression as a sum of Terms, creating summation indices."""

    def __init__(self, wrt: ir.Var, index: Indices):
        self.wrt, self.index = wrt, index
        self.used: set = set()   # product, trace, sum, norm, hadamard: which identities were applied

    def fresh(self, dim):
        return self.index.fresh(dim)

    def depends(self, e: ir.Expr) -> bool:
        return ir.depends_on(e, self.wrt.name)

    def scalar(self, e: ir.Expr) -> list[Term]:
        return self(e, None, None)

    def __call__(self, e: ir.Expr, r, c) -> list[Term]:
        out = self._expand(e, r, c)
        _cap(out)
        return out

    def _entry(self, e, r, c) -> list[Term]:
        return [Term(Fraction(1), (), ((Entry(e, r, c),),))]

    def _expand(self, e: ir.Expr, r, c) -> list[Term]:
        if isinstance(e, ir.Const):
            return [Term(e.value, (), ())]
        if isinstance(e, ir.Zero):
            return []
        if isinstance(e, ir.Fill):
            return [Term(e.value, (), ())]
        if isinstance(e, (ir.Var, ir.Identity)):
            return self._entry(e, r, c)
        if isinstance(e, ir.Transpose):
            return self(e.arg, c, r)
        if isinstance(e, ir.Neg):
            return [replace(t, coef=-t.coef) for t in self(e.arg, r, c)]
        if isinstance(e, ir.Add):
            return [t for term in e.terms for t in self(term, r, c)]
        if not self.depends(e) and e.is_scalar and not (isinstance(e, ir.MatMul)
                                                        and all(f.is_scalar for f in e.factors)):
            return self._entry(e, None, None)   # a scalar coefficient such as tr(A) or aᵀb, kept whole
        if isinstance(e, ir.MatMul):
            return self._matmul(e, r, c)
        if isinstance(e, ir.Hadamard):
            self.used.add("hadamard")
            return _product(self(f, r, c) for f in e.factors)
        if isinstance(e, ir.Trace):
            if e.arg.is_scalar:
                return self(e.arg, None, None)
            self.used.add("trace")
            s = self.fresh(e.arg.shape[0])
            return [replace(t, sums=(s,) + t.sums) for t in self(e.arg, s, s)]
        if isinstance(e, ir.SumAll):
            self.used.add("sum")
            p, q = self.fresh(e.arg.shape[0]), self.fresh(e.arg.shape[1])
            new = tuple(i for i in (p, q) if i is not None)
            return [replace(t, sums=new + t.sums) for t in self(e.arg, p, q)]
        if isinstance(e, (ir.Pow, ir.ElemPow)) and self.depends(e):
            return self._power(e, r, c)
        if not self.depends(e):
            return self._entry(e, r, c)         # a constant such as inv(A): its entries (A⁻¹)_pq
        raise unsupported(f"{self.wrt.name} appears inside {_describe(e)}, which is not written out "
                          "entry by entry")

    def _matmul(self, e: ir.MatMul, r, c) -> list[Term]:
        mats = [f for f in e.factors if not f.is_scalar]
        lists = [self.scalar(f) for f in e.factors if f.is_scalar]
        if len(mats) > 1:
            self.used.add("product")
        if mats:
            idx = [r] + [self.fresh(m.shape[1]) for m in mats[:-1]] + [c]
            for k, m in enumerate(mats):
                lists.append(self(m, idx[k], idx[k + 1]))
            inner = tuple(i for i in idx[1:-1] if i is not None)
            return [replace(t, sums=inner + t.sums) for t in _product(lists)]
        return _product(lists)

    def _power(self, e, r, c) -> list[Term]:
        k = e.exponent.value if isinstance(e.exponent, ir.Const) else None
        if k is None or k.denominator != 1 or not 1 <= k <= MAX_POWER:
            raise unsupported(f"{self.wrt.name} appears in a power with exponent other than "
                              f"1, …, {MAX_POWER}")
        k = int(k)
        base = e.base
        if isinstance(e, ir.Pow) and isinstance(base, ir.Norm) and base.p == 2 and k % 2 == 0:
            self.used.add("norm")

            def square():   # ‖u‖² = Σ_pq u_pq u_pq
                u = base.arg
                p, q = self.fresh(u.shape[0]), self.fresh(u.shape[1])
                new = tuple(i for i in (p, q) if i is not None)
                return [replace(t, sums=new + t.sums) for t in _product([self(u, p, q), self(u, p, q)])]
            return _product(square() for _ in range(k // 2))
        return _product(self(base, r, c) for _ in range(k))


def _describe(e: ir.Expr) -> str:
    from matdiff_magic.render.printer import to_text  # noqa: PLC0415
    names = {ir.Inverse: "inv(…)", ir.Det: "det(…)", ir.LogDet: "logdet(…)", ir.Norm: "a norm",
             ir.Apply: f"{getattr(e, 'func', '')}(…)", ir.DiagMatrix: "diag(…)",
             ir.DiagVector: "diag(…)", ir.Pow: "a power", ir.ElemPow: "an element-wise power"}
    what = names.get(type(e), type(e).__name__)
    text = to_text(e)
    return f"{what} ({text if len(text) <= 40 else text[:39] + '…'})"


def degree(term: Term, wrt: ir.Var) -> int:
    return sum(1 for e in term.entries() if e.tensor == wrt)


def _with_factors(t: Term, k: int, new: tuple) -> Term:
    """t with its k-th factor replaced by the factors ``new``."""
    return replace(t, factors=t.factors[:k] + new + t.factors[k + 1:])


# ---- ∂/∂X_ij ---------------------------------------------------------------------------------
def differentiate(terms: list[Term], wrt: ir.Var) -> tuple[list[Term], list[Term]]:
    """Product rule over the entries of X: (terms with the ∂X_pq/∂X_ij marker, terms with deltas)."""
    marked, deltas = [], []
    for t in terms:
        for k, factor in enumerate(t.factors):
            (e,) = factor
            if e.tensor != wrt:
                continue
            marked.append(_with_factors(t, k, ((replace(e, marker=True),),)))
            n = wrt.shape[0]
            new = [(Entry(ir.Identity((n, n)), I, e.row),)]
            if not wrt.shape[1] == 1:
                new.append((Entry(ir.Identity((wrt.shape[1], wrt.shape[1])), J, e.col),))
            deltas.append(_with_factors(t, k, tuple(new)))
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
                if (a, b) == (J, I):   # δ_ji = δ_ij, written the usual way round
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
    """Factors in a fixed order (by name, deltas last) and summation indices numbered in order."""
    def key(factor):
        e = factor[0]
        pattern = tuple("·" if i is not None and i > 0 else str(i) for i in (e.row, e.col))
        return (e.is_delta, _sort_name(e.tensor), pattern, len(factor))
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
    sums = tuple(sorted((mapping[s] for s in t.sums), key=order.get))
    return Term(t.coef, sums, tuple(factors))


def _sort_name(e: ir.Expr) -> str:
    from matdiff_magic.render.printer import to_text  # noqa: PLC0415
    return e.name if isinstance(e, ir.Var) else "~" + to_text(e)


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
                out[n] = _with_factors(u, k, (u.factors[k] + t.factors[k],))
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
            if i not in free and i not in t.sums or len(ks) != want:
                raise unsupported("the entries of ∂f/∂" + self.wrt.name + " do not form a matrix "
                                  "product (an index is shared by more than two factors, as in a "
                                  "Hadamard product)")
        used = set()
        left, end = self._walk(t, I, used)
        if len(free) == 1:
            assert end is None
            body = left
        elif end == J:
            body = left
        else:
            right, end_j = self._walk(t, J, used)
            assert end is None and end_j is None
            if isinstance(left, ir.Fill) and isinstance(right, ir.Fill):   # every entry is 1
                body = ir.Fill(1, self.wrt.shape)
            else:
                body = mk_mul([left, mk_transpose(right)])
        scalars = [self._closed(t, k, used) for k in range(len(t.factors)) if k not in used]
        for s in t.sums:   # a summation index in no factor: Σ_p 1 = tr(I)
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
        if k is None:   # the entry does not depend on this index: a ones vector
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
        if e.row is None or e.col is None:    # an open chain: starts and ends at a size-1 side
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
