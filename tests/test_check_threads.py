"""The numeric check's BLAS on one thread (``numeric/threads.py``): a check estimated to take a
while differences f with NumPy's BLAS limited to one thread, and gives the threads back after; a
small check leaves them as they are. Measured, not mocked: threadpoolctl reads the BLAS that NumPy
loaded, inside the check's own call of the central differences."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from matdiff_magic import derive
from matdiff_magic.numeric import check, fd, threads
from matdiff_magic.numeric.budget import differencing_seconds
from matdiff_magic.numeric.points import size_variants, sizes_of

BIG = "X: matrix(2000, 600)\nnorm2(X*w - y)^2"  # the README's example of a large cell that is checked


def blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


@pytest.fixture
def threads_seen(monkeypatch):
    """The BLAS thread counts at each call of the check's central differences."""
    seen: list[list[int]] = []
    jacobian = fd.jacobian

    def recording(*args, **kwargs):
        seen.append(blas_threads())
        return jacobian(*args, **kwargs)

    monkeypatch.setattr(check.fd, "jacobian", recording)
    return seen


def estimate(source: str, wrt: str) -> float:
    d = derive(source, wrt=wrt, check=False)
    return differencing_seconds(d.wrt, d.target, size_variants(sizes_of(d))[0])


def test_the_estimate_tells_a_large_check_from_a_small_one():
    assert estimate(BIG, "w") > threads.ONE_THREAD_SECONDS
    assert estimate("a'*X*b", "X") < threads.ONE_THREAD_SECONDS


def test_a_large_check_differences_on_one_blas_thread_and_gives_the_threads_back(threads_seen):
    before = blas_threads()
    assert before, "NumPy's BLAS is not visible to threadpoolctl"
    d = derive(BIG, wrt="w")
    assert d.check_result.status == "passed", d.check_result.message
    assert threads_seen and all(counts == [1] * len(counts) for counts in threads_seen), threads_seen
    assert blas_threads() == before


def test_a_small_check_leaves_the_blas_threads_as_they_are(threads_seen):
    before = blas_threads()
    d = derive("a'*X*b", wrt="X")
    assert d.check_result.status == "passed"
    assert threads_seen and all(counts == before for counts in threads_seen), (threads_seen, before)


def test_one_blas_thread_limits_and_restores():
    before = blas_threads()
    with threads.for_differencing(1.0):
        assert blas_threads() == [1] * len(before)
        x = np.ones((300, 300))
        assert float((x @ x)[0, 0]) == 300.0
    assert blas_threads() == before
    with threads.for_differencing(0.0):
        assert blas_threads() == before
