"""Values from other libraries whose NumPy conversion raises: a torch tensor that records its
gradient (``requires_grad``; its ``__array__`` raises RuntimeError) is read through ``detach()``,
and any other object whose conversion raises is refused with the package's error. Before, the
first gave a bare RuntimeError from evaluate() and "matdiff internal error" from --graph."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run
from numeric_helpers import central_difference

from matdiff_magic import MatdiffError, derive


class Recording:
    """An array-like whose conversion raises, as a tensor that records its gradient does, and
    whose ``detach()`` gives its numbers."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")

    def detach(self):
        return self.values


class Unreadable:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no numbers here")


def _f(a, X, b):
    return float(a @ np.exp(X @ b))


@pytest.fixture
def point():
    rng = np.random.default_rng(5)
    return rng.standard_normal(4), rng.standard_normal((4, 3)) / 2, rng.standard_normal(3)


def test_a_recording_array_is_read_by_its_numbers(point):
    a, X, b = point
    d = derive("a'*exp(X*b)", wrt="X")
    expected = central_difference(lambda X: _f(a, X, b), {"X": X}, "X")
    for layout in ("denominator", "mixed", "numerator"):
        got = d.with_layout(layout).evaluate(a=Recording(a), X=Recording(X), b=b)
        want = expected.T if layout == "numerator" else expected
        assert np.allclose(got, want, rtol=1e-6, atol=1e-9), layout
    assert abs(d.value(a=Recording(a), X=X, b=Recording(b)) - _f(a, X, b)) < 1e-12


def test_an_object_whose_conversion_raises_is_refused(point):
    _, X, b = point
    d = derive("a'*exp(X*b)", wrt="X")
    with pytest.raises(
        MatdiffError, match="the value of a is not a number, a vector or a matrix: Unreadable"
    ):
        d.evaluate(a=Unreadable(), X=X, b=b)


def test_torch_tensors_that_require_grad(point):
    torch = pytest.importorskip("torch")
    a, X, b = point
    d = derive("a'*exp(X*b)", wrt="X")
    ta = torch.tensor(a, requires_grad=True)
    got = d.evaluate(a=ta, X=torch.tensor(X, requires_grad=True), b=b)
    expected = central_difference(lambda X: _f(a, X, b), {"X": X}, "X")
    assert np.allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_the_graph_reads_a_recording_array_from_the_notebook(shell):
    shell.user_ns["rec_a"] = Recording([0.5, -1.0])
    result, captured = run(shell, "%%matdiff --graph --at 'x=1'\nsin(rec_a)*x")
    assert result.success, captured.stderr
    assert "internal error" not in captured.stderr + captured.stdout


def test_the_graph_refuses_an_unreadable_notebook_value(shell):
    shell.user_ns["odd_a"] = Unreadable()
    result, _ = run(shell, "%%matdiff --graph --at 'x=1'\nsin(odd_a)*x")
    assert result.error_in_exec is not None
    message = str(result.error_in_exec)
    assert "internal error" not in message and "is not a number, a vector or a matrix" in message, message


def test_the_graph_refuses_masked_entries_as_evaluate_does(shell):
    """A masked array with masked entries: evaluate() refused it, --graph read the hidden numbers."""
    shell.user_ns["masked_a"] = np.ma.masked_array([0.5, -1.0], mask=[False, True])
    result, _ = run(shell, "%%matdiff --graph --at 'x=1'\nsin(masked_a)*x")
    assert result.error_in_exec is not None
    assert "the value of masked_a has masked entries" in str(result.error_in_exec)
    d = derive("x: scalar\nsin(masked_a)*x", wrt="x")
    with pytest.raises(MatdiffError, match="masked entries"):
        d.evaluate(masked_a=shell.user_ns["masked_a"], x=1.0)
