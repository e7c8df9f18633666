"""The IR as a SymPy matrix expression (``Derivation.to_sympy``, ``steps[k].to_sympy()``).

Variables become ``MatrixSymbol``s of their inferred shapes (a vector n×1, a scalar a ``Symbol``),
sizes ``Symbol``s (integer, positive) or ints, a product of sizes m·n the product ``m*n``. Every
1×1 expression is a SymPy scalar (a 1×1 product aᵀx is its only entry), as it is a number in the
IR. Each operation's SymPy form is its registry entry's (``Op.sympy``); the leaves are written here: numbers exact
(``Rational``), 𝟏 a ``OneMatrix``, I an ``Identity``, 0 a ``ZeroMatrix``, dX the symbol ``dX``
and d of a compound expression an unevaluated ``d(…)``. ``symbols`` (name -> SymPy object) reuses
the caller's own symbols, so a derivation of a SymPy expression answers in its symbols, and gains
the symbols made (the arguments for ``lambdify``).
"""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.interop.sympy_module import differential_class, sympy
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops import registry
from matdiff_magic.ops.sympy_forms import is_matrix, scalar_of
from matdiff_magic.types.dims import Dim


def to_sympy(expr: ir.Expr, symbols: dict | None = None):
    """``expr`` as a SymPy expression; MatdiffError for a part SymPy cannot express (vec, the
    commutation matrix K), naming it."""
    sp = sympy()
    known = symbols if symbols is not None else {}
    memo: dict = {}

    def size(d):
        d = Dim.of(d)
        if d.is_fixed:
            return int(d.coef)
        out = sp.Integer(d.coef)
        for s in d.symbols:
            out *= known.setdefault(s, sp.Symbol(s, integer=True, positive=True))
        return out

    def leaf(e: ir.Expr):
        if isinstance(e, ir.Var):
            if e.name in known:
                return known[e.name]
            made = (
                sp.Symbol(e.name)
                if e.is_scalar
                else sp.MatrixSymbol(e.name, size(e.shape[0]), size(e.shape[1]))
            )
            known[e.name] = made
            return made
        if isinstance(e, ir.Const):
            return sp.Rational(e.value.numerator, e.value.denominator)
        rows, cols = (size(d) for d in e.shape)
        if isinstance(e, ir.Fill):
            value = sp.Rational(e.value.numerator, e.value.denominator)
            if e.is_scalar or value == 0:
                return value if e.is_scalar else sp.ZeroMatrix(rows, cols)
            return sp.OneMatrix(rows, cols) if value == 1 else value * sp.OneMatrix(rows, cols)
        if isinstance(e, ir.Identity):
            return sp.Integer(1) if e.is_scalar else sp.Identity(rows)
        if isinstance(e, ir.Zero):
            return sp.Integer(0) if e.is_scalar else sp.ZeroMatrix(rows, cols)
        raise MatdiffError(f"{type(e).__name__} has no SymPy form")

    def go(e: ir.Expr):
        if e in memo:
            return memo[e]
        if isinstance(e, ir.D):
            out = _differential(sp, e, go)
        elif not e.children():
            out = leaf(e)
        else:
            op = registry.find(e)
            form = op.sympy if op is not None else None
            if op is None or form is None:
                raise MatdiffError(f"{type(e).__name__} has no SymPy form")
            args = [go(c) for c in e.children()]
            try:
                out = form.build(sp, args, e)
            except MatdiffError:
                raise
            except Exception as error:  # SymPy's own refusal (det of a zero matrix, a scalar ⊗ …)
                what, name = op.names[0] if op.names else type(e).__name__, type(error).__name__
                raise MatdiffError(
                    f"SymPy cannot write this {what} as a matrix expression ({name}: {error})"
                ) from None
        if e.is_scalar and is_matrix(out):
            out = scalar_of(sp, out)
        memo[e] = out
        return out

    return go(expr)


def _differential(sp, e: ir.D, go):
    """dX of a variable is the symbol dX; d of anything else stays d(…), unevaluated."""
    if isinstance(e.arg, ir.Var):
        inner = go(e.arg)
        if is_matrix(inner):
            return sp.MatrixSymbol("d" + e.arg.name, *inner.shape)
        return sp.Symbol("d" + e.arg.name)
    inner = go(e.arg)
    if is_matrix(inner):
        return differential_class()(inner)
    return sp.Function("d")(inner)
