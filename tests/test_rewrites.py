"""Each textbook rewrite (derivation.rewrites, derivation.simplify_structure) is an identity: the
expression it gives has the value of a NumPy formula of the expression it was given, written
here independently, at random values with distinct sizes; and it fires where it should."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, random_values
from numpy.linalg import det, inv

from matdiff_magic.derivation import rewrites as rw
from matdiff_magic.derivation import simplify_structure as st
from matdiff_magic.derivation.simplify import basic, textbook
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import evaluate
from matdiff_magic.types.lower import typecheck

sig = lambda z: 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def commutation(r, c):
    K = np.zeros((r * c, r * c))
    for i in range(r):
        for j in range(c):
            K[i * c + j, j * r + i] = 1.0
    return K


# (name, rewrite, source, NumPy value of the source, sampling hints)
CASES = [
    (
        "inverse of a product",
        rw.inverse_of_product,
        "inv(X*X'*inv(A))",
        lambda X, A: inv(X @ X.T @ inv(A)),
        dict(wellcond=("A",), sizes={"m": 2, "n": 4}),
    ),
    ("cancel X⁻¹X", rw.cancel_inverses, "B*inv(X)*X*C", lambda B, X, C: B @ C, dict(wellcond=("X",))),
    ("cancel X⁻ᵀXᵀ", rw.cancel_inverses, "B*inv(X)'*X'", lambda B, X: B, dict(wellcond=("X",))),
    ("|A⁻¹| = 1/|A|", rw.det_of_inverse, "det(inv(X))", lambda X: 1 / det(X), dict(wellcond=("X",))),
    ("log|A⁻¹|", rw.det_of_inverse, "log(det(inv(X)))", lambda X: -np.log(det(X)), dict(spd=("X",))),
    (
        "√a⁻¹ a = √a",
        rw.scalar_powers,
        "det(X'*X)*X/sqrt(det(X'*X))",
        lambda X: np.sqrt(det(X.T @ X)) * X,
        dict(sizes={"m": 4, "n": 2}),
    ),
    ("½A + ½B", rw.common_number, "A/2 + B'/2", lambda A, B: (A + B.T) / 2, dict(sizes={"m": 3, "n": 3})),
    (
        "a ⊙ (𝟏 − b)",
        rw.expand_ones,
        "-y .* (vector(1) - sigmoid(X*w)) + (vector(1) - y) .* sigmoid(X*w)",
        lambda y, X, w: sig(X @ w) - y,
        {},
    ),
    ("x − m", rw.positive_first, "-m + x", lambda m, x: x - m, {}),
    (
        "exp(u)/sum(exp(u))",
        st.softmax_definition,
        "u: vector(n)\nexp(u)/sum(exp(u))",
        lambda u: np.exp(u) / np.sum(np.exp(u)),
        {},
    ),
    (
        "exp(u)ᵀ/𝟏ᵀexp(u)",
        st.softmax_definition,
        "u: vector(n)\nexp(u)'/(vector(1)'*exp(u))",
        lambda u: (np.exp(u) / np.sum(np.exp(u)))[None, :],
        {},
    ),
    ("sum(a) = a", st.scalar_sum, "a: scalar\nb: scalar\nsum(a*b)", lambda a, b: a * b, {}),
    ("tr(a) = a", st.scalar_sum, "a: scalar\nb: scalar\ntr(exp(a)*b)", lambda a, b: np.exp(a) * b, {}),
    (
        "(x − m)(m − x)ᵀ",
        rw.orient_differences,
        "A*(x - m)*(m - x)'*B",
        lambda A, x, m, B: A @ np.outer(x - m, m - x) @ B,
        {},
    ),
    (
        "vᵀ(diag(s) − ssᵀ)",
        st.contract_softmax,
        "(y ./ softmax(W*x))'*(diag(softmax(W*x)) - softmax(W*x)*softmax(W*x)')",
        lambda y, W, x: (
            (y / softmax(W @ x)) @ (np.diag(softmax(W @ x)) - np.outer(softmax(W @ x), softmax(W @ x)))
        ),
        {},
    ),
    (
        "(diag(s) − ssᵀ)v",
        st.contract_softmax,
        "(softmax(W*x)*softmax(W*x)' - diag(softmax(W*x)))*v",
        lambda W, x, v: (np.outer(softmax(W @ x), softmax(W @ x)) - np.diag(softmax(W @ x))) @ v,
        {},
    ),
]


def _value(expr, typed, values):
    return np.asarray(evaluate(expr, typed.variables, values), dtype=float)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rewrite_is_an_identity(case):
    _, rewrite, source, f, hints = case
    typed = typecheck(source)
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(typed.variables, rng, **hints)
    expected = np.asarray(f(**values), dtype=float)
    before = basic(typed.expr)
    after = rw.bottom_up(before, rewrite)
    assert after != before, "the rewrite did not fire"
    got = _value(after, typed, values)
    assert_close(np.reshape(got, expected.shape), expected, 1e-8, source)
    # and the whole textbook pass keeps the value too
    final, _ = textbook(before)
    got = _value(final, typed, values)
    assert_close(np.reshape(got, expected.shape), expected, 1e-8, source + " (textbook)")


def test_kron_with_a_row_and_a_commutation_matrix():
    # (aᵀ ⊗ B) K = B ⊗ aᵀ: built in the IR, the way the vec stage writes it
    a, B = ir.Var("a", ("n", 1), "vector"), ir.Var("B", ("p", "q"), "matrix")
    K = ir.Commutation("n", "q")
    e = ir.MatMul((ir.Kron(ir.Transpose(a), B), K))
    out = st.kron_commutation(e)
    assert isinstance(out, ir.Kron) and out.left == B
    rng = np.random.default_rng(7)
    n, p, q = 3, 2, 4
    av, Bv = rng.standard_normal(n), rng.standard_normal((p, q))
    want = np.kron(av[None, :], Bv) @ commutation(n, q)
    assert_close(np.kron(Bv, av[None, :]), want, 1e-12, "(aᵀ ⊗ B) K")
    got = evaluate(out, [a, B], {"a": av, "B": Bv})
    assert_close(got, want, 1e-12, "evaluated")


def test_a_one_by_one_all_ones_matrix_is_the_number_one():
    # 𝟏 σ(uᵀv) with a 1×1 𝟏 (what factoring dx out of sum(σ(uᵀv)) leaves): σ(uᵀv)
    u, v = ir.Var("u", ("n", 1), "vector"), ir.Var("v", ("n", 1), "vector")
    s = ir.Apply("sigmoid", ir.MatMul((ir.Transpose(u), v)))
    e = ir.MatMul((ir.Fill(1, (1, 1)), s, ir.Fill(2, (1, 1))))
    out = rw.bottom_up(e, st.scalar_one)
    assert not any(isinstance(n, ir.Fill) for n in out.walk())
    rng = np.random.default_rng(11)
    uv, vv = rng.standard_normal(4), rng.standard_normal(4)
    want = 2 * sig(uv @ vv)
    got = evaluate(out, [u, v], {"u": uv, "v": vv})
    assert_close(np.reshape(got, ()), want, 1e-12, "𝟏 σ(uᵀv) 2·𝟏")
    final, used = textbook(e)
    assert rw.SCALAR_ONE in used and not any(isinstance(n, ir.Fill) for n in final.walk())
    assert_close(np.reshape(evaluate(final, [u, v], {"u": uv, "v": vv}), ()), want, 1e-12, "textbook")


def test_a_rewrite_that_lengthens_is_not_kept():
    # (A B)⁻¹ with nothing to cancel stays as it is: B⁻¹A⁻¹ is longer
    typed = typecheck("inv(A*B)")
    out, used = textbook(basic(typed.expr))
    assert out == basic(typed.expr) and used == ()


def test_like_terms_are_collected_in_linear_time():
    # a sum of many copies of a few terms collects by hashing: 3000 terms in well under a second
    import time

    typed = typecheck("A*x + B*x + x")
    terms = list(typed.expr.terms) * 1000
    start = time.process_time()  # CPU time: a loaded machine's waits are not counted
    out = basic(ir.Add(terms))
    assert time.process_time() - start < 1.0
    assert isinstance(out, ir.MatMul) or len(getattr(out, "terms", ())) <= 3


# (AB)⁻¹ A B = A B (AB)⁻¹ = I where the inverse's product stands beside it as separate factors
INVERTED_RUNS = [
    # f = tr(X (XᵀX)⁻¹ Xᵀ) = n, constant: its gradient was printed 2 (X (XᵀX)⁻¹ − X (XᵀX)⁻¹ XᵀX (XᵀX)⁻¹)
    ("tr(X*inv(X'*X)*X')", "X", {"X": (5, 3)}, lambda X: np.trace(X @ inv(X.T @ X) @ X.T), "𝟎"),
    ("a'*inv(X'*X)*X'*X*b", "X", {"a": 3, "X": (5, 3), "b": 3},
     lambda a, X, b: a @ inv(X.T @ X) @ X.T @ X @ b, "𝟎"),
    # by X: (A B (AB)⁻¹)ᵀ a cᵀ, the transposed run Bᵀ Aᵀ beside (AB)⁻ᵀ
    ("a'*A*B*inv(A*B)*X*c", "X", {"a": 4, "A": (4, 6), "B": (6, 4), "X": (4, 3), "c": 3},
     lambda a, A, B, X, c: a @ A @ B @ inv(A @ B) @ X @ c, "a cᵀ"),
]


@pytest.mark.parametrize("source, wrt, shapes, f, result", INVERTED_RUNS)
def test_an_inverse_cancels_the_factors_of_its_product(source, wrt, shapes, f, result):
    from matdiff_magic import derive
    from numeric_helpers import central_difference, gradient_in_layout

    d = derive(source, wrt=wrt)
    assert d.steps[-1].text == result
    rng = np.random.default_rng(3)
    values = {k: rng.standard_normal(s) for k, s in shapes.items()}
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = np.asarray(d.with_layout(layout).evaluate(**values), dtype=float)
        want = gradient_in_layout(fd, layout)
        assert got.shape == np.shape(want) and np.allclose(got, want, atol=1e-6), layout


def test_an_inverse_does_not_cancel_factors_that_are_not_its_product():
    from matdiff_magic import derive

    # (AB)⁻¹ B A is no identity: kept as it is
    assert "(A B)⁻ᵀ" in derive("a'*inv(A*B)*B*A*X*c", wrt="X", check=False).steps[-1].text
