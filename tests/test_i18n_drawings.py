"""The drawings in Chinese: the computation graph (title, legend of the edges), the sweep
widget's pictures and the finite-difference error plot take their words from the zh glossary,
keep no English word, and draw every Chinese character with a CJK font (no "Glyph missing"
warning); without such a font they fall back to English, without crashing."""

from __future__ import annotations

import json
import pathlib
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest
from english_words import english_in
from matplotlib.figure import Figure

from matdiff_magic import graph, i18n
from matdiff_magic.autodiff import fonts
from matdiff_magic.autodiff import widget as widget_module
from matdiff_magic.autodiff.draw import LEGEND, figure_png

ZH = json.loads((pathlib.Path(i18n.__file__).parent / "zh.json").read_text(encoding="utf-8"))
SEED = "ln(x1) + x1*x2 - sin(x2)"
VARIABLES = {"x1", "x2", "x3", "x4"}
needs_cjk = pytest.mark.skipif(fonts.cjk_family() is None, reason="no font with Chinese glyphs installed")


def _title(fig: Figure) -> str:
    return next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "title")


def _words(fig: Figure) -> str:
    """Every text of a figure: its texts, axis labels, title and legend."""
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        texts += [t.get_text() for t in legend.get_texts()] if legend else []
    return "\n".join(texts)


def _rendered_without_missing_glyphs(fig: Figure) -> bytes:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = figure_png(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    return png


def _graph():
    return graph(SEED, x1=2.0, x2=5.0)


@needs_cjk
@pytest.mark.parametrize(
    "mode, what",
    [
        ("both", "forward and reverse mode"),
        ("reverse", "reverse mode, seed ȳ = 1"),
    ],
)
def test_graph_drawing_in_chinese(mode, what):
    fig = _graph().draw(mode, lang="zh")
    title = _title(fig)
    assert ZH[what] in title and ZH[LEGEND] in title.replace("\n  ", "")
    assert english_in(_words(fig), VARIABLES) == []
    assert _rendered_without_missing_glyphs(fig)[:4] == b"\x89PNG"


@needs_cjk
def test_forward_title_names_the_seeded_input_in_chinese():
    title = _title(_graph().draw("forward", wrt="x2", lang="zh"))
    assert "前向模式，种子 ẋ 沿 x₂" in title and english_in(title, VARIABLES) == []


@needs_cjk
def test_the_current_language_words_the_drawing():
    with i18n.using("zh"):
        fig = _graph().draw()
    assert ZH["forward and reverse mode"] in _title(fig)
    assert "forward and reverse mode" in _title(_graph().draw(lang="en"))


@needs_cjk
def test_sweep_widget_pictures_in_chinese(monkeypatch):
    drawn = []

    def keep(*args, **kwargs):
        fig = draw(*args, **kwargs)
        drawn.append(fig)
        return fig

    draw = widget_module.draw_graph
    monkeypatch.setattr(widget_module, "draw_graph", keep)
    with i18n.using("zh"):
        w = _graph().widget()
    assert (
        w.play.description,
        w.prev_button.description,
        w.next_button.description,
        w.slider.description,
    ) == (
        ZH["Play"],
        ZH["Prev"],
        ZH["Next"],
        ZH["step"],
    )
    w.step = 13
    title = _title(drawn[-1])
    assert "第 13 步，共 14 步，反向扫描" in title and ZH[LEGEND] in title.replace("\n  ", "")
    assert english_in(_words(drawn[-1]), VARIABLES) == []
    _rendered_without_missing_glyphs(drawn[-1])


@needs_cjk
def test_a_long_sum_in_a_box_is_worded_in_chinese():
    """x1 fans out to four nodes: its adjoint's box says how many terms it sums."""
    g = graph("x1*x2 + sin(x1) + exp(x1) + x1*x1*x2", x1=0.3, x2=0.7)
    nodes, _ = g.structure("reverse", lang="zh")
    lines = "\n".join(line for n in nodes for line in n["lines"])
    assert "= 5 项之和" in lines or "= 4 项之和" in lines
    assert english_in(_words(g.draw("reverse", lang="zh")), VARIABLES) == []


@needs_cjk
def test_error_plot_in_chinese():
    fig = _graph().fd_error_plot(lang="zh")
    words = _words(fig)
    for key in ("step h", "|estimate − exact|", "central difference (f(x+h)−f(x−h))/2h", "truncation ∝ h²"):
        assert ZH[key] in words, key
    assert "有限差分误差" in fig.axes[0].get_title()
    assert english_in(words, VARIABLES) == []
    _rendered_without_missing_glyphs(fig)


@needs_cjk
def test_a_long_chinese_title_wraps_within_the_figure():
    """A wide character takes two columns: the title's lines fit the drawing's width, broken
    between Chinese characters or at spaces, never inside a formula."""
    big = "sin(x1*x2) + cos(x2*x3)*exp(x1/x4) - ln(x3 + x4)*tanh(x1*x2) + x4^3/(1 + x3*x3)"
    fig = graph(big, x1=0.7, x2=1.3, x3=2.1, x4=0.4).draw("forward", wrt="x3", lang="zh")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = next(t for t in fig.axes[0].texts if t.get_gid() == "title")
    box = title.get_window_extent(renderer)
    assert box.x1 <= fig.bbox.x1 + 0.5
    nodes = [
        p.get_window_extent(renderer) for p in fig.axes[0].patches if (p.get_gid() or "").startswith("node:")
    ]
    assert not any(box.overlaps(n) for n in nodes)
    _rendered_without_missing_glyphs(fig)


def test_wrap_counts_wide_characters_twice():
    lines = fonts.wrap("边：局部偏导数 ∂vⱼ/∂vᵢ · v̇ 切向量（前向）· v̄ 伴随量（反向）norm2(x)^2", 12)
    assert all(fonts.columns(line) <= 12 for line in lines if "norm2" not in line)
    assert any(line.strip() == "norm2(x)^2" or line.endswith("norm2(x)^2") for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == re.sub(
        r"\s", "", "边：局部偏导数 ∂vⱼ/∂vᵢ · v̇ 切向量（前向）· v̄ 伴随量（反向）norm2(x)^2"
    )
    assert fonts.columns("v̇ 切") == 4  # the dot combines; 切 is wide


def test_without_a_chinese_font_the_drawing_stays_english(monkeypatch):
    """No font with Chinese glyphs: the words stay English (no boxes of missing glyphs), and
    nothing crashes."""
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    assert fonts.language("zh") == "en" and fonts.families("DejaVu Sans Mono", "zh") == ["DejaVu Sans Mono"]
    fig = _graph().draw(lang="zh")
    assert "forward and reverse mode" in _title(fig) and LEGEND in _title(fig).replace("\n  ", "")
    _rendered_without_missing_glyphs(fig)
    plot = _graph().fd_error_plot(lang="zh")
    assert plot.axes[0].get_xlabel() == "step h"
    _rendered_without_missing_glyphs(plot)


@needs_cjk
def test_the_graph_magic_draws_in_chinese(shell, monkeypatch):
    from conftest import run

    from matdiff_magic.autodiff import draw as draw_module

    drawn = []
    original = draw_module.draw_graph

    def keep(*args, **kwargs):
        drawn.append(original(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(draw_module, "draw_graph", keep)
    result, captured = run(shell, f'%%matdiff --graph --lang zh --at "x1=2, x2=5"\n{SEED}\n')
    assert result.success, result.error_in_exec
    assert any("image/png" in o.data for o in captured.outputs)
    assert ZH["forward and reverse mode"] in _title(drawn[-1])
    assert english_in(_words(drawn[-1]), VARIABLES) == []
