"""Text -> tokens, each with its span. Unknown characters are errors, never skipped."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import MatdiffError, Span

MAX_SOURCE_CHARS = 100_000

# Longest operators first so '.*' is not read as '.' and '*'.
OPERATORS = (".*", "./", ".^", "+", "-", "*", "/", "^", "'", "(", ")", ",", ":", "=")

_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    kind: str  # 'num', 'name', 'op', 'newline', 'eof'
    text: str
    span: Span
    value: Fraction | None = None


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_SOURCE_CHARS:
        raise MatdiffError(
            f"the cell is {len(source):,} characters long; the limit is {MAX_SOURCE_CHARS:,}",
            source, Span(MAX_SOURCE_CHARS, MAX_SOURCE_CHARS + 1))
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\n":
            tokens.append(Token("newline", "\n", Span(i, i + 1)))
            i += 1
        elif ch in " \t\r":
            i += 1
        elif ch == "#":
            end = source.find("\n", i)
            i = n if end == -1 else end
        elif m := _NUMBER.match(source, i):
            text = m.group()
            if m.end() < n and (source[m.end()].isalpha() or source[m.end()] == "_"):
                raise MatdiffError(f"a number cannot run into a name here: {source[i:m.end() + 1]!r}",
                                   source, Span(m.end(), m.end() + 1),
                                   hint="write the product explicitly, e.g. 2*x")
            tokens.append(Token("num", text, Span(i, m.end()), _exact(text)))
            i = m.end()
        elif m := _NAME.match(source, i):
            tokens.append(Token("name", m.group(), Span(i, m.end())))
            i = m.end()
        else:
            for op in OPERATORS:
                if source.startswith(op, i):
                    tokens.append(Token("op", op, Span(i, i + len(op))))
                    i += len(op)
                    break
            else:
                raise MatdiffError(f"unexpected character {ch!r}", source, Span(i, i + 1),
                                   hint=_hint_for(ch))
    tokens.append(Token("eof", "", Span(n, n)))
    return tokens


def _exact(text: str) -> Fraction:
    """Numbers are exact rationals so that coefficients collect without rounding (0.5 -> 1/2)."""
    mantissa, _, exponent = text.lower().partition("e")
    value = Fraction(mantissa)
    if exponent:
        e = int(exponent)
        if abs(e) > 300:
            raise MatdiffError(f"the exponent of {text} is out of range")
        value *= Fraction(10) ** e
    return value


def _hint_for(ch: str) -> str | None:
    return {
        "[": "matrices are declared, not written out: e.g. X: matrix(m, n)",
        "@": "use * for the matrix product",
        "\\": "LaTeX is not accepted: write e.g. tr(A*X) or inv(X)",
        '"': "there are no strings in the expression language",
        "_": "names start with a letter",
        ";": "put each declaration on its own line",
    }.get(ch)
