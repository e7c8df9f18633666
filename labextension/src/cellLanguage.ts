/**
 * The per-editor extension that gives a cell the matdiff language while its first line
 * reads `%%matdiff` (pure CodeMirror, so it is unit-tested without JupyterLab).
 *
 * JupyterLab has no hook for cell-magic languages, and changing a cell's mimeType races with
 * the notebook resetting it to text/x-ipython when the kernel starts. So every editor gets
 * its own Compartment, at the highest precedence, holding the matdiff language while the
 * first line matches and nothing otherwise; a transaction extender switches it as the user
 * types. The language facet takes the highest-precedence value, so ours wins over the
 * IPython language whatever the notebook does with the mimeType.
 */
import { highlightingFor } from '@codemirror/language';
import {
  Compartment,
  EditorState,
  Extension,
  Prec,
  RangeSetBuilder,
  Text
} from '@codemirror/state';
import {
  Decoration,
  DecorationSet,
  EditorView,
  ViewPlugin,
  ViewUpdate
} from '@codemirror/view';

import {
  lineMagicTokens,
  MAGIC_LINE,
  matdiffHighlighting,
  matdiffSupport,
  TOKEN_TAGS,
  TokenName
} from './language';

export const MATDIFF_MIME = 'text/x-matdiff';

/** Class on the editor of a %%matdiff cell (for styling and tests). */
export const CELL_CLASS = 'jp-matdiff-cell';

export function isMatdiffSource(doc: Text | string): boolean {
  const first = typeof doc === 'string' ? doc.split('\n', 1)[0] : doc.line(1).text;
  return MAGIC_LINE.test(first);
}

/** One extension per editor: its own compartment, so cells switch independently. */
export function matdiffCellExtension(initialSource: string): Extension {
  const support = matdiffSupport();
  const active: Extension = [
    support,
    EditorView.editorAttributes.of({ class: CELL_CLASS })
  ];
  const compartment = new Compartment();
  const isOn = (state: EditorState): boolean => compartment.get(state) === active;

  const follow = EditorState.transactionExtender.of(tr => {
    if (!tr.docChanged) {
      return null;
    }
    const want = isMatdiffSource(tr.newDoc);
    return want === isOn(tr.startState)
      ? null
      : { effects: compartment.reconfigure(want ? active : []) };
  });

  // The editor may be created before its text arrives without a transaction (e.g. from
  // the shared model); check once the view exists.
  const settle = ViewPlugin.define(view => {
    if (isMatdiffSource(view.state.doc) !== isOn(view.state)) {
      queueMicrotask(() => {
        const want = isMatdiffSource(view.state.doc);
        if (want !== isOn(view.state)) {
          view.dispatch({ effects: compartment.reconfigure(want ? active : []) });
        }
      });
    }
    return {};
  });

  return [
    Prec.highest(compartment.of(isMatdiffSource(initialSource) ? active : [])),
    follow,
    settle
  ];
}

/** Class on a %matdiff line (for styling and tests). */
export const LINE_MAGIC_LINE_CLASS = 'jp-matdiff-line-magic';

/** Class on the expression of a %matdiff line: the plain colour under its tokens. */
export const LINE_MAGIC_CLASS = 'cm-matdiff-line-magic';

/**
 * The %matdiff lines of a code cell: the expression after the magic and its options is
 * coloured as in the body of a %%matdiff cell; the magic and its options, like every other
 * line magic, and the rest of the cell keep the cell's language.
 *
 * The cell's language (IPython) still parses the expression (it reads `'*x` as an
 * unterminated string), so it is drawn over, in two layers of marks inside the language's
 * own: the outer covers the expression with the plain text colour, the inner one colours
 * each token with the theme's class for its tag. At the highest precedence, ours are the
 * innermost elements, and their colours are the ones shown.
 */
export function matdiffLineMagicExtension(): Extension {
  const line = Decoration.line({ class: LINE_MAGIC_LINE_CLASS });
  const plain = Decoration.mark({ class: LINE_MAGIC_CLASS });

  class LineMagics {
    tokens: DecorationSet = Decoration.none;
    lines: DecorationSet = Decoration.none;
    private _marks = new Map<TokenName, Decoration>();

    constructor(view: EditorView) {
      this._build(view);
    }

    update(update: ViewUpdate): void {
      const reconfigured = update.transactions.some(tr => tr.reconfigured);
      if (reconfigured) {
        this._marks.clear(); // the theme's classes may have changed
      }
      if (update.docChanged || update.viewportChanged || reconfigured) {
        this._build(update.view);
      }
    }

    private _mark(state: EditorState, token: TokenName): Decoration {
      let mark = this._marks.get(token);
      if (!mark) {
        // cm-matdiff-NAME and the theme's colour class for the token's tag.
        const classes = new Set([
          `cm-matdiff-${token}`,
          ...(highlightingFor(state, [TOKEN_TAGS[token]]) ?? '')
            .split(' ')
            .filter(Boolean)
        ]);
        mark = Decoration.mark({ class: [...classes].join(' ') });
        this._marks.set(token, mark);
      }
      return mark;
    }

    private _build(view: EditorView): void {
      const tokens = new RangeSetBuilder<Decoration>();
      const lines = new RangeSetBuilder<Decoration>();
      // In a %%matdiff cell every line is the magic's already.
      if (!isMatdiffSource(view.state.doc)) {
        let done = 0; // the last line decorated: a line can be in two visible ranges
        for (const { from, to } of view.visibleRanges) {
          for (let pos = from; pos <= to;) {
            const l = view.state.doc.lineAt(pos);
            pos = l.to + 1;
            if (l.number <= done) {
              continue;
            }
            done = l.number;
            const all = l.text.includes('%matdiff') ? lineMagicTokens(l.text) : null;
            if (!all) {
              continue;
            }
            lines.add(l.from, l.from, line);
            const spans = all.filter(span => span.expression);
            if (spans.length > 0) {
              lines.add(l.from + spans[0].from, l.to, plain);
              for (const span of spans) {
                if (span.token) {
                  const mark = this._mark(view.state, span.token);
                  tokens.add(l.from + span.from, l.from + span.to, mark);
                }
              }
            }
          }
        }
      }
      this.tokens = tokens.finish();
      this.lines = lines.finish();
    }
  }

  const plugin = ViewPlugin.fromClass(LineMagics, {
    // Of two decoration sources, the one given first is drawn inside the other.
    provide: p => [
      EditorView.decorations.of(view => view.plugin(p)?.tokens ?? Decoration.none),
      EditorView.decorations.of(view => view.plugin(p)?.lines ?? Decoration.none)
    ]
  });
  return [Prec.highest(plugin), matdiffHighlighting];
}
