"""Steps that scale: a rule applied at many places of a sum is one step ("product rule", applied to
each term), so a sum of N like terms takes as many steps as one; the same weight matrix in every
layer of a network derives. Every derivative is checked against central differences of a NumPy f
written here, in every layout."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference

from matdiff_magic import derive


def _quadratic_forms(n: int) -> str:
    return " + ".join(f"x'*A{k}*x" for k in range(1, n + 1))


def _bilinear_forms(n: int) -> str:
    return " + ".join(f"a{k}'*X*b{k}" for k in range(1, n + 1))


def _shared_chain(depth: int) -> str:
    e = "x"
    for _ in range(depth):
        e = f"tanh(W*{e})"
    return "a'*" + e


def _rules(d) -> list[str]:
    return [s.rule for s in d.steps]


@pytest.mark.parametrize("source, wrt", [(_quadratic_forms, "x"), (_bilinear_forms, "X")])
def test_a_sum_takes_as_many_steps_as_two_terms(source, wrt):
    shown = {n: _rules(derive(source(n), wrt=wrt, check=False)) for n in (2, 8, 32)}
    assert shown[2] == shown[8] == shown[32]
    assert shown[32].count("product rule") == 1 and shown[32].count("constant") == 1


def test_a_rule_applied_to_each_term_marks_every_place():
    d = derive(_quadratic_forms(3), wrt="x", check=False)
    for rule in ("transpose", "transpose of a scalar"):  # d(xᵀ) = (dx)ᵀ, then (dx)ᵀAx = xᵀAᵀdx
        step = next(s for s in d.steps if s.rule == rule)
        assert step.latex_highlighted.count(r"\color") == 3 and len(step.changed) == 3


def _check_every_layout(d, f, values: dict, wrt: str, rtol: float = 1e-5) -> None:
    expected = central_difference(f, values, wrt)
    den = d.with_layout("denominator").evaluate(**values)
    num = d.with_layout("numerator").evaluate(**values)
    mixed = d.with_layout("mixed").evaluate(**values)
    assert_close(den, expected, rtol, "denominator")
    assert_close(mixed, expected, rtol, "mixed")
    assert_close(num, expected.T if expected.ndim == 2 else expected.reshape(1, -1), rtol, "numerator")


def test_quadratic_forms_gradient():
    n, rng = 6, np.random.default_rng(11)
    d = derive(_quadratic_forms(n), wrt="x")
    A = {f"A{k}": rng.standard_normal((4, 4)) for k in range(1, n + 1)}
    f = lambda x, **A: float(sum(x @ A[f"A{k}"] @ x for k in range(1, n + 1)))
    _check_every_layout(d, f, {"x": rng.standard_normal(4), **A}, "x")


def test_bilinear_forms_gradient_non_square():
    n, rng = 5, np.random.default_rng(12)
    d = derive(_bilinear_forms(n), wrt="X")
    values = {"X": rng.standard_normal((3, 5))}
    for k in range(1, n + 1):
        values[f"a{k}"], values[f"b{k}"] = rng.standard_normal(3), rng.standard_normal(5)
    f = lambda X, **v: float(sum(v[f"a{k}"] @ X @ v[f"b{k}"] for k in range(1, n + 1)))
    _check_every_layout(d, f, values, "X")


def _network(depth: int):
    def f(a, W, x):
        h = x
        for _ in range(depth):
            h = np.tanh(W @ h)
        return float(a @ h)

    return f


@pytest.mark.parametrize("depth", [3, 32])
def test_the_same_weights_in_every_layer(depth):
    d = derive(_shared_chain(depth), wrt="W", check=False)
    rules = _rules(d)
    # the differential stage goes one layer down per chain rule, then every term's trace tricks
    assert rules.count("element-wise tanh") == depth
    assert len(rules) <= 6 * depth + 12
    defined = re.findall(r"(\w+) = ", d.where()[1])  # the activations and what the result repeats
    assert defined and len(defined) == len(set(defined)), "a name defined twice"
    rng = np.random.default_rng(depth)
    m = 5
    W = np.linalg.qr(rng.standard_normal((m, m)))[0] * 1.2  # no vanishing gradient over the layers
    values = {"a": rng.standard_normal(m), "W": W, "x": rng.standard_normal(m)}
    _check_every_layout(d, _network(depth), values, "W", rtol=1e-4)


def test_shared_weights_are_derived_as_backpropagation_writes_them():
    # W in every layer: the differential has a term per layer; the trace tricks bring dW to the
    # right of each, a Hadamard trick writing the adjoint of the layer below as Wᵀ δ ⊙ (𝟏 - t²)
    # (backpropagation's recursion), named in the where line, so that no line repeats the layers
    d = derive(_shared_chain(8), wrt="W", check=False)
    trace = [s for s in d.steps if s.stage == "trace"]
    assert any(s.rule == "Hadamard trick" for s in trace)
    assert not any("ᵀ W)ᵀ" in s.text for s in d.steps), "an adjoint written (δᵀ W)ᵀ, not Wᵀ δ"
    adjoints = re.findall(r"(t\S+) = Wᵀ \(Wᵀ (t\S+) ⊙", d.where()[1])
    assert len(adjoints) >= 3  # each defined by the one above it
    linearity = next(s for s in trace if s.rule == "linearity")
    assert len(linearity.text) < 400, linearity.text


def test_the_lines_of_shared_weights_grow_linearly_with_the_depth():
    def longest(depth: int) -> int:
        d = derive(_shared_chain(depth), wrt="W", check=False)
        return max(len(s.text) for s in d.steps)

    small, large = longest(16), longest(32)
    assert large / small < 2.5  # the sum of 32 terms: each a name or two, not the layers above it


def test_the_same_weights_in_128_layers():
    depth = 128
    d = derive(_shared_chain(depth), wrt="W", check=False)
    bundle = d._repr_mimebundle_()
    size = sum(len((v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode()) for v in bundle.values())
    assert size < 2 * 2**20  # 1.4 MB: each line of the trace stage names the adjoints it holds
    rng = np.random.default_rng(depth)
    m = 4
    W = np.linalg.qr(rng.standard_normal((m, m)))[0] * 1.2
    values = {"a": rng.standard_normal(m), "W": W, "x": rng.standard_normal(m)}
    _check_every_layout(d, _network(depth), values, "W", rtol=1e-4)


def test_a_hadamard_trick_after_a_product_writes_its_transpose_factor_by_factor():
    # tr(aᵀ(X ⊙ A dX)b): the factor moved is (b aᵀ)ᵀ, written a bᵀ as the seed's notes write it
    d = derive("a'*(X .* (A*X))*b", wrt="X", check=False)
    hadamard = [s for s in d.steps if s.rule == "Hadamard trick"]
    assert hadamard and all("(b aᵀ)ᵀ" not in s.text and "a bᵀ ⊙" in s.text for s in hadamard)
    rng = np.random.default_rng(21)
    values = {"a": rng.standard_normal(3), "X": rng.standard_normal((3, 5)), "A": rng.standard_normal((3, 3)),
              "b": rng.standard_normal(5)}
    f = lambda a, X, A, b: float(a @ (X * (A @ X)) @ b)
    _check_every_layout(d, f, values, "X")
