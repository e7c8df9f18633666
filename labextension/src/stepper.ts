/**
 * What the viewer is showing: which step, which layout. Pure data and functions, so the
 * navigation rules are tested without a DOM.
 */
import { IDerivation, IResult, IStep, LAYOUTS, LayoutName } from './contract';

export interface IViewState {
  /** Index into derivation.steps of the current step. */
  readonly step: number;
  readonly layout: LayoutName;
}

/**
 * A fresh output opens on the last step: a reader of a saved notebook sees the whole
 * derivation; a teacher presses "First" and walks through it.
 */
export function initialState(d: IDerivation): IViewState {
  return { step: d.steps.length - 1, layout: d.layout };
}

function clamp(step: number, d: IDerivation): number {
  return Math.max(0, Math.min(d.steps.length - 1, step));
}

export function goTo(d: IDerivation, s: IViewState, step: number): IViewState {
  return { ...s, step: clamp(step, d) };
}

export const next = (d: IDerivation, s: IViewState): IViewState =>
  goTo(d, s, s.step + 1);
export const prev = (d: IDerivation, s: IViewState): IViewState =>
  goTo(d, s, s.step - 1);
export const first = (d: IDerivation, s: IViewState): IViewState => goTo(d, s, 0);
export const last = (d: IDerivation, s: IViewState): IViewState =>
  goTo(d, s, d.steps.length - 1);

export function setLayout(s: IViewState, layout: LayoutName): IViewState {
  return LAYOUTS.includes(layout) ? { ...s, layout } : s;
}

export const canPrev = (s: IViewState): boolean => s.step > 0;
export const canNext = (d: IDerivation, s: IViewState): boolean =>
  s.step < d.steps.length - 1;

/**
 * The step at line `i` as shown in `layout`. Every part of the view reads the steps through
 * here, so they cannot disagree: the recorded steps, except a final "layout" step (the result
 * in the layout the magic chose), which is the result in the layout shown, taken from the same
 * `results` entry as the result box.
 */
export function stepAt(d: IDerivation, layout: LayoutName, i: number): IStep {
  const step = d.steps[i];
  return isLayoutStep(d, i) ? layoutStep(step, layout, d.results[layout]) : step;
}

/** Whether line `i` is the final step that states the result in a layout. */
export function isLayoutStep(d: IDerivation, i: number): boolean {
  return i === d.steps.length - 1 && d.steps[i].stage === 'layout';
}

export function currentStep(d: IDerivation, s: IViewState): IStep {
  return stepAt(d, s.layout, s.step);
}

/** The colour a recorded step highlights with (the Python printer's). */
export const HIGHLIGHT_COLOR = '#d62728';

/**
 * The rule of the final step in a layout, as the Python side names it: the result's own rule
 * when the derivation gives one (in its language, e.g. 分子布局), else the English name.
 */
export function layoutRule(layout: LayoutName, r?: IResult): string {
  return r?.rule ?? `${layout} layout`;
}

/**
 * The final step in `layout`: the recorded one (the layout the magic chose) with the result,
 * its rule and its description in `layout`. When that is what was recorded, the recorded
 * step itself.
 */
function layoutStep(recorded: IStep, layout: LayoutName, r: IResult): IStep {
  const color =
    /^\{\\color\{(#[0-9a-fA-F]{3,6}|[a-zA-Z]+)\}\{/.exec(
      recorded.latex_highlighted
    )?.[1] ?? HIGHLIGHT_COLOR;
  const shown: IStep = {
    ...recorded,
    rule: layoutRule(layout, r),
    lhs: r.lhs,
    latex: r.latex,
    latex_highlighted: `{\\color{${color}}{${r.latex}}}`,
    text: r.text,
    changed: [r.latex],
    note: r.description
  };
  const same =
    shown.rule === recorded.rule &&
    shown.lhs === recorded.lhs &&
    shown.latex === recorded.latex &&
    shown.latex_highlighted === recorded.latex_highlighted &&
    shown.text === recorded.text &&
    shown.note === recorded.note &&
    recorded.changed.length === 1 &&
    recorded.changed[0] === r.latex;
  return same ? recorded : shown;
}

export function currentResult(d: IDerivation, s: IViewState): IResult {
  return d.results[s.layout];
}

/**
 * The derivation so far as one TeX `aligned` block: every line up to the current one,
 * the current line with its change highlighted. A line without its own left-hand side
 * continues the previous one ("&= ...").
 */
export function derivationTex(d: IDerivation, s: IViewState): string {
  const lines: string[] = [];
  for (let i = 0; i <= s.step; i++) {
    lines.push(lineTex(d, s.layout, i, i === s.step));
  }
  return alignedTex(lines);
}

/** The result in the chosen layout, as "lhs = latex". */
export function resultTex(d: IDerivation, s: IViewState): string {
  const r = currentResult(d, s);
  return r.lhs ? `${r.lhs} = ${r.latex}` : r.latex;
}

/**
 * Large derivations are drawn in blocks of consecutive lines, each its own `aligned`
 * formula, so that no single typesetting call (which blocks the page while it runs) gets
 * long, and only the blocks near the current step are built at all.
 */
export const BLOCK_CHARS = 4000;
export const BLOCK_LINES = 20;

/** Lines [start, end) of the derivation drawn as one block. */
export interface IBlock {
  readonly start: number;
  readonly end: number;
}

/**
 * One line of the derivation in `layout` as TeX (highlighted: the current line), with the
 * rule it applied in grey beside it, as the text/latex output writes it: "lhs &= latex" for a
 * value of the function or its differential, "&\Leftrightarrow latex" for an equation of
 * `--solve` (each is equivalent to the one before, not equal to it).
 */
export function lineTex(
  d: IDerivation,
  layout: LayoutName,
  i: number,
  highlighted: boolean
): string {
  const step = stepAt(d, layout, i);
  const tex = highlighted ? step.latex_highlighted : step.latex;
  const line =
    step.stage === 'solve' ? `&\\Leftrightarrow\\; ${tex}` : `${step.lhs} &= ${tex}`;
  const rule = ruleTex(step.rule);
  return rule ? `${line} && ${rule}` : line;
}

/**
 * A rule name as a muted note in TeX: grey, small, as text. What TeX would read as a command,
 * a group or the end of the formula is dropped first, so the note never changes how the
 * line is read (and is never what the sanitizer refuses).
 */
export function ruleTex(rule: string): string {
  const text = rule
    .replace(/&/g, 'and')
    .replace(/[\\{}$%#^_~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? `{\\small\\color{gray}{\\text{${text}}}}` : '';
}

/** Lines of TeX as one `aligned` block, as derivationTex writes it. */
export function alignedTex(lines: readonly string[]): string {
  return `\\begin{aligned} ${lines.join(' \\\\ ')} \\end{aligned}`;
}

/** Characters of line i, whichever way it is drawn (about: the last line as recorded). */
function lineSize(d: IDerivation, i: number): number {
  const step = d.steps[i];
  return (
    step.lhs.length +
    Math.max(step.latex.length, step.latex_highlighted.length) +
    step.rule.length +
    40
  );
}

/**
 * Split all lines into blocks, first to last: a block ends before the line that would take
 * it over `maxChars` characters or `maxLines` lines, and a line longer than `maxChars`
 * characters is a block of its own. The blocks do not depend on the current step, so the ones
 * before it stay as drawn while the reader steps.
 */
export function blocks(
  d: IDerivation,
  maxChars: number = BLOCK_CHARS,
  maxLines: number = BLOCK_LINES
): IBlock[] {
  const out: IBlock[] = [];
  let start = 0;
  let chars = 0;
  for (let i = 0; i < d.steps.length; i++) {
    const size = lineSize(d, i);
    if (i > start && (chars + size > maxChars || i - start >= maxLines)) {
      out.push({ start, end: i });
      start = i;
      chars = 0;
    }
    chars += size;
  }
  out.push({ start, end: d.steps.length });
  return out;
}

/** Index of the block holding line `line` (blocks as returned by `blocks`). */
export function blockOf(list: readonly IBlock[], line: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid].start <= line) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/**
 * The blocks drawn above the current one: the nearest ones, back to `maxLines` lines and
 * `maxChars` characters (times `pages`, the reader's "show earlier lines" clicks). Returns
 * the index of the first block drawn; blocks before it are counted, not built.
 */
export function firstShownBlock(
  d: IDerivation,
  list: readonly IBlock[],
  current: number,
  pages: number,
  maxLines: number,
  maxChars: number
): number {
  let first = current;
  let lines = 0;
  let chars = 0;
  while (first > 0) {
    const b = list[first - 1];
    let size = 0;
    for (let i = b.start; i < b.end; i++) {
      size += lineSize(d, i);
    }
    if (
      first < current &&
      (lines + (b.end - b.start) > maxLines * pages || chars + size > maxChars * pages)
    ) {
      break;
    }
    lines += b.end - b.start;
    chars += size;
    first--;
  }
  return first;
}
