"""Gradients and Hessians: the exported NumPy code against torch and jax autodiff.

For each case the gradient and the Hessian are derived once (``derive(source, wrt=...)`` and
``order=2``), their modules (``to_python()``) executed in fresh namespaces, and ``f_and_grad``
(value and gradient) and ``f_grad_hessian`` (value, gradient and Hessian: more work than the
Hessian alone) timed at random inputs. The same function written in torch (float64, CPU) goes
through ``torch.func.grad_and_value`` and ``torch.autograd.grad`` for the gradient and
``torch.autograd.functional.hessian`` with ``vectorize=False`` and ``True`` for the Hessian: the
faster of each pair is the torch column. In jax the function (all inputs as arguments, so XLA
cannot fold the constant matrices at compile time) goes through ``jax.jit(jax.value_and_grad)``
and ``jax.jit(jax.hessian)``, warm (compile time excluded). Every result is compared with ours
(an assertion) and the largest difference is printed.

log det X is written two ways in each framework (log of det, and slogdet or torch.logdet): the
faster is its column, as the faster autodiff mode of torch is.

Timing: one thread everywhere (NumPy's BLAS through threadpoolctl and the environment, torch's
intra-op pool, XLA's Eigen pool), and repetitions interleaved: each round times every contender
of a row in turn, a batch of calls lasting about 5 ms, and each column is its minimum over the
rounds, so a burst of load on a shared machine slows all columns alike and the minimum drops it.

Cases: xᵀAx by x (A n×n), the logistic-regression loss by w (X of shape 2n×n), and log det X by X,
whose Hessian is n²×n² (so n = 10, 30, 100 there; at n = 1000 it would take 8 TB).

    pip install threadpoolctl torch jax    # threadpoolctl: the `bench` extra of pyproject.toml
    PYTHONPATH=. python benchmarks/bench_hessian.py
Without torch or jax the script still times the exported code and says what is missing.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

# before NumPy, torch and jax load: their thread pools start with them
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()

import numpy as np  # noqa: E402  (after the thread settings)
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from matdiff_magic import derive  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None
try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:
    jax = None

BATCH = 0.005  # seconds of calls timed together: short, so that the minimum finds a quiet moment
LOGISTIC = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"


def quadratic_inputs(n, rng):
    return {"x": rng.standard_normal(n), "A": rng.standard_normal((n, n))}


def logistic_inputs(n, rng):
    return {
        "y": (rng.random(2 * n) < 0.5).astype(float),
        "X": rng.standard_normal((2 * n, n)) / math.sqrt(n),
        "w": rng.standard_normal(n),
    }


def logdet_inputs(n, rng):
    # eigenvalues within about 0.3 of 1: det X > 0, well conditioned, far from overflow
    return {"X": np.eye(n) + 0.3 * rng.standard_normal((n, n)) / math.sqrt(n)}


# each function takes the inputs in the order of the case's make_inputs, as the exported code does
def quadratic(lib):
    return lambda x, A: x @ A @ x


def logistic(lib):
    log, sigmoid = (torch.log, torch.sigmoid) if lib == "torch" else (jnp.log, jax.nn.sigmoid)

    def f(y, X, w):
        s = sigmoid(X @ w)  # once, as a user of the framework writes it
        return -y @ log(s) - (1 - y) @ log(1 - s)

    return f


def log_det(lib):
    # two ways a user writes it; the faster is the framework's column (the inputs have det X > 0)
    if lib == "torch":
        return {"log det": lambda X: torch.log(torch.linalg.det(X)), "logdet": lambda X: torch.logdet(X)}
    return {"log det": lambda X: jnp.log(jnp.linalg.det(X)), "slogdet": lambda X: jnp.linalg.slogdet(X)[1]}


def formulations(fn, lib) -> dict:
    """label -> the case's function written in ``lib``: one, or several ways of writing it."""
    f = fn(lib)
    return f if isinstance(f, dict) else {"": f}


# label, our source, variable, gradient sizes, Hessian sizes, inputs, the function in torch and jax
CASES = [
    ("xᵀAx", "x'*A*x", "x", (10, 100, 1000), (10, 100, 1000), quadratic_inputs, quadratic),
    ("logistic loss, X 2n×n", LOGISTIC, "w", (10, 100, 1000), (10, 100, 1000), logistic_inputs, logistic),
    ("log det X", "log(det(X))", "X", (10, 100, 1000), (10, 30, 100), logdet_inputs, log_det),
]


def interleaved(contenders: dict, rounds: int, budget: float) -> dict:
    """name -> seconds per call: the minimum over ``rounds`` rounds, each timing every contender
    in turn (a batch of calls lasting about ``BATCH`` seconds), and a first call each; a contender
    stops being timed once it has used ``budget`` seconds (a call slower than that is timed once)."""
    first, number, spent = {}, {}, {}
    for name, fn in contenders.items():
        t0 = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - t0
        number[name] = max(1, math.ceil(BATCH / max(first[name], 1e-7)))
        spent[name] = first[name]
    best = dict(first)  # the warm-up call is a measurement too (the slowest rows get no other)
    for r in range(rounds):
        names = list(contenders)
        names = names[r % len(names) :] + names[: r % len(names)]  # a different one first each round
        for name in names:
            if spent[name] + best[name] * number[name] > budget:
                continue
            t0 = time.perf_counter()
            for _ in range(number[name]):
                contenders[name]()
            elapsed = time.perf_counter() - t0
            best[name] = min(best[name], elapsed / number[name])
            spent[name] += elapsed
    return best


def column_major(H: np.ndarray, shape: tuple) -> np.ndarray:
    """A framework's Hessian, indexed [i, j, k, l] for a matrix variable, as ∂²f/∂vec X ∂vec Xᵀ."""
    if len(shape) == 1:
        return H
    n = math.prod(shape)
    return H.transpose(1, 0, 3, 2).reshape(n, n)


def agree(label: str, mine, theirs, what: str) -> float:
    diff = float(np.max(np.abs(np.asarray(theirs) - mine)))
    scale = max(1.0, float(np.max(np.abs(mine))))
    assert diff <= 1e-8 * scale, f"{label}: {what} differs from ours by {diff}"
    return diff


def gradient_row(case, n, rounds, budget) -> dict:
    label, source, wrt, _, _, make_inputs, fn = case
    ns: dict = {}
    exec(compile(derive(source, wrt=wrt).to_python(), f"<export of {source}>", "exec"), ns)
    values = make_inputs(n, np.random.default_rng(n))
    pos = list(values).index(wrt)
    args = list(values.values())
    _, g = ns["f_and_grad"](*args)
    contenders = {"ours": lambda: ns["f_and_grad"](*args)}
    diff = 0.0
    if torch is not None:
        targs = [torch.tensor(v, dtype=torch.float64) for v in args]
        for way, tf in formulations(fn, "torch").items():

            def by_func(tf=tf):
                return torch.func.grad_and_value(tf, argnums=pos)(*targs)

            def by_autograd(tf=tf):
                xs = list(targs)
                xs[pos] = targs[pos].detach().requires_grad_()
                y = tf(*xs)
                return torch.autograd.grad(y, xs[pos])[0], y

            for mode, f in (("func", by_func), ("autograd", by_autograd)):
                name = f"torch {mode} {way}".strip()
                diff = max(diff, agree(label, g, f()[0].detach().numpy(), name))
                contenders[name] = f
    if jax is not None:
        jargs = [jnp.asarray(v) for v in args]
        for way, jf in formulations(fn, "jax").items():
            vg = jax.jit(jax.value_and_grad(jf, argnums=pos))
            name = f"jax {way}".strip()
            diff = max(diff, agree(label, g, vg(*jargs)[1], name))  # also compiles it
            contenders[name] = lambda vg=vg: [a.block_until_ready() for a in vg(*jargs)]
    return _row(label, n, interleaved(contenders, rounds, budget), diff)


def hessian_row(case, n, rounds, budget) -> dict:
    label, source, wrt, _, _, make_inputs, fn = case
    ns: dict = {}
    exec(compile(derive(source, wrt=wrt, order=2).to_python(), f"<export of {source}>", "exec"), ns)
    values = make_inputs(n, np.random.default_rng(n))
    pos = list(values).index(wrt)
    args = list(values.values())
    H = ns["f_grad_hessian"](*args)[2]
    contenders = {"ours": lambda: ns["f_grad_hessian"](*args)}
    diff = 0.0
    shape = values[wrt].shape
    if torch is not None:
        targs = [torch.tensor(v, dtype=torch.float64) for v in args]
        for way, tf in formulations(fn, "torch").items():

            def of_x(x, tf=tf):
                return tf(*targs[:pos], x, *targs[pos + 1 :])

            for vectorize in (False, True):
                name = f"torch vectorize={vectorize} {way}".strip()

                def f(vectorize=vectorize, of_x=of_x):
                    return torch.autograd.functional.hessian(of_x, targs[pos], vectorize=vectorize)

                diff = max(diff, agree(label, H, column_major(f().numpy(), shape), name))
                contenders[name] = f
    if jax is not None:
        jargs = [jnp.asarray(v) for v in args]
        for way, jf in formulations(fn, "jax").items():
            hess = jax.jit(jax.hessian(jf, argnums=pos))
            name = f"jax {way}".strip()
            diff = max(diff, agree(label, H, column_major(np.asarray(hess(*jargs)), shape), name))
            contenders[name] = lambda hess=hess: hess(*jargs).block_until_ready()
    return _row(label, n, interleaved(contenders, rounds, budget), diff)


def _row(label, n, best, diff) -> dict:
    """A row of the table: each framework's column is its fastest contender (mode, formulation)."""
    row = {"case": label, "n": n, "ours": best["ours"], "diff": diff}
    for lib in ("torch", "jax"):
        names = [k for k in best if k.split()[0] == lib]
        fastest = min(names, key=best.get) if names else None
        row[lib] = best[fastest] if fastest else None
        row[f"{lib} mode"] = fastest
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


def table(title: str, rows: list) -> None:
    print(f"{title}\n")
    print("| case | n | ours (ms) | torch (ms) | jax (ms) | torch/ours | jax/ours | max \\|difference\\| |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['case']} | {r['n']} | {ms(r['ours'])} | {ms(r['torch'])} | {ms(r['jax'])} | "
            f"{ratio(r['torch'], r['ours'])} | {ratio(r['jax'], r['ours'])} | {r['diff']:.1e} |"
        )
    for lib in ("torch", "jax"):
        if any(r[f"{lib} mode"] != lib for r in rows if r[f"{lib} mode"]):
            each = ", ".join(f"{r['case']} n={r['n']}: {r[f'{lib} mode']}" for r in rows if r[f"{lib} mode"])
            print(f"\n{lib}'s fastest: {each}")
    slower = []
    for r in rows:
        than = [k for k in ("torch", "jax") if r[k] is not None and r[k] < r["ours"]]
        if than:
            slower.append(f"{r['case']} n={r['n']} (than {' and '.join(than)})")
    print(
        "\nours is faster in every row.\n" if not slower else f"\nours is slower in: {'; '.join(slower)}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41, help="interleaved rounds (default 41)")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per contender and row (default 20)"
    )
    parser.add_argument("--quick", action="store_true", help="the smallest size of each case only")
    parser.add_argument("--only", choices=("gradient", "hessian"), help="one of the two tables")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        blas = ", ".join(f"{p['internal_api']} {p['num_threads']} thread(s)" for p in threadpool_info())
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}, "
            f"NumPy {np.__version__} ({blas})"
            + (f", torch {torch.__version__} ({torch.get_num_threads()} thread)" if torch else ", no torch")
            + (f", jax {jax.__version__}" if jax else ", no jax")
            + "\n"
        )
        for kind, make in (("gradient", gradient_row), ("hessian", hessian_row)):
            if args.only and args.only != kind:
                continue
            rows = []
            for case in CASES:
                sizes = case[3] if kind == "gradient" else case[4]
                for n in sizes[:1] if args.quick else sizes:
                    t0 = time.perf_counter()
                    rows.append(make(case, n, args.rounds, args.budget))
                    print(
                        f"  {kind} {case[0]} n={n}: {time.perf_counter() - t0:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )
            what = (
                "Gradient: ours f_and_grad (value and gradient); torch.func.grad_and_value or "
                "torch.autograd.grad; jax.jit(jax.value_and_grad)"
                if kind == "gradient"
                else "Hessian: ours f_grad_hessian (value, gradient and Hessian); "
                "torch.autograd.functional.hessian; jax.jit(jax.hessian)"
            )
            table(what, rows)


if __name__ == "__main__":
    main()
