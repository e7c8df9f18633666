"""The magics in a real IPython shell and in a real kernel: output bundles, -o, errors without
tracebacks, and a kernel that keeps working."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import numpy as np
import pytest
from conftest import run
from nbclient import NotebookClient

from matdiff_magic.derivation.record import MIME, Derivation


def test_cell_magic_displays_the_derivation(shell):
    result, captured = run(shell, "%%matdiff --wrt X --layout numerator -o d\na'*exp(X*b)\n")
    assert result.success
    d = shell.user_ns["d"]
    assert isinstance(d, Derivation) and d.layout == "numerator"
    assert isinstance(result.result, Derivation)
    bundle = result.result._repr_mimebundle_()
    assert {"text/plain", "text/latex", MIME} <= set(bundle)
    assert "Hadamard trick" in captured.stdout


def test_line_magic_takes_the_expression_after_the_options(shell):
    result, _ = run(shell, "%matdiff --wrt x a'*x + x'*A*x")
    assert result.success
    rng = np.random.default_rng(0)
    a, x, A = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal((3, 3))
    assert np.allclose(result.result.evaluate(a=a, x=x, A=A), a + (A + A.T) @ x)


def test_line_magic_default_wrt_with_one_variable(shell):
    result, _ = run(shell, "x = %matdiff norm2(x)^2")
    assert result.success
    assert "2 x" in str(shell.user_ns["x"].steps[-1].text)


@pytest.mark.parametrize("cell, fragment", [
    ("%%matdiff --wrt X\na'*X*\n", "ends too early"),
    ("%%matdiff --wrt X\n(a'*X*b\n", "unbalanced parentheses"),
    ("%%matdiff --wrt X\nfoo(X)\n", "unknown function 'foo'"),
    ("%%matdiff --wrt X\nx*X\n", "shape mismatch"),
    ("%%matdiff --wrt Q\na'*X*b\n", "unknown variable 'Q'"),
    ("%%matdiff --wrt X --order 2\nX*b\n", "needs a scalar function"),
    ("%%matdiff --layout sideways\na'*x\n", "choose numerator, denominator or mixed"),
    ("%%matdiff --bogus\na'*x\n", "unknown option --bogus"),
    ("%%matdiff --wrt X\n__import__('os').system('touch /tmp/matdiff_pwned')\n", "unexpected character"),
])
def test_user_errors_are_one_message_without_traceback(shell, cell, fragment):
    result, captured = run(shell, cell)
    assert not result.success
    text = captured.stdout + captured.stderr
    assert fragment in text
    assert "Traceback" not in text
    assert "^" in text or "--" in cell.splitlines()[0]   # a caret under the offending column


def test_nothing_from_the_cell_is_executed(shell, tmp_path):
    marker = tmp_path / "pwned"
    run(shell, f"%%matdiff\nexec(open('{marker}','w'))\n")
    assert not marker.exists()


def test_shell_keeps_working_after_an_error(shell):
    run(shell, "%%matdiff --wrt X\n)(\n")
    result, _ = run(shell, "1 + 1")
    assert result.success and result.result == 2


def test_load_ext_does_not_import_heavy_modules():
    code = ("import sys, time; t = time.perf_counter(); "
            "from IPython.core.interactiveshell import InteractiveShell; sh = InteractiveShell.instance(); "
            "t0 = time.perf_counter(); sh.run_line_magic('load_ext', 'matdiff_magic'); "
            "heavy = [m for m in ('numpy', 'sympy', 'matplotlib', 'ipywidgets') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_in_a_real_kernel():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext matdiff_magic"),
        nbformat.v4.new_code_cell("%%matdiff --wrt Sigma -o d\nSigma, S: symmetric\n"
                                  "log(det(Sigma)) + tr(S*inv(Sigma))"),
        nbformat.v4.new_code_cell("%%matdiff --wrt X\na'*X*"),
        nbformat.v4.new_code_cell("print(d.steps[-1].text)"),
    ]
    NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True).execute()
    ok = nb.cells[1].outputs[0]
    assert ok["output_type"] == "execute_result"
    assert {"text/plain", "text/latex", MIME} <= set(ok["data"])
    assert "Σ⁻¹ - Σ⁻¹ S Σ⁻¹" in ok["data"]["text/plain"]
    bad = nb.cells[2].outputs
    text = "".join(o.get("text", "") + o.get("evalue", "") + "".join(o.get("traceback", []))
                   for o in bad)
    assert "ends too early" in text and "Traceback" not in text
    assert "Σ⁻¹ - Σ⁻¹ S Σ⁻¹" in nb.cells[3].outputs[0]["text"]   # the kernel is still alive
