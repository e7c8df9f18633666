"""Factors written side by side in Unicode: a space only where two names would run together."""

from __future__ import annotations

_ENDS_NAME = frozenset("ᵀ¹⁻)₀₁₂₃₄₅₆₇₈₉₎⋯")  # ₎ ends a size subscript: 𝟏₍1×m₎ dx, K₍m,n₎ vec(dX); ⋯ W
_ENDS_BAR = frozenset("‖|)ᵀ¹²⁻₀₁₂₃₄₅₆₇₈₉")


def join_text(parts: list[str]) -> str:
    """Juxtapose factors in Unicode, with a thin separator where two names would run together."""
    out = ""
    for p in parts:
        last = out[-1:]
        names = (last.isalnum() or last in _ENDS_NAME) and (p[0].isalnum() or p[0] in "(d𝟏∇⋯")
        bars = last in _ENDS_BAR and p[0] in "‖|"  # ‖x‖₂ ‖y‖₂, not ‖x‖₂‖y‖₂
        if out and (names or bars):
            out += " "
        out += p
    return out
