"""What a view's lines print with its names: each step's expressions, and the names those lines
use, in order of first appearance (the stepper's where line defines them)."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir


def shown_expressions(step) -> list:
    """What a recorded step prints with the names: its chain or its expression (a line recorded
    as a function of the printer is printed as written, without them)."""
    if step.chain:
        return list(step.chain)
    if step.line is not None or not isinstance(step.value, ir.Expr):
        return []
    return [step.value]


def definitions(lines: list, abbrev: dict) -> list:
    """(node, (TeX, text)) for each name that ``lines`` print, by first appearance, then the
    names used in those names' definitions (Mᵀ counts as M, defined once)."""
    by_name: dict = {}
    for node, pair in abbrev.items():
        if not pair[1].endswith("ᵀ"):
            by_name.setdefault(pair, node)
    out: list = []

    def walk(e: ir.Expr, root=None) -> None:
        stack, seen = [e], set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node is not root and node in abbrev:
                tex, text = abbrev[node]
                base = (tex.removesuffix("^{T}"), text.removesuffix("ᵀ"))
                if base not in out:
                    out.append(base)
                continue
            stack.extend(reversed(node.children()))

    for e in lines:
        walk(e)
    for base in out:  # grows while read: a definition's names are listed after it
        if base in by_name:
            walk(by_name[base], by_name[base])
    return [(by_name[b], b) for b in out if b in by_name]
