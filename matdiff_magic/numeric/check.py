"""The numeric check: the derivative against central finite differences at a random point.

Points are drawn for each size variant (distinct small sizes, then reversed) and each sampling
strategy in turn; the first point where f, the derivative and the differences are finite and the
relative error is below TOLERANCE passes. The derivation's own check (``run_check``) and the
code export's choice of sizes (``export``) walk the same points with ``check_points``.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import fd
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.elementwise import UNIT_DOMAIN

SIZE_CHOICES = (3, 2, 4, 5, 6, 7)


@dataclass(frozen=True)
class CheckResult:
    status: str                 # passed, failed, skipped
    max_rel_error: float | None
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def sample_sizes(variables, extra_dims=()) -> dict:
    """Distinct small sizes per symbol, so shapes are non-square unless the expression forces it."""
    dims = []
    for v in variables:
        for d in v.shape:
            if d != 1 and d not in dims and not (isinstance(d, str) and d.isdigit()):
                dims.append(d)
    for d in extra_dims:
        if d != 1 and d not in dims and not (isinstance(d, str) and d.isdigit()):
            dims.append(d)
    return {d: SIZE_CHOICES[i % len(SIZE_CHOICES)] for i, d in enumerate(dims)}


def size_variants(sizes: dict) -> list[dict]:
    """The distinct sizes, then the same sizes in reverse (XXᵀ needs few rows, XᵀX few columns)."""
    variants = [sizes]
    reverse = dict(zip(sizes, reversed(list(sizes.values()))))
    if reverse != sizes:
        variants.append(reverse)
    return variants


def sample_point(variables, sizes: dict, rng, square_needs: set, scale: float, positive: bool) -> dict:
    """Random values; square matrices are made well conditioned (and SPD when symmetric)."""
    values = {}
    for v in variables:
        shape = tuple(1 if d == 1 else sizes[d] if d in sizes else int(d) for d in v.shape)
        if positive:
            a = rng.uniform(0.2, 1.0, size=shape) * scale
        else:
            a = rng.standard_normal(shape) * scale
        if v.symmetric:
            b = rng.standard_normal(shape) * 0.3
            a = b @ b.T + np.eye(shape[0])
        elif v.name in square_needs and shape[0] == shape[1]:
            a = np.eye(shape[0]) * (1.0 + shape[0] * scale) + a * 0.3
        values[v.name] = a
    return values


def square_variables(expr: ir.Expr) -> set:
    """Variables that sit under inv, det or logdet: they get well-conditioned values."""
    out = set()
    for node in expr.walk():
        if isinstance(node, (ir.Inverse, ir.Det, ir.LogDet)):
            out |= {n.name for n in node.walk() if isinstance(n, ir.Var)}
    return out


def strategies(expr: ir.Expr):
    funcs = {n.func for n in expr.walk() if isinstance(n, ir.Apply)}
    if funcs & UNIT_DOMAIN:
        yield dict(scale=0.15, positive=True)
    yield dict(scale=0.5, positive=True)
    yield dict(scale=1.0, positive=False)
    yield dict(scale=0.1, positive=True)
    yield dict(scale=0.3, positive=False)


def symmetric_part(a: np.ndarray) -> np.ndarray:
    """(A + Aᵀ)/2. A function of a symmetric matrix only sees symmetric changes, so its gradient is
    defined up to an antisymmetric part: gradients by a symmetric variable are compared this way."""
    return (a + a.T) / 2


def symmetrize_columns(jac: np.ndarray, n: int) -> np.ndarray:
    """The same for a Jacobian by vec X of a symmetric n×n X (column-major): columns (i, j) and
    (j, i) are averaged."""
    swap = np.arange(n * n).reshape(n, n).T.reshape(-1)
    return (jac + jac[:, swap]) / 2


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


TOLERANCE = 1e-5


def describe(err: float, passed: bool) -> str:
    if passed:
        return f"✓ checked at a random point, max rel. error {err:.1e}"
    return (f"✗ the numeric check FAILED: max rel. error {err:.1e} against central finite differences"
            " — please report this expression")


@dataclass(frozen=True)
class PointCheck:
    """The derivative against central differences at one random point."""
    sizes: dict          # size symbol -> the integer used
    error: float         # max relative error over the numerator and denominator layouts
    scale: float         # the largest difference quotient: about 0 at a degenerate point


def check_points(d, size_list: list[dict], seed: int, skip: tuple = ()) -> Iterator[PointCheck]:
    """The derivative of ``d`` against central differences of vec of its target (column-major).

    For each sizes in ``size_list`` and each strategy of ``strategies`` one random point is
    drawn (always, so the points do not depend on what was skipped); points where f, either
    layout's result or the differences are not finite are passed over, and so are points where
    evaluating raises one of ``skip``. A gradient is compared entry by entry with the differences;
    by a symmetric variable, only symmetric parts are compared, since f only sees symmetric
    changes of it. ``d`` is a Derivation (its typed program, wrt, target, kind and results).
    """
    rng = np.random.default_rng(seed)
    squares = square_variables(d.function)
    num_expr, den_expr = d.results["numerator"].expr, d.results["denominator"].expr
    for sizes in size_list:
        for strategy in strategies(d.function):
            values = sample_point(d.variables, sizes, rng, squares, **strategy)
            try:
                with np.errstate(all="ignore"):
                    point = _compare(d, values, sizes, num_expr, den_expr)
            except skip:
                continue
            if point is not None:
                yield point


def _compare(d, values: dict, sizes: dict, num_expr: ir.Expr, den_expr: ir.Expr) -> PointCheck | None:
    def f(x):   # vec of the differentiated expression, column-major
        return Evaluator({**values, d.wrt.name: x}, sizes)(d.target).reshape(-1, order="F")
    x0 = values[d.wrt.name]
    if not np.all(np.isfinite(f(x0))) or not np.all(np.isfinite(Evaluator(values, sizes)(d.function))):
        return None
    ev = Evaluator(with_definitions(d.typed, values, sizes), sizes)
    num, den = ev(num_expr), ev(den_expr)
    if not (np.all(np.isfinite(num)) and np.all(np.isfinite(den))):
        return None
    jac = fd.jacobian(f, x0)   # rows: entries of vec target; columns: entries of vec x
    if not np.all(np.isfinite(jac)):
        return None
    if d.kind == "gradient":
        # the gradient has the shape of x: compare entry by entry with the 1×(mn) Jacobian
        grad = jac.reshape(x0.shape, order="F")
        den, num = den.reshape(grad.shape), num.reshape(grad.T.shape)
        if d.wrt.symmetric:   # only symmetric changes of X exist: compare symmetric parts
            grad, den, num = symmetric_part(grad), symmetric_part(den), symmetric_part(num)
        err = max(relative_error(den, grad), relative_error(num, grad.T))
    elif d.wrt.is_scalar:
        by_scalar = jac.reshape(ev.shape(d.target), order="F")
        err = max(relative_error(num.reshape(by_scalar.shape), by_scalar),
                  relative_error(den.reshape(by_scalar.T.shape), by_scalar.T))
    else:
        num, den = num.reshape(jac.shape), den.reshape(jac.T.shape)
        if d.wrt.symmetric:
            n = x0.shape[0]
            jac, num, den = symmetrize_columns(jac, n), symmetrize_columns(num, n), symmetrize_columns(den.T, n).T
        err = max(relative_error(num, jac), relative_error(den, jac.T))
    return PointCheck(sizes, err, float(np.max(np.abs(jac))) if jac.size else 0.0)


def run_check(d, seed: int) -> CheckResult:
    """The derivation's numeric check: passed at the first point within TOLERANCE, else failed
    with the smallest error seen, or skipped when f or its derivative is defined nowhere tried."""
    dims = [dim for node in d.function.walk() for dim in node.shape]
    worst = None
    for point in check_points(d, size_variants(sample_sizes(d.variables, dims)), seed):
        if point.error < TOLERANCE:
            return CheckResult("passed", point.error, describe(point.error, True))
        worst = point.error if worst is None else min(worst, point.error)
    if worst is None:
        return CheckResult("skipped", None, "numeric check skipped: no random point found where "
                                            "f and its derivative are defined")
    return CheckResult("failed", worst, describe(worst, False))


def with_definitions(typed, values: dict, sizes: dict) -> dict:
    """Add the values of the cell's intermediate definitions (Y = A*X*B) to ``values``."""
    if not typed.definitions:
        return values
    out = dict(values)
    for name, expr in typed.definitions.items():
        out[name] = Evaluator(out, sizes)(expr)
    return out
