"""Values as the autodiff lab takes them from the user and hands them back, the way
``Derivation.evaluate`` does; and the refusal of a point where the expression is undefined."""

from __future__ import annotations

import numpy as np

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.numeric.evaluate import not_a_number, readable

_DOMAIN_HINT = (
    "choose values where every step is defined: log and sqrt take positive numbers, inv a nonsingular matrix"
)


_OVERFLOW_HINT = "choose values where every step stays below about 1e308 (exp(x) needs x below about 709)"


def user_value(a: np.ndarray):
    """A float for a 1×1 array, a 1-D copy for a column, else a 2-D copy."""
    if a.shape == (1, 1):
        return float(a[0, 0])
    if a.shape[1] == 1:
        return a[:, 0].copy()
    return a.copy()


def kind_of(value) -> str:
    """float -> scalar, 1-D -> vector, 2-D -> matrix (an n×1 column is a vector, 1×1 a scalar)."""
    a = to_array(value)
    if a.ndim == 0 or a.shape == (1, 1):
        return "scalar"
    if a.ndim == 1 or a.shape[1] == 1:
        return "vector"
    return "matrix"


def to_array(value, name: str = "value") -> np.ndarray:
    """``value`` as a float array of at most two dimensions. Numbers only: NumPy would read None
    as NaN and the string "2" as 2, and drop the imaginary part of a complex number."""
    try:
        raw = readable(value, name)
        if isinstance(raw, np.ma.MaskedArray) and np.ma.is_masked(raw):  # as evaluate() refuses it
            raise MatdiffError(f"the value of {name} has masked entries: give all its numbers")
        if raw.dtype.kind == "c":
            if np.any(np.imag(raw) != 0):
                raise MatdiffError(
                    f"the value of {name} is complex: the derivatives are of functions of real numbers"
                )
            raw = np.real(raw)
        if not_a_number(raw) is not None:
            raise TypeError
        a = np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):  # 10**400 is no float; a ragged list no array
        what = "None" if value is None else type(value).__name__
        raise MatdiffError(f"the value of {name} is not a number, a vector or a matrix: {what}") from None
    if a.ndim > 2:
        raise MatdiffError(
            f"the value of {name} has {a.ndim} dimensions; give a scalar, a vector or a matrix"
        )
    return a


def refuse_undefined(trace, at: str | None = None) -> None:
    """Refuse a point outside the expression's domain (ln x at x = −1, arcsin x at x = 2): its
    trace would show NaN or ∞ with no word of why. The one check of ``graph(…)`` and of
    ``%%matdiff --graph``: ``at`` is the magic's --at text ('' when it has none), which its message
    names and points into; None for ``graph(…)``."""
    for node in trace.nodes:
        if np.all(np.isfinite(node.value)):
            continue
        _refuse_singular(trace, node)
        step, expr = node.name, trace.expr_text(node.index)
        at_zero = any(np.any(trace.nodes[i].value == 0) for i in node.args)  # ln 0, 1/0
        if not np.any(np.isnan(node.value)) and not at_zero:  # ±∞: exp(1000), not log(−1)
            message = f"the point is too large for floating point: {step} = {expr} overflows there"
            hint = _OVERFLOW_HINT
        else:
            message = (
                f"the point is outside the domain of the expression: {step} = {expr} is not a "
                "finite number there"
            )
            hint = _DOMAIN_HINT
        if at is None:
            raise MatdiffError(message, hint=hint)
        raise MatdiffError("--at: " + message, at or None, Span(0, len(at)) if at else None, hint=hint)


def _refuse_singular(trace, node) -> None:
    """log det X = −∞ at a singular X: say which matrix is singular, as a step through an
    inverse does (``trace.singular``), rather than that a number is not finite."""
    from matdiff_magic.autodiff.trace import singular

    dets = (
        [node] if node.op == "logdet" else [trace.nodes[i] for i in node.args if trace.nodes[i].op == "det"]
    )
    for det in dets:
        if det.op == "det" and not np.all(det.value == 0):
            continue
        if det.op == "logdet" and not np.all(np.isneginf(node.value)):
            continue
        matrix = trace.nodes[det.args[0]]  # X itself, or the step that computed it (v₂)
        name = trace.expr_text(matrix.index) if matrix.is_input else matrix.name
        raise singular(name, [v.name for v in trace.variables])
