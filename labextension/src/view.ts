/**
 * The stepper view of one derivation: plain DOM, no JupyterLab imports, so it is unit-tested
 * in jsdom. The renderer (renderer.ts) only wraps it in a widget.
 */
import { IDerivation, LAYOUTS, LayoutName } from './contract';
import { el, setMath, Typeset, typesetSafely } from './dom';
import * as stepper from './stepper';

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
  private _counter!: HTMLSpanElement;
  private _first!: HTMLButtonElement;
  private _prev!: HTMLButtonElement;
  private _next!: HTMLButtonElement;
  private _last!: HTMLButtonElement;
  private _stage!: HTMLSpanElement;
  private _rule!: HTMLSpanElement;
  private _identity!: HTMLDivElement;
  private _note!: HTMLDivElement;
  private _layoutButtons = new Map<LayoutName, HTMLButtonElement>();
  private _result!: HTMLDivElement;
  private _description!: HTMLDivElement;

  constructor(
    doc: Document,
    readonly derivation: IDerivation,
    private readonly _typeset?: Typeset
  ) {
    this._doc = doc;
    this._state = stepper.initialState(derivation);
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

  /** Draw the current state; resolves when the math is typeset. */
  update(): Promise<void> {
    const d = this.derivation;
    const s = this._state;
    const step = stepper.currentStep(d, s);
    const result = stepper.currentResult(d, s);

    setMath(this._derivation, stepper.derivationTex(d, s), true);
    this._derivation.setAttribute('data-step', String(s.step));

    this._counter.textContent = `Step ${s.step + 1} of ${d.steps.length}`;
    this._first.disabled = this._prev.disabled = !stepper.canPrev(s);
    this._next.disabled = this._last.disabled = !stepper.canNext(d, s);

    this._stage.textContent = stageLabel(step.stage);
    this._stage.setAttribute('data-stage', step.stage);
    this._rule.textContent = step.rule;
    if (step.identity) {
      setMath(this._identity, step.identity, true);
      this._identity.hidden = false;
    } else {
      this._identity.textContent = '';
      this._identity.removeAttribute('data-tex');
      this._identity.hidden = true;
    }
    this._note.textContent = step.note ?? '';
    this._note.hidden = !step.note;

    for (const [layout, button] of this._layoutButtons) {
      const on = layout === s.layout;
      button.setAttribute('aria-pressed', String(on));
      button.classList.toggle('jp-mod-active', on);
    }
    setMath(this._result, stepper.resultTex(d, s), true);
    this._result.setAttribute('data-layout', s.layout);
    this._description.textContent = result.description;

    return this._typesetAll([this._derivation, this._identity, this._result]);
  }

  next = (): Promise<void> => this._set(stepper.next(this.derivation, this._state));
  prev = (): Promise<void> => this._set(stepper.prev(this.derivation, this._state));
  first = (): Promise<void> => this._set(stepper.first(this.derivation, this._state));
  last = (): Promise<void> => this._set(stepper.last(this.derivation, this._state));
  setLayout = (layout: LayoutName): Promise<void> =>
    this._set(stepper.setLayout(this._state, layout));

  dispose(): void {
    this.node.removeEventListener('keydown', this._onKey);
  }

  private _set(state: stepper.IViewState): Promise<void> {
    if (state.step === this._state.step && state.layout === this._state.layout) {
      return Promise.resolve();
    }
    this._state = state;
    return this.update();
  }

  private async _typesetAll(nodes: HTMLElement[]): Promise<void> {
    for (const node of nodes) {
      if (!node.hidden) {
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

    // Header: what is differentiated, with respect to what, and the shapes.
    const header = el(doc, 'div', { className: 'jp-matdiff-header' }, [
      el(doc, 'span', { className: 'jp-matdiff-title', text: 'Derivative of ' }),
      el(doc, 'span', { className: 'jp-matdiff-function', text: d.function.text }),
      el(doc, 'span', { className: 'jp-matdiff-title', text: ' with respect to ' }),
      el(doc, 'span', { className: 'jp-matdiff-wrt', text: d.wrt })
    ]);
    this.node.appendChild(header);
    if (d.where) {
      const where = el(doc, 'div', {
        className: 'jp-matdiff-where',
        attrs: { title: d.where.text }
      });
      setMath(where, `\\text{where } ${d.where.latex}`, false);
      this.node.appendChild(where);
      void typesetSafely(this._typeset, where);
    }

    this._derivation = el(doc, 'div', {
      className: 'jp-matdiff-derivation jp-matdiff-math',
      attrs: { 'aria-live': 'polite' }
    });
    this.node.appendChild(this._derivation);

    // Navigation and the current step's rule.
    // Plain words and ◀ ▶: fonts without emoji (Debian's chromium) have no ⏮ ⏭.
    this._first = this._button(
      'First',
      'jp-matdiff-first',
      'First step (Home)',
      () => void this.first()
    );
    this._prev = this._button(
      '◀ Prev',
      'jp-matdiff-prev',
      'Previous step (←)',
      () => void this.prev()
    );
    this._counter = el(doc, 'span', { className: 'jp-matdiff-counter' });
    this._next = this._button(
      'Next ▶',
      'jp-matdiff-next',
      'Next step (→)',
      () => void this.next()
    );
    this._last = this._button(
      'Last',
      'jp-matdiff-last',
      'Last step (End)',
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
      attrs: { role: 'group', 'aria-label': 'Layout' }
    });
    group.appendChild(
      el(doc, 'span', { className: 'jp-matdiff-layout-label', text: 'Layout:' })
    );
    for (const layout of LAYOUTS) {
      const b = this._button(
        LAYOUT_LABELS[layout],
        'jp-matdiff-layout-button',
        `${LAYOUT_LABELS[layout]} layout`,
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
            text: CHECK_LABELS[status] ?? `Numeric check ${status}`
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
    const fallback = el(doc, 'div', {
      className: 'jp-matdiff-fallback',
      text: fallbackLatex
    });
    node.appendChild(fallback);
    done = typesetSafely(typeset, fallback);
  }
  return { node, done };
}
