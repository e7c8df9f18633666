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

test.describe('%matdiff line highlighting', () => {
  const LINE = "%matdiff --wrt x a'*x + x'*A*x";

  /** Colours and texts of the matdiff tokens of the first cell, and of Python's in the second. */
  const read = page =>
    page.locator('.jp-NotebookPanel:visible').evaluate(panel => {
      const [magicCell, pythonCell] = panel.querySelectorAll('.jp-Cell .cm-editor');
      const line = magicCell.querySelector('.cm-line.jp-matdiff-line-magic');
      const joined = selector =>
        line
          ? Array.from(line.querySelectorAll(selector))
              .map(n => n.textContent)
              .join('')
          : '';
      const color = node => (node ? getComputedStyle(node).color : null);
      // Every character of the magic line sits in the innermost element that colours it.
      const colours = {};
      if (line) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (const c of n.textContent.replace(/\s/g, '')) {
            (colours[c] ??= new Set()).add(color(n.parentElement));
          }
        }
      }
      const pyString = Array.from(pythonCell.querySelectorAll('.cm-line span')).find(
        n => n.textContent === '"a"'
      );
      const pyOperator = Array.from(pythonCell.querySelectorAll('.cm-line span')).find(
        n => n.textContent === '='
      );
      return {
        cellClass: magicCell.className,
        lines: magicCell.querySelectorAll('.cm-line.jp-matdiff-line-magic').length,
        magic: joined('.cm-matdiff-magic'),
        flags: joined('.cm-matdiff-flag'),
        defs: joined('.cm-matdiff-def'),
        variables: joined('.cm-matdiff-variable'),
        operators: joined('.cm-matdiff-operator'),
        quoteColours: [...(colours["'"] ?? [])],
        variableColours: [...(colours.A ?? [])],
        stringColour: color(pyString),
        operatorColour: color(pyOperator),
        pythonMatdiff: pythonCell.querySelectorAll('[class*=cm-matdiff-]').length
      };
    });

  test('the expression of a %matdiff line in a Python cell is highlighted as matdiff', async ({
    page,
    request
  }) => {
    await putNotebook(
      request,
      'highlight-line.ipynb',
      [`%load_ext matdiff_magic\n${LINE}`, 'y = "a"'],
      PYTHON
    );
    await openNotebook(page, 'highlight-line.ipynb', { kernel: true });
    const cell = page.locator('.jp-NotebookPanel:visible .jp-Cell').first();
    await expect(cell.locator('.cm-line.jp-matdiff-line-magic')).toHaveCount(1);
    await expect.poll(async () => (await read(page)).operators).toBe("'*+'**");
    const r = await read(page);
    // Not a %%matdiff cell: the rest of it stays Python.
    expect(r.cellClass).not.toMatch(/jp-matdiff-cell/);
    expect(r.lines).toBe(1);
    // The magic and its options stay as IPython shows any line magic; the expression is
    // matdiff.
    expect(r.magic + r.flags + r.defs).toBe('');
    expect(r.variables).toBe('axxAx');
    // No red string: the quote has the operator colour, A (a name only) one colour that
    // is not the string colour.
    expect(r.stringColour).not.toBeNull();
    expect(r.quoteColours).toEqual([r.operatorColour]);
    expect(r.variableColours).toHaveLength(1);
    expect(r.variableColours[0]).not.toBe(r.stringColour);
    expect(r.pythonMatdiff).toBe(0);
    await cell.screenshot({ path: screenshotPath('highlight-line-magic.png') });

    // Typing a second %matdiff line colours it too; breaking the magic word stops it.
    await cell.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type("\n%matdiff -w y y'*y");
    await expect(cell.locator('.cm-line.jp-matdiff-line-magic')).toHaveCount(2);
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await expect(cell.locator('.cm-line.jp-matdiff-line-magic')).toHaveCount(1);
  });
});
