"""Cost-aware emission: the expressions an exported module computes, rewritten to cost less.

``plan(roots)`` takes the expressions a module prints (f, the gradient, the Hessian) and returns
equal expressions that are cheaper to compute in NumPy; the module's temporaries (``naming``) are
found on what it returns. Costs are counted by the symbolic shapes, every size symbol standing for
the same large number (``LARGE``), so a term in n³ outweighs any in n².

* **Sums over a thin side.** A sum of k matrices (n×n) multiplied by a vector is distributed:
  (A + Aᵀ) x is printed ``A @ x + A.T @ x`` (k·n² operations) rather than forming a new n×n matrix
  (k·n² to form, n² to apply). A sum needed as a matrix anyway (the Hessian A + Aᵀ) is kept.
* **Products in the cheaper order.** A chain of three or more matrices and vectors is associated as
  the matrix-chain order of its shapes gives (A B y as ``A @ (B @ y)``); a sub-product that another
  expression computes anyway (or its transpose: xᵀA is (Aᵀx)ᵀ, the same 1-D array) costs nothing,
  so f = xᵀAx reuses the gradient's ``A.T @ x``. A scalar factor scales the smallest of the first
  factor, a vector factor and the result (``B @ (c * y)``, not ``(c * B) @ y``); tr(L R) is the sum
  of L ⊙ Rᵀ, never the whole product.
* **Solves instead of inverses.** X⁻¹ B is ``np.linalg.solve(X, B)`` and B X⁻¹ a transposed solve
  when X⁻¹ is only ever multiplied, at most twice (two LU factorisations cost less than one
  inverse); an inverse needed as a matrix, or multiplied more often, is computed once (a temporary)
  and reused. Multiplied more often only in products that are vectors or numbers, it still becomes
  solves when they are few different ones (``SOLVES``): xᵀX⁻¹x with its gradient (X⁻¹ + X⁻ᵀ)x is
  the solves X⁻¹x and X⁻ᵀx, which share one LU (below), and f reads the first.
* **log(det X)** is read off one LU factorisation (``np.linalg.slogdet``): log|det X| where
  det X > 0, −inf where det X = 0 and nan where det X < 0, as ``np.log(np.linalg.det(X))`` (the
  value ``evaluate()`` gives) but without overflowing for large matrices.
* **Constants broadcast.** 𝟏 − y is printed ``1 - y``: a constant vector or matrix added to an
  array of its shape is the number, which NumPy broadcasts, never a new array of ones.
* **One factorisation per matrix.** A matrix that several of these nodes factorise (log det X and
  the gradient's X⁻¹, or two solves with X) is factorised once and each reads it
  (``export.factor``: LAPACK through SciPy when installed, NumPy's calls otherwise).
* **(A + Aᵀ)x in one pass over A** (``export.symmetric``): Ax + Aᵀx, the gradient of xᵀAx, as the
  products of A's two triangles (BLAS's symv through SciPy when installed), and f = ½ xᵀ(A + Aᵀ)x.

* **Cholesky for a declared positive definite matrix.** A variable declared ``S: spd`` (``definite``)
  is factorised by Cholesky wherever the module factorises it, even once (``export.factor``:
  log det S = 2 Σ log Lᵢᵢ, S⁻¹b by two triangular solves, S⁻¹ from the factor; LinAlgError where S
  is not positive definite).

A symmetric S keeps its Sᵀ: the JAX and PyTorch checks
differentiate the code at non-symmetric S + dS. ``plan`` raises nothing of its own; the nodes it
writes (``cost_nodes``) have printers for every backend.
"""

from __future__ import annotations

from typing import cast

from matdiff_magic.export.cost_nodes import _Broadcast, _LogOfDet, _Solve, _TraceOfProduct, flip
from matdiff_magic.export.factor import share_factorisations
from matdiff_magic.export.symmetric import symmetric_products
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops import registry
from matdiff_magic.types.dims import Dim

LARGE = 1000  # the number every size symbol stands for when costs are compared


def size(d) -> int:
    d = Dim.of(d)
    return d.coef * LARGE ** len(d.symbols)


def transposed(e: ir.Expr) -> ir.Expr:
    """eᵀ, with (Xᵀ)ᵀ = X and a product transposed factor by factor. A symmetric S keeps its Sᵀ:
    the code must stay a function of every entry (the JAX and PyTorch checks differentiate it at
    S + dS with dS not symmetric)."""
    if isinstance(e, ir.Transpose):
        return e.arg
    if e.is_scalar or isinstance(e, ir.Identity):
        return e
    if isinstance(e, ir.MatMul):
        return ir.MatMul(tuple(transposed(f) for f in reversed(e.factors)))
    return ir.Transpose(e)


def _structured(f: ir.Expr) -> bool:
    """A factor that acts on its neighbours rather than being built (diag(v), a commutation
    matrix): its op's export facets print the product, so its chain is left as it is."""
    op = registry.find(f)
    return op is not None and ("export_left" in op.extra or "export_right" in op.extra)


def _wide_sum(e: ir.Expr) -> bool:
    return isinstance(e, ir.Add) and e.shape[0] != 1 and e.shape[1] != 1


def _sum_of(f: ir.Expr):
    """The wide sum that the factor ``f`` is, or is the transpose of; else None."""
    s = f.arg if isinstance(f, ir.Transpose) else f
    return s if _wide_sum(s) else None


def _inverse_of(f: ir.Expr):
    """(X, transposed) when ``f`` is X⁻¹ or X⁻ᵀ of a matrix X, else None."""
    if isinstance(f, ir.Transpose) and isinstance(f.arg, ir.Inverse) and not f.is_scalar:
        return f.arg, True
    if isinstance(f, ir.Inverse) and not f.is_scalar:
        return f, False
    return None


class _Uses:
    """Where the sums and inverses of the roots occur: as factors of products that can take
    them apart (thin products, for sums), or anywhere else (then they are computed as matrices)."""

    def __init__(self, roots: list):
        self.kept_sums: set = set()  # matrix sums needed as matrices
        self.product_uses: dict = {}  # inverse node -> how many times a product multiplies it
        self.kept_inverses: set = set()
        self.wide_uses: set = set()  # inverses multiplied in a product whose result is a matrix
        self.solved: set = set()  # inverses multiplied more than twice, solved all the same (plan)
        self.seen: set = set()
        for r in roots:
            self._value(r)

    def _value(self, e: ir.Expr) -> None:
        """``e`` is computed as it stands."""
        if _wide_sum(e):
            self.kept_sums.add(e)
        inv = _inverse_of(e)
        if inv is not None:
            self.kept_inverses.add(inv[0])
        self._inside(e)

    def _inside(self, node: ir.Expr) -> None:
        if id(node) in self.seen:
            return
        self.seen.add(id(node))
        if isinstance(node, ir.MatMul) and not any(_structured(f) for f in node.factors):
            thin = node.shape[0] == 1 or node.shape[1] == 1
            for f in node.factors:
                self._factor(f, thin)
        else:
            for c in node.children():
                self._value(c)

    def _factor(self, f: ir.Expr, thin: bool) -> None:
        """``f`` is a factor of a product (``thin``: whose result is a vector or a number)."""
        inv = _inverse_of(f)
        if inv is not None:
            self.product_uses[inv[0]] = self.product_uses.get(inv[0], 0) + 1
            if not thin:
                self.wide_uses.add(inv[0])
            self._inside(inv[0])
        elif thin and _sum_of(f) is not None:  # its terms become factors of products (_Distribute)
            for t in _terms(f):
                u = t.arg if isinstance(t, ir.Neg) else t
                for g in u.factors if isinstance(u, ir.MatMul) else (u,):
                    self._factor(g, thin)
        else:
            self._value(f)

    def solvable(self, inverse: ir.Expr) -> bool:
        return inverse not in self.kept_inverses and (
            self.product_uses.get(inverse, 0) <= 2 or inverse in self.solved
        )

    def multiplied_often(self) -> set:
        """The inverses only ever multiplied, by more than two products, each a vector or a number
        (whose solves have vectors on the right: n² operations each once M is factorised; a
        matrix-valued product may solve for a matrix, which costs as much as the inverse)."""
        return {
            i
            for i, k in self.product_uses.items()
            if k > 2 and i not in self.kept_inverses and i not in self.wide_uses
        }


# the different solves an inverse that is only multiplied may become: two (two LU factorisations,
# 4n³/3, cost less than one inverse, 2n³); three where they share one LU (the NumPy module: with
# SciPy one getrf and three getrs, without it three solves cost what the inverse does)
SOLVES = {True: 3, False: 2}


def plan(roots: list, share: bool = True, definite: frozenset = frozenset()) -> list:
    """``roots`` rewritten as the module's docstring says, equal in value; with ``share`` (the NumPy
    export), a matrix factorised by several of their nodes is factorised once (``export.factor``)
    and Ax + Aᵀx reads A once (``export.symmetric``), and a variable of ``definite`` (declared
    symmetric positive definite) is factorised by Cholesky.

    An inverse multiplied more often than twice may still take few different solves: xᵀX⁻¹x with
    its gradient (X⁻¹ + X⁻ᵀ)x multiplies X⁻¹ three times but solves only X⁻¹x (f reads it too) and
    X⁻ᵀx. Such inverses are tried as solves; those whose plan then holds at most ``SOLVES[share]``
    different solves by their matrix stay solves, the others are computed as matrices."""
    uses = _Uses(roots)
    often = uses.multiplied_often()
    if not often:
        out = _plan(roots, uses)
    else:
        uses.solved = often
        out = _plan(roots, uses)
        counts: dict = {}
        for s in {n for r in out for n in r.walk() if isinstance(n, _Solve)}:
            m = s.a.arg if isinstance(s.a, ir.Transpose) else s.a
            counts[m] = counts.get(m, 0) + 1
        uses.solved = {i for i in often if counts.get(i.arg, 0) <= SOLVES[share]}
        if uses.solved != often:
            out = _plan(roots, uses)
    return share_factorisations(symmetric_products(out), definite) if share else out


def _plan(roots: list, uses: _Uses) -> list:
    """The rewriting of ``roots`` with the inverses that ``uses`` finds solvable solved."""
    spread = [ir.rebuild_bottom_up(r, lambda n: None, _Distribute(uses)) for r in roots]
    # a number xᵀ(A + B)y is taken apart on the side that the vectors' products already take
    products = _products(spread)
    spread = [ir.rebuild_bottom_up(r, lambda n: None, _Distribute(uses, products)) for r in spread]
    chains = _Chains(uses, _products(spread))
    out = [ir.rebuild_bottom_up(r, chains.done, chains.build) for r in spread]
    return [ir.rebuild_bottom_up(r, lambda n: None, _broadcast_constants) for r in out]


def _broadcast_constants(node: ir.Expr, kids: list) -> ir.Expr:
    """A constant vector or matrix (𝟏) added to an array of its shape is the number, broadcast."""
    node = ir.with_new_children(node, kids)
    if not isinstance(node, ir.Add) or node.is_scalar:
        return node
    arrays = [t for t in node.terms if not isinstance(_unsigned(t), ir.Fill)]
    if not arrays:
        return node
    return ir.Add(tuple(_as_number(t) for t in node.terms))


def _unsigned(t: ir.Expr) -> ir.Expr:
    return t.arg if isinstance(t, ir.Neg) else t


def _as_number(t: ir.Expr) -> ir.Expr:
    if isinstance(t, ir.Fill):
        return _Broadcast(t.value, t.shape)
    if isinstance(t, ir.Neg) and isinstance(t.arg, ir.Fill):
        return ir.Neg(_Broadcast(t.arg.value, t.shape))
    return t


def _products(roots: list) -> set:
    return {n for r in roots for n in r.walk() if isinstance(n, ir.MatMul)}


class _Distribute:
    """Each product whose wide sum meets a thin side becomes a sum of products: the vectors'
    products first (``products`` None), then the numbers', on the side whose products are known."""

    def __init__(self, uses: _Uses, products: set | None = None):
        self.uses, self.products = uses, products

    def __call__(self, node: ir.Expr, kids: list) -> ir.Expr:
        node = ir.with_new_children(node, kids)
        if isinstance(node, ir.Trace) and isinstance(node.arg, ir.MatMul):
            return _trace_of_product(node)
        if not isinstance(node, ir.MatMul) or (node.shape[0] != 1 and node.shape[1] != 1):
            return node
        if node.is_scalar != (self.products is not None):
            return node  # not in this pass
        fs = node.factors
        if any(_structured(f) for f in fs):
            return node
        for i, f in enumerate(fs):
            if _sum_of(f) is not None and _sum_of(f) not in self.uses.kept_sums:
                left, right = fs[:i], fs[i + 1 :]
                options = []
                if right and right[-1].shape[1] == 1 and not all(g.is_scalar for g in right):
                    options.append(_product(left + (_times(f, right, True),)))
                if left and left[0].shape[0] == 1 and not all(g.is_scalar for g in left):
                    options.append(_product((_times(f, left, False),) + right))
                if options:
                    return max(options, key=self._known)  # the first (the right side) on ties
        return node

    def _known(self, e: ir.Expr) -> int:
        """How many of the products of the sum in ``e`` are computed elsewhere (or their transposes)."""
        if not self.products:
            return 0
        sums = [f for f in (e.factors if isinstance(e, ir.MatMul) else (e,)) if isinstance(f, ir.Add)]
        terms = [t.arg if isinstance(t, ir.Neg) else t for s in sums for t in s.terms]
        return sum(
            isinstance(t, ir.MatMul) and (t in self.products or transposed(t) in self.products) for t in terms
        )


def _trace_of_product(node: ir.Trace) -> ir.Expr:
    """tr(L R) = Σᵢⱼ Lᵢⱼ Rⱼᵢ: the entries of the diagonal only, never the whole product L R."""
    fs = cast(ir.MatMul, node.arg).factors
    scalars = tuple(f for f in fs if f.is_scalar)
    rest = tuple(f for f in fs if not f.is_scalar)
    if len(rest) < 2 or any(_structured(f) for f in rest):
        return node
    out = _TraceOfProduct(_product(rest[:-1]), rest[-1])
    return ir.MatMul((*scalars, out)) if scalars else out


def _product(fs: tuple) -> ir.Expr:
    return fs[0] if len(fs) == 1 else ir.MatMul(fs)


def _times(s: ir.Expr, side: tuple, on_right: bool) -> ir.Expr:
    """The sum ``s`` times ``side`` (on the right of s when ``on_right``), as a sum of products."""
    terms = []
    for t in _terms(s):
        sign = isinstance(t, ir.Neg)
        t = t.arg if sign else t
        if isinstance(t, ir.Identity):
            p = _product(side)
        else:
            inner = t.factors if isinstance(t, ir.MatMul) else (t,)
            p = _product(inner + side if on_right else side + inner)
        terms.append(ir.Neg(p) if sign else p)
    return ir.Add(tuple(terms))


def _terms(s: ir.Expr) -> list:
    """The terms of a sum, with (a sum)ᵀ and -(a sum) opened: (A + I)ᵀ gives Aᵀ and I."""
    if isinstance(s, ir.Add):
        return [u for t in s.terms for u in _terms(t)]
    if isinstance(s, ir.Transpose) and isinstance(s.arg, ir.Add):
        return [
            transposed(u) if not isinstance(u, ir.Neg) else ir.Neg(transposed(u.arg)) for u in _terms(s.arg)
        ]
    if isinstance(s, ir.Neg) and isinstance(s.arg, ir.Add):
        return [u.arg if isinstance(u, ir.Neg) else ir.Neg(u) for u in _terms(s.arg)]
    return [s]


class _Chains:
    """Products in the matrix-chain order, with solves for inverses and scalars moved outside."""

    def __init__(self, uses: _Uses, available: set):
        self.uses, self.available = uses, available
        self.memo: dict = {}  # product -> its rewriting: equal products are rewritten alike

    def done(self, node: ir.Expr):
        if isinstance(node, ir.Apply) and node.func == "log" and isinstance(node.arg, ir.Det):
            return _LogOfDet(self.rebuild(node.arg.arg))
        return None

    def rebuild(self, e: ir.Expr) -> ir.Expr:
        return ir.rebuild_bottom_up(e, self.done, self.build)

    def build(self, node: ir.Expr, kids: list) -> ir.Expr:
        node = ir.with_new_children(node, kids)
        if not isinstance(node, ir.MatMul) or any(_structured(f) for f in node.factors):
            return node
        if node in self.memo:
            return self.memo[node]
        out = self._order(node)
        self.memo[node] = out
        return out

    def _order(self, node: ir.MatMul) -> ir.Expr:
        if node.shape[0] == 1 and not node.is_scalar:  # uᵀA is (Aᵀu)ᵀ, the same 1-D array
            col = transposed(node)
            if isinstance(col, ir.MatMul) and col in self.available:
                return flip(self.build(col, list(col.factors)))
        scalars = tuple(f for f in node.factors if f.is_scalar)
        fs = [f for f in node.factors if not f.is_scalar]
        solves = any(_inverse_of(f) is not None and self.uses.solvable(_inverse_of(f)[0]) for f in fs)
        if not fs or (len(fs) < 3 and not solves and not (scalars and len(fs) >= 2)):
            return node
        dims = [size(fs[0].shape[0])] + [size(f.shape[1]) for f in fs]
        left_to_right = sum(dims[0] * dims[k] * dims[k + 1] for k in range(1, len(fs)))
        # the scalars scale the smallest of: the first factor (as printed), a vector factor, the result
        scaled = {-1: dims[0] * dims[1], len(fs): dims[0] * dims[-1]}
        scaled.update({k: dims[k] * dims[k + 1] for k, f in enumerate(fs) if 1 in (dims[k], dims[k + 1])})
        target = min(scaled, key=lambda k: (scaled[k], k != -1)) if scalars else -1
        if 0 <= target < len(fs):  # before the table: the sub-products it finds computed elsewhere
            fs[target] = ir.MatMul((*scalars, fs[target]))  # must be the ones emitted
        cost, split = self._table(fs, dims)
        if not (cost[0][len(fs) - 1] < left_to_right or solves or target != -1):
            return node  # as cheap as printed left to right
        rest = self._emit(fs, split, 0, len(fs) - 1)
        if target == -1:
            return (
                ir.MatMul(scalars + rest.factors)
                if isinstance(rest, ir.MatMul)
                else _product((*scalars, rest))
            )
        return ir.MatMul((*scalars, rest)) if target == len(fs) else rest

    def _known(self, sub: list):
        """A proper sub-product that another expression computes anyway: the product itself,
        or its transpose (then wrapped in a Transpose), rewritten as that expression is."""
        p = ir.MatMul(tuple(sub))
        if p in self.available:
            return self.build(p, list(p.factors))
        q = transposed(p)
        if isinstance(q, ir.MatMul) and q in self.available:
            return flip(self.build(q, list(q.factors)))
        return None

    def _table(self, fs: list, dims: list):
        n = len(fs)
        cost = [[0] * n for _ in range(n)]
        split = [[0] * n for _ in range(n)]
        for length in range(2, n + 1):
            for i in range(n - length + 1):
                j = i + length - 1
                if length < n and self._known(fs[i : j + 1]) is not None:
                    split[i][j] = -1  # computed elsewhere
                    continue
                for k in range(j - 1, i - 1, -1):  # from the right: ties keep left to right
                    c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                    if k == j - 1 or c < cost[i][j]:
                        cost[i][j], split[i][j] = c, k
        return cost, split

    def _emit(self, fs: list, split, i: int, j: int) -> ir.Expr:
        if i == j:
            return fs[i]
        if split[i][j] == -1:
            return self._known(fs[i : j + 1])
        k = split[i][j]
        left, right = self._emit(fs, split, i, k), self._emit(fs, split, k + 1, j)
        return self._multiply(left, right)

    def _multiply(self, left: ir.Expr, right: ir.Expr) -> ir.Expr:
        inv = _inverse_of(left)
        if inv is not None and self.uses.solvable(inv[0]):  # X⁻¹ R, X⁻ᵀ R
            x = inv[0].arg
            return _Solve(flip(x) if inv[1] else x, right)
        inv = _inverse_of(right)
        if inv is not None and self.uses.solvable(inv[0]):  # L X⁻¹ = (X⁻ᵀ Lᵀ)ᵀ, L X⁻ᵀ = (X⁻¹ Lᵀ)ᵀ
            x = inv[0].arg
            return flip(_Solve(x if inv[1] else flip(x), flip(left)))
        return ir.MatMul((left, right))
