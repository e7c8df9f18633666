"""Automatic differentiation on the evaluation trace of an expression (seed 002, part 2).

``graph(source, **values)`` builds the trace; forward mode (JVP) and reverse mode (VJP) sweep it
with the rule table of ``rules.py``. matplotlib and ipywidgets load only when something is drawn.

    trace.py      IR -> evaluation trace (v₋₁, v₀, v₁, …), shared sub-expressions as one node
    rules.py      per primitive: value, JVP and VJP side by side
    modes.py      the forward and reverse sweeps, and what they did in the seed's notation
    graph.py      the Graph object: rows, gradient, jvp/vjp
    values.py     the values a user gives and gets back; a point outside the domain refused
    structure.py  plain (nodes, edges) for drawing
    layout.py     layered left-to-right placement without overlaps
    draw.py       matplotlib drawing of (nodes, edges)
    table.py      HTML / LaTeX / text trace tables
    widget.py     the sweep animation (ipywidgets)
    comparison.py symbolic vs numeric vs automatic, finite-difference error against h
    names.py      the variables a cell uses (the names its values must have)
    magic_support.py   %%matdiff --graph
"""

from matdiff_magic.autodiff.graph import Graph, Rows, graph
from matdiff_magic.autodiff.table import rule_table


def compare(source: str, wrt: str | None = None, fd_step: float = 1e-6, **values):
    """Symbolic vs central differences vs forward and reverse mode, for one expression."""
    return graph(source, **values).compare(wrt, fd_step)


__all__ = ["Graph", "Rows", "compare", "graph", "rule_table"]
