"""The operation registry: what the package knows about each operation, in one record.

An ``Op`` holds every facet of one operation side by side — its IR node class and shape rule, its
names in the language, its NumPy value, its differential rule (one step, with the identity it
applies), its forward and reverse rules on the evaluation trace, its NumPy export and its notation —
and every stage looks the operation up here instead of keeping a list of its own (compare JAX's
``primitive_jvps[p]``). The families (``arith``, ``linalg``, ``reductions``, ``elementwise``,
``powers``, ``kron``, ``softmax``, ``adjugate``) each register their ops when imported; adding an
operation is one module plus its import in ``ops/__init__.py``.

How an op is written is one of the descriptions in ``ops/notations.py``; its SymPy form is in
``ops/sympy_forms.py``.

The table is keyed by node type and, for node types that stand for several operations, by a
variant: the function name of an ``Apply`` (``exp``, ``log``, …), the ``p`` of a ``Norm``.

Nothing here imports NumPy: values call it through ``np``, a stand-in that imports NumPy on first
use, so ``import matdiff_magic`` and the parser stay light.
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from matdiff_magic.ir import nodes
from matdiff_magic.ir.nodes import SCALAR, Expr, ShapeError
from matdiff_magic.ops.notations import Call

if TYPE_CHECKING:
    from matdiff_magic.errors import MatdiffError
    from matdiff_magic.ops.sympy_forms import SympyForm


class _LazyModule:
    """A module imported on first attribute access (``np.exp`` loads NumPy the first time)."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):
        module = importlib.import_module(self._name)
        value = getattr(module, attr)
        object.__setattr__(self, attr, value)  # later look-ups are plain attribute hits
        return value


np: Any = _LazyModule("numpy")


# ---- shape rules (checked when a node is built) ----------------------------------------------------
def require_square(arg: Expr, what: str) -> None:
    if arg.shape[0] != arg.shape[1]:
        raise ShapeError(f"{what} needs a square matrix, got {arg.shape}")


def require_vector(arg: Expr, what: str) -> None:
    if arg.shape[1] != 1:
        raise ShapeError(f"{what} takes a vector, got {arg.shape}")


def same_shape(arg: Expr):
    return arg.shape


def to_scalar(arg: Expr):
    return SCALAR


# ---- the types stage's shape rule of a call (sizes still unknown) ---------------------------------
class Sizing(Protocol):
    """What the types stage offers an op's ``call_shape(shapes, sizing)``: ``shapes`` are the
    arguments' shapes, pairs of sizes (1, a size class, or a product of them), and the rule returns
    the call's shape or raises ``sizing.error``, a ``MatdiffError`` with a caret under an argument."""

    name: str  # the function as the registry names it

    def unify(self, a, b) -> bool: ...  # make two sizes equal; False if they cannot be

    def times(self, a, b): ...  # the product of two sizes (kron's m·p)

    def text(self, i: int) -> str: ...  # argument i as written in the cell

    def shape_text(self, shape: tuple) -> str: ...  # a shape in words: "a vector (n×1)", "m×n"

    def error(
        self, message: str, i: int, hint: str | None = None
    ) -> MatdiffError: ...  # caret under argument i


def call_same_shape(shapes: tuple, sizing: Sizing) -> tuple:
    """An element-wise function: the argument's shape."""
    return shapes[0]


def call_square(shapes: tuple, sizing: Sizing) -> tuple:
    """A function of a square matrix whose value has its size (inv, adj)."""
    shape = shapes[0]
    if 1 in shape or not sizing.unify(shape[0], shape[1]):
        # a 1×1 matrix (X: matrix(1, 1)) is a number here, as aᵀx is
        one = (
            "a 1×1 matrix is its one entry: of a number x, det(x) is x, inv(x) is 1/x and logdet(x) is log(x)"
        )
        raise sizing.error(
            f"{sizing.name} needs a square matrix, but {sizing.text(0)} is {sizing.shape_text(shape)}",
            0,
            one if shape == SCALAR else None,
        )
    return shape


def call_square_to_scalar(shapes: tuple, sizing: Sizing) -> tuple:
    """A number from a square matrix (det, logdet)."""
    call_square(shapes, sizing)
    return SCALAR


def call_to_scalar(shapes: tuple, sizing: Sizing) -> tuple:
    """A number from an argument of any shape (sum, the norms)."""
    return SCALAR


# ---- NumPy export: precedence of the printed Python code, and how a value is held --------------
C_ADD, C_NEG, C_MUL, C_POW, C_ATOM = 10, 15, 20, 30, 100


def kind(e: Expr) -> str:
    """How the value is held in the exported code: scalar, col or row (both 1-D), or matrix."""
    r, c = e.shape
    if (r, c) == (1, 1):
        return "scalar"
    if c == 1:
        return "col"
    if r == 1:
        return "row"
    return "matrix"


def held(e: Expr, code: str, ravel: str = "np.ravel") -> tuple[str, int]:
    """The code of a 2-D array (``np.kron(…)``) as the exported code holds the value of ``e``: a
    matrix as it is, a vector flattened with ``ravel``, a number its one entry."""
    k = kind(e)
    if k == "matrix":
        return code, C_ATOM
    return (f"{ravel}({code})", C_ATOM) if k != "scalar" else (f"{code}[0, 0]", C_ATOM)


def as_scalar(a):
    """A number (the sum of the entries of ``a``) as a 1×1 array, complex for a complex ``a``
    (the numeric check's complex step)."""
    total = np.sum(a)
    return np.array([[total if np.iscomplexobj(total) else float(total)]])


# ---- the evaluation trace's rules ------------------------------------------------------------------
@dataclass(frozen=True)
class Primitive:
    """One kind of row of the evaluation trace: its value, its forward rule (JVP: operand tangents
    -> result tangent) and its reverse rule (VJP: result adjoint -> one contribution per operand),
    side by side, and the text of each.

    Every value is a 2-D array; ``xs`` are the operand values, ``y`` the result, ``dxs`` the operand
    tangents, ``g`` the adjoint ȳ, ``p`` the parameter (the function of an ``apply`` row). In the
    templates ``{0}``/``{1}`` are operand names, ``{d0}``/``{d1}`` their tangents, ``{y}`` the
    result, ``{g}`` its adjoint, ``{f}`` the function, ``{fp}`` its derivative, ``{m}`` is · on
    scalars and ⊙ on arrays, ``{q}`` is / or ⊘, ⟨a, b⟩ the sum of the entries of a ⊙ b."""

    key: str  # the row's op in the trace, e.g. "matmul"
    ir: str  # the IR node it comes from
    text: str  # how the step is written, e.g. "{0}·{1}"
    value: Callable  # (xs, p) -> y
    jvp: Callable  # (xs, y, dxs, p) -> ẏ
    vjp: Callable  # (xs, y, g, p) -> [x̄ contribution per operand]
    jvp_terms: tuple  # one term of ẏ per operand
    vjp_terms: tuple  # the contribution to each operand's adjoint
    literal: tuple = ()  # operand positions written as their literal when constant (exponents)
    numeric_exponent: bool = False  # v₁² rather than v₁^2 when the exponent is a number


# ---- the record ------------------------------------------------------------------------------------
def _no_param(node, size):
    return None


@dataclass
class Op:
    node: type[Any]  # the IR node class (its shape_of is the shape rule)
    variant: Any = None  # the node's variant (Apply: function name; Norm: p)
    names: tuple = ()  # names in the language, canonical first; () if internal
    aliases: tuple = ()  # further spellings the parser accepts (ln for log)
    arity: int = 1  # number of arguments of the call
    build: Callable | None = None  # (args) -> node, from a call; default node(*args)
    value: Callable | None = None  # (xs, param) -> 2-D array, xs the operands' values;
    # by default the value of the op's first trace row (the same function)
    param: Callable = _no_param  # (node, size) -> the parameter of value and primitives
    differential: Callable | None = None  # node -> (new expression, Identity), one step
    identities: Any = ()  # the identities the differential rule applies (or a
    # function giving them, for identities made on demand)
    primitives: tuple = ()  # the evaluation trace's rows this op lowers to
    trace: Callable | None = None  # (lowering, node) -> row; None: one row of primitives[0]
    export: Callable | None = None  # (printer, node) -> (NumPy code, precedence)
    helpers: tuple = ()  # functions the exported code defines (their source)
    notation: Any = None  # a notation above, or node -> notation; by default name(x), Call
    call_shape: Callable | None = None  # (argument shapes, Sizing) -> the call's shape, as the types
    # stage sizes a call before any size is known; by default the node class's call_shape
    sympy: SympyForm | None = None  # the op as SymPy, and the SymPy forms read as it (ops.sympy_forms)
    backends: dict = field(default_factory=dict)  # jax/torch -> its code there where the NumPy
    # export in that namespace is wrong: (printer, node) -> (code, precedence), or renames
    # {NumPy call: the backend's} applied to the NumPy export
    doc: str = ""
    # its value takes complex operands and is complex-analytic in them (a polynomial, exp, inv, …,
    # not abs or slogdet): the numeric check's complex step (numeric.complex_step) may pass through
    analytic: bool = False
    extra: dict = field(default_factory=dict)  # family-specific facets (element-wise: σ′ …)

    def __post_init__(self):
        if self.value is None and self.primitives:
            self.value = self.primitives[0].value
        if self.notation is None and self.names:
            self.notation = Call(self.names[0])
        if self.call_shape is None:
            self.call_shape = getattr(self.node, "call_shape", None)

    @property
    def key(self) -> tuple:
        return (self.node, self.variant)

    @property
    def shape(self) -> Callable:
        return self.node.shape_of

    def identity_list(self) -> tuple:
        return tuple(self.identities()) if callable(self.identities) else tuple(self.identities)

    def notation_of(self, node):
        return self.notation(node) if callable(self.notation) else self.notation

    def make(self, args):
        return self.build(args) if self.build is not None else self.node(*args)


@dataclass(frozen=True)
class Constant:
    """A constant of the language, a leaf of the IR (Fill, Identity): the fill value first (none
    for eye), then its sizes, which, left out, are inferred from where it is used."""

    arity: tuple  # (fewest, most) arguments
    usage: str  # how it is written, for the message of a wrong number of arguments
    kind: str  # of its value: "vector" or "matrix"
    sizes: int  # how many sizes it takes
    bare: bool = False  # may be written without parentheses (eye)

    def shape(self, dims: list) -> tuple:
        """Its shape from its sizes: n×n for eye, n×1 for a vector, m×n for a matrix."""
        return (dims[0], dims[0]) if self.bare else (dims[0], 1) if self.kind == "vector" else tuple(dims)


CONSTANT_FORMS = {
    "vector": Constant((1, 2), "vector(c) or vector(c, n)", "vector", 1),
    "matrix": Constant((1, 3), "matrix(c) or matrix(c, m, n)", "matrix", 2),
    "eye": Constant((0, 1), "eye or eye(n)", "matrix", 1, bare=True),
}
CONSTANTS = {name: c.arity for name, c in CONSTANT_FORMS.items()}  # name -> (fewest, most) arguments

OPS: dict[tuple, Op] = {}
_VARIANT_ATTR: dict[type, str] = {}  # node type -> the attribute that selects the variant
_NAMED: dict[str, Op] = {}  # by_name(), kept until the next registration


def register(node: type, **facets) -> Op:
    """Add the op of node type ``node`` with ``facets`` (the fields of ``Op``) to the table; each
    family module registers its ops when imported."""
    op = Op(node, **facets)
    if op.key in OPS:
        raise ValueError(f"{op.node.__name__} {op.variant or ''} is registered twice")
    attr = getattr(op.node, "_variant", None)
    if (op.variant is None) != (attr is None):
        raise ValueError(f"{op.node.__name__}: a variant needs the node's _variant attribute")
    if attr is not None:
        _VARIANT_ATTR[op.node] = attr
    OPS[op.key] = op
    _NAMED.clear()
    export(op.node)
    return op


def export(obj):
    """Bind a class or function of an ops module in the IR module too (``ir.Trace``,
    ``ir.chain_shape``): the ops push their names into ir.nodes, which imports no op."""
    existing = getattr(nodes, obj.__name__, obj)
    if existing is not obj:
        raise ValueError(f"ir.{obj.__name__} is already something else")
    setattr(nodes, obj.__name__, obj)
    return obj


def op_of(node) -> Op:
    """The op of an IR node (KeyError for a leaf or an unknown node)."""
    cls = type(node)
    attr = _VARIANT_ATTR.get(cls)
    return OPS[(cls, getattr(node, attr) if attr else None)]


def find(node) -> Op | None:
    """The op of an IR node, or None for a leaf."""
    try:
        return op_of(node)
    except KeyError:
        return None


def lookup(cls: type, variant=None) -> Op:
    """The op of a node type (and variant): ``lookup(Apply, "exp")``."""
    return OPS[(cls, variant)]


def ops() -> list[Op]:
    return list(OPS.values())


# ---- what the other stages read ------------------------------------------------------------------
def by_name() -> dict[str, Op]:
    """Every name and alias of the language -> its op."""
    if not _NAMED:
        for op in OPS.values():
            for n in op.names + op.aliases:
                if _NAMED.setdefault(n, op) is not op:
                    raise ValueError(f"two ops are called {n}")
    return _NAMED


def named(name: str) -> Op | None:
    """The op a function name of the language stands for (None for an unknown name)."""
    return by_name().get(name)


def build_call(name: str, args) -> Expr:
    """The IR node of the call ``name(args…)``; KeyError for an unknown name."""
    op = named(name)
    if op is None:
        raise KeyError(name)
    return op.make(args)


def primitives() -> dict[str, Primitive]:
    """Every row kind of the evaluation trace, by key, in registration order."""
    out: dict[str, Primitive] = {}
    for op in OPS.values():
        for prim in op.primitives:
            if out.setdefault(prim.key, prim) is not prim:
                raise ValueError(f"two trace rules are called {prim.key}")
    return out


def helper_source(fn) -> str:
    """The source of a helper function, as the exported module defines it."""
    return textwrap.dedent(inspect.getsource(fn))


def helpers() -> dict[str, str]:
    """Every helper the exported code may define: name -> source."""
    out: dict[str, str] = {}
    for op in OPS.values():
        for fn in op.helpers:
            out.setdefault(fn.__name__, helper_source(fn))
    return out
