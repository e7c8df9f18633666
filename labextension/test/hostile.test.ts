/**
 * Hostile and huge outputs: TeX that reaches outside its formula is shown as text and never
 * typeset; long formulas are shown as text with a note; a derivation of 100 000 steps builds
 * a bounded amount of DOM and typesets a bounded amount of TeX at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { IDerivation, MIME_TYPE, parseDerivation } from '../src/contract';
import { nextTask } from '../src/dom';
import { rendererFactory } from '../src/mime';
import { RENDER_MARK } from '../src/renderer';
import { formatCount, MAX_FORMULA_CHARS } from '../src/sanitize';
import * as stepper from '../src/stepper';
import { DerivationView, EARLIER_LINES, errorView } from '../src/view';
import { clone, loadFixtures } from './fixtures';

const aXb = loadFixtures().find(f => f.name === 'handmade_aXb.json')!.data;

const OVERLAY =
  '\\unicode[x;position:fixed;top:0;left:0;width:100vw;height:100vh;' +
  'background:red;z-index:100000]{x41}';
const LINK = '\\href{java\tscript:alert(1)}{\\text{click}}';

function derivation(mutate: (d: any) => void): IDerivation {
  const d = clone(aXb);
  mutate(d);
  const parsed = parseDerivation(d);
  if (!parsed.ok) {
    throw new Error(parsed.message);
  }
  return parsed.derivation;
}

/** A valid derivation of n short steps. */
function manySteps(n: number): IDerivation {
  return derivation(d => {
    const template = d.steps[1];
    d.steps = Array.from({ length: n }, (_, i) => ({
      ...template,
      rule: `rule ${i}`,
      lhs: i === 0 ? 'y' : '',
      latex: `x_{${i}} + 1`,
      latex_highlighted: `{\\color{#d62728}{x_{${i}}}} + 1`,
      changed: [`x_{${i}}`]
    }));
  });
}

/** A view with a recording typesetter, attached to the document. */
function mount(d: IDerivation) {
  const typeset: HTMLElement[] = [];
  const texts: string[] = [];
  const view = new DerivationView(document, d, node => {
    typeset.push(node);
    texts.push(node.textContent ?? '');
  });
  document.body.replaceChildren(view.node);
  return { view, typeset, texts };
}

/** Let queued (idle-time) typesetting run. */
async function settle(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await nextTask();
  }
}

afterEach(() => document.body.replaceChildren());

describe('TeX that reaches outside the formula', () => {
  it.each([
    ['a \\unicode overlay', OVERLAY, '\\unicode'],
    ['a javascript link', LINK, '\\href']
  ])('shows %s as text and never typesets it', async (_label, payload, named) => {
    const d = derivation(x => {
      const last = x.steps.length - 1;
      x.steps[last].latex = `${payload} + 1`;
      x.steps[last].latex_highlighted = `{\\color{#d62728}{${payload}}} + 1`;
      x.steps[2].identity = payload;
      x.results.denominator.latex = payload;
      x.where.latex = payload;
    });
    const { view, texts } = mount(d);
    await view.update();
    await view.prev();
    await view.first();
    await view.last();
    await settle();

    for (const text of texts) {
      expect(text).not.toContain(named);
    }
    const derivationNode = view.node.querySelector('.jp-matdiff-derivation')!;
    const refused = derivationNode.querySelector('[data-refused]')!;
    expect(refused.querySelector('[role=note]')!.textContent).toContain(
      `it uses ${named}`
    );
    expect(refused.querySelector('code')!.textContent).toContain(payload);
    // The lines before the refused one are still typeset, as one formula.
    expect(texts.some(t => t.includes('\\begin{aligned} y &='))).toBe(true);
    const result = view.node.querySelector('.jp-matdiff-result')!;
    expect(result.getAttribute('data-refused')).toBe('commands');
    expect(view.node.querySelector('.jp-matdiff-where')!.textContent).toContain(
      'Not typeset'
    );
    expect(view.node.querySelector('a')).toBeNull();
  });

  it('shows a refused text/latex fallback as text', async () => {
    const typeset: HTMLElement[] = [];
    const { node, done } = errorView(document, 'Bad.', `$$${OVERLAY}$$`, n => {
      typeset.push(n);
    });
    await done;
    expect(typeset).toEqual([]);
    const fallback = node.querySelector('.jp-matdiff-fallback')!;
    expect(fallback.getAttribute('data-refused')).toBe('commands');
    expect(fallback.querySelector('code')!.textContent).toBe(`$$${OVERLAY}$$`);
  });

  it('shows a text/latex fallback that is not one formula as text', async () => {
    const typeset: HTMLElement[] = [];
    const { node, done } = errorView(
      document,
      'Bad.',
      'a $x$ and $\\unicode{x41}$',
      n => {
        typeset.push(n);
      }
    );
    await done;
    expect(typeset).toEqual([]);
    expect(node.querySelector('.jp-matdiff-fallback [role=note]')).not.toBeNull();
  });
});

describe('long formulas', () => {
  it('shows a 100 KB result as text with a note naming the limit', async () => {
    const big = '\\frac{\\partial y}{\\partial X} + '.repeat(3500);
    expect(big.length).toBeGreaterThan(100000);
    const d = derivation(x => {
      x.results.denominator.latex = big;
    });
    const { view, typeset } = mount(d);
    const start = performance.now();
    await view.update();
    expect(performance.now() - start).toBeLessThan(1000);
    const result = view.node.querySelector<HTMLElement>('.jp-matdiff-result')!;
    expect(typeset).not.toContain(result);
    expect(result.getAttribute('data-refused')).toBe('size');
    expect(result.querySelector('[role=note]')!.textContent).toBe(
      `Not typeset: this formula has ${formatCount(
        stepper.resultTex(d, view.state).length
      )} characters; formulas over 5\u202f000 characters ` + 'are shown as text.'
    );
    // The text shown is bounded too; the rest is counted.
    const code = result.querySelector('code')!.textContent!;
    expect(code.length).toBeLessThan(21000);
    expect(code).toMatch(/ more characters\)$/);
    // The derivation itself is unaffected.
    expect(typeset).toContain(view.node.querySelector('.jp-matdiff-derivation'));
  });

  it('shows an over-long line as text, in a block of its own', async () => {
    const d = derivation(x => {
      x.steps[3].latex = 'x + '.repeat(MAX_FORMULA_CHARS);
    });
    const { view, typeset } = mount(d);
    await view.update();
    await settle();
    const blocks = Array.from(
      view.node.querySelectorAll<HTMLElement>('.jp-matdiff-derivation-block')
    );
    expect(blocks.map(b => b.getAttribute('data-lines'))).toEqual(['1-3', '4-4']);
    expect(blocks.map(b => b.getAttribute('data-refused'))).toEqual([null, 'size']);
    expect(typeset).toContain(blocks[0]);
    expect(typeset).not.toContain(blocks[1]);
    expect(typeset).toContain(view.node.querySelector('.jp-matdiff-derivation'));
  });

  it('shows a refused line as text between the typeset lines around it', async () => {
    const d = derivation(x => {
      x.steps[3].latex = `x + ${OVERLAY}`;
    });
    const { view, typeset } = mount(d);
    await view.update();
    const parts = view.node.querySelectorAll<HTMLElement>(
      '.jp-matdiff-derivation .jp-matdiff-block-part'
    );
    expect(Array.from(parts).map(p => p.getAttribute('data-refused'))).toEqual([
      null,
      'commands',
      null
    ]);
    expect(parts[0].getAttribute('data-tex')).toMatch(/^\\begin\{aligned\} y &= /);
    expect(typeset).toContain(parts[0]);
    expect(typeset).not.toContain(parts[1]);
    expect(typeset).toContain(parts[2]);
  });
});

describe('a derivation of 100 000 steps', () => {
  const n = 100000;
  const d = manySteps(n);

  it('splits into blocks that cover every line once', () => {
    const list = stepper.blocks(d);
    expect(list[0].start).toBe(0);
    expect(list[list.length - 1].end).toBe(n);
    for (let k = 1; k < list.length; k++) {
      expect(list[k].start).toBe(list[k - 1].end);
    }
    expect(Math.max(...list.map(b => b.end - b.start))).toBeLessThanOrEqual(
      stepper.BLOCK_LINES
    );
    for (const line of [0, 1, 39, 40, 41, 5000, n - 1]) {
      const b = list[stepper.blockOf(list, line)];
      expect(b.start <= line && line < b.end).toBe(true);
    }
  });

  it('draws the last step quickly, with a bounded number of lines', async () => {
    const start = performance.now();
    const { view, typeset } = mount(d);
    await view.update();
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(2000);

    expect(view.node.querySelector('.jp-matdiff-counter')!.textContent).toBe(
      `Step ${n} of ${n}`
    );
    const current = view.node.querySelector('.jp-matdiff-derivation')!;
    const lines = current.getAttribute('data-tex')!.split(' \\\\ ').length;
    expect(lines).toBeLessThanOrEqual(stepper.BLOCK_LINES);
    expect(current.getAttribute('data-tex')).toContain(`x_{${n - 1}}`);

    // The update itself typeset only the current step: its block, the result, the header.
    const early = (t: HTMLElement) =>
      t.classList.contains('jp-matdiff-derivation-block');
    expect(typeset.filter(t => !early(t)).length).toBeLessThanOrEqual(3);

    const blocks = view.node.querySelectorAll('.jp-matdiff-derivation-block');
    const shownLines = Array.from(blocks)
      .map(b => b.getAttribute('data-lines')!.split('-').map(Number))
      .reduce((sum, [a, b]) => sum + b - a + 1, 0);
    expect(shownLines).toBeLessThanOrEqual(EARLIER_LINES);
    expect(shownLines).toBeGreaterThan(0);
    const more = view.node.querySelector<HTMLButtonElement>(
      '.jp-matdiff-show-earlier'
    )!;
    expect(more.textContent).toMatch(
      /^Show earlier lines \(99\u202f\d{3} not shown\)$/
    );

    // Earlier blocks are typeset later, one at a time.
    await settle();
    expect(
      typeset.filter(t => t.classList.contains('jp-matdiff-derivation-block')).length
    ).toBe(blocks.length);

    more.click();
    expect(
      view.node.querySelectorAll('.jp-matdiff-derivation-block').length
    ).toBeGreaterThan(blocks.length);
    view.dispose();
  });

  it('steps quickly, and typesets only the step the reader stops at', async () => {
    const { view, texts } = mount(d);
    await view.update();
    texts.length = 0;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      pending.push(view.prev());
    }
    await Promise.all(pending);
    expect(view.state.step).toBe(n - 31);
    const derivations = texts.filter(
      t => t.includes('\\begin{aligned}') && t.includes('#d62728')
    );
    expect(derivations).toHaveLength(1);
    expect(derivations[0]).toContain(`x_{${n - 31}}}}`);

    const start = performance.now();
    await view.first();
    await view.last();
    await view.first();
    expect(performance.now() - start).toBeLessThan(1000);
    expect(view.node.querySelector('.jp-matdiff-earlier')!.hasAttribute('hidden')).toBe(
      true
    );
    expect(view.node.querySelector('.jp-matdiff-counter')!.textContent).toBe(
      `Step 1 of ${n}`
    );
    view.dispose();
  });
});

describe('ordinary derivations', () => {
  const derivations = loadFixtures().flatMap(f => {
    const parsed = parseDerivation(f.data);
    return parsed.ok ? [[f.name, parsed.derivation] as const] : [];
  });

  it.each(derivations)('%s is one aligned formula at every step', async (_name, d) => {
    expect(stepper.blocks(d)).toEqual([{ start: 0, end: d.steps.length }]);
    const { view } = mount(d);
    await view.update();
    await view.first();
    for (let i = 0; i < d.steps.length; i++) {
      const node = view.node.querySelector('.jp-matdiff-derivation')!;
      expect(node.getAttribute('data-tex')).toBe(stepper.derivationTex(d, view.state));
      expect(node.querySelector('[data-refused]')).toBeNull();
      expect(
        view.node.querySelector('.jp-matdiff-earlier')!.hasAttribute('hidden')
      ).toBe(true);
      await view.next();
    }
    view.dispose();
  });
});

describe('the renderer on a payload of 100 000 steps as a JSON string', () => {
  it('draws it', async () => {
    const d = manySteps(100000);
    const typeset: HTMLElement[] = [];
    const renderer = rendererFactory.createRenderer({
      mimeType: MIME_TYPE,
      latexTypesetter: { typeset: (node: HTMLElement) => void typeset.push(node) }
    } as any);
    const start = performance.now();
    await renderer.renderModel({
      data: { [MIME_TYPE]: JSON.stringify(d) },
      metadata: {},
      trusted: false
    } as any);
    expect(performance.now() - start).toBeLessThan(3000);
    expect(renderer.node.querySelector('.jp-matdiff-counter')!.textContent).toBe(
      'Step 100000 of 100000'
    );
    expect(typeset).toContain(renderer.node.querySelector('.jp-matdiff-derivation'));
    expect(performance.getEntriesByName(RENDER_MARK).length).toBeGreaterThan(0);
    renderer.dispose();
  });
});
