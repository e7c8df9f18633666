/**
 * The cheat sheet shows the identities the Python package applies (generated from
 * matdiff_magic.ops.identity and matdiff_magic.render.cheatsheet), laid out for the panel.
 */
import { describe, expect, it, vi } from 'vitest';

import { CheatSheet } from '../src/cheatsheet';
import { CHEATSHEET } from '../src/generated/cheatsheet';
import { IDENTITIES } from '../src/generated/identities';
import { displayTex, LAYOUT_ROWS, SECTIONS } from '../src/rules';

describe('cheat sheet content', () => {
  it('shows each rule with the TeX and text of the identities it names', () => {
    const rules = CHEATSHEET.sections.flatMap(s => s.rules);
    expect(rules.length).toBe(SECTIONS.flatMap(s => s.rules).length);
    for (const rule of rules) {
      const shown = SECTIONS.flatMap(s => s.rules).find(r => r.id === rule.id)!;
      const identities = rule.identities.map(id => IDENTITIES[id]);
      expect(shown.text).toBe(identities.map(i => i.text).join('; '));
      for (const identity of identities) {
        expect(shown.tex).toContain(displayTex(identity.latex, identity.text));
      }
      expect(shown.example).toBe(rule.example);
    }
  });

  it('uses the differential rules as the derivations apply them', () => {
    const tex = (id: string) =>
      SECTIONS.flatMap(s => s.rules).find(r => r.id === id)!.tex;
    expect(tex('product')).toBe(IDENTITIES.product.latex);
    expect(tex('inverse')).toBe(IDENTITIES.inverse.latex);
    expect(tex('cyclic')).toBe('\\operatorname{tr}(AB) = \\operatorname{tr}(BA)');
  });

  it('breaks a long identity before its first top-level =', () => {
    const long = 'a very long reading that would not fit the narrow side panel';
    expect(displayTex('\\left(x = y\\right) + {a = b} = c', long)).toBe(
      '\\begin{aligned} &\\left(x = y\\right) + {a = b} \\\\ &= c \\end{aligned}'
    );
    expect(displayTex('x = y', 'x = y')).toBe('x = y');
    expect(displayTex('\\text{no equation}', long)).toBe('\\text{no equation}');
  });
});

describe('CheatSheet widget', () => {
  it('draws every section, rule and layout row, and inserts examples', () => {
    const insert = vi.fn();
    const sheet = new CheatSheet(insert);
    const node = sheet.node;
    for (const section of SECTIONS) {
      expect(node.querySelector(`[data-section=${section.id}] h3`)!.textContent).toBe(
        section.title
      );
      for (const rule of section.rules) {
        const box = node.querySelector(
          `.jp-matdiff-cheatsheet-rule[data-rule=${rule.id}]`
        )!;
        const math = box.querySelector('.jp-matdiff-math')!;
        expect(math.getAttribute('data-tex')).toBe(rule.tex);
        expect(math.getAttribute('title')).toBe(rule.text);
        box.querySelector('button')!.click();
        expect(insert).toHaveBeenLastCalledWith(rule.example);
      }
    }
    expect(node.querySelectorAll('.jp-matdiff-layout-table tbody tr').length).toBe(
      LAYOUT_ROWS.length
    );
    (node.querySelector('button[data-rule=layouts]') as HTMLButtonElement).click();
    expect(insert).toHaveBeenLastCalledWith(CHEATSHEET.layouts.example);
    sheet.dispose();
  });
});
