"""The types stage sizes a call by the op's own rule (``Op.call_shape`` in the registry): an op
registered with a rule of its own is typed by it, not refused as a function of a square matrix,
and the ops' rules give the shapes and the errors (with their carets) of the language. That every
function of the language has a rule is checked with the other facets (test_registry.py)."""

from __future__ import annotations

import gc

import pytest

from matdiff_magic.errors import MatdiffError
from matdiff_magic.ir import nodes as ir_nodes
from matdiff_magic.ops import registry
from matdiff_magic.ops.declare import Node
from matdiff_magic.syntax import vocabulary
from matdiff_magic.types.lower import typecheck


def _rowsum_call_shape(shapes, sizing):
    (rows, cols), *_ = shapes
    if cols == 1:
        raise sizing.error(
            f"rowsum takes a matrix, but {sizing.text(0)} is {sizing.shape_text(shapes[0])}", 0
        )
    return (rows, 1)


@pytest.fixture
def rowsum():
    """rowsum(X), the sums of the rows of a matrix (m×n -> m×1), registered as a new op with its
    name in the vocabulary for one test; its node class is gone afterwards (tests that walk the
    node classes do not see it)."""

    class _RowSum(Node):
        __slots__ = ("arg",)

        @staticmethod
        def shape_of(arg):
            return (arg.shape[0], 1)

    op = registry.register(_RowSum, names=("rowsum",), call_shape=_rowsum_call_shape, doc="row sums")
    vocabulary.FUNCTIONS.add("rowsum")
    try:
        yield op.node
    finally:
        vocabulary.FUNCTIONS.discard("rowsum")
        del registry.OPS[op.key]
        registry._NAMED.clear()
        delattr(ir_nodes, "_RowSum")
        del op, _RowSum
        gc.collect()


def test_a_new_op_is_typed_by_its_own_rule(rowsum):
    t = typecheck("X: matrix(m, n)\nrowsum(X)")
    assert isinstance(t.expr, rowsum) and t.expr.shape == ("m", 1)
    t = typecheck("a'*rowsum(X)")  # rows(X) = len(a) through the rule
    shapes = {v.name: v.shape for v in t.variables}
    assert shapes["X"][0] == shapes["a"][0] and t.expr.shape == (1, 1)


def test_a_new_ops_rule_raises_the_packages_error_with_a_caret(rowsum):
    source = "x: vector\n1 + rowsum(x)"
    with pytest.raises(MatdiffError) as info:
        typecheck(source)
    assert info.value.message == "rowsum takes a matrix, but x is a vector (m×1)"
    assert source[info.value.span.start : info.value.span.end] == "x"


@pytest.mark.parametrize(
    "source, shape",
    [
        ("A: matrix(2, 3)\nB: matrix(m, n)\nkron(A, B)", ("2·m", "3·n")),
        ("X: matrix(m, n)\nvec(X)", ("m·n", "1")),
        ("x: vector(n)\nsoftmax(x)", ("n", "1")),
        ("X: matrix(m, n)\nsum(X) + norm1(X) + norm2(X)", ("1", "1")),
        ("x: vector(n)\ndiag(x)", ("n", "n")),
        ("X: matrix(n, n)\ndiag(X)", ("n", "1")),
        ("s: scalar\ntr(s)", ("1", "1")),
        ("X: matrix(n, n)\ntr(X) + det(X) + logdet(X)", ("1", "1")),
        ("X: matrix(n, n)\ninv(X) + adj(X)", ("n", "n")),
        ("X: matrix(m, n)\nexp(X) + ln(X)", ("m", "n")),
    ],
)
def test_the_shape_of_each_call(source, shape):
    assert tuple(str(d) for d in typecheck(source).expr.shape) == shape


@pytest.mark.parametrize(
    "source, message, under",
    [
        ("X: matrix(m, n)\nsoftmax(X)", "softmax takes a vector, but X is m×n", "X"),
        ("X: matrix(m, n)\ndiag(X)", "diag takes a vector or a square matrix, but X is m×n", "X"),
        ("x: vector\ntr(x)", "tr needs a square matrix, but x is a vector (m×1)", "x"),
        ("X: matrix(m, n)\n2*adj(X)", "adj needs a square matrix, but X is m×n", "X"),
        ("X: matrix(m, n)\ninv(X')", "inv needs a square matrix, but X' is n×m", "X'"),
    ],
)
def test_the_errors_of_each_call(source, message, under):
    with pytest.raises(MatdiffError) as info:
        typecheck(source)
    assert info.value.message == message
    assert source[info.value.span.start : info.value.span.end] == under
