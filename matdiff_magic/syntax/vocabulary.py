"""The vocabulary of the expression language: kinds, functions and their arities.

Kept apart from the parser so the lab extension's highlighter, the docs and the tests can share one list.
"""
from __future__ import annotations

KINDS = ("scalar", "vector", "matrix", "symmetric")

# Element-wise functions (applied entry by entry; on a scalar they are ordinary functions).
ELEMENTWISE = ("exp", "log", "sin", "cos", "tan", "tanh", "arcsin", "arccos", "arctan",
               "abs", "sign", "relu", "sqrt", "sigmoid")
ALIASES = {"ln": "log", "asin": "arcsin", "acos": "arccos", "atan": "arctan"}

# Matrix functions: name -> number of arguments.
MATRIX_FUNCTIONS = {"tr": 1, "det": 1, "logdet": 1, "inv": 1, "diag": 1, "sum": 1,
                    "norm1": 1, "norm2": 1, "vec": 1, "kron": 2, "softmax": 1}

# Constants whose size is inferred from where they are used; the argument is the fill value.
CONSTANTS = {"vector": 1, "matrix": 1, "eye": 0}

FUNCTIONS = set(ELEMENTWISE) | set(MATRIX_FUNCTIONS) | set(CONSTANTS) | set(ALIASES)


def canonical_function(name: str) -> str:
    return ALIASES.get(name, name)

# Names people type from other tools, and what we call them.
SYNONYMS = {"trace": "tr", "determinant": "det", "inverse": "inv", "transpose": "the postfix '",
            "logistic": "sigmoid", "norm": "norm2", "log_det": "logdet", "logdet2": "logdet",
            "max": "relu", "sum_all": "sum", "ones": "vector(1)", "identity": "eye", "I": "eye",
            "expm": "exp (element-wise)", "exp2": "exp", "sqr": ".^2", "square": ".^2",
            "softplus": "log(1 + exp(x))"}
