/**
 * The "Matrix calculus cheat sheet" side panel: the differential rules, the trace tricks,
 * the read-off rule and the layout table, each with a button that inserts a %%matdiff
 * cell exercising it. Its words (title, headings, sentences, buttons, the identities' rule
 * names, the layout table's column heads and row names) go through JupyterLab's translation
 * bundle, whose catalog the package writes from its glossaries; the mathematics stays as it is.
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
import { ENGLISH, ITrans, MAGIC } from './trans';

export const CHEATSHEET_ID = 'matdiff-cheatsheet';

export class CheatSheet extends Widget {
  private _typeset: Typeset | undefined;
  private _typesetDone = false;

  constructor(
    private readonly _insert: (source: string) => void,
    typeset?: Typeset,
    private readonly _trans: ITrans = ENGLISH
  ) {
    super();
    this._typeset = typeset;
    this.id = CHEATSHEET_ID;
    this.addClass('jp-matdiff-cheatsheet');
    this.node.setAttribute('data-testid', 'matdiff-cheatsheet');
    this.title.label = this._trans.__('Matrix calculus');
    this.title.caption = this._trans.__('Matrix calculus cheat sheet');
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
      text: this._trans.__('Insert'),
      attrs: {
        type: 'button',
        'data-rule': id,
        title: `${this._trans.__('Insert a %1 cell below the active cell:', MAGIC)}\n${example}`
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
            text: this._trans.__(rule.title)
          }),
          this._insertButton(rule.id, rule.example)
        ]),
        math,
        // The rule names a derivation's steps show when they apply these identities.
        el(document, 'div', {
          className: 'jp-matdiff-cheatsheet-text jp-matdiff-cheatsheet-names',
          text: rule.names.map(name => this._trans.__(name)).join(' · ')
        })
      ]
    );
  }

  private _layoutTable(): HTMLElement {
    const __ = (msgid: string) => this._trans.__(msgid);
    const cell = (tag: 'td' | 'th', text: string, title?: string) =>
      el(document, tag, { text, attrs: title ? { title } : {} });
    // The column heads and the rows' names and readings are words; the shapes are mathematics.
    const head = el(document, 'tr', {}, [
      cell('th', ''),
      cell('th', __('num.'), __('numerator layout')),
      cell('th', __('denom.'), __('denominator layout')),
      cell('th', __('mixed'), __('mixed layout'))
    ]);
    const rows = LAYOUT_ROWS.map(row => {
      // The formula and a short name head the row; the full shapes are in the tooltip.
      const math = el(document, 'span', { className: 'jp-matdiff-math' });
      setMath(math, row.tex, false);
      const reading = __(row.text);
      const first = el(
        document,
        'th',
        { attrs: { scope: 'row', title: reading, 'aria-label': reading } },
        [
          math,
          el(document, 'div', {
            className: 'jp-matdiff-cheatsheet-text',
            text: __(row.short)
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
        text: this._trans.__(TITLE)
      })
    );
    root.appendChild(
      el(document, 'p', {
        className: 'jp-matdiff-cheatsheet-text',
        text: this._trans.__(INTRO)
      })
    );
    for (const section of SECTIONS) {
      const box = el(document, 'section', {
        className: 'jp-matdiff-cheatsheet-section',
        attrs: { 'data-section': section.id }
      });
      box.appendChild(el(document, 'h3', { text: this._trans.__(section.title) }));
      box.appendChild(
        el(document, 'p', {
          className: 'jp-matdiff-cheatsheet-text',
          text: this._trans.__(section.intro)
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
        el(document, 'h3', { text: this._trans.__(LAYOUTS_TITLE) }),
        this._insertButton('layouts', LAYOUT_EXAMPLE)
      ])
    );
    layouts.appendChild(
      el(document, 'p', {
        className: 'jp-matdiff-cheatsheet-text',
        text: this._trans.__(LAYOUTS_INTRO)
      })
    );
    layouts.appendChild(this._layoutTable());
    root.appendChild(layouts);
  }
}
