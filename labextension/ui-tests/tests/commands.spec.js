// The two commands, from the command palette and the notebook context menu.
const { test, expect } = require('@playwright/test');
const {
  PYTHON,
  cellSources,
  openNotebook,
  putNotebook,
  runFromPalette,
  screenshotPath
} = require('./helpers');

const DEFAULT_EXAMPLE = "%%matdiff --wrt X\na'*exp(X*b)";

test.describe('commands', () => {
  test('"Insert %%matdiff cell" from the palette', async ({ page, request }) => {
    await putNotebook(request, 'insert-palette.ipynb', ['x = 1'], PYTHON);
    await openNotebook(page, 'insert-palette.ipynb', { kernel: true });
    await runFromPalette(page, 'Insert %%matdiff cell');
    await expect.poll(() => cellSources(page)).toEqual(['x = 1', DEFAULT_EXAMPLE]);
    const inserted = page.locator('.jp-NotebookPanel:visible .jp-Cell').nth(1);
    await expect(inserted).toHaveClass(/jp-mod-active/);
    await expect(inserted.locator('.cm-editor')).toHaveClass(/jp-matdiff-cell/);
  });

  test('both commands in the notebook context menu', async ({ page, request }) => {
    await putNotebook(request, 'insert-menu.ipynb', ['x = 1'], PYTHON);
    await openNotebook(page, 'insert-menu.ipynb', { kernel: true });
    const cell = page.locator('.jp-NotebookPanel:visible .jp-Cell').first();
    await cell.locator('.jp-InputPrompt').click({ button: 'right' });
    const menu = page.locator('.lm-Menu').last();
    await expect(menu.getByText('Matrix calculus cheat sheet')).toBeVisible();
    await menu.getByText('Insert %%matdiff cell').click();
    await expect.poll(() => cellSources(page)).toEqual(['x = 1', DEFAULT_EXAMPLE]);

    await cell.locator('.jp-InputPrompt').click({ button: 'right' });
    await page
      .locator('.lm-Menu')
      .last()
      .getByText('Matrix calculus cheat sheet')
      .click();
    await expect(page.locator('#matdiff-cheatsheet')).toBeVisible();
  });

  test('the cheat sheet typesets its rules and inserts examples', async ({
    page,
    request
  }) => {
    await putNotebook(request, 'cheatsheet.ipynb', ['x = 1'], PYTHON);
    await openNotebook(page, 'cheatsheet.ipynb', { kernel: true });
    await runFromPalette(page, 'Matrix calculus cheat sheet');

    const sheet = page.locator('#matdiff-cheatsheet');
    await expect(sheet).toBeVisible();
    await expect(page.locator('#jp-right-stack #matdiff-cheatsheet')).toHaveCount(1);
    for (const rule of [
      'sum',
      'product',
      'transpose',
      'trace',
      'inverse',
      'determinant',
      'logdet',
      'hadamard',
      'elementwise',
      'scalar-trace',
      'trace-transpose',
      'linearity',
      'cyclic',
      'hadamard-swap',
      'readoff'
    ]) {
      await expect(
        sheet.locator(`.jp-matdiff-cheatsheet-rule[data-rule=${rule}]`)
      ).toHaveCount(1);
    }
    await expect(sheet.locator('.jp-matdiff-layout-table tbody tr')).toHaveCount(4);
    await expect(sheet.locator('.jp-matdiff-math mjx-container').first()).toBeVisible();
    await expect
      .poll(() => sheet.locator('mjx-container').count())
      .toBe(await sheet.locator('.jp-matdiff-math').count());
    await sheet.screenshot({ path: screenshotPath('cheatsheet.png') });

    await sheet.locator('button[data-rule=inverse]').click();
    await expect
      .poll(() => cellSources(page))
      .toEqual(['x = 1', "%%matdiff --wrt X\nX: matrix(n, n)\na'*inv(X)*b"]);
    await sheet.locator('button[data-rule=layouts]').click();
    await expect.poll(async () => (await cellSources(page)).length).toBe(3);
    await expect
      .poll(async () => (await cellSources(page))[2])
      .toContain('--layout numerator');
    await page.screenshot({ path: screenshotPath('cheatsheet-lab.png') });
  });

  test('inserting with no notebook open creates one', async ({ page }) => {
    await page.goto('/lab?reset');
    await expect(page.locator('.jp-Launcher')).toBeVisible({ timeout: 60 * 1000 });
    await page.locator('.jp-Launcher').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+C');
    const input = page.locator('.lm-CommandPalette-input');
    await input.fill('Insert %%matdiff cell');
    await page
      .locator('.lm-CommandPalette-item', { hasText: 'Insert %%matdiff cell' })
      .first()
      .click();
    await expect(page.locator('.jp-NotebookPanel:visible')).toBeVisible();
    await expect.poll(() => cellSources(page)).toEqual([DEFAULT_EXAMPLE]);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });
});
