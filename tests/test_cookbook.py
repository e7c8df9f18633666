"""Scalar-valued identities of the Matrix Cookbook (Petersen & Pedersen, 2012), equation numbers
in the ids, checked numerically: our derivative against central finite differences of an
independent NumPy implementation of f, at random non-square values, in every layout."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from numpy.linalg import det, inv, norm

from matdiff_magic import derive
from numeric_helpers import assert_close, central_difference, random_values

sig = lambda z: 1 / (1 + np.exp(-z))
tr = np.trace

# (id, source, wrt, f(**values) in NumPy, sampling hints)
CASES = [
    # traces
    ("100 tr(AX)", "tr(A*X)", "X", lambda A, X: tr(A @ X), {}),
    ("101 tr(AXB)", "tr(A*X*B)", "X", lambda A, X, B: tr(A @ X @ B), {}),
    ("102 tr(AXᵀB)", "tr(A*X'*B)", "X", lambda A, X, B: tr(A @ X.T @ B), {}),
    ("103 tr(XᵀA)", "tr(X'*A)", "X", lambda X, A: tr(X.T @ A), {}),
    ("99 tr(X)", "tr(X)", "X", lambda X: tr(X), {}),
    ("106 tr(X²)", "tr(X*X)", "X", lambda X: tr(X @ X), {}),
    ("107 tr(X²B)", "tr(X*X*B)", "X", lambda X, B: tr(X @ X @ B), {}),
    ("110 tr(XᵀX)", "tr(X'*X)", "X", lambda X: tr(X.T @ X), {}),
    ("113 tr(XᵀBX)", "tr(X'*B*X)", "X", lambda X, B: tr(X.T @ B @ X), {}),
    ("114 tr(XBXᵀ)", "tr(X*B*X')", "X", lambda X, B: tr(X @ B @ X.T), {}),
    ("116 tr(AXBX)", "tr(A*X*B*X)", "X", lambda A, X, B: tr(A @ X @ B @ X), {}),
    ("117 tr(XᵀBXC)", "tr(X'*B*X*C)", "X", lambda X, B, C: tr(X.T @ B @ X @ C), {}),
    ("119 tr(AXBXᵀC)", "tr(A*X*B*X'*C)", "X", lambda A, X, B, C: tr(A @ X @ B @ X.T @ C), {}),
    ("121 tr(X³)", "tr(X*X*X)", "X", lambda X: tr(X @ X @ X), {}),
    ("124 tr(X⁻¹)", "tr(inv(X))", "X", lambda X: tr(inv(X)), dict(wellcond=("X",))),
    ("125 tr(AX⁻¹B)", "tr(A*inv(X)*B)", "X", lambda A, X, B: tr(A @ inv(X) @ B), dict(wellcond=("X",))),
    ("tr(A(X+B)⁻¹)", "tr(A*inv(X + B))", "X", lambda A, X, B: tr(A @ inv(X + B)),
     dict(wellcond=("X", "B"))),
    # determinants
    ("49 |X|", "det(X)", "X", lambda X: det(X), dict(wellcond=("X",))),
    ("51 |AXB|", "det(A*X*B)", "X", lambda A, X, B: det(A @ X @ B), dict(sizes={"m": 2, "n": 3, "p": 4})),
    ("53 |XᵀAX|", "det(X'*A*X)", "X", lambda X, A: det(X.T @ A @ X), dict(spd=("A",), sizes={"m": 5, "n": 2})),
    ("55 log|XᵀX|", "logdet(X'*X)", "X", lambda X: np.log(det(X.T @ X)), dict(sizes={"m": 5, "n": 2})),
    ("57 log|X|", "logdet(X)", "X", lambda X: np.log(det(X)), dict(wellcond=("X",))),
    ("57 log(det X)", "log(det(X))", "X", lambda X: np.log(det(X)), dict(wellcond=("X",))),
    ("|X⁻¹|", "det(inv(X))", "X", lambda X: det(inv(X)), dict(wellcond=("X",))),
    ("|X|²", "det(X)^2", "X", lambda X: det(X) ** 2, dict(wellcond=("X",))),
    ("log|XXᵀ|", "log(det(X*X'))", "X", lambda X: np.log(det(X @ X.T)), dict(sizes={"m": 2, "n": 5})),
    # inverses
    ("61 aᵀX⁻¹b", "a'*inv(X)*b", "X", lambda a, X, b: a @ inv(X) @ b, dict(wellcond=("X",))),
    ("sum(X⁻¹)", "sum(inv(X))", "X", lambda X: inv(X).sum(), dict(wellcond=("X",))),
    ("tr(X⁻¹A)", "tr(inv(X)*A)", "X", lambda X, A: tr(inv(X) @ A), dict(wellcond=("X",))),
    # linear and quadratic forms
    ("69 aᵀx", "a'*x", "x", lambda a, x: a @ x, {}),
    ("69 xᵀa", "x'*a", "x", lambda x, a: x @ a, {}),
    ("70 aᵀXb", "a'*X*b", "X", lambda a, X, b: a @ X @ b, {}),
    ("71 aᵀXᵀb", "a'*X'*b", "X", lambda a, X, b: a @ X.T @ b, {}),
    ("72 aᵀXa", "a'*X*a", "X", lambda a, X: a @ X @ a, {}),
    ("77 bᵀXᵀXc", "b'*X'*X*c", "X", lambda b, X, c: b @ X.T @ X @ c, {}),
    ("78 (Bx+b)ᵀC(Dx+d)", "(B*x + b)'*C*(D*x + d)", "x",
     lambda B, x, b, C, D, d: (B @ x + b) @ C @ (D @ x + d), {}),
    ("79 (Xb+c)ᵀD(Xb+c)", "(X*b + c)'*D*(X*b + c)", "X", lambda X, b, c, D: (X @ b + c) @ D @ (X @ b + c), {}),
    ("81 xᵀBx", "x'*B*x", "x", lambda x, B: x @ B @ x, {}),
    ("xᵀx", "x'*x", "x", lambda x: x @ x, {}),
    ("84 xᵀBx, B symmetric", "B: symmetric\nx'*B*x", "x", lambda B, x: x @ B @ x, {}),
    ("86 (x−s)ᵀW(x−s)", "W: symmetric\n(x - s)'*W*(x - s)", "s", lambda x, s, W: (x - s) @ W @ (x - s), {}),
    ("88 (x−As)ᵀW(x−As)", "W: symmetric\n(x - A*s)'*W*(x - A*s)", "A",
     lambda x, A, s, W: (x - A @ s) @ W @ (x - A @ s), {}),
    ("(aᵀx)²", "(a'*x)^2", "x", lambda a, x: (a @ x) ** 2, {}),
    ("1/(aᵀx)", "1/(a'*x)", "x", lambda a, x: 1 / (a @ x), dict(positive=("a", "x"))),
    # norms
    ("131 ‖x‖²", "norm2(x)^2", "x", lambda x: norm(x) ** 2, {}),
    ("‖x‖", "norm2(x)", "x", lambda x: norm(x), {}),
    ("‖x‖³", "norm2(x)^3", "x", lambda x: norm(x) ** 3, {}),
    ("‖x‖₁", "norm1(x)", "x", lambda x: np.abs(x).sum(), {}),
    ("133 ‖X‖²_F", "norm2(X)^2", "X", lambda X: norm(X) ** 2, {}),
    ("‖Xb − c‖²", "norm2(X*b - c)^2", "X", lambda X, b, c: norm(X @ b - c) ** 2, {}),
    ("‖Ax − b‖", "norm2(A*x - b)", "x", lambda A, x, b: norm(A @ x - b), {}),
    ("‖AXB‖_F", "norm2(A*X*B)", "X", lambda A, X, B: norm(A @ X @ B), {}),
    # least squares (seed 001 Example 4) and ridge
    ("least squares by β", "norm2(y - X*beta)^2", "beta", lambda y, X, beta: norm(y - X @ beta) ** 2, {}),
    ("least squares by X", "norm2(y - X*beta)^2", "X", lambda y, X, beta: norm(y - X @ beta) ** 2, {}),
    ("ridge", "lambda: scalar\nnorm2(y - X*w)^2 + lambda*norm2(w)^2", "w",
     lambda y, X, w, **k: norm(y - X @ w) ** 2 + k["lambda"] * norm(w) ** 2, {}),
    # multivariate normal (seed 001 Example 5)
    ("MVN covariance", "Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", "Sigma",
     lambda Sigma, S: np.log(det(Sigma)) + tr(S @ inv(Sigma)), {}),
    ("MVN mean", "Sigma: symmetric\n-(x - mu)'*inv(Sigma)*(x - mu)/2", "mu",
     lambda x, mu, Sigma: -(x - mu) @ inv(Sigma) @ (x - mu) / 2, {}),
    ("Mahalanobis by Σ", "Sigma: symmetric\n(x - mu)'*inv(Sigma)*(x - mu)", "Sigma",
     lambda x, mu, Sigma: (x - mu) @ inv(Sigma) @ (x - mu), {}),
    # Hadamard products
    ("aᵀ(x ⊙ b)", "a'*(x .* b)", "x", lambda a, x, b: a @ (x * b), {}),
    ("sum(X ⊙ A)", "sum(X .* A)", "X", lambda X, A: (X * A).sum(), {}),
    ("tr(Aᵀ(X ⊙ B))", "tr(A'*(X .* B))", "X", lambda A, X, B: tr(A.T @ (X * B)), {}),
    ("xᵀ(x ⊙ a)", "x'*(x .* a)", "x", lambda x, a: x @ (x * a), {}),
    ("sum(X^∘2)", "sum(X.^2)", "X", lambda X: (X ** 2).sum(), {}),
    ("sum(X ⊘ A)", "sum(X ./ A)", "X", lambda X, A: (X / A).sum(), dict(positive=("A",))),
    ("sum(A ⊘ X)", "sum(A ./ X)", "X", lambda A, X: (A / X).sum(), dict(positive=("X",))),
    ("‖(AX) ⊙ B‖²", "norm2((A*X) .* B)^2", "X", lambda A, X, B: norm((A @ X) * B) ** 2, {}),
    # element-wise functions (seed 001 Example 3 and its relatives)
    ("aᵀexp(Xb)", "a'*exp(X*b)", "X", lambda a, X, b: a @ np.exp(X @ b), {}),
    ("sum(log X)", "sum(log(X))", "X", lambda X: np.log(X).sum(), dict(positive=("X",))),
    ("aᵀsin(Xb)", "a'*sin(X*b)", "X", lambda a, X, b: a @ np.sin(X @ b), {}),
    ("aᵀcos(Xb)", "a'*cos(X*b)", "X", lambda a, X, b: a @ np.cos(X @ b), {}),
    ("aᵀtan(Xb)", "a'*tan(X*b)", "X", lambda a, X, b: a @ np.tan(X @ b), dict(small=("X", "b"))),
    ("aᵀtanh(Xb)", "a'*tanh(X*b)", "X", lambda a, X, b: a @ np.tanh(X @ b), {}),
    ("aᵀarcsin(Xb)", "a'*arcsin(X*b)", "X", lambda a, X, b: a @ np.arcsin(X @ b), dict(small=("X", "b"))),
    ("aᵀarccos(Xb)", "a'*arccos(X*b)", "X", lambda a, X, b: a @ np.arccos(X @ b), dict(small=("X", "b"))),
    ("aᵀarctan(Xb)", "a'*arctan(X*b)", "X", lambda a, X, b: a @ np.arctan(X @ b), {}),
    ("aᵀ|Xb|", "a'*abs(X*b)", "X", lambda a, X, b: a @ np.abs(X @ b), {}),
    ("aᵀrelu(Xb)", "a'*relu(X*b)", "X", lambda a, X, b: a @ np.maximum(X @ b, 0), {}),
    ("aᵀ√(Xb)", "a'*sqrt(X*b)", "X", lambda a, X, b: a @ np.sqrt(X @ b), dict(positive=("X", "b"))),
    ("aᵀσ(Xb)", "a'*sigmoid(X*b)", "X", lambda a, X, b: a @ sig(X @ b), {}),
    ("aᵀsign(X)b", "a'*sign(X)*b + a'*X*b", "X", lambda a, X, b: a @ np.sign(X) @ b + a @ X @ b, {}),
    # machine learning
    ("logistic loss", "sum(log(1 + exp(-y .* (X*w))))", "w",
     lambda y, X, w: np.log(1 + np.exp(-y * (X @ w))).sum(), {}),
    ("dense layer by W", "a'*tanh(W*x + b)", "W", lambda a, W, x, b: a @ np.tanh(W @ x + b), {}),
    ("dense layer by x", "a'*tanh(W*x + b)", "x", lambda a, W, x, b: a @ np.tanh(W @ x + b), {}),
    ("two layers", "a'*sigmoid(W2*relu(W1*x))", "W1",
     lambda a, W2, W1, x: a @ sig(W2 @ np.maximum(W1 @ x, 0)), {}),
    ("softmax cross-entropy", "log(sum(exp(W*x))) - y'*W*x", "W",
     lambda W, x, y: np.log(np.exp(W @ x).sum()) - y @ W @ x, {}),
    # diag, sum, constants
    ("tr(diag(x)A)", "tr(diag(x)*A)", "x", lambda x, A: tr(np.diag(x) @ A), {}),
    ("diag(X)ᵀa", "diag(X)'*a", "X", lambda X, a: np.diag(X) @ a, {}),
    ("sum(AX)", "sum(A*X)", "X", lambda A, X: (A @ X).sum(), {}),
    ("𝟏ᵀXb", "vector(1)'*X*b", "X", lambda X, b: np.ones(X.shape[0]) @ X @ b, {}),
    ("tr(X + I)", "tr(X + eye)", "X", lambda X: tr(X + np.eye(len(X))), {}),
    ("(aᵀx) bᵀy", "(a'*x)*(b'*y)", "x", lambda a, x, b, y: (a @ x) * (b @ y), {}),
    # scalar variables
    ("c by a scalar", "c: scalar\nx'*(c*A)*x + exp(c)*tr(B)", "c",
     lambda x, c, A, B: x @ (c * A) @ x + np.exp(c) * tr(B), {}),
    ("uᵛ", "u, v: scalar\nu^v + sin(u*v)", "v", lambda u, v: u ** v + np.sin(u * v), dict(positive=("u",))),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_identity_against_finite_differences(case):
    _, source, wrt, f, hints = case
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="denominator")
    values = random_values(d.variables, rng, **hints)
    fd = central_difference(f, values, wrt)
    # our f agrees with the reference f, so both differentiate the same function
    assert_close(d.value(**values), f(**values), 1e-9, "f")
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        expected = fd
        if np.ndim(fd) == 2 and layout == "numerator":
            expected = fd.T
        elif np.ndim(fd) == 1 and layout == "numerator":
            expected = fd.reshape(1, -1)
        assert_close(got, expected, 1e-5, f"{source} by {wrt}, {layout} layout")
    assert d.check_result.status == "passed", d.check_result.message


def test_at_least_fifty_identities():
    assert len(CASES) >= 50
