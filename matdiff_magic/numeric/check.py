"""The numeric check: the derivative against central finite differences at random points.

Points come from ``numeric.points`` (sizes that fit, values that fit). At each point (``examine``)
the derivative in the numerator and denominator layouts is compared with central differences of
vec of the target (column-major). The verdict at a point is:

* **agree**: relative error below TOLERANCE, no kink crossed by the differences: the check passes;
* **disagree**: the error stays above TOLERANCE with a second step size (1e-4 besides 1e-6), the
  two differences agree with each other, and neither rounding (ε·|values| / step) nor an
  ill-conditioned inverse explains it;
* **unresolved**: the differences cannot decide here (they step across a kink of abs, relu, sign;
  rounding swamps them; they change with the step; an inverse is ill-conditioned);
* **unfit** (an inverse's or determinant's argument is singular) or **undefined** (f, the
  derivative or the differences are not finite, or evaluating raised).

A derivative by a symmetric variable is compared the same way: each entry S_ij is moved alone
(the point is symmetric, the steps are not), which differentiates f as written with every entry
independent; the differences are then put in the derivation's symmetric convention (``convention``:
independent as they are, sym (G + Gᵀ)/2, minka G + Gᵀ − G ⊙ I; for Jacobians and Hessians the same
map on vec S, ``columns_in``) and the whole result is compared.

The check passes at the first point that agrees and then agrees where entries have both signs
(``SIGNED_STRATEGIES``: until every kink the variable moves across has taken both signs); it FAILS
when two points disagree; a single disagreement is re-checked at points drawn alike and is never
outvoted; otherwise it "could not check" and says why (``Reason``, worded by ``could_not_check``
with the layer above printing the expression named).
Nothing raised while evaluating leaves the check. ``check_points`` walks the same points for the
code export's choice of sizes.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import cast

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import is_zero
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric import complex_step, fd, threads
from matdiff_magic.numeric.budget import (  # noqa: F401 - MAX_NODE_ENTRIES, too_large_to_check re-exported
    MAX_NODE_ENTRIES,
    differencing_seconds,
    too_large_to_check,
)
from matdiff_magic.numeric.conventions import columns_in, convention, gradient_in
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.numeric.points import (  # noqa: F401 - re-exported for export/
    MORE_STRATEGIES,
    SIZE_CHOICES,
    Unfit,
    guarded,
    kinks,
    more_size_variants,
    sample_counts,
    sample_point,
    sample_sizes,
    size_variants,
    sizes_of,
    square_variables,
    strategies,
    under_sample_sum,
    with_definitions,
    within_memory,
)
from matdiff_magic.numeric.reasons import Reason, could_not_check, main_reason

TOLERANCE = 1e-5
STEPS = (1e-6, 1e-4)  # the step of the check, and the second step a disagreement is re-checked at
CONFIRM_POINTS = 6  # further points drawn to confirm a single disagreement
SIGNED_STRATEGIES = (
    dict(scale=1.0, positive=False, flip=True),  # det < 0 once at least: det S vs |det S| S⁻¹
    dict(scale=0.3, positive=False),
    dict(scale=3.0, positive=False),  # relu(x − 2) has its kink where scale 1 seldom reaches
    dict(scale=10.0, positive=False),  # and relu(x + 10) where 3 seldom does
    dict(scale=30.0, positive=False),
)
EXTRA_POINTS_SECONDS = 2.0  # CPU seconds of the check past which no optional point is drawn
COMPLEX_STEP_WRONG = 1e-3  # a complex step's relative error above which a derivative disagrees
# after a point where both sides are exactly 0, one more point drawn by each strategy, and these
SMALLER = (dict(scale=0.01, positive=False), dict(scale=0.001, positive=False))  # tanh(1000 x)
SIGNED_POINTS = 15  # at most, to find one where every kink's argument takes both signs
ZERO_NOISE = 3.0  # differences within this many times their rounding (fd.rounding) read as 0
MAGNITUDE_NODES = 2000  # nodes whose values bound the rounding of f


@dataclass(frozen=True)
class CheckResult:
    status: str  # passed, failed, skipped (the check could not decide)
    max_rel_error: float | None
    message: str
    reason: Reason | None = None  # why it could not check
    by: str = "differences"  # how the passing point was compared: "differences" or "complex step"

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class Verdict:
    kind: str  # agree, disagree, unresolved, unfit, undefined
    sizes: dict
    error: float | None = None  # max relative error at the check's step
    scale: float = 0.0  # the largest difference quotient: about 0 at a degenerate point
    reason: Reason | None = None
    strategy: dict | None = None  # how the point's values were drawn (points.strategies)
    vanished: bool = False  # agree as 0 = 0 exactly, the derivative not 0 as a formula
    by: str = "differences"  # or "complex step" (``_complex_step``)


@dataclass(frozen=True)
class PointCheck:
    """The derivative against central differences at one random point."""

    sizes: dict  # size symbol -> the integer used
    error: float  # max relative error over the numerator and denominator layouts
    scale: float  # the largest difference quotient: about 0 at a degenerate point


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1.0) -> float:
    """max |a − b| over max |b|, or over ``floor`` when b is smaller (an entry of 0)."""
    scale = max(floor, float(np.max(np.abs(b))) if b.size else floor)
    if not a.size:
        return 0.0
    diff = float(np.max(np.abs(a - b)))
    return diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)


def _largest(a: np.ndarray) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


_relative_error = relative_error  # as Examiner._error names its own, with the point's floor


def error_floor(magnitude: float) -> float:
    """What a relative error is measured against where the derivative is smaller: the size at
    which the differences' round-off (``fd.rounding``, from the largest value f goes through)
    is a tenth of the tolerance, at most 1. Against 1, a derivative whose entries are all below
    1 was compared absolutely: 0 passed for 2·10⁻⁸ x, and (a'x)¹⁹ a for 20 (a'x)¹⁹ a at small a'x."""
    return min(1.0, 10 * fd.rounding(magnitude, STEPS[0]) / TOLERANCE)


def describe(err: float, passed: bool, by: str = "differences") -> str:
    if passed and by == "zeros":
        return "✓ the derivative and f's differences are both 0 at every point tried"
    if passed and by == "complex step":
        return f"✓ checked at a random point by the complex step, max rel. error {err:.1e}"
    if passed:
        return f"✓ checked at a random point, max rel. error {err:.1e}"
    if by == "complex step":
        return (
            f"✗ the numeric check FAILED: max rel. error {err:.1e} against the complex step"
            " — please report this expression"
        )
    return (
        f"✗ the numeric check FAILED: max rel. error {err:.1e} against central finite differences"
        " — please report this expression"
    )


def _unnamed(e: ir.Expr) -> str:
    return e.name if isinstance(e, ir.Var) else f"a {e.shape[0]}×{e.shape[1]} matrix"


class Examiner:
    """The derivative of a Derivation ``d`` (its typed program, wrt, target, kind and results)
    against central differences at given points."""

    def __init__(self, d):
        self.d = d
        self.num = d.results["numerator"].expr
        self.den = d.results["denominator"].expr
        self.roots = [d.function, d.target, self.num, self.den]
        # the kinks the variable moves across: not one of another variable alone (norm1(y)),
        # nor one of a single sample's values (x_i − μ has no value outside its sum)
        self.kinks = [
            k
            for k in kinks(d.target)
            if ir.depends_on(k.arg, d.wrt.name) and not under_sample_sum(k, d.target)
        ]
        self.squares = square_variables(d.function)
        self.samples = sample_counts([d.function])

    def point(self, sizes: dict, rng, strategy: dict) -> dict:
        return sample_point(
            self.d.variables,
            sizes,
            rng,
            self.squares,
            **strategy,
            samples=self.samples,
            definite=self.d.typed.definite,
        )

    def examine(self, values: dict, sizes: dict) -> Verdict:
        """The verdict at one point; never raises (but for BaseExceptions such as time limits)."""
        try:
            with np.errstate(all="ignore"):
                return self._examine(values, sizes)
        except Unfit as unfit:
            return Verdict("unfit", sizes, reason=Reason(unfit.how, unfit.node))
        except Exception as error:  # a point the check cannot use, whatever the cause
            name = type(error).__name__
            return Verdict("undefined", sizes, reason=Reason("raised", value=name))

    def _examine(self, values: dict, sizes: dict) -> Verdict:
        d = self.d
        ev, ill = guarded(self.roots, d.typed, values, sizes)
        undefined = Verdict("undefined", sizes, reason=Reason("undefined"))
        outs = [ev(e) for e in self.roots]
        if not all(np.all(np.isfinite(o)) for o in outs):  # of_f: f itself has no value here
            of_f = not all(np.all(np.isfinite(o)) for o in outs[:2])
            return Verdict("undefined", sizes, reason=Reason("undefined", of_f=of_f))
        num, den = outs[2], outs[3]
        if d.kind == "hessian":  # its gradient, whose Jacobian the Hessian is compared with
            wrong = self._wrong_gradient(values, sizes, outs[1], ev)
            if wrong is not None:
                return wrong
        jac, crossed = self._differences(values, sizes, STEPS[0])
        if not np.all(np.isfinite(jac)):
            return undefined
        scale = _largest(jac)
        if num.size != jac.size or den.size != jac.size:  # a result of the wrong shape is wrong
            return Verdict("disagree", sizes, math.inf, scale)
        magnitude = self._magnitude(ev)
        floor = error_floor(magnitude)
        err = self._error(jac, num, den, values, ev, floor)
        unresolved = lambda reason: Verdict("unresolved", sizes, err, scale, reason)
        if crossed is not None:
            return unresolved(Reason("kink", crossed))
        if err < TOLERANCE:
            size = max(scale, _largest(num), _largest(den))
            own = self._error(jac, num, den, values, ev, 0.0) if size > 0 else math.inf
            if own < TOLERANCE:  # to the derivative's own size, as the error is reported
                return Verdict("agree", sizes, own, scale)
            # The agreement rests on the floor (or on 0 = 0 exactly): the differences do not
            # resolve the derivative, and a wrong factor or 0 would agree as well (tr(X¹⁵⁰⁰) where
            # X¹⁴⁹⁹ ~ 10⁻⁵⁰, 1 + 10⁻²⁰x, 3·10⁻⁹ aᵀXb). The complex step decides where it can.
            stepped = self._complex_step(values, sizes, num, den, ev)
            if stepped is not None:
                return stepped
            # A derivative that is 0 as a formula (A⁻¹A = I simplified) is a claim the
            # differences do test where they are 0 to within their rounding: f moves by no more
            # than its rounding explains. Beyond that they see f move (1 + 10⁻⁹ Σ relu(x): 4× its
            # rounding), and a 0 is not confirmed. 0 = 0 exactly (f does not move at all, or its
            # values underflow) is marked: _checked looks at more points.
            if is_zero(self.num) and is_zero(self.den):
                if scale <= ZERO_NOISE * fd.rounding(magnitude, STEPS[0]):
                    return Verdict("agree", sizes, err, scale)
                return unresolved(Reason("small", value=size))
            if size == 0:
                return Verdict("agree", sizes, err, scale, vanished=True)
            return unresolved(Reason("small", value=size))
        if ill:
            return unresolved(Reason("ill-conditioned", ill[0]))
        if _swamped(magnitude, max(floor, scale, _largest(num))):
            return unresolved(Reason("magnitude", value=magnitude))
        jac2, crossed = self._differences(values, sizes, STEPS[1])
        if crossed is not None:
            return unresolved(Reason("kink", crossed))
        if not np.all(np.isfinite(jac2)):
            return unresolved(Reason("steps"))
        err2 = self._error(jac2, num, den, values, ev, floor)
        if not self._stands(values, sizes, (jac, err), (jac2, err2), floor):
            return unresolved(Reason("steps"))
        return Verdict("disagree", sizes, err, scale)

    def _stands(self, values: dict, sizes: dict, first, second, floor: float, target=None) -> bool:
        """Whether a disagreement at step STEPS[0] (``first``: the differences and their error)
        stands at STEPS[1] (``second``) too. Differences that have not settled between the two
        steps (they differ by more than 10 %, or by more than a tenth of the disagreement) cannot
        decide: cos(1e10 x) moves through many periods within one step. Nor can differences that
        change when every operation's result moves by a few ε (Monte Carlo arithmetic): they read
        f's rounding, not its derivative (log(1 − σ(x)) at x = 35 is a stair of rounded values,
        1 − σ(x) a few ulps, whose differences agree at both steps); a wrong answer's
        disagreement does not move so."""
        (jac, err), (jac2, err2) = first, second
        least = min(err, err2)
        if least < TOLERANCE or relative_error(jac, jac2) > min(0.1, 0.1 * least):
            return False
        moved, _ = self._differences(values, sizes, STEPS[0], target, rng=np.random.default_rng(2))
        return bool(np.all(np.isfinite(moved))) and relative_error(moved, jac, floor) <= min(0.1, 0.1 * least)

    def _wrong_gradient(self, values: dict, sizes: dict, gradient, ev: Evaluator) -> Verdict | None:
        """A Hessian is compared with differences of the derivation's gradient, so a wrong
        gradient would give a Hessian that passes: the gradient (every entry independent, as it
        is differentiated) is compared with differences of f first. A disagreement at both steps
        that the differences resolve (no kink crossed, rounding far below it, the two steps
        settled) is the verdict; anything less leaves the Hessian's verdict to decide."""
        f, x0 = self.d.function, values[self.d.wrt.name]
        magnitude = self._magnitude(ev, f)
        floor = error_floor(magnitude)
        if _swamped(magnitude, max(floor, _largest(gradient))):
            return None  # rounding swamps f's differences (1e300 + α): they cannot say

        def at(h: float):
            """f's differences at step h and the gradient's error against them (None: no say)."""
            jac, crossed = self._differences(values, sizes, h, f)
            if crossed is not None or not np.all(np.isfinite(jac)):
                return None
            expected = jac.reshape(np.shape(x0), order="F")
            return jac, relative_error(np.reshape(gradient, expected.shape), expected, floor)

        first = at(STEPS[0])
        if first is None or first[1] < TOLERANCE:  # the usual case: the second step not taken
            return None
        second = at(STEPS[1])
        if second is None or not self._stands(values, sizes, first, second, floor, f):
            return None
        return Verdict("disagree", sizes, first[1], _largest(first[0]))

    def _complex_step(self, values: dict, sizes: dict, num, den, ev: Evaluator) -> Verdict | None:
        """The verdict of the complex step at a point where the derivative is below what the
        differences resolve (``complex_step.resolved``): agree or disagree, each against the
        derivative's own size; None where it cannot decide either."""
        jac = complex_step.resolved(self.d, self.num, num, values, sizes)
        if jac is None:
            return None
        err = self._error(jac, num, den, values, ev, floor=0.0)
        scale = _largest(jac)
        if err < TOLERANCE:
            return Verdict("agree", sizes, err, scale, by="complex step")
        if err <= COMPLEX_STEP_WRONG:
            return None
        # a difference the answer's own rounding explains is not a wrong formula (1 − tanh²u)
        if err * scale <= 10 * complex_step.rounding(self.d, self.num, num, values, sizes):
            return None
        return Verdict("disagree", sizes, err, scale, by="complex step")

    def kink_signs(self) -> list[KinkSigns]:
        """For each kink, the signs each entry of its argument took at the points noted so far."""
        return [KinkSigns() for _ in self.kinks]

    def note_signs(self, signs: list[KinkSigns], values: dict, sizes: dict) -> None:
        """Add the signs of each kink's argument's entries at the point: once every entry of every
        argument has taken both, the derivative was compared on both sides of every kink."""
        try:
            with np.errstate(all="ignore"):
                ev = Evaluator(with_definitions(self.d.typed, values, sizes), sizes)
                for seen, k in zip(signs, self.kinks, strict=True):
                    seen.note(np.asarray(ev(k.arg)))
        except Exception:  # a point the check cannot use, whatever the cause
            return

    def _differences(self, values: dict, sizes: dict, h: float, target: ir.Expr | None = None, rng=None):
        """Central differences of vec target (or ``target``) by vec x at step ``h``, and the first
        kink the steps cross (an argument of abs, relu, sign, step that changes sign), or None.
        ``rng``: every operation's result moved by a few ε (``complex_step.Rounded``)."""
        d, wrt = self.d, self.d.wrt.name
        target = d.target if target is None else target
        signs = []
        if self.kinks:
            start = Evaluator(with_definitions(d.typed, values, sizes), sizes)
            signs = [np.sign(start(k.arg)) for k in self.kinks]
        crossed: list = []

        def f(x):
            point = with_definitions(d.typed, {**values, wrt: x}, sizes)
            ev = Evaluator(point, sizes) if rng is None else complex_step.Rounded(point, sizes, rng)
            out = ev(target)
            if not crossed:
                for k, s0 in zip(self.kinks, signs, strict=True):
                    s = np.sign(ev(k.arg))
                    if np.any((s != s0) & np.isfinite(s) & np.isfinite(s0)):
                        crossed.append(k)
                        break
            return out.reshape(-1, order="F")

        jac = fd.jacobian(f, values[wrt], h=h)
        return jac, (crossed[0] if crossed else None)

    def _magnitude(self, ev: Evaluator, target: ir.Expr | None = None) -> float:
        """The largest finite value among the target's (or ``target``'s) nodes: it bounds the
        rounding of f."""
        out = 0.0
        for k, node in enumerate((self.d.target if target is None else target).walk()):
            if k >= MAGNITUDE_NODES:
                break
            try:
                a = np.abs(ev(node))
            except Exception:  # a node of one sample (x_i − μ) has no value outside its sum
                continue
            a = a[np.isfinite(a)]
            if a.size:
                out = max(out, float(a.max()))
        return out

    def _error(self, jac, num, den, values: dict, ev: Evaluator, floor: float) -> float:
        """The max relative error of both layouts against the differences ``jac`` (rows: entries
        of vec target; columns: entries of vec x), measured against ``floor`` where they are
        smaller (``error_floor``)."""
        d, x0 = self.d, values[self.d.wrt.name]
        relative_error = functools.partial(_relative_error, floor=floor)
        if d.kind == "gradient":
            # the gradient has the shape of x: compare entry by entry with the 1×(mn) Jacobian
            # (a symmetric variable is moved entry by entry too, S_ij apart from S_ji: the
            # differences are the derivative with every entry independent, then put in the
            # derivation's convention; the whole result is compared, never a part of it)
            grad = gradient_in(convention(d), jac.reshape(x0.shape, order="F"))
            den, num = den.reshape(grad.shape), num.reshape(grad.T.shape)
            return max(relative_error(den, grad), relative_error(num, grad.T))
        if d.wrt.is_scalar:
            by_scalar = jac.reshape(ev.shape(d.target), order="F")
            return max(
                relative_error(num.reshape(by_scalar.shape), by_scalar),
                relative_error(den.reshape(by_scalar.T.shape), by_scalar.T),
            )
        conv = convention(d)
        if conv != "independent":  # J P, or P H P for a Hessian (the Jacobian of the gradient)
            P = columns_in(conv, x0.shape[0])
            jac = (P @ jac @ P) if d.kind == "hessian" else jac @ P
        num, den = num.reshape(jac.shape), den.reshape(jac.T.shape)
        return max(relative_error(num, jac), relative_error(den, jac.T))


def check_points(d, size_list: list[dict], seed: int, skip: tuple = ()) -> Iterator[PointCheck]:
    """The points of ``size_list`` × ``strategies`` where the derivative of ``d`` could be
    compared with central differences (agreeing or not), in order.

    One random point is drawn for each (always, so the points do not depend on what was passed
    over). Nothing raised while evaluating leaves this generator (``skip`` is accepted for older
    callers). A derivative by a symmetric variable is compared whole, in its convention. Sizes
    at which some matrix would not fit in memory are passed over (``within_memory``).
    """
    examiner = Examiner(d)
    rng = np.random.default_rng(seed)
    for sizes in within_memory(size_list, post_order(examiner.roots)):
        for strategy in strategies(d.function):
            verdict = examiner.examine(examiner.point(sizes, rng, strategy), sizes)
            if verdict.kind in ("agree", "disagree"):
                yield PointCheck(sizes, cast(float, verdict.error), verdict.scale)  # set when compared


class KinkSigns:
    """The signs each entry of a kink's argument took: a sign per point for the whole argument let
    one diagonal entry of relu(S − 2) above 2 end the search before any entry off the diagonal
    crossed, and a derivative right on the diagonal only passed."""

    def __init__(self) -> None:
        self.positive: np.ndarray | None = None
        self.negative: np.ndarray | None = None

    def note(self, a: np.ndarray) -> None:
        if self.positive is None or self.negative is None or self.positive.shape != a.shape:
            self.positive, self.negative = np.zeros(a.shape, bool), np.zeros(a.shape, bool)
        self.positive |= a > 0
        self.negative |= a < 0

    @property
    def both(self) -> bool:
        """Whether every entry took both signs."""
        return self.positive is not None and bool(np.all(self.positive & self.negative))


def _swamped(magnitude: float, bound: float) -> bool:
    """Whether the rounding of differences of a function computed through values of size
    ``magnitude`` exceeds a tenth of the tolerance of ``bound`` (the derivative's size, or the
    floor): they cannot decide then (1e300 + x)."""
    return fd.rounding(magnitude, STEPS[0]) > 0.1 * TOLERANCE * bound


def _beyond_zeros(passed: Verdict, at, seen: list, kinds: list) -> Verdict | None:
    """After a point where the derivative and the differences are both exactly 0 (x^1e300 at
    |x| < 1, where both underflow, or a flat piece of relu), one more point drawn by each of the
    strategies ``kinds`` (tanh(det M) saturates at the larger scale, not at the usual one; tanh(1000 x)
    at every scale but SMALLER's): one that agrees with values passes the check; one whose values are below what the
    differences resolve (tr(X¹⁵⁰⁰) where X¹⁴⁹⁹ ~ 10⁻⁴⁶, 0 elsewhere) makes it undecided (None),
    as a disagreement does; zeros or no values everywhere keep the first point's agreement. The
    points ``seen`` so far count too (``at`` appends each new one to them)."""

    def drawn():
        yield from seen  # the points the check drew already (the signed ones after it)
        for kind in kinds:
            yield at(passed.sizes, kind)

    doubt = False
    for verdict in drawn():
        if verdict.kind == "agree" and not verdict.vanished:
            return verdict
        doubt = doubt or verdict.kind == "disagree" or _too_small(verdict)
    return None if doubt else replace(passed, by="zeros")


def _too_small(verdict: Verdict) -> bool:
    return verdict.reason is not None and verdict.reason.kind == "small"


def run_check(d, seed: int, written=_unnamed) -> CheckResult:
    """The derivation's numeric check (see the module's docstring): passed, failed (two points
    disagree), or skipped with the reason it could not check. ``written`` prints an expression
    for the message (the renderer's ``to_text`` from the layers above)."""
    examiner = Examiner(d)
    nodes = post_order(examiner.roots)
    standard = within_memory(size_variants(sizes_of(d)), nodes)
    sizes = standard[0] if standard else {}
    oversized = too_large_to_check(d.wrt, d.target, nodes, sizes)
    if oversized is not None:  # declared sizes the check cannot take in the cell's time
        before, node, after = could_not_check(oversized)
        return CheckResult("skipped", None, before + written(cast(ir.Expr, node)) + after, oversized)
    with threads.for_differencing(differencing_seconds(d.wrt, d.target, sizes)):
        return _checked(d, examiner, nodes, standard, np.random.default_rng(seed), written)


def _checked(d, examiner: Examiner, nodes, standard: list, rng, written) -> CheckResult:
    """``run_check`` past its budget: the points, their verdicts and the result."""
    started = time.process_time()
    seen: list[Verdict] = []

    def draw(sizes, strategy) -> dict:
        """A point drawn by ``strategy``; with ``others``, only the variable's entries so (the
        other variables drawn by that strategy: log y needs a positive y)."""
        if "others" not in strategy:
            return examiner.point(sizes, rng, strategy)
        own = examiner.point(sizes, rng, {k: v for k, v in strategy.items() if k != "others"})
        return {**examiner.point(sizes, rng, strategy["others"]), d.wrt.name: own[d.wrt.name]}

    def at(sizes, strategy, values=None) -> Verdict:
        values = values if values is not None else draw(sizes, strategy)
        verdict = replace(examiner.examine(values, sizes), strategy=strategy)
        seen.append(verdict)
        return verdict

    def walk(size_list, kinds=None, stop_when_singular=False):
        for sizes in size_list:
            for strategy in kinds or strategies(d.function):
                verdict = at(sizes, strategy)
                if verdict.kind == "agree":
                    return verdict
                if stop_when_singular and verdict.kind == "unfit":
                    break  # these sizes make the argument singular: the next sizes
        return None

    passed = walk(standard)
    if passed is None and all(
        v.kind == "undefined" and cast(Reason, v.reason).kind == "undefined" for v in seen
    ):
        passed = walk(standard, MORE_STRATEGIES)
    if passed is None and any(v.reason and v.reason.kind in ("singular", "ill-conditioned") for v in seen):
        more = within_memory(more_size_variants(standard[0], standard), nodes, fallback=False)
        passed = walk(more, stop_when_singular=True)
    if passed is not None and cast(dict, passed.strategy).get("positive"):
        # where every entry is positive, sign(x), |x| and relu(x) are 1, x and x, and a power of
        # small values vanishes: the derivative must also agree where entries have both signs
        # (at two such points when f has kinks: one may have every argument of |·| positive)
        wanted, signs = (2, examiner.kink_signs()) if examiner.kinks else (1, None)
        only_wrt = False  # another variable's domain (log y) may need positive values: then
        for k in range(SIGNED_POINTS):  # only the variable's entries take both signs
            if wanted <= 0 and time.process_time() - started > EXTRA_POINTS_SECONDS:
                break  # a large cell: the signed points it needs were drawn, no more
            strategy = SIGNED_STRATEGIES[k % len(SIGNED_STRATEGIES)]
            if only_wrt:
                strategy = {**strategy, "others": passed.strategy}
            values = draw(passed.sizes, strategy)
            verdict = at(passed.sizes, strategy, values)
            if verdict.kind == "disagree":
                break
            if verdict.kind == "agree":
                wanted -= 1
                if signs is not None:
                    examiner.note_signs(signs, values, passed.sizes)
                if wanted <= 0 and (signs is None or all(s.both for s in signs)):
                    break
            elif verdict.kind in ("undefined", "unfit"):
                only_wrt = True
    if passed is not None and passed.vanished:
        passed = _beyond_zeros(passed, at, list(seen), [*strategies(d.function), *SMALLER])
    disagreements = [v for v in seen if v.kind == "disagree"]
    if len(disagreements) == 1:
        # confirmed at points drawn alike: one more disagreement fails it; without one the check
        # cannot vouch for the result (a disagreement the guards let through is a wrong result
        # at that point: one wrong only where |x − 1| has x > 1 agrees at most other points)
        drawn, passed = disagreements[0], None
        for k in range(CONFIRM_POINTS):
            if k and time.process_time() - started > 2 * EXTRA_POINTS_SECONDS:
                break
            if at(drawn.sizes, drawn.strategy).kind == "disagree":
                disagreements.append(seen[-1])
                break
    if not disagreements and passed is not None:
        return CheckResult("passed", passed.error, describe(passed.error, True, passed.by), by=passed.by)
    if len(disagreements) >= 2:
        least = min(disagreements, key=lambda v: cast(float, v.error))
        worst = cast(float, least.error)
        return CheckResult("failed", worst, describe(worst, False, least.by), by=least.by)
    small = [v for v in seen if _too_small(v)]
    # values below the resolution somewhere, 0 = 0 exactly elsewhere: their size is the reason
    vanished = small and any(v.vanished for v in seen)
    reason = (
        replace(cast(Reason, small[0].reason), everywhere=False)
        if vanished
        else main_reason(seen, disagreements)
    )
    before, node, after = could_not_check(reason)
    return CheckResult("skipped", None, before + (written(node) if node is not None else "") + after, reason)
