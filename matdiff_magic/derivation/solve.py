"""Stationary points: set the derivative to zero and solve for the variable, one manipulation a step.

Handles equations that are linear in the variable (least squares: XᵀXβ = Xᵀy) or become linear
after multiplying through by the variable where it appears inverted (the MVN covariance:
Σ(Σ⁻¹ − Σ⁻¹SΣ⁻¹)Σ = Σ − S). Anything else is reported as not solved.
"""

from __future__ import annotations

from typing import cast

from matdiff_magic.derivation.rewrites import CANCEL
from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.derivation.steps import Step
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_inverse,
    mk_mul,
    mk_neg,
    mk_pow,
    mk_transpose,
    split_coef,
    tidy,
    with_coef,
    zero,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.samples import SampleSum, per_sample
from matdiff_magic.render.notation import name_latex, name_text

SET_ZERO = Identity("stationary point", r"\frac{\partial f}{\partial X} = 0")
DIVIDE = Identity("divide by a constant", r"cA = 0 \Rightarrow A = 0 \text{ for } c \neq 0")
TRANSPOSE_BOTH = Identity("transpose both sides", r"A^{T} = 0 \Leftrightarrow A = 0")
MULTIPLY = Identity("multiply through", r"A = 0 \Rightarrow XAX = 0 \text{ for an invertible } X")
OUT_OF_SUM = Identity("out of the sum", r"\sum_{i} A_{i} B = \Big(\sum_{i} A_{i}\Big) B,\ \sum_{i} c = N c")
MULTIPLY_LEFT = Identity("multiply through", r"A = 0 \Rightarrow XA = 0 \text{ for an invertible } X")
MULTIPLY_RIGHT = Identity("multiply through", r"A = 0 \Rightarrow AX = 0 \text{ for an invertible } X")
EXPAND = Identity("expand", r"A(B + C) = AB + AC")
MOVE = Identity("move the constant terms", r"A + C = 0 \Leftrightarrow A = -C")
SOLVE = Identity("solve", r"A\hat{X} = B \Rightarrow \hat{X} = A^{-1}B")


def solve_steps(
    gradient: ir.Expr, var: ir.Var, equivalent: tuple[Identity, ir.Expr] | None = None
) -> tuple[list[Step], ir.Expr]:
    """Steps from ∂f/∂X = 0 to X̂ = …, and the solution (an expression without X). ``equivalent``:
    an identity and an equation ``… = 0`` that holds exactly when ∂f/∂X = 0 does, solved instead
    (``symmetric.stationary_equivalent``)."""
    steps: list[Step] = []
    x_text = name_text(var.name)
    z = zero(gradient.shape)

    def eq(identity, lhs, rhs, note="", focus=None):
        steps.append(equation_step(identity, lhs, rhs, note, focus))

    expr = gradient
    eq(SET_ZERO, expr, z)
    if equivalent is not None:
        identity, expr = equivalent
        eq(identity, expr, z)
    c, rest = split_coef(expr)
    if rest is not None and c not in (0, 1):
        expr = rest
        eq(DIVIDE, expr, z, note=f"divide by {c}")
    if any(_transposed_inverse(n, var) or _inverse_under_transpose(n, var) for n in expr.walk()) or (
        isinstance(expr, ir.Transpose) and ir.depends_on(expr, var.name)  # Gᵀ = 0 is G = 0: X⁻ᵀ is X⁻¹
    ):
        transposed = simplify(ir.Transpose(expr), True)
        if not any(_transposed_inverse(n, var) for n in transposed.walk()):
            expr = transposed
            eq(TRANSPOSE_BOTH, expr, zero(expr.shape))
    k = _largest_negative_power(expr, var)
    if k:  # N/s − Σ/s² = 0 times s²: N s − Σ = 0, linear (s ≠ 0, as s⁻¹ appears)
        expr = mk_add([mk_mul([mk_pow(var, ir.Const(k)), t]) for t in _expand(expr)])
        eq(_multiply_by_power(var, k), expr, z)
    if any(isinstance(n, ir.Inverse) and n.arg == var for n in expr.walk()):
        identity, expr = _multiplied(expr, var)
        if identity is MULTIPLY_LEFT:
            note = f"multiply by {x_text} on the left"
        elif identity is MULTIPLY_RIGHT:
            note = f"multiply by {x_text} on the right"
        else:
            note = f"multiply by {x_text} on the left and on the right"
        eq(identity, expr, z, note=note)
    terms = _expand(expr)
    expanded = mk_add(terms)
    if expanded != expr:
        eq(EXPAND, expanded, z)
    cancelled = [_cancel(t, var) for t in terms]
    if cancelled != terms:
        terms = cancelled
        eq(CANCEL, mk_add(terms), z)
    pulled = [_out_of_sum(t) for t in terms]
    if pulled != terms:
        terms = pulled
        eq(OUT_OF_SUM, mk_add(terms), z)
    with_x = [t for t in terms if ir.depends_on(t, var.name)]
    without = [t for t in terms if not ir.depends_on(t, var.name)]
    if not with_x:
        raise MatdiffError(f"cannot solve for {x_text}: the derivative does not depend on it")
    if without and all(split_coef(t)[0] < 0 for t in with_x):  # I − XS = 0: XS = I, not −XS = −I
        with_x, without = [mk_neg(t) for t in with_x], [mk_neg(t) for t in without]
    lhs = mk_add(with_x)
    rhs = simplify(mk_add([mk_neg(t) for t in without])) if without else z
    if without:
        eq(MOVE, lhs, rhs)
    solution = _isolate(with_x, rhs, var)
    if solution is None and all(_x_once(t, var) is not None for t in with_x):
        raise MatdiffError(  # AᵀA X BBᵀ = AᵀCBᵀ: linear, but a Sylvester-type equation
            f"cannot solve ∂f/∂{x_text} = 0 for {x_text}: the equation is linear in {x_text} but "
            f"two-sided (A{x_text}B = C, or terms with {x_text} on the left and on the right); "
            f"--solve solves A{x_text} = B or {x_text}A = B"
        )
    if solution is None:
        raise MatdiffError(
            f"cannot solve ∂f/∂{x_text} = 0 for {x_text}: the equation is not "
            f"linear in {x_text} (of the form A{x_text} = B or {x_text}A = B)"
        )
    solution = simplify(solution)
    steps.append(solution_step(var, solution))
    return steps, solution


def equation_step(identity: Identity, lhs: ir.Expr, rhs: ir.Expr, note: str = "", focus=None) -> Step:
    """A line ``lhs = rhs`` of the solve stage, its changed part (``focus``, else all of lhs)
    coloured in the whole equation."""
    shown = focus if focus is not None else lhs
    return Step(
        "solve",
        identity.name,
        identity,
        "",
        "",
        lhs,
        (shown,),
        note,
        line=lambda p: (f"{p.to_latex(lhs)} = {p.to_latex(rhs)}", f"{p.to_text(lhs)} = {p.to_text(rhs)}"),
        highlighted=lambda p: f"{p.to_latex(lhs, highlight=frozenset({id(shown)}))} = {p.to_latex(rhs)}",
    )


def solution_step(var: ir.Var, solution: ir.Expr) -> Step:
    """The last line of the solve stage, X̂ = solution, the solution coloured."""
    return Step(
        "solve",
        SOLVE.name,
        SOLVE,
        "",
        "",
        solution,
        (solution,),
        line=lambda p: (
            f"{p.hat_latex(var.name, var.kind)} = {p.to_latex(solution)}",
            f"{p.hat_text(var.name)} = {p.to_text(solution)}",
        ),
        highlighted=lambda p: (
            f"{p.hat_latex(var.name, var.kind)} = "
            + p.to_latex(solution, highlight=frozenset({id(solution)}))
        ),
    )


def _multiplied(expr: ir.Expr, var: ir.Var) -> tuple[Identity, ir.Expr]:
    """G = 0 multiplied through by X where G holds X⁻¹: on the left (X⁻¹ − S = 0 gives
    I − XS = 0, the precision matrix's MLE), on the right, or on both sides (the MVN covariance:
    Σ⁻¹ − Σ⁻¹SΣ⁻¹ = 0 gives Σ − S = 0), the first that leaves an equation linear in X with a
    nonzero other side (whether its solution holds, ``evaluation.verify_solution`` checks). X is
    invertible there (X⁻¹ appears), so X = 0 is no solution: X⁻¹ = 0 has none, and is refused
    rather than solved as X̂ = 0."""
    choices = ((MULTIPLY_LEFT, [var, expr]), (MULTIPLY_RIGHT, [expr, var]), (MULTIPLY, [var, expr, var]))
    for identity, factors in choices:
        multiplied = tidy(ir.MatMul(factors) if not var.is_scalar else mk_mul(factors))
        terms = [_cancel(t, var) for t in _expand(multiplied)]
        with_x = [t for t in terms if ir.depends_on(t, var.name)]
        without = [t for t in terms if not ir.depends_on(t, var.name)]
        if with_x and without and _isolate(with_x, zero(var.shape), var) is not None:
            return identity, multiplied
    name = name_text(var.name)
    raise MatdiffError(
        f"cannot solve ∂f/∂{name} = 0 for {name}: {name}⁻¹ appears, so {name} must be invertible, and "
        f"multiplying through by {name} (on the left, the right or both) gives no equation with an "
        f"invertible solution"
    )


def _multiply_by_power(var: ir.Var, k: int) -> Identity:
    """a = 0 ⇒ sᵏ a = 0 for s ≠ 0, with the variable's name and power written in."""
    s = name_latex(var.name, var.kind)
    power = s if k == 1 else f"{s}^{{{k}}}"
    return Identity("multiply through", rf"a = 0 \Rightarrow {power} a = 0 \text{{ for }} {s} \neq 0")


def _largest_negative_power(expr: ir.Expr, var: ir.Var) -> int:
    """k for the most negative whole power s⁻ᵏ of a scalar variable s in ``expr`` (0 for none)."""
    if not var.is_scalar:
        return 0
    powers = [
        -int(n.exponent.value)
        for n in expr.walk()
        if isinstance(n, ir.Pow)
        and n.base == var
        and isinstance(n.exponent, ir.Const)
        and n.exponent.value < 0
        and n.exponent.value.denominator == 1
    ]
    return max(powers, default=0)


def _transposed_inverse(n: ir.Expr, var: ir.Var) -> bool:
    return isinstance(n, ir.Transpose) and isinstance(n.arg, ir.Inverse) and n.arg.arg == var


def _inverse_under_transpose(n: ir.Expr, var: ir.Var) -> bool:
    """(X⁻¹ − A)ᵀ: multiplied through by X, X(X⁻¹ − A)ᵀ leaves X X⁻ᵀ, which does not cancel
    (the gradient of log det X − tr(AX) − tr(X), (X⁻¹ − A)ᵀ − I, is solved transposed)."""
    return isinstance(n, ir.Transpose) and any(
        isinstance(m, ir.Inverse) and m.arg == var for m in n.arg.walk()
    )


def _expand(e: ir.Expr) -> list[ir.Expr]:
    """Distribute every product over every sum; returns the terms."""
    if isinstance(e, ir.Add):
        return [t for term in e.terms for t in _expand(term)]
    if isinstance(e, ir.Neg):
        return [mk_neg(t) for t in _expand(e.arg)]
    if isinstance(e, ir.Transpose):  # (S − A)ᵀ = S − Aᵀ for a symmetric S: one term in S, not Sᵀ
        return [simplify(ir.Transpose(t), True) for t in _expand(e.arg)]
    if isinstance(e, ir.MatMul):
        out: list[list] = [[]]
        for f in e.factors:
            parts = _expand(f)
            out = [prefix + [p] for prefix in out for p in parts]
        return [mk_mul(fs) for fs in out]
    if isinstance(e, SampleSum):  # Σᵢ(aᵢ + bᵢ) = Σᵢ aᵢ + Σᵢ bᵢ, a number out: Σᵢ c aᵢ = c Σᵢ aᵢ
        summed: list[ir.Expr] = []
        for t in _expand(e.body):
            c, rest = split_coef(t)
            # a number alone is summed too: Σᵢ c = N c (``_pulled``)
            summed.append(
                with_coef(c, SampleSum(rest, e.count)) if rest is not None else SampleSum(t, e.count)
            )
        return summed
    return [e]


def _out_of_sum(term: ir.Expr) -> ir.Expr:
    """Σᵢ(Lᵢ R) = (Σᵢ Lᵢ) R for the factors R (and L) of a term that are the same for every
    sample, a scalar uᵢᵀv of a column term first written as a matrix product at its end
    (s aᵢ = aᵢ uᵢᵀ v), so that the variable comes out of the sum: Σᵢ((xᵢᵀβ) xᵢ) = (Σᵢ xᵢxᵢᵀ) β;
    Σᵢ c = N c for a c the same for every sample."""
    c, rest = split_coef(term)
    factors = list(rest.factors) if isinstance(rest, ir.MatMul) else [rest]
    if not any(isinstance(f, SampleSum) for f in factors):
        return term
    pulled = with_coef(c, mk_mul([_pulled(f) if isinstance(f, SampleSum) else f for f in factors]))
    return pulled if pulled.shape == term.shape else term


def _pulled(rest: SampleSum) -> ir.Expr:
    """One sum over samples with what is the same for every sample taken out (``_out_of_sum``)."""
    body, count = rest.body, rest.count
    if not per_sample(body):
        return mk_mul([count, body])
    factors = list(body.factors) if isinstance(body, ir.MatMul) else [body]
    if len(factors) > 2 and factors[0].shape[0] == 1 and not factors[0].is_scalar:
        # βᵀ xᵢ xᵢ: the leading row times columns up to a scalar, (βᵀxᵢ) xᵢ, is one factor
        k = next((k for k in range(1, len(factors)) if factors[k].shape[1] == 1), None)
        if k is not None and k + 1 < len(factors):
            factors = [mk_mul(factors[: k + 1]), *factors[k + 1 :]]
    scalars = [f for f in factors if f.is_scalar]
    matrices = [f for f in factors if not f.is_scalar]
    if body.shape[1] == 1 and matrices:  # a column: its scalar products move to its end
        for f in list(scalars):
            if isinstance(f, ir.MatMul) and f.factors[0].shape[0] == 1 and not f.factors[0].is_scalar:
                scalars.remove(f)
                parts = list(f.factors)
                if per_sample(parts[-1]) and not per_sample(parts[0]):  # βᵀxᵢ = xᵢᵀβ, β last
                    parts = [mk_transpose(p) for p in reversed(parts)]
                matrices.extend(parts)
    outside = [f for f in scalars if not per_sample(f)]
    inside = [f for f in scalars if per_sample(f)]
    k = 0
    while k < len(matrices) and not per_sample(matrices[k]):
        k += 1
    j = len(matrices)
    while j > k and not per_sample(matrices[j - 1]):
        j -= 1
    middle = inside + matrices[k:j]
    if not middle:
        return rest
    summed = SampleSum(mk_mul(middle) if len(middle) > 1 else middle[0], count)
    return mk_mul(outside + matrices[:k] + [summed] + matrices[j:])


def _cancel(term: ir.Expr, var: ir.Var) -> ir.Expr:
    """X X⁻¹ = X⁻¹ X = I inside a product."""
    c, rest = split_coef(term)
    if not isinstance(rest, ir.MatMul):
        return term
    fs = list(rest.factors)
    changed = True
    while changed:
        changed = False
        for i in range(len(fs) - 1):
            a, b = fs[i], fs[i + 1]
            if (isinstance(b, ir.Inverse) and b.arg == a) or (isinstance(a, ir.Inverse) and a.arg == b):
                del fs[i : i + 2]
                changed = True
                break
    if not fs:
        return with_coef(c, ir.Identity(rest.shape) if not rest.is_scalar else ir.Const(1))
    out = fs[0] if len(fs) == 1 else mk_mul(fs)
    if out.is_scalar and not rest.is_scalar:  # λ K K⁻¹ = λ I, not the number λ
        out = mk_mul([out, ir.Identity(rest.shape)])
    return with_coef(c, out)


def _common_scalar(A: ir.Expr) -> tuple[ir.Expr | None, ir.Expr]:
    """(s, B) with A = s B for a scalar factor s of every term of the sum A (N Σ⁻¹ + N Σ⁻ᵀ:
    N and Σ⁻¹ + Σ⁻ᵀ); (None, A) when there is none."""
    if isinstance(A, ir.MatMul):  # one term: N Σ⁻¹
        s = next((f for f in A.factors if f.is_scalar and not isinstance(f, ir.Const)), None)
        if s is None:
            return None, A
        others = list(A.factors)
        others.remove(s)
        return s, (mk_mul(others) if len(others) > 1 else others[0])
    if not isinstance(A, ir.Add):
        return None, A
    per_term: list[tuple] = []
    for t in A.terms:
        c, body = split_coef(t)
        if body is None:
            return None, A
        per_term.append((c, list(body.factors) if isinstance(body, ir.MatMul) else [body]))
    for common in per_term[0][1]:
        if (
            common.is_scalar
            and not isinstance(common, ir.Const)
            and all(common in fs for _, fs in per_term[1:])
        ):
            terms = []
            for c, fs in per_term:
                kept = list(fs)
                kept.remove(common)
                terms.append(
                    with_coef(c, mk_mul(kept) if len(kept) > 1 else kept[0] if kept else ir.Const(1))
                )
            return common, tidy(mk_add(terms))
    return None, A


def _as_matrix(factors: list, n) -> ir.Expr:
    """The product of ``factors`` as an n×n matrix: a scalar c becomes cI (λw = λI w)."""
    if not factors:
        return ir.Identity((n, n)) if n != 1 else ir.Const(1)
    p = factors[0] if len(factors) == 1 else mk_mul(factors)
    return mk_mul([p, ir.Identity((n, n))]) if p.is_scalar and n != 1 else p


def _x_once(t: ir.Expr, var: ir.Var) -> tuple | None:
    """(c, the factors left of X, those right of it) for a term c L X R with X once among its
    factors and no other factor depending on X (a term linear in X); else None."""
    c, rest = split_coef(t)
    fs = list(rest.factors) if isinstance(rest, ir.MatMul) else [cast(ir.Expr, rest)]  # t holds X
    if sum(1 for f in fs if f == var) != 1 or any(ir.depends_on(f, var.name) and f != var for f in fs):
        return None
    i = fs.index(var)
    return c, fs[:i], fs[i + 1 :]


def _isolate(with_x: list[ir.Expr], rhs: ir.Expr, var: ir.Var) -> ir.Expr | None:
    """Σ Lₖ X = B ⇒ X = (Σ Lₖ)⁻¹B, or Σ X Rₖ = B ⇒ X = B (Σ Rₖ)⁻¹; None when neither fits."""
    lefts, rights = [], []
    for t in with_x:
        parts = _x_once(t, var)
        if parts is None:
            return None
        c, L, R = parts
        # a scalar factor commutes: λX beside XS is X(λI) beside XS, X(S + λI) = B
        scalars = [f for f in L + R if f.is_scalar]
        L, R = [f for f in L if not f.is_scalar], [f for f in R if not f.is_scalar]
        lefts.append(with_coef(c, _as_matrix(scalars + L, var.shape[0])) if not R else None)
        rights.append(with_coef(c, _as_matrix(R + scalars, var.shape[1])) if not L else None)
    if all(l is not None for l in lefts):
        A = simplify(tidy(mk_add(lefts)))  # I + I is 2I
        a, A1 = split_coef(A)
        b, rhs1 = split_coef(rhs)
        scale, B = _common_scalar(A1) if A1 is not None else (None, A)
        if isinstance(rhs1, ir.MatMul) and rhs1.factors[0] == B and not B.is_scalar:
            # (a s B)⁻¹ b B r = (b/a) s⁻¹ r: NΣ⁻¹μ + NΣ⁻ᵀμ = (Σ⁻¹ + Σ⁻ᵀ) Σᵢxᵢ gives μ̂ = (1/N) Σᵢxᵢ
            r = mk_mul(list(rhs1.factors[1:])) if len(rhs1.factors) > 2 else rhs1.factors[1]
            r = r if scale is None else mk_mul([mk_pow(scale, ir.Const(-1)), r])
            return with_coef(b / a, r)
        if isinstance(B, ir.Identity):  # a s I X = B: X = (1/a) s⁻¹ B, N μ = Σᵢxᵢ gives (1/N) Σᵢxᵢ
            r = rhs if scale is None else mk_mul([mk_pow(scale, ir.Const(-1)), rhs])
            return with_coef(1 / a, r)
        return (
            rhs
            if isinstance(A, ir.Identity)
            else mk_mul([mk_inverse(A), rhs])
            if not A.is_scalar
            else mk_mul([ir.Pow(A, ir.Const(-1)), rhs])
        )
    if all(r is not None for r in rights):
        A = tidy(mk_add(rights))
        return rhs if isinstance(A, ir.Identity) else mk_mul([rhs, mk_inverse(A)])
    return None
