"""Names for subexpressions, defined once under the result ("where s = softmax(Wᵀx)").

Two kinds: repeated inner activations of a deep chain (t₁ = tanh(W₁x), t₂ = tanh(W₂t₁), …), as
backpropagation keeps intermediate values, so that a deep chain's derivation prints in size
linear in its depth (only for activations nested three deep or more: ``choose``); and the
subexpressions a result repeats (``repeated``): softmax(·) is s, sigmoid σ(·) is σ, others are
t₁, t₂, … (vectors) or M₁, M₂, … (matrices), never a name the cell uses. Occurrences are counted
by hashing, in one pass over the results per name.
"""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.notation import name_latex, name_text
from matdiff_magic.render.printer import to_text

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


MAX_NAMES = 6
MIN_SIZE = 3  # nodes: softmax(Wᵀx) is named, Xᵀ or A⁻¹ never
MIN_TEXT = 10  # characters: a repeated X² or a bᵀx stays as it is


def _size(node: ir.Expr, memo: dict) -> int:
    if id(node) not in memo:
        memo[id(node)] = (1 + sum(_size(k, memo) for k in node.children()), node)
    return memo[id(node)][0]


def _count(results: list, named: dict) -> dict:
    """node -> its most occurrences in one result (the layouts show one each), a named node
    counted but not entered."""
    most: dict = {}
    for result in set(results):
        counts: dict = {}
        stack = [result]
        while stack:
            node = stack.pop()
            counts[node] = counts.get(node, 0) + 1
            if counts[node] == 1 and node not in named:
                stack.extend(node.children())
        for node, k in counts.items():
            most[node] = max(most.get(node, 0), k)
    return most


def _activation(node: ir.Expr) -> str | None:
    """The conventional letter of an activation the textbooks name: s = softmax(u), σ = σ(u)."""
    if isinstance(node, ir.Softmax):
        return "s"
    if isinstance(node, ir.Apply) and node.func == "sigmoid" and not node.is_scalar:
        return "sigma"
    return None


def _fresh(node: ir.Expr, taken: set) -> str:
    preferred = _activation(node)
    letters = [preferred, "p", "q"] if preferred else []
    base = "t" if node.shape[1] == 1 else "M"
    letters += [f"{base}_{k}" for k in range(1, 100)]
    return next(n for n in letters if n not in taken)


def repeated(results: list, taken: set, named: dict | None = None) -> dict:
    """node -> (TeX name, Unicode name) for each subexpression that appears more than once in
    ``results`` (a softmax or sigmoid of a vector once is enough: its derivative repeats it in
    every step), largest first, inner ones only when they still repeat outside the named ones."""
    named = dict(named or {})
    out: dict = {}
    taken = set(taken) | {n for pair in named.values() for n in pair}
    memo: dict = {}
    long_enough: dict = {}  # node -> printed at least MIN_TEXT characters (printed once)
    for _ in range(MAX_NAMES):
        counts = _count(results, named)
        candidates = [
            node
            for node, k in counts.items()
            if (k >= 2 or _activation(node))
            and node not in named
            and node.children()
            and not node.is_scalar
            and not isinstance(node, (ir.Transpose, ir.Neg))  # the name would hide one ᵀ or sign
            and _size(node, memo) >= MIN_SIZE
        ]
        candidates.sort(key=lambda n: -_size(n, memo))
        best = None
        for node in candidates:
            if node not in long_enough:
                long_enough[node] = _activation(node) is not None or len(to_text(node)) >= MIN_TEXT
            if long_enough[node]:
                best = node
                break
        if best is None:
            break
        name = _fresh(best, taken)
        taken.add(name)
        kind = "vector" if best.shape[1] == 1 else "matrix"
        out[best] = named[best] = (name_latex(name, kind), name_text(name))
    return out
