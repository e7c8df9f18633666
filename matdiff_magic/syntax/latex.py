"""LaTeX input: a formula pasted from course notes, read as the expression language.

``translate`` turns the LaTeX into the language's text and keeps, for every character of that
text, the span of LaTeX it came from (``Translation.spans``); ``in_latex`` runs a stage on the
text and moves any ``MatdiffError`` it raises back onto the LaTeX, so the caret points into what
the user typed. The reading itself is ``syntax.latex_lexer`` (tokens, layout dropped) and
``syntax.latex_reader`` (precedence, functions, delimiters). The function names it knows are
the registry's (``ops/``): a language function ``f`` is read from ``\\f`` or
``\\operatorname{f}``, and a function printed with a symbol (the logistic function, σ) from that
symbol's command when it is applied, so this module sits with the registry in the layers
(tests/test_layering.py); the lexer and reader below it are plain syntax. Nothing here evaluates
the text.

Errors: ``MatdiffError`` with the LaTeX as its source and a caret under the command or character
that is not understood (an unknown command, an unclosed delimiter, a differential).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from matdiff_magic.depth import deep_recursion
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.render.notation import FONT_COMMANDS, cell_name
from matdiff_magic.syntax.ast import KINDS
from matdiff_magic.syntax.latex_cursor import BARS, DECORATIONS, Frag
from matdiff_magic.syntax.latex_lexer import OPERATORS, WORD_COMMANDS, Tok, tokenize
from matdiff_magic.syntax.latex_reader import Reader
from matdiff_magic.syntax.latex_sentence import formula_end, plain_name, sentence_end
from matdiff_magic.syntax.lexer import AS_LATEX, MAX_SOURCE_CHARS

T = TypeVar("T")

# What the expression language never contains: a backslash, braces, bars, dollar signs, ^T.
_MARKS = re.compile(r"[\\{}|$]")
# ^T, also before a name (y^TAy, a^TXb, x^Tx): a transpose, unless the name after ^ is one the
# cell declares (Ts: scalar, then (a'*x)^Ts) or two lowercase letters follow T (x^Temp); a
# capitalised name undeclared is a matrix in the language, never an exponent.
_POWER_T = re.compile(r"\^\s*(T\w*)")
_DECLARED = re.compile(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*:(?!=)")


def looks_like_latex(source: str) -> bool:
    """Whether ``source`` is written in LaTeX (comments after # are not looked at)."""
    if _MARKS.search(source) is None and ("^" not in source or _POWER_T.search(source) is None):
        return False  # no mark, and no ^T, anywhere (x^2 is the language's power)
    lines = [line.split("#", 1)[0] for line in source.splitlines()]
    if any(_MARKS.search(line) for line in lines):
        return True
    declared = {
        n.strip() for line in lines for m in [_DECLARED.match(line)] if m for n in m.group(1).split(",")
    }
    return any(
        name == "T" or (name not in declared and not re.match(r"T[a-z]{2}|T[a-z]?[_0-9]", name))
        for line in lines
        for name in _POWER_T.findall(line)
    )


@dataclass(frozen=True)
class Translation:
    """``text`` in the expression language; ``spans[k]`` is where its k-th character came from
    in ``latex``."""

    latex: str
    text: str
    spans: tuple[Span, ...]
    counts: tuple = ()  # (name, span): capital letters a \frac divides by, the notes' counts
    sums: bool = False  # the cell sums over samples (\sum): its N is their number

    def counted(self) -> Translation:
        """The translation with ``N: scalar`` first for each count (\\frac{1}{N}: the notes divide
        by counts, never by matrices); N left as it is when the cell sums over samples (it is
        their number already)."""
        lines = [(f"{name}: scalar\n", span) for name, span in self.counts if not (self.sums and name == "N")]
        if not lines:
            return self
        text = "".join(t for t, _ in lines) + self.text
        spans = tuple(span for t, span in lines for _ in t) + self.spans
        return Translation(self.latex, text, spans, sums=self.sums)

    def span_in_latex(self, span: Span) -> Span:
        """The span of LaTeX the characters ``span`` of ``text`` came from."""
        if not self.spans:
            return Span(0, max(1, len(self.latex)))
        start = min(max(span.start, 0), len(self.spans) - 1)
        covered = self.spans[start : max(span.end, start + 1)]
        return Span(min(s.start for s in covered), max(s.end for s in covered))

    def error_in_latex(self, error: MatdiffError) -> MatdiffError:
        """``error`` with its caret moved from ``text`` onto the LaTeX (the same object)."""
        if error.source == self.text:
            if error.hint is not None and error.hint.endswith(AS_LATEX):  # it is read so already
                error.hint = error.hint.removesuffix(AS_LATEX)
            if error.span is not None:
                error.span = self.span_in_latex(error.span)
            error.source = self.latex
        return error


def translate(
    source: str, components: str | None = None, outer: frozenset | Mapping[str, str] = frozenset()
) -> Translation:
    """The expression language's text of the LaTeX ``source``, line by line.

    Declaration lines (``X: matrix(m, n)``, ``\\Sigma, S: symmetric``) keep their form, with
    their names read as LaTeX. ``components``: the vector asked for (``wrt``) when it is not a
    name of the cell; a function of its entries, f(y_1, y_2) = … (seed 002), then declares it by
    them, y = [y_1; y_2], at the top (``latex_reader.Reader.components_line``). ``outer``: the
    functions without a formula whose outer derivative an answer may write (∂g/∂Y, ∇g(Y): grad_g(Y),
    ``check_answer``), or a mapping of the names an answer may write them by to the functions
    (f -> g where the cell's f is g(Y): ∂f/∂Y is grad_g(Y)). Raises
    ``MatdiffError`` with a caret into ``source``.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise MatdiffError(
            f"the cell is {len(source):,} characters long; the limit is {MAX_SOURCE_CHARS:,}",
            source,
            Span(MAX_SOURCE_CHARS, MAX_SOURCE_CHARS + 1),
        )
    tokens = tokenize(source)
    reader = Reader(tokens, source, tables())
    reader.components = components
    reader.outer = dict(outer) if isinstance(outer, Mapping) else {g: g for g in outer}
    parts: list = []
    lines = _lines(tokens)
    with deep_recursion():  # the reader recurses once per level, at most parser.MAX_DEPTH levels
        # declarations first: a function declared anywhere in the cell (g: function) is applied
        declarations = [_declaration(reader.at(start, end), start, end) for start, end in lines]
        for (start, end), declaration in zip(lines, declarations):
            if declaration is None:  # the formula: a sentence's full stop, an equation number and
                # a domain clause (, X \in \mathbb{R}^{n \times n}) after it are not part of it
                formula, domain = formula_end(reader, start, sentence_end(reader, start, end))
                parts += domain
                frag = reader.at(start, formula).line()
            else:
                frag = declaration
            parts += frag.parts + [("\n", tokens[end].span)]
    parts = reader.prelude + parts  # y = [y_1; y_2] before any line that uses the entries
    text = "".join(t for t, _ in parts)
    spans = tuple(span for t, span in parts for _ in t)
    return Translation(source, text, spans, tuple(reader.counts.items()), reader.sums)


def latex_name(written: str) -> str | None:
    """The cell's name of a variable written as LaTeX (``--wrt '\\mathbf{W}_1'``: W_1,
    ``\\hat{\\beta}``: betahat, ``\\varepsilon``: epsilon), as the reader names it in a cell;
    None when ``written`` is not one name."""
    try:
        name = translate(written).text.strip()
    except (MatdiffError, KeyError, IndexError, ValueError):  # not a name the reader can read
        return None
    return name if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) else None


# a --wrt longer than this is taken as written: no name of a cell's is that long in LaTeX, and
# reading one as LaTeX takes time that grows as the square of its length (10,000 characters: 36 s)
MAX_WRT_LATEX_CHARS = 200


def wrt_spellings(written: str) -> list[str]:
    """The names ``written`` may mean, in the order to try them against a cell's variables: as
    written, as the output writes it (Σ, \\Sigma: Sigma; \\varepsilon: varepsilon), as a LaTeX cell
    names it (\\varepsilon: epsilon, \\mathbf{W}_1: W_1); past MAX_WRT_LATEX_CHARS, as written only."""
    if len(written) > MAX_WRT_LATEX_CHARS:
        return [written]
    out = [written, cell_name(written), latex_name(written)]
    return [name for i, name in enumerate(out) if name is not None and name not in out[:i]]


def in_latex(source: str, run: Callable[[str], T], components: str | None = None) -> T:
    """``run`` on the translation of ``source`` (``translate``); its errors point into the LaTeX."""
    translation = translate(source, components).counted()
    try:
        return run(translation.text)
    except MatdiffError as error:
        raise translation.error_in_latex(error) from None


def _lines(tokens: list[Tok]) -> list[tuple[int, int]]:
    """(start, end) token indices of each non-empty line: a line ends at a newline (or \\\\)
    outside brackets and braces, so a formula may be broken inside them."""
    lines, start, depth = [], 0, 0
    for k, tok in enumerate(tokens):
        if tok.kind == "sym" and tok.text in "([{":
            depth += 1
        elif tok.kind == "sym" and tok.text in ")]}":
            depth = max(0, depth - 1)
        elif tok.kind == "eof" or (tok.kind == "newline" and depth == 0):
            if k > start:
                lines.append((start, k))
            start = k + 1
    return lines


def _declaration(reader: Reader, start: int, end: int) -> Frag | None:
    """``a, \\beta: vector(n)``: the names read as LaTeX, the rest as written."""
    toks = reader.toks
    colon = next((k for k in range(start, end) if toks[k].kind == "sym" and toks[k].text == ":"), None)
    if colon is None or colon == start:
        return None
    k, kind = colon + 1, ""
    while k < end and toks[k].kind == "letter" and (not kind or toks[k].span.start == toks[k - 1].span.end):
        kind, k = kind + toks[k].text, k + 1
    if kind not in KINDS:
        return None
    parts: list = []
    piece = start
    for j in range(start, colon + 1):
        if j == colon or (toks[j].kind == "sym" and toks[j].text == ","):
            name = plain_name(reader, piece, j) or reader.within(piece, j, j + 1, reader.primary)
            if not name.text.isidentifier() or "(" in name.text:
                raise reader.error("a declaration names variables: X, \\Sigma: matrix", toks[piece])
            parts += name.parts + [(", " if j != colon else ": ", toks[j].span)]
            piece = j + 1
    parts.append((kind, toks[colon + 1].span | toks[k - 1].span))
    reader.declared |= {t.strip(", :") for t, _ in parts[:-1] if t.strip(", :").isidentifier()}
    if kind == "scalar":
        reader.scalars |= {t.strip(", :") for t, _ in parts[:-1] if t.strip(", :").isidentifier()}
    if kind == "function":
        reader.functions |= {t for t, _ in parts[:-1] if t.isidentifier()}
    parts += [(t.text, t.span) for t in toks[k:end]]
    return Frag(parts, atomic=False)


@dataclass(frozen=True)
class Tables:
    """What the reader knows, read from the operation registry and the notation."""

    functions: frozenset  # the language's function names (aliases too)
    elementwise: frozenset  # those applied entry by entry
    aliases: dict  # another spelling -> the function's name (ln -> log)
    synonyms: dict  # names other tools use -> the language's (trace -> tr), for hints
    symbols: dict  # a symbol's command name -> the function it stands for when applied (sigma)
    greek_names: frozenset
    commands: tuple  # every command name understood, for "did you mean"
    scalar_valued: frozenset = frozenset()  # functions whose value is a number (det, tr, norm2)

    def greek(self, command: str) -> str | None:
        """The name of a Greek letter's command: Sigma, varepsilon -> epsilon; None for another."""
        name = command[3:] if command.startswith("var") else command
        return name if name in self.greek_names else None


@cache
def tables() -> Tables:
    from matdiff_magic.ir.nodes import _ToScalar
    from matdiff_magic.ops import registry
    from matdiff_magic.render.notation import GREEK, LETTER_NAMES
    from matdiff_magic.syntax.vocabulary import ALIASES, ELEMENTWISE, FUNCTIONS, SYNONYMS

    symbols = {}
    for op in registry.ops():
        notation = op.notation if not callable(op.notation) else None
        if op.names and isinstance(notation, registry.Call) and notation.symbol in LETTER_NAMES:
            symbols[LETTER_NAMES[notation.symbol]] = op.names[0]
    elementwise = set(ELEMENTWISE) | {a for a, n in ALIASES.items() if n in ELEMENTWISE}
    commands = set(FUNCTIONS) | set(GREEK) | set(OPERATORS) | set(BARS)
    commands |= set(FONT_COMMANDS) | set(WORD_COMMANDS) | set(DECORATIONS)
    commands |= {"frac", "dfrac", "tfrac", "sqrt", "sum", "top", "left", "right"}
    to_scalar = (registry.call_to_scalar, registry.call_square_to_scalar)
    scalar_valued = {
        name
        for op in registry.ops()
        if op.call_shape in to_scalar or (isinstance(op.node, type) and issubclass(op.node, _ToScalar))
        for name in op.names
    }
    return Tables(
        frozenset(FUNCTIONS),
        frozenset(elementwise),
        dict(ALIASES),
        dict(SYNONYMS),
        symbols,
        frozenset(GREEK),
        tuple(sorted(commands)),
        frozenset(scalar_valued),
    )
