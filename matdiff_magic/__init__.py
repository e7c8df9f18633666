"""matdiff_magic: matrix derivatives by the differential method, step by step, in Jupyter.

``%load_ext matdiff_magic`` registers the ``%%matdiff`` cell magic and the ``%matdiff`` line magic.
In Python: ``derive("a'*exp(X*b)", wrt="X")``.
"""

from __future__ import annotations

import importlib

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


# Lazy (PEP 562) so that `%load_ext matdiff_magic` stays fast: NumPy loads only when something is
# derived. Public name -> the module that defines it.
_LAZY = {
    "derive": "matdiff_magic.derivation.pipeline",
    "MatdiffError": "matdiff_magic.errors",
    "entrywise": "matdiff_magic.render.entrywise",
    "graph": "matdiff_magic.autodiff",
    "check_answer": "matdiff_magic.exercises.diagnose",
    "Derivation": "matdiff_magic.derivation.record",
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'matdiff_magic' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def _jupyter_labextension_paths():
    """Where the prebuilt JupyterLab extension lives (for `jupyter labextension develop`)."""
    return [{"src": "labextension", "dest": "matdiff-magic"}]


def load_ipython_extension(ipython) -> None:
    from matdiff_magic.magic import MatdiffMagics, show_user_errors

    ipython.register_magics(MatdiffMagics)
    show_user_errors(ipython, True)


def unload_ipython_extension(ipython) -> None:
    from matdiff_magic.magic import show_user_errors

    show_user_errors(ipython, False)
