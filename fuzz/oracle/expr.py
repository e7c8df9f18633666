"""The oracle's own expression trees: shapes, source text in the package's language, NumPy values.

Nothing here comes from matdiff_magic. A tree is plain data (picklable, so it travels to the worker
processes and can be shrunk): ``Node(op, args, shape, attr)``. A shape is a pair of dimensions; a
dimension is a sorted tuple of size symbols, ``()`` being the literal 1 and ``("m", "n")`` the
product m·n that ``kron`` and ``vec`` make. The NumPy value of a tree is computed by ``value``, an
interpreter over these nodes that follows the README's definition of each operation; the source
text is printed by ``source`` from the same nodes. Text is never read back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

ONE: tuple = ()
SCALAR = (ONE, ONE)

ELEMENTWISE = (
    "exp",
    "log",
    "sin",
    "cos",
    "tan",
    "tanh",
    "arcsin",
    "arccos",
    "arctan",
    "abs",
    "sign",
    "relu",
    "sqrt",
    "sigmoid",
)


def dim(*symbols: str) -> tuple:
    return tuple(sorted(symbols))


def times(a: tuple, b: tuple) -> tuple:
    return tuple(sorted(a + b))


def is_scalar(shape) -> bool:
    return shape == SCALAR


@dataclass(frozen=True)
class Node:
    op: str
    args: tuple = ()
    shape: tuple = SCALAR
    attr: object = None  # var: name; num/fill: number text; fn: function; pow/epow: exponent text

    def walk(self):
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed(n.args))

    def size(self) -> int:
        return sum(1 for _ in self.walk())


@dataclass
class Variable:
    name: str
    kind: str  # scalar, vector, matrix, symmetric
    shape: tuple
    declared: bool = True  # False: left to the naming convention (X matrix, x vector)


@dataclass
class Case:
    """One fuzz input: declarations, the expression, what to differentiate by and how."""

    variables: dict  # name -> Variable
    tree: Node
    wrt: str
    layout: str = "mixed"
    order: int = 1
    sizes: dict = field(default_factory=dict)  # size symbol -> int
    value_seed: int = 0
    invalid: bool = False  # built with a domain error on purpose
    name: str | None = None  # "f = …" before the expression
    spacing: int = 0  # which of a few ways of laying the text out

    def used(self) -> list[Variable]:
        seen = []
        for n in self.tree.walk():
            if n.op == "var" and n.attr not in seen:
                seen.append(n.attr)
        return [self.variables[name] for name in seen]

    def source(self) -> str:
        return render_case(self)

    def to_json(self) -> dict:
        return {
            "source": self.source(),
            "wrt": self.wrt,
            "layout": self.layout,
            "order": self.order,
            "sizes": dict(self.sizes),
            "invalid_domain_on_purpose": self.invalid,
        }


# ---------------------------------------------------------------- construction helpers


def var(v: Variable) -> Node:
    return Node("var", (), v.shape, v.name)


def num(text: str) -> Node:
    return Node("num", (), SCALAR, text)


def fill_vector(text: str, rows: tuple) -> Node:
    return Node("fillv", (), (rows, ONE), text)


def fill_matrix(text: str, shape: tuple) -> Node:
    return Node("fillm", (), shape, text)


def eye(d: tuple) -> Node:
    return Node("eye", (), (d, d))


def transpose(a: Node) -> Node:
    return Node("T", (a,), (a.shape[1], a.shape[0]))


def neg(a: Node) -> Node:
    return Node("neg", (a,), a.shape)


def _broadcast(a: Node, b: Node) -> tuple:
    if is_scalar(a.shape):
        return b.shape
    if not is_scalar(b.shape) and a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape} do not match")
    return a.shape


def add(a: Node, b: Node) -> Node:
    return Node("add", (a, b), _broadcast(a, b))


def sub(a: Node, b: Node) -> Node:
    return Node("sub", (a, b), _broadcast(a, b))


def hmul(a: Node, b: Node) -> Node:
    return Node("hmul", (a, b), _broadcast(a, b))


def hdiv(a: Node, b: Node) -> Node:
    return Node("hdiv", (a, b), _broadcast(a, b))


def mul(a: Node, b: Node) -> Node:
    if is_scalar(a.shape):
        return Node("mul", (a, b), b.shape)
    if is_scalar(b.shape):
        return Node("mul", (a, b), a.shape)
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply {a.shape} by {b.shape}")
    return Node("mul", (a, b), (a.shape[0], b.shape[1]))


def div(a: Node, b: Node) -> Node:
    assert is_scalar(b.shape)
    return Node("div", (a, b), a.shape)


def power(a: Node, exponent: str) -> Node:
    assert is_scalar(a.shape)
    return Node("pow", (a,), SCALAR, exponent)


def epower(a: Node, exponent: str) -> Node:
    return Node("epow", (a,), a.shape, exponent)


def apply(func: str, a: Node) -> Node:
    assert func in ELEMENTWISE
    return Node("fn", (a,), a.shape, func)


def call(func: str, a: Node, b: Node | None = None) -> Node:
    r, c = a.shape
    if func in ("tr", "det", "logdet"):
        assert r == c
        return Node(func, (a,), SCALAR)
    if func == "inv":
        assert r == c and r != ONE
        return Node(func, (a,), a.shape)
    if func in ("sum", "norm1", "norm2"):
        return Node(func, (a,), SCALAR)
    if func == "diag":
        if c == ONE and r != ONE:
            return Node(func, (a,), (r, r))
        assert r == c and r != ONE
        return Node(func, (a,), (r, ONE))
    if func == "vec":
        return Node(func, (a,), (times(r, c), ONE))
    if func == "softmax":
        assert c == ONE and r != ONE
        return Node(func, (a,), a.shape)
    if func == "kron":
        assert b is not None
        return Node(func, (a, b), (times(r, b.shape[0]), times(c, b.shape[1])))
    raise ValueError(func)


def rebuild(node: Node, args: tuple) -> Node:
    """The same operation over new arguments (of the same shapes)."""
    return Node(node.op, tuple(args), node.shape, node.attr)


# ---------------------------------------------------------------- source text

# binding powers of the language (README: ^ right associative, unary minus above products,
# transpose tightest); an operand is parenthesised unless it binds at least as tightly
PREC = {
    "add": 10,
    "sub": 10,
    "mul": 20,
    "div": 20,
    "hmul": 20,
    "hdiv": 20,
    "neg": 25,
    "pow": 30,
    "epow": 30,
    "T": 40,
}
SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "hmul": ".*", "hdiv": "./"}


def _prec(n: Node) -> int:
    return PREC.get(n.op, 100)


def source(n: Node, loose: bool = False) -> str:
    """The expression in the package's language. ``loose`` puts spaces around + and -."""
    op = n.op
    if op == "var":
        return n.attr
    if op == "num":
        return n.attr
    if op == "fillv":
        return f"vector({n.attr})"
    if op == "fillm":
        return f"matrix({n.attr})"
    if op == "eye":
        return "eye"
    if op == "T":
        inner = source(n.args[0], loose)
        return (inner if _prec(n.args[0]) >= 40 and not _starts_with_minus(n.args[0]) else f"({inner})") + "'"
    if op == "neg":
        a = n.args[0]
        inner = source(a, loose)
        return "-" + (inner if _prec(a) > 25 and not _starts_with_minus(a) else f"({inner})")
    if op in SYMBOL:
        a, b = n.args
        left = source(a, loose)
        right = source(b, loose)
        p = PREC[op]
        if _prec(a) < p:
            left = f"({left})"
        if _prec(b) <= p or b.op == "neg" or _starts_with_minus(b):
            right = f"({right})"
        sym = SYMBOL[op]
        if loose and op in ("add", "sub"):
            sym = f" {sym} "
        return f"{left}{sym}{right}"
    if op in ("pow", "epow"):
        a = n.args[0]
        base = source(a, loose)
        if _prec(a) <= 30 or _starts_with_minus(a):
            base = f"({base})"
        e = n.attr
        if e.startswith("-"):
            e = f"({e})"
        return f"{base}{'^' if op == 'pow' else '.^'}{e}"
    if op == "fn":
        return f"{n.attr}({source(n.args[0], loose)})"
    return f"{op}({', '.join(source(a, loose) for a in n.args)})"


def _starts_with_minus(n: Node) -> bool:
    return n.op == "num" and n.attr.startswith("-")


def _dim_text(d: tuple) -> str:
    assert len(d) == 1
    return d[0]


def declaration(v: Variable) -> str | None:
    if not v.declared:
        return None
    if v.kind == "scalar":
        return f"{v.name}: scalar"
    if v.kind == "vector":
        return f"{v.name}: vector({_dim_text(v.shape[0])})"
    if v.kind == "symmetric":
        return f"{v.name}: symmetric({_dim_text(v.shape[0])})"
    return f"{v.name}: matrix({_dim_text(v.shape[0])}, {_dim_text(v.shape[1])})"


def render_case(case: Case) -> str:
    lines = []
    used = case.used()
    if case.wrt not in [v.name for v in used]:
        used.append(case.variables[case.wrt])
    decls = [d for d in (declaration(v) for v in used) if d]
    if case.spacing == 1:  # group declarations of one kind and size: "a, b: vector(m)"
        grouped: dict = {}
        for v in used:
            d = declaration(v)
            if d:
                grouped.setdefault(d.split(":", 1)[1], []).append(v.name)
        decls = [f"{', '.join(names)}:{kind}" for kind, names in grouped.items()]
    if case.spacing == 2 and decls:
        lines.append("# declarations")
    lines += decls
    expr = source(case.tree, loose=case.spacing in (1, 2))
    if case.name:
        expr = f"{case.name} = {expr}"
    lines.append(expr)
    return "\n".join(lines)


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
