"""Layered placement of a DAG (Sugiyama style): inputs left and the output right, or, where the
drawing must be narrow, inputs at the top and the output at the bottom.

1. layer = longest path from an input, so every edge points right and the output is last; a layer
   taller than ``max_breadth`` (wider, top to bottom) hands nodes on to the next layers, those
   that can wait first (inputs stay first);
2. an edge that skips layers gets a dummy slot in each layer it crosses, so it runs between boxes;
3. barycentre sweeps order each layer to cut crossings;
4. y: each node moves towards its neighbours' mean, then a layer is packed in order with a gap.
Boxes never overlap by construction: a layer is a column as wide as its widest box, and boxes in
a column are packed with a gap. Sizes are in any unit (the drawing uses points); y grows downward.
Top to bottom is the same placement with x and y exchanged (sizes, and then every coordinate), so
it keeps every guarantee: a layer is a row as tall as its tallest box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

DUMMY_HEIGHT = 6.0


@dataclass
class Placement:
    centers: dict  # node id -> (x, y)
    sizes: dict  # node id -> (w, h)
    layers: dict  # node id -> layer
    routes: dict  # (source, target) -> [(x, y), …] from the source's right side
    labels: dict  # (source, target) -> (x, y) of the edge's label
    width: float
    height: float
    columns: list = field(default_factory=list)  # (left, right) x-extent of each layer (top, bottom)
    orientation: str = "right"  # where the edges point: "right" or "down"


def layered_layout(
    ids,
    edges,
    sizes: dict,
    label_sizes: dict | None = None,
    node_gap: float = 14.0,
    min_layer_gap: float = 36.0,
    margin: float = 10.0,
    sweeps: int = 6,
    orientation: str = "right",
    max_breadth: float | None = None,
) -> Placement:
    """``edges`` are (source, target) pairs; ``label_sizes`` the (w, h) of each edge's label;
    ``orientation`` "right" (layers are columns) or "down" (layers are rows); ``max_breadth`` the
    most a layer may measure across (a column's height, a row's width) where it can be helped."""
    if orientation == "down":
        flip = lambda d: {k: (v[1], v[0]) for k, v in d.items()}
        p = layered_layout(
            ids,
            edges,
            flip(sizes),
            flip(label_sizes or {}),
            node_gap,
            min_layer_gap,
            margin,
            sweeps,
            max_breadth=max_breadth,
        )
        return Placement(
            flip(p.centers),
            dict(sizes),
            p.layers,
            {e: [(y, x) for x, y in pts] for e, pts in p.routes.items()},
            flip(p.labels),
            p.height,
            p.width,
            p.columns,
            "down",
        )
    if orientation != "right":
        raise ValueError(f"orientation must be 'right' or 'down', not {orientation!r}")
    ids = list(ids)
    label_sizes = label_sizes or {}
    preds: dict = {i: [] for i in ids}
    for s, t in edges:
        preds[t].append(s)
    layer = _longest_path_layers(ids, preds)
    if max_breadth is not None:
        _limit_breadth(ids, preds, layer, sizes, node_gap, max_breadth)
    n_layers = max(layer.values(), default=0) + 1

    # dummy slots: ("d", s, t, k) stands in layer k for the edge s -> t
    slots: dict[int, list] = {k: [] for k in range(n_layers)}
    for i in ids:
        slots[layer[i]].append(i)
    chain = {}
    for s, t in edges:
        chain[(s, t)] = [s] + [("d", s, t, k) for k in range(layer[s] + 1, layer[t])] + [t]
        for d in chain[(s, t)][1:-1]:
            slots[d[3]].append(d)
    up: dict = {}
    down: dict = {}
    for path in chain.values():
        for a, b in pairwise(path):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)

    height = {x: sizes[x][1] if not isinstance(x, tuple) else DUMMY_HEIGHT for k in slots for x in slots[k]}
    _order(slots, up, down, sweeps)
    y = _assign_y(slots, up, down, height, node_gap, sweeps)
    if max_breadth is not None and _spread(y, height) > max_breadth:
        y = _assign_y(slots, up, down, height, node_gap, 0)  # each layer centred: no wider than it

    # columns: as wide as the widest box, separated by room for the edge labels
    widths = [
        max([sizes[x][0] for x in slots[k] if not isinstance(x, tuple)] or [0.0]) for k in range(n_layers)
    ]
    top = min((y[x_] - height[x_] / 2 for x_ in y), default=0.0)
    y = {key: v - top + margin for key, v in y.items()}
    bottom = max((y[x_] + height[x_] / 2 for x_ in y), default=0.0)
    crowded = _crowded(chain, y, layer, label_sizes)
    for _ in range(3):  # widen a gap whose labels still collide, then place them again
        gaps = _gaps(layer, label_sizes, n_layers, min_layer_gap, crowded)
        columns, x = [], margin
        for k in range(n_layers):
            x += gaps[k]
            columns.append((x, x + widths[k]))
            x += widths[k]
        centers = {i: ((columns[layer[i]][0] + columns[layer[i]][1]) / 2, y[i]) for i in ids}
        routes = _routes(chain, centers, sizes, columns, y, layer)
        labels, clashes = _label_points(routes, layer, columns, label_sizes)
        if not clashes - crowded:
            break
        crowded |= clashes
    return Placement(centers, dict(sizes), layer, routes, labels, x + margin, bottom + margin, columns)


def _crowded(chain, y, layer, label_sizes) -> set:
    """Layers whose entering labels would sit on top of each other at the middle of the gap."""
    entering: dict = {}
    for e, path in chain.items():
        if e in label_sizes:
            mid = (y[path[-2]] + y[path[-1]]) / 2  # about where the label will sit
            entering.setdefault(layer[e[1]], []).append((mid, label_sizes[e][1]))
    out = set()
    for k, items in entering.items():
        items.sort()
        if any(b[0] - a[0] < (a[1] + b[1]) / 2 + 4 for a, b in pairwise(items)):
            out.add(k)
    return out


def _gaps(layer, label_sizes, n_layers, min_gap, crowded) -> list:
    """Room before each layer for the labels of the edges entering it: one label wide, or, where
    they are crowded, room for them all one after the other (they then spread along their edges)."""
    gaps = [0.0] + [min_gap] * (n_layers - 1)
    side_by_side = [0.0] * n_layers
    for (_, t), (w, _) in label_sizes.items():
        k = layer[t]
        gaps[k] = max(gaps[k], w + 24.0)
        side_by_side[k] += w + 6.0
    for k in crowded:
        gaps[k] = max(gaps[k], side_by_side[k] + 24.0)
    return gaps


def _longest_path_layers(ids, preds) -> dict:
    layer: dict = {}
    for i in ids:  # ids come in trace order, so operands are placed before their users
        layer[i] = 1 + max((layer[p] for p in preds[i]), default=-1)
    return layer


def _spread(y, height) -> float:
    return max(v + height[k] / 2 for k, v in y.items()) - min(v - height[k] / 2 for k, v in y.items())


def _limit_breadth(ids, preds, layer, sizes, gap, budget) -> None:
    """Move nodes down, one at a time, until every layer measures at most ``budget`` across or
    holds nothing that may move: a node with room before its first user moves first, and its
    users move down with it when they must (edges keep pointing forward). Inputs stay."""
    succs: dict = {i: [] for i in ids}
    for t in ids:
        for s in preds[t]:
            succs[s].append(t)
    rank = {i: n for n, i in enumerate(ids)}

    def breadth(members):
        return sum(sizes[x][1] for x in members) + gap * (len(members) - 1)

    for _ in range(20 * len(ids)):
        rows: dict = {}
        for i in ids:
            rows.setdefault(layer[i], []).append(i)
        movable = next(
            (
                [x for x in rows[k] if preds[x]]
                for k in sorted(rows)
                if len(rows[k]) > 1 and breadth(rows[k]) > budget and any(preds[x] for x in rows[k])
            ),
            None,
        )
        if movable is None:
            return
        slack = {x: min((layer[t] for t in succs[x]), default=layer[x] + 1) - layer[x] - 1 for x in movable}
        x = max(movable, key=lambda m: (slack[m] > 0, rank[m]))
        layer[x] += 1
        stack = [x]
        while stack:
            u = stack.pop()
            for t in succs[u]:
                if layer[t] <= layer[u]:
                    layer[t] = layer[u] + 1
                    stack.append(t)


def _order(slots, up, down, sweeps) -> None:
    pos = {x: n for k in slots for n, x in enumerate(slots[k])}
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        ks = range(1, len(slots)) if forward else range(len(slots) - 2, -1, -1)
        for k in ks:
            nbrs = up if forward else down

            def key(x, nbrs=nbrs):
                ps = nbrs.get(x, [])
                return (sum(pos[p] for p in ps) / len(ps)) if ps else pos[x]

            slots[k].sort(key=key)
            for n, x in enumerate(slots[k]):
                pos[x] = n


def _assign_y(slots, up, down, height, gap, sweeps) -> dict:
    y = {}
    for k in slots:
        acc = 0.0
        for x in slots[k]:
            y[x] = acc + height[x] / 2
            acc += height[x] + gap
        shift = acc / 2
        for x in slots[k]:
            y[x] -= shift
    for sweep in range(2 * sweeps):
        forward = sweep % 2 == 0
        ks = range(1, len(slots)) if forward else range(len(slots) - 2, -1, -1)
        for k in ks:
            nbrs = up if forward else down
            want = []
            for x in slots[k]:
                ps = nbrs.get(x, [])
                want.append(sum(y[p] for p in ps) / len(ps) if ps else y[x])
            _pack(slots[k], want, height, gap, y)
    return y


def _pack(items, want, height, gap, y) -> None:
    """Keep the order, keep the gap, and otherwise stay as close as possible to ``want``."""
    placed: list = []
    for n, x in enumerate(items):
        v = want[n]
        if n:
            prev = items[n - 1]
            v = max(v, placed[-1] + (height[prev] + height[x]) / 2 + gap)
        placed.append(v)
    # pushing down only moved items below their wish: a common shift up balances that, and a
    # common shift keeps every gap
    shift = sum(w - p for w, p in zip(want, placed)) / max(1, len(placed))
    for x, v in zip(items, placed):
        y[x] = v + shift


def _routes(chain, centers, sizes, columns, y, layer) -> dict:
    """Polylines from the right side of the source to the left side of the target; an edge
    that skips layers runs straight through its dummy slots."""
    raw = {}
    for (s, t), path in chain.items():
        pts = []
        for d in path[1:-1]:
            left, right = columns[d[3]]
            pts += [(left, y[d]), (right, y[d])]
        raw[(s, t)] = pts
    out_ports = _ports(chain, centers, sizes, raw, outgoing=True)
    in_ports = _ports(chain, centers, sizes, raw, outgoing=False)
    return {e: [out_ports[e]] + raw[e] + [in_ports[e]] for e in chain}


def _ports(chain, centers, sizes, raw, outgoing: bool) -> dict:
    """Spread the edges leaving (entering) a box along its right (left) side, in the order of
    where they go (come from), so that they do not start on top of each other."""
    by_node: dict = {}
    for s, t in chain:
        node, other = (s, t) if outgoing else (t, s)
        pts = raw[(s, t)]
        toward = (pts[0] if outgoing else pts[-1])[1] if pts else centers[other][1]
        by_node.setdefault(node, []).append((toward, (s, t)))
    ports = {}
    for node, items in by_node.items():
        items.sort(key=lambda p: p[0])
        (cx, cy), (w, h) = centers[node], sizes[node]
        x = cx + w / 2 if outgoing else cx - w / 2
        n = len(items)
        step = min(10.0, 0.6 * h / (n - 1)) if n > 1 else 0.0
        for j, (_, e) in enumerate(items):
            ports[e] = (x, cy + (j - (n - 1) / 2) * step)
    return ports


LABEL_SLOTS = (0.5, 0.25, 0.75, 0.0, 1.0, 0.1, 0.9, 0.375, 0.625)  # where along its room a label may sit


def _label_points(routes, layer, columns, label_sizes) -> tuple[dict, set]:
    """Each label sits on the last segment of its edge, inside the gap before the target's layer,
    at the first slot where it does not touch a label already placed. Returns the points and
    the layers where some label found no free slot."""
    into: dict = {}
    for (s, t), pts in routes.items():
        into.setdefault(layer[t], []).append((pts[-1][1], (s, t)))
    out, clashes = {}, set()
    for k, items in into.items():
        items.sort(key=lambda p: p[0])
        left = columns[k - 1][1] if k else 0.0
        right = columns[k][0]
        placed: list = []
        for _, e in items:
            w, h = label_sizes.get(e, (0.0, 0.0))
            lo, hi = left + w / 2 + 4, right - w / 2 - 4
            candidates = [lo + f * (hi - lo) for f in LABEL_SLOTS] if hi > lo else [(left + right) / 2]
            boxes = [(x, _y_at(routes[e], x)) for x in candidates]
            free = [b for b in boxes if not any(_touch(b, (w, h), p, ps) for p, ps in placed)]
            if not free and e in label_sizes:
                clashes.add(k)
            point = (free or boxes)[0]
            out[e] = point
            if e in label_sizes:
                placed.append((point, (w, h)))
    return out, clashes


def _touch(a, a_size, b, b_size, margin: float = 2.0) -> bool:
    return (
        abs(a[0] - b[0]) < (a_size[0] + b_size[0]) / 2 + margin
        and abs(a[1] - b[1]) < (a_size[1] + b_size[1]) / 2 + margin
    )


def _y_at(pts, x) -> float:
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    if abs(x1 - x0) < 1e-9:
        return (y0 + y1) / 2
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
