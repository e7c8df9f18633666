"""Options that cannot be met together, or not for this cell, are refused on the magic's line
with a caret under the option the refusal is about, as a bad value is (--order 3): before, they
gave the message alone."""

from __future__ import annotations

import pytest
from conftest import run

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError

CONFLICTS = [
    # (options, cell, the option the caret is under, words of the message)
    ("--wrt X --solve --order 2", "a'*exp(X*b)", "--solve", "--solve sets the gradient"),
    ("--wrt X --by-definition --order 2", "a'*exp(X*b)", "--by-definition", "definition method"),
    ("--wrt X --symmetric minka --export", "X: symmetric\ntr(X*X*X)", "--symmetric minka", "minka"),
    ("--wrt x --export jax", "g: function\ng(x)", "--export jax", "exported for NumPy only"),
    ("--wrt y --export --order 2", "y = [y1; y2]\ny1^2*y2", "--order 2", "first derivatives"),
]


@pytest.mark.parametrize("options, cell, option, words", CONFLICTS)
def test_a_conflict_of_options_is_shown_under_the_option(shell, options, cell, option, words):
    result, captured = run(shell, f"%%matdiff {options}\n{cell}")
    error = result.error_in_exec
    assert error is not None, captured.stdout
    message = str(error)
    assert "Traceback" not in captured.stderr + captured.stdout
    assert words in message, message
    lines = message.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().startswith("line 1 |"))
    source, caret = lines[at], lines[at + 1]
    assert source.endswith(options), message
    start = source.index(option, source.index(" | "))
    assert caret.index("^") == start and caret.strip() == "^" * len(option), message


def test_the_python_api_names_the_option_without_a_line():
    """derive() has no magic line: the error keeps its message and names the option it is about."""
    with pytest.raises(MatdiffError) as caught:
        derive("a'*exp(X*b)", wrt="X", order=2, solve=True)
    assert caught.value.option == "--solve" and caught.value.span is None
    assert "line 1" not in str(caught.value)
