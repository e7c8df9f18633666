"""Two views that showed something other than the derivation's own answer.

* The computation graph at a singular matrix: graph(), its sweeps, tables, drawings and the
  ``--graph --at`` magic raised NumPy's LinAlgError (the magic called it an internal error); they
  now give the package's error naming the matrix, as ``Derivation.evaluate`` does.
* The equations of ``--solve`` in the stepper: the highlighted form of a step kept only its left
  side, so the stepper read "∂f/∂β = XᵀXβ" where the derivation says XᵀXβ = Xᵀy; every step's
  highlighted TeX is now its TeX with colour, and the stepper writes ⇔ before an equation, as
  the static block does.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from tex_helpers import uncoloured

from matdiff_magic import MatdiffError, derive, graph

SINGULAR = np.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [0.0, 1.0, 3.0]])  # row 2 = 2 × row 1


@pytest.mark.parametrize(
    "source, values, call",
    [
        ("det(X)", {"X": SINGULAR}, lambda g: g.gradient()),
        ("det(X)", {"X": SINGULAR}, lambda g: g.reverse()),
        ("det(X)", {"X": SINGULAR}, lambda g: g.forward(wrt="X")),
        ("det(X)", {"X": SINGULAR}, lambda g: g.table()),
        ("det(X)", {"X": SINGULAR}, lambda g: g.compare()),
        ("det(X)", {"X": SINGULAR}, lambda g: g.draw(mode="reverse")),
        ("log(det(X))", {"X": SINGULAR}, lambda g: g.forward(wrt="X")),
        ("a'*inv(X)*a", {"X": SINGULAR, "a": np.ones(3)}, lambda g: g.gradient()),
        ("a'*inv(X + X')*a", {"X": SINGULAR - SINGULAR.T, "a": np.ones(3)}, lambda g: g.gradient()),
    ],
)
def test_a_graph_at_a_singular_matrix_says_which_matrix(source, values, call):
    with pytest.raises(MatdiffError) as caught:
        call(graph(source, **values))
    message = str(caught.value)
    assert "is singular at the given" in message and "LinAlgError" not in message
    # the matrix named is the input X itself, or the expression that is singular
    assert message.startswith(("X is singular", "X + Xᵀ is singular")), message


def test_the_same_graph_at_a_nonsingular_matrix_is_right():
    X = SINGULAR + 2 * np.eye(3)
    g = graph("det(X)", X=X)
    h, expected = 1e-6, np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            E = np.zeros((3, 3))
            E[i, j] = h
            expected[i, j] = (np.linalg.det(X + E) - np.linalg.det(X - E)) / (2 * h)
    assert np.allclose(g.gradient()["X"], expected, rtol=1e-6, atol=1e-8)


def test_the_graph_magic_at_a_singular_matrix_is_a_user_error():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    shell.user_ns["S"] = SINGULAR
    result = shell.run_cell('%%matdiff --graph --at "X=S"\ndet(X)\n')
    assert not result.success
    error = result.error_in_exec
    assert type(error).__name__ == "UsageError"
    assert "X is singular at the given X" in str(error) and "internal error" not in str(error)


SOLVE_CASES = [
    ("norm2(X*beta - y)^2", "beta"),
    ("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"),
]


@pytest.mark.parametrize("source, wrt", SOLVE_CASES)
def test_every_highlighted_step_is_its_line_coloured(source, wrt):
    for layout in ("numerator", "denominator", "mixed"):
        d = derive(source, wrt=wrt, layout=layout, solve=True, check=False)
        solve = [s for s in d.steps if s.stage == "solve"]
        assert len(solve) >= 2
        for s in d.steps:
            assert uncoloured(s.latex_highlighted) == s.latex, (s.rule, s.latex_highlighted)
        for s in d.to_json()["steps"]:
            assert uncoloured(s["latex_highlighted"]) == s["latex"]


@pytest.mark.parametrize("source, wrt", SOLVE_CASES)
def test_the_stepper_writes_the_equations_as_the_block_does(source, wrt):
    d = derive(source, wrt=wrt, solve=True, check=False)
    w = d.widget()
    for k, s in enumerate(d.steps):
        w.step = k
        if s.stage != "solve":
            continue
        # ⇔ and the whole equation, never "∂f/∂X = <its left side>"
        assert w.current_latex.startswith(r"\Leftrightarrow")
        assert uncoloured(w.current_latex).endswith(s.latex)
        assert s.lhs == "" and r"\frac{\partial" not in w.current_latex
    w.step = len(d.steps) - 1
    rows = re.compile(r"^&(?:amp;)?\\Leftrightarrow", re.MULTILINE)  # a row that starts with ⇔
    equations = sum(s.stage == "solve" for s in d.steps)
    assert len(rows.findall(w.math.value)) == len(rows.findall(d.to_latex())) == equations


def test_the_solution_the_stepper_shows_is_the_least_squares_solution():
    d = derive("norm2(X*beta - y)^2", wrt="beta", solve=True)
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((7, 3)), rng.standard_normal(7)
    expected = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.allclose(np.ravel(d.evaluate_solution(X=X, y=y)), expected)
    last = [s for s in d.steps if s.stage == "solve"][-1]
    assert r"\hat{\boldsymbol{\beta}} = " in uncoloured(last.latex_highlighted)
