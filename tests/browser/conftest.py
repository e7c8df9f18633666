"""Fixtures of the browser tests: headless chromium (Debian's /usr/bin/chromium, driven by
Playwright; never `playwright install`) and a page in it.

A test module may set VIEWPORT (width, height) and TIMEOUT_MS, Playwright's default wait. After
each test the browser closes and every running Jupyter server is reset (labserver.reset_servers:
its kernels shut down, its saved workspaces deleted), so no test inherits the kernels or the open
notebooks of the one before. A failing test's page is saved to artifacts/failure-<test>.png.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from .labserver import CHROMIUM, LAUNCH_ARGS, artifacts, reset_servers

HERE = Path(__file__).resolve().parent


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is missing (pip install playwright)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None:
        return
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()
            reset_servers()


@pytest.fixture()
def page(request, browser):
    width, height = getattr(request.module, "VIEWPORT", (1280, 900))
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(getattr(request.module, "TIMEOUT_MS", 60_000))
    yield page
    if getattr(request.node, "browser_test_failed", False):
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(artifacts() / f"failure-{name}.png"))
