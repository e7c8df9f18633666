"""The value of a derivation's expressions at the values a user gives (``Derivation.evaluate``,
``evaluate_solution`` and ``value`` delegate here).

Every failure is a ``MatdiffError``: an unknown or missing variable, a value that is not numbers
or does not fit the variable's shape, an inverse of a singular matrix (named: "X Xᵀ is singular at
the given X"), and whatever NumPy raises.
"""

from __future__ import annotations

import numpy as np

from matdiff_magic.depth import deep_recursion
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import as_matrix, bind_sizes
from matdiff_magic.numeric.points import Unfit, guarded
from matdiff_magic.render.printer import to_text


def evaluate_at(d, expr: ir.Expr, values: dict) -> np.ndarray:
    """The value of ``expr``, an expression of derivation ``d``, at ``values`` (name -> array-like),
    as a 2-D array."""
    by_name = {v.name: v for v in d.variables}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise MatdiffError(f"unknown variable {', '.join(unknown)}: the expression has " + ", ".join(by_name))
    missing = [
        v.name for v in ir.variables(expr) if v.name not in values and v.name not in d.typed.definitions
    ]
    if missing:
        raise MatdiffError(f"give a value for {', '.join(missing)}")
    mats = {n: _as_matrix(v, by_name[n]) for n, v in values.items()}
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
    except (TypeError, ValueError) as error:
        raise MatdiffError(f"the value of {var.name} must be numbers ({error})") from None
