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
});
