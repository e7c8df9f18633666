"""The magic's line is taken as written (IPython expands {…} and $name in a line unless told not
to); a name defined in terms of itself or used before its line is refused; declared sizes too
large to difference are not checked (and nothing allocates them); bad arguments of check_answer,
check and evaluate are the package's error."""

from __future__ import annotations

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from matdiff_magic import MatdiffError, check_answer, derive, graph


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "matdiff_magic")
    return sh


def test_braces_on_the_line_are_never_run(shell):
    shell.user_ns["ran"] = []
    shell.run_cell("%matdiff --wrt x a'*x + 0*{ran.append(1)}")
    shell.run_cell("%%matdiff --wrt {ran.append(2) or 'X'}\na'*X*b")
    assert shell.user_ns["ran"] == []


def test_a_notebook_variable_is_not_substituted_into_the_line(shell):
    shell.user_ns["N"] = 5
    shell.user_ns.pop("_", None)
    result = shell.run_cell("%matdiff --wrt x -o d \\frac{1}{N} x^T x")
    assert result.success
    d = shell.user_ns["d"]
    assert "N" in d.to_text() and "2/5" not in d.to_text()
    x = np.array([1.0, -2.0, 0.5])
    # ∂/∂x of xᵀx / N at N = 4 is 2x/4: N is the cell's own scalar, not the notebook's 5
    np.testing.assert_allclose(d.evaluate(x=x, N=4.0), 2 * x / 4)


@pytest.mark.parametrize(
    "source, message, line",
    [
        ("Y = Y*X\nf = tr(Y)", "Y is defined in terms of itself", 1),
        ("Y = Z*X\nZ = Y*X\nf = tr(Y)", "Z is used before the line that defines it", 1),
    ],
)
def test_a_name_is_defined_before_it_is_used(source, message, line):
    with pytest.raises(MatdiffError, match=message) as caught:
        derive(source, wrt="X")
    assert caught.value.line == line and "^" in str(caught.value)


@pytest.mark.parametrize(
    "source, wrt, named",
    [
        ("X: matrix(5000, 5000)\ntr(inv(X))", "X", "X has 25,000,000 entries"),
        ("a'*eye(1000000000)*x", "x", "I has 1,000,000,000,000,000,000 entries"),
        ("x'*vector(1, 99999999999999999999)", "x", "entries"),
        ("X: matrix(100000, 100000)\na'*X*b", "X", "X has 10,000,000,000 entries"),
        ("X: matrix(1500, 1500)\ntr(inv(X))", "X", "each of the 2,250,000 entries of X"),
    ],
)
def test_sizes_too_large_to_difference_are_not_checked(source, wrt, named):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "skipped"
    assert named in d.check_result.message and "could not check" in d.check_result.message


@pytest.mark.parametrize(
    "source, wrt, order",
    [
        ("X: matrix(30, 40)\nF = X'", "X", 1),  # K₍30,40₎ has 1,440,000 entries, X only 1,200
        ("x: vector(1100)\nf = norm2(x)^2", "x", 2),
        ("x: vector(3000)\nf = a'*x", "x", 1),
        ("X: matrix(2000, 600)\nf = norm2(X*w - y)^2", "w", 1),
    ],
)
def test_large_declared_sizes_that_are_cheap_to_difference_are_checked(source, wrt, order):
    assert derive(source, wrt=wrt, order=order).check_result.status == "passed"


def test_an_answer_with_a_large_but_holdable_node_is_checked():
    assert check_answer("(A + A')*x", "x: vector(1001)\nf = x'*A*x", wrt="x").correct


def test_a_declared_size_the_check_can_take_is_checked():
    d = derive("X: matrix(12, 9)\nnorm2(X*b)^2", wrt="X")
    assert d.check_result.status == "passed"
    rng = np.random.default_rng(0)
    X, b = rng.standard_normal((12, 9)), rng.standard_normal(9)
    np.testing.assert_allclose(d.evaluate(X=X, b=b), 2 * np.outer(X @ b, b))


@pytest.mark.parametrize(
    "keywords",
    [
        dict(seed=-1),
        dict(seed="x"),
        dict(seed=1.5),
        dict(points="3"),
        dict(points=None),
        dict(points=10**9),
        dict(points=0),
    ],
)
def test_check_answer_refuses_bad_arguments(keywords):
    with pytest.raises(MatdiffError):
        check_answer("a*b'", "a'*X*b", wrt="X", **keywords)


@pytest.mark.parametrize("answer", ["eye(10000000)", "matrix(1, 100000, 100000)"])
def test_an_answer_too_large_to_evaluate_is_unreadable(answer):
    result = check_answer(answer, "tr(X)", wrt="X")
    assert not result.correct and result.kind == "unreadable"


def test_an_answer_right_at_one_size_only_is_a_shape_mismatch():
    result = check_answer("eye(3)", "tr(X)", wrt="X")
    assert not result.correct and result.kind == "shape" and "differs" not in result.message


@pytest.mark.parametrize("seed", [-1, "x", 1.5])
def test_check_refuses_a_bad_seed(seed):
    with pytest.raises(MatdiffError, match="seed"):
        derive("a'*X*b", wrt="X").check(seed)


def test_order_is_a_number_not_a_flag():
    with pytest.raises(MatdiffError, match="order"):
        derive("x'*A*x", wrt="x", order=True)


def test_a_number_beyond_a_float_is_the_packages_error():
    d = derive("x'*A*x", wrt="x")
    with pytest.raises(MatdiffError, match="x"):
        d.evaluate(x=[10**400, 1], A=np.ones((2, 2)))
    with pytest.raises(MatdiffError, match="x1"):
        graph("log(x1) + x1*x2 - sin(x2)", x1=10**400, x2=5)
    with pytest.raises(MatdiffError, match="string"):
        graph(None)


def test_a_dollar_sign_on_the_line_is_latex_not_a_notebook_variable(shell):
    shell.user_ns["x"] = 3
    assert shell.run_cell("%matdiff --wrt x -o d $x^T A x$").success
    d = shell.user_ns["d"]
    rng = np.random.default_rng(8)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    h = 1e-6
    fd = np.array(
        [((x + h * e) @ A @ (x + h * e) - (x - h * e) @ A @ (x - h * e)) / (2 * h) for e in np.eye(4)]
    )
    np.testing.assert_allclose(d.evaluate(x=x, A=A), fd, rtol=1e-6)


def test_an_f_too_costly_to_difference_says_so_not_the_variables_size():
    d = derive("X: matrix(2000, 600)\nw'*inv(X'*X)*w", wrt="w")
    assert d.check_result.status == "skipped"
    assert "f costs too much to evaluate once for each of the 600 entries of w" in d.check_result.message


def test_an_answer_at_fs_huge_declared_sizes_blames_the_sizes():
    result = check_answer("a", "a: vector(1000000000)\na'*x", wrt="x")
    assert not result.correct and "at the declared sizes" in result.message
