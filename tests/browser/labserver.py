"""A real `jupyter lab` for the browser tests: started on a free loopback port over a directory,
with a config of its own (no announcements toast), stopped with its kernels at the end; and the
steps every scenario needs (wait for the kernel, Run All Cells).

When the lab extension has just been built (``jlpm build:prod`` writes matdiff_magic/labextension),
that build is the one JupyterLab loads (it comes first in JUPYTER_PATH), so a change to the
TypeScript or the CSS is tested without reinstalling the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
BUILT = REPO / "matdiff_magic" / "labextension"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]


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
            time.sleep(0.3)  # polling a port that is not open yet: nothing to wait on but time
    raise RuntimeError(f"jupyter lab did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def running_lab(root: Path, scratch: Path, log_path: Path):
    """Yields the base URL of a JupyterLab serving ``root``; ``scratch`` holds its settings."""
    config = scratch / "jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    data = scratch / "jupyter-data"
    if (BUILT / "package.json").exists():
        (data / "labextensions").mkdir(parents=True, exist_ok=True)
        link = data / "labextensions" / "matdiff-magic"
        if not link.exists():
            link.symlink_to(BUILT, target_is_directory=True)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")])),
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "lab-workspaces"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                "--ServerApp.token=",
                "--ServerApp.password=",
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
            wait_until_up(url, proc)
            yield url
        finally:
            proc.send_signal(signal.SIGINT)  # the server shuts its kernels down on SIGINT/SIGTERM
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own session only
                proc.wait(5)


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


def run_all_cells(page, done) -> None:
    """Run → Run All Cells once the kernel is connected (the page must have RECORD_KERNEL_STATUS
    as an init script); accept a Select Kernel dialog if one comes anyway, and run again. Waits
    for the locator ``done``."""
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
    done.wait_for()
