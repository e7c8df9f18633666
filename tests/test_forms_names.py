"""The canonical order of a sum's terms: names with numbers in natural order (A₂ before A₁₀),
and a sum counts as its highest term, so a name comes before the transpose of a sum of names.
Every derivative here is compared with central finite differences of a NumPy function written in
the test, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import (
    checked_in_every_layout,
)

from matdiff_magic.render.printer import to_text


@pytest.mark.parametrize(
    "source, f, text",
    [
        ("x'*A1*x + x'*A2*x", lambda x, A1, A2: x @ A1 @ x + x @ A2 @ x, "(A₁ + A₂ + (A₁ + A₂)ᵀ) x"),
        ("x'*A2*x + x'*A1*x", lambda x, A1, A2: x @ A1 @ x + x @ A2 @ x, "(A₁ + A₂ + (A₁ + A₂)ᵀ) x"),
        ("x'*A10*x + x'*A2*x", lambda x, A10, A2: x @ A10 @ x + x @ A2 @ x, "(A₂ + A₁₀ + (A₂ + A₁₀)ᵀ) x"),
    ],
)
def test_a_name_before_a_transpose_numbers_in_natural_order(source, f, text):
    d = checked_in_every_layout(source, "x", f)
    assert to_text(d.result) == text


def test_many_numbered_names_in_natural_order():
    n = 12
    source = " + ".join(f"tr(A{i}*X)" for i in range(1, n + 1))
    f = lambda X, **A: sum(np.trace(A[f"A{i}"] @ X) for i in range(1, n + 1))
    d = checked_in_every_layout(source, "X", f)
    subscript = lambda i: "".join(chr(0x2080 + int(c)) for c in str(i))
    sum_of_names = " + ".join(f"A{subscript(i)}" for i in range(1, n + 1))
    assert to_text(d.result) == f"({sum_of_names})ᵀ"
