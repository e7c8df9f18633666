"""The adjugate adj(X) (classical adjoint, X^# in seed 000): the transposed cofactor matrix, with
X adj(X) = adj(X) X = |X| I, so adj(X) = |X| X⁻¹ for an invertible X.

Seed 000 writes the differential of the determinant through it, d|X| = tr(X^# dX) (= |X| tr(X⁻¹dX),
Cookbook 46). Its own differential follows from adj(X) = |X| X⁻¹ by the product rule with the
determinant (46) and inverse (59) rules:

    d adj(X) = adj(X) tr(X⁻¹dX) − X⁻¹ dX adj(X)        (X invertible).
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.declare import _SquareToSquare, called, derivative, row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import C_ATOM, np, register
from matdiff_magic.ops.sympy_forms import SympyForm


class Adjugate(_SquareToSquare):
    """adj(X) of a square matrix."""

    __slots__ = ()


def adj(A):
    """The adjugate of a square A, also where A is singular: from A = U S V^T,
    adj(A) = det(U) det(V) V adj(S) U^T with adj(S)_ii the product of the other singular values."""
    U, s, Vt = np.linalg.svd(A)
    others = np.array([np.prod(np.delete(s, i)) for i in range(len(s))])
    return np.linalg.det(U) * np.linalg.det(Vt) * (Vt.T * others) @ U.T


ADJUGATE = Identity(
    "adjugate",
    r"\mathrm{d}\operatorname{adj}(X) = \operatorname{adj}(X)\operatorname{tr}(X^{-1}\,\mathrm{d}X)"
    r" - X^{-1}\,\mathrm{d}X\operatorname{adj}(X)",
)


@rule(ADJUGATE)
def _differential(node: Adjugate):
    X, dX = node.arg, ir.D(node.arg)
    return ir.Add(
        [
            ir.MatMul([node, ir.Trace(ir.MatMul([ir.Inverse(X), dX]))]),
            ir.Neg(ir.MatMul([ir.Inverse(X), dX, node])),
        ]
    )


def _jvp(xs, y, d, p):
    step = np.linalg.solve(xs[0], d[0])  # X⁻¹ dX
    return y * np.trace(step) - step @ y


def _vjp(xs, y, g, p):
    inner = np.sum(g * y) * np.eye(len(y)) - g @ y.T  # ⟨Ȳ, Y⟩ I − Ȳ Yᵀ
    return [np.linalg.solve(xs[0].T, inner)]  # X⁻ᵀ (…)


ADJ_ROW = row(
    "adj",
    "Adjugate",
    "adj {0}",
    lambda xs, p: adj(xs[0]),
    (_jvp, "{y}·tr({0}⁻¹·{d0}) − {0}⁻¹·{d0}·{y}"),
    (_vjp, "{0}⁻ᵀ·(⟨{g}, {y}⟩·I − {g}·{y}ᵀ)"),
)

register(
    Adjugate,
    **called(adj),
    **derivative(_differential, ADJ_ROW),
    # adj(X) = |X| X⁻¹ where X is invertible: SymPy has no adjugate of a matrix symbol, and the
    # NumPy helper's np.delete has no PyTorch counterpart
    backends={
        "torch": lambda p, e: (
            f"torch.linalg.det({p.code(e.arg)}) * torch.linalg.inv({p.code(e.arg)})",
            C_ATOM,
        )
    },
    sympy=SympyForm(lambda sp, a, node: sp.MatMul(sp.Determinant(a[0]), sp.Inverse(a[0]))),
    doc="adj(X) = |X| X⁻¹, the adjugate (X^# in seed 000)",
)
