"""A difference that a product holds with its own transpose (d dᵀ, dᵀ M d) is oriented one way
however it was typed: (x - μ)(x - μ)ᵀ for (μ - x)(μ - x)ᵀ. Every derivative here is compared with
central finite differences of a NumPy function written in the test, in every layout, and the
solution of --solve with the value it must have."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values
from numpy.linalg import inv, slogdet

from matdiff_magic import derive
from matdiff_magic.render.printer import to_text

GAUSS = "log(det(Sigma)) + ({d})'*inv(Sigma)*({d})"


def gaussian(Sigma, **v):
    x, m = v["x"], next(val for name, val in v.items() if name != "x")
    return slogdet(Sigma)[1] + (x - m) @ inv(Sigma) @ (x - m)


def spd(rng, n):
    A = rng.standard_normal((n, n))
    return A @ A.T + n * np.eye(n)


@pytest.mark.parametrize("mean", ["mu", "m", "xbar"])
@pytest.mark.parametrize("flip", [False, True])
def test_one_sample_gaussian_prints_one_form(mean, flip):
    d_src = f"{mean} - x" if flip else f"x - {mean}"
    source = GAUSS.format(d=d_src)
    d = derive(source, wrt="Sigma", solve=True)
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng)
    n = values["Sigma"].shape[0]
    values["Sigma"] = spd(rng, n)
    fd = central_difference(lambda **v: gaussian(**v), values, "Sigma")
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(**values)
        assert_close(got, fd.T if layout == "numerator" else fd, 1e-5, f"{source}, {layout} layout")
    name = {"mu": "μ", "m": "m", "xbar": "x̄"}[mean]
    assert to_text(d.result) == f"Σ⁻ᵀ - Σ⁻ᵀ (x - {name}) (x - {name})ᵀ Σ⁻ᵀ"
    assert to_text(d.solution) == f"(x - {name}) (x - {name})ᵀ"
    x, m = values["x"], values[mean]
    assert_close(d.evaluate_solution(**values), np.outer(x - m, x - m), 1e-9, "the solution")


def test_a_difference_held_once_keeps_its_sign():
    source = "(a - x)'*b"
    d = derive(source, wrt="x")
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    values = random_values(d.variables, rng)
    fd = central_difference(lambda a, x, b: (a - x) @ b, values, "x")
    assert_close(d.evaluate(**values), fd, 1e-6, "gradient")
    assert to_text(d.result) == "-b"
