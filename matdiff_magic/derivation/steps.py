"""A recorded step of a derivation and how to tell what it changed.

A step records expressions, never their printed form: the render layer (``render.steps``) prints
them when the step is shown. A line that is not one expression (``f, Y = …``, ``X̂ = …``, a sum in
index notation) and a note that quotes an expression are recorded as functions of the printer —
any object with ``to_latex(expr, **options)`` and ``to_text(expr, **options)`` — so that they are
printed the same way, and only when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.identity import Identity

if TYPE_CHECKING:  # the type checker reads it as the standard one
    from functools import cached_property as cached
else:

    class cached:  # lower case, as functools.cached_property
        """``functools.cached_property`` without the lock Python 3.11 takes on every first read:
        a step's value and marked line (and a shown step's line, ``render.steps``) are first read
        for every step printed, and the lock cost more than most of them. Two threads reading one
        at once would each compute an equal value; the last one stays."""

        def __init__(self, func):
            self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

        def __set_name__(self, owner, name):
            self.name = name

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = instance.__dict__[self.name] = self.func(instance)
            return value


STAGES = ("function", "differential", "trace", "readoff", "layout")


@dataclass(frozen=True)
class Step:
    stage: str
    rule: str
    identity: Identity | None
    lhs: str  # TeX of the left-hand side ('' continues the previous line)
    lhs_text: str
    expr: ir.Expr | Callable | None  # the right-hand side after the step (an Expr, or a function giving it)
    focus: tuple = ()  # nodes of expr that changed
    note: str | Callable = ""  # plain text, or printer -> text when it quotes an expression
    hide_scalar_trace: bool = False
    line: Callable | None = None  # a line that is not one expression: printer -> (TeX, text)
    highlighted: Callable | None = None  # printer -> TeX of that line with its new part coloured
    abbrev: dict | None = field(default=None, compare=False)  # names of repeated activations
    chain: tuple = ()  # a line e₁ = e₂ = … (the read-off); the last one is highlighted
    before: ir.Expr | None = field(default=None, compare=False)  # focus = what changed since, on demand
    shorten: bool = field(default=False, compare=False)  # a long line may be shown around its change

    @cached
    def value(self) -> ir.Expr | None:
        """The expression after the step; a stage may give it as a function, built when shown."""
        return self.expr() if callable(self.expr) else self.expr

    @cached
    def marked(self) -> tuple[ir.Expr | None, tuple]:
        """The line as shown and the parts of it that changed: given by the rule, or found by
        comparing with ``before`` (``marked_line``: a changed variable a node of its own there)."""
        if self.focus or self.before is None or self.value is None:
            return self.value, self.focus
        before = self.before() if callable(self.before) else self.before
        line, parts = marked_line(before, self.value)
        return line, tuple(parts)

    @property
    def focus_nodes(self) -> tuple:
        """The parts of the line shown (``marked``) that changed."""
        return self.marked[1]

    @property
    def identity_latex(self) -> str:
        return self.identity.latex if self.identity else ""

    @property
    def identity_text(self) -> str:
        return self.identity.text if self.identity else ""


_HOW_SHOWN = frozenset({"abbrev", "shorten"})  # fields that say only how a step is printed


def restyled(step: Step, **how) -> Step:
    """``dataclasses.replace(step, **how)`` for the fields that say only how the step is printed
    (``abbrev``, ``shorten``), keeping what the step computed (its value and marked line, the same
    expressions): each view's copy of every step is made without a call per field, and its line
    is not compared with the one before again."""
    if not how.keys() <= _HOW_SHOWN:
        raise TypeError(f"restyled changes only {', '.join(sorted(_HOW_SHOWN))}")
    copy = object.__new__(Step)
    copy.__dict__.update(step.__dict__)
    copy.__dict__.update(how)
    return copy


def marked_line(before: ir.Expr, after: ir.Expr) -> tuple[ir.Expr, list[ir.Expr]]:
    """``after`` and its parts that differ from ``before`` (``changed_nodes``), where a changed
    part is a leaf (a variable, a constant: one node wherever it is written) given a node of its
    own, the line rebuilt above it: d(AXB) = A dX B spliced into a product colours that A and B,
    not the A and B of AXB − C beside it."""
    parts = changed_nodes(before, after)
    leaves = {id(p) for p in parts if not p.children()}
    if not leaves:
        return after, parts
    changed = {id(p) for p in parts}
    own: dict = {}  # id(leaf) -> its copies, one per changed position

    def go(b: ir.Expr | None, a: ir.Expr) -> ir.Expr:
        # the positions changed_nodes compared: the same walk, rebuilding where a leaf changed
        if id(a) in changed and a is not b and (b is None or b != a):
            if id(a) in leaves:
                copy = ir.distinct_copy(a)
                own.setdefault(id(a), []).append(copy)
                return copy
            return a
        if b is None or type(b) is not type(a):
            return a
        bk, ak = b.children(), a.children()
        if len(bk) == len(ak) and bk:
            kids = [k if j is k else go(j, k) for j, k in zip(bk, ak)]
        elif bk and ak:
            old = set(bk)
            kids = [k if k in old else go(None, k) for k in ak]
        else:
            return a
        return ir.with_new_children(a, kids)

    line = go(before, after)
    go = None  # type: ignore[assignment]  # it refers to itself: freed now, not at a collection
    shown: list = []
    for p in parts:  # a leaf listed once per position: its copies, once
        shown += own.pop(id(p), []) if id(p) in leaves else [p]
    return line, shown


def changed_nodes(before: ir.Expr, after: ir.Expr) -> list[ir.Expr]:
    """The smallest parts of ``after`` that differ from ``before`` (compared position by position)."""
    if before is after:
        return []
    # Down the one child that differs while the rest is the same: the pair is equal exactly when
    # that child's is, so only where the walk stops are the two compared (their hashes computed
    # there, not for the whole line).
    while True:
        if type(before) is not type(after) or not (
            not before._attrs or all(getattr(before, a) == getattr(after, a) for a in before._attrs)
        ):
            return [after]  # never equal: no hash to compute
        bk, ak = before.children(), after.children()
        pairs = [(b, a) for b, a in zip(bk, ak) if b is not a] if len(bk) == len(ak) else None
        if pairs is not None and len(pairs) == 1:
            before, after = pairs[0]
            continue
        if before == after:
            return []
        if pairs:  # several children differ (a shared child skipped)
            out: list = []
            for b, a in pairs:
                out += changed_nodes(b, a)
            return out or [after]
        if bk and ak:
            old = set(bk)
            new = [a for a in ak if a not in old]
            if new and len(new) < len(ak):
                return new
        return [after]


# stages whose steps rewrite one expression, so that a step may leave it as it was
_REWRITING = ("differential", "trace", "vec")


def merge_unchanged(steps: list[Step]) -> list[Step]:
    """The steps with every step that leaves the shown expression as it was (``= A dy`` after
    ``= A dy``: vectorising a column, the trace of a scalar where it is not written) merged into
    the step before it, which made that expression; the merged step names both rules and both
    identities. Two neighbours both given as functions (built when shown) are not compared."""
    out: list[Step] = []
    for s in steps:
        if out and _unchanged(out[-1], s):
            out[-1] = merged(out[-1], s)
        else:
            out.append(s)
    return out


def _unchanged(prev: Step, s: Step) -> bool:
    if prev.stage not in _REWRITING or s.stage not in _REWRITING:
        return False
    if prev.line is not None or s.line is not None or prev.chain or s.chain or s.note:
        return False
    if callable(prev.expr) and callable(s.expr):
        return False  # built only when shown (long differentials): not built to be compared
    if (callable(prev.expr) or callable(s.expr)) and prev.stage == s.stage:
        return False  # within a stage a lazy step is a rewrite that changed something
    a, b = prev.value, s.value
    if not isinstance(a, ir.Expr) or not isinstance(b, ir.Expr):
        return False
    if prev.hide_scalar_trace != s.hide_scalar_trace:
        return False
    if a == b:
        return True
    shown_a, shown_b = _shown(a, s.hide_scalar_trace), _shown(b, s.hide_scalar_trace)
    if shown_a is a and shown_b is b:  # both printed as held: compared above
        return False
    return shown_a == shown_b


def _shown(e: ir.Expr, hide: bool) -> ir.Expr:
    """e as printed when the trace of a scalar is not written: tr(a) read as a (in a sum too);
    e itself when it is printed as held."""
    while (hide and isinstance(e, ir.Trace) and e.arg.is_scalar) or (
        isinstance(e, ir.Vec) and e.arg.shape[1] == 1
    ):
        e = e.arg  # vec of a column is printed as the column
    if isinstance(e, ir.Neg):
        arg = _shown(e.arg, hide)
        return e if arg is e.arg else ir.Neg(arg)
    if isinstance(e, ir.Add):
        terms = [_shown(t, hide) for t in e.terms]
        return e if all(t is held for t, held in zip(terms, e.terms)) else ir.Add(terms)
    return e


def merged(prev: Step, s: Step) -> Step:
    rule = f"{prev.rule}; {s.rule}" if s.rule and s.rule != prev.rule else prev.rule
    identity = prev.identity
    if s.identity is not None and s.identity != prev.identity:
        identity = (
            s.identity
            if identity is None
            else Identity(
                rule,
                identity.latex + r",\quad " + s.identity.latex,
                identity.text + "; " + s.identity.text,
                identity.cookbook or s.identity.cookbook,
            )
        )
    return replace(prev, rule=rule, identity=identity)


def with_textbook_step(steps: list[Step]) -> list[Step]:
    """The read-off shows the result as simplified by ``simplify.basic``; when the textbook
    rewrites (``derivation.rewrites``) shorten it further, a step after it names the identities
    they used ("simplify: (AB)⁻¹ = B⁻¹A⁻¹") and shows the result they give."""
    from matdiff_magic.derivation.simplify import rewritten_from

    i = max((k for k, s in enumerate(steps) if s.stage == "readoff"), default=None)
    if i is None or not steps[i].chain:
        return steps
    read = steps[i]
    after = read.chain[-1]
    found = rewritten_from(after)
    if found is None:
        return steps
    before, used = found
    chain = (*read.chain[:-1], before) if len(read.chain) > 1 else (before,)
    identity = Identity(
        "simplify",
        r",\quad ".join(u.latex for u in used),
        "; ".join(u.text for u in used),
        next((u.cookbook for u in used if u.cookbook), ""),
    )
    simplified = Step("readoff", "simplify", identity, "", "", after, before=before)
    return [*steps[:i], replace(read, expr=before, focus=(before,), chain=chain), simplified, *steps[i + 1 :]]


def function_as_written(steps: list[Step]) -> list[Step]:
    """f = softmax(Wᵀh + b) printed in full even where softmax(Wᵀh + b) gets a name (s) in the
    result: the first line says what f is."""
    if not steps or steps[0].stage != "function" or not isinstance(steps[0].expr, ir.Expr):
        return steps
    f = steps[0].expr
    if not isinstance(f, (ir.Softmax, ir.Apply)):
        return steps
    first = replace(
        steps[0],
        line=lambda p: (p.to_latex(f), p.to_text(f)),
        highlighted=lambda p: p.to_latex(f),
    )
    return [first, *steps[1:]]


def textbook_steps(steps: list[Step]) -> list[Step]:
    """The recorded steps as shown: no step that changes nothing, the textbook rewrites as a
    step after the read-off, f as written."""
    return function_as_written(with_textbook_step(merge_unchanged(steps)))
