"""The element-wise rule entry by entry, as seed 000 pictures it for a 2×2 X:

    X = [x₁₁, x₁₂; x₂₁, x₂₂],  d sin(X) = [cos(x₁₁) dx₁₁, cos(x₁₂) dx₁₂; …] = cos(X) ⊙ dX

``entrywise("sin")`` gives that picture for any element-wise function of the language, built from
the function's own derivative σ′ (the registry's, the one the differential rule uses), in TeX and
in text; in a notebook it shows as a formula.
"""

from __future__ import annotations

import numbers

from matdiff_magic.errors import ArgumentTypeError, MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_mul
from matdiff_magic.ops.components import Literal
from matdiff_magic.ops.elementwise import ELEMENTWISE
from matdiff_magic.render.printer import to_latex, to_text
from matdiff_magic.syntax.vocabulary import canonical_function


class EntrywisePicture:
    """dσ(X) for a 2×2 X, entry by entry and as σ′(X) ⊙ dX (``latex``, ``text``)."""

    def __init__(self, func: str, size: int = 2):
        name = canonical_function(func)
        if name not in ELEMENTWISE or not ELEMENTWISE[name].names:
            known = ", ".join(sorted(n for n, op in ELEMENTWISE.items() if op.names))
            raise MatdiffError(f"{func!r} is not an element-wise function: one of {known}")
        op = ELEMENTWISE[name]
        prime = op.extra["derivative"]
        entries = [
            ir.Var(f"x{i}{j}", ir.SCALAR, "scalar") for i in range(1, size + 1) for j in range(1, size + 1)
        ]
        X = ir.Var("X", (size, size), "matrix")
        self.func = name
        self.X = Literal(entries, size, size)
        self.entries = Literal([mk_mul([prime(x), ir.D(x)]) for x in entries], size, size)
        self.applied = ir.Apply(name, X)
        self.whole = ir.Hadamard([prime(X), ir.D(X)])

    @property
    def latex(self) -> str:
        return (
            rf"X = {to_latex(self.X)},\quad \mathrm{{d}}{to_latex(self.applied)} = "
            rf"{to_latex(self.entries)} = {to_latex(self.whole)}"
        )

    @property
    def text(self) -> str:
        return f"X = {to_text(self.X)},  d {to_text(self.applied)} = {to_text(self.entries)} = {to_text(self.whole)}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"<entrywise {self.text}>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": self.text, "text/latex": f"$${self.latex}$$"}


def entrywise(func: str, size: int = 2) -> EntrywisePicture:
    """The element-wise rule dσ(X) = σ′(X) ⊙ dX written out for a ``size``×``size`` X (seed 000's
    picture). Raises ``MatdiffError`` for a name that is not an element-wise function, and
    ``ArgumentTypeError`` for a size that is no whole number (2.0 and True as well: a count)."""
    if isinstance(size, bool) or not isinstance(size, numbers.Integral):
        raise ArgumentTypeError(f"size takes a whole number, 2 or 3: got {size!r}")
    if size not in (2, 3):
        raise MatdiffError("the picture is drawn for a 2×2 or a 3×3 X")
    return EntrywisePicture(func, int(size))
