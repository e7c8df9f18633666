"""Helpers that declare an operation's facets from the patterns most operations share.

Most operations are one of a few kinds, and each kind fixes several facets at once (compare JAX's
``deflinear``/``defjvp`` and autograd's ``defvjp``):

- ``Node``: a node class whose constructor sets its fields and checks its operands' shapes;
  ``_SquareToSquare`` and ``_SquareToScalar``: functions of a square matrix (inv, adj; tr, det);
- ``rule``: a differential rule declared with the identities it applies, and ``derivative``, the
  facets that rule and the op's trace rows give;
- ``linear``: a linear map L (transpose, trace, sum, vec, diag, −): d L(X) = L(dX), its JVP is L
  applied to the tangent, its VJP the adjoint map Lᵀ (``linear_row``; ``linear_map_row`` for a map
  of several operands or with a parameter);
- ``bilinear_row``: a product B(x, y) (·, ⊙, ⊗): the JVP is B(ẋ, y) + B(x, ẏ);
- ``row``: any other trace row, each rule next to how it is written;
- ``call_export`` and ``helper_export``: the NumPy code ``np.trace(x)`` or ``adj(x)`` of a call;
  ``called``: an op computed by a helper function of its name (``adj``, ``softmax``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MemberDescriptorType
from typing import Any

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, Shape, _ToScalar, _Unary
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import (
    C_ATOM,
    Primitive,
    call_square,
    call_square_to_scalar,
    lookup,
    require_square,
)


class Node(Expr):
    """An operation node with named fields, set once by its constructor.

    ``__slots__`` holds the fields; ``_attrs`` names the parameters among them (Norm's p), the rest
    are the operands (``_children``; an n-ary operand list is kept as a tuple). The constructor takes
    the fields in the order of ``_fields`` (``__slots__`` unless given), by position or by name, and
    ``shape_of(*operands)`` gives the shape or raises ``ShapeError``.
    """

    __slots__ = ()
    _fields: tuple = ()
    shape_of: Callable[..., Shape]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        slots = cls.__dict__.get("__slots__", ())
        if slots and "_children" not in cls.__dict__:
            cls._children = tuple(s for s in slots if s not in cls._attrs)
        if slots and "_fields" not in cls.__dict__:
            cls._fields = tuple(slots)
        if slots:
            cls._child_index = tuple(cls._fields.index(name) for name in cls._children)
        # each field's slot setter, found once: half the cost of object.__setattr__ per field
        cls._setters = tuple(_slot_setter(cls, name) for name in cls._fields)

    def __init__(self, *args, **kwargs):
        fields = self._fields
        if not kwargs and len(args) == 1 == len(fields) and self._child_index:
            # one operand, by position (sums, products, functions of one argument): made most often
            value = args[0]
            if not isinstance(value, Expr):
                value = tuple(value)
            self._init(self.shape_of(value))
            self._setters[0](self, value)
            return
        if kwargs or len(args) != len(fields):
            given = dict(zip(fields, args), **kwargs)
            values = [given[name] for name in fields if name in given]
            fields = tuple(name for name in fields if name in given)
            index = tuple(fields.index(name) for name in self._children)
        else:  # every field by position: what rebuilding a node does, so kept cheap
            values, index = list(args), self._child_index
        operands = []  # a list, not a generator: a node is made at every step, and made often
        for i in index:
            if not isinstance(values[i], Expr):
                values[i] = tuple(values[i])
            operands.append(values[i])
        self._init(self.shape_of(*operands))
        if fields is self._fields:
            for set_field, value in zip(self._setters, values):
                set_field(self, value)
        else:
            for name, value in zip(fields, values):
                object.__setattr__(self, name, value)


def _slot_setter(cls: type, name: str) -> Callable:
    """The setter of the slot ``name`` of ``cls``'s instances (object.__setattr__ where it is none)."""
    slot = getattr(cls, name, None)
    if isinstance(slot, MemberDescriptorType):
        return slot.__set__
    return lambda node, value: object.__setattr__(node, name, value)


def _language_name(node_type: type) -> str:
    return lookup(node_type).names[0]


class _SquareToSquare(_Unary):
    """A function of a square matrix whose value has its size (inv, adj). A non-square operand is
    a ShapeError that names the op as the language spells it."""

    __slots__ = ()
    call_shape = staticmethod(call_square)  # the types stage's rule (ops.registry.Op.call_shape)

    @classmethod
    def shape_of(cls, arg):
        rows, cols = arg.shape
        if rows is not cols:  # sizes are interned: the op's name looked up only for an error
            require_square(arg, _language_name(cls))
        return arg.shape


class _SquareToScalar(_ToScalar):
    """A number from a square matrix (tr, det, logdet); the shape error as ``_SquareToSquare``'s."""

    __slots__ = ()
    call_shape = staticmethod(call_square_to_scalar)

    @classmethod
    def shape_of(cls, arg):
        rows, cols = arg.shape
        if rows is not cols:  # sizes are interned: the op's name looked up only for an error
            require_square(arg, _language_name(cls))
        return SCALAR


# ---- differential rules ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """A differential rule: ``step(node)`` takes one step and returns the new expression, or, for a
    rule that chooses among its ``identities``, (new expression, the identity applied)."""

    step: Callable
    identities: tuple[Identity, ...]

    def __call__(self, node):
        out = self.step(node)
        return out if isinstance(out, tuple) else (out, self.identities[0])


def rule(*identities: Identity) -> Callable[[Callable], Rule]:
    """Decorator: the function is a differential rule that applies ``identities``."""
    return lambda step: Rule(step, identities)


def derivative(differential: Rule, *rows: Primitive, trace: Callable | None = None) -> dict[str, Any]:
    """The facets of an op's derivative, for ``register``: its differential rule with the identities
    it applies, and its rows on the evaluation trace (the first gives the op's value) with ``trace``,
    how a node lowers to them when it is not one row of the first."""
    return {
        "differential": differential,
        "identities": differential.identities,
        "primitives": rows,
        "trace": trace,
    }


# ---- the evaluation trace's rows ---------------------------------------------------------------------
def _terms(terms) -> tuple:
    return (terms,) if isinstance(terms, str) else tuple(terms)


def row(key: str, ir_name: str, text: str, value, jvp, vjp, **options) -> Primitive:
    """A trace row: ``value(xs, p)``, and the forward and reverse rules each as a pair (rule, how it
    is written): ``jvp = (fn(xs, y, dxs, p), terms)``, ``vjp = (fn(xs, y, g, p), terms)``, terms one
    template per operand (a string for one operand)."""
    (jvp_fn, jvp_terms), (vjp_fn, vjp_terms) = jvp, vjp
    return Primitive(
        key, ir_name, text, value, jvp_fn, vjp_fn, _terms(jvp_terms), _terms(vjp_terms), **options
    )


def linear_row(key: str, ir_name: str, text: str, f, adjoint, adjoint_text: str) -> Primitive:
    """The row of a linear map ``f`` of one operand: the tangent is f of the operand's tangent
    (written as ``text`` with the tangent in place of the operand), the adjoint contribution is
    ``adjoint(g, x)``, Lᵀ applied to the adjoint."""
    return linear_map_row(
        key,
        ir_name,
        text,
        lambda xs, p: f(xs[0]),
        lambda g, xs, p: [adjoint(g, xs[0])],
        adjoint_text,
    )


def linear_map_row(key: str, ir_name: str, text: str, value, adjoints, adjoint_text: str) -> Primitive:
    """The row of a map ``value(xs, p)`` linear in all its operands at once (a literal [a, b], an
    entry X_ij): the tangent is the map of the tangents, ``adjoints(g, xs, p)`` the contribution to
    each operand."""
    return row(
        key,
        ir_name,
        text,
        value,
        (lambda xs, y, d, p: value(d, p), text.replace("{0}", "{d0}")),
        (lambda xs, y, g, p: adjoints(g, xs, p), adjoint_text),
    )


def bilinear_row(key: str, ir_name: str, text: str, f, vjp) -> Primitive:
    """The row of a product ``f(x, y)``, linear in each operand: the tangent is f(ẋ, y) + f(x, ẏ),
    written as ``text`` with one tangent at a time; ``vjp = (fn(x, y, g), (for x, for y))``."""
    vjp_fn, vjp_terms = vjp
    return row(
        key,
        ir_name,
        text,
        lambda xs, p: f(xs[0], xs[1]),
        (
            lambda xs, y, d, p: f(d[0], xs[1]) + f(xs[0], d[1]),
            (text.replace("{0}", "{d0}"), text.replace("{1}", "{d1}")),
        ),
        (lambda xs, y, g, p: vjp_fn(xs[0], xs[1], g), vjp_terms),
    )


# ---- the facets of an op -----------------------------------------------------------------------------
def linear(identity: Identity, trace_row: Primitive) -> dict[str, Any]:
    """The derivative facets of a linear map L of one operand: the differential d L(X) = L(dX),
    which applies ``identity``, and its trace row ``trace_row`` (``linear_row``)."""
    return derivative(Rule(lambda node: node.with_children([ir.D(node.arg)]), (identity,)), trace_row)


def call_export(function: str):
    """Export as a NumPy call on the operand: ``call_export("np.trace")`` gives ``np.trace(x)``."""
    return lambda p, e: (f"{function}({p.code(e.arg)})", C_ATOM)


def helper_export(name: str):
    """Export as a call of the helper function ``name``, which the exported module defines."""
    return lambda p, e: (f"{p.helper(name)}({p.code(e.arg)})", C_ATOM)


def called(helper: Callable) -> dict[str, Any]:
    """The facets of an op computed by the helper function of its name (``adj``): its name in the
    language, written name(x), exported as a call of the helper, whose source the module defines."""
    return {"names": (helper.__name__,), "helpers": (helper,), "export": helper_export(helper.__name__)}
