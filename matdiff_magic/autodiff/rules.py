"""Local derivative rules of the evaluation trace, read from the operation registry.

Each op in ``ops/`` lists the trace rows it lowers to (``Primitive``: value, forward rule JVP and
reverse rule VJP side by side, with their text, as data — compare autograd's ``defvjp`` table);
this module gathers them by key and applies them with the conventions the sweeps need. Every value
is a 2-D array (a vector is n×1, a scalar 1×1); a VJP returns one contribution per operand, summed
to 1×1 for a scalar operand that multiplied every entry.

The element-wise functions share one ``apply`` row whose parameter is the function: σ′ and the way
it is written come from the function's op (``ops/elementwise.py``).
"""

from __future__ import annotations

import numpy as np

from matdiff_magic.ops import registry
from matdiff_magic.ops.elementwise import ELEMENTWISE, Apply, sigma_prime
from matdiff_magic.ops.registry import Primitive

Rule = Primitive
RULES: dict[str, Primitive] = registry.primitives()

# σ′ in words, for formulas ({a} the operand, {y} the result), and ln's own templates (the seed's
# v̇ = v̇₋₁/v₋₁ and v̄₋₁ += v̄₁/v₋₁), both from the functions' ops.
SIGMA_PRIME_TEXT = {
    name: op.extra["prime_trace"] for name, op in ELEMENTWISE.items() if not op.extra["trace_terms"]
}
LOG_TERMS = ELEMENTWISE["log"].extra["trace_terms"]


def function_op(func: str):
    """The op of the element-wise function of an ``apply`` row."""
    return registry.lookup(Apply, func)


def templates(op: str, param, k: int, reverse: bool) -> str:
    """The text of operand k's term in the forward (JVP) or reverse (VJP) rule of a row."""
    if op == "apply":
        own = function_op(param).extra["trace_terms"]
        if own:
            return own[1 if reverse else 0][k]
    rule = RULES[op]
    return (rule.vjp_terms if reverse else rule.jvp_terms)[k]


def prime_text(func: str) -> str:
    """σ′ written out for the trace, e.g. 'cos {a}' ({a} the operand, {y} the result)."""
    return function_op(func).extra["prime_trace"] if func in ELEMENTWISE else func + "′ {a}"


def function_text(func) -> str:
    """How the trace writes a function: ln, not log; σ for sigmoid."""
    return function_op(func).extra["trace_name"] if func in ELEMENTWISE else (func or "")


def _s(a) -> np.ndarray:
    return np.array([[float(np.sum(a))]])


def _unbroadcast(c: np.ndarray, shape) -> np.ndarray:
    """A scalar operand that multiplied every entry receives the sum of the entries' adjoints."""
    return _s(c) if shape == (1, 1) and c.shape != (1, 1) else c


def apply_vjp(op: str, xs, y, g, param) -> list:
    """The reverse rule, with scalar operands' contributions summed to 1×1."""
    return [_unbroadcast(c, x.shape) for c, x in zip(RULES[op].vjp(xs, y, g, param), xs)]


def apply_jvp(op: str, xs, y, dxs, param) -> np.ndarray:
    out = RULES[op].jvp(xs, y, dxs, param)
    return np.broadcast_to(out, y.shape).astype(float) if np.shape(out) != y.shape else out


__all__ = [
    "LOG_TERMS",
    "RULES",
    "SIGMA_PRIME_TEXT",
    "Rule",
    "apply_jvp",
    "apply_vjp",
    "function_text",
    "prime_text",
    "sigma_prime",
    "templates",
]
