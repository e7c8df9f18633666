"""Sums over samples in the front end: ``sum_i(f)`` (or ``sum_i(f, N)``), names ending in ``_i``
(per sample) and ``xbar: mean(x_i)`` (a declared sample mean).

The number of samples is the scalar N of the cell unless ``sum_i`` is given another (a number or
a scalar name) as its second argument; N is a scalar without a declaration. In the typed program N
and every declared mean are definitions, not variables: N is the number of samples the per-sample
values hold (``SampleCount``) and x̄ = (1/N) Σᵢ xᵢ, so they always agree with the samples given.
"""

from __future__ import annotations

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.samples import SAMPLE_SUFFIX, SampleCount, SampleSum, free_per_sample, is_per_sample
from matdiff_magic.syntax import ast as syn

SAMPLE_SUM = "sum_i"
COUNT = "N"  # the number of samples, unless sum_i names another


def uses_sample_sums(program: syn.Program) -> bool:
    if SAMPLE_SUM not in program.source:  # every call's name is written in the source
        return False
    stack = [d.expr for d in program.definitions]
    while stack:
        node = stack.pop()
        if isinstance(node, syn.Call) and node.func == SAMPLE_SUM:
            return True
        stack.extend(syn.children(node))
    return False


def means(program: syn.Program) -> dict:
    """x̄ -> (the per-sample name it is the mean of, its span) for every ``xbar: mean(x_i)``."""
    out = {}
    for decl in program.declarations:
        if decl.kind == "mean":
            for name, span in decl.names:
                out[name] = (decl.dims[0][0], span)
    return out


def implicit_declarations(program: syn.Program, declared: dict) -> dict:
    """N, a scalar, when the cell sums over samples and does not declare N."""
    if uses_sample_sums(program) and COUNT not in declared:
        return {COUNT: ("scalar", (), None)}
    return {}


def check_mean(name: str, of, source: str, span) -> str:
    """The per-sample name a mean is declared of (``xbar: mean(x_i)``)."""
    if not isinstance(of, str) or not is_per_sample(of):
        raise MatdiffError(
            f"{name} is declared the mean of a per-sample name, one ending in _i",
            source,
            span,
            hint=f"write {name}: mean(x_i)",
        )
    return of


def sample_sum_shape(node: syn.Call, source: str, shape_of, count_shape, kind_hints=None) -> tuple:
    """sum_i(f) or sum_i(f, N): the shape of f; the number of samples is a scalar (``kind_hints``:
    nodes -> the hint on what their undeclared names were taken to be)."""
    if not 1 <= len(node.args) <= 2:
        raise MatdiffError(
            f"sum_i takes the summand and, optionally, the number of samples: got {len(node.args)} arguments",
            source,
            node.span,
            hint="write sum_i((x_i - xbar)'*A*(x_i - xbar)), summing over i = 1 … N",
        )
    shape = shape_of(node.args[0])
    count = shape_of(node.args[1]) if len(node.args) == 2 else count_shape()
    if count != (1, 1):
        at = node.args[1] if len(node.args) == 2 else node
        hint = kind_hints([at]) if kind_hints is not None and len(node.args) == 2 else None
        raise MatdiffError("the number of samples of sum_i is a scalar", source, at.span, hint=hint)
    given = node.args[1] if len(node.args) == 2 else None
    value = written_number(given)  # 6, and also -3 and 1/2, written as a sign or a quotient of numbers
    if given is not None and value is not None and (value.denominator != 1 or value < 1):
        raise MatdiffError(
            "the number of samples of sum_i is a whole number of at least 1", source, given.span
        )
    return shape


def written_number(node):
    """The value of a count written with numbers only (6, -3, 1/2, 2*3), else None."""
    if isinstance(node, syn.Num):
        return node.value
    if isinstance(node, syn.Neg):
        inner = written_number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, syn.Product) and all(op in ("", "*", "/") for op, _, _ in node.items):
        value = None
        for op, item, _ in node.items:
            v = written_number(item)
            if v is None or (op == "/" and v == 0):
                return None
            value = v if value is None else value * v if op == "*" else value / v
        return value
    return None


def build_sample_sum(node: syn.Call, build, variables: dict) -> ir.Expr:
    count = build(node.args[1]) if len(node.args) == 2 else variables[COUNT]
    return SampleSum(build(node.args[0]), count)


def finish(typed, program: syn.Program) -> None:
    """N and the declared means become definitions; a per-sample name outside every sum, or a
    mean of a name the cell does not use, is an error."""
    _outside_sums(typed)
    source = typed.source
    if SAMPLE_SUFFIX not in source and not any(d.kind == "mean" for d in program.declarations):
        return  # nothing per sample (every name is written in the source), and no mean declared
    by_name = {v.name: v for v in typed.variables}
    count = by_name.get(COUNT)
    per_sample = [v for v in typed.variables if is_per_sample(v.name)]
    definitions: dict = {}
    if count is not None and per_sample and count.is_scalar:
        definitions[COUNT] = SampleCount(per_sample[0])
    for name, (of, span) in means(program).items():
        if name not in by_name and of not in by_name:
            continue  # a mean of a name the cell does not use, itself unused
        if of not in by_name:
            raise MatdiffError(f"{name} is the mean of {of}, which the cell does not use", source, span)
        n = definitions.get(COUNT, count)
        if n is None:
            raise MatdiffError(f"the mean {name} needs the number of samples N", source, span)
        count_var = by_name.get(COUNT, n)
        definitions[name] = ir.MatMul([ir.Pow(count_var, ir.Const(-1)), SampleSum(by_name[of], count_var)])
    if not definitions:
        return
    typed.definitions = {**definitions, **typed.definitions}
    typed.variables = [v for v in typed.variables if v.name not in definitions]


def _outside_sums(typed) -> None:
    """A per-sample name is used only inside sum_i."""
    if SAMPLE_SUFFIX not in typed.source:  # every name is written in the source: none is per sample
        return
    free = free_per_sample(typed.expr)
    if free:
        node = free[0]
        raise MatdiffError(
            f"{node.name} is a per-sample name (it ends in _i): use it inside sum_i(…)",
            typed.source,
            typed.span,
            hint=f"e.g. sum_i({node.name}'*{node.name}) sums over the samples i = 1 … N",
        )
