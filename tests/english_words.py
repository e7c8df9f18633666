"""What counts as an English word in a Chinese text: a word of three letters or more that is no
mathematics (a function's name, an option and its value, code in backquotes, a product of
matrices such as AXB) and no proper name. Shared by the tests of the Chinese output."""

from __future__ import annotations

import re

from matdiff_magic.syntax.vocabulary import ALIASES, FUNCTIONS

MATH_WORDS = (
    set(FUNCTIONS)
    | set(ALIASES)
    | {
        "vec",
        "diag",
        "tr",
        "det",
        "adj",
        "sign",
        "step",
        "exp",
        "log",
        "softmax",
        "sum",
        "vector",
        "matrix",
        "eye",
    }
)
WORD = re.compile(r"[A-Za-z]{3,}")
PROPER = {
    "Hessian",
    "Kronecker",
    "Hadamard",
    "Jacobian",
    "minka",
    "sym",
    "Matrix",
    "Cookbook",
    "SymPy",
    "NumPy",
    "Python",
    "IPython",
    "README",
    "NaN",
    "MatrixSymbol",
    "LaTeX",
}  # names: kept


def strip_math_words(text: str) -> str:
    """Plain text without what is mathematics in it: function names, option names and values."""
    text = re.sub(r"--\w[\w-]*(\s+\w+)?", " ", text)  # an option is code: --symmetric independent
    text = re.sub(r"`[^`]*`", " ", text)  # a declaration to write: `x: scalar`
    return re.sub(r"[A-Za-z][A-Za-z0-9_]*", lambda m: " " if is_math(m.group(0)) else m.group(0), text)


def is_math(word: str) -> bool:
    """A function's name, a proper name, or a product of matrices (AXB)."""
    return word in MATH_WORDS or word in PROPER or bool(re.fullmatch(r"[A-Z]{1,4}", word))


def english_in(text: str, allowed=frozenset()) -> list[str]:
    """The English words of a plain text, but for mathematics and the names in ``allowed``."""
    return [w for w in WORD.findall(strip_math_words(text)) if w not in allowed]
