/** The widget JupyterLab creates for an output: valid data, bad data, the latex fallback. */
import { describe, expect, it } from 'vitest';

import { MIME_TYPE } from '../src/contract';
import { rendererFactory } from '../src/mime';
import { PARSE_APART_CHARS } from '../src/renderer';
import { clone, loadFixtures } from './fixtures';

const aXb = loadFixtures().find(f => f.name === 'handmade_aXb.json')!.data;

function render(data: Record<string, unknown>) {
  const typeset: HTMLElement[] = [];
  const renderer = rendererFactory.createRenderer({
    mimeType: MIME_TYPE,
    sanitizer: { sanitize: (s: string) => s },
    resolver: null,
    linkHandler: null,
    latexTypesetter: { typeset: (node: HTMLElement) => void typeset.push(node) },
    translator: undefined
  } as any);
  const model = { data, metadata: {}, trusted: false, setData: () => undefined } as any;
  return { renderer, typeset, done: renderer.renderModel(model) };
}

describe('DerivationRenderer', () => {
  it('is safe and claims the versioned mimetype', () => {
    expect(rendererFactory.safe).toBe(true);
    expect(rendererFactory.mimeTypes).toEqual([MIME_TYPE]);
  });

  it('draws a derivation, untrusted, and typesets it', async () => {
    const { renderer, typeset, done } = render({ [MIME_TYPE]: aXb });
    await done;
    expect(renderer.node.querySelector('.jp-matdiff-derivation')).not.toBeNull();
    expect(renderer.node.querySelector('.jp-matdiff-error')).toBeNull();
    expect(typeset.length).toBeGreaterThan(0);
  });

  it('explains a newer version and falls back to text/latex', async () => {
    const newer = clone(aXb);
    newer.version = 2;
    const { renderer, typeset, done } = render({
      [MIME_TYPE]: newer,
      'text/latex': '$$y = a^T X b$$'
    });
    await done;
    expect(renderer.node.querySelector('.jp-matdiff-error')!.textContent).toContain(
      'version 2'
    );
    const fallback = renderer.node.querySelector<HTMLElement>('.jp-matdiff-fallback')!;
    expect(fallback.textContent).toBe('$$y = a^T X b$$');
    expect(typeset).toEqual([fallback]);
  });

  it('explains invalid JSON', async () => {
    const { renderer, done } = render({ [MIME_TYPE]: '{"version": 1' });
    await done;
    expect(renderer.node.querySelector('.jp-matdiff-error')!.textContent).toContain(
      'not valid JSON'
    );
    expect(renderer.node.querySelector('.jp-matdiff-fallback')).toBeNull();
  });

  it('replaces its content when the model changes', async () => {
    const { renderer, done } = render({ [MIME_TYPE]: aXb });
    await done;
    await renderer.renderModel({
      data: { [MIME_TYPE]: null },
      metadata: {},
      trusted: true
    } as any);
    expect(renderer.node.querySelectorAll('.jp-matdiff').length).toBe(1);
    expect(renderer.node.querySelector('.jp-matdiff-error')).not.toBeNull();
  });

  // A JSON string padded past PARSE_APART_CHARS with whitespace JSON.parse skips.
  const bigText = (d: unknown) => {
    const text = JSON.stringify(d);
    return text + ' '.repeat(PARSE_APART_CHARS + 1 - text.length);
  };

  it('parses a big payload saved as a string apart from drawing it, with the same result', async () => {
    const text = bigText(aXb);
    expect(text.length).toBeGreaterThan(PARSE_APART_CHARS);
    const { renderer, done } = render({ [MIME_TYPE]: text });
    // Parsed, then the page gets its turn: nothing is drawn until the next task.
    expect(renderer.node.querySelector('.jp-matdiff')).toBeNull();
    await done;
    const small = render({ [MIME_TYPE]: aXb });
    await small.done;
    expect(renderer.node.innerHTML).toBe(small.renderer.node.innerHTML);
  });

  it('explains a big payload that is not JSON', async () => {
    const text = bigText(aXb).replace(/ +$/, m => m.slice(1) + '}');
    const { renderer, done } = render({ [MIME_TYPE]: text });
    await done;
    expect(renderer.node.querySelector('.jp-matdiff-error')!.textContent).toContain(
      'not valid JSON'
    );
  });

  it('draws only the newest model when a big one is still being read', async () => {
    const { renderer, done } = render({ [MIME_TYPE]: bigText(aXb) });
    const newer = renderer.renderModel({
      data: { [MIME_TYPE]: null },
      metadata: {},
      trusted: true
    } as any);
    await Promise.all([done, newer]);
    expect(renderer.node.querySelectorAll('.jp-matdiff').length).toBe(1);
    expect(renderer.node.querySelector('.jp-matdiff-error')).not.toBeNull();
  });
});
