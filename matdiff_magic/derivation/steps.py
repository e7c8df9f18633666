"""A recorded step of a derivation and how to tell what it changed."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.printer import to_latex, to_text
from matdiff_magic.ops.identity import Identity

STAGES = ("function", "differential", "trace", "readoff", "layout")


@dataclass(frozen=True)
class Step:
    stage: str
    rule: str
    identity: Identity | None
    lhs: str                       # TeX of the left-hand side ('' continues the previous line)
    lhs_text: str
    expr: object                   # the right-hand side after the step (an Expr, or a function giving it)
    focus: tuple = ()              # nodes of expr that changed
    note: str = ""
    hide_scalar_trace: bool = False
    latex_override: str | None = None   # for lines that are not one expression (read-off: (G)ᵀ = …)
    text_override: str | None = None
    highlighted_override: str | None = None
    changed_override: tuple = field(default=())
    abbrev: dict | None = field(default=None, compare=False)  # names of repeated activations
    chain: tuple = ()              # a line e₁ = e₂ = … (the read-off); the last one is highlighted
    before: ir.Expr | None = field(default=None, compare=False)  # focus = what changed since, on demand

    @functools.cached_property
    def value(self) -> ir.Expr | None:
        """The expression after the step; a stage may give it as a function, built when shown."""
        return self.expr() if callable(self.expr) else self.expr

    @functools.cached_property
    def focus_nodes(self) -> tuple:
        """The parts that changed: given by the rule, or found by comparing with ``before``."""
        if self.focus or self.before is None or self.value is None:
            return self.focus
        before = self.before() if callable(self.before) else self.before
        return tuple(changed_nodes(before, self.value))

    def _chain(self, tex: bool, highlight_last: bool = False) -> str:
        show = to_latex if tex else to_text
        parts = [show(e, hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev) for e in self.chain[:-1]]
        last = self.chain[-1]
        parts.append(show(last, highlight=frozenset({id(last)}) if highlight_last else frozenset(),
                          hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev))
        return " = ".join(parts)

    @property
    def latex(self) -> str:
        if self.chain:
            return self._chain(True)
        if self.latex_override is not None:
            return self.latex_override
        return to_latex(self.value, hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev)

    @property
    def latex_highlighted(self) -> str:
        if self.chain:
            return self._chain(True, highlight_last=True)
        if self.highlighted_override is not None:
            return self.highlighted_override
        if self.value is None:
            return self.latex
        return to_latex(self.value, highlight=frozenset(map(id, self.focus_nodes)),
                        hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev)

    @property
    def text(self) -> str:
        if self.chain:
            return self._chain(False)
        if self.text_override is not None:
            return self.text_override
        return to_text(self.value, hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev)

    @property
    def changed(self) -> list[str]:
        if self.changed_override:
            return list(self.changed_override)
        return [to_latex(n, hide_scalar_trace=self.hide_scalar_trace, abbrev=self.abbrev)
                for n in self.focus_nodes]

    @property
    def identity_latex(self) -> str:
        return self.identity.latex if self.identity else ""

    @property
    def identity_text(self) -> str:
        return self.identity.text if self.identity else ""


def changed_nodes(before: ir.Expr, after: ir.Expr) -> list[ir.Expr]:
    """The smallest parts of ``after`` that differ from ``before`` (compared position by position)."""
    if before is after or before == after:
        return []
    if type(before) is type(after) and all(getattr(before, a) == getattr(after, a) for a in before._attrs):
        bk, ak = before.children(), after.children()
        if len(bk) == len(ak) and bk:
            out: list = []
            for b, a in zip(bk, ak):
                out += changed_nodes(b, a)
            return out or [after]
        if bk and ak:
            old = set(bk)
            new = [a for a in ak if a not in old]
            if new and len(new) < len(ak):
                return new
    return [after]
