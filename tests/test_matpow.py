"""Matrix powers X^k (ops/matpow.py): k ≥ 2 as MatPow, k = −1 as the inverse, a negative k as a
power of the inverse, with d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ — checked through whole derivations against
central differences of NumPy functions written here with np.linalg.matrix_power, in all three
layouts; and ^ of a non-square matrix is a shape error under the base that names both readings.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive
from matdiff_magic.numeric import fd

LAYOUTS = ("denominator", "mixed", "numerator")
mp = np.linalg.matrix_power


def _values(seed):
    rng = np.random.default_rng(seed)
    return {"X": np.eye(3) * 2.0 + 0.4 * rng.standard_normal((3, 3)),
            "B": rng.standard_normal((3, 3)), "a": rng.standard_normal(3), "b": rng.standard_normal(3)}


CASES = [
    ("tr(X^2*B)", lambda X, B, **_: np.trace(mp(X, 2) @ B)),
    ("a'*X^3*b", lambda X, a, b, **_: a @ mp(X, 3) @ b),
    ("tr(X^-1)", lambda X, **_: np.trace(np.linalg.inv(X))),
    ("tr(X^-2*B)", lambda X, B, **_: np.trace(mp(np.linalg.inv(X), 2) @ B)),
    ("log(det(X^2))", lambda X, **_: np.log(np.linalg.det(mp(X, 2)))),
]


@pytest.mark.parametrize("source, f", CASES, ids=[c[0] for c in CASES])
def test_gradient_against_central_differences_in_every_layout(source, f):
    d = derive(source, wrt="X")
    assert d.check_result.status == "passed", d.check_result.message
    values = _values(7)
    given = {k: v for k, v in values.items() if k in source}
    want = fd.gradient(lambda X: f(**{**values, "X": X}), values["X"])
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**given)
        expected = want.T if layout == "numerator" else want
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=layout)


def test_the_rule_is_the_matrix_power_identity():
    d = derive("tr(X^3*B)", wrt="X")
    used = [s for s in d.steps if s.rule == "matrix power"]
    assert used and used[0].identity.cookbook == "(89)"
    assert "dX X²" in used[0].text and "X² dX" in used[0].text
    assert d.steps[0].text == "tr(X³ B)" and "X^{3}" in d.steps[0].latex


def test_jacobian_of_x_squared_in_every_layout():
    """∂ vec(X²)/∂ (vec X)ᵀ = Xᵀ ⊗ I + I ⊗ X."""
    d = derive("X^2", wrt="X")
    X = _values(11)["X"]
    want = fd.jacobian(lambda Y: mp(Y, 2).reshape(-1, order="F"), X)
    np.testing.assert_allclose(d.with_layout("numerator").evaluate(X=X), want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(d.with_layout("denominator").evaluate(X=X), want.T, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(d.with_layout("mixed").evaluate(X=X), want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("source, f", CASES[:2], ids=[c[0] for c in CASES[:2]])
def test_export(source, f):
    d = derive(source, wrt="X")
    values = {k: v for k, v in _values(3).items() if k in source}
    for layout in LAYOUTS:
        namespace: dict = {}
        code = d.with_layout(layout).to_python()
        assert "np.linalg.matrix_power(X, " in code
        exec(compile(code, "<matdiff export>", "exec"), namespace)         # our generated code only
        value, gradient = namespace["f_and_grad"](**values)
        assert value == pytest.approx(float(f(**values)), rel=1e-10)
        np.testing.assert_allclose(gradient, d.with_layout(layout).evaluate(**values), rtol=1e-10)


def test_a_non_square_base_is_a_shape_error_naming_both_readings():
    with pytest.raises(MatdiffError) as info:
        derive("A: matrix(m, n)\ntr(A'*A^2)", wrt="A")
    message = str(info.value)
    assert "needs a square matrix" in message and "A is m×n" in message
    line, caret = message.splitlines()[1:3]
    assert caret.index("^") == line.index("A^2")          # under the base A
    assert "matrix power A*A" in message and "A.^k" in message


def test_a_vector_base_and_a_fractional_exponent_are_refused():
    with pytest.raises(MatdiffError, match="x is a vector"):
        derive("x'*x^2", wrt="x")
    with pytest.raises(MatdiffError, match="nonzero integer"):
        derive("tr(X^0.5)", wrt="X")


# Equal neighbours of a product are one power (ir.construct.mk_mul): X X X is X³ as it is printed,
# so like terms written X X and X² meet, and a run of k factors derives in k terms of two powers.
RUNS = [
    ("tr(X*X*X)", lambda X, **_: np.trace(mp(X, 3))),
    ("tr(X^2*X*B)", lambda X, B, **_: np.trace(mp(X, 3) @ B)),
    ("a'*X'*X'*X*b", lambda X, a, b, **_: a @ mp(X.T, 2) @ X @ b),
    ("norm2(X*X*X*X*X*X*b)^2", lambda X, b, **_: np.sum((mp(X, 6) @ b) ** 2)),
    ("tr(B*X*X*inv(X))", lambda X, B, **_: np.trace(B @ X @ X @ np.linalg.inv(X))),
    ("tr(X^3*inv(X)*inv(X)*B)", lambda X, B, **_: np.trace(mp(X, 3) @ np.linalg.inv(X) @ np.linalg.inv(X) @ B)),
]


@pytest.mark.parametrize("source, f", RUNS, ids=[c[0] for c in RUNS])
def test_runs_of_equal_factors_against_central_differences_in_every_layout(source, f):
    d = derive(source, wrt="X")
    assert d.check_result.status == "passed", d.check_result.message
    values = _values(11)
    given = {k: v for k, v in values.items() if k in source.replace("X", "")}
    want = fd.gradient(lambda X: f(**{**values, "X": X}), values["X"])
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(X=values["X"], **given)
        expected = want.T if layout == "numerator" else want
        assert np.allclose(got, expected, rtol=1e-6, atol=1e-8), layout


def test_like_terms_of_a_power_and_its_run_are_collected():
    # d tr(X³) = tr(dX X² + X dX X + X² dX): the cyclic property makes each tr(X² dX)
    for source in ("tr(X^3)", "tr(X*X*X)"):
        d = derive(source, wrt="X", layout="denominator")
        assert d.steps[-1].text.endswith("3 (Xᵀ)²"), (source, d.steps[-1].text)
        assert any(s.rule == "matrix power" for s in d.steps)


def test_a_long_run_derives_in_terms_of_two_powers():
    short, long = (derive("norm2(" + "*".join(["X"] * k) + "*b)^2", wrt="X", check=False) for k in (8, 32))
    assert len(short.steps) == len(long.steps)
    # 4 times the factors: about 4 times the printed result, not 16
    assert len(long.steps[-1].text) < 5 * len(short.steps[-1].text)
    assert "X³¹" in long.to_text() and re.search(r"(?<![\wd])X X\b", long.to_text()) is None


def test_a_power_cancels_against_its_inverse():
    # X² X⁻¹ = X (A⁻¹A = I, one factor of the power at a time): the results are as simple as the
    # product's, written out
    cases = {"tr(X*X*inv(X))": "I", "tr(B*X*X*inv(X))": "Bᵀ", "tr(X^3*inv(X)*inv(X)*B)": "Bᵀ",
             "tr(X^2*X^-2)": "𝟎"}
    for source, result in cases.items():
        d = derive(source, wrt="X", layout="denominator")
        assert d.steps[-1].text == result, (source, d.steps[-1].text)
