"""The seed's three ways to differentiate, side by side on one expression: symbolic (the
differential method of ``derive``), numeric (finite differences) and automatic (forward and
reverse mode), with what each costs; and the error of finite differences against the step h.

Every function takes a ``Graph`` (``autodiff.graph``), which offers them as its methods
(``g.compare()``, ``g.fd_error_plot()``); this module does not import it.
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from matdiff_magic import i18n
from matdiff_magic.autodiff.notation import number, value_inline, variable_text
from matdiff_magic.autodiff.table import _table
from matdiff_magic.autodiff.values import user_value
from matdiff_magic.derivation.pipeline import derive
from matdiff_magic.errors import MatdiffError
from matdiff_magic.numeric import fd
from matdiff_magic.numeric.evaluate import Evaluator
from matdiff_magic.syntax.parser import parse

METHODS = ("symbolic", "central difference", "forward mode", "reverse mode")


@dataclass
class Comparison:
    rows: list  # dicts: variable, method, gradient, max_abs_diff, cost
    fd_step: float
    lang: str = field(default_factory=i18n.current)  # the language of its table (i18n)

    def _say(self, text: str) -> str:
        return i18n.translate(text, self.lang)

    def gradient(self, variable: str, method: str):
        return next(r["gradient"] for r in self.rows if r["variable"] == variable and r["method"] == method)

    def to_html(self) -> str:
        t = self._say
        head = (
            f"<tr><th>x</th><th>{t('method')}</th><th>∂f/∂x</th><th>{t('max |difference| from symbolic')}</th>"
            f"<th>{t('cost')}</th></tr>"
        )
        body = "".join(
            f"<tr><td>{html.escape(r['variable'])}</td><td>{html.escape(t(r['method']))}</td>"
            f"<td>{html.escape(_compact(r['gradient']))}</td>"
            f"<td>{html.escape(_diff(r['max_abs_diff']))}</td><td>{html.escape(t(r['cost']))}</td></tr>"
            for r in self.rows
        )
        return _table(
            t(f"Symbolic vs numeric (h = {self.fd_step:g}) vs automatic differentiation"), head, body
        )

    def to_text(self) -> str:
        t = self._say
        lines = [f"{'x':<4} {t('method'):<20} {t('max |Δ| vs symbolic'):<22} {t('cost')}"]
        for r in self.rows:
            lines.append(
                f"{r['variable']:<4} {t(r['method']):<20} {_diff(r['max_abs_diff']):<22} {t(r['cost'])}"
                f"\n     ∂f/∂{variable_text(r['variable'])} = {_compact(r['gradient'])}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()


def compare_graph(g, wrt: str | None = None, fd_step: float = 1e-6) -> Comparison:
    """Every way to differentiate the Graph ``g`` by ``wrt`` (every input when None), side by side."""
    fd_step = step_size(fd_step)
    names = [g._input(wrt)] if wrt is not None else list(g.inputs)
    _refuse_costly(g, names)
    reverse = g.gradient()  # one sweep gives every input
    rows = []
    for name in names:
        var_node = g.trace.nodes[g.trace.by_variable[name]]
        n = var_node.value.size
        try:
            symbolic = symbolic_gradient(g, name)
        except MatdiffError as error:
            symbolic = None
            rows.append(_row(name, "symbolic", None, None, f"not available: {error.message}"))
        else:
            rows.append(_row(name, "symbolic", symbolic, 0.0, "one derivation, then evaluate"))
        fd = central_difference(g, name, fd_step)
        fwd = forward_gradient(g, name)
        ref = symbolic if symbolic is not None else reverse[name]
        rows.append(
            _row(
                name, "central difference", fd, _max_diff(fd, ref), f"{2 * n} evaluations of f (2 per entry)"
            )
        )
        rows.append(
            _row(
                name,
                "forward mode",
                fwd,
                _max_diff(fwd, ref),
                f"{n} forward sweep{'s' if n > 1 else ''} (1 per entry)",
            )
        )
        rows.append(
            _row(
                name,
                "reverse mode",
                reverse[name],
                _max_diff(reverse[name], ref),
                "1 reverse sweep (for every input at once)",
            )
        )
    return Comparison(rows, fd_step)


# Differences and forward mode go entry by entry: 2 evaluations of f and 1 sweep per entry of an
# input, so the work grows like entries × values in the trace (sum(X*X) at a 40×40 X took 0.5 s,
# 80×80 3.5 s, 120×120 12 s). Past COMPARE_WORK (about a second) it is refused before it starts.
COMPARE_WORK = 4 * 10**7
STEP_OVERHEAD = 64  # a step's own cost (Python calls), in entries of an array


def _refuse_costly(g, names) -> None:
    values = sum(node.value.size for node in g.trace.nodes)
    entries = sum(g.trace.nodes[g.trace.by_variable[name]].value.size for name in names)
    if entries * (values + STEP_OVERHEAD * len(g.trace.nodes)) > COMPARE_WORK:
        raise MatdiffError(
            f"compare() differentiates entry by entry: {entries} entries, each with 2 evaluations "
            f"of f and a forward sweep over its {values} values, too much work to finish in a second "
            "or two; compare at smaller values (inputs of a few hundred entries)"
        )


def step_size(fd_step) -> float:
    """The step h of the central differences: a positive finite number (0 would divide by zero,
    a negative h or NaN give rows of NaN, a string NumPy's error)."""
    real = isinstance(fd_step, numbers.Real) and not isinstance(fd_step, bool)
    try:
        h = float(fd_step) if real else math.nan
    except OverflowError:  # 10**400
        h = math.inf
    if not (math.isfinite(h) and h > 0):
        raise MatdiffError(
            f"fd_step={fd_step!r}: the step h of the central differences is a positive number, e.g. 1e-6"
        )
    return h


def _row(variable, method, gradient, diff, cost) -> dict:
    return {"variable": variable, "method": method, "gradient": gradient, "max_abs_diff": diff, "cost": cost}


def _max_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


def symbolic_gradient(g, name: str):
    """``derive(...).evaluate(...)`` in denominator layout, with the kinds the values gave."""
    d = derive(declared_source(g), wrt=name, layout="denominator", check=False)
    return d.evaluate(**g.values)


def declared_source(g) -> str:
    """The cell with a declaration for every variable whose kind came from its value."""
    declared = {n for d in parse(g.source).declarations for n, _ in d.names}
    lines = [f"{v.name}: {v.kind}" for v in g.typed.variables if v.name not in declared]
    return "\n".join(lines + [g.source])


def f_at(g, values: dict) -> float:
    try:
        with np.errstate(all="ignore"):
            return float(Evaluator(values, g.sizes)(g.typed.expr)[0, 0])
    except np.linalg.LinAlgError:  # a difference step onto a singular matrix: say so, not NumPy
        raise MatdiffError(
            "a finite-difference step makes a matrix of f singular: the values are too close to "
            "a singular matrix for differences to be compared"
        ) from None


def central_difference(g, name: str, h: float = 1e-6):
    """The gradient by central differences, stepping every entry by h itself (not h·max(1, |x|)),
    so that the h shown with the comparison is the step taken."""
    return user_value(
        fd.gradient(lambda x: f_at(g, {**g.values, name: x}), g.values[name], h, relative=False)
    )


def forward_gradient(g, name: str):
    """Forward mode gives one directional derivative per sweep: one sweep per entry."""
    x = g.values[name]
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = 1.0
        out[idx] = g.jvp(name, e)
    return user_value(out)


# ---- the error of finite differences ----------------------------------------------------------
def fd_errors(g, wrt: str | None = None, direction=None, steps=None) -> dict:
    """|finite difference − exact| of the directional derivative along ``direction`` (default:
    the first basis direction, as in forward mode), for forward and central differences."""
    name = g._input(wrt)
    seeds = g.seeds(name, direction)
    v = next(iter(seeds.values()))
    exact = float(np.asarray(g.jvp(direction={name: v})))
    steps = np.logspace(-15, -1, 57) if steps is None else np.asarray(steps, dtype=float)
    x, f0 = g.values[name], f_at(g, g.values)
    fwd, central = [], []
    for h in steps:
        fp = f_at(g, {**g.values, name: x + h * v})
        fm = f_at(g, {**g.values, name: x - h * v})
        fwd.append(abs((fp - f0) / h - exact))
        central.append(abs((fp - fm) / (2 * h) - exact))
    return {
        "h": steps,
        "forward": np.array(fwd),
        "central": np.array(central),
        "exact": exact,
        "variable": name,
    }


def fd_error_plot(g, wrt: str | None = None, direction=None, lang: str | None = None):
    """Log-log error against h: the truncation error falls like h (forward) or h² (central)
    until round-off, which grows like ε/h, takes over. Its words are in ``lang`` (default: the
    current language; English where no font has its glyphs)."""
    from matdiff_magic.autodiff import fonts
    from matdiff_magic.autodiff.draw import _ensure_ipython_formatter

    _ensure_ipython_formatter()
    data = fd_errors(g, wrt, direction)
    lang = fonts.language(lang)
    with fonts.font_context("DejaVu Sans", lang):  # the texts keep the families they are made with
        return _error_figure(data, f_at(g, g.values), lambda text: i18n.translate(text, lang))


def _error_figure(data, f_value, t):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    h, floor = data["h"], 1e-17  # an exact zero has no logarithm
    fig = Figure(figsize=(9.0, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.loglog(
        h, np.maximum(data["forward"], floor), "o-", ms=3, label=t("forward difference (f(x+h)−f(x))/h")
    )
    ax.loglog(
        h, np.maximum(data["central"], floor), "s-", ms=3, label=t("central difference (f(x+h)−f(x−h))/2h")
    )
    eps, scale = np.finfo(float).eps, max(abs(f_value), 1e-300)
    ax.loglog(h, eps * scale / h, ":", color="gray", label=t("round-off ≈ ε|f|/h"))
    k = len(h) * 3 // 4
    for power, style in ((1, "--"), (2, "-.")):
        c = max(data["forward" if power == 1 else "central"][k], floor) / h[k] ** power
        ax.loglog(
            h,
            c * h**power,
            style,
            color="gray",
            lw=0.8,
            label=t(f"truncation ∝ h{'²' if power == 2 else ''}"),
        )
    ax.set_ylim(floor * 10, max(1.0, float(np.max(data["forward"])) * 10))
    ax.set_xlabel(t("step h"))
    ax.set_ylabel(t("|estimate − exact|"))
    ax.set_title(
        t(
            f"finite-difference error of ∂f/∂{variable_text(data['variable'])} (exact = {number(data['exact'])})"
        )
    )
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    return fig


def _compact(v) -> str:
    if v is None:
        return "—"
    a = np.asarray(v, dtype=float)
    a = a.reshape(1, 1) if a.ndim == 0 else a.reshape(-1, 1) if a.ndim == 1 else a
    return value_inline(a) if a.size > 1 else f"{float(a[0, 0]):.10g}"


def _diff(d) -> str:
    return "—" if d is None else f"{d:.2e}"
