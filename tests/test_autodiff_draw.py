"""The drawing (plain nodes/edges -> matplotlib), its layout without overlaps and its size at
notebook width, and the comparison of symbolic, numeric and automatic differentiation. The sweep
widget is tested in test_autodiff_widget.py."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from matdiff_magic import graph  # noqa: E402

SEED = "ln(x1) + x1*x2 - sin(x2)"
BIG = ("sin(x1*x2) + cos(x2*x3)*exp(x1/x4) - ln(x3 + x4)*tanh(x1*x2) + sqrt(x1*x1 + x2*x2)"
       " - arctan(x3*x4 - x1) + x4^3/(1 + x3*x3) + sigmoid(x2 - x3)*sin(x1*x2)*x4 + exp(-x1*x4)")


@pytest.fixture(scope="module")
def seed():
    return graph(SEED, x1=2.0, x2=5.0)


def _extents(fig, prefix):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return {a.get_gid(): a.get_window_extent(renderer) for a in ax.get_children()
            if (a.get_gid() or "").startswith(prefix)}


def _texts(fig):
    return "\n".join(t.get_text() for t in fig.axes[0].texts)


def test_structure_is_plain_nodes_and_edges(seed):
    nodes, edges = seed.structure("both")
    assert [n["name"] for n in nodes] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    assert {n["kind"] for n in nodes} == {"input", "op", "output"}
    assert all(isinstance(line, str) for n in nodes for line in n["lines"])
    partial = {(e["source"], e["target"]): e["partial"] for e in edges}
    by_name = {n["name"]: n["id"] for n in nodes}
    # ∂v₂/∂v₋₁ = v₀ = 5, ∂v₃/∂v₀ = cos 5, ∂v₅/∂v₃ = −1
    assert partial[(by_name["v₋₁"], by_name["v₂"])] == pytest.approx(5.0)
    assert partial[(by_name["v₀"], by_name["v₃"])] == pytest.approx(np.cos(5.0))
    assert partial[(by_name["v₃"], by_name["v₅"])] == pytest.approx(-1.0)
    assert len(edges) == 8


@pytest.mark.parametrize("mode,quantity", [("forward", "v̇₅ = 5.5"),
                                           ("reverse", "v̄₀ = 2 + (−0.284) = 1.716"),
                                           ("both", "v̄₋₁ = 0.5 + 5 = 5.5")])
def test_drawing_is_a_figure_with_the_values(seed, mode, quantity):
    fig = seed.draw(mode=mode)
    assert isinstance(fig, Figure)
    text = _texts(fig)
    for value in ("v₁ = ln v₋₁ = 0.693", "v₂ = v₋₁·v₀ = 10", "v₃ = sin v₀ = −0.959",
                  "v₄ = v₁ + v₂ = 10.693", "v₅ = v₄ − v₃ = 11.652", quantity):
        assert value in text, value
    if mode == "forward":
        assert "v̄" not in text.split("reverse)")[-1]
    labels = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("edge")}
    assert "0.284" in labels.values() and "5" in labels.values()   # ∂v₃/∂v₀ = cos 5, ∂v₂/∂v₋₁ = v₀


def _assert_no_overlaps(fig, n):
    boxes = _extents(fig, "node:")
    assert len(boxes) == n
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        assert not ba.overlaps(bb), (a, b)
    labels = _extents(fig, "label:")
    for gid, box in boxes.items():   # every node's text fits inside its box
        text = labels["label:" + gid.split(":")[1]]
        assert box.x0 <= text.x0 + 0.5 and text.x1 <= box.x1 + 0.5 and box.y0 <= text.y0 + 0.5 \
            and text.y1 <= box.y1 + 0.5, gid


def test_forty_node_graph_has_no_overlapping_boxes():
    g = graph(BIG, x1=0.7, x2=1.3, x3=2.1, x4=0.4)
    assert 38 <= len(g) <= 42
    fig = g.draw("both")
    _assert_no_overlaps(fig, len(g))
    texts = _extents(fig, "")                 # node texts, edge labels and the title
    texts = {k: v for k, v in texts.items() if k and k.startswith(("label:", "edge:", "title"))}
    assert sum(k.startswith("edge:") for k in texts) > 40
    for (a, ba), (b, bb) in itertools.combinations(texts.items(), 2):
        assert not ba.overlaps(bb), (a, b)
    from matplotlib.patches import FancyBboxPatch
    assert sum(isinstance(p, FancyBboxPatch) for p in fig.axes[0].patches) == len(g)
    place = fig.matdiff_placement
    inputs = [g.trace.by_variable[n] for n in g.inputs]
    assert {place.layers[i] for i in inputs} == {0}                        # inputs left
    assert place.layers[g.trace.output] == max(place.layers.values())      # output right
    # a row too wide for the notebook hands nodes on to the rows below: scaled down, but not to dust
    assert fig.get_figwidth() * fig.dpi <= NOTEBOOK_WIDTH + 0.5
    assert min(_shown_text_heights(fig, "label:").values()) >= 6.5


def test_matrix_nodes_show_shape_and_small_values():
    rng = np.random.default_rng(0)
    g = graph("a'*exp(X*b) + norm2(Y)", a=rng.standard_normal(3), X=rng.standard_normal((3, 2)),
              b=rng.standard_normal(2), Y=rng.standard_normal((4, 5)))
    fig = g.draw("reverse")
    _assert_no_overlaps(fig, len(g))
    text = _texts(fig)
    assert "v₋₂ = X (3×2) =" in text                 # a small matrix entry by entry
    x = g.values["X"]
    assert f"{x[0, 0]:.3f}".rstrip("0").replace("-", "−") in text
    assert "4×5, ‖·‖=" in text                      # a large one by its norm


# ---- readable at notebook width ------------------------------------------------------------------
NOTEBOOK_WIDTH = 900        # px: a notebook's output area; a wider PNG is shown scaled down to it
MIN_NODE_TEXT = 9.0         # px: height of a capital letter in a box, as shown
MIN_EDGE_TEXT = 8.0         # px: the same on an edge
REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def notebook05_matrix_graph():
    """Notebook 05's matrix example, with the notebook's own values."""
    rng = np.random.default_rng(0)
    a0, X0, b0 = rng.standard_normal(3), rng.standard_normal((3, 2)), rng.standard_normal(2)
    return graph("a'*exp(X*b)", a=a0, X=X0, b=b0)


def _shown_text_heights(fig, prefix):
    """Capital-letter height in px of each text whose gid starts with prefix, as shown at
    NOTEBOOK_WIDTH (the PNG's own size when it is narrower)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shown = min(1.0, NOTEBOOK_WIDTH / (fig.get_figwidth() * fig.dpi))
    return {t.get_gid(): renderer.get_text_width_height_descent("H", t.get_fontproperties(), False)[1] * shown
            for t in fig.axes[0].texts if (t.get_gid() or "").startswith(prefix)}


def _assert_readable_without_overlaps(fig, n_nodes):
    assert fig.get_figwidth() * fig.dpi <= NOTEBOOK_WIDTH + 0.5       # shown at full size
    nodes, edges = _shown_text_heights(fig, "label:"), _shown_text_heights(fig, "edge:")
    assert len(nodes) == n_nodes and edges
    assert min(nodes.values()) >= MIN_NODE_TEXT, nodes
    assert min(edges.values()) >= MIN_EDGE_TEXT, edges
    _assert_no_overlaps(fig, n_nodes)
    boxes = _extents(fig, "node:")
    texts = {k: v for k, v in _extents(fig, "").items() if k and k.startswith(("edge:", "title"))}
    for (a, ba), (b, bb) in itertools.combinations(texts.items(), 2):   # labels and the title
        assert not ba.overlaps(bb), (a, b)
    for (a, ba), (b, bb) in itertools.product(texts.items(), boxes.items()):   # … and boxes
        assert not ba.overlaps(bb), (a, b)
    canvas = fig.bbox
    for gid, box in {**texts, **boxes}.items():                       # all inside the picture
        assert canvas.x0 - 0.5 <= box.x0 and box.x1 <= canvas.x1 + 0.5, gid
        assert canvas.y0 - 0.5 <= box.y0 and box.y1 <= canvas.y1 + 0.5, gid


@pytest.mark.parametrize("mode", ["forward", "reverse", "both"])
def test_notebook05_matrix_graph_is_readable_at_notebook_width(mode):
    g = notebook05_matrix_graph()
    fig = g.draw(mode=mode)
    _assert_readable_without_overlaps(fig, len(g))
    assert fig.matdiff_placement.orientation == "down"     # left to right would not fit
    if mode == "reverse":
        _save_readme_image(fig, "graph-matrix.png")


def test_seed_graph_is_readable_at_notebook_width(seed):
    fig = seed.draw("both")
    _assert_readable_without_overlaps(fig, len(seed))
    _save_readme_image(fig, "graph-seed.png")


def test_a_graph_that_fits_runs_left_to_right_and_an_orientation_can_be_forced(seed):
    small = graph("x1*x2", x1=2.0, x2=3.0)
    fig = small.draw("both")
    assert fig.matdiff_placement.orientation == "right"
    _assert_readable_without_overlaps(fig, len(small))
    wide = seed.draw("both", orientation="right", max_width=30)
    assert wide.matdiff_placement.orientation == "right" and wide.get_figwidth() > 9
    _assert_no_overlaps(wide, len(seed))
    place = wide.matdiff_placement                        # inputs left, the output right
    x = {i: c[0] for i, c in place.centers.items()}
    assert max(x[seed.trace.by_variable[v]] for v in seed.inputs) < x[seed.trace.output]
    down = seed.draw("both").matdiff_placement             # inputs at the top, the output below
    y = {i: c[1] for i, c in down.centers.items()}
    assert max(y[seed.trace.by_variable[v]] for v in seed.inputs) < y[seed.trace.output]


def _save_readme_image(fig, name):
    import os
    from matdiff_magic.autodiff.draw import figure_png
    path = REPO / "docs" / "images" / name
    if not path.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
        path.write_bytes(figure_png(fig))


def test_drawing_does_not_use_pyplot_figures(seed):
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    seed.draw()
    assert plt.get_fignums() == before


# ---- symbolic vs numeric vs automatic -----------------------------------------------------------
def test_comparison_of_the_three_ways(seed):
    c = seed.compare()
    methods = [r["method"] for r in c.rows if r["variable"] == "x1"]
    assert methods == ["symbolic", "central difference", "forward mode", "reverse mode"]
    for r in c.rows:
        expected = 5.5 if r["variable"] == "x1" else 2 - np.cos(5.0)
        assert r["gradient"] == pytest.approx(expected, rel=1e-8)
        assert r["max_abs_diff"] < (1e-8 if r["method"] == "central difference" else 1e-14)
    html = c.to_html()
    assert "<table" in html and "reverse mode" in html and "central difference" in html


def test_comparison_on_matrices_agrees():
    rng = np.random.default_rng(4)
    g = graph("a'*exp(X*b)", a=rng.standard_normal(4), X=rng.standard_normal((4, 3)) * 0.5,
              b=rng.standard_normal(3))
    c = g.compare("X")
    grads = {r["method"]: r["gradient"] for r in c.rows}
    assert grads["symbolic"].shape == (4, 3)
    for method in ("central difference", "forward mode", "reverse mode"):
        np.testing.assert_allclose(grads[method], grads["symbolic"], rtol=1e-6, atol=1e-8)
    assert "12 forward sweeps" in c.to_text() and "24 evaluations" in c.to_text()


def test_finite_difference_error_shows_truncation_and_round_off(seed):
    from matdiff_magic.autodiff.comparison import fd_errors
    data = fd_errors(seed, "x1")
    h, fwd, central = data["h"], data["forward"], data["central"]
    assert data["exact"] == pytest.approx(5.5)
    big, tiny = h == 1e-1, np.isclose(h, 1e-15)
    assert fwd[big][0] == pytest.approx(0.125 * 0.1, rel=0.2)      # truncation ≈ |f''| h / 2
    assert central[big][0] < fwd[big][0] / 10                      # central: O(h²)
    assert fwd[tiny][0] > 1e-3                                     # round-off ≈ ε|f|/h
    assert min(central) < min(fwd) < 1e-6
    assert h[np.argmin(central)] > h[np.argmin(fwd)]               # central's best h is larger
    fig = seed.fd_error_plot("x1")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_lines()) >= 4
