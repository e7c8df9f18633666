/**
 * The JSON contract between the Python package and this renderer.
 *
 * The schema lives in matdiff_magic/schema/derivation.v1.schema.json; this module mirrors
 * the parts the renderer relies on. It is deliberately lenient about extra fields (a newer
 * v1 writer may add some) and strict about what it reads, so a bad bundle gives one clear
 * message instead of a half-drawn widget.
 */

/** The mimetype; the version is part of the name, as Vega-Lite does. */
export const MIME_TYPE = 'application/vnd.matdiff.derivation.v1+json';

/** The contract version this renderer understands. */
export const SUPPORTED_VERSION = 1;

export const LAYOUTS = ['numerator', 'denominator', 'mixed'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

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
export type StageName = (typeof STAGES)[number];

// Stages and kinds are only shown, never acted on: an unknown one (from a newer v1 writer)
// is drawn as it is rather than rejecting the whole derivation.

export const CHECK_STATUSES = ['passed', 'failed', 'skipped'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const KINDS = ['scalar', 'vector', 'matrix', 'symmetric'] as const;

export type Dim = number | string;
export type Shape = [Dim, Dim];

export interface IVariable {
  name: string;
  latex: string;
  kind: (typeof KINDS)[number] | string;
  shape: Shape;
  declared: boolean;
}

export interface IStep {
  stage: StageName | string;
  rule: string;
  identity: string;
  identity_text?: string;
  lhs: string;
  latex: string;
  latex_highlighted: string;
  text: string;
  changed: string[];
  note?: string;
}

export interface IResult {
  lhs: string;
  latex: string;
  text: string;
  shape: Shape;
  description: string;
}

export interface IDerivation {
  version: 1;
  source: string;
  function: { name: string; latex: string; text: string; shape: Shape };
  wrt: string;
  variables: IVariable[];
  where?: { latex: string; text: string };
  steps: IStep[];
  layout: LayoutName;
  results: Record<LayoutName, IResult>;
  check: {
    status: CheckStatus;
    max_rel_error?: number | null;
    message: string;
  };
  latex?: string;
}

/** Outcome of reading a bundle: the derivation, or why it cannot be shown. */
export type ParseResult =
  | { ok: true; derivation: IDerivation }
  | { ok: false; reason: 'invalid' | 'version'; message: string };

/** Thrown inside the checker; carries the JSON path of the first problem. */
class ContractError extends Error {}

type Json = unknown;

function fail(path: string, expected: string, value: Json): never {
  const got =
    value === undefined
      ? 'nothing'
      : value === null
        ? 'null'
        : Array.isArray(value)
          ? 'an array'
          : typeof value;
  throw new ContractError(`${path}: expected ${expected}, got ${got}`);
}

function obj(value: Json, path: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'an object', value);
  }
  return value as Record<string, Json>;
}

function str(o: Record<string, Json>, key: string, path: string): void {
  if (typeof o[key] !== 'string') {
    fail(`${path}.${key}`, 'a string', o[key]);
  }
}

function optStr(o: Record<string, Json>, key: string, path: string): void {
  if (key in o) {
    str(o, key, path);
  }
}

function oneOf(
  o: Record<string, Json>,
  key: string,
  allowed: readonly string[],
  path: string
): void {
  if (!allowed.includes(o[key] as string)) {
    fail(`${path}.${key}`, `one of ${allowed.join(', ')}`, o[key]);
  }
}

function shape(value: Json, path: string): void {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every(
      d =>
        (typeof d === 'number' && Number.isInteger(d) && d >= 1) ||
        (typeof d === 'string' && d.length > 0)
    );
  if (!ok) {
    fail(path, 'a shape [rows, cols]', value);
  }
}

function checkStep(value: Json, path: string): void {
  const s = obj(value, path);
  str(s, 'stage', path);
  for (const key of ['rule', 'identity', 'lhs', 'latex', 'latex_highlighted', 'text']) {
    str(s, key, path);
  }
  optStr(s, 'identity_text', path);
  optStr(s, 'note', path);
  if (!Array.isArray(s.changed) || !s.changed.every(c => typeof c === 'string')) {
    fail(`${path}.changed`, 'an array of strings', s.changed);
  }
}

function checkResult(value: Json, path: string): void {
  const r = obj(value, path);
  for (const key of ['lhs', 'latex', 'text', 'description']) {
    str(r, key, path);
  }
  shape(r.shape, `${path}.shape`);
}

function checkDerivation(d: Record<string, Json>): void {
  str(d, 'source', '$');
  str(d, 'wrt', '$');

  const f = obj(d.function, '$.function');
  for (const key of ['name', 'latex', 'text']) {
    str(f, key, '$.function');
  }
  shape(f.shape, '$.function.shape');

  if (!Array.isArray(d.variables)) {
    fail('$.variables', 'an array', d.variables);
  }
  d.variables.forEach((v, i) => {
    const path = `$.variables[${i}]`;
    const o = obj(v, path);
    str(o, 'name', path);
    str(o, 'latex', path);
    str(o, 'kind', path);
    shape(o.shape, `${path}.shape`);
    if (typeof o.declared !== 'boolean') {
      fail(`${path}.declared`, 'a boolean', o.declared);
    }
  });

  if ('where' in d) {
    const w = obj(d.where, '$.where');
    str(w, 'latex', '$.where');
    str(w, 'text', '$.where');
  }

  if (!Array.isArray(d.steps) || d.steps.length === 0) {
    fail('$.steps', 'a non-empty array', d.steps);
  }
  d.steps.forEach((s, i) => checkStep(s, `$.steps[${i}]`));

  oneOf(d, 'layout', LAYOUTS, '$');
  const results = obj(d.results, '$.results');
  for (const layout of LAYOUTS) {
    checkResult(results[layout], `$.results.${layout}`);
  }

  const check = obj(d.check, '$.check');
  oneOf(check, 'status', CHECK_STATUSES, '$.check');
  str(check, 'message', '$.check');
  const err = check.max_rel_error;
  if (err !== undefined && err !== null && typeof err !== 'number') {
    fail('$.check.max_rel_error', 'a number or null', err);
  }

  optStr(d, 'latex', '$');
}

/**
 * Read the data of a bundle (already-parsed JSON, or a JSON string) into a derivation.
 * Never throws: every problem comes back as a message for the user.
 */
export function parseDerivation(data: unknown): ParseResult {
  let value: Json = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      return {
        ok: false,
        reason: 'invalid',
        message: `The derivation is not valid JSON (${(e as Error).message}).`
      };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      reason: 'invalid',
      message: 'The derivation data is not a JSON object.'
    };
  }
  const d = value as Record<string, Json>;
  if (d.version !== SUPPORTED_VERSION) {
    const seen =
      d.version === undefined ? 'no version' : `version ${JSON.stringify(d.version)}`;
    return {
      ok: false,
      reason: 'version',
      message:
        `This derivation has ${seen}; this JupyterLab extension reads version ` +
        `${SUPPORTED_VERSION}. Install matching versions of matdiff_magic in the kernel ` +
        'and in JupyterLab.'
    };
  }
  try {
    checkDerivation(d);
  } catch (e) {
    if (e instanceof ContractError) {
      return {
        ok: false,
        reason: 'invalid',
        message: `The derivation does not match the v1 contract: ${e.message}.`
      };
    }
    throw e;
  }
  return { ok: true, derivation: d as unknown as IDerivation };
}
