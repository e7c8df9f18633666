"""The pipeline: source -> typed IR -> differential -> trace tricks (or vec) -> read-off -> Derivation.

``derive`` is where the stages meet the layers above them: it builds the ``Derivation`` (whose
methods evaluate, check, print, export and show it), names repeated activations for printing, runs
the numeric check, and prints the expressions an error quotes (``QuotingError``) before the error
leaves. A derivation re-derives the same cell by another variable through ``_derive_again``.
"""

from __future__ import annotations

from matdiff_magic.depth import deep_recursion
from matdiff_magic.derivation.bounds import check_work
from matdiff_magic.derivation.definition import definition_steps
from matdiff_magic.derivation.differential import differential_stage
from matdiff_magic.derivation.layouts import LAYOUTS, jacobian_results, results
from matdiff_magic.derivation.quoting import QuotingError
from matdiff_magic.derivation.record import Derivation
from matdiff_magic.derivation.steps import Step
from matdiff_magic.derivation.symmetric import check_convention, with_convention, with_symmetry
from matdiff_magic.derivation.tracetricks import trace_stage
from matdiff_magic.derivation.vec import vec_stage
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import is_zero, tidy
from matdiff_magic.ops.identity import Identity
from matdiff_magic.render import printer
from matdiff_magic.render.abbreviations import choose as choose_abbreviations
from matdiff_magic.render.notation import name_latex
from matdiff_magic.types.lower import choose_wrt, typecheck

READ_OFF = Identity(
    "read off", r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial X}^{T}\,\mathrm{d}X\right)"
)
READ_OFF_VECTOR = Identity(
    "read off", r"\mathrm{d}f = \frac{\partial f}{\partial \boldsymbol{x}}^{T}\,\mathrm{d}\boldsymbol{x}"
)
READ_OFF_SCALAR = Identity("read off", r"\mathrm{d}f = f'(x)\,\mathrm{d}x")
READ_OFF_JACOBIAN = Identity(
    "read off",
    r"\mathrm{d}\operatorname{vec}F = J\,\mathrm{d}\operatorname{vec}X \Rightarrow \frac{\partial \operatorname{vec}F}{\partial (\operatorname{vec}X)^{T}} = J",
)
READ_OFF_BY_SCALAR = Identity(
    "read off", r"\mathrm{d}F = G\,\mathrm{d}x \Rightarrow \frac{\partial F}{\partial x} = G"
)
GRADIENT_AGAIN = Identity(
    "Hessian",
    r"\frac{\partial^2 f}{\partial \operatorname{vec}X\,\partial (\operatorname{vec}X)^{T}} = \frac{\partial \operatorname{vec}(\partial f/\partial X)}{\partial (\operatorname{vec}X)^{T}}",
)


def derive(
    source: str,
    wrt: str | None = None,
    layout: str = "mixed",
    check: bool = True,
    order: int = 1,
    seed: int = 0,
    by_definition: bool = False,
    solve: bool = False,
    symmetric: str = "independent",
) -> Derivation:
    """Derive ∂f/∂wrt of the cell ``source`` by the differential method, step by step.

    f may be a scalar, a vector or a matrix (then the result is the Jacobian of vec f by vec X);
    ``order=2`` gives the Hessian of a scalar f. ``by_definition`` derives element by element
    instead (seed 001 Examples 1 and 2), where that is tractable; ``solve`` adds the steps that set
    the derivative to zero and solve for the variable. ``symmetric`` is the convention for a
    variable declared symmetric: ``independent`` (every entry independent, the default), ``sym``
    ((G + Gᵀ)/2, the gradient on symmetric matrices) or ``minka`` (G + Gᵀ − G ⊙ I, the Matrix
    Cookbook's (138)); f is always differentiated as written (``derivation.symmetric``).
    """
    check_convention(symmetric)
    if by_definition:
        return _derive_by_definition(source, wrt, layout, check, seed, symmetric)
    if layout not in LAYOUTS:
        raise MatdiffError(f"unknown layout {layout!r}: choose numerator, denominator or mixed")
    if order not in (1, 2):
        raise MatdiffError(
            f"order={order}: matdiff derives first derivatives (order=1) and Hessians (order=2)"
        )
    with deep_recursion():
        return _derive(source, wrt, layout, check, order, seed, solve, symmetric)


def _derive(source, wrt, layout, check, order, seed, solve, symmetric) -> Derivation:
    try:
        typed = typecheck(source)
        var = choose_wrt(typed, wrt)
        check_work(typed.expr, var, source, typed.span)
        f = typed.expr
        if order == 2 and not f.is_scalar:
            raise MatdiffError(
                f"a Hessian (order 2) needs a scalar function, but {typed.name} is {f.shape[0]}×{f.shape[1]}",
                source,
                typed.span,
            )
        if order == 2:
            parts = _hessian_steps(typed, var, symmetric)
        elif f.is_scalar and _is_composition(typed, var):
            parts = _composition_steps(typed, var, symmetric)
        elif f.is_scalar:
            parts = _gradient_steps(typed, var, symmetric)
        else:
            parts = _jacobian_steps(typed, var, symmetric)
        if solve:
            from matdiff_magic.derivation.solve import solve_steps

            if order != 1 or not f.is_scalar:
                raise MatdiffError("--solve sets the gradient of a scalar function to zero")
            solution_steps, parts["solution"] = solve_steps(parts["results"]["denominator"].expr, var)
            parts["steps"] += solution_steps
    except MatdiffError as error:
        raise _printed(error, source).with_source(source) from None
    except RecursionError:
        raise MatdiffError("the expression is too deeply nested to derive", source) from None
    derivation = Derivation(
        source,
        typed,
        var,
        layout,
        parts["steps"],
        parts["results"],
        parts["G"],
        seed,
        kind=parts["kind"],
        target=parts["target"],
        rederive=_derive_again,
        symmetric=symmetric,
    )
    derivation.solution = parts.get("solution")
    derivation.notes = _defaulted_kind_notes(source, typed, var)
    derivation.set_abbreviations(choose_abbreviations(typed.expr, {v.name for v in typed.variables}))
    if check:
        derivation.check()
    return derivation


def _derive_by_definition(source, wrt, layout, check, seed, symmetric) -> Derivation:
    """∂f/∂wrt element by element (seed 001's definition method), as a ``Derivation``."""
    if layout not in LAYOUTS:
        raise MatdiffError(f"unknown layout {layout!r}: choose numerator, denominator or mixed")
    try:
        typed = typecheck(source)
        var = choose_wrt(typed, wrt)
        steps, res, G = definition_steps(typed, var, source, written=printer.to_text)
        res, _, shown, _ = with_symmetry(
            res, lambda: results(G, var, typed.name, symmetric=True), "denominator"
        )
        res, convention = with_convention(res, var, "gradient", symmetric)
        steps = steps + [s for s in (shown, convention) if s is not None]
    except MatdiffError as error:
        raise _printed(error, source).with_source(source) from None
    except RecursionError:
        raise MatdiffError("the expression is too deeply nested to derive", source) from None
    d = Derivation(
        source, typed, var, layout, steps, res, G, seed, rederive=_derive_again, symmetric=symmetric
    )
    if check:
        d.check()
    return d


def _defaulted_kind_notes(source: str, typed, var: ir.Var) -> tuple:
    """When f is not a scalar only because undeclared lowercase names were taken to be vectors
    (``c`` in ``norm2(X*w - y)^2 + c*norm2(w)^2``), one line that says so and the declaration."""
    if typed.expr.is_scalar:
        return ()
    names = [
        v.name
        for v in typed.variables
        if v.kind == "vector" and v.name != var.name and not typed.declared.get(v.name)
    ]
    for tried in [[n] for n in names] + ([names] if len(names) > 1 else []):
        try:
            scalar = typecheck(source, {n: "scalar" for n in tried}).expr.is_scalar
        except MatdiffError:
            continue
        if scalar:
            these = ", ".join(tried)
            return (
                f"{typed.name} is not a scalar because {these} "
                f"{'was' if len(tried) == 1 else 'were'} taken to be "
                f"{'a vector' if len(tried) == 1 else 'vectors'} (lowercase names are vectors "
                f"unless declared); declaring `{these}: scalar` makes {typed.name} a scalar",
            )
    return ()


def _derive_again(d: Derivation, wrt: str, layout: str) -> Derivation:
    # ``derive`` is looked up when called, so the derivation re-derives through whatever it is now
    return derive(
        d.source, wrt=wrt, layout=layout, check=d.check_result is not None, seed=d.seed, symmetric=d.symmetric
    )


def _printed(error: MatdiffError, source: str | None = None) -> MatdiffError:
    """An error that quotes an expression, with the expression printed and a caret under where it
    stands in ``source``; any other as it is."""
    return error.printed(printer, source) if isinstance(error, QuotingError) else error


class _Recorder:
    """Collects steps; the first line of each stage gets its left-hand side (df, d vec F, …)."""

    lhs: tuple[str, str] | None

    def __init__(self, steps: list, hide_scalar_trace: bool):
        self.steps, self.hide, self.stage, self.lhs = steps, hide_scalar_trace, "differential", None

    def start(self, stage: str, lhs: str, lhs_text: str) -> None:
        self.stage, self.lhs = stage, (lhs, lhs_text)

    def __call__(self, identity, expr, focus=(), note="", before=None):
        lhs, lhs_text = self.lhs if self.lhs else ("", "")
        self.lhs = None
        self.steps.append(
            Step(
                self.stage,
                identity.name,
                identity if identity.latex else None,
                lhs,
                lhs_text,
                expr,
                tuple(focus),
                note,
                hide_scalar_trace=self.hide,
                before=before,
            )
        )


def _differential(typed, var, expr, record, fname) -> ir.Expr:
    record.start("differential", rf"\mathrm{{d}}{fname}", f"d{fname}")
    return differential_stage(expr, var, record)


def _gradient_steps(typed, var: ir.Var, convention: str, hessian: bool = False) -> dict:
    """The gradient; for a Hessian (``hessian``) without the symmetric convention, which applies
    to the Hessian, and with the gradient as written (``plain``) to differentiate again."""
    fname = typed.name
    vector = var.shape[1] == 1 and not var.is_scalar
    steps: list[Step] = [Step("function", "function", None, fname, fname, typed.expr)]
    record = _Recorder(steps, vector)
    df = _differential(typed, var, typed.expr, record, fname)
    record.stage = "trace"
    G = _trace(df, var, record)
    plain = results(G, var, fname)
    res = _read_off_gradient(G, var, plain, lambda: results(G, var, fname, symmetric=True), steps)
    if not hessian:
        res = _convention(res, var, "gradient", convention, steps)
    return {"steps": steps, "results": res, "plain": plain, "G": G, "kind": "gradient", "target": typed.expr}


def _convention(res: dict, var, kind: str, convention: str, steps: list) -> dict:
    """The results in the symmetric convention, with its step."""
    res, step = with_convention(res, var, kind, convention)
    if step is not None:
        steps.append(step)
    return res


def _trace(df, var, record) -> ir.Expr:
    if is_zero(df):
        return ir.Const(0) if var.is_scalar else ir.Zero((var.shape[1], var.shape[0]))
    return trace_stage(df, var, record)


def _read_off_gradient(G, var, plain, symmetric, steps: list) -> dict:
    """The read-off step (and the step that uses declared symmetry, when it changes the result)
    appended to ``steps``; the results, simplified with that symmetry."""
    res, grad, shown, note = with_symmetry(plain, symmetric, "denominator", coefficient=G)
    vector = var.shape[1] == 1 and not var.is_scalar
    chain: tuple
    if var.is_scalar:
        identity, chain = READ_OFF_SCALAR, (grad,)
    else:
        raw = ir.Transpose(G)
        identity = READ_OFF_VECTOR if vector else READ_OFF
        chain = (raw, grad) if raw != grad else (grad,)
    steps.append(
        Step(
            "readoff",
            identity.name,
            identity,
            res["denominator"].lhs,
            res["denominator"].lhs_text,
            grad,
            (grad,),
            chain=chain,
            note=note,
        )
    )
    if shown is not None:
        steps.append(shown)
    return res


def _jacobian_steps(typed, var: ir.Var, convention: str) -> dict:
    fname = typed.name
    steps: list[Step] = [Step("function", "function", None, fname, fname, typed.expr)]
    record = _Recorder(steps, False)
    dF = _differential(typed, var, typed.expr, record, fname)
    J = _vec(dF, var, typed.expr, record, fname)
    plain = jacobian_results(J, var, typed.expr, fname)
    res, _, shown, _ = with_symmetry(
        plain, lambda: jacobian_results(J, var, typed.expr, fname, symmetric=True), "numerator"
    )
    steps.append(_read_off_jacobian(plain, var))
    if shown is not None:
        steps.append(shown)
    res = _convention(res, var, "jacobian", convention, steps)
    return {"steps": steps, "results": res, "G": J, "kind": "jacobian", "target": typed.expr}


def _vec(dF, var, F, record, fname, fname_text=None) -> ir.Expr:
    fname_text = fname_text or fname
    if is_zero(dF):  # by a scalar the Jacobian has F's shape (as dF = G dx gives it)
        return ir.Zero(F.shape) if var.is_scalar else ir.Zero((ir.dim_mul(*F.shape), ir.dim_mul(*var.shape)))
    if var.is_scalar:  # dF = G dx: dx factors out
        record.stage = "trace"
        return trace_stage(dF, var, record)
    record.stage = "vec"
    record.start(
        "vec",
        rf"\mathrm{{d}}\operatorname{{vec}} {fname}" if F.shape[1] != 1 else rf"\mathrm{{d}}{fname}",
        f"d vec {fname_text}" if F.shape[1] != 1 else f"d{fname_text}",
    )
    return vec_stage(dF, var, record)


def _read_off_jacobian(res, var) -> Step:
    r = res["numerator"]
    identity = READ_OFF_BY_SCALAR if var.is_scalar else READ_OFF_JACOBIAN
    return Step("readoff", identity.name, identity, r.lhs, r.lhs_text, r.expr, (r.expr,), chain=(r.expr,))


COMPOSE = Identity(
    "composition",
    r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial Y}^{T}\,\mathrm{d}Y\right)",
)
SUBSTITUTE = Identity("substitute", r"\mathrm{d}Y = \mathrm{d}\,g(X)")
SUBSTITUTE_GRADIENT = Identity(
    "substitute the outer derivative", r"\frac{\partial f}{\partial Y} \text{ from } f(Y)"
)


def _is_composition(typed, var: ir.Var) -> bool:
    """One definition Y = g(X), used by f, with X only inside Y: derive through dY (seed 000)."""
    if len(typed.definitions) != 1 or typed.outer is None:
        return False
    ((name, definition),) = typed.definitions.items()
    return (
        ir.depends_on(typed.outer, name)
        and not ir.depends_on(typed.outer, var.name)
        and ir.depends_on(definition, var.name)
    )


def _composition_steps(typed, var: ir.Var, convention: str) -> dict:
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
    record = _Recorder(steps, vector)
    record.start("differential", rf"\mathrm{{d}}{fname}", f"d{fname}")
    dY = ir.D(Y)
    start = ir.Trace(ir.MatMul([ir.Transpose(GY), dY])) if not Y.is_scalar else ir.MatMul([GY, dY])
    record(COMPOSE, start, focus=(start,))
    d_def = ir.D(ydef)
    substituted = ir.replace(start, {dY: d_def})
    record(SUBSTITUTE, substituted, focus=(d_def,), note=lambda p: f"{yname} = {p.to_text(ydef)}")
    df = differential_stage(None, var, record, start=substituted)
    record.stage = "trace"
    G = _trace(df, var, record)
    _read_off_gradient(G, var, results(G, var, fname), lambda: results(G, var, fname, symmetric=True), steps)
    # the outer derivative ∂f/∂Y, derived silently, then substituted
    quiet = lambda *a, **k: None
    dfY = differential_stage(typed.outer, Y, quiet)
    gY = results(_trace(dfY, Y, quiet), Y, fname)["denominator"].expr
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
    res = _convention(res, var, "gradient", convention, steps)
    return {"steps": steps, "results": res, "G": concrete, "kind": "gradient", "target": typed.expr}


def _hessian_steps(typed, var: ir.Var, convention: str) -> dict:
    """The Hessian as the Jacobian of the gradient: first the gradient, then its differential and
    vec. The gradient differentiated is the one of f as written (every entry independent), before
    any declared symmetry simplified it: Sᵀ and S differ as functions of S."""
    first = _gradient_steps(typed, var, convention, hessian=True)
    steps = first["steps"]
    grad = first["plain"]["denominator"].expr
    fname = typed.name
    x = name_latex(var.name, var.kind)
    g_lhs = rf"\frac{{\partial {fname}}}{{\partial {x}}}"
    steps.append(
        Step(
            "hessian",
            GRADIENT_AGAIN.name,
            GRADIENT_AGAIN,
            g_lhs,
            f"∂{fname}/∂{var.name}",
            grad,
            (grad,),
            note="differentiate the gradient once more",
        )
    )
    record = _Recorder(steps, False)
    record.start("differential", rf"\mathrm{{d}}\left({g_lhs}\right)", f"d(∂{fname}/∂{var.name})")
    dG = differential_stage(grad, var, record)
    if var.is_scalar:
        H = _trace(dG, var, record) if not is_zero(dG) else ir.Const(0)
    else:
        H = _vec(dG, var, grad, record, rf"\left({g_lhs}\right)", f"(∂{fname}/∂{var.name})")
    make = (
        (lambda sym: jacobian_results(H, var, grad, fname, hessian=True, symmetric=sym))
        if not var.is_scalar
        else (lambda sym: results(H, var, fname, symmetric=sym))
    )
    plain = make(False)
    res, _, shown, _ = with_symmetry(plain, lambda: make(True), "numerator")
    r = plain["numerator"]
    steps.append(
        Step("readoff", "read off", READ_OFF_JACOBIAN, r.lhs, r.lhs_text, r.expr, (r.expr,), chain=(r.expr,))
    )
    if shown is not None:
        steps.append(shown)
    res = _convention(res, var, "hessian", convention, steps)
    return {"steps": steps, "results": res, "G": H, "kind": "hessian", "target": grad}
