"""The complex step: derivatives of an analytic f without subtracting two values of f.

For f analytic and real on real inputs, f(x + ih e_k) = f(x) + ih ∂f/∂x_k + O(h²), so

    ∂f/∂(vec x)_k ≈ Im f(x + ih e_k) / h

with no cancellation: the error is O(h²) plus ε relative to the derivative itself, at any h. Central
differences lose everything below ε·|f|/h (a 128-layer network's gradient of 10⁻²⁵ by its first
weights reads as 0 or as noise); the complex step reads it to full precision. Squire & Trapp,
"Using complex variables to estimate derivatives of real functions", SIAM Review 40 (1998);
Martins, Sturdza & Alonso, ACM TOMS 29 (2003).

It applies only where every operation is complex-analytic in NumPy (``Op.analytic`` in the
registry: products, sums, exp, tanh, inv, det, …; not abs, relu, slogdet). It resolves what f
computes, rounding included: a derivative that is the rounding of larger terms cancelling
(sin²x + cos²x) is noise to it too, which the check tells by moving x a little (``check``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.numeric.points import with_definitions
from matdiff_magic.ops.registry import find

STEP = 1e-20  # small enough that the O(h²) term is below ε at any value the check draws
NORMAL = 1e-290  # imaginary parts kept above this: the normal numbers end at 2.2e-308
LARGEST_STEP = 1e-6  # a larger step's O(h²) term would show
ROUNDED, ROUNDED_RUNS = 8 * 2.220446049250313e-16, 3  # each result moved by up to 8 ε, three times
NUDGE = 1e-9  # x(1 + NUDGE): where the derivative and the answer are taken again
STABLE = 1e-5  # the relative change between the two above which they are rounding
_LEAVES = (ir.Var, ir.Const, ir.Fill, ir.Identity, ir.Zero)


def analytic(moving: set, *exprs: ir.Expr) -> bool:
    """Every node of ``exprs`` that holds one of the names ``moving`` (the variable and the
    definitions made from it) a leaf or an operation whose registry entry is ``analytic``; the
    others take real values only (norm1(A) in norm1(A) aᵀXb by X)."""
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if isinstance(node, _LEAVES) or moving.isdisjoint(node.free_vars()):
            continue
        op = find(node)
        if op is None or not op.analytic:
            return False
        stack.extend(node.children())
    return True


def jacobian(f: Callable, x, h: float = STEP) -> np.ndarray:
    """∂ vec f/∂(vec x)ᵀ of a function returning a 1-D array (vec of its value, column-major), by
    the complex step at ``h·max(1, |x_k|)``; the shape and column order of ``fd.jacobian``. ``f``
    gets a complex copy of ``x``."""
    x = np.array(x, dtype=float)
    columns = []
    for k in range(x.size):
        idx = np.unravel_index(k, x.shape, order="F")
        step = h * max(1.0, abs(x[idx]))
        moved = x.astype(complex)
        moved[idx] += 1j * step
        columns.append(np.imag(np.asarray(f(moved))) / step)
    return np.stack(columns, axis=1)


def resolved(d, answer: ir.Expr, value: np.ndarray, values: dict, sizes: dict) -> np.ndarray | None:
    """∂ vec f/∂(vec x)ᵀ of the derivation ``d``'s target by the complex step at ``values``, where
    it resolves the derivative: None where an operation is not analytic, a value is not finite,
    or the result is rounding. Both it and ``answer`` (the derivative's formula) are taken again
    at x(1 + 10⁻⁹): a derivative that is the rounding of larger terms cancelling, in f
    (sin²x + cos²x) or in the answer's formula, changes wholly between the two; a resolved one, by
    about 10⁻⁹. It is also taken with every operation's result moved by a few ε (``Rounded``).
    ``value``: the answer's value at ``values``."""
    wrt, definitions = d.wrt.name, d.typed.definitions
    if not analytic({wrt, *definitions}, d.target, *definitions.values()):
        return None

    def at(point: dict, h: float, rng=None) -> np.ndarray:
        def f(x):
            moved = with_definitions(d.typed, {**point, wrt: x}, sizes)
            ev = Evaluator(moved, sizes) if rng is None else Rounded(moved, sizes, rng)
            return np.asarray(ev(d.target)).reshape(-1, order="F")

        return jacobian(f, point[wrt], h)

    # the step: its imaginary parts, about h·|∂f|, above the subnormal numbers (fewer bits):
    # 10⁻²⁰, or larger for a smaller derivative (w'(10⁻³⁰⁰ w)), while h² stays far below 1
    size = float(np.max(np.abs(value))) if np.size(value) else 0.0
    h = max(STEP, NORMAL / size) if size > 0 else STEP
    if h > LARGEST_STEP:
        return None
    nudged = {**values, wrt: values[wrt] * (1 + NUDGE)}
    jac, jac2 = at(values, h), at(nudged, h)
    formula2 = np.asarray(Evaluator(with_definitions(d.typed, nudged, sizes), sizes)(answer))
    if not (np.all(np.isfinite(jac)) and np.all(np.isfinite(jac2)) and np.any(jac)):
        return None
    if float(np.max(np.abs(jac))) * h < NORMAL:  # its imaginary parts subnormal: too few bits
        return None
    if _change(jac, jac2) > STABLE or _change(np.asarray(value), formula2) > STABLE:
        return None
    # and with every operation's result moved by a few ε (Monte Carlo arithmetic): the rounding of
    # terms that cancel (a'Xb − b'Xᵀa reads 10⁻¹⁷, as stable under the nudge as f is linear) moves
    # by as much as it is; a product of many small factors (a deep network's 10⁻²⁵) by a few ε
    rng = np.random.default_rng(1)
    for _ in range(ROUNDED_RUNS - 1):
        if _change(jac, at(values, h, rng)) > STABLE:
            return None
    return jac


def _change(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| relative to max |a| (inf where a is 0 and b is not): ``check.relative_error``
    with no floor, which check (importing this module) cannot lend without a cycle."""
    size, diff = float(np.max(np.abs(a))), float(np.max(np.abs(a - b)))
    return diff / size if size > 0 else (0.0 if diff == 0 else np.inf)


class Rounded(Evaluator):
    """An evaluator that moves every operation's result by a random few ε, as its rounding may:
    the spread of a few such evaluations estimates how many digits of a value are rounding
    (Monte Carlo arithmetic, as in Parker, Pierce & Eggert 2000; Vignes' CESTAC)."""

    def __init__(self, values: dict, sizes: dict, rng):
        super().__init__(values, sizes)
        self.rng = rng

    def op(self, e):
        value = super().op(e)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fc":
            return value
        moved = value.real * (1 + self.rng.uniform(-ROUNDED, ROUNDED, value.shape))
        if value.dtype.kind == "c":  # each part rounds apart, to its own size
            moved = moved + 1j * value.imag * (1 + self.rng.uniform(-ROUNDED, ROUNDED, value.shape))
        return moved


def rounding(d, answer: ir.Expr, value: np.ndarray, values: dict, sizes: dict) -> float:
    """How far ``answer``'s value at ``values`` moves when each operation's result moves by a
    few ε: the largest change over a few evaluations. 1 − tanh²(u) where tanh u rounds to 1 (u ≈
    20) is all rounding: a complex step that reads the true 10⁻¹⁷ disagrees with the formula's
    floating-point value, not with the formula. ``value``: the answer's value at ``values``."""
    point = with_definitions(d.typed, values, sizes)
    exact = np.asarray(value)
    rng = np.random.default_rng(0)
    moved = (np.asarray(Rounded(point, sizes, rng)(answer)) for _ in range(ROUNDED_RUNS))
    return max(float(np.max(np.abs(m - exact))) if exact.size else 0.0 for m in moved)
