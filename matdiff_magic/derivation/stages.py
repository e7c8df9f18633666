"""The steps of each kind of derivative, in order: a gradient (differential, trace tricks, read-off),
a Jacobian (differential, vec, read-off) and a Hessian (the Jacobian of the gradient).

Each ``*_steps`` function takes the typed cell and the variable and returns a dict with the
recorded ``steps``, the ``results`` in every layout, ``G`` (the coefficient read off), the ``kind``
and the ``target`` it differentiates; ``derivation.pipeline`` turns it into a ``Derivation``.
Raises ``MatdiffError`` (or a ``QuotingError``) for a form a stage cannot handle.
"""

from __future__ import annotations

from matdiff_magic.derivation.bounds import check_hessian_work
from matdiff_magic.derivation.differential import differential_stage
from matdiff_magic.derivation.layouts import jacobian_results, results
from matdiff_magic.derivation.samples import has_sample_sums, sample_stage
from matdiff_magic.derivation.steps import Step
from matdiff_magic.derivation.symmetric import with_convention, with_symmetry
from matdiff_magic.derivation.tracetricks import trace_stage
from matdiff_magic.derivation.vec import vec_stage
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import is_zero
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.samples import is_per_sample
from matdiff_magic.render.notation import name_latex, name_text


class Recorder:
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


def differential(typed, var, expr, record, fname) -> ir.Expr:
    record.start("differential", rf"\mathrm{{d}}{fname}", f"d{fname}")
    return differential_stage(expr, var, record)


def gradient_steps(typed, var: ir.Var, convention: str, hessian: bool = False) -> dict:
    """The gradient; for a Hessian (``hessian``) without the symmetric convention, which applies
    to the Hessian, and with the gradient as written (``plain``) to differentiate again."""
    fname = typed.name
    vector = var.shape[1] == 1 and not var.is_scalar
    steps: list[Step] = [Step("function", "function", None, fname, fname, typed.expr)]
    record = Recorder(steps, vector)
    df = differential(typed, var, typed.expr, record, fname)
    record.stage = "trace"
    if has_sample_sums(df, var):  # sums over samples get their trace tricks inside first
        df, record = sample_stage(df, var, record, typed)
    G = trace_or_zero(df, var, record)
    plain = results(G, var, fname)
    res = read_off_gradient(G, var, plain, lambda: results(G, var, fname, symmetric=True), steps)
    independent = res
    if not hessian:
        res = convention_step(res, var, "gradient", convention, steps)
    return {
        "steps": steps,
        "results": res,
        "independent": independent,
        "plain": plain,
        "G": G,
        "kind": "gradient",
        "target": typed.expr,
    }


def convention_step(res: dict, var, kind: str, convention: str, steps: list) -> dict:
    """The results in the symmetric convention, with its step."""
    res, step = with_convention(res, var, kind, convention)
    if step is not None:
        steps.append(step)
    return res


def trace_or_zero(df, var, record) -> ir.Expr:
    if is_zero(df):
        return ir.Const(0) if var.is_scalar else ir.Zero((var.shape[1], var.shape[0]))
    return trace_stage(df, var, record)


# the read-off of a gradient, by a matrix, a vector or a scalar
READ_OFF = Identity(
    "read off", r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial X}^{T}\,\mathrm{d}X\right)"
)
READ_OFF_VECTOR = Identity(
    "read off", r"\mathrm{d}f = \frac{\partial f}{\partial \boldsymbol{x}}^{T}\,\mathrm{d}\boldsymbol{x}"
)
READ_OFF_SCALAR = Identity("read off", r"\mathrm{d}f = f'(x)\,\mathrm{d}x")


def read_off_gradient(G, var, plain, symmetric, steps: list) -> dict:
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


def jacobian_steps(typed, var: ir.Var, convention: str) -> dict:
    fname = typed.name
    steps: list[Step] = [Step("function", "function", None, fname, fname, typed.expr)]
    record = Recorder(steps, False)
    dF = differential(typed, var, typed.expr, record, fname)
    # a vector-valued sum over samples whose per-sample kinds all came from the naming convention is
    # more often a slip (y_i taken to be a vector in a per-sample loss): refused, with the hint to
    # declare it; declared, its Jacobian is derived
    per_sample = [n for n in typed.declared if is_per_sample(n)]
    samples = bool(per_sample) and all(typed.declared[n] for n in per_sample)
    J = vec_or_zero(dF, var, typed.expr, record, fname, samples=samples)
    plain = jacobian_results(J, var, typed.expr, fname)
    res, _, shown, _ = with_symmetry(
        plain, lambda: jacobian_results(J, var, typed.expr, fname, symmetric=True), "numerator"
    )
    steps.append(read_off_jacobian(plain, var))
    if shown is not None:
        steps.append(shown)
    res = convention_step(res, var, "jacobian", convention, steps)
    return {"steps": steps, "results": res, "G": J, "kind": "jacobian", "target": typed.expr}


def vec_or_zero(dF, var, F, record, fname, fname_text=None, samples: bool = True) -> ir.Expr:
    """J with d vec F = J d vec X (``vec.vec_stage``); ``samples``: a sum over samples in dF is
    vectorised inside (else it is refused as an unsupported form)."""
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
    return vec_stage(dF, var, record, samples=samples)


READ_OFF_JACOBIAN = Identity(
    "read off",
    r"\mathrm{d}\operatorname{vec}F = J\,\mathrm{d}\operatorname{vec}X \Rightarrow \frac{\partial \operatorname{vec}F}{\partial (\operatorname{vec}X)^{T}} = J",
)
READ_OFF_BY_SCALAR = Identity(
    "read off", r"\mathrm{d}F = G\,\mathrm{d}x \Rightarrow \frac{\partial F}{\partial x} = G"
)


def read_off_jacobian(res, var) -> Step:
    r = res["numerator"]
    identity = READ_OFF_BY_SCALAR if var.is_scalar else READ_OFF_JACOBIAN
    return Step("readoff", identity.name, identity, r.lhs, r.lhs_text, r.expr, (r.expr,), chain=(r.expr,))


GRADIENT_AGAIN = Identity(
    "Hessian",
    r"\frac{\partial^2 f}{\partial \operatorname{vec}X\,\partial (\operatorname{vec}X)^{T}} = \frac{\partial \operatorname{vec}(\partial f/\partial X)}{\partial (\operatorname{vec}X)^{T}}",
)

GRADIENT_AGAIN_SCALAR = Identity(
    "Hessian", r"\frac{\partial^2 f}{\partial x^2} = \frac{\partial (\partial f/\partial x)}{\partial x}"
)


def hessian_steps(typed, var: ir.Var, convention: str) -> dict:
    """The Hessian as the Jacobian of the gradient: first the gradient, then its differential and
    vec. The gradient differentiated is the one of f as written (every entry independent), before
    any declared symmetry simplified it: Sᵀ and S differ as functions of S."""
    first = gradient_steps(typed, var, convention, hessian=True)
    steps = first["steps"]
    grad = first["plain"]["denominator"].expr
    check_hessian_work(typed.expr, grad, var, typed.span)  # before the second stage, which costs most
    fname = typed.name
    x, x_text = name_latex(var.name, var.kind), name_text(var.name)
    g_lhs, g_text = rf"\frac{{\partial {fname}}}{{\partial {x}}}", f"∂{fname}/∂{x_text}"
    again = GRADIENT_AGAIN_SCALAR if var.is_scalar else GRADIENT_AGAIN
    steps.append(
        Step(
            "hessian",
            again.name,
            again,
            g_lhs,
            g_text,
            grad,
            (grad,),
            note="differentiate the gradient once more",
        )
    )
    record = Recorder(steps, False)
    record.start("differential", rf"\mathrm{{d}}\left({g_lhs}\right)", f"d({g_text})")
    dG = differential_stage(grad, var, record)
    if var.is_scalar:
        H = trace_or_zero(dG, var, record) if not is_zero(dG) else ir.Const(0)
    else:
        H = vec_or_zero(dG, var, grad, record, rf"\left({g_lhs}\right)", f"({g_text})")
    plain = jacobian_results(H, var, grad, fname, hessian=True)
    res, _, shown, _ = with_symmetry(
        plain, lambda: jacobian_results(H, var, grad, fname, hessian=True, symmetric=True), "numerator"
    )
    r = plain["numerator"]
    identity = READ_OFF_BY_SCALAR if var.is_scalar else READ_OFF_JACOBIAN
    steps.append(
        Step("readoff", identity.name, identity, r.lhs, r.lhs_text, r.expr, (r.expr,), chain=(r.expr,))
    )
    if shown is not None:
        steps.append(shown)
    res = convention_step(res, var, "hessian", convention, steps)
    return {"steps": steps, "results": res, "G": H, "kind": "hessian", "target": grad}
