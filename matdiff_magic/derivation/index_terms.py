"""Index notation for the definition method: f as a sum of products of entries.

A ``Term`` is ``coef · Σ_{sums} Π factors``; a factor is a tuple of alternative ``Entry``s that are
added (``(A_ij + A_ji)``, after like terms are grouped), usually just one. An index is an int: the
free indices are ``I`` and ``J`` (the entry i, j being derived), summation indices are positive,
and ``None`` stands for a dimension of size 1 (the column of a vector). ``Expander`` writes an
expression entry by entry; ``derivation.definition_index`` differentiates and collects the terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from matdiff_magic.derivation.quoting import QuotingError
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir

I, J = -1, -2  # the free indices i and j
MAX_TERMS = 24  # more terms than this are not worth writing out entry by entry
MAX_DEGREE = 2  # linear and quadratic (bilinear) forms in the variable
MAX_POWER = 4

SUPPORTED = (
    "the definition method (--by-definition) is shown for linear and bilinear forms "
    "(a'*x, a'*X*b, x'*A*x), traces of products (tr(A*X*B), tr(X'*X)), sums and squared "
    "norms of those"
)
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

    def renamed(self, mapping: dict) -> Entry:
        return replace(self, row=mapping.get(self.row, self.row), col=mapping.get(self.col, self.col))


@dataclass(frozen=True)
class Term:
    coef: Fraction
    sums: tuple  # summation indices, in the order they are written
    factors: tuple  # of tuples of alternative Entries

    def times(self, other: Term) -> Term:
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

    def __init__(self, wrt: ir.Var, written: Callable[[ir.Expr], str]):
        self.written = written  # how a tensor reads (the printer's text): the order of factors
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

    def order(self, tensor: ir.Expr) -> str:
        """Where ``tensor`` goes among the factors of a term: variables by name, then the other
        tensors (A⁻¹, tr(B), …) as they read."""
        return tensor.name if isinstance(tensor, ir.Var) else "~" + self.written(tensor)


class Expander:
    """Writes entry (r, c) of an expression as a sum of Terms, creating summation indices."""

    def __init__(self, wrt: ir.Var, index: Indices):
        self.wrt, self.index = wrt, index
        self.used: set = set()  # product, trace, sum, norm, hadamard: which identities were applied

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
        if (
            not self.depends(e)
            and e.is_scalar
            and not (isinstance(e, ir.MatMul) and all(f.is_scalar for f in e.factors))
        ):
            return self._entry(e, None, None)  # a scalar coefficient such as tr(A) or aᵀb, kept whole
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
            return self._entry(e, r, c)  # a constant such as inv(A): its entries (A⁻¹)_pq
        name = self.wrt.name
        raise QuotingError(
            lambda p: (
                f"{name} appears inside {_describe(e, p)}, which is not written out entry by "
                f"entry; {SUPPORTED}"
            ),
            f"{name} appears inside {_describe(e)}, which is not written out entry by entry; {SUPPORTED}",
            hint=USE_DIFFERENTIAL,
        )

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
        k: Fraction | int | None = e.exponent.value if isinstance(e.exponent, ir.Const) else None
        if k is None or k.denominator != 1 or not 1 <= k <= MAX_POWER:
            raise unsupported(
                f"{self.wrt.name} appears in a power with exponent other than 1, …, {MAX_POWER}"
            )
        k = int(k)
        base = e.base
        if isinstance(e, ir.Pow) and isinstance(base, ir.Norm) and base.p == 2 and k % 2 == 0:
            self.used.add("norm")

            def square():  # ‖u‖² = Σ_pq u_pq u_pq
                u = base.arg
                p, q = self.fresh(u.shape[0]), self.fresh(u.shape[1])
                new = tuple(i for i in (p, q) if i is not None)
                return [replace(t, sums=new + t.sums) for t in _product([self(u, p, q), self(u, p, q)])]

            return _product(square() for _ in range(k // 2))
        return _product(self(base, r, c) for _ in range(k))


def _describe(e: ir.Expr, printer=None) -> str:
    """What e is (inv(…), a power, …) and, once a printer is given, e itself (40 characters at most)."""
    names = {
        ir.Inverse: "inv(…)",
        ir.Det: "det(…)",
        ir.LogDet: "logdet(…)",
        ir.Norm: "a norm",
        ir.Apply: f"{getattr(e, 'func', '')}(…)",
        ir.DiagMatrix: "diag(…)",
        ir.DiagVector: "diag(…)",
        ir.Pow: "a power",
        ir.ElemPow: "an element-wise power",
    }
    what = names.get(type(e), type(e).__name__)
    if printer is None:
        return what
    text = printer.to_text(e)
    return f"{what} ({text if len(text) <= 40 else text[:39] + '…'})"


def degree(term: Term, wrt: ir.Var) -> int:
    return sum(1 for e in term.entries() if e.tensor == wrt)


def with_factor(t: Term, k: int, new: tuple) -> Term:
    """t with its k-th factor replaced by the factors ``new``."""
    return replace(t, factors=t.factors[:k] + new + t.factors[k + 1 :])
