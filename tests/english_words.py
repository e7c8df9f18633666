"""What counts as an English word in a Chinese text: a word of three letters or more that is no
mathematics (a function's name, an option and its value, code in backquotes, a product of
matrices such as AXB) and no proper name; the comments and docstrings of an exported module; and
the seeds' worked examples. Shared by the tests of the Chinese output."""

from __future__ import annotations

import ast
import io
import re
import tokenize

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
        "inf",  # the float values: log 0 = -inf, log(-1) = nan
        "nan",
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
    "PyTorch",
    "Frobenius",
}  # names: kept


SEED_CELLS = [  # (cell, wrt): the seeds' worked examples (tests/test_seeds.py, test_composition_solve.py)
    ("a'*X*b", "X"),  # seed 001 Example 2.2
    ("a'*exp(X*b)", "X"),  # Example 3
    ("l = norm2(y - X*beta)^2", "beta"),  # Example 4
    ("Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),  # Example 5
    ("Y = A*X*B\ntr(Y'*Y)", "X"),  # seed 000: Y = AXB
    ("y'*A*y", "y"),  # seed 002: ∂(yᵀAy)/∂y = Ay + Aᵀy
    ("A*y", "y"),  # seed 002: ∂(Ay)/∂y, a Jacobian
    ("log(det(X))", "X"),  # seed 000: d|X| and the log-determinant
    ("g: function\nY = A*X*B\nf = g(Y)", "X"),  # seed 000: f of Y = AXB, f not given
    ("y = [y1; y2]\nf = y1^2 + y2^2", "y"),  # seed 002 Example 1, by the components
    ("y = [y1; y2; y3]\nf = [y1^2 + y2^2 + y3; y3^2 + 2*y1]", "y"),  # seed 002 Example 2
]


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


def prose_of(source: str) -> list[str]:
    """The module's comments and docstrings."""
    docstrings = {
        (n.body[0].value.lineno, n.body[0].value.col_offset)
        for n in ast.walk(ast.parse(source))
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
        and isinstance(n.body[0].value.value, str)
    }
    return [
        t.string
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type == tokenize.COMMENT or (t.type == tokenize.STRING and t.start in docstrings)
    ]


def english_in_prose(source: str, cell: str) -> list[str]:
    """English words of the comments and docstrings, but for identifiers (the module's names,
    dotted references such as jax.grad, ``name`` in double backquotes) and the cell's text."""
    names = {
        t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.NAME
    }
    allowed = names | set(re.findall(r"[A-Za-z]\w*", cell))
    words = []
    for text in prose_of(source):
        text = re.sub(r"``[^`]*``|\b\w+(?:\.\w+)+|\b\w*_\w*", " ", text)
        words += english_in(text, allowed)
    return words
