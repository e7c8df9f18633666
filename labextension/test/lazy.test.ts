/** Typesetting off-screen blocks when they come into view, one per idle moment. */
import { describe, expect, it } from 'vitest';

import { nextTask, setMath } from '../src/dom';
import { LazyTypesetter } from '../src/lazy';

/** An IntersectionObserver the test drives by hand. */
class FakeObserver {
  static last: FakeObserver;
  readonly observed = new Set<Element>();
  constructor(private readonly _callback: (entries: any[]) => void) {
    FakeObserver.last = this;
  }
  observe(target: Element): void {
    this.observed.add(target);
  }
  unobserve(target: Element): void {
    this.observed.delete(target);
  }
  disconnect(): void {
    this.observed.clear();
  }
  show(target: Element): void {
    this._callback([{ target, isIntersecting: true }]);
  }
}

function block(tex: string): HTMLElement {
  const node = document.createElement('div');
  setMath(node, tex, true);
  document.body.appendChild(node);
  return node;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await nextTask();
  }
}

describe('LazyTypesetter', () => {
  it('typesets a block only once it is in view, and only once', async () => {
    const typeset: HTMLElement[] = [];
    const win = Object.assign(Object.create(window), {
      IntersectionObserver: FakeObserver,
      setTimeout: window.setTimeout.bind(window),
      clearTimeout: window.clearTimeout.bind(window)
    });
    const lazy = new LazyTypesetter(node => void typeset.push(node), win);
    const [a, b, c] = ['a', 'b', 'c'].map(block);
    lazy.add(a, [a]);
    lazy.add(b, [b]);
    lazy.add(c, [c]);
    await settle();
    expect(typeset).toEqual([]);

    FakeObserver.last.show(b);
    await settle();
    expect(typeset).toEqual([b]);
    expect(FakeObserver.last.observed.has(b)).toBe(false);

    lazy.forget(c);
    expect(FakeObserver.last.observed.has(c)).toBe(false);
    FakeObserver.last.show(a);
    FakeObserver.last.show(b);
    await settle();
    expect(typeset).toEqual([b, a]);
    expect(lazy.isDone(a)).toBe(true);
    lazy.dispose();
  });

  it('typesets a prioritized block without waiting for it to come into view', async () => {
    const typeset: HTMLElement[] = [];
    const win = Object.assign(Object.create(window), {
      IntersectionObserver: FakeObserver,
      setTimeout: window.setTimeout.bind(window),
      clearTimeout: window.clearTimeout.bind(window)
    });
    const lazy = new LazyTypesetter(node => void typeset.push(node), win);
    const [a, b] = ['a', 'b'].map(block);
    lazy.add(a, [a]);
    lazy.add(b, [b]);
    lazy.prioritize(b);
    expect(FakeObserver.last.observed.has(b)).toBe(false);
    await settle();
    expect(typeset).toEqual([b]);
    // Once only: shown or prioritized again, it is not typeset twice.
    FakeObserver.last.show(b);
    lazy.prioritize(b);
    await settle();
    expect(typeset).toEqual([b]);
    expect(FakeObserver.last.observed.has(a)).toBe(true);
    lazy.dispose();
  });

  it('without IntersectionObserver, typesets every block, one per task', async () => {
    const typeset: HTMLElement[] = [];
    const win = Object.assign(Object.create(window), {
      IntersectionObserver: undefined,
      setTimeout: window.setTimeout.bind(window),
      clearTimeout: window.clearTimeout.bind(window)
    });
    const lazy = new LazyTypesetter(node => void typeset.push(node), win);
    const nodes = ['a', 'b', 'c'].map(block);
    for (const node of nodes) {
      lazy.add(node, [node]);
    }
    expect(typeset).toEqual([]);
    await nextTask();
    expect(typeset.length).toBeLessThanOrEqual(1);
    await settle();
    expect(typeset).toEqual(nodes);

    // Refused TeX is never handed over; a disposed typesetter does nothing.
    const refused = document.createElement('div');
    refused.textContent = '\\[\\unicode{x41}\\]';
    lazy.add(refused, [refused]);
    await settle();
    expect(typeset).toEqual(nodes);
    const late = block('d');
    lazy.dispose();
    lazy.add(late, [late]);
    await settle();
    expect(typeset).toEqual(nodes);
  });
});
