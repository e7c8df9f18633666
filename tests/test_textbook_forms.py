"""Results in textbook form: no step that leaves the expression as it was, numbers written as
fractions, results simplified toward the textbooks' forms and repeated subexpressions named.
Every derivative here is compared with central finite differences of a NumPy function written
in the test, in every layout, at random values with distinct sizes."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values

from matdiff_magic import derive

sig = lambda z: 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def check_gradient(source, wrt, f, **hints):
    """∂f/∂wrt against central differences of ``f`` in every layout; the derivation."""
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="denominator")
    values = random_values(d.variables, rng, **hints)
    assert_close(d.value(**values), f(**values), 1e-9, "f")
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        expected = fd
        if np.ndim(fd) == 2 and layout == "numerator":
            expected = fd.T
        elif np.ndim(fd) == 1 and layout == "numerator":
            expected = fd.reshape(1, -1)
        assert_close(got, expected, 1e-5, f"{source} by {wrt}, {layout} layout")
    return d


def check_jacobian(source, wrt, F, **hints):
    """∂vec F/∂(vec X)ᵀ against central differences of vec ``F`` (numerator layout) and its transpose."""
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="numerator")
    values = random_values(d.variables, rng, **hints)
    x0 = np.array(values[wrt], dtype=float)
    cols = []
    for idx in (
        np.ndindex(*x0.shape)
        if x0.ndim == 1
        else ((i, j) for j in range(x0.shape[1]) for i in range(x0.shape[0]))
    ):
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += 1e-6
        xm[idx] -= 1e-6
        fp = np.asarray(F(**{**values, wrt: xp})).reshape(-1, order="F")
        fm = np.asarray(F(**{**values, wrt: xm})).reshape(-1, order="F")
        cols.append((fp - fm) / 2e-6)
    J = np.stack(cols, axis=1)
    assert_close(d.evaluate(**values), J, 1e-5, f"{source} by {wrt}, numerator layout")
    assert_close(d.with_layout("denominator").evaluate(**values), J.T, 1e-5, f"{source}, denominator")
    return d


# ---- 1. no step that changes nothing


def _shown_rows(d):
    return [(s.stage, s.text) for s in d.steps if s.stage in ("differential", "trace", "vec")]


@pytest.mark.parametrize(
    "source, wrt, F",
    [
        ("A*y", "y", lambda A, y: A @ y),
        ("A*y + b", "y", lambda A, y, b: A @ y + b),
    ],
)
def test_a_step_that_changes_nothing_is_merged(source, wrt, F):
    d = check_jacobian(source, wrt, F)
    rows = _shown_rows(d)
    for (_, before), (_, after) in itertools.pairwise(rows):
        assert before != after, f"a step repeats {before!r}"
    # the merged step still names the rules it applied: vectorising the column is one of them
    rules = " ".join(s.rule for s in d.steps)
    assert "vectorise" in rules and "vec of a product" in rules
    assert any("d vec(F) = vec(dF)" in s.identity_text for s in d.steps)


@pytest.mark.parametrize(
    "source, wrt, f",
    [
        ("y'*y", "y", lambda y: y @ y),
        ("a'*X*b", "X", lambda a, X, b: a @ X @ b),
        ("norm2(y)^2 + a'*y", "y", lambda y, a: y @ y + a @ y),
    ],
)
def test_no_gradient_step_repeats_its_expression(source, wrt, f):
    d = check_gradient(source, wrt, f)
    rows = _shown_rows(d)
    for (_, before), (_, after) in itertools.pairwise(rows):
        assert before != after, f"a step repeats {before!r}"


# ---- 2. numbers and fractions as people write them


def test_one_over_n_is_a_fraction_in_text_and_tex():
    d = check_gradient(
        "N: scalar\nnorm2(X*w - y)^2/N",
        "w",
        lambda X, w, y, N: (X @ w - y) @ (X @ w - y) / N,
        positive=("N",),
    )
    from matdiff_magic.render.printer import to_latex, to_text

    assert to_text(d.result) == "(2/N) Xᵀ (X w - y)"
    assert to_latex(d.result).startswith(r"\frac{2}{N} X^{T}")
    assert "1 N⁻¹" not in d.to_text() and "(1/N) d(" in d.to_text()


def test_a_half_is_written_as_one():
    d = check_gradient("x'*A*x/2", "x", lambda x, A: x @ A @ x / 2)
    from matdiff_magic.render.printer import to_latex, to_text

    assert "½" in to_text(d.result) and "1/2" not in to_text(d.result)
    assert r"\frac{1}{2}" in to_latex(d.result)


def test_a_mean_over_samples_reads_one_over_n():
    d = check_gradient(
        "N: scalar\nsum(exp(X*w))/N",
        "w",
        lambda X, w, N: np.exp(X @ w).sum() / N,
        positive=("N",),
        small=("w",),
    )
    assert "1 N⁻¹" not in d.to_text() and "(1/N) " in d.to_text()
    assert r"\frac{1}{N}" in d.to_latex()
