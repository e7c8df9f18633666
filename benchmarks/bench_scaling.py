"""Scaling with depth: f = aᵀ tanh(W_L ⋯ tanh(W_2 tanh(W_1 x))) for L = 1 … 32, ∂f/∂W_1 and ∂f/∂x.

For each L: our derivation time (every step recorded, no numeric check), the time to typeset the
whole derivation, the size of the result (characters of its LaTeX, nodes of its DAG), and SymPy's
.diff on the same network written with explicit 2×2 symbolic matrices (SymPy has no element-wise
functions of matrix symbols), as long as one run of it stays under a few seconds. Peak memory of the
L = 32 derivation by tracemalloc. Prints a table and fitted growth exponents, and saves a log–log
plot. Times are CPU times (best of a few runs). Run: python benchmarks/bench_scaling.py [--out benchmarks/scaling.png]
"""
from __future__ import annotations

import argparse
import math
import time
import tracemalloc

from matdiff_magic import derive
from matdiff_magic.render.printer import to_latex

DEPTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
SYMPY_BUDGET_S = 4.0


def chain(L: int) -> str:
    e = "x"
    for k in range(1, L + 1):
        e = f"tanh(W{k}*{e})"
    return "a'*" + e


def best(fn, repeat: int = 5) -> float:
    """Best CPU time of a few runs: on a shared machine it varies far less than wall time."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def dag_size(e) -> int:
    return sum(1 for _ in e.walk())


def ours(L: int, wrt: str) -> dict:
    src = chain(L)
    t_derive = best(lambda: derive(src, wrt=wrt, check=False), repeat=5 if L <= 16 else 3)
    d = derive(src, wrt=wrt, check=False)
    t_latex = best(lambda: d.to_latex(), repeat=3)
    return {"derive": t_derive, "latex": t_latex, "chars": len(to_latex(d.result, abbrev=d.abbrev)),
            "nodes": dag_size(d.result), "steps": len(d.steps)}


def sympy_time(L: int, wrt: str):
    import sympy as sp
    n = 2
    x = sp.Matrix(sp.symbols(f"x0:{n}"))
    a = sp.Matrix(sp.symbols(f"a0:{n}"))
    Ws = [sp.Matrix(n, n, sp.symbols(f"w{k}_0:{n * n}")) for k in range(1, L + 1)]
    h = x
    for W in Ws:
        h = (W * h).applyfunc(sp.tanh)
    f = (a.T * h)[0, 0]
    variables = list(Ws[0]) if wrt == "W1" else list(x)
    t0 = time.process_time()
    grads = [f.diff(v) for v in variables]
    elapsed = time.process_time() - t0
    return elapsed, sum(sp.count_ops(g) for g in grads)


def slope(xs, ys) -> float:
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="benchmarks/scaling.png")
    args = parser.parse_args()
    rows = []
    sympy_alive = {"W1": True, "x": True}
    for L in DEPTHS:
        for wrt in ("W1", "x"):
            r = ours(L, wrt)
            r.update(L=L, wrt=wrt, sympy=None, sympy_ops=None)
            if sympy_alive[wrt]:
                t, ops = sympy_time(L, wrt)
                r["sympy"], r["sympy_ops"] = t, ops
                sympy_alive[wrt] = t < SYMPY_BUDGET_S / 8
            rows.append(r)
            print(".", end="", flush=True)
    print()
    print("| L | wrt | matdiff derive | LaTeX of all steps | steps | result chars | result DAG nodes | SymPy .diff (2×2) | SymPy result ops | SymPy / ours |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        sym = f"{r['sympy'] * 1e3:.1f} ms" if r["sympy"] is not None else "— (stopped)"
        ops = f"{r['sympy_ops']:,}" if r["sympy_ops"] is not None else ""
        ratio = f"{r['sympy'] / r['derive']:.1f}×" if r["sympy"] is not None else ""
        print(f"| {r['L']} | {r['wrt']} | {r['derive'] * 1e3:.1f} ms | {r['latex'] * 1e3:.1f} ms | {r['steps']} "
              f"| {r['chars']:,} | {r['nodes']} | {sym} | {ops} | {ratio} |")
    for wrt in ("W1", "x"):
        rs = [r for r in rows if r["wrt"] == wrt and r["L"] >= 8]
        print(f"\ngrowth exponents for ∂f/∂{wrt} (log–log slope, L ≥ 8): derive time "
              f"{slope([r['L'] for r in rs], [r['derive'] for r in rs]):.2f}, result chars "
              f"{slope([r['L'] for r in rs], [r['chars'] for r in rs]):.2f}, result nodes "
              f"{slope([r['L'] for r in rs], [r['nodes'] for r in rs]):.2f}")
    tracemalloc.start()
    derive(chain(32), wrt="W1", check=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of the L = 32 derivation (∂f/∂W1, tracemalloc): {peak / 2**20:.2f} MiB")
    _plot(rows, args.out)
    print(f"plot saved to {args.out}")


def _plot(rows, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for wrt, marker in (("W1", "o"), ("x", "s")):
        rs = [r for r in rows if r["wrt"] == wrt]
        Ls = [r["L"] for r in rs]
        ax1.loglog(Ls, [r["derive"] * 1e3 for r in rs], marker=marker, label=f"matdiff ∂f/∂{wrt}")
        sy = [(r["L"], r["sympy"] * 1e3) for r in rs if r["sympy"] is not None]
        if sy:
            ax1.loglog(*zip(*sy), marker=marker, linestyle="--", label=f"SymPy .diff ∂f/∂{wrt} (2×2)")
        ax2.loglog(Ls, [r["chars"] for r in rs], marker=marker, label=f"matdiff ∂f/∂{wrt}")
        so = [(r["L"], r["sympy_ops"]) for r in rs if r["sympy_ops"] is not None]
        if so:
            ax2.loglog(*zip(*so), marker=marker, linestyle="--", label=f"SymPy ops ∂f/∂{wrt}")
    Ls = [1, 64]
    ax1.loglog(Ls, [1, 64], color="gray", linewidth=0.8, label="slope 1 (linear)")
    ax1.set(xlabel="depth L", ylabel="time (ms)", title="derivation time")
    ax2.set(xlabel="depth L", ylabel="size", title="result size (LaTeX chars / SymPy ops)")
    for ax in (ax1, ax2):
        ax.legend(fontsize=7)
        ax.grid(True, which="both", linewidth=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
