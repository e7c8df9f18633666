"""The sentence around a LaTeX formula, as course notes write it: what ends the sentence (a full
stop or comma, full-width in Chinese text), an equation number set off by a space (\\quad (2)),
and a domain clause closing the formula (f, \\quad X \\in \\mathbb{R}^{m \\times n}), read as a
declaration of the names' shapes. ``syntax.latex`` reads the formula between them.

Errors: ``MatdiffError`` with a caret, for a bracketed number at the end that may be a factor or an
equation number, and for a \\in that does not close the formula.
"""

from __future__ import annotations

import itertools
import re

from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.latex_cursor import BARS, Frag
from matdiff_magic.syntax.latex_lexer import Tok
from matdiff_magic.syntax.latex_reader import Reader

# What ends a sentence of the notes after a formula (the full-width forms of Chinese text too).
_PUNCTUATION = frozenset(".,;。，；．")
# A space set by a command (\quad, \qquad, \hfill, \, \; \: \ ) or a tie (~).
_SPACING = re.compile(r"\\(?:quad|qquad|hfill|enspace)(?![A-Za-z])|\\[,;: ]|~")
_CLAUSE_WORDS = frozenset(["where", "for", "with", "and", "其中", "这里", "且", "和", "以及"])


def sentence_end(reader: Reader, start: int, end: int) -> int:
    """The end of the formula on the line ``toks[start:end]``: a full stop, comma or semicolon
    closing the sentence (also ``\\text{，}``) and an equation number set off by a space
    (``\\quad (2)``, ``\\qquad (2.3)``) dropped, as often as they close it."""
    toks = reader.toks
    while True:
        before = end
        while end - start > 1 and _ends_sentence(toks[end - 1]):
            end -= 1
        opening = _equation_number(reader, start, end)
        if opening is not None:
            end = opening
        if end == before:
            return end


def _ends_sentence(tok: Tok) -> bool:
    return tok.kind in ("sym", "word") and tok.text in _PUNCTUATION


def _equation_number(reader: Reader, start: int, end: int) -> int | None:
    """The index of the ``(`` of a number in parentheses closing the line (2, 3.1, 2-3) set off
    from the formula by a space command: an equation number; None when there is none. Written
    right after an operand (``x^T x (2)``) it may be a factor as well: refused."""
    toks = reader.toks
    if end - start < 4 or not reader.is_(toks[end - 1], "sym", ")"):
        return None
    k = end - 2
    while k > start and (toks[k].kind == "digit" or (toks[k].kind == "sym" and toks[k].text in "-–")):
        k -= 1
    if k == end - 2 or not reader.is_(toks[k], "sym", "(") or k == start:
        return None
    if toks[k + 1].kind != "digit" or toks[end - 2].kind != "digit":
        return None
    prev, gap = toks[k - 1], reader.src[toks[k - 1].span.end : toks[k].span.start]
    spaced = bool(_SPACING.search(gap))
    if spaced and _ends_sentence(prev):  # x^T x, \quad (2): the comma goes next
        return k
    if not _ends_operand(reader, prev):
        return None
    if spaced:
        return k
    if prev.kind in ("word", "opname") or (prev.kind == "letter" and _called(reader, start, k)):
        return None  # vector(3), \mathrm{ones}(2), g(2) with g: function: a call
    number = reader.src[toks[k].span.start : toks[end - 1].span.end]
    raise MatdiffError(
        f"is {number} at the end of the formula an equation number or a factor?",
        reader.src,
        toks[k].span | toks[end - 1].span,
        hint="set an equation number off with a space, \\quad (2); "
        "write a factor before the formula, 2 x^T x",
    )


def _ends_operand(reader: Reader, tok: Tok) -> bool:
    if tok.kind in ("letter", "digit", "bold", "word"):
        return True
    if tok.kind == "sym":
        return tok.text in ")]}'|"
    return tok.kind == "cmd" and (
        reader.tables.greek(tok.text) is not None or tok.text in BARS or tok.text in ("top", "intercal")
    )


def _called(reader: Reader, start: int, k: int) -> bool:
    """Whether the letters before ``toks[k]`` name a function: a call, vector(3), g(2)."""
    toks, j = reader.toks, k - 1
    while (
        j > start and toks[j - 1].kind in ("letter", "digit") and toks[j - 1].span.end == toks[j].span.start
    ):
        j -= 1
    name = "".join(t.text for t in toks[j:k])
    return any(name[i:] in reader.tables.functions or name[i:] in reader.functions for i in range(len(name)))


def formula_end(reader: Reader, start: int, end: int) -> tuple[int, list]:
    """The end of the formula before a domain clause closing the line, and the declaration the
    clause makes: ``, \\quad A, X \\in \\mathbb{R}^{m \\times n}`` is ``A, X: matrix(m, n)``
    (``\\mathbb{R}^{n}`` a vector, ``\\mathbb{R}`` a scalar). ``(end, [])`` without a clause.
    Several clauses (``x^T A x, A \\in \\mathbb{R}^{n \\times n}, x \\in \\mathbb{R}^{n}``) are
    read from the last one back, each declaring the names between it and the one before."""
    toks, depth, at = reader.toks, 0, None
    for k in range(start, end):
        if toks[k].kind == "sym" and toks[k].text in "([{":
            depth += 1
        elif toks[k].kind == "sym" and toks[k].text in ")]}":
            depth -= 1
        elif depth == 0 and reader.is_(toks[k], "cmd", "in"):
            at = k  # the last one: its space runs to the end of the line
    if at is None:
        return end, []
    shape = _space(reader, at + 1, end)
    found = _clause_names(reader, start, at) if shape is not None else None
    if found is None:
        raise MatdiffError(
            "\\in is read in a domain clause closing the formula only: f, \\quad X \\in \\mathbb{R}^{m \\times n}",
            reader.src,
            toks[at].span,
            hint="or declare the shape on a line of its own: X: matrix(m, n)",
        )
    formula, names = found
    span = toks[formula].span | toks[end - 1].span
    reader.declared |= set(names)
    if shape == "scalar":
        reader.scalars |= set(names)
    text = f"{', '.join(names)}: {shape}\n"
    before, earlier = formula_end(reader, start, sentence_end(reader, start, formula))
    return before, [*earlier, (text, span)]


def _space(reader: Reader, k: int, end: int) -> str | None:
    """The kind of ``\\mathbb{R}``, ``\\mathbb{R}^{n}``, ``\\mathbb{R}^{m \\times n}`` at toks[k:end]."""
    toks = reader.toks
    if k >= end or not reader.is_(toks[k], "letter", "R"):
        return None
    if k + 1 == end:
        return "scalar"
    if not reader.is_(toks[k + 1], "sym", "^"):
        return None
    inner = toks[k + 3 : end - 1] if reader.is_(toks[k + 2], "sym", "{") else toks[k + 2 : end]
    if reader.is_(toks[k + 2], "sym", "{") and reader.match.get(k + 2) != end - 1:
        return None
    sizes, size = [], ""
    for tok in inner:
        if reader.is_(tok, "cmd", "times") or reader.is_(tok, "sym", "×", "*"):
            sizes.append(size)
            size = ""
        elif tok.kind in ("letter", "digit") or reader.is_(tok, "sym", "_", "{", "}"):
            size += tok.text if tok.text not in "{}" else ""
        else:
            return None
    sizes.append(size)
    if not all(re.fullmatch(r"[A-Za-z]\w*|\d+", s) for s in sizes) or len(sizes) > 2:
        return None
    return f"vector({sizes[0]})" if len(sizes) == 1 else f"matrix({sizes[0]}, {sizes[1]})"


def _clause_names(reader: Reader, start: int, at: int) -> tuple[int, list[str]] | None:
    """Where the clause before ``toks[at]`` (\\in) starts and the names it declares: after a comma
    and a space (or a word, \\text{where}) first, then after a space, then after the first comma
    that only names follow (``a^T x, a, x \\in …`` declares a and x)."""
    toks, ranked = reader.toks, []
    for p in range(start + 1, at):
        q = p
        while q > start and toks[q - 1].kind == "word" and toks[q - 1].text.strip() in _CLAUSE_WORDS:
            q -= 1
        worded = q < p
        comma = q > start and reader.is_(toks[q - 1], "sym", ",")
        spaced = bool(_SPACING.search(reader.src[toks[p - 1].span.end : toks[p].span.start]))
        if comma and q - 1 > start and (spaced or worded):
            ranked.append((0, p, q - 1))
        elif (spaced or worded) and q > start:
            ranked.append((1, p, q))
        elif comma and q - 1 > start:  # the first such comma: a formula has no comma outside brackets
            ranked.append((2, p, q - 1))
    for _, p, formula in sorted(ranked):
        names = _names(reader, abs(p), at)
        if names:
            return formula, names
    return None


def _names(reader: Reader, start: int, end: int) -> list[str] | None:
    """The names at toks[start:end], separated by commas; None when they are not names."""
    names, piece = [], start
    for j in range(start, end + 1):
        if j == end or reader.is_(reader.toks[j], "sym", ","):
            if j == piece:
                return None
            try:
                name = plain_name(reader, piece, j) or reader.within(piece, j, j + 1, reader.primary)
            except MatdiffError:
                return None
            if not name.text.isidentifier():
                return None
            names.append(name.text)
            piece = j + 1
    return names


def plain_name(reader: Reader, start: int, end: int) -> Frag | None:
    """A name written as in the expression language (pi, x_1, W2): letters, digits and _ together."""
    toks = reader.toks[start:end]
    if not toks or any(t.kind not in ("letter", "digit") and t.text != "_" for t in toks):
        return None
    if any(a.span.end != b.span.start for a, b in itertools.pairwise(toks)):
        return None
    name = "".join(t.text for t in toks)
    return Frag([(name, toks[0].span | toks[-1].span)]) if name.isidentifier() else None
