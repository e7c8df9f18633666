"""How the whole cell output grows: derive, LaTeX, text, JSON and the full ``_repr_mimebundle_``.

Three families, each derived with every step recorded and no numeric check:

* chain   ``a'*tanh(W_L*…tanh(W1*x))`` by W1, L = 1 … 128 (a deep network);
* sum     ``x'*A1*x + … + x'*AN*x`` by x, N = 1 … 512 (many like terms);
* product ``norm2(X*X*…*X*b)^2`` by X, K = 1 … 64 (K equal factors: one matrix power X^K).

For each size: CPU times (``time.process_time``, the median of interleaved runs, each on a fresh
derivation so that no printed form is reused from a previous run) of the derivation and of each
form of its output, the bytes of the bundle (text/plain + text/latex + the JSON, in UTF-8 as the
kernel sends them), also per step, and the peak memory of derive + bundle (tracemalloc, in a run of
its own). Then a log–log slope per column (sizes ≥ 8)
and a plot. A family stops growing once one bundle takes longer than ``--budget`` seconds.

``--compare DIR`` runs every measurement twice, interleaved, in fresh processes: once with the
package of this checkout and once with the one in DIR (a pristine ``git worktree`` of an earlier
commit), and prints both tables. ``--quick`` is the CI-sized run (a few seconds).

Run: python benchmarks/bench_scaling.py [--quick] [--out benchmarks/scaling.png] [--compare DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

FAMILIES = {
    "chain": ("W1", (1, 2, 4, 8, 16, 32, 64, 128)),
    "sum": ("x", (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)),
    "product": ("X", (1, 2, 4, 8, 16, 32, 64)),
}
QUICK = {"chain": 32, "sum": 32, "product": 16}
COLUMNS = ("derive", "latex", "text", "json", "bundle")
TARGETS = {"chain": 1.6, "sum": 1.3, "product": 1.3}  # the largest log–log slope allowed


def source(family: str, n: int) -> str:
    if family == "chain":
        e = "x"
        for k in range(1, n + 1):
            e = f"tanh(W{k}*{e})"
        return "a'*" + e
    if family == "sum":
        return " + ".join(f"x'*A{k}*x" for k in range(1, n + 1))
    return "norm2(" + "*".join(["X"] * n) + "*b)^2"


def bundle_bytes(bundle: dict) -> int:
    """UTF-8 bytes of the bundle's values as the kernel sends them and a notebook stores them
    (jupyter_client and nbformat write JSON with ensure_ascii=False: ⊙ is 3 bytes, not 6)."""
    return sum(
        len((v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode())
        for v in bundle.values()
    )


def measure(family: str, n: int, repeat: int) -> dict:
    """One size of one family, in this process: medians of ``repeat`` interleaved runs."""
    from matdiff_magic import derive
    from matdiff_magic.errors import MatdiffError

    wrt, src = FAMILIES[family][0], source(family, n)
    make = lambda: derive(src, wrt=wrt, check=False)
    try:
        make()
    except MatdiffError as e:  # over the package's input limits: refused, as a user would see it
        return {"refused": str(e).splitlines()[0]}
    shows = {
        "latex": lambda d: d.to_latex(),
        "text": lambda d: d.to_text(),
        "json": lambda d: d.to_json(),
        "bundle": lambda d: d._repr_mimebundle_(),
    }
    # every form shown once first, on the family's smallest case: a form's first call imports what
    # it needs (lazily, to keep the import light) and would be timed with the first size
    small = source(family, 1)
    for show in shows.values():
        show(derive(small, wrt=wrt, check=False))
    times: dict[str, list[float]] = {c: [] for c in COLUMNS}
    for _ in range(repeat):
        t0 = time.process_time()
        d = make()
        times["derive"].append(time.process_time() - t0)
        for column, show in shows.items():
            d = make()  # a fresh derivation: nothing printed before
            t0 = time.process_time()
            show(d)
            times[column].append(time.process_time() - t0)
    d = make()
    out = {c: statistics.median(ts) for c, ts in times.items()}
    out["bytes"] = bundle_bytes(d._repr_mimebundle_())
    out["steps"] = len(d.steps)
    tracemalloc.start()
    make()._repr_mimebundle_()
    out["peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out


def measure_in(package_dir: str | None, family: str, n: int, repeat: int) -> dict:
    """``measure`` in a fresh process importing the package from ``package_dir`` (None: here)."""
    env = dict(os.environ)
    root = package_dir or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", family, str(n), str(repeat)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def slope(xs, ys) -> float:
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def run(impls: dict, quick: bool, budget: float, repeat: int) -> dict:
    """{impl: {family: [row, …]}}, the implementations interleaved size by size."""
    rows: dict = {name: {f: [] for f in FAMILIES} for name in impls}
    for family, (_, sizes) in FAMILIES.items():
        alive = dict.fromkeys(impls, True)
        for n in sizes:
            if quick and n > QUICK[family]:
                break
            for name, where in impls.items():
                if not alive[name]:
                    continue
                r = measure_in(where, family, n, repeat) if len(impls) > 1 else measure(family, n, repeat)
                r["n"] = n
                rows[name][family].append(r)
                alive[name] = "refused" not in r and r["bundle"] < budget
                print(".", end="", flush=True, file=sys.stderr)
            if not any(alive.values()):
                break
    print(file=sys.stderr)
    return rows


def _ms(t: float) -> str:
    return f"{t * 1e3:,.1f} ms" if t < 10 else f"{t:,.1f} s"


def table(name: str, rows: dict) -> str:
    out = [f"\n{name}\n"]
    out.append(
        "| case | n | steps | derive | LaTeX | text | JSON | whole bundle | bundle size | per step "
        "| peak memory |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    refused = [
        f"{family} {r['n']}: {r['refused']}" for family, rs in rows.items() for r in rs if "refused" in r
    ]
    rows = {family: [r for r in rs if "refused" not in r] for family, rs in rows.items()}
    for family, rs in rows.items():
        for r in rs:
            cells = " | ".join(_ms(r[c]) for c in COLUMNS)
            out.append(
                f"| {family} | {r['n']} | {r['steps']} | {cells} | {r['bytes'] / 2**10:,.0f} KiB "
                f"| {r['bytes'] / r['steps'] / 2**10:,.1f} KiB | {r['peak'] / 2**20:,.1f} MiB |"
            )
    out += [f"\nrefused: {line}" for line in refused]
    out.append("\nlog–log slopes (sizes ≥ 8):\n")
    out.append("| case | " + " | ".join(COLUMNS) + " | bytes | peak | target |")
    out.append("|---|" + "---:|" * (len(COLUMNS) + 3))
    for family, rs in rows.items():
        rs = [r for r in rs if r["n"] >= 8]
        if len(rs) < 2:
            continue
        ns = [r["n"] for r in rs]
        fits = [f"{slope(ns, [max(r[c], 1e-6) for r in rs]):.2f}" for c in (*COLUMNS, "bytes", "peak")]
        out.append(f"| {family} | " + " | ".join(fits) + f" | ≤ {TARGETS[family]} |")
    return "\n".join(out)


def plot(results: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for ax, family in zip(axes, FAMILIES):
        for name, rows in results.items():
            rs = [r for r in rows[family] if "refused" not in r]
            if not rs:
                continue
            ns = [r["n"] for r in rs]
            style = "-" if name == "now" else "--"
            for column, marker in (("derive", "o"), ("bundle", "s")):
                ax.loglog(ns, [r[column] * 1e3 for r in rs], style, marker=marker, label=f"{column} ({name})")
        ax.loglog([1, 512], [1, 512], color="gray", linewidth=0.8, label="slope 1")
        ax.set(xlabel="n", ylabel="CPU time (ms)", title=f"{family}: {source(family, 2)}")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", linewidth=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        family, n, repeat = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        sys.setrecursionlimit(20_000)
        print(json.dumps(measure(family, n, repeat)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="the CI-sized run")
    parser.add_argument("--out", default="benchmarks/scaling.png")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds of one bundle, then stop")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--compare", metavar="DIR", help="also measure the package in DIR")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.quick else 3)
    impls: dict = {"now": None}
    if args.compare:
        impls["before"] = args.compare
    results = run(impls, args.quick, args.budget, repeat)
    for name, rows in results.items():
        print(table(name, rows))
    if args.out and not args.quick:
        plot(results, args.out)
        print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
