"""Derivatives by a variable declared symmetric.

f is differentiated as written, every entry independent; the declared symmetry only simplifies
the result (a named step when it rewrites it), and the result is given in the chosen convention:
``independent`` (G), ``sym`` ((G + Gᵀ)/2) or ``minka`` (G + Gᵀ − G ⊙ I, Matrix Cookbook (138)).
Every case is checked against central differences of f written by hand in NumPy below (not the
package's evaluator), each entry S_ij moved alone at a symmetric point, and the whole result
compared — no symmetric part is taken for ``independent``.
"""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import numpy as np
import pytest
from numpy.linalg import det, inv

from matdiff_magic import MatdiffError, derive
from matdiff_magic.derivation.layouts import Result
from matdiff_magic.numeric.check import run_check
from matdiff_magic.options import parse_options
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.lower import typecheck

tr = np.trace
N = 3
CONVENTIONS = ("independent", "sym", "minka")
LAYOUTS = ("numerator", "denominator", "mixed")


def spd(rng, n=N) -> np.ndarray:
    m = rng.standard_normal((n, n))
    return m @ m.T / n + np.eye(n)


def values_for(names: str, rng) -> dict:
    """Symmetric positive definite S, Sigma; random square A, B; random vectors a, b, x."""
    out = {}
    for name in names.split():
        if name in ("S", "Sigma"):
            out[name] = spd(rng)
        elif name.isupper() or name[0].isupper():
            out[name] = rng.standard_normal((N, N))
        else:
            out[name] = rng.standard_normal(N)
    return out


# ---- the reference: central differences entry by entry, then the convention -----------------
def entrywise_jacobian(F, S: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂vec F/∂(vec S)ᵀ with every entry of S moved alone (S_ij apart from S_ji), column-major."""
    cols = []
    for k in range(S.size):
        i, j = k % S.shape[0], k // S.shape[0]  # column-major position of entry k
        plus, minus = S.copy(), S.copy()
        plus[i, j] += h
        minus[i, j] -= h
        diff = (np.asarray(F(plus), dtype=float) - np.asarray(F(minus), dtype=float)) / (2 * h)
        cols.append(np.reshape(diff, -1, order="F"))
    return np.stack(cols, axis=1)


def entrywise_hessian(f, S: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """∂²f/∂(vec S)∂(vec S)ᵀ by second differences, every entry of S moved alone."""
    n2 = S.size
    H = np.zeros((n2, n2))

    def moved(steps):
        T = S.copy()
        for k, s in steps:
            T[k % S.shape[0], k // S.shape[0]] += s
        return f(T)

    for k in range(n2):
        for m in range(n2):
            H[k, m] = (
                moved([(k, h), (m, h)])
                - moved([(k, h), (m, -h)])
                - moved([(k, -h), (m, h)])
                + moved([(k, -h), (m, -h)])
            ) / (4 * h * h)
    return H


def mirror(k: int, n: int = N) -> int:
    """The column-major index of S_ji for the index k of S_ij."""
    i, j = k % n, k // n
    return i * n + j


def on_columns(J: np.ndarray, convention: str, n: int = N) -> np.ndarray:
    """The convention applied to the derivative by each entry (the columns of J):
    sym averages S_ij and S_ji, minka adds them (the diagonal once)."""
    if convention == "independent":
        return J.copy()
    out = np.zeros_like(J)
    for k in range(J.shape[1]):
        other = mirror(k, n)
        if convention == "sym":
            out[:, k] = (J[:, k] + J[:, other]) / 2
        else:
            out[:, k] = J[:, k] + J[:, other] if other != k else J[:, k]
    return out


def expected_gradient(f, S, convention) -> np.ndarray:
    row = entrywise_jacobian(lambda T: np.array([f(T)]), S)  # 1 × n²
    return on_columns(row, convention).reshape(S.shape, order="F")


def assert_close(actual, expected, label, rtol=1e-5):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{label}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.max(np.abs(expected))))
    err = float(np.max(np.abs(actual - expected))) / scale
    assert err < rtol, f"{label}: max rel. error {err:.2e}\nactual=\n{actual}\nexpected=\n{expected}"


# (id, source, wrt, the other variables, f(S, **others) in NumPy, scalar f?)
CASES = [
    ("tr(S A Sᵀ)", "S: symmetric\ntr(S*A*S')", "S", "A", lambda S, A: tr(S @ A @ S.T), True),
    ("aᵀ Sᵀ b", "S: symmetric\na'*S'*b", "S", "a b", lambda S, a, b: a @ S.T @ b, True),
    ("aᵀ S b", "S: symmetric\na'*S*b", "S", "a b", lambda S, a, b: a @ S @ b, True),
    ("tr(A S)", "S: symmetric\ntr(A*S)", "S", "A", lambda S, A: tr(A @ S), True),
    ("log|S|", "S: symmetric\nlog(det(S))", "S", "", lambda S: np.log(det(S)), True),
    ("tr(S⁻¹ B)", "S: symmetric\ntr(inv(S)*B)", "S", "B", lambda S, B: tr(inv(S) @ B), True),
    ("xᵀ S x", "S: symmetric\nx'*S*x", "S", "x", lambda S, x: x @ S @ x, True),
    ("Sᵀ (Jacobian)", "S: symmetric\nS'", "S", "", lambda S: S.T, False),
    ("S x (Jacobian)", "S: symmetric\nS*x", "S", "x", lambda S, x: S @ x, False),
    (
        "seed 001 Example 5",
        "Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))",
        "Sigma",
        "S",
        lambda Sigma, S: np.log(det(Sigma)) + tr(S @ inv(Sigma)),
        True,
    ),
]


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_result_against_entrywise_differences(case, convention):
    _, source, wrt, others, f, scalar = case
    rng = np.random.default_rng(len(source))
    values = values_for(f"{wrt} {others}", rng)
    rest = {k: v for k, v in values.items() if k != wrt}
    S = values[wrt]
    assert np.allclose(S, S.T)  # a symmetric point
    d = derive(source, wrt=wrt, symmetric=convention)
    assert d.check_result.status == "passed", d.check_result.message
    if scalar:
        G = expected_gradient(lambda T: f(**{wrt: T}, **rest), S, convention)
        wanted = {"denominator": G, "mixed": G, "numerator": G.T}
    else:
        J = on_columns(entrywise_jacobian(lambda T: f(**{wrt: T}, **rest), S), convention)
        wanted = {"numerator": J, "mixed": J, "denominator": J.T}
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(**values)
        assert_close(got, wanted[layout], f"{source!r} by {wrt}, {convention}, {layout} layout")


HESSIANS = [
    ("log|S|", "S: symmetric\nlog(det(S))", "", lambda S: np.log(det(S))),
    ("tr(S A Sᵀ)", "S: symmetric\ntr(S*A*S')", "A", lambda S, A: tr(S @ A @ S.T)),
    ("xᵀ S⁻¹ x", "S: symmetric\nx'*inv(S)*x", "x", lambda S, x: x @ inv(S) @ x),
]


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("case", HESSIANS, ids=[c[0] for c in HESSIANS])
def test_hessian_against_second_differences(case, convention):
    _, source, others, f = case
    rng = np.random.default_rng(7)
    values = values_for("S " + others, rng)
    rest = {k: v for k, v in values.items() if k != "S"}
    H = entrywise_hessian(lambda T: f(T, **rest), values["S"])
    H = on_columns(on_columns(H, convention).T, convention).T  # on both sides
    d = derive(source, wrt="S", order=2, symmetric=convention)
    assert d.check_result.status == "passed", d.check_result.message
    for layout in LAYOUTS:
        assert_close(
            d.with_layout(layout).evaluate(**values), H, f"{source!r}, {convention}, {layout}", rtol=1e-4
        )


# ---- f is differentiated as written --------------------------------------------------------
def test_transpose_of_a_symmetric_variable_is_kept_while_differentiating():
    d = derive("S: symmetric\ntr(S*A*S')", wrt="S", layout="denominator")
    differential = [s.text for s in d.steps if s.stage in ("differential", "trace")]
    assert differential[0] == "d(tr(S A Sᵀ))"
    assert "tr(dS A Sᵀ + S A (dS)ᵀ)" in differential  # dSᵀ stays (dS)ᵀ
    # the same result as without the declaration: S(A + Aᵀ), not S Aᵀ + Aᵀ S
    plain = derive("tr(S*A*S')", wrt="S", layout="denominator")
    assert to_text(d.result) == to_text(plain.result) == "S (A + Aᵀ)"


def test_bilinear_form_in_the_transpose():
    d = derive("S: symmetric\na'*S'*b", wrt="S", layout="denominator")
    assert to_text(d.result) == "b aᵀ"


def test_jacobian_of_the_transpose_is_the_commutation_matrix():
    d = derive("S: symmetric\nS'", wrt="S")
    assert to_text(d.result) == "K₍m,m₎"
    K = d.evaluate(S=spd(np.random.default_rng(0)))
    assert not np.allclose(K, np.eye(N * N))
    v = np.arange(N * N)
    assert np.allclose(K @ v, v.reshape(N, N, order="F").T.reshape(-1, order="F"))  # K vec S = vec Sᵀ


def test_symmetry_used_on_the_result_is_a_named_step():
    d = derive("S: symmetric\ntr(inv(S)*B)", wrt="S", layout="denominator")
    lines = [(s.rule, s.text) for s in d.steps]
    assert lines[-3:] == [
        ("read off", "(-S⁻¹ B S⁻¹)ᵀ = -S⁻ᵀ Bᵀ S⁻ᵀ"),
        ("S is symmetric", "-S⁻¹ Bᵀ S⁻¹"),
        ("denominator layout", "-S⁻¹ Bᵀ S⁻¹"),
    ]
    step = d.steps[-2]
    assert step.identity_text == "Sᵀ = S, S⁻ᵀ = S⁻¹" and step.stage == "readoff"
    assert "[S is symmetric: Sᵀ = S, S⁻ᵀ = S⁻¹]" in d.to_text()
    # nothing to name when the declaration changes nothing
    assert not any("symmetric" in s.rule for s in derive("S: symmetric\na'*S*b", wrt="S").steps)


def test_seed_example_5_reads_off_a_symmetric_coefficient():
    """df = tr(G dΣ) with G = Σ⁻¹ − Σ⁻¹SΣ⁻¹ symmetric: the read-off writes Gᵀ = G, as the seed does,
    and says why."""
    d = derive(
        "Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma", layout="denominator"
    )
    readoff = next(s for s in d.steps if s.rule == "read off")
    assert readoff.text == "(Σ⁻¹ - Σ⁻¹ S Σ⁻¹)ᵀ = Σ⁻¹ - Σ⁻¹ S Σ⁻¹"
    assert readoff.note == (
        "Σ⁻¹ - Σ⁻¹ S Σ⁻¹ is symmetric, since Σ and S are symmetric: its transpose is itself"
    )


# ---- the conventions, shown ----------------------------------------------------------------
def test_conventions_are_shown_in_text_latex_and_json():
    schema = json.loads(
        resources.files("matdiff_magic").joinpath("schema/derivation.v1.schema.json").read_text()
    )
    source = "S: symmetric\ntr(S*A*S')"
    independent = derive(source, wrt="S", layout="denominator")
    assert not any(s.rule.startswith("symmetric convention") for s in independent.steps)
    assert "S ∈ ℝ^{m×m} (symmetric; independent convention: every entry independent)" in independent.to_text()
    jsonschema.validate(independent.to_json(), schema)
    for convention, identity in (("sym", "∂f/∂S = ½(G + Gᵀ)"), ("minka", "∂f/∂S = G + Gᵀ - G ⊙ I")):
        d = derive(source, wrt="S", layout="denominator", symmetric=convention)
        step = d.steps[-2]
        assert (step.rule, step.identity_text) == (f"symmetric convention ({convention})", identity)
        assert f"[symmetric convention ({convention}): {identity}]" in d.to_text()
        assert f"(symmetric; {convention} convention: " in d.to_text()
        assert rf"\text{{symmetric convention ({convention}): }}" in d.to_latex()
        data = d.to_json()
        jsonschema.validate(data, schema)
        assert data["version"] == 1
        assert any(s["rule"] == f"symmetric convention ({convention})" for s in data["steps"])
        assert f"{convention} convention" in data["where"]["text"]
        assert all(f"--symmetric {convention}" in r["description"] for r in data["results"].values())
    sym = derive(source, wrt="S", layout="denominator", symmetric="sym")
    assert to_text(sym.result) == "½ (S (A + Aᵀ) + (A + Aᵀ) S)"
    minka = derive("S: symmetric\nlog(det(S))", wrt="S", layout="denominator", symmetric="minka")
    assert to_text(minka.result) == "2 S⁻¹ - (S⁻¹ ⊙ I)"  # the Cookbook's (141)


def test_convention_survives_layout_and_variable_changes():
    d = derive("S: symmetric\nx'*S*x + tr(A*S)", wrt="S", symmetric="minka")
    assert d.with_layout("numerator").symmetric == "minka"
    assert d.derive_again("x", "mixed").symmetric == "minka"
    assert d.derive_again("S", "numerator").steps[-2].rule == "symmetric convention (minka)"


def test_conventions_agree_for_the_definition_method():
    rng = np.random.default_rng(2)
    values = values_for("S x A", rng)
    for convention in CONVENTIONS:
        by_def = derive("S: symmetric\nx'*S*x + tr(S*A)", wrt="S", by_definition=True, symmetric=convention)
        by_diff = derive("S: symmetric\nx'*S*x + tr(S*A)", wrt="S", symmetric=convention)
        assert by_def.check_result.status == "passed"
        assert_close(by_def.evaluate(**values), by_diff.evaluate(**values), convention)


def test_unknown_convention_is_refused():
    with pytest.raises(MatdiffError, match="choose independent, sym or minka"):
        derive("S: symmetric\ntr(A*S)", wrt="S", symmetric="upper")
    opts, _ = parse_options("--wrt S --symmetric sym", allow_expression=False)
    assert opts.symmetric == "sym"
    assert parse_options("--wrt S", allow_expression=False)[0].symmetric == "independent"
    with pytest.raises(MatdiffError, match="--symmetric upper: choose independent, sym or minka"):
        parse_options("--wrt S --symmetric upper", allow_expression=False)


def test_the_magic_takes_the_convention(shell):
    shell.run_cell_magic("matdiff", "--wrt S --symmetric minka -o d_minka", "S: symmetric\ntr(A*S)")
    d = shell.user_ns["d_minka"]
    assert d.symmetric == "minka" and to_text(d.result) == "A + Aᵀ - (Aᵀ ⊙ I)"  # the Cookbook's (139)


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_the_magic_gives_each_convention_against_differences(shell, convention):
    """%%matdiff --symmetric: tr(S A Sᵀ) by S in every layout, the whole result against entrywise
    differences of f as written at a symmetric point, then the convention; aᵀ Sᵀ b likewise."""
    rng = np.random.default_rng(5)
    values = values_for("S A a b", rng)
    S, A, a, b = (values[k] for k in ["S", "A", "a", "b"])
    cases = [
        ("S: symmetric\ntr(S*A*S')", lambda T: tr(T @ A @ T.T), {"S": S, "A": A}),
        ("S: symmetric\na'*S'*b", lambda T: a @ T.T @ b, {"S": S, "a": a, "b": b}),
    ]
    texts = {"independent": "S (A + Aᵀ)", "sym": "½ (S (A + Aᵀ) + (A + Aᵀ) S)"}
    for source, f, at in cases:
        G = expected_gradient(f, S, convention)
        for layout in LAYOUTS:
            options = f"--wrt S --symmetric {convention} --layout {layout} -o d_sym"
            shell.run_cell_magic("matdiff", options, source)
            d = shell.user_ns["d_sym"]
            assert d.symmetric == convention and d.check_result.status == "passed", d.check_result.message
            assert_close(
                d.evaluate(**at), G.T if layout == "numerator" else G, f"{source!r}, {convention}, {layout}"
            )
            if layout == "denominator" and "A" in at and convention in texts:
                assert to_text(d.result) == texts[convention]
            if layout == "denominator" and "a" in at and convention == "independent":
                assert to_text(d.result) == "b aᵀ"


# ---- the check compares the whole result ---------------------------------------------------
def _with_result(d, wrong_den, wrong_num):
    d.results = {
        k: Result(k, wrong_num if k == "numerator" else wrong_den, r.lhs, r.lhs_text, r.shape, r.description)
        for k, r in d.results.items()
    }
    return d


def test_a_wrong_answer_for_a_symmetric_variable_fails_the_check():
    """S Aᵀ + Aᵀ S (what tr(S A Sᵀ) gave when Sᵀ was rewritten to S before differentiating) has the
    right symmetric part: only a check of the whole result notices it."""
    wrong = typecheck("S: symmetric\nS*A' + A'*S").expr
    wrong_num = typecheck("S: symmetric\nA*S + S*A").expr
    d = _with_result(derive("S: symmetric\ntr(S*A*S')", wrt="S", check=False), wrong, wrong_num)
    result = run_check(d, seed=0)
    assert result.status == "failed" and result.max_rel_error > 1e-3, result.message
    assert "FAILED" in result.message
    # the unconverted G is wrong in the sym convention too
    d = derive("S: symmetric\na'*S*b", wrt="S", check=False, symmetric="sym")
    plain = derive("S: symmetric\na'*S*b", wrt="S", check=False)
    d = _with_result(d, plain.results["denominator"].expr, plain.results["numerator"].expr)
    assert run_check(d, seed=0).status == "failed"


def test_a_wrong_jacobian_for_a_symmetric_variable_fails_the_check():
    """The identity (what Sᵀ by S gave when Sᵀ was rewritten to S) instead of the commutation matrix."""
    d = derive("S: symmetric\nS'", wrt="S", check=False)
    eye = derive("S: symmetric\nS", wrt="S", check=False)
    d = _with_result(d, eye.results["denominator"].expr, eye.results["numerator"].expr)
    assert run_check(d, seed=0).status == "failed"


def test_export_refuses_conventions_its_check_cannot_verify():
    for convention, order in (("minka", 1), ("sym", 2)):
        d = derive("S: symmetric\ntr(S*A*S')", wrt="S", order=order, symmetric=convention, check=False)
        with pytest.raises(MatdiffError, match="export with --symmetric independent"):
            d.to_python()
    for convention, order in (("independent", 1), ("sym", 1), ("independent", 2)):
        namespace: dict = {}
        d = derive("S: symmetric\ntr(S*A*S')", wrt="S", order=order, symmetric=convention, check=False)
        exec(compile(d.to_python(), "<matdiff export>", "exec"), namespace)  # our generated code only
        check = namespace["check_hessian" if order == 2 else "check_gradient"]
        assert check() < 1e-5, convention
