"""Sized constants (eye(n), vector(c, n), matrix(c, m, n)) and sizes solved through products.

Every case derives, is evaluated in the three layouts, and agrees with central differences of a
NumPy function written here by hand (not the package's evaluator).
"""

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive
from numeric_helpers import expected_in_layout

LAYOUTS = ("numerator", "denominator", "mixed")


_expected = expected_in_layout  # central differences, in the layout asked for


rng = np.random.default_rng(7)
A32, A64 = rng.standard_normal((3, 2)), rng.standard_normal((6, 4))
CASES = [
    ("tr(eye(3)*X)", "X", {"X": rng.standard_normal((3, 3))}, lambda X: np.trace(np.eye(3) @ X)),
    (
        "X: matrix(n, n)\ntr(eye(n)*X*X)",
        "X",
        {"X": rng.standard_normal((4, 4))},
        lambda X: np.trace(np.eye(X.shape[0]) @ X @ X),
    ),
    (
        "X: matrix(3, 2)\na'*kron(X, eye(2))*b",
        "b",
        {"a": rng.standard_normal(6), "X": A32, "b": rng.standard_normal(4)},
        lambda a, X, b: a @ np.kron(X, np.eye(2)) @ b,
    ),
    (
        "X: matrix(3, 2)\na'*kron(X, eye(2))*b",
        "a",
        {"a": rng.standard_normal(6), "X": A32, "b": rng.standard_normal(4)},
        lambda a, X, b: a @ np.kron(X, np.eye(2)) @ b,
    ),
    (
        "a: vector(2)\nX: matrix(6, 4)\nkron(a', eye)*X*b",
        "X",
        {"a": rng.standard_normal(2), "X": A64, "b": rng.standard_normal(4)},
        lambda a, X, b: np.kron(a.reshape(1, -1), np.eye(3)) @ X @ b,
    ),
    (
        "a: vector(2)\nX: matrix(6, 4)\nkron(a', eye)*X*b",
        "b",
        {"a": rng.standard_normal(2), "X": A64, "b": rng.standard_normal(4)},
        lambda a, X, b: np.kron(a.reshape(1, -1), np.eye(3)) @ X @ b,
    ),
    ("vector(2, 3)'*x", "x", {"x": rng.standard_normal(3)}, lambda x: np.full(3, 2.0) @ x),
    (
        "x: vector(n)\nvector(2, n)'*exp(x)",
        "x",
        {"x": rng.standard_normal(5)},
        lambda x: np.full(x.size, 2.0) @ np.exp(x),
    ),
    (
        "a'*matrix(1, 2, 3)*x",
        "x",
        {"a": rng.standard_normal(2), "x": rng.standard_normal(3)},
        lambda a, x: a @ np.ones((2, 3)) @ x,
    ),
    (
        "a'*matrix(1, 2, 3)*x",
        "a",
        {"a": rng.standard_normal(2), "x": rng.standard_normal(3)},
        lambda a, x: a @ np.ones((2, 3)) @ x,
    ),
    (
        "matrix(-1, 2, 3)*x + A*x",
        "x",
        {"A": rng.standard_normal((2, 3)), "x": rng.standard_normal(3)},
        lambda A, x: -np.ones((2, 3)) @ x + A @ x,
    ),
]


@pytest.mark.parametrize("source, wrt, values, f", CASES, ids=[f"{c[0]} by {c[1]}" for c in CASES])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sized_constants_derive_and_evaluate(source, wrt, values, f, layout):
    d = derive(source, wrt=wrt, layout=layout)
    got = np.asarray(d.evaluate(**values), dtype=float)
    want = _expected(f, values, wrt, layout)
    assert got.shape == np.shape(want), (source, layout)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6), (source, layout)


def test_products_of_sizes_are_solved():
    # 2·m = 6: the identity in kron(a', eye) is 3×3, so the result has 3 rows
    d = derive("a: vector(2)\nX: matrix(6, 4)\nkron(a', eye)*X*b", wrt="b")
    assert d.evaluate(a=np.ones(2), X=np.ones((6, 4)), b=np.ones(4)).shape == (3, 4)
    # m·n = 6 with m = 3 known gives n = 2: a is 6 long, b is 4 long
    d = derive("X: matrix(3, 2)\na'*kron(X, eye(2))*b", wrt="b")
    assert "a ∈ ℝ^6" in d.to_json()["where"]["text"] and "b ∈ ℝ^4" in d.to_json()["where"]["text"]


@pytest.mark.parametrize(
    "source, message, caret",
    [
        (
            "X: matrix(4, 4)\neye(3)*X",
            "cannot multiply eye(3) (3×3) by X (4×4)",
            "  line 2 | eye(3)*X\n                 ^",
        ),
        (
            "x: vector(4)\nvector(1, 3)'*x",
            "cannot multiply vector(1, 3)' (a row vector (1×3)) by x (a vector (4×1))",
            "  line 2 | vector(1, 3)'*x\n                        ^",
        ),
        (
            "a: vector(5)\nX: matrix(6, 4)\nkron(a', eye)*X*b",
            "cannot multiply kron(a', eye) (m×5·m) by X (6×4)",
            "  line 3 | kron(a', eye)*X*b\n                        ^",
        ),
    ],
)
def test_inconsistent_sizes_are_shape_errors(source, message, caret):
    with pytest.raises(MatdiffError) as err:
        derive(source, wrt="X" if "X" in source else "x")
    assert message in str(err.value) and caret + "\n" in str(err.value) + "\n"


@pytest.mark.parametrize(
    "source, message",
    [
        ("eye(1)*X", "a size of eye is a whole number of at least 2 or a size symbol"),
        ("eye(2.5)*X", "a size of eye is a whole number of at least 2 or a size symbol"),
        ("matrix(1, 2)*x", "matrix(c, m, n) takes both sizes"),
        ("vector(1, 2, 3)'*x", "vector takes 1 to 2 arguments"),
        ("eye(2, 2)*X", "eye takes 0 to 1 arguments"),
    ],
)
def test_malformed_sized_constants(source, message):
    with pytest.raises(MatdiffError) as err:
        derive(source, wrt="X" if "X" in source else "x")
    assert message in str(err.value) and "^" in str(err.value)
