"""Jacobians through diag of a vector: vec(A diag(dx) b) = A diag(b) dx, and for a matrix on the
right vec(A diag(dx) B) = ((Bᵀ ⊗ 𝟏) ⊙ (𝟏 ⊗ A)) dx, the Khatri–Rao product of Bᵀ and A — each
checked against central differences of a NumPy f written here, in all three layouts."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic import derive
from matdiff_magic.numeric import fd


def _values(seed):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal(3), "b": rng.standard_normal(3), "a": rng.standard_normal(4),
            "A": rng.standard_normal((3, 3)), "C": rng.standard_normal((4, 3)),
            "B": rng.standard_normal((3, 2))}


CASES = [   # source, f(values) as a flat vector (column-major for a matrix), the names it uses
    ("diag(x)*b", lambda v: np.diag(v["x"]) @ v["b"], ("x", "b")),
    ("diag(x)*A*x", lambda v: np.diag(v["x"]) @ v["A"] @ v["x"], ("x", "A")),
    ("diag(A*x)*b", lambda v: np.diag(v["A"] @ v["x"]) @ v["b"], ("x", "A", "b")),
    ("C*diag(x)*B", lambda v: (v["C"] @ np.diag(v["x"]) @ v["B"]).reshape(-1, order="F"), ("x", "C", "B")),
    ("diag(x)", lambda v: np.diag(v["x"]).reshape(-1, order="F"), ("x",)),
    ("a'*C*diag(x)*B", lambda v: v["a"] @ v["C"] @ np.diag(v["x"]) @ v["B"], ("x", "a", "C", "B")),
]


@pytest.mark.parametrize("source, f, names", CASES, ids=[c[0] for c in CASES])
def test_jacobian_against_central_differences_in_every_layout(source, f, names):
    d = derive(source, wrt="x")
    assert d.check_result.status == "passed", d.check_result.message
    values = _values(5)
    given = {n: values[n] for n in names}
    want = fd.jacobian(lambda x: np.ravel(f({**values, "x": x})), values["x"])   # ∂f/∂xᵀ
    for layout in ("numerator", "mixed", "denominator"):
        got = np.asarray(d.with_layout(layout).evaluate(**given))
        expected = want.T if layout == "denominator" else want
        np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-6, atol=1e-7,
                                   err_msg=layout)


def test_the_steps_name_the_diag_identities():
    d = derive("diag(x)*b", wrt="x")
    assert any(s.rule == "diag times a column" for s in d.steps)
    assert d.steps[-1].text == "diag(b)"
    d = derive("C*diag(x)*B", wrt="x")
    step = next(s for s in d.steps if s.rule == "vec of a diag product")
    assert "(Bᵀ ⊗ 𝟏) ⊙ (𝟏 ⊗ C)" in step.text


def test_export_of_a_diag_jacobian():
    d = derive("C*diag(x)*B", wrt="x")
    values = {n: _values(2)[n] for n in ("C", "x", "B")}
    namespace: dict = {}
    exec(compile(d.to_python(), "<matdiff export>", "exec"), namespace)   # our generated code only
    value, jacobian = namespace["f_and_jacobian"](**values)
    np.testing.assert_allclose(jacobian, d.evaluate(**values), rtol=1e-10)
    assert namespace["check_jacobian"]() < 1e-5
