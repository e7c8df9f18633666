"""Room for deep expressions: the passes over the IR recurse once per level of nesting, and a
derivation and its output hold many nodes at once.

A 64-layer network nests a few hundred levels deep, past Python's default limit of 1000 frames
once the printer, the simplifier and the comparisons stack up. Python 3.11 runs Python-to-Python
calls without growing the C stack, so a higher limit for the length of a derivation is safe; the
parser bounds how deep an input can nest (parser.MAX_DEPTH).

The cyclic garbage collector's full passes walk every live object; while a derivation is made or
printed the live nodes grow with each step, so those passes cost a share that grows with the size
of the derivation (a fifth of a depth-64 chain's output). Expressions hold no reference cycles and
are freed by reference counting, so the collector is paused for the block.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable
from contextlib import contextmanager

RECURSION_LIMIT = 20_000


class deep_recursion:  # lower case: used as a function, ``with deep_recursion():``
    """The recursion limit raised to RECURSION_LIMIT for the block (as it was, after it). A class,
    not a generator: it is entered for every step a derivation prints, and costs two calls."""

    __slots__ = ("previous",)

    def __enter__(self) -> None:
        self.previous = sys.getrecursionlimit()
        if self.previous < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)

    def __exit__(self, *exc) -> None:
        sys.setrecursionlimit(self.previous)


@contextmanager
def deep_or_refused(message: str, source: str | None = None):
    """``deep_recursion()`` for the block, and a nest deeper still (past the raised limit) refused
    as the package's error with ``message``, shown with ``source``: never a RecursionError."""
    from matdiff_magic.errors import MatdiffError

    try:
        with deep_recursion():
            yield
    except RecursionError:
        raise MatdiffError(message, source) from None


def at_any_depth(message: str | None = None) -> Callable[[Callable], Callable]:
    """A decorator: the method runs inside ``deep_recursion()``, as deep as the parser lets an
    input nest (the printer and the evaluator recurse once per level). With ``message``, a nest
    deeper still is refused as the package's error with it, shown with the object's ``source``
    (``deep_or_refused``); without, the method is one the package's own output calls too."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            if message is None and sys.getrecursionlimit() >= RECURSION_LIMIT:
                return method(self, *args, **kwargs)  # inside the package's own output: deep already
            block = deep_recursion() if message is None else deep_or_refused(message, self.source)
            with block:
                return method(self, *args, **kwargs)

        return run

    return decorate


class collector_paused:  # lower case, as deep_recursion
    """The cyclic garbage collector paused for the block (as it was, after it)."""

    __slots__ = ("collecting",)

    def __enter__(self) -> None:
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.collecting:
            gc.enable()
