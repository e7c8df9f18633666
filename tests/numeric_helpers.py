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


def central_gradient(f, x, h: float = 1e-6) -> np.ndarray:
    """∂f/∂x of a scalar f(x) entry by entry, shaped like x."""
    x = np.asarray(x, dtype=float)
    g = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        step = np.zeros(x.shape)
        step[idx] = h
        g[idx] = (f(x + step) - f(x - step)) / (2 * h)
    return g


def central_jacobian(F, x, h: float = 1e-6) -> np.ndarray:
    """∂ vec F / ∂ (vec x)ᵀ of F(x) (column-major vec, as the package's vec); a row for a scalar F."""
    x = np.asarray(x, dtype=float)
    cols = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        step = step.reshape(x.shape, order="F")
        diff = np.asarray(F(x + step), dtype=float) - np.asarray(F(x - step), dtype=float)
        cols.append(np.reshape(diff / (2 * h), -1, order="F"))
    return np.array(cols).T


def numeric_jacobian(f, values: dict, wrt: str, h: float = 1e-6) -> np.ndarray:
    """∂ vec f / ∂ (vec x)ᵀ by central differences, f taking the variables by name (a scalar
    variable passed as a float)."""
    return central_jacobian(lambda x: f(**{**values, wrt: x if x.ndim else float(x)}), values[wrt], h)


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


def numeric_hessian(f, values: dict, wrt: str, h: float = 1e-4) -> np.ndarray:
    """∂²f/∂vec x ∂(vec x)ᵀ by central second differences of f (column-major vec)."""
    x = np.asarray(values[wrt], dtype=float)
    steps = [np.reshape(np.eye(x.size)[k], x.shape, order="F") * h for k in range(x.size)]

    def at(dx):
        return f(**{**values, wrt: x + dx})

    H = np.empty((x.size, x.size))
    for i, a in enumerate(steps):
        for j, b in enumerate(steps):
            H[i, j] = (at(a + b) - at(a - b) - at(b - a) + at(-a - b)) / (4 * h * h)
    return H


def assert_exported_gradient(d, values: dict, f, wrt: str, layout: str, f_and_grad) -> None:
    """An exported ``f_and_grad`` at ``values``: its value against ``evaluate()`` and the test's own
    NumPy ``f``, its gradient against ``evaluate()`` and central differences of ``f`` in ``layout``."""
    value, gradient = f_and_grad(**values)
    assert_close(value, d.value(**values), 1e-10, "value against evaluate")
    assert_close(value, f(**values), 1e-10, "value against the NumPy f")
    assert_close(gradient, d.evaluate(**values), 1e-10, f"{layout}: gradient against evaluate")
    assert_close(gradient, expected_in_layout(f, values, wrt, layout), 1e-6, f"{layout}: central differences")


def assert_exported_hessian(d, values: dict, f, wrt: str, layout: str, f_grad_hessian) -> None:
    """An exported ``f_grad_hessian`` at ``values``: its value against the test's own NumPy ``f``, its
    gradient against central differences of ``f``, its Hessian against ``evaluate()`` and second
    differences of ``f``."""
    value, gradient, hessian = f_grad_hessian(**values)
    assert_close(value, f(**values), 1e-10, "value against the NumPy f")
    assert_close(gradient, expected_in_layout(f, values, wrt, layout), 1e-6, "gradient: central differences")
    assert_close(hessian, d.evaluate(**values), 1e-10, f"{layout}: Hessian against evaluate")
    assert_close(hessian, numeric_hessian(f, values, wrt), 1e-5, f"{layout}: second differences")


def gradient_in_layout(fd, layout: str):
    """A gradient by central differences, shaped as the variable, as ``layout`` writes it: its
    transpose (a row for a vector) in numerator layout."""
    if layout != "numerator" or np.ndim(fd) == 0:
        return fd
    return fd.T if np.ndim(fd) == 2 else np.reshape(fd, (1, -1))


def checked_in_every_layout(source: str, wrt: str, f, value: bool = True, **hints):
    """derive(source, wrt), its gradient in every layout compared with central differences of the
    scalar ``f`` (and, with ``value``, f itself) at random values seeded by the source; returns the
    derivation."""
    import zlib

    from matdiff_magic import derive

    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt)
    values = random_values(d.variables, rng, **hints)
    if value:
        assert_close(d.value(**values), f(**values), 1e-9, "f")
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        assert_close(got, gradient_in_layout(fd, layout), 1e-5, f"{source} by {wrt}, {layout} layout")
    return d


def exported(d, backend: str = "numpy", scipy: bool = True) -> dict:
    """The namespace of d's exported module for ``backend`` (skipped where it is not installed);
    ``scipy`` False runs it as where SciPy is not installed (``scipy`` None in sys.modules makes
    ``from scipy.linalg import lapack`` raise ImportError)."""
    import sys

    import pytest

    if backend != "numpy":
        pytest.importorskip(backend)
    namespace: dict = {"__name__": f"matdiff_export_{backend}"}
    saved = {k: v for k, v in sys.modules.items() if k == "scipy" or k.startswith("scipy.")}
    if not scipy:
        for k in saved:
            del sys.modules[k]
        sys.modules["scipy"] = None  # type: ignore[assignment]
    try:
        exec(
            compile(d.to_python(backend=backend), f"<matdiff {backend} export>", "exec"), namespace
        )  # ours only
    finally:
        if not scipy:
            del sys.modules["scipy"]
            sys.modules.update(saved)
    return namespace


def as_array(a) -> np.ndarray:
    """A NumPy, JAX or PyTorch result as a float NumPy array."""
    return np.asarray(a.detach().numpy() if hasattr(a, "detach") else a, dtype=float)


def planted_check(source: str, wrong: str, wrt: str, **kw):
    """The check of ``derive(source, wrt, **kw)`` carrying the results of ``wrong``: a wrong result
    planted where the check must find it. For a Hessian (``order=2``) the gradient it is the
    Jacobian of is planted too (the target), so that the Hessian is consistent with a wrong
    gradient."""
    from matdiff_magic import derive

    d = derive(source, wrt=wrt, check=False, **kw)
    planted = derive(wrong, wrt=wrt, check=False, **kw)
    d.results = {layout: planted.results[layout] for layout in d.results}
    if kw.get("order") == 2:
        d.target = planted.target
    d.check()
    return d.check_result
