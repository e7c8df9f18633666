"""How a recorded step is shown: its TeX, its TeX with the changed parts coloured, its text, the
TeX of the parts that changed, and its note — printed when asked for, from what the step recorded.

A step shows, in order of precedence: a chain e₁ = e₂ = … (the read-off, the last one coloured
whole), a line recorded as a function of the printer (``Step.line``), or its expression. Lines and
notes recorded as functions are printed without the step's abbreviations, as they were written.
The rule's name, its identity's words and the note are worded in the step's language (``i18n``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

from matdiff_magic import i18n
from matdiff_magic.depth import at_any_depth
from matdiff_magic.derivation.steps import Step, cached
from matdiff_magic.ir import nodes as ir
from matdiff_magic.render import elide, printer  # here, not in the methods: an import statement
from matdiff_magic.render.memo import current  # costs about a microsecond per step printed
from matdiff_magic.render.printer import to_latex, to_text

# a printing method called outside the derivation's own printing (``d.steps[i].latex``): with
# room for a deep network's nesting, as there
_deep = at_any_depth()


class ShownStep:
    """A recorded ``Step`` with its printed forms; every other attribute is the step's own."""

    def __init__(self, step: Step, lang: str | None = None, sympy_symbols: dict | None = None):
        self.step = step
        self.lang = i18n.current(lang)
        self.sympy_symbols = sympy_symbols  # a derivation of SymPy answers in its symbols

    @_deep
    def to_sympy(self):
        """The step's expression as SymPy (the last of a chain); None for a line that is not one
        expression (a composition's f, Y = …)."""
        from matdiff_magic.interop.sympy_out import to_sympy

        value = self.step.chain[-1] if self.step.chain else self.step.value
        if value is None or (self.step.line is not None and not self.step.chain):
            return None
        return to_sympy(value, dict(self.sympy_symbols or {}))

    def __getattr__(self, name: str):
        return getattr(self.step, name)

    def _options(self) -> dict:
        return {
            "hide_scalar_trace": self.step.hide_scalar_trace,
            "abbrev": self.step.abbrev,
            "elide": self._elided,
        }

    @cached
    def _elided(self):
        """The parts of a long line written ⋯ (``render.elide``), for a step that may be shortened."""
        s = self.step
        if not s.shorten or s.chain or s.line is not None or not isinstance(s.value, ir.Expr):
            return None
        shown = current()
        # the sizes of the subexpressions the lines of a view share, counted once for the view
        known = shown.keep("sizes", s.abbrev, lambda: elide.sizes(s.abbrev)) if shown is not None else None
        # the usual line, printed whole: measured as its expression, which has the nodes of the
        # marked line (that one made only for a long line, and for the coloured one)
        if not elide.is_long(s.value, s.abbrev, known):
            return None
        line = s.marked[0]  # the line as shown: its changed variables nodes of their own
        if shown is None:
            return elide.elision(line, s.focus_nodes, s.abbrev)

        # the nodes that hold a changed part are those the highlighting marks: found once
        holders = functools.partial(shown.marked_below, line, frozenset(map(id, s.focus_nodes)))
        return shown.keep("elision", s, lambda: elide.elision(line, s.focus_nodes, s.abbrev, holders, known))

    def _chain(self, tex: bool, highlight_last: bool = False) -> str:
        show = to_latex if tex else to_text
        chain = self.step.chain
        parts = [show(e, **self._options()) for e in chain]
        # names can make two forms print alike (M₁ + M₁ᵀ twice): each printed form once
        parts = [p for i, p in enumerate(parts) if i == len(parts) - 1 or p != parts[i + 1]]
        if highlight_last:
            last = chain[-1]
            parts[-1] = show(last, highlight=frozenset({id(last)}), **self._options())
        return " = ".join(parts)

    @cached
    def _line(self) -> tuple[str, str]:
        return cast(Callable, self.step.line)(printer)  # read only for a step with a line

    def _shown(self, tex: bool) -> str:
        """The step as TeX or as text: its chain, its line or its expression."""
        if self.step.chain:
            return self._chain(tex)
        if self.step.line is not None:
            return self._line[0 if tex else 1]
        show = to_latex if tex else to_text
        options = self._options()
        # a line printed whole is its expression's text: the marked line (its changed variables
        # nodes of their own) prints the same, and is needed only where parts are left out
        line = self.step.value if options["elide"] is None else self.step.marked[0]
        return show(cast(ir.Expr, line), **options)  # a step without a line has one

    def _kept(self, form: str, compute: Callable[[], str]) -> str:
        """A printed form, printed once per recorded step while a derivation is shown
        (``memo.printing``): the JSON, the TeX block and the text ask for the same steps."""
        shown = current()
        return shown.keep((form, self.lang), self.step, compute) if shown is not None else compute()

    @property
    @_deep
    def latex(self) -> str:
        return self._kept("latex", lambda: self._shown(True))

    @property
    @_deep
    def latex_highlighted(self) -> str:
        return self._kept("latex_highlighted", self._highlighted)

    def _highlighted(self) -> str:
        s = self.step
        if s.chain:
            return self._chain(True, highlight_last=True)
        if s.highlighted is not None:
            return s.highlighted(printer)
        if s.value is None or s.line is not None:  # a line is more than its expression: all of it
            return self.latex
        line, changed = s.marked
        return to_latex(cast(ir.Expr, line), highlight=frozenset(map(id, changed)), **self._options())

    @property
    @_deep
    def text(self) -> str:
        return self._kept("text", lambda: self._shown(False))

    @property
    @_deep
    def changed(self) -> list[str]:
        """The TeX of each changed part as the line shows it: a shortened line's parts written
        ⋯ there are not listed (a rule applied at every term of a long sum lists its first ones),
        so the JSON of a deep derivation does not repeat what its lines leave out."""
        options = self._options()
        elided = options["elide"]
        parts = self.step.focus_nodes if elided is None else elided.shown
        return [to_latex(n, **options) for n in parts]

    @property
    def note(self) -> str:
        note = self.step.note
        return i18n.translate(note(printer) if callable(note) else note, self.lang)

    @property
    def rule(self) -> str:
        return i18n.translate(self.step.rule, self.lang)

    @property
    def identity_latex(self) -> str:
        return i18n.translate_tex(self.step.identity_latex, self.lang)

    @property
    def identity_text(self) -> str:
        s = self.step
        return i18n.translate_identity_text(s.identity_text, s.identity_latex, self.lang)
