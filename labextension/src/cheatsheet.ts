/**
 * The "Matrix calculus cheat sheet" side panel: the differential rules, the trace tricks,
 * the read-off rule and the layout table, each with a button that inserts a %%matdiff
 * cell exercising it.
 */
import { Widget } from '@lumino/widgets';

import { el, setMath, Typeset, typesetSafely } from './dom';
import {
  INTRO,
  IRule,
  LAYOUT_EXAMPLE,
  LAYOUT_ROWS,
  LAYOUTS_INTRO,
  LAYOUTS_TITLE,
  SECTIONS,
  TITLE
} from './rules';

export const CHEATSHEET_ID = 'matdiff-cheatsheet';

export class CheatSheet extends Widget {
  private _typeset: Typeset | undefined;
  private _typesetDone = false;

  constructor(
    private readonly _insert: (source: string) => void,
    typeset?: Typeset
  ) {
    super();
    this._typeset = typeset;
    this.id = CHEATSHEET_ID;
    this.addClass('jp-matdiff-cheatsheet');
    this.node.setAttribute('data-testid', 'matdiff-cheatsheet');
    this.title.label = 'Matrix calculus';
    this.title.caption = 'Matrix calculus cheat sheet';
    this.title.closable = true;
    this._build();
  }

  /** Typeset once the panel is visible (MathJax lays out better when attached). */
  protected onAfterShow(): void {
    void this.typeset();
  }

  protected onAfterAttach(): void {
    if (this.isVisible) {
      void this.typeset();
    }
  }

  async typeset(): Promise<void> {
    if (this._typesetDone || !this._typeset) {
      return;
    }
    this._typesetDone = true;
    for (const node of Array.from(
      this.node.querySelectorAll<HTMLElement>('.jp-matdiff-math')
    )) {
      await typesetSafely(this._typeset, node);
    }
  }

  private _insertButton(id: string, example: string): HTMLButtonElement {
    const b = el(document, 'button', {
      className: 'jp-matdiff-button jp-matdiff-cheatsheet-insert',
      text: 'Insert',
      attrs: {
        type: 'button',
        'data-rule': id,
        title: `Insert a %%matdiff cell below the active cell:\n${example}`
      }
    });
    b.addEventListener('click', () => this._insert(example));
    return b;
  }

  private _rule(rule: IRule): HTMLElement {
    // The plain-text reading goes to the tooltip and screen readers, not on the page twice.
    const math = el(document, 'div', {
      className: 'jp-matdiff-math',
      attrs: { title: rule.text, 'aria-label': rule.text }
    });
    setMath(math, rule.tex, true);
    return el(
      document,
      'div',
      { className: 'jp-matdiff-cheatsheet-rule', attrs: { 'data-rule': rule.id } },
      [
        el(document, 'div', { className: 'jp-matdiff-cheatsheet-rule-head' }, [
          el(document, 'span', {
            className: 'jp-matdiff-cheatsheet-rule-title',
            text: rule.title
          }),
          this._insertButton(rule.id, rule.example)
        ]),
        math
      ]
    );
  }

  private _layoutTable(): HTMLElement {
    const cell = (tag: 'td' | 'th', text: string, title?: string) =>
      el(document, tag, { text, attrs: title ? { title } : {} });
    const head = el(document, 'tr', {}, [
      cell('th', ''),
      cell('th', 'num.', 'numerator layout'),
      cell('th', 'denom.', 'denominator layout'),
      cell('th', 'mixed', 'mixed layout')
    ]);
    const rows = LAYOUT_ROWS.map(row => {
      // The formula and a short name head the row; the full shapes are in the tooltip.
      const math = el(document, 'span', { className: 'jp-matdiff-math' });
      setMath(math, row.tex, false);
      const first = el(
        document,
        'th',
        { attrs: { scope: 'row', title: row.text, 'aria-label': row.text } },
        [
          math,
          el(document, 'div', {
            className: 'jp-matdiff-cheatsheet-text',
            text: row.short
          })
        ]
      );
      return el(document, 'tr', { attrs: { 'data-row': row.id } }, [
        first,
        cell('td', row.numerator),
        cell('td', row.denominator),
        cell('td', row.mixed)
      ]);
    });
    return el(document, 'table', { className: 'jp-matdiff-layout-table' }, [
      el(document, 'thead', {}, [head]),
      el(document, 'tbody', {}, rows)
    ]);
  }

  private _build(): void {
    const root = this.node;
    root.appendChild(
      el(document, 'h2', {
        className: 'jp-matdiff-cheatsheet-title',
        text: TITLE
      })
    );
    root.appendChild(
      el(document, 'p', {
        className: 'jp-matdiff-cheatsheet-text',
        text: INTRO
      })
    );
    for (const section of SECTIONS) {
      const box = el(document, 'section', {
        className: 'jp-matdiff-cheatsheet-section',
        attrs: { 'data-section': section.id }
      });
      box.appendChild(el(document, 'h3', { text: section.title }));
      box.appendChild(
        el(document, 'p', {
          className: 'jp-matdiff-cheatsheet-text',
          text: section.intro
        })
      );
      section.rules.forEach(rule => box.appendChild(this._rule(rule)));
      root.appendChild(box);
    }

    const layouts = el(document, 'section', {
      className: 'jp-matdiff-cheatsheet-section',
      attrs: { 'data-section': 'layouts' }
    });
    layouts.appendChild(
      el(document, 'div', { className: 'jp-matdiff-cheatsheet-rule-head' }, [
        el(document, 'h3', { text: LAYOUTS_TITLE }),
        this._insertButton('layouts', LAYOUT_EXAMPLE)
      ])
    );
    layouts.appendChild(
      el(document, 'p', {
        className: 'jp-matdiff-cheatsheet-text',
        text: LAYOUTS_INTRO
      })
    );
    layouts.appendChild(this._layoutTable());
    root.appendChild(layouts);
  }
}
