"""DerivationStepper: an ipywidgets stepper over a Derivation's recorded steps.

A thin adapter: what to show comes from ``stepper_state``; this module only wires controls.
Its labels, tooltips and texts are in the derivation's language (``i18n``): the layout buttons
show 分子 / 分母 / 混合 for ``zh`` while their values stay numerator / denominator / mixed.
It is an ``ipywidgets.Widget`` that shows the VBox it holds (``.box``) rather than a VBox
subclass, because a DOMWidget already owns a ``layout`` trait (its CSS Layout) and ours must be the
derivative's layout; its own traits are not synced to the browser (the box's controls are).
"""

from __future__ import annotations

import html
import numbers

import ipywidgets as W
from traitlets import Int, TraitError, Unicode, observe, validate

from matdiff_magic import i18n
from matdiff_magic.derivation.layouts import LAYOUTS
from matdiff_magic.errors import MatdiffError
from matdiff_magic.render.stepper_state import (
    check_message,
    clamp,
    counter_text,
    description,
    rederive,
    result_latex,
    say,
    step_view,
)

CHECK_STYLES = {  # badge colours by check status: (text, background)
    "passed": ("#1b5e20", "#e8f5e9"),
    "failed": ("#b71c1c", "#ffebee"),
    "skipped": ("#424242", "#f5f5f5"),
}
LAYOUT_TOOLTIPS = {
    "numerator": "Numerator layout: the derivative has the shape of the variable transposed",
    "denominator": "Denominator layout: the derivative has the shape of the variable (the gradient)",
    "mixed": "Mixed layout: scalar-by-vector/matrix derivatives in denominator layout",
}


def _esc(s: str) -> str:
    # MathJax reads the DOM text, so escaped TeX (&amp; in aligned rows) typesets unchanged.
    return html.escape(s, quote=False)


class StepperError(MatdiffError, TraitError):
    """A value a stepper's trait cannot take: the package's one error type, and a ``TraitError``
    as code that sets ipywidgets traits expects."""


def _refused(stepper, message: str) -> StepperError:
    """A StepperError worded in the language of the stepper's derivation (as a refused ``wrt``,
    which its re-derivation words, is)."""
    with i18n.using(getattr(getattr(stepper, "derivation", None), "lang", None)):
        return StepperError(message)


class _Index(Int):
    """A step index: a whole number (the stepper clamps it), else a ``StepperError``."""

    def validate(self, obj, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise _refused(obj, f"step takes a whole number: got {value!r}")
        return int(value)


class _Name(Unicode):
    """A variable's name or a layout: a string, else a ``StepperError`` worded as ``refusal``."""

    def __init__(self, refusal: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def validate(self, obj, value):
        if not isinstance(value, str):
            raise _refused(obj, self.refusal.format(repr(value)))
        return value


_UNKNOWN_LAYOUT = "unknown layout {0}: choose numerator, denominator or mixed"


class DerivationStepper(W.Widget):
    """Walk through a derivation step by step; state is in traits that code can set and observe.

    ``step`` clamps to the steps there are; ``layout`` switches the result and the last step;
    ``wrt`` re-derives by another variable and goes back to step 0 (the step counts differ).
    A failed re-derivation keeps the previous variable and shows the error (trait ``error``).
    """

    step = _Index(0, help="index of the current step (clamped to 0 … number of steps − 1)")
    layout = _Name(_UNKNOWN_LAYOUT, "mixed", help="numerator | denominator | mixed")
    wrt = _Name(
        "wrt names the variable to differentiate by, such as wrt='X': got {0}",
        help="the variable the derivative is taken with respect to (as its derivation names it)",
    )
    current_latex = Unicode(read_only=True, help="TeX of the current line, changed part coloured")
    current_rule = Unicode(read_only=True, help="name of the rule the current step applied")
    current_identity = Unicode(read_only=True, help="that rule's identity in general form (text)")
    current_note = Unicode(read_only=True, help="for trace tricks: which factors moved where")
    error = Unicode(read_only=True, help="why the last re-derivation failed ('' if it did not)")

    def __init__(self, derivation, **kwargs):
        self.derivation = derivation
        self._pending = None  # the derivation a valid new `wrt` brought, installed by its observer
        super().__init__(layout=derivation.layout, wrt=derivation.wrt.name)
        self._build()
        self._render()
        for name, value in kwargs.items():  # e.g. DerivationStepper(d, step=3)
            setattr(self, name, value)

    @property
    def n_steps(self) -> int:
        return len(self.derivation.steps)

    def _say(self, text: str) -> str:
        return say(self.derivation, text)

    # ---- controls
    def _build(self) -> None:
        last, t = self.n_steps - 1, self._say
        self.prev_button = W.Button(
            description=t("Prev"),
            icon="step-backward",
            tooltip=t("Previous step"),
            layout=W.Layout(width="auto"),
        )
        self.next_button = W.Button(
            description=t("Next"), icon="step-forward", tooltip=t("Next step"), layout=W.Layout(width="auto")
        )
        self.play = W.Play(
            value=0,
            min=0,
            max=last,
            interval=1500,
            description=t("Play"),
            tooltip=t("Play the steps one after another"),
            show_repeat=False,
            layout=W.Layout(width="7em"),
        )
        self.slider = W.IntSlider(
            value=0,
            min=0,
            max=last,
            description=t("step"),
            readout=False,
            continuous_update=True,
            tooltip=t("Go to a step (arrow keys move one step)"),
            style={"description_width": "auto"},
            layout=W.Layout(width="18em"),
        )
        self.counter = W.Label(layout=W.Layout(min_width="12em"))
        self.wrt_dropdown = W.Dropdown(
            options=[v.name for v in self.derivation.variables],
            value=self.wrt,
            description=t("w.r.t."),
            tooltip=t("Differentiate with respect to this variable"),
            style={"description_width": "auto"},
            layout=W.Layout(width="8em"),
        )
        self.math = W.HTMLMath(layout=W.Layout(overflow="auto"))
        self.rule_html = W.HTMLMath()
        self.note_html = W.HTML()
        self.layout_buttons = W.ToggleButtons(
            options=[(t(k), k) for k in LAYOUTS],  # shown in the language, valued in English
            value=self.layout,
            description=t("layout"),
            tooltips=[t(LAYOUT_TOOLTIPS[k]) for k in LAYOUTS],
            style={"button_width": "auto", "description_width": "auto"},
        )
        self.result_math = W.HTMLMath()
        self.check_html = W.HTML()
        self.error_html = W.HTML()

        self.prev_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        W.link((self.play, "value"), (self.slider, "value"))
        W.link((self.slider, "value"), (self, "step"))
        W.link((self.layout_buttons, "value"), (self, "layout"))
        # Not a link: a rejected variable must put the dropdown back, which link would not.
        self.wrt_dropdown.observe(self._on_dropdown, names="value")
        if len(self.derivation.variables) < 2:
            self.wrt_dropdown.layout.display = "none"

        nav = W.HBox(
            [self.prev_button, self.next_button, self.play, self.slider, self.counter, self.wrt_dropdown],
            layout=W.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.box = W.VBox(
            [
                nav,
                self.math,
                self.rule_html,
                self.note_html,
                self.layout_buttons,
                self.result_math,
                self.check_html,
                self.error_html,
            ]
        )
        self.box.add_class("matdiff-stepper")

    def _move(self, delta: int) -> None:
        self.step = clamp(self.step + delta, self.n_steps)

    def _on_dropdown(self, change) -> None:
        self.wrt = change["new"]
        self.wrt_dropdown.value = self.wrt  # back to the old one if it was rejected

    # ---- state
    @validate("step")
    def _clamp_step(self, proposal):
        return clamp(proposal["value"], self.n_steps)

    @validate("layout")
    def _check_layout(self, proposal):
        if proposal["value"] not in LAYOUTS:
            raise _refused(self, _UNKNOWN_LAYOUT.format(repr(proposal["value"])))
        return proposal["value"]

    @validate("wrt")
    def _rederive(self, proposal):
        name = proposal["value"]
        if not hasattr(self, "derivation") or name == self.derivation.wrt.name:
            return name
        try:
            pending = rederive(self.derivation, name, self.layout)
        except MatdiffError as err:
            self.set_trait("error", str(err))
            self._render_error()
            return self.derivation.wrt.name
        if pending.wrt.name == self.derivation.wrt.name:  # Σ or \Sigma for Sigma: no change
            if self.error:  # but the last failed name's message no longer stands
                self.set_trait("error", "")
                self._render_error()
            return self.derivation.wrt.name
        self._pending = pending
        return pending.wrt.name  # as the derivation and the dropdown name it

    @observe("step")
    def _on_step(self, change) -> None:
        self._render()

    @observe("layout")
    def _on_layout(self, change) -> None:
        if hasattr(self, "box"):
            self.derivation = self.derivation.with_layout(change["new"])
            self._render()

    @observe("wrt")
    def _on_wrt(self, change) -> None:
        if self._pending is None:
            return
        self.derivation, self._pending = self._pending, None
        self.set_trait("error", "")
        self.play.max = self.slider.max = self.n_steps - 1
        self.wrt_dropdown.value = self.wrt
        if self.step == 0:
            self._render()
        self.step = 0  # renders via _on_step when it changes

    # ---- display
    def _render(self) -> None:
        if not hasattr(self, "box"):
            return
        v = step_view(self.derivation, self.step)
        self.set_trait("current_latex", v.current_latex)
        self.set_trait("current_rule", v.rule)
        self.set_trait("current_identity", v.identity_text)
        self.set_trait("current_note", v.note)
        self.math.value = f"$$\n{_esc(v.lines_latex)}\n$$"
        self.prev_button.disabled = v.index == 0
        self.next_button.disabled = v.index == v.count - 1
        rule = f"<b>{_esc(v.rule)}</b>"
        if v.identity_latex:
            rule += f": ${_esc(v.identity_latex)}$"
        function = _esc(self._say("the function"))
        self.rule_html.value = rule if v.stage != "function" else f"<b>{function}</b>"
        self.note_html.value = f"<i>{_esc(v.note)}</i>" if v.note and v.stage != "layout" else ""
        shown = _esc(description(self.derivation))
        self.result_math.value = f"$${_esc(result_latex(self.derivation))}$$<div>{shown}</div>"
        self.check_html.value = self._badge()
        self._render_error()
        # Last: a front end that shows this label has received everything else of the step.
        self.counter.value = counter_text(self.derivation, v.index, v.count, v.stage)

    def _render_error(self) -> None:
        self.error_html.value = (
            f"<pre style='color:#b71c1c;white-space:pre-wrap'>{_esc(self.error)}</pre>" if self.error else ""
        )

    def _badge(self) -> str:
        c = self.derivation.check_result
        if c is None:
            return ""
        fg, bg = CHECK_STYLES.get(c.status, CHECK_STYLES["skipped"])
        return (
            f"<span class='matdiff-check matdiff-check-{c.status}' style='color:{fg};"
            f"background:{bg};border:1px solid {fg};border-radius:4px;padding:1px 6px'>"
            f"{_esc(check_message(self.derivation))}</span>"
        )

    # ---- output
    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # The widget view, plus the derivation for viewers that cannot render widgets.
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.derivation.to_text()
        bundle["text/latex"] = self.derivation.to_latex()
        return bundle

    def __repr__(self) -> str:
        return (
            f"<DerivationStepper of ∂{self.derivation.name}/∂{self.wrt}, "
            f"step {self.step + 1} of {self.n_steps}, {self.layout} layout>"
        )
