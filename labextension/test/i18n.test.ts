/** The renderer in another language: the derivation's words from its JSON, the controls' words
 * from JupyterLab's translation bundle. */
import { describe, expect, it } from 'vitest';

import { MIME_TYPE } from '../src/contract';
import { rendererFactory } from '../src/mime';
import { DerivationView } from '../src/view';
import { clone, loadFixtures } from './fixtures';

const aXb = loadFixtures().find(
  f => f.name === 'generated/seed_2_2_bilinear.json'
)!.data;

/** The bilinear form as a Chinese derivation's JSON carries it (lang, where.label, rules). */
function chinese(): any {
  const d = clone(aXb);
  d.lang = 'zh';
  d.where.label = '其中';
  const rules: Record<string, string> = {
    numerator: '分子布局',
    denominator: '分母布局',
    mixed: '混合布局'
  };
  for (const layout of Object.keys(rules)) {
    d.results[layout].rule = rules[layout];
  }
  d.steps[d.steps.length - 1].rule = rules[d.layout];
  return d;
}

const CATALOG: Record<string, string> = {
  'Next ▶': '下一步 ▶',
  'Step %1 of %2': '第 %1 步，共 %2 步',
  Numerator: '分子'
};

const zhTranslator = {
  languageCode: 'zh-CN',
  load: (domain: string) => ({
    __: (msgid: string, ...args: unknown[]) =>
      (domain === 'matdiff_magic' ? (CATALOG[msgid] ?? msgid) : msgid).replace(
        /%(\d+)/g,
        (_m: string, k: string) => String(args[Number(k) - 1])
      )
  })
};

describe('a derivation in Chinese', () => {
  it("switches layout with the derivation's own rule and where label", async () => {
    const view = new DerivationView(document, chinese());
    await view.update();
    await view.last();
    await view.setLayout('numerator');
    expect(view.node.querySelector('.jp-matdiff-step-rule')!.textContent).toBe(
      '分子布局'
    );
    expect(view.node.querySelector('.jp-matdiff-where')!.textContent).toContain(
      '\\text{其中 }'
    );
    expect(view.node.querySelector('.jp-matdiff-header-layout')!.textContent).toBe(
      ' in 分子布局'
    );
  });

  it('an English derivation keeps its English rule', async () => {
    const view = new DerivationView(document, clone(aXb));
    await view.update();
    await view.last();
    await view.setLayout('numerator');
    expect(view.node.querySelector('.jp-matdiff-step-rule')!.textContent).toBe(
      'numerator layout'
    );
  });

  it("labels the controls in JupyterLab's language", async () => {
    const renderer = rendererFactory.createRenderer({
      mimeType: MIME_TYPE,
      sanitizer: { sanitize: (s: string) => s },
      resolver: null,
      linkHandler: null,
      latexTypesetter: { typeset: () => undefined },
      translator: zhTranslator
    } as any);
    await renderer.renderModel({
      data: { [MIME_TYPE]: chinese() },
      metadata: {},
      trusted: false
    } as any);
    const node = renderer.node;
    expect(node.querySelector('.jp-matdiff-next')!.textContent).toBe('下一步 ▶');
    expect(node.querySelector('.jp-matdiff-counter')!.textContent).toMatch(
      /^第 (\d+) 步，共 \1 步$/
    );
    const numerator = node.querySelector(
      '.jp-matdiff-layout-button[data-layout="numerator"]'
    );
    expect(numerator!.textContent).toBe('分子');
    expect(node.querySelector('.jp-matdiff-first')!.textContent).toBe('First'); // no catalog entry
  });
});
