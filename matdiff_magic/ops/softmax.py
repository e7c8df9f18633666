"""softmax(u) = exp(u) / sum(exp(u)) of a vector."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import _Unary
from matdiff_magic.ops.declare import called, derivative, row, rule
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import np, register, require_vector
from matdiff_magic.ops.sympy_forms import SympyForm, elementwise, sum_of


class Softmax(_Unary):
    """softmax(u) = exp(u) / sum(exp(u)) of a vector."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        require_vector(arg, "softmax")
        return arg.shape


def softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)


SOFTMAX = Identity(
    "softmax",
    r"\mathrm{d}\operatorname{softmax}(\boldsymbol{u}) = (\operatorname{diag}(\boldsymbol{p}) - \boldsymbol{p}\,\boldsymbol{p}^{T})\,\mathrm{d}\boldsymbol{u},\ \boldsymbol{p} = \operatorname{softmax}(\boldsymbol{u})",
)


@rule(SOFTMAX)
def _d_softmax(node: Softmax):
    p = node
    jac = ir.Add([ir.DiagMatrix(p), ir.Neg(ir.MatMul([p, ir.Transpose(p)]))])
    return ir.MatMul([jac, ir.D(node.arg)])


SOFTMAX_ROW = row(
    "softmax",
    "Softmax",
    "softmax {0}",
    lambda xs, p: softmax(xs[0]),
    (lambda xs, y, d, p: y * (d[0] - np.sum(y * d[0])), "{y} ⊙ ({d0} − ⟨{y}, {d0}⟩)"),
    (lambda xs, y, g, p: [y * (g - np.sum(y * g))], "{y} ⊙ ({g} − ⟨{y}, {g}⟩)"),
)


def _sympy_softmax(sp, a, node):
    e = elementwise(lambda sp, x: sp.exp(x)).build(sp, a, node)
    return sp.MatMul(1 / sum_of(sp, e), e)


def _call_shape(shapes, sizing):
    shape = shapes[0]
    if shape[1] != 1 or shape[0] == 1:
        raise sizing.error(f"softmax takes a vector, but {sizing.text(0)} is {sizing.shape_text(shape)}", 0)
    return shape


register(
    Softmax,
    analytic=True,
    call_shape=_call_shape,
    **called(softmax),
    **derivative(_d_softmax, SOFTMAX_ROW),
    sympy=SympyForm(_sympy_softmax),
    doc="softmax(u) of a vector",
)
