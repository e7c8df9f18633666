"""Room for deep expressions: the passes over the IR recurse once per level of nesting.

A 64-layer network nests a few hundred levels deep, past Python's default limit of 1000 frames
once the printer, the simplifier and the comparisons stack up. Python 3.11 runs Python-to-Python
calls without growing the C stack, so a higher limit for the length of a derivation is safe; the
parser bounds how deep an input can nest (parser.MAX_DEPTH).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

RECURSION_LIMIT = 20_000


@contextmanager
def deep_recursion():
    previous = sys.getrecursionlimit()
    if previous < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
