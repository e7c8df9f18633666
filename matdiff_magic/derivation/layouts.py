"""Read-off and layouts (seed 001's table): the same derivative in numerator, denominator or mixed form."""

from __future__ import annotations

import contextvars

from matdiff_magic.depth import deep_recursion
from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.errors import ArgumentTypeError, MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.notation import name_latex, name_text
from matdiff_magic.tex import to_unicode

LAYOUTS = ("numerator", "denominator", "mixed")


def known_layout(layout) -> str:
    """``layout`` when it is one of LAYOUTS. Raises MatdiffError."""
    if not isinstance(layout, str) or layout not in LAYOUTS:
        raise MatdiffError(f"unknown layout {layout!r}: choose numerator, denominator or mixed")
    return layout


def known_layouts(layouts) -> tuple[str, ...]:
    """One layout's name, or a tuple or list of them, as a tuple of names.

    Raises ArgumentTypeError (neither, or none given) and MatdiffError (an unknown name)."""
    if isinstance(layouts, str):
        return (known_layout(layouts),)
    if not isinstance(layouts, (tuple, list)) or not layouts:
        raise ArgumentTypeError(
            f"give a layout or a tuple of layouts (numerator, denominator, mixed): got {layouts!r}"
        )
    return tuple(known_layout(lay) for lay in layouts)


class Result:
    """The derivative in one layout: ``lhs`` is its heading in TeX (∂f/∂X, ∂vec F/∂(vec X)ᵀ …),
    written once; ``lhs_text`` is its Unicode reading. ``expr`` may be given as a ``Pending``
    simplification, made the first time it is read: a cell shows one layout, and the other's
    simplification is work only the JSON, a layout switch or a check asks for."""

    __slots__ = ("_expr", "description", "layout", "lhs", "lhs_text", "shape")

    def __init__(self, layout: str, expr, lhs: str, lhs_text: str, shape: tuple, description: str):
        self.layout, self._expr, self.lhs, self.lhs_text = layout, expr, lhs, lhs_text
        self.shape, self.description = shape, description

    @property
    def expr(self) -> ir.Expr:
        if isinstance(self._expr, Pending):
            self._expr = self._expr.value()
        return self._expr

    def replace(self, **changes) -> Result:
        """A copy with the fields in ``changes`` (``layout``, ``expr``, ``lhs``, …) replaced."""
        fields = {name: getattr(self, name) for name in ("layout", "lhs", "lhs_text", "shape", "description")}
        fields["expr"] = self._expr
        return Result(**{**fields, **changes})

    def __eq__(self, other) -> bool:
        return isinstance(other, Result) and all(
            getattr(self, name) == getattr(other, name)
            for name in ("layout", "expr", "lhs", "lhs_text", "shape", "description")
        )

    __hash__ = None  # type: ignore[assignment]


class Pending:
    """``simplify(expr, symmetric)`` made once, when first asked for, in the context (language,
    determinant rule) and with the recursion limit of the derivation that deferred it."""

    __slots__ = ("context", "done", "expr", "symmetric")

    def __init__(self, expr: ir.Expr, symmetric: bool):
        self.expr, self.symmetric, self.context = expr, symmetric, contextvars.copy_context()
        self.done: ir.Expr | None = None

    def value(self) -> ir.Expr:
        if self.done is None:
            with deep_recursion():
                self.done = self.context.run(simplify, self.expr, self.symmetric)
        return self.done


def _result(layout: str, expr, lhs: str, shape: tuple, description: str) -> Result:
    return Result(layout, expr, lhs, to_unicode(lhs), shape, description)


def _dims(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def results(G: ir.Expr, wrt: ir.Var, fname: str, symmetric: bool = False) -> dict:
    """df = tr(G dX) (df = g dx for a scalar): the derivative in every layout, simplified with
    the declared symmetry of variables when ``symmetric`` (``derivation.symmetric`` shows that)."""
    x_tex, x_text = name_latex(wrt.name, wrt.kind), name_text(wrt.name)
    den_lhs = rf"\frac{{\partial {fname}}}{{\partial {x_tex}}}"
    num_lhs = rf"\frac{{\partial {fname}}}{{\partial {x_tex}^{{T}}}}"
    if wrt.is_scalar:
        g = simplify(G, symmetric)
        text = f"{fname} and {x_text} are scalars: every layout gives the same derivative."
        return {lay: _result(lay, g, den_lhs, ir.SCALAR, text) for lay in LAYOUTS}
    grad = Pending(ir.Transpose(G), symmetric)  # each simplified when its layout is first read
    jac = Pending(G, symmetric)
    m, n = wrt.shape
    if wrt.shape[1] == 1:
        den = (
            f"Denominator layout: ∂{fname}/∂{x_text} is a column like {x_text} ({m}×1), the gradient vector."
        )
        num = f"Numerator layout: ∂{fname}/∂{x_text} is a row (1×{m}), the Jacobian of a scalar function."
        mixed = (
            f"Mixed layout (the seeds' default): a scalar by a vector is in denominator layout, "
            f"a column ({m}×1)."
        )
    else:
        den = (
            f"Denominator layout: ∂{fname}/∂{x_text} has the shape of {x_text} ({_dims(wrt.shape)}), "
            f"the gradient matrix."
        )
        num = f"Numerator layout: ∂{fname}/∂{x_text} has the shape of {x_text}ᵀ ({n}×{m}), the Jacobian form."
        mixed = (
            f"Mixed layout (the seeds' default): a scalar by a matrix is in denominator layout, "
            f"the shape of {x_text} ({_dims(wrt.shape)})."
        )
    return {
        "denominator": _result("denominator", grad, den_lhs, wrt.shape, den),
        "numerator": _result("numerator", jac, num_lhs, (n, m), num),
        "mixed": _result("mixed", grad, den_lhs, wrt.shape, mixed),
    }


def jacobian_results(
    J: ir.Expr, wrt: ir.Var, F: ir.Expr, fname: str, hessian: bool = False, symmetric: bool = False
) -> dict:
    """d vec F = J d vec X: J in numerator layout (the Jacobian), Jᵀ in denominator layout."""
    x_tex, x_text = name_latex(wrt.name, wrt.kind), name_text(wrt.name)
    f_vector = F.shape[1] == 1
    f_tex = (
        (rf"\boldsymbol{{{fname}}}" if f_vector else rf"\operatorname{{vec}} {fname}") if not hessian else ""
    )
    x_vector = wrt.shape[1] == 1
    jac = simplify(J, symmetric)
    if hessian:  # ∂²f/∂x², ∂²f/∂x ∂xᵀ or ∂²f/∂(vec X) ∂(vec X)ᵀ, the same in every layout
        if wrt.is_scalar:
            lhs = rf"\frac{{\partial^2 {fname}}}{{\partial {x_tex}^{{2}}}}"
            desc = f"{fname} and {x_text} are scalars: every layout gives the same derivative."
            return {lay: _result(lay, jac, lhs, ir.SCALAR, desc) for lay in LAYOUTS}
        dx = x_tex if x_vector else rf"(\operatorname{{vec}} {x_tex})"
        lhs = rf"\frac{{\partial^2 {fname}}}{{\partial {dx}\,\partial {dx}^{{T}}}}"
        desc = (
            f"The Hessian, the Jacobian of the gradient: {jac.shape[0]}×{jac.shape[1]}; "
            f"symmetric, so every layout gives the same matrix."
        )
        return {lay: _result(lay, jac, lhs, jac.shape, desc) for lay in LAYOUTS}
    grad = simplify(ir.Transpose(J), symmetric)  # a Hessian is symmetric: it has no other layout
    if wrt.is_scalar:
        num_lhs = rf"\frac{{\partial {fname}}}{{\partial {x_tex}}}"
        p, q = F.shape
        num = _result(
            "numerator",
            jac,
            num_lhs,
            F.shape,
            f"Numerator layout: ∂{fname}/∂{x_text} has the shape of {fname} ({p}×{q}).",
        )
        # by a scalar the denominator layout is Fᵀ's derivative, written so (as ∂fᵀ/∂x by a vector)
        den_lhs = rf"\frac{{\partial {fname}^{{T}}}}{{\partial {x_tex}}}"
        den = _result("denominator", grad, den_lhs, (q, p), f"Denominator layout: the transpose, {q}×{p}.")
        mixed = _result(
            "mixed",
            jac,
            num_lhs,
            F.shape,
            f"Mixed layout (the seeds' default): by a scalar, numerator layout ({p}×{q}).",
        )
        return {"numerator": num, "denominator": den, "mixed": mixed}
    xv = x_tex if x_vector else rf"(\operatorname{{vec}} {x_tex})"
    fv = f_tex if f_vector else rf"(\operatorname{{vec}} {fname})"
    fv_text = fname if f_vector else f"(vec {fname})"
    num_lhs = rf"\frac{{\partial {f_tex}}}{{\partial {xv}^{{T}}}}"
    den_lhs = rf"\frac{{\partial {fv}^{{T}}}}{{\partial {xv}}}"
    r, c = jac.shape
    num = _result(
        "numerator",
        jac,
        num_lhs,
        jac.shape,
        f"Numerator layout: the Jacobian, {r}×{c} (one row per entry of {fv_text.strip('()')}).",
    )
    den = _result(
        "denominator",
        grad,
        den_lhs,
        grad.shape,
        f"Denominator layout: the gradient matrix, the transpose, {c}×{r}.",
    )
    mixed = _result(
        "mixed",
        jac,
        num_lhs,
        jac.shape,
        f"Mixed layout (the seeds' default): vector and matrix functions are in numerator "
        f"layout, the Jacobian ({r}×{c}).",
    )
    return {"numerator": num, "denominator": den, "mixed": mixed}
