"""Cells as the notes write them: \\frac{1}{N} (a capital letter the notes divide by is a count),
--wrt Σ / \\Sigma (the variable as the output and LaTeX write it), and a SymPy wrt that is not a
symbol.

\\frac{1}{N} … outside a sum over samples was refused ("/ divides by a scalar, but N is m×n"): the
LaTeX reader now declares a capital letter that is a \\frac's whole denominator a scalar (the
notes divide by counts, never by matrices); typed as text, 1/N*… still asks for `N: scalar`, and
X/Y stays an error. Each derivative against central differences of an independent NumPy f in
every layout."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from IPython.core.interactiveshell import InteractiveShell
from numeric_helpers import checked_in_every_layout

from matdiff_magic import MatdiffError, derive


@pytest.mark.parametrize(
    "latex, wrt, f",
    [
        (r"\frac{1}{N} \| X \pmb w - \pmb y \|^2", "w", lambda N, X, w, y: np.sum((X @ w - y) ** 2) / N),
        (r"\frac{\| X w - y \|^2}{2N}", "w", lambda N, X, w, y: np.sum((X @ w - y) ** 2) / (2 * N)),
        (r"\frac{1}{N} \operatorname{tr}(X^T X)", "X", lambda N, X: np.trace(X.T @ X) / N),
    ],
)
def test_the_notes_frac_over_a_count_declares_it_a_scalar(latex, wrt, f):
    d = derive(latex, wrt=wrt)
    assert next(v for v in d.variables if v.name == "N").kind == "scalar"
    checked_in_every_layout(latex, wrt, f, positive=("N",))


def test_a_frac_over_the_sample_count_is_still_the_count():
    d = derive(r"\frac{1}{N}\sum_{i=1}^{N} \| \pmb x_i - \pmb \mu \|^2", wrt="mu")
    assert "N" not in {v.name for v in d.variables}  # the number of samples, not a variable


def test_a_declared_n_is_kept():
    with pytest.raises(MatdiffError, match="/ divides by a scalar"):
        derive("N: matrix\n" + r"\frac{1}{N}\|x\|^2", wrt="x", latex=True)


@pytest.mark.parametrize("source", ["X/Y", "X/(2*Y)", "A*B/C"])
def test_a_matrix_divided_by_a_capitalised_name_is_still_refused(source):
    with pytest.raises(MatdiffError, match="/ divides by a scalar"):
        derive(source, wrt="X" if "X" in source else "A")


@pytest.mark.parametrize("written", ["Σ", r"\Sigma", r"\boldsymbol{\Sigma}", "Sigma"])
def test_wrt_as_the_output_writes_it(written):
    d = derive("Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", wrt=written)
    assert d.wrt.name == "Sigma"


def test_the_magic_takes_wrt_as_the_output_writes_it():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    for written in ("Σ", r"\Sigma"):
        result = shell.run_cell(f"%%matdiff --wrt {written} --no-check\nlog(det(Sigma)) + beta'*x\n")
        assert result.success
    result = shell.run_cell("%%matdiff --wrt 3x\nlog(det(Sigma))\n")
    assert not result.success and "--wrt takes a variable name" in str(result.error_in_exec)


@pytest.mark.parametrize("wrt", [3, sp.MatrixSymbol("X", 3, 3).T, 2.5])
def test_a_sympy_wrt_that_is_not_a_symbol_is_a_matdiff_error(wrt):
    X = sp.MatrixSymbol("X", 3, 3)
    with pytest.raises(MatdiffError, match="wrt names the variable"):
        derive(sp.Trace(X), wrt=wrt)


def test_a_lowercase_count_of_a_sum_over_samples_is_a_scalar():
    for cell in ("sum_i(x_i'*A*x_i, n)", r"\sum_{i=1}^{n} \boldsymbol{x}_i^T A \boldsymbol{x}_i"):
        d = derive(cell, wrt="A")
        assert d.check_result.status == "passed"
        xs = np.random.default_rng(4).standard_normal((5, 3))
        assert np.allclose(d.evaluate(A=np.eye(3), x_i=xs, n=5.0), xs.T @ xs)


def test_a_frac_over_another_letter_beside_a_sum_over_samples():
    d = derive(r"\frac{1}{M}\sum_{i=1}^{N} \| \pmb x_i - \pmb \mu \|^2", wrt="mu")
    assert next(v for v in d.variables if v.name == "M").kind == "scalar"
    xs, mu = np.random.default_rng(6).standard_normal((5, 3)), np.zeros(3)
    assert np.allclose(d.evaluate(M=2.0, x_i=xs, mu=mu), 2 * (5 * mu - xs.sum(axis=0)) / 2.0)
