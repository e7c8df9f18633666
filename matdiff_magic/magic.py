"""%%matdiff and %matdiff: the only module that imports IPython; a thin adapter over derive()."""

from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from matdiff_magic.errors import MatdiffError
from matdiff_magic.options import parse_options
from matdiff_magic.timelimit import TimeLimitExceeded, time_limit


@magics_class
class MatdiffMagics(Magics):
    @line_cell_magic
    def matdiff(self, line: str, cell: str | None = None):
        """Derive ∂f/∂X by the differential method, step by step.

        Cell:  %%matdiff --wrt X [--layout numerator|denominator|mixed] [--no-check] [-o NAME]
                         [--symmetric independent|sym|minka]
               followed by declarations (X: matrix(m, n), S: symmetric) and the expression,
               e.g. a'*exp(X*b)
        Line:  %matdiff --wrt X a'*exp(X*b)
        """
        try:
            return self._run(line, cell)
        except MatdiffError as error:
            raise UsageError(str(error)) from None
        except TimeLimitExceeded as error:
            raise UsageError(str(error)) from None
        except (RecursionError, MemoryError) as error:
            raise UsageError(f"the expression is too large to derive ({type(error).__name__})") from None
        except UsageError:
            raise
        except Exception as error:  # a bug of ours: say so briefly, keep the kernel alive
            raise UsageError(
                f"matdiff internal error ({type(error).__name__}: {error}); please "
                "report the cell that caused it"
            ) from None

    def _run(self, line: str, cell: str | None):
        opts, rest = parse_options(line, allow_expression=cell is None)
        source = cell if cell is not None else rest
        if not source.strip():
            raise MatdiffError("nothing to differentiate: write an expression, e.g. %matdiff --wrt x a'*x")
        with time_limit(opts.timeout):  # deriving and typesetting: display comes after
            if opts.graph:
                # matplotlib loads only for a graph
                from matdiff_magic.autodiff.magic_support import run_graph

                return run_graph(self.shell, source, opts)
            # NumPy loads on first use, so that %load_ext stays fast
            from matdiff_magic.derivation.pipeline import derive

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
            )
            code = d.to_python() if opts.export else ""
            shown = d.widget() if opts.interactive else _typeset(d)
        if opts.output:
            assert self.shell is not None  # a magic runs in a shell
            self.shell.user_ns[opts.output] = d
        if opts.export:
            from IPython.display import Markdown, display

            display(d)
            return Markdown("```python\n" + code + "```")
        return shown


def _typeset(d):
    """Typeset the derivation now, inside the time limit, and keep the bundle for its display:
    typesetting every step of a long derivation takes longer than deriving it, and the display
    itself runs after the magic has returned, where no limit applies."""
    bundle = d._repr_mimebundle_()
    d._repr_mimebundle_ = lambda include=None, exclude=None: bundle
    return d
