"""The work estimate against the time a cell really takes.

Before a derivation starts, ``matdiff_magic.derivation.bounds`` reads off the typed expression the
steps it will show, the terms of its differential and the differential's size as held and printed,
and predicts the seconds of the whole cell output: the derivation and its text, LaTeX and JSON
bundle (``Measures.seconds``: a fixed cost, the passes over df per symbol and per term, the lines on
the way, each printed whole up to ``LINE_LIMIT`` nodes and shortened around its change past it, and
the context each step puts back together). A cell predicted to run past the time limit
(``--timeout``, 10 s by default) is refused before it starts, with the estimate in the message.
This script checks the prediction on the scaling cases of ``bench_scaling.py`` (the deep chain, the
sum of quadratic forms, the product chain X X ⋯ X, at the sizes the package accepts), on products of
distinct factors ‖X A₁ X A₂ ⋯ b‖² (quadratic, up to the range where cells are refused), on a few
everyday cells and on Hessians (predicted once their gradient is derived, ``bounds.hessian_seconds``):
for each it prints the measures, the predicted and the measured time (CPU, the median of
interleaved runs) and their ratio, then the spread of the ratios; and on deep nests (``NESTS``: a
nest of scalar logs, an inverse tower, the same W in every layer), where it is least accurate.

    python benchmarks/bench_estimate.py            # the full run (about two minutes)
    python benchmarks/bench_estimate.py --quick    # smaller sizes
    python benchmarks/bench_estimate.py --fit      # and refit the constants of bounds.py

The table shows the ratio measured / predicted; the constants of ``bounds.py``
(``bounds.COEFFICIENTS``: ``BASE_SECONDS``, ``SECONDS_PER_SYMBOL``, ``SECONDS_PER_TERM``,
``SECONDS_PER_LINE_SYMBOL``, ``SECONDS_PER_LEVEL``, ``SECONDS_PER_STEP_SYMBOL``) were fitted to a
full run, the nests included (non-negative least squares on the relative error; medians of 3, load
average under 1): measured / predicted 0.77–1.74 in that run, where the five constants before it
(without the steps × df feature, fitted without the nests) gave the families 0.77–1.50 and the
nests up to 2.59. ``HESSIAN_FACTOR`` and ``HESSIAN_FACTOR_PER_LEVEL`` were fitted on the chain and
product Hessians (least squares on the second stage's time over the gradient's estimate). The time
limit itself still stops a cell the estimate let through.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_scaling import source as scaling_source  # the scaling cases, one definition


def source(family: str, n: int) -> str:
    """The cell of a family at size n: bench_scaling's, and ‖X A₁ X A₂ ⋯ X Aₙ b‖² ("alternating"),
    whose differential has n terms of about 2n factors (X X ⋯ X is one matrix power: n terms of two);
    and the nests of ``NESTS``: log(1 + log(1 + ⋯ x)) of a scalar, log det(X + (X + ⋯)⁻¹)
    (an inverse tower, whose result has about n² factors) and the same W in every layer."""
    if family == "alternating":
        return "norm2(" + "*".join(f"X*A{k}" for k in range(1, n + 1)) + "*b)^2"
    if family == "logs":
        return "x: scalar\n" + "log(1 + " * n + "x" + ")" * n
    if family == "inverse tower":
        return "log(det(" + "X + inv(" * n + "X" + ")" * n + "))"
    if family == "shared weights":
        return "a'*" + "tanh(W*" * n + "x" + ")" * n
    return scaling_source(family, n)


FAMILIES = {  # the sizes of bench_scaling.py that the package accepts, and products of distinct factors
    "chain": ("W1", (4, 8, 16, 32, 64, 128)),
    "sum": ("x", (4, 16, 32, 64, 128, 256)),
    "product": ("X", (4, 16, 64, 128)),
    "alternating": ("X", (4, 8, 16, 32, 64, 96)),
}
# deep nests: a scalar nest of logs, an inverse tower, the same W in every layer (fitted too)
NESTS = {
    "logs": ("x", (32, 136)),
    "inverse tower": ("X", (10, 20, 40)),
    "shared weights": ("W", (16, 32, 64, 128)),
}
HESSIANS = {"chain": (1, 4, 8, 12, 16), "product": (2, 4, 8)}  # order=2: predicted once the gradient is made
QUICK = {"chain": 16, "sum": 32, "product": 16, "alternating": 16}
EVERYDAY = {
    "aᵀXb": ("a'*X*b", "X"),
    "MVN": ("log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),
    "aᵀexp(Xb)": ("a'*exp(X*b)", "X"),
    "least squares": ("norm2(y - X*beta)^2", "beta"),
}


def whole_cell(src: str, wrt: str, order: int = 1) -> float:
    """CPU seconds of the derivation and its whole bundle, as the magic shows it."""
    from matdiff_magic import derive

    t0 = time.process_time()
    derive(src, wrt=wrt, order=order, check=False)._repr_mimebundle_()
    return time.process_time() - t0


def hessian_prediction(src: str, wrt: str):
    """The gradient's measures and the predicted seconds of the Hessian's cell, as the pipeline
    estimates them once the gradient is derived (``bounds.hessian_seconds``)."""
    from matdiff_magic.derivation.bounds import hessian_seconds, measure
    from matdiff_magic.derivation.stages import gradient_steps
    from matdiff_magic.types.lower import choose_wrt, typecheck

    typed = typecheck(src)
    first = gradient_steps(typed, choose_wrt(typed, wrt, src), "independent", hessian=True)
    gradient = first["plain"]["denominator"].expr
    return measure(gradient, wrt), hessian_seconds(typed.expr, gradient, wrt)


def prediction(src: str, wrt: str):
    """The measures and the predicted seconds, as the pipeline estimates them before deriving."""
    from matdiff_magic.depth import deep_recursion
    from matdiff_magic.derivation.bounds import measure
    from matdiff_magic.types.lower import typecheck

    with deep_recursion():  # as derive() parses: a deep chain nests past Python's default limit
        m = measure(typecheck(src).expr, wrt)
    return m, m.seconds


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

    times = timed(cases, args.repeat)
    ratios = table(
        "| case | steps | terms | df shown | predicted | measured | measured / predicted |",
        cases,
        times,
        prediction,
        lambda m: f"{m.shown:,} | {m.terms:,} | {m.dshown:,}",
    )
    print(
        f"measured / predicted: min {min(ratios):.2f}, median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f}"
    )
    print()
    hessians = [
        (f"{family} {n}, Hessian", source(family, n), FAMILIES[family][0])
        for family, sizes in HESSIANS.items()
        for n in sizes
        if not (args.quick and n > QUICK[family])
    ]
    htimes = timed(hessians, args.repeat, order=2)
    hratios = table(
        "| Hessian (order=2) | gradient's levels | d(gradient) shown | predicted | measured | measured / predicted |",
        hessians,
        htimes,
        hessian_prediction,
        lambda m: f"{m.depth:,} | {m.dshown:,}",
    )
    print(f"Hessians, measured / predicted: min {min(hratios):.2f}, max {max(hratios):.2f}")
    print()
    nests = [
        (f"{family} {n}", source(family, n), wrt)
        for family, (wrt, sizes) in NESTS.items()
        for n in sizes
        if not (args.quick and n > 16)
    ]
    ntimes = timed(nests, args.repeat)
    nratios = table(
        "| nest | steps | terms | df shown | predicted | measured | measured / predicted |",
        nests,
        ntimes,
        prediction,
        lambda m: f"{m.shown:,} | {m.terms:,} | {m.dshown:,}",
    )
    print(f"nests, measured / predicted: min {min(nratios):.2f}, max {max(nratios):.2f}")
    if args.fit:
        fit([(name, src, wrt, {**times, **ntimes}[name]) for name, src, wrt in cases + nests])
        fit_hessian([(src, wrt, htimes[name]) for name, src, wrt in hessians])


def timed(cases: list, repeat: int, order: int = 1) -> dict[str, float]:
    """Median whole-cell seconds of each (name, source, wrt), after a warm run of each (imports and
    caches), the cases interleaved: load on the machine hits every case alike."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _name, src, wrt in cases:
        whole_cell(src, wrt, order)
    for _ in range(repeat):
        for name, src, wrt in cases:
            times[name].append(whole_cell(src, wrt, order))
    return {name: statistics.median(ts) for name, ts in times.items()}


def table(header: str, cases: list, times: dict, predict, measures) -> list[float]:
    """Print a Markdown table of each case's measures (``measures(m)``, the middle columns), its
    predicted and measured time and their ratio (``predict(src, wrt)`` -> (m, seconds)); the ratios."""
    print(header)
    print("|---|" + "---:|" * (header.count("|") - 2))
    ratios = []
    for name, src, wrt in cases:
        m, predicted = predict(src, wrt)
        ratios.append(times[name] / predicted)
        print(
            f"| {name} | {measures(m)} | {predicted * 1000:.1f} ms | {times[name] * 1000:.1f} ms "
            f"| {ratios[-1]:.2f} |"
        )
    print()
    return ratios


def fit(cases: list) -> None:
    """Fit the constants of bounds.py (``bounds.COEFFICIENTS``, one per ``Measures.features``):
    non-negative least squares on the relative error, each case's row divided by its measured
    time; prints them and each case's measured / predicted under them."""
    import numpy as np
    from scipy.optimize import nnls

    from matdiff_magic.depth import deep_recursion
    from matdiff_magic.derivation.bounds import COEFFICIENTS, measure
    from matdiff_magic.types.lower import typecheck

    rows = []
    for _name, src, wrt, measured in cases:
        with deep_recursion():
            m = measure(typecheck(src).expr, wrt)
        rows.append(np.array(m.features) / measured)
    coef, _ = nnls(np.array(rows), np.ones(len(rows)))
    ratios = 1 / (np.array(rows) @ coef)
    print()
    print("fitted: " + ", ".join(f"{name} = {c:.2g}" for name, c in zip(COEFFICIENTS, coef)))
    print("| case | measured / predicted, refitted |")
    print("|---|---:|")
    for (name, *_), ratio in zip(cases, ratios):
        print(f"| {name} | {ratio:.2f} |")
    print(f"refitted measured / predicted: {ratios.min():.2f}–{ratios.max():.2f}")


def fit_hessian(cases: list) -> None:
    """Fit HESSIAN_FACTOR and HESSIAN_FACTOR_PER_LEVEL: the second stage's time (measured minus
    the first-order estimate of f) over the gradient's own estimate, linear in its levels."""
    import numpy as np

    from matdiff_magic.derivation.bounds import measure
    from matdiff_magic.types.lower import typecheck

    rows, ratios = [], []
    for src, wrt, measured in cases:
        second, _ = hessian_prediction(src, wrt)
        first = measure(typecheck(src).expr, wrt).seconds
        rows.append([1.0, second.depth])
        ratios.append((measured - first) / second.seconds)
    (factor, per_level), *_ = np.linalg.lstsq(np.array(rows), np.array(ratios), rcond=None)
    print(f"fitted: HESSIAN_FACTOR = {factor:.2g}, HESSIAN_FACTOR_PER_LEVEL = {per_level:.2g}")


if __name__ == "__main__":
    main()
