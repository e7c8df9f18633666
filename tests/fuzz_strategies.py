"""Hypothesis strategies for fuzzing the expression language, and the property every input must meet.

Four kinds of input, from least to most structured:

* ``raw_text``: random Unicode text and decoded random bytes;
* ``token_soup``: random sequences of the language's own tokens (names, numbers, operators,
  parentheses, function names, declarations), most of them syntax errors;
* ``grammar_soup``: expressions built from the grammar without regard to shapes, with random
  declarations: they parse, and most of them are shape errors;
* ``typed_program``: expressions built *by type* from random declarations (scalar, vector(n),
  matrix(m, n), symmetric(n)), combining pieces only in ways whose shapes fit, so most of them
  derive and get their numeric check. Functions with a restricted domain (log, sqrt, arcsin, inv,
  logdet, …) get arguments built to lie in it, so the check finds a point where f is defined.

``outcome`` runs one input through ``derive`` and returns what happened; anything but a
derivation whose check passed (or was skipped for a reason the input explains), or a MatdiffError
with a message, raises ``AssertionError``. Shared by tests/test_fuzz.py and fuzz/run_fuzz.py.
"""
from __future__ import annotations

import string

from hypothesis import strategies as st

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ops import elementwise
from matdiff_magic.syntax.vocabulary import ALIASES, ELEMENTWISE, KINDS, MATRIX_FUNCTIONS, SYNONYMS
from matdiff_magic.syntax.lexer import OPERATORS
from matdiff_magic.timelimit import TimeLimitExceeded, time_limit

PER_EXAMPLE_SECONDS = 10.0

# ---- raw text ----------------------------------------------------------------------------------
ALPHABET = string.ascii_letters + string.digits + " \t\n'*+-/^.,:=()[]{};#@\\\"_`$!?<>|&%~"

raw_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=ALPHABET, max_size=60),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
)

# ---- token sequences -------------------------------------------------------------------------
FUNCTION_NAMES = sorted(set(ELEMENTWISE) | set(MATRIX_FUNCTIONS) | set(ALIASES) | {"vector", "matrix", "eye"})
NAMES = ["x", "y", "a", "b", "X", "Y", "A", "S", "c", "n", "m", "f", "x1", "w_2", "alpha", "Sigma",
         "tr", "trace", "I", "lambda", "__import__", "os", "eval"] + sorted(SYNONYMS)
NUMBERS = ["0", "1", "2", "3", "0.5", ".5", "1e3", "2.5e-3", "10", "1e300", "1e308", "1e309",
           "99999999", "0.000001", "7"]
TOKENS = (list(OPERATORS) + NAMES + NUMBERS + FUNCTION_NAMES + list(KINDS)
          + ["\n", " ", "(", ")", "'", ",", ":", "=", ".", "f ="])

token_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join) | \
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)


# ---- declarations ------------------------------------------------------------------------------
SIZES = ("m", "n", "p")
SCALARS, VECTORS, MATRICES, SYMMETRICS = ("a", "b", "c"), ("u", "v", "w"), ("A", "B", "C"), ("S", "T")


@st.composite
def declarations(draw):
    """Random kinds and sizes for a fixed pool of names: {name: (kind, dims)}."""
    env = {}
    for name in SCALARS:
        env[name] = ("scalar", ())
    for name in VECTORS:
        env[name] = ("vector", (draw(st.sampled_from(SIZES)),))
    for name in MATRICES:
        env[name] = ("matrix", (draw(st.sampled_from(SIZES)), draw(st.sampled_from(SIZES))))
    for name in SYMMETRICS:
        env[name] = ("symmetric", (draw(st.sampled_from(SIZES)),))
    return env


def declaration_lines(env: dict, used: set) -> str:
    lines = []
    for name, (kind, dims) in env.items():
        if name in used:
            lines.append(f"{name}: {kind}" + (f"({', '.join(dims)})" if dims else ""))
    return "\n".join(lines)


# ---- shape-blind grammar -------------------------------------------------------------------------
BINARY_OPS = ["+", "-", "*", "/", "^", ".*", "./", ".^"]


def grammar_expr(max_leaves: int = 12):
    leaves = st.one_of(st.sampled_from(SCALARS + VECTORS + MATRICES + SYMMETRICS),
                       st.sampled_from(["2", "3", "0.5", "1", "0", "eye"]))

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(BINARY_OPS), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            children.map(lambda e: f"({e})"),
            children.map(lambda e: f"({e})'"),
            children.map(lambda e: f"-{e}"),
            st.tuples(st.sampled_from(FUNCTION_NAMES), children).map(lambda t: f"{t[0]}({t[1]})"),
        )
    return st.recursive(leaves, extend, max_leaves=max_leaves)


@st.composite
def grammar_soup(draw):
    env = draw(declarations())
    expr = draw(grammar_expr())
    used = {name for name in env if _mentions(expr, name)}
    wrt = draw(st.sampled_from(sorted(used))) if used else None
    return Program(declaration_lines(env, used) + "\n" + expr, wrt, expr)


def _mentions(expr: str, name: str) -> bool:
    import re
    return re.search(rf"(?<![A-Za-z0-9_]){name}(?![A-Za-z0-9_])", expr) is not None


# ---- typed grammar ------------------------------------------------------------------------------
class Program:
    def __init__(self, source: str, wrt: str | None, expr: str):
        self.source, self.wrt, self.expr = source, wrt, expr

    def __repr__(self) -> str:
        return f"Program(wrt={self.wrt!r}, source={self.source!r})"


SMOOTH = ("exp", "sin", "cos", "tanh", "arctan", "sigmoid")     # defined everywhere
# defined everywhere, kinks: the language's functions whose registry entry is kinked (not step, internal)
KINKED = tuple(sorted(f for f in elementwise.KINKED if f in ELEMENTWISE))
POSITIVE_ONLY = ("log", "sqrt")                                  # need an argument > 0
UNIT_ONLY = ("arcsin", "arccos")                                 # need |argument| < 1


def top_level(s: str) -> int:
    """Precedence of the outermost operator of a generated expression (10 sum, 20 product,
    25 unary minus, 30 power, 100 atom). Generated text writes binary + and - with spaces."""
    depth, prec, i = 0, 100, 0
    while i < len(s):
        ch = s[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            if s.startswith((" + ", " - "), i):
                return 10
            if ch in "*/":
                prec = min(prec, 20)
            elif ch == "^":
                prec = min(prec, 30)
        i += 1
    if s.startswith("-") and prec > 20:
        return 25
    return prec


def op(left: str, operator: str, right: str) -> str:
    """``left operator right`` with the parentheses the meaning needs (never fewer)."""
    if operator in ("+", "-"):
        lp, rp = 10, 11 if operator == "-" else 10
    elif operator in ("^", ".^"):
        lp, rp = 31, 31
    else:
        lp, rp = 20, 21
    left = left if top_level(left) >= lp else f"({left})"
    right = right if top_level(right) >= rp else f"({right})"
    sep = " " if operator in ("+", "-", ".*", "./") else ""
    return f"{left}{sep}{operator}{sep}{right}"


def neg(x: str) -> str:
    return "-" + (x if top_level(x) > 20 else f"({x})")


def tp(x: str) -> str:
    return (x if top_level(x) == 100 and "(" not in x else f"({x})") + "'"


class _Typed:
    """Builds an expression string of a requested type from the declarations ``env``.

    A type is ('s',) for a scalar, ('v', n) for a column of size n and ('m', r, c) for an r×c
    matrix; sizes are the declared symbols. Every construction fits by design, so a shape error
    from one of these is a bug of the shape inference.
    """

    def __init__(self, draw, env: dict, max_depth: int):
        self.draw, self.env, self.max_depth = draw, env, max_depth
        self.used: set[str] = set()
        self.by_type: dict = {}
        for name, (kind, dims) in env.items():
            t = ("s",) if kind == "scalar" else ("v", dims[0]) if kind == "vector" else \
                ("m", dims[0], dims[0]) if kind == "symmetric" else ("m", dims[0], dims[1])
            self.by_type.setdefault(t, []).append(name)

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def var(self, t):
        names = self.by_type.get(t, [])
        if not names:
            return None
        name = self.pick(names)
        self.used.add(name)
        return name

    def number(self) -> str:
        return self.pick(["2", "3", "0.5", "1", "1.5", "4", "0.25"])

    def size(self) -> str:
        return self.pick(SIZES)

    def gen(self, t, depth: int = 0) -> str:
        if t[0] == "s":
            return self.scalar(depth)
        if t[0] == "v":
            return self.vector(t[1], depth)
        return self.matrix(t[1], t[2], depth)

    def any_type(self):
        n, m = self.size(), self.size()
        return self.pick([("s",), ("v", n), ("m", n, m), ("m", n, n)])

    def leaf(self, t) -> str:
        name = self.var(t)
        if name is not None and self.pick([True, True, False]):
            return name
        if t[0] == "s":
            return name or self.number()
        if t[0] == "v":
            # a declared matrix times a declared vector fits whenever the sizes do
            fits = [(M, x) for (k, Ms) in self.by_type.items() if k[0] == "m" and k[1] == t[1]
                    for M in Ms for x in self.by_type.get(("v", k[2]), [])]
            if fits and self.pick([True, False]):
                M, x = self.pick(fits)
                self.used |= {M, x}
                return f"{M}*{x}"
            return name or self.pick(["vector(1)", "vector(2)"])
        if t[1] == t[2] and self.pick([True, False, False]):
            return "eye"
        return name or self.pick(["matrix(1)", "matrix(0.5)"])

    # -- scalars
    def scalar(self, depth: int) -> str:
        if depth >= self.max_depth:
            return self.leaf(("s",))
        d = depth + 1
        n, m = self.size(), self.size()
        choice = self.pick([
            "leaf", "add", "sub", "mul", "div", "neg", "pow", "spow", "func", "kink", "log", "unit",
            "inner", "quad", "tr", "det", "logdet", "sum", "norm1", "norm2", "norm2sq", "trinv",
            "hadsum", "paren", "elem"])
        if choice == "leaf":
            return self.leaf(("s",))
        if choice in ("add", "sub"):
            return op(self.scalar(d), "+" if choice == "add" else "-", self.scalar(d))
        if choice == "mul":
            return op(self.scalar(d), "*", self.scalar(d))
        if choice == "div":
            return op(self.scalar(d), "/", self.positive(d))
        if choice == "neg":
            return neg(self.scalar(d))
        if choice == "pow":
            return op(self.scalar(d), "^", self.pick(["2", "3", "4"]))
        if choice == "spow":  # a positive base to any power
            return op(self.positive(d), "^", self.pick([self.number(), "(-1)", "0.5", f"({self.scalar(d)})"]))
        if choice == "func":
            return f"{self.pick(SMOOTH)}({self.scalar(d)})"
        if choice == "kink":
            return f"{self.pick(KINKED)}({self.scalar(d)})"
        if choice == "log":
            return f"{self.pick(POSITIVE_ONLY)}({self.positive(d)})"
        if choice == "unit":
            return f"{self.pick(UNIT_ONLY)}({self.unit(d)})"
        if choice == "inner":
            return op(tp(self.vector(n, d)), "*", self.vector(n, d))
        if choice == "quad":
            return op(op(tp(self.vector(n, d)), "*", self.matrix(n, m, d)), "*", self.vector(m, d))
        if choice == "tr":
            return f"tr({op(self.matrix(n, m, d), '*', self.matrix(m, n, d))})"
        if choice == "det":
            return f"det({self.spd(n, d)})"
        if choice == "logdet":
            spd = self.spd(n, d)
            return self.pick([f"logdet({spd})", f"log(det({spd}))"])
        if choice in ("sum", "norm1", "norm2"):
            return f"{choice}({self.gen(self.any_type(), d)})"
        if choice == "norm2sq":
            return f"norm2({self.gen(self.any_type(), d)})^2"
        if choice == "trinv":
            return f"tr({op(f'inv({self.spd(n, d)})', '*', self.matrix(n, n, d))})"
        if choice == "hadsum":
            t = self.any_type()
            return f"sum({op(self.gen(t, d), '.*', self.gen(t, d))})"
        if choice == "paren":
            return f"({self.scalar(d)})"
        # a scalar through an element-wise operator
        if self.pick([True, False]):
            return op(self.scalar(d), self.pick([".*", "./"]), self.positive(d))
        return op(self.positive(d), ".^", self.pick(["2", "3", "(-1)", "0.5", "0", "1"]))

    def positive(self, d: int) -> str:
        """A scalar that is > 0 wherever it is defined (the check samples positive values too)."""
        choice = self.pick(["exp", "sq", "var", "num", "norm", "one_plus", "sigmoid", "det", "square"])
        if d >= self.max_depth:
            choice = self.pick(["var", "num"])
        if choice == "exp":
            return f"exp({self.scalar(d + 1)})"
        if choice == "sq":
            return op(op(self.scalar(d + 1), "^", "2"), "+", self.number())
        if choice == "var":
            return self.var(("s",)) or self.number()
        if choice == "num":
            return self.number()
        if choice == "square":   # ≥ 0, and even in its argument: (u^2)^p is not u^(2p)
            return op(self.scalar(d + 1), "^", self.pick(["2", "4"]))
        if choice == "norm":
            return f"norm2({self.gen(self.any_type(), d + 1)})^2 + 1"
        if choice == "one_plus":
            return f"1 + {self.pick(['exp', 'sigmoid'])}({self.scalar(d + 1)})"
        if choice == "sigmoid":
            return f"sigmoid({self.scalar(d + 1)})"
        return f"det({self.spd(self.size(), d + 1)})"

    def unit(self, d: int) -> str:
        """A scalar strictly inside (-1, 1)."""
        return self.pick([f"0.5*tanh({self.scalar(d + 1)})", f"sigmoid({self.scalar(d + 1)})/2",
                          f"0.9*sin({self.scalar(d + 1)})"])

    def spd(self, n: str, d: int) -> str:
        """A symmetric positive definite n×n matrix (for inv, det, logdet)."""
        m = self.size()
        symmetric = [s for s in self.by_type.get(("m", n, n), []) if self.env[s][0] == "symmetric"]
        choice = self.pick(["gram", "gram2", "diag"] + (["sym", "sym"] if symmetric else []))
        if choice == "gram":
            M = self.matrix(n, m, d)
            return op(op(M, "*", tp(M)), "+", "eye")
        if choice == "gram2":
            M = self.matrix(m, n, d)
            return op(op(tp(M), "*", M), "+", "2*eye")
        if choice == "diag":
            return f"eye + diag(exp({self.vector(n, d)}))"
        S = self.pick(symmetric)
        self.used.add(S)
        return self.pick([S, f"{S} + eye", f"2*{S}"])

    # -- vectors and matrices
    def vector(self, n: str, depth: int) -> str:
        if depth >= self.max_depth:
            return self.leaf(("v", n))
        d = depth + 1
        m = self.size()
        choice = self.pick(["leaf", "leaf", "add", "sub", "matvec", "scale", "had", "hdiv", "epow",
                            "epos", "func", "kink", "log", "diag", "neg", "bcast", "invsolve", "rowt", "div"])
        if choice == "leaf":
            return self.leaf(("v", n))
        if choice in ("add", "sub"):
            return op(self.vector(n, d), "+" if choice == "add" else "-", self.vector(n, d))
        if choice == "matvec":
            return op(self.matrix(n, m, d), "*", self.vector(m, d))
        if choice == "scale":
            return op(self.scalar(d), "*", self.vector(n, d))
        if choice == "div":
            return op(self.vector(n, d), "/", self.positive(d))
        if choice == "had":
            return op(self.vector(n, d), ".*", self.vector(n, d))
        if choice == "hdiv":
            return op(self.vector(n, d), "./", f"exp({self.vector(n, d)})")
        if choice == "epow":
            return op(self.vector(n, d), ".^", self.pick(["2", "3"]))
        if choice == "epos":     # powers of an even power
            return op(op(self.vector(n, d), ".^", "2"), ".^", self.pick(["0.5", "1.5", "(-0.5)", "2"]))
        if choice == "func":
            return f"{self.pick(SMOOTH)}({self.vector(n, d)})"
        if choice == "kink":
            return f"{self.pick(KINKED)}({self.vector(n, d)})"
        if choice == "log":
            return f"{self.pick(POSITIVE_ONLY)}({op(f'exp({self.vector(n, d)})', '+', self.number())})"
        if choice == "diag":
            return f"diag({self.matrix(n, n, d)})"
        if choice == "neg":
            return neg(self.vector(n, d))
        if choice == "bcast":
            return op(self.vector(n, d), "+", self.scalar(d))
        if choice == "invsolve":
            return op(f"inv({self.spd(n, d)})", "*", self.vector(n, d))
        return tp(tp(self.vector(n, d)))

    def matrix(self, r: str, c: str, depth: int) -> str:
        if depth >= self.max_depth:
            return self.leaf(("m", r, c))
        d = depth + 1
        k = self.size()
        choice = self.pick(["leaf", "leaf", "add", "sub", "mul", "transpose", "outer", "scale",
                            "had", "epow", "func", "kink", "neg", "diag", "inv", "bcast", "div"])
        if choice == "leaf":
            return self.leaf(("m", r, c))
        if choice in ("add", "sub"):
            return op(self.matrix(r, c, d), "+" if choice == "add" else "-", self.matrix(r, c, d))
        if choice == "mul":
            return op(self.matrix(r, k, d), "*", self.matrix(k, c, d))
        if choice == "transpose":
            return tp(self.matrix(c, r, d))
        if choice == "outer":
            return op(self.vector(r, d), "*", tp(self.vector(c, d)))
        if choice == "scale":
            return op(self.scalar(d), "*", self.matrix(r, c, d))
        if choice == "div":
            return op(self.matrix(r, c, d), "/", self.positive(d))
        if choice == "had":
            return op(self.matrix(r, c, d), ".*", self.matrix(r, c, d))
        if choice == "epow":
            return op(self.matrix(r, c, d), ".^", self.pick(["2", "3"]))
        if choice == "func":
            return f"{self.pick(SMOOTH)}({self.matrix(r, c, d)})"
        if choice == "kink":
            return f"{self.pick(KINKED)}({self.matrix(r, c, d)})"
        if choice == "neg":
            return neg(self.matrix(r, c, d))
        if choice == "bcast":
            return op(self.matrix(r, c, d), "+", self.scalar(d))
        if r == c and choice == "diag":
            return f"diag({self.vector(r, d)})"
        if r == c and choice == "inv":
            return f"inv({self.spd(r, d)})"
        return self.leaf(("m", r, c))


@st.composite
def typed_program(draw, max_depth: int = 4):
    """A scalar-valued expression whose shapes fit, with declarations for the names it uses."""
    env = draw(declarations())
    builder = _Typed(draw, env, max_depth)
    expr = builder.scalar(0)
    used = {name for name in builder.used if _mentions(expr, name)}
    wrt = draw(st.sampled_from(sorted(used))) if used else None
    name = draw(st.sampled_from(["", "", "f = ", "loss = "]))
    return Program(declaration_lines(env, used) + "\n" + name + expr, wrt, expr)


# ---- a second, independent look at the result ----------------------------------------------------
SECOND_POINT_SIZES = {"m": 3, "n": 2, "p": 4}


def second_point(d, rng_seed: int = 0) -> str | None:
    """Compare the gradient with central differences at a standard-normal point (the package's
    check may pass at a positive point first, where e.g. (x^2)^(1/2) and x agree). Returns a
    message when they disagree, None when they agree or the point is outside f's domain.

    Independent of the package's check: its own point, its own differences, and a symmetric
    variable is moved symmetrically (so the gradient is compared along E_ij + E_ji).
    """
    import numpy as np  # noqa: PLC0415

    if getattr(d, "kind", "gradient") != "gradient" or any(f in d.source for f in KINKED):
        return None   # a gradient only; and differences across a kink mean nothing
    rng = np.random.default_rng(rng_seed // 2)
    values = {}
    for v in d.variables:
        shape = tuple(1 if s == 1 else SECOND_POINT_SIZES.get(s, 3) for s in v.shape)
        a = rng.standard_normal(shape) * (-1) ** rng_seed   # odd seeds: the mirror point
        if v.kind == "symmetric":
            a = a @ a.T + np.eye(shape[0])
        values[v.name] = float(a[0, 0]) if shape == (1, 1) else a.reshape(-1) if shape[1] == 1 else a
    with np.errstate(all="ignore"):
        try:
            f0, grad = d.value(**values), np.asarray(d.evaluate(**values), dtype=float)
        except MatdiffError:
            return None
        if not (np.isfinite(f0) and np.all(np.isfinite(grad))):
            return None
        x0 = np.atleast_1d(np.asarray(values[d.wrt.name], dtype=float))
        grad = grad.reshape(x0.shape)

        def at(x):
            x = x.reshape(()) if np.ndim(values[d.wrt.name]) == 0 else x
            return d.value(**{**values, d.wrt.name: x})

        errors = []
        for relative_step in (1e-6, 1e-4):   # rounding spoils the small step when f is large or
            worst = scale = 0.0               # ill-conditioned, curvature the large one
            for idx in np.ndindex(*x0.shape):
                if d.wrt.kind == "symmetric" and idx[0] > idx[1]:
                    continue
                e = np.zeros_like(x0)
                e[idx] = 1.0
                if d.wrt.kind == "symmetric":
                    e[idx[::-1]] = 1.0
                h = relative_step * max(1.0, abs(x0[idx]))
                fd = (at(x0 + h * e) - at(x0 - h * e)) / (2 * h)
                if not np.isfinite(fd):
                    return None
                exact = float(np.sum(grad * e))
                # one scale for all entries, as the package's check: an entry with a tiny slope
                # carries the rounding of a large f
                worst, scale = max(worst, abs(fd - exact)), max(scale, abs(fd), abs(exact))
            errors.append(worst / max(1.0, scale))
        worst = min(errors)
    if worst > 1e-4:
        return f"at a standard-normal point the gradient is off by a relative {worst:.1e}"
    return None


# ---- the property ------------------------------------------------------------------------------
def outcome(source: str, wrt: str | None = None, seconds: float = PER_EXAMPLE_SECONDS,
            second_look: bool = True) -> str:
    """'derived', 'skipped' or 'error'; raises AssertionError for anything the property forbids."""
    from matdiff_magic import derive  # noqa: PLC0415
    try:
        with time_limit(seconds):
            d = derive(source, wrt=wrt)
            status = d.check_result.status
            # everything a front end shows must render too
            d.to_json()
            d.to_text()
            for layout in ("numerator", "denominator"):
                d.with_layout(layout).to_latex()
            disagreement = next((m for m in (second_point(d, k) for k in range(4)) if m), None) \
                if second_look and status == "passed" else None
    except MatdiffError as error:
        assert error.message, f"a MatdiffError without a message for {source!r}"
        str(error)  # renders (message + source line + caret)
        return "error"
    except TimeLimitExceeded:
        raise AssertionError(f"took longer than {seconds:g} s: {source!r} wrt={wrt!r}") from None
    except Exception as error:  # noqa: BLE001 - the property: nothing but MatdiffError
        raise AssertionError(f"{type(error).__name__}: {error} for {source!r} wrt={wrt!r}") from error
    assert status in ("passed", "skipped"), \
        f"numeric check {status} ({d.check_result.message}) for {source!r} wrt={wrt!r}"
    assert disagreement is None, f"{disagreement} for {source!r} wrt={wrt!r}"
    return "derived" if status == "passed" else "skipped"


# ---- the magic's option line -----------------------------------------------------------------------
OPTION_WORDS = ["--wrt", "-w", "--layout", "-l", "--no-check", "-o", "--output", "--order", "-i",
                "--seed", "--timeout", "--solve", "--export", "--by-definition", "--mode", "--at",
                "--bogus", "-x", "numerator", "denominator", "mixed", "x", "X", "a", "d", "__builtins__",
                "if", "2", "-1", "0", "nan", "inf", "1e300", "0.5", "'x'", '"X"', "$(echo hi)", ";",
                "__import__('os')", "x'*x", "a'*X*b", "norm2(x)^2"]

magic_lines = st.lists(st.sampled_from(OPTION_WORDS), max_size=6).map(" ".join)
magic_cells = st.tuples(magic_lines, st.one_of(st.just(""), token_soup, st.sampled_from(
    ["a'*X*b", "norm2(x)^2", "x: scalar\nx^2", "tr(inv(X))", "x'*x +", "__import__('os')"])))


def magic_outcome(shell, line: str, body: str, cell: bool) -> str:
    """Run %matdiff / %%matdiff in a real shell: 'derived' or 'error' (a UsageError that is not an
    internal error); anything else raises AssertionError."""
    from IPython.core.error import UsageError  # noqa: PLC0415
    from IPython.utils.capture import capture_output  # noqa: PLC0415

    code = f"%%matdiff {line}\n{body}" if cell else f"%matdiff {line} {body.splitlines()[0] if body else ''}"
    with capture_output() as captured:
        result = shell.run_cell(code)
    if result.success:
        return "derived"
    error = result.error_in_exec or result.error_before_exec
    text = captured.stdout + captured.stderr
    assert isinstance(error, UsageError), f"{type(error).__name__}: {error} for {code!r}"
    assert "internal error" not in str(error), f"{error} for {code!r}"
    assert "Traceback" not in text, f"a traceback for {code!r}: {text[-500:]}"
    return "error"
