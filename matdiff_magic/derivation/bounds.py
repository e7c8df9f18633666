"""How much work a derivation will be, estimated before it starts, so a huge one is refused at once.

The parser bounds the input (parser.MAX_DEPTH, parser.MAX_NODES), but a small input can have a
large derivative: the product rule on k factors that all hold X gives k terms of k factors, and a
tower x^x^…^x grows with the square of its height. Each step of the differential stage rewrites
the whole expression, so the work is about (number of steps) × (size of the differential). Both
are estimated here from the typed IR in one pass, without recursion: ``size`` is the number of
nodes of an expression written out as a tree (as it is printed), ``dsize`` that of its
differential, ``steps`` the number of distinct subexpressions that hold the variable.

The same estimate predicts the seconds of the whole cell, the derivation and its text, LaTeX and
JSON output: ``predicted_seconds``, fitted on this package's everyday and scaling cases by
``benchmarks/bench_estimate.py``, which prints the prediction against the measured time. Inside a time limit (``--timeout``; the magic's
default is 10 s) a derivation predicted to take more than 1.5 times the limit (and more than 1 s)
is refused before it starts, with the estimate in the message.
"""

from __future__ import annotations

from typing import NamedTuple

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import tidy
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.timelimit import current_limit

LINEAR = (ir.Neg, ir.Transpose, ir.Trace, ir.SumAll, ir.DiagMatrix, ir.DiagVector, ir.Vec)
MAX_WORK = 10_000_000  # steps shown × nodes: at the limit (a 90-layer network) the cell takes about 5 s
MAX_DIFFERENTIAL = 100_000  # symbols of df written out: past it no step can be shown whole
# CPU seconds of the whole cell, fitted by benchmarks/bench_estimate.py on its everyday and scaling
# cases (within 0.7–1.6× of every measured time): printing the differential, and each step that
# rewrites the expression (about the size of f, once per place the variable is reached)
BASE_SECONDS = 7e-4
SECONDS_PER_SYMBOL = 1.7e-4  # of df written out
SECONDS_PER_REWRITE = 1e-6  # of (steps, one per place the variable is reached) × size of f
REFUSE_FACTOR = 1.5  # refused before starting when predicted past 1.5 times the time limit
REFUSE_SECONDS = 1.0  # and past this: a shorter wait is left to the limit itself


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


def shown_steps(expr: ir.Expr, wrt: str) -> int:
    """About how many steps the derivation shows: a rule is applied at every place it fits in one
    step, so the steps follow the nesting of the variable (about two a level: the rule, then the
    constants it leaves), not the number of terms; a few more for the trace and the read-off."""
    depth: dict[int, int] = {}
    for node in post_order([expr]):
        inner = [depth[id(k)] for k in node.children() if depth[id(k)] >= 0]
        holds = (isinstance(node, ir.Var) and node.name == wrt) or bool(inner)
        depth[id(node)] = 1 + max(inner, default=0) if holds else -1
    return 2 * max(depth[id(expr)], 0) + 6


class Measures(NamedTuple):
    """What the estimate reads off tidy(f): the rewrites of the differential stage (one per place
    the variable is reached), the size of f and of df written out, and the steps shown."""

    rewrites: int
    size: int
    dsize: int
    shown: int

    @property
    def work(self) -> int:
        """steps shown × (size of f + of df): about how much is printed."""
        return self.shown * (self.size + self.dsize)

    @property
    def seconds(self) -> float:
        """CPU seconds of the whole cell (derivation, text, LaTeX and JSON), as fitted by
        ``benchmarks/bench_estimate.py`` on this machine."""
        return (
            BASE_SECONDS + SECONDS_PER_REWRITE * self.rewrites * self.size + SECONDS_PER_SYMBOL * self.dsize
        )


def measure(expr: ir.Expr, wrt: str) -> Measures:
    """The measures of deriving ``expr`` by ``wrt``, from the expression the derivation starts from."""
    e = tidy(expr)
    return Measures(*estimate(e, wrt), shown_steps(e, wrt))


def work_of(expr: ir.Expr, wrt: str) -> tuple[int, int, int]:
    """(work, steps shown, size of df) of deriving ``expr`` by ``wrt`` and showing it."""
    m = measure(expr, wrt)
    return m.work, m.shown, m.dsize


def predicted_seconds(expr: ir.Expr, wrt: str) -> float:
    """CPU seconds of the whole cell of deriving ``expr`` by ``wrt`` (``Measures.seconds``)."""
    return measure(expr, wrt).seconds


def check_work(expr: ir.Expr, wrt: ir.Var, source: str | None = None, span=None) -> None:
    """Refuse a derivation whose estimated work exceeds MAX_WORK or whose differential, written
    out, exceeds MAX_DIFFERENTIAL symbols (the product rule on k factors that all hold X gives k
    terms of k factors; a tower x^x^…^x grows with the square of its height), or, inside a time limit, whose
    predicted time exceeds it; the message gives the estimate and what makes it large.

    Raises MatdiffError.
    """
    m = measure(expr, wrt.name)  # one walk serves both limits
    shown, dsize = m.shown, m.dsize
    if m.work > MAX_WORK or dsize > MAX_DIFFERENTIAL:
        raise MatdiffError(
            f"this derivation would be too large to do step by step: about {shown:,} steps on a "
            f"differential of about {dsize:,} symbols",
            source,
            span,
            hint="products of many factors that hold the variable, and towers such as x^x^x, "
            "grow quickly: derive a part of the expression at a time",
        )
    limit = current_limit()
    if limit is None:
        return
    seconds = m.seconds
    # the prediction is within 0.7–1.6× of the truth, so only a cell predicted well past the
    # limit, and long enough that the wait matters, is refused on a guess; the limit stops the rest
    if seconds > max(REFUSE_FACTOR * limit, REFUSE_SECONDS):
        raise MatdiffError(
            f"this derivation and its output would take about {seconds:.0f} s (estimated before "
            f"starting: about {shown:,} steps on a differential of about {dsize:,} symbols), "
            f"over the time limit of {limit:g} s",
            source,
            span,
            hint="derive a part of the expression at a time, or raise the limit with --timeout SECONDS",
        )
