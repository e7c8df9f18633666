"""The stepper is an ipywidgets 8 widget (issue: "return an ipywidgets 8 widget") whose own traits
(step, layout as the derivative's layout, wrt) are not the CSS Layout of a DOMWidget; it shows
its VBox, and viewers without widgets get the derivation as LaTeX and text."""

from __future__ import annotations

import ipywidgets as W

from matdiff_magic import derive


def test_the_stepper_is_an_ipywidgets_widget_that_shows_its_box():
    d = derive("a'*X*b", wrt="X")
    w = d.widget()
    assert isinstance(w, W.Widget) and isinstance(w.box, W.VBox)
    bundle = w._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == w.box.model_id
    assert bundle["text/latex"] == d.to_latex() and bundle["text/plain"] == d.to_text()
    # its traits are the derivation's, driven from Python
    w.layout = "numerator"
    assert w.layout == "numerator" and w.derivation.layout == "numerator"
    w.step = 10**6
    assert w.step == w.n_steps - 1
    assert "layout" not in w.keys  # not synced as a DOMWidget's CSS layout would be


def test_the_result_panel_uses_and_defines_the_names_of_the_lines():
    d = derive("-y'*log(softmax(W'*x))", wrt="W")
    w = d.widget()
    panel = w.result_math.value
    assert (
        r"\boldsymbol{s}^{T}" in panel and r"\text{where } \boldsymbol{s} = \operatorname{softmax}" in panel
    )
    # the same name, defined the same way, as under the derivation block
    assert r"\boldsymbol{s} = " in d.to_latex()
    plain = derive("a'*X*b", wrt="X").widget()
    assert "where" not in plain.result_math.value


def test_switching_the_variable_keeps_solve_and_the_order():
    d = derive("lambda*norm2(w)^2 + norm2(X*w - y)^2", wrt="w", solve=True)
    w = d.widget()
    solved = w.n_steps
    w.wrt = "y"  # ŷ = X w
    assert w.error == "" and w.derivation.solution is not None
    w.wrt = "lambda"  # ‖w‖² = 0 has no λ: its derivative all the same, unsolved
    assert w.error == "" and w.derivation.solution is None
    w.wrt = "w"
    assert w.n_steps == solved and w.derivation.solution is not None
    assert derive("x'*A*x", wrt="x", order=2).derive_again("x", "mixed").kind == "hessian"
