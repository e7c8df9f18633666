"""check_answer: a student's derivative against the true one, numerically, with the mistake named.

The answer is an expression in the same language as ``%%matdiff`` (``b*a'``, ``2*X'*(X*beta - y)``).
It is typed with the declarations of the function's own variables, so ``a`` is the same vector of
size m in both. Both are then evaluated at several random points whose sizes are distinct (shapes
are non-square wherever the expression allows), and a mismatch is explained: the other layout, a
missing transpose, a constant factor, a sign, a shape, an answer that holds only for symmetric
matrices. Nothing is ever passed to ``eval``.

    check_answer("b*a'", "a'*X*b", wrt="X")
    ✗ Wrong layout: your answer (n×m) is ∂f/∂Xᵀ in numerator layout, but ∂f/∂X in mixed layout
    is m×n. In mixed layout the derivative of a scalar by X has the shape of X: transpose your answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.check import (
    sample_point,
    sample_sizes,
    size_variants,
    square_variables,
    strategies,
    with_definitions,
)
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.render.printer import to_latex, to_text

__all__ = ["check_answer", "AnswerCheck"]

TOLERANCE = 1e-7          # both sides are exact formulas: no finite-difference noise to allow for
PLACEHOLDERS = {"", "...", "…", "?", "TODO", "your answer"}
MARK = "§"   # f's size symbols are renamed §m, §n, … so a free size of the answer never takes their name


@dataclass
class AnswerCheck:
    """The outcome of :func:`check_answer`. ``bool(result)`` is ``result.correct``."""

    correct: bool
    kind: str                 # correct, layout, transpose, factor, sign, shape, symmetric,
                              # kron-order, zero, wrong,
                              # unreadable (syntax, unknown name, shapes that do not fit),
                              # undefined, empty
    message: str              # one paragraph, plain text
    answer: str
    expected: str = ""        # the true derivative (text); shown only when asked to reveal it
    expected_latex: str = ""
    answer_latex: str = ""
    factor: Fraction | float | None = None
    details: list = field(default_factory=list)   # lines shown below the message (code)

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
        head, sep, rest = self.message.rstrip(":").partition(": ")
        if not sep and self.message.endswith(":"):
            head, sep, rest = self.message[:-1], ":", ""
        lines = [f"**{_md_escape(head)}**{sep}{_md_escape(rest)}" if sep else _md_escape(self.message)]
        if self.answer_latex:
            lines.append(f"\n\nYour answer, as read: ${self.answer_latex}$")
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


def check_answer(answer: str, f: str, wrt: str | None = None, layout: str = "mixed",
                 order: int = 1, points: int = 3, seed: int = 0, reveal: bool = False) -> AnswerCheck:
    """Is ``answer`` the derivative of ``f`` by ``wrt`` (in ``layout``; ``order=2`` for the Hessian)?

    ``answer`` and ``f`` are expressions of the ``%%matdiff`` language; ``f`` may carry
    declarations (``S: symmetric``). Returns an :class:`AnswerCheck` whose ``message`` says what is
    wrong; ``reveal=True`` adds the right answer to it. An answer that cannot be read is reported
    with the package's message (line and caret); a mistake in ``f`` itself raises ``MatdiffError``.
    """
    from matdiff_magic.derivation.pipeline import derive  # noqa: PLC0415
    if not isinstance(answer, str):
        raise TypeError("check_answer takes the answer as a string, e.g. \"b*a'\"")
    d = derive(f, wrt=wrt, layout=layout, order=order, check=False)
    result = d.results[layout]
    what = f"{result.lhs_text} in {layout} layout"
    expected_shape = _shape_text(result.shape)
    common = dict(answer=answer, expected=to_text(result.expr), expected_latex=to_latex(result.expr))

    if answer.strip() in PLACEHOLDERS:
        return AnswerCheck(False, "empty", f"No answer yet: replace {answer.strip() or 'the empty string'!r}"
                           f" with your expression for {what} ({expected_shape}).", **common)
    try:
        typed = _type_answer(answer, d)
    except MatdiffError as error:
        return AnswerCheck(False, "unreadable", "✗ The answer cannot be read:",
                           details=_clean(error), **common)
    A_expr = typed.expr
    common["answer_latex"] = to_latex(A_expr)

    try:
        samples = _samples(d, A_expr, points, seed)
    except np.linalg.LinAlgError:
        samples = None
    except MatdiffError as error:
        return AnswerCheck(False, "unreadable", "✗ The answer cannot be evaluated:",
                           details=_clean(error), **common)
    if samples is None:
        return AnswerCheck(False, "undefined", f"✗ Not defined: your answer is NaN or infinite at "
                           f"random points where {what} is finite; look for a log or sqrt of a negative "
                           f"number, or the inverse of a singular matrix.", **common)

    kind, factor, extra = _diagnose(samples, d, layout, A_expr)
    message = _message(kind, factor, extra, what, expected_shape, _shape_text(A_expr.shape, answer=True),
                       samples, d, layout)
    if kind == "shape" and _all_close(samples, lambda s: (_diag_of(s["A"]), s["T"])):
        message += (" Your answer holds the diagonal of the right one: the Jacobian of an "
                    "element-wise function is the diagonal matrix diag(…) of your answer.")
    elif kind == "shape" and samples[0]["A"].shape == (1, 1):
        message += f" Did you write {d.name} itself, or its differential, instead of the derivative?"
    if kind == "transpose-factor":
        kind = "factor"
    if reveal and kind != "correct":
        message += f" The right answer: {common['expected']}."
    return AnswerCheck(kind == "correct", kind, message, factor=factor, **common)


# ---- typing the answer with f's declarations


def _type_answer(answer: str, d):
    from matdiff_magic.syntax.parser import parse  # noqa: PLC0415
    from matdiff_magic.types.lower import typecheck  # noqa: PLC0415
    variables = list(d.variables) + list(d.typed.defined_vars.values())
    known = {v.name for v in variables}
    program = parse(answer)
    for node in _names(program.definitions):
        if node.name not in known and node.name not in {x.name for x in program.definitions if x.name}:
            raise MatdiffError(f"{node.name} is not a variable of {d.name}: use "
                               + ", ".join(sorted(known)), answer, node.span)
    decls = {}
    for v in variables:
        dims = tuple(_mark(x) for x in v.shape)
        if v.is_scalar:
            decls[v.name] = ("scalar", ())
        elif v.shape[1] == 1:
            decls[v.name] = ("vector", dims[:1])
        elif v.symmetric:
            decls[v.name] = ("symmetric", dims[:1])
        else:
            decls[v.name] = ("matrix", dims)
    return typecheck(answer, decls)


def _names(node):
    """The Name nodes of a parsed answer, with their spans."""
    from matdiff_magic.syntax.ast import Name  # noqa: PLC0415
    if isinstance(node, Name):
        yield node
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _names(item)
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            yield from _names(getattr(node, name))


def _mark(dim):
    return dim if dim == 1 or (isinstance(dim, str) and dim.isdigit()) else MARK + str(dim)


def _answer_sizes(A_expr: ir.Expr, sizes: dict, target: tuple) -> dict | None:
    """f's sizes under their marked names, and the answer's free sizes (of eye, vector(1), …)
    solved from the shape the derivative must have (or its transpose)."""
    marked = {MARK + str(k): v for k, v in sizes.items()}
    dims = {dim for node in A_expr.walk() for dim in node.shape}
    free = {f for dim in dims if dim != 1 for f in str(dim).split("·")
            if f not in marked and not f.isdigit()}
    if not free:
        return marked
    fallback = None
    for shape in (target, target[::-1]):   # the shape asked for, then the other layout's
        out = dict(marked)
        for dim, n in zip(A_expr.shape, shape):
            if dim == 1:
                continue
            factors = str(dim).split("·")
            unknown = [f for f in factors if f not in out and not f.isdigit()]
            if len(unknown) != 1:
                continue
            known = int(np.prod([out[f] if f in out else int(f) for f in factors if f not in unknown]))
            if n % known == 0 and n // known > 0:
                out[unknown[0]] = n // known
        if free <= set(out):
            if tuple(_size(d, out) for d in A_expr.shape) == tuple(shape):
                return out
            fallback = fallback or out
    return fallback


def _size(dim, sizes: dict) -> int:
    return int(np.prod([1 if f == "1" else sizes[f] if f in sizes else int(f) for f in str(dim).split("·")]))


# ---- random points
def _samples(d, A_expr: ir.Expr, points: int, seed: int) -> list | None:
    """Values of the true derivative (T), every layout (all) and the answer (A) at random points."""
    rng = np.random.default_rng(seed)
    variables = d.variables
    dims = [dim for node in d.function.walk() for dim in node.shape]
    squares = square_variables(d.function) | square_variables(A_expr)
    variants = size_variants(sample_sizes(variables, dims))
    out, tries = [], 0
    while len(out) < points and tries < 8 * points:
        sizes = variants[len(out) % len(variants)]
        for strategy in strategies(d.function):
            tries += 1
            point = _evaluate(d, A_expr, sample_point(variables, sizes, rng, squares, **strategy), sizes)
            if point is not None:
                out.append(point)
                break
    return out or None


def _evaluate(d, A_expr, values, sizes, symmetrize=()):
    values = dict(values)
    for name in symmetrize:
        values[name] = (values[name] + values[name].T) / 2
    with np.errstate(all="ignore"):
        full = with_definitions(d.typed, values, sizes)
        ev = Evaluator(full, sizes)
        if not np.all(np.isfinite(ev(d.function))):
            return None
        T = {lay: ev(r.expr) for lay, r in d.results.items()}
        if not all(np.all(np.isfinite(t)) for t in T.values()):
            return None
        answer_sizes = _answer_sizes(A_expr, sizes, T[d.layout].shape)
        if answer_sizes is None:
            raise MatdiffError("a size in your answer is not fixed by the variables (the size of an "
                               "eye, vector(1) or matrix(1)): write it where its size follows from "
                               "a variable")
        A = Evaluator(full, answer_sizes)(A_expr)
    if not np.all(np.isfinite(A)):
        return None
    return {"A": A, "T": T[d.layout], "all": T, "sizes": sizes, "values": values}


# ---- what is wrong
def _close(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return float(np.max(np.abs(a - b))) / scale < TOLERANCE if a.size else True


def _all_close(samples, f) -> bool:
    return all(_close(*f(s)) for s in samples)


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
        if tt < 1e-20:
            return None
        c = float(np.sum(A * T)) / tt
        if not _close(A, c * T):
            return None
        cs.append(c)
    if not cs or max(cs) - min(cs) > TOLERANCE * max(1.0, abs(cs[0])):
        return None
    c = cs[0]
    frac = Fraction(c).limit_denominator(64)
    return frac if abs(float(frac) - c) < 1e-9 * max(1.0, abs(c)) else c


def _diagnose(samples, d, layout, A_expr):
    if _all_close(samples, lambda s: (s["A"], s["T"])):
        return "correct", None, None
    # the same derivative in another layout
    for other in ("numerator", "denominator"):
        if d.results[other].expr == d.results[layout].expr:
            continue
        if samples[0]["A"].shape != samples[0]["T"].shape and \
                _all_close(samples, lambda s: (s["A"], s["all"][other])):
            return "layout", None, other
    symmetric_T = _all_close(samples, lambda s: (s["T"].T, s["T"]))
    if not symmetric_T and _all_close(samples, lambda s: (s["A"], s["T"].T)):
        other = next((o for o in ("numerator", "denominator")
                      if _all_close(samples, lambda s, o=o: (s["A"], s["all"][o]))), None)
        return "transpose", None, f"that is the {other}-layout derivative" if other and other != layout else ""
    c = _factor(samples, transpose=False)
    if c is not None:
        return ("zero", c, None) if c == 0 else ("sign", c, None) if c == -1 else ("factor", c, None)
    if not symmetric_T:
        c = _factor(samples, transpose=True)
        if c is not None:
            return "transpose-factor", c, None
    if _kron_swapped(samples, d, A_expr):
        return "kron-order", None, None
    if samples[0]["A"].shape != samples[0]["T"].shape:
        return "shape", None, None
    names = _symmetric_only(samples, d, A_expr)
    if names:
        return "symmetric", None, names
    s = samples[0]
    scale = max(1.0, float(np.max(np.abs(s["T"]))))
    return "wrong", None, float(np.max(np.abs(s["A"] - s["T"]))) / scale


def _kron_swapped(samples, d, A_expr) -> bool:
    """Is the answer a Kronecker product whose factors are in the wrong order?"""
    sign, node = (ir.Neg, A_expr.arg) if isinstance(A_expr, ir.Neg) else (None, A_expr)
    if not isinstance(node, ir.Kron):
        return False
    swapped = ir.Kron(node.right, node.left)
    swapped = sign(swapped) if sign else swapped
    for s in samples:
        try:
            p = _evaluate(d, swapped, s["values"], s["sizes"])
        except MatdiffError:
            return False
        if p is None or not _close(p["A"], p["T"]):
            return False
    return True


def _symmetric_only(samples, d, A_expr) -> list | None:
    """If the answer is right once some square matrices are made symmetric, name them."""
    candidates = [v.name for v in d.variables
                  if not v.symmetric and v.shape[0] == v.shape[1] and v.shape[0] != 1]
    if not candidates:
        return None

    def holds(names) -> bool:
        for s in samples:
            p = _evaluate(d, A_expr, s["values"], s["sizes"], symmetrize=names)
            if p is None or not _close(p["A"], p["T"]):
                return False
        return True

    for name in candidates:
        if holds([name]):
            return [name]
    if len(candidates) > 1 and holds(candidates):
        return candidates
    return None


def _symmetric_message(names: list) -> str:
    shown = [_display(n) for n in names]
    which = shown[0] + " is" if len(shown) == 1 else ", ".join(shown) + " are"
    assumed = ", ".join(f"{n} = {n}ᵀ" for n in shown)
    return (f"✗ Right only for symmetric {', '.join(shown)}: your answer holds only when {which} "
            f"symmetric, and the exercise does not declare {'it' if len(shown) == 1 else 'them'} "
            f"symmetric. The derivative must be right for every matrix of its size: differentiate "
            f"again without assuming {assumed}.")


def _display(name: str) -> str:
    from matdiff_magic.render.notation import name_text  # noqa: PLC0415
    return name_text(name)


# ---- wording
def _message(kind, factor, extra, what, expected_shape, answer_shape, samples, d, layout) -> str:
    if kind == "correct":
        return (f"✓ Correct: your answer equals {what} at {len(samples)} random points "
                f"(sizes {_sizes_text(samples)}).")
    if kind == "layout":
        return (f"✗ Wrong layout: your answer, {answer_shape}, is {d.results[extra].lhs_text} in "
                f"{extra} layout, but {what} is {expected_shape}. {_layout_advice(d, layout, extra)}")
    if kind == "transpose":
        return (f"✗ Missing transpose: your answer is the transpose of {what}"
                + (f" ({extra})" if extra else "") + ". Transpose it.")
    if kind == "zero":
        return f"✗ Zero: your answer is zero, but {what} is not."
    if kind == "sign":
        return f"✗ Sign error: your answer is the negative of {what}."
    if kind == "factor":
        return f"✗ Wrong factor: your answer is {_num(factor)} times {what}{_factor_hint(factor)}."
    if kind == "transpose-factor":
        return (f"✗ Factor and transpose: your answer is {_num(factor)} times the transpose of "
                f"{what}: check the factor and the transpose.")
    if kind == "shape":
        return (f"✗ Shape mismatch: your answer is {answer_shape}{_at_point(samples[0]['A'])}, but "
                f"{what} is {expected_shape}{_at_point(samples[0]['T'])}.")
    if kind == "symmetric":
        return _symmetric_message(extra)
    if kind == "kron-order":
        return ("✗ Kronecker factors swapped: your answer is right with the two factors of ⊗ "
                "exchanged. Remember vec(AXB) = (Bᵀ ⊗ A) vec(X): the factor on the right of X comes "
                "first, transposed.")
    return (f"✗ Not equal: at a random point (sizes {_sizes_text(samples[:1])}) your answer differs "
            f"from {what} by up to {extra:.2g} (relative to its largest entry). Retrace the "
            "differential step by step, e.g. with %%matdiff -i.")


def _shape_text(shape, answer: bool = False) -> str:
    r, c = (_dim(x, answer) for x in shape)
    if (r, c) == ("1", "1"):
        return "a scalar"
    if c == "1":
        return f"a column vector ({r}×1)"
    if r == "1":
        return f"a row vector (1×{c})"
    return f"{r}×{c}"


def _dim(d, answer: bool = False) -> str:
    """A size for display. In the answer, f's sizes are marked; an unmarked one is free (an eye's): k."""
    parts = []
    for part in str(d).split("·"):
        if part.startswith(MARK):
            part = part[len(MARK):]
        elif answer and not part.isdigit():
            part = "k"
        parts.append(part)
    return f"({''.join(parts)})" if len(parts) > 1 else parts[0]


def _at_point(a: np.ndarray) -> str:
    return f" ({a.shape[0]}×{a.shape[1]} at the test point)"


def _sizes_text(samples) -> str:
    seen = []
    for s in samples:
        t = ", ".join(f"{k}={v}" for k, v in s["sizes"].items())
        if t and t not in seen:
            seen.append(t)
    return "; ".join(seen) if seen else "scalars"


def _num(c) -> str:
    if isinstance(c, Fraction):
        return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"
    return f"{c:.4g}"


def _factor_hint(c) -> str:
    v = float(c)
    if v == 0:
        return ""
    if abs(v) > 1:
        return f" (divide by {_num(c)}: is a factor counted twice?)"
    inv = Fraction(c) ** -1 if isinstance(c, Fraction) else 1 / v
    return f" (multiply by {_num(inv)}: is a factor missing, e.g. the 2 of a square?)"


def _layout_advice(d, layout: str, other: str) -> str:
    var = d.wrt
    x = _display(var.name)
    if d.kind == "gradient" and not var.is_scalar:
        if layout in ("denominator", "mixed"):
            return (f"In {layout} layout the derivative of a scalar by {x} has the shape of {x}: "
                    "transpose your answer.")
        return f"In numerator layout it has the shape of {x}ᵀ: transpose your answer."
    if layout == "mixed":
        return ("Mixed layout puts a vector or matrix function in numerator layout (the Jacobian, "
                "one row per entry of f): transpose your answer.")
    return f"The {layout} layout is the transpose of the {other} layout: transpose your answer."
