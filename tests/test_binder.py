"""The Binder configuration, checked without Docker: `jupyter-repo2docker --no-build --debug .`
prints the Dockerfile Binder would build. It must use Python 3.11 and install this repository from
binder/requirements.txt *after* copying it (a `.` line), so that pip builds the package and its
prebuilt JupyterLab extension with the node of the Binder image."""
from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
FIRST_NOTEBOOK = "notebooks/00_first_tour.ipynb"     # the Binder link opens JupyterLab here


def test_requirements_install_the_repository():
    lines = [line.split("#")[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    assert "." in lines                          # pip runs after the repository is copied
    assert not (BINDER / "environment.yml").exists()   # it would take precedence over requirements.txt


def test_runtime_is_python_3_11():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_the_linked_notebook_exists():
    assert (REPO / FIRST_NOTEBOOK).is_file()


@pytest.fixture(scope="module")
def repo2docker():
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is not installed "
                                              "(pip install jupyter-repo2docker, or the [test] extra)")
    out = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(REPO)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout, out.stderr


def test_dockerfile_installs_the_package_after_copying_the_repository(repo2docker):
    dockerfile, _ = repo2docker
    copy = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = re.search(r'RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install --no-cache-dir -r "binder/requirements\.txt"',
                        dockerfile)
    assert install, "binder/requirements.txt is not installed"
    assert install.start() > copy, "requirements must be installed after the repository is copied"
    assert dockerfile.count('-r "binder/requirements.txt"') == 1   # not in the pre-assemble phase


def test_dockerfile_uses_python_3_11(repo2docker):
    dockerfile, log = repo2docker
    assert "python=3.11" in dockerfile + log
    # the base environment's lock file for Python 3.11 (its name is escaped in the Dockerfile)
    assert "environment.py-3.11" in dockerfile or "environment-2epy-2d3-2e11" in dockerfile


def test_base_environment_has_node_and_a_jupyterlab_the_extension_supports():
    # the prebuilt extension is built by pip with the image's node, and must load in its JupyterLab
    r2d = pytest.importorskip("repo2docker", reason="jupyter-repo2docker is not installed")
    lock = (pathlib.Path(r2d.__file__).parent / "buildpacks" / "conda" /
            "environment.py-3.11-linux-64.lock").read_text()
    node = re.search(r"/nodejs-(\d+)\.", lock)
    lab = re.search(r"/jupyterlab-(\d+)\.(\d+)\.\d+-", lock)
    assert node and int(node.group(1)) >= 18
    assert lab and (int(lab.group(1)), int(lab.group(2))) >= (4, 0)
    package = json.loads((REPO / "labextension" / "package.json").read_text())
    for name, spec in package.get("dependencies", {}).items():
        if name.startswith("@jupyterlab/") and name != "@jupyterlab/rendermime-interfaces":
            assert re.fullmatch(r"\^4\.\d+\.\d+", spec), (name, spec)
            assert tuple(map(int, spec[1:].split(".")[:2])) <= (int(lab.group(1)), int(lab.group(2))), \
                f"{name} {spec} is newer than Binder's JupyterLab {lab.group(1)}.{lab.group(2)}"
