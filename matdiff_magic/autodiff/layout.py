"""Layered left-to-right placement of a DAG (Sugiyama style): inputs left, the output right.

1. layer = longest path from an input, so every edge points right and the output is last;
2. an edge that skips layers gets a dummy slot in each layer it crosses, so it runs between boxes;
3. barycentre sweeps order each layer to cut crossings;
4. y: each node moves towards its neighbours' mean, then a layer is packed in order with a gap.
Boxes never overlap by construction: a layer is a column as wide as its widest box, and boxes in
a column are packed with a gap. Sizes are in any unit (the drawing uses points); y grows downward.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DUMMY_HEIGHT = 6.0


@dataclass
class Placement:
    centers: dict                # node id -> (x, y)
    sizes: dict                  # node id -> (w, h)
    layers: dict                 # node id -> layer
    routes: dict                 # (source, target) -> [(x, y), …] from the source's right side
    labels: dict                 # (source, target) -> (x, y) of the edge's label
    width: float
    height: float
    columns: list = field(default_factory=list)   # (left, right) x-extent of each layer


def layered_layout(ids, edges, sizes: dict, label_sizes: dict | None = None,
                   node_gap: float = 14.0, min_layer_gap: float = 36.0,
                   margin: float = 10.0, sweeps: int = 6) -> Placement:
    """``edges`` are (source, target) pairs; ``label_sizes`` the (w, h) of each edge's label."""
    ids = list(ids)
    label_sizes = label_sizes or {}
    preds = {i: [] for i in ids}
    for s, t in edges:
        preds[t].append(s)
    layer = _longest_path_layers(ids, preds)
    n_layers = max(layer.values(), default=0) + 1

    # dummy slots: ("d", s, t, k) stands in layer k for the edge s -> t
    slots = {k: [] for k in range(n_layers)}
    for i in ids:
        slots[layer[i]].append(i)
    chain = {}
    for s, t in edges:
        chain[(s, t)] = [s] + [("d", s, t, k) for k in range(layer[s] + 1, layer[t])] + [t]
        for d in chain[(s, t)][1:-1]:
            slots[d[3]].append(d)
    up, down = {}, {}
    for path in chain.values():
        for a, b in zip(path, path[1:]):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)

    height = {x: sizes[x][1] if not isinstance(x, tuple) else DUMMY_HEIGHT for k in slots for x in slots[k]}
    _order(slots, up, down, sweeps)
    y = _assign_y(slots, up, down, height, node_gap, sweeps)

    # columns: as wide as the widest box, separated by room for the edge labels
    widths = [max([sizes[x][0] for x in slots[k] if not isinstance(x, tuple)] or [0.0])
              for k in range(n_layers)]
    gaps = _gaps(chain, y, layer, label_sizes, n_layers, min_layer_gap)
    columns, x = [], margin
    for k in range(n_layers):
        x += gaps[k]
        columns.append((x, x + widths[k]))
        x += widths[k]
    top = min((y[x_] - height[x_] / 2 for x_ in y), default=0.0)
    y = {key: v - top + margin for key, v in y.items()}
    bottom = max((y[x_] + height[x_] / 2 for x_ in y), default=0.0)

    centers = {i: ((columns[layer[i]][0] + columns[layer[i]][1]) / 2, y[i]) for i in ids}
    routes = _routes(chain, centers, sizes, columns, y, layer)
    labels = _label_points(routes, layer, columns, label_sizes)
    return Placement(centers, dict(sizes), layer, routes, labels, x + margin, bottom + margin, columns)


def _gaps(chain, y, layer, label_sizes, n_layers, min_gap) -> list:
    """Room before each layer for the labels of the edges entering it: one label wide, or two
    when labels would sit on top of each other (they then alternate left and right)."""
    gaps = [0.0] + [min_gap] * (n_layers - 1)
    entering: dict = {}
    for e, path in chain.items():
        if e in label_sizes:
            mid = (y[path[-2]] + y[path[-1]]) / 2      # about where the label will sit
            entering.setdefault(layer[e[1]], []).append((mid, label_sizes[e]))
    for k, items in entering.items():
        items.sort(key=lambda p: p[0])
        widest = max(w for _, (w, _) in items)
        crowded = any(b[0] - a[0] < (a[1][1] + b[1][1]) / 2 + 4 for a, b in zip(items, items[1:]))
        gaps[k] = max(gaps[k], (2 * widest if crowded else widest) + 24.0)
    return gaps


def _longest_path_layers(ids, preds) -> dict:
    layer: dict = {}
    for i in ids:  # ids come in trace order, so operands are placed before their users
        layer[i] = 1 + max((layer[p] for p in preds[i]), default=-1)
    return layer


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
    placed = []
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
    for (s, t) in chain:
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


def _label_points(routes, layer, columns, label_sizes) -> dict:
    """Each label sits on the last segment of its edge, inside the gap before the target's layer;
    labels entering one gap alternate between two positions so neighbours do not collide."""
    into: dict = {}
    for (s, t), pts in routes.items():
        into.setdefault(layer[t], []).append((pts[-1][1], (s, t)))
    out = {}
    for k, items in into.items():
        items.sort(key=lambda p: p[0])
        left = columns[k - 1][1] if k else 0.0
        right = columns[k][0]
        for j, (_, e) in enumerate(items):
            w = label_sizes.get(e, (0.0, 0.0))[0]
            room = right - left
            frac = 0.5 if room < 2 * w + 24 else (0.25 if j % 2 == 0 else 0.75)
            x = left + frac * room
            out[e] = (x, _y_at(routes[e], x))
    return out


def _y_at(pts, x) -> float:
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    if abs(x1 - x0) < 1e-9:
        return (y0 + y1) / 2
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
