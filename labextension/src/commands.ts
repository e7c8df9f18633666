/**
 * The two commands: "Insert %%matdiff cell" and "Matrix calculus cheat sheet", in the
 * command palette and the notebook context menu.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';

import { CheatSheet } from './cheatsheet';
import { DEFAULT_EXAMPLE } from './rules';
import { DOMAIN, ENGLISH, MAGIC } from './trans';

export namespace CommandIDs {
  export const insertCell = 'matdiff:insert-cell';
  export const cheatSheet = 'matdiff:open-cheatsheet';
}

// English msgid: the palette shows the category in JupyterLab's language.
const PALETTE_CATEGORY = 'Matrix calculus';

// A static SVG of ours (no data goes in): the sidebar tab needs an icon.
export const matdiffIcon = new LabIcon({
  name: 'matdiff-magic:icon',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">' +
    '<text class="jp-icon3" fill="#616161" x="3" y="19" font-size="19" ' +
    'font-family="serif" font-style="italic">∂</text></svg>'
});

/** The notebook to insert into: the current one, or a new one when none is open. */
async function targetNotebook(
  app: JupyterFrontEnd,
  tracker: INotebookTracker
): Promise<NotebookPanel> {
  let panel = tracker.currentWidget;
  if (!panel) {
    // Name the default kernel, so no "Select Kernel" dialog interrupts the insertion.
    const kernelName = app.serviceManager.kernelspecs.specs?.default;
    panel = (await app.commands.execute('notebook:create-new', {
      kernelName
    })) as NotebookPanel;
  }
  await panel.context.ready;
  return panel;
}

/**
 * Put `source` into a code cell below the active one; an empty active code cell (a new
 * notebook's first cell) is filled instead, so no blank cell is left behind.
 */
export async function insertMatdiffCell(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  source: string
): Promise<void> {
  const panel = await targetNotebook(app, tracker);
  const notebook = panel.content;
  const active = notebook.activeCell;
  const reuse =
    active !== null &&
    active.model.type === 'code' &&
    active.model.sharedModel.getSource().trim() === '';
  if (!reuse) {
    NotebookActions.insertBelow(notebook);
    if (notebook.activeCell?.model.type !== 'code') {
      NotebookActions.changeCellType(notebook, 'code');
    }
  }
  const cell = notebook.activeCell;
  if (!cell) {
    return;
  }
  cell.model.sharedModel.setSource(source);
  app.shell.activateById(panel.id);
  void notebook.scrollToCell(cell);
}

export const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'matdiff-magic:commands',
  description: 'Insert %%matdiff cells and open the matrix calculus cheat sheet.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, IRenderMimeRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    rendermime: IRenderMimeRegistry | null,
    translator: ITranslator | null
  ) => {
    let sheet: CheatSheet | null = null;
    // The package's catalog for JupyterLab's language (English without a language pack)
    const trans = translator?.load(DOMAIN) ?? ENGLISH;

    app.commands.addCommand(CommandIDs.insertCell, {
      label: trans.__('Insert %1 cell', MAGIC),
      caption: trans.__(
        'Insert a code cell with a %1 example below the active cell',
        MAGIC
      ),
      icon: matdiffIcon,
      execute: args => {
        const source = typeof args.source === 'string' ? args.source : DEFAULT_EXAMPLE;
        return insertMatdiffCell(app, tracker, source);
      }
    });

    app.commands.addCommand(CommandIDs.cheatSheet, {
      label: trans.__('Matrix calculus cheat sheet'),
      caption: trans.__(
        'Differential rules, trace tricks and layouts, with examples to insert'
      ),
      icon: matdiffIcon,
      execute: () => {
        if (!sheet || sheet.isDisposed) {
          const typesetter = rendermime?.latexTypesetter;
          sheet = new CheatSheet(
            source => void app.commands.execute(CommandIDs.insertCell, { source }),
            typesetter ? node => typesetter.typeset(node) : undefined,
            trans
          );
          sheet.title.icon = matdiffIcon;
        }
        if (!sheet.isAttached) {
          app.shell.add(sheet, 'right', { rank: 900 });
        }
        app.shell.activateById(sheet.id);
      }
    });

    for (const command of [CommandIDs.insertCell, CommandIDs.cheatSheet]) {
      palette?.addItem({ command, category: trans.__(PALETTE_CATEGORY) });
      app.contextMenu.addItem({ command, selector: '.jp-Notebook', rank: 60 });
    }
  }
};
