"""The operands of a LaTeX formula: numbers, names (Greek, bold, subscripted, decorated), functions
applied, groups, |X| and ‖x‖, fractions, roots and sums over the samples (``syntax.latex_reader``
reads the operators between them).

An element-wise function written without parentheses takes the next factor (``\\sin x``,
``\\log|X|``), a matrix function the rest of the product (``\\det X``), a sum over the samples
the rest of the product too.
"""

from __future__ import annotations

import difflib
import functools
import re

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.conventions import SCALAR_NAMES
from matdiff_magic.syntax.latex_cursor import (
    DECORATIONS,
    DIFFERENTIAL_HINT,
    HINTS,
    Cursor,
    Frag,
    call,
    wrap,
)
from matdiff_magic.syntax.latex_lexer import OPERATORS, Tok


class Operands(Cursor):
    """The operands' part of the reader."""

    def primary(self) -> Frag:
        tok = self.peek()
        kind = self.bar(tok)
        if tok.kind == "digit":
            return self.number()
        if tok.kind == "letter":
            return self.letter()
        if tok.kind == "bold":
            self.advance()
            return Frag([(f"vector({tok.text})", tok.span)])
        if tok.kind in ("word", "opname"):
            return self.word()
        if self.opens_group(tok):
            return self.group()
        if kind is not None:
            return self.delimited(kind)
        if tok.kind == "cmd":
            return self.command(tok)
        if tok.kind == "eof":
            raise self.error("the formula ends too early: an operand is missing", tok)
        raise self.unexpected(tok)

    def number(self) -> Frag:
        first = last = self.advance()
        while self.peek().kind == "digit" and self.peek().span.start == last.span.end:
            last = self.advance()
        return Frag([(self.src[first.span.start : last.span.end], first.span | last.span)])

    def letter(self) -> Frag:
        tok = self.peek()
        run = self.letter_run()
        if run in self.tables.functions and self.is_(self.peek(len(run)), "sym", "("):
            self.i += len(run)  # tr(…), ln(…): a function written without a backslash
            return self.apply(run, tok.span | self.toks[self.i - 1].span)
        self.advance()
        if tok.text == "d" and self.is_differential(self.peek()):
            raise self.error("a differential cannot be derived", tok, DIFFERENTIAL_HINT)
        if tok.text == "I":  # the identity matrix, I_n sized
            sub = self.subscript()
            return Frag([(f"eye({sub[1:]})" if sub else "eye", tok.span | self.toks[self.i - 1].span)])
        return self.named(tok.text, tok, e=tok.text == "e")

    def letter_run(self) -> str:
        """The letters (and digits) written together from here: a function's name (norm2)."""
        k, run = self.i, ""
        while k < self.limits[-1] and self.toks[k].kind in ("letter", "digit"):
            if run and self.toks[k].span.start != self.toks[k - 1].span.end:
                break
            run += self.toks[k].text
            k += 1
        return run

    def is_differential(self, nxt: Tok) -> bool:
        """d before an operand (dX, d x, d\\Sigma, d(XY), d|X|) is a differential; a vector d is
        followed by an operator (d^T x, a^T d)."""
        return self.starts_factor(nxt) and nxt.kind != "digit"

    def named(self, name: str, tok: Tok, e: bool = False) -> Frag:
        sub = self.subscript()
        span = tok.span | self.toks[self.i - 1].span
        if name + sub in self.functions and self.is_(self.peek(), "sym", "("):
            return Frag([(name + sub, span), *self.group().parts])  # a declared function applied
        return Frag([(name + sub, span)], e=e and not sub)

    def subscript(self) -> str:
        if not self.is_(self.peek(), "sym", "_"):
            return ""
        self.advance()
        start, end, after = self.argument()
        text = ""
        for tok in self.toks[start:end]:
            greek = self.tables.greek(tok.text) if tok.kind == "cmd" else None
            if tok.kind in ("letter", "digit") and tok.text != ".":
                text += tok.text
            elif greek or (tok.kind == "word" and tok.text.isalnum()):
                text += greek or tok.text
            else:
                raise self.error("a subscript on a name is letters and digits (x_i, W_1, x_{ij})", tok)
        self.i = after
        return "_" + text

    def word(self) -> Frag:
        tok = self.advance()
        name = tok.text.lower()
        if name in self.tables.functions:
            return self.apply(name, tok.span)
        # \text{trace}(AX) is meant as a function as surely as \operatorname{trace}(AX)
        if tok.kind == "opname" or (name in self.tables.synonyms and self.opens_group(self.peek())):
            near = [self.tables.synonyms[name]] if name in self.tables.synonyms else []
            near += difflib.get_close_matches(name, sorted(self.tables.functions), n=2)
            near = list(dict.fromkeys(near))  # the synonym may be a close match too
            hint = ("did you mean " + " or ".join(near) + "?") if near else "see the README for the functions"
            raise self.error(f"unknown function {tok.text!r}", tok, hint)
        if tok.text == "d":
            raise self.error("a differential cannot be derived", tok, DIFFERENTIAL_HINT)
        if tok.text.isidentifier() and tok.text.isascii() and tok.text[0].isalpha():
            return self.named(tok.text, tok)
        raise self.error(f"{tok.text!r} is not a name or a function", tok)

    def opens_group(self, tok: Tok) -> bool:
        """(, [ or a brace written \\{ (exp\\{…\\}): brackets that group."""
        return self.is_(tok, "sym", "(", "[") or self.is_(tok, "cmd", "{")

    def enclosed(self, opening: Tok, closing: str) -> tuple[Frag, Tok]:
        """The terms after ``opening`` up to the delimiter ``closing``, and the token they stop at
        (not read); an error at ``opening`` when the line ends first."""
        self.open.append(closing)
        try:
            inner = self.terms()
        finally:
            self.open.pop()
        tok = self.peek()
        if tok.kind == "eof":
            raise self.error(f"this '{opening.text}' is never closed", opening)
        return inner, tok

    def group(self) -> Frag:
        opening = self.advance()
        closing = {"(": ")", "[": "]", "{": "}"}[opening.text]
        inner, tok = self.enclosed(opening, closing)
        if not self.is_(tok, opening.kind, closing):
            raise self.error(f"expected '{closing}' here", tok)
        self.advance()
        if opening.text == "[" and _separated(inner):  # [a, b; c, d]: a matrix written out
            return Frag([("[", opening.span), *inner.parts, ("]", tok.span)])
        return Frag([("(", opening.span), *inner.parts, (")", tok.span)])

    def delimited(self, kind: str) -> Frag:
        """|X| (the determinant) and ‖x‖ with _1, _2 or _F (a norm); || is ‖ too."""
        opening = self.advance()
        if kind == "||":
            self.advance()
        closing = "‖" if kind == "||" else kind
        inner, tok = self.enclosed(opening, closing)
        if not self.closes_as(tok, closing):
            raise self.error(f"this '{opening.text}' is never closed", opening)
        double = self.bar(tok) == "||"
        self.advance()
        if closing == "‖" and double:
            self.advance()
        if closing == "|":  # |det X|, |x| of a scalar declared so: the absolute value
            return call("abs" if self.scalar(inner) else "det", opening.span, [inner], tok.span)
        name, caret = "norm2", None
        if self.is_(self.peek(), "sym", "^") and self.is_(
            self.toks[self._past_argument(self.i + 1)], "sym", "_"
        ):
            caret = self.i  # ‖x‖^{2}_{2}: the power written before the subscript, read after it
            self.i = self._past_argument(self.i + 1)
        if self.is_(self.peek(), "sym", "_"):
            self.advance()
            start, end, after = self.argument()
            which = "".join(t.text for t in self.toks[start:end])
            if which not in ("1", "2", "F"):
                raise self.error("the norms understood are ‖x‖_1, ‖x‖_2 and ‖X‖_F", self.toks[start])
            name, self.i = ("norm1" if which == "1" else "norm2"), after
        norm = call(name, opening.span, [inner], self.toks[self.i - 1].span)
        if caret is None:
            return norm
        resume, self.i = self.i, caret + 1
        norm = self.superscript(norm, self.toks[caret])
        self.i = resume
        return norm

    def scalar(self, inner: Frag) -> bool:
        """Whether ``inner`` is a scalar as written: numbers, names the cell declares scalars,
        undeclared scalar Greek letters (λ, α: ``SCALAR_NAMES``) and calls of the functions whose
        value is a number (det, tr, a norm: the registry's, ``Tables.scalar_valued``), joined by
        + − * / and powers (|−det X|, |2 det X|, |λ|)."""
        opening, emptied = _scalar_calls(self.tables.scalar_valued)
        text = emptied.sub("1", _without_arguments(inner.text.strip(), opening))
        names = re.findall(r"[A-Za-z_]\w*", text)
        if not all(n in self.scalars or (n in SCALAR_NAMES and n not in self.declared) for n in names):
            return False
        return bool(text) and re.fullmatch(r"[\w\s.+\-*/^()]*", text) is not None

    def _past_argument(self, i: int) -> int:
        """The index after the argument starting at token i (a braced group or one token)."""
        if self.is_(self.toks[i], "sym", "{"):
            return self.match[i] + 1
        return i + 1 if self.toks[i].kind != "eof" else i

    def count_declared(self, den: Frag, span) -> None:
        """\\frac{1}{N}, \\frac{…}{2N}: the notes divide by a count, never by a matrix, so a capital
        letter that is the whole denominator (times a number) is a scalar where the language's
        convention would read N as a matrix (``Translation.counted``), unless a line declares it."""
        written = re.fullmatch(r"(?:\d+\*)?([A-Z])", "".join(t for t, _ in den.parts).strip())  # N, 2N
        if written is not None and written.group(1) not in self.declared:
            self.counts.setdefault(written.group(1), span)

    def command(self, tok: Tok) -> Frag:
        text = tok.text
        if text in ("frac", "dfrac", "tfrac") and self.outer:
            outer = self.outer_derivative(tok)
            if outer is not None:
                return outer
        if text == "nabla" and self.outer and self.peek(1).text in self.outer:
            self.advance()
            g = self.advance()
            if self.opens_group(self.peek()):  # ∇g(Y): the outer derivative at Y
                return Frag([(f"grad_{self.outer[g.text]}", tok.span | g.span), *self.group().parts])
            raise self.unknown(tok)
        if text in ("frac", "dfrac", "tfrac"):
            self.advance()
            num = self.within(*self.argument(), self.terms)
            den = self.within(*self.argument(), self.terms)
            close = self.toks[self.i - 1].span
            self.count_declared(den, tok.span | close)
            return Frag([("(", tok.span), *wrap(num).parts, ("/", tok.span), *wrap(den).parts, (")", close)])
        if text == "sqrt":
            self.advance()
            if self.is_(self.peek(), "sym", "["):
                raise self.error("only the square root is understood", self.peek())
            arg = self.within(*self.argument(), self.terms)
            return call("sqrt", tok.span, [arg], self.toks[self.i - 1].span)
        if text == "sum":
            return self.sum()
        if text == "max" and self.opens_group(self.peek(1)):
            return self.maximum(tok)
        if text in DECORATIONS:
            self.advance()
            start, end, after = self.argument()
            inner = list(self.toks[start:end])
            base = inner[0].text if len(inner) == 1 and inner[0].kind == "letter" else None
            base = base or (self.tables.greek(inner[0].text) if len(inner) == 1 else None)
            if base is None:
                raise self.error(f"\\{text} is understood over a single letter (a name)", tok)
            self.i = after
            return self.named(base + DECORATIONS[text], tok)
        function = self.tables.symbols.get(text)
        if function and self.is_(self.peek(1), "sym", "'"):
            raise self.error(f"\\{text}′ (a derivative) is not an expression to derive", self.peek(1))
        if function and self.is_(self.peek(1), "sym", "("):
            self.advance()
            return self.apply(function, tok.span)
        greek = self.tables.greek(text)
        if greek is not None:
            self.advance()
            return self.named(greek, tok)
        if text.lower() in self.tables.functions:  # a capital: Tr as tr
            self.advance()
            return self.apply(text.lower(), tok.span)
        raise self.unknown(tok)

    def outer_derivative(self, tok: Tok) -> Frag | None:
        """\\frac{\\partial g}{\\partial Y}, the outer derivative of a function g declared without a
        formula, as an answer writes it (the package prints it so): grad_g(Y). None otherwise."""
        saved = self.i
        self.advance()
        start, end, after = self.argument()
        num = self.toks[start:end]
        if len(num) == 2 and self.is_(num[0], "cmd", "partial") and num[1].text in self.outer:
            self.i = after
            start, end, after = self.argument()
            if end - start >= 2 and self.is_(self.toks[start], "cmd", "partial"):
                at = self.within(start + 1, end, after, self.terms)
                return call(f"grad_{self.outer[num[1].text]}", tok.span, [at], self.toks[after - 1].span)
        self.i = saved
        return None

    def maximum(self, tok: Tok) -> Frag:
        """\\max(0, u), \\max\\{u, 0\\}: relu(u), entry by entry; another maximum is refused."""
        self.advance()
        group = self.group()
        pieces: list = [[]]
        depth = 0
        for text, span in group.parts[1:-1]:
            if text == "," and depth == 0:
                pieces.append([])
                continue
            depth += sum(text.count(c) for c in "([") - sum(text.count(c) for c in ")]")
            pieces[-1].append((text, span))
        written = ["".join(t for t, _ in p).strip() for p in pieces]
        if len(pieces) == 2 and "0" in written and written != ["0", "0"]:
            u = Frag(pieces[1 - written.index("0")], atomic=False)
            return call("relu", tok.span, [u], group.parts[-1][1])
        raise self.error(
            "\\max is understood as \\max(0, u), the rectifier relu(u) entry by entry",
            tok,
            "write relu(u) for max(0, u)",
        )

    def unknown(self, tok: Tok) -> MatdiffError:
        if tok.text in OPERATORS and tok.text not in HINTS:  # an operator where an operand was expected
            before = self.toks[self.i - 1] if self.i > 0 else None
            after = self.peek(1)
            placeholder = tok.text == "cdot" and (
                before is None
                or before.kind == "newline"
                or self.is_(before, "sym", "(", ",", "=")
                or self.opens_group(before)
            )
            if placeholder and (after.kind == "eof" or self.is_(after, "sym", ")", ",", "]")):
                return self.error(
                    "\\cdot stands for an argument here (f(\\cdot)), and a placeholder has no value",
                    tok,
                    "write the argument itself, e.g. \\sigma(W\\mathbf{x})",
                )
            return self.error(f"an operand is missing before \\{tok.text}", tok)
        if tok.text in HINTS:
            return self.error(f"\\{tok.text} is not part of a formula matdiff derives", tok, HINTS[tok.text])
        near = ["\\" + n for n in difflib.get_close_matches(tok.text, self.tables.commands, n=2)]
        hint = (
            ("did you mean " + " or ".join(near) + "?") if near else "see the README's table of LaTeX input"
        )
        return self.error(f"unknown LaTeX command \\{tok.text}", tok, hint)

    def apply(self, name: str, span: Span) -> Frag:
        """A function applied: to a parenthesised group, a delimited |X| or ‖x‖, or without
        parentheses to the next factor (element-wise) or the rest of the product (matrix)."""
        name = self.tables.aliases.get(name, name)  # ln is log
        power = None
        if self.is_(self.peek(), "sym", "^"):  # \sin^2 x
            caret = self.advance()
            power = (caret, self.within(*self.argument(), self.terms))
        tok = self.peek()
        if self.is_(tok, "sym", "'"):
            raise self.error(f"{name}′ (a derivative) is not an expression to derive", tok)
        if self.opens_group(tok):
            group = self.group()
            result = Frag([(name, span), *group.parts])
        else:
            if tok.kind == "eof" or not self.starts_factor(tok):
                raise self.error(f"{name} needs an argument", tok)
            arg = self.factor() if name in self.tables.elementwise else self.product()
            result = call(name, span, [arg], arg.parts[-1][1])
        if power is None:
            return result
        return Frag(result.parts + [("^", power[0].span)] + wrap(power[1]).parts, atomic=False)

    def sum(self) -> Frag:
        """Σ_{i=1}^{N} over the samples, the rest of the product its body: sum_i(…); another
        number of samples than N is the second argument, sum_i(…, n)."""
        self.sums = True
        tok = self.advance()
        index = count = None
        while self.is_(self.peek(), "sym", "_", "^"):
            mark = self.advance()
            start, end, after = self.argument()
            if mark.text == "^":
                count = self.within(start, end, after, self.terms)
                continue
            index = self.toks[start]
            rest = [t.text for t in self.toks[start + 1 : end]]
            if index.text != "i" or (rest and rest[0] != "="):
                raise self.error("a sum over the samples is written \\sum_{i=1}^{N}", index)
            self.i = after
        if index is None:
            raise self.error("a sum over the samples is written \\sum_{i=1}^{N}", tok)
        if not self.starts_factor(self.peek()):
            raise self.error("the sum has nothing to sum", self.peek())
        body = self.product()
        args = [body] if count is None or count.text == "N" else [body, count]
        return call("sum_i", tok.span, args, body.parts[-1][1])


def _separated(inner: Frag) -> bool:
    """Whether a bracket's terms hold a , or ; of their own (not one inside a call or a group)."""
    depth = 0
    for text, _ in inner.parts:
        for ch in text:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch in ",;" and depth == 0:
                return True
    return False


@functools.cache
def _scalar_calls(names: frozenset) -> tuple[re.Pattern, re.Pattern]:
    """A call of one of ``names`` up to its opening bracket, and that call with nothing in the
    brackets (what ``_without_arguments`` leaves of it)."""
    opening = rf"\b(?:{'|'.join(sorted(names, key=len, reverse=True))})\("
    return re.compile(opening), re.compile(opening + r"\)")


def _without_arguments(text: str, opening: re.Pattern) -> str:
    """``text`` with the arguments of the calls ``opening`` finds taken out (det(X Y) is det()), so
    that what is left says how those numbers are combined."""
    out, i = [], 0
    for m in opening.finditer(text):
        if m.start() < i:
            continue  # inside a call already taken out
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        if depth:
            return text  # unbalanced: left as it is (not a scalar as written)
        out.append(text[i : m.end()] + ")")
        i = j
    out.append(text[i:])
    return "".join(out)
