"""Fonts and wording of the drawings: the language a drawing's words can be shown in, the font
families that show them, and widths in columns.

matplotlib's own fonts (DejaVu) have no Chinese glyphs. A drawing in Chinese asks matplotlib for
its font families as a fallback list, DejaVu first and a CJK family after it, so that Latin
letters, subscripts and ∂ keep DejaVu's shapes and widths and each Chinese character comes from
the CJK font. The CJK family is looked up once, when a drawing first needs it; a font installed
after matplotlib built its font cache (``apt-get install fonts-noto-cjk``) is added to it here.
Without one, the drawing's words stay English (``language``): boxes of missing glyphs would say
nothing. matplotlib is imported only inside the functions.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from matdiff_magic import i18n

# the families tried, in order: monospaced first (the drawing's boxes are measured in columns)
CJK_FAMILIES = (
    "Noto Sans Mono CJK SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei Mono",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)
_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|droidsansfallback|uming|ukai|sourcehan", re.IGNORECASE)


@functools.cache
def cjk_family() -> str | None:
    """The first of CJK_FAMILIES that matplotlib knows (after adding the system's CJK font files
    its cache was built without), or None."""
    from matplotlib import font_manager

    manager = font_manager.fontManager

    def known() -> str | None:
        names = {f.name for f in manager.ttflist}
        return next((name for name in CJK_FAMILIES if name in names), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                with contextlib.suppress(OSError, RuntimeError, ValueError):
                    manager.addfont(path)
        found = known()
    return found


def language(lang: str | None = None) -> str:
    """The language a drawing's words are shown in: ``lang`` (None: the current one), or English
    where no installed font has its glyphs."""
    lang = i18n.current(lang)
    return lang if lang == "en" or cjk_family() is not None else "en"


def families(base: str, lang: str) -> list[str]:
    """Font families for matplotlib, the first that has a glyph drawing it: ``base``, then the
    CJK family for a language that needs one."""
    cjk = cjk_family() if lang != "en" else None
    return [base, cjk] if cjk else [base]


@contextlib.contextmanager
def font_context(base: str, lang: str) -> Iterator[None]:
    """rcParams' font family is ``families(base, lang)`` while a figure's texts are made (each
    text keeps the families it was made with)."""
    import matplotlib

    with matplotlib.rc_context({"font.family": families(base, lang)}):
        yield


def columns(text: str) -> int:
    """Columns a line takes in a monospaced box: a wide (CJK) character two, a combining accent
    none (it sits on the previous character)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text
    )


_WIDE = f"{chr(0x2E80)}-{chr(0x9FFF)}{chr(0xFF00)}-{chr(0xFFEF)}"  # CJK, full-width forms
_TOKEN = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")  # a space, a wide character, a run of others


def wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces or between Chinese
    characters, never inside a word or a formula (norm2(x)^2 stays whole); lines after the first
    indented by ``indent``."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            line += " " if line.strip() else ""
            continue
        if line.strip() and columns(line) + columns(token) > width:
            lines.append(line.rstrip())
            line = indent
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines
