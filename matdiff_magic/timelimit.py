"""A wall-clock limit on a derivation (or a --graph), so a huge expression cannot hang the kernel."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager


class TimeLimitExceeded(BaseException):
    """Like KeyboardInterrupt, not an Exception: no ``except Exception`` on the way swallows it."""

    def __init__(self, seconds: float, graph: bool = False):
        # --graph derives nothing: say what was stopped there
        super().__init__(
            f"the evaluation trace and its drawing took longer than {seconds:g} s and were stopped; "
            "give smaller values or raise the limit with --timeout SECONDS"
            if graph
            else f"the derivation took longer than {seconds:g} s and was stopped; "
            "simplify the expression or raise the limit with --timeout SECONDS"
        )


MAX_SECONDS = 10**7  # setitimer overflows past the platform's time_t; a longer limit is none
# After the first alarm the timer rings again every REPEAT seconds until the block ends: an
# exception raised while a garbage-collector callback or a __del__ runs is printed and dropped by
# Python, and the derivation would then go on with no limit. That dropped alarm is not printed
# either ("Exception ignored in …" with its traceback, on the user's stderr): the block's
# unraisable hook passes every other such exception on.
REPEAT = 0.05
_ACTIVE: list[float] = []  # the limits of the blocks running now, innermost last


def current_limit() -> float | None:
    """Seconds of the innermost running ``time_limit`` block (None outside one): the work estimate
    refuses, before it starts, a derivation predicted to run past it."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextmanager
def time_limit(seconds: float, graph: bool = False):
    """Interrupt the block after ``seconds`` (main thread, POSIX); elsewhere run without a limit.
    ``graph``: the block draws an evaluation trace (``%%matdiff --graph``), as its message says."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    running = [True]

    def on_alarm(signum, frame):
        if running[0]:  # not once the block is leaving
            raise TimeLimitExceeded(seconds, graph)

    previous_hook = sys.unraisablehook

    def on_unraisable(unraisable):
        if not isinstance(unraisable.exc_value, TimeLimitExceeded):
            previous_hook(unraisable)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    sys.unraisablehook = on_unraisable
    signal.setitimer(signal.ITIMER_REAL, min(seconds, MAX_SECONDS), REPEAT)
    _ACTIVE.append(seconds)
    try:
        yield
    finally:
        running[0] = False
        _ACTIVE.pop()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook
