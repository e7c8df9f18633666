"""Seed 002 writes its function as f(x_1, x_2) = …: typed without --latex that is not the expression
language, and the error says that --latex reads it; with --latex it derives (checked against central
differences of the same f written in NumPy)."""
import numpy as np
import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError

SEED = "f(x_1,x_2) = ln(x_1) + x_1x_2 - sin(x_2)"


@pytest.mark.parametrize("cell", [SEED, "f(y_1,y_2) = y_1^2 + y_2^2", "p(x) = a'*x"])
def test_the_hint_names_latex_for_a_function_written_with_its_arguments(cell):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt="x_1", latex=False)
    error = info.value
    assert error.message == "'=' can only follow a name at the start of a line"
    assert cell[error.span.start] == "="
    assert error.hint == "write f = a'*x, or just a'*x; f(x) = … is read as LaTeX with --latex"


def test_other_misplaced_equals_keep_the_short_hint():
    with pytest.raises(MatdiffError) as info:
        derive("a'*x = 3", wrt="x")
    assert info.value.hint == "write f = a'*x, or just a'*x"


def test_the_hint_in_chinese():
    with pytest.raises(MatdiffError) as info:
        derive(SEED, wrt="x_1", latex=False, lang="zh")
    assert "请加 --latex" in str(info.value)


@pytest.mark.parametrize("wrt", ["x_1", "x_2"])
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_with_latex_the_seed_function_derives(wrt, layout):
    d = derive("x_1, x_2: scalar\n" + SEED, wrt=wrt, latex=True, layout=layout)
    point = {"x_1": 2.0, "x_2": 5.0}

    def f(x1, x2):
        return np.log(x1) + x1 * x2 - np.sin(x2)

    h = 1e-6
    up, down = dict(point), dict(point)
    up[wrt] += h
    down[wrt] -= h
    expected = (f(up["x_1"], up["x_2"]) - f(down["x_1"], down["x_2"])) / (2 * h)
    assert float(d.evaluate(**point)) == pytest.approx(expected, rel=1e-7)
