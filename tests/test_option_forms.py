"""Usability slips of a user trial: ``--option=value`` on the magic's line, what an integer option
and the count of a sum over samples say of a value that is no whole number, the count of a sum
over samples read from the samples ``evaluate`` is given, and an empty answer to an exercise."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import run
from numeric_helpers import assert_close, central_difference

from matdiff_magic import check_answer, derive
from matdiff_magic.derivation.record import Derivation
from matdiff_magic.errors import MatdiffError
from matdiff_magic.options import _OPTIONS, option_values, parse_options


def _refused(shell, cell: str) -> str:
    """The message of a cell the magic refuses: a UsageError, shown without a traceback."""
    result, captured = run(shell, cell)
    assert not result.success
    assert type(result.error_in_exec).__name__ == "UsageError"
    text = captured.stdout + captured.stderr
    assert "Traceback" not in text
    return text


def _caret_under(text: str, line: str, word: str) -> None:
    """The caret of an error about ``line`` stands under ``word``'s last appearance in it."""
    lines = text.splitlines()
    shown = next(i for i, ln in enumerate(lines) if ln.endswith(" | " + line))
    offset = lines[shown].index(" | ") + 3
    carets = lines[shown + 1]
    start = offset + line.rindex(word)
    assert carets[start : start + len(word)] == "^" * len(word), (carets, word)


# ---- 1. --option=value ---------------------------------------------------------------------


def test_the_trial_line_derives_as_with_spaces(shell):
    result, _ = run(shell, "%%matdiff --wrt=X --layout=denominator -o=d_eq\na'*X*b\n")
    assert result.success
    spaced, _ = run(shell, "%%matdiff --wrt X --layout denominator -o d_sp\na'*X*b\n")
    assert spaced.success
    d, e = shell.user_ns["d_eq"], shell.user_ns["d_sp"]
    assert isinstance(d, Derivation) and (d.wrt.name, d.layout) == ("X", "denominator")
    assert d.steps[-1].text == e.steps[-1].text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("--wrt=X", {"wrt": "X"}),
        ("-w=X -l=numerator", {"wrt": "X", "layout": "numerator"}),
        ("--wrt=X --layout=mixed", {"wrt": "X", "layout": "mixed"}),
        ("--wrt=X -o=d --output_ignored", None),  # an unknown option stays unknown
        ("--wrt=X --output=d", {"wrt": "X", "output": "d"}),
        ("--wrt=X --order=2", {"wrt": "X", "order": 2}),
        ("--wrt=X --seed=7", {"wrt": "X", "seed": 7}),
        ("--wrt=X --timeout=2.5", {"wrt": "X", "timeout": 2.5}),
        ("--wrt=X --symmetric=minka", {"wrt": "X", "symmetric": "minka"}),
        ("--wrt=X --lang=zh", {"wrt": "X", "lang": "zh"}),
        ("--wrt=X --export=jax", {"wrt": "X", "export": "jax"}),
        ("--wrt=X --export", {"wrt": "X", "export": "numpy"}),
        ("--wrt='\\mathbf{W}_1'", {"wrt": "\\mathbf{W}_1"}),
        ('--wrt="X"', {"wrt": "X"}),
        ("--graph --at=\"x=2, y=3\" --mode=forward", {"graph": True, "at": "x=2, y=3", "mode": "forward"}),
    ],
)
def test_every_option_with_a_value_takes_it_after_an_equals_sign(line, expected):
    if expected is None:
        with pytest.raises(MatdiffError, match="unknown option --output_ignored"):
            parse_options(line, allow_expression=False)
        return
    opts, rest = parse_options(line, allow_expression=False)
    assert rest == ""
    assert {name: getattr(opts, name) for name in expected} == expected
    assert opts.given == set(expected)


def test_every_option_that_takes_a_value_is_covered():
    """Each option of the table written --option=value reads as --option value."""
    samples = {"wrt": "X", "layout": "numerator", "output": "d", "order": "2", "at": "x=1", "mode": "reverse",
               "seed": "3", "timeout": "4", "source_name": "expr", "symmetric": "sym", "lang": "zh",
               "export": "torch"}
    for option, takes in option_values().items():
        if takes == "flag":
            continue
        attr = _OPTIONS[option][0]
        extra = "--graph " if attr in ("at", "mode") else ""
        joined, _ = parse_options(f"{extra}{option}={samples[attr]}", allow_expression=True)
        spaced, _ = parse_options(f"{extra}{option} {samples[attr]}", allow_expression=True)
        assert getattr(joined, attr) == getattr(spaced, attr), option
        assert joined.given == spaced.given


def test_the_line_magic_reads_the_expression_after_joined_options(shell):
    result, _ = run(shell, "%matdiff --wrt=x --layout=numerator a'*x")
    assert result.success
    assert result.result.layout == "numerator"
    rng = np.random.default_rng(1)
    a, x = rng.standard_normal(4), rng.standard_normal(4)
    assert np.allclose(result.result.evaluate(a=a, x=x), a.reshape(1, -1))


@pytest.mark.parametrize(
    ("line", "message", "under"),
    [
        ("--bogus=1", "unknown option --bogus", "--bogus"),
        ("--wrt=X --wrt=Y", "option --wrt is given more than once", "--wrt"),
        ("--wrt=X --wrt Y", "option --wrt is given more than once", "--wrt"),
        ("--wrt=", "--wrt needs a value", "--wrt="),
        ("--wrt=X --no-check=yes", "--no-check takes no value", "=yes"),
        ("--wrt=X --layout=sideways", "--layout sideways: choose numerator, denominator or mixed", "sideways"),
        ("--wrt=X --export=fortran", "--export fortran: choose numpy, jax or torch", "fortran"),
        ("--wrt=X --lang=fr", "--lang fr: choose en or zh", "fr"),
        ("--wrt=X --order=3", "--order 3: matdiff derives first derivatives (--order 1) and Hessians (--order 2)",
         "--order"),
        ("--wrt=X --timeout=soon", "--timeout takes a number, not 'soon'", "soon"),
        ("--wrt=X --mode=forward", "--mode is an option of --graph (the computation graph); add --graph", "--mode"),
        ("--graph --layout=numerator", "--layout is an option of the derivation; --graph draws the computation graph",
         "--layout"),
        ("--wrt='a b'", "--wrt takes a variable name, not ‘a b’", "a b"),
        ("--wrt=X -o=print", "-o print: 'print' is a Python built-in; choose another name", "print"),
    ],
)
def test_joined_options_keep_every_refusal(shell, line, message, under):
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    assert info.value.message == message
    _caret_under(str(info.value), line, under)
    text = _refused(shell, f"%%matdiff {line}\na'*X*b\n")
    assert f"UsageError: {message}" in text


def test_an_unknown_variable_for_a_joined_wrt_points_at_its_value(shell):
    text = _refused(shell, "%%matdiff --wrt=Q\na'*X*b\n")
    assert "unknown variable 'Q' for --wrt" in text
    _caret_under(text, "--wrt=Q", "Q")


def test_a_joined_lang_words_the_option_errors(shell):
    text = _refused(shell, "%%matdiff --lang=zh --wrt=X --seed=1.5\na'*X*b\n")
    assert "UsageError: --seed 的参数是 ≥ 0 的整数" in text


# ---- 2. whole numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1.5", "-1", "abc", "1e3"])
@pytest.mark.parametrize("form", [" ", "="])
def test_seed_says_it_takes_a_whole_number(shell, value, form):
    line = f"--wrt X --seed{form}{value}"
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    assert info.value.message == "--seed takes a whole number ≥ 0"
    assert "takes a number" not in str(info.value)
    assert "UsageError: --seed takes a whole number ≥ 0" in _refused(shell, f"%%matdiff {line}\na'*X*b\n")


@pytest.mark.parametrize("value", ["1.5", "two", "2.0"])
def test_order_says_which_orders_it_takes(shell, value):
    line = f"--wrt x --order {value}"
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    assert info.value.message == (
        f"--order {value}: matdiff derives first derivatives (--order 1) and Hessians (--order 2)"
    )
    _caret_under(str(info.value), line, value)
    assert "takes a number" not in _refused(shell, f"%%matdiff {line}\nx'*A*x\n")


def test_timeout_takes_any_positive_number():
    opts, _ = parse_options("--wrt X --timeout 1.5", allow_expression=False)
    assert opts.timeout == 1.5


def test_a_fractional_count_of_samples_is_not_a_whole_number():
    d = derive("sum_i(x_i'*A*x_i, n)", wrt="A", check=False)
    rng = np.random.default_rng(2)
    A, X = rng.standard_normal((3, 3)), rng.standard_normal((6, 3))
    for n, shown in ((2.5, "2.5"), (float("nan"), "nan"), (6.000001, "6")):
        with pytest.raises(MatdiffError) as info:
            d.evaluate(A=A, x_i=X, n=n)
        assert info.value.message == f"n counts the samples of sum_i: a whole number, not {shown}"
    with pytest.raises(MatdiffError) as info:
        d.evaluate(A=A, x_i=X, n=5)
    assert info.value.message == "the sum runs over 5 samples, but the values hold 6"
    assert np.allclose(d.evaluate(A=A, x_i=X, n=6.0), X.T @ X)


def test_a_fractional_count_is_refused_in_chinese():
    d = derive("sum_i(x_i'*A*x_i, n)", wrt="A", check=False, lang="zh")
    rng = np.random.default_rng(3)
    with pytest.raises(MatdiffError) as info:
        d.evaluate(A=rng.standard_normal((3, 3)), x_i=rng.standard_normal((6, 3)), n=2.5)
    assert str(info.value).startswith("n 是 sum_i 的样本数：应为整数，而不是 2.5")


# ---- 3. the count of a sum over samples read from the samples -------------------------------


def test_the_trial_count_is_the_number_of_samples():
    d = derive("sum_i(x_i'*A*x_i, n)", wrt="A")
    rng = np.random.default_rng(4)
    A, X = rng.standard_normal((3, 3)), rng.standard_normal((6, 3))
    expected = sum(np.outer(x, x) for x in X)  # Σᵢ xᵢ xᵢᵀ, by hand
    assert_close(d.evaluate(A=A, x_i=X), expected)
    assert_close(d.evaluate(A=A, x_i=X, n=6), expected)

    def f(A):
        return sum(x @ A @ x for x in X)

    assert_close(d.evaluate(A=A, x_i=X), central_difference(f, {"A": A}, "A"))
    assert d.value(A=A, x_i=X) == pytest.approx(f(A))
    with pytest.raises(MatdiffError, match="the sum runs over 7 samples, but the values hold 6"):
        d.evaluate(A=A, x_i=X, n=7)


@pytest.mark.parametrize("layout", ["denominator", "numerator"])
def test_a_non_square_count_from_the_samples(layout):
    # A is 3×4, seven samples of xᵢ ∈ ℝ³ and yᵢ ∈ ℝ⁴: ∂f/∂A = Σᵢ xᵢ yᵢᵀ (denominator layout)
    d = derive("sum_i(x_i'*A*y_i, n)", wrt="A", layout=layout)
    rng = np.random.default_rng(5)
    A, X, Y = rng.standard_normal((3, 4)), rng.standard_normal((7, 3)), rng.standard_normal((7, 4))
    by_hand = sum(np.outer(x, y) for x, y in zip(X, Y))

    def f(A):
        return sum(x @ A @ y for x, y in zip(X, Y))

    fd = central_difference(f, {"A": A}, "A")
    assert_close(fd, by_hand)
    expected = by_hand if layout == "denominator" else by_hand.T
    assert d.evaluate(A=A, x_i=X, y_i=Y).shape == expected.shape
    assert_close(d.evaluate(A=A, x_i=X, y_i=Y), expected)
    assert d.value(A=A, x_i=X, y_i=Y) == pytest.approx(f(A))


def test_a_count_outside_the_sum_is_the_number_of_samples_too():
    # the mean squared error of least squares: (1/n) Σᵢ (yᵢ − xᵢᵀβ)², by β ∈ ℝ³ over 8 samples
    d = derive("y_i: scalar\n1/n*sum_i((y_i - x_i'*beta)^2, n)", wrt="beta")
    rng = np.random.default_rng(6)
    X, y, beta = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal(3)
    by_hand = -2 / 8 * X.T @ (y - X @ beta)

    def f(beta):
        return float(np.mean((y - X @ beta) ** 2))

    assert_close(central_difference(f, {"beta": beta}, "beta"), by_hand)
    assert d.evaluate(beta=beta, x_i=X, y_i=y).shape == (3,)
    assert_close(d.evaluate(beta=beta, x_i=X, y_i=y), by_hand)
    assert d.value(beta=beta, x_i=X, y_i=y) == pytest.approx(f(beta))


def test_a_count_with_nothing_per_sample_is_still_asked_for():
    d = derive("M, c: scalar\nsum_i(c, M)*c", wrt="c", check=False)
    with pytest.raises(MatdiffError) as info:
        d.evaluate(c=2.0)
    assert info.value.message == "give a value for M"
    assert d.evaluate(c=2.0, M=3.0) == pytest.approx(12.0)


def test_samples_that_disagree_are_refused():
    d = derive("sum_i(x_i'*A*y_i, n)", wrt="A", check=False)
    rng = np.random.default_rng(7)
    with pytest.raises(MatdiffError, match="different numbers of samples: x_i has 5, y_i has 4"):
        d.evaluate(A=rng.standard_normal((3, 2)), x_i=rng.standard_normal((5, 3)), y_i=rng.standard_normal((4, 2)))


# ---- 4. an empty answer --------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["", "   ", "\n"])
def test_an_empty_answer_reads_naturally(answer):
    r = check_answer(answer, "x'*A*x", wrt="x")
    assert (r.correct, r.kind) == (False, "empty")
    assert r.message == (
        "No answer yet: the answer is empty; write your expression for ∂f/∂x in mixed layout "
        "(a column vector (m×1))."
    )
    assert "the empty string" not in str(r)


def test_an_empty_answer_in_chinese():
    r = check_answer("", "x'*A*x", wrt="x", lang="zh")
    assert r.message == "还没有答案：答案是空的；请写出你的混合布局下的 ∂f/∂x（列向量 (m×1)）的表达式。"


def test_a_placeholder_answer_is_still_quoted():
    r = check_answer("...", "x'*A*x", wrt="x")
    assert r.kind == "empty"
    assert r.message.startswith("No answer yet: replace '...' with your expression for ∂f/∂x")
