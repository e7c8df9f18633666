"""Vector- and matrix-valued functions (Jacobians through vec and Kronecker products) and Hessians,
checked against central differences of independent NumPy functions, column-major vec, both layouts."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from numpy.linalg import inv

from matdiff_magic import derive
from numeric_helpers import assert_close, random_values

sig = lambda z: 1 / (1 + np.exp(-z))


def vec(a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def jacobian_fd(f, values, name, h=1e-6):
    """∂vec f/∂(vec x)ᵀ by central differences (rows: entries of vec f, columns: of vec x)."""
    x0 = np.array(values[name], dtype=float)
    cols = []
    for k in range(x0.size):
        idx = np.unravel_index(k, x0.shape, order="F") if x0.ndim else ()
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += h
        xm[idx] -= h
        args = lambda x: {**values, name: x if x0.ndim else float(x)}
        cols.append((vec(f(**args(xp))) - vec(f(**args(xm)))) / (2 * h))
    return np.stack(cols, axis=1)


JACOBIANS = [  # source, wrt, f, readable form expected in the result's text, hints
    ("A*x", "x", lambda A, x: A @ x, "A", {}),
    ("exp(x)", "x", lambda x: np.exp(x), "diag(exp(x))", {}),
    ("x .* a", "x", lambda x, a: x * a, "diag(a)", {}),
    ("softmax(x)", "x", lambda x: np.exp(x) / np.exp(x).sum(), "diag(softmax(x)) - softmax(x) softmax(x)ᵀ", {}),
    ("A*X*B", "X", lambda A, X, B: A @ X @ B, "Bᵀ ⊗ A", {}),
    ("inv(X)", "X", lambda X: inv(X), "-(X⁻ᵀ ⊗ X⁻¹)", dict(wellcond=("X",))),
    ("X*X", "X", lambda X: X @ X, "Xᵀ ⊗ I + I ⊗ X", {}),
    ("X'", "X", lambda X: X.T, "K", {}),
    ("X'*X", "X", lambda X: X.T @ X, "(Xᵀ ⊗ I) K", {}),
    ("X*b", "X", lambda X, b: X @ b, "bᵀ ⊗ I", {}),
    ("x*x'", "x", lambda x: np.outer(x, x), "x ⊗ I + I ⊗ x", {}),
    ("tanh(W*x + b)", "W", lambda W, x, b: np.tanh(W @ x + b), "diag(𝟏 - tanh(W x + b)^∘2) (xᵀ ⊗ I)", {}),
    ("sigmoid(W*x)", "x", lambda W, x: sig(W @ x), "diag(", {}),
    ("X*A*X'", "X", lambda X, A: X @ A @ X.T, "⊗", {}),
    ("kron(A, X)", "X", lambda A, X: np.kron(A, X), None, {}),
    ("vec(A*X)", "X", lambda A, X: vec(A @ X)[:, None], "I ⊗ A", {}),
    ("tr(X)*A", "X", lambda X, A: np.trace(X) * A, "vec(A)", {}),
    ("c: scalar\nexp(c*A)", "c", lambda c, A: np.exp(c * A), "exp(c A) ⊙ A", {}),
    ("c: scalar\nc^2*x + sin(c)*y", "c", lambda c, x, y: c ** 2 * x + np.sin(c) * y, None, {}),
]


@pytest.mark.parametrize("source, wrt, f, readable, hints", JACOBIANS, ids=[j[0] for j in JACOBIANS])
def test_jacobian(source, wrt, f, readable, hints):
    d = derive(source, wrt=wrt)
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng, **hints)
    J = jacobian_fd(f, values, wrt)
    F = np.asarray(f(**values))
    num = d.with_layout("numerator").evaluate(**values)
    den = d.with_layout("denominator").evaluate(**values)
    if d.wrt.is_scalar:   # F (p×q) by a scalar: numerator (p, q) — (p,) for a vector — denominator (q, p)
        expected = J.reshape(F.shape, order="F") if F.ndim == 2 else J[:, 0]
        assert_close(num, expected, 1e-5, "numerator")
        assert_close(den, expected.T if F.ndim == 2 else expected.reshape(1, -1), 1e-5, "denominator")
    else:
        assert_close(num, J, 1e-5, "numerator")
        assert_close(den, J.T, 1e-5, "denominator")
        assert_close(d.evaluate(**values), J, 1e-5, "mixed (numerator for these)")
    if readable:
        assert readable in d.steps[-1].text
    assert d.check_result.status == "passed"


def test_jacobian_shapes_follow_the_issue_table():
    rng = np.random.default_rng(0)
    x, A = rng.standard_normal(4), rng.standard_normal((3, 4))
    assert derive("A*x", wrt="x", layout="numerator").evaluate(A=A, x=x).shape == (3, 4)      # (p, n)
    assert derive("A*x", wrt="x", layout="denominator").evaluate(A=A, x=x).shape == (4, 3)    # (n, p)
    X, B, C = rng.standard_normal((4, 5)), rng.standard_normal((2, 4)), rng.standard_normal((5, 3))
    d = derive("B*X*C", wrt="X", layout="numerator")
    assert d.evaluate(B=B, X=X, C=C).shape == (2 * 3, 4 * 5)                                 # (pq, mn)
    b = rng.standard_normal(5)
    assert derive("X*b", wrt="X", layout="numerator").evaluate(X=X, b=b).shape == (4, 20)    # (p, mn)
    assert derive("A*x*b'", wrt="x", layout="numerator").evaluate(A=A, x=x, b=b).shape == (15, 4)
    d = derive("c: scalar\nc*B", wrt="c", layout="numerator")
    assert d.evaluate(c=2.0, B=B).shape == (2, 4)                                            # (p, q)
    assert d.with_layout("denominator").evaluate(c=2.0, B=B).shape == (4, 2)                 # (q, p)


def test_vec_steps_are_named():
    d = derive("A*X*B", wrt="X")
    rules = [s.rule for s in d.steps]
    assert "vectorise" in rules and "vec of a product" in rules
    step = next(s for s in d.steps if s.rule == "vec of a product")
    assert step.identity.text == "vec(AXB) = (Bᵀ ⊗ A) vec(X)"
    assert [s for s in d.steps if s.rule == "commutation matrix"] == []
    assert any(s.rule == "commutation matrix" for s in derive("X'*A", wrt="X").steps)
    assert any(s.rule == "vec of a Hadamard product" for s in derive("exp(X)", wrt="X").steps)


HESSIANS = [
    ("x'*A*x", "x", lambda A, x: x @ A @ x, "A + Aᵀ", {}),
    ("logdet(X)", "X", lambda X: np.log(np.linalg.det(X)), "K", dict(wellcond=("X",))),
    ("-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))", "w",
     lambda y, X, w: -y @ np.log(sig(X @ w)) - (1 - y) @ np.log(1 - sig(X @ w)), "Xᵀ diag(", {}),
    ("norm2(y - X*beta)^2", "beta", lambda y, X, beta: np.sum((y - X @ beta) ** 2), "2 Xᵀ X", {}),
    ("tr(X'*A*X)", "X", lambda X, A: np.trace(X.T @ A @ X), "⊗", {}),
    ("c: scalar\nexp(c)*tr(A) + c^4", "c", lambda c, A: np.exp(c) * np.trace(A) + c ** 4, None, {}),
]


@pytest.mark.parametrize("source, wrt, f, readable, hints", HESSIANS, ids=[h[0] for h in HESSIANS])
def test_hessian(source, wrt, f, readable, hints):
    d = derive(source, wrt=wrt, order=2)
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng, **hints)
    h = 1e-4   # second differences of f: (f(x+h ei+h ej) - f(x+h ei-h ej) - f(x-h ei+h ej) + f(x-h ei-h ej)) / 4h²
    x0 = np.array(values[wrt], dtype=float)
    n = x0.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(si, sj):
                x = x0.copy()
                if x.ndim:
                    x[np.unravel_index(i, x0.shape, order="F")] += si
                    x[np.unravel_index(j, x0.shape, order="F")] += sj
                else:
                    x = x + si + sj
                return f(**{**values, wrt: x if x.ndim else float(x)})
            H[i, j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    got = d.evaluate(**values)
    assert_close(np.atleast_2d(got), H, 1e-4, source)
    if readable:
        assert readable in d.steps[-1].text
    assert any(s.stage == "hessian" for s in d.steps)
    assert d.check_result.status == "passed"


def test_scalar_multiple_of_the_variable_gives_a_scaled_identity():
    """f = c x by x: the Jacobian is c I (not the number c)."""
    d = derive("c: scalar\nc*x", wrt="x")
    assert d.steps[-1].text == "c I"
    got = d.evaluate(c=2.5, x=np.ones(3))
    assert_close(got, 2.5 * np.eye(3), 1e-12, "c I")


def test_headings_name_vectors_without_vec():
    d = derive("A*x", wrt="x")
    assert d.steps[-1].lhs_text == "∂f/∂xᵀ"
    assert derive("A*X*B", wrt="X").steps[-1].lhs_text == "∂vec f/∂(vec X)ᵀ"
    h = derive("x'*A*x", wrt="x", order=2)
    assert all("\\" not in s.lhs_text for s in h.steps)   # no TeX in the plain text
