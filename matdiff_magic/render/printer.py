"""One precedence-aware printer for the IR, with a TeX and a Unicode notation.

Parentheses are added only where precedence needs them. ``highlight`` is a set of node ids to
mark (the part a step changed); ``hide_scalar_trace`` prints tr(s) as s for a 1×1 s, which is how
derivations by a vector are written (df = gᵀdx rather than tr(gᵀdx)).
"""
from __future__ import annotations

from fractions import Fraction

from matdiff_magic.ir import nodes as ir
from matdiff_magic.render.notation import (
    name_latex,
    name_text,
    number_latex,
    number_text,
    superscript,
)

HIGHLIGHT_COLOR = "#d62728"

# precedence: higher binds tighter
P_ADD, P_NEG, P_HADAMARD, P_MUL, P_DIFF, P_POSTFIX, P_ATOM = 10, 15, 18, 20, 35, 40, 100

FUNC_LATEX = {"exp": "\\exp", "log": "\\log", "sin": "\\sin", "cos": "\\cos", "tan": "\\tan",
              "tanh": "\\tanh", "arcsin": "\\arcsin", "arccos": "\\arccos", "arctan": "\\arctan",
              "abs": "\\operatorname{abs}", "sign": "\\operatorname{sign}",
              "relu": "\\operatorname{relu}", "sigmoid": "\\sigma", "step": "\\operatorname{step}"}
FUNC_TEXT = {"sigmoid": "σ"}


class _Printer:
    def __init__(self, tex: bool, highlight=frozenset(), hide_scalar_trace: bool = False,
                 abbrev=None, root=None):
        self.tex, self.highlight, self.hide_scalar_trace = tex, highlight, hide_scalar_trace
        self.abbrev, self.root = abbrev or {}, root   # root: the node being defined, not abbreviated

    # -- entry point: returns (string, precedence)
    def go(self, e: ir.Expr) -> tuple[str, int]:
        if self.abbrev and e is not self.root and e in self.abbrev:
            s, p = self.abbrev[e][0 if self.tex else 1], P_ATOM
        else:
            s, p = getattr(self, "p_" + type(e).__name__)(e)
        if id(e) in self.highlight:
            s = (f"{{\\color{{{HIGHLIGHT_COLOR}}}{{{s}}}}}" if self.tex else f"⟦{s}⟧")
        return s, p

    def wrap(self, e: ir.Expr, min_prec: int) -> str:
        s, p = self.go(e)
        return self.paren(s) if p < min_prec else s

    def paren(self, s: str) -> str:
        return f"\\left({s}\\right)" if self.tex and len(s) > 40 and "\\frac" in s else f"({s})"

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
        return s, (P_NEG if v < 0 else P_MUL if v.denominator != 1 and not self.tex else P_ATOM)

    def p_Fill(self, e):
        one = self.t("\\mathbf{1}", "𝟏")
        if e.shape[1] != 1:
            one += self.t(f"_{{{e.shape[0]}\\times {e.shape[1]}}}", f"₍{e.shape[0]}ₓ{e.shape[1]}₎")
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

    # -- unary
    def p_D(self, e):
        d = self.t("\\mathrm{d}", "d")
        if isinstance(e.arg, (ir.Var, ir.Det, ir.Norm)):  # dX, d|X|, d‖x‖ need no parentheses
            return d + self.go(e.arg)[0], P_DIFF
        return d + self.paren(self.go(e.arg)[0]), P_DIFF

    def p_Neg(self, e):
        return "-" + self.wrap(e.arg, P_MUL), P_NEG

    def p_Transpose(self, e):
        if isinstance(e.arg, ir.Inverse):
            return self.wrap(e.arg.arg, P_POSTFIX) + self.t("^{-T}", "⁻ᵀ"), P_POSTFIX
        return self.wrap(e.arg, P_POSTFIX + 1) + self.t("^{T}", "ᵀ"), P_POSTFIX

    def p_Inverse(self, e):
        if isinstance(e.arg, ir.Transpose):
            return self.wrap(e.arg.arg, P_POSTFIX + 1) + self.t("^{-T}", "⁻ᵀ"), P_POSTFIX
        return self.wrap(e.arg, P_POSTFIX + 1) + self.t("^{-1}", "⁻¹"), P_POSTFIX

    def _call(self, tex_name: str, text_name: str, arg: ir.Expr) -> tuple[str, int]:
        inner = self.go(arg)[0]
        return (f"{tex_name}\\left({inner}\\right)" if self.tex and len(inner) > 60
                else f"{self.t(tex_name, text_name)}({inner})"), P_ATOM

    def p_Trace(self, e):
        if self.hide_scalar_trace and e.arg.is_scalar:
            return self.go(e.arg)
        return self._call("\\operatorname{tr}", "tr", e.arg)

    def p_Det(self, e):
        inner = self.go(e.arg)[0]
        return self.t(f"\\lvert {inner}\\rvert", f"|{inner}|"), P_ATOM

    def p_LogDet(self, e):
        inner = self.go(e.arg)[0]
        return self.t(f"\\log\\lvert {inner}\\rvert", f"log|{inner}|"), P_ATOM

    def p_SumAll(self, e):
        return self._call("\\operatorname{sum}", "sum", e.arg)

    def p_DiagMatrix(self, e):
        return self._call("\\operatorname{diag}", "diag", e.arg)

    p_DiagVector = p_DiagMatrix

    def p_Norm(self, e):
        inner = self.go(e.arg)[0]
        sub = "1" if e.p == 1 else ("2" if e.arg.shape[1] == 1 else "F")
        return self.t(f"\\lVert {inner}\\rVert_{{{sub}}}",
                      f"‖{inner}‖{ {'1': '₁', '2': '₂', 'F': '_F'}[sub]}"), P_ATOM

    def p_Apply(self, e):
        if e.func == "sqrt" and self.tex:
            return f"\\sqrt{{{self.go(e.arg)[0]}}}", P_ATOM
        if e.func == "log" and isinstance(e.arg, (ir.Det, ir.Norm)):
            return self.t("\\log", "log") + self.go(e.arg)[0], P_ATOM  # log|X|, as the seeds write it
        return self._call(FUNC_LATEX.get(e.func, "\\operatorname{" + e.func + "}"),
                          FUNC_TEXT.get(e.func, "√" if e.func == "sqrt" else e.func), e.arg)

    # -- n-ary
    def p_Add(self, e):
        parts = []
        for i, term in enumerate(e.terms):
            neg = isinstance(term, ir.Neg) or (isinstance(term, ir.Const) and term.value < 0)
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

    def p_MatMul(self, e):
        out = []
        # numbers commute: show them first, as a coefficient
        factors = sorted(e.factors, key=lambda f: not isinstance(f, ir.Const))
        for i, f in enumerate(factors):
            if isinstance(f, ir.Const) and i == 0:
                s, p = self.go(f)
                out.append(s if p >= P_MUL else self.paren(s) if f.value >= 0 else s)
                if f.value == -1 and len(e.factors) > 1:
                    out[-1] = "-"
                continue
            need = P_MUL + 1 if isinstance(f, (ir.MatMul, ir.Hadamard)) else P_MUL
            s, p = self.go(f)
            if isinstance(f, ir.Const) or p < need or (isinstance(f, ir.MatMul)):
                s = self.paren(s)
            out.append(s)
        sep = " " if self.tex else ""
        text = sep.join(out) if self.tex else _join_text(out)
        if self.tex:
            text = text.replace("- ", "-", 1) if text.startswith("- ") else text
        prec = P_NEG if text.startswith("-") else P_MUL
        return text, prec

    def p_Hadamard(self, e):
        parts = [self.wrap(f, P_HADAMARD + 1) for f in e.factors]
        return self.t(" \\odot ", " ⊙ ").join(parts), P_HADAMARD

    def p_Kron(self, e):
        return (self.wrap(e.left, P_HADAMARD + 1) + self.t(" \\otimes ", " ⊗ ")
                + self.wrap(e.right, P_HADAMARD + 1)), P_HADAMARD

    def p_Vec(self, e):
        return self._call("\\operatorname{vec}", "vec", e.arg)

    def p_Commutation(self, e):
        return self.t(f"K_{{{e.rows}{e.cols}}}", f"K₍{e.rows},{e.cols}₎"), P_ATOM

    def p_Softmax(self, e):
        return self._call("\\operatorname{softmax}", "softmax", e.arg)

    def p_Pow(self, e):
        if isinstance(e.exponent, ir.Const):
            v = e.exponent.value
            if v == Fraction(1, 2) and self.tex:
                return f"\\sqrt{{{self.go(e.base)[0]}}}", P_ATOM
            exp_tex = number_latex(v) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
            exp_text = superscript(number_text(v))
        else:  # print the exponent once: twice per level is exponential in a tower x^x^x^…
            exp_tex = self.go(e.exponent)[0]
            exp_text = "^(" + exp_tex + ")"
        base = self.wrap(e.base, P_POSTFIX + 1)
        return (f"{base}^{{{exp_tex}}}" if self.tex else base + exp_text), P_POSTFIX

    def p_ElemPow(self, e):
        if e.base.is_scalar:
            return self.p_Pow(ir.Pow(e.base, e.exponent))
        base = self.wrap(e.base, P_POSTFIX + 1)
        v = self.go(e.exponent)[0]
        return (f"{base}^{{\\circ {v}}}" if self.tex else f"{base}^∘{v}"), P_POSTFIX


def _join_text(parts: list[str]) -> str:
    """Juxtapose factors in Unicode, with a thin separator where two names would run together."""
    out = ""
    for p in parts:
        if out and (out[-1].isalnum() or out[-1] in "ᵀ¹⁻)₀₁₂₃₄₅₆₇₈₉") and (p[0].isalnum() or p[0] in "(d𝟏") \
                or out == "-" and False:
            out += " "
        out += p
    return out


def to_latex(e: ir.Expr, highlight=frozenset(), hide_scalar_trace: bool = False, abbrev=None,
             define: bool = False) -> str:
    """TeX of e; ``abbrev`` maps nodes to names (``define``: e itself is printed in full)."""
    return _Printer(True, highlight, hide_scalar_trace, abbrev, e if define else None).go(e)[0]


def to_text(e: ir.Expr, highlight=frozenset(), hide_scalar_trace: bool = False, abbrev=None,
            define: bool = False) -> str:
    return _Printer(False, highlight, hide_scalar_trace, abbrev, e if define else None).go(e)[0]
