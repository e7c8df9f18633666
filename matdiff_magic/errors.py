"""One error type for everything a user can get wrong, rendered as message + source line + caret."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from matdiff_magic import i18n


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range [start, end) into the cell source."""

    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        # the slots' own setters, not object.__setattr__: a span is made for every token and operator
        _SET_START(self, start)
        _SET_END(self, end)

    def __or__(self, other: Span) -> Span:
        start, end = self.start, self.end  # compared by hand: min and max cost a call each
        return Span(start if start <= other.start else other.start, end if end >= other.end else other.end)


_SET_START, _SET_END = Span.__dict__["start"].__set__, Span.__dict__["end"].__set__


class MatdiffError(Exception):
    """A user error: bad syntax, a shape mismatch, an unknown name or function, an unsupported request.

    ``str(error)`` is the whole message a user sees: what went wrong, the offending source line
    with a caret under the column, and a hint when there is one. The magic prints exactly that.
    It is worded in ``lang``: the language current where the error was raised (``i18n.using``),
    which a caller may set; ``message`` and ``hint`` keep the English wording (the glossary's keys).
    ``option``: the %%matdiff option a refusal is about (``--solve``, ``--export``), when it is
    about one and not about a place in the cell: the magic shows its line, the caret under it.
    """

    def __init__(
        self,
        message: str,
        source: str | None = None,
        span: Span | None = None,
        hint: str | None = None,
        option: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.source = source
        self.span = span
        self.hint = hint
        self.option = option
        self.lang = i18n.current()

    def with_source(self, source: str) -> MatdiffError:
        if self.source is None:
            self.source = source
        return self

    @property
    def line(self) -> int | None:
        """1-based line number of the error, if it has a position."""
        if self.source is None or self.span is None:
            return None
        return self.source.count("\n", 0, self.span.start) + 1

    @property
    def column(self) -> int | None:
        """1-based column of the error, if it has a position."""
        if self.source is None or self.span is None:
            return None
        return self.span.start - (self.source.rfind("\n", 0, self.span.start) + 1) + 1

    def __str__(self) -> str:
        say = lambda text: i18n.translate(text, self.lang)
        parts = [say(self.message)]
        if self.source is not None and self.span is not None:
            start = min(self.span.start, len(self.source))
            line_start = self.source.rfind("\n", 0, start) + 1
            line_end = self.source.find("\n", start)
            if line_end == -1:
                line_end = len(self.source)
            # a tab shown as one space: a terminal or a notebook widens it to the next stop, which
            # the caret line below cannot follow; a line ending \r\n (pasted from Windows) without its \r
            text = self.source[line_start:line_end].replace("\t", " ").removesuffix("\r")
            col = start - line_start
            width = max(1, min(self.span.end, line_end) - start)
            if len(text) > 120:  # keep the caret line readable for very long lines
                lo = max(0, col - 60)
                text, col = ("…" if lo else "") + text[lo : lo + 120] + "…", col - lo + (1 if lo else 0)
                width = min(width, 120)
            prefix = say(f"  line {self.line} | ")
            parts.append(prefix + text)
            # the caret under the same column, whatever the width of the words before it
            parts.append(" " * (i18n.display_width(prefix + text[:col])) + "^" * width)
        if self.hint:
            label = say("hint:")  # 提示：
            parts.append(label + (" " if label.endswith(":") else "") + say(self.hint))
        return "\n".join(parts)


class ArgumentTypeError(MatdiffError, TypeError):
    """An argument of a kind a function does not take (check_answer's answer as None): the
    package's error, and the TypeError Python code expects for it."""


def known_language(lang: str | None) -> str | None:
    """``lang`` normalised (``zh-CN`` is ``zh``; None stays None); a MatdiffError if it has no glossary."""
    try:
        return None if lang is None else i18n.check(lang)
    except i18n.UnknownLanguage as error:
        raise MatdiffError(str(error)) from None


def flag(name: str, value) -> bool:
    """A yes/no argument (``check``, ``solve``, …): True, False, 1 and 0, or None (no); anything else is an
    ``ArgumentTypeError`` (``check="no"`` is a non-empty string, which Python reads as true)."""
    if value is True or value is False:  # what is almost always given: no ABC check for it
        return value
    if value is None:  # read as no, as it was before these arguments were checked
        return False
    if isinstance(value, numbers.Integral) and value in (0, 1):  # bool and NumPy's bool_ too
        return bool(value)
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):  # NumPy 2, 1
        return bool(value)
    raise ArgumentTypeError(f"{name} takes True or False: got {value!r}")


def whole_seed(seed) -> int:
    """``seed`` of derive, check and check_answer: a whole number ≥ 0, else a MatdiffError."""
    if type(seed) is int and seed >= 0:  # what is almost always given: no ABC check for it
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise MatdiffError(f"seed takes a whole number ≥ 0: got {seed!r}")
    return int(seed)
