"""The operation registry: every op has every facet, and every op's value, differential rule, JVP
and VJP, export and notation agree — checked against NumPy written independently here and against
central differences (the package's one routine, numeric/fd.py), at random non-square points where
the op allows them.

A new op must add a sample below: the test fails for an op it has no sample for.
"""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic.autodiff import modes
from matdiff_magic.autodiff.trace import build_trace
from matdiff_magic.errors import MatdiffError
from matdiff_magic.export.numpy_printer import HELPERS, NumpyPrinter, in_namespace, kind
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric import fd
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.ops import registry
from matdiff_magic.ops.identity import Identity
from matdiff_magic.ops.notations import Notation
from matdiff_magic.ops.registry import Primitive
from matdiff_magic.ops.sympy_forms import SympyForm
from matdiff_magic.render.printer import to_latex, to_text
from matdiff_magic.syntax import vocabulary
from matdiff_magic.types.samples import SAMPLE_SUM


def key(op) -> str:
    return op.node.__name__ + (f":{op.variant}" if op.variant is not None else "")


def _cofactor_adjugate(X):
    n = X.shape[0]
    C = np.empty_like(X)
    for i in range(n):
        for j in range(n):
            C[i, j] = (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(X, i, 0), j, 1))
    return C.T


def _negative_det(n):
    """A well-conditioned matrix with det < 0."""
    rng = np.random.default_rng(n)
    X = np.eye(n) * 2.0 + 0.3 * rng.standard_normal((n, n))
    X[0] *= -1
    assert np.linalg.det(X) < 0
    return X


def _outer_gradient(U):
    """∂g/∂U of the fixed random g(U) = ½ uᵀMu + bᵀexp(u/2), u = vec U, written out here."""
    u = U.reshape(-1, order="F")
    rng = np.random.default_rng([sum((i + 1) * ord(c) for i, c in enumerate("g")), u.size])
    M = rng.standard_normal((u.size, u.size)) / np.sqrt(u.size)
    b = rng.uniform(0.5, 1.5, u.size)
    return ((M + M.T) @ u / 2 + b * np.exp(u / 2) / 2).reshape(U.shape, order="F")


# key -> (node from variables, operands as (shape, domain), NumPy reference of the value)
# domains: "any" (standard normal), "positive", "unit" (|x| < 0.9), "square" (well conditioned),
# "negdet" (well conditioned with det < 0), "away" (|x| ≥ 0.2, away from kinks)
F = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "abs": np.abs,
    "sign": np.sign,
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "step": lambda x: (x > 0).astype(float),
    "sqrt": np.sqrt,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
}
DOMAIN = {
    "log": "positive",
    "sqrt": "positive",
    "arcsin": "unit",
    "arccos": "unit",
    "abs": "away",
    "sign": "away",
    "relu": "away",
    "step": "away",
}
SAMPLES = {
    "Neg": (lambda X: ir.Neg(X), [((3, 2), "any")], lambda X: -X),
    "Add": (lambda X, Y: ir.Add([X, Y]), [((3, 2), "any")] * 2, lambda X, Y: X + Y),
    "MatMul": (lambda A, B: ir.MatMul([A, B]), [((3, 4), "any"), ((4, 2), "any")], lambda A, B: A @ B),
    "Hadamard": (lambda X, Y: ir.Hadamard([X, Y]), [((3, 2), "any")] * 2, lambda X, Y: X * Y),
    "Pow": (lambda u, v: ir.Pow(u, v), [((1, 1), "positive"), ((1, 1), "any")], lambda u, v: u**v),
    "ElemPow": (lambda X: ir.ElemPow(X, ir.Const(3)), [((3, 2), "any")], lambda X: X**3),
    "Transpose": (lambda X: ir.Transpose(X), [((3, 2), "any")], lambda X: X.T),
    "Inverse": (lambda X: ir.Inverse(X), [((3, 3), "square")], np.linalg.inv),
    "Trace": (lambda X: ir.Trace(X), [((3, 3), "any")], lambda X: np.trace(X)),
    "Det": (lambda X: ir.Det(X), [((3, 3), "negdet")], np.linalg.det),
    "LogDet": (lambda X: ir.LogDet(X), [((3, 3), "negdet")], lambda X: np.log(abs(np.linalg.det(X)))),
    "SumAll": (lambda X: ir.SumAll(X), [((3, 2), "any")], np.sum),
    "DiagMatrix": (lambda v: ir.DiagMatrix(v), [((3, 1), "any")], lambda v: np.diag(v[:, 0])),
    "DiagVector": (lambda X: ir.DiagVector(X), [((3, 3), "any")], lambda X: np.diag(X)[:, None]),
    "Norm:1": (lambda X: ir.Norm(X, 1), [((3, 2), "away")], lambda X: np.abs(X).sum()),
    "Norm:2": (lambda X: ir.Norm(X, 2), [((3, 2), "any")], lambda X: np.sqrt((X**2).sum())),
    "Vec": (lambda X: ir.Vec(X), [((3, 2), "any")], lambda X: X.T.reshape(-1, 1)),
    "Kron": (lambda A, B: ir.Kron(A, B), [((2, 3), "any"), ((4, 2), "any")], np.kron),
    "Softmax": (lambda u: ir.Softmax(u), [((4, 1), "any")], lambda u: np.exp(u) / np.exp(u).sum()),
    "Adjugate": (lambda X: ir.Adjugate(X), [((3, 3), "negdet")], _cofactor_adjugate),
    "MatPow": (
        lambda X: ir.MatPow(X, ir.Const(3)),
        [((3, 3), "square")],
        lambda X: np.linalg.matrix_power(X, 3),
    ),
    "OuterFunction": (lambda U: ir.OuterFunction("g", 1, U), [((3, 2), "any")], _outer_gradient),
    "SampleSum": (lambda X: ir.SampleSum(X, ir.Const(3)), [((3, 2), "any")], lambda X: 3 * X),
    "SampleCount": (lambda X: ir.SampleCount(X), [((3, 2), "any")], lambda X: np.ones((1, 1))),
    "Literal": (
        lambda a, b: ir.Literal([a, b], 2, 1),
        [((1, 1), "any")] * 2,
        lambda a, b: np.array([[np.sum(a)], [np.sum(b)]]),
    ),
    "Entry": (lambda X: ir.Entry(X, 1, 0, "x0"), [((3, 2), "any")], lambda X: X[1:2, 0:1]),
    **{
        f"Apply:{f}": ((lambda X, _f=f: ir.Apply(_f, X)), [((3, 2), DOMAIN.get(f, "any"))], ref)
        for f, ref in F.items()
    },
}


def _value(shape, domain, rng):
    if domain == "positive":
        return rng.uniform(0.5, 1.5, size=shape)
    if domain == "unit":
        return rng.uniform(-0.8, 0.8, size=shape)
    if domain == "square":
        return np.eye(shape[0]) * 2.0 + 0.3 * rng.standard_normal(shape)
    if domain == "negdet":
        return _negative_det(shape[0])
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.2, 0.5, x) if domain == "away" else x


def _dim(n):
    return 1 if n == 1 else f"s{n}"


def sample(k: str, seed: int = 0):
    """The sample node, its variables, their values, the sizes and the reference function."""
    build, operands, ref = SAMPLES[k]
    rng = np.random.default_rng(seed)
    variables = [
        ir.Var(
            f"x{i}",
            tuple(_dim(n) for n in shape),
            "scalar" if shape == (1, 1) else "vector" if shape[1] == 1 else "matrix",
        )
        for i, (shape, _) in enumerate(operands)
    ]
    values = {v.name: _value(shape, domain, rng) for v, (shape, domain) in zip(variables, operands)}
    sizes = {_dim(n): n for shape, _ in operands for n in shape if n != 1}
    return build(*variables), variables, values, sizes, (lambda *xs: np.asarray(ref(*xs), dtype=float))


def _as2d(a, shape):
    return np.asarray(a, dtype=float).reshape(shape)


OPERATIONS = [key(op) for op in registry.ops() if op.node._children]


# ---- facets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", registry.ops(), ids=key)
def test_every_op_has_every_facet(op):
    assert issubclass(op.node, ir.Expr) and callable(op.shape), "node class and shape rule"
    assert callable(op.value), "NumPy value"
    assert callable(op.export), "NumPy export"
    assert set(op.backends) <= {"jax", "torch"}, "JAX and PyTorch spellings (where NumPy's is wrong there)"
    assert all(callable(b) or isinstance(b, dict) for b in op.backends.values())
    assert isinstance(op.sympy, SympyForm) and callable(op.sympy.build), "SymPy form"
    assert op.notation is not None, "notation"
    assert op.doc, "a description"
    if op.names and op.names[0] != SAMPLE_SUM:  # sum_i: typed as a sum over samples (types.samples)
        assert callable(op.call_shape), "the types stage's shape rule of a call"
    assert all(isinstance(n, str) and n.isidentifier() for n in op.names + op.aliases)
    for fn in op.helpers:
        assert fn.__name__ in HELPERS and HELPERS[fn.__name__].startswith(f"def {fn.__name__}(")
    if not op.node._children:  # a constant (the commutation matrix): d of it is 0, no trace row
        return
    assert callable(op.differential), "differential rule"
    identities = op.identity_list()
    assert identities and all(
        isinstance(i, Identity) and "=" in i.latex and "=" in i.text for i in identities
    ), "the identities the rule applies"
    assert op.primitives and all(isinstance(p, Primitive) for p in op.primitives), "JVP and VJP"
    for p in op.primitives:
        assert callable(p.jvp) and callable(p.vjp) and p.text
        assert len(p.jvp_terms) == len(p.vjp_terms) == p.text.count("{") - p.text.count("{f}")


def test_every_operation_has_a_sample_here():
    assert sorted(OPERATIONS) == sorted(SAMPLES)


def test_the_vocabulary_is_the_registry():
    names = {n: op for op in registry.ops() for n in op.names}
    assert set(vocabulary.MATRIX_FUNCTIONS) | set(vocabulary.ELEMENTWISE) == set(names)
    assert all(vocabulary.MATRIX_FUNCTIONS[n] == names[n].arity for n in vocabulary.MATRIX_FUNCTIONS)
    assert {a: op.names[0] for op in registry.ops() for a in op.aliases} == vocabulary.ALIASES
    assert "step" not in vocabulary.FUNCTIONS  # internal: the derivative of relu


def test_every_trace_row_belongs_to_an_op():
    from matdiff_magic.autodiff.rules import RULES

    assert registry.primitives() == RULES
    assert set(RULES) == {p.key for op in registry.ops() for p in op.primitives}


@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_a_name_builds_its_node(k):
    node, *_ = sample(k)
    op = registry.op_of(node)
    assert key(op) == k
    if op.names:
        built = registry.build_call(op.names[0], node.children())
        assert built == node or (k == "DiagMatrix" and isinstance(built, ir.DiagMatrix))


def test_a_shape_mismatch_is_the_packages_error():
    from matdiff_magic import MatdiffError

    X = ir.Var("X", ("m", "n"), "matrix")
    for build in (
        ir.Inverse,
        ir.Trace,
        ir.Det,
        ir.LogDet,
        ir.DiagVector,
        ir.Adjugate,
        lambda x: ir.MatMul([x, x]),
        lambda x: ir.Add([x, ir.Transpose(x)]),
    ):
        with pytest.raises(MatdiffError) as info:
            build(X)
        assert isinstance(info.value, ValueError)  # as before, for callers testing a fit


# ---- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_value_against_numpy(k):
    node, _, values, sizes, ref = sample(k)
    got = Evaluator(values, sizes)(node)
    want = ref(*values.values())
    np.testing.assert_allclose(got, _as2d(want, got.shape), rtol=1e-10, atol=1e-12)


def _directional(ref, values, directions):
    """d/dt ref(x + t·d) at t = 0, by central differences."""
    names = list(values)
    f = lambda t: ref(*(values[n] + t[0] * directions[n] for n in names)).reshape(-1, order="F")
    return fd.jacobian(f, np.zeros(1))[:, 0]


@pytest.mark.parametrize("k", OPERATIONS)
def test_differential_rule_against_central_differences(k):
    node, variables, values, sizes, ref = sample(k)
    op = registry.op_of(node)
    expr, identity = op.differential(node)
    assert identity in op.identity_list(), f"{k}: the rule applied {identity.name}, not one it lists"
    rng = np.random.default_rng(1)
    directions = {v.name: rng.standard_normal(values[v.name].shape) for v in variables}
    linear = ir.replace(expr, {ir.D(v): ir.Var("d" + v.name, v.shape, v.kind) for v in variables})
    assert not linear.d_vars(), f"{k}: d(·) left after one step, {linear}"
    got = Evaluator({**values, **{"d" + n: d for n, d in directions.items()}}, sizes)(linear)
    want = _directional(ref, values, directions)
    np.testing.assert_allclose(got.reshape(-1, order="F"), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("k", OPERATIONS)
def test_jvp_and_vjp_against_central_differences(k):
    """The op's rows on the evaluation trace: forward sweep = directional difference, reverse sweep
    = the gradient of ⟨ȳ, f⟩ by each operand."""
    node, variables, values, sizes, ref = sample(k)
    trace = build_trace(node, variables, values, sizes)
    rng = np.random.default_rng(2)
    directions = {v.name: rng.standard_normal(values[v.name].shape) for v in variables}
    seeds = {trace.by_variable[n]: d for n, d in directions.items()}
    jvp = modes.forward_sweep(trace, seeds).tangents[trace.output]
    np.testing.assert_allclose(
        jvp.reshape(-1, order="F"), _directional(ref, values, directions), rtol=1e-5, atol=1e-6
    )
    y = trace.nodes[trace.output].value
    g = rng.standard_normal(y.shape)
    adjoints = modes.reverse_sweep(trace, g).adjoints
    for v in variables:
        inner = lambda x, _n=v.name: np.sum(g * _as2d(ref(*({**values, _n: x}).values()), y.shape))
        np.testing.assert_allclose(
            adjoints[trace.by_variable[v.name]],
            fd.gradient(inner, values[v.name]),
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"{k}: VJP for {v.name}",
        )


@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_export_against_the_value(k):
    node, variables, values, sizes, _ = sample(k)
    printer = NumpyPrinter({v.name: v.name for v in variables}, {d: d for d in sizes})
    code = printer.code(node)
    namespace = {"np": np, **sizes}
    for v in variables:
        a = values[v.name]
        namespace[v.name] = a[0, 0] if a.shape == (1, 1) else a.ravel() if a.shape[1] == 1 else a
    for name in printer.helpers:
        exec(HELPERS[name], namespace)  # our helper source only
    got = eval(code, namespace)  # our printed code only
    want = Evaluator(values, sizes)(node)
    expected = {"scalar": want[0, 0], "col": want.ravel(), "row": want.ravel(), "matrix": want}[kind(node)]
    assert np.shape(got) == np.shape(expected), code
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=code)


def _framework(backend: str):
    """The namespace an exported JAX or PyTorch module gives its code, and its array constructor."""
    if backend == "jax":
        jax = pytest.importorskip("jax", reason="jax is not installed (CI installs it: .ci/run)")
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        return {"jnp": jnp, "jax": jax}, lambda a: jnp.asarray(a, dtype=jnp.float64)
    torch = pytest.importorskip("torch", reason="torch is not installed (CPU build: pip install torch)")
    return {"torch": torch}, lambda a: torch.as_tensor(a, dtype=torch.float64)


@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_backend_export_against_the_value(k, backend):
    """Every op's code in JAX and PyTorch (its NumPy export in the framework's namespace, or its
    own spelling, Op.backends) computes its value, held as the NumPy export holds it."""
    node, variables, values, sizes, _ = sample(k)
    namespace, array = _framework(backend)
    printer = NumpyPrinter({v.name: v.name for v in variables}, {d: d for d in sizes}, backend=backend)
    try:
        code = printer.code(node)
    except MatdiffError as error:  # an op that says it exports for NumPy only, and why
        assert "for NumPy only" in str(error) and backend in registry.op_of(node).backends
        return
    namespace.update({"np": np, **sizes})
    for v in variables:
        a = values[v.name]
        namespace[v.name] = array(a[0, 0] if a.shape == (1, 1) else a.ravel() if a.shape[1] == 1 else a)
    for name in printer.helpers:
        exec(in_namespace(HELPERS[name], backend), namespace)  # our helper source only
    got = eval(code, namespace)  # our printed code only
    got = np.asarray(got.detach() if hasattr(got, "detach") else got, dtype=float)
    want = Evaluator(values, sizes)(node)
    expected = {"scalar": want[0, 0], "col": want.ravel(), "row": want.ravel(), "matrix": want}[kind(node)]
    assert np.shape(got) == np.shape(expected), code
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=code)


@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_sympy_form_against_the_value(k):
    """Every op's SymPy form, lambdified at the sample's sizes, computes its value, and reads back
    as the op where the op has a form to read; an op SymPy cannot express says so."""
    sp = pytest.importorskip("sympy")
    from matdiff_magic.interop.lambdify import numpy_printer
    from matdiff_magic.interop.sympy_out import to_sympy

    node, variables, values, sizes, _ = sample(k)
    symbols: dict = {}
    op = registry.op_of(node)
    try:
        expr = to_sympy(node, symbols)
    except MatdiffError as error:
        assert "has no SymPy matrix expression" in str(error)
        return
    concrete = {s: sizes[str(s)] for s in symbols.values() if isinstance(s, sp.Symbol) and str(s) in sizes}
    args = [symbols[v.name].subs(concrete) if v.shape != (1, 1) else symbols[v.name] for v in variables]
    fn = sp.lambdify(args, expr.subs(concrete), modules="numpy", printer=numpy_printer()({}))
    got = np.asarray(fn(*(values[v.name][0, 0] if v.shape == (1, 1) else values[v.name] for v in variables)))
    want = Evaluator(values, sizes)(node)
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-10, atol=1e-12, err_msg=str(expr))
    if op.sympy.reads is not None:
        operands = op.sympy.reads(sp, expr)
        assert operands is not None and len(operands) >= 1, f"{expr} does not read back as {k}"


@pytest.mark.parametrize("k", sorted(SAMPLES))
def test_notation_prints_in_both_targets(k):
    node, *_ = sample(k)
    assert isinstance(registry.op_of(node).notation_of(node), Notation)
    tex, text = to_latex(node), to_text(node)
    assert tex and text and "x₀" in text.replace("x0", "x₀")
    assert "\\" not in text and all(ch not in tex for ch in "ᵀ⁻¹⊙⊗‖")


def test_commutation_matrix_value():
    K = Evaluator({}, {"m": 3, "n": 2})(ir.Commutation("m", "n"))
    A = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(K @ A.reshape(-1, 1, order="F"), A.T.reshape(-1, 1, order="F"))


# ---- one value semantics: logdet(X) is log|det X| in every stage ----------------------------------
def _stages(source: str, X, with_graph: bool = True):
    """f and ∂f/∂X at X from derive() (evaluated), its exported code and the autodiff graph."""
    from matdiff_magic import derive, graph

    d = derive(source, wrt="X", layout="denominator", check=False)
    namespace: dict = {}
    exec(compile(d.to_python(), "<matdiff export>", "exec"), namespace)  # our generated code only
    with np.errstate(all="ignore"):
        exported = namespace["f_and_grad"](X=X)
        out = {"derive": (d.value(X=X), d.evaluate(X=X)), "export": exported}
        if with_graph:
            g = graph(source, X=X)
            out["graph"] = (g.value(), g.gradient()["X"])
        return out


def test_logdet_is_log_abs_det_in_every_stage():
    """At det X = −1: logdet(X) = log|det X| = 0 and ∂/∂X = X⁻ᵀ (Cookbook 57, for either sign of
    det X) from derive(), from the exported NumPy code and from the evaluation graph alike."""
    P = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # a swap: det P = −1
    X = P @ (np.eye(3) + 0.5 * np.triu(np.ones((3, 3)), 1))  # a shear keeps det X = −1
    assert np.linalg.det(X) == pytest.approx(-1.0)
    for stage, (value, grad) in _stages("logdet(X)", X).items():
        assert value == pytest.approx(0.0, abs=1e-12), stage
        np.testing.assert_allclose(grad, np.linalg.inv(X).T, rtol=1e-12, atol=1e-12, err_msg=stage)


def test_log_of_det_is_the_real_log_in_every_stage():
    """log(det(X)) is the element-wise log of the number det X: nan where det X < 0 as a value;
    the evaluation graph, which shows every step's number, refuses the point as outside the
    domain (as ``%%matdiff --graph --at`` does) rather than show a trace of NaN."""
    from matdiff_magic import graph

    X = _negative_det(3)
    for stage, (value, _) in _stages("log(det(X))", X, with_graph=False).items():
        assert np.isnan(value), stage
    with pytest.raises(MatdiffError, match="outside the domain of the expression"):
        graph("log(det(X))", X=X)
