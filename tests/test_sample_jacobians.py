"""Hessians and Jacobians of sums over samples (sum_i): the vec stage takes each summand's vec
identities inside the sum, vec(Σᵢ Fᵢ) = (Σᵢ Jᵢ) vec(dX). Least squares (Hessian 2 Σᵢ xᵢ xᵢᵀ, the
normal equations' matrix), logistic regression, and vector-valued sums by a vector and by a matrix,
each compared with central differences of a NumPy gradient or function written here (the samples
stacked, the sample index first), in every layout, on non-square shapes. A Jacobian (f itself
vector-valued) is derived when the per-sample names' kinds are declared; left to the naming
convention it is refused with the hint to declare them (tests/test_user_slips.py)."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from numeric_helpers import assert_close, numeric_jacobian

N, M, P = 7, 4, 3  # samples, features, outputs


def least_squares_gradient(y_i, x_i, beta):
    return -2 * x_i.T @ (y_i - x_i @ beta)


def logistic_gradient(y_i, x_i, w):
    z = y_i * (x_i @ w)
    return -x_i.T @ (y_i / (1 + np.exp(z)))


CASES = [  # source, wrt, order, the gradient (for Hessians) or the function, the values
    (
        "y_i: scalar\nsum_i((y_i - x_i'*beta)^2)",
        "beta",
        2,
        least_squares_gradient,
        lambda rng: {"y_i": rng.standard_normal(N), "x_i": rng.standard_normal((N, M)), "beta": rng.standard_normal(M)},
    ),
    (
        "y_i: scalar\nsum_i(log(1 + exp(-y_i*x_i'*w)))",
        "w",
        2,
        logistic_gradient,
        lambda rng: {"y_i": rng.choice([-1.0, 1.0], N), "x_i": rng.standard_normal((N, M)), "w": rng.standard_normal(M)},
    ),
    (
        "c: scalar\nx_i: vector(m)\nsum_i(x_i*x_i'*w) + c*w",
        "w",
        1,
        lambda c, x_i, w: x_i.T @ (x_i @ w) + c * w,
        lambda rng: {"c": 0.7, "x_i": rng.standard_normal((N, M)), "w": rng.standard_normal(M)},
    ),
    (
        "x_i: vector(n)\nsum_i(tanh(W*x_i))",
        "W",
        1,
        lambda W, x_i: np.tanh(x_i @ W.T).sum(axis=0),
        lambda rng: {"W": 0.5 * rng.standard_normal((P, M)), "x_i": rng.standard_normal((N, M))},
    ),
    (
        "x_i: vector(p)\nsum_i(A*X*x_i)",
        "X",
        1,
        lambda A, X, x_i: (A @ X @ x_i.T).sum(axis=1),
        lambda rng: {"A": rng.standard_normal((2, P)), "X": rng.standard_normal((P, M)), "x_i": rng.standard_normal((N, M))},
    ),
    (  # a matrix variable's Hessian: the gradient 2 W Σᵢ xᵢ xᵢᵀ, an mn × mn matrix
        "sum_i(x_i'*W'*W*x_i)",
        "W",
        2,
        lambda W, x_i: 2 * W @ x_i.T @ x_i,
        lambda rng: {"W": rng.standard_normal((P, M)), "x_i": rng.standard_normal((N, M))},
    ),
    (  # multivariate least squares: the gradient -2 Σᵢ (yᵢ - W xᵢ) xᵢᵀ
        "y_i: vector(p)\nsum_i(norm2(y_i - W*x_i)^2)",
        "W",
        2,
        lambda y_i, W, x_i: -2 * (y_i - x_i @ W.T).T @ x_i,
        lambda rng: {"y_i": rng.standard_normal((N, P)), "W": rng.standard_normal((P, M)), "x_i": rng.standard_normal((N, M))},
    ),
]


@pytest.mark.parametrize("source, wrt, order, f, values", CASES, ids=[c[0].splitlines()[-1] for c in CASES])
def test_the_jacobian_of_a_sum_over_samples_in_every_layout(source, wrt, order, f, values):
    """order 2: the Hessian, the Jacobian of the gradient f written here (shaped like wrt)."""
    d = derive(source, wrt=wrt, order=order)
    assert d.check_result.status == "passed", d.check_result
    if "W'*W" not in source:  # there the trace stage takes Σᵢ xᵢ xᵢᵀ out of the sum before vec
        assert any("vec of a sum over samples" in s.rule for s in d.steps)
    rng = np.random.default_rng(len(source))
    v = values(rng)
    J = numeric_jacobian(f, v, wrt)  # rows: entries of vec f (or of the gradient), columns: of vec wrt
    assert_close(d.with_layout("numerator").evaluate(**v), J, 1e-5, "numerator")
    assert_close(d.with_layout("denominator").evaluate(**v), J.T, 1e-5, "denominator")
    assert_close(d.with_layout("mixed").evaluate(**v), J, 1e-5, "mixed (numerator for these)")


def test_the_least_squares_hessian_reads_as_the_normal_equations_matrix():
    d = derive("y_i: scalar\nsum_i((y_i - x_i'*beta)^2)", wrt="beta", order=2)
    assert d.steps[-1].text == "2 Σᵢ(xᵢ xᵢᵀ)"
    rng = np.random.default_rng(3)
    x = rng.standard_normal((N, M))
    H = d.evaluate(y_i=rng.standard_normal(N), x_i=x, beta=rng.standard_normal(M))
    assert_close(H, 2 * x.T @ x, 1e-12, "2 XᵀX")


def test_a_vector_valued_sum_with_defaulted_kinds_is_refused_with_the_hint():
    from matdiff_magic import MatdiffError

    with pytest.raises(MatdiffError) as info:
        derive("sum_i(tanh(W*x_i))", wrt="W")
    assert "this form is not supported" in str(info.value)
    assert "per-sample names are declared (x_i: vector(n)" in info.value.hint
    d = derive("x_i: vector(n)\nsum_i(tanh(W*x_i))", wrt="W")  # declared, it derives
    assert d.check_result.status == "passed"
