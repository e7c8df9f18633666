"""Differential rules: d(node) -> new expression, one step each, keyed by node type.

Every rule returns the expression with d(·) pushed one level down and the identity it used.
The derivation driver decides where to apply them; the rules know nothing about steps or display.
"""
from __future__ import annotations

from matdiff_magic.ir import nodes as ir
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir.construct import mk_add, mk_elempow, mk_hadamard, mk_mul, mk_neg, mk_pow
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.elementwise import ELEMENTWISE

D = ir.D

SUM = Identity("sum rule", r"\mathrm{d}(X \pm Y) = \mathrm{d}X \pm \mathrm{d}Y", "d(X ± Y) = dX ± dY")
NEG = Identity("sum rule", r"\mathrm{d}(-X) = -\mathrm{d}X", "d(−X) = −dX")
PRODUCT = Identity("product rule", r"\mathrm{d}(XY) = (\mathrm{d}X)Y + X\,\mathrm{d}Y",
                   "d(XY) = (dX)Y + X dY")
CONSTANT_FACTOR = Identity("constant factor", r"\mathrm{d}(cX) = c\,\mathrm{d}X", "d(cX) = c dX")
HADAMARD = Identity("Hadamard product rule",
                    r"\mathrm{d}(X \odot Y) = \mathrm{d}X \odot Y + X \odot \mathrm{d}Y",
                    "d(X ⊙ Y) = dX ⊙ Y + X ⊙ dY")
TRANSPOSE = Identity("transpose", r"\mathrm{d}(X^{T}) = (\mathrm{d}X)^{T}", "d(Xᵀ) = (dX)ᵀ")
TRACE = Identity("trace", r"\mathrm{d}\operatorname{tr}(X) = \operatorname{tr}(\mathrm{d}X)",
                 "d tr(X) = tr(dX)")
INVERSE = Identity("inverse", r"\mathrm{d}X^{-1} = -X^{-1}(\mathrm{d}X)X^{-1}", "dX⁻¹ = −X⁻¹ dX X⁻¹",
                   "(59)")
DETERMINANT = Identity("determinant",
                       r"\mathrm{d}\lvert X\rvert = \lvert X\rvert \operatorname{tr}(X^{-1}\mathrm{d}X)",
                       "d|X| = |X| tr(X⁻¹ dX)", "(46)")
LOGDET = Identity("log-determinant",
                  r"\mathrm{d}\log\lvert X\rvert = \operatorname{tr}(X^{-1}\mathrm{d}X)",
                  "d log|X| = tr(X⁻¹ dX)", "(57)")
SUM_ALL = Identity("sum of entries", r"\mathrm{d}\operatorname{sum}(X) = \operatorname{sum}(\mathrm{d}X)",
                   "d sum(X) = sum(dX)")
DIAG = Identity("diagonal", r"\mathrm{d}\operatorname{diag}(X) = \operatorname{diag}(\mathrm{d}X)",
                "d diag(X) = diag(dX)")
NORM2 = Identity("Euclidean norm",
                 r"\mathrm{d}\lVert X\rVert = \lVert X\rVert^{-1}\operatorname{tr}(X^{T}\mathrm{d}X)",
                 "d‖X‖ = tr(Xᵀ dX)/‖X‖")
NORM1 = Identity("1-norm", r"\mathrm{d}\lVert X\rVert_1 = \operatorname{sum}(\operatorname{sign}(X) \odot \mathrm{d}X)",
                 "d‖X‖₁ = sum(sign(X) ⊙ dX)")
SQUARED_NORM = Identity("squared norm", r"\lVert \boldsymbol{u}\rVert^2 = \boldsymbol{u}^{T}\boldsymbol{u},\ \lVert U\rVert_F^2 = \operatorname{tr}(U^{T}U)",
                        "‖u‖² = uᵀu, ‖U‖²_F = tr(UᵀU)")
POWER = Identity("power rule", r"\mathrm{d}(u^{p}) = p\,u^{p-1}\mathrm{d}u", "d(uᵖ) = p uᵖ⁻¹ du")
GENERAL_POWER = Identity("power rule", r"\mathrm{d}(u^{v}) = u^{v}(\log(u)\,\mathrm{d}v + v\,u^{-1}\mathrm{d}u)",
                         "d(uᵛ) = uᵛ (log(u) dv + v u⁻¹ du)")
ELEMPOW = Identity("element-wise power", r"\mathrm{d}(X^{\circ p}) = p X^{\circ (p-1)} \odot \mathrm{d}X",
                   "d(X^∘p) = p X^∘(p−1) ⊙ dX")
CONSTANT = Identity("constant", r"\mathrm{d}A = 0 \text{ for a constant } A", "dA = 0 for a constant A")


def elementwise_identity(func: str) -> Identity:
    _, _, tex, text = ELEMENTWISE[func]
    name = {"sigmoid": r"\sigma", "relu": r"\operatorname{relu}", "abs": r"\operatorname{abs}",
            "sign": r"\operatorname{sign}", "sqrt": r"\sqrt", "step": r"\operatorname{step}"}.get(func, "\\" + func)
    arg = "{X}" if func == "sqrt" else "(X)"
    return Identity(f"element-wise {func}", rf"\mathrm{{d}}{name}{arg} = {_group(tex)} \odot \mathrm{{d}}X",
                    f"d {func}(X) = {_group(text)} ⊙ dX")


def scalar_identity(func: str) -> Identity:
    """The same rule for a scalar argument: the chain rule d f(u) = f'(u) du."""
    general = elementwise_identity(func)
    def scalarise(s: str) -> str:
        for a, b in ((r"^{\circ ", "^{"), (r"\mathbf{1}", "1"), (r" \odot \mathrm{d}X", r"\,\mathrm{d}u"),
                     (r"\odot", r"\cdot"), ("^∘", "^"), ("𝟏", "1"), (" ⊙ dX", " du"), ("⊙", "·"),
                     ("X", "u")):
            s = s.replace(a, b)
        return s
    return Identity(f"chain rule ({func})", scalarise(general.latex), scalarise(general.text))


def _group(s: str) -> str:
    return f"({s})" if any(op in s for op in (" - ", " + ", r"\odot", "⊙")) else s


def _sum(node: ir.Add):
    return mk_add([mk_neg(D(t.arg)) if isinstance(t, ir.Neg) else D(t) for t in node.terms]), SUM


def _neg(node: ir.Neg):
    return mk_neg(D(node.arg)), NEG


def _product(node: ir.MatMul):
    factors = node.factors
    varying = [i for i, f in enumerate(factors) if not isinstance(f, ir.Const)]
    terms = [ir.MatMul(factors[:i] + (D(factors[i]),) + factors[i + 1:]) for i in varying]
    if len(varying) == 1:
        return terms[0], CONSTANT_FACTOR
    return ir.Add(terms), PRODUCT


def _hadamard(node: ir.Hadamard):
    fs = node.factors
    return ir.Add([ir.Hadamard(fs[:i] + (D(fs[i]),) + fs[i + 1:]) for i in range(len(fs))]), HADAMARD


def _transpose(node):
    return ir.Transpose(D(node.arg)), TRANSPOSE


def _inverse(node):
    inv = node
    return mk_neg(ir.MatMul([inv, D(node.arg), inv])), INVERSE


def _trace(node):
    return ir.Trace(D(node.arg)), TRACE


def _det(node):
    return ir.MatMul([node, ir.Trace(ir.MatMul([ir.Inverse(node.arg), D(node.arg)]))]), DETERMINANT


def _logdet(node):
    return ir.Trace(ir.MatMul([ir.Inverse(node.arg), D(node.arg)])), LOGDET


def _sum_all(node):
    return ir.SumAll(D(node.arg)), SUM_ALL


def _diag(node):
    return type(node)(D(node.arg)), DIAG


def _inner(u: ir.Expr, v: ir.Expr) -> ir.Expr:
    """uᵀv for vectors, tr(uᵀv) for matrices."""
    prod = ir.MatMul([ir.Transpose(u), v])
    return prod if u.shape[1] == 1 else ir.Trace(prod)


def _norm(node: ir.Norm):
    u = node.arg
    if node.p == 1:
        return ir.SumAll(mk_hadamard([ir.Apply("sign", u), D(u)])), NORM1
    return ir.MatMul([ir.Pow(node, ir.Const(-1)), _inner(u, D(u))]), NORM2


def _pow(node: ir.Pow):
    base, exponent = node.base, node.exponent
    if isinstance(base, ir.Norm) and base.p == 2 and isinstance(exponent, ir.Const) and exponent.value == 2:
        return D(_inner(base.arg, base.arg)), SQUARED_NORM
    if isinstance(exponent, ir.Const):
        p = exponent.value
        return mk_mul([ir.Const(p), mk_pow(base, ir.Const(p - 1)), D(base)]), POWER
    return ir.MatMul([node, ir.Add([ir.MatMul([ir.Apply("log", base), D(exponent)]),
                                    ir.MatMul([exponent, ir.Pow(base, ir.Const(-1)), D(base)])])]), GENERAL_POWER


def _elempow(node: ir.ElemPow):
    p = node.exponent
    if not isinstance(p, ir.Const):
        raise MatdiffError("an element-wise power with a varying exponent (X.^y) cannot be "
                           "differentiated here; write exp(y*log(X)) instead")
    coef = mk_mul([ir.Const(p.value), mk_elempow(node.base, ir.Const(p.value - 1))])
    return mk_hadamard([coef, D(node.base)]), ELEMPOW


def _apply(node: ir.Apply):
    _, derivative, _, _ = ELEMENTWISE[node.func]
    identity = scalar_identity(node.func) if node.arg.is_scalar else elementwise_identity(node.func)
    return mk_hadamard([derivative(node.arg), D(node.arg)]), identity


KRON = Identity("Kronecker product rule", r"\mathrm{d}(A \otimes B) = \mathrm{d}A \otimes B + A \otimes \mathrm{d}B",
                "d(A ⊗ B) = dA ⊗ B + A ⊗ dB")
VEC = Identity("vec", r"\mathrm{d}\operatorname{vec}(X) = \operatorname{vec}(\mathrm{d}X)", "d vec(X) = vec(dX)")
SOFTMAX = Identity("softmax", r"\mathrm{d}\operatorname{softmax}(\boldsymbol{u}) = (\operatorname{diag}(\boldsymbol{p}) - \boldsymbol{p}\boldsymbol{p}^{T})\,\mathrm{d}\boldsymbol{u},\ \boldsymbol{p} = \operatorname{softmax}(\boldsymbol{u})",
                   "d softmax(u) = (diag(p) − p pᵀ) du, p = softmax(u)")


def _kron(node: ir.Kron):
    return ir.Add([ir.Kron(D(node.left), node.right), ir.Kron(node.left, D(node.right))]), KRON


def _vec(node: ir.Vec):
    return ir.Vec(D(node.arg)), VEC


def _softmax(node: ir.Softmax):
    p = node
    jac = ir.Add([ir.DiagMatrix(p), ir.Neg(ir.MatMul([p, ir.Transpose(p)]))])
    return ir.MatMul([jac, D(node.arg)]), SOFTMAX


RULES = {
    ir.Add: _sum, ir.Neg: _neg, ir.MatMul: _product, ir.Hadamard: _hadamard,
    ir.Transpose: _transpose, ir.Inverse: _inverse, ir.Trace: _trace, ir.Det: _det,
    ir.LogDet: _logdet, ir.SumAll: _sum_all, ir.DiagMatrix: _diag, ir.DiagVector: _diag,
    ir.Norm: _norm, ir.Pow: _pow, ir.ElemPow: _elempow, ir.Apply: _apply,
    ir.Kron: _kron, ir.Vec: _vec, ir.Softmax: _softmax,
}


def differentiate_once(node: ir.Expr):
    """d(node) one level down: returns (new expression, Identity)."""
    rule = RULES.get(type(node))
    if rule is None:
        raise MatdiffError(f"no differential rule for {type(node).__name__}")
    return rule(node)
