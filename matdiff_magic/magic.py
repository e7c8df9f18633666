"""%%matdiff and %matdiff: the only module that imports IPython; a thin adapter over derive()."""

from __future__ import annotations

import re

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from IPython.display import Markdown

from matdiff_magic import i18n
from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.options import parse_options
from matdiff_magic.timelimit import TimeLimitExceeded, time_limit


@magics_class
class MatdiffMagics(Magics):
    # the line is taken as written: IPython would otherwise run {…} and $name in it as Python
    @no_var_expand
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
            timed_out = MatdiffError(str(error), *_option_at(line, "--timeout"))
            timed_out.lang = _lang_of(line) or timed_out.lang
            raise UsageError(str(timed_out)) from None
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
        if isinstance(source, str):
            _refuse_options_in(source, cell is not None)
        if opts.source_name is not None:
            source = self._sympy_source(opts.source_name, source)
        elif not source.strip():
            raise MatdiffError("nothing to differentiate: write an expression, e.g. %matdiff --wrt x a'*x")
        with time_limit(opts.timeout, opts.graph), i18n.using(opts.lang):  # deriving and typesetting
            if opts.graph:
                # matplotlib loads only for a graph
                from matdiff_magic.autodiff.magic_support import run_graph
                from matdiff_magic.syntax.latex import in_latex, looks_like_latex

                try:
                    if opts.latex or looks_like_latex(source):  # read as LaTeX, errors point into it
                        return in_latex(source, lambda text: run_graph(self.shell, text, opts))
                    return run_graph(self.shell, source, opts)
                except MatdiffError as error:
                    if error.source is None:  # about the options: point at --at, else at --graph
                        option = "--at" if opts.at is not None else "--graph"
                        raise _on_line(error, line, option, opts.at is not None) from None
                    raise
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
                code = d.to_python(backend=opts.export) if opts.export else ""
            except UnknownWrt as error:  # nothing in the cell to point at: the option instead
                raise _at_wrt_option(error, line) from None
            except MatdiffError as error:
                if error.option is not None and error.span is None:  # about an option: point at it
                    flag = error.option in ("--solve", "--by-definition")  # options without a value
                    raise _on_line(error, line, error.option, not flag) from None
                raise
            shown = d.widget() if opts.interactive else _typeset(d)
        if opts.output:
            assert self.shell is not None  # a magic runs in a shell
            self.shell.user_ns[opts.output] = d
        if opts.export:
            from IPython.display import display

            display(d)
            return ExportedCode(code)
        return shown

    def _sympy_source(self, name: str, text: str):
        """The notebook's object ``name`` for --from (derive() refuses what is not SymPy)."""
        if text.strip():
            raise MatdiffError("--from takes the expression from the notebook: write nothing after it")
        assert self.shell is not None  # a magic runs in a shell
        if name not in self.shell.user_ns:
            raise MatdiffError(f"--from {name}: the notebook has no variable {name}")
        return self.shell.user_ns[name]

    @no_var_expand
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


_LANG_OPTION = re.compile(r"--lang(?:\s+|=)['\"]?([A-Za-z_-]+)")  # --lang zh, --lang=zh


def _at_wrt_option(error: MatdiffError, line: str) -> MatdiffError:
    """The error with the magic's line as its source and the caret under --wrt's value, or
    where --wrt goes (the end of the line) when the line has none."""
    m = re.search(r"(?<!\S)(?:--wrt|-w)(?:\s+|=)(\S+)", line)  # --wrt X, --wrt=X
    if m is None:
        shown = line.rstrip() or "%%matdiff"
        hint = error.hint or "add --wrt NAME to the %%matdiff line"
        return MatdiffError(error.message, shown, Span(len(shown), len(shown) + 1), hint)
    return MatdiffError(error.message, line, Span(m.start(1), m.end(1)), error.hint)


def _option_at(line: str, option: str, with_value: bool = True) -> tuple[str | None, Span | None]:
    """The magic's line and the span of ``option`` (with its value), for an error about it."""
    value = r"(?:(?:\s+|=)(?:\"[^\"]*\"|'[^']*'|(?!-)\S+))?" if with_value else ""  # --at X, --at=X
    m = re.search(rf"(?<!\S){re.escape(option)}{value}", line)
    return (line, Span(m.start(), m.end())) if m else (None, None)


def _on_line(error: MatdiffError, line: str, option: str, with_value: bool) -> MatdiffError:
    """An error about the options, shown on the magic's line with the caret under ``option``."""
    source, span = _option_at(line, option, with_value)
    return MatdiffError(error.message, source, span, error.hint)


# a double minus before a name: an option typed into the cell, not a minus of a minus
_OPTION_IN_BODY = re.compile(r"(?:(?<=\s)|^)--[A-Za-z][\w-]*", re.MULTILINE)


def _refuse_options_in(source: str, is_cell: bool) -> None:
    """Refuse ``--name`` in the expression: read as a minus of a minus it would derive a new
    variable ``name`` (``exp(x)'*a --graph`` is ``exp(x)ᵀa - (-graph)``)."""
    in_code = (m for m in _OPTION_IN_BODY.finditer(source) if "#" not in _line_before(source, m.start()))
    m = next(in_code, None)  # a comment may say anything
    if m is None:
        return
    where = "on the %%matdiff line above the cell" if is_cell else "before the expression"
    raise MatdiffError(
        f"{m.group()} in the expression: options go {where}",
        source,
        Span(m.start(), m.end()),
        hint="for a minus of a minus, write - (-name)",
    )


def _line_before(text: str, i: int) -> str:
    return text[text.rfind("\n", 0, i) + 1 : i]


class ExportedCode(Markdown):
    """The module --export writes: its code as text/plain (what a terminal prints) and as a fenced
    Python block in text/markdown (``data``, what a notebook shows)."""

    def __init__(self, code: str):
        super().__init__("```python\n" + code + "```")
        self.code = code

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.code, "text/markdown": self.data}

    def __repr__(self) -> str:
        return self.code


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


def _user_error(shell, etype, value, tb, tb_offset=None):
    """A MatdiffError raised by a call in the notebook (``derive(…)``, ``d.evaluate(…)``): its
    message, line and caret, without the package's frames; ``%tb`` still shows them."""
    shell.showtraceback((etype, value, tb), exception_only=True)
    if shell.call_pdb:  # %pdb on: the debugger, as for any other exception
        shell.debugger(force=True)
    return shell.InteractiveTB.get_exception_only(etype, value)


def show_user_errors(shell, on: bool) -> None:
    """Show a ``MatdiffError`` from Python calls as the magic shows it: without a traceback
    (IPython's ``set_custom_exc``). Installed only where no other handler is, removed on unload."""
    if on and not shell.custom_exceptions:
        shell.set_custom_exc((MatdiffError,), _user_error)
    elif not on and shell.custom_exceptions == (MatdiffError,):
        shell.set_custom_exc((), None)
