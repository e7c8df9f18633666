"""%%matdiff and %matdiff: the only module that imports IPython; a thin adapter over derive()."""

from __future__ import annotations

import re

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

from matdiff_magic import i18n
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.options import parse_options
from matdiff_magic.timelimit import TimeLimitExceeded, time_limit


@magics_class
class MatdiffMagics(Magics):
    @line_cell_magic
    def matdiff(self, line: str, cell: str | None = None):
        """Derive ∂f/∂X by the differential method, step by step.

        Cell:  %%matdiff --wrt X [--layout numerator|denominator|mixed] [--no-check] [-o NAME]
                         [--symmetric independent|sym|minka] [--adjugate]
               followed by declarations (X: matrix(m, n), S: symmetric) and the expression,
               e.g. a'*exp(X*b)
        Line:  %matdiff --wrt X a'*exp(X*b)
               %matdiff --wrt X --from expr   derives the SymPy matrix expression expr of the notebook
        --export [numpy|jax|torch] also shows the derivation as a module for that framework
        Both:  --lang en|zh words the derivation, its errors and the stepper (default: the session's)
               --latex reads the expression as LaTeX even without a backslash, brace, bar or ^T
        """
        try:
            return self._run(line, cell)
        except MatdiffError as error:
            error.lang = _lang_of(line) or error.lang  # an option error comes before --lang is read
            raise UsageError(str(error)) from None
        except TimeLimitExceeded as error:
            raise UsageError(i18n.translate(str(error), _lang_of(line))) from None
        except (RecursionError, MemoryError) as error:
            raise UsageError(
                i18n.translate(
                    f"the expression is too large to derive ({type(error).__name__})", _lang_of(line)
                )
            ) from None
        except UsageError:
            raise
        except Exception as error:  # a bug of ours: say so briefly, keep the kernel alive
            raise UsageError(
                i18n.translate(
                    f"matdiff internal error ({type(error).__name__}: {error}); please "
                    "report the cell that caused it",
                    _lang_of(line),
                )
            ) from None

    def _run(self, line: str, cell: str | None):
        opts, rest = parse_options(line, allow_expression=cell is None)
        source = cell if cell is not None else rest
        if opts.source_name is not None:
            source = self._sympy_source(opts.source_name, source)
        elif not source.strip():
            raise MatdiffError("nothing to differentiate: write an expression, e.g. %matdiff --wrt x a'*x")
        with time_limit(opts.timeout), i18n.using(opts.lang):  # deriving and typesetting
            if opts.graph:
                # matplotlib loads only for a graph
                from matdiff_magic.autodiff.magic_support import run_graph
                from matdiff_magic.syntax.latex import in_latex, looks_like_latex

                if opts.latex or looks_like_latex(source):  # read as LaTeX, errors point into it
                    return in_latex(source, lambda text: run_graph(self.shell, text, opts))
                return run_graph(self.shell, source, opts)
            # NumPy loads on first use, so that %load_ext stays fast
            from matdiff_magic.derivation.pipeline import derive
            from matdiff_magic.types.lower import UnknownWrt

            try:
                d = derive(
                    source,
                    wrt=opts.wrt,
                    layout=opts.layout,
                    check=opts.check,
                    order=opts.order,
                    seed=opts.seed,
                    by_definition=opts.by_definition,
                    solve=opts.solve,
                    symmetric=opts.symmetric,
                    lang=opts.lang,
                    latex=opts.latex or None,
                    determinant="adjugate" if opts.adjugate else None,
                )
            except UnknownWrt as error:  # nothing in the cell to point at: the option instead
                raise _at_wrt_option(error, line) from None
            code = d.to_python(backend=opts.export) if opts.export else ""
            shown = d.widget() if opts.interactive else _typeset(d)
        if opts.output:
            assert self.shell is not None  # a magic runs in a shell
            self.shell.user_ns[opts.output] = d
        if opts.export:
            from IPython.display import Markdown, display

            display(d)
            return Markdown("```python\n" + code + "```")
        return shown

    def _sympy_source(self, name: str, text: str):
        """The notebook's object ``name`` for --from (derive() refuses what is not SymPy)."""
        if text.strip():
            raise MatdiffError("--from takes the expression from the notebook: write nothing after it")
        assert self.shell is not None  # a magic runs in a shell
        if name not in self.shell.user_ns:
            raise MatdiffError(f"--from {name}: the notebook has no variable {name}")
        return self.shell.user_ns[name]

    @line_magic
    def matdiff_config(self, line: str):
        """Session settings of %%matdiff: ``%matdiff_config lang=zh`` (or ``lang=en``); without
        arguments, shows them. ``lang`` starts as the environment variable MATDIFF_LANG's, or en."""
        settings = {}
        for item in line.split():
            key, eq, value = item.partition("=")
            if key != "lang" or not eq:
                raise UsageError(
                    i18n.translate(f"%matdiff_config takes settings such as lang=zh, not {item!r}")
                )
            try:
                settings["lang"] = i18n.check(value)
            except i18n.UnknownLanguage:
                raise UsageError(i18n.translate(f"unknown language {value!r}: choose en or zh")) from None
        if "lang" in settings:
            i18n.set_default(settings["lang"])
        print(f"lang={i18n.default()}")


_LANG_OPTION = re.compile(r"--lang\s+['\"]?([A-Za-z_-]+)")


def _at_wrt_option(error: MatdiffError, line: str) -> MatdiffError:
    """The error with the magic's line as its source and the caret under --wrt's value."""
    m = re.search(r"--wrt\s+(\S+)", line)
    if m is None:
        return error
    return MatdiffError(error.message, line, Span(m.start(1), m.end(1)), error.hint)


def _lang_of(line: str) -> str | None:
    """The --lang of a magic's line, if it names a language, for errors raised while reading it."""
    m = _LANG_OPTION.search(line)
    try:
        return i18n.check(m.group(1)) if m else None
    except i18n.UnknownLanguage:
        return None


def _typeset(d):
    """Typeset the derivation now, inside the time limit, and keep the bundle for its display:
    typesetting every step of a long derivation takes longer than deriving it, and the display
    itself runs after the magic has returned, where no limit applies."""
    bundle = d._repr_mimebundle_()
    d._repr_mimebundle_ = lambda include=None, exclude=None: bundle
    return d
