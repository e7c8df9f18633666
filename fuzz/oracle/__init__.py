"""An independent-oracle fuzzer for matdiff_magic.

Random well-typed expressions (``generate``) are built as the oracle's own trees (``expr``), printed
as source text in the package's language and given their own NumPy semantics (``semantics``).
``oracle`` takes central differences of those semantics; ``worker`` runs one case against the
package's public API (``derive``, ``evaluate``) and classifies what happened, ``exported`` runs the
module ``to_python()`` exports in every layout; ``pool`` runs cases in worker
processes with a time limit; ``shrink`` minimises failing cases; ``run.py`` is the command line.
Nothing is shared with the package's evaluator or with its own fuzzer.
"""
