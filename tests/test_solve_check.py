"""A solution of --solve is shown only where the gradient vanishes: it is evaluated at random
values of the other variables and put back into the derivative. A solve stage that went wrong
(here made to drop the inverse of XᵀX) is refused instead of shown."""

from __future__ import annotations

import pytest

from matdiff_magic import MatdiffError, derive
from matdiff_magic.derivation import solve
from matdiff_magic.derivation.evaluation import verify_solution

RIGHT = [
    ("norm2(X*beta - y)^2", "beta"),
    ("lambda*norm2(w)^2 + norm2(X*w - y)^2", "w"),
    ("x'*A*x - 2*b'*x", "x"),
    ("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),
    ("logdet(K) - tr(S*K)", "K"),
    ("y_i: scalar\nsum_i((y_i - x_i'*beta)^2)", "beta"),
    ("sum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))", "mu"),
]


@pytest.mark.parametrize("source, wrt", RIGHT)
def test_every_solution_makes_the_gradient_zero(source, wrt):
    assert verify_solution(derive(source, wrt=wrt, solve=True)) is True


def test_a_wrong_solution_is_refused(monkeypatch):
    def dropped_inverse(with_x, rhs, var):  # Xᵀ X β = Xᵀ y "solved" as β̂ = Xᵀ y
        return rhs

    monkeypatch.setattr(solve, "_isolate", dropped_inverse)
    with pytest.raises(MatdiffError, match="not shown as a solution"):
        derive("norm2(X*beta - y)^2", wrt="beta", solve=True)
    # without the check nothing vouches for it, and nothing says ✓
    d = derive("norm2(X*beta - y)^2", wrt="beta", solve=True, check=False)
    assert d.check_result is None and verify_solution(d) is False


@pytest.mark.parametrize(
    "source, wrt",
    [
        # Σ declared symmetric, S not: the steps give Σ̂ = Sᵀ, which is not symmetric
        ("Sigma: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),
        ("X: symmetric\ntr(A*X) - logdet(X)", "X"),
        # a solution that is never defined: x xᵀ has rank 1, a wide X's XᵀX is singular
        ("logdet(K) - tr(x*x'*K)", "K"),
        ("X: matrix(2, 5)\nnorm2(X*b - y)^2", "b"),
    ],
)
def test_a_solution_that_is_not_a_stationary_point_is_refused(source, wrt):
    with pytest.raises(MatdiffError, match="is not a stationary point"):
        derive(source, wrt=wrt, solve=True)


def test_a_gradient_without_the_variable_has_no_stationary_point():
    # the gradient is −2b whatever x is: (A − Aᵀ)ᵀ + (A − Aᵀ) is collected to 0 before solving
    with pytest.raises(MatdiffError, match="does not depend on it"):
        derive("x'*(A - A')*x - 2*b'*x", wrt="x", solve=True)


def test_a_solution_of_no_other_variable_is_checked_at_the_variables_size():
    d = derive("tr(X) - logdet(X)", wrt="X", solve=True)
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "X̂ = I"
    assert verify_solution(d) is True
