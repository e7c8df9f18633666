"""The trace tricks that move what wraps dX in the last factor of tr(L F) into the factor on its left.

tr(L F) with dX inside F: a Hadamard product, a diag, a vec or a Kronecker product around dX is
moved into L by one identity (seed 000's Hadamard trick, the diag and vec identities of Magnus &
Neudecker); a form none fits is refused. Each function returns the trick without applying it, so
that the trace stage can apply one identity to every term that needs it in one step.
"""

from __future__ import annotations

from matdiff_magic.derivation.quoting import QuotingError, differential_text
from matdiff_magic.derivation.simplify import push_transposes
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_hadamard, mk_kron, mk_mul, mk_transpose
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.kron import trace_of_kron

HADAMARD_TRICK = Identity(
    "Hadamard trick", r"\operatorname{tr}(A^{T}(B \odot C)) = \operatorname{tr}((A \odot B)^{T}C)"
)
DIAG_VECTOR_TRICK = Identity(
    "diagonal",
    r"\boldsymbol{a}^{T}\operatorname{diag}(B) = \operatorname{tr}(\operatorname{diag}(\boldsymbol{a})B)",
)
DIAG_MATRIX_TRICK = Identity(
    "diagonal",
    r"\operatorname{tr}(A\operatorname{diag}(\boldsymbol{v})) = \operatorname{diag}(A)^{T}\boldsymbol{v}",
)
KRON_VEC = Identity(
    "vec of a product", r"(B^{T} \otimes A)\operatorname{vec}(X) = \operatorname{vec}(AXB)", cookbook="(520)"
)
Trick = tuple[Identity, ir.Expr, tuple]  # (identity, the new trace, the nodes that changed)


def _contains(e: ir.Expr, dX: ir.Expr) -> bool:
    return dX.arg.name in e.d_vars()  # type: ignore[attr-defined]  # dX: a D of a Var


def _product(factors: list[ir.Expr]) -> ir.Expr:
    return factors[0] if len(factors) == 1 else mk_mul(factors)


def _transposed(factors: list) -> ir.Expr:
    """(A B)ᵀ written Bᵀ Aᵀ (Matrix Cookbook (4)), one level down, scalars first: (uᵀ W)ᵀ = Wᵀ u,
    as backpropagation writes the adjoint (Wᵀ δ) ⊙ σ', so that the term it starts reads as the
    result does and prints by the result's names."""
    if len(factors) == 1:
        return mk_transpose(factors[0])
    scalars = [f for f in factors if f.is_scalar]
    return mk_mul(scalars + [mk_transpose(f) for f in reversed(factors) if not f.is_scalar])


def move_to_the_left(F: ir.Expr, left: list, dX: ir.Expr) -> Trick:
    """tr(L F) with dX inside F, the last factor: the identity that moves what wraps dX in F into
    L, the new trace and its moved part; QuotingError for a form none fits."""
    if isinstance(F, ir.Hadamard):
        k = next(k for k, g in enumerate(F.factors) if _contains(g, dX))
        B = F.factors[k]
        cofactors = F.factors[:k] + F.factors[k + 1 :]
        A = cofactors[0] if len(cofactors) == 1 else ir.Hadamard(cofactors)
        Lt = _transposed(left) if left else ir.Identity((F.shape[0], F.shape[0]))
        moved: ir.Expr = ir.Transpose(mk_hadamard([Lt, A]))
        return HADAMARD_TRICK, ir.Trace(mk_mul([moved, B])), (moved,)
    if isinstance(F, ir.DiagVector) and left:
        moved = ir.DiagMatrix(mk_transpose(_product(left)))
        return DIAG_VECTOR_TRICK, ir.Trace(mk_mul([moved, F.arg])), (moved,)
    if isinstance(F, ir.DiagMatrix):
        moved = ir.Transpose(ir.DiagVector(_product(left))) if left else ir.Fill(1, (1, F.arg.shape[0]))
        return DIAG_MATRIX_TRICK, ir.Trace(mk_mul([moved, F.arg])), (moved,)
    if isinstance(F, ir.Kron) and not (_contains(F.left, dX) and _contains(F.right, dX)):
        G, M, identity = trace_of_kron(_product(left) if left else None, F, lambda e: _contains(e, dX))
        return identity, ir.Trace(mk_mul([G, M])), (G,)
    if (
        isinstance(F, ir.Vec)
        and left
        and isinstance(left[-1], ir.Kron)
        and F.arg.shape == (left[-1].right.shape[1], left[-1].left.shape[1])
    ):
        P, Q = left[-1].left, left[-1].right
        moved = ir.Vec(mk_mul([Q, F.arg, mk_transpose(P)]))
        return KRON_VEC, ir.Trace(mk_mul(left[:-1] + [moved])), (moved,)
    if isinstance(F, ir.Vec) and left:
        return _read_vec_inner(F, left)
    raise cannot_move(F)


VEC_INNER = Identity(
    "vec inner product", r"\operatorname{vec}(A)^{T}\operatorname{vec}(B) = \operatorname{tr}(A^{T}B)"
)
VEC_INNER_RESHAPED = Identity(
    "vec inner product",
    r"\operatorname{vec}(A)^{T}\operatorname{vec}(B) = \operatorname{tr}(C^{T}B),\ "
    r"C = (\operatorname{vec}(I_{c})^{T} \otimes I_{r})(I_{c} \otimes \operatorname{vec}(A))"
    r"\text{ for an } r \times c \text{ matrix } B",
    cookbook="",
)
VEC_UNVEC = Identity(
    "vec inner product",
    r"\boldsymbol{a}^{T}\operatorname{vec}(B) = \operatorname{tr}(C^{T}B),\ "
    r"C = (\operatorname{vec}(I_{c})^{T} \otimes I_{r})(I_{c} \otimes \boldsymbol{a})"
    r"\text{ for an } r \times c \text{ matrix } B",
    cookbook="",
)


def _read_vec_inner(F: ir.Vec, left: list) -> Trick:
    """tr(L vec(B)) with L a row of r·c entries and B r×c: aᵀ vec(B) = tr(unvec(a)ᵀ B) for a = Lᵀ.
    With a = vec(A) and A of B's shape, unvec(a) is A itself; otherwise a's entries in B's shape,
    column-major, written (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ a) (Magnus & Neudecker)."""
    row = _product(left)
    if isinstance(row, ir.Transpose) and isinstance(row.arg, ir.Vec) and row.arg.arg.shape == F.arg.shape:
        core = ir.Trace(mk_mul([mk_transpose(row.arg.arg), F.arg]))
        return VEC_INNER, core, (core,)
    a, (r, c) = push_transposes(mk_transpose(row)), F.arg.shape
    if c == 1 or r == 1:  # B a column or a row: unvec(a) is a or aᵀ
        C = a if c == 1 else mk_transpose(a)
    else:
        vec_eye = ir.Vec(ir.Identity((c, c)))
        C = mk_mul([mk_kron(mk_transpose(vec_eye), ir.Identity((r, r))), mk_kron(ir.Identity((c, c)), a)])
    core = ir.Trace(mk_mul([mk_transpose(C), F.arg]))
    reshaped = isinstance(row, ir.Transpose) and isinstance(row.arg, ir.Vec)
    return (VEC_INNER_RESHAPED if reshaped else VEC_UNVEC), core, (core,)


def cannot_move(F: ir.Expr) -> QuotingError:
    """The refusal of a form no trick moves dX out of, quoting it."""
    dX = _differential_in(F)
    return QuotingError(
        lambda p: f"cannot move {differential_text(p, dX) if dX is not None else 'dX'} out of {p.to_text(F)}",
        "cannot move the differential out of this expression",
        culprit=F,
    )


def _differential_in(e: ir.Expr) -> ir.Expr | None:
    """The differential dX (or dx) that e holds, if any."""
    if isinstance(e, ir.D):
        return e
    return next((d for d in map(_differential_in, e.children()) if d is not None), None)
