"""Never a foreign exception from the public API at a singular point: the six inverse forms whose
argument is singular at some sizes or values (tests/test_check_robust.py checks their derivatives
against central differences and their check) raise MatdiffError naming the singular argument and
the variables it depends on, from evaluate() and value(), never numpy.linalg.LinAlgError; and a
check that cannot decide says so in one line.
"""

import numpy as np
import pytest

from matdiff_magic import MatdiffError, derive
from matdiff_magic.errors import ArgumentTypeError

rng = np.random.default_rng(3)
N = rng.standard_normal

# (source, values at which the inverted matrix is singular, the argument as the message names it)
SINGULAR = [
    ("tr(inv(X*X'))", {"X": N((4, 2))}, "X Xᵀ is singular at the given X"),  # rank 2 < 4
    (
        "tr(C*inv(X'*B*X))",
        {"C": N((3, 3)), "X": N((2, 3)), "B": N((2, 2))},
        "Xᵀ B X is singular at the given X, B",
    ),
    ("tr(C*inv(X'*B*X))", {"C": N((3, 3)), "X": N((5, 3)), "B": np.zeros((5, 5))}, "Xᵀ B X is singular"),
    ("tr(inv(A*X))", {"A": N((2, 3)), "X": np.zeros((3, 2))}, "A X is singular at the given A, X"),
    ("a'*inv(X'*X)*a", {"a": N(3), "X": N((2, 3))}, "Xᵀ X is singular at the given X"),
    ("X'*inv(X*X')", {"X": N((4, 2))}, "X Xᵀ is singular at the given X"),
    (
        "a'*inv(X*Y)*b",
        {"a": N(3), "X": N((3, 2)), "Y": N((2, 3)), "b": N(3)},
        "X Y is singular at the given X, Y",
    ),
]


@pytest.mark.parametrize(
    "source, values, message", SINGULAR, ids=[f"{c[0]} {i}" for i, c in enumerate(SINGULAR)]
)
@pytest.mark.parametrize("layout", ("numerator", "denominator", "mixed"))
def test_a_singular_point_is_a_matdiff_error_naming_the_argument(source, values, message, layout):
    d = derive(source, wrt="X", layout=layout)
    assert d.check_result.status == "passed", d.check_result.message  # regular points exist
    with pytest.raises(MatdiffError, match=message):
        d.evaluate(**values)
    if d.target.is_scalar:
        with pytest.raises(MatdiffError, match=message):
            d.value(**values)


def test_a_check_that_cannot_decide_says_why_in_one_line():
    d = derive("tr(inv(x*x'))", wrt="x")  # x xᵀ has rank 1 at every size
    message = d.check_result.message
    assert d.check_result.status == "skipped" and message.startswith("could not check: ")
    assert "\n" not in message and message in d.to_text().splitlines()[-1]


# ---- values that are not numbers, or no numbers ---------------------------------------------------
@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[None] * 3] * 3), "the value of X holds None: give its numbers"),
        ([[1.0, None, 2.0]] * 3, "the value of X holds None: give its numbers"),
        (np.ones((0, 0)), r"the value of X has no entries \(shape \(0, 0\)\): sizes are at least 1"),
    ],
)
def test_evaluate_refuses_none_entries_and_empty_values(X, message):
    d = derive("a'*inv(X)*b", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=message):
        d.evaluate(a=np.ones(3), b=np.ones(3), X=X)


def test_a_dict_of_values_keyed_by_other_than_names_says_so():
    d = derive("a'*X*b", wrt="X", check=False)
    with pytest.raises(ArgumentTypeError, match="its keys are the variables' names, got the key 1"):
        d.evaluate({1: np.ones(2)})


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[1, None]]), "the value of X holds None: give its numbers"),  # None not first
        ([[1.0, 2.0], [3.0]], "the value of X is ragged: its rows are not all of one length"),
        ([["1.5", "2"]], "the value of X must be numbers: it holds str"),
        (np.array([[np.datetime64("2020-01-01")] * 2]), "the value of X must be numbers: it holds datetime64"),
        ([[{"a": 1}]], "the value of X must be numbers: it holds dict"),
        (np.ma.masked_array([[1.0, 2.0]], mask=[[1, 0]]), "the value of X has masked entries: give all its numbers"),
    ],
)
def test_evaluate_takes_numbers_only(X, message):
    d = derive("tr(X'*X)", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=message):
        d.evaluate(X=X)


def test_evaluate_takes_booleans_integers_and_unmasked_arrays_as_numbers():
    d = derive("tr(X'*X)", wrt="X", check=False)
    for X in ([[True, False]], np.array([[1, 2]], dtype=object), np.ma.masked_array([[1.0, 2.0]])):
        np.testing.assert_array_equal(d.evaluate(X=X), 2 * np.asarray(X, dtype=float))
