"""Notation written once: a formula is described in TeX and read aloud in Unicode from it.

Identities, headings and captions are typed once, as the TeX that MathJax and KaTeX typeset; the
plain-text form every ``text/plain`` output needs is derived here, so the two can never drift.
The TeX is the small, common subset all three renderers share (MathJax 2 and 3, KaTeX).

Spaces in the TeX source are kept in the Unicode reading (TeX ignores them when typesetting), so
``(B^{T} \\otimes A) \\operatorname{vec}(X)`` reads ``(Bᵀ ⊗ A) vec(X)``. Superscripts become
Unicode superscripts where every character has one (``X^{-1}`` → ``X⁻¹``, ``A^{T}`` → ``Aᵀ``),
otherwise ``^`` followed by the exponent; subscripts become Unicode subscripts only for digits
(``\\lVert X\\rVert_1`` → ``‖X‖₁``, ``X_{pq}`` → ``X_pq``).
"""

from __future__ import annotations

import functools
import re

from matdiff_magic.render.notation import TEX_OPERATORS

_SUP = dict(zip("0123456789+-=()Tnipv", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵀⁿⁱᵖᵛ"))
_SUB = dict(zip("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
_FRACTIONS = {("1", "2"): "½", ("1", "3"): "⅓", ("2", "3"): "⅔", ("1", "4"): "¼", ("3", "4"): "¾"}

_SYMBOLS = {
    "odot": "⊙",
    "otimes": "⊗",
    "oslash": "⊘",
    "pm": "±",
    "mp": "∓",
    "cdot": "·",
    "times": "×",
    "Rightarrow": "⇒",
    "Leftrightarrow": "⇔",
    "iff": "⇔",
    "to": "→",
    "neq": "≠",
    "ne": "≠",
    "leq": "≤",
    "geq": "≥",
    "approx": "≈",
    "partial": "∂",
    "circ": "∘",
    "lvert": "|",
    "rvert": "|",
    "lVert": "‖",
    "rVert": "‖",
    "vert": "|",
    "Vert": "‖",
    "sum": "Σ",
    "prod": "Π",
    "infty": "∞",
    "nabla": "∇",
    "in": "∈",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "top": "ᵀ",
    "prime": "′",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "psi": "ψ",
    "omega": "ω",
    "xi": "ξ",
    "Sigma": "Σ",
    "Lambda": "Λ",
    "Delta": "Δ",
    "Gamma": "Γ",
    "Omega": "Ω",
    "Phi": "Φ",
    "Pi": "Π",
    "Theta": "Θ",
    "Psi": "Ψ",
    "Xi": "Ξ",
}
_SPACES = {
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "quad": "  ",
    "qquad": "  ",
    "!": "",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigl": "",
    "bigr": "",
    "Bigl": "",
    "Bigr": "",
    "displaystyle": "",
    "textstyle": "",
    "small": "",
    "tiny": "",
}
_TEXT_LIKE = {
    "text",
    "mathrm",
    "operatorname",
    "mathit",
    "textrm",
    "textit",
    "mathsf",
    "boldsymbol",
    "bm",
    "pmb",
    "vec",
    "mathbb",
    "mathcal",
}
_FRACTION_MARK = "\x00"  # marks a slashed fraction until we know whether a power follows it
_BOLD_DIGITS = {"1": "𝟏", "0": "𝟎"}
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|([{}^_])|(\s+)|(.)", re.S)
# Binary operators and relations read with a space on each side; prefixes such as ∂ and Greek
# letters swallow the space after them, as TeX does (\partial f is ∂f).
_BINARY = {
    "odot",
    "otimes",
    "oslash",
    "pm",
    "mp",
    "cdot",
    "times",
    "Rightarrow",
    "Leftrightarrow",
    "iff",
    "to",
    "neq",
    "ne",
    "leq",
    "geq",
    "approx",
    "in",
}


@functools.lru_cache(maxsize=4096)  # identities made on the fly repeat their TeX
def to_unicode(tex: str) -> str:
    """The Unicode reading of a TeX formula of the subset described in this module."""
    return re.sub(r"  +", " ", _Reader(tex).read_all()).strip()


class _Reader:
    def __init__(self, tex: str):
        self.tokens = [
            (m.group(1) or m.group(2), m.group(3), m.group(4), m.group(5)) for m in _TOKEN.finditer(tex)
        ]
        self.i = 0

    def read_all(self) -> str:
        out: list[str] = []
        while self.i < len(self.tokens):
            self.step(out)
        return "".join(out).replace(_FRACTION_MARK, "")

    def group(self) -> str:
        """The next argument: a {...} group or a single token."""
        if self.i >= len(self.tokens):
            return ""
        _cmd, special, space, _char = self.tokens[self.i]
        if special == "{":
            self.i += 1
            depth, out = 1, []
            start = self.i
            while self.i < len(self.tokens):
                t = self.tokens[self.i]
                if t[1] == "{":
                    depth += 1
                elif t[1] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                self.i += 1
            inner = _Reader.__new__(_Reader)
            inner.tokens, inner.i = self.tokens[start : self.i], 0
            self.i += 1
            out.append(inner.read_all())
            return "".join(out)
        if space:
            self.i += 1
            return self.group()
        out = []
        self.step(out)
        return "".join(out)

    def environment(self, name: str) -> str:
        """The body up to its matching end; a matrix reads as rows of the brackets syntax,
        [a, b; c, d], any other environment as its body."""
        rows: list[list[str]] = [[]]
        cell: list[tuple] = []
        depth = braces = 0
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            self.i += 1
            cmd, special, _space, char = token
            braces += (special == "{") - (special == "}")
            if cmd in ("begin", "end") and braces == 0:
                depth += 1 if cmd == "begin" else -1
                if depth < 0:
                    self.group()
                    break
            if depth == 0 and braces == 0 and (char == "&" or cmd == "\\"):
                rows[-1].append(self._read(cell))
                cell = []
                if cmd == "\\":
                    rows.append([])
                continue
            cell.append(token)
        rows[-1].append(self._read(cell))
        rows = [row for row in rows if any(row)]  # a trailing line break leaves an empty row
        if name.endswith("matrix"):
            return "[" + "; ".join(", ".join(row) for row in rows) + "]"
        return " ".join(" ".join(row) for row in rows)

    @staticmethod
    def _read(tokens: list[tuple]) -> str:
        inner = _Reader.__new__(_Reader)
        inner.tokens, inner.i = tokens, 0
        return re.sub(r"  +", " ", inner.read_all()).strip()

    def space_after_operator(self, out: list[str]) -> None:
        """vec X, log x: an operator applied without brackets reads with one space."""
        self.skip_spaces()
        if self.i < len(self.tokens):
            cmd, _, _, char = self.tokens[self.i]
            if (char is not None and char.isalnum()) or (
                cmd is not None and len(cmd) > 1 and cmd not in ("lvert", "lVert", "left")
            ):
                out.append(" ")

    def skip_spaces(self) -> None:
        while self.i < len(self.tokens) and self.tokens[self.i][2]:
            self.i += 1

    def step(self, out: list[str]) -> None:
        cmd, special, space, char = self.tokens[self.i]
        self.i += 1
        if cmd is not None:
            self.command(cmd, out)
        elif space:
            out.append(" ")
        elif char is not None:
            out.append("′" if char == "'" else char)
        elif special == "^":
            if out and out[-1].startswith(_FRACTION_MARK):  # (∂f/∂X)ᵀ, not ∂f/∂Xᵀ
                out[-1] = "(" + out[-1] + ")"
            out.append(_superscript(self.group()))
            if "".join(out[-2:-1])[-1:] == "∂":  # ∂²f, as ∂f
                self.skip_spaces()
        elif special == "_":
            out.append(_subscript(self.group()))
        elif special == "{":
            self.i -= 1
            out.append(self.group())

    def command(self, cmd: str, out: list[str]) -> None:
        if cmd in _SPACES:
            out.append(_SPACES[cmd])
        elif cmd in ("mathbf",):
            arg = self.group()
            out.append(_BOLD_DIGITS.get(arg, arg))
        elif cmd in _TEXT_LIKE:
            arg = self.group()
            if cmd == "operatorname":
                _space_before_operator(out)
            out.append(arg)
            if cmd == "operatorname":
                self.space_after_operator(out)
        elif cmd in TEX_OPERATORS:
            _space_before_operator(out)
            out.append(cmd)
            self.space_after_operator(out)
        elif cmd in ("frac", "tfrac", "dfrac"):
            num, den = self.group(), self.group()
            out.append(_FRACTIONS.get((num, den)) or f"{_FRACTION_MARK}{_atom(num)}/{_atom(den)}")
        elif cmd == "sqrt":
            arg = self.group()
            out.append("√" + (arg if len(arg) == 1 else f"({arg})"))
        elif cmd == "hat":
            out.append(self.group() + "\u0302")
        elif cmd == "bar":
            out.append(self.group() + "\u0304")
        elif cmd == "tilde":
            out.append(self.group() + "\u0303")
        elif cmd in _BINARY:
            out.append(f" {_SYMBOLS[cmd]} ")
        elif cmd in _SYMBOLS:
            out.append(_SYMBOLS[cmd])
            if cmd not in ("rvert", "rVert", "vert", "Vert"):  # a closing bar keeps its space
                self.skip_spaces()
        elif cmd in ("color", "textcolor"):
            self.group()  # the colour itself is not read aloud
        elif cmd == "begin":
            out.append(self.environment(self.group().strip()))
        elif cmd == "end":
            self.group()  # an end without its begin: the name is not read aloud
        elif len(cmd) == 1:
            out.append(cmd)  # \{ \} \| \_ and the like
        else:
            out.append(cmd)


def _space_before_operator(out: list[str]) -> None:
    """tr, vec, log … after a letter or a closing bracket read with a space: c tr(A), d log|X|."""
    prev = "".join(out)[-1:]
    if prev and (prev.isalnum() or prev in ")]|‖′" or prev in _SUP.values()):
        out.append(" ")


def _superscript(text: str) -> str:
    text = text.strip()
    if text and all(c in _SUP for c in text):
        return "".join(_SUP[c] for c in text)
    if text == "-T":
        return "⁻ᵀ"
    return "^" + text


def _subscript(text: str) -> str:
    text = text.strip()
    if text and all(c in _SUB for c in text):
        return "".join(_SUB[c] for c in text)
    return "_" + text


def _atom(text: str) -> str:
    """Parentheses around a numerator or denominator with an operator at its top level."""
    depth, top = 0, []
    for c in text:
        depth += (c in "([" and 1) or (c in ")]" and -1) or 0
        top.append(c if depth == 0 else "")
    flat = "".join(top)
    return f"({text})" if any(op in flat for op in (" + ", " - ", " = ", "⊙", "⊗", "/")) else text
