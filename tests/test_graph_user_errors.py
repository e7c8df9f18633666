"""User mistakes with ``graph(...)`` and its methods are MatdiffErrors that say what to give,
never NumPy's error, a TypeError or a silent NaN; and ``autodiff.compare`` stays the function
whatever a graph has done.

1. ``graph(...).compare()`` imported the submodule ``autodiff.compare``, which replaced the
   function ``autodiff.compare`` of the package (now ``autodiff.comparison``).
2. The step of the central differences and the drawing's frame are checked.
3. A point where f is undefined (ln x at x = −1, arcsin x at x = 2) is refused as the magic's
   ``--at`` refuses it, by the same check; None is not a number.
4. LaTeX given values under plain names (x1 for x_1) says which names it has, as the magic does.
5. Every method that takes ``lang=`` refuses an unknown language; 6. ``entrywise``'s size is a
   whole number; 7. ``--graph`` stopped by ``--timeout`` says the trace was stopped, not a derivation.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from conftest import run

import matdiff_magic.autodiff as autodiff
from matdiff_magic import MatdiffError, entrywise, graph, i18n
from matdiff_magic.errors import ArgumentTypeError

matplotlib.use("Agg")

SEED = "ln(x1) + x1*x2 - sin(x2)"
SEED_LATEX = r"\ln x_1 + x_1 x_2 - \sin x_2"
DOMAIN = "the point is outside the domain of the expression"


# ---- 1. autodiff.compare is the function, before and after a graph compares ---------------------
def test_compare_stays_a_function_after_a_graph_compares():
    g = graph("x1*x2", x1=1.0, x2=2.0)
    g.compare()
    g.fd_error_plot("x1")
    assert callable(autodiff.compare)
    from matdiff_magic.autodiff import compare

    assert compare is autodiff.compare
    c = autodiff.compare("x1*x2", "x2", 1e-5, x1=1.0, x2=2.0)
    assert c.gradient("x2", "reverse mode") == pytest.approx(1.0)
    assert c.fd_step == 1e-5


def test_the_comparison_module_has_its_own_name():
    from matdiff_magic.autodiff import comparison

    assert autodiff.comparison is comparison and comparison.compare_graph is not autodiff.compare


# ---- 2. the step of the central differences, the drawing's frame -----------------------------
BAD_STEPS = ["a", 0.0, -1e-3, math.nan, math.inf, None, True, [1e-6], 10**400]


@pytest.mark.filterwarnings("error")  # no RuntimeWarning from a division by zero either
@pytest.mark.parametrize("step", BAD_STEPS, ids=lambda step: repr(step)[:12])
def test_a_step_that_is_no_positive_number_is_refused(step):
    g = graph("x1*x2", x1=1.0, x2=2.0)
    with pytest.raises(MatdiffError, match=r"fd_step=.*positive number") as caught:
        g.compare("x1", step)
    assert f"fd_step={step!r}" in str(caught.value)
    with pytest.raises(MatdiffError, match="fd_step="):
        autodiff.compare("x1*x2", "x1", step, x1=1.0, x2=2.0)
    with pytest.raises(MatdiffError, match="fd_step="):
        g.compare(fd_step=step)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("step", [1e-4, np.float64(1e-6), 1])
def test_a_positive_step_still_compares(step):
    c = graph("x1*x2", x1=1.0, x2=2.0).compare("x1", step)
    assert c.gradient("x1", "central difference") == pytest.approx(2.0)
    assert isinstance(c.fd_step, float)


@pytest.mark.parametrize(
    "frame",
    ["junk", 5, (1, 2, 3), ([], []), ([{"id": 0}], []), ({"id": 0}, {"x": 1}), ([[1]], [[2]])],
    ids=repr,
)
def test_a_frame_that_is_not_the_graph_s_structure_is_refused(frame):
    g = graph("sin(x)*y", x=1.0, y=2.0)
    with pytest.raises(MatdiffError, match=r"frame=.*\(nodes, edges\) of the same graph") as caught:
        g.draw(frame=frame)
    assert "structure()" in str(caught.value)


def test_a_frame_of_another_graph_is_refused():
    other = graph("x*y", x=1.0, y=2.0).structure()
    with pytest.raises(MatdiffError, match="frame="):
        graph("sin(x)*y", x=1.0, y=2.0).draw(frame=other)


def test_the_graph_s_own_structure_is_a_frame():
    import matplotlib.pyplot as plt

    g = graph("sin(x)*y", x=1.0, y=2.0)
    fig = g.draw(mode="forward", frame=g.structure("both"))
    assert fig.matdiff_placement is not None
    plt.close(fig)


# ---- 3. a point outside the domain, a value that is no number ---------------------------------
@pytest.mark.parametrize(
    "source, values, step",
    [
        ("ln(x1) + x1*x2", {"x1": -1.0, "x2": 2.0}, "v₁ = ln v₋₁"),
        ("arcsin(x1)", {"x1": 2.0}, "v₁ = arcsin v₀"),
        ("sqrt(x)", {"x": -4.0}, "v₁ = "),
        ("a'*log(x)", {"a": np.ones(2), "x": np.array([1.0, -1.0])}, "log"),
        ("x*2", {"x": math.nan}, "v₀ = "),
    ],
)
def test_a_point_outside_the_domain_is_refused(source, values, step):
    with pytest.raises(MatdiffError) as caught:
        graph(source, **values).gradient()
    said = str(caught.value)
    assert said.startswith(DOMAIN) and step in said and "is not a finite number there" in said
    assert "log and sqrt take positive numbers" in said  # the magic's hint


def test_graph_and_the_magic_refuse_the_point_alike(shell):
    with pytest.raises(MatdiffError) as caught:
        graph("ln(x1) + x1*x2", x1=-1.0, x2=2.0)
    result, _ = run(shell, '%%matdiff --graph --at "x1=-1, x2=2"\nln(x1) + x1*x2\n')
    assert not result.success
    magic = str(result.error_in_exec)
    assert magic.startswith("--at: " + DOMAIN)  # the magic keeps its caret under the --at text
    assert magic.splitlines()[0] == "--at: " + str(caught.value).splitlines()[0]
    assert "x1=-1, x2=2" in magic and "^^^" in magic


def test_the_domain_refusal_speaks_chinese():
    with i18n.using("zh"), pytest.raises(MatdiffError) as caught:
        graph("arcsin(x1)", x1=2.0)
    said = str(caught.value)
    assert said.startswith("该点在表达式的定义域之外") and "arcsin" in said and "choose" not in said


@pytest.mark.parametrize("value", [None, "2", [1.0, None], {"a": 1}, [[1.0, 2.0], [3.0]], object()])
def test_a_value_that_is_no_number_is_refused(value):
    with pytest.raises(MatdiffError, match="the value of x1 is not a number, a vector or a matrix"):
        graph("x1*x2", x1=value, x2=1.0)


def test_none_is_named_as_none():
    with pytest.raises(MatdiffError, match=r"not a number, a vector or a matrix: None$"):
        graph("x1*x2", x1=None, x2=1.0)


def test_a_complex_value_is_refused_not_cut_to_its_real_part():
    with pytest.raises(MatdiffError, match="is complex"):
        graph("a'*x", a=np.ones(2), x=np.array([1 + 1j, 2.0]))
    assert graph("x*2", x=np.complex128(3.0)).value() == 6.0


@pytest.mark.filterwarnings("error")
def test_legitimate_values_still_work():
    g = graph(SEED, x1=2.0, x2=5.0)
    assert g.gradient()["x1"] == pytest.approx(5.5)
    assert g.gradient()["x2"] == pytest.approx(1.716337814536774)
    assert graph("x1*x2", x1=np.int64(3), x2=True).value() == 3.0
    assert graph("x*y", x=[2.0], y=3).value() == 6.0  # a one-entry list is a scalar value
    assert graph("sqrt(x)", x=0.0).value() == 0.0  # the boundary of the domain is in it
    rng = np.random.default_rng(0)
    a, X, b = rng.normal(size=3), rng.normal(size=(3, 4)) * 0.3, rng.normal(size=4)
    grad = graph("a'*exp(X*b)", a=a, X=X, b=b).gradient()["X"]
    assert grad.shape == (3, 4) and np.all(np.isfinite(grad))
    assert graph("log(det(X))", X=np.array([[2.0, 1.0], [1.0, 3.0]])).value() == pytest.approx(math.log(5.0))
    d = graph("x1*x2", x1=1.0, x2=2.0).forward("x1", direction={"x1": 1.0, "x2": 0.0})
    assert d["v1"]["tangent"] == 2.0


def test_a_direction_or_cotangent_of_none_in_a_dict_is_refused():
    g = graph("x1*x2", x1=1.0, x2=2.0)
    with pytest.raises(MatdiffError, match="not a number"):
        g.jvp(direction={"x1": None})
    with pytest.raises(MatdiffError, match="not a number"):
        g.vjp(cotangent="1")


# ---- 4. LaTeX with its values under plain names ------------------------------------------------
def test_latex_with_plain_names_names_its_variables():
    with pytest.raises(MatdiffError) as caught:
        graph(SEED_LATEX, x1=2.0, x2=5.0)
    said = str(caught.value)
    assert said.splitlines()[0] == "unknown variables x1, x2: the expression's variables are x_1, x_2"
    assert "shape mismatch" not in said


def test_latex_with_one_plain_name_says_which():
    with pytest.raises(MatdiffError, match=r"^unknown variable x1: the expression's variables are x_1, x_2"):
        graph(SEED_LATEX, x1=2.0, x_2=5.0)


def test_the_magic_refuses_plain_names_for_latex_too(shell):
    result, _ = run(shell, '%%matdiff --graph --at "x1=2, x2=5"\n' + SEED_LATEX + "\n")
    assert not result.success
    assert "x1, x2 are not a variable of the expression (its variables are x_1, x_2)" in str(
        result.error_in_exec
    )


def test_latex_with_its_own_names_draws_the_seed():
    g = graph(SEED_LATEX, x_1=2.0, x_2=5.0)
    assert g.gradient() == pytest.approx({"x_1": 5.5, "x_2": 1.716337814536774})
    g = graph(r"f(x_1, x_2) = \ln(x_1) + x_1x_2 - \sin(x_2)", x_1=2.0, x_2=5.0)
    assert g.value() == pytest.approx(math.log(2.0) + 10.0 - math.sin(5.0))


def test_an_unknown_name_is_still_refused_after_the_kinds_check():
    with pytest.raises(MatdiffError, match=r"^unknown variable x3: the expression's variables are x1, x2"):
        graph(SEED, x1=2.0, x2=5.0, x3=1.0)


@pytest.mark.parametrize("source, marked", [("sum_i(x_i)", "sum_i"), (r"\sum_i x_i^T x_i", r"\sum")])
def test_a_sum_over_samples_is_refused_by_name_with_a_caret(source, marked):
    # it said 'Var has no evaluation-trace rule': the name of an IR class, no caret
    with pytest.raises(MatdiffError, match="does not cover sums over samples") as caught:
        graph(source, x_i=np.ones((3, 2)))
    span = caught.value.span
    assert caught.value.source == source and source[span.start : span.end] == marked
    assert "Var" not in str(caught.value)


# ---- 5. every method that takes lang= refuses an unknown language as draw(lang=…) does -----------
@pytest.mark.parametrize("method", ["structure", "fd_error_plot", "draw"])
def test_an_unknown_language_is_refused_by_every_method(method):
    g = graph(SEED, x1=2.0, x2=5.0)
    # fd_error_plot raised i18n.UnknownLanguage, structure drew in English
    with pytest.raises(MatdiffError, match=r"^unknown language 'fr': choose en or zh$") as caught:
        getattr(g, method)(lang="fr")
    assert type(caught.value) is MatdiffError


def test_a_known_language_is_still_taken_in_any_spelling():
    g = graph(SEED, x1=2.0, x2=5.0)
    assert g.structure(lang="zh-CN")[0][0]["name"] == "v₋₁"
    assert g.fd_error_plot(lang="ZH").axes


# ---- 6. entrywise's size is a whole number ---------------------------------------------------------
@pytest.mark.parametrize("size", [2.0, True, "2", None])
def test_entrywise_refuses_a_size_that_is_no_whole_number(size):
    with pytest.raises(ArgumentTypeError, match=r"^size takes a whole number, 2 or 3: got ") as caught:
        entrywise("sin", size)  # 2.0 was Python's TypeError from range()
    assert isinstance(caught.value, TypeError)


def test_entrywise_takes_numpy_s_whole_numbers():
    assert entrywise("sin", np.int64(3)).text == entrywise("sin", 3).text
    with pytest.raises(MatdiffError, match="drawn for a 2×2 or a 3×3 X"):
        entrywise("sin", 4)


# ---- 7. the magic's time limit says what it stopped -----------------------------------------------
@pytest.mark.parametrize(
    "lang, said",
    [("en", "the evaluation trace and its drawing took longer than 0.0001 s and were stopped"),
     ("zh", "计算轨迹及其绘图用时超过 0.0001 秒，已停止")],
)
def test_a_graph_stopped_by_the_time_limit_says_it_was_the_trace(shell, lang, said):
    cell = f'%%matdiff --graph --at "x1=2, x2=5" --timeout 0.0001 --lang {lang}\n' + SEED + "\n"
    result, _ = run(shell, cell)
    message = str(result.error_in_exec)
    assert said in message and "--timeout" in message.splitlines()[1]  # with a caret at the option
    assert "derivation" not in message and "推导" not in message


def test_a_product_written_as_the_notes_write_it_is_named_in_the_hint():
    # seed 002 Example 3 typed as the notes print it: x_1x_2 is one name in the language
    from matdiff_magic import graph

    with pytest.raises(MatdiffError, match="give a value for x_1x_2") as info:
        graph("ln(x_1) + x_1x_2 - sin(x_2)", x_1=2.0, x_2=5.0)
    assert info.value.hint == "x_1x_2 is one name; their product is written x_1*x_2"
    with pytest.raises(MatdiffError, match="give a value for y") as info:
        graph("ln(x_1) + y", x_1=2.0)
    assert info.value.hint is None
    g = graph(r"\ln x_1 + x_1x_2 - \sin x_2", x_1=2.0, x_2=5.0)  # in LaTeX, x_1x_2 is the product
    assert g.gradient()["x_1"] == pytest.approx(5.5)
