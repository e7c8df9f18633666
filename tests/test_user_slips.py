"""Slips a newcomer makes, each answered by the package's one error type with a caret and a hint
that names the fix: wrong argument types in the Python API, characters pasted from Chinese notes or from the output, a product written without its *, an
option of --graph without --graph, values that are not real arrays of the variable's kind; and in
IPython, a MatdiffError raised by a Python call shown as the magic shows it, without the
package's frames."""

from __future__ import annotations

import numpy as np
import pytest
from numeric_helpers import central_gradient
from conftest import run
from IPython.core.interactiveshell import InteractiveShell

from matdiff_magic import check_answer, derive, graph
from matdiff_magic.errors import MatdiffError


def _error(source: str, **kwargs) -> MatdiffError:
    with pytest.raises(MatdiffError) as info:
        derive(source, **kwargs)
    return info.value


def _caret(error: MatdiffError) -> str:
    """What the caret stands under, read from the rendered message."""
    lines = str(error).splitlines()
    row = next(i for i, line in enumerate(lines) if set(line.strip()) <= {"^"} and line.strip())
    code = lines[row - 1]
    start = lines[row].index("^")
    return code[start : start + lines[row].count("^")]


# ---- the Python API's arguments


@pytest.mark.parametrize("seed", [-1, 1.5, "abc", None])
def test_a_seed_that_is_not_a_whole_number_is_a_matdiff_error(seed):
    assert "seed takes a whole number ≥ 0" in str(_error("a'*X*b", wrt="X", seed=seed))


@pytest.mark.parametrize("wrt", [3, ["X"], 2.5])
def test_wrt_that_is_not_a_name_is_a_matdiff_error(wrt):
    assert "wrt names the variable to differentiate by" in str(_error("a'*X*b", wrt=wrt))


def test_wrt_given_as_a_sympy_symbol_is_read_by_its_name():
    sp = pytest.importorskip("sympy")
    d = derive("a'*X*b", wrt=sp.MatrixSymbol("X", 3, 2), check=False)
    assert d.wrt.name == "X" and d.to_text() == derive("a'*X*b", wrt="X", check=False).to_text()


# ---- what is pasted: full-width marks, primes and quotes, Greek letters


@pytest.mark.parametrize(
    "source,char,hint",
    [
        ("tr（X'*A*X）", "（", "a full-width character: write ("),
        ("a'*x；", "；", "a full-width character: write ;"),
        ("a'*x\u3000+ b'*x", "\u3000", "a full-width space: write a plain space"),
        ("tr(X’*A*X)", "’", "write the transpose with a quote: a'"),
        ("a′*x", "′", "write the transpose with a quote: a'"),
        ("Σ: symmetric\ntr(Σ)", "Σ", "write a Greek letter by its name: Sigma"),
        ("β'*x", "β", "write a Greek letter by its name: beta"),
        ("a'*σ(W*x)", "σ", "write a Greek letter by its name: sigma"),
        ("Σᵢ(xᵢ)", "Σ", "write a sum over samples as sum_i(…)"),
    ],
)
def test_pasted_characters_get_a_hint_that_names_the_fix(source, char, hint):
    error = _error(source)
    assert error.message == f"unexpected character {char!r}"
    assert _caret(error) == char
    assert hint in error.hint


@pytest.mark.parametrize(
    "fixed,wrt",
    [("tr(X'*A*X)", "X"), ("a'*x", "x"), ("a'*x + b'*x", "x"), ("Sigma: symmetric\ntr(Sigma)", "Sigma"),
     ("beta'*x", "x"), ("a'*sigmoid(W*x)", "W")],
)
def test_the_fixes_the_hints_name_derive(fixed, wrt):
    assert derive(fixed, wrt=wrt).check_result.status == "passed"


# ---- a product written without its *


@pytest.mark.parametrize("source,under", [("tr(X' A X)", "A"), ("tr(X'AX)", "AX"), ("(a' x)", "x"), ("tr(X' (A*X))", "(")])
def test_a_missing_star_is_named_not_taken_for_a_missing_parenthesis(source, under):
    error = _error(source)
    assert error.message.startswith("expected an operator before")
    assert "products are written with *" in error.hint
    assert _caret(error) == under


@pytest.mark.parametrize("source", ["tr(X", "(a'*x", "(a'*x\n"])
def test_an_unclosed_parenthesis_is_still_said_to_be_one(source):
    assert "unbalanced parentheses" in _error(source).message


def test_an_unclosed_declaration_points_at_its_own_line():
    error = _error("X: matrix(m, n\ntr(X)")
    assert "line 1 | X: matrix(m, n" in str(error)
    assert "line 2" not in str(error)


def test_wrt_of_an_expression_without_variables():
    error = _error("x = 3", wrt="x")
    assert "the expression has no variables" in str(error) and "are none" not in str(error)


# ---- values given to evaluate


@pytest.fixture(scope="module")
def axb():
    rng = np.random.default_rng(3)
    d = derive("a'*X*b", wrt="X", check=False)
    return d, {"a": rng.standard_normal(3), "X": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("X", None, "the value of X is None"),
        ("a", 1.0, "a is a vector, but its value is a number"),
        ("X", 2.0, "X is a matrix, but its value is a number"),
        ("X", np.ones((3, 2)) + 1j, "the value of X is complex"),
    ],
)
def test_values_name_the_variable_that_is_wrong(axb, name, value, message):
    d, values = axb
    with pytest.raises(MatdiffError) as info:
        d.evaluate(**{**values, name: value})
    assert message in str(info.value)


def test_a_complex_value_with_no_imaginary_part_is_its_real_part(axb):
    d, values = axb
    got = d.evaluate(**{**values, "X": values["X"].astype(complex)})
    a, b = values["a"], values["b"]
    np.testing.assert_allclose(got, np.outer(a, b))  # ∂(aᵀXb)/∂X = a bᵀ (mixed layout)


# ---- wording


def test_check_answer_on_scalars_names_no_sizes():
    verdict = check_answer("2*x", "x: scalar\nx^2", wrt="x")
    assert str(verdict).startswith("✓ Correct") and "sizes" not in str(verdict)
    wrong = check_answer("x^3", "x: scalar\nx^2", wrt="x")
    assert "sizes" not in str(wrong)


def test_compare_names_each_variable_in_its_rows():
    text = graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0).compare().to_text()
    assert "∂f/∂x₁ = 5.5" in text and "∂f/∂x₂ = 1.7" in text and "∂f/∂x =" not in text


# ---- IPython: the magic's options and Python calls


@pytest.fixture(scope="module")
def shell():
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "matdiff_magic")
    return sh


@pytest.mark.parametrize("option", ["--at 'x=1'", "--mode forward"])
def test_an_option_of_graph_without_graph_is_refused(shell, option):
    result, captured = run(shell, f"%%matdiff --wrt x {option}\nx'*x\n")
    assert not result.success
    message = str(result.error_in_exec)
    assert f"{option.split()[0]} is an option of --graph" in message and "^" in message
    assert "Traceback" not in captured.stdout + captured.stderr


def test_a_matdiff_error_from_a_python_call_shows_no_package_frames(shell):
    result, captured = run(shell, "from matdiff_magic import derive\nd = derive(\"a'*X*b +\", wrt='X')")
    assert isinstance(result.error_in_exec, MatdiffError)
    shown = captured.stdout + captured.stderr
    assert "the expression ends too early" in shown and "^" in shown
    assert "pipeline.py" not in shown and "Traceback" not in shown


def test_other_errors_keep_their_traceback_and_unload_restores_matdiff_errors(shell):
    result, captured = run(shell, "1/0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert "Traceback" in captured.stdout + captured.stderr
    shell.run_line_magic("unload_ext", "matdiff_magic")
    try:
        assert shell.custom_exceptions == ()
        result, captured = run(shell, "derive(\"a'*X*b +\", wrt='X')")
        assert isinstance(result.error_in_exec, MatdiffError)
        assert "Traceback" in captured.stdout + captured.stderr
    finally:
        shell.run_line_magic("load_ext", "matdiff_magic")
    assert shell.custom_exceptions == (MatdiffError,)


def test_another_extensions_exception_handler_is_left_in_place(shell):
    shell.run_line_magic("unload_ext", "matdiff_magic")
    mine = lambda self, etype, value, tb, tb_offset=None: ["handled elsewhere"]  # noqa: E731
    shell.set_custom_exc((KeyError,), mine)
    try:
        shell.run_line_magic("load_ext", "matdiff_magic")
        assert shell.custom_exceptions == (KeyError,)
        shell.run_line_magic("unload_ext", "matdiff_magic")
        assert shell.custom_exceptions == (KeyError,)
    finally:
        shell.set_custom_exc((), None)
        shell.run_line_magic("load_ext", "matdiff_magic")


def test_an_unsupported_form_made_by_a_defaulted_kind_says_which_name_to_declare():
    source = "sum_i(log(1+exp(-y_i*w'*x_i)))"
    error = _error(source, wrt="w")
    assert "y_i was taken to be a vector" in error.hint and "`y_i: scalar`" in error.hint
    # the declaration the hint names derives, and the gradient is right (central differences)
    d = derive("y_i: scalar\n" + source, wrt="w")
    rng = np.random.default_rng(5)
    X, y, w = rng.standard_normal((6, 3)), rng.choice([-1.0, 1.0], 6), rng.standard_normal(3)
    numeric = central_gradient(lambda w: np.sum(np.log1p(np.exp(-y * (X @ w)))), w)
    np.testing.assert_allclose(d.evaluate(w=w, x_i=X, y_i=y), numeric, rtol=1e-6, atol=1e-8)


def test_a_number_moved_into_one_trace_is_labelled_by_its_own_identity():
    """c tr(A dX) = tr(cA dX) is tr(cA) = c tr(A), not the sum of two traces."""
    rules = {s.text: s.identity_text for s in derive("tr(inv(S)*B)", wrt="S").steps}
    assert rules["tr(-S⁻¹ B S⁻¹ dS)"] == "tr(cA) = c tr(A) for a scalar c"
    det = {s.text: s.identity_text for s in derive("det(X)", wrt="X").steps}
    assert det["tr(|X|X⁻¹ dX)"] == "tr(cA) = c tr(A) for a scalar c"
    both = {s.text: s.identity_text for s in derive("tr(A*X) + tr(B*X)", wrt="X").steps}
    assert both["tr((A + B) dX)"] == "tr(A dX) + tr(B dX) = tr((A + B) dX)"


def test_a_scalar_moved_in_front_of_one_vector_term_is_labelled_as_commuting():
    steps = {s.text: (s.rule, s.identity_text) for s in derive("norm2(x)^k", wrt="x").steps}
    assert steps["‖x‖₂^(k) k‖x‖₂⁻² xᵀ dx"] == ("scalars commute", "(uᵀdx) c = c uᵀdx for a scalar c")
    ls = {s.text: s.rule for s in derive("norm2(y - X*beta)^2", wrt="beta").steps}
    assert ls["2 (X β - y)ᵀ X dβ"] == "linearity"  # two terms collected: seed 001's third line


def test_the_reverse_tables_sums_end_in_one_column():
    from matdiff_magic.autodiff.notation import visible_len

    text = graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0).table("reverse").to_text()
    sums = [line for line in text.splitlines() if "2 + (−0.284) =" in line or "0.5 + 5 =" in line]
    assert len(sums) == 2
    ends = {visible_len(line[: line.rindex(" =")]) for line in sums}
    assert len(ends) == 1  # 2 + (−0.284) = 1.716 and 0.5 + 5 = 5.5: the = before the totals aligned


def test_pdb_on_still_opens_the_debugger_for_a_matdiff_error(shell, monkeypatch):
    called = []
    monkeypatch.setattr(shell, "debugger", lambda force=False: called.append(force))
    shell.call_pdb = True
    try:
        run(shell, "derive(\"a'*X*b +\", wrt='X')")
    finally:
        shell.call_pdb = False
    assert called == [True]


@pytest.mark.parametrize("name", ["check", "by_definition", "solve", "latex"])
def test_a_yes_no_argument_takes_true_or_false(name):
    # check="no" is a non-empty string, which Python reads as true: it ran the check
    with pytest.raises(MatdiffError, match=f"{name} takes True or False: got 'no'") as info:
        derive("a'*X*b", wrt="X", **{name: "no"})
    assert isinstance(info.value, TypeError)
    assert derive("a'*X*b", wrt="X", **{name: 0}).source == "a'*X*b"  # 1 and 0 are yes and no
    assert derive("a'*X*b", wrt="X", **{name: np.False_}).source == "a'*X*b"
    assert derive("a'*X*b", wrt="X", **{name: None}).source == "a'*X*b"  # None is no, as it was
    with pytest.raises(MatdiffError, match="reveal takes True or False"):
        check_answer("b*a'", "a'*X*b", wrt="X", reveal="yes")


def test_a_tab_before_the_error_keeps_the_caret_under_it():
    # a tab is shown as one space, so the caret counts the columns the shown line has
    cell = "\ta'*X*b\t+\ttr(X)\t+\tfoo(X)\t"
    with pytest.raises(MatdiffError, match="unknown function 'foo'") as info:
        derive(cell, wrt="X")
    shown, caret = str(info.value).splitlines()[1:3]
    assert "\t" not in shown and len(shown) == len("  line 1 | ") + len(cell)
    assert shown[caret.index("^") :].startswith("foo")  # under foo, as the line is shown


def test_old_mac_line_endings_are_lines():
    # a lone carriage return was read as a space: "unexpected text after the declaration"
    d = derive("X: matrix(2, 3)\ra'*X*b", wrt="X")
    assert d.steps[-1].text == "a bᵀ"
    with pytest.raises(MatdiffError) as info:
        derive("X: matrix(2, 3)\ra'*X*", wrt="X")
    assert info.value.line == 2


def test_a_1x1_matrix_under_det_or_inv_is_told_what_its_determinant_is():
    with pytest.raises(MatdiffError, match="inv needs a square matrix, but X is a scalar") as info:
        derive("X: matrix(1, 1)\ninv(X)", wrt="X")
    assert "a 1×1 matrix is its one entry" in info.value.hint and "inv(x) is 1/x" in info.value.hint
    with pytest.raises(MatdiffError) as info:  # a vector is no 1×1 matrix: no such hint
        derive("inv(A*x)", wrt="x")
    assert "1×1" not in (info.value.hint or "")
