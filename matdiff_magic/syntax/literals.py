"""Vector and matrix literals: ``[a; b; c]`` (a column), ``[a, b]`` (a row), ``[a, b; c, d]``.

Entries are scalar expressions, ``,`` separates the entries of a row and ``;`` the rows, as in
MATLAB and matrixcalculus.org. A definition line whose literal holds only new names,
``y = [y1; y2; y3]``, declares y by its components (``components``): y is a variable and y1, y2,
y3 stand for its entries (seed 002's f(y₁, y₂) by y = [y₁ y₂]ᵀ).
"""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.ast import Definition, Name, Transpose


@dataclass(frozen=True)
class MatrixLiteral:
    rows: tuple  # (row, ...), each a tuple of entry nodes
    span: Span

    @property
    def operands(self) -> tuple:
        return tuple(e for row in self.rows for e in row)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])


def parse_literal(parser, open_tok) -> MatrixLiteral:
    """After ``[``: rows of entries up to the matching ``]``. ``parser`` is the parser's Pratt
    parser (its expression, peek, advance and error)."""
    rows: list[list] = [[]]
    if parser.peek().text == "]":
        raise parser.error("an empty literal: write its entries, e.g. [a; b]", parser.peek())
    while True:
        rows[-1].append(parser.expression(0))
        tok = parser.advance()
        if tok.text == ",":
            continue
        if tok.text == ";":
            rows.append([])
            continue
        if tok.text == "]":
            break
        raise parser.error(
            "expected ',', ';' or ']' in a literal",
            tok if tok.kind != "eof" else open_tok,
            hint="entries of a row are separated by ',', rows by ';': [a, b; c, d]",
        )
    if len({len(r) for r in rows}) != 1:
        raise parser.error("the rows of a literal must have the same number of entries", open_tok)
    return MatrixLiteral(tuple(tuple(r) for r in rows), open_tok.span | tok.span)


def declared_literal(definition: Definition) -> MatrixLiteral | None:
    """The literal a definition sets its name to: ``[a; b]``, or a row transposed, ``[a, b]'``
    (seed 002 writes y = [y₁ y₂]ᵀ), read as the column it is."""
    lit = definition.expr
    if isinstance(lit, Transpose) and isinstance(lit.operand, MatrixLiteral):
        rows = lit.operand.rows
        return MatrixLiteral(tuple(zip(*rows)), lit.span)
    return lit if isinstance(lit, MatrixLiteral) else None


def components(definition: Definition, source: str, taken, defined=()) -> tuple | None:
    """((component name, i, j, span), …) when ``definition`` declares its name by components
    (every entry a new, distinct name), else None. ``taken``: names the cell declares otherwise;
    ``defined``: names earlier lines define. A new name written twice is a MatdiffError with the
    caret under its second place."""
    lit = declared_literal(definition)
    if lit is None or not all(isinstance(e, Name) for e in lit.operands):
        return None
    names = [e.name for e in lit.operands]
    if definition.name in names:
        return None
    if len(set(names)) != len(names):
        seen: set = set()
        for e in lit.operands:
            if e.name in seen and e.name not in taken and e.name not in defined:
                raise MatdiffError(
                    f"{e.name} is repeated in the literal: each component of {definition.name} "
                    "is a name of its own",
                    source,
                    e.span,
                    hint=f"give every entry its own name, e.g. {definition.name} = [{e.name}; {e.name}_2]",
                )
            seen.add(e.name)
        return None
    if len(names) == 1:
        raise MatdiffError(
            "a variable declared by its components has at least two",
            source,
            lit.span,
            hint="write y = [y1; y2]",
        )
    for e in lit.operands:
        if e.name in taken:
            raise MatdiffError(
                f"{e.name} is a component of {definition.name} and cannot be declared too",
                source,
                e.span,
            )
    cols = lit.shape[1]
    return tuple((e.name, k // cols, k % cols, e.span) for k, e in enumerate(lit.operands))
