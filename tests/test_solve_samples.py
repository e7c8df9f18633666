"""--solve for sums over samples written per sample: what is the same for every sample comes out
of the sum (Σᵢ(xᵢxᵢᵀβ) = (Σᵢ xᵢxᵢᵀ)β, Σᵢ c = Nc), then the equation is solved as before; and a
scalar that every coefficient shares cancels with the right-hand side ((NB)⁻¹ B r = r/N). Each
solution: the gradient of an independent NumPy f is zero there (central differences)."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive

RNG = np.random.default_rng(21)
XS = RNG.standard_normal((7, 3))


def _solve_texts(d) -> list[str]:
    return [s.text for s in d.steps if s.stage == "solve"]


def test_least_squares_written_per_sample():
    d = derive("y_i: scalar\nsum_i((y_i - x_i'*beta)^2)", wrt="beta", solve=True)
    ys = RNG.standard_normal(7)
    beta = np.ravel(d.evaluate_solution(x_i=XS, y_i=ys.reshape(-1, 1)))
    assert np.allclose(beta, np.linalg.lstsq(XS, ys, rcond=None)[0])
    grad = central_gradient(lambda b: np.sum((ys - XS @ b) ** 2), beta)
    assert np.abs(grad).max() < 1e-6
    texts = _solve_texts(d)
    assert "Σᵢ(yᵢ xᵢ) - Σᵢ(xᵢ xᵢᵀ) β = 𝟎" in texts and texts[-1] == "β̂ = Σᵢ(xᵢ xᵢᵀ)⁻¹ Σᵢ(yᵢ xᵢ)"
    assert any(s.rule == "out of the sum" for s in d.steps)


@pytest.mark.parametrize(
    "source",
    [
        "sum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))",
        "Sigma: symmetric\nsum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))",
        "xbar: mean(x_i)\nsum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))",
        "1/N*sum_i(norm2(x_i - mu)^2)",
    ],
)
def test_the_gaussian_mean_written_per_sample_is_the_sample_mean(source):
    d = derive(source, wrt="mu", solve=True)
    B = RNG.standard_normal((3, 3))
    Sigma = B @ B.T + np.eye(3)
    values = {"x_i": XS, "Sigma": Sigma} if "Sigma" in source else {"x_i": XS}
    mu = np.ravel(d.evaluate_solution(**values))
    assert np.allclose(mu, XS.mean(axis=0))
    P = np.linalg.inv(Sigma)
    grad = central_gradient(lambda m: sum((x - m) @ P @ (x - m) for x in XS), mu)
    assert np.abs(grad).max() < 1e-6
    assert _solve_texts(d)[-1] in ("μ̂ = (1/N) Σᵢ(xᵢ)", "μ̂ = x̄")


@pytest.mark.parametrize(
    "source",
    [
        "y_i: scalar\nsum_i((beta'*x_i - y_i)^2)",  # βᵀxᵢ: the shared β first in the scalar
        "y_i: scalar\nsum_i((x_i'*beta - y_i)^2) + lambda*norm2(beta)^2",
    ],
)
def test_least_squares_however_the_residual_is_written(source):
    d = derive(source, wrt="beta", solve=True)
    ys = RNG.standard_normal(7)
    values = {"x_i": XS, "y_i": ys.reshape(-1, 1)}
    lam = 0.7 if "lambda" in source else 0.0
    if "lambda" in source:
        values["lambda"] = lam
    beta = np.ravel(d.evaluate_solution(**values))
    assert np.allclose(beta, np.linalg.solve(XS.T @ XS + lam * np.eye(3), XS.T @ ys))
    grad = central_gradient(lambda b: np.sum((XS @ b - ys) ** 2) + lam * b @ b, beta)
    assert np.abs(grad).max() < 1e-6


def test_a_number_alone_in_the_summand_is_summed_n_times():
    """Σᵢ((b − yᵢ)² + 2b): the 2 of 2b is summed N times (it lost its sum: b̂ = (1/(2N))(2Σyᵢ − 2),
    where ȳ − 1 is right)."""
    d = derive("b: scalar\ny_i: scalar\nsum_i((b - y_i)^2 + 2*b)", wrt="b", solve=True)
    ys = RNG.standard_normal(7)
    b = d.evaluate_solution(y_i=ys.reshape(-1, 1))
    assert b == pytest.approx(ys.mean() - 1)
    grad = central_gradient(lambda b: np.sum((b[0] - ys) ** 2 + 2 * b[0]), np.array([b]))
    assert abs(grad[0]) < 1e-6
