"""A name the output gives a repeated part (t₁, M₁, σ) never prints like a name of the cell: the
cell's t1 prints t₁, so an activation named t₁ beside it read as the user's variable."""

from __future__ import annotations

import re

import numpy as np
import pytest
from numeric_helpers import checked_in_every_layout

from matdiff_magic import derive


def _defined(where_text: str) -> dict:
    """name -> what the where line says it is (∈ a space, or = a definition)."""
    out: dict = {}
    for part in re.split(r",\s+(?=\S+ [∈=])", where_text.split(";")[0]):
        name, _, rest = part.strip().partition(" ")
        out.setdefault(name, []).append(rest)
    return out


@pytest.mark.parametrize(
    "source, wrt, kw",
    [
        ("norm2(W2*tanh(W1*x) - y)^2 + t1'*x", "W1", {}),
        ("a'*tanh(W3*tanh(W2*tanh(W1*x))) + t1'*t2", "W1", {}),
        ("M1: matrix\nS: symmetric\ntr(S*A*S') + tr(M1*S)", "S", {"symmetric": "minka"}),
        ("sigma: vector\n-y'*log(sigmoid(X*w)) + sigma'*w", "w", {}),
    ],
)
def test_every_name_in_the_where_line_is_one_thing(source, wrt, kw):
    d = derive(source, wrt=wrt, **kw)
    for name, said in _defined(d.where()[1]).items():
        assert len(said) == 1, (name, said)  # never both a variable (∈) and a definition (=)


def test_the_network_with_a_user_t1_is_still_right():
    def f(W2, W1, x, y, t1):
        return np.sum((W2 @ np.tanh(W1 @ x) - y) ** 2) + t1 @ x

    checked_in_every_layout("norm2(W2*tanh(W1*x) - y)^2 + t1'*x", "W1", f)


def test_every_activation_letter_taken_gives_no_names_rather_than_an_error():
    declared = "t1, u1, h1, z1, s1, q1, v1, g1, r1, k1: scalar\n"
    cell = declared + "a'*tanh(W3*tanh(W2*tanh(W1*x))) + t1 + u1 + h1 + z1 + s1 + q1 + v1 + g1 + r1 + k1"
    d = derive(cell, wrt="W1")
    assert d.check_result.status == "passed"
