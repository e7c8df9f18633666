"""Sums over samples: ``sum_i(body)`` is Σᵢ body for i = 1 … N, the way seed 001's Example 5
writes its likelihood, l = log|Σ| + (1/N) Σᵢ (xᵢ − x̄)ᵀ Σ⁻¹ (xᵢ − x̄).

Names ending in ``_i`` are per sample (xᵢ): their values are given with the sample index first
(x_i of shape (N, n) for a vector of n, (N,) for a scalar). Every other name is shared by all
samples. ``SampleSum(body, count)`` holds the number of samples N as its second operand (the scalar
N of the cell, or a number); with nothing per sample in the body it is N·body. Its value with
per-sample names binds each sample in turn (``evaluate_sample_sum``, the op's ``evaluate``); the
differential goes inside the sum by linearity, d Σᵢ fᵢ = Σᵢ dfᵢ.

``SampleCount(x_i)`` is N itself, the number of samples a per-sample value holds: the cell's N is
defined by it, so N always equals the number of samples given.
"""

from __future__ import annotations

import re

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, ShapeError
from matdiff_magic.ops.declare import Node
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Call
from matdiff_magic.ops.registry import C_ATOM, C_MUL, Primitive, np, register
from matdiff_magic.ops.sympy_forms import no_form

SAMPLE_SUFFIX = "_i"
CHECK_SAMPLES = 5  # samples at each random point of the numeric check


def is_per_sample(name: str) -> bool:
    """Whether a variable is per sample (xᵢ): its name ends in ``_i``."""
    return name.endswith(SAMPLE_SUFFIX) and len(name) > len(SAMPLE_SUFFIX)


def per_sample(e: Expr) -> bool:
    """Whether ``e`` depends on the sample index (holds a per-sample variable)."""
    return any(is_per_sample(name) for name in e.free_vars())


def free_per_sample(e: Expr) -> list:
    """The per-sample variables of ``e`` outside its sums over samples, in the order a walk
    meets them (inv(Σᵢ xᵢxᵢᵀ) has none: its sum binds them)."""
    out, stack, seen = [], [e], set()
    while stack:
        n = stack.pop()
        if id(n) in seen or isinstance(n, SampleSum):
            continue
        seen.add(id(n))
        if isinstance(n, ir.Var) and is_per_sample(n.name):
            out.append(n)
        stack.extend(n.children())
    return out


def refuse_sample_sums(message: str, expr: Expr, source: str | None) -> None:
    """Refuse ``expr`` holding a sum over samples, with ``message`` and a caret at its sum_i in
    ``source``, for a stage with nothing per sample to read N from (the code export, the
    evaluation trace). Raises MatdiffError."""
    if any(isinstance(n, SampleSum) for n in expr.walk()):
        at = re.search(r"sum_i|\\sum", source) if isinstance(source, str) else None
        raise MatdiffError(message, source if at else None, Span(at.start(), at.end()) if at else None)


class SampleSum(Node):
    """Σᵢ body, i = 1 … count; the shape of the body."""

    __slots__ = ("body", "count")
    body: Expr
    count: Expr

    @staticmethod
    def shape_of(body: Expr, count: Expr) -> tuple:
        if count.shape != SCALAR:
            raise ShapeError(f"the number of samples is a scalar, got {count.shape}")
        return body.shape


class SampleCount(Node):
    """N, the number of samples of the per-sample variable ``arg`` (the rows of its value)."""

    __slots__ = ("arg",)
    arg: Expr

    @staticmethod
    def shape_of(arg: Expr) -> tuple:
        return SCALAR


def samples_of(values: dict, e: Expr) -> int | None:
    """The number of samples the per-sample values of ``e``'s variables hold (None if it has none);
    a MatdiffError when two of them disagree."""
    counts = {
        name: len(values[name]) for name in sorted(e.free_vars()) if is_per_sample(name) and name in values
    }
    if len(set(counts.values())) > 1:
        raise MatdiffError(
            "the per-sample values hold different numbers of samples: "
            + ", ".join(f"{n} has {c}" for n, c in counts.items())
        )
    return next(iter(counts.values()), None)


def _per_sample_matrix(var: ir.Var) -> bool:
    return var.shape[0] != 1 and var.shape[1] != 1


def sample_value(a, k: int, var: ir.Var):
    """The value of a per-sample variable at sample k (stacked values: the sample index first;
    a per-sample matrix's as an (N, p, q) array)."""
    row = a[k]
    if _per_sample_matrix(var):
        return row
    return row.reshape(-1, 1) if var.shape[1] == 1 else row.reshape(1, -1)


def first_sample(a, var: ir.Var):
    """The first sample of the stacked values ``a`` of a per-sample variable (to check its shape)."""
    if _per_sample_matrix(var):
        if a.ndim != 3 or a.shape[0] < 1:
            raise MatdiffError(
                f"{var.name} is a matrix per sample: give its values with the sample index first "
                f"(an array of shape (N, rows, columns)), got shape {a.shape}"
            )
        return sample_value(a, 0, var)
    vector = var.shape[1] == 1 and not var.is_scalar
    if a.ndim != 2 or a.shape[0] < 1 or (vector and a.shape[1] == 1):
        raise MatdiffError(
            f"{var.name} is per sample: give its values with the sample index first "
            f"(N rows{', one sample a row' if vector else ''}), got shape {a.shape}"
        )
    return sample_value(a, 0, var)


def evaluate_sample_sum(evaluator, node: SampleSum):
    """Σᵢ body: the body's value with every per-sample variable bound to sample k, summed over k.
    ``evaluator`` is a ``numeric.evaluate.Evaluator`` (its values and sizes, and its class)."""
    values = evaluator.values
    count = samples_of(values, node.body)
    n = evaluator(node.count)
    if count is None:  # nothing per sample: N copies of the body
        return n[0, 0] * evaluator(node.body)
    if not abs(n[0, 0] - np.round(n[0, 0])) <= 1e-9:  # 2.5 samples (NaN, ∞ too): no count
        if isinstance(node.count, ir.Var):
            raise MatdiffError(
                f"{node.count.name} counts the samples of sum_i: a whole number, not {n[0, 0]:g}"
            )
        raise MatdiffError(f"the number of samples of sum_i is a whole number, not {n[0, 0]:g}")
    if abs(n[0, 0] - count) > 1e-9:
        raise MatdiffError(f"the sum runs over {n[0, 0]:g} samples, but the values hold {count}")
    variables = {v.name: v for v in node.body.walk() if isinstance(v, ir.Var) and is_per_sample(v.name)}
    total = None
    for k in range(count):
        at_k = {
            **values,
            **{name: sample_value(values[name], k, v) for name, v in variables.items()},
        }
        term = type(evaluator)(at_k, evaluator.sizes)(node.body)
        total = term if total is None else total + term
    return total


def evaluate_sample_count(evaluator, node: SampleCount):
    a = evaluator(node.arg)
    return np.array([[float(len(a) if isinstance(node.arg, ir.Var) and is_per_sample(node.arg.name) else 1)]])


SUM_OVER_SAMPLES = Identity(
    "sum over samples",
    r"\mathrm{d}\sum_{i} f_{i} = \sum_{i} \mathrm{d}f_{i}",
)
COUNT = Identity("number of samples", r"\mathrm{d}N = 0")
PULL_NUMBER = Identity("linearity", r"\sum_{i} c\,a_{i} = c\sum_{i} a_{i}")


SUM_OF_CONSTANT = Identity("sum of a constant", r"\sum_{i=1}^{M} c = M c")


def _differential(node: SampleSum):
    # nothing per sample, over a count that is a variable (sum_i(c, M)): M c, whose product rule
    # keeps dM (Σᵢ d c alone dropped it: d/dM of Σᵢ₌₁ᴹ c is c, not 0)
    if not per_sample(node.body) and not isinstance(node.count, (ir.Const, SampleCount)):
        from matdiff_magic.ir.construct import mk_mul

        return ir.D(mk_mul([node.count, node.body])), SUM_OF_CONSTANT
    return SampleSum(ir.D(node.body), node.count), SUM_OVER_SAMPLES


def _count_differential(node: SampleCount):
    return ir.Const(0), COUNT


def _export(p, e: SampleSum):
    if per_sample(e.body):
        raise MatdiffError("the code export does not cover sums over samples (sum_i) yet")
    return f"{p.code(e.count)} * {p.code(e.body)}", C_MUL


def _export_count(p, e: SampleCount):
    if per_sample(e.arg):
        raise MatdiffError("the code export does not cover sums over samples (sum_i) yet")
    return "1.0", C_ATOM


def _scalar(a):
    return float(np.sum(a))


SUM_ROW = Primitive(
    "sum_samples",
    "SampleSum",
    "Σᵢ {0} ({1} samples)",
    lambda xs, p: _scalar(xs[1]) * xs[0],
    lambda xs, y, d, p: _scalar(xs[1]) * d[0] + _scalar(d[1]) * xs[0],
    lambda xs, y, g, p: [_scalar(xs[1]) * g, np.array([[float(np.sum(g * xs[0]))]])],
    ("{1}·{d0}", "{d1}·{0}"),
    ("{1}·{g}", "⟨{g}, {0}⟩"),
)
COUNT_ROW = Primitive(
    "sample_count",
    "SampleCount",
    "N({0})",
    lambda xs, p: np.array([[1.0]]),
    lambda xs, y, d, p: np.zeros((1, 1)),
    lambda xs, y, g, p: [np.zeros_like(xs[0])],
    ("0",),
    ("0",),
)

register(
    SampleSum,
    names=("sum_i",),
    arity=2,
    build=lambda args: SampleSum(args[0], args[1]),
    value=lambda xs, p: _scalar(xs[1]) * xs[0],
    differential=_differential,
    identities=(SUM_OVER_SAMPLES, SUM_OF_CONSTANT),
    primitives=(SUM_ROW,),
    export=_export,
    notation=Call("sum_i", symbol="Σᵢ"),
    sympy=no_form("a sum over samples"),
    doc="sum_i(f) = Σᵢ f, i = 1 … N: a sum over samples (names ending in _i are per sample)",
    extra={"evaluate": evaluate_sample_sum},
)
register(
    SampleCount,
    value=lambda xs, p: np.array([[1.0]]),
    differential=_count_differential,
    identities=(COUNT,),
    primitives=(COUNT_ROW,),
    export=_export_count,
    notation=Call("N"),
    sympy=no_form("the number of samples N"),
    doc="N, the number of samples a per-sample variable holds",
    extra={"evaluate": evaluate_sample_count},
)
