"""A domain clause after plain commas declares every name between the first comma that only names
follow and \\in: ``a^T x, a, x \\in \\mathbb{R}^{n}`` declares a and x (the formula has no comma
outside brackets), as ``, \\quad a, x \\in …`` does. Derivatives against central differences of
NumPy functions written here."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from matdiff_magic.syntax.latex import translate
from numeric_helpers import central_gradient


@pytest.mark.parametrize(
    ("latex", "declared", "formula"),
    [
        (r"a^T x, a, x \in \mathbb{R}^{n}", "a, x: vector(n)", "a'*x"),
        (r"a^T x, \quad a, x \in \mathbb{R}^{n}", "a, x: vector(n)", "a'*x"),
        (r"\operatorname{tr}(A^T X), A, X \in \mathbb{R}^{m \times n}", "A, X: matrix(m, n)", "tr(A'*X)"),
        (r"x^T A x, A \in \mathbb{R}^{n \times n}", "A: matrix(n, n)", "x'*A*x"),
        # several clauses, each declaring the names between it and the one before
        (r"x^T A x, A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^{n}", "A: matrix(n, n)\nx: vector(n)", "x'*A*x"),
        (r"c x^T x, \quad c \in \mathbb{R}, \quad x \in \mathbb{R}^{n}", "c: scalar\nx: vector(n)", "c*x'*x"),
        (r"x^T A x, A \in \mathbb{R}^{n \times n} \text{ and } x \in \mathbb{R}^{n}", "A: matrix(n, n)\nx: vector(n)", "x'*A*x"),
        (r"x^T A x, \text{其中 } A \in \mathbb{R}^{n \times n} \text{ 和 } x \in \mathbb{R}^{n}", "A: matrix(n, n)\nx: vector(n)", "x'*A*x"),
    ],
)
def test_the_clause_declares_every_name_after_the_first_comma(latex, declared, formula):
    assert translate(latex).text == f"{declared}\n{formula}\n"


def test_the_declared_shapes_derive_as_written():
    rng = np.random.default_rng(5)
    A, X = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    d = derive(r"\operatorname{tr}(A^T X), A, X \in \mathbb{R}^{m \times n}", wrt="X")
    assert d.check_result.status == "passed"

    def f(Z):
        return np.trace(A.T @ Z)

    numeric = central_gradient(f, X)
    for layout in ("numerator", "denominator", "mixed"):
        got = np.asarray(d.with_layout(layout).evaluate(A=A, X=X))
        np.testing.assert_allclose(got.T if layout == "numerator" else got, numeric, rtol=1e-6, atol=1e-9)
