"""--wrt X in a cell written as a formula, Y = AXB: the language reads AXB as one name, so the
error points at it with a caret and says how to write the product (or to read the cell as LaTeX)."""
import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError


@pytest.mark.parametrize(
    ("cell", "wrt", "name", "product"),
    [
        ("Y = AXB\nf = tr(Y'*Y)", "X", "AXB", "A*X*B"),
        ("a'*Ax", "x", "Ax", "A*x"),
        ("tr(XB)", "X", "XB", "X*B"),
    ],
)
def test_the_caret_is_under_the_name_that_holds_the_variable(cell, wrt, name, product):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt=wrt)
    error = info.value
    assert error.message.startswith(f"unknown variable {wrt!r} for --wrt")
    assert cell[error.span.start : error.span.end] == name
    assert f"write it with *: {product}" in error.hint and "--latex" in error.hint
    text = str(error)
    assert "^" * len(name) in text and f"line {error.line} |" in text


def test_the_product_written_out_derives():
    d = derive("Y = A*X*B\nf = tr(Y'*Y)", wrt="X")
    assert d.steps[-1].text == "2 Aᵀ Y Bᵀ"
    assert derive("Y = AXB\nf = tr(Y'*Y)", wrt="X", latex=True).steps[-1].text == "2 Aᵀ Y Bᵀ"


@pytest.mark.parametrize(("cell", "wrt"), [("a'*X*b", "Z"), ("xbar'*y", "x"), ("Sigma*y", "S")])
def test_other_unknown_variables_keep_the_plain_message(cell, wrt):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt=wrt)
    assert info.value.hint is None and info.value.span is None


def test_the_magic_shows_it_in_chinese(shell):
    result = shell.run_cell("%%matdiff --lang zh --wrt X\nY = AXB\nf = tr(Y'*Y)\n")
    text = str(result.error_in_exec)
    assert "AXB 是一个名字" in text and "A*X*B" in text and "^^^" in text


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("%%matdiff --wrt Z\na'*X*b\n", "--wrt Z"),
        ("%%matdiff --layout numerator --wrt Z\na'*X*b\n", "--layout numerator --wrt Z"),
        ("%matdiff --export --wrt Z a'*X*b", "--export --wrt Z a'*X*b"),
        ("%%matdiff --wrt Z\n\\mathbf{a}^T X b\n", "--wrt Z"),
    ],
)
def test_the_magic_points_at_an_unknown_wrt_on_its_line(shell, code, line):
    result = shell.run_cell(code)
    lines = str(result.error_in_exec).splitlines()
    assert lines[0] == "UsageError: unknown variable 'Z' for --wrt: the expression's variables are a, X, b" or (
        lines[0] == "unknown variable 'Z' for --wrt: the expression's variables are a, X, b"
    )
    source = next(ln for ln in lines if ln.endswith(line))
    caret = next(ln for ln in lines if ln.strip() == "^")
    assert caret.index("^") - (len(source) - len(line)) == line.index("Z")
    again = shell.run_cell("%%matdiff --wrt X\na'*X*b\n")
    assert again.error_in_exec is None
