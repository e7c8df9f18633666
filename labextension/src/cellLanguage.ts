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
import { Compartment, EditorState, Extension, Prec, Text } from '@codemirror/state';
import { EditorView, ViewPlugin } from '@codemirror/view';

import { MAGIC_LINE, matdiffSupport } from './language';

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
