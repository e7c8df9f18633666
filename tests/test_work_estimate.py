"""The work estimate predicts the whole cell and refuses, before starting, what would run far past
the time limit: with the estimate in the message and the caret under the expression, fast, in a
real IPython shell; under the limit, or with no limit (``derive()`` called directly), nothing is
refused on a guess. benchmarks/bench_estimate.py compares the prediction with measured times; here
the prediction of each scaling family is compared with the times that run measured, and its growth
with the size of the input, without timing anything.

The cell refused is a long product chain, ‖X A₁ X A₂ ⋯ X A₉₆ b‖² (about 4 s): a deep network, as deep as the
parser and MAX_WORK allow, now runs its whole cell in well under the 1 s below which a cell is
never refused on a guess (bounds.REFUSE_SECONDS).
"""

from __future__ import annotations

import itertools
import time

import pytest
from conftest import run

from matdiff_magic import MatdiffError
from matdiff_magic.depth import deep_recursion
from matdiff_magic.derivation import bounds
from matdiff_magic.timelimit import current_limit, time_limit
from matdiff_magic.types.lower import choose_wrt, typecheck


def chain(depth: int) -> str:
    e = "x"
    for k in range(1, depth + 1):
        e = f"tanh(W{k}*{e})"
    return "a'*" + e


def product(factors: int) -> str:
    # ‖X A₁ X A₂ ⋯ X Aₖ b‖²: k terms of about 2k factors. (X X ⋯ X is one matrix power, whose
    # differential is k terms of two powers each: it grows linearly.)
    return "norm2(" + "*".join(f"X*A{k}" for k in range(1, factors + 1)) + "*b)^2"


def quadratic_forms(terms: int) -> str:
    return " + ".join(f"x'*A{k}*x" for k in range(1, terms + 1))


LONG = product(96)  # predicted, and measured, past 1.5 times a limit of 1 s


def typed(source: str):
    with deep_recursion():
        return typecheck(source)


def test_the_running_time_limit_is_known_inside_its_block_only():
    assert current_limit() is None
    with time_limit(7.5):
        assert current_limit() == 7.5
        with time_limit(2.0):
            assert current_limit() == 2.0
        assert current_limit() == 7.5
    assert current_limit() is None


def test_the_prediction_grows_with_the_depth_of_the_chain():
    works = [bounds.work_of(typed(chain(n)).expr, "W1")[0] for n in (4, 8, 16, 32)]
    assert works == sorted(works) and len(set(works)) == 4
    seconds = [bounds.predicted_seconds(typed(chain(n)).expr, "W1") for n in (4, 8, 16, 32)]
    assert seconds == sorted(seconds) and len(set(seconds)) == 4 and seconds[0] >= bounds.BASE_SECONDS


def test_shown_steps_follow_the_nesting_not_the_number_of_terms():
    one = typed("x'*A1*x").expr
    many = typed(" + ".join(f"x'*A{k}*x" for k in range(1, 33))).expr
    # one rule applies at every term in one step: 32 terms show as many steps as one, plus the sum
    assert bounds.shown_steps(many, "x") <= bounds.shown_steps(one, "x") + 2
    assert bounds.shown_steps(typed(chain(16)).expr, "W1") > bounds.shown_steps(typed(chain(4)).expr, "W1")


def test_a_cell_predicted_far_past_its_limit_is_refused_before_it_starts():
    t = typed(LONG)
    var = choose_wrt(t, "X")
    assert bounds.predicted_seconds(t.expr, "X") > 1.0  # the premise of this test
    assert bounds.predicted_seconds(t.expr, "X") > bounds.REFUSE_FACTOR * 1.0
    with time_limit(1.0), pytest.raises(MatdiffError) as caught:
        bounds.check_work(t.expr, var, LONG, t.span)
    message = str(caught.value)
    assert "would take about" in message and "over the time limit of 1 s" in message
    assert "--timeout" in message
    # with no limit (derive() called directly) the same cell is not refused on a guess
    bounds.check_work(t.expr, var, LONG, t.span)


def test_the_magic_refuses_with_the_estimate_fast_and_the_shell_goes_on(shell):
    start = time.process_time()  # this process's CPU time: a loaded machine's waits not counted
    result, captured = run(shell, f"%%matdiff --wrt X --timeout 1\n{LONG}\n")
    elapsed = time.process_time() - start
    output = captured.stdout + captured.stderr
    assert not result.success and type(result.error_in_exec).__name__ == "UsageError"
    message = str(result.error_in_exec)
    assert "would take about" in message and "estimated before starting" in message
    assert "^" in message  # the caret under the expression
    assert "Traceback" not in output
    assert elapsed < 1.0  # refused before deriving: no wait for the limit
    again, _ = run(shell, "%%matdiff --wrt X\na'*X*b\n")
    assert again.success and again.result.check_result.passed


def test_the_refusal_speaks_chinese(shell):
    result, _ = run(shell, f"%%matdiff --wrt X --timeout 1 --lang zh\n{LONG}\n")
    assert not result.success
    message = str(result.error_in_exec)
    assert "开始前估计" in message and "would take" not in message


def test_a_wide_sum_is_not_refused_for_its_number_of_terms():
    # 256 like terms derive in the steps of one (a rule applied at every term in one step)
    source = quadratic_forms(256)
    t = typed(source)
    bounds.check_work(t.expr, choose_wrt(t, "x"), source, t.span)  # no MatdiffError
    work, shown, _ = bounds.work_of(t.expr, "x")
    assert work < bounds.MAX_WORK and shown == bounds.shown_steps(typed("x'*A1*x").expr, "x") + 2


def test_a_product_of_many_factors_holding_x_is_refused_for_its_differential():
    source = "x: scalar\n" + "*".join(f"sin({i}*x)" for i in range(1, 301))
    t = typed(source)
    assert bounds.work_of(t.expr, "x")[2] > bounds.MAX_DIFFERENTIAL
    with pytest.raises(MatdiffError, match="too large to do step by step"):
        bounds.check_work(t.expr, choose_wrt(t, "x"), source, t.span)


# Whole-cell CPU seconds that benchmarks/bench_estimate.py measured for the constants of bounds.py
# (medians of 3, load average under 1, with the constants refitted in that run; the README's table): each scaling family's
# prediction, at its smallest and largest size there, stays within FACTOR of them.
MEASURED = {
    ("chain", 4): 0.0153,
    ("chain", 64): 0.5158,
    ("sum", 4): 0.0097,
    ("sum", 256): 0.4329,
    ("product", 4): 0.0248,
    ("product", 96): 4.9851,
}
FACTOR = 2.0
SOURCES = {"chain": (chain, "W1"), "sum": (quadratic_forms, "x"), "product": (product, "X")}


def predicted(family: str, n: int) -> float:
    make, wrt = SOURCES[family]
    return bounds.predicted_seconds(typed(make(n)).expr, wrt)


def test_each_scaling_family_is_predicted_within_a_factor_of_its_measured_time():
    for (family, n), seconds in MEASURED.items():
        assert seconds / FACTOR <= predicted(family, n) <= seconds * FACTOR, (family, n)


def test_a_deep_network_is_predicted_to_grow_with_its_depth_but_less_than_its_square():
    # its steps grow with the depth, but once its lines are long each is shown shortened around
    # its change (from a depth of about 16 on)
    seconds = [predicted("chain", n) for n in (8, 16, 32, 64)]
    assert seconds == sorted(seconds) and len(set(seconds)) == 4
    for shallower, deeper in itertools.pairwise(seconds[1:]):
        assert 1.5 < deeper / shallower < 3.0  # twice as deep: not 4 times as long
    # its differential as held and printed grows linearly, though written out it grows as the square
    held = [bounds.measure(typed(chain(n)).expr, "W1") for n in (16, 32, 64)]
    assert held[2].dshown - held[1].dshown == 2 * (held[1].dshown - held[0].dshown)
    assert held[2].dsize > 3 * held[1].dsize


def test_a_sum_of_quadratic_forms_is_predicted_to_grow_linearly_with_its_terms():
    seconds = [predicted("sum", n) for n in (32, 64, 128, 256)]
    for fewer, more in itertools.pairwise(seconds):
        assert 1.5 < more / fewer <= 2.0


def test_a_product_chain_is_predicted_to_grow_with_the_square_of_its_length():
    # K terms of about K factors: the derivation holds K² nodes
    seconds = [predicted("product", n) for n in (16, 32, 64, 128)]
    for shorter, longer in itertools.pairwise(seconds):
        assert 2.5 < longer / shorter <= 4.0
    assert predicted("product", 128) > 5 * predicted("chain", 64)


def test_a_deep_network_that_runs_well_within_its_limit_is_not_refused():
    # the 64-layer network's whole cell takes about half a second: at a limit of 1 s it runs
    t = typed(chain(64))
    assert bounds.predicted_seconds(t.expr, "W1") < 1.0
    with time_limit(1.0):
        bounds.check_work(t.expr, choose_wrt(t, "W1"), chain(64), t.span)  # no MatdiffError


def test_a_long_line_is_taken_as_shown_around_its_change_past_the_printers_limit():
    from matdiff_magic.render import elide

    assert bounds.LINE_LIMIT == elide.LIMIT


# The depth-16 network's Hessian cell: 1.55 s measured by benchmarks/bench_estimate.py (median of
# 3, load average under 1), predicted about 1.6 s once its gradient is derived.
HESSIAN_MEASURED = {16: 1.55}


def _gradient(source: str, wrt: str):
    from matdiff_magic.derivation.stages import gradient_steps

    t = typed(source)
    return gradient_steps(t, choose_wrt(t, wrt), "independent", hessian=True)["plain"]["denominator"].expr


def test_a_hessian_is_predicted_from_its_gradient_within_a_factor_of_its_measured_time():
    for depth, seconds in HESSIAN_MEASURED.items():
        predicted = bounds.hessian_seconds(typed(chain(depth)).expr, _gradient(chain(depth), "W1"), "W1")
        assert seconds / FACTOR <= predicted <= seconds * FACTOR
        # the second stage costs more than the gradient's own cell: a Hessian is not its gradient
        assert predicted > 3 * bounds.predicted_seconds(typed(chain(depth)).expr, "W1")


def test_a_hessian_past_its_limit_is_refused_once_its_gradient_is_derived(shell):
    source = chain(24)  # its Hessian is estimated at about 6 s, past 1.5 times a 2 s limit
    # Times are this process's CPU time, compared within the run: a loaded CI machine once took
    # 1.2 s of wall clock for a refusal that takes 0.07 s here, and a wall-clock bound failed.
    assert run(shell, "%%matdiff --wrt x\nx'*x\n")[0].success  # the package's modules loaded
    start = time.process_time()
    result, captured = run(shell, f"%%matdiff --wrt W1 --order 2 --timeout 2\n{source}\n")
    refusal = time.process_time() - start
    assert not result.success and type(result.error_in_exec).__name__ == "UsageError"
    message = str(result.error_in_exec)
    assert "this Hessian and its output would take about" in message
    assert "over the time limit of 2 s" in message and "^" in message
    assert "Traceback" not in captured.stdout + captured.stderr
    assert refusal < 0.5  # refused before the second stage
    # its gradient alone runs; the refusal, which derives that gradient but not its output,
    # takes less than the gradient's cell: the second stage (over 3 times the gradient) never ran
    start = time.process_time()
    assert run(shell, f"%%matdiff --wrt W1 --timeout 5\n{source}\n")[0].success
    gradient_cell = time.process_time() - start
    print(f"refusal {refusal:.3f} s, gradient cell {gradient_cell:.3f} s")
    assert refusal < gradient_cell, (refusal, gradient_cell)
    # a small Hessian is not refused
    assert run(shell, "%%matdiff --wrt X --order 2 --timeout 0.5\ntr(A*X*B*X')\n")[0].success
