"""The vec stage: from dF (linear in dX) to d vec F = J d vec X, one vec identity per step.

Each term is kept as (J factors found so far, the matrix whose vec is still to take). The identities
(seed 002, Cookbook §10.2): vec(AXB) = (Bᵀ ⊗ A) vec X, vec(Xᵀ) = K vec X with the commutation
matrix K, vec(A ⊙ X) = diag(vec A) vec X, vec(cA) = c vec A, vec(v) = v for a column vector.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import cast

from matdiff_magic.derivation.quoting import QuotingError, differential_text
from matdiff_magic.derivation.simplify import collect, prefer_positive, push_transposes
from matdiff_magic.derivation.tracetricks import expand, trace_stage
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    mk_add,
    mk_hadamard,
    mk_kron,
    mk_mul,
    mk_transpose,
    mk_vec,
    split_coef,
    tidy,
    with_coef,
)
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.samples import SampleSum


def eye(n) -> ir.Expr:
    return ir.Const(1) if n == 1 else ir.Identity((n, n))


def commutation(r, c) -> ir.Expr:
    """K_rc, with K vec(A) = vec(Aᵀ) for an r×c matrix A; K_1c and K_r1 are the identity (a row's
    entries in vec are its transpose's)."""
    if r == 1 or c == 1:
        return eye(ir.dim_mul(r, c))
    return ir.Commutation(r, c)


def _product(factors: list) -> ir.Expr:
    return factors[0] if len(factors) == 1 else mk_mul(factors)


@dataclass
class VecTerm:
    coef: Fraction
    jac: list = field(default_factory=list)  # J factors, left to right
    inner: ir.Expr | None = None  # vec(inner) is still to be taken
    shown: tuple | None = field(default=None, compare=False)  # (what it was made of, the expression)

    def expr(self, dX: ir.Expr) -> ir.Expr:
        """The term as a line shows it, made again only once a step has changed it (a step
        changes one term of a sum: each line would otherwise rebuild every term's product)."""
        made_of = (self.coef, self.inner, *self.jac)
        shown = self.shown
        if shown is not None and len(made_of) == len(shown[0]) and all(map(operator.is_, made_of, shown[0])):
            return shown[1]
        inner = cast(ir.Expr, self.inner)  # set when the term is made
        v = ir.Vec(inner) if inner.shape[1] != 1 else inner
        body = mk_mul(self.jac + [v]) if self.jac else v
        self.shown = (made_of, with_coef(self.coef, body))
        return self.shown[1]


def _display(terms: list[VecTerm], dX: ir.Expr) -> ir.Expr:
    exprs = [t.expr(dX) for t in terms]
    return exprs[0] if len(exprs) == 1 else ir.Add(exprs)


TAKE_VEC = Identity("vectorise", r"\mathrm{d}\operatorname{vec}(F) = \operatorname{vec}(\mathrm{d}F)")
COMBINE = Identity(
    "linearity",
    r"A\operatorname{vec}(\mathrm{d}X) + B\operatorname{vec}(\mathrm{d}X) = (A + B)\operatorname{vec}(\mathrm{d}X)",
)


def vec_stage(dF: ir.Expr, wrt: ir.Var, record, samples: bool = True) -> ir.Expr:
    """Returns J with d vec F = J d vec X (numerator layout, column-major vec); ``samples``: a sum
    over samples is vectorised inside (``_samples_step``), else refused as an unsupported form."""
    dX = ir.D(wrt)
    terms = _terms(dF, dX)
    start = _display(terms, dX)
    record(TAKE_VEC, start, focus=(start,))
    before = start
    for _ in range(1000):
        pending = [t for t in terms if t.inner != dX]
        if not pending:
            break
        identity = _one_step(pending[0], wrt, dX, samples)
        for t in pending[1:]:  # the same identity at each term it applies to: one step
            _same_step(t, identity, wrt, dX, samples)
        after = _display(terms, dX)
        record(identity, after, before=before)
        before = after
    else:
        raise MatdiffError("the vec identities did not bring d vec X to the right")
    parts = _jacobians(terms, dX)
    J = collect(tidy(mk_add(parts)))
    J = mk_add([prefer_positive(t) for t in J.terms]) if isinstance(J, ir.Add) else prefer_positive(J)
    if len(terms) > 1 or parts[0] != J:
        vdX = mk_vec(dX)
        final = ir.MatMul([J, vdX]) if isinstance(J, ir.Add) else mk_mul([J, vdX])
        record(COMBINE, final, focus=(J,))
    return J


def _terms(dF: ir.Expr, dX: ir.Expr) -> list[VecTerm]:
    """The terms of dF (linear in dX), each with its number apart and nothing vectorised yet."""
    terms = []
    for p in expand(dF, dX):
        c, rest = split_coef(push_transposes(p))
        terms.append(VecTerm(c, [], rest))
    return terms


def _jacobians(terms: list[VecTerm], dX: ir.Expr) -> list[ir.Expr]:
    """Each term's J (its coefficient times its factors), once its vec is of dX."""
    n = ir.dim_mul(*dX.shape)
    parts = []
    for t in terms:
        J = mk_mul(t.jac) if len(t.jac) > 1 else (t.jac[0] if t.jac else eye(n))
        if J.is_scalar and n != 1:  # c dx: the Jacobian is c I, not the number c
            J = mk_mul([J, ir.Identity((n, n))])
        parts.append(with_coef(t.coef, J))
    return parts


def _same_step(t: VecTerm, identity: Identity, wrt: ir.Var, dX: ir.Expr, samples: bool) -> None:
    """The term t taken one identity further when its next identity is ``identity`` (as the
    textbooks apply a rule to each term of a sum at once); left as it was otherwise, or when its
    form is not supported (it is refused on its own turn)."""
    trial = VecTerm(t.coef, list(t.jac), t.inner)
    try:
        if _one_step(trial, wrt, dX, samples) != identity:
            return
    except QuotingError:
        return
    t.coef, t.jac, t.inner = trial.coef, trial.jac, trial.inner


VEC_LINEAR = Identity(
    "linearity of vec",
    r"\operatorname{vec}(A + B) = \operatorname{vec}(A) + \operatorname{vec}(B),\ \operatorname{vec}(cA) = c\operatorname{vec}(A)",
)
VEC_VEC = Identity("vec of a vector", r"\operatorname{vec}(\operatorname{vec}(X)) = \operatorname{vec}(X)")
HADAMARD_TRANSPOSE = Identity("transpose of a Hadamard product", r"(A \odot B)^{T} = A^{T} \odot B^{T}")


def _one_step(t: VecTerm, wrt: ir.Var, dX: ir.Expr, samples: bool = False) -> Identity:
    """One vec identity on the term t, by the form of what its vec is still taken of; returns it."""
    inner = cast(ir.Expr, t.inner)
    c, rest = split_coef(inner)
    if c != 1:
        t.coef *= c
        t.inner = rest
        return VEC_LINEAR
    if isinstance(inner, ir.Vec):
        t.inner = inner.arg
        return VEC_VEC
    if isinstance(inner, ir.Transpose) and isinstance(inner.arg, ir.Hadamard):
        # (xᵀ ⊙ dxᵀ)ᵀ = x ⊙ dx: the same matrix, whose vec the Hadamard step reads
        t.inner = mk_hadamard([push_transposes(ir.Transpose(f)) for f in inner.arg.factors])
        return HADAMARD_TRANSPOSE
    if isinstance(inner, ir.Transpose) and (inner.arg == dX or inner.arg.shape[1] == 1):
        return _transpose_step(t, inner, dX)
    if isinstance(inner, ir.Hadamard):
        return _hadamard_step(t, inner, dX)
    if isinstance(inner, ir.MatMul):
        return _product_step(t, inner, wrt, dX)
    if isinstance(inner, ir.Kron):
        return _kron_step(t, inner, dX)
    if isinstance(inner, ir.DiagMatrix):
        return _diag_step(t, [], inner, [])
    if inner.is_scalar and inner != dX:
        return _scalar_step(t, [], inner, wrt, dX)
    if isinstance(inner, SampleSum) and samples:
        return _samples_step(t, inner, wrt, dX)

    def message(p):
        d = differential_text(p, dX)
        return (
            f"cannot write vec({p.to_text(inner)}) as J {d if dX.shape[1] == 1 else f'vec({d})'}:"
            f" this form is not supported"
        )

    error = QuotingError(
        message,
        "cannot write this vec(…) as J times the differential: this form is not supported",
        culprit=inner,
    )
    if isinstance(inner, SampleSum):  # the pipeline's hint on a defaulted kind comes first
        error.fallback_hint = (
            "the Jacobian of a vector-valued sum over samples is derived when the kinds of its "
            "per-sample names are declared (x_i: vector(n), y_i: scalar)"
        )
    raise error


VEC_TRANSPOSE = Identity("commutation matrix", r"\operatorname{vec}(X^{T}) = K\operatorname{vec}(X)")
VEC_ROW = Identity("vec of a row", r"\operatorname{vec}(\boldsymbol{x}^{T}) = \boldsymbol{x}")


def _transpose_step(t: VecTerm, inner: ir.Transpose, dX: ir.Expr) -> Identity:
    """vec(dXᵀ) = K vec(dX) with the commutation matrix K; vec(vᵀ) = v for a column v (dx or
    v = vec(dX))."""
    t.inner = inner.arg
    if inner.arg.shape[1] == 1:
        return VEC_ROW
    t.jac.append(commutation(dX.shape[0], dX.shape[1]))
    return VEC_TRANSPOSE


VEC_HADAMARD = Identity(
    "vec of a Hadamard product",
    r"\operatorname{vec}(A \odot X) = \operatorname{diag}(\operatorname{vec} A)\operatorname{vec}(X)",
)


def _hadamard_step(t: VecTerm, inner: ir.Hadamard, dX: ir.Expr) -> Identity:
    """vec(A ⊙ X) = diag(vec A) vec(X) for the factor X that holds dX, A the product of the others."""
    k = next(i for i, f in enumerate(inner.factors) if _contains(f, dX))
    cofactors = inner.factors[:k] + inner.factors[k + 1 :]
    A = cofactors[0] if len(cofactors) == 1 else ir.Hadamard(cofactors)
    t.jac.append(ir.DiagMatrix(mk_vec(A)))
    t.inner = inner.factors[k]
    return VEC_HADAMARD


VEC_PRODUCT = Identity(
    "vec of a product", r"\operatorname{vec}(AXB) = (B^{T} \otimes A)\operatorname{vec}(X)", cookbook="(520)"
)
VEC_VECTOR = Identity(
    "vec of a product",
    r"\operatorname{vec}(A\boldsymbol{x}) = A\boldsymbol{x}"
    r" \text{ for a column } A\boldsymbol{x}",
)


def _product_step(t: VecTerm, inner: ir.MatMul, wrt: ir.Var, dX: ir.Expr) -> Identity:
    """vec(L F R) for the factor F that holds dX: the scalars free of dX first (they commute),
    then the step of a diag or a scalar F, else vec(L F R) = (Rᵀ ⊗ L) vec(F)."""
    fs = list(inner.factors)
    free = [f for f in fs if f.is_scalar and not _contains(f, dX)]
    if free:
        t.jac = free + t.jac  # scalars commute
        kept = [f for f in fs if not (f.is_scalar and not _contains(f, dX))]
        t.inner = kept[0] if len(kept) == 1 else ir.MatMul(kept)
        return VEC_LINEAR
    i = next(i for i, f in enumerate(fs) if _contains(f, dX))
    F = fs[i]
    if isinstance(F, ir.DiagMatrix):
        return _diag_step(t, fs[:i], F, fs[i + 1 :])
    if F.is_scalar:
        return _scalar_step(t, fs[:i] + fs[i + 1 :], F, wrt, dX)
    L, R = fs[:i], fs[i + 1 :]
    left = _product(L) if L else eye(F.shape[0])
    t.inner = F
    if not R and F.shape[1] == 1:
        t.jac.append(left)
        return VEC_VECTOR
    right = mk_transpose(_product(R)) if R else eye(F.shape[1])
    t.jac.append(mk_kron(right, left))
    return VEC_PRODUCT


VEC_SCALAR = Identity(
    "vec of a scalar multiple",
    r"\operatorname{vec}(A\,s) = \operatorname{vec}(A)\,s \text{ with } "
    r"s = \operatorname{tr}(G\,\mathrm{d}X) = \operatorname{vec}(G^{T})^{T}\operatorname{vec}(\mathrm{d}X)",
)


def _scalar_step(t: VecTerm, others: list, s: ir.Expr, wrt: ir.Var, dX: ir.Expr) -> Identity:
    """vec(A s) for a scalar s that holds dX, A the product of ``others`` (none: vec(s) = s):
    s = tr(G dX) = vec(Gᵀ)ᵀ vec(dX), G from the trace stage run silently."""
    G = trace_stage(s, wrt, lambda *a, **k: None)
    row = mk_transpose(mk_vec(mk_transpose(G)))
    t.jac += [mk_vec(_product(others)), row] if others else [row]
    t.inner = dX
    return VEC_SCALAR


VEC_KRON = Identity(
    "vec of a Kronecker product",
    r"\operatorname{vec}(A \otimes B) = (I_n \otimes K_{qm} \otimes I_p)(\operatorname{vec}A \otimes \operatorname{vec}B)"
    r" \text{ for } A\ m \times n,\ B\ p \times q",
)


def _kron_step(t: VecTerm, inner: ir.Kron, dX: ir.Expr) -> Identity:
    """vec(A ⊗ B) = (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ vec B), vec taken further of the side that holds dX."""
    A, B = inner.left, inner.right
    (m, n), (p, q) = A.shape, B.shape
    perm = mk_kron(mk_kron(eye(n), commutation(q, m)), eye(p))
    if _contains(B, dX):
        t.jac += [perm, mk_kron(mk_vec(A), eye(ir.dim_mul(p, q)))]
        t.inner = B
    else:
        t.jac += [perm, mk_kron(eye(ir.dim_mul(m, n)), mk_vec(B))]
        t.inner = A
    return VEC_KRON


def _ones(k) -> ir.Expr:
    return ir.Const(1) if k == 1 else ir.Fill(1, (k, 1))


DIAG_COLUMN = Identity(
    "diag times a column",
    r"A\operatorname{diag}(\boldsymbol{u})\boldsymbol{b}"
    r" = A\operatorname{diag}(\boldsymbol{b})\boldsymbol{u}",
)
# (Bᵀ ⊗ 𝟏) ⊙ (𝟏 ⊗ A) is the Khatri–Rao (column-wise Kronecker) product of Bᵀ and A
VEC_DIAG = Identity(
    "vec of a diag product",
    r"\operatorname{vec}(A\operatorname{diag}(\boldsymbol{u})B)"
    r" = ((B^{T} \otimes \mathbf{1}) \odot (\mathbf{1} \otimes A))\boldsymbol{u}",
)


def _diag_step(t: VecTerm, L: list, F: ir.DiagMatrix, R: list) -> Identity:
    """vec(L diag(u) R) for the vector u inside diag: L diag(b) u when R is a column b, else the
    Khatri–Rao product (Rᵀ ⊗ 𝟏) ⊙ (𝟏 ⊗ L) times u (column i is (Rᵀ)ᵢ ⊗ Lᵢ)."""
    u = F.arg
    n = u.shape[0]
    right = _product(R) if R else None
    t.inner = u
    if right is not None and right.shape[1] == 1:
        t.jac.append(mk_mul(L + [ir.DiagMatrix(right)]))
        return DIAG_COLUMN
    left = _product(L) if L else eye(n)
    right_t = mk_transpose(right) if right is not None else eye(n)
    p, q = left.shape[0], right_t.shape[0]
    t.jac.append(mk_hadamard([mk_kron(right_t, _ones(p)), mk_kron(_ones(q), left)]))
    return VEC_DIAG


VEC_SAMPLES = Identity(
    "vec of a sum over samples",
    r"\operatorname{vec}\left(\sum_{i} F_{i}\right) = \sum_{i} \operatorname{vec}(F_{i})"
    r" = \left(\sum_{i} J_{i}\right)\operatorname{vec}(\mathrm{d}X)",
)


def _samples_step(t: VecTerm, inner: SampleSum, wrt: ir.Var, dX: ir.Expr) -> Identity:
    """vec(Σᵢ Fᵢ) = Σᵢ vec(Fᵢ) = (Σᵢ Jᵢ) vec(dX): each summand's vec identities taken silently (as
    ``_scalar_step`` runs the trace stage), the sum of its Jacobians the term's next factor (seed
    001, Example 5: a sum over samples is differentiated summand by summand). A form the summand
    does not support is refused as it would be outside the sum."""
    terms = _terms(inner.body, dX)
    for _ in range(1000):
        pending = [u for u in terms if u.inner != dX]
        if not pending:
            break
        _one_step(pending[0], wrt, dX, True)
    else:
        raise MatdiffError("the vec identities did not bring d vec X to the right")
    t.jac.append(SampleSum(collect(tidy(mk_add(_jacobians(terms, dX)))), inner.count))
    t.inner = dX
    return VEC_SAMPLES


def _contains(e: ir.Expr, dX: ir.Expr) -> bool:
    return dX.arg.name in e.d_vars()  # type: ignore[attr-defined]  # dX: a D of a Var
