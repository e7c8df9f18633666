"""``graph(source, **values)``: the evaluation trace of an expression at given values, with its
forward and reverse sweeps, as rows, tables, a drawing, a widget and a comparison.

The values fix the kinds (a float is a scalar, a 1-D array a vector, a 2-D array a matrix) unless
the cell declares them. Forward mode needs a direction: by default the first input, seeded with
the first basis direction (1 in its first entry, 0 elsewhere), so that one forward pass gives one
partial derivative ∂f/∂x₁₁, as in the seed; pass ``direction=V`` for any JVP.
"""

from __future__ import annotations

import numbers

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.autodiff import modes
from matdiff_magic.autodiff.names import expression_names
from matdiff_magic.autodiff.notation import normalise_name, variable_text
from matdiff_magic.autodiff.structure import build_structure
from matdiff_magic.autodiff.trace import build_trace
from matdiff_magic.autodiff.values import kind_of, refuse_undefined, to_array, user_value
from matdiff_magic.depth import at_any_depth, deep_or_refused
from matdiff_magic.errors import MatdiffError, known_language
from matdiff_magic.numeric.evaluate import as_matrix, bind_sizes
from matdiff_magic.ops.samples import refuse_sample_sums
from matdiff_magic.render.printer import to_text
from matdiff_magic.syntax.parser import parse
from matdiff_magic.types.lower import typecheck

MODES = ("forward", "reverse", "both")


def graph(source: str, **values) -> Graph:
    """The computational graph of ``source`` at ``values`` (e.g. ``x1=2.0, x2=5.0``); LaTeX
    (``f(x_1, x_2) = \\ln x_1 + x_1 x_2 - \\sin x_2``, seed 002) is read as the magic reads it,
    its errors pointing into it. A point where f is undefined is refused, as the magic refuses
    it. Raises MatdiffError."""
    return build(source, values)


def build(source: str, values: dict, at: str | None = None) -> Graph:
    """``graph(source, **values)``, for ``%%matdiff --graph`` too: ``at`` is its --at text
    ('' when it has none), which a point outside the domain is refused in (``refuse_undefined``)."""
    from matdiff_magic.syntax.latex import in_latex, looks_like_latex

    if not isinstance(source, str):
        raise MatdiffError(
            f'graph takes the expression as a string, e.g. graph("log(x1) + x1*x2"): got {source!r}'
        )
    with _deep(source):  # the trace is lowered one call per level of nesting
        if looks_like_latex(source):
            return in_latex(source, lambda text: Graph(text, values, at))
        return Graph(source, values, at)


def _run_together(name: str, given: set) -> list[str] | None:
    """The given names that ``name`` is written of, one after another (x_1x_2 of x_1 and x_2, as
    the notes write a product), else None."""
    if name in given:
        return [name]
    for i in range(1, len(name)):
        rest = _run_together(name[i:], given) if name[:i] in given else None
        if rest is not None:
            return [name[:i], *rest]
    return None


_TOO_DEEP = "the expression is too deeply nested to trace"


def _deep(source: str):
    return deep_or_refused(_TOO_DEEP, source)


# a method that prints or evaluates f (a title, rows, differences) at the parser's depth
_at_any_depth = at_any_depth(_TOO_DEEP)


class Rows(list):
    """Trace rows (dicts). Index by position or by name: ``rows["v₀"]``, ``rows["v0"]``, ``rows["v-1"]``."""

    def __init__(self, rows, mode: str, graph: Graph):
        super().__init__(rows)
        self.mode, self.graph = mode, graph

    def __getitem__(self, key):
        if isinstance(key, str):
            wanted = normalise_name(key)
            for row in self:
                if normalise_name(row["name"]) == wanted:
                    return row
            raise KeyError(key)
        return super().__getitem__(key)

    def table(self):
        from matdiff_magic.autodiff.table import TraceTable

        return TraceTable.from_rows(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.table().bundle()

    def _repr_pretty_(self, p, cycle):  # IPython's list printer would win over the bundle's text
        p.text(self.table().to_text())


class Graph:
    def __init__(self, source: str, values: dict, at: str | None = None):
        self.source = source
        arrays = {name: to_array(v, name) for name, v in values.items()}
        declared = _declared_names(source)
        kinds = {name: kind_of(a) for name, a in arrays.items() if name not in declared}
        try:
            self.typed = typecheck(source, extra_declarations=kinds)
        except MatdiffError as error:
            # values under names f does not use (x1 for the x_1 of LaTeX) leave its own variables
            # without a kind: say so, as the magic's --at does, not the mismatch that follows
            _refuse_unknown(values, expression_names(source))
            raise error.with_source(source) from None
        by_name = {v.name: v for v in self.typed.variables}
        _refuse_unknown(values, by_name)
        missing = [n for n in by_name if n not in values]
        if missing:
            parts = _run_together(missing[0], set(values))
            raise MatdiffError(
                f"give a value for {', '.join(missing)}, e.g. graph(source, {missing[0]}=…)",
                hint=f"{missing[0]} is one name; their product is written {'*'.join(parts)}"
                if parts
                else None,
            )
        # a sum over samples has no rows of its own in a trace: its body is one sample's value
        refuse_sample_sums(
            "the evaluation trace does not cover sums over samples (sum_i) yet", self.typed.expr, source
        )
        self.values = {n: as_matrix(arrays[n], by_name[n]) for n in by_name}
        self.sizes = bind_sizes(self.typed.variables, self.values)
        self.trace = build_trace(self.typed.expr, self.typed.variables, self.values, self.sizes)
        refuse_undefined(self.trace, at)

    # ---- what the graph is
    @property
    def inputs(self) -> list:
        return [v.name for v in self.typed.variables]

    @property
    def output(self):
        return self.trace.nodes[self.trace.output]

    @_at_any_depth
    def value(self):
        return user_value(self.output.value)

    def __len__(self) -> int:
        return len(self.trace.steps)

    # ---- the sweeps
    def seeds(self, wrt: str | None = None, direction=None) -> dict:
        """Input node -> tangent. ``direction`` is an array for ``wrt`` or a dict {name: array}."""
        if isinstance(direction, dict):
            chosen = direction
        else:
            wrt = self._input(wrt)
            node = self.trace.nodes[self.trace.by_variable[wrt]]
            if direction is None:
                d = np.zeros_like(node.value)
                d.flat[0] = 1.0
            else:
                d = direction
            chosen = {wrt: d}
        seeds = {}
        for name, d in chosen.items():
            i = self.trace.by_variable[self._input(name)]
            var = self.trace.variables[self.trace.inputs.index(i)]
            d = as_matrix(to_array(d, f"the direction of {name}"), var)
            if d.shape != self.trace.nodes[i].value.shape:
                raise MatdiffError(
                    f"the direction for {name} has shape {d.shape}, but {name} has "
                    f"shape {self.trace.nodes[i].value.shape}"
                )
            seeds[i] = d
        return seeds

    def cotangent(self, cotangent=None) -> np.ndarray:
        out = self.output.value
        if cotangent is None:  # ȳ = 1 for a scalar f; for an array f, 𝟏 (the gradient of sum f)
            return np.ones_like(out)
        c = to_array(cotangent, "ȳ")
        c = c.reshape(out.shape) if c.size == out.size else c
        if c.shape != out.shape:
            raise MatdiffError(f"the cotangent has shape {c.shape}, but f has shape {out.shape}")
        return c

    @_at_any_depth
    def forward_sweep(self, wrt=None, direction=None) -> modes.Forward:
        return modes.forward_sweep(self.trace, self.seeds(wrt, direction))

    @_at_any_depth
    def reverse_sweep(self, cotangent=None) -> modes.Reverse:
        return modes.reverse_sweep(self.trace, self.cotangent(cotangent))

    @_at_any_depth
    def forward(self, wrt: str | None = None, direction=None) -> Rows:
        """Forward mode: rows with value and tangent, inputs first (v₋₁, v₀, v₁, …)."""
        fwd = self.forward_sweep(wrt, direction)
        rows = []
        for node in self.trace.steps:
            row = self._row(node)
            row["tangent"] = user_value(fwd.tangents[node.index])
            row["formula"] = modes.tangent_formula(self.trace, node.index)
            rows.append(row)
        return Rows(rows, "forward", self)

    @_at_any_depth
    def reverse(self, cotangent=None) -> Rows:
        """Reverse mode: rows with value, adjoint and the contributions that were added up,
        in the order of the sweep (output first)."""
        rev = self.reverse_sweep(cotangent)
        rows = []
        for node in reversed(self.trace.steps):
            row = self._row(node)
            row["adjoint"] = user_value(rev.adjoints[node.index])
            row["contributions"] = [
                (self.trace.nodes[c].name, user_value(v)) for c, v in rev.contributions[node.index]
            ]
            row["formula"] = modes.adjoint_formula(self.trace, node.index, rev)
            rows.append(row)
        return Rows(rows, "reverse", self)

    def _row(self, node) -> dict:
        return {
            "name": node.name,
            "expr": self.trace.expr_text(node.index),
            "value": user_value(node.value),
            "op": node.op,
            "index": node.index,
            "inputs": [self.trace.nodes[a].name for a in node.args],
            "shape": node.value.shape,
            "variable": node.label if node.is_input else None,
        }

    @_at_any_depth
    def jvp(self, wrt=None, direction=None):
        """The output's tangent: J_f · v (forward mode)."""
        return user_value(self.forward_sweep(wrt, direction).tangents[self.trace.output])

    @_at_any_depth
    def vjp(self, cotangent=None) -> dict:
        """ȳᵀ J_f for every input (reverse mode), shaped like the inputs."""
        rev = self.reverse_sweep(cotangent)
        return {name: user_value(rev.adjoints[i]) for name, i in self.trace.by_variable.items()}

    @_at_any_depth
    def gradient(self) -> dict:
        """∂f/∂x for every input by one reverse sweep (denominator layout, like ``evaluate``)."""
        if self.output.value.shape != (1, 1):
            r, c = self.output.value.shape
            raise MatdiffError(
                f"gradient() needs a scalar f, but f is {r}×{c}; use "
                "reverse(cotangent=…) or vjp(…) for a vector-Jacobian product"
            )
        return self.vjp()

    def _input(self, name: str | None) -> str:
        if name is None:
            if not self.inputs:
                raise MatdiffError("the expression has no inputs to differentiate by")
            return self.inputs[0]
        if not isinstance(name, str) or name not in self.trace.by_variable:
            raise MatdiffError(
                f"unknown variable {name!r}: the inputs are " + (", ".join(self.inputs) or "none")
            )
        return name

    # ---- presentation
    @_at_any_depth
    def structure(self, mode: str = "both", wrt=None, direction=None, cotangent=None, lang=None):
        """The plain (nodes, edges) that the drawing consumes (their few words in ``lang``)."""
        _check_mode(mode)
        lang = known_language(lang)  # "fr" is refused, as draw(lang=…) refuses it
        fwd = self.forward_sweep(wrt, direction) if mode in ("forward", "both") else None
        rev = self.reverse_sweep(cotangent) if mode in ("reverse", "both") else None
        return build_structure(self.trace, fwd, rev, lang=lang)

    @_at_any_depth
    def draw(self, mode: str = "both", wrt=None, direction=None, cotangent=None, **options):
        """A matplotlib Figure of the DAG: inputs left, output right. Its title and legend are in
        ``lang=`` (default: the current language; English where no font has its glyphs)."""
        from matdiff_magic.autodiff import fonts
        from matdiff_magic.autodiff.draw import draw_graph

        _check_drawing(options)
        lang = fonts.language(options.pop("lang", None))
        nodes, edges = self.structure(mode, wrt, direction, cotangent, lang=lang)
        title = options.pop("title") if "title" in options else self._title(mode, wrt, lang)
        return draw_graph(nodes, edges, title=title, lang=lang, **options)

    def _title(self, mode: str, wrt, lang: str) -> str:
        what = {
            "forward": f"forward mode, seed ẋ along {variable_text(self._input(wrt))}",
            "reverse": "reverse mode, seed ȳ = 1",
            "both": "forward and reverse mode",
        }[mode]
        return f"{self.typed.name} = {self.formula_text()} — {i18n.translate(what, lang)}"

    @_at_any_depth
    def formula_text(self) -> str:
        """f as written, in the seed's notation (ln, not log)."""
        return to_text(self.typed.expr).replace("log(", "ln(")

    @_at_any_depth
    def table(self, mode: str = "both", wrt=None, direction=None, cotangent=None):
        from matdiff_magic.autodiff.table import TraceTable

        _check_mode(mode)
        fwd = self.forward(wrt, direction) if mode in ("forward", "both") else None
        rev = self.reverse(cotangent) if mode in ("reverse", "both") else None
        return TraceTable(fwd, rev)

    @_at_any_depth
    def widget(self, wrt=None, direction=None, cotangent=None):
        from matdiff_magic.autodiff.widget import SweepWidget

        return SweepWidget(self, wrt=wrt, direction=direction, cotangent=cotangent)

    @_at_any_depth
    def compare(self, wrt=None, fd_step: float = 1e-6):
        from matdiff_magic.autodiff.comparison import compare_graph

        return compare_graph(self, wrt, fd_step)

    @_at_any_depth
    def fd_error_plot(self, wrt=None, direction=None, lang=None):
        from matdiff_magic.autodiff.comparison import fd_error_plot

        return fd_error_plot(self, wrt, direction, known_language(lang))

    @_at_any_depth
    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.table("both")._repr_mimebundle_()

    def __repr__(self) -> str:
        return f"<Graph {self.source.strip()!r}: {len(self)} nodes>"


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise MatdiffError(f"mode {mode!r}: choose forward, reverse or both")


def _declared_names(source: str) -> set:
    """Names the cell declares itself: their declarations win over the kinds of the values."""
    try:
        program = parse(source)
    except MatdiffError as error:
        raise error.with_source(source) from None
    return {name for d in program.declarations for name, _ in d.names}


def _refuse_unknown(values: dict, names) -> None:
    unknown = [n for n in values if n not in names]
    if unknown:
        raise MatdiffError(
            f"unknown variable{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}: the expression's variables are " + (", ".join(names) or "none")
        )


_DRAWING = ("title", "fontsize", "max_width", "dpi", "orientation", "lang", "frame")


def _check_drawing(options: dict) -> None:
    """The drawing's options (``draw_graph``'s): a wrong one is the package's error, not a
    TypeError or matplotlib's LinAlgError from a figure of no width."""
    unknown = [k for k in options if k not in _DRAWING]
    if unknown:
        raise MatdiffError(f"draw() has no option {unknown[0]!r}: it takes {', '.join(_DRAWING)}")
    if options.get("orientation") not in (None, "right", "down"):
        raise MatdiffError(f"orientation={options['orientation']!r}: choose 'right' or 'down'")
    title = options.get("title")
    if title is not None and not isinstance(title, str):
        raise MatdiffError(f"title={title!r}: give a string")
    known_language(options.get("lang"))
    for name, most in (("fontsize", 200), ("max_width", 40), ("dpi", 400)):  # points, inches, dots
        value = options.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) <= most
        ):
            raise MatdiffError(f"{name}={value!r}: give a positive number up to {most}")
