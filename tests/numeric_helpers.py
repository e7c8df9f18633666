"""Test-side numerics, independent of the package's own check: random values and central differences."""
from __future__ import annotations

import numpy as np

SIZES = {0: 3, 1: 4, 2: 2, 3: 5, 4: 6}


def sizes_for(variables) -> dict:
    dims = []
    for v in variables:
        for d in v.shape:
            if d != 1 and d not in dims:
                dims.append(d)
    return {d: SIZES[i % len(SIZES)] for i, d in enumerate(dims)}


def random_values(variables, rng, positive=(), wellcond=(), spd=(), small=(), sizes=None):
    """Values of fitting shapes: distinct sizes per symbol, so matrices are non-square where allowed."""
    sizes = {**sizes_for(variables), **(sizes or {})}
    out = {}
    for v in variables:
        shape = tuple(1 if d == 1 else sizes[d] for d in v.shape)
        if v.name in spd or v.kind == "symmetric":
            b = rng.standard_normal(shape)
            a = b @ b.T / shape[0] + np.eye(shape[0])
        elif v.name in wellcond and shape[0] == shape[1]:
            a = np.eye(shape[0]) * 2.0 + 0.3 * rng.standard_normal(shape)
        elif v.name in positive:
            a = rng.uniform(0.5, 1.5, size=shape)
        elif v.name in small:
            a = rng.uniform(-0.4, 0.4, size=shape)
        else:
            a = rng.standard_normal(shape)
        if shape == (1, 1):
            out[v.name] = float(a[0, 0])
        elif shape[1] == 1:
            out[v.name] = a[:, 0].copy()
        else:
            out[v.name] = a
    return out


def central_difference(f, values: dict, name: str, h: float = 1e-6) -> np.ndarray:
    """∂f/∂(name) entry by entry, shaped like the variable (a float for a scalar)."""
    x0 = np.array(values[name], dtype=float)
    grad = np.zeros_like(x0)
    for idx in np.ndindex(*x0.shape):
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += h
        xm[idx] -= h
        fp = f(**{**values, name: xp if x0.ndim else float(xp)})
        fm = f(**{**values, name: xm if x0.ndim else float(xm)})
        grad[idx] = (fp - fm) / (2 * h)
    return grad if x0.ndim else float(grad)


def assert_close(actual, expected, rtol=1e-5, label=""):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{label}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    err = float(np.max(np.abs(actual - expected))) / scale if expected.size else 0.0
    assert err < rtol, f"{label}: max rel. error {err:.2e}\nactual={actual}\nexpected={expected}"


def numeric_jacobian(f, values: dict, wrt: str, h: float = 1e-6) -> np.ndarray:
    """∂ vec f / ∂ (vec x)ᵀ by central differences (column-major vec, as the package's vec)."""
    x = np.asarray(values[wrt], dtype=float)
    cols = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        step = step.reshape(x.shape, order="F")
        plus = np.ravel(f(**{**values, wrt: x + step}), order="F")
        minus = np.ravel(f(**{**values, wrt: x - step}), order="F")
        cols.append((plus - minus) / (2 * h))
    return np.array(cols).T


def expected_in_layout(f, values: dict, wrt: str, layout: str) -> np.ndarray:
    """The derivative in ``layout``, by central differences: for a scalar f the gradient (the shape
    of X, its transpose in numerator layout; a row for a vector x in numerator layout), else the
    Jacobian ∂ vec f / ∂ (vec x)ᵀ (transposed in denominator layout)."""
    J = numeric_jacobian(f, values, wrt)
    x = np.asarray(values[wrt])
    if J.shape[0] == 1:
        G = J[0].reshape(x.shape, order="F")
        if x.ndim == 1:
            return G.reshape(1, -1) if layout == "numerator" else G
        return G.T if layout == "numerator" else G
    return J.T if layout == "denominator" else J
