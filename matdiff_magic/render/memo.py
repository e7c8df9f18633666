"""Print each distinct subexpression once per notation while one derivation is shown.

A derivation's output prints its steps in TeX and in text, with and without the changed parts
coloured, in the text/plain, text/latex and JSON forms of the bundle; consecutive steps share most
of their subtrees. Inside ``printing()`` the printer keeps what it printed by node identity (and
its options), so a subtree already printed costs a dictionary look-up, and the named activations
are found by canonical number (``ir.intern``) instead of by comparing trees. Outside it, every call
prints afresh, as before. The memo lives as long as the outermost ``printing()`` block: it keeps
the nodes it holds alive, so their ids cannot be reused while it exists.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager

from matdiff_magic.depth import collector_paused
from matdiff_magic.ir.intern import Interner
from matdiff_magic.ir.nodes import Expr


class Memo:
    """What has been printed during one ``printing()`` block."""

    def __init__(self) -> None:
        self.printed: dict[tuple, dict[int, tuple[str, int]]] = {}  # options -> id -> (str, prec)
        self.held: list[Expr] = []  # the nodes printed: their ids, keys of ``printed``, stay theirs
        self.printers: dict[tuple, object] = {}  # options -> the printer that colours nothing
        self.numbers = Interner()
        # id(abbrev) -> (abbrev, by number, hashes, types)
        self._tables: dict[int, tuple[dict, dict, set, set]] = {}
        self._under: dict[tuple, tuple[Expr, frozenset, set]] = {}  # marked-ancestor sets
        self._parents: dict[int, list[int]] = {}  # id(node) -> ids of the nodes it is a child of
        self._entered: dict[int, Expr] = {}  # the nodes whose children are in _parents
        self._holding: dict[int, dict[int, bool]] = {}  # id(old node) -> id(node) -> holds it
        self.kept: dict[tuple, tuple] = {}  # (kind, id) -> (the object, what was computed for it)
        self.widths: dict = {}  # measure -> it, each piece's width remembered (render.linebreak)

    def keep(self, kind: Hashable, owner, compute):
        """``compute()`` once per ``owner`` (by identity) while the memo lives (the shortening of
        a step, shared by the text, TeX and JSON of the bundle)."""
        key = (kind, id(owner))
        hit = self.kept.get(key)
        if hit is None:
            hit = self.kept[key] = (owner, compute())
        return hit[1]

    def abbreviation(self, node: Expr, abbrev: dict):
        """``abbrev.get(node)``, found by the node's canonical number; a node whose hash no named
        node has is not equal to any of them (a line's new nodes are not numbered for nothing)."""
        entry = self._tables.get(id(abbrev))
        if entry is None:
            entry = (abbrev, self.numbers.table(abbrev), {hash(k) for k in abbrev}, {type(k) for k in abbrev})
            self._tables[id(abbrev)] = entry
        if type(node) not in entry[3] or hash(node) not in entry[2]:  # the type first: no hash to compute
            return None
        return entry[1].get(self.numbers.number(node))

    def marked_below(self, root: Expr, highlight: frozenset) -> set:
        """Ids of the nodes of ``root`` that are or hold a node of ``highlight`` (ids): only
        those print differently when the highlighted parts are coloured.

        The highlighted nodes new in ``root`` (made by the step, the usual case; a step's line
        shares everything else with the line before) have their holders found by walking up a map
        of parents that the lines shown so far have filled in, each node entered once: expressions
        are immutable, so a node made before them cannot hold them. An older highlighted node (a
        step whose changed part is an older node: d(A)B + A d(B) = A d(B) for a constant A) held
        by many nodes (dX, shared by every line) has what holds it kept from line to line
        (``_holders``); for the others, the nodes of ``root`` reached from it through their
        ancestors, when those are few, else the whole line is walked."""
        key = (id(root), highlight)
        hit = self._under.get(key)
        if hit is not None:
            return hit[2]
        new = self._enter(root)
        fresh = highlight if highlight <= new else highlight & new
        out: set = set()
        stack = list(fresh)  # every node above a new one is new: in root
        while stack:
            i = stack.pop()
            if i not in out:
                out.add(i)
                stack.extend(self._parents.get(i, ()))
        if fresh is not highlight:
            out |= self._old_marked(root, highlight - new, len(new))
        self._under[key] = (root, highlight, out)
        return out

    def _old_marked(self, root: Expr, old: frozenset, new: int) -> set:
        """Ids of the nodes of ``root`` that are or hold a node of ``old``, nodes entered with an
        earlier line; ``new``: how many nodes ``root`` brought."""
        parents = self._parents
        wide = [i for i in old if len(parents.get(i, ())) >= _WIDE]
        out: set = set()
        for i in wide:
            out |= self._holders(root, i)
        rest = old.difference(wide) if wide else old
        if rest:
            above = self._ancestors(rest, 4 * new + 1_000)
            out |= self._walk(root, rest) if above is None else self._reached(root, above)
        return out

    def _holders(self, root: Expr, node: int) -> set:
        """Ids of the nodes of ``root`` that are or hold the node of id ``node``, what each node
        visited holds kept for the next line: consecutive lines share most of their nodes."""
        known = self._holding.get(node)
        if known is None:
            known = self._holding[node] = {}
        if id(root) not in known:
            _holds(root, node, known)
        out: set = set()
        stack = [root] if known[id(root)] else []
        while stack:
            e = stack.pop()
            if id(e) not in out:
                out.add(id(e))
                stack.extend(k for k in e.children() if known[id(k)])
        return out

    def _ancestors(self, highlight: frozenset, most: int) -> set | None:
        """Ids of the nodes, in any line entered so far, that are or hold a highlighted node; None
        past ``most`` of them (an old leaf shared by every line)."""
        out: set = set()
        stack = list(highlight)
        while stack:
            i = stack.pop()
            if i not in out:
                out.add(i)
                if len(out) > most:
                    return None
                stack.extend(self._parents.get(i, ()))
        return out

    @staticmethod
    def _reached(root: Expr, above: set) -> set:
        """Ids of the nodes of ``root`` reached from it through nodes of ``above`` only: a node is
        the same subexpression in every line, so those are the ones of root that hold a node."""
        out: set = set()
        stack = [root] if id(root) in above else []
        while stack:
            node = stack.pop()
            if id(node) not in out:
                out.add(id(node))
                stack.extend(k for k in node.children() if id(k) in above and id(k) not in out)
        return out

    def _enter(self, root: Expr) -> set:
        """Enter the parents of every node of ``root`` not entered yet; the ids of those nodes."""
        new: set = set()
        entered, parents = self._entered, self._parents
        stack = [root]
        pop, push, add, parent = stack.pop, stack.append, new.add, parents.get  # once, not per node
        while stack:
            node = pop()
            i = id(node)
            if i in entered:
                continue
            entered[i] = node  # kept alive: its id stays its own
            add(i)
            kids = node._kids  # children(), without the call once they are known (most nodes)
            for k in node.children() if kids is None else kids:
                j = id(k)
                held = parent(j)
                if held is None:
                    parents[j] = [i]
                else:
                    held.append(i)
                if j not in entered:
                    push(k)
        return new

    @staticmethod
    def _walk(root: Expr, highlight: frozenset) -> set:
        """Ids of the nodes of ``root`` that are or hold a highlighted node: each distinct node
        once, every child visited (a holder's other children may hold one too). Recursive, as the
        printer that asks is: as deep as the line, and a call is cheaper than a stack of tuples."""
        out: set = set()
        known: dict = {}

        def holds(node: Expr) -> bool:
            found = id(node) in highlight
            for k in node.children():
                below = known.get(id(k))
                if below is None:
                    below = holds(k)
                found = below or found
            known[id(node)] = found
            if found:
                out.add(id(node))
            return found

        holds(root)
        holds = None  # type: ignore[assignment]  # it refers to itself: freed now, not at a collection
        return out


# an older highlighted node with this many parents (in every line so far) is held by more nodes
# than a line has: what holds it is kept from line to line instead of searched for each time
_WIDE = 16


def _holds(e: Expr, node: int, known: dict) -> bool:
    """Whether e is or holds the node of id ``node``, recorded in ``known`` for e and every node
    below it not yet there (all children visited: each is asked about again in later lines).
    Recursive, as the printer that asks is."""
    found = id(e) == node
    for k in e.children():
        below = known.get(id(k))
        if below is None:
            below = _holds(k, node, known)
        found = below or found
    known[id(e)] = found
    return found


_current: Memo | None = None


def current() -> Memo | None:
    """The memo of the ``printing()`` block being run, if any."""
    return _current


@contextmanager
def printing() -> Iterator[Memo]:
    """Share printed subexpressions until the outermost block ends (nested blocks join it)."""
    global _current
    if _current is not None:
        yield _current
        return
    _current = made = Memo()
    try:
        with collector_paused():  # the memo holds every line's nodes (depth.py)
            yield made
    finally:
        _current = None
        # the kept printers hold the memo: without them it is freed by reference counting, not
        # left, with every node it holds, to the cyclic collector
        made.printers.clear()
