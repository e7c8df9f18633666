"""The independent-oracle fuzzer (fuzz/oracle/), bounded.

A fixed set of 200 generated inputs, each derived in every layout and compared with central
differences of the oracle's own NumPy semantics, must show no foreign exception, wrong value,
wrong shape or timeout. Every failure the fuzzer finds today has a minimal reproducer in
fuzz/oracle/known.py and a strict xfail test here: when a fix lands, its test passes, the strict
mark fails the run, and the entry is to be moved to known.FIXED, whose cases must stay fixed.
The long run is ``nice python fuzz/oracle/run.py --inputs 50000 --workers 1 --seed N``.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from fuzz.oracle import expr as E  # noqa: E402
from fuzz.oracle import oracle as O  # noqa: E402
from fuzz.oracle.generate import case_for  # noqa: E402
from fuzz.oracle.known import FIXED, KNOWN, Cell  # noqa: E402
from fuzz.oracle.pool import Pool  # noqa: E402
from fuzz.oracle.worker import ASSERTED_KINDS  # noqa: E402

# (seed, number of inputs): 200 inputs that pass today; each also runs the exported module of every
# layout, so the run stays well under a minute even on a busy 2-core machine (300 took 53 s there)
BOUNDED = tuple((seed, 50) for seed in (100, 102, 103, 104))


@pytest.fixture(scope="module")
def pool():
    with Pool(workers=2, timeout=10.0) as p:
        yield p


def test_bounded_run(pool):
    jobs = [((seed, i), case_for(seed, i)) for seed, n in BOUNDED for i in range(n)]
    bad, outcomes = [], {}
    for (seed, i), case, result in pool.run(jobs):
        outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
        assert result["outcome"] != "oracle_error", (case.source(), result["notes"])
        for f in result["failures"]:
            if f["kind"] in ASSERTED_KINDS:
                bad.append(
                    f"seed {seed} input {i}: wrt={case.wrt} layout={case.layout} order={case.order}\n"
                    f"{case.source()}\n-> {f['signature']}\n   {f['detail']}"
                )
    assert sum(outcomes.values()) == len(jobs)
    assert outcomes.get("ok", 0) > len(jobs) // 2, outcomes  # the oracle does compare most inputs
    assert not bad, "\n\n".join(bad)


@pytest.mark.parametrize(
    "known",
    [
        pytest.param(
            k,
            id=k.id,
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"{k.kind}: {k.reason}"),
        )
        for k in KNOWN
    ],
)
def test_known_failure(pool, known):
    case = known.case()
    result = pool.run_one(case)
    same = [f for f in result["failures"] if f["kind"] == known.kind]
    assert not same, f"{case.source()!r} by {case.wrt}: {same[0]['signature']}"
    if not known.refusal_is_a_fix:
        assert result["outcome"] != "refused", result["notes"].get("refusal")


@pytest.mark.parametrize("fixed", FIXED, ids=[k.id for k in FIXED])
def test_fixed_failure_stays_fixed(pool, fixed):
    case = fixed.case()
    result = pool.run_one(case)
    same = [f for f in result["failures"] if f["kind"] == fixed.kind]
    assert not same, f"{case.source()!r} by {case.wrt}: {same[0]['signature']} ({fixed.reason})"
    if not fixed.refusal_is_a_fix:
        assert result["outcome"] != "refused", result["notes"].get("refusal")


def _slow_unless_tiny(case):
    if case.tree.size() > 1:
        time.sleep(30)
    return {"outcome": "ok", "benign": "ok", "failures": [], "notes": {}, "seconds": 0.0}


def test_pool_reports_timeouts():
    c = Cell()
    tiny, big = c.case(c.vector("x"), "x"), case_for(100, 0)
    with Pool(workers=1, timeout=1.0, runner=_slow_unless_tiny) as p:
        result = p.run_one(big)
        assert [f["kind"] for f in result["failures"]] == ["timeout"]
        assert p.run_one(tiny)["outcome"] == "ok"  # the killed worker was replaced


def _waits_or_works(case):
    """Waits 1.5 s without working for a tiny case (a worker starved of a core), works 3 s otherwise."""
    if case.tree.size() > 1:
        start = time.process_time()
        while time.process_time() - start < 3.0:
            pass
    else:
        time.sleep(1.5)
    return {"outcome": "ok", "benign": "ok", "failures": [], "notes": {}, "seconds": 0.0}


def test_pool_limits_the_work_of_a_case():
    """The limit is on the worker's CPU time: a case that waits past it (as a niced worker on a busy
    machine does) is not a timeout; one that works past it is, and says how long it ran."""
    c = Cell()
    tiny, big = c.case(c.vector("x"), "x"), case_for(100, 0)
    with Pool(workers=1, timeout=1.0, runner=_waits_or_works) as p:
        assert p.run_one(tiny)["outcome"] == "ok"
        result = p.run_one(big)
        assert [f["kind"] for f in result["failures"]] == ["timeout"]
        assert "s CPU" in result["failures"][0]["detail"]["message"]


# ---- the oracle itself


def test_oracle_differences_and_layouts():
    c = Cell(m=3, n=2)
    A, x = c.matrix("A", "m", "n"), c.vector("x", "n")
    case = c.case(E.mul(A, x), "x")
    point, _, _ = O.find_point(case)
    assert np.allclose(point.D, point.env["A"], atol=1e-8)
    assert O.expected(case, point.D, "numerator").shapes == [(3, 2)]
    assert O.expected(case, point.D, "denominator").shapes == [(2, 3)]
    g = c.case(E.mul(E.mul(E.transpose(c.vector("a", "m")), A), x), "A")
    point, _, _ = O.find_point(g)
    a, xx = point.env["a"], point.env["x"]
    assert np.allclose(O.expected(g, point.D, "denominator").value, a @ xx.T, atol=1e-8)
    assert O.expected(g, point.D, "numerator").shapes == [(2, 3)]


def test_oracle_hessian_and_symmetric_convention():
    c = Cell(m=3)
    S, b = c.symmetric("S", "m"), c.vector("b", "m")
    case = c.case(E.mul(E.mul(E.transpose(b), S), b), "S")  # bᵀSb: gradient b bᵀ (already symmetric)
    point, _, _ = O.find_point(case)
    bb = point.env["b"] @ point.env["b"].T
    exp = O.expected(case, point.D, "denominator")
    assert O.compare(bb, exp, point.noise, "denominator", case)[0] == "ok"
    # a gradient right only up to an antisymmetric part is the symmetric convention, not wrong
    skew = np.triu(np.ones((3, 3)), 1) - np.tril(np.ones((3, 3)), -1)
    assert O.compare(bb + skew, exp, point.noise, "denominator", case)[0] == "symmetric_convention"
    assert O.compare(bb + 1.0, exp, point.noise, "denominator", case)[0] == "wrong_value"
    x = c.vector("x", "m")
    h = c.case(E.mul(E.mul(E.transpose(x), c.matrix("A", "m", "m")), x), "x", order=2)
    point, _, _ = O.find_point(h)
    assert np.allclose(point.D, point.env["A"] + point.env["A"].T, atol=1e-5)


def test_oracle_text_follows_the_grammar():
    c = Cell(m=3)
    x, s = c.vector("x", "m"), c.scalar("s")
    assert E.source(E.neg(E.power(s, "2"))) == "-s^2"
    assert E.source(E.power(E.neg(s), "2")) == "(-s)^2"
    assert E.source(E.epower(E.transpose(x), "-1")) == "x'.^(-1)"
    assert E.source(E.mul(x, E.mul(E.transpose(x), x))) == "x*(x'*x)"
    assert E.source(E.sub(x, E.sub(x, x))) == "x-(x-x)"
    assert E.source(E.transpose(E.add(x, x))) == "(x+x)'"
