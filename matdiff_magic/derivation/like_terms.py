"""Which terms of a sum can be merged, found by hashing instead of by trying every pair.

Two terms share a context (X Aᵀ + X A = X (Aᵀ + A)) only when their outermost nodes are the same
linear node with every child equal but one. Each term is filed under one key per child (the node's
type and attributes, and a hash of its other children); only terms filed under a common key are
tried.

The pairs are tried in the order of a pairwise scan: the first pair (p, q), p before q, that merges
is merged (the merged term takes p's place, q is dropped) and the scan starts again, until no pair
merges. Since trying a pair depends only on its two terms, a pair already refused need not be tried
again: each term that is new to the sum (every term at first, then each merged term) streams the
pairs it makes, in order, from the sorted positions filed under its keys, and a heap takes the
first of all streams. A sum of N terms that merge one after another then costs about N tries and
N log N bookkeeping, not N per merge; and a sum known to have no mergeable pair (``PairScan``
kept from an earlier scan) takes a few new terms at the cost of their own pairs only.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_right, insort
from collections.abc import Callable, Hashable, Iterable, Iterator

from matdiff_magic.ir import nodes as ir


def context_keys(rest: ir.Expr | None, linear: tuple) -> list[Hashable]:
    """The keys of a term (its coefficient split off: ``rest``) under which a term that differs
    from it in one child of its outermost linear node is filed too; none for another node."""
    if rest is None or not isinstance(rest, linear):
        return []
    kids = rest.children()
    head = (type(rest), tuple(getattr(rest, a) for a in rest._attrs), len(kids))
    # the other children by a hash of those before and one of those after, chained: linear in
    # the number of children (a key shared by chance costs one try that ``merge`` refuses)
    before, after = [0], [0]
    for k in kids:
        before.append(hash((before[-1], k)))
    for k in reversed(kids):
        after.append(hash((after[-1], k)))
    n = len(kids)
    return [(*head, d, before[d], after[n - 1 - d]) for d in range(n)]


Merge = Callable[[ir.Expr, ir.Expr], "ir.Expr | None"]


class PairScan:
    """The terms of a sum, by position, merged as a pairwise scan would merge them (``run``).

    ``merge(a, b)`` (a before b) gives the merged term or None, and must give None for two terms
    that share no key of ``keys``. Positions never move: a dropped term leaves a hole, a merged
    one takes the place of the first of its pair, and ``add`` appends. ``touched`` lists the
    positions whose term changed or was dropped, for a caller that keeps facts by position."""

    def __init__(self, merge: Merge, keys: Callable[[ir.Expr], Iterable[Hashable]]) -> None:
        self.merge, self.keys = merge, keys
        self.alive: list[ir.Expr | None] = []
        self.filed: dict[int, list] = {}  # position -> its keys
        self.buckets: dict[Hashable, list[int]] = {}  # key -> positions, ascending
        self.touched: list[int] = []
        self._heap: list = []
        self._order = itertools.count()  # ties between streams broken by age: a stable order

    def terms(self) -> list[ir.Expr]:
        return [t for t in self.alive if t is not None]

    def add(self, term: ir.Expr, known: bool = False) -> int:
        """Append ``term``; ``known``: its pairs with the terms already here are known not to
        merge (a sum kept from an earlier scan, given again term by term)."""
        p = len(self.alive)
        self.alive.append(term)
        self._file(p)
        if not known:
            self._streams(p)
        return p

    def run(self) -> None:
        """Merge until no pair merges, trying the pairs in the order of a pairwise scan."""
        heap = self._heap
        while heap:
            p, q, _, stream, owner, term = heapq.heappop(heap)
            if self.alive[owner] is not term:
                continue  # the stream of a term merged since: the new term has its own
            self._push(stream, owner, term)
            a, b = self.alive[p], self.alive[q]
            if a is None or b is None:
                continue
            merged = self.merge(a, b)
            if merged is None:
                continue
            self._unfile(p)
            self._unfile(q)
            self.alive[p], self.alive[q] = merged, None
            self.touched += [p, q]
            self._file(p)
            self._streams(p)

    # -- bookkeeping
    def _file(self, p: int) -> None:
        self.filed[p] = list(dict.fromkeys(self.keys(self.alive[p])))  # type: ignore[arg-type]  # alive
        for k in self.filed[p]:
            insort(self.buckets.setdefault(k, []), p)

    def _unfile(self, p: int) -> None:
        for k in self.filed.pop(p):
            self.buckets[k].remove(p)

    def _streams(self, p: int) -> None:
        if not self.filed[p]:
            return  # filed under no key: the term merges with none
        term = self.alive[p]
        self._push(self._stream(p, term, False), p, term)
        self._push(self._stream(p, term, True), p, term)

    def _push(self, stream: Iterator, owner: int, term) -> None:
        pair = next(stream, None)
        if pair is not None:
            heapq.heappush(self._heap, (*pair, next(self._order), stream, owner, term))

    def _stream(self, d: int, term, later: bool) -> Iterator[tuple[int, int]]:
        """The pairs of the term at ``d`` with those filed under a key of its, in scan order:
        (d, q) for q after d (``later``), or (p, d) for p before it. The buckets are read afresh
        at each step: a term merged meanwhile at a position not yet reached is met too."""
        last = d if later else -1
        while self.alive[d] is term:
            nxt = None
            for k in self.filed[d]:
                b = self.buckets[k]
                i = bisect_right(b, last)
                if i < len(b) and (later or b[i] < d) and (nxt is None or b[i] < nxt):
                    nxt = b[i]
            if nxt is None:
                return
            last = nxt
            yield (d, nxt) if later else (nxt, d)


def merge_pairs(
    terms: list[ir.Expr],
    merge: Merge,
    keys: Callable[[ir.Expr], Iterable[Hashable]],
) -> list[ir.Expr]:
    """``terms`` with pairs merged as a scan of every pair would merge them: the first term that
    ``merge(a, b)`` (a before b) merges with a later one is replaced by the merged term, the other
    dropped, and the scan starts again, until no pair merges. Only pairs that share a key of
    ``keys`` are tried: ``merge`` must give None for any other pair."""
    scan = PairScan(merge, keys)
    for t in terms:
        scan.add(t)
    scan.run()
    return scan.terms()
