"""No input is ever executed (issue 8, item 3).

The expression language is parsed by our own lexer and parser into our own nodes; nothing a user
writes reaches Python's eval, exec or the shell. Code-like inputs are refused as errors with a
position, through derive() and through the magics, while eval, exec, compile, os.system, os.popen
and subprocess are booby-trapped, and a marker file shows that no shell command ran. The package
source itself contains no call of eval, exec, compile or __import__.
"""
from __future__ import annotations

import builtins
import io
import os
import pathlib
import subprocess
import tokenize

import pytest
from conftest import run

from matdiff_magic import MatdiffError, derive

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "matdiff_magic"

CODE = [
    "__import__('os').system('touch {marker}')",
    "__import__",
    "__class__",
    "x.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "__builtins__",
    "lambda x: x",
    "lambda: 0",
    "exec('open(\"{marker}\", \"w\")')",
    "eval('1+1')",
    "open('{marker}', 'w')",
    "f'{{x}}'",
    'f"{{__import__(\'os\').system(\'touch {marker}\')}}"',
    "`touch {marker}`",
    "x; __import__('os').system('touch {marker}')",
    "a'*x; b",
    "X.T",
    "x[0]",
    "x.shape",
    "import os",
    "os.system('touch {marker}')",
    "globals()",
    "getattr(x, 'a')",
    "print(x)",
    "x if x else y",
    "[x for x in y]",
    "{{1: 2}}",
    "!touch {marker}",
    "$(touch {marker})",
    "x**2",
    "x := 1",
    "x: matrix(__import__('os'))",
]


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "executed"


@pytest.fixture
def trapped(monkeypatch):
    """eval, exec, compile, os.system, os.popen and subprocess raise if anything calls them."""
    def trap(name):
        def called(*args, **kwargs):
            raise AssertionError(f"{name} was called with {args!r}")
        return called
    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, trap(name))
    monkeypatch.setattr(os, "system", trap("os.system"))
    monkeypatch.setattr(os, "popen", trap("os.popen"))
    monkeypatch.setattr(subprocess, "Popen", trap("subprocess.Popen"))


@pytest.mark.parametrize("template", CODE)
def test_code_is_an_error_with_a_position_and_never_runs(template, marker, trapped):
    source = template.format(marker=marker)
    with pytest.raises(MatdiffError) as info:
        derive(source)
    error = info.value
    assert error.message and error.span is not None, source
    assert "^" in str(error)                       # the caret under the offending place
    assert not marker.exists()


@pytest.mark.parametrize("template", CODE)
def test_code_as_the_variable_to_differentiate_by(template, marker, trapped):
    with pytest.raises(MatdiffError):
        derive("a'*x", wrt=template.format(marker=marker))
    assert not marker.exists()


def _run(shell, code):
    """Run a cell in the shared shell fixture; returns the result and everything it printed."""
    result, captured = run(shell, code)
    return result, captured.stdout + captured.stderr


@pytest.mark.parametrize("template", CODE)
def test_code_in_a_cell_is_refused_by_the_magic(shell, template, marker):
    result, output = _run(shell, "%%matdiff\n" + template.format(marker=marker))
    assert not result.success and type(result.error_in_exec).__name__ == "UsageError"
    assert "Traceback" not in output and "internal error" not in output
    assert not marker.exists()


@pytest.mark.parametrize("line", [
    "--wrt \"__import__('os').system('touch {marker}')\" a'*x",
    "-o __builtins__ a'*x",
    "-o \"x; import os\" a'*x",
    "--seed \"__import__('os')\" a'*x",
    "--timeout \"__import__('os')\" a'*x",
    "--layout \"exec('1')\" a'*x",
    "__import__('os').system('touch {marker}')",
    "--graph --at \"x=__import__('os').system('touch {marker}')\" a'*x",
])
def test_code_in_the_magic_line_is_refused(shell, line, marker):
    result, output = _run(shell, "%matdiff " + line.format(marker=marker))
    assert not result.success and type(result.error_in_exec).__name__ == "UsageError", output
    assert "Traceback" not in output and "internal error" not in output
    assert not marker.exists()
    assert _run(shell, "len([1, 2])")[0].result == 2   # builtins and the shell are intact


def _calls(path: pathlib.Path) -> list[str]:
    """Calls of eval/exec/compile/__import__ in a module, from its tokens (not comments or strings)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                tokenize.DEDENT)]
    found = []
    for before, tok, after in zip([None] + tokens, tokens, tokens[1:] + [None]):
        if tok.type == tokenize.NAME and tok.string in ("eval", "exec", "compile", "__import__") \
                and after is not None and after.string == "(" \
                and not (before is not None and before.string in (".", "def")):
            found.append(f"{path.name}:{tok.start[0]}: {tok.line.strip()}")
    return found


def test_the_package_never_calls_eval_exec_compile_or_import():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 10
    assert [c for m in modules for c in _calls(m)] == []


def test_the_scan_would_see_a_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("x = eval('1')  # eval( in a comment\ny = 'exec(2)'\nre.compile('a')\n")
    assert [c.split(": ", 1)[1] for c in _calls(sample)] == ["x = eval('1')  # eval( in a comment"]
