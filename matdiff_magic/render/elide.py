"""A long line shown around what changed, the rest written ⋯.

A step of a deep network's derivation rewrites one small part of an expression that grows with the
depth; printing the whole expression at every step makes the output grow as the square of the
depth (a depth-64 chain printed 3 MiB). As one writes such a derivation by hand, a step whose line
is long (more than ``LIMIT`` nodes) shows the top of the expression (``TOP`` levels), the
``AROUND`` levels around each changed part, and each changed part to ``BELOW`` levels; a larger
neighbour is written ⋯ and a run of levels in between ⋯ X ⋯ (X continued inside). A sum or
product of more than ``WIDE`` terms or factors shows ``EDGE`` at each end and those beside a
change, each run of the others one ⋯. A changed part that is a shared node (x ⊗ I in every term of
a Jacobian) is shown around its first place; a rule applied at many terms of a sum, at its first
terms, each with all its changes. The last line of each stage is always printed whole
(``derivation.record``), so every result a stage reaches is shown in full; only the lines on the
way are shortened.

``elision`` returns what the printer needs (``printer.to_latex(..., elide=...)``): for the id of
each node not printed, None (written ⋯), or the node printed between ⋯ and ⋯ in its place; the
windows of the wide sums and products; and the ids of the nodes above those, the only ones that
print differently from the whole line (the others are looked up in the printer's memo).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from matdiff_magic.ir import nodes as ir

LIMIT = 200  # nodes of a line as printed (a shared subtree once per place, a name as one)
TOP = 3  # levels below the root that are shown
AROUND = 3  # levels above each changed part that are shown
BELOW = 4  # levels of a changed part that are shown
SMALL = 12  # nodes: a neighbour this small is shown whole
CHANGES = 3  # changed parts shown: a rule applied at many places is shown at its first three
WIDE = 8  # terms or factors: a longer sum or product shows its ends and what is near a change
EDGE = 2  # terms or factors shown at each end of a wide one
_WIDENED = (ir.Add, ir.MatMul, ir.Hadamard)  # printed as a run of terms or factors


class _Tree:
    """The line as printed: a node with a name (``abbrev``) is a leaf; sizes and distances to the
    changed parts, each node once (by identity)."""

    def __init__(
        self, focus: tuple, abbrev: dict | None, holders: set | None = None, sizes: _Tree | None = None
    ):
        self.abbrev, self.focus = abbrev, {id(f) for f in focus}
        named = sizes._named if sizes is not None else {type(k) for k in abbrev or ()}
        self._named: set = named  # the types of the named nodes (only those are looked up)
        self.holders = holders  # ids of the nodes that are or hold a changed part, when known
        # children and sizes do not depend on the focus: the lines of one view share them
        self._kids: dict = sizes._kids if sizes is not None else {}
        self._size: dict = sizes._size if sizes is not None else {}
        self._dist: dict = {}
        self._down: dict = {}  # id -> the one child that holds a changed part, or None (trace)

    def kids(self, e: ir.Expr) -> tuple:
        hit = self._kids.get(id(e))
        if hit is None:
            named = type(e) in self._named and e in (self.abbrev or {})  # the type first: no hash
            hit = self._kids[id(e)] = (() if named else e.children(), e)
        return hit[0]

    def larger(self, e: ir.Expr, limit: int) -> bool:
        """Whether e has more than ``limit`` nodes as printed, counting no further than needed."""
        return self._count(e, limit) > limit

    def _count(self, e: ir.Expr, limit: int) -> int:
        """The nodes of e, or some number over ``limit`` once it is known to have more."""
        known = self._size.get(id(e))
        if known is not None and (known[1] or known[0] > limit):  # exact, or already over
            return known[0]
        n, kids, size = 1, self.kids(e), self._size
        for k in kids:
            if n > limit:  # already over: its other children need not be counted
                break
            seen = size.get(id(k))  # a child counted before (most of them) without a call
            n += (
                seen[0]
                if seen is not None and (seen[1] or seen[0] > limit - n)
                else self._count(k, limit - n)
            )
        size[id(e)] = (n, n <= limit or not kids)  # exact, or a lower bound
        return n

    def holds(self, e: ir.Expr) -> bool:
        """e is or holds a changed part (when the holders are known, a look-up)."""
        if self.holders is not None:
            return id(e) in self.holders  # each holds one: they lead to a changed part
        return self.distance(e) < math.inf

    def distance(self, e: ir.Expr) -> float:
        """Levels from e down to the nearest changed part (0: e is one; inf: e holds none)."""
        near = self._dist.get(id(e))
        if near is None:
            holders = self.holders
            if holders is not None and id(e) not in holders:
                return math.inf  # known to hold no changed part: not walked
            near = math.inf
            if id(e) in self.focus:
                near = 0.0
            else:
                for k in self.kids(e):
                    if holders is None or id(k) in holders:  # the others hold none: no call
                        below = self._dist.get(id(k))
                        near = min(near, 1 + (self.distance(k) if below is None else below))
            self._dist[id(e)] = near
        return near

    def trace(self, value: ir.Expr, target: ir.Expr, holding: set) -> set:
        """The ids of the nodes from ``value`` down to the first place of ``target`` when every
        node of ``holding`` holds it, each the first child that holds it, as ``_first_places``
        walks it (the walk never turning back); those are the holders of this line, their
        distances found from the bottom up without a call per node, and the child each leads to
        when it is the only holder (``descend``)."""
        path: list = []
        below: list = []  # the children of each that hold the target
        e = value
        kids, _kids = self.kids, self._kids
        while True:
            path.append(e)
            if e is target:
                below.append(())
                break
            hit = _kids.get(id(e))  # kids(e), without the call when known
            held = [k for k in (hit[0] if hit is not None else kids(e)) if id(k) in holding]
            below.append(held)
            if not held:
                return set()
            e = held[0]
        places = self.holders = {id(n) for n in path}
        dist, down = self._dist, self._down
        for e, held in zip(reversed(path), reversed(below)):  # a holder below e: after it
            if id(e) in self.focus:
                dist[id(e)] = 0.0
                continue
            if len(held) == 1:  # the usual node: the next one on the path
                dist[id(e)], down[id(e)] = 1 + dist[id(held[0])], held[0]
                continue
            held = [k for k in held if id(k) in places]
            dist[id(e)] = min(1 + dist[id(k)] for k in held)
            down[id(e)] = held[0] if len(held) == 1 else None
        return places

    def descend(self, e: ir.Expr) -> ir.Expr:
        """The node below e shown in its place as ⋯ X ⋯: down the one child that holds a changed
        part while it is more than ``AROUND`` levels above one (e itself when there is none)."""
        dist, down, holders = self._dist, self._down, self.holders or set()
        while True:
            d = dist.get(id(e))
            if (self.distance(e) if d is None else d) <= AROUND:
                return e
            if id(e) in down:
                n = down[id(e)]
            else:
                held = [c for c in self.kids(e) if id(c) in holders]
                n = held[0] if len(held) == 1 else None
            if n is None:
                return e
            e = n


@dataclass
class Elision:
    """What a shortened line leaves out: ``marks``, id -> None (⋯) or the node shown as ⋯ X ⋯;
    ``above``, the ids of the nodes that hold a mark; ``windows``, id of a wide sum or product ->
    the positions of the terms or factors it shows (each run of the others is one ⋯); ``shown``,
    the changed parts the line shows (a rule applied at many places: its first ones); ``keep``,
    the nodes, alive while ids are keys."""

    marks: dict = field(default_factory=dict)
    above: set = field(default_factory=set)
    windows: dict = field(default_factory=dict)
    shown: tuple = ()
    keep: list = field(default_factory=list)

    def mark(self, e: ir.Expr, shown: ir.Expr | None = None) -> bool:
        self.marks[id(e)] = shown
        self.above.add(id(e))  # printed as ⋯, not as the memo has it
        self.keep.append(e)
        return True

    def window(self, e: ir.Expr, kids: tuple, near: list) -> tuple:
        """The children of e shown: all of them, or, for a wide sum or product, the ``EDGE`` at
        each end and those at ``near`` and beside them (A₁ A₂ ⋯ A₁₅ A₁₆, as one writes it). A node
        is the same subexpression wherever it is, so its window is too."""
        if len(kids) <= WIDE or not isinstance(e, _WIDENED):
            return tuple(range(len(kids)))
        shown = set(range(EDGE)) | set(range(len(kids) - EDGE, len(kids)))
        shown |= {j for i in near for j in (i - 1, i, i + 1) if 0 <= j < len(kids)}
        if len(shown) < len(kids):
            self.windows[id(e)] = frozenset(shown)
            self.mark_above(e)
        return tuple(sorted(shown))

    def mark_above(self, e: ir.Expr) -> None:
        self.above.add(id(e))
        self.keep.append(e)


def _changed_parts(root: ir.Expr, ids: set, kids, seen: set):
    """The changed parts (``ids``) below ``root`` in printing order, each distinct node visited
    once (``seen``, shared by the caller's walks) and none entered: ``kids(e)``, the children
    walked."""
    stack = [root]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if id(e) in ids:
            yield e
            continue
        stack.extend(reversed(kids(e)))


def _first(value: ir.Expr, focus: tuple, count: int, holding: set | None) -> tuple:
    """The first ``count`` of the changed parts, in printing order; ``holding``: the ids of the
    nodes that hold one, when known (only those are entered, not every term of a long sum)."""
    kids = ir.Expr.children if holding is None else (lambda e: [k for k in e.children() if id(k) in holding])
    parts = _changed_parts(value, {id(f) for f in focus}, kids, set())
    return tuple(itertools.islice(parts, count))


def sizes(abbrev: dict | None) -> _Tree:
    """The children and sizes of the nodes of lines printed with ``abbrev``, counted once for all
    of them (keep it no longer than those lines: nodes are known by identity)."""
    return _Tree((), abbrev)


def _first_places(value: ir.Expr, shown: tuple, kids, holding: set | None) -> set:
    """Ids of the nodes on the way from the root to the first place, in printing order, of each
    changed part: a part that is a shared node (x ⊗ I in every term of a Jacobian) is shown
    around its first place, not around every one. ``holding``: the ids of the nodes that hold a
    changed part, when known (only those are entered)."""
    targets = {id(f) for f in shown}
    found: set = set()
    out: set = set()
    seen: set = set()
    path: list = []
    stack = [(value, 0)]
    while stack and len(found) < len(targets):
        e, depth = stack.pop()
        del path[depth:]
        i = id(e)
        if i in seen:
            continue
        seen.add(i)
        path.append(i)
        if i in targets:
            found.add(i)
            out.update(path)
            continue
        below = [k for k in kids(e) if holding is None or id(k) in holding]
        if len(below) == 1:  # on a path (the usual case): no reversal
            stack.append((below[0], depth + 1))
        else:
            stack.extend((k, depth + 1) for k in reversed(below))
    return out


def _whole_terms(value: ir.Add, focus: tuple, kids, holding: set | None) -> tuple:
    """The changed parts of the first terms of the sum that hold one, each term with all of its
    own (−2 (x ⊗ I) ⋯ − ⋯ would hide one of them), as many terms as hold ``CHANGES`` at most
    together, and at least the first."""
    ids = {id(f) for f in focus}
    seen: set = set()
    out: list = []

    def holders(e: ir.Expr) -> list:  # the children that hold a change (all, when not known)
        return [k for k in kids(e) if holding is None or id(k) in holding]

    for term in value.terms:
        parts = list(_changed_parts(term, ids, holders, seen))
        if out and len(out) + len(parts) > CHANGES:
            break
        out += parts
    return tuple(out)


def is_long(value: ir.Expr, abbrev: dict | None = None, known: _Tree | None = None) -> bool:
    """The line has more than LIMIT nodes as printed (counted no further); ``known``: the sizes
    counted for other lines with the same names (``sizes``)."""
    return (known or _Tree((), abbrev)).larger(value, LIMIT)


def elision(
    value: ir.Expr, focus: tuple, abbrev: dict | None = None, holders=None, known: _Tree | None = None
) -> Elision | None:
    """What to leave out of a line of ``value`` whose changed parts are ``focus``; None when the
    line is short enough to print whole or nothing changed. ``abbrev``: the names the line is
    printed with (a named node counts as one); ``holders``: a function giving the ids of the nodes
    that are or hold a changed part (the printer's ``memo.marked_below``, which the highlighting
    needs too), asked only for a long line; ``known``: as for ``is_long``."""
    base = known or sizes(abbrev)  # children and sizes, shared by every walk of the line
    if not focus or not is_long(value, abbrev, base):
        return None
    holding = holders() if holders is not None else None
    shown = _first(value, focus, CHANGES, holding) if len(focus) > CHANGES else focus
    if len(shown) < len(focus) and isinstance(value, ir.Add):
        shown = _whole_terms(value, focus, base.kids, holding)
    if holding is not None and len(focus) == 1:  # one changed part: every holder leads to it
        tree = _Tree(shown, abbrev, set(), base)
        places = tree.trace(value, focus[0], holding)
    else:
        places = _first_places(value, shown, base.kids, holding)  # what holds a changed part shown
        tree = _Tree(shown, abbrev, places, base)
    if tree.distance(value) == math.inf:
        return None
    out = Elision(shown=shown)

    def changed(e: ir.Expr, level: int) -> bool:  # a changed part, to BELOW levels
        if not tree.larger(e, SMALL):
            return False
        kids = tree.kids(e)
        below = False
        for i in out.window(e, kids, []):
            k = kids[i]
            if level + 1 >= BELOW and tree.larger(k, SMALL):
                below = out.mark(k)
            else:
                below = changed(k, level + 1) or below
        return held(e, below or id(e) in out.windows)

    def held(e: ir.Expr, below: bool) -> bool:
        if below:
            out.above.add(id(e))
        return below

    def around(e: ir.Expr, depth: int) -> bool:  # a node that holds a changed part, shown
        if id(e) in tree.focus:
            return changed(e, 0)
        kids = tree.kids(e)
        below = False
        near = [i for i, k in enumerate(kids) if id(k) in places] if len(kids) > WIDE else []  # read if wide
        for i in out.window(e, kids, near):
            k = kids[i]
            d = tree.distance(k)
            if d == math.inf:
                if tree.larger(k, SMALL):
                    below = out.mark(k)
            elif d == 0 or depth + 1 <= TOP or d <= AROUND:
                below = around(k, depth + 1) or below
            else:  # levels in between: down the one branch that holds the change, as ⋯ X ⋯
                n = tree.descend(k)
                if n is not k:
                    below = out.mark(k, n)
                below = around(n, depth + 1) or below
        return held(e, below or id(e) in out.windows)

    around(value, 0)
    # each calls itself through its closure, a cycle: broken here, the walk's state freed now
    changed = around = None  # type: ignore[assignment]  # noqa: F811
    return out if out.marks or out.windows else None
