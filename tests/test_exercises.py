"""check_answer: right answers in every equivalent form are accepted, and each kind of wrong answer
is explained (layout, transpose, factor, sign, shape, symmetric only, swapped Kronecker factors,
unreadable, empty, undefined). The identities are the seeds' (001 Examples 1–5, 002's common
results, 000's composition) and the Matrix Cookbook's; one test checks an accepted answer against
central differences computed here with NumPy alone."""
from __future__ import annotations

import json
import pathlib
import re

import numpy as np
import pytest

from matdiff_magic import MatdiffError, check_answer, derive
from matdiff_magic.exercises.diagnose import AnswerCheck

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"


# ---- right answers, including equivalent forms
RIGHT = [
    # (answer, f, wrt, options) — the identity, where it comes from
    ("a", "a'*x", "x", {}),                                          # seed 001 Example 1
    ("a'", "a'*x", "x", {"layout": "numerator"}),
    ("a*b'", "a'*X*b", "X", {}),                                     # seed 001 Examples 2, 2.2
    ("(b*a')'", "a'*X*b", "X", {"layout": "denominator"}),
    ("b*a'", "a'*X*b", "X", {"layout": "numerator"}),
    ("(a*b')'", "a'*X*b", "X", {"layout": "numerator"}),
    ("(a.*exp(X*b))*b'", "a'*exp(X*b)", "X", {}),                    # seed 001 Example 3
    ("2*X'*(X*beta - y)", "l = norm2(y - X*beta)^2", "beta", {}),     # seed 001 Example 4
    ("2*X'*X*beta - 2*X'*y", "l = norm2(y - X*beta)^2", "beta", {}),
    ("-2*X'*(y - X*beta)", "l = norm2(y - X*beta)^2", "beta", {}),
    ("inv(Sigma) - inv(Sigma)*S*inv(Sigma)",                          # seed 001 Example 5
     "Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma", {}),
    ("(inv(Sigma) - inv(Sigma)*S*inv(Sigma))'",                       # the seed's transposed form
     "l = log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma", {}),
    ("A'", "A*y", "y", {"layout": "denominator"}),                    # seed 002: ∂Ay/∂y = Aᵀ
    ("A", "A*y", "y", {}),                                           # mixed: the Jacobian
    ("A*y + A'*y", "y'*A*y", "y", {}),                               # seed 002: Ay + Aᵀy
    ("(A + A')*y", "y'*A*y", "y", {}),
    ("2*P*diag(y) + Q", "P*(y.*y) + Q*y", "y", {}),                  # seed 002 Example 2
    ("2*diag(y)*P' + Q'", "P*(y.*y) + Q*y", "y", {"layout": "denominator"}),
    ("A'*a*b'*B'", "Y = A*X*B\nf = a'*Y*b", "X", {}),                 # seed 000: Aᵀ(∂f/∂Y)Bᵀ
    ("2*A'*Y*B'", "Y = A*X*B\nf = tr(Y'*Y)", "X", {}),                # …with Y itself in the answer
    ("2*A'*A*X*B*B'", "Y = A*X*B\nf = tr(Y'*Y)", "X", {}),
    ("inv(X)'", "log(det(X))", "X", {}),                             # Cookbook (57)
    ("det(X)*inv(X)'", "det(X)", "X", {}),                           # Cookbook (49)
    ("A'", "tr(A*X)", "X", {}),                                      # Cookbook (100)
    ("(A + A')*X", "tr(X'*A*X)", "X", {}),                           # Cookbook (107)
    ("kron(B', A)", "A*X*B", "X", {}),                               # vec(AXB) = (Bᵀ ⊗ A) vec X
    ("kron(eye, A)", "A*X", "X", {}),                                # an eye sized by the answer
    ("kron(B', eye)", "X*B", "X", {}),
    ("-kron(inv(X)', inv(X))", "inv(X)", "X", {}),
    ("diag(softmax(x)) - softmax(x)*softmax(x)'", "softmax(x)", "x", {}),
    ("A + A'", "x'*A*x", "x", {"order": 2}),                         # Hessians
    ("2*X'*X", "norm2(X*w - y)^2", "w", {"order": 2}),
    ("X'*(sigmoid(X*w) - y)",
     "-(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w)))", "w", {}),
    ("2*X*a*a'", "norm2(X*a)^2", "X", {}),
    ("matrix(1)", "sum(X)", "X", {}),
    ("eye", "tr(X)", "X", {}),
    ("2*x", "x: scalar\nx^2", "x", {}),                              # a scalar variable
]


@pytest.mark.parametrize("answer, f, wrt, opts", RIGHT, ids=[f"{r[1]}|{r[0]}" for r in RIGHT])
def test_right_answers_are_accepted(answer, f, wrt, opts):
    r = check_answer(answer, f, wrt=wrt, **opts)
    assert r.correct and r.kind == "correct" and bool(r), r.message
    assert r.message.startswith("✓ Correct")


def test_accepted_answer_agrees_with_independent_finite_differences():
    # seed 001 Example 3: ∂ aᵀexp(Xb)/∂X = (a ⊙ exp(Xb)) bᵀ, checked here without the package
    assert check_answer("(a.*exp(X*b))*b'", "a'*exp(X*b)", wrt="X").correct
    rng = np.random.default_rng(3)
    a, X, b = rng.standard_normal(4), 0.5 * rng.standard_normal((4, 3)), rng.standard_normal(3)
    f = lambda X: a @ np.exp(X @ b)
    fd = np.zeros_like(X)
    for i, j in np.ndindex(*X.shape):
        E = np.zeros_like(X)
        E[i, j] = 1e-6
        fd[i, j] = (f(X + E) - f(X - E)) / 2e-6
    assert np.allclose(np.outer(a * np.exp(X @ b), b), fd, atol=1e-7)


def test_sizes_are_distinct_and_vary_between_points():
    r = check_answer("a*b'", "a'*X*b", wrt="X")
    assert "m=3, n=2" in r.message and "m=2, n=3" in r.message
    assert "3 random points" in r.message
    assert "5 random points" in check_answer("a*b'", "a'*X*b", wrt="X", points=5).message


# ---- each kind of wrong answer, with its explanation
def test_numerator_layout_answer_is_a_wrong_layout():
    r = check_answer("b*a'", "a'*X*b", wrt="X")
    assert (r.correct, r.kind) == (False, "layout")
    assert "numerator layout" in r.message and "n×m" in r.message and "m×n" in r.message
    assert "transpose your answer" in r.message


def test_a_row_gradient_is_a_wrong_layout():
    r = check_answer("2*x'", "x'*x", wrt="x")
    assert r.kind == "layout"
    assert "a row vector (1×m)" in r.message and "a column vector (m×1)" in r.message


def test_denominator_answer_where_the_jacobian_is_due():
    r = check_answer("A'", "A*y", wrt="y")
    assert r.kind == "layout"
    assert "denominator layout" in r.message and "Jacobian" in r.message


def test_denominator_layout_asked_for_a_numerator_answer():
    r = check_answer("a", "a'*x", wrt="x", layout="numerator")
    assert r.kind == "layout" and "denominator layout" in r.message


def test_missing_transpose_on_a_square_matrix():
    # ∂ log|X|/∂X = X⁻ᵀ: X⁻¹ has the right shape but is the transpose
    r = check_answer("inv(X)", "log(det(X))", wrt="X")
    assert (r.correct, r.kind) == (False, "transpose")
    assert "Missing transpose" in r.message and "numerator-layout" in r.message


def test_transposed_answer_to_an_inverse():
    r = check_answer("-inv(X)*b*a'*inv(X)", "a'*inv(X)*b", wrt="X")
    assert r.kind == "transpose"


@pytest.mark.parametrize("answer, factor, hint", [
    ("2*a*b'", "2", "divide by 2"),
    ("X'*(X*beta - y)", "1/2", "multiply by 2"),
    ("3*a*b'", "3", "divide by 3"),
])
def test_wrong_factor_says_by_which(answer, factor, hint):
    f = "norm2(y - X*beta)^2" if "beta" in answer else "a'*X*b"
    wrt = "beta" if "beta" in answer else "X"
    r = check_answer(answer, f, wrt=wrt)
    assert r.kind == "factor"
    assert f"your answer is {factor} times" in r.message and hint in r.message
    assert float(r.factor) == pytest.approx(eval(factor))


def test_sign_error():
    r = check_answer("2*X'*(y - X*beta)", "norm2(y - X*beta)^2", wrt="beta")
    assert r.kind == "sign" and "negative" in r.message
    r = check_answer("2*inv(Sigma)*(x - mu)", "Sigma: symmetric\n(x - mu)'*inv(Sigma)*(x - mu)", wrt="mu")
    assert r.kind == "sign"


def test_factor_and_transpose_together():
    r = check_answer("2*inv(X)", "log(det(X))", wrt="X")
    assert r.kind == "factor" and "transpose" in r.message and "2 times" in r.message


def test_shape_mismatch_names_both_shapes():
    r = check_answer("a", "a'*X*b", wrt="X")
    assert (r.correct, r.kind) == (False, "shape")
    assert "a column vector (m×1)" in r.message and "m×n" in r.message
    assert "3×1 at the test point" in r.message and "3×2 at the test point" in r.message


def test_scalar_answer_suggests_f_or_df_was_written():
    r = check_answer("x'*A*x", "x'*A*x", wrt="x")
    assert r.kind == "shape" and "differential" in r.message


def test_elementwise_jacobian_written_as_a_vector():
    r = check_answer("sigmoid(x).*(vector(1) - sigmoid(x))", "sigmoid(x)", wrt="x")
    assert r.kind == "shape" and "diag(" in r.message


def test_answer_right_only_for_symmetric_matrices():
    # seed 002: ∂ yᵀAy/∂y = Ay + Aᵀy, which is 2Ay only for a symmetric A
    r = check_answer("2*A*y", "y'*A*y", wrt="y")
    assert r.kind == "symmetric"
    assert "symmetric A" in r.message and "A = Aᵀ" in r.message
    assert check_answer("2*A", "x'*A*x", wrt="x", order=2).kind == "symmetric"
    # declared symmetric: 2Ay is right
    assert check_answer("2*A*y", "A: symmetric\ny'*A*y", wrt="y").correct


def test_kronecker_factors_swapped():
    r = check_answer("kron(A, B')", "A*X*B", wrt="X")
    assert r.kind == "kron-order" and "Bᵀ ⊗ A" in r.message


def test_zero_answer():
    assert check_answer("0*a", "a'*x", wrt="x").kind == "zero"


def test_plainly_wrong_answer_reports_the_difference():
    r = check_answer("X + a*b'", "a'*X*b", wrt="X")
    assert r.kind == "wrong" and "Not equal" in r.message and "relative" in r.message


# ---- answers that cannot be read or evaluated: the package's message, never a traceback
def test_syntax_error_gives_the_package_message_with_a_caret():
    r = check_answer("a*b' +", "a'*X*b", wrt="X")
    assert (r.correct, r.kind) == (False, "unreadable")
    text = str(r)
    assert "ends too early" in text and "line 1 | a*b' +" in text and "^" in text


def test_shape_error_inside_the_answer_uses_f_sizes():
    r = check_answer("a'*b", "a'*X*b", wrt="X")
    assert r.kind == "unreadable"
    assert "cannot multiply a' (a row vector (1×m)) by b (a vector (n×1))" in str(r)
    assert "§" not in str(r) and "§" not in r._repr_markdown_()


def test_unknown_name_is_pointed_at():
    r = check_answer("a*c'", "a'*X*b", wrt="X")
    assert r.kind == "unreadable"
    lines = str(r).split("\n")
    assert "c is not a variable of f: use X, a, b" in lines[1]
    caret = lines[3].index("^") - lines[2].index("|") - 2
    assert "a*c'"[caret] == "c"


def test_placeholder_is_not_an_error():
    for placeholder in ("...", "", "  "):
        r = check_answer(placeholder, "a'*X*b", wrt="X")
        assert (r.correct, r.kind) == (False, "empty")
        assert "No answer yet" in r.message and "m×n" in r.message


def test_undefined_answer():
    r = check_answer("vector(1) + sqrt(-(x.*x))", "sum(x)", wrt="x")
    assert r.kind == "undefined" and "NaN" in r.message


def test_mistake_in_the_exercise_itself_raises():
    with pytest.raises(MatdiffError):
        check_answer("a", "a'*X*", wrt="X")
    with pytest.raises(MatdiffError):
        check_answer("a", "a'*X*b", wrt="Z")
    with pytest.raises(TypeError):
        check_answer(None, "a'*X*b", wrt="X")


def test_reveal_gives_the_right_answer():
    assert "The right answer: a bᵀ" in check_answer("b*a'", "a'*X*b", wrt="X", reveal=True).message
    assert "a bᵀ" not in check_answer("b*a'", "a'*X*b", wrt="X").message
    assert check_answer("b*a'", "a'*X*b", wrt="X").expected == "a bᵀ"


# ---- display
def test_result_displays_as_markdown_and_text():
    r = check_answer("b*a'", "a'*X*b", wrt="X")
    assert isinstance(r, AnswerCheck)
    md = r._repr_markdown_()
    assert md.startswith("**✗ Wrong layout**")
    assert r"$\boldsymbol{b} \boldsymbol{a}^{T}$" in md          # the answer as parsed, typeset
    assert repr(r) == str(r) == r.message
    ok = check_answer("a*b'", "a'*X*b", wrt="X")._repr_markdown_()
    assert ok.startswith("**✓ Correct**")


def test_markdown_never_carries_the_raw_answer():
    r = check_answer("a```<img src=x onerror=alert(1)>", "a'*x", wrt="x")
    md = r._repr_markdown_()
    fence = re.match(r"\*\*.*\*\*:\n\n(`+)\n", md).group(1)
    assert len(fence) > 3 and md.rstrip().endswith(fence)              # the fence outlasts the answer's
    assert "<img" not in md.split(fence)[0]


def test_lazy_export():
    import matdiff_magic
    assert "check_answer" in matdiff_magic.__all__
    assert matdiff_magic.check_answer is check_answer


# ---- the course's exercises: their solutions are right, and every notebook's exercise runs
SOLUTIONS = re.compile(r'check_answer\((".*?(?<!\\)"), (".*?(?<!\\)"), (wrt="\w+"(?:, \w+=(?:"\w+"|\d))*)\)')


def _solution_calls():
    calls = []
    for path in sorted(NOTEBOOKS.glob("0*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and "Solutions" in src:
                calls += [(path.stem, m.groups()) for m in SOLUTIONS.finditer(src)]
    return calls


@pytest.mark.parametrize("notebook, call", _solution_calls())
def test_notebook_solutions_are_right(notebook, call):
    answer, f, options = call
    kwargs = dict(re.findall(r'(\w+)=("?\w+"?)', options))
    kwargs = {k: json.loads(v) for k, v in kwargs.items()}
    r = check_answer(json.loads(answer), json.loads(f), **kwargs)
    assert r.correct, f"{notebook}: {r.message}"


def test_every_course_notebook_has_exercises_with_solutions():
    stems = {stem for stem, _ in _solution_calls()}
    for name in ("01_layouts", "02_definition_vs_differential", "03_differential_rules_and_trace_tricks",
                 "04_applications", "06_matrix_by_matrix"):
        assert name in stems
        count = sum(1 for stem, _ in _solution_calls() if stem == name)
        assert 2 <= count <= 4 + 2, (name, count)  # notebook 02 adds sums over samples and g: function


# the notes' answers pasted as LaTeX (seed 001 Examples 1 and 3), f typed either way
LATEX_ANSWERS = [
    (r"\pmb a \pmb b^T", r"\pmb a^T X \pmb b", {"latex": True}, "correct"),
    (r"\left(\pmb{b}\pmb{a}^{T}\right)^{T}", r"\pmb a^T X \pmb b", {}, "correct"),
    (r"(\boldsymbol{a} \odot \exp (X \boldsymbol{b})) \boldsymbol{b}^{T}", "a'*exp(X*b)", {}, "correct"),
    (r"\boldsymbol{b} \boldsymbol{a}^{T}", "a'*X*b", {}, "layout"),
    (r"-\boldsymbol{a} \boldsymbol{b}^{T}", "a'*X*b", {}, "sign"),
]


@pytest.mark.parametrize("answer, f, opts, kind", LATEX_ANSWERS, ids=[a for a, *_ in LATEX_ANSWERS])
def test_an_answer_in_latex_is_read_as_a_latex_cell_is(answer, f, opts, kind):
    r = check_answer(answer, f, wrt="X", **opts)
    assert r.kind == kind, r.message
    assert r.correct == (kind == "correct")


def test_a_latex_answer_that_cannot_be_read_points_into_the_latex():
    r = check_answer(r"\pmb a \pmb c^T", r"\pmb a^T X \pmb b", wrt="X")
    assert r.kind == "unreadable"
    text = "\n".join(r.details)
    assert "c is not a variable of f" in text and r"\pmb a \pmb c^T" in text
    caret = next(line for line in r.details if line.strip() == "^")
    source = next(line for line in r.details if r"\pmb a \pmb c^T" in line)
    assert source[caret.index("^")] == "c"  # under the c of \pmb c, not of the translation


def test_a_wrong_answer_is_reported_at_the_point_where_it_differs_most():
    # right wherever x > 0 (the first point): the message names a point where it is wrong
    r = check_answer("2*abs(x)", "x'*x", wrt="x")
    assert r.kind == "wrong"
    error = float(re.search(r"by up to ([0-9.e+-]+)", r.message).group(1))
    assert error > 0.1, r.message


@pytest.mark.parametrize(
    "factor, shown", [("1.0001", "1.0001"), ("0.9999", "0.9999"), ("1.2345678", "1.235")]
)
def test_a_factor_near_one_is_not_written_as_one(factor, shown):
    r = check_answer(f"a*b'*{factor}", "a'*X*b", wrt="X")
    assert r.kind == "factor"
    assert f"your answer is {shown} times" in r.message, r.message


@pytest.mark.parametrize(
    "answer, f",
    [
        ("A'*inv(A*X*B)'*B'", "log(det(A*X*B))"),  # AXB (m×m) is singular wherever m > n
        ("det(A*X*B)*A'*inv(A*X*B)'*B'", "det(A*X*B)"),
        ("-A'*inv(A*X*B)'*inv(A*X*B)'*B'", "tr(inv(A*X*B))"),
    ],
)
def test_sizes_where_f_is_defined_are_found_when_the_first_are_singular(answer, f):
    for seed in range(3):
        r = check_answer(answer, f, wrt="X", seed=seed)
        assert r.correct, r.message


def test_f_defined_at_no_size_tried_is_not_blamed_on_the_answer():
    r = check_answer("2*inv(x*x')*x", "log(det(x*x'))", wrt="x")  # x xᵀ has rank 1
    assert r.kind == "unchecked" and not r.correct
    assert r.message.startswith("? Could not check") and "Not defined" not in r.message


@pytest.mark.parametrize(
    "answer, f",
    [
        ("[y_1^-1; y_2^-1]", r"f(y_1,y_2) = \ln y_1 + \ln y_2"),
        ("[y_1^(-1); y_2^(-1)]", r"f(y_1,y_2) = \ln y_1 + \ln y_2"),
        ("[0.5*y_1^(-1/2); 1]", r"f(y_1,y_2) = \sqrt{y_1} + y_2"),
        ("sigmoid(x).*(1-sigmoid(x))", "sum(sigmoid(x))"),
        ("k*norm2(x)^(k-2)*x", "norm2(x)^k"),
        ("a b^T", r"\pmb a^T X \pmb b"),  # not the language: read as LaTeX then
    ],
)
def test_with_latex_true_an_answer_in_the_language_is_read_as_such(answer, f):
    wrt = "y" if "y_1" in f else "X" if "X" in f else "x"
    r = check_answer(answer, f, wrt=wrt, latex=True)
    assert r.correct, r.message


@pytest.mark.parametrize("answer", ["I", "eye(m)", r"\mathbf{I}", "I_{m}"])
def test_the_identity_is_read_as_the_notes_write_it(answer):
    # seed 000: ∂ tr X/∂X = I; "I is not a variable of f", "m is not a variable of f" before
    result = check_answer(answer, r"\operatorname{tr}(X)", wrt="X")
    assert result.correct, result.message


def test_a_variable_named_I_stays_a_variable():
    assert check_answer("2*I", r"\operatorname{tr}(X)", wrt="X").kind == "factor"
    declared = check_answer("I", "I: matrix\ntr(I*X)", wrt="X")  # ∂/∂X = Iᵀ for a matrix I
    assert not declared.correct
    assert check_answer("I'", "I: matrix\ntr(I*X)", wrt="X").correct


COMPOSITION = "f: function\nY = AXB\nf(Y)"  # seed 000: ∂f/∂X = Aᵀ (∂f/∂Y) Bᵀ


@pytest.mark.parametrize("answer", [
    r"A^T\frac{\partial f}{\partial Y}B^T", r"A^T \nabla f(Y) B^T", r"A^T \nabla f(AXB) B^T",
])
def test_the_outer_derivative_is_read_as_the_notes_write_it(answer):
    # "\partial is not part of a formula matdiff derives": the notes' answer could not be given
    result = check_answer(answer, COMPOSITION, wrt="X", layout="denominator", latex=True)
    assert result.correct, result.message


def test_the_derivations_own_result_pasted_back_is_correct_and_a_wrong_one_is_not():
    d = derive(COMPOSITION, wrt="X", layout="denominator", latex=True)
    assert d.steps[-1].latex == r"A^{T} \frac{\partial f}{\partial Y} B^{T}"
    assert check_answer(d.steps[-1].latex, COMPOSITION, wrt="X", layout="denominator", latex=True).correct
    transposed = r"B\frac{\partial f}{\partial Y}^TA"
    assert check_answer(transposed, COMPOSITION, wrt="X", layout="denominator", latex=True).kind == "layout"
    with pytest.raises(MatdiffError, match=r"\\partial is not part of a formula"):  # f itself: refused
        derive("f: function\n" + r"\frac{\partial f}{\partial Y}", wrt="Y")


@pytest.mark.parametrize("answer, f, wrt, kind", [
    ("f*a", "exp(a'*x)", "x", "correct"),            # f's own name stands for f
    ("2*f*a", "exp(a'*x)", "x", "factor"),
    ("f*inv(X)'", "det(X)", "X", "correct"),
    (r"\frac{1}{2}p(\Sigma^{-1}+\Sigma^{-T})(\pmb x-\pmb\mu)",
     r"p = \frac{1}{(2\pi)^{n/2}|\Sigma|^{1/2}}\exp\left(-\frac{1}{2}(\pmb x-\pmb\mu)^T\Sigma^{-1}(\pmb x-\pmb\mu)\right)",
     "mu", "correct"),
    (r"p \Sigma^{-1}(\pmb x-\pmb\mu)",  # right where Σ is symmetric, which is not declared
     r"p = \frac{1}{(2\pi)^{n/2}|\Sigma|^{1/2}}\exp\left(-\frac{1}{2}(\pmb x-\pmb\mu)^T\Sigma^{-1}(\pmb x-\pmb\mu)\right)",
     "mu", "symmetric"),
])
def test_an_answer_may_write_f_by_its_name(answer, f, wrt, kind):
    # "p is not a variable of p": the density's gradient is written with p itself in the notes
    result = check_answer(answer, f, wrt=wrt, layout="denominator")
    assert result.kind == kind, result.message


@pytest.mark.parametrize("answer, kind", [
    ("kron(eye(p), A)", "correct"),
    ("kron(eye(m), A)", "shape"),   # I_m ⊗ A, 9×6 at m=3, n=2: it was accepted, its size ignored
    ("kron(eye(n), A)", "shape"),
    (r"I_p \otimes A", "correct"),
    (r"I_n \otimes A", "shape"),
])
def test_a_size_written_in_an_identity_is_fs_size(answer, kind):
    f = "A: matrix(m, n)\nX: matrix(n, p)\nvec(A*X)"  # ∂ vec(AX)/∂(vec X)ᵀ = I_p ⊗ A
    result = check_answer(answer, f, wrt="X", layout="numerator")
    assert result.kind == kind, result.message


def test_an_identity_of_the_right_size_beside_a_vector_is_read():
    f = "X: matrix(m, n)\nf = a'*X*b"
    assert check_answer("a*b'*eye(n)", f, wrt="X").correct  # was "cannot be read": eye(n) unsized
    assert not check_answer("a*b'*eye(m)", f, wrt="X").correct


def test_fs_own_name_inside_a_sum_over_samples_is_refused_when_f_sums_itself():
    f = "f = log(sum_i(exp(a'*x_i)))"
    outside = check_answer("exp(-f)*sum_i(exp(a'*x_i)*x_i)", f, wrt="a")
    assert outside.correct, outside.message
    inside = check_answer("sum_i(exp(a'*x_i - f)*x_i)", f, wrt="a")  # was "runs over 4 samples…"
    assert inside.kind == "unreadable" and "cannot stand for f" in " ".join(inside.details)
