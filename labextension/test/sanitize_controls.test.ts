/**
 * What a hostile or damaged notebook may hold that no derivation of the package writes: control
 * characters and bidirectional overrides in TeX (MathJax fails on the whole block for a NUL),
 * arguments nested without braces past MAX_DEPTH, and a version that is not a number.
 */
import { describe, expect, it } from 'vitest';

import { parseDerivation } from '../src/contract';
import { MAX_DEPTH, sanitizeTex } from '../src/sanitize';
import { clone, loadFixtures } from './fixtures';

describe('control characters', () => {
  it.each(['x\u0000 + y', 'x\u0007 + y', 'x\u202e + y', 'x\u2066 + y', 'x\u0085 + y'])(
    'refuses %j and names the character visibly',
    tex => {
      const check = sanitizeTex(tex);
      expect(check.ok).toBe(false);
      if (!check.ok && check.reason === 'commands') {
        expect(check.commands.join(' ')).toMatch(/\[U\+[0-9A-F]{4}\]/);
      } else {
        throw new Error(`refused for another reason: ${JSON.stringify(check)}`);
      }
    }
  );

  it('keeps tabs and newlines', () => {
    expect(sanitizeTex('x +\ty\n = z').ok).toBe(true);
  });
});

describe('nesting without braces', () => {
  it('refuses more braceless arguments than MAX_DEPTH', () => {
    const check = sanitizeTex('\\hat '.repeat(MAX_DEPTH + 1) + 'x');
    expect(check).toEqual({
      ok: false,
      reason: 'structure',
      problem: `nesting deeper than ${MAX_DEPTH} levels`
    });
    expect(sanitizeTex('\\frac1'.repeat(MAX_DEPTH + 1) + '2').ok).toBe(false);
  });

  it('accepts a few braceless arguments and every braced one', () => {
    expect(sanitizeTex('\\hat x + \\frac12 + \\sqrt 2').ok).toBe(true);
    expect(sanitizeTex('\\hat{x} '.repeat(3 * MAX_DEPTH)).ok).toBe(true);
  });

  it("accepts every step's formulas of the generated fixtures", () => {
    for (const { name, data } of loadFixtures()) {
      if (!name.startsWith('generated/')) {
        continue; // the handmade ones are hostile on purpose
      }
      for (const step of data.steps) {
        for (const tex of [step.latex, step.latex_highlighted]) {
          expect(sanitizeTex(tex).ok, `${name}: ${tex.slice(0, 80)}`).toBe(true);
        }
      }
    }
  });
});

describe('a version that is not a number', () => {
  it.each(['1', 1.5, null])('is damaged data, not another release: %j', version => {
    const data = clone(loadFixtures()[0].data) as unknown as Record<string, unknown>;
    data.version = version;
    const parsed = parseDerivation(data);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toBe('version');
      expect(parsed.message).toContain(
        'The version is a whole number: the data is damaged.'
      );
      expect(parsed.message).not.toContain('Install matching versions');
    }
  });
});
