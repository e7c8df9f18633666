"""Why the numeric check could not decide at a point, or at all (``Reason``), as the check and its
budget share it; the reason most points gave (``main_reason``) and its wording (``could_not_check``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from matdiff_magic.ir import nodes as ir


@dataclass(frozen=True)
class Reason:
    """Why a point could not decide: kind is singular, ill-conditioned (node: the matrix), kink
    (node: the kinked application), magnitude (value: the size of the values), small (value: the
    size of the derivative, below the differences' resolution: a wrong one would agree too), steps,
    unconfirmed (value: the error at the one disagreeing point), raised (value: the error's
    name) or undefined; everywhere: every point tried failed for this reason (else most did);
    of_f: f itself is undefined there (not only its derivative)."""

    kind: str
    node: ir.Expr | None = None
    value: float | str | None = None
    everywhere: bool = True
    of_f: bool = False


def could_not_check(reason: Reason) -> tuple[str, ir.Expr | None, str]:
    """The wording of a check that could not decide, as (text before, expression, text after):
    the layer above prints the expression (in text or TeX)."""
    where = "at every point tried" if reason.everywhere else "at most points tried"
    k, node, value = reason.kind, reason.node, reason.value
    if reason.of_f and reason.everywhere and k == "undefined":  # f has no value anywhere: say so
        return "f is not defined at any point tried: its value is never a finite number", None, ""
    if k == "singular":
        return "could not check: ", node, f" is singular {where.replace('point', 'size')}"
    if k == "ill-conditioned":
        return "could not check: ", node, f" is too ill-conditioned for finite differences {where}"
    if k == "kink":
        return "could not check: finite differences step across a kink of ", node, f" {where}"
    if k == "magnitude":
        return f"could not check: finite differences cannot resolve values of size {_size(value)}", None, ""
    if k == "small":
        return (
            f"could not check: the derivative's entries (at most {_size(value)}) are below what finite "
            f"differences resolve {where}",
            None,
            "",
        )
    if k == "steps":
        return f"could not check: finite differences change with the step size {where}", None, ""
    if k == "unconfirmed":
        return (
            f"could not check: the derivative disagreed with finite differences at one point "
            f"(max rel. error {value:.1e}) and at no other point",
            None,
            "",
        )
    if k == "raised":
        return f"could not check: evaluating {where} raised {value}", None, ""
    if k == "size" or (k == "cost" and not reason.of_f):
        return (
            "could not check: ",
            node,
            f" has {value} entries at its declared sizes, too many to difference",
        )
    if k == "cost":
        return (
            "could not check: at its declared sizes f costs too much to evaluate once for each of the "
            f"{value} entries of ",
            node,
            "",
        )
    return "could not check: no random point found where f and its derivative are defined", None, ""


def _size(value) -> str:
    """A size to one digit, as 1e300 or 2e-46."""
    return f"{value:.0e}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


PRIORITY = ("singular", "ill-conditioned", "magnitude", "small", "kink", "steps", "raised", "undefined")


def main_reason(seen: list, disagreements: list) -> Reason:
    """The reason most points could not decide (ties: in PRIORITY order), naming the expression
    met most often under it; ``seen`` and ``disagreements`` are the check's verdicts (each with
    its ``reason`` and ``error``)."""
    if disagreements:
        return Reason("unconfirmed", value=disagreements[0].error, everywhere=False)
    reasons = [v.reason for v in seen if v.reason is not None]
    if not reasons:
        return Reason("undefined")
    counts = Counter(r.kind for r in reasons)
    kind = max(counts, key=lambda k: (counts[k], -PRIORITY.index(k)))
    first = next(r for r in reasons if r.kind == kind)
    if first.node is not None:  # name the expression met most often under this reason
        by_node = Counter(id(r.node) for r in reasons if r.kind == kind)
        first = next(r for r in reasons if r.kind == kind and by_node[id(r.node)] == max(by_node.values()))
    of_f = all(r.of_f for r in reasons if r.kind == kind)  # f undefined at every such point
    return replace(first, everywhere=counts[kind] == len(seen), of_f=of_f)
