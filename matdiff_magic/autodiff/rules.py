"""Local derivative rules of the evaluation trace: for each primitive, its value, its forward rule
(JVP: operand tangents -> result tangent) and its reverse rule (VJP: result adjoint -> operand
adjoints), side by side, as data (compare autograd's ``defvjp`` table).

Every primitive comes from one IR node type (``ir``); n-ary sums and products are split into
binary steps by ``trace.py`` so that each row of the trace is one rule application.

Numeric conventions: every value is a 2-D array (a vector is n×1, a scalar 1×1); ``xs`` are the
operand values, ``y`` the result, ``dxs`` the operand tangents, ``g`` the adjoint ȳ. A VJP returns
one contribution per operand, already shaped like that operand.

The text templates say the same in the seed's notation: ``{0}``/``{1}`` are operand names,
``{d0}``/``{d1}`` their tangents, ``{y}`` the result, ``{g}`` its adjoint, ``{f}`` the function,
``{m}`` is · on scalars and ⊙ on arrays, ``{q}`` is / or ⊘.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.elementwise import ELEMENTWISE


@dataclass(frozen=True)
class Rule:
    ir: str                 # the IR node type this primitive comes from
    text: str               # how the step is written, e.g. "{0}·{1}"
    value: Callable         # (xs, p) -> y
    jvp: Callable           # (xs, y, dxs, p) -> ẏ
    vjp: Callable           # (xs, y, g, p) -> [x̄ contribution per operand]
    jvp_terms: tuple        # one term of ẏ per operand
    vjp_terms: tuple        # the contribution to each operand's adjoint


def _s(a) -> np.ndarray:
    """A number as a 1×1 array."""
    return np.array([[float(np.sum(a))]])


def _unbroadcast(c: np.ndarray, shape) -> np.ndarray:
    """A scalar operand that multiplied every entry receives the sum of the entries' adjoints."""
    return _s(c) if shape == (1, 1) and c.shape != (1, 1) else c


def sigma_prime(func: str, a: np.ndarray) -> np.ndarray:
    """σ′(a) entry by entry, from the core's element-wise table (one source of truth)."""
    dims = ("r" if a.shape[0] != 1 else 1, "c" if a.shape[1] != 1 else 1)
    u = ir.Var("u", dims, "matrix")
    with np.errstate(all="ignore"):
        return Evaluator({"u": a}, {"r": a.shape[0], "c": a.shape[1]})(ELEMENTWISE[func].extra["derivative"](u))


def _safe_log(a):
    with np.errstate(all="ignore"):
        return np.log(a)


# σ′ in words, for formulas ({a} the operand, {y} the result). log gets its own templates below.
SIGMA_PRIME_TEXT = {
    "exp": "exp {a}", "sin": "cos {a}", "cos": "−sin {a}", "tan": "(1 + {y}²)",
    "tanh": "(1 − {y}²)", "arcsin": "1/√(1 − {a}²)", "arccos": "−1/√(1 − {a}²)",
    "arctan": "1/(1 + {a}²)", "abs": "sign {a}", "sign": "0", "relu": "step {a}", "step": "0",
    "sqrt": "1/(2{y})", "sigmoid": "{y}(1 − {y})",
}

RULES: dict[str, Rule] = {
    # name: Rule(IR node, text,
    #            value,
    #            forward  ẏ = …,
    #            reverse  x̄ += …,
    #            forward terms, reverse terms)
    "neg": Rule("Neg", "−{0}",
                lambda xs, p: -xs[0],
                lambda xs, y, d, p: -d[0],
                lambda xs, y, g, p: [-g],
                ("−{d0}",), ("−{g}",)),
    "add": Rule("Add", "{0} + {1}",
                lambda xs, p: xs[0] + xs[1],
                lambda xs, y, d, p: d[0] + d[1],
                lambda xs, y, g, p: [g, g],
                ("{d0}", "{d1}"), ("{g}", "{g}")),
    "sub": Rule("Add (with a Neg term)", "{0} − {1}",
                lambda xs, p: xs[0] - xs[1],
                lambda xs, y, d, p: d[0] - d[1],
                lambda xs, y, g, p: [g, -g],
                ("{d0}", "−{d1}"), ("{g}", "−{g}")),
    "mul": Rule("MatMul (1×1 factors)", "{0}·{1}",
                lambda xs, p: xs[0] * xs[1],
                lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
                lambda xs, y, g, p: [g * xs[1], g * xs[0]],
                ("{d0}·{1}", "{0}·{d1}"), ("{g}·{1}", "{g}·{0}")),
    "scale": Rule("MatMul (scalar times array)", "{0}·{1}",
                  lambda xs, p: xs[0] * xs[1],
                  lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
                  lambda xs, y, g, p: [_s(g * xs[1]), g * xs[0]],
                  ("{d0}·{1}", "{0}·{d1}"), ("⟨{g}, {1}⟩", "{0}·{g}")),
    "matmul": Rule("MatMul", "{0}·{1}",
                   lambda xs, p: xs[0] @ xs[1],
                   lambda xs, y, d, p: d[0] @ xs[1] + xs[0] @ d[1],
                   lambda xs, y, g, p: [g @ xs[1].T, xs[0].T @ g],
                   ("{d0}·{1}", "{0}·{d1}"), ("{g}·{1}ᵀ", "{0}ᵀ·{g}")),
    "div": Rule("MatMul (a Pow(·, −1) factor)", "{0}/{1}",
                lambda xs, p: xs[0] / xs[1],
                lambda xs, y, d, p: (d[0] - y * d[1]) / xs[1],
                lambda xs, y, g, p: [g / xs[1], _s(-g * y) / xs[1]],
                ("{d0}/{1}", "−{y}·{d1}/{1}"), ("{g}/{1}", "−⟨{g}, {y}⟩/{1}")),
    "had": Rule("Hadamard", "{0} ⊙ {1}",
                lambda xs, p: xs[0] * xs[1],
                lambda xs, y, d, p: d[0] * xs[1] + xs[0] * d[1],
                lambda xs, y, g, p: [g * xs[1], g * xs[0]],
                ("{d0} ⊙ {1}", "{0} ⊙ {d1}"), ("{g} ⊙ {1}", "{g} ⊙ {0}")),
    "ediv": Rule("Hadamard (an ElemPow(·, −1) factor)", "{0} ⊘ {1}",
                 lambda xs, p: xs[0] / xs[1],
                 lambda xs, y, d, p: (d[0] - y * d[1]) / xs[1],
                 lambda xs, y, g, p: [g / xs[1], -g * y / xs[1]],
                 ("{d0} ⊘ {1}", "−{y} ⊙ {d1} ⊘ {1}"), ("{g} ⊘ {1}", "−{g} ⊙ {y} ⊘ {1}")),
    "pow": Rule("Pow", "{0}^{1}",
                lambda xs, p: np.power(xs[0], xs[1]),
                lambda xs, y, d, p: xs[1] * np.power(xs[0], xs[1] - 1) * d[0]
                + (y * _safe_log(xs[0]) * d[1] if np.any(d[1]) else 0),
                lambda xs, y, g, p: [g * xs[1] * np.power(xs[0], xs[1] - 1), g * y * _safe_log(xs[0])],
                ("{1}·{0}^({1}−1)·{d0}", "{y}·ln {0}·{d1}"), ("{g}·{1}·{0}^({1}−1)", "{g}·{y}·ln {0}")),
    "epow": Rule("ElemPow", "{0}^∘{1}",
                 lambda xs, p: np.power(xs[0], xs[1][0, 0]),
                 lambda xs, y, d, p: xs[1] * np.power(xs[0], xs[1][0, 0] - 1) * d[0]
                 + (y * _safe_log(xs[0]) * d[1] if np.any(d[1]) else 0),
                 lambda xs, y, g, p: [g * xs[1] * np.power(xs[0], xs[1][0, 0] - 1),
                                      _s(g * y * _safe_log(xs[0]))],
                 ("{1}·{0}^∘({1}−1) ⊙ {d0}", "{y} ⊙ ln {0}·{d1}"),
                 ("{1}·{g} ⊙ {0}^∘({1}−1)", "⟨{g}, {y} ⊙ ln {0}⟩")),
    "apply": Rule("Apply", "{f} {0}",
                  lambda xs, p: ELEMENTWISE[p].value(xs, p),
                  lambda xs, y, d, p: sigma_prime(p, xs[0]) * d[0],
                  lambda xs, y, g, p: [g * sigma_prime(p, xs[0])],
                  ("{d0}{m}{fp}",), ("{g}{m}{fp}",)),
    "transpose": Rule("Transpose", "{0}ᵀ",
                      lambda xs, p: xs[0].T,
                      lambda xs, y, d, p: d[0].T,
                      lambda xs, y, g, p: [g.T],
                      ("{d0}ᵀ",), ("{g}ᵀ",)),
    "inv": Rule("Inverse", "{0}⁻¹",
                lambda xs, p: np.linalg.inv(xs[0]),
                lambda xs, y, d, p: -y @ d[0] @ y,
                lambda xs, y, g, p: [-y.T @ g @ y.T],
                ("−{y}·{d0}·{y}",), ("−{y}ᵀ·{g}·{y}ᵀ",)),
    "tr": Rule("Trace", "tr {0}",
               lambda xs, p: _s(np.trace(xs[0])),
               lambda xs, y, d, p: _s(np.trace(d[0])),
               lambda xs, y, g, p: [g[0, 0] * np.eye(xs[0].shape[0])],
               ("tr {d0}",), ("{g}·I",)),
    "det": Rule("Det", "det {0}",
                lambda xs, p: _s(np.linalg.det(xs[0])),
                lambda xs, y, d, p: y * _s(np.trace(np.linalg.solve(xs[0], d[0]))),
                lambda xs, y, g, p: [g[0, 0] * y[0, 0] * np.linalg.inv(xs[0]).T],
                ("{y}·tr({0}⁻¹·{d0})",), ("{g}·{y}·{0}⁻ᵀ",)),
    "logdet": Rule("LogDet", "logdet {0}",
                   lambda xs, p: _s(np.linalg.slogdet(xs[0])[1]),
                   lambda xs, y, d, p: _s(np.trace(np.linalg.solve(xs[0], d[0]))),
                   lambda xs, y, g, p: [g[0, 0] * np.linalg.inv(xs[0]).T],
                   ("tr({0}⁻¹·{d0})",), ("{g}·{0}⁻ᵀ",)),
    "sum": Rule("SumAll", "sum {0}",
                lambda xs, p: _s(xs[0]),
                lambda xs, y, d, p: _s(d[0]),
                lambda xs, y, g, p: [g[0, 0] * np.ones_like(xs[0])],
                ("sum {d0}",), ("{g}·𝟏",)),
    "diagm": Rule("DiagMatrix", "diag {0}",
                  lambda xs, p: np.diag(xs[0][:, 0]),
                  lambda xs, y, d, p: np.diag(d[0][:, 0]),
                  lambda xs, y, g, p: [np.diag(g).reshape(-1, 1).copy()],
                  ("diag {d0}",), ("diag {g}",)),
    "diagv": Rule("DiagVector", "diag {0}",
                  lambda xs, p: np.diag(xs[0]).reshape(-1, 1).copy(),
                  lambda xs, y, d, p: np.diag(d[0]).reshape(-1, 1).copy(),
                  lambda xs, y, g, p: [np.diag(g[:, 0])],
                  ("diag {d0}",), ("diag {g}",)),
    "norm1": Rule("Norm (p = 1)", "‖{0}‖₁",
                  lambda xs, p: _s(np.abs(xs[0])),
                  lambda xs, y, d, p: _s(np.sign(xs[0]) * d[0]),
                  lambda xs, y, g, p: [g[0, 0] * np.sign(xs[0])],
                  ("⟨sign {0}, {d0}⟩",), ("{g}·sign {0}",)),
    "norm2": Rule("Norm (p = 2)", "‖{0}‖₂",
                  lambda xs, p: _s(np.sqrt(np.sum(xs[0] * xs[0]))),
                  lambda xs, y, d, p: _s(xs[0] * d[0]) / y,
                  lambda xs, y, g, p: [g[0, 0] * xs[0] / y[0, 0]],
                  ("⟨{0}, {d0}⟩/{y}",), ("{g}·{0}/{y}",)),
    "vec": Rule("Vec", "vec {0}",
                lambda xs, p: xs[0].reshape(-1, 1, order="F"),
                lambda xs, y, d, p: d[0].reshape(-1, 1, order="F"),
                lambda xs, y, g, p: [g.reshape(xs[0].shape, order="F")],
                ("vec {d0}",), ("unvec {g}",)),
    "kron": Rule("Kron", "{0} ⊗ {1}",
                 lambda xs, p: np.kron(xs[0], xs[1]),
                 lambda xs, y, d, p: np.kron(d[0], xs[1]) + np.kron(xs[0], d[1]),
                 lambda xs, y, g, p: _kron_vjp(xs[0], xs[1], g),
                 ("{d0} ⊗ {1}", "{0} ⊗ {d1}"), ("Σ blocks of {g} ⊙ {1}", "Σᵢⱼ {0}ᵢⱼ·block ij of {g}")),
    "softmax": Rule("Softmax", "softmax {0}",
                    lambda xs, p: _softmax(xs[0]),
                    lambda xs, y, d, p: y * (d[0] - np.sum(y * d[0])),
                    lambda xs, y, g, p: [y * (g - np.sum(y * g))],
                    ("{y} ⊙ ({d0} − ⟨{y}, {d0}⟩)",), ("{y} ⊙ ({g} − ⟨{y}, {g}⟩)",)),
}


def _softmax(u):
    z = np.exp(u - u.max())
    return z / z.sum()


def _kron_vjp(a, b, g):
    """Block (i, j) of A ⊗ B is A[i, j]·B: each operand receives its blocks' inner products."""
    (m, n), (p, q) = a.shape, b.shape
    blocks = g.reshape(m, p, n, q)
    return [np.einsum("ipjq,pq->ij", blocks, b), np.einsum("ipjq,ij->pq", blocks, a)]

# ln has the seed's own forms: v̇ = v̇₋₁/v₋₁ and v̄₋₁ += v̄₁/v₋₁.
LOG_TERMS = (("{d0}{q}{0}",), ("{g}{q}{0}",))


def _unbroadcast_all(parts, xs):
    return [_unbroadcast(c, x.shape) for c, x in zip(parts, xs)]


def apply_vjp(op: str, xs, y, g, param) -> list:
    """The reverse rule, with scalar operands' contributions summed to 1×1."""
    return _unbroadcast_all(RULES[op].vjp(xs, y, g, param), xs)


def apply_jvp(op: str, xs, y, dxs, param) -> np.ndarray:
    out = RULES[op].jvp(xs, y, dxs, param)
    return np.broadcast_to(out, y.shape).astype(float) if np.shape(out) != y.shape else out
