"""Long lines are shown around their change (render.elide): the size of a deep network's output
grows with its depth, each change is shown, and each stage's last line and the results are whole."""

import json

from matdiff_magic import derive
from matdiff_magic.depth import deep_recursion
from matdiff_magic.ir.nodes import Expr
from matdiff_magic.render import elide

DOTS = r"\mathinner{\cdotp\cdotp\cdotp}"


def chain(depth: int) -> str:
    e = "x"
    for k in range(1, depth + 1):
        e = f"tanh(W{k}*{e})"
    return "a'*" + e


def test_a_deep_chain_is_shown_around_each_change():
    with deep_recursion():
        shown_around_each_change()


def shown_around_each_change():
    d = derive(chain(48), wrt="W1", check=False)
    steps = d.steps
    shortened = [s for s in steps if "⋯" in s.text]
    assert len(shortened) > len(steps) // 3
    for s in shortened:
        assert s.stage in ("differential", "trace")
        assert DOTS in s.latex and DOTS in s.latex_highlighted
        assert len(s.text) < 600
        for part in s.changed:  # what the step changed is on the line
            if DOTS not in part:
                assert part in s.latex
    for s, after in zip(steps, steps[1:]):
        if after.stage != s.stage:  # the last line of a stage is printed whole
            assert "⋯" not in s.text and DOTS not in s.latex
    assert "⋯" not in steps[-1].text
    bundle = d._repr_mimebundle_()
    assert "⋯" not in json.dumps(bundle["application/vnd.matdiff.derivation.v1+json"]["results"])


def test_output_grows_slower_than_the_square_of_the_depth():
    def size(depth: int) -> int:
        b = derive(chain(depth), wrt="W1", check=False)._repr_mimebundle_()
        return sum(len(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for v in b.values())

    small, large = size(24), size(48)
    assert large / small < 2.9  # whole lines at every step: about 4×


def test_short_lines_are_printed_whole():
    for source, wrt in [("a'*exp(X*b)", "X"), ("log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma"), (chain(4), "W1")]:
        d = derive(source, wrt=wrt, check=False)
        assert not any("⋯" in s.text or DOTS in s.latex for s in d.steps)


def test_a_line_under_the_limit_is_not_shortened():
    d = derive(chain(3), wrt="W1", check=False)
    step = next(s for s in d.steps if s.focus_nodes)
    assert elide.elision(step.value, step.focus_nodes, step.abbrev) is None


def test_a_rule_at_many_places_is_shown_at_its_first_ones(monkeypatch):
    # the Hessian of a deep chain: the vec stage applies a rule to many terms of a long sum
    with deep_recursion():
        d = derive(chain(8), wrt="W1", order=2, check=False)
        shortened = [s for s in d.steps if "⋯" in s.text]
        assert shortened
        for s in shortened:
            assert "⋯ + ⋯" not in s.text and "⋯ - ⋯" not in s.text  # a run of left-out terms is one ⋯
            assert sum(part in s.latex for part in s.changed) >= 1
        shown = sum(len(s.text) for s in d.steps)
        monkeypatch.setattr(elide, "LIMIT", 10**9)  # every line whole
        whole = sum(len(s.text) for s in derive(chain(8), wrt="W1", order=2, check=False).steps)
    assert shown < whole / 2  # 64,374 against 158,391 characters


def test_a_shortened_line_prints_alike_whatever_was_printed_before():
    # the printer keeps what it printed (memo): a part a shortened line shows whole must not come
    # out shortened, nor a left-out part whole, depending on which lines were printed first
    from matdiff_magic.render import memo

    def shown(first_whole: bool) -> list:
        with deep_recursion(), memo.printing():
            d = derive(chain(12), wrt="W1", order=2, check=False)
            if first_whole:
                for s in d.steps:
                    if s.value is not None and s.line is None and not s.chain:
                        printer.to_text(s.value, abbrev=s.abbrev, hide_scalar_trace=s.hide_scalar_trace)
            return [(s.text, s.latex, s.latex_highlighted) for s in d.steps]

    from matdiff_magic.render import printer

    assert shown(False) == shown(True)
    highlighted = [h for _, tex, h in shown(False) if DOTS in tex]
    assert highlighted and all("\\color" in h for h in highlighted)  # each shows what it changed


def test_the_holders_of_a_change_are_those_a_walk_of_the_whole_line_finds():
    # memo.marked_below finds the nodes that hold a step's changed parts from a map of parents
    # (a constant's step changes to an older node: d(W)t + W d(t) = W d(t)); a walk of the whole
    # line is the reference
    from matdiff_magic.render import memo

    older = 0
    with deep_recursion(), memo.printing() as shown:
        steps = derive(chain(12), wrt="W1", check=False).steps
        steps += derive(chain(8), wrt="W1", check=False, order=2).steps  # vec steps move old parts
        for s in steps:
            value = s.value
            if not isinstance(value, Expr):
                continue
            highlight = frozenset(map(id, s.focus_nodes))
            if not highlight:
                continue
            entered = set(shown._entered)
            older += not highlight <= (set(map(id, _nodes(value))) - entered)
            assert shown.marked_below(value, highlight) == _holders(value, highlight)
    assert older >= 12 + 3  # the constant steps, one per layer, and the Hessian's vec steps


def _holders(root, highlight: frozenset) -> set:
    """Ids of the nodes of root that are or hold a highlighted node, by brute force."""
    holds: dict = {}

    def go(n) -> bool:
        if id(n) not in holds:
            holds[id(n)] = [go(k) for k in n.children()].count(True) > 0 or id(n) in highlight
        return holds[id(n)]

    go(root)
    return {i for i, h in holds.items() if h}


def _nodes(e) -> list:
    out, stack, seen = [], [e], set()
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            out.append(n)
            stack.extend(n.children())
    return out


def _wide_line():
    """A sum of 12 products of 30 square factors, in one of which a factor changed (dX)."""
    from matdiff_magic.ir import nodes as ir

    def mat(name):
        return ir.Var(name, ("m", "m"), "matrix")

    changed = ir.D(mat("X"))
    terms = []
    for t in range(12):
        factors = [mat(f"A{t}_{k}") for k in range(30)]
        if t == 0:
            factors[15] = changed
        terms.append(ir.MatMul(factors))
    return ir.Add(terms), changed


def test_a_wide_product_shows_its_ends_and_its_change():
    from matdiff_magic.render import printer

    value, changed = _wide_line()
    cut = elide.elision(value, (changed,))
    assert cut is not None and cut.windows
    text = printer.to_text(value, elide=cut)
    tex = printer.to_latex(value, elide=cut, highlight=frozenset({id(changed)}))
    first = text.split(" + ")[0]
    # the first two and last two factors, and the changed one with its neighbours
    assert first.startswith("A0_0 A0_1 ⋯ A0_14 dX A0_16 ⋯ A0_28 A0_29"), first
    assert "⋯⋯" not in text and "⋯ ⋯" not in text and "⋯²" not in text  # a run left out is one ⋯
    assert text.count("A0_") == 6 and text.endswith(" + ⋯")  # the other terms hold no change
    assert r"{\color" in tex and r"\mathrm{d}X" in tex
    assert DOTS in tex and r"\mathinner{\cdotp\cdotp\cdotp}^{" not in tex
    whole = printer.to_text(value)
    assert len(text) < len(whole) / 5 and "⋯" not in whole


def test_a_wide_line_prints_alike_inside_and_outside_the_memo():
    from matdiff_magic.render import memo, printer

    value, changed = _wide_line()
    cut = elide.elision(value, (changed,))
    outside = printer.to_text(value, elide=cut)
    with memo.printing():
        printer.to_text(value)  # the whole line first: its parts are in the memo
        inside = printer.to_text(value, elide=cut)
    assert inside == outside


def _shared_weights(depth: int) -> str:
    e = "x"
    for _ in range(depth):
        e = f"tanh(W*{e})"
    return "a'*" + e


def test_a_shortened_line_lists_the_changed_parts_it_shows():
    # the same W in every layer: a trick applied to every term of a sum of `depth` terms, each
    # term's changed part as long as the rest of the network; the JSON lists what the line shows
    with deep_recursion():
        d = derive(_shared_weights(24), wrt="W", check=False)
        many = [s for s in d.steps if "⋯" in s.text and len(s.focus_nodes) > elide.CHANGES]
        assert len(many) >= 20  # "scalar equals its trace", then a Hadamard trick per layer
        for s in many:
            assert 1 <= len(s.changed) <= elide.CHANGES
            assert all(part in s.latex for part in s.changed)


def test_the_changed_parts_of_shortened_lines_grow_with_the_depth_not_its_cube():
    def listed(depth: int) -> int:
        d = derive(_shared_weights(depth), wrt="W", check=False)
        return sum(len(part) for s in d.steps if "⋯" in s.text for part in s.changed)

    with deep_recursion():
        small, large = listed(12), listed(24)
    assert large / small < 2.9  # every changed part whole: 114,582 against 13,061 characters
