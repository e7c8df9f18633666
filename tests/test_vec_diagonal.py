"""The Jacobian of diag(F), the vector of a square matrix's diagonal: vec(diag(dX)) =
(𝟏ᵀ ⊗ I) diag(vec I) vec(dX). Compared with central differences of NumPy functions written here,
numerator and denominator layout (mixed is numerator for a vector by a matrix), on non-square
factors around X, and the exported f_and_jacobian against the same differences."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close

from matdiff_magic import derive


def vec(a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def jacobian_fd(f, values, name, h=1e-6):
    x0 = np.array(values[name], dtype=float)
    cols = []
    for k in range(x0.size):
        idx = np.unravel_index(k, x0.shape, order="F")
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += h
        xm[idx] -= h
        cols.append((vec(f(**{**values, name: xp})) - vec(f(**{**values, name: xm}))) / (2 * h))
    return np.stack(cols, axis=1)


CASES = [
    ("diag(X)", lambda X: np.diag(X), lambda rng: {"X": rng.standard_normal((4, 4))}),
    (
        "diag(A*X*B)",
        lambda A, X, B: np.diag(A @ X @ B),
        lambda rng: {"A": rng.standard_normal((3, 5)), "X": rng.standard_normal((5, 2)), "B": rng.standard_normal((2, 3))},
    ),
    ("exp(diag(X))", lambda X: np.exp(np.diag(X)), lambda rng: {"X": rng.standard_normal((3, 3))}),
    (
        "diag(X'*X)",
        lambda X: np.diag(X.T @ X),
        lambda rng: {"X": rng.standard_normal((5, 3))},
    ),
]


@pytest.mark.parametrize("source, f, values", CASES, ids=[c[0] for c in CASES])
def test_the_jacobian_of_a_diagonal(source, f, values):
    d = derive(source, wrt="X")
    assert d.check_result.status == "passed"
    assert any("vec of a diagonal" in s.rule for s in d.steps)
    v = values(np.random.default_rng(len(source)))
    J = jacobian_fd(f, v, "X")
    assert_close(d.with_layout("numerator").evaluate(**v), J, 1e-6, "numerator")
    assert_close(d.with_layout("denominator").evaluate(**v), J.T, 1e-6, "denominator")
    assert_close(d.with_layout("mixed").evaluate(**v), J, 1e-6, "mixed")
    namespace: dict = {}
    exec(compile(d.to_python(), "<matdiff export>", "exec"), namespace)  # the package's generated code only
    value, jacobian = namespace["f_and_jacobian"](**v)
    assert_close(value, f(**v), 1e-10, "f")
    assert_close(jacobian, J, 1e-6, "exported")
