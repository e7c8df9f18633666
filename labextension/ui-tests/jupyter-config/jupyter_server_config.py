"""JupyterLab server for the browser tests (loaded through JUPYTER_CONFIG_DIR).

Loopback only, no token, settings and workspaces in a fresh temporary folder, and a
notebook folder written from the shared fixtures of the JSON contract.
"""
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from make_notebooks import write_notebooks  # noqa: E402

work = Path(tempfile.mkdtemp(prefix="matdiff-ui-"))
root = work / "notebooks"
write_notebooks(root)

c = get_config()  # noqa: F821
c.Application.log_level = "WARN"
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("MATDIFF_UI_PORT", "8899"))
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
c.ServerApp.root_dir = str(root)
c.ServerApp.disable_check_xsrf = True
c.IdentityProvider.token = ""
c.ServerApp.terminals_enabled = False
c.LabApp.user_settings_dir = str(work / "settings")
c.LabApp.workspaces_dir = str(work / "workspaces")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LanguageServerManager.autodetect = False
