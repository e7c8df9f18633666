"""derive() with its LaTeX against SymPy's bare MatrixSymbol ``.diff`` + ``latex``, in one run.

Prints a Markdown table: CPU time (``time.process_time``) per derivation for both, the median of
interleaved runs, the ratio, and whether SymPy's answer is right (checked numerically against ours,
which the test suite checks against finite differences). SymPy's cache is cleared before each of
its runs, as for a first derivation in a session: with it warm, ``.diff`` of an expression seen
before is a dictionary look-up. Ours is a whole derivation every time (parse, every step recorded,
the aligned TeX block). Then the import / %load_ext time of the extension.
Run: python benchmarks/bench_derive.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

from matdiff_magic import derive

m, n = sp.Symbol("m", integer=True, positive=True), sp.Symbol("n", integer=True, positive=True)
a, x, y = (sp.MatrixSymbol(v, m, 1) for v in "axy")
b, beta = sp.MatrixSymbol("b", n, 1), sp.MatrixSymbol("beta", n, 1)
X, Xsq = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("X", m, m)
A, B = sp.MatrixSymbol("A", m, m), sp.MatrixSymbol("B", n, n)
Sigma, S = sp.MatrixSymbol("Sigma", m, m), sp.MatrixSymbol("S", m, m)

# (label, our source, wrt, SymPy expression built from MatrixSymbols of the same names, SymPy wrt)
CASES = [
    ("aᵀXb", "a'*X*b", "X", lambda: a.T * X * b, X),
    ("xᵀAx", "x'*A*x", "x", lambda: x.T * A * x, x),
    ("tr(AXB)", "tr(A*X*B)", "X", lambda: sp.Trace(sp.MatrixSymbol("A", n, m) * X * B), X),
    ("tr(XᵀX)", "tr(X'*X)", "X", lambda: sp.Trace(X.T * X), X),
    ("tr(XBXᵀ)", "tr(X*B*X')", "X", lambda: sp.Trace(X * B * X.T), X),
    ("aᵀX⁻¹y", "a'*inv(X)*y", "X", lambda: a.T * Xsq.inverse() * y, Xsq),
    ("tr(X⁻¹)", "tr(inv(X))", "X", lambda: sp.Trace(Xsq.inverse()), Xsq),
    ("det(X)", "det(X)", "X", lambda: sp.Determinant(Xsq), Xsq),
    ("log det(X)", "log(det(X))", "X", lambda: sp.log(sp.Determinant(Xsq)), Xsq),
    ("‖y − Xβ‖²", "norm2(y - X*beta)^2", "beta", lambda: (y - X * beta).T * (y - X * beta), beta),
    (
        "MVN (seed 5)",
        "Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))",
        "Sigma",
        lambda: sp.log(sp.Determinant(Sigma)) + sp.Trace(S * Sigma.inverse()),
        Sigma,
    ),
    ("aᵀexp(Xb) (seed 3)", "a'*exp(X*b)", "X", None, None),
]


def interleaved(fns: dict, runs: int = 15) -> dict:
    """Median CPU time of each function, the functions run in turn ``runs`` times."""
    times: dict = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.process_time()
            fn()
            times[name].append(time.process_time() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def sympy_cold(expr, wrt) -> None:
    """SymPy's derivative and its LaTeX, its cache cleared first."""
    clear_cache()
    sp.latex(expr.diff(wrt))


def sympy_is_right(ours, sym_expr, sym_wrt) -> str:
    """Evaluate SymPy's derivative at random values and compare with ours (denominator layout)."""
    try:
        result = sym_expr.diff(sym_wrt)
        symbols = sorted(result.free_symbols - {m, n}, key=str)
        if result == 0 or getattr(result, "is_ZeroMatrix", False) or not symbols:
            return "no (gives 0)" if result == 0 or getattr(result, "is_ZeroMatrix", False) else "no"
        if (
            result.has(sp.Determinant)
            and not result.has(sp.Inverse)
            and "det" in str(sym_expr)
            and "Derivative" in str(result)
        ):
            return "no (unevaluated)"
        sizes = {m: 3, n: 3}
        rng = np.random.default_rng(0)
        values = {}
        for s in symbols:
            shape = tuple(int(sizes.get(d, d)) for d in s.shape)
            v = rng.standard_normal(shape)
            if shape[0] == shape[1] and shape[0] > 1:
                v = v @ v.T + np.eye(shape[0])  # symmetric positive definite: valid for every case
            values[str(s)] = v
        concrete = result.subs({m: 3, n: 3})
        fn = sp.lambdify(
            [sp.MatrixSymbol(str(s), *(sizes.get(d, d) for d in s.shape)) for s in symbols], concrete, "numpy"
        )
        got = np.asarray(fn(*[values[str(s)] for s in symbols]), dtype=float)
        expected = ours.with_layout("denominator").evaluate(
            **{k: (v[:, 0] if v.shape[1] == 1 else v) for k, v in values.items()}
        )
        return "yes" if np.allclose(got.reshape(np.shape(expected)), expected, atol=1e-8) else "no (wrong)"
    except Exception as error:  # SymPy raises on several of these
        return f"no ({type(error).__name__})"


def main() -> None:
    warnings.simplefilter("ignore")
    rows = []
    for label, source, wrt, sym_build, sym_wrt in CASES:
        d = derive(source, wrt=wrt)
        fns = {
            "ours": lambda source=source, wrt=wrt: derive(source, wrt=wrt, check=False).to_latex(),
            "full": lambda source=source, wrt=wrt: derive(source, wrt=wrt).to_latex(),
        }
        expr = sym_build() if sym_build is not None else None
        right = "cannot express it"
        if expr is not None:
            right = sympy_is_right(d, expr, sym_wrt)
            try:
                sympy_cold(expr, sym_wrt)
                fns["sympy"] = lambda expr=expr, sym_wrt=sym_wrt: sympy_cold(expr, sym_wrt)
            except Exception:  # SymPy raises on some (det): nothing to time
                pass
        t = interleaved(fns)
        sym = t.get("sympy")
        ratio = f"{sym / t['ours']:.1f}×" if right == "yes" else ""
        rows.append((label, t["ours"], t["full"], sym, right, ratio))

    print(
        "| expression | matdiff: derive + LaTeX | with numeric check | SymPy .diff + latex (cold cache) | SymPy right? | SymPy time / ours |"
    )
    print("|---|---:|---:|---:|---|---:|")
    for label, ours, full, sym, right, ratio in rows:
        s = f"{sym * 1e3:.2f} ms" if sym is not None else "—"
        print(f"| {label} | {ours * 1e3:.2f} ms | {full * 1e3:.2f} ms | {s} | {right} | {ratio} |")
    right_rows = [r for r in rows if r[4] == "yes"]
    if right_rows:
        faster = sum(r[3] > r[1] for r in right_rows)
        print(
            f"\nOn the {len(right_rows)} cases SymPy gets right, our whole derivation with its LaTeX is faster "
            f"than its bare .diff + latex in {faster}; median ratio {statistics.median(r[3] / r[1] for r in right_rows):.1f}×."
        )

    code = (
        "import time; t0 = time.perf_counter(); "
        "from IPython.core.interactiveshell import InteractiveShell; sh = InteractiveShell.instance(); "
        "t1 = time.perf_counter(); sh.run_line_magic('load_ext', 'matdiff_magic'); t2 = time.perf_counter(); "
        "print(f'{t2 - t1:.4f}')"
    )
    loads = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(5)
    ]
    imp = [
        float(
            subprocess.run(
                [
                    sys.executable,
                    "-X",
                    "importtime",
                    "-c",
                    "import time; t=time.perf_counter(); import matdiff_magic; print(time.perf_counter()-t)",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    ]
    sym_imp = [
        float(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import time; t=time.perf_counter(); import sympy; print(time.perf_counter()-t)",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(3)
    ]
    # the first cell of a session: the package's modules load and its tables are built, then
    # the derivation, its check and the whole bundle (what the notebook receives)
    first_code = (
        "import time; from IPython.core.interactiveshell import InteractiveShell; "
        "sh = InteractiveShell.instance(); sh.run_line_magic('load_ext', 'matdiff_magic'); "
        "t = time.perf_counter(); sh.run_cell_magic('matdiff', '--wrt X', \"a'*X*b\"); "
        "print(f'{time.perf_counter() - t:.4f}')"
    )
    firsts = [
        float(
            subprocess.run([sys.executable, "-c", first_code], capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        for _ in range(5)
    ]
    print(
        f"\n`import matdiff_magic`: {min(imp) * 1e3:.1f} ms; `%load_ext matdiff_magic` in a running "
        f"shell: {min(loads) * 1e3:.1f} ms (target < 500 ms); the first `%%matdiff` cell after it "
        f"(modules loaded, derivation, check, bundle): {min(firsts) * 1e3:.0f} ms; for scale, "
        f"`import sympy`: {min(sym_imp) * 1e3:.0f} ms."
    )


if __name__ == "__main__":
    main()
