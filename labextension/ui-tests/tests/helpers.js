// Shared steps of the browser tests: open a notebook in a clean workspace, run a command
// from the palette, write a fresh notebook through the contents API.
const fs = require('fs');
const path = require('path');
const { expect } = require('@playwright/test');

const RESULTS = path.join(__dirname, '..', 'test-results');
const FIXTURES = path.join(__dirname, '..', '..', '..', 'tests', 'fixtures');
const XSS = '<img src=x onerror=alert(1)>';

/** Every *.json under tests/fixtures, as the notebook generator sees them. */
function fixtureCount() {
  const walk = dir =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap(e =>
        e.isDirectory()
          ? walk(path.join(dir, e.name))
          : e.name.endsWith('.json')
            ? [e]
            : []
      );
  return walk(FIXTURES).length;
}

/**
 * Open `name` with a reset workspace (no tabs left from an earlier test). Notebooks saved
 * with an unknown kernelspec ask for a kernel: answer "No Kernel".
 */
async function openNotebook(page, name, { kernel } = { kernel: false }) {
  await page.goto(`/lab/tree/${encodeURIComponent(name)}?reset`);
  const panel = page.locator(`.jp-NotebookPanel:has(.jp-Notebook)`).last();
  await expect(panel).toBeVisible({ timeout: 60 * 1000 });
  const status = page.locator('#jp-main-statusbar');
  if (kernel) {
    await expect(status).toContainText(/Idle/, { timeout: 60 * 1000 });
  } else {
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'No Kernel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(status).toContainText('No Kernel');
  }
  return panel;
}

/**
 * Collect uncaught page errors and console errors that mention the extension (or a
 * module-federation version mismatch), for a test to assert there are none.
 */
function watchErrors(page) {
  const errors = [];
  page.on('pageerror', error => errors.push(`pageerror: ${error.message}`));
  page.on('console', message => {
    const text = message.text();
    if (
      ['error', 'warning'].includes(message.type()) &&
      /matdiff|Unsatisfied version/i.test(text)
    ) {
      errors.push(`${message.type()}: ${text}`);
    }
  });
  return errors;
}

/** Run a command by its label from the command palette. */
async function runFromPalette(page, label) {
  await page
    .locator('.jp-Notebook')
    .first()
    .click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+C');
  const input = page.locator('.lm-CommandPalette-input');
  await expect(input).toBeVisible();
  await input.fill(label);
  const item = page.locator('.lm-CommandPalette-item', {
    has: page.locator('.lm-CommandPalette-itemLabel', { hasText: label })
  });
  await item.first().click();
}

/** Write a notebook through the contents API (token and xsrf are off in the test server). */
async function putNotebook(request, name, cells, kernelspec) {
  const content = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec },
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      execution_count: null,
      metadata: {},
      source,
      outputs: []
    }))
  };
  const res = await request.put(`/api/contents/${encodeURIComponent(name)}`, {
    data: { type: 'notebook', format: 'json', content }
  });
  expect(res.ok()).toBe(true);
}

const PYTHON = {
  name: 'python3',
  display_name: 'Python 3 (ipykernel)',
  language: 'python'
};

/** The source of every cell of the active notebook, in order. */
async function cellSources(page) {
  return page
    .locator('.jp-NotebookPanel:visible .jp-Cell .cm-content')
    .evaluateAll(nodes =>
      nodes.map(n =>
        Array.from(n.querySelectorAll('.cm-line'))
          .map(line => line.textContent)
          .join('\n')
      )
    );
}

function screenshotPath(name) {
  const file = path.join(RESULTS, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

module.exports = {
  FIXTURES,
  PYTHON,
  XSS,
  cellSources,
  fixtureCount,
  openNotebook,
  putNotebook,
  runFromPalette,
  screenshotPath,
  watchErrors
};
