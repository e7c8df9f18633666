"""Every error and hint in Chinese under ``--lang zh``: no English word outside the mathematics
and code, no sentence half translated ("the + 与 the - cases"), the caret where the English
message has one.

The cells below trigger the package's user errors one by one (the parser, the LaTeX reader, the
kinds and sizes, the time limit); each runs through the magic in both languages. A message with
no glossary entry must come out whole, in English, never with single words translated: the
glossary's templates of one bare word ("{0} and {1}") are used only when what their
placeholders hold is mathematics or translated wording.

The wording the glossary test of test_i18n.py reads from the source misses some messages: it
leaves out templates holding a backslash (the LaTeX reader's ``\\partial``), hints kept in
dictionaries or returned by helpers, and the time limit, which is no MatdiffError. Those are
read here.
"""

from __future__ import annotations

import ast
import itertools
import json
import pathlib
import re

import pytest
from conftest import run
from english_words import english_in
from test_i18n import WORDINGS, _assignments, _key, _sites, _templates, package_modules

from matdiff_magic import derive, i18n
from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax.parser import KINDS
from matdiff_magic.timelimit import TimeLimitExceeded

ROOT = pathlib.Path(__file__).resolve().parent.parent / "matdiff_magic"
ZH = json.loads((ROOT / "i18n" / "zh.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# a call, a TeX command, a name with digits (norm2), the magic's name
CODE = re.compile(r"\w+\([^()]*\)|\\\w+|\b[A-Za-z]+\d\w*|%{0,2}matdiff")


def _chain(layers: int) -> str:
    expr = "x"
    for k in range(1, layers + 1):
        expr = f"tanh(W{k}*{expr})"
    return f"a'*{expr}"


REPRODUCERS = [  # (cell, options)
    (_chain(32), "--wrt W1 --timeout 0.005"),
    (r"\partial X", "--wrt X"),
    (r"\nabla f", "--wrt X"),
    (r"\pm x", "--wrt x"),
    (r"\exq(X)", "--wrt X"),
    ("X: matrix(6, 6)\nsum(kron(A, B)*X)", "--wrt X"),
    ("1/N*sum(X)", "--wrt X"),
]
SWEEP = [  # (cell, --wrt): the parser, the LaTeX reader, kinds, sizes, functions, the variable
    ("foo(X)", "X"),
    ("a'*X*b +", "X"),
    ("a'*X*b", "Q"),
    ("x: scalar\nx*X", "Y"),
    ("a*b", "a"),
    ("a + X", "X"),
    ("a'*X*b)", "X"),
    ("((a'*X*b)", "X"),
    ("x: blob\nx", "x"),
    ("X: matrix(7, 7)\nsum(kron(A, B)*X)", "X"),
    (r"\mp x", "x"),
    (r"\frac{\partial f}{\partial x}", "x"),
    (r"\#X", "X"),
    ("df = a'*dX*b", "X"),
    ("a'*X*b = 3", "X"),
    ("[a, b; c]", "a"),
    ("norm3(x)", "x"),
    ("Sigma: sym\nx", "x"),
    ("eye(3)*X\nX: matrix(4, 4)", "X"),
    ("a'*X*b\nX: matrix(2,3)\nX: matrix(3,3)", "X"),
    ("x: vector(3)\ny: vector(4)\nx'*y", "x"),
    ("x^X", "x"),
    ("3 = x", "x"),
]
OPTION_ERRORS = [  # (cell, options): an option's value, a missing --wrt, an option in the cell
    ("a'*x", "--wrt x --order 3"),
    ("a'*x", "--wrt x --layout sideways"),
    ("a'*x", "--wrt x --export fortran"),
    ("a'*x", "--wrt x --mode sideways"),
    ("a'*x", "--wrt x --symmetric foo"),
    ("a'*x", "--wrt x --timeout -1"),
    ("a'*x", "--wrt x --bogus"),
    ("a'*x", ""),
    ("a'*x --graph", "--wrt x"),
    ("log(x)", '--graph --at "x=-1"'),
    ("a'*x", '--wrt x --at "q=1" --graph'),
]
CELLS = REPRODUCERS + [(cell, f"--wrt {wrt}") for cell, wrt in SWEEP] + OPTION_ERRORS
# the values an option takes and the placeholder of a hint: code, the same in every language
OPTION_VALUES = {"numerator", "denominator", "mixed", "numpy", "jax", "torch", "independent"}
OPTION_VALUES |= {"sym", "minka", "forward", "reverse", "both", "wrt", "name"}


def _error(shell, cell: str, options: str, lang: str) -> str:
    result, _ = run(shell, f"%%matdiff --lang {lang} {options}\n{cell}\n")
    assert not result.success, (cell, lang)
    return str(result.error_in_exec)


def _caret(text: str) -> tuple[str, int, int] | None:
    """(the source line shown, the caret's first column in it, its width), None without one."""
    lines = text.split("\n")
    for shown, under in itertools.pairwise(lines):
        if " | " in shown and set(under.strip()) == {"^"}:
            prefix, source = shown.split(" | ", 1)
            start = len(under) - len(under.lstrip()) - i18n.display_width(prefix + " | ")
            return source, start, len(under.strip())
    return None


def _prose_lines(text: str) -> list[str]:
    """The message and the hint: not the source line and its caret."""
    return [s for s in text.split("\n") if " | " not in s and s.strip(" ^")]


@pytest.mark.parametrize(("cell", "options"), CELLS, ids=lambda v: v[:40])
def test_every_error_reads_in_chinese_through_the_magic(shell, cell, options):
    en, zh = _error(shell, cell, options, "en"), _error(shell, cell, options, "zh")
    prose = _prose_lines(zh)
    assert CJK.search(prose[0]), zh  # the message
    if "hint:" in en:
        hint = next(s for s in prose if s.startswith("提示："))
        assert CJK.search(hint[len("提示：") :]), zh
    names = set(re.findall(r"[A-Za-z]\w*", cell + " " + options)) | set(KINDS) | OPTION_VALUES
    for line in prose:
        said = CODE.sub(" ", line)
        assert not english_in(said, names), (line, english_in(said, names))
        assert not i18n.english_prose(line), line  # no sentence half translated
    assert (_caret(zh) is None) == (_caret(en) is None), (en, zh)
    if _caret(en) is not None:  # under the same characters of the same line
        assert _caret(zh) == (_caret(en)[0].replace("--lang en", "--lang zh"), *_caret(en)[1:])


def test_the_time_limit_points_at_the_option_in_both_languages(shell):
    """A time limit has no place in the cell: its caret is under --timeout on the magic's line."""
    for lang in ("en", "zh"):
        said = _error(shell, _chain(32), "--wrt W1 --timeout 0.005", lang)
        source, start, width = _caret(said) or ("", 0, 0)
        assert source[start : start + width].startswith("--timeout"), said


@pytest.mark.parametrize(
    ("cell", "wrt"), [(r"\partial X", "X"), (r"\pm x", "x"), ("X: matrix(6, 6)\nsum(kron(A, B)*X)", "X")]
)
def test_derive_raises_the_same_chinese_error(cell, wrt):
    with pytest.raises(MatdiffError) as zh:
        derive(cell, wrt=wrt, lang="zh")
    said = str(zh.value)
    assert CJK.search(said.split("\n")[0]) and "提示：" in said
    assert "与the" not in said and "'s " not in said


# ---- the translation never makes a mixed sentence


@pytest.mark.parametrize(
    "text",
    [
        "write the + and the - cases as three formulas",  # "{0} and {1}" matches; no key for its parts
        "the sizes of A and B differ",
        "x is small. The second sentence has no entry.",
        "the rows of X and the rows of Y",
    ],
)
def test_a_message_without_an_entry_comes_out_whole(text):
    assert i18n.translate(text, "zh") == text


def test_a_template_of_one_word_still_joins_translated_wording():
    assert i18n.translate("A's columns and B's columns", "zh") == "A 的列数与B 的列数"
    assert i18n.translate("did you mean norm2 or norm1?", "zh") == "你是不是想写 norm2 或 norm1？"


def test_english_prose_is_told_from_mathematics():
    assert i18n.english_prose("write the +")
    assert i18n.english_prose("A's columns")
    assert not i18n.english_prose("a'*tanh(W1*x)")
    assert not i18n.english_prose("A: matrix(m, 2)")
    assert not i18n.english_prose("n·q")


# ---- the messages the glossary test of test_i18n.py does not read


def _calls_and_helpers() -> dict[str, str]:
    """key -> where, for what test_i18n's harvest leaves out: templates with a backslash at an
    error's site, the values of dictionaries of hints, what a ``*_hint`` helper returns."""
    found: dict[str, str] = {}
    for rel, tree, top in package_modules():
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for site in _sites(node):
                    found.update({_key(t): where for t in _templates(site, top) if "\\" in t})
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id.endswith("HINTS") for t in node.targets)
                and isinstance(node.value, ast.Dict)
            ):
                for v in node.value.values:
                    found.update({_key(t): where for t in _templates(v, {})})
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("_HINT") for t in node.targets
            ):
                found.update({_key(t): where for t in _templates(node.value, {})})
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_hint"):
                env = _assignments(node, top)
                for r in ast.walk(node):
                    if isinstance(r, ast.Return) and r.value is not None:
                        found.update({_key(t): where for t in _templates(r.value, env)})
    return {k.strip(): w for k, w in found.items() if re.search(r"[A-Za-z]{3,}", re.sub(r"\{\d+\}", "", k))}


MORE_WORDINGS = _calls_and_helpers()


def test_the_reader_finds_what_the_glossary_test_misses():
    for key in (
        "\\{0} is not part of a formula matdiff derives",
        "write the + and the - cases as two formulas",
        "{0} cannot be {1}: no sizes of at least 2 make {2} = {3}",
    ):
        assert key in MORE_WORDINGS, key


@pytest.mark.parametrize("key", sorted(MORE_WORDINGS))
def test_every_missed_wording_has_an_entry(key):
    assert key in i18n.keys("en") and key in i18n.keys("zh"), MORE_WORDINGS[key]


def test_the_time_limit_has_an_entry():
    said = i18n.translate(str(TimeLimitExceeded(0.05)), "zh")
    assert CJK.search(said) and not english_in(said), said


def test_every_wording_with_mathematics_in_its_places_reads_in_chinese():
    """Each wording the two readers find, its placeholders filled with a name: Chinese, with no
    English word but the code its Chinese wording keeps (option values, kinds, identifiers)."""
    raw = {k: v for k, v in ZH.items() if not k.startswith("//")}
    wordings = {**WORDINGS, **MORE_WORDINGS}
    assert len(wordings) > 300
    bad = []
    for key, where in wordings.items():
        said = i18n.translate(re.sub(r"\{\d+\}", "X", key), "zh")
        kept = set(re.findall(r"[A-Za-z]\w*", re.sub(r"\{=?\d+\}", " ", raw.get(key, ""))))
        plain = re.sub(r"\b\w*_\w*", " ", CODE.sub(" ", said))  # grad_f: an identifier
        if english_in(plain, kept | set(KINDS)) or i18n.english_prose(said):
            bad.append((where, key, said))
    assert not bad, bad


def test_the_stepper_s_time_limit_speaks_the_derivation_s_language(monkeypatch):
    """Re-deriving by another variable in the stepper is cut off in the derivation's language,
    not the session's (the error is made after the language's block has ended)."""
    from matdiff_magic.render import stepper_state

    d = derive("a'*tanh(W2*tanh(W1*x))", wrt="W1", lang="zh")
    monkeypatch.setattr(stepper_state, "REDERIVE_SECONDS", 1e-4)
    with pytest.raises(MatdiffError) as error:
        stepper_state.rederive(d, "W2", d.layout)
    said = str(error.value)
    assert said.startswith("推导用时超过") and not english_in(said), said
