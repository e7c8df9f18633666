"""The oracle: random points, central differences of the oracle's own NumPy semantics, and the value
and shape every layout must give (README, "Using it" and "Beyond scalar functions").

The full Jacobian J = ∂vec F/∂(vec X)ᵀ (column-major vec, every entry of X independent, also for a
symmetric X) is taken by central differences at two step sizes; their disagreement and the rounding
error of F bound how far the differences can be trusted. Hessians are second differences of f.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fuzz.oracle import expr as E
from fuzz.oracle import semantics as S
from fuzz.oracle.expr import ONE, Case

EPS = np.finfo(float).eps
RTOL = 1e-5  # a derivative is wrong when it is off by more than RTOL·max(1, max|D|) …
UNDECIDED = 1e-3  # … beyond the differences' own uncertainty; a point whose uncertainty
# exceeds UNDECIDED·max(1, max|D|) cannot decide and another is drawn
STRATEGIES = (
    (1.0, False),
    (0.5, True),
    (0.7, False),
    (0.3, True),
    (0.2, False),
    (0.1, True),
    (1.5, False),
    (0.05, False),
)


# ---------------------------------------------------------------- points


def conditioned_variables(tree: E.Node) -> set:
    """Variables under inv, det or logdet: square ones are drawn near the identity."""
    out = set()
    for n in tree.walk():
        if n.op in ("inv", "det", "logdet"):
            out |= {m.attr for m in n.walk() if m.op == "var"}
    return out


def int_shape(shape: tuple, sizes: dict) -> tuple:
    return (S.size_of(shape[0], sizes), S.size_of(shape[1], sizes))


def sample(case: Case, attempt: int, rng: np.random.Generator) -> dict:
    """Values (name -> 2-D array) of every variable of the case, for one attempt."""
    scale, positive = STRATEGIES[attempt % len(STRATEGIES)]
    under = conditioned_variables(case.tree)
    env = {}
    variables = case.used()
    if case.wrt not in [v.name for v in variables]:
        variables.append(case.variables[case.wrt])
    for v in variables:
        shape = int_shape(v.shape, case.sizes)
        if v.kind == "symmetric":
            b = rng.standard_normal(shape) * 0.5
            if v.name in under or attempt % 2 == 0:
                a = b @ b.T + np.eye(shape[0])  # positive definite
            else:
                a = (b + b.T) * scale
        elif v.name in under and shape[0] == shape[1] and shape[0] > 1:
            while True:
                a = np.eye(shape[0]) * 2.0 + rng.standard_normal(shape) * 0.3
                if np.linalg.det(a) > 0.5:
                    break
        elif positive:
            a = rng.uniform(0.2, 1.0, size=shape) * scale
        else:
            a = rng.standard_normal(shape) * scale
        env[v.name] = a
    return env


def user_value(a: np.ndarray, v: E.Variable):
    """A value as a user passes it: a float, a 1-D vector or a 2-D matrix."""
    if v.kind == "scalar":
        return float(a[0, 0])
    if v.kind == "vector":
        return a[:, 0].copy()
    return a.copy()


# ---------------------------------------------------------------- differences


def _steps(x: np.ndarray, h: float) -> np.ndarray:
    return h * np.maximum(1.0, np.abs(x))


def jacobian(fun, env: dict, wrt: str, h: float) -> np.ndarray:
    """∂vec F/∂(vec X)ᵀ by central differences (rows: vec F, columns: vec X, column-major)."""
    x0 = env[wrt]
    steps = _steps(x0, h)
    cols = []
    for k in range(x0.size):
        i, j = np.unravel_index(k, x0.shape, order="F")
        xp, xm = x0.copy(), x0.copy()
        xp[i, j] += steps[i, j]
        xm[i, j] -= steps[i, j]
        fp = fun({**env, wrt: xp}).reshape(-1, order="F")
        fm = fun({**env, wrt: xm}).reshape(-1, order="F")
        cols.append((fp - fm) / (xp[i, j] - xm[i, j]))
    return np.column_stack(cols)


def hessian(fun, env: dict, wrt: str, h: float) -> np.ndarray:
    """∂²f/∂(vec X)∂(vec X)ᵀ by second differences."""
    x0 = env[wrt]
    n = x0.size
    steps = _steps(x0, h).reshape(-1, order="F")
    flat = x0.reshape(-1, order="F")

    def f_at(delta):
        x = (flat + delta).reshape(x0.shape, order="F")
        return float(fun({**env, wrt: x})[0, 0])

    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = steps[i], steps[j]
            v = (f_at(ei + ej) - f_at(ei - ej) - f_at(-ei + ej) + f_at(-ei - ej)) / (4 * steps[i] * steps[j])
            out[i, j] = out[j, i] = v
    return out


@dataclass
class Point:
    env: dict  # name -> 2-D array
    F: np.ndarray  # the value (2-D)
    D: np.ndarray  # J (order 1) or H (order 2)
    noise: np.ndarray  # entry-wise uncertainty of D
    J: np.ndarray | None = None  # for Hessians: the gradient's differences too (1×N)
    J_noise: np.ndarray | None = None


def _differences(fun, env, wrt, order):
    if order == 1:
        d1, d2 = jacobian(fun, env, wrt, 2e-6), jacobian(fun, env, wrt, 8e-6)
        rounding = 50 * EPS * _magnitude(fun, env) / (2e-6 * max(1.0, float(np.max(np.abs(env[wrt])))))
        return d1, 10 * np.abs(d1 - d2) + rounding
    d1, d2 = hessian(fun, env, wrt, 1e-4), hessian(fun, env, wrt, 2e-4)
    rounding = 50 * EPS * _magnitude(fun, env) / (1e-4 * max(1.0, float(np.max(np.abs(env[wrt]))))) ** 2
    return d1, 10 * np.abs(d1 - d2) + rounding


def _magnitude(fun, env) -> float:
    return float(np.max(np.abs(fun(env)), initial=0.0))


def find_point(case: Case, start: int = 0, tries: int = 10) -> tuple[Point | None, int, dict]:
    """The first point (from attempt ``start``) where f is finite, no sub-expression sits at a kink of
    the chain rule, and the differences are finite and precise enough. Returns the point (or None),
    the next attempt, and how many points were passed over: f undefined, at a kink, imprecise."""

    def fun(env):
        return S.value(case.tree, env, case.sizes)

    skipped = {"undefined": 0, "kink": 0, "imprecise": 0}
    for attempt in range(start, start + tries):
        rng = np.random.default_rng([case.value_seed, attempt])
        env = sample(case, attempt, rng)
        kinks: list = []
        F = S.value(case.tree, env, case.sizes, kinks)
        if not np.all(np.isfinite(F)):
            skipped["undefined"] += 1
            continue
        if kinks:  # the chain rule has no value here, or floating point cannot follow f
            skipped["imprecise" if any(k.startswith("precision") for k in kinks) else "kink"] += 1
            continue
        with np.errstate(all="ignore"):
            D, noise = _differences(fun, env, case.wrt, case.order)
        if not (np.all(np.isfinite(D)) and np.all(np.isfinite(noise))):
            skipped["undefined"] += 1
            continue
        if np.max(noise, initial=0.0) > UNDECIDED * max(1.0, float(np.max(np.abs(D), initial=0.0))):
            skipped["imprecise"] += 1
            continue
        point = Point(env, F, D, noise)
        if case.order == 2:
            with np.errstate(all="ignore"):
                point.J, point.J_noise = _differences(fun, env, case.wrt, 1)
        return point, attempt + 1, skipped
    return None, start + tries, skipped


# ---------------------------------------------------------------- what each layout must give


@dataclass
class Expected:
    value: object  # float or ndarray, in the canonical shape
    shapes: list  # accepted shapes ("float" for a Python float)
    kind: str  # gradient, jacobian, hessian


def derivative_kind(case: Case) -> str:
    if case.order == 2:
        return "hessian"
    return "gradient" if case.tree.shape == E.SCALAR else "jacobian"


def expected(case: Case, D: np.ndarray, layout: str, kind: str | None = None) -> Expected:
    """The value and accepted shapes of evaluate() in ``layout`` from the full J (or H)."""
    kind = kind or derivative_kind(case)
    v = case.variables[case.wrt]
    m, n = int_shape(v.shape, case.sizes)
    p, q = int_shape(case.tree.shape, case.sizes)
    if kind == "hessian":
        if v.kind == "scalar":
            return Expected(float(D[0, 0]), ["float"], kind)
        return Expected(D, [D.shape], kind)
    if kind == "gradient":
        if v.kind == "scalar":
            return Expected(float(D[0, 0]), ["float"], kind)
        if v.kind == "vector":
            if layout == "numerator":
                return Expected(D.reshape(1, m), [(1, m)], kind)
            return Expected(D.reshape(m), [(m,)], kind)
        G = D.reshape((m, n), order="F")
        if layout == "numerator":
            return Expected(G.T, [(n, m)], kind)
        return Expected(G, [(m, n)], kind)
    if v.kind == "scalar":  # F (p×q) by a scalar: numerator F-shaped, denominator its transpose
        Fm = D.reshape((p, q), order="F")
        if layout == "denominator":
            return Expected(Fm.T, [(q, p)], kind)
        return Expected(Fm, [(p, q)] + ([(p,)] if q == 1 else []), kind)
    if layout == "denominator":
        return Expected(D.T, [D.T.shape], kind)
    return Expected(D, [D.shape], kind)


def shape_of(got) -> object:
    if isinstance(got, (float, np.floating)) and not isinstance(got, np.ndarray):
        return "float"
    if isinstance(got, np.ndarray):
        return got.shape
    return type(got).__name__


def compare(got, exp: Expected, noise: np.ndarray, layout: str, case: Case) -> tuple[str, float]:
    """'ok', 'wrong_shape', 'wrong_value' or 'symmetric_convention' (right only up to the documented
    convention for a symmetric variable: equal symmetric parts), and the relative error."""
    if shape_of(got) not in exp.shapes:
        return "wrong_shape", float("nan")
    g = np.asarray(got, dtype=float)
    e = np.asarray(exp.value, dtype=float)
    # the uncertainty in the layout's arrangement
    nz = _arrange(noise, exp, layout, case)
    g = g.reshape(e.shape)
    scale = max(1.0, float(np.max(np.abs(e), initial=0.0)))
    if not np.all(np.isfinite(g)):
        return "wrong_value", float("inf")
    diff = np.abs(g - e)
    err = float(np.max(diff, initial=0.0)) / scale
    if np.all(diff <= RTOL * scale + nz):
        return "ok", err
    if case.variables[case.wrt].kind == "symmetric":
        gs, es, ns = (_symmetric_part(a, exp, layout, case) for a in (g, e, nz))
        if np.all(np.abs(gs - es) <= RTOL * scale + ns):
            return "symmetric_convention", err
    return "wrong_value", err


def _arrange(noise, exp: Expected, layout: str, case: Case) -> np.ndarray:
    if exp.shapes == ["float"]:
        return np.asarray(float(noise.reshape(-1)[0]))
    shaped = expected(case, noise, layout, exp.kind).value
    return np.abs(np.asarray(shaped, dtype=float))


def _symmetric_part(a: np.ndarray, exp: Expected, layout: str, case: Case) -> np.ndarray:
    """Averages over (i, j) and (j, i) of the symmetric variable's entries, in every place they index."""
    n = S.size_of(case.variables[case.wrt].shape[0], case.sizes)
    if exp.kind == "gradient":
        return (a + a.T) / 2
    swap = np.arange(n * n).reshape(n, n).T.reshape(-1)
    if exp.kind == "hessian":
        a = (a + a[:, swap]) / 2
        return (a + a[swap, :]) / 2
    if layout == "denominator":  # rows index vec X
        return (a + a[swap, :]) / 2
    return (a + a[:, swap]) / 2  # numerator and mixed: columns


def numel(shape: tuple, sizes: dict) -> int:
    r, c = int_shape(shape, sizes)
    return r * c


def value_shapes(case: Case) -> list:
    """Accepted shapes of the value of F returned by the exported code."""
    p, q = int_shape(case.tree.shape, case.sizes)
    if case.tree.shape == E.SCALAR:
        return ["float"]
    if case.tree.shape[1] == ONE:
        return [(p,)]
    if case.tree.shape[0] == ONE:
        return [(1, q), (q,)]
    return [(p, q)]
