"""Composition through differentials (seed 000: Y = AXB gives ∂f/∂X = Aᵀ(∂f/∂Y)Bᵀ) and stationary
points (seed 001 Examples 4 and 5: β̂ = (XᵀX)⁻¹Xᵀy and Σ̂ = S), checked numerically."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive
from numeric_helpers import assert_close, central_difference, random_values


def test_seed_000_composition_y_equals_axb():
    d = derive("Y = A*X*B\nf = tr(Y'*Y)", wrt="X", layout="denominator")
    texts = [(s.rule, s.text) for s in d.steps]
    assert texts[1] == ("composition", "tr((∂f/∂Y)ᵀ dY)")
    assert texts[2] == ("substitute", "tr((∂f/∂Y)ᵀ d(A X B))")
    assert ("constant", "tr((∂f/∂Y)ᵀ A dX B)") in texts
    assert ("cyclic property", "tr(B (∂f/∂Y)ᵀ A dX)") in texts
    readoff = next(s for s in d.steps if s.rule == "read off")
    assert readoff.text.endswith("= Aᵀ (∂f/∂Y) Bᵀ")          # the seed's general result
    assert d.steps[-1].text == "2 Aᵀ Y Bᵀ"                      # with ∂f/∂Y = 2Y
    rng = np.random.default_rng(0)
    values = random_values(d.variables, rng)
    ref = lambda A, X, B: np.sum((A @ X @ B) ** 2)
    assert_close(d.evaluate(**values), central_difference(ref, values, "X"), 1e-5, "composition")
    assert d.check_result.status == "passed"


def test_composition_with_a_vector_intermediate():
    d = derive("y = X*b\nf = norm2(y)^2 + a'*y", wrt="X")
    rng = np.random.default_rng(1)
    values = random_values(d.variables, rng)
    ref = lambda X, b, a: np.sum((X @ b) ** 2) + a @ X @ b
    assert_close(d.evaluate(**values), central_difference(ref, values, "X"), 1e-5, "vector intermediate")


def test_definitions_also_work_when_f_uses_x_directly():
    d = derive("Y = A*X\nf = tr(Y*X')", wrt="X")
    assert not any(s.rule == "composition" for s in d.steps)     # inlined instead
    rng = np.random.default_rng(2)
    values = random_values(d.variables, rng)
    ref = lambda A, X: np.trace(A @ X @ X.T)
    assert_close(d.evaluate(**values), central_difference(ref, values, "X"), 1e-5, "inlined")


def test_least_squares_normal_equations_step_by_step():
    d = derive("norm2(y - X*beta)^2", wrt="beta", solve=True)
    solve = [(s.rule, s.text) for s in d.steps if s.stage == "solve"]
    assert solve == [
        ("stationary point", "2 Xᵀ (X β - y) = 𝟎"),
        ("divide by a constant", "Xᵀ (X β - y) = 𝟎"),
        ("expand", "Xᵀ X β - Xᵀ y = 𝟎"),
        ("move the constant terms", "Xᵀ X β = Xᵀ y"),               # the normal equations
        ("solve", "β̂ = (Xᵀ X)⁻¹ Xᵀ y"),
    ]
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    beta = d.evaluate_solution(X=X, y=y)
    assert_close(beta, np.linalg.lstsq(X, y, rcond=None)[0], 1e-10, "β̂")
    assert np.abs(d.evaluate(X=X, y=y, beta=beta)).max() < 1e-9


def test_mvn_covariance_estimate_is_the_sample_covariance():
    d = derive("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma", solve=True)
    solve = [(s.rule, s.text) for s in d.steps if s.stage == "solve"]
    assert solve[1] == ("multiply through", "Σ (Σ⁻¹ - Σ⁻¹ S Σ⁻¹) Σ = 𝟎")
    assert ("cancel inverses", "Σ - S = 𝟎") in solve
    assert solve[-1] == ("solve", "Σ̂ = S")
    rng = np.random.default_rng(4)
    samples = rng.standard_normal((500, 3)) @ rng.standard_normal((3, 3))
    S = np.cov(samples.T, bias=True)
    assert_close(d.evaluate_solution(S=S), S, 1e-12, "Σ̂")
    assert np.abs(d.evaluate(Sigma=S, S=S)).max() < 1e-10


def test_ridge_regression_solves_too():
    d = derive("lambda: scalar\nnorm2(y - X*w)^2 + lambda*norm2(w)^2", wrt="w", solve=True)
    rng = np.random.default_rng(5)
    X, y, lam = rng.standard_normal((20, 3)), rng.standard_normal(20), 0.7
    w = d.evaluate_solution(X=X, y=y, **{"lambda": lam})
    assert_close(w, np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y), 1e-10, "ridge")


def test_solve_says_when_it_cannot():
    with pytest.raises(MatdiffError, match="not linear"):
        derive("sum(exp(X*b))", wrt="b", solve=True)
    with pytest.raises(MatdiffError, match="no stationary point"):
        derive("a'*x", wrt="x").evaluate_solution(a=np.ones(2))


def test_a_two_sided_linear_equation_is_named_as_such():
    # ∂f/∂X = 0 is AᵀA X BBᵀ = AᵀC Bᵀ: linear in X, but not AX = B or XA = B
    for source in ("norm2(A*X*B - C)^2", "norm2(A*X - C)^2 + norm2(X*B - D)^2"):
        with pytest.raises(MatdiffError, match="the equation is linear in X but two-sided"):
            derive(source, wrt="X", solve=True)
    with pytest.raises(MatdiffError, match="the equation is not linear in X"):
        derive("tr(X*X*X)", wrt="X", solve=True)
