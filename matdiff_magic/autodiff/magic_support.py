"""``%%matdiff --graph``: parse ``--at`` (never with eval), build the graph, display the drawing
and the trace table. User mistakes are MatdiffErrors; the magic prints them as one message.

    %%matdiff --graph --at "x1=2, x2=5" [--mode forward|reverse|both] [--wrt x1]
    ln(x1) + x1*x2 - sin(x2)

``--at`` takes ``name=number`` or ``name=identifier`` (a variable of the notebook). A variable of
the expression that ``--at`` does not mention is looked up in the notebook under its own name.
"""

from __future__ import annotations

import re

from matdiff_magic.autodiff.names import expression_names
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.lexer import _exact as number_in_range  # the range a cell allows

_ITEM = re.compile(r"\s*(?P<name>[^=,\s]*)\s*(?P<eq>=?)\s*(?P<value>[^,]*?)\s*(?:,|$)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def parse_at(text: str, namespace: dict) -> dict:
    """'x1=2, X=X0' -> {'x1': 2.0, 'X': namespace['X0']}."""
    values, pos = {}, 0
    text = text or ""
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if m is None or m.end() == pos:
            raise MatdiffError("--at: cannot read this", text, Span(pos, len(text)), hint=_HINT)
        name, value = m.group("name"), m.group("value")
        if not name and not value and not m.group("eq"):
            pos = m.end()
            continue
        if not _IDENT.match(name):
            raise MatdiffError(
                f"--at: {name!r} is not a variable name" if name else "--at: a name is missing before =",
                text,
                Span(m.start("name"), max(m.end("name"), m.start("name") + 1)),
                hint=_HINT,
            )
        if not m.group("eq") or not value:
            raise MatdiffError(
                f"--at: give {name} a value, e.g. {name}=2", text, Span(m.start("name"), m.end()), hint=_HINT
            )
        span = Span(m.start("value"), m.end("value"))
        if name in values:
            raise MatdiffError(f"--at: {name} is given twice", text, Span(m.start("name"), m.end("name")))
        if _NUMBER.match(value):
            # the range a number in a cell has (1e400 is refused, not read as inf), same message
            number_in_range(value.lstrip("+-"), text, span)
            values[name] = float(value)
        elif _IDENT.match(value):
            if value not in namespace:
                raise MatdiffError(
                    f"--at: {value} is not defined in the notebook",
                    text,
                    span,
                    hint=f"define it first, e.g. {value} = np.array([...])",
                )
            values[name] = namespace[value]
        else:
            raise MatdiffError(
                f"--at: {value!r} is neither a number nor a variable name", text, span, hint=_HINT
            )
        pos = m.end()
    return values


_HINT = 'write --at "x1=2, x2=5" (numbers) or --at "X=X0, b=b0" (variables of the notebook)'


def build_graph(shell, source: str, opts):
    from matdiff_magic.autodiff.graph import build

    try:
        values = parse_at(opts.at, shell.user_ns)
        names = expression_names(source)
    except MatdiffError as error:
        error.with_source(source)  # keeps the --at text when the error is about --at
        raise
    unknown = [n for n in values if n not in names]
    if unknown:
        raise MatdiffError(
            f"--at: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
            f"a variable of the expression (its variables are {', '.join(names)})"
        )
    for name in names:
        if name not in values:
            if name not in shell.user_ns:
                raise MatdiffError(
                    f"no value for {name}: give it with --at, e.g. "
                    f'--at "{name}=…", or define {name} in the notebook'
                )
            values[name] = shell.user_ns[name]
    g = build(source, values, at=opts.at or "")  # refuses a point outside the domain
    if opts.wrt is not None and opts.wrt not in g.inputs:
        from matdiff_magic.syntax.latex import wrt_spellings

        opts.wrt = next((name for name in wrt_spellings(opts.wrt) if name in g.inputs), opts.wrt)
    if opts.wrt is not None and opts.wrt not in g.inputs:
        raise MatdiffError(f"--wrt {opts.wrt}: the inputs are {', '.join(g.inputs)}")
    return g


def run_graph(shell, source: str, opts):
    from IPython.display import display

    from matdiff_magic.autodiff.draw import figure_png

    g = build_graph(shell, source, opts)
    fig = g.draw(mode=opts.mode, wrt=opts.wrt)
    # no text/plain: a terminal would print the Graph's repr above the tables
    display({"image/png": figure_png(fig)}, raw=True)
    display(g.table(mode=opts.mode, wrt=opts.wrt))
    if getattr(opts, "output", None):
        shell.user_ns[opts.output] = g
    return None
