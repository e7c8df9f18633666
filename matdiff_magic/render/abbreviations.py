"""Names for repeated inner activations (t₁ = tanh(W₁x), t₂ = tanh(W₂t₁), …), as backpropagation
keeps intermediate values: a deep chain's derivation then prints in size linear in its depth.
Only expressions with activations nested three deep or more are abbreviated, so textbook
examples print exactly as written."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir

MIN_NESTING = 3


def _is_activation(node: ir.Expr) -> bool:
    return isinstance(node, (ir.Apply, ir.Softmax))


def nesting(node: ir.Expr, memo: dict) -> int:
    """Depth of nested activations below and including ``node``."""
    if id(node) in memo:
        return memo[id(node)]
    inner = max((nesting(k, memo) for k in node.children()), default=0)
    out = inner + 1 if _is_activation(node) else inner
    memo[id(node)] = out
    return out


def choose(f: ir.Expr, taken: set) -> dict:
    """node -> (TeX name, Unicode name) for every activation that sits inside another one."""
    memo: dict = {}
    if nesting(f, memo) < MIN_NESTING:
        return {}
    inner, seen, visited = [], set(), set()
    stack = [(f, False)]  # (node, lies under an activation)
    while stack:
        node, under = stack.pop()
        if (id(node), under) in visited:
            continue
        visited.add((id(node), under))
        if under and _is_activation(node) and node not in seen:
            seen.add(node)
            inner.append(node)
        stack.extend((k, under or _is_activation(node)) for k in node.children())
    inner.sort(key=lambda n: nesting(n, memo))
    letter = next(c for c in "tuhzsq" if c not in taken)
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    return {
        node: (f"{letter}_{{{k}}}", f"{letter}{str(k).translate(sub)}")
        for k, node in enumerate(inner, start=1)
    }
