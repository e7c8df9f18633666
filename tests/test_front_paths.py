"""The front end's short paths read a cell as the long ones do: tokens, the size limits, the
LaTeX guess, the kinds usage decides and the measures of a derivation."""

import pytest

from matdiff_magic.derivation.bounds import estimate
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.latex import looks_like_latex
from matdiff_magic.syntax.lexer import tokenize
from matdiff_magic.syntax.parser import MAX_DEPTH, parse
from matdiff_magic.types.lower import typecheck


def test_tokens_of_every_sort_with_their_spans():
    tokens = tokenize("Y = .5*X.^2 ./ 3e-2 # note\nf = a'*Y*b")
    assert [(t.kind, t.text) for t in tokens] == [
        ("name", "Y"), ("op", "="), ("num", ".5"), ("op", "*"), ("name", "X"), ("op", ".^"),
        ("num", "2"), ("op", "./"), ("num", "3e-2"), ("newline", "\n"), ("name", "f"), ("op", "="),
        ("name", "a"), ("op", "'"), ("op", "*"), ("name", "Y"), ("op", "*"), ("name", "b"), ("eof", ""),
    ]
    assert [(t.span.start, t.span.end) for t in tokens[:3]] == [(0, 1), (2, 3), (4, 6)]


@pytest.mark.parametrize("cell", ["a @ b", "2x", "a.b"])
def test_a_character_out_of_place_is_an_error(cell):
    with pytest.raises(MatdiffError):
        tokenize(cell)


def test_a_long_line_is_still_measured():
    deep = "(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5)
    with pytest.raises(MatdiffError, match="nested too deeply"):
        parse(deep)
    transposed = "x" + "'" * (MAX_DEPTH + 5)  # one level per ', without a parenthesis
    with pytest.raises(MatdiffError, match="nested too deeply"):
        parse(transposed)


def test_latex_is_recognised_with_and_without_marks():
    assert not looks_like_latex("a'*X*b")
    assert looks_like_latex(r"\mathrm{tr}(X)")
    assert looks_like_latex("a^TXb")
    assert not looks_like_latex("x^2 # a^T b")


def test_entries_multiplied_are_scalars():
    typed = typecheck("x_1*x_2 + log(x_1)")
    assert typed.expr.is_scalar


def test_a_shared_node_is_measured_once():
    typed = typecheck("x'*x + x'*x")
    m = estimate(typed.expr, "x")
    assert m == (9, 19, 4, 4, 10)  # x'x written out in each term
