/**
 * The stepper view in a DOM (jsdom), over every valid shared fixture: buttons step and
 * switch layouts, everything from data stays text, math goes to the typesetter.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { IDerivation, LAYOUTS, parseDerivation } from '../src/contract';
import { DerivationView, errorView } from '../src/view';
import { loadFixtures, XSS } from './fixtures';

const derivations = loadFixtures().flatMap(f => {
  const parsed = parseDerivation(f.data);
  return parsed.ok ? [[f.name, parsed.derivation] as [string, IDerivation]] : [];
});

function q<T extends HTMLElement = HTMLElement>(
  root: HTMLElement,
  selector: string
): T {
  const node = root.querySelector<T>(selector);
  if (!node) {
    throw new Error(`missing ${selector}`);
  }
  return node;
}

/** The layout a text names first ("Numerator layout: …" names numerator), if any. */
function layoutNamed(text: string | null | undefined): string | undefined {
  return /\b(numerator|denominator|mixed) layout\b/i
    .exec(text ?? '')?.[1]
    .toLowerCase();
}

/**
 * Heading, last line, step panel and result agree on `layout`: the heading and the result
 * name it, every other text that names a layout names it, and at the last step the last line
 * and the step panel show the result and the rule in that layout.
 */
function expectOneLayout(view: DerivationView, d: IDerivation, layout: string): void {
  const r = d.results[layout as keyof IDerivation['results']];
  const heading = q(view.node, '.jp-matdiff-header-layout');
  const lines = q(view.node, '.jp-matdiff-derivation')
    .getAttribute('data-tex')!
    .replace(/ \\end\{aligned\}$/, '')
    .split(' \\\\ ');
  const lastLine = lines[lines.length - 1];
  const rule = q(view.node, '.jp-matdiff-step-rule');
  const note = q(view.node, '.jp-matdiff-step-note');
  const result = q(view.node, '.jp-matdiff-result');
  const description = q(view.node, '.jp-matdiff-result-description');

  expect(layoutNamed(heading.textContent)).toBe(layout);
  expect(heading.getAttribute('data-layout')).toBe(layout);
  expect(result.getAttribute('data-layout')).toBe(layout);
  expect(result.getAttribute('data-tex')).toBe(
    r.lhs ? `${r.lhs} = ${r.latex}` : r.latex
  );
  for (const named of [
    layoutNamed(lastLine.replace(/\\text\{([^{}]*)\}/g, '$1')),
    layoutNamed(rule.textContent),
    layoutNamed(note.textContent),
    layoutNamed(description.textContent)
  ]) {
    expect([undefined, layout]).toContain(named);
  }
  const atLast = view.state.step === d.steps.length - 1;
  if (atLast && d.steps[d.steps.length - 1].stage === 'layout') {
    expect(lastLine).toContain(`${r.lhs} &= {\\color{#d62728}{${r.latex}}}`);
    expect(lastLine).toContain(`\\text{${layout} layout}`);
    expect(rule.textContent).toBe(`${layout} layout`);
    expect(note.textContent).toBe(r.description);
  }
}

describe.each(derivations)('%s', (_name, d) => {
  let typeset: HTMLElement[];
  let view: DerivationView;

  beforeEach(async () => {
    typeset = [];
    view = new DerivationView(document, d, node => {
      typeset.push(node);
    });
    document.body.replaceChildren(view.node);
    await view.update();
  });

  it('shows the last step, its rule, the result and the check', () => {
    const n = d.steps.length;
    const step = d.steps[n - 1];
    expect(q(view.node, '.jp-matdiff-counter').textContent).toBe(`Step ${n} of ${n}`);
    expect(q(view.node, '.jp-matdiff-step-rule').textContent).toBe(step.rule);
    expect(q(view.node, '.jp-matdiff-derivation').getAttribute('data-tex')).toContain(
      step.latex_highlighted
    );
    const result = q(view.node, '.jp-matdiff-result');
    expect(result.getAttribute('data-layout')).toBe(d.layout);
    expect(result.getAttribute('data-tex')).toContain(d.results[d.layout].latex);
    expect(q(view.node, '.jp-matdiff-result-description').textContent).toBe(
      d.results[d.layout].description
    );
    const check = q(view.node, '.jp-matdiff-check');
    expect(check.getAttribute('data-status')).toBe(d.check.status);
    expect(check.textContent).toContain(d.check.message);
    expect(q<HTMLButtonElement>(view.node, '.jp-matdiff-next').disabled).toBe(true);
  });

  it('names the rule of every line in the full view, and joins equations with ⇔', () => {
    const lines = q(view.node, '.jp-matdiff-derivation')
      .getAttribute('data-tex')!
      .replace(/^\\begin\{aligned\} /, '')
      .replace(/ \\end\{aligned\}$/, '')
      .split(' \\\\ ');
    expect(lines).toHaveLength(d.steps.length);
    d.steps.forEach((step, i) => {
      expect(lines[i]).toMatch(/ && \{\\small\\color\{gray\}\{\\text\{[^{}]+\}\}\}$/);
      expect(lines[i]).toContain(`\\text{${step.rule}}`);
      expect(lines[i].startsWith('&\\Leftrightarrow')).toBe(step.stage === 'solve');
    });
  });

  it('sends the math, delimited, to the typesetter', () => {
    const derivation = q(view.node, '.jp-matdiff-derivation');
    expect(typeset).toContain(derivation);
    expect(derivation.textContent).toMatch(
      /^\\\[\\begin\{aligned\}.*\\end\{aligned\}\\\]$/s
    );
    expect(typeset).toContain(q(view.node, '.jp-matdiff-result'));
  });

  it('steps with Prev and Next, showing each rule, identity and note', async () => {
    const prev = q<HTMLButtonElement>(view.node, '.jp-matdiff-prev');
    const next = q<HTMLButtonElement>(view.node, '.jp-matdiff-next');
    for (let i = d.steps.length - 1; i > 0; i--) {
      prev.click();
      await Promise.resolve();
    }
    expect(view.state.step).toBe(0);
    expect(prev.disabled).toBe(true);
    for (let i = 0; i < d.steps.length; i++) {
      const step = d.steps[i];
      expect(q(view.node, '.jp-matdiff-counter').textContent).toBe(
        `Step ${i + 1} of ${d.steps.length}`
      );
      expect(q(view.node, '.jp-matdiff-step-rule').textContent).toBe(step.rule);
      const identity = q(view.node, '.jp-matdiff-step-identity');
      expect(identity.hidden).toBe(!step.identity);
      if (step.identity) {
        expect(identity.getAttribute('data-tex')).toBe(step.identity);
      }
      const note = q(view.node, '.jp-matdiff-step-note');
      expect(note.hidden).toBe(!step.note);
      expect(note.textContent).toBe(step.note ?? '');
      expect(q(view.node, '.jp-matdiff-derivation').getAttribute('data-step')).toBe(
        String(i)
      );
      next.click();
      await Promise.resolve();
    }
    expect(next.disabled).toBe(true);
  });

  it('steps with the keyboard', async () => {
    const key = (k: string) =>
      view.node.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('Home');
    expect(view.state.step).toBe(0);
    key('ArrowRight');
    expect(view.state.step).toBe(Math.min(1, d.steps.length - 1));
    key('End');
    expect(view.state.step).toBe(d.steps.length - 1);
    key('ArrowLeft');
    expect(view.state.step).toBe(Math.max(0, d.steps.length - 2));
  });

  it('switches the result with the layout toggle', async () => {
    for (const layout of LAYOUTS) {
      q<HTMLButtonElement>(
        view.node,
        `.jp-matdiff-layout button[data-layout=${layout}]`
      ).click();
      await Promise.resolve();
      const result = q(view.node, '.jp-matdiff-result');
      expect(result.getAttribute('data-layout')).toBe(layout);
      const r = d.results[layout];
      expect(result.getAttribute('data-tex')).toBe(
        r.lhs ? `${r.lhs} = ${r.latex}` : r.latex
      );
      expect(q(view.node, '.jp-matdiff-result-description').textContent).toBe(
        r.description
      );
      for (const other of LAYOUTS) {
        const button = q(view.node, `.jp-matdiff-layout button[data-layout=${other}]`);
        expect(button.getAttribute('aria-pressed')).toBe(String(other === layout));
      }
    }
  });

  it('names one layout everywhere, after every control', async () => {
    const click = async (selector: string) => {
      q<HTMLButtonElement>(view.node, selector).click();
      await Promise.resolve();
    };
    const controls = [
      '.jp-matdiff-first',
      '.jp-matdiff-next',
      '.jp-matdiff-last',
      '.jp-matdiff-prev',
      '.jp-matdiff-last'
    ];
    for (const layout of [...LAYOUTS, d.layout]) {
      await click(`.jp-matdiff-layout button[data-layout=${layout}]`);
      expectOneLayout(view, d, layout);
      for (const control of controls) {
        await click(control);
        expectOneLayout(view, d, layout);
      }
    }
  });

  it('keeps every string from the data as text', () => {
    expect(view.node.querySelector('img, script, iframe')).toBeNull();
    for (const node of Array.from(view.node.querySelectorAll('*'))) {
      for (const attr of Array.from(node.attributes)) {
        expect(attr.name.startsWith('on')).toBe(false);
      }
    }
  });
});

describe('the XSS fixture', () => {
  const xss = derivations.find(([name]) => name === 'handmade_xss.json');

  it('is a valid derivation', () => {
    expect(xss).toBeDefined();
  });

  it('renders the payload as visible text, never as an element', async () => {
    const view = new DerivationView(document, xss![1]);
    document.body.replaceChildren(view.node);
    await view.update();
    expect(q(view.node, '.jp-matdiff-function').textContent).toBe(XSS);
    expect(q(view.node, '.jp-matdiff-check-message').textContent).toBe(XSS);
    expect(q(view.node, '.jp-matdiff-step-rule').textContent).toContain(XSS);
    expect(view.node.textContent).toContain(XSS);
    expect(document.querySelector('img')).toBeNull();
    view.prev();
    await view.first();
    expect(q(view.node, '.jp-matdiff-step-rule').textContent).toContain(XSS);
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('errorView', () => {
  it('shows the message and the text/latex fallback as text to typeset', async () => {
    const typeset: HTMLElement[] = [];
    const { node, done } = errorView(document, 'Bad.', '$$x^2$$', n => {
      typeset.push(n);
    });
    await done;
    expect(q(node, '.jp-matdiff-error').textContent).toContain('Bad.');
    expect(q(node, '.jp-matdiff-fallback').textContent).toBe('$$x^2$$');
    expect(typeset).toEqual([q(node, '.jp-matdiff-fallback')]);
  });

  it('shows only the message without a fallback', () => {
    const { node } = errorView(document, `Bad ${XSS}`, undefined);
    expect(node.querySelector('.jp-matdiff-fallback')).toBeNull();
    expect(node.querySelector('img')).toBeNull();
    expect(node.textContent).toContain(XSS);
  });
});
