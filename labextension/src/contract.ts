/**
 * The JSON contract between the Python package and this renderer.
 *
 * The schema lives in matdiff_magic/schema/derivation.v1.schema.json; the types and the
 * validator are generated from it (src/generated/, scripts/generate-contract.mjs). The
 * validator is deliberately lenient about extra fields (a newer v1 writer may add some) and
 * about a stage or kind it does not know, and strict about everything the renderer reads, so
 * a bad bundle gives one clear message instead of a half-drawn widget.
 */
import {
  CHECK_STATUSES,
  CONTRACT_VERSION,
  Derivation,
  KINDS,
  LAYOUTS,
  LayoutName,
  Result,
  Shape,
  Dim,
  STAGES,
  Step
} from './generated/contract';
import validate, { IValidationError } from './generated/validate';

export { CHECK_STATUSES, KINDS, LAYOUTS, STAGES };
export type { Dim, LayoutName, Shape };

/** The mimetype; the version is part of the name, as Vega-Lite does. */
export const MIME_TYPE = 'application/vnd.matdiff.derivation.v1+json';

/** The contract version this renderer understands. */
export const SUPPORTED_VERSION = CONTRACT_VERSION;

export type StageName = (typeof STAGES)[number];
export type CheckStatus = (typeof CHECK_STATUSES)[number];

// Stages and kinds are only shown, never acted on: an unknown one (from a newer v1 writer)
// is drawn as it is rather than rejecting the whole derivation, so the reader types them as
// any string.
type Open<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | string };

export type IStep = Open<Step, 'stage'>;
export type IVariable = Open<Derivation['variables'][number], 'kind'>;
export type IResult = Result;
export type IDerivation = Omit<Derivation, 'steps' | 'variables'> & {
  steps: [IStep, ...IStep[]];
  variables: IVariable[];
};

/** Outcome of reading a bundle: the derivation, or why it cannot be shown. */
export type ParseResult =
  | { ok: true; derivation: IDerivation }
  | { ok: false; reason: 'invalid' | 'version'; message: string };

/** At most this many problems are named in the message. */
const MAX_PROBLEMS = 3;

/** A JSON pointer as a path from the document: /steps/0/rule -> $.steps[0].rule */
function jsonPath(pointer: string): string {
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map(part => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
  );
}

function describe(e: IValidationError): string {
  switch (e.keyword) {
    case 'required':
      return `${jsonPath(e.instancePath)}.${e.params.missingProperty}: missing`;
    case 'enum':
      return (
        `${jsonPath(e.instancePath)}: must be one of ` +
        (e.params.allowedValues as unknown[]).map(v => String(v)).join(', ')
      );
    default:
      return `${jsonPath(e.instancePath)}: ${e.message ?? e.keyword}`;
  }
}

/**
 * The validator's errors as short sentences, in the order found. A failed oneOf/anyOf
 * becomes one sentence joining its alternatives ("must be >= 1 or must be string").
 */
export function describeErrors(errors: readonly IValidationError[]): string[] {
  const branches = (e: IValidationError) =>
    errors.filter(x => x !== e && x.schemaPath.startsWith(`${e.schemaPath}/`));
  const alternatives = new Set(
    errors.filter(e => e.keyword === 'oneOf' || e.keyword === 'anyOf').flatMap(branches)
  );
  return errors
    .filter(e => !alternatives.has(e))
    .map(e => {
      const inner = e.keyword === 'oneOf' || e.keyword === 'anyOf' ? branches(e) : [];
      if (inner.length === 0) {
        return describe(e);
      }
      const here = `${jsonPath(e.instancePath)}: `;
      return (
        here +
        inner
          .map(describe)
          .map(text => (text.startsWith(here) ? text.slice(here.length) : text))
          .join(' or ')
      );
    });
}

/** JSON text as a value, or why it is not JSON. Never throws. */
export function readJSON(
  text: string
): { ok: true; value: unknown } | Extract<ParseResult, { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return {
      ok: false,
      reason: 'invalid',
      message: `The derivation is not valid JSON (${(e as Error).message}).`
    };
  }
}

/**
 * Read the data of a bundle (already-parsed JSON, or a JSON string) into a derivation.
 * Never throws: every problem comes back as a message for the user.
 */
export function parseDerivation(data: unknown): ParseResult {
  let value: unknown = data;
  if (typeof value === 'string') {
    const read = readJSON(value);
    if (!read.ok) {
      return read;
    }
    value = read.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      reason: 'invalid',
      message: 'The derivation data is not a JSON object.'
    };
  }
  const d = value as Record<string, unknown>;
  if (d.version !== SUPPORTED_VERSION) {
    const seen =
      d.version === undefined ? 'no version' : `version ${JSON.stringify(d.version)}`;
    return {
      ok: false,
      reason: 'version',
      message:
        `This derivation has ${seen}; this JupyterLab extension reads version ` +
        `${SUPPORTED_VERSION}. ` +
        // "1" or 1.5 is a damaged field, not another release of the contract
        (d.version === undefined || Number.isInteger(d.version)
          ? 'Install matching versions of matdiff_magic in the kernel and in JupyterLab.'
          : 'The version is a whole number: the data is damaged.')
    };
  }
  if (!validate(d)) {
    const problems = describeErrors(validate.errors ?? []);
    const more =
      problems.length > MAX_PROBLEMS
        ? ` (and ${problems.length - MAX_PROBLEMS} more)`
        : '';
    return {
      ok: false,
      reason: 'invalid',
      message:
        'The derivation does not match the v1 contract: ' +
        `${problems.slice(0, MAX_PROBLEMS).join('; ')}${more}.`
    };
  }
  return { ok: true, derivation: d as unknown as IDerivation };
}
