"""Putting a new child into a normalised node (``ir.splice``) gives the smart constructor's result.

``splice`` skips the smart constructor of a product or sum when the new child is one it would
keep as it is; every pair below (parent, position, child) is checked against ``construct.rebuild``
on the same children, so a case where skipping it would leave a line unnormalised (X X not X²,
a nested product or sum, a number not in front, equal Hadamard factors not a power) fails.
"""

from __future__ import annotations

import itertools

import pytest

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir import splice as splice_module
from matdiff_magic.ir.construct import mk_add, mk_hadamard, mk_mul, rebuild, tidy
from matdiff_magic.ir.splice import splice, tidy_replace
from matdiff_magic.render.printer import to_text
from matdiff_magic.types.lower import typecheck

DECLS = "X, Y, Z: matrix(n, n)\nS: symmetric(n)\nx, y: vector(n)\nc: scalar\n"

# square n×n operands of every kind the smart constructors treat specially, and plain ones
SQUARE = [
    "X",
    "Y",
    "X'",
    "inv(X)",
    "X^3",
    "tanh(X)",
    "exp(Y)",
    "X .* Y",
    "X*Y",
    "2*X*Y",
    "-X",
    "X + Y",
    "X .^ 2",
    "tanh(X) .^ 2",
    "eye(n)",
    "diag(x)",
    "x*y'",
    "c*X",
    "tr(X)*Y",
    "S",
    "1 - tanh(X) .^ 2",
]


def _expr(source: str) -> ir.Expr:
    return tidy(typecheck(DECLS + source).expr)


def _parents() -> list[ir.Expr]:
    out = []
    for a, b in itertools.product(
        ["tanh(X)", "X*Y", "X .* Y", "exp(Y)", "X", "inv(X)", "1 - tanh(X) .^ 2"], repeat=2
    ):
        for op in ("*", ".*", "+"):
            e = _expr(f"({a}) {op} ({b})")
            if isinstance(e, (ir.MatMul, ir.Hadamard, ir.Add)):
                out.append(e)
    for source in (
        "Z*tanh(X)*Y",
        "tanh(X) .* exp(Y) .* Z",
        "tanh(X) + Z + X*Y",
        "2*Z*exp(X)",
        "-(Z .* exp(X))",
    ):
        out.append(_expr(source))
    # the differential stage's contexts: a d(·) in a product, an element-wise product, a sum
    d = ir.D(_expr("X*Y"))
    out += [mk_mul([_expr("Z"), d]), mk_hadamard([_expr("1 - tanh(X) .^ 2"), d]), mk_add([d, _expr("X")])]
    out += [mk_mul([d, _expr("X"), d]), mk_hadamard([d, _expr("X .^ 2")])]
    return out


CHILDREN = [_expr(s) for s in SQUARE] + [
    ir.Fill(1, _expr("X").shape),
    ir.D(_expr("X*Y")),
    ir.D(_expr("tanh(X)")),
]


@pytest.mark.parametrize("parent", _parents(), ids=to_text)
def test_splice_is_the_smart_constructor(parent, monkeypatch):
    direct = []
    inert = splice_module._inert
    monkeypatch.setattr(splice_module, "_inert", lambda p, o, c: direct.append(inert(p, o, c)) or direct[-1])
    kids = parent.children()
    for index, child in itertools.product(range(len(kids)), CHILDREN):
        if child.shape != kids[index].shape:
            continue
        new = list(kids)
        new[index] = child
        want = rebuild(parent, new)
        got = splice(parent, index, child)
        assert got == want, (to_text(parent), index, to_text(child), to_text(got), to_text(want))
        assert to_text(got) == to_text(want)
    assert direct and not all(direct)  # both paths were taken


def test_the_direct_path_is_taken_for_a_plain_child():
    # the deep network's case: a Hadamard factor put back into a product beside a matrix
    parent = _expr("Z*tanh(X)")
    child = _expr("(1 - tanh(X) .^ 2) .* Y")
    assert splice_module._inert(parent, parent.children()[1], child)
    assert splice(parent, 1, child) == rebuild(parent, [parent.children()[0], child])


def _with_ds(parent: ir.Expr) -> tuple[ir.Expr, dict]:
    """``parent`` with each child replaced by its d(·) (a line of the differential stage), and a
    mapping from those d(·) to what a rule would put there: numbers, products, sums, zeros."""
    kids = parent.children()
    ds = [ir.D(k) for k in kids]
    line = ir.with_new_children(parent, ds)  # plain: the smart constructor never saw it
    pool = [c for c in CHILDREN if not isinstance(c, ir.D)]
    mapping = {}
    for i, d in enumerate(ds[:-1]):  # the last d(·) left for a later step
        options = [c for c in pool if c.shape == d.shape] or [ir.Const(3)]  # a number's d(·): 3
        mapping[d] = options[(i * 7 + len(to_text(parent))) % len(options)]
    return line, mapping


@pytest.mark.parametrize("parent", _parents(), ids=to_text)
def test_tidy_replace_is_tidy_of_replace(parent):
    # the differential stage's step: replace its pending d(·) and tidy, done in one pass
    def holds_d(node: ir.Expr) -> bool:
        return bool(node.d_vars())

    plain, mapping = _with_ds(parent)
    tidied = tidy(plain)  # a line the stage made: in normal form, one d(·) replaced at a time
    for line, sub in itertools.product(
        (plain, tidied), ({}, mapping, {k: v for k, v in list(mapping.items())[:1]})
    ):
        want = tidy(ir.replace(line, sub, holds_d))
        got = tidy_replace(line, sub, holds_d)
        assert got == want, (to_text(line), to_text(got), to_text(want))
        assert to_text(got) == to_text(want)
        assert got._tidy
    assert tidy_replace(tidied, {}, holds_d) is tidied  # every d(·) left: kept as it is


def test_tidy_replace_splices_a_single_changed_child(monkeypatch):
    calls = []
    monkeypatch.setattr(splice_module, "splice", lambda *a: calls.append(a) or splice(*a))
    line = tidy(ir.MatMul([_expr("Z"), ir.D(_expr("tanh(X)")), _expr("Y")]))
    d = line.children()[1]
    new = _expr("(1 - tanh(X) .^ 2) .* Y")
    got = tidy_replace(line, {d: new}, lambda n: bool(n.d_vars()))
    assert calls and got == rebuild(line, [line.children()[0], new, line.children()[2]])
