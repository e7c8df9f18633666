"""Random well-typed expressions over declared shapes, built as oracle trees (``expr.Node``).

The generator asks for an expression of a given shape and picks, at random, an operation that can
produce it (a sum, a product with a random inner size, a transpose, an element-wise function, a
trace, a Kronecker product, …), then asks for its operands' shapes. Domains are kept valid by
construction: log, sqrt, fractional powers and divisions get positive arguments (exp, sigmoid,
squares plus a constant, softmax, …), inv/det/logdet get well-conditioned square matrices with a
positive determinant (M*M' + c*eye, symmetric variables, square variables the sampler draws near
the identity, their inverses, products and transposes). A few cases get a domain error on purpose
(log of a negative, the inverse of a rank-one matrix, a division by zero); they are marked
``invalid`` and the package must then refuse or say it could not check, not crash.
"""

from __future__ import annotations

import random

from fuzz.oracle import expr as E
from fuzz.oracle import semantics as S
from fuzz.oracle.domains import Domains
from fuzz.oracle.expr import ONE, SCALAR, Case, Node, Variable
from fuzz.oracle.names import (
    EXTREME_NUMBERS,
    HAZARD_NAMES,
    MATRIX_NAMES,
    NUMBERS,
    POSITIVE_NUMBERS,
    SAFE_FUNCTIONS,
    SCALAR_NAMES,
    SYMBOLS,
    SYMMETRIC_NAMES,
    VECTOR_NAMES,
)


class Generator(Domains):
    """Random expressions of a given shape over variables it declares as it goes."""

    def __init__(
        self,
        rng: random.Random,
        mode: str | None = None,
        invalid_rate: float = 0.04,
        hazard_rate: float = 0.03,
        extreme_rate: float = 0.01,
        max_depth: int = 4,
    ):
        self.rng = rng
        self.variables: dict[str, Variable] = {}
        self.invalid = False
        self.allow_invalid = rng.random() < invalid_rate
        self.hazard_rate, self.extreme_rate = hazard_rate, extreme_rate
        k = rng.choice((1, 2, 2, 3, 3, 3, 4))
        self.symbols = SYMBOLS[:k]
        values = rng.sample(range(2, 6), k)
        self.sizes = dict(zip(self.symbols, values, strict=True))
        self.mode = mode or rng.choices(("gradient", "jacobian", "hessian"), (0.6, 0.25, 0.15))[0]
        self.max_depth = max_depth

    # ------------------------------------------------------------ helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def sym(self) -> tuple:
        return (self.rng.choice(self.symbols),)

    def inner(self) -> tuple:
        return ONE if self.chance(0.2) else self.sym()

    def number(self, positive: bool = False) -> Node:
        if self.chance(self.extreme_rate):
            return E.num(self.rng.choice(EXTREME_NUMBERS))
        return E.num(self.rng.choice(POSITIVE_NUMBERS if positive else NUMBERS))

    def cnum(self) -> Node:
        """A small positive number."""
        return E.num(self.rng.choice(("1", "2", "0.5", "1.5", "3")))

    def fresh_name(self, pool: tuple) -> str:
        if self.chance(self.hazard_rate):
            free = [n for n in HAZARD_NAMES if n not in self.variables]
            if free:
                return self.rng.choice(free)
        free = [n for n in pool if n not in self.variables]
        if free:
            return self.rng.choice(free)
        i = 1
        while f"{pool[0]}{i}" in self.variables:
            i += 1
        return f"{pool[0]}{i}"

    def variable(self, kind: str, shape: tuple) -> Node:
        same = [v for v in self.variables.values() if v.kind == kind and v.shape == shape]
        if same and self.chance(0.65):
            return E.var(self.rng.choice(same))
        pool = {
            "scalar": SCALAR_NAMES,
            "vector": VECTOR_NAMES,
            "matrix": MATRIX_NAMES,
            "symmetric": SYMMETRIC_NAMES,
        }[kind]
        name = self.fresh_name(pool)
        conventional = (kind == "vector" and name[0].islower()) or (kind == "matrix" and name[0].isupper())
        declared = not (conventional and name not in HAZARD_NAMES and self.chance(0.25))
        v = Variable(name, kind, shape, declared)
        self.variables[name] = v
        return E.var(v)

    # ------------------------------------------------------------ leaves
    def leaf(self, shape: tuple) -> Node:
        r, c = shape
        if len(r) > 1 or len(c) > 1:
            return self.product_leaf(shape)
        if shape == SCALAR:
            return self.number() if self.chance(0.3) else self.variable("scalar", SCALAR)
        if c == ONE:
            if self.chance(0.08):
                return E.fill_vector(self.rng.choice(("1", "2", "-1", "0.5")), shape[0])
            return self.variable("vector", shape)
        if r == ONE:
            if self.chance(0.05):
                return E.transpose(E.fill_vector(self.rng.choice(("1", "2")), c))
            return E.transpose(self.variable("vector", (c, ONE)))
        if r == c:
            roll = self.rng.random()
            if roll < 0.07:
                return E.eye(r)
            if roll < 0.3:
                return self.variable("symmetric", shape)
        if self.chance(0.05):
            return E.fill_matrix(self.rng.choice(("1", "2", "0.5")), shape)
        if self.chance(0.2):
            return E.transpose(self.variable("matrix", (c, r)))
        return self.variable("matrix", shape)

    def product_leaf(self, shape: tuple) -> Node:
        r, c = shape
        if c == ONE and len(r) == 2 and self.chance(0.5):
            a, b = r
            inner = ((a,), (b,)) if self.chance(0.5) else ((b,), (a,))
            return E.call("vec", self.leaf(inner))
        (r1, r2), (c1, c2) = self.split(r), self.split(c)
        return E.call("kron", self.leaf((r1, c1)), self.leaf((r2, c2)))

    def split(self, d: tuple) -> tuple:
        """Two dimensions whose product is d, in random order."""
        if not d:
            return ONE, ONE
        items = list(d)
        self.rng.shuffle(items)
        cut = self.rng.randint(0, len(items)) if len(items) == 1 else self.rng.randint(1, len(items) - 1)
        return E.dim(*items[:cut]), E.dim(*items[cut:])

    # ------------------------------------------------------------ general expressions
    def gen(self, shape: tuple, depth: int) -> Node:
        if depth <= 0 or self.chance(0.08 if depth >= 3 else 0.25 if depth == 2 else 0.45):
            return self.leaf(shape)
        d = depth - 1
        r, c = shape
        simple = len(r) <= 1 and len(c) <= 1
        options = [
            ("add", 3),
            ("scalar_add", 0.6),
            ("scale", 2),
            ("div", 0.8),
            ("neg", 0.7),
            ("matmul", 5 if simple else 1.5),
            ("transpose", 1.2),
            ("hmul", 1.2),
            ("hdiv", 0.7),
            ("epow", 0.8),
            ("fn", 2.5),
            ("posfn", 0.8),
        ]
        if shape == SCALAR:
            options += [
                ("tr", 2),
                ("det", 0.8),
                ("logdet", 0.8),
                ("logofdet", 0.5),
                ("sum", 1.2),
                ("norm", 1.2),
                ("pow", 1.5),
                ("inner", 3),
                ("tr_scalar", 0.05),
            ]
        if simple and r == c and r != ONE:
            options += [("inv", 1.5), ("diagm", 0.8)]
        if c == ONE and r != ONE:
            options += [("softmax", 0.6)]
            if len(r) == 1:
                options += [("diagv", 0.7), ("vec", 0.5)]
        if c == ONE and len(r) == 2:
            options += [("vec", 2)]
        if not simple:
            options += [("kron", 3)]
        elif r != ONE or c != ONE:
            options += [("kron", 0.4)]
        names, weights = zip(*options, strict=True)
        choice = self.rng.choices(names, weights)[0]
        return getattr(self, "g_" + choice)(shape, d)

    def g_add(self, shape, d):
        a, b = self.gen(shape, d), self.gen(shape, d)
        return E.add(a, b) if self.chance(0.6) else E.sub(a, b)

    def g_scalar_add(self, shape, d):
        if shape == SCALAR:
            return self.g_add(shape, d)
        s, a = self.gen(SCALAR, d), self.gen(shape, d)
        op = E.add if self.chance(0.6) else E.sub
        return op(s, a) if self.chance(0.5) else op(a, s)

    def g_scale(self, shape, d):
        s = self.number(positive=True) if self.chance(0.5) else self.gen(SCALAR, d)
        a = self.gen(shape, d)
        if shape == SCALAR:
            return E.mul(s, a)
        return E.mul(s, a) if self.chance(0.7) else E.mul(a, s)

    def g_div(self, shape, d):
        if self.allow_invalid and self.chance(0.15):
            self.invalid = True
            return E.div(self.gen(shape, d), E.num("0"))
        return E.div(self.gen(shape, d), self.pos(SCALAR, d))

    def g_neg(self, shape, d):
        return E.neg(self.gen(shape, d))

    def g_matmul(self, shape, d):
        r, c = shape
        k = self.inner()
        if k == ONE and (r == ONE or c == ONE):
            k = self.sym()
        return E.mul(self.gen((r, k), d), self.gen((k, c), d))

    def g_transpose(self, shape, d):
        r, c = shape
        return E.transpose(self.gen((c, r), d))

    def g_hmul(self, shape, d):
        a, b = self.gen(shape, d), self.gen(shape, d)
        if shape != SCALAR and self.chance(0.15):
            b = self.gen(SCALAR, d)
        return E.hmul(a, b) if self.chance(0.8) else E.hmul(b, a)

    def g_hdiv(self, shape, d):
        if self.allow_invalid and self.chance(0.2):
            self.invalid = True
            zero = E.num("0") if shape == SCALAR or shape[1] != ONE else E.fill_vector("0", shape[0])
            return E.hdiv(self.gen(shape, d), zero)
        if shape != SCALAR and self.chance(0.2):  # a scalar over a matrix, entry by entry
            return E.hdiv(self.gen(SCALAR, d), self.pos(shape, d))
        if shape != SCALAR and len(shape[0]) == 1 and shape[0] == shape[1] and self.chance(0.04):
            return E.hdiv(self.gen(shape, d), E.eye(shape[0]))  # zeros off the diagonal
        return E.hdiv(self.gen(shape, d), self.pos(shape, d))

    def g_epow(self, shape, d):
        roll = self.rng.random()
        if roll < 0.5:
            return E.epower(self.gen(shape, d), self.rng.choice(("2", "3", "2", "1")))
        if roll < 0.55:
            return E.epower(self.gen(shape, d), "0")
        return E.epower(self.pos(shape, d), self.rng.choice(("0.5", "-1", "1.5", "-0.5", "-2")))

    def g_fn(self, shape, d):
        f = self.rng.choice(SAFE_FUNCTIONS)
        inner = self.gen(shape, d)
        if f == "exp" and self.chance(0.5):
            inner = E.apply("tanh", inner)  # keep exp(exp(…)) finite
        return E.apply(f, inner)

    def g_posfn(self, shape, d):
        f = self.rng.choice(("log", "sqrt", "log", "sqrt", "arcsin", "arccos", "tan", "sign"))
        if f in ("arcsin", "arccos", "tan"):
            return E.apply(f, E.mul(E.num("0.5"), E.apply("tanh", self.gen(shape, d))))
        if f == "sign":
            return E.apply(f, self.gen(shape, d))
        if self.allow_invalid and self.chance(0.3):
            self.invalid = True
            return E.apply(f, E.neg(self.pos(shape, d)))
        return E.apply(f, self.pos(shape, d))

    def g_tr(self, shape, d):
        k = self.sym()
        return E.call("tr", self.gen((k, k), d))

    def g_tr_scalar(self, shape, d):
        return E.call("tr", self.gen(SCALAR, d))

    def g_det(self, shape, d):
        return E.call("det", self.wc(self.sym(), d))

    def g_logdet(self, shape, d):
        return E.call("logdet", self.wc(self.sym(), d, invalid_ok=True))

    def g_logofdet(self, shape, d):
        return E.apply("log", E.call("det", self.wc(self.sym(), d, invalid_ok=True)))

    def g_sum(self, shape, d):
        return E.call("sum", self.gen(self.any_shape(), d))

    def g_norm(self, shape, d):
        return E.call(self.rng.choice(("norm1", "norm2")), self.gen(self.any_shape(), d))

    def g_pow(self, shape, d):
        if self.chance(0.6):
            return E.power(self.gen(SCALAR, d), self.rng.choice(("2", "3", "2")))
        if self.chance(0.1):
            return E.power(self.gen(SCALAR, d), "0")
        if self.chance(0.3):  # ‖x‖²: the seeds' favourite
            return E.power(E.call("norm2", self.gen(self.any_shape(), d)), "2")
        return E.power(self.pos(SCALAR, d), self.rng.choice(("0.5", "-1", "-2", "1.5")))

    def g_inner(self, shape, d):
        k = self.sym()
        return E.mul(self.gen((ONE, k), d), self.gen((k, ONE), d))

    def g_inv(self, shape, d):
        return E.call("inv", self.wc(shape[0], d, invalid_ok=True))

    def g_diagm(self, shape, d):
        return E.call("diag", self.gen((shape[0], ONE), d))

    def g_diagv(self, shape, d):
        r = shape[0]
        return E.call("diag", self.gen((r, r), d))

    def g_softmax(self, shape, d):
        return E.call("softmax", self.gen(shape, d))

    def g_vec(self, shape, d):
        r = shape[0]
        if len(r) == 1:
            return E.call("vec", self.gen((r, ONE) if self.chance(0.5) else (ONE, r), d))
        a, b = r
        return E.call("vec", self.gen(((a,), (b,)) if self.chance(0.5) else ((b,), (a,)), d))

    def g_kron(self, shape, d):
        r, c = shape
        (r1, r2), (c1, c2) = self.split(r), self.split(c)
        return E.call("kron", self.gen((r1, c1), d), self.gen((r2, c2), d))

    def any_shape(self) -> tuple:
        roll = self.rng.random()
        if roll < 0.35:
            return (self.sym(), ONE)
        if roll < 0.75:
            return (self.sym(), self.sym())
        if roll < 0.85:
            return (ONE, self.sym())
        if roll < 0.9 and len(self.symbols) >= 2:
            a, b = self.rng.sample(self.symbols, 2)
            return (E.dim(a, b), ONE)
        return SCALAR


def generate_case(rng: random.Random, mode: str | None = None, **options) -> Case:
    """A random case: tries until the expression has a variable, fixed constant sizes and small
    enough derivatives (at most 400 entries in a Jacobian, 16×16 in a Hessian)."""
    while True:
        g = Generator(rng, mode=mode, **options)
        if g.mode == "jacobian":
            shape = rng.choice(
                [(g.sym(), ONE), (g.sym(), g.sym()), (ONE, g.sym()), (g.sym(), g.sym())]
                + ([(E.dim(*rng.sample(g.symbols, 2)), ONE)] if len(g.symbols) > 1 else [])
            )
        else:
            shape = SCALAR
        tree = g.gen(shape, rng.randint(2, g.max_depth))
        if tree.size() > 70 or (tree.size() < 3 and rng.random() < 0.8):
            continue
        names = [n.attr for n in tree.walk() if n.op == "var"]
        if not names or not S.constants_pinned(tree):
            continue
        candidates = sorted(set(names))
        if g.mode == "jacobian":
            out = S.size_of(shape[0], g.sizes) * S.size_of(shape[1], g.sizes)
            if out == 1:
                continue
            candidates = [n for n in candidates if out * _numel(g.variables[n], g.sizes) <= 400]
        if g.mode == "hessian":
            candidates = [n for n in candidates if _numel(g.variables[n], g.sizes) <= 16]
        if not candidates:
            continue
        # Every name is declared: the package infers an undeclared name's kind from its use (a name
        # added to a scalar is a scalar), which the oracle's own reading does not follow; and a
        # product of sizes (kron, vec) unifies with another in more than one way.
        for v in g.variables.values():
            v.declared = True
        weights = [0.4 if g.variables[n].kind == "scalar" else 1.0 for n in candidates]
        wrt = rng.choices(candidates, weights)[0]
        name = rng.choice(("f", "y", "L", "loss")) if rng.random() < 0.15 else None
        if name in names:
            name = None
        return Case(
            variables={n: g.variables[n] for n in dict.fromkeys(names)},
            tree=tree,
            wrt=wrt,
            layout=rng.choice(("numerator", "denominator", "mixed")),
            order=2 if g.mode == "hessian" else 1,
            sizes=dict(g.sizes),
            value_seed=rng.randrange(2**31),
            invalid=g.invalid,
            name=name,
            spacing=rng.choice((0, 0, 1, 2)),
        )


def _numel(v: Variable, sizes: dict) -> int:
    return S.size_of(v.shape[0], sizes) * S.size_of(v.shape[1], sizes)


def case_for(seed: int, index: int, **options) -> Case:
    """The index-th case of a run: the same (seed, index) always gives the same case."""
    return generate_case(random.Random(seed * 1_000_003 + index), **options)
