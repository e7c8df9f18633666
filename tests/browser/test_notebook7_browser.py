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

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labserver import (
    BUILT,
    CHROMIUM,
    LAUNCH_ARGS,
    RECORD_KERNEL_STATUS,
    REPO,
    free_port,
    run_all_cells,
)

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing (pip install playwright)"
)
pytest.importorskip("notebook", reason="Notebook 7 is missing (pip install 'matdiff_magic[lab]')")

CELLS = (
    "%load_ext matdiff_magic",
    "%%matdiff --wrt x\nf = x'*A*x",
    "%%matdiff -i --wrt X\nf = tr(A*X*B)",
)
# The federated extension's code: blocking it is loading the page without the extension.
OURS = re.compile(r"/extensions/matdiff-magic/")


def _wait_until_up(url: str, token: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter notebook exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)  # polling a port that is not open yet: nothing to wait on but time
    raise RuntimeError(f"jupyter notebook did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def running_notebook(root: Path, scratch: Path, log_path: Path):
    """Yields (base URL, token) of a Notebook 7 serving ``root``, loading the extension just
    built in matdiff_magic/labextension ahead of the installed one."""
    config = scratch / "jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    data = scratch / "jupyter-data"
    if (BUILT / "package.json").exists():
        (data / "labextensions").mkdir(parents=True, exist_ok=True)
        (data / "labextensions" / "matdiff-magic").symlink_to(BUILT, target_is_directory=True)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")])),
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    token = secrets.token_hex(16)
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "notebook",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                "--ServerApp.allow_root=True",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.port_retries=0",
            ],
            env=env,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(url, token, proc)
            yield url, token
        finally:
            proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down and exits
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own session only
                proc.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("nb7")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "matdiff.ipynb")
    ARTIFACTS.mkdir(exist_ok=True)
    scratch = tmp_path_factory.mktemp("nb7-scratch")
    with running_notebook(root, scratch, ARTIFACTS / "notebook7.log") as running:
        yield running


@pytest.fixture()
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, url: str, token: str, *, block_extension: bool):
    """A fresh page on the notebook, recording console errors and page errors (with stacks)."""
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(RECORD_KERNEL_STATUS)
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
    page.screenshot(path=str(ARTIFACTS / "notebook7.png"))

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
