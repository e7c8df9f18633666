"""The view's names are looked up only among nodes with as many leaves as a named node.

``render.abbreviations`` finds the places a named subexpression (t₁, M₁, s, σ) is printed by
comparing canonical numbers (``collect.canon``: equal up to the order of a sum's terms, of a
Hadamard product's factors and of a product's 1×1 factors). To skip most nodes of a long
derivation's lines, a node is numbered only when it holds as many leaves as some named node, and
a subtree with fewer leaves than every named node is not entered. That is exact only if two
expressions numbered alike always hold as many leaves: checked here on expressions that differ in
exactly those orders, and end to end on derivations whose names appear in reordered forms.
"""

from __future__ import annotations

import random

import pytest

from matdiff_magic import derive
from matdiff_magic.derivation.collect import canon
from matdiff_magic.ir.construct import tidy
from matdiff_magic.render.abbreviations import _leaves
from matdiff_magic.types.lower import typecheck

DECLARED = "k, c: scalar\nw, u: vector(n)\nA, B: matrix(n, n)\n"
TERMS = ["A*B", "B'*A'", "k*A", "A .* B", "exp(A)", "inv(A)*B", "w'*u*A", "c*k*B", "A*B*A"]


def _expr(source: str):
    """The expression as a derivation holds it: normalised by the smart constructors."""
    return tidy(typecheck(DECLARED + source).expr)


@pytest.mark.parametrize("seed", range(20))
def test_reordered_expressions_are_numbered_alike_and_hold_as_many_leaves(seed):
    rng = random.Random(seed)
    terms = rng.sample(TERMS, 4)
    factors = [f"({t})" for t in rng.sample(TERMS, 3)]
    shuffled_terms, shuffled_factors = rng.sample(terms, 4), rng.sample(factors, 3)
    pairs = [
        (" + ".join(terms), " + ".join(shuffled_terms)),
        (" .* ".join(factors), " .* ".join(shuffled_factors)),
        (f"k*c*({' + '.join(terms)})", f"c*k*({' + '.join(shuffled_terms)})"),
    ]
    memo: dict = {}
    for a, b in pairs:
        ea, eb = _expr(a), _expr(b)
        assert canon(ea, memo) == canon(eb, memo), (a, b)
        assert _leaves(ea, memo) == _leaves(eb, memo) == _leaves(ea, {}), (a, b)


def test_leaves_count_every_occurrence():
    memo: dict = {}
    assert _leaves(_expr("A*B*A"), memo) == 3
    assert _leaves(_expr("A + A + A"), memo) == 3  # a shared node counts at each of its places
    assert _leaves(_expr("k*tr(A*B)*B"), memo) == 4


@pytest.mark.parametrize(
    ("source", "wrt", "names"),
    [
        # softmax's s, in every step of the derivation and its result
        ("x: vector\n-y'*log(softmax(W*x))", "W", ["s = softmax(W x)"]),
        # the logistic loss's σ, from a sum typed in another order
        ("-(1 - y)'*log(1 - sigmoid(X*w)) - y'*log(sigmoid(X*w))", "w", ["σ = σ(X w)"]),
        # a deep chain's activations
        ("a'*tanh(W3*tanh(W2*tanh(W1*x)))", "W1", ["t₁ = tanh(W₁ x)", "t₂ = tanh(W₂ t₁)"]),
    ],
)
def test_named_subexpressions_are_found_in_every_line(source, wrt, names):
    d = derive(source, wrt=wrt, check=False)
    text = d.to_text()
    for name in names:
        assert name in text
        assert text.count(name.split(" = ")[1]) == 1, text  # written out once: in its definition
