"""The IR as NumPy code, for the code export.

In the printed code a scalar is a float, a vector (n×1 or 1×n in the IR) is a 1-D array and a
matrix is a 2-D array, so a product is printed by the shapes of its operands: ``*`` when one side
is a scalar, ``@`` for a matrix product or an inner product (aᵀx is ``a @ x``), ``np.outer`` when
the inner size is 1 (abᵀ). Printing rules are a table keyed by node type: a new node needs one
function registered with ``@prints(NodeType)``; an unknown node is a MatdiffError, never a guess.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable

from matdiff_magic.ir import nodes as ir
from matdiff_magic.errors import MatdiffError
from matdiff_magic.render.printer import to_text

# precedence: higher binds tighter
P_ADD, P_NEG, P_MUL, P_POW, P_ATOM = 10, 15, 20, 30, 100

PRINTERS: dict[type, Callable] = {}

# Functions the printed code may call, defined in the exported module when used.
HELPERS = {
    "sigmoid": '''def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # 1 / (1 + exp(-x)), without overflow
''',
    "relu": '''def relu(x):
    return np.maximum(x, 0.0)
''',
    "step": '''def step(x):
    return np.heaviside(x, 0.0)  # 1 where x > 0, else 0 (the derivative of relu)
''',
    "logdet": '''def logdet(A):
    sign, value = np.linalg.slogdet(A)
    return value if sign > 0 else np.nan  # log det A, defined where det A > 0
''',
    "softmax": '''def softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)
''',
    "commutation": '''def commutation(r, c):
    """K with K @ vec(A) = vec(A.T) for an r×c matrix A (vec stacks columns)."""
    K = np.zeros((r * c, r * c))
    for i in range(r):
        for j in range(c):
            K[i * c + j, j * r + i] = 1.0
    return K
''',
    "commutation_index": '''def commutation_index(r, c):
    """p with K @ M = M[p] for the commutation matrix K of an r×c matrix (K @ vec(A) = vec(A.T));
    M @ K = M[:, commutation_index(c, r)]. K itself, (rc)×(rc), is never built."""
    return np.arange(r * c).reshape(c, r).T.ravel()
''',
}

NUMPY_FUNCTIONS = {"exp": "np.exp", "log": "np.log", "sin": "np.sin", "cos": "np.cos", "tan": "np.tan",
                   "tanh": "np.tanh", "arcsin": "np.arcsin", "arccos": "np.arccos", "arctan": "np.arctan",
                   "abs": "np.abs", "sign": "np.sign", "sqrt": "np.sqrt"}
HELPER_FUNCTIONS = {"sigmoid", "relu", "step"}


def prints(*types):
    """Register the printer of one or more node types: ``fn(printer, node) -> (code, precedence)``."""
    def register(fn):
        for t in types:
            PRINTERS[t] = fn
        return fn
    return register


def kind(e: ir.Expr) -> str:
    """How the value is held in the printed code: scalar, col or row (both 1-D), or matrix."""
    r, c = e.shape
    if (r, c) == (1, 1):
        return "scalar"
    if c == 1:
        return "col"
    if r == 1:
        return "row"
    return "matrix"


class NumpyPrinter:
    def __init__(self, names: dict, sizes: dict, temps: dict | None = None):
        self.names = names            # variable name -> Python identifier
        self.sizes = sizes            # size symbol -> Python identifier
        self.temps = temps if temps is not None else {}   # shared node -> temporary's name
        self.helpers: set = set()     # helper functions the printed code calls

    def code(self, e: ir.Expr) -> str:
        return self.go(e)[0]

    def define(self, e: ir.Expr) -> str:
        """The code of ``e`` itself, even when ``e`` has a temporary (to assign the temporary)."""
        return self._print(e)[0]

    def go(self, e: ir.Expr) -> tuple[str, int]:
        if e in self.temps:
            return self.temps[e], P_ATOM
        return self._print(e)

    def _print(self, e: ir.Expr) -> tuple[str, int]:
        fn = PRINTERS.get(type(e))
        if fn is None:
            try:
                text = to_text(e)
                text = f" ({text if len(text) <= 60 else text[:59] + '…'})"
            except Exception:  # noqa: BLE001 (a node the TeX/Unicode printer does not know either)
                text = ""
            raise MatdiffError(f"the code export does not handle {type(e).__name__} yet{text}; "
                               "the derivation itself is fine, only its NumPy code is missing")
        return fn(self, e)

    def wrap(self, e: ir.Expr, min_prec: int) -> str:
        s, p = self.go(e)
        return f"({s})" if p < min_prec else s

    def size(self, d) -> str:
        if d == 1:
            return "1"
        if isinstance(d, str) and "·" in d:
            return " * ".join(self.size(part) for part in d.split("·"))
        if isinstance(d, str) and d.isdigit():
            return d
        if d not in self.sizes:
            raise MatdiffError(f"the size {d} is not fixed by any argument, so the exported code "
                               "cannot know it")
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
        return f"np.reshape({code}, {({'col': '(-1, 1)', 'row': '(1, -1)', 'scalar': '(1, 1)'})[k]})"


def number(v: Fraction) -> tuple[str, int]:
    if v.denominator == 1:
        return str(v.numerator), (P_NEG if v < 0 else P_ATOM)
    if v.denominator > 10**6:
        return repr(float(v)), (P_NEG if v < 0 else P_ATOM)
    return f"{v.numerator} / {v.denominator}", (P_NEG if v < 0 else P_MUL)


# ---- leaves ----------------------------------------------------------------------------------
@prints(ir.Var)
def _var(p, e):
    return p.names[e.name], P_ATOM


@prints(ir.Const)
def _const(p, e):
    return number(e.value)


@prints(ir.Fill)
def _fill(p, e):
    if e.value == 1:
        return f"np.ones({p.shape_code(e)})", P_ATOM
    if e.value == 0:
        return f"np.zeros({p.shape_code(e)})", P_ATOM
    return f"np.full({p.shape_code(e)}, {number(e.value)[0]})", P_ATOM


@prints(ir.Zero)
def _zero(p, e):
    return ("0.0", P_ATOM) if e.is_scalar else (f"np.zeros({p.shape_code(e)})", P_ATOM)


@prints(ir.Identity)
def _identity(p, e):
    return f"np.eye({p.size(e.shape[0])})", P_ATOM


# ---- unary -----------------------------------------------------------------------------------
@prints(ir.Neg)
def _neg(p, e):
    moved = _sign_into_kron(e.arg) if e.arg not in p.temps else None
    if moved is not None:   # -(A ⊗ B) M = ((-A) ⊗ B) M: negate the small factor, not the large product
        return p.go(moved)
    return "-" + p.wrap(e.arg, P_MUL), P_NEG


def _sign_into_kron(e: ir.Expr) -> ir.Expr | None:
    if isinstance(e, ir.Kron):
        return ir.Kron(ir.Neg(e.left), e.right)
    if isinstance(e, ir.MatMul) and isinstance(e.factors[0], ir.Kron):
        first = e.factors[0]
        return ir.MatMul((ir.Kron(ir.Neg(first.left), first.right),) + e.factors[1:])
    return None


@prints(ir.Transpose)
def _transpose(p, e):
    if kind(e.arg) != "matrix":   # a scalar, or a 1-D vector: nothing to do
        return p.go(e.arg)
    return p.wrap(e.arg, P_ATOM) + ".T", P_ATOM


@prints(ir.Inverse)
def _inverse(p, e):
    if e.arg.is_scalar:
        return "1 / " + p.wrap(e.arg, P_MUL + 1), P_MUL
    return f"np.linalg.inv({p.code(e.arg)})", P_ATOM


@prints(ir.Trace)
def _trace(p, e):
    if e.arg.is_scalar:
        return p.go(e.arg)
    return f"np.trace({p.code(e.arg)})", P_ATOM


@prints(ir.Det)
def _det(p, e):
    return f"np.linalg.det({p.code(e.arg)})", P_ATOM


@prints(ir.LogDet)
def _logdet(p, e):
    return f"{p.helper('logdet')}({p.code(e.arg)})", P_ATOM


@prints(ir.SumAll)
def _sum(p, e):
    return f"np.sum({p.code(e.arg)})", P_ATOM


@prints(ir.DiagMatrix, ir.DiagVector)
def _diag(p, e):
    return f"np.diag({p.code(e.arg)})", P_ATOM


@prints(ir.Norm)
def _norm(p, e):
    if e.p == 1:
        return f"np.sum(np.abs({p.code(e.arg)}))", P_ATOM
    if e.arg.is_scalar:
        return f"np.abs({p.code(e.arg)})", P_ATOM
    return f"np.linalg.norm({p.code(e.arg)})", P_ATOM   # Frobenius for a matrix


@prints(ir.Apply)
def _apply(p, e):
    if e.func in NUMPY_FUNCTIONS:
        return f"{NUMPY_FUNCTIONS[e.func]}({p.code(e.arg)})", P_ATOM
    if e.func in HELPER_FUNCTIONS:
        return f"{p.helper(e.func)}({p.code(e.arg)})", P_ATOM
    raise MatdiffError(f"the code export does not know the function {e.func} yet")


# ---- n-ary -----------------------------------------------------------------------------------
def _negative(t: ir.Expr):
    """t = -u: returns u, or None."""
    if isinstance(t, ir.Neg):
        return t.arg
    if isinstance(t, ir.Const) and t.value < 0:
        return ir.Const(-t.value)
    if isinstance(t, ir.MatMul) and isinstance(t.factors[0], ir.Const) and t.factors[0].value < 0:
        rest = (ir.Const(-t.factors[0].value),) + t.factors[1:] if t.factors[0].value != -1 else t.factors[1:]
        return rest[0] if len(rest) == 1 else ir.MatMul(rest)
    return None


@prints(ir.Add)
def _add(p, e):
    out = p.wrap(e.terms[0], P_ADD)
    for t in e.terms[1:]:
        u = _negative(t) if t not in p.temps else None
        out += f" - {p.wrap(u, P_MUL)}" if u is not None else f" + {p.wrap(t, P_ADD)}"
    return out, P_ADD


@prints(ir.MatMul)
def _matmul(p, e):
    """Left to right. A diagonal matrix or a commutation matrix is never built inside a product:
    diag(v) M is ``v[:, None] * M``, M diag(v) is ``M * v``, K M is ``M[p]`` and M K is ``M[:, q]``
    (a row scaling, a column scaling, a permutation), so no n×n or n²×n² intermediate appears."""
    acc, prec, shape = None, P_ATOM, None
    for i, f in enumerate(e.factors):
        rest = e.factors[i + 1:]
        if (acc is None or shape == ir.SCALAR) and rest and _applies_from_left(f, rest):
            right = rest[0] if len(rest) == 1 else ir.MatMul(rest)
            code, p2 = _apply_from_left(p, f, right)
            if acc is None:
                return code, p2
            left = acc if prec >= P_MUL else f"({acc})"
            return f"{left} * {code if p2 > P_MUL else f'({code})'}", P_MUL
        if acc is None:
            acc, prec, shape = *p.go(f), f.shape
            continue
        if shape == ir.SCALAR or f.is_scalar:
            left = acc if prec >= P_MUL else f"({acc})"
            acc, prec = f"{left} * {p.wrap(f, P_MUL + 1)}", P_MUL
            shape = f.shape if shape == ir.SCALAR else shape
        elif isinstance(f, ir.DiagMatrix) and kind(f.arg) == "col" and f not in p.temps:
            left = acc if prec >= P_MUL else f"({acc})"     # M diag(v): the columns of M scaled
            acc, prec = f"{left} * {p.wrap(f.arg, P_MUL + 1)}", P_MUL
        elif i == 1 and isinstance(f, ir.Commutation) and _kron_then_k(e.factors[0], f, p):
            acc, prec = _kron_permuted(p, e.factors[0], f), P_ATOM
            shape = (shape[0], f.shape[1])
        elif isinstance(f, ir.Commutation) and f not in p.temps:
            q = f"{p.helper('commutation_index')}({p.size(f.cols)}, {p.size(f.rows)})"
            acc = f"{acc if prec >= P_ATOM else f'({acc})'}[{'' if shape[0] == 1 else ':, '}{q}]"
            prec = P_ATOM
        elif shape[1] == 1:       # a column times a row: the outer product
            acc, prec, shape = f"np.outer({acc}, {p.code(f)})", P_ATOM, (shape[0], f.shape[1])
        else:
            left = acc if prec >= P_MUL else f"({acc})"
            acc, prec, shape = f"{left} @ {p.wrap(f, P_MUL + 1)}", P_MUL, (shape[0], f.shape[1])
    return acc, prec


def _applies_from_left(f: ir.Expr, rest) -> bool:
    if isinstance(f, ir.DiagMatrix):
        return kind(f.arg) == "col" and not all(r.is_scalar for r in rest)
    return isinstance(f, ir.Commutation) and not all(r.is_scalar for r in rest)


def _apply_from_left(p, f: ir.Expr, right: ir.Expr) -> tuple[str, int]:
    """diag(v) R as a row scaling, K R as a row permutation; R is a matrix or a column."""
    if f in p.temps:   # already computed as a matrix
        return f"{p.wrap(f, P_MUL)} @ {p.wrap(right, P_MUL + 1)}", P_MUL
    if isinstance(f, ir.DiagMatrix):
        v = p.wrap(f.arg, P_ATOM)
        if kind(right) == "matrix":
            return f"{v}[:, None] * {p.wrap(right, P_MUL + 1)}", P_MUL
        return f"{v} * {p.wrap(right, P_MUL + 1)}", P_MUL
    if isinstance(right, ir.Kron) and right not in p.temps and \
            (f.rows, f.cols) == (right.right.shape[0], right.left.shape[0]):
        # K (A ⊗ B)[(i, j), (k, l)] = B[i, l] A[j, k]: one broadcast product, no kron, no permutation
        A, B = _block(p, right.left), _block(p, right.right)
        return f"np.reshape({B}[:, None, None, :] * {A}[:, :, None], ({p.size(f.shape[0])}, -1))", P_ATOM
    rows = f"{p.helper('commutation_index')}({p.size(f.rows)}, {p.size(f.cols)})"
    return f"{p.wrap(right, P_ATOM)}[{rows}]", P_ATOM


def _kron_then_k(kron: ir.Expr, k: ir.Commutation, p) -> bool:
    """(A ⊗ B) K with K's blocks matching the columns of A and B."""
    return isinstance(kron, ir.Kron) and kron not in p.temps and k not in p.temps and \
        (k.rows, k.cols) == (kron.left.shape[1], kron.right.shape[1])


def _kron_permuted(p, kron: ir.Kron, k: ir.Commutation) -> str:
    """(A ⊗ B) K [(i, j), (k, l)] = A[i, l] B[j, k]: one broadcast product, no kron, no permutation."""
    A, B = _block(p, kron.left), _block(p, kron.right)
    return f"np.reshape({A}[:, None, None, :] * {B}[:, :, None], ({p.size(kron.shape[0])}, -1))"


def _block(p, e: ir.Expr) -> str:
    """The value as a 2-D array, ready to index: a matrix as an atom, a vector reshaped."""
    return p.wrap(e, P_ATOM) if kind(e) == "matrix" else p.lift(e)


@prints(ir.Hadamard)
def _hadamard(p, e):
    parts = [p.wrap(e.factors[0], P_MUL)] + [p.wrap(f, P_MUL + 1) for f in e.factors[1:]]
    return " * ".join(parts), P_MUL


def _power(p, base: ir.Expr, exponent: ir.Expr):
    if isinstance(exponent, ir.Const) and exponent.value.denominator == 1:
        k = exponent.value.numerator
        return f"{p.wrap(base, P_POW + 1)} ** {k if k >= 0 else f'({k})'}", P_POW
    return f"np.power({p.code(base)}, {p.code(exponent)})", P_ATOM


@prints(ir.Pow)
def _pow(p, e):
    return _power(p, e.base, e.exponent)


@prints(ir.ElemPow)
def _elempow(p, e):
    return _power(p, e.base, e.exponent)


# ---- vec and Kronecker -----------------------------------------------------------------------
@prints(ir.Kron)
def _kron(p, e):
    code = f"np.kron({p.lift(e.left)}, {p.lift(e.right)})"
    k = kind(e)
    if k == "matrix":
        return code, P_ATOM
    return (f"np.ravel({code})", P_ATOM) if k != "scalar" else (f"{code}[0, 0]", P_ATOM)


@prints(ir.Vec)
def _vec(p, e):
    if kind(e.arg) != "matrix":
        return p.go(e.arg)
    return f"np.ravel({p.code(e.arg)}, order='F')", P_ATOM


@prints(ir.Commutation)
def _commutation(p, e):
    return f"{p.helper('commutation')}({p.size(e.rows)}, {p.size(e.cols)})", P_ATOM


@prints(ir.Softmax)
def _softmax(p, e):
    return f"{p.helper('softmax')}({p.code(e.arg)})", P_ATOM
