// Payloads big enough to freeze a renderer that typesets them whole: the page must keep
// answering. Notebooks: ui-tests/make_notebooks.py (huge-steps, huge-tex).
const { test, expect } = require('@playwright/test');
const { openNotebook, screenshotPath, watchErrors } = require('./helpers');

// No trace here: a trace snapshots the whole page, on its main thread, at every call the test
// makes, including each latency probe, which is the blocking these tests measure.
test.use({ trace: 'off' });

/** The mark the renderer sets when it starts drawing (renderer.ts, RENDER_MARK). */
const RENDER_MARK = 'matdiff:render';

/**
 * Ask the page for its clock every 50 ms until stopped: each sample is the page time at
 * which it was answered and how long the round trip took. Navigation errors are skipped.
 */
function sampleLatency(page) {
  const samples = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const sent = Date.now();
      try {
        const at = await page.evaluate(() => performance.now());
        samples.push({ at, latency: Date.now() - sent });
      } catch {
        // The page is navigating: no clock to ask.
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    }
  };
}

/**
 * Record (in the page) when the derivation is first in the page, as text, and when the
 * current step's formula is first typeset.
 */
async function watchFirstPaint(page) {
  await page.addInitScript(() => {
    window.__matdiffDrawn = null;
    window.__matdiffFirstPaint = null;
    new MutationObserver((_records, observer) => {
      if (
        window.__matdiffDrawn === null &&
        document.querySelector('.jp-matdiff-counter')
      ) {
        window.__matdiffDrawn = performance.now();
      }
      if (document.querySelector('.jp-matdiff-derivation mjx-container')) {
        window.__matdiffFirstPaint = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/**
 * Open a huge notebook and check the renderer keeps the page answering: the current step
 * drawn and typeset within 2 s of the renderer starting, and every page.evaluate sent after
 * it started answered within a second, through the first paint, the lazy typesetting of
 * the earlier lines and a burst of key presses. MathJax is loaded first (by a notebook with
 * a formula), so its one-time start-up, which any first formula on a page pays, is not
 * counted against the payload. Returns the output.
 */
async function openResponsive(page, name, { steps } = { steps: 20 }) {
  await watchFirstPaint(page);
  const errors = watchErrors(page);
  await openNotebook(page, 'version2.ipynb');
  await expect(page.locator('.jp-matdiff-fallback mjx-container')).toBeVisible();

  const latency = sampleLatency(page);
  await page.locator('.jp-DirListing-item', { hasText: name }).dblclick();
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByRole('button', { name: 'No Kernel' }).click();
  await expect(dialog).toHaveCount(0);
  const out = page.locator(
    '.jp-NotebookPanel:visible .jp-OutputArea-output .jp-matdiff'
  );
  await expect(out.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
  // Earlier lines are typeset as they come into view, while the reader already steps.
  await out.locator('.jp-matdiff-derivation').click();
  const counter = out.locator('.jp-matdiff-counter');
  const before = await counter.textContent();
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('ArrowLeft');
  }
  await expect(counter).not.toHaveText(before);
  await page.waitForTimeout(3000);
  await latency.stop();

  const timing = await page.evaluate(mark => {
    const marks = performance.getEntriesByName(mark);
    return {
      start: marks.length > 0 ? marks[marks.length - 1].startTime : null,
      drawn: window.__matdiffDrawn,
      paint: window.__matdiffFirstPaint
    };
  }, RENDER_MARK);
  expect(timing.start, 'the renderer ran').toBeGreaterThan(0);
  expect(timing.paint).not.toBeNull();
  const drawn = timing.drawn - timing.start;
  const firstPaint = timing.paint - timing.start;
  // A sample counts when the one before it was answered after the renderer started: it
  // was sent while the renderer was at work.
  const during = latency.samples.filter(
    (s, i) => i > 0 && latency.samples[i - 1].at >= timing.start
  );
  const maxLatency = Math.max(...during.map(s => s.latency));
  console.log(
    `${name}: drawn ${Math.round(drawn)} ms and typeset ${Math.round(firstPaint)} ms ` +
      `after the renderer started; ${during.length} probes while rendering, ` +
      `slowest ${maxLatency} ms`
  );
  expect(drawn).toBeLessThan(2000);
  expect(firstPaint).toBeLessThan(2000);
  expect(during.length).toBeGreaterThanOrEqual(20);
  expect(maxLatency).toBeLessThan(1000);
  expect(errors).toEqual([]);
  return out;
}

test.describe('huge outputs', () => {
  test('a derivation of 100 000 steps keeps the page responsive', async ({ page }) => {
    test.setTimeout(180 * 1000);
    const out = await openResponsive(page, 'huge-steps.ipynb');
    await expect(out.locator('.jp-matdiff-counter')).toHaveText(
      /^Step 99980 of 100000$/
    );
    // Only a window of the lines before the current block is built.
    const blocks = out.locator('.jp-matdiff-derivation-block');
    expect(await blocks.count()).toBeLessThanOrEqual(10);
    await expect(out.locator('.jp-matdiff-show-earlier')).toHaveText(
      /^Show earlier lines \(99\u202f\d{3} not shown\)$/
    );
    await expect(blocks.last().locator('mjx-container')).toBeVisible();
    await out.locator('.jp-matdiff-first').click();
    await expect(out.locator('.jp-matdiff-counter')).toHaveText('Step 1 of 100000');
    await expect(out.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
    await out.screenshot({ path: screenshotPath('huge-steps.png') });
  });

  test('100 KB of TeX in one result keeps the page responsive', async ({ page }) => {
    const out = await openResponsive(page, 'huge-tex.ipynb', { steps: 3 });
    const result = out.locator('.jp-matdiff-result');
    await expect(result).toHaveAttribute('data-refused', 'size');
    await expect(result.locator('.jp-matdiff-tex-note')).toHaveText(
      /^Not typeset: this formula has [\d\u202f]+ characters; formulas over 5\u202f000 characters are shown as text\.$/
    );
    await expect(result.locator('mjx-container')).toHaveCount(0);
    await out.screenshot({ path: screenshotPath('huge-tex.png') });
  });
});
