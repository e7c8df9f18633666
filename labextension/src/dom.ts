/**
 * Tiny DOM helpers. Everything from data goes through textContent or setAttribute, never
 * innerHTML, so a name like `<img src=x onerror=...>` stays text.
 */

import { formatCount, MAX_FORMULA_CHARS, refusalNote, sanitizeTex } from './sanitize';

export type Typeset = (node: HTMLElement) => void | Promise<void>;

export interface IElOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  options: IElOptions = {},
  children: Node[] = []
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (options.className) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    node.appendChild(child);
  }
  return node;
}

/**
 * Marks a node whose whole text is one checked formula between delimiters: the only kind of
 * node typesetSafely hands to MathJax.
 */
const READY = 'data-matdiff-math';

/** At most this many characters of a refused formula are shown (the rest is counted). */
export const MAX_SHOWN_SOURCE = 20000;

/**
 * Put TeX into a node for MathJax: the source goes in as text between \( \) or \[ \],
 * and a copy in data-tex lets tests see which formula is shown after typesetting. For TeX
 * written by this extension or generated from the package (the cheat sheet); TeX from an
 * output goes through setPayloadMath.
 */
export function setMath(node: HTMLElement, tex: string, display: boolean): void {
  node.setAttribute('data-tex', tex);
  node.removeAttribute('data-refused');
  node.setAttribute(READY, '');
  node.textContent = display ? `\\[${tex}\\]` : `\\(${tex}\\)`;
}

/**
 * Put TeX from an output into a node: checked by sanitizeTex first. An accepted formula goes
 * in as with setMath; a refused one (too long, or using a command that is not typeset) goes
 * in as text with a note saying why, and is never typeset. Returns whether it was accepted.
 */
export function setPayloadMath(
  node: HTMLElement,
  tex: string,
  display: boolean,
  limit: number = MAX_FORMULA_CHARS
): boolean {
  const check = sanitizeTex(tex, limit);
  if (check.ok) {
    setMath(node, check.tex, display);
    return true;
  }
  showRefused(node, tex, refusalNote(check), check.reason);
  return false;
}

/** The delimiters a text/latex bundle may put around its one formula. */
const LATEX_DELIMITERS: ReadonlyArray<[string, string]> = [
  ['$$', '$$'],
  ['\\[', '\\]'],
  ['\\(', '\\)'],
  ['$', '$']
];

/**
 * Put a text/latex bundle (one formula with its own delimiters, "$$…$$") into a node: the
 * formula is checked as setPayloadMath does; anything else is shown as text.
 */
export function setPayloadLatex(node: HTMLElement, latex: string): boolean {
  const text = latex.trim();
  for (const [open, close] of LATEX_DELIMITERS) {
    if (
      text.length >= open.length + close.length &&
      text.startsWith(open) &&
      text.endsWith(close)
    ) {
      const check = sanitizeTex(text.slice(open.length, text.length - close.length));
      if (!check.ok) {
        showRefused(node, latex, refusalNote(check), check.reason);
        return false;
      }
      node.setAttribute('data-tex', check.tex);
      node.removeAttribute('data-refused');
      node.setAttribute(READY, '');
      node.textContent = `${open}${check.tex}${close}`;
      return true;
    }
  }
  showRefused(
    node,
    latex,
    'Not typeset: not one formula between $$ and $$.',
    'delimiters'
  );
  return false;
}

/** Empty a node that showed a formula. */
export function clearMath(node: HTMLElement): void {
  node.removeAttribute(READY);
  node.removeAttribute('data-tex');
  node.removeAttribute('data-refused');
  node.textContent = '';
}

/** A formula that is not typeset: the note, then the source as text. */
export function showRefused(
  node: HTMLElement,
  source: string,
  note: string,
  reason: string
): void {
  const doc = node.ownerDocument;
  node.removeAttribute(READY);
  node.setAttribute('data-tex', source);
  node.setAttribute('data-refused', reason);
  const noteNode = el(doc, 'div', {
    className: 'jp-matdiff-tex-note',
    text: note,
    attrs: { role: 'note' }
  });
  Object.assign(noteNode.style, {
    fontStyle: 'italic',
    color: 'var(--jp-content-font-color2)'
  });
  node.replaceChildren(noteNode, sourceText(doc, source));
}

/** The source of a refused formula, as text MathJax skips (a code element). */
function sourceText(doc: Document, source: string): HTMLElement {
  const shown =
    source.length > MAX_SHOWN_SOURCE
      ? `${source.slice(0, MAX_SHOWN_SOURCE)} … (${formatCount(
          source.length - MAX_SHOWN_SOURCE
        )} more characters)`
      : source;
  const code = el(doc, 'code', {
    // mathjax_ignore / tex2jax_ignore: MathJax skips it even if a parent is typeset.
    className: 'jp-matdiff-tex-source mathjax_ignore tex2jax_ignore',
    text: shown
  });
  Object.assign(code.style, {
    display: 'block',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: '12em',
    overflow: 'auto',
    fontSize: 'var(--jp-code-font-size)'
  });
  return code;
}

/** Whether typesetSafely would typeset this node. */
export function isMathReady(node: HTMLElement): boolean {
  return node.hasAttribute(READY);
}

/**
 * Typeset one node; a failing typesetter must not break the widget. Only nodes filled by
 * setMath or an accepted setPayloadMath are typeset: refused TeX never reaches MathJax.
 */
export async function typesetSafely(
  typeset: Typeset | undefined,
  node: HTMLElement
): Promise<void> {
  if (!typeset || !node.hasAttribute(READY)) {
    return;
  }
  try {
    await typeset(node);
  } catch (e) {
    console.warn('matdiff: typesetting failed', e);
  }
}

/**
 * Resolve after the browser has had a chance to handle input and paint: between two
 * typesetting calls, so several formulas never add up to one long task.
 */
export function nextTask(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}
