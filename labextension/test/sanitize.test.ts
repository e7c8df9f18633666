/**
 * The TeX allow-list: everything the package writes passes unchanged; every command that
 * reaches outside a formula (styles, links, attributes, macro definitions, packages) is
 * refused, wherever it hides; long formulas are refused by size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseDerivation } from '../src/contract';
import { IDENTITIES } from '../src/generated/identities';
import { LAYOUT_ROWS, SECTIONS } from '../src/rules';
import {
  ALLOWED_COMMANDS,
  CHECKED_COMMANDS,
  MAX_CELLS,
  MAX_DEPTH,
  MAX_FORMULA_CHARS,
  refusalNote,
  safeLinkTarget,
  sanitizeTex,
  TexCheck
} from '../src/sanitize';
import * as stepper from '../src/stepper';
import { loadFixtures, REPO } from './fixtures';

function accepted(tex: string): string {
  const check = sanitizeTex(tex);
  if (!check.ok) {
    throw new Error(`refused ${JSON.stringify(tex)}: ${refusalNote(check)}`);
  }
  return check.tex;
}

function refused(tex: string): Exclude<TexCheck, { ok: true }> {
  const check = sanitizeTex(tex);
  if (check.ok) {
    throw new Error(`accepted ${JSON.stringify(tex)} as ${JSON.stringify(check.tex)}`);
  }
  return check;
}

/** Every formula the renderer would typeset from a derivation. */
function formulas(d: any): string[] {
  const out: string[] = [d.function.latex];
  if (d.where) {
    out.push(d.where.latex, `\\text{where } ${d.where.latex}`);
  }
  for (const step of d.steps) {
    out.push(step.lhs, step.latex, step.latex_highlighted);
    if (step.identity) {
      out.push(step.identity);
    }
  }
  for (const r of Object.values<any>(d.results)) {
    out.push(r.latex, r.lhs ? `${r.lhs} = ${r.latex}` : r.latex);
  }
  const parsed = parseDerivation(d);
  if (parsed.ok) {
    const s = stepper.initialState(parsed.derivation);
    out.push(stepper.derivationTex(parsed.derivation, s));
  }
  return out;
}

/** The Python package's sources. */
function pythonSources(dir = join(REPO, 'matdiff_magic')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '__pycache__' ? [] : pythonSources(path);
    }
    return entry.name.endsWith('.py') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('what the package writes', () => {
  it.each(loadFixtures().map(f => [f.name, f.data] as const))(
    'passes every formula of %s unchanged',
    (_name, data) => {
      for (const tex of formulas(data)) {
        expect(accepted(tex)).toBe(tex);
      }
    }
  );

  it('passes the text/latex of every fixture, inside its $$', () => {
    for (const f of loadFixtures()) {
      const latex: string = f.data.latex;
      const body = latex.startsWith('$$') ? latex.slice(2, -2) : latex;
      expect(accepted(body)).toBe(body);
    }
  });

  it('passes every identity and the cheat sheet', () => {
    for (const identity of Object.values(IDENTITIES)) {
      expect(accepted(identity.latex)).toBe(identity.latex);
    }
    for (const rule of SECTIONS.flatMap(s => s.rules)) {
      expect(accepted(rule.tex)).toBe(rule.tex);
    }
    for (const row of LAYOUT_ROWS) {
      expect(accepted(row.tex)).toBe(row.tex);
    }
  });

  it('allows every command tex.py reads (the subset the package writes)', () => {
    const read = (...path: string[]) =>
      readFileSync(join(REPO, 'matdiff_magic', ...path), 'utf8');
    const tex = read('tex.py');
    const tables: [string, string][] = [
      [tex, '_SYMBOLS'],
      [read('render', 'notation.py'), 'TEX_OPERATORS'], // the one list tex.py imports
      [tex, '_SPACES'],
      [tex, '_TEXT_LIKE'],
      [tex, '_BINARY']
    ];
    const names = new Set<string>();
    for (const [source, table] of tables) {
      const start = source.indexOf(`${table} = `);
      expect(start, table).toBeGreaterThan(0);
      // to the end of the table: a blank line, or the ")" closing a frozenset([...])
      const ends = ['\n\n', '\n)\n']
        .map(e => source.indexOf(e, start))
        .filter(i => i > 0);
      const body = source.slice(start, Math.min(...ends));
      for (const m of body.matchAll(/"([A-Za-z]+)"(?=\s*[:,}\]])/g)) {
        names.add(m[1]);
      }
    }
    expect(names.size).toBeGreaterThan(50);
    const missing = [...names].filter(n => !ALLOWED_COMMANDS.has(n));
    expect(missing).toEqual([]);
  });

  it('allows every command in the string literals of the package', () => {
    const names = new Set<string>();
    for (const source of pythonSources()) {
      // "\\frac" in ordinary strings; r"\frac", rf"\small" in raw strings.
      for (const m of source.matchAll(/\\\\([A-Za-z]{2,})/g)) {
        names.add(m[1]);
      }
      for (const m of source.matchAll(
        /\b(?:[rR][fFbB]?|[fFbB][rR])("[^"\n]*"|'[^'\n]*')/g
      )) {
        for (const c of m[1].matchAll(/\\([A-Za-z]{2,})/g)) {
          names.add(c[1]);
        }
      }
    }
    expect(names.has('frac')).toBe(true);
    const missing = [...names].filter(
      n => !ALLOWED_COMMANDS.has(n) && !CHECKED_COMMANDS.has(n)
    );
    expect(missing).toEqual([]);
  });
});

describe('refused commands', () => {
  const attacks: Array<[string, string, string]> = [
    [
      'a \\unicode with a style in its font argument',
      '\\unicode[x;position:fixed;top:0;left:0;width:100vw;height:100vh;background:red]{x41}',
      '\\unicode'
    ],
    ['a plain \\unicode', 'a + \\unicode{x41}', '\\unicode'],
    ['\\style', '\\style{position:fixed;top:0}{x}', '\\style'],
    ['\\class', '\\class{jp-Dialog}{x}', '\\class'],
    ['\\cssId', '\\cssId{main}{x}', '\\cssId'],
    ['\\data', '\\data{foo=bar}{x}', '\\data'],
    ['\\htmlClass', '\\htmlClass{x}{y}', '\\htmlClass'],
    ['\\htmlStyle', '\\htmlStyle{color:red}{y}', '\\htmlStyle'],
    ['\\htmlId', '\\htmlId{x}{y}', '\\htmlId'],
    ['\\htmlData', '\\htmlData{a=b}{y}', '\\htmlData'],
    ['\\require', '\\require{unicode}', '\\require'],
    ['\\def', '\\def\\x{\\unicode}\\x', '\\def'],
    ['\\newcommand', '\\newcommand{\\u}{\\style}', '\\newcommand'],
    ['\\renewcommand', '\\renewcommand{\\frac}{\\style}', '\\renewcommand'],
    ['\\let', '\\let\\frac\\style', '\\let'],
    [
      '\\includegraphics',
      '\\includegraphics{https://example.org/x.png}',
      '\\includegraphics'
    ],
    ['\\bbox', '\\bbox[border:1000px solid red]{x}', '\\bbox'],
    ['\\rule', '\\rule{100em}{100em}', '\\rule'],
    ['\\kern', 'x\\kern-1000em y', '\\kern'],
    ['\\hspace', 'x\\hspace{-1000em} y', '\\hspace'],
    ['\\rlap', '\\rlap{x}', '\\rlap'],
    ['\\mmlToken', '\\mmlToken{mi}[style="x"]{x}', '\\mmlToken'],
    ['\\enclose', '\\enclose{box}[style="x"]{x}', '\\enclose'],
    ['\\Huge', '\\Huge x', '\\Huge'],
    ['a command inside \\text', '\\text{see $\\unicode{x41}$}', '\\unicode'],
    ['a command inside \\operatorname', '\\operatorname{\\style{a}{b}}', '\\style'],
    ['a command behind a highlight', '{\\color{#d62728}{\\cssId{x}{y}}}', '\\cssId'],
    [
      'an environment not on the list',
      '\\begin{array}{l}x\\end{array}',
      '\\begin{array}'
    ],
    [
      '\\color with CSS',
      '\\color{red;position:fixed}{x}',
      '\\color{red;position:fixed}'
    ],
    ['\\color with a model', '\\color[RGB]{255,0,0}{x}', '\\color'],
    ['\\textcolor with CSS', '\\textcolor{red;top:0}{x}', '\\textcolor{red;top:0}'],
    ['a math delimiter that would end the formula', 'x \\] \\[ y', '\\]'],
    ['an inline delimiter', '\\(x\\)', '\\('],
    ['a dollar sign', 'x $ y', '$'],
    ['a comment that would hide the rest', 'x % \\end{aligned}', '%'],
    ['a backslash at the end', 'x \\', '\\'],
    ['an unknown command', '\\foo{x}', '\\foo']
  ];

  it.each(attacks)('refuses %s', (_label, tex, named) => {
    const check = refused(tex);
    expect(check.reason).toBe('commands');
    if (check.reason === 'commands') {
      expect(check.commands).toContain(named);
    }
    expect(refusalNote(check)).toContain(named);
  });

  it('names at most five commands in a note', () => {
    const check = refused('\\a \\b \\c \\d \\e \\f \\g');
    expect(refusalNote(check)).toBe(
      'Not typeset: it uses \\a, \\b, \\c, \\d, \\e and 2 more, which this viewer ' +
        'does not typeset.'
    );
  });

  it('names a control character it refuses visibly', () => {
    const check = refused('x\\\ty');
    expect(check.reason === 'commands' && check.commands).toEqual(['\\[U+0009]']);
  });
});

describe('links', () => {
  const javascript = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    ' javascript:alert(1)',
    'java\u0000script:alert(1)',
    'java\u200bscript:alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    'javascript&colon;alert(1)',
    'java&Tab;script:alert(1)',
    '&amp;#106;avascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative',
    'http&#58;//example.org',
    'https:/\\evil.example',
    'http://exa mple.org/"onmouseover="x'.replace(' ', '\u0001'),
    'https://example.org/&unknown;'
  ];

  it.each(javascript)('refuses the target %j', target => {
    expect(safeLinkTarget(target)).toBeUndefined();
    const check = refused(`\\href{${target}}{x}`);
    expect(check.reason).toBe('commands');
    expect(refused(`\\url{${target}}`).reason).toBe('commands');
  });

  it('keeps http(s) links, without the whitespace a browser would drop', () => {
    expect(safeLinkTarget('https://example.org/a?b=1&c=2#d')).toBe(
      'https://example.org/a?b=1&c=2#d'
    );
    expect(safeLinkTarget(' HTTP://example.org/\t')).toBe('HTTP://example.org/');
    expect(accepted('\\href{ https://example.org/x }{\\text{doc}}')).toBe(
      '\\href{https://example.org/x}{\\text{doc}}'
    );
    expect(accepted('\\url{http://example.org}')).toBe('\\url{http://example.org}');
  });

  it('refuses a link whose target is not one plain argument', () => {
    expect(refused('\\href{https://a.org/\\unicode}{x}').reason).toBe('commands');
    expect(refused('\\href https://a.org').reason).toBe('commands');
  });
});

describe('optional arguments and structure', () => {
  it('keeps the bracket after \\\\ a bracket, not a dimension', () => {
    expect(accepted('a \\\\[1000em] b')).toBe('a \\\\{}[1000em] b');
    expect(accepted('a \\\\*[9em] b')).toBe('a \\\\{}*[9em] b');
    expect(accepted('a \\\\ b')).toBe('a \\\\ b');
    expect(accepted('\\begin{aligned}[t] x \\end{aligned}')).toBe(
      '\\begin{aligned}{}[t] x \\end{aligned}'
    );
  });

  it('allows the highlight colour and named colours', () => {
    const tex = '{\\color{#d62728}{X^{T}}} + {\\small\\color{gray}\\text{note}}';
    expect(accepted(tex)).toBe(tex);
  });

  it('refuses unbalanced braces and environments', () => {
    expect(refused('{x').reason).toBe('structure');
    expect(refused('x}').reason).toBe('structure');
    expect(refused('\\begin{aligned} x').reason).toBe('structure');
    expect(refused('\\left( x').reason).toBe('structure');
  });

  it(`refuses nesting deeper than ${MAX_DEPTH}`, () => {
    const deep = (n: number) => '{'.repeat(n) + 'x' + '}'.repeat(n);
    expect(accepted(deep(MAX_DEPTH))).toBe(deep(MAX_DEPTH));
    const check = refused(deep(MAX_DEPTH + 1));
    expect(refusalNote(check)).toBe(
      `Not typeset: it has nesting deeper than ${MAX_DEPTH} levels.`
    );
  });

  it(`refuses a table of more than ${MAX_CELLS} cells`, () => {
    // 200 rows, one of them 100 cells wide: MathJax would pad every row to 100.
    const rows = Array(200).fill('x');
    rows[0] = Array(100).fill('x').join(' & ');
    const tex = `\\begin{aligned} ${rows.join(' \\\\ ')} \\end{aligned}`;
    expect(tex.length).toBeLessThan(MAX_FORMULA_CHARS);
    expect(refused(tex).reason).toBe('structure');
  });
});

describe('size', () => {
  it(`refuses a formula over ${MAX_FORMULA_CHARS} characters and says so`, () => {
    const tex = 'x + '.repeat(MAX_FORMULA_CHARS);
    const check = refused(tex);
    expect(check).toEqual({
      ok: false,
      reason: 'size',
      length: tex.length,
      limit: MAX_FORMULA_CHARS
    });
    expect(refusalNote(check)).toBe(
      'Not typeset: this formula has 20\u202f000 characters; formulas over ' +
        '5\u202f000 characters are shown as text.'
    );
    const fits = 'x'.repeat(MAX_FORMULA_CHARS);
    expect(accepted(fits)).toBe(fits);
  });

  it('checks a megabyte in linear time', () => {
    const tex = '\\alpha + {\\color{#d62728}{\\frac{x}{y}}} \\, '.repeat(25000);
    const start = performance.now();
    const check = sanitizeTex(tex, Infinity);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(check.ok).toBe(true);
  });
});
