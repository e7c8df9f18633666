"""Automatic differentiation on the evaluation trace: the seed's example (002, part 2) to three
decimals, fan-out accumulation, shared sub-expressions, and matrix JVPs/VJPs against central
differences and against the symbolic derivative of ``derive``."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive, graph

SEED = "ln(x1) + x1*x2 - sin(x2)"


@pytest.fixture(scope="module")
def seed():
    return graph(SEED, x1=2.0, x2=5.0)


# ---- the seed's classic trace at (x1, x2) = (2, 5) ---------------------------------------------
def test_seed_primal_trace_is_the_classic_one(seed):
    rows = seed.forward("x1")
    assert [r["name"] for r in rows] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    assert [r["expr"] for r in rows] == ["x₁", "x₂", "ln v₋₁", "v₋₁·v₀", "sin v₀", "v₁ + v₂", "v₄ − v₃"]
    values = [r["value"] for r in rows]
    assert values == pytest.approx([2, 5, 0.693, 10, -0.959, 10.693, 11.652], abs=5e-4)


def test_seed_forward_tangents_seeded_on_x1(seed):
    rows = seed.forward("x1")
    assert [r["tangent"] for r in rows] == pytest.approx([1, 0, 0.5, 5, 0, 5.5, 5.5], abs=5e-4)
    assert rows["v₂"]["formula"] == "v̇₂ = v̇₋₁·v₀ + v₋₁·v̇₀"
    assert rows["v₁"]["formula"] == "v̇₁ = v̇₋₁/v₋₁"
    assert rows["v₅"]["formula"] == "v̇₅ = v̇₄ − v̇₃"


def test_seed_forward_on_x2_gives_the_other_partial(seed):
    assert seed.forward("x2")["v₅"]["tangent"] == pytest.approx(2 - np.cos(5.0))  # ∂f/∂x₂ = x₁ − cos x₂


def test_seed_reverse_adjoints(seed):
    rows = seed.reverse()
    assert rows[0]["name"] == "v₅" and rows[-1]["name"] == "v₋₁"   # the sweep goes backwards
    adj = {r["name"]: r["adjoint"] for r in rows}
    expected = {"v₅": 1, "v₄": 1, "v₃": -1, "v₂": 1, "v₁": 1, "v₀": 1.716, "v₋₁": 5.5}
    for name, value in expected.items():
        assert adj[name] == pytest.approx(value, abs=5e-4), name


def test_reverse_accumulates_at_fan_out(seed):
    rows = seed.reverse()
    v0 = rows["v₀"]
    assert [c[0] for c in v0["contributions"]] == ["v₂", "v₃"]
    assert [c[1] for c in v0["contributions"]] == pytest.approx([2.0, -0.2837], abs=1e-4)
    assert sum(c[1] for c in v0["contributions"]) == pytest.approx(v0["adjoint"])
    assert v0["formula"] == "v̄₀ = v̄₂·v₋₁ + v̄₃·cos v₀"
    assert rows["v-1"]["contributions"] == [("v₁", pytest.approx(0.5)), ("v₂", pytest.approx(5.0))]


def test_seed_gradient(seed):
    grad = seed.gradient()
    assert grad == {"x1": pytest.approx(5.5), "x2": pytest.approx(2 - np.cos(5.0))}
    assert seed.value() == pytest.approx(np.log(2) + 10 - np.sin(5))


def test_rows_are_found_by_any_spelling_of_the_name(seed):
    rows = seed.forward()
    assert rows["v-1"] is rows["v₋₁"] is rows["v_{-1}"] is rows[0]
    with pytest.raises(KeyError):
        rows["v9"]


# ---- structure of the trace --------------------------------------------------------------------
def test_shared_subexpressions_become_one_node():
    g = graph("sin(x1*x2) + exp(x1*x2) + x1*x2", x1=0.5, x2=1.5)
    exprs = [r["expr"] for r in g.forward()]
    assert exprs.count("v₋₁·v₀") == 1
    product = g.forward()["v₁"]
    assert product["expr"] == "v₋₁·v₀"
    assert [c[0] for c in g.reverse()["v₁"]["contributions"]] == ["v₂", "v₃", "v₅"]  # sin, exp and the last sum


def test_a_node_used_twice_by_one_step_adds_both_partials():
    g = graph("x*x", x=3.0)
    assert g.gradient()["x"] == pytest.approx(6.0)
    (_, contribution), = g.reverse()["v₀"]["contributions"]
    assert contribution == pytest.approx(6.0)


def test_constants_stay_inside_the_step():
    g = graph("2*x'*x/3 - 1/y + y^2", x=np.array([1.0, 2.0]), y=4.0)
    exprs = [r["expr"] for r in g.forward()]
    assert "2/3·v₂" in exprs and "1/v₀" in exprs and "v₀²" in exprs
    assert g.gradient()["x"] == pytest.approx(4 / 3 * np.array([1.0, 2.0]))
    assert g.gradient()["y"] == pytest.approx(1 / 16 + 8)


# ---- matrices: JVP, VJP, gradient vs derive vs central differences ----------------------------
MATRIX_CASES = [
    ("a'*exp(X*b)", {"a": (4,), "X": (4, 3), "b": (3,)}),
    ("norm2(y - X*w)^2 + sum(sigmoid(X*w))", {"y": (5,), "X": (5, 3), "w": (3,)}),
    ("tr(A*X*B*X') + sum(tanh(X).^3) + a'*X*b", {"A": (4, 4), "X": (4, 2), "B": (2, 2), "a": (4,), "b": (2,)}),
    ("logdet(S) + x'*inv(S)*x - sum(x./(x.*x + 1))", {"S": "spd3", "x": (3,)}),
]


def _values(spec, rng):
    out = {}
    for name, shape in spec.items():
        if shape == "spd3":
            b = rng.standard_normal((3, 3))
            out[name] = b @ b.T / 3 + np.eye(3)
        else:
            out[name] = rng.standard_normal(shape)
    return out


def _f(source, values):
    return graph(source, **values).value()


def _central(source, values, name, direction, h=1e-6):
    plus = {**values, name: values[name] + h * direction}
    minus = {**values, name: values[name] - h * direction}
    return (_f(source, plus) - _f(source, minus)) / (2 * h)


def _central_gradient(source, values, name, h=1e-6):
    x = values[name]
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = 1.0
        out[idx] = _central(source, values, name, e, h)
    return out


@pytest.mark.parametrize("source,spec", MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES])
def test_gradient_equals_derive_and_central_differences(source, spec):
    rng = np.random.default_rng(7)
    values = _values(spec, rng)
    g = graph(source, **values)
    grad = g.gradient()
    for name in spec:
        symbolic = derive(source, wrt=name, layout="denominator", check=False).evaluate(**values)
        numeric = _central_gradient(source, values, name)
        assert np.shape(grad[name]) == np.shape(symbolic) == np.shape(values[name])
        np.testing.assert_allclose(grad[name], symbolic, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(grad[name], numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("source,spec", MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES])
def test_jvp_along_random_directions_matches_central_differences(source, spec):
    rng = np.random.default_rng(11)
    values = _values(spec, rng)
    g = graph(source, **values)
    for name in spec:
        V = rng.standard_normal(np.shape(values[name]))
        assert g.jvp(name, V) == pytest.approx(_central(source, values, name, V), rel=1e-5, abs=1e-7)
        rows = g.forward(name, direction=V)
        assert rows[-1]["tangent"] == pytest.approx(g.jvp(name, V))


def test_forward_default_direction_is_the_first_basis_direction():
    rng = np.random.default_rng(3)
    values = _values({"a": (4,), "X": (4, 3), "b": (3,)}, rng)
    g = graph("a'*exp(X*b)", **values)
    rows = g.forward("X")
    seeded = rows["v₋₁"]["tangent"]
    assert seeded.shape == (4, 3) and seeded[0, 0] == 1 and seeded.sum() == 1
    assert rows[-1]["tangent"] == pytest.approx(g.gradient()["X"][0, 0])


def test_vjp_of_a_matrix_valued_function_matches_central_differences():
    rng = np.random.default_rng(5)
    A, X, B = rng.standard_normal((2, 4)), rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    W = rng.standard_normal((2, 5))
    g = graph("A*exp(X)*B", A=A, X=X, B=B)
    vjp = g.vjp(W)["X"]
    expected = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[idx] = 1e-6
        plus = graph("A*exp(X)*B", A=A, X=X + E, B=B).value()
        minus = graph("A*exp(X)*B", A=A, X=X - E, B=B).value()
        expected[idx] = np.sum(W * (plus - minus)) / 2e-6
    np.testing.assert_allclose(vjp, expected, rtol=1e-5, atol=1e-7)
    # and the JVP is its transpose: <W, J V> = <Jᵀ W, V>
    V = rng.standard_normal(X.shape)
    assert np.sum(W * g.jvp("X", V)) == pytest.approx(np.sum(vjp * V))


def test_values_fix_the_kinds():
    g = graph("x'*x + s*t", x=np.ones(3), s=2.0, t=np.array([[3.0]]))
    kinds = {v.name: v.kind for v in g.typed.variables}
    assert kinds == {"x": "vector", "s": "scalar", "t": "scalar"}
    assert graph("A*x", A=np.ones((2, 3)), x=np.ones(3)).typed.variables[0].kind == "matrix"


# ---- user errors ---------------------------------------------------------------------------------
def test_user_errors_are_matdiff_errors(seed):
    with pytest.raises(MatdiffError, match="give a value for x2"):
        graph(SEED, x1=2.0)
    with pytest.raises(MatdiffError, match="unknown variable"):
        graph(SEED, x1=2.0, x2=5.0, x3=1.0)
    with pytest.raises(MatdiffError, match="not a number"):
        graph(SEED, x1="oops", x2=5.0)
    with pytest.raises(MatdiffError, match="unknown variable 'z'"):
        seed.forward("z")
    with pytest.raises(MatdiffError, match="direction"):
        graph("a'*x", a=np.ones(3), x=np.ones(3)).forward("x", direction=np.ones(4))
    with pytest.raises(MatdiffError, match="scalar f"):
        graph("X*b", X=np.ones((2, 3)), b=np.ones(3)).gradient()
    with pytest.raises(MatdiffError, match="mode"):
        seed.structure("sideways")
    with pytest.raises(MatdiffError):
        graph("ln(x1 +", x1=1.0)


def test_vec_kron_and_softmax_nodes_have_trace_rules():
    from matdiff_magic.ir import nodes as ir
    from matdiff_magic.autodiff.trace import build_trace
    from matdiff_magic.autodiff.modes import reverse_sweep
    rng = np.random.default_rng(1)
    A, B, c = ir.Var("A", ("m", "n"), "matrix"), ir.Var("B", ("p", "q"), "matrix"), ir.Var("c", ("m·n·p·q", 1), "vector")
    f = ir.MatMul([ir.Transpose(c), ir.Softmax(ir.Vec(ir.Kron(A, B)))])
    values = {"A": rng.standard_normal((2, 3)), "B": rng.standard_normal((2, 2)), "c": rng.standard_normal((24, 1))}
    trace = build_trace(f, [A, B, c], values, {"m": 2, "n": 3, "p": 2, "q": 2})
    grad = reverse_sweep(trace, np.ones((1, 1))).adjoints[trace.inputs[0]]

    def value(a):
        y = np.kron(a, values["B"]).reshape(-1, 1, order="F")
        z = np.exp(y - y.max())
        return float((values["c"].T @ (z / z.sum()))[0, 0])
    numeric = np.zeros((2, 3))
    for idx in np.ndindex(2, 3):
        e = np.zeros((2, 3))
        e[idx] = 1e-6
        numeric[idx] = (value(values["A"] + e) - value(values["A"] - e)) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
