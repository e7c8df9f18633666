"""The syntax tree of a cell: node dataclasses, each with the span of source it stands for.

Sums and products are n-ary (``Sum.terms``, ``Product.items``) so that long inputs build flat
trees, not deep ones. Nodes are immutable; a parenthesised group takes the span of its parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from matdiff_magic.errors import Span

KINDS = (
    "scalar",
    "vector",
    "matrix",
    "symmetric",
    "spd",
    "function",
    "mean",
)  # what a declaration can say a name is (spd: a symmetric positive definite matrix)


@dataclass(frozen=True)
class Num:
    value: Fraction  # exact: 0.5 is 1/2
    span: Span


@dataclass(frozen=True)
class Name:
    name: str  # a variable, a definition (Y = …), a size symbol in a constant, or eye written alone
    span: Span


@dataclass(frozen=True)
class Call:
    func: str  # as written: the types stage resolves aliases and refuses unknown names
    args: tuple
    span: Span
    func_span: Span


@dataclass(frozen=True)
class _Unary:
    operand: object
    span: Span


class Neg(_Unary):
    """-operand"""


class Transpose(_Unary):
    """operand', the postfix transpose"""


@dataclass(frozen=True)
class Power:
    op: str  # '^' or '.^'
    base: object
    exponent: object
    span: Span
    op_span: Span


@dataclass(frozen=True)
class Sum:
    """first (+|- term)*: terms[0] carries sign '+'."""

    terms: tuple  # ((sign, node, op_span), ...)
    span: Span


@dataclass(frozen=True)
class Product:
    """first (op factor)* with op in * / .* ./, folded left to right."""

    items: tuple  # ((op, node, op_span), ...); items[0][0] == ''
    span: Span


@dataclass(frozen=True)
class Declaration:
    names: tuple  # ((name, span), ...)
    kind: str  # one of KINDS but spd, which is written kind "symmetric", definite True
    dims: tuple  # ((dim, span), ...): dim is a str symbol or an int
    span: Span
    definite: bool = False  # declared positive definite (S: spd): a symmetric matrix everywhere else


@dataclass(frozen=True)
class Definition:
    name: str | None
    expr: object
    span: Span
    name_span: Span | None = None


@dataclass
class Program:
    source: str
    declarations: list = field(default_factory=list)
    definitions: list = field(default_factory=list)  # all expression lines, in order

    @property
    def expression(self) -> Definition:
        return self.definitions[-1]


def children(node) -> tuple:
    of = _CHILDREN.get(type(node))
    if of is None:  # a subclass of a node type, or a literal, whose entries are its operands
        of = next((_CHILDREN[c] for c in type(node).__mro__ if c in _CHILDREN), _operands)
    return of(node)


def _operands(node) -> tuple:
    return getattr(node, "operands", ())  # a literal's entries (syntax.literals)


_CHILDREN = {  # node type -> its children, found by one look-up for the types a tree is made of
    Num: lambda node: (),
    Name: lambda node: (),
    Neg: lambda node: (node.operand,),
    Transpose: lambda node: (node.operand,),
    Power: lambda node: (node.base, node.exponent),
    Sum: lambda node: tuple([t for _, t, _ in node.terms]),
    Product: lambda node: tuple([t for _, t, _ in node.items]),
    Call: lambda node: node.args,
}


# ---- S-expressions for tests and debugging ---------------------------------------------------
def to_sexpr(node) -> str:
    if isinstance(node, Num):
        v = node.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return "(" + " ".join([node.func, *map(to_sexpr, node.args)]) + ")"
    if isinstance(node, Neg):
        return f"(neg {to_sexpr(node.operand)})"
    if isinstance(node, Transpose):
        return f"(' {to_sexpr(node.operand)})"
    if isinstance(node, Power):
        return f"({node.op} {to_sexpr(node.base)} {to_sexpr(node.exponent)})"
    if isinstance(node, (Sum, Product)):
        items = node.terms if isinstance(node, Sum) else node.items
        acc = to_sexpr(items[0][1])
        for op, child, _ in items[1:]:
            acc = f"({op} {acc} {to_sexpr(child)})"
        return acc
    raise TypeError(node)
