"""The pipeline: source -> typed IR -> differential -> trace tricks -> read-off -> Derivation."""
from __future__ import annotations

from . import ir
from .derivation import Derivation
from .differentiate import differential_stage
from .errors import MatdiffError
from .layout import LAYOUTS, results
from .render.notation import name_latex, name_text
from .render.printer import to_latex, to_text
from .rules import Identity
from .shapes import typecheck
from .simplify import is_zero, simplify
from .steps import Step
from .tracetricks import trace_stage

READ_OFF = Identity("read off", r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial X}^{T}\mathrm{d}X\right)",
                    "df = tr((∂f/∂X)ᵀ dX)")
READ_OFF_VECTOR = Identity("read off", r"\mathrm{d}f = \frac{\partial f}{\partial \boldsymbol{x}}^{T}\mathrm{d}\boldsymbol{x}",
                           "df = (∂f/∂x)ᵀ dx")
READ_OFF_SCALAR = Identity("read off", r"\mathrm{d}f = f'(x)\,\mathrm{d}x", "df = f′(x) dx")


def derive(source: str, wrt: str | None = None, layout: str = "mixed", check: bool = True,
           order: int = 1, seed: int = 0, by_definition: bool = False, solve: bool = False) -> Derivation:
    """Derive ∂f/∂wrt of the cell ``source`` by the differential method, step by step.

    ``by_definition`` derives element by element instead (seed 001 Examples 1 and 2), where that is
    tractable; ``solve`` adds the steps that set the derivative to zero and solve for the variable.
    """
    if by_definition:
        from .definition import derive_by_definition  # noqa: PLC0415
        return derive_by_definition(source, wrt=wrt, layout=layout, check=check, seed=seed)
    if layout not in LAYOUTS:
        raise MatdiffError(f"unknown layout {layout!r}: choose numerator, denominator or mixed")
    if order != 1:
        raise MatdiffError("second derivatives (Hessians, order=2) are not available yet; "
                           "derive the gradient (order=1)")
    try:
        typed = typecheck(source)
        var = _choose_wrt(typed, wrt, source)
        f = typed.expr
        if not f.is_scalar:
            raise MatdiffError(
                f"{typed.name} is {'a vector' if f.shape[1] == 1 else 'a matrix'} "
                f"({f.shape[0]}×{f.shape[1]}); only scalar-valued functions are derived so far",
                source, typed.span, hint="take a scalar of it, e.g. sum(…), norm2(…)^2 or a'*…")
        steps = _derive_steps(typed, var)
    except MatdiffError as error:
        raise error.with_source(source) from None
    except RecursionError:
        raise MatdiffError("the expression is too deeply nested to derive", source) from None
    derivation = Derivation(source, typed, var, layout, steps["steps"], steps["results"], steps["G"], seed)
    if check:
        derivation.check()
    return derivation


def _choose_wrt(typed, wrt: str | None, source: str) -> ir.Var:
    names = [v.name for v in typed.variables]
    if wrt is None:
        if len(names) == 1:
            return typed.variables[0]
        raise MatdiffError("choose the variable to differentiate by with --wrt (wrt=…): one of "
                           + ", ".join(names) if names else "the expression has no variables")
    for v in typed.variables:
        if v.name == wrt:
            return v
    raise MatdiffError(f"unknown variable {wrt!r} for --wrt: the expression's variables are "
                       + (", ".join(names) or "none"))


def _derive_steps(typed, var: ir.Var) -> dict:
    fname = typed.name
    x_tex = name_latex(var.name, var.kind)
    vector = var.shape[1] == 1 and not var.is_scalar
    steps: list[Step] = [Step("function", "function", None, fname, fname, typed.expr)]
    stage = ["differential"]

    def record(identity, expr, focus=(), note=""):
        first = len(steps) == 1
        steps.append(Step(stage[0], identity.name, identity if identity.latex else None,
                          rf"\mathrm{{d}}{fname}" if first else "", f"d{fname}" if first else "",
                          expr, tuple(focus), note, hide_scalar_trace=vector))

    df = differential_stage(typed.expr, var, record)
    stage[0] = "trace"
    if is_zero(df):
        G = ir.Const(0) if var.is_scalar else ir.Zero((var.shape[1], var.shape[0]))
    else:
        G = trace_stage(df, var, record)
    res = results(G, var, fname)
    grad = res["denominator"].expr
    if var.is_scalar:
        identity, line, line_text = READ_OFF_SCALAR, to_latex(grad), to_text(grad)
    else:
        raw = ir.Transpose(G)
        identity = READ_OFF_VECTOR if vector else READ_OFF
        line, line_text = to_latex(raw), to_text(raw)
        if raw != grad:
            line, line_text = f"{line} = {to_latex(grad)}", f"{line_text} = {to_text(grad)}"
    hl_grad = to_latex(grad, highlight=frozenset({id(grad)}))
    steps.append(Step("readoff", identity.name, identity, res["denominator"].lhs, res["denominator"].lhs_text,
                      grad, (grad,), latex_override=line, text_override=line_text,
                      highlighted_override=line.rsplit(" = ", 1)[0] + " = " + hl_grad if " = " in line else hl_grad))
    return {"steps": steps, "results": res, "G": G}
