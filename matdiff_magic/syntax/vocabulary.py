"""The vocabulary of the expression language: kinds, functions and their arities.

The parser takes any ``name(…)`` as a call; the types stage checks the name against these tables
(``types.functions``), and the lab extension's highlighter, the docs and the tests share them.
Read from the operation registry, this module sits with the ops, above the syntax.
"""

from __future__ import annotations

from matdiff_magic.syntax.ast import KINDS

__all__ = ["ALIASES", "CONSTANTS", "ELEMENTWISE", "FUNCTIONS", "KINDS", "MATRIX_FUNCTIONS", "SYNONYMS"]

# Every name below is read from the operation registry (ops/): an op lists its names, aliases and
# arity once, and the parser, the lowering to IR and the lab extension's generated vocabulary all
# read these tables.
_APPLY = "Apply"


def _tables():
    from matdiff_magic.ops import registry

    elementwise, matrix, aliases = [], {}, {}
    for op in registry.ops():
        if not op.names:
            continue  # internal (step, the derivative of relu), or reached by another name
        for alias in op.aliases:
            aliases[alias] = op.names[0]
        for name in op.names:
            if op.node.__name__ == _APPLY:
                elementwise.append(name)
            else:
                matrix[name] = op.arity
    return tuple(elementwise), matrix, aliases, dict(registry.CONSTANTS)


# Element-wise functions (applied entry by entry; on a scalar they are ordinary functions), other
# spellings of them, matrix functions (name -> number of arguments), and constants (name -> fewest
# and most arguments: the fill value, then sizes, which are otherwise inferred from the context).
ELEMENTWISE, MATRIX_FUNCTIONS, ALIASES, CONSTANTS = _tables()

FUNCTIONS = set(ELEMENTWISE) | set(MATRIX_FUNCTIONS) | set(CONSTANTS) | set(ALIASES)


def canonical_function(name: str) -> str:
    return ALIASES.get(name, name)


# Names people type from other tools, and what we call them.
SYNONYMS = {
    "trace": "tr",
    "determinant": "det",
    "inverse": "inv",
    "transpose": "the postfix '",
    "logistic": "sigmoid",
    "norm": "norm2",
    "log_det": "logdet",
    "logdet2": "logdet",
    "max": "relu",
    "sum_all": "sum",
    "ones": "vector(1)",
    "identity": "eye",
    "I": "eye",
    "expm": "exp (element-wise)",
    "exp2": "exp",
    "sqr": ".^2",
    "square": ".^2",
    "softplus": "log(1 + exp(x))",
}
