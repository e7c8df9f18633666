"""Where the numeric check's points reach: indefinite symmetric matrices, kinks away from 0, and a
derivative that is 0 as a formula only where f's differences are 0 to within their rounding.

A declared symmetric S was always drawn positive definite (bbᵀ + I), so det S > 0 and diag S ≥ 1
at every point: |det S| S⁻¹ passed for ∂ det S/∂S. Points of both signs reached |x| ≤ 3 only, so
relu(x + 10) was one linear piece at every point. Each wrong result is planted in a derivation
(another function's results) and the check must say FAILED (or, for the 0, not ✓); the right
results pass and agree with central differences of NumPy functions written here, at indefinite
symmetric points, in every layout (every entry of S independent: the default convention)."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, gradient_in_layout, planted_check

from matdiff_magic import derive
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import fd
from matdiff_magic.numeric.points import sample_point
from matdiff_magic.types.dims import Dim

WRONG = [
    # det S < 0 never drawn: |det S| S⁻¹ and det S S⁻¹ agreed
    ("S: symmetric\nabs(det(S))", "S: symmetric\ndet(S)", "S"),
    ("S: symmetric\ndet(S)", "S: symmetric\nabs(det(S))", "S"),
    # diag S ≥ 1 at every point: I for diag(sign(diag S))
    ("S: symmetric\nsum(abs(diag(S)))", "S: symmetric\ntr(S)", "S"),
    # kinks the points of scale ≤ 3 seldom crossed
    ("sum(relu(x + vector(10)))", "sum(x)", "x"),
    ("norm1(x + vector(10))", "sum(x)", "x"),
    ("sum(abs(x - vector(4)))", "-sum(x)", "x"),
]


@pytest.mark.parametrize("source, wrong, wrt", WRONG)
def test_a_planted_wrong_result_fails_the_check(source, wrong, wrt):
    result = planted_check(source, wrong, wrt)
    assert result.status == "failed", result.message
    assert result.message.startswith("✗ the numeric check FAILED")


@pytest.mark.parametrize("seed", range(5))
def test_det_below_zero_is_drawn_at_every_seed(seed):
    """The first point of both signs has det < 0 (``flip``): not a coin toss per seed."""
    cases = (("det(X)", "abs(det(X))", "X"), ("S: symmetric\ndet(S)", "S: symmetric\nabs(det(S))", "S"))
    for source, wrong, wrt in cases:
        result = planted_check(source, wrong, wrt, seed=seed)
        assert result.status == "failed", (source, seed, result.message)


def _indefinite(rng, n: int) -> np.ndarray:
    """A symmetric n×n matrix with one negative eigenvalue (det < 0), drawn here (not by the package)."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eig = rng.uniform(0.5, 2.0, n) * np.where(np.arange(n) == 0, -1.0, 1.0)
    return (q * eig) @ q.T


# f written in NumPy; the gradient by every entry independent (the default convention)
RIGHT = [
    ("S: symmetric\nabs(det(S))", "S", lambda S: abs(np.linalg.det(S))),
    ("S: symmetric\ndet(S)", "S", lambda S: np.linalg.det(S)),
    ("S: symmetric\nsum(abs(diag(S)))", "S", lambda S: np.abs(np.diag(S)).sum()),
    ("S: symmetric\nsum(relu(diag(S)))", "S", lambda S: np.maximum(np.diag(S), 0).sum()),
]


@pytest.mark.parametrize("source, wrt, f", RIGHT)
def test_the_right_results_pass_and_agree_with_differences_at_indefinite_points(source, wrt, f):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed", d.check_result.message
    rng = np.random.default_rng(7)
    for n in (3, 4):
        S = _indefinite(rng, n)
        assert np.linalg.det(S) < 0
        expected = central_difference(lambda S: f(S), {"S": S}, "S")
        for layout in ("denominator", "mixed", "numerator"):
            got = d.with_layout(layout).evaluate(S=S)
            assert_close(got, gradient_in_layout(expected, layout), 1e-6, f"{source}, {layout}, n={n}")


@pytest.mark.parametrize(
    "source, wrt", [("sum(relu(x + vector(10)))", "x"), ("sum(abs(x - vector(4)))", "x")]
)
def test_kinks_away_from_zero_right_results(source, wrt):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed", d.check_result.message
    shift = 10.0 if "relu" in source else -4.0
    f = (
        (lambda x: np.maximum(x + shift, 0).sum())
        if "relu" in source
        else (lambda x: np.abs(x + shift).sum())
    )
    x = np.array([-12.5, 3.0, -9.25, 5.5, 0.75])  # both sides of each kink, none on one
    expected = central_difference(lambda x: f(x), {"x": x}, "x")
    for layout in ("denominator", "mixed", "numerator"):
        got = np.ravel(d.with_layout(layout).evaluate(x=x))
        assert_close(got, np.ravel(gradient_in_layout(expected, layout)), 1e-6, f"{source}, {layout}")


def _symmetric_var(name="S") -> ir.Var:
    return derive(f"{name}: symmetric\ntr({name})", wrt=name, check=False).wrt


def test_sample_point_draws_symmetric_matrices_indefinite_when_flipped():
    S = _symmetric_var()
    n = Dim.of(S.shape[0])
    sizes = {str(n): 4} if not str(n).isdigit() else {}
    rng = np.random.default_rng(0)
    flipped = sample_point([S], sizes, rng, set(), scale=1.0, positive=False, flip=True)["S"]
    kept = sample_point([S], sizes, rng, set(), scale=1.0, positive=False, flip=False)["S"]
    positive = sample_point([S], sizes, rng, set(), scale=1.0, positive=True)["S"]
    declared = sample_point(
        [S], sizes, rng, set(), scale=1.0, positive=False, flip=True, definite=frozenset({"S"})
    )["S"]
    for a in (flipped, kept, positive, declared):
        assert np.array_equal(a, a.T)
    eig = np.linalg.eigvalsh(flipped)
    assert eig[0] <= -1.0 + 1e-12 and eig[1] >= 1.0 - 1e-12  # one eigenvalue ≤ -1, the rest ≥ 1
    assert np.linalg.det(flipped) < 0
    for a in (kept, positive, declared):  # positive definite: bbᵀ + I
        assert np.linalg.eigvalsh(a)[0] >= 1.0 - 1e-12


def test_a_zero_formula_is_not_confirmed_where_the_differences_see_f_move():
    """1 + 10⁻⁹ Σ relu(x): its differences read 10⁻⁹, about 4× their rounding ε|f|/h; a planted 0
    was ✓. It is 'could not check' now, as the right result is."""
    assert fd.rounding(1.0) * 3 < 1e-9
    result = planted_check("1 + 1e-9*sum(relu(x))", "0*sum(x)", "x")
    assert result.status == "skipped", result.message
    right = derive("1 + 1e-9*sum(relu(x))", wrt="x").check_result
    assert right.status == "skipped", right.message


@pytest.mark.parametrize(
    "source, wrt",
    [("tr(inv(X)*X)", "X"), ("a'*X*b - b'*X'*a", "X"), ("x'*A*x - x'*A'*x", "x"), ("log(exp(x)) - x", "x")],
)
def test_a_zero_formula_whose_differences_are_rounding_still_passes(source, wrt):
    d = derive(source, wrt=wrt)
    assert float(np.max(np.abs(d.evaluate(**_values(d))))) == 0.0  # 0 as a formula
    assert d.check_result.status == "passed", d.check_result.message


def _values(d) -> dict:
    rng = np.random.default_rng(3)
    out = {}
    for v in d.variables:
        shape = tuple(3 if not str(s).isdigit() else int(str(s)) for s in v.shape)
        a = rng.standard_normal(shape) + (3 * np.eye(3) if shape == (3, 3) else 0)
        out[v.name] = a[:, 0] if shape[1:] == (1,) else a
    return out


WRONG_GRADIENT = [
    ("sum(x.^4)", "2*sum(x.^4)", "x"),
    ("x'*A*x", "2*x'*A*x", "x"),
    ("log(det(X))", "-log(det(X))", "X"),
    ("sum(relu(x).^2)", "sum(x.^2)", "x"),
]


@pytest.mark.parametrize("source, wrong, wrt", WRONG_GRADIENT)
def test_a_hessian_of_a_wrong_gradient_fails_the_check(source, wrong, wrt):
    """The Hessian was compared with differences of the derivation's own gradient only: a wrong
    gradient and its (consistent) Jacobian passed. The gradient is compared with f's first."""
    result = planted_check(source, wrong, wrt, order=2)
    assert result.status == "failed", result.message


HESSIANS = [
    ("sum(x.^4)", "x", lambda x: np.sum(x**4), (5,)),
    ("sum(relu(x).^2)", "x", lambda x: np.sum(np.maximum(x, 0) ** 2), (5,)),
    ("log(det(X))", "X", lambda X: np.log(np.linalg.det(X)), (3, 3)),
]


@pytest.mark.parametrize("source, wrt, f, shape", HESSIANS)
def test_right_hessians_pass_and_agree_with_second_differences(source, wrt, f, shape):
    from numeric_helpers import numeric_hessian

    d = derive(source, wrt=wrt, order=2)
    assert d.check_result.status == "passed", d.check_result.message
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape) * 0.5 + (2 * np.eye(3) if len(shape) == 2 else 0)
    x = np.where(np.abs(x) < 0.05, 0.3, x)  # no entry within a step of relu's kink
    expected = numeric_hessian(lambda **v: f(v[wrt]), {wrt: x}, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**{wrt: x})
        assert_close(got, expected, 1e-5, f"{source}, {layout}")


@pytest.mark.parametrize("source", ["alpha: scalar\nalpha + 1e300", "x: vector\n1e300 + x'*x"])
def test_the_gradient_of_a_hessian_is_not_judged_where_rounding_swamps_f(source):
    """f's differences at 1e300 are rounding (0 or 10²⁹⁴): they cannot call the gradient wrong
    (a false alarm the independent-oracle fuzzer found)."""
    d = derive(source, order=2)
    assert d.check_result.status != "failed", d.check_result.message


@pytest.mark.parametrize(
    "source, seed",
    [
        ("sum(log(1 - sigmoid(x))) + sum(relu(x + vector(10)))", 16),
        ("sum(log(1 - sigmoid(x))) + sum(relu(x - vector(20)))", 12),
        ("sum(log(1 - tanh(x).^2)) + norm1(x - vector(5))", 12),
    ],
)
def test_differences_that_read_f_s_rounding_are_no_disagreement(source, seed):
    """At the far points (x ≈ 35), 1 − σ(x) is a few ulps and log of it a stair of rounded values:
    its differences agree at both steps and are not its derivative. Moved by a few ε per operation
    (Monte Carlo arithmetic) they change wholly; a right result is not FAILED there (false alarms
    a reviewer found), and the right result agrees with differences of a stable NumPy f."""
    d = derive(source, wrt="x", seed=seed)
    assert d.check_result.status == "passed", d.check_result.message
    shift = 10.0 if "x + vector(10)" in source else -20.0 if "relu" in source else -5.0
    if "tanh" in source:

        def f(x):  # log(1 − tanh²x) = log 4 − 2|x| − 2 log(1 + e^(−2|x|)), stably
            return (
                np.sum(np.log(4.0) - 2 * np.abs(x) - 2 * np.log1p(np.exp(-2 * np.abs(x))))
                + np.abs(x + shift).sum()
            )
    else:

        def f(x):  # log(1 − σ(x)) = −log(1 + eˣ), stably
            return -np.sum(np.logaddexp(0.0, x)) + np.maximum(x + shift, 0).sum()

    x = np.array([35.5, -15.25, 11.2, -3.1])
    expected = central_difference(lambda x: f(x), {"x": x}, "x")
    for layout in ("denominator", "mixed", "numerator"):
        got = np.ravel(d.with_layout(layout).evaluate(x=x))
        assert_close(got, np.ravel(gradient_in_layout(expected, layout)), 1e-6, f"{source}, {layout}")


# kinks of a symmetric variable's entries beyond ±3: drawn bbᵀ + I at every scale, its entries
# stayed near I, and a result right only there passed
FAR_SYMMETRIC_WRONG = [
    ("S: symmetric\nsum(relu(diag(S) + vector(10)))", "S: symmetric\ntr(S)", "S"),
    ("S: symmetric\nsum(relu(S + matrix(8)))", "S: symmetric\nsum(S)", "S"),
    (  # under a determinant: its first diagonal entry reaches ±scale, S still well conditioned
        "S: symmetric\nsum(relu(diag(S) + vector(10))) + log(abs(det(S)))",
        "S: symmetric\ntr(S) + log(abs(det(S)))",
        "S",
    ),
]


@pytest.mark.parametrize("source, wrong, wrt", FAR_SYMMETRIC_WRONG)
def test_a_planted_result_right_only_near_i_fails_for_a_symmetric_variable(source, wrong, wrt):
    failed = [planted_check(source, wrong, wrt, seed=seed).status == "failed" for seed in range(5)]
    assert sum(failed) >= 4, failed
    assert planted_check(source, wrong, wrt).status == "failed"


FAR_SYMMETRIC_RIGHT = [
    ("S: symmetric\nsum(relu(diag(S) + vector(10)))", lambda S: np.maximum(np.diag(S) + 10, 0).sum()),
    ("S: symmetric\nsum(relu(S + matrix(8)))", lambda S: np.maximum(S + 8, 0).sum()),
    (
        "S: symmetric\nsum(relu(diag(S) + vector(10))) + log(abs(det(S)))",
        lambda S: np.maximum(np.diag(S) + 10, 0).sum() + np.log(abs(np.linalg.det(S))),
    ),
]


@pytest.mark.parametrize("source, f", FAR_SYMMETRIC_RIGHT)
def test_the_right_results_pass_and_agree_with_differences_across_far_kinks(source, f):
    """The derivation's results, by every entry of S independently (the default convention),
    against central differences of f in NumPy at symmetric points with entries on both sides of
    the kinks (none within a step of one), in every layout."""
    d = derive(source, wrt="S")
    assert d.check_result.status == "passed", d.check_result.message
    for n in (3, 4):
        S = _indefinite(np.random.default_rng(n), n) * 4.0
        S[np.diag_indices(n)] = [-20.0, 5.0, -13.5, 2.0][:n]
        S[0, 1] = S[1, 0] = -11.0  # an entry of S + 8 below 0 off the diagonal too
        assert abs(np.linalg.det(S)) > 1e-3
        expected = central_difference(lambda S: f(S), {"S": S}, "S")
        for layout in ("denominator", "mixed", "numerator"):
            got = d.with_layout(layout).evaluate(S=S)
            assert_close(got, gradient_in_layout(expected, layout), 1e-6, f"{source}, {layout}, n={n}")


def test_sample_point_reaches_far_entries_of_a_symmetric_variable():
    """At the far points of both signs (scale > 1) a symmetric variable outside inv and det is the
    symmetric part of a draw at that scale; under them, bbᵀ + I with its first diagonal entry ±scale:
    definite, or indefinite with one eigenvalue ≤ −scale and the rest ≥ 1 (det S < 0)."""
    S = _symmetric_var()
    n = Dim.of(S.shape[0])
    sizes = {str(n): 4} if not str(n).isdigit() else {}
    rng = np.random.default_rng(1)
    free = [sample_point([S], sizes, rng, set(), scale=30.0, positive=False)["S"] for _ in range(20)]
    for a in free:
        assert np.array_equal(a, a.T)
    entries = np.concatenate([a.ravel() for a in free])
    assert entries.min() < -10 and entries.max() > 10
    assert min(np.diag(a).min() for a in free) < -10  # diagonal entries far below 0 too
    under = [
        sample_point([S], sizes, rng, {"S"}, scale=30.0, positive=False, flip=f)["S"] for f in (True, False)
    ]
    flipped, kept = under
    assert flipped[0, 0] == -30.0 and kept[0, 0] == 30.0
    eig = np.linalg.eigvalsh(flipped)
    assert eig[0] <= -30.0 + 1e-9 and eig[1] >= 1.0 - 1e-12 and np.linalg.det(flipped) < 0
    assert np.linalg.eigvalsh(kept)[0] >= 1.0 - 1e-12
    near = sample_point([S], sizes, rng, set(), scale=1.0, positive=False, flip=True)["S"]
    assert near[0, 0] == -1.0 and np.linalg.eigvalsh(near)[1] >= 1.0 - 1e-12  # as before at scale 1


# a kink's argument is crossed entry by entry: one diagonal entry of S − 2 above 0 ended the search
# when a point counted for the whole argument, and a result right on the diagonal only passed
ENTRYWISE_WRONG = [
    ("S: symmetric\nsum(relu(S - matrix(2)))", "S: symmetric\nsum(relu(diag(S) - vector(2)))", "S"),
    ("X: matrix(m, m)\nsum(relu(X - matrix(2)))", "X: matrix(m, m)\nsum(relu(diag(X) - vector(2)))", "X"),
]


@pytest.mark.parametrize("source, wrong, wrt", ENTRYWISE_WRONG)
def test_a_result_right_on_the_diagonal_only_fails(source, wrong, wrt):
    failed = [planted_check(source, wrong, wrt, seed=seed).status == "failed" for seed in range(6)]
    assert sum(failed) >= 5, failed


def test_kink_signs_are_kept_entry_by_entry():
    from matdiff_magic.numeric.check import KinkSigns

    signs = KinkSigns()
    signs.note(np.array([[1.0, -1.0], [2.0, 3.0]]))
    assert not signs.both  # three entries took one sign only
    signs.note(np.array([[-1.0, 1.0], [-2.0, 3.0]]))
    assert not signs.both  # the last entry is positive at both points
    signs.note(np.array([[1.0, 1.0], [1.0, -0.5]]))
    assert signs.both
