"""How names, numbers and operators are written, in TeX and in Unicode."""
from __future__ import annotations

import re
from fractions import Fraction

GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
         "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
GREEK_UNICODE = dict(zip(GREEK, "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ"))
SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_NAME = re.compile(r"^([A-Za-z]+?)_?(\d*)$")


def split_name(name: str) -> tuple[str, str]:
    """'x1' -> ('x', '1'), 'w_2' -> ('w', '2'), 'Sigma' -> ('Sigma', '')."""
    m = _NAME.match(name)
    return (m.group(1), m.group(2)) if m else (name, "")


def name_latex(name: str, kind: str) -> str:
    base, sub = split_name(name)
    if base in GREEK:
        body = "\\" + base
    elif len(base) == 1:
        body = base
    else:
        body = "\\mathit{" + base + "}"
    if kind == "vector":
        body = "\\boldsymbol{" + body + "}"
    return body + ("_{" + sub + "}" if sub else "")


def name_text(name: str) -> str:
    base, sub = split_name(name)
    return GREEK_UNICODE.get(base, base) + sub.translate(SUBSCRIPT)


def number_latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if abs(value) < Fraction(1, 10**6) or value.denominator > 10**6:
        return f"{float(value):.6g}".replace("e", "\\times 10^{") + ("}" if "e" in f"{float(value):.6g}" else "")
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def number_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if value.denominator > 10**6:
        return f"{float(value):.6g}"
    return f"{value.numerator}/{value.denominator}"


def superscript(text: str) -> str:
    """Unicode superscript when every character has one, else ^(text)."""
    if re.fullmatch(r"-?\d+", text):
        return text.translate(SUPERSCRIPT)
    return "^(" + text + ")"


def dim_latex(d) -> str:
    return str(d)


def space_latex(shape) -> str:
    r, c = shape
    if (r, c) == (1, 1):
        return "\\mathbb{R}"
    if c == 1:
        return f"\\mathbb{{R}}^{{{r}}}"
    return f"\\mathbb{{R}}^{{{r}\\times {c}}}"


def space_text(shape) -> str:
    r, c = shape
    if (r, c) == (1, 1):
        return "ℝ"
    if c == 1:
        return f"ℝ^{r}"
    return f"ℝ^{{{r}×{c}}}"
