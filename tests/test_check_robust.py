"""The numeric check never crashes and never lies.

Inverses whose argument is singular at some sizes (X Xᵀ needs a wide X, Xᵀ X a tall one) derive,
show the derivation and pass their check; their values agree with central differences of NumPy
functions written here by hand, at non-square sizes, in all three layouts. evaluate() at a
singular point raises MatdiffError naming the matrix. Where finite differences cannot decide
(values of size 1e300, a kink of abs or relu under the step, differences that change with the
step) the check says "could not check: …" and why; a wrong derivative still FAILS. A property
test over the fuzz grammar: derive(..., check=True) raises nothing but MatdiffError.
"""

from __future__ import annotations

import fuzz_strategies as fs
import numpy as np
import pytest
from conftest import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.linalg import inv

from matdiff_magic import MatdiffError, derive
from matdiff_magic.derivation.layouts import Result
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import check
from matdiff_magic.numeric.check import Examiner, run_check

LAYOUTS = ("numerator", "denominator", "mixed")


def vec(a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def differences(f, values: dict, name: str, h: float = 1e-6) -> np.ndarray:
    """∂vec f/∂(vec x)ᵀ by central differences, written here (rows: vec f, columns: vec x)."""
    x0 = np.array(values[name], dtype=float)
    cols = []
    for k in range(x0.size):
        idx = np.unravel_index(k, x0.shape, order="F")
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += h
        xm[idx] -= h
        cols.append((vec(f(**{**values, name: xp})) - vec(f(**{**values, name: xm}))) / (2 * h))
    return np.stack(cols, axis=1)


def close(actual, expected, label):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{label}: shape {actual.shape} != {expected.shape}"
    err = np.max(np.abs(actual - expected)) / max(1.0, np.max(np.abs(expected)))
    assert err < 1e-5, f"{label}: relative error {err:.1e}"


rng = np.random.default_rng(7)
N = rng.standard_normal
SPD = lambda n: (lambda b: b @ b.T + n * np.eye(n))(N((n, n)))

# source, wrt, NumPy f (by hand), values at sizes where the inverted matrix is invertible,
# non-square; each of these inverts a matrix that is singular at some sizes
SINGULAR_FAMILY = [
    ("tr(inv(X*X'))", "X", lambda X: np.trace(inv(X @ X.T)), dict(X=N((2, 4)))),
    (
        "tr(C*inv(X'*B*X))",
        "X",
        lambda C, X, B: np.trace(C @ inv(X.T @ B @ X)),
        dict(C=N((3, 3)), X=N((5, 3)), B=SPD(5)),
    ),
    ("tr(inv(A*X))", "X", lambda A, X: np.trace(inv(A @ X)), dict(A=N((2, 4)), X=N((4, 2)))),
    ("a'*inv(X'*X)*a", "X", lambda a, X: a @ inv(X.T @ X) @ a, dict(a=N(3), X=N((5, 3)))),
    ("X'*inv(X*X')", "X", lambda X: X.T @ inv(X @ X.T), dict(X=N((2, 4)))),
    (
        "a'*inv(X*Y)*b",
        "X",
        lambda a, X, Y, b: a @ inv(X @ Y) @ b,
        dict(a=N(2), X=N((2, 4)), Y=N((4, 2)), b=N(2)),
    ),
]
IDS = [case[0] for case in SINGULAR_FAMILY]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("source, wrt, f, values", SINGULAR_FAMILY, ids=IDS)
def test_singular_sizes_derive_and_pass_their_check(source, wrt, f, values, layout):
    d = derive(source, wrt=wrt, layout=layout)
    assert d.check_result.status == "passed", d.check_result.message
    text = d.to_text()
    assert "✓ checked at a random point, max rel. error" in text
    assert len(d.steps) > 2 and "could not check" not in text


@pytest.mark.parametrize("source, wrt, f, values", SINGULAR_FAMILY, ids=IDS)
def test_singular_family_values_against_numpy(source, wrt, f, values):
    jac = differences(f, values, wrt)  # (entries of vec f) × (entries of vec X)
    X = values[wrt]
    for layout in LAYOUTS:
        got = derive(source, wrt=wrt, layout=layout, check=False).evaluate(**values)
        if jac.shape[0] == 1:  # a scalar f: the gradient has X's shape, transposed in numerator layout
            grad = jac.reshape(X.shape, order="F")
            close(got, grad.T if layout == "numerator" else grad, f"{source} {layout}")
        else:  # a matrix f: the Jacobian, transposed in denominator layout
            close(got, jac.T if layout == "denominator" else jac, f"{source} {layout}")


@pytest.mark.parametrize(
    "source, values, message",
    [
        ("tr(inv(X*X'))", dict(X=np.ones((3, 2))), "X Xᵀ is singular at the given X"),
        ("tr(inv(X*X'))", dict(X=N((4, 2))), "X Xᵀ is singular at the given X"),
        ("a'*inv(X'*X)*a", dict(a=N(3), X=N((2, 3))), "Xᵀ X is singular at the given X"),
        (
            "a'*inv(X*Y)*b",
            dict(a=N(3), X=N((3, 2)), Y=N((2, 3)), b=N(3)),
            "X Y is singular at the given X, Y",
        ),
        ("tr(inv(A*X))", dict(A=np.zeros((2, 2)), X=N((2, 2))), "A X is singular at the given A, X"),
    ],
)
def test_evaluate_at_a_singular_point_names_the_matrix(source, values, message):
    d = derive(source, wrt="X")
    with pytest.raises(MatdiffError, match=message):
        d.evaluate(**values)


def test_value_and_evaluate_refuse_values_that_are_not_numbers():
    d = derive("tr(inv(X*X'))", wrt="X")
    with pytest.raises(MatdiffError, match="X Xᵀ is singular"):
        d.value(X=np.ones((3, 2)))
    with pytest.raises(MatdiffError, match="must be numbers"):
        d.evaluate(X=[["a", "b"], ["c", "d"]])


def test_singular_at_every_size_says_so():
    d = derive("tr(inv(x*x'))", wrt="x")
    assert d.check_result.status == "skipped"
    assert d.check_result.message == "could not check: x xᵀ is singular at every size tried"
    assert d.check_result.message in d.to_text() and "x xᵀ" in d.to_text()
    assert r"\boldsymbol{x} \boldsymbol{x}^{T}\text{ is singular at every size tried}" in d.to_latex()
    assert d.to_json()["check"]["status"] == "skipped"


def test_huge_values_cannot_be_resolved():
    d = derive("x: scalar\n1e300 + x", wrt="x")
    assert d.check_result.status == "skipped"
    assert d.check_result.message == "could not check: finite differences cannot resolve values of size 1e300"
    assert d.evaluate(x=1.0) == 1.0 and d.check_result.message in d.to_text()


@pytest.mark.parametrize(
    "source", ["x: scalar\nabs(sin(1e6*x))", "x: scalar\nsin(1e7*x)", "x: scalar\nrelu(sin(1e6*x))*x"]
)
def test_differences_that_change_with_the_step_are_not_a_failure(source):
    d = derive(source, wrt="x")
    assert d.check_result.status in ("passed", "skipped"), d.check_result.message
    if d.check_result.status == "skipped":
        assert d.check_result.message.startswith("could not check: ")


@pytest.mark.parametrize(
    "source, point",
    [
        ("x: scalar\nabs(x)", np.array([[0.0]])),
        ("x: scalar\nabs(x)", np.array([[3e-7]])),
        ("sum(relu(x))", np.array([[1.0], [0.0], [-2.0]])),
        ("sum(sign(x).*x)", np.array([[1.0], [-1e-8], [2.0]])),
    ],
)
def test_a_kink_under_the_step_is_unresolved(source, point):
    d = derive(source, wrt="x", check=False)
    sizes = {d.wrt.shape[0]: point.shape[0]} if point.shape[0] > 1 else {}
    verdict = Examiner(d).examine({"x": point}, sizes)
    assert verdict.kind == "unresolved" and verdict.reason.kind == "kink"


def test_kinks_at_every_point_say_could_not_check(monkeypatch):
    d = derive("sum(abs(x))", wrt="x", check=False)
    at_zero = lambda variables, sizes, *args, **kwargs: {"x": np.zeros((sizes[d.wrt.shape[0]], 1))}
    monkeypatch.setattr(check, "sample_point", at_zero)
    result = run_check(d, seed=0, written=lambda e: "abs(x)")
    assert result.status == "skipped"
    assert result.message == (
        "could not check: finite differences step across a kink of abs(x) at every point tried"
    )


def test_square_root_near_zero_is_not_a_failure():
    d = derive("x: scalar\nsqrt(x)", wrt="x", check=False)
    for x in (1e-12, 1e-7, 1e-5, 1e-4):
        verdict = Examiner(d).examine({"x": np.array([[x]])}, {})
        assert verdict.kind != "disagree", (x, verdict)
    assert derive("x: scalar\nsqrt(x)", wrt="x").check_result.passed


def _replace_results(d, factor):
    d.results = {
        k: Result(k, factor(r.expr), r.lhs, r.lhs_text, r.shape, r.description) for k, r in d.results.items()
    }
    return d


@pytest.mark.parametrize(
    "source, wrt", [("a'*X*b", "X"), ("sum(abs(x))", "x"), ("tr(inv(X*X'))", "X"), ("X'*inv(X*X')", "X")]
)
def test_a_wrong_derivative_still_fails(source, wrt):
    d = _replace_results(derive(source, wrt=wrt, check=False), lambda e: ir.MatMul([ir.Const(2), e]))
    result = run_check(d, seed=0)
    assert result.status == "failed" and result.max_rel_error > 1e-3
    assert "✗ the numeric check FAILED: max rel. error" in result.message


def test_a_derivative_of_the_wrong_shape_fails_instead_of_raising():
    d = _replace_results(derive("a'*X*b", wrt="X", check=False), lambda e: ir.Const(2))
    result = run_check(d, seed=0)
    assert result.status == "failed" and "FAILED" in result.message


def test_a_variable_named_self_can_be_given_a_value():
    d = derive("self'*x", wrt="x")
    assert np.allclose(d.evaluate(self=np.ones(3), x=np.arange(3.0)), np.ones(3))
    assert d.value(self=np.ones(3), x=np.arange(3.0)) == 3.0


@pytest.mark.parametrize(
    "cell, fragment",
    [
        *[(f"%%matdiff --wrt X\n{source}\n", "✓ checked at a random point") for source in IDS],
        *[(f"%%matdiff --wrt X --layout {layout}\ntr(inv(X*X'))\n", "✓ checked") for layout in LAYOUTS],
        ("%%matdiff --wrt x\nx: scalar\n1e300 + x\n", "could not check: finite differences cannot resolve"),
        ("%%matdiff --wrt x\ntr(inv(x*x'))\n", "could not check: x xᵀ is singular at every size tried"),
    ],
)
def test_the_magic_shows_the_derivation_and_the_check(shell, cell, fragment):
    result, captured = run(shell, cell)
    assert result.success, result.error_in_exec
    out = captured.stdout + captured.stderr
    assert "internal error" not in out and "Traceback" not in out
    assert fragment in out and "read off" in out


# ---- property: nothing but MatdiffError, never a false FAILED ------------------------------------
FACTORS = ["X", "X'", "A", "A'", "B", "X*X'", "X'*X"]
TEMPLATES = [
    "tr(inv({P}))",
    "u'*inv({P})*v",
    "logdet({P})",
    "det({P})",
    "tr(C*inv({P}))",
    "norm2(inv({P}))^2",
    "sum(inv({P})*u)",
    "{P}",
]


@st.composite
def singular_prone(draw):
    """Inverses and determinants of products of matrices whose sizes unification decides."""
    product = "*".join(draw(st.lists(st.sampled_from(FACTORS), min_size=1, max_size=3)))
    source = draw(st.sampled_from(TEMPLATES)).format(P=product)
    return fs.Program(source, "X" if "X" in product else "A", source)


FAST = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@FAST
@given(st.one_of(singular_prone(), fs.typed_program(max_depth=3)), st.sampled_from(LAYOUTS))
def test_derive_with_its_check_raises_only_matdiff_error(program, layout):
    try:
        d = derive(program.source, wrt=program.wrt, layout=layout, check=True)
    except MatdiffError as error:
        assert error.message
        return
    result = d.check_result
    assert result.status in ("passed", "skipped"), f"{result.message} for {program!r}"
    assert result.status == "passed" or result.message.startswith("could not check: ")
    assert result.message in d.to_text()
    d.to_latex(), d.to_json()
    sizes = check.sample_sizes(d.variables, [dim for n in d.function.walk() for dim in n.shape])
    values = check.sample_point(d.variables, sizes, np.random.default_rng(1), set(), 1.0, False)
    try:  # any values: a number or the package's error
        d.evaluate(**values)
    except MatdiffError as error:
        assert error.message


def test_differences_that_do_not_settle_cannot_decide():
    """cos(1e10 x) turns through many periods within one step: neither step resolves it, so the
    check says it could not check, and a wrong derivative elsewhere still fails."""
    for source in ("cos(1e10*x)", "x: scalar\ncos(1e10*x)"):
        result = derive(source, wrt="x").check_result
        assert result.status == "skipped"
        assert result.message.startswith("could not check: finite differences change with the step size")
