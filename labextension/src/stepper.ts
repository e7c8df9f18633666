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

export function currentStep(d: IDerivation, s: IViewState): IStep {
  return d.steps[s.step];
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
  const lines = d.steps.slice(0, s.step + 1).map((step, i) => {
    const body = i === s.step ? step.latex_highlighted : step.latex;
    return `${step.lhs} &= ${body}`;
  });
  return `\\begin{aligned} ${lines.join(' \\\\ ')} \\end{aligned}`;
}

/** The result in the chosen layout, as "lhs = latex". */
export function resultTex(d: IDerivation, s: IViewState): string {
  const r = currentResult(d, s);
  return r.lhs ? `${r.lhs} = ${r.latex}` : r.latex;
}
