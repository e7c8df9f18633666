"""The stepper in a real JupyterLab, driven by Playwright through Debian's chromium.

Starts `jupyter lab` on a free loopback port with a copy of stepper.ipynb, runs all cells, clicks
Next to the end, switches the layout and checks the typeset math changed. Screenshots go to
tests/browser/artifacts/; the README's docs/images/stepper.png is refreshed when it is missing or
when UPDATE_SCREENSHOTS=1.
"""

import os
import shutil
from pathlib import Path

import pytest

from .labserver import REPO, artifacts, run_all_cells, running_lab

HERE = Path(__file__).resolve().parent
README_IMAGE = REPO / "docs" / "images" / "stepper.png"
VIEWPORT = (1280, 900)
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(HERE / "stepper.ipynb", root / "stepper.ipynb")
    with running_lab(root, tmp_path_factory.mktemp("lab-scratch"), artifacts() / "jupyter-lab.log") as url:
        yield url


def test_stepper_in_jupyterlab(page, lab):
    run_stepper_scenario(page, lab)


def wait_for_step(page, counter, n: int) -> None:
    # Each click goes through the kernel: wait for the label it sends back.
    page.wait_for_function(
        "([el, n]) => el.textContent.startsWith(n + ' of ')", arg=[counter.element_handle(), n]
    )


def wait_for_typeset(page, math) -> None:
    page.wait_for_function(
        "el => el.querySelector('mjx-container') !== null && !el.textContent.includes('$')",
        arg=math.element_handle(),
    )


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
            assert "color: rgb(214, 39, 40)" in derivation.inner_html()  # #d62728, typeset
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
        arg=[derivation.element_handle(), before],
    )
    result = stepper.locator(".widget-htmlmath").nth(2)
    page.wait_for_function("el => el.textContent.includes('Numerator layout')", arg=result.element_handle())
    after = derivation.inner_html()
    assert after != before and "mjx-container" in after
    stepper.screenshot(path=artifacts() / "stepper-end-numerator.png")
    shot = artifacts() / "stepper-cyclic.png"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not README_IMAGE.exists():
        README_IMAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, README_IMAGE)
