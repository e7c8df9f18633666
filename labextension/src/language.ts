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
import { Tag, tagHighlighter, tags as t } from '@lezer/highlight';

import { LAYOUTS } from './generated/contract';
import { FUNCTIONS as FUNCTION_NAMES, KINDS } from './generated/vocabulary';

/** Matches the first line of a %%matdiff cell. */
export const MAGIC_LINE = /^\s*%%matdiff\b/;

/** Every function of the language, aliases included (from matdiff_magic.syntax.vocabulary). */
export const FUNCTIONS: ReadonlySet<string> = new Set(FUNCTION_NAMES);

export const KIND_NAMES: ReadonlySet<string> = new Set(KINDS);

/** Flags with a fixed set of values, coloured as constants. */
const FLAG_VALUES: Record<string, ReadonlySet<string>> = {
  '--layout': new Set(LAYOUTS),
  '-l': new Set(LAYOUTS),
  '--mode': new Set(['forward', 'reverse', 'both'])
};

/** Flags whose next word is a name (of a variable or an output). */
const NAME_FLAGS = new Set(['--wrt', '-w', '-o', '--output']);

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

/** The language plus the highlighters that colour and class its tokens. */
export function matdiffSupport(): LanguageSupport {
  return new LanguageSupport(matdiffLanguage, [
    syntaxHighlighting(matdiffHighlighter),
    syntaxHighlighting(extraStyle)
  ]);
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
