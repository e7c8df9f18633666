"""Tokens -> syntax tree (``syntax.ast``) with spans, by Pratt parsing (precedence: see BINARY).

A cell is lines of three sorts: declarations ``a, b: vector(n)``, definitions ``Y = A*X*B`` and the
expression itself, optionally named ``f = ...``. Newlines inside parentheses continue a line.
Sums and products are n-ary nodes so that long inputs build flat trees, not deep ones.
"""

from __future__ import annotations

import difflib

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.syntax.ast import (
    KINDS,
    Call,
    Declaration,
    Definition,
    Name,
    Neg,
    Num,
    Power,
    Product,
    Program,
    Sum,
    Transpose,
    children,
)
from matdiff_magic.syntax.lexer import Token, tokenize
from matdiff_magic.syntax.literals import parse_literal

MAX_DEPTH = 280  # nesting of parentheses, calls and operators, definitions written out
MAX_NODES = 4_000  # names, numbers and operations (each + and * as written) of the expression, definitions written out

BINARY = {  # operator -> (left binding power, right binding power)
    "+": (10, 11),
    "-": (10, 11),
    "*": (20, 21),
    "/": (20, 21),
    ".*": (20, 21),
    "./": (20, 21),
    "^": (31, 30),
    ".^": (31, 30),  # right associative
}
EXPONENT = BINARY["^"] = BINARY[".^"]  # one tuple: the Pratt loop tells a power by identity
UNARY_MINUS_BP = 25  # -x^2 is -(x^2); -a*b is (-a)*b
POSTFIX_BP = 40  # transpose binds tightest


def parse(source: str) -> Program:
    tokens = tokenize(source)
    program = Program(source)
    for line in _logical_lines(tokens, source):
        _parse_line(line, program, source)
    if not program.definitions:
        raise MatdiffError(
            "the cell has no expression to differentiate",
            source,
            Span(len(source), len(source) + 1),
            hint="write e.g. a'*X*b on a line of its own",
        )
    # a line counts at most one name, number or operation per token, and is at most as deep as it
    # is large: one line of few tokens is within both limits without being measured
    if len(program.definitions) > 1 or len(tokens) > min(MAX_DEPTH, MAX_NODES):
        _check_size(program)
    return program


def parse_expression(text: str) -> object:
    """Parse a single expression (no declarations); used by tests and helpers."""
    tokens = [t for t in tokenize(text) if t.kind != "newline"]
    parser = _Parser(tokens, text)
    node = parser.expression(0)
    parser.expect_end()
    return node


def _logical_lines(tokens: list[Token], source: str) -> list[list[Token]]:
    lines: list[list[Token]]
    current: list[Token]
    if "\n" not in source:  # one line: every token but the end, then the end
        end = tokens[-1].span.start
        return [tokens[:-1] + [Token("eof", "", Span(end, end))]] if len(tokens) > 1 else []
    lines, current, depth = [], [], 0
    for tok in tokens:
        if tok.kind == "op" and tok.text in ("(", "["):
            depth += 1
        elif tok.kind == "op" and tok.text in (")", "]"):
            depth = max(0, depth - 1)
        if (tok.kind == "newline" and depth == 0) or tok.kind == "eof":
            if current:
                lines.append(current + [Token("eof", "", Span(tok.span.start, tok.span.start))])
            current = []
        elif tok.kind != "newline":
            current.append(tok)
    return lines


def _parse_line(line: list[Token], program: Program, source: str) -> None:
    if _is_declaration(line):
        program.declarations.append(_parse_declaration(line, source))
        return
    name = name_span = None
    if len(line) > 2 and line[0].kind == "name" and line[1].text == "=" and line[1].kind == "op":
        name, name_span = line[0].text, line[0].span
        line = line[2:]
    parser = _Parser(line, source)
    expr = parser.expression(0)
    parser.expect_end()
    program.definitions.append(Definition(name, expr, _span_of(expr), name_span))


def _check_size(program: Program) -> None:
    """Bound the depth and the size of every line with the definitions before it written out.

    A definition is used by name, but the derivation works on the expression it stands for:
    ``Y2 = Y1*Y1`` doubles ``Y1``, so thirty such lines stand for a billion factors. Measured
    without recursion, and refused at the first (innermost) part over a limit, with a caret there.
    """
    known: dict[str, tuple[int, int]] = {}  # definition name -> (depth, size) written out
    for definition in program.definitions:
        measured: dict[int, tuple[int, int]] = {}
        stack: list = [(definition.expr, None)]
        while stack:
            node, kids = stack.pop()
            if kids is None:  # first met: its children measured first, then itself
                kids = children(node)
                stack.append((node, kids))
                stack.extend([(kid, None) for kid in kids])
                continue
            if isinstance(node, Name) and node.name in known:
                depth, size = known[node.name]
            elif not kids:
                depth, size = 1, 1
            else:
                depth = 1 + max((measured[id(k)][0] for k in kids), default=0)
                # an operation as written: a + b + c is two, sin(x) one, x none beyond itself
                ops = len(kids) - 1 if isinstance(node, (Sum, Product)) else 1
                size = ops + sum(measured[id(k)][1] for k in kids)
            measured[id(node)] = (depth, size)
            if depth <= MAX_DEPTH and size <= MAX_NODES:
                continue
            written_out = " once the definitions above it are written out" if _uses(node, known) else ""
            if depth > MAX_DEPTH:
                raise MatdiffError(
                    f"the expression is nested too deeply (more than {MAX_DEPTH} levels{written_out})",
                    program.source,
                    node.span,
                )
            if size > MAX_NODES:
                raise MatdiffError(
                    f"the expression is too large to derive step by step: {size:,} "
                    f"names, numbers and operations{written_out}; the limit is "
                    f"{MAX_NODES:,}",
                    program.source,
                    node.span,
                    hint="derive a part of it at a time",
                )
        if definition.name is not None:
            known[definition.name] = measured[id(definition.expr)]


def _uses(node, known: dict) -> bool:
    """Whether a definition's name occurs in node (only asked when a limit is exceeded)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name) and n.name in known:
            return True
        stack.extend(children(n))
    return False


def _is_declaration(line: list[Token]) -> bool:
    i = 0
    while i < len(line) and line[i].kind == "name":
        if i + 1 < len(line) and line[i + 1].text == ":":
            return True
        if i + 1 < len(line) and line[i + 1].text == ",":
            i += 2
            continue
        return False
    return False


def _parse_declaration(line: list[Token], source: str) -> Declaration:
    names, i = [], 0
    while True:
        names.append((line[i].text, line[i].span))
        if line[i + 1].text == ":":
            i += 2
            break
        i += 2
    kind_tok = line[i]
    if kind_tok.kind != "name" or kind_tok.text not in KINDS:
        close = difflib.get_close_matches(kind_tok.text, KINDS, n=1)
        raise MatdiffError(
            f"unknown kind {kind_tok.text!r} in a declaration"
            if kind_tok.text
            else "a declaration needs a kind after ':'",
            source,
            kind_tok.span,
            hint=(f"did you mean {close[0]!r}? " if close else "") + "kinds are: " + ", ".join(KINDS),
        )
    i += 1
    dims: list[tuple[str | int, Span]] = []
    if line[i].text == "(":
        i += 1
        while True:
            tok = line[i]
            if tok.kind == "name":
                dims.append((tok.text, tok.span))
            elif (
                tok.kind == "num" and tok.value is not None and tok.value.denominator == 1 and tok.value >= 1
            ):
                dims.append((int(tok.value), tok.span))
            else:
                raise MatdiffError("a size is a name (m, n, …) or a positive whole number", source, tok.span)
            i += 1
            if line[i].text == ",":
                i += 1
                continue
            if line[i].text == ")":
                i += 1
                break
            at = line[i].span
            if "\n" in source[line[i - 1].span.end : at.start]:  # the line ended: point at its end
                at = Span(line[i - 1].span.end, line[i - 1].span.end)
            raise MatdiffError("expected ',' or ')' in the sizes of a declaration", source, at)
    if line[i].kind != "eof":
        raise MatdiffError("unexpected text after the declaration", source, line[i].span)
    expected = {"scalar": 0, "vector": 1, "matrix": 2, "symmetric": 1, "spd": 1, "function": 0, "mean": 1}[
        kind_tok.text
    ]
    if dims and len(dims) != expected and not (kind_tok.text in ("symmetric", "spd") and len(dims) == 2):
        raise MatdiffError(
            f"an {kind_tok.text} takes {expected} size{'s' if expected != 1 else ''}"
            if kind_tok.text == "spd"
            else f"a {kind_tok.text} takes {expected} size{'s' if expected != 1 else ''}",
            source,
            dims[0][1] | dims[-1][1],
            hint={
                "scalar": "write c: scalar",
                "vector": "write a: vector(n)",
                "matrix": "write X: matrix(m, n)",
                "symmetric": "write S: symmetric(n)",
                "spd": "write S: spd(n)",
                "function": "write g: function",
                "mean": "write xbar: mean(x_i)",
            }[kind_tok.text],
        )
    if kind_tok.text == "spd":  # a symmetric matrix, declared positive definite
        return Declaration(tuple(names), "symmetric", tuple(dims), names[0][1] | line[i - 1].span, True)
    return Declaration(tuple(names), kind_tok.text, tuple(dims), names[0][1] | line[i - 1].span)


def _span_of(node) -> Span:
    return node.span


class _Parser:
    def __init__(self, tokens: list[Token], source: str):
        self.tokens, self.source, self.pos, self.depth = tokens, source, 0, 0
        # inside an exponent (up to a parenthesis, call or literal, which start afresh): a ' there
        # transposes the power, X.^2' is (X.^2)' as in MATLAB, not X.^(2'), a transposed number
        self.exponent = False

    # -- helpers
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def error(self, message: str, tok: Token, hint: str | None = None) -> MatdiffError:
        return MatdiffError(message, self.source, tok.span, hint)

    def expect_end(self) -> None:
        tok = self.peek()
        if tok.kind != "eof":
            if tok.text == ")":
                raise self.error("unbalanced parentheses: this ')' has no matching '('", tok)
            if tok.text == "=":
                # f(x_1, x_2) = … is how notes write a function: LaTeX, which --latex reads
                called = self.source[: tok.span.start].rstrip().endswith(")")
                raise self.error(
                    "'=' can only follow a name at the start of a line",
                    tok,
                    hint="write f = a'*x, or just a'*x; f(x) = … is read as LaTeX with --latex"
                    if called
                    else "write f = a'*x, or just a'*x",
                )
            raise self.error(
                f"expected an operator before {tok.text!r}",
                tok,
                hint="products are written with *, e.g. 2*x or A*x",
            )

    # -- Pratt loop
    def expression(self, min_bp: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", self.peek()
            )
        outer = self.exponent
        if min_bp == 0:  # a parenthesis, a call's argument, a literal's entry, the whole cell
            self.exponent = False
        try:
            left = self.prefix()
            while True:
                tok = self.tokens[self.pos]  # peek and advance written in: this runs at every token
                if tok.kind != "op":
                    break
                if tok.text == "'":
                    if min_bp > POSTFIX_BP or self.exponent:
                        break
                    self.pos += 1
                    left = Transpose(left, left.span | tok.span)
                    continue
                powers = BINARY.get(tok.text)
                if powers is None or powers[0] < min_bp:
                    break
                self.pos += 1
                if powers is EXPONENT:
                    self.exponent = True
                    right = self.expression(powers[1])
                    self.exponent = outer if min_bp else False
                else:
                    right = self.expression(powers[1])
                left = self.combine(tok, left, right)
            return left
        finally:
            self.depth -= 1
            self.exponent = outer

    def combine(self, tok: Token, left, right):
        op, span = tok.text, left.span | right.span
        if op in ("+", "-"):
            terms = left.terms if isinstance(left, Sum) else (("+", left, None),)
            return Sum(terms + ((op, right, tok.span),), span)
        if op in ("*", "/", ".*", "./"):
            items = left.items if isinstance(left, Product) else (("", left, None),)
            return Product(items + ((op, right, tok.span),), span)
        return Power(op, left, right, span, tok.span)

    def prefix(self):
        tok, self.pos = self.tokens[self.pos], self.pos + 1
        if tok.kind == "name":  # the most frequent operand
            if self.tokens[self.pos].text == "(":
                return self.call(tok)
            return Name(tok.text, tok.span)  # a function's name alone is refused by the types stage
        if tok.kind == "num":
            return Num(tok.value, tok.span)
        if tok.kind == "op" and tok.text == "-":
            operand = self.expression(UNARY_MINUS_BP)
            return Neg(operand, tok.span | operand.span)
        if tok.kind == "op" and tok.text == "+":
            return self.expression(UNARY_MINUS_BP)
        if tok.kind == "op" and tok.text == "(":
            if self.peek().text == ")":
                raise self.error("empty parentheses", self.peek())
            inner = self.expression(0)
            close = self.advance()
            self._missing_operator(close)
            if close.text != ")":
                raise self.error(
                    "unbalanced parentheses: expected ')'",
                    close if close.kind != "eof" else tok,
                    hint=None if close.kind != "eof" else "this '(' is never closed",
                )
            return _with_span(inner, tok.span | close.span)
        if tok.kind == "op" and tok.text == "[":  # [a, b; c, d]
            return parse_literal(self, tok)
        if tok.kind == "eof":
            raise self.error(
                "the expression ends too early", tok, hint="an operand is missing after the last operator"
            )
        if tok.text == ")":
            raise self.error("unbalanced parentheses: this ')' has no matching '('", tok)
        if tok.text == "*" and self.pos >= 2 and self.tokens[self.pos - 2].text == "*":
            raise self.error(
                "unexpected '*': there is no ** operator",
                tok,
                hint="powers are written with ^ (x^2) or .^ (X.^2)",
            )
        raise self.error(f"unexpected {tok.text!r}", tok)

    def _missing_operator(self, tok: Token) -> None:
        """tr(X' A X): an operand where ')' or an operator was due is a product written without
        its *, not a missing parenthesis."""
        if tok.kind in ("name", "num") or tok.text in ("(", "["):
            raise self.error(
                f"expected an operator before {tok.text!r}",
                tok,
                hint="products are written with *, e.g. 2*x or A*x",
            )

    def call(self, name_tok: Token):
        """name(args): any name; the types stage checks it against the functions of the language."""
        func = name_tok.text
        open_tok = self.advance()
        args = []
        if self.peek().text != ")":
            while True:
                args.append(self.expression(0))
                if self.peek().text == ",":
                    self.advance()
                    continue
                break
        close = self.advance()
        self._missing_operator(close)
        if close.text != ")":
            raise self.error(
                "unbalanced parentheses: expected ')' to close the call of " + func,
                close if close.kind != "eof" else open_tok,
            )
        return Call(func, tuple(args), name_tok.span | close.span, name_tok.span)


def _with_span(node, span: Span):
    """Parenthesised nodes take the span of their parentheses, so errors point at the group."""
    return type(node)(**{**node.__dict__, "span": span})
