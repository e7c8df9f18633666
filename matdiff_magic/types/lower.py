"""AST + named sizes -> IR: the typed program (``Typed``) that the derivation starts from.

``typecheck`` is the front end's entry point: parse the cell, infer the sizes (``types.infer``),
then build the IR here. Lowering makes the notation's shortcuts explicit: a scalar added to a
matrix becomes s·𝟏 (a Fill of the matrix's shape), ``a/b`` becomes a·b⁻¹, ``A./B`` the Hadamard
product with B.^(-1), and ``Y = …`` lines are substituted into the last line (``expr``) and also
kept as variables (``outer``) for the chain rule through definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.components import Entry
from matdiff_magic.ops.registry import named
from matdiff_magic.ops.unknown import OuterFunction
from matdiff_magic.syntax.ast import Call, Name, Neg, Num, Power, Product, Program, Sum, Transpose
from matdiff_magic.syntax.latex import wrt_spellings
from matdiff_magic.syntax.parser import parse
from matdiff_magic.syntax.vocabulary import canonical_function
from matdiff_magic.types import components, samples
from matdiff_magic.types.functions import outer_functions, outer_order
from matdiff_magic.types.infer import Sizes, infer_sizes


@dataclass
class Typed:
    """The typed program: the IR of the expression and what is known about its names."""

    source: str
    expr: ir.Expr
    name: str  # the function's name (f unless given)
    variables: list  # [ir.Var] in order of first appearance
    declared: dict  # name -> bool (False when the kind came from usage or the naming convention)
    definitions: dict = field(default_factory=dict)  # name -> ir.Expr for intermediate Y = … lines
    span: Span | None = None  # where the expression stands in the source
    outer: ir.Expr | None = None  # the expression with defined names (Y = …) kept as variables
    defined_vars: dict = field(default_factory=dict)  # name -> ir.Var standing for a definition
    # name -> what gave it its kind: "declaration", "usage" (types.kinds) or "convention"
    kind_source: dict = field(default_factory=dict)
    # names declared symmetric positive definite (S: spd): symmetric variables in the derivation,
    # whose draws are positive definite anyway; the code export factorises them by Cholesky
    definite: frozenset = frozenset()


class UnknownWrt(MatdiffError):
    """--wrt names no variable of the cell: nothing in the cell to point at (the magic points at
    the option on its line)."""


def choose_wrt(typed: Typed, wrt: str | None, source: str | None = None) -> ir.Var:
    """The variable to differentiate by: the one named, or the only one there is. MatdiffError
    otherwise; for --wrt X in a cell that writes AXB (one name), the caret under AXB and a hint."""
    names = [v.name for v in typed.variables]
    if wrt is None:
        if len(names) == 1:
            return typed.variables[0]
        raise (UnknownWrt if names else MatdiffError)(
            "choose the variable to differentiate by with --wrt (wrt=…): one of " + ", ".join(names)
            if names
            else "the expression has no variables"
        )
    for v in typed.variables:
        if v.name == wrt:
            return v
    for spelled in wrt_spellings(wrt)[1:]:  # Σ, \Sigma, \mathbf{W}_1: Sigma, W_1
        for v in typed.variables:
            if v.name == spelled:
                return v
    shown = repr(wrt if len(wrt) <= 60 else wrt[:60] + "…")  # a pasted page is not repeated whole
    message = (
        f"unknown variable {shown} for --wrt: the expression's variables are " + ", ".join(names)
        if names
        else f"unknown variable {shown} for --wrt: the expression has no variables"
    )
    owner = typed.definitions.get(wrt)
    if isinstance(owner, Entry) and isinstance(owner.arg, ir.Var):  # y_1 of y = [y_1; y_2]
        vector = owner.arg.name
        raise UnknownWrt(
            message,
            hint=f"{wrt} is an entry of {vector}: derive by {vector} (∂f/∂{wrt} is one of its "
            f"steps), or declare the entries as scalars instead, e.g. {wrt}: scalar",
        )
    # AXB written as a formula is one name in the language: say so where it stands
    joined = next((n for n in names if _letters_around(n, wrt)), None)
    at = re.search(rf"(?<![\w']){joined}(?!\w)", source) if joined and source else None
    if joined is None or at is None:
        raise UnknownWrt(message)
    raise MatdiffError(
        message,
        source,
        Span(at.start(), at.end()),
        hint=f"{joined} is one name; if it is a product, write it with *: {'*'.join(joined)}, "
        "or read the cell as LaTeX with --latex",
    )


def _letters_around(name: str, wrt: str) -> bool:
    """Whether ``name`` reads as a few letters around ``wrt`` (AXB, Ax), as a formula juxtaposes them."""
    return (
        bool(wrt)
        and wrt in name
        and name != wrt
        and name.isalpha()
        and len(name) <= 4
        and any(c.isupper() for c in name)
    )


def typecheck(source: str, extra_declarations: dict | None = None) -> Typed:
    """Parse and type a cell. ``extra_declarations`` maps names to kinds or (kind, shape) pairs.

    Raises ``MatdiffError`` for a syntax error, a shape conflict or an unknown function."""
    program = parse(source)
    return lower(program, infer_sizes(program, extra_declarations))


def lower(program: Program, sizes: Sizes) -> Typed:
    """Build the IR of every line of ``program`` with the shapes ``sizes`` gives its names."""
    return _Lowering(program, sizes).run()


class _Lowering:
    def __init__(self, program: Program, sizes: Sizes):
        self.program, self.source = program, program.source
        self.variables = sizes.variables
        self.constants = sizes.constants
        self.ir_vars = {n: ir.Var(n, info.shape, info.kind) for n, info in sizes.variables.items()}
        self.functions = outer_functions(program)  # g: function

    def run(self) -> Typed:
        defs = self.program.definitions
        built_defs: dict[str, ir.Expr] = {}
        for definition in defs[:-1]:
            entries = components.component_entries(definition, self.source, self.ir_vars)
            if entries:  # y = [y1; y2]: each component stands for its entry of y
                built_defs.update(entries)
                continue
            built_defs[definition.name] = self.build(definition.expr, built_defs)
        expr = self.build(defs[-1].expr, built_defs)
        defined_vars = {name: ir.Var(name, e.shape, ir.kind_of_shape(e)) for name, e in built_defs.items()}
        outer = self.build(defs[-1].expr, defined_vars) if built_defs else expr
        typed = Typed(
            self.source,
            expr,
            defs[-1].name or "f",
            list(self.ir_vars.values()),
            {n: info.declared for n, info in self.variables.items()},
            built_defs,
            defs[-1].expr.span,
            outer,
            defined_vars,
            {n: "declaration" if info.declared else info.decided_by for n, info in self.variables.items()},
            frozenset(
                n
                for decl in self.program.declarations
                if decl.definite
                for n, _ in decl.names
                if n in self.ir_vars
            ),
        )
        samples.finish(typed, self.program)  # N and declared means are definitions
        return typed

    def build(self, node, defs) -> ir.Expr:
        if isinstance(node, Name):  # the most frequent node, built before the closure below
            if node.name in defs:
                return defs[node.name]
            return (
                ir.Identity(self.constants[id(node)])
                if id(node) in self.constants
                else self.ir_vars[node.name]
            )
        if isinstance(node, Num):
            return ir.Const(node.value)
        if isinstance(node, Product):  # the most frequent operation: its factors built directly
            return self._build_product(node, defs)
        if isinstance(node, Transpose):
            return ir.Transpose(self.build(node.operand, defs))
        b = lambda n: self.build(n, defs)
        if isinstance(node, Neg):
            inner = b(node.operand)
            return ir.Const(-inner.value) if isinstance(inner, ir.Const) else ir.Neg(inner)
        if isinstance(node, Power):
            base, exponent = b(node.base), b(node.exponent)
            if node.op == "^" and not base.is_scalar:
                return _matrix_power(base, int(cast(ir.Const, exponent).value))  # a number, as X^k requires
            return ir.Pow(base, exponent) if node.op == "^" or base.is_scalar else ir.ElemPow(base, exponent)
        if isinstance(node, Sum):
            terms = [b(t) for _, t, _ in node.terms]
            shape = next((t.shape for t in terms if not t.is_scalar), ir.SCALAR)
            terms = [_broadcast(t, shape) for t in terms]
            terms = [t if sign == "+" else _negate(t) for (sign, _, _), t in zip(node.terms, terms)]
            return ir.Add(terms)
        if isinstance(node, Call):
            return self._build_call(node, b)
        if isinstance(node, components.MatrixLiteral):
            return components.build_literal(node, b)
        raise TypeError(node)

    def _build_product(self, node: Product, defs) -> ir.Expr:
        chain: list[ir.Expr] = []
        for op, item, _ in node.items:
            factor = self.build(item, defs)
            if op in ("", "*"):
                _extend_chain(chain, factor)
            elif op == "/" and chain == [ir.Const(1)]:  # 1/N is N⁻¹
                chain[:] = [
                    ir.Const(1 / factor.value)
                    if isinstance(factor, ir.Const) and factor.value != 0
                    else ir.Pow(factor, ir.Const(-1))
                ]
            elif op == "/":
                _extend_chain(
                    chain,
                    ir.Const(1 / factor.value)
                    if isinstance(factor, ir.Const) and factor.value != 0
                    else ir.Pow(factor, ir.Const(-1)),
                )
            else:
                left = _finish(chain)
                right = (
                    factor
                    if op == ".*"
                    else (
                        ir.Pow(factor, ir.Const(-1)) if factor.is_scalar else ir.ElemPow(factor, ir.Const(-1))
                    )
                )
                chain[:] = [
                    ir.MatMul([left, right])
                    if left.is_scalar or right.is_scalar
                    else ir.Hadamard([left, right])
                ]
        return _finish(chain)

    def _build_call(self, node: Call, b) -> ir.Expr:
        if node.func in self.functions:  # g(U) of a function declared without a formula
            func, order = outer_order(node.func, self.functions)
            return OuterFunction(func, order, b(node.args[0]))
        f = canonical_function(node.func)
        if f in ("vector", "matrix"):
            arg = node.args[0]
            value = arg.value if isinstance(arg, Num) else -arg.operand.value
            return ir.Fill(value, self.constants[id(node)])
        if f == "eye":
            return ir.Identity(self.constants[id(node)])
        if f == samples.SAMPLE_SUM:  # sum_i(f) runs to the cell's N unless given another
            return samples.build_sample_sum(node, b, self.ir_vars)
        op = named(f)  # the registry's op of that name (ops/)
        if op is None:
            raise MatdiffError(f"unknown function {f!r}", self.source, node.func_span)
        return op.make([b(a) for a in node.args])


def _negate(e: ir.Expr) -> ir.Expr:
    return ir.Const(-e.value) if isinstance(e, ir.Const) else ir.Neg(e)


def _broadcast(term: ir.Expr, shape) -> ir.Expr:
    """A scalar in a sum with matrices stands for that scalar in every entry."""
    if not term.is_scalar or shape == ir.SCALAR:
        return term
    if isinstance(term, ir.Const):
        return ir.Fill(term.value, shape)
    return ir.MatMul([term, ir.Fill(1, shape)])


def _extend_chain(chain: list, factor: ir.Expr) -> None:
    """Append to a product chain, flattening sub-chains but keeping 1×1 groups (aᵀx) whole."""
    if (
        len(chain) > 1
        and ir.chain_shape(chain) == ir.SCALAR
        and not factor.is_scalar
        and not all(f.is_scalar for f in chain)
    ):
        chain[:] = [ir.MatMul(chain)]
    if isinstance(factor, ir.MatMul) and not factor.is_scalar:
        for f in factor.factors:
            _extend_chain(chain, f)
    else:
        chain.append(factor)


def _finish(chain: list) -> ir.Expr:
    return chain[0] if len(chain) == 1 else ir.MatMul(chain)


def _matrix_power(base: ir.Expr, k: int) -> ir.Expr:
    """X^k: X for k = 1, the inverse for k = −1, (X⁻¹)^|k| for a negative k; X⁰ stays as written
    (it is I, which the first simplification puts in its place: ir.powers.mk_matpow)."""
    if k < 0:
        base, k = ir.Inverse(base), -k
    return base if k == 1 else ir.MatPow(base, ir.Const(k))
