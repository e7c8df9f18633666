"""How much work a derivation will be, estimated before it starts, so a huge one is refused at once.

The parser bounds the input (parser.MAX_DEPTH, parser.MAX_NODES), but a small input can have a
large derivative: the product rule on k factors that all hold X gives k terms of k factors, and a
tower x^x^…^x grows with the square of its height. Each step of the differential stage rewrites
the whole expression, so the work is about (number of steps) × (size of the differential). Both
are estimated here from the typed IR in one pass, without recursion: ``size`` is the number of
nodes of an expression written out as a tree (as it is printed), ``dsize`` that of its
differential, ``steps`` the number of distinct subexpressions that hold the variable.
"""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import tidy
from matdiff_magic.ir.traverse import post_order

LINEAR = (ir.Neg, ir.Transpose, ir.Trace, ir.SumAll, ir.DiagMatrix, ir.DiagVector, ir.Vec)
MAX_WORK = 4_000_000  # steps × nodes: a derivation at the limit takes a second or two


def estimate(expr: ir.Expr, wrt: str) -> tuple[int, int, int]:
    """(steps, size of f, size of df) for the derivation of ``expr`` by the variable ``wrt``.

    The steps are those of the differential stage (one per distinct subexpression that holds the
    variable) and of the trace stage (a few per term of df, one term per occurrence of dX).
    """
    size: dict[int, int] = {}
    dsize: dict[int, int] = {}
    occurrences: dict[int, int] = {}  # of dX in d(node), written out
    holds: dict[int, bool] = {}
    distinct: set = set()
    for node in post_order([expr]):
        kids = node.children()
        size[id(node)] = 1 + sum(size[id(k)] for k in kids)
        holds[id(node)] = (isinstance(node, ir.Var) and node.name == wrt) or any(holds[id(k)] for k in kids)
        if holds[id(node)]:
            distinct.add(node)
            dsize[id(node)] = _dsize(node, kids, size, dsize, holds)
            occurrences[id(node)] = 1 if isinstance(node, ir.Var) else sum(occurrences[id(k)] for k in kids)
        else:
            dsize[id(node)] = occurrences[id(node)] = 0
    return len(distinct) + 2 * occurrences[id(expr)], size[id(expr)], dsize[id(expr)]


def _dsize(node, kids, size, dsize, holds) -> int:
    """Size of d(node), written out, from the sizes of its children and of their differentials."""
    s = size[id(node)]
    d = [dsize[id(k)] for k in kids]
    if isinstance(node, ir.Var):
        return 1
    if isinstance(node, (ir.MatMul, ir.Hadamard, ir.Kron)):
        # product rule: one term per factor that holds X, the other factors copied into it
        return 1 + sum(dk + s - size[id(k)] for k, dk in zip(kids, d) if holds[id(k)])
    if isinstance(node, ir.Add):
        return 1 + sum(d)
    if isinstance(node, LINEAR):
        return 1 + d[0]
    if isinstance(node, (ir.Pow, ir.ElemPow)) and not holds[id(kids[1])]:
        return 3 + 2 * size[id(kids[0])] + d[0]  # p u^(p-1) du
    if isinstance(node, (ir.Pow, ir.ElemPow)):
        return 6 + 2 * s + 2 * size[id(kids[0])] + sum(d)  # u^v (log(u) dv + v u^-1 du)
    if isinstance(node, ir.Apply):
        return 2 + 2 * size[id(kids[0])] + d[0]  # f'(u) ⊙ du (σ(u) ⊙ (1 - σ(u)) at most)
    # inverse, determinant, norm, …: the node itself and its argument appear in the rule
    return 2 + s + sum(size[id(k)] + dk for k, dk in zip(kids, d))


def check_work(expr: ir.Expr, wrt: ir.Var, source: str | None = None, span=None) -> None:
    """Refuse a derivation whose estimated work exceeds MAX_WORK, with what makes it large."""
    steps, size, dsize = estimate(tidy(expr), wrt.name)  # the derivation starts from tidy(f)
    work = steps * (size + dsize)
    if work > MAX_WORK:
        raise MatdiffError(
            f"this derivation would be too large to do step by step: about {steps:,} steps on a "
            f"differential of about {dsize:,} symbols",
            source,
            span,
            hint="products of many factors that hold the variable, and towers such as x^x^x, "
            "grow quickly: derive a part of the expression at a time",
        )
