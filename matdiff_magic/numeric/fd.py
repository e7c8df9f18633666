"""Central differences: the one finite-difference routine of the package.

Entry k of x, taken in column-major order (the order of vec x), is moved by ±s_k and

    ∂f/∂(vec x)_k ≈ (f(x + s_k e_k) − f(x − s_k e_k)) / 2s_k,

whose truncation error falls like s_k² until round-off (about ε|f|/s_k) takes over. The step is
s_k = h·max(1, |x_k|): relative for large entries, absolute near zero, so one h suits inputs of
any scale. ``relative=False`` steps by h itself, for callers that show the error against h.
``rounding`` bounds the round-off part of that error for a function whose values (and the values
computed on the way to them) are at most a given magnitude.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def jacobian(f: Callable, x, h: float = 1e-6, relative: bool = True) -> np.ndarray:
    """∂ vec f/∂(vec x)ᵀ of a function returning a 1-D array (vec of its value, column-major).

    ``x`` is an array of any shape; the result is (len f(x), x.size), column k the derivative by
    the k-th entry of vec x. ``f`` gets a perturbed copy of ``x``, never ``x`` itself.
    """
    x = np.array(x, dtype=float)
    columns = []
    for k in range(x.size):
        idx = np.unravel_index(k, x.shape, order="F")
        step = h * max(1.0, abs(x[idx])) if relative else h
        plus, minus = x.copy(), x.copy()
        plus[idx] += step
        minus[idx] -= step
        columns.append((np.asarray(f(plus)) - np.asarray(f(minus))) / (2 * step))
    return np.stack(columns, axis=1)


def gradient(f: Callable, x, h: float = 1e-6, relative: bool = True) -> np.ndarray:
    """∂f/∂x of a scalar function, entry by entry: an array of the shape of ``x``."""
    x = np.array(x, dtype=float)
    row = jacobian(lambda y: np.reshape(f(y), 1), x, h, relative)  # 1 × x.size
    return row.reshape(x.shape, order="F")


def rounding(magnitude: float, h: float = 1e-6) -> float:
    """The round-off error of a central difference at step ``h`` (the smallest step ``jacobian``
    takes) of a function computed through values of size at most ``magnitude``: about ε·magnitude/h.
    A difference quotient smaller than this is noise (1e300 + x has differences 0, not 1)."""
    return float(np.finfo(float).eps) * magnitude / h
