"""The steps as printed: no two consecutive lines print the same expression (a step that changes
nothing shown is merged into the one before, its rule still named), and the sum of a scalar is
the scalar, so no 1×1 𝟏 is written in any step. Every derivative here is compared with central
finite differences of a NumPy function written in the test, in every layout."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numeric_helpers import (
    checked_in_every_layout,
)

sig = lambda z: 1 / (1 + np.exp(-z))


CELLS = [
    ("sum(log(sigmoid(u'*v)))", "v", lambda u, v: np.log(sig(u @ v))),
    ("sum(exp(a'*x))", "x", lambda a, x: np.exp(a @ x)),
    ("sum(relu(1 - u'*v))", "v", lambda u, v: max(1 - u @ v, 0.0)),
    ("log(sum(exp(x)))", "x", lambda x: np.log(np.exp(x).sum())),
    ("(x'*A*x)/(x'*x)", "x", lambda x, A: (x @ A @ x) / (x @ x)),
    ("x'*A1*x + x'*A2*x", "x", lambda x, A1, A2: x @ A1 @ x + x @ A2 @ x),
]


def _continuing_lines(d):
    """The printed expression of each shown step, the last one of a chain (a read-off)."""
    out = []
    for s in d.steps:
        text = s.text.split(" = ")[-1] if s.chain else s.text
        out.append((s.lhs_text, text))
    return out


@pytest.mark.parametrize("source, wrt, f", CELLS)
def test_no_two_consecutive_steps_print_the_same(source, wrt, f):
    d = checked_in_every_layout(source, wrt, f)
    for (_, before), (lhs, after) in itertools.pairwise(_continuing_lines(d)[:-1]):  # not the layout line
        assert lhs or before != after, f"{source}: a step repeats {before!r}"


def test_the_merged_step_still_names_its_rule():
    d = checked_in_every_layout("(x'*A*x)/(x'*x)", "x", lambda x, A: (x @ A @ x) / (x @ x))
    read = next(s for s in d.steps if s.stage == "readoff")
    assert "-b + a = a - b" in read.identity_text
    assert read.text.endswith("(xᵀ x)⁻¹ (A + Aᵀ) x - 2 (xᵀ x)⁻² (xᵀ A x) x")


@pytest.mark.parametrize("source, wrt, f", CELLS[:3])
def test_the_sum_of_a_scalar_writes_no_ones(source, wrt, f):
    d = checked_in_every_layout(source, wrt, f)
    for s in d.steps:
        assert "𝟏" not in s.text and r"\mathbf{1}" not in s.latex, f"{source}: {s.text}"
    assert any("sum(a) = tr(a) = a" in s.identity_text for s in d.steps)
