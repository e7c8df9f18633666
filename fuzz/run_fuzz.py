"""A long fuzzing run of derive(): random text, token sequences, shape-blind grammar and typed
expressions, for a time budget given on the command line.

    python fuzz/run_fuzz.py --seconds 120            # all four kinds, shared time budget
    python fuzz/run_fuzz.py --seconds 600 --kinds typed --max-depth 5

Each kind runs in rounds of hypothesis examples (a fresh seed each round) until its share of the
budget is spent. The property is the one of tests/test_fuzz.py (tests/fuzz_strategies.py): every
input either derives and its numeric check passes (or is skipped because f is defined nowhere the
check looked), or raises MatdiffError with a message; nothing else, and nothing slower than the
per-example limit. Prints how many inputs of each kind were tried and how they ended, and each
failure shrunk by hypothesis to a small input. Exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "tests"), os.path.join(HERE, "..")]

import fuzz_strategies as fs  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KINDS = {  # name -> (strategy, share of the time budget, examples per round)
    "text": (fs.raw_text, 0.1, 2000),
    "tokens": (fs.token_soup, 0.1, 2000),
    "grammar": (fs.grammar_soup(), 0.15, 500),
    "typed": (None, 0.55, 200),
    "magic": (st.tuples(fs.magic_cells, st.booleans()), 0.1, 300),
}
_shell = None


def one(kind: str, item, per_example: float) -> str:
    """Run one input of a kind through the property; AssertionError when it fails."""
    global _shell
    if kind == "magic":
        if _shell is None:
            from IPython.core.interactiveshell import InteractiveShell

            _shell = InteractiveShell.instance()
            _shell.run_line_magic("load_ext", "matdiff_magic")
        (line, body), cell = item
        return fs.magic_outcome(_shell, line, body, cell)
    source, wrt = (item.source, item.wrt) if isinstance(item, fs.Program) else (item, None)
    return fs.outcome(source, wrt, per_example)


def run_kind(
    kind: str, strategy, seconds: float, per_round: int, first_seed: int, counts, failures, per_example: float
) -> None:
    end = time.monotonic() + seconds
    round_no = 0
    while time.monotonic() < end:
        round_no += 1

        @seed(first_seed + round_no)
        @settings(
            max_examples=per_round,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(strategy)
        def check(item):
            # (check runs within this iteration, so the loop's list is the right one)
            if time.monotonic() > end and not failures_in_round:  # noqa: B023
                return  # budget spent: let the round finish quickly
            try:
                counts[kind][one(kind, item, per_example)] += 1
            except AssertionError:
                counts[kind]["failed"] += 1
                failures_in_round.append(True)  # noqa: B023
                raise

        failures_in_round: list = []
        try:
            check()
        except Exception as error:
            for e in getattr(error, "exceptions", None) or [error]:  # an ExceptionGroup: each one
                text = str(e) if isinstance(e, AssertionError) else f"{type(e).__name__}: {e}"
                failures.append((kind, text.splitlines()[0][:2000] if text else repr(e)))
                print(f"[{kind}] FAILURE: {failures[-1][1]}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="total time budget")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--max-depth", type=int, default=4, help="nesting depth of typed expressions")
    parser.add_argument(
        "--per-example", type=float, default=fs.PER_EXAMPLE_SECONDS, help="time limit of one input, seconds"
    )
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}")
    total_share = sum(KINDS[k][1] for k in kinds)
    counts = collections.defaultdict(collections.Counter)
    failures: list = []
    if "magic" in kinds:
        one("magic", (("--no-check", "x'*x"), False), args.per_example)  # start the shell first
    print(f"fuzzing {', '.join(kinds)} for {args.seconds:g} s (seed {args.seed})", flush=True)
    started = time.monotonic()
    for i, kind in enumerate(kinds):
        strategy, share, per_round = KINDS[kind]
        if strategy is None:
            strategy = fs.typed_program(max_depth=args.max_depth)
        t0 = time.monotonic()
        run_kind(
            kind,
            strategy,
            args.seconds * share / total_share,
            per_round,
            args.seed + 1000 * i,
            counts,
            failures,
            args.per_example,
        )
        c = counts[kind]
        print(
            f"{kind:8s} {sum(c.values()):7d} inputs in {time.monotonic() - t0:6.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in sorted(c.items())),
            flush=True,
        )
    total = sum(sum(c.values()) for c in counts.values())
    print(f"total    {total:7d} inputs in {time.monotonic() - started:6.1f} s, {len(failures)} failure(s)")
    for kind, message in failures:
        print(f"  [{kind}] {message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
