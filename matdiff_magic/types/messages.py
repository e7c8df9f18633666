"""What a shape error says: sizes named as the user sees them, shapes in words, and the hint
that names a kind the naming convention chose (declare it if it is not that).

``ShapeMessages`` is mixed into the inference (``types.infer``), whose state it reads: ``source``,
``sizes`` (the unification), ``user_symbols``, ``vars``, ``order`` and ``declared``.
"""

from __future__ import annotations

import itertools
import math

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.ast import Name
from matdiff_magic.types.dims import Dim, dim_mul, dim_of_text
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
        sizes = self.sizes
        find, product = sizes.find, sizes.product
        names, used = {}, {str(k) for k in self.user_symbols} | set(self.vars) | set(self.declared)
        # lazily: most expressions need a handful of names, not the whole pool
        pool = (s for s in itertools.chain(SIZE_POOL, (f"n{i}" for i in itertools.count(1))) if s not in used)
        for root, bound in sizes.bound.items():
            if find(root) == root:
                names[root] = str(bound)
        # a size bound to a product (m := 2·n) is named by its factors, which are named in its place;
        # the variables' sizes first, in order, then sizes of constants not tied to a variable (a
        # size met again names nothing)
        shapes = [d for name in self.order for d in self.vars[name].shape]
        for d in itertools.chain(shapes, range(2, len(sizes.parent))):
            for c in sizes.expand(d)[1]:
                if c not in names:
                    names[c] = next(pool)
        for root in product:
            if find(root) == root:
                coef, classes = sizes.expand(root)
                names[root] = str(math.prod((Dim.of(names[c]) for c in classes), start=Dim(coef)))
        return names

    def _dim_name(self, d, names=None) -> object:
        if d == 1:
            return 1
        names = names or self._size_names()
        if isinstance(d, tuple):
            return dim_mul(*(Dim.of(names[self.sizes.find(x)]) for x in d))
        return dim_of_text(names[self.sizes.find(d)])  # a size's name is its text

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

    def _defaulted_hints(self, nodes, divisor: bool = False) -> list[str]:
        """For every undeclared name in ``nodes``: the kind it was taken to be, why, and the
        declaration that says otherwise (``divisor``: the nodes divide, only a scalar fits)."""
        infos = [self.vars.get(name) for node in nodes for name in _names_in(node)]
        undeclared = [i for i in infos if i and not i.declared and i.name not in self.declared]
        hints = [_kind_hint(i, divisor) for i in undeclared]
        return list(dict.fromkeys(hints))

    def _undecided_product(self, classes: tuple, total: int, solutions: list, at: Span) -> MatdiffError:
        """Sizes whose product must be ``total`` (kron(A, B) against a declared size): none of at
        least 2 gives it, or several do and nothing in the cell decides; the hint names the
        declaration that decides it."""
        names = self._size_names()
        owners = [self._owner(c) for c in dict.fromkeys(classes)]
        product = "·".join(names[self.sizes.find(c)] for c in classes)
        whose = " and ".join(f"{name}'s {axis}" for name, _, axis in owners if name)
        what = f"{product} ({whose})" if whose else product
        if not solutions:
            return MatdiffError(
                f"shape mismatch: the sizes {what} must multiply to {total}, which no sizes of at least 2 do",
                self.source,
                at,
            )
        choices = ", ".join("·".join(str(s[self.sizes.find(c)]) for c in classes) for s in solutions[:4])
        example = next((self._declaration(o, solutions[0], names) for o in owners if o[0]), None)
        return MatdiffError(
            f"the sizes {what} must multiply to {total}, and more than one choice does ({choices}"
            f"{', …' if len(solutions) > 4 else ''}): nothing in the cell says which",
            self.source,
            at,
            f"declare one of them, e.g. `{example}`" if example else None,
        )

    def _owner(self, c: int) -> tuple:
        """(variable, axis index, axis in words) of the first variable with the size class ``c``."""
        for name in self.order:
            shape = self.vars[name].shape
            for axis, d in enumerate(shape):
                if d != 1 and not isinstance(d, tuple) and self.sizes.find(d) == c:
                    words = "length" if shape[1] == 1 else ("rows", "columns")[axis]
                    return name, axis, words
        return None, None, None

    def _declaration(self, owner: tuple, solution: dict, names: dict) -> str:
        """The declaration of ``owner``'s variable with the sizes of ``solution``."""
        name, _, _ = owner
        info = self.vars[name]
        sizes = [
            str(solution.get(self.sizes.find(d), names.get(self.sizes.find(d)))) for d in info.shape if d != 1
        ]
        kind = "symmetric" if info.kind == "symmetric" else "vector" if info.shape[1] == 1 else "matrix"
        return f"{name}: {kind}({', '.join(sizes[:1] if kind == 'symmetric' else sizes)})"

    def _error(self, message: str, at, nodes, extra_hint: str | None = None, divisor=False) -> MatdiffError:
        hints = self._defaulted_hints(nodes, divisor)
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
        pairs = [(lshape[1], rshape[0])] if inner else list(zip(lshape, rshape))
        hints += [hint for a, b in pairs if (hint := self._product_hint(a, b))]
        return MatdiffError(message, self.source, op_span or right.span, "; ".join(hints) or None)

    def _product_hint(self, a, b) -> str | None:
        """What decides a product of free sizes (kron, vec) that has to equal a size of its own."""
        product, size = (a, b) if isinstance(a, tuple) else (b, a)
        if not isinstance(product, tuple) or isinstance(size, tuple) or size == 1:
            return None
        names = self._size_names()
        text = str(self._dim_name(product, names))
        inside, alone = self.sizes.expand(product)[1], self.sizes.expand(size)[1]
        if alone and all(inside.count(c) >= alone.count(c) for c in alone):  # m against 2·m, m·n
            return f"{text} contains {self._dim_name(size, names)}: the two are never equal (sizes are at least 2)"
        number = self.sizes.fixed(size)
        if number is not None:
            return f"{text} cannot be {number}: no sizes of at least 2 make {text} = {number}"
        example = 2 * 3 ** (len(product) - 1)
        owner = self._owner(self.sizes.find(size))
        factor = next((o for o in map(self._owner, map(self.sizes.find, product)) if o[0]), None)
        if owner[0] is None or factor is None:
            return None
        size_decl = self._declaration(owner, {self.sizes.find(size): example}, names)
        factor_decl = self._declaration(factor, {self.sizes.find(product[0]): 2}, names)
        return (
            f"{text} is a product of sizes and {names[self.sizes.find(size)]} a size of its own: "
            f"declare both as numbers, e.g. `{size_decl}` and `{factor_decl}`"
        )


class Joined:
    """Stands for 'everything to the left' of an operator in error messages: the operands from
    ``first`` to ``last``. Its span is made only when an error quotes it."""

    __slots__ = ("first", "last")

    def __init__(self, first, last):
        self.first, self.last = first, last

    @property
    def span(self) -> Span:
        return self.first.span | self.last.span


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


# why the naming convention gave an undeclared name its kind, and how to declare another
_CONVENTION = {
    "scalar": "as the Greek letter it names usually is",
    "vector": "lowercase names are vectors unless declared",
    "matrix": "capitalised names are matrices unless declared",
}


def _kind_hint(info, divisor: bool = False) -> str:
    name, kind = info.name, info.kind
    why = info.why if info.decided_by == "usage" else _CONVENTION[kind]
    if divisor and kind == "matrix":  # 1/N: N a count, never a vector
        return f"{name} was taken to be a matrix ({why}); a divisor is a scalar: declare `{name}: scalar`"
    if kind == "vector":
        return f"{name} was taken to be a vector ({why}); if it is a scalar, declare it: `{name}: scalar`"
    other = f"`{name}: vector`" + (f" or `{name}: scalar`" if kind == "matrix" else "")
    return f"{name} was taken to be a {kind} ({why}); declare it if it is not, e.g. {other}"
