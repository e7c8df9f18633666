"""The Python API: evaluate() shapes in each layout, errors on bad values, and a check that can fail."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive
from matdiff_magic.numeric.check import run_check
from matdiff_magic.derivation.layouts import Result


def test_matrix_shapes_per_layout():
    a, X, b = np.ones(3), np.ones((3, 4)), np.arange(4.0)
    assert derive("a'*X*b", wrt="X", layout="denominator").evaluate(a=a, X=X, b=b).shape == (3, 4)
    assert derive("a'*X*b", wrt="X", layout="numerator").evaluate(a=a, X=X, b=b).shape == (4, 3)
    assert derive("a'*X*b", wrt="X").evaluate(a=a, X=X, b=b).shape == (3, 4)   # mixed


def test_vector_shapes_per_layout():
    a, x = np.arange(3.0), np.ones(3)
    assert derive("a'*x", wrt="x", layout="denominator").evaluate(a=a, x=x).shape == (3,)
    num = derive("a'*x", wrt="x", layout="numerator").evaluate(a=a, x=x)
    assert num.shape == (1, 3) and np.all(num[0] == a)
    assert derive("a'*x", wrt="x", layout="mixed").evaluate(a=a, x=x).shape == (3,)


def test_scalar_variable_gives_a_float():
    v = derive("c: scalar\nc^2*tr(A)", wrt="c").evaluate(c=3.0, A=np.eye(2))
    assert isinstance(v, float) and v == pytest.approx(12.0)


def test_value_of_f():
    assert derive("a'*X*b", wrt="X").value(a=np.ones(2), X=np.eye(2), b=np.ones(2)) == 2.0


@pytest.mark.parametrize("values, fragment", [
    (dict(a=np.ones(3), X=np.ones((4, 4)), b=np.ones(4)), "size m is 3 elsewhere but 4"),
    (dict(a=np.ones(3), X=np.ones((3, 4))), "give a value for b"),
    (dict(a=np.ones(3), X=np.ones((3, 4)), b=np.ones(4), z=1.0), "unknown variable z"),
    (dict(a=np.ones((3, 2)), X=np.ones((3, 4)), b=np.ones(4)), "a is a vector"),
])
def test_bad_values(values, fragment):
    with pytest.raises(MatdiffError, match=fragment):
        derive("a'*X*b", wrt="X").evaluate(**values)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(wrt="Q"), "unknown variable 'Q'"),
    (dict(), "choose the variable"),
    (dict(wrt="X", layout="sideways"), "unknown layout"),
    (dict(wrt="X", order=3), "Hessians"),
])
def test_bad_requests(kwargs, fragment):
    with pytest.raises(MatdiffError, match=fragment):
        derive("a'*X*b", **kwargs)


def test_the_check_detects_a_wrong_derivative():
    """Replace the result by a wrong one (aᵀb instead of abᵀ's transpose): the check must fail."""
    d = derive("a'*X*b", wrt="X")
    wrong = derive("b'*X'*a", wrt="X")   # same value, derivative b aᵀ in denominator layout: wrong shape/values
    d.results = {k: Result(k, wrong.results["numerator"].expr, r.lhs, r.lhs_text, r.shape, r.description)
                 if k != "numerator" else Result(k, wrong.results["denominator"].expr, r.lhs, r.lhs_text,
                                                 r.shape, r.description)
                 for k, r in d.results.items()}
    result = run_check(d, seed=0)
    assert result.status == "failed" and result.max_rel_error > 1e-3
    assert "FAILED" in result.message


def test_check_returns_the_error_and_is_reproducible():
    d = derive("a'*exp(X*b)", wrt="X", check=False)
    assert d.check_result is None
    err = d.check()
    assert 0 <= err < 1e-6 and d.check() == err


def test_symmetric_values_are_validated():
    d = derive("S: symmetric\nx'*S*x", wrt="x")
    with pytest.raises(MatdiffError, match="symmetric"):
        d.evaluate(S=np.array([[1.0, 2.0], [0.0, 1.0]]), x=np.ones(2))


def test_text_and_latex_show_the_work():
    d = derive("a'*X*b", wrt="X")
    assert "cyclic property: tr(AB) = tr(BA)" in d.to_text()
    tex = d.to_latex()
    assert r"\operatorname{tr}(\boldsymbol{b} \boldsymbol{a}^{T} \mathrm{d}X)" in tex
    assert r"X \in \mathbb{R}^{m\times n}" in tex and r"\checkmark" in tex


def test_values_may_be_given_as_one_dict():
    a, X, b = np.arange(1.0, 4.0), np.ones((3, 2)), np.array([2.0, -1.0])
    d = derive("a'*X*b", wrt="X", check=False)
    values = {"a": a, "X": X, "b": b}
    assert np.array_equal(d.evaluate(values), np.outer(a, b))  # mixed layout: the shape of X
    assert np.array_equal(d.evaluate(values), d.evaluate(**values))
    assert d.value(values) == pytest.approx(a @ X @ b)
    for bad in ([a, X, b], {1: a}, "a"):  # never Python's own TypeError
        with pytest.raises(MatdiffError, match="give the values by name"):
            d.evaluate(bad)
    with pytest.raises(MatdiffError, match="X: given both in the dict and by name"):
        d.evaluate(values, X=X)


def test_a_vector_given_for_a_matrix_is_refused_as_such():
    # it said "size m is 2 elsewhere but 1 in X (shape (1, 6))", a shape never given
    d = derive("a'*X*b", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=r"X is a matrix, but its value is a vector \(shape \(6,\)\)"):
        d.evaluate(a=np.ones(2), X=np.ones(6), b=np.ones(3))


def test_the_views_are_asked_for_by_layout_name():
    d = derive("a'*X*b", wrt="X", check=False)
    # one name or several: the same view as the tuple the package itself passes
    assert d.names_for("mixed") == d.names_for(("mixed",))
    assert [s.text for s in d.steps_for(["mixed"])] == [s.text for s in d.steps]
    for bad in ((), 3, None):  # never Python's TypeError or KeyError
        with pytest.raises(MatdiffError, match="give a layout or a tuple of layouts") as info:
            d.names_for(bad)
        assert isinstance(info.value, TypeError)
    for bad in ("nope", ("numerator", "x")):
        with pytest.raises(MatdiffError, match="unknown layout"):
            d.steps_for(bad)
    with pytest.raises(MatdiffError, match="set_abbreviations takes a dict"):
        d.set_abbreviations({}, "ab")
    with pytest.raises(MatdiffError, match="set_abbreviations takes a dict"):
        d.set_abbreviations([("x", "y")])
