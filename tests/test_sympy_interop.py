"""SymPy in and out.

In: ``derive`` takes a SymPy matrix expression over MatrixSymbols and gives the derivation of the
equivalent cell, step for step; what has no counterpart is the package's error, naming it. Out:
``Derivation.to_sympy()`` and each step's ``to_sympy()`` are SymPy matrix expressions over
MatrixSymbols of the inferred sizes; on the Cookbook corpus the SymPy result, lambdified at
concrete sizes, agrees with ``evaluate`` and with central differences of the NumPy f written in
the Cookbook test, and deriving the SymPy form of f again gives the same derivative.
"""

from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np
import pytest
from numeric_helpers import assert_close, central_difference, random_values
from test_cookbook import CASES

from matdiff_magic import MatdiffError, derive

sp = pytest.importorskip("sympy")
m, n = sp.symbols("m n", integer=True, positive=True)
X, Y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("Y", n, n)
A, B = sp.MatrixSymbol("A", n, m), sp.MatrixSymbol("B", n, m)
a, b, x = sp.MatrixSymbol("a", m, 1), sp.MatrixSymbol("b", n, 1), sp.MatrixSymbol("x", n, 1)
c = sp.Symbol("c")
sig = lambda z: 1 / (1 + np.exp(-z))

# SymPy expression, the same in the language (after the declarations to_source writes), wrt,
# f in NumPy (written independently), hints for the random values
EQUIVALENT = [
    (a.T * (X * b).applyfunc(sp.exp), "a'*exp(X*b)", X, lambda a, X, b: a @ np.exp(X @ b), {}),
    (sp.log(sp.Determinant(Y)), "log(det(Y))", Y, lambda Y: np.log(np.linalg.det(Y)), dict(wellcond=("Y",))),
    (
        sp.log(sp.Abs(sp.Determinant(Y))),
        "logdet(Y)",
        "Y",
        lambda Y: np.log(abs(np.linalg.det(Y))),
        dict(wellcond=("Y",)),
    ),
    (sp.Trace(A * X), "tr(A*X)", X, lambda A, X: np.trace(A @ X), {}),
    (
        sp.Trace(Y.I) * c + sp.Trace(X.T * X),
        "c*tr(inv(Y)) + tr(X'*X)",
        Y,
        lambda c, Y, X: c * np.trace(np.linalg.inv(Y)) + np.trace(X.T @ X),
        dict(wellcond=("Y",)),
    ),
    (sp.Trace(Y**3), "tr(Y^3)", Y, lambda Y: np.trace(Y @ Y @ Y), {}),
    (x.T * Y * x - 2 * x.T * x / 3, "-(2/3)*x'*x + x'*Y*x", x, lambda x, Y: x @ Y @ x - 2 * x @ x / 3, {}),
    ((x.T * x) ** -1, "1/(x'*x)", x, lambda x: 1 / (x @ x), {}),
    (
        sp.exp(c) * sp.Trace(Y) + c**2,
        "c^2 + tr(Y)*exp(c)",
        c,
        lambda c, Y: np.exp(c) * np.trace(Y) + c**2,
        {},
    ),
    (
        a.T * sp.hadamard_product(X, X.applyfunc(sp.sin)) * b,
        "a'*(sin(X) .* X)*b",
        X,
        lambda a, X, b: a @ (X * np.sin(X)) @ b,
        {},
    ),
    (
        a.T * (X * b).applyfunc(lambda t: 1 / (1 + sp.exp(-t))),
        "a'*sigmoid(X*b)",
        X,
        lambda a, X, b: a @ sig(X @ b),
        {},
    ),
    (
        sp.Trace(a.T * (X * b).applyfunc(sp.tanh)) + sp.Trace(sp.HadamardPower(X.T * X, 2)),
        "tr((X'*X).^2) + tr(a'*tanh(X*b))",
        X,
        lambda a, X, b: a @ np.tanh(X @ b) + np.trace((X.T @ X) ** 2),
        {},
    ),
    (
        sp.Trace((X * X.T + sp.Identity(m)).I),
        "tr(inv(X*X' + eye(m)))",
        X,
        lambda X: np.trace(np.linalg.inv(X @ X.T + np.eye(len(X)))),
        {},
    ),
    (x.T * x.applyfunc(sp.log), "x'*log(x)", x, lambda x: x @ np.log(x), dict(positive=("x",))),
]


def _declarations(d) -> str:
    return d.source.rsplit("\n", 1)[0]


@pytest.mark.parametrize("case", EQUIVALENT, ids=[c[1] for c in EQUIVALENT])
def test_a_sympy_expression_derives_as_its_text(case):
    expr, text, wrt, f, hints = case
    d = derive(expr, wrt=wrt)
    same = derive(_declarations(d) + "\n" + text, wrt=wrt if isinstance(wrt, str) else str(wrt.name))
    assert d.to_text() == same.to_text()
    assert d.check_result.status == "passed"
    values = random_values(d.variables, np.random.default_rng(zlib.crc32(text.encode())), **hints)
    name = wrt if isinstance(wrt, str) else str(wrt.name)
    assert_close(d.evaluate(**values), central_difference(f, values, name), 1e-5, text)


def test_sizes_are_declared_from_the_matrix_symbols():
    d = derive(sp.Trace(sp.MatrixSymbol("W", 3, 4) * sp.MatrixSymbol("V", 4, 3)), wrt="W")
    assert d.source == "W: matrix(3, 4)\nV: matrix(4, 3)\ntr(W*V)"
    assert tuple(d.wrt.shape) == (3, 4)


def test_a_kronecker_product_is_a_jacobian():
    d = derive(sp.KroneckerProduct(A, X), wrt=X, layout="numerator")
    same = derive(_declarations(d) + "\nkron(A, X)", wrt="X", layout="numerator")
    assert d.kind == "jacobian" and d.to_text() == same.to_text()
    rng = np.random.default_rng(5)
    A0, X0 = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    J = d.evaluate(A=A0, X=X0)
    step = 1e-6
    for k in range(X0.size):
        E = np.zeros(X0.size)
        E[k] = step
        E = E.reshape(X0.shape, order="F")
        numeric = (np.kron(A0, X0 + E) - np.kron(A0, X0 - E)).ravel(order="F") / (2 * step)
        assert_close(J[:, k], numeric, 1e-6, f"column {k}")


@pytest.mark.parametrize(
    "expr, construct",
    [
        (X[0, 1] * sp.Trace(Y), "MatrixElement"),
        (sp.Trace(Y.applyfunc(sp.floor)), "ElementwiseApplyFunction"),
        (sp.floor(c) + sp.Trace(Y), "floor"),
        (sp.Trace(sp.Adjoint(Y)), "Adjoint"),
        (sp.Trace(sp.MatrixSymbol("r", 1, n) * x), "row"),
        (sp.Trace(sp.MatrixSymbol("Z", 2 * n, n).T * sp.MatrixSymbol("Z", 2 * n, n)), "2*n"),
    ],
)
def test_what_has_no_counterpart_is_the_packages_error(expr, construct):
    with pytest.raises(MatdiffError) as info:
        derive(expr, wrt=Y if "Y" in str(expr) else None)
    assert construct in str(info.value)


def test_the_error_points_at_the_construct():
    with pytest.raises(MatdiffError) as info:
        derive(X[0, 1] * sp.Trace(X.T * X), wrt=X)
    lines = str(info.value).splitlines()
    assert lines[1] == "  line 1 | X[0, 1]*Trace(X.T*X)" and lines[2] == "           ^^^^^^^"


def test_anything_else_is_refused():
    with pytest.raises(MatdiffError, match="the cell's text or a SymPy matrix expression"):
        derive(42)


def test_sympy_is_imported_only_when_used():
    code = (
        "import sys\nfrom matdiff_magic import derive\nd = derive(\"a'*X*b\", wrt='X')\n"
        "d.to_python(); d.to_latex()\nprint('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- SymPy out ---------------------------------------------------------------------------------
def test_the_result_is_a_matrix_expression_of_the_inferred_sizes():
    d = derive("a'*exp(X*b)", wrt="X")
    r = d.to_sympy()
    assert isinstance(r, sp.MatrixExpr) and r.shape == (
        sp.Symbol("m", integer=True, positive=True),
        sp.Symbol("n", integer=True, positive=True),
    )
    fixed = derive("X: matrix(3, 4)\ntr(X'*X)", wrt="X").to_sympy()
    assert fixed.shape == (3, 4) and all(type(s) is sp.Integer for s in fixed.shape)
    assert fixed == 2 * sp.MatrixSymbol("X", 3, 4)


def test_a_derivation_of_sympy_answers_in_its_symbols():
    d = derive(sp.Trace(A * X), wrt=X)
    assert d.to_sympy() == A.T


def test_every_step_with_an_expression_converts():
    d = derive("a'*X*b", wrt="X")
    forms = [s.to_sympy() for s in d.steps]
    assert forms[0] == (a.T * X * b)[0, 0] or str(forms[0]) == "(a.T*X*b)[0, 0]"
    assert "d(" in str(forms[1])  # dy = d(aᵀ X b), unevaluated
    assert any("dX" in str(f) for f in forms[2:])  # … = aᵀ dX b
    assert forms[-1] == d.to_sympy()
    assert all(f is not None for f in forms)


def _lambdified(expr, symbols: dict, d, sizes: dict, values: dict):
    """sympy.lambdify of ``expr`` at concrete sizes (vectors as columns), at ``values``."""
    from matdiff_magic.interop.lambdify import numpy_printer

    concrete = {s: sizes[str(s)] for s in symbols.values() if isinstance(s, sp.Symbol) and str(s) in sizes}
    args = [symbols[v.name] for v in d.variables]
    args = [s.subs(concrete) if isinstance(s, sp.MatrixSymbol) else s for s in args]
    fn = sp.lambdify(args, expr.subs(concrete), modules="numpy", printer=numpy_printer()({}))
    inputs = [
        np.reshape(values[v.name], (-1, 1)) if v.shape[1] == 1 and not v.is_scalar else values[v.name]
        for v in d.variables
    ]
    return np.asarray(fn(*inputs), dtype=float)


def _sizes(d, values) -> dict:
    out = {}
    for v in d.variables:
        for dim, k in zip(v.shape, np.shape(values[v.name]) + (1,)):
            if str(dim) != "1" and not str(dim).isdigit():
                out[str(dim)] = k
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_cookbook_round_trip(case):
    cid, source, wrt, f, hints = case
    d = derive(source, wrt=wrt, layout="denominator", check=False)
    values = random_values(d.variables, np.random.default_rng(zlib.crc32(source.encode())), **hints)
    fd = central_difference(f, values, wrt)
    expected = d.evaluate(**values)
    assert_close(expected, fd, 1e-5, "evaluate")
    symbols: dict = {}
    from matdiff_magic.interop.sympy_out import to_sympy

    result = to_sympy(d.result, symbols)
    assert str(result) == str(d.to_sympy())  # the same expression (its Lambdas have fresh Dummies)
    function = to_sympy(d.function, symbols)
    sizes = _sizes(d, values)
    got = _lambdified(result, symbols, d, sizes, values)
    assert_close(np.reshape(got, np.shape(fd)), fd, 1e-5, f"{cid}: lambdify of the SymPy result")
    assert_close(np.reshape(got, np.shape(expected)), expected, 1e-9, f"{cid}: lambdify against evaluate()")
    assert_close(_lambdified(function, symbols, d, sizes, values), f(**values), 1e-9, "f")
    # the SymPy form of f derives again to the same derivative
    again = derive(function, wrt=wrt, layout="denominator", check=False)
    assert_close(again.evaluate(**values), fd, 1e-5, f"{cid}: f from SymPy, derived again")


def test_the_line_magic_derives_a_sympy_expression_of_the_notebook():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "matdiff_magic")
    shell.user_ns["expr"] = sp.log(sp.Determinant(Y)) + sp.Trace(A * X)
    with capture_output() as captured:
        result = shell.run_cell("%matdiff --wrt X --from expr -o d_from")
    assert result.success, captured.stderr
    d = shell.user_ns["d_from"]
    assert d.to_text() == derive(sp.log(sp.Determinant(Y)) + sp.Trace(A * X), wrt=X).to_text()
    assert d.to_sympy() == A.T
    for line, message in [
        ("%matdiff --wrt X --from nothing_here", "the notebook has no variable nothing_here"),
        ("%matdiff --wrt X --from expr a'*x", "write nothing after it"),
        ("%matdiff --wrt X --from 3x", "--from takes the name of a SymPy expression"),
    ]:
        with capture_output() as captured:
            result = shell.run_cell(line)
        assert message in captured.stderr, (line, captured.stderr)
    shell.user_ns["number"] = 42
    with capture_output() as captured:
        shell.run_cell("%matdiff --wrt X --from number")
    assert "the cell's text or a SymPy matrix expression, not int" in captured.stderr


@pytest.mark.parametrize("source, wrt", [("logdet(X-X)", "X"), ("x: scalar\nsum(kron(X, x))", "X")])
def test_a_step_sympy_cannot_write_is_the_packages_error(source, wrt):
    # SymPy's TypeError ("Input to Determinant, -0, not a matrix", "Mix of Matrix and Scalar
    # symbols") escaped from steps[0].to_sympy()
    d = derive(source, wrt=wrt, check=False)
    with pytest.raises(MatdiffError, match="SymPy cannot write this (logdet|kron) as a matrix expression"):
        d.steps[0].to_sympy()


def test_the_entry_of_a_product_that_sympy_expands_says_what_to_pass():
    """``(x.T*A*x)[0, 0]`` is SymPy's index Sum, not a MatrixElement: refused with what reads, and
    what the hint names derives to the gradient (A + Aᵀ) x, checked against central differences."""
    m = sp.Symbol("m", integer=True, positive=True)
    xv, A = sp.MatrixSymbol("x", m, 1), sp.MatrixSymbol("A", m, m)
    with pytest.raises(MatdiffError) as info:
        derive((xv.T * A * xv)[0, 0], wrt=xv)
    message = str(info.value)
    assert "Sum" in message and "pass the 1×1 product itself (x.T*A*x)" in message
    assert "^" in message.splitlines()[2]
    from sympy.matrices.expressions.matexpr import MatrixElement

    rng = np.random.default_rng(8)
    A0, x0 = rng.standard_normal((4, 4)), rng.standard_normal(4)
    values = {"A": A0, "x": x0}
    expected = central_difference(lambda A, x: x @ A @ x, values, "x")
    for expr in (xv.T * A * xv, MatrixElement(xv.T * A * xv, 0, 0)):
        g = derive(expr, wrt=xv).evaluate(**values)
        assert_close(np.ravel(g), expected, 1e-6, str(expr))
