/**
 * TeX from a payload is checked here before it reaches MathJax.
 *
 * A saved notebook is untrusted input, and JupyterLab's MathJax understands commands that
 * reach outside the formula: `\unicode[...]` and `\style` put CSS on the page (an element
 * over the whole notebook), `\href` makes links, `\class`/`\cssId`/`\data`/`\html...` set
 * attributes, `\require` loads packages, `\def` and friends hide any of these behind a new
 * name. So the check is an allow-list: a formula is typeset only when every command in it is
 * one of the harmless math commands below (what matdiff_magic emits, and the usual symbols,
 * fonts and structures around them). Anything else, and a formula longer than
 * MAX_FORMULA_CHARS, is shown as text with a note instead.
 *
 * The scan is context-free: every `\name` anywhere in the string counts, inside `\text{}`
 * too, so no nesting or delimiter trick can hide a command from it. The few commands with
 * arguments that MathJax turns into attributes are checked argument by argument (`\color`,
 * `\href`, `\url`, `\begin`/`\end`), and optional arguments that take dimensions are
 * neutralised. Characters that change how MathJax finds or ends a formula (`$`, `%`, and
 * the control symbols `\(`, `\)`, `\[`, `\]`) are refused, so a formula cannot end the one
 * it is placed in.
 */

/** A formula with more characters than this is shown as text, not typeset. */
export const MAX_FORMULA_CHARS = 5000;

/** Braces, `\left`…`\right` and environments nested deeper than this are refused. */
export const MAX_DEPTH = 100;

/** A table (aligned, matrix…) with more cells than this (rows × widest row) is refused. */
export const MAX_CELLS = 10000;

/** At most this many refused commands are named in a note. */
const MAX_NAMED = 5;

const GREEK = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'varkappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'omicron',
  'pi',
  'varpi',
  'rho',
  'varrho',
  'sigma',
  'varsigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Pi',
  'Sigma',
  'Upsilon',
  'Phi',
  'Psi',
  'Omega'
];

const OPERATORS_AND_RELATIONS = [
  'odot',
  'otimes',
  'oslash',
  'oplus',
  'ominus',
  'pm',
  'mp',
  'cdot',
  'cdotp',
  'times',
  'div',
  'circ',
  'bullet',
  'ast',
  'star',
  'setminus',
  'wedge',
  'vee',
  'land',
  'lor',
  'cap',
  'cup',
  'sqcap',
  'sqcup',
  'uplus',
  'bmod',
  'pmod',
  'mod',
  'Rightarrow',
  'Leftarrow',
  'Leftrightarrow',
  'rightarrow',
  'leftarrow',
  'leftrightarrow',
  'longrightarrow',
  'longleftarrow',
  'Longrightarrow',
  'Longleftarrow',
  'Longleftrightarrow',
  'iff',
  'implies',
  'impliedby',
  'to',
  'gets',
  'mapsto',
  'longmapsto',
  'uparrow',
  'downarrow',
  'neq',
  'ne',
  'not',
  'leq',
  'le',
  'geq',
  'ge',
  'leqslant',
  'geqslant',
  'lt',
  'gt',
  'approx',
  'equiv',
  'sim',
  'simeq',
  'cong',
  'propto',
  'doteq',
  'triangleq',
  'll',
  'gg',
  'prec',
  'succ',
  'preceq',
  'succeq',
  'in',
  'ni',
  'notin',
  'subset',
  'subseteq',
  'supset',
  'supseteq',
  'perp',
  'parallel',
  'mid',
  'nmid',
  'colon'
];

const SYMBOLS = [
  'partial',
  'nabla',
  'infty',
  'ldots',
  'dots',
  'cdots',
  'vdots',
  'ddots',
  'dotsb',
  'dotsc',
  'dotsm',
  'top',
  'bot',
  'forall',
  'exists',
  'nexists',
  'emptyset',
  'varnothing',
  'ell',
  'hbar',
  'imath',
  'jmath',
  'Re',
  'Im',
  'aleph',
  'prime',
  'angle',
  'checkmark',
  'neg',
  'lnot',
  'dagger'
];

const DELIMITERS = [
  'left',
  'right',
  'middle',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'Biggl',
  'Biggr',
  'bigm',
  'Bigm',
  'lvert',
  'rvert',
  'lVert',
  'rVert',
  'vert',
  'Vert',
  'langle',
  'rangle',
  'lfloor',
  'rfloor',
  'lceil',
  'rceil',
  'lbrace',
  'rbrace',
  'lbrack',
  'rbrack'
];

const LARGE_OPERATORS = [
  'sum',
  'prod',
  'coprod',
  'int',
  'iint',
  'iiint',
  'oint',
  'bigcup',
  'bigcap',
  'bigsqcup',
  'bigvee',
  'bigwedge',
  'bigotimes',
  'bigoplus',
  'bigodot',
  'biguplus',
  'limits',
  'nolimits'
];

const FUNCTIONS = [
  'exp',
  'log',
  'ln',
  'lg',
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'sinh',
  'cosh',
  'tanh',
  'coth',
  'arcsin',
  'arccos',
  'arctan',
  'arg',
  'deg',
  'det',
  'dim',
  'gcd',
  'hom',
  'inf',
  'ker',
  'lim',
  'liminf',
  'limsup',
  'max',
  'min',
  'Pr',
  'sup'
];

const FONTS_AND_TEXT = [
  'mathrm',
  'mathit',
  'mathbf',
  'mathsf',
  'mathtt',
  'mathcal',
  'mathbb',
  'mathfrak',
  'mathscr',
  'boldsymbol',
  'bm',
  'pmb',
  'text',
  'textrm',
  'textit',
  'textbf',
  'textsf',
  'texttt',
  'textnormal',
  // Font switches: {\rm d} and {\bf x} are what a long text/latex block writes for
  // \mathrm{d} and \mathbf{x} (MathJax 2 refuses a macro followed by 5 KB of TeX).
  'rm',
  'bf',
  'mbox',
  'operatorname',
  'mathop',
  'mathbin',
  'mathrel',
  'mathord',
  'mathinner'
];

const STRUCTURES = [
  'frac',
  'dfrac',
  'tfrac',
  'binom',
  'dbinom',
  'tbinom',
  'sqrt',
  'hat',
  'widehat',
  'bar',
  'overline',
  'underline',
  'tilde',
  'widetilde',
  'vec',
  'dot',
  'ddot',
  'check',
  'breve',
  'acute',
  'grave',
  'mathring',
  'overbrace',
  'underbrace',
  'overset',
  'underset',
  'stackrel',
  'substack',
  'overrightarrow',
  'overleftarrow'
];

/** Styles and sizes: only ones that do not enlarge the text. */
const STYLES_AND_SPACES = [
  'displaystyle',
  'textstyle',
  'scriptstyle',
  'scriptscriptstyle',
  'normalsize',
  'small',
  'footnotesize',
  'scriptsize',
  'tiny',
  'quad',
  'qquad',
  'thinspace',
  'medspace',
  'thickspace',
  'enspace',
  'negthinspace'
];

/** Commands that take no argument MathJax could turn into markup: allowed as they are. */
export const ALLOWED_COMMANDS: ReadonlySet<string> = new Set([
  ...GREEK,
  ...OPERATORS_AND_RELATIONS,
  ...SYMBOLS,
  ...DELIMITERS,
  ...LARGE_OPERATORS,
  ...FUNCTIONS,
  ...FONTS_AND_TEXT,
  ...STRUCTURES,
  ...STYLES_AND_SPACES
]);

/** Commands allowed only after their argument is checked (see sanitizeTex). */
export const CHECKED_COMMANDS: ReadonlySet<string> = new Set([
  'begin',
  'end',
  'color',
  'textcolor',
  'href',
  'url'
]);

/** Environments a formula may open with \begin. */
export const ALLOWED_ENVIRONMENTS: ReadonlySet<string> = new Set([
  'aligned',
  'gathered',
  'split',
  'matrix',
  'pmatrix',
  'bmatrix',
  'Bmatrix',
  'vmatrix',
  'Vmatrix',
  'smallmatrix',
  'cases'
]);

/** Control symbols (a backslash and one non-letter) allowed. */
const ALLOWED_SYMBOLS = new Set([
  '\\',
  ',',
  ';',
  ':',
  '!',
  ' ',
  '{',
  '}',
  '|',
  '#',
  '&',
  '_',
  '%',
  '>'
]);

/** Characters refused outside a control symbol: they end or comment out a formula. */
const REFUSED_CHARACTERS = new Set(['$', '%']);

/**
 * Control characters (but tab and newlines) and the bidirectional overrides: no formula of
 * ours holds one, and MathJax fails on the whole block for a NUL.
 */
const CONTROL_CHARACTERS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Commands that take an argument: written without braces (`\hat \hat x`, `\frac1\frac1`) each
 * nests what follows, unseen by the count of braces, so more of them than MAX_DEPTH is too deep.
 */
const ARGUMENT_COMMANDS = new Set([
  'hat',
  'widehat',
  'bar',
  'overline',
  'underline',
  'tilde',
  'widetilde',
  'vec',
  'dot',
  'ddot',
  'check',
  'breve',
  'acute',
  'grave',
  'sqrt',
  'frac',
  'dfrac',
  'tfrac',
  'boldsymbol',
  'mathbf',
  'mathrm',
  'mathit',
  'mathsf',
  'mathbb',
  'mathcal',
  'operatorname',
  'text',
  'textrm',
  'overbrace',
  'underbrace',
  'pmb',
  'bm'
]);

/** A colour: #rgb, #rrggbb or a name made of letters (what \color{} and \textcolor{} take). */
const COLOR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,20})$/;

/** The outcome of checking one formula. */
export type TexCheck =
  | { ok: true; tex: string }
  | { ok: false; reason: 'size'; length: number; limit: number }
  | { ok: false; reason: 'commands'; commands: string[] }
  | { ok: false; reason: 'structure'; problem: string };

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  sol: '/',
  bsol: '\\',
  period: '.',
  comma: ',',
  semi: ';',
  lpar: '(',
  rpar: ')',
  num: '#',
  quest: '?',
  equals: '=',
  tab: '\t',
  newline: '\n',
  nbsp: '\u00a0'
};

// Control characters and every kind of whitespace: browsers drop tab and newline inside a
// URL ("java\tscript:" is "javascript:"), so none of them may hide a scheme.
const INVISIBLE =
  /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/g;

/**
 * Decode HTML character references once: numeric ones with or without ";", named ones
 * with ";". Undefined when a named one is unknown (it could stand for anything).
 */
function decodeEntities(text: string): string | undefined {
  let unknown = false;
  const decoded = text.replace(
    /&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[a-zA-Z][a-zA-Z0-9]*;)/g,
    (_m, ref: string) => {
      ref = ref.replace(/;$/, '');
      if (ref[0] === '#') {
        const hex = ref[1] === 'x' || ref[1] === 'X';
        const code = parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
        if (!(code <= 0x10ffff)) {
          unknown = true;
          return '';
        }
        return String.fromCodePoint(code);
      }
      const named = NAMED_ENTITIES[ref.toLowerCase()];
      if (named === undefined) {
        unknown = true;
        return '';
      }
      return named;
    }
  );
  return unknown ? undefined : decoded;
}

/**
 * The link target to use, or undefined when it is not a plain http(s) URL: control
 * characters and whitespace removed, character references decoded (repeatedly, so
 * "&amp;#58;" counts as ":"), scheme compared case-insensitively.
 */
export function safeLinkTarget(target: string): string | undefined {
  const cleaned = target.replace(INVISIBLE, '');
  let decoded = cleaned;
  for (let i = 0; i < 5; i++) {
    const next = decodeEntities(decoded);
    if (next === undefined) {
      return undefined;
    }
    const stripped = next.replace(INVISIBLE, '');
    if (stripped === decoded) {
      break;
    }
    decoded = stripped;
  }
  const http = /^https?:\/\/[^/\\]/i;
  if (!http.test(cleaned) || !http.test(decoded)) {
    return undefined;
  }
  // Only URL characters that mean nothing to TeX or to an HTML attribute.
  if (!/^[A-Za-z0-9\-._~:/?#@!&'()*+,;=%]+$/.test(cleaned)) {
    return undefined;
  }
  return cleaned;
}

/** The refused construct as it will be named in a note: control characters made visible. */
function display(name: string): string {
  return name.replace(
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    c => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`
  );
}

/**
 * Check one formula. `limit` is the size limit in characters (MAX_FORMULA_CHARS by
 * default). An accepted formula comes back as the TeX to typeset, which equals the input
 * except where an optional argument was neutralised or a link target normalised.
 */
export function sanitizeTex(tex: string, limit: number = MAX_FORMULA_CHARS): TexCheck {
  if (tex.length > limit) {
    return { ok: false, reason: 'size', length: tex.length, limit };
  }
  const refused = new Set<string>();
  const refuse = (what: string) => refused.add(what);
  // one pass for the control characters, not a test per character (100 000 steps are read)
  for (const m of tex.matchAll(CONTROL_CHARACTERS)) {
    refuse(m[0]);
  }
  const out: string[] = [];
  const n = tex.length;
  let depth = 0;
  let maxDepth = 0;
  let braceless = 0;
  let rows = 1;
  let cells = 1;
  let widest = 1;
  let i = 0;
  let problem: string | undefined;

  const skipSpaces = (j: number) => {
    while (j < n && (tex[j] === ' ' || tex[j] === '\n' || tex[j] === '\t')) {
      j++;
    }
    return j;
  };
  /** A {...} argument without nested braces or backslashes from j: [content, end]. */
  const plainArgument = (j: number): [string, number] | undefined => {
    j = skipSpaces(j);
    if (tex[j] !== '{') {
      return undefined;
    }
    const close = tex.indexOf('}', j + 1);
    if (close < 0) {
      return undefined;
    }
    const content = tex.slice(j + 1, close);
    return /[{\\]/.test(content) ? undefined : [content, close + 1];
  };
  const open = () => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
  };
  const close = (what: string) => {
    depth--;
    if (depth < 0 && problem === undefined) {
      problem = `an unmatched ${what}`;
    }
  };

  while (i < n) {
    const c = tex[i];
    if (c === '\\') {
      const m = /^[A-Za-z]+/.exec(tex.slice(i + 1, i + 41));
      if (!m) {
        // A control symbol: a backslash and one character.
        const s = tex[i + 1];
        if (s === undefined) {
          refuse('\\');
          i++;
          continue;
        }
        if (!ALLOWED_SYMBOLS.has(s)) {
          refuse(`\\${s}`);
          i += 2;
          continue;
        }
        out.push('\\', s);
        i += 2;
        if (s === '\\') {
          rows++;
          cells = 1;
          // "\\[2em]" and "\\*[2em]" take a dimension: an empty group keeps "[" a bracket.
          let j = i;
          if (tex[j] === '*') {
            j++;
          }
          if (tex[skipSpaces(j)] === '[') {
            out.push('{}');
          }
        }
        continue;
      }
      let name = m[0];
      if (name.length === 40) {
        // Read the whole name, to name it in the note.
        name = /^[A-Za-z]+/.exec(tex.slice(i + 1))![0];
      }
      const after = i + 1 + name.length;
      if (ALLOWED_COMMANDS.has(name)) {
        if (ARGUMENT_COMMANDS.has(name) && tex[skipSpaces(after)] !== '{') {
          braceless++;
        }
        out.push('\\', name);
        if (name === 'left') {
          open();
        } else if (name === 'right') {
          close('\\right');
        }
        i = after;
        continue;
      }
      if (name === 'begin' || name === 'end') {
        const arg = plainArgument(after);
        if (!arg || !ALLOWED_ENVIRONMENTS.has(arg[0])) {
          refuse(arg ? `\\${name}{${arg[0]}}` : `\\${name}`);
          i = arg ? arg[1] : after;
          continue;
        }
        out.push(tex.slice(i, arg[1]));
        i = arg[1];
        if (name === 'begin') {
          open();
          // \begin{aligned}[t]: the position argument is not needed; keep "[" a bracket.
          if (tex[skipSpaces(i)] === '[') {
            out.push('{}');
          }
        } else {
          close('\\end');
        }
        continue;
      }
      if (name === 'color' || name === 'textcolor') {
        const arg = plainArgument(after);
        if (!arg || !COLOR.test(arg[0].trim())) {
          refuse(`\\${name}` + (arg ? `{${arg[0]}}` : ''));
          i = arg ? arg[1] : after;
          continue;
        }
        out.push(`\\${name}{${arg[0].trim()}}`);
        i = arg[1];
        continue;
      }
      if (name === 'href' || name === 'url') {
        const arg = plainArgument(after);
        const target = arg ? safeLinkTarget(arg[0]) : undefined;
        if (!arg || target === undefined) {
          refuse(`\\${name}` + (arg ? `{${arg[0]}}` : ''));
          i = arg ? arg[1] : after;
          continue;
        }
        out.push(`\\${name}{${target}}`);
        i = arg[1];
        continue;
      }
      refuse(`\\${name}`);
      i = after;
      continue;
    }
    if (REFUSED_CHARACTERS.has(c)) {
      refuse(c);
    } else if (c === '{') {
      open();
    } else if (c === '}') {
      close('}');
    } else if (c === '&') {
      cells++;
      widest = Math.max(widest, cells);
    }
    out.push(c);
    i++;
  }

  if (refused.size > 0) {
    return { ok: false, reason: 'commands', commands: [...refused].map(display) };
  }
  if (problem === undefined && depth > 0) {
    problem = 'an unclosed {, \\left or \\begin';
  }
  if (problem === undefined && (maxDepth > MAX_DEPTH || braceless > MAX_DEPTH)) {
    problem = `nesting deeper than ${MAX_DEPTH} levels`;
  }
  if (problem === undefined && rows * widest > MAX_CELLS) {
    problem = `a table of more than ${formatCount(MAX_CELLS)} cells`;
  }
  if (problem !== undefined) {
    return { ok: false, reason: 'structure', problem };
  }
  return { ok: true, tex: out.join('') };
}

/** A count as the notes write it: a narrow no-break space between thousands ("5 000"). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** The note shown beside a formula that is not typeset. */
export function refusalNote(check: Exclude<TexCheck, { ok: true }>): string {
  switch (check.reason) {
    case 'size':
      return (
        `Not typeset: this formula has ${formatCount(check.length)} characters; ` +
        `formulas over ${formatCount(check.limit)} characters are shown as text.`
      );
    case 'commands': {
      const named = check.commands.slice(0, MAX_NAMED).join(', ');
      const more =
        check.commands.length > MAX_NAMED
          ? ` and ${check.commands.length - MAX_NAMED} more`
          : '';
      return `Not typeset: it uses ${named}${more}, which this viewer does not typeset.`;
    }
    case 'structure':
      return `Not typeset: it has ${check.problem}.`;
  }
}
