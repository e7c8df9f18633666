"""Derivatives below what central differences resolve: checked by the complex step, or not ticked.

Central differences at step h resolve a derivative down to about ε·(the largest value f goes
through)/h (``check.error_floor``). Below that, 0 and a wrong factor agree with them alike, so a
check that compared against the floor passed anything: 1e-12 aᵀXb, tr(X¹⁵⁰⁰) where X¹⁴⁹⁹ ~ 10⁻⁴⁶,
a 128-layer network's gradient of 10⁻²⁵ by its first weights. Where every operation is analytic
(``Op.analytic``), the check takes the complex step instead, Im f(x + ih e_k)/h, which has no
cancellation: the right derivative agrees to about 10⁻¹⁵, a wrong one FAILS. Where an operation
is not (abs), the check says it could not check. A derivative that is 0 as a formula keeps its ✓.

The complex step is itself checked here: for every analytic op of the registry, the package's
evaluator taking complex values gives central differences of a NumPy function written here.
"""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient

from matdiff_magic import derive
from matdiff_magic.depth import deep_recursion
from matdiff_magic.derivation.layouts import Result
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import complex_step
from matdiff_magic.numeric.check import run_check
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.registry import OPS, find

LAYOUTS = ("numerator", "denominator", "mixed")
DEEP = "a'*" + "".join(f"tanh(W{k}*" for k in range(128, 0, -1)) + "x" + ")" * 128


def _scaled(d, factor):
    """The derivation with every layout's result multiplied by ``factor`` (a wrong answer)."""
    d.results = {
        k: Result(k, ir.MatMul([ir.Const(factor), r.expr]), r.lhs, r.lhs_text, r.shape, r.description)
        for k, r in d.results.items()
    }
    return d


def _tried(source: str, wrt: str, seeds, factor=None):
    for seed in seeds:
        d = derive(source, wrt=wrt, check=factor is None, seed=seed)
        yield d.check_result if factor is None else run_check(_scaled(d, factor), seed=seed)


@pytest.mark.parametrize("source, wrt", [("1e-12*a'*X*b", "X"), ("tr(X^1500)", "X")])
def test_tiny_analytic_derivatives_are_checked_by_the_complex_step(source, wrt):
    for result in _tried(source, wrt, range(4)):
        assert result.passed and result.max_rel_error < 1e-5, result.message
        if result.by == "complex step":  # said so: its error is of another order than differences'
            assert result.message.startswith("✓ checked at a random point by the complex step")


@pytest.mark.parametrize("factor", [0, 2, -1])
@pytest.mark.parametrize("source, wrt", [("1e-12*a'*X*b", "X"), ("tr(X^1500)", "X")])
def test_a_wrong_tiny_derivative_fails(source, wrt, factor):
    # before: "✓" for 0, twice or minus the derivative (its error measured against the floor)
    for result in _tried(source, wrt, range(3), factor):
        assert not result.passed and "✓" not in result.message
        assert result.status == "failed" or factor == 0


def test_a_vanishing_gradient_of_a_deep_network_is_checked():
    d = derive(DEEP, wrt="W1")
    assert d.check_result.passed and d.check_result.max_rel_error < 1e-8
    assert d.check_result.by == "complex step"
    assert r"\text{checked at a random point by the complex step, max rel. error }" in d.to_latex()
    with deep_recursion():  # as derive() runs its check: the evaluator recurses once per level
        wrong = run_check(_scaled(derive(DEEP, wrt="W1", check=False), 2), seed=0)
    assert wrong.status == "failed" and "FAILED" in wrong.message


def test_a_derivative_near_the_smallest_numbers_is_not_a_false_alarm():
    # 1 + 2·10⁻³⁰⁰ w: f does not move in floating point, and the complex step's imaginary parts
    # would be subnormal (fewer bits): not decided, rather than FAILED
    d = derive("w: vector(m)\n1 + w'*(1e-300*w)", wrt="w")
    assert d.check_result.status == "skipped"
    assert "below what finite differences resolve" in d.check_result.message
    # 1 + 2·10⁻²⁵⁰ w: a step of 10⁻²⁰ keeps them normal
    d = derive("w: vector(m)\n1 + w'*(1e-250*w)", wrt="w")
    assert d.check_result.passed and d.check_result.by == "complex step"
    w = np.array([0.3, -1.2, 0.7, 2.0])
    fd = 1e-250 * central_gradient(lambda v: float(v @ v), w)  # differences of w'w, scaled back
    for layout in LAYOUTS:
        got = np.asarray(d.with_layout(layout).evaluate(w=w), dtype=float).reshape(-1)
        assert np.allclose(got, fd, rtol=1e-6, atol=0), layout


def test_differences_that_resolve_a_tiny_derivative_decide_it():
    # 10⁻¹² Σ|X|: f is itself tiny, so its differences resolve 10⁻¹² (rounding 10⁻²² here)
    d = derive("1e-12*sum(abs(X))", wrt="X")
    assert d.check_result.passed and d.check_result.by == "differences"
    for factor in (0, 2):
        assert not run_check(_scaled(derive("1e-12*sum(abs(X))", wrt="X", check=False), factor), 0).passed


def test_a_tiny_derivative_through_abs_is_not_ticked():
    # 1 + 10⁻¹² Σ|X|: differences round at 10⁻¹⁰, and abs has no complex step
    source = "1 + 1e-12*sum(abs(X))"
    d = derive(source, wrt="X")
    assert d.check_result.status == "skipped" and not d.check_result.passed
    assert d.check_result.message.startswith("could not check: the derivative's entries (at most ")
    assert "✓" not in d.to_text() and d.check_result.message in " ".join(d.to_text().split())
    # twice the derivative fails to pass; a planted 0 where f does not move in floating point at any
    # point tried is the one wrong answer that still passes (0 = 0 exactly, no complex step)
    assert not run_check(_scaled(derive(source, wrt="X", check=False), 2), 0).passed


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("1 + 1e-20*a'*X*b", "X"),  # f does not move in floating point: 0 = 0 exactly
        ("x: scalar\nlog(1 + 1e-18*x)", "x"),
        ("3e-9*a'*X*b", "X"),  # just above the resolution, measured against it before
        ("5e-9*a'*X*b", "X"),
    ],
)
def test_wrong_answers_the_differences_cannot_tell_fail_by_the_complex_step(source, wrt):
    assert derive(source, wrt=wrt).check_result.passed
    for factor in (0, 0.5, 2):
        for seed in (0, 1, 4):
            result = run_check(_scaled(derive(source, wrt=wrt, check=False), factor), seed)
            assert result.status == "failed", (factor, seed, result.message)
            assert "FAILED" in result.message and "✓" not in result.message


@pytest.mark.parametrize("source", ["x: scalar\n1e-12*x^101", "w: vector(m)\n1e-30*sum(w.^100)"])
def test_a_high_integer_power_of_a_negative_number_is_no_false_alarm(source):
    # NumPy's complex power beyond |n| = 100 is exp(n log z): noise near the negative axis
    wrt = source.split(":")[0]
    for seed in range(4):
        assert derive(source, wrt=wrt, seed=seed).check_result.status != "failed"
    x = np.array([-0.95, 0.97, -1.02]) if wrt == "w" else np.array([[-0.97]])
    d = derive(source, wrt=wrt)
    fd = central_gradient(lambda v: float(np.sum(v**100)) if wrt == "w" else float(v[0, 0] ** 101), x)
    fd *= 1e-30 if wrt == "w" else 1e-12
    got = np.asarray(d.evaluate(**{wrt: x}), dtype=float).reshape(fd.shape)
    assert np.allclose(got, fd, rtol=1e-6, atol=0)


def test_a_zero_formula_keeps_its_tick():
    d = derive("tr(X*inv(X))", wrt="X")
    assert d.check_result.passed and "✓ checked" in d.to_text()
    rng = np.random.default_rng(5)
    X = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    fd = central_gradient(lambda M: float(np.trace(M @ np.linalg.inv(M))), X)
    for layout in LAYOUTS:
        got = np.asarray(d.with_layout(layout).evaluate(X=X), dtype=float)
        assert got.shape == (4, 4) and np.allclose(got, 0) and np.allclose(fd, 0, atol=1e-7)


def test_tiny_derivatives_agree_with_central_differences_in_every_layout():
    rng = np.random.default_rng(7)
    a, X, b = rng.standard_normal(3), rng.standard_normal((3, 5)), rng.standard_normal(5)
    for c in (1e-3, 1e-12):
        d = derive(f"{c}*a'*X*b", wrt="X")
        assert d.check_result.passed
        # differences of f/c, scaled back: the NumPy function resolves them at this size
        fd = c * central_gradient(lambda M: float(a @ M @ b), X)
        expected = {"numerator": fd.T, "denominator": fd, "mixed": fd}
        for layout in LAYOUTS:
            got = np.asarray(d.with_layout(layout).evaluate(a=a, X=X, b=b), dtype=float)
            assert got.shape == expected[layout].shape
            assert np.allclose(got, expected[layout], rtol=1e-6, atol=0), (c, layout)


# ---- the complex step through every analytic op -------------------------------------------------
S = np.array([[3.0, 0.4, -0.2], [0.1, 2.5, 0.3], [-0.3, 0.2, 2.8]])
# source, wrt, the value of the variable, the other values, f in NumPy written here
CASES = [
    ("tr(-A*X' + X*B)", "X", (3, 4), {"A": (3, 4), "B": (4, 3)}, lambda X, A, B: np.trace(-A @ X.T + X @ B)),
    ("sum(X.*X.*A)", "X", (3, 4), {"A": (3, 4)}, lambda X, A: np.sum(X * X * A)),
    ("x: scalar\nx^3 + x^(-2) + x^0.5", "x", None, {}, lambda x: x**3 + x**-2 + x**0.5),
    ("sum(X.^3)", "X", (3, 4), {}, lambda X: np.sum(X**3)),
    (
        "sum(exp(X)) + sum(log(X.*X + 1))",
        "X",
        (3, 4),
        {},
        lambda X: np.sum(np.exp(X)) + np.sum(np.log(X * X + 1)),
    ),
    (
        "sum(sin(X)) + sum(cos(X)) + sum(tan(X))",
        "X",
        (3, 4),
        {},
        lambda X: np.sum(np.sin(X)) + np.sum(np.cos(X)) + np.sum(np.tan(X)),
    ),
    (
        "sum(tanh(X)) + sum(sqrt(X.*X + 1))",
        "X",
        (3, 4),
        {},
        lambda X: np.sum(np.tanh(X)) + np.sum(np.sqrt(X * X + 1)),
    ),
    (
        "sum(arcsin(0.1*X)) + sum(arccos(0.1*X)) + sum(arctan(X))",
        "X",
        (3, 4),
        {},
        lambda X: np.sum(np.arcsin(0.1 * X)) + np.sum(np.arccos(0.1 * X)) + np.sum(np.arctan(X)),
    ),
    ("det(X) + tr(inv(X))", "X", "S", {}, lambda X: np.linalg.det(X) + np.trace(np.linalg.inv(X))),
    (
        "sum(diag(x)*A*x) + sum(diag(A*x*x'))",
        "x",
        (3, 1),
        {"A": (3, 3)},
        lambda x, A: np.sum(np.diag(x[:, 0]) @ A @ x) + np.sum(np.diag(A @ x @ x.T)),
    ),
    (
        "norm2(X) + a'*vec(X)",
        "X",
        (3, 4),
        {"a": (12, 1)},
        lambda X, a: np.linalg.norm(X) + a[:, 0] @ X.T.ravel(),
    ),
    (
        "sum(kron(X, X)) + a'*softmax(x)",
        "X",
        (2, 3),
        {"a": (4, 1), "x": (4, 1)},
        lambda X, a, x: np.sum(np.kron(X, X)) + a[:, 0] @ (np.exp(x[:, 0]) / np.sum(np.exp(x[:, 0]))),
    ),
    ("tr(X^3)", "X", "S", {}, lambda X: np.trace(X @ X @ X)),
    (
        "a'*softmax(x)",
        "x",
        (4, 1),
        {"a": (4, 1)},
        lambda x, a: a[:, 0] @ (np.exp(x[:, 0]) / np.sum(np.exp(x[:, 0]))),
    ),
]


def _value(shape, rng):
    if shape is None:
        return np.array([[0.7]])
    if shape == "S":
        return S.copy()
    return rng.standard_normal(shape)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_the_complex_step_through_each_analytic_op_agrees_with_central_differences(case):
    source, wrt, shape, others, f = case
    rng = np.random.default_rng(3)
    d = derive(source, wrt=wrt, check=False)
    values = {wrt: _value(shape, rng), **{k: _value(s, rng) for k, s in others.items()}}
    sizes = {}
    for v in d.variables:
        for s, k in zip(v.shape, values[v.name].shape, strict=True):
            if s != 1:
                sizes[s] = k
    assert complex_step.analytic({wrt}, d.target)

    def package_f(x):
        return np.asarray(Evaluator({**values, wrt: x}, sizes)(d.target)).reshape(-1, order="F")

    jac = complex_step.jacobian(package_f, values[wrt])
    names = [n for n in f.__code__.co_varnames[: f.__code__.co_argcount]]
    ours = lambda x: float(np.sum(f(*[x if n == wrt else values[n] for n in names])))
    fd = central_gradient(ours, values[wrt]).reshape(1, -1, order="F")
    assert jac.shape == fd.shape
    assert np.allclose(jac, fd, rtol=1e-6, atol=1e-7 * max(1.0, np.max(np.abs(fd)))), source


def test_every_analytic_op_is_covered_and_the_others_are_not_analytic():
    covered = set()
    for source, wrt, *_ in CASES:
        for node in derive(source, wrt=wrt, check=False).target.walk():
            op = find(node)
            if op is not None:
                covered.add((op.node, op.variant))
    analytic = {key for key, op in OPS.items() if op.analytic}
    from matdiff_magic.ops.kron import Commutation  # a constant: no operand to step

    assert analytic - covered <= {(Commutation, None)}, analytic - covered
    not_analytic = {(k[0].__name__, k[1]) for k, op in OPS.items() if not op.analytic}
    assert {
        ("Apply", "abs"),
        ("Apply", "relu"),
        ("Apply", "sign"),
        ("LogDet", None),
        ("Norm", 1),
    } <= not_analytic
    for source in ("sum(abs(X))", "logdet(X)", "sum(relu(X))", "norm1(X)", "sum(sigmoid(X))"):
        assert not complex_step.analytic({"X"}, derive(source, wrt="X", check=False).target), source


def test_a_formula_whose_value_is_rounding_is_no_false_alarm():
    # ∂ tanh(det M)/∂M = (1 − tanh²(det M)) adj(M)ᵀ: where tanh(det M) rounds to 1, the formula's
    # value is rounding (its Monte Carlo spread, complex_step.rounding, says so) while the complex
    # step reads the true 10⁻⁴⁶: not a wrong formula
    for seed in range(4):
        assert derive("M: matrix(m, m)\ntanh(det(M))", wrt="M", seed=seed).check_result.status != "failed"
    d = derive("M: matrix(m, m)\ntanh(det(M))", wrt="M")
    M = np.array([[0.9, 0.2, -0.1], [0.3, 1.1, 0.4], [-0.2, 0.1, 0.8]])
    fd = central_gradient(lambda A: float(np.tanh(np.linalg.det(A))), M)
    for layout in LAYOUTS:
        got = np.asarray(d.with_layout(layout).evaluate(M=M), dtype=float)
        assert np.allclose(got, fd.T if layout == "numerator" else fd, rtol=1e-6, atol=1e-9), layout
    wrong = run_check(_scaled(derive("M: matrix(m, m)\ntanh(det(M))", wrt="M", check=False), 2), seed=0)
    assert wrong.status == "failed"


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("a'*X*b - b'*X'*a", "X"),  # 0 as a formula; the complex step reads 10⁻¹⁷ of rounding
        ("a'*X*b - tr(X*b*a')", "X"),
        ("S: symmetric(n)\nx'*S*x - x'*S'*x", "S"),
        ("x: scalar\nsin(x)^2 + cos(x)^2", "x"),
    ],
)
def test_rounding_that_cancels_is_no_false_alarm(source, wrt):
    # f is linear in X, so its rounding is as stable under the nudge as a derivative: the Monte Carlo
    # evaluation (every result moved by a few ε) moves it wholly, and it is not read as one
    for seed in range(6):
        assert derive(source, wrt=wrt, seed=seed).check_result.passed, seed


def test_a_saturated_function_is_checked_at_smaller_values():
    # tanh(1000 x) is ±1 in floating point at every usual point: 0 = 0 there; the points drawn after
    # such a point include smaller values, where it has a derivative to compare
    source = "x: scalar\ntanh(1e3*x)"
    for seed in range(3):
        assert derive(source, wrt="x", seed=seed).check_result.passed
        for factor in (0, 2):
            wrong = run_check(_scaled(derive(source, wrt="x", check=False), factor), seed)
            assert wrong.status == "failed", (seed, factor)
    x = np.array([[0.0012]])
    fd = central_gradient(lambda v: float(np.tanh(1e3 * v[0, 0])), x, h=1e-8)
    assert np.allclose(derive(source, wrt="x").evaluate(x=x), fd, rtol=1e-6)


def test_zeros_everywhere_are_said_so():
    # x^1e300 underflows for |x| < 1 and overflows beyond: 0 = 0 at every point with values; the
    # check passes (nothing disagrees) and says on what, not "max rel. error 0.0e+00"
    d = derive("x: scalar\nx^1e300", wrt="x")
    assert d.check_result.passed and d.check_result.by == "zeros"
    assert d.check_result.message == "✓ the derivative and f's differences are both 0 at every point tried"
    assert r"\text{the derivative and f's differences are both 0 at every point tried}" in d.to_latex()
