"""softmax(u) = exp(u) / sum(exp(u)) of a vector."""

from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import _Unary
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.registry import C_ATOM, Call, Op, Primitive, ShapeError, np, register


class Softmax(_Unary):
    """softmax(u) = exp(u) / sum(exp(u)) of a vector."""

    __slots__ = ()

    @staticmethod
    def shape_of(arg):
        if arg.shape[1] != 1:
            raise ShapeError(f"softmax takes a vector, got {arg.shape}")
        return arg.shape


def softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)


SOFTMAX = Identity(
    "softmax",
    r"\mathrm{d}\operatorname{softmax}(\boldsymbol{u}) = (\operatorname{diag}(\boldsymbol{p}) - \boldsymbol{p}\,\boldsymbol{p}^{T})\,\mathrm{d}\boldsymbol{u},\ \boldsymbol{p} = \operatorname{softmax}(\boldsymbol{u})",
)


def _d_softmax(node: Softmax):
    p = node
    jac = ir.Add([ir.DiagMatrix(p), ir.Neg(ir.MatMul([p, ir.Transpose(p)]))])
    return ir.MatMul([jac, ir.D(node.arg)]), SOFTMAX


SOFTMAX_ROW = Primitive(
    "softmax",
    "Softmax",
    "softmax {0}",
    lambda xs, p: softmax(xs[0]),
    lambda xs, y, d, p: y * (d[0] - np.sum(y * d[0])),
    lambda xs, y, g, p: [y * (g - np.sum(y * g))],
    ("{y} ⊙ ({d0} − ⟨{y}, {d0}⟩)",),
    ("{y} ⊙ ({g} − ⟨{y}, {g}⟩)",),
)

register(
    Op(
        Softmax,
        names=("softmax",),
        value=lambda xs, p: softmax(xs[0]),
        differential=_d_softmax,
        identities=(SOFTMAX,),
        primitives=(SOFTMAX_ROW,),
        export=lambda p, e: (f"{p.helper('softmax')}({p.code(e.arg)})", C_ATOM),
        helpers=(softmax,),
        notation=Call("softmax"),
        doc="softmax(u) of a vector",
    )
)
