"""The stepper's state under every value a user may set, and what each step colours: the part
that changed, where it changed, and one colour at a time."""

from __future__ import annotations

import numpy as np
import pytest
from tex_helpers import COLOUR, coloured_groups, uncoloured
from traitlets import TraitError

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.render.printer import to_text

MVN = "Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))"


# ---- the variable a user names, in any spelling
@pytest.mark.parametrize("spelling", ["Σ", "\\Sigma", "Sigma"])
def test_setting_wrt_to_another_spelling_rederives_by_that_variable(spelling):
    w = derive(MVN, wrt="S").widget()
    w.step = 5
    w.wrt = spelling
    assert w.wrt == "Sigma" and w.wrt_dropdown.value == "Sigma"
    assert w.derivation.wrt.name == "Sigma" and w.error == ""
    assert w.step == 0
    assert w.derivation.steps[0].latex in w.current_latex  # the first line of the new derivation
    expected = derive(MVN, wrt="Sigma")
    assert to_text(w.derivation.result) == to_text(expected.result)


def test_another_spelling_of_the_variable_shown_changes_nothing():
    w = derive(MVN, wrt="Sigma").widget()
    w.step = 4
    w.wrt = "Σ"
    assert (w.wrt, w.step, w.error) == ("Sigma", 4, "")


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("layout", "diagonal", "unknown layout 'diagonal': choose numerator, denominator or mixed"),
        ("layout", 3, "unknown layout 3: choose numerator, denominator or mixed"),
        ("step", "abc", "step takes a whole number: got 'abc'"),
        ("step", 2.5, "step takes a whole number: got 2.5"),
        ("wrt", 5, "wrt names the variable to differentiate by, such as wrt='X': got 5"),
    ],
)
def test_a_value_a_trait_cannot_take_is_the_packages_error(name, value, words):
    w = derive("a'*X*b", wrt="X").widget()
    w.step = 2
    before = (w.step, w.layout, w.wrt, w.current_latex)
    with pytest.raises(MatdiffError) as caught:
        setattr(w, name, value)
    assert isinstance(caught.value, TraitError)  # what ipywidgets code that sets traits expects
    assert str(caught.value) == words
    assert (w.step, w.layout, w.wrt, w.current_latex) == before


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("layout", "diagonal", "未知布局 'diagonal'"),
        ("step", "abc", "step 的参数是整数"),
        ("wrt", 5, "wrt 是求导所对的变量名"),
    ],
)
def test_a_refused_value_is_worded_in_the_derivations_language(name, value, words):
    w = derive("a'*X*b", wrt="X", lang="zh").widget()  # the session speaks English
    with pytest.raises(MatdiffError, match=words):
        setattr(w, name, value)


def test_a_numpy_integer_is_a_step():
    w = derive("a'*X*b", wrt="X").widget()
    w.step = np.int64(3)
    assert w.step == 3 and type(w.step) is int


# ---- what a step colours
CASES = [
    ("norm2(A*X*B - C)^2", "X"),
    ("norm2(X*w - y)^2", "w"),
    ("det(X)", "X"),
    ("x'*A*x", "x"),
    ("tr(X*B*X')", "X"),
    (MVN, "Sigma"),
    ("a'*exp(X*b)", "X"),
    ("(X*b + c)'*D*(X*b + c)", "X"),
    ("u, v: scalar\nu^v + sin(u*v)", "v"),
]


@pytest.mark.parametrize("source, wrt", CASES)
def test_each_step_colours_once_and_prints_its_line(source, wrt):
    d = derive(source, wrt=wrt, check=False)
    for s in d.steps:
        coloured = s.latex_highlighted
        assert uncoloured(coloured) == s.latex  # the same line, only coloured
        for group in coloured_groups(coloured):
            assert not COLOUR.search(group), (s.rule, coloured)  # no colour inside a colour


@pytest.mark.parametrize("source, wrt", CASES[:6])
def test_every_linearity_step_colours_what_it_collected(source, wrt):
    d = derive(source, wrt=wrt, check=False)
    steps = [s for s in d.steps if s.rule == "linearity"]
    assert steps
    for s in steps:
        assert coloured_groups(s.latex_highlighted), s.latex


def test_the_constant_rule_colours_the_new_term_not_the_same_variables_beside_it():
    d = derive("norm2(A*X*B - C)^2", wrt="X", check=False)
    s = next(s for s in d.steps if s.rule == "constant" and "A \\mathrm{d}X B" in s.latex)
    groups = coloured_groups(s.latex_highlighted)
    assert "A \\mathrm{d}X B" in groups  # the new term, where it is transposed
    assert {"A", "\\mathrm{d}X", "B"} <= set(groups)  # its factors, in the product they joined
    # A X B − C is unchanged: none of its letters coloured
    assert "(A X B - C)" in uncoloured(s.latex_highlighted)
    assert s.latex_highlighted.count("(A X B - C)") == 2


def test_a_scalar_variable_is_coloured_where_it_was_multiplied_in():
    d = derive("u, v: scalar\nu^v + sin(u*v)", wrt="v", check=False)
    s = next(s for s in d.steps if s.rule == "constant" and "\\cos" in s.latex)
    tex = s.latex_highlighted
    assert "\\cos(u v)" in tex and "u^{v} \\log(u)" in tex  # the u of u^v and of cos(u v) plain


def test_the_line_shown_is_the_steps_expression():
    d = derive("norm2(A*X*B - C)^2", wrt="X", check=False)
    for s in d.steps:
        line, changed = s.step.marked
        assert line == s.step.value
        assert all(any(c is n for n in line.walk()) for c in changed)


def test_naming_the_current_variable_again_clears_the_last_error():
    w = derive("a'*X*b", wrt="X").widget()
    w.wrt = "y"
    assert "unknown variable 'y'" in w.error and w.error_html.value
    w.wrt = "X "
    assert (w.wrt, w.error, w.error_html.value) == ("X", "", "")
