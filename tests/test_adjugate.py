"""adj(X), the adjugate (X^# in seed 000: d|X| = tr(X^# dX)), added as one module, ops/adjugate.py.

Its value against an independent NumPy cofactor computation (also for a singular X), its
differential d adj(X) = adj(X) tr(X⁻¹dX) − X⁻¹ dX adj(X) through whole derivations checked against
central differences of a NumPy f written here, in all three layouts, and its NumPy export.
"""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive, graph
from matdiff_magic.numeric import fd
from matdiff_magic.syntax.vocabulary import MATRIX_FUNCTIONS

LAYOUTS = ("denominator", "mixed", "numerator")


def cofactor_adjugate(X: np.ndarray) -> np.ndarray:
    """adj(X)ᵢⱼ = (−1)^(i+j) times the minor of X without row j and column i."""
    n = X.shape[0]
    C = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            C[i, j] = (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(X, i, axis=0), j, axis=1))
    return C.T


def point(n: int, seed: int):
    rng = np.random.default_rng(seed)
    X = np.eye(n) * 2.0 + 0.4 * rng.standard_normal((n, n))
    return rng, X


def test_adj_is_in_the_language():
    assert MATRIX_FUNCTIONS["adj"] == 1
    d = derive("tr(A*adj(X))", wrt="X")
    assert d.steps[0].text == "tr(A adj(X))"
    assert r"\operatorname{adj}(X)" in d.steps[0].latex
    used = [s for s in d.steps if s.rule == "adjugate"]
    assert used and "tr(X⁻¹ dX)" in used[0].identity.text


@pytest.mark.parametrize("n", [2, 3, 4])
def test_value_against_cofactors(n):
    _, X = point(n, n)
    d = derive("tr(A*adj(X))", wrt="X")
    A = np.eye(n)
    assert d.value(A=A, X=X) == pytest.approx(np.trace(cofactor_adjugate(X)), rel=1e-12)
    g = graph("adj(X)", X=X)
    np.testing.assert_allclose(np.reshape(g.value(), (n, n)), cofactor_adjugate(X), rtol=1e-10, atol=1e-12)


def test_value_of_a_singular_matrix():
    """adj(X) exists where X⁻¹ does not: rank n − 1 gives a rank-one adjugate."""
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    got = graph("adj(X)", X=X).value()
    np.testing.assert_allclose(got, cofactor_adjugate(X), atol=1e-9)
    np.testing.assert_allclose(X @ got, np.zeros((3, 3)), atol=1e-9)   # X adj(X) = |X| I = 0


CASES = [
    ("tr(A*adj(X))", lambda A, X: np.trace(A @ cofactor_adjugate(X)), ("A", "X")),
    ("a'*adj(X)*b", lambda a, X, b: a @ cofactor_adjugate(X) @ b, ("a", "X", "b")),
]


def _values(names, seed):
    rng, X = point(3, seed)
    shapes = {"A": (3, 3), "a": (3,), "b": (3,)}
    return {n: X if n == "X" else rng.standard_normal(shapes[n]) for n in names}


@pytest.mark.parametrize("source, f, names", CASES, ids=[c[0] for c in CASES])
def test_derivative_against_central_differences_in_every_layout(source, f, names):
    d = derive(source, wrt="X")
    assert d.check_result.status == "passed", d.check_result.message
    values = _values(names, 7)
    want = fd.gradient(lambda X: f(**{**values, "X": X}), values["X"])
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**values)
        expected = want.T if layout == "numerator" else want
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=layout)


def test_jacobian_of_adj_by_x():
    """∂ vec adj(X)/∂ (vec X)ᵀ = vec(adj X) vec(X⁻ᵀ)ᵀ − (adj(X)ᵀ ⊗ X⁻¹)."""
    d = derive("adj(X)", wrt="X")
    _, X = point(3, 11)
    want = fd.jacobian(lambda Y: cofactor_adjugate(Y).reshape(-1, order="F"), X)
    np.testing.assert_allclose(d.with_layout("numerator").evaluate(X=X), want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("source, f, names", CASES, ids=[c[0] for c in CASES])
def test_graph_gradient(source, f, names):
    values = _values(names, 5)
    got = graph(source, **values).gradient()["X"]
    want = fd.gradient(lambda X: f(**{**values, "X": X}), values["X"])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("source, f, names", CASES, ids=[c[0] for c in CASES])
def test_export(source, f, names):
    d = derive(source, wrt="X")
    values = _values(names, 3)
    for layout in LAYOUTS:
        namespace: dict = {}
        code = d.with_layout(layout).to_python()
        assert "def adj(A):" in code
        exec(compile(code, "<matdiff export>", "exec"), namespace)         # our generated code only
        value, gradient = namespace["f_and_grad"](**values)
        assert value == pytest.approx(float(f(**values)), rel=1e-10)
        np.testing.assert_allclose(gradient, d.with_layout(layout).evaluate(**values), rtol=1e-10)
        assert namespace["check_gradient"]() < 1e-5, layout
