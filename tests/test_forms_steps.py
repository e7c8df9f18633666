"""The steps as printed: no two consecutive lines print the same expression (a step that changes
nothing shown is merged into the one before, its rule still named), and the sum of a scalar is
the scalar, so no 1×1 𝟏 is written in any step. Every derivative here is compared with central
finite differences of a NumPy function written in the test, in every layout."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values

from matdiff_magic import derive

sig = lambda z: 1 / (1 + np.exp(-z))


def check_gradient(source, wrt, f):
    """∂f/∂wrt against central differences of ``f`` in every layout; the derivation."""
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="denominator")
    values = random_values(d.variables, rng)
    assert_close(d.value(**values), f(**values), 1e-9, "f")
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        expected = fd.reshape(1, -1) if np.ndim(fd) == 1 and layout == "numerator" else fd
        assert_close(got, expected, 1e-5, f"{source} by {wrt}, {layout} layout")
    return d


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
    d = check_gradient(source, wrt, f)
    for (_, before), (lhs, after) in itertools.pairwise(_continuing_lines(d)[:-1]):  # not the layout line
        assert lhs or before != after, f"{source}: a step repeats {before!r}"


def test_the_merged_step_still_names_its_rule():
    d = check_gradient("(x'*A*x)/(x'*x)", "x", lambda x, A: (x @ A @ x) / (x @ x))
    read = next(s for s in d.steps if s.stage == "readoff")
    assert "-b + a = a - b" in read.identity_text
    assert read.text.endswith("(xᵀ x)⁻¹ (A + Aᵀ) x - 2 (xᵀ x)⁻² (xᵀ A x) x")


@pytest.mark.parametrize("source, wrt, f", CELLS[:3])
def test_the_sum_of_a_scalar_writes_no_ones(source, wrt, f):
    d = check_gradient(source, wrt, f)
    for s in d.steps:
        assert "𝟏" not in s.text and r"\mathbf{1}" not in s.latex, f"{source}: {s.text}"
    assert any("sum(a) = tr(a) = a" in s.identity_text for s in d.steps)
