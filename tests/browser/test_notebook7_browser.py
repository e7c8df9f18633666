"""The lab extension in Notebook 7 (the `notebook` package of the `lab` extra), checked in headless
chromium against a real `jupyter notebook` with a token on 127.0.0.1:

- a notebook that loads the magic runs a `%%matdiff` cell and a `%%matdiff -i` cell: the
  derivation renders in the extension's renderer and the stepper's widget appears;
- the highlighting (the `jp-matdiff-cell` editor class) and the commands (the notebook's
  context menu: the cheat sheet in the right panel, "Insert %%matdiff cell") load;
- no console or page error mentions matdiff, and no error mentioning 'schema' comes from the
  extension. Notebook 7.6 raises "Cannot read properties of undefined (reading 'schema')" by
  itself: @jupyterlab/shortcuts-extension's pluginChanged handler reads the shortcuts plugin's
  settings before they are loaded. The test loads the page once more with the extension's
  code blocked and requires every such error to be there too, raised outside the extension.
"""

from __future__ import annotations

import re

import pytest

from .labserver import artifacts, run_all_cells, running_notebook, write_notebook

VIEWPORT = (1100, 900)
TIMEOUT_MS = 60_000

pytest.importorskip("notebook", reason="Notebook 7 is missing (pip install 'matdiff_magic[lab]')")

CELLS = (
    "%load_ext matdiff_magic",
    "%%matdiff --wrt x\nf = x'*A*x",
    "%%matdiff -i --wrt X\nf = tr(A*X*B)",
)
# The federated extension's code: blocking it is loading the page without the extension.
OURS = re.compile(r"/extensions/matdiff-magic/")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("nb7")
    write_notebook(root / "matdiff.ipynb", CELLS)
    scratch = tmp_path_factory.mktemp("nb7-scratch")
    with running_notebook(root, scratch, artifacts() / "notebook7.log") as running:
        yield running


def _open(browser, url: str, token: str, *, block_extension: bool):
    """A fresh page on the notebook, recording console errors and page errors (with stacks)."""
    width, height = VIEWPORT
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[dict] = []
    page.on("console", lambda m: m.type == "error" and errors.append({"text": m.text, "stack": ""}))
    page.on("pageerror", lambda e: errors.append({"text": str(e), "stack": e.stack or ""}))
    extension_requests: list[str] = []
    page.on("request", lambda r: OURS.search(r.url) and extension_requests.append(r.url))
    if block_extension:
        page.route(OURS, lambda route: route.abort())
    page.goto(f"{url}notebooks/matdiff.ipynb?token={token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    return page, errors, extension_requests


def _schema_errors(errors: list[dict]) -> list[dict]:
    return [e for e in errors if "schema" in e["text"].lower()]


def test_notebook7_runs_matdiff_without_errors_from_the_extension(server, browser):
    url, token = server
    page, errors, requested = _open(browser, url, token, block_extension=False)
    assert any("remoteEntry" in r for r in requested), requested  # the extension did load

    # Run every cell: the derivation renders in our renderer, the -i cell shows its stepper.
    derivation = page.locator(".jp-matdiff-derivation").first
    run_all_cells(page, derivation)
    derivation.locator("mjx-container").first.wait_for()  # typeset by Notebook 7's MathJax
    assert "read off" in derivation.inner_text()
    stepper = page.locator(".matdiff-stepper")
    stepper.locator(".widget-htmlmath mjx-container").first.wait_for()
    stepper.locator("button", has_text="Next").first.wait_for()

    # Highlighting: the %%matdiff cells' editors carry the extension's class, the first does not.
    editors = page.locator(".jp-Notebook .jp-Cell .cm-editor")
    marked = [editors.nth(i).evaluate("e => e.classList.contains('jp-matdiff-cell')") for i in range(3)]
    assert marked == [False, True, True], marked

    # Commands: both are in the notebook's context menu and work in Notebook 7's shell.
    page.locator(".jp-Notebook .jp-Cell").first.click(button="right")
    page.locator(".lm-Menu-itemLabel", has_text="Matrix calculus cheat sheet").click()
    page.locator(".jp-matdiff-cheatsheet").wait_for()
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    page.locator(".jp-Notebook .jp-Cell").last.click(button="right")
    page.locator(".lm-Menu-itemLabel", has_text="Insert %%matdiff cell").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-Notebook .jp-Cell').length > n", arg=cells_before
    )
    page.locator(".jp-Notebook .jp-Cell").last.locator(".cm-editor.jp-matdiff-cell").wait_for()
    page.screenshot(path=str(artifacts() / "notebook7.png"))

    ours = [e for e in errors if "matdiff" in (e["text"] + e["stack"]).lower()]
    assert ours == [], ours
    schema = _schema_errors(errors)
    assert all(not OURS.search(e["stack"]) for e in schema), schema
    if schema:
        # Notebook 7's own race (see the module docstring): the same error without the
        # extension. A race may not fire on every load: up to three loads.
        seen: set[str] = set()
        for _ in range(3):
            control_page, control, blocked = _open(browser, url, token, block_extension=True)
            control_page.close()
            assert blocked, "the control page did not try to load the extension"
            seen |= {e["text"] for e in _schema_errors(control)}
            if {e["text"] for e in schema} <= seen:
                break
        assert {e["text"] for e in schema} <= seen, (schema, seen)
