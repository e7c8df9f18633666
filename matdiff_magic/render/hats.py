"""The estimate of a variable, β̂, as the solution of --solve writes it: TeX and Unicode."""

from __future__ import annotations

from matdiff_magic.render.notation import GREEK, GREEK_UNICODE, SUBSCRIPT, name_latex, split_name

COMBINING_CIRCUMFLEX = "\u0302"


def hat_latex(name: str, kind: str) -> str:
    """The estimate of a variable, β̂: the hat on the letter, its index outside (Ŵ₁ is
    ``\\hat{W}_{1}``); a name of several letters under a wide hat."""
    base, sub = split_name(name)
    letter = name_latex(base, kind)
    hatted = f"\\hat{{{letter}}}" if base in GREEK or len(base) == 1 else f"\\widehat{{{letter}}}"
    return hatted + (f"_{{{sub}}}" if sub else "")


def hat_text(name: str) -> str:
    """β̂ in Unicode: the combining circumflex right after the one letter it covers (before the
    index: Ŵ₁, not W₁̂); a name of several letters as hat(…), which no font can misplace."""
    base, sub = split_name(name)
    letter = GREEK_UNICODE.get(base, base)
    index = sub.translate(SUBSCRIPT)
    if len(letter) == 1:
        return letter + COMBINING_CIRCUMFLEX + index
    return f"hat({letter}){index}"
