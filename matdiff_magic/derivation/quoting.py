"""Errors that quote an expression, printed where they reach the user.

The stages record expressions and never print them, so an error such as "cannot move dX out of
A ⊙ dX" is raised as a ``QuotingError``: its message is a function of the printer (any object with
``to_text(expr)``), and ``derive`` prints it (``printed``) before the error leaves the pipeline.
Until then its message names the expression only as "this expression".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.ir import nodes as ir


class QuotingError(MatdiffError):
    """A ``MatdiffError`` whose message quotes an expression: ``compose(printer)`` is the message.
    ``culprit``, the part of f (or of its differential) the stage cannot handle, places the caret:
    ``printed`` finds where it stands in ``source``. ``fallback_hint``: the hint when the pipeline
    has none better (a name's defaulted kind that made the form unsupported comes first)."""

    def __init__(
        self, compose: Callable, unprinted: str, hint: str | None = None, culprit: ir.Expr | None = None
    ):
        super().__init__(unprinted, hint=hint)
        self.compose = compose
        self.culprit = culprit
        self.fallback_hint: str | None = None

    def printed(self, printer, source: str | None = None) -> MatdiffError:
        """The same error with the expression printed in its message, and its place in the source."""
        span = self.span
        if span is None and source is not None:
            span = locate(source, self.culprit)
        return MatdiffError(self.compose(printer), source or self.source, span, self.hint)


def differential_text(p, dX: ir.Expr) -> str:
    """The differential of the variable as the message writes it: dx (vector or scalar), dX."""
    return p.to_text(dX)


def _undiff(e: ir.Expr) -> ir.Expr:
    """e with every differential dX read as X: the part of f a term of df comes from."""
    if isinstance(e, ir.D):
        return e.arg
    kids = e.children()
    return e.with_children([_undiff(k) for k in kids]) if kids else e


def _has_d(e: ir.Expr) -> bool:
    return isinstance(e, ir.D) or any(_has_d(k) for k in e.children())


def _ast_children(node) -> list:
    from matdiff_magic.syntax import ast

    if isinstance(node, (ast.Neg, ast.Transpose)):
        return [node.operand]
    if isinstance(node, ast.Power):
        return [node.base, node.exponent]
    if isinstance(node, ast.Sum):
        return [t for _, t, _ in node.terms]
    if isinstance(node, ast.Product):
        return [t for _, t, _ in node.items]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def locate(source: str, culprit: ir.Expr | None) -> Span | None:
    """Where ``culprit`` stands in ``source``: the smallest sub-expression of the last line whose IR
    is the culprit with dX read as X, or else is one of its parts that holds a differential; the
    whole expression when none is (a caret under the line rather than none)."""
    from matdiff_magic.syntax.parser import parse
    from matdiff_magic.types.infer import infer_sizes
    from matdiff_magic.types.lower import _Lowering

    try:
        program = parse(source)
        lowering = _Lowering(program, infer_sizes(program))
        defs: dict = {}
        for definition in program.definitions[:-1]:
            defs[definition.name] = lowering.build(definition.expr, defs)
        line = program.definitions[-1].expr
    except Exception:  # the source typed once already; a locator never hides the error itself
        return None
    if culprit is None:
        return line.span
    built: list = []
    pending = [line]
    while pending and len(built) < 2000:
        node = pending.pop()
        with contextlib.suppress(Exception):
            built.append((node.span, lowering.build(node, defs)))
        pending.extend(_ast_children(node))
    targets, stack = [], [culprit]
    while stack:
        e = stack.pop(0)
        if _has_d(e) or e is culprit:
            if not isinstance(_undiff(e), ir.Var):
                targets.append(_undiff(e))
            stack.extend(e.children())
    for target in targets:
        hits = [span for span, e in built if e == target]
        if hits:
            return min(hits, key=lambda sp: sp.end - sp.start)
    return line.span
