"""Which function of the language a name in the cell names (the vocabulary, read from the registry).

The parser takes any ``name(…)`` as a call and any name alone as a name; here a call's name is
resolved (aliases: ``ln`` is ``log``) or refused as an unknown function with the names it is close
to, and a function's name written alone is refused (``tr`` without its parentheses), except ``eye``,
the identity matrix whose size is inferred. Each error is a ``MatdiffError`` with a caret under the
name.
"""

from __future__ import annotations

import difflib

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ops.registry import CONSTANT_FORMS
from matdiff_magic.syntax import ast as syn
from matdiff_magic.syntax.vocabulary import FUNCTIONS, SYNONYMS, canonical_function

BARE_CONSTANTS = tuple(name for name, c in CONSTANT_FORMS.items() if c.bare)  # written without parentheses
GRADIENT = "grad_"  # grad_g(U) is ∂g/∂U at U for g: function (how an answer writes the outer derivative)


def called(node: syn.Call, source: str) -> str:
    """The registry's name of the function ``node`` calls."""
    func = node.func
    if func not in FUNCTIONS:
        near = ([SYNONYMS[func]] if func in SYNONYMS else []) + difflib.get_close_matches(
            func, sorted(FUNCTIONS), n=2
        )
        raise MatdiffError(
            f"unknown function {func!r}",
            source,
            node.func_span,
            hint=("did you mean " + " or ".join(near) + "?")
            if near
            else "see the README for the functions the language knows",
        )
    return canonical_function(func)


def is_bare_constant(node: syn.Name, source: str) -> bool:
    """Whether the name ``node`` alone is a constant (``eye``); a function's name alone is an error."""
    if node.name not in FUNCTIONS:
        return False
    if canonical_function(node.name) in BARE_CONSTANTS:
        return True
    raise MatdiffError(f"{node.name} is a function: write {node.name}(…)", source, node.span)


def outer_functions(program: syn.Program) -> frozenset:
    """The names declared ``g: function``: scalar functions of one argument, without a formula,
    and their gradients ``grad_g``."""
    names = {name for d in program.declarations if d.kind == "function" for name, _ in d.names}
    if not names:  # most cells declare no function
        return _NONE
    return frozenset(names | {GRADIENT + name for name in names})


_NONE: frozenset = frozenset()


def outer_order(func: str, functions: frozenset) -> tuple[str, int]:
    """(g, 0) for a call of g, (g, 1) for grad_g, the gradient of a declared g."""
    if func.startswith(GRADIENT) and func[len(GRADIENT) :] in functions:
        return func[len(GRADIENT) :], 1
    return func, 0


def outer_call_shape(node: syn.Call, source: str, shape_of) -> tuple:
    """g(U) of a declared function: one argument of any shape, a scalar value (grad_g(U): U's shape)."""
    if len(node.args) != 1:
        raise MatdiffError(
            f"{node.func} takes one argument (a scalar, vector or matrix), got {len(node.args)}",
            source,
            node.span,
            hint=f"{node.func} was declared a function: a scalar function of one argument",
        )
    shape = shape_of(node.args[0])
    return shape if node.func.startswith(GRADIENT) else (1, 1)
