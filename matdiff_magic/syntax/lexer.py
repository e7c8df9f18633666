"""Text -> tokens, each with its span. Unknown characters are errors, never skipped."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from matdiff_magic.errors import MatdiffError, Span

MAX_SOURCE_CHARS = 100_000


def lone_returns_as_newlines(source: str) -> str:
    """A carriage return not followed by a newline (old Mac line endings) read as a newline; \r\n
    stays. One character for one: every span into the source stays where it was."""
    return re.sub(r"\r(?!\n)", "\n", source) if "\r" in source else source


# Longest operators first so '.*' is not read as '.' and '*'.
OPERATORS = (".*", "./", ".^", "+", "-", "*", "/", "^", "'", "(", ")", ",", ":", "=", "[", "]", ";")

_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# one token at a time by one pattern: a newline, blanks, a comment (to the end of its line), a
# name, a number, an operator (the longest first); no name starts with a digit, nor a number with
# a letter, and a number is tried before an operator ('.5' is a number, '.*' an operator)
_TOKEN = re.compile(
    r"(\n)|([ \t\r]+)|(#[^\n]*)|("
    + _NAME.pattern
    + ")|("
    + _NUMBER.pattern
    + ")|("
    + "|".join(re.escape(op) for op in OPERATORS)
    + ")"
)
_NEWLINE_TOKEN, _NAME_TOKEN, _NUMBER_TOKEN, _OP_TOKEN = 1, 4, 5, 6
# The end of the hint to a number run into a name, for text that is not read as LaTeX (a LaTeX
# cell's error leaves it out: syntax.latex)
AS_LATEX = ", or read the cell as LaTeX, where 2xy is 2·x·y: %%matdiff --latex (derive(..., latex=True))"


class Token(NamedTuple):  # a tuple: made for every token of every cell, at a tuple's cost
    kind: str  # 'num', 'name', 'op', 'newline', 'eof'
    text: str
    span: Span
    value: Fraction | None = None


# a token made from its four fields at once, without the named tuple's constructor (a Python call)
_token = tuple.__new__


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_SOURCE_CHARS:
        raise MatdiffError(
            f"the cell is {len(source):,} characters long; the limit is {MAX_SOURCE_CHARS:,}",
            source,
            Span(MAX_SOURCE_CHARS, MAX_SOURCE_CHARS + 1),
        )
    tokens: list[Token] = []
    i, n = 0, len(source)
    match = _TOKEN.match
    while i < n:
        m = match(source, i)
        if m is None:
            ch = source[i]
            raise MatdiffError(
                f"unexpected character {ch!r}",
                source,
                Span(i, i + 1),
                hint=_hint_for(ch, source[i + 1 : i + 2]),
            )
        kind, end = m.lastindex, m.end()
        if kind == _NAME_TOKEN:
            tokens.append(_token(Token, ("name", m.group(), Span(i, end), None)))
        elif kind == _OP_TOKEN:
            tokens.append(_token(Token, ("op", m.group(), Span(i, end), None)))
        elif kind == _NEWLINE_TOKEN:
            tokens.append(_token(Token, ("newline", "\n", Span(i, end), None)))
        elif kind == _NUMBER_TOKEN:
            text = m.group()
            if end < n and (source[end].isalpha() or source[end] == "_"):
                name = _NAME.match(source, end)
                letters = name.group() if name else ""
                called = name is not None and source[name.end() : name.end() + 1] == "("
                apart = letters.isalpha() and not called  # 2xy: 2*x*y, as LaTeX reads it
                product = "*".join([text, *(letters if apart else [letters])])
                raise MatdiffError(
                    f"a number cannot run into a name here: {source[i : end + 1]!r}",
                    source,
                    Span(end, end + 1),
                    hint=f"write the product explicitly, e.g. {product}" + AS_LATEX,
                )
            tokens.append(Token("num", text, Span(i, end), _exact(text, source, Span(i, end))))
        i = end  # blanks and comments are skipped
    tokens.append(Token("eof", "", Span(n, n)))
    return tokens


MAX_NUMBER_DIGITS = 400  # before and after the point: more is never meant, and costs
LARGEST = Fraction(10) ** 308  # numbers are evaluated as floats in the end
SMALLEST = Fraction(1, 10**300)


def _exact(text: str, source: str | None = None, span: Span | None = None) -> Fraction:
    """Numbers are exact rationals so that coefficients collect without rounding (0.5 -> 1/2).

    A number lies between 1e-300 and 1e308 (or is 0), inside the range of a float, and has at most
    MAX_NUMBER_DIGITS digits before and after the point; both are checked on the text, before any
    big power of ten is computed.
    """
    if len(text) <= _FEW_DIGITS and text.isdigit():  # a whole number: exact and in range as written
        return _whole(text)
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > MAX_NUMBER_DIGITS or len(fraction) > MAX_NUMBER_DIGITS:
        raise MatdiffError(
            f"this number has too many digits: at most {MAX_NUMBER_DIGITS} are "
            "accepted before and after the point",
            source,
            span,
            hint="write it with an exponent, e.g. 1.5e20",
        )
    value = Fraction(int(whole or "0")) + (Fraction(int(fraction), 10 ** len(fraction)) if fraction else 0)
    if exponent and value:
        digits = exponent.lstrip("+-").lstrip("0")
        e = int(exponent) if len(digits) <= 6 else (10**9 if exponent[0] != "-" else -(10**9))
        if not -400 <= len(whole) + e <= 400:  # about the decimal exponent of the value
            raise _out_of_range(text, e > 0, source, span)
        value *= Fraction(10) ** e
    if value > LARGEST or 0 < value < SMALLEST:
        raise _out_of_range(text, value > 1, source, span)
    return value


_FEW_DIGITS = 300  # a whole number of at most this many digits lies below LARGEST


@lru_cache(maxsize=256)  # a number's value read once: the same few (2, 1, 0.5) recur in every cell
def _whole(text: str) -> Fraction:
    return Fraction(int(text))


def _out_of_range(text: str, large: bool, source, span) -> MatdiffError:
    shown = text if len(text) <= 24 else text[:12] + "…" + text[-8:]
    return MatdiffError(
        f"the number {shown} is too {'large' if large else 'small'}: numbers lie "
        "between 1e-300 and 1e308 (or are 0)",
        source,
        span,
    )


def _hint_for(ch: str, following: str = "") -> str | None:
    # the output's own symbols, pasted back into a cell, and other marks of printed formulas
    from matdiff_magic.render.notation import LETTER_NAMES

    product = "use * for the matrix product"
    transpose = "write the transpose with a quote: a'"
    if ch == "\u3000":
        return "a full-width space: write a plain space"
    if "\uff01" <= ch <= "\uff5e":  # （ ）； ， ＊: typed with a Chinese input method
        return f"a full-width character: write {chr(ord(ch) - 0xFEE0)}"
    if ch == "Σ" and following in ("ᵢ", "_"):  # Σᵢ(…), the output's sum over samples
        return "write a sum over samples as sum_i(…)"
    if ch in LETTER_NAMES:  # Σ, β as the output prints them (sigma(…) then hints at sigmoid)
        return f"write a Greek letter by its name: {LETTER_NAMES[ch]}"
    return {
        "’": transpose,
        "‘": transpose,
        "′": transpose,
        "ʹ": transpose,
        "@": product,
        "·": product,
        "×": product,
        "\\": "this cell is read in the expression language (latex=False): write e.g. tr(A*X) or inv(X)",
        '"': "there are no strings in the expression language",
        "_": "names start with a letter",
        "ᵀ": transpose,
        "⊙": "write the element-wise product with .*",
        "∘": "write the element-wise product with .*",
        "⊗": "write the Kronecker product as kron(A, B)",
        "−": "write the minus sign as -",
        "⁻": "write the inverse as inv(X) or X^-1, an element-wise power with .^",
        "²": "write a power with ^ (norm2(x)^2, (a'*x)^2) or, entry by entry, .^2",
        "‖": "write the norm as norm2(x) (norm1(x) for the 1-norm)",
    }.get(ch)
