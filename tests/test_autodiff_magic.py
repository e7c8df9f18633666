"""%%matdiff --graph in a real IPython shell and in a real kernel: the drawing and the trace table
in one display bundle (HTML + LaTeX + text), values from the notebook, and user errors reported
as one message without a traceback."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import run
from nbclient import NotebookClient  # noqa: E402

from matdiff_magic import MatdiffError  # noqa: E402
from matdiff_magic.autodiff.magic_support import expression_names, parse_at  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
SEED_CELL = '%%matdiff --graph --at "x1=2, x2=5"\nln(x1) + x1*x2 - sin(x2)\n'




def test_graph_magic_displays_drawing_and_table(shell):
    result, captured = run(shell, SEED_CELL)
    assert result.success and result.result is None
    drawing, table = captured.outputs
    assert "image/png" in drawing.data
    assert {"text/html", "text/latex", "text/plain"} <= set(table.data)
    html = table.data["text/html"]
    for text in ("v₅", "11.652", "v̇₁ = v̇₋₁/v₋₁", "1.716", "2 + (−0.284)"):
        assert text in html, text
    assert r"\bar{v}_{0}" in table.data["text/latex"]
    assert "v̄₋₁ = v̄₁/v₋₁ + v̄₂·v₀" in table.data["text/plain"]


def test_mode_and_wrt_choose_what_is_shown(shell):
    _, captured = run(shell, '%%matdiff --graph --at "x1=2, x2=5" --mode forward --wrt x2\n'
                             "ln(x1) + x1*x2 - sin(x2)\n")
    text = captured.outputs[1].data["text/plain"]
    assert "forward mode" in text and "reverse mode" not in text
    last = text.splitlines()[-1]
    assert last.startswith("v₅") and last.endswith("1.716")       # ∂f/∂x₂ = x₁ − cos x₂
    _, captured = run(shell, '%%matdiff --graph --at "x1=2, x2=5" --mode reverse\nln(x1) + x1*x2 - sin(x2)\n')
    text = captured.outputs[1].data["text/plain"]
    assert "reverse mode" in text and "forward mode" not in text


def test_matrix_values_come_from_the_namespace(shell):
    rng = np.random.default_rng(0)
    shell.user_ns.update(X0=rng.standard_normal((3, 2)), b0=rng.standard_normal(2), a=rng.standard_normal(3))
    result, captured = run(shell, '%%matdiff --graph --at "X=X0, b=b0" -o g\na\'*exp(X*b)\n')
    assert result.success
    g = shell.user_ns["g"]
    from matdiff_magic import derive
    expected = derive("a'*exp(X*b)", wrt="X", layout="denominator", check=False).evaluate(
        X=shell.user_ns["X0"], a=shell.user_ns["a"], b=shell.user_ns["b0"])
    np.testing.assert_allclose(g.gradient()["X"], expected)
    html = re.sub(r' style="[^"]*"', "", captured.outputs[1].data["text/html"])
    assert "<td>v₋₁</td><td>X</td>" in html


@pytest.mark.parametrize("options,message", [
    ('--at "x1=oops("', "neither a number nor a variable name"),
    ('--at "x1=2, x3=5"', "x3 is not a variable of the expression"),
    ('--at "x1=2, x2=undefined_thing"', "undefined_thing is not defined in the notebook"),
    ('--at "x1=2"', "no value for x2"),
    ('--at "x1=2, x2=5" --wrt z', "--wrt z: the inputs are x1, x2"),
    ('--at "x1=2, x2=5" --mode sideways', "choose forward, reverse or both"),
    ('--at "=2"', "a name is missing"),
])
def test_bad_input_is_one_usage_error_without_traceback(shell, options, message):
    shell.user_ns.pop("x2", None)
    result, captured = run(shell, f"%%matdiff --graph {options}\nln(x1) + x1*x2 - sin(x2)\n")
    assert not result.success
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert message in str(result.error_in_exec)
    assert "Traceback" not in captured.stdout + captured.stderr


def test_parse_at_reads_numbers_and_names_without_eval():
    ns = {"X0": np.eye(2), "__import__": "trap"}
    assert parse_at("x1=2, x2=-5.5e-1 , X=X0", ns) == {"x1": 2.0, "x2": -0.55, "X": ns["X0"]}
    assert parse_at("", ns) == {}
    for bad in ("x1=__import__('os')", "x1=1+1", "x1", "1x=2", "x1=2, x1=3"):
        with pytest.raises(MatdiffError):
            parse_at(bad, ns)


def test_expression_names_skip_definitions():
    assert expression_names("Y = X*b\nf = a'*exp(Y) + sum(X)") == ["X", "b", "a"]


def test_load_ext_does_not_import_matplotlib():
    code = ("import sys, time; t = time.perf_counter(); import matdiff_magic; "
            "from IPython.core.interactiveshell import InteractiveShell; "
            "matdiff_magic.load_ipython_extension(InteractiveShell.instance()); "
            "assert 'matplotlib' not in sys.modules and 'ipywidgets' not in sys.modules; "
            "assert callable(matdiff_magic.graph) and 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)})


def test_graph_magic_in_a_real_kernel():
    nb = nbformat.v4.new_notebook()
    bad = nbformat.v4.new_code_cell('%%matdiff --graph --at "x1=oops("\nln(x1) + x1*x2 - sin(x2)')
    bad.metadata["tags"] = ["raises-exception"]
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext matdiff_magic"),
        nbformat.v4.new_code_cell(SEED_CELL),
        nbformat.v4.new_code_cell("import numpy as np\nX0 = np.arange(6.0).reshape(3, 2) / 10\n"
                                  "b0 = np.ones(2)\na = np.ones(3)"),
        nbformat.v4.new_code_cell('%%matdiff --graph --at "X=X0, b=b0" --mode reverse\na\'*exp(X*b)'),
        bad,
        nbformat.v4.new_code_cell("print('still alive')"),
    ]
    NotebookClient(nb, kernel_name="python3", timeout=60,
                   resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [cell.outputs for cell in nb.cells]
    for out in outputs[:4]:
        assert not [o for o in out if o.output_type == "error"], out
    seed_data = [o.data for o in outputs[1] if o.output_type == "display_data"]
    assert "image/png" in seed_data[0]
    assert "11.652" in seed_data[1]["text/html"] and "text/latex" in seed_data[1]
    matrix_html = [o.data for o in outputs[3] if o.output_type == "display_data"][1]["text/html"]
    assert "Reverse mode" in matrix_html and "Forward mode" not in matrix_html
    errors = "".join(o.get("text", "") + o.get("evalue", "") + "".join(o.get("traceback", []))
                     for o in outputs[4])
    assert "neither a number nor a variable name" in errors
    assert "Traceback (most recent call last)" not in errors and "magic_support" not in errors
    assert outputs[5][0]["text"] == "still alive\n"
