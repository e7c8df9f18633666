// The derivation renderer on saved outputs: no kernel, untrusted notebooks.
const fs = require('fs');
const path = require('path');
const { test, expect } = require('@playwright/test');
const {
  FIXTURES,
  XSS,
  fixtureCount,
  openNotebook,
  screenshotPath,
  watchErrors
} = require('./helpers');

const DOCS_IMAGE = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'docs',
  'images',
  'lab-renderer.png'
);

/** A shared fixture, by its path under tests/fixtures. */
function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** The typeset text of a math node (what the reader sees). */
async function shownMath(locator) {
  await expect(locator.locator('mjx-container').first()).toBeVisible();
  return locator.evaluate(n => n.querySelector('mjx-container').textContent);
}

test.describe('derivation renderer', () => {
  test('renders a saved derivation without a kernel', async ({ page, request }) => {
    const errors = watchErrors(page);
    await openNotebook(page, 'aXb.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    await expect(out).toHaveCount(1);
    // The renderer, not the text/latex or text/plain fallbacks, drew the output.
    await expect(page.locator('.jp-OutputArea-output.jp-RenderedMatdiff')).toHaveCount(
      1
    );
    await expect(page.locator('.jp-RenderedLatex')).toHaveCount(0);
    await expect(out.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
    await expect(out.locator('.jp-matdiff-result mjx-container')).toBeVisible();
    await expect(out.locator('.jp-matdiff-counter')).toHaveText('Step 7 of 7');
    await expect(out.locator('.jp-matdiff-step-rule')).toHaveText('read off');
    await expect(out.locator('.jp-matdiff-check')).toHaveAttribute(
      'data-status',
      'passed'
    );
    await expect(out.locator('.jp-matdiff-check')).toContainText(
      'max rel. error 3.1e-10'
    );
    // No session (so no kernel) was started for this notebook; other tests' kernels may run.
    const sessions = await (await request.get('/api/sessions')).json();
    expect(sessions.filter(s => s.path.endsWith('aXb.ipynb'))).toEqual([]);

    expect(errors).toEqual([]);
    await out.screenshot({ path: screenshotPath('renderer-aXb.png') });
    if (process.env.MATDIFF_UPDATE_DOCS === '1') {
      // Step back once so the picture shows a rule, its identity and a note.
      await out.locator('.jp-matdiff-prev').click();
      await expect(out.locator('.jp-matdiff-step-note')).toBeVisible();
      await expect(out.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
      await page.waitForTimeout(500);
      await out.screenshot({ path: DOCS_IMAGE });
    }
  });

  test('Prev and Next step through the derivation', async ({ page }) => {
    await openNotebook(page, 'aXb.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    const derivation = out.locator('.jp-matdiff-derivation');
    const rule = out.locator('.jp-matdiff-step-rule');
    const last = await shownMath(derivation);

    await out.locator('.jp-matdiff-first').click();
    await expect(out.locator('.jp-matdiff-counter')).toHaveText('Step 1 of 7');
    await expect(rule).toHaveText('function');
    await expect(out.locator('.jp-matdiff-prev')).toBeDisabled();
    const first = await shownMath(derivation);
    expect(first).not.toEqual(last);

    const rules = ['function'];
    for (let i = 2; i <= 7; i++) {
      const before = await shownMath(derivation);
      await out.locator('.jp-matdiff-next').click();
      await expect(out.locator('.jp-matdiff-counter')).toHaveText(`Step ${i} of 7`);
      await expect(derivation).toHaveAttribute('data-step', String(i - 1));
      await expect.poll(() => shownMath(derivation)).not.toEqual(before);
      rules.push(await rule.textContent());
    }
    expect(rules).toEqual([
      'function',
      'take the differential',
      'product rule',
      'constant',
      'scalar equals its trace',
      'cyclic property',
      'read off'
    ]);
    await expect(out.locator('.jp-matdiff-next')).toBeDisabled();

    await out.locator('.jp-matdiff-prev').click();
    await expect(rule).toHaveText('cyclic property');
    await expect(out.locator('.jp-matdiff-step-note')).toHaveText(
      'move b to the front'
    );
    await expect(out.locator('.jp-matdiff-step-identity mjx-container')).toBeVisible();
  });

  test('the layout toggle switches the result', async ({ page }) => {
    await openNotebook(page, 'aXb.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    const result = out.locator('.jp-matdiff-result');
    const description = out.locator('.jp-matdiff-result-description');
    await expect(result).toHaveAttribute('data-layout', 'denominator');
    const denominator = await shownMath(result);

    await out.locator('.jp-matdiff-layout button[data-layout=numerator]').click();
    await expect(result).toHaveAttribute('data-layout', 'numerator');
    await expect(description).toContainText('Numerator layout');
    await expect(result).toHaveAttribute(
      'data-tex',
      /\\boldsymbol\{b\} \\boldsymbol\{a\}\^\{T\}/
    );
    await expect.poll(() => shownMath(result)).not.toEqual(denominator);
    await expect(
      out.locator('.jp-matdiff-layout button[data-layout=numerator]')
    ).toHaveAttribute('aria-pressed', 'true');

    await out.locator('.jp-matdiff-layout button[data-layout=mixed]').click();
    await expect(description).toContainText('Mixed layout');
    await out.locator('.jp-matdiff-layout button[data-layout=denominator]').click();
    await expect(description).toContainText('Denominator layout');
    await expect.poll(() => shownMath(result)).toEqual(denominator);
  });

  test('a layout switch changes the heading, the last line, the step panel and the result together', async ({
    page
  }) => {
    const errors = watchErrors(page);
    const d = fixture('generated/seed_2_2_bilinear.json');
    await openNotebook(page, 'layout.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    const derivation = out.locator('.jp-matdiff-derivation');
    const result = out.locator('.jp-matdiff-result');
    await expect(derivation.locator('mjx-container')).toBeVisible();

    /** What each part shows that names a layout, and the TeX of the last line. */
    const shown = () =>
      out.evaluate(node => {
        const text = selector => node.querySelector(selector).textContent;
        const tex = node
          .querySelector('.jp-matdiff-derivation')
          .getAttribute('data-tex');
        const lines = tex.replace(/ \\end\{aligned\}$/, '').split(' \\\\ ');
        return {
          heading: text('.jp-matdiff-header-layout'),
          lastLine: lines[lines.length - 1],
          rule: text('.jp-matdiff-step-rule'),
          note: text('.jp-matdiff-step-note'),
          result: node.querySelector('.jp-matdiff-result').getAttribute('data-tex'),
          description: text('.jp-matdiff-result-description'),
          atLast: node.querySelector('.jp-matdiff-next').disabled
        };
      });
    const named = text =>
      /\b(numerator|denominator|mixed) layout\b/i.exec(text)?.[1].toLowerCase();

    async function expectOneLayout(layout, control) {
      const r = d.results[layout];
      await expect(result).toHaveAttribute('data-layout', layout);
      const s = await shown();
      const where = `${layout}, after ${control}`;
      expect(named(s.heading), where).toBe(layout);
      expect(s.result, where).toBe(`${r.lhs} = ${r.latex}`);
      expect(named(s.description), where).toBe(layout);
      for (const text of [
        s.lastLine.replace(/\\text\{([^{}]*)\}/g, '$1'),
        s.rule,
        s.note
      ]) {
        expect([undefined, layout], `${where}: ${text}`).toContain(named(text));
      }
      if (s.atLast) {
        // The last line is the result in this layout, named by its rule, as the panel says.
        expect(s.lastLine, where).toContain(
          `${r.lhs} &= {\\color{#d62728}{${r.latex}}}`
        );
        expect(s.lastLine, where).toContain(`\\text{${layout} layout}`);
        expect(s.rule, where).toBe(`${layout} layout`);
        expect(s.note, where).toBe(r.description);
      }
    }

    const controls = ['first', 'next', 'next', 'last', 'prev', 'last'];
    for (const layout of ['numerator', 'mixed', 'denominator', 'numerator']) {
      await out.locator(`.jp-matdiff-layout button[data-layout=${layout}]`).click();
      await expectOneLayout(layout, `the ${layout} button`);
      for (const control of controls) {
        await out.locator(`.jp-matdiff-${control}`).click();
        await expectOneLayout(layout, control);
      }
    }
    // What the teacher saw: after Last then Numerator, the typeset last line and the result
    // both give ∂f/∂Xᵀ = b aᵀ, and the line names numerator layout.
    await expect(out.locator('.jp-matdiff-step-rule')).toHaveText('numerator layout');
    await expect.poll(() => shownMath(derivation)).toContain('numerator layout');
    const last = await shownMath(derivation);
    expect(last).not.toContain('denominator layout');
    await expect.poll(() => shownMath(result)).toContain('∂');
    expect(errors).toEqual([]);
    await out.screenshot({ path: screenshotPath('renderer-layout-numerator.png') });
  });

  test('--solve shows ⇔ between its equations, and every line names its rule', async ({
    page
  }) => {
    const d = fixture('generated/solve_least_squares.json');
    await openNotebook(page, 'solve.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    const derivation = out.locator('.jp-matdiff-derivation');
    await expect(out.locator('.jp-matdiff-counter')).toHaveText(
      `Step ${d.steps.length} of ${d.steps.length}`
    );
    const text = await shownMath(derivation);
    const solving = d.steps.filter(step => step.stage === 'solve');
    expect(solving.length).toBeGreaterThanOrEqual(3);
    expect(text.split('⇔').length - 1).toBe(solving.length);
    // "… = 0 ⇔ …", never "… = 0 = …".
    expect(text).not.toMatch(/=\s*[0𝟎]\s*=/);
    // The full view: one line per step, each with its rule beside it.
    const tex = await derivation.getAttribute('data-tex');
    const lines = tex
      .replace(/^\\begin\{aligned\} /, '')
      .replace(/ \\end\{aligned\}$/, '')
      .split(' \\\\ ');
    expect(lines).toHaveLength(d.steps.length);
    d.steps.forEach((step, i) => {
      expect(lines[i]).toContain(`&& {\\small\\color{gray}{\\text{${step.rule}}}}`);
      expect(lines[i].startsWith('&\\Leftrightarrow')).toBe(step.stage === 'solve');
    });
    for (const rule of new Set(d.steps.map(step => step.rule))) {
      expect(text).toContain(rule);
    }
    await out.screenshot({ path: screenshotPath('renderer-solve.png') });
  });

  test('an HTML payload in the data stays text', async ({ page }) => {
    const dialogs = [];
    page.on('dialog', async dialog => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await openNotebook(page, 'xss.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    await expect(out.locator('.jp-matdiff-derivation mjx-container')).toBeVisible();
    await expect(out.locator('.jp-matdiff-function')).toHaveText(XSS);
    await expect(out.locator('.jp-matdiff-check-message')).toHaveText(XSS);

    // Visit every step and layout: each redraw must keep the payload inert.
    await out.locator('.jp-matdiff-first').click();
    while (await out.locator('.jp-matdiff-next').isEnabled()) {
      await expect(out.locator('.jp-matdiff-step-rule')).toContainText(XSS);
      await out.locator('.jp-matdiff-next').click();
    }
    for (const layout of ['numerator', 'denominator', 'mixed']) {
      await out.locator(`.jp-matdiff-layout button[data-layout=${layout}]`).click();
      await expect(out.locator('.jp-matdiff-result-description')).toContainText(XSS);
    }
    await page.waitForTimeout(500);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await out.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await out.screenshot({ path: screenshotPath('renderer-xss.png') });
  });

  test('a newer contract version explains itself and falls back to text/latex', async ({
    page
  }) => {
    await openNotebook(page, 'version2.ipynb');
    const out = page.locator('.jp-OutputArea-output .jp-matdiff');
    await expect(out.locator('.jp-matdiff-error')).toContainText('version 2');
    await expect(out.locator('.jp-matdiff-fallback mjx-container')).toBeVisible();
    await out.screenshot({ path: screenshotPath('renderer-version2.png') });
  });

  test('every shared fixture renders', async ({ page }) => {
    await openNotebook(page, 'fixtures.ipynb');
    const outputs = page.locator('.jp-OutputArea-output .jp-matdiff');
    await expect(outputs).toHaveCount(fixtureCount());
    await expect(page.locator('.jp-matdiff-error')).toHaveCount(0);
    // One picture per fixture, for a person to look over (test-results/fixtures/).
    const count = await outputs.count();
    for (let i = 0; i < count; i++) {
      await outputs.nth(i).scrollIntoViewIfNeeded();
      await expect(
        outputs.nth(i).locator('.jp-matdiff-result mjx-container')
      ).toBeVisible();
      await outputs
        .nth(i)
        .screenshot({ path: screenshotPath(`fixtures/${i + 1}.png`) });
    }
  });
});
