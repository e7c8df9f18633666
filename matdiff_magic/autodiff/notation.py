"""The seed's notation for traces: names v₋₁ v₀ v₁, dotted tangents, barred adjoints, compact values.

Formulas are written once, in Unicode, and turned into TeX by ``to_tex``, so the tables, the
drawing and the widget can never disagree about what a step says.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np

from matdiff_magic.ops.notations import Call, Root
from matdiff_magic.ops.registry import Op, ops
from matdiff_magic.render.notation import TEX_OPERATORS, call_latex, name_text

DOT, BAR = "\u0307", "\u0304"  # combining dot above (v̇) and macron (v̄)
_SUB = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")
_UNSUB = str.maketrans("₋₀₁₂₃₄₅₆₇₈₉", "-0123456789")
MINUS = "−"


def v_name(number: int) -> str:
    """1 -> 'v₁', -1 -> 'v₋₁' (inputs are v_{1-n} … v₀, intermediates v₁ …)."""
    return "v" + str(number).translate(_SUB)


def dotted(name: str) -> str:
    """'v₁' -> 'v̇₁': the accent goes on the letter, before the subscript."""
    return name[0] + DOT + name[1:]


def barred(name: str) -> str:
    return name[0] + BAR + name[1:]


def variable_text(name: str) -> str:
    return name_text(name)


def normalise_name(key: str) -> str:
    """Accept 'v₋₁', 'v-1', 'v_-1', 'v_{-1}' and 'x1' alike when rows are looked up by name."""
    key = key.replace("_", "").replace("{", "").replace("}", "").replace(MINUS, "-")
    return key.translate(_UNSUB)


def visible_len(text: str) -> int:
    """Characters that take room: combining accents sit on the previous character."""
    return sum(1 for c in text if not unicodedata.combining(c))


# ---- numbers -----------------------------------------------------------------------------
def number(x: float | np.floating) -> str:
    """Three decimals like the seed's tables (0.693, 10, −0.959); %g when that would hide the value."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        s = f"{x:.3g}"
    else:
        s = f"{x:.3f}".rstrip("0").rstrip(".")
    if s in ("-0", "0"):
        s = f"{x:.3g}"
    return s.replace("-", MINUS)


def shape_text(a: np.ndarray) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


SMALL = 3  # matrices up to 3×3 are shown entry by entry, larger ones by their norm


def is_small(a: np.ndarray) -> bool:
    return a.shape[0] <= SMALL and a.shape[1] <= SMALL


def value_lines(a: np.ndarray) -> list[str]:
    """A value as lines of text: a number, the rows of a small matrix, or shape and norm."""
    a = np.asarray(a, dtype=float)
    if a.shape == (1, 1):
        return [number(a[0, 0])]
    if not is_small(a):
        return [f"{shape_text(a)}, ‖·‖={number(np.linalg.norm(a))}"]
    if a.shape[1] == 1:  # a column reads best lying down
        return ["[" + " ".join(number(x) for x in a[:, 0]) + "]ᵀ"]
    if a.shape[0] == 1:
        return ["[" + " ".join(number(x) for x in a[0]) + "]"]
    rows = [[number(x) for x in row] for row in a]
    width = max(len(s) for row in rows for s in row)
    return [
        ("[" if i == 0 else " ") + " ".join(s.rjust(width) for s in row) + ("]" if i == len(rows) - 1 else "")
        for i, row in enumerate(rows)
    ]


def value_inline(a: np.ndarray) -> str:
    """One-line value, for formulas, labels and descriptions."""
    a = np.asarray(a, dtype=float)
    if a.shape == (1, 1):
        return number(a[0, 0])
    if not is_small(a):
        return f"({shape_text(a)}, ‖·‖={number(np.linalg.norm(a))})"
    if a.shape[1] == 1:
        return "[" + " ".join(number(x) for x in a[:, 0]) + "]ᵀ"
    return "[" + "; ".join(" ".join(number(x) for x in row) for row in a) + "]"


def value_tex(a: np.ndarray) -> str:
    a = np.asarray(a, dtype=float)
    if a.shape == (1, 1):
        return number(a[0, 0]).replace(MINUS, "-")
    if not is_small(a):
        return (
            rf"\left\lVert\cdot\right\rVert = {number(np.linalg.norm(a)).replace(MINUS, '-')}"
            rf"\;({a.shape[0]}\times {a.shape[1]})"
        )  # \; not "\ ", a macro in MathJax 3
    body = r" \\ ".join(" & ".join(number(x).replace(MINUS, "-") for x in row) for row in a)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


# ---- Unicode formula -> TeX ----------------------------------------------------------------
# Words of the trace's formulas that name no function of the language: vec's adjoint, unvec.
_TRACE_WORDS = {"unvec": r"\operatorname{vec}^{-1}"}


def _function_names() -> dict[str, Op]:
    """The ops by every word the trace may write for them: their names, aliases and, for an
    element-wise function, its name in the trace (ln; step, which the language does not spell)."""
    return _words_of(len(ops()))


@functools.cache  # built again only when an op is registered
def _words_of(count: int) -> dict[str, Op]:
    out: dict[str, Op] = {}
    for op in ops():
        for word in (*op.names, *op.aliases, op.extra.get("trace_name", "")):
            if word.isascii() and word.isalpha():
                out.setdefault(word, op)
    return out


def function_tex(word: str) -> str | None:
    """The TeX of a function's name in a formula, as the derivation printer writes it (the op's
    notation, through render.notation.call_latex): \\ln, \\operatorname{tr}, \\sigma for sigmoid,
    \\sqrt; None for a word that names no function."""
    if word in _TRACE_WORDS:
        return _TRACE_WORDS[word]
    op = _function_names().get(word)
    if op is None:
        return call_latex(word) if word in TEX_OPERATORS else None
    notation = op.notation if not callable(op.notation) else None
    if isinstance(notation, Root):
        return "\\sqrt"
    return call_latex(word, notation.symbol if isinstance(notation, Call) and notation.name == word else "")


_SYMBOLS = {
    "·": r"\cdot ",
    "⊙": r"\odot ",
    "⊘": r"\oslash ",
    MINUS: "-",
    "×": r"\times ",
    "‖": r"\Vert ",
    "∘": r"\circ ",
    "𝟏": r"\mathbf{1}",
    "↦": r"\mapsto ",
    "≈": r"\approx ",
    "∂": r"\partial ",
    "σ": r"\sigma",
    "′": "'",
    "Σ": r"\sum ",
    "⁺": "+",
    "→": r"\to ",
    "⊗": r"\otimes ",
    "ᵢ": "_i",
    "ⱼ": "_j",
}
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ", "0123456789-T")
_TOKEN = re.compile(
    r"(?P<name>[A-Za-zα-ωΑ-Ω][\u0307\u0304]?[₋₀-₉]*)(?P<rest>[A-Za-z]*)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ]+)|(?P<other>.)",
    re.S,
)


def to_tex(text: str) -> str:
    out = []
    for m in _TOKEN.finditer(text):
        if m.group("name") is not None:
            word = m.group("name") + m.group("rest")
            if (tex := function_tex(word)) is not None:
                out.append(tex + " ")
            elif m.group("rest"):
                out.append(r"\mathrm{" + word + "}")
            else:
                out.append(_name_tex(m.group("name")))
        elif m.group("sup") is not None:
            out.append("^{" + m.group("sup").translate(_SUPER) + "}")
        else:
            c = m.group("other")
            out.append(_SYMBOLS.get(c, "\\" + c if c in "{}%#&_$" else c))
    return "".join(out).strip()


def _name_tex(name: str) -> str:
    letter, rest = name[0], name[1:]
    accent = ""
    if rest[:1] in (DOT, BAR):
        accent, rest = rest[0], rest[1:]
    body = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "σ": r"\sigma", "Σ": r"\Sigma"}.get(letter, letter)
    if accent:
        body = (r"\dot{" if accent == DOT else r"\bar{") + body + "}"
    sub = rest.translate(_UNSUB)
    return body + ("_{" + sub + "}" if sub else "")
