"""Functions declared without a formula (``g: function``): g(U), a scalar function of a matrix,
vector or scalar U, and its derivatives, for derivations that keep the outer function unknown.

The differential is seed 000's composition rule, dg(U) = tr((∂g/∂U)ᵀ dU) (for a vector u it is
(∂g/∂u)ᵀ du, as the seeds write it), so a derivation through g ends with ∂g/∂U as a symbol:
g(AXB) by X gives Aᵀ (∂g/∂Y) Bᵀ. One node stands for g and for all its derivatives:
``OuterFunction(g, k, U, (V₁, …, V_{k−1}))`` is g(U) for k = 0 and, for k ≥ 1, the k-th derivative
of g at U applied to k − 1 directions, a value of U's shape (k = 1 the gradient ∂g/∂U); d of the
k-th is the (k+1)-th applied to dU, plus the k-th applied to each dVⱼ (the derivatives are
multilinear and symmetric in their directions).

A number needs some g: the value, the numeric check and the exported code all use the same fixed
random function (``outer_function``), g(U) = ½ uᵀMu + bᵀexp(u/2) with u = vec U and M, b drawn
from g's name and the number of entries of U, so every derivative of it is known exactly.
"""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import SCALAR, Expr, ShapeError
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Call, Partial
from matdiff_magic.ops.registry import C_ATOM, Primitive, np, register
from matdiff_magic.ops.sympy_forms import no_form


class OuterFunction(Expr):
    """g(U) (``order`` 0, a scalar) or its ``order``-th derivative at U applied to the
    directions ``dirs`` (``order`` − 1 of them, each of U's shape; the result has U's shape)."""

    __slots__ = ("arg", "dirs", "func", "order")
    _children = ("arg", "dirs")
    _attrs = ("func", "order")
    func: str
    order: int
    arg: Expr
    dirs: tuple

    def __init__(self, func: str, order: int, arg: Expr, dirs=()):
        dirs = tuple(dirs)
        if len(dirs) != max(order - 1, 0) or any(v.shape != arg.shape for v in dirs):
            raise ShapeError(
                f"the derivative {order} of {func} takes {max(order - 1, 0)} directions of {arg.shape}"
            )
        self._init(SCALAR if order == 0 else arg.shape)
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "arg", arg)
        object.__setattr__(self, "dirs", dirs)

    @staticmethod
    def shape_of(arg: Expr) -> tuple:
        return SCALAR


def outer_function(name, order, U, *V):
    """The fixed random g(U) = ½ uᵀMu + bᵀexp(u/2) (u = vec U, column-major) standing for the
    function ``name`` declared without a formula, or its ``order``-th derivative at U applied to
    the directions V (order − 1 of them): a float for order 0, else an array of U's shape.
    M and b are drawn from the name and the number of entries of U."""
    u = np.asarray(U, dtype=float).reshape(-1, order="F")
    seed = sum((i + 1) * ord(c) for i, c in enumerate(name))
    rng = np.random.default_rng([seed, u.size])
    M = rng.standard_normal((u.size, u.size)) / np.sqrt(u.size)
    e = rng.uniform(0.5, 1.5, u.size) * np.exp(u / 2)
    if order == 0:
        return float(0.5 * u @ M @ u + np.sum(e))
    vs = [np.asarray(v, dtype=float).reshape(-1, order="F") for v in V]
    out = e * 0.5**order
    for v in vs:
        out = out * v
    if order <= 2:  # the quadratic part: (M + Mᵀ)/2 u, then (M + Mᵀ)/2 v
        out = out + 0.5 * (M + M.T) @ (u if order == 1 else vs[0])
    return out.reshape(np.shape(U), order="F")


OUTER = Identity(
    "outer function",
    r"\mathrm{d}g(U) = \operatorname{tr}\left(\frac{\partial g}{\partial U}^{T}\,\mathrm{d}U\right)",
)
OUTER_DERIVATIVE = Identity(
    "derivative of the outer function",
    r"\mathrm{d}\,\nabla^{k} g(U)[V] = \nabla^{k+1} g(U)[V, \mathrm{d}U] + \nabla^{k} g(U)[\mathrm{d}V]",
)


def _differential(node: OuterFunction):
    U, dU = node.arg, ir.D(node.arg)
    if node.order == 0:
        G = OuterFunction(node.func, 1, U)
        if U.is_scalar:
            return ir.MatMul([G, dU]), OUTER
        inner = ir.MatMul([ir.Transpose(G), dU])
        return (inner if U.shape[1] == 1 else ir.Trace(inner)), OUTER
    terms: list[Expr] = [OuterFunction(node.func, node.order + 1, U, node.dirs + (dU,))]
    for j, v in enumerate(node.dirs):
        terms.append(OuterFunction(node.func, node.order, U, node.dirs[:j] + (ir.D(v),) + node.dirs[j + 1 :]))
    return (terms[0] if len(terms) == 1 else ir.Add(terms)), OUTER_DERIVATIVE


def _value(xs, p):
    name, order = p
    out = outer_function(name, order, xs[0], *xs[1:])
    return np.array([[out]]) if order == 0 else out


def _inner(a, b):
    return np.array([[float(np.sum(a * b))]])


def _jvp(xs, y, d, p):
    name, order = p
    if order == 0:
        return _inner(outer_function(name, 1, xs[0]), d[0])
    U, V = xs[0], list(xs[1:])
    out = outer_function(name, order + 1, U, *V, d[0])
    for j in range(len(V)):
        out = out + outer_function(name, order, U, *V[:j], d[j + 1], *V[j + 1 :])
    return out


def _vjp(xs, y, g, p):
    name, order = p
    U, V = xs[0], list(xs[1:])
    if order == 0:
        return [float(g[0, 0]) * outer_function(name, 1, U)]
    return [outer_function(name, order + 1, U, *V, g)] + [
        outer_function(name, order, U, *V[:j], g, *V[j + 1 :]) for j in range(len(V))
    ]


ROWS = (
    Primitive("outer", "OuterFunction", "g({0})", _value, _jvp, _vjp, ("⟨∇g({0}), {d0}⟩",), ("{g}·∇g({0})",)),
    Primitive(
        "outer_gradient",
        "OuterFunction",
        "∇g({0})",
        _value,
        _jvp,
        _vjp,
        ("∇²g({0})[{d0}]",),
        ("∇²g({0})[{g}]",),
    ),
    Primitive(
        "outer_hessian",
        "OuterFunction",
        "∇²g({0})[{1}]",
        _value,
        _jvp,
        _vjp,
        ("∇³g({0})[{1}, {d0}]", "∇²g({0})[{d1}]"),
        ("∇³g({0})[{1}, {g}]", "∇²g({0})[{g}]"),
    ),
)


def _trace(lowering, node: OuterFunction) -> int:
    if node.order >= len(ROWS):
        from matdiff_magic.errors import MatdiffError

        raise MatdiffError(f"the evaluation trace shows {node.func} up to its second derivative")
    args = [lowering.lower(k) for k in node.children()]
    return lowering.step(ROWS[node.order].key, args, (node.func, node.order))


def _export(p, e: OuterFunction):
    args = ", ".join(p.code(k) for k in e.children())
    return f"{p.helper('outer_function')}({e.func!r}, {e.order}, {args})", C_ATOM


def _numpy_only(p, e):
    """The fixed random g stands in for the NumPy check only; a framework has no g to differentiate."""
    raise MatdiffError(
        f"{e.func} is declared without a formula: its stand-in g is exported for NumPy only, "
        "so this derivation exports with backend='numpy'",
        option="--export",
    )


def _notation(node: OuterFunction) -> Call | Partial:
    """g(U); its gradient ∂g/∂Y at a variable (seed 000's notation), else ∇g(U); higher
    derivatives ∇ᵏg(U)."""
    if node.order == 0:
        return Call(node.func)
    if node.order == 1 and isinstance(node.arg, ir.Var):
        return Partial(node.func, node.arg.name, node.arg.kind)
    power = "" if node.order == 1 else str(node.order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return Call(node.func, symbol=f"∇{power}{node.func}")


register(
    OuterFunction,
    value=_value,
    param=lambda node, size: (node.func, node.order),
    differential=_differential,
    identities=(OUTER, OUTER_DERIVATIVE),
    primitives=ROWS,
    trace=_trace,
    export=_export,
    helpers=(outer_function,),
    backends={"jax": _numpy_only, "torch": _numpy_only},
    notation=_notation,
    sympy=no_form("a function declared without a formula"),
    doc="g(U) for a function g declared without a formula (g: function), and its derivatives",
)


# ---- what the numeric check says about the g it used ---------------------------------------------
def unknown_functions(expr: Expr) -> list[str]:
    """The functions declared without a formula that ``expr`` applies, in order of appearance."""
    return list(dict.fromkeys(n.func for n in expr.walk() if isinstance(n, OuterFunction)))


def substitution_text(expr: Expr) -> str:
    """The check's words for the g it put in place of each unknown function ('' if none)."""
    names = unknown_functions(expr)
    if not names:
        return ""
    which = ", ".join(names)
    return f", with {which}(U) = ½ uᵀMu + bᵀexp(u/2) (u = vec U; M, b fixed random) in place of {which}"


def substitution_latex(expr: Expr) -> str:
    """The same in TeX, to follow the check line."""
    names = unknown_functions(expr)
    if not names:
        return ""
    which = ",".join(rf"\operatorname{{{n}}}" for n in names)
    return (
        rf",\ \text{{with }} {which}(U) = \tfrac{{1}}{{2}}\,u^{{T}}Mu + b^{{T}}\exp(u/2)"
        rf"\ \text{{(}}u = \operatorname{{vec}}U\text{{; }}M, b\text{{ fixed random) in place of }} {which}"
    )
