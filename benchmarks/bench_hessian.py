"""Hessians: the exported NumPy code against torch.autograd.functional.hessian (and jax.hessian).

For each case the Hessian is derived once, ``derive(source, wrt=..., order=2).to_python()`` is
executed in a fresh namespace, and its ``f_grad_hessian`` (which returns f, the gradient and the
Hessian, so it does more work than the Hessian alone) is timed at random inputs, best of several
runs. The same function written in torch (float64, CPU) goes through
``torch.autograd.functional.hessian``, timed both with ``vectorize=False`` (the default, one
backward pass per row) and ``vectorize=True`` (batched by vmap); the faster of the two is the torch
column. When jax is installed, jax.hessian of the same function written in jax.numpy and the
exported JAX module (``to_python(backend="jax")``, its ``f_grad_hessian`` under jax.jit) are timed
too, both jit-compiled and warm (compile time excluded). Every result is compared with ours (an
assertion) and the largest difference is printed. NumPy's BLAS, torch and XLA are pinned to the same
number of threads (``--threads``, default 1) before they load, so every column computes alike.

Cases: xᵀAx by x (A n×n), the logistic-regression loss by w (X of shape 2n×n), and log det X by X,
where n is the matrix size and the Hessian is n²×n² (so n = 10, 30, 100 there).

Torch lives in its own environment (the package itself does not need it):
    python3 -m venv /tmp/torch-venv --system-site-packages
    /tmp/torch-venv/bin/pip install -r benchmarks/requirements-torch.txt
    PYTHONPATH=. /tmp/torch-venv/bin/python benchmarks/bench_hessian.py
Without torch the script still times the exported code and says that torch is missing.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time


def _threads() -> int:
    """--threads, read before NumPy, torch and jax load: their thread pools start with them."""
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return int(sys.argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


THREADS = _threads()
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)
if THREADS == 1:  # XLA's CPU backend: one thread for its Eigen kernels and its ops
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    ).strip()

import numpy as np  # noqa: E402  (after the thread settings)

from matdiff_magic import derive  # noqa: E402  (after the thread settings)

try:
    import torch
    torch.set_num_threads(THREADS)
except ImportError:   # the benchmark's own environment installs it: benchmarks/requirements-torch.txt
    torch = None
try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except ImportError:
    jax = None

LOGISTIC = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"


def quadratic_inputs(n, rng):
    return {"x": rng.standard_normal(n), "A": rng.standard_normal((n, n))}


def logistic_inputs(n, rng):
    return {"y": (rng.random(2 * n) < 0.5).astype(float), "X": rng.standard_normal((2 * n, n)) / math.sqrt(n),
            "w": rng.standard_normal(n)}


def logdet_inputs(n, rng):
    # eigenvalues within about 0.3 of 1: det X > 0, well conditioned, and det X (which torch's
    # double backward through det squares) stays far from overflow
    return {"X": np.eye(n) + 0.3 * rng.standard_normal((n, n)) / math.sqrt(n)}


def torch_quadratic(v):
    A = v["A"]
    return lambda x: x @ A @ x


def torch_logistic(v):
    y, X = v["y"], v["X"]
    return lambda w: -y @ torch.log(torch.sigmoid(X @ w)) - (1 - y) @ torch.log(1 - torch.sigmoid(X @ w))


def torch_logdet(v):
    return lambda X: torch.log(torch.linalg.det(X))


def jax_quadratic(v):
    A = v["A"]
    return lambda x: x @ A @ x


def jax_logistic(v):
    y, X = v["y"], v["X"]
    return lambda w: -y @ jnp.log(jax.nn.sigmoid(X @ w)) - (1 - y) @ jnp.log(1 - jax.nn.sigmoid(X @ w))


def jax_logdet(v):
    return lambda X: jnp.log(jnp.linalg.det(X))


# label, our source, variable, sizes, inputs, the function in torch, in jax
CASES = [
    ("xᵀAx", "x'*A*x", "x", (10, 100, 1000), quadratic_inputs, torch_quadratic, jax_quadratic),
    ("logistic loss, X 2n×n", LOGISTIC, "w", (10, 100, 1000), logistic_inputs, torch_logistic, jax_logistic),
    ("log det X (H is n²×n²)", "log(det(X))", "X", (10, 30, 100), logdet_inputs, torch_logdet, jax_logdet),
]


def best_time(fn, repeat: int, budget: float) -> tuple[float, object]:
    """The fastest of up to ``repeat`` runs after one warm-up run; a fast call is repeated within a
    run to last about 20 ms, and no run is started once ``budget`` seconds are spent (a warm-up
    longer than the budget is the only measurement). Returns (seconds per call, the warm-up's result)."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    if first > budget:
        return first, result
    number = max(1, math.ceil(0.02 / max(first, 1e-7))) if first < 0.02 else 1
    times, spent = [], first
    for _ in range(repeat):
        if times and spent + min(times) * number > budget:
            break
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - t0
        times.append(elapsed / number)
        spent += elapsed
    return min(times), result


def column_major(H: np.ndarray, shape: tuple) -> np.ndarray:
    """A framework's Hessian, indexed [i, j, k, l] for a matrix variable, as ∂²f/∂vec X ∂vec Xᵀ."""
    if len(shape) == 1:
        return H
    n = math.prod(shape)
    return H.transpose(1, 0, 3, 2).reshape(n, n)


def run_case(label, source, wrt, n, make_inputs, torch_f, jax_f, repeat, budget):
    ns: dict = {}
    d = derive(source, wrt=wrt, order=2)
    exec(compile(d.to_python(), f"<export of {source}>", "exec"), ns)
    values = make_inputs(n, np.random.default_rng(n))
    ours_s, (_, _, H) = best_time(lambda: ns["f_grad_hessian"](**values), repeat, budget)
    scale = max(1.0, float(np.max(np.abs(H))))
    row = {"case": label, "n": n, "ours": ours_s, "torch": None, "mode": None, "jax": None, "ours_jax": None,
           "diff": 0.0}
    if torch is not None:
        tv = {k: torch.tensor(v, dtype=torch.float64) for k, v in values.items()}
        f = torch_f(tv)
        for vectorize in (False, True):
            try:
                t, Ht = best_time(lambda: torch.autograd.functional.hessian(f, tv[wrt], vectorize=vectorize),
                                  repeat, budget)
            except RuntimeError as err:   # vmap cannot batch every op in every torch version
                print(f"  torch vectorize={vectorize} failed on {label}, n={n}: {err}")
                continue
            diff = float(np.max(np.abs(column_major(Ht.numpy(), values[wrt].shape) - H)))
            assert diff <= 1e-8 * scale, f"{label}, n={n}: torch differs from the exported Hessian by {diff}"
            row["diff"] = max(row["diff"], diff)
            if row["torch"] is None or t < row["torch"]:
                row["torch"], row["mode"] = t, f"vectorize={vectorize}"
    if jax is not None:
        jv = {k: jnp.asarray(v) for k, v in values.items()}
        hess = jax.jit(jax.hessian(jax_f(jv)))
        hess(jv[wrt]).block_until_ready()   # compile
        t, Hj = best_time(lambda: hess(jv[wrt]).block_until_ready(), repeat, budget)
        diff = float(np.max(np.abs(column_major(np.asarray(Hj), values[wrt].shape) - H)))
        assert diff <= 1e-8 * scale, f"{label}, n={n}: jax differs from the exported Hessian by {diff}"
        row["jax"], row["diff"] = t, max(row["diff"], diff)
        # the exported JAX module: its f_grad_hessian (f, gradient and Hessian) under jax.jit
        jns: dict = {}
        exec(compile(d.to_python(backend="jax"), f"<JAX export of {source}>", "exec"), jns)
        exported = jax.jit(jns["f_grad_hessian"])
        exported(**jv)[2].block_until_ready()   # compile
        t, (_, _, Hx) = best_time(lambda: [a.block_until_ready() for a in exported(**jv)], repeat, budget)
        diff = float(np.max(np.abs(np.asarray(Hx) - H)))
        assert diff <= 1e-8 * scale, f"{label}, n={n}: the JAX export differs from the NumPy export by {diff}"
        row["ours_jax"], row["diff"] = t, max(row["diff"], diff)
    return row


def ms(seconds) -> str:
    if seconds is None:
        return "—"
    v = seconds * 1e3
    return f"{v:.3g}" if v < 1000 else f"{v:,.0f}"


def ratio(a, b) -> str:
    if a is None:
        return "—"
    r = a / b
    return f"{r:.2g}" if r < 10 else f"{r:,.0f}"


def short(row) -> str:
    return f"{row['case'].split(',')[0].split(' (')[0]} n={row['n']}"


def closing(rows) -> str:
    """One sentence: where the measured ratios stand against the paper's 1–4 orders of magnitude."""
    measured = [(r, math.log10(r["torch"] / r["ours"])) for r in rows if r["torch"] is not None]
    if not measured:
        return ("Matrixcalculus.org's paper reports 1–4 orders of magnitude over frameworks for Hessians; "
                "torch is not installed here, so no ratio was measured.")
    orders = [o for _, o in measured]
    gmean = 10 ** (sum(orders) / len(orders))
    text = (f"Matrixcalculus.org's paper reports 1–4 orders of magnitude over frameworks for Hessians; "
            f"here the exported NumPy Hessian is {10 ** min(orders):.2g}× to {10 ** max(orders):,.0f}× as fast "
            f"as torch.autograd.functional.hessian ({min(orders):+.1f} to {max(orders):+.1f} orders of "
            f"magnitude, geometric mean {gmean:,.0f}×)")
    inside = [r for r, o in measured if 1 <= o <= 4]
    below = [f"{short(r)} ({r['torch'] / r['ours']:,.2g}×)" for r, o in measured if o < 1]
    above = [f"{short(r)} ({r['torch'] / r['ours']:,.0f}×)" for r, o in measured if o > 4]
    if not below and not above:
        return text + ", so every measurement lies in that range."
    text += f", so {len(inside)} of {len(measured)} measurements lie in that range"
    if below:
        text += f", {', '.join(below)} below it"
    if above:
        text += f", {', '.join(above)} above it"
    return text + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up (default 5)")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per measurement beyond which no further run is started (default 20)")
    parser.add_argument("--quick", action="store_true", help="the smallest size of each case only")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help="threads of NumPy's BLAS, torch and XLA alike (default 1)")
    args = parser.parse_args()

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}, "
          f"NumPy {np.__version__}"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "")
          + (f", jax {jax.__version__}" if jax else "") + f"; {THREADS} thread(s) each")
    if torch is None:
        print("torch is not installed: only the exported code is timed. Install it in a separate "
              "environment: pip install -r benchmarks/requirements-torch.txt")
    if jax is None:
        print("jax is not installed: no jax column.")
    print()
    rows = []
    for label, source, wrt, sizes, make_inputs, torch_f, jax_f in CASES:
        for n in sizes[:1] if args.quick else sizes:
            t0 = time.perf_counter()
            rows.append(run_case(label, source, wrt, n, make_inputs, torch_f, jax_f, args.repeat, args.budget))
            print(f"  measured {short(rows[-1])} in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

    head = "| case | n | ours (ms) | torch (ms) | ratio torch/ours |"
    rule = "|---|---:|---:|---:|---:|"
    if jax is not None:
        head += " jax (ms) | ratio jax/ours | ours in JAX (ms) | ratio jax/ours in JAX |"
        rule += "---:|---:|---:|---:|"
    print(head + " max \\|difference\\| |")
    print(rule + "---:|")
    for r in rows:
        line = f"| {r['case']} | {r['n']} | {ms(r['ours'])} | {ms(r['torch'])} | {ratio(r['torch'], r['ours'])} |"
        if jax is not None:
            line += f" {ms(r['jax'])} | {ratio(r['jax'], r['ours'])} |"
            line += f" {ms(r['ours_jax'])} | {ratio(r['jax'], r['ours_jax'])} |"
        diff = f"{r['diff']:.1e}" if torch is not None or jax is not None else "—"
        print(line + f" {diff} |")
    print()
    timed = [r for r in rows if r["mode"]]
    modes = sorted({r["mode"] for r in timed})
    if len(modes) == 1:
        modes = f"{modes[0]} in every case"
    else:
        modes = ", ".join(f"{short(r)}: {r['mode']}" for r in timed)
    print("ours: the exported f_grad_hessian (f, gradient and Hessian), best of several runs"
          + ("; jax: jax.hessian, and ours in JAX the exported JAX f_grad_hessian, both under jax.jit, "
             "warm" if jax is not None else "")
          + (f"; torch: torch.autograd.functional.hessian, float64, CPU, the faster of "
             f"vectorize=False/True, here {modes}" if timed else "") + ".")
    print(closing(rows))


if __name__ == "__main__":
    main()
