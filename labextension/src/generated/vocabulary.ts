// Generated from matdiff_magic/syntax/vocabulary.py by labextension/scripts/generate.py: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py`.

/** The kinds a declaration can give a variable (`A: matrix(m, n)`). */
export const KINDS = [
  "scalar",
  "vector",
  "matrix",
  "symmetric",
  "spd",
  "function",
  "mean"
] as const;

/** Element-wise functions: applied entry by entry; on a scalar, ordinary functions. */
export const ELEMENTWISE = [
  "exp",
  "log",
  "sin",
  "cos",
  "tan",
  "tanh",
  "arcsin",
  "arccos",
  "arctan",
  "abs",
  "sign",
  "relu",
  "sqrt",
  "sigmoid"
] as const;

/** Other names of element-wise functions, and the function each names. */
export const ALIASES = {
  "ln": "log",
  "asin": "arcsin",
  "acos": "arccos",
  "atan": "arctan"
} as const;

/** Matrix functions, with their number of arguments. */
export const MATRIX_FUNCTIONS = {
  "tr": 1,
  "det": 1,
  "logdet": 1,
  "inv": 1,
  "diag": 1,
  "sum": 1,
  "norm1": 1,
  "norm2": 1,
  "vec": 1,
  "kron": 2,
  "softmax": 1,
  "adj": 1,
  "sum_i": 2
} as const;

/** Constants, with their fewest and most arguments (the fill value, then sizes that are otherwise inferred). */
export const CONSTANTS = {
  "vector": [
    1,
    2
  ],
  "matrix": [
    1,
    3
  ],
  "eye": [
    0,
    1
  ]
} as const;

/** Every function name of the language: the above, aliases included. */
export const FUNCTIONS = [
  "abs",
  "acos",
  "adj",
  "arccos",
  "arcsin",
  "arctan",
  "asin",
  "atan",
  "cos",
  "det",
  "diag",
  "exp",
  "eye",
  "inv",
  "kron",
  "ln",
  "log",
  "logdet",
  "matrix",
  "norm1",
  "norm2",
  "relu",
  "sigmoid",
  "sign",
  "sin",
  "softmax",
  "sqrt",
  "sum",
  "sum_i",
  "tan",
  "tanh",
  "tr",
  "vec",
  "vector"
] as const;
