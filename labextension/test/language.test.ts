/**
 * The %%matdiff tokenizer, the per-editor language switch (CodeMirror state only) and the
 * colouring of %matdiff lines in a Python cell (an editor in jsdom).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { pythonLanguage } from '@codemirror/lang-python';
import {
  forceParsing,
  HighlightStyle,
  language,
  LanguageSupport,
  syntaxHighlighting
} from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import { afterEach, describe, expect, it } from 'vitest';

import {
  isMatdiffSource,
  LINE_MAGIC_CLASS,
  LINE_MAGIC_LINE_CLASS,
  matdiffCellExtension,
  matdiffLineMagicExtension
} from '../src/cellLanguage';
import {
  FUNCTIONS,
  LINE_MAGIC,
  lineMagicTokens,
  matdiffLanguage,
  OPTIONS,
  tokenize
} from '../src/language';
import { DEFAULT_EXAMPLE, LAYOUT_EXAMPLE, SECTIONS } from '../src/rules';
import { REPO } from './fixtures';

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

/** The tokens of a %matdiff line as [text, token], without whitespace. */
function lineTokens(text: string): Array<[string, string | null]> {
  return lineMagicTokens(text)!.map(({ from, to, token }) => [
    text.slice(from, to),
    token
  ]);
}

describe('--option=value', () => {
  it('colours the value after = as it would after a space, on the cell magic line', () => {
    const tokens = line('%%matdiff --wrt=X --layout=denominator -o=grad --seed=3');
    expect(tokens).toEqual([
      ['%%matdiff', 'magic'],
      ['--wrt', 'flag'],
      ['=', 'operator'],
      ['X', 'def'],
      ['--layout', 'flag'],
      ['=', 'operator'],
      ['denominator', 'value'],
      ['-o', 'flag'],
      ['=', 'operator'],
      ['grad', 'def'],
      ['--seed', 'flag'],
      ['=', 'operator'],
      ['3', 'number']
    ]);
  });

  it("reads a %matdiff line's options before the expression", () => {
    expect(lineTokens("%matdiff --wrt=x -l=mixed a'*x")).toEqual([
      ['%matdiff', 'magic'],
      ['--wrt', 'flag'],
      ['=', 'operator'],
      ['x', 'def'],
      ['-l', 'flag'],
      ['=', 'operator'],
      ['mixed', 'value'],
      ['a', 'variable'],
      ["'", 'operator'],
      ['*', 'operator'],
      ['x', 'variable']
    ]);
    const spans = lineMagicTokens("%matdiff -o=d a'*x")!;
    expect(spans.filter(s => s.expression).map(s => s.token)).toEqual([
      'variable',
      'operator',
      'operator',
      'variable'
    ]);
  });
});

describe('%matdiff lines', () => {
  it('are lines that run the line magic', () => {
    expect(LINE_MAGIC.test("%matdiff --wrt x a'*x")).toBe(true);
    expect(LINE_MAGIC.test("  %matdiff --wrt x a'*x")).toBe(true);
    expect(LINE_MAGIC.test('%matdiff')).toBe(true);
    expect(LINE_MAGIC.test('%%matdiff --wrt x')).toBe(false);
    expect(LINE_MAGIC.test('%matdiffx --wrt x')).toBe(false);
    expect(LINE_MAGIC.test('x = 1  # %matdiff --wrt x')).toBe(false);
    expect(lineMagicTokens('print(1)')).toBeNull();
  });

  it('read the magic, its options, then the expression', () => {
    expect(lineTokens("%matdiff --wrt x a'*x + x'*A*x")).toEqual([
      ['%matdiff', 'magic'],
      ['--wrt', 'flag'],
      ['x', 'def'],
      ['a', 'variable'],
      ["'", 'operator'],
      ['*', 'operator'],
      ['x', 'variable'],
      ['+', 'operator'],
      ['x', 'variable'],
      ["'", 'operator'],
      ['*', 'operator'],
      ['A', 'variable'],
      ['*', 'operator'],
      ['x', 'variable']
    ]);
  });

  it('know which options take a value', () => {
    // --no-check takes none: a'*X*b is the expression, not its value.
    expect(lineTokens("%matdiff --no-check -l numerator -o g a'*X*b")).toEqual([
      ['%matdiff', 'magic'],
      ['--no-check', 'flag'],
      ['-l', 'flag'],
      ['numerator', 'value'],
      ['-o', 'flag'],
      ['g', 'def'],
      ['a', 'variable'],
      ["'", 'operator'],
      ['*', 'operator'],
      ['X', 'variable'],
      ['*', 'operator'],
      ['b', 'variable']
    ]);
    expect(
      lineTokens('%matdiff --at "x=2, y=3" --seed 3 --solve exp(x)*y # cost')
    ).toEqual([
      ['%matdiff', 'magic'],
      ['--at', 'flag'],
      ['"x=2, y=3"', 'string'],
      ['--seed', 'flag'],
      ['3', 'number'],
      ['--solve', 'flag'],
      ['exp', 'function'],
      ['(', 'bracket'],
      ['x', 'variable'],
      [')', 'bracket'],
      ['*', 'operator'],
      ['y', 'variable'],
      ['# cost', 'comment']
    ]);
    // A single-letter word after a dash is the expression on a line (-x'*A*x).
    expect(lineTokens("%matdiff -w x -x'*A*x").slice(3, 5)).toEqual([
      ['-', 'operator'],
      ['x', 'variable']
    ]);
  });

  it('cover every character but blanks', () => {
    const text = "  %matdiff --wrt X --layout mixed tr(A*X) .* 2.5 ? ; a' # c";
    const spans = lineMagicTokens(text)!;
    let pos = 0;
    for (const { from, to } of spans) {
      expect(text.slice(pos, from).trim()).toBe('');
      expect(to).toBeGreaterThan(from);
      pos = to;
    }
    expect(pos).toBe(text.length);
    expect(spans.map(s => text.slice(s.from, s.to))).toContain('?');
  });

  it('know every option of the magic, as options.py reads them', () => {
    const source = readFileSync(join(REPO, 'matdiff_magic', 'options.py'), 'utf8');
    const start = source.search(/^_OPTIONS\b[^=\n]*= \{/m);
    expect(start).toBeGreaterThan(0);
    const table = source.slice(start, source.indexOf('\n}', start));
    const python = [...table.matchAll(/"(-{1,2}[\w-]+)": \("\w+", (True|False)/g)];
    expect(python.length).toBeGreaterThan(15);
    for (const [, option, takesValue] of python) {
      expect(OPTIONS.get(option), option).toBe(takesValue === 'True');
    }
  });
});

describe('%matdiff lines in a Python cell', () => {
  // The Python language and a highlight style as JupyterLab's: strings red, operators blue.
  const style = HighlightStyle.define([
    { tag: t.string, color: 'red' },
    { tag: t.operator, color: 'blue' },
    { tag: t.keyword, color: 'green' }
  ]);
  let view: EditorView | null = null;
  afterEach(() => {
    view?.destroy();
    view = null;
  });

  function editor(doc: string): HTMLElement {
    view = new EditorView({
      state: EditorState.create({
        doc,
        extensions: [
          new LanguageSupport(pythonLanguage),
          syntaxHighlighting(style),
          matdiffCellExtension(doc),
          matdiffLineMagicExtension()
        ]
      }),
      parent: document.body
    });
    // The whole cell parsed, however slow the machine: parsing has a time budget per step.
    forceParsing(view, view.state.doc.length, 10000);
    return view.contentDOM;
  }

  const stringClass = style.style([t.string])!;

  it('colours the expression of a %matdiff line as matdiff, above what Python made of it', () => {
    const line = "%matdiff --wrt x a'*x + x'*A*x";
    const dom = editor(`x = 1\n${line}\n  ${line}\n%matdiff --wrt x`);
    const lines = dom.querySelectorAll<HTMLElement>('.cm-line');
    const [python, magic, indented, bare] = Array.from(lines);
    expect(magic.classList.contains(LINE_MAGIC_LINE_CLASS)).toBe(true);
    expect(indented.classList.contains(LINE_MAGIC_LINE_CLASS)).toBe(true);
    expect(python.classList.contains(LINE_MAGIC_LINE_CLASS)).toBe(false);
    const text = (selector: string) =>
      Array.from(magic.querySelectorAll(selector)).map(n => n.textContent);
    // Python's own spans may split a token: read them joined.
    expect(text('.cm-matdiff-operator').join('')).toBe("'*+'**");
    expect(text('.cm-matdiff-variable').join('')).toBe('axxAx');
    // The magic and its options stay as IPython shows every line magic.
    const expression = line.indexOf("a'");
    const marked = magic.querySelector(`.${LINE_MAGIC_CLASS}`)!;
    expect(magic.textContent!.slice(0, expression)).toBe(line.slice(0, expression));
    expect(marked.textContent!.startsWith('a')).toBe(true);
    expect(
      magic.querySelector('.cm-matdiff-magic, .cm-matdiff-flag, .cm-matdiff-def')
    ).toBeNull();
    expect(bare.classList.contains(LINE_MAGIC_LINE_CLASS)).toBe(true);
    expect(bare.querySelector('[class*=cm-matdiff-]')).toBeNull();
    // Python reads '*x + x' as a string; every character of the expression is inside our
    // marks, which are inside Python's: no element of Python's is drawn inside them.
    expect(magic.querySelector(`.${stringClass}`)!.textContent).toBe("'*x + x'");
    for (const node of [magic, indented]) {
      expect(node.querySelector(`.${LINE_MAGIC_CLASS} .${stringClass}`)).toBeNull();
      for (const inner of Array.from(node.querySelectorAll(`.${LINE_MAGIC_CLASS} *`))) {
        expect(inner.className).toMatch(/^cm-matdiff-/);
      }
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      let chars = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement!.closest(`.${LINE_MAGIC_CLASS}`)) {
          chars += n.textContent;
        }
      }
      expect(chars).toBe(line.slice(expression));
    }
    // The operator carries the theme's operator colour class.
    expect(magic.querySelector('.cm-matdiff-operator')!.className).toContain(
      style.style([t.operator])!
    );
    // The other lines stay Python.
    expect(python.querySelector('[class*=cm-matdiff-]')).toBeNull();
    expect(python.querySelector(`.${style.style([t.operator])}`)!.textContent).toBe(
      '='
    );
  });

  it('follows the text as it is edited', () => {
    editor('x = 1');
    const find = () => view!.contentDOM.querySelector('[class*=cm-matdiff-]');
    expect(find()).toBeNull();
    view!.dispatch({ changes: { from: 0, insert: "%matdiff --wrt x a'*x\n" } });
    expect(view!.contentDOM.querySelector('.cm-matdiff-variable')!.textContent).toBe(
      'a'
    );
    view!.dispatch({ changes: { from: 0, to: 1 } });
    expect(find()).toBeNull();
  });

  it('leaves a %%matdiff cell to the cell language', () => {
    const dom = editor("%%matdiff --wrt x\n%matdiff --wrt x a'*x");
    expect(dom.querySelector(`.${LINE_MAGIC_LINE_CLASS}`)).toBeNull();
    expect(dom.querySelectorAll('.cm-matdiff-magic')).toHaveLength(1);
  });
});
