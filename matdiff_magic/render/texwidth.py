"""How wide a piece of TeX reads: about the characters of its Unicode reading, for breaking lines.

Operator names (\\log) read as their letters, spacing and font commands (\\left, \\mathrm) as
nothing, any other command (\\alpha, \\,) as one character; braces and scripts take no room and a
fraction is as wide as the wider of its two parts: never wider than its characters. The TeX block
measures every line and every rule note it shows: the commands are read in one pass
(``_TOKEN``), each looked up in a table.
"""

from __future__ import annotations

import itertools
import re

from matdiff_magic.render.notation import TEX_OPERATORS

_TEX_WORDS = re.compile(r"\\(" + "|".join(sorted(TEX_OPERATORS)) + r")(?![A-Za-z])")
# commands that take no room: spacing, sizes and fonts
_DROPPED: tuple[str, ...] = ("left", "right", "small", "displaystyle", "operatorname")
_DROPPED += ("mathrm", "mathbf", "boldsymbol", "rm", "bf")
_TEX_DROP = re.compile(r"\\(?:" + "|".join(_DROPPED) + r")(?![A-Za-z])")
_TEX_COLOR = re.compile(r"\\color\{[^{}]*\}")
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)")  # a command, or a one-character escape
# an operator name right after a letter: read as one, after a command (\foo\log is \foolog once
# the operator's backslash is gone), by the passes that define the width
_RUN_ON = re.compile(r"[A-Za-z]" + _TEX_WORDS.pattern)
# what a command reads as, where that is not one character: an operator its letters, a spacing
# or font command nothing, an escaped brace or script one character whose mark is not markup
_READS = {"\\" + name: len(name) for name in TEX_OPERATORS}
_READS |= {"\\" + name: 0 for name in _DROPPED} | {"\\" + mark: 2 for mark in "{}^_"}
_OPERATORS = frozenset("\\" + name for name in TEX_OPERATORS)


def _group(tex: str, i: int) -> int:
    """The index after the group {…} that opens at i."""
    depth = 0
    for j in range(i, len(tex)):
        depth += (tex[j] == "{") - (tex[j] == "}")
        if depth == 0:
            return j + 1
    return len(tex)


def _markup(s: str) -> int:
    return s.count("{") + s.count("}") + s.count("^") + s.count("_")


def tex_width(tex: str) -> int:
    """About how many characters the Unicode reading of a piece of TeX has (a fraction is as
    wide as the wider of its two parts)."""
    k = tex.find("\\frac{")
    if k >= 0:
        num_end = _group(tex, k + 5)
        if tex.startswith("{", num_end):
            den_end = _group(tex, num_end)
            inner = max(tex_width(tex[k + 6 : num_end - 1]), tex_width(tex[num_end + 1 : den_end - 1]))
            return tex_width(tex[:k]) + inner + tex_width(tex[den_end:])
    if "\\" not in tex:  # no command to read: only the braces and scripts go
        return len(tex) - _markup(tex)
    if "\\color{" in tex:
        tex = _TEX_COLOR.sub("", tex)
    if "\\\\" in tex:  # a backslash escaped: read as the passes read it
        return _in_passes(tex)
    tokens = _TOKEN.findall(tex)
    if not _OPERATORS.isdisjoint(tokens) and _RUN_ON.search(tex):
        return _in_passes(tex)
    # each command replaced by what it reads as: in C, a pass over the commands each
    reads = sum(map(_READS.get, tokens, itertools.repeat(1, len(tokens))))
    return len(tex) - _markup(tex) - sum(map(len, tokens)) + reads


# commands a line or a note often holds, and how much narrower than its characters each reads
# at least (followed by more letters it is another command, which reads as one character; a
# fraction reads as the wider of its two parts: less than both)
_NARROWER: tuple[tuple[str, int], ...] = (
    ("\\mathrm", 7),
    ("\\boldsymbol", 11),
    ("\\text", 4),
    ("\\operatorname", 13),
)
_NARROWER += (("\\frac", 4), ("\\left", 5), ("\\right", 6))


def fits(tex: str, room: int, measure=tex_width) -> bool:
    """``measure(tex) <= room`` (``measure``: ``tex_width``, or a remembered one), told by counting
    characters without measuring where that tells (most lines and rule notes)."""
    return within(tex, room) or measure(tex) <= room


def within(tex: str, room: int) -> bool:
    """Whether ``tex`` surely reads no wider than ``room`` (``tex_width(tex) <= room``), told by
    counting characters; False when that does not tell (measure it then). Each brace takes no
    room, each command no more than one character less than it has, those of ``_NARROWER``
    less still (a backslash that escapes another is a character: then nothing is told)."""
    if len(tex) <= room:
        return True
    if "\\\\" in tex:
        return False
    bound = len(tex) - tex.count("{") - tex.count("}")
    for command, less in _NARROWER:
        if bound <= room:
            return True
        bound -= tex.count(command) * less
    return bound <= room or bound - tex.count("^") - tex.count("_") <= room


def _in_passes(s: str) -> int:
    """The width of TeX with no \\color, as defined: operator names made letters, then spacing
    and font commands dropped, then every other command one character, then the markup dropped."""
    s = _TEX_WORDS.sub(r"\1", s)
    s = _TEX_DROP.sub("", s)
    s = _TOKEN.sub("x", s)
    return len(s) - _markup(s)
