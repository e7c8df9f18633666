"""A form the derivation cannot handle is refused in the package's form: the message, the line,
a caret under the part it cannot handle, and the variable's own differential (dx for a vector,
dX for a matrix)."""
from __future__ import annotations

import pytest

from matdiff_magic import MatdiffError, derive

CASES = [   # source, wrt, words of the message, the text the caret stands under
    ("diag(diag(X))*a", "X", "cannot write vec(diag(dX)) as J vec(dX)", "diag(X)"),
    ("diag(diag(x*x'))*a", "x", "as J dx: this form is not supported", "diag(x*x')"),
    ("vec(diag(diag(X)))", "X", "cannot write vec(diag(dX)) as J vec(dX)", "diag(X)"),
]


def _caret(message: str) -> str:
    """The source text above the caret line of an error message."""
    lines = message.splitlines()
    k = next(i for i, line in enumerate(lines) if line.strip() and set(line.strip()) == {"^"})
    source_line, carets = lines[k - 1], lines[k]
    start = carets.index("^")
    return source_line[start:start + carets.count("^")]


@pytest.mark.parametrize("source, wrt, words, under", CASES, ids=[c[0] for c in CASES])
def test_a_refusal_has_its_line_caret_and_letter(source, wrt, words, under):
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt=wrt)
    message = str(info.value)
    assert words in message
    assert "line 1 | " + source in message
    assert _caret(message) == under
    other = "dX" if wrt == "x" else "dx"
    assert other not in message.splitlines()[0]       # the right letter only


def test_a_refusal_in_a_later_line_points_at_that_line():
    source = "Y = diag(diag(X))\nY*a"
    with pytest.raises(MatdiffError) as info:
        derive(source, wrt="X")
    assert info.value.line == 2 and "line 2 | Y*a" in str(info.value)
