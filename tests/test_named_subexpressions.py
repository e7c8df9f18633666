"""Names of repeated subexpressions (M₁, t₁, s) as each view shows them.

Every view (text, TeX, the JSON's where, each layout, the stepper) defines exactly the names its
own lines use, numbered by first appearance, the same on every run; a transpose of a named
subexpression prints as the name transposed. Every derivative is compared with central
differences of f written here in NumPy (not the package's evaluator), in every layout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from matdiff_magic import derive

LAYOUTS = ("numerator", "denominator", "mixed")
MINKA = "S: symmetric\nA: matrix(m, m)\ntr(S*A*S')"
SOFTMAX = "-y'*log(softmax(W'*x))"
NAME = re.compile(r"(?<![A-Za-z])(M[₀-₉]+|t[₀-₉]+|s(?![A-Za-z(]))")


def central(f, X: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂X_ij, each entry moved alone."""
    G = np.zeros_like(X)
    for idx in np.ndindex(*X.shape):
        plus, minus = X.copy(), X.copy()
        plus[idx] += h
        minus[idx] -= h
        G[idx] = (f(plus) - f(minus)) / (2 * h)
    return G


def minka_reference(f, S: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """G + Gᵀ − G ⊙ I by differences: S_ij and S_ji moved together, a diagonal entry alone."""
    n = S.shape[0]
    out = np.zeros_like(S)
    for i in range(n):
        for j in range(n):
            E = np.zeros_like(S)
            E[i, j] = E[j, i] = 1.0
            out[i, j] = (f(S + h * E) - f(S - h * E)) / (2 * h)
    return out


def split(text: str) -> tuple[str, str]:
    """(the lines above the where line, the where line and after), of a derivation's text."""
    head, _, tail = text.partition("   where ")
    return head, tail.split("✓")[0]


def defined(where: str) -> list[str]:
    return re.findall(r"(M[₀-₉]+|t[₀-₉]+|s|σ) = ", where)


def used(lines: str) -> list[str]:
    """Names in order of first appearance in ``lines``."""
    out: list[str] = []
    for name in NAME.findall(lines):
        if name not in out:
            out.append(name)
    return out


def names_read_right(text: str) -> list[str]:
    head, where = split(text)
    names = defined(where)
    shown = used(head)
    for name in names:  # a definition may use an earlier name: those count as used too
        assert name in shown or any(name in d for d in where.split(", ")), (name, text)
    assert set(shown) <= set(names), text  # every name a line uses is defined
    numbered = [n for n in names if n[0] in "Mt"]
    for kind in "Mt":
        mine = [n for n in numbered if n[0] == kind]
        assert mine == [f"{kind}{chr(0x2080 + k)}" for k in range(1, len(mine) + 1)], text
        in_order = [n for n in shown if n[0] == kind]
        assert in_order == sorted(in_order, key=lambda n: mine.index(n)), text
    return names


def symmetric_point(rng, n: int) -> np.ndarray:
    M = rng.standard_normal((n, n))
    return M + M.T


# ---- tr(S A Sᵀ) by a symmetric S, minka convention --------------------------------------------
def test_minka_defines_one_name_used_in_every_layout_and_its_transpose():
    d = derive(MINKA, wrt="S", symmetric="minka", check=False)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        text = view.to_text()
        assert names_read_right(text) == ["M₁"], text
        head, where = split(text)
        assert "M₂" not in text
        assert "M₁ = S (Aᵀ + A)" in where or "M₁ = S (A + Aᵀ)" in where
        last = head.strip().splitlines()[-1]
        assert "M₁ᵀ" in last and "M₁" in last.replace("M₁ᵀ", ""), last
        assert "(Aᵀ + A) S" not in last and "(A + Aᵀ) S" not in last
        tex = view.to_latex()
        assert tex.count("M_{1} = ") == 1 and "M_{2}" not in tex and "M_{1}^{T}" in tex


def test_minka_values_in_every_layout():
    rng = np.random.default_rng(7)
    n = 4
    A = rng.standard_normal((n, n))
    S = symmetric_point(rng, n)
    d = derive(MINKA, wrt="S", symmetric="minka")
    assert d.check_result.status == "passed"
    expected = minka_reference(lambda S_: np.trace(S_ @ A @ S_.T), S)
    for layout in LAYOUTS:
        got = d.with_layout(layout).evaluate(S=S, A=A)
        want = expected.T if layout == "numerator" else expected
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_json_where_lists_the_names_of_all_its_lines():
    d = derive(MINKA, wrt="S", symmetric="minka", check=False)
    data = d.to_json()
    lines = " ".join([s["text"] for s in data["steps"]] + [r["text"] for r in data["results"].values()])
    where = data["where"]["text"]
    assert defined(where) == used(lines) == ["M₁"]
    assert "M_{1} = " in data["where"]["latex"] and "M_{2}" not in data["where"]["latex"]


def test_the_stepper_steps_use_the_names_of_their_layout():
    d = derive(MINKA, wrt="S", symmetric="minka", check=False)
    for layout in LAYOUTS:
        steps = d.with_layout(layout).steps
        shown = used(" ".join(s.text for s in steps))
        assert shown == ["M₁"]
        assert "M_{1}^{T}" in steps[-1].latex


# ---- the softmax regression loss by W --------------------------------------------------------
def softmax(u: np.ndarray) -> np.ndarray:
    e = np.exp(u - u.max())
    return e / e.sum()


def test_softmax_regression_names_s_only():
    rng = np.random.default_rng(3)
    n, m = 4, 3  # W is n×m: Wᵀx has m entries
    W = rng.standard_normal((n, m))
    x, y = rng.standard_normal(n), rng.random(m)
    d = derive(SOFTMAX, wrt="W")
    assert d.check_result.status == "passed"
    expected = central(lambda W_: -y @ np.log(softmax(W_.T @ x)), W)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        text = view.to_text()
        assert names_read_right(text) == ["s"], text
        assert "s = softmax(Wᵀ x)" in text
        assert text.splitlines()[0].strip() == "f = (-yᵀ) log(s)"  # f as written, s named
        got = view.evaluate(W=W, x=x, y=y)
        want = expected.T if layout == "numerator" else expected
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


# ---- no repetition: no names ------------------------------------------------------------------
def test_no_repetition_no_names():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((5, 3)), rng.standard_normal(5)
    w = rng.standard_normal(3)
    d = derive("X: matrix(n, k)\nnorm2(X*w - y)^2", wrt="w")
    assert d.abbrev == {} and d.names_for(tuple(d.results))[0] == {}
    expected = central(lambda w_: np.sum((X @ w_ - y) ** 2), w)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        _, where = split(view.to_text())
        assert defined(where) == [] and " = " not in view.to_json()["where"]["text"]
        got = np.asarray(view.evaluate(X=X, w=w, y=y)).reshape(-1)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


# ---- a repeat in one layout's result only ----------------------------------------------------
def test_a_name_repeated_in_the_result_is_defined_once():
    rng = np.random.default_rng(11)
    n = 3
    A = rng.standard_normal((n, n))
    X = rng.standard_normal((n, n)) + n * np.eye(n)
    d = derive("A: matrix(n, n)\nX: matrix(n, n)\ntr(inv(X*A + A'*X))", wrt="X")
    expected = central(lambda X_: np.trace(np.linalg.inv(X_ @ A + A.T @ X_)), X)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        names_read_right(view.to_text())
        got = view.evaluate(A=A, X=X)
        want = expected.T if layout == "numerator" else expected
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- the same on every run ------------------------------------------------------------------
def test_the_names_do_not_depend_on_the_hash_seed():
    code = (
        "from matdiff_magic import derive\n"
        f"d = derive({MINKA!r}, wrt='S', symmetric='minka', check=False)\n"
        "print('|'.join(d.with_layout(l).to_text() for l in ('mixed', 'numerator', 'denominator')))\n"
        "print(d.to_json()['where'])\n"
        f"print(derive({SOFTMAX!r}, wrt='W', check=False).to_text())\n"
    )
    outs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.add(run.stdout)
    assert len(outs) == 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_named_transpose_has_the_value_of_the_transpose(layout):
    """Every node a view prints by a name has the value of the name's definition (transposed for
    Mᵀ), at a symmetric point: the names never change what is shown."""
    from matdiff_magic.derivation.evaluation import evaluate_at

    rng = np.random.default_rng(2)
    n = 3
    values = {"S": symmetric_point(rng, n), "A": rng.standard_normal((n, n))}
    view = derive(MINKA, wrt="S", symmetric="minka", check=False).with_layout(layout)
    definitions = {text: node for node, (_, text) in view.abbrev.items() if not text.endswith("ᵀ")}
    assert view.abbrev
    for node, (_, text) in view.abbrev.items():
        value = evaluate_at(view, node, values)
        named = evaluate_at(view, definitions[text.rstrip("ᵀ")], values)
        np.testing.assert_allclose(value, named.T if text.endswith("ᵀ") else named, rtol=1e-10)


# ---- a component written twice in a declaration by components -------------------------------
@pytest.mark.parametrize("line", ["y = [y1; y1]", "y = [y1; y2; y1]"])
def test_a_repeated_component_is_named_with_a_caret_under_its_second_place(line):
    from matdiff_magic import MatdiffError

    with pytest.raises(MatdiffError) as err:
        derive(f"{line}\ny1^2", wrt="y")
    message = str(err.value)
    assert message.startswith("y1 is repeated in the literal")
    assert "is a vector" not in message and "y1: scalar" not in message
    shown, caret = next(
        (a, b) for a, b in zip(message.splitlines(), message.splitlines()[1:]) if a.endswith(line)
    )
    start = shown.index(line) + line.rindex("y1")
    assert caret.index("^") == start and caret.strip() == "^^"


def test_distinct_components_still_derive():
    rng = np.random.default_rng(4)
    y = rng.standard_normal(2)
    d = derive("y = [y1; y2]\ny1^2*y2", wrt="y")
    expected = central(lambda v: v[0] ** 2 * v[1], y)
    for layout in LAYOUTS:
        got = np.asarray(d.with_layout(layout).evaluate(y=y)).reshape(-1)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_the_stepper_defines_the_names_of_the_lines_shown_so_far():
    from matdiff_magic.render.stepper_state import step_view

    d = derive(MINKA, wrt="S", symmetric="minka", check=False)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        stages = [s.stage for s in view.steps]
        readoff = stages.index("readoff")
        before = step_view(view, readoff - 1).lines_latex
        assert "M_{1}" not in before and r"\text{where }" not in before
        for i in range(readoff, len(stages)):
            lines = step_view(view, i).lines_latex
            assert lines.count("M_{1} = ") == 1 and "M_{2}" not in lines
            assert r"\text{where } M_{1} = S (A + A^{T})" in lines


SIGMOID = "sigmoid(W*x)'*sigmoid(W*x)"


def test_sigmoid_is_named_once_and_never_as_its_own_transpose():
    rng = np.random.default_rng(9)
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    d = derive(SIGMOID, wrt="W")
    expected = central(lambda W_: np.sum((1 / (1 + np.exp(-W_ @ x))) ** 2), W)
    for layout in LAYOUTS:
        view = d.with_layout(layout)
        text = view.to_text()
        assert names_read_right(text) == ["σ"] and "σ = σ(W x)" in text and "ᵀᵀ" not in text
        got = view.evaluate(W=W, x=x)
        want = expected.T if layout == "numerator" else expected
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("source", "wrt", "values"),
    [
        (SIGMOID, "W", lambda rng: {"W": rng.standard_normal((3, 4)), "x": rng.standard_normal(4)}),
        (
            "X: matrix(n, n)\nB: matrix(n, n)\ntr(inv(X*B*X'))*tr(X*B*X')",
            "X",
            lambda rng: {
                "X": rng.standard_normal((3, 3)) + 3 * np.eye(3),
                "B": rng.standard_normal((3, 3)) + 3 * np.eye(3),
            },
        ),
    ],
)
def test_every_named_node_has_its_definitions_value(source, wrt, values, layout):
    from matdiff_magic.derivation.evaluation import evaluate_at

    point = values(np.random.default_rng(1))
    view = derive(source, wrt=wrt, check=False).with_layout(layout)
    definitions = {text: node for node, (_, text) in view.abbrev.items() if not text.endswith("ᵀ")}
    for node, (_, text) in view.abbrev.items():
        named = evaluate_at(view, definitions[text.rstrip("ᵀ")], point)
        value = evaluate_at(view, node, point)
        np.testing.assert_allclose(value, named.T if text.endswith("ᵀ") else named, rtol=1e-10)
