"""A derivation as text, as an aligned TeX block and as the JSON of the mimetype.

``Derivation.to_text``, ``to_latex``, ``to_json`` and ``where`` delegate here; each function takes
the derivation and reads only its public attributes. ``to_json`` is the contract of
``application/vnd.matdiff.derivation.v1+json`` (schema in ``schema/derivation.v1.schema.json``).
The TeX block typesets in MathJax 2, MathJax 3 and KaTeX (``portable``).
"""

from __future__ import annotations

import math

from matdiff_magic import i18n
from matdiff_magic.derivation.symmetric import describe
from matdiff_magic.ir import nodes as ir
from matdiff_magic.numeric.check import CheckResult
from matdiff_magic.numeric.reasons import could_not_check
from matdiff_magic.ops.unknown import substitution_latex
from matdiff_magic.render.linebreak import tex_head, tex_step, tex_where, text_list, text_step, text_words
from matdiff_magic.render.notation import GREEK_UNICODE, name_latex, name_text, space_latex, space_text
from matdiff_magic.render.portable import portable
from matdiff_magic.render.printer import to_latex as expr_latex
from matdiff_magic.render.printer import to_text as expr_text
from matdiff_magic.render.steps import ShownStep
from matdiff_magic.types.dims import Dim


def where(d, abbrev: dict | None = None) -> tuple[str, str]:
    """The where line (TeX, text): every variable in its space, symmetric ones with the
    convention, the names the view uses (``abbrev``, default this layout's: ``d.abbrev``) and the
    notes on how f was read (in ``d.lang``)."""
    abbrev = d.abbrev if abbrev is None else abbrev
    return _where_tex(d, abbrev), _where_text(d, abbrev)


def _where_tex(d, abbrev: dict) -> str:
    """The where line's TeX (``where``): all the TeX block shows."""
    tex = ",\\ ".join(
        f"{name_latex(v.name, v.kind)} \\in {space_latex(v.shape)}" + _structure(d, v, True)
        for v in d.variables
    )
    for name, definition in _definitions(abbrev, tex=True):
        tex += rf",\ {name} = {definition}"
    for note in d.notes:
        tex += rf";\ \text{{note: {tex_text(note)}}}"
    return i18n.translate_tex(tex, d.lang)


def _where_text(d, abbrev: dict) -> str:
    """The where line's text (``where``)."""
    text = ", ".join(
        f"{name_text(v.name)} ∈ {space_text(v.shape)}" + _structure(d, v, False) for v in d.variables
    )
    for name, definition in _definitions(abbrev, tex=False):
        text += f", {name} = {definition}"
    for note in d.notes:
        text += "; " + i18n.translate(f"note: {note}", d.lang)
    return text


def _structure(d, v: ir.Var, tex: bool) -> str:
    """A symmetric variable's remark (the convention, for the one derived by)."""
    if not v.symmetric:
        return ""
    convention = describe(v, d.symmetric, tex) if v.name == d.wrt.name else ""
    if tex:
        return (
            (r"\ \text{(symmetric; }" + convention + r"\text{)}") if convention else r"\ \text{(symmetric)}"
        )
    return " " + i18n.translate(f"(symmetric; {convention})" if convention else "(symmetric)", d.lang)


def _defined(abbrev: dict) -> list:
    """The named nodes the where line defines: M₁ᵀ, or M₁ met again as written another way, once."""
    defined: list = []
    for node, (name_tex, name_txt) in abbrev.items():
        if name_txt.endswith("ᵀ") or any(
            node is not n and abbrev[n] == (name_tex, name_txt) for n in defined
        ):
            continue
        defined.append(node)
    return defined


def _definitions(abbrev: dict, tex: bool) -> list[tuple[str, str]]:
    """(name, definition) of each node the where line defines (``_defined``), in TeX or in text."""
    if tex:
        return [(abbrev[n][0], expr_latex(n, abbrev=abbrev, define=True)) for n in _defined(abbrev)]
    return [(abbrev[n][1], expr_text(n, abbrev=abbrev, define=True)) for n in _defined(abbrev)]


def _names_json(abbrev: dict) -> dict:
    """The JSON's ``names``: each subexpression the steps and results print by name (t₁, M₁, …),
    defined once, in the where line's order (a definition may use the names before it); absent
    when the view names nothing, so the payload of a small cell is as it was."""
    pairs = zip(_definitions(abbrev, tex=True), _definitions(abbrev, tex=False))
    names = [
        {"latex": name_tex, "text": name_txt, "definition": {"latex": def_tex, "text": def_txt}}
        for (name_tex, def_tex), (name_txt, def_txt) in pairs
    ]
    return {"names": names} if names else {}


def to_latex(d) -> str:
    """The derivation as one aligned block: a row a step with its rule and identity in grey."""
    rows = []
    shown = d.steps  # made once: each call makes the list afresh
    column = max(len(s.step.lhs_text) for s in shown) + 3  # where the text's expressions start
    for s in shown:
        step = s.step  # its recorded fields read directly; the rule and TeX through ShownStep
        rule = s.rule  # worded in the step's language once
        note = ""
        if step.identity is not None:
            note = rf"\text{{{tex_text(rule)}: }}{step.identity.latex}"
        elif step.stage != "function" and rule:
            note = rf"\text{{{tex_text(rule)}}}"
        rows += tex_step(tex_head(step.stage, step.lhs), s.latex, note, column)  # long: rows of its own
    where_tex = _where_tex(d, d.abbrev)  # its text is not shown here
    rows += tex_where(r"&\text{where } ", where_tex, column) if where_tex else []
    if d.check_result is not None:
        rows.append("&" + _check_tex(d.check_result) + substitution_latex(d.function))
    body = portable(i18n.translate_tex(" \\\\\n".join(r for r in rows if r), d.lang))
    return "$$\\begin{aligned}\n" + body + "\n\\end{aligned}$$"


def to_text(d) -> str:
    """The derivation in Unicode, the left-hand sides right-aligned, each rule in brackets."""
    lines = []
    shown = d.steps  # made once: each call makes the list afresh
    width = max(len(s.step.lhs_text) for s in shown)
    for s in shown:
        rule = (
            f"    [{s.rule}{': ' + s.identity_text if s.identity_text else ''}]"
            if s.stage != "function"
            else ""
        )
        # a line over linebreak.WIDTH breaks at its top-level + − =, the rule on a line of its own
        head = f"{'⇔':>{width}}   " if s.stage == "solve" else f"{s.lhs_text:>{width}} = "
        lines += text_step(head, s.text, rule.strip())
    _, where_text = where(d)
    if where_text:
        lines += text_list(f"{'':>{width}}   {i18n.translate('where', d.lang)} ", where_text)
    if d.check_result is not None:
        lines += text_words(f"{'':>{width}}   ", i18n.translate(d.check_result.message, d.lang))
    return "\n".join(lines)


def to_json(d, whole: bool = True) -> dict:
    """The mimetype's JSON (schema ``derivation.v1``), its wording in ``d.lang``; ``whole``: with
    the optional ``latex``, the whole TeX block (a bundle, whose text/latex is that block, leaves
    it out rather than carry it twice)."""
    say = lambda text: i18n.translate(text, d.lang)
    # the JSON carries every layout's result: its names are those of all of them
    abbrev = d.names_for(tuple(d.results))[0]
    where_tex, where_text = where(d, abbrev)
    check = d.check_result or CheckResult("skipped", None, "numeric check not run")
    err = check.max_rel_error
    return {
        "version": 1,
        "source": d.source,
        "function": {
            "name": d.name,
            "latex": expr_latex(d.function, abbrev=abbrev),
            "text": expr_text(d.function, abbrev=abbrev),
            "shape": _json_shape(d.function.shape),
        },
        "wrt": d.wrt.name,
        "variables": [
            {
                "name": v.name,
                "latex": name_latex(v.name, v.kind),
                "kind": v.kind,
                "shape": _json_shape(v.shape),
                "declared": bool(d.typed.declared.get(v.name)),
            }
            for v in d.variables
        ],
        "where": {"latex": where_tex, "text": where_text, **_worded(d, "label", "where")},
        **_names_json(abbrev),
        "steps": [_step_json(s) for s in d.steps_for(tuple(d.results))],
        "layout": d.layout,
        "results": {
            lay: {
                "lhs": r.lhs,
                "latex": expr_latex(r.expr, abbrev=abbrev),
                "text": expr_text(r.expr, abbrev=abbrev),
                "shape": _json_shape(r.shape),
                "description": say(r.description),
                **_worded(d, "rule", f"{lay} layout"),
            }
            for lay, r in d.results.items()
        },
        "check": {
            "status": check.status,
            "max_rel_error": None if err is None or not math.isfinite(err) else err,
            "message": say(check.message),
        },
        **({"latex": to_latex(d)} if whole else {}),
        **({"lang": d.lang} if d.lang != "en" else {}),  # the schema's default: en
    }


# Inside \text, a Greek letter is set as math: KaTeX has no text glyph for Σ.
_GREEK_IN_TEXT = str.maketrans({c: rf"}}\{name}\text{{" for name, c in GREEK_UNICODE.items()})


_TEX_SPECIALS = frozenset("\\{}$&")


def tex_text(s: str) -> str:
    """Text for inside \\text{…}: no TeX specials, Greek letters as math."""
    if s.isascii() and _TEX_SPECIALS.isdisjoint(s):  # a rule's name (most): nothing to change
        return s
    return (
        s.replace("\\", "")
        .replace("{", "")
        .replace("}", "")
        .replace("$", "")
        .replace("&", "and")
        .translate(_GREEK_IN_TEXT)
    )


def _check_tex(c: CheckResult) -> str:
    if c.status == "passed" and c.by == "zeros":
        return r"\checkmark\ \text{the derivative and f's differences are both 0 at every point tried}"
    if c.status == "passed":
        how = " by the complex step" if c.by == "complex step" else ""
        return (
            rf"\checkmark\ \text{{checked at a random point{how}, max rel. error }} {_sci(c.max_rel_error)}"
        )
    if c.status == "failed":
        return (
            rf"\color{{red}}{{\text{{numeric check FAILED: max rel. error }} "
            rf"{_sci(c.max_rel_error)}}}"
        )
    if c.reason is not None:
        before, node, after = could_not_check(c.reason)
        if node is not None:
            return rf"\text{{{tex_text(before)}}}{expr_latex(node)}\text{{{tex_text(after)}}}"
    return rf"\text{{{tex_text(c.message)}}}"


def _sci(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return r"\text{n/a}"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def _worded(d, key: str, english: str) -> dict:
    """{key: the wording in the derivation's language}, for a renderer that writes it itself (the
    where line's label, the final step's rule in another layout); nothing in English, the default."""
    return {key: i18n.translate(english, d.lang)} if d.lang != "en" else {}


def _json_shape(shape) -> list:
    return [int(d) if Dim.of(d).is_fixed else str(d) for d in shape]


def _step_json(s: ShownStep) -> dict:
    out = {
        "stage": s.stage,
        "rule": s.rule,
        "identity": s.identity_latex,
        "identity_text": s.identity_text,
        "lhs": s.lhs,
        "latex": s.latex,
        "latex_highlighted": s.latex_highlighted,
        "text": s.text,
        "changed": s.changed,
    }
    if s.note:
        out["note"] = s.note
    return out
