"""An element-wise power with a symbolic exponent, X.^p: by X (p constant) and by p, against central
differences of NumPy functions written here, in every layout, and how the exponent is printed."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive

LAYOUTS = ("numerator", "denominator", "mixed")


def central(f, x, h=1e-6):
    """Central differences of a scalar or array-valued f; the variable's index last."""
    x = np.asarray(x, dtype=float)
    cols = []
    for idx in np.ndindex(*x.shape) if x.shape else [()]:
        step = np.zeros(x.shape)
        step[idx] = h
        cols.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * h))
    return np.stack(cols, axis=-1)


def _point(rng, shape):
    return rng.uniform(0.5, 2.0, size=shape)  # positive: X.^p and log X are defined


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sum_of_a_power_by_the_matrix(layout):
    rng = np.random.default_rng(3)
    X, p = _point(rng, (3, 2)), 1.7
    d = derive("sum(X.^p)", wrt="X", layout=layout, check=False)
    got = np.asarray(d.evaluate(X=X, p=p))
    expected = central(lambda Z: np.sum(Z**p), X).reshape(X.shape)
    got = got.T if layout == "numerator" else got
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sum_of_a_power_by_the_exponent(layout):
    rng = np.random.default_rng(4)
    X, p = _point(rng, (2, 3)), 0.6
    d = derive("sum(X.^p)", wrt="p", layout=layout, check=False)
    expected = central(lambda q: np.sum(X**q), np.float64(p))
    np.testing.assert_allclose(float(d.evaluate(X=X, p=p)), float(expected[0]), rtol=1e-6)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_weighted_power_of_a_vector_by_the_vector(layout):
    rng = np.random.default_rng(5)
    a, x, p = rng.standard_normal(4), _point(rng, 4), -1.3
    d = derive("a'*(x.^p)", wrt="x", layout=layout, check=False)
    got = np.ravel(d.evaluate(a=a, x=x, p=p))
    expected = central(lambda z: a @ z**p, x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_jacobian_of_a_power_by_the_matrix(layout):
    rng = np.random.default_rng(6)
    X, p = _point(rng, (3, 2)), 2.4
    d = derive("X.^p", wrt="X", layout=layout, check=False)
    got = np.asarray(d.evaluate(X=X, p=p))
    # column-major vec on both sides: J[k, l] = ∂ vec(F)_k / ∂ vec(X)_l
    vec = lambda M: np.ravel(M, order="F")
    expected = central(lambda z: vec(z.reshape(X.shape, order="F") ** p), vec(X))
    got = got.T if layout == "denominator" else got
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_the_derivation_checks_and_shows_both_terms_then_drops_the_constant_one():
    d = derive("sum(X.^p)", wrt="X")
    assert d.check() < 1e-5
    rules = [s.rule for s in d.steps]
    assert "element-wise power" in rules
    assert "constant" in rules[rules.index("element-wise power") :]


def test_a_compound_exponent_is_bracketed_in_text():
    d = derive("sum(X.^p)", wrt="X", check=False)
    text = d.to_text()
    assert "X^∘(p - 1)" in text, text
    assert "X^∘p - 1" not in text
    assert "X^{\\circ p - 1}" in d.to_latex()
