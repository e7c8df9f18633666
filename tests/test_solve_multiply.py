"""Stationary points where the variable appears inverted, checked by the gradient of an
independent NumPy f being zero at the solution (central differences).

G = 0 is multiplied through by X on the left, on the right or on both sides, whichever leaves an
equation linear in X with an invertible solution: the precision matrix's MLE (log|K| − tr(SK):
K⁻¹ − S = 0 ⇒ KS = I ⇒ K̂ = S⁻¹) by the left, the MVN covariance (Σ⁻¹ − Σ⁻¹SΣ⁻¹ = 0 ⇒ Σ̂ = S)
on both sides. X⁻¹ = 0 (log|X|) has no solution: multiplying through gave X̂ = 0, where X⁻¹ is
not defined, and is now refused. The definition method no longer drops ``solve`` or ``order``.
"""

from __future__ import annotations

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from numeric_helpers import central_gradient

from matdiff_magic import MatdiffError, derive

RNG = np.random.default_rng(11)


def _at(f, shape):
    """f of a flat vector, for central_gradient."""
    return lambda flat: f(flat.reshape(shape))


def test_the_precision_matrix_mle_multiplies_on_the_left():
    S = RNG.standard_normal((4, 4))
    d = derive("logdet(K) - tr(S*K)", wrt="K", solve=True)
    K = np.asarray(d.evaluate_solution(S=S))
    assert np.allclose(K, np.linalg.inv(S))
    grad = central_gradient(_at(lambda K: np.linalg.slogdet(K)[1] - np.trace(S @ K), (4, 4)), K.ravel())
    assert np.abs(grad).max() < 1e-6
    rules = [s.step.note for s in d.steps if s.stage == "solve"]
    assert "multiply by K on the left" in rules
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "K̂ = S⁻¹"


def test_a_trace_minus_a_log_determinant_is_stationary_at_the_identity():
    d = derive("tr(X) - logdet(X)", wrt="X", solve=True)
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "X̂ = I"  # I of any size: no value fixes it
    n = 3
    grad = central_gradient(_at(lambda X: np.trace(X) - np.linalg.slogdet(X)[1], (n, n)), np.eye(n).ravel())
    assert np.abs(grad).max() < 1e-6


def test_the_mvn_covariance_still_multiplies_on_both_sides():
    d = derive("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma", solve=True)
    B = RNG.standard_normal((3, 3))
    S = B @ B.T + np.eye(3)
    Sigma = np.asarray(d.evaluate_solution(S=S))
    assert np.allclose(Sigma, S)
    f = lambda Sg: np.log(np.linalg.det(Sg)) + np.trace(S @ np.linalg.inv(Sg))
    assert np.abs(central_gradient(_at(f, (3, 3)), Sigma.ravel())).max() < 1e-6
    notes = [s.step.note for s in d.steps if s.stage == "solve"]
    assert "multiply by Σ on the left and on the right" in notes


@pytest.mark.parametrize("source", ["logdet(X)", "log(det(X))", "a'*inv(X)*b", "tr(inv(X))"])
def test_no_invertible_solution_is_refused_not_solved_as_zero(source):
    with pytest.raises(MatdiffError) as caught:
        derive(source, wrt="X", solve=True)
    assert "cannot solve" in str(caught.value)


def test_the_definition_method_solves_when_asked():
    d = derive("x'*A*x - 2*b'*x", wrt="x", by_definition=True, solve=True)
    assert any(s.stage == "solve" for s in d.steps)
    A, b = RNG.standard_normal((4, 4)), RNG.standard_normal(4)
    x = np.ravel(d.evaluate_solution(A=A, b=b))
    grad = central_gradient(lambda x: x @ A @ x - 2 * b @ x, x)
    assert np.abs(grad).max() < 1e-6


def test_the_definition_method_refuses_a_hessian_instead_of_giving_the_gradient():
    with pytest.raises(MatdiffError, match="first derivatives"):
        derive("x'*A*x", wrt="x", by_definition=True, order=2)
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    result = shell.run_cell("%%matdiff --wrt x --by-definition --order 2\nx'*A*x\n")
    assert not result.success and "first derivatives" in str(result.error_in_exec)


@pytest.mark.parametrize("coefficient", ["c: scalar\nc", "lambda", "2"])
def test_a_weighted_precision_mle(coefficient):
    """c log|K| − tr(SK): K⁻¹ c − S = 0 multiplied through is c I − KS (the cancelled K K⁻¹
    left the number c, which cannot be added to a matrix)."""
    d = derive(f"{coefficient}*logdet(K) - tr(S*K)", wrt="K", solve=True)
    S = RNG.standard_normal((3, 3))
    c = 2.0
    values = {"S": S} if coefficient == "2" else {"S": S, coefficient.split(":")[0]: c}
    assert np.allclose(d.evaluate_solution(**values), c * np.linalg.inv(S))


def test_the_definition_method_keeps_solve_when_re_derived_and_order_3_says_so():
    d = derive("x'*A*x - 2*b'*x", wrt="x", by_definition=True, solve=True)
    assert d.solve_asked
    with pytest.raises(MatdiffError, match="order=3"):
        derive("x'*A*x", wrt="x", by_definition=True, order=3)
