"""The generated module's ``random_inputs`` and its check against central differences.

``random_inputs`` draws inputs at sizes where the derivative checks out (as the derivation's own
check finds them, ``numeric.check.check_points``); ``check_gradient``, ``check_jacobian`` and
``check_hessian`` are written out in the module, self-contained, each stepping one entry of the
variable at a time in column-major order (along E_ij + E_ji for a symmetric variable).
"""

from __future__ import annotations

import itertools

import numpy as np

from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.naming import FUNCTION, FUNCTIONS, size_code
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric.check import (
    TOLERANCE,
    check_points,
    size_variants,
    sizes_of,
    square_variables,
    strategies,
    too_large_to_check,
)


def _working_sizes(d) -> dict:
    """Sizes at which the derivative checks out at random points, as in the derivation's own check
    (XXᵀ is invertible only with few rows, det(AXB) needs the inner sizes large enough …); beyond
    the check's size variants, up to 24 orderings of its sizes are tried."""
    variants = size_variants(sizes_of(d))
    nodes = post_order([d.function, d.target, *(r.expr for r in d.results.values())])
    if too_large_to_check(d.wrt, d.target, nodes, variants[0]) is not None:
        return variants[0]  # declared sizes the derivation's check could not take either
    for values in itertools.islice(itertools.permutations(list(variants[0].values())), 24):
        sizes = dict(zip(variants[0], values))
        if sizes not in variants:
            variants.append(sizes)
    fallback = None
    for point in check_points(d, variants, d.seed, skip=(MatdiffError, np.linalg.LinAlgError, ValueError)):
        if point.error < TOLERANCE:
            if point.scale > 1e-8:
                return point.sizes
            fallback = fallback or point.sizes  # right, but at a degenerate point (det(AXB) = 0 …)
    return fallback or variants[0]


def random_inputs_code(d, names, sizes) -> str:
    chosen = _working_sizes(d)
    squares = square_variables(d.function)
    order = list(sizes)
    lines = [
        "def random_inputs(rng, scale=1.0, positive=False):",
        '    """Random inputs of fitting shapes; square matrices under inv/det are well conditioned."""',
    ]
    if order:
        lines.append(
            f"    {', '.join(sizes[s] for s in order)} = {', '.join(str(chosen.get(s, 3)) for s in order)}"
        )
    lines += [
        "",
        "    def draw(*shape):",
        "        if positive:",
        "            return rng.uniform(0.2, 1.0, size=shape) * scale",
        "        return rng.standard_normal(shape) * scale",
        "",
    ]
    for v in d.variables:
        x = names[v.name]
        dims = [size_code(dim, sizes) for dim in v.shape if dim != 1]
        if v.is_scalar:
            lines.append(f"    {x} = float(draw())")
        elif v.symmetric:
            lines.append(f"    {x} = 0.3 * draw({dims[0]}, {dims[0]})")
            lines.append(f"    {x} = {x} @ {x}.T + np.eye({dims[0]})  # symmetric positive definite")
        elif v.name in squares and len(dims) == 2 and v.shape[0] == v.shape[1]:
            n = dims[0]
            # near a multiple of I, det > 0 always: at signed inputs the first row is negated as
            # likely as not (as the package's own check draws them), so det < 0 is tried too
            lines += [
                f"    {x} = draw({n}, {n})",
                f"    {x} = (np.eye({n}) * (1.0 + {n} * scale) + 0.3 * {x}) * np.where(",
                f"        (np.arange({n}) == 0) & (not positive) & ({x}[0, 0] < 0), -1.0, 1.0",
                "    )[:, None]",
            ]
        else:
            lines.append(f"    {x} = draw({', '.join(dims)})")
    args = ", ".join(names[v.name] for v in d.variables)
    lines.append(f"    return {args}{',' if len(d.variables) == 1 else ''}")
    return "\n".join(lines) + "\n"


# no random input where f and its derivative are finite (f undefined, a matrix singular): nothing to check
OR_NAN = [
    "",
    "",
    "def _or_nan(compute):",
    '    """The value, or NaN where f is undefined (a singular matrix)."""',
    "    try:",
    "        return compute()",
    "    except np.linalg.LinAlgError:",
    "        return np.nan",
]
# how each check ends: its error(h) at three steps, the smallest reported (a wrong derivative is
# wrong at every step; cos(det(3 P³)) turns fast enough that h²·f‴/6 at h = 1e-6 reads as 5e-3)
SMALLEST_ERROR = [
    "",
    "    # the step h; 100 h where rounding swamps the differences (a large f); h / 100 where the",
    "    # curvature of a fast-turning f does: the smallest error (NaN only where all are) of the",
    "    # steps whose rounding, about ε·|f|/step, lets the differences resolve a derivative",
    "    size = float(np.max(np.abs(value), initial=0.0))",
    "    errors = [(error(s), np.finfo(float).eps * size / s) for s in (h, 100 * h, h / 100)]",
    "    resolved = [e for e, rounding in errors if rounding < 1e-5 or e < 1e-4]",
    '    return float(np.fmin.reduce(resolved)) if resolved else float("nan")',
]
NO_POINT = '        return float("nan")  # f or its derivative is undefined at every random input'


def check_gradient_code(d, names) -> str:
    lines, args, x = _check_head(
        d,
        names,
        "value, gradient",
        f'''    """The gradient of {FUNCTION} against central finite differences at random inputs:
    the largest difference, relative to the largest entry (at least 1)."""''',
    )
    lines += [
        f"    def f({x}):",
        f"        return _or_nan(lambda: {FUNCTION}({args})[0])",
        "",
        "    def error(h):",
        f"        numeric = np.zeros(np.shape({x}))",
        "        for idx in np.ndindex(*numeric.shape):",
        f"            step = np.zeros(np.shape({x}))",
        "            step[idx] = h",
    ]
    if d.wrt.symmetric:
        lines.append("            step[idx[::-1]] = h  # keep the input symmetric: ∂f along E_ij + E_ji")
    lines.append(f"            numeric[idx] = (f({x} + step) - f({x} - step)) / (2 * h)")
    expected = "numeric"
    if not d.wrt.is_scalar and d.layout == "numerator":
        expected = "numeric.reshape(1, -1)" if d.wrt.shape[1] == 1 else "numeric.T"
    lines.append(f"        expected = {expected}  # {d.layout} layout")
    if d.wrt.symmetric:
        lines.append("        got = gradient + gradient.T - np.diag(np.diag(gradient))  # g_ij + g_ji, g_ii")
    else:
        lines.append("        got = gradient")
    lines += [
        "        return np.max(np.abs(got - expected)) / max(1.0, np.max(np.abs(expected)))",
        *SMALLEST_ERROR,
    ]
    return "\n".join(lines + OR_NAN) + "\n"


def _check_head(d, names, outputs: str, docstring: str) -> tuple[list[str], str, str]:
    """The first lines of the check: its strategies, its signature with ``docstring``, and the loop
    that draws random inputs until every one of the exported function's ``outputs`` is finite;
    with the argument list and the variable's name."""
    func, check = FUNCTIONS[d.kind]
    args = ", ".join(names[v.name] for v in d.variables)
    strat = ", ".join(f"({s['scale']}, {s['positive']})" for s in strategies(d.function))
    finite = " and ".join(f"np.all(np.isfinite({o}))" for o in outputs.split(", "))
    lines = [
        f"STRATEGIES = ({strat})  # (scale, positive) of the random inputs, tried in turn",
        "",
        "",
        f"def {check}(seed=0, h=1e-6):",
        docstring,
        "    rng = np.random.default_rng(seed)",
        "    for scale, positive in STRATEGIES:",
        f"        {args}{',' if len(d.variables) == 1 else ''} = random_inputs(rng, scale, positive)",
        "        try:",
        f"            {outputs} = {func}({args})",
        "        except np.linalg.LinAlgError:",
        "            continue",
        f"        if {finite}:",
        "            break",
        "    else:",
        NO_POINT,
        "",
    ]
    return lines, args, names[d.wrt.name]


def _directions(d, names, expected_rows: str, *also: str) -> list[str]:
    """The start of ``error(h)`` and its loop over the entries of the variable, column-major: one step
    h e_k (h (E_ij + E_ji) for a symmetric variable) and the derivative predicted along it."""
    x = names[d.wrt.name]
    lines = [
        "    def error(h):",
        f"        numeric = np.zeros(({expected_rows}, np.size({x})))",
        "        got = np.zeros(numeric.shape)",
        *also,
        f"        for entry in range(np.size({x})):",
        f'            idx = np.unravel_index(entry, np.shape({x}), order="F")',
        f"            step = np.zeros(np.shape({x}))",
        "            step[idx] = h",
    ]
    if d.wrt.symmetric:
        lines.append("            step[idx[::-1]] = h  # keep the input symmetric: along E_ij + E_ji")
    return lines


def check_jacobian_code(d, names) -> str:
    func = FUNCTIONS["jacobian"][0]
    lines, args, x = _check_head(
        d,
        names,
        "value, jacobian",
        f'''    """The Jacobian of {func} against central differences of vec F (columns stacked)
    at random inputs: the largest difference, relative to the largest entry (at least 1)."""''',
    )
    form = jacobian_as_numerator(d, "jacobian")
    lines += [
        f"    def vecf({x}):",
        f'        return _or_nan(lambda: np.ravel({func}({args})[0], order="F"))',
        "",
        f"    derivative = {form}  # ∂vec F/∂(vec {x})ᵀ from the {d.layout} layout",
        "",
        *_directions(d, names, "derivative.shape[0]"),
        f"            numeric[:, entry] = (vecf({x} + step) - vecf({x} - step)) / (2 * h)",
        '            got[:, entry] = derivative @ np.ravel(step, order="F") / h',
        "        return np.max(np.abs(got - numeric)) / max(1.0, np.max(np.abs(numeric)))",
        *SMALLEST_ERROR,
    ]
    return "\n".join(lines + OR_NAN) + "\n"


def jacobian_as_numerator(d, value: str) -> str:
    """Code turning ``value``, the exported Jacobian in ``d``'s layout, into ∂vec F/∂(vec x)ᵀ."""
    if d.wrt.is_scalar:
        if d.layout == "denominator":
            return f'np.reshape(np.transpose({value}), (-1, 1), order="F")'
        return f'np.reshape({value}, (-1, 1), order="F")'
    return f"{value}.T" if d.layout == "denominator" else value


def check_hessian_code(d, names) -> str:
    func = FUNCTIONS["hessian"][0]
    lines, args, x = _check_head(
        d,
        names,
        "value, gradient, hessian",
        f'''    """The gradient of {func} against central differences of f, and its Hessian against
    central differences of that gradient (vec, columns stacked), at random inputs: the
    largest difference, relative to the largest entry (at least 1)."""''',
    )
    back = (
        "np.transpose(gradient)"
        if d.layout == "numerator" and not d.wrt.is_scalar and d.wrt.shape[1] != 1
        else "gradient"
    )
    lines += [
        f"    def f({x}):",
        f"        return _or_nan(lambda: {func}({args})[0])",
        "",
        f"    def vecg({x}):",
        f'        return _or_nan(lambda: np.ravel({func}({args})[1], order="F"))'
        if back == "gradient"
        else f'        return _or_nan(lambda: np.ravel(np.transpose({func}({args})[1]), order="F"))',
        "",
        f"    derivative = np.reshape({back}, np.shape({x}))  # ∂f/∂{x}, the shape of {x}",
        f"    hessian = np.reshape(hessian, (np.size({x}), np.size({x})))",
        "",
        *_directions(
            d,
            names,
            f"np.size({x})",
            f"        slope, predicted = np.zeros(np.size({x})), np.zeros(np.size({x}))",
        ),
        f"            slope[entry] = (f({x} + step) - f({x} - step)) / (2 * h)",
        "            predicted[entry] = np.sum(derivative * step) / h",
        f"            numeric[:, entry] = (vecg({x} + step) - vecg({x} - step)) / (2 * h)",
        '            got[:, entry] = hessian @ np.ravel(step, order="F") / h',
        "        return max(np.max(np.abs(predicted - slope)) / max(1.0, np.max(np.abs(slope))),",
        "                   np.max(np.abs(got - numeric)) / max(1.0, np.max(np.abs(numeric))))",
        *SMALLEST_ERROR,
    ]
    return "\n".join(lines + OR_NAN) + "\n"
