"""The seeds' worked examples come out with the seeds' intermediate steps (seed 001 Examples 2.2,
3, 4, 5; seed 000's composition rules are in test_rules). Each line is pinned, and each result is
checked numerically."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from numeric_helpers import assert_close, central_difference, random_values


def lines(d):
    return [(s.rule, s.text) for s in d.steps]


def test_example_2_2_bilinear_form():
    """y = aᵀXb: dy = aᵀ dX b = tr(b aᵀ dX), so ∂y/∂X = (b aᵀ)ᵀ = a bᵀ."""
    d = derive("a'*X*b", wrt="X", layout="denominator")
    assert lines(d) == [
        ("function", "aᵀ X b"),
        ("take the differential", "d(aᵀ X b)"),
        ("product rule", "d(aᵀ) X b + aᵀ dX b + aᵀ X db"),
        ("constant", "aᵀ dX b"),
        ("scalar equals its trace", "tr(aᵀ dX b)"),
        ("cyclic property", "tr(b aᵀ dX)"),
        ("read off", "(b aᵀ)ᵀ = a bᵀ"),
        ("denominator layout", "a bᵀ"),
    ]
    cyclic = d.steps[5]
    assert cyclic.note == "move b to the front"
    assert cyclic.identity.latex == r"\operatorname{tr}(AB) = \operatorname{tr}(BA)"
    assert r"{\color{#d62728}{\boldsymbol{b}}}" in cyclic.latex_highlighted


def test_example_3_exp():
    """f = aᵀexp(Xb): the Hadamard trick then the cyclic property, ∂f/∂X = (a ⊙ exp(Xb)) bᵀ."""
    d = derive("a'*exp(X*b)", wrt="X", layout="denominator")
    assert lines(d) == [
        ("function", "aᵀ exp(X b)"),
        ("take the differential", "d(aᵀ exp(X b))"),
        ("product rule", "d(aᵀ) exp(X b) + aᵀ d(exp(X b))"),
        ("constant", "aᵀ d(exp(X b))"),
        ("element-wise exp", "aᵀ (exp(X b) ⊙ d(X b))"),
        ("product rule", "aᵀ (exp(X b) ⊙ (dX b + X db))"),
        ("constant", "aᵀ (exp(X b) ⊙ dX b)"),                  # seed: aᵀ(exp(Xb) ⊙ (dX b))
        ("scalar equals its trace", "tr(aᵀ (exp(X b) ⊙ dX b))"),
        ("Hadamard trick", "tr((a ⊙ exp(X b))ᵀ dX b)"),         # seed: tr((a ⊙ exp(Xb))ᵀ dX b)
        ("cyclic property", "tr(b (a ⊙ exp(X b))ᵀ dX)"),        # seed: tr(b (a ⊙ exp(Xb))ᵀ dX)
        ("read off", "(b (a ⊙ exp(X b))ᵀ)ᵀ = (a ⊙ exp(X b)) bᵀ"),
        ("denominator layout", "(a ⊙ exp(X b)) bᵀ"),
    ]
    assert d.steps[8].identity.text == "tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀC)"


def test_example_4_least_squares():
    """l = ‖y − Xβ‖²: dl = (−X dβ)ᵀ(y − Xβ) − (y − Xβ)ᵀX dβ = 2(Xβ − y)ᵀX dβ, gradient 2Xᵀ(Xβ − y)."""
    d = derive("norm2(y - X*beta)^2", wrt="beta", layout="denominator")
    got = lines(d)
    assert got[2] == ("squared norm", "d((y - X β)ᵀ (y - X β))")         # l = (y − Xβ)ᵀ(y − Xβ)
    assert ("constant", "-(X dβ)ᵀ (y - X β) - (y - X β)ᵀ X dβ") in got    # the seed's second line
    assert got[-4:] == [
        ("transpose of a scalar", "-(y - X β)ᵀ X dβ - (y - X β)ᵀ X dβ"),
        ("linearity", "2 (X β - y)ᵀ X dβ"),                                  # the seed's third line
        ("read off", "(2 (X β - y)ᵀ X)ᵀ = 2 Xᵀ (X β - y)"),
        ("denominator layout", "2 Xᵀ (X β - y)"),
    ]
    # for a vector the trace is not shown: df = gᵀ dβ, as in the seed
    assert not any(s.text.startswith("tr(") for s in d.steps)


def test_example_5_mvn_covariance():
    """l = log|Σ| + tr(SΣ⁻¹) with S the sample covariance: ∂l/∂Σ = Σ⁻¹ − Σ⁻¹SΣ⁻¹."""
    d = derive("Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma",
               layout="denominator")
    assert lines(d) == [
        ("function", "log|Σ| + tr(S Σ⁻¹)"),
        ("take the differential", "d(log|Σ| + tr(S Σ⁻¹))"),
        ("sum rule", "d(log|Σ|) + d(tr(S Σ⁻¹))"),
        ("chain rule (log)", "|Σ|⁻¹ d|Σ| + d(tr(S Σ⁻¹))"),                 # seed: |Σ|⁻¹ d|Σ|
        ("determinant", "tr(Σ⁻¹ dΣ) + d(tr(S Σ⁻¹))"),                       # = tr(Σ⁻¹ dΣ)
        ("trace", "tr(Σ⁻¹ dΣ) + tr(d(S Σ⁻¹))"),
        ("product rule", "tr(Σ⁻¹ dΣ) + tr(dS Σ⁻¹ + S d(Σ⁻¹))"),
        ("constant", "tr(Σ⁻¹ dΣ) + tr(S d(Σ⁻¹))"),
        ("inverse", "tr(Σ⁻¹ dΣ) - tr(S Σ⁻¹ dΣ Σ⁻¹)"),                      # seed: −Σ⁻¹ dΣ Σ⁻¹
        ("cyclic property", "tr(Σ⁻¹ dΣ) - tr(Σ⁻¹ S Σ⁻¹ dΣ)"),               # seed: tr(Σ⁻¹SΣ⁻¹dΣ)
        ("linearity", "tr((Σ⁻¹ - Σ⁻¹ S Σ⁻¹) dΣ)"),                          # seed: dl
        ("read off", "(Σ⁻¹ - Σ⁻¹ S Σ⁻¹)ᵀ = Σ⁻¹ - Σ⁻¹ S Σ⁻¹"),
        ("denominator layout", "Σ⁻¹ - Σ⁻¹ S Σ⁻¹"),
    ]
    assert d.name == "l"


def test_example_5_stationary_point_is_the_sample_covariance():
    """At Σ = S the derivative vanishes (Σ̂ = S), checked on data."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((200, 3)) @ np.array([[1.0, 0.2, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
    S = np.cov(x.T, bias=True)
    d = derive("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma")
    assert np.abs(d.evaluate(Sigma=S, S=S)).max() < 1e-12
    assert np.abs(d.evaluate(Sigma=S + np.eye(3) * 0.1, S=S)).max() > 1e-3


@pytest.mark.parametrize("source, wrt", [("a'*X*b", "X"), ("a'*exp(X*b)", "X"),
                                         ("norm2(y - X*beta)^2", "beta")])
def test_seed_results_are_numerically_right(source, wrt):
    d = derive(source, wrt=wrt, layout="denominator")
    rng = np.random.default_rng(1)
    values = random_values(d.variables, rng)
    f = lambda **v: d.value(**v)
    assert_close(d.evaluate(**values), central_difference(f, values, wrt), 1e-5, source)


def test_least_squares_normal_equations_on_data():
    """The gradient vanishes at numpy's least-squares solution."""
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    d = derive("norm2(y - X*beta)^2", wrt="beta")
    assert np.abs(d.evaluate(X=X, y=y, beta=beta)).max() < 1e-10


def test_example_5_as_the_notes_write_it_with_a_sum_over_samples():
    """l = log|Σ| + (1/N) Σᵢ (xᵢ − x̄)ᵀΣ⁻¹(xᵢ − x̄) typed as the notes write it: the differential
    goes inside the sum, each term gets its trace tricks, the sample covariance S is recognised,
    and the read-off is the notes' (Σ⁻¹ − Σ⁻¹SΣ⁻¹)ᵀ; Σ̂ = S without a symmetric declaration."""
    source = "xbar: mean(x_i)\nl = log(det(Sigma)) + 1/N*sum_i((x_i - xbar)'*inv(Sigma)*(x_i - xbar))"
    d = derive(source, wrt="Sigma", layout="denominator", solve=True)
    got = [(s.rule, s.text) for s in d.steps if s.stage != "solve"]
    assert got[0] == ("function", "log|Σ| + (1/N) Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄))")
    assert got[4:] == [
        ("determinant", "tr(Σ⁻¹ dΣ) + d((1/N) Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄)))"),           # d log|Σ| = tr(Σ⁻¹dΣ)
        ("product rule", "tr(Σ⁻¹ dΣ) + d(N⁻¹) Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄)) + (1/N) d(Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄)))"),
        ("constant", "tr(Σ⁻¹ dΣ) + (1/N) d(Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄)))"),
        ("sum over samples", "tr(Σ⁻¹ dΣ) + (1/N) Σᵢ(d((xᵢ - x̄)ᵀ Σ⁻¹ (xᵢ - x̄)))"),
        ("product rule", "tr(Σ⁻¹ dΣ) + (1/N) Σᵢ(d((xᵢ - x̄)ᵀ) Σ⁻¹ (xᵢ - x̄) + (xᵢ - x̄)ᵀ d(Σ⁻¹) (xᵢ - x̄)"
                         " + (xᵢ - x̄)ᵀ Σ⁻¹ d(xᵢ - x̄))"),
        ("constant", "tr(Σ⁻¹ dΣ) + (1/N) Σᵢ((xᵢ - x̄)ᵀ d(Σ⁻¹) (xᵢ - x̄))"),
        ("inverse", "tr(Σ⁻¹ dΣ) + (1/N) Σᵢ(-(xᵢ - x̄)ᵀ Σ⁻¹ dΣ Σ⁻¹ (xᵢ - x̄))"),        # the notes' second term
        ("linearity", "tr(Σ⁻¹ dΣ) - (1/N) Σᵢ((xᵢ - x̄)ᵀ Σ⁻¹ dΣ Σ⁻¹ (xᵢ - x̄))"),
        ("scalar equals its trace", "tr(Σ⁻¹ dΣ) - (1/N) Σᵢ(tr((xᵢ - x̄)ᵀ Σ⁻¹ dΣ Σ⁻¹ (xᵢ - x̄)))"),   # (1/N) Σ tr(…)
        ("cyclic property", "tr(Σ⁻¹ dΣ) - (1/N) Σᵢ(tr(Σ⁻¹ (xᵢ - x̄) (xᵢ - x̄)ᵀ Σ⁻¹ dΣ))"),
        ("sample covariance", "tr(Σ⁻¹ dΣ) - tr(Σ⁻¹ S Σ⁻¹ dΣ)"),                     # = tr(Σ⁻¹SΣ⁻¹dΣ)
        ("linearity", "tr((Σ⁻¹ - Σ⁻¹ S Σ⁻¹) dΣ)"),                                  # the notes' dl
        ("read off", "(Σ⁻¹ - Σ⁻¹ S Σ⁻¹)ᵀ = Σ⁻ᵀ - Σ⁻ᵀ Sᵀ Σ⁻ᵀ"),                     # the notes' ∂l/∂Σ
        ("S is symmetric", "Σ⁻ᵀ - Σ⁻ᵀ S Σ⁻ᵀ"),
        ("denominator layout", "Σ⁻ᵀ - Σ⁻ᵀ S Σ⁻ᵀ"),
    ]
    assert next(s for s in d.steps if s.rule == "sample covariance").identity.text.startswith("S = ")
    assert [s.text for s in d.steps if s.stage == "solve"][-1] == "Σ̂ = S"
    rng = np.random.default_rng(6)
    x = rng.standard_normal((60, 3)) @ np.array([[1.0, 0.4, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.8]])
    assert np.abs(d.evaluate_solution(x_i=x) - np.cov(x.T, bias=True)).max() < 1e-12
    Sigma = np.cov(x.T, bias=True) + 0.2 * rng.standard_normal((3, 3))

    def l(Sigma, x_i):  # the notes' l, written out with NumPy
        dev = x_i - x_i.mean(axis=0)
        return np.log(np.linalg.det(Sigma)) + np.mean(np.einsum("ij,jk,ik->i", dev, np.linalg.inv(Sigma), dev))

    assert_close(d.evaluate(Sigma=Sigma, x_i=x), central_difference(l, {"Sigma": Sigma, "x_i": x}, "Sigma"),
                 1e-5, "Example 5 with samples")


def test_seed_002_example_1_by_components():
    """f(y₁, y₂) = y₁² + y₂² with y = [y₁ y₂]ᵀ: ∂f/∂yᵢ for each i, arranged as a column, [2y₁; 2y₂]."""
    d = derive("y = [y1; y2]\nf = y1^2 + y2^2", wrt="y", layout="denominator")
    assert [(s.lhs_text, s.rule, s.text) for s in d.steps] == [
        ("f", "function", "y₁² + y₂²"),
        ("∂f/∂y₁", "partial derivative", "2 y₁"),
        ("∂f/∂y₂", "partial derivative", "2 y₂"),
        ("∂f/∂y", "collect the entries", "[2 y₁; 2 y₂]"),
        ("∂f/∂y", "denominator layout", "[2 y₁; 2 y₂]"),  # the notes' result
    ]
    y = np.array([1.5, -0.25])
    assert_close(d.evaluate(y=y), central_difference(lambda y: y[0] ** 2 + y[1] ** 2, {"y": y}, "y"), 1e-6, "ex. 1")


def test_seed_002_example_2_by_components():
    """f(y) = [y₁² + y₂² + y₃, y₃² + 2y₁]: the six partials, then the notes' denominator layout
    [[2y₁, 2], [2y₂, 0], [1, 2y₃]]; numerator layout is its transpose."""
    d = derive("y = [y1; y2; y3]\nf = [y1^2 + y2^2 + y3; y3^2 + 2*y1]", wrt="y", layout="denominator")
    assert [(s.lhs_text, s.text) for s in d.steps] == [
        ("f", "[y₁² + y₂² + y₃; y₃² + 2 y₁]"),
        ("∂f₁/∂y₁", "2 y₁"),
        ("∂f₁/∂y₂", "2 y₂"),
        ("∂f₁/∂y₃", "1"),
        ("∂f₂/∂y₁", "2"),
        ("∂f₂/∂y₂", "0"),
        ("∂f₂/∂y₃", "2 y₃"),
        ("∂f/∂yᵀ", "[2 y₁, 2 y₂, 1; 2, 0, 2 y₃]"),
        ("∂fᵀ/∂y", "[2 y₁, 2; 2 y₂, 0; 1, 2 y₃]"),  # the notes' matrix
    ]
    assert d.with_layout("numerator").steps[-1].text == "[2 y₁, 2 y₂, 1; 2, 0, 2 y₃]"
    y = np.array([0.3, -1.2, 0.8])
    f = lambda y: np.array([y[0] ** 2 + y[1] ** 2 + y[2], y[2] ** 2 + 2 * y[0]])
    J = np.array([(f(y + h) - f(y - h)) / 2e-6 for h in np.eye(3) * 1e-6]).T  # ∂fₖ/∂yⱼ
    assert_close(d.evaluate(y=y), J.T, 1e-6, "denominator")
    assert_close(d.with_layout("numerator").evaluate(y=y), J, 1e-6, "numerator")


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_seed_000_determinant_by_the_adjugate(layout):
    """Seed 000 writes d|X| = tr(X^# dX) with the adjugate X^# (derive(..., determinant="adjugate"),
    %%matdiff --adjugate): |X| by X is adj(X)ᵀ, checked against central differences of det."""
    d = derive("det(X)", wrt="X", layout=layout, determinant="adjugate")
    got = [(s.rule, s.text) for s in d.steps]
    assert got[2] == ("determinant", "tr(adj(X) dX)")
    assert d.steps[2].identity.text == "d|X| = tr(adj(X) dX)"
    X = np.array([[1.3, -0.4, 0.2], [0.5, 0.9, -0.7], [0.1, 0.3, 1.1]])
    grad = central_difference(lambda X: np.linalg.det(X), {"X": X}, "X")
    assert_close(d.evaluate(X=X), grad.T if layout == "numerator" else grad, 1e-6, layout)
    assert derive("det(X)", wrt="X").steps[2].text == "|X|tr(X⁻¹ dX)"  # the default: the inverse
    again = d.derive_again("X", "denominator")
    assert again.steps[2].text == "tr(adj(X) dX)"                          # kept when re-derived
    from matdiff_magic import MatdiffError

    with pytest.raises(MatdiffError):
        derive("det(X)", wrt="X", determinant="cofactor")
