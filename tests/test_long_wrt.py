"""A --wrt of any length is answered at once: one longer than MAX_WRT_LATEX_CHARS is not read as
LaTeX (that reading grows as the square of the length: 10,000 characters took 36 s), and the
message shows its first 60 characters, in derive() and in the magic."""

from __future__ import annotations

import time

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.latex import MAX_WRT_LATEX_CHARS, wrt_spellings


def test_a_long_wrt_is_unknown_at_once():
    started = time.process_time()
    with pytest.raises(
        MatdiffError, match=r"unknown variable 'X{60}…' for --wrt: the expression's variables are X"
    ):
        derive("tr(X)", wrt="X" * 10_000)
    assert time.process_time() - started < 1.0


def test_a_long_wrt_is_taken_as_written():
    assert wrt_spellings("W" * (MAX_WRT_LATEX_CHARS + 1)) == ["W" * (MAX_WRT_LATEX_CHARS + 1)]
    assert "W_1" in wrt_spellings(r"\mathbf{W}_1")


def test_the_magic_names_a_long_wrt_as_unknown():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "matdiff_magic")
    with capture_output() as out:
        result = ip.run_cell("%%matdiff --wrt " + "X" * 10_000 + "\ntr(X)")
    text = out.stdout + out.stderr + repr(result.error_in_exec)
    assert "unknown variable 'XXXX" in text and "took longer" not in text, text[:500]
