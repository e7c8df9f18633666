"""Read-off and layouts (seed 001's table): the same derivative in numerator, denominator or mixed form."""
from __future__ import annotations

from dataclasses import dataclass

from . import ir
from .render.notation import name_latex, name_text
from .simplify import simplify

LAYOUTS = ("numerator", "denominator", "mixed")


@dataclass(frozen=True)
class Result:
    layout: str
    expr: ir.Expr
    lhs: str
    lhs_text: str
    shape: tuple
    description: str


def _dims(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def results(G: ir.Expr, wrt: ir.Var, fname: str) -> dict:
    """df = tr(G dX) (df = g dx for a scalar): the derivative in every layout."""
    x_tex, x_text = name_latex(wrt.name, wrt.kind), name_text(wrt.name)
    den_lhs = rf"\frac{{\partial {fname}}}{{\partial {x_tex}}}"
    num_lhs = rf"\frac{{\partial {fname}}}{{\partial {x_tex}^{{T}}}}"
    den_text, num_text = f"∂{fname}/∂{x_text}", f"∂{fname}/∂{x_text}ᵀ"
    if wrt.is_scalar:
        g = simplify(G)
        text = f"{fname} and {x_text} are scalars: every layout gives the same derivative."
        return {lay: Result(lay, g, den_lhs, den_text, ir.SCALAR, text) for lay in LAYOUTS}
    grad = simplify(ir.Transpose(G))
    jac = simplify(G)
    m, n = wrt.shape
    if wrt.shape[1] == 1:
        den = f"Denominator layout: ∂{fname}/∂{x_text} is a column like {x_text} ({m}×1), the gradient vector."
        num = f"Numerator layout: ∂{fname}/∂{x_text} is a row (1×{m}), the Jacobian of a scalar function."
        mixed = (f"Mixed layout (the seeds' default): a scalar by a vector is in denominator layout, "
                 f"a column ({m}×1).")
    else:
        den = (f"Denominator layout: ∂{fname}/∂{x_text} has the shape of {x_text} ({_dims(wrt.shape)}), "
               f"the gradient matrix.")
        num = (f"Numerator layout: ∂{fname}/∂{x_text} has the shape of {x_text}ᵀ ({n}×{m}), the "
               f"Jacobian form.")
        mixed = (f"Mixed layout (the seeds' default): a scalar by a matrix is in denominator layout, "
                 f"the shape of {x_text} ({_dims(wrt.shape)}).")
    return {
        "denominator": Result("denominator", grad, den_lhs, den_text, wrt.shape, den),
        "numerator": Result("numerator", jac, num_lhs, num_text, (n, m), num),
        "mixed": Result("mixed", grad, den_lhs, den_text, wrt.shape, mixed),
    }
