"""Results in textbook form: no step that leaves the expression as it was, numbers written as
fractions, results simplified toward the textbooks' forms and repeated subexpressions named.
Every derivative here is compared with central finite differences of a NumPy function written
in the test, in every layout, at random values with distinct sizes."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values
from numpy.linalg import det, inv

from matdiff_magic import derive

sig = lambda z: 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def check_gradient(source, wrt, f, **hints):
    """∂f/∂wrt against central differences of ``f`` in every layout; the derivation."""
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="denominator")
    values = random_values(d.variables, rng, **hints)
    assert_close(d.value(**values), f(**values), 1e-9, "f")
    fd = central_difference(f, values, wrt)
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        expected = fd
        if np.ndim(fd) == 2 and layout == "numerator":
            expected = fd.T
        elif np.ndim(fd) == 1 and layout == "numerator":
            expected = fd.reshape(1, -1)
        assert_close(got, expected, 1e-5, f"{source} by {wrt}, {layout} layout")
    return d


def check_jacobian(source, wrt, F, **hints):
    """∂vec F/∂(vec X)ᵀ against central differences of vec ``F`` (numerator layout) and its transpose."""
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    d = derive(source, wrt=wrt, layout="numerator")
    values = random_values(d.variables, rng, **hints)
    x0 = np.array(values[wrt], dtype=float)
    cols = []
    for idx in (
        np.ndindex(*x0.shape)
        if x0.ndim == 1
        else ((i, j) for j in range(x0.shape[1]) for i in range(x0.shape[0]))
    ):
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += 1e-6
        xm[idx] -= 1e-6
        fp = np.asarray(F(**{**values, wrt: xp})).reshape(-1, order="F")
        fm = np.asarray(F(**{**values, wrt: xm})).reshape(-1, order="F")
        cols.append((fp - fm) / 2e-6)
    J = np.stack(cols, axis=1)
    assert_close(d.evaluate(**values), J, 1e-5, f"{source} by {wrt}, numerator layout")
    assert_close(d.with_layout("denominator").evaluate(**values), J.T, 1e-5, f"{source}, denominator")
    return d


# ---- 1. no step that changes nothing


def _shown_rows(d):
    return [(s.stage, s.text) for s in d.steps if s.stage in ("differential", "trace", "vec")]


@pytest.mark.parametrize(
    "source, wrt, F",
    [
        ("A*y", "y", lambda A, y: A @ y),
        ("A*y + b", "y", lambda A, y, b: A @ y + b),
    ],
)
def test_a_step_that_changes_nothing_is_merged(source, wrt, F):
    d = check_jacobian(source, wrt, F)
    rows = _shown_rows(d)
    for (_, before), (_, after) in itertools.pairwise(rows):
        assert before != after, f"a step repeats {before!r}"
    # the merged step still names the rules it applied: vectorising the column is one of them
    rules = " ".join(s.rule for s in d.steps)
    assert "vectorise" in rules and "vec of a product" in rules
    assert any("d vec(F) = vec(dF)" in s.identity_text for s in d.steps)


@pytest.mark.parametrize(
    "source, wrt, f",
    [
        ("y'*y", "y", lambda y: y @ y),
        ("a'*X*b", "X", lambda a, X, b: a @ X @ b),
        ("norm2(y)^2 + a'*y", "y", lambda y, a: y @ y + a @ y),
    ],
)
def test_no_gradient_step_repeats_its_expression(source, wrt, f):
    d = check_gradient(source, wrt, f)
    rows = _shown_rows(d)
    for (_, before), (_, after) in itertools.pairwise(rows):
        assert before != after, f"a step repeats {before!r}"


# ---- 2. numbers and fractions as people write them


def test_one_over_n_is_a_fraction_in_text_and_tex():
    d = check_gradient(
        "N: scalar\nnorm2(X*w - y)^2/N",
        "w",
        lambda X, w, y, N: (X @ w - y) @ (X @ w - y) / N,
        positive=("N",),
    )
    from matdiff_magic.render.printer import to_latex, to_text

    assert to_text(d.result) == "(2/N) Xᵀ (X w - y)"
    assert to_latex(d.result).startswith(r"\frac{2}{N} X^{T}")
    assert "1 N⁻¹" not in d.to_text() and "(1/N) d(" in d.to_text()


def test_a_half_is_written_as_one():
    d = check_gradient("x'*A*x/2", "x", lambda x, A: x @ A @ x / 2)
    from matdiff_magic.render.printer import to_latex, to_text

    assert "½" in to_text(d.result) and "1/2" not in to_text(d.result)
    assert r"\frac{1}{2}" in to_latex(d.result)


def test_a_mean_over_samples_reads_one_over_n():
    d = check_gradient(
        "N: scalar\nsum(exp(X*w))/N",
        "w",
        lambda X, w, N: np.exp(X @ w).sum() / N,
        positive=("N",),
        small=("w",),
    )
    assert "1 N⁻¹" not in d.to_text() and "(1/N) " in d.to_text()
    assert r"\frac{1}{N}" in d.to_latex()


# ---- 3. results in the textbooks' forms, and the step that says how

FORMS = [
    (
        "log(det(X*X'*inv(A)))",
        "X",
        lambda X, A: np.log(det(X @ X.T @ inv(A))),
        dict(spd=("A",), sizes={"m": 2, "n": 4}),
        "2 (X Xᵀ)⁻¹ X",
    ),
    ("log(det(inv(X)))", "X", lambda X: np.log(det(inv(X))), dict(spd=("X",)), "-X⁻ᵀ"),
    (
        "sqrt(det(X'*X))",
        "X",
        lambda X: np.sqrt(det(X.T @ X)),
        dict(sizes={"m": 4, "n": 2}),
        "√(|Xᵀ X|) X (Xᵀ X)⁻¹",
    ),
    (
        "-(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w)))",
        "w",
        lambda y, X, w: -(y @ np.log(sig(X @ w)) + (1 - y) @ np.log(1 - sig(X @ w))),
        dict(positive=("y",)),
        "Xᵀ (σ - y)",
    ),
    (
        "-y'*log(softmax(W'*x))",
        "W",
        lambda y, W, x: -y @ np.log(softmax(W.T @ x)),
        {},
        "x (sum(y) sᵀ - yᵀ)",
    ),
    (
        "Sigma: symmetric\nlog(det(Sigma)) + (x - m)'*inv(Sigma)*(x - m)",
        "Sigma",
        lambda Sigma, x, m: np.log(det(Sigma)) + (x - m) @ inv(Sigma) @ (x - m),
        {},
        "Σ⁻¹ - Σ⁻¹ (x - m) (x - m)ᵀ Σ⁻¹",
    ),
    ("x'*A*x/2", "x", lambda x, A: x @ A @ x / 2, {}, "½ (A + Aᵀ) x"),
]


@pytest.mark.parametrize("case", FORMS, ids=[c[0].split("\n")[-1] for c in FORMS])
def test_result_in_textbook_form(case):
    from matdiff_magic.render.printer import to_text

    source, wrt, f, hints, form = case
    d = check_gradient(source, wrt, f, **hints)
    assert to_text(d.result, abbrev=d.abbrev) == form


def test_the_rewrites_are_a_step_after_the_read_off():
    d = derive("log(det(X*X'*inv(A)))", wrt="X", check=False)
    stages = [s.stage for s in d.steps]
    i = stages.index("readoff")
    simplify = d.steps[i + 1]
    assert simplify.rule == "simplify"
    assert "(AB)⁻¹ = B⁻¹A⁻¹" in simplify.identity_text and simplify.identity.cookbook == "(1)"
    assert "A⁻¹ (X Xᵀ A⁻¹)⁻¹ X" in d.steps[i].text  # the read-off shows what it read
    assert simplify.text == "2 (X Xᵀ)⁻¹ X"
    data = d.to_json()
    assert any(s["rule"] == "simplify" for s in data["steps"])


def test_softmax_jacobian_names_s_once():
    d = check_jacobian("softmax(W'*h + b)", "W", lambda W, h, b: softmax(W.T @ h + b), sizes={"m": 3, "n": 4})
    from matdiff_magic.render.printer import to_text

    assert to_text(d.result, abbrev=d.abbrev) == "(diag(s) - s sᵀ) ⊗ hᵀ"
    assert "s = softmax(Wᵀ h + b)" in d.where()[1]
    assert d.steps[0].text == "softmax(Wᵀ h + b)"  # f as written
    assert r"\boldsymbol{s} = \operatorname{softmax}" in d.where()[0]


# ---- 4. named subexpressions


def test_a_name_never_clashes_with_the_cells_names():
    d = check_gradient("s'*log(softmax(W*x))", "W", lambda s, W, x: s @ np.log(softmax(W @ x)))
    names = [text for _, text in d.abbrev.values()]
    assert names and "s" not in names
    assert all(n not in {v.name for v in d.variables} for n in names)


def test_the_names_are_in_the_json_where():
    d = derive("a'*sigmoid(W*x)", wrt="W", check=False)
    data = d.to_json()
    assert "σ = σ(W x)" in data["where"]["text"]
    assert data["results"]["mixed"]["text"] == "(a ⊙ σ ⊙ (𝟏 - σ)) xᵀ"


def test_a_short_repeat_is_not_named():
    d = derive("tr(X^3*B)", wrt="X", check=False)
    assert d.abbrev == {}
