"""The work estimate against the time a cell really takes.

Before a derivation starts, ``matdiff_magic.derivation.bounds`` estimates its work from the typed
expression (steps × the size of the expression and of its differential) and predicts the seconds
of the whole cell output: the derivation and its text, LaTeX and JSON bundle. A cell predicted to
run past the time limit (``--timeout``, 10 s by default) is refused before it starts, with the
estimate in the message. This script checks the prediction on the scaling cases of
``bench_scaling.py`` (the deep chain, the sum of quadratic forms, the product chain) and on a few
everyday cells: for each it prints the estimate, the predicted and the measured time (CPU, the
median of interleaved runs) and their ratio, then the spread of the ratios.

    python benchmarks/bench_estimate.py            # the full run (a few minutes)
    python benchmarks/bench_estimate.py --quick    # smaller sizes

The table shows the ratio measured / predicted; the constants of ``bounds.py``
(``BASE_SECONDS``, ``SECONDS_PER_REWRITE``, ``SECONDS_PER_SYMBOL``) were fitted to a full run
(non-negative least squares on the relative error). The time limit itself still stops a cell the
estimate let through.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_scaling import source  # the scaling cases, one definition

FAMILIES = {
    "chain": ("W1", (4, 8, 16, 32, 64)),
    "sum": ("x", (4, 16, 32, 64, 128)),
    "product": ("X", (4, 8, 16, 24)),
}
QUICK = {"chain": 16, "sum": 32, "product": 8}
EVERYDAY = {
    "aᵀXb": ("a'*X*b", "X"),
    "MVN": ("log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),
    "aᵀexp(Xb)": ("a'*exp(X*b)", "X"),
    "least squares": ("norm2(y - X*beta)^2", "beta"),
}


def whole_cell(src: str, wrt: str) -> float:
    """CPU seconds of the derivation and its whole bundle, as the magic shows it."""
    from matdiff_magic import derive

    t0 = time.process_time()
    derive(src, wrt=wrt, check=False)._repr_mimebundle_()
    return time.process_time() - t0


def prediction(src: str, wrt: str) -> tuple[int, float]:
    """(work, predicted seconds) as the pipeline estimates them before deriving."""
    from matdiff_magic.depth import deep_recursion
    from matdiff_magic.derivation.bounds import predicted_seconds, work_of
    from matdiff_magic.types.lower import typecheck

    with deep_recursion():  # as derive() parses: a deep chain nests past Python's default limit
        expr = typecheck(src).expr
        return work_of(expr, wrt)[0], predicted_seconds(expr, wrt)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fit", action="store_true", help="also fit the constants of bounds.py")
    args = parser.parse_args()

    cases = [(name, src, wrt) for name, (src, wrt) in EVERYDAY.items()]
    for family, (wrt, sizes) in FAMILIES.items():
        for n in sizes:
            if args.quick and n > QUICK[family]:
                break
            cases.append((f"{family} {n}", source(family, n), wrt))

    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _name, src, wrt in cases:
        whole_cell(src, wrt)  # warm: imports and caches
    for _ in range(args.repeat):  # interleaved: load on the machine hits every case alike
        for name, src, wrt in cases:
            times[name].append(whole_cell(src, wrt))

    print("| case | work | predicted | measured | measured / predicted |")
    print("|---|---:|---:|---:|---:|")
    ratios = []
    for name, src, wrt in cases:
        work, predicted = prediction(src, wrt)
        measured = statistics.median(times[name])
        ratios.append(measured / predicted)
        print(
            f"| {name} | {work:,} | {predicted * 1000:.1f} ms | {measured * 1000:.1f} ms | {ratios[-1]:.2f} |"
        )
    print()
    print(
        f"measured / predicted: min {min(ratios):.2f}, median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f}"
    )
    if args.fit:
        fit([(src, wrt, statistics.median(times[name])) for name, src, wrt in cases])


def fit(cases: list) -> None:
    """Fit BASE_SECONDS, SECONDS_PER_REWRITE and SECONDS_PER_SYMBOL: non-negative least squares on
    the relative error, each case's row divided by its measured time."""
    import numpy as np
    from scipy.optimize import nnls

    from matdiff_magic.depth import deep_recursion
    from matdiff_magic.derivation.bounds import measure
    from matdiff_magic.types.lower import typecheck

    rows = []
    for src, wrt, measured in cases:
        with deep_recursion():
            m = measure(typecheck(src).expr, wrt)
        rows.append(np.array([1.0, m.rewrites * m.size, m.dsize]) / measured)
    coef, _ = nnls(np.array(rows), np.ones(len(rows)))
    ratios = 1 / (np.array(rows) @ coef)
    print(
        f"fitted: BASE_SECONDS = {coef[0]:.2g}, SECONDS_PER_REWRITE = {coef[1]:.2g}, "
        f"SECONDS_PER_SYMBOL = {coef[2]:.2g}; measured / predicted then "
        f"{ratios.min():.2f}–{ratios.max():.2f}"
    )


if __name__ == "__main__":
    main()
