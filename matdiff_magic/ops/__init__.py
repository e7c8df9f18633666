"""The operations, one module per family, each registering its ops in ``registry`` when imported.

    registry.py     the Op record and the table every stage reads
    declare.py      helpers that declare an op's facets from the common patterns (linear maps,
                    products, differential rules with their identities, trace rows, calls)
    arith.py        Add, Neg, MatMul, Hadamard (arith_trace.py: their trace rows and lowering;
                    arith_export.py: their NumPy code)
    powers.py       Pow, ElemPow
    elementwise.py  Apply: exp, log, sin, …, sigmoid, relu, step, sign, sqrt
    linalg.py       Transpose, Inverse, Trace, Det, LogDet
    reductions.py   SumAll, Norm, DiagMatrix, DiagVector
    kron.py         Kron, Vec, Commutation
    softmax.py      Softmax
    adjugate.py     Adjugate (adj)
    matpow.py       MatPow (X^k, a matrix power)
    unknown.py      OuterFunction (g(U) of a function declared without a formula, g: function)
    samples.py      SampleSum (sum_i, a sum over samples), SampleCount (N, their number)
    components.py   Literal ([a, b; c, d]), Entry (y1 of y = [y1; y2])

Adding an operation is one module here plus its import below.
"""

# The order of the imports is the order of registration, which the language's vocabulary, the
# trace's rule table and the generated lab-extension files follow.
# ruff: noqa: I001
from matdiff_magic.ops import registry
from matdiff_magic.ops import arith, powers, elementwise, linalg, reductions, kron  # noqa: F401  (registers the ops)
from matdiff_magic.ops import softmax  # noqa: F401  (imported to register its ops)
from matdiff_magic.ops import adjugate  # noqa: F401  (imported to register its ops)
from matdiff_magic.ops import matpow  # noqa: F401  (imported to register its ops)
from matdiff_magic.ops import unknown  # noqa: F401  (imported to register its ops)
from matdiff_magic.ops import samples  # noqa: F401  (imported to register its ops)
from matdiff_magic.ops import components  # noqa: F401  (imported to register its ops)

__all__ = ["registry"]
