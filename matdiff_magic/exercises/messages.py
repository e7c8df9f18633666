"""The wording of check_answer's verdicts: what is wrong, in one paragraph of plain text."""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.exercises.answer import MARK
from matdiff_magic.render.notation import name_text
from matdiff_magic.types.dims import Dim


def verdict(kind, factor, extra, what, expected_shape, answer_shape, samples, d, layout) -> str:
    if kind == "correct":
        sizes = _sizes_text(samples)
        if not sizes:  # every variable a scalar: no sizes to name
            return f"✓ Correct: your answer equals {what} at {len(samples)} random points."
        return f"✓ Correct: your answer equals {what} at {len(samples)} random points (sizes {sizes})."
    if kind == "layout":
        return (
            f"✗ Wrong layout: your answer, {answer_shape}, is {d.results[extra].lhs_text} in "
            f"{extra} layout, but {what} is {expected_shape}. {_layout_advice(d, layout, extra)}"
        )
    if kind == "transpose":
        return (
            f"✗ Missing transpose: your answer is the transpose of {what}"
            + (f" ({extra})" if extra else "")
            + ". Transpose it."
        )
    if kind == "rounding":
        terms, size = extra
        return (
            f"? Cannot tell: your answer equals {what} only up to the rounding of its own terms, "
            f"which are about {terms:.0e} where {what} is about {size:.0e}; write it without terms "
            "that cancel (such as X X⁻¹ − I) and check again."
        )
    if kind == "zero":
        return f"✗ Zero: your answer is zero, but {what} is not."
    if kind == "sign":
        return f"✗ Sign error: your answer is the negative of {what}."
    if kind == "factor":
        return _factor_message(factor, what)
    if kind == "transpose-factor":
        return (
            f"✗ Factor and transpose: your answer is {_num(factor)} times the transpose of "
            f"{what}: check the factor and the transpose."
        )
    if kind == "shape":
        # each shape with its size at the test point, one phrase: the glossary words the phrase
        # whole, and "{0}{1}" (two places side by side) could not be told apart
        (ar, ac), (tr, tc) = samples[0]["A"].shape, samples[0]["T"].shape
        answer_at = f"{answer_shape} ({ar}×{ac} at the test point)"
        expected_at = f"{expected_shape} ({tr}×{tc} at the test point)"
        return f"✗ Shape mismatch: your answer is {answer_at}, but {what} is {expected_at}."
    if kind == "symmetric":
        return _symmetric_message(extra)
    if kind == "kron-order":
        return (
            "✗ Kronecker factors swapped: your answer is right with the two factors of ⊗ "
            "exchanged. Remember vec(AXB) = (Bᵀ ⊗ A) vec(X): the factor on the right of X comes "
            "first, transposed."
        )
    sizes = _sizes_text(samples[:1])
    if not sizes:
        return (
            f"✗ Not equal: at a random point your answer differs from {what} by up to {extra:.2g} "
            "(relative to its largest entry). Retrace the differential step by step, e.g. with "
            "%%matdiff -i."
        )
    return (
        f"✗ Not equal: at a random point (sizes {sizes}) your answer differs "
        f"from {what} by up to {extra:.2g} (relative to its largest entry). Retrace the "
        "differential step by step, e.g. with %%matdiff -i."
    )


def _symmetric_message(names: list) -> str:
    shown = [_display(n) for n in names]
    which = shown[0] + " is" if len(shown) == 1 else ", ".join(shown) + " are"
    assumed = ", ".join(f"{n} = {n}ᵀ" for n in shown)
    return (
        f"✗ Right only for symmetric {', '.join(shown)}: your answer holds only when {which} "
        f"symmetric, and the exercise does not declare {'it' if len(shown) == 1 else 'them'} "
        f"symmetric. The derivative must be right for every matrix of its size: differentiate "
        f"again without assuming {assumed}."
    )


def _display(name: str) -> str:
    return name_text(name)


def shape_text(shape, answer: bool = False) -> str:
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
    d = Dim.of(d)
    parts = [str(d.coef)] if d.coef != 1 or d.is_fixed else []
    for part in d.symbols:
        if part.startswith(MARK):
            part = part[len(MARK) :]
        elif answer:
            part = "k"
        parts.append(part)
    return f"({''.join(parts)})" if len(parts) > 1 else parts[0]


def _sizes_text(samples) -> str:
    seen = []
    for s in samples:
        t = ", ".join(f"{k}={v}" for k, v in s["sizes"].items())
        if t and t not in seen:
            seen.append(t)
    return "; ".join(seen)


def _num(c) -> str:
    if isinstance(c, Fraction):
        return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"
    for digits in range(4, 17):  # as few digits as tell it from 1 (1.0001 is not "1 times")
        text = f"{c:.{digits}g}"
        if float(text) != 1 or c == 1:
            return text
    return repr(float(c))


def _factor_message(c, what: str) -> str:
    """The verdict of an answer ``c`` times the derivative, with what to do about it: one
    sentence per case, so that the glossary has each whole (a hint as a placeholder of its own
    beside ``what`` could not be told apart from it)."""
    v = float(c)
    if v == 0:
        return f"✗ Wrong factor: your answer is {_num(c)} times {what}."
    if abs(v) > 1:
        return (
            f"✗ Wrong factor: your answer is {_num(c)} times {what} (divide by {_num(c)}: is a "
            "factor counted twice?)."
        )
    inv = Fraction(c) ** -1 if isinstance(c, Fraction) else 1 / v
    return (
        f"✗ Wrong factor: your answer is {_num(c)} times {what} (multiply by {_num(inv)}: is a "
        "factor missing, e.g. the 2 of a square?)."
    )


def _layout_advice(d, layout: str, other: str) -> str:
    var = d.wrt
    x = _display(var.name)
    if d.kind == "gradient" and not var.is_scalar:
        if layout in ("denominator", "mixed"):
            return (
                f"In {layout} layout the derivative of a scalar by {x} has the shape of {x}: "
                "transpose your answer."
            )
        return f"In numerator layout it has the shape of {x}ᵀ: transpose your answer."
    if layout == "mixed":
        return (
            "Mixed layout puts a vector or matrix function in numerator layout (the Jacobian, "
            "one row per entry of f): transpose your answer."
        )
    return f"The {layout} layout is the transpose of the {other} layout: transpose your answer."
