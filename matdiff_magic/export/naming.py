"""Identifiers of an exported module: the names of the arguments and sizes, and temporaries.

A variable keeps its name when that is a Python identifier; otherwise (or when it is a keyword or
a name the module itself uses or a built-in, RESERVED) it is adapted and given trailing underscores until it is
free. Sizes are named after their symbols the same way. A subexpression computed more than once
becomes a temporary t0, t1, … .
"""

from __future__ import annotations

import builtins
import keyword
import unicodedata
from collections import Counter

from matdiff_magic.errors import MatdiffError
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
    while keyword.iskeyword(out) or out in RESERVED or out in taken:
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
    """size symbol -> its identifier, for the sizes the variables' shapes name (not 1, not fixed).
    A variable whose size is a product of sizes (a ∈ ℝ^{2·m} in a'*kron(X, eye(2))) is refused
    with ``MatdiffError``: the arguments' checks read each size off one argument's shape."""
    out: dict = {}
    for v in variables:
        for d in v.shape:
            if len(Dim.of(d).symbols) > 1 or (Dim.of(d).coef != 1 and not Dim.of(d).is_fixed):
                raise MatdiffError(
                    f"the code export does not cover a variable whose size is a product of sizes yet "
                    f"({v.name} has the size {d}); declare the sizes as numbers, then export"
                )
            if d not in out and not Dim.of(d).is_fixed:
                out[d] = ident(str(d), taken | set(out.values()))
    return out


def _cheap(e: ir.Expr) -> bool:
    if isinstance(e, (ir.Var, ir.Const, ir.Fill, ir.Zero, ir.Identity)):
        return True
    if isinstance(e, (ir.Transpose, ir.Neg)):
        return _cheap(e.arg)
    return False


def temporaries(roots, taken: set) -> list[tuple[ir.Expr, str]]:
    """Nodes computed more than once (a node inside a repeated node counts once), children first."""
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
    out, k = [], 0
    for node in order:
        if counts[node] > 1 and not _cheap(node):
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
