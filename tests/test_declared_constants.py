"""``eye`` alone is the identity wherever it is written, so a declaration of it is refused where it
stands: before, ``eye: scalar`` was accepted and went unread (eye*tr(X) gave the Jacobian of
tr(X) I), and ``--wrt eye`` after ``eye: matrix`` said the variable was unknown."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_difference

from matdiff_magic import MatdiffError, derive


@pytest.mark.parametrize(
    "cell, wrt",
    [
        ("eye: scalar\neye*tr(X)", "X"),
        ("eye: vector\nX: matrix\ntanh(X*eye)", "X"),
        ("eye: matrix\na'*eye*b", "eye"),
    ],
)
def test_a_declaration_of_eye_is_refused_at_it(cell, wrt):
    with pytest.raises(MatdiffError) as caught:
        derive(cell, wrt=wrt)
    error = caught.value
    assert error.message == "eye is the identity matrix: choose another name for the variable"
    assert (error.line, error.column) == (1, 1)
    assert "line 1 | eye:" in str(error) and "\n           ^^^" in str(error)


def test_the_refusal_speaks_chinese():
    with pytest.raises(MatdiffError) as caught:
        derive("eye: scalar\neye*tr(X)", wrt="X", lang="zh")
    assert "单位矩阵" in str(caught.value)


def test_eye_still_means_the_identity_and_another_name_is_a_variable():
    """a'*eye*b by a is b (the identity read); e: scalar is a variable: e*tr(X) by X is e I."""
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    d = derive("a'*eye*b", wrt="a")
    assert np.allclose(
        d.evaluate(a=a, b=b), central_difference(lambda a, b: float(a @ b), {"a": a, "b": b}, "a")
    )
    X, e = rng.standard_normal((3, 3)), 1.7
    d = derive("e: scalar\ne*tr(X)", wrt="X")
    expected = central_difference(lambda X: e * np.trace(X), {"X": X}, "X")
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(e=e, X=X)
        assert np.allclose(got, expected.T if layout == "numerator" else expected, atol=1e-8), layout
