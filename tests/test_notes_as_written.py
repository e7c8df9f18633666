"""The seeds' examples typed as the notes write them: seed 002's vector function as a transposed
row, f = [f₁ ⋯ fₙ]ᵀ; --wrt spelled as the notes spell the variable (\\bold{y}, \\pmb \\beta);
--solve in Minka's convention for seed 001 Example 5; and what the output says about them.
Derivatives are checked against central differences of NumPy functions written here."""

from __future__ import annotations

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from matdiff_magic import MatdiffError, check_answer, derive

LAYOUTS = ("numerator", "denominator", "mixed")


def central_jacobian(f, y, h=1e-6):
    """∂f/∂yᵀ of a vector function of a vector (numerator layout), by central differences."""
    cols = []
    for j in range(y.size):
        e = np.zeros_like(y)
        e[j] = h
        cols.append((np.asarray(f(y + e)) - np.asarray(f(y - e))) / (2 * h))
    return np.stack(cols, axis=1)


def seed_002_example_2(y):
    return np.array([y[0] ** 2 + y[1] ** 2 + y[2], y[2] ** 2 + 2 * y[0]])


TRANSPOSED_ROWS = [
    "\\bold{f(\\bold{y})} = [y_1^2+y_2^2+y_3 \\quad y_3^2+2y_1]^T",  # one line, as seed 002
    "f(y_1, y_2, y_3) = [y_1^2+y_2^2+y_3 \\quad y_3^2+2y_1]^T",
    "y = [y1; y2; y3]\nf = [y1^2 + y2^2 + y3, y3^2 + 2*y1]'",
    "y = [y1, y2, y3]'\nf = [y1^2 + y2^2 + y3, y3^2 + 2*y1]'",
    "\\bold{y} = [y_1 \\quad y_2 \\quad y_3]^T\n\\bold{f(\\bold{y})} = [y_1^2+y_2^2+y_3 \\quad y_3^2+2y_1]^T",
]


@pytest.mark.parametrize("source", TRANSPOSED_ROWS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_vector_function_written_as_a_transposed_row(source, layout):
    rng = np.random.default_rng(2)
    d = derive(source, wrt="y", layout=layout)
    assert d.check_result.status == "passed"
    for _ in range(3):
        y = rng.standard_normal(3)
        jacobian = central_jacobian(seed_002_example_2, y)  # 2×3, numerator layout
        expected = jacobian.T if layout == "denominator" else jacobian
        np.testing.assert_allclose(d.evaluate(y=y), expected, atol=1e-7)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_transposed_matrix_literal_is_read_in_vec_order(layout):
    # F = Lᵀ for a 2×3 literal L (F is 3×2): vec F = (L₁₁, L₁₂, L₁₃, L₂₁, L₂₂, L₂₃)
    d = derive("y = [y1; y2]\nf = [y1*y2, y1^2, y2; y2, 3*y1, y1 - y2]'", wrt="y", layout=layout)
    assert d.check_result.status == "passed"

    def vec_f(y):
        L = np.array([[y[0] * y[1], y[0] ** 2, y[1]], [y[1], 3 * y[0], y[0] - y[1]]])
        return L.T.flatten(order="F")

    y = np.array([0.7, -1.3])
    J = central_jacobian(vec_f, y)  # 6×2, numerator layout
    np.testing.assert_allclose(d.evaluate(y=y), J.T if layout == "denominator" else J, atol=1e-7)


def test_a_function_not_written_entry_by_entry_is_refused_under_its_line():
    with pytest.raises(MatdiffError) as caught:
        derive("y = [y1; y2]\nf = [y1, y2]'*[y1, y2]", wrt="y")
    assert caught.value.line == 2 and "^" in str(caught.value)


@pytest.mark.parametrize(
    "wrt, source",
    [
        ("\\bold{y}", "y = [y1; y2]\nf = [y1^2; y1*y2]"),
        ("\\pmb \\beta", "\\Vert \\pmb{y} - X \\pmb \\beta \\Vert^2"),
        ("\\pmb\\beta", "\\Vert \\pmb{y} - X \\pmb \\beta \\Vert^2"),
        ("\\mathbf X", "\\operatorname{tr}(\\mathbf{A}\\mathbf{X})"),
    ],
)
def test_wrt_as_the_notes_spell_the_variable(wrt, source):
    d = derive(source, wrt=wrt)
    assert d.check_result.status == "passed"
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    quoted = wrt.replace("'", "")
    result = shell.run_cell(f"%%matdiff --wrt '{quoted}'\n{source}")
    assert result.success and result.error_in_exec is None


def mvn_gradient(Sigma, S):
    """∂/∂Σ of log|Σ| + tr(SΣ⁻¹), every entry independent, by central differences."""
    f = lambda M: np.linalg.slogdet(M)[1] + np.trace(S @ np.linalg.inv(M))
    G = np.zeros_like(Sigma)
    h = 1e-6
    for i in range(Sigma.shape[0]):
        for j in range(Sigma.shape[1]):
            E = np.zeros_like(Sigma)
            E[i, j] = h
            G[i, j] = (f(Sigma + E) - f(Sigma - E)) / (2 * h)
    return G


def test_solve_in_minkas_convention_finds_the_sample_covariance():
    """Seed 001 Example 5 with --symmetric minka: G + Gᵀ − G ⊙ I = 0 exactly when G + Gᵀ = 0,
    so Σ̂ = S, where the gradient (every entry independent) is zero."""
    source = "Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))"
    d = derive(source, wrt="Sigma", symmetric="minka", solve=True)
    assert d.check_result.status == "passed"
    assert any(s.rule == "compare the entries" for s in d.steps)
    rng = np.random.default_rng(5)
    A = rng.standard_normal((4, 4))
    S = A @ A.T + np.eye(4)
    Sigma_hat = d.evaluate_solution(S=S)
    np.testing.assert_allclose(Sigma_hat, S, atol=1e-10)
    assert np.abs(mvn_gradient(Sigma_hat, S)).max() < 1e-6
    # the convention's gradient itself, in full, against the differences: G + Gᵀ − G ⊙ I
    B = rng.standard_normal((4, 4))
    Sigma = B @ B.T + np.eye(4)
    G = mvn_gradient(Sigma, S)
    np.testing.assert_allclose(d.evaluate(Sigma=Sigma, S=S), G + G.T - G * np.eye(4), rtol=1e-6, atol=1e-7)


def test_a_refused_solve_says_where_and_names_the_variable_as_printed():
    with pytest.raises(MatdiffError) as caught:
        derive("Sigma: symmetric\nl = exp(tr(Sigma))", wrt="Sigma", solve=True, symmetric="minka")
    message = str(caught.value)
    assert "Σ" in message and "Sigma⁻¹" not in message
    assert caught.value.line == 2 and "^" in message


def test_the_substitution_names_no_outer_function():
    d = derive("g: function\nY = A*X*B\nf = g(Y)", wrt="X")
    substitutions = [s for s in d.steps if s.rule == "substitute"]
    assert substitutions and all("g(X)" not in s.identity_text for s in substitutions)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_vector_by_a_scalar_in_denominator_layout_is_written_as_a_transpose(layout):
    d = derive("t: scalar\nexp(t*a)", wrt="t", layout=layout)
    assert d.results["denominator"].lhs_text == "∂fᵀ/∂t"
    a, t = np.array([0.3, -0.8, 1.1]), 0.4
    fd = (np.exp((t + 1e-6) * a) - np.exp((t - 1e-6) * a)) / 2e-6  # ∂f/∂t, a column of 3
    # a column (given 1-D, as evaluate gives vectors) in numerator and mixed layout, a row in denominator
    expected = fd[None, :] if layout == "denominator" else fd
    got = d.evaluate(t=t, a=a)
    assert np.shape(got) == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_a_vector_of_the_wrong_length_is_named_by_its_length():
    d = derive("a'*exp(X*b)", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=r"but 3 in b \(length 3\)"):
        d.evaluate(a=np.ones(4), X=np.ones((4, 2)), b=np.ones(3))


def test_check_answer_reads_f_as_latex_when_told():
    f = "f(y_1,y_2) = y_1^2 + y_2^2"
    assert check_answer("[2*y_1; 2*y_2]", f, wrt="y", latex=True).correct
    assert not check_answer("[2*y_1; y_2]", f, wrt="y", latex=True).correct


def test_a_line_the_function_does_not_use_is_named():
    d = derive("y = a'*X*b\nf = a'*exp(X*b)", wrt="X")
    assert any("the line defining y is not used" in note for note in d.notes)
    assert "the line defining y is not used" in d.to_text()
    used = derive("y = X*b\nf = a'*exp(y)", wrt="X")
    assert not any("not used" in note for note in used.notes)


SOLVED_BY_COMPONENTS = [
    # f as the cell writes it, and as NumPy computes it
    ("(y1 - 1)^2 + (y2 + 2)^2", lambda y: (y[0] - 1) ** 2 + (y[1] + 2) ** 2),
    ("y1^2 + y1*y2 + y2^2 - 3*y1", lambda y: y[0] ** 2 + y[0] * y[1] + y[1] ** 2 - 3 * y[0]),
    (
        "2*y1^2 + y2^2 - y1*y2 + y1 - 5*y2",
        lambda y: 2 * y[0] ** 2 + y[1] ** 2 - y[0] * y[1] + y[0] - 5 * y[1],
    ),
]


@pytest.mark.parametrize("f, value", SOLVED_BY_COMPONENTS)
def test_solve_by_components(f, value):
    d = derive(f"y = [y1; y2]\n{f}", wrt="y", solve=True)
    assert d.check_result.status == "passed"
    y_hat = d.evaluate_solution()
    # the gradient at the solution, by central differences, is zero
    h = 1e-5
    fd = np.array([(value(y_hat + h * e) - value(y_hat - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.abs(fd).max() < 1e-8


def test_solve_by_components_with_a_scalar_coefficient():
    d = derive("c: scalar\ny = [y1; y2]\nc*(y1 - 1)^2 + (y2 + 2)^2", wrt="y", solve=True)
    np.testing.assert_allclose(d.evaluate_solution(c=3.0), [1.0, -2.0])


@pytest.mark.parametrize(
    "f, message",
    [("exp(y1) + y2^2", "not linear"), ("(y1 + y2)^2", "do not determine y")],
)
def test_solve_by_components_refuses_what_it_cannot_solve(f, message):
    with pytest.raises(MatdiffError, match=message) as caught:
        derive(f"y = [y1; y2]\n{f}", wrt="y", solve=True)
    assert caught.value.line == 2


def test_solve_by_the_components_of_a_matrix_is_laid_out_as_the_matrix():
    d = derive("Y = [a, b; c, d]\nf = a^2 + b^2 + c^2 + d^2 - 2*a - 4*b + 6*c + a*d", wrt="Y", solve=True)
    Y = d.evaluate_solution()
    assert Y.shape == (2, 2)

    def f(M):
        a, b, c, dd = M[0, 0], M[0, 1], M[1, 0], M[1, 1]
        return a**2 + b**2 + c**2 + dd**2 - 2 * a - 4 * b + 6 * c + a * dd

    h = 1e-5
    for i in range(2):
        for j in range(2):
            E = np.zeros((2, 2))
            E[i, j] = h
            assert abs((f(Y + E) - f(Y - E)) / (2 * h)) < 1e-8


@pytest.mark.parametrize("f", ["y1^2 + abs(y1) - 3*y1 + y2^2", "y1^2 + relu(y1) + y2^2"])
def test_a_partial_that_vanishes_without_being_linear_is_not_solved(f):
    # sign(y₁)'s partial is 0 almost everywhere, but 2y₁ + sign(y₁) − 3 = 0 is not linear
    with pytest.raises(MatdiffError, match="not linear"):
        derive(f"y = [y1; y2]\n{f}", wrt="y", solve=True, check=False)


@pytest.mark.parametrize(
    "source, named",
    [
        ("y = a'*X*b\nf = a'*exp(X*b)  # y", "the line defining y is not used"),
        ("u = A*X*b\nv = u'*u\nf = norm2(X)^2", "the lines defining u, v are not used"),
    ],
)
def test_unused_lines_are_named_through_comments_and_chains(source, named):
    assert any(named in note for note in derive(source, wrt="X").notes)


def test_a_sample_statistic_is_never_called_unused():
    d = derive("xbar = 1/N*sum_i(x_i)\nf = sum_i(norm2(x_i - mu)^2)", wrt="mu")
    assert not any("not used" in note for note in d.notes)


def test_a_solution_refused_by_its_check_is_refused_under_the_line():
    with pytest.raises(MatdiffError, match="∂f/∂Σ = 0: the value the steps arrive at") as caught:
        derive("Sigma: symmetric\nf = tr(Sigma*A) + norm2(Sigma)^2", wrt="Sigma", solve=True)
    assert caught.value.line == 2


@pytest.mark.parametrize("convention", ["sym", "minka"])
def test_the_nearest_symmetric_matrix_is_solved_for(convention):
    # ‖S − A‖² over symmetric S: the stationary point is ½(A + Aᵀ)
    d = derive("S: symmetric\nf = norm2(S - A)^2", wrt="S", solve=True, symmetric=convention)
    assert "S\u0302 = ½ (A + Aᵀ)" in d.to_text()  # S with a combining hat, as printed
    A = np.random.default_rng(9).standard_normal((4, 4))
    S = d.evaluate_solution(A=A)
    np.testing.assert_allclose(S, (A + A.T) / 2)
    # at Ŝ, f does not change along any symmetric direction E (central differences)
    f = lambda M: np.sum((M - A) ** 2)
    for E in (np.eye(4), np.ones((4, 4)), np.diag([1.0, -2, 0, 3]) + np.eye(4, k=1) + np.eye(4, k=-1)):
        assert abs((f(S + 1e-5 * E) - f(S - 1e-5 * E)) / 2e-5) < 1e-7


@pytest.mark.parametrize(
    "wrt, source, name",
    [
        ("\\mathbf{W}_1", "\\boldsymbol{a}^T \\tanh(\\mathbf{W}_1 x)", "W_1"),
        ("W_{1}", "a^T \\tanh(W_1 x)", "W_1"),
        ("\\hat{\\beta}", "\\Vert y - X\\hat{\\beta}\\Vert^2", "betahat"),
        ("\\varepsilon", "\\varepsilon^T A \\varepsilon", "epsilon"),
    ],
)
def test_wrt_as_a_latex_cell_names_the_variable(shell_with_magic, wrt, source, name):
    d = derive(source, wrt=wrt)
    assert d.wrt.name == name and d.check_result.status == "passed"
    assert shell_with_magic.run_cell(f"%%matdiff --wrt '{wrt}' -o d\n{source}").success
    assert shell_with_magic.user_ns["d"].wrt.name == name


@pytest.fixture
def shell_with_magic():
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "matdiff_magic")
    return sh


def test_by_definition_by_components_takes_the_partials():
    d = derive("y = [y1; y2]\n(y1 - 1)^2 + y2^2", wrt="y", by_definition=True, solve=True)
    assert d.check_result.status == "passed"
    np.testing.assert_allclose(d.evaluate_solution(), [1.0, 0.0])
    y = np.array([0.4, -2.0])
    np.testing.assert_allclose(d.evaluate(y=y), [2 * (y[0] - 1), 2 * y[1]])


def test_a_linear_system_with_symbols_off_the_diagonal_says_so():
    with pytest.raises(MatdiffError, match="A holds symbols and is not diagonal"):
        derive("c, t: scalar\ny = [y1; y2]\n(y1-c)^2 + (y2 - t)^2 + c*y1*y2", wrt="y", solve=True)
