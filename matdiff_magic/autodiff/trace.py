"""IR -> evaluation trace: one row per primitive step, numbered as in the seed (inputs v_{1−n} … v₀,
intermediates v₁ …), values computed as the rows are made.

The trace knows nothing about derivatives (rules.py and modes.py do). n-ary sums and products
become chains of binary steps, a Neg term turns + into −, constant scalar factors gather into one
coefficient, and equal sub-expressions (structural equality of the IR, or the same step on the
same operands) become one node, so the trace is a DAG.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from matdiff_magic.ir import nodes as ir
from matdiff_magic.errors import MatdiffError
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.render.notation import number_text, superscript
from matdiff_magic.render.printer import to_text
from matdiff_magic.autodiff.notation import MINUS, dotted, v_name, variable_text
from matdiff_magic.autodiff.rules import RULES

FUNCTION_TEXT = {"log": "ln", "sigmoid": "σ"}   # the seed writes ln, not log


@dataclass(frozen=True, eq=False)
class Node:
    index: int                  # position in the trace
    op: str                     # "input", "const" or a key of rules.RULES
    args: tuple                 # indices of the operands
    value: np.ndarray           # always 2-D
    param: object = None        # the function of an "apply" step
    number: int | None = None   # seed numbering; None for constants
    label: str = ""             # an input's variable name, a constant's literal

    @property
    def name(self) -> str:
        return v_name(self.number) if self.number is not None else self.label

    @property
    def is_const(self) -> bool:
        return self.op == "const"

    @property
    def is_input(self) -> bool:
        return self.op == "input"

    @property
    def is_scalar(self) -> bool:
        return self.value.shape == (1, 1)


@dataclass
class Trace:
    nodes: list
    output: int
    inputs: list                       # node indices, in the order of the variables
    variables: list                    # ir.Var, same order
    by_variable: dict = field(default_factory=dict)   # variable name -> node index

    def operands(self, i: int) -> list:
        return [self.nodes[j] for j in self.nodes[i].args]

    def expr_text(self, i: int) -> str:
        """'ln v₋₁', 'v₋₁·v₀', or the variable for an input (x₁)."""
        node = self.nodes[i]
        if node.is_input:
            return variable_text(node.label)
        if node.is_const:
            return node.label
        return fill(RULES[node.op].text, self.names(i), node)

    def names(self, i: int) -> dict:
        ops = self.operands(i)
        names = {str(k): _operand(o, k, self.nodes[i]) for k, o in enumerate(ops)}
        names.update({f"d{k}": _dot(o) for k, o in enumerate(ops)})
        return names

    @property
    def steps(self) -> list:
        """The non-constant nodes in trace order (inputs first)."""
        return [n for n in self.nodes if not n.is_const]


def _operand(o: Node, k: int, user: Node) -> str:
    if user.op in ("pow", "epow") and k == 1 and o.is_const:
        return o.label
    if o.is_const and o.label.startswith(MINUS):
        return "(" + o.label + ")"
    return o.name


def _dot(o: Node) -> str:
    return dotted(o.name) if not o.is_const else "0"


def fill(template: str, names: dict, node: Node) -> str:
    """A rule template with operand names filled in (see rules.py for the placeholders)."""
    scalar = node.is_scalar
    values = dict(names)
    values.setdefault("f", FUNCTION_TEXT.get(node.param, node.param or ""))
    values.setdefault("m", "·" if scalar else " ⊙ ")
    values.setdefault("q", "/" if scalar else " ⊘ ")
    text = template
    if node.op == "pow" and _is_number(names.get("1", "")):
        text = _numeric_exponent(text, Fraction(names["1"].replace(MINUS, "-")))
    for key, val in values.items():
        text = text.replace("{" + key + "}", val)
    return _inner_products(text, scalar)


def _numeric_exponent(template: str, p: Fraction) -> str:
    """v₁² rather than v₁^2, and 2·v₁·v̇₁ rather than 2·v₁^(2−1)·v̇₁."""
    template = template.replace("{0}^{1}", "{0}" + superscript(number_text(p)))
    lower = p - 1
    return template.replace("^({1}−1)", "" if lower == 1 else superscript(number_text(lower)))


def _is_number(s: str) -> bool:
    try:
        Fraction(s.replace(MINUS, "-"))
        return True
    except ValueError:
        return False


def _inner_products(text: str, scalar: bool) -> str:
    """⟨a, b⟩ is the sum of the entries of a ⊙ b; between scalars it is just a·b."""
    if scalar:
        return text.replace("⟨", "").replace("⟩", "").replace(", ", "·")
    return text


# ---- lowering -------------------------------------------------------------------------------
def build_trace(expr: ir.Expr, variables: list, values: dict, sizes: dict) -> Trace:
    return _Lowering(variables, values, sizes).run(expr)


class _Lowering:
    def __init__(self, variables, values, sizes):
        self.variables, self.values = variables, values
        self.evaluator = Evaluator(values, sizes)
        self.nodes: list[Node] = []
        self.by_expr: dict = {}       # IR node (structural equality) -> index
        self.by_step: dict = {}       # (op, args, param) -> index
        self.next_number = 1

    def run(self, expr: ir.Expr) -> Trace:
        n = len(self.variables)
        inputs = []
        for k, var in enumerate(self.variables):
            node = Node(len(self.nodes), "input", (), self.values[var.name], None, k + 1 - n, var.name)
            self.nodes.append(node)
            self.by_expr[var] = node.index
            inputs.append(node.index)
        with np.errstate(all="ignore"):
            out = self.lower(expr)
        return Trace(self.nodes, out, inputs, list(self.variables),
                     {v.name: i for v, i in zip(self.variables, inputs)})

    # -- emitting rows
    def const(self, value: np.ndarray, label: str) -> int:
        key = ("const", label, value.shape)
        if key not in self.by_step:
            self.nodes.append(Node(len(self.nodes), "const", (), value, None, None, label))
            self.by_step[key] = len(self.nodes) - 1
        return self.by_step[key]

    def step(self, op: str, args, param=None) -> int:
        args = tuple(args)
        key = (op, args, param)
        if key in self.by_step:
            return self.by_step[key]
        xs = [self.nodes[a].value for a in args]
        value = np.asarray(RULES[op].value(xs, param), dtype=float)
        if all(self.nodes[a].is_const for a in args):  # nothing to differentiate: fold
            return self.const(value, fill(RULES[op].text, {str(k): self.nodes[a].label
                                                           for k, a in enumerate(args)},
                                          Node(-1, op, (), value, param)))
        self.nodes.append(Node(len(self.nodes), op, args, value, param, self.next_number))
        self.next_number += 1
        self.by_step[key] = len(self.nodes) - 1
        return self.by_step[key]

    # -- IR nodes
    def lower(self, e: ir.Expr) -> int:
        if e in self.by_expr:
            return self.by_expr[e]
        if not any(isinstance(n, ir.Var) for n in e.walk()):
            index = self.const(self.evaluator(e), _const_label(e))
        else:
            method = getattr(self, "l_" + type(e).__name__, None)
            if method is None:
                raise MatdiffError(f"{type(e).__name__} has no evaluation-trace rule")
            index = method(e)
        self.by_expr[e] = index
        return index

    def l_Neg(self, e):
        return self.step("neg", [self.lower(e.arg)])

    def l_Add(self, e):
        signed = []
        for t in e.terms:  # lower every term first: the seed numbers all operands before the sums
            if isinstance(t, ir.Neg):
                signed.append((-1, self.lower(t.arg)))
            elif isinstance(t, ir.Const) and t.value < 0:
                signed.append((-1, self.lower(ir.Const(-t.value))))
            else:
                signed.append((1, self.lower(t)))
        first = next((k for k, (s, _) in enumerate(signed) if s > 0), None)
        if first is None:
            acc = self.step("neg", [signed[0][1]])
            rest = signed[1:]
        else:
            acc = signed[first][1]
            rest = signed[:first] + signed[first + 1:]
        for sign, t in rest:
            acc = self.step("add" if sign > 0 else "sub", [acc, t])
        return acc

    def l_MatMul(self, e):
        coefficient, numerators, denominators = Fraction(1), [], []
        for f in e.factors:
            if isinstance(f, ir.Const):
                coefficient *= f.value
            elif isinstance(f, ir.Pow) and f.exponent == ir.Const(-1) and f.base.is_scalar:
                denominators.append(self.lower(f.base))
            else:
                numerators.append(self.lower(f))
        acc = numerators[0] if numerators else None
        for f in numerators[1:]:
            acc = self.product(acc, f)
        if acc is None:
            acc = self.const(np.array([[float(coefficient)]]), number_text(coefficient))
        elif coefficient == -1:
            acc = self.step("neg", [acc])
        elif coefficient != 1:
            acc = self.product(self.const(np.array([[float(coefficient)]]),
                                          number_text(coefficient).replace("-", MINUS)), acc)
        for d in denominators:
            acc = self.step("div", [acc, d])
        return acc

    def product(self, a: int, b: int) -> int:
        sa, sb = self.nodes[a].is_scalar, self.nodes[b].is_scalar
        if sa and sb:
            return self.step("mul", [a, b])
        if sa or sb:  # scalars commute: write the scalar first
            return self.step("scale", [a, b] if sa else [b, a])
        return self.step("matmul", [a, b])

    def l_Hadamard(self, e):
        numerators, denominators = [], []
        for f in e.factors:
            if isinstance(f, ir.ElemPow) and f.exponent == ir.Const(-1):
                denominators.append(self.lower(f.base))
            else:
                numerators.append(self.lower(f))
        acc = numerators[0] if numerators else self.const(np.ones_like(self.nodes[denominators[0]].value), "𝟏")
        for f in numerators[1:]:
            acc = self.step("had", [acc, f])
        for d in denominators:
            acc = self.step("ediv", [acc, d])
        return acc

    def l_Pow(self, e):
        return self.step("pow", [self.lower(e.base), self.lower(e.exponent)])

    def l_ElemPow(self, e):
        return self.step("epow", [self.lower(e.base), self.lower(e.exponent)])

    def l_Apply(self, e):
        return self.step("apply", [self.lower(e.arg)], e.func)

    def l_Transpose(self, e):
        return self.step("transpose", [self.lower(e.arg)])

    def l_Inverse(self, e):
        return self.step("inv", [self.lower(e.arg)])

    def l_Trace(self, e):
        return self.step("tr", [self.lower(e.arg)])

    def l_Det(self, e):
        return self.step("det", [self.lower(e.arg)])

    def l_LogDet(self, e):
        return self.step("logdet", [self.lower(e.arg)])

    def l_SumAll(self, e):
        return self.step("sum", [self.lower(e.arg)])

    def l_DiagMatrix(self, e):
        return self.step("diagm", [self.lower(e.arg)])

    def l_DiagVector(self, e):
        return self.step("diagv", [self.lower(e.arg)])

    def l_Vec(self, e):
        return self.step("vec", [self.lower(e.arg)])

    def l_Kron(self, e):
        return self.step("kron", [self.lower(e.left), self.lower(e.right)])

    def l_Softmax(self, e):
        return self.step("softmax", [self.lower(e.arg)])

    def l_Norm(self, e):
        return self.step("norm1" if e.p == 1 else "norm2", [self.lower(e.arg)])


def _const_label(e: ir.Expr) -> str:
    if isinstance(e, ir.Const):
        return number_text(e.value).replace("-", MINUS)
    if isinstance(e, ir.Fill):
        return "𝟏" if e.value == 1 else number_text(e.value).replace("-", MINUS) + "·𝟏"
    if isinstance(e, ir.Identity):
        return "I"
    if isinstance(e, ir.Zero):
        return "0"
    if isinstance(e, ir.Transpose):
        return _const_label(e.arg) + "ᵀ"
    if isinstance(e, ir.Neg):
        return MINUS + _const_label(e.arg)
    return to_text(e)
