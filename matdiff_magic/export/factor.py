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

A matrix declared symmetric positive definite (``S: spd``, ``definite``) is factorised by Cholesky,
S = LLᵀ (``t0 = cho_factor(S)``, LAPACK's potrf: n³/3 operations, half of LU's 2n³/3), wherever the
module factorises it, once or more: log(det S) (and log|det S|) is 2 Σᵢ log Lᵢᵢ, since
det S = det L det Lᵀ = Πᵢ Lᵢᵢ² (the Matrix Cookbook's (21), det(AB) = det A det B, with det of a
triangular matrix the product of its diagonal), det S is its exponential, S⁻¹B (and S⁻ᵀB = S⁻¹B)
two triangular solves (potrs) and S⁻¹ potri's one triangle, mirrored. Without SciPy the factor is
``np.linalg.cholesky(S)`` (log det reads it) and the solves and the inverse call NumPy as before.
Either way a matrix that is not positive definite raises ``np.linalg.LinAlgError`` ("Matrix is not
positive definite", NumPy's words) from the factorisation, even where evaluate() has a value
(log det S of an indefinite S with det S > 0): the declaration is a promise about the inputs, and a
gradient check that draws such an input skips it as it skips a singular one. The factorisation reads
S's lower triangle; the module's input check has made sure S is symmetric.

Only the NumPy export shares (the JAX and PyTorch modules are differentiated by their framework,
which must see the framework's own calls; a Cholesky factorisation reads one triangle of S, so
their autodiff, which steps S by a dS that is not symmetric, would differentiate another function):
``plan(roots, share=False)`` leaves the uses as they are.
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


class _Cholesky(_Unary):
    """The Cholesky factorisation of ``arg``, a variable declared symmetric positive definite."""

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


def _definite(m: ir.Expr, definite: frozenset):
    """The variable S when ``m`` is S or Sᵀ for S declared symmetric positive definite, else None."""
    s = m.arg if isinstance(m, ir.Transpose) else m
    return s if isinstance(s, ir.Var) and s.name in definite else None


# what a use of M reads off S = M or Mᵀ's Cholesky factor: Sᵀ = S, so Sᵀ's uses are S's
_OF_DEFINITE = {
    "log_det": "log_det",
    "log_abs_det": "log_det",
    "det": "det",
    "inverse": "inverse",
    "solve": "solve",
    "solve_t": "solve",
}


def share_factorisations(roots: list, definite: frozenset = frozenset()) -> list:
    """``roots`` with the uses of every matrix factorised by two or more different nodes read off
    one ``_Factor`` of it, and every use of a variable in ``definite`` (declared symmetric positive
    definite) read off one ``_Cholesky`` of it; the other roots' nodes unchanged."""
    uses: dict = {}
    for r in roots:
        for n in r.walk():
            found = _factorised(n)
            if found is not None:
                uses.setdefault(found[0], set()).add(n)
    shared = {m for m, nodes in uses.items() if len(nodes) >= 2 or _definite(m, definite) is not None}
    if not shared:
        return roots

    def build(node: ir.Expr, kids: list) -> ir.Expr:
        found = _factorised(node)
        new = ir.with_new_children(node, kids)
        if found is None or found[0] not in shared:
            return new
        how = found[1]
        s = _definite(found[0], definite)
        if s is not None:
            return _Use(_Cholesky(s), _OF_DEFINITE[how], kids[1] if how in ("solve", "solve_t") else None)
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


_CHOLESKY_CALLS = {
    "log_det": "cho_log_det({f})",
    "det": "cho_det({f})",
    "inverse": "cho_inverse({f})",
    "solve": "cho_solve({f}, {b})",
}


@prints(_Factor)
def _factor_code(p, e):
    p.helper("_lapack")
    return f"{p.helper('lu_factor')}({p.code(e.arg)})", C_ATOM


@prints(_Cholesky)
def _cholesky_code(p, e):
    p.helper("_lapack")
    return f"{p.helper('cho_factor')}({p.code(e.arg)})", C_ATOM


@prints(_Use)
def _use_code(p, e):
    cholesky = isinstance(e.factor, _Cholesky)
    call = (_CHOLESKY_CALLS if cholesky else _CALLS)[e.how]
    p.helper(call[: call.index("(")])
    if e.how in ("log_det", "det"):
        p.helper("cho_log_det" if cholesky else "lu_sign_and_log")
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

HELPERS["cho_factor"] = '''def cho_factor(S):
    """(S, L, lapack): the Cholesky factor L (S = L Lᵀ, lower) of the symmetric positive definite S
    for the cho_ functions: _lapack.dpotrf, or np.linalg.cholesky without scipy. LinAlgError where S
    is not positive definite."""
    if _lapack is None or S.size == 0:
        return S, np.linalg.cholesky(S), False
    L, info = _lapack.dpotrf(S, lower=1, clean=1)  # reads S's lower triangle
    if info > 0:
        raise np.linalg.LinAlgError("Matrix is not positive definite")
    return S, L, True'''
HELPERS["cho_log_det"] = '''def cho_log_det(F):
    """log(det S) from cho_factor(S): det S = (L_11 ⋯ L_nn)², so twice the sum of the logs."""
    return 2.0 * np.log(F[1].diagonal()).sum()'''
HELPERS["cho_det"] = '''def cho_det(F):
    """det S from cho_factor(S)."""
    return np.exp(cho_log_det(F))'''
HELPERS["cho_solve"] = '''def cho_solve(F, B):
    """S⁻¹B from cho_factor(S) (_lapack.dpotrs: two triangular solves); np.linalg.solve without scipy."""
    S, L, lapack = F
    if not lapack:
        return np.linalg.solve(S, B)
    return _lapack.dpotrs(L, B, lower=1)[0]'''
HELPERS["cho_inverse"] = '''def cho_inverse(F):
    """S⁻¹ from cho_factor(S) (_lapack.dpotri: one triangle, mirrored); np.linalg.inv without scipy."""
    S, L, lapack = F
    if not lapack:
        return np.linalg.inv(S)
    R = _lapack.dpotri(L, lower=1)[0]
    return np.tril(R) + np.tril(R, -1).T'''
