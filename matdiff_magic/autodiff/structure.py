"""A trace and its sweeps as plain (nodes, edges): the only thing the drawing and the widget read.

nodes: [{"id", "name", "kind" (input/op/output), "lines" (text, first line = name and operation),
         "highlight"}]
edges: [{"source", "target", "partial" (number, small Jacobian or None), "label", "highlight"}]

Constants are not nodes: they are part of the step that uses them (v₃ = 2/3·v₂).
"""

from __future__ import annotations

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.autodiff.modes import Forward, Reverse, jvp_terms, local_partial
from matdiff_magic.autodiff.notation import (
    MINUS,
    barred,
    dotted,
    is_small,
    number,
    value_inline,
    value_lines,
)
from matdiff_magic.autodiff.trace import Trace

HIDDEN = "…"


def build_structure(
    trace: Trace,
    fwd: Forward | None = None,
    rev: Reverse | None = None,
    show: dict | None = None,
    highlight: int | None = None,
    highlight_edges=(),
    lang: str | None = None,
) -> tuple[list, list]:
    """``show`` maps "value"/"tangent"/"adjoint"/"partial" to the node ids whose quantity is
    known so far (the widget's sweep); None shows everything. ``lang`` words a long sum."""

    def shown(what, i):
        return show is None or i in show.get(what, ())

    nodes, edges = [], []
    for node in trace.steps:
        i = node.index
        head = f"{node.name} = {trace.expr_text(i)}"
        lines = _quantity(head, node.value, shown("value", i))
        if fwd is not None:
            lines += _quantity(dotted(node.name), fwd.tangents[i], shown("tangent", i))
        if rev is not None:  # the sum an adjoint is made of is known only with the adjoint
            known = shown("adjoint", i)
            lines += _quantity(
                barred(node.name) + (_fan_in(rev, i, lang) if known else ""), rev.adjoints[i], known
            )
        kind = "output" if i == trace.output else "input" if node.is_input else "op"
        nodes.append({"id": i, "name": node.name, "kind": kind, "lines": lines, "highlight": i == highlight})
        parents = list(dict.fromkeys(a for a in node.args if not trace.nodes[a].is_const))
        terms = dict(jvp_terms(trace, i)) if parents else {}
        for p in parents:
            partial = local_partial(trace, i, p)
            label = (
                _partial_label(partial, terms.get(p, ""), dotted(trace.nodes[p].name))
                if shown("partial", i)
                else HIDDEN
            )
            edges.append(
                {
                    "source": p,
                    "target": i,
                    "partial": partial,
                    "label": label,
                    "highlight": (p, i) in highlight_edges,
                }
            )
    return nodes, edges


def _quantity(head: str, a: np.ndarray, known: bool) -> list:
    """'v₂ = v₋₁·v₀ = 10' for a scalar; the head, then the rows, for an array."""
    if not known:
        return [f"{head} = {HIDDEN}"]
    body = value_lines(a)
    if len(body) == 1 and (a.shape == (1, 1) or len(body[0]) <= 24):
        return [f"{head} = {body[0]}"]
    shape = f" ({a.shape[0]}×{a.shape[1]})" if is_small(a) else ""
    return [f"{head}{shape} ="] + ["  " + line for line in body]


def _fan_in(rev: Reverse, i: int, lang: str | None) -> str:
    """' = 2 + (−0.284)': where a value fans out, its adjoint is the sum of what comes back."""
    parts = rev.contributions[i]
    if len(parts) < 2 or rev.adjoints[i].shape != (1, 1):
        return ""
    if len(parts) > 3:  # a long sum would make the box wider than the graph needs
        return " = " + i18n.translate(f"sum of {len(parts)}", lang)
    terms = [number(c[0, 0]) for _, c in parts]
    return " = " + " + ".join(f"({t})" if t.startswith(MINUS) else t for t in terms)


def _partial_label(partial, term: str, tangent_name: str) -> str:
    """A number between scalars, a Jacobian of up to 3 entries in full, else the linear map
    v̇ᵢ ↦ term (a bigger Jacobian would not fit on an arrow; a large one is not built: None)."""
    if isinstance(partial, float):
        return number(partial)
    if partial is not None and partial.size <= 3:  # a row or a column of numbers still fits on an arrow
        return value_inline(partial)
    return f"{tangent_name} ↦ {term}"
