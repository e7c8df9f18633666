"""Long lines broken at their top-level operators, in the text and in the aligned TeX block.

A line longer than ``WIDTH`` characters of its Unicode reading is cut before a ``+``, ``−`` or
``=`` (then ``⊙``, ``⊗``, ``⊘``), preferring the operator with the fewest brackets around it and,
among those, the last one that still fits. A cut inside brackets continues under the bracket in
the text; the TeX cuts only outside every group (``{…}``, ``\\left…\\right``, environments), with
the operator of each continuation row under the ``=``, so that each piece is a row of ``aligned``
that MathJax 2, MathJax 3 and KaTeX all typeset. The TeX has its own, smaller width
(``TEX_WIDTH``): the grey rule notes beside it are cut into rows of ``NOTE_WIDTH``. A piece with
no operator to cut at stays whole, however long.

Text continuation lines are indented under the first piece (``=`` under the ``=`` of the line);
rule annotations go to the end of the last line when they fit, otherwise to a line of their own,
wrapped at spaces. Word wrapping (``wrap_words``) never cuts inside a word.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from typing import NamedTuple

from matdiff_magic.render import memo
from matdiff_magic.render.texwidth import fits, tex_width

WIDTH = 80  # characters of the Unicode reading
# The TeX block's expressions get fewer: the rule column beside them (about 60 characters in
# \small) must fit too in a notebook's output area of about 1000 px.
TEX_WIDTH = 72
NOTE_WIDTH = 48  # the grey rule notes beside the TeX block: longer ones take several rows

# operator tiers: sums and equations first, then the element-wise and Kronecker products
_TEXT_OPS = ((" = ", 0), (" ⇔ ", 0), (" + ", 0), (" - ", 0), (" − ", 0), (" ⊙ ", 1), (" ⊗ ", 1), (" ⊘ ", 1))
_TEX_OPS = (
    (" = ", 0),
    (" + ", 0),
    (" - ", 0),
    (" \\odot ", 1),
    (" \\otimes ", 1),
    (" \\oslash ", 1),
)
_LIST_TEXT_OPS = ((", ", 0),)
_NOTE_OPS = ((",\\quad ", 0), (",\\; ", 1), (",\\;", 1))
_LIST_TEX_OPS = ((",\\ ", 0), (",\\; ", 0))
_OPEN, _CLOSE, _TOGGLE = "([{⟦", ")]}⟧", "|‖"


class _Cut(NamedTuple):  # a tuple: a long line has thousands, made in one call each
    end: int  # this line ends here (before the operator's space)
    start: int  # the next line starts here (at the operator)
    depth: int  # brackets around the operator
    tier: int
    opener: int  # index of the innermost open bracket, -1 at depth 0
    op: str


@functools.cache
def _events(ops: tuple, marks: str, tex: bool, groups: bool = False) -> re.Pattern:
    """What the cut finders read, in order: a TeX command that opens or closes a group or a bracket
    (whole, so that ``\\left`` is not read as ``\\l``…) or a one-character escape (so that what
    it escapes is passed over: ``\\{``, ``\\ ``); with ``groups``, a TeX group ``{…}`` that holds
    no group and no such command, whole (nothing in it can be cut, and a line's TeX has many:
    ``_{1}``, ``{\\rm d}``); a bracket of ``marks``; or the first character of one of ``ops`` (a
    space or a comma, which nothing else starts with), the rest of the longest op that starts
    there in a group of the pattern. Other commands are letters only, which hold no mark and start
    no operator: they are read past without an event (a line's TeX is mostly such commands). Each
    alternative starts with one given character, which lets the regex engine skip to the next
    place where one may match."""
    branches = ([_COMMAND] if tex else []) + ([_FLAT_GROUP] if groups else [])
    branches += [re.escape(c) for c in marks]
    for head in sorted({op[0] for op, _ in ops}):
        rests = sorted({op[1:] for op, _ in ops if op[0] == head}, key=len, reverse=True)
        branches.append(f"{re.escape(head)}(?=({'|'.join(map(re.escape, rests))}))")
    return re.compile("|".join(branches), re.S)


_COMMAND = r"\\(?:(?:left|right|begin|end|lvert|rvert|lVert|rVert)(?![A-Za-z])|[^A-Za-z])"
# a group with no group inside and no command that opens or closes one, not the delimiter of a
# \left or \right; possessive: a group that is not one is given up at once
_FLAT_GROUP = (
    r"\{(?<!\\left\{)(?<!\\right\{)"
    r"(?:[^{}\\]++|\\[^A-Za-z]|\\(?!(?:left|right|begin|end)(?![A-Za-z]))[A-Za-z]++)*+\}"
)


@functools.cache
def _starting(ops: tuple) -> dict[str, tuple]:
    """For the longest operator of ``ops`` found at a place, each of ``ops`` that starts there (its
    prefixes among them), in the order of ``ops``: (end, start, tier, op) of its cut, end and start
    from the place. A cut is before an infix operator, after a comma (",\\quad " and ",\\; " lose
    their spacing at the end of the line)."""
    return {
        found: tuple(_template(op, tier) for op, tier in ops if found.startswith(op))
        for found in {op for op, _ in ops}
    }


def _template(op: str, tier: int) -> tuple[int, int, int, str]:
    lead = len(op) - len(op.lstrip())
    if lead:
        return 0, lead, tier, op.strip()
    return 1, len(op), tier, op.strip()  # the comma stays, its space goes


def _text_cuts(s: str, ops) -> list[_Cut]:
    cuts: list[_Cut] = []
    starting = _starting(ops)
    toggled: set[str] = set()  # the bars | ‖ open now
    stack: list[int] = []  # positions of the open brackets
    for m in _events(ops, _OPEN + _CLOSE + _TOGGLE, False).finditer(s):
        ch, k = m.group(0), m.lastindex
        if k:  # an operator starts here: ch is its first character, group k the rest
            i, depth, opener = m.start(), len(stack), stack[-1] if stack else -1
            cuts += [
                _Cut(i + end, i + start, depth, tier, opener, op)
                for end, start, tier, op in starting[ch + m.group(k)]
            ]
        elif ch in _OPEN:
            stack.append(m.start())
        elif ch in _CLOSE:
            if stack:
                stack.pop()
        elif ch in toggled and stack and s[stack[-1]] == ch:
            stack.pop()
            toggled.discard(ch)
        else:
            stack.append(m.start())
            toggled ^= {ch}
    return cuts


_TEX_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|.", re.S)
_SOFT_OPEN = {"(", "[", "\\lvert", "\\lVert", "\\{"}
_SOFT_CLOSE = {")", "]", "\\rvert", "\\rVert", "\\}"}


def _tex_cuts(s: str, ops) -> list[_Cut]:
    """Cuts outside every TeX group; depth counts the plain brackets around the operator. A group
    that holds no other is read whole, one event, while every group closed was opened; after one
    that was not (what the next group holds may be outside every group), event by event."""
    cuts: list[_Cut] = []
    state = [0, 0, 0]  # groups open, plain brackets open, the end of a \left's delimiter
    at = _read_tex(s, ops, True, 0, cuts, state)
    if at >= 0:
        _read_tex(s, ops, False, at, cuts, state)
    return cuts


def _read_tex(s: str, ops, groups: bool, at: int, cuts: list[_Cut], state: list[int]) -> int:
    """Read s from ``at`` for ``_tex_cuts``; with ``groups`` (groups read whole), up to a group
    closed that was never opened: the place after it (else -1)."""
    starting = _starting(ops)
    hard, soft, skip_to = state
    for m in _events(ops, "{}()[]", True, groups).finditer(s, at):
        i = m.start()
        if i < skip_to:  # the delimiter after \left or \right
            continue
        k = m.lastindex
        if k:  # an operator starts here: its first character matched, group k the rest
            if hard == 0:
                cuts += [
                    _Cut(i + end, i + start, soft, tier, -1, op)
                    for end, start, tier, op in starting[m.group(0) + m.group(k)]
                ]
            continue
        kind = _TEX_KIND.get(m.group(0))
        if kind is None:  # a group read whole, an escape
            continue
        if kind in (_SOFT, -_SOFT):
            if hard == 0:
                soft = soft + 1 if kind > 0 else max(0, soft - 1)
        else:
            hard += 1 if kind > 0 else -1
            if kind in (_DELIMITED, -_DELIMITED):  # \left or \right: its delimiter is passed over
                delimiter = _TEX_TOKEN.match(s, m.end())
                skip_to = delimiter.end() if delimiter else m.end()
            if hard < 0 and groups:
                state[:] = hard, soft, skip_to
                return m.end()
    return -1


# what each event of the TeX does: opens (> 0) or closes (< 0) a group, a group with a delimiter
# after it, or a plain bracket
_HARD, _DELIMITED, _SOFT = 1, 2, 3
_TEX_KIND = {
    "{": _HARD,
    "\\begin": _HARD,
    "\\left": _DELIMITED,
    "}": -_HARD,
    "\\end": -_HARD,
    "\\right": -_DELIMITED,
}
_TEX_KIND |= {t: _SOFT for t in _SOFT_OPEN} | {t: -_SOFT for t in _SOFT_CLOSE}


def text_width(s: str) -> int:
    """Columns of a Unicode string in a monospace font: combining marks take none, wide (Chinese)
    characters two."""
    if s.isascii():
        return len(s)
    # by distinct character: a line is measured often, and has few distinct characters, most of
    # them known to take one column
    return len(s) + sum(s.count(ch) * extra for ch in _unknown(s) if (extra := _extra_columns(ch)))


_ONE_COLUMN: set[str] = set()  # the characters met that take one column


def _unknown(s: str) -> set[str]:
    """The distinct characters of s not known to take one column; those met now that do, known."""
    chars = set(s) - _ONE_COLUMN
    _ONE_COLUMN.update(ch for ch in chars if not _extra_columns(ch))
    return chars


@functools.cache
def _extra_columns(ch: str) -> int:
    """The columns a character takes beyond one: -1 for a combining mark, 1 for a wide one."""
    return -1 if unicodedata.combining(ch) else 1 if _wide(ch) else 0


def _remembered(measure):
    """``measure``, each piece measured once while a derivation is shown (``memo.printing``):
    consecutive lines share most of their pieces."""
    shown = memo.current()
    if shown is None:
        return measure
    remembered = shown.widths.get(measure)
    if remembered is None:  # made once per derivation shown: every line asks for it
        known: dict = {}

        def remembered(piece: str) -> int:
            w = known.get(piece)
            if w is None:
                w = known[piece] = measure(piece)
            return w

        shown.widths[measure] = remembered
    return remembered


class _Widths:
    """``measure(s[a:b])`` for the positions where ``_lay`` starts and ends lines, from prefix
    sums over the pieces between cuts: laying out a line of n characters costs O(n), not O(n²).
    Both measures add up over pieces cut outside every group; where they would not (checked on
    the whole line), each width is measured directly."""

    def __init__(self, s: str, cuts: list[_Cut], measure):
        measure = _remembered(measure)
        points = {0, len(s)} | {c.start for c in cuts} | {c.end for c in cuts}
        points |= {c.opener + 1 for c in cuts if c.opener >= 0}
        ordered = sorted(points)
        self.at = {p: k for k, p in enumerate(ordered)}
        self.prefix = [0]
        for a, b in itertools.pairwise(ordered):
            self.prefix.append(self.prefix[-1] + measure(s[a:b]))
        self.s, self.measure = s, measure
        self.additive = self.prefix[-1] == measure(s)

    def __call__(self, a: int, b: int) -> int:
        if self.additive and a in self.at and b in self.at:
            return self.prefix[self.at[b]] - self.prefix[self.at[a]]
        return self.measure(self.s[a:b])


def _spans(s: str, cuts: list[_Cut], measure):
    """``measure(s[a:b])`` as a function of (a, b): in a line whose characters all take one column
    (the usual text line), b - a."""
    if measure is text_width and (s.isascii() or not any(_extra_columns(ch) for ch in _unknown(s))):
        return _difference
    return _Widths(s, cuts, measure)


def _difference(a: int, b: int) -> int:
    return b - a


def _fitting(span, cuts: list[_Cut], ends: list[int], start: int, room: int, first: int) -> int:
    """The index after the last of ``cuts`` from ``first`` on where a line from ``start`` ends
    within ``room``: the width grows with the cut's position, so a bisection."""
    if span is _difference:  # the width is the number of characters
        return bisect.bisect_right(ends, start + room, first)
    return bisect.bisect_right(cuts, room, first, key=lambda c: span(start, c.end))


def _shallowest(fit: list[_Cut]) -> _Cut:
    """The cut of least (depth, tier), the last of those: the outermost place a line can end."""
    key = min((c.depth, c.tier) for c in fit)
    return max((c for c in fit if (c.depth, c.tier) == key), key=lambda c: c.start)


def _lay(s: str, cuts: list[_Cut], column: int, width: int, measure, continuation) -> list[tuple[int, str]]:
    """Greedy lines (column, text) of s, which starts at ``column``; ``cuts`` in order of position."""
    span = _spans(s, cuts, measure)
    ends = [c.end for c in cuts]
    lines: list[tuple[int, str]] = []
    starts: list[tuple[int, int]] = []  # (index in s, column) of each line
    start, col, first = 0, column, 0
    was_short = False  # the line before held a few characters only
    while True:
        starts.append((start, col))
        first = bisect.bisect_right(ends, start, first)  # the cuts after this line's start
        if col + span(start, len(s)) <= width or first == len(cuts):
            lines.append((col, s[start:]))
            return lines
        fit = cuts[first : _fitting(span, cuts, ends, start, width - col, first)]
        if fit:
            cut = _shallowest(fit)
            room = width - col
            short = 4 * span(start, cut.end) < room
            if short and was_short:
                # a second line of a few characters in a row (log|X + (X + (X + ⋯ cut at each
                # level: a staircase of one line per level) ends at its last cut instead, and so
                # does each line after it that would be short too
                cut = fit[-1]
            was_short = short
        else:  # a piece wider than the line: cut as soon as possible
            cut, was_short = cuts[first], False
        lines.append((col, s[start : cut.end]))
        opener_col = None
        if cut.opener >= 0:
            # the line the opener is on: lines start in order, so bisect (a long line has many)
            line_start, line_col = starts[bisect.bisect_right(starts, cut.opener, key=lambda p: p[0]) - 1]
            opener_col = line_col + span(line_start, cut.opener + 1)
        start, col = cut.start, continuation(cut, opener_col)


def break_text(body: str, column: int, width: int = WIDTH, ops=_TEXT_OPS) -> list[str]:
    """The lines of ``body``, which starts at ``column`` (after ``… = ``): the first without
    indentation, the others indented to their column."""
    if column + _remembered(text_width)(body) <= width:  # measured once: _lay needs it too
        return [body]

    def continuation(cut: _Cut, opener_col):
        if cut.depth == 0:
            return max(0, column - 2) if cut.op in ("=", "⇔") else column
        if opener_col is not None and opener_col <= width // 2:
            return opener_col
        return min(column + 2 * cut.depth, max(column, width // 2))  # deep nesting: not off the line

    lines = _lay(body, _text_cuts(body, ops), column, width, text_width, continuation)
    return [text if k == 0 else " " * col + text for k, (col, text) in enumerate(lines)]


def break_list_tex(body: str, column: int, width: int = WIDTH) -> list[str]:
    """A comma-separated TeX list (the where line) as rows, the commas kept at the line ends."""
    if fits(body, width - column):  # the usual where line
        return [body]
    cuts = _tex_cuts(body, _LIST_TEX_OPS)
    if not cuts:
        return [body]
    lines = _lay(body, cuts, column, width, tex_width, lambda cut, _: column + 2)
    return [lines[0][1]] + [f"&\\quad {text}" for _, text in lines[1:]]


def break_list_text(body: str, column: int, width: int = WIDTH) -> list[str]:
    """A comma-separated list (the where line) broken after its commas."""
    return break_text(body, column, width, _LIST_TEXT_OPS)


def with_rule(lines: list[str], rule: str, column: int, width: int = WIDTH) -> list[str]:
    """``rule`` ("[product rule: …]") after the last line when it fits, else on lines of its own
    at ``column``, wrapped at spaces."""
    if not rule:
        return lines
    gap = "    "
    if text_width(lines[-1]) + len(gap) + text_width(rule) <= width:
        return [*lines[:-1], lines[-1] + gap + rule]
    indent = " " * (column + 2)
    return lines + [indent + line for line in wrap_words(rule, width - len(indent), hang=1)]


def wrap_words(text: str, width: int, hang: int = 0) -> list[str]:
    """``text`` on lines of at most ``width`` columns, cut only at spaces, or between two
    characters of Chinese text, which has none (a longer word stays whole); lines after the first
    are indented by ``hang``."""
    return list(_wrapped(text, width, hang))


@functools.lru_cache(maxsize=256)
def _wrapped(text: str, width: int, hang: int) -> tuple[str, ...]:
    """``wrap_words``, once per text: a derivation's steps repeat a few rules' annotations."""
    lines: list[str] = []
    line = ""
    for word, glue in _words(text):
        candidate = f"{line}{glue}{word}" if line else word
        room = width - (hang if lines else 0)
        if line and text_width(candidate) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return tuple(line if k == 0 else " " * hang + line for k, line in enumerate(lines))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _words(text: str):
    """(word, what joins it to the one before): a space, or nothing inside a run of wide
    characters, each of which is a word of its own."""
    if not any(_wide(ch) for ch in set(text)):  # the words are what the spaces part
        yield from ((chunk, " " if k else "") for k, chunk in enumerate(text.split(" ")))
        return
    for k, chunk in enumerate(text.split(" ")):
        piece, glue = "", " " if k else ""
        for ch in chunk:
            if _wide(ch) and piece:
                yield piece, glue
                piece, glue = "", ""
            piece += ch
            if _wide(ch):
                yield piece, glue
                piece, glue = "", ""
        if piece or not chunk:
            yield piece, glue


def break_tex(body: str, column: int, width: int = WIDTH, ops=_TEX_OPS) -> list[str]:
    """The rows of an ``aligned`` block that show ``body`` (which starts at ``column``): the first
    piece as it is, the others as ``&{}+ …`` or ``&= …``, the operator under the ``=``. No
    spacing command indents them: KaTeX counts every macro (``\\quad`` is one) against a limit
    of 1000 per formula, which a long derivation nears already."""
    # most steps fit: no need to find where they could break (measured once: _lay needs it too);
    # one that surely fits, told by counting its characters, is not measured
    if fits(body, width - column, _remembered(tex_width)):
        return [body]
    cuts = _tex_cuts(body, ops)
    if not cuts:
        return [body]
    lines = _lay(body, cuts, column, width, tex_width, lambda cut, _: column)
    return [lines[0][1]] + [("&" if text.startswith("= ") else "&{}") + text for _, text in lines[1:]]


# ---- a derivation's lines ------------------------------------------------------------------------


def text_step(head: str, body: str, rule: str, width: int = WIDTH) -> list[str]:
    """A step in text: ``head`` ("   df = "), its expression broken to fit, then ``rule``."""
    column = text_width(head)
    lines = break_text(body, column, width)
    return with_rule([head + lines[0], *lines[1:]], rule, column, width)


def text_list(head: str, items: str, width: int = WIDTH) -> list[str]:
    """``head`` ("   where ") and a comma-separated list, continued under its first item."""
    lines = break_list_text(items, text_width(head), width)
    return [head + lines[0], *lines[1:]]


def text_words(head: str, text: str, width: int = WIDTH) -> list[str]:
    """``head`` and a message wrapped at spaces, continued under its first word."""
    column = text_width(head)
    lines = wrap_words(text, max(20, width - column))
    return [head + lines[0], *(" " * column + line for line in lines[1:])]


def tex_head(stage: str, lhs: str) -> str:
    """A step's left side in the aligned block: ``lhs &=``, or ⇔ before an equation of --solve
    (each equivalent to the one before, not a value of df)."""
    return r"&\Leftrightarrow\ " if stage == "solve" else f"{lhs} &= "


def tex_step(prefix: str, body: str, note: str, column: int, width: int = TEX_WIDTH) -> list[str]:
    """A step's rows of the aligned block: ``prefix`` ("df &= ") and the first piece of ``body``,
    then its continuation rows; ``note`` (the rule and its identities) in grey beside them, from
    the first row on, one piece a row when it is long."""
    rows = break_tex(body, column, width)
    rows[0] = prefix + rows[0]
    for k, part in enumerate(_note_parts(note) if note else ()):
        grey = rf" && {{\small\color{{gray}}{{{part}}}}}"
        if k < len(rows):
            rows[k] += grey
        else:
            rows.append("&" + grey)
    return rows


@functools.lru_cache(maxsize=256)
def _note_parts(note: str) -> tuple[str, ...]:
    """A long rule note cut after its rule's name and between its identities; once per note, as
    ``_wrapped``: every derivation's steps repeat a few rules' notes."""
    if fits(note, NOTE_WIDTH):
        return (note,)
    cuts = _tex_cuts(note, _NOTE_OPS)
    if note.startswith("\\text{"):  # after the rule's name, \text{…: }
        depth = 0
        for i, ch in enumerate(note):
            depth += (ch == "{") - (ch == "}")
            if ch == "}" and depth == 0:
                cuts.append(_Cut(i + 1, i + 1, 0, 0, -1, ":"))
                break
        cuts.sort(key=lambda c: c.end)
    return tuple(text for _, text in _lay(note, cuts, 0, NOTE_WIDTH, tex_width, lambda cut, _: 0))


def tex_where(prefix: str, where: str, column: int, width: int = TEX_WIDTH) -> list[str]:
    """The where row, broken after its commas into rows of its own."""
    rows = break_list_tex(where, column + 6, width)
    rows[0] = prefix + rows[0]
    return rows
