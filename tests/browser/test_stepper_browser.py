"""The stepper in a real JupyterLab, driven by Playwright through Debian's chromium.

Starts `jupyter lab` on a free loopback port with a copy of stepper.ipynb, runs all cells, clicks
Next to the end, switches the layout and checks the typeset math changed. Screenshots go to
tests/browser/artifacts/; the README's docs/images/stepper.png is refreshed when it is missing or
when UPDATE_SCREENSHOTS=1.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = HERE / "artifacts"
README_IMAGE = REPO / "docs" / "images" / "stepper.png"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-quic"]
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (apt-get install -y chromium)")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright Python package is missing (pip install playwright)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)   # polling a port that is not open yet: nothing to wait on but time
    raise RuntimeError("jupyter lab did not answer within 60 s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(HERE / "stepper.ipynb", root / "stepper.ipynb")
    config = tmp_path_factory.mktemp("jupyter-config")
    # No news toast over the page: the announcements plugin off, in a config dir of our own.
    (config / "labconfig").mkdir()
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path_factory.mktemp("lab-settings")),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("lab-workspaces")),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    port = free_port()
    log = open(artifacts() / "jupyter-lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.allow_root=True",
         f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0"],
        env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)   # the server shuts its kernels down on SIGINT/SIGTERM
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # our own session only
            proc.wait(5)
        log.close()


def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_stepper_in_jupyterlab(lab):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(RECORD_KERNEL_STATUS)
            page.set_default_timeout(TIMEOUT_MS)
            try:
                run_stepper_scenario(page, lab)
            except Exception:
                page.screenshot(path=artifacts() / "failure.png")   # what the page showed
                raise
        finally:
            browser.close()


# Every kernel status the notebook's execution indicator shows, recorded from page start.
RECORD_KERNEL_STATUS = """
window.__kernelStatuses = [];
new MutationObserver(() => {
  const el = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const seen = window.__kernelStatuses, status = el && el.getAttribute('data-status');
  if (status && seen[seen.length - 1] !== status) seen.push(status);
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-status']});
"""
# The indicator reads 'idle' before any kernel is attached, and a run then is dropped or opens
# the Select Kernel dialog: wait until it has been through starting/connecting/busy and is idle.
KERNEL_READY = """() => {
  const seen = window.__kernelStatuses;
  return seen.some(s => s !== 'idle' && s !== 'unknown') && seen[seen.length - 1] === 'idle';
}"""


def run_all_cells(page, stepper) -> None:
    """Run → Run All Cells once the kernel is connected; accept a Select Kernel dialog if one
    comes anyway, and run again."""
    page.wait_for_function(KERNEL_READY)
    started = page.locator(".jp-Notebook .jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]"))
    dialog = page.locator(".jp-Dialog")
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        started.or_(dialog).first.wait_for()
        if not dialog.is_visible():
            break
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")
        page.wait_for_function(KERNEL_READY)
    stepper.wait_for()


def wait_for_step(page, counter, n: int) -> None:
    # Each click goes through the kernel: wait for the label it sends back.
    page.wait_for_function("([el, n]) => el.textContent.startsWith(n + ' of ')",
                           arg=[counter.element_handle(), n])


def wait_for_typeset(page, math) -> None:
    page.wait_for_function("el => el.querySelector('mjx-container') !== null && "
                           "!el.textContent.includes('$')", arg=math.element_handle())


def run_stepper_scenario(page, url: str) -> None:
    page.goto(url + "lab/tree/stepper.ipynb")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    stepper = page.locator(".matdiff-stepper")
    run_all_cells(page, stepper)
    derivation = stepper.locator(".widget-htmlmath").first
    derivation.locator("mjx-container").first.wait_for()
    counter = stepper.locator(".widget-label", has_text=" of ").first
    next_button = stepper.locator("button", has_text="Next")
    prev_button = stepper.locator("button", has_text="Prev")
    assert prev_button.is_disabled() and next_button.is_enabled()
    stepper.screenshot(path=artifacts() / "stepper-start.png")

    total = int(counter.inner_text().split(" of ")[1].split()[0])
    rule = stepper.locator(".widget-htmlmath").nth(1)
    for n in range(2, total + 1):
        next_button.click()
        wait_for_step(page, counter, n)
        if "cyclic property" in rule.inner_text():
            wait_for_typeset(page, derivation)
            wait_for_typeset(page, rule)
            assert "move b to the front" in stepper.inner_text()
            assert "color: rgb(214, 39, 40)" in derivation.inner_html()   # #d62728, typeset
            stepper.screenshot(path=artifacts() / "stepper-cyclic.png")
    assert next_button.is_disabled()

    # Keyboard: the buttons take focus, and Enter or Space presses them.
    prev_button.focus()
    page.keyboard.press("Enter")
    wait_for_step(page, counter, total - 1)
    page.keyboard.press(" ")
    wait_for_step(page, counter, total - 2)
    next_button.focus()
    page.keyboard.press("Enter")
    wait_for_step(page, counter, total - 1)
    page.keyboard.press("Enter")
    wait_for_step(page, counter, total)
    assert "layout" in counter.inner_text()
    wait_for_typeset(page, derivation)
    before = derivation.inner_html()
    assert "mjx-container" in before
    stepper.screenshot(path=artifacts() / "stepper-end-mixed.png")

    stepper.locator(".widget-toggle-buttons button", has_text="numerator").click()
    page.wait_for_function(
        "([el, old]) => el.innerHTML !== old && el.querySelector('mjx-container') !== null",
        arg=[derivation.element_handle(), before])
    result = stepper.locator(".widget-htmlmath").nth(2)
    page.wait_for_function("el => el.textContent.includes('Numerator layout')",
                           arg=result.element_handle())
    after = derivation.inner_html()
    assert after != before and "mjx-container" in after
    stepper.screenshot(path=artifacts() / "stepper-end-numerator.png")
    shot = artifacts() / "stepper-cyclic.png"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not README_IMAGE.exists():
        README_IMAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, README_IMAGE)
