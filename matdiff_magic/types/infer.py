"""Shape inference: every name and sub-expression of a cell gets a shape of symbolic sizes.

Every sub-expression gets a shape made of size variables, and these are unified (``a'*X`` forces
rows(X) = len(a)); a conflict is a shape error (``MatdiffError``) with both operands named. The
sizes are then named (the user's symbols, else m, n, p, … in order of first appearance). Sizes are
never 1 unless written so: a vector is n×1 with n ≠ 1, so whether ``*`` is a matrix product or a
scalar multiple is known as soon as both operands are typed. ``types.lower`` builds the IR from
the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.ops.registry import CONSTANT_FORMS, named
from matdiff_magic.syntax import ast as syn
from matdiff_magic.syntax.vocabulary import CONSTANTS, FUNCTIONS, canonical_function
from matdiff_magic.types import components, samples
from matdiff_magic.types.functions import (
    BARE_CONSTANTS,
    called,
    is_bare_constant,
    outer_call_shape,
    outer_functions,
)
from matdiff_magic.types.kinds import Decided, default_kind, matrix_arguments, usage_kinds
from matdiff_magic.types.messages import Joined, ShapeMessages
from matdiff_magic.types.sizing import CallSizing
from matdiff_magic.types.unify import Sizes as _Sizes
from matdiff_magic.types.unify import times


@dataclass
class VarInfo:
    name: str
    kind: str
    declared: bool
    shape: tuple  # size classes (ints) or literal 1; named sizes in Sizes
    span: Span | None = None  # first use
    decided_by: str = "convention"  # of an undeclared name: usage or the naming convention
    why: str = ""  # what in its usage decided the kind


@dataclass(frozen=True)
class Sizes:
    """The shapes of a program with its sizes named: what lowering needs to build the IR."""

    variables: dict  # name -> VarInfo (shape of named sizes), in order of first use
    constants: dict  # id(Call node) of eye / vector(c) / matrix(c) -> its shape


def infer_sizes(program: syn.Program, extra_declarations: dict | None = None) -> Sizes:
    """Type every line of ``program``. ``extra_declarations`` maps names to kinds or (kind, shape)
    pairs, as if declared in the cell. The kinds of undeclared names come from their usage where
    it decides them, else from the naming convention (``types.kinds``). Raises ``MatdiffError`` on
    a shape conflict."""
    extra = extra_declarations or {}
    declared = {name: spec if isinstance(spec, str) else spec[0] for name, spec in extra.items()}
    declared |= {name: d.kind for d in program.declarations for name, _ in d.names}
    usage = usage_kinds(program, declared)
    try:
        return _Inference(program, extra, usage).run()
    except MatdiffError as error:
        return _with_matrix_arguments(program, extra, usage, declared, error)


def _with_matrix_arguments(program, extra: dict, usage: dict, declared: dict, error: MatdiffError) -> Sizes:
    """A name the convention made a vector, written as the argument of a matrix function
    (logdet(sigma), tr(x)), is a matrix when that types the cell; one by one, in the order they
    are written, each kept while it moves the first error further on. Else ``error`` is raised."""
    first = error
    for name, f in matrix_arguments(program, declared, usage):
        tried = usage | {name: Decided("matrix", f"it is the argument of {f}")}
        try:
            return _Inference(program, extra, tried).run()
        except MatdiffError as later:
            if (later.span.start if later.span else -1) > (error.span.start if error.span else -1):
                usage, error = tried, later
    raise first from None


class _Inference(ShapeMessages):
    def __init__(self, program: syn.Program, extra: dict, usage: dict):
        self.program, self.source = program, program.source
        self.usage = usage  # name -> Decided: kinds of undeclared names that usage decided
        self.sizes = _Sizes()
        self.user_symbols: dict[object, int] = {}
        self.vars: dict[str, VarInfo] = {}
        self.order: list[str] = []
        self.declared: dict[str, tuple] = {}  # name -> (kind, dims, span)
        self.const_shapes: dict[int, tuple] = {}
        self.defined: dict[str, tuple] = {}  # definition name -> shape
        self.functions = outer_functions(program)  # g: function, a scalar function of anything
        for name, spec in extra.items():
            kind, dims = (spec, ()) if isinstance(spec, str) else spec
            self.declared[name] = (kind, tuple((d, None) for d in dims), None)
        for decl in program.declarations:
            self._declare(decl)
        self.declared.update(samples.implicit_declarations(program, self.declared))  # N, the count

    # ---- declarations and names
    def _declare(self, decl: syn.Declaration) -> None:
        for name, span in decl.names:
            if name in self.declared and self.declared[name][2] is not None:
                raise MatdiffError(f"{name} is declared twice", self.source, span)
            if name in FUNCTIONS and canonical_function(name) in BARE_CONSTANTS:
                # eye alone is the identity wherever it is written: a declared eye went unread
                raise MatdiffError(
                    f"{name} is the identity matrix: choose another name for the variable", self.source, span
                )
            self.declared[name] = (decl.kind, decl.dims, span)

    def _symbol(self, dim) -> int:
        if dim == 1:
            return 1
        if dim not in self.user_symbols:
            self.user_symbols[dim] = self.sizes.fresh(bound=dim)
        return self.user_symbols[dim]

    def _var(self, node: syn.Name) -> tuple:
        name = node.name
        if name in self.defined:
            return self.defined[name]
        if name not in self.vars:
            if name in self.declared:
                kind, dims, span = self.declared[name]
                if kind == "mean":  # xbar: mean(x_i) has the shape of x_i
                    shape = self._var(syn.Name(samples.check_mean(name, dims[0][0], self.source, span), span))
                    kind = "vector" if shape[1] == 1 else "matrix"
                else:
                    where = dims[-1][1] if dims else span  # a symmetric matrix's second size
                    shape = self._declared_shape(kind, [d for d, _ in dims], where)
                declared, decided = True, None
            else:
                decided = self.usage.get(name)
                kind = decided.kind if decided else default_kind(name)
                shape = self._declared_shape(kind, [])
                declared = False
            self.vars[name] = VarInfo(name, kind, declared, shape, node.span)
            if decided:
                self.vars[name].decided_by, self.vars[name].why = "usage", decided.why
            self.order.append(name)
        return self.vars[name].shape

    def _declared_shape(self, kind: str, dims: list, span=None) -> tuple:
        if kind == "scalar":
            return (1, 1)
        if kind == "vector":
            return (self._symbol(dims[0]) if dims else self.sizes.fresh(), 1)
        if kind == "symmetric":
            d = self._symbol(dims[0]) if dims else self.sizes.fresh()
            if len(dims) == 2 and not self.sizes.unify(d, self._symbol(dims[1])):
                raise MatdiffError("a symmetric matrix is square", self.source, span)
            return (d, d)
        return (
            self._symbol(dims[0]) if dims else self.sizes.fresh(),
            self._symbol(dims[1]) if len(dims) > 1 else self.sizes.fresh(),
        )

    # ---- pass 1: shapes
    def shape(self, node) -> tuple:
        rule = _SHAPE_RULES.get(type(node))  # the rule of the node's type, found by one look-up
        if rule is not None:
            return rule(self, node)
        for cls in type(node).__mro__:  # a subclass of a node type: the rule of its nearest base
            rule = _SHAPE_RULES.get(cls)
            if rule is not None:
                return rule(self, node)
        raise TypeError(node)

    def _name_shape(self, node: syn.Name) -> tuple:
        if node.name in self.functions:
            raise MatdiffError(f"{node.name} is a function: write {node.name}(…)", self.source, node.span)
        if node.name in FUNCTIONS and node.name not in self.defined and is_bare_constant(node, self.source):
            return self._constant_shape(node, canonical_function(node.name), ())
        return self._var(node)

    def _transpose_shape(self, node: syn.Transpose) -> tuple:
        r, c = self.shape(node.operand)
        return (c, r)

    def _power_shape(self, node: syn.Power) -> tuple:
        base, exponent = self.shape(node.base), self.shape(node.exponent)
        if exponent != (1, 1):
            raise self._error("the exponent must be a scalar", node.exponent, [node.exponent])
        if node.op == "^" and base != (1, 1):
            return self._matrix_power_shape(node, base)
        return base

    def _matrix_power_shape(self, node: syn.Power, base: tuple) -> tuple:
        """X^k with a matrix base is the matrix power X X ⋯ X: X square, k an integer (X⁰ = I)."""
        text = self._text(node.base)
        vector = base[1] == 1 or base[0] == 1
        if vector or not self.sizes.unify(base[0], base[1]):
            reading, hint = (
                (
                    "^ raises a scalar to a power (or a square matrix to a matrix power)",
                    f"for an element-wise power use .^ ({text}.^2); for a squared norm norm2({text})^2",
                )
                if vector
                else (
                    "^ of a matrix is the matrix power, which needs a square matrix",
                    f"if you meant the matrix power {text}*{text}*…, {text} must be square; "
                    f"if you meant the power of each entry, write {text}.^k",
                )
            )
            raise self._error(
                f"{reading}, but {text} is {self._shape_text(base)}", node.base, [node.base], extra_hint=hint
            )
        exponent = node.exponent.operand if isinstance(node.exponent, syn.Neg) else node.exponent
        if not isinstance(exponent, syn.Num) or exponent.value.denominator != 1:
            raise self._error(
                f"the exponent of the matrix power {text}^… must be an integer: a nonzero integer, or 0 for the identity",
                node.exponent,
                [node.exponent],
                extra_hint=f"for the power of each entry write {text}.^{self._text(node.exponent)}",
            )
        return base

    def _fold(self, items: tuple, combine, left_of) -> tuple:
        """The shape of an n-ary sum or product, left to right: ``combine(op, left, lshape, node,
        shape, op_span)`` is the shape so far with the next operand; ``left_of(left, lshape, node)``
        the operand a later mismatch names as the left one."""
        _, left, _ = items[0]
        acc = self.shape(left)
        last = len(items) - 1
        for i, (op, node, op_span) in enumerate(items[1:], 1):
            shape = self.shape(node)
            self.sizes.where = op_span  # where a product of sizes left undecided is refused
            lshape, acc = acc, combine(op, left, acc, node, shape, op_span)
            self.sizes.where = None
            if i < last:  # the last operand has no operator after it to name its left
                left = left_of(left, lshape, node)
        return acc

    def _sum_shape(self, node: syn.Sum) -> tuple:
        def add(sign, left, lshape, term, shape, op_span) -> tuple:
            scaled = _beside_scalar(lshape, shape)  # a scalar added to a matrix means every entry (s·𝟏)
            if scaled is None and not self._unify_shapes(lshape, shape):
                verb = f"cannot {'add' if sign == '+' else 'subtract'}"
                raise self._mismatch(verb, left, lshape, term, shape, op_span)
            return lshape if scaled is None else scaled

        # a mismatch names the first term that is not a scalar
        return self._fold(node.terms, add, lambda left, lshape, term: term if lshape == SCALAR else left)

    def _product_shape(self, node: syn.Product) -> tuple:
        def multiply(op, left, lshape, item, shape, op_span) -> tuple:
            if op == "/" and shape != SCALAR:
                raise self._error(
                    f"/ divides by a scalar, but {self._text(item)} is {self._shape_text(shape)}",
                    item,
                    [item],
                    extra_hint="use ./ for element-wise division, or inv(…) for a matrix",
                    divisor=True,
                )
            scaled = _beside_scalar(lshape, shape)
            if scaled is not None:
                return scaled
            if op in (".*", "./"):
                if not self._unify_shapes(lshape, shape):
                    raise self._mismatch("cannot multiply element-wise", left, lshape, item, shape, op_span)
                return lshape
            if not self.sizes.unify(lshape[1], shape[0]):  # a matrix product
                raise self._mismatch("cannot multiply", left, lshape, item, shape, op_span, inner=True)
            return (lshape[0], shape[1])

        # a mismatch names everything to the left of the operator: from the first operand on
        first = node.items[0][1]
        return self._fold(node.items, multiply, lambda left, lshape, item: Joined(first, item))

    def _call_shape(self, node: syn.Call) -> tuple:
        if node.func in self.functions:
            return outer_call_shape(node, self.source, self.shape)
        f = called(node, self.source)
        if f == samples.SAMPLE_SUM:
            count = lambda: self._var(syn.Name(samples.COUNT, node.span))
            return samples.sample_sum_shape(
                node,
                self.source,
                self.shape,
                count,
                lambda nodes: "; ".join(self._defaulted_hints(nodes)) or None,
            )
        if f in CONSTANTS:
            return self._constant_shape(node, f, node.args)
        op = named(f)
        assert op is not None and op.call_shape is not None, f"{f}: no shape rule for a call (Op.call_shape)"
        if len(node.args) != op.arity:
            raise MatdiffError(
                f"{f} takes {op.arity} argument{'s' if op.arity != 1 else ''}, got {len(node.args)}",
                self.source,
                node.span,
            )
        shapes = tuple(self.shape(arg) for arg in node.args)
        return op.call_shape(shapes, CallSizing(self, node, f))

    def _constant_shape(self, node, f: str, args: tuple) -> tuple:
        """eye, vector(c), matrix(c): sizes inferred; eye(n), vector(c, n), matrix(c, m, n): sized.
        ``node`` is the call, or the name ``eye`` written alone."""
        constant = CONSTANT_FORMS[f]
        low, high = constant.arity
        if not low <= len(args) <= high:
            usage = constant.usage
            raise MatdiffError(
                f"{f} takes {low} to {high} arguments ({usage}), got {len(args)}", self.source, node.span
            )
        if (
            not constant.bare
            and not isinstance(args[0], syn.Num)
            and not (isinstance(args[0], syn.Neg) and isinstance(args[0].operand, syn.Num))
        ):
            raise MatdiffError(f"{f}(c) takes a number, the value of every entry", self.source, args[0].span)
        sized = [self._size_argument(f, a) for a in (args if constant.bare else args[1:])]
        if 0 < len(sized) < constant.sizes:  # only matrix(c, m, n) takes two
            raise MatdiffError("matrix(c, m, n) takes both sizes", self.source, node.span)
        dims = sized or [self.sizes.fresh() for _ in range(constant.sizes)]
        shape = constant.shape(dims)
        self.const_shapes[id(node)] = shape
        return shape

    def _size_argument(self, f: str, arg):
        """A size written in a constant: a whole number of at least 2, a size symbol, or a product
        of those (eye(m*n), the identity of vec X's size: a Hessian by X written as an answer)."""
        if isinstance(arg, syn.Num) and arg.value == int(arg.value) and int(arg.value) >= 2:
            return self._symbol(int(arg.value))
        if isinstance(arg, syn.Name) and arg.name not in self.vars and arg.name not in self.declared:
            return self._symbol(arg.name)
        if isinstance(arg, syn.Product) and all(op in ("", "*") for op, _, _ in arg.items):
            size = 1
            for _, factor, _ in arg.items:
                size = times(size, self._size_argument(f, factor))
            return size
        raise MatdiffError(
            f"a size of {f} is a whole number of at least 2 or a size symbol such as n", self.source, arg.span
        )

    def _unify_shapes(self, a: tuple, b: tuple) -> bool:
        return self.sizes.unify(a[0], b[0]) and self.sizes.unify(a[1], b[1])

    # ---- the program
    def _refuse_use_before_definition(self, definition) -> None:
        """A name a line defines was read as a variable before: in its own definition (Y = Y X)
        or on a line above it. Lines are read in order, so either is a different Y."""
        name, use = definition.name, self.vars[definition.name].span
        if use is not None and definition.expr.span.start <= use.start < definition.expr.span.end:
            raise MatdiffError(
                f"{name} is defined in terms of itself: a definition uses only names given above it",
                self.source,
                use,
            )
        raise MatdiffError(
            f"{name} is used before the line that defines it: define {name} on a line above its use",
            self.source,
            use,
        )

    def run(self) -> Sizes:
        defs = self.program.definitions
        for definition in defs[:-1]:
            if definition.name is None:
                raise MatdiffError(
                    "only the last line may be an unnamed expression; name this one (Y = …) or remove it",
                    self.source,
                    definition.span,
                )
        for definition in defs:
            if definition is not defs[-1] and components.declare_components(self, definition, VarInfo):
                continue  # y = [y1; y2]: y a variable, y1 and y2 its entries
            shape = self.shape(definition.expr)
            if definition.name in self.vars:  # Y = Y X, or Y used on a line above Y = …
                self._refuse_use_before_definition(definition)
            if definition is not defs[-1]:
                self.defined[definition.name] = shape
        for classes, total, solutions, where in self.sizes.ambiguities():
            at = where if isinstance(where, Span) else defs[-1].expr.span
            raise self._undecided_product(classes, total, solutions, at)
        names = self._size_names()
        named: dict = {1: 1}  # size class -> its Dim: most sizes are shared by several shapes

        def resolve(shape: tuple) -> tuple:
            rows, cols = shape
            row, col = named.get(rows), named.get(cols)
            if row is None:
                row = named[rows] = self._dim_name(rows, names)
            if col is None:
                col = named[cols] = self._dim_name(cols, names)
            return (row, col)

        infos = [self.vars[n] for n in self.order]
        return Sizes(
            {
                i.name: VarInfo(i.name, i.kind, i.declared, resolve(i.shape), i.span, i.decided_by, i.why)
                for i in infos
            },
            {key: resolve(shape) for key, shape in self.const_shapes.items()},
        )


SCALAR = (1, 1)
_SHAPE_RULES: dict[type, Callable[[_Inference, Any], tuple]] = {  # node type -> its shape rule
    syn.Num: lambda inference, node: SCALAR,
    syn.Name: _Inference._name_shape,
    syn.Neg: lambda inference, node: inference.shape(node.operand),
    syn.Transpose: _Inference._transpose_shape,
    syn.Power: _Inference._power_shape,
    syn.Sum: _Inference._sum_shape,
    syn.Product: _Inference._product_shape,
    syn.Call: _Inference._call_shape,
    components.MatrixLiteral: lambda inference, node: components.literal_shape(inference, node),
}


def _beside_scalar(a: tuple, b: tuple) -> tuple | None:
    """The shape of a sum, a product or a Hadamard product when one side is a scalar (the other
    side's); None when neither is."""
    if a == SCALAR:
        return b
    return a if b == SCALAR else None
