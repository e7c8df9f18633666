"""What a reader sees in JupyterLab, checked in headless chromium (Playwright, Debian's
/usr/bin/chromium) against a real `jupyter lab` on 127.0.0.1:

- a %%matdiff error wraps between words (JupyterLab's output <pre> breaks anywhere: "metho d"),
  in monospace, with the caret still under the column it points at;
- no formula is clipped: the cheat sheet's rules (the Hadamard identities among them), the
  display equations of notebook 06 and a long derivation in the renderer either fit their box or
  sit in a box that scrolls, and a box that scrolls sideways never needs to scroll down.

Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import shutil

import pytest

from .labserver import REPO, artifacts, run_all_cells, running_lab, write_notebook

VIEWPORT = (1000, 900)
TIMEOUT_MS = 90_000

LOGISTIC = (
    "%%matdiff --wrt w --order 2\n"
    "l = -(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w)))"
)
# A shape error: a long message and hint under a short source line. It runs last, as Run All
# stops at an error.
SHAPE_ERROR = "%%matdiff --wrt x\nx*y"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    cells = ("%load_ext matdiff_magic", LOGISTIC, SHAPE_ERROR)
    write_notebook(root / "display.ipynb", cells)
    # the renderer test runs the same cells in a notebook never run before (no saved outputs)
    write_notebook(root / "display_renderer.ipynb", cells)
    shutil.copy(REPO / "notebooks" / "06_matrix_by_matrix.ipynb", root / "06.ipynb")
    with running_lab(root, tmp_path_factory.mktemp("lab-scratch"), artifacts() / "display-lab.log") as url:
        yield url


# Where the text of an element breaks into visual lines, from the rectangles of ranges over it.
ERROR_LAYOUT = """(pre) => {
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let total = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push([n, total]);
    total += n.data.length;
  }
  const text = nodes.map(([n]) => n.data).join('');
  const at = (offset) => {
    for (const [n, start] of nodes) {
      if (offset < start + n.data.length) return [n, offset - start];
    }
    const [n, start] = nodes[nodes.length - 1];
    return [n, n.data.length];
  };
  const rects = (start, end) => {
    const r = document.createRange();
    r.setStart(...at(start));
    r.setEnd(...at(end));
    return [...r.getClientRects()].filter(x => x.width > 0);
  };
  const tops = (start, end) => new Set(rects(start, end).map(x => Math.round(x.top))).size;
  const lines = text.split('\\n');
  const starts = lines.map((_, i) => lines.slice(0, i).reduce((s, l) => s + l.length + 1, 0));
  const split = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/\\S+/g)) {
      if (tops(starts[i] + m.index, starts[i] + m.index + m[0].length) > 1) split.push(m[0]);
    }
  });
  const caret = lines.findIndex(l => /^\\s*\\^+\\s*$/.test(l));
  let caretShift = null;
  if (caret > 0) {
    const col = lines[caret].indexOf('^');
    const under = rects(starts[caret] + col, starts[caret] + col + 1)[0];
    const over = rects(starts[caret - 1] + col, starts[caret - 1] + col + 1)[0];
    caretShift = Math.abs(under.left - over.left);
  }
  const style = getComputedStyle(pre);
  return {
    text, split, caret, caretShift,
    visualLinesOfMessage: tops(starts[0], starts[0] + lines[0].length),
    wordBreak: style.wordBreak, whiteSpace: style.whiteSpace, font: style.fontFamily,
  };
}"""


def test_error_wraps_between_words_with_the_caret_in_place(page, lab):
    page.goto(lab + "lab/tree/display.ipynb")
    error = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] pre")
    run_all_cells(page, error.first)
    page.locator(".jp-matdiff-derivation").first.wait_for()
    pre = error.first
    pre.scroll_into_view_if_needed()
    seen = page.evaluate(ERROR_LAYOUT, pre.element_handle())
    pre.screenshot(path=str(artifacts() / "display-error.png"))
    assert "shape mismatch" in seen["text"] and "x*y" in seen["text"], seen["text"]
    assert seen["visualLinesOfMessage"] > 1, seen  # the message is wider than the output: it wraps
    assert seen["wordBreak"] == "normal" and seen["whiteSpace"] == "pre-wrap", seen
    assert seen["split"] == [], seen  # ... between words, never inside one
    assert "mono" in seen["font"].lower(), seen
    assert seen["caret"] > 0 and seen["caretShift"] < 1, seen  # ^ under the character it marks


# Every formula under the roots: one wider than its box must be inside a box of its own that
# scrolls sideways (a whole markdown cell or panel scrolling sideways is what a clipped formula
# looks like), and such a box must not need to scroll down (a cut bottom).
CLIPPED = """(selector) => {
  const roots = [...document.querySelectorAll(selector)];
  const scrolls = (e, axis) => ['auto', 'scroll'].includes(getComputedStyle(e)[axis]);
  const out = [];
  for (const root of roots) {
    for (const e of [root, ...root.querySelectorAll('mjx-container, .jp-matdiff-math, .jp-matdiff-derivation-block, .jp-matdiff-block-part')]) {
      if (e.closest('mjx-assistive-mml')) continue;
      const wide = e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0;
      let box = e, scroller = null;
      while (box && box !== root) {   // the root scrolling as a whole (a cell, a panel) is the clipping
        if (scrolls(box, 'overflowX')) { scroller = box; break; }
        box = box.parentElement;
      }
      const label = (e.getAttribute('data-rule') || e.closest('[data-rule]')?.getAttribute('data-rule') || '')
                    + ' ' + e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60);
      if (wide && !scroller) out.push({label, why: 'wider than its box, no scroll', sw: e.scrollWidth, cw: e.clientWidth});
      if (e !== root && scrolls(e, 'overflowX') && e.scrollHeight > e.clientHeight + 1)
        out.push({label, why: 'scrolls sideways and is cut at the bottom', sh: e.scrollHeight, ch: e.clientHeight});
    }
  }
  return {roots: roots.length, typeset: document.querySelectorAll(selector + ' mjx-container').length, clipped: out};
}"""


def _typeset(page, selector: str, count: int = 1) -> None:
    page.wait_for_function(
        "([s, n]) => document.querySelectorAll(s + ' mjx-container').length >= n", arg=[selector, count]
    )
    page.wait_for_timeout(1500)  # MathJax typesets in batches: let the last ones land


def test_cheat_sheet_formulas_are_not_clipped(page, lab):
    page.goto(lab + "lab/tree/06.ipynb")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.locator(".jp-Notebook .jp-Cell").first.click(button="right")  # the notebook's context menu
    page.locator(".lm-Menu-itemLabel", has_text="Matrix calculus cheat sheet").click()
    sheet = page.locator(".jp-matdiff-cheatsheet")
    sheet.wait_for()
    _typeset(page, ".jp-matdiff-cheatsheet", 10)
    for rule in ("hadamard", "hadamard-swap"):
        box = sheet.locator(f'.jp-matdiff-cheatsheet-rule[data-rule="{rule}"]')
        box.scroll_into_view_if_needed()
        box.screenshot(path=str(artifacts() / f"display-cheatsheet-{rule}.png"))
    seen = page.evaluate(CLIPPED, ".jp-matdiff-cheatsheet")
    assert seen["roots"] == 1 and seen["typeset"] >= 10, seen
    assert seen["clipped"] == [], seen["clipped"]
    # A narrow panel (the side bar dragged narrower): the long identities no longer fit their box,
    # which must then scroll sideways without cutting off the bottom of the formula.
    page.add_style_tag(content=".jp-matdiff-cheatsheet .jp-matdiff-cheatsheet-rule { width: 150px; }")
    page.wait_for_timeout(500)
    sheet.locator('.jp-matdiff-cheatsheet-rule[data-rule="hadamard-swap"]').screenshot(
        path=str(artifacts() / "display-cheatsheet-narrow.png")
    )
    narrow = page.evaluate(CLIPPED, ".jp-matdiff-cheatsheet")
    wide = page.evaluate("""() => [...document.querySelectorAll('.jp-matdiff-cheatsheet .jp-matdiff-math')]
                             .filter(e => e.scrollWidth > e.clientWidth + 1).length""")
    assert wide >= 3, wide  # the narrow width does make some formulas scroll
    assert narrow["clipped"] == [], narrow["clipped"]


def test_notebook_06_display_equations_fit(page, lab):
    page.goto(lab + "lab/tree/06.ipynb")
    first = page.locator(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown").first
    first.wait_for()
    _typeset(page, ".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown", 3)
    first.screenshot(path=str(artifacts() / "display-06-first-cell.png"))
    seen = page.evaluate(CLIPPED, ".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown")
    displays = page.locator(".jp-MarkdownCell mjx-container[display='true']").count()
    assert displays >= 1, seen
    assert seen["clipped"] == [], seen["clipped"]


# The renderer's formulas: the where line, the blocks of lines, the step's identity, the result.
RENDERER_MATH = ".jp-matdiff-where, .jp-matdiff-math"
# Every formula the renderer shows is typeset (a step without an identity hides its empty node).
RENDERER_TYPESET = """([root, selector]) => {
  const shown = [...root.querySelectorAll(selector)].filter(e => e.getClientRects().length > 0);
  return shown.length >= 3 && shown.every(e => e.querySelector('mjx-container'));
}"""


def test_long_derivation_in_the_renderer_is_not_clipped(page, lab):
    page.goto(lab + "lab/tree/display_renderer.ipynb")
    renderer = page.locator(".jp-matdiff").first
    run_all_cells(page, renderer.locator(".jp-matdiff-result"))
    # The renderer typesets a formula when it comes into view: bring each one there.
    for math in renderer.locator(RENDERER_MATH).all():
        if math.is_visible():
            math.scroll_into_view_if_needed()
    page.wait_for_function(RENDERER_TYPESET, arg=[renderer.element_handle(), RENDERER_MATH])
    page.wait_for_timeout(1500)  # MathJax typesets in batches: let the last ones land
    page.screenshot(path=str(artifacts() / "display-renderer.png"))
    seen = page.evaluate(CLIPPED, ".jp-matdiff")
    assert seen["roots"] == 1 and seen["typeset"] >= 3, seen
    assert seen["clipped"] == [], seen["clipped"]
