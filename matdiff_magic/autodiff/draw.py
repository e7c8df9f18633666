"""Draw plain (nodes, edges) with matplotlib: boxes with the node's text, arrows with the local
partials ∂vⱼ/∂vᵢ. No graphviz: layout.py places the boxes.

Box sizes come from the text, measured in a monospaced font, so the layout can be computed
before anything is drawn; the figure is then sized so that one data unit is one point, which
keeps text and boxes in proportion. The drawing fits the width it is given (a notebook's output
area, about 900 px): inputs left and the output right when that fits, else inputs at the top and
the output at the bottom (a graph is rarely as wide as it is deep), rows no wider than the page
where the graph allows, the title wrapped. Only what still does not fit is scaled down as a whole.
Its words (the title, the legend of the edges) are in the drawing's language, in fonts.py's
families: DejaVu Sans Mono, then a CJK font for Chinese (a wide character takes two columns).
"""

from __future__ import annotations

import numbers

from matdiff_magic import i18n
from matdiff_magic.autodiff import fonts
from matdiff_magic.autodiff.layout import layered_layout
from matdiff_magic.errors import MatdiffError

FONT = "DejaVu Sans Mono"  # ships with matplotlib: widths are predictable
FONT_SIZE = 10.0  # points: 13.9 px at 100 dpi, capitals 10 px tall
CHAR_WIDTH = 0.61  # advance of one character, in ems
LINE_HEIGHT = 1.25  # baseline to baseline, in ems (linespacing 1.2; measured again)
PAD = 0.7  # box padding, in ems
EDGE_FONT = 0.85  # edge labels are this much smaller
MAX_WIDTH = 9.0  # inches at 100 dpi: the 900 px of a notebook's output area
LABEL_PAD = 0.15  # the white box behind an edge label, in ems
LEGEND = "edges: local partials ∂vⱼ/∂vᵢ · v̇ tangent (forward) · v̄ adjoint (reverse)"

COLORS = {"input": "#dbeafe", "op": "#ffffff", "output": "#fde68a"}
HIGHLIGHT = "#ea580c"


def text_size(lines, fontsize: float, metrics=(CHAR_WIDTH, LINE_HEIGHT)) -> tuple[float, float]:
    width = max((fonts.columns(s) for s in lines), default=0) * metrics[0] * fontsize
    return width, len(lines) * metrics[1] * fontsize


def box_size(lines, fontsize: float, metrics=(CHAR_WIDTH, LINE_HEIGHT)) -> tuple[float, float]:
    w, h = text_size(lines, fontsize, metrics)
    return w + 2 * PAD * fontsize, h + 2 * PAD * fontsize


_METRICS: dict = {}  # (fontsize, dpi) -> metrics that measured right last time


def draw_graph(
    nodes,
    edges,
    title: str | None = None,
    fontsize: float = FONT_SIZE,
    max_width: float = MAX_WIDTH,
    dpi: int = 100,
    frame=None,
    orientation: str | None = None,
    lang: str | None = None,
):
    """A matplotlib Figure of the graph, at most ``max_width`` inches wide. Node boxes carry gid
    "node:<id>", their texts "label:<id>", edge labels "edge:<source>-<target>" (for tests and
    tools); ``fig.matdiff_placement`` says where everything went.

    ``orientation`` "right" (inputs left) or "down" (inputs at the top) forces one; by default the
    first that fits ``max_width`` at full size. ``frame`` is another (nodes, edges) of the same
    graph whose texts fix the box sizes: the widget passes the fully computed graph so that boxes
    (and the orientation) stay put while values appear. ``lang`` (None: the current language)
    words the legend; the caller words the title (``fonts.language`` says in which language)."""
    _check_frame(frame, nodes, edges)
    _ensure_ipython_formatter()
    lang = fonts.language(lang)
    nodes, edges = _drawable_graph(nodes, edges)
    frame = _drawable_graph(*frame) if frame is not None else (nodes, edges)
    key = (fontsize, dpi)
    metrics = _METRICS.get(key, (CHAR_WIDTH, LINE_HEIGHT))
    for _ in range(3):
        # glyph advances are rounded to whole pixels at the figure's dpi: measure, then redo the
        # layout if the text came out wider than assumed
        fig, pt = _draw(nodes, edges, frame, title, fontsize, max_width, dpi, metrics, orientation, lang)
        measured = _measure(fig, fontsize * pt)
        if measured[0] <= metrics[0] + 1e-9 and measured[1] <= metrics[1] + 1e-9:
            break
        metrics = (max(metrics[0], measured[0]), max(metrics[1], measured[1]))
    _METRICS[key] = metrics
    return fig


def _check_frame(frame, nodes, edges) -> None:
    """``frame``: None, or the (nodes, edges) of the same graph (its boxes and arrows), with
    texts, as ``Graph.structure()`` gives them; anything else is the package's error."""
    if frame is None:
        return

    def texts(items, key):  # the lines of a box or the label of an arrow: text
        return all(
            isinstance(item, dict)
            and isinstance(item.get(key), list if key == "lines" else str)
            and (key != "lines" or all(isinstance(line, str) for line in item["lines"]))
            for item in items
        )

    def same(a, b):  # ids are whole numbers: == on anything else may not even be a bool
        return len(a) == len(b) and all(isinstance(x, numbers.Integral) and x == y for x, y in zip(a, b))

    ok = isinstance(frame, (tuple, list)) and len(frame) == 2 and all(isinstance(p, list) for p in frame)
    ok = ok and texts(frame[0], "lines") and texts(frame[1], "label")
    if not (
        ok
        and same([n.get("id") for n in frame[0]], [n["id"] for n in nodes])
        and same([e.get("source") for e in frame[1]], [e["source"] for e in edges])
        and same([e.get("target") for e in frame[1]], [e["target"] for e in edges])
    ):
        raise MatdiffError(
            f"frame={_short(frame)}: give the (nodes, edges) of the same graph, as its structure() "
            "returns them, or None"
        )


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _drawable_graph(nodes, edges):
    return (
        [dict(n, lines=[_drawable(s) for s in n["lines"]]) for n in nodes],
        [dict(e, label=_drawable(e["label"])) for e in edges],
    )


def _draw(nodes, edges, frame, title, fontsize, max_width, dpi, metrics, orientation, lang):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    efs = fontsize * EDGE_FONT
    sizes, label_sizes = {}, {}
    for ns, es in (frame, (nodes, edges)):
        for n in ns:
            w, h = box_size(n["lines"], fontsize, metrics)
            sizes[n["id"]] = tuple(max(a, b) for a, b in zip((w, h), sizes.get(n["id"], (0, 0))))
        for e in es:
            if e["label"]:
                k = (e["source"], e["target"])
                w, h = text_size([e["label"]], efs, metrics)
                w, h = w + 2 * LABEL_PAD * efs, h + 2 * LABEL_PAD * efs  # with its white box
                label_sizes[k] = tuple(max(a, b) for a, b in zip((w, h), label_sizes.get(k, (0, 0))))
    budget = max_width * 72  # points at full size
    ids, pairs = [n["id"] for n in nodes], [(e["source"], e["target"]) for e in edges]
    tried = []
    for d in [orientation] if orientation else ["right", "down"]:
        place = layered_layout(
            ids, pairs, sizes, label_sizes, orientation=d, max_breadth=budget - 20 if d == "down" else None
        )
        tried.append((place, _extent(place, label_sizes)))
        if tried[-1][1][2] - tried[-1][1][0] <= budget:
            break
    # the first that fits; if none does, the narrowest, scaled down below
    place, (x0, y0, x1, y1) = min(tried, key=lambda t: max(budget, t[1][2] - t[1][0]))

    chars = max(20, int((max(budget, x1 - x0) - 20) / (metrics[0] * fontsize)))
    title_lines = fonts.wrap(_drawable(title), chars) if title else []
    title_lines += fonts.wrap(i18n.translate(LEGEND, lang), chars)
    head = len(title_lines) * metrics[1] * fontsize + fontsize
    width = max(x1 - x0, max(fonts.columns(t) for t in title_lines) * metrics[0] * fontsize + 20)
    height = y1 - y0 + head
    scale = min(1.0, budget / width)
    fig = Figure(figsize=(width * scale / 72, height * scale / 72), dpi=dpi)
    FigureCanvasAgg(fig)  # a canvas of its own: works under any backend, no pyplot
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x0 + width)
    ax.set_ylim(height, 0)  # y grows downward, as in the layout
    dy = head - y0  # the layout's top goes under the title
    ax.set_axis_off()
    pt = scale  # one data unit is `scale` points: font sizes follow
    family = fonts.families(FONT, lang)

    ax.text(
        x0 + 10,
        fontsize * 0.6,
        "\n".join(title_lines),
        fontsize=fontsize * pt,
        family=family,
        va="top",
        ha="left",
        linespacing=1.2,
        color="#111827",
        gid="title",
    )

    for e in edges:
        key = (e["source"], e["target"])
        pts = [(x, y + dy) for x, y in place.routes[key]]
        codes = [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1)
        color = HIGHLIGHT if e.get("highlight") else "#6b7280"
        ax.add_patch(
            FancyArrowPatch(
                path=Path(pts, codes),
                arrowstyle="-|>",
                mutation_scale=9 * pt,
                lw=(1.8 if e.get("highlight") else 0.9) * pt,
                color=color,
                zorder=1,
                gid=f"arrow:{key[0]}-{key[1]}",
            )
        )
        if e["label"]:
            lx, ly = place.labels[key]
            ax.text(
                lx,
                ly + dy,
                e["label"],
                fontsize=efs * pt,
                family=family,
                ha="center",
                va="center",
                color="#9f1239",
                zorder=3,
                gid=f"edge:{key[0]}-{key[1]}",
                bbox=dict(boxstyle=f"round,pad={LABEL_PAD}", fc="white", ec="none", alpha=0.9),
            )

    for n in nodes:
        (cx, cy), (w, h) = place.centers[n["id"]], sizes[n["id"]]
        cy += dy
        box = FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={fontsize * 0.5}",
            fc=COLORS.get(n["kind"], "#ffffff"),
            ec=HIGHLIGHT if n.get("highlight") else "#374151",
            lw=(2.5 if n.get("highlight") else 1.0) * pt,
            zorder=2,
            gid=f"node:{n['id']}",
        )
        ax.add_patch(box)
        ax.text(
            cx - w / 2 + PAD * fontsize,
            cy,
            "\n".join(n["lines"]),
            fontsize=fontsize * pt,
            family=family,
            ha="left",
            va="center",
            linespacing=1.2,
            zorder=4,
            gid=f"label:{n['id']}",
        )
    fig.matdiff_placement = place  # where everything went, for tests and tools
    return fig, pt


def _extent(place, label_sizes) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of everything the layout placed: its own box, and the edge
    labels, which may stand out of it (half a label beyond the first or last box)."""
    x0, y0, x1, y1 = 0.0, 0.0, place.width, place.height
    for e, (x, y) in place.labels.items():
        if e in label_sizes:
            w, h = label_sizes[e]
            x0, y0, x1, y1 = (
                min(x0, x - w / 2 - 4),
                min(y0, y - h / 2 - 4),
                max(x1, x + w / 2 + 4),
                max(y1, y + h / 2 + 4),
            )
    return x0, y0, x1, y1


def _measure(fig, size_pt: float) -> tuple[float, float]:
    """Actual advance per character and line height, in ems, at this figure's dpi."""
    renderer = fig.canvas.get_renderer()
    probe = fig.text(0, 0, "\n".join(["0" * 40] * 4), fontsize=size_pt, family=FONT, linespacing=1.2)
    box = probe.get_window_extent(renderer)
    probe.remove()
    to_em = 72.0 / fig.dpi / size_pt
    return box.width * to_em / 40, box.height * to_em / 4 + 0.02


def _drawable(text: str) -> str:
    """The monospaced font has no bold 𝟏: a plain 1 reads the same in a box."""
    return text.replace("𝟏", "1") if text else text


def figure_png(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def _ensure_ipython_formatter() -> None:
    """Figures made without pyplot show inline only if IPython knows how to render them."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters.get("image/png")
    if formatter is not None and _missing(formatter, Figure):
        formatter.for_type(Figure, figure_png)


def _missing(formatter, cls) -> bool:
    try:
        formatter.lookup_by_type(cls)
        return False
    except KeyError:
        return True
