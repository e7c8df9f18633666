"""Kinds of undeclared names decided by their usage (types.kinds), the naming convention filling the
rest, and products of sizes against a declared size solved or refused. Every derivative is compared
with central differences of a NumPy f written here, in every layout, at non-square points."""
from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_difference

from matdiff_magic import MatdiffError, derive
from matdiff_magic.types.lower import typecheck

RNG = np.random.default_rng(11)


def kinds(source: str) -> dict:
    typed = typecheck(source)
    return {v.name: (v.kind, typed.kind_source[v.name]) for v in typed.variables}


def assert_derivative(source, wrt, f, values, **options):
    """The derivation's value in every layout against central differences of the NumPy ``f``."""
    expected = central_difference(f, values, wrt)
    d = derive(source, wrt=wrt, **options)
    for layout in ("numerator", "denominator", "mixed"):
        got = d.with_layout(layout).evaluate(**values)
        if np.ndim(expected) == 0:
            assert isinstance(got, float)
        elif np.ndim(expected) == 1:
            assert np.shape(got) == ((1, len(expected)) if layout == "numerator" else (len(expected),))
        else:
            assert np.shape(got) == (expected.T.shape if layout == "numerator" else expected.shape)
            got = got.T if layout == "numerator" else got
        np.testing.assert_allclose(np.reshape(got, np.shape(expected)), expected, rtol=1e-6, atol=1e-8)
    assert d.check_result.passed
    return d


# ---- usage decides ---------------------------------------------------------------------------
def test_a_factor_of_a_term_beside_a_scalar_is_a_scalar():
    source = "norm2(X*w - y)^2 + c*norm2(w)^2"
    assert kinds(source)["c"] == ("scalar", "usage")
    values = {"X": RNG.standard_normal((5, 3)), "y": RNG.standard_normal(5), "w": RNG.standard_normal(3),
              "c": 0.7}
    f = lambda X, y, w, c: np.sum((X @ w - y) ** 2) + c * np.sum(w**2)
    d = assert_derivative(source, "w", f, values)
    assert d.notes == ()            # usage decided: no note about a defaulted vector
    assert_derivative(source, "c", f, values)


def test_a_name_added_to_a_scalar_is_a_scalar():
    source = "a'*x + b"
    assert kinds(source)["b"] == ("scalar", "usage")
    values = {"a": RNG.standard_normal(4), "x": RNG.standard_normal(4), "b": 0.3}
    f = lambda a, x, b: a @ x + b
    assert_derivative(source, "x", f, values)
    assert_derivative(source, "b", f, values)


def test_the_argument_of_exp_beside_a_scalar_is_a_scalar():
    source = "exp(t) + a'*x"
    assert kinds(source)["t"] == ("scalar", "usage")
    values = {"t": 0.4, "a": RNG.standard_normal(3), "x": RNG.standard_normal(3)}
    assert_derivative(source, "t", lambda t, a, x: np.exp(t) + a @ x, values)


def test_a_constant_term_is_quadratic_plus_linear_plus_a_scalar():
    source = "x'*A*x + b'*x + c"
    assert kinds(source)["c"] == ("scalar", "usage") and kinds(source)["b"] == ("vector", "convention")
    values = {"x": RNG.standard_normal(3), "A": RNG.standard_normal((3, 3)), "b": RNG.standard_normal(3),
              "c": 1.5}
    assert_derivative(source, "x", lambda x, A, b, c: x @ A @ x + b @ x + c, values)


def test_an_exponent_is_a_scalar():
    source = "norm2(x)^k"
    assert kinds(source)["k"] == ("scalar", "usage")
    values = {"x": RNG.standard_normal(4), "k": 3.0}
    f = lambda x, k: np.linalg.norm(x) ** k
    assert_derivative(source, "x", f, values)
    assert_derivative(source, "k", f, values)
    assert kinds("sum(X.^p)")["p"] == ("scalar", "usage")
    source = "exp(a'*x)^p"
    assert kinds(source)["p"] == ("scalar", "usage")
    values = {"a": RNG.standard_normal(3), "x": RNG.standard_normal(3), "p": 1.5}
    f = lambda a, x, p: np.exp(a @ x) ** p
    assert_derivative(source, "x", f, values)
    assert_derivative(source, "p", f, values)


def test_a_divisor_is_a_scalar():
    source = "a'*x/s"
    assert kinds(source)["s"] == ("scalar", "usage")
    values = {"a": RNG.standard_normal(3), "x": RNG.standard_normal(3), "s": 1.7}
    f = lambda a, x, s: a @ x / s
    assert_derivative(source, "x", f, values)
    assert_derivative(source, "s", f, values)


def test_the_argument_of_a_matrix_function_is_a_square_matrix():
    assert kinds("logdet(sigma)")["sigma"] == ("matrix", "usage")
    sigma = RNG.standard_normal((3, 3))
    sigma = sigma @ sigma.T + 3 * np.eye(3)
    assert_derivative("logdet(sigma)", "sigma", lambda sigma: np.linalg.slogdet(sigma)[1], {"sigma": sigma})
    source = "a'*inv(p)*b + tr(q)"
    assert kinds(source)["p"] == ("matrix", "usage") and kinds(source)["q"] == ("matrix", "usage")
    values = {"a": RNG.standard_normal(3), "p": 2 * np.eye(3) + 0.3 * RNG.standard_normal((3, 3)),
              "b": RNG.standard_normal(3), "q": RNG.standard_normal((4, 4))}
    f = lambda a, p, b, q: a @ np.linalg.inv(p) @ b + np.trace(q)
    assert_derivative(source, "p", f, values)
    assert_derivative(source, "q", f, values)


def test_a_quadratic_form_makes_its_matrix_square():
    typed = typecheck("x'*A*x")
    A = next(v for v in typed.variables if v.name == "A")
    assert A.shape[0] == A.shape[1]
    values = {"x": RNG.standard_normal(4), "A": RNG.standard_normal((4, 4))}
    assert_derivative("x'*A*x", "x", lambda x, A: x @ A @ x, values)


# ---- the convention decides what usage leaves open --------------------------------------------
def test_broadcasting_a_number_leaves_the_convention_in_place():
    source = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"
    assert kinds(source)["y"] == ("vector", "convention")
    X, w = RNG.standard_normal((5, 3)), RNG.standard_normal(3)
    y = (RNG.uniform(size=5) > 0.5).astype(float)
    sig = lambda z: 1 / (1 + np.exp(-z))
    f = lambda y, X, w: -y @ np.log(sig(X @ w)) - (1 - y) @ np.log(1 - sig(X @ w))
    assert_derivative(source, "w", f, {"y": y, "X": X, "w": w})
    assert kinds("sum(log(1 + exp(x)))")["x"] == ("vector", "convention")


def test_the_note_stays_where_the_convention_makes_f_a_vector():
    d = derive("c*norm2(X*w - y)^2", wrt="w", check=False)
    assert kinds("c*norm2(X*w - y)^2")["c"] == ("vector", "convention")
    assert len(d.notes) == 1 and "`c: scalar`" in d.notes[0]


@pytest.mark.parametrize("source, fragment", [
    ("x^2", "^ raises a scalar to a power"),       # the base of ^: the hint suggests .^ or norm2
    ("X/Y", "/ divides by a scalar"),               # a capitalised name stays a matrix
    ("x*y", "cannot multiply x"),                   # either could be the scalar: usage does not decide
])
def test_usage_that_does_not_decide_leaves_the_error(source, fragment):
    with pytest.raises(MatdiffError) as info:
        typecheck(source)
    assert fragment in info.value.message


def test_a_hint_says_why_usage_chose_a_kind():
    with pytest.raises(MatdiffError) as info:
        typecheck("norm2(x)^k + softmax(k)'*y")
    assert "k was taken to be a scalar (it is the exponent of norm2(x)^k)" in info.value.hint


def test_a_declaration_wins_over_usage():
    assert kinds("c: vector\nc'*x + d")["c"] == ("vector", "declaration")
    with pytest.raises(MatdiffError, match="cannot add"):
        typecheck("b: vector\na'*X + b")


# ---- products of sizes against a declared size ------------------------------------------------
def test_a_product_of_sizes_with_one_solution_is_solved():
    source = "X: matrix(4, 4)\ntr(kron(A, B)*X)"
    shapes = {v.name: tuple(int(d) for d in v.shape) for v in typecheck(source).variables}
    assert shapes == {"A": (2, 2), "B": (2, 2), "X": (4, 4)}
    values = {"A": RNG.standard_normal((2, 2)), "B": RNG.standard_normal((2, 2)), "X": RNG.standard_normal((4, 4))}
    f = lambda A, B, X: np.trace(np.kron(A, B) @ X)
    assert_derivative(source, "X", f, values)
    assert_derivative(source, "A", f, values)
    source = "x: vector(9)\n(kron(a, b)'*x)^2"
    shapes = {v.name: tuple(int(d) for d in v.shape) for v in typecheck(source).variables}
    assert shapes == {"a": (3, 1), "b": (3, 1), "x": (9, 1)}
    values = {"a": RNG.standard_normal(3), "b": RNG.standard_normal(3), "x": RNG.standard_normal(9)}
    assert_derivative(source, "b", lambda a, b, x: (np.kron(a, b) @ x) ** 2, values)


def test_a_product_of_sizes_with_several_solutions_is_refused_with_the_declaration():
    source = "X: matrix(6, 5)\nsum(kron(A, B)*X)"
    with pytest.raises(MatdiffError) as info:
        typecheck(source)
    error = info.value
    assert "must multiply to 6" in error.message and "2·3, 3·2" in error.message
    assert (error.line, error.column) == (2, 15)        # the caret under the product's *
    assert "declare one of them, e.g. `A: matrix(m, 2)`" in error.hint
    declared = "A: matrix(3, 2)\n" + source             # the declaration decides it
    shapes = {v.name: tuple(str(d) for d in v.shape) for v in typecheck(declared).variables}
    assert shapes["B"][1] == "3"
    values = {"A": RNG.standard_normal((3, 2)), "B": RNG.standard_normal((2, 3)), "X": RNG.standard_normal((6, 5))}
    assert_derivative(declared, "X", lambda A, B, X: np.sum(np.kron(A, B) @ X), values)


def test_a_product_of_sizes_no_sizes_give_or_a_symbol_is_refused():
    with pytest.raises(MatdiffError) as info:
        typecheck("x: vector(7)\nkron(a, b)'*x")
    assert "m·n cannot be 7" in info.value.hint
    with pytest.raises(MatdiffError) as info:
        typecheck("X: matrix(k, 4)\nkron(A, B)*X")
    assert "declare both as numbers, e.g. `X: matrix(6, 4)` and `A: matrix(m, 2)`" in info.value.hint
