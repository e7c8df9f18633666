"""The numeric check and check_answer catch what positive points and an absolute tolerance hid.

Where every entry is positive, sign(x) is 1, |x| is x and relu(x) is x, and a power of small values
vanishes; measured against 1, a derivative whose entries are all below 1 was compared absolutely.
A wrong result is planted in a derivation (another function's results) and the check must say
FAILED; the right ones must still pass. check_answer must call the same mistakes wrong."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import check_answer, derive
from matdiff_magic.numeric.check import error_floor, relative_error


def _planted(source: str, wrong: str, wrt: str, **kw):
    """The derivation of ``source`` carrying the results of ``wrong``, checked."""
    d = derive(source, wrt=wrt, check=False, **kw)
    planted = derive(wrong, wrt=wrt, check=False, **kw)
    d.results = {layout: planted.results[layout] for layout in d.results}
    d.check()
    return d.check_result


WRONG = [
    ("norm1(x)", "sum(x)", "x", {}),  # 𝟏 for sign(x)
    ("sum(relu(W*x))", "sum(W*x)", "x", {}),  # Wᵀ𝟏 for Wᵀ(Wx > 0)
    ("sum(abs(X*b))", "sum(X*b)", "X", {}),  # 𝟏bᵀ for sign(Xb) bᵀ
    ("(a'*x)^12", "(a'*x)^11", "x", {}),  # 11 (aᵀx)¹⁰ a: small at positive points
    ("1e-8*x'*x", "0*x'*x", "x", {}),  # 0 for 2·10⁻⁸ x
    ("1e-8*x'*x", "5e-8*x'*x", "x", {}),  # a factor 5 on values below 1
    ("sum(abs(x).*x)", "x'*x", "x", {"order": 2}),  # 2I for 2 diag(sign(x))
    # a matrix under det drawn near a multiple of I has det > 0: |det X| looked like det X
    ("det(X)", "abs(det(X))", "X", {}),  # |det X| X⁻ᵀ for det X X⁻ᵀ
    ("abs(det(X))", "det(X)", "X", {}),
]


@pytest.mark.parametrize("source, wrong, wrt, kw", WRONG)
def test_a_planted_wrong_result_fails_the_check(source, wrong, wrt, kw):
    result = _planted(source, wrong, wrt, **kw)
    assert result.status == "failed", result.message
    assert result.message.startswith("✗ the numeric check FAILED")


@pytest.mark.parametrize("source, wrong, wrt, kw", WRONG)
def test_the_right_results_still_pass(source, wrong, wrt, kw):
    d = derive(source, wrt=wrt, **kw)
    assert d.check_result.status == "passed", d.check_result.message


def test_the_error_is_relative_to_the_derivative_down_to_the_rounding_of_the_differences():
    truth = np.array([2e-8, 4e-8])
    assert relative_error(np.zeros(2), truth, error_floor(1.0)) > 1e-5  # 0 is not 2·10⁻⁸ x
    assert relative_error(truth * (1 + 1e-9), truth, error_floor(1.0)) < 1e-5
    assert error_floor(1.0) < 1e-3 and error_floor(1e12) == 1.0  # rounding of huge values: at most 1
    assert relative_error(np.zeros(2), np.zeros(2), 0.0) == 0.0
    assert relative_error(np.ones(2), np.zeros(2), 0.0) == np.inf


ANSWERS_WRONG = [
    ("vector(1)", "norm1(x)", "x", 1),
    ("matrix(1)", "norm1(X)", "X", 1),
    ("2*abs(x)", "x'*x", "x", 1),
    ("abs(X)", "norm2(X)^2/2", "X", 1),
    ("W'*vector(1)", "sum(relu(W*x))", "x", 1),
    ("a*b'", "sum(abs(a'*X*b))", "X", 1),
    ("vector(1)", "sum(sqrt(x.^2))", "x", 1),
    ("eye", "abs(x)", "x", 1),
    ("2*eye", "sum(abs(x).*x)", "x", 2),
    ("W'*W*2", "norm2(relu(W*x))^2", "x", 2),
    ("0*x", "1e-8*x'*x", "x", 1),
    ("x*1e-7", "1e-8*x'*x", "x", 1),
    ("0*a", "(a'*x)^20", "x", 1),
    ("19*(a'*x)^19*a", "(a'*x)^20", "x", 1),
    ("abs(det(X))*inv(X)'", "det(X)", "X", 1),
    ("det(X)*inv(X)'", "abs(det(X))", "X", 1),
    ("eye*sign(det(X))", "tr(X)", "X", 1),
]


@pytest.mark.parametrize("answer, f, wrt, order", ANSWERS_WRONG)
def test_check_answer_calls_a_sign_or_scale_mistake_wrong(answer, f, wrt, order):
    r = check_answer(answer, f, wrt=wrt, order=order)
    assert not r.correct and r.kind != "correct", r.message


@pytest.mark.parametrize(
    "answer, f, wrt",
    [
        ("sign(x)", "norm1(x)", "x"),
        ("2e-8*x", "1e-8*x'*x", "x"),
        ("20*(a'*x)^19*a", "(a'*x)^20", "x"),
        ("(A + A')*x", "x'*A*x", "x"),
        ("0*x", "x'*(A - A')*x", "x"),
        ("(A - A')*x + (A' - A)*x", "x'*(A - A')*x", "x"),  # zero up to rounding
        ("sign(X*b)*b'", "sum(abs(X*b))", "X"),
        ("det(X)*inv(X)'", "det(X)", "X"),
        ("sign(det(X))*det(X)*inv(X)'", "abs(det(X))", "X"),
        ("inv(X)'", "log(det(X))", "X"),  # defined where det X > 0 only: those points
        ("inv(X)'", "log(abs(det(X)))", "X"),
    ],
)
def test_check_answer_accepts_the_right_answers(answer, f, wrt):
    r = check_answer(answer, f, wrt=wrt)
    assert r.correct, r.message


@pytest.mark.parametrize(
    "source, wrong, wrt",
    [
        ("norm1(x)", "sum(x)", "x"),  # a 1-norm is a kink too
        ("sum(relu(W*x))", "sum(W*x)", "x"),
        ("sum(log(y)) + norm1(x)", "sum(log(y)) + sum(x)", "x"),  # y must stay positive
    ],
)
def test_a_planted_wrong_result_fails_at_most_seeds(source, wrong, wrt):
    """Over seeds, not one lucky seed: a result wrong on one side of a kink fails nearly always."""
    failed = 0
    planted = derive(wrong, wrt=wrt, check=False)
    for seed in range(8):
        d = derive(source, wrt=wrt, check=False)
        d.results = {layout: planted.results[layout] for layout in d.results}
        d.check(seed=seed)
        assert d.check_result.status != "passed" or failed < 7, d.check_result.message
        failed += d.check_result.status == "failed"
    assert failed >= 7


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("norm1(x)", "x"),
        ("sum(log(y)) + norm1(x)", "x"),
        ("relu(a'*x)", "x"),
        ("log(det(X))", "X"),  # half the signed points have det X < 0, where f is not defined
        ("abs(det(X))", "X"),
    ],
)
def test_right_results_with_kinks_pass_at_every_seed(source, wrt):
    for seed in range(8):
        d = derive(source, wrt=wrt, seed=seed)
        assert d.check_result.status == "passed", (seed, d.check_result.message)


def test_a_single_disagreement_is_never_outvoted():
    """sum(1 - x) planted for sum(|x - 1|): right wherever x < 1, which most points are."""
    planted = derive("sum(1 - x)", wrt="x", check=False)
    for seed in range(8):
        d = derive("sum(abs(x - 1))", wrt="x", check=False)
        d.results = {layout: planted.results[layout] for layout in d.results}
        d.check(seed=seed)
        assert d.check_result.status != "passed", (seed, d.check_result.message)


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("sum_i(norm1(x_i - mu))", "mu"),  # a kink of one sample's values: not evaluated alone
        ("y_i: scalar\nsum_i(abs(w'*x_i - y_i))", "w"),
        ("sum(abs(X*b)) + norm1(y - 3)", "X"),  # a kink X does not move: no signs needed of it
    ],
)
def test_kinks_the_check_cannot_or_need_not_cross_leave_it_passing(source, wrt):
    for seed in range(3):
        d = derive(source, wrt=wrt, seed=seed)
        assert d.check_result.status == "passed", (seed, d.check_result.message)
