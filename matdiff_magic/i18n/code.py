"""The comments and docstrings of exported code in a language: its code stays as it is.

The exporter writes English comments and docstrings; ``translate_code`` words them from the
glossary, like any other output. Python's tokenizer finds the comments and strings, ``ast`` says
which strings are docstrings. A docstring is translated line by line, a sentence the exporter
wrapped over several lines as one; a line indented deeper than the docstring's text is code (the
cell the module came from) and stays as it is, and so does what no glossary key covers.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from matdiff_magic import i18n

_WORDS = re.compile(r"[A-Za-z]{3,}")
_MAX_RUN = 4  # lines a wrapped sentence of the exporter spans at most


def translate_code(source: str, lang: str | None = None) -> str:
    """``source`` (a Python module) with its comments and docstrings worded in ``lang`` (None:
    the current language); identifiers, strings that are no docstring and code unchanged. Source
    that does not parse is returned as it is."""
    lang = i18n.current(lang)
    if i18n.glossary(lang).identity:
        return source
    try:
        docstrings = _docstring_starts(ast.parse(source))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return source
    lines = source.splitlines(keepends=True)
    edits = [
        (t.start, t.end, _docstring(t.string, lang))
        for t in tokens
        if t.type == tokenize.STRING and t.start in docstrings
    ]
    edits += _comment_edits(lines, [t for t in tokens if t.type == tokenize.COMMENT], lang)
    for start, end, said in sorted(edits, reverse=True):  # from the end: earlier positions hold
        lines = _replace(lines, start, end, said)
    return "".join(lines)


def _comment_edits(lines: list, comments: list, lang: str) -> list:
    """(start, end, text) of each comment, or of each block of comments on lines of their own
    one under the other (a sentence wrapped over them), worded in ``lang``."""
    blocks: list[list] = []
    for tok in comments:
        row, col = tok.start
        alone = not lines[row - 1][:col].strip()
        if alone and blocks and blocks[-1][-1].start == (row - 1, col) and _alone(lines, blocks[-1][0]):
            blocks[-1].append(tok)
        else:
            blocks.append([tok])
    edits = []
    for block in blocks:
        texts = [tok.string[1:].strip() for tok in block]
        said, i = [], 0
        while i < len(texts):
            if _WORDS.search(texts[i]):
                worded, i = _sentence(texts, i, 0, lang)
            else:
                worded, i = texts[i], i + 1
            said.append("# " + worded)
        indent = "\n" + " " * block[0].start[1]
        edits.append((block[0].start, block[-1].end, indent.join(said)))
    return edits


def _alone(lines: list, tok: tokenize.TokenInfo) -> bool:
    """Whether a comment has its line to itself."""
    return not lines[tok.start[0] - 1][: tok.start[1]].strip()


def _docstring_starts(tree: ast.AST) -> set:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                out.add((first.value.lineno, first.value.col_offset))
    return out


def _replace(lines: list, start: tuple, end: tuple, text: str) -> list:
    (r0, c0), (r1, c1) = start, end
    head, tail = lines[r0 - 1][:c0], lines[r1 - 1][c1:]
    return lines[: r0 - 1] + [head + text + tail] + lines[r1:]


def _docstring(token: str, lang: str) -> str:
    """A docstring's token (quotes included) with its prose translated."""
    m = re.fullmatch(r'([rRuU]?)("""|\'\'\'|"|\')(.*)\2', token, re.DOTALL)
    if m is None:
        return token
    prefix, quote, body = m.groups()
    lines = body.split("\n")
    indents = [len(s) - len(s.lstrip()) for s in lines[1:] if s.strip()]
    base = min(indents, default=0)
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        if not _WORDS.search(line) or (i > 0 and indent > base):
            out.append(line)  # mathematics, or code (the cell the module was made from)
            i += 1
            continue
        said, i = _sentence(lines, i, base, lang)
        out.append(line[:indent] + said)
    return prefix + quote + "\n".join(out) + quote


def _sentence(lines: list, i: int, base: int, lang: str) -> tuple[str, int]:
    """The translation of the line ``i`` by a key of its own, else of the longest run of lines
    from it that a glossary key covers whole (a sentence the exporter wrapped over lines that
    have no key of their own); and the index after what it translated."""
    said = _unit(lines[i].strip(), lang)
    if said is not None:
        return said, i + 1
    for j in range(min(len(lines), i + _MAX_RUN), i + 1, -1):
        run = lines[i:j]
        if any(
            not s.strip() or len(s) - len(s.lstrip()) > base or _unit(s.strip(), lang) is not None
            for s in run[1:]
        ):
            continue
        said = _unit(" ".join(s.strip() for s in run), lang)
        if said is not None:
            return said, j
    return i18n.translate(lines[i].strip(), lang), i + 1


def _unit(text: str, lang: str) -> str | None:
    """``text`` translated by one glossary key (not a template of one bare word, "{0} and {1}",
    which would match any prose), or, for a note in brackets, its inside translated; None when
    no key covers it."""
    if text.startswith("(") and text.endswith((")", ").")):
        inside = text[1 : -2 if text.endswith(").") else -1]
        worded = i18n.translate(inside, lang)
        if worded != inside:
            return "（" + worded + "）" + ("。" if text.endswith(").") else "")
    return i18n.whole(text, lang, specific=True)
