"""Deep and large inputs the parser accepts: every view of them is shown or refused with the
package's error, promptly; and small slips in messages and exported docstrings."""

from __future__ import annotations

import math
import time
import types

import numpy as np
import pytest
from conftest import run

from matdiff_magic import check_answer, derive, graph
from matdiff_magic.errors import MatdiffError

DEEP_EXP = "sum(" + "exp(" * 200 + "X" + ")" * 200 + ")"


@pytest.fixture(scope="module")
def deep():
    return derive(DEEP_EXP, wrt="X", check=False)


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
def test_a_deep_derivation_exports(deep, backend):
    code = deep.to_python(backend)
    compile(code, "<export>", "exec")  # a module, never run here for jax and torch
    assert "def f_and_grad" in code or "def f_and" in code


def test_a_deep_derivation_has_a_repr(deep):
    assert repr(deep).startswith("<Derivation of ∂f/∂X: ")


def test_a_deep_inverse_chain_exports():
    code = derive("tr(" + "inv(" * 200 + "X" + ")" * 200 + ")", wrt="X", check=False).to_python()
    compile(code, "<export>", "exec")


def test_a_deep_answer_is_checked():
    r = check_answer(DEEP_EXP, "a'*X*b", wrt="X")
    assert not r.correct


def test_a_deep_expression_is_traced():
    g = graph("sum(" + "sin(" * 270 + "X" + ")" * 270 + ")", X=np.full((3, 2), 0.5))
    assert np.isfinite(g.value())


def test_the_export_at_declared_sizes_too_large_to_check_is_prompt():
    start = time.process_time()
    code = derive("X: matrix(10000, 10000)\ntr(X*X*X)", wrt="X").to_python()
    assert time.process_time() - start < 10  # it tried the 10⁴×10⁴ products for 40 s and more
    assert "10000" in code


@pytest.mark.parametrize(
    "cell", ["X: matrix(100000000000000000000, 3)\na'*X*b", "tr(eye(99999999999999999999)*X)"]
)
def test_the_export_at_sizes_no_array_holds_is_written(cell):
    compile(derive(cell, wrt="X").to_python(), "<export>", "exec")  # was NumPy's ValueError


def test_a_hessian_too_large_to_show_is_refused_before_its_second_stage():
    start = time.process_time()
    with pytest.raises(MatdiffError, match="too large to do step by step"):
        derive("sum(" + "sin(" * 60 + "X" + ")" * 60 + ")", wrt="X", order=2, check=False)
    assert time.process_time() - start < 3  # it derived for 4 s (depth 60) to 115 s (depth 200)
    d = derive("sum(" + "sin(" * 12 + "X" + ")" * 12 + ")", wrt="X", order=2)
    assert d.check_result.passed, d.check_result.message


def test_a_symmetric_declaration_of_two_sizes_points_at_the_second():
    with pytest.raises(MatdiffError) as caught:
        derive("S: symmetric(2,3)\ntr(S)", wrt="S")
    assert (caught.value.line, caught.value.column) == (1, 16)  # the 3
    assert str(caught.value).splitlines()[-1].strip() == "^"


def test_the_exported_docstring_has_the_cells_lines():
    cell = 'X: matrix(m, n)\na: vector(m)\nf = a\'*X*b  # "quoted" \\alpha'
    module = types.ModuleType("exported")
    exec(compile(derive(cell, wrt="X").to_python(), "<export>", "exec"), module.__dict__)  # our code
    quoted = module.__doc__.split("From the cell:\n")[1].split("\n\n")[0]
    assert quoted.splitlines() == [
        "    X: matrix(m, n)",
        "    a: vector(m)",
        '    f = a\'*X*b  # "quoted" \\alpha',
    ]


def test_messages_say_what_was_given():
    with pytest.raises(MatdiffError, match=r"^order='2': matdiff derives"):
        derive("a'*X*b", wrt="X", order="2")
    with pytest.raises(MatdiffError) as caught:
        derive("a'*X*b", wrt="")
    assert caught.value.hint is None and "is one name" not in str(caught.value)


@pytest.mark.parametrize(
    "source, values",
    [("1/(1 + exp(-x))", {"x": -1000.0}), ("exp(-exp(x))", {"x": 1000.0}), ("x^2", {"x": 1e200})],
)
def test_a_graph_through_an_overflow_says_so(source, values):
    with pytest.raises(MatdiffError, match=r"too large for floating point: .* overflows there"):
        graph(source, **values)


@pytest.mark.parametrize("source", ["log(x)", "1/x", "x^-1"])
def test_a_graph_at_a_zero_it_cannot_take_says_the_point_is_outside_the_domain(source):
    # ln 0 = −∞ is no overflow: the operand is 0, not too large
    with pytest.raises(MatdiffError, match=r"outside the domain of the expression") as caught:
        graph(source, x=0.0)
    assert "overflows" not in str(caught.value)


def test_the_exported_check_says_nan_where_differences_cannot_resolve_f():
    """f about e^200: central differences of any step round to nothing; the exported check
    reported an error of 1 on a right derivative (the package's own check could not check)."""
    d = derive("mu: scalar\nr: scalar\nmu-exp(r/1e-3)", wrt="mu")
    assert d.check_result.status == "skipped"
    module = types.ModuleType("exported")
    exec(compile(d.to_python(), "<export>", "exec"), module.__dict__)  # our generated code
    assert np.isnan(module.check_gradient())
    right = types.ModuleType("right")
    exec(
        compile(derive("mu: scalar\nr: scalar\nmu-exp(r)", wrt="mu").to_python(), "<export>", "exec"),
        right.__dict__,
    )
    assert right.check_gradient() < 1e-6


# ---- graph(): every method at the parser's depth, and large values drawn promptly ------------------
DEEP_SIN = "sin(" * 180 + "x" + ")" * 180  # the title's printer ran out of Python's 1000 frames


@pytest.fixture(scope="module")
def deep_graph():
    return graph(DEEP_SIN, x=0.5)


def test_a_deep_graph_is_drawn_with_its_formula_in_the_title(deep_graph):
    fig = deep_graph.draw(mode="forward")  # was a RecursionError
    title = "\n".join(t.get_text() for t in fig.axes[0].texts)
    assert "sin(sin(" in title and len(deep_graph.formula_text()) == len(DEEP_SIN)


def test_a_deep_graph_has_a_widget(deep_graph):
    w = deep_graph.widget()  # was a RecursionError
    assert w.description.startswith("step 1 of 362 · forward sweep")
    assert w._repr_png_()[:4] == b"\x89PNG"


def _chain_derivative(source: str, x: float) -> float:
    if source.startswith("-"):  # an even number of minus signs: f = x
        return 1.0
    slope = 1.0
    for _ in range(source.count("sin(")):
        slope, x = slope * math.cos(x), math.sin(x)
    return slope


@pytest.mark.parametrize("source", ["sin(" * 270 + "x" + ")" * 270, "-" * 270 + "x"])
def test_every_view_of_a_graph_at_the_parser_s_depth_works(source):
    g = graph(source, x=0.5)
    slope = _chain_derivative(source, 0.5)
    rows = g.compare().rows  # its differences evaluate f: was a RecursionError at 270
    assert [r["method"] for r in rows][1:] == ["central difference", "forward mode", "reverse mode"]
    assert [r["gradient"] for r in rows[1:]] == pytest.approx([slope] * 3, rel=1e-6)
    assert g.formula_text().replace("-", "−").count("−") == 270 or g.formula_text().count("sin(") == 270
    assert len(g.forward()) == len(g.reverse()) == len(g.structure()[0]) == 271
    assert "v₂₆₉" in g.table("both").to_text() and "v₂₆₉" in g._repr_mimebundle_()["text/html"]
    assert g.gradient()["x"] == pytest.approx(slope) and g.jvp() == pytest.approx(slope)
    assert g.fd_error_plot().axes  # a figure of the differences' error


def test_a_deep_graph_draws_in_the_magic(shell):
    result, captured = run(shell, "%%matdiff --graph --at 'x=0.5' --timeout 60\n" + DEEP_SIN + "\n")
    assert result.success, result.error_in_exec  # was "too large to derive (RecursionError)"
    assert list(captured.outputs[0].data) == ["image/png"]


def test_a_graph_of_large_matrices_is_drawn_and_tabulated_promptly():
    start = time.process_time()
    g = graph("sum(X*X)", X=np.ones((120, 120)))
    g.draw()  # a Jacobian per edge, one JVP per entry: 30 s and more
    g.table("both").to_html()
    graph("tr(X)", X=np.ones((300, 300))).draw()  # 8.5 s
    assert time.process_time() - start < 5
    _, edges = g.structure()
    assert all(e["partial"] is None for e in edges)  # 14 400 × 14 400: not built
    assert all("↦" in e["label"] for e in edges)  # the linear map, as a large Jacobian always was


def test_a_small_matrix_keeps_its_jacobian_on_the_edges():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    _, edges = graph("sum(X*X)", X=X).structure()
    square = next(e for e in edges if e["target"] == 1)
    dX_X = np.kron(X.T, np.eye(2)) + np.kron(np.eye(2), X)  # vec(dX X + X dX)
    assert square["partial"] == pytest.approx(dX_X)


def test_a_comparison_too_large_to_finish_is_refused_before_it_starts():
    g = graph("sum(X*X)", X=np.ones((120, 120)))
    start = time.process_time()
    with pytest.raises(MatdiffError, match=r"^compare\(\) differentiates entry by entry: 14400 entries"):
        g.compare()  # 12 s, and minutes at 300×300
    assert time.process_time() - start < 1
    assert graph("sum(X*X)", X=np.ones((20, 20))).compare().rows[0]["max_abs_diff"] == 0.0
