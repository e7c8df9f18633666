"""The definition method (seed 001, 矩阵求导定义法): entry by entry, the same result as the
differential method, checked against independent NumPy finite differences in every layout."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from numeric_helpers import assert_close, central_difference, random_values

from matdiff_magic import MatdiffError, derive
from matdiff_magic.derivation.record import MIME, Derivation

LAYOUTS = ("numerator", "denominator", "mixed")


def _lines(d):
    return [(s.stage, s.rule, s.lhs_text, s.text) for s in d.steps]


# ---- the seed's worked examples, step by step --------------------------------------------------
def test_seed_example_1_a_transpose_x():
    """Example 1: y = aᵀx = Σ_j a_j x_j, ∂y/∂x_i = a_i, so ∂y/∂x = a."""
    d = derive("a'*x", wrt="x", by_definition=True)
    assert _lines(d) == [
        ("function", "function", "f", "aᵀ x"),
        ("definition", "write f entry by entry", "", "Σ_j a_j x_j"),
        ("definition", "differentiate term by term", "∂f/∂x_i", "Σ_j a_j (∂x_j/∂x_i)"),
        ("definition", "differentiate one entry", "", "Σ_j a_j δ_ij"),
        ("definition", "sum out the Kronecker deltas", "", "a_i"),
        ("definition", "collect the entries", "∂f/∂x", "a"),
        ("layout", "mixed layout", "∂f/∂x", "a"),
    ]
    assert d.steps[3].identity_text == "∂x_p/∂x_i = δ_ip"
    assert d.steps[1].latex == r"\sum_{j=1}^{m} a_{j}\, x_{j}"
    assert d.check_result.passed


def test_seed_example_2_a_transpose_X_b():
    """Example 2: y = aᵀXb = Σ_p Σ_q a_p X_pq b_q, ∂y/∂X_ij = a_i b_j, so ∂y/∂X = a bᵀ."""
    d = derive("a'*X*b", wrt="X", by_definition=True)
    assert [s.text for s in d.steps] == [
        "aᵀ X b",
        "Σ_p Σ_q a_p X_pq b_q",
        "Σ_p Σ_q a_p (∂X_pq/∂X_ij) b_q",
        "Σ_p Σ_q a_p δ_ip δ_jq b_q",
        "a_i b_j",
        "a bᵀ",
        "a bᵀ",
    ]
    assert {s.stage for s in d.steps[1:-1]} == {"definition"}
    one = d.steps[3]
    assert one.rule == "differentiate one entry" and one.identity_text == "∂X_pq/∂X_ij = δ_ip δ_jq"
    assert one.identity_latex == r"\frac{\partial X_{pq}}{\partial X_{ij}} = \delta_{ip}\,\delta_{jq}"
    assert d.steps[2].lhs == r"\frac{\partial f}{\partial X_{ij}}"
    assert d.steps[1].latex == r"\sum_{p=1}^{m}\sum_{q=1}^{n} a_{p}\, X_{pq}\, b_{q}"
    assert "m×n entries" in d.steps[5].note
    text = d.to_text()
    assert "[differentiate one entry: ∂X_pq/∂X_ij = δ_ip δ_jq]" in text
    assert "[collect the entries: (∂f/∂X)_ij = ∂f/∂X_ij]" in text


def test_quadratic_form_groups_the_two_terms():
    """xᵀAx = Σ_j Σ_k x_j A_jk x_k → Σ_j (A_ij + A_ji) x_j → (A + Aᵀ)x."""
    d = derive("x'*A*x", wrt="x", by_definition=True)
    texts = [s.text for s in d.steps]
    assert "Σ_j Σ_k x_j A_jk x_k" in texts
    assert "Σ_j A_ij x_j + Σ_j x_j A_ji" in texts
    assert "Σ_j (A_ij + A_ji) x_j" in texts
    assert d.steps[-1].text == "(A + Aᵀ) x"


def test_trace_of_x_transpose_x_is_a_sum_of_squares():
    d = derive("tr(X'*X)", wrt="X", by_definition=True)
    texts = [s.text for s in d.steps]
    assert texts[1] == "Σ_p Σ_q X_qp²"
    assert "2 X_ij" in texts
    assert texts[-1] == "2 X"


def test_json_validates_and_the_latex_shows_the_stage():
    schema = json.loads(resources.files("matdiff_magic").joinpath(
        "schema/derivation.v1.schema.json").read_text())
    for source, wrt in [("a'*X*b", "X"), ("x'*A*x", "x"), ("norm2(y - X*beta)^2", "beta"),
                        ("S: symmetric\nx'*S*x + tr(S*A)", "S")]:
        d = derive(source, wrt=wrt, by_definition=True)
        bundle = d._repr_mimebundle_()
        jsonschema.validate(bundle[MIME], schema)
        assert bundle[MIME]["check"]["status"] == "passed"
        assert [s["stage"] for s in bundle[MIME]["steps"]].count("definition") >= 3
        assert r"\delta" in bundle["text/latex"]


# ---- the same derivative as the differential method and as finite differences ---------------
CASES = [
    # source, wrt, independent NumPy f, value options
    ("a'*x", "x", lambda a, x: a @ x, {}),
    ("x'*a", "x", lambda x, a: x @ a, {}),
    ("a'*X*b", "X", lambda a, X, b: a @ X @ b, {}),
    ("a'*X'*b", "X", lambda a, X, b: a @ X.T @ b, {}),
    ("x'*A*x", "x", lambda x, A: x @ A @ x, {}),
    ("x'*A*y", "A", lambda x, A, y: x @ A @ y, {}),
    ("x'*A*y", "y", lambda x, A, y: x @ A @ y, {}),
    ("a'*X'*X*b", "X", lambda a, X, b: a @ X.T @ X @ b, {}),
    ("tr(A*X)", "X", lambda A, X: np.trace(A @ X), {}),
    ("tr(X*A)", "X", lambda X, A: np.trace(X @ A), {}),
    ("tr(A*X*B)", "X", lambda A, X, B: np.trace(A @ X @ B), {}),
    ("tr(X'*A)", "X", lambda X, A: np.trace(X.T @ A), {}),
    ("tr(X'*X)", "X", lambda X: np.trace(X.T @ X), {}),
    ("tr(X)", "X", lambda X: np.trace(X), {}),
    ("sum(X)", "X", lambda X: np.sum(X), {}),
    ("3*a'*x - x'*x/2 + 2", "x", lambda a, x: 3 * a @ x - x @ x / 2 + 2, {}),
    ("c: scalar\nc*a'*X*b + tr(A)*tr(X'*B)", "X",
     lambda c, a, X, b, A, B: c * a @ X @ b + np.trace(A) * np.trace(X.T @ B), {}),
    ("norm2(y - X*beta)^2", "beta", lambda y, X, beta: np.sum((y - X @ beta) ** 2), {}),
    ("(a'*x)*(b'*x)", "x", lambda a, x, b: (a @ x) * (b @ x), {}),
    ("a'*inv(A)*x", "x", lambda a, A, x: a @ np.linalg.inv(A) @ x, {"wellcond": ("A",)}),
    ("S: symmetric\nx'*S*x", "S", lambda x, S: x @ S @ x, {}),
    ("sum(A.*X)", "X", lambda A, X: np.sum(A * X), {}),
]


@pytest.mark.parametrize("source, wrt, f, opts", CASES, ids=[c[0].replace("\n", "; ") + " by " + c[1] for c in CASES])
def test_same_result_as_the_differential_method_and_finite_differences(source, wrt, f, opts):
    by_def = derive(source, wrt=wrt, by_definition=True)
    diff = derive(source, wrt=wrt)
    assert isinstance(by_def, Derivation) and by_def.check_result.passed
    values = random_values(by_def.variables, np.random.default_rng(7), **opts)
    fd = central_difference(f, values, wrt)
    assert_close(by_def.value(**values), f(**values), label="value")
    for layout in LAYOUTS:
        mine = by_def.with_layout(layout).evaluate(**values)
        theirs = diff.with_layout(layout).evaluate(**values)
        want = fd
        if layout == "numerator":
            want = fd.reshape(1, -1) if np.ndim(fd) == 1 else fd.T
        assert_close(mine, theirs, label=f"{layout}: definition vs differential")
        assert_close(mine, want, rtol=1e-4, label=f"{layout}: definition vs finite differences")


def test_the_values_are_not_square():
    d = derive("a'*X*b", wrt="X", by_definition=True)
    values = random_values(d.variables, np.random.default_rng(0))
    assert values["X"].shape[0] != values["X"].shape[1]


def test_every_layout_and_no_check():
    d = derive("a'*X*b", wrt="X", layout="numerator", check=False, by_definition=True)
    assert d.check_result is None and d.layout == "numerator"
    assert d.steps[-1].text == "b aᵀ"
    assert d.check() < 1e-6


# ---- what it does not do -----------------------------------------------------------------------
@pytest.mark.parametrize("source, wrt, fragment", [
    ("a'*exp(X*b)", "X", "X appears inside exp(…)"),
    ("logdet(X)", "X", "X appears inside logdet(…)"),
    ("tr(A*inv(X))", "X", "X appears inside inv(…)"),
    ("norm2(x)", "x", "x appears inside a norm"),
    ("(x'*A*x)^2", "x", "x appears 4 times in one product"),
    ("x'*(a.*x)", "x", "do not form a matrix product"),
    ("X*a", "X", "is not a scalar"),
])
def test_other_expressions_point_to_the_differential_method(source, wrt, fragment):
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt=wrt, by_definition=True)
    text = str(info.value)
    assert fragment in text
    assert "linear and bilinear forms" in text and "traces of products" in text
    assert "use the differential method (the default, without --by-definition)" in text


def test_a_scalar_variable_and_bad_requests():
    with pytest.raises(MatdiffError, match="is a scalar"):
        derive("c: scalar\nc^2*tr(A)", wrt="c", by_definition=True)
    with pytest.raises(MatdiffError, match="unknown variable 'Q'"):
        derive("a'*x", wrt="Q", by_definition=True)
    with pytest.raises(MatdiffError, match="choose numerator"):
        derive("a'*x", wrt="x", layout="sideways", by_definition=True)


def test_the_magic_shows_the_definition_method():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    with capture_output() as captured:
        result = shell.run_cell("%%matdiff --wrt X --by-definition\na'*X*b\n")
    assert result.success, captured.stderr
    assert isinstance(result.result, Derivation)
    assert "Σ_p Σ_q a_p X_pq b_q" in result.result.to_text()
    with capture_output() as captured:
        result = shell.run_cell("%%matdiff --wrt X --by-definition\na'*exp(X*b)\n")
    assert not result.success
    assert "use the differential method" in captured.stdout + captured.stderr
