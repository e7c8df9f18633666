"""The value of a derivation's expressions at the values a user gives (``Derivation.evaluate``,
``evaluate_solution`` and ``value`` delegate here), and the check that a solution of --solve
makes the gradient vanish (``verify_solution``).

Every failure is a ``MatdiffError``: an unknown or missing variable, a value that is not numbers
or does not fit the variable's shape, an inverse of a singular matrix (named: "X Xᵀ is singular at
the given X"), and whatever NumPy raises.
"""

from __future__ import annotations

import numpy as np

from matdiff_magic.depth import deep_recursion
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import points as sampling
from matdiff_magic.numeric.check import Examiner
from matdiff_magic.numeric.evaluate import as_matrix, bind_sizes
from matdiff_magic.numeric.points import Unfit, guarded
from matdiff_magic.ops.samples import SampleSum, samples_of
from matdiff_magic.render.notation import name_text
from matdiff_magic.render.printer import to_text


def evaluate_at(d, expr: ir.Expr, values: dict) -> np.ndarray:
    """The value of ``expr``, an expression of derivation ``d``, at ``values`` (name -> array-like),
    as a 2-D array."""
    by_name = {v.name: v for v in d.variables}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise MatdiffError(f"unknown variable {', '.join(unknown)}: the expression has " + ", ".join(by_name))
    mats = {n: _as_matrix(v, by_name[n]) for n, v in values.items()}
    missing = [v.name for v in ir.variables(expr) if v.name not in mats and v.name not in d.typed.definitions]
    if missing:  # the count of a sum over samples is the number of samples given (n = len(x_i))
        mats.update(_sample_counts(d, expr, mats))
        missing = [name for name in missing if name not in mats]
    if missing:
        raise MatdiffError(f"give a value for {', '.join(missing)}")
    sizes = bind_sizes(d.variables, mats)
    try:
        with np.errstate(all="ignore"), deep_recursion():
            ev, _ = guarded([expr], d.typed, mats, sizes, kinds=(ir.Inverse,))
            return ev(expr)
    except Unfit as unfit:
        raise MatdiffError(
            f"{to_text(unfit.node)} is singular at the given {', '.join(_inputs(d, unfit.node))}"
        ) from None
    except MatdiffError:
        raise
    except Exception as error:  # NumPy's errors become the package's
        raise MatdiffError(f"cannot evaluate at the given values: {type(error).__name__}: {error}") from None


def _sample_counts(d, expr: ir.Expr, mats: dict) -> dict:
    """The count of a sum over samples not given (n of ``sum_i(x_i'*A*x_i, n)``), as the number of
    samples the per-sample values of its sum hold; a count given stays as given (and a sum over
    another number of samples than its values hold is refused when it is evaluated)."""
    roots = [expr, d.function, *d.typed.definitions.values()]
    counts: dict = {}
    for node in (n for root in roots for n in root.walk()):
        count = node.count if isinstance(node, SampleSum) else None
        if isinstance(count, ir.Var) and count.name not in mats and count.name not in counts:
            held = samples_of(mats, node.body)
            if held is not None:
                counts[count.name] = np.array([[float(held)]])
    return counts


def _inputs(d, node: ir.Expr) -> list[str]:
    """The variables ``node`` depends on, through the cell's definitions."""
    names, todo = [], [v.name for v in ir.variables(node)]
    while todo:
        name = todo.pop(0)
        if name in d.typed.definitions:
            todo += [v.name for v in ir.variables(d.typed.definitions[name])]
        elif name not in names:
            names.append(name)
    return [v.name for v in d.variables if v.name in names]


def _as_matrix(value, var: ir.Var) -> np.ndarray:
    """A user value as a 2-D float array; a value that is not numbers is a MatdiffError."""
    try:
        return as_matrix(value, var)
    except (TypeError, ValueError, OverflowError) as error:  # 10**400 is no float
        if "inhomogeneous" in str(error):  # NumPy's ValueError for a ragged [[1, 2], [3]]
            raise MatdiffError(
                f"the value of {var.name} is ragged: its rows are not all of one length"
            ) from None
        raise MatdiffError(f"the value of {var.name} must be numbers ({error})") from None


# ---- the stationary point of --solve, checked --------------------------------------------------
# Each manipulation of the solve stage (multiplying through, cancelling, taking what is the same
# for every sample out of a sum) is an identity, but a solution is an answer people copy: before it
# is shown, it is evaluated at random values of the other variables and put back into the
# derivative (denominator layout, which the suite checks against central differences), whenever
# the derivation's numeric check runs (``check=False`` skips both). Where the
# gradient there is not zero, relative to its size at a random value of the variable, or the
# solution cannot be evaluated (a singular x xᵀ to invert) or breaks a declared symmetry (Σ̂ = Sᵀ),
# at three points, the solution is refused rather than shown.
TOLERANCE = 1e-6  # |∂f/∂X at X̂| against |∂f/∂X| at a random X
ATTEMPTS = 8  # random points tried; three that fail refuse the solution


def verify_solution(d, seed: int = 0) -> bool | None:
    """True when the gradient vanishes at ``d.solution`` at a random point; False when, at three
    points first, it does not, the solution cannot be evaluated, or it breaks the variable's
    declared symmetry; None when no point decided (f's own matrices singular, or f undefined at
    the solution: the one-sample Gaussian's rank-one Σ̂)."""
    rng = np.random.default_rng(seed)
    var = d.wrt.name
    gradient = d.with_layout("denominator")
    variants = sampling.size_variants(sampling.sizes_of(d))
    examiner = Examiner(d)  # the numeric check's points: well-conditioned squares, its samples
    strategies = list(sampling.strategies(d.function))
    failures = 0
    for k in range(ATTEMPTS):
        sizes, strategy = variants[k % len(variants)], strategies[k % len(strategies)]
        values = examiner.point(sizes, rng, strategy)
        try:
            with np.errstate(all="ignore"):
                at_random = np.asarray(gradient.evaluate(**values), dtype=float)
        except MatdiffError:  # f's own matrices singular at this point: another point decides
            continue
        if not np.all(np.isfinite(at_random)):
            continue
        try:  # a solution that cannot be evaluated (an inverse of x xᵀ) is no solution
            with np.errstate(all="ignore"):
                solution = np.asarray(d.evaluate_solution(**values), dtype=float)  # X fixes sizes
        except MatdiffError:
            solution = None
        given = np.asarray(values[var], dtype=float)
        if solution is not None and solution.size == 1 and given.size != 1:
            solution = None  # λ where λI was meant: the wrong shape is no solution
        if solution is not None and solution.size != 1 and solution.shape != given.shape:
            solution = solution.reshape(given.shape) if solution.size == given.size else None
        if solution is not None and not (d.wrt.symmetric and not np.allclose(solution, solution.T)):
            try:
                with np.errstate(all="ignore"):
                    at_solution = np.asarray(gradient.evaluate(**{**values, var: solution}), dtype=float)
            except MatdiffError:  # f undefined there (Σ̂ = (x − m)(x − m)ᵀ, rank one): undecided
                continue
            scale = max(float(np.max(np.abs(at_random), initial=0.0)), 1e-300)
            if (
                np.all(np.isfinite(at_solution))
                and np.max(np.abs(at_solution), initial=0.0) <= TOLERANCE * scale
                and _in_domain(d, {**values, var: solution})
            ):
                return True
        failures += 1
        if failures == 3:
            return False
    return None


def _in_domain(d, values: dict) -> bool:
    """Whether f is defined at a scalar variable's solution: multiplied through by s, the gradient
    1/s + 1 of log(s) + s vanishes at ŝ = −1, where log(s) is not (a matrix's solution, as the MVN's
    Σ̂ = S at a point where det S < 0, is a stationary point wherever f is defined: not judged)."""
    if not d.wrt.is_scalar:
        return True
    try:
        with np.errstate(all="ignore"):
            return bool(np.all(np.isfinite(d.value(**values))))
    except MatdiffError:
        return False


def refuse_a_wrong_solution(d, source: str, seed: int = 0) -> None:
    """MatdiffError when the solution ``d`` shows does not make the gradient zero."""
    if d.solution is not None and verify_solution(d, seed) is False:
        raise MatdiffError(
            f"cannot solve ∂f/∂{name_text(d.wrt.name)} = 0: the value the steps arrive at is not a stationary "
            f"point (at random points the gradient there is not zero, or it cannot be evaluated), "
            f"so it is not shown as a solution",
            source,
            d.typed.span,  # under the function's line, as the solve stage's own refusals
        )
