"""The typed intermediate representation: immutable expression nodes, each with a ``shape``.

Structure only: no derivative, printing or numeric knowledge lives here. A shape is a pair of
dimensions; a dimension is the integer 1 or a size symbol such as ``"m"``. Symbols are never 1, so
an expression is a scalar exactly when its shape is ``(1, 1)``.

Products are n-ary chains (``MatMul``) in which a scalar factor may stand anywhere: consecutive
factors are either conformable or one of them is 1×1 (scalar multiplication). A 1×1 sub-product such
as ``aᵀx`` stays a node of its own inside a longer chain, so the chain never hides a scalar.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator, Union

Dim = Union[int, str]
Shape = tuple  # (Dim, Dim)
SCALAR: Shape = (1, 1)


class Expr:
    """Base of all nodes. Subclasses list their child fields in ``_children`` and the rest in ``_attrs``."""

    __slots__ = ("shape", "_hash", "_free", "_dvars", "_key", "_tidy", "_kids")
    _children: tuple = ()
    _attrs: tuple = ()

    def _init(self, shape: Shape) -> None:
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "_hash", None)
        object.__setattr__(self, "_free", None)
        object.__setattr__(self, "_dvars", None)
        object.__setattr__(self, "_key", None)
        object.__setattr__(self, "_tidy", False)   # set by simplify.tidy on what it returns
        object.__setattr__(self, "_kids", None)

    def __setattr__(self, name, value):
        raise AttributeError("expressions are immutable")

    # -- generic structure
    def children(self) -> tuple:
        kids = self._kids
        if kids is None:
            out = []
            for name in self._children:
                value = getattr(self, name)
                out.extend(value) if isinstance(value, tuple) else out.append(value)
            kids = tuple(out)
            object.__setattr__(self, "_kids", kids)
        return kids

    def with_children(self, children) -> "Expr":
        """A copy of this node with new children (same order as ``children()``)."""
        children = list(children)
        kwargs = {a: getattr(self, a) for a in self._attrs}
        for name in self._children:
            value = getattr(self, name)
            if isinstance(value, tuple):
                kwargs[name] = tuple(children[:len(value)])
                del children[:len(value)]
            else:
                kwargs[name] = children.pop(0)
        return type(self)(**kwargs)

    def key(self) -> tuple:
        k = self._key
        if k is None:
            k = (type(self).__name__,) + tuple(getattr(self, a) for a in self._attrs) + self.children()
            object.__setattr__(self, "_key", k)
        return k

    def __eq__(self, other) -> bool:
        return self is other or (type(self) is type(other) and hash(self) == hash(other)
                                 and self.key() == other.key())

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(self.key())
            object.__setattr__(self, "_hash", h)
        return h

    def __repr__(self) -> str:
        from matdiff_magic.render.printer import to_text
        return f"<{type(self).__name__} {to_text(self)}>"

    @property
    def is_scalar(self) -> bool:
        return self.shape == SCALAR

    def walk(self) -> Iterator["Expr"]:
        """Pre-order traversal of the distinct nodes (a shared subexpression is visited once),
        iterative so that long inputs do not hit the recursion limit."""
        stack, seen = [self], set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield node
            stack.extend(reversed(node.children()))

    def free_vars(self) -> frozenset:
        """Names of the variables in this expression (cached: nodes are immutable)."""
        out = self._free
        if out is None:
            kids = self.children()
            out = frozenset().union(*(k.free_vars() for k in kids)) if kids else frozenset()
            object.__setattr__(self, "_free", out)
        return out

    def walk_where(self, descend) -> Iterator["Expr"]:
        """Like walk, but only into nodes for which ``descend(node)`` is true."""
        stack, seen = [self], set()
        while stack:
            node = stack.pop()
            if id(node) in seen or not descend(node):
                continue
            seen.add(id(node))
            yield node
            stack.extend(reversed(node.children()))

    def d_vars(self) -> frozenset:
        """Names X for which the differential dX occurs in this expression (cached)."""
        out = self._dvars
        if out is None:
            if isinstance(self, D):   # d(Var) names the variable; any other d(·) is marked by ''
                out = frozenset([self.arg.name if isinstance(self.arg, Var) else ""])
            else:
                kids = self.children()
                out = frozenset().union(*(k.d_vars() for k in kids)) if kids else frozenset()
            object.__setattr__(self, "_dvars", out)
        return out


# ---- leaves ----------------------------------------------------------------------------------
class Var(Expr):
    __slots__ = ("name", "kind")
    _attrs = ("name", "shape", "kind")

    def __init__(self, name: str, shape: Shape, kind: str):
        self._init(tuple(shape))
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

    def __init__(self, value):
        self._init(SCALAR)
        object.__setattr__(self, "value", Fraction(value))


class Fill(Expr):
    """A vector or matrix with every entry equal to ``value`` (``vector(1)`` is the ones vector)."""
    __slots__ = ("value",)
    _attrs = ("value", "shape")

    def __init__(self, value, shape: Shape):
        self._init(tuple(shape))
        object.__setattr__(self, "value", Fraction(value))


class Identity(Expr):
    __slots__ = ()
    _attrs = ("shape",)

    def __init__(self, shape: Shape):
        assert shape[0] == shape[1], shape
        self._init(tuple(shape))


class Zero(Expr):
    __slots__ = ()
    _attrs = ("shape",)

    def __init__(self, shape: Shape):
        self._init(tuple(shape))


# ---- unary nodes -----------------------------------------------------------------------------
class _Unary(Expr):
    __slots__ = ("arg",)
    _children = ("arg",)

    def __init__(self, arg: Expr):
        self._init(self.shape_of(arg))
        object.__setattr__(self, "arg", arg)

    @staticmethod
    def shape_of(arg: Expr) -> Shape:
        return arg.shape


class D(_Unary):
    """The differential d(arg). d(X) of the variable itself is the leaf dX."""
    __slots__ = ()


class Neg(_Unary):
    __slots__ = ()


class Transpose(_Unary):
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return (arg.shape[1], arg.shape[0])


def _square(arg: Expr, what: str) -> None:
    if arg.shape[0] != arg.shape[1]:
        raise ValueError(f"{what} needs a square matrix, got {arg.shape}")


class Inverse(_Unary):
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        _square(arg, "inv")
        return arg.shape


class _ToScalar(_Unary):
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return SCALAR


class Trace(_ToScalar):
    __slots__ = ()

    def __init__(self, arg):
        _square(arg, "tr")
        super().__init__(arg)


class Det(_ToScalar):
    __slots__ = ()

    def __init__(self, arg):
        _square(arg, "det")
        super().__init__(arg)


class LogDet(_ToScalar):
    __slots__ = ()

    def __init__(self, arg):
        _square(arg, "logdet")
        super().__init__(arg)


class SumAll(_ToScalar):
    """Sum of all entries."""
    __slots__ = ()


class DiagMatrix(_Unary):
    """diag(v): the square matrix with v on its diagonal."""
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        assert arg.shape[1] == 1, arg.shape
        return (arg.shape[0], arg.shape[0])


class DiagVector(_Unary):
    """diag(X): the vector of the diagonal of a square matrix."""
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        _square(arg, "diag")
        return (arg.shape[0], 1)


class Norm(Expr):
    """norm1 (sum of absolute values) or norm2 (Euclidean; Frobenius for a matrix)."""
    __slots__ = ("arg", "p")
    _children = ("arg",)
    _attrs = ("p",)

    def __init__(self, arg: Expr, p: int):
        self._init(SCALAR)
        object.__setattr__(self, "arg", arg)
        object.__setattr__(self, "p", p)


class Apply(Expr):
    """An element-wise function: exp, log, sin, …, and the internal ``step`` (derivative of relu)."""
    __slots__ = ("func", "arg")
    _children = ("arg",)
    _attrs = ("func",)

    def __init__(self, func: str, arg: Expr):
        self._init(arg.shape)
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "arg", arg)


# ---- n-ary and binary nodes ------------------------------------------------------------------
class Add(Expr):
    __slots__ = ("terms",)
    _children = ("terms",)

    def __init__(self, terms):
        terms = tuple(terms)
        assert len(terms) >= 2
        for t in terms[1:]:
            if t.shape != terms[0].shape:
                raise ValueError(f"cannot add {terms[0].shape} and {t.shape}")
        self._init(terms[0].shape)
        object.__setattr__(self, "terms", terms)


def chain_shape(factors) -> Shape:
    """Shape of a product chain; raises ValueError when two neighbours do not fit."""
    rows, cols = factors[0].shape
    for f in factors[1:]:
        if cols == f.shape[0]:
            cols = f.shape[1]
        elif (rows, cols) == SCALAR:
            rows, cols = f.shape
        elif f.shape == SCALAR:
            pass
        else:
            raise ValueError(f"cannot multiply {(rows, cols)} by {f.shape}")
    return (rows, cols)


class MatMul(Expr):
    __slots__ = ("factors",)
    _children = ("factors",)

    def __init__(self, factors):
        factors = tuple(factors)
        assert len(factors) >= 2
        self._init(chain_shape(factors))
        object.__setattr__(self, "factors", factors)


class Hadamard(Expr):
    """Element-wise product of same-shaped operands."""
    __slots__ = ("factors",)
    _children = ("factors",)

    def __init__(self, factors):
        factors = tuple(factors)
        assert len(factors) >= 2
        for f in factors[1:]:
            if f.shape != factors[0].shape:
                raise ValueError(f"cannot multiply element-wise {factors[0].shape} and {f.shape}")
        self._init(factors[0].shape)
        object.__setattr__(self, "factors", factors)


class Pow(Expr):
    """A scalar to a scalar power."""
    __slots__ = ("base", "exponent")
    _children = ("base", "exponent")

    def __init__(self, base: Expr, exponent: Expr):
        assert base.shape == SCALAR and exponent.shape == SCALAR
        self._init(SCALAR)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "exponent", exponent)


class ElemPow(Expr):
    """Element-wise power X^{∘p} with a scalar exponent."""
    __slots__ = ("base", "exponent")
    _children = ("base", "exponent")

    def __init__(self, base: Expr, exponent: Expr):
        assert exponent.shape == SCALAR
        self._init(base.shape)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "exponent", exponent)


# ---- queries ---------------------------------------------------------------------------------
def fresh(e: Expr) -> Expr:
    """A new node equal to ``e``: a step can then mark this occurrence without marking others."""
    if e.children():
        return e.with_children(e.children())
    return type(e)(**{a: getattr(e, a) for a in e._attrs})


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
    memo: dict = {}

    def go(node):
        if descend is not None and not descend(node):
            return node
        if node in mapping:
            return mapping[node]
        if id(node) in memo:
            return memo[id(node)]
        kids = node.children()
        if not kids:
            return node
        new = [go(k) for k in kids]
        out = node if all(a is b for a, b in zip(new, kids)) else node.with_children(new)
        memo[id(node)] = out
        return out

    return go(expr)


# ---- vec and Kronecker (matrix-by-matrix derivatives) ------------------------------------------
def dim_mul(a: Dim, b: Dim) -> Dim:
    """The size a·b. Products are written 'm·n' with the factors sorted, so equal sizes compare equal."""
    if a == 1:
        return b
    if b == 1:
        return a
    parts = sorted(str(a).split("·") + str(b).split("·"))
    return "·".join(parts)


class Kron(Expr):
    """The Kronecker product A ⊗ B."""
    __slots__ = ("left", "right")
    _children = ("left", "right")

    def __init__(self, left: Expr, right: Expr):
        self._init((dim_mul(left.shape[0], right.shape[0]), dim_mul(left.shape[1], right.shape[1])))
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)


class Vec(_Unary):
    """vec(A): the columns of A stacked (column-major)."""
    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        return (dim_mul(arg.shape[0], arg.shape[1]), 1)


class Commutation(Expr):
    """The commutation matrix K with K vec(A) = vec(Aᵀ) for an r×c matrix A."""
    __slots__ = ("rows", "cols")
    _attrs = ("rows", "cols")

    def __init__(self, rows: Dim, cols: Dim):
        n = dim_mul(rows, cols)
        self._init((n, n))
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)


class Softmax(_Unary):
    """softmax(u) = exp(u) / sum(exp(u)) of a vector."""
    __slots__ = ()


class GradSymbol(Var):
    """∂f/∂Y as a symbol, for composition: df = tr((∂f/∂Y)ᵀ dY) before ∂f/∂Y is known."""
    __slots__ = ("fname", "of")
    _attrs = ("name", "shape", "kind", "fname", "of")

    def __init__(self, name: str, shape: Shape, kind: str, fname: str, of: str):
        super().__init__(name, shape, kind)
        object.__setattr__(self, "fname", fname)
        object.__setattr__(self, "of", of)
