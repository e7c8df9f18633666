/**
 * Syntax highlighting of %%matdiff cells and %matdiff lines: registers the matdiff language
 * and adds the per-editor switch and the line-magic colouring (cellLanguage.ts) to every cell
 * editor.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry,
  IEditorLanguageRegistry
} from '@jupyterlab/codemirror';

import {
  MATDIFF_MIME,
  matdiffCellExtension,
  matdiffLineMagicExtension
} from './cellLanguage';
import { matdiffSupport } from './language';

export const highlightPlugin: JupyterFrontEndPlugin<void> = {
  id: 'matdiff-magic:highlight',
  description: 'Syntax highlighting of %%matdiff cells and %matdiff lines.',
  autoStart: true,
  requires: [IEditorLanguageRegistry, IEditorExtensionRegistry],
  activate: (
    _app: JupyterFrontEnd,
    languages: IEditorLanguageRegistry,
    extensions: IEditorExtensionRegistry
  ) => {
    // A named language too, so a .matdiff file or a mimeType can use it directly.
    languages.addLanguage({
      name: 'matdiff',
      displayName: 'matdiff',
      mime: MATDIFF_MIME,
      extensions: ['matdiff'],
      support: matdiffSupport()
    });

    extensions.addExtension({
      name: 'matdiff-magic:cell-language',
      factory: options => {
        // Markdown cells never run magics.
        const mime = options.model.mimeType ?? '';
        if (/markdown|gfm/.test(mime)) {
          return null;
        }
        return EditorExtensionRegistry.createImmutableExtension([
          matdiffCellExtension(options.model.sharedModel.getSource()),
          matdiffLineMagicExtension()
        ]);
      }
    });
  }
};
