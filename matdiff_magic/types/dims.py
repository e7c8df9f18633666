"""Sizes as values: a dimension is an integer times a product of size symbols.

``m``, ``3``, ``m·n`` and ``2·m`` are all ``Dim`` values; ``1`` is the unit. A ``Dim`` compares
and hashes equal to the ``int`` it stands for when it has no symbols, so ``shape == (1, 1)`` and
``dim == 1`` read as they do for plain integers, and a symbolic one to its text (``Dim.symbol("m")
== "m"``, ``Dim.of("n·m") == "m·n"``), so sizes written as names find the same entries. Products are kept canonical (symbols sorted, the
integer factor in front), so equal sizes compare equal however they were built: the size of
``vec(A ⊗ B)`` for an m×n A and a p×q B is ``m·n·p·q`` whichever way it was multiplied.

Symbols are never 1: a vector is n×1 with n a symbol (or a fixed integer), so an expression is a
scalar exactly when both of its dimensions equal 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from math import prod

_INTERNED: dict = {}  # (coef, symbols) -> the one Dim with them


class Dim:
    """An immutable size ``coef · s₁ · s₂ · …`` (``coef`` a positive integer, ``sᵢ`` sorted names)."""

    __slots__ = ("_hash", "coef", "symbols")
    coef: int
    symbols: tuple[str, ...]
    _hash: int

    def __new__(cls, coef: int = 1, symbols: Iterable[str] = ()) -> Dim:
        # Interned: equal sizes are one object, so the shape comparisons every node constructor
        # makes are identity tests (tuple comparison tries identity before __eq__).
        syms = tuple(sorted(symbols))
        found = _INTERNED.get((coef, syms))
        if found is not None:
            return found
        if coef < 1:
            raise ValueError(f"a size is a positive integer, got {coef}")
        dim = object.__new__(cls)
        object.__setattr__(dim, "coef", int(coef))
        object.__setattr__(dim, "symbols", syms)
        object.__setattr__(dim, "_hash", hash(coef) if not syms else hash(str(dim)))
        _INTERNED[(coef, syms)] = dim
        return dim

    def __reduce__(self):
        return (Dim, (self.coef, self.symbols))

    def __setattr__(self, name, value):
        raise AttributeError("sizes are immutable")

    # -- constructors
    @classmethod
    def symbol(cls, name: str) -> Dim:
        return cls(1, (name,))

    @classmethod
    def of(cls, value: DimLike) -> Dim:
        """A ``Dim`` from an int, a ``Dim``, a symbol name, or the text form ``'2·m·n'``."""
        if isinstance(value, Dim):
            return value
        if isinstance(value, int):  # a number's Dim is interned: found without making its key
            return _INTERNED.get((value, ())) or cls(value)
        if type(value) is str:
            return dim_of_text(value)
        return dim_of_text(str(value))

    # -- queries
    @property
    def is_fixed(self) -> bool:
        """True when the size is a known integer (no symbols)."""
        return not self.symbols

    def value(self, sizes: Mapping[str, int]) -> int:
        """The integer size once every symbol has a value; KeyError names the first missing one."""
        return self.coef * prod(sizes[s] for s in self.symbols)

    # -- arithmetic and comparison
    def __mul__(self, other: DimLike) -> Dim:
        o = Dim.of(other)
        return Dim(self.coef * o.coef, self.symbols + o.symbols)

    __rmul__ = __mul__

    def __eq__(self, other) -> bool:
        if isinstance(other, Dim):
            return self is other  # interned
        if isinstance(other, int):
            return not self.symbols and self.coef == other
        if isinstance(other, str):
            return bool(self.symbols) and str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __int__(self) -> int:
        if self.symbols:
            raise TypeError(f"the size {self} is not fixed")
        return self.coef

    def __str__(self) -> str:
        parts = ([str(self.coef)] if self.coef != 1 or not self.symbols else []) + list(self.symbols)
        return "·".join(parts)

    def __repr__(self) -> str:
        return f"Dim({self})"


@lru_cache(maxsize=1024)  # a size's text read once: the same names (m, n, m·n) recur in every cell
def dim_of_text(text: str) -> Dim:
    """The ``Dim`` of the text form ``'2·m·n'`` (or a symbol name)."""
    coef, syms = 1, []
    for part in text.split("·"):
        if part.isdigit():
            coef *= int(part)
        else:
            syms.append(part)
    return Dim(coef, syms)


DimLike = Dim | int | str
ONE = Dim(1)


def dim_mul(*factors: DimLike) -> Dim:
    """The size a·b·…, canonical (symbols sorted), so equal sizes compare equal; 1 for none."""
    out = ONE
    for factor in factors:
        out = out * Dim.of(factor)
    return out
