/**
 * The stepper view of one derivation: plain DOM, no JupyterLab imports, so it is unit-tested
 * in jsdom. The renderer (renderer.ts) only wraps it in a widget.
 */
import { IDerivation, LAYOUTS, LayoutName } from './contract';
import {
  clearMath,
  el,
  isMathReady,
  nextTask,
  setPayloadLatex,
  setPayloadMath,
  showRefused,
  Typeset,
  typesetSafely
} from './dom';
import { LazyTypesetter } from './lazy';
import { formatCount, refusalNote, sanitizeTex } from './sanitize';
import * as stepper from './stepper';
import { ENGLISH, ITrans } from './trans';

/**
 * Above the current block, at most this many earlier lines (and characters of TeX) are
 * built at first; "Show earlier lines" adds as many again each time.
 */
export const EARLIER_LINES = 200;

// The words of the view's own controls go through JupyterLab's translation bundle (trans.ts);
// the derivation's own wording (rules, notes, the where label) comes in its JSON, in its language.
export { ENGLISH };
export type { ITrans };
export const EARLIER_CHARS = 40000;

const LAYOUT_LABELS: Record<LayoutName, string> = {
  numerator: 'Numerator',
  denominator: 'Denominator',
  mixed: 'Mixed'
};

const CHECK_LABELS: Record<string, string> = {
  passed: 'Numeric check passed',
  failed: 'Numeric check FAILED',
  skipped: 'Numeric check skipped'
};

const STAGE_LABELS: Record<string, string> = {
  function: 'the function',
  definition: 'by definition',
  differential: 'differential',
  trace: 'trace trick',
  vec: 'vectorize',
  readoff: 'read off',
  layout: 'layout',
  hessian: 'Hessian',
  solve: 'solve'
};

function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage;
}

export class DerivationView {
  readonly node: HTMLDivElement;
  private _state: stepper.IViewState;
  private readonly _doc: Document;

  // Parts that change with the state.
  private _derivation!: HTMLDivElement;
  private _earlier!: HTMLDivElement;
  private _showEarlier!: HTMLButtonElement;
  private _counter!: HTMLSpanElement;
  private _first!: HTMLButtonElement;
  private _prev!: HTMLButtonElement;
  private _next!: HTMLButtonElement;
  private _last!: HTMLButtonElement;
  private _stage!: HTMLSpanElement;
  private _rule!: HTMLSpanElement;
  private _identity!: HTMLDivElement;
  private _note!: HTMLDivElement;
  private _headerLayout!: HTMLSpanElement;
  private _layoutButtons = new Map<LayoutName, HTMLButtonElement>();
  private _result!: HTMLDivElement;
  private _description!: HTMLDivElement;

  // The derivation in blocks (stepper.blocks); the earlier ones drawn, by block index.
  private readonly _blocks: stepper.IBlock[];
  private _blockNodes = new Map<number, HTMLElement>();
  private _earlierShown: [number, number] | null = null;
  private _earlierPages = 1;
  private readonly _lazy: LazyTypesetter;
  // Bumped by every redraw: typesetting for an older one stops (the reader moved on).
  private _generation = 0;

  constructor(
    doc: Document,
    readonly derivation: IDerivation,
    private readonly _typeset?: Typeset,
    private readonly _trans: ITrans = ENGLISH
  ) {
    this._doc = doc;
    this._state = stepper.initialState(derivation);
    this._blocks = stepper.blocks(derivation);
    this._lazy = new LazyTypesetter(_typeset, (doc.defaultView ?? window) as any);
    this.node = el(doc, 'div', {
      className: 'jp-matdiff',
      attrs: { 'data-testid': 'matdiff-derivation', tabindex: '0' }
    });
    this._build();
    this.node.addEventListener('keydown', this._onKey);
  }

  get state(): stepper.IViewState {
    return this._state;
  }

  /**
   * Draw the current state; resolves when the math of the current step (its block of the
   * derivation, the identity, the result) is typeset. Earlier blocks are typeset later,
   * as they come into view.
   */
  update(): Promise<void> {
    const gen = ++this._generation;
    return this._typesetVisible(gen, this._draw());
  }

  next = (): Promise<void> => this._set(stepper.next(this.derivation, this._state));
  prev = (): Promise<void> => this._set(stepper.prev(this.derivation, this._state));
  first = (): Promise<void> => this._set(stepper.first(this.derivation, this._state));
  last = (): Promise<void> => this._set(stepper.last(this.derivation, this._state));
  setLayout = (layout: LayoutName): Promise<void> =>
    this._set(stepper.setLayout(this._state, layout));

  dispose(): void {
    this._generation++;
    this._lazy.dispose();
    this.node.removeEventListener('keydown', this._onKey);
  }

  private _set(state: stepper.IViewState): Promise<void> {
    const stepChanged = state.step !== this._state.step;
    const layoutChanged = state.layout !== this._state.layout;
    if (!stepChanged && !layoutChanged) {
      return Promise.resolve();
    }
    this._state = state;
    const gen = ++this._generation;
    // A step changes the derivation and the step panel; a layout changes the heading, the
    // result and the last line (with the step panel when it shows that line): redraw all
    // that depends on the state, from the state, so no part is left showing another one.
    return this._typesetVisible(gen, layoutChanged ? this._draw() : this._drawStep());
  }

  /** Everything that depends on the state: the step and the layout. */
  private _draw(): HTMLElement[] {
    return [...this._drawStep(), ...this._drawResult()];
  }

  /**
   * The derivation up to the current step, the navigation and the step's rule, all read
   * through stepper.stepAt in the current layout.
   */
  private _drawStep(): HTMLElement[] {
    const d = this.derivation;
    const s = this._state;
    const step = stepper.currentStep(d, s);
    const current = stepper.blockOf(this._blocks, s.step);

    const math = this._fillBlock(
      this._derivation,
      this._blocks[current].start,
      s.step + 1,
      s.step
    );
    this._derivation.setAttribute('data-step', String(s.step));
    this._drawEarlier(current);

    this._counter.textContent = this._trans.__(
      'Step %1 of %2',
      s.step + 1,
      d.steps.length
    );
    this._first.disabled = this._prev.disabled = !stepper.canPrev(s);
    this._next.disabled = this._last.disabled = !stepper.canNext(d, s);

    this._stage.textContent = this._trans.__(stageLabel(step.stage));
    this._stage.setAttribute('data-stage', step.stage);
    this._rule.textContent = step.rule;
    if (step.identity) {
      if (setPayloadMath(this._identity, step.identity, true)) {
        math.push(this._identity);
      }
      this._identity.hidden = false;
    } else {
      clearMath(this._identity);
      this._identity.hidden = true;
    }
    this._note.textContent = step.note ?? '';
    this._note.hidden = !step.note;
    return math;
  }

  /** The heading's layout and the result in the chosen layout. */
  private _drawResult(): HTMLElement[] {
    const d = this.derivation;
    const s = this._state;
    this._headerLayout.textContent = this._trans.__(
      ' in %1',
      stepper.layoutRule(s.layout, stepper.currentResult(d, s))
    );
    this._headerLayout.setAttribute('data-layout', s.layout);
    for (const [layout, button] of this._layoutButtons) {
      const on = layout === s.layout;
      button.setAttribute('aria-pressed', String(on));
      button.classList.toggle('jp-mod-active', on);
    }
    const ok = setPayloadMath(this._result, stepper.resultTex(d, s), true);
    this._result.setAttribute('data-layout', s.layout);
    this._description.textContent = stepper.currentResult(d, s).description;
    return ok ? [this._result] : [];
  }

  /**
   * Fill `node` with lines [start, end) of the derivation (line `highlight` highlighted) as
   * one aligned formula. A line that is refused (too long, or a command that is not
   * typeset) is shown as text between the formulas of the lines around it. Returns the
   * nodes to typeset.
   */
  private _fillBlock(
    node: HTMLElement,
    start: number,
    end: number,
    highlight: number
  ): HTMLElement[] {
    type Part = { lines: string[] } | { source: string; note: string; reason: string };
    const parts: Part[] = [];
    for (let i = start; i < end; i++) {
      const tex = stepper.lineTex(
        this.derivation,
        this._state.layout,
        i,
        i === highlight
      );
      const check = sanitizeTex(tex);
      const last = parts[parts.length - 1];
      if (!check.ok) {
        parts.push({ source: tex, note: refusalNote(check), reason: check.reason });
      } else if (last && 'lines' in last) {
        last.lines.push(check.tex);
      } else {
        parts.push({ lines: [check.tex] });
      }
    }
    // Each line passed alone; the block is checked again as a whole (table size, nesting).
    const fill = (target: HTMLElement, part: Part): boolean =>
      'lines' in part
        ? setPayloadMath(target, stepper.alignedTex(part.lines), true, Infinity)
        : (showRefused(target, part.source, part.note, part.reason), false);
    if (parts.length === 1) {
      return fill(node, parts[0]) ? [node] : [];
    }
    clearMath(node);
    const math: HTMLElement[] = [];
    for (const part of parts) {
      const child = el(this._doc, 'div', { className: 'jp-matdiff-block-part' });
      node.appendChild(child);
      if (fill(child, part)) {
        math.push(child);
      }
    }
    return math;
  }

  /**
   * The blocks above the current one: the nearest are built (and typeset when scrolled
   * to), the rest only counted, behind a "Show earlier lines" button. They are kept across
   * layouts: only the last line depends on the layout, and it is never above the current one.
   */
  private _drawEarlier(current: number): void {
    const first =
      current === 0
        ? 0
        : stepper.firstShownBlock(
            this.derivation,
            this._blocks,
            current,
            this._earlierPages,
            EARLIER_LINES,
            EARLIER_CHARS
          );
    if (this._earlierShown?.[0] === first && this._earlierShown[1] === current) {
      return;
    }
    this._earlierShown = [first, current];
    const kept = new Map<number, HTMLElement>();
    const fresh: Array<[HTMLElement, HTMLElement[]]> = [];
    for (let k = first; k < current; k++) {
      let node = this._blockNodes.get(k);
      if (!node) {
        const b = this._blocks[k];
        node = el(this._doc, 'div', {
          className: 'jp-matdiff-derivation-block jp-matdiff-math',
          attrs: { 'data-block': String(k), 'data-lines': `${b.start + 1}-${b.end}` }
        });
        node.style.overflowX = 'auto';
        fresh.push([node, this._fillBlock(node, b.start, b.end, -1)]);
      }
      kept.set(k, node);
    }
    for (const [k, node] of this._blockNodes) {
      if (!kept.has(k)) {
        this._lazy.forget(node);
      }
    }
    this._blockNodes = kept;

    const hidden = this._blocks[first].start;
    const children: HTMLElement[] = [...kept.values()];
    if (hidden > 0) {
      this._showEarlier.textContent = this._trans.__(
        'Show earlier lines (%1 not shown)',
        formatCount(hidden)
      );
      children.unshift(this._showEarlier);
    }
    this._earlier.replaceChildren(...children);
    this._earlier.hidden = children.length === 0;
    // Nearest first: the block just above the current one is typeset before older ones,
    // and without waiting to be scrolled to.
    for (const [node, math] of fresh.reverse()) {
      this._lazy.add(node, math);
    }
    const nearest = kept.get(current - 1);
    if (nearest) {
      this._lazy.prioritize(nearest);
    }
  }

  /**
   * Typeset the current step's formulas, one per task: between two, the page answers
   * input, and a newer redraw (the reader pressed → again) makes the rest moot.
   */
  private async _typesetVisible(gen: number, nodes: HTMLElement[]): Promise<void> {
    for (const node of nodes) {
      await nextTask();
      if (gen !== this._generation) {
        return;
      }
      if (!node.hidden && isMathReady(node)) {
        await typesetSafely(this._typeset, node);
      }
    }
  }

  // Arrow keys step through the derivation when the output has focus.
  private _onKey = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement | null;
    if (target && target.tagName === 'BUTTON' && event.key === 'Enter') {
      return;
    }
    const actions: Record<string, () => Promise<void>> = {
      ArrowRight: this.next,
      ArrowLeft: this.prev,
      Home: this.first,
      End: this.last
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      void action();
    }
  };

  private _button(
    label: string,
    className: string,
    title: string,
    onClick: () => void
  ): HTMLButtonElement {
    const b = el(this._doc, 'button', {
      className: `jp-matdiff-button ${className}`,
      text: label,
      attrs: { type: 'button', title, 'aria-label': title }
    });
    b.addEventListener('click', event => {
      event.stopPropagation();
      onClick();
    });
    return b;
  }

  private _build(): void {
    const doc = this._doc;
    const d = this.derivation;
    const t = (msgid: string): string => this._trans.__(msgid);

    // Header: what is differentiated, with respect to what, and the shapes.
    const header = el(doc, 'div', { className: 'jp-matdiff-header' }, [
      el(doc, 'span', { className: 'jp-matdiff-title', text: t('Derivative of ') }),
      el(doc, 'span', { className: 'jp-matdiff-function', text: d.function.text }),
      el(doc, 'span', { className: 'jp-matdiff-title', text: t(' with respect to ') }),
      el(doc, 'span', { className: 'jp-matdiff-wrt', text: d.wrt }),
      (this._headerLayout = el(doc, 'span', { className: 'jp-matdiff-header-layout' }))
    ]);
    this.node.appendChild(header);
    if (d.where) {
      const where = el(doc, 'div', {
        className: 'jp-matdiff-where',
        attrs: { title: d.where.text }
      });
      const label = d.where.label ?? 'where'; // the derivation's word: 其中 in Chinese
      if (setPayloadMath(where, `\\text{${label} } ${d.where.latex}`, false)) {
        // Typeset once, as soon as it is in view (it never changes).
        this._lazy.add(where, [where]);
      }
      this.node.appendChild(where);
    }

    // Earlier blocks of a long derivation, then the block with the current step.
    this._earlier = el(doc, 'div', { className: 'jp-matdiff-earlier' });
    this._earlier.hidden = true;
    this._showEarlier = this._button(
      t('Show earlier lines'),
      'jp-matdiff-show-earlier',
      t('Show earlier lines of the derivation'),
      () => {
        this._earlierPages++;
        this._drawEarlier(stepper.blockOf(this._blocks, this._state.step));
      }
    );
    this._derivation = el(doc, 'div', {
      className: 'jp-matdiff-derivation jp-matdiff-math',
      attrs: { 'aria-live': 'polite' }
    });
    this.node.appendChild(this._earlier);
    this.node.appendChild(this._derivation);

    // Navigation and the current step's rule.
    // Plain words and ◀ ▶: fonts without emoji (Debian's chromium) have no ⏮ ⏭.
    this._first = this._button(
      t('First'),
      'jp-matdiff-first',
      t('First step (Home)'),
      () => void this.first()
    );
    this._prev = this._button(
      t('◀ Prev'),
      'jp-matdiff-prev',
      t('Previous step (←)'),
      () => void this.prev()
    );
    this._counter = el(doc, 'span', { className: 'jp-matdiff-counter' });
    this._next = this._button(
      t('Next ▶'),
      'jp-matdiff-next',
      t('Next step (→)'),
      () => void this.next()
    );
    this._last = this._button(
      t('Last'),
      'jp-matdiff-last',
      t('Last step (End)'),
      () => void this.last()
    );
    const nav = el(doc, 'div', { className: 'jp-matdiff-nav' }, [
      this._first,
      this._prev,
      this._counter,
      this._next,
      this._last
    ]);

    this._stage = el(doc, 'span', { className: 'jp-matdiff-step-stage' });
    this._rule = el(doc, 'span', { className: 'jp-matdiff-step-rule' });
    this._identity = el(doc, 'div', {
      className: 'jp-matdiff-step-identity jp-matdiff-math'
    });
    this._note = el(doc, 'div', { className: 'jp-matdiff-step-note' });
    const stepBox = el(doc, 'div', { className: 'jp-matdiff-step' }, [
      el(doc, 'div', { className: 'jp-matdiff-step-heading' }, [
        this._stage,
        this._rule
      ]),
      this._identity,
      this._note
    ]);
    this.node.appendChild(
      el(doc, 'div', { className: 'jp-matdiff-stepper' }, [nav, stepBox])
    );

    // Result in the chosen layout.
    const group = el(doc, 'div', {
      className: 'jp-matdiff-layout',
      attrs: { role: 'group', 'aria-label': t('Layout') }
    });
    group.appendChild(
      el(doc, 'span', { className: 'jp-matdiff-layout-label', text: t('Layout:') })
    );
    for (const layout of LAYOUTS) {
      const b = this._button(
        t(LAYOUT_LABELS[layout]),
        'jp-matdiff-layout-button',
        this._trans.__('%1 layout', t(LAYOUT_LABELS[layout])),
        () => void this.setLayout(layout)
      );
      b.setAttribute('data-layout', layout);
      this._layoutButtons.set(layout, b);
      group.appendChild(b);
    }
    this._result = el(doc, 'div', { className: 'jp-matdiff-result jp-matdiff-math' });
    this._description = el(doc, 'div', { className: 'jp-matdiff-result-description' });
    this.node.appendChild(
      el(doc, 'div', { className: 'jp-matdiff-result-box' }, [
        group,
        this._result,
        this._description
      ])
    );

    // Numeric check badge.
    const status = d.check.status;
    this.node.appendChild(
      el(
        doc,
        'div',
        {
          className: `jp-matdiff-check jp-matdiff-check-${status}`,
          attrs: { 'data-status': status }
        },
        [
          el(doc, 'span', {
            className: 'jp-matdiff-check-status',
            text: t(CHECK_LABELS[status] ?? `Numeric check ${status}`)
          }),
          el(doc, 'span', {
            className: 'jp-matdiff-check-message',
            text: d.check.message
          })
        ]
      )
    );
  }
}

/** The message shown for a bundle that cannot be drawn, with the TeX fallback if any. */
export function errorView(
  doc: Document,
  message: string,
  fallbackLatex: string | undefined,
  typeset?: Typeset
): { node: HTMLDivElement; done: Promise<void> } {
  const node = el(doc, 'div', {
    className: 'jp-matdiff jp-matdiff-invalid',
    attrs: { 'data-testid': 'matdiff-derivation' }
  });
  node.appendChild(
    el(doc, 'div', {
      className: 'jp-matdiff-error',
      text: `matdiff: cannot show this derivation. ${message}`,
      attrs: { role: 'alert' }
    })
  );
  let done = Promise.resolve();
  if (fallbackLatex) {
    // text/latex bundles carry their own $$ delimiters, as JupyterLab's latex renderer expects.
    const fallback = el(doc, 'div', { className: 'jp-matdiff-fallback' });
    setPayloadLatex(fallback, fallbackLatex);
    node.appendChild(fallback);
    done = typesetSafely(typeset, fallback);
  }
  return { node, done };
}
