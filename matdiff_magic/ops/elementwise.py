"""Element-wise functions, applied entry by entry (on a scalar they are ordinary functions).

One ``Apply`` node type, one op per function (the registry's variant is the function name). Each
entry says, side by side: the NumPy value (a NumPy function, or a helper whose source the exported
code defines), the derivative σ′(u) as an expression (the differential rule, the trace's JVP and VJP
and the numeric check all use it), σ′ written out in TeX, in Unicode and in the trace's notation, and
how the function is written.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.ir.nodes import Expr
from matdiff_magic.ops.declare import Node, call_export, helper_export, row
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Call, Root
from matdiff_magic.ops.registry import C_ATOM, Op, call_same_shape, lookup, np, op_of, register, same_shape
from matdiff_magic.ops.sympy_forms import elementwise
from matdiff_magic.render.notation import call_latex


class Apply(Node):
    """An element-wise function: exp, log, sin, …, and the internal ``step`` (derivative of relu)."""

    __slots__ = ("arg", "func")
    _attrs = ("func",)
    _fields = ("func", "arg")  # Apply("exp", u)
    _variant = "func"  # one op per function
    func: str
    arg: Expr
    shape_of = staticmethod(same_shape)
    call_shape = staticmethod(call_same_shape)  # in the types stage too


# ---- helpers the exported code defines (their source is exported verbatim) ----------------------
def sigmoid(x):
    # 1 / (1 + exp(-x)) as exp(-log(1 + exp(-x))): no overflow, and full relative precision where
    # it is tiny (sigmoid(-60) ≈ 9e-27, which 0.5 (1 + tanh(x/2)) rounds to 0)
    return np.exp(-np.logaddexp(np.zeros_like(x), -x))  # (torch's logaddexp takes no number)


def relu(x):
    return np.maximum(x, 0.0)


def step(x):
    return np.heaviside(x, 0.0)  # 1 where x > 0, else 0 (the derivative of relu)


# ---- derivatives as expressions ------------------------------------------------------------------
def _one(u):
    return ir.Const(1) if u.is_scalar else ir.Fill(1, u.shape)


def _d_log(u):
    from matdiff_magic.ir.construct import mk_elempow

    return mk_elempow(u, ir.Const(-1))


def _d_cos(u):
    from matdiff_magic.ir.construct import mk_neg

    return mk_neg(Apply("sin", u))


def _d_tan(u):
    from matdiff_magic.ir.construct import mk_elempow

    return mk_elempow(Apply("cos", u), ir.Const(-2))


def _d_tanh(u):
    from matdiff_magic.ir.construct import mk_add, mk_elempow, mk_neg

    return mk_add([_one(u), mk_neg(mk_elempow(Apply("tanh", u), ir.Const(2)))])


def _one_minus_square_to_minus_half(u):
    from matdiff_magic.ir.construct import mk_add, mk_elempow, mk_neg

    return mk_elempow(mk_add([_one(u), mk_neg(mk_elempow(u, ir.Const(2)))]), ir.Const(Fraction(-1, 2)))


def _d_arccos(u):
    from matdiff_magic.ir.construct import mk_neg

    return mk_neg(_one_minus_square_to_minus_half(u))


def _d_arctan(u):
    from matdiff_magic.ir.construct import mk_add, mk_elempow

    return mk_elempow(mk_add([_one(u), mk_elempow(u, ir.Const(2))]), ir.Const(-1))


def _zero(u):
    from matdiff_magic.ir.construct import zero

    return zero(u.shape)


def _d_sqrt(u):
    from matdiff_magic.ir.construct import mk_elempow, mk_mul

    return mk_mul([ir.Const(Fraction(1, 2)), mk_elempow(Apply("sqrt", u), ir.Const(-1))])


def _d_sigmoid(u):
    from matdiff_magic.ir.construct import mk_add, mk_hadamard, mk_neg

    return mk_hadamard([Apply("sigmoid", u), mk_add([_one(u), mk_neg(Apply("sigmoid", u))])])


# ---- identities: d f(X) = σ′(X) ⊙ dX, and the chain rule for a scalar argument ---------------------
def _group(s: str) -> str:
    return f"({s})" if any(op in s for op in (" - ", " + ", r"\odot", "⊙")) else s


def function_latex(func: str) -> str:
    """The TeX of the function's name, from its notation (\\exp, \\operatorname{relu}, \\sigma, \\sqrt)."""
    n = ELEMENTWISE[func].notation
    return "\\sqrt" if isinstance(n, Root) else call_latex(n.name, n.symbol)


@functools.cache  # an Identity reads its TeX once; a chain applies the same rule at every layer
def elementwise_identity(func: str) -> Identity:
    op = ELEMENTWISE[func]
    tex = op.extra["prime_tex"]
    arg = "{X}" if func == "sqrt" else "(X)"
    return Identity(
        f"element-wise {func}",
        rf"\mathrm{{d}}{function_latex(func)}{arg} = {_group(tex)} \odot \mathrm{{d}}X",
    )


@functools.cache
def scalar_identity(func: str) -> Identity:
    """The same rule for a scalar argument: the chain rule d f(u) = f'(u) du."""
    general = elementwise_identity(func)

    def scalarise(s: str) -> str:
        for a, b in (
            (r"^{\circ ", "^{"),
            (r"\mathbf{1}", "1"),
            (r" \odot \mathrm{d}X", r"\,\mathrm{d}u"),
            (r"\odot", r"\cdot"),
            ("X", "u"),
        ):
            s = s.replace(a, b)
        return s

    return Identity(f"chain rule ({func})", scalarise(general.latex))


def _differential(node: Apply):
    from matdiff_magic.ir.construct import mk_hadamard

    op = ELEMENTWISE[node.func]
    identity = scalar_identity(node.func) if node.arg.is_scalar else elementwise_identity(node.func)
    return mk_hadamard([op.extra["derivative"](node.arg), ir.D(node.arg)]), identity


# ---- the evaluation trace: one "apply" row, σ′ evaluated from its expression ------------------------
def sigma_prime(func: str, a):
    """σ′(a) entry by entry: the derivative expression (the one the differential rule uses)
    evaluated at a by the ops' values; its leaves are u, numbers and fills of u's shape."""

    def value(e):
        if isinstance(e, ir.Var):
            return a
        if isinstance(e, ir.Const):
            return np.array([[float(e.value)]])
        if isinstance(e, (ir.Fill, ir.Zero)):
            return np.full(a.shape, float(getattr(e, "value", 0)))
        op = op_of(e)
        return op.value([value(k) for k in e.children()], op.param(e, None))

    dims = ("r" if a.shape[0] != 1 else 1, "c" if a.shape[1] != 1 else 1)
    with np.errstate(all="ignore"):
        return value(ELEMENTWISE[func].extra["derivative"](ir.Var("u", dims, "matrix")))


APPLY_ROW = row(
    "apply",
    "Apply",
    "{f} {0}",
    lambda xs, p: ELEMENTWISE[p].value(xs, p),  # type: ignore[misc]  # every function has a value
    (lambda xs, y, d, p: sigma_prime(p, xs[0]) * d[0], "{d0}{m}{fp}"),
    (lambda xs, y, g, p: [g * sigma_prime(p, xs[0])], "{g}{m}{fp}"),
)


# ---- the table -----------------------------------------------------------------------------------
ELEMENTWISE: dict[str, Op] = {}


def function(
    name: str,
    value,
    derivative,
    prime_tex: str,
    prime_trace: str,
    *,
    aliases=(),
    internal=False,
    tex="",
    symbol="",
    notation=None,
    trace_name="",
    trace_terms=None,
    unit_domain=False,
    kinked=False,
    analytic=False,
    sympy=None,
    backends=None,
):
    """Register the element-wise function ``name``. ``value`` is the name of a NumPy function or a
    helper function (exported with its source); ``derivative`` builds σ′(u); ``prime_trace`` is σ′
    in the trace's words ({a} the operand, {y} the result); ``trace_terms`` replaces the trace's
    forward and reverse templates (ln has the seed's own forms); ``unit_domain``: defined only on
    [-1, 1]; ``analytic``: NumPy's function of a complex array is its analytic continuation
    (``Op.analytic``); ``kinked``: its derivative jumps at 0 (the numeric check notes when its differences
    step across the kink); ``sympy(sp, x)`` is the function of a SymPy scalar (by default SymPy's
    function of the same name); ``backends`` the JAX and PyTorch code where NumPy's, renamed, is
    wrong."""
    helpers: tuple
    if callable(value):
        fn, helpers, export = value, (value,), helper_export(value.__name__)
    else:
        fn, helpers, export = (lambda x, _n=value: getattr(np, _n)(x)), (), call_export(f"np.{value}")
    op = register(
        Apply,
        variant=name,
        names=() if internal else (name,),
        aliases=aliases,
        build=lambda args, _f=name: Apply(_f, args[0]),
        value=lambda xs, p, _fn=fn: _fn(xs[0]),
        analytic=analytic,
        param=lambda node, size: node.func,
        differential=_differential,
        identities=lambda: (elementwise_identity(name), scalar_identity(name)),
        primitives=(APPLY_ROW,),
        export=export,
        backends=backends or {},
        sympy=elementwise(sympy or (lambda sp, x, _n=name: getattr(sp, _n)(x))),
        helpers=helpers,
        notation=notation or Call(name, symbol=symbol, bare_delimited=(name == "log")),
        doc=f"{name}, entry by entry",
        extra={
            "derivative": derivative,
            "prime_tex": prime_tex,
            "prime_trace": prime_trace,
            "trace_name": trace_name or symbol or name,
            "trace_terms": trace_terms,
            "unit_domain": unit_domain,
            "kinked": kinked,
        },
    )
    ELEMENTWISE[name] = op
    return op


def _inverse_trig(name: str, derivative, prime_tex: str, prime_trace: str, **options) -> Op:
    """arcsin, arccos, arctan: NumPy's function of the name, also spelled asin, acos, atan (SymPy's
    names)."""
    short = "a" + name.removeprefix("arc")
    return function(
        name,
        name,
        derivative,
        prime_tex,
        prime_trace,
        aliases=(short,),
        sympy=lambda sp, x: getattr(sp, short)(x),
        analytic=True,
        **options,
    )


function("exp", "exp", lambda u: Apply("exp", u), r"\exp(X)", "exp {a}", analytic=True)
function(
    "log",
    "log",
    _d_log,
    r"X^{\circ -1}",
    "1/{a}",
    aliases=("ln",),
    trace_name="ln",
    trace_terms=(("{d0}{q}{0}",), ("{g}{q}{0}",)),
    analytic=True,
)  # the seed: v̇ = v̇₋₁/v₋₁, v̄₋₁ += v̄₁/v₋₁
function("sin", "sin", lambda u: Apply("cos", u), r"\cos(X)", "cos {a}", analytic=True)
function("cos", "cos", _d_cos, r"-\sin(X)", "−sin {a}", analytic=True)
function("tan", "tan", _d_tan, r"\cos(X)^{\circ -2}", "(1 + {y}²)", analytic=True)
function("tanh", "tanh", _d_tanh, r"\mathbf{1} - \tanh(X)^{\circ 2}", "(1 − {y}²)", analytic=True)
_inverse_trig(
    "arcsin",
    _one_minus_square_to_minus_half,
    r"(\mathbf{1} - X^{\circ 2})^{\circ -1/2}",
    "1/√(1 − {a}²)",
    unit_domain=True,
)
_inverse_trig(
    "arccos", _d_arccos, r"-(\mathbf{1} - X^{\circ 2})^{\circ -1/2}", "−1/√(1 − {a}²)", unit_domain=True
)
_inverse_trig("arctan", _d_arctan, r"(\mathbf{1} + X^{\circ 2})^{\circ -1}", "1/(1 + {a}²)")
function(
    "abs",
    "abs",
    lambda u: Apply("sign", u),
    r"\operatorname{sign}(X)",
    "sign {a}",
    kinked=True,
    sympy=lambda sp, x: sp.Abs(x),
)
function("sign", "sign", _zero, "0", "0", kinked=True)
function(
    "relu",
    relu,
    lambda u: Apply("step", u),
    r"\operatorname{step}(X)",
    "step {a}",
    kinked=True,
    sympy=lambda sp, x: sp.Max(x, 0),
    backends={"torch": call_export("torch.relu")},  # torch.maximum takes no number
)
function(
    "step",
    step,
    _zero,
    "0",
    "0",
    internal=True,
    kinked=True,
    sympy=lambda sp, x: sp.Heaviside(x, 0),
    backends={"torch": lambda p, e: (f"({p.wrap(e.arg, C_ATOM)} > 0).double()", C_ATOM)},  # heaviside(x, 0)
)
function(
    "sqrt", "sqrt", _d_sqrt, r"\tfrac{1}{2}\sqrt{X}^{\circ -1}", "1/(2{y})", notation=Root(), analytic=True
)
function(
    "sigmoid",
    sigmoid,
    _d_sigmoid,
    r"\sigma(X) \odot (\mathbf{1} - \sigma(X))",
    "{y}(1 − {y})",
    symbol="σ",
    sympy=lambda sp, x: 1 / (1 + sp.exp(-x)),
)

# Functions defined only on [-1, 1]: the numeric check samples small values for them.
UNIT_DOMAIN = frozenset(name for name, op in ELEMENTWISE.items() if op.extra["unit_domain"])
# Functions whose derivative jumps at 0 (abs, relu, sign, step): the check finds out whether its
# differences step across one of those kinks.
KINKED = frozenset(name for name, op in ELEMENTWISE.items() if op.extra["kinked"])


def prime_trace(func: str) -> str:
    return lookup(Apply, func).extra["prime_trace"]
