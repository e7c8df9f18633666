"""An operation's SymPy facet (``Op.sympy``, a ``SympyForm``) and helpers to build it.

SymPy is never imported here: a form receives the module as ``sp`` when a conversion runs
(``interop``). ``sympy_class`` reads an op that is one SymPy class; ``elementwise`` makes the form of
an element-wise function from its scalar SymPy function (``applyfunc`` on a matrix); the builders
keep a 1×1 matrix expression as a SymPy scalar, its only entry, as the IR keeps it a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from matdiff_magic.errors import MatdiffError


@dataclass(frozen=True)
class SympyForm:
    """An op in SymPy (``interop``; helpers in ``ops.sympy_forms``). ``build(sp, operands, node)``
    makes its SymPy expression from its operands' (a 1×1 operand arrives as a SymPy scalar; a form
    with no SymPy counterpart raises MatdiffError naming it); ``reads(sp, expr)`` gives the operands
    when ``expr`` is this op written in SymPy (``Trace(X)`` is tr(X)), else None; ``name`` is how the
    language writes a read op that has no name of its own (diag of a matrix)."""

    build: Callable
    reads: Callable | None = None
    name: str = ""


def sympy_class(*names: str, operands: Callable = lambda e: list(e.args)) -> Callable:
    """``reads`` for an op that is one SymPy class (by name: Trace, Determinant, …)."""
    return lambda sp, e: operands(e) if type(e).__name__ in names else None


def no_form(what: str) -> SympyForm:
    """The form of an op SymPy has no matrix expression for: converting it is a MatdiffError."""

    def build(sp, a, node):
        raise MatdiffError(f"{what} has no SymPy matrix expression, so this cannot be converted to SymPy")

    return SympyForm(build)


def power(sp, a, node):
    """b^p of numbers, or the element-wise power of a matrix (``HadamardPower``)."""
    base, exponent = a
    return sp.HadamardPower(base, exponent) if is_matrix(base) else base**exponent


def is_matrix(x) -> bool:
    return bool(getattr(x, "is_Matrix", False))


def ones(sp, rows, cols):
    return sp.OneMatrix(rows, cols)


def scalar_of(sp, m):
    """A 1×1 SymPy matrix expression as a scalar (its only entry); a scalar as it is."""
    from sympy.matrices.expressions.matexpr import MatrixElement

    return MatrixElement(m, 0, 0) if is_matrix(m) else m


def sum_of(sp, m):
    """The sum of the entries of a SymPy matrix expression: 𝟏ᵀ M 𝟏, as a scalar."""
    if not is_matrix(m):
        return m
    r, c = m.shape
    left = [ones(sp, 1, r)] if r != 1 else []
    right = [ones(sp, c, 1)] if c != 1 else []
    return scalar_of(sp, sp.MatMul(*left, m, *right))


def product(sp, a, node):
    """Numbers times a chain of matrices, built unevaluated: SymPy's ``*`` would expand a 1×1
    product's entry (aᵀx)[0, 0] into a sum over its index."""
    numbers = [x for x in a if not is_matrix(x)]
    matrices = [x for x in a if is_matrix(x)]
    if not matrices:
        return reduce(lambda x, y: x * y, numbers)
    chain = matrices[0] if len(matrices) == 1 else sp.MatMul(*matrices)
    if chain.shape == (1, 1):
        return sp.Mul(*numbers, scalar_of(sp, chain))
    return sp.MatMul(*numbers, *matrices) if numbers else chain


def add(sp, a, node):
    if any(is_matrix(x) for x in a):
        return sp.MatAdd(*a)
    return sp.Add(*a)


def hadamard(sp, a, node):
    if not any(is_matrix(x) for x in a):
        return product(sp, a, node)
    return sp.HadamardProduct(*a)


def elementwise(scalar: Callable) -> SympyForm:
    """An element-wise function: ``scalar(sp, x)`` on a number, ``applyfunc`` on a matrix."""

    def build(sp, a, node):
        x = a[0]
        if is_matrix(x):
            from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

            d = sp.Dummy("d")
            return ElementwiseApplyFunction(sp.Lambda(d, scalar(sp, d)), x)
        return scalar(sp, x)

    def reads(sp, e):
        if type(e).__name__ == "ElementwiseApplyFunction":
            fn = e.function
            d = sp.Dummy("d")
            body = fn(d)
            bound = unify(sp, scalar(sp, sp.Wild("w")), body)
            return [e.expr] if bound is not None and bound == d else None
        if is_matrix(e):
            return None
        bound = unify(sp, scalar(sp, sp.Wild("w")), e)
        return [bound] if bound is not None else None

    return SympyForm(build, reads)


def unify(sp, template, expr):
    """The subexpression of ``expr`` that the one Wild of ``template`` stands for, matching the
    structure exactly (operands of + and · in either order), or None."""
    if isinstance(template, sp.Wild):
        return expr
    if template.func != expr.func or len(template.args) != len(expr.args):
        return None
    if not template.args:
        return expr if template == expr else None
    orders = [expr.args]
    if isinstance(template, (sp.Add, sp.Mul, sp.Max, sp.Min)):  # commutative: either order
        orders = [expr.args, expr.args[::-1]] if len(expr.args) == 2 else [expr.args]
    for args in orders:
        found = None
        for t, x in zip(template.args, args):
            if not t.has(sp.Wild):
                if t != x:
                    break
                continue
            found = unify(sp, t, x)
            if found is None:
                break
        else:
            return found
    return None
