"""Derivation: the recorded steps, the result in every layout, evaluation and the numeric check.

The object a user holds, so its methods reach every layer above the stages; each delegates to a
module that takes the derivation: values at the user's numbers (``derivation.evaluation``), the
numeric check (``numeric.check``), text, TeX and JSON (``derivation.display``; the recorded steps
are shown through ``render.steps``), the code export and the stepper widget (loaded when asked
for), and re-deriving the cell by another variable (``derive_again``, through the function the
pipeline gave it, so that this module does not import the pipeline).

``to_json`` is the contract of ``application/vnd.matdiff.derivation.v1+json`` (schema in
``schema/derivation.v1.schema.json``); ``_repr_mimebundle_`` also carries text/plain and text/latex
so every front end shows the derivation.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.depth import deep_or_refused, deep_recursion
from matdiff_magic.derivation import display
from matdiff_magic.derivation.evaluation import evaluate_at
from matdiff_magic.derivation.layouts import Result, known_layout, known_layouts
from matdiff_magic.derivation.steps import Step, merged, restyled
from matdiff_magic.errors import ArgumentTypeError, MatdiffError, whole_seed
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.check import CheckResult, run_check
from matdiff_magic.ops.unknown import substitution_text
from matdiff_magic.render import memo
from matdiff_magic.render.printer import to_text
from matdiff_magic.render.steps import ShownStep

MIME = "application/vnd.matdiff.derivation.v1+json"


class Derivation:
    notes: tuple = ()  # one-line remarks on how f was read, shown after the where line
    determinant: str = "inverse"  # how d|X| was written: by the inverse or the adjugate
    sympy_symbols: dict | None = None  # derived from SymPy: its symbols by name, for to_sympy

    def __init__(
        self,
        source: str,
        typed,
        wrt: ir.Var,
        layout: str,
        steps: list[Step],
        results: dict,
        G: ir.Expr,
        seed: int = 0,
        check_result: CheckResult | None = None,
        kind: str = "gradient",
        target: ir.Expr | None = None,
        rederive=None,
        symmetric: str = "independent",
    ):
        self.source, self.typed, self.wrt, self.layout = source, typed, wrt, layout
        self._steps, self.results, self.G, self.seed = steps, results, G, seed
        self.check_result = check_result
        self.kind = kind  # gradient (scalar f), jacobian, hessian
        self.solution: ir.Expr | None = None  # the stationary point, with --solve
        self.solve_asked = False  # --solve was asked for (kept by derive_again)
        self._naming: tuple = (frozenset(), {})  # (names the cell uses, fixed names)
        self._views: dict = {}  # ids of the results shown -> (names, steps printed with them), made when shown
        self.target = target if target is not None else typed.expr  # what the result differentiates
        self._rederive = rederive  # (derivation, wrt, layout) -> Derivation: the pipeline's
        self.symmetric = symmetric  # the convention for a symmetric wrt: independent, sym, minka
        self.lang = i18n.current()  # the language it is shown in (en, zh): where it was derived

    # ---- what was derived
    @property
    def name(self) -> str:
        return self.typed.name

    @property
    def function(self) -> ir.Expr:
        return self.typed.expr

    @property
    def variables(self) -> list[ir.Var]:
        return self.typed.variables

    @property
    def result(self) -> ir.Expr:
        """The derivative in this derivation's layout."""
        return self.results[self.layout].expr

    def set_abbreviations(self, fixed: dict, taken=frozenset()) -> None:
        """Print ``fixed`` names (deep chains' activations, sample statistics) and, in each view,
        the subexpressions it repeats by name (``render.abbreviations.for_view``); ``taken``: the
        names the cell uses. Raises ArgumentTypeError."""
        if (
            not isinstance(fixed, Mapping)
            or isinstance(taken, str)
            or not all(isinstance(n, str) for n in taken)
        ):
            raise ArgumentTypeError(
                "set_abbreviations takes a dict of subexpression -> (TeX, text) and a set of names"
            )
        self._naming, self._views = (frozenset(taken), dict(fixed)), {}

    @property
    def abbrev(self) -> dict:
        """node -> (TeX, text) of the names this layout's view uses."""
        return self.names_for((self.layout,))[0]

    def names_for(self, layouts: tuple) -> tuple[dict, list[Step]]:
        """The names of the view that shows the steps and ``layouts``' results, and the recorded
        steps that print with them (the layout step not among them). ``layouts``: a layout's
        name or a tuple of them. Raises MatdiffError, ArgumentTypeError."""
        layouts = known_layouts(layouts)
        # a view is fixed by the distinct results it shows: layouts that give the same matrix
        # (mixed and denominator by a matrix, every layout of a Hessian) are one view, named once
        results = list({id(r): r for r in (self.results[lay].expr for lay in layouts)}.values())
        key = tuple(map(id, results))  # the results live in self.results: their ids stay theirs
        if key not in self._views:
            with deep_recursion():
                self._views[key] = self._view(results)
        return self._views[key]

    def _view(self, results: list) -> tuple[dict, list[Step]]:
        from matdiff_magic.render.abbreviations import for_view
        from matdiff_magic.render.shown_lines import shown_expressions

        lines = [e for s in self._steps for e in shown_expressions(s)]
        names = for_view(lines, results, *self._naming)
        same = next((view for view in self._views.values() if view[0] == names), None)
        if same is not None:  # the JSON's view names what one layout's does: its steps serve
            return same
        steps = [restyled(s, abbrev=names) for s in self._steps] if names else self._steps
        return names, shortened(merge_same_text(steps))

    @property
    def steps(self) -> list[ShownStep]:
        """The steps, the last one the result in this layout, each printed when asked for."""
        return self.steps_for((self.layout,))

    def steps_for(self, layouts: tuple) -> list[ShownStep]:
        """The steps with the names of the view that shows ``layouts``' results (the JSON: all);
        ``layouts`` as for ``names_for``."""
        names, steps = self.names_for(layouts)
        last = restyled(self._layout_step(self.layout), abbrev=names or None)
        return [ShownStep(s, self.lang, self.sympy_symbols) for s in steps + [last]]

    def with_layout(self, layout: str) -> Derivation:
        known_layout(layout)
        other = Derivation(
            self.source,
            self.typed,
            self.wrt,
            layout,
            self._steps,
            self.results,
            self.G,
            self.seed,
            self.check_result,
            self.kind,
            self.target,
            self._rederive,
            self.symmetric,
        )
        other.solution, other.lang, other.solve_asked = self.solution, self.lang, self.solve_asked
        other._naming, other._views = self._naming, self._views  # the views by layout, shared
        other.sympy_symbols = self.sympy_symbols
        return other

    def derive_again(self, wrt: str, layout: str) -> Derivation:
        """The same cell derived by ``wrt`` in ``layout``, checked if this one was, with its seed."""
        if self._rederive is None:
            raise MatdiffError("this derivation was not made by derive(): derive the cell again")
        with i18n.using(self.lang):
            return self._rederive(self, wrt, layout)

    def _layout_step(self, layout: str) -> Step:
        r: Result = self.results[layout]
        return Step(
            "layout",
            f"{layout} layout",
            None,
            r.lhs,
            r.lhs_text,
            r.expr,
            (r.expr,),
            note=r.description,
            chain=(r.expr,),
            abbrev=self.abbrev or None,
        )

    # ---- numbers
    def evaluate(self, given=None, /, **values):
        """NumPy value of the derivative in this layout at the given values of the variables.

        A vector's gradient is shape (n,) in denominator/mixed layout and (1, n) in numerator
        layout; a matrix's is (m, n) or (n, m); by a scalar it is a float. The values are given
        by name (``X=…``) or as one mapping (``d.evaluate({"X": …})``).
        """
        out = self._eval(self.result, given, values)
        if self.kind == "gradient":
            if self.wrt.is_scalar:
                return float(out[0, 0])
            if self.wrt.shape[1] == 1 and self.layout != "numerator":
                return out.reshape(-1)
            return out
        if out.shape == (1, 1) and self.wrt.is_scalar and self.target.is_scalar:
            return float(out[0, 0])
        if self.wrt.is_scalar and self.target.shape[1] == 1 and self.layout != "denominator":
            return out.reshape(-1)  # a vector by a scalar is a vector
        return out

    def evaluate_solution(self, given=None, /, **values):
        """NumPy value of the stationary point found by ``solve=True`` (the variable itself is not needed)."""
        if self.solution is None:
            raise MatdiffError("no stationary point was solved for: derive with solve=True (--solve)")
        out = self._eval(self.solution, given, values)
        if self.wrt.is_scalar:
            return float(out[0, 0])
        return out.reshape(-1) if self.wrt.shape[1] == 1 else out

    def value(self, given=None, /, **values):
        """The value of f itself, as the exported code returns it: a float for a scalar f, a 1-D
        array for a vector (a column (m,), a row (n,)), else the matrix (m, n)."""
        out = self._eval(self.function, given, values)
        if self.function.is_scalar:
            return float(out[0, 0])
        return out.reshape(-1) if 1 in out.shape else out

    def _eval(self, expr: ir.Expr, given, values: dict) -> np.ndarray:
        with i18n.using(self.lang):  # its errors in the derivation's language
            return evaluate_at(self, expr, _merged(given, values))

    def check(self, seed: int | None = None) -> float:
        """Central finite differences at a random point of fitting (non-square) shapes.

        Returns the max relative error over both layouts (nan when the check could not decide,
        and ``check_result`` says why); the outcome is kept in ``check_result`` and shown with the
        derivation. Never raises: a point where f or its derivative cannot be evaluated is passed over.
        """
        result = run_check(self, self.seed if seed is None else whole_seed(seed), written=to_text)
        # a function declared without a formula is checked through a fixed random one: say which
        self.check_result = dataclasses.replace(
            result, message=result.message + substitution_text(self.function)
        )
        err = self.check_result.max_rel_error
        return float("nan") if err is None else err

    # ---- code
    def to_python(self, backend: str = "numpy") -> str:
        """Source of a module computing f and this derivative, with input checks and a check of the
        derivative (like matrixcalculus.org's export): NumPy against central differences, or
        ``backend="jax"`` / ``"torch"`` against the framework's autodiff (``export.backends``).
        Its comments and docstrings are in the derivation's language, as are its errors.
        MatdiffError for another backend."""
        with i18n.using(self.lang):
            return self._to_python(backend)

    def _to_python(self, backend: str) -> str:
        if (
            self.wrt.symmetric
            and self.wrt.shape[0] != 1
            and (self.symmetric == "minka" or (self.symmetric == "sym" and self.kind == "hessian"))
        ):
            # the exported check moves a symmetric input along E_ij + E_ji and predicts the change
            # from an independent-entries (or, for gradients and Jacobians, sym) derivative
            raise MatdiffError(
                f"the exported code's check does not handle the {self.symmetric} "
                f"convention{' for a Hessian' if self.symmetric == 'sym' else ''} yet: "
                "export with --symmetric independent",
                option="--symmetric",
            )
        from matdiff_magic.ops.samples import refuse_sample_sums

        # refused before any code is written: the sample count N has no argument to be read from
        refuse_sample_sums(
            "the code export does not cover sums over samples (sum_i) yet", self.function, self.source
        )
        from matdiff_magic.export.backends import to_python
        from matdiff_magic.i18n.code import translate_code

        with deep_or_refused("the expression is too deeply nested to export", self.source):
            code = to_python(self, backend)
        return translate_code(code, self.lang)  # comments in its language

    def to_sympy(self):
        """The result in this layout as a SymPy matrix expression over MatrixSymbols of the
        inferred sizes (sizes as Symbols or ints; ``interop.sympy_out``); SymPy loads here."""
        from matdiff_magic.interop.sympy_out import to_sympy

        return to_sympy(self.result, dict(self.sympy_symbols or {}))

    # ---- display
    def widget(self):
        """An ipywidgets stepper over this derivation (Prev/Next, layout switch, variable choice)."""
        # ipywidgets loads only when a stepper is asked for
        from matdiff_magic.render.widgets import DerivationStepper

        return DerivationStepper(self)

    def where(self) -> tuple[str, str]:
        """The where line (TeX, text): the variables' spaces, named activations and notes."""
        return display.where(self)

    def to_latex(self) -> str:
        """The whole derivation as an aligned LaTeX block (MathJax 2, MathJax 3, KaTeX)."""
        with deep_recursion(), memo.printing():
            return display.to_latex(self)

    def to_text(self) -> str:
        with deep_recursion(), memo.printing():
            return display.to_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        with deep_recursion():
            return f"<Derivation of ∂{self.name}/∂{self.wrt.name}: {to_text(self.result)}>"

    def to_json(self) -> dict:
        """The JSON of application/vnd.matdiff.derivation.v1+json."""
        with deep_recursion(), memo.printing():
            return display.to_json(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        # one memo for the three forms: each subexpression printed once per notation; the TeX
        # block is the text/latex, not repeated in the JSON (where it is optional)
        with deep_recursion(), memo.printing():
            data = display.to_json(self, whole=False)
            return {"text/plain": display.to_text(self), "text/latex": display.to_latex(self), MIME: data}


def _merged(given, values: dict) -> dict:
    """The values given by name, and those of a mapping passed first (``d.evaluate({"X": X})``)."""
    if given is None:
        return values
    if not isinstance(given, Mapping):
        raise ArgumentTypeError(
            f"give the values by name (X=…) or as a dict of names: got {type(given).__name__}"
        )
    keys = [k for k in given if not isinstance(k, str)]
    if keys:
        raise ArgumentTypeError(
            f"give the values by name (X=…) or as a dict of names: its keys are the variables' names, "
            f"got the key {keys[0]!r}"
        )
    twice = sorted(set(given) & set(values))
    if twice:
        raise MatdiffError(f"{', '.join(twice)}: given both in the dict and by name")
    return {**given, **values}


def _own_line(s: Step) -> bool:
    """The step starts a line: a left-hand side, a chain or a line of its own."""
    return bool(s.lhs or s.lhs_text or s.chain or s.line is not None)


def _continues(s: Step) -> bool:
    """The step continues the line before: no line of its own, and no note."""
    return not (_own_line(s) or s.note)


# stages whose lines rewrite one growing expression one part at a time
_SHORTENED = ("differential", "trace", "vec")


def shortened(steps: list[Step]) -> list[Step]:
    """The steps, each line on the way through a stage allowed to be shown around its change
    (``render.elide``, for long lines only); the last line of each stage is printed whole."""
    out = list(steps)
    for i, (s, after) in enumerate(itertools.pairwise(steps)):
        if s.stage in _SHORTENED and after.stage == s.stage and not _own_line(s):
            out[i] = restyled(s, shorten=True)
    return out


def _names(e: ir.Expr, memo: dict, kept: list) -> int:
    """A sum of the hashes of the variables' names in e, one per occurrence: two expressions that
    print the same text hold the same variables as often (a name printed for a subexpression
    stands for equal subexpressions only), so differing sums tell different texts without
    printing them. Each node once, by identity: consecutive lines share most of their nodes;
    ``kept`` holds every node whose id is a key of ``memo``, so that its id stays its own."""
    hit = memo.get(id(e))
    return hit if hit is not None else _summed(e, memo, kept)


def _summed(e: ir.Expr, memo: dict, kept: list) -> int:
    """``_names`` of a node not seen yet."""
    kids = e.children()
    if kids:
        value = 0
        for k in kids:  # a child seen before (most of them) without a call
            known = memo.get(id(k))
            value += known if known is not None else _summed(k, memo, kept)
        value %= _MODULUS
    else:  # a variable (no children) or another leaf
        value = hash(e.name) % _MODULUS if isinstance(e, ir.Var) else 0
    memo[id(e)] = value
    kept.append(e)
    return value


_MODULUS = 1 << 61


def merge_same_text(steps: list[Step]) -> list[Step]:
    """The steps as printed: a step that continues the line before (no left-hand side, note or
    line of its own) and prints the same text as the expression that step ended on is merged into
    it, naming both rules. Different nodes can print alike (tr(a) of a scalar, a product regrouped,
    a 1×1 𝟏 named in a name), so the printed text is compared, not the nodes; only when the two
    hold the same variables (``_names``), as every pair that prints alike does."""

    def last(s: Step) -> ir.Expr | None:
        if s.line is not None and not s.chain:
            return None
        value = s.chain[-1] if s.chain else s.value
        return value if isinstance(value, ir.Expr) else None

    def text(s: Step, value: ir.Expr) -> str:
        return to_text(value, hide_scalar_trace=s.hide_scalar_trace, abbrev=s.abbrev)

    out: list[Step] = []
    names: dict = {}
    kept: list = []  # the nodes named in names, kept alive
    shown: tuple | None = None  # (the step the line ended on, its expression)
    for s in steps:
        value = last(s)
        if (
            out
            and _continues(s)
            and value is not None
            and shown is not None
            and s.stage not in ("function", "layout")
            and _names(value, names, kept) == _names(shown[1], names, kept)
            and text(s, value) == text(*shown)
        ):
            out[-1] = merged(out[-1], s)
        else:
            out.append(s)
            shown = None if value is None else (s, value)
    return out
