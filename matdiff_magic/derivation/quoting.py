"""Errors that quote an expression, printed where they reach the user.

The stages record expressions and never print them, so an error such as "cannot move dX out of
A ⊙ dX" is raised as a ``QuotingError``: its message is a function of the printer (any object with
``to_text(expr)``), and ``derive`` prints it (``printed``) before the error leaves the pipeline.
Until then its message names the expression only as "this expression".
"""
from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.errors import MatdiffError


class QuotingError(MatdiffError):
    """A ``MatdiffError`` whose message quotes an expression: ``compose(printer)`` is the message."""

    def __init__(self, compose: Callable, unprinted: str, hint: str | None = None):
        super().__init__(unprinted, hint=hint)
        self.compose = compose

    def printed(self, printer) -> MatdiffError:
        """The same error with the expression printed in its message."""
        return MatdiffError(self.compose(printer), self.source, self.span, self.hint)
