"""Test-side reading of the TeX the package prints: its coloured (highlighted) parts."""

from __future__ import annotations

import re

COLOUR = re.compile(r"\{\\color\{#[0-9a-fA-F]{6}\}\{")


def coloured_groups(tex: str) -> list[str]:
    """The contents of the coloured groups of ``tex``, outermost first."""
    out = []
    for m in COLOUR.finditer(tex):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        out.append(tex[m.end() : i - 1])
    return out


def uncoloured(tex: str) -> str:
    """``tex`` with every {\\color{#…}{…}} replaced by its content (what the plain line prints)."""
    while (m := COLOUR.search(tex)) is not None:
        depth, i = 2, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        tex = tex[: m.start()] + tex[m.end() : i - 2] + tex[i:]
    return tex
