"""BLAS on one thread while the numeric check differences f.

The check evaluates f twice per entry of the variable: thousands of small products. OpenBLAS
splits each product over all cores and waits for its threads at the end of it; when the cores are
busy with anything else (another kernel, a test run), every product waits for a thread to be
scheduled, and a check that takes 1 s alone took 16 s of CPU and 25 s of wall time (2000×600 X,
600-entry w, 2 cores, load 2.5). On one thread the same products take what they take alone. The
limit is set through threadpoolctl (a dependency; the controller is made once, at the first check
that needs it) and only for a check estimated to take a while (``budget.differencing_seconds``),
so a small cell's first check does not import it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

# estimated seconds of differencing past which the check's BLAS runs on one thread
ONE_THREAD_SECONDS = 0.05

_controller = None


def one_blas_thread() -> AbstractContextManager:
    """A context manager in which NumPy's BLAS uses one thread (nothing where threadpoolctl is
    missing, or finds no BLAS)."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # a dependency, but an environment may lack it: the check still runs
            return nullcontext()
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def for_differencing(seconds: float) -> AbstractContextManager:
    """``one_blas_thread()`` for a check whose differencing is estimated at ``seconds`` (CPU, at
    one thread) past ONE_THREAD_SECONDS; else a context that changes nothing."""
    return one_blas_thread() if seconds > ONE_THREAD_SECONDS else nullcontext()
