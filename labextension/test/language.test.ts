/** The %%matdiff tokenizer and the per-editor language switch (CodeMirror state only). */
import { language } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';

import { isMatdiffSource, matdiffCellExtension } from '../src/cellLanguage';
import { FUNCTIONS, matdiffLanguage, tokenize } from '../src/language';
import { DEFAULT_EXAMPLE, LAYOUT_EXAMPLE, SECTIONS } from '../src/rules';

/** Tokens of one line without the whitespace. */
function line(source: string, index = 0): Array<[string, string | null]> {
  return tokenize(source)[index].filter(([text]) => text.trim() !== '');
}

describe('tokenizer', () => {
  it('reads the magic line and its flags', () => {
    const magic =
      '%%matdiff --wrt X --layout numerator --no-check -o grad --order 2 --graph ' +
      '--at "X=eye(3)" --mode reverse -i --interactive --solve --export --by-definition ' +
      '-w Y -l mixed --seed 3 --timeout 2.5';
    const tokens = line(magic);
    expect(tokens[0]).toEqual(['%%matdiff', 'magic']);
    expect(tokens).toContainEqual(['--wrt', 'flag']);
    expect(tokens).toContainEqual(['X', 'def']);
    expect(tokens).toContainEqual(['--layout', 'flag']);
    expect(tokens).toContainEqual(['numerator', 'value']);
    expect(tokens).toContainEqual(['-o', 'flag']);
    expect(tokens).toContainEqual(['grad', 'def']);
    expect(tokens).toContainEqual(['2', 'number']);
    expect(tokens).toContainEqual(['"X=eye(3)"', 'string']);
    expect(tokens).toContainEqual(['reverse', 'value']);
    expect(tokens).toContainEqual(['Y', 'def']);
    expect(tokens).toContainEqual(['mixed', 'value']);
    expect(tokens).toContainEqual(['2.5', 'number']);
    for (const flag of [
      '--no-check',
      '--order',
      '--graph',
      '--at',
      '--mode',
      '-i',
      '--interactive',
      '--solve',
      '--export',
      '--by-definition',
      '-w',
      '-l',
      '--seed',
      '--timeout'
    ]) {
      expect(tokens).toContainEqual([flag, 'flag']);
    }
  });

  it('reads declarations', () => {
    const src =
      '%%matdiff --wrt X\nA, B: matrix(m, n)\ns: scalar\nS: symmetric(3, 3)\nx: vector';
    const lines = tokenize(src).map(l => l.filter(([text]) => text.trim() !== ''));
    expect(lines[1]).toEqual([
      ['A', 'def'],
      [',', 'punctuation'],
      ['B', 'def'],
      [':', 'punctuation'],
      ['matrix', 'kind'],
      ['(', 'bracket'],
      ['m', 'variable'],
      [',', 'punctuation'],
      ['n', 'variable'],
      [')', 'bracket']
    ]);
    expect(lines[2]).toContainEqual(['scalar', 'kind']);
    expect(lines[3]).toContainEqual(['symmetric', 'kind']);
    expect(lines[3]).toContainEqual(['3', 'number']);
    expect(lines[4]).toContainEqual(['vector', 'kind']);
  });

  it('reads expressions: functions, operators, numbers, transpose, comments', () => {
    const tokens = line(
      "%%matdiff --wrt X\nf = a'*exp(X*b) .* 2.5e-3 ./ c .^ 2 - tr(A)/3 # cost",
      1
    );
    expect(tokens).toEqual([
      ['f', 'def'],
      ['=', 'operator'],
      ['a', 'variable'],
      ["'", 'operator'],
      ['*', 'operator'],
      ['exp', 'function'],
      ['(', 'bracket'],
      ['X', 'variable'],
      ['*', 'operator'],
      ['b', 'variable'],
      [')', 'bracket'],
      ['.*', 'operator'],
      ['2.5e-3', 'number'],
      ['./', 'operator'],
      ['c', 'variable'],
      ['.^', 'operator'],
      ['2', 'number'],
      ['-', 'operator'],
      ['tr', 'function'],
      ['(', 'bracket'],
      ['A', 'variable'],
      [')', 'bracket'],
      ['/', 'operator'],
      ['3', 'number'],
      ['# cost', 'comment']
    ]);
  });

  it('knows every function of the language', () => {
    for (const name of FUNCTIONS) {
      expect(line(`${name}(X)`)[0]).toEqual([name, 'function']);
    }
    expect(line('expo(X)')[0]).toEqual(['expo', 'variable']);
  });

  it('treats only the first line as the magic line', () => {
    expect(line('x\n%%matdiff --wrt X', 1)[0]).not.toEqual(['%%matdiff', 'magic']);
    expect(line('# note\n', 0)).toEqual([['# note', 'comment']]);
  });
});

describe('cell language switch', () => {
  const python = EditorState.create({ doc: '' }).facet(language);

  function state(doc: string): EditorState {
    return EditorState.create({ doc, extensions: [matdiffCellExtension(doc)] });
  }

  it('recognises the magic line', () => {
    expect(isMatdiffSource('%%matdiff --wrt X\nx')).toBe(true);
    expect(isMatdiffSource('  %%matdiff')).toBe(true);
    expect(isMatdiffSource('%%matdiffx')).toBe(false);
    expect(isMatdiffSource('x = 1\n%%matdiff')).toBe(false);
  });

  it('gives a %%matdiff cell the matdiff language', () => {
    expect(state("%%matdiff --wrt X\na'*X*b").facet(language)).toBe(matdiffLanguage);
    expect(state('x = 1').facet(language)).toBe(python);
  });

  it('switches on and off as the first line is edited', () => {
    let s = state('print(1)');
    expect(s.facet(language)).not.toBe(matdiffLanguage);
    s = s.update({ changes: { from: 0, insert: '%%matdiff --wrt X\n' } }).state;
    expect(s.facet(language)).toBe(matdiffLanguage);
    s = s.update({ changes: { from: s.doc.length, insert: "\na'*X*b" } }).state;
    expect(s.facet(language)).toBe(matdiffLanguage);
    s = s.update({ changes: { from: 0, to: 2, insert: '' } }).state;
    expect(s.facet(language)).not.toBe(matdiffLanguage);
  });
});

describe('cheat sheet examples', () => {
  const examples = [
    DEFAULT_EXAMPLE,
    LAYOUT_EXAMPLE,
    ...SECTIONS.flatMap(s => s.rules.map(r => r.example))
  ];

  it.each(examples)('%s is a %%matdiff cell the highlighter fully reads', example => {
    expect(isMatdiffSource(example)).toBe(true);
    for (const tokens of tokenize(example)) {
      for (const [text, token] of tokens) {
        if (text.trim() !== '') {
          expect(token, `unread text ${JSON.stringify(text)}`).not.toBeNull();
        }
      }
    }
  });

  it('has one rule per id', () => {
    const ids = SECTIONS.flatMap(s => s.rules.map(r => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
