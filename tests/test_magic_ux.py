"""What a newcomer meets in the magic: the exported module as text in a terminal, option errors
with the magic's line and a caret under the option, --graph --at refusing points outside the
domain and numbers out of range, options typed into the cell body, a function defined nowhere,
and the divisor's hint."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run
from numeric_helpers import assert_close, expected_in_layout

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.options import parse_options


def _refused(shell, cell: str) -> str:
    result, captured = run(shell, cell)
    assert result.error_in_exec is not None, captured.stdout
    return str(result.error_in_exec)


def _caret_under(message: str, text: str) -> None:
    """The message shows a source line holding ``text`` with the caret starting under it."""
    lines = message.splitlines()
    at = next(i for i, ln in enumerate(lines) if " | " in ln and text in ln)
    source, caret = lines[at], lines[at + 1]
    assert set(caret.strip()) == {"^"}, message
    assert caret.index("^") == source.index(text, source.index(" | ")), message


# 1. --export: the module's code as text/plain, the fenced block as text/markdown


def test_the_exported_module_is_plain_text_that_runs(shell):
    result, captured = run(shell, "%matdiff --wrt X --export a'*exp(X*b)")
    assert result.success, captured.stderr
    bundle = result.result._repr_mimebundle_()
    code = bundle["text/plain"]
    assert code.lstrip().startswith('"""f = ') and "def f_and_grad(a, X, b):" in code
    assert bundle["text/markdown"] == "```python\n" + code + "```"
    assert "Markdown object" not in captured.stdout
    namespace: dict = {"__name__": "exported"}
    exec(compile(code, "exported.py", "exec"), namespace)  # the test runs the export, not the cell
    rng = np.random.default_rng(3)
    a, X, b = rng.standard_normal(4), rng.standard_normal((4, 3)) / 2, rng.standard_normal(3)

    def f(a, X, b):
        return float(a @ np.exp(X @ b))

    value, gradient = namespace["f_and_grad"](a, X, b)
    assert_close(value, f(a, X, b), label="value")
    expected = expected_in_layout(f, {"a": a, "X": X, "b": b}, "X", "mixed")
    assert_close(gradient, expected, label="gradient")


# 2. option errors: the package's error, the magic's line, a caret under the option


def test_order_is_worded_as_the_option():
    line = "--wrt x --order 3"
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    assert info.value.message.startswith("--order 3: matdiff derives first derivatives (--order 1)")
    _caret_under(str(info.value), "--order")


@pytest.mark.parametrize(
    ("cell", "words", "under"),
    [
        ("%matdiff --wrt x --order 3 a'*x", "--order 3:", "--order"),
        ("%matdiff --graph log(x)", "no value for x", "--graph"),
        ('%matdiff --graph --at "y=2" log(x)', "y is not a variable of the expression", "--at"),
        ("%matdiff --timeout 0.0001 --wrt X a'*exp(X*b)", "took longer than 0.0001 s", "--timeout"),
    ],
)
def test_option_errors_point_at_the_option(shell, cell, words, under):
    for name in ("x", "y"):  # the shell is shared: an earlier test may have given x a value
        shell.user_ns.pop(name, None)
    message = _refused(shell, cell)
    assert words in message
    _caret_under(message, under)


def test_a_missing_wrt_points_where_it_goes(shell):
    message = _refused(shell, "%%matdiff\nx: vector\ny: vector\nx'*y\n")
    assert "choose the variable to differentiate by with --wrt" in message
    assert "line 1 | %%matdiff" in message and "add --wrt NAME to the %%matdiff line" in message
    source, caret = next(
        (ln, nxt) for ln, nxt in zip(message.splitlines(), message.splitlines()[1:]) if " | " in ln
    )
    assert caret.index("^") == len(source)  # just after the line: where --wrt goes
    shown = _refused(shell, "%%matdiff --layout numerator\nx: vector\ny: vector\nx'*y\n")
    assert "line 1 | --layout numerator" in shown


# 3. --graph --at: outside the domain, out of range, no stray repr


def test_a_point_outside_the_domain_is_refused(shell):
    message = _refused(shell, '%matdiff --graph --at "x=-1" log(x)')
    assert "outside the domain of the expression" in message and "ln v₀" in message
    _caret_under(message, "x=-1")


@pytest.mark.parametrize(("value", "size"), [("1e400", "large"), ("1e-400", "small")])
def test_a_number_out_of_range_is_refused_as_in_a_cell(shell, value, size):
    in_at = _refused(shell, f'%matdiff --graph --at "x={value}" log(x)')
    in_cell = _refused(shell, f"%matdiff --wrt x {value}*x'*a")
    first = f"the number {value} is too {size}: numbers lie between 1e-300 and 1e308 (or are 0)"
    assert in_at.splitlines()[0] == in_cell.splitlines()[0] == first
    _caret_under(in_at, value)


def test_the_graph_prints_no_repr_line(shell):
    result, captured = run(shell, '%matdiff --graph --at "x=1.5" log(x)+sin(x)')
    assert result.success, captured.stderr
    texts = [o.data.get("text/plain", "") for o in captured.outputs]
    assert not any("<Graph" in t for t in texts) and "<Graph" not in captured.stdout
    assert any("image/png" in o.data for o in captured.outputs)
    assert any("ln v₀" in t for t in texts)  # the trace table still shows


# 4. an option typed into the cell body


@pytest.mark.parametrize("body", ["exp(x)'*a --graph", "x: vector\n  --layout numerator\nexp(x)'*a"])
def test_an_option_in_the_cell_body_is_refused(shell, body):
    message = _refused(shell, "%%matdiff --wrt x\n" + body + "\n")
    word = "--graph" if "--graph" in body else "--layout"
    assert f"{word} in the expression: options go on the %%matdiff line" in message
    _caret_under(message, word)


def test_an_option_after_the_line_magics_expression_is_refused(shell):
    message = _refused(shell, "%matdiff --wrt x a'*x --layout numerator")
    assert "--layout in the expression: options go before the expression" in message


@pytest.mark.parametrize("body", ["# --graph is an option\nexp(x)'*a", "exp(x)'*a - -b", "exp(x)'*a--b"])
def test_a_minus_of_a_minus_and_comments_still_derive(shell, body):
    rng = np.random.default_rng(5)
    values = {"x": rng.standard_normal(4) / 2, "a": rng.standard_normal(4), "b": float(rng.standard_normal())}

    def f(x, a, b):
        return float(np.exp(x) @ a) + (b if "b" in body else 0.0)

    for layout in ("numerator", "denominator", "mixed"):
        result, captured = run(shell, f"%%matdiff --wrt x --layout {layout} -o d_minus\n{body}\n")
        assert result.success, captured.stderr
        d = shell.user_ns["d_minus"]
        got = d.evaluate(**{k: v for k, v in values.items() if k in {u.name for u in d.variables}})
        assert_close(np.ravel(got), np.ravel(expected_in_layout(f, values, "x", layout)), label=layout)


# 5. f defined nowhere: said plainly, never a ✓


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("X: matrix(3, 3)\ninv(X - X)", "could not check: X - X is singular at every size tried"),
        ("log(x - x)'*a", "f is not defined at any point tried: its value is never a finite number"),
    ],
)
def test_a_function_defined_nowhere_says_so(cell, words):
    wrt = "X" if "X" in cell else "x"
    d = derive(cell, wrt=wrt)
    assert d.check_result.status == "skipped" and words in d.check_result.message
    text = d._repr_mimebundle_()["text/plain"]
    assert words in " ".join(text.split()) and "✓" not in text


def test_a_singular_derivative_only_is_not_called_undefined():
    d = derive("X: matrix(3, 3)\ninv(X)", wrt="X")  # f is defined at random points
    assert d.check_result.passed and "not defined" not in d.check_result.message


# 6. the divisor's hint and the README example


def test_a_capitalised_divisor_hints_a_scalar(shell):
    message = _refused(shell, "%%matdiff --wrt w\n1/N*norm2(X*w - y)^2\n")
    assert "`N: scalar`" in message and "`N: vector`" not in message
    _caret_under(message, "N*norm2")


def test_the_readme_mean_least_squares_derives():
    rng = np.random.default_rng(11)
    values = {
        "X": rng.standard_normal((5, 3)),
        "w": rng.standard_normal(3),
        "y": rng.standard_normal(5),
        "N": 4.0,
    }

    def f(X, w, y, N):
        r = X @ w - y
        return float(r @ r) / N

    for layout in ("numerator", "denominator", "mixed"):
        got = derive("N: scalar\nnorm2(X*w - y)^2/N", wrt="w", layout=layout).evaluate(**values)
        assert_close(got, expected_in_layout(f, values, "w", layout), label=layout)
