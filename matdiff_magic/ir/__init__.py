"""The IR: expression nodes (nodes.py) and their smart constructors (construct.py).

The operation nodes are defined in ``matdiff_magic.ops`` and bound in ``nodes`` when registered;
importing the package imports them, so ``ir.Trace`` exists wherever ``ir.nodes`` is imported.
"""

import matdiff_magic.ops  # noqa: F401  (binds the op classes in ir.nodes)
