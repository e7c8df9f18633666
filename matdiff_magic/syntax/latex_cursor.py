"""The cursor of the LaTeX reader: tokens, arguments, errors, and ``Frag``, the language's text
built piece by piece with the span of LaTeX each piece stands for (``syntax.latex_reader``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.latex_lexer import Tok, matching_braces

# Delimiter commands: a determinant's bars and a norm's (a plain | is a bar too).
BARS = {"vert": "|", "lvert": "|", "rvert": "|", "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖"}
TRANSPOSES = ({"T"}, {"top"}, {"intercal"}, {"prime"}, {"'"})
DECORATIONS = {"bar": "bar", "overline": "bar", "hat": "hat", "widehat": "hat"}
DECORATIONS |= {"tilde": "tilde", "widetilde": "tilde"}
HINTS = {
    "partial": "write the function itself; the variable is chosen with --wrt (derive(..., wrt=...))",
    "nabla": "write the function itself; the variable is chosen with --wrt (derive(..., wrt=...))",
    "pm": "write the + and the - cases as two formulas",
    "mp": "write the + and the - cases as two formulas",
    "#": "the adjugate is written adj(X)",
    "max": "the maximum understood is \\max(0, u), relu(u) entry by entry",
    "in": "a domain clause closes the formula (f, \\quad X \\in \\mathbb{R}^{m \\times n}); "
    "or declare the shape on a line of its own: X: matrix(m, n)",
}
DIFFERENTIAL_HINT = "write the function itself (f, not df); the variable is chosen with --wrt"


@dataclass
class Frag:
    """Text of the expression language, piece by piece, each piece with its span of LaTeX.
    ``atomic``: safe to transpose or juxtapose without parentheses; ``e``: the bare letter e."""

    parts: list = field(default_factory=list)  # [(text, Span), ...]
    atomic: bool = True
    e: bool = False

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.parts)


def wrap(f: Frag) -> Frag:
    if f.atomic:
        return f
    return Frag([("(", f.parts[0][1]), *f.parts, (")", f.parts[-1][1])])


def call(name: str, span: Span, args: list, close: Span) -> Frag:
    parts: list = [(name + "(", span)]
    for k, arg in enumerate(args):
        parts += ([(", ", arg.parts[0][1])] if k else []) + arg.parts
    return Frag(parts + [(")", close)])


class Cursor:
    """A position in the tokens of one line (``tokens[i:limits[-1]]``); the reading itself is
    ``latex_operands.Operands`` and ``latex_reader.Reader``."""

    def __init__(self, tokens: list[Tok], source: str, tables):
        self.toks, self.src, self.tables = tokens, source, tables
        self.match = matching_braces(tokens, source)
        self.i, self.limits = 0, [len(tokens) - 1]
        self.open: list[str] = []  # the delimiters open around the position: ) ] | ‖
        self.depth = 0  # factors being read, one inside another
        self.functions: set[str] = set()  # names the cell declares functions (g: function)
        # functions whose outer derivative an answer may write, ∂g/∂Y or ∇g(Y) for grad_g(Y):
        # the name written -> the function (f -> g where the cell's f is g(Y), ∂f/∂Y = ∂g/∂Y)
        self.outer: dict[str, str] = {}
        self.declared: set[str] = set()  # names the cell's declaration lines declare
        self.scalars: set[str] = set()  # those declared scalars (|x| is then abs(x))
        self.components: str | None = None  # the vector f(y_1, y_2) = … may declare (translate)
        self.prelude: list = []  # the lines that declare it, y = [y_1; y_2], put first
        self.counts: dict = {}  # capital letters a \frac divides by (N) -> where: scalars
        self.sums = False  # a \sum over samples was read (its N is their number)

    def at(self, start: int, end: int) -> Self:
        """At the start of the line ``tokens[start:end]``."""
        self.i, self.limits, self.open, self.depth = start, [end], [], 0
        return self

    # -- tokens
    def peek(self, ahead: int = 0) -> Tok:
        k = self.i + ahead
        if k >= self.limits[-1]:
            return Tok("eof", "", self.toks[self.limits[-1]].span)
        return self.toks[k]

    def advance(self) -> Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def error(self, message: str, tok: Tok, hint: str | None = None) -> MatdiffError:
        return MatdiffError(message, self.src, tok.span, hint)

    def is_(self, tok: Tok, kind: str, *texts: str) -> bool:
        return tok.kind == kind and (not texts or tok.text in texts)

    def bar(self, tok: Tok) -> str | None:
        """'|' (a determinant) or '‖' (a norm) when tok is such a delimiter; || is a norm too."""
        kind = BARS.get(tok.text) if tok.kind == "cmd" else "|" if self.is_(tok, "sym", "|") else None
        after = self.peek(1)
        if kind == "|" and tok.kind == "sym" and after.text == "|" and after.span.start == tok.span.end:
            return "||"
        return kind

    def argument(self) -> tuple[int, int, int]:
        """The next argument: a braced group or one token -> (start, end, index after it)."""
        tok = self.peek()
        if tok.kind == "eof":
            raise self.error("an argument is missing here", tok)
        if self.is_(tok, "sym", "{"):
            close = self.match[self.i]
            return self.i + 1, close, close + 1
        return self.i, self.i + 1, self.i + 1

    def within(self, start: int, end: int, after: int, read):
        self.i = start
        self.limits.append(end)
        try:
            result = read()
            if self.peek().kind != "eof":
                raise self.unexpected(self.peek())
        finally:
            self.limits.pop()
        self.i = after
        return result

    def unexpected(self, tok: Tok) -> MatdiffError:
        if tok.kind == "sym" and tok.text in ")]":
            return self.error(f"this '{tok.text}' has no matching opening bracket", tok)
        if tok.kind == "sym" and tok.text == "_":
            return self.error("a subscript is understood on a name (x_i, W_1) and a norm only", tok)
        return self.error(f"unexpected {tok.text!r}", tok)

    # -- the precedence levels, read by latex_reader.Reader
    def terms(self) -> Frag:
        raise NotImplementedError

    def product(self) -> Frag:
        raise NotImplementedError

    def factor(self) -> Frag:
        raise NotImplementedError

    def superscript(self, base: Frag, caret: Tok) -> Frag:
        raise NotImplementedError

    def closes(self, tok: Tok) -> bool:
        raise NotImplementedError

    def closes_as(self, tok: Tok, closing: str) -> bool:
        raise NotImplementedError

    def starts_factor(self, tok: Tok) -> bool:
        raise NotImplementedError
