"""Shared fixtures: a real IPython shell with the extension loaded, and running a cell in it."""
from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output


@pytest.fixture(scope="module")
def shell():
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "matdiff_magic")
    return sh


def run(shell, code):
    """Run a cell; returns the ExecutionResult and what it printed."""
    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured
