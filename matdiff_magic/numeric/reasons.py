"""Why the numeric check could not decide at a point, or at all (``Reason``), as the check, its
budget and the wording of its message (``check.could_not_check``) share it."""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic.ir import nodes as ir


@dataclass(frozen=True)
class Reason:
    """Why a point could not decide: kind is singular, ill-conditioned (node: the matrix), kink
    (node: the kinked application), magnitude (value: the size of the values), steps,
    unconfirmed (value: the error at the one disagreeing point), raised (value: the error's
    name) or undefined; everywhere: every point tried failed for this reason (else most did);
    of_f: f itself is undefined there (not only its derivative)."""

    kind: str
    node: ir.Expr | None = None
    value: float | str | None = None
    everywhere: bool = True
    of_f: bool = False
