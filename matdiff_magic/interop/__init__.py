"""SymPy in and out: a SymPy matrix expression as a cell (``derive`` takes one) and the IR as a
SymPy matrix expression (``Derivation.to_sympy``). SymPy is imported only when one of these runs."""
