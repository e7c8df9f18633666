/**
 * Tiny DOM helpers. Everything from data goes through textContent or setAttribute, never
 * innerHTML, so a name like `<img src=x onerror=...>` stays text.
 */

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
 * Put TeX into a node for MathJax: the source goes in as text between \( \) or \[ \],
 * and a copy in data-tex lets tests see which formula is shown after typesetting.
 */
export function setMath(node: HTMLElement, tex: string, display: boolean): void {
  node.setAttribute('data-tex', tex);
  node.textContent = display ? `\\[${tex}\\]` : `\\(${tex}\\)`;
}

/** Typeset one node; a failing typesetter must not break the widget. */
export async function typesetSafely(
  typeset: Typeset | undefined,
  node: HTMLElement
): Promise<void> {
  if (!typeset) {
    return;
  }
  try {
    await typeset(node);
  } catch (e) {
    console.warn('matdiff: typesetting failed', e);
  }
}
