// Outputs a saved notebook can carry against the page: TeX that draws outside its formula
// or links to javascript:. Notebook: ui-tests/make_notebooks.py (hostile). Payloads big
// enough to freeze a renderer are in responsive.spec.js.
const { test, expect } = require('@playwright/test');
const { openNotebook, screenshotPath } = require('./helpers');

/**
 * What is on top of the notebook at its centre and two other points, whether anything in
 * the outputs is position: fixed, and the links in the outputs whose target, with control
 * characters and whitespace removed (as a browser removes them), is javascript:.
 */
function probePage() {
  const notebook = document.querySelector(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook'
  );
  const box = notebook.getBoundingClientRect();
  const fixed = node => {
    for (let n = node; n && n !== document.body; n = n.parentElement) {
      if (getComputedStyle(n).position === 'fixed') {
        return true;
      }
    }
    return false;
  };
  const points = [
    [0.5, 0.5],
    [0.2, 0.2],
    [0.8, 0.8]
  ].map(([fx, fy]) => {
    const hit = document.elementFromPoint(
      box.left + box.width * fx,
      box.top + box.height * fy
    );
    return {
      fixed: fixed(hit),
      inNotebook: !!hit && !!hit.closest('.jp-Notebook')
    };
  });
  const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
  const all = outputs.flatMap(o => Array.from(o.querySelectorAll('*')));
  const javascript = all
    .filter(n => n.tagName === 'A')
    .map(a =>
      (a.getAttribute('href') || '').replace(/[\u0000-\u0020\u007f-\u00a0]/g, '')
    )
    .filter(href => /^javascript:/i.test(href));
  return {
    points,
    fixedInOutputs: all.filter(n => getComputedStyle(n).position === 'fixed').length,
    links: all.filter(n => n.tagName === 'A').length,
    javascript
  };
}

test.describe('hostile outputs', () => {
  test('TeX in a saved output cannot cover the notebook or link to javascript:', async ({
    page
  }) => {
    const dialogs = [];
    page.on('dialog', async dialog => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await openNotebook(page, 'hostile.ipynb');
    const outputs = page.locator('.jp-OutputArea-output .jp-matdiff');
    await expect(outputs).toHaveCount(2);
    const [overlay, link] = [outputs.nth(0), outputs.nth(1)];
    // The lines without a payload are typeset; the others are text with a note.
    await expect(overlay.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
    await expect(overlay.locator('.jp-matdiff-result .jp-matdiff-tex-note')).toHaveText(
      'Not typeset: it uses \\unicode, which this viewer does not typeset.'
    );
    await link.scrollIntoViewIfNeeded();
    await expect(link.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
    await expect(link.locator('.jp-matdiff-result .jp-matdiff-tex-note')).toContainText(
      'it uses \\href{java[U+0009]script:alert(document.domain)}'
    );

    // Every step and layout of both: each redraw must keep the payload inert.
    for (const out of [overlay, link]) {
      await out.scrollIntoViewIfNeeded();
      await out.locator('.jp-matdiff-first').click();
      while (await out.locator('.jp-matdiff-next').isEnabled()) {
        await out.locator('.jp-matdiff-next').click();
      }
      for (const layout of ['numerator', 'mixed', 'denominator']) {
        await out.locator(`.jp-matdiff-layout button[data-layout=${layout}]`).click();
      }
    }
    await overlay.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1000);

    const probe = await page.evaluate(probePage);
    for (const point of probe.points) {
      expect(point.fixed).toBe(false);
      expect(point.inNotebook).toBe(true);
    }
    expect(probe.fixedInOutputs).toBe(0);
    expect(probe.javascript).toEqual([]);
    expect(probe.links).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: screenshotPath('hostile.png') });
  });
});
