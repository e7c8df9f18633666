"""TeX for expressions (the text/latex of every bundle)."""
from .printer import to_latex  # noqa: F401
