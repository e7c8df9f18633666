"""An independent-oracle fuzzer for matdiff_magic.

Random well-typed expressions (``generate``) are built as the oracle's own trees (``expr``), printed
as source text in the package's language and given their own NumPy semantics. ``oracle`` takes
central differences of those semantics; ``worker`` runs one case against the package's public API
(``derive``, ``evaluate``, ``to_python``) and classifies what happened; ``pool`` runs cases in worker
processes with a time limit; ``shrink`` minimises failing cases; ``run.py`` is the command line.
Nothing is shared with the package's evaluator or with its own fuzzer.
"""
