"""--export on the magic's line: a backend the package does not know is named as such, with a caret
under it, in the cell magic; the line magic still reads the word after --export as its expression."""
import pytest

from matdiff_magic.errors import MatdiffError
from matdiff_magic.options import parse_options


@pytest.mark.parametrize("line", ["--wrt X --export tensorflow", "--export tf --wrt X", "--export Numpy"])
def test_unknown_backend_is_named_with_a_caret(line):
    word = line.split("--export ")[1].split()[0]
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    error = info.value
    assert error.message == f"--export {word}: choose numpy, jax or torch"
    lines = str(error).splitlines()
    source = next(ln for ln in lines if ln.endswith(line))
    caret = next(ln for ln in lines if ln.strip() and set(ln.strip()) == {"^"})
    offset = len(source) - len(line)
    assert caret.index("^") - offset == line.index(word, line.index("--export"))
    assert len(caret.strip()) == len(word)


@pytest.mark.parametrize(("line", "backend"), [("--wrt X --export", "numpy"), ("--export jax --wrt X", "jax"),
                                              ("--export --wrt X", "numpy"), ("--wrt X --export torch", "torch")])
def test_known_backends_and_the_default(line, backend):
    opts, rest = parse_options(line, allow_expression=False)
    assert (opts.export, rest) == (backend, "")


def test_the_line_magic_reads_the_expression_after_export():
    opts, rest = parse_options("--wrt x --export a'*x", allow_expression=True)
    assert (opts.export, rest) == ("numpy", "a'*x")


def test_the_cell_magic_shows_the_message_in_chinese(shell):
    shell.run_cell("%matdiff_config lang=zh")
    try:
        result = shell.run_cell("%%matdiff --wrt X --export tensorflow\na'*X*b\n")
    finally:
        shell.run_cell("%matdiff_config lang=en")
    assert result.error_in_exec is not None
    assert "请选择 numpy、jax 或 torch" in str(result.error_in_exec)
