"""`%%matdiff --lang zh` on every seed example, as a reader sees it: the stepper widget (-i) at
every step and in every layout (its buttons, tooltips, counter, rule, note, result and check),
and the cell with --export (the derivation it shows and the module's comments and docstrings),
with no English word outside the mathematics; the widgets' buttons follow the language."""

from __future__ import annotations

import re

import pytest
from conftest import run
from english_words import SEED_CELLS, english_in, english_in_prose

from matdiff_magic import i18n
from matdiff_magic.derivation.record import MIME
from matdiff_magic.render.widgets import LAYOUT_TOOLTIPS

LAYOUTS = ("numerator", "denominator", "mixed")


def _words(cell: str) -> set:
    """The cell's own names (variables, functions): mathematics, whatever their letters."""
    return set(re.findall(r"[A-Za-z]\w*", cell))


def _shown(value: str) -> list[str]:
    """What an HTML or HTMLMath value shows as words: the text outside the TeX, and the
    \\text{…} inside it."""
    words = re.findall(r"\\text\{([^{}]*)\}", value)
    rest = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", value, flags=re.DOTALL)
    return [*words, re.sub(r"<[^>]*>|&[#\w]+;", " ", rest)]


def _controls(w) -> list[str]:
    """The stepper's own labels: buttons, their tooltips, the slider, the layout buttons."""
    return [
        w.prev_button.description,
        w.prev_button.tooltip,
        w.next_button.description,
        w.next_button.tooltip,
        w.play.description,
        w.play.tooltip,
        w.slider.description,
        w.slider.tooltip,
        w.wrt_dropdown.description,
        w.wrt_dropdown.tooltip,
        w.layout_buttons.description,
        *[label for label, _ in w.layout_buttons.options],
        *w.layout_buttons.tooltips,
    ]


def _step_texts(w) -> list[str]:
    texts = [w.counter.value]
    for html in (w.math, w.rule_html, w.note_html, w.result_math, w.check_html, w.error_html):
        texts += _shown(html.value)
    return texts


@pytest.mark.parametrize("cell, wrt", SEED_CELLS)
def test_the_stepper_of_every_seed_example_speaks_chinese(shell, cell, wrt):
    result, _ = run(shell, f"%%matdiff --lang zh -i --wrt {wrt}\n{cell}\n")
    assert result.success, result.error_in_exec
    w = result.result
    allowed = _words(cell)
    zh = i18n.glossary("zh").exact
    assert (w.prev_button.description, w.next_button.description, w.play.description) == (
        zh["Prev"],
        zh["Next"],
        zh["Play"],
    )
    assert [label for label, _ in w.layout_buttons.options] == [zh[k] for k in LAYOUTS]
    assert list(w.layout_buttons.tooltips) == [zh[LAYOUT_TOOLTIPS[k]] for k in LAYOUTS]
    assert english_in("\n".join(_controls(w)), allowed) == []
    for layout in LAYOUTS:
        w.layout = layout
        for step in range(w.n_steps):
            w.step = step
            found = english_in("\n".join(_step_texts(w)), allowed)
            assert found == [], (layout, step, w.current_rule, found)
        assert w.current_rule == zh[f"{layout} layout"]


@pytest.mark.parametrize("cell, wrt", SEED_CELLS)
def test_every_seed_example_exports_in_chinese(shell, cell, wrt):
    result, captured = run(shell, f"%%matdiff --lang zh --wrt {wrt} --export\n{cell}\n")
    assert result.success, result.error_in_exec
    code = result.result.data.removeprefix("```python\n").removesuffix("```")
    assert "由 matdiff_magic" in code and english_in_prose(code, cell) == []
    shown = [o.data for o in captured.outputs if MIME in o.data]
    assert shown and shown[0][MIME].get("lang") == "zh"
    words = english_in(shown[0]["text/plain"], _words(cell))
    for text in re.findall(r"\\text\{([^{}]*)\}", shown[0]["text/latex"]):
        words += english_in(text, _words(cell))
    assert words == []
