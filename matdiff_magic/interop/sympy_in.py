"""A SymPy matrix expression as a cell of the language, so that ``derive`` takes one.

``to_source(expr, wrt)`` writes the declarations of the expression's ``MatrixSymbol``s (with their
sizes: ``X: matrix(m, n)``, an n×1 one ``x: vector(n)``) and scalar ``Symbol``s, then the
expression in the language; deriving that text is deriving the SymPy expression, step for step.
The operators are read here (``MatAdd``/``Add``, ``MatMul``/``Mul``, ``Transpose``, ``MatPow``,
``Pow``, ``HadamardProduct``, ``HadamardPower``, numbers, a 1×1 product's only entry ``M[0, 0]``);
the functions by their ops' SymPy forms, ``Op.sympy`` (``Trace`` is tr, ``Determinant`` det, ``Inverse`` inv,
``KroneckerProduct`` kron, ``log(Abs(Determinant(X)))`` logdet, ``exp``/``applyfunc(exp)`` exp …).
Anything else is a MatdiffError naming the SymPy construct.
"""

from __future__ import annotations

import re

from matdiff_magic.errors import MatdiffError, Span
from matdiff_magic.interop.sympy_module import sympy
from matdiff_magic.ops import registry
from matdiff_magic.ops.sympy_forms import is_matrix

ADD, MUL, NEG, POW, POSTFIX, ATOM = 10, 20, 25, 30, 40, 100
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _readers() -> list:
    """(name in the language, arity, reads) of every op with a SymPy form to read, logdet first."""
    out = []
    for op in registry.ops():
        form = op.sympy
        if form is not None and form.reads is not None and (op.names or form.name):
            out.append((form.name or op.names[0], op.arity, form.reads))
    # log(Abs(Determinant(X))) is logdet before it is log of something
    return sorted(out, key=lambda r: r[0] != "logdet")


def sympy_cell(expr, wrt=None) -> tuple[str, str | None, dict]:
    """``to_source`` of a SymPy expression; anything else that is not a cell's text is a MatdiffError."""
    from matdiff_magic.interop.sympy_module import is_sympy

    if not is_sympy(expr):
        raise MatdiffError(
            f"derive takes the cell's text or a SymPy matrix expression, not {type(expr).__name__}"
        )
    return to_source(expr, wrt)


def to_source(expr, wrt=None) -> tuple[str, str | None, dict]:
    """The cell text of ``expr``, the name of ``wrt`` (a MatrixSymbol, a Symbol or a name) and the
    SymPy symbols of the variables and sizes by name (for ``to_sympy`` to answer in them)."""
    reader = _Reader(sympy())
    try:
        body = reader.text(expr)
    except _Unread as unread:  # the SymPy expression as the line, a caret under the construct
        whole, part = str(expr), str(unread.construct)
        start = max(0, whole.find(part))
        raise MatdiffError(str(unread), whole, Span(start, start + len(part))) from None
    name = None if wrt is None else wrt if isinstance(wrt, str) else reader.name_of(wrt)
    return "\n".join([*reader.declarations(), body]), name, {**reader.sizes, **reader.variables}


class _Reader:
    def __init__(self, sp):
        self.sp = sp
        self.variables: dict = {}  # name -> the SymPy symbol (in order of appearance)
        self.sizes: dict = {}  # size name -> its SymPy symbol
        self.readers = _readers()

    # ---- names and declarations
    def name_of(self, symbol) -> str:
        name = getattr(symbol, "name", None)
        if not isinstance(name, str):  # wrt=3, wrt=X.T: not a symbol
            raise MatdiffError(
                f"wrt names the variable to differentiate by (a MatrixSymbol, a Symbol or a name): got {symbol!r}"
            )
        if not _NAME.match(name) or name in _RESERVED():
            raise MatdiffError(f"the SymPy symbol {name!r} cannot be a variable's name in a cell")
        return name

    def variable(self, symbol) -> str:
        name = self.name_of(symbol)
        known = self.variables.setdefault(name, symbol)
        if known != symbol:
            raise MatdiffError(f"two SymPy symbols are called {name}: {known!r} and {symbol!r}")
        if is_matrix(symbol) and symbol.shape[0] == 1 and symbol.shape[1] != 1:
            raise MatdiffError(
                f"the MatrixSymbol {name} is a row (1×{symbol.shape[1]}): write it as the transpose "
                f"of a {symbol.shape[1]}×1 MatrixSymbol"
            )
        return name

    def size(self, d, owner: str) -> str:
        d = self.sp.sympify(d)
        if d.is_Integer and d > 0:
            return str(int(d))
        if d.is_Symbol and _NAME.match(str(d)):
            self.sizes[str(d)] = d
            return str(d)
        raise MatdiffError(
            f"the size {d} of {owner} is neither a number nor a symbol: a cell's sizes are names or numbers"
        )

    def declarations(self) -> list[str]:
        out = []
        for name, s in self.variables.items():
            if not is_matrix(s) or s.shape == (1, 1):
                out.append(f"{name}: scalar")
            elif s.shape[1] == 1:
                out.append(f"{name}: vector({self.size(s.shape[0], name)})")
            else:
                out.append(f"{name}: matrix({self.size(s.shape[0], name)}, {self.size(s.shape[1], name)})")
        return out

    # ---- the expression
    def text(self, e) -> str:
        return self.go(self.sp.sympify(e))[0]

    def wrap(self, e, above: int) -> str:
        text, prec = self.go(e)
        return text if prec > above else f"({text})"

    def go(self, e) -> tuple[str, int]:
        sp = self.sp
        name = type(e).__name__
        if isinstance(e, sp.MatrixSymbol) or (e.is_Symbol and not isinstance(e, sp.Dummy)):
            return self.variable(e), ATOM
        if e.is_Number:
            return _number(sp, e)
        if isinstance(e, (sp.Add, sp.MatAdd)):
            return self.sum(e.args)
        if isinstance(e, (sp.Mul, sp.MatMul)):
            return self.product(e.args)
        if name == "Transpose":
            return self.wrap(e.arg, POSTFIX - 1) + "'", POSTFIX
        if name == "MatrixElement" and e.parent.shape == (1, 1):
            return self.go(e.parent)
        if name == "HadamardProduct":
            return " .* ".join(self.wrap(a, MUL) for a in e.args), MUL
        if name == "HadamardPower":
            return f"{self.wrap(e.base, POW)}.^{self.exponent(e.exp)}", POW
        if name == "Inverse" and e.shape == (1, 1):  # of a 1×1 product: a number's reciprocal
            return f"1/{self.wrap(e.arg, POW)}", MUL
        for function, arity, reads in self.readers:
            operands = reads(sp, e)
            if operands is not None:
                return self.call(function, arity, operands)
        if name == "MatPow" and (e.exp.is_Integer or e.shape == (1, 1)):
            return f"{self.wrap(e.base, POW)}^{self.exponent(e.exp)}", POW
        if isinstance(e, sp.Pow):
            return self.power(e)
        if name in ("Identity",):
            return f"eye({self.size(e.shape[0], 'an identity matrix')})", ATOM
        if name in ("OneMatrix", "ZeroMatrix"):
            value = 1 if name == "OneMatrix" else 0
            rows, cols = e.shape
            if cols == 1:
                return f"vector({value}, {self.size(rows, name)})", ATOM
            if rows == 1:
                return f"vector({value}, {self.size(cols, name)})'", POSTFIX
            return f"matrix({value}, {self.size(rows, name)}, {self.size(cols, name)})", ATOM
        if name == "Sum":  # what M[0, 0] of a product becomes: SymPy expands the entry into indices
            raise _Unread(
                f"the SymPy construct Sum ({e}) has no counterpart in matdiff's language: SymPy "
                "writes the entry [0, 0] of a product as a sum over indices; pass the 1×1 product "
                "itself (x.T*A*x) or MatrixElement(x.T*A*x, 0, 0)",
                e,
            )
        raise _Unread(f"the SymPy construct {name} ({e}) has no counterpart in matdiff's language", e)

    def call(self, function: str, arity: int, operands) -> tuple[str, int]:
        args = [self.text(a) for a in operands]
        while len(args) > arity:  # kron(A, B, C) is kron(kron(A, B), C)
            args[:2] = [f"{function}({args[0]}, {args[1]})"]
        return f"{function}({', '.join(args)})", ATOM

    def exponent(self, p) -> str:
        text, prec = self.go(p)
        return text if prec == ATOM else f"({text})"

    def power(self, e) -> tuple[str, int]:
        sp = self.sp
        if e.exp == sp.Rational(1, 2):
            return f"sqrt({self.text(e.base)})", ATOM
        if e.exp == -1:
            return f"1/{self.wrap(e.base, POW)}", MUL
        return f"{self.wrap(e.base, POW)}^{self.exponent(e.exp)}", POW

    def sum(self, terms) -> tuple[str, int]:
        out = ""
        for k, t in enumerate(terms):
            negated = _negated(self.sp, t)
            if negated is not None:
                out += (" - " if k else "-") + self.wrap(negated, MUL - 1)
            else:
                out += (" + " if k else "") + self.wrap(t, ADD)
        return out, ADD

    def product(self, factors) -> tuple[str, int]:
        sp = self.sp
        coefficient = [f for f in factors if f.is_Number]
        rest = [f for f in factors if not f.is_Number]
        numerator = [f for f in rest if not (isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0)]
        denominator = [sp.Pow(f.base, -f.exp) for f in rest if f not in numerator]
        c = sp.Mul(*coefficient) if coefficient else sp.Integer(1)
        if c == -1 and numerator:
            text, _ = self.product(numerator + [sp.Pow(d, -1) for d in denominator])
            return "-" + (text if _ > NEG else f"({text})"), NEG
        parts = ([self.wrap(c, MUL)] if c != 1 or not numerator else []) + [
            self.wrap(f, MUL) for f in numerator
        ]
        out = "*".join(parts)
        for d in denominator:
            out += "/" + self.wrap(d, MUL)
        return out, MUL


class _Unread(MatdiffError):
    """A SymPy construct the reader has no counterpart for (shown with a caret under it)."""

    def __init__(self, message: str, construct):
        super().__init__(message)
        self.construct = construct


def _negated(sp, t):
    """u when the term t is −u (a negative coefficient or number), else None."""
    if t.is_Number and t < 0:
        return -t
    if isinstance(t, (sp.Mul, sp.MatMul)) and t.args and t.args[0].is_Number and t.args[0] < 0:
        rest = list(t.args[1:])
        c = -t.args[0]
        factors = ([c] if c != 1 else []) + rest
        return factors[0] if len(factors) == 1 else type(t)(*factors)
    return None


def _number(sp, e) -> tuple[str, int]:
    if e.is_Integer:
        return str(int(e)), ATOM if e >= 0 else NEG
    if e.is_Rational:
        return f"{e.p}/{e.q}", MUL if e > 0 else NEG
    if e.is_Float:
        return repr(float(e)), ATOM if e >= 0 else NEG
    raise MatdiffError(f"the SymPy number {e} has no counterpart in matdiff's language")


def _RESERVED() -> set:
    from matdiff_magic.syntax import vocabulary

    return set(vocabulary.FUNCTIONS) | set(vocabulary.KINDS)
