"""The differential stage: from d(f) to an expression in dX, one rule per step.

Each rule is the differential facet of an op in ``ops/``: it pushes d(·) one level down and returns
the identity it applied; this stage decides where and in which order the rules apply.

Constants go first (every d(A) with A free of the variable becomes 0 in one step), then the rule
of the left-most outermost d(·) that is not yet dX is applied, in one step, at every pending d(·)
whose op gives that same identity ("product rule", applied to each term), as the textbooks write
it: a sum of N like terms takes as many steps as one term.

The work is done below the lowest node that holds every pending d(·) (the focus); what lies above
it (the context) is only put back together when a step is shown. A deep network then derives in
time linear in its depth, as backpropagation does, instead of rebuilding the whole expression at
every step.
"""

from __future__ import annotations

from matdiff_magic.derivation.quoting import QuotingError
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import tidy, zero
from matdiff_magic.ir.splice import splice, tidy_replace
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import find

TAKE = Identity("take the differential", "")
CONSTANT = Identity("constant", r"\mathrm{d}A = 0 \text{ for a constant } A", "dA = 0 for a constant A")
MAX_STEPS = 2_000


def differentiate_once(node: ir.Expr):
    """d(node) one level down by the op's rule (``ops/``): returns (new expression, Identity)."""
    op = find(node)
    if op is None or op.differential is None:
        raise QuotingError(
            lambda p: f"no differential rule for {p.to_text(node)}",
            f"no differential rule for {type(node).__name__}",
            culprit=node,
        )
    return op.differential(node)


def _has_d(node: ir.Expr) -> bool:
    return bool(node.d_vars())


# the walks below descend where d_vars() is not empty: the method itself, a call less per node
_HOLDS_D = ir.Expr.d_vars


def plug(frames: tuple, focus: ir.Expr) -> ir.Expr:
    """Put the focus back into its context, normalising each rebuilt ancestor."""
    node = focus
    for parent, index in reversed(frames):
        node = splice(parent, index, node)
    return node


def _descend(frames: list, focus: ir.Expr) -> ir.Expr:
    """Move the focus down while a single child holds every d(·)."""
    while not isinstance(focus, ir.D):
        holders = [
            i for i, k in enumerate(focus.children()) if (k._dvars if k._dvars is not None else k.d_vars())
        ]
        if len(holders) != 1:
            return focus
        frames.append((focus, holders[0]))
        focus = focus.children()[holders[0]]
    return focus


def differential_stage(f: ir.Expr | None, wrt: ir.Var, record, start: ir.Expr | None = None) -> ir.Expr:
    """Push d(·) down from d(f), or from ``start``, an expression that already holds d(·) nodes."""
    root: ir.Expr
    if start is None:
        assert f is not None  # f, or start
        root = ir.D(tidy(f))
        record(TAKE, root, focus=(root,))
    else:
        root = start
    frames: list = []
    focus = _descend(frames, root)
    below = _Below()
    absorb = not any(_symbolic_power(n) for n in root.walk())
    rules: dict = {}  # d(·) -> (replacement, identity), each pending d(·) pushed down once
    shown = None  # the line the last step made: the next step's line before it
    for _ in range(MAX_STEPS):
        ds = below.ds(focus)
        constants = {n: zero(n.shape) for n in ds if not ir.depends_on(n.arg, wrt.name)}
        if constants:
            identity, mapping = CONSTANT, constants
        else:
            pending = [n for n in ds if n.arg != wrt]
            if not pending:
                return plug(tuple(frames), focus)
            identity, mapping = _same_rule(pending, rules)
        new_focus = tidy_replace(focus, mapping, _HOLDS_D, below.kept_apart_from(ds, mapping))
        context = tuple(frames)
        before, shown = shown or _lazy(context, focus), _lazy(context, new_focus)
        record(identity, shown, before=before)
        focus = new_focus
        if not _has_d(focus):  # every differential left became zero: the context decides
            return plug(context, focus)
        focus = _descend(frames, _absorbed(frames, focus) if absorb else focus)
    raise MatdiffError(f"the derivation took more than {MAX_STEPS} steps; the expression is too large")


class _Below:
    """What lies below each node of the focus, worked out once per node (nodes are immutable; each
    is kept here, so that its id stays its own): the distinct d(·) in it, in the order a walk from
    it meets them, and whether it is settled, i.e. tidied and so is every node on the way to its
    d(·), and each other child of those is tidied or a leaf. A step leaves a settled node that
    holds none of the d(·) it rewrites as it is (``tidy_replace``), so it need not enter it: a
    step's work is the ancestors of what it rewrites, not every node that holds a d(·)."""

    def __init__(self) -> None:
        self._ds: dict = {}  # id -> (node, its d(·))
        self._settled: dict = {}  # id -> node, once found settled (a tidied node stays tidied)

    def ds(self, node: ir.Expr) -> tuple:
        """The distinct d(·) in ``node`` (one that holds some), in walk order (``ir.Expr.walk``)."""
        known = self._ds.get(id(node))
        if known is not None:
            return known[1]
        head = (node,) if isinstance(node, ir.D) else ()
        # a child's d(·) read without a call where known (every child of a node that holds one)
        parts = [self.ds(k) for k in node.children() if (k._dvars if k._dvars is not None else k.d_vars())]
        if not head and len(parts) == 1:
            out = parts[0]
        else:  # first occurrences, by identity: what a walk that visits a shared node once meets
            out = tuple({id(d): d for part in (head, *parts) for d in part}.values())
        self._ds[id(node)] = (node, out)
        return out

    def settled(self, node: ir.Expr) -> bool:
        if id(node) in self._settled:
            return True
        if not node._tidy:
            return False
        for k in node.children():
            if not (self.settled(k) if k.d_vars() else k._tidy or not k.children()):
                return False
        self._settled[id(node)] = node
        return True

    def kept_apart_from(self, ds: tuple, mapping: dict):
        """A test of the nodes a step that rewrites ``mapping``'s d(·) leaves as they are: those
        that hold none of them and are settled."""
        rewritten = {id(d) for d in ds if d in mapping}

        def kept(node: ir.Expr) -> bool:
            return rewritten.isdisjoint(map(id, self.ds(node))) and self.settled(node)

        return kept


_FLATTENED = (ir.MatMul, ir.Hadamard, ir.Add)


def _absorbed(frames: list, focus: ir.Expr) -> ir.Expr:
    """The focus merged into the context above it while it is a product or sum inside one of its
    kind (u⁻¹ d(u) in a product of such factors): put back, it would be spread into that one at
    every later step, a pass over the whole product per level of context; merged once, each step
    puts back one product. The lines are the same either way: the smart constructors fold
    numbers, signs and numeric powers of one base in any grouping; only a power with a symbolic
    exponent depends on the grouping (its base's other powers are left beside it), so an
    expression holding one is not merged (``_symbolic_power``)."""
    while frames and type(focus) in _FLATTENED and type(frames[-1][0]) is type(focus):
        parent, index = frames.pop()
        focus = splice(parent, index, focus)
    return focus


def _symbolic_power(node: ir.Expr) -> bool:
    return isinstance(node, (ir.Pow, ir.ElemPow)) and not isinstance(node.exponent, ir.Const)


def _same_rule(pending: list, rules: dict) -> tuple[Identity, dict]:
    """The identity of the first pending d(·) and {d(·): replacement} for every pending d(·)
    whose op applies that same identity (a d(·) without a rule waits for its turn to be refused)."""

    def rule(node):
        if node not in rules:
            try:
                rules[node] = differentiate_once(node.arg)
            except QuotingError:
                if node is pending[0]:
                    raise
                rules[node] = (None, None)
        return rules[node]

    replacement, identity = rule(pending[0])
    mapping = {pending[0]: replacement}
    for node in pending[1:]:
        if node not in mapping:
            other, same = rule(node)
            if same == identity:
                mapping[node] = other
    return identity, mapping


def _lazy(context: tuple, focus: ir.Expr):
    cache: list = []

    def whole() -> ir.Expr:
        if not cache:
            cache.append(plug(context, focus))
        return cache[0]

    return whole
