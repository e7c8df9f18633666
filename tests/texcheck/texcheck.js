#!/usr/bin/env node
/*
 * Typesets TeX with the three engines that show notebook outputs and reports every error.
 *
 *   node texcheck.js INPUT.json [--engines katex,mathjax2,mathjax3] [--out REPORT.json]
 *
 * INPUT.json is a JSON list. Each item is a string or {"id": "...", "tex": "...", "engines": [...]}
 * (engines: only these typeset it; all by default): a piece of an output as a front end receives it. Its formulas are found as the front ends find them, between
 * $$…$$, \[…\], \(…\) or $…$ (\$ is a dollar sign); an item with none of these is one display
 * formula.
 *
 * The engines, each as strict as it can be made so that nothing is hidden:
 *   katex     KaTeX (VS Code, GitHub, Sphinx): throwOnError, and its strict-mode warnings count
 *             as errors too.
 *   mathjax2  MathJax 2.7 (nbconvert's HTML template, nbviewer) through mathjax-node: the TeX
 *             input with AMSmath and AMSsymbols as TeX-AMS_CHTML-full loads them, plus Safe as
 *             nbconvert adds it, without noErrors/noUndefined (so an undefined macro is an error),
 *             typeset to CommonHTML and MathML. \color is MathJax 2's own, with two arguments.
 *   mathjax3  MathJax 3 (JupyterLab 4, Notebook 7) through mathjax-full: every TeX package
 *             JupyterLab loads (AllPackages), less noerrors/noundefined and bussproofs (it needs
 *             an output with bounding boxes), converted to MathML; a TeX error throws.
 *
 * Writes one JSON object to REPORT.json (to stdout without --out):
 *   {"items": N, "formulas": N, "engines": {"katex": {"checked": N, "seconds": S,
 *    "errors": [{"id", "formula", "message"}]}, …}}
 * prints a line per engine on stderr, and exits 0 when no engine reported an error, 1 when one
 * did, 2 on a usage error.
 */
'use strict';

const fs = require('fs');

const ALL_ENGINES = ['katex', 'mathjax2', 'mathjax3'];

function usage(message) {
  process.stderr.write(`${message}\nusage: node texcheck.js INPUT.json [--engines ${ALL_ENGINES.join(',')}] [--out REPORT.json]\n`);
  process.exit(2);
}

/** The formulas of one item, as {formula, display}: what tex2jax / FindTeX would hand the engine. */
function formulas(text) {
  const found = [];
  const re = /\\\$|\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$]+?)\$/g;
  let m;
  let any = false;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '\\$') continue;
    any = true;
    if (m[1] !== undefined) found.push({ formula: m[1], display: true });
    else if (m[2] !== undefined) found.push({ formula: m[2], display: true });
    else if (m[3] !== undefined) found.push({ formula: m[3], display: false });
    else found.push({ formula: m[4], display: false });
  }
  if (!any && text.trim()) found.push({ formula: text, display: true });
  return found;
}

// ---- KaTeX ---------------------------------------------------------------------------------
function checkKatex(items) {
  const katex = require('katex');
  const errors = [];
  for (const { id, formula, display } of items) {
    const warnings = [];
    try {
      katex.renderToString(formula, {
        displayMode: display,
        throwOnError: true,
        strict: (code, message) => { warnings.push(`${code}: ${message}`); return 'ignore'; },
      });
    } catch (e) {
      errors.push({ id, formula, message: String(e.message || e) });
      continue;
    }
    for (const w of warnings) errors.push({ id, formula, message: `strict mode: ${w}` });
  }
  return errors;
}

// ---- MathJax 3 -----------------------------------------------------------------------------
function checkMathjax3(items) {
  const { mathjax } = require('mathjax-full/js/mathjax.js');
  const { TeX } = require('mathjax-full/js/input/tex.js');
  const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
  const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
  const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js');
  const { STATE } = require('mathjax-full/js/core/MathItem.js');
  const { SerializedMmlVisitor } = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');

  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const packages = AllPackages.filter((p) => !['noerrors', 'noundefined', 'bussproofs'].includes(p));
  const tex = new TeX({
    packages,
    formatError: (jax, err) => { throw err; },
  });
  const doc = mathjax.document('', { InputJax: tex });
  const visitor = new SerializedMmlVisitor();
  const errors = [];
  for (const { id, formula, display } of items) {
    try {
      const node = doc.convert(formula, { display, end: STATE.CONVERT });
      const mml = visitor.visitTree(node);
      if (mml.includes('<merror')) throw new Error(`merror in ${mml.slice(0, 200)}`);
    } catch (e) {
      errors.push({ id, formula, message: String(e.message || e) });
    }
  }
  return errors;
}

// ---- MathJax 2 -----------------------------------------------------------------------------
function checkMathjax2(items) {
  const mjAPI = require('mathjax-node');
  mjAPI.config({
    displayMessages: false,
    displayErrors: false,
    undefinedCharError: false,
    extensions: 'Safe',
    MathJax: { TeX: { extensions: ['AMSmath.js', 'AMSsymbols.js'] } },
  });
  mjAPI.start();
  const errors = [];
  return items.reduce((done, { id, formula, display }) => done.then(() =>
    mjAPI.typeset({ math: formula, format: display ? 'TeX' : 'inline-TeX', mml: true })
      .then((result) => {
        const out = `${result.html || ''}${result.mml || ''}`;
        if (/merror|Math Processing Error/.test(out)) {
          errors.push({ id, formula, message: `error node in the output: ${out.slice(0, 300)}` });
        }
      }, (errs) => {
        errors.push({ id, formula, message: (Array.isArray(errs) ? errs : [errs]).map(String).join('; ') });
      })), Promise.resolve()).then(() => errors);
}

const CHECKS = { katex: checkKatex, mathjax2: checkMathjax2, mathjax3: checkMathjax3 };

async function main(argv) {
  const args = argv.slice(2);
  let engines = ALL_ENGINES;
  let out = null;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--engines') engines = (args[++i] || '').split(',').filter(Boolean);
    else if (args[i].startsWith('--engines=')) engines = args[i].slice(10).split(',').filter(Boolean);
    else if (args[i] === '--out') out = args[++i];
    else files.push(args[i]);
  }
  if (files.length !== 1) usage('give one INPUT.json');
  const unknown = engines.filter((e) => !ALL_ENGINES.includes(e));
  if (unknown.length || !engines.length) usage(`unknown engine(s): ${unknown.join(', ')}`);
  let input;
  try {
    input = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  } catch (e) {
    usage(`cannot read ${files[0]}: ${e.message}`);
  }
  if (!Array.isArray(input)) usage('INPUT.json must hold a JSON list');

  const items = [];
  input.forEach((entry, k) => {
    const id = typeof entry === 'string' ? `#${k}` : String(entry.id ?? `#${k}`);
    const text = typeof entry === 'string' ? entry : entry.tex;
    if (typeof text !== 'string') usage(`item ${id} has no TeX string`);
    const only = typeof entry === 'string' ? null : entry.engines || null;
    for (const f of formulas(text)) items.push({ id, only, ...f });
  });

  const report = { items: input.length, formulas: items.length, engines: {} };
  for (const engine of engines) {
    const start = Date.now();
    const mine = items.filter((item) => !item.only || item.only.includes(engine));
    const errors = await CHECKS[engine](mine);
    const seconds = (Date.now() - start) / 1000;
    report.engines[engine] = { checked: mine.length, seconds, errors };
    process.stderr.write(`${engine}: ${mine.length - errors.length} of ${mine.length} formulas `
                         + `typeset without error (${seconds.toFixed(1)} s)\n`);
  }
  const text = JSON.stringify(report, null, 1) + '\n';
  if (out) fs.writeFileSync(out, text);
  else fs.writeSync(1, text);   // synchronous: nothing is lost when exit follows
  const failed = Object.values(report.engines).some((e) => e.errors.length);
  process.exit(failed ? 1 : 0);
}

main(process.argv).catch((e) => { process.stderr.write(`${e.stack || e}\n`); process.exit(2); });
