"""Sums over samples (sum_i, per-sample names x_i, xbar: mean(x_i)): seed 001's Example 5 as the
notes write it, least squares and logistic regression per sample, their values and stationary
points. Every derivative is compared with central differences of a NumPy function written here,
with the samples stacked, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference

from matdiff_magic import MatdiffError, derive

LAYOUTS = ("numerator", "denominator", "mixed")
MVN = "xbar: mean(x_i)\nl = log(det(Sigma)) + 1/N*sum_i((x_i - xbar)'*inv(Sigma)*(x_i - xbar))"


def every_layout(d, values, ref, wrt):
    want = central_difference(ref, values, wrt)
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**values)
        expected = want
        if layout == "numerator" and np.ndim(want) == 2:
            expected = want.T
        elif layout == "numerator" and np.ndim(want) == 1:
            expected = want.reshape(1, -1)
        assert_close(got, expected, 1e-5, f"{d.source} by {wrt}, {layout}")


def mvn(Sigma, x_i):
    d = x_i - x_i.mean(axis=0)
    return np.log(np.linalg.det(Sigma)) + np.mean(np.einsum("ij,jk,ik->i", d, np.linalg.inv(Sigma), d))


def spd(rng, n):
    b = rng.standard_normal((n, n))
    return b @ b.T / n + np.eye(n)


def test_mvn_covariance_by_sigma_in_every_layout():
    d = derive(MVN, wrt="Sigma")
    assert d.check_result.status == "passed"
    rng = np.random.default_rng(0)
    values = {
        "Sigma": spd(rng, 3) + 0.3 * rng.standard_normal((3, 3)),
        "x_i": rng.standard_normal((7, 3)),
    }
    every_layout(d, values, mvn, "Sigma")


def test_mvn_solve_gives_the_sample_covariance_without_a_symmetric_declaration():
    d = derive(MVN, wrt="Sigma", solve=True)
    solve = [(s.rule, s.text) for s in d.steps if s.stage == "solve"]
    assert solve[0] == ("stationary point", "Σ⁻ᵀ - Σ⁻ᵀ S Σ⁻ᵀ = 𝟎")
    assert solve[1] == ("transpose both sides", "Σ⁻¹ - Σ⁻¹ S Σ⁻¹ = 𝟎")
    assert solve[-2:] == [("move the constant terms", "Σ = S"), ("solve", "Σ̂ = S")]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.2], [0.0, 0.0, 0.7]])
    S = np.cov(x.T, bias=True)
    assert_close(d.evaluate_solution(x_i=x), S, 1e-12, "Σ̂ = S")
    assert np.abs(d.evaluate(x_i=x, Sigma=S)).max() < 1e-10  # the gradient vanishes there
    assert np.abs(d.evaluate(x_i=x, Sigma=S + 0.1 * np.eye(3))).max() > 1e-3


def test_the_where_line_names_the_statistics():
    d = derive(MVN, wrt="Sigma")
    where = " ".join(d.to_text().split())
    assert "x̄ = (1/N) Σᵢ(xᵢ)" in where
    assert "S = (1/N) Σᵢ((xᵢ - x̄) (xᵢ - x̄)ᵀ)" in where
    assert "N is the number of samples" in where
    assert [v.name for v in d.variables] == [
        "Sigma",
        "x_i",
    ]  # N and x̄ come from the samples


@pytest.mark.parametrize(
    "source, wrt, values, ref",
    [
        (
            "y_i: scalar\nl = sum_i((y_i - x_i'*beta)^2)",
            "beta",
            lambda rng: {
                "y_i": rng.standard_normal(6),
                "x_i": rng.standard_normal((6, 3)),
                "beta": rng.standard_normal(3),
            },
            lambda y_i, x_i, beta: np.sum((y_i - x_i @ beta) ** 2),
        ),
        (
            "y_i: scalar\nl = sum_i(-y_i*log(sigmoid(x_i'*w)) - (1 - y_i)*log(1 - sigmoid(x_i'*w)))",
            "w",
            lambda rng: {
                "y_i": (rng.uniform(size=8) > 0.5) * 1.0,
                "x_i": rng.standard_normal((8, 4)),
                "w": rng.standard_normal(4),
            },
            lambda y_i, x_i, w: (
                -np.sum(
                    y_i * np.log(1 / (1 + np.exp(-x_i @ w)))
                    + (1 - y_i) * np.log(1 - 1 / (1 + np.exp(-x_i @ w)))
                )
            ),
        ),
        (
            "l = 1/N*sum_i(norm2(x_i - mu)^2)",
            "mu",
            lambda rng: {
                "x_i": rng.standard_normal((5, 3)),
                "mu": rng.standard_normal(3),
            },
            lambda x_i, mu: np.mean(np.sum((x_i - mu) ** 2, axis=1)),
        ),
        (
            "sum_i(x_i'*A*x_i)",
            "A",
            lambda rng: {
                "x_i": rng.standard_normal((4, 3)),
                "A": rng.standard_normal((3, 3)),
            },
            lambda x_i, A: np.einsum("ij,jk,ik->", x_i, A, x_i),
        ),
        (
            "xbar: mean(x_i)\nsum_i((x_i - mu)'*inv(Sigma)*(x_i - mu))",
            "mu",
            lambda rng: {
                "x_i": rng.standard_normal((5, 3)),
                "mu": rng.standard_normal(3),
                "Sigma": spd(rng, 3),
            },
            lambda x_i, mu, Sigma: np.einsum("ij,jk,ik->", x_i - mu, np.linalg.inv(Sigma), x_i - mu),
        ),
        (
            "c: scalar\ny_i: scalar\nsum_i((y_i - c)^2)",
            "c",
            lambda rng: {"y_i": rng.standard_normal(5), "c": 0.3},
            lambda y_i, c: np.sum((y_i - c) ** 2),
        ),
        (
            "W*sum_i(x_i*x_i')*b",
            "W",
            lambda rng: {
                "x_i": rng.standard_normal((4, 3)),
                "W": rng.standard_normal((2, 3)),
                "b": rng.standard_normal(3),
            },
            lambda x_i, W, b: W @ (x_i.T @ x_i) @ b,
        ),
    ],
)
def test_per_sample_forms_in_every_layout(source, wrt, values, ref):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed", d.check_result.message
    rng = np.random.default_rng(2)
    every_layout_any(d, values(rng), ref, wrt)


def every_layout_any(d, values, ref, wrt):
    """A gradient as every_layout; a Jacobian of vec f by vec x compared entry by entry."""
    if d.kind == "gradient":
        every_layout(d, values, ref, wrt)
        return
    x0 = np.asarray(values[wrt], dtype=float)
    cols = []
    for k in range(x0.size):
        e = np.zeros(x0.size)
        e[k] = 1e-6
        step = e.reshape(x0.shape, order="F")
        up = np.asarray(ref(**{**values, wrt: x0 + step})).reshape(-1, order="F")
        down = np.asarray(ref(**{**values, wrt: x0 - step})).reshape(-1, order="F")
        cols.append((up - down) / 2e-6)
    J = np.array(cols).T
    assert_close(d.with_layout("numerator").evaluate(**values), J, 1e-5, "numerator")
    assert_close(d.with_layout("denominator").evaluate(**values), J.T, 1e-5, "denominator")


def test_least_squares_per_sample_reads_as_a_sum():
    d = derive("y_i: scalar\nl = sum_i((y_i - x_i'*beta)^2)", wrt="beta", layout="denominator")
    assert d.steps[-1].text == "-2 Σᵢ((yᵢ - xᵢᵀ β) xᵢ)"
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    assert np.abs(d.evaluate(x_i=x, y_i=y, beta=beta)).max() < 1e-10  # the normal equations


def test_the_mean_by_maximum_likelihood_is_the_sample_mean():
    """Σᵢ (μ − xᵢ) = N μ − N x̄ with x̄ declared the mean: the gradient 2(μ − x̄), and μ̂ = x̄."""
    d = derive(
        "xbar: mean(x_i)\nl = 1/N*sum_i(norm2(x_i - mu)^2)", wrt="mu", layout="denominator", solve=True
    )
    assert next(s for s in d.steps if s.rule == "sample mean").text == "2 (μ - x̄)ᵀ dμ"
    assert d.results["denominator"].expr is not None and d.steps[-1].text == "2 (μ - x̄)"
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "μ̂ = x̄"
    rng = np.random.default_rng(8)
    x, mu = rng.standard_normal((9, 3)), rng.standard_normal(3)
    every_layout(d, {"x_i": x, "mu": mu}, lambda x_i, mu: np.mean(np.sum((x_i - mu) ** 2, axis=1)), "mu")
    assert_close(d.evaluate_solution(x_i=x), x.mean(axis=0), 1e-12, "μ̂ = x̄")


def test_a_fixed_number_of_samples():
    d = derive("sum_i(x_i'*a, 4)", wrt="a")
    rng = np.random.default_rng(4)
    x, a = rng.standard_normal((4, 3)), rng.standard_normal(3)
    assert_close(d.evaluate(x_i=x, a=a), x.sum(axis=0), 1e-12, "Σᵢ xᵢ")
    with pytest.raises(MatdiffError) as info:
        d.evaluate(x_i=rng.standard_normal((5, 3)), a=a)
    assert "4 samples" in str(info.value)


@pytest.mark.parametrize(
    "source, message",
    [
        ("x_i'*a", "x_i is a per-sample name"),
        (
            "xbar: mean(y)\nsum_i(x_i'*xbar)",
            "xbar is declared the mean of a per-sample name",
        ),
        ("sum_i(x_i, 2, 3)", "sum_i takes the summand"),
        ("sum_i(x_i'*a, a)", "the number of samples of sum_i is a scalar"),
        ("sum_i(x_i'*a, 2.5)", "a whole number of at least 1"),
        ("sum_i(x_i'*a, 0)", "a whole number of at least 1"),
    ],
)
def test_sample_errors_point_at_the_cell(source, message):
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt="a" if "a" in source else None)
    assert message in str(info.value)


@pytest.mark.parametrize("source", ["sum_i(x_i'*a)", "xbar: mean(x_i)\nsum_i(x_i'*xbar)", "sum_i(x_i)"])
def test_a_derivative_is_by_a_shared_variable(source):
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt="x_i")
    assert "x_i is per sample" in str(info.value)


def test_per_sample_values_are_checked():
    d = derive("sum_i(x_i'*a)", wrt="a")
    with pytest.raises(MatdiffError) as info:
        d.evaluate(x_i=np.ones(3), a=np.ones(3))
    assert "sample index first" in str(info.value)
    with pytest.raises(MatdiffError) as info:
        d.evaluate(x_i=np.ones((4, 2)), a=np.ones(3))
    assert "size" in str(info.value)  # x_i's 2 against a's 3


def test_example_5_as_the_notes_type_it_names_s_without_declaring_the_mean():
    """Seed 001, Example 5 with no ``xbar: mean(x_i)``: the sum of (xᵢ − x̄)(xᵢ − x̄)ᵀ about the
    shared x̄ is still N S, S defined in the where line; --solve gives Σ̂ = S (x̄ a value here)."""
    source = "log(det(Sigma)) + 1/N*sum_i((x_i - xbar)'*inv(Sigma)*(x_i - xbar))"
    d = derive(source, wrt="Sigma", solve=True)
    assert d.check_result.status == "passed"
    assert any(s.rule == "sample covariance" for s in d.steps)
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "Σ̂ = S"
    assert "S = (1/N) Σᵢ((xᵢ - x̄) (xᵢ - x̄)ᵀ)" in d.to_text()
    rng = np.random.default_rng(5)
    x_i, xbar = rng.standard_normal((6, 3)), rng.standard_normal(3)

    def f(Sigma, x_i, xbar):
        e = x_i - xbar
        return np.log(np.linalg.det(Sigma)) + np.mean(np.einsum("ij,jk,ik->i", e, np.linalg.inv(Sigma), e))

    values = {"Sigma": spd(rng, 3) + 0.3 * rng.standard_normal((3, 3)), "x_i": x_i, "xbar": xbar}
    every_layout(d, values, f, "Sigma")
    S = (x_i - xbar).T @ (x_i - xbar) / 6
    assert np.abs(d.evaluate(Sigma=S, x_i=x_i, xbar=xbar)).max() < 1e-10  # stationary at Σ = S


# A matrix per sample (Wᵢ), its values an (N, p, q) array: summed over the samples as a vector's are
PER_SAMPLE_MATRICES = [
    ("W_i: matrix\nsum_i(a'*W_i*X*b)", "X", {"W_i": (5, 3, 4), "a": 3, "X": (4, 2), "b": 2},
     lambda W_i, a, X, b: sum(a @ W @ X @ b for W in W_i)),
    ("W_i: matrix\nsum_i(norm2(W_i*x - y)^2)", "x", {"W_i": (4, 3, 2), "x": 2, "y": 3},
     lambda W_i, x, y: sum(np.sum((W @ x - y) ** 2) for W in W_i)),
    ("W_i: matrix\nsum_i(tr(A*W_i'*X))/N", "X", {"W_i": (6, 3, 2), "A": (2, 2), "X": (3, 2)},
     lambda W_i, A, X: sum(np.trace(A @ W.T @ X) for W in W_i) / len(W_i)),
]


@pytest.mark.parametrize("source, wrt, shapes, f", PER_SAMPLE_MATRICES)
def test_a_matrix_per_sample_is_given_sample_index_first(source, wrt, shapes, f):
    from numeric_helpers import expected_in_layout

    d = derive(source, wrt=wrt)
    assert d.check_result.passed, d.check_result.message  # its check draws (N, p, q) samples
    rng = np.random.default_rng(7)
    values = {k: rng.standard_normal(s) for k, s in shapes.items()}
    for layout in ("numerator", "denominator", "mixed"):
        got = np.asarray(d.with_layout(layout).evaluate(**values), dtype=float)
        want = expected_in_layout(f, values, wrt, layout)
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-6), layout
    assert np.isclose(d.value(**values), f(**values))


def test_a_matrix_per_sample_given_as_rows_is_refused_with_its_shape():
    d = derive("W_i: matrix\nsum_i(a'*W_i*X*b)", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=r"W_i is a matrix per sample: .*\(N, rows, columns\)"):
        d.evaluate(W_i=np.ones((5, 12)), a=np.ones(3), X=np.ones((4, 2)), b=np.ones(2))


def test_a_count_taken_to_be_a_vector_is_refused_with_the_declaration_that_fixes_it():
    with pytest.raises(MatdiffError, match="the number of samples of sum_i is a scalar") as info:
        derive("sum_i(w'*w, k)*k", wrt="k")
    assert info.value.hint == (
        "k was taken to be a vector (lowercase names are vectors unless declared); "
        "if it is a scalar, declare it: `k: scalar`"
    )
    assert derive("k: scalar\nsum_i(w'*w, k)*k", wrt="k", check=False)  # and so declared, it derives


def test_a_matrix_per_sample_under_an_inverse_or_a_determinant_is_evaluated_and_checked():
    # the singularity screen was given the stacked (N, p, q) values: "raised ValueError"
    from numeric_helpers import expected_in_layout

    rng = np.random.default_rng(11)
    W = rng.standard_normal((4, 3, 3)) + 3 * np.eye(3)
    V = rng.standard_normal((4, 3, 2))
    B = rng.standard_normal((3, 3))
    X = B @ B.T + 3 * np.eye(3)  # positive definite: det(VᵢᵀXVᵢ) > 0
    x = rng.standard_normal(3)
    cases = [
        ("W_i: matrix\nsum_i(x'*inv(W_i)*x)", "x", {"W_i": W, "x": x},
         lambda W_i, x: sum(x @ np.linalg.inv(w) @ x for w in W_i)),
        ("W_i: matrix\nsum_i(tr(inv(W_i)*X))", "X", {"W_i": W, "X": X},
         lambda W_i, X: sum(np.trace(np.linalg.inv(w) @ X) for w in W_i)),
        ("V_i: matrix\nsum_i(log(det(V_i'*X*V_i)))", "X", {"V_i": V, "X": X},
         lambda V_i, X: sum(np.log(np.linalg.det(v.T @ X @ v)) for v in V_i)),
    ]
    for source, wrt, values, f in cases:
        d = derive(source, wrt=wrt)
        assert d.check_result.passed, (source, d.check_result.message)
        for layout in ("numerator", "denominator", "mixed"):
            got = np.asarray(d.with_layout(layout).evaluate(**values), dtype=float)
            want = expected_in_layout(f, values, wrt, layout)
            assert got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-6), (source, layout)
