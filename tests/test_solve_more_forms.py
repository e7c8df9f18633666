"""--solve for three more textbook forms, each solution checked by central differences of an
independent NumPy f (its gradient vanishes there):

* the graphical-lasso-like -log det X + tr(SX) + λ tr(X): a scalar factor commutes, so λX beside XS
  is X(λI), X(S + λI) = I and X̂ = (S + λI)⁻¹ (before: "no equation with an invertible solution");
* log det X − tr(AX) − tr(X): its gradient (X⁻¹ − A)ᵀ − I is solved transposed, X⁻¹ − A − I = 0;
* the scalar variance N log s + Σᵢ‖xᵢ − μ‖²/s: multiplied through by s², N s − Σᵢ‖xᵢ − μ‖² = 0 and
  ŝ = (1/N) Σᵢ‖xᵢ − μ‖² (before: "not linear in s")."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import MatdiffError, derive

RNG = np.random.default_rng(8)


def _spd(n: int) -> np.ndarray:
    b = RNG.standard_normal((n, n))
    return b @ b.T / n + np.eye(n)


def test_precision_with_a_scalar_penalty():
    d = derive("-logdet(X) + tr(S*X) + lambda*tr(X)", wrt="X", solve=True)
    S, lam = _spd(4), 0.7
    X = np.asarray(d.evaluate_solution(S=S, **{"lambda": lam}))
    assert np.allclose(X, np.linalg.inv(S + lam * np.eye(4)))

    def f(v):
        Y = v.reshape(4, 4)
        return -np.linalg.slogdet(Y)[1] + np.trace(S @ Y) + lam * np.trace(Y)

    assert np.abs(central_gradient(f, X.ravel())).max() < 1e-6
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "X̂ = (S + λ I)⁻¹"


def test_a_transposed_inverse_inside_a_sum():
    d = derive("logdet(X) - tr(A*X) - tr(X)", wrt="X", solve=True)
    A = _spd(3) * 0.5
    X = np.asarray(d.evaluate_solution(A=A))

    def f(v):
        Y = v.reshape(3, 3)
        return np.linalg.slogdet(Y)[1] - np.trace(A @ Y) - np.trace(Y)

    assert np.abs(central_gradient(f, X.ravel())).max() < 1e-6
    assert any(s.rule == "transpose both sides" for s in d.steps)


def test_the_scalar_variance_of_a_gaussian():
    d = derive("s: scalar\nN*log(s) + sum_i(norm2(x_i - mu)^2)/s", wrt="s", solve=True)
    xs, mu = RNG.standard_normal((6, 3)) * 2.0, RNG.standard_normal(3)
    s = float(np.ravel(d.evaluate_solution(x_i=xs, mu=mu))[0])
    total = float(np.sum((xs - mu) ** 2))
    assert np.isclose(s, total / 6)

    def f(v):
        return 6 * np.log(v[0]) + total / v[0]

    assert abs(central_gradient(f, np.array([s]))[0]) < 1e-7
    texts = [s.text for s in d.steps if s.stage == "solve"]
    assert texts[-1].endswith(" = (1/N) Σᵢ(‖xᵢ - μ‖₂²)")
    assert any("s² a = 0" in (s.identity_text or "") for s in d.steps)


def test_a_stationary_point_of_the_formula_outside_f_s_domain_is_refused():
    """log(s) + s: multiplied through by s, 1 + s = 0 gives ŝ = −1, where the gradient 1/s + 1
    vanishes but log(s) is not defined (f = log(−1)): refused, not shown."""
    with pytest.raises(MatdiffError, match="not a stationary point"):
        derive("s: scalar\nlog(s) + s", wrt="s", solve=True)
