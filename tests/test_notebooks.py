"""Every course notebook runs top to bottom in a real kernel (nbclient, kernel python3, cwd
notebooks/) without errors. A cell may fail only on purpose: it is then tagged `raises-exception`
(nbclient lets it fail), and it must show exactly the package's message (with the line and caret
when the mistake has a place), never a traceback. Notebooks are stored with their outputs cleared; CI executes them here."""
from __future__ import annotations

import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

REPO = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 180            # seconds per cell: generous for a loaded 2-core CI machine
TAG = "raises-exception"

# What each course notebook must show once run: the seeds' results (seed 001, 002, 000).
EXPECTED = {
    "01_layouts": ["2 y", "(A + Aᵀ) y", "∂fᵀ/∂y = Aᵀ", "2 diag(y) Pᵀ + Qᵀ", "b aᵀ", "a bᵀ",
                   "scalar by matrix", "matrix by matrix"],
    "02_definition_vs_differential": ["Kronecker deltas", "= a_i b_j", "∂y/∂X = a bᵀ",
                                      "definition == differential: True"],
    "03_differential_rules_and_trace_tricks": ["Hadamard trick", "cyclic property", "|X|X⁻ᵀ",
                                               "-X⁻ᵀ a bᵀ X⁻ᵀ", "Aᵀ (∂f/∂Y) Bᵀ", "Aᵀ a bᵀ Bᵀ",
                                               "(a ⊙ exp(X b)) bᵀ"],
    "04_applications": ["Xᵀ X β = Xᵀ y", "β̂ = (Xᵀ X)⁻¹ Xᵀ y", "numpy.linalg.lstsq", "Sigma_hat = S: True",
                        "Σ⁻¹ - Σ⁻¹ S Σ⁻¹", "equals δ xᵀ: True", "2 Aᵀ Y Bᵀ"],
    "06_matrix_by_matrix": ["Bᵀ ⊗ A", "-(X⁻ᵀ ⊗ X⁻¹)", "K₍m,n₎", "diag(softmax(x)) - softmax(x) softmax(x)ᵀ",
                            "A + Aᵀ", "Xᵀ diag(σ ⊙ (𝟏 - σ)) X", "σ = σ(X w)", "K vec X = vec Xᵀ: True"],
}


def _text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return output.ename + ": " + output.evalue + "\n".join(output.traceback)
    data = output.get("data", {})
    return "\n".join(str(data.get(k, "")) for k in ("text/plain", "text/markdown", "text/html"))


@pytest.fixture(scope="module")
def executed():
    """Each notebook executed once, shared by the tests below."""
    cache = {}
    env = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))

    def run(path: pathlib.Path):
        if path not in cache:
            nb = nbformat.read(path, as_version=4)
            old = os.environ.get("PYTHONPATH")
            os.environ["PYTHONPATH"] = env
            try:
                NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                               resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
            finally:
                if old is None:
                    os.environ.pop("PYTHONPATH", None)
                else:
                    os.environ["PYTHONPATH"] = old
            cache[path] = nb
        return cache[path]
    return run


def test_there_are_course_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"00_first_tour", "01_layouts", "02_definition_vs_differential",
            "03_differential_rules_and_trace_tricks", "04_applications",
            "05_automatic_differentiation", "06_matrix_by_matrix"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_with_outputs_cleared(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_runs_top_to_bottom_without_errors(path, executed):
    nb = executed(path)     # nbclient raises CellExecutionError on any untagged failing cell
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = [_text(o) for o in cell.outputs]
        assert not [o for o in cell.outputs if o.output_type == "error"], (cell.source[:60], texts)
        assert not any("Traceback" in t for t in texts), cell.source[:60]
        assert not any("numeric check FAILED" in t for t in texts), cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deliberate_errors_show_the_package_message(path, executed):
    nb = executed(path)
    for cell in nb.cells:
        if cell.cell_type != "code" or TAG not in cell.metadata.get("tags", []):
            continue
        stderr = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")
        assert stderr == f"UsageError: {_package_message(cell.source)}\n", (cell.source, stderr)
        assert "Traceback" not in stderr and not [o for o in cell.outputs if o.output_type == "error"]


def _package_message(source: str) -> str:
    """The message the package itself gives for a %%matdiff cell, computed in this process."""
    from matdiff_magic import MatdiffError, derive
    from matdiff_magic.options import parse_options
    first, _, body = source.partition("\n")
    assert first.startswith("%%matdiff"), "only %%matdiff cells may fail on purpose"
    opts, _ = parse_options(first[len("%%matdiff"):], allow_expression=False)
    try:
        derive(body, wrt=opts.wrt, layout=opts.layout, check=opts.check, order=opts.order,
               by_definition=opts.by_definition, solve=opts.solve)
    except MatdiffError as error:
        return str(error)
    raise AssertionError(f"the cell was expected to fail: {source!r}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shows_the_seeds_results(name, executed):
    nb = executed(NOTEBOOK_DIR / f"{name}.ipynb")
    text = "\n".join(_text(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    missing = [s for s in EXPECTED[name] if s not in text]
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ends_with_exercises_checked_by_check_answer(name, executed):
    nb = executed(NOTEBOOK_DIR / f"{name}.ipynb")
    headings = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("### Exercise")]
    assert 2 <= len(headings) <= 3 + 2  # 3 each; notebook 02 adds sums over samples and g: function
    first = nb.cells.index(headings[0])
    tail = [c for c in nb.cells[first:] if c.cell_type == "code"]
    shown = [o["data"]["text/markdown"] for c in tail for o in c.outputs if "text/markdown" in o.get("data", {})]
    assert sum("No answer yet" in s for s in shown) == len(headings)      # the student's cells
    assert sum(s.startswith("**✗") for s in shown) == len(headings)       # the typical mistakes


def test_the_stepper_widget_is_displayed(executed):
    nb = executed(NOTEBOOK_DIR / "03_differential_rules_and_trace_tricks.ipynb")
    data = [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("application/vnd.jupyter.widget-view+json" in d for d in data)
