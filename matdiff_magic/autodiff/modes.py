"""The two sweeps over one trace: forward mode pushes tangents v̇ from the inputs (a JVP), reverse
mode pulls adjoints v̄ back from the output (a VJP), adding up the contributions at fan-out.

Each sweep also writes down what it did in the seed's notation (v̇₂ = v̇₋₁·v₀ + v₋₁·v̇₀,
v̄₀ = v̄₂·v₋₁ + v̄₃·cos v₀), so tables, drawings and the widget show the rule that was applied.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from matdiff_magic.autodiff.notation import MINUS, barred, dotted, variable_text
from matdiff_magic.autodiff.rules import apply_jvp, apply_vjp, prime_text, templates
from matdiff_magic.autodiff.trace import Trace, fill, singular


@dataclass
class Forward:
    tangents: list  # per node, 2-D arrays (zeros for constants)
    seeds: dict  # input node index -> seed direction


@dataclass
class Reverse:
    adjoints: list  # per node, 2-D arrays
    contributions: dict  # node index -> [(consumer index, contribution)] in trace order
    cotangent: np.ndarray


def forward_sweep(trace: Trace, seeds: dict) -> Forward:
    """Tangents of every node for the given input directions (missing inputs: zero)."""
    tangents: list = []
    with np.errstate(all="ignore"):
        for node in trace.nodes:
            if node.is_input:
                t = np.asarray(seeds.get(node.index, np.zeros_like(node.value)), dtype=float)
            elif node.is_const:
                t = np.zeros_like(node.value)
            else:
                xs = [trace.nodes[a].value for a in node.args]
                with _defined(trace, node):
                    t = apply_jvp(node.op, xs, node.value, [tangents[a] for a in node.args], node.param)
            tangents.append(t)
    return Forward(tangents, dict(seeds))


def reverse_sweep(trace: Trace, cotangent: np.ndarray) -> Reverse:
    """Adjoints of every node, seeded with ȳ = ``cotangent`` at the output."""
    adjoints = [np.zeros_like(n.value) for n in trace.nodes]
    adjoints[trace.output] = np.asarray(cotangent, dtype=float).copy()
    contributions: dict = {n.index: [] for n in trace.nodes}
    with np.errstate(all="ignore"):
        for node in reversed(trace.nodes):
            if node.is_input or node.is_const:
                continue
            xs = [trace.nodes[a].value for a in node.args]
            with _defined(trace, node):
                parts = apply_vjp(node.op, xs, node.value, adjoints[node.index], node.param)
            for parent, c in _per_operand(node.args, parts).items():
                if trace.nodes[parent].is_const:
                    continue
                adjoints[parent] = adjoints[parent] + c
                contributions[parent].append((node.index, c))
    for parts in contributions.values():
        parts.sort(key=lambda p: p[0])
    return Reverse(adjoints, contributions, np.asarray(cotangent, dtype=float))


@contextmanager
def _defined(trace: Trace, node):
    """A JVP or VJP through a singular matrix (det's at a singular X solves with X) raises the
    package's error naming the matrix, not NumPy's."""
    try:
        yield
    except np.linalg.LinAlgError:
        matrix = trace.nodes[node.args[0]]
        name = matrix.label if matrix.is_input else matrix.name  # X, or the row v₃ that holds it
        raise singular(name, [v.name for v in trace.variables]) from None


def _per_operand(args, parts) -> dict:
    """x·x uses one node twice: its two contributions add up into one."""
    out: dict = {}
    for a, c in zip(args, parts):
        out[a] = out[a] + c if a in out else c
    return out


# ---- the same in words ------------------------------------------------------------------------
def _templates(node, k: int, reverse: bool) -> str:
    return templates(node.op, node.param, k, reverse)


def _names(trace: Trace, i: int, **extra) -> dict:
    """Operand names, tangents, the result {y} and, for σ(a), σ′ written out ({fp})."""
    names = trace.names(i)
    node = trace.nodes[i]
    names["y"] = node.name
    if node.op == "apply":
        fp = prime_text(node.param)
        names["fp"] = fp.replace("{a}", names["0"]).replace("{y}", node.name)
    names.update(extra)
    return names


def join_terms(terms: list) -> str:
    if not terms:
        return "0"
    out = terms[0]
    for t in terms[1:]:
        out += f" {MINUS} {t[1:]}" if t.startswith(MINUS) else f" + {t}"
    return out


def jvp_terms(trace: Trace, i: int) -> list:
    """The terms of v̇ᵢ, one per non-constant operand: [(operand index, text)]."""
    node = trace.nodes[i]
    names = _names(trace, i)
    return [
        (a, fill(_templates(node, k, False), names, node))
        for k, a in enumerate(node.args)
        if not trace.nodes[a].is_const
    ]


def tangent_formula(trace: Trace, i: int) -> str:
    node = trace.nodes[i]
    if node.is_input:
        return f"{dotted(node.name)} = {dotted(variable_text(node.label))}"
    return f"{dotted(node.name)} = {join_terms([t for _, t in jvp_terms(trace, i)])}"


def vjp_term(trace: Trace, consumer: int, parent: int) -> str:
    """What the step ``consumer`` sends back to its operand ``parent`` (v̄₂·v₀ for v₂ = v₋₁·v₀)."""
    node = trace.nodes[consumer]
    names = _names(trace, consumer, g=barred(node.name))
    terms = [fill(_templates(node, k, True), names, node) for k, a in enumerate(node.args) if a == parent]
    return terms[0] if len(terms) == 1 else "(" + join_terms(terms) + ")"


def adjoint_formula(trace: Trace, i: int, rev: Reverse) -> str:
    node = trace.nodes[i]
    if i == trace.output:
        seed = "1" if rev.cotangent.shape == (1, 1) and rev.cotangent[0, 0] == 1 else "ȳ"
        return f"{barred(node.name)} = {seed}"
    terms = [vjp_term(trace, c, i) for c, _ in rev.contributions[i]]
    return f"{barred(node.name)} = {join_terms(terms)}"


# The Jacobian of an edge is built one JVP per entry of its operand: past these sizes it costs
# seconds (sum(X*X) at a 120×120 X: 14 400 JVPs of 14 400 entries each, 30 s) and no edge
# label could show it, so it is not built (a label shows at most 3 entries).
PARTIAL_JVPS = 64
PARTIAL_ENTRIES = 4096


def local_partial(trace: Trace, consumer: int, parent: int):
    """∂v_consumer/∂v_parent at the trace's values: a number between scalars, else the Jacobian
    of vec(v_consumer) by vec(v_parent) (one JVP per entry of the operand); None when it has more
    than PARTIAL_ENTRIES entries or its operand more than PARTIAL_JVPS."""
    node = trace.nodes[consumer]
    xs = [trace.nodes[a].value for a in node.args]
    x = trace.nodes[parent].value
    if x.size > PARTIAL_JVPS or x.size * node.value.size > PARTIAL_ENTRIES:
        return None
    columns = []
    with np.errstate(all="ignore"):
        for e in range(x.size):
            basis = np.zeros(x.size)
            basis[e] = 1.0
            basis = basis.reshape(x.shape, order="F")
            dxs = [basis if a == parent else np.zeros_like(v) for a, v in zip(node.args, xs)]
            with _defined(trace, node):
                columns.append(apply_jvp(node.op, xs, node.value, dxs, node.param).reshape(-1, order="F"))
    jac = np.stack(columns, axis=1)
    return float(jac[0, 0]) if jac.shape == (1, 1) else jac


__all__ = [
    "Forward",
    "Reverse",
    "adjoint_formula",
    "forward_sweep",
    "join_terms",
    "jvp_terms",
    "local_partial",
    "reverse_sweep",
    "tangent_formula",
    "vjp_term",
]
