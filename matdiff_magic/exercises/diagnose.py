"""check_answer: a student's derivative against the true one, numerically, with the mistake named.

The answer is an expression in the same language as ``%%matdiff`` (``b*a'``, ``2*X'*(X*beta - y)``).
It is typed with the declarations of the function's own variables, so ``a`` is the same vector of
size m in both. Both are then evaluated at several random points whose sizes are distinct (shapes
are non-square wherever the expression allows), and a mismatch is explained: the other layout, a
missing transpose, a constant factor, a sign, a shape, an answer that holds only for symmetric
matrices. Nothing is ever passed to ``eval``. The answer is typed and sampled in
``exercises.answer``; the verdicts are worded in ``exercises.messages``.

    check_answer("b*a'", "a'*X*b", wrt="X")
    ✗ Wrong layout: your answer (n×m) is ∂f/∂Xᵀ in numerator layout, but ∂f/∂X in mixed layout
    is m×n. In mixed layout the derivative of a scalar by X has the shape of X: transpose your answer.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.depth import deep_or_refused
from matdiff_magic.derivation.pipeline import derive
from matdiff_magic.errors import ArgumentTypeError, MatdiffError, flag, known_language, whole_seed
from matdiff_magic.exercises.answer import (
    MARK,
    EverySizeSingular,
    evaluate_at,
    samples_at_random_points,
    type_answer,
)
from matdiff_magic.exercises.messages import shape_text, verdict
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric.check import MAX_NODE_ENTRIES
from matdiff_magic.ops.unknown import OuterFunction, unknown_functions
from matdiff_magic.render.printer import to_latex, to_text
from matdiff_magic.syntax.latex import looks_like_latex, translate
from matdiff_magic.syntax.latex_cursor import DIFFERENTIAL_HINT, HINTS
from matdiff_magic.types.dims import Dim

__all__ = ["AnswerCheck", "check_answer"]

MAX_POINTS = 50  # random points an answer is compared at
TOLERANCE = 1e-7  # both sides are exact formulas: no finite-difference noise to allow for
ROUNDING = 1e-13  # what formulas of values about 1 differ by when they are the same (relative)
PLACEHOLDERS = {"", "...", "…", "?", "TODO", "your answer"}
DERIVE_HINTS = {HINTS["partial"], HINTS["nabla"], DIFFERENTIAL_HINT}  # they speak of --wrt


@dataclass
class AnswerCheck:
    """The outcome of :func:`check_answer`. ``bool(result)`` is ``result.correct``."""

    correct: bool
    kind: str  # correct, layout, transpose, factor, sign, shape, symmetric,
    # kron-order, zero, wrong,
    # unreadable (syntax, unknown name, shapes that do not fit),
    # undefined, empty, unchecked (no random point where f is defined: singular at every size),
    # rounding (equal only within the rounding of terms far larger than the derivative)
    message: str  # one paragraph, plain text
    answer: str
    expected: str = ""  # the true derivative (text); shown only when asked to reveal it
    expected_latex: str = ""
    answer_latex: str = ""
    factor: Fraction | float | None = None
    details: list = field(default_factory=list)  # lines shown below the message (code)
    lang: str = field(default_factory=i18n.current)  # the language of message (i18n)

    def __post_init__(self) -> None:
        self.message = i18n.translate(self.message, self.lang)  # worded in English, shown in lang

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return "\n".join([self.message, *self.details])

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(str(self))

    def _repr_markdown_(self) -> str:
        # Markdown, so JupyterLab, Notebook 7 and VS Code all typeset the answer as it was read
        # (its LaTeX comes from the parsed expression, never from the raw text). The headline, up
        # to the first colon, is bold.
        colon = "：" if "：" in self.message.partition(": ")[0] else ": "  # the first colon
        head, sep, rest = self.message.rstrip(":：").partition(colon)
        if not sep and self.message.endswith((":", "：")):
            head, sep, rest = self.message[:-1], self.message[-1], ""
        lines = [f"**{_md_escape(head)}**{sep}{_md_escape(rest)}" if sep else _md_escape(self.message)]
        if self.answer_latex:
            lines.append(f"\n\n{i18n.translate('Your answer, as read:', self.lang)} ${self.answer_latex}$")
        if self.details:
            body = "\n".join(self.details)
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", body)), default=0))
            lines.append(f"\n\n{fence}\n{body}\n{fence}")
        return "".join(lines)


def _clean(error: MatdiffError) -> list:
    """The package's message as lines, with f's sizes shown by their own names."""
    return str(error).replace(MARK, "").split("\n")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|$])", r"\\\1", text)


def check_answer(
    answer: str,
    f: str,
    wrt: str | None = None,
    layout: str = "mixed",
    order: int = 1,
    points: int = 3,
    seed: int = 0,
    reveal: bool = False,
    lang: str | None = None,
    latex: bool | None = None,
) -> AnswerCheck:
    """Is ``answer`` the derivative of ``f`` by ``wrt`` (in ``layout``; ``order=2`` for the Hessian)?

    ``answer`` and ``f`` are expressions of the ``%%matdiff`` language; ``f`` may carry
    declarations (``S: symmetric``). Returns an :class:`AnswerCheck` whose ``message`` says what is
    wrong; ``reveal=True`` adds the right answer to it. An answer that cannot be read is reported
    with the package's message (line and caret); a mistake in ``f`` itself raises ``MatdiffError``.
    ``lang`` (``en``, ``zh``; default the session's) is the language of the message. ``latex``:
    ``f`` and the answer are LaTeX, as ``derive``'s cell (``None``: each when it looks so, so an
    answer pasted from the notes, ``\\pmb{a}\\pmb{b}^T``, is read with f typed either way;
    ``True`` for a formula that reads as the language too, ``f(y_1,y_2) = y_1^2 + y_2^2``).
    """
    if not isinstance(answer, str):
        raise ArgumentTypeError(f'check_answer takes the answer as a string, e.g. "b*a\'": got {answer!r}')
    with i18n.using(known_language(lang)):
        seed, reveal = whole_seed(seed), flag("reveal", reveal)
        latex = None if latex is None else flag("latex", latex)
        if (
            isinstance(points, bool)
            or not isinstance(points, numbers.Integral)
            or not 1 <= points <= MAX_POINTS
        ):
            raise MatdiffError(f"points takes a whole number from 1 to {MAX_POINTS}: got {points!r}")
        # the answer is typed and printed one call per level of nesting
        with deep_or_refused("the answer is too deeply nested to check", answer):
            return _check_answer(answer, f, wrt, layout, order, points, seed, reveal, latex)


def _read_answer(answer: str, d, latex: bool | None):
    """The answer typed with f's declarations (``type_answer``): LaTeX when it looks so (read as
    a cell is, its errors pointing into the LaTeX), else the language; with ``latex=True`` (f
    pasted from the notes) an answer that does not look so is read as the language first, as
    people answer in it (``[y_1^(-1); y_2^(-1)]``), and as LaTeX only where that fails."""
    if latex is not False and looks_like_latex(answer):
        return _latex_answer(answer, d)
    try:
        return type_answer(answer, d)
    except MatdiffError as plain:
        if not latex:
            raise
        try:
            return _latex_answer(answer, d)
        except MatdiffError:
            raise plain from None  # read as neither: the language's error, where it was typed


def _latex_answer(answer: str, d):
    # f's functions without a formula: ∂g/∂Y in the answer is their outer derivative grad_g(Y)
    outer = {g: g for g in unknown_functions(d.function)}
    composed = d.typed.outer
    if isinstance(composed, OuterFunction) and composed.order == 0 and d.name not in outer:
        # f = g(Y) (seed 000): ∂f/∂Y, the derivative of the cell's f by Y, is ∂g/∂Y
        outer[d.name] = composed.func
    try:
        translation = translate(answer, outer=outer)
    except MatdiffError as error:
        if error.hint in DERIVE_HINTS:  # "--wrt" is derive's: say what an answer may write
            error.hint = _answer_hint(outer)
        raise
    try:
        return type_answer(translation.text, d)
    except MatdiffError as error:
        raise translation.error_in_latex(error) from None


def _answer_hint(outer: dict) -> str:
    """The hint for ∂, ∇ or a differential in an answer: what an answer writes instead."""
    if not outer:
        return "an answer is the derivative written out in the variables of f, without ∂, ∇ or d"
    functions = ", ".join(dict.fromkeys(outer.values()))
    return (
        "an answer is the derivative written out in the variables of f; ∂ stays only in the outer "
        f"derivative of a function declared without a formula ({functions}), as ∂g/∂Y or ∇g(Y)"
    )


def _check_answer(answer, f, wrt, layout, order, points, seed, reveal, latex=None) -> AnswerCheck:
    d = derive(f, wrt=wrt, layout=layout, order=order, check=False, latex=latex)
    result = d.results[layout]
    what = f"{result.lhs_text} in {layout} layout"
    expected_shape = shape_text(result.shape)
    common: dict = dict(answer=answer, expected=to_text(result.expr), expected_latex=to_latex(result.expr))

    if not answer.strip():  # nothing to replace: say so, rather than quote "the empty string"
        return AnswerCheck(
            False,
            "empty",
            f"No answer yet: the answer is empty; write your expression for {what} ({expected_shape}).",
            **common,
        )
    if answer.strip() in PLACEHOLDERS:
        return AnswerCheck(
            False,
            "empty",
            f"No answer yet: replace {answer.strip()!r} with your expression for {what} ({expected_shape}).",
            **common,
        )
    try:
        typed = _read_answer(answer, d, latex)
    except MatdiffError as error:
        return AnswerCheck(
            False, "unreadable", "✗ The answer cannot be read:", details=_clean(error), **common
        )
    A_expr = typed.expr
    common["answer_latex"] = to_latex(A_expr)
    oversized = _oversized(A_expr)
    if oversized is not None:  # eye(10000000): no random point can hold it
        return AnswerCheck(
            False,
            "unreadable",
            "✗ The answer cannot be evaluated at the declared sizes:",
            details=[
                i18n.translate(
                    f"{to_text(oversized)} has {_entries(oversized):,} entries, more than can be evaluated"
                )
            ],
            **common,
        )

    try:
        samples = samples_at_random_points(d, A_expr, points, seed)
    except np.linalg.LinAlgError:
        samples = None
    except EverySizeSingular:
        return AnswerCheck(
            False,
            "unchecked",
            f"? Could not check: a matrix that f or {what} inverts is singular at every size tried, "
            "so neither is defined at any random point.",
            **common,
        )
    except MatdiffError as error:
        return AnswerCheck(
            False, "unreadable", "✗ The answer cannot be evaluated:", details=_clean(error), **common
        )
    if samples is None:
        return AnswerCheck(
            False,
            "undefined",
            f"✗ Not defined: your answer is NaN or infinite at "
            f"random points where {what} is finite; look for a log or sqrt of a negative "
            f"number, or the inverse of a singular matrix.",
            **common,
        )

    kind, factor, extra = _diagnose(samples, d, layout, A_expr)
    message = verdict(
        kind, factor, extra, what, expected_shape, shape_text(A_expr.shape, answer=True), samples, d, layout
    )
    if kind == "shape" and _all_close(samples, lambda s: (_diag_of(s["A"]), s["T"])):
        message += (
            " Your answer holds the diagonal of the right one: the Jacobian of an "
            "element-wise function is the diagonal matrix diag(…) of your answer."
        )
    elif kind == "shape" and samples[0]["A"].shape == (1, 1):
        message += f" Did you write {d.name} itself, or its differential, instead of the derivative?"
    if kind == "transpose-factor":
        kind = "factor"
    if reveal and kind != "correct":
        message += f" The right answer: {common['expected']}."
    return AnswerCheck(kind == "correct", kind, message, factor=factor, **common)


def _entries(e) -> int:
    """The entries of a node whose sizes are numbers (eye(10000000)); 0 when a size is a symbol."""
    dims = [Dim.of(d) for d in e.shape]
    return dims[0].value({}) * dims[1].value({}) if all(d.is_fixed for d in dims) else 0


def _oversized(A_expr):
    """A node of the answer with more entries than the numeric check holds, or None."""
    return next((n for n in post_order([A_expr]) if _entries(n) > MAX_NODE_ENTRIES), None)  # innermost


def _close(a: np.ndarray, b: np.ndarray, terms: float = 1.0) -> bool:
    """a equals b up to rounding: relative to the larger of them, so that an answer 0 is not
    close to 2·10⁻⁸ x (against 1, every derivative below 1 was compared absolutely); a
    difference below ROUNDING times ``terms``, the scale of the values the formulas combine at
    the point (``answer.terms_scale``), is none: rounding scales with f (against 1, the answer 0
    was close to the derivative 2·10⁻²⁰ X of 10⁻²⁰ tr(XᵀX))."""
    if a.shape != b.shape:
        return False
    if not a.size:
        return True
    diff = float(np.max(np.abs(a - b)))
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return diff <= ROUNDING * terms or diff < TOLERANCE * scale


def _within_rounding_only(s: dict) -> bool:
    """The answer equals the derivative at this point only within the rounding of the values its
    formulas combine, which is coarser than the derivative's own size lets a relative error show:
    the derivative is not 0 there, and the difference is not below TOLERANCE of it."""
    A, T = s["A"], s["T"]
    size = float(np.max(np.abs(T))) if T.size else 0.0
    return A.shape == T.shape and size > 0 and float(np.max(np.abs(A - T))) >= TOLERANCE * size


def _all_close(samples, f) -> bool:
    pairs = ((f(s), s["terms"]) for s in samples)
    return all(_close(a, b, terms) for (a, b), terms in pairs)


def _diag_of(a: np.ndarray) -> np.ndarray:
    return np.diag(a[:, 0]) if a.ndim == 2 and a.shape[1] == 1 and a.shape[0] > 1 else a


def _factor(samples, transpose: bool):
    """The constant c with A = c·T (or c·Tᵀ) at every point, if there is one."""
    cs = []
    for s in samples:
        T = s["T"].T if transpose else s["T"]
        A = s["A"]
        if A.shape != T.shape:
            return None
        tt = float(np.sum(T * T))
        if not tt > 0:  # T vanishes here (whatever its scale: 10⁻²⁰ X is not 0)
            return None
        c = float(np.sum(A * T)) / tt
        if not _close(A, c * T, s["terms"] * max(1.0, abs(c))):
            return None
        cs.append(c)
    if not cs or max(cs) - min(cs) > TOLERANCE * max(1.0, abs(cs[0])):
        return None
    c = cs[0]
    frac = Fraction(c).limit_denominator(64)
    return frac if abs(float(frac) - c) < 1e-9 * max(1.0, abs(c)) else c


def _diagnose(samples, d, layout, A_expr):
    if _all_close(samples, lambda s: (s["A"], s["T"])):
        hidden = next((s for s in samples if _within_rounding_only(s)), None)
        if hidden is not None:  # 1e-20 X + (X X⁻¹ A − A): right or wrong, its rounding hides it
            return "rounding", None, (hidden["terms"], float(np.max(np.abs(hidden["T"]))))
        return "correct", None, None
    # the same derivative in another layout
    for other in ("numerator", "denominator"):
        if d.results[other].expr == d.results[layout].expr:
            continue
        if samples[0]["A"].shape != samples[0]["T"].shape and _all_close(
            samples,
            lambda s: (s["A"], s["all"][other]),  # noqa: B023  (called at once)
        ):
            return "layout", None, other
    symmetric_T = _all_close(samples, lambda s: (s["T"].T, s["T"]))
    if not symmetric_T and _all_close(samples, lambda s: (s["A"], s["T"].T)):
        other = next(
            (
                o
                for o in ("numerator", "denominator")
                if _all_close(samples, lambda s, o=o: (s["A"], s["all"][o]))
            ),
            None,
        )
        return (
            "transpose",
            None,
            f"that is the {other}-layout derivative" if other and other != layout else "",
        )
    c = _factor(samples, transpose=False)
    if c is not None:
        return ("zero", c, None) if c == 0 else ("sign", c, None) if c == -1 else ("factor", c, None)
    if not symmetric_T:
        c = _factor(samples, transpose=True)
        if c is not None:
            return "transpose-factor", c, None
    if _kron_swapped(samples, d, A_expr):
        return "kron-order", None, None
    mismatch = next((s for s in samples if s["A"].shape != s["T"].shape), None)
    if mismatch is not None:  # eye(3) for I: right at one size only; the message shows that point
        samples.sort(key=lambda s: s is not mismatch)
        return "shape", None, None
    names = _symmetric_only(samples, d, A_expr)
    if names:
        return "symmetric", None, names

    def error(s: dict) -> float:
        return float(np.max(np.abs(s["A"] - s["T"]))) / max(1.0, float(np.max(np.abs(s["T"]))))

    # the point where they differ most, which the message names (the first may be one where the
    # two agree: |det X| for det X at a positive det)
    worst = max(samples, key=error)
    samples.sort(key=lambda s: s is not worst)
    return "wrong", None, error(worst)


def _kron_swapped(samples, d, A_expr) -> bool:
    """Is the answer a Kronecker product whose factors are in the wrong order?"""
    sign, node = (ir.Neg, A_expr.arg) if isinstance(A_expr, ir.Neg) else (None, A_expr)
    if not isinstance(node, ir.Kron):
        return False
    swapped: ir.Expr = ir.Kron(node.right, node.left)
    swapped = sign(swapped) if sign else swapped
    for s in samples:
        try:
            p = evaluate_at(d, swapped, s["values"], s["sizes"])
        except MatdiffError:
            return False
        if p is None or not _close(p["A"], p["T"], p["terms"]):
            return False
    return True


def _symmetric_only(samples, d, A_expr) -> list | None:
    """If the answer is right once some square matrices are made symmetric, name them."""
    candidates = [
        v.name for v in d.variables if not v.symmetric and v.shape[0] == v.shape[1] and v.shape[0] != 1
    ]
    if not candidates:
        return None

    def holds(names) -> bool:
        for s in samples:
            p = evaluate_at(d, A_expr, s["values"], s["sizes"], symmetrize=names)
            if p is None or not _close(p["A"], p["T"], p["terms"]):
                return False
        return True

    for name in candidates:
        if holds([name]):
            return [name]
    if len(candidates) > 1 and holds(candidates):
        return candidates
    return None
