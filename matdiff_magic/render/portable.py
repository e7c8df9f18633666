"""TeX that MathJax 2 (nbconvert, nbviewer), MathJax 3 (JupyterLab) and KaTeX (VS Code) all typeset,
however long: the derivation block, and the stepper's lines as they grow step by step."""

from __future__ import annotations

import itertools
import re

# MathJax 2 and 3 refuse a macro followed by more than 5 KB of TeX ("internal buffer size
# exceeded"), so a long block must use none: "\ " is a macro in MathJax 3, \mathrm{x} and
# \mathbf{x} in MathJax 2; "\;", {\rm x} and {\bf x} typeset the same in MathJax 2, 3 and KaTeX.
_NO_MACROS = [
    (re.compile(r"\\mathrm\{([^{}]*)\}"), r"{\\rm \1}"),
    (re.compile(r"\\mathbf\{([^{}]*)\}"), r"{\\bf \1}"),
    # KaTeX expands \operatorname three times and allows a block 1000 expansions (a Hessian's
    # block names diag and vec hundreds of times); an operator in roman type typesets the same
    (re.compile(r"\\operatorname\{([^{}]*)\}"), r"\\mathop{\\rm \1}\\nolimits "),
]
MACRO_BUFFER = 4096  # characters: MathJax's limit is 5 KB after expansion


def portable(tex: str) -> str:
    """``tex`` with the control space always written "\\;", and the font commands as switches once
    it nears MathJax 2's buffer (shorter TeX keeps \\mathrm{d})."""
    if "\\ " in tex:
        tex = _control_spaces(tex)
    if len(tex) > MACRO_BUFFER:
        for pattern, replacement in _NO_MACROS:
            tex = pattern.sub(replacement, tex)
    return tex


def _control_spaces(tex: str) -> str:
    """Each control space "\\ " written "\\;", found by splitting at each backslash and space
    (a regex would need a look-behind, which the engine tries at every position of the block): a
    backslash and a space is a control space after an even run of backslashes (pairs of them are
    line breaks); after an odd one, its backslash closes a line break."""
    pieces = tex.split("\\ ")
    out = [pieces[0]]
    for before, piece in itertools.pairwise(pieces):
        run = len(before) - len(before.rstrip("\\"))
        out.append(("\\ " if run % 2 else "\\;") + piece)
    return "".join(out)
