/**
 * Typesetting that waits its turn: formulas off the screen are typeset when they scroll into
 * view (IntersectionObserver), one per idle moment of the page, so a long derivation never
 * blocks input. Without IntersectionObserver (tests in jsdom) every block is queued at once
 * and still typeset one per idle callback.
 */
import { isMathReady, Typeset, typesetSafely } from './dom';

type IdleWindow = Window &
  typeof globalThis & {
    requestIdleCallback?: (cb: () => void, options?: { timeout: number }) => number;
    cancelIdleCallback?: (handle: number) => void;
  };

/** Typeset early blocks within this distance of the visible part of the page. */
const ROOT_MARGIN = '400px 0px';

export class LazyTypesetter {
  private readonly _math = new Map<Element, HTMLElement[]>();
  private readonly _queue: HTMLElement[] = [];
  private readonly _done = new WeakSet<HTMLElement>();
  private readonly _observer: IntersectionObserver | null;
  private _scheduled: (() => void) | null = null;
  private _disposed = false;

  constructor(
    private readonly _typeset: Typeset | undefined,
    private readonly _window: IdleWindow
  ) {
    const IO = (_window as any).IntersectionObserver as
      typeof IntersectionObserver | undefined;
    this._observer = IO
      ? new IO(entries => this._onIntersect(entries), { rootMargin: ROOT_MARGIN })
      : null;
  }

  /** Typeset `math` (nodes inside `block`) once `block` is near the screen. */
  add(block: HTMLElement, math: HTMLElement[]): void {
    if (this._disposed || !this._typeset || math.length === 0) {
      return;
    }
    if (this._observer) {
      this._math.set(block, math);
      this._observer.observe(block);
    } else {
      this._enqueue(math);
    }
  }

  /**
   * Typeset `block` (added before) at the next idle moment, without waiting for it to come
   * into view: for the block just above the current step, which the reader sees next. An
   * observer with a margin does not look ahead inside a scrolled notebook (the scrolling
   * panel clips what it reports), so near is not enough to be typeset in time.
   */
  prioritize(block: HTMLElement): void {
    const math = this._math.get(block);
    if (this._disposed || !math) {
      return;
    }
    this._math.delete(block);
    this._observer?.unobserve(block);
    this._queue.unshift(...math);
    this._schedule();
  }

  /** Stop caring about a block that left the page. */
  forget(block: HTMLElement): void {
    this._math.delete(block);
    this._observer?.unobserve(block);
    const kept = this._queue.filter(node => !block.contains(node));
    this._queue.splice(0, this._queue.length, ...kept);
  }

  /** Whether this node was typeset here. */
  isDone(node: HTMLElement): boolean {
    return this._done.has(node);
  }

  dispose(): void {
    this._disposed = true;
    this._observer?.disconnect();
    this._math.clear();
    this._queue.length = 0;
    this._scheduled?.();
    this._scheduled = null;
  }

  private _onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      if (!entry.isIntersecting) {
        continue;
      }
      const math = this._math.get(entry.target);
      this._math.delete(entry.target);
      this._observer?.unobserve(entry.target);
      if (math) {
        this._enqueue(math);
      }
    }
  }

  private _enqueue(math: HTMLElement[]): void {
    this._queue.push(...math);
    this._schedule();
  }

  private _schedule(): void {
    if (this._scheduled || this._disposed || this._queue.length === 0) {
      return;
    }
    const w = this._window;
    const run = () => {
      this._scheduled = null;
      void this._pump();
    };
    if (w.requestIdleCallback && w.cancelIdleCallback) {
      const handle = w.requestIdleCallback(run, { timeout: 300 });
      this._scheduled = () => w.cancelIdleCallback!(handle);
    } else {
      const handle = w.setTimeout(run, 0);
      this._scheduled = () => w.clearTimeout(handle);
    }
  }

  /** Typeset one queued node, then let the page breathe before the next. */
  private async _pump(): Promise<void> {
    while (this._queue.length > 0 && !this._disposed) {
      const node = this._queue.shift()!;
      if (this._done.has(node) || !isMathReady(node)) {
        continue;
      }
      this._done.add(node);
      await typesetSafely(this._typeset, node);
      break;
    }
    this._schedule();
  }
}
