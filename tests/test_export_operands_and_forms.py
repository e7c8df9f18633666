"""Exported code whose operands are sums (torch.kron's .contiguous() on all of a sum) or filled
vectors (torch.full takes a tuple), and results collected as the textbooks write them after a
merge (2 eᵗ cos t, not eᵗ cos t + eᵗ cos t), runs of X⁻ᵀ as one power and μ̂ = (1/N) Σᵢ xᵢ.
Every value is checked against central differences of NumPy functions written here."""

from __future__ import annotations

import ast
import numpy as np
import pytest

from matdiff_magic import derive

LAYOUTS = ("numerator", "denominator", "mixed")


def hessian_fd(f, X, h=1e-4):
    """∂²f/∂(vec X)∂(vec X)ᵀ, column-major vec, by central second differences."""
    x0, n = X.flatten(order="F"), X.size
    F = lambda v: f(v.reshape(X.shape, order="F"))
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = (F(x0 + ei + ej) - F(x0 + ei - ej) - F(x0 - ei + ej) + F(x0 - ei - ej)) / (4 * h * h)
    return H


def spd(rng, n):
    B = rng.standard_normal((n, n))
    return B @ B.T + n * np.eye(n)


KRON_HESSIANS = [
    ("logdet(X*A*X')", (2, 3), lambda X, A: np.linalg.slogdet(X @ A @ X.T)[1]),
    ("det(X'*A*X)", (4, 3), lambda X, A: np.linalg.det(X.T @ A @ X)),
]


@pytest.mark.parametrize("source, shape, f", KRON_HESSIANS)
def test_a_kron_of_a_sum_is_contiguous_as_a_whole(source, shape, f):
    d = derive(source, wrt="X", order=2, check=False)
    code = d.to_python(backend="torch")
    krons = [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "torch.kron"
    ]
    # each operand is one .contiguous() call on all of it, never a sum with it on its last term
    assert krons and all(
        isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "contiguous"
        for node in krons
        for arg in node.args
    )
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    X = rng.standard_normal(shape)
    A = spd(rng, shape[0] if source.startswith("det") else shape[1])
    namespace: dict = {}
    exec(compile(code, "<export>", "exec"), namespace)
    H = np.asarray(namespace["f_grad_hessian"](X=torch.tensor(X), A=torch.tensor(A))[-1])
    expected = hessian_fd(lambda M: f(M, A), X)
    np.testing.assert_allclose(H, expected, rtol=1e-4, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize(
    "source, wrt, shape", [("x'*vector(3)", "x", (4,)), ("vector(1)'*X*vector(2)", "X", (3, 4))]
)
@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
def test_a_filled_vector_exports_to_every_backend(source, wrt, shape, backend):
    if backend != "numpy":
        lib = pytest.importorskip(backend)
    code = derive(source, wrt=wrt, check=False).to_python(backend=backend)
    assert "full(" not in code or "full((" in code  # a shape tuple, which torch.full requires
    namespace: dict = {}
    exec(compile(code, "<export>", "exec"), namespace)
    value = np.random.default_rng(1).standard_normal(shape)
    given = (
        value
        if backend == "numpy"
        else (lib.tensor(value) if backend == "torch" else lib.numpy.asarray(value))
    )
    _, gradient = namespace["f_and_grad"](**{wrt: given})
    if wrt == "x":
        expected = np.full(shape, 3.0)
    else:
        expected = 2 * np.ones(shape)  # ∂(𝟏ᵀX𝟐)/∂X = 𝟏 𝟐ᵀ
    np.testing.assert_allclose(np.asarray(gradient), expected)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_like_terms_left_by_a_merge_are_collected(layout):
    d = derive("t: scalar\nexp(t)*sin(t)", wrt="t", order=2, layout=layout)
    assert d.check_result.status == "passed"
    text = d.to_text()
    assert "2 exp(t) cos(t)" in text and "exp(t) cos(t) + exp(t) cos(t)" not in text
    f = lambda t: np.exp(t) * np.sin(t)
    for t in (-0.7, 0.4, 1.3):
        h = 1e-4
        expected = (f(t + h) - 2 * f(t) + f(t - h)) / h**2
        assert d.evaluate(t=t) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_run_of_inverse_transposes_is_one_power(layout):
    d = derive("tr(inv(X)^2)", wrt="X", order=2, layout=layout)
    assert d.check_result.status == "passed"
    assert "(X⁻ᵀ)² X⁻ᵀ" not in d.to_text() and "(X⁻ᵀ)³" in d.to_text()
    rng = np.random.default_rng(4)
    X = spd(rng, 3) + rng.standard_normal((3, 3))
    expected = hessian_fd(lambda M: np.trace(np.linalg.inv(M) @ np.linalg.inv(M)), X)
    np.testing.assert_allclose(d.evaluate(X=X), expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


def test_the_sample_mean_is_solved_as_one_over_n():
    d = derive("sum_i(norm2(x_i - mu)^2)", wrt="mu", solve=True)
    assert "μ̂ = (1/N) Σᵢ(xᵢ)" in d.to_text() and "(N I)⁻¹" not in d.to_text()
    samples = np.random.default_rng(6).standard_normal((5, 3))
    np.testing.assert_allclose(d.evaluate_solution(x_i=samples), samples.mean(axis=0))
