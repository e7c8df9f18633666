"""A cell pasted with Windows line endings (\\r\\n): an error's source line is shown without its
\\r, and the caret stays under the character it names."""

from __future__ import annotations

import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError


@pytest.mark.parametrize(
    ("source", "shown", "marked"),
    [
        ("a = x\r\ntr(X'*A*X))\r\n", "  line 2 | tr(X'*A*X))", ")"),
        ("tr(X'*A*X\r\n", "  line 1 | tr(X'*A*X", "("),
        ("A: matrix(m, n)\r\nB: matrix(m, n)\r\ntr(A*B*X)\r\n", "  line 3 | tr(A*B*X)", "*B"),
    ],
)
def test_the_source_line_is_shown_without_its_carriage_return(source, shown, marked):
    with pytest.raises(MatdiffError) as caught:
        derive(source, wrt="X")
    text = str(caught.value)
    assert "\r" not in text
    lines = text.splitlines()
    at = lines.index(shown)
    caret = lines[at + 1]
    start = caret.index("^")
    assert lines[at][start:].startswith(marked), text
