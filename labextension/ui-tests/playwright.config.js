// Browser tests against a real `jupyter lab` (Debian's chromium; no browser download).
// The server comes from JUPYTER (default: `jupyter` on PATH) with the configuration in
// ./jupyter-config: loopback only, no token, notebooks written from tests/fixtures.
const path = require('path');

const PORT = process.env.MATDIFF_UI_PORT || '8899';
const JUPYTER = process.env.JUPYTER || 'jupyter';

module.exports = {
  testDir: './tests',
  timeout: 90 * 1000,
  expect: { timeout: 20 * 1000 },
  // One JupyterLab, one browser: two cores do not gain from parallel pages.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  outputDir: 'test-results/output',
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 900 },
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    command: `"${JUPYTER}" lab`,
    url: `http://127.0.0.1:${PORT}/lab`,
    env: {
      ...process.env,
      JUPYTER_CONFIG_DIR: path.join(__dirname, 'jupyter-config'),
      MATDIFF_UI_PORT: PORT
    },
    timeout: 120 * 1000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
