/**
 * The %%matdiff cell language for CodeMirror 6: a stream tokenizer (one line at a time,
 * enough for this small language) and the tags it produces.
 *
 * Every token gets a tag of its own, derived from a standard tag with a modifier: the
 * standard part lets JupyterLab's theme colour it like Python, the modifier gives it a
 * stable class (cm-matdiff-NAME) that the stylesheet and the browser tests can rely on.
 */
import {
  HighlightStyle,
  LanguageSupport,
  StreamLanguage,
  StringStream,
  syntaxHighlighting
} from '@codemirror/language';
import { Extension } from '@codemirror/state';
import { Tag, tagHighlighter, tags as t } from '@lezer/highlight';

import {
  NAME_OPTIONS,
  OPTIONS as OPTION_ARITY,
  OPTION_CHOICES
} from './generated/options';
import { FUNCTIONS as FUNCTION_NAMES, KINDS } from './generated/vocabulary';

/** Matches the first line of a %%matdiff cell. */
export const MAGIC_LINE = /^\s*%%matdiff\b/;

/** Matches a line of a code cell that runs the %matdiff line magic. */
export const LINE_MAGIC = /^\s*%matdiff(?=\s|$)/;

/**
 * The options of the magic, each with whether it always takes a value (generated from
 * matdiff_magic/options.py): on a %matdiff line, the expression starts at the first word that
 * is not an option or an option's value.
 */
export const OPTIONS: ReadonlyMap<string, boolean> = new Map(
  Object.entries(OPTION_ARITY).map(([option, takes]) => [option, takes === 'value'])
);

/** Every function of the language, aliases included (from matdiff_magic.syntax.vocabulary). */
export const FUNCTIONS: ReadonlySet<string> = new Set(FUNCTION_NAMES);

export const KIND_NAMES: ReadonlySet<string> = new Set(KINDS);

/** Flags with a fixed set of values, coloured as constants (generated from options.py). */
const FLAG_VALUES: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries(OPTION_CHOICES).map(([option, values]) => [
    option,
    new Set<string>(values)
  ])
);

/** Flags whose next word is a name (of a variable or an output). */
const NAME_FLAGS: ReadonlySet<string> = new Set<string>(NAME_OPTIONS);

/** Token names, each with the standard tag that gives its colour. */
const BASE_TAGS = {
  magic: t.keyword,
  flag: t.attributeName,
  value: t.atom,
  string: t.string,
  kind: t.typeName,
  def: t.definition(t.variableName),
  function: t.standard(t.variableName),
  variable: t.variableName,
  operator: t.operator,
  number: t.number,
  comment: t.comment,
  punctuation: t.punctuation,
  bracket: t.paren
} as const;

export type TokenName = keyof typeof BASE_TAGS;

export const TOKEN_TAGS = Object.fromEntries(
  Object.entries(BASE_TAGS).map(([name, base]) => [
    name,
    Tag.defineModifier(`matdiff-${name}`)(base)
  ])
) as Record<TokenName, Tag>;

/** Adds cm-matdiff-NAME classes next to the theme's own. */
export const matdiffHighlighter = tagHighlighter(
  Object.entries(TOKEN_TAGS).map(([name, tag]) => ({
    tag,
    class: `cm-matdiff-${name}`
  }))
);

/** Colours for the token kinds the Jupyter theme leaves plain (types, flags). */
const extraStyle = HighlightStyle.define([
  {
    tag: TOKEN_TAGS.kind,
    color: 'var(--jp-mirror-editor-builtin-color)',
    fontWeight: 'bold'
  },
  { tag: TOKEN_TAGS.flag, color: 'var(--jp-mirror-editor-attribute-color)' },
  { tag: TOKEN_TAGS.value, color: 'var(--jp-mirror-editor-atom-color)' }
]);

export interface IMatdiffState {
  line: number;
  mode: 'magic' | 'decl' | 'expr';
  /** The flag just read on the magic line, so its value can be coloured. */
  flag: string | null;
  /** In a declaration, whether the ':' has been passed. */
  afterColon: boolean;
}

const DECLARATION = /^\s*[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*:/;
const NUMBER = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_]\w*/;

function startLine(stream: StringStream, state: IMatdiffState): void {
  state.line += 1;
  state.flag = null;
  state.afterColon = false;
  if (state.line === 1 && stream.match(MAGIC_LINE, false)) {
    state.mode = 'magic';
  } else if (stream.match(DECLARATION, false)) {
    state.mode = 'decl';
  } else {
    state.mode = 'expr';
  }
}

function magicToken(stream: StringStream, state: IMatdiffState): TokenName | null {
  if (stream.match(/^%%matdiff\b/)) {
    return 'magic';
  }
  const flag = stream.match(/^--?[A-Za-z][\w-]*/) as RegExpMatchArray | null;
  if (flag) {
    state.flag = flag[0];
    return 'flag';
  }
  if (
    state.flag !== null &&
    stream.peek() === '=' &&
    stream.string[stream.pos - 1] !== ' '
  ) {
    // --layout=denominator: the value follows the '=' as it would a space
    stream.next();
    return 'operator';
  }
  const previous = state.flag;
  state.flag = null;
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) {
    return 'string';
  }
  if (stream.match(NUMBER)) {
    return 'number';
  }
  const word = stream.match(IDENT) as RegExpMatchArray | null;
  if (word) {
    if (previous && FLAG_VALUES[previous]?.has(word[0])) {
      return 'value';
    }
    return previous && NAME_FLAGS.has(previous) ? 'def' : 'variable';
  }
  if (stream.eat('=')) {
    return 'operator';
  }
  stream.next();
  return null;
}

function exprToken(stream: StringStream, state: IMatdiffState): TokenName | null {
  if (stream.match(NUMBER)) {
    return 'number';
  }
  const word = stream.match(IDENT) as RegExpMatchArray | null;
  if (word) {
    const name = word[0];
    if (state.mode === 'decl') {
      if (!state.afterColon) {
        return 'def';
      }
      return KIND_NAMES.has(name) ? 'kind' : 'variable';
    }
    // "f = ..." names the function being differentiated.
    if (
      stream.match(/^\s*=(?!=)/, false) &&
      stream.string.slice(0, stream.start).trim() === ''
    ) {
      return 'def';
    }
    return FUNCTIONS.has(name) ? 'function' : 'variable';
  }
  if (stream.match(/^\.[*/^]/) || stream.match(/^[-+*/^'=]/)) {
    return 'operator';
  }
  if (stream.match(/^[()[\]{}]/)) {
    return 'bracket';
  }
  if (stream.eat(':')) {
    state.afterColon = true;
    return 'punctuation';
  }
  if (stream.match(/^[,;]/)) {
    return 'punctuation';
  }
  stream.next();
  return null;
}

export const matdiffParser = {
  name: 'matdiff',
  startState(): IMatdiffState {
    return { line: 0, mode: 'expr', flag: null, afterColon: false };
  },
  copyState(s: IMatdiffState): IMatdiffState {
    return { ...s };
  },
  blankLine(state: IMatdiffState): void {
    state.line += 1;
  },
  token(stream: StringStream, state: IMatdiffState): TokenName | null {
    if (stream.sol()) {
      startLine(stream, state);
    }
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    return state.mode === 'magic'
      ? magicToken(stream, state)
      : exprToken(stream, state);
  },
  languageData: { commentTokens: { line: '#' } },
  tokenTable: TOKEN_TAGS
};

export const matdiffLanguage = StreamLanguage.define<IMatdiffState>(matdiffParser);

/**
 * The highlighters that colour and class matdiff tokens: one instance, so an editor that
 * gets them twice (a %%matdiff cell also reads %matdiff lines) holds them once.
 */
export const matdiffHighlighting: Extension = [
  syntaxHighlighting(matdiffHighlighter),
  syntaxHighlighting(extraStyle)
];

/** The language plus the highlighters that colour and class its tokens. */
export function matdiffSupport(): LanguageSupport {
  return new LanguageSupport(matdiffLanguage, matdiffHighlighting);
}

/** One token of a line: [from, to) in the line, and its name (null: plain text). */
export interface ITokenSpan {
  readonly from: number;
  readonly to: number;
  readonly token: TokenName | null;
  /** Whether it is part of the expression (after the magic and its options). */
  readonly expression: boolean;
}

/** A word as the magic's option parser reads one: a quoted string or non-blank characters. */
const OPTION_WORD = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)/;

/**
 * The tokens of a `%matdiff` line (null for any other line): the magic, its options as on
 * the first line of a %%matdiff cell, then the expression as in the body of one. Whitespace
 * is not a token; every other character is in exactly one span.
 */
export function lineMagicTokens(text: string): ITokenSpan[] | null {
  if (!LINE_MAGIC.test(text)) {
    return null;
  }
  const spans: ITokenSpan[] = [];
  const stream = new StringStream(text, 4, 2);
  const state: IMatdiffState = {
    line: 1,
    mode: 'magic',
    flag: null,
    afterColon: false
  };
  const take = (token: TokenName | null): void => {
    if (stream.pos > stream.start) {
      const expression = state.mode === 'expr';
      spans.push({ from: stream.start, to: stream.pos, token, expression });
    }
    stream.start = stream.pos;
  };
  const skipSpace = (): boolean => {
    const any = stream.eatSpace();
    stream.start = stream.pos;
    return any;
  };

  skipSpace();
  stream.match('%matdiff');
  take('magic');
  // Options, and the value of each that takes one.
  while (!stream.eol()) {
    if (skipSpace()) {
      continue;
    }
    let word = OPTION_WORD.exec(text.slice(stream.pos))![0];
    // --option=value (-o=d): the option, then its value after the '='
    const eq = word.indexOf('=');
    const joined = eq > 0 && OPTIONS.has(word.slice(0, eq));
    if (joined) {
      word = word.slice(0, eq);
    }
    if (!OPTIONS.has(word) && !word.startsWith('--')) {
      break; // the expression
    }
    stream.pos += word.length;
    take('flag');
    state.flag = word;
    if (joined) {
      stream.pos += 1;
      take('operator');
      const value = OPTION_WORD.exec(text.slice(stream.pos));
      const end = stream.pos + (value ? value[0].length : 0);
      while (stream.pos < end) {
        take(magicToken(stream, state));
      }
      state.flag = null;
      continue;
    }
    if (OPTIONS.get(word) !== true) {
      if (OPTION_ARITY[word as keyof typeof OPTION_ARITY] === 'optional') {
        // --export jax: the next word is its value only when it is one of its choices
        skipSpace();
        const value = OPTION_WORD.exec(text.slice(stream.pos));
        if (value && FLAG_VALUES[word]?.has(value[0])) {
          stream.pos += value[0].length;
          take('value');
        }
      }
      state.flag = null;
      continue;
    }
    skipSpace();
    const value = OPTION_WORD.exec(text.slice(stream.pos));
    const end = stream.pos + (value ? value[0].length : 0);
    while (stream.pos < end) {
      take(magicToken(stream, state));
    }
    state.flag = null;
  }
  // The expression.
  state.mode = 'expr';
  while (!stream.eol()) {
    if (skipSpace()) {
      continue;
    }
    if (stream.peek() === '#') {
      stream.skipToEnd();
      take('comment');
    } else {
      take(exprToken(stream, state));
    }
  }
  return spans;
}

/**
 * Tokenize a cell for tests: a list of [text, token] per line, using the same parser
 * CodeMirror runs.
 */
export function tokenize(source: string): Array<Array<[string, TokenName | null]>> {
  const state = matdiffParser.startState();
  return source.split('\n').map(line => {
    const out: Array<[string, TokenName | null]> = [];
    if (line.length === 0) {
      matdiffParser.blankLine(state);
      return out;
    }
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      const token = matdiffParser.token(stream, state);
      out.push([line.slice(stream.start, stream.pos), token]);
      stream.start = stream.pos;
    }
    return out;
  });
}
