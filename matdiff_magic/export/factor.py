"""One LU factorisation per matrix that the exported code factorises more than once.

log(det M), log|det M|, det M, M⁻¹ and the solves with M or Mᵀ each factorise M (NumPy's slogdet,
det, inv and solve all run LAPACK's getrf). When the planned roots (``export.cost.plan``) hold two
or more different such uses of one matrix M, ``share_factorisations`` makes each of them a use of
one factorisation ``_Factor(M)``, which the module computes once (a temporary, ``t0 =
lu_factor(M)``): the gradient of log det X, X⁻ᵀ, then costs getrf and getri (2n³ operations)
instead of slogdet and inv (getrf twice and a solve with n right-hand sides: 10n³/3).

The factorisation is SciPy's LAPACK (``scipy.linalg.lapack``) when it can be imported; SciPy is not
a dependency, so the module imports it inside ``try``, and without it every use calls NumPy as
before (``lu_factor`` then keeps M itself): the same values and the same cost as without sharing.
The values at a singular or negative-determinant M are NumPy's: log det is −inf at det M = 0 and
nan where det M < 0, and the inverse and the solves raise ``np.linalg.LinAlgError``.

Only the NumPy export shares (the JAX and PyTorch modules are differentiated by their framework,
which must see the framework's own calls): ``plan(roots, share=False)`` leaves the uses as they are.
"""

from __future__ import annotations

from matdiff_magic.export.cost_nodes import _LogOfDet, _Solve, _Unary
from matdiff_magic.export.numpy_printer import HELPERS, prints
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.registry import C_ATOM


class _Factor(_Unary):
    """The LU factorisation of the square matrix ``arg`` (shaped as it; never printed but as a
    temporary that the uses below read)."""

    __slots__ = ()


class _Use(ir.Expr):
    """What ``how`` reads off the factorisation ``factor`` of M: ``log_det`` log(det M),
    ``log_abs_det`` log|det M|, ``det`` det M, ``inverse`` M⁻¹, ``solve`` M⁻¹b and ``solve_t`` M⁻ᵀb
    (``b`` None for the first four)."""

    __slots__ = ("b", "factor", "how")
    _children = ("factor", "b")
    _attrs = ("how",)
    factor: ir.Expr
    b: ir.Expr | None
    how: str

    def __init__(self, factor: ir.Expr, how: str, b: ir.Expr | None = None):
        if how in ("solve", "solve_t"):
            shape = (factor.shape[0], b.shape[1]) if b is not None else factor.shape
        else:
            shape = factor.shape if how == "inverse" else ir.SCALAR
        self._init(shape)
        object.__setattr__(self, "factor", factor)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "how", how)

    def children(self) -> tuple:
        return (self.factor,) if self.b is None else (self.factor, self.b)

    def with_children(self, children) -> ir.Expr:
        kids = list(children)
        return _Use(kids[0], self.how, kids[1] if len(kids) > 1 else None)


def _factorised(node: ir.Expr) -> tuple | None:
    """(M, how) when ``node`` factorises the square matrix M (not a 1×1: that is a number), else None."""
    if isinstance(node, _LogOfDet):
        m, how = node.arg, "log_det"
    elif isinstance(node, ir.LogDet):
        m, how = node.arg, "log_abs_det"
    elif isinstance(node, ir.Det):
        m, how = node.arg, "det"
    elif isinstance(node, ir.Inverse):
        m, how = node.arg, "inverse"
    elif isinstance(node, _Solve):
        a = node.a
        m, how = (a.arg, "solve_t") if isinstance(a, ir.Transpose) else (a, "solve")
    else:
        return None
    return None if m.is_scalar else (m, how)


def share_factorisations(roots: list) -> list:
    """``roots`` with the uses of every matrix factorised by two or more different nodes read off
    one ``_Factor`` of it; the other roots' nodes unchanged."""
    uses: dict = {}
    for r in roots:
        for n in r.walk():
            found = _factorised(n)
            if found is not None:
                uses.setdefault(found[0], set()).add(n)
    shared = {m for m, nodes in uses.items() if len(nodes) >= 2}
    if not shared:
        return roots

    def build(node: ir.Expr, kids: list) -> ir.Expr:
        found = _factorised(node)
        new = ir.with_new_children(node, kids)
        if found is None or found[0] not in shared:
            return new
        how = found[1]
        if how in ("solve", "solve_t"):  # kids: the matrix (or its transpose) and b
            m = kids[0].arg if how == "solve_t" else kids[0]
            return _Use(_Factor(m), how, kids[1])
        return _Use(_Factor(kids[0]), how)

    return [ir.rebuild_bottom_up(r, lambda n: None, build) for r in roots]


# ---- their code ---------------------------------------------------------------------------------
_CALLS = {
    "log_det": "lu_log_det({f})",
    "log_abs_det": "lu_sign_and_log({f})[1]",
    "det": "lu_det({f})",
    "inverse": "lu_inverse({f})",
    "solve": "lu_solve({f}, {b})",
    "solve_t": "lu_solve({f}, {b}, transposed=True)",
}


@prints(_Factor)
def _factor_code(p, e):
    p.helper("_lapack")
    return f"{p.helper('lu_factor')}({p.code(e.arg)})", C_ATOM


@prints(_Use)
def _use_code(p, e):
    call = _CALLS[e.how]
    p.helper(call[: call.index("(")])
    if e.how in ("log_det", "det"):
        p.helper("lu_sign_and_log")
    return call.format(f=p.code(e.factor), b=p.code(e.b) if e.b is not None else ""), C_ATOM


HELPERS["_lapack"] = "\n".join(
    [
        "try:  # scipy.linalg.lapack when it is installed (lu_factor); NumPy otherwise",
        "    from scipy.linalg import lapack as _lapack",
        "except ImportError:",
        "    _lapack = None",
    ]
)
HELPERS["lu_factor"] = '''def lu_factor(M):
    """One LU factorisation of M for the lu_ functions: _lapack.dgetrf, or (M, None, 0) without scipy."""
    if _lapack is None or M.size == 0:
        return M, None, 0
    return _lapack.dgetrf(M.T)  # (lu, piv, info) of Mᵀ, so that lu_inverse gives M⁻¹ in C order; info > 0 where M is singular'''
HELPERS["lu_sign_and_log"] = '''def lu_sign_and_log(F):
    """(sign of det M, log|det M|) from lu_factor(M), as np.linalg.slogdet(M) gives them."""
    lu, piv, info = F
    if piv is None:
        return np.linalg.slogdet(lu)
    if info > 0:
        return 0.0, -np.inf
    d = lu.diagonal()
    flips = np.count_nonzero(piv != np.arange(piv.size, dtype=piv.dtype)) + np.count_nonzero(d < 0)
    return (-1.0 if flips % 2 else 1.0), np.log(np.abs(d)).sum()'''
HELPERS["lu_log_det"] = '''def lu_log_det(F):
    """log(det M) from lu_factor(M): nan where det M < 0, -inf where det M = 0."""
    sign, value = lu_sign_and_log(F)
    return value if sign > 0 else value + np.log(sign)  # log 0 = -inf; log(-1) = nan'''
HELPERS["lu_det"] = '''def lu_det(F):
    """det M from lu_factor(M), as np.linalg.det(M) computes it."""
    sign, value = lu_sign_and_log(F)
    return sign * np.exp(value)'''
HELPERS["lu_inverse"] = '''def lu_inverse(F):
    """M⁻¹ from lu_factor(M) (_lapack.dgetri); LinAlgError where M is singular."""
    lu, piv, info = F
    if piv is None:
        return np.linalg.inv(lu)
    if info > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    return _lapack.dgetri(lu, piv, lwork=64 * lu.shape[0])[0].T'''
HELPERS["lu_solve"] = '''def lu_solve(F, B, transposed=False):
    """M⁻¹B (M⁻ᵀB when transposed) from lu_factor(M) (_lapack.dgetrs); LinAlgError where M is singular."""
    lu, piv, info = F
    if piv is None:
        return np.linalg.solve(lu.T if transposed else lu, B)
    if info > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    return _lapack.dgetrs(lu, piv, B, trans=0 if transposed else 1)[0]'''
