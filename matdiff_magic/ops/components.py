"""Vectors and matrices written out entry by entry (seed 002): a literal ``[a, b; c, d]`` of
scalar expressions, and the entries of a variable declared by its components, ``y = [y1; y2]``.

``Literal(entries, rows, cols)`` is the rows×cols matrix of its scalar ``entries`` (row by row, as
written); d of it is the literal of the differentials, entry by entry. ``Entry(X, i, j, name)`` is
the entry X_ij (0-based) of a variable, written by its component's name (y₁): the cell's y1 stands
for it, so f(y₁, y₂) is a function of the vector y and evaluates, checks and differentiates as one.
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, ShapeError
from matdiff_magic.ops.declare import Node, linear_map_row
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Brackets, Named
from matdiff_magic.ops.registry import C_ATOM, np, register
from matdiff_magic.ops.sympy_forms import SympyForm


class Literal(Expr):
    """A rows×cols matrix written out: its scalar entries, row by row."""

    __slots__ = ("cols", "entries", "rows")
    _children = ("entries",)
    _attrs = ("rows", "cols")
    entries: tuple
    rows: int
    cols: int

    def __init__(self, entries, rows: int, cols: int):
        entries = tuple(entries)
        if len(entries) != rows * cols or any(not e.is_scalar for e in entries):
            raise ShapeError(f"a {rows}×{cols} literal takes {rows * cols} scalar entries")
        self._init((rows, cols))
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)

    @staticmethod
    def shape_of(*entries: Expr) -> tuple:
        return (len(entries), 1)


class Entry(Node):
    """X_ij, the entry (i, j) of X (0-based), written as the component ``name`` (y1 -> y₁):
    ``Entry(arg, i, j, name)``."""

    __slots__ = ("arg", "i", "j", "name")
    _attrs = ("i", "j", "name")
    arg: Expr
    i: int
    j: int
    name: str

    @staticmethod
    def shape_of(arg: Expr) -> tuple:
        return SCALAR


ENTRY_BY_ENTRY = Identity(
    "entry by entry",
    r"\mathrm{d}\begin{bmatrix} a & b \\ c & d \end{bmatrix} = "
    r"\begin{bmatrix} \mathrm{d}a & \mathrm{d}b \\ \mathrm{d}c & \mathrm{d}d \end{bmatrix}",
)
ENTRY = Identity("entry", r"\mathrm{d}(X_{ij}) = (\mathrm{d}X)_{ij}")


def _literal_value(xs, p):
    rows, cols = p
    return np.array([float(np.sum(x)) for x in xs]).reshape(rows, cols)


def _entry_value(xs, p):
    i, j = p
    return xs[0][i : i + 1, j : j + 1]


def _entry_adjoints(g, xs, p):
    out = np.zeros_like(xs[0])
    out[p[0], p[1]] = float(np.sum(g))
    return [out]


def _literal_adjoints(g, xs, p):
    flat = np.asarray(g).reshape(-1)
    return [np.array([[flat[k]]]) for k in range(len(xs))]


LITERAL_ROW = linear_map_row("literal", "Literal", "[{0}, …]", _literal_value, _literal_adjoints, "{g}₁")
ENTRY_ROW = linear_map_row("entry", "Entry", "({0})ᵢⱼ", _entry_value, _entry_adjoints, "{g} Eᵢⱼ")


def _literal_trace(lowering, node: Literal) -> int:
    return lowering.step("literal", [lowering.lower(k) for k in node.entries], (node.rows, node.cols))


def _export_literal(p, e: Literal):
    rows = ", ".join(
        "[" + ", ".join(p.code(e.entries[r * e.cols + c]) for c in range(e.cols)) + "]" for r in range(e.rows)
    )
    code = f"np.array([{rows}], dtype=float)"
    if e.cols == 1:
        code += "[:, 0]"
    elif e.rows == 1:
        code += "[0]"
    return code, C_ATOM


def _export_entry(p, e: Entry):
    arg = p.code(e.arg)
    r, c = e.arg.shape
    if r != 1 and c != 1:
        return f"{arg}[{e.i}, {e.j}]", C_ATOM
    return f"{arg}[{e.i if c == 1 else e.j}]", C_ATOM


def _torch_literal(p, e: Literal):
    """torch.stack keeps the entries' gradients (torch.tensor of tensors would drop them)."""

    def entry(x):
        return f"torch.as_tensor({p.code(x)}, dtype=torch.float64)"

    rows = [
        "torch.stack([" + ", ".join(entry(e.entries[r * e.cols + c]) for c in range(e.cols)) + "])"
        for r in range(e.rows)
    ]
    code = "torch.stack([" + ", ".join(rows) + "])"
    return code + ("[:, 0]" if e.cols == 1 else "[0]" if e.rows == 1 else ""), C_ATOM


def _sympy_entry(sp, a, node: Entry):
    from sympy.matrices.expressions.matexpr import MatrixElement

    return MatrixElement(a[0], node.i, node.j) if getattr(a[0], "is_Matrix", False) else a[0]


register(
    Literal,
    value=_literal_value,
    param=lambda node, size: (node.rows, node.cols),
    differential=lambda node: (
        Literal([ir.D(e) for e in node.entries], node.rows, node.cols),
        ENTRY_BY_ENTRY,
    ),
    identities=(ENTRY_BY_ENTRY,),
    primitives=(LITERAL_ROW,),
    trace=_literal_trace,
    export=_export_literal,
    backends={"torch": _torch_literal},
    sympy=SympyForm(lambda sp, a, node: sp.ImmutableMatrix(node.rows, node.cols, a)),
    notation=lambda node: Brackets(node.rows, node.cols),
    doc="[a, b; c, d]: a vector or matrix written out, entries scalar expressions",
)
register(
    Entry,
    value=_entry_value,
    param=lambda node, size: (node.i, node.j),
    differential=lambda node: (
        Entry(ir.D(node.arg), node.i, node.j, node.name),
        ENTRY,
    ),
    identities=(ENTRY,),
    primitives=(ENTRY_ROW,),
    export=_export_entry,
    sympy=SympyForm(_sympy_entry),
    notation=lambda node: Named(node.name, differential=isinstance(node.arg, ir.D)),
    doc="y1 in y = [y1; y2]: an entry of a variable declared by its components",
)
