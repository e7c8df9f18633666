/**
 * The renderer's reading of the contract, over every shared fixture, cross-checked against
 * the JSON schema itself (ajv): the renderer never rejects a schema-valid bundle, and every
 * broken variant below is rejected by both.
 */
import { readFileSync } from 'node:fs';

import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';

import { MIME_TYPE, parseDerivation } from '../src/contract';
import { clone, loadFixtures, SCHEMA_PATH } from './fixtures';

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const fixtures = loadFixtures();

type Mutation = [string, (d: any) => void];

const REQUIRED_TOP = [
  'version',
  'source',
  'function',
  'wrt',
  'variables',
  'steps',
  'layout',
  'results',
  'check'
];

function mutations(d: any): Mutation[] {
  const last = d.steps.length - 1;
  const list: Mutation[] = REQUIRED_TOP.filter(k => k !== 'version').map(k => [
    `without ${k}`,
    x => delete x[k]
  ]);
  list.push(
    ['steps empty', x => (x.steps = [])],
    ['steps not an array', x => (x.steps = {})],
    ['a step rule that is a number', x => (x.steps[0].rule = 3)],
    ['a step without latex_highlighted', x => delete x.steps[last].latex_highlighted],
    ['a step without lhs', x => delete x.steps[0].lhs],
    ['a stage that is a number', x => (x.steps[0].stage = 3)],
    ['changed with a number', x => (x.steps[0].changed = [1])],
    ['a note that is a number', x => (x.steps[last].note = 5)],
    ['an unknown layout', x => (x.layout = 'sideways')],
    ['results without mixed', x => delete x.results.mixed],
    ['a result without description', x => delete x.results.numerator.description],
    ['a zero dimension', x => (x.results.numerator.shape = [0, 1])],
    ['a one-dimensional shape', x => (x.results.denominator.shape = ['m'])],
    ['an empty dimension name', x => (x.function.shape = ['', 1])],
    ['an unknown check status', x => (x.check.status = 'ok')],
    ['a check error that is text', x => (x.check.max_rel_error = 'small')],
    ['a check without message', x => delete x.check.message],
    ['where with a number', x => (x.where = { latex: 1, text: '' })],
    ['function without latex', x => delete x.function.latex]
  );
  if (d.variables.length > 0) {
    list.push(
      ['a kind that is a number', x => (x.variables[0].kind = 2)],
      ['declared as text', x => (x.variables[0].declared = 'yes')]
    );
  }
  return list;
}

describe('fixtures', () => {
  it('finds the shared fixtures, the handmade ones included', () => {
    const names = fixtures.map(f => f.name);
    expect(names).toContain('handmade_aXb.json');
    expect(names).toContain('handmade_xss.json');
  });
});

describe.each(fixtures.map(f => [f.name, f] as const))('%s', (_name, fixture) => {
  const schemaValid = validate(fixture.data) as boolean;

  it('is read by the renderer whenever the schema accepts it', () => {
    const parsed = parseDerivation(fixture.data);
    if (schemaValid) {
      expect(parsed).toMatchObject({ ok: true });
    } else {
      // Only possible for a deliberately broken fixture: the renderer must reject it too.
      expect(parsed.ok).toBe(false);
    }
  });

  it.runIf(schemaValid)('is read the same from a JSON string', () => {
    const parsed = parseDerivation(JSON.stringify(fixture.data));
    expect(parsed).toEqual({ ok: true, derivation: fixture.data });
  });

  it.runIf(schemaValid)('rejects every broken variant, as the schema does', () => {
    for (const [label, mutate] of mutations(fixture.data)) {
      const broken = clone(fixture.data);
      mutate(broken);
      expect(validate(broken), `schema accepts: ${label}`).toBe(false);
      const parsed = parseDerivation(broken);
      expect(parsed.ok, `renderer accepts: ${label}`).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).toBe('invalid');
        expect(parsed.message).toMatch(
          /^The derivation does not match the v1 contract: \$/
        );
      }
    }
  });

  it.runIf(schemaValid)('draws an unknown stage or kind rather than refusing', () => {
    const newer = clone(fixture.data);
    newer.steps[0].stage = 'a-stage-from-a-newer-writer';
    if (newer.variables.length > 0) {
      newer.variables[0].kind = 'tensor';
    }
    expect(parseDerivation(newer).ok).toBe(true);
  });

  it.runIf(schemaValid)('refuses other versions with a clear message', () => {
    for (const version of [2, 0, '1', null, undefined]) {
      const other = clone(fixture.data);
      other.version = version;
      if (version === undefined) {
        delete other.version;
      }
      const parsed = parseDerivation(other);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).toBe('version');
        expect(parsed.message).toContain('reads version 1');
      }
    }
  });
});

describe('parseDerivation on non-derivations', () => {
  it.each([
    ['invalid JSON', '{"version": 1,'],
    ['an array', []],
    ['null', null],
    ['a number', 42],
    ['a JSON string of an array', '[1, 2]']
  ])('rejects %s', (_label, data) => {
    const parsed = parseDerivation(data);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toBe('invalid');
      expect(parsed.message.length).toBeGreaterThan(10);
    }
  });

  it('says where a problem is', () => {
    const parsed = parseDerivation({ version: 1, source: 'x' });
    expect(parsed).toMatchObject({
      ok: false,
      message: expect.stringContaining('$.wrt')
    });
  });

  it('uses the versioned mimetype', () => {
    expect(MIME_TYPE).toBe('application/vnd.matdiff.derivation.v1+json');
  });
});

describe('messages for an invalid derivation', () => {
  const valid = fixtures.find(f => f.name === 'handmade_aXb.json')!.data;

  function message(mutate: (d: any) => void): string {
    const broken = clone(valid);
    mutate(broken);
    const parsed = parseDerivation(broken);
    return parsed.ok ? '' : parsed.message;
  }

  it('names the path, the allowed values and the alternatives', () => {
    expect(message(x => (x.steps[0].rule = 3))).toContain(
      '$.steps[0].rule: must be string'
    );
    expect(message(x => (x.layout = 'sideways'))).toContain(
      '$.layout: must be one of numerator, denominator, mixed'
    );
    expect(message(x => (x.results.numerator.shape = [0, 1]))).toContain(
      '$.results.numerator.shape[0]: must be >= 1 or must be string'
    );
  });

  it('names at most three problems', () => {
    const parsed = parseDerivation({ version: 1, source: 'x' });
    expect(parsed).toMatchObject({
      ok: false,
      message: expect.stringMatching(/\$\.function: missing; .* \(and 4 more\)\.$/)
    });
  });

  it('lets extra fields through', () => {
    const newer = clone(valid);
    newer.extra = { from: 'a newer writer' };
    newer.steps[0].extra = 1;
    expect(parseDerivation(newer).ok).toBe(true);
  });
});
