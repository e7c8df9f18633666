"""Functions declared without a formula (``g: function``): seed 000's composition Y = AXB with an
unknown outer g, ∂f/∂X = Aᵀ (∂f/∂Y) Bᵀ, and g inside larger expressions. The numbers use the
package's fixed random g; the test writes that g again from its documented formula, and every
derivative is compared with central differences of it, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values

from matdiff_magic import MatdiffError, derive

LAYOUTS = ("numerator", "denominator", "mixed")


def g_ref(name, U):
    """The documented g: ½ uᵀMu + bᵀexp(u/2), u = vec U (column-major), M and b from the name."""
    u = np.asarray(U, dtype=float).reshape(-1, order="F")
    rng = np.random.default_rng([sum((i + 1) * ord(c) for i, c in enumerate(name)), u.size])
    M = rng.standard_normal((u.size, u.size)) / np.sqrt(u.size)
    b = rng.uniform(0.5, 1.5, u.size)
    return 0.5 * u @ M @ u + b @ np.exp(u / 2)


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


def lines(d):
    return [(s.rule, s.text) for s in d.steps]


def test_seed_000_composition_with_an_unknown_outer_function():
    d = derive("g: function\nY = A*X*B\nf = g(Y)", wrt="X", layout="denominator")
    got = lines(d)
    assert got[0] == ("function", "g(Y),  Y = A X B")
    assert got[1] == ("composition", "tr((∂f/∂Y)ᵀ dY)")
    assert got[2] == ("substitute", "tr((∂f/∂Y)ᵀ d(A X B))")
    assert ("constant", "tr((∂f/∂Y)ᵀ A dX B)") in got
    assert ("cyclic property", "tr(B (∂f/∂Y)ᵀ A dX)") in got
    readoff = next(s for s in d.steps if s.rule == "read off")
    assert readoff.text == "(B (∂f/∂Y)ᵀ A)ᵀ = Aᵀ (∂f/∂Y) Bᵀ"  # the seed's result
    assert got[-1] == ("denominator layout", "Aᵀ (∂g/∂Y) Bᵀ")  # ∂f/∂Y = ∂g/∂Y
    assert d.check_result.status == "passed"
    assert "g(U) = ½ uᵀMu + bᵀexp(u/2)" in d.check_result.message
    assert "g(U) = ½ uᵀMu + bᵀexp(u/2)" in " ".join(d.to_text().split())  # the check line says so
    rng = np.random.default_rng(0)
    values = random_values(d.variables, rng)
    every_layout(d, values, lambda A, X, B: g_ref("g", A @ X @ B), "X")


def test_unknown_function_of_a_product_without_a_definition():
    d = derive("g: function\ng(A*X*B)", wrt="X", layout="denominator")
    assert ("outer function", "tr(∇g(A X B)ᵀ d(A X B))") in lines(d)
    assert d.steps[-1].text == "Aᵀ ∇g(A X B) Bᵀ"
    rng = np.random.default_rng(1)
    values = random_values(d.variables, rng)
    every_layout(d, values, lambda A, X, B: g_ref("g", A @ X @ B), "X")


@pytest.mark.parametrize(
    "source, wrt, ref",
    [
        (
            "g: function\ng(W*x) + lambda*norm2(x)^2",
            "x",
            lambda W, x, **k: g_ref("g", W @ x) + k["lambda"] * x @ x,
        ),
        (
            "g: function\ng(W*x) + lambda*norm2(x)^2",
            "W",
            lambda W, x, **k: g_ref("g", W @ x) + k["lambda"] * x @ x,
        ),
        (
            "phi: function\nphi(X'*X) + tr(A*X)",
            "X",
            lambda X, A: g_ref("phi", X.T @ X) + np.trace(A @ X),
        ),
        ("h: function\nh(exp(X*b))", "X", lambda X, b: g_ref("h", np.exp(X @ b))),
        ("g: function\nc: scalar\ng(c*a) * c", "c", lambda a, c: g_ref("g", c * a) * c),
        (
            "g, h: function\ng(A*x) + h(x'*x)",
            "x",
            lambda A, x: g_ref("g", A @ x) + g_ref("h", x @ x),
        ),
    ],
)
def test_unknown_function_inside_larger_expressions(source, wrt, ref):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed", d.check_result.message
    rng = np.random.default_rng(2)
    values = random_values(d.variables, rng)
    every_layout(d, values, ref, wrt)


def test_regularised_gradient_reads_as_the_notes_write_it():
    d = derive("g: function\ng(W*x) + lambda*norm2(x)^2", wrt="x", layout="denominator")
    assert d.steps[-1].text == "Wᵀ ∇g(W x) + 2 λ x"


def test_an_unknown_function_takes_one_argument_and_gives_a_scalar():
    with pytest.raises(MatdiffError) as info:
        derive("g: function\ng(X, Y)", wrt="X")
    assert "g takes one argument" in str(info.value)
    assert "^" in str(info.value)  # a caret under the call


def test_a_function_is_not_a_variable():
    with pytest.raises(MatdiffError) as info:
        derive("g: function\ng + x'*x", wrt="x")
    assert "g is a function" in str(info.value)


def test_unknown_function_export_and_value():
    d = derive("g: function\ng(A*x)", wrt="x")
    rng = np.random.default_rng(3)
    values = random_values(d.variables, rng)
    assert abs(d.value(**values) - g_ref("g", values["A"] @ values["x"])) < 1e-12
    namespace: dict = {}
    exec(d.to_python(), namespace)  # the exported module: our own generated code
    value, grad = namespace["f_and_grad"](values["A"], values["x"])
    assert abs(value - d.value(**values)) < 1e-10
    assert_close(grad, d.evaluate(**values), 1e-10, "export")
