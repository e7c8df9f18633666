"""vec and Kronecker products (matrix-by-matrix derivatives): Kron, Vec and the commutation matrix."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import Expr, _Unary
from matdiff_magic.ops.declare import Node, bilinear_row, derivative, linear, linear_row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import P_HADAMARD, Indexed, Infix
from matdiff_magic.ops.registry import C_ATOM, held, kind, np, register
from matdiff_magic.ops.sympy_forms import SympyForm, no_form, sympy_class
from matdiff_magic.types.dims import Dim, DimLike, dim_mul


# ---- nodes ---------------------------------------------------------------------------------------
class Kron(Node):
    """The Kronecker product A ⊗ B."""

    __slots__ = ("left", "right")
    left: Expr
    right: Expr

    @staticmethod
    def shape_of(left, right):
        return (dim_mul(left.shape[0], right.shape[0]), dim_mul(left.shape[1], right.shape[1]))


class Vec(_Unary):
    """vec(A): the columns of A stacked (column-major)."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return (dim_mul(arg.shape[0], arg.shape[1]), 1)


class Commutation(Expr):
    """The commutation matrix K with K vec(A) = vec(Aᵀ) for an r×c matrix A."""

    __slots__ = ("cols", "rows")
    _attrs = ("rows", "cols")
    rows: Dim
    cols: Dim

    def __init__(self, rows: DimLike, cols: DimLike):
        rows, cols = Dim.of(rows), Dim.of(cols)
        self._init(self.shape_of(rows, cols))
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)

    @staticmethod
    def shape_of(rows, cols):
        n = dim_mul(rows, cols)
        return (n, n)


# ---- helpers: the values, and the exported code ------------------------------------------------------
def commutation(r, c):
    """K with K @ vec(A) = vec(A.T) for an r×c matrix A (vec stacks columns)."""
    K = np.zeros((r * c, r * c))
    for i in range(r):
        for j in range(c):
            K[i * c + j, j * r + i] = 1.0
    return K


def commutation_index(r, c):
    """p with K @ M = M[p] for the commutation matrix K of an r×c matrix (K @ vec(A) = vec(A.T));
    M @ K = M[:, commutation_index(c, r)]. K itself, (rc)×(rc), is never built."""
    return np.arange(r * c).reshape(c, r).T.ravel()


def _vec(x):
    return x.reshape(-1, 1, order="F")


# ---- differential rules ----------------------------------------------------------------------------
KRON = Identity(
    "Kronecker product rule",
    r"\mathrm{d}(A \otimes B) = \mathrm{d}A \otimes B + A \otimes \mathrm{d}B",
    "d(A ⊗ B) = dA ⊗ B + A ⊗ dB",
)
VEC = Identity(
    "vec", r"\mathrm{d}\operatorname{vec}(X) = \operatorname{vec}(\mathrm{d}X)", "d vec(X) = vec(dX)"
)


@rule(KRON)
def _d_kron(node: Kron):
    return ir.Add([Kron(ir.D(node.left), node.right), Kron(node.left, ir.D(node.right))])


# The trace stage's step for a Kronecker product holding dX: with tr(Pᵀ Q) = vec(P)ᵀ vec(Q) and
# vec(A ⊗ M) = (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ I_pq) vec M (Magnus & Neudecker, Theorem 3.10), block by
# block: tr(L (A ⊗ M)) = Σᵢⱼ Aᵢⱼ tr(L₍ⱼᵢ₎ M), L₍ⱼᵢ₎ the (j, i) block of L, q×p.
TRACE_KRON_RIGHT = Identity(
    "trace of a Kronecker product",
    r"\operatorname{tr}(L(A \otimes M)) = \operatorname{tr}(GM),\ "
    r"G = (\operatorname{vec}(I_n)^{T} \otimes I_q)(I_n \otimes L)(\operatorname{vec}(A) \otimes I_p)"
    r" \text{ for } A\ m \times n,\ M\ p \times q",
)
TRACE_KRON_LEFT = Identity(
    "trace of a Kronecker product",
    r"\operatorname{tr}(L(M \otimes B)) = \operatorname{tr}(GM),\ "
    r"G = (I_n \otimes \operatorname{vec}(I_q)^{T})(L \otimes I_q)(I_m \otimes \operatorname{vec}(B^{T}))"
    r" \text{ for } M\ m \times n,\ B\ p \times q",
)


def _eye(n) -> Expr:
    return ir.Const(1) if n == 1 else ir.Identity((n, n))


def trace_of_kron(L: Expr | None, F: Kron, holds) -> tuple[Expr, Expr, Identity]:
    """tr(L F) = tr(G M) for F = A ⊗ B, where M is the operand that ``holds`` the differential
    (the other must not): returns G, M and the identity applied. L is None for tr(F) itself (L = I).
    Shapes: A m×n, B p×q, L (n·q)×(m·p); G is q×p when M = B, n×m when M = A."""
    from matdiff_magic.ir.construct import mk_kron, mk_mul, mk_transpose, mk_vec

    A, B = F.left, F.right
    (m, n), (p, q) = A.shape, B.shape
    if L is None:
        L = _eye(F.shape[0])
    if holds(B):
        G = mk_mul(
            [
                mk_kron(mk_transpose(mk_vec(_eye(n))), _eye(q)),
                mk_kron(_eye(n), L),
                mk_kron(mk_vec(A), _eye(p)),
            ]
        )
        return G, B, TRACE_KRON_RIGHT
    G = mk_mul(
        [
            mk_kron(_eye(n), mk_transpose(mk_vec(_eye(q)))),
            mk_kron(L, _eye(q)),
            mk_kron(_eye(m), mk_vec(mk_transpose(B)) if q != 1 else B),  # vec(bᵀ) = b
        ]
    )
    return G, A, TRACE_KRON_LEFT


# ---- the evaluation trace ----------------------------------------------------------------------------
def _kron_vjp(a, b, g):
    """Block (i, j) of A ⊗ B is A[i, j]·B: each operand receives its blocks' inner products."""
    (m, n), (p, q) = a.shape, b.shape
    blocks = g.reshape(m, p, n, q)
    return [np.einsum("ipjq,pq->ij", blocks, b), np.einsum("ipjq,ij->pq", blocks, a)]


VEC_ROW = linear_row("vec", "Vec", "vec {0}", _vec, lambda g, x: g.reshape(x.shape, order="F"), "unvec {g}")
KRON_ROW = bilinear_row(
    "kron",
    "Kron",
    "{0} ⊗ {1}",
    lambda a, b: np.kron(a, b),
    (_kron_vjp, ("Σ blocks of {g} ⊙ {1}", "Σᵢⱼ {0}ᵢⱼ·block ij of {g}")),
)


# ---- NumPy export ------------------------------------------------------------------------------------
def _export_kron(p, e):
    return held(e, f"np.kron({p.lift(e.left)}, {p.lift(e.right)})")


def _export_vec(p, e):
    if kind(e.arg) != "matrix":
        return p.go(e.arg)
    return f"np.ravel({p.code(e.arg)}, order='F')", C_ATOM


def _block(p, e: Expr) -> str:
    """The value as a 2-D array, ready to index: a matrix as an atom, a vector reshaped."""
    return p.wrap(e, C_ATOM) if kind(e) == "matrix" else p.lift(e)


def _k_from_left(p, f: Commutation, right: Expr):
    """K R is a row permutation, R[p]; K (A ⊗ B) is one broadcast product."""
    if f.is_scalar:  # K₍1,1₎ is the number 1
        return p.go(right)
    if f in p.temps:
        from matdiff_magic.ops.arith_export import product_as_built

        return product_as_built(p, f, right)
    if (
        isinstance(right, Kron)
        and right not in p.temps
        and (f.rows, f.cols) == (right.right.shape[0], right.left.shape[0])
    ):
        # K (A ⊗ B)[(i, j), (k, l)] = B[i, l] A[j, k]: one broadcast product, no kron, no permutation
        A, B = _block(p, right.left), _block(p, right.right)
        return f"np.reshape({B}[:, None, None, :] * {A}[:, :, None], ({p.size(f.shape[0])}, -1))", C_ATOM
    rows = f"{p.helper('commutation_index')}({p.size(f.rows)}, {p.size(f.cols)})"
    return f"{p.wrap(right, C_ATOM)}[{rows}]", C_ATOM


def _k_from_right(p, e, i, acc, prec, shape):
    """M K is a column permutation, M[:, q]; (A ⊗ B) K is one broadcast product."""
    f = e.factors[i]
    kron = e.factors[0]
    if f.is_scalar:  # K₍1,1₎ is the number 1
        return acc, prec, shape
    if (
        i == 1
        and isinstance(kron, Kron)
        and kron not in p.temps
        and (f.rows, f.cols) == (kron.left.shape[1], kron.right.shape[1])
    ):
        # (A ⊗ B) K [(i, j), (k, l)] = A[i, l] B[j, k]: one broadcast product, no kron, no permutation
        A, B = _block(p, kron.left), _block(p, kron.right)
        code = f"np.reshape({A}[:, None, None, :] * {B}[:, :, None], ({p.size(kron.shape[0])}, -1))"
        return code, C_ATOM, (shape[0], f.shape[1])
    q = f"{p.helper('commutation_index')}({p.size(f.cols)}, {p.size(f.rows)})"
    return f"{acc if prec >= C_ATOM else f'({acc})'}[{'' if shape[0] == 1 else ':, '}{q}]", C_ATOM, shape


# ---- JAX and PyTorch ----------------------------------------------------------------------------------
def _torch_vec(p, e):
    if kind(e.arg) != "matrix":
        return p.go(e.arg)
    return f"torch.ravel({p.wrap(e.arg, C_ATOM)}.T)", C_ATOM  # torch.ravel has no order: vec stacks columns


def _torch_kron(p, e):
    """torch.kron wants contiguous operands (a transpose is a strided view); an operand that is a
    sum or a product is bracketed, so .contiguous() applies to all of it."""

    def contiguous(operand):
        code = p.wrap(operand, C_ATOM) if kind(operand) == "matrix" else p.lift(operand)
        return f"{code}.contiguous()"

    return held(e, f"torch.kron({contiguous(e.left)}, {contiguous(e.right)})", "torch.ravel")


def _permuted_identity(p, e):
    """K as the rows of I permuted: JAX arrays take no writes, as commutation() makes K."""
    eye = p.constant(f"np.eye({p.size(e.shape[0])})")
    return f"{eye}[{p.helper('commutation_index')}({p.size(e.rows)}, {p.size(e.cols)})]", C_ATOM


def _vec_call_shape(shapes, sizing):
    """Column-major: vec(X) of an r×c X matches kron sizes as c·r, since vec(AXB) = (Bᵀ ⊗ A) vec(X)."""
    (rows, cols), *_ = shapes
    return (sizing.times(cols, rows), 1)


def _kron_call_shape(shapes, sizing):
    (a, b), (c, d) = shapes
    return (sizing.times(a, c), sizing.times(b, d))


register(
    Vec,
    analytic=True,
    names=("vec",),
    call_shape=_vec_call_shape,
    **linear(VEC, VEC_ROW),
    export=_export_vec,
    backends={"torch": _torch_vec},
    sympy=no_form("vec"),
    doc="vec(X): the columns stacked",
)
register(
    Kron,
    analytic=True,
    names=("kron",),
    arity=2,
    call_shape=_kron_call_shape,
    **derivative(_d_kron, KRON_ROW),
    export=_export_kron,
    backends={"torch": _torch_kron},
    notation=Infix("⊗", P_HADAMARD),
    sympy=SympyForm(lambda sp, a, node: sp.KroneckerProduct(*a), sympy_class("KroneckerProduct")),
    doc="A ⊗ B",
)
register(
    Commutation,
    analytic=True,
    value=lambda xs, p: commutation(*p),
    param=lambda node, size: (size(node.rows), size(node.cols)),
    export=lambda p, e: (f"{p.helper('commutation')}({p.size(e.rows)}, {p.size(e.cols)})", C_ATOM),
    helpers=(commutation, commutation_index),
    notation=lambda node: Indexed("K", (node.rows, node.cols)),
    extra={"export_left": _k_from_left, "export_right": _k_from_right},
    backends={"jax": _permuted_identity, "torch": _permuted_identity},
    sympy=no_form("the commutation matrix K"),
    doc="the commutation matrix K (a constant: no operands, d K = 0)",
)
