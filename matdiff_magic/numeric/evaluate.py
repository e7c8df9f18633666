"""NumPy values of IR expressions. Vectors are columns inside (n×1); sizes come from the values."""
from __future__ import annotations

import math

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ops.elementwise import ELEMENTWISE


def as_matrix(value, var: ir.Var) -> np.ndarray:
    """A user value as a 2-D float array in the variable's orientation."""
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a.reshape(-1, 1) if var.shape[1] == 1 or var.shape == ir.SCALAR else a.reshape(1, -1)
    elif a.ndim > 2:
        raise MatdiffError(f"{var.name} must be a scalar, a vector or a matrix, got an array of "
                           f"shape {a.shape}")
    return a


def bind_sizes(variables, values: dict) -> dict:
    """Match each variable's symbolic shape with its value's shape; returns size symbol -> int."""
    sizes: dict = {}
    for var in variables:
        if var.name not in values:
            continue
        a = values[var.name]
        kind = "scalar" if var.shape == ir.SCALAR else "vector" if var.shape[1] == 1 else "matrix"
        if kind == "scalar" and a.size != 1 or kind == "vector" and a.shape[1] != 1 \
                or kind == "matrix" and a.ndim != 2:
            raise MatdiffError(f"{var.name} is a {kind}, but its value has shape {np.shape(a)}")
        for dim, n in zip(var.shape, a.shape):
            if dim == 1:
                if n != 1:
                    raise MatdiffError(f"{var.name} is a {kind}, but its value has shape {a.shape}")
                continue
            if isinstance(dim, str) and dim.isdigit() and int(dim) != n:
                raise MatdiffError(f"{var.name} was declared with size {dim}, but its value has {n}")
            if sizes.setdefault(dim, n) != n:
                raise MatdiffError(f"size {dim} is {sizes[dim]} elsewhere but {n} in {var.name} "
                                   f"(shape {a.shape})")
        if var.symmetric and not np.allclose(a, a.T):
            raise MatdiffError(f"{var.name} is declared symmetric, but its value is not")
    return sizes


def to_float(value) -> float:
    """An exact number as a float; beyond the float range it is ±inf, not an OverflowError
    (a product of large numbers such as 1e300*1e300 is exact, its value is not)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


class Evaluator:
    def __init__(self, values: dict, sizes: dict):
        self.values, self.sizes = values, sizes
        self.memo: dict = {}

    def size(self, d) -> int:
        if d == 1:
            return 1
        if isinstance(d, str) and "·" in d:
            out = 1
            for part in d.split("·"):
                out *= self.size(part)
            return out
        if d in self.sizes:
            return self.sizes[d]
        if isinstance(d, str) and d.isdigit():
            return int(d)
        raise MatdiffError(f"the size {d} is not fixed by any value given")

    def shape(self, e: ir.Expr) -> tuple:
        return (self.size(e.shape[0]), self.size(e.shape[1]))

    def __call__(self, e: ir.Expr) -> np.ndarray:
        key = id(e)
        if key not in self.memo:
            self.memo[key] = (getattr(self, "e_" + type(e).__name__)(e), e)  # keep e alive
        return self.memo[key][0]

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

    def e_Neg(self, e):
        return -self(e.arg)

    def e_Transpose(self, e):
        return self(e.arg).T

    def e_Inverse(self, e):
        return np.linalg.inv(self(e.arg))

    def e_Trace(self, e):
        return np.array([[np.trace(self(e.arg))]])

    def e_Det(self, e):
        return np.array([[np.linalg.det(self(e.arg))]])

    def e_LogDet(self, e):
        sign, logabs = np.linalg.slogdet(self(e.arg))
        return np.array([[logabs if sign > 0 else np.nan]])

    def e_SumAll(self, e):
        return np.array([[np.sum(self(e.arg))]])

    def e_DiagMatrix(self, e):
        return np.diag(self(e.arg)[:, 0])

    def e_DiagVector(self, e):
        return np.diag(self(e.arg)).reshape(-1, 1).copy()

    def e_Norm(self, e):
        a = self(e.arg)
        return np.array([[np.abs(a).sum() if e.p == 1 else np.sqrt((a * a).sum())]])

    def e_Apply(self, e):
        return ELEMENTWISE[e.func][0](self(e.arg))

    def e_Add(self, e):
        out = self(e.terms[0])
        for t in e.terms[1:]:
            out = out + self(t)
        return out

    def e_MatMul(self, e):
        out = self(e.factors[0])
        for f in e.factors[1:]:
            v = self(f)
            if out.shape[1] == v.shape[0]:
                out = out @ v
            else:  # one side is 1×1: a scalar multiple
                out = out * v
        return out

    def e_Hadamard(self, e):
        out = self(e.factors[0])
        for f in e.factors[1:]:
            out = out * self(f)
        return out

    def e_Kron(self, e):
        return np.kron(self(e.left), self(e.right))

    def e_Vec(self, e):
        return self(e.arg).reshape(-1, 1, order="F")

    def e_Commutation(self, e):
        r, c = self.size(e.rows), self.size(e.cols)
        k = np.zeros((r * c, r * c))
        for i in range(r):
            for j in range(c):
                k[i * c + j, j * r + i] = 1.0   # vec(A)[j*r + i] = A[i, j] = vec(Aᵀ)[i*c + j]
        return k

    def e_Softmax(self, e):
        u = self(e.arg)
        z = np.exp(u - u.max())
        return z / z.sum()

    def e_Pow(self, e):
        return np.power(self(e.base), self(e.exponent)[0, 0])

    def e_ElemPow(self, e):
        return np.power(self(e.base), self(e.exponent)[0, 0])


def evaluate(expr: ir.Expr, variables, values: dict) -> np.ndarray:
    """Value of ``expr`` given user values (arrays of any orientation) for ``variables``."""
    by_name = {v.name: v for v in variables}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise MatdiffError(f"unknown variable{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
                           f" (the expression has {', '.join(by_name) or 'no variables'})")
    mats = {name: as_matrix(v, by_name[name]) for name, v in values.items()}
    sizes = bind_sizes(variables, mats)
    with np.errstate(all="ignore"):
        return Evaluator(mats, sizes)(expr)
