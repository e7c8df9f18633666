"""Derivative rules as data: each takes one step and returns new nodes, with the identity it applied."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """A named rule and the identity it applies, in general form (TeX and Unicode)."""
    name: str
    latex: str
    text: str
    cookbook: str = ""   # equation number in the Matrix Cookbook (Petersen & Pedersen, 2012), if any
