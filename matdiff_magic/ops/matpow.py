"""Matrix powers X^k of a square matrix X and an integer k ≥ 2 (MatPow): X^k = X X ⋯ X.

The language's ``X^k`` with a matrix base lowers here for k ≥ 2; ``X^1`` is X, ``X^-1`` is the
inverse inv(X), and a negative k is a power of the inverse, X^-k = (X⁻¹)^k (types/lower.py).
``X^0`` lowers here too, so that the first line shows it as typed: X⁰ = I of X's size, a
constant (d(X⁰) = 0, the sum below with no terms), which the first simplification puts in its
place (``ir.powers.mk_matpow``), as it does with ``eye``.

Its differential is the product rule over the k factors (Matrix Cookbook (89), entry by entry):

    d(X^k) = Σ_{i=0}^{k−1} X^i dX X^{k−1−i}.
"""

from __future__ import annotations

from typing import cast

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import Expr
from matdiff_magic.ops.declare import derivative, row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Superscript
from matdiff_magic.ops.powers import _Power, require_scalar_exponent
from matdiff_magic.ops.registry import C_ATOM, np, register, require_square
from matdiff_magic.ops.sympy_forms import SympyForm


class MatPow(_Power):
    """X^k, the k-th matrix power of a square X, k a constant integer ≥ 2 (or 0 as typed: X⁰ = I)."""

    __slots__ = ()

    @staticmethod
    def shape_of(base, exponent):
        require_square(base, "the matrix power ^")
        require_scalar_exponent(exponent, "a matrix power")
        return base.shape

    @property
    def k(self) -> int:
        return int(cast(ir.Const, self.exponent).value)  # k is a constant


MATRIX_POWER = Identity(
    "matrix power",
    r"\mathrm{d}(X^{k}) = \sum_{i=0}^{k-1} X^{i}\,\mathrm{d}X\,X^{k-1-i}",
    "d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ (i = 0 … k−1)",
    cookbook="(89)",
)


def power_of(X: Expr, i: int) -> Expr | None:
    """X^i as a factor of a product: None for i = 0 (the identity), X for 1, MatPow above."""
    return None if i == 0 else X if i == 1 else MatPow(X, ir.Const(i))


@rule(MATRIX_POWER)
def _differential(node: MatPow):
    X, dX, k = node.base, ir.D(node.base), node.k
    if k == 0:  # X⁰ = I: no terms
        return ir.Zero(node.shape)
    terms = [
        ir.MatMul([f for f in (power_of(X, i), dX, power_of(X, k - 1 - i)) if f is not None])
        for i in range(k)
    ]
    return ir.Add(terms)


def _k(xs) -> int:
    return round(float(xs[1][0, 0]))


def _value(xs, p):
    return np.linalg.matrix_power(xs[0], _k(xs))


def _jvp(xs, y, d, p):
    X, k = xs[0], _k(xs)
    powers = [np.linalg.matrix_power(X, i) for i in range(k)]
    return sum((powers[i] @ d[0] @ powers[k - 1 - i] for i in range(k)), np.zeros_like(y))


def _vjp(xs, y, g, p):
    X, k = xs[0], _k(xs)
    powers = [np.linalg.matrix_power(X, i) for i in range(k)]
    # Σ (Xⁱ)ᵀ Ȳ (Xᵏ⁻¹⁻ⁱ)ᵀ, no terms for X⁰
    gX = sum((powers[i].T @ g @ powers[k - 1 - i].T for i in range(k)), np.zeros_like(X))
    return [gX, np.zeros((1, 1))]


MATPOW_ROW = row(
    "matpow",
    "MatPow",
    "{0}^{1}",
    _value,
    (_jvp, ("Σᵢ {0}ⁱ·{d0}·{0}^({1}−1−i)", "0")),
    (_vjp, ("Σᵢ ({0}ⁱ)ᵀ·{g}·({0}^({1}−1−i))ᵀ", "0")),
    literal=(1,),
    numeric_exponent=True,
)


def _export(p, e):
    return f"np.linalg.matrix_power({p.code(e.base)}, {e.k})", C_ATOM


register(
    MatPow,
    analytic=True,
    **derivative(_differential, MATPOW_ROW),
    export=_export,
    notation=Superscript(),
    sympy=SympyForm(lambda sp, a, node: sp.MatPow(a[0], a[1])),
    doc="X^k, the k-th matrix power of a square X (integer k ≥ 2; X^0 = I)",
)
