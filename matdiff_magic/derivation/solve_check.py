"""The stationary point checked: the gradient is zero there, at random values of the rest.

Each manipulation of the solve stage (multiplying through, cancelling, taking what is the same for
every sample out of a sum) is an identity, but a solution is an answer people copy: before it is
shown, it is evaluated at random values of the other variables and put back into the derivative
(denominator layout, which the suite checks against central differences); where the gradient
there is not zero, relative to its size at a random value of the variable, or the solution cannot
be evaluated at all (a singular x xᵀ to invert, a symmetric variable's value that is not), at
three points, the solution is refused rather than shown.
"""

from __future__ import annotations

import numpy as np

from matdiff_magic.errors import MatdiffError
from matdiff_magic.numeric import points as sampling

TOLERANCE = 1e-6  # |∂f/∂X at X̂| against |∂f/∂X| at a random X
ATTEMPTS = 8  # random points tried; three that fail refuse the solution


def verify_solution(d, seed: int = 0) -> bool | None:
    """True when the gradient vanishes at ``d.solution`` at a random point, False when it does
    not (or the solution cannot be evaluated) at three points first, None when f's own matrices
    left no point to try."""
    rng = np.random.default_rng(seed)
    var = d.wrt.name
    gradient = d.with_layout("denominator")
    dims = [dim for node in d.function.walk() for dim in node.shape]
    variants = sampling.size_variants(sampling.sample_sizes(d.variables, dims))
    squares = sampling.square_variables(d.function)
    counts = sampling.sample_counts([d.function])
    kinds = list(sampling.strategies(d.function))
    failures = 0
    for k in range(ATTEMPTS):
        sizes, strategy = variants[k % len(variants)], kinds[k % len(kinds)]
        values = sampling.sample_point(d.variables, sizes, rng, squares, **strategy, samples=counts)
        try:
            with np.errstate(all="ignore"):
                at_random = np.asarray(gradient.evaluate(**values), dtype=float)
        except MatdiffError:  # f's own matrices singular at this point: another point decides
            continue
        if not np.all(np.isfinite(at_random)):
            continue
        try:  # the solution, then the gradient there: a solution that cannot be evaluated (an
            # inverse of x xᵀ, or a declared-symmetric variable's value that is not) is no solution
            with np.errstate(all="ignore"):
                solution = d.evaluate_solution(**values)  # X's own value only fixes the sizes
                at_solution = np.asarray(gradient.evaluate(**{**values, var: solution}), dtype=float)
            scale = max(float(np.max(np.abs(at_random), initial=0.0)), 1e-300)
            if (
                np.all(np.isfinite(at_solution))
                and np.max(np.abs(at_solution), initial=0.0) <= TOLERANCE * scale
            ):
                return True
        except MatdiffError:
            pass
        failures += 1
        if failures == 3:
            return False
    return None


def refuse_a_wrong_solution(d, source: str, seed: int = 0) -> None:
    """MatdiffError when the solution ``d`` shows does not make the gradient zero."""
    if d.solution is not None and verify_solution(d, seed) is False:
        raise MatdiffError(
            f"cannot solve ∂f/∂{d.wrt.name} = 0: the value the steps arrive at is not a stationary "
            f"point (at random points the gradient there is not zero, or it cannot be evaluated), "
            f"so it is not shown as a solution",
            source,
        )
