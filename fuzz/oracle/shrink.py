"""Minimising a failing case: greedy replacement of sub-expressions while the failure persists.

A candidate replaces one node by one of its descendants of the same shape, or by a leaf of the same
shape (the variable differentiated by, another variable, the number 2 or 1, vector(1), matrix(1)),
or drops the "f =" name and the layout of the text. Candidates whose constants' sizes would no longer
be fixed, or that lose the variable, are skipped. The first candidate (smallest first) that still
shows a failure with the same signature is kept, and the search starts again from it.
"""

from __future__ import annotations

import dataclasses
import time

from fuzz.oracle import expr as E
from fuzz.oracle import semantics as S
from fuzz.oracle.expr import ONE, SCALAR, Case, Node


def _paths(tree: Node, prefix=()):
    yield prefix, tree
    for i, a in enumerate(tree.args):
        yield from _paths(a, (*prefix, i))


def replace_at(tree: Node, path: tuple, new: Node) -> Node:
    if not path:
        return new
    i = path[0]
    args = list(tree.args)
    args[i] = replace_at(args[i], path[1:], new)
    return E.rebuild(tree, tuple(args))


def _leaves(case: Case, shape: tuple) -> list[Node]:
    out = []
    for v in case.used():
        if v.shape == shape:
            out.append(E.var(v))
        elif (v.shape[1], v.shape[0]) == shape and shape != SCALAR:
            out.append(E.transpose(E.var(v)))
    out.sort(key=lambda n: 0 if (n.args[0] if n.op == "T" else n).attr == case.wrt else 1)
    if shape == SCALAR:
        out += [E.num("2"), E.num("1")]
    elif len(shape[0]) <= 1 and len(shape[1]) <= 1:
        if shape[1] == ONE:
            out.append(E.fill_vector("1", shape[0]))
        elif shape[0] != ONE:
            out.append(E.fill_matrix("1", shape))
            if shape[0] == shape[1]:
                out.append(E.eye(shape[0]))
    return out


def candidates(case: Case):
    out = []
    tree = case.tree
    for path, node in _paths(tree):
        if node.op in ("var", "num"):
            continue
        options = [d for _, d in _paths(node) if d is not node and d.shape == node.shape]
        options += _leaves(case, node.shape)
        seen = set()
        for new in options:
            key = E.source(new)
            if key in seen or new == node:
                continue
            seen.add(key)
            t = replace_at(tree, path, new)
            if case.wrt not in {n.attr for n in t.walk() if n.op == "var"}:
                continue
            if not S.constants_pinned(t):
                continue
            out.append(dataclasses.replace(case, tree=t))
    out.sort(key=lambda c: (c.tree.size(), len(c.source())))
    simpler = []
    if case.name is not None or case.spacing:
        simpler.append(dataclasses.replace(case, name=None, spacing=0))
    return simpler + [c for c in out if c.tree.size() < tree.size()]


def shrink(case: Case, signature: str, pool, seconds: float = 60.0, max_runs: int = 400):
    """The smallest case found that still fails with ``signature``; also the number of runs."""
    deadline = time.monotonic() + seconds
    runs = 0
    best, best_result = case, None
    while time.monotonic() < deadline and runs < max_runs:
        found = None
        pending = candidates(best)
        batch = max(1, len(pool.slots))
        for start in range(0, len(pending), batch):
            if time.monotonic() > deadline or runs >= max_runs:
                break
            chunk = pending[start : start + batch]
            results = {}
            for key, _, result in pool.run(list(enumerate(chunk))):
                results[key] = result
            runs += len(chunk)
            for k in range(len(chunk)):
                if any(f["signature"] == signature for f in results[k]["failures"]):
                    found = (chunk[k], results[k])
                    break
            if found:
                break
        if not found:
            break
        best, best_result = found
    return best, best_result, runs
