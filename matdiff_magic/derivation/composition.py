"""Composition (seed 000): a line ``Y = g(X)`` before f, and f derived through dY.

df = tr((∂f/∂Y)ᵀ dY), dY = d g(X) substituted and differentiated, the trace tricks and the
read-off give ∂f/∂X in terms of ∂f/∂Y, which is then derived silently and substituted.
"""

from __future__ import annotations

from matdiff_magic.derivation.differential import differential_stage
from matdiff_magic.derivation.layouts import results
from matdiff_magic.derivation.stages import Recorder, convention_step, read_off_gradient, trace_or_zero
from matdiff_magic.derivation.steps import Step
from matdiff_magic.derivation.symmetric import with_symmetry
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import tidy
from matdiff_magic.ops.identity import Identity
from matdiff_magic.render.notation import name_latex


def is_composition(typed, var: ir.Var) -> bool:
    """One definition Y = g(X), used by f, with X only inside Y: derive through dY (seed 000)."""
    if len(typed.definitions) != 1 or typed.outer is None:
        return False
    ((name, definition),) = typed.definitions.items()
    return (
        ir.depends_on(typed.outer, name)
        and not ir.depends_on(typed.outer, var.name)
        and ir.depends_on(definition, var.name)
    )


COMPOSE = Identity(
    "composition",
    r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial Y}^{T}\,\mathrm{d}Y\right)",
)
# Y(X): Y's definition in X (not g, which a cell names its outer function)
SUBSTITUTE = Identity("substitute", r"\mathrm{d}Y = \mathrm{d}\,Y(X)")
SUBSTITUTE_GRADIENT = Identity(
    "substitute the outer derivative", r"\frac{\partial f}{\partial Y} \text{ from } f(Y)"
)


def composition_steps(typed, var: ir.Var, convention: str) -> dict:
    ((yname, ydef),) = typed.definitions.items()
    Y = typed.defined_vars[yname]
    fname = typed.name
    vector = var.shape[1] == 1 and not var.is_scalar
    GY = ir.GradSymbol(f"d{fname}/d{yname}", Y.shape, Y.kind, fname, yname)
    y_tex = name_latex(yname, Y.kind)
    head = Step(
        "function",
        "function",
        None,
        fname,
        fname,
        typed.outer,
        line=lambda p: (
            f"{p.to_latex(typed.outer)},\\quad {y_tex} = {p.to_latex(ydef)}",
            f"{p.to_text(typed.outer)},  {yname} = {p.to_text(ydef)}",
        ),
    )
    steps: list[Step] = [head]
    record = Recorder(steps, vector)
    record.start("differential", rf"\mathrm{{d}}{fname}", f"d{fname}")
    dY = ir.D(Y)
    start = ir.Trace(ir.MatMul([ir.Transpose(GY), dY])) if not Y.is_scalar else ir.MatMul([GY, dY])
    record(COMPOSE, start, focus=(start,))
    d_def = ir.D(ydef)
    substituted = ir.replace(start, {dY: d_def})
    record(SUBSTITUTE, substituted, focus=(d_def,), note=lambda p: f"{yname} = {p.to_text(ydef)}")
    df = differential_stage(None, var, record, start=substituted)
    record.stage = "trace"
    G = trace_or_zero(df, var, record)
    read_off_gradient(G, var, results(G, var, fname), lambda: results(G, var, fname, symmetric=True), steps)
    # the outer derivative ∂f/∂Y, derived silently, then substituted
    quiet = lambda *a, **k: None
    dfY = differential_stage(typed.outer, Y, quiet)
    gY = results(trace_or_zero(dfY, Y, quiet), Y, fname)["denominator"].expr
    concrete = tidy(ir.replace(G, {GY: gY}))
    plain = results(concrete, var, fname)
    res, _, shown, _ = with_symmetry(
        plain, lambda: results(concrete, var, fname, symmetric=True), "denominator"
    )
    r = plain["denominator"]
    steps.append(
        Step(
            "readoff",
            SUBSTITUTE_GRADIENT.name,
            SUBSTITUTE_GRADIENT,
            "",
            "",
            r.expr,
            (r.expr,),
            note=lambda p: f"∂{fname}/∂{yname} = {p.to_text(gY)}, where {yname} = {p.to_text(ydef)}",
            highlighted=lambda p: p.to_latex(r.expr, highlight=frozenset({id(r.expr)})),
        )
    )
    if shown is not None:
        steps.append(shown)
    independent = res
    res = convention_step(res, var, "gradient", convention, steps)
    return {
        "steps": steps,
        "results": res,
        "independent": independent,
        "G": concrete,
        "kind": "gradient",
        "target": typed.expr,
    }
