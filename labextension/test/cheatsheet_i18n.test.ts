/**
 * The cheat sheet in JupyterLab's language: its words go through the translation bundle, whose
 * zh_CN catalog (matdiff_magic/locale, written from the glossaries) has every one of them.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { describe, expect, it, vi } from 'vitest';

import { CheatSheet } from '../src/cheatsheet';
import { IDENTITIES } from '../src/generated/identities';
import { LAYOUT_ROWS, LAYOUTS_INTRO, SECTIONS, TITLE } from '../src/rules';
import { ENGLISH, ITrans } from '../src/trans';

const CATALOG: Record<string, string[]> = JSON.parse(
  readFileSync(
    resolve(
      __dirname,
      '../../matdiff_magic/locale/zh_CN/LC_MESSAGES/matdiff_magic.json'
    ),
    'utf-8'
  )
);

/** A bundle on the package's catalog that records every msgid it is asked for. */
function zhBundle(asked: Set<string>): ITrans {
  return {
    __: (msgid: string, ...args: unknown[]) => {
      asked.add(msgid);
      return ENGLISH.__(CATALOG[msgid]?.[0] ?? msgid, ...args);
    }
  };
}

describe('the cheat sheet in Chinese', () => {
  it('has every word it shows in the zh_CN catalog', () => {
    const asked = new Set<string>();
    const sheet = new CheatSheet(vi.fn(), undefined, zhBundle(asked));
    const missing = [...asked].filter(m => !(m in CATALOG));
    expect(missing).toEqual([]);
    expect(asked.has('Insert')).toBe(true);
    sheet.dispose();
  });

  it('shows the title, headings, buttons and rule names in Chinese', () => {
    const sheet = new CheatSheet(vi.fn(), undefined, zhBundle(new Set()));
    const node = sheet.node;
    expect(node.querySelector('.jp-matdiff-cheatsheet-title')!.textContent).toBe(
      CATALOG[TITLE][0]
    );
    expect(sheet.title.caption).toBe('矩阵微积分速查表');
    expect(node.querySelector('[data-section=trace-tricks] h3')!.textContent).toBe(
      '迹技巧'
    );
    for (const button of Array.from(node.querySelectorAll('button'))) {
      expect(button.textContent).toBe('插入');
      expect(button.getAttribute('title')).toContain('%%matdiff');
    }
    const product = node.querySelector(
      '.jp-matdiff-cheatsheet-rule[data-rule=product] .jp-matdiff-cheatsheet-names'
    )!;
    expect(product.textContent).toContain(CATALOG[IDENTITIES.product.name][0]);
    expect(product.textContent).not.toContain(IDENTITIES.product.name);
    sheet.dispose();
  });

  it('heads and names the layout table and words its paragraph in Chinese', () => {
    const sheet = new CheatSheet(vi.fn(), undefined, zhBundle(new Set()));
    const table = sheet.node.querySelector('.jp-matdiff-layout-table')!;
    const heads = Array.from(table.querySelectorAll('thead th')).map(th => [
      th.textContent,
      th.getAttribute('title')
    ]);
    expect(heads).toEqual([
      ['', null],
      ['分子', '分子布局'],
      ['分母', '分母布局'],
      ['混合', '混合布局']
    ]);
    for (const row of LAYOUT_ROWS) {
      const th = table.querySelector(`tr[data-row=${row.id}] th`)!;
      const name = th.querySelector('.jp-matdiff-cheatsheet-text')!.textContent!;
      expect(name).toBe(CATALOG[row.short][0]);
      expect(th.getAttribute('title')).toBe(CATALOG[row.text][0]);
      expect(th.getAttribute('aria-label')).toBe(CATALOG[row.text][0]);
      // the shapes are mathematics: the same in every language
      const shapes = Array.from(table.querySelectorAll(`tr[data-row=${row.id}] td`));
      expect(shapes.map(td => td.textContent)).toEqual([
        row.numerator,
        row.denominator,
        row.mixed
      ]);
    }
    expect(CATALOG['scalar by matrix'][0]).toBe('标量对矩阵');
    const paragraph = sheet.node.querySelector(
      '[data-section=layouts] .jp-matdiff-cheatsheet-text'
    )!;
    expect(paragraph.textContent).toBe(CATALOG[LAYOUTS_INTRO][0]);
    expect(paragraph.textContent).toContain('分子布局');
    // no English word left in the layouts section but the option it names (its TeX aside)
    const section = sheet.node
      .querySelector('[data-section=layouts]')!
      .cloneNode(true) as Element;
    section.querySelectorAll('.jp-matdiff-math').forEach(m => m.remove());
    const words = section.textContent!.replace(/--layout/g, '').match(/[A-Za-z]{3,}/g);
    expect(words).toBeNull();
    sheet.dispose();
  });

  it('shows the English and each rule the identity names it uses without a bundle', () => {
    const sheet = new CheatSheet(vi.fn());
    for (const section of SECTIONS) {
      for (const rule of section.rules) {
        const names = sheet.node.querySelector(
          `.jp-matdiff-cheatsheet-rule[data-rule=${rule.id}] .jp-matdiff-cheatsheet-names`
        )!;
        expect(names.textContent).toBe(rule.names.join(' · '));
      }
    }
    expect(sheet.node.querySelector('button')!.textContent).toBe('Insert');
    const heads = sheet.node.querySelectorAll('.jp-matdiff-layout-table thead th');
    expect(Array.from(heads).map(th => th.textContent)).toEqual([
      '',
      'num.',
      'denom.',
      'mixed'
    ]);
    expect(
      sheet.node.querySelector('[data-section=layouts] .jp-matdiff-cheatsheet-text')!
        .textContent
    ).toBe(LAYOUTS_INTRO);
    sheet.dispose();
  });
});
