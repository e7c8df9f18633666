"""LaTeX math -> tokens for ``syntax.latex_reader``, each with its span in what the user typed.

Everything that only shapes how a formula looks is dropped here, so the reader sees the
mathematics alone: math delimiters (dollar signs and the bracket forms), spacing commands,
alignment marks, the size commands before delimiters (left, right, big, …), the environments'
begin/end, equation numbers and labels (tag, label), and the font commands around a letter
(bold, arrow, upright: a letter keeps its name).
Braces that are not the argument of a command (a fraction's, a superscript's, a square root's)
group nothing in mathematics and are dropped too, so ``{X}`` is X and ``\\mathbf{b a}^T`` is
b aᵀ, as it reads. Upright words (operatorname, text, mathrm) become one ``word`` token.
"""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.render.notation import FONT_COMMANDS

# Command names (the backslash left out): those that only space, size or frame a formula.
LAYOUT_COMMANDS = frozenset(
    [",", ";", ":", "!", " ", "(", ")", "[", "]"]
    + ["quad", "qquad", "displaystyle", "textstyle", "limits", "nolimits", "nonumber", "notag", "middle"]
    + ["hfill", "enspace"]
    + ["rm", "bf", "it"]  # font switches: {\\rm tr}(X) is tr(X)
    + [
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
    ]
)
# Commands whose braced argument numbers or labels the equation: dropped with it (\tag{2}).
NUMBERING_COMMANDS = frozenset(["tag", "label"])
# Upright words: an operator name, or a name written upright.
WORD_COMMANDS = frozenset(["operatorname", "operatorname*", "text", "mathrm", "textrm", "textit"])
# Commands whose braced arguments are groups of their own (how many).
ARGUMENTS = {
    "frac": 2,
    "dfrac": 2,
    "tfrac": 2,
    "sqrt": 1,
    "bar": 1,
    "overline": 1,
    "hat": 1,
    "widehat": 1,
    "tilde": 1,
    "widetilde": 1,
    "^": 1,
    "_": 1,
}


@dataclass(frozen=True)
class Tok:
    kind: str  # 'cmd', 'letter', 'digit', 'sym', 'word', 'opname', 'bold', 'newline', 'eof'
    text: str  # the command's name (no backslash), the character, or a word's letters
    span: Span


def tokenize(source: str) -> list[Tok]:
    """The tokens of ``source``, layout dropped; unbalanced braces are errors with a caret."""
    tokens = _raw_tokens(source)
    tokens = _entries(_commands(tokens, source))
    return _drop_plain_braces(tokens, source) + [Tok("eof", "", Span(len(source), len(source)))]


ENTRY_SPACES = frozenset({"quad", "qquad"})
# The environments of a matrix written out entry by entry, read as [a, b; c, d] (vmatrix, a
# determinant, and cases are not)
MATRIX_ENVIRONMENTS = frozenset({"matrix", "bmatrix", "pmatrix", "Bmatrix", "smallmatrix", "array"})
# Operator commands -> the language's operator ("" for those refused, with a hint)
OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "odot": ".*", "circ": ".*"}
OPERATORS |= {"oslash": "./", "otimes": "kron", "pm": "", "mp": ""}


def _entries(tokens: list[Tok]) -> list[Tok]:
    """Inside [ ], what separates entries: & and \\quad between the entries of a row (,), \\\\
    between rows (;): [y_1 \\quad y_2] is a row, not the product y₁y₂. Outside they are layout,
    dropped (& the alignment of align, \\quad a space)."""
    out: list[Tok] = []
    stack: list[str] = []  # the open brackets
    for k, tok in enumerate(tokens):
        if tok.kind == "sym" and tok.text in "([{":
            stack.append(tok.text)
        elif tok.kind == "sym" and tok.text in ")]}" and stack:
            stack.pop()
        in_matrix = bool(stack) and stack[-1] == "["
        if tok.kind == "space":
            # & separates the entries of a row always ([1 & -1] is two entries); a \quad only
            # between two operands: [x^T A x \quad + \quad b^T x] is a sum, a \quad a space
            if in_matrix and (
                tok.text == "&" or (_ends_operand(out[-1:]) and _starts_operand(tokens[k + 1 : k + 2]))
            ):
                out.append(Tok("sym", ",", tok.span))
            continue
        if tok.kind == "newline" and tok.span.end - tok.span.start == 2 and in_matrix:
            if out and out[-1].kind == "sym" and out[-1].text == ",":
                out.pop()  # a trailing & before \\
            out.append(Tok("sym", ";", tok.span))
            continue
        if tok.kind == "sym" and tok.text == "]" and out and out[-1].kind == "sym" and out[-1].text in ",;":
            out.pop()  # a row or \\ left at the end of the matrix
        out.append(tok)
    return out


def _ends_operand(before: list[Tok]) -> bool:
    if not before:
        return False
    t = before[0]
    return t.kind in ("letter", "digit", "bold", "word") or (t.kind == "sym" and t.text in ")]}'")


def _starts_operand(after: list[Tok]) -> bool:
    if not after:
        return False
    t = after[0]
    if t.kind == "cmd":
        return t.text not in OPERATORS and t.text not in ("right", "end")
    return t.kind in ("letter", "digit", "bold", "word", "opname") or (t.kind == "sym" and t.text in "([{")


def _raw_tokens(source: str) -> list[Tok]:
    tokens: list[Tok] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            j = i + 1
            while j < n and source[j].isascii() and source[j].isalpha():
                j += 1
            if j == i + 1:
                j = min(i + 2, n)
            if j < n and source[j] == "*" and source[i + 1 : j] == "operatorname":
                j += 1
            text = source[i + 1 : j]  # the name, without its backslash
            if not text:
                raise MatdiffError("a backslash with no command after it", source, Span(i, i + 1))
            if text == "\\":
                tokens.append(Tok("newline", "\n", Span(i, j)))
            elif text in ENTRY_SPACES:  # between the entries of [y_1 \quad y_2]; else spacing
                tokens.append(Tok("space", text, Span(i, j)))
            elif text not in LAYOUT_COMMANDS:
                tokens.append(Tok("cmd", text, Span(i, j)))
            i = j
        elif ch in "%#":  # a LaTeX comment, or one of the expression language
            end = source.find("\n", i)
            i = n if end == -1 else end
        elif ch == "\n":
            tokens.append(Tok("newline", "\n", Span(i, i + 1)))
            i += 1
        elif ch == "&":  # a column of a matrix environment; else the alignment of align
            tokens.append(Tok("space", "&", Span(i, i + 1)))
            i += 1
        elif ch in " \t\r$~":
            i += 1
        elif ch.isascii() and ch.isalpha():
            tokens.append(Tok("letter", ch, Span(i, i + 1)))
            i += 1
        elif ch.isdigit() or (ch == "." and source[i + 1 : i + 2].isdigit()):
            tokens.append(Tok("digit", ch, Span(i, i + 1)))
            i += 1
        else:
            tokens.append(Tok("sym", ch, Span(i, i + 1)))
            i += 1
    return tokens


def matching_braces(tokens: list[Tok], source: str) -> dict[int, int]:
    """Index of each ``{`` -> index of its ``}`` (and back)."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for k, tok in enumerate(tokens):
        if tok.kind == "sym" and tok.text == "{":
            stack.append(k)
        elif tok.kind == "sym" and tok.text == "}":
            if not stack:
                raise MatdiffError("this '}' has no matching '{'", source, tok.span)
            opened = stack.pop()
            match[opened], match[k] = k, opened
    if stack:
        raise MatdiffError("this '{' is never closed", source, tokens[stack[-1]].span)
    return match


def _group_text(tokens: list[Tok], start: int, match: dict[int, int]) -> tuple[str, int]:
    """The letters of the braced group at ``start`` (spaces dropped) and the index after it."""
    end = match[start]
    return "".join(t.text for t in tokens[start + 1 : end]), end + 1


def _commands(tokens: list[Tok], source: str) -> list[Tok]:
    """The commands that frame, name or style rather than compute: begin{align} and end{align}
    dropped (the environment frames the formula, it is not part of it); operatorname{tr} -> word
    'tr'; mathbf{X} -> X; mathbf{1} -> a bold digit (a constant vector)."""
    match = matching_braces(tokens, source)
    out: list[Tok] = []
    dropped: set[int] = set()
    outer: list[tuple[str, bool]] = []  # each open matrix environment: its name, and whether its
    # brackets were \left[ … \right]
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if k in dropped:
            k += 1
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.kind == "cmd" and tok.text in ("begin", "end") and nxt is not None and nxt.text == "{":
            name, after = _group_text(tokens, k + 1, match)
            span = tok.span | tokens[after - 1].span
            if name in MATRIX_ENVIRONMENTS:  # entries written out, as [a, b; c, d]
                if tok.text == "begin":
                    if name == "array" and after < len(tokens) and tokens[after].text == "{":
                        after = match[after] + 1  # the column spec {cc}
                    end = _environment_end(tokens, after, match)
                    framed = (  # \left[ \begin{matrix} … \end{matrix} \right]: one pair of brackets
                        bool(out)
                        and out[-1].kind == "sym"
                        and out[-1].text == "["
                        and end < len(tokens)
                        and tokens[end].kind == "sym"
                        and tokens[end].text == "]"
                    )
                    if framed:
                        span = out.pop().span | span
                    outer.append((name, framed))
                    out.append(Tok("sym", "[", span))
                else:
                    opened, framed = outer.pop() if outer else (name, False)
                    if opened != name:  # \begin{bmatrix} … \end{pmatrix}
                        raise MatdiffError(
                            f"the environment {opened} is ended as {name}",
                            source,
                            span,
                            hint="end a matrix with the name it begins with",
                        )
                    closing = tokens[after] if after < len(tokens) else None
                    if framed and closing is not None and closing.text in ")]":
                        span, after = span | closing.span, after + 1
                    out.append(Tok("sym", "]", span))
                k = after
                continue
            if "matrix" in name or name in ("array", "cases"):
                raise MatdiffError(  # a matrix written out entry by entry
                    f"unexpected {source[tok.span.start : tokens[after - 1].span.end]!r}",
                    source,
                    tok.span | tokens[after - 1].span,
                    hint="see the README's table of LaTeX input",
                )
            k = after
            continue
        if tok.kind == "cmd" and tok.text in NUMBERING_COMMANDS:  # \tag{2}, \tag*{2}, \label{eq:f}
            j = k + 2 if nxt is not None and nxt.kind == "sym" and nxt.text == "*" else k + 1
            if j < len(tokens) and tokens[j].kind == "sym" and tokens[j].text == "{":
                k = match[j] + 1
                continue
        if tok.kind == "cmd" and tok.text in WORD_COMMANDS:
            if nxt is None or nxt.text != "{":
                raise MatdiffError(f"{tok.text} needs its word in braces", source, tok.span)
            text, after = _group_text(tokens, k + 1, match)
            kind = "opname" if tok.text.startswith("operatorname") else "word"
            out.append(Tok(kind, text, tok.span | tokens[after - 1].span))
            k = after
            continue
        if tok.kind == "cmd" and tok.text in FONT_COMMANDS:
            if nxt is not None and nxt.text == "{":
                inner = tokens[k + 2 : match[k + 1]]
                if len(inner) == 1 and inner[0].kind == "digit":  # bold 1: the vector of ones
                    out.append(Tok("bold", inner[0].text, tok.span | tokens[match[k + 1]].span))
                    k = match[k + 1] + 1
                    continue
                dropped.add(match[k + 1])
                k += 2
                continue
            if nxt is not None and nxt.kind == "digit":
                out.append(Tok("bold", nxt.text, tok.span | nxt.span))
                k += 2
                continue
            k += 1
            continue
        out.append(tok)
        k += 1
    return out


def _environment_end(tokens: list[Tok], k: int, match: dict[int, int]) -> int:
    """The index after the \\end{…} that closes the matrix environment whose body starts at k."""
    depth = 1
    while k < len(tokens):
        tok = tokens[k]
        if tok.kind == "cmd" and tok.text in ("begin", "end") and k + 1 in match:
            name, after = _group_text(tokens, k + 1, match)
            if name in MATRIX_ENVIRONMENTS:
                depth += 1 if tok.text == "begin" else -1
                if depth == 0:
                    return after
            k = after
            continue
        k += 1
    return k


def _drop_plain_braces(tokens: list[Tok], source: str) -> list[Tok]:
    """Keep the braces that are a command's arguments; drop the ones that group nothing."""
    match = matching_braces(tokens, source)
    kept: set[int] = set()
    for k, tok in enumerate(tokens):
        wanted = ARGUMENTS.get(tok.text, 0) if tok.kind in ("cmd", "sym") else 0
        j = k + 1
        if tok.text == "sqrt" and j < len(tokens) and tokens[j].text == "[":
            continue  # an n-th root: the reader refuses it
        for _ in range(wanted):
            if j < len(tokens) and tokens[j].text == "{" and j in match:  # not \{, a literal brace
                kept.update((j, match[j]))
                j = match[j] + 1
            else:
                j += 1  # a one-token argument (x^2, \frac12)
    return [t for k, t in enumerate(tokens) if t.kind != "sym" or t.text not in ("{", "}") or k in kept]
