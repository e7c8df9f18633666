"""Every formula the package shows typesets without an error in the three engines that show it:
KaTeX (VS Code, GitHub, Sphinx), MathJax 2.7 (nbconvert's HTML, nbviewer) and MathJax 3
(JupyterLab 4, Notebook 7).

The TeX is collected here — the JSON fixtures, the README's and the seeds' examples, the Cookbook,
Jacobian, Hessian, definition-method and rule corpora of the other tests, the stepper's views, the
identity catalogue, the autodiff trace tables, and every output and Markdown cell of the course
notebooks run in a real kernel — and typeset by ``tests/texcheck/texcheck.js`` with the npm
packages ``katex``, ``mathjax-node`` (MathJax 2.7) and ``mathjax-full`` (MathJax 3), installed
into ``tests/texcheck/node_modules`` by ``make test`` (or here, from its lock file, when missing).
"""
from __future__ import annotations

import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from matdiff_magic import derive, graph
from matdiff_magic.errors import MatdiffError

REPO = pathlib.Path(__file__).resolve().parents[1]
TEXCHECK = REPO / "tests" / "texcheck"
NOTEBOOK_DIR = REPO / "notebooks"
ENGINES = ("katex", "mathjax2", "mathjax3")
LIVE_ENGINES = ("katex", "mathjax3")   # where a widget shows: JupyterLab 4, Notebook 7, VS Code
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is missing: the TeX engines (KaTeX, "
                                "MathJax 2 and 3) run in node (apt-get install -y nodejs)")

TEX_KEYS = {"latex", "latex_highlighted", "identity", "lhs", "changed"}
MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<!\\)\$[^$]+?\$", re.S)

# The README's examples, beyond the corpora of the other tests.
README_EXAMPLES = [
    dict(source="y = a'*X*b", wrt="X", layout="denominator"),
    dict(source="a'*exp(X*b)", wrt="X", layout="denominator"),
    dict(source="log(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma"),
    dict(source="Sigma, S: symmetric\nl = log(det(Sigma)) + tr(S*inv(Sigma))", wrt="Sigma", solve=True),
    dict(source="norm2(y - X*beta)^2", wrt="beta", solve=True),
    dict(source="Y = A*X*B\ntr(Y'*Y)", wrt="X"),
    dict(source="a'*X*b", wrt="X", by_definition=True),
    dict(source="x'*A*x", wrt="x", order=2),
    dict(source="-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))", wrt="w", order=2),
    dict(source="logdet(X)", wrt="X", order=2),
    dict(source="softmax(x)", wrt="x"),
    dict(source="tanh(W*x + b)", wrt="W"),
    dict(source="inv(X)", wrt="X"),
    dict(source="X'", wrt="X"),
    dict(source="sum(tanh(W4*tanh(W3*tanh(W2*tanh(W1*x)))))", wrt="W1"),
    dict(source="c: scalar\nexp(c)*tr(A) + c^2", wrt="c"),
    dict(source="a'*inv(x*x')*b", wrt="x"),          # could not check: x xᵀ is singular
    dict(source="1e300 + a'*x", wrt="x"),             # could not check: rounding
    dict(source="lambda*norm2(x)^2 + relu(a)'*abs(x) + sum(sign(x))", wrt="x"),
    dict(source="alpha*tr(X'*X)/2 + kron(A, B)'*vec(X) ", wrt="X"),
]


# Long lines, broken into rows of the aligned block, and the stepper's views of them (the lines so
# far grow with every step): every engine, MathJax 2 included, as a saved widget can show in
# nbconvert's HTML.
LONG_LINES = [
    dict(source="-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))", wrt="w"),
    dict(source="-(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w)))", wrt="w", order=2),
    dict(source="diag(sigmoid(W*x + b))*A*tanh(V*x + c)", wrt="x"),
    dict(source="softmax(W*x + b)", wrt="W"),
    dict(source="log(det(X)) + tr(A*inv(X)*B)", wrt="X", order=2),
    dict(source="sum(" + "".join(f"tanh(W{k}*" for k in range(12, 0, -1)) + "x" + ")" * 13, wrt="W1"),
]


def long_line_items() -> list[dict]:
    from matdiff_magic.render.stepper_state import step_view
    items = []
    for case in LONG_LINES:
        d = derive(**case, check=False)
        name = f"long lines {case['source'][:40]} by {case['wrt']}"
        items.append({"id": f"{name}: to_latex", "tex": d.to_latex()})
        for i in range(len(d.steps)):
            v = step_view(d, i)
            items += [{"id": f"{name}: stepper {i} current", "tex": v.current_latex},
                      {"id": f"{name}: stepper {i} lines", "tex": v.lines_latex}]
    return items


def _tex_values(node, where: str):
    """(id, tex) of every TeX string in a derivation's JSON (or a fixture)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEX_KEYS:
                for k, tex in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(tex, str) and tex.strip():
                        yield f"{where}.{key}[{k}]", tex
            elif isinstance(value, (dict, list)):
                yield from _tex_values(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _tex_values(value, f"{where}[{k}]")


def _derivation_items(name: str, d) -> list[dict]:
    from matdiff_magic.render.stepper_state import result_latex, step_view
    items = [{"id": f"{name}: to_latex", "tex": d.to_latex()}]
    items += [{"id": f"{name}: json{k}", "tex": t} for k, t in _tex_values(d.to_json(), "")]
    # The stepper widget's TeX: each step's line and identity, and the lines so far (whole at the
    # end). Widgets show only in a live JupyterLab, Notebook 7 or VS Code, never in a static page.
    live = {"engines": list(LIVE_ENGINES)}
    for i in range(len(d.steps)):
        v = step_view(d, i)
        items.append({"id": f"{name}: stepper {i} current", "tex": v.current_latex, **live})
        if v.identity_latex:
            items.append({"id": f"{name}: stepper {i} identity", "tex": v.identity_latex, **live})
    items += [{"id": f"{name}: stepper lines", "tex": v.lines_latex, **live},
              {"id": f"{name}: stepper result", "tex": result_latex(d), **live}]
    return items


def _derive_all(cases, check: bool, layouts=("numerator", "denominator", "mixed")) -> list[dict]:
    """Every case in each layout (the JSON has every layout's result in any case)."""
    items = []
    for case in cases:
        case = dict(case)
        name = case["source"].replace("\n", "; ") + f" by {case['wrt']}"
        for layout in layouts if "layout" not in case else (case.pop("layout"),):
            try:
                d = derive(**case, layout=layout, check=check)
            except MatdiffError:
                continue   # cases some corpora expect to be refused: nothing is shown
            items += _derivation_items(f"{name} ({layout})", d)
    return items


def deep_chain_items() -> list[dict]:
    """The README's 32-layer network: a derivation block of some 150 000 characters."""
    source = "x"
    for k in range(1, 33):
        source = f"tanh(W{k}*{source})"
    d = derive(f"sum({source})", wrt="W1")
    items = [{"id": "32-layer network: to_latex", "tex": d.to_latex()}]
    # a Hessian's long lines leave out runs of factors and terms (⋯ in a product, a sum, a vec)
    h = derive("a'*" + _chain(8), wrt="W1", order=2, check=False)
    items.append({"id": "8-layer network's Hessian: to_latex", "tex": h.to_latex()})
    items += [{"id": f"8-layer network's Hessian: step {i}", "tex": s.latex_highlighted}
              for i, s in enumerate(h.steps) if "cdotp" in s.latex]
    return items


def _chain(depth: int) -> str:
    source = "x"
    for k in range(1, depth + 1):
        source = f"tanh(W{k}*{source})"
    return source


def fixture_items() -> list[dict]:
    items = []
    for path in sorted((REPO / "tests" / "fixtures").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items += [{"id": f"fixture {path.name}{k}", "tex": t} for k, t in _tex_values(data, "")]
    return items


def corpus_cases() -> list[dict]:
    """The derivations the other tests pin: Cookbook, Jacobians, Hessians, definition method, rules."""
    import test_cookbook
    import test_definition
    import test_jacobians
    import test_rules
    cases = [dict(source=c[1], wrt=c[2]) for c in test_cookbook.CASES]
    cases += [dict(source=c[0], wrt=c[1]) for c in test_jacobians.JACOBIANS]
    cases += [dict(source=c[0], wrt=c[1], order=2) for c in test_jacobians.HESSIANS]
    cases += [dict(source=c[0], wrt=c[1], by_definition=True) for c in test_definition.CASES]
    cases += [dict(source=c[0], wrt=c[1]) for c in test_rules.RULE_CASES + test_rules.TRICK_CASES]
    return cases


def check_line_items() -> list[dict]:
    """The check line in each of its states, failed included (no correct derivation fails)."""
    from matdiff_magic.numeric.check import CheckResult
    d = derive("a'*X*b", wrt="X")
    items = []
    for result in (CheckResult("failed", 0.25, "numeric check FAILED: max rel. error 2.5e-01"),
                   CheckResult("failed", float("nan"), "numeric check FAILED"),
                   CheckResult("skipped", None, "could not check: no point decided")):
        d.check_result = result
        items.append({"id": f"check line {result.status}", "tex": d.to_latex()})
    return items


def identity_items() -> list[dict]:
    """Every identity a derivation can cite, and the cheat sheet's layout table."""
    from matdiff_magic.ops.identity import catalogue
    from matdiff_magic.render import cheatsheet
    items = [{"id": f"identity {key}", "tex": identity.latex} for key, identity in catalogue().items()]
    items += [{"id": f"cheat sheet layout {row['id']}", "tex": row["tex"]}
              for row in cheatsheet.to_json()["layouts"]["rows"]]
    return items


def autodiff_items() -> list[dict]:
    rng = np.random.default_rng(0)
    graphs = {
        "seed 002": graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0),
        "a'exp(Xb)": graph("a'*exp(X*b)", a=rng.normal(size=3), X=rng.normal(size=(3, 2)),
                           b=rng.normal(size=2)),
        "layer": graph("sum(tanh(W*x + b))", W=rng.normal(size=(2, 3)), x=rng.normal(size=3),
                       b=rng.normal(size=2)),
        "scalars": graph("exp(x1)*cos(x2)/x1 + sqrt(x1) - x2^2", x1=0.5, x2=-1.5),
    }
    items = []
    for name, g in graphs.items():
        for mode in ("forward", "reverse", "both"):
            items.append({"id": f"trace table {name} {mode}", "tex": g.table(mode=mode).to_latex()})
    return items


def notebook_items() -> list[dict]:
    from nbclient import NotebookClient
    items = []
    env = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env
    try:
        for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, kernel_name="python3", timeout=180,
                           resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
            for c, cell in enumerate(nb.cells):
                where = f"{path.stem} cell {c}"
                if cell.cell_type == "markdown":
                    items += _math_of(_markdown_text(cell.source), f"{where} markdown")
                for o, out in enumerate(cell.get("outputs", [])):
                    data = out.get("data", {})
                    if "text/latex" in data:
                        items.append({"id": f"{where} output {o} text/latex", "tex": data["text/latex"]})
                    if "text/html" in data:
                        items += _math_of(_html_text(data["text/html"]), f"{where} output {o} text/html")
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    return items


def _markdown_text(source: str) -> str:
    """Markdown without its code: MathJax never looks inside code spans or blocks."""
    source = re.sub(r"```.*?```", " ", source, flags=re.S)
    source = re.sub(r"^(?: {4}|\t).*$", " ", source, flags=re.M)
    return re.sub(r"`[^`]*`", " ", source)


def _html_text(text: str) -> str:
    text = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _math_of(text: str, where: str) -> list[dict]:
    return [{"id": f"{where} #{k}", "tex": m.group(0)} for k, m in enumerate(MATH.finditer(text))]


# ---- running the engines ----------------------------------------------------------------------

def _ensure_node_packages() -> None:
    """make test installs the engines; a bare pytest run installs them the same way."""
    if (TEXCHECK / "node_modules" / ".yarn-state.yml").exists():
        return
    jlpm = shutil.which("jlpm", path=os.pathsep.join([os.path.dirname(sys.executable),
                                                      os.environ.get("PATH", "")]))
    if jlpm is None:
        pytest.fail("tests/texcheck/node_modules is missing and JupyterLab's jlpm is not there to "
                    "install it (make test installs both)")
    subprocess.run([jlpm, "install", "--immutable"], cwd=TEXCHECK, check=True, timeout=900)


def typeset(items: list[dict], tmp_path: pathlib.Path, engines=ENGINES) -> dict:
    _ensure_node_packages()
    source, out = tmp_path / "tex.json", tmp_path / "report.json"
    source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([NODE, str(TEXCHECK / "texcheck.js"), str(source), "--engines", ",".join(engines),
                           "--out", str(out)], capture_output=True, text=True, timeout=1200)
    assert proc.returncode in (0, 1), f"texcheck.js failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    return json.loads(out.read_text(encoding="utf-8"))


def _describe(errors: list[dict], limit: int = 15) -> str:
    lines = [f"{len(errors)} formula(s) failed:"]
    for e in errors[:limit]:
        lines.append(f"- {e['id']}: {e['message']}\n    {e['formula'][:300]!r}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def collected() -> dict[str, list[dict]]:
    return {
        "fixtures": fixture_items(),
        "README and seeds": _derive_all(README_EXAMPLES, check=True) + deep_chain_items(),
        "test corpora": _derive_all(corpus_cases(), check=False, layouts=("mixed",)),
        "check lines": check_line_items(),
        "identities": identity_items(),
        "autodiff tables": autodiff_items(),
        "notebooks": notebook_items(),
        "long lines": long_line_items(),
    }


@pytest.fixture(scope="module")
def report(collected, tmp_path_factory) -> dict:
    unique = {}
    for group in collected.values():
        for item in group:
            first = unique.setdefault(item["tex"], dict(item))   # the same TeX once, first id
            if "engines" in first and set(item.get("engines", ENGINES)) - set(first["engines"]):
                first["engines"] = sorted(set(first["engines"]) | set(item.get("engines", ENGINES)))
    items = list(unique.values())
    result = typeset(items, tmp_path_factory.mktemp("texcheck"))
    counts = ", ".join(f"{e} {r['checked'] - len(r['errors'])}/{r['checked']}"
                       for e, r in result["engines"].items())
    print(f"\ntypeset {result['formulas']} formulas from {result['items']} TeX strings: {counts}")
    return result


def test_the_corpus_is_broad(collected):
    sizes = {name: len(items) for name, items in collected.items()}
    assert sizes["fixtures"] >= 100, sizes
    assert sizes["README and seeds"] >= 500, sizes
    assert sizes["test corpora"] >= 3000, sizes
    assert sizes["identities"] >= 40, sizes
    assert sizes["autodiff tables"] == 12, sizes
    # every course notebook shows derivations; 05 the trace tables
    notebooks = {item["id"].split(" ")[0] for item in collected["notebooks"] if "text/latex" in item["id"]}
    assert {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")} <= notebooks, notebooks


@pytest.mark.parametrize("engine", ENGINES)
def test_every_formula_typesets(report, engine):
    result = report["engines"][engine]
    assert result["checked"] > 3000
    assert not result["errors"], _describe(result["errors"])


def test_long_lines_and_large_steps_typeset_in_every_engine(tmp_path):
    """Broken rows (&{}+ …, &= …) and a stepper's lines of 10 KB and more: MathJax 2 stops at a
    macro followed by 5 KB of TeX, KaTeX at 1000 macro expansions."""
    items = long_line_items()
    assert sum("\\\\\n&{}" in item["tex"] for item in items) >= 10   # the lines were broken
    assert max(len(item["tex"]) for item in items if "stepper" in item["id"]) > 8000
    result = typeset(items, tmp_path)
    for engine in ENGINES:
        errors = result["engines"][engine]["errors"]
        assert not errors, f"{engine}: " + _describe(errors)


# The checker itself: what broke nbconvert's HTML is caught, in the engine it broke.
BROKEN = {
    r"{\small\color{gray}\text{take the differential}}": {"mathjax2"},
    r"\textcolor{gray}{x}": {"mathjax2"},
    r"\undefinedmacro{x}": {"katex", "mathjax2", "mathjax3"},
    r"\frac{a}{": {"katex", "mathjax2", "mathjax3"},
}


def test_the_checker_reports_what_each_engine_rejects(tmp_path):
    fine = [r"$${\small\color{gray}{\text{take the differential}}}$$", r"{\color{#d62728}{X}}^{-T}",
            r"\checkmark\ \text{ok}\ \operatorname{tr}(\boldsymbol{a}) \in \mathbb{R}^{m\times n}"]
    items = [{"id": tex, "tex": tex} for tex in list(BROKEN) + fine]
    result = typeset(items, tmp_path)
    for engine in ENGINES:
        failed = {e["id"] for e in result["engines"][engine]["errors"]}
        assert failed == {tex for tex, engines in BROKEN.items() if engine in engines}, (engine, failed)
