"""Identifiers of an exported module: the names of the arguments and sizes, and temporaries.

A variable keeps its name when that is a Python identifier; otherwise (or when it is a keyword or
a name the module itself uses or a built-in, RESERVED) it is adapted and given trailing underscores until it is
free. Sizes are named after their symbols the same way; a size that is a product of sizes (2·m, m·n) is
written as the product of their names, and the input checks solve a symbol that only a product
fixes from its argument. A subexpression computed more than once becomes a temporary t0, t1, … .
"""

from __future__ import annotations

import builtins
import keyword
import unicodedata
from collections import Counter

from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.cost_nodes import _Broadcast
from matdiff_magic.export.numpy_printer import HELPERS
from matdiff_magic.ir import nodes as ir
from matdiff_magic.types.dims import Dim

FUNCTION = "f_and_grad"
# the exported function and its check, by the kind of derivation
FUNCTIONS = {
    "gradient": (FUNCTION, "check_gradient"),
    "jacobian": ("f_and_jacobian", "check_jacobian"),
    "hessian": ("f_grad_hessian", "check_hessian"),
}
# names the module itself uses; a variable called so is renamed with a trailing underscore
RESERVED = (
    {
        "np",
        "value",
        "gradient",
        "rng",
        "seed",
        "h",
        "scale",
        "positive",
        "draw",
        "numeric",
        "step",
        "idx",
        "expected",
        "got",
        "error",
        "f",
        FUNCTION,
        "check_gradient",
        "random_inputs",
        "STRATEGIES",
        "jacobian",
        "hessian",
        "vecf",
        "vecg",
        "entry",
        "derivative",
        "slope",
        "predicted",
        "ARGUMENTS",
        "_or_nan",
        # the check's own locals beside the inputs (a variable named size was overwritten by the
        # check's size of f before its differences read it)
        "size",
        "errors",
        "resolved",
    }
    | set(dir(builtins))
    | {name for pair in FUNCTIONS.values() for name in pair}
    | set(HELPERS)
)


def ident(name: str, taken: set) -> str:
    """``name`` as a free Python identifier: other characters become _, then _ is appended."""
    out = name if name.isidentifier() else "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    out = unicodedata.normalize("NFKC", out)  # as Python reads it: a bold max is max
    if not out.isidentifier():
        out = "v_" + "".join(ch if ("a" + ch).isidentifier() else "_" for ch in out)
    # HELPERS as it is now: modules loaded after this one (export.factor) add helpers to it
    while keyword.iskeyword(out) or out in RESERVED or out in HELPERS or out in taken:
        out += "_"
    return out


def variable_names(variables) -> dict:
    """variable name -> its identifier in the module, distinct from each other."""
    taken: set = set()
    out = {}
    for v in variables:
        out[v.name] = ident(v.name, taken)
        taken.add(out[v.name])
    return out


def size_names(variables, taken: set) -> dict:
    """size symbol -> its identifier, for every symbol the variables' shapes name, inside a
    product of sizes too (m and n of a ∈ ℝ^{m·n}); fixed sizes are not named."""
    out: dict = {}
    for v in variables:
        for d in v.shape:
            for s in Dim.of(d).symbols:
                if Dim.symbol(s) not in out:
                    out[Dim.symbol(s)] = ident(s, taken | set(out.values()))
    return out


def is_product(d) -> bool:
    """Whether a size is a product of sizes (2·m, m·n), whose value follows from its symbols'."""
    d = Dim.of(d)
    return not d.is_fixed and (len(d.symbols) > 1 or d.coef != 1)


def size_code(d, sizes: dict) -> str:
    """A size as a Python expression of the module's size names: 3, m, 2 * m * n."""
    d = Dim.of(d)
    if d.is_fixed:
        return str(d.coef)
    factors = ([str(d.coef)] if d.coef != 1 else []) + [sizes[Dim.symbol(s)] for s in d.symbols]
    return " * ".join(factors)


def _shape_code(dims: list, sizes: dict) -> str:
    codes = [size_code(d, sizes) for d in dims]
    return f"({codes[0]},)" if len(codes) == 1 else f"({', '.join(codes)})"


def product_size_checks(variables, names: dict, sizes: dict, bound: set) -> list[str]:
    """The input checks of the variables whose shape holds a product of sizes (a ∈ ℝ^{2·m}), after
    every plain size is read off its argument (``bound``, updated): a symbol that only a product
    fixes is solved from it (m = a.shape[0] // 2, checked whole), then each such argument's whole
    shape is checked, raising ValueError with the sizes filled in. ``MatdiffError`` when a product
    leaves two of its symbols unknown: no argument says how it splits."""
    pending = []
    for v in variables:
        dims = [] if v.is_scalar else [v.shape[0]] if v.shape[1] == 1 else list(v.shape)
        if any(is_product(d) for d in dims):
            pending.append((v, dims))
    lines: list[str] = []
    unsolved = [(v, i, dims) for v, dims in pending for i, d in enumerate(dims) if is_product(d)]
    progress = True
    while progress:
        progress = False
        for item in list(unsolved):
            v, i, dims = item
            unknown = [s for s in dict.fromkeys(Dim.of(dims[i]).symbols) if Dim.symbol(s) not in bound]
            if len(unknown) == 1:
                lines += _solve_line(names[v.name], i, dims, unknown[0], sizes)
                bound.add(Dim.symbol(unknown[0]))
            if len(unknown) <= 1:
                unsolved.remove(item)
                progress = True
    if unsolved:
        v, i, dims = unsolved[0]
        raise MatdiffError(
            f"the code export cannot tell the sizes of {v.name} (size {dims[i]}) apart: no argument fixes "
            f"its factors; declare the sizes as numbers, then export"
        )
    for v, dims in pending:
        x, tup = names[v.name], _shape_code(dims, sizes)
        filled = (
            "(" + ", ".join(f"{{{size_code(d, sizes)}}}" for d in dims) + (",)" if len(dims) == 1 else ")")
        )
        lines += [
            f"    if not (tuple({x}.shape) == {tup}):",
            f'        raise ValueError(f"{x} must have shape {tup} = {filled}, got {{tuple({x}.shape)}}")',
        ]
    return lines


def _solve_line(x: str, i: int, dims: list, symbol: str, sizes: dict) -> list[str]:
    """The lines that read ``symbol`` off the size ``dims[i]`` of the argument ``x``, checked whole."""
    d = Dim.of(dims[i])
    power = d.symbols.count(symbol)
    rest = Dim(d.coef, [s for s in d.symbols if s != symbol])
    n, name, rest_code = f"{x}.shape[{i}]", sizes[Dim.symbol(symbol)], size_code(rest, sizes)
    divisor = f"({rest_code})" if " " in rest_code else rest_code
    solve = f"{n} // {divisor}" if power == 1 else f"round(({n} / {divisor}) ** (1 / {power}))"
    known = ", ".join(
        f"{sizes[Dim.symbol(s)]} = {{{sizes[Dim.symbol(s)]}}}" for s in dict.fromkeys(rest.symbols)
    )
    given = f" with {known}" if known else ""
    return [
        f"    {name} = {solve}",
        f"    if not ({name} >= 1 and {size_code(d, sizes)} == {n}):",
        f'        raise ValueError(f"{x} must have shape {_shape_code(dims, sizes)} for a whole {name} ≥ 1{given}, '
        f'got {{tuple({x}.shape)}}")',
    ]


def _cheap(e: ir.Expr) -> bool:
    if isinstance(e, (ir.Var, ir.Const, ir.Fill, ir.Zero, ir.Identity, _Broadcast)):
        return True
    if isinstance(e, (ir.Transpose, ir.Neg)):
        return _cheap(e.arg)
    return False


NESTING = 32  # levels of calls a line of exported code holds at most: Python parses 200 parentheses


def temporaries(roots, taken: set) -> list[tuple[ir.Expr, str]]:
    """Nodes computed more than once (a node inside a repeated node counts once), and every
    NESTING-th level of a deep expression (inv(inv(…)) 200 deep is no line Python can parse),
    children first."""
    counts: Counter = Counter()
    order: list = []
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        counts[node] += 1
        if counts[node] == 1:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children()))
    height: dict = {}
    for node in order:  # children first: each node's levels above its leaves
        height[node] = 1 + max((height[c] for c in node.children()), default=0)
    out, k = [], 0
    for node in order:
        if (counts[node] > 1 or height[node] % NESTING == 0) and not _cheap(node):
            while f"t{k}" in taken:
                k += 1
            out.append((node, f"t{k}"))
            k += 1
    return out


def arguments_code(variables, names: dict) -> str:
    """When a variable's identifier differs from its name in the cell: the mapping, as module code."""
    renamed = {v.name: names[v.name] for v in variables if names[v.name] != v.name}
    if not renamed:
        return ""
    pairs = ", ".join(f"{v.name!r}: {names[v.name]!r}" for v in variables)
    return f"ARGUMENTS = {{{pairs}}}  # each variable's name in the cell -> its argument here\n"
