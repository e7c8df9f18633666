"""A course notebook as a teacher hands it out: executed, `jupyter nbconvert --to html`, opened in
headless chromium (Playwright, Debian's /usr/bin/chromium) with MathJax 2.7 — the version
nbconvert's template loads — served from the npm package in tests/texcheck/node_modules/mathjax
on 127.0.0.1 instead of the CDN. Every derivation must be typeset: no "[Math Processing Error]",
no TeX error shown in place of a formula (noErrors), no undefined macro (noUndefined), no
formula left as source, no derivation wider than the page (long lines are broken into rows) and no
display formula wider than its cell. The README's docs/images/nbconvert.png and
nbconvert-long-lines.png are refreshed when missing or when UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from .labserver import REPO, artifacts

MATHJAX2 = REPO / "tests" / "texcheck" / "node_modules" / "mathjax"
README_IMAGE = REPO / "docs" / "images" / "nbconvert.png"
README_LONG_IMAGE = REPO / "docs" / "images" / "nbconvert-long-lines.png"
VIEWPORT = (1100, 900)
TIMEOUT_MS = 120_000
NOTEBOOKS = ["00_first_tour", "06_matrix_by_matrix"]  # the seeds' examples; the longest derivations
# nbconvert's own MathJax configuration (its template's default URL), from the local copy
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"

pytestmark = pytest.mark.skipif(
    not (MATHJAX2 / "MathJax.js").exists(),
    reason="MathJax 2 is missing: make test installs it (cd tests/texcheck && jlpm install)",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A directory served on 127.0.0.1 with MathJax 2 under /mathjax/; yields (root, base URL)."""
    root = tmp_path_factory.mktemp("site")
    (root / "mathjax").symlink_to(MATHJAX2, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def executed_html(name: str, root: Path, base: str) -> tuple[Path, int]:
    """The notebook run in a real kernel, then converted by the nbconvert command line; also the
    number of text/latex outputs it shows."""
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    env_path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path
    try:
        NotebookClient(
            nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(REPO / "notebooks")}}
        ).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    latex_outputs = sum(
        1
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/latex" in o.get("data", {}) and "text/html" not in o.get("data", {})
    )
    source = root / f"{name}.ipynb"
    nbformat.write(nb, source)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            f"--HTMLExporter.mathjax_url={base}mathjax/MathJax.js?config={MATHJAX_CONFIG}",
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root / f"{name}.html", latex_outputs


# Resolves when MathJax has started and finished the typesetting nbconvert's page queued.
WAIT_FOR_TYPESETTING = """() => new Promise(resolve => {
  const ready = () => window.MathJax && MathJax.Hub && MathJax.isReady;
  const poll = () => ready() ? MathJax.Hub.Queue(() => resolve(true)) : setTimeout(poll, 100);
  poll();
})"""

# What the page shows: errors of every kind, and how many formulas MathJax typeset.
INSPECT = """() => {
  const text = document.body.innerText;
  const latex = [...document.querySelectorAll('[data-mime-type="text/latex"]')];
  return {
    processingErrors: (text.match(/Math Processing Error/g) || []).length,
    texErrors: [...document.querySelectorAll('.noError, .MathJax_Error, .mjx-merror, [data-mjx-error]')]
               .map(e => e.textContent.slice(0, 200)),
    undefinedMacros: [...document.querySelectorAll('.mjx-mtext, .mjx-mi')]
               .filter(e => /^\\\\[A-Za-z]+$/.test(e.textContent)
                            && getComputedStyle(e).color === 'rgb(255, 0, 0)')
               .map(e => e.textContent),
    latexOutputs: latex.length,
    typesetLatexOutputs: latex.filter(e => e.querySelector('.MathJax_CHTML')).length,
    untypesetLatexOutputs: latex.filter(e => e.textContent.includes('$$'))
                                .map(e => e.textContent.slice(0, 120)),
    typeset: document.querySelectorAll('.MathJax_CHTML').length,
    // A derivation wider than the page needs a sideways scroll: long lines must have been broken.
    wideDerivations: latex.filter(e => e.scrollWidth > e.clientWidth + 1)
                          .map(e => ({sw: e.scrollWidth, cw: e.clientWidth, text: e.textContent.slice(0, 80)})),
    // A display formula of a Markdown cell wider than the cell is cut off or scrolls the cell.
    wideDisplays: [...document.querySelectorAll('.jp-MarkdownOutput .MathJax_Display')]
                          .filter(e => e.scrollWidth > e.clientWidth + 1)
                          .map(e => ({sw: e.scrollWidth, cw: e.clientWidth, text: e.textContent.slice(0, 80)})),
    mathjaxVersion: window.MathJax && MathJax.version,
  };
}"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbconvert_html_typesets_every_derivation(page, site, name):
    root, base = site
    html_path, latex_outputs = executed_html(name, root, base)
    html = html_path.read_text(encoding="utf-8")
    assert f'src="{base}mathjax/MathJax.js?config={MATHJAX_CONFIG}"' in html  # the local copy
    assert "mathjax/2.7.7/latest.js" not in html
    assert latex_outputs >= 3
    # No network here: the template's other CDN scripts (require.js, mermaid) fail at once.
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page.goto(base + html_path.name)
    page.wait_for_function(WAIT_FOR_TYPESETTING, timeout=TIMEOUT_MS)
    seen = page.evaluate(INSPECT)
    if name == NOTEBOOKS[0]:
        save_screenshot(page)
    else:  # the logistic regression's gradient: long lines broken into rows
        save_screenshot(page, "--wrt w -o grad", README_LONG_IMAGE)
    (artifacts() / f"nbconvert-{name}.json").write_text(json.dumps(seen, indent=1))
    assert seen["mathjaxVersion"].startswith("2.7"), seen
    assert seen["processingErrors"] == 0, seen
    assert seen["texErrors"] == [], seen
    assert seen["undefinedMacros"] == [], seen
    assert seen["latexOutputs"] == latex_outputs, seen
    assert seen["typesetLatexOutputs"] == latex_outputs and seen["untypesetLatexOutputs"] == [], seen
    assert seen["wideDerivations"] == [], seen["wideDerivations"]
    assert seen["wideDisplays"] == [], seen["wideDisplays"]


def save_screenshot(page, source: str | None = None, image: Path = README_IMAGE) -> None:
    """A derivation with the cell that made it, as the HTML shows them: the first one, or the one
    whose cell contains ``source``."""
    cells = page.locator(".jp-Cell", has=page.locator('[data-mime-type="text/latex"]'))
    cell = (cells.filter(has_text=source) if source else cells).first
    cell.scroll_into_view_if_needed()
    path = artifacts() / image.name
    cell.screenshot(path=str(path))
    if not image.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
        image.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, image)
