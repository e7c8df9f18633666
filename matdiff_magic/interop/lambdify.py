"""``sympy.lambdify`` for the matrix expressions ``to_sympy`` gives, with NumPy.

SymPy's own NumPy printer has no code for a trace, a determinant, a Hadamard product or power of
matrix expressions, or an element-wise function of one; this printer adds them, so that
``lambdify([X, a, b], d.to_sympy().subs({m: 3, n: 4}))`` evaluates a result at concrete sizes.
"""

from __future__ import annotations

import functools
from typing import Any

from matdiff_magic.interop.sympy_module import sympy


@functools.cache
def numpy_printer() -> Any:
    sympy()
    from sympy.printing.numpy import NumPyPrinter

    class MatrixNumPyPrinter(NumPyPrinter):
        def _call(self, name: str, *args) -> str:
            return f"{self._module_format('numpy.' + name)}({', '.join(self._print(a) for a in args)})"

        def _print_Trace(self, e):
            return self._call("trace", e.arg)

        def _print_Determinant(self, e):
            return f"{self._module_format('numpy.linalg.det')}({self._print(e.arg)})"

        def _print_HadamardProduct(self, e):
            return "(" + " * ".join(f"({self._print(a)})" for a in e.args) + ")"

        def _print_HadamardPower(self, e):
            return f"(({self._print(e.base)}) ** ({self._print(e.exp)}))"

        def _print_ElementwiseApplyFunction(self, e):
            fn = e.function
            var = fn.variables[0]
            body = self._print(fn.expr)
            vectorize = self._module_format("numpy.vectorize")
            return f"{vectorize}(lambda {self._print(var)}: {body}, otypes=[float])({self._print(e.expr)})"

        def _print_Max(self, e):  # entry by entry, as relu applies it
            return self._nested("maximum", e.args)

        def _print_Min(self, e):
            return self._nested("minimum", e.args)

        def _nested(self, name: str, args) -> str:
            code = self._print(args[0])
            for a in args[1:]:
                code = f"{self._module_format('numpy.' + name)}({code}, {self._print(a)})"
            return code

        def _print_Heaviside(self, e):
            h0 = e.args[1] if len(e.args) > 1 else 0.5
            return self._call("heaviside", e.args[0], h0)

    return MatrixNumPyPrinter


def lambdify(args, expr, **options):
    """``sympy.lambdify(args, expr)`` with NumPy and the printer above."""
    sp = sympy()
    return sp.lambdify(
        args, expr, modules="numpy", printer=numpy_printer()({"fully_qualified_modules": False}), **options
    )
