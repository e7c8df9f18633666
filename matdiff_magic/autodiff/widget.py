"""A sweep animation (ipywidgets 8): the forward pass node by node, then the reverse pass, with
the node being computed highlighted and the formula it used written out.

The widget is a thin adapter: ``sweep_steps`` says what each step shows (plain data), the drawing
comes from structure.py + draw.py. ``step`` is a trait and ``description`` a read-only string, so
it can be driven and checked from Python without a browser. Its labels and text are in the
language current when it was made (``i18n``), and so is the drawing's title where a font has
the language's glyphs (``fonts.language``; else the drawing's words are English).

One count everywhere: the steps are numbered 1 to N (N = twice the nodes: each node once in the
forward sweep, once in the reverse sweep), and ``step``, the slider, the Play button and the text
("step 9 of 14 · reverse sweep: …") all use that number. At step k the drawing shows exactly what
the first k steps computed: a value and its tangent from the forward step of its node on, an
adjoint (and the sum it is made of) from the reverse step of its node on.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import traitlets

from matdiff_magic import i18n
from matdiff_magic.autodiff import fonts
from matdiff_magic.autodiff.draw import draw_graph, figure_png
from matdiff_magic.autodiff.modes import adjoint_formula, tangent_formula
from matdiff_magic.autodiff.notation import value_inline
from matdiff_magic.autodiff.structure import build_structure
from matdiff_magic.autodiff.table import _sum_text


@dataclass(frozen=True)
class SweepStep:
    phase: str  # "forward" or "reverse"
    node: int  # the node computed in this step
    text: str  # what was computed, with numbers
    show: dict  # node ids whose value / tangent / adjoint / partials are known
    edges: frozenset  # the edges the step reads


def sweep_steps(graph, fwd, rev) -> list:
    trace = graph.trace
    order = [n.index for n in trace.steps]
    steps = []
    for k, i in enumerate(order):
        node = trace.nodes[i]
        seen = set(order[: k + 1])
        value = f"{node.name} = {trace.expr_text(i)} = {value_inline(node.value)}"
        tangent = f"{tangent_formula(trace, i)} = {value_inline(fwd.tangents[i])}"
        text = f"{value};   {tangent}" + ("   (seed)" if node.is_input else "")
        steps.append(
            SweepStep(
                "forward",
                i,
                text,
                {"value": seen, "tangent": seen, "partial": seen, "adjoint": set()},
                frozenset((a, i) for a in node.args),
            )
        )
    everything = set(order)
    for k, i in enumerate(reversed(order)):
        node = trace.nodes[i]
        done = set(list(reversed(order))[: k + 1])
        parts = _sum_text([(None, v) for _, v in rev.contributions[i]])
        formula = adjoint_formula(trace, i, rev)
        total = value_inline(rev.adjoints[i])
        text = (
            formula
            + (f" = {parts}" if parts else "")
            + ("" if formula.endswith(f"= {total}") else f" = {total}")
        )
        if i == trace.output:
            text += "   (seed)"
        steps.append(
            SweepStep(
                "reverse",
                i,
                text,
                {"value": everything, "tangent": everything, "partial": everything, "adjoint": done},
                frozenset((i, c) for c, _ in rev.contributions[i]),
            )
        )
    return steps


class SweepWidget(widgets.VBox):
    """Play / slider / Prev / Next over the forward then the reverse sweep of a Graph."""

    step = traitlets.Int(1, help="the step shown, 1 to len(steps), as on the slider")

    def __init__(self, graph, wrt=None, direction=None, cotangent=None, interval: int = 1500):
        self.graph = graph
        self.lang = i18n.current()
        t = lambda text: i18n.translate(text, self.lang)
        fwd, rev = graph.forward_sweep(wrt, direction), graph.reverse_sweep(cotangent)
        self.fwd, self.rev = fwd, rev
        self.steps = sweep_steps(graph, fwd, rev)
        self._png: dict = {}
        self._frame = build_structure(
            graph.trace, fwd, rev, lang=fonts.language(self.lang)
        )  # fixes the boxes for every step
        last = len(self.steps)
        self.play = widgets.Play(value=1, min=1, max=last, interval=interval, description=t("Play"))
        self.slider = widgets.IntSlider(
            value=1, min=1, max=last, description=t("step"), continuous_update=False
        )
        self.prev_button = widgets.Button(
            description=t("Prev"), icon="step-backward", layout=widgets.Layout(width="80px")
        )
        self.next_button = widgets.Button(
            description=t("Next"), icon="step-forward", layout=widgets.Layout(width="80px")
        )
        self.caption = widgets.HTML()
        self.image = widgets.Image(format="png")
        widgets.jslink((self.play, "value"), (self.slider, "value"))  # animation in the browser
        traitlets.link((self.slider, "value"), (self, "step"))  # and in the kernel
        self.prev_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        super().__init__(
            [
                widgets.HBox([self.play, self.prev_button, self.next_button, self.slider]),
                self.caption,
                self.image,
            ]
        )
        self.observe(self._show, names="step")
        self._show()

    @traitlets.validate("step")
    def _clamp(self, proposal):
        return max(1, min(len(self.steps), proposal["value"]))

    def _move(self, delta: int) -> None:
        self.step = self.step + delta

    @property
    def current(self) -> SweepStep:
        return self.steps[self.step - 1]

    @property
    def description(self) -> str:
        """What the widget shows now, as text: the step, its sweep and the formula it computed."""
        s = self.current
        return i18n.translate(f"step {self.step} of {len(self.steps)} · {s.phase} sweep: {s.text}", self.lang)

    @property
    def highlighted(self) -> str:
        return self.graph.trace.nodes[self.current.node].name

    def structure(self, step: int | None = None) -> tuple[list, list]:
        """The (nodes, edges) drawn at a step (1 to N; the current one by default)."""
        s = self.steps[(self.step if step is None else step) - 1]
        return build_structure(
            self.graph.trace,
            self.fwd,
            self.rev,
            show=s.show,
            highlight=s.node,
            highlight_edges=s.edges,
            lang=fonts.language(self.lang),
        )

    def png(self, step: int | None = None) -> bytes:
        """The drawing at a step (cached: the Play button revisits steps)."""
        step = self.step if step is None else step
        if step not in self._png:
            s = self.steps[step - 1]
            nodes, edges = self.structure(step)
            lang = fonts.language(self.lang)
            title = f"{self.graph.typed.name} = {self.graph.formula_text()} — " + i18n.translate(
                f"step {step} of {len(self.steps)}, {s.phase} sweep", lang
            )
            fig = draw_graph(nodes, edges, title=title, frame=self._frame, lang=lang)
            self._png[step] = figure_png(fig)
        return self._png[step]

    def _show(self, change=None) -> None:
        self.prev_button.disabled = self.step == 1
        self.next_button.disabled = self.step == len(self.steps)
        self.caption.value = (
            f'<div style="font-family:monospace;font-size:1.05em">{html.escape(self.description)}</div>'
        )
        self.image.value = self.png()

    def _repr_png_(self) -> bytes:  # a static picture where widgets are not rendered
        return self.png()
