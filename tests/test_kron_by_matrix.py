"""Derivatives through Kronecker products by a matrix (or vector) variable.

For a scalar f the trace stage moves dX out of A ⊗ M in one step, tr(L(A ⊗ M)) = tr(G M)
(ops/kron.py, from vec(A ⊗ M) = (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ I_pq) vec M and tr(PᵀQ) = vec(P)ᵀvec(Q));
for a vector or matrix F the vec stage uses that vec identity itself. Every derivative is compared,
in every layout, with central differences of a NumPy function written here with np.kron, at random
values and non-square X; the identities themselves are checked with NumPy at non-square sizes.
"""

import numpy as np
import pytest

from matdiff_magic import derive
from numeric_helpers import expected_in_layout

LAYOUTS = ("numerator", "denominator", "mixed")
I2 = np.eye(2)


def _vec(M):
    return M.reshape(-1, 1, order="F")


def _commutation(r, c):
    """K with K vec(M) = vec(Mᵀ) for an r×c matrix M, written independently of the package."""
    K = np.zeros((r * c, r * c))
    for i in range(r):
        for j in range(c):
            K[i * c + j, j * r + i] = 1.0
    return K


_expected = expected_in_layout  # central differences, in the layout asked for


def _values(shapes, seed):
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()}


# source, variable, shapes of the values, f in NumPy
GRADIENTS = [
    ("X: matrix(3, 2)\na'*kron(X, eye(2))*b", "X", {"a": 6, "X": (3, 2), "b": 4},
     lambda a, X, b: a @ np.kron(X, I2) @ b),
    ("X: matrix(3, 2)\nA: matrix(2, 4)\na'*kron(A, X)*b", "X", {"a": 6, "A": (2, 4), "X": (3, 2), "b": 8},
     lambda a, A, X, b: a @ np.kron(A, X) @ b),
    ("X: matrix(3, 2)\nA: matrix(2, 3)\nsum(kron(X, A))", "X", {"X": (3, 2), "A": (2, 3)},
     lambda X, A: np.sum(np.kron(X, A))),
    ("X: matrix(3, 2)\nC: matrix(4, 9)\ntr(C*kron(X, X))", "X", {"X": (3, 2), "C": (4, 9)},
     lambda X, C: np.trace(C @ np.kron(X, X))),
    ("X: matrix(3, 2)\nB: matrix(2, 2)\nnorm2(kron(X, B))^2", "X", {"X": (3, 2), "B": (2, 2)},
     lambda X, B: np.sum(np.kron(X, B) ** 2)),
    ("X: matrix(3, 2)\nA: matrix(2, 4)\na'*kron(X', A)*b", "X", {"a": 4, "X": (3, 2), "A": (2, 4), "b": 12},
     lambda a, X, A, b: a @ np.kron(X.T, A) @ b),
    ("x: vector(3)\nB: matrix(2, 4)\na'*kron(x, B)*c", "x", {"a": 6, "x": 3, "B": (2, 4), "c": 4},
     lambda a, x, B, c: a @ np.kron(x[:, None], B) @ c),
    ("X: matrix(3, 2)\nA: matrix(4, 3)\nB: matrix(2, 2)\na'*kron(A*X, B)*c", "X",
     {"a": 8, "X": (3, 2), "A": (4, 3), "B": (2, 2), "c": 4},
     lambda a, X, A, B, c: a @ np.kron(A @ X, B) @ c),
    ("X: matrix(3, 2)\nexp(a'*kron(X, eye(2))*b/10)", "X", {"a": 6, "X": (3, 2), "b": 4},
     lambda a, X, b: np.exp(a @ np.kron(X, I2) @ b / 10)),
    ("X: matrix(3, 2)\na'*kron(X, eye(2))*kron(X', eye(2))*a", "X", {"a": 6, "X": (3, 2)},
     lambda a, X: a @ np.kron(X, I2) @ np.kron(X.T, I2) @ a),
]

JACOBIANS = [
    ("X: matrix(3, 2)\nkron(X, eye(2))*b", "X", {"X": (3, 2), "b": 4},
     lambda X, b: np.kron(X, I2) @ b),
    ("X: matrix(3, 2)\nA: matrix(2, 4)\nkron(A, X)", "X", {"A": (2, 4), "X": (3, 2)},
     lambda A, X: np.kron(A, X)),
    ("X: matrix(3, 2)\nB: matrix(2, 3)\nkron(X, B)", "X", {"X": (3, 2), "B": (2, 3)},
     lambda X, B: np.kron(X, B)),
    ("X: matrix(3, 2)\nkron(X, X)", "X", {"X": (3, 2)}, lambda X: np.kron(X, X)),
    ("X: matrix(3, 2)\nA: matrix(2, 2)\nvec(kron(X', A))", "X", {"X": (3, 2), "A": (2, 2)},
     lambda X, A: _vec(np.kron(X.T, A))),
    ("X: matrix(3, 2)\nkron(X, eye(2))*b*(a'*kron(X, eye(2))*b)", "X", {"a": 6, "X": (3, 2), "b": 4},
     lambda a, X, b: np.kron(X, I2) @ b * (a @ np.kron(X, I2) @ b)),
    ("x: vector(3)\nB: matrix(2, 4)\nkron(x, B)", "x", {"x": 3, "B": (2, 4)},
     lambda x, B: np.kron(x[:, None], B)),
    # a column's commutation matrix K₍1,m₎ is I: x ⊗ I + I ⊗ x, with no K left in it
    ("x: vector(3)\nkron(x, x)", "x", {"x": 3}, lambda x: np.kron(x[:, None], x[:, None])),
    ("x: vector(3)\ny: vector(2)\nkron(x, y)", "x", {"x": 3, "y": 2},
     lambda x, y: np.kron(x[:, None], y[:, None])),
    ("x: vector(3)\nX: matrix(2, 4)\nkron(x, X)", "X", {"x": 3, "X": (2, 4)},
     lambda x, X: np.kron(x[:, None], X)),
]


def _ids(cases):
    return [c[0].split("\n")[-1] + " by " + c[1] for c in cases]


@pytest.mark.parametrize("source, wrt, shapes, f", GRADIENTS, ids=_ids(GRADIENTS))
def test_gradients_through_a_kronecker_product(source, wrt, shapes, f):
    d = derive(source, wrt=wrt)
    assert "trace of a Kronecker product" in d.to_text()
    for seed in (0, 1):
        values = _values(shapes, seed)
        for layout in LAYOUTS:
            got = np.asarray(d.with_layout(layout).evaluate(**values), dtype=float)
            want = _expected(f, values, wrt, layout)
            assert got.shape == want.shape, (layout, got.shape, want.shape)
            assert np.allclose(got, want, rtol=1e-6, atol=1e-6), (layout, np.max(np.abs(got - want)))


@pytest.mark.parametrize("source, wrt, shapes, f", JACOBIANS, ids=_ids(JACOBIANS))
def test_jacobians_through_a_kronecker_product(source, wrt, shapes, f):
    d = derive(source, wrt=wrt)
    for seed in (0, 1):
        values = _values(shapes, seed)
        for layout in LAYOUTS:
            got = np.asarray(d.with_layout(layout).evaluate(**values), dtype=float)
            want = _expected(f, values, wrt, layout)
            assert got.shape == want.shape, (layout, got.shape, want.shape)
            assert np.allclose(got, want, rtol=1e-6, atol=1e-6), (layout, np.max(np.abs(got - want)))


@pytest.mark.parametrize("source, wrt, shapes, f", GRADIENTS[:3], ids=_ids(GRADIENTS[:3]))
def test_exported_gradients_through_a_kronecker_product(source, wrt, shapes, f):
    values = _values(shapes, 2)
    for layout in LAYOUTS:
        namespace: dict = {}
        exec(compile(derive(source, wrt=wrt, layout=layout).to_python(), "<export>", "exec"), namespace)
        value, gradient = namespace["f_and_grad"](**values)  # our generated code only
        assert np.isclose(value, f(**values))
        assert np.allclose(gradient, _expected(f, values, wrt, layout), rtol=1e-6, atol=1e-6), layout


@pytest.mark.parametrize("m, n, p, q", [(2, 3, 4, 5), (3, 2, 1, 4), (1, 3, 2, 2)])
def test_the_vec_identity_of_a_kronecker_product(m, n, p, q):
    """vec(A ⊗ X) = (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ I_pq) vec X and vec(X ⊗ B) = (I_n ⊗ K_qm ⊗ I_p)
    (I_mn ⊗ vec B) vec X (Magnus & Neudecker, Theorem 3.10), which the vec stage applies."""
    rng = np.random.default_rng(m * 100 + n * 10 + p)
    A, X, B = rng.standard_normal((m, n)), rng.standard_normal((p, q)), rng.standard_normal((p, q))
    P = np.kron(np.kron(np.eye(n), _commutation(q, m)), np.eye(p))
    assert np.allclose(_vec(np.kron(A, X)), P @ np.kron(_vec(A), np.eye(p * q)) @ _vec(X))
    Y = rng.standard_normal((m, n))
    assert np.allclose(_vec(np.kron(Y, B)), P @ np.kron(np.eye(m * n), _vec(B)) @ _vec(Y))


@pytest.mark.parametrize("m, n, p, q", [(2, 3, 4, 5), (3, 2, 1, 4), (1, 3, 2, 2)])
def test_the_trace_identities_of_a_kronecker_product(m, n, p, q):
    """tr(L(A ⊗ M)) = tr(G M), G = (vec(I_n)ᵀ ⊗ I_q)(I_n ⊗ L)(vec A ⊗ I_p), and
    tr(L(M ⊗ B)) = tr(G M), G = (I_n ⊗ vec(I_q)ᵀ)(L ⊗ I_q)(I_m ⊗ vec(Bᵀ)), the trace stage's step."""
    rng = np.random.default_rng(m * 100 + n * 10 + q)
    L = rng.standard_normal((n * q, m * p))
    A, M = rng.standard_normal((m, n)), rng.standard_normal((p, q))
    G = np.kron(_vec(np.eye(n)).T, np.eye(q)) @ np.kron(np.eye(n), L) @ np.kron(_vec(A), np.eye(p))
    assert np.isclose(np.trace(L @ np.kron(A, M)), np.trace(G @ M))
    M, B = rng.standard_normal((m, n)), rng.standard_normal((p, q))
    G = np.kron(np.eye(n), _vec(np.eye(q)).T) @ np.kron(L, np.eye(q)) @ np.kron(np.eye(m), _vec(B.T))
    assert np.isclose(np.trace(L @ np.kron(M, B)), np.trace(G @ M))


def test_a_columns_commutation_matrix_is_the_identity():
    # K₍1,m₎ vec(xᵀ) = vec(x): the identity, written as I rather than carried through the steps
    for source, wrt in [("x: vector(3)\nkron(x, x)", "x"), ("x: vector(3)\ny: vector(2)\nkron(x, y)", "x")]:
        d = derive(source, wrt=wrt)
        assert "K₍1," not in d.to_text() and "K_{1" not in d.to_latex()
    assert derive("x: vector(3)\nkron(x, x)", wrt="x").steps[-1].text == "x ⊗ I + I ⊗ x"
