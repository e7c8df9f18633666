"""Two slips a user trial found in the seeds' examples.

Seed 002, Example 3: f(x_1, x_2) = \\ln(x_1) + x_1x_2 - \\sin(x_2), derived by x_1 or x_2 as the
notes write it (no declarations): x_1x_2 multiplies the entries x₁ and x₂ of x, so kind inference
makes them scalars (they were two vectors that do not multiply). Every layout against central
differences of the same f in NumPy (for a scalar by a scalar the layouts coincide).

Seed 000, composition: with f = g(Y), Y = AXB, the answer Aᵀ(∂f/∂Y)Bᵀ writes ∂f/∂Y for ∂g/∂Y
(f is g of Y): check_answer accepts it as it accepts Aᵀ(∂g/∂Y)Bᵀ; and an answer that cannot be
read because of ∂ gets a hint about answers, not about --wrt.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run
from numeric_helpers import assert_close, central_difference

from matdiff_magic import check_answer, derive

EXAMPLE_3 = r"f(x_1,x_2) = \ln(x_1) + x_1x_2 - \sin(x_2)"
LAYOUTS = ("numerator", "denominator", "mixed")
STEPS = {
    "x_1": [
        "log(x₁) + x₁ x₂ - sin(x₂)",
        "d(log(x₁) + x₁ x₂ - sin(x₂))",
        "d(log(x₁)) + d(x₁ x₂) - d(sin(x₂))",
        "d(log(x₁)) + d(x₁ x₂)",
        "(1/x₁) dx₁ + d(x₁ x₂)",
        "(1/x₁) dx₁ + dx₁ x₂ + x₁ dx₂",
        "(1/x₁) dx₁ + dx₁ x₂",
        "(x₁⁻¹ + x₂) dx₁",
        "x₂ + x₁⁻¹",
    ],
    "x_2": [
        "log(x₁) + x₁ x₂ - sin(x₂)",
        "d(log(x₁) + x₁ x₂ - sin(x₂))",
        "d(log(x₁)) + d(x₁ x₂) - d(sin(x₂))",
        "d(x₁ x₂) - d(sin(x₂))",
        "dx₁ x₂ + x₁ dx₂ - d(sin(x₂))",
        "x₁ dx₂ - d(sin(x₂))",
        "x₁ dx₂ - cos(x₂) dx₂",
        "(x₁ - cos(x₂)) dx₂",
        "x₁ - cos(x₂)",
    ],
}


def f_numpy(x_1, x_2):
    return float(np.log(x_1) + x_1 * x_2 - np.sin(x_2))


@pytest.mark.parametrize("wrt", ["x_1", "x_2"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_002_example_3_by_an_entry_as_the_notes_write_it(wrt, layout):
    d = derive(EXAMPLE_3, wrt=wrt, layout=layout)
    assert {v.name: v.kind for v in d.variables} == {"x_1": "scalar", "x_2": "scalar"}
    texts = [s.text for s in d.steps]
    assert texts[: len(STEPS[wrt])] == STEPS[wrt]
    assert all(t == STEPS[wrt][-1] for t in texts[len(STEPS[wrt]) :])  # the layout's line: the same
    assert d.check_result.status == "passed"
    rng = np.random.default_rng(2)
    for point in [{"x_1": 2.0, "x_2": 5.0}] + [
        {"x_1": float(rng.uniform(0.5, 3)), "x_2": float(rng.uniform(-3, 3))} for _ in range(3)
    ]:
        fd = central_difference(f_numpy, point, wrt)
        np.testing.assert_allclose(float(d.evaluate(**point)), fd, rtol=1e-6)
    exact = {"x_1": 1 / 2 + 5, "x_2": 2 - np.cos(5)}[wrt]
    assert float(d.evaluate(x_1=2.0, x_2=5.0)) == pytest.approx(exact, rel=1e-12)


def test_seed_002_example_3_in_the_magic(shell):
    result, captured = run(shell, "%%matdiff --wrt x_1\n" + EXAMPLE_3 + "\n")
    assert result.success
    text = captured.stdout + captured.stderr
    assert "shape mismatch" not in text and "Traceback" not in text


def test_other_products_of_vectors_keep_their_shape_error():
    with pytest.raises(Exception, match="shape mismatch") as info:
        derive("a*b", wrt="a")
    assert "for an inner product write a'*b" in info.value.hint
    with pytest.raises(Exception, match="shape mismatch"):
        derive("x_1*y_2", wrt="x_1")  # entries of two different vectors: nothing is decided


COMPOSITION = "g: function\nY = A*X*B\nf = g(Y)"


@pytest.mark.parametrize(
    "answer",
    [
        r"A^T\frac{\partial f}{\partial Y}B^T",  # seed 000 as the notes write it
        r"A^T\frac{\partial g}{\partial Y}B^T",
        r"A^T \nabla f(Y) B^T",
    ],
)
def test_seed_000_composition_answer_by_f_or_by_g(answer):
    result = check_answer(answer, COMPOSITION, wrt="X")
    assert result.correct and result.kind == "correct", str(result)
    assert str(result).startswith("✓")


@pytest.mark.parametrize(
    "answer",
    [
        r"A\frac{\partial f}{\partial Y}B",
        r"2A^T\frac{\partial f}{\partial Y}B^T",
        r"A\frac{\partial g}{\partial Y}B",
    ],
)
def test_a_wrong_composition_answer_is_still_wrong(answer):
    result = check_answer(answer, COMPOSITION, wrt="X")
    assert not result.correct and str(result).startswith("✗")


def test_f_means_g_only_where_f_is_g_of_y():
    # f = 2 g(Y): ∂f/∂Y is not ∂g/∂Y, and f is not read as g
    result = check_answer(
        r"A^T\frac{\partial f}{\partial Y}B^T", "g: function\nY = A*X*B\nf = 2*g(Y)", wrt="X"
    )
    assert not result.correct and result.kind == "unreadable"


def test_the_hint_of_an_unreadable_answer_speaks_of_answers():
    result = check_answer(r"\frac{\partial h}{\partial Y}", COMPOSITION, wrt="X")
    text = str(result)
    assert result.kind == "unreadable" and "--wrt" not in text
    assert "an answer is the derivative written out in the variables of f" in text
    assert "(g)" in text
    result = check_answer(r"\frac{\partial f}{\partial X}", "a^T X b", wrt="X")
    assert "--wrt" not in str(result) and "without ∂, ∇ or d" in str(result)
    zh = str(check_answer(r"\frac{\partial f}{\partial X}", "a^T X b", wrt="X", lang="zh"))
    assert "答案是用 f 的变量写出的导数本身" in zh and "--wrt" not in zh


def test_an_entry_written_as_a_matrix_argument_keeps_the_fallback():
    """logdet(x_1) makes x_1 a matrix (the fallback for names written as a matrix function's
    argument), so x_1*x_2 there is a matrix times a vector, not a product of entries."""
    d = derive("logdet(x_1) + norm2(x_1*x_2)^2", wrt="x_2")
    assert d.steps[-1].text == "2 x₁ᵀ x₁ x₂"
    rng = np.random.default_rng(4)
    X1 = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    values = {"x_1": X1, "x_2": rng.standard_normal(3)}
    g = central_difference(lambda x_1, x_2: np.linalg.slogdet(x_1)[1] + np.sum((x_1 @ x_2) ** 2), values, "x_2")
    assert_close(d.evaluate(**values), g, 1e-6, "mixed")
