"""Literals and components in the front end: the shape of ``[a, b; c, d]`` (its entries scalars,
its sizes the numbers of rows and columns) and a variable declared by its components,
``y = [y1; y2]``: y is a variable of fixed size and y1, y2 stand for its entries (``Entry``)."""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.components import Entry, Literal
from matdiff_magic.syntax.literals import MatrixLiteral, components, declared_literal

__all__ = ["MatrixLiteral", "build_literal", "component_entries", "declare_components", "literal_shape"]


def literal_shape(inference, node: MatrixLiteral) -> tuple:
    """The shape of a literal: its entries are scalars; rows × columns, each a fixed size."""
    for entry in node.operands:
        shape = inference.shape(entry)
        if shape != (1, 1):
            raise inference._error(
                f"the entries of a literal are scalars, but {inference._text(entry)} is {inference._shape_text(shape)}",
                entry,
                [entry],
            )
    rows, cols = node.shape
    return (inference._symbol(rows) if rows > 1 else 1, inference._symbol(cols) if cols > 1 else 1)


def declare_components(inference, definition, var_info) -> bool:
    """``y = [y1; y2]`` with new names: y becomes a variable of the literal's size (a
    ``var_info``, the inference's record of a variable) and each component a scalar standing for
    its entry. Returns whether the line was such a declaration."""
    parts = components(definition, inference.source, inference.declared, inference.defined)
    if parts is None:
        return False
    literal = declared_literal(definition)
    assert literal is not None  # components() found one
    rows, cols = literal.shape
    if rows == 1:
        raise MatdiffError(
            f"a vector declared by its components is a column: write {definition.name} = [a; b]",
            inference.source,
            definition.expr.span,
        )
    name = definition.name
    if name in inference.declared or name in inference.vars:
        raise MatdiffError(f"{name} is declared twice", inference.source, definition.span)
    shape = (inference._symbol(rows), inference._symbol(cols) if cols > 1 else 1)
    inference.vars[name] = var_info(
        name, "vector" if cols == 1 else "matrix", True, shape, definition.name_span
    )
    inference.order.append(name)
    for component, *_ in parts:
        inference.defined[component] = (1, 1)
    return True


def component_entries(definition, source: str, variables: dict) -> dict:
    """component name -> its Entry of the variable, for a declaration by components (else {})."""
    if definition.name not in variables:  # a definition, not a declaration by components
        return {}
    parts = components(definition, source, ())
    if parts is None:
        return {}
    var = variables[definition.name]
    return {name: Entry(var, i, j, name) for name, i, j, _ in parts}


def build_literal(node: MatrixLiteral, build) -> ir.Expr:
    rows, cols = node.shape
    return Literal([build(e) for e in node.operands], rows, cols)
