"""The oracle's own expression trees: shapes, source text in the package's language, NumPy values.

Nothing here comes from matdiff_magic. A tree is plain data (picklable, so it travels to the worker
processes and can be shrunk): ``Node(op, args, shape, attr)``. A shape is a pair of dimensions; a
dimension is a sorted tuple of size symbols, ``()`` being the literal 1 and ``("m", "n")`` the
product m·n that ``kron`` and ``vec`` make. The source text is printed by ``source`` from these
nodes and never read back; their NumPy value, by ``semantics.value``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
