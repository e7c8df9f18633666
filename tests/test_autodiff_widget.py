"""The sweep widget driven from Python (ipywidgets needs no browser: set traits, read state).

It tells the truth: at step k a box shows a value, a tangent or an adjoint only if one of the
first k steps computed it; Prev and Next are disabled at the ends; the steps are counted one way
everywhere (step, slider, Play, the text and the drawing's title: 1 to N)."""
from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from matdiff_magic import graph  # noqa: E402
from matdiff_magic.autodiff.structure import HIDDEN  # noqa: E402
from test_autodiff_draw import NOTEBOOK_WIDTH, SEED, notebook05_matrix_graph  # noqa: E402

NUMBER = re.compile(r"\d")


@pytest.fixture(scope="module")
def seed():
    return graph(SEED, x1=2.0, x2=5.0)


@pytest.fixture(params=["seed", "matrix", "fan-out"])
def any_graph(request, seed):
    if request.param == "seed":
        return seed
    if request.param == "matrix":
        return notebook05_matrix_graph()
    return graph("x'*A*x + sum(exp(x))", x=np.array([0.3, -0.2]), A=np.array([[1.0, 2.0], [0.5, 3.0]]))


def test_widget_steps_through_forward_then_reverse(seed):
    w = seed.widget()
    assert len(w.steps) == 14 and w.step == 1
    assert w.description.startswith("step 1 of 14 · forward sweep: ") and w.highlighted == "v₋₁"
    w.next_button.click()
    w.next_button.click()
    assert w.step == 3 and w.highlighted == "v₁"
    assert "v̇₁ = v̇₋₁/v₋₁ = 0.5" in w.description
    w.step = 8
    assert w.description.startswith("step 8 of 14 · reverse sweep: ") and w.highlighted == "v₅"
    w.slider.value = 13                      # the slider drives the step
    assert w.step == 13 and w.highlighted == "v₀"
    assert "v̄₀ = v̄₂·v₋₁ + v̄₃·cos v₀ = 2 + (−0.284) = 1.716" in w.description
    w.prev_button.click()
    assert w.step == 12
    w.step = 99                              # clamped
    assert w.step == 14 and w.play.max == 14
    w.step = -5
    assert w.step == 1
    assert w.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    w.step = 14
    assert "v̄₋₁" in w.caption.value
    with pytest.raises(AttributeError):
        w.description = "something else"    # read-only


def test_one_step_count_everywhere(any_graph):
    w = any_graph.widget()
    n = 2 * len(any_graph)                   # every node once per sweep
    assert len(w.steps) == n
    assert (w.slider.min, w.slider.max) == (w.play.min, w.play.max) == (1, n)
    for k in range(1, n + 1):
        w.slider.value = k
        assert w.step == k
        assert w.description.startswith(f"step {k} of {n} · ")
        assert f"step {k} of {n}" in w.caption.value
    w.step = 5
    assert w.slider.value == 5               # and the other way round
    phases = [s.phase for s in w.steps]
    assert phases == ["forward"] * (n // 2) + ["reverse"] * (n // 2)


def test_prev_and_next_are_disabled_at_the_ends(seed):
    w = seed.widget()
    assert w.step == 1 and w.prev_button.disabled and not w.next_button.disabled
    w.prev_button.click()
    assert w.step == 1
    w.next_button.click()
    assert not w.prev_button.disabled and not w.next_button.disabled
    w.step = 14
    assert w.next_button.disabled and not w.prev_button.disabled
    w.next_button.click()
    assert w.step == 14
    w.prev_button.click()
    assert w.step == 13 and not w.next_button.disabled


def _lines(nodes):
    return {n["name"]: n["lines"] for n in nodes}


def _shown(lines, mark):
    """The lines of one quantity of a box: the value ('v₂ = …'), 'v̇' or 'v̄'."""
    out, current = [], None
    for line in lines:
        if not line.startswith("  "):
            current = "v̇" if line.startswith("v̇") else "v̄" if line.startswith("v̄") else "v"
        if current == mark:
            out.append(line)
    return out


def _known(lines, mark) -> bool:
    shown = _shown(lines, mark)
    assert shown, (mark, lines)
    hidden = shown[-1].endswith(f"= {HIDDEN}")
    if hidden:   # nothing of it leaks: no number after the quantity's name and formula
        assert len(shown) == 1, shown
    return not hidden


def test_a_value_appears_only_after_the_step_that_computes_it(any_graph):
    w = any_graph.widget()
    trace = any_graph.trace
    names = {i: trace.nodes[i].name for i in (s.node for s in w.steps)}
    forward = [s.node for s in w.steps if s.phase == "forward"]
    reverse = [s.node for s in w.steps if s.phase == "reverse"]
    assert forward == [s.index for s in trace.steps] and reverse == forward[::-1]
    for k in range(1, len(w.steps) + 1):
        nodes, edges = w.structure(k)
        lines = _lines(nodes)
        done_forward = set(forward[:k])
        done_reverse = set(reverse[:max(0, k - len(forward))])
        for i, name in names.items():
            assert _known(lines[name], "v") == (i in done_forward), (k, name, lines[name])
            assert _known(lines[name], "v̇") == (i in done_forward), (k, name, lines[name])
            assert _known(lines[name], "v̄") == (i in done_reverse), (k, name, lines[name])
            if i not in done_reverse:        # not even the sum it will be made of (names are
                head = _shown(lines[name], "v̄")[0].split(f"= {HIDDEN}")[0]   # subscripts, no digits)
                assert not NUMBER.search(head), lines[name]
        for e in edges:                      # a local partial is computed with its node's value
            assert (e["label"] != HIDDEN) == (e["target"] in done_forward), (k, e)
        assert [n["name"] for n in nodes if n["highlight"]] == [names[w.steps[k - 1].node]]


def test_forward_step_one_shows_no_adjoint(seed):
    w = seed.widget()
    lines = _lines(w.structure(1)[0])
    assert lines["v₋₁"] == ["v₋₁ = x₁ = 2", "v̇₋₁ = 1", "v̄₋₁ = …"]
    assert lines["v₀"] == ["v₀ = x₂ = …", "v̇₀ = …", "v̄₀ = …"]      # fans out: no '2 + (−0.284)'
    w.step = 13
    assert _lines(w.structure()[0])["v₀"][-1] == "v̄₀ = 2 + (−0.284) = 1.716"


def test_the_drawing_follows_the_step(seed):
    w = seed.widget()
    first = w.image.value
    w.step = 2
    assert w.image.value != first
    w.step = 1
    assert w.image.value == first            # cached, and the same picture for the same step


def test_widget_frames_keep_their_size_and_orientation():
    w = notebook05_matrix_graph().widget()
    sizes = set()
    for step in (1, 4, len(w.steps) // 2 + 1, len(w.steps)):
        w.step = step
        sizes.add(Image.open(io.BytesIO(w.image.value)).size)
    assert len(sizes) == 1 and next(iter(sizes))[0] <= NOTEBOOK_WIDTH
