"""What the stepper shows at step i of a derivation: plain Python over the recorded steps.

No ipywidgets here, so the logic is tested without a front end and the widget stays a thin
adapter that only copies these strings into its controls. Every string is in the derivation's
language (``derivation.lang``, see ``i18n``).
"""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic import i18n
from matdiff_magic.errors import MatdiffError
from matdiff_magic.render.linebreak import tex_head, tex_step, tex_where
from matdiff_magic.render.portable import portable
from matdiff_magic.render.printer import to_latex
from matdiff_magic.timelimit import TimeLimitExceeded, time_limit

REDERIVE_SECONDS = 10.0  # the magic's default --timeout: a click must not hang the kernel

STAGE_NAMES = {
    "function": "the function",
    "differential": "differential",
    "trace": "trace trick",
    "readoff": "read-off",
    "layout": "layout",
}


def say(derivation, text: str) -> str:
    """English wording in the derivation's language."""
    return i18n.translate(text, getattr(derivation, "lang", None))


def stage_name(derivation, stage: str) -> str:
    return say(derivation, STAGE_NAMES.get(stage, stage))


def counter_text(derivation, index: int, count: int, stage: str) -> str:
    """'3 of 12 · trace trick': where the stepper is."""
    return say(derivation, f"{index + 1} of {count} · {STAGE_NAMES.get(stage, stage)}")


def description(derivation) -> str:
    """The sentence saying what the derivation's layout means for this shape."""
    return say(derivation, derivation.results[derivation.layout].description)


def check_message(derivation) -> str:
    c = derivation.check_result
    return "" if c is None else say(derivation, c.message)


@dataclass(frozen=True)
class StepView:
    index: int
    count: int
    stage: str
    rule: str
    identity_latex: str
    identity_text: str
    note: str
    current_latex: str  # the current line alone, changed part coloured, with its left side
    lines_latex: str  # aligned TeX of lines 0..index, only the current one coloured


def clamp(index: int, count: int) -> int:
    return max(0, min(int(index), count - 1))


def _lhs_at(steps, index: int) -> str:
    # A line with lhs '' continues the last line that had one (df = … = …).
    for s in reversed(steps[: index + 1]):
        if s.lhs:
            return s.lhs
    return ""


def step_view(derivation, index: int) -> StepView:
    steps = derivation.steps
    i = clamp(index, len(steps))
    s = steps[i]
    # as in the derivation block: a long line on rows of its own, and no macro MathJax 2 refuses
    # in a long block (the lines so far grow with every step)
    column = max(len(line.lhs_text) for line in steps) + 3
    rows = []
    for k, line in enumerate(steps[: i + 1]):
        rows += tex_step(
            tex_head(line.stage, line.lhs), line.latex_highlighted if k == i else line.latex, "", column
        )
    rows += _where(derivation, steps[: i + 1], column)  # the names these lines use, defined
    lines = portable(_aligned(rows))
    current = tex_step(tex_head(s.stage, _lhs_at(steps, i)), s.latex_highlighted, "", column)
    return StepView(
        i,
        len(steps),
        s.stage,
        s.rule,
        s.identity_latex,
        s.identity_text,
        s.note,
        portable(
            tex_head(s.stage, _lhs_at(steps, i)).replace("&", "") + s.latex_highlighted
            if len(current) == 1
            else _aligned(current)
        ),
        lines,
    )


def _where(derivation, shown: list, column: int) -> list[str]:
    from matdiff_magic.render.shown_lines import shown_expressions

    where = _defined(derivation, [e for line in shown for e in shown_expressions(line.step)])
    if not where:
        return []
    return [i18n.translate_tex(r, derivation.lang) for r in tex_where(r"&\text{where } ", where, column)]


def _defined(derivation, expressions: list) -> str:
    """The TeX "s = softmax(Wᵀx), …" of the names ``expressions`` print ('' for none)."""
    from matdiff_magic.render.shown_lines import definitions

    abbrev = derivation.abbrev
    names = definitions(expressions, abbrev)
    return ",\\ ".join(f"{tex} = {to_latex(node, abbrev=abbrev, define=True)}" for node, (tex, _) in names)


def _aligned(rows: list[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def result_latex(derivation) -> str:
    """The result in the derivation's layout with the names its lines use (s = softmax(Wᵀx)),
    each defined after it, as under the derivation block."""
    r = derivation.results[derivation.layout]
    tex = f"{r.lhs} = {to_latex(r.expr, abbrev=derivation.abbrev)}"
    where = _defined(derivation, [r.expr])
    if not where:
        return tex
    return i18n.translate_tex(rf"{tex},\quad \text{{where }} {where}", derivation.lang)


def rederive(derivation, wrt: str, layout: str):
    """The same cell derived by another variable; MatdiffError (or a time-out) says why not."""
    try:
        with time_limit(REDERIVE_SECONDS), i18n.using(getattr(derivation, "lang", None)):
            return derivation.derive_again(wrt, layout)
    except TimeLimitExceeded as error:
        timed_out = MatdiffError(str(error))
        timed_out.lang = i18n.current(getattr(derivation, "lang", None))  # raised outside the block
        raise timed_out from None
