/**
 * The mime extension: registers the derivation renderer with JupyterLab's rendermime.
 * Loaded through package.json "jupyterlab.mimeExtension".
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import { MIME_TYPE } from './contract';
import { DerivationRenderer } from './renderer';

export const rendererFactory: IRenderMime.IRendererFactory = {
  // Safe: it builds DOM from text only, so it also renders in untrusted notebooks.
  safe: true,
  mimeTypes: [MIME_TYPE],
  createRenderer: options => new DerivationRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: 'matdiff-magic:renderer',
  rendererFactory,
  // Lower rank wins: 0 beats text/latex (70) and text/plain (120) of the same bundle.
  rank: 0,
  dataType: 'json'
};

export default extension;
