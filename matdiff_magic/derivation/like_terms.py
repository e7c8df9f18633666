"""Which terms of a sum can be merged, found by hashing instead of by trying every pair.

Two terms share a context (X Aᵀ + X A = X (Aᵀ + A)) only when their outermost nodes are the same
linear node with every child equal but one. Each term is filed under one key per child (the node's
type and attributes, and a hash of its other children); only terms filed under a common key are
tried. The
pairs are tried in the order of a pairwise scan (the first term, then its first partner), and
after a merge only the pairs the merged term makes are tried again, so a sum of N terms costs
about N tries, not N² per merge.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable

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


def merge_pairs(
    terms: list[ir.Expr],
    merge: Callable[[ir.Expr, ir.Expr], ir.Expr | None],
    keys: Callable[[ir.Expr], Iterable[Hashable]],
) -> list[ir.Expr]:
    """``terms`` with pairs merged as a scan of every pair would merge them: the first term that
    ``merge(a, b)`` (a before b) merges with a later one is replaced by the merged term, the other
    dropped, and the scan starts again, until no pair merges. Only pairs that share a key of
    ``keys`` are tried: ``merge`` must give None for any other pair."""
    alive: list[ir.Expr | None] = list(terms)
    filed: dict[int, list] = {}  # position -> its keys
    buckets: dict[Hashable, list[int]] = {}  # key -> positions, ascending

    def add(p: int) -> None:
        filed[p] = list(dict.fromkeys(keys(alive[p])))  # type: ignore[arg-type]  # alive
        for k in filed[p]:
            bisect.insort(buckets.setdefault(k, []), p)

    def remove(p: int) -> None:
        for k in filed.pop(p):
            buckets[k].remove(p)

    def partners(p: int, later: bool) -> list[int]:
        found = {q for k in filed[p] for q in buckets[k] if (q > p if later else q < p)}
        return sorted(found)

    for p in range(len(alive)):
        add(p)
    start, changed = 0, None
    while True:
        pair = None
        if changed is not None:  # the pairs the merged term makes with the terms before it
            for q in partners(changed, later=False):
                merged = merge(alive[q], alive[changed])  # type: ignore[arg-type]
                if merged is not None:
                    pair = (q, changed, merged)
                    break
        p = start
        while pair is None and p < len(alive):
            if alive[p] is not None:
                for q in partners(p, later=True):
                    merged = merge(alive[p], alive[q])  # type: ignore[arg-type]
                    if merged is not None:
                        pair = (p, q, merged)
                        break
            p += 1
        if pair is None:
            return [t for t in alive if t is not None]
        first, second, merged = pair
        remove(first)
        remove(second)
        alive[first], alive[second] = merged, None
        add(first)
        start, changed = first, first
