"""Factors written side by side: in Unicode a space only where two names would run together, and
in both notations a run of equal factors as a power."""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.ops.notations import P_POSTFIX

_ENDS_NAME = frozenset("ᵀ¹⁻)₀₁₂₃₄₅₆₇₈₉₎⋯")  # ₎ ends a size subscript: 𝟏₍1×m₎ dx, K₍m,n₎ vec(dX); ⋯ W
_STARTS_NAME = frozenset("(d𝟏∇⋯")
_ENDS_BAR = frozenset("‖|)ᵀ¹²⁻₀₁₂₃₄₅₆₇₈₉")


def join_text(parts: list[str]) -> str:
    """Juxtapose factors in Unicode, with a thin separator where two names would run together."""
    pieces, last = parts[:1], parts[0][-1:] if parts else ""  # the last character written
    for p in parts[1:]:
        names = (last.isalnum() or last in _ENDS_NAME) and (p[0].isalnum() or p[0] in _STARTS_NAME)
        if names or (last in _ENDS_BAR and p[0] in "‖|"):  # ‖x‖₂ ‖y‖₂, not ‖x‖₂‖y‖₂
            pieces.append(" ")
        pieces.append(p)
        last = p[-1:] or last
    return "".join(pieces)


def runs_as_powers(out: list[str], precs: list[int], paren: Callable, power: Callable) -> list[str]:
    """Equal neighbours written as a power, X X X as X³ and Xᵀ Xᵀ as (Xᵀ)², as printed (a coloured
    one differs): a product of k factors of X prints in size linear in k. ``out``: the printed
    factors, the last ``len(precs)`` of them with their precedences; ``paren``: s -> (s);
    ``power``: k -> the exponent as printed."""
    if len(precs) < 2 or (len(precs) == 2 and out[-1] != out[-2]):  # no run: most products
        return out
    head, factors = out[: len(out) - len(precs)], out[len(out) - len(precs) :]
    merged: list[str] = []
    k = 0
    while k < len(factors):
        run = k + 1
        while run < len(factors) and factors[run] == factors[k]:
            run += 1
        count, s = run - k, factors[k]
        if count > 1:
            s = (s if precs[k] > P_POSTFIX else paren(s)) + power(count)
        merged.append(s)
        k = run
    return head + merged
