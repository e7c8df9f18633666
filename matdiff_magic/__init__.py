"""matdiff_magic: matrix derivatives by the differential method, step by step, in Jupyter.

``%load_ext matdiff_magic`` registers the ``%%matdiff`` cell magic and the ``%matdiff`` line magic.
In Python: ``derive("a'*exp(X*b)", wrt="X")``.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = [
    "MatdiffError",
    "check_answer",
    "derive",
    "entrywise",
    "graph",
    "load_ipython_extension",
    "unload_ipython_extension",
]


def __getattr__(name):
    # Lazy so that `%load_ext matdiff_magic` stays fast: NumPy loads only when something is derived.
    if name == "derive":
        from matdiff_magic.derivation.pipeline import derive

        return derive
    if name == "MatdiffError":
        from matdiff_magic.errors import MatdiffError

        return MatdiffError
    if name == "entrywise":
        from matdiff_magic.render.entrywise import entrywise

        return entrywise
    if name == "graph":
        from matdiff_magic.autodiff import graph

        return graph
    if name == "check_answer":
        from matdiff_magic.exercises.diagnose import check_answer

        return check_answer
    if name == "Derivation":
        from matdiff_magic.derivation.record import Derivation

        return Derivation
    raise AttributeError(f"module 'matdiff_magic' has no attribute {name!r}")


def _jupyter_labextension_paths():
    """Where the prebuilt JupyterLab extension lives (for `jupyter labextension develop`)."""
    return [{"src": "labextension", "dest": "matdiff-magic"}]


def load_ipython_extension(ipython) -> None:
    from matdiff_magic.magic import MatdiffMagics

    ipython.register_magics(MatdiffMagics)


def unload_ipython_extension(ipython) -> None:
    pass
