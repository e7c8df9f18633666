"""Cells as the notes write them: 1/N (a capitalised count divides a scalar), --wrt Σ / \\Sigma
(the variable as the output and LaTeX write it), and a SymPy wrt that is not a symbol.

1/N·‖Xw − y‖² by w and \\frac{1}{N} … were refused ("/ divides by a scalar, but N is m×n"): a
capitalised name that divides a scalar is now a scalar (no matrix could divide a scalar, so no
reading that types is lost); X/Y, a matrix divided by a capitalised name, stays an error. Each
derivative against central differences of an independent NumPy f in every layout."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from IPython.core.interactiveshell import InteractiveShell
from numeric_helpers import checked_in_every_layout

from matdiff_magic import MatdiffError, derive


@pytest.mark.parametrize(
    "source, wrt, f",
    [
        ("1/N*norm2(X*w-y)^2", "w", lambda N, X, w, y: np.sum((X @ w - y) ** 2) / N),
        ("norm2(X*w-y)^2/N", "w", lambda N, X, w, y: np.sum((X @ w - y) ** 2) / N),
        ("norm2(X*w-y)^2/(2*N)", "w", lambda N, X, w, y: np.sum((X @ w - y) ** 2) / (2 * N)),
        ("tr(X'*X)/(2*N)", "X", lambda N, X: np.trace(X.T @ X) / (2 * N)),
        ("1/N*log(det(Sigma))", "Sigma", lambda N, Sigma: np.linalg.slogdet(Sigma)[1] / N),
    ],
)
def test_a_capitalised_count_divides_a_scalar(source, wrt, f):
    d = checked_in_every_layout(source, wrt, f, positive=("N",), spd=("Sigma",))
    assert next(v for v in d.variables if v.name == "N").kind == "scalar"


def test_the_notes_frac_one_over_n_reads_the_same():
    typed = derive("1/N*norm2(X*w-y)^2", wrt="w")
    pasted = derive(r"\frac{1}{N} \| X \pmb w - \pmb y \|^2", wrt="w")
    assert pasted.to_text().splitlines()[-3] == typed.to_text().splitlines()[-3]


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
