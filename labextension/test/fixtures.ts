/**
 * The shared JSON fixtures of the contract: every *.json under tests/fixtures/ of the
 * repository, subfolders included (the Python side adds generated ones there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// __dirname, not import.meta.url: jsdom replaces URL and refuses file: URLs.
export const REPO = resolve(__dirname, '..', '..');
export const FIXTURES_DIR = join(REPO, 'tests', 'fixtures');
export const SCHEMA_PATH = join(
  REPO,
  'matdiff_magic',
  'schema',
  'derivation.v1.schema.json'
);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return walk(path);
    }
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

export interface IFixture {
  name: string;
  path: string;
  data: any;
}

export function loadFixtures(): IFixture[] {
  return walk(FIXTURES_DIR)
    .sort()
    .map(path => ({
      name: relative(FIXTURES_DIR, path),
      path,
      data: JSON.parse(readFileSync(path, 'utf8'))
    }));
}

export const XSS = '<img src=x onerror=alert(1)>';

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
