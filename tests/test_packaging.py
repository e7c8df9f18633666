"""What a user of the published package gets, tested the way a release is made and installed.

The sdist is built from a copy of the working tree (the files git would commit: no node_modules,
no build output), with the lab extension built by the package's own build hook; the wheel is built
from the unpacked sdist (so the sdist is complete and needs no node); `twine check` passes on both.
The wheel is installed with no extras into a fresh virtual environment; there a real kernel (the
fresh environment's ipykernel, driven by nbclient) runs `%%matdiff`, `%%matdiff -i` and
`%matdiff --graph`, and `jupyter labextension list` shows the prebuilt extension.

A few minutes (the lab extension build needs node; pip takes its packages from its cache or the
index). Deselected by default (pyproject.toml's addopts); `make test-packaging` runs it:
    .venv/bin/python -m pytest -m packaging tests/test_packaging.py --durations=0
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

pytestmark = pytest.mark.packaging

REPO = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = (REPO / "pyproject.toml").read_text()
NAME = re.search(r'^name = "(.+)"', PYPROJECT, re.M).group(1)
VERSION = re.search(r'^version = "(.+)"', PYPROJECT, re.M).group(1)
LAB_EXTENSION = "matdiff-magic"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DERIVATION = "application/vnd.matdiff.derivation.v1+json"


def sh(*cmd, cwd=None, timeout=900):
    """Run a command; on failure show its whole output. Returns stdout + stderr."""
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout, env=_clean_env())
    assert out.returncode == 0, (f"{' '.join(map(str, cmd))} exited with {out.returncode}\n"
                                 f"--- stdout\n{out.stdout[-6000:]}\n--- stderr\n{out.stderr[-6000:]}")
    return out.stdout + out.stderr


def _clean_env():
    """The environment without the repository's venv or source on the path: the fresh venv must
    find matdiff_magic in its own site-packages, never in the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    venv_bin = str(REPO / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("packaging")


@pytest.fixture(scope="module")
def sdist(work):
    """Build the sdist from a copy of the working tree as git sees it (tracked and new files, not
    ignored ones), so the build never writes into the checkout others work in."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    source = work / "source"
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():                      # a file deleted in the working tree is still listed
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, source / name)
    assert not (source / "matdiff_magic" / "labextension").exists()   # the build hook must make it
    log = sh(sys.executable, "-m", "build", "--sdist", "--outdir", work / "dist", source)
    assert "jlpm run build:prod" in log, log[-3000:]     # the hook built the extension from source
    shutil.rmtree(source / "labextension" / "node_modules", ignore_errors=True)   # ~400 MB
    [path] = (work / "dist").glob("*.tar.gz")
    return path


@pytest.fixture(scope="module")
def wheel(work, sdist):
    """Build the wheel from the unpacked sdist, as `python -m build` and pip do for a release."""
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "unpacked", filter="data")
    [root] = (work / "unpacked").iterdir()
    log = sh(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", root)
    [path] = (work / "dist").glob("*.whl")
    return path, log


FEATURES = """
import matdiff_magic
from matdiff_magic import derive, graph
stepper = derive("a'*exp(X*b)", wrt="X").widget()
figure = graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0).draw()
print(matdiff_magic.__file__, type(stepper.box).__module__, type(figure).__module__)
"""


@pytest.fixture(scope="module")
def fresh(work, wheel):
    """A fresh venv with the wheel installed, no extras, and what that alone gives: the installed
    distributions, and the stepper and the drawing made in plain Python. Then what a user's Jupyter
    environment has besides (ipykernel is not a dependency): a kernel and JupyterLab."""
    venv = work / "fresh-venv"
    sh(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    sh(python, "-m", "pip", "install", "-q", wheel[0])
    listed = sh(python, "-m", "pip", "list", "--format=json")
    installed = {p["name"].lower().replace("_", "-") for p in json.loads(listed[listed.index("["):])}
    sh(python, "-m", "pip", "check")
    features = sh(python, "-c", FEATURES, cwd=venv)
    sh(python, "-m", "pip", "install", "-q", "ipykernel", "jupyterlab>=4.4,<5")
    return venv, installed, features


def test_sdist_has_the_sources_and_the_prebuilt_extension(sdist):
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("pyproject.toml", "README.md", "matdiff_magic/__init__.py",
                   "matdiff_magic/schema/derivation.v1.schema.json", "labextension/package.json",
                   "labextension/install.json", "labextension/src/index.ts",
                   "matdiff_magic/labextension/package.json", "matdiff_magic/labextension/static/style.js"):
        assert needed in names, needed
    leaked = [n for n in names if re.match(r"(\.venv|\.git|labextension/lib|dist|build)/|.*node_modules/", n)]
    assert not leaked, leaked[:10]


def test_wheel_is_built_from_the_sdist_without_node(wheel):
    _, log = wheel
    # the sdist carries the built extension: the hook skips the node build (no jlpm, no npm)
    assert "Skipping build" in log and "jlpm" not in log, log[-3000:]


def test_wheel_carries_the_extension_and_declares_the_feature_dependencies(wheel):
    with zipfile.ZipFile(wheel[0]) as whl:
        names = set(whl.namelist())
        data = f"{NAME}-{VERSION}.data/data/share/jupyter/labextensions/{LAB_EXTENSION}/"
        for needed in ("package.json", "install.json", "static/style.js"):
            assert data + needed in names, data + needed
        assert any(n.startswith(data + "static/remoteEntry.") for n in names)
        assert "matdiff_magic/schema/derivation.v1.schema.json" in names
        assert not any(n.startswith("matdiff_magic/labextension/") for n in names)   # stored once
        ext = json.loads(whl.read(data + "package.json"))
        metadata = whl.read(f"{NAME}-{VERSION}.dist-info/METADATA").decode()
    assert ext["name"] == LAB_EXTENSION and ext["version"] == VERSION
    requires = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)(.*)$", metadata, re.M)
    plain = {name.lower() for name, rest in requires if "extra ==" not in rest}
    assert {"numpy", "ipython", "ipywidgets", "matplotlib"} <= plain, requires


def test_twine_check(sdist, wheel):
    out = sh(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel[0])
    assert out.count("PASSED") == 2, out


def test_wheel_alone_brings_everything_the_features_import(fresh):
    venv, installed, features = fresh
    assert {"numpy", "ipython", "ipywidgets", "matplotlib", "jupyterlab-widgets"} <= installed, installed
    module, widget, figure = features.split()
    assert module.startswith(str(venv)), features        # the installed package, not the checkout
    assert widget.startswith("ipywidgets.") and figure.startswith("matplotlib."), features


def test_magics_in_a_real_kernel_of_the_fresh_venv(fresh, work, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    venv = fresh[0]
    kernels = work / "kernels"
    spec = kernels / "matdiff-fresh"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh venv", "language": "python"}))
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
        monkeypatch.delenv(name, raising=False)   # the kernel must import the installed package
    km = KernelManager(kernel_name="matdiff-fresh",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))

    cells = [
        "import sys, matdiff_magic\nprint(sys.prefix)\nprint(matdiff_magic.__file__)",
        "%load_ext matdiff_magic",
        "%%matdiff --wrt X\na'*exp(X*b)",
        "%%matdiff --wrt Sigma\nSigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))",
        "%%matdiff -i --wrt X\na'*exp(X*b)",
        '%matdiff --graph --at "x1=2, x2=5" ln(x1) + x1*x2 - sin(x2)',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    run_dir = work / "run"           # not the checkout: its matdiff_magic/ must not be importable
    run_dir.mkdir(exist_ok=True)
    nbclient.NotebookClient(nb, km=km, timeout=180,
                            resources={"metadata": {"path": str(run_dir)}}).execute()

    def data(i):
        return {k: v for o in nb.cells[i].outputs for k, v in o.get("data", {}).items()}

    def text(i):
        return "".join(o.get("text", "") for o in nb.cells[i].outputs) + str(data(i).get("text/plain", ""))

    for i, cell in enumerate(nb.cells):
        assert not [o for o in cell.outputs if o.output_type == "error"], (cells[i], cell.outputs)
        assert "internal error" not in text(i), (cells[i], text(i))
    prefix, module = text(0).split()
    assert pathlib.Path(prefix) == venv and module.startswith(str(venv)), text(0)
    for i, result in ((2, "(a ⊙ exp(X b)) bᵀ"), (3, "Σ⁻¹ - Σ⁻¹ S Σ⁻¹")):
        assert DERIVATION in data(i) and "text/latex" in data(i), (cells[i], list(data(i)))
        assert result in text(i) and "✓ checked" in text(i), text(i)
    view = data(4).get(WIDGET_VIEW)
    assert view and view["model_id"], (cells[4], nb.cells[4].outputs)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert view["model_id"] in state
    assert "image/png" in data(5), (cells[5], list(data(5)))


def test_lab_extension_is_installed_and_enabled(fresh):
    venv = fresh[0]
    out = sh(venv / "bin" / "jupyter", "labextension", "list", cwd=venv)
    line = re.search(rf"^\s*{LAB_EXTENSION} v{re.escape(VERSION)} .*$", out, re.M)
    assert line, out
    assert "enabled" in line.group(0) and "OK" in line.group(0), line.group(0)
    assert str(venv / "share" / "jupyter" / "labextensions") in out, out
