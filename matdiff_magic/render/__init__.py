"""Rendering of expressions and derivations: LaTeX, Unicode text, MIME bundles, widgets."""
