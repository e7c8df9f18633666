"""The oracle's NumPy semantics of its expression trees, and which constant sizes the text fixes.

``value`` is an interpreter over ``expr.Node`` trees that follows the README's definition of each
operation (nothing here comes from matdiff_magic); on the way it notes kinks (relu, abs, sign at 0)
and values whose differences floating point cannot follow. ``constants_pinned`` says whether the
sizes of eye, vector(c) and matrix(c) are tied to a variable's by the way they are used.
"""

from __future__ import annotations

import math

import numpy as np

from fuzz.oracle.expr import ONE, Node, is_scalar

# ---------------------------------------------------------------- NumPy semantics (the oracle)


def number(text: str) -> float:
    return float(text)


def _sigmoid(x):
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


FUNCTIONS = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "abs": np.abs,
    "sign": np.sign,
    "relu": lambda x: np.where(x > 0, x, np.where(np.isnan(x), np.nan, 0.0)),
    "sqrt": np.sqrt,
    "sigmoid": _sigmoid,
}


def size_of(d: tuple, sizes: dict) -> int:
    return math.prod(sizes[s] for s in d)


def value(n: Node, env: dict, sizes: dict, kinks: list | None = None) -> np.ndarray:
    """The value of the tree (a 2-D float array: scalars 1×1, vectors n×1) at ``env`` (name -> 2-D).

    ``kinks``, when given, collects the places where the chain rule has no value although f may be
    finite or even differentiable, or where floating point cannot follow it: a sub-expression that
    is infinite, NaN or beyond HUGE, a sum that absorbs a term, a norm2 of zero, sqrt of 0, a power
    below 1 of 0 (‖relu(x − 1)‖ is flat where x < 1, but its differential goes through 0/0)."""
    memo: dict = {}

    def ev(n: Node) -> np.ndarray:
        key = id(n)
        if key in memo:
            return memo[key]
        out = _ev(n, ev, env, sizes)
        memo[key] = out
        if kinks is not None:
            _kink(n, ev, kinks)
        return out

    with np.errstate(all="ignore"):
        return ev(n)


HUGE = 1e100  # beyond this an intermediate value's square overflows: exp(x/1e-300) is 0, its
# differential 0·∞
ABSORBED = 1e7  # a sum whose terms differ more than this has lost the small one's differences:
# sin(x + 1e300) is constant in floating point, its derivative is not


def _kink(n: Node, ev, kinks: list) -> None:
    out = ev(n)
    if n.op not in ("tr", "diag") and not all(np.all(np.isfinite(ev(a))) for a in n.args):
        # v/0 inside tanh(v/0): f is finite, its differential is not (only a trace or a diagonal
        # drops the infinite entries of B./eye without using them)
        kinks.append(f"{n.op} of something infinite")
    elif np.any(np.abs(out[np.isfinite(out)]) > HUGE):
        kinks.append(f"precision: {n.op} beyond {HUGE:g}")
    elif n.op in ("add", "sub") and _absorbs(ev(n.args[0]), ev(n.args[1])):
        kinks.append("precision: a sum that absorbs one of its terms")
    elif n.op == "norm2" and not np.any(ev(n.args[0])):
        kinks.append("norm2 of zero")
    elif n.op == "fn" and n.attr in ("sqrt", "log") and np.any(ev(n.args[0]) == 0):
        kinks.append(f"{n.attr} of 0")
    elif n.op in ("pow", "epow"):
        e = number(n.attr)
        if (e < 1 or e != int(e)) and np.any(ev(n.args[0]) == 0):
            kinks.append(f"0 to the power {n.attr}")


def _absorbs(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.broadcast_arrays(np.abs(a), np.abs(b))
    big, small = np.maximum(a, b), np.minimum(a, b)
    with np.errstate(all="ignore"):
        return bool(np.any((small > 0) & (big > ABSORBED * small)))


def _ev(n: Node, ev, env, sizes) -> np.ndarray:
    op = n.op
    if op == "var":
        return env[n.attr]
    if op == "num":
        return np.array([[number(n.attr)]])
    if op == "fillv":
        return np.full((size_of(n.shape[0], sizes), 1), number(n.attr))
    if op == "fillm":
        return np.full((size_of(n.shape[0], sizes), size_of(n.shape[1], sizes)), number(n.attr))
    if op == "eye":
        return np.eye(size_of(n.shape[0], sizes))
    args = [ev(a) for a in n.args]
    if op == "T":
        return args[0].T
    if op == "neg":
        return -args[0]
    if op == "add":
        return args[0] + args[1]
    if op == "sub":
        return args[0] - args[1]
    if op == "hmul":
        return args[0] * args[1]
    if op == "hdiv":
        return args[0] / args[1]
    if op == "mul":
        a, b = n.args
        if is_scalar(a.shape) or is_scalar(b.shape):
            return args[0] * args[1]
        return args[0] @ args[1]
    if op == "div":
        return args[0] / args[1][0, 0]
    if op == "pow":
        base = args[0][0, 0]
        e = number(n.attr)
        if base == 0 and e < 0:
            return np.array([[np.inf]])
        return np.array([[np.power(base, e)]])
    if op == "epow":
        base = args[0]
        e = number(n.attr)
        return np.power(base, e)
    if op == "fn":
        return FUNCTIONS[n.attr](args[0])
    a = args[0]
    if op == "tr":
        return np.array([[np.trace(a)]])
    if op == "det":
        return np.array([[np.linalg.det(a)]])
    if op == "logdet":
        d = np.linalg.det(a)
        return np.array([[np.log(d) if d > 0 else np.nan]])
    if op == "inv":
        if not np.all(np.isfinite(a)):
            return np.full(a.shape, np.nan)
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            return np.full(a.shape, np.nan)
        if np.linalg.cond(a) > 1e12:  # numerically singular: no value worth differentiating
            return np.full(a.shape, np.nan)
        return out
    if op == "sum":
        return np.array([[a.sum()]])
    if op == "norm1":
        return np.array([[np.abs(a).sum()]])
    if op == "norm2":
        return np.array([[np.sqrt((a * a).sum())]])
    if op == "diag":
        if n.args[0].shape[1] == ONE:
            return np.diag(a[:, 0])
        return np.diag(a).reshape(-1, 1).copy()
    if op == "vec":
        return a.reshape(-1, 1, order="F")
    if op == "kron":
        return np.kron(a, args[1])
    if op == "softmax":
        z = np.exp(a - a.max())
        return z / z.sum()
    raise ValueError(op)


# ---------------------------------------------------------------- sizes the language can pin down


class _UnionFind:
    def __init__(self):
        self.parent: dict = {}
        self.anchored: set = set()

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        if a == 1 or b == 1:
            return
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb
            if ra in self.anchored:
                self.anchored.add(rb)


def constants_pinned(tree: Node) -> bool:
    """Whether every size of every constant (eye, vector(c), matrix(c)) is tied to a variable's size
    by the way it is used, so that the values given to evaluate() fix it. Mirrors the language's
    unification only as far as simple (non-product) sizes go."""
    uf = _UnionFind()
    counter = [0]
    constants: list = []

    def sym(d: tuple):
        if d == ONE:
            return 1
        key = ("sym", *d)
        uf.find(key)
        uf.anchored.add(key)
        return key

    def fresh():
        counter[0] += 1
        return ("fresh", counter[0])

    def unify(a, b):
        if a == 1 or b == 1:
            return
        if (isinstance(a, tuple) and a[0] == "prod") or (isinstance(b, tuple) and b[0] == "prod"):
            return
        uf.union(a, b)
        uf.union(b, a)

    def tok(d: tuple):
        return sym(d) if len(d) <= 1 else ("prod", *d)

    def walk(n: Node):
        op = n.op
        if op == "var":
            return (tok(n.shape[0]), tok(n.shape[1]))
        if op == "num":
            return (1, 1)
        if op == "fillv":
            t = (fresh(), 1)
            constants.append(t)
            return t
        if op == "fillm":
            t = (fresh(), fresh())
            constants.append(t)
            return t
        if op == "eye":
            f = fresh()
            constants.append((f, f))
            return (f, f)
        shapes = [walk(a) for a in n.args]
        if op in ("T",):
            return (shapes[0][1], shapes[0][0])
        if op in ("neg", "fn", "epow", "softmax"):
            return shapes[0]
        if op in ("add", "sub", "hmul", "hdiv"):
            a, b = shapes
            sa, sb = is_scalar(n.args[0].shape), is_scalar(n.args[1].shape)
            if sa:
                return b
            if not sb:
                unify(a[0], b[0])
                unify(a[1], b[1])
            return a
        if op == "mul":
            a, b = shapes
            if is_scalar(n.args[0].shape):
                return b
            if is_scalar(n.args[1].shape):
                return a
            unify(a[1], b[0])
            return (a[0], b[1])
        if op in ("div",):
            return shapes[0]
        if op == "pow":
            return (1, 1)
        if op in ("tr", "det", "logdet"):
            unify(*shapes[0])
            return (1, 1)
        if op == "inv":
            unify(*shapes[0])
            return shapes[0]
        if op in ("sum", "norm1", "norm2"):
            return (1, 1)
        if op == "diag":
            r, c = shapes[0]
            if n.args[0].shape[1] == ONE:
                return (r, r)
            unify(r, c)
            return (r, 1)
        if op in ("vec", "kron"):
            return (tok(n.shape[0]), tok(n.shape[1]))
        raise ValueError(op)

    walk(tree)
    for shape in constants:
        for t in shape:
            if t != 1 and uf.find(t) not in uf.anchored:
                return False
    return True
