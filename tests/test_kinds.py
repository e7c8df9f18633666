"""Kinds of undeclared names: capitalised names are matrices, scalar Greek letters scalars, other
lowercase names vectors; a declaration wins. Values checked by central differences of NumPy f."""
import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive

from numeric_helpers import central_difference


@pytest.mark.parametrize("name", ["lambda", "alpha", "eta", "gamma", "rho", "tau", "epsilon", "eps", "kappa"])
def test_scalar_greek_names_default_to_scalars(name):
    src = f"norm2(X*w - y)^2 + {name}*norm2(w)^2"
    rng = np.random.default_rng(3)
    X, y, w, lam = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal(3), 0.7
    def f(X, y, w, lam):
        return np.sum((X @ w - y) ** 2) + lam * np.sum(w ** 2)

    expected = central_difference(f, {"X": X, "y": y, "w": w, "lam": lam}, "w")    # shape (3,)
    for layout, shape in (("numerator", (1, 3)), ("denominator", (3,)), ("mixed", (3,))):
        got = derive(src, wrt="w", layout=layout).evaluate(X=X, y=y, w=w, **{name: lam})
        assert got.shape == shape
        np.testing.assert_allclose(got.reshape(-1), expected, rtol=1e-6, atol=1e-8)
    assert derive(src, wrt="w").check_result.passed


def test_declaration_wins_over_the_greek_default():
    d = derive("lambda: vector\nlambda'*w", wrt="w")
    assert d.results["mixed"].shape[1] == 1          # a gradient: f = λᵀw is a scalar
    with pytest.raises(MatdiffError, match="lambda was taken to be a scalar"):
        derive("softmax(lambda)", wrt="lambda")       # λ used as a vector: the hint names the default


def test_other_lowercase_names_stay_vectors():
    assert derive("mu'*x", wrt="x").results["mixed"].shape[1] == 1
    assert derive("beta'*beta", wrt="beta").results["mixed"].shape[1] == 1
