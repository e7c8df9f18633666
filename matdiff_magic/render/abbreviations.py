"""Names for subexpressions, defined once under the result ("where s = softmax(Wᵀx)").

Two kinds: repeated inner activations of a deep chain (t₁ = tanh(W₁x), t₂ = tanh(W₂t₁), …), as
backpropagation keeps intermediate values, so that a deep chain's derivation prints in size
linear in its depth (only for activations nested three deep or more: ``choose``); and the
subexpressions a result repeats (``repeated``): softmax(·) is s, sigmoid σ(·) is σ, others are
t₁, t₂, … (vectors) or M₁, M₂, … (matrices), never a name the cell uses, as many as the results
repeat (each defined by the names inside it: the adjoints of a network with the same W in every
layer, the levels of an inverse tower). Occurrences are counted by hashing, in one pass over the
results per name.

``for_view`` names what one view shows (the steps and one layout's result, or the JSON's steps and
every layout's result): only names its lines use, t₁, M₁, … numbered in order of first appearance
in it, a subexpression equal to a named one up to the order of a sum's terms printed by its name,
and one equal to its transpose (Sᵀ = S for a declared symmetric S) as M₁ᵀ when that is shorter.
"""

from __future__ import annotations

import itertools

from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.notation import name_latex, name_text
from matdiff_magic.render.printer import to_text

MIN_NESTING = 3


def _is_activation(node: ir.Expr) -> bool:
    return isinstance(node, (ir.Apply, ir.Softmax))


def nesting(node: ir.Expr, memo: dict) -> int:
    """Depth of nested activations below and including ``node``."""
    if id(node) in memo:
        return memo[id(node)]
    inner = max((nesting(k, memo) for k in node.children()), default=0)
    out = inner + 1 if _is_activation(node) else inner
    memo[id(node)] = out
    return out


def choose(f: ir.Expr, taken: set) -> dict:
    """node -> (TeX name, Unicode name) for every activation that sits inside another one."""
    memo: dict = {}
    if nesting(f, memo) < MIN_NESTING:
        return {}
    inner, seen, visited = [], set(), set()
    stack = [(f, False)]  # (node, lies under an activation)
    while stack:
        node, under = stack.pop()
        if (id(node), under) in visited:
            continue
        visited.add((id(node), under))
        if under and _is_activation(node) and node not in seen:
            seen.add(node)
            inner.append(node)
        stack.extend((k, under or _is_activation(node)) for k in node.children())
    inner.sort(key=lambda n: nesting(n, memo))
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    printed = _printed(taken)  # the cell's t1 prints t₁: an activation's name must not
    letter = next(
        (
            c
            for c in "tuhzsqvgrk"
            if c not in printed
            and not any(f"{c}{str(k).translate(sub)}" in printed for k in range(1, len(inner) + 1))
        ),
        None,
    )
    if letter is None:  # every letter taken as t1, u1, …: no names rather than a clash
        return {}
    return {
        node: (f"{letter}_{{{k}}}", f"{letter}{str(k).translate(sub)}")
        for k, node in enumerate(inner, start=1)
    }


# names a view's results may be given: as many as they repeat (a network of 128 layers with the
# same W names its activations and the adjoints between them, each defined by the one above it)
MAX_NAMES = 1000
MIN_SIZE = 3  # nodes: softmax(Wᵀx) is named, Xᵀ or A⁻¹ never
MIN_TEXT = 10  # characters: a repeated X² or a bᵀx stays as it is


def _size(node: ir.Expr, memo: dict) -> int:
    if id(node) not in memo:
        memo[id(node)] = (1 + sum(_size(k, memo) for k in node.children()), node)
    return memo[id(node)][0]


def _count(results: list, named: dict) -> dict:
    """node -> its most occurrences in one result (the layouts show one each), a named node
    counted but not entered."""
    most: dict = {}
    for result in {id(r): r for r in results}.values():  # in order: no dependence on hashes
        counts: dict = {}
        stack = [result]
        while stack:
            node = stack.pop()
            counts[node] = counts.get(node, 0) + 1
            if counts[node] == 1 and node not in named:
                stack.extend(node.children())
        for node, k in counts.items():
            most[node] = max(most.get(node, 0), k)
    return most


def _activation(node: ir.Expr) -> str | None:
    """The conventional letter of an activation the textbooks name: s = softmax(u), σ = σ(u)."""
    if isinstance(node, ir.Softmax):
        return "s"
    if isinstance(node, ir.Apply) and node.func == "sigmoid" and not node.is_scalar:
        return "sigma"
    return None


def _fresh(node: ir.Expr, taken: set) -> str:
    preferred = _activation(node)
    letters = [preferred, "p", "q"] if preferred else []
    base = "t" if node.shape[1] == 1 else "M"
    # taken holds names as written too (an activation's t₁), and the cell's t1 prints t₁ as well:
    # a name is fresh when neither it nor its print is taken; numbered without end (a network of
    # 128 layers names 127 activations and the adjoints between them)
    printed = _printed(taken)
    numbered = (f"{base}_{k}" for k in itertools.count(1))
    return next(
        n for n in itertools.chain(letters, numbered) if n not in taken and name_text(n) not in printed
    )


def _printed(taken: set) -> set:
    """The taken names and how each prints (t1 and t_1 both as t₁, sigma as σ)."""
    return set(taken) | {name_text(n) for n in taken}


def repeated(results: list, taken: set, named: dict | None = None) -> dict:
    """node -> (TeX name, Unicode name) for each subexpression that appears more than once in
    ``results`` (a softmax or sigmoid of a vector once is enough: its derivative repeats it in
    every step), largest first, inner ones only when they still repeat outside the named ones."""
    named = dict(named or {})
    out: dict = {}
    taken = set(taken) | {n for pair in named.values() for n in pair}
    memo: dict = {}
    long_enough: dict = {}  # node -> printed at least MIN_TEXT characters (printed once)
    for _ in range(MAX_NAMES):
        counts = _count(results, named)
        candidates = [
            node
            for node, k in counts.items()
            if (k >= 2 or _activation(node))
            and node not in named
            and node.children()
            and not node.is_scalar
            and not isinstance(node, (ir.Transpose, ir.Neg))  # the name would hide one ᵀ or sign
            and _size(node, memo) >= MIN_SIZE
        ]
        candidates.sort(key=lambda n: -_size(n, memo))
        best = None
        for node in candidates:
            if node not in long_enough:  # a node of MIN_TEXT nodes prints a character each, at least
                long_enough[node] = (
                    _activation(node) is not None
                    or _size(node, memo) >= MIN_TEXT
                    or len(to_text(node)) >= MIN_TEXT
                )
            if long_enough[node]:
                best = node
                break
        if best is None:
            break
        name = _fresh(best, taken)
        taken.add(name)
        kind = "vector" if best.shape[1] == 1 else "matrix"
        out[best] = named[best] = (name_latex(name, kind), name_text(name))
    return out


def _numbered(name: str) -> bool:
    return name[:2] in ("t_", "M_")


def _keys(nodes: list, memo: dict) -> tuple[dict, dict, dict, set]:
    """canonical key -> node, and of each node's transpose (simplified as the results are), and
    the numbers of leaves of them all; one ``memo`` for a view, so that each node is numbered once."""
    from matdiff_magic.derivation.simplify import canon

    flipped = [_flipped(n, memo) for n in nodes]
    direct = {canon(n, memo): n for n in nodes}
    transposed = {canon(t, memo): n for t, n in zip(flipped, nodes)}
    return direct, transposed, memo, {_leaves(n, memo) for n in [*nodes, *flipped]}


def _flipped(node: ir.Expr, memo: dict) -> ir.Expr:
    """``node``'s transpose, simplified as the results are: made once per node of a view (in its
    ``memo``), as the keys are made again for every set of names tried."""
    flips = memo.get("flipped")
    if flips is None:
        flips = memo["flipped"] = {}
    hit = flips.get(id(node))
    if hit is None:
        from matdiff_magic.derivation.simplify import push_transposes

        pushed = memo.setdefault("pushed", {})  # one walk for nested names: each holds the next
        hit = flips[id(node)] = (push_transposes(ir.Transpose(node), True, pushed), node)  # node kept alive
    return hit[0]


def _leaves(e: ir.Expr, memo: dict) -> int:
    """How many leaves ``e`` holds, each occurrence counted (in the view's ``memo``): equal for two
    expressions ``canon`` numbers alike (it orders and groups operands, never adds or drops one),
    so a node whose count no named node has is not numbered, and below one with fewer leaves than
    every named node none is met."""
    counts = memo.get("leaves")
    if counts is None:
        counts = memo["leaves"] = {}
    hit = counts.get(id(e))
    if hit is not None:
        return hit[0]
    n = 0
    for k in e.children():  # a child counted before (most of them) without a call
        known = counts.get(id(k))
        n += known[0] if known is not None else _leaves(k, memo)
    counts[id(e)] = (n or 1, e)  # keep e alive while its id is a key
    return n or 1


NOTHING_BELOW = (None, False)  # what ``match`` gives for a node with no match in its subtree


def _matcher(direct: dict, transposed: dict, memo: dict, leaves: set):
    """node -> (named node, transposed?) when it is printed by a name of the view, else None, or
    ``NOTHING_BELOW`` when neither it nor any node below it is (fewer leaves than every named
    node: the walks do not enter it)."""
    from matdiff_magic.derivation.simplify import canon

    least = min(leaves, default=0)
    counted = memo.setdefault("leaves", {})  # _leaves' counts, read here without a call

    def match(node: ir.Expr):
        if not node.children():
            return NOTHING_BELOW  # a leaf is never named here (nor entered)
        hit = counted.get(id(node))
        n = hit[0] if hit is not None else _leaves(node, memo)
        if n < least:
            return NOTHING_BELOW
        if n in leaves and not node.is_scalar:
            known = memo.get(id(node))  # numbered by an earlier walk of the view: most nodes
            key = known[0] if known is not None else canon(node, memo)
            if key in direct:
                return direct[key], False
            if key in transposed:
                return transposed[key], True
        return None

    return match


def _first_matches(lines: list, match, root=None, fixed=None):
    """(line index, node met, named node, transposed?) for each distinct node met (by identity), in
    printing order, not entering a match nor a node printed by a ``fixed`` name. Each distinct
    subexpression is visited once: the lines of a derivation share most of their subtrees."""
    seen: set = set()
    kinds = _kinds(fixed)
    for i, line in enumerate(lines):
        stack = [line]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            found = None if node is root else match(node)
            if found is NOTHING_BELOW:
                continue
            if found is not None:
                yield i, node, *found
                continue
            if type(node) in kinds and node is not root and node in fixed:
                continue
            stack.extend(reversed(node.children()))


def _kinds(fixed: dict | None) -> set:
    """The types of the ``fixed`` named nodes: a node of another type is not looked up (a look-up
    hashes the node, and its subtree the first time)."""
    return {type(k) for k in fixed} if fixed else set()


def _uses(
    lines: list, match, cache: dict, root=None, fixed=None, met: list | None = None, stops: list | None = None
) -> dict:
    """id(named node) -> how often ``lines`` print it (counted to 2, all a caller needs), counted
    per distinct subtree once (``cache``, by identity; ``root`` itself is never matched). ``met``,
    when given (with an empty ``cache``), gets what ``_first_matches`` gives for the same lines:
    the walk enters each distinct node once, first child first, as that one does; ``stops`` gets
    the nodes not entered for their ``fixed`` name."""

    kinds = _kinds(fixed)

    def merged(counts: list) -> dict:
        out: dict = {}
        for c in counts:
            for k, v in c.items():
                out[k] = min(2, out.get(k, 0) + v)
        return out

    def summed(kids: tuple) -> dict:
        counts = [c for c in (cache[id(k)][0] for k in kids) if c]
        return counts[0] if len(counts) == 1 else merged(counts)  # one child's counts: shared

    def count(i: int, top: ir.Expr) -> dict:
        stack = [(top, False)]
        while stack:
            node, ready = stack.pop()
            if ready:  # its children counted: matched when it was entered, and not a match
                counts = summed(node.children())
                if node is root:
                    return counts
                cache[id(node)] = (counts, node)  # keep node alive while its id is a key
                continue
            if id(node) in cache and node is not root:
                continue
            found = None if node is root else match(node)
            if found is NOTHING_BELOW:
                cache[id(node)] = ({}, node)
                continue
            if found is not None:
                cache[id(node)] = ({id(found[0]): 1}, node)
                if met is not None:
                    met.append((i, node, *found))
                continue
            if type(node) in kinds and node is not root and node in fixed:
                cache[id(node)] = ({}, node)
                if stops is not None:
                    stops.append(node)
                continue
            stack.append((node, True))
            # the first child on top: entered first, as the lines are printed
            stack.extend((k, False) for k in reversed(node.children()) if id(k) not in cache or k is root)
        return cache[id(top)][0]

    return merged([count(i, line) for i, line in enumerate(lines)])


def for_view(steps: list, results: list, taken: set, fixed: dict) -> dict:
    """node -> (TeX, text) for the view that shows the expressions ``steps`` (in order) and then
    ``results`` (one layout's, or every layout's): ``fixed`` names (deep chains' activations, sample statistics) as they are, and
    the subexpressions a result repeats (``repeated``), each kept only while the view uses it at
    least twice, one of those equal up to a sum's order or a transpose, numbered by first
    appearance."""
    if not fixed and _too_small(results):
        return {}
    lines = steps + results
    memo: dict = {}  # canonical numbers of the view's nodes
    taken = set(taken) | {n for pair in fixed.values() for n in pair}
    chosen = repeated(results, taken, fixed)  # repeated in a result (a step's repeats stay)
    nodes, walk = _distinct(list(chosen), lines, memo, fixed)
    met: list = []  # where the lines print the names kept, in printing order (_first_matches)
    while nodes:  # drop a name used once (its count was made before a larger one was named)
        if walk is None or not walk.serves(nodes, memo):
            walk = _Walk(lines, nodes, memo, fixed)
        match, met, uses, cache = walk.match, walk.met, walk.uses, walk.cache
        for n in nodes:  # a name inside another's definition is used there
            for k, v in _uses([n], match, cache, root=n, fixed=fixed).items():
                uses[k] = uses.get(k, 0) + v
        keep = [n for n in nodes if uses.get(id(n), 0) >= 2 or _activation(n)]
        if len(keep) == len(nodes):
            break
        nodes = keep
    if not nodes:
        return dict(fixed)
    # each name defined as the view's results write it (in the canonical order of their sums, so
    # that f typed either way defines s alike), else as its steps first write it; never by a
    # transpose or a negation of it
    # A walk meets the same nodes in any order of its lines (it stops only at matches, which do
    # not depend on the order): the first match in results + steps of a name no result prints is
    # its first match in the lines' own walk, which the names are then numbered by.
    first: dict = {}
    for _, node, named, _ in [*_first_matches(results, match, fixed=fixed), *met]:  # results first
        if not isinstance(node, (ir.Transpose, ir.Neg)):  # σᵀ is written by σ's name
            first.setdefault(id(named), node)
    chosen = {first.get(id(n), n): chosen[n] for n in nodes}
    if any(a is not b for a, b in zip(chosen, nodes)):  # met again with the new definitions
        match, met = _redefined(lines, met, nodes, list(chosen), memo, fixed)
    order: list = []  # named nodes by first appearance: the lines, then the definitions
    for _, _, named, _ in met:
        if all(named is not o for o in order):
            order.append(named)
    for n in list(order):
        for _, _, named, _ in _first_matches([n], match, root=n, fixed=fixed):
            if all(named is not o for o in order):
                order.append(named)
    names: dict = {}
    used = set(taken)
    for n in order:  # the activations keep their letter; t and M are numbered afresh
        old = chosen[n]
        name = _fresh(n, used) if _numbered_pair(old) else _plain(old, n, used)
        used.add(name)
        kind = "vector" if n.shape[1] == 1 else "matrix"
        names[n] = (name_latex(name, kind), name_text(name))
    out = dict(fixed)
    out.update(names)
    for _, node, named, flipped in met:
        if node in out:
            continue
        tex, text = names[named]
        if not flipped:
            out[node] = (tex, text)
        elif len(text) + 1 < len(to_text(node)):  # M₂ᵀ only where it is shorter
            out[node] = (f"{tex}^{{T}}", text + "ᵀ")
    return out


def _too_small(results: list) -> bool:
    """No result holds an activation or repeats a subexpression of MIN_SIZE nodes (two of them
    and what holds them are 2 * MIN_SIZE + 1 nodes): nothing to name, told without counting."""
    for result in results:
        stack, n = [result], 0
        while stack:
            node = stack.pop()
            n += 1
            if n > 2 * MIN_SIZE or _activation(node) is not None:
                return False
            stack.extend(node.children())
    return True


def _same_lookups(before: tuple, after: tuple, renamed: dict) -> bool:
    """Two ``_keys`` give matchers that find the same nodes, those of ``before`` renamed
    (``renamed``: id(node) -> its counterpart): the same keys look up counterparts, and the
    same leaf counts are looked up."""
    return after[3] == before[3] and all(
        len(b) == len(a) and all(a.get(k) is renamed[id(n)] for k, n in b.items())
        for b, a in zip(before[:2], after[:2])
    )


class _Walk:
    """The lines walked once with the names of ``nodes``: where they print them (``met``, as
    ``_first_matches`` gives it), how often (``uses``), the counts of each subtree (``cache``),
    and whether a ``fixed`` name kept the walk out of a node (``stopped``)."""

    def __init__(self, lines: list, nodes: list, memo: dict, fixed: dict):
        self.nodes, self.keys = nodes, _keys(nodes, memo)
        self.match = _matcher(*self.keys)
        self.cache: dict = {}
        self.met: list = []
        stops: list = []
        self.uses = _uses(lines, self.match, self.cache, fixed=fixed, met=self.met, stops=stops)
        self.stopped = bool(stops)

    def serves(self, nodes: list, memo: dict) -> bool:
        """The walk is the one the names of ``nodes`` give (the same nodes in another order, none
        of whose keys are shared)."""
        return _same_lookups(self.keys, _keys(nodes, memo), {id(n): n for n in self.nodes})


def _redefined(lines: list, met: list, old: list, new: list, memo: dict, fixed: dict) -> tuple:
    """The matcher of the names defined by ``new`` in place of ``old`` (pairwise), and where
    ``lines`` print them: ``met`` with the new nodes when every key looks up the new node where it
    looked up the old one (a definition numbered as the one it replaces, and so its transpose, as
    usual), since the walk is then the same; else the lines walked again."""
    after = _keys(new, memo)
    match = _matcher(*after)
    renamed = {id(o): n for o, n in zip(old, new)}
    if not _same_lookups(_keys(old, memo), after, renamed):
        return match, list(_first_matches(lines, match, fixed=fixed))
    return match, [(i, node, renamed[id(named)], flipped) for i, node, named, flipped in met]


def _distinct(nodes: list, lines: list, memo: dict, fixed: dict) -> tuple[list, _Walk | None]:
    """The nodes by first appearance, one of each set equal up to a sum's order or a transpose,
    and the walk of the lines that ordered them (``fixed`` names not entered; it serves the names
    kept when none was dropped)."""
    if len(nodes) < 2:
        return nodes, None
    walk = _Walk(lines, nodes, memo, fixed)
    # they are ordered as a walk that enters the fixed names meets them: this one, unless one
    # of those names stopped it
    met = walk.met if not walk.stopped else _first_matches(lines, walk.match)
    first: list = []
    for _, _, named, _ in met:
        if all(named is not f for f in first):
            first.append(named)
    first += [n for n in nodes if all(n is not f for f in first)]
    out: list = []
    for n in first:
        if not out or not _same_or_transposed(n, out, memo):
            out.append(n)
    return out, walk


def _same_or_transposed(node: ir.Expr, kept: list, memo: dict) -> bool:
    from matdiff_magic.derivation.simplify import canon

    direct, transposed, memo, _ = _keys(kept, memo)
    key = canon(node, memo)
    return key in direct or key in transposed


def _numbered_pair(pair: tuple) -> bool:
    return pair[1][:1] in ("t", "M") and pair[1][1:2] in "₀₁₂₃₄₅₆₇₈₉" and len(pair[1]) > 1


def _plain(pair: tuple, node: ir.Expr, used: set) -> str:
    """The letter an activation was given (s, sigma, p, q), kept."""
    printed = _printed(used)
    for name in ("s", "sigma", "p", "q"):
        if name_text(name) == pair[1] and name not in used and name_text(name) not in printed:
            return name
    return _fresh(node, used)
