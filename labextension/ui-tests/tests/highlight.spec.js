// Syntax highlighting of %%matdiff cells: after the kernel starts, after a reload, and
// while typing.
const { test, expect } = require('@playwright/test');
const { PYTHON, openNotebook, putNotebook, screenshotPath } = require('./helpers');

const MATDIFF_CELL =
  "%%matdiff --wrt X --layout numerator\nA, B: matrix(n, n)\nf = a'*exp(X*b) + tr(A*X) .* 2.5  # comment";

async function expectHighlighted(page) {
  const cells = page.locator('.jp-NotebookPanel:visible .jp-Cell');
  const editor = cells.nth(0).locator('.cm-editor');
  await expect(editor).toHaveClass(/jp-matdiff-cell/);
  await expect(editor.locator('.cm-matdiff-magic')).toHaveText('%%matdiff');
  await expect(editor.locator('.cm-matdiff-flag').first()).toHaveText('--wrt');
  await expect(editor.locator('.cm-matdiff-value')).toHaveText('numerator');
  await expect(editor.locator('.cm-matdiff-kind')).toHaveText('matrix');
  await expect(editor.locator('.cm-matdiff-function')).toHaveText(['exp', 'tr']);
  await expect(editor.locator('.cm-matdiff-operator').first()).toBeVisible();
  await expect(editor.locator('.cm-matdiff-number')).toHaveText('2.5');
  await expect(editor.locator('.cm-matdiff-comment')).toHaveText('# comment');
  // The Python cell beside it keeps Python highlighting.
  const python = cells.nth(1).locator('.cm-editor');
  await expect(python).not.toHaveClass(/jp-matdiff-cell/);
  await expect(python.locator('[class*=cm-matdiff-]')).toHaveCount(0);
}

test.describe('%%matdiff highlighting', () => {
  test('survives the kernel start and a reload', async ({ page, request }) => {
    await putNotebook(
      request,
      'highlight-kernel.ipynb',
      [MATDIFF_CELL, 'x = 1 + 2'],
      PYTHON
    );
    // openNotebook waits until the kernel is idle: its language_info has reset the mimeType.
    await openNotebook(page, 'highlight-kernel.ipynb', { kernel: true });
    await expectHighlighted(page);
    await page
      .locator('.jp-NotebookPanel:visible .jp-Cell')
      .first()
      .screenshot({ path: screenshotPath('highlight-cell.png') });

    await page.reload();
    await expect(page.locator('#jp-main-statusbar')).toContainText(/Idle/, {
      timeout: 60000
    });
    await expectHighlighted(page);
  });

  test('follows the first line while typing', async ({ page, request }) => {
    await putNotebook(request, 'highlight-typing.ipynb', ['y = 2'], PYTHON);
    await openNotebook(page, 'highlight-typing.ipynb', { kernel: true });
    const editor = page
      .locator('.jp-NotebookPanel:visible .jp-Cell .cm-editor')
      .first();
    await expect(editor).not.toHaveClass(/jp-matdiff-cell/);

    await editor.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('%%matdiff --wrt x\n');
    await expect(editor).toHaveClass(/jp-matdiff-cell/);
    await expect(editor.locator('.cm-matdiff-magic')).toHaveText('%%matdiff');

    // Breaking the magic word switches back to Python.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Delete');
    await expect(editor).not.toHaveClass(/jp-matdiff-cell/);
    await expect(editor.locator('.cm-matdiff-magic')).toHaveCount(0);
  });
});
