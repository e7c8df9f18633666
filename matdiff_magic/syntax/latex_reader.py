"""LaTeX tokens (``syntax.latex_lexer``) -> the expression language's text, each character of it
with the span of LaTeX it stands for, so that any later error can point into what the user typed.

Precedence follows how formulas are read (and how the package prints them): juxtaposition,
``\\cdot`` and ``\\times`` are the matrix product and bind tighter than ``\\odot`` and
``\\otimes``, which bind tighter than ``+`` and ``-``. The operands are ``latex_operands``.
"""

from __future__ import annotations

import re

from matdiff_magic.errors import MatdiffError
from matdiff_magic.render.notation import FONT_COMMANDS
from matdiff_magic.syntax.latex_cursor import TRANSPOSES, Frag, call, wrap
from matdiff_magic.syntax.latex_lexer import OPERATORS, Tok
from matdiff_magic.syntax.latex_operands import Operands
from matdiff_magic.syntax.parser import MAX_DEPTH

_ENTRY = re.compile(r"([a-z])_\{?(\d+)\}?")  # y_1, y_{2}: an entry of y (a lowercase name)


def _defines(toks: list, name: str) -> bool:
    """Whether a line of the cell starts ``name =`` (y = [y_1 \\quad y_2]^T: the notes' own)."""
    starts = [0] + [k + 1 for k, t in enumerate(toks) if t.kind == "newline"]
    return any(
        k + 1 < len(toks)
        and toks[k].kind == "letter"
        and toks[k].text == name
        and toks[k + 1].kind == "sym"
        and toks[k + 1].text in ("=", ":")
        for k in starts
    )


def _not_scalars(body: list) -> bool:
    """Whether f transposes or takes the norm of something (x_1^T x_2, ‖x_1 − x_2‖): its
    arguments are vectors then, not the scalar entries of one."""
    marks = {("sym", "'"), ("sym", "|"), ("cmd", "top"), ("cmd", "intercal"), ("cmd", "|")}
    marks |= {("cmd", "Vert"), ("cmd", "lVert"), ("cmd", "rVert")}
    for k, t in enumerate(body):
        if (t.kind, t.text) in marks:
            return True
        if t.kind == "sym" and t.text == "^":  # ^T or ^{T}
            if k > 0 and body[k - 1].kind == "sym" and body[k - 1].text == "]":
                continue  # [f₁ f₂]^T: a literal of scalars, transposed (seed 002's column)
            after = [u.text for u in body[k + 1 : k + 3] if u.text != "{"]
            if after[:1] == ["T"]:
                return True
    return False


class Reader(Operands):
    """Reads one line of tokens into a ``Frag``: lines, then sums, ⊙/⊗ chains, products, factors."""

    # -- lines
    def line(self) -> Frag:
        head = self.function_head()
        body = self.terms()
        if self.peek().kind != "eof":
            raise self.unexpected(self.peek())
        return Frag(head.parts + body.parts, atomic=False) if head else body

    def function_head(self) -> Frag | None:
        """f(x, y) = … names the function f (the arguments are what --wrt chooses from)."""
        saved = self.i
        if self.peek().kind not in ("letter", "cmd", "word") or self.peek().text in FONT_COMMANDS:
            return None
        try:
            name = self.primary()
        except MatdiffError:
            self.i = saved
            return None
        if name.atomic and self.is_(self.peek(), "sym", "(") and "(" not in name.text:
            depth, k = 0, self.i
            while k < self.limits[-1]:
                depth += {"(": 1, ")": -1}.get(self.toks[k].text, 0) if self.toks[k].kind == "sym" else 0
                if depth == 0:
                    break
                k += 1
            if k + 1 < self.limits[-1] and self.is_(self.toks[k + 1], "sym", "="):
                if self.components:
                    self.prelude += self.components_line(self.i, k, self.components)
                self.i = k + 1
                return name
        self.i = saved
        return None

    def components_line(self, open_at: int, close_at: int, stem: str) -> list:
        """f(y_1, y_2) = …, as seed 002 writes a function of the entries of y, derived by y: the
        line y = [y_1; y_2] (y declared by its components), when y is the vector asked for
        (``stem``: the reader's ``components``), the arguments are two or more entries of y (a
        lowercase letter) or y itself with f using its entries y_1 … y_n, f uses them as scalars
        (no transpose, no norm) and never y alone, and no line declares or defines y or its
        entries otherwise."""
        args, piece = [], open_at + 1
        for j in range(open_at + 1, close_at + 1):
            if j == close_at or (self.toks[j].kind == "sym" and self.toks[j].text == ","):
                args.append("".join(t.text for t in self.toks[piece:j]))
                piece = j + 1
        body = self.toks[close_at + 1 : self.limits[-1]]
        if args == [stem] and len(stem) == 1 and stem.isalpha():
            # f(y) = [y_1^2 + y_2^2 + y_3, …] (seed 002, Example 2): the entries f uses, y_1 … y_n
            written = "".join(t.text for t in body)
            found = sorted({int(k) for k in re.findall(rf"(?<![A-Za-z]){stem}_\{{?(\d+)", written)})
            if len(found) < 2 or found != list(range(1, len(found) + 1)):
                return []
            names = [f"{stem}_{k}" for k in found]
        else:
            entries = [_ENTRY.fullmatch(a) for a in args]
            if len(args) < 2 or not all(m and m.group(1) == stem for m in entries):
                return []
            names = [f"{stem}_{m.group(2)}" for m in entries if m]
        alone = any(
            t.kind == "letter"
            and t.text == stem
            and not (k + 1 < len(body) and body[k + 1].kind == "sym" and body[k + 1].text == "_")
            for k, t in enumerate(body)
        )
        if (
            alone
            or len(set(names)) != len(names)
            or self.declared & {stem, *names}
            or self.prelude  # declared once, by the first head
            or _defines(self.toks, stem)
            or _not_scalars(body)
        ):
            return []
        span = self.toks[open_at].span | self.toks[close_at].span
        return [(f"{stem} = [{'; '.join(names)}]\n", span)]

    # -- precedence levels
    def terms(self) -> Frag:
        pieces: list[Frag] = []
        expect_operand = True
        while True:
            tok = self.peek()
            in_brackets = bool(self.open) and self.open[-1] == "]"
            if self.is_(tok, "sym", "+", "-", "=", ",") or (in_brackets and self.is_(tok, "sym", ";")):
                pieces.append(Frag([(tok.text, tok.span)]))
                self.advance()
                expect_operand = True
            elif expect_operand and self.starts_factor(tok):
                pieces.append(self.chain())
                expect_operand = False
            else:
                break
        if expect_operand:
            if tok.kind == "eof":
                raise self.error("the formula ends too early: an operand is missing", tok)
            raise self.unexpected(tok) if tok.kind != "cmd" else self.unknown(tok)
        return Frag([p for f in pieces for p in f.parts], atomic=len(pieces) == 1 and pieces[0].atomic)

    def chain(self) -> Frag:
        left = self.product()
        while self.is_(self.peek(), "cmd", "odot", "circ", "oslash", "otimes"):
            tok = self.advance()
            right = self.product()
            if tok.text == "otimes":
                left = call("kron", tok.span, [left, right], right.parts[-1][1])
            else:
                parts = wrap(left).parts + [(OPERATORS[tok.text], tok.span)] + wrap(right).parts
                left = Frag(parts, atomic=False)
        return left

    def product(self) -> Frag:
        first = self.factor()
        parts, count = list(first.parts), 1
        while True:
            tok = self.peek()
            if self.is_(tok, "sym", "*", "/") or self.is_(tok, "cmd", "cdot", "times", "ast"):
                op = "/" if tok.text == "/" else "*"
                self.advance()
            elif self.closes(tok) or not self.starts_factor(tok):
                break
            else:
                op = ""  # juxtaposition
            right = self.factor()
            parts += [(op or "*", tok.span if op else right.parts[0][1]), *right.parts]
            count += 1
        return Frag(parts, atomic=count == 1 and first.atomic, e=count == 1 and first.e)

    def closes(self, tok: Tok) -> bool:
        return bool(self.open) and self.closes_as(tok, self.open[-1])

    def closes_as(self, tok: Tok, closing: str) -> bool:
        kind = self.bar(tok)
        return closing in ("|", "‖") if kind == "||" else closing == kind

    def starts_factor(self, tok: Tok) -> bool:
        if tok.kind in ("digit", "letter", "bold", "word", "opname"):
            return True
        if tok.kind == "sym":
            return tok.text in "([|"
        return tok.kind == "cmd" and tok.text not in OPERATORS and tok.text != "}"

    def factor(self) -> Frag:
        # every nesting (a group, an argument, a function applied) passes here: bound it as the
        # parser bounds the language's
        if len(self.open) + self.depth > MAX_DEPTH:
            raise self.error(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", self.peek())
        self.depth += 1
        try:
            return self.postfixes(self.primary())
        finally:
            self.depth -= 1

    def postfixes(self, f: Frag) -> Frag:
        while True:
            tok = self.peek()
            if self.is_(tok, "sym", "'"):
                self.advance()
                f = Frag(wrap(f).parts + [("'", tok.span)])
            elif self.is_(tok, "sym", "^"):
                self.advance()
                f = self.superscript(f, tok)
            else:
                return f

    def superscript(self, base: Frag, caret: Tok) -> Frag:
        start, end, after = self.argument()
        texts = [t.text for t in self.toks[start:end]]
        if set(texts) in TRANSPOSES and len(texts) == 1:
            self.i = after
            return Frag(wrap(base).parts + [("'", self.toks[start].span)])
        if texts[:1] == ["-"] and set(texts[1:]) in TRANSPOSES and len(texts) == 2:
            self.i = after
            power = Frag(wrap(base).parts + [("^(-1)", caret.span)], atomic=False)
            return Frag(wrap(power).parts + [("'", self.toks[start + 1].span)])
        if texts[:1] == ["circ"]:
            exponent = self.within(start + 1, end, after, self.terms)
            return Frag(wrap(base).parts + [(".^", caret.span)] + wrap(exponent).parts, atomic=False)
        exponent = self.within(start, end, after, self.terms)
        if base.e:
            return call("exp", base.parts[0][1], [exponent], exponent.parts[-1][1])
        return Frag(wrap(base).parts + [("^", caret.span)] + wrap(exponent).parts, atomic=False)
