"""The options of %%matdiff / %matdiff, parsed by hand: the line magic's expression contains
quotes (a'*x) that shlex-style splitting would take for strings."""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field

from matdiff_magic import i18n
from matdiff_magic.errors import MatdiffError, Span

LAYOUT_CHOICES = ("numerator", "denominator", "mixed")
MODE_CHOICES = ("forward", "reverse", "both")
SYMMETRIC_CHOICES = ("independent", "sym", "minka")  # conventions for a symmetric variable
EXPORT_CHOICES = ("numpy", "jax", "torch")  # --export alone is numpy


@dataclass
class Options:
    wrt: str | None = None
    layout: str = "mixed"
    check: bool = True
    output: str | None = None
    order: int = 1
    interactive: bool = False
    graph: bool = False
    at: str | None = None
    mode: str = "both"
    seed: int = 0
    timeout: float = 10.0
    by_definition: bool = False
    solve: bool = False
    export: str = ""  # the backend of the exported module (numpy, jax, torch); "" for none
    source_name: str | None = None  # --from NAME: derive the SymPy expression NAME of the notebook
    symmetric: str = "independent"
    lang: str | None = None  # en or zh; None: the session's (%matdiff_config lang=…, MATDIFF_LANG)
    latex: bool = False  # read the cell as LaTeX even without a backslash (syntax.latex)
    adjugate: bool = False  # d|X| = tr(adj(X) dX), seed 000's form of the determinant rule
    flags: set = field(default_factory=set)  # options recognised but handled elsewhere
    given: set = field(default_factory=set)  # the options written on the line (attribute names)


# option -> (attribute, takes a value, converter)
_OPTIONS: dict[str, tuple] = {  # option -> (attribute, takes a value, converter or None)
    "--wrt": ("wrt", True, str),
    "-w": ("wrt", True, str),
    "--layout": ("layout", True, str),
    "-l": ("layout", True, str),
    "--no-check": ("check", False, None),
    "-o": ("output", True, str),
    "--output": ("output", True, str),
    "--order": ("order", True, int),
    "-i": ("interactive", False, None),
    "--interactive": ("interactive", False, None),
    "--graph": ("graph", False, None),
    "--at": ("at", True, str),
    "--mode": ("mode", True, str),
    "--seed": ("seed", True, int),
    "--timeout": ("timeout", True, float),
    "--by-definition": ("by_definition", False, None),
    "--solve": ("solve", False, None),
    "--export": ("export", "optional", None),  # --export, or --export jax|torch|numpy
    "--from": ("source_name", True, str),
    "--symmetric": ("symmetric", True, str),
    "--lang": ("lang", True, str),
    "--latex": ("latex", False, None),
    "--adjugate": ("adjugate", False, None),
}
# The values an option chooses among, and the options whose value names a variable or an output:
# what the lab extension's highlighter colours (labextension/src/generated/options.ts).
OPTION_CHOICES: dict[str, tuple] = {
    "--layout": LAYOUT_CHOICES,
    "-l": LAYOUT_CHOICES,
    "--mode": MODE_CHOICES,
    "--symmetric": SYMMETRIC_CHOICES,
    "--export": EXPORT_CHOICES,
    "--lang": i18n.LANGS,
}
NAME_OPTIONS = tuple(option for option, (attr, *_) in _OPTIONS.items() if attr in ("wrt", "output"))


def option_values() -> dict[str, str]:
    """option -> "value" (always takes one), "optional" (--export [jax]) or "flag"."""
    return {
        option: "optional" if takes == "optional" else "value" if takes else "flag"
        for option, (_, takes, _) in _OPTIONS.items()
    }


# a token: a quoted string, an option with its value after = (--wrt='\mathbf{W}_1', quoted or not),
# or a word
_TOKEN = re.compile(r"""\s*((?:--?[A-Za-z][\w-]*=)?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|\S+)""")
_WITH_VALUE = re.compile(r"(--?[A-Za-z][\w-]*)=")  # --wrt=X, -o=d: the option, its value after =
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*$")

# Names IPython itself keeps in the user namespace: rebinding one breaks later cells (get_ipython
# is what every magic calls; _oh and Out hold the output history the next result is written to).
IPYTHON_NAMES = frozenset(
    {
        "get_ipython",
        "In",
        "Out",
        "exit",
        "quit",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "_ih",
        "_oh",
        "_dh",
        "_sh",
    }
)
_HISTORY_NAME = re.compile(r"_i?\d+$")  # _5 and _i5: the output and input of cell 5


def parse_options(line: str, allow_expression: bool) -> tuple[Options, str]:
    """Options at the start of ``line``; the rest is the expression (line magic) or must be empty."""
    opts, pos = Options(), 0
    while True:
        m = _TOKEN.match(line, pos)
        if not m:
            break
        tok, start = m.group(1), m.start(1)
        joined = _WITH_VALUE.match(tok)  # --wrt=X: the option and its value in one word
        inline = tok[joined.end() :] if joined else None
        if joined:
            tok = joined.group(1)
        if tok not in _OPTIONS:
            if tok.startswith("--") or (
                tok.startswith("-")
                and len(tok) == 2
                and tok[1].isalpha()
                and (not allow_expression or joined is not None)
            ):
                raise MatdiffError(
                    f"unknown option {tok}",
                    line,
                    Span(start, start + len(tok)),
                    hint="options: " + " ".join(sorted({k for k in _OPTIONS if k.startswith("--")})),
                )
            break
        attr, takes_value, convert = _OPTIONS[tok]
        if attr in opts.given:  # the last would win silently: --wrt X --wrt a derived by a
            raise MatdiffError(f"option {tok} is given more than once", line, Span(start, start + len(tok)))
        opts.given.add(attr)
        pos = m.end()
        if inline is not None:  # --option=value: the value is the rest of the word, even if empty
            if not takes_value:
                raise MatdiffError(f"{tok} takes no value", line, Span(start + len(tok), m.end(1)))
            at = Span(start + len(tok) + 1, m.end(1))
            raw = inline
        elif takes_value == "optional":
            v = _TOKEN.match(line, pos)
            chosen = v is not None and v.group(1) in EXPORT_CHOICES
            if v is not None and not chosen and not allow_expression and not v.group(1).startswith("-"):
                # the cell magic's line holds only options: a word after --export is a backend
                raise MatdiffError(
                    f"--export {v.group(1)}: choose numpy, jax or torch", line, Span(v.start(1), v.end(1))
                )
            setattr(opts, attr, v.group(1) if v is not None and chosen else "numpy")
            pos = v.end() if v is not None and chosen else pos
            continue
        elif not takes_value:
            setattr(opts, attr, attr != "check")
            continue
        else:
            v = _TOKEN.match(line, pos)
            if not v or v.group(1).startswith("--"):
                raise MatdiffError(f"{tok} needs a value", line, Span(start, start + len(tok)))
            at, raw = Span(v.start(1), v.end(1)), v.group(1)
            pos = v.end()
        value = raw[1:-1] if raw[:1] in "\"'" and raw[-1:] == raw[:1] and len(raw) > 1 else raw
        if not value and inline is not None:  # --wrt= (a quoted '' is a value, refused by its check)
            raise MatdiffError(f"{tok} needs a value", line, Span(start, m.end(1)))
        if takes_value == "optional":  # --export=jax
            if value not in EXPORT_CHOICES:
                raise MatdiffError(f"--export {value}: choose numpy, jax or torch", line, at)
            setattr(opts, attr, value)
            continue
        try:
            setattr(opts, attr, convert(value))
        except ValueError:
            raise MatdiffError(_not_a_value(tok, value), line, at) from None
    rest = line[pos:].strip()
    if rest and not allow_expression:
        start = line.index(rest, pos)
        raise MatdiffError(
            "unexpected text on the %%matdiff line: the expression goes in the cell below",
            line,
            Span(start, start + len(rest)),
        )
    _validate(opts, line)
    return opts, rest


def _not_a_value(option: str, value: str) -> str:
    """What ``option`` takes, for a value that is not of its type (--seed 1.5, --order two): for
    --seed and --order what a number out of their range is told too."""
    if option == "--seed":
        return _seed_refused()
    if option == "--order":
        return _order_refused(value)
    return f"{option} takes a number, not {value!r}"


def _seed_refused() -> str:
    return "--seed takes a whole number ≥ 0"


def _order_refused(value) -> str:
    return f"--order {value}: matdiff derives first derivatives (--order 1) and Hessians (--order 2)"


# what the derivation does and the drawing of --graph does not (they had no effect with it)
_DERIVATION_ONLY = (
    "--layout",
    "-l",
    "--no-check",
    "--order",
    "-i",
    "--interactive",
    "--by-definition",
    "--solve",
    "--export",
    "--symmetric",
    "--adjugate",
    "--seed",
)


def _validate(opts: Options, line: str) -> None:
    if opts.layout not in LAYOUT_CHOICES:
        raise MatdiffError(
            f"--layout {opts.layout}: choose numerator, denominator or mixed",
            line,
            _span_of(line, opts.layout),
        )
    if opts.symmetric not in SYMMETRIC_CHOICES:
        raise MatdiffError(
            f"--symmetric {opts.symmetric}: choose independent, sym or minka",
            line,
            _span_of(line, opts.symmetric),
            hint="independent: every entry independent (the default); sym: (G + Gᵀ)/2; "
            "minka: G + Gᵀ − G ⊙ I (Matrix Cookbook (138))",
        )
    if opts.lang is not None:
        try:
            opts.lang = i18n.check(opts.lang)
        except i18n.UnknownLanguage:
            raise MatdiffError(
                f"--lang {opts.lang}: choose en or zh", line, _span_of(line, opts.lang)
            ) from None
    if opts.mode not in MODE_CHOICES:
        raise MatdiffError(
            f"--mode {opts.mode}: choose forward, reverse or both", line, _span_of(line, opts.mode)
        )
    for option in ("--at", "--mode"):
        if _OPTIONS[option][0] in opts.given and not opts.graph:  # they set up the drawing only
            raise MatdiffError(
                f"{option} is an option of --graph (the computation graph); add --graph",
                line,
                _span_of(line, option),
            )
    if opts.graph:  # the drawing takes --at, --mode, --wrt, -o, --lang, --latex and --timeout only
        for option in _DERIVATION_ONLY:
            at = re.search(rf"(?<!\S){re.escape(option)}(?![^\s=])", line)  # --seed 3, --seed=3
            if at is not None and _OPTIONS[option][0] in opts.given:
                raise MatdiffError(
                    f"{option} is an option of the derivation; --graph draws the computation graph",
                    line,
                    Span(at.start(), at.end()),
                )
    if opts.source_name is not None and opts.graph:
        raise MatdiffError("--from derives a SymPy expression; --graph takes the expression itself", line)
    if opts.source_name is not None and not opts.source_name.isidentifier():
        raise MatdiffError(
            f"--from takes the name of a SymPy expression in the notebook, not {opts.source_name!r}",
            line,
            _span_of(line, opts.source_name),
        )
    if opts.wrt is not None and not _IDENT.match(opts.wrt):
        from matdiff_magic.syntax.latex import wrt_spellings  # only here: %load_ext stays light

        # --wrt Σ, '\varepsilon', '\mathbf{W}_1': kept as written, and matched to the cell's
        # variables under each name it may mean (types.lower.choose_wrt)
        if not any(_IDENT.match(name) for name in wrt_spellings(opts.wrt)):
            written = "‘" + opts.wrt + "’"  # as typed: a repr would double its backslashes
            raise MatdiffError(f"--wrt takes a variable name, not {written}", line, _span_of(line, opts.wrt))
    if opts.output is not None:
        _validate_output_name(opts.output, line)
    if not opts.timeout > 0 or opts.timeout == float("inf"):  # also NaN
        raise MatdiffError("--timeout takes a positive number of seconds", line, _span_of(line, "--timeout"))
    if opts.order not in (1, 2):
        raise MatdiffError(_order_refused(opts.order), line, _span_of(line, "--order"))
    if opts.seed < 0:
        raise MatdiffError(_seed_refused(), line, _span_of(line, "--seed"))


def _validate_output_name(name: str, line: str) -> None:
    """-o NAME binds NAME in the notebook: refuse what is not a name, and the names Python and
    IPython run on (keywords, built-ins such as ``print``, dunders such as ``__builtins__``,
    IPython's ``get_ipython``, ``In``/``Out`` and the history names ``_``, ``_oh``, ``_5``, ``_i5``)."""
    span = _output_span(line, name)
    if not name.isidentifier() or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise MatdiffError(
            f"-o takes a Python name, not {name!r}", line, span, hint="a name such as d or grad_f"
        )
    if name.startswith("__"):
        # a dunder such as __builtins__ would replace what the notebook itself runs on
        raise MatdiffError(
            f"-o takes a Python name, not {name!r}",
            line,
            span,
            hint="names that start with __ are Python's own",
        )
    if name in IPYTHON_NAMES or _HISTORY_NAME.match(name):
        raise MatdiffError(
            f"-o {name}: IPython keeps its own {name!r} in the notebook; choose another name",
            line,
            span,
            hint="a name such as d or grad_f",
        )
    if hasattr(builtins, name):
        raise MatdiffError(
            f"-o {name}: {name!r} is a Python built-in; choose another name",
            line,
            span,
            hint="a name such as d or grad_f",
        )


def _output_span(line: str, name: str) -> Span:
    """Where -o's (or --output's) value is on the line: its name (not the first place the same
    letters appear, as in --wrt d -o d1), or the option itself for an empty name (-o '')."""
    for m in re.finditer(r"(?:^|\s)(-o|--output)(?:\s+|=)", line):
        rest = line[m.end() :]
        value = rest.lstrip("'\"")
        at = m.end() + len(rest) - len(value)
        if name and value.startswith(name):
            return Span(at, at + len(name))
        if not name:
            return Span(m.start(1), m.end(1))
    return _span_of(line, name)


def _span_of(line: str, text: str) -> Span:
    i = max(0, line.find(text))
    return Span(i, i + len(text))
