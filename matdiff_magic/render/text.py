"""Readable Unicode for expressions (the text/plain of every bundle)."""
from .printer import to_text  # noqa: F401
