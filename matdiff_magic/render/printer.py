"""One precedence-aware printer for the IR, with a TeX and a Unicode notation.

The leaves are printed here; every operation by its op's notation (``ops/``): one description —
a call tr(·), a postfix ᵀ, delimiters |·|, an infix operator with its precedence — printed for both
targets (the TeX of each symbol is in ``render/notation.py``).

Parentheses are added only where precedence needs them. ``highlight`` is a set of node ids to
mark (the part a step changed); ``hide_scalar_trace`` prints tr(s) as s for a 1×1 s, which is how
derivations by a vector are written (df = gᵀdx rather than tr(gᵀdx)).
"""

from __future__ import annotations

import re

from matdiff_magic.derivation.simplify_fractions import VULGAR, as_fraction
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.notations import (
    P_ADD,
    P_ATOM,
    P_DIFF,
    P_HADAMARD,
    P_MUL,
    P_NEG,
    P_POSTFIX,
    Brackets,
    Call,
    Delimited,
    Indexed,
    Infix,
    Juxtaposition,
    Named,
    Partial,
    Postfix,
    Prefix,
    Root,
    Superscript,
    Terms,
)
from matdiff_magic.ops.registry import OPS, find
from matdiff_magic.render import memo
from matdiff_magic.render.hats import hat_latex, hat_text
from matdiff_magic.render.notation import (
    DELIMITER_LATEX,
    INFIX_LATEX,
    call_latex,
    name_latex,
    name_text,
    number_latex,
    number_text,
    subscript_text,
    superscript,
    superscript_latex,
)
from matdiff_magic.render.spacing import join_text, runs_as_powers

HIGHLIGHT_COLOR = "#d62728"
__all__ = [
    "P_ADD",
    "P_ATOM",
    "P_DIFF",
    "P_HADAMARD",
    "P_MUL",
    "P_NEG",
    "P_POSTFIX",
    "hat_latex",
    "hat_text",
    "to_latex",
    "to_text",
]


class _Printer:
    def __init__(
        self, tex: bool, highlight=frozenset(), hide_scalar_trace=False, abbrev=None, root=None, elide=None
    ) -> None:
        self.tex, self.highlight, self.hide_scalar_trace = tex, highlight, hide_scalar_trace
        self.abbrev, self.root = abbrev or {}, root  # root: the node being defined, not abbreviated
        # what a shortened line leaves out (render.elide.Elision): nodes written ⋯, and the
        # nodes above them, which print differently from the whole line (never memoised)
        self.elide = elide.marks if elide is not None else None
        self.elided_below = elide.above if elide is not None else frozenset()
        self.windows = elide.windows if elide is not None else {}  # wide sums and products
        # inside memo.printing(): what is printed is kept by node identity and these options
        self.memo, self.options = memo.current(), (tex, hide_scalar_trace, id(abbrev) if abbrev else 0)
        # what this printer's options printed, by node id (one table per options: no key to build)
        self.table = self.memo.printed.setdefault(self.options, {}) if self.memo is not None else {}
        self.held = self.memo.held if self.memo is not None else []  # the nodes in the table
        # nothing coloured or left out: every node but the root prints as the table has it
        self.plain = self.memo is not None and not highlight and elide is None
        # the names found, by node id (node, name or None): the same for every options' table
        self.names = self.memo.keep("names", abbrev, dict) if self.memo is not None and abbrev else None
        self.marked: set | None = None  # ids of the nodes that hold a highlighted one
        self.whole: _Printer | None = None  # the same without the shortening
        self.colouring = [0]  # > 0 inside a coloured part: one colour, not one inside another

    # -- entry point: returns (string, precedence)
    def go(self, e: ir.Expr) -> tuple[str, int]:
        if self.plain and e is not self.root:
            hit = self.table.get(id(e))
            if hit is None:
                hit = self.table[id(e)] = self._shown(e)
                self.held.append(e)
            return hit
        shown = self.memo
        if shown is not None and self.highlight and self.marked is None:  # the first call: the line
            self.marked = shown.marked_below(e, self.highlight)
        i = id(e)  # once: every node printed is looked up by it
        if self.elide is not None and i not in self.elided_below:
            # a part a shortened line shows whole: printed (and memoised) as in the whole line,
            # even where a node it holds is left out elsewhere in the line
            return (self.whole or self._whole()).go(e)
        if shown is None:
            return self._go(e)
        if e is self.root or (self.marked and i in self.marked) or i in self.elided_below:
            return self._go(e)
        hit = self.table.get(i)
        if hit is None:
            hit = self.table[i] = self._go(e) if self.highlight else self._shown(e)  # _go colours only those
            self.held.append(e)
        return hit

    def _whole(self) -> _Printer:
        """This printer without the shortening, made once."""
        if self.whole is None:
            self.whole = _Printer(
                self.tex, self.highlight, self.hide_scalar_trace, self.abbrev or None, self.root
            )
            self.whole.marked = self.marked  # the highlighted parts' holders in the whole line
            self.whole.colouring = self.colouring
        return self.whole

    def _go(self, e: ir.Expr) -> tuple[str, int]:
        if id(e) in self.highlight and not self.colouring[0]:
            self.colouring[0] += 1
            try:
                s, p = self._shown(e)
            finally:
                self.colouring[0] -= 1
            return (f"{{\\color{{{HIGHLIGHT_COLOR}}}{{{s}}}}}" if self.tex else f"⟦{s}⟧"), p
        return self._shown(e)

    def _shown(self, e: ir.Expr) -> tuple[str, int]:
        if self.abbrev and e is not self.root:
            name = self._abbreviation(e)
            if name is not None:
                return name[0 if self.tex else 1], P_ATOM
        if self.elide and id(e) in self.elide:
            inner, dots = self.elide[id(e)], self.dots
            return (dots if inner is None else f"{dots} {self.wrap(inner, P_MUL)} {dots}"), P_ATOM
        method, notation = _HOW.get(type(e)) or _how(type(e))
        return method(self, e) if notation is None else method(self, notation, e)

    def _abbreviation(self, e: ir.Expr):
        if self.names is None or self.memo is None:
            return self.abbrev.get(e)
        hit = self.names.get(id(e))
        if hit is None:  # e kept with its name: its id stays its own
            hit = self.names[id(e)] = (e, self.memo.abbreviation(e, self.abbrev))
        return hit[1]

    @property
    def dots(self) -> str:
        """⋯, in TeX as three dots, not \\cdots: a macro, and KaTeX allows a block 1000 expansions."""
        return self.t(r"\mathinner{\cdotp\cdotp\cdotp}", "⋯")

    def wrap(self, e: ir.Expr, min_prec: int) -> str:
        s, p = self.go(e)
        return self.paren(s) if p < min_prec else s

    def paren(self, s: str) -> str:
        # \left( only around something tall: a long line is broken between rows of an aligned
        # block, which a \left( … \right) pair cannot span
        return f"\\left({s}\\right)" if self.tex and len(s) > 40 and _TALL.search(s) else f"({s})"

    def t(self, tex: str, text: str) -> str:
        return tex if self.tex else text

    # -- leaves
    def p_Var(self, e):
        return (name_latex(e.name, e.kind) if self.tex else name_text(e.name)), P_ATOM

    def p_GradSymbol(self, e):
        of = name_latex(e.of, e.kind) if self.tex else name_text(e.of)
        return (self.t(f"\\frac{{\\partial {e.fname}}}{{\\partial {of}}}", f"(∂{e.fname}/∂{of})")), P_ATOM

    def p_Const(self, e):
        v = e.value
        s = number_latex(v) if self.tex else number_text(v)
        # the sign is the numerator's: Fraction's comparisons are Python code, for every number printed
        return s, (P_NEG if v.numerator < 0 else P_MUL if v.denominator != 1 and not self.tex else P_ATOM)

    def p_Fill(self, e):
        one = self.t("\\mathbf{1}", "𝟏")
        if e.shape[1] != 1:
            one += self.t(f"_{{{e.shape[0]}\\times {e.shape[1]}}}", f"₍{e.shape[0]}×{e.shape[1]}₎")
        if e.value == 1:
            return one, P_ATOM
        if e.value == 0:
            return self.t("\\mathbf{0}", "𝟎"), P_ATOM
        c, _ = self.p_Const(ir.Const(e.value))
        return f"{c}{one}" if self.tex else f"{c}·{one}", P_MUL if e.value > 0 else P_NEG

    def p_Identity(self, e):
        return "I", P_ATOM

    def p_Zero(self, e):
        return ("0" if e.is_scalar else self.t("\\mathbf{0}", "𝟎")), P_ATOM

    def p_D(self, e):
        d = self.t("\\mathrm{d}", "d")
        if isinstance(e.arg, ir.Var) or _plainly_delimited(e.arg):  # dX, d|X|, d‖x‖: no parentheses
            return d + self.go(e.arg)[0], P_DIFF
        return d + self.paren(self.go(e.arg)[0]), P_DIFF

    # -- operations: each op's notation (ops/), printed for the target
    def op(self, e):
        op = find(e)
        if op is None or op.notation is None:
            raise TypeError(f"no notation for {type(e).__name__}")
        notation = op.notation_of(e)
        return getattr(self, "n_" + type(notation).__name__)(notation, e)

    def _call(self, tex_name: str, text_name: str, arg: ir.Expr) -> tuple[str, int]:
        inner = self.go(arg)[0]
        return (
            f"{tex_name}\\left({inner}\\right)"
            if self.tex and len(inner) > 60 and _TALL.search(inner)
            else f"{self.t(tex_name, text_name)}({inner})"
        ), P_ATOM

    def n_Call(self, n: Call, e):
        arg = e.children()[0]
        if n.scalar_transparent and self.hide_scalar_trace and arg.is_scalar:
            return self.go(arg)
        tex_name, text_name = call_latex(n.name, n.symbol), n.symbol or n.name
        if n.bare_delimited and _plainly_delimited(arg):  # log|X|, as the seeds write it
            return self.t(tex_name, text_name) + self.go(arg)[0], P_ATOM
        return self._call(tex_name, text_name, arg)

    def n_Root(self, n: Root, e):
        if self.tex:
            return f"\\sqrt{{{self.go(e.arg)[0]}}}", P_ATOM
        return self._call("\\sqrt", "√", e.arg)

    def n_Postfix(self, n: Postfix, e):
        arg, symbol = e.arg, n.symbol
        for inner, fused in n.fuse:  # Aᵀ of A⁻¹ (or A⁻¹ of Aᵀ) is A⁻ᵀ
            if type(arg).__name__ == inner:
                arg, symbol = arg.arg, fused
                break
        return self.wrap(arg, P_POSTFIX + 1) + self.t(superscript_latex(symbol), symbol), P_POSTFIX

    def n_Prefix(self, n: Prefix, e):
        return n.symbol + self.wrap(e.arg, n.operand), n.prec

    def n_Delimited(self, n: Delimited, e):
        inner = self.go(e.children()[0])[0]
        if self.tex:
            prefix = call_latex(n.prefix) if n.prefix else ""
            sub = f"_{{{n.sub}}}" if n.sub else ""
            return f"{prefix}{DELIMITER_LATEX[n.open][0]}{inner}{DELIMITER_LATEX[n.close][1]}{sub}", P_ATOM
        return f"{n.prefix}{n.open}{inner}{n.close}{subscript_text(n.sub)}", P_ATOM

    def n_Infix(self, n: Infix, e):
        if self.windows and id(e) in self.windows:
            parts = [self.wrap(f, n.prec + 1) if shown else self.dots for f, shown in self._window(e)]
        else:
            parts = [self.wrap(f, n.prec + 1) for f in e.children()]
        return (f" {INFIX_LATEX[n.symbol]} " if self.tex else f" {n.symbol} ").join(parts), n.prec

    def _window(self, e: ir.Expr) -> list[tuple[ir.Expr, bool]]:
        """(child, shown) for the children of e, a run of children a long line leaves out as one
        (the first of the run, not shown)."""
        window = self.windows.get(id(e)) if self.windows else None
        kids = e.children()
        if window is None:
            return [(k, True) for k in kids]
        return [(k, i in window) for i, k in enumerate(kids) if i in window or i - 1 in window]

    def n_Indexed(self, n: Indexed, e):
        tex = "".join(str(i) for i in n.indices)
        return self.t(f"{n.symbol}_{{{tex}}}", f"{n.symbol}₍{','.join(str(i) for i in n.indices)}₎"), P_ATOM

    def n_Named(self, n: Named, e):
        name = name_latex(n.name, "scalar") if self.tex else name_text(n.name)
        return (self.t(r"\mathrm{d}", "d") + name, P_DIFF) if n.differential else (name, P_ATOM)

    def n_Partial(self, n: Partial, e):
        if self.tex:
            of, by = name_latex(n.of, "scalar"), name_latex(n.by, n.kind)
            return rf"\frac{{\partial {of}}}{{\partial {by}}}", P_ATOM
        return f"(∂{name_text(n.of)}/∂{name_text(n.by)})", P_ATOM

    def n_Brackets(self, n: Brackets, e):
        cells = [self.go(c)[0] for c in e.children()]
        rows = [cells[r * n.cols : (r + 1) * n.cols] for r in range(n.rows)]
        if self.tex:
            body = r" \\ ".join(" & ".join(r) for r in rows)
            return r"\begin{bmatrix} " + body + r" \end{bmatrix}", P_ATOM
        return "[" + "; ".join(", ".join(r) for r in rows) + "]", P_ATOM

    def n_Terms(self, n: Terms, e):
        parts = []
        left_out = False  # the term before was written ⋯ (a run of them is one ⋯)
        window = self.windows.get(id(e)) if self.windows else None
        for i, term in enumerate(e.terms):
            neg = isinstance(term, ir.Neg) or (isinstance(term, ir.Const) and term.value.numerator < 0)
            if (window is not None and i not in window) or (
                self.elide and self.elide.get(id(term), term) is None
            ):
                # a term a long line leaves out
                if not left_out:
                    parts.append(
                        (" - " if neg else " + ") * (i > 0) + ("-" if neg and not i else "") + self.dots
                    )
                left_out = True
                continue
            left_out = False
            if neg and i > 0:
                inner = term.arg if isinstance(term, ir.Neg) else ir.Const(-term.value)
                s = self.wrap(inner, P_MUL)
                if id(term) in self.highlight:
                    s = self.t(f"{{\\color{{{HIGHLIGHT_COLOR}}}{{{s}}}}}", f"⟦{s}⟧")
                parts.append(" - " + s)
            else:
                s = self.wrap(term, P_ADD + 1 if i else P_NEG)
                parts.append((" + " if i else "") + s)
        return "".join(parts), P_ADD

    def n_Juxtaposition(self, n: Juxtaposition, e):
        kids = e.children()
        numbers = (ir.Const, ir.Pow)
        for f in kids:  # a loop, not any(): every product printed asks
            if isinstance(f, numbers):
                break
        else:  # no number and no power (most products): no fraction and no coefficient
            if not self.windows or id(e) not in self.windows:
                return self._juxtaposed(*self._factors(kids))
        fraction = as_fraction(e)  # 1/N, ½ as people write them, not 1 N⁻¹
        if fraction is not None:
            return self._fraction(*fraction)
        window = self._window(e) if self.windows and id(e) in self.windows else None
        if window is None:
            for f in kids:
                if isinstance(f, ir.Const):
                    break
            else:
                return self._juxtaposed(*self._factors(kids))
        out: list[str] = []
        precs: list[int] = []  # of the factors after a leading number
        for i, (f, shown) in enumerate(_numbers_first(window or [(f, True) for f in kids])):
            if not shown:  # a run of factors a long line leaves out
                out.append(self.dots)
                precs.append(P_ATOM)
                continue
            s, p = self.go(f)
            if isinstance(f, ir.MatMul):  # a product inside a product: always bracketed
                s, p = self.paren(s), P_ATOM
            elif isinstance(f, ir.Const):
                if i == 0:
                    v = f.value  # its sign and whether it is -1 read off its numerator and denominator
                    out.append(s if p >= P_MUL else self.paren(s) if v.numerator >= 0 else s)
                    if v.numerator == -1 and v.denominator == 1 and len(e.factors) > 1:
                        out[-1] = "-"
                    continue
                s, p = self.paren(s), P_ATOM
            elif p < (P_MUL + 1 if isinstance(f, ir.Hadamard) else P_MUL):
                s, p = self.paren(s), P_ATOM
            out.append(s)
            precs.append(p)
        return self._juxtaposed(out, precs)

    def _factors(self, kids: tuple) -> tuple[list[str], list[int]]:
        """The printed factors of a product with no number and nothing left out, and their
        precedences."""
        out: list[str] = []
        precs: list[int] = []
        for f in kids:
            s, p = self.go(f)
            if isinstance(f, ir.MatMul) or p < (P_MUL + 1 if isinstance(f, ir.Hadamard) else P_MUL):
                s, p = self.paren(s), P_ATOM
            out.append(s)
            precs.append(p)
        return out, precs

    def _juxtaposed(self, out: list[str], precs: list[int]) -> tuple[str, int]:
        """The product of the printed factors ``out``, the last ``len(precs)`` of them with their
        precedences."""
        if len(precs) > 1 and len(set(out[-len(precs) :])) < len(precs):  # two alike: a run may be a power
            out = runs_as_powers(out, precs, self.paren, self._power)
        if not self.tex:
            text = join_text(out)
        else:
            text = " ".join(out)
            text = text.replace("- ", "-", 1) if text.startswith("- ") else text
        return text, P_NEG if text.startswith("-") else P_MUL

    def _power(self, k: int) -> str:
        return f"^{{{k}}}" if self.tex else superscript(str(k))

    def _fraction(self, c, dens: list, rest: list) -> tuple[str, int]:
        p, q = abs(c.numerator), c.denominator
        den = ([str(q)] if q != 1 else []) + [self.wrap(d, P_MUL if self.tex else P_POSTFIX) for d in dens]
        if self.tex:
            head = f"\\frac{{{p}}}{{{' '.join(den)}}}"
        elif not dens and (p, q) in VULGAR:
            head = VULGAR[(p, q)]
        else:
            head = f"{p}/{den[0] if len(den) == 1 else '(' + ' '.join(den) + ')'}"
            head = f"({head})" if rest else head
        sign, prec = ("-", P_NEG) if c < 0 else ("", P_MUL)
        if not rest:
            return sign + head, prec
        body = rest[0] if len(rest) == 1 else ir.MatMul(rest)
        return f"{sign}{head} {self.wrap(body, P_MUL)}", prec

    def n_Superscript(self, n: Superscript, e):
        if n.circ and not e.base.is_scalar:
            base = self.wrap(e.base, P_POSTFIX + 1)
            p = self.go(e.exponent)[0]
            if self.tex:
                return f"{base}^{{\\circ {p}}}", P_POSTFIX
            # X^∘(p - 1): a compound exponent is bracketed, as the braces group it in TeX
            atom = isinstance(e.exponent, (ir.Const, ir.Var))
            return f"{base}^∘{p if atom else '(' + p + ')'}", P_POSTFIX
        if isinstance(e.exponent, ir.Const):
            v = e.exponent.value
            if v.numerator == 1 and v.denominator == 2 and self.tex:
                return f"\\sqrt{{{self.go(e.base)[0]}}}", P_ATOM
            exp_tex = number_latex(v) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
            exp_text = superscript(number_text(v))
        else:  # print the exponent once: twice per level is exponential in a tower x^x^x^…
            exp_tex = self.go(e.exponent)[0]
            exp_text = "^(" + exp_tex + ")"
        base = self.wrap(e.base, P_POSTFIX + 1)
        return (f"{base}^{{{exp_tex}}}" if self.tex else base + exp_text), P_POSTFIX


# node type -> (printer method, notation): a leaf's p_ method, or the n_ method of an op's notation
# when the type fixes it (no variants, a notation that is not a function of the node); otherwise
# ``op``, which looks the notation up for each node
_HOW: dict[type, tuple] = {}


def _how(cls: type) -> tuple:
    leaf = getattr(_Printer, "p_" + cls.__name__, None)
    how: tuple = (leaf, None) if leaf is not None else (_Printer.op, None)
    if leaf is None and getattr(cls, "_variant", None) is None:
        op = OPS.get((cls, None))
        if op is not None and op.notation is not None and not callable(op.notation):
            how = (getattr(_Printer, "n_" + type(op.notation).__name__), op.notation)
    _HOW[cls] = how
    return how


# TeX taller than a line of symbols, that plain parentheses would not cover
_TALL = re.compile(r"\\(?:frac|sum|begin)")


def _numbers_first(factors: list[tuple[ir.Expr, bool]]) -> list[tuple[ir.Expr, bool]]:
    """(factor, shown) with the numbers first, in order (a stable partition): numbers commute,
    and are shown as a coefficient."""
    for f, _ in factors:  # a loop, not a partition: most products hold no number
        if isinstance(f, ir.Const):
            numbers = [p for p in factors if isinstance(p[0], ir.Const)]
            return numbers + [p for p in factors if not isinstance(p[0], ir.Const)]
    return factors


def _plainly_delimited(e: ir.Expr) -> bool:
    """|X| or ‖x‖ (not log|X|): written without parentheses after d or log."""
    op = find(e)
    if op is None or op.notation is None:
        return False
    n = op.notation_of(e)
    return isinstance(n, Delimited) and not n.prefix


def _printed(tex, e, highlight=frozenset(), hide_scalar_trace=False, abbrev=None, define=False, elide=None):
    shown = memo.current()
    if shown is not None and not (highlight or define or elide is not None):
        # a printer that colours and leaves out nothing holds no state of its line: one per
        # options while a derivation is shown (the memo keeps abbrev, and so its id, alive)
        options = (tex, hide_scalar_trace, id(abbrev) if abbrev else 0)
        printer = shown.printers.get(options)
        if printer is None:
            printer = shown.printers[options] = _Printer(tex, highlight, hide_scalar_trace, abbrev)
        return printer.go(e)[0]
    return _Printer(tex, highlight, hide_scalar_trace, abbrev, e if define else None, elide).go(e)[0]


def to_latex(e: ir.Expr, **options) -> str:
    """TeX of e. Options: ``highlight``, ids of nodes to colour; ``hide_scalar_trace``; ``abbrev``,
    node -> (TeX, text) names (``define``: e itself is printed in full); ``elide``, what a long line
    leaves out (``render.elide.elision``)."""
    return _printed(True, e, **options)


def to_text(e: ir.Expr, **options) -> str:
    """Unicode of e, with the options of ``to_latex``."""
    return _printed(False, e, **options)
