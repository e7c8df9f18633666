"""Derivation: the recorded steps, the result in every layout, evaluation and the numeric check.

The object a user holds, so its methods reach every layer above the stages: numbers
(``numeric``), printing (``render``; the recorded steps are shown through ``render.steps``), the
code export and the stepper widget (loaded when asked for; they take the derivation and import
nothing of this module), and re-deriving the cell by another variable (``derive_again``, through
the function the pipeline gave it, so that this module does not import the pipeline).

Its ``to_json`` is the contract of ``application/vnd.matdiff.derivation.v1+json`` (schema in
``schema/derivation.v1.schema.json``); ``_repr_mimebundle_`` also carries text/plain and text/latex
so every front end shows the derivation.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

from matdiff_magic.depth import deep_recursion
from matdiff_magic.derivation.layouts import LAYOUTS, Result
from matdiff_magic.derivation.steps import Step
from matdiff_magic.derivation.symmetric import describe
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.check import CheckResult, could_not_check, run_check
from matdiff_magic.numeric.evaluate import as_matrix, bind_sizes
from matdiff_magic.numeric.points import Unfit, guarded
from matdiff_magic.render.notation import GREEK_UNICODE, name_latex, name_text, space_latex, space_text
from matdiff_magic.render.printer import to_latex, to_text
from matdiff_magic.render.steps import ShownStep
from matdiff_magic.types.dims import Dim

MIME = "application/vnd.matdiff.derivation.v1+json"


class Derivation:
    notes: tuple = ()  # one-line remarks on how f was read, shown after the where line

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
        self.abbrev: dict = {}  # names of repeated inner activations (deep chains)
        self.target = target if target is not None else typed.expr  # what the result differentiates
        self._rederive = rederive  # (derivation, wrt, layout) -> Derivation: the pipeline's
        self.symmetric = symmetric  # the convention for a symmetric wrt: independent, sym, minka

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

    def set_abbreviations(self, abbrev: dict) -> None:
        """Print repeated inner activations by name (t₁, t₂, …) in every step and the result."""
        self.abbrev = abbrev
        if abbrev:
            self._steps = [dataclasses.replace(s, abbrev=abbrev) for s in self._steps]

    @property
    def steps(self) -> list[ShownStep]:
        """The steps, the last one the result in this layout, each printed when asked for."""
        return [ShownStep(s) for s in self._steps + [self._layout_step(self.layout)]]

    def with_layout(self, layout: str) -> Derivation:
        if layout not in LAYOUTS:
            raise MatdiffError(f"unknown layout {layout!r}: choose numerator, denominator or mixed")
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
        other.solution, other.abbrev = self.solution, self.abbrev
        return other

    def derive_again(self, wrt: str, layout: str) -> Derivation:
        """The same cell derived by ``wrt`` in ``layout``, checked if this one was, with its seed."""
        if self._rederive is None:
            raise MatdiffError("this derivation was not made by derive(): derive the cell again")
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
    def evaluate(self, /, **values):
        """NumPy value of the derivative in this layout at the given values of the variables.

        A vector's gradient is shape (n,) in denominator/mixed layout and (1, n) in numerator
        layout; a matrix's is (m, n) or (n, m); by a scalar it is a float.
        """
        out = self._eval(self.result, values)
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

    def evaluate_solution(self, /, **values):
        """NumPy value of the stationary point found by ``solve=True`` (the variable itself is not needed)."""
        if self.solution is None:
            raise MatdiffError("no stationary point was solved for: derive with solve=True (--solve)")
        out = self._eval(self.solution, values)
        if self.wrt.is_scalar:
            return float(out[0, 0])
        return out.reshape(-1) if self.wrt.shape[1] == 1 else out

    def value(self, /, **values) -> float:
        """The value of f itself."""
        return float(self._eval(self.function, values)[0, 0])

    def _eval(self, expr: ir.Expr, values: dict) -> np.ndarray:
        """The value of ``expr`` at the user's ``values`` (name -> array-like).

        Raises MatdiffError for an unknown or missing variable, a value that is not numbers or
        does not fit the variable's shape, and an inverse of a singular matrix, naming it
        ("X Xᵀ is singular at the given X"); never another exception.
        """
        by_name = {v.name: v for v in self.variables}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            raise MatdiffError(
                f"unknown variable {', '.join(unknown)}: the expression has " + ", ".join(by_name)
            )
        missing = [
            v.name
            for v in ir.variables(expr)
            if v.name not in values and v.name not in self.typed.definitions
        ]
        if missing:
            raise MatdiffError(f"give a value for {', '.join(missing)}")
        mats = {n: _as_matrix(v, by_name[n]) for n, v in values.items()}
        sizes = bind_sizes(self.variables, mats)
        try:
            with np.errstate(all="ignore"), deep_recursion():
                ev, _ = guarded([expr], self.typed, mats, sizes, kinds=(ir.Inverse,))
                return ev(expr)
        except Unfit as unfit:
            raise MatdiffError(
                f"{to_text(unfit.node)} is singular at the given {', '.join(self._inputs(unfit.node))}"
            ) from None
        except MatdiffError:
            raise
        except Exception as error:  # NumPy's errors become the package's
            raise MatdiffError(
                f"cannot evaluate at the given values: {type(error).__name__}: {error}"
            ) from None

    def _inputs(self, node: ir.Expr) -> list[str]:
        """The variables ``node`` depends on, through the cell's definitions."""
        names, todo = [], [v.name for v in ir.variables(node)]
        while todo:
            name = todo.pop(0)
            if name in self.typed.definitions:
                todo += [v.name for v in ir.variables(self.typed.definitions[name])]
            elif name not in names:
                names.append(name)
        return [v.name for v in self.variables if v.name in names]

    def check(self, seed: int | None = None) -> float:
        """Central finite differences at a random point of fitting (non-square) shapes.

        Returns the max relative error over both layouts (nan when the check could not decide,
        and ``check_result`` says why); the outcome is kept in ``check_result`` and shown with the
        derivation. Never raises: a point where f or its derivative cannot be evaluated is passed over.
        """
        self.check_result = run_check(self, self.seed if seed is None else seed, written=to_text)
        err = self.check_result.max_rel_error
        return float("nan") if err is None else err

    # ---- code
    def to_python(self) -> str:
        """Source of a NumPy function computing f and this derivative, with shape assertions and a
        finite-difference gradient check (like matrixcalculus.org's export)."""
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
                "export with --symmetric independent"
            )
        from matdiff_magic.export.numpy_code import to_python

        return to_python(self)

    # ---- display
    def widget(self):
        """An ipywidgets stepper over this derivation (Prev/Next, layout switch, variable choice)."""
        # ipywidgets loads only when a stepper is asked for
        from matdiff_magic.render.widgets import DerivationStepper

        return DerivationStepper(self)

    def where(self) -> tuple[str, str]:
        def structure(v: ir.Var, tex: bool) -> str:
            if not v.symmetric:
                return ""
            convention = describe(v, self.symmetric, tex) if v.name == self.wrt.name else ""
            if tex:
                return (
                    (r"\ \text{(symmetric; }" + convention + r"\text{)}")
                    if convention
                    else r"\ \text{(symmetric)}"
                )
            return f" (symmetric; {convention})" if convention else " (symmetric)"

        tex = ",\\ ".join(
            f"{name_latex(v.name, v.kind)} \\in {space_latex(v.shape)}" + structure(v, True)
            for v in self.variables
        )
        text = ", ".join(
            f"{name_text(v.name)} ∈ {space_text(v.shape)}" + structure(v, False) for v in self.variables
        )
        for node, (name_tex, name_txt) in self.abbrev.items():
            tex += rf",\ {name_tex} = {to_latex(node, abbrev=self.abbrev, define=True)}"
            text += f", {name_txt} = {to_text(node, abbrev=self.abbrev, define=True)}"
        for note in self.notes:
            tex += rf";\ \text{{note: {_tex_text(note)}}}"
            text += f"; note: {note}"
        return tex, text

    def to_latex(self) -> str:
        with deep_recursion():
            return self._to_latex()

    def _to_latex(self) -> str:
        rows = []
        for s in self.steps:
            note = ""
            if s.identity is not None:
                note = rf"\text{{{_tex_text(s.rule)}: }}{s.identity.latex}"
            elif s.stage not in ("function",) and s.rule:
                note = rf"\text{{{_tex_text(s.rule)}}}"
            annot = rf" && {{\small\color{{gray}}{{{note}}}}}" if note else ""
            if s.stage == "solve":  # equations, not values of df
                rows.append(rf"&\Leftrightarrow\ {s.latex}{annot}")
            else:
                rows.append(f"{s.lhs} &= {s.latex}{annot}")
        where_tex, _ = self.where()
        rows.append(rf"&\text{{where }} {where_tex}" if where_tex else "")
        if self.check_result is not None:
            rows.append("&" + _check_tex(self.check_result))
        body = _portable(" \\\\\n".join(r for r in rows if r))
        return "$$\\begin{aligned}\n" + body + "\n\\end{aligned}$$"

    def to_text(self) -> str:
        with deep_recursion():
            return self._to_text()

    def _to_text(self) -> str:
        lines = []
        width = max(len(s.lhs_text) for s in self.steps)
        for s in self.steps:
            rule = (
                f"    [{s.rule}{': ' + s.identity_text if s.identity_text else ''}]"
                if s.stage != "function"
                else ""
            )
            if s.stage == "solve":
                lines.append(f"{'⇔':>{width}}   {s.text}{rule}")
            else:
                lines.append(f"{s.lhs_text:>{width}} = {s.text}{rule}")
        _, where = self.where()
        if where:
            lines.append(f"{'':>{width}}   where {where}")
        if self.check_result is not None:
            lines.append(f"{'':>{width}}   {self.check_result.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Derivation of ∂{self.name}/∂{self.wrt.name}: {to_text(self.result)}>"

    def to_json(self) -> dict:
        with deep_recursion():
            return self._to_json()

    def _to_json(self) -> dict:
        where_tex, where_text = self.where()
        check = self.check_result or CheckResult("skipped", None, "numeric check not run")
        err = check.max_rel_error
        return {
            "version": 1,
            "source": self.source,
            "function": {
                "name": self.name,
                "latex": to_latex(self.function, abbrev=self.abbrev),
                "text": to_text(self.function, abbrev=self.abbrev),
                "shape": _json_shape(self.function.shape),
            },
            "wrt": self.wrt.name,
            "variables": [
                {
                    "name": v.name,
                    "latex": name_latex(v.name, v.kind),
                    "kind": v.kind,
                    "shape": _json_shape(v.shape),
                    "declared": bool(self.typed.declared.get(v.name)),
                }
                for v in self.variables
            ],
            "where": {"latex": where_tex, "text": where_text},
            "steps": [_step_json(s) for s in self.steps],
            "layout": self.layout,
            "results": {
                lay: {
                    "lhs": r.lhs,
                    "latex": to_latex(r.expr, abbrev=self.abbrev),
                    "text": to_text(r.expr, abbrev=self.abbrev),
                    "shape": _json_shape(r.shape),
                    "description": r.description,
                }
                for lay, r in self.results.items()
            },
            "check": {
                "status": check.status,
                "max_rel_error": None if err is None or not math.isfinite(err) else err,
                "message": check.message,
            },
            "latex": self.to_latex(),
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": self.to_text(), "text/latex": self.to_latex(), MIME: self.to_json()}


# MathJax 2 and 3 refuse a macro followed by more than 5 KB of TeX ("internal buffer size
# exceeded"), so a long derivation block must use none: "\ " is a macro in MathJax 3, \mathrm{x} and
# \mathbf{x} in MathJax 2; "\;", {\rm x} and {\bf x} typeset the same in MathJax 2, 3 and KaTeX.
_NO_MACROS = [
    (re.compile(r"(?<!\\)((?:\\\\)*)\\ "), r"\1\\;"),
    (re.compile(r"\\mathrm\{([^{}]*)\}"), r"{\\rm \1}"),
    (re.compile(r"\\mathbf\{([^{}]*)\}"), r"{\\bf \1}"),
]
_MACRO_BUFFER = 4096  # characters: MathJax's limit is 5 KB after expansion


def _portable(tex: str) -> str:
    """A derivation block every engine typesets: the control space always written "\\;", the font
    commands as switches once the block nears MathJax 2's buffer (shorter ones keep \\mathrm{d})."""
    for k, (pattern, replacement) in enumerate(_NO_MACROS):
        if k == 0 or len(tex) > _MACRO_BUFFER:
            tex = pattern.sub(replacement, tex)
    return tex


# Inside \text, a Greek letter is set as math: KaTeX has no text glyph for Σ.
_GREEK_IN_TEXT = str.maketrans({c: rf"}}\{name}\text{{" for name, c in GREEK_UNICODE.items()})


def _tex_text(s: str) -> str:
    """Text for inside \\text{…}: no TeX specials, Greek letters as math."""
    return (
        s.replace("\\", "")
        .replace("{", "")
        .replace("}", "")
        .replace("$", "")
        .replace("&", "and")
        .translate(_GREEK_IN_TEXT)
    )


def _check_tex(c: CheckResult) -> str:
    if c.status == "passed":
        return rf"\checkmark\ \text{{checked at a random point, max rel. error }} {_sci(c.max_rel_error)}"
    if c.status == "failed":
        return (
            rf"\color{{red}}{{\text{{numeric check FAILED: max rel. error }} "
            rf"{_sci(c.max_rel_error)}}}"
        )
    if c.reason is not None:
        before, node, after = could_not_check(c.reason)
        if node is not None:
            return rf"\text{{{_tex_text(before)}}}{to_latex(node)}\text{{{_tex_text(after)}}}"
    return rf"\text{{{_tex_text(c.message)}}}"


def _as_matrix(value, var: ir.Var) -> np.ndarray:
    """A user value as a 2-D float array; a value that is not numbers is a MatdiffError."""
    try:
        return as_matrix(value, var)
    except (TypeError, ValueError) as error:
        raise MatdiffError(f"the value of {var.name} must be numbers ({error})") from None


def _sci(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return r"\text{n/a}"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def _json_shape(shape) -> list:
    return [int(d) if Dim.of(d).is_fixed else str(d) for d in shape]


def _step_json(s: ShownStep) -> dict:
    out = {
        "stage": s.stage,
        "rule": s.rule,
        "identity": s.identity_latex,
        "identity_text": s.identity_text,
        "lhs": s.lhs,
        "latex": s.latex,
        "latex_highlighted": s.latex_highlighted,
        "text": s.text,
        "changed": s.changed,
    }
    if s.note:
        out["note"] = s.note
    return out
