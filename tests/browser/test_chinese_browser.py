"""A Chinese derivation in a real JupyterLab, checked in headless chromium (Playwright, Debian's
/usr/bin/chromium) against a real `jupyter lab` on 127.0.0.1.

Runs `%%matdiff --lang zh` and `%%matdiff --lang zh -i` on aᵀ exp(X b) by X and checks what a
reader sees: the rule names and the layout in Chinese (the wording read from the package's own
zh glossary), no English rule name left in the outputs, MathJax typesetting without an error, and
the stepper's buttons in Chinese. With JupyterLab itself in Chinese (the zh_CN language pack and
the translation setting's locale), the renderer's own controls, the notebook context menu's
commands and the cheat sheet panel (its title, headings, Insert buttons and the identities' rule
names) read the package's zh_CN catalog.
Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from .labserver import REPO, artifacts, run_all_cells, running_lab, write_notebook

ARTIFACTS = artifacts()
VIEWPORT = (1280, 1000)
TIMEOUT_MS = 60_000
ZH = json.loads((REPO / "matdiff_magic" / "i18n" / "zh.json").read_text(encoding="utf-8"))

EXAMPLE = "a'*exp(X*b)"  # the seed notes' Example 3
CELLS = (
    "%load_ext matdiff_magic",
    f"%%matdiff --lang zh --wrt X\n{EXAMPLE}",
    f"%%matdiff --lang zh -i --wrt X\n{EXAMPLE}",
)
# The rules this derivation uses (English glossary keys), each of which must show in Chinese.
RULES = ("take the differential", "product rule", "scalar equals its trace", "cyclic property", "read off")
# English that must not be left in a Chinese output.
ENGLISH = (
    "take the differential",
    "product rule",
    "scalar equals its trace",
    "cyclic property",
    "Hadamard trick",
    "read off",
    "element-wise",
    "mixed layout",
    "Mixed layout",
    "checked at a random point",
    "move b to the front",
)
CATALOG = json.loads(
    (REPO / "matdiff_magic" / "locale" / "zh_CN" / "LC_MESSAGES" / "matdiff_magic.json").read_text(
        encoding="utf-8"
    )
)
MATH_ERRORS = "mjx-merror, merror, .MathJax_Error, .jp-RenderedLatex-error"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "zh.ipynb", CELLS)
    with running_lab(root, tmp_path_factory.mktemp("lab-scratch"), ARTIFACTS / "chinese-lab.log") as url:
        yield url


def test_chinese_derivation_and_stepper_in_jupyterlab(lab, page):
    page.goto(lab + "lab/tree/zh.ipynb")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    stepper = page.locator(".matdiff-stepper")
    run_all_cells(page, stepper)
    try:
        derivation = page.locator(".jp-matdiff-derivation").first
        derivation.locator("mjx-container").first.wait_for()
        stepper.locator(".widget-htmlmath mjx-container").first.wait_for()
        page.wait_for_timeout(1500)  # MathJax typesets in batches: let the last ones land
        outputs = page.locator(".jp-OutputArea-output")
        text = "\n".join(outputs.all_inner_texts())
        derivation.screenshot(path=str(ARTIFACTS / "chinese-derivation.png"))
        stepper.screenshot(path=str(ARTIFACTS / "chinese-stepper.png"))
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "chinese-failure.png"))
        raise

    shown = derivation.inner_text()
    for rule in RULES:
        assert ZH[rule] in shown, (rule, ZH[rule], shown)
    assert ZH["mixed layout"] in shown, shown  # no --layout: the seeds' mixed layout
    assert ZH["✓ checked at a random point, max rel. error {0}"].split("{0}")[0] in text, text
    left = [w for w in ENGLISH if w in text]
    assert left == [], (left, text)

    assert "Math Processing Error" not in text
    assert page.locator(f".jp-OutputArea-output :is({MATH_ERRORS})").count() == 0
    assert page.locator(".jp-OutputArea-output mjx-container").count() >= 2  # the math was typeset

    labels = [b.strip() for b in stepper.locator("button").all_inner_texts() if b.strip()]
    assert any(ZH["Prev"] in b for b in labels), labels
    assert any(ZH["Next"] in b for b in labels), labels
    assert not [b for b in labels if any(w in b for w in ("Prev", "Next", "Play"))], labels


@pytest.fixture(scope="module")
def zh_lab(tmp_path_factory):
    """A JupyterLab in zh_CN over a notebook already executed (the menus are in Chinese then)."""
    pytest.importorskip("jupyterlab_language_pack_zh_CN", reason="pip install jupyterlab-language-pack-zh-CN")
    from nbclient import NotebookClient

    root = tmp_path_factory.mktemp("zh-lab")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in CELLS[:2]]
    NotebookClient(
        nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(REPO)}}
    ).execute()
    nbformat.write(nb, root / "zh.ipynb")
    scratch = tmp_path_factory.mktemp("zh-lab-scratch")
    setting = (
        scratch / "lab-settings" / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    )
    setting.parent.mkdir(parents=True)
    setting.write_text(json.dumps({"locale": "zh_CN"}))
    with running_lab(root, scratch, ARTIFACTS / "chinese-zh-lab.log") as url:
        yield url


def test_renderer_controls_follow_jupyterlab_in_chinese(page, zh_lab):
    page.goto(zh_lab + "lab/tree/zh.ipynb")
    view = page.locator(".jp-OutputArea-output:has(.jp-matdiff-derivation)").first
    try:
        view.locator(".jp-matdiff-derivation mjx-container").first.wait_for()
        page.locator(".lm-MenuBar-itemLabel").first.wait_for()
        view.screenshot(path=str(ARTIFACTS / "chinese-renderer-zh-lab.png"))
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "chinese-zh-lab-failure.png"))
        raise
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert menus and "Run" not in menus, menus  # JupyterLab itself is in Chinese

    def word(msgid: str) -> str:
        return CATALOG[msgid][0]

    for cls, msgid in (
        ("jp-matdiff-first", "First"),
        ("jp-matdiff-prev", "◀ Prev"),
        ("jp-matdiff-next", "Next ▶"),
        ("jp-matdiff-last", "Last"),
    ):
        assert view.locator(f".{cls}").inner_text().strip() == word(msgid), (cls, msgid)
    assert view.locator(".jp-matdiff-layout-label").inner_text().strip() == word("Layout:")
    buttons = {
        b.get_attribute("data-layout"): b.inner_text().strip()
        for b in view.locator(".jp-matdiff-layout-button").all()
    }
    assert buttons == {
        "numerator": word("Numerator"),
        "denominator": word("Denominator"),
        "mixed": word("Mixed"),
    }, buttons
    assert view.locator(f":is({MATH_ERRORS})").count() == 0


def test_cheat_sheet_and_commands_follow_jupyterlab_in_chinese(page, zh_lab):
    page.goto(zh_lab + "lab/tree/zh.ipynb")

    def word(msgid: str) -> str:
        return CATALOG[msgid][0]

    notebook = page.locator(".jp-Notebook").first
    try:
        notebook.locator(".jp-Cell").first.wait_for()
        page.locator(".lm-MenuBar-itemLabel").first.wait_for()
        notebook.locator(".jp-Cell").first.click(button="right")
        menu = page.locator(".lm-Menu-content").last
        menu.wait_for()
        labels = [t.strip() for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts()]
        assert word("Matrix calculus cheat sheet") in labels, labels
        assert "插入 %%matdiff 单元格" in labels, labels  # the %%matdiff of the msgid's %1
        menu.locator(".lm-Menu-item", has_text=word("Matrix calculus cheat sheet")).first.click()
        sheet = page.locator("[data-testid=matdiff-cheatsheet]")
        sheet.locator("mjx-container").first.wait_for()
        sheet.screenshot(path=str(ARTIFACTS / "chinese-cheatsheet-zh-lab.png"))
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "chinese-cheatsheet-failure.png"))
        raise
    assert sheet.locator(".jp-matdiff-cheatsheet-title").inner_text().strip() == word("Matrix calculus")
    headings = [h.strip() for h in sheet.locator("h3").all_inner_texts()]
    assert word("Trace tricks") in headings and "Trace tricks" not in headings, headings
    inserts = {b.strip() for b in sheet.locator(".jp-matdiff-cheatsheet-insert").all_inner_texts()}
    assert inserts == {word("Insert")}, inserts
    # The product rule's identity, named as a Chinese derivation's step names it
    names = sheet.locator("[data-rule=product] .jp-matdiff-cheatsheet-names").inner_text()
    assert word("product rule") in names and "product rule" not in names, names
    # The layout table's column heads and row names, and the paragraph on layouts above it
    table = sheet.locator(".jp-matdiff-layout-table")
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert heads == ["", word("num."), word("denom."), word("mixed")], heads
    assert table.locator("thead th").nth(1).get_attribute("title") == word("numerator layout")
    row = table.locator("tr[data-row=scalar-matrix] th .jp-matdiff-cheatsheet-text").inner_text()
    assert row.strip() == word("scalar by matrix"), row
    intro = sheet.locator("[data-section=layouts] p.jp-matdiff-cheatsheet-text").inner_text()
    assert word("numerator layout") in intro and "Numerator" not in intro, intro
    assert sheet.locator(f":is({MATH_ERRORS})").count() == 0
