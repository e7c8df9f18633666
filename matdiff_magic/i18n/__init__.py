"""The language a derivation, an error and the stepper speak: English (``en``) or Chinese (``zh``).

The stages record English wording (rule names, notes, layout sentences, check lines, error
messages); it is translated here, at the output boundary, from the glossary of the language
(``en.json``, ``zh.json`` next to this module: the one place with the wording). A glossary maps
an English key to its wording; a key with ``{0}``, ``{1}`` … is a template whose placeholders
hold what the message embeds (names, expressions, numbers, or English wording that is itself
translated), e.g. ``"move {0} to the front"`` -> ``"把 {0} 移到最前面"``. Mathematics is never
translated: a placeholder that is no key stays as it was. In a wording, ``{=n}`` is kept as
it was matched, never looked up (what the user typed: ``--layout {=0}``), and ``{~n}`` is
translated and put after a space only when it starts with mathematics (``是{~0}``).

The language is chosen per call (``derive(..., lang="zh")``, ``%%matdiff --lang zh``), for the
session (``%matdiff_config lang=zh``, ``set_default``) or by the environment variable
``MATDIFF_LANG``; ``using`` makes one the current language of a block, so that a MatdiffError
raised inside it speaks that language. Only the standard library is imported: ``errors`` uses it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

LANGS = ("en", "zh")
ENV_VAR = "MATDIFF_LANG"
_HERE = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_LETTER = re.compile(r"[^\W\d_]")
_CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("matdiff_lang", default=None)
_SESSION: list[str | None] = [None]  # %matdiff_config lang=…; None: the environment's


class UnknownLanguage(ValueError):
    """A language that has no glossary (the callers turn it into a MatdiffError)."""


def check(lang: str) -> str:
    """``lang`` itself, normalised (``ZH``, ``zh-CN``, ``zh_Hans`` are ``zh``); UnknownLanguage else."""
    if lang in LANGS:  # already a code: every step shown asks, with the derivation's language
        return lang
    code = re.split(r"[-_.]", str(lang).strip().lower())[0]
    if code not in LANGS:
        raise UnknownLanguage(f"unknown language {lang!r}: choose {' or '.join(LANGS)}")
    return code


def default() -> str:
    """The session's language: ``set_default``'s, else ``MATDIFF_LANG``'s, else English."""
    if _SESSION[0] is not None:
        return _SESSION[0]
    env = os.environ.get(ENV_VAR, "")
    try:
        return check(env) if env else "en"
    except UnknownLanguage:
        return "en"  # a stray value must not break every cell: it is ignored


def set_default(lang: str | None) -> None:
    """Set the session's language (None: back to ``MATDIFF_LANG`` or English)."""
    _SESSION[0] = None if lang is None else check(lang)


def current(lang: str | None = None) -> str:
    """``lang`` when given, else the language of the enclosing ``using`` block, else the session's."""
    if lang is not None:
        return check(lang)
    return _CURRENT.get() or default()


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Make ``lang`` (None: the session's) the current language inside the block."""
    token = _CURRENT.set(current(lang))
    try:
        yield _CURRENT.get() or "en"
    finally:
        _CURRENT.reset(token)


class Glossary:
    """One language's wording: exact keys, and templates tried most specific first.

    Templates are tried twice: first with placeholders that hold no sentence break (". " or
    "; "), so that a description of two sentences is translated sentence by sentence, then with
    any text. The most specific comes first: most letters, then fewest placeholders ("{0} and
    {1}" before "{0} {1} and {2}", which would split "product rule and power rule" at its first
    space). A template of placeholders and punctuation alone ("{0}; {1}") would match any text:
    it is left out, and such a text is translated clause by clause instead.
    """

    def __init__(self, lang: str, entries: dict[str, str]):
        self.lang = lang
        self.entries = entries
        self.exact = {k: v for k, v in entries.items() if not _PLACEHOLDER.search(k)}
        self.identity = all(k == v for k, v in entries.items())  # English: nothing to do
        self.keys = frozenset(entries)

    # The templates are compiled on first use: English (the identity) never uses them, and
    # compiling its ~700 patterns made the session's first derivation wait about 0.1 s.
    @functools.cached_property
    def _by_literal(self) -> list[str]:
        entries = self.entries
        return sorted(
            (k for k in entries if _PLACEHOLDER.search(k) and _LETTER.search(_PLACEHOLDER.sub("", k))),
            key=lambda k: (
                -len(_LETTER.findall(_PLACEHOLDER.sub("", k))),
                len(_PLACEHOLDER.findall(k)),
                -len(_PLACEHOLDER.sub("", k)),
            ),
        )

    @functools.cached_property
    def templates(self) -> list[tuple[re.Pattern, str, str]]:
        return [(_compile(k, _IN_SENTENCE), self.entries[k], k) for k in self._by_literal]

    @functools.cached_property
    def loose(self) -> list[tuple[re.Pattern, str, str]]:
        return [(_compile(k, _ANY), self.entries[k], k) for k in self._by_literal]

    @functools.cached_property
    def specific(self) -> list[tuple[re.Pattern, str, str]]:
        # "{0} and {1}", "{0} is": one bare word around placeholders would match much prose
        return [t for t in self.templates if not _GENERIC.fullmatch(_PLACEHOLDER.sub("", t[2]))]


_IN_SENTENCE = r"(?:(?![.;] ).)*?"
_GENERIC = re.compile(r"\s*[^\W\d_]*\s*")
_ANY = r".*?"


def _compile(key: str, group: str) -> re.Pattern:
    out, seen, pos = [], set(), 0
    for m in _PLACEHOLDER.finditer(key):
        out.append(re.escape(key[pos : m.start()]))
        n = m.group(1)
        out.append(f"(?P=p{n})" if n in seen else f"(?P<p{n}>{group})")
        seen.add(n)
        pos = m.end()
    out.append(re.escape(key[pos:]))
    return re.compile("".join(out), re.DOTALL)


@functools.cache
def glossary(lang: str) -> Glossary:
    """The glossary of ``lang`` (read once from its JSON file)."""
    lang = check(lang)
    with open(_HERE / f"{lang}.json", encoding="utf-8") as f:
        entries = json.load(f)
    # Keys and wordings are stripped: " for a Hessian" is looked up as "for a Hessian", its
    # spaces kept around the translation
    return Glossary(lang, {k.strip(): v.strip() for k, v in entries.items() if not k.startswith("//")})


def translate(text: str, lang: str | None = None) -> str:
    """``text`` (English wording, possibly embedding mathematics) in ``lang``; what no key covers
    is kept as it is, so mathematics passes through unchanged."""
    g = glossary(current(lang))
    if g.identity or not text:
        return text
    return _translate(g.lang, text)


def whole(text: str, lang: str | None = None, specific: bool = False) -> str | None:
    """``text`` in ``lang`` when one glossary key covers it whole (exact, or a template whose
    placeholders hold no sentence break; ``specific``: not a template of one bare word, such as
    "{0} and {1}"), else None."""
    g = glossary(current(lang))
    if g.identity:
        return text
    if not specific:
        return _whole(g.lang, text)
    if text in g.exact:
        return g.exact[text]
    return _fill(g.lang, g.specific, text, *_edges(text))


_EDGE = re.compile(r"^([\s(\[]*)(.*?)([\s.:;,)\]]*)$", re.DOTALL)
_SENTENCES = re.compile(r"(?<=\.)\s+(?=[^a-z\s`])")  # not "e.g. `x`" or "rel. error"
_CLAUSES = re.compile(r"; ")
# in a wording: {n} translated, {=n} kept, {~n} translated and after a space when it starts with
# mathematics, none when with Chinese ("是{~0}": "是 m×n", "是行向量 (1×n)")
_VALUE_PLACEHOLDER = re.compile(r"\{([=~]?)(\d+)\}")


@functools.lru_cache(maxsize=4096)
def _translate(lang: str, text: str) -> str:
    g = glossary(lang)
    said = _whole(lang, text)
    if said is not None:
        return said
    # Sentences, then hints joined by "; ", each translated on its own
    for split, joiner, whole in ((_SENTENCES, "", False), (_CLAUSES, "；", True)):
        parts = split.split(text)
        if len(parts) > 1:
            said = _segments(lang, parts, split.pattern, joiner, whole)
            if said is not None:
                return said
    said = _fill(lang, g.loose, text, *_edges(text))
    return text if said is None else said


def _whole(lang: str, text: str) -> str | None:
    """``text`` translated as one key (exact, or a template whose placeholders hold no sentence
    break); None when no key covers it whole."""
    g = glossary(lang)
    if text in g.exact:
        return g.exact[text]
    lead, core, trail = _edges(text)
    if core in g.exact:
        return lead + g.exact[core] + trail
    return _fill(lang, g.templates, text, lead, core, trail)


def _segments(lang: str, parts: list[str], sep: str, joiner: str, whole: bool) -> str | None:
    """``parts`` translated as the longest runs that have a translation; None if none has (or,
    ``whole``, if one has none: "; " inside a placeholder, as in "(sizes m=3; m=2)", is no break)."""
    glue = ". " if "." in sep else "; "
    out, i, changed = [], 0, False
    while i < len(parts):
        for j in range(len(parts), i, -1):
            if i == 0 and j == len(parts):
                continue  # the whole text: the caller's
            run = glue.join(parts[i:j]) if glue == "; " else " ".join(parts[i:j])
            said = _whole(lang, run) if j > i + 1 or whole else _translate(lang, run)
            if (said is None or (said == run and english_prose(run))) and j == i + 1:
                return None  # a sentence no key words: the text stays whole, not half translated
            if said is not None:
                changed |= said != run
                out.append(said)
                i = j
                break
    if not changed:
        return None
    text = out[0]
    for piece in out[1:]:
        text += (joiner if glue == "; " or not text[-1:].isascii() else " ") + piece
    return text


class _Untranslated(Exception):
    """A placeholder holds English prose that no key translates: the template does not fit."""


# English prose, as opposed to the mathematics a placeholder holds: a function word or a
# possessive ("the + and the - cases", "A's columns"); code in backquotes and options are no prose
_FUNCTION_WORD = re.compile(
    r"(?<![\w\\])(?:[Tt]he|an|of|and|or|is|are|was|be|to|in|for|with|as|by|not|its|it|that|this|"
    r"on|at|from|one|them|which|if|can|cannot|must|has|have|no)(?![\w(])|\w's\b"
)  # "a" is no such word: it is a common name of a vector
_CODE = re.compile(r"`[^`]*`|--\w[\w-]*(?:\s+[A-Z_]+\b)?|\w+\([^()]*\)")


def english_prose(text: str) -> bool:
    """Whether ``text`` holds English prose outside code and mathematics (a translation holding
    some is a mixed sentence: it is not made)."""
    return bool(_FUNCTION_WORD.search(_CODE.sub(" ", text)))


def _put(lang: str, m: re.Match, p: re.Match) -> str:
    """What placeholder ``p`` of a wording holds: the matched text, translated unless ``{=n}``
    (``{~n}``: after a space when it starts with mathematics); _Untranslated when it holds
    English prose that stays English (a name or an expression kept as ``{=n}`` holds none)."""
    held = m.group("p" + p.group(2))
    said = held if p.group(1) == "=" else _translate(lang, held)
    if english_prose(said):
        raise _Untranslated(held)
    if p.group(1) == "~" and said and display_width(said[0]) == 1:
        return " " + said  # Chinese puts a space before mathematics, none before a Chinese word
    return said


def _fill(lang: str, templates: list, text: str, lead: str, core: str, trail: str) -> str | None:
    """``text`` by the first template that matches it whole and whose placeholders hold
    mathematics or translated wording, never English prose ("{0} and {1}" does not make
    "write the +与the - cases"); None when none does."""
    for pattern, value, _ in templates:
        for candidate in (text, core):
            m = pattern.fullmatch(candidate)
            if m:
                try:
                    filled = _VALUE_PLACEHOLDER.sub(functools.partial(_put, lang, m), value)
                except _Untranslated:
                    continue
                return filled if candidate is text else lead + filled + trail
    return None


def _edges(text: str) -> tuple[str, str, str]:
    """Leading brackets and spaces, the wording, trailing punctuation: "(symmetric; " has the
    wording "symmetric"."""
    m = _EDGE.match(text)
    assert m is not None  # _EDGE matches every string
    return m.group(1), m.group(2), m.group(3)


_TEXT = re.compile(r"\\text\{([^{}]*)\}")


def translate_tex(tex: str, lang: str | None = None) -> str:
    """TeX with the wording inside each ``\\text{…}`` translated; the mathematics is untouched."""
    g = glossary(current(lang))
    if g.identity or "\\text{" not in tex:
        return tex
    return _TEXT.sub(lambda m: "\\text{" + _translate(g.lang, m.group(1)) + "}", tex)


def translate_identity_text(text: str, latex: str, lang: str | None = None) -> str:
    """An identity's Unicode reading with the words its TeX writes in ``\\text{…}`` translated
    (``dA = 0 for a constant A``: the TeX's ``\\text{ for a constant }``)."""
    g = glossary(current(lang))
    if g.identity or not text:
        return text
    for core in sorted({w.strip() for w in _TEXT.findall(latex)} - {""}, key=len, reverse=True):
        said = _translate(g.lang, core).strip()
        if said != core:  # "，对常量" follows the formula directly, a word after a space
            glued = ("" if said[0] in "，。；：" else " ") + said
            # a function as replacement: the wording is not a template of backslash escapes
            text = re.sub(r"\s*\b" + re.escape(core) + r"\b", functools.partial(_constant, glued), text)
    return text


def _constant(value: str, _: re.Match) -> str:
    return value


def display_width(s: str) -> int:
    """Columns ``s`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def keys(lang: str) -> frozenset:
    """Every key of the glossary of ``lang``."""
    return glossary(lang).keys
