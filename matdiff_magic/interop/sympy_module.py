"""SymPy, imported on first use, and the few SymPy classes the conversions need besides it."""

from __future__ import annotations

import functools
from typing import Any

from matdiff_magic.errors import MatdiffError


@functools.cache
def sympy() -> Any:
    """The sympy module (a MatdiffError that says how to install it when it is missing)."""
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover - sympy is a dependency; a broken environment
        raise MatdiffError("SymPy is not installed: pip install sympy") from None
    return sp


def is_sympy(obj) -> bool:
    """Whether ``obj`` is a SymPy object, without importing SymPy when it is not loaded."""
    return any(c.__module__.split(".")[0] == "sympy" for c in type(obj).__mro__)


@functools.cache
def differential_class() -> Any:
    """d(E) of a matrix expression E as an unevaluated SymPy matrix expression (a step such as
    dy = d(aᵀ X b) before the rules push d inward); d of a scalar is the function ``d``."""
    sp = sympy()
    base: Any = sp.MatrixExpr

    class Differential(base):
        def __new__(cls, arg):
            return sp.Basic.__new__(cls, arg)

        @property
        def arg(self):
            return self.args[0]

        @property
        def shape(self):
            return self.args[0].shape

        def _sympystr(self, printer):
            return f"d({printer._print(self.arg)})"

        def _latex(self, printer):
            return r"\mathrm{d}\left(" + printer._print(self.arg) + r"\right)"

    return Differential
