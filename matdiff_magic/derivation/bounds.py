"""How much work a derivation will be, estimated before it starts, so a huge one is refused at once.

The parser bounds the input (parser.MAX_DEPTH, parser.MAX_NODES), but a small input can have a
large derivative: the product rule on k factors that all hold X gives k terms of k factors, and a
tower x^x^…^x grows with the square of its height. All of it is read off the typed IR in one pass
(``estimate``, each distinct node once, without recursion):

* ``size`` and ``dsize``, the nodes of f and of its differential written out as trees: ``dsize``
  bounds what can be shown step by step (``MAX_DIFFERENTIAL``), and ``size`` with ``dshown``
  (below) the work of showing it (``MAX_WORK``);
* ``depth``, the levels of f that hold the variable, and ``shown``, the steps shown: a rule is
  applied at every place it fits in one step (``derivation.differential``), so the steps follow
  the nesting, about two a level, not the number of terms;
* ``terms``, the terms of df once its sums are spread over the products around them (one per place
  the variable is reached, each taken through the trace stage's tricks), and ``dshown``, the size
  of df as the derivation holds and prints it: the factors a term copies from f are shared nodes
  (and a repeated subexpression is printed by name), so each costs one symbol per term, not its
  size — a deep network's df grows linearly with its depth, though written out it grows with its
  square.

``Measures.seconds`` predicts the CPU seconds of the whole cell, the derivation and its text,
LaTeX and JSON output, as the sum of what the code does (constants fitted by
``benchmarks/bench_estimate.py`` on this package's everyday, scaling and deeply nested cases):

* a fixed cost (parsing, typing, the stages' set-up, the bundle's frame);
* the passes over df (the derivation's rewrites, simplification, and the lines printed whole: the
  first and last line of each stage and every result), per symbol of ``dshown``, and per term;
* the lines on the way, ``Measures.lines``: a line grows from f towards df over the steps, and once
  longer than ``LINE_LIMIT`` nodes it is shown around its change only (``render/elide.py``), about
  ``SHORT_LINE`` nodes, so a deep network's output per step stops growing with its depth;
* for each step, the context above its change, put back together to show the line, per level of
  nesting (``SECONDS_PER_LEVEL``);
* for each step, the walks of its line as held (what changed, the names it holds, what a long line
  shows), per symbol of ``dshown`` (``SECONDS_PER_STEP_SYMBOL``): what makes the same weights in
  every layer, whose L terms each repeat the layers above, cost more than their df alone says.

Inside a time limit (``--timeout``; the magic's default is 10 s) a derivation predicted to take
more than 1.5 times the limit (and more than 1 s) is refused before it starts, with the estimate in
the message.
"""

from __future__ import annotations

from typing import NamedTuple

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import tidy
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.timelimit import current_limit

LINEAR = (ir.Neg, ir.Transpose, ir.Trace, ir.SumAll, ir.DiagMatrix, ir.DiagVector, ir.Vec)
PRODUCTS = (ir.MatMul, ir.Hadamard, ir.Kron)
MAX_WORK = 40_000_000  # steps shown × nodes of f and df as held: past it no cell is shown step by step
MAX_DIFFERENTIAL = 100_000  # symbols of df written out: past it no step can be shown whole
LINE_LIMIT = 200  # nodes of a line shown whole (render/elide.py's LIMIT; the layers keep it apart)
SHORT_LINE = 40  # nodes a long line shows around its change (its top, the change, ⋯ between)
# CPU seconds of the whole cell, fitted by benchmarks/bench_estimate.py on its everyday and scaling
# cases and deep nests, the same W in 128 layers among them (measured / predicted 0.80–1.68 over all
# of them in the fitting run); Measures.features lists what each multiplies. Each step's walks of its
# line (SECONDS_PER_STEP_SYMBOL) now cost next to nothing: a repeated subexpression is printed by name
BASE_SECONDS = 2.4e-3
SECONDS_PER_SYMBOL = 2.1e-4  # of df as held and printed (dshown)
SECONDS_PER_TERM = 4.3e-4  # of df, spread out
SECONDS_PER_LINE_SYMBOL = 8.8e-6  # of the lines on the way (Measures.lines)
SECONDS_PER_LEVEL = 7.6e-6  # of (steps shown) × (levels holding the variable)
SECONDS_PER_STEP_SYMBOL = 1.7e-8  # of (steps shown) × (symbols of df as held): each step's walks of its line
COEFFICIENTS = (
    "BASE_SECONDS",
    "SECONDS_PER_SYMBOL",
    "SECONDS_PER_TERM",
    "SECONDS_PER_LINE_SYMBOL",
    "SECONDS_PER_LEVEL",
    "SECONDS_PER_STEP_SYMBOL",
)
# a Hessian's second stage (the gradient's differential, its vec, the read-off and their output) as
# a multiple of the gradient's own estimate that grows with the gradient's nesting: the vec stage
# takes every term of d(∂f/∂X) through its Kronecker identities, each shown in the whole line.
# Fitted by benchmarks/bench_estimate.py on the chain and product Hessians, with the constants above
HESSIAN_FACTOR = 0.93
HESSIAN_FACTOR_PER_LEVEL = 0.037
REFUSE_FACTOR = 1.5  # refused before starting when predicted past 1.5 times the time limit
REFUSE_SECONDS = 1.0  # and past this: a shorter wait is left to the limit itself


class Measures(NamedTuple):
    """What the estimate reads off tidy(f) (see the module's docstring)."""

    size: int  # nodes of f written out
    dsize: int  # nodes of df written out
    depth: int  # levels of f that hold the variable
    terms: int  # terms of df, its sums spread out
    dshown: int  # symbols of df as held and printed: a factor copied from f counts once per term

    @property
    def shown(self) -> int:
        """About how many steps the derivation shows: two a level (the rule, then the constants it
        leaves), a few more for the trace and the read-off."""
        return 2 * self.depth + 6

    @property
    def work(self) -> int:
        """steps shown × (size of f + of df as held and printed): the bound on what is shown step
        by step. A factor copied from f into many terms is one shared node, printed by name once it
        repeats, so a deep network's work grows with its depth squared, not cubed."""
        return self.shown * (self.size + self.dshown)

    @property
    def lines(self) -> float:
        """Nodes printed over the lines on the way: each line is taken to grow evenly from nothing to
        ``size + dshown`` over the steps, printed whole up to LINE_LIMIT nodes and SHORT_LINE past
        it."""
        whole = self.size + self.dshown
        upto = min(whole, LINE_LIMIT)
        return self.shown * (upto * upto / (2 * whole) + SHORT_LINE * (1 - upto / whole))

    @property
    def features(self) -> tuple[float, ...]:
        """What the seconds are linear in, in the order of COEFFICIENTS."""
        return (1.0, self.dshown, self.terms, self.lines, self.shown * self.depth, self.shown * self.dshown)

    @property
    def seconds(self) -> float:
        """CPU seconds of the whole cell (derivation, text, LaTeX and JSON), as fitted by
        ``benchmarks/bench_estimate.py`` on this machine."""
        coefficients = [globals()[name] for name in COEFFICIENTS]
        return sum(c * x for c, x in zip(coefficients, self.features))


def estimate(expr: ir.Expr, wrt: str) -> Measures:
    """The measures of deriving ``expr`` by the variable ``wrt``, in one pass over its distinct
    nodes, children first (``post_order``); each node's are made from its children's."""
    measured: dict[int, tuple] = {}  # id(node) -> (size, dsize, depth, terms, dshown)
    for node in post_order([expr]):
        kids = node.children()
        if kids:
            measured[id(node)] = _measures(node, [measured[id(k)] for k in kids], measured)
        else:
            measured[id(node)] = _VARIABLE if isinstance(node, ir.Var) and node.name == wrt else _LEAF
    size, dsize, depth, terms, shown = measured[id(expr)]
    return Measures(size, dsize, max(depth, 0), terms, shown)


# (size, dsize, depth, terms, dshown) of a leaf: the variable (dX), and any other leaf
_VARIABLE = (1, 1, 1, 1, 1)
_LEAF = (1, 0, -1, 0, 0)


_PRODUCT, _ADD, _LINEAR, _MATPOW, _POW, _APPLY, _OTHER = range(7)


def _rule_of(node: ir.Expr) -> int:
    """Which of the rules below a node that holds the variable takes."""
    if isinstance(node, PRODUCTS):
        return _PRODUCT
    if isinstance(node, ir.Add):
        return _ADD
    if isinstance(node, LINEAR):
        return _LINEAR
    if isinstance(node, ir.MatPow):
        return _MATPOW
    if isinstance(node, (ir.Pow, ir.ElemPow)):
        return _POW
    return _APPLY if isinstance(node, ir.Apply) else _OTHER


def _measures(node, kids: list, measured: dict) -> tuple:
    """(size, dsize, depth, terms, dshown) of ``node`` from its children's (``kids``, in order).

    dsize, the size of d(node) written out: the rule's own symbols and the factors it copies from f,
    written out. terms and dshown, d(node) spread out: each term of a child's differential gains the
    symbols the rule puts around it, one per factor or function copied from f (a shared node, not
    written out)."""
    size, depth, d, terms, shown, held, held_size = 1, -1, 0, 0, 0, 0, 0
    for k_size, k_dsize, k_depth, k_terms, k_shown in kids:
        size += k_size
        if k_depth >= 0:  # a child that does not hold X has no differential
            depth = k_depth if k_depth > depth else depth
            d, terms, shown = d + k_dsize, terms + k_terms, shown + k_shown
            held, held_size = held + 1, held_size + k_size
    if not held:
        return (size, 0, -1, 0, 0)
    depth += 1
    rule = _rule_of(node)
    if rule == _PRODUCT:
        # product rule: one term per factor that holds X, the other factors copied into it
        return (
            size,
            1 + d + held * size - held_size,
            depth,
            terms,
            shown + terms * (len(kids) - 1),
        )
    if rule == _ADD:
        return (size, 1 + d, depth, terms, shown)
    if rule == _LINEAR:
        return (size, 1 + d, depth, terms, shown + terms)
    base = kids[0]
    if rule == _MATPOW:  # Σᵢ Uⁱ dU Uᵏ⁻¹⁻ⁱ: k terms, two powers of U around dU
        k = node.k
        return (size, 1 + k * (base[1] + 2 * base[0] + 2), depth, k * terms, k * (shown + 2 * terms))
    if rule == _POW and kids[1][2] < 0:  # p u^(p-1) du
        dsize, norm = 3 + 2 * base[0] + base[1], node.children()[0]
        if isinstance(norm, ir.Norm) and norm.p == 2:
            # ‖u‖² is written uᵀu and takes the product rule: d(uᵀ) u + uᵀ du
            _, _, _, t, s = measured[id(norm.arg)]
            return (size, dsize, depth, 2 * t, 2 * (s + 2 * t))
        return (size, dsize, depth, terms, shown + 3 * terms)
    if rule == _POW:  # u^v (log(u) dv + v u^-1 du)
        return (size, 6 + 2 * size + 2 * base[0] + d, depth, terms, shown + 6 * terms)
    if rule == _APPLY:  # f'(u) ⊙ du (σ(u) ⊙ (1 - σ(u)) at most; (𝟏 - tanh(u)^∘2) ⊙ du, exp(u) ⊙ du, …)
        return (size, 2 + 2 * base[0] + base[1], depth, terms, shown + 6 * terms)
    # inverse, determinant, norm, …: the node itself and its argument appear in the rule;
    # -X⁻¹ dX X⁻¹, |X| tr(X⁻¹ dX), …: a few symbols around each term
    return (size, 1 + 2 * size + d, depth, terms, shown + 4 * terms)


def shown_steps(expr: ir.Expr, wrt: str) -> int:
    """About how many steps the derivation of ``expr`` by ``wrt`` shows (``Measures.shown``)."""
    return estimate(expr, wrt).shown


def measure(expr: ir.Expr, wrt: str) -> Measures:
    """The measures of deriving ``expr`` by ``wrt``, from the expression the derivation starts from."""
    return estimate(tidy(expr), wrt)


def work_of(expr: ir.Expr, wrt: str) -> tuple[int, int, int]:
    """(work, steps shown, size of df) of deriving ``expr`` by ``wrt`` and showing it."""
    m = measure(expr, wrt)
    return m.work, m.shown, m.dsize


def predicted_seconds(expr: ir.Expr, wrt: str) -> float:
    """CPU seconds of the whole cell of deriving ``expr`` by ``wrt`` (``Measures.seconds``)."""
    return measure(expr, wrt).seconds


def hessian_seconds(expr: ir.Expr, gradient: ir.Expr, wrt: str) -> float:
    """CPU seconds of the whole cell of the Hessian of ``expr`` by ``wrt`` (``order=2``), from
    ``expr`` and its gradient: the gradient's cell, then the gradient derived once more, its
    estimate scaled by HESSIAN_FACTOR + HESSIAN_FACTOR_PER_LEVEL × its levels holding ``wrt``."""
    return _hessian_estimate(expr, gradient, wrt)[0]


def _hessian_estimate(expr: ir.Expr, gradient: ir.Expr, wrt: str) -> tuple[float, Measures]:
    """(``hessian_seconds``, the measures of the gradient) from one walk of each."""
    second = measure(gradient, wrt)
    scale = HESSIAN_FACTOR + HESSIAN_FACTOR_PER_LEVEL * second.depth
    return measure(expr, wrt).seconds + scale * second.seconds, second


def check_hessian_work(expr: ir.Expr, gradient: ir.Expr, wrt: ir.Var, span=None) -> None:
    """Inside a time limit, refuse a Hessian whose predicted time (``hessian_seconds``) exceeds it,
    once the gradient is derived and before the second differential starts: what a Hessian costs
    is read off its gradient, which the first stage makes in a small part of that time. The
    message gives the estimate. With or without a limit, a gradient past ``check_work``'s
    MAX_WORK or MAX_DIFFERENTIAL is refused as a first stage would be.

    Raises MatdiffError.
    """
    second = measure(gradient, wrt.name)
    if second.work > MAX_WORK or second.dsize > MAX_DIFFERENTIAL:  # as check_work for a first stage
        raise MatdiffError(
            f"this derivation would be too large to do step by step: about {second.shown:,} steps on a "
            f"differential of about {second.dsize:,} symbols",
            None,
            span,
            hint="derive the gradient alone (order 1): its differential, derived once more, is "
            "what a Hessian's steps show",
        )
    limit = current_limit()
    if limit is None:
        return
    seconds, second = _hessian_estimate(expr, gradient, wrt.name)
    if seconds > max(REFUSE_FACTOR * limit, REFUSE_SECONDS):
        raise MatdiffError(
            f"this Hessian and its output would take about {seconds:.0f} s (estimated once the "
            f"gradient was derived: its differential of about {second.dshown:,} symbols over "
            f"{second.depth} levels), over the time limit of {limit:g} s",
            None,
            span,
            hint="derive the gradient alone (order 1), or raise the limit with --timeout SECONDS",
        )


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
    # measured times are 0.8–1.5 times the prediction, so only a cell predicted well past the
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
