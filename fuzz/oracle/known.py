"""Minimal reproducers of the failures the oracle fuzzer finds today, built as oracle trees.

Each entry of ``KNOWN`` names the failure kind the oracle reports for it and what goes wrong;
tests/test_oracle_fuzz.py runs every one under ``pytest.mark.xfail(strict=True)``, so fixing one
makes its test pass and the strict mark then fails the run until the entry is moved to ``FIXED``,
whose entries are ordinary tests: the kind must stay absent.
"""

from __future__ import annotations

from fuzz.oracle import expr as E
from fuzz.oracle.cell import Cell, Known

__all__ = ["FIXED", "KNOWN", "Cell", "Known"]


def _tr_scalar_times_matrix():
    c = Cell()
    s, A = c.scalar("s"), c.matrix("A", "m", "m")
    return c.case(E.call("tr", E.mul(s, A)), "A")


def _tr_divided_by_trace():
    c = Cell()
    A = c.matrix("A", "m", "m")
    return c.case(E.call("tr", E.div(A, E.call("tr", A))), "A")


def _tr_difference_with_scalar_multiple():
    c = Cell()
    k, B = c.scalar("k"), c.matrix("B", "m", "m")
    return c.case(E.call("tr", E.sub(E.mul(k, B), B)), "B")


def _trace_divided_by_scalar_plus_row():
    c = Cell(m=3, n=2)
    b, M, lam = c.vector("b", "n"), c.matrix("M", "m", "m"), c.scalar("lam")
    return c.case(E.add(E.transpose(b), E.call("tr", E.div(M, lam))), "M", layout="numerator")


def _zero_jacobian_of_matrix_by_scalar():
    c = Cell()
    A, t = c.matrix("A", "m", "m"), c.scalar("t")
    return c.case(E.hmul(A, E.power(t, "0")), "t", layout="numerator")


def _export_division_by_zero():
    c = Cell()
    g = c.scalar("g")
    return c.case(E.div(g, E.num("0")), "g")


def _vec_hadamard_of_transposed_shapes():
    c = Cell(m=4, n=2)
    L, Z = c.matrix("L", "m", "n"), c.matrix("Z", "n", "m")
    return c.case(E.call("sum", E.hmul(E.call("vec", L), E.call("vec", Z))), "Z", layout="numerator")


def _check_fails_where_differences_cannot_decide():
    c = Cell()
    x = c.vector("x", "m")
    return c.case(E.apply("cos", E.mul(E.num("1e10"), x)), "x")


def _tr_divided_by_eye():
    c = Cell()
    B = c.matrix("B", "m", "m")
    return c.case(E.call("tr", E.hdiv(B, E.eye(("m",)))), "B")


def _hessian_shape_scalar_multiple():
    c = Cell()
    s, B = c.scalar("s"), c.matrix("B", "m", "m")
    return c.case(E.call("tr", E.mul(s, B)), "B", order=2)


def _zero_jacobian_of_row_by_scalar():
    c = Cell()
    cc, t = c.vector("c", "p"), c.scalar("t")
    return c.case(E.epower(E.add(E.transpose(cc), t), "0"), "t", layout="numerator")


def _check_fails_on_large_constant():
    c = Cell()
    x = c.vector("x", "m", declared=False)
    return c.case(E.add(E.num("1e300"), x), "x")


def _linalg_error_in_check():
    c = Cell(m=3, n=2)
    X = c.matrix("X", "m", "n", declared=False)
    return c.case(E.call("tr", E.call("inv", E.mul(X, E.transpose(X)))), "X")


def _inner_product_of_a_vector_named(name: str):
    def build():
        c = Cell()
        x = c.vector(name, "m")
        return c.case(E.mul(E.transpose(x), x), name)

    return build


def _export_integer_negative_power():
    c = Cell()
    x = c.vector("x", "m", declared=False)
    return c.case(E.mul(E.transpose(x), E.epower(E.fill_vector("2", ("m",)), "-1")), "x")


def _export_row_that_is_not_a_transpose():
    c = Cell(m=4, n=5)
    d, Y, Q = c.vector("d", "n"), c.matrix("Y", "n", "n"), c.matrix("Q", "n", "m")
    pair = E.mul(E.add(Y, E.transpose(Y)), Q)
    return c.case(E.mul(E.apply("sin", E.transpose(d)), pair), "Y", layout="denominator")


def _export_variable_named_float():
    c = Cell()
    f, x = c.scalar("float"), c.vector("x", "m")
    return c.case(E.mul(E.mul(f, E.transpose(x)), x), "x")


def _export_gradient_shape_of_sum():
    c = Cell()
    b = c.vector("b", "m", declared=False)
    return c.case(E.call("sum", E.mul(E.transpose(b), b)), "b")


def _export_huge_number_as_integer():
    c = Cell()
    x = c.vector("x", "m")
    return c.case(E.mul(E.mul(E.transpose(x), x), E.apply("tanh", E.num("1e300"))), "x")


def _export_kron_row_and_column():
    c = Cell()
    y, z = c.vector("y", "n"), c.vector("z", "m")
    return c.case(E.call("kron", E.transpose(y), z), "z")


def _huge_power_times_scalar():
    c = Cell()
    c0 = c.scalar("c0")
    return c.case(E.mul(E.power(E.num("1e300"), "2"), c0), "c0", layout="denominator")


def _trace_over_huge_power():
    c = Cell(m=4, n=3, p=5)
    H = c.symmetric("H", "n")
    return c.case(E.call("tr", E.div(H, E.power(E.num("1e300"), "2"))), "H")


def _export_check_overflows_everywhere():
    c = Cell(m=4, n=5, p=3, q=2)
    seed, A, v = c.vector("seed", "q"), c.matrix("A", "q", "m"), c.vector("v", "m")
    tree = E.mul(E.mul(E.transpose(seed), A), E.apply("exp", E.mul(E.num("1e10"), v)))
    return c.case(tree, "seed", layout="numerator")


def _export_hessian_check_where_log_is_undefined():
    c = Cell(m=4, n=3)
    A = c.matrix("A", "m", "m")
    return c.case(E.apply("log", E.call("det", E.neg(A))), "A", layout="numerator", order=2)


def _export_check_of_a_huge_function():
    c = Cell(m=2, n=4, p=3)
    nan, C = c.scalar("nan"), c.matrix("C", "n", "n")
    return c.case(E.add(nan, E.apply("exp", E.call("det", C))), "nan", layout="numerator")


def _diag_of_division_by_eye():
    c = Cell(m=3, n=4, p=5, q=2)
    a, Z = c.vector("a", "p"), c.matrix("Z", "p", "p")
    return c.case(E.mul(E.transpose(a), E.call("diag", E.hdiv(Z, E.eye(("p",))))), "Z", layout="denominator")


def _reciprocal_of_a_tiny_sigmoid():
    c = Cell(m=5, n=2, p=3, q=4)
    V = c.matrix("V", "p", "q")
    u = E.neg(E.div(E.call("vec", E.transpose(V)), E.num("1e-3")))
    return c.case(E.hdiv(E.num("2"), E.apply("sigmoid", u)), "V", value_seed=1799521952)


def _norm_of_tiny_entries():
    c = Cell(m=3, n=4, p=2)
    M, Z = c.matrix("M", "m", "n"), c.matrix("Z", "p", "n")
    tree = E.call("norm2", E.mul(E.mul(E.num("1e-300"), M), E.transpose(Z)))
    return c.case(tree, "Z", layout="denominator", value_seed=83838843)


def _hessian_of_a_norm_of_quotients():
    c = Cell(m=3)
    b = c.vector("b", "m")
    tree = E.call("norm2", E.hdiv(E.apply("tanh", b), E.add(E.apply("abs", b), E.num("3"))))
    return c.case(tree, "b", layout="numerator", order=2, value_seed=2121527448)


def _export_check_of_a_fast_turning_function():
    c = Cell(m=3, n=5, p=2)
    P = c.matrix("P", "p", "p")
    tree = E.apply("cos", E.call("det", E.mul(E.mul(E.num("3"), P), E.mul(P, P))))
    return c.case(tree, "P", layout="denominator", value_seed=318238757)


KNOWN: list[Known] = []

# Failures an earlier review reported that the package no longer shows: each must stay absent.
FIXED = [
    Known(
        "2./sigmoid(-vec(V')/1e-3) by V",
        "wrong_value",
        "sigmoid was 0.5 (1 + tanh(x/2)), which rounds sigmoid(-60) ≈ 9e-27 to 0: f and its Jacobian "
        "were inf and NaN where they are about 1e26 (in evaluate() and in the export); sigmoid is now "
        "exp(-log(1 + exp(-x))), to full relative precision",
        _reciprocal_of_a_tiny_sigmoid,
    ),
    Known(
        "norm2(1e-300*M*Z') by Z",
        "wrong_value",
        "the squares of entries about 1e-300 underflowed, so the norm was 0 and its gradient X/‖X‖ 0/0, "
        "NaN (huge entries overflowed to inf); the norm is now scaled by the largest entry",
        _norm_of_tiny_entries,
    ),
    Known(
        "export check of cos(det(3*P*(P*P)))",
        "export_check_false_alarm",
        "f turns fast at the exported check's inputs (det(3 P³) ≈ 1.5e5), so differences at the step "
        "1e-6 were off by h²·f‴/6 (5e-3 on the right gradient); the check now also steps 100 times "
        "smaller and reports the smallest error",
        _export_check_of_a_fast_turning_function,
    ),
    Known(
        "Hessian of norm2(tanh(b)./(abs(b)+3))",
        "timeout",
        "reported as a timeout in one run: the case costs about 0.2 s of CPU, but the niced worker waited "
        "over 10 s for a core on a busy machine; the time limit is now on the worker's CPU time",
        _hessian_of_a_norm_of_quotients,
    ),
    Known(
        "a'*diag(Z./eye) by Z",
        "wrong_value",
        "the gradient diag(a) ⊙ I^∘-1 evaluated to NaN off the diagonal (0·∞) where it is 0; a Hadamard "
        "product with a diagonal factor now drops powers of I, which are 1 on the diagonal",
        _diag_of_division_by_eye,
    ),
    Known(
        "export check of nan + exp(det(C))",
        "export_check_false_alarm",
        "f ≈ exp(det(C)) is large at the exported check's random inputs, so its central differences by "
        "the scalar lost the gradient 1 to rounding (reported error 1.6e-3); the check now also "
        "differences with a 100 times larger step and reports the smaller error",
        _export_check_of_a_huge_function,
    ),
    Known(
        "export 1e300^2*c0",
        "foreign_exception",
        "to_python raised OverflowError: the number 1e600 of the derivative has no float (now 1e999, inf)",
        _huge_power_times_scalar,
    ),
    Known(
        "export tr(H/1e300^2)",
        "export_failed",
        "the exported f computed 1e300 ** 2 in Python floats, which raise OverflowError (now NumPy's, inf)",
        _trace_over_huge_power,
    ),
    Known(
        "export check of seed'*A*exp(1e10*v)",
        "export_check_false_alarm",
        "exp(1e10 v) overflows at every random input: the exported check says NaN, could not check, as "
        "the derivation's own check does (the oracle counted NaN as an alarm)",
        _export_check_overflows_everywhere,
    ),
    Known(
        "export check_hessian of log(det(-A))",
        "export_check_false_alarm",
        "det(-A) is negative at the random inputs: NaN, could not check, as the derivation's check says",
        _export_hessian_check_where_log_is_undefined,
    ),
    Known(
        "sum(vec(L).*vec(Z)) by Z",
        "foreign_exception",
        "derive raised ValueError 'cannot multiply' (later refused it) for the entry-wise product of "
        "vec(L) and vec(Z) with L m×n and Z n×m (both of m·n entries); the gradient is vec(L)'s "
        "entries in Z's shape",
        _vec_hadamard_of_transposed_shapes,
    ),
    Known(
        "cos(1e10*x) by x",
        "check_false_alarm",
        "the numeric check said FAILED for the right Jacobian −1e10·diag(sin(1e10 x)), where central "
        "differences cannot resolve it; it now says it could not check",
        _check_fails_where_differences_cannot_decide,
    ),
    Known(
        "1e300 + x by x",
        "check_false_alarm",
        "the numeric check said FAILED for the right Jacobian (I) where differences cannot resolve "
        "1e300 + x; it now says it could not check",
        _check_fails_on_large_constant,
    ),
    Known(
        "tr(inv(X*X')) by X",
        "foreign_exception",
        "numpy's LinAlgError escaped from the numeric check when X Xᵀ is singular at the sizes it tries",
        _linalg_error_in_check,
    ),
    Known(
        "variable named self",
        "foreign_exception",
        "evaluate(**values) and value(**values) raised TypeError 'got multiple values for argument self'",
        _inner_product_of_a_vector_named("self"),
    ),
    Known(
        "export x'*vector(2).^(-1)",
        "export_failed",
        "the export writes np.full(m, 2) ** (-1): NumPy refuses integers to negative powers",
        _export_integer_negative_power,
    ),
    Known(
        "export tanh(1e300)",
        "export_failed",
        "1e300 is written as a 301-digit Python int, on which np.tanh fails",
        _export_huge_number_as_integer,
    ),
    Known(
        "export g/0",
        "export_failed",
        "the derivation's check says it could not check, but the exported check_gradient() raises "
        "ZeroDivisionError (0.0 ** -1 in Python floats)",
        _export_division_by_zero,
    ),
    Known(
        "export sin(d')*((Y+Y')*Q) by Y",
        "export_failed",
        "the one-pass (A + Aᵀ)v took the row sin(dᵀ), not a written transpose, for a column: "
        "to_python() raised ShapeError (seed 777)",
        _export_row_that_is_not_a_transpose,
    ),
    Known(
        "export: variable named float",
        "export_failed",
        "a variable named float shadows the built-in that the exported code calls",
        _export_variable_named_float,
    ),
    Known(
        "export: variable named max",
        "export_failed",
        "a variable named max shadows the built-in that the exported check calls",
        _inner_product_of_a_vector_named("max"),
    ),
    Known(
        "tr(s*A) by A",
        "wrong_shape",
        "the gradient s·I of the trace of a scalar variable times the matrix evaluates to a 1×1 "
        "array (a float in the export) instead of m×m, and the check says FAILED",
        _tr_scalar_times_matrix,
    ),
    Known(
        "tr(A/tr(A)) by A",
        "foreign_exception",
        "derive raises ValueError 'cannot add (m, m) and (1, 1)' when a matrix is divided by a scalar "
        "that depends on it",
        _tr_divided_by_trace,
    ),
    Known(
        "tr(k*B - B) by B",
        "foreign_exception",
        "derive raises ValueError 'cannot add' for a scalar multiple minus the matrix under a trace",
        _tr_difference_with_scalar_multiple,
    ),
    Known(
        "b' + tr(M/lam) by M",
        "foreign_exception",
        "derive raises ValueError 'cannot multiply' for the trace of a matrix over a scalar added to a row",
        _trace_divided_by_scalar_plus_row,
    ),
    Known(
        "order=2 of tr(s*B) by B",
        "wrong_shape",
        "the (zero) Hessian has shape (1, m·m) instead of (m·m, m·m)",
        _hessian_shape_scalar_multiple,
    ),
    Known(
        "tr(B./eye) by B",
        "wrong_value",
        "the gradient of tr(B ./ I) is the all-ones matrix instead of I (the check says FAILED)",
        _tr_divided_by_eye,
    ),
    Known(
        "(c' + t).^0 by t",
        "wrong_shape",
        "the (zero) Jacobian of a row vector by a scalar has shape (p, 1), not (1, p), in numerator layout",
        _zero_jacobian_of_row_by_scalar,
    ),
    Known(
        "A.*t^0 by t",
        "wrong_shape",
        "the (zero) Jacobian of an m×m matrix by a scalar has shape (m·m, 1), not (m, m), in numerator "
        "layout",
        _zero_jacobian_of_matrix_by_scalar,
    ),
    Known(
        "export sum(b'*b) by b",
        "export_wrong",
        "the exported gradient has shape (1, m) where evaluate() gives (m,)",
        _export_gradient_shape_of_sum,
    ),
    Known(
        "export kron(y', z) by z",
        "export_wrong",
        "the exported Jacobian of kron(yᵀ, z) by z has shape (m, m) instead of (m·n, m)",
        _export_kron_row_and_column,
    ),
]
