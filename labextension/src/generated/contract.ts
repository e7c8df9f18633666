// Generated from matdiff_magic/schema/derivation.v1.schema.json by labextension/scripts/generate-contract.mjs: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py` (or `jlpm generate:contract` in labextension/).

/**
 * @minItems 2
 * @maxItems 2
 */
export type Shape = [Dim, Dim];
export type Dim = number | string;
export type LayoutName = 'numerator' | 'denominator' | 'mixed';

/**
 * A derivation of a matrix derivative by the differential method: the contract between the Python package and the JupyterLab renderer. All *latex fields are TeX for MathJax; all *text fields are readable Unicode.
 */
export interface Derivation {
  version: 1;
  /**
   * The cell body the derivation was made from.
   */
  source: string;
  function: {
    name: string;
    latex: string;
    text: string;
    shape: Shape;
  };
  /**
   * Name of the variable the derivative is taken with respect to.
   */
  wrt: string;
  variables: {
    name: string;
    latex: string;
    kind: 'scalar' | 'vector' | 'matrix' | 'symmetric';
    shape: Shape;
    /**
     * false when the kind came from the naming convention
     */
    declared: boolean;
  }[];
  where?: {
    latex: string;
    text: string;
    /**
     * The word the where line starts with, in the derivation's language. Absent: where.
     */
    label?: string;
  };
  /**
   * The subexpressions the function, the steps and the results print by name (t₁, M₁, …), each defined once, in the order of the where line (which defines them too); a definition may use the names before it. Absent: the derivation names nothing.
   */
  names?: {
    /**
     * The name as the TeX prints it: t_{1}.
     */
    latex: string;
    /**
     * The name as the text prints it: t₁.
     */
    text: string;
    definition: {
      latex: string;
      text: string;
    };
  }[];
  /**
   * @minItems 1
   */
  steps: [Step, ...Step[]];
  layout: LayoutName;
  /**
   * The derivative in every layout, so a renderer can switch without a kernel.
   */
  results: {
    numerator: Result;
    denominator: Result;
    mixed: Result;
  };
  check: {
    status: 'passed' | 'failed' | 'skipped';
    max_rel_error?: number | null;
    message: string;
  };
  /**
   * The whole derivation as one aligned TeX block (the text/latex fallback).
   */
  latex?: string;
  /**
   * The language of the derivation's wording (rules, notes, descriptions, the check); the mathematics is the same in every language. Absent: en.
   */
  lang?: 'en' | 'zh';
}
export interface Step {
  stage:
    | 'function'
    | 'definition'
    | 'differential'
    | 'trace'
    | 'vec'
    | 'readoff'
    | 'layout'
    | 'hessian'
    | 'solve';
  /**
   * Short name of the rule, e.g. 'product rule'.
   */
  rule: string;
  /**
   * The identity applied, in general form, as TeX ('' for the first line).
   */
  identity: string;
  identity_text?: string;
  /**
   * TeX of the left-hand side of this line, e.g. \mathrm{d}f.
   */
  lhs: string;
  /**
   * TeX of the expression after the step.
   */
  latex: string;
  /**
   * The same TeX with the part that changed wrapped in \color.
   */
  latex_highlighted: string;
  text: string;
  /**
   * TeX of each part that changed, as the line shows it: a shortened line (written with ⋯) lists the changed parts it shows.
   */
  changed: string[];
  /**
   * What moved where, for trace tricks, e.g. 'move b to the front'.
   */
  note?: string;
}
export interface Result {
  /**
   * TeX of the derivative symbol in this layout.
   */
  lhs: string;
  latex: string;
  text: string;
  shape: Shape;
  /**
   * One sentence on what the layout means for this shape.
   */
  description: string;
  /**
   * The rule of the final step in this layout, in the derivation's language. Absent: '<layout> layout'.
   */
  rule?: string;
}

// The values of the enumerations, for code that lists them.
export const LAYOUTS = ['numerator', 'denominator', 'mixed'] as const;
export const STAGES = [
  'function',
  'definition',
  'differential',
  'trace',
  'vec',
  'readoff',
  'layout',
  'hessian',
  'solve'
] as const;
export const KINDS = ['scalar', 'vector', 'matrix', 'symmetric'] as const;
export const CHECK_STATUSES = ['passed', 'failed', 'skipped'] as const;

/** The contract version (the only value of "version"). */
export const CONTRACT_VERSION = 1;
