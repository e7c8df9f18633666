"""What a shape error says: sizes named as the user sees them, shapes in words, and the hint
that names a kind the naming convention chose (declare it if it is not that).

``ShapeMessages`` is mixed into the inference (``types.infer``), whose state it reads: ``source``,
``sizes`` (the unification), ``user_symbols``, ``vars``, ``order`` and ``declared``.
"""

from __future__ import annotations

import itertools

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.ast import Name
from matdiff_magic.types.dims import Dim, dim_mul
from matdiff_magic.types.unify import Sizes

SIZE_POOL = ("m", "n", "p", "q", "r", "s", "k", "l", "t", "u", "v", "w", "h", "g")


class ShapeMessages:
    # the inference's state that messages read
    source: str
    sizes: Sizes
    user_symbols: dict
    vars: dict
    order: list
    declared: dict

    def _text(self, node) -> str:
        return self.source[node.span.start : node.span.end]

    def _size_names(self) -> dict:
        names, used = {}, {str(k) for k in self.user_symbols} | set(self.vars) | set(self.declared)
        # lazily: most expressions need a handful of names, not the whole pool
        pool = (s for s in itertools.chain(SIZE_POOL, (f"n{i}" for i in itertools.count(1))) if s not in used)
        for root, bound in self.sizes.bound.items():
            if self.sizes.find(root) == root:
                names[root] = str(bound)
        for name in self.order:
            for d in self.vars[name].shape:
                if d != 1 and self.sizes.find(d) not in names:
                    names[self.sizes.find(d)] = next(pool)
        for i in range(2, len(self.sizes.parent)):  # sizes of constants not tied to a variable
            if self.sizes.find(i) not in names:
                names[self.sizes.find(i)] = next(pool)
        return names

    def _dim_name(self, d, names=None) -> object:
        if d == 1:
            return 1
        names = names or self._size_names()
        if isinstance(d, tuple):
            return dim_mul(*(Dim.of(names[self.sizes.find(x)]) for x in d))
        return Dim.of(names[self.sizes.find(d)])

    def _shape_text(self, shape: tuple) -> str:
        names = self._size_names()
        r, c = (self._dim_name(d, names) for d in shape)
        what = (
            "a scalar"
            if (r, c) == (1, 1)
            else f"a vector ({r}×1)"
            if c == 1
            else f"a row vector (1×{c})"
            if r == 1
            else f"{r}×{c}"
        )
        return what

    def _defaulted_hints(self, nodes) -> list[str]:
        hints = []
        for node in nodes:
            for name in _names_in(node):
                info = self.vars.get(name)
                if info and not info.declared and name not in self.declared:
                    if info.kind == "scalar":
                        hints.append(
                            f"{name} was taken to be a scalar (as the Greek letter it names "
                            f"usually is); declare it if it is not, e.g. `{name}: vector`"
                        )
                    elif info.kind == "vector":
                        hints.append(
                            f"{name} was taken to be a vector (lowercase names are vectors "
                            f"unless declared); if it is a scalar, declare it: `{name}: scalar`"
                        )
                    else:
                        hints.append(
                            f"{name} was taken to be a matrix (capitalised names are "
                            f"matrices unless declared); declare it if it is not, "
                            f"e.g. `{name}: vector` or `{name}: scalar`"
                        )
        return list(dict.fromkeys(hints))

    def _error(self, message: str, at, nodes, extra_hint: str | None = None) -> MatdiffError:
        hints = self._defaulted_hints(nodes)
        if extra_hint:
            hints.append(extra_hint)
        return MatdiffError(message, self.source, at.span, "; ".join(hints) or None)

    def _mismatch(self, verb, left, lshape, right, rshape, op_span, inner=False) -> MatdiffError:
        message = (
            f"shape mismatch: {verb} {self._text(left)} ({self._shape_text(lshape)}) "
            f"by {self._text(right)} ({self._shape_text(rshape)})"
            if verb != "cannot add" and verb != "cannot subtract"
            else f"shape mismatch: {verb} {self._text(left)} ({self._shape_text(lshape)}) and "
            f"{self._text(right)} ({self._shape_text(rshape)})"
        )
        if inner:
            message += ": the columns of the left do not match the rows of the right"
        hints = self._defaulted_hints([left, right])
        if inner and lshape[1] == 1 and rshape[1] == 1:
            hints.append(f"for an inner product write {self._text(left)}'*{self._text(right)}")
        return MatdiffError(message, self.source, op_span or right.span, "; ".join(hints) or None)


class Joined:
    """Stands for 'everything to the left' of an operator in error messages."""

    def __init__(self, left, right):
        self.span = left.span | right.span


def _names_in(node) -> list[str]:
    if isinstance(node, Joined):
        return []
    if isinstance(node, Name):
        return [node.name]
    out = []
    for value in node.__dict__.values():
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, tuple):
                    out += [
                        n
                        for x in item
                        if hasattr(x, "span") and not isinstance(x, Span)
                        for n in _names_in(x)
                    ]
                elif hasattr(item, "span") and not isinstance(item, Span):
                    out += _names_in(item)
        elif hasattr(value, "span") and not isinstance(value, Span):
            out += _names_in(value)
    return out
