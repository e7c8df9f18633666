"""Shape inference by unification, the naming convention, and shape errors with both operands named."""
from __future__ import annotations

import pytest

from matdiff_magic.errors import MatdiffError
from matdiff_magic.types.lower import typecheck


def shapes(source, **extra):
    t = typecheck(source, extra)
    return {v.name: (v.kind, v.shape) for v in t.variables}


def test_bilinear_form_sizes_are_unified():
    assert shapes("a'*X*b") == {"a": ("vector", ("m", 1)), "X": ("matrix", ("m", "n")),
                                "b": ("vector", ("n", 1))}


def test_naming_convention_lowercase_vector_uppercase_matrix():
    got = shapes("beta'*Sigma*beta")
    assert got["beta"][0] == "vector" and got["Sigma"][0] == "matrix"
    assert got["Sigma"][1] == ("m", "m")   # used on both sides of beta: square


def test_declared_sizes_are_kept():
    got = shapes("X: matrix(p, q)\na: vector(p)\nc: scalar\nc*a'*X")
    assert got == {"c": ("scalar", (1, 1)), "a": ("vector", ("p", 1)), "X": ("matrix", ("p", "q"))}


def test_square_functions_unify_rows_and_columns():
    assert shapes("tr(X) + logdet(Y) + det(inv(Z))") == {
        "X": ("matrix", ("m", "m")), "Y": ("matrix", ("n", "n")), "Z": ("matrix", ("p", "p"))}


def test_constants_take_their_size_from_context():
    t = typecheck("vector(1)'*X*b + tr(eye*A)")
    v = {x.name: x.shape for x in t.variables}
    assert v["X"][1] == v["b"][0] and v["A"][0] == v["A"][1]


def test_symmetric_is_square_and_flagged():
    t = typecheck("S: symmetric\nx'*S*x")
    s = next(v for v in t.variables if v.name == "S")
    assert s.symmetric and s.shape[0] == s.shape[1]


def test_scalar_broadcast_in_sums():
    t = typecheck("sum(1 - sigmoid(x))")
    assert t.expr.is_scalar


@pytest.mark.parametrize("source, fragment", [
    ("a'*X + b", "shape mismatch: cannot add a'*X (a row vector (1×n)) and b"),
    ("x*y", "cannot multiply x (a vector (m×1)) by y (a vector (n×1))"),
    ("a + X", "cannot add a (a vector (m×1)) and X"),
    ("X: matrix(m, n)\nY: matrix(p, q)\nX*Y", "columns of the left do not match"),
    ("x: vector\ntr(x)", "tr needs a square matrix, but x is a vector"),   # tr(x) alone: x a matrix
    ("X: matrix(m, n)\ndet(X)", "det needs a square matrix"),
    ("x^2", "^ raises a scalar to a power"),
    ("X/Y", "/ divides by a scalar"),
    ("X .* y'", "cannot multiply element-wise"),
])
def test_shape_errors(source, fragment):
    with pytest.raises(MatdiffError) as info:
        typecheck(source)
    assert fragment in info.value.message
    assert info.value.span is not None   # the message points at the source


def test_defaulted_name_gets_a_declaration_hint():
    with pytest.raises(MatdiffError) as info:
        typecheck("t*X*b + a'*b")
    assert "`t: scalar`" in info.value.hint


def test_inner_product_hint():
    with pytest.raises(MatdiffError) as info:
        typecheck("x*y")
    assert "x'*y" in info.value.hint


def test_caret_points_at_the_operator():
    with pytest.raises(MatdiffError) as info:
        typecheck("X: matrix\na'*X*b + x*y")
    assert (info.value.line, info.value.column) == (2, 11)


def test_extra_declarations_fix_kinds():
    assert shapes("x1*x2", x1="scalar", x2="scalar") == {"x1": ("scalar", (1, 1)),
                                                         "x2": ("scalar", (1, 1))}
