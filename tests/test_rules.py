"""Every differential rule and trace trick is used, named with its identity, and gives a right
result (checked against central differences of the package-independent reference f)."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from matdiff_magic.ops.elementwise import ELEMENTWISE
from numeric_helpers import assert_close, central_difference, random_values
from test_registry import DOMAIN, F  # the NumPy functions, independent of the package's evaluator

# source, wrt, a rule or trick that must appear, f in NumPy
RULE_CASES = [
    ("tr(X + A*X)", "X", "sum rule", None),
    ("-tr(X)", "X", "sum rule", None),
    ("tr(A*X*B)", "X", "product rule", None),
    ("tr(2*X)", "X", "constant factor", None),
    ("tr(X')", "X", "transpose", None),
    ("tr(A*X)", "X", "trace", None),
    ("tr(inv(X))", "X", "inverse", None),
    ("det(X)", "X", "determinant", None),
    ("logdet(X)", "X", "log-determinant", None),
    ("sum(X .* A)", "X", "Hadamard product rule", None),
    ("sum(X)", "X", "sum of entries", None),
    ("sum(diag(X))", "X", "diagonal", None),
    ("norm2(X)", "X", "Euclidean norm", None),
    ("norm1(x)", "x", "1-norm", None),
    ("norm2(x)^2", "x", "squared norm", None),
    ("(a'*x)^3", "x", "power rule", None),
    ("sum(X.^3)", "X", "element-wise power", None),
    ("a'*exp(x)", "x", "element-wise exp", None),
    ("exp(a'*x)", "x", "chain rule (exp)", None),
    ("tr(A*X)", "X", "constant", None),
]
TRICK_CASES = [
    ("a'*X*b", "X", "scalar equals its trace"),
    ("a'*X*b", "X", "cyclic property"),
    ("tr(A*X')", "X", "transpose"),
    ("x'*A'*a + a'*x", "x", "transpose of a scalar"),
    ("a'*exp(X*b)", "X", "Hadamard trick"),
    ("tr(X*A) + tr(B*X)", "X", "linearity"),
    ("tr(A*(X + X')*C)", "X", "distribute"),
    ("(a'*x)*tr(A*X)", "X", "linearity"),
    ("sum(A*X)", "X", "sum as a trace"),
    ("a'*diag(X)", "X", "diagonal"),
    ("tr(A*diag(x))", "x", "diagonal"),
    ("c: scalar\nc*tr(A) + exp(c)", "c", "factor out dx"),
]


def _check(d, wrt):
    rng = np.random.default_rng(3)
    values = random_values(d.variables, rng, wellcond=("X",))
    f = lambda **v: d.value(**v)
    expected = central_difference(f, values, wrt)
    assert_close(d.with_layout("denominator").evaluate(**values), expected, 1e-5, d.source)


@pytest.mark.parametrize("source, wrt, rule, _", RULE_CASES)
def test_differential_rule(source, wrt, rule, _):
    d = derive(source, wrt=wrt)
    used = [s for s in d.steps if s.rule == rule]
    assert used, f"{rule!r} not used; rules were {[s.rule for s in d.steps]}"
    assert all(s.stage in ("differential", "trace") for s in used)
    if rule not in ("constant",):
        assert used[0].identity is not None and "=" in used[0].identity.latex
    assert d.check_result.status == "passed"
    _check(d, wrt)


@pytest.mark.parametrize("source, wrt, trick", TRICK_CASES)
def test_trace_trick(source, wrt, trick):
    d = derive(source, wrt=wrt)
    used = [s for s in d.steps if s.rule == trick and s.stage == "trace"]
    assert used, f"{trick!r} not used; rules were {[s.rule for s in d.steps]}"
    assert used[0].changed, "a trick marks what it changed"
    assert d.check_result.status == "passed"
    _check(d, wrt)


@pytest.mark.parametrize("func", sorted(set(ELEMENTWISE) - {"step"}))
def test_every_elementwise_function(func):
    d = derive(f"a'*{func}(X*b)", wrt="X")
    assert any(s.rule == f"element-wise {func}" for s in d.steps)
    rng = np.random.default_rng(4)
    values = random_values(d.variables, rng, small=("X", "b"))
    if DOMAIN.get(func) == "positive":  # log, sqrt
        values = random_values(d.variables, rng, positive=("X", "b"))
    ref = lambda a, X, b: a @ F[func](X @ b)
    expected = central_difference(ref, values, "X")
    assert_close(d.with_layout("denominator").evaluate(**values), expected, 1e-5, func)


def test_function_independent_of_the_variable_has_zero_derivative():
    d = derive("a'*b + tr(A)", wrt="b")
    assert d.results["denominator"].expr.is_scalar is False
    got = d.evaluate(a=np.ones(3), b=np.ones(3), A=np.eye(2))
    assert_close(got, np.ones(3), 1e-12)   # only a'*b depends on b
    d0 = derive("tr(A)", wrt="A")
    assert np.all(d0.evaluate(A=np.eye(2)) == np.eye(2))


def test_composition_of_seed_000_by_differentials():
    """Y = AXB: df = tr(Gᵀ A dX B) = tr(B Gᵀ A dX) ⇒ ∂f/∂X = Aᵀ G Bᵀ (G plays ∂f/∂Y)."""
    d = derive("tr(G'*A*X*B)", wrt="X", layout="denominator")
    assert d.steps[-1].text == "Aᵀ G Bᵀ"
    assert any(s.rule == "cyclic property" and s.text == "tr(B Gᵀ A dX)" for s in d.steps)
