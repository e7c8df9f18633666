/**
 * The magic's options as the highlighter reads them come from matdiff_magic/options.py
 * (src/generated/options.ts): a value an option may take (--export jax, --lang zh) is coloured
 * as a value, and on a %matdiff line the expression starts after it.
 */
import { describe, expect, it } from 'vitest';

import {
  NAME_OPTIONS,
  OPTION_CHOICES,
  OPTIONS as OPTION_ARITY
} from '../src/generated/options';
import { lineMagicTokens, OPTIONS, tokenize } from '../src/language';

function spans(text: string): Array<[string, string | null, boolean]> {
  return lineMagicTokens(text)!.map(({ from, to, token, expression }) => [
    text.slice(from, to),
    token,
    expression
  ]);
}

describe('options from options.py', () => {
  it('has every option of the generated table, a value taken always or never', () => {
    expect([...OPTIONS.keys()].sort()).toEqual(Object.keys(OPTION_ARITY).sort());
    expect(OPTIONS.get('--wrt')).toBe(true);
    expect(OPTIONS.get('--export')).toBe(false); // optional: not always
    expect(NAME_OPTIONS).toContain('--wrt');
    expect(OPTION_CHOICES['--export']).toEqual(['numpy', 'jax', 'torch']);
  });

  it('colours the value of --export on a %matdiff line and reads the expression after it', () => {
    const tokens = spans("%matdiff --wrt x --export jax a'*x");
    expect(tokens).toContainEqual(['jax', 'value', false]);
    expect(
      tokens.filter(([, , expression]) => expression).map(([text]) => text)
    ).toEqual(['a', "'", '*', 'x']);
  });

  it('leaves a word after a bare --export to the expression', () => {
    const tokens = spans("%matdiff --wrt x --export a'*x");
    expect(tokens).toContainEqual(['a', 'variable', true]);
    expect(tokens.some(([, token]) => token === 'value')).toBe(false);
  });

  it('colours --lang and --export values on the first line of a %%matdiff cell', () => {
    const first = tokenize("%%matdiff --wrt X --lang zh --export torch\na'*X*b")[0];
    expect(first).toContainEqual(['zh', 'value']);
    expect(first).toContainEqual(['torch', 'value']);
  });
});
