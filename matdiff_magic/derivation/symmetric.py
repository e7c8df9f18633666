"""Derivatives by a symmetric variable: symmetry used on the result, and the three conventions.

The stages differentiate f **as written**, every entry of a symmetric S independent: the smart
constructors keep Sᵀ and S apart, so d(Sᵀ) stays (dS)ᵀ and the trace tricks move it like any
other transpose. Only then is the structure used:

* **Symmetry** (``with_symmetry``): at a symmetric point Sᵀ and S have the same value, so the
  result is simplified with Sᵀ = S and S⁻ᵀ = S⁻¹. When that rewrites the result, it is a step of
  its own ("S is symmetric: Sᵀ = S"). When all it does is drop the read-off's transpose of a
  coefficient that is itself symmetric (df = tr(G dΣ), Gᵀ = G for G = Σ⁻¹ − Σ⁻¹SΣ⁻¹, as seed 001
  writes it), the read-off line shows it and its note says why.
* **Convention** (``with_convention``): what "the derivative by a symmetric matrix" means. With G
  the derivative treating every entry as independent (at a symmetric point):

  - ``independent``: G itself, ∂f/∂S_ij with S_ij and S_ji apart (the default);
  - ``sym``: sym(G) = (G + Gᵀ)/2, the gradient on the space of symmetric matrices (the Fréchet
    gradient for the trace inner product: Srinivasan & Panda, "What is the gradient of a scalar
    function of a symmetric matrix?", 2019);
  - ``minka``: G + Gᵀ − G ⊙ I, the lower triangle as the independent entries (Minka 2000; the
    Matrix Cookbook, Petersen & Pedersen 2012, section 2.8.2, eq. (138), with (139)–(141) its
    examples: ∂ ln|X|/∂X = 2X⁻¹ − X⁻¹ ⊙ I).

  For a Jacobian J = ∂vec F/∂(vec S)ᵀ the same maps act on the columns: J·½(I + K) and
  J·(I + K − diag(vec I)) with K the commutation matrix; for a Hessian H on both sides.
"""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.derivation.simplify import simplify
from matdiff_magic.derivation.steps import Step
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import known_symmetric, mk_add, mk_mul, mk_neg, split_coef, with_coef
from matdiff_magic.ops.identity import Identity
from matdiff_magic.render.notation import name_text

CONVENTIONS = ("independent", "sym", "minka")

SYMMETRIC = Identity("symmetric", r"S^{T} = S")
SYMMETRIC_INVERSE = Identity("symmetric", r"S^{T} = S,\quad S^{-T} = S^{-1}")
SYM_GRADIENT = Identity(
    "symmetric convention (sym)", r"\frac{\partial f}{\partial S} = \frac{1}{2}\left(G + G^{T}\right)"
)
MINKA_GRADIENT = Identity(
    "symmetric convention (minka)", r"\frac{\partial f}{\partial S} = G + G^{T} - G \odot I", cookbook="(138)"
)
_BY_S = r"\frac{\partial \operatorname{vec} F}{\partial (\operatorname{vec} S)^{T}} = "
_BY_S2 = r"\frac{\partial^2 f}{\partial \operatorname{vec} S\,\partial (\operatorname{vec} S)^{T}} = "
_MINKA_P = r"(I + K - \operatorname{diag}(\operatorname{vec} I))"
SYM_JACOBIAN = Identity("symmetric convention (sym)", _BY_S + r"\frac{1}{2}\,J\,(I + K)")
MINKA_JACOBIAN = Identity("symmetric convention (minka)", _BY_S + r"J\," + _MINKA_P, cookbook="(138)")
SYM_HESSIAN = Identity("symmetric convention (sym)", _BY_S2 + r"\frac{1}{4}\,(I + K)\,H\,(I + K)")
MINKA_HESSIAN = Identity(
    "symmetric convention (minka)", _BY_S2 + _MINKA_P + r"\,H\," + _MINKA_P, cookbook="(138)"
)
IDENTITIES = {
    ("sym", "gradient"): SYM_GRADIENT,
    ("minka", "gradient"): MINKA_GRADIENT,
    ("sym", "jacobian"): SYM_JACOBIAN,
    ("minka", "jacobian"): MINKA_JACOBIAN,
    ("sym", "hessian"): SYM_HESSIAN,
    ("minka", "hessian"): MINKA_HESSIAN,
}

# what each convention means: in a sentence (the layouts' descriptions, the convention's step)
# and in short (the where line)
MEANING = {
    "independent": "every entry treated as independent",
    "sym": "the gradient on symmetric matrices, (G + Gᵀ)/2",
    "minka": "the entries of the lower triangle as the independent ones, G + Gᵀ − G ⊙ I "
    "(Matrix Cookbook (138))",
}
SHORT = {"independent": "every entry independent", "sym": "(G + Gᵀ)/2", "minka": "G + Gᵀ − G ⊙ I"}
SHORT_TEX = {
    "independent": r"\text{every entry independent}",
    "sym": r"\frac{1}{2}\left(G + G^{T}\right)",
    "minka": r"G + G^{T} - G \odot I",
}


def check_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        raise MatdiffError(f"unknown symmetric convention {convention!r}: choose independent, sym or minka")


def applies(var: ir.Var) -> bool:
    """A convention matters for a symmetric variable larger than 1×1."""
    return var.symmetric and var.shape[0] != 1


def describe(var: ir.Var, convention: str, tex: bool = False) -> str:
    """The convention of the derivative by ``var``, for the where line (TeX or text); '' for a
    variable no convention applies to."""
    if not applies(var):
        return ""
    if tex:
        return rf"\text{{{convention} convention: }}{SHORT_TEX[convention]}"
    return f"{convention} convention: {SHORT[convention]}"


# ---- symmetry used on the result ---------------------------------------------------------------
def _declared(e: ir.Expr) -> list[ir.Var]:
    out: list[ir.Var] = []
    for v in ir.variables(e):
        if v.symmetric and not v.is_scalar and v not in out:
            out.append(v)
    return out


def _transposed(e: ir.Expr) -> tuple[list[ir.Var], bool]:
    """The declared symmetric variables under a transpose in ``e``, and whether one is S⁻ᵀ."""
    names: list[ir.Var] = []
    inverse = False
    for node in e.walk():
        if isinstance(node, ir.Transpose):
            inverse |= isinstance(node.arg, ir.Inverse) and known_symmetric(node.arg.arg, True)
            names += [v for v in _declared(node.arg) if v not in names]
    return names, inverse


def _are_symmetric(variables: list[ir.Var]) -> str:
    names = [name_text(v.name) for v in variables]
    if len(names) == 1:
        return f"{names[0]} is symmetric"
    return f"{', '.join(names[:-1])} and {names[-1]} are symmetric"


def with_symmetry(plain: dict, symmetric, layout: str, coefficient: ir.Expr | None = None):
    """The results simplified with declared symmetry, and how the read-off shows it.

    ``plain`` are the results simplified without it; ``symmetric()`` makes them with it (only
    when some declared symmetric variable is in the result); ``layout`` is the one the read-off
    line shows; ``coefficient`` is G of df = tr(G dX), whose transpose the read-off takes.

    Returns (results, the read-off line's last expression, a step or None, a note for the
    read-off line).
    """
    before = plain[layout].expr
    if not _declared(before):
        return plain, before, None, ""
    final = symmetric()
    after = final[layout].expr
    if after == before:
        return final, before, None, ""
    if (
        coefficient is not None
        and known_symmetric(coefficient, True)
        and simplify(coefficient) == simplify(coefficient, True) == after
    ):
        names = _are_symmetric(_declared(coefficient))
        return (
            final,
            after,
            None,
            (lambda p: f"{p.to_text(after)} is symmetric, since {names}: its transpose is itself"),
        )
    variables, inverse = _transposed(before)
    identity = SYMMETRIC_INVERSE if inverse else SYMMETRIC
    step = Step(
        "readoff",
        _are_symmetric(variables or _declared(before)),
        identity,
        "",
        "",
        after,
        before=before,
        note="the derivative was taken with every entry independent; at a symmetric point "
        "Sᵀ and S have the same value",
    )
    return final, before, step, ""


# ---- conventions -------------------------------------------------------------------------------
HALF, QUARTER = ir.Const(Fraction(1, 2)), ir.Const(Fraction(1, 4))


def _projection(var: ir.Var, convention: str) -> ir.Expr:
    """½(I + K) (sym) or I + K − diag(vec I) (minka), acting on vec S (n²×n²)."""
    n = var.shape[0]
    nn = ir.dim_mul(n, n)
    eye, K = ir.Identity((nn, nn)), ir.Commutation(n, n)
    if convention == "sym":
        return ir.Add([eye, K])
    return ir.Add([eye, K, ir.Neg(ir.DiagMatrix(ir.Vec(ir.Identity((n, n)))))])


def _square_k(e: ir.Expr) -> bool:
    return isinstance(e, ir.Commutation) and e.rows == e.cols


def _diag_vec_eye(e: ir.Expr) -> bool:
    return isinstance(e, ir.DiagMatrix) and isinstance(e.arg, ir.Vec) and isinstance(e.arg.arg, ir.Identity)


def _times(left: ir.Expr, right: ir.Expr) -> ir.Expr:
    """left·right with K·K = I (the commutation matrix of a square matrix is its own inverse) and
    K·diag(vec I) = diag(vec I)·K = diag(vec I) (the diagonal of S stays where it is)."""
    lf = list(left.factors) if isinstance(left, ir.MatMul) else [left]
    rf = list(right.factors) if isinstance(right, ir.MatMul) else [right]
    while lf and rf:
        if _square_k(lf[-1]) and _square_k(rf[0]) and lf[-1] == rf[0]:
            eye = ir.Identity(lf[-1].shape)
            lf, rf = lf[:-1], rf[1:]
            if not lf and not rf:
                return eye
        elif _square_k(lf[-1]) and _diag_vec_eye(rf[0]):
            lf = lf[:-1]
        elif _diag_vec_eye(lf[-1]) and _square_k(rf[0]):
            rf = rf[1:]
        else:
            break
    factors = lf + rf
    return factors[0] if len(factors) == 1 else mk_mul(factors)


def _gradient(E: ir.Expr, convention: str) -> tuple[ir.Expr, ir.Expr]:
    """(as written, simplified) of ½(E + Eᵀ) or E + Eᵀ − E ⊙ I."""
    if convention == "sym":
        raw: ir.Expr = ir.MatMul([HALF, ir.Add([E, ir.Transpose(E)])])
        return raw, _halved(simplify(ir.Add([E, ir.Transpose(E)]), True))
    raw = ir.Add([E, ir.Transpose(E), ir.Neg(ir.Hadamard([E, ir.Identity(E.shape)]))])
    return raw, simplify(raw, True)


def _halved(e: ir.Expr) -> ir.Expr:
    """½e, the ½ taken into the coefficients when they are all even: ½(2A − 2B) = A − B."""
    terms = list(e.terms) if isinstance(e, ir.Add) else [e]
    split = [split_coef(t) for t in terms]
    if all(rest is not None and (c / 2).denominator == 1 for c, rest in split):
        return mk_add([with_coef(c / 2, rest) for c, rest in split])
    return mk_mul([HALF, e])


def _jacobian(J: ir.Expr, var: ir.Var, convention: str, side: str) -> tuple[ir.Expr, ir.Expr]:
    """J·P (side 'right', numerator layout) or P·Jᵀ (side 'left', denominator layout)."""
    P = _projection(var, convention)
    n = var.shape[0]
    K = ir.Commutation(n, n)
    D = ir.DiagMatrix(ir.Vec(ir.Identity((n, n))))
    if side == "right":
        raw = ir.MatMul(([HALF] if convention == "sym" else []) + [J, P])
        terms = [J, _times(J, K)] + ([mk_neg(_times(J, D))] if convention == "minka" else [])
    else:
        raw = ir.MatMul(([HALF] if convention == "sym" else []) + [P, J])
        terms = [J, _times(K, J)] + ([mk_neg(_times(D, J))] if convention == "minka" else [])
    body = mk_add(terms)
    return raw, simplify(mk_mul([HALF, body]) if convention == "sym" else body, True)


def _hessian(H: ir.Expr, var: ir.Var, convention: str) -> tuple[ir.Expr, ir.Expr]:
    P = _projection(var, convention)
    raw = ir.MatMul(([QUARTER] if convention == "sym" else []) + [P, H, P])
    return raw, simplify(raw, True)


def with_convention(res: dict, var: ir.Var, kind: str, convention: str):
    """The results in ``convention`` for a derivative by ``var`` (kind: gradient, jacobian,
    hessian), and the step that shows it (None for ``independent`` or a variable it does not
    apply to). Every result's description says which convention it is in."""
    if not applies(var):
        return res, None
    out = {}
    shown = "denominator" if kind == "gradient" else "numerator"
    chain = None
    for layout, r in res.items():
        if convention == "independent":
            expr = r.expr
        elif kind == "gradient":
            raw, expr = _gradient(r.expr, convention)
        elif kind == "hessian":
            raw, expr = _hessian(r.expr, var, convention)
        else:
            side = "left" if layout == "denominator" else "right"
            raw, expr = _jacobian(r.expr, var, convention, side)
        if layout == shown and convention != "independent":
            chain = (raw, expr) if raw != expr else (expr,)
        sentence = (
            f" {name_text(var.name)} is symmetric; {convention} convention: {MEANING[convention]}"
            f" (--symmetric {convention})."
        )
        out[layout] = r.replace(expr=expr, description=r.description + sentence)
    if chain is None:
        return out, None
    r = out[shown]
    step = Step(
        "readoff",
        IDENTITIES[convention, kind].name,
        IDENTITIES[convention, kind],
        r.lhs,
        r.lhs_text,
        chain[-1],
        (chain[-1],),
        note=f"{name_text(var.name)} is symmetric: {MEANING[convention]}",
        chain=chain,
    )
    return out, step


# E + Eᵀ − E ⊙ I and E + Eᵀ have the same entries off the diagonal and Eᵢᵢ against 2Eᵢᵢ on it: one is
# zero exactly when the other is, so a stationary point in Minka's convention is one of sym's
MINKA_ZERO = Identity("compare the entries", r"A + A^{T} - A \odot I = 0 \Leftrightarrow A + A^{T} = 0")


def stationary_equivalent(independent: dict, var: ir.Var, convention: str) -> tuple[Identity, ir.Expr] | None:
    """For ``--solve`` in Minka's convention, the equation to solve instead, E + Eᵀ = 0, with E the
    gradient with every entry independent (``independent``, the results before the convention);
    None in any other convention, where the gradient itself is solved."""
    if convention != "minka" or not applies(var):
        return None
    E = independent["denominator"].expr
    return MINKA_ZERO, simplify(ir.Add([E, ir.Transpose(E)]), True)
