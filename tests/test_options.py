"""-o NAME never rebinds what Python or IPython run on; the refusal is the package's caret message."""
import pytest

from matdiff_magic.errors import MatdiffError
from matdiff_magic.options import parse_options


REFUSED = ["get_ipython", "In", "Out", "_oh", "_ih", "_", "__", "___", "_i5", "_12", "exit", "quit",
           "_dh", "print", "max", "float", "len", "if", "lambda", "match", "__builtins__", "x-y", "1a"]


@pytest.mark.parametrize("name", REFUSED)
def test_output_name_refused_with_caret(name):
    line = f"--wrt X -o {name}"
    with pytest.raises(MatdiffError) as info:
        parse_options(line, allow_expression=False)
    text = str(info.value)
    assert "-o" in text and "^" in text                      # the line and a caret under the name
    lines = text.splitlines()
    source = next(ln for ln in lines if ln.endswith(line))
    caret = next(ln for ln in lines if ln.strip() and set(ln.strip()) == {"^"})
    offset = len(source) - len(line)
    assert caret.index("^") - offset == line.index(name, line.index("-o"))
    assert len(caret.strip()) == len(name)


@pytest.mark.parametrize("name", ["d", "grad_f", "D2", "result", "_private", "i5"])
def test_ordinary_output_names_accepted(name):
    opts, _ = parse_options(f"--wrt X -o {name}", allow_expression=False)
    assert opts.output == name


@pytest.mark.parametrize("name", ["get_ipython", "_oh", "Out", "print"])
def test_refused_name_leaves_the_shell_working(shell, name):
    before = shell.user_ns.get(name)
    shell.run_cell(f"%%matdiff --wrt X -o {name}\na'*X*b\n")
    assert shell.user_ns.get(name) is before
    result = shell.run_cell("%%matdiff --wrt X -o d_ok\na'*X*b\n")
    assert result.error_in_exec is None and result.error_before_exec is None
    assert "d_ok" in shell.user_ns
    assert shell.run_cell("1 + 1").result == 2               # history and output still work


@pytest.mark.parametrize(
    "line, option",
    [
        ("--wrt X --wrt a", "--wrt"),  # the last one derived, silently
        ("--layout numerator --layout denominator", "--layout"),
        ("--wrt x --graph --at 'x=2' --at 'y=3'", "--at"),  # x was dropped
        ("--no-check --wrt X --no-check", "--no-check"),
    ],
)
def test_an_option_given_twice_is_refused_at_its_second_place(line, option):
    with pytest.raises(MatdiffError, match=f"option {option} is given more than once") as caught:
        parse_options(line, allow_expression=False)
    span = caught.value.span
    assert line[span.start : span.end] == option and span.start == line.rindex(option)


@pytest.mark.parametrize("option", ["--export", "-i", "--solve", "--order 2", "-l numerator", "--no-check", "--seed 3"])
def test_a_derivation_option_beside_graph_is_refused_not_ignored(option):
    line = f"--graph --at 'x=1' {option}"
    with pytest.raises(MatdiffError, match="is an option of the derivation; --graph draws") as caught:
        parse_options(line, allow_expression=False)
    span = caught.value.span
    assert line[span.start : span.end] == option.split()[0]


def test_the_drawings_own_options_stay_accepted():
    opts, _ = parse_options("--graph --at 'x=1' --mode forward --wrt x -o g --lang zh --timeout 5", False)
    assert opts.graph and opts.mode == "forward" and opts.output == "g"


@pytest.mark.parametrize("line, under", [
    ("--wrt X -o ''", "-o"),            # an empty name: the caret under the option (it was column 1)
    ('--wrt X --output ""', "--output"),
    ("--wrt d -o 1d", "1d"),            # the name, not the first "d" of the line
])
def test_the_caret_of_a_bad_output_name_is_under_it(line, under):
    with pytest.raises(MatdiffError, match="-o takes a Python name") as info:
        parse_options(line, allow_expression=False)
    span = info.value.span
    assert line[span.start:span.end] == under
    assert span.start == line.rindex(under)
