"""The kinds of undeclared names: usage decides where it does, the naming convention fills the rest.

Every undeclared lowercase name starts with its kind unknown (a capitalised one is a matrix, as
both the seeds and matrixcalculus.org have it). Usage constrains it, in passes until nothing
changes:

- an exponent (``x^k``, ``X.^k``), a divisor (``a/k``) and the count of a sum over samples
  (``sum_i(…, n)``) are scalars;
- a sum with a term that is a scalar expression of the variables (``a'*x``, ``norm2(w)^2``,
  ``lambda``; a number alone is not one, as ``1 - y`` broadcasts) has scalar terms: a name added to
  it is a scalar, and so is the one factor of unknown kind of a product whose other factors are
  scalars (``c`` in ``norm2(X*w - y)^2 + c*norm2(w)^2``), or the argument of an element-wise
  function there (``t`` in ``exp(t) + a'*x``);
- the factors of a product that do not multiply as the convention has them (two vectors), named
  as entries of one vector (``x_1*x_2``: x₁ and x₂, the arguments of seed 002's f(x₁, x₂)), are
  scalars, the numbers such a product multiplies;
- the argument of a matrix function that refuses the convention's kind is a matrix when that is
  what makes the cell type (``logdet(sigma)``, ``tr(x)``: square, as shape inference then unifies).

The convention (``default_kind``) decides the others: capitalised names are matrices, the scalar
Greek letters of ``SCALAR_NAMES`` scalars, other lowercase names vectors. matrixcalculus.org's own
defaults (a–g scalars, h–z vectors) are not followed where they differ: the seeds write ``a'*X*b``
with vectors a and b. Whatever usage leaves open is the convention's, which is what the note about a
defaulted vector (``derivation.pipeline``) and the hints of shape errors speak about.

Kinds are computed on the syntax tree with abstract kinds (S scalar, V column, R row, M matrix),
the functions' kinds read from the operation registry by building a node on a stand-in argument.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.registry import CONSTANT_FORMS, named
from matdiff_magic.syntax import ast as syn
from matdiff_magic.syntax.conventions import SCALAR_NAMES
from matdiff_magic.syntax.vocabulary import CONSTANTS, ELEMENTWISE, FUNCTIONS, canonical_function
from matdiff_magic.types.samples import SAMPLE_SUM

_ENTRY = re.compile(r"([a-z])_(\d+)")  # x_1, x_2: entries of the vector x, by the seeds' naming


S, V, R, M = "S", "V", "R", "M"  # scalar, column vector, row vector, matrix
OF_KIND = {"scalar": S, "vector": V, "matrix": M, "symmetric": M}
KIND_OF = {S: "scalar", V: "vector", M: "matrix"}
STAND_IN = {S: (1, 1), V: ("n", 1), R: (1, "n"), M: ("n", "n")}
CONSTANT_KINDS = {name: OF_KIND[c.kind] for name, c in CONSTANT_FORMS.items()}  # the constants' results


@dataclass(frozen=True)
class Decided:
    """A kind that usage decided, and why (said in the hints of shape errors)."""

    kind: str  # scalar, vector or matrix
    why: str


def default_kind(name: str) -> str:
    """The kind of an undeclared name: the seeds' convention (capitalised names are matrices,
    lowercase names vectors), with the scalar Greek letters of ``SCALAR_NAMES`` (λ, α, η: the
    field's usual scalars, ``syntax.conventions``) as scalars."""
    if name in SCALAR_NAMES:
        return "scalar"
    return "matrix" if name[0].isupper() else "vector"


def usage_kinds(program: syn.Program, declared: dict) -> dict[str, Decided]:
    """The kinds usage decides for the undeclared names of ``program`` (``declared``: name -> kind
    of the names with a declaration), by the rules of the module's docstring: a fixpoint."""
    return _Usage(program, declared).run()


def matrix_arguments(program: syn.Program, declared, decided: dict) -> list[tuple[str, str]]:
    """(name, function) for every undeclared name, not yet decided, written directly as the argument
    of a matrix function (``tr(x)``): the candidates when the convention does not type."""
    out: list[tuple[str, str]] = []
    defined = {d.name for d in program.definitions if d.name}
    for node in _walk(program):
        if isinstance(node, syn.Call) and node.func in FUNCTIONS:
            f = canonical_function(node.func)
            if f in ELEMENTWISE or f in CONSTANTS:
                continue
            for arg in node.args:
                written = arg.operand if isinstance(arg, syn.Transpose) else arg  # x or x'
                name = written.name if isinstance(written, syn.Name) else None
                if (
                    name
                    and not name[0].isupper()  # a capitalised name is a matrix already
                    and name not in declared | decided.keys() | defined | FUNCTIONS
                    and (name, f) not in out
                ):
                    out.append((name, f))
    return out


class _Usage:
    def __init__(self, program: syn.Program, declared: dict):
        self.program, self.source, self.declared = program, program.source, declared
        self.decided: dict[str, Decided] = {}
        self.defined = {d.name for d in program.definitions[:-1] if d.name}
        self.kinds: dict[str, frozenset] = {}  # definition name -> its kinds, in order
        # id(node) -> kinds_of(node) while the kinds it reads stay as they are: a product's
        # factors are asked again at every product and sum around them
        self._known: dict[int, frozenset] = {}
        self.fixed = {name: OF_KIND[kind] for name, kind in declared.items() if kind in OF_KIND}

    def run(self) -> dict[str, Decided]:
        # each line's nodes that a rule may apply to, listed once: the same at every pass
        lines = [
            (definition, [n for n in _walk_expr(definition.expr) if type(n) not in _NO_RULE])
            for definition in self.program.definitions
        ]
        while True:
            before = len(self.decided)
            self.kinds = {}
            self._known.clear()
            for definition, nodes in lines:
                for node in nodes:
                    self._rules(node)
                if definition.name:
                    self.kinds[definition.name] = self.kinds_of(definition.expr)
                    self._known.clear()
            if len(self.decided) == before:
                return self.decided

    # ---- the rules
    def _rules(self, node) -> None:
        if isinstance(node, syn.Power):
            self.want_scalar(node.exponent, f"it is the exponent of {self._text(node)}")
        elif isinstance(node, syn.Product):
            for op, item, _ in node.items[1:]:
                if op == "/":
                    self.want_scalar(item, "/ divides by it, and / divides by a scalar")
            self._entries_multiplied(node)
        elif isinstance(node, syn.Call) and node.func == SAMPLE_SUM and len(node.args) == 2:
            count = node.args[1]  # n in sum_i(…, n), when it stands nowhere else (a vector there)
            if isinstance(count, syn.Name) and self._uses(count.name) == 1:
                self.want_scalar(count, "it is the number of samples of sum_i")
        elif isinstance(node, syn.Sum):
            terms = [t for _, t, _ in node.terms]
            anchors = [t for t in terms if self.kinds_of(t) == {S} and self._has_variable(t)]
            if anchors:
                for t in terms:
                    if t is not anchors[0]:
                        self.want_scalar(t, f"it stands in a sum with the scalar {self._text(anchors[0])}")

    def _entries_multiplied(self, node: syn.Product) -> None:
        """x_1*x_2 (seed 002, f(x_1, x_2) = ln(x_1) + x_1x_2 - sin(x_2)): a product that has no
        kind as the convention makes its factors (two vectors do not multiply), whose factors of
        unknown kind are all named as entries of one vector, multiplies those entries: scalars. A
        product of other names (a*b) keeps its shape error and the hint to write a'*b."""
        if any(op != "*" for op, _, _ in node.items[1:]):
            return
        # the factors below are two or more entries x_1, x_2: a product of fewer is not looked into
        written = [
            item
            for _, item, _ in node.items
            if isinstance(item, syn.Name) and "_" in item.name and _ENTRY.fullmatch(item.name)
        ]
        if len(written) < 2 or self.kinds_of(node):
            return
        open_ = [item for _, item, _ in node.items if self.kinds_of(item) != {S}]
        if len(open_) < 2 or not all(isinstance(f, syn.Name) and self._undecided(f.name) for f in open_):
            return
        entries = [_ENTRY.fullmatch(f.name) for f in open_]
        stems = {m.group(1) for m in entries if m}
        if not all(entries) or len(stems) != 1:
            return
        # an entry written as the argument of a matrix function elsewhere (logdet(x_1)) is a matrix
        # there: the fallback that types such names decides it, not this rule
        if any(f.name in self._matrix_args for f in open_):
            return
        names = ", ".join(dict.fromkeys(f.name for f in open_))
        why = f"{self._text(node)} multiplies the entries {names} of {stems.pop()}, which are numbers"
        for f in open_:
            self.want_scalar(f, why)

    @functools.cached_property
    def _matrix_args(self) -> frozenset:
        """The names written as a matrix function's argument (``matrix_arguments``): the same at
        every pass of the fixpoint."""
        return frozenset(name for name, _ in matrix_arguments(self.program, self.declared, {}))

    def _uses(self, name: str) -> int:
        """How often ``name`` is written in the cell's lines."""
        return sum(
            isinstance(n, syn.Name) and n.name == name
            for d in self.program.definitions
            for n in _walk_expr(d.expr)
        )

    def want_scalar(self, node, why: str) -> None:
        """``node`` must be a scalar: decide the names whose kind that settles."""
        if isinstance(node, syn.Name):
            if self._undecided(node.name):
                self.decided[node.name] = Decided("scalar", why)
                self._known.clear()
        elif isinstance(node, (syn.Neg, syn.Transpose)):
            self.want_scalar(node.operand, why)
        elif isinstance(node, syn.Power):
            self.want_scalar(node.base, why)
        elif isinstance(node, syn.Sum):
            for _, term, _ in node.terms:
                self.want_scalar(term, why)
        elif isinstance(node, syn.Call) and canonical_function(node.func) in ELEMENTWISE and node.args:
            self.want_scalar(node.args[0], why)
        elif isinstance(node, syn.Product):
            factors = [item for op, item, _ in node.items if op != "/"]
            open_ = [f for f in factors if self.kinds_of(f) != {S}]
            if len(open_) == 1:
                self.want_scalar(open_[0], why)

    # ---- kinds
    def kinds_of(self, node) -> frozenset:
        """The kinds ``node`` may have: declared and decided names as they are, the others as the
        convention makes them (so a term is a scalar as the cell reads without declarations)."""
        known = self._known.get(id(node))
        if known is None:
            known = self._known[id(node)] = self._kinds_of(node)
        return known

    def _kinds_of(self, node) -> frozenset:
        if isinstance(node, syn.Num):
            return frozenset({S})
        if isinstance(node, syn.Name):
            return self._name_kinds(node.name)
        if isinstance(node, syn.Neg):
            return self.kinds_of(node.operand)
        if isinstance(node, syn.Transpose):
            return frozenset({V: R, R: V}.get(k, k) for k in self.kinds_of(node.operand))
        if isinstance(node, syn.Power):
            base = self.kinds_of(node.base)
            return base if node.op == ".^" else base & {S, M}
        if isinstance(node, syn.Sum):
            return _fold([self.kinds_of(t) for _, t, _ in node.terms], [_add] * (len(node.terms) - 1))
        if isinstance(node, syn.Product):
            kinds = [self.kinds_of(item) for _, item, _ in node.items]
            return _fold(kinds, [_COMBINE[op] for op, _, _ in node.items[1:]])
        if isinstance(node, syn.Call):
            return self._call_kinds(node)
        return frozenset({S, V, R, M})

    def _name_kinds(self, name: str) -> frozenset:
        if name in self.kinds:
            return self.kinds[name]
        if name in FUNCTIONS and name not in self.fixed:
            return frozenset({CONSTANT_KINDS.get(canonical_function(name), M)})  # eye written alone
        if name in self.fixed:
            return frozenset({self.fixed[name]})
        if name in self.decided:
            return frozenset({OF_KIND[self.decided[name].kind]})
        return frozenset({OF_KIND[default_kind(name)]})

    def _call_kinds(self, node: syn.Call) -> frozenset:
        f = canonical_function(node.func)
        if f in CONSTANT_KINDS:
            return frozenset({CONSTANT_KINDS[f]})
        if f not in FUNCTIONS:
            return frozenset({S})  # a function declared without a formula is scalar-valued
        args = [self.kinds_of(a) for a in node.args]
        return frozenset(k for combo in itertools.product(*args) if (k := _function_kind(f, combo)))

    # ---- names
    def _undecided(self, name: str) -> bool:
        """An undeclared lowercase variable: a capitalised name stays a matrix (seeds and
        matrixcalculus.org agree), so X/Y is the error that suggests ./ or inv(Y)."""
        return (
            not name[0].isupper()
            and name not in self.declared
            and name not in self.decided
            and name not in self.defined
            and name not in FUNCTIONS
            and name not in self.fixed
        )

    def _has_variable(self, node) -> bool:
        """Whether a variable occurs in ``node`` (a number alone does not make a sum scalar)."""
        return any(
            isinstance(n, syn.Name)
            and n.name not in FUNCTIONS
            and self.declared.get(n.name, "scalar") in OF_KIND
            for n in _walk_expr(node)
        )

    def _text(self, node) -> str:
        return self.source[node.span.start : node.span.end]


def _add(a: str, b: str) -> str | None:
    if a == S or b == S:  # a scalar added to anything means every entry (s·𝟏)
        return b if a == S else a
    return a if a == b else None


def _matmul(a: str, b: str) -> str | None:
    if a == S or b == S:
        return b if a == S else a
    return {(V, R): M, (R, V): S, (M, V): V, (R, M): R, (M, M): M}.get((a, b))


def _divide(a: str, b: str) -> str | None:
    return a if b == S else None


_COMBINE = {"*": _matmul, "/": _divide, ".*": _add, "./": _add}


def _fold(kinds: list, combine: list) -> frozenset:
    acc = kinds[0]
    for k, op in zip(kinds[1:], combine):
        acc = frozenset(c for a in acc for b in k if (c := op(a, b)))
    return acc


@functools.cache
def _function_kind(f: str, args: tuple) -> str | None:
    """The kind of ``f`` of arguments of the kinds ``args``: the registry's node built on stand-ins
    of those kinds (a square matrix for M), or None where its shape rule refuses them."""
    op = named(f)
    if op is None or len(args) != op.arity:
        return None
    try:
        rows, cols = op.make([ir.Var(f"t{i}", STAND_IN[k], "matrix") for i, k in enumerate(args)]).shape
    except (ValueError, TypeError, ArithmeticError):
        return None
    return S if (rows, cols) == (1, 1) else V if cols == 1 else R if rows == 1 else M


def _walk(program: syn.Program):
    for definition in program.definitions:
        yield from _walk_expr(definition.expr)


_NO_RULE = frozenset({syn.Name, syn.Num, syn.Neg, syn.Transpose})  # what ``_rules`` passes over


def _walk_expr(node):
    """The nodes of an expression, the arguments of constants (fill values and sizes) left out."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, syn.Call) and canonical_function(n.func) in CONSTANTS:
            continue
        stack.extend(reversed(syn.children(n)))
