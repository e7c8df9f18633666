"""A canonical order of terms: a sum typed in any order prints one way (positive terms first,
terms with variables before constants, falling degree, A before Aᵀ, names alphabetically), in
every layout, and the value is the derivative's: each permutation is compared with central
differences of a NumPy function written here, at random values with distinct sizes."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from numeric_helpers import (
    assert_close,
    checked_in_every_layout,
    random_values,
)
from numpy.linalg import det, inv

from matdiff_magic import derive
from matdiff_magic.derivation.term_order import order_terms
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import evaluate
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.lower import typecheck

LAYOUTS = ("denominator", "mixed", "numerator")


def printed(d) -> tuple:
    return tuple(to_text(d.results[layout].expr) for layout in LAYOUTS)


# (terms of a sum, how they join into f, wrt, NumPy f from the same terms, sampling hints, text)
SUMS = [
    (
        ["a'*x", "b'*x", "-c'*x"],
        "{}",
        "x",
        lambda a, b, c, x: a @ x + b @ x - c @ x,
        {},
        "a + b - c",
    ),
    (
        ["A*x", "b", "-y"],
        "norm2({})^2",
        "x",
        lambda A, b, y, x: np.sum((A @ x + b - y) ** 2),
        {},
        "2 Aᵀ (A x + b - y)",
    ),
    (
        ["tr(A*X)", "tr(X'*B)", "-tr(C*X)"],
        "{}",
        "X",
        lambda A, B, C, X: np.trace(A @ X) + np.trace(X.T @ B) - np.trace(C @ X),
        {},
        "B + (A - C)ᵀ",
    ),
    (
        ["x'*A*x", "b'*x", "c"],
        "{}",
        "x",
        lambda A, b, c, x: x @ A @ x + b @ x + c,
        {},
        "(A + Aᵀ) x + b",
    ),
]


@pytest.mark.parametrize("case", SUMS, ids=[c[1].format(" + ".join(c[0])) for c in SUMS])
def test_a_sum_typed_in_any_order_prints_one_way(case):
    terms, template, wrt, f, hints, text = case
    seen = set()
    for order in itertools.permutations(terms):
        body = " + ".join(order).replace("+ -", "- ")
        d = checked_in_every_layout(template.format(body), wrt, f, **hints)
        seen.add(printed(d))
    assert len(seen) == 1, seen
    assert next(iter(seen))[0] == text


def test_a_difference_reads_x_minus_m_however_it_is_typed():
    f = lambda Sigma, x, m: np.log(det(Sigma)) + (x - m) @ inv(Sigma) @ (x - m)
    texts = set()
    for diff in ("(x - m)", "(-m + x)"):
        source = f"Sigma: symmetric\nlog(det(Sigma)) + {diff}'*inv(Sigma)*{diff}"
        texts.add(printed(checked_in_every_layout(source, "Sigma", f)))
    assert texts == {("Σ⁻¹ - Σ⁻¹ (x - m) (x - m)ᵀ Σ⁻¹",) * 3}


def test_the_stationary_point_of_a_gaussian_is_the_outer_product_of_one_difference():
    for diff in ("(x - xbar)", "(-xbar + x)"):
        source = f"Sigma: symmetric\nlog(det(Sigma)) + {diff}'*inv(Sigma)*{diff}"
        d = derive(source, wrt="Sigma", solve=True)
        assert to_text(d.solution) == "(x - x̄) (x - x̄)ᵀ"
        rng = np.random.default_rng(3)
        x, xbar = rng.standard_normal(4), rng.standard_normal(4)
        assert_close(d.evaluate_solution(x=x, xbar=xbar), np.outer(x - xbar, x - xbar), 1e-12, source)


@pytest.mark.parametrize(
    "source, text, f",
    [
        ("-m + x", "x - m", lambda m, x: x - m),
        ("b + A*x", "A x + b", lambda b, A, x: A @ x + b),
        ("x: vector(n)\nvector(1) + x", "x + 𝟏", lambda x: x + 1),
        ("A' + A", "A + Aᵀ", lambda A: A + A.T),
        ("x + m", "m + x", lambda x, m: x + m),
        ("-C - A*B", "-A B - C", lambda C, A, B: -C - A @ B),
    ],
)
def test_the_order_of_terms_keeps_the_value(source, text, f):
    # the order alone, on the IR: the value of a NumPy formula of the sum as typed
    typed = typecheck(source)
    out = order_terms(typed.expr)
    assert isinstance(out, ir.Add) and to_text(out) == text
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(typed.variables, rng, sizes={"m": 3, "n": 3})
    want = np.asarray(f(**values), dtype=float)
    got = np.asarray(evaluate(out, typed.variables, values), dtype=float)
    assert_close(np.reshape(got, want.shape), want, 1e-12, source)


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_a_name_is_defined_alike_however_its_sum_is_typed():
    # s = softmax(W x + b) in the where line, whether f says W*x + b or b + W*x
    f = lambda y, W, x, b: -y @ np.log(_softmax(W @ x + b))
    seen = set()
    for inner in ("W*x + b", "b + W*x"):
        d = checked_in_every_layout(f"-y'*log(softmax({inner}))", "W", f)
        where = d.where()[1]
        assert "s = softmax(W x + b)" in where, where
        seen.add((to_text(d.result, abbrev=d.abbrev), where[where.index("s = ") :]))
    assert len(seen) == 1, seen
