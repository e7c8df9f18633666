"""Two textbook rewrites of the result: sign(a) a = abs(a), so log|det X| by X reads X⁻ᵀ (Matrix
Cookbook (51)) instead of abs(|X|)⁻¹ sign(|X|) |X| X⁻ᵀ, and diag(𝟏) = I, so sum(diag(X A)) by X
reads Aᵀ. Each result's text is asserted and its value compared with central differences of a NumPy
function written here, on non-square shapes where the cell allows, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, gradient_in_layout

from matdiff_magic import derive

CASES = [  # source, wrt, the result's text, f in NumPy, the values
    (
        "log(abs(det(X)))",
        "X",
        "X⁻ᵀ",
        lambda X: np.log(abs(np.linalg.det(X))),
        lambda rng: {"X": rng.standard_normal((4, 4)) + 3 * np.eye(4) * rng.choice([-1, 1], 4)},
    ),
    (
        "log(abs(det(A*X)))",
        "X",
        None,
        lambda A, X: np.log(abs(np.linalg.det(A @ X))),
        lambda rng: {"A": rng.standard_normal((3, 5)), "X": rng.standard_normal((5, 3))},
    ),
    ("sum(diag(X))", "X", "I", lambda X: np.trace(X), lambda rng: {"X": rng.standard_normal((4, 4))}),
    (
        "sum(diag(X*A))",
        "X",
        "Aᵀ",
        lambda X, A: np.trace(X @ A),
        lambda rng: {"X": rng.standard_normal((3, 5)), "A": rng.standard_normal((5, 3))},
    ),
    (
        "2*sum(diag(X'*B))",
        "X",
        "2 B",
        lambda X, B: 2 * np.trace(X.T @ B),
        lambda rng: {"X": rng.standard_normal((4, 2)), "B": rng.standard_normal((4, 2))},
    ),
]


@pytest.mark.parametrize("source, wrt, text, f, values", CASES, ids=[c[0] for c in CASES])
def test_the_rewritten_result_in_every_layout(source, wrt, text, f, values):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed"
    if text is not None:
        assert d.steps[-1].text == text
    v = values(np.random.default_rng(len(source)))
    g = central_difference(f, v, wrt)  # shaped like the variable
    for layout in ("numerator", "denominator", "mixed"):
        assert_close(d.with_layout(layout).evaluate(**v), gradient_in_layout(g, layout), 1e-6, layout)


def test_the_simplify_step_names_the_identity():
    rules = {
        "log(abs(det(X)))": r"\operatorname{sign}(a)\,a = \operatorname{abs}(a)",
        "sum(diag(X))": r"\operatorname{diag}(\mathbf{1}) = I",
    }
    for source, latex in rules.items():
        step = next(s for s in derive(source, wrt="X").steps if s.rule == "simplify")
        assert latex in step.identity.latex
