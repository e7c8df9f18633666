import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Widgets and CodeMirror ship ES modules: let vite transform them for jsdom.
    server: { deps: { inline: [/@lumino\//, /@codemirror\//, /@lezer\//] } }
  }
});
