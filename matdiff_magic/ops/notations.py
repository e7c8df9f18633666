"""Notation: one description per op of how it is written, which render/printer.py prints as TeX
and as Unicode (an op's ``notation`` facet in the registry): a call name(x), a root, a postfix
superscript, a prefix, delimiters, an infix operator with its precedence, a sum, a juxtaposed
product, a power, an indexed symbol, a named entry, a written-out matrix, a partial derivative.
"""

from __future__ import annotations

from dataclasses import dataclass

# precedence: higher binds tighter
P_ADD, P_NEG, P_HADAMARD, P_MUL, P_DIFF, P_POSTFIX, P_ATOM = 10, 15, 18, 20, 35, 40, 100


class Notation:
    """What every description below is: the printer has a case for each kind."""

    __slots__ = ()


@dataclass(frozen=True)
class Call(Notation):
    """name(x): the TeX operator of that name (``\\log``, ``\\exp``) for the standard operators, ``\\operatorname{name}`` otherwise;
    ``symbol`` (a Unicode letter, e.g. σ) replaces the name. ``bare_delimited``: no parentheses
    around a delimited argument (log|X|). ``scalar_transparent``: printed as its argument when that
    is 1×1 and the printer hides scalar traces (df = gᵀdx, not tr(gᵀdx))."""

    name: str
    symbol: str = ""
    bare_delimited: bool = False
    scalar_transparent: bool = False


@dataclass(frozen=True)
class Root(Notation):
    """√(x), ``\\sqrt{x}`` in TeX."""


@dataclass(frozen=True)
class Postfix(Notation):
    """x followed by a Unicode superscript (ᵀ, ⁻¹); ``fuse`` maps the class name of an operand of
    the same kind to the combined superscript (Aᵀ of A⁻¹ is A⁻ᵀ)."""

    symbol: str
    fuse: tuple = ()


@dataclass(frozen=True)
class Prefix(Notation):
    """A prefix operator such as −x: the operand is parenthesised below ``operand`` precedence."""

    symbol: str
    prec: int
    operand: int


@dataclass(frozen=True)
class Delimited(Notation):
    """x between delimiters (|X|, ‖x‖), with an optional subscript and a prefix name (log|X|)."""

    open: str
    close: str
    sub: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class Infix(Notation):
    """Operands joined by an operator symbol (⊙, ⊗), each parenthesised unless tighter than ``prec``."""

    symbol: str
    prec: int


@dataclass(frozen=True)
class Terms(Notation):
    """A sum: terms joined by + and −, a negative term shown with −."""


@dataclass(frozen=True)
class Juxtaposition(Notation):
    """A product written by juxtaposition, numbers first as a coefficient."""


@dataclass(frozen=True)
class Superscript(Notation):
    """A power b^p; ``circ``: the element-wise power b^∘p."""

    circ: bool = False


@dataclass(frozen=True)
class Indexed(Notation):
    """A symbol with indices (K with its sizes: K_{mn}, K₍m,n₎)."""

    symbol: str
    indices: tuple


@dataclass(frozen=True)
class Named(Notation):
    """An entry written by its name in the cell, as variables are written (y1: y₁); ``differential``:
    its differential (dy₁)."""

    name: str
    differential: bool = False


@dataclass(frozen=True)
class Brackets(Notation):
    """A matrix written out, its operands the entries row by row: [a; b] in text, bmatrix in TeX."""

    rows: int
    cols: int


@dataclass(frozen=True)
class Partial(Notation):
    """∂f/∂Y: the derivative of the function ``of`` by the variable ``by`` (of kind ``kind``), as
    seed 000 writes the outer derivative."""

    of: str
    by: str
    kind: str
