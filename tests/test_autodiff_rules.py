"""Every row of the evaluation trace (the ops' ``Primitive``s, gathered in rules.py) against central
differences (forward side, numeric/fd.py) and the adjoint identity ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩ (reverse
side), on random non-square operands where shapes allow. A row that is the whole of an op's trace
rule and has no operands here takes the op's sample from test_registry.py."""
from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic.autodiff.rules import RULES, apply_jvp, apply_vjp
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import fd
from matdiff_magic.ops import registry
from matdiff_magic.ops.elementwise import ELEMENTWISE
from test_registry import SAMPLES, key, sample

rng = np.random.default_rng(2024)


def _m(*shape, low=None):
    return rng.uniform(low, low + 1.0, size=shape) if low is not None else rng.standard_normal(shape)


def _square():
    return np.eye(3) * 2.5 + 0.3 * rng.standard_normal((3, 3))


OPERANDS = {
    "neg": lambda: [_m(3, 2)], "transpose": lambda: [_m(3, 2)], "sum": lambda: [_m(3, 2)],
    "norm1": lambda: [_m(3, 2)], "norm2": lambda: [_m(3, 2)],
    "add": lambda: [_m(3, 2), _m(3, 2)], "sub": lambda: [_m(3, 2), _m(3, 2)],
    "had": lambda: [_m(3, 2), _m(3, 2)], "ediv": lambda: [_m(3, 2), _m(3, 2, low=0.5)],
    "mul": lambda: [_m(1, 1), _m(1, 1)], "scale": lambda: [_m(1, 1), _m(3, 2)],
    "matmul": lambda: [_m(3, 4), _m(4, 2)], "div": lambda: [_m(3, 2), _m(1, 1, low=0.5)],
    "pow": lambda: [_m(1, 1, low=0.5), _m(1, 1)], "epow": lambda: [_m(3, 2, low=0.5), _m(1, 1)],
    "inv": lambda: [_square()], "det": lambda: [_square()], "logdet": lambda: [_square()],
    "tr": lambda: [_m(3, 3)], "diagm": lambda: [_m(3, 1)], "diagv": lambda: [_m(3, 3)],
    "vec": lambda: [_m(3, 2)], "kron": lambda: [_m(2, 3), _m(4, 2)], "softmax": lambda: [_m(4, 1)],
    "matpow": lambda: [_square(), np.array([[3.0]])],
}
# Rows that are an op's only row, operands from the op's sample in test_registry.py.
SAMPLED = {op.primitives[0].key: key(op) for op in registry.ops()
           if len(op.primitives) == 1 and op.node.__name__ != "Apply" and key(op) in SAMPLES}
for _row, _k in SAMPLED.items():
    OPERANDS.setdefault(_row, lambda _k=_k: list(sample(_k)[2].values()))
# A function declared without a formula (g: function) is evaluated through its fixed random stand-in;
# the row's parameter is (name, order of the derivative the row computes).
OPERANDS.update({"outer": lambda: [_m(3, 2)], "outer_gradient": lambda: [_m(3, 2)],
                 "outer_hessian": lambda: [_m(3, 2), _m(3, 2)],
                 # a 2×2 literal of four scalar entries; the entry (2, 1) of a 3×2 matrix
                 "literal": lambda: [_m(1, 1) for _ in range(4)], "entry": lambda: [_m(3, 2)],
                 # a summand and the number of samples N (the row scales by N)
                 "sum_samples": lambda: [_m(3, 2), np.array([[4.0]])]})
PARAMS = {"outer": ("g", 0), "outer_gradient": ("g", 1), "outer_hessian": ("g", 2),
          "literal": (2, 2), "entry": (1, 0)}
DOMAINS = {"log": 0.5, "sqrt": 0.5, "arcsin": -0.5, "arccos": -0.5}
CASES = [(op, PARAMS.get(op)) for op in OPERANDS] + [("apply", f) for f in ELEMENTWISE if f not in ("sign", "step")]


def test_every_rule_has_operands_here():
    assert set(RULES) == set(OPERANDS) | {"apply"}


def _node_types(cls=ir.Expr):
    for sub in cls.__subclasses__():
        yield sub
        yield from _node_types(sub)


def test_every_ir_operation_has_a_rule():
    """Every IR node type with operands is the source of some primitive (leaves are inputs or
    constants; D, the differential, never has a value)."""
    sources = {rule.ir.split()[0] for rule in RULES.values()}
    operations = {c.__name__ for c in _node_types() if c._children and not c.__name__.startswith("_")}
    assert operations - {"D"} <= sources, operations - sources


@pytest.mark.parametrize("op,param", CASES, ids=[f"{o}-{p}" if o == "apply" else o for o, p in CASES])
def test_rule_forward_and_reverse_sides_agree_with_central_differences(op, param):
    rule = RULES[op]
    if op == "apply":
        low = DOMAINS.get(param)
        xs = [_m(3, 2, low=low) if low is not None else _m(3, 2)]
        if param in ("abs", "relu"):
            xs = [np.where(np.abs(xs[0]) < 0.1, 0.5, xs[0])]   # away from the kink
    else:
        xs = OPERANDS[op]()
    y = rule.value(xs, param)
    dxs = [rng.standard_normal(x.shape) for x in xs]
    along = lambda t: rule.value([x + t[0] * d for x, d in zip(xs, dxs)], param).reshape(-1, order="F")
    numeric = fd.jacobian(along, np.zeros(1))[:, 0].reshape(y.shape, order="F")
    jvp = apply_jvp(op, xs, y, dxs, param)
    np.testing.assert_allclose(jvp, numeric, rtol=1e-5, atol=1e-6)
    g = rng.standard_normal(y.shape)
    vjp = apply_vjp(op, xs, y, g, param)
    assert [v.shape for v in vjp] == [x.shape for x in xs]
    assert np.sum(g * jvp) == pytest.approx(sum(np.sum(v * d) for v, d in zip(vjp, dxs)), rel=1e-9, abs=1e-9)
