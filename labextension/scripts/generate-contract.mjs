#!/usr/bin/env node
/**
 * Generates the TypeScript side of the JSON contract from its schema,
 * matdiff_magic/schema/derivation.v1.schema.json:
 *
 *   src/generated/contract.ts   the contract's types (json-schema-to-typescript) and the
 *                               values of its enumerations
 *   src/generated/validate.js   the renderer's validator (ajv standalone code: no ajv and no
 *                               `new Function` at run time, so it suits JupyterLab's CSP),
 *                               typed by JSDoc
 *
 * Usage: node scripts/generate-contract.mjs [--check]
 * (`jlpm generate:contract`, `jlpm generate:check`; labextension/scripts/generate.py runs it
 * together with the files generated from the Python package.)
 * --check writes nothing and exits 1 when a generated file differs from what it would write.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { compile } = require('json-schema-to-typescript');
const Ajv2020 = require('ajv/dist/2020').default;
const standaloneCode = require('ajv/dist/standalone').default;
const prettier = require('prettier');

const HERE = dirname(fileURLToPath(import.meta.url));
const LAB = join(HERE, '..');
const REPO = join(LAB, '..');
const SCHEMA_PATH = join(REPO, 'matdiff_magic', 'schema', 'derivation.v1.schema.json');
const OUT = join(LAB, 'src', 'generated');

const SOURCE = relative(REPO, SCHEMA_PATH);
const BANNER =
  `// Generated from ${SOURCE} by labextension/scripts/generate-contract.mjs: do not edit.\n` +
  '// Regenerate with `.venv/bin/python labextension/scripts/generate.py` ' +
  '(or `jlpm generate:contract` in labextension/).\n';

/**
 * The renderer reads more than the contract promises, never less: fields it does not know
 * (a newer v1 writer may add some) and a stage or a kind it does not know (they are only
 * shown, never acted on) are let through. These are the enumerations it leaves open.
 */
const OPEN_ENUMS = [
  '/$defs/step/properties/stage',
  '/properties/variables/items/properties/kind'
];

/** Runtime values of the schema's enumerations, exported next to the types. */
const ENUM_VALUES = {
  LAYOUTS: '/$defs/layoutName',
  STAGES: '/$defs/step/properties/stage',
  KINDS: '/properties/variables/items/properties/kind',
  CHECK_STATUSES: '/properties/check/properties/status'
};

function at(schema, pointer) {
  const node = pointer
    .split('/')
    .slice(1)
    .reduce((n, key) => (n === undefined ? n : n[key.replace(/~1/g, '/')]), schema);
  if (node === undefined) {
    throw new Error(`${SOURCE} has nothing at ${pointer}`);
  }
  return node;
}

function enumAt(schema, pointer) {
  const node = at(schema, pointer);
  if (!Array.isArray(node.enum)) {
    throw new Error(`${SOURCE}: ${pointer} is not an enumeration`);
  }
  return node.enum;
}

/** The schema the renderer validates against: the contract with the leniencies above. */
function readerSchema(schema) {
  const reader = structuredClone(schema);
  reader.$id = reader.$id.replace(/\.schema\.json$/, '.reader.schema.json');
  for (const pointer of OPEN_ENUMS) {
    const node = at(reader, pointer);
    const values = enumAt(reader, pointer);
    delete node.enum;
    node.type = 'string';
    node.description = `One of ${values.join(', ')}, or a newer one (shown as it is).`;
  }
  (function open(node) {
    if (Array.isArray(node)) {
      node.forEach(open);
    } else if (node && typeof node === 'object') {
      if (node.additionalProperties === false) {
        delete node.additionalProperties;
      }
      Object.values(node).forEach(open);
    }
  })(reader);
  return reader;
}

async function format(code, parser) {
  const options = (await prettier.resolveConfig(join(LAB, 'package.json'))) ?? {};
  return prettier.format(code, { ...options, parser });
}

async function contractTypes(schema) {
  // Named Derivation rather than after the schema's title or $id.
  const named = structuredClone(schema);
  delete named.title;
  delete named.$id;
  const types = await compile(named, 'Derivation', {
    bannerComment: '',
    additionalProperties: false,
    format: false,
    cwd: dirname(SCHEMA_PATH)
  });
  const values = Object.entries(ENUM_VALUES)
    .map(
      ([name, pointer]) =>
        `export const ${name} = ${JSON.stringify(enumAt(schema, pointer))} as const;`
    )
    .join('\n');
  const version = at(schema, '/properties/version').const;
  return format(
    `${BANNER}\n${types}\n` +
      '// The values of the enumerations, for code that lists them.\n' +
      `${values}\n\n` +
      `/** The contract version (the only value of "version"). */\n` +
      `export const CONTRACT_VERSION = ${JSON.stringify(version)};\n`,
    'typescript'
  );
}

/** ajv's runtime helpers the standalone code may use, inlined (each is one pure function). */
const INLINE_RUNTIME = new Set(['ucs2length']);

async function validator(schema) {
  const ajv = new Ajv2020({
    code: { source: true, esm: true },
    allErrors: true,
    strict: true
  });
  let code = standaloneCode(ajv, ajv.compile(readerSchema(schema)));
  code = code.replace(
    /const (\w+) = require\("ajv\/dist\/runtime\/(\w+)"\)\.default;/g,
    (_all, local, name) => {
      if (!INLINE_RUNTIME.has(name)) {
        throw new Error(`the validator needs ajv's runtime ${name}: inline it or bundle ajv`);
      }
      return `const ${local} = ${require(`ajv/dist/runtime/${name}`).default.toString()};`;
    }
  );
  const exports = /^"use strict";export const validate = (\w+);export default \1;/;
  const entry = code.match(exports);
  if (!entry) {
    throw new Error("ajv's standalone code does not start as expected");
  }
  code =
    code.replace(exports, '') +
    `\n${VALIDATE_TYPES}\n/** @type {IValidator} */\n` +
    `export const validate = ${entry[1]};\nexport default validate;\n`;
  if (/\brequire\(/.test(code)) {
    throw new Error('the standalone validator still requires a module');
  }
  return format(`${BANNER}\n${code}`, 'babel');
}

/** The validator's types, as JSDoc: TypeScript reads them from the JavaScript (allowJs). */
const VALIDATE_TYPES = `
/**
 * One problem found by the validator (ajv's ErrorObject).
 * @typedef {object} IValidationError
 * @property {string} instancePath JSON pointer of the offending value, '' for the document.
 * @property {string} schemaPath
 * @property {string} keyword
 * @property {Record<string, any>} params
 * @property {string} [message]
 */
/**
 * Validates a parsed document against the renderer's reading of the schema; \`errors\` holds
 * the problems of the last call, or null when it passed.
 * @typedef {{(data: unknown): boolean, errors?: IValidationError[] | null}} IValidator
 */
`;

async function main() {
  const check = process.argv.includes('--check');
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const files = {
    'contract.ts': await contractTypes(schema),
    'validate.js': await validator(schema)
  };
  const stale = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(OUT, name);
    let old = null;
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      // missing
    }
    if (old === text) {
      continue;
    }
    stale.push(relative(REPO, path));
    if (check) {
      const a = (old ?? '').split('\n');
      const b = text.split('\n');
      let line = 0;
      while (line < Math.max(a.length, b.length) && a[line] === b[line]) {
        line += 1;
      }
      console.error(
        old === null
          ? `${relative(REPO, path)}: missing`
          : `${relative(REPO, path)}: out of date (first difference at line ${line + 1}: ` +
              `${JSON.stringify(a[line] ?? '')} -> ${JSON.stringify(b[line] ?? '')})`
      );
    } else {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${relative(REPO, path)}`);
    }
  }
  if (check && stale.length > 0) {
    console.error(
      `${stale.length} file(s) generated from ${SOURCE} are out of date: run ` +
        '`.venv/bin/python labextension/scripts/generate.py`.'
    );
    process.exit(1);
  }
}

main().catch(e => {
  console.error(e.message ?? e);
  process.exit(2);
});
