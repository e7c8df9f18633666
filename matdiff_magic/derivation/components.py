"""Derivatives by a variable declared by its components (``y = [y1; y2]``), by the definition
method as seed 002 writes them: each partial derivative ∂fₖ/∂yⱼ of each entry of f by each
component of y, the others held constant, then the partials arranged as the layout says (a
column for the gradient of a scalar f, the Jacobian J_kj = ∂fₖ/∂yⱼ for a vector f in numerator
layout, its transpose in denominator layout).

Each partial is derived by the differential method with the component as a scalar variable,
quietly: the step shows its result, ∂f/∂y₁ = 2y₁.
"""

from __future__ import annotations

from matdiff_magic.derivation.differential import differential_stage
from matdiff_magic.derivation.layouts import jacobian_results, results
from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.derivation.steps import Step
from matdiff_magic.derivation.tracetricks import trace_stage
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import is_zero, tidy
from matdiff_magic.ops.components import Entry, Literal
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.linalg import Transpose
from matdiff_magic.render.notation import name_latex, name_text

PARTIAL = Identity(
    "partial derivative",
    r"\frac{\partial f}{\partial y_{j}} = \frac{\mathrm{d}f}{\mathrm{d}y_{j}} \text{ with the other entries constant}",
)
COLLECT_GRADIENT = Identity(
    "collect the entries",
    r"\left(\frac{\partial f}{\partial \boldsymbol{y}}\right)_{j} = \frac{\partial f}{\partial y_{j}}",
)
COLLECT_JACOBIAN = Identity(
    "collect the entries",
    r"\left(\frac{\partial \boldsymbol{f}}{\partial \boldsymbol{y}^{T}}\right)_{kj} = \frac{\partial f_{k}}{\partial y_{j}}",
)


def by_components(typed, var: ir.Var) -> bool:
    """Whether ``var`` is declared by its components (its entries are the cell's names) and f
    uses it only through them: then f is derived by its partials ∂f/∂yⱼ."""
    if not any(isinstance(e, Entry) and e.arg == var for e in typed.definitions.values()):
        return False
    stack, seen = [typed.expr], set()
    while stack:
        node = stack.pop()
        if id(node) in seen or (isinstance(node, Entry) and node.arg == var):
            continue
        seen.add(id(node))
        if node == var:
            raise MatdiffError(
                f"{var.name} is declared by its components: write f with them (or leave out the declaration)",
                typed.source,
                typed.span,
            )
        stack.extend(node.children())
    return True


def components_of(typed, var: ir.Var) -> list[Entry]:
    """The entries of var in column-major order (vec order)."""
    found = [e for e in typed.definitions.values() if isinstance(e, Entry) and e.arg == var]
    return sorted(found, key=lambda e: (e.j, e.i))


def _outputs(f: ir.Expr, source: str, span=None) -> list[ir.Expr]:
    """The entries of f, column-major: f itself for a scalar, the entries of a literal."""
    if f.is_scalar:
        return [f]
    if isinstance(f, Literal):
        return [f.entries[r * f.cols + c] for c in range(f.cols) for r in range(f.rows)]
    if isinstance(f, Transpose) and isinstance(f.arg, Literal):  # seed 002: f = [f₁ ⋯ fₙ]ᵀ
        lit = f.arg
        return [lit.entries[c * lit.cols + r] for c in range(lit.rows) for r in range(lit.cols)]
    raise MatdiffError(
        "to derive by the components of a variable, write f entry by entry: f = [f1; f2]",
        source,
        span,
    )


def partial(f: ir.Expr, component: Entry) -> ir.Expr:
    """∂f/∂(component): the differential method with the component as a scalar variable."""
    y = ir.Var(component.name, ir.SCALAR, "scalar")
    g = ir.replace(f, {component: y})
    quiet = lambda *a, **k: None
    df = differential_stage(g, y, quiet)
    out = ir.Const(0) if is_zero(df) else trace_stage(df, y, quiet)
    return tidy(ir.replace(simplify(out), {y: component}))


def component_steps(typed, var: ir.Var, order: int = 1) -> dict:
    """The definition method by components: the steps and the results in every layout."""
    if order != 1:
        raise MatdiffError(
            "by the components of a variable, matdiff derives first derivatives",
            typed.source,
            option="--order",
        )
    f, fname = typed.expr, typed.name
    comps = components_of(typed, var)
    outs = _outputs(f, typed.source, typed.span)
    steps: list[Step] = [Step("function", "function", None, fname, fname, f)]
    table = {}
    for k, fk in enumerate(outs):
        for j, c in enumerate(comps):
            g = partial(fk, c)
            table[k, j] = g
            f_tex, f_text = (fname, fname) if len(outs) == 1 else (f"{fname}_{{{k + 1}}}", f"{fname}{k + 1}")
            lhs = rf"\frac{{\partial {f_tex}}}{{\partial {name_latex(c.name, 'scalar')}}}"
            lhs_text = f"∂{name_text(f_text)}/∂{name_text(c.name)}"
            steps.append(
                Step(
                    "definition",
                    PARTIAL.name,
                    PARTIAL,
                    lhs,
                    lhs_text,
                    g,
                    (g,),
                    chain=(g,),
                )
            )
    p, n = len(outs), len(comps)
    if f.is_scalar:
        den = _arrange([table[0, j] for j in range(n)], var.shape)
        num = _arrange(
            [table[0, j] for j in range(n)],
            (var.shape[1], var.shape[0]),
            transpose=True,
        )
        base = results(ir.Zero((var.shape[1], var.shape[0])), var, fname)
        res = {
            "denominator": base["denominator"].replace(expr=den),
            "numerator": base["numerator"].replace(expr=num),
            "mixed": base["mixed"].replace(expr=den),
        }
        collect, kind, G = COLLECT_GRADIENT, "gradient", num
        shown = res["denominator"]
    else:
        J = Literal([table[k, j] for k in range(p) for j in range(n)], p, n)
        JT = Literal([table[k, j] for j in range(n) for k in range(p)], n, p)
        base = jacobian_results(ir.Zero((p, n)), var, f, fname)
        res = {
            lay: r.replace(expr=J if r.shape == (p, n) and lay != "denominator" else JT)
            for lay, r in base.items()
        }
        collect, kind, G = COLLECT_JACOBIAN, "jacobian", J
        shown = res["numerator"]
    steps.append(
        Step(
            "readoff",
            collect.name,
            collect,
            shown.lhs,
            shown.lhs_text,
            shown.expr,
            (shown.expr,),
            chain=(shown.expr,),
        )
    )
    return {"steps": steps, "results": res, "G": G, "kind": kind, "target": f}


def _arrange(partials: list, shape, transpose: bool = False) -> Literal:
    """The partials (column-major over the variable's entries) as a literal of ``shape``."""
    rows, cols = int(shape[0]), int(shape[1])
    src_rows = cols if transpose else rows
    at = {}
    for k, g in enumerate(partials):
        i, j = k % src_rows, k // src_rows  # entry (i, j) of the variable
        at[(j, i) if transpose else (i, j)] = g
    return Literal([at[r, c] for r in range(rows) for c in range(cols)], rows, cols)
