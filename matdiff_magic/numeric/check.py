"""The numeric check: the derivative against central finite differences at a random point."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matdiff_magic.ir import nodes as ir
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


def central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂x_ij by (f(x + h e_ij) − f(x − h e_ij)) / 2h, entry by entry; same shape as x."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(*x.shape):
        step = h * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += step
        xm[idx] -= step
        grad[idx] = (f(xp) - f(xm)) / (2 * step)
    return grad


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
