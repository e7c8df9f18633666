"""Like terms collected (3A − A = 2A) and common context merged (X Aᵀ + X A = X (Aᵀ + A)).

``collect`` and ``merge_common_context`` are one pass each over an expression. Merging a pair of
terms collects and merges the sum left in the hole (Aᵀ + A above), and in a long sum the hole of one
term grows by a term at each merge (xᵀA₁x + … + xᵀA_Nx: A₁ + A₁ᵀ + A₂ + …): done afresh, each merge
would walk the whole sum again. A ``Collecting`` keeps what it learns for the length of one
simplification instead: every node collected (by identity), every canonical number, and for each
sum it merged, the pairs already known not to merge (``like_terms.PairScan``) and the canonical
numbers of its terms. A sum given back with a few more terms then costs those terms only. The
results are those of collecting and merging afresh: a shortcut is taken only where its conditions
are checked (the sum's terms are what collecting them gives, no two alike, none a sum to flatten),
and otherwise the general way is.
"""

from __future__ import annotations

from matdiff_magic.derivation.like_terms import PairScan, context_keys
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    flat_terms,
    is_zero,
    mk_add,
    mk_neg,
    rebuild,
    split_coef,
    with_coef,
    zero,
)


def canon(e: ir.Expr, memo: dict | None = None) -> int:
    """A number, equal for expressions that differ only in the order of commuting operands (⊙, +,
    the 1×1 factors of a product),
    among the expressions numbered with the same ``memo``. A number rather than a nested tuple:
    hashing a tuple walks all of it, which on a DAG of shared subtrees is the tree written out."""
    memo = {} if memo is None else memo
    if id(e) in memo:
        return memo[id(e)][0]
    kids = e.children()
    keys = [memo[id(k)][0] if id(k) in memo else canon(k, memo) for k in kids]
    if isinstance(e, (ir.Hadamard, ir.Add)):
        keys.sort()
    numbers = memo.setdefault("numbers", {})  # (type, attributes, children's numbers) -> number
    flip = memo.get(FLIP, False)
    if isinstance(e, ir.MatMul):  # 1×1 factors commute with every factor: a b X = b a X
        scalar = [f.is_scalar for f in kids]
        if any(scalar) and not all(scalar):  # k wᵀ w: its run wᵀ w is a 1×1 factor too
            scalar, keys = _scalar_runs(kids, scalar, keys, numbers, memo if flip else None)
        elif flip and not any(scalar) and e.shape == (1, 1):  # aᵀx = xᵀa
            keys = min(keys, _flipped(kids, keys, numbers, memo))
        scalars = sorted(k for k, s in zip(keys, scalar) if s)
        keys = [*scalars, -1, *(k for k, s in zip(keys, scalar) if not s)]
    elif flip and isinstance(e, ir.Transpose) and isinstance(e.arg, ir.Add):  # (A + Aᵀ)ᵀ = Aᵀ + A
        terms = e.arg.terms
        t_keys = _flipped(terms, [memo[id(t)][0] for t in terms], numbers, memo)
        out = numbers.setdefault(("Add", *sorted(t_keys)), len(numbers))
        memo[id(e)] = (out, e)
        return out
    out = numbers.setdefault((type(e).__name__, *(getattr(e, a) for a in e._attrs), *keys), len(numbers))
    memo[id(e)] = (out, e)  # keep e alive while its id is a key
    return out


# A key of canon's memo: set (by the collection of like terms), a 1×1 product is numbered as its
# transpose is when that numbers lower (aᵀx and xᵀa are one term), and the transpose of a sum as the
# sum of its terms' transposes ((A + Aᵀ)ᵀ and A + Aᵀ are one term). Equal numbers still mean equal
# values: a 1×1 matrix is its own transpose.
FLIP = "flip"


def _flipped(nodes, keys: list, numbers: dict, memo: dict) -> list:
    """The numbers of the transposes of ``nodes`` in reverse order (a product's factors: (AB)ᵀ =
    BᵀAᵀ): the transpose of Xᵀ is numbered as X, any other's as a Transpose node of it would be."""
    out = []
    for f, k in zip(reversed(nodes), reversed(keys)):
        if isinstance(f, ir.Transpose):
            out.append(memo[id(f.arg)][0])
        else:
            out.append(numbers.setdefault(("Transpose", k), len(numbers)))
    return out


def _scalar_runs(
    kids: tuple, scalar: list, keys: list, numbers: dict, flip: dict | None = None
) -> tuple[list, list]:
    """Which factors of a product are 1×1, and their numbers, with each run of matrices that
    multiplies out to 1×1 (the wᵀ w of k wᵀ w) one 1×1 factor numbered as the product wᵀw is
    (a product with no 1×1 factor: (type, -1, its factors' numbers)), so k wᵀ w and k (wᵀw) are
    the same term."""
    out_scalar: list = []
    out_keys: list = []
    run: list = []  # the keys of a run of matrices since the last 1×1 factor or run
    nodes: list = []  # its factors
    first: ir.Expr | None = None  # the run's first factor
    for f, s, k in zip(kids, scalar, keys):
        if s:
            out_scalar += [False] * len(run) + [True]
            out_keys += run + [k]
            run, first, nodes = [], None, []
            continue
        run.append(k)
        nodes.append(f)
        first = f if first is None else first
        if len(run) > 1 and first.shape[0] == 1 and f.shape[1] == 1:
            if flip is not None:  # (aᵀx) b and (xᵀa) b
                run = min(run, _flipped(nodes, run, numbers, flip))
            out_scalar.append(True)
            out_keys.append(numbers.setdefault(("MatMul", -1, *run), len(numbers)))
            run, first, nodes = [], None, []
    out_scalar += [False] * len(run)
    out_keys += run
    return out_scalar, out_keys


# nodes that are linear in each child: P[c₁A] + P[c₂B] = P[c₁A + c₂B]
LINEAR = (
    ir.MatMul,
    ir.Hadamard,
    ir.Transpose,
    ir.Trace,
    ir.DiagMatrix,
    ir.DiagVector,
    ir.Vec,
    ir.SumAll,
    ir.Kron,
    ir.Neg,
)


def collect(e: ir.Expr) -> ir.Expr:
    """Collect like terms of every sum: 3A − A = 2A (operands of ⊙ and + in any order)."""
    if not _holds_sum(e):
        return e  # what collecting gives back when there is no sum: found by a walk, not a rebuild
    return Collecting().collect(e)


def _holds_sum(e: ir.Expr) -> bool:
    return any(isinstance(node, ir.Add) for node in e.walk())


def merge_common_context(e: ir.Expr) -> ir.Expr:
    """X Aᵀ + X A = X (Aᵀ + A); Xᵀdiag(u)X + Xᵀdiag(v)X = Xᵀdiag(u + v)X. The pairs that may
    merge are found by hashing (``like_terms``), in the order of a pairwise scan."""
    return Collecting().merge(e)


def _collect_node(node: ir.Expr, go, canon_memo: dict) -> ir.Expr:
    kids = node.children()
    if kids:
        new = [go(k) if k.children() else k for k in kids]  # a leaf is collected already
        if not all(a is b for a, b in zip(new, kids)):
            node = rebuild(node, new)
    if not isinstance(node, ir.Add):
        return node
    groups: dict = {}  # canonical number of the rest -> coefficient, added up only for like terms
    first: dict = {}
    for t in node.terms:
        c, rest = split_coef(t)
        k = canon(rest, canon_memo) if rest is not None else None
        if k in groups:
            groups[k] += c
        else:
            groups[k], first[k] = c, rest
    if len(groups) == len(node.terms):
        return node  # no two terms alike: the sum as it is (rebuilding it would rebuild its parents)
    terms = [with_coef(c, first[k]) for k, c in groups.items() if c != 0]
    return mk_add(terms or [zero(node.shape)])


def _flat_already(t: ir.Expr) -> bool:
    """A term that ``mk_add`` keeps as it is."""
    return not (isinstance(t, ir.Add) or (isinstance(t, ir.Neg) and isinstance(t.arg, ir.Add)) or is_zero(t))


def _keys(t: ir.Expr) -> list:
    return context_keys(split_coef(t)[1], LINEAR)


class _Merged:
    """A sum ``merge`` gave, with its scan (no pair of its terms merges) and, once checked
    (``ready``), the canonical number of each term's rest by position: every term is what
    collecting it gives, no two are alike and none would be spread by ``mk_add``."""

    __slots__ = ("numbers", "ready", "scan", "taken")

    def __init__(self, scan: PairScan) -> None:
        self.scan, self.ready = scan, False
        self.numbers: dict = {}  # position -> canonical number of its term's rest
        self.taken: set = set()  # those numbers

    def drop(self, p: int) -> None:
        if p in self.numbers:
            self.taken.discard(self.numbers.pop(p))


class Collecting:
    """Collection and context merging over one simplification, remembering what it computed."""

    def __init__(self) -> None:
        self.memo: dict = {}  # id(node) -> (collected, node): node kept alive while its id is a key
        self.canon_memo: dict = {FLIP: True}  # like terms: aᵀx and xᵀa are one
        self.sums: dict = {}  # id(sum) -> (sum, _Merged), for the sums ``merge`` gave

    def collect(self, e: ir.Expr) -> ir.Expr:
        hit = self.memo.get(id(e))
        if hit is None:
            hit = self.memo[id(e)] = (_collect_node(e, self.collect, self.canon_memo), e)
        return hit[0]

    def _number(self, t: ir.Expr):
        rest = split_coef(t)[1]
        return None if rest is None else canon(rest, self.canon_memo)

    def merge(self, e: ir.Expr) -> ir.Expr:
        """``merge_common_context``."""
        if not isinstance(e, ir.Add):
            return e
        scan = PairScan(self._merged, _keys)
        for t in e.terms:
            scan.add(t)
        scan.run()
        out = mk_add(scan.terms())
        if isinstance(out, ir.Add) and all(a is b for a, b in zip(out.terms, scan.terms())):
            self.sums[id(out)] = (out, _Merged(scan))
        return out

    def _merged(self, a: ir.Expr, b: ir.Expr) -> ir.Expr | None:
        ci, ri = split_coef(a)
        cj, rj = split_coef(b)
        if ri is None or rj is None:
            return None
        path = _hole(ri, rj)
        if not path:  # identical, or nothing in common around the difference
            return None
        x, piece = _at(ri, path), with_coef(cj, _at(rj, path))
        inner = self._extended(x, piece) if ci == 1 else None
        if inner is None:
            inner = self.merge(self.collect(mk_add([with_coef(ci, x), piece])))
        if isinstance(inner, ir.Add) and all(split_coef(t)[0] < 0 for t in inner.terms):
            # −A(B + C)D, not A(−B − C)D: the context is linear in the hole
            return mk_neg(_fill(ri, path, mk_add([mk_neg(t) for t in inner.terms])))
        return _fill(ri, path, inner)

    def _extended(self, x: ir.Expr, piece: ir.Expr) -> ir.Expr | None:
        """``merge(collect(x + piece))`` for a sum x that ``merge`` gave, from what is known of x;
        None when that is not enough (then the caller collects and merges afresh)."""
        entry = self.sums.pop(id(x), None)
        if entry is None or entry[0] is not x:
            return None
        known: _Merged = entry[1]
        if not known.ready and not self._check(known, range(len(known.scan.alive))):
            return None
        # what collecting x + piece does: x's terms stay, the new ones are collected and spread
        extra = flat_terms([self.collect(t) for t in flat_terms([piece])])
        numbers = [self._number(t) for t in extra]
        if len(set(numbers)) < len(numbers) or known.taken.intersection(numbers):
            return None  # like terms: the general way
        scan = known.scan
        for t, n in zip(extra, numbers):
            known.numbers[scan.add(t)] = n
            known.taken.add(n)
        scan.touched.clear()
        scan.run()
        changed = list(dict.fromkeys(scan.touched))
        for p in changed:
            known.drop(p)
        known.ready = self._check(known, [p for p in changed if scan.alive[p] is not None])
        terms = scan.terms()
        if not known.ready or len(terms) < 2:
            return mk_add(terms)
        out = ir.Add(terms)  # what mk_add gives: no term to spread or drop (checked)
        self.sums[id(out)] = (out, known)
        self.memo[id(out)] = (out, out)  # collected already: its terms are, none alike
        return out

    def _check(self, known: _Merged, positions) -> bool:
        """Number the terms at ``positions``; False when one is not what collecting it gives,
        would be spread by ``mk_add``, or is like another."""
        for p in positions:
            t = known.scan.alive[p]
            if t is None:
                continue
            n = self._number(t)
            if self.collect(t) is not t or not _flat_already(t) or n in known.taken:
                return False
            known.numbers[p] = n
            known.taken.add(n)
        return True


def _hole(a: ir.Expr, b: ir.Expr):
    """The path to the one place where a and b differ under linear nodes; None when they differ
    elsewhere too (or not at all)."""
    if a == b:
        return None
    if (
        type(a) is type(b)
        and isinstance(a, LINEAR)
        and a._attrs == b._attrs
        and all(getattr(a, x) == getattr(b, x) for x in a._attrs)
    ):
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
    return rebuild(e, kids)


def _at(e: ir.Expr, path: tuple) -> ir.Expr:
    for i in path:
        e = e.children()[i]
    return e
