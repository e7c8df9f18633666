"""Where the numeric check looks: sizes and random points that fit the expression.

* **Sizes.** Each size symbol gets a distinct small size (3, 2, 4, …), so shapes are non-square
  wherever the expression allows; then the same sizes reversed (X Xᵀ is invertible only with few
  rows, Xᵀ X only with few columns); when an inverse's or determinant's argument is singular at
  both, the other orderings of the sizes and finally equal sizes (``more_size_variants``). A size
  that is a product (2·m, m·n) follows from its symbols'; sizes at which some matrix would have
  more than MAX_ENTRIES entries (a kron of krons) give way to sizes 3 and 2 (``within_memory``).
* **Points.** Random values in a few strategies (small and positive first for arcsin and
  arccos, then positive, standard normal, …); square matrices under inv, det and logdet are
  drawn near a multiple of the identity, symmetric ones positive definite or, as likely as not
  at points of both signs, indefinite; at the far points of both signs (scale > 1) a symmetric
  variable outside inv, det and logdet is the symmetric part of a draw at that scale
  (``sample_point``).
* **Fit.** ``guarded`` evaluates at a point and first screens the argument of every inverse,
  determinant and log-determinant, innermost first: a singular one raises ``Unfit`` naming it
  (an expression node, printed by the layers above), an ill-conditioned one is noted.
  ``KINKED`` are the element-wise functions whose derivative jumps at 0 (their ``kinked`` facet
  in ops/elementwise.py): the check finds out whether its differences step across one of those
  kinks.

Values are 2-D arrays (vectors n×1, scalars 1×1); sizes map size symbols to ints.
"""

from __future__ import annotations

import itertools

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.elementwise import KINKED, UNIT_DOMAIN
from matdiff_magic.ops.samples import (
    CHECK_SAMPLES,
    SampleSum,
    free_per_sample,
    is_per_sample,
    sample_value,
    samples_of,
)
from matdiff_magic.types.dims import Dim

SIZE_CHOICES = (3, 2, 4, 5, 6, 7)
MORE_SIZES = 24  # at most this many further orderings of the sizes are tried
MAX_ENTRIES = 1_000_000  # of any one matrix at the sizes tried (8 MB of floats)
CONDITION_LIMIT = 1e6  # beyond it, differences through an inverse cannot be trusted
CONDITIONED = (ir.Inverse, ir.Det, ir.LogDet)


class Unfit(Exception):
    """The argument ``node`` of an inverse, det or logdet is singular at the point."""

    def __init__(self, node: ir.Expr, how: str = "singular"):
        super().__init__(f"{how} argument of an inverse or determinant")
        self.node, self.how = node, how


# ---- sizes -------------------------------------------------------------------------------------
def _free(d) -> bool:
    return not Dim.of(d).is_fixed


def sample_sizes(variables, extra_dims=()) -> dict:
    """Distinct small sizes per symbol, so shapes are non-square unless the expression forces it.
    A product of sizes (2·m, m·n) is not chosen: its value follows from its symbols'."""
    dims = []
    for d in [d for v in variables for d in v.shape] + list(extra_dims):
        for s in Dim.of(d).symbols if _free(d) else ():
            if s not in dims:
                dims.append(s)
    return {Dim.symbol(s): SIZE_CHOICES[i % len(SIZE_CHOICES)] for i, s in enumerate(dims)}


def within_memory(variants: list[dict], nodes, fallback: bool = True) -> list[dict]:
    """The size variants at which no node of ``nodes`` has more than MAX_ENTRIES entries: a
    product of sizes (kron of krons, their Jacobians) grows as the product of its factors, and
    an allocation the machine cannot hold is not always a MemoryError. With ``fallback``, when
    none fits: the sizes 3 and 2 in turn (still non-square), else every size 2, the smallest."""
    shapes = {node.shape for node in nodes}

    def entries(shape, sizes: dict) -> int:
        try:
            return Dim.of(shape[0]).value(sizes) * Dim.of(shape[1]).value(sizes)
        except KeyError:  # a size the sizes do not name (an answer's): evaluating will say so
            return 0

    def largest(sizes: dict) -> int:
        return max((entries(shape, sizes) for shape in shapes), default=0)

    kept = [sizes for sizes in variants if largest(sizes) <= MAX_ENTRIES]
    if kept or not fallback or not variants:
        return kept
    small = [{d: (3, 2)[(i + k) % 2] for i, d in enumerate(variants[0])} for k in (0, 1)]
    return [sizes for sizes in small if largest(sizes) <= MAX_ENTRIES] or [{d: 2 for d in variants[0]}]


def sizes_of(d) -> dict:
    """``sample_sizes`` for a derivation ``d``: its variables', and every size f's nodes hold."""
    return sample_sizes(d.variables, [dim for node in d.function.walk() for dim in node.shape])


def size_variants(sizes: dict) -> list[dict]:
    """The distinct sizes, then the same sizes in reverse (XXᵀ needs few rows, XᵀX few columns)."""
    variants = [sizes]
    reverse = dict(zip(sizes, reversed(list(sizes.values())), strict=True))
    if reverse != sizes:
        variants.append(reverse)
    return variants


def more_size_variants(sizes: dict, tried: list[dict]) -> list[dict]:
    """Further sizes for an expression whose inverses are singular at ``tried``: up to
    MORE_SIZES other orderings of the same sizes, then every size 3 (inv(AX) + inv(XA) needs
    A square), then every size 2 and 4 (X − Xᵀ is singular at every odd size)."""
    out: list[dict] = []
    for values in itertools.islice(itertools.permutations(list(sizes.values())), MORE_SIZES + 2):
        candidate = dict(zip(sizes, values, strict=True))
        if candidate not in tried and candidate not in out:
            out.append(candidate)
    out = out[:MORE_SIZES]
    for k in (3, 2, 4):
        equal = {d: k for d in sizes}
        if sizes and equal not in tried and equal not in out:
            out.append(equal)
    return out


# ---- points ------------------------------------------------------------------------------------
def square_variables(expr: ir.Expr) -> set:
    """Variables that sit under inv, det or logdet: they get well-conditioned values."""
    out = set()
    for node in expr.walk():
        if isinstance(node, CONDITIONED):
            out |= {n.name for n in node.walk() if isinstance(n, ir.Var)}
    return out


def strategies(expr: ir.Expr):
    """Scales and signs of the random values, in the order they are tried."""
    funcs = {n.func for n in expr.walk() if isinstance(n, ir.Apply)}
    if funcs & UNIT_DOMAIN:
        yield dict(scale=0.15, positive=True)
    yield dict(scale=0.5, positive=True)
    yield dict(scale=1.0, positive=False)
    yield dict(scale=0.1, positive=True)
    yield dict(scale=0.3, positive=False)


# tried when f or its derivative is undefined at every point of ``strategies``: wider and
# narrower values (sqrt(x - 0.5) needs x > 0.5, log(1 - x) small x)
MORE_STRATEGIES = (
    dict(scale=2.0, positive=True),
    dict(scale=3.0, positive=False),
    dict(scale=1.0, positive=True),
    dict(scale=0.02, positive=True),
    dict(scale=0.05, positive=False),
)


def sample_counts(roots, default: int = CHECK_SAMPLES) -> tuple[int, tuple[str, ...]]:
    """How many samples a random point holds: the count a sum over samples writes
    (``sum_i(…, 6)``, a whole number up to 50), else ``default``; and the scalar variables that count them
    (``sum_i(…, M)``), which a point sets to that number."""
    count, counters = default, []
    for node in post_order(list(roots)):
        if isinstance(node, SampleSum):
            n = node.count
            if isinstance(n, ir.Const) and n.value.denominator == 1 and 1 <= n.value <= 50:
                count = int(n.value)
            elif isinstance(n, ir.Var) and not is_per_sample(n.name) and n.name not in counters:
                counters.append(n.name)
    return count, tuple(counters)


def sample_point(
    variables,
    sizes: dict,
    rng,
    square_needs: set,
    scale: float,
    positive: bool,
    samples: tuple[int, tuple[str, ...]] = (CHECK_SAMPLES, ()),
    definite: frozenset = frozenset(),
    flip: bool | None = None,
) -> dict:
    """Random values; square matrices are made well conditioned, symmetric ones positive
    definite where ``positive`` or declared so (``definite``: S: spd), else as likely as not
    indefinite; ``samples`` (``sample_counts``): the rows of every per-sample value, and the
    variables that count them, set to it. ``flip``: at a point of both signs, whether those square
    matrices have det < 0 (None: as likely as not)."""
    count, counters = samples
    values = {}
    for v in variables:
        shape = tuple(Dim.of(d).value(sizes) for d in v.shape)
        if v.name in counters:
            values[v.name] = np.array([[float(count)]])
            continue
        if is_per_sample(v.name):  # the values of every sample, the sample index first
            shape = (count, *shape) if 1 not in shape else (count, shape[0] * shape[1])
        if positive:
            a = rng.uniform(0.2, 1.0, size=shape) * scale
        else:
            a = rng.standard_normal(shape) * scale
        negated = not positive and (flip if flip is not None else bool(a.size) and a.flat[0] < 0)
        if v.symmetric:
            b = rng.standard_normal(shape) * 0.3  # drawn either way: later draws stay as they were
            if not positive and scale > 1 and v.name not in square_needs | definite:
                # the far points of both signs: entries of either sign and of the point's scale.
                # Drawn bbᵀ + I, they stayed within about ±3 and Σ relu(diag S + 10) was one
                # linear piece at every point (I passed for its gradient)
                a = (a + a.T) / 2
            else:
                # bbᵀ + I: well conditioned (under inv, det or logdet, declared spd, or near 0)
                a = b @ b.T + np.eye(shape[0])
                far = 1.0 if positive else max(1.0, scale)
                if far > 1:  # its first diagonal entry at the far point's scale, S still definite
                    a[0, 0] = max(a[0, 0], far)  # (S grown whole, det S ~ scaleⁿ swamps log det S)
                if negated and v.name not in definite:
                    # its first diagonal entry made -far: e₁ᵀSe₁ < 0, so S has one eigenvalue
                    # ≤ -far and the others ≥ 1 (they interlace with those of bbᵀ + I): det S < 0,
                    # well conditioned. Positive definite always, |det S| S⁻¹ passed for ∂ det S/∂S
                    a[0, 0] = -far
        elif v.name in square_needs and shape[0] == shape[1]:
            a = np.eye(shape[0]) * (1.0 + shape[0] * scale) + a * 0.3
            if negated:
                # its first row negated (as likely as not): det X < 0, as well conditioned. Near
                # a multiple of I, det X was always positive: |det X| X⁻ᵀ passed for ∂ det X/∂X
                a[0] = -a[0]
        values[v.name] = a
    return values


# ---- fit ---------------------------------------------------------------------------------------
def conditioned(roots, kinds=CONDITIONED) -> list[ir.Expr]:
    """The inverses (and determinants, log-determinants) of ``roots``, innermost first."""
    return [n for n in post_order(roots) if isinstance(n, kinds)]


def condition(a: np.ndarray) -> str | None:
    """'singular' (numerically rank deficient), 'ill-conditioned' (condition number above
    CONDITION_LIMIT) or None for a well-conditioned, or non-finite, square matrix."""
    if a.size == 0 or not np.all(np.isfinite(a)):
        return None
    try:
        s = np.linalg.svd(a, compute_uv=False)
    except np.linalg.LinAlgError:
        return None
    if s[0] == 0 or s[-1] <= s[0] * a.shape[0] * np.finfo(float).eps:
        return "singular"
    return "ill-conditioned" if s[0] > CONDITION_LIMIT * s[-1] else None


def guarded(roots, typed, values: dict, sizes: dict, kinds=CONDITIONED) -> tuple[Evaluator, list]:
    """An Evaluator at ``values`` (with the cell's definitions added) for the expressions
    ``roots``, after screening the argument of every node of ``kinds`` in the definitions and
    in ``roots``, innermost first.

    Returns the evaluator and the arguments found ill-conditioned; raises ``Unfit`` for the
    first singular one. Evaluating ``roots`` afterwards can still give non-finite values (log of
    a negative number, …) but no LinAlgError from a singular inverse.
    """
    noted: list
    full, noted = dict(values), []
    needed = _needed(roots, typed.definitions)
    for name, expr in typed.definitions.items():
        if name not in needed:  # a component y₁ of a solution that is numbers needs no y
            continue
        ev = Evaluator(full, sizes)
        _screen(ev, conditioned([expr], kinds), noted)
        full = {**full, name: ev(expr)}
    ev = Evaluator(full, sizes)
    _screen(ev, conditioned(roots, kinds), noted)
    return ev, noted


def _needed(roots, definitions: dict) -> set:
    """The names of the variables and definitions ``roots`` use, through the definitions."""
    names: set = set()
    stack = list(roots)
    while stack:
        for v in ir.variables(stack.pop()):
            if v.name not in names:
                names.add(v.name)
                if v.name in definitions:
                    stack.append(definitions[v.name])
    return names


def _screen(ev: Evaluator, nodes: list, noted: list) -> None:
    for node in nodes:
        for a in _arguments(ev, node.arg):
            how = condition(np.asarray(a, dtype=float))
            if how == "singular":
                raise Unfit(node.arg)
            if how is not None:
                noted.append(node.arg)
                break


def _arguments(ev: Evaluator, arg: ir.Expr) -> list:
    """The values of ``arg``: one, or one a sample for an argument that depends on the sample
    (inv(Wᵢ) inside sum_i, evaluated with each sample's values bound as the sum binds them)."""
    per = {v.name: v for v in free_per_sample(arg) if v.name in ev.values}
    bindings = [ev.values]
    if per:
        count = samples_of(ev.values, arg) or 0
        bindings = [
            {**ev.values, **{n: sample_value(ev.values[n], k, v) for n, v in per.items()}}
            for k in range(count)
        ]
    out = []
    for values in bindings:
        try:
            out.append(type(ev)(values, ev.sizes)(arg) if per else ev(arg))
        except np.linalg.LinAlgError:  # an inner argument that is not finite
            continue
    return out


def with_definitions(typed, values: dict, sizes: dict) -> dict:
    """Add the values of the cell's intermediate definitions (Y = A*X*B) to ``values``."""
    if not typed.definitions:
        return values
    out = dict(values)
    for name, expr in typed.definitions.items():
        out[name] = Evaluator(out, sizes)(expr)
    return out


def kinks(expr: ir.Expr, limit: int = 500) -> list[ir.Expr]:
    """The applications of a KINKED function in ``expr``, and its 1-norms (Σ|xᵢ|, kinked where an
    entry of the argument is 0), at most ``limit``; each has the argument ``.arg``."""

    def kinked(n: ir.Expr) -> bool:
        return (isinstance(n, ir.Apply) and n.func in KINKED) or (isinstance(n, ir.Norm) and n.p == 1)

    return list(itertools.islice((n for n in expr.walk() if kinked(n)), limit))


def under_sample_sum(node: ir.Expr, root: ir.Expr) -> bool:
    """``node`` (by identity) is inside a sum over samples of ``root``: its value is one
    sample's, which has none outside the sum."""
    stack, seen = [(root, False)], set()
    while stack:
        e, inside = stack.pop()
        if e is node:
            return inside
        if (id(e), inside) in seen:
            continue
        seen.add((id(e), inside))
        inside = inside or isinstance(e, SampleSum)
        stack.extend((k, inside) for k in e.children())
    return False
