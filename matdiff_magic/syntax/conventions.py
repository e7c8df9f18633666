"""The naming convention of undeclared names that the reader and the types stage share."""

from __future__ import annotations

# Greek letters that are scalars in the usual notation of the field (λ a penalty, α η learning
# rates, γ ρ τ ε constants), when written out: undeclared, they are scalars (types.kinds), and |λ| in
# LaTeX is their absolute value, not a determinant (syntax.latex_operands)
SCALAR_NAMES = frozenset({"lambda", "alpha", "eta", "gamma", "rho", "tau", "epsilon", "eps", "kappa"})
