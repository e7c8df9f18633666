"""Trace tables as the seed draws them: the primal trace beside the tangent trace (forward mode),
and the adjoint trace with the contributions added up at fan-out (reverse mode).

One object, three renderings in one display bundle: text/html, text/latex and text/plain, worded
in the language current when it was made (``i18n``).
"""

from __future__ import annotations

import html
import re

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.autodiff.notation import (
    MINUS,
    to_tex,
    value_inline,
    value_lines,
    value_tex,
    visible_len,
)


def _arr(v) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    return a.reshape(1, 1) if a.ndim == 0 else a.reshape(-1, 1) if a.ndim == 1 else a


def _sum_text(contributions) -> str:
    """'2 + (−0.284)': the adjoint as the sum of what each consumer sent back."""
    if len(contributions) < 2:
        return ""
    parts = [value_inline(_arr(v)) for _, v in contributions]
    return " + ".join(f"({p})" if p.startswith(MINUS) else p for p in parts)


class TraceTable:
    def __init__(self, forward=None, reverse=None):
        self.forward, self.reverse = forward, reverse
        self.lang = i18n.current()

    def _say(self, text: str) -> str:
        return i18n.translate(text, self.lang)

    @classmethod
    def from_rows(cls, rows):
        return cls(rows, None) if rows.mode == "forward" else cls(None, rows)

    # ---- text/html
    def to_html(self) -> str:
        parts = [
            '<div class="matdiff-trace" style="display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start">'
        ]
        if self.forward is not None:
            t = self._say
            head = (
                f"<tr><th>v</th><th>{t('primal trace')}</th><th>{t('value')}</th>"
                f"<th>{t('tangent trace')}</th><th>v&#775;</th></tr>"
            )
            body = "".join(
                f"<tr><td>{_h(r['name'])}</td><td>{_h(r['expr'])}</td><td>{_hv(r['value'])}</td>"
                f"<td>{_h(r['formula'])}</td><td>{_hv(r['tangent'])}</td></tr>"
                for r in self.forward
            )
            parts.append(
                _table(self._say("Forward mode: evaluation trace and tangent trace (JVP)"), head, body)
            )
        if self.reverse is not None:
            head = (
                f"<tr><th>v</th><th>{self._say('adjoint trace')}</th>"
                f"<th>{self._say('contributions')}</th><th>v&#772;</th></tr>"
            )
            body = "".join(
                f"<tr><td>{_h(r['name'])}</td><td>{_h(r['formula'])}</td>"
                f"<td>{_h(_sum_text(r['contributions']))}</td><td>{_hv(r['adjoint'])}</td></tr>"
                for r in self.reverse
            )
            parts.append(_table(self._say("Reverse mode: adjoint trace (VJP), output first"), head, body))
        parts.append("</div>")
        return "".join(parts)

    # ---- text/latex
    def to_latex(self) -> str:
        blocks = []
        if self.forward is not None:
            lines = [
                rf"{to_tex(r['name'])} &= {to_tex(r['expr'])} = {value_tex(_arr(r['value']))}"
                rf" & {to_tex(r['formula'])} = {value_tex(_arr(r['tangent']))}"
                for r in self.forward
            ]
            blocks.append(
                r"\text{forward mode}\\" + r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"
            )
        if self.reverse is not None:
            lines = []
            for r in self.reverse:
                total = value_tex(_arr(r["adjoint"]))
                parts = _sum_text(r["contributions"])
                mid = f" = {to_tex(parts)}" if parts else ""
                lhs, _, rhs = to_tex(r["formula"]).partition("=")
                end = "" if rhs.strip() == total else f" = {total}"  # the output's v̄ = 1
                lines.append(rf"{lhs} &= {rhs.strip()}{mid}{end}")
            blocks.append(
                r"\text{reverse mode}\\" + r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"
            )
        # One gathered block: a "\\" between two formulas of a display would do nothing in KaTeX.
        tex = "$$" + r"\begin{gathered}" + r"\\[1ex]".join(blocks) + r"\end{gathered}" + "$$"
        return i18n.translate_tex(tex, self.lang)

    # ---- text/plain
    def to_text(self) -> str:
        out = []
        if self.forward is not None:
            out.append(self._say("forward mode (primal trace | tangent trace)"))
            out += _columns(
                [
                    (
                        r["name"],
                        "=",
                        r["expr"],
                        "=",
                        value_inline(_arr(r["value"])),
                        "|",
                        r["formula"],
                        "=",
                        value_inline(_arr(r["tangent"])),
                    )
                    for r in self.forward
                ]
            )
        if self.reverse is not None:
            if out:
                out.append("")
            out.append(self._say("reverse mode (adjoint trace, output first)"))
            rows = []
            for r in self.reverse:
                parts, total = _sum_text(r["contributions"]), value_inline(_arr(r["adjoint"]))
                if r["formula"].endswith(f"= {total}") and not parts:  # the output's v̄ = 1
                    rows.append((r["formula"], "", "", ""))
                    continue
                rows.append((r["formula"], "=", parts + " =" if parts else "", total))
            out += _columns(rows, right=(2,))  # the sums right-aligned: their = in one column
        return "\n".join(out)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return self.bundle()

    def bundle(self) -> dict:
        return {"text/html": self.to_html(), "text/latex": self.to_latex(), "text/plain": self.to_text()}

    def __repr__(self) -> str:
        return self.to_text()


def _table(caption: str, head: str, body: str) -> str:
    # notebook front ends right-align table cells; formulas read better from the left
    head = head.replace("<th>", '<th style="text-align:left">')
    body = body.replace("<td>", '<td style="text-align:left">')
    return (
        '<table style="border-collapse:collapse;font-size:0.95em">'
        f'<caption style="caption-side:top;text-align:left;font-weight:bold">{_h(caption)}</caption>'
        f"<thead>{head}</thead><tbody>{body}</tbody></table>"
    )


def _h(text: str) -> str:
    return html.escape(str(text))


def _hv(value) -> str:
    lines = value_lines(_arr(value))
    inner = "<br>".join(html.escape(s).replace(" ", "&nbsp;") for s in lines)
    return f'<span style="font-family:monospace;white-space:nowrap">{inner}</span>'


def _columns(rows, right: tuple = ()) -> list:
    """Rows of cells as text columns two spaces apart, left-aligned but for the columns ``right``."""
    widths = [max(visible_len(str(r[k])) for r in rows) for k in range(len(rows[0]))] if rows else []

    def cell(k: int, c, w: int) -> str:
        pad = " " * (w - visible_len(str(c)))
        return pad + str(c) if k in right else str(c) + pad

    return ["  ".join(cell(k, c, w) for k, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]


# ---- the rule table -------------------------------------------------------------------------
_GENERIC = {
    "{0}": "a",
    "{1}": "b",
    "{d0}": "ȧ",
    "{d1}": "ḃ",
    "{y}": "y",
    "{g}": "ȳ",
    "{f}": "σ",
    "{fp}": "σ′(a)",
    "{m}": " ⊙ ",
    "{q}": " ⊘ ",
}


def _generic(template: str) -> str:
    for key, value in _GENERIC.items():
        template = template.replace(key, value)
    return template


def rule_names(prim) -> str:
    """The rule of a trace row as the derivation's steps name it ("product rule and power rule"
    for a/b): the first identity of each op the row comes from, and of the ops its IR names."""
    from matdiff_magic.ops import registry

    own = [op for op in registry.OPS.values() if prim in op.primitives]
    own_nodes = {op.node.__name__ for op in own}
    named = set(re.findall(r"[A-Z][A-Za-z]+", prim.ir)) - own_nodes
    ops = own + [op for op in registry.OPS.values() if op.node.__name__ in named]
    names = list(dict.fromkeys(op.identity_list()[0].name for op in ops if op.identity_list()))
    first_words = {name.split(" ")[0] for name in names}
    if len(names) > 2 and len(first_words) == 1:  # one row for a family: "element-wise function"
        return f"{first_words.pop()} function"
    return " and ".join(names)


class RuleTable:
    """Every primitive of the trace with its forward (JVP) and reverse (VJP) rule side by side,
    written for operands a, b and result y (⟨u, w⟩ is the sum of the entries of u ⊙ w)."""

    def __init__(self):
        from matdiff_magic.autodiff.rules import RULES

        self.lang = i18n.current()  # the language of its headings and rule names (i18n)
        self.rows = []
        for name, rule in RULES.items():
            operands = "ab"[: len(rule.jvp_terms)]
            forward = "ẏ = " + " + ".join(_generic(t) for t in rule.jvp_terms).replace("+ −", "− ")
            reverse = ", ".join(f"{x}̄ += {_generic(t)}" for x, t in zip(operands, rule.vjp_terms))
            self.rows.append(
                {
                    "primitive": name,
                    "ir": rule.ir,
                    "rule": i18n.translate(rule_names(rule), self.lang),
                    "step": "y = " + _generic(rule.text),
                    "forward": forward,
                    "reverse": reverse,
                }
            )

    def to_html(self) -> str:
        t = lambda text: i18n.translate(text, self.lang)
        head = "".join(
            f"<th>{t(h)}</th>" for h in ("primitive", "rule", "step", "forward (JVP)", "reverse (VJP)")
        ).join(("<tr>", "</tr>"))
        body = "".join(
            "<tr>"
            + "".join(f"<td>{_h(r[k])}</td>" for k in ("primitive", "rule", "step", "forward", "reverse"))
            + "</tr>"
            for r in self.rows
        )
        return _table(t("Local rules: each step's tangent and adjoint, side by side"), head, body)

    def to_text(self) -> str:
        return "\n".join(
            _columns([(r["primitive"], r["step"], r["forward"], r["reverse"]) for r in self.rows])
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()


def rule_table() -> RuleTable:
    return RuleTable()
