"""Bounds (issue 8, item 2): very deep, very long, very large inputs work within about a second
or are refused at once with a clear MatdiffError; never a RecursionError, MemoryError,
OverflowError or a long hang. Each case prints its real wall time (run with -s to see them);
the assertion allows 5 s so a loaded two-core CI machine does not flake.

And the magic's --timeout: a tiny limit on a long derivation stops it with a clear message, and
the shell goes on working.
"""
from __future__ import annotations

import time

import pytest
from conftest import run

from matdiff_magic import MatdiffError, derive
from matdiff_magic.syntax.parser import MAX_DEPTH, MAX_NODES

LIMIT_S = 5.0


def _sum_of_terms(n: int) -> str:
    return " + ".join(f"{i + 1}*a'*x" for i in range(n))


def _names(n: int) -> str:
    return " + ".join(f"x{i}'*y{i}" for i in range(1, n + 1))


# name -> (cell, wrt, what happens: "derived", "skipped" (f is infinite everywhere) or a fragment
# of the error message)
CASES = {
    "10 000 nested parentheses": ("(" * 10_000 + "x" + ")" * 10_000, None, "nested too deeply"),
    "10 000 nested calls": ("x: scalar\n" + "sin(" * 10_000 + "x" + ")" * 10_000, None, "nested too deeply"),
    "5 000 transposes": ("a'*x" + "'" * 5_000, "x", "nested too deeply"),
    "a sum of 10 000 terms (89 kB)": ("x: scalar\n" + " + ".join(f"{i}*x" for i in range(1, 10_001)),
                                      "x", "too large"),
    "a sum of 10 000 terms (119 kB)": (_sum_of_terms(10_000), "x", "the limit is 100,000"),
    "a product chain of 2 000 factors": ("a'*" + "*".join(["A"] * 2_000) + "*b", "A", "too large"),
    "2 000 factors, one of them the variable": ("a'*" + "*".join(f"A{i}" for i in range(2_000)) + "*b",
                                               "A7", "too large"),
    "2 000 variables x1'*y1 + …": (_names(2_000), "x1", "too large"),
    "400 variables x1'*y1 + …": (_names(400), "x1", "derived"),
    "a sum of 100 terms": (_sum_of_terms(100), "x", "derived"),
    "a sum of 512 quadratic forms": (" + ".join(f"x'*A{k}*x" for k in range(1, 513)), "x", "derived"),
    "1 000 variables x1'*y1 + …": (_names(1_000), "x1", "too large"),
    "a chain of 40 tanh layers": ("a'*" + "".join(f"tanh(W{k}*" for k in range(40, 0, -1)) + "x"
                                  + ")" * 40, "W1", "derived"),
    "a tower x^x^…^x of 199": ("x: scalar\n" + "x^" * 199 + "x", "x", "too large to do step by step"),
    "a product of 300 sines": ("x: scalar\n" + "*".join(f"sin({i}*x)" for i in range(1, 301)), "x",
                               "too large to do step by step"),
    "30 doubling definitions": ("\n".join(["Y1 = X*X"] + [f"Y{i + 1} = Y{i}*Y{i}" for i in range(1, 30)]
                                          + ["tr(Y30)"]), "X", "once the definitions above it"),
    "x^1e300": ("x: scalar\nx^1e300", "x", "derived"),
    "2^99999999": ("x: scalar\n2^99999999*x", "x", "skipped"),
    "X.^1e308": ("sum(X.^1e308)", "X", "derived"),
    "x^(10^100)": ("x: scalar\nx^(10^100)", "x", "derived"),
    "((2^64)^64)^64": ("x: scalar\n((2^64)^64)^64*x", "x", "skipped"),
    "1e308": ("x: scalar\n1e308*x", "x", "derived"),
    "1e300*1e300": ("x: scalar\n1e300*1e300*x", "x", "skipped"),
    "1e309": ("x: scalar\n1e309*x", "x", "too large"),
    "1e-400": ("x: scalar\n1e-400*x", "x", "too small"),
    "1e99999999999": ("x: scalar\n1e99999999999*x", "x", "too large"),
    "a number of 5 000 digits": ("x: scalar\n" + "9" * 5_000 + "*x", "x", "too many digits"),
    "100 000 characters": ("x" + " " * 100_000, None, "the limit is 100,000"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bound(name):
    cell, wrt, expected = CASES[name]
    start = time.perf_counter()
    try:
        d = derive(cell, wrt=wrt)   # with its numeric check
        outcome = "derived" if d.check_result.status == "passed" else d.check_result.status
    except MatdiffError as error:
        d, outcome = None, str(error)
        assert error.message
    elapsed = time.perf_counter() - start
    typeset = ""
    if d is not None:   # what a front end shows: every step in TeX, highlighted TeX and text
        t0 = time.perf_counter()
        d.to_json()
        typeset = f", typeset in {time.perf_counter() - t0:.3f} s"
    print(f"\n{name}: {outcome.splitlines()[0][:90]} ({elapsed:.3f} s{typeset})")
    assert expected in outcome
    assert elapsed < LIMIT_S


def test_the_steps_of_a_deep_network_read_one_by_one():
    # d.steps read outside the whole output's printing: the same room for nesting as there
    cell = "a'*" + "".join(f"tanh(W{k}*" for k in range(64, 0, -1)) + "x" + ")" * 64
    d = derive(cell, wrt="W1", check=False)
    steps = d.steps
    assert len(steps) > 64
    for s in (steps[1], steps[len(steps) // 2], steps[-1]):
        assert s.latex and s.text and s.latex_highlighted
        assert isinstance(s.changed, list)
    assert steps[-1].to_sympy() is not None


def test_the_limits_are_stated():
    assert MAX_DEPTH >= 100 and MAX_NODES >= 1_000


def test_errors_point_at_the_part_that_is_too_large():
    cell = "x: scalar\n" + "+".join(["x"] * (MAX_NODES + 10))
    with pytest.raises(MatdiffError) as info:
        derive(cell)
    assert info.value.span.start == cell.index("\n") + 1   # the sum, on its line
    assert "line 2" in str(info.value)


def _run(shell, code):
    """Run a cell in the shared shell fixture; returns the result and everything it printed."""
    result, captured = run(shell, code)
    return result, captured.stdout + captured.stderr


def test_the_magic_stops_at_its_time_limit_and_the_shell_goes_on(shell):
    net = "a'*" + "".join(f"tanh(W{k}*" for k in range(40, 0, -1)) + "x" + ")" * 40
    start = time.perf_counter()
    result, output = _run(shell, f"%%matdiff --wrt W1 --timeout 0.05\n{net}\n")
    elapsed = time.perf_counter() - start
    print(f"\n--timeout 0.05 on a 40-layer chain: stopped after {elapsed:.3f} s")
    assert not result.success and type(result.error_in_exec).__name__ == "UsageError"
    assert "took longer than 0.05 s" in str(result.error_in_exec)
    assert "--timeout" in str(result.error_in_exec)          # says how to raise it
    assert "Traceback" not in output
    assert elapsed < LIMIT_S
    # the shell goes on: Python, and the magic itself
    assert _run(shell, "sum([1, 2, 3])")[0].result == 6
    again, _ = _run(shell, "%%matdiff --wrt X\na'*X*b\n")
    assert again.success and again.result.check_result.passed


def test_the_default_time_limit_is_ten_seconds():
    from matdiff_magic.options import parse_options
    assert parse_options("", allow_expression=False)[0].timeout == 10.0


def test_a_time_limit_whose_first_alarm_is_swallowed_rings_again():
    # Python prints and drops an exception raised inside a garbage-collector callback or a
    # __del__; the limit must still stop the block (it rings again every timelimit.REPEAT s).
    from matdiff_magic.timelimit import REPEAT, TimeLimitExceeded, time_limit

    def busy() -> None:
        while time.perf_counter() - start < 5:
            pass

    rings, start = 0, time.perf_counter()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.02):
            try:
                busy()
            except TimeLimitExceeded:
                rings += 1  # the first alarm, lost as a callback would lose it
            busy()
    elapsed = time.perf_counter() - start
    assert rings == 1 and elapsed < 0.02 + 10 * REPEAT


def test_an_alarm_dropped_in_a_finalizer_is_not_reported_and_the_limit_still_stops():
    # a __del__ that runs when the alarm rings: Python drops the exception it raises and hands it
    # to sys.unraisablehook, whose default prints "Exception ignored in …" on the user's stderr
    import sys

    from matdiff_magic.timelimit import REPEAT, TimeLimitExceeded, time_limit

    dropped: list[BaseException] = []
    reported: list[BaseException] = []

    class Slow:
        def __del__(self):
            try:
                time.sleep(0.2)  # the alarm rings in here
            except TimeLimitExceeded as alarm:
                dropped.append(alarm)
                raise

    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: reported.append(unraisable.exc_value)
    try:
        start = time.perf_counter()
        with pytest.raises(TimeLimitExceeded):
            with time_limit(0.02):
                Slow()  # freed at once: its __del__ runs, and its exception is unraisable
                while time.perf_counter() - start < 5:
                    pass
        elapsed = time.perf_counter() - start
    finally:
        sys.unraisablehook = previous
    assert len(dropped) == 1  # the alarm did ring inside the finalizer
    assert reported == []  # and was not reported
    assert elapsed < 0.2 + 10 * REPEAT  # the limit rang again after it


def test_other_unraisable_exceptions_are_still_reported_inside_a_time_limit():
    import sys

    from matdiff_magic.timelimit import time_limit

    seen: list[BaseException] = []
    previous = sys.unraisablehook
    def hook(unraisable):
        seen.append(unraisable.exc_value)

    sys.unraisablehook = hook
    try:
        class Broken:
            def __del__(self):
                raise ValueError("a finalizer's own error")

        with time_limit(5):
            Broken()
        assert sys.unraisablehook is hook  # put back after the block
    finally:
        sys.unraisablehook = previous
    assert [type(e) for e in seen] == [ValueError]


def test_a_time_limit_does_not_ring_after_its_block():
    from matdiff_magic.timelimit import REPEAT, time_limit

    with time_limit(0.01):
        pass
    time.sleep(3 * REPEAT)  # no TimeLimitExceeded here: the timer was cancelled


def test_a_network_of_128_layers_derives_with_its_whole_output():
    # 258 levels deep: within parser.MAX_DEPTH, and its differential, as held and printed, grows
    # linearly with the depth (written out it has 50 000 symbols): not refused as too large
    source = "a'*" + "".join(f"tanh(W{k}*" for k in range(128, 0, -1)) + "x" + ")" * 128
    d = derive(source, wrt="W1")
    assert d.check_result.passed
    bundle = d._repr_mimebundle_()
    assert "W_{128}" in bundle["text/latex"] and "W₁₂₈" in bundle["text/plain"]
