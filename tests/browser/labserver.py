"""Real Jupyter servers for the browser tests: `jupyter lab` or Notebook 7 (`jupyter notebook`) on a
free loopback port over a directory, with a config of its own (no announcements toast), stopped
with its kernels at the end; and the steps every scenario needs (a notebook file, wait for the
kernel, Run All Cells).

Each server keeps its kernels and its saved workspace between the tests of a module: a page
opened on a notebook reopens, from the default workspace, every notebook an earlier page had
open, in background tabs that start kernels of their own and hold elements the tests' selectors
also match. ``reset_servers`` (run after every test by conftest.py) shuts those kernels down and
deletes the workspaces through the REST API, so every test starts from a server with no kernel
and no open notebook.

When the lab extension has just been built (``jlpm build:prod`` writes matdiff_magic/labextension),
that build is the one the server loads (it comes first in JUPYTER_PATH), so a change to the
TypeScript or the CSS is tested without reinstalling the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
BUILT = REPO / "matdiff_magic" / "labextension"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]
# A kernel starts in a few seconds on an idle machine; CI's two cores also run other servers.
KERNEL_TIMEOUT_S = 180

# Base URL -> token of every server running now (what reset_servers cleans).
_LIVE: dict[str, str] = {}


def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def write_notebook(path: Path, cells: Iterable[str]) -> Path:
    """A notebook of code cells with the python3 kernelspec (no kernel dialog on opening)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url: str, path: str, method: str = "GET", token: str = ""):
    """A REST call to the server at ``url``; the decoded JSON answer (None when empty)."""
    request = urllib.request.Request(url + path, method=method)
    if token:
        request.add_header("Authorization", f"token {token}")
    else:  # no token, no login: a change passes the XSRF check as JupyterLab's own calls do,
        # with the same token in the _xsrf cookie and the X-XSRFToken header
        xsrf = secrets.token_hex(16)
        request.add_header("Cookie", f"_xsrf={xsrf}")
        request.add_header("X-XSRFToken", xsrf)
    with urllib.request.urlopen(request, timeout=30) as r:
        body = r.read()
    return json.loads(body) if body else None


def wait_until_up(url: str, proc: subprocess.Popen, token: str = "", seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the jupyter server exited with {proc.returncode}")
        try:
            api(url, "api/status", token=token)
            return
        except OSError:
            time.sleep(0.3)  # polling a port that is not open yet: nothing to wait on but time
    raise RuntimeError(f"the jupyter server did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def running_jupyter(app: str, root: Path, scratch: Path, log_path: Path, token: str = "") -> Iterator[str]:
    """Yields the base URL of ``jupyter <app>`` (lab or notebook) serving ``root``; ``scratch``
    holds its settings (lab-settings/) and workspaces. An empty token turns authentication off."""
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
    auth = (
        [f"--IdentityProvider.token={token}"]
        if token
        else ["--IdentityProvider.token=", "--ServerApp.password="]
    )
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                app,
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                *auth,
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
            wait_until_up(url, proc, token)
            _LIVE[url] = token
            yield url
        finally:
            if _LIVE.pop(url, None) is not None:
                with contextlib.suppress(OSError):
                    shut_down_kernels(url, token)
            proc.send_signal(signal.SIGTERM)  # the server shuts any kernel left down and exits
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own session only
                proc.wait(5)


@contextlib.contextmanager
def running_lab(root: Path, scratch: Path, log_path: Path) -> Iterator[str]:
    """Yields the base URL of a JupyterLab serving ``root`` (no token)."""
    with running_jupyter("lab", root, scratch, log_path) as url:
        yield url


@contextlib.contextmanager
def running_notebook(root: Path, scratch: Path, log_path: Path) -> Iterator[tuple[str, str]]:
    """Yields (base URL, token) of a Notebook 7 serving ``root``, with a token as users run it."""
    token = secrets.token_hex(16)
    with running_jupyter("notebook", root, scratch, log_path, token) as url:
        yield url, token


def shut_down_kernels(url: str, token: str = "") -> None:
    """Deletes every session (which shuts its kernel down) and any kernel left without one."""
    for session in api(url, "api/sessions", token=token):
        _delete(url, f"api/sessions/{session['id']}", token)
    for kernel in api(url, "api/kernels", token=token):
        _delete(url, f"api/kernels/{kernel['id']}", token)


def delete_workspaces(url: str, token: str = "") -> None:
    """Deletes JupyterLab's saved workspaces: the next page opens only the notebook it asks for."""
    try:
        ids = api(url, "lab/api/workspaces", token=token)["workspaces"]["ids"]
    except urllib.error.HTTPError as e:
        if e.code == 404:  # a server without JupyterLab's workspaces API
            return
        raise
    for space in ids:
        _delete(url, "lab/api/workspaces/" + urllib.parse.quote(space.lstrip("/")), token)


def _delete(url: str, path: str, token: str) -> None:
    try:
        api(url, path, "DELETE", token)
    except urllib.error.HTTPError as e:
        if e.code != 404:  # 404: it ended meanwhile
            raise


def reset_servers() -> None:
    """Every running server back to no kernel and no saved workspace (after a test's browser closed)."""
    for url, token in list(_LIVE.items()):
        shut_down_kernels(url, token)
        delete_workspaces(url, token)


def wait_for_kernel(page, seconds: float = KERNEL_TIMEOUT_S) -> None:
    """Waits until the notebook the page shows (JupyterLab's lab/tree/<path>, Notebook 7's
    notebooks/<path>) has a session on the server whose kernel is idle with a client connected
    (the page's: the kernel then exists in the page, which queues a run until its connection is
    up). The server's state is polled, not the notebook's status indicator: that reads 'idle'
    before a kernel is attached, and a busy -> idle transition can come and go between looks."""
    parts = urllib.parse.urlsplit(page.url)
    url = f"{parts.scheme}://{parts.netloc}/"
    found = re.search(r"/(?:tree|notebooks)/(.+)$", parts.path)
    if found is None:
        raise ValueError(f"no notebook path in {page.url}")
    path = urllib.parse.unquote(found.group(1))
    token = _LIVE.get(url, "")
    deadline = time.monotonic() + seconds
    sessions: list = []
    while time.monotonic() < deadline:
        sessions = api(url, "api/sessions", token=token)
        if any(
            s["path"] == path
            and s.get("kernel")
            and s["kernel"]["execution_state"] == "idle"
            and s["kernel"].get("connections", 0) > 0
            for s in sessions
        ):
            return
        page.wait_for_timeout(250)  # the server announces nothing: poll its REST API
    raise TimeoutError(f"{path}: no idle kernel with a client within {seconds:.0f} s: {sessions}")


def run_all_cells(page, done) -> None:
    """Run → Run All Cells in the notebook shown once its kernel is ready (accepting a Select
    Kernel dialog if one comes anyway, and running again); then waits for the locator ``done``,
    the rendered output the scenario needs."""
    wait_for_kernel(page)
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    started = shown.locator(".jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]"))
    dialog = page.locator(".jp-Dialog")
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        started.or_(dialog).first.wait_for()
        if not dialog.is_visible():
            break
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")
        wait_for_kernel(page)
    done.wait_for()
