"""Code export for JAX and PyTorch: the NumPy export's module, computed in the framework.

``to_python(d, backend)`` with ``backend`` ``"jax"`` or ``"torch"`` writes a self-contained module
with the NumPy export's function (``f_and_grad``, ``f_and_jacobian`` or ``f_grad_hessian``), its
argument names, returned shapes and input checks (ValueError), computed with ``jax.numpy`` (float64:
the module enables ``jax_enable_x64``) or ``torch`` (float64 tensors); values are returned as the
framework's arrays (a 0-d array for a number), so the function can be traced, jit-compiled and
differentiated. Its check (``check_gradient``, ``check_jacobian``, ``check_hessian``) compares the
derivative with the framework's own autodiff of the function's value at random inputs: ``jax.grad``,
``jax.jacfwd`` and ``jax.hessian``; ``torch.func.grad``, ``torch.autograd.functional.jacobian`` and
``torch.autograd.functional.hessian``. ``backend="numpy"`` is ``export.numpy_code``'s module.
"""

from __future__ import annotations

from typing import Any

from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.check_code import random_inputs_code
from matdiff_magic.export.cost import plan
from matdiff_magic.export.naming import (
    FUNCTIONS,
    arguments_code,
    ident,
    is_product,
    product_size_checks,
    size_names,
    temporaries,
)
from matdiff_magic.export.numpy_code import (
    _doc,
    _inline_definitions,
    _require,
    _returned_ndim,
    describe_input,
    merge_diagonal_sandwiches,
)
from matdiff_magic.export.numpy_printer import HELPERS, NumpyPrinter, in_namespace, kind
from matdiff_magic.numeric.check import strategies
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.dims import Dim

BACKENDS = ("numpy", "jax", "torch")

# what each framework's module imports, how an input becomes a float64 array, and its autodiff
FRAMEWORK: dict[str, dict[str, Any]] = {
    "jax": {
        "title": "JAX",
        "imports": (
            "import numpy as np\nimport jax\nimport jax.numpy as jnp\n\n"
            'jax.config.update("jax_enable_x64", True)  # float64, as the NumPy export computes\n'
        ),
        "array": "jnp.asarray({x}, dtype=jnp.float64)",
        "symmetric": "isinstance({x}, jax.core.Tracer) or np.allclose(np.asarray({x}), np.asarray({x}).T)",
        "linalg_error": "np.linalg.LinAlgError",
        "to_numpy": "np.asarray(a)",
        "grad": "jax.grad(f)(x)",
        "jacobian": "jax.jacfwd(f)(x)",
        "hessian": "jax.hessian(f)(x)",
        "names": ("jax.grad", "jax.jacfwd", "jax.hessian"),
    },
    "torch": {
        "title": "PyTorch",
        "imports": "import numpy as np\nimport torch\n",
        "array": "torch.as_tensor({x}, dtype=torch.float64)",
        "symmetric": "torch.allclose({x}.detach(), {x}.detach().T)",
        "linalg_error": "torch.linalg.LinAlgError",
        "to_numpy": "a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)",
        "grad": "torch.func.grad(f)(x)",
        "jacobian": "torch.autograd.functional.jacobian(f, x)",
        "hessian": "torch.autograd.functional.hessian(f, x)",
        "names": (
            "torch.func.grad",
            "torch.autograd.functional.jacobian",
            "torch.autograd.functional.hessian",
        ),
    },
}
# names the framework modules use besides the NumPy export's (a variable called so is renamed)
TAKEN = {"jax", "jnp", "torch", "as_numpy", "symmetric_part"}


def to_python(d, backend: str = "numpy") -> str:
    """The source of a module computing f and the derivative of ``d`` with ``backend``: numpy, jax
    or torch. MatdiffError for another backend."""
    if backend not in BACKENDS:
        raise MatdiffError(f"unknown backend {backend!r}: choose numpy, jax or torch")
    if backend == "numpy":
        from matdiff_magic.export.numpy_code import to_python as numpy_module

        return numpy_module(d)
    return _Module(d, backend).source()


class _Module:
    def __init__(self, d, backend: str):
        self.d, self.backend, self.fw = d, backend, FRAMEWORK[backend]
        self.kind = getattr(d, "kind", "gradient")
        self.func, self.check = FUNCTIONS[self.kind]
        taken: set = set(TAKEN)
        self.names = {}
        for v in d.variables:
            self.names[v.name] = ident(v.name, taken)
            taken.add(self.names[v.name])
        self.sizes = size_names(d.variables, taken)
        self.f = d.function
        result = _inline_definitions(d.result, d.typed)
        self.result = merge_diagonal_sandwiches(result) if self.kind != "gradient" else result
        self.grad = _inline_definitions(d.target, d.typed) if self.kind == "hessian" else None
        self.printer = NumpyPrinter(self.names, self.sizes, {}, backend=backend)

    def source(self) -> str:
        function = self.function()  # printed first: it names the helpers it uses
        helpers = [in_namespace(HELPERS[h], self.backend) for h in sorted(self.printer.helpers)]
        parts = [self.header(), self.fw["imports"]]
        if helpers:
            parts.append("\n" + "\n\n".join(helpers))
        mapping = arguments_code(self.d.variables, self.names)
        parts += [
            "\n" + (mapping + "\n\n" if mapping else "") + function,
            "\n" + random_inputs_code(self.d, self.names, self.sizes),
            "\n" + self.checker(),
            "\n" + self.main(),
        ]
        return "\n".join(parts)

    # ---- the function
    def header(self) -> str:
        d = self.d
        source = "\n".join("    " + _doc(line) for line in d.source.strip().splitlines())
        return (
            f'"""{_doc(d.name)} = {_doc(to_text(d.function))} and its derivative by {_doc(d.wrt.name)}, '
            f"exported by matdiff_magic for {self.fw['title']}.\n\nFrom the cell:\n{source}\n\n"
            f"Run this file to check the derivative against {self.autodiff_names()}.\n" + '"""'
        )

    def autodiff_names(self) -> str:
        grad, jac, hess = self.fw["names"]
        return {"gradient": grad, "jacobian": jac, "hessian": f"{grad} and {hess}"}[self.kind]

    def function(self) -> str:
        d, p = self.d, self.printer
        args = ", ".join(self.names[v.name] for v in d.variables)
        r = d.results[d.layout]
        outputs = {
            "gradient": "(value, gradient)",
            "jacobian": "(value, jacobian)",
            "hessian": "(value, gradient, hessian)",
        }
        lines = [
            f"def {self.func}({args}):",
            f'    """{_doc(d.name)} = {_doc(to_text(d.function))} and {_doc(r.lhs_text)} = {_doc(to_text(self.result))}',
            f"    ({_doc(r.description)})",
            "",
            *[f"    {self.names[v.name]}: {describe_input(v)}" for v in d.variables],
            f"    Returns {outputs[self.kind]} as {self.fw['title']} arrays (a number as a 0-d array), shaped",
            "    as the NumPy export returns them.",
            '    """',
            *self.input_checks(),
        ]
        roots = plan([self.f, self.result] + ([self.grad] if self.grad is not None else []), share=False)
        taken = set(self.names.values()) | set(self.sizes.values()) | TAKEN
        for node, temp in temporaries(roots, taken):
            lines.append(f"    {temp} = {p.define(node)}")
            p.temps[node] = temp
        lines.append(f"    value = {p.code(roots[0])}")
        if self.kind == "hessian":
            lines.append(f"    gradient = {p.code(roots[2])}")
            lines.append(f"    hessian = {p.code(roots[1])}")
            lines.append(f"    return value, {self.gradient_out('gradient')}, {self.as_returned('hessian')}")
        elif self.kind == "jacobian":
            lines.append(f"    jacobian = {p.code(roots[1])}")
            lines.append(f"    return value, {self.as_returned('jacobian')}")
        else:
            lines.append(f"    gradient = {p.code(roots[1])}")
            lines.append(f"    return value, {self.gradient_out('gradient', layout_applied=True)}")
        return "\n".join(lines) + "\n"

    def input_checks(self) -> list[str]:
        out, bound = [], set()
        for v in self.d.variables:
            x = self.names[v.name]
            out.append(f"    {x} = {self.fw['array'].format(x=x)}")
            if v.is_scalar:
                out += _require(f"{x}.ndim == 0", f'f"{x} must be a scalar, got shape {{tuple({x}.shape)}}"')
                continue
            vector = v.shape[1] == 1
            dims = [v.shape[0]] if vector else list(v.shape)
            what = "a vector (a 1-D array)" if vector else "a matrix (a 2-D array)"
            out += _require(
                f"{x}.ndim == {len(dims)}", f'f"{x} must be {what}, got shape {{tuple({x}.shape)}}"'
            )
            new = [dim for dim in dict.fromkeys(dims) if dim in self.sizes and dim not in bound]
            if len(dims) == 2 and len(new) == 2:
                out.append(f"    {self.sizes[dims[0]]}, {self.sizes[dims[1]]} = {x}.shape")
            else:
                out += [f"    {self.sizes[dim]} = {x}.shape[{dims.index(dim)}]" for dim in new]
            bound.update(new)
            if any(is_product(dim) for dim in dims):
                pass  # checked once every plain size is known, as in the NumPy export
            elif len(new) < len(dims):  # as the NumPy export words it: (m, n) = (3, 4)
                want = [self.sizes.get(dim, str(dim)) for dim in dims]
                tup = f"({want[0]},)" if len(want) == 1 else f"({want[0]}, {want[1]})"
                filled = "(" + ", ".join(
                    w if Dim.of(dim).is_fixed else f"{{{w}}}" for dim, w in zip(dims, want)
                )
                filled += ",)" if len(want) == 1 else ")"
                out += _require(
                    f"tuple({x}.shape) == {tup}",
                    f'f"{x} must have shape {tup} = {filled}, got {{tuple({x}.shape)}}"',
                )
            if v.symmetric:
                out += _require(self.fw["symmetric"].format(x=x), f'"{x} must be symmetric"')
        return out + product_size_checks(self.d.variables, self.names, self.sizes, bound)

    def gradient_out(self, name: str, layout_applied: bool = False) -> str:
        """The gradient in the derivation's layout (``layout_applied``: the printed expression
        is already the result in that layout, only a vector's row is to be made)."""
        d = self.d
        if d.wrt.is_scalar or d.layout != "numerator":
            return name
        if d.wrt.shape[1] == 1:
            return in_namespace(f"np.reshape({name}, (1, -1))", self.backend)
        return name if layout_applied else f"{name}.T"

    def as_returned(self, name: str) -> str:
        """The printed value in the shape ``Derivation.evaluate`` gives (as the NumPy export)."""
        k, ndim = kind(self.result), _returned_ndim(self.d)
        if ndim == 2 and k != "matrix":
            shape = {"col": "(-1, 1)", "row": "(1, -1)", "scalar": "(1, 1)"}[k]
            return in_namespace(f"np.reshape({name}, {shape})", self.backend)
        if ndim == 1 and k == "scalar":
            return in_namespace(f"np.reshape({name}, (1,))", self.backend)
        return name

    # ---- the check against the framework's autodiff
    def checker(self) -> str:
        d, fw = self.d, self.fw
        args = [self.names[v.name] for v in d.variables]
        position = args.index(self.names[d.wrt.name])
        strat = ", ".join(f"({s['scale']}, {s['positive']})" for s in strategies(d.function))
        lines = [
            f"STRATEGIES = ({strat})  # (scale, positive) of the random inputs, tried in turn",
            "",
            "",
            "def as_numpy(a):",
            f"    return {fw['to_numpy']}",
            "",
            "",
            f"def {self.check}(seed=0):",
            f'    """{self.func} against {self.autodiff_names()} of its value at random inputs: the',
            '    largest difference, relative to the largest entry (at least 1)."""',
            "    rng = np.random.default_rng(seed)",
            "    for scale, positive in STRATEGIES:",
            "        inputs = random_inputs(rng, scale, positive)",
            "        try:",
            f"            outputs = [as_numpy(a) for a in {self.func}(*inputs)]",
            f"        except {fw['linalg_error']}:",
            "            continue",
            "        if all(np.all(np.isfinite(a)) for a in outputs):",
            "            break",
            "    else:",
            '        return float("nan")  # f or its derivative is undefined at every random input',
            f"    position = {position}  # {self.names[d.wrt.name]}, the variable",
            "",
            "    def f(x):",
            f"        return {self.func}(*inputs[:position], x, *inputs[position + 1 :])[0]",
            "",
            f"    x = {fw['array'].format(x='inputs[position]')}",
        ]
        lines += self.comparison()
        if self.symmetrized("") != "":
            lines += [
                "",
                "",
                "def symmetric_part(a):",
                '    """(A + Aᵀ)/2 over the last two axes: the derivative on symmetric matrices (sym)."""',
                "    return (a + np.swapaxes(a, -1, -2)) / 2",
            ]
        return "\n".join(lines) + "\n"

    def comparison(self) -> list[str]:
        """The lines that compare the outputs with autodiff and return the relative difference."""
        d, fw = self.d, self.fw
        relative = "np.max(np.abs({got} - {want})) / max(1.0, np.max(np.abs({want})))"
        out = []
        if self.kind in ("gradient", "hessian"):
            out.append(f"    auto = {self.symmetrized('as_numpy(' + fw['grad'] + ')')}")
            want = "auto"
            if not d.wrt.is_scalar and d.layout == "numerator":
                want = "np.reshape(auto, (1, -1))" if d.wrt.shape[1] == 1 else "auto.T"
            out.append(f"    error = {relative.format(got='outputs[1]', want=want)}  # {d.layout} layout")
        if self.kind == "hessian":
            out += [
                f"    auto = as_numpy({fw['hessian']})",
                '    auto = np.reshape(auto, (np.size(inputs[position]),) * 2, order="F")  # over vec x, columns stacked',
                "    got = np.reshape(outputs[2], auto.shape)",
                f"    error = max(error, {relative.format(got='got', want='auto')})",
            ]
        if self.kind == "jacobian":
            if d.wrt.is_scalar:
                got = (
                    'np.reshape(outputs[1], (-1, 1), order="F")'
                    if d.layout != "denominator"
                    else 'np.reshape(np.transpose(outputs[1]), (-1, 1), order="F")'
                )
            else:
                got = "outputs[1].T" if d.layout == "denominator" else "outputs[1]"
            out += [
                f"    auto = {self.symmetrized('as_numpy(' + fw['jacobian'] + ')')}",
                "    # ∂vec F/∂(vec x)ᵀ, columns stacked",
                '    auto = np.reshape(auto, (np.size(outputs[0]), np.size(inputs[position])), order="F")',
                f"    got = {got}  # from the {d.layout} layout",
                f"    error = {relative.format(got='got', want='auto')}",
            ]
        out.append("    return float(error)")
        return out

    def symmetrized(self, code: str) -> str:
        """Autodiff's derivative treats every entry as independent; the sym convention's is its
        symmetric part."""
        d = self.d
        if d.wrt.symmetric and d.symmetric == "sym" and d.wrt.shape[0] != 1:
            return f"symmetric_part({code})"
        return code

    def main(self) -> str:
        return (
            'if __name__ == "__main__":\n'
            f'    print(f"{self.check}: max. relative difference from {self.autodiff_names()} '
            f'{{{self.check}():.1e}}")\n'
        )
