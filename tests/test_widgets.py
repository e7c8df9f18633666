"""The DerivationStepper driven from Python, without a browser: every control, what it shows,
and the result in each layout against central differences computed here with NumPy alone."""
import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from matdiff_magic import derive  # noqa: E402
from matdiff_magic.render.stepper_state import step_view  # noqa: E402
from matdiff_magic.render.widgets import DerivationStepper  # noqa: E402

HIGHLIGHT = r"\color{#d62728}"
EXP_SRC = "a'*exp(X*b)"          # f = aᵀ exp(Xb), a ∈ ℝ^m, X ∈ ℝ^{m×n}, b ∈ ℝ^n


@pytest.fixture
def stepper():
    return derive(EXP_SRC, wrt="X", layout="denominator").widget()


def index_of(w, predicate):
    return next(i for i, s in enumerate(w.derivation.steps) if predicate(s))


# ---- f and its gradient by central differences, independent of the package
def f_exp(a, X, b):
    return float(a @ np.exp(X @ b))


def central_diff(f, x, h=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        g[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def random_point(m=3, n=2, seed=1):
    rng = np.random.default_rng(seed)
    return {"a": rng.standard_normal(m), "X": 0.5 * rng.standard_normal((m, n)),
            "b": rng.standard_normal(n)}


def fd_gradient(wrt, values):
    def f(x):
        return f_exp(**{**values, wrt: x})
    return central_diff(f, values[wrt].copy())


# ---- construction and the magic's path
def test_widget_returns_a_stepper_with_the_derivation_state(stepper):
    assert isinstance(stepper, DerivationStepper)
    assert (stepper.step, stepper.layout, stepper.wrt) == (0, "denominator", "X")
    assert stepper.current_rule == "function"
    assert stepper.current_latex.startswith("f = ")
    assert stepper.prev_button.disabled and not stepper.next_button.disabled
    assert stepper.slider.max == stepper.play.max == stepper.n_steps - 1


def test_initial_step_from_keyword():
    w = DerivationStepper(derive(EXP_SRC, wrt="X"), step=2)
    assert w.step == 2 and w.slider.value == 2


# ---- navigation: Prev / Next / slider / Play and their bounds
def test_next_walks_every_step_and_stops_at_the_end(stepper):
    seen = [stepper.current_rule]
    for _ in range(stepper.n_steps + 3):   # more clicks than steps: must stay at the last
        stepper.next_button.click()
        seen.append(stepper.current_rule)
    assert stepper.step == stepper.n_steps - 1 == stepper.slider.value
    assert stepper.next_button.disabled and not stepper.prev_button.disabled
    assert seen[: stepper.n_steps] == [s.rule for s in stepper.derivation.steps]
    assert stepper.current_rule == "denominator layout"


def test_prev_stops_at_zero(stepper):
    stepper.step = 2
    for _ in range(5):
        stepper.prev_button.click()
    assert stepper.step == 0 and stepper.prev_button.disabled


def test_step_out_of_range_clamps(stepper):
    stepper.step = 999
    assert stepper.step == stepper.n_steps - 1 == stepper.slider.value
    stepper.step = -4
    assert stepper.step == 0 == stepper.slider.value


def test_slider_and_play_drive_the_step(stepper):
    stepper.slider.value = 3
    assert stepper.step == 3 == stepper.play.value
    stepper.play.value = 5
    assert stepper.step == 5 == stepper.slider.value
    assert stepper.counter.value.startswith(f"6 of {stepper.n_steps}")


def test_step_is_observable(stepper):
    seen = []
    stepper.observe(lambda c: seen.append(c["new"]), names="current_rule")
    stepper.next_button.click()
    assert seen == ["take the differential"]


# ---- what is shown at a step
def test_trace_step_is_highlighted_with_rule_and_identity(stepper):
    i = index_of(stepper, lambda s: s.rule == "Hadamard trick")
    stepper.step = i
    assert HIGHLIGHT in stepper.current_latex
    assert stepper.current_latex.startswith(r"\mathrm{d}f = ")   # continues the df line
    assert stepper.current_identity == "tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀC)"
    assert "Hadamard trick" in stepper.rule_html.value
    assert stepper.derivation.steps[i].identity_latex.split("=")[0].strip() in stepper.rule_html.value
    # Earlier lines are plain: only one line carries the colour.
    assert stepper.math.value.count(HIGHLIGHT) == stepper.current_latex.count(HIGHLIGHT)
    assert stepper.math.value.count(r"\\") == i   # lines 0..i joined by i row breaks


def test_cyclic_step_of_aXb_says_which_factor_moved():
    w = derive("a'*X*b", wrt="X").widget()
    w.step = index_of(w, lambda s: s.rule == "cyclic property")
    assert w.current_note == "move b to the front"
    assert "move b to the front" in w.note_html.value
    assert w.current_identity == "tr(AB) = tr(BA)"
    assert "cyclic property" in w.rule_html.value
    assert HIGHLIGHT in w.current_latex
    w.next_button.click()   # the read-off has no note
    assert w.current_note == "" and w.note_html.value == ""


def test_derivation_up_to_current_step_only(stepper):
    stepper.step = 1
    assert r"\mathrm{d}f &amp;=" in stepper.math.value     # TeX is HTML-escaped for the DOM
    assert "tr" not in stepper.math.value


# ---- layouts
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_layout_toggle_updates_result_and_last_step(stepper, layout):
    stepper.step = stepper.n_steps - 1
    stepper.layout_buttons.value = layout
    r = stepper.derivation.results[layout]
    assert stepper.layout == layout == stepper.derivation.layout
    assert stepper.current_rule == f"{layout} layout"
    assert r.lhs in stepper.current_latex
    assert r.description in stepper.result_math.value


@pytest.mark.parametrize("wrt", ["X", "a", "b"])
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_result_in_each_layout_matches_central_differences(wrt, layout):
    w = derive(EXP_SRC, wrt="X").widget()
    w.wrt = wrt
    w.layout = layout
    values = random_point()
    got = np.asarray(w.derivation.evaluate(**values))
    fd = fd_gradient(wrt, values)
    if layout == "numerator":   # the Jacobian form: shape of the variable transposed
        expected = fd.reshape(1, -1) if fd.ndim == 1 else fd.T
    else:
        expected = fd
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


def test_setting_an_unknown_layout_raises(stepper):
    from traitlets import TraitError
    with pytest.raises(TraitError):
        stepper.layout = "sideways"
    assert stepper.layout == "denominator"


# ---- variables
def test_wrt_dropdown_rederives_and_resets_step(stepper):
    assert stepper.wrt_dropdown.options == ("a", "X", "b")
    assert stepper.wrt_dropdown.layout.display != "none"
    stepper.step = 4
    stepper.wrt_dropdown.value = "b"
    assert stepper.wrt == "b" == stepper.derivation.wrt.name
    assert stepper.step == 0 == stepper.slider.value
    assert stepper.slider.max == stepper.play.max == stepper.n_steps - 1
    assert stepper.layout == stepper.derivation.layout == "denominator"
    stepper.step = 999
    assert r"\boldsymbol{b}" in stepper.derivation.results["denominator"].lhs
    assert stepper.derivation.results["denominator"].lhs in stepper.current_latex


def test_wrt_from_code_updates_the_dropdown(stepper):
    stepper.wrt = "a"
    assert stepper.wrt_dropdown.value == "a"
    assert stepper.error == ""


def test_failed_rederivation_is_shown_not_raised(stepper, monkeypatch):
    from matdiff_magic.derivation import pipeline
    from matdiff_magic import MatdiffError
    from matdiff_magic.timelimit import TimeLimitExceeded

    stepper.step = 2
    stepper.wrt = "nope"                 # a real MatdiffError from derive: unknown variable
    assert "unknown variable" in stepper.error and stepper.wrt == "X"

    def refuse(*args, **kwargs):
        raise MatdiffError("cannot move dX out of this product")
    monkeypatch.setattr(pipeline, "derive", refuse)
    stepper.wrt_dropdown.value = "b"
    assert stepper.wrt == "X" == stepper.derivation.wrt.name == stepper.wrt_dropdown.value
    assert "cannot move dX" in stepper.error and "cannot move dX" in stepper.error_html.value
    assert stepper.step == 2

    def too_slow(*args, **kwargs):
        raise TimeLimitExceeded(10)
    monkeypatch.setattr(pipeline, "derive", too_slow)
    stepper.wrt = "a"
    assert "took longer than 10 s" in stepper.error and stepper.wrt == "X"

    monkeypatch.undo()
    stepper.wrt = "a"                    # a good one clears the error
    assert stepper.wrt == "a" and stepper.error == "" and stepper.error_html.value == ""


def test_single_variable_hides_the_dropdown():
    w = derive("x'*x", wrt="x").widget()
    assert w.wrt_dropdown.layout.display == "none"


# ---- check badge and static output
def test_check_badge_is_styled_by_status(stepper):
    c = stepper.derivation.check_result
    assert c.status == "passed"
    assert c.message in stepper.check_html.value
    assert "matdiff-check-passed" in stepper.check_html.value


def test_no_check_gives_no_badge_and_rederives_without_check():
    w = derive(EXP_SRC, wrt="X", check=False).widget()
    assert w.check_html.value == ""
    w.wrt = "a"
    assert w.derivation.check_result is None


def test_mimebundle_has_widget_view_and_static_fallbacks(stepper):
    stepper.layout = "numerator"
    bundle = stepper._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == stepper.box.model_id
    assert bundle["text/plain"] == stepper.derivation.to_text()
    assert "∂f/∂Xᵀ" in bundle["text/plain"]            # follows the chosen layout
    assert bundle["text/latex"].startswith("$$\\begin{aligned}")


def test_controls_have_tooltips_and_labels(stepper):
    for control in (stepper.prev_button, stepper.next_button, stepper.play, stepper.slider,
                    stepper.wrt_dropdown):
        assert control.tooltip
        assert control.description
    assert len(stepper.layout_buttons.tooltips) == 3


def test_step_view_is_plain_python():
    d = derive("a'*X*b", wrt="X")
    v = step_view(d, 100)
    assert (v.index, v.count, v.stage) == (len(d.steps) - 1, len(d.steps), "layout")
    assert v.lines_latex.count(HIGHLIGHT) == 1


# ---- the magic in a real IPython shell
def test_interactive_magic_returns_a_stepper():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    with capture_output() as captured:
        result = shell.run_cell("%%matdiff -i --wrt X\na'*exp(X*b)")
    assert result.success, result.error_in_exec
    assert isinstance(result.result, DerivationStepper)
    assert result.result.wrt == "X"
    # A terminal shell prints the bundle's text/plain: the derivation, not a widget repr.
    assert "∂f/∂X = (a ⊙ exp(X b)) bᵀ" in captured.stdout
    bundle = shell.display_formatter.format(result.result)[0]
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/latex" in bundle
