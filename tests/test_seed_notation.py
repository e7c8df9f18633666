"""Seed 002's examples typed as the notes write them: derived by y, a function of its entries,
f(y_1, y_2) = … (read as LaTeX), declares y by them (y = [y_1; y_2], put first); so does
f(y) = [… \\quad …] with the entries y_1 … y_n in f; a bracket with \\quad, & or , between two
entries is a row (a literal), never a product of its entries, while a \\quad beside + or - is a
space; and [y_1 \\quad y_2]^T is the column y. Where the arguments are not scalar entries of the
vector asked for (vectors, matrices, another wrt, the cell's own y = …), nothing is declared.
Every result against central differences of the function written here in NumPy, in every layout."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_jacobian

from matdiff_magic import derive, graph
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.latex import looks_like_latex, translate

LAYOUTS = ("numerator", "denominator", "mixed")


@pytest.mark.parametrize(
    "latex,text",
    [
        (r"f = [y_1 \quad y_2]^T", "f=[y_1,y_2]'"),
        (r"f = [y_1 \qquad y_2]", "f=[y_1,y_2]"),
        (r"f = [y_1, y_2]", "f=[y_1,y_2]"),
        (r"f = [y_1; y_2]", "f=[y_1;y_2]"),
        (r"f = [\frac{a}{b} \quad \log(c)]", "f=[(a/b),log(c)]"),
        (r"f = [a+b] c", "f=(a+b)*c"),  # a bracket without separators only groups
        (r"\begin{align} f &= x^T x \end{align}", "f=x'*x"),  # & outside [ ] aligns
    ],
)
def test_a_bracket_with_separators_is_a_literal(latex, text):
    assert translate(latex).text.strip() == text


def test_quad_between_entries_is_never_a_product():
    # seed 002, Example 2 as the notes write it: before, the two entries were read as one product
    text = translate(r"\bold{f(\bold{y})} = [y_1^2+y_2^2+y_3 \quad y_3^2+2y_1]").text
    assert "y_3*y_3" not in text and "[y_1^2+y_2^2+y_3,y_3^2+2*y_1]" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_002_example_1(layout):
    source = "f(y_1,y_2) = y_1^2 + y_2^2"
    assert not looks_like_latex(source)  # read as LaTeX when asked (the language refuses f(…) =)
    d = derive(source, wrt="y", layout=layout, latex=True)
    y = np.array([0.7, -1.3])
    expected = central_jacobian(lambda v: v[0] ** 2 + v[1] ** 2, y)  # 1×2
    got = np.asarray(d.evaluate(y=y))
    np.testing.assert_allclose(got.reshape(-1), expected.reshape(-1), rtol=1e-6, atol=1e-8)
    assert d.steps[-1].text == ("[2 y₁, 2 y₂]" if layout == "numerator" else "[2 y₁; 2 y₂]")
    assert d.check_result.status == "passed"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_002_example_2(layout):
    d = derive(r"\bold{f(\bold{y})} = [y_1^2+y_2^2+y_3 \quad y_3^2+2y_1]", wrt="y", layout=layout)
    y = np.array([0.4, -1.1, 2.3])
    J = central_jacobian(lambda v: np.array([v[0] ** 2 + v[1] ** 2 + v[2], v[2] ** 2 + 2 * v[0]]), y)  # 2×3
    got = np.asarray(d.evaluate(y=y))
    np.testing.assert_allclose(got, J.T if layout == "denominator" else J, rtol=1e-6, atol=1e-8)
    if layout == "denominator":  # the notes' answer
        assert d.steps[-1].text == "[2 y₁, 2; 2 y₂, 0; 1, 2 y₃]"


def test_seed_002_example_3_by_the_vector_and_in_the_graph():
    source = r"f(x_1,x_2) = \ln(x_1) + x_1x_2 - \sin(x_2)"
    d = derive(source, wrt="x", layout="denominator")
    x = np.array([2.0, 5.0])
    f = lambda v: np.log(v[0]) + v[0] * v[1] - np.sin(v[1])  # noqa: E731
    np.testing.assert_allclose(d.evaluate(x=x), central_jacobian(f, x).reshape(-1), rtol=1e-6)
    np.testing.assert_allclose(d.evaluate(x=x), [5.5, 2 - np.cos(5)], rtol=1e-12)
    g = graph(source, x_1=2.0, x_2=5.0)  # the evaluation trace takes the entries as its inputs
    assert g.gradient() == pytest.approx({"x_1": 5.5, "x_2": 2 - np.cos(5)})


def test_an_entry_of_a_declared_vector_as_wrt_says_to_derive_by_the_vector():
    with pytest.raises(MatdiffError) as info:
        derive("y = [y_1; y_2]\nf = y_1^2 + y_2^2", wrt="y_1")
    assert "y_1 is an entry of y: derive by y" in info.value.hint


def test_by_an_entry_the_function_head_declares_nothing():
    # wrt names an argument: the arguments stay the cell's variables (y_1 a vector by the convention)
    d = derive(r"f(y_1, y_2) = y_1^T A y_2", wrt="y_1")
    assert [v.name for v in d.variables] == ["y_1", "A", "y_2"]


def test_declared_entries_stay_scalars():
    # the notes' entries declared as scalars: derived by one of them, as before
    d = derive("x_1, x_2: scalar\nf(x_1,x_2) = ln(x_1) + x_1x_2 - sin(x_2)", wrt="x_1", latex=True)
    assert d.evaluate(x_1=2.0, x_2=5.0) == pytest.approx(5.5)


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("f(y) = y_1 + y_3", "y"),  # not y_1 … y_n
        ("f(y) = y^T y", "y"),
        ("f(y_1, y_2) = y^T y", "y"),  # y itself in f
        ("f(x, y) = x^T y", "y"),
        ("f(y_1, y_2) = y_1^2 + y_2^2", None),  # y not asked for
        ("f(y_1, y_2) = y_1^2 + y_2^2", "y_1"),
        (r"f(x_1, x_2) = x_1^T x_2", "x"),  # transposed: vectors
        (r"f(x_1, x_2) = \|x_1 - x_2\|^2", "x"),  # a norm: vectors
        (r"L(W_1, W_2) = \|y - W_2 \sigma(W_1 x)\|^2", "W"),  # capitals: matrices
        ("y = [y_1 \\quad y_2]^T\nf(y) = y_1^2 + y_2^2", "y"),  # the notes' own y = …
    ],
)
def test_no_entries_are_declared_where_they_do_not_fit(source, wrt):
    assert "= [y_1; y_2]" not in translate(source, wrt).text and "x = [" not in translate(source, wrt).text


def test_the_notes_own_definition_of_y_derives():
    d = derive("y = [y_1 \\quad y_2]^T\nf(y) = y_1^2 + y_2^2", wrt="y", layout="denominator")
    np.testing.assert_allclose(d.evaluate(y=np.array([1.5, -2.0])), [3.0, -4.0])


def test_the_declaration_comes_before_every_line_that_uses_the_entries():
    d = derive("g = \\ln x_1\nf(x_1, x_2) = g x_2", wrt="x", layout="denominator")
    x = np.array([2.0, 3.0])
    np.testing.assert_allclose(d.evaluate(x=x), central_jacobian(lambda v: np.log(v[0]) * v[1], x).reshape(-1), rtol=1e-6)


def test_two_heads_declare_the_vector_once():
    text = translate("g(y_1, y_2) = y_1 + y_2\nf(y_1, y_2) = y_1^2 y_2", "y").text
    assert text.count("y = [y_1; y_2]") == 1


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"f = \left[ x^T A x \quad + \quad b^T x \right]^2", "f=(x'*A*x+b'*x)^2"),
        (r"f = [x^T A x \quad - b^T x]^2", "f=(x'*A*x-b'*x)^2"),
        (r"f = \Big[ (y - w^T x)^2 \quad + \quad \lambda w^T w \Big]", "f=((y-w'*x)^2+lambda*w'*w)"),
    ],
)
def test_a_quad_beside_an_operator_is_a_space(latex, text):
    assert translate(latex).text.strip() == text


def test_a_transposed_row_declares_the_components_in_the_expression_language():
    d = derive("y = [y_1, y_2]'\nf = y_1^2 + y_2^2", wrt="y", layout="denominator")
    np.testing.assert_allclose(d.evaluate(y=np.array([1.5, -2.0])), [3.0, -4.0])
