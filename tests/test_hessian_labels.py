"""The headings of a Hessian (order=2): ∂²f/∂x² by a scalar, ∂²f/∂x ∂xᵀ by a vector and
∂²f/∂(vec X) ∂(vec X)ᵀ by a matrix, in every layout, in the text, the TeX and the JSON; the lines
that differentiate the gradient again name the variable as every other line does (α, not alpha).
The Hessian's values are checked against central differences of a gradient written in NumPy."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import run

from matdiff_magic import derive
from matdiff_magic.derivation.layouts import LAYOUTS

SECOND_SCALAR = (r"\frac{\partial^2 f}{\partial %s^{2}}", "∂²f/∂%s²")
SECOND_VECTOR = (r"\frac{\partial^2 f}{\partial %s\,\partial %s^{T}}", "∂²f/∂%s ∂%sᵀ")
SECOND_MATRIX = (
    r"\frac{\partial^2 f}{\partial (\operatorname{vec} %s)\,\partial (\operatorname{vec} %s)^{T}}",
    "∂²f/∂(vec %s) ∂(vec %s)ᵀ",
)

# (source, wrt, TeX name, Unicode name, kind, the names it must not spell out in the text)
CASES = [
    ("alpha^3", "alpha", r"\alpha", "α", "scalar", ("alpha",)),
    ("sigma: scalar\nexp(sigma)*sigma", "sigma", r"\sigma", "σ", "scalar", ("sigma",)),
    ("x: scalar\ntr(X)*x^2", "x", "x", "x", "scalar", ()),
    ("t: scalar\na'*(t*b) + t^3*a'*a", "t", "t", "t", "scalar", ()),
    ("x_1: scalar\nx_1^3", "x_1", "x_{1}", "x₁", "scalar", ("x_1",)),
    ("beta'*A*beta", "beta", r"\boldsymbol{\beta}", "β", "vector", ("beta",)),
    ("x'*A*x", "x", r"\boldsymbol{x}", "x", "vector", ()),
    ("logdet(Sigma)", "Sigma", r"\Sigma", "Σ", "matrix", ("Sigma",)),
    ("tr(X'*A*X)", "X", "X", "X", "matrix", ()),
]
IDS = [c[0].replace("\n", "; ") for c in CASES]


def second(kind: str, tex: str, text: str) -> tuple[str, str]:
    lhs_tex, lhs_text = {"scalar": SECOND_SCALAR, "vector": SECOND_VECTOR, "matrix": SECOND_MATRIX}[kind]
    if kind == "scalar":
        return lhs_tex % tex, lhs_text % text
    return lhs_tex % (tex, tex), lhs_text % (text, text)


def first(tex: str, text: str) -> tuple[str, str]:
    return rf"\frac{{\partial f}}{{\partial {tex}}}", f"∂f/∂{text}"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("source", "wrt", "tex", "text", "kind", "spelled"), CASES, ids=IDS)
def test_the_hessian_is_headed_as_a_second_derivative(source, wrt, tex, text, kind, spelled, layout):
    d = derive(source, wrt=wrt, order=2, layout=layout)
    h_tex, h_text = second(kind, tex, text)
    g_tex, g_text = first(tex, text)
    for r in d.results.values():
        assert (r.lhs, r.lhs_text) == (h_tex, h_text)
    # the last two lines: the read-off and the layout shown, both the second derivative
    assert [s.lhs_text for s in d.steps[-2:]] == [h_text, h_text]
    assert [s.lhs for s in d.steps[-2:]] == [h_tex, h_tex]
    # the gradient (its read-off and the line that differentiates it again) keeps ∂f/∂x
    hessian = next(i for i, s in enumerate(d.steps) if s.stage == "hessian")
    assert (d.steps[hessian].lhs, d.steps[hessian].lhs_text) == (g_tex, g_text)
    assert d.steps[hessian - 1].lhs_text == g_text
    assert d.steps[hessian + 1].lhs_text == f"d({g_text})"
    assert d.steps[hessian + 1].lhs == rf"\mathrm{{d}}\left({g_tex}\right)"
    # no line but the Hessian's own is headed ∂²f, and none of those is headed ∂f
    assert [s.lhs_text for s in d.steps if s.lhs_text.startswith("∂²")] == [h_text] * 2

    out = d.to_text()
    lines = out.splitlines()
    headed = [line for line in lines if line.strip().startswith(f"{h_text} = ")]
    assert len(headed) == 2 and headed[1].endswith(f"[{layout} layout]")
    assert any(line.strip().startswith(f"d({g_text}) = ") for line in lines)
    assert sum(line.strip().startswith(f"{g_text} = ") for line in lines) == 2  # read-off, Hessian
    for name in spelled:  # the variable's display name, as in every other line
        assert name not in out, name

    tex_out = d.to_latex()
    assert tex_out.count(f"{h_tex} &= ") == 2
    assert tex_out.count(f"{g_tex} &= ") == 2
    assert rf"\mathrm{{d}}\left({g_tex}\right) &= " in tex_out

    payload = d.to_json()
    assert {lay: r["lhs"] for lay, r in payload["results"].items()} == {lay: h_tex for lay in LAYOUTS}
    step_lhs = [s["lhs"] for s in payload["steps"]]
    assert step_lhs[-2:] == [h_tex, h_tex]
    assert step_lhs.count(h_tex) == 2 and step_lhs.count(g_tex) == 2


def test_scalar_hessian_reads_off_by_a_scalar():
    d = derive("alpha^3", wrt="alpha", order=2)
    assert d.steps[-2].stage == "readoff"
    assert "vec" not in d.steps[-2].identity_text
    lines = d.to_text().splitlines()
    assert [line.split("[")[0].strip() for line in lines[-4:-2]] == ["∂²f/∂α² = 6 α"] * 2
    assert "∂f/∂α = 6 α" not in d.to_text()


def test_magic_heads_the_scalar_hessian(shell):
    result, captured = run(shell, "%%matdiff --wrt alpha --order 2\nalpha^3\n")
    assert result.success
    assert "∂²f/∂α² = 6 α" in captured.stdout or "∂²f/∂α² = 6 α" in result.result.to_text()
    text = result.result.to_text()
    assert "alpha" not in text and "∂f/∂α = 6 α" not in text
    assert r"\frac{\partial^2 f}{\partial \alpha^{2}} &= 6 \alpha" in result.result.to_latex()


# ---- the values: central differences of a gradient written by hand in NumPy ----


def numeric_hessian(grad, v, h=1e-6):
    """∂vec g/∂(vec v)ᵀ by central differences (vec in column-major order, as vec X)."""
    v = np.asarray(v, dtype=float)
    flat = v.reshape(-1, order="F")
    cols = []
    for j in range(flat.size):
        e = np.zeros_like(flat)
        e[j] = h
        plus = np.asarray(grad(np.reshape(flat + e, v.shape, order="F")), dtype=float)
        minus = np.asarray(grad(np.reshape(flat - e, v.shape, order="F")), dtype=float)
        cols.append(((plus - minus) / (2 * h)).reshape(-1, order="F"))
    return np.column_stack(cols)


def _values(rng):
    A = rng.standard_normal((4, 4))
    X = rng.standard_normal((4, 3))
    Sigma = np.eye(3) * 2.0 + 0.3 * rng.standard_normal((3, 3))
    a, b = rng.standard_normal(5), rng.standard_normal(5)
    return A, X, Sigma, a, b


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessian_values_match_central_differences(layout, seed):
    rng = np.random.default_rng(seed)
    A, X, Sigma, a, b = _values(rng)
    alpha, t, x1 = rng.uniform(0.5, 1.5), rng.standard_normal(), rng.uniform(-1, 1)
    sigma = rng.uniform(-1, 1)
    Xsq = rng.standard_normal((3, 3))
    beta, xv = rng.standard_normal(4), rng.standard_normal(4)
    Xm = rng.standard_normal((4, 3))
    cases = [
        ("alpha^3", "alpha", {"alpha": alpha}, lambda v: 3 * v**2, alpha),
        (
            "sigma: scalar\nexp(sigma)*sigma",
            "sigma",
            {"sigma": sigma},
            lambda v: np.exp(v) * (1 + v),
            sigma,
        ),
        ("x: scalar\ntr(X)*x^2", "x", {"x": t, "X": Xsq}, lambda v: 2 * np.trace(Xsq) * v, t),
        (
            "t: scalar\na'*(t*b) + t^3*a'*a",
            "t",
            {"t": t, "a": a, "b": b},
            lambda v: a @ b + 3 * v**2 * (a @ a),
            t,
        ),
        ("x_1: scalar\nx_1^3", "x_1", {"x_1": x1}, lambda v: 3 * v**2, x1),
        ("beta'*A*beta", "beta", {"beta": beta, "A": A}, lambda v: (A + A.T) @ v, beta),
        ("x'*A*x", "x", {"x": xv, "A": A}, lambda v: (A + A.T) @ v, xv),
        ("logdet(Sigma)", "Sigma", {"Sigma": Sigma}, lambda v: np.linalg.inv(v).T, Sigma),
        ("tr(X'*A*X)", "X", {"X": Xm, "A": A}, lambda v: (A + A.T) @ v, Xm),
    ]
    for source, wrt, values, grad, at in cases:
        d = derive(source, wrt=wrt, order=2, layout=layout)
        got = d.evaluate(**values)
        expected = numeric_hessian(grad, at)
        if np.ndim(at) == 0:
            assert isinstance(got, float), source
            expected = float(expected[0, 0])
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6, err_msg=source)
