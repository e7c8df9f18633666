"""NumPy values of IR expressions. Vectors are columns inside (n×1); sizes come from the values.

The leaves are evaluated here; every operation by the value its op registers (``ops/``), the
same function the evaluation trace and, for helpers, the exported code run."""

from __future__ import annotations

import math
import numbers

import numpy as np

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.registry import op_of
from matdiff_magic.ops.samples import first_sample, is_per_sample
from matdiff_magic.types.dims import Dim


def readable(value, name: str):
    """``value`` as NumPy reads it (``np.asarray``); a NumPy array, a masked one too, as it is. A
    tensor that records its gradient (torch's ``requires_grad``, whose ``__array__`` raises) is
    read through ``detach()``: its numbers. MatdiffError for another object whose conversion
    raises; NumPy's TypeError and ValueError (a ragged list) pass to the caller, which words them."""
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise
    except Exception:  # a foreign __array__ that raises: "internal error" in the magic before
        detach = getattr(value, "detach", None)
        if callable(detach):
            try:
                return np.asarray(detach())
            except Exception:  # not a tensor after all: refused below
                pass
        what = type(value).__name__
        raise MatdiffError(f"the value of {name} is not a number, a vector or a matrix: {what}") from None


def as_matrix(value, var: ir.Var) -> np.ndarray:
    """A user value as a 2-D float array in the variable's orientation. MatdiffError for no
    value (None, or None among its entries), complex numbers (f is a real function; casting would
    drop the imaginary part), entries that are not numbers (text, dates: ``not_a_number``), masked
    entries, no entries, and a number given for a vector or a matrix. A ragged list raises NumPy's
    ValueError, which the caller words."""
    if value is None:
        raise MatdiffError(f"the value of {var.name} is None: give its numbers")
    value = readable(value, var.name)
    if np.iscomplexobj(value):
        if np.any(np.imag(value) != 0):
            raise MatdiffError(
                f"the value of {var.name} is complex: the derivatives are of functions of real numbers"
            )
        value = np.real(value)
    if isinstance(value, np.ma.MaskedArray) and np.ma.is_masked(value):  # asarray drops the mask
        raise MatdiffError(f"the value of {var.name} has masked entries: give all its numbers")
    raw = np.asarray(value)  # a ragged list raises here (the caller words it)
    if raw.dtype.kind == "O" and any(x is None for x in raw.flat):  # float() makes None NaN
        raise MatdiffError(f"the value of {var.name} holds None: give its numbers")
    other = not_a_number(raw)
    if other is not None:  # NumPy reads '1.5' as 1.5 and a date as its day count
        raise MatdiffError(f"the value of {var.name} must be numbers: it holds {other}")
    a = raw.astype(float)
    if a.size == 0:  # a size is at least 1 (a declaration of size 0 is refused alike)
        raise MatdiffError(f"the value of {var.name} has no entries (shape {a.shape}): sizes are at least 1")
    if a.ndim == 0:
        if var.shape != ir.SCALAR:
            kind = "vector" if var.shape[1] == 1 else "matrix"
            raise MatdiffError(
                f"{var.name} is a {kind}, but its value is a number",
                hint="give it as an array, e.g. np.array([[2.0]]) for a 1×1 matrix",
            )
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        if var.shape[1] != 1 and var.shape[0] != 1:  # an m×n matrix: which shape is meant?
            raise MatdiffError(
                f"{var.name} is a matrix, but its value is a vector (shape {a.shape})",
                hint="give it as a 2-D array of its rows and columns",
            )
        a = a.reshape(-1, 1) if var.shape[1] == 1 or var.shape == ir.SCALAR else a.reshape(1, -1)
    elif a.ndim == 3 and is_per_sample(var.name) and var.shape[0] != 1 and var.shape[1] != 1:
        return a  # a matrix per sample, the sample index first (ops.samples.first_sample)
    elif a.ndim > 2:
        raise MatdiffError(
            f"{var.name} must be a scalar, a vector or a matrix, got an array of shape {a.shape}"
        )
    return a


def not_a_number(raw: np.ndarray) -> str | None:
    """The type of an entry of ``raw`` that is not a number (str, datetime64, dict …), or None
    when every entry is one (booleans, integers, floats; complex numbers are the caller's)."""
    if raw.dtype.kind in "biufc":
        return None
    if raw.dtype.kind != "O":
        return raw.dtype.type.__name__.rstrip("_")  # str_: str
    return next((type(x).__name__ for x in raw.flat if not isinstance(x, numbers.Number)), None)


def bind_sizes(variables, values: dict) -> dict:
    """Match each variable's symbolic shape with its value's shape; returns size symbol -> int."""
    sizes: dict = {}
    products: list = []  # (a size that is a product, its value, the variable, its shape)
    for var in variables:
        if var.name not in values:
            continue
        a = values[var.name]
        if is_per_sample(var.name):  # values of every sample, the sample index first: one fits the shape
            a = first_sample(a, var)
        kind = "scalar" if var.shape == ir.SCALAR else "vector" if var.shape[1] == 1 else "matrix"
        if (
            (kind == "scalar" and a.size != 1)
            or (kind == "vector" and a.shape[1] != 1)
            or (kind == "matrix" and a.ndim != 2)
        ):
            raise MatdiffError(f"{var.name} is a {kind}, but its value has shape {np.shape(a)}")
        for dim, n in zip(var.shape, a.shape):
            if dim == 1:
                if n != 1:
                    raise MatdiffError(f"{var.name} is a {kind}, but its value has shape {a.shape}")
                continue
            if Dim.of(dim).is_fixed and int(dim) != n:
                raise MatdiffError(f"{var.name} was declared with size {dim}, but its value has {n}")
            if len(Dim.of(dim).symbols) > 1 or Dim.of(dim).coef != 1:
                products.append((Dim.of(dim), n, var.name, a.shape))
            elif sizes.setdefault(dim, n) != n:
                if kind == "vector":  # its length, whether it was given as (n,) or (n, 1)
                    raise MatdiffError(
                        f"size {dim} is {sizes[dim]} elsewhere but {n} in {var.name} (length {n})"
                    )
                raise MatdiffError(
                    f"size {dim} is {sizes[dim]} elsewhere but {n} in {var.name} (shape {a.shape})"
                )
        if var.symmetric and not np.allclose(a, a.T):
            raise MatdiffError(f"{var.name} is declared symmetric, but its value is not")
    _solve_products(sizes, products)
    return sizes


def _solve_products(sizes: dict, products: list) -> None:
    """Sizes that are products (a's length 2·m in a'*kron(X, eye(2))): checked once their symbols
    are known; a product with one unknown symbol gives it (2·m = 6: m = 3). A product left with
    several unknown symbols binds nothing."""
    progress = True
    while progress:
        progress = False
        for d, n, name, shape in list(products):
            unknown = [s for s in dict.fromkeys(d.symbols) if s not in sizes]
            if len(unknown) == 1:
                power = d.symbols.count(unknown[0])
                rest = d.coef * math.prod(sizes[s] for s in d.symbols if s != unknown[0])
                root = round((n / rest) ** (1 / power)) if n % rest == 0 else 0
                if root < 1 or rest * root**power != n:
                    known = ", ".join(f"{s} = {sizes[s]}" for s in dict.fromkeys(d.symbols) if s in sizes)
                    raise MatdiffError(
                        f"{name} has size {n} (shape {shape}) where its shape says {d}: "
                        f"no whole {unknown[0]} gives it{' with ' + known if known else ''}"
                    )
                sizes[Dim.symbol(unknown[0])] = root
                unknown = []
            if not unknown:
                products.remove((d, n, name, shape))
                progress = True
                if d.value(sizes) != n:
                    known = ", ".join(f"{s} = {sizes[s]}" for s in dict.fromkeys(d.symbols))
                    raise MatdiffError(
                        f"{name} has size {n} (shape {shape}) where its shape says {d}, "
                        f"which is {d.value(sizes)} with {known}"
                    )


def to_float(value) -> float:
    """An exact number as a float; beyond the float range it is ±inf, not an OverflowError
    (a product of large numbers such as 1e300*1e300 is exact, its value is not)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


_LEAVES: dict = {}  # node type -> Evaluator's method for it (a leaf), or None (an operation)


class Evaluator:
    def __init__(self, values: dict, sizes: dict):
        self.values, self.sizes = values, {Dim.of(k): v for k, v in sizes.items()}
        self.memo: dict = {}

    def size(self, d) -> int:
        d = Dim.of(d)
        if d.is_fixed:
            return d.coef
        if len(d.symbols) > 1 or d.coef != 1:
            return d.coef * math.prod(self.size(Dim.symbol(s)) for s in d.symbols)
        if d in self.sizes:
            return self.sizes[d]
        raise MatdiffError(f"the size {d} is not fixed by any value given")

    def shape(self, e: ir.Expr) -> tuple:
        return (self.size(e.shape[0]), self.size(e.shape[1]))

    def __call__(self, e: ir.Expr) -> np.ndarray:
        hit = self.memo.get(id(e))
        if hit is not None:
            return hit[0]
        leaf = _LEAVES.get(type(e), False)
        if leaf is False:  # the method of a leaf type (e_Var, …) or None, found once per type
            leaf = _LEAVES[type(e)] = getattr(Evaluator, "e_" + type(e).__name__, None)
        value = leaf(self, e) if leaf is not None else self.op(e)
        self.memo[id(e)] = (value, e)  # keep e alive while its id is a key
        return value

    def e_Var(self, e):
        if e.name not in self.values:
            raise MatdiffError(f"no value given for {e.name}")
        return self.values[e.name]

    def e_Const(self, e):
        return np.array([[to_float(e.value)]])

    def e_Fill(self, e):
        return np.full(self.shape(e), to_float(e.value))

    def e_Identity(self, e):
        return np.eye(self.size(e.shape[0]))

    def e_Zero(self, e):
        return np.zeros(self.shape(e))

    def e_D(self, e):
        raise MatdiffError("a differential has no value")

    def op(self, e):
        """An operation: its registered value of its operands' values."""
        try:
            op = op_of(e)
        except KeyError:
            raise MatdiffError(f"{type(e).__name__} has no numeric value") from None
        if "evaluate" in op.extra:  # it evaluates its operands itself (a sum over samples)
            return op.extra["evaluate"](self, e)
        memo, operands = self.memo, []
        for k in e.children():  # an operand shared with another node (most leaves): no call
            hit = memo.get(id(k))
            operands.append(hit[0] if hit is not None else self(k))
        return op.value(operands, op.param(e, self.size))


def evaluate(expr: ir.Expr, variables, values: dict) -> np.ndarray:
    """Value of ``expr`` given user values (arrays of any orientation) for ``variables``."""
    by_name = {v.name: v for v in variables}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise MatdiffError(
            f"unknown variable{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
            f" (the expression has {', '.join(by_name) or 'no variables'})"
        )
    mats = {name: as_matrix(v, by_name[name]) for name, v in values.items()}
    sizes = bind_sizes(variables, mats)
    with np.errstate(all="ignore"):
        return Evaluator(mats, sizes)(expr)
