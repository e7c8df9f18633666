"""A deeply nested line is filled, not cut at every level.

The line breaker ends a line at its outermost cut that fits; in X + (X + (X + ⋯ every later cut is
one level deeper, so it ended each line after one level: a 40-level inverse tower printed as 40
rows of ``+ (X`` at every step (60 000 of the text's 64 500 rows). A second row of a few
characters in a row now ends at its last cut that fits, and so does each one after it that would
be short too (``render.linebreak._lay``). Lines of everyday derivations keep their layout
(``tests/test_display_text.py`` and the seed tests pin it).
"""

from __future__ import annotations

import re

import pytest

from matdiff_magic import derive
from matdiff_magic.render.linebreak import WIDTH, break_text, text_width


def _inverse_tower(n: int) -> str:
    return "log(det(" + "X + inv(" * n + "X" + ")" * n + "))"


def _log_nest(n: int) -> str:
    return "x: scalar\n" + "log(1 + " * n + "x" + ")" * n


def _function_rows(text: str) -> list[str]:
    """The rows of the first line (f = …) of a derivation's text."""
    rows = text.splitlines()
    end = next(i for i, row in enumerate(rows) if i and "=" in row[:12])
    return rows[:end]


@pytest.mark.parametrize(
    ("source", "wrt", "n"),
    [(_inverse_tower(40), "X", 40), (_log_nest(40), "x", 40)],
    ids=["inverse tower", "logs"],
)
def test_a_deep_nest_fills_its_lines(source, wrt, n):
    rows = _function_rows(derive(source, wrt=wrt, check=False).to_text())
    whole = "".join(row.strip() for row in rows)
    assert whole.count("(") == whole.count(")") >= n - 1  # nothing lost (the last inverse is X⁻¹)
    assert all(text_width(row) <= WIDTH for row in rows[:-1])  # the last holds the closing run
    # n levels of 4 to 8 characters on rows of 40 to 80: a handful of rows, not one a level
    assert len(rows) <= n // 4, rows


def test_a_nest_of_logs_has_no_row_of_one_level():
    d = derive(_log_nest(40), wrt="x", check=False)
    assert not [row for row in d.to_text().splitlines() if re.fullmatch(r"\s*\+ log\(1", row)]
    assert r"&{}+ \log(1 \\" not in d.to_latex()


def test_the_staircases_of_an_inverse_tower_are_mostly_gone():
    # its lines mix nests with closing runs and names, so a few rows of one level stay: 164 of
    # the text's 966 rows and 142 in the TeX before the change, 59 and 56 with it
    d = derive(_inverse_tower(20), wrt="X", check=False)
    rows = d.to_text().splitlines()
    assert len([row for row in rows if re.fullmatch(r"\s*[+-] \(X", row)]) < 80
    assert d.to_latex().count("&{}+ (X \\\\") < 80


def test_an_everyday_break_is_kept():
    # a first short row is still ended at the outermost cut that fits
    body = "aᵀ (t₈ ⊙ W₈ ((𝟏 - t₇^∘2) ⊙ W₇ ((𝟏 - t₆^∘2) ⊙ W₆ ((𝟏 - t₅^∘2) ⊙ W₅ d(t₄)))))"
    lines = break_text(body, 30)
    assert lines[0] == "aᵀ (t₈"
    assert all(text_width(line) <= WIDTH for line in lines)
