"""Sizes that are products of other sizes: a free size equated with a product is bound to it.

``a'*kron(X, eye(2))*b`` with nothing declared makes a's length 2·m (X m×n), as a unifier binds a
variable to a term; m = 2·m and m = m·n are refused (the occurs check), with the caret under the
operator. Every accepted case derives, passes the package's own numeric check (whose sizes must
respect the products), and its derivative, evaluated in the three layouts, agrees with central
differences of a NumPy function written here (np.kron, not the package's evaluator).
"""

import fuzz_strategies as fs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matdiff_magic import MatdiffError, derive
from matdiff_magic.ir.traverse import post_order
from matdiff_magic.numeric.points import MAX_ENTRIES, within_memory
from matdiff_magic.types.dims import Dim
from matdiff_magic.types.unify import Sizes
from numeric_helpers import expected_in_layout

LAYOUTS = ("numerator", "denominator", "mixed")


_expected = expected_in_layout  # central differences, in the layout asked for


rng = np.random.default_rng(11)
a6, a2, b4, X32, X64 = (rng.standard_normal(s) for s in (6, 2, 4, (3, 2), (6, 4)))
A23, B22, X64b = rng.standard_normal((2, 3)), rng.standard_normal((2, 2)), rng.standard_normal((6, 4))
B24, x4, y12 = rng.standard_normal((2, 4)), rng.standard_normal(4), rng.standard_normal(12)
Y46, a3, b2, y2, x3, y3 = (rng.standard_normal(s) for s in ((4, 6), 3, 2, 2, 3, 3))
N24, N54, Y32 = rng.standard_normal(24), rng.standard_normal(54), rng.standard_normal((3, 2))
X42, X34, W24, Z83 = (rng.standard_normal(s) for s in ((4, 2), (3, 4), (2, 4), (8, 3)))

# (source, the variables it is differentiated by, values, an independent f)
CASES = [
    # a's length is 2·m and b's 2·n: X m×n
    (
        "a'*kron(X, eye(2))*b",
        "X a b",
        {"a": a6, "X": X32, "b": b4},
        lambda a, X, b: a @ np.kron(X, np.eye(2)) @ b,
    ),
    # X's rows are m·q: a m long and the identity q×q
    (
        "kron(a', eye)*X*b",
        "X a b",
        {"a": a2, "X": X64, "b": b4},
        lambda a, X, b: np.kron(a[None, :], np.eye(X.shape[0] // a.size)) @ X @ b,  # q = rows(X) / m
    ),
    # kron(A, B) against a free size: X is (n·q)×(m·p)
    (
        "tr(kron(A, B)*X)",
        "X A B",
        {"A": A23, "B": B22, "X": X64b},
        lambda A, B, X: np.trace(np.kron(A, B) @ X),
    ),
    # x is m·n long, y p·q
    (
        "x'*kron(A, B)*y",
        "A B x",
        {"x": x4, "A": A23, "B": B24, "y": y12},
        lambda x, A, B, y: x @ np.kron(A, B) @ y,
    ),
    # Y (2·n)×(2·m) from both sides of the trace
    ("tr(kron(X, eye(2))*Y)", "X Y", {"X": X32, "Y": Y46}, lambda X, Y: np.trace(np.kron(X, np.eye(2)) @ Y)),
    # products on both sides: m·n against m·q cancels to n = q
    (
        "kron(a, b)'*kron(a, y)",
        "a y b",
        {"a": a3, "b": b2, "y": y2},
        lambda a, b, y: np.kron(a, b) @ np.kron(a, y),
    ),
    # 2·m against 2·p: m = p, and f is a 2×2 matrix (a Jacobian)
    (
        "kron(x, eye(2))'*kron(y, eye(2))",
        "y x",
        {"x": x3, "y": y3},
        lambda x, y: np.kron(x[:, None], np.eye(2)).T @ np.kron(y[:, None], np.eye(2)),
    ),
    # the rows of X are twice its columns: X (2·m)×m
    ("kron(X, eye(2))*X", "X", {"X": X42}, lambda X: np.kron(X, np.eye(2)) @ X),
    # a product in the middle: X m×(2·n), Z (2·p)×q
    (
        "X*kron(eye(2), Y)*Z",
        "Y X Z",
        {"X": X34, "Y": W24, "Z": Z83},
        lambda X, Y, Z: X @ np.kron(np.eye(2), Y) @ Z,
    ),
]
BY_VARIABLE = [(source, wrt, values, f) for source, wrts, values, f in CASES for wrt in wrts.split()]


@pytest.mark.parametrize(
    "source, wrt, values, f", BY_VARIABLE, ids=[f"{c[0]} by {c[1]}" for c in BY_VARIABLE]
)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_products_of_free_sizes_derive_check_and_evaluate(source, wrt, values, f, layout):
    d = derive(source, wrt=wrt, layout=layout)
    assert d.check_result.status == "passed", d.check_result.message  # its sizes respect the products
    got = np.asarray(d.evaluate(**values), dtype=float)
    want = _expected(f, values, wrt, layout)
    assert got.shape == np.shape(want), (source, layout)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6), (source, layout)


@pytest.mark.parametrize(
    "source, wrt, where",
    [
        ("a'*kron(X, eye(2))*b", "X", "a ∈ ℝ^{2·m}, X ∈ ℝ^{m×n}, b ∈ ℝ^{2·n}"),
        ("kron(a', eye)*X*b", "X", "a ∈ ℝ^m, X ∈ ℝ^{m·n×p}, b ∈ ℝ^p"),
        ("tr(kron(X, eye(2))*Y)", "Y", "X ∈ ℝ^{m×n}, Y ∈ ℝ^{2·n×2·m}"),
        ("kron(X, eye(2))*X", "X", "X ∈ ℝ^{2·m×m}"),
    ],
)
def test_the_sizes_are_shown_as_products(source, wrt, where):
    assert derive(source, wrt=wrt, check=False).to_json()["where"]["text"] == where


@pytest.mark.parametrize(
    "source, message, caret, hint",
    [
        # m = 2·m: the occurs check
        (
            "x'*kron(x, eye(2))",
            "cannot multiply x' (a row vector (1×m)) by kron(x, eye(2)) (2·m×2)",
            "  line 1 | x'*kron(x, eye(2))\n             ^",
            "2·m contains m: the two are never equal",
        ),
        # m = m·n: n would be 1, and a size is never 1
        (
            "x'*kron(x, y)",
            "cannot multiply x' (a row vector (1×m)) by kron(x, y) (a vector (m·n×1))",
            "  line 1 | x'*kron(x, y)\n             ^",
            "m·n contains m: the two are never equal",
        ),
        # 3·m = 2·n has many solutions and no single free size to bind: refused, not guessed
        (
            "kron(a', eye(3))*kron(X, eye(2))*b",
            "cannot multiply kron(a', eye(3)) (3×3·m) by kron(X, eye(2)) (2·n×2·p)",
            "  line 1 | kron(a', eye(3))*kron(X, eye(2))*b\n                           ^",
            "",
        ),
        # a user's size symbol is never bound to a product
        (
            "a: vector(k)\na'*kron(X, eye(2))*b",
            "cannot multiply a' (a row vector (1×k)) by kron(X, eye(2)) (2·m×2·n)",
            "  line 2 | a'*kron(X, eye(2))*b\n             ^",
            "",
        ),
    ],
)
def test_sizes_no_binding_makes_equal_are_refused_with_the_caret(source, message, caret, hint):
    with pytest.raises(MatdiffError) as err:
        derive(source, wrt="x" if "x" in source else "X")
    text = str(err.value)
    assert message in text and caret + "\n" in text + "\n" and hint in text


def test_evaluate_solves_and_checks_the_products():
    d = derive("a'*kron(X, eye(2))*b", wrt="X", check=False)
    with pytest.raises(
        MatdiffError, match=r"a has size 5 \(shape \(5, 1\)\) where its shape says 2·m, which is 6"
    ):
        d.evaluate(a=np.ones(5), X=np.ones((3, 2)), b=np.ones(4))
    d = derive("kron(a', eye)*X*b", wrt="X", check=False)
    with pytest.raises(MatdiffError, match=r"X has size 6 .* says m·n: no whole n gives it with m = 4"):
        d.evaluate(a=np.ones(4), X=np.ones((6, 4)), b=np.ones(4))


def test_the_unifier_binds_a_free_size_to_a_product():
    sizes = Sizes()
    m, n, q = sizes.fresh(), sizes.fresh(), sizes.fresh()
    two = sizes.fresh(bound=2)
    assert sizes.unify(m, (n, two))  # m := 2·n
    assert sizes.expand(m) == (2, [n])
    assert not sizes.unify(n, (n, two))  # n = 2·n: occurs
    assert not sizes.unify(m, (m, q))  # m = m·q: q would be 1
    assert sizes.unify((m, q), (n, two, q))  # 2·n·q = 2·n·q after the binding
    assert sizes.unify(q, sizes.fresh(bound=3))  # q = 3
    assert sizes.fixed((m, q)) is None and sizes.expand((m, q)) == (6, [n])
    rigid = sizes.fresh(bound="k")
    assert not sizes.unify(rigid, (n, two))  # a user's size symbol stays a symbol
    assert Dim.of("2·m").value({"m": 3}) == 6


# ---- property: products of sizes from any composition of kron, vec and eye --------------------
LEAVES = ["X", "Y", "A", "x", "y", "a", "eye", "eye(2)", "eye(3)"]


@st.composite
def kron_expression(draw, depth: int = 3):
    """A matrix expression of undeclared names built with kron, vec, products and transposes,
    blind to shapes: the unifier decides which are products of sizes and which are shape errors."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES))
    left, right = draw(kron_expression(depth - 1)), draw(kron_expression(depth - 1))
    form = draw(st.sampled_from(["kron({}, {})", "{}*{}", "{}'*{}", "vec({})", "{}'", "{} + {}"]))
    return form.format(left, right)


@st.composite
def kron_program(draw):
    body = draw(kron_expression())
    source = draw(st.sampled_from(["tr({})", "x'*{}*y", "sum({})", "norm2({})^2", "{}"])).format(body)
    names = [n for n in ("X", "Y", "A", "x", "y", "a") if fs._mentions(source, n)]
    return source, draw(st.sampled_from(names)) if names else None


@settings(
    deadline=None, derandomize=True, database=None, max_examples=150, suppress_health_check=list(HealthCheck)
)
@given(kron_program())
def test_products_of_sizes_derive_and_check_or_are_refused(program):
    """derive() with its check either derives (the check passes, or says in one line why it could
    not check) or raises MatdiffError; fs.outcome fails on anything else, a FAILED check included."""
    source, wrt = program
    kind = fs.outcome(source, wrt, second_look=False)
    assert kind in ("error", "derived", "skipped")
    if kind == "skipped":
        message = derive(source, wrt=wrt).check_result.message
        assert message.startswith("could not check: ") and "\n" not in message


# ---- sizes the check can hold: a product of many sizes grows as the product ----------------------
NESTED = [
    (
        "x'*kron(kron(X', kron(A, A)), Y)*y",
        "Y",
        {"x": N24, "X": X32, "A": A23, "Y": Y32, "y": N54},
        lambda x, X, A, Y, y: x @ np.kron(np.kron(X.T, np.kron(A, A)), Y) @ y,
    ),
    (
        "norm2(kron(vec(kron(X, X)), kron(kron(A, eye(3)), kron(Y, X))))^2",
        "Y",
        {"X": X32, "A": A23, "Y": Y32},
        lambda X, A, Y: np.sum(
            np.kron(np.kron(X, X).reshape(-1, 1, order="F"), np.kron(np.kron(A, np.eye(3)), np.kron(Y, X)))
            ** 2
        ),
    ),
]


@pytest.mark.parametrize("source, wrt, values, f", NESTED, ids=[c[0] for c in NESTED])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_kron_of_krons_is_checked_at_sizes_that_fit_in_memory(source, wrt, values, f, layout):
    # at the check's usual sizes (3, 2, 4, 5, 6, 7) some matrix of these has billions of entries
    d = derive(source, wrt=wrt, layout=layout)
    assert d.check_result.status == "passed", d.check_result.message
    got = np.asarray(d.evaluate(**values), dtype=float)
    want = _expected(f, values, wrt, layout)
    assert got.shape == np.shape(want) and np.allclose(got, want, rtol=1e-6, atol=1e-6), (source, layout)


def test_size_variants_beyond_the_memory_bound_are_replaced_by_small_sizes():
    d = derive(NESTED[0][0], wrt="Y", check=False)
    nodes = post_order([d.function, d.results["numerator"].expr, d.results["denominator"].expr])
    big = {Dim.symbol(s): 7 for s in "mnpqrs"}
    largest = lambda sizes: max(
        Dim.of(r).value(sizes) * Dim.of(c).value(sizes) for r, c in {n.shape for n in nodes}
    )
    assert largest(big) > MAX_ENTRIES
    kept = within_memory([big], nodes)
    assert kept and all(largest(sizes) <= MAX_ENTRIES for sizes in kept)
    assert set(kept[0].values()) == {2, 3}  # still non-square where the shapes allow
    assert within_memory([big], nodes, fallback=False) == []
