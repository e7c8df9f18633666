/**
 * Content of the matrix-calculus cheat sheet, generated from the Python package: the sections
 * and examples (src/generated/cheatsheet.ts, from matdiff_magic/render/cheatsheet.py) and the
 * identities each rule shows (src/generated/identities.ts), the very ones the derivations
 * apply. Data only; cheatsheet.ts draws it.
 */
import { CHEATSHEET, ILayoutRow } from './generated/cheatsheet';
import { IDENTITIES, IdentityId } from './generated/identities';

export type { ILayoutRow };

export interface IRule {
  id: string;
  title: string;
  /** The identities as TeX, laid out for the narrow panel. */
  tex: string;
  /** Their plain-text reading. */
  text: string;
  /** The identities' rule names, as the derivations' steps show them (English msgids). */
  names: string[];
  example: string;
}

export interface ISection {
  id: string;
  title: string;
  intro: string;
  rules: IRule[];
}

/**
 * An identity whose reading is longer than this many characters is broken before its first
 * '=': the side panel is narrow and MathJax 3 does not break lines.
 */
const LONG = 24;

/** The index of the first ' = ' outside any group or parentheses, or -1. */
function topLevelEquals(tex: string): number {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') {
      i++; // an escaped character (\{, \\) opens nothing
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth--;
    } else if (depth === 0 && tex.startsWith(' = ', i)) {
      return i;
    }
  }
  return -1;
}

/** One identity as shown: on two lines (left side, then '= right side') when long. */
export function displayTex(tex: string, text: string): string {
  const at = topLevelEquals(tex);
  if (text.length <= LONG || at < 0) {
    return tex;
  }
  return (
    `\\begin{aligned} &${tex.slice(0, at)} \\\\ ` +
    `&= ${tex.slice(at + 3)} \\end{aligned}`
  );
}

function rule(r: (typeof CHEATSHEET.sections)[number]['rules'][number]): IRule {
  const shown = r.identities.map((id: IdentityId) => IDENTITIES[id]);
  const lines = shown.map(i => displayTex(i.latex, i.text));
  return {
    id: r.id,
    title: r.title,
    tex:
      lines.length === 1
        ? lines[0]
        : `\\begin{gathered} ${lines.join(' \\\\ ')} \\end{gathered}`,
    text: shown.map(i => i.text).join('; '),
    names: [...new Set<string>(shown.map(i => i.name))].filter(n => n !== ''),
    example: r.example
  };
}

/** The cell inserted by "Insert %%matdiff cell". */
export const DEFAULT_EXAMPLE = CHEATSHEET.defaultExample;

export const TITLE = CHEATSHEET.title;
export const INTRO = CHEATSHEET.intro;

export const SECTIONS: ISection[] = CHEATSHEET.sections.map(s => ({
  id: s.id,
  title: s.title,
  intro: s.intro,
  rules: s.rules.map(rule)
}));

export const LAYOUTS_TITLE = CHEATSHEET.layouts.title;
export const LAYOUTS_INTRO = CHEATSHEET.layouts.intro;
export const LAYOUT_ROWS: readonly ILayoutRow[] = CHEATSHEET.layouts.rows;
export const LAYOUT_EXAMPLE = CHEATSHEET.layouts.example;
