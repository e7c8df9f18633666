"""Components and literals (seed 002): y = [y1; y2] declares y by its entries, and a vector or
matrix may be written out, [a, b; c, d]. Derivatives by y are the scalar partials arranged by the
layout, by the definition method with the notes' steps; each is compared with central differences
of a NumPy function written here, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close

from numeric_helpers import central_jacobian

from matdiff_magic import MatdiffError, derive


def lines(d):
    return [(s.rule, s.text) for s in d.steps]


def test_seed_002_example_1_gradient_of_a_sum_of_squares():
    d = derive("y = [y1; y2]\nf = y1^2 + y2^2", wrt="y", layout="denominator")
    assert lines(d) == [
        ("function", "y₁² + y₂²"),
        ("partial derivative", "2 y₁"),
        ("partial derivative", "2 y₂"),
        ("collect the entries", "[2 y₁; 2 y₂]"),
        ("denominator layout", "[2 y₁; 2 y₂]"),
    ]
    assert [s.lhs_text for s in d.steps[1:3]] == ["∂f/∂y₁", "∂f/∂y₂"]
    assert d.with_layout("numerator").steps[-1].text == "[2 y₁, 2 y₂]"
    y = np.array([0.7, -1.3])
    f = lambda y: np.array(y[0] ** 2 + y[1] ** 2)
    J = central_jacobian(f, y)  # 1×2
    assert_close(d.evaluate(y=y), J[0], 1e-6, "denominator")
    assert_close(d.with_layout("numerator").evaluate(y=y), J, 1e-6, "numerator")
    assert_close(d.with_layout("mixed").evaluate(y=y), J[0], 1e-6, "mixed")
    assert d.check_result.status == "passed"


def test_seed_002_example_2_jacobian_of_a_vector_function():
    source = "y = [y1; y2; y3]\nf = [y1^2 + y2^2 + y3; y3^2 + 2*y1]"
    d = derive(source, wrt="y", layout="denominator")
    got = lines(d)
    assert got[0] == ("function", "[y₁² + y₂² + y₃; y₃² + 2 y₁]")
    assert [t for _, t in got[1:7]] == ["2 y₁", "2 y₂", "1", "2", "0", "2 y₃"]
    assert [s.lhs_text for s in d.steps[1:7]] == [
        "∂f₁/∂y₁",
        "∂f₁/∂y₂",
        "∂f₁/∂y₃",
        "∂f₂/∂y₁",
        "∂f₂/∂y₂",
        "∂f₂/∂y₃",
    ]
    assert got[-1] == ("denominator layout", "[2 y₁, 2; 2 y₂, 0; 1, 2 y₃]")  # the notes' matrix
    assert d.with_layout("numerator").steps[-1].text == "[2 y₁, 2 y₂, 1; 2, 0, 2 y₃]"
    assert d.with_layout("mixed").steps[-1].text == "[2 y₁, 2 y₂, 1; 2, 0, 2 y₃]"
    y = np.array([0.4, -0.9, 1.6])
    J = central_jacobian(lambda y: np.array([y[0] ** 2 + y[1] ** 2 + y[2], y[2] ** 2 + 2 * y[0]]), y)
    assert_close(d.with_layout("numerator").evaluate(y=y), J, 1e-6, "numerator")
    assert_close(d.evaluate(y=y), J.T, 1e-6, "denominator")
    assert_close(d.with_layout("mixed").evaluate(y=y), J, 1e-6, "mixed")
    assert "\\begin{bmatrix}" in d.steps[-1].latex


def test_a_matrix_declared_by_its_entries():
    d = derive("Y = [a, b; c, d]\nf = a*d - b*c", wrt="Y", layout="denominator")
    assert d.steps[-1].text == "[d, -c; -b, a]"  # the cofactors: ∂|Y|/∂Y
    Y = np.array([[1.2, -0.4], [0.3, 0.8]])
    J = central_jacobian(lambda Y: np.array(np.linalg.det(Y)), Y).reshape(2, 2, order="F")
    assert_close(d.evaluate(Y=Y), J, 1e-6, "denominator")
    assert_close(d.with_layout("numerator").evaluate(Y=Y), J.T, 1e-6, "numerator")
    assert_close(d.with_layout("mixed").evaluate(Y=Y), J, 1e-6, "mixed")


def test_a_matrix_function_by_components():
    d = derive("y = [y1; y2]\nF = [y1*y2, y1; y2^2, exp(y1)]", wrt="y")
    y = np.array([0.5, -0.7])
    F = lambda y: np.array([[y[0] * y[1], y[0]], [y[1] ** 2, np.exp(y[0])]])
    J = central_jacobian(F, y)  # ∂vec F/∂yᵀ, 4×2
    assert_close(d.with_layout("numerator").evaluate(y=y), J, 1e-6, "numerator")
    assert_close(d.with_layout("denominator").evaluate(y=y), J.T, 1e-6, "denominator")
    assert d.check_result.status == "passed"


@pytest.mark.parametrize(
    "source, wrt, values, ref",
    [
        (
            "a1, a2: scalar\nx'*[a1; a2]",
            "x",
            {"x": np.array([0.3, 1.1]), "a1": 0.5, "a2": -2.0},
            lambda x, a1, a2: np.array(x @ [a1, a2]),
        ),
        ("t: scalar\n[t^2; sin(t)]", "t", {"t": 0.7}, lambda t: np.array([t**2, np.sin(t)])),
        (
            "t: scalar\nA*[t, 1; 2*t, t^3]",
            "t",
            {"t": 0.4, "A": np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.2]])},
            lambda t, A: A @ np.array([[t, 1], [2 * t, t**3]]),
        ),
        (
            "a, b: scalar\nx'*A*[a; b]",
            "A",
            {"x": np.array([0.3, -0.6, 1.0]), "A": np.arange(6.0).reshape(3, 2) / 5, "a": 0.7, "b": -1.2},
            lambda x, A, a, b: np.array(x @ A @ [a, b]),
        ),
    ],
)
def test_literals_in_expressions_in_every_layout(source, wrt, values, ref):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed"
    J = central_jacobian(lambda v: ref(**{**values, wrt: v}), values[wrt])
    num = d.with_layout("numerator").evaluate(**values)
    den = d.with_layout("denominator").evaluate(**values)
    if d.kind == "gradient":
        x = np.asarray(values[wrt], dtype=float)
        grad = J.reshape(x.shape, order="F") if x.ndim else float(J[0, 0])
        assert_close(den, grad, 1e-6, "denominator")
        assert_close(
            num,
            np.transpose(grad)
            if np.ndim(grad) == 2
            else np.reshape(grad, (1, -1))
            if np.ndim(grad)
            else grad,
            1e-6,
            "numerator",
        )
    else:
        shape = np.shape(ref(**values))
        assert_close(np.reshape(num, -1, order="F"), J[:, 0] if shape else J, 1e-6, "numerator")
        assert_close(
            np.reshape(den, -1, order="F"),
            np.reshape(np.reshape(J[:, 0], shape, order="F").T, -1, order="F"),
            1e-6,
            "denominator",
        )


@pytest.mark.parametrize(
    "source, message",
    [
        ("y = [y1, y2]\ny1*y2", "is a column"),
        ("[x; 1]", "the entries of a literal are scalars"),
        ("c: scalar\n[c, 1; 2]", "the same number of entries"),
        ("y = [y1; y2]\ny'*y + y1", "declared by its components"),
        ("c: scalar\n[c; 1", "expected ',', ';' or ']'"),
    ],
)
def test_literal_errors_point_at_the_cell(source, message):
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt="y" if "y" in source else None)
    assert message in str(info.value)


F = {
    "sin": np.sin,
    "cos": np.cos,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "arctan": np.arctan,
}


@pytest.mark.parametrize("func", sorted(F))
def test_the_element_wise_rule_entry_by_entry(func):
    """Seed 000's picture: dσ(X) written entry by entry for a 2×2 X; each entry σ′(x_ij) dx_ij is
    compared with central differences of NumPy's σ, with dx_ij = 1."""
    from matdiff_magic import entrywise
    from matdiff_magic.ir import nodes as ir
    from matdiff_magic.numeric.evaluate import Evaluator

    picture = entrywise(func)
    assert picture.text.startswith("X = [x₁₁, x₁₂; x₂₁, x₂₂],  d ")
    assert "\\begin{bmatrix}" in picture.latex and "\\odot" in picture.latex
    rng = np.random.default_rng(7)
    x = rng.uniform(0.3, 0.9, size=4)
    names = ["x11", "x12", "x21", "x22"]
    for entry, name, x0 in zip(picture.entries.entries, names, x):
        one = ir.replace(entry, {n: ir.Const(1) for n in entry.walk() if isinstance(n, ir.D)})
        got = Evaluator({name: np.array([[x0]])}, {})(one)[0, 0]
        want = (F[func](x0 + 1e-6) - F[func](x0 - 1e-6)) / 2e-6
        assert abs(got - want) < 1e-6 * max(1.0, abs(want)), (func, name)
    with pytest.raises(MatdiffError):
        entrywise("det")
