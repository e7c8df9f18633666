"""The variables a cell uses, read from its syntax: what ``%%matdiff --graph --at`` and
``graph(…)`` check the names of the values against (x1 is no variable of LaTeX's x_1)."""

from __future__ import annotations

from matdiff_magic.syntax.ast import Call, Name
from matdiff_magic.syntax.parser import parse
from matdiff_magic.syntax.vocabulary import FUNCTIONS


def expression_names(source: str) -> list:
    """The variables a cell uses, in order of first appearance (definitions Y = … excluded)."""
    program = parse(source)
    defined = {d.name for d in program.definitions[:-1] if d.name}
    out: list = []

    def walk(node):
        if isinstance(node, Name):  # eye written alone is a constant, not a variable
            if node.name not in defined and node.name not in out and node.name not in FUNCTIONS:
                out.append(node.name)
            return
        if isinstance(node, Call):
            for a in node.args:
                walk(a)
            return
        for value in vars(node).values():
            if isinstance(value, tuple):
                for item in value:
                    for x in item if isinstance(item, tuple) else (item,):
                        if hasattr(x, "span") and hasattr(x, "__dataclass_fields__"):
                            walk(x)
            elif hasattr(value, "span") and hasattr(value, "__dataclass_fields__"):
                walk(value)

    for d in program.definitions:
        walk(d.expr)
    return out
