"""The typed intermediate representation: immutable expression nodes, each with a ``shape``.

Structure only: no derivative, printing or numeric knowledge lives here. This module holds the base
``Expr``, the leaves (variables, numbers, fills, identities, zeros), the differential ``D``, the
gradient symbol and the queries; the operation nodes (``Trace``, ``MatMul``, …) are defined with the
rest of what is known about them in ``matdiff_magic.ops`` and re-exported here on first use, so
``ir.Trace`` keeps working (the ops import this module, never the reverse at import time). A shape is a pair of
dimensions; a dimension is a ``types.dims.Dim`` (1, a declared number, a size symbol such as ``m``
or a product such as ``m·n``); strings and ints given to a node are made ``Dim`` here. Symbols are
never 1, so an expression is a scalar exactly when its shape is ``(1, 1)``.

Products are n-ary chains (``MatMul``) in which a scalar factor may stand anywhere: consecutive
factors are either conformable or one of them is 1×1 (scalar multiplication). A 1×1 sub-product such
as ``aᵀx`` stays a node of its own inside a longer chain, so the chain never hides a scalar.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from itertools import repeat
from typing import TYPE_CHECKING

from matdiff_magic.errors import MatdiffError
from matdiff_magic.types.dims import ONE, Dim, DimLike, dim_mul  # noqa: F401  (re-exported: ir.dim_mul)

Shape = tuple  # (Dim, Dim)
SCALAR: Shape = (ONE, ONE)  # interned sizes: comparing a shape with it is two identity tests


_NO_DVARS: frozenset = frozenset()


class ShapeError(MatdiffError, ValueError):
    """A node built with operands of the wrong shape. A MatdiffError (the package's one user error)
    and, as before, a ValueError, so callers that test whether a chain fits keep working."""


class Expr:
    """Base of all nodes. Subclasses list their child fields in ``_children`` and the rest in ``_attrs``."""

    __slots__ = ("_dvars", "_free", "_hash", "_key", "_kids", "_same", "_tidy", "shape")
    # the slots, set once with object.__setattr__ (annotations only: no class attributes)
    shape: Shape
    _hash: int | None
    _free: frozenset[str] | None
    _dvars: frozenset[str] | None
    _key: tuple | None
    _tidy: bool
    _kids: tuple | None
    _same: Expr | None  # an equal node found by ==: later comparisons of the two are O(1)
    _children: tuple = ()
    _attrs: tuple = ()

    def _init(self, shape: Shape, kids: tuple | None = None) -> None:
        """Set the shape and empty caches; ``kids``: the children, when the caller has them."""
        rows, cols = shape
        if type(rows) is not Dim or type(cols) is not Dim:
            shape = (Dim.of(rows), Dim.of(cols))
        # the slots' own setters: half the cost of object.__setattr__, for every node made
        _SET_SHAPE(self, shape)
        _SET_HASH(self, None)
        _SET_FREE(self, None)
        _SET_DVARS(self, None)
        _SET_KEY(self, None)
        _SET_TIDY(self, False)  # set by simplify.tidy on what it returns
        _SET_KIDS(self, kids)
        _SET_SAME(self, None)

    def __setattr__(self, name, value):
        raise AttributeError("expressions are immutable")

    # -- generic structure
    def children(self) -> tuple:
        kids = self._kids
        if kids is None:
            names = self._children
            if len(names) == 1:  # products and sums: the operands' tuple is the children
                kids = getattr(self, names[0])
                if type(kids) is tuple:
                    _SET_KIDS(self, kids)
                    return kids
            out: list[Expr] = []
            for name in self._children:
                value = getattr(self, name)
                out.extend(value) if isinstance(value, tuple) else out.append(value)
            kids = tuple(out)
            _SET_KIDS(self, kids)
        return kids

    def with_children(self, children) -> Expr:
        """A copy of this node with new children (same order as ``children()``)."""
        children = list(children)
        kwargs = {a: getattr(self, a) for a in self._attrs}
        for name in self._children:
            value = getattr(self, name)
            if isinstance(value, tuple):
                kwargs[name] = tuple(children[: len(value)])
                del children[: len(value)]
            else:
                kwargs[name] = children.pop(0)
        return type(self)(**kwargs)

    def key(self) -> tuple:
        k = self._key
        if k is None:
            attrs = self._attrs
            kids = self._kids  # children(), without the call once they are known
            if kids is None:
                kids = self.children()
            if attrs:  # read by map, not a generator: a call less per attribute, for every node
                k = (type(self).__name__, *map(getattr, repeat(self), attrs), *kids)
            else:  # products, sums, most operations
                k = (type(self).__name__, *kids)
            _SET_KEY(self, k)
        return k

    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if type(self) is not type(other) or hash(self) != hash(other):
            return False
        a, b = self._representative(), other._representative()
        if a is b:
            return True
        if a.key() != b.key():  # the children compared by ==, each pair linked once found equal
            return False
        # link the two: comparing shared subtrees again (a DAG written out is exponentially
        # larger) then costs one step, so equality costs the size of the DAG, not of the tree
        _SET_SAME(b, a)
        return True

    def _representative(self) -> Expr:
        """The node this one was last found equal to, followed to the end (and shortened)."""
        node = self
        while node._same is not None:
            node = node._same
        if self._same is not None and self._same is not node:
            _SET_SAME(self, node)
        return node

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(self.key())
            _SET_HASH(self, h)
        return h

    def __repr__(self) -> str:
        """The node's structure and shape (for debugging; the notation is ``render.printer``'s)."""
        attrs = [f"{a}={getattr(self, a)!r}" for a in self._attrs if a != "shape"]
        parts = ", ".join([repr(k) for k in self.children()] + attrs)
        return f"{type(self).__name__}({parts}; {self.shape[0]}×{self.shape[1]})"

    @property
    def is_scalar(self) -> bool:
        rows, cols = self.shape
        return rows is ONE and cols is ONE  # sizes are interned Dims (``_init``)

    def walk(self) -> Iterator[Expr]:
        """Pre-order traversal of the distinct nodes (a shared subexpression is visited once),
        iterative so that long inputs do not hit the recursion limit."""
        return self.walk_where(None)

    def free_vars(self) -> frozenset:
        """Names of the variables in this expression (cached: nodes are immutable)."""
        out = self._free
        if out is None:
            kids = self.children()
            out = frozenset().union(*(k.free_vars() for k in kids)) if kids else frozenset()
            _SET_FREE(self, out)
        return out

    def walk_where(self, descend) -> Iterator[Expr]:
        """Like walk, but only into nodes for which ``descend(node)`` is true (every node when
        ``descend`` is None)."""
        stack, seen = [self], set()
        while stack:
            node = stack.pop()
            i = id(node)
            if i in seen or (descend is not None and not descend(node)):
                continue
            seen.add(i)
            yield node
            kids = node._kids  # children(), without the call once they are known
            stack.extend(reversed(kids if kids is not None else node.children()))

    def d_vars(self) -> frozenset:
        """Names X for which the differential dX occurs in this expression (cached)."""
        out = self._dvars
        if out is None:
            if isinstance(self, D):  # d(Var) names the variable; any other d(·) is marked by ''
                out = frozenset([self.arg.name if isinstance(self.arg, Var) else ""])
            else:  # the children's sets read without a call where known; one is reused when alone
                out = _NO_DVARS
                kids = self._kids
                for k in kids if kids is not None else self.children():
                    more = k._dvars
                    if more is None:
                        more = k.d_vars()
                    if more:
                        out = out | more if out else more
            _SET_DVARS(self, out)
        return out


def _setter(slot: str):
    return Expr.__dict__[slot].__set__


_SET_SHAPE, _SET_HASH, _SET_FREE, _SET_DVARS = map(_setter, ("shape", "_hash", "_free", "_dvars"))
_SET_KEY, _SET_TIDY, _SET_KIDS, _SET_SAME = map(_setter, ("_key", "_tidy", "_kids", "_same"))


# ---- leaves ----------------------------------------------------------------------------------
class Var(Expr):
    __slots__ = ("kind", "name")
    _attrs: tuple = ("name", "shape", "kind")
    name: str
    kind: str

    def __init__(self, name: str, shape: Shape, kind: str):
        self._init(tuple(shape), ())  # a leaf: no children
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "_free", frozenset([name]))

    @property
    def symmetric(self) -> bool:
        return self.kind == "symmetric"


class Const(Expr):
    """A scalar number, kept exact."""

    __slots__ = ("value",)
    _attrs = ("value",)
    value: Fraction

    def __init__(self, value):
        self._init(SCALAR, ())
        # a Fraction is kept as it is (immutable): Fraction(Fraction) is a call into fractions.py
        _SET_CONST(self, value if type(value) is Fraction else Fraction(value))


class Fill(Expr):
    """A vector or matrix with every entry equal to ``value`` (``vector(1)`` is the ones vector)."""

    __slots__ = ("value",)
    _attrs = ("value", "shape")
    value: Fraction

    def __init__(self, value, shape: Shape):
        self._init(tuple(shape), ())
        _SET_FILL(self, value if type(value) is Fraction else Fraction(value))


class Identity(Expr):
    __slots__ = ()
    _attrs = ("shape",)

    def __init__(self, shape: Shape):
        if shape[0] != shape[1]:
            raise ShapeError(f"an identity matrix is square, got {tuple(shape)}")
        self._init(tuple(shape), ())


class Zero(Expr):
    __slots__ = ()
    _attrs = ("shape",)

    def __init__(self, shape: Shape):
        self._init(tuple(shape), ())


# ---- unary nodes -----------------------------------------------------------------------------
class _Unary(Expr):
    __slots__ = ("arg",)
    _children = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        self._init(self.shape_of(arg), (arg,))  # its children known now: children() reads them
        _SET_ARG(self, arg)

    @staticmethod
    def shape_of(arg: Expr) -> Shape:
        return arg.shape


class D(_Unary):
    """The differential d(arg). d(X) of the variable itself is the leaf dX."""

    __slots__ = ()


class _ToScalar(_Unary):
    """A unary node whose value is a number (tr, det, sum, …)."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return SCALAR


_SET_CONST, _SET_FILL, _SET_ARG = (
    Const.__dict__["value"].__set__,
    Fill.__dict__["value"].__set__,
    _Unary.__dict__["arg"].__set__,
)


# ---- queries ---------------------------------------------------------------------------------
def fresh(e: Expr) -> Expr:
    """A new node equal to ``e``: a step can then mark this occurrence without marking others."""
    if e.children():
        return e.with_children(e.children())
    return type(e)(**{a: getattr(e, a) for a in e._attrs})


def kind_of_shape(e: Expr) -> str:
    """scalar, vector or matrix, as ``e``'s shape is (1×1, a column, anything else)."""
    return "scalar" if e.is_scalar else "vector" if e.shape[1] == 1 else "matrix"


def variables(expr: Expr) -> list[Var]:
    """The variables of an expression, in order of first appearance."""
    seen, out = set(), []
    for node in expr.walk():
        if isinstance(node, Var) and node.name not in seen:
            seen.add(node.name)
            out.append(node)
    return out


def depends_on(expr: Expr, name: str) -> bool:
    return name in expr.free_vars()


def contains(expr: Expr, target: Expr) -> bool:
    return any(n == target for n in expr.walk())


def replace(expr: Expr, mapping: dict, descend=None) -> Expr:
    """Replace every occurrence of the keys of ``mapping`` (compared structurally); ``descend``
    may prune subtrees that cannot hold a key."""

    def done(node):
        return node if descend is not None and not descend(node) else mapping.get(node)

    return rebuild_bottom_up(expr, done, with_new_children)


_SLOTS: dict[type, tuple] = {}  # a node type -> every slot of its classes


def distinct_copy(node: Expr) -> Expr:
    """A node equal to ``node`` with an identity of its own. What the printer colours it finds
    by identity: a changed part that is a shared node (a variable, a factor moved into a product)
    is given its own node where it changed, so that it is not coloured everywhere else too."""
    cls = type(node)
    slots = _SLOTS.get(cls)
    if slots is None:
        slots = _SLOTS[cls] = tuple(s for c in cls.__mro__ for s in c.__dict__.get("__slots__", ()))
    copy = object.__new__(cls)
    for name in slots:
        object.__setattr__(copy, name, getattr(node, name))
    object.__setattr__(copy, "_same", node)  # found equal to it already: compared in one step
    return copy


def with_new_children(node: Expr, kids: list) -> Expr:
    """``node`` with the children ``kids``: the node itself when none of them changed."""
    return node if all(a is b for a, b in zip(kids, node.children())) else node.with_children(kids)


def rebuild_bottom_up(expr: Expr, done, build) -> Expr:
    """Rebuild ``expr`` from the leaves up, each distinct node once: ``done(node)`` is its result
    when not None (the subtree is not entered), else ``build(node, new children)`` is. ``done``
    may be None: no node is done (and a leaf, kept as it is, costs no call: a long product of a
    few names is then one pass over its factors; ``construct.tidy`` is this pass with its build
    written in)."""
    memo: dict = {}

    def go(node):
        if done is not None:
            out = done(node)
            if out is not None:
                return out
        key = id(node)
        out = memo.get(key)
        if out is not None:
            return out
        kids = node._kids  # children(), without the call once they are known
        if kids is None:
            kids = node.children()
        if not kids:
            return node
        if done is not None:
            out = build(node, [go(k) for k in kids])
        else:
            out = build(node, [go(k) if k.children() else k for k in kids])
        memo[key] = out
        return out

    try:
        return go(expr)
    finally:  # go refers to itself: a cycle that would keep the memo alive until a collection
        go = None  # type: ignore[assignment]


class GradSymbol(Var):
    """∂f/∂Y as a symbol, for composition: df = tr((∂f/∂Y)ᵀ dY) before ∂f/∂Y is known."""

    __slots__ = ("fname", "of")
    _attrs = ("name", "shape", "kind", "fname", "of")
    fname: str
    of: str

    def __init__(self, name: str, shape: Shape, kind: str, fname: str, of: str):
        super().__init__(name, shape, kind)
        object.__setattr__(self, "fname", fname)
        object.__setattr__(self, "of", of)


# The operation nodes, bound into this module by ops.registry.export when the ops are imported
# (``ir.MatMul``); imported here for the type checker only, so that this module imports no op.
if TYPE_CHECKING:
    from matdiff_magic.ops.arith import Add as Add
    from matdiff_magic.ops.arith import Hadamard as Hadamard
    from matdiff_magic.ops.arith import MatMul as MatMul
    from matdiff_magic.ops.arith import Neg as Neg
    from matdiff_magic.ops.arith import chain_shape as chain_shape
    from matdiff_magic.ops.elementwise import Apply as Apply
    from matdiff_magic.ops.kron import Commutation as Commutation
    from matdiff_magic.ops.kron import Kron as Kron
    from matdiff_magic.ops.kron import Vec as Vec
    from matdiff_magic.ops.linalg import Det as Det
    from matdiff_magic.ops.linalg import Inverse as Inverse
    from matdiff_magic.ops.linalg import LogDet as LogDet
    from matdiff_magic.ops.linalg import Trace as Trace
    from matdiff_magic.ops.linalg import Transpose as Transpose
    from matdiff_magic.ops.matpow import MatPow as MatPow
    from matdiff_magic.ops.powers import ElemPow as ElemPow
    from matdiff_magic.ops.powers import Pow as Pow
    from matdiff_magic.ops.reductions import DiagMatrix as DiagMatrix
    from matdiff_magic.ops.reductions import DiagVector as DiagVector
    from matdiff_magic.ops.reductions import Norm as Norm
    from matdiff_magic.ops.reductions import SumAll as SumAll
    from matdiff_magic.ops.softmax import Softmax as Softmax
