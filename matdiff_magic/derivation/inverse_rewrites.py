"""A⁻¹A = A A⁻¹ = I in a product: neighbours (and powers, Aᵏ A⁻ʲ = Aᵏ⁻ʲ), and the factors of a
product beside its inverse ((AB)⁻¹ A B = I), a rewrite of ``rewrites.REWRITES``."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_mul, mk_transpose
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.matpow import power_of

# ---- A⁻¹A = I, A⁻ᵀAᵀ = I
CANCEL = Identity("cancel inverses", r"A^{-1}A = A A^{-1} = I")


def _inverse_of(p: ir.Expr, x: ir.Expr) -> bool:
    """p is x⁻¹ (x = Aᵀ: p = A⁻ᵀ; x = A⁻¹: p = A), told without building x⁻¹."""
    if isinstance(x, ir.Transpose):
        return isinstance(p, ir.Transpose) and _inverse_of(p.children()[0], x.children()[0])
    if isinstance(x, ir.Inverse):
        return p == x.children()[0]
    return isinstance(p, ir.Inverse) and p.children()[0] == x


def _is_inverse(f: ir.Expr) -> bool:
    if isinstance(f, ir.MatPow):  # (A⁻¹)ᵏ
        return _is_inverse(f.base)
    return isinstance(f, ir.Inverse) or (
        isinstance(f, ir.Transpose) and isinstance(f.children()[0], ir.Inverse)
    )


def _cancelled(a: ir.Expr, b: ir.Expr) -> list | None:
    """What is left of the neighbours a b when one is a power of the other's inverse, Aᵏ A⁻ʲ =
    Aᵏ⁻ʲ (A⁻¹A = I for k = j = 1); None when they do not cancel."""
    (base_a, k), (base_b, j) = ((f.base, f.k) if isinstance(f, ir.MatPow) else (f, 1) for f in (a, b))
    if not (_is_inverse(base_a) or _is_inverse(base_b)) or not _inverse_of(base_a, base_b):
        return None
    used = min(k, j)
    return [p for p in (power_of(base_a, k - used), power_of(base_b, j - used)) if p is not None]


def _cancelled_runs(factors: list) -> list:
    """(AB)⁻¹ A B = A B (AB)⁻¹ = I where the factors of a product's inverse stand beside it as
    factors of the product (X (XᵀX)⁻¹ XᵀX (XᵀX)⁻¹ is X (XᵀX)⁻¹)."""
    out = list(factors)
    i = 0
    while i < len(out):
        run = _inverted_run(out[i])
        if run is not None:
            k = len(run)
            if out[i + 1 : i + 1 + k] == run:
                del out[i : i + 1 + k]
                i = max(0, i - k)  # what now meets may cancel too
                continue
            if i >= k and out[i - k : i] == run:
                del out[i - k : i + 1]
                i = max(0, i - 2 * k)
                continue
        i += 1
    return out


def _inverted_run(f: ir.Expr) -> list | None:
    """The factors of the product f is the inverse of: A B for (AB)⁻¹, Bᵀ Aᵀ for (AB)⁻ᵀ."""
    if isinstance(f, ir.Inverse) and isinstance(f.arg, ir.MatMul):
        return list(f.arg.factors)
    if isinstance(f, ir.Transpose) and isinstance(f.arg, ir.Inverse) and isinstance(f.arg.arg, ir.MatMul):
        return [mk_transpose(r) for r in reversed(f.arg.arg.factors)]
    return None


def cancel_inverses(node: ir.Expr) -> ir.Expr:
    if not isinstance(node, ir.MatMul):
        return node
    factors = node.factors
    inverse = [_is_inverse(f) for f in factors]
    # two neighbours cancel only when one of them is an inverse: test those pairs alone
    if not any(inverse[i] or inverse[i + 1] for i in range(len(factors) - 1)):
        return node
    kept: list = []
    for f in factors:
        left = _cancelled(kept[-1], f) if kept and not f.is_scalar and f.shape[0] == f.shape[1] else None
        if left is None:
            kept.append(f)
        else:
            kept.pop()
            kept.extend(left)
    kept = _cancelled_runs(kept)
    if len(kept) == len(node.factors):
        return node
    if all(f.is_scalar for f in kept) and not node.is_scalar:
        kept.append(ir.Identity(node.shape))
    return mk_mul(kept) if kept else ir.Identity(node.shape)
