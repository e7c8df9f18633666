"""Code export: a derivation as a self-contained NumPy module (like matrixcalculus.org's export).

The module defines ``f_and_grad(<variables>)`` returning ``(value, gradient)`` in the derivation's
layout, with input checks raising ValueError (vectors 1-D, matrices 2-D, the symbolic sizes consistent, a
size that is a product of sizes, 2·m, read or checked against its factors, symmetric inputs symmetric); ``random_inputs`` and ``check_gradient``, which compares the gradient with
central finite differences; and a ``__main__`` block that prints that check. Subexpressions used
more than once are computed once, into temporaries ``t0 = …``.

A Jacobian (a vector- or matrix-valued F) exports ``f_and_jacobian`` returning ``(F, J)`` with J
shaped as ``Derivation.evaluate`` gives it, and ``check_jacobian`` (central differences of vec F,
column-major). A Hessian exports ``f_grad_hessian`` returning ``(f, gradient, H)`` and
``check_hessian`` (the gradient against differences of f, H against differences of the gradient).
Diagonal and commutation matrices inside products are printed as scalings and permutations, and
sums L diag(u) R + L diag(v) R as L diag(u + v) R, so a Hessian such as Xᵀ diag(v) X costs one
matrix product and never builds an n×n diagonal or n²×n² permutation.

What the module computes is first rewritten by ``export.cost.plan`` into cheaper, equal forms (a
sum of matrices times a vector distributed, products in matrix-chain order, solves instead of
inverses, log(det X) from slogdet). Names are chosen in ``export.naming``; the inputs and the check
written into the module in ``export.check_code``.
"""

from __future__ import annotations

from typing import cast

from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.check_code import (
    check_gradient_code,
    check_hessian_code,
    check_jacobian_code,
    random_inputs_code,
)
from matdiff_magic.export.cost import plan
from matdiff_magic.export.naming import (
    FUNCTION,
    FUNCTIONS,
    arguments_code,
    is_product,
    product_size_checks,
    size_names,
    temporaries,
    variable_names,
)
from matdiff_magic.export.numpy_printer import HELPERS, NumpyPrinter, kind
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import split_coef, with_coef
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.dims import Dim


def to_python(d) -> str:
    """The source of a NumPy module computing f and the derivative of ``d`` in its layout."""
    kind = getattr(d, "kind", "gradient")
    if kind in ("jacobian", "hessian"):
        return _jacobian_module(d)
    if kind != "gradient":
        raise MatdiffError(
            f"the code export covers gradients, Jacobians and Hessians; this derivation is a {kind}"
        )
    names = variable_names(d.variables)
    sizes = size_names(d.variables, set(names.values()))
    grad_expr = _inline_definitions(d.result, d.typed)
    roots = plan([d.function, grad_expr], definite=definite(d))
    printer, body = _start(roots, names, sizes)
    body.append(f"    gradient = {printer.code(roots[1])}")
    if d.wrt.is_scalar:
        ret = "    return float(value), float(gradient)"
    elif d.wrt.shape[1] == 1 and d.layout == "numerator":
        ret = "    return float(value), np.reshape(gradient, (1, -1))  # numerator layout: a row"
    else:
        ret = "    return float(value), gradient"
    signature = _signature(d, names, grad_expr)
    checker = check_gradient_code(d, names)
    return _assemble(d, printer, names, sizes, (signature, body, ret), "the gradient", checker, _header(d))


def _start(roots: list, names: dict, sizes: dict) -> tuple:
    """The printer and the first lines of the function's body: the temporaries shared by the
    ``roots`` (f and its derivatives, as ``cost.plan`` gives them), then f's value."""
    temps = temporaries(roots, set(names.values()) | set(sizes.values()))
    printer = NumpyPrinter(names, sizes, {})
    body = _assign_temporaries(printer, temps)
    body.append(f"    value = {printer.code(roots[0])}")
    return printer, body


def _assemble(d, printer, names, sizes, function: tuple, what: str, checker: str, header: str) -> str:
    """The module: the function (the names' mapping, then ``function``'s signature with its
    docstring, the input checks, its body lines and return line), ``random_inputs``, the
    ``checker`` and a ``__main__`` block that prints the check of ``what``."""
    signature, body, ret = function
    variables = list(d.variables)
    code = (
        _mapping(variables, names)
        + signature
        + "\n".join(_checks(variables, names, sizes))
        + "\n"
        + "\n".join(body)
        + "\n"
        + ret
        + "\n"
    )
    func, check = FUNCTIONS[d.kind]
    main = (
        'if __name__ == "__main__":\n'
        f'    print(f"{func}: max. relative error of {what} against central '
        f'differences {{{check}():.1e}}")\n'
    )
    return _module(header, printer, code, [random_inputs_code(d, names, sizes), checker, main])


def _mapping(variables, names) -> str:
    code = arguments_code(variables, names)
    return code + "\n\n" if code else ""


def definite(d) -> frozenset:
    """The names of ``d``'s variables declared symmetric positive definite (``S: spd``)."""
    return d.typed.definite


def _argument_line(v, names, d) -> str:
    x = names[v.name]
    renamed = f" (the variable {_doc(v.name)!r} of the cell)" if x != v.name else ""
    return f"    {x}: {describe_input(v, v.name in definite(d))}{renamed}"


def _require(condition: str, message: str) -> list[str]:
    """An input check that ``python -O`` keeps (unlike assert)."""
    return [f"    if not ({condition}):", f"        raise ValueError({message})"]


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


def _inline_definitions(expr: ir.Expr, typed) -> ir.Expr:
    """Intermediate names (Y = A*X*B) in a result are replaced by what they stand for."""
    defs = getattr(typed, "definitions", {}) or {}
    known = {v.name for v in typed.variables}
    mapping = {
        n: defs[n.name]
        for n in expr.walk()
        if isinstance(n, ir.Var) and n.name in defs and n.name not in known
    }
    return ir.replace(expr, mapping) if mapping else expr


def _doc(text: str) -> str:
    """Text for a docstring: backslashes, quotes and unprintable characters (NUL, line breaks) escaped."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(ch if ch.isprintable() else "\\\\" + ascii(ch)[2:-1] for ch in text)


def _layout_words(d) -> str:
    r = d.results[d.layout]
    shape = (
        "a number"
        if d.wrt.is_scalar
        else "a 1-D array"
        if d.wrt.shape[1] == 1 and d.layout != "numerator"
        else "a 1×n row (2-D)"
        if d.wrt.shape[1] == 1
        else f"shape {_shape_words(r.shape)}"
    )
    return f"{d.layout} layout, {shape}"


def _shape_words(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _header(d, what: str = "gradient") -> str:
    source = "\n".join("    " + _doc(line) for line in d.source.strip().splitlines())
    return (
        f'"""{_doc(d.name)} = {_doc(to_text(d.function))} and its derivative by '
        f"{_doc(d.wrt.name)}, exported by matdiff_magic.\n\nFrom the cell:\n{source}\n\n"
        f'Run this file to check the {what} against central finite differences.\n"""'
    )


def describe_input(v, positive_definite: bool = False) -> str:
    """A variable as the exported docstrings describe an argument: a scalar, a vector of shape
    (n,), a (symmetric, symmetric positive definite) matrix of shape (m, n)."""
    if v.is_scalar:
        return "a scalar"
    dims = [str(d) for d in v.shape if d != 1]
    if v.shape[1] == 1:
        return f"a vector, shape ({dims[0]},)"
    if positive_definite:  # factorised by Cholesky: LinAlgError where it is not positive definite
        return f"a symmetric positive definite matrix, shape ({', '.join(dims)})"
    return f"{'a symmetric' if v.symmetric else 'a'} matrix, shape ({', '.join(dims)})"


def _signature(d, names, grad_expr) -> str:
    args = ", ".join(names[v.name] for v in d.variables)
    r = d.results[d.layout]
    lines = [
        f"def {FUNCTION}({args}):",
        f'    """{_doc(d.name)} = {_doc(to_text(d.function))} and {_doc(r.lhs_text)} = '
        f"{_doc(to_text(grad_expr))}",
        f"    ({_layout_words(d)}).",
        "",
    ]
    lines += [_argument_line(v, names, d) for v in d.variables]
    lines += ["    Returns (value, gradient).", '    """']
    return "\n".join(lines) + "\n"


def _checks(variables, names, sizes) -> list[str]:
    out, bound = [], set()
    for v in variables:
        x = names[v.name]
        if v.is_scalar:
            out += _require(f"np.ndim({x}) == 0", f'f"{x} must be a scalar, got shape {{np.shape({x})}}"')
            out.append(f"    {x} = np.float64({x})")
            continue
        out.append(f"    {x} = np.asarray({x}, dtype=float)")
        if v.shape[1] == 1:
            out += _require(
                f"{x}.ndim == 1", f'f"{x} must be a vector (a 1-D array), got shape {{{x}.shape}}"'
            )
            dims = [v.shape[0]]
        else:
            out += _require(
                f"{x}.ndim == 2", f'f"{x} must be a matrix (a 2-D array), got shape {{{x}.shape}}"'
            )
            dims = list(v.shape)
        new = [d for d in dict.fromkeys(dims) if d in sizes and d not in bound]
        if len(dims) == 2 and len(new) == 2:
            out.append(f"    {sizes[dims[0]]}, {sizes[dims[1]]} = {x}.shape")
        else:
            for d in new:
                out.append(f"    {sizes[d]} = {x}.shape[{dims.index(d)}]")
        bound.update(new)
        if any(is_product(d) for d in dims):
            pass  # its shape is checked once every plain size is known (product_size_checks)
        elif len(new) < len(dims):  # a size known from an earlier argument, a repeated or a fixed one
            want = [sizes.get(d, str(d)) for d in dims]
            tup = f"({want[0]},)" if len(want) == 1 else f"({want[0]}, {want[1]})"
            filled = (
                "("
                + ", ".join(w if Dim.of(d).is_fixed else f"{{{w}}}" for d, w in zip(dims, want))
                + (",)" if len(want) == 1 else ")")
            )
            out += _require(
                f"{x}.shape == {tup}", f'f"{x} must have shape {tup} = {filled}, got {{{x}.shape}}"'
            )
        if v.symmetric:
            out += _require(f"np.allclose({x}, {x}.T)", f'"{x} must be symmetric"')
    return out + product_size_checks(variables, names, sizes, bound)


def _jacobian_module(d) -> str:
    """``f_and_jacobian`` returning (F, J), or ``f_grad_hessian`` returning (f, gradient, H)."""
    hessian = d.kind == "hessian"
    func = FUNCTIONS[d.kind][0]
    names = variable_names(d.variables)
    sizes = size_names(d.variables, set(names.values()))
    deriv = merge_diagonal_sandwiches(_inline_definitions(d.result, d.typed))
    grad_expr = _inline_definitions(d.target, d.typed) if hessian else None
    roots = plan([d.function, grad_expr, deriv] if hessian else [d.function, deriv], definite=definite(d))
    printer, body = _start(roots, names, sizes)
    if hessian:
        body.append(
            f"    gradient = {printer.code(roots[1])}  # ∂f/∂{names[d.wrt.name]}, the shape of "
            f"{names[d.wrt.name]}"
        )
        body.append(f"    hessian = {printer.code(roots[2])}")
        ret = f"    return float(value), {_gradient_out(d)}, {_as_returned('hessian', deriv, _returned_ndim(d))}"
    else:
        body.append(f"    jacobian = {printer.code(roots[1])}")
        ret = f"    return value, {_as_returned('jacobian', deriv, _returned_ndim(d))}"
    signature = _jacobian_signature(d, names, func, grad_expr, deriv)
    what = "the Hessian (and the gradient)" if hessian else "the Jacobian"
    checker = check_hessian_code(d, names) if hessian else check_jacobian_code(d, names)
    header = _header(d, d.kind if d.kind == "hessian" else "Jacobian")
    return _assemble(d, printer, names, sizes, (signature, body, ret), what, checker, header)


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
        key = (factors[:k], factors[k + 1 :])
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append(with_coef(c, cast(ir.DiagMatrix, factors[k]).arg))
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
        lines.append(
            f"    with the gradient ∂{_doc(d.name)}/∂{_doc(d.wrt.name)} = {_doc(to_text(grad_expr))}"
        )
    lines += [f"    and {_doc(r.lhs_text)} = {_doc(to_text(deriv))}", f"    ({_doc(r.description)})", ""]
    lines += [_argument_line(v, names, d) for v in d.variables]
    if grad_expr is not None:
        lines.append(
            f"    Returns (value, gradient, hessian): the gradient in {d.layout} layout, as "
            f"{FUNCTION} would return it;"
        )
        lines.append("    the Hessian over vec of the variable (columns stacked).")
    else:
        lines.append(
            "    Returns (value, jacobian): the value as a number, a 1-D vector or a 2-D matrix; the Jacobian"
        )
        lines.append(
            "    over vec F and vec of the variable (columns stacked), shaped as "
            "Derivation.evaluate gives it."
        )
    lines.append('    """')
    return "\n".join(lines) + "\n"
