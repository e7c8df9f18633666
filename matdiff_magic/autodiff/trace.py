"""IR -> evaluation trace: one row per primitive step, numbered as in the seed (inputs v_{1−n} … v₀,
intermediates v₁ …), values computed as the rows are made.

The trace knows nothing about derivatives (rules.py and modes.py do), nor about particular
operations: each op (``ops/``) names its row, and n-ary sums and products, by their ops' trace
rules, become chains of binary steps, a Neg term turns + into −, constant scalar factors gather into one
coefficient, and equal sub-expressions (structural equality of the IR, or the same step on the
same operands) become one node, so the trace is a DAG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from matdiff_magic.autodiff.notation import MINUS, dotted, v_name, variable_text
from matdiff_magic.autodiff.rules import RULES, function_text
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.registry import find
from matdiff_magic.render.notation import number_text, superscript
from matdiff_magic.render.printer import to_text


def singular(name: str, inputs: list) -> MatdiffError:
    """The error of a row that cannot be computed because the matrix ``name`` is singular (an
    inverse, or the derivative of a determinant through one) at the given ``inputs``."""
    return MatdiffError(
        f"{name} is singular at the given {', '.join(inputs)}",
        hint="choose values where every step is defined: log and sqrt take positive numbers, inv a nonsingular matrix",
    )


@dataclass(frozen=True, eq=False)
class Node:
    index: int  # position in the trace
    op: str  # "input", "const" or a key of rules.RULES
    args: tuple  # indices of the operands
    value: np.ndarray  # always 2-D
    param: object = None  # the function of an "apply" step
    number: int | None = None  # seed numbering; None for constants
    label: str = ""  # an input's variable name, a constant's literal

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
    inputs: list  # node indices, in the order of the variables
    variables: list  # ir.Var, same order
    by_variable: dict = field(default_factory=dict)  # variable name -> node index

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
    if o.is_const and user.op in RULES and k in RULES[user.op].literal:
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
    values.setdefault("f", function_text(node.param) if node.op == "apply" else "")
    values.setdefault("m", "·" if scalar else " ⊙ ")
    values.setdefault("q", "/" if scalar else " ⊘ ")
    text = template
    if node.op in RULES and RULES[node.op].numeric_exponent and _is_number(names.get("1", "")):
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
    def __init__(self, variables, values, sizes) -> None:
        self.variables, self.values = variables, values
        self.evaluator = Evaluator(values, sizes)
        self.nodes: list[Node] = []
        self.by_expr: dict = {}  # IR node (structural equality) -> index
        self.by_step: dict = {}  # (op, args, param) -> index
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
        return Trace(
            self.nodes, out, inputs, list(self.variables), {v.name: i for v, i in zip(self.variables, inputs)}
        )

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
        try:
            value = np.asarray(RULES[op].value(xs, param), dtype=float)
        except np.linalg.LinAlgError:  # an inverse of a singular matrix: say which, not NumPy's words
            operand = next((e for e, i in self.by_expr.items() if i == args[0]), None)
            name = to_text(operand) if operand is not None else self.nodes[args[0]].name
            raise singular(name, [v.name for v in self.variables]) from None
        if all(self.nodes[a].is_const for a in args):  # nothing to differentiate: fold
            return self.const(
                value,
                fill(
                    RULES[op].text,
                    {str(k): self.nodes[a].label for k, a in enumerate(args)},
                    Node(-1, op, (), value, param),
                ),
            )
        self.nodes.append(Node(len(self.nodes), op, args, value, param, self.next_number))
        self.next_number += 1
        self.by_step[key] = len(self.nodes) - 1
        return self.by_step[key]

    # -- what an op's trace rule may ask (ops/arith.py lowers sums and products with these)
    def number(self, c: Fraction, minus: bool = False) -> int:
        """A constant row for the number c (written with − when ``minus``)."""
        label = number_text(c)
        return self.const(np.array([[float(c)]]), label.replace("-", MINUS) if minus else label)

    def ones_like(self, i: int) -> int:
        return self.const(np.ones_like(self.nodes[i].value), "𝟏")

    def is_scalar(self, i: int) -> bool:
        return self.nodes[i].is_scalar

    # -- IR nodes
    def lower(self, e: ir.Expr) -> int:
        if e in self.by_expr:
            return self.by_expr[e]
        if not any(isinstance(n, ir.Var) for n in e.walk()):
            index = self.const(self.evaluator(e), _const_label(e))
        else:
            op = find(e)
            if op is None or not op.primitives:
                raise MatdiffError(f"{type(e).__name__} has no evaluation-trace rule")
            if op.trace is not None:  # an n-ary node: a chain of binary rows
                index = op.trace(self, e)
            else:  # one row of the op's rule on its operands
                index = self.step(
                    op.primitives[0].key,
                    [self.lower(k) for k in e.children()],
                    op.param(e, self.evaluator.size),
                )
        self.by_expr[e] = index
        return index


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
