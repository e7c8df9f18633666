"""Code export: a derivation as a self-contained NumPy module (like matrixcalculus.org's export).

The module defines ``f_and_grad(<variables>)`` returning ``(value, gradient)`` in the derivation's
layout, with shape assertions (vectors 1-D, matrices 2-D, the symbolic sizes consistent, symmetric
inputs symmetric); ``random_inputs`` and ``check_gradient``, which compares the gradient with
central finite differences; and a ``__main__`` block that prints that check. Subexpressions used
more than once are computed once, into temporaries ``t0 = …``.

A Jacobian (a vector- or matrix-valued F) exports ``f_and_jacobian`` returning ``(F, J)`` with J
shaped as ``Derivation.evaluate`` gives it, and ``check_jacobian`` (central differences of vec F,
column-major). A Hessian exports ``f_grad_hessian`` returning ``(f, gradient, H)`` and
``check_hessian`` (the gradient against differences of f, H against differences of the gradient).
Diagonal and commutation matrices inside products are printed as scalings and permutations, and
sums L diag(u) R + L diag(v) R as L diag(u + v) R, so a Hessian such as Xᵀ diag(v) X costs one
matrix product and never builds an n×n diagonal or n²×n² permutation.
"""
from __future__ import annotations

import itertools
import keyword
from collections import Counter

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.check import (
    TOLERANCE,
    check_points,
    sample_sizes,
    size_variants,
    square_variables,
    strategies,
)
from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.numpy_printer import HELPERS, NumpyPrinter, kind
from matdiff_magic.render.printer import to_text
from matdiff_magic.ir.construct import split_coef, with_coef

FUNCTION = "f_and_grad"
# the exported function and its check, by the kind of derivation
FUNCTIONS = {"gradient": (FUNCTION, "check_gradient"), "jacobian": ("f_and_jacobian", "check_jacobian"),
             "hessian": ("f_grad_hessian", "check_hessian")}
# names the module itself uses; a variable called so is renamed with a trailing underscore
RESERVED = {"np", "value", "gradient", "rng", "seed", "h", "scale", "positive", "draw", "numeric",
            "step", "idx", "expected", "got", "error", "f", FUNCTION, "check_gradient",
            "random_inputs", "STRATEGIES", "jacobian", "hessian", "vecf", "vecg", "entry",
            "derivative", "slope", "predicted"} | {name for pair in FUNCTIONS.values() for name in pair} | set(HELPERS)


def to_python(d) -> str:
    """The source of a NumPy module computing f and the derivative of ``d`` in its layout."""
    kind = getattr(d, "kind", "gradient")
    if kind in ("jacobian", "hessian"):
        return _jacobian_module(d)
    if kind != "gradient":
        raise MatdiffError(f"the code export covers gradients, Jacobians and Hessians; this "
                           f"derivation is a {kind}")
    variables = list(d.variables)
    names = _names(variables)
    sizes = _size_names(variables, set(names.values()))
    f_expr = d.function
    grad_expr = _inline_definitions(d.result, d.typed)
    temps = _temporaries([f_expr, grad_expr], set(names.values()) | set(sizes.values()))
    printer = NumpyPrinter(names, sizes, {})
    body = _assign_temporaries(printer, temps)
    body.append(f"    value = {printer.code(f_expr)}")
    body.append(f"    gradient = {printer.code(grad_expr)}")
    if d.wrt.is_scalar:
        ret = "    return float(value), float(gradient)"
    elif d.wrt.shape[1] == 1 and d.layout == "numerator":
        ret = "    return float(value), np.reshape(gradient, (1, -1))  # numerator layout: a row"
    else:
        ret = "    return float(value), gradient"

    function = (_signature(d, names, grad_expr) + "\n".join(_checks(variables, names, sizes)) + "\n"
                + "\n".join(body) + "\n" + ret + "\n")
    main = ('if __name__ == "__main__":\n'
            f'    print(f"{FUNCTION}: max. relative error of the gradient against central '
            'differences {check_gradient():.1e}")\n')
    return _module(_header(d), printer, function,
                   [_random_inputs(d, names, sizes), _check_gradient(d, names), main])


def _assign_temporaries(printer, temps) -> list[str]:
    """One line per shared subexpression, computed once; later code refers to its name."""
    lines = []
    for node, temp in temps:
        lines.append(f"    {temp} = {printer.define(node)}")
        printer.temps[node] = temp
    return lines


def _module(header: str, printer, function: str, rest: list[str]) -> str:
    """The module: header, the NumPy import, the helpers the printer used, the function, the rest."""
    parts = [header, "import numpy as np\n"]
    helpers = [HELPERS[h] for h in sorted(printer.helpers)]
    if helpers:
        parts.append("\n" + "\n\n".join(helpers))
    parts += ["\n" + function] + ["\n" + r for r in rest]
    return "\n".join(parts)


# ---- names -----------------------------------------------------------------------------------
def _ident(name: str, taken: set) -> str:
    out = name if name.isidentifier() else "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    while keyword.iskeyword(out) or out in RESERVED or out in taken:
        out += "_"
    return out


def _names(variables) -> dict:
    taken: set = set()
    out = {}
    for v in variables:
        out[v.name] = _ident(v.name, taken)
        taken.add(out[v.name])
    return out


def _size_names(variables, taken: set) -> dict:
    out = {}
    for v in variables:
        for d in v.shape:
            if d != 1 and d not in out and not (isinstance(d, str) and d.isdigit()):
                out[d] = _ident(str(d), taken | set(out.values()))
    return out


def _inline_definitions(expr: ir.Expr, typed) -> ir.Expr:
    """Intermediate names (Y = A*X*B) in a result are replaced by what they stand for."""
    defs = getattr(typed, "definitions", {}) or {}
    known = {v.name for v in typed.variables}
    mapping = {n: defs[n.name] for n in expr.walk()
               if isinstance(n, ir.Var) and n.name in defs and n.name not in known}
    return ir.replace(expr, mapping) if mapping else expr


def _cheap(e: ir.Expr) -> bool:
    if isinstance(e, (ir.Var, ir.Const, ir.Fill, ir.Zero, ir.Identity)):
        return True
    if isinstance(e, (ir.Transpose, ir.Neg)):
        return _cheap(e.arg)
    return False


def _temporaries(roots, taken: set) -> list[tuple[ir.Expr, str]]:
    """Nodes computed more than once (a node inside a repeated node counts once), children first."""
    counts: Counter = Counter()
    order: list = []
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        counts[node] += 1
        if counts[node] == 1:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children()))
    out, k = [], 0
    for node in order:
        if counts[node] > 1 and not _cheap(node):
            while f"t{k}" in taken:
                k += 1
            out.append((node, f"t{k}"))
            k += 1
    return out


# ---- the parts of the module -----------------------------------------------------------------
def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")


def _layout_words(d) -> str:
    r = d.results[d.layout]
    shape = "a number" if d.wrt.is_scalar else \
        "a 1-D array" if d.wrt.shape[1] == 1 and d.layout != "numerator" else \
        "a 1×n row (2-D)" if d.wrt.shape[1] == 1 else f"shape {_shape_words(r.shape)}"
    return f"{d.layout} layout, {shape}"


def _shape_words(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _header(d, what: str = "gradient") -> str:
    source = "\n".join("    " + line for line in d.source.strip().splitlines())
    return (f'"""{_doc(d.name)} = {_doc(to_text(d.function))} and its derivative by '
            f'{_doc(d.wrt.name)}, exported by matdiff_magic.\n\nFrom the cell:\n{_doc(source)}\n\n'
            f'Run this file to check the {what} against central finite differences.\n"""')


def _describe(v) -> str:
    if v.is_scalar:
        return "a scalar"
    dims = [str(d) for d in v.shape if d != 1]
    if v.shape[1] == 1:
        return f"a vector, shape ({dims[0]},)"
    return f"{'a symmetric' if v.symmetric else 'a'} matrix, shape ({', '.join(dims)})"


def _signature(d, names, grad_expr) -> str:
    args = ", ".join(names[v.name] for v in d.variables)
    r = d.results[d.layout]
    lines = [f"def {FUNCTION}({args}):",
             f'    """{_doc(d.name)} = {_doc(to_text(d.function))} and {_doc(r.lhs_text)} = '
             f'{_doc(to_text(grad_expr))}',
             f"    ({_layout_words(d)}).", ""]
    lines += [f"    {names[v.name]}: {_describe(v)}" for v in d.variables]
    lines += ["    Returns (value, gradient).", '    """']
    return "\n".join(lines) + "\n"


def _checks(variables, names, sizes) -> list[str]:
    out, bound = [], set()
    for v in variables:
        x = names[v.name]
        if v.is_scalar:
            out.append(f'    assert np.ndim({x}) == 0, f"{x} must be a scalar, got shape {{np.shape({x})}}"')
            out.append(f"    {x} = np.float64({x})")
            continue
        out.append(f"    {x} = np.asarray({x}, dtype=float)")
        if v.shape[1] == 1:
            out.append(f'    assert {x}.ndim == 1, f"{x} must be a vector (a 1-D array), got shape {{{x}.shape}}"')
            dims = [v.shape[0]]
        else:
            out.append(f'    assert {x}.ndim == 2, f"{x} must be a matrix (a 2-D array), got shape {{{x}.shape}}"')
            dims = list(v.shape)
        new = [d for d in dict.fromkeys(dims) if d in sizes and d not in bound]
        if len(dims) == 2 and len(new) == 2:
            out.append(f"    {sizes[dims[0]]}, {sizes[dims[1]]} = {x}.shape")
        else:
            for d in new:
                out.append(f"    {sizes[d]} = {x}.shape[{dims.index(d)}]")
        bound.update(new)
        if len(new) < len(dims):   # a size known from an earlier argument, a repeated or a fixed one
            want = [sizes.get(d, str(d)) for d in dims]
            tup = f"({want[0]},)" if len(want) == 1 else f"({want[0]}, {want[1]})"
            filled = "(" + ", ".join(f"{{{w}}}" if not w.isdigit() else w for w in want) + (",)" if len(want) == 1 else ")")
            out.append(f'    assert {x}.shape == {tup}, f"{x} must have shape {tup} = {filled}, got {{{x}.shape}}"')
        if v.symmetric:
            out.append(f'    assert np.allclose({x}, {x}.T), "{x} must be symmetric"')
    return out


def _working_sizes(d) -> dict:
    """Sizes at which the derivative checks out at random points, as in the derivation's own check
    (XXᵀ is invertible only with few rows, det(AXB) needs the inner sizes large enough …); beyond
    the check's size variants, up to 24 orderings of its sizes are tried."""
    dims = [dim for node in d.function.walk() for dim in node.shape]
    variants = size_variants(sample_sizes(d.variables, dims))
    for values in itertools.islice(itertools.permutations(list(variants[0].values())), 24):
        sizes = dict(zip(variants[0], values))
        if sizes not in variants:
            variants.append(sizes)
    fallback = None
    for point in check_points(d, variants, d.seed, skip=(MatdiffError, np.linalg.LinAlgError, ValueError)):
        if point.error < TOLERANCE:
            if point.scale > 1e-8:
                return point.sizes
            fallback = fallback or point.sizes   # right, but at a degenerate point (det(AXB) = 0 …)
    return fallback or variants[0]


def _random_inputs(d, names, sizes) -> str:
    chosen = _working_sizes(d)
    squares = square_variables(d.function)
    order = list(sizes)
    lines = ["def random_inputs(rng, scale=1.0, positive=False):",
             '    """Random inputs of fitting shapes; square matrices under inv/det are well conditioned."""']
    if order:
        lines.append(f"    {', '.join(sizes[s] for s in order)} = "
                     f"{', '.join(str(chosen.get(s, 3)) for s in order)}")
    lines += ["",
              "    def draw(*shape):",
              "        if positive:",
              "            return rng.uniform(0.2, 1.0, size=shape) * scale",
              "        return rng.standard_normal(shape) * scale",
              ""]
    for v in d.variables:
        x = names[v.name]
        dims = [sizes.get(dim, str(dim)) for dim in v.shape if dim != 1]
        if v.is_scalar:
            lines.append(f"    {x} = float(draw())")
        elif v.symmetric:
            lines.append(f"    {x} = 0.3 * draw({dims[0]}, {dims[0]})")
            lines.append(f"    {x} = {x} @ {x}.T + np.eye({dims[0]})  # symmetric positive definite")
        elif v.name in squares and len(dims) == 2 and v.shape[0] == v.shape[1]:
            lines.append(f"    {x} = np.eye({dims[0]}) * (1.0 + {dims[0]} * scale) + 0.3 * draw({dims[0]}, {dims[0]})")
        else:
            lines.append(f"    {x} = draw({', '.join(dims)})")
    args = ", ".join(names[v.name] for v in d.variables)
    lines.append(f"    return {args}{',' if len(d.variables) == 1 else ''}")
    return "\n".join(lines) + "\n"


def _check_gradient(d, names) -> str:
    args = ", ".join(names[v.name] for v in d.variables)
    x = names[d.wrt.name]
    strat = ", ".join(f"({s['scale']}, {s['positive']})" for s in strategies(d.function))
    lines = [f"STRATEGIES = ({strat})  # (scale, positive) of the random inputs, tried in turn", "", "",
             "def check_gradient(seed=0, h=1e-6):",
             f'    """The gradient of {FUNCTION} against central finite differences at random inputs:',
             '    the largest difference, relative to the largest entry (at least 1)."""',
             "    rng = np.random.default_rng(seed)",
             "    for scale, positive in STRATEGIES:",
             f"        {args}{',' if len(d.variables) == 1 else ''} = random_inputs(rng, scale, positive)",
             "        try:",
             f"            value, gradient = {FUNCTION}({args})",
             "        except np.linalg.LinAlgError:",
             "            continue",
             "        if np.isfinite(value) and np.all(np.isfinite(gradient)):",
             "            break",
             "",
             f"    def f({x}):",
             f"        return {FUNCTION}({args})[0]",
             "",
             f"    numeric = np.zeros(np.shape({x}))",
             "    for idx in np.ndindex(*numeric.shape):",
             f"        step = np.zeros(np.shape({x}))",
             "        step[idx] = h"]
    if d.wrt.symmetric:
        lines.append("        step[idx[::-1]] = h  # keep the input symmetric: ∂f along E_ij + E_ji")
    lines.append(f"        numeric[idx] = (f({x} + step) - f({x} - step)) / (2 * h)")
    expected = "numeric"
    if not d.wrt.is_scalar and d.layout == "numerator":
        expected = "numeric.reshape(1, -1)" if d.wrt.shape[1] == 1 else "numeric.T"
    lines.append(f"    expected = {expected}  # {d.layout} layout")
    if d.wrt.symmetric:
        lines.append("    got = gradient + gradient.T - np.diag(np.diag(gradient))  # g_ij + g_ji, g_ii")
    else:
        lines.append("    got = gradient")
    lines += ["    error = np.max(np.abs(got - expected)) / max(1.0, np.max(np.abs(expected)))",
              "    return float(error)"]
    return "\n".join(lines) + "\n"


# ---- Jacobians and Hessians ------------------------------------------------------------------
def _jacobian_module(d) -> str:
    """``f_and_jacobian`` returning (F, J), or ``f_grad_hessian`` returning (f, gradient, H)."""
    hessian = d.kind == "hessian"
    func, check = FUNCTIONS[d.kind]
    variables = list(d.variables)
    names = _names(variables)
    sizes = _size_names(variables, set(names.values()))
    f_expr = d.function
    deriv = merge_diagonal_sandwiches(_inline_definitions(d.result, d.typed))
    grad_expr = _inline_definitions(d.target, d.typed) if hessian else None
    roots = [f_expr, grad_expr, deriv] if hessian else [f_expr, deriv]
    temps = _temporaries(roots, set(names.values()) | set(sizes.values()))
    printer = NumpyPrinter(names, sizes, {})
    body = _assign_temporaries(printer, temps)
    body.append(f"    value = {printer.code(f_expr)}")
    if hessian:
        body.append(f"    gradient = {printer.code(grad_expr)}  # ∂f/∂{names[d.wrt.name]}, the shape of "
                    f"{names[d.wrt.name]}")
        body.append(f"    hessian = {printer.code(deriv)}")
        ret = f"    return float(value), {_gradient_out(d)}, {_as_returned('hessian', deriv, _returned_ndim(d))}"
    else:
        body.append(f"    jacobian = {printer.code(deriv)}")
        ret = f"    return value, {_as_returned('jacobian', deriv, _returned_ndim(d))}"

    function = (_jacobian_signature(d, names, func, grad_expr, deriv)
                + "\n".join(_checks(variables, names, sizes)) + "\n" + "\n".join(body) + "\n" + ret + "\n")
    what = "the Hessian (and the gradient)" if hessian else "the Jacobian"
    main = ('if __name__ == "__main__":\n'
            f'    print(f"{func}: max. relative error of {what} against central '
            f'differences {{{check}():.1e}}")\n')
    checker = _check_hessian(d, names) if hessian else _check_jacobian(d, names)
    return _module(_header(d, d.kind if d.kind == "hessian" else "Jacobian"), printer, function,
                   [_random_inputs(d, names, sizes), checker, main])


def merge_diagonal_sandwiches(e: ir.Expr) -> ir.Expr:
    """c₁ L diag(u₁) R + c₂ L diag(u₂) R + … = L diag(c₁u₁ + c₂u₂ + …) R: one matrix product
    instead of one per term (a logistic loss's Hessian Xᵀ diag(…) X has six such terms)."""
    if not isinstance(e, ir.Add):
        return e
    groups: dict = {}
    out: list = []
    for t in e.terms:
        c, rest = split_coef(t)
        factors = rest.factors if isinstance(rest, ir.MatMul) else (rest,)
        diags = [i for i, f in enumerate(factors) if isinstance(f, ir.DiagMatrix) and f.arg.shape[1] == 1]
        if len(diags) != 1:
            out.append(t)
            continue
        k = diags[0]
        key = (factors[:k], factors[k + 1:])
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append(with_coef(c, factors[k].arg))
    terms = []
    for item in out:
        if not isinstance(item, tuple):
            terms.append(item)
            continue
        (left, right), vs = item, groups[item]
        diag = ir.DiagMatrix(vs[0] if len(vs) == 1 else ir.Add(vs))
        chain = list(left) + [diag] + list(right)
        terms.append(chain[0] if len(chain) == 1 else ir.MatMul(chain))
    return terms[0] if len(terms) == 1 else ir.Add(terms)


def _returned_ndim(d) -> int:
    """How Derivation.evaluate shapes the result: 0 (a float), 1 (a 1-D vector) or 2."""
    r = d.results[d.layout]
    if d.wrt.is_scalar and d.target.is_scalar and r.shape == ir.SCALAR:
        return 0
    if d.kind == "jacobian" and d.wrt.is_scalar and d.target.shape[1] == 1 and d.layout != "denominator":
        return 1
    return 2


def _as_returned(name: str, e: ir.Expr, ndim: int) -> str:
    """The printed value (a float, 1-D or 2-D by its kind) in the shape ``evaluate`` gives."""
    k = kind(e)
    if ndim == 0:
        return f"float({name})"
    if ndim == 2 and k != "matrix":
        shape = {"col": "(-1, 1)", "row": "(1, -1)", "scalar": "(1, 1)"}[k]
        return f"np.reshape({name}, {shape})"
    if ndim == 1 and k == "scalar":
        return f"np.reshape({name}, (1,))"
    return name


def _gradient_out(d) -> str:
    """The gradient in the derivation's layout, as f_and_grad returns it."""
    if d.wrt.is_scalar:
        return "float(gradient)"
    if d.layout == "numerator":
        return "np.reshape(gradient, (1, -1))" if d.wrt.shape[1] == 1 else "gradient.T"
    return "gradient"


def _jacobian_signature(d, names, func: str, grad_expr, deriv) -> str:
    args = ", ".join(names[v.name] for v in d.variables)
    r = d.results[d.layout]
    lines = [f"def {func}({args}):", f'    """{_doc(d.name)} = {_doc(to_text(d.function))}']
    if grad_expr is not None:
        lines.append(f"    with the gradient ∂{_doc(d.name)}/∂{_doc(d.wrt.name)} = {_doc(to_text(grad_expr))}")
    lines += [f"    and {_doc(r.lhs_text)} = {_doc(to_text(deriv))}", f"    ({_doc(r.description)})", ""]
    lines += [f"    {names[v.name]}: {_describe(v)}" for v in d.variables]
    if grad_expr is not None:
        lines.append(f"    Returns (value, gradient, hessian): the gradient in {d.layout} layout, as "
                     f"{FUNCTION} would return it;")
        lines.append("    the Hessian over vec of the variable (columns stacked).")
    else:
        lines.append("    Returns (value, jacobian): the value as a number, a 1-D vector or a 2-D "
                     "matrix; the Jacobian")
        lines.append("    over vec F and vec of the variable (columns stacked), shaped as "
                     "Derivation.evaluate gives it.")
    lines.append('    """')
    return "\n".join(lines) + "\n"


def _first_finite(d, names, func: str, outputs: str) -> list[str]:
    args = ", ".join(names[v.name] for v in d.variables)
    strat = ", ".join(f"({s['scale']}, {s['positive']})" for s in strategies(d.function))
    finite = " and ".join(f"np.all(np.isfinite({o}))" for o in outputs.split(", "))
    return [f"STRATEGIES = ({strat})  # (scale, positive) of the random inputs, tried in turn", "", "",
            f"def {FUNCTIONS[d.kind][1]}(seed=0, h=1e-6):", None,
            "    rng = np.random.default_rng(seed)",
            "    for scale, positive in STRATEGIES:",
            f"        {args}{',' if len(d.variables) == 1 else ''} = random_inputs(rng, scale, positive)",
            "        try:",
            f"            {outputs} = {func}({args})",
            "        except np.linalg.LinAlgError:",
            "            continue",
            f"        if {finite}:",
            "            break",
            ""]


def _directions(d, names, expected_rows: str) -> list[str]:
    """The loop over the entries of the variable, column-major: one step h e_k (h (E_ij + E_ji)
    for a symmetric variable) and the derivative predicted along it."""
    x = names[d.wrt.name]
    lines = [f"    numeric = np.zeros(({expected_rows}, np.size({x})))",
             "    got = np.zeros(numeric.shape)",
             f"    for entry in range(np.size({x})):",
             f"        idx = np.unravel_index(entry, np.shape({x}), order=\"F\")",
             f"        step = np.zeros(np.shape({x}))",
             "        step[idx] = h"]
    if d.wrt.symmetric:
        lines.append("        step[idx[::-1]] = h  # keep the input symmetric: along E_ij + E_ji")
    return lines


def _check_jacobian(d, names) -> str:
    func, check = FUNCTIONS["jacobian"]
    args = ", ".join(names[v.name] for v in d.variables)
    x = names[d.wrt.name]
    lines = _first_finite(d, names, func, "value, jacobian")
    lines[4] = (f'    """The Jacobian of {func} against central differences of vec F (columns stacked)'
                '\n    at random inputs: the largest difference, relative to the largest entry (at least 1)."""')
    if d.wrt.is_scalar:
        form = ("np.reshape(jacobian, (-1, 1), order=\"F\")" if d.layout != "denominator" else
                "np.reshape(np.transpose(jacobian), (-1, 1), order=\"F\")")
    else:
        form = "jacobian.T" if d.layout == "denominator" else "jacobian"
    lines += [f"    def vecf({x}):",
              f"        return np.ravel({func}({args})[0], order=\"F\")",
              "",
              f"    derivative = {form}  # ∂vec F/∂(vec {x})ᵀ from the {d.layout} layout",
              *_directions(d, names, "derivative.shape[0]"),
              f"        numeric[:, entry] = (vecf({x} + step) - vecf({x} - step)) / (2 * h)",
              "        got[:, entry] = derivative @ np.ravel(step, order=\"F\") / h",
              "    error = np.max(np.abs(got - numeric)) / max(1.0, np.max(np.abs(numeric)))",
              "    return float(error)"]
    return "\n".join(lines) + "\n"


def _check_hessian(d, names) -> str:
    func, check = FUNCTIONS["hessian"]
    args = ", ".join(names[v.name] for v in d.variables)
    x = names[d.wrt.name]
    lines = _first_finite(d, names, func, "value, gradient, hessian")
    lines[4] = (f'    """The gradient of {func} against central differences of f, and its Hessian against'
                '\n    central differences of that gradient (vec, columns stacked), at random inputs: the'
                '\n    largest difference, relative to the largest entry (at least 1)."""')
    back = "np.transpose(gradient)" if d.layout == "numerator" and not d.wrt.is_scalar \
        and d.wrt.shape[1] != 1 else "gradient"
    lines += [f"    def f({x}):",
              f"        return {func}({args})[0]",
              "",
              f"    def vecg({x}):",
              f"        return np.ravel({func}({args})[1], order=\"F\")" if back == "gradient" else
              f"        return np.ravel(np.transpose({func}({args})[1]), order=\"F\")",
              "",
              f"    derivative = np.reshape({back}, np.shape({x}))  # ∂f/∂{x}, the shape of {x}",
              f"    hessian = np.reshape(hessian, (np.size({x}), np.size({x})))",
              f"    slope, predicted = np.zeros(np.size({x})), np.zeros(np.size({x}))",
              *_directions(d, names, f"np.size({x})"),
              f"        slope[entry] = (f({x} + step) - f({x} - step)) / (2 * h)",
              "        predicted[entry] = np.sum(derivative * step) / h",
              f"        numeric[:, entry] = (vecg({x} + step) - vecg({x} - step)) / (2 * h)",
              "        got[:, entry] = hessian @ np.ravel(step, order=\"F\") / h",
              "    error = max(np.max(np.abs(predicted - slope)) / max(1.0, np.max(np.abs(slope))),",
              "                np.max(np.abs(got - numeric)) / max(1.0, np.max(np.abs(numeric))))",
              "    return float(error)"]
    return "\n".join(lines) + "\n"
