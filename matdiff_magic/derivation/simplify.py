"""The full simplification of results: transposes pushed inside, like terms collected, Xβ − y
preferred over −(y − Xβ), and, when asked (``symmetric=True``), the declared symmetry of variables
used: Sᵀ = S, S⁻ᵀ = S⁻¹. The light clean-up run after every step (``tidy``) and the smart
constructors it rebuilds through are ``ir.construct``; they never use declared symmetry, so a
derivative is taken of f as written, every entry independent, and symmetry only simplifies the
result (at a symmetric point Sᵀ and S have the same value).
"""

from __future__ import annotations

from typing import cast

from matdiff_magic.derivation.collect import Collecting, canon
from matdiff_magic.derivation.collect import collect as collect
from matdiff_magic.derivation.collect import merge_common_context as merge_common_context
from matdiff_magic.derivation.orient import orient_mirrors
from matdiff_magic.derivation.rewrites import REWRITE_GROUPS, bottom_up, size
from matdiff_magic.derivation.term_order import order_terms
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import (
    known_symmetric,
    mk_add,
    mk_inverse,
    mk_mul,
    mk_neg,
    mk_transpose,
    rebuild,
    split_coef,
    tidy,
    with_coef,
)
from matdiff_magic.ops.samples import SampleSum


def push_transposes(e: ir.Expr, symmetric: bool = False, memo: dict | None = None) -> ir.Expr:
    """(AB)ᵀ = BᵀAᵀ, (aᵀx)ᵀ = aᵀx, X⁻ᵀ of a symmetric X = X⁻¹, down to the leaves. X is symmetric
    as a function (AᵀA, diag(v)), or, with ``symmetric``, also through declared symmetric
    variables (Sᵀ = S, S⁻ᵀ = S⁻¹, (Σ⁻¹SΣ⁻¹)ᵀ = Σ⁻¹SΣ⁻¹).

    A transposed sum is split, (A + B)ᵀ = Aᵀ + Bᵀ, only at the top of the expression: inside a
    product (Xβ − y)ᵀ reads better than βᵀXᵀ − yᵀ. ``memo``: what calls with the same
    ``symmetric`` pushed (by node identity, the nodes kept alive in it), to share between them
    (nested names: each holds the one below it).
    """
    if memo is None:
        memo = {}

    def go(node, transposed: bool, top: bool):
        key = (id(node), transposed, top)
        if key not in memo:
            memo[key] = (push(node, transposed, top), node)
        return memo[key][0]

    def push(node, transposed: bool, top: bool):
        if isinstance(node, ir.Transpose):
            out = go(node.arg, not transposed, top)
            if not transposed and type(out) is ir.Transpose and out.arg is node.arg:
                return node  # Xᵀ as it was (an equal node): its ancestors need not be rebuilt
            return out
        if not transposed:
            kids = node.children()
            if not kids:
                return node
            keep_top = top and isinstance(node, (ir.Add, ir.Neg))
            new = [go(k, False, keep_top) if k.children() else k for k in kids]  # a leaf stays
            if all(a is b for a, b in zip(new, kids)):
                return node
            return rebuild(node, new)
        if node.is_scalar and not isinstance(node, ir.Hadamard):
            return go(node, False, top)  # a scalar is its own transpose
        if isinstance(node, ir.MatMul):
            # scalars commute: keep their order, reverse only the matrices
            scalars = [go(f, False, False) for f in node.factors if f.is_scalar]
            return mk_mul(scalars + [go(f, True, False) for f in reversed(node.factors) if not f.is_scalar])
        if isinstance(node, ir.Add):
            if top:
                return mk_add([go(t, True, True) for t in node.terms])
            inner = go(node, False, False)
            if (symmetric and (known_symmetric(inner, True) or _self_transposed(inner))) or (
                _self_transposed(inner, False)
            ):
                return inner  # (Σ + S)ᵀ = Σ + S; (A + Aᵀ)ᵀ = A + Aᵀ, whatever A
            return mk_transpose(inner)
        if isinstance(node, ir.Neg):
            return mk_neg(go(node.arg, True, top))
        if isinstance(node, SampleSum):  # (Σᵢ Mᵢ)ᵀ = Σᵢ Mᵢᵀ
            return rebuild(node, [go(node.body, True, top), node.count])
        if isinstance(node, ir.Kron):  # (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ, each pushed inside: (Xᵀ Aᵀ)ᵀ = A X
            return ir.Kron(go(node.left, True, False), go(node.right, True, False))
        if isinstance(node, ir.Inverse):
            inner = go(node.arg, False, False)
            return mk_inverse(inner) if known_symmetric(inner, symmetric) else ir.Transpose(mk_inverse(inner))
        if known_symmetric(node, symmetric):
            return go(node, False, top)
        return mk_transpose(go(node, False, False))

    try:
        return go(e, False, True)
    finally:  # go and push refer to each other: freed now, not at the next collection
        go = push = None  # type: ignore[assignment]


def _self_transposed(e: ir.Expr, symmetric: bool = True) -> bool:
    """A sum that is its own transpose term by term (A + Aᵀ; with ``symmetric``, the declared
    symmetric variables their own transposes, B S + S Bᵀ)."""
    if not isinstance(e, ir.Add):
        return False
    memo: dict = {}
    keys = sorted(canon(t, memo) for t in e.terms)
    return keys == sorted(canon(push_transposes(ir.Transpose(t), symmetric), memo) for t in e.terms)


def prefer_positive(e: ir.Expr) -> ir.Expr:
    """−c·(y − Xβ)·M  →  c·(Xβ − y)·M: absorb a minus sign into a difference, as textbooks do."""
    c, rest = split_coef(e)
    if c.numerator >= 0 or rest is None:  # the sign read off the numerator: a call less
        return e
    factors = list(rest.factors) if isinstance(rest, ir.MatMul) else [rest]
    pairs = [frozenset(_unwrapped(f).children()) for f in factors if isinstance(_unwrapped(f), ir.Add)]
    for i, f in enumerate(factors):
        inner, wrapped = (f.arg, True) if isinstance(f, ir.Transpose) else (f, False)
        if isinstance(inner, ir.Add) and _has_mirror(inner, pairs):
            continue  # (x − m)(x − m)ᵀ: one difference flipped would not match the other
        if (
            isinstance(inner, ir.Add)
            and len(inner.terms) == 2
            and sum(isinstance(t, ir.Neg) or split_coef(t)[0].numerator < 0 for t in inner.terms) == 1
        ):
            flipped = mk_add([inner.terms[1], inner.terms[0]])
            flipped = mk_add([mk_neg(t) for t in inner.terms])
            flipped = ir.Add(
                sorted(
                    cast(ir.Add, flipped).terms,  # −(a − b) of two terms: a sum
                    key=lambda t: isinstance(t, ir.Neg),
                )
            )
            factors[i] = ir.Transpose(flipped) if wrapped else flipped
            body = factors[0] if len(factors) == 1 else ir.MatMul(factors)
            return with_coef(-c, body)
    return e


def _unwrapped(f: ir.Expr) -> ir.Expr:
    return f.arg if isinstance(f, ir.Transpose) else f


def _has_mirror(d: ir.Add, pairs: list) -> bool:
    """Another difference of the product has the same two terms, one of them negated."""
    if len(d.terms) != 2:
        return False
    return frozenset(mk_neg(t) for t in d.terms) in pairs or pairs.count(frozenset(d.terms)) > 1


def simplify(e: ir.Expr, symmetric: bool = False) -> ir.Expr:
    """The result's simplified form, in the textbooks' form where a rewrite shortens it
    (``textbook``); ``symmetric``: declared symmetric variables are symmetric."""
    key = (id(e), symmetric)
    hit = _RECENT.get(key)
    if hit is not None and hit[0] is e:
        return hit[1]  # the same node again (the layouts and the symmetry check ask for it twice)
    before, known = _basic(e, symmetric)
    after, used, nodes = _textbook(before, symmetric, known)
    # equal results print equally, however their sums were typed
    after = order_terms(after, nodes.get(ir.Add, []))
    if used:
        before = order_terms(before)
        _REWRITTEN[id(after)] = (after, before, used)  # after kept alive while its id is a key
        while len(_REWRITTEN) > 64:
            del _REWRITTEN[next(iter(_REWRITTEN))]
    _RECENT[key] = (e, after)  # e kept alive while its id is a key
    while len(_RECENT) > 16:
        del _RECENT[next(iter(_RECENT))]
    return after


# the last nodes simplified, by identity (never by equality: an equal expression of another
# derivation is simplified afresh): (id, symmetric) -> (node, result)
_RECENT: dict = {}


# the last results the textbook rewrites changed, by identity (never by equality: an equal result of
# another derivation, which no rewrite made, must not show that one's step): id(result) -> (result,
# what they were given, identities)
_REWRITTEN: dict = {}


def rewritten_from(result: ir.Expr) -> tuple | None:
    """(the form before the textbook rewrites, the identities they used) of a result ``simplify``
    gave lately, or None when they did not change it: the read-off shows the first, a step after
    it the second, without simplifying again."""
    hit = _REWRITTEN.get(id(result))
    return hit[1:] if hit is not None and hit[0] is result else None


def textbook(e: ir.Expr, symmetric: bool = False) -> tuple[ir.Expr, tuple]:
    """e (simplified by ``basic``) rewritten toward the textbooks' forms (``derivation.rewrites``),
    with the identities that did it. Each group of rewrites is kept only when it leaves e no
    longer than it was."""
    out, fired, _ = _textbook(e, symmetric)
    return out, fired


def _textbook(e: ir.Expr, symmetric: bool, nodes: dict | None = None) -> tuple[ir.Expr, tuple, dict]:
    """``textbook``, and the nodes of its result by type (``_by_type``); ``nodes``: e's, when
    known already."""
    fired: list = []
    nodes = _by_type(e) if nodes is None else nodes
    if not _fires(nodes):
        return e, (), nodes
    for group in REWRITE_GROUPS:
        present = set(nodes)
        active = [rw for rw in group if rw.can_apply(present)]
        if not active:
            continue  # none of the group's rewrites can apply: no walk
        done: list = []

        def step(node, active=active, done=done):
            for rw in active:
                if not isinstance(node, rw.types):
                    continue
                new = rw.node(node)
                if new is not node:
                    if rw.identity not in done:
                        done.append(rw.identity)
                    node = new
            return node

        new = e
        for _ in range(3):  # a rewrite can open the way for another (X⁻ᵀ Xᵀ once transposes are in)
            rewritten = bottom_up(new, step)
            if rewritten is new:
                break  # nothing fired: no need to simplify again
            again = basic(rewritten, symmetric)
            if again == new:
                break
            new = again
        if done and new != e and size(new) <= size(e):
            e = new
            nodes = _by_type(e)
            fired += [i for i in done if i not in fired]
    return e, tuple(fired), nodes


def _by_type(e: ir.Expr) -> dict:
    """node type -> the distinct nodes of that type in e (one walk)."""
    out: dict = {}
    seen: set = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.setdefault(type(node), []).append(node)
        kids = node._kids  # children(), without the call once they are known
        stack.extend(kids if kids is not None else node.children())
    return out


def _fires(nodes: dict) -> bool:
    """Some rewrite applies somewhere (the common case is that none does): only the rewrites
    whose node types occur are tried, on the nodes of their types."""
    for rw, t in _candidates(frozenset(nodes)):
        for n in nodes.get(t, ()):
            if rw.node(n) is not n:
                return True
    return False


# the node types present in an expression -> (rewrite, node type) of the rewrites that can apply,
# in order: a few sets of types recur (every small result has the same few), so each is worked out once
_CANDIDATES: dict[frozenset, tuple] = {}


def _candidates(present: frozenset) -> tuple:
    found = _CANDIDATES.get(present)
    if found is None:
        found = tuple(
            (rw, t) for group in REWRITE_GROUPS for rw in group if rw.can_apply(present) for t in rw.types
        )
        if len(_CANDIDATES) > 512:  # bounded, however many kinds of expression a session sees
            _CANDIDATES.clear()
        _CANDIDATES[present] = found
    return found


def basic(e: ir.Expr, symmetric: bool = False) -> ir.Expr:
    """Transposes pushed inside, like terms collected, common context merged, Xβ − y."""
    return _basic(e, symmetric)[0]


def _basic(e: ir.Expr, symmetric: bool) -> tuple[ir.Expr, dict | None]:
    """``basic``, and the nodes of its result by type when a walk found them (``_by_type``)."""
    out = tidy(push_transposes(tidy(e), symmetric))
    nodes = _by_type(out)
    if ir.Add not in nodes:
        # no sum: no like terms, no context to merge, no difference to orient; only a sign
        result = prefer_positive(out)
        return result, (nodes if result is out else None)
    return _collected(out), None


def _collected(out: ir.Expr) -> ir.Expr:
    """``out`` (which holds a sum) with like terms collected, context merged, mirrors oriented."""
    run = Collecting()  # one memory for both: merging walks only what collecting did not
    collected = run.collect(out)
    merged = run.merge(collected)
    if merged is not collected:  # a merge can leave like terms: e(c + s) − e s + e c is e c + e c
        merged = run.collect(merged)
    out = orient_mirrors(merged)
    if isinstance(out, ir.Add):
        return mk_add([prefer_positive(t) for t in out.terms])
    return prefer_positive(out)
