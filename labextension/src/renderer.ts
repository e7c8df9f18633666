/**
 * The MIME renderer: a Lumino widget around DerivationView (or the error view).
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { MIME_TYPE, parseDerivation, ParseResult, readJSON } from './contract';
import { nextTask, Typeset } from './dom';
import { DerivationView, ENGLISH, errorView, ITrans } from './view';

/** The performance mark set when a derivation starts to be drawn. */
export const RENDER_MARK = 'matdiff:render';

/**
 * A payload saved as a JSON string longer than this is parsed in a task of its own: parsing
 * 15 MB (100 000 steps) takes a few hundred milliseconds, and the page answers input between
 * that and drawing.
 */
export const PARSE_APART_CHARS = 1_000_000;

export class DerivationRenderer extends Widget implements IRenderMime.IRenderer {
  private _view: DerivationView | null = null;
  private readonly _typeset: Typeset | undefined;
  private readonly _trans: ITrans;
  // Bumped by every renderModel: a call that waited for the page gives way to a newer one.
  private _renders = 0;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-RenderedMatdiff');
    const typesetter = options.latexTypesetter;
    this._typeset = typesetter ? node => typesetter.typeset(node) : undefined;
    // The controls' words in JupyterLab's language (its language pack's catalog for this domain)
    this._trans = options.translator?.load('matdiff_magic') ?? ENGLISH;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // When drawing started, for a profile or a browser test to measure from.
    globalThis.performance?.mark?.(RENDER_MARK);
    const render = ++this._renders;
    this._view?.dispose();
    this._view = null;
    this.node.textContent = '';

    // An output's model.data is a fresh deep copy of the bundle at each read: read it once.
    const data = model.data;
    const payload = data[MIME_TYPE];
    let parsed: ParseResult;
    if (typeof payload === 'string' && payload.length > PARSE_APART_CHARS) {
      const read = readJSON(payload);
      await nextTask();
      if (render !== this._renders || this.isDisposed) {
        return;
      }
      parsed = read.ok ? parseDerivation(read.value) : read;
    } else {
      parsed = parseDerivation(payload);
    }
    if (!parsed.ok) {
      const latex = data['text/latex'];
      const { node, done } = errorView(
        document,
        parsed.message,
        typeof latex === 'string' ? latex : undefined,
        this._typeset
      );
      this.node.appendChild(node);
      return done;
    }
    this._view = new DerivationView(
      document,
      parsed.derivation,
      this._typeset,
      this._trans
    );
    this.node.appendChild(this._view.node);
    return this._view.update();
  }

  dispose(): void {
    this._view?.dispose();
    this._view = null;
    super.dispose();
  }
}
