"""Where the TeX line breaker may cut: only outside every group, and never inside what a command
escapes.

The breaker reads a line's TeX as the commands that open or close a group or a bracket
(``\\left``, ``\\right``, ``\\begin``, ``\\end``, ``\\lvert``…), one-character escapes (``\\{``,
``\\ ``), the brackets themselves and the places an operator starts; other commands are letters
only and are read past (``render.linebreak``). These lines pin what that reading must keep: a
command that begins like ``\\left`` is not one, an escaped space or brace is not an operator's or
a group's, and a cut inside ``\\left( … \\right)`` or ``{…}`` is never made.
"""

from __future__ import annotations

import pytest

from matdiff_magic.render.linebreak import break_tex, break_text


def _rows(body: str, width: int = 12) -> list[str]:
    return break_tex(body, 0, width)


def test_a_command_that_begins_like_left_is_not_left():
    # \leftarrow read as \left would take "a" for its delimiter and the + for the group's
    # (a command is as wide as one character in the line's reading)
    rows = _rows(r"x \leftarrow y + z \rightarrow w + v")
    assert rows == [r"x \leftarrow y", r"&{}+ z \rightarrow w + v"]


def test_no_cut_inside_left_right_or_braces():
    assert _rows(r"\left( a + b + c + d \right) + e") == [r"\left( a + b + c + d \right)", r"&{}+ e"]
    assert _rows(r"\frac{a + b + c + d}{2} + e") == [r"\frac{a + b + c + d}{2}", r"&{}+ e"]
    assert _rows(r"\begin{bmatrix} a + b & c + d \end{bmatrix} + e") == [
        r"\begin{bmatrix} a + b & c + d \end{bmatrix}",
        r"&{}+ e",
    ]


def test_escaped_braces_are_brackets_not_groups():
    # \{ … \} is a bracket (a cut inside it is allowed, a deeper one), not a TeX group
    assert _rows(r"\{ aaaa + bbbb \} + cccc", width=14) == [r"\{ aaaa", r"&{}+ bbbb \}", r"&{}+ cccc"]
    assert _rows(r"\{ aaaaaaaa + bbbbbbbb \}", width=10) == [r"\{ aaaaaaaa", r"&{}+ bbbbbbbb \}"]


def test_an_escaped_space_starts_no_operator():
    # "\ + " is a control space and a plus: the space is the command's, so no " + " starts there
    assert _rows(r"aaaaaaaa\ + bbbbbbbbb") == [r"aaaaaaaa\ + bbbbbbbbb"]
    assert _rows(r"aaaaaaaa\\ + bbbbbbbbb") == [r"aaaaaaaa\\", r"&{}+ bbbbbbbbb"]


def test_a_cut_before_an_operator_written_as_a_command():
    assert _rows(r"A_{1} \otimes B_{1} \odot C_{1}", width=10) == [r"A_{1} \otimes B_{1}", r"&{}\odot C_{1}"]
    assert _rows(r"A_{1} \otimes B_{1} \odot C_{1}", width=4) == [
        r"A_{1}",
        r"&{}\otimes B_{1}",
        r"&{}\odot C_{1}",
    ]


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ("(aaaa + bbbb) + cccc", ["(aaaa + bbbb)", "+ cccc"]),
        ("‖aaaa + bbbb‖ + cccc", ["‖aaaa + bbbb‖", "+ cccc"]),
    ],
)
def test_the_text_cuts_at_its_outermost_operator(body, rows):
    assert [r.strip() for r in break_text(body, 0, 14)] == rows
