"""Put a new child into a normalised node without running its smart constructor when that could
not change anything.

A step of the differential stage rewrites one part deep in a line; the line is the context with
that part put back, each ancestor rebuilt (``derivation.differential.plug``). Running every
ancestor's smart constructor again costs a pass over its operands per level, for every step: a
large share of a deep network's printed derivation. The smart constructors of products and sums
keep most operands as they are; they take apart, fold or merge only numbers, signs, nested
products and sums, identities, powers and factors equal to a neighbour. ``splice`` builds the
node directly when the child it puts in, and the one it takes out, are neither, and calls
``construct.rebuild`` otherwise, so the result is the same expression either way
(``tests/test_splice.py`` checks it against ``rebuild`` for every kind of operand).
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import _BUILDERS, rebuild, tidy

# for each product or sum, the operand types its smart constructor takes apart, folds, merges or
# drops (mk_mul with runs_as_powers, mk_hadamard with merge_powers, mk_add): a child of one of
# these goes through the smart constructor
_ACTIVE: dict[type, tuple] = {
    ir.MatMul: (
        ir.Const,
        ir.Zero,
        ir.Neg,
        ir.MatMul,
        ir.Identity,
        ir.Var,
        ir.Transpose,
        ir.Inverse,
        ir.MatPow,
    ),
    ir.Hadamard: (ir.Const, ir.Zero, ir.Neg, ir.Hadamard, ir.Identity, ir.DiagMatrix, ir.Fill, ir.ElemPow),
    ir.Add: (ir.Const, ir.Zero, ir.Neg, ir.Add),
}


# for each product or sum, each operand type met so far -> whether it is active there (by
# isinstance, once per pair of types: a subclass counts as its base)
_IS_ACTIVE: dict[type, dict[type, bool]] = {kind: {} for kind in _ACTIVE}


def _learn(kinds: dict, parent_type: type, child_type: type) -> bool:
    kinds[child_type] = out = issubclass(child_type, _ACTIVE[parent_type])
    return out


def _inert(parent: ir.Expr, old: ir.Expr, child: ir.Expr) -> bool:
    """The smart constructor of ``parent`` keeps ``child`` in ``old``'s place as it is."""
    parent_type = type(parent)
    kinds = _IS_ACTIVE.get(parent_type)
    if kinds is None:
        return False
    new_active, old_active = kinds.get(type(child)), kinds.get(type(old))
    if new_active is None:  # a type not met yet in this product or sum
        new_active = _learn(kinds, parent_type, type(child))
    if old_active is None:
        old_active = _learn(kinds, parent_type, type(old))
    if new_active or old_active:
        return False
    shape = child.shape
    if shape != old.shape or (shape[0] is ir.ONE and shape[1] is ir.ONE):  # scalars gather by base
        return False
    if parent_type is ir.Hadamard:  # equal factors and powers of one base merge
        return _kept_beside(parent, old, child)
    return True


def _kept_beside(parent: ir.Expr, old: ir.Expr, child: ir.Expr) -> bool:
    """``child``, neither a number nor a sign (both active), is kept as it is among a Hadamard
    product's other factors."""
    if isinstance(child, ir.MatMul) and isinstance(child.factors[0], ir.Const):
        return False  # its number is taken out (split_coef), as mk_hadamard does
    kind = type(child)  # nodes of two types are never equal: not compared
    for k in parent.children():
        if k is not old and (isinstance(k, ir.ElemPow) or (type(k) is kind and k == child)):
            return False
    return True


def splice(parent: ir.Expr, index: int, child: ir.Expr) -> ir.Expr:
    """``parent`` (in normal form) with its ``index``-th child replaced by ``child`` (of the same
    shape), in normal form: built directly when the child is inert there (``_inert``: a product
    or sum whose smart constructor keeps it as it is, in place of an operand it kept too),
    otherwise through ``construct.rebuild``."""
    kids = parent.children()
    old = kids[index]
    if _inert(parent, old, child):
        return _same_shape(parent, (*kids[:index], child, *kids[index + 1 :]))
    new = list(kids)
    new[index] = child
    return rebuild(parent, new)


def _same_shape(parent: ir.Expr, operands: tuple) -> ir.Expr:
    """A product or sum of ``operands`` with ``parent``'s shape, which it keeps (one operand
    replaced by one of the same shape): the shape is not worked out again."""
    node = object.__new__(type(parent))
    node._init(parent.shape, operands)  # its children: the operands, its only field
    object.__setattr__(node, parent._children[0], operands)
    return node


def tidy_replace(e: ir.Expr, mapping: dict, descend, kept=None) -> ir.Expr:
    """``construct.tidy(ir.replace(e, mapping, descend))`` in one pass: each node above a
    replaced one is built once, by ``splice`` when one child changed (the usual case: a rule
    rewrites one d(·) below it), through its smart constructor otherwise, not built plainly first
    and then again. A subtree ``descend`` prunes and each replacement are tidied once (by
    identity), as ``tidy`` would; a tidied node whose children come back as they were is kept (a
    d(·) left for a later step leaves its tidied ancestors as they are; a node on the way to it
    that no smart constructor made is made by one, an equal node). ``kept``, if given, is true
    for a node ``descend`` lets in that would come back as it is, nothing in it changed: it is
    not entered."""
    tidied: dict = {}
    keys = {type(k) for k in mapping}  # equal nodes are of one type: the others are not looked up
    memo: dict = {}

    def once(node: ir.Expr) -> ir.Expr:
        if node._tidy or not node.children():
            return node
        out = tidied.get(id(node))
        if out is None:
            out = tidied[id(node)] = (tidy(node), node)  # node kept alive while its id is a key
        return out[0]

    def go(node: ir.Expr) -> ir.Expr:  # a node descend lets in
        if type(node) in keys:
            new = mapping.get(node)
            if new is not None:
                return once(new)
        out = memo.get(id(node))
        if out is None:
            kids = node.children()
            if not kids or (kept is not None and kept(node)):
                out = node
            else:  # a child descend prunes, if tidied or a leaf (the usual case), without a call
                new = [go(k) if descend(k) else k if k._tidy or not k.children() else once(k) for k in kids]
                out = _tidy_build(node, new)
            memo[id(node)] = out  # node kept alive by the expression being rebuilt
        return out

    try:
        return go(e) if descend(e) else once(e)
    finally:  # go refers to itself: a cycle that would keep the memo alive until a collection
        go = None  # type: ignore[assignment]


def _tidy_build(node: ir.Expr, new: list) -> ir.Expr:
    """``node`` with the children ``new``, in normal form and marked so: a tidied node whose
    children are the same is kept, one changed child is spliced in."""
    if node._tidy:
        old = node.children()
        changed = [i for i, (a, b) in enumerate(zip(new, old)) if a is not b]
        if not changed:
            return node
        if len(changed) == 1 and new[changed[0]].shape == old[changed[0]].shape:
            out = splice(node, changed[0], new[changed[0]])
            object.__setattr__(out, "_tidy", True)
            return out
    out = rebuild(node, new) if type(node) in _BUILDERS else ir.with_new_children(node, new)
    object.__setattr__(out, "_tidy", True)
    return out
