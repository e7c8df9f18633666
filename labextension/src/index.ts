/**
 * The JupyterLab plugins of matdiff_magic (the renderer is the separate mime extension,
 * mime.ts).
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { commandsPlugin } from './commands';
import { highlightPlugin } from './highlight';

export { MIME_TYPE, parseDerivation } from './contract';

const plugins: JupyterFrontEndPlugin<void>[] = [highlightPlugin, commandsPlugin];

export default plugins;
