"""Element-wise functions: value (NumPy) and derivative σ'(u) (as an expression), side by side."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.construct import mk_add, mk_elempow, mk_hadamard, mk_mul, mk_neg, zero


def _one(u):
    return ir.Const(1) if u.is_scalar else ir.Fill(1, u.shape)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for large |x|


# name -> (numpy function, derivative builder u -> σ'(u), TeX of σ'(X), Unicode of σ'(X))
ELEMENTWISE = {
    "exp": (np.exp, lambda u: ir.Apply("exp", u), r"\exp(X)", "exp(X)"),
    "log": (np.log, lambda u: mk_elempow(u, ir.Const(-1)), r"X^{\circ -1}", "X^∘-1"),
    "sin": (np.sin, lambda u: ir.Apply("cos", u), r"\cos(X)", "cos(X)"),
    "cos": (np.cos, lambda u: mk_neg(ir.Apply("sin", u)), r"-\sin(X)", "-sin(X)"),
    "tan": (np.tan, lambda u: mk_elempow(ir.Apply("cos", u), ir.Const(-2)), r"\cos(X)^{\circ -2}",
            "cos(X)^∘-2"),
    "tanh": (np.tanh, lambda u: mk_add([_one(u), mk_neg(mk_elempow(ir.Apply("tanh", u), ir.Const(2)))]),
             r"\mathbf{1} - \tanh(X)^{\circ 2}", "𝟏 - tanh(X)^∘2"),
    "arcsin": (np.arcsin, lambda u: mk_elempow(mk_add([_one(u), mk_neg(mk_elempow(u, ir.Const(2)))]),
                                               ir.Const(Fraction(-1, 2))),
               r"(\mathbf{1} - X^{\circ 2})^{\circ -1/2}", "(𝟏 - X^∘2)^∘-1/2"),
    "arccos": (np.arccos, lambda u: mk_neg(mk_elempow(mk_add([_one(u), mk_neg(mk_elempow(u, ir.Const(2)))]),
                                                      ir.Const(Fraction(-1, 2)))),
               r"-(\mathbf{1} - X^{\circ 2})^{\circ -1/2}", "-(𝟏 - X^∘2)^∘-1/2"),
    "arctan": (np.arctan, lambda u: mk_elempow(mk_add([_one(u), mk_elempow(u, ir.Const(2))]), ir.Const(-1)),
               r"(\mathbf{1} + X^{\circ 2})^{\circ -1}", "(𝟏 + X^∘2)^∘-1"),
    "abs": (np.abs, lambda u: ir.Apply("sign", u), r"\operatorname{sign}(X)", "sign(X)"),
    "sign": (np.sign, lambda u: zero(u.shape), "0", "0"),
    "relu": (lambda x: np.maximum(x, 0.0), lambda u: ir.Apply("step", u), r"\operatorname{step}(X)",
             "step(X)"),
    "step": (lambda x: (x > 0).astype(float), lambda u: zero(u.shape), "0", "0"),
    "sqrt": (np.sqrt, lambda u: mk_mul([ir.Const(Fraction(1, 2)), mk_elempow(ir.Apply("sqrt", u), ir.Const(-1))]),
             r"\tfrac{1}{2}\sqrt{X}^{\circ -1}", "½ √(X)^∘-1"),
    "sigmoid": (_sigmoid, lambda u: mk_hadamard([ir.Apply("sigmoid", u),
                                                 mk_add([_one(u), mk_neg(ir.Apply("sigmoid", u))])]),
                r"\sigma(X) \odot (\mathbf{1} - \sigma(X))", "σ(X) ⊙ (𝟏 - σ(X))"),
}

# Functions defined only on [-1, 1]: the numeric check samples small values for them.
UNIT_DOMAIN = {"arcsin", "arccos"}
