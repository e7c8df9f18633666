"""Stationary points by components (``y = [y1; y2]`` with ``--solve``): ∂f/∂y = 0 is one scalar
equation per entry, solved when they are linear in the components.

Each equation is written Σⱼ aₖⱼ yⱼ + bₖ = 0, with aₖⱼ = ∂eₖ/∂yⱼ (derived as the partials are,
``components.partial``; the system is linear when none of them holds a component) and bₖ the
equation at y = 0. The system A y = −b is solved exactly when A's entries are numbers (Gauss–Jordan
over fractions), or entry by entry when A is diagonal; anything else is refused as not linear.
"""

from __future__ import annotations

from fractions import Fraction
from typing import cast

from matdiff_magic.derivation.components import partial
from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.derivation.solve import MOVE, SET_ZERO, equation_step, solution_step
from matdiff_magic.derivation.steps import Step
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_add, mk_mul, mk_neg, mk_pow, with_coef
from matdiff_magic.ops.components import Entry, Literal
from matdiff_magic.render.notation import name_text


def solve_by_components(
    gradient: ir.Expr, var: ir.Var, components: list[Entry]
) -> tuple[list[Step], ir.Expr]:
    """Steps from ∂f/∂y = 0 (``gradient`` the column of partials, denominator layout) to ŷ = […],
    and the solution (a literal of expressions without the components). Raises MatdiffError
    when the equations are not linear in the components or A is singular."""
    equations = list(gradient.entries) if isinstance(gradient, Literal) else [gradient]
    n = len(components)
    if len(equations) != n:
        raise _not_linear(var)
    zero_at = {c: ir.Const(0) for c in components}
    A = [[simplify(partial(e, c)) for c in components] for e in equations]
    if any(ir.depends_on(a, c.name) or _holds(a, components) for row in A for a in row for c in components):
        raise _not_linear(var)
    b = [simplify(ir.replace(e, zero_at)) for e in equations]
    if not all(_affine(e, _row(row, components), bk) for e, row, bk in zip(equations, A, b)):
        raise _not_linear(var)  # sign(y₁) has the partial 0 but is no constant
    solution = _solved(A, [simplify(mk_neg(bk)) for bk in b], var)
    # the equations and the solution laid out as the variable (a matrix Y row by row)
    rows, cols = (gradient.rows, gradient.cols) if isinstance(gradient, Literal) else (n, 1)
    value = {(c.i, c.j or 0): simplify(s) for c, s in zip(components, solution)}
    column = Literal([value[i, j] for i in range(rows) for j in range(cols)], rows, cols)
    lhs = Literal([_row(row, components) for row in A], rows, cols)
    rhs = Literal([simplify(mk_neg(bk)) for bk in b], rows, cols)
    zero = ir.Zero(gradient.shape)
    steps = [
        equation_step(SET_ZERO, gradient, zero),
        equation_step(MOVE, lhs, rhs),
        solution_step(var, column),
    ]
    return steps, column


def _affine(e: ir.Expr, linear: ir.Expr, constant: ir.Expr) -> bool:
    """Whether e = linear + constant exactly: expanded by SymPy (imported only here, for --solve
    by components), where 2(y₁ − 1) − 2y₁ + 2 is 0 and sign(y₁) − sign(0) is not."""
    from matdiff_magic.interop.sympy_module import sympy
    from matdiff_magic.interop.sympy_out import to_sympy

    sp = sympy()

    try:
        return sp.expand(to_sympy(e) - to_sympy(linear) - to_sympy(constant)) == 0
    except MatdiffError:  # a function SymPy has no form for: not shown to be linear
        return False


def _row(coefficients: list[ir.Expr], components: list[Entry]) -> ir.Expr:
    """Σⱼ aⱼ yⱼ over the nonzero coefficients."""
    terms = [
        mk_mul([a, c])
        for a, c in zip(coefficients, components)
        if not (isinstance(a, ir.Const) and a.value == 0)
    ]
    return mk_add(terms) if terms else ir.Const(0)


def _holds(e: ir.Expr, components: list[Entry]) -> bool:
    """Whether e still holds a component (an Entry of the variable)."""
    return any(n == c for n in e.walk() for c in components)


def _solved(A: list[list[ir.Expr]], rhs: list[ir.Expr], var: ir.Var) -> list[ir.Expr]:
    """y with A y = rhs: exactly by fractions when A is numbers, entry by entry when A is diagonal."""
    n = len(A)
    if all(isinstance(a, ir.Const) for row in A for a in row):
        inverse = _inverse([[Fraction(cast(ir.Const, a).value) for a in row] for row in A])
        if inverse is None:
            raise _not_determined(var)
        return [
            mk_add([with_coef(inverse[j][k], rhs[k]) for k in range(n) if inverse[j][k] != 0])
            for j in range(n)
        ]
    off_diagonal = [A[i][j] for i in range(n) for j in range(n) if i != j]
    if all(isinstance(a, ir.Const) and a.value == 0 for a in off_diagonal):
        diagonal = [A[j][j] for j in range(n)]
        if any(isinstance(a, ir.Const) and a.value == 0 for a in diagonal):
            raise _not_determined(var)
        return [mk_mul([mk_pow(a, ir.Const(-1)), r]) for a, r in zip(diagonal, rhs)]
    x = name_text(var.name)
    raise MatdiffError(
        f"cannot solve ∂f/∂{x} = 0 for {x}: its equations are linear, A{x} = B, but A holds symbols "
        f"and is not diagonal; --solve inverts an A of numbers or a diagonal A"
    )


def _inverse(M: list[list[Fraction]]) -> list[list[Fraction]] | None:
    """M⁻¹ by Gauss–Jordan elimination over fractions; None when M is singular."""
    n = len(M)
    rows = [list(row) + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(M)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [v / head for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [v - factor * w for v, w in zip(rows[r], rows[col])]
    return [row[n:] for row in rows]


def _not_linear(var: ir.Var) -> MatdiffError:
    x = name_text(var.name)
    return MatdiffError(
        f"cannot solve ∂f/∂{x} = 0 for {x}: the equation is not linear in {x} (of the form A{x} = B or {x}A = B)"
    )


def _not_determined(var: ir.Var) -> MatdiffError:
    x = name_text(var.name)
    return MatdiffError(
        f"cannot solve ∂f/∂{x} = 0 for {x}: its equations are linear but do not determine {x} "
        f"(A{x} = B with A singular: no stationary point, or a line or plane of them)"
    )
