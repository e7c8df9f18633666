/** Navigation state and the TeX it produces, over every valid shared fixture. */
import { describe, expect, it } from 'vitest';

import { IDerivation, LAYOUTS, parseDerivation } from '../src/contract';
import * as stepper from '../src/stepper';
import { loadFixtures } from './fixtures';

const derivations = loadFixtures().flatMap(f => {
  const parsed = parseDerivation(f.data);
  return parsed.ok ? [[f.name, parsed.derivation] as [string, IDerivation]] : [];
});

describe.each(derivations)('%s', (_name, d) => {
  const n = d.steps.length;

  it('opens on the last step in the layout the magic chose', () => {
    const s = stepper.initialState(d);
    expect(s).toEqual({ step: n - 1, layout: d.layout });
    expect(stepper.canNext(d, s)).toBe(false);
    expect(stepper.canPrev(s)).toBe(n > 1);
  });

  it('walks every step forward and back, and stops at both ends', () => {
    let s = stepper.first(d, stepper.initialState(d));
    expect(s.step).toBe(0);
    expect(stepper.prev(d, s).step).toBe(0);
    const seen = [s.step];
    while (stepper.canNext(d, s)) {
      s = stepper.next(d, s);
      seen.push(s.step);
    }
    expect(seen).toEqual([...Array(n).keys()]);
    expect(stepper.next(d, s).step).toBe(n - 1);
    while (stepper.canPrev(s)) {
      s = stepper.prev(d, s);
    }
    expect(s.step).toBe(0);
    expect(stepper.last(d, s).step).toBe(n - 1);
    expect(stepper.goTo(d, s, 1000).step).toBe(n - 1);
    expect(stepper.goTo(d, s, -5).step).toBe(0);
  });

  it('shows the lines so far, the current one highlighted', () => {
    for (let i = 0; i < n; i++) {
      const s = stepper.goTo(d, stepper.initialState(d), i);
      const tex = stepper.derivationTex(d, s);
      expect(tex.startsWith('\\begin{aligned}')).toBe(true);
      expect(tex.endsWith('\\end{aligned}')).toBe(true);
      expect(tex.split(' \\\\ ').length).toBeGreaterThanOrEqual(i + 1);
      expect(tex).toContain(d.steps[i].latex_highlighted);
      expect(stepper.currentStep(d, s)).toBe(d.steps[i]);
      for (let j = 0; j < i; j++) {
        expect(tex).toContain(d.steps[j].latex);
      }
    }
  });

  it('switches the result between the three layouts and keeps the step', () => {
    const start = stepper.first(d, stepper.initialState(d));
    for (const layout of LAYOUTS) {
      const s = stepper.setLayout(start, layout);
      expect(s).toEqual({ step: 0, layout });
      const r = d.results[layout];
      expect(stepper.currentResult(d, s)).toBe(r);
      expect(stepper.resultTex(d, s)).toContain(r.latex);
      expect(stepper.resultTex(d, s)).toContain(r.lhs);
    }
    expect(stepper.setLayout(start, 'bogus' as any)).toBe(start);
  });

  it('shows the final layout step in the layout shown, from the result', () => {
    const last = d.steps[n - 1];
    for (const layout of LAYOUTS) {
      const s = stepper.setLayout(stepper.initialState(d), layout);
      const shown = stepper.currentStep(d, s);
      const r = d.results[layout];
      if (!stepper.isLayoutStep(d, n - 1)) {
        expect(shown).toBe(last);
        continue;
      }
      expect(shown.stage).toBe('layout');
      expect(shown.rule).toBe(`${layout} layout`);
      expect(shown.lhs).toBe(r.lhs);
      expect(shown.latex).toBe(r.latex);
      expect(shown.latex_highlighted).toBe(`{\\color{#d62728}{${r.latex}}}`);
      expect(shown.text).toBe(r.text);
      expect(shown.note).toBe(r.description);
      // The last line of the derivation says what the result box says.
      const lines = stepper.derivationTex(d, s).split(' \\\\ ');
      expect(lines[lines.length - 1]).toContain(
        `${r.lhs} &= ${shown.latex_highlighted}`
      );
      expect(lines[lines.length - 1]).toContain(`\\text{${layout} layout}`);
      expect(stepper.resultTex(d, s)).toBe(`${r.lhs} = ${r.latex}`);
    }
  });

  it('draws the recorded layout step as the package recorded it', () => {
    // What the renderer builds from `results` for the magic's layout is the step the
    // package wrote: the same object, so nothing the package says is redrawn differently.
    expect(stepper.stepAt(d, d.layout, n - 1)).toBe(d.steps[n - 1]);
  });

  it('names the rule of every line beside it, muted', () => {
    for (const layout of LAYOUTS) {
      for (let i = 0; i < n; i++) {
        const step = stepper.stepAt(d, layout, i);
        const tex = stepper.lineTex(d, layout, i, false);
        expect(tex).toContain(` && {\\small\\color{gray}{\\text{${step.rule}}}}`);
        expect(tex.endsWith('}}}')).toBe(true);
      }
    }
  });

  it('joins the equations of --solve with ⇔, never with =', () => {
    const s = stepper.initialState(d);
    for (let i = 0; i < n; i++) {
      const step = d.steps[i];
      const tex = stepper.lineTex(d, s.layout, i, false);
      if (step.stage === 'solve') {
        expect(tex.startsWith(`&\\Leftrightarrow\\; ${step.latex} && `)).toBe(true);
      } else {
        expect(tex.startsWith(`${step.lhs} &= ${step.latex}`)).toBe(true);
      }
    }
  });
});

describe('a derivation with --solve', () => {
  const solved = derivations.find(([name]) => name.includes('solve'));

  it('is among the fixtures, with its solving steps and the final layout step', () => {
    expect(solved).toBeDefined();
    const d = solved![1];
    const stages = d.steps.map(step => step.stage);
    expect(stages.filter(stage => stage === 'solve').length).toBeGreaterThanOrEqual(3);
    expect(stages[stages.length - 1]).toBe('layout');
  });

  it('shows ⇔ before each equation and no "= 0 =" chain', () => {
    const d = solved![1];
    const tex = stepper.derivationTex(d, stepper.initialState(d));
    const lines = tex.split(' \\\\ ');
    const solving = d.steps.flatMap((step, i) => (step.stage === 'solve' ? [i] : []));
    for (const i of solving) {
      expect(lines[i]).toMatch(/^&\\Leftrightarrow\\; /);
      expect(lines[i]).not.toContain('&=');
    }
    // The equation "... = 0" is followed by ⇔, not continued by "&= ...".
    expect(lines[solving[0] + 1]).toMatch(/^&\\Leftrightarrow/);
    // After the last equation, the result is a value again.
    expect(lines[lines.length - 1]).toMatch(/ &= /);
  });
});

describe('rule notes', () => {
  it('drop what TeX would read as a command, a group or the end of the formula', () => {
    expect(stepper.ruleTex('product rule')).toBe(
      '{\\small\\color{gray}{\\text{product rule}}}'
    );
    expect(stepper.ruleTex('a \\unicode{x} $b$ % c & d # e_f^g~')).toBe(
      '{\\small\\color{gray}{\\text{a unicodex b c and d efg}}}'
    );
    expect(stepper.ruleTex('<img src=x onerror=alert(1)>')).toBe(
      '{\\small\\color{gray}{\\text{<img src=x onerror=alert(1)>}}}'
    );
    expect(stepper.ruleTex('  {}  ')).toBe('');
  });
});
