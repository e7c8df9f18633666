"""How names, numbers and operators are written, in TeX and in Unicode."""

from __future__ import annotations

import functools
import re
from fractions import Fraction

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]
GREEK_UNICODE = dict(zip(GREEK, "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ"))
_GREEK_NAMES = frozenset(GREEK)  # looked up for every variable printed
SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
SUBSCRIPT = str.maketrans("0123456789i", "₀₁₂₃₄₅₆₇₈₉ᵢ")
_NAME = re.compile(r"^([A-Za-z]+?)_?(\d*)$")
_PER_SAMPLE = re.compile(r"^([A-Za-z]+?)_(i)$")  # x_i, a per-sample name: xᵢ
BAR = "bar"  # xbar is x̄, a mean


# the notation of a name, a function or a superscript, worked out once: the printer asks for it at
# every leaf and operation it prints, and a derivation has few distinct ones
_once = functools.lru_cache(maxsize=4096)


def split_name(name: str) -> tuple[str, str]:
    """'x1' -> ('x', '1'), 'w_2' -> ('w', '2'), 'x_i' -> ('x', 'i'), 'Sigma' -> ('Sigma', '')."""
    if name.isalpha() and name.isascii():  # letters only (most names): no subscript to read
        return name, ""
    m = _PER_SAMPLE.match(name) or _NAME.match(name)
    return (m.group(1), m.group(2)) if m else (name, "")


@_once
def name_latex(name: str, kind: str) -> str:
    base, sub = split_name(name)
    if base.endswith(BAR) and len(base) > len(BAR):  # xbar: x̄
        return "\\bar{" + name_latex(base[: -len(BAR)], kind) + "}" + ("_{" + sub + "}" if sub else "")
    if base in _GREEK_NAMES:
        body = "\\" + base
    elif len(base) == 1:
        body = base
    else:
        body = "\\mathit{" + base + "}"
    if kind == "vector":
        body = "\\boldsymbol{" + body + "}"
    return body + ("_{" + sub + "}" if sub else "")


@_once
def name_text(name: str) -> str:
    base, sub = split_name(name)
    if base.endswith(BAR) and len(base) > len(BAR):  # xbar: x̄ (a combining macron)
        return name_text(base[: -len(BAR)]) + "\u0304" + sub.translate(SUBSCRIPT)
    return GREEK_UNICODE.get(base, base) + sub.translate(SUBSCRIPT)


EXACT_UP_TO = 10**21  # whole numbers below this are printed in full, larger ones as m·10^k


def number_latex(value: Fraction) -> str:
    if value.denominator == 1 and abs(value.numerator) < EXACT_UP_TO:  # not abs(value): a Fraction made
        return str(value.numerator)
    if value.denominator == 1 or abs(value) < Fraction(1, 10**6) or value.denominator > 10**6:
        mantissa, exponent = scientific(value)
        return mantissa if exponent == 0 else f"{mantissa}\\times 10^{{{exponent}}}"
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def number_text(value: Fraction) -> str:
    if value.denominator == 1 and abs(value.numerator) < EXACT_UP_TO:  # not abs(value): a Fraction made
        return str(value.numerator)
    if value.denominator == 1 or value.denominator > 10**6:
        mantissa, exponent = scientific(value)
        return mantissa if exponent == 0 else f"{mantissa}e{exponent:+03d}"
    return f"{value.numerator}/{value.denominator}"


def scientific(value: Fraction, digits: int = 6) -> tuple[str, int]:
    """value ≈ m × 10^k with 1 ≤ |m| < 10 to ``digits`` significant digits, as (str(m), k).

    Exact rationals can be far outside the range of a float (a product of many large numbers), and
    their integers too long for str(); this works from the bit lengths and never overflows.
    """
    if value == 0:
        return "0", 0
    v = abs(value)
    k = int((v.numerator.bit_length() - v.denominator.bit_length()) * 0.30102999566398120)
    while v >= Fraction(10) ** (k + 1):
        k += 1
    while v < Fraction(10) ** k:
        k -= 1
    mantissa = f"{float(v / Fraction(10) ** k):.{digits}g}"
    if mantissa == "10":
        mantissa, k = "1", k + 1
    return ("-" if value < 0 else "") + mantissa, k


_INTEGER = re.compile(r"-?\d+")


def superscript(text: str) -> str:
    """Unicode superscript when every character has one, else ^(text)."""
    if _INTEGER.fullmatch(text):
        return text.translate(SUPERSCRIPT)
    return "^(" + text + ")"


# ---- the symbols of the ops' notations (ops/registry.py), in TeX -----------------------------------
# Functions TeX writes as operators of its own (\exp x); any other name is \operatorname{name}. The
# one list of them: the printer writes these names so, the trace's formulas (autodiff.notation) too,
# and TeX is read aloud (tex.py) and measured (render/linebreak.py) by it.
TEX_OPERATORS = frozenset(
    [
        "exp",
        "log",
        "ln",
        "sin",
        "cos",
        "tan",
        "sinh",
        "cosh",
        "tanh",
        "arcsin",
        "arccos",
        "arctan",
        "det",
        "max",
        "min",
        "arg",
    ]
)
INFIX_LATEX = {"⊙": "\\odot", "⊗": "\\otimes", "⊘": "\\oslash"}
DELIMITER_LATEX = {"|": ("\\lvert ", "\\rvert"), "‖": ("\\lVert ", "\\rVert")}
UNSUPERSCRIPT = {v: k for k, v in zip("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")} | {"ᵀ": "T"}
LETTER_NAMES = {v: k for k, v in GREEK_UNICODE.items()}


# Font and accent commands that leave a letter's name as it is (bold x is x): the LaTeX reader's
# and ``--wrt``'s.
FONT_COMMANDS = frozenset(
    ["boldsymbol", "pmb", "mathbf", "bm", "bold", "vec", "mathit", "mathnormal", "mathsf", "mathbb", "mathop"]
)
_FONT = re.compile(
    r"\\(" + "|".join(sorted(FONT_COMMANDS)) + r")(?:\s*\{(.*)\}|\s+([A-Za-z]\w*)|\s*(\\[A-Za-z]+))"
)


def cell_name(written: str) -> str:
    """The cell's name of a variable written as the output or LaTeX writes it (``--wrt Σ``,
    ``wrt=r"\\Sigma"``, ``\\boldsymbol{\\beta}``): Sigma, beta; any other name as it is."""
    name = written.strip()
    while font := _FONT.fullmatch(name):  # \bold{y}, \pmb \beta, \mathbf X: the letter's name
        name = next(group for group in font.groups()[1:] if group is not None).strip()
    name = name[1:] if re.fullmatch(r"\\[A-Za-z]+", name) else name
    return "".join(LETTER_NAMES.get(ch, ch) for ch in name)


SYMBOL_LATEX = {"Σᵢ": "\\sum_{i}"}  # symbols of calls that TeX writes otherwise (a sum over samples)
_UNSUPERSCRIPT_TABLE = str.maketrans(UNSUPERSCRIPT)
UNSUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@_once
def call_latex(name: str, symbol: str = "") -> str:
    """The TeX of a function's name: \\log, \\operatorname{tr}, or its symbol (σ -> \\sigma)."""
    if symbol in SYMBOL_LATEX:
        return SYMBOL_LATEX[symbol]
    if symbol.startswith("∇"):  # ∇g, ∇²g: derivatives of a function declared without a formula
        power = symbol[1:].translate(UNSUPERSCRIPT_DIGITS)
        k, rest = (power[0], power[1:]) if power[:1].isdigit() else ("", power)
        return "\\nabla" + (f"^{{{k}}}" if k else "") + " " + name_latex(rest, "scalar")
    if symbol:
        return "\\" + LETTER_NAMES[symbol] if symbol in LETTER_NAMES else symbol
    return "\\" + name if name in TEX_OPERATORS else "\\operatorname{" + name + "}"


@_once
def superscript_latex(symbol: str) -> str:
    """A Unicode superscript (ᵀ, ⁻¹, ⁻ᵀ) in TeX: ^{T}, ^{-1}, ^{-T}."""
    return "^{" + symbol.translate(_UNSUPERSCRIPT_TABLE) + "}"


def subscript_text(sub: str) -> str:
    """A subscript in Unicode: digits as subscript digits (₁), anything else after _ (_F)."""
    if not sub:
        return ""
    return sub.translate(SUBSCRIPT) if sub.isdigit() else "_" + sub


def dim_latex(d) -> str:
    return str(d)


def space_latex(shape) -> str:
    """The space of a shape in TeX: the reals, R^{n} or R^{m×n} in blackboard bold."""
    return _space(shape, "\\mathbb{R}", "\\times ", braced=True)


def space_text(shape) -> str:
    """The space of a shape in Unicode: ℝ, ℝ^n or ℝ^{m×n}."""
    return _space(shape, "ℝ", "×", braced=False)


def _space(shape, reals: str, times: str, braced: bool) -> str:
    r, c = shape
    if (r, c) == (1, 1):
        return reals
    if c == 1:
        return f"{reals}^{{{r}}}" if braced or not str(r).isalnum() else f"{reals}^{r}"  # ℝ^{2·m}
    return f"{reals}^{{{r}{times}{c}}}"
