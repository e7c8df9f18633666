"""The code export refuses a sum over samples with the package's message (README: "The code export
does not cover sums over samples yet"), in every backend and from the magic, never an internal error."""
import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError

MVN = "xbar: mean(x_i)\nl = log(det(Sigma)) + 1/N*sum_i((x_i - xbar)'*inv(Sigma)*(x_i - xbar))"
CELLS = [
    (MVN, "Sigma"),
    ("1/N*sum_i(norm2(x_i - mu)^2)", "mu"),
    ("y_i: scalar\nsum_i((y_i - x_i'*beta)^2)", "beta"),
    ("sum_i(x_i'*A*x_i, 10)", "A"),
]


@pytest.mark.parametrize(("cell", "wrt"), CELLS)
@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
def test_export_of_a_sum_over_samples_is_refused(cell, wrt, backend):
    d = derive(cell, wrt=wrt, check=False)
    with pytest.raises(MatdiffError) as info:
        d.to_python(backend=backend)
    assert info.value.message == "the code export does not cover sums over samples (sum_i) yet"
    assert cell[info.value.span.start : info.value.span.end] == "sum_i"  # the caret under sum_i
    assert "^^^^^" in str(info.value)


def test_the_magic_says_so_and_the_kernel_goes_on(shell):
    result = shell.run_cell(f"%%matdiff --wrt Sigma --export\n{MVN}\n")
    assert "does not cover sums over samples" in str(result.error_in_exec)
    assert "internal error" not in str(result.error_in_exec)
    again = shell.run_cell("%%matdiff --wrt X --export\na'*X*b\n")
    assert again.error_in_exec is None and again.error_before_exec is None


def test_an_expression_without_samples_still_exports():
    source = derive("a'*X*b", wrt="X", check=False).to_python()
    assert "def f_and_grad(a, X, b)" in source
