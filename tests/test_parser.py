"""Parser goldens as S-expressions (the Pratt demo's style) and error positions."""
from __future__ import annotations

import pytest

from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.ast import to_sexpr
from matdiff_magic.syntax.parser import parse, parse_expression
from matdiff_magic.types.lower import typecheck

GOLDENS = [
    ("1+2*3", "(+ 1 (* 2 3))"),
    ("a'*X*b", "(* (* (' a) X) b)"),
    ("-x^2", "(neg (^ x 2))"),
    ("x^-1", "(^ x (neg 1))"),
    ("2^3^2", "(^ 2 (^ 3 2))"),
    ("(a'*x)^2", "(^ (* (' a) x) 2)"),
    ("norm2(x)^2", "(^ (norm2 x) 2)"),
    ("X'' ", "(' (' X))"),
    ("a - b - c", "(- (- a b) c)"),
    ("a - (b - c)", "(- a (- b c))"),
    ("exp(X*b) .* a", "(.* (exp (* X b)) a)"),
    ("X./Y.^2", "(./ X (.^ Y 2))"),
    ("2.*x", "(.* 2 x)"),
    ("0.5*x + .25*y + 1e-3*z", "(+ (+ (* 1/2 x) (* 1/4 y)) (* 1/1000 z))"),
    ("ln(x1) + x1*x2 - sin(x2)", "(- (+ (ln x1) (* x1 x2)) (sin x2))"),  # names as written
    ("log(det(Sigma)) + tr(S*inv(Sigma))", "(+ (log (det Sigma)) (tr (* S (inv Sigma))))"),
    ("vector(1)'*x", "(* (' (vector 1)) x)"),
    ("tr(eye)", "(tr eye)"),
    ("x/2", "(/ x 2)"),
    ("-a'*x", "(* (neg (' a)) x)"),
]


@pytest.mark.parametrize("text, sexpr", GOLDENS)
def test_golden(text, sexpr):
    assert to_sexpr(parse_expression(text)) == sexpr


def test_program_lines():
    p = parse("# a comment\nX: matrix(m, n)\na, b: vector\nS: symmetric(n)\nf = a'*X*b  # end\n")
    assert [(d.names[0][0], d.kind, tuple(x for x, _ in d.dims)) for d in p.declarations] == [
        ("X", "matrix", ("m", "n")), ("a", "vector", ()), ("S", "symmetric", ("n",))]
    assert p.declarations[1].names[1][0] == "b"
    assert p.expression.name == "f"
    assert to_sexpr(p.expression.expr) == "(* (* (' a) X) b)"


def test_newlines_inside_parentheses_continue_the_line():
    p = parse("tr(A*\n  X)")
    assert to_sexpr(p.expression.expr) == "(tr (* A X))"


ERRORS = [  # text, message fragment, (line, column) of the caret (function names: the types stage)
    ("a +", "ends too early", (1, 4)),
    ("(a + b", "unbalanced parentheses", (1, 1)),
    ("a + b)", "no matching '('", (1, 6)),
    ("foo(x)", "unknown function 'foo'", (1, 1)),
    ("a b", "expected an operator", (1, 3)),
    ("x @ y", "unexpected character '@'", (1, 3)),
    ("X: matrx", "unknown kind 'matrx'", (1, 4)),
    ("X: matrix(m)\nX", "takes 2 sizes", (1, 11)),
    ("a'*X*\n", "ends too early", (1, 6)),
    ("\n\n   tr(X", "unbalanced parentheses", (3, 6)),
    ("exp", "is a function", (1, 1)),
    ("2x", "cannot run into a name", (1, 2)),
    ("# only a comment", "no expression", (1, 17)),
    ("a = = b", "unexpected '='", (1, 5)),
]


@pytest.mark.parametrize("text, fragment, position", ERRORS)
def test_error_position(text, fragment, position):
    with pytest.raises(MatdiffError) as info:
        typecheck(text)
    error = info.value
    assert fragment in error.message
    assert (error.line, error.column) == position
    rendered = str(error).splitlines()
    # the source line and a caret under the reported column
    caret_line = next(line for line in rendered if set(line.strip()) <= {"^"} and "^" in line)
    source_line = rendered[rendered.index(caret_line) - 1]
    prefix = source_line.index("| ") + 2
    assert caret_line.index("^") - prefix == position[1] - 1


def test_unknown_function_suggests_a_close_name():
    with pytest.raises(MatdiffError) as info:
        typecheck("trace(X)")
    assert "did you mean" in info.value.hint and "tr" in info.value.hint


@pytest.mark.parametrize("text", ["__import__('os').system('echo hi')", "lambda x: x",
                                  "X.__class__", "open('f')", "exec('1')", "a; b", "x[0]"])
def test_code_is_never_accepted(text):
    with pytest.raises(MatdiffError):
        parse(text)


def test_deep_nesting_is_refused_with_a_message():
    with pytest.raises(MatdiffError, match="nested too deeply"):
        parse("(" * 10_000 + "x" + ")" * 10_000)


def test_long_flat_sums_parse_without_recursion():
    p = parse(" + ".join(["x"] * 1500))   # past the recursion limit, were sums nested
    assert len(p.expression.expr.terms) == 1500


def test_inputs_past_the_size_limit_are_refused_where_they_grow_too_large():
    with pytest.raises(MatdiffError, match="too large") as info:
        parse(" + ".join(["x"] * 5000))
    assert info.value.span is not None


def test_definitions_count_written_out():
    # each line doubles the one before: 2^30 factors once written out, refused at once
    cell = "\n".join(["Y1 = X*X"] + [f"Y{i + 1} = Y{i}*Y{i}" for i in range(1, 30)] + ["tr(Y30)"])
    with pytest.raises(MatdiffError, match="once the definitions above it are written out") as info:
        parse(cell)
    assert cell[info.value.span.start:info.value.span.end].startswith("Y")


def test_transposes_count_towards_the_nesting_limit():
    with pytest.raises(MatdiffError, match="nested too deeply"):
        parse("x" + "'" * 5000)
