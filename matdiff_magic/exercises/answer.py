"""The answer typed with the declarations of f and evaluated beside the true derivative.

f's size symbols are renamed §m, §n, … (MARK) before the answer is typed, so a size the answer
leaves free (that of an ``eye``, ``vector(1)``, …) never takes their name; such a free size is
then solved from the shape the derivative must have. Each sample is one random point: the values,
the sizes, the true derivative in every layout and the answer, all finite.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from matdiff_magic.depth import deep_recursion
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric import points as sampling
from matdiff_magic.numeric.check import Examiner
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops.samples import CHECK_SAMPLES, SampleSum
from matdiff_magic.ops.unknown import unknown_functions
from matdiff_magic.syntax.ast import Call, Declaration, Name, Product
from matdiff_magic.syntax.parser import parse
from matdiff_magic.syntax.vocabulary import CONSTANTS, FUNCTIONS
from matdiff_magic.types.dims import Dim
from matdiff_magic.types.infer import infer_sizes
from matdiff_magic.types.lower import lower

MARK = "§"  # f's size symbols are renamed §m, §n, … so a free size of the answer never takes their name


def type_answer(answer: str, d):
    """The answer typed with f's declarations; the names the derivation defines (N, xbar and S of
    a sum over samples, written as the cell or the where line names them) stand for what they
    define, valued as f's definitions are. MatdiffError for a name f does not know."""
    variables = list(d.variables) + list(d.typed.defined_vars.values())
    known = {v.name for v in variables}
    # N, xbar, S: the answer may use them as the derivation prints them
    statistics = {
        name: e for name, e in d.typed.definitions.items() if name not in known and name not in FUNCTIONS
    }
    variables += [ir.Var(name, e.shape, ir.kind_of_shape(e)) for name, e in statistics.items()]
    known |= set(statistics)
    # f's own name stands for f, as answers write it (∂p/∂μ = p Σ⁻¹(x − μ) for a density p)
    own = None
    if d.name not in known and d.name.isidentifier() and d.name not in FUNCTIONS:
        own = ir.Var(d.name, d.function.shape, ir.kind_of_shape(d.function))
        variables.append(own)
        known.add(d.name)
    program = parse(answer)
    # f's functions without a formula (g: function) are the answer's too, with grad_g(U) = ∂g/∂U
    program.declarations.extend(
        Declaration(((g, span),), "function", (), span)
        for g in unknown_functions(d.function)
        for span in [Span(0, 0)]
    )
    defined = {x.name for x in program.definitions if x.name}
    sizes = {str(sym) for v in variables for dim in v.shape for sym in Dim.of(dim).symbols}
    sized = {id(n) for n in _size_arguments(program.definitions) if n.name in sizes}
    renames: dict = {}  # id(Name) -> the name it is typed under
    for node in _names(program.definitions):  # a function's name (eye) is the types stage's to judge
        if id(node) in sized:  # eye(m): f's size m, under its marked name as f's variables have it
            renames[id(node)] = _mark(node.name)
            continue
        name = node.name
        if name == "I" and "I" not in known | defined:  # the identity, as the notes write it
            name = renames[id(node)] = "eye"
        if name not in known | defined | FUNCTIONS:
            raise MatdiffError(
                f"{name} is not a variable of {d.name}: use " + ", ".join(sorted(known)),
                answer,
                node.span,
            )
    if renames:
        with deep_recursion():  # as deep as the parser lets the answer nest
            program = dataclasses.replace(program, definitions=_renamed(program.definitions, renames))
    decls = {}
    for v in variables:
        dims = tuple(_mark(x) for x in v.shape)
        if v.is_scalar:
            decls[v.name] = ("scalar", ())
        elif v.shape[1] == 1:
            decls[v.name] = ("vector", dims[:1])
        elif v.symmetric:
            decls[v.name] = ("symmetric", dims[:1])
        else:
            decls[v.name] = ("matrix", dims)
    typed = lower(program, infer_sizes(program, decls))  # a definition's value is f's (evaluate_at)
    if own is not None and any(v.name == own.name for v in ir.variables(typed.expr)):
        named = next(v for v in ir.variables(typed.expr) if v.name == own.name)
        if _sums(d.function) and any(named in s.body.walk() for s in _sums(typed.expr)):
            # inside a sum, f's own sum over the samples would run over one sample
            raise MatdiffError(
                f"{own.name} inside sum_i cannot stand for {own.name}, which sums over the samples "
                "itself: write it outside the sum (exp(-f) out of sum_i(exp(a'*x_i)*x_i))",
                answer,
            )
        typed = dataclasses.replace(typed, expr=ir.replace(typed.expr, {named: _marked(d.function)}))
    return typed


def _sums(e: ir.Expr) -> list:
    return [n for n in e.walk() if isinstance(n, SampleSum)]


def _marked(e: ir.Expr) -> ir.Expr:
    """``e`` with f's sizes under their marked names, as the answer's variables have them."""
    shape = lambda s: tuple(_mark(x) for x in s)
    leaves: dict = {}
    for n in e.walk():
        if isinstance(n, ir.Var):
            leaves[n] = ir.Var(n.name, shape(n.shape), n.kind)
        elif isinstance(n, ir.Identity):
            leaves[n] = ir.Identity(shape(n.shape))
        elif isinstance(n, ir.Zero):
            leaves[n] = ir.Zero(shape(n.shape))
        elif isinstance(n, ir.Fill):
            leaves[n] = ir.Fill(n.value, shape(n.shape))
    return ir.replace(e, leaves)


def _syntax_nodes(node):
    """Every node of a parsed answer (its dataclasses, through lists and tuples)."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _syntax_nodes(item)
    elif hasattr(node, "__dataclass_fields__"):
        yield node
        for name in node.__dataclass_fields__:
            yield from _syntax_nodes(getattr(node, name))


def _renamed(node, renames: dict):
    """``node`` (a parsed answer's node, or a list or tuple of them) with each Name whose id is in
    ``renames`` named so: a new tree, the parsed nodes being frozen; a subtree without such a Name
    is kept as it is."""
    if isinstance(node, (list, tuple)):
        items = [_renamed(item, renames) for item in node]
        if all(a is b for a, b in zip(items, node)):
            return node
        return items if isinstance(node, list) else tuple(items)
    if isinstance(node, Name) and id(node) in renames:
        return dataclasses.replace(node, name=renames[id(node)])
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    fields = {f.name: getattr(node, f.name) for f in dataclasses.fields(node)}
    new = {name: _renamed(value, renames) for name, value in fields.items()}
    changes = {name: value for name, value in new.items() if value is not fields[name]}
    return dataclasses.replace(node, **changes) if changes else node


def _size_arguments(node):
    """The names given as sizes to a sized constant (eye(m), vector(1, n), eye(m*n): the names of
    a product too), which are f's sizes."""
    for n in _syntax_nodes(node):
        if isinstance(n, Call) and n.func in CONSTANTS:
            for a in n.args:
                if isinstance(a, Name):
                    yield a
                elif isinstance(a, Product):
                    yield from (x for _, x, _ in a.items if isinstance(x, Name))


def _names(node):
    """The Name nodes of a parsed answer, with their spans."""
    return (n for n in _syntax_nodes(node) if isinstance(n, Name))


def _mark(dim):
    return dim if Dim.of(dim).is_fixed else MARK + str(dim)


def _answer_sizes(A_expr: ir.Expr, sizes: dict, target: tuple) -> dict | None:
    """f's sizes under their marked names, and the answer's free sizes (of eye, vector(1), …)
    solved from the shape the derivative must have (or its transpose)."""
    marked = {MARK + str(k): v for k, v in sizes.items()}
    dims = {dim for node in A_expr.walk() for dim in node.shape}
    free = {f for dim in dims for f in Dim.of(dim).symbols if f not in marked}
    if not free:
        return marked
    fallback = None
    for shape in (target, target[::-1]):  # the shape asked for, then the other layout's
        out = dict(marked)
        for dim, n in zip(A_expr.shape, shape):
            if dim == 1:
                continue
            unknown = [f for f in dim.symbols if f not in out]
            if len(unknown) != 1:
                continue
            known = dim.coef * int(np.prod([out[f] for f in dim.symbols if f not in unknown]))
            if n % known == 0 and n // known > 0:
                out[unknown[0]] = n // known
        if free <= set(out):
            if tuple(_size(d, out) for d in A_expr.shape) == tuple(shape):
                return out
            fallback = fallback or out
    return fallback


def _size(dim, sizes: dict) -> int:
    return Dim.of(dim).value(sizes)


SIGNED_EXTRA = 3  # points added for f with |·|, relu, sign …: their arguments take both signs
# where those points are drawn first (the numeric check's far scales): at scales up to 1, 𝟏 was
# accepted for ∂ Σ relu(x + 10)/∂x and I for ∂ Σ relu(diag S + 10)/∂S
FAR_STRATEGIES = tuple(dict(scale=s, positive=False) for s in (30.0, 10.0, 30.0))
FAR_DRAWS = 6  # draws of a far point, the first where every kink's argument takes both signs kept


def samples_at_random_points(d, A_expr: ir.Expr, points: int, seed: int) -> list | None:
    """Values of the true derivative (T), every layout (all) and the answer (A) at random points."""
    rng = np.random.default_rng(seed)
    variables = d.variables
    squares = sampling.square_variables(d.function) | sampling.square_variables(A_expr)
    nodes = post_order([d.function, A_expr, *(r.expr for r in d.results.values())])
    # every point at other sizes and another number of samples: an answer that holds only at
    # one (3 for c·m with a square m, 2N at N = 5 written as 10) is not the derivative
    # (as many sizes as points: 2x + (m − 2)(m − 3)(m − 4)x agreed with 2x at the three sizes
    # 2, 3, 4 however many points were asked for)
    base = sampling.sizes_of(d)
    shifts = (0, 1, -1, *range(2, max(2, points - 1)))  # 3, 4, 2, then 5, 6, … with m = 3
    variants = _novel_first(
        sampling.within_memory(
            [
                {dim: n + shift for dim, n in sizes.items()}
                for shift in shifts
                for sizes in sampling.size_variants(base)
            ],
            nodes,
        )
    )
    # the first point where every entry is positive (where log and sqrt are defined), the rest
    # with entries of both signs first: where every entry is positive, sign(x) is 1 and |x| is x,
    # and an answer of 𝟏 for ∂‖x‖₁/∂x would agree; f with kinks at a few more such points
    kinds = list(sampling.strategies(d.function))
    signed_first = [k for k in kinds if not k["positive"]] + [k for k in kinds if k["positive"]]
    kinked = bool(sampling.kinks(d.function))
    examiner = Examiner(d) if kinked else None
    points += SIGNED_EXTRA if kinked else 0
    first_extra = points - SIGNED_EXTRA
    out: list
    out, tries, singular, more = [], 0, [], False
    while len(out) < points and tries < 8 * points:
        usable = [v for v in variants if v not in singular]
        if not usable:  # a matrix f inverts is singular at every size so far (AXB needs m ≤ n)
            if more:
                break
            more = True  # other orderings of the sizes, then equal sizes, as the check tries
            variants = variants + sampling.within_memory(
                sampling.more_size_variants(base, variants), nodes, fallback=False
            )
            continue
        sizes = usable[len(out) % len(usable)]
        counts = sampling.sample_counts([d.function], default=CHECK_SAMPLES + (len(out) % 3) - 1)
        order = signed_first if out else kinds
        far = kinked and len(out) >= first_extra
        if far:  # the extra points far out, each drawn again until its kinks are crossed
            order = [
                FAR_STRATEGIES[(len(out) - first_extra) % len(FAR_STRATEGIES)]
            ] * FAR_DRAWS + signed_first
        for i, strategy in enumerate(order):
            tries += 1
            values = sampling.sample_point(
                variables, sizes, rng, squares, **strategy, samples=counts, definite=d.typed.definite
            )
            if _singular(d, values, sizes):  # at these sizes whatever the values: other sizes
                singular.append(sizes)
                break
            if far and i < FAR_DRAWS - 1 and not _crosses_every_kink(examiner, values, sizes):
                continue
            point = evaluate_at(d, A_expr, values, sizes)
            if point is not None:
                out.append(point)
                break
    if not out and singular and all(v in singular for v in variants):
        raise EverySizeSingular()
    return out or None


def _novel_first(variants: list[dict], kept: int = 3) -> list[dict]:
    """The first ``kept`` size variants as they are (m×n and n×m first), then, one at a time, the
    one with the most sizes not seen yet: with two symbols, six points took m = 3, 2, 4, 3, 2, 1."""
    out, rest = variants[:kept], variants[kept:]
    while rest:
        seen = {(d, n) for v in out for d, n in v.items()}
        best = max(rest, key=lambda v: sum((d, n) not in seen for d, n in v.items()))
        out.append(best)
        rest.remove(best)
    return out


def _crosses_every_kink(examiner, values: dict, sizes: dict) -> bool:
    """Whether every kink's argument has entries of both signs at the point (the numeric check's
    kinks: abs, relu, sign of what the variable moves)."""
    signs = examiner.kink_signs()
    examiner.note_signs(signs, values, sizes)
    return all(s.positive is not None and s.positive.any() and s.negative.any() for s in signs)


class EverySizeSingular(Exception):
    """No random point: a matrix f or its derivative inverts is singular at every size tried, so
    neither is defined at any of them (not the answer's fault)."""


def _singular(d, values: dict, sizes: dict) -> bool:
    """A matrix that f or its derivative inverts (or takes the determinant of) is singular at
    ``values``: XᵀX of a 2×3 X, whose rank is 2 whatever X is. f is not defined there (log det),
    or its derivative is not (X⁻ᵀ det X), though both evaluate to finite rounding noise: such a
    point is no evidence for an answer (``numeric.points.guarded``, as the numeric check screens)."""
    roots = [d.function, *(r.expr for r in d.results.values())]
    with np.errstate(all="ignore"):
        try:
            sampling.guarded(roots, d.typed, values, sizes)
        except sampling.Unfit:
            return True
    return False


def evaluate_at(d, A_expr, values, sizes, symmetrize=()):
    """The answer (A), the true derivative in the chosen layout (T) and in every layout (all) at
    ``values``, or None where f, the derivative or the answer is not finite there; ``terms``: the
    scale of the values their formulas combine (``terms_scale``), which their rounding is relative to."""
    return _evaluated(d, A_expr, values, sizes, symmetrize)


# the nodes whose value is a sum of their operands' values (or of a sign or an order of them): a
# cancelling sum rounds at the scale of its terms, not of its result
_SUMS = (ir.Add,)
_SAME = (ir.Neg, ir.Transpose)
_PRODUCTS = (ir.MatMul, ir.Hadamard, ir.Kron)


def terms_scale(ev: Evaluator, root: ir.Expr) -> float:
    """The scale at which ``root``'s value, evaluated by ``ev``, is rounded: the largest entry of a
    leaf, of a function's value and of a sum's terms, carried through products as their product
    (so that 10⁻²⁰ (X + Xᵀ) rounds at 10⁻²⁰, not at 1) and through signs and transposes as it is.
    A node of another kind rounds at the larger of its value and its operands' scales."""
    scale: dict = {}
    for node in post_order([root]):
        try:
            top = _largest(ev(node))
        except Exception:  # a per-sample node (x_i) has a value only inside its sum: its sum's counts
            top = 0.0
        kids = [scale[id(k)] for k in node.children()]
        if not kids:
            out = top
        elif isinstance(node, _SUMS):
            out = max(kids)
        elif isinstance(node, _SAME):
            out = kids[0]
        elif isinstance(node, _PRODUCTS):
            out = float(np.prod(kids))
        else:
            out = max(top, *kids)
        scale[id(node)] = out
    return scale[id(root)]


def _largest(value) -> float:
    a = np.asarray(value, dtype=float)
    return float(np.max(np.abs(a))) if a.size else 0.0


def _evaluated(d, A_expr, values, sizes, symmetrize):
    values = dict(values)
    for name in symmetrize:
        values[name] = (values[name] + values[name].T) / 2
    with np.errstate(all="ignore"):
        full = sampling.with_definitions(d.typed, values, sizes)
        ev = Evaluator(full, sizes)
        if not np.all(np.isfinite(ev(d.function))):
            return None
        T = {lay: ev(r.expr) for lay, r in d.results.items()}
        if not all(np.all(np.isfinite(t)) for t in T.values()):
            return None
        answer_sizes = _answer_sizes(A_expr, sizes, T[d.layout].shape)
        if answer_sizes is None:
            raise MatdiffError(
                "a size in your answer is not fixed by the variables (the size of an "
                "eye, vector(1) or matrix(1)): write it where its size follows from "
                "a variable"
            )
        answer = Evaluator(full, answer_sizes)
        A = answer(A_expr)
        if not np.all(np.isfinite(A)):
            return None
        terms = max(terms_scale(answer, A_expr), *(terms_scale(ev, r.expr) for r in d.results.values()))
    return {"A": A, "T": T[d.layout], "all": T, "sizes": sizes, "values": values, "terms": terms}
