"""The IR as NumPy code, for the code export.

In the printed code a scalar is a float, a vector (n×1 or 1×n in the IR) is a 1-D array and a
matrix is a 2-D array, so a product is printed by the shapes of its operands: ``*`` when one side
is a scalar, ``@`` for a matrix product or an inner product (aᵀx is ``a @ x``), ``np.outer`` when
the inner size is 1 (abᵀ). The code of each operation is its op's export facet (``ops/``), and the
helper functions the code may call are the ops' own value functions, exported with their source;
this module prints the leaves and holds the printer. ``@prints(NodeType)`` registers a printer for
a node type that has no op (or overrides one); an unknown node is a MatdiffError, never a guess.

The same printer writes JAX and PyTorch code (``backend="jax"`` or ``"torch"``): an op's NumPy code
is printed in the backend's array namespace (``np.exp`` becomes ``jnp.exp`` or ``torch.exp``)
unless its registry entry spells it for that backend (``Op.backends``), and constants are made in
float64 (PyTorch's default is float32).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops import registry
from matdiff_magic.ops.registry import C_ATOM, C_MUL, C_NEG, kind
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.dims import Dim

PRINTERS: dict[type, Callable] = {}

# backend -> the name the exported module gives its array namespace
NAMESPACES = {"numpy": "np", "jax": "jnp", "torch": "torch"}
_NUMPY_CALL = re.compile(r"(?<![\w.])np\.")


def in_namespace(code: str, backend: str) -> str:
    """NumPy code (``np.…``) in the array namespace of ``backend``."""
    return code if backend == "numpy" else _NUMPY_CALL.sub(NAMESPACES[backend] + ".", code)


# Functions the printed code may call, defined in the exported module when used: name -> source.
HELPERS: dict[str, str] = registry.helpers()
# log(det X) from one LU factorisation (export.cost): the values np.log(np.linalg.det(X)) has
HELPERS["log_of_det"] = '''def log_of_det(X):
    """log(det X) from one factorisation: nan where det X < 0, -inf where det X = 0."""
    sign, value = np.linalg.slogdet(X)
    return value + np.log(sign)  # log 1 = 0; log 0 = -inf; log(-1) = nan'''


def prints(*types):
    """Register the printer of one or more node types: ``fn(printer, node) -> (code, precedence)``."""

    def register(fn):
        for t in types:
            PRINTERS[t] = fn
        return fn

    return register


class NumpyPrinter:
    def __init__(self, names: dict, sizes: dict, temps: dict | None = None, backend: str = "numpy"):
        self.names = names  # variable name -> Python identifier
        self.sizes = {Dim.of(k): v for k, v in sizes.items()}  # size symbol -> Python identifier
        self.temps = temps if temps is not None else {}  # shared node -> temporary's name
        self.helpers: set = set()  # helper functions the printed code calls
        self.backend = backend  # numpy, jax or torch
        self.ns = NAMESPACES[backend]  # the array namespace of the printed code

    def constant(self, call: str) -> str:
        """``np.ones(…)``-like code of a constant, in float64 in every backend."""
        code = in_namespace(call, self.backend)
        if self.backend == "torch" and "dtype=" not in code:
            code = code[:-1] + ", dtype=torch.float64)"
        return code

    def code(self, e: ir.Expr) -> str:
        return self.go(e)[0]

    def define(self, e: ir.Expr) -> str:
        """The code of ``e`` itself, even when ``e`` has a temporary (to assign the temporary)."""
        return self._print(e)[0]

    def go(self, e: ir.Expr) -> tuple[str, int]:
        if e in self.temps:
            return self.temps[e], C_ATOM
        return self._print(e)

    def _print(self, e: ir.Expr) -> tuple[str, int]:
        fn = PRINTERS.get(type(e))
        if fn is None:
            op = registry.find(e)
            spelled = _spelling(op, self.backend) if op is not None else None
            if callable(spelled):
                return spelled(self, e)
            fn = op.export if op is not None else None
            if fn is not None and self.backend != "numpy":
                code, prec = fn(self, e)
                for old, new in (spelled or {}).items():
                    code = code.replace(old, new)
                return in_namespace(code, self.backend), prec
        if fn is None:
            try:
                text = to_text(e)
                text = f" ({text if len(text) <= 60 else text[:59] + '…'})"
            except Exception:
                text = ""
            raise MatdiffError(
                f"the code export does not handle {type(e).__name__} yet{text}; "
                "the derivation itself is fine, only its NumPy code is missing"
            )
        return fn(self, e)

    def wrap(self, e: ir.Expr, min_prec: int) -> str:
        s, p = self.go(e)
        return f"({s})" if p < min_prec else s

    def size(self, d) -> str:
        d = Dim.of(d)
        if d.is_fixed:
            return str(d)
        if len(d.symbols) > 1 or d.coef != 1:
            factors = ([Dim(d.coef)] if d.coef != 1 else []) + [Dim.symbol(s) for s in d.symbols]
            return " * ".join(self.size(f) for f in factors)
        if d not in self.sizes:
            raise MatdiffError(
                f"the size {d} is not fixed by any argument, so the exported code cannot know it"
            )
        return self.sizes[d]

    def shape_code(self, e: ir.Expr) -> str:
        """The NumPy shape of ``e``: n for a vector, (m, n) for a matrix."""
        k = kind(e)
        if k == "col":
            return self.size(e.shape[0])
        if k == "row":
            return self.size(e.shape[1])
        return f"({self.size(e.shape[0])}, {self.size(e.shape[1])})"

    def helper(self, name: str) -> str:
        self.helpers.add(name)
        return name

    def lift(self, e: ir.Expr) -> str:
        """The value as a 2-D array in its IR orientation (for np.kron)."""
        code, k = self.code(e), kind(e)
        if k == "matrix":
            return code
        shape = {"col": "(-1, 1)", "row": "(1, -1)", "scalar": "(1, 1)"}[k]
        return in_namespace(f"np.reshape({code}, {shape})", self.backend)


def _spelling(op, backend: str):
    """The op's own code for ``backend`` (``Op.backends``) where NumPy's, renamed, would be wrong."""
    return None if backend == "numpy" else op.backends.get(backend)


def number(v: Fraction) -> tuple[str, int]:
    if abs(v) > 2**1024:  # beyond a float (1e300^2): the literal 1e999, which Python reads as inf
        return ("-1e999" if v < 0 else "1e999"), (C_NEG if v < 0 else C_ATOM)
    if v.denominator == 1 and abs(v.numerator) > 2**53:  # a float, never a huge int NumPy rejects
        return repr(float(v)), (C_NEG if v < 0 else C_ATOM)
    if v.denominator == 1:
        return str(v.numerator), (C_NEG if v < 0 else C_ATOM)
    if v.denominator > 10**6:
        return repr(float(v)), (C_NEG if v < 0 else C_ATOM)
    return f"{v.numerator} / {v.denominator}", (C_NEG if v < 0 else C_MUL)


# ---- leaves ----------------------------------------------------------------------------------
@prints(ir.Var)
def _var(p, e):
    return p.names[e.name], C_ATOM


@prints(ir.Const)
def _const(p, e):
    return number(e.value)


@prints(ir.Fill)
def _fill(p, e):
    if e.is_scalar:  # a 1×1 𝟏 is a number, as evaluate() treats it
        return number(e.value)
    if e.value == 1:
        return p.constant(f"np.ones({p.shape_code(e)})"), C_ATOM
    if e.value == 0:
        return p.constant(f"np.zeros({p.shape_code(e)})"), C_ATOM
    shape = p.shape_code(e) if kind(e) == "matrix" else f"({p.shape_code(e)},)"  # torch.full takes a tuple
    return p.constant(f"np.full({shape}, {number(e.value)[0]}, dtype=float)"), C_ATOM


@prints(ir.Zero)
def _zero(p, e):
    return ("0.0", C_ATOM) if e.is_scalar else (p.constant(f"np.zeros({p.shape_code(e)})"), C_ATOM)


@prints(ir.Identity)
def _identity(p, e):
    return p.constant(f"np.eye({p.size(e.shape[0])})"), C_ATOM
