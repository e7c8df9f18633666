"""Derivations in Chinese (``--lang zh``, ``derive(..., lang="zh")``, ``%matdiff_config lang=zh``,
MATDIFF_LANG): every English wording the package shows has an entry in every glossary, the seeds'
examples come out with no English word outside the mathematics, and the glossary speaks the seeds'
own terms.

The package's wording is found by reading its source with ``ast``: the messages of the errors it
raises (and their hints), the rule names and notes of the steps it records, and every string of
the modules that word layouts, checks, symmetric conventions, solving, the definition method and
check_answer's verdicts; an f-string is the template its glossary key is (``{0}``, ``{1}`` … for
what it embeds). The registry's identities are walked for their names and the words of their TeX.
"""

from __future__ import annotations

import ast
import itertools
import json
import pathlib
import re

import jsonschema
import numpy as np
import pytest
from conftest import run
from english_words import MATH_WORDS, SEED_CELLS, WORD
from english_words import strip_math_words as _strip_math_words
from numeric_helpers import assert_close, central_difference, random_values

from matdiff_magic import derive, i18n
from matdiff_magic.derivation.record import MIME
from matdiff_magic.errors import MatdiffError
from matdiff_magic.ops.identity import catalogue

ROOT = pathlib.Path(__file__).resolve().parent.parent / "matdiff_magic"
SEEDS = pathlib.Path("/work/shared/seeds")
SCHEMA = json.loads((ROOT / "schema" / "derivation.v1.schema.json").read_text(encoding="utf-8"))
LANGS = i18n.LANGS

# ---- the package's wording, read from its source

ERRORS = {"MatdiffError", "ShapeError", "QuotingError", "UsageError"}
FACTORIES = {"error", "_error", "_mismatch", "unsupported", "refuse_sample_sums"}  # build an error from their arguments
WORDING = (  # modules whose every string is wording (docstrings aside)
    "numeric/check.py",
    "derivation/layouts.py",
    "derivation/symmetric.py",
    "derivation/definition.py",
    "derivation/solve.py",
    "exercises/messages.py",
)
HOLE = "\x00"


def _templates(node, env) -> list[str]:
    """The strings an expression can make, with HOLE for what it embeds."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        out = [""]
        for v in node.values:
            piece = v.value if isinstance(v, ast.Constant) else HOLE
            out = [o + piece for o in out]
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _templates(node.left, env), _templates(node.right, env)
        return [a + b for a, b in itertools.product(left, right)]
    if isinstance(node, ast.IfExp):
        return _templates(node.body, env) + _templates(node.orelse, env)
    if isinstance(node, ast.Lambda):
        return _templates(node.body, env)
    if isinstance(node, ast.Name) and node.id in env:
        return [t for value in env[node.id] for t in _templates(value, {})]
    return [HOLE]


def _key(template: str) -> str:
    n = itertools.count()
    return re.sub(HOLE, lambda _: f"{{{next(n)}}}", template)


def _assignments(scope, env) -> dict:
    """name -> the expressions assigned to it in ``scope`` (and the values a nested function returns)."""
    env = {k: list(v) for k, v in env.items()}
    for node in ast.walk(scope):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not scope:
            env.setdefault(node.name, []).extend(
                r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None
            )
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    env.setdefault(target.id, []).append(node.value)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            env.setdefault(node.target.id, []).append(node.value)  # a sentence added: its own key
    return env


def _sites(node) -> list:
    """The expressions of a call that are wording: an error's message and hint, a step's rule and note."""
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    sites = []
    if name in ERRORS and node.args:
        sites.append(node.args[0])
    if name in FACTORIES:
        sites += node.args
    if name == "AnswerCheck":  # (correct, kind, message, …)
        sites += node.args[2:3]
    if name == "Step" and len(node.args) > 1:
        sites.append(node.args[1])
    if name == "append" and isinstance(f.value, ast.Name) and f.value.id == "hints":
        sites += node.args
    sites += [kw.value for kw in node.keywords if kw.arg in ("hint", "note", "extra_hint")]
    return sites


def _not_wording(tree) -> set:
    """Docstrings, and the pieces of f-strings and concatenations (their whole is harvested)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            out |= {id(child) for child in ast.walk(node) if child is not node}
    return out


def package_modules():
    """(path in the package, parsed module, its top-level assignments) for every module outside i18n/."""
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("i18n/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = _assignments(
            ast.Module(body=[s for s in tree.body if isinstance(s, ast.Assign)], type_ignores=[]), {}
        )
        yield rel, tree, top


def harvest() -> dict[str, str]:
    """glossary key -> where it is made (file:line), for every wording of the package."""
    found: dict[str, str] = {}

    def add(templates, where, need_space=False):
        for t in templates:
            literal = t.replace(HOLE, " ")
            words = set(WORD.findall(literal)) - MATH_WORDS  # sum(A) = Σ_k Σ_l A_kl is mathematics
            if words and (not need_space or " " in literal.strip()) and "\\" not in t:
                found.setdefault(_key(t).strip(), where)  # a glossary's keys are stripped

    for rel, tree, top in package_modules():
        envs = {}
        for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            env = _assignments(func, top)
            envs.update({id(n): env for n in ast.walk(func) if id(n) not in envs})
        for node in ast.walk(tree):
            env = envs.get(id(node), top)
            if isinstance(node, ast.Call):
                for site in _sites(node):
                    add(_templates(site, env), f"{rel}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "note" for t in node.targets
            ):
                add(_templates(node.value, env), f"{rel}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_notes"):  # a derivation's notes
                for r in ast.walk(node):
                    if isinstance(r, ast.Return) and isinstance(r.value, ast.Tuple):
                        for element in r.value.elts:
                            add(_templates(element, envs.get(id(element), top)), f"{rel}:{r.lineno}")
        if rel in WORDING:
            skip = _not_wording(tree)
            for node in ast.walk(tree):
                if id(node) not in skip and (
                    isinstance(node, ast.JoinedStr)
                    or (isinstance(node, ast.Constant) and isinstance(node.value, str))
                    or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add))
                ):
                    add(_templates(node, {}), f"{rel}:{node.lineno}", need_space=True)
    return found


WORDINGS = harvest()
# the TeX words of the registry's identities: "dA = 0 for a constant A" writes \text{ for a constant }
IDENTITIES = catalogue()
IDENTITY_WORDS = sorted(
    {w.strip() for i in IDENTITIES.values() for w in re.findall(r"\\text\{([^{}]*)\}", i.latex)} - {""}
)
SAME_IN_ZH = {"softmax"}  # names that are the same in Chinese texts


def test_the_harvest_finds_the_package_wording():
    """The reader of the source finds what it must (so that the next test means something)."""
    assert len(WORDINGS) > 200
    for key in (
        "move {0} to the front",
        "unknown function {0}",
        "✓ checked at a random point, max rel. error {0}",
        "Mixed layout (the seeds' default): a scalar by a matrix is in denominator layout, the shape of {0} ({1}).",
        "{0} layout",
        "did you mean {0}?",
    ):
        assert key in WORDINGS, key


@pytest.mark.parametrize("lang", LANGS)
def test_every_wording_has_an_entry_in_every_language(lang):
    missing = {k: where for k, where in WORDINGS.items() if k not in i18n.keys(lang)}
    assert not missing, (
        f"{len(missing)} wordings without an entry in matdiff_magic/i18n/{lang}.json (add the English "
        f"key, {{0}} … for what it embeds, to every glossary): {missing}"
    )


def test_every_language_has_the_same_keys_and_placeholders():
    en, zh = i18n.glossary("en"), i18n.glossary("zh")
    assert en.keys == zh.keys
    assert en.identity  # English: the keys are its wording
    raw = json.loads((ROOT / "i18n" / "zh.json").read_text(encoding="utf-8"))
    for key, value in raw.items():
        if key.startswith("//"):
            continue
        used = set(re.findall(r"\{=?(\d+)\}", value))
        assert used <= set(re.findall(r"\{(\d+)\}", key)), (key, value)


@pytest.mark.parametrize("name", sorted({i.name for i in IDENTITIES.values()}))
def test_every_rule_name_of_the_registry_is_translated(name):
    said = i18n.translate(name, "zh")
    assert said == name if name in SAME_IN_ZH else not WORD.search(_strip_math_words(said)), said


@pytest.mark.parametrize("words", IDENTITY_WORDS)
def test_the_words_of_every_identity_are_translated(words):
    assert not re.search(r"[A-Za-z]{2,}", i18n.translate(words, "zh")), words


def test_every_identity_reads_in_chinese():
    """The words an identity writes (in its TeX's \\text{…}) are gone from both of its readings."""
    for key, identity in IDENTITIES.items():
        text = i18n.translate_identity_text(identity.text, identity.latex, "zh")
        tex = i18n.translate_tex(identity.latex, "zh")
        for words in re.findall(r"\\text\{([^{}]*)\}", tex):
            assert not WORD.search(words), (key, tex)
        for words in re.findall(r"\\text\{([^{}]*)\}", identity.latex):
            if WORD.search(words):
                assert words.strip() not in text, (key, text)


# ---- the seeds' terms

SEED_TEXT = (
    "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) if SEEDS.exists() else ""
)
SEED_TERMS = {  # English key -> the seeds' own term its Chinese wording uses
    "take the differential": "求微分",
    "sum rule": "加减法",
    "product rule": "矩阵乘法",
    "transpose": "转置",
    "trace": "迹",
    "inverse": "逆",
    "determinant": "行列式",
    "adjugate": "伴随矩阵",
    "Hadamard product rule": "逐元素乘法",
    "element-wise {0}": "逐元素函数",
    "scalar equals its trace": "标量套上迹",
    "linearity": "线性",
    "cyclic property": "矩阵乘法交换",
    "Hadamard trick": "矩阵乘法/逐元素乘法交换",
    "composition": "复合",
    "chain rule ({0})": "链式法则",
    "constant": "常量",
    "vec": "向量化",
    "numerator layout": "分子布局",
    "denominator layout": "分母布局",
    "mixed layout": "混合布局",
    "trace trick": "迹技巧",
    "differential": "微分",
    "Numerator layout: the Jacobian, {0}×{1} (one row per entry of {2}).": "雅克比",
    "Denominator layout: ∂{0}/∂{1} has the shape of {2} ({3}), the gradient matrix.": "梯度矩阵",
    "Denominator layout: ∂{0}/∂{1} is a column like {2} ({3}×1), the gradient vector.": "梯度向量",
    "stationary point": "驻点",
}


@pytest.mark.skipif(not SEED_TEXT, reason="the seeds are not on this machine")
@pytest.mark.parametrize("key, term", sorted(SEED_TERMS.items()))
def test_the_glossary_uses_the_seeds_terms(key, term):
    if term == "驻点":  # the seeds say 零点 (zero) for the stationary point: not a term of theirs
        assert term not in SEED_TEXT and "零点" in SEED_TEXT
        return
    assert term in SEED_TEXT, term
    assert term in i18n.glossary("zh").exact.get(key, "") or any(
        k == key and term in v for _, v, k in i18n.glossary("zh").templates
    ), (key, term)


# ---- no English word outside the mathematics


def english_words(bundle: dict, variables: set) -> list[str]:
    """English words of a bundle outside the mathematics: in the TeX, every \\text{…}; in the plain
    text, everything but the function names and the variables; in the JSON, its wording fields."""
    words = []
    for text in re.findall(r"\\text\{([^{}]*)\}", bundle["text/latex"]):
        words += WORD.findall(_strip_math_words(text))  # 逐元素函数 exp: a function's name
    plain = [bundle["text/plain"]]
    data = bundle[MIME]
    for step in data["steps"]:
        plain += [step["rule"], step["identity_text"], step.get("note", "")]
        tex_words = re.findall(r"\\text\{([^{}]*)\}", step["identity"])
        words += [w for t in tex_words for w in WORD.findall(_strip_math_words(t))]
    plain += [r["description"] + " " + r.get("rule", "") for r in data["results"].values()]
    plain.append(data["where"].get("label", ""))
    plain += [data["check"]["message"], data["where"]["text"]]
    for text in plain:
        words += [w for w in WORD.findall(_strip_math_words(text)) if w not in variables]
    return words


OPTIONS = ["", "--solve", "--by-definition"]


def _variables(cell: str) -> set:
    return set(re.findall(r"\b[A-Za-z]\w*\b", cell)) - MATH_WORDS - {"symmetric"}


@pytest.mark.parametrize("cell, wrt", SEED_CELLS)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_seed_examples_in_chinese_have_no_english_outside_the_mathematics(shell, cell, wrt, layout):
    result, _ = run(shell, f"%%matdiff --lang zh --wrt {wrt} --layout {layout}\n{cell}\n")
    assert result.success, result.error_in_exec
    bundle = result.result._repr_mimebundle_()
    assert english_words(bundle, _variables(cell)) == []
    assert bundle[MIME].get("lang") == "zh" and bundle[MIME]["where"]["label"] == "其中"
    # what the lab renderer writes itself when it switches the layout, in the derivation's language
    assert {lay: r["rule"] for lay, r in bundle[MIME]["results"].items()} == {
        "numerator": "分子布局",
        "denominator": "分母布局",
        "mixed": "混合布局",
    }
    jsonschema.validate(bundle[MIME], SCHEMA)
    assert "布局]" in bundle["text/plain"] and "其中" in bundle["text/plain"]


@pytest.mark.parametrize(
    "cell, option",
    [
        ("l = norm2(y - X*beta)^2", "--wrt beta --solve"),
        ("a'*X*b", "--wrt X --by-definition"),
        ("a'*x", "--wrt x --by-definition"),
    ],
)
def test_solve_and_the_definition_method_in_chinese(shell, cell, option):
    result, _ = run(shell, f"%%matdiff --lang zh {option}\n{cell}\n")
    assert result.success, result.error_in_exec
    assert english_words(result.result._repr_mimebundle_(), _variables(cell)) == []


@pytest.mark.parametrize(
    "cell, wrt, said",
    [
        ("a'*inv(x*x')*b", "a", "无法验证：x xᵀ 在尝试过的每种尺寸下都是奇异的"),
        ("1e300 + x'*x", "x", "无法验证：有限差分无法分辨量级为 1e300 的数值"),
    ],
)
def test_a_check_that_cannot_decide_says_why_in_chinese(shell, cell, wrt, said):
    result, _ = run(shell, f"%%matdiff --lang zh --wrt {wrt}\n{cell}\n")
    bundle = result.result._repr_mimebundle_()
    assert said in bundle["text/plain"] and bundle[MIME]["check"]["message"] == said
    assert english_words(bundle, _variables(cell)) == []


def test_the_stepper_of_the_magic_speaks_chinese(shell):
    result, _ = run(shell, "%%matdiff --lang zh -i --wrt X\na'*exp(X*b)\n")
    w = result.result
    assert w.play.description == "播放" and w.layout_buttons.description == "布局"
    assert w.rule_html.value == "<b>函数</b>"
    w.step = w.n_steps - 1
    assert w.current_rule == "混合布局" and "混合布局（笔记的默认布局）" in w.result_math.value


def test_the_english_derivation_is_unchanged_by_the_glossary():
    d = derive("a'*X*b", wrt="X", lang="en")
    assert [s.rule for s in d.steps][1:6] == [
        "take the differential",
        "product rule",
        "constant",
        "scalar equals its trace",
        "cyclic property",
    ]
    assert d.steps[5].note == "move b to the front"
    assert "where" in d.to_text() and "✓ checked at a random point" in d.to_text()


def test_chinese_steps_name_the_rules_and_the_moves():
    d = derive("a'*X*b", wrt="X", lang="zh")
    rules = [s.rule for s in d.steps]
    assert rules[1:6] == ["求微分", "矩阵乘法", "常量", "标量套上迹", "矩阵乘法交换"]
    assert d.steps[5].note == "把 b 移到最前面"
    assert d.steps[3].identity_text == "dA = 0，对常量 A"
    text = d.to_text()
    assert "其中 a ∈ ℝ^m, X ∈ ℝ^{m×n}, b ∈ ℝ^n" in text
    assert "✓ 已在随机点上数值验证，最大相对误差" in text
    assert d.with_layout("numerator").steps[-1].rule == "分子布局"
    with pytest.raises(MatdiffError) as error:  # its errors too, wherever it is evaluated
        d.evaluate(a=np.ones(2))
    assert str(error.value).startswith("请给出")


def test_a_chinese_derivation_is_the_same_derivative():
    """The language changes words, never mathematics: the zh result against central differences
    of f written here in NumPy, in every layout."""
    rng = np.random.default_rng(7)
    f = lambda a, X, b: float(a @ np.exp(X @ b))
    for layout in ("numerator", "denominator", "mixed"):
        d = derive("a'*exp(X*b)", wrt="X", layout=layout, lang="zh")
        values = random_values(d.variables, rng)
        fd = central_difference(lambda **v: f(v["a"], v["X"], v["b"]), values, "X")
        expected = fd.T if layout == "numerator" else fd
        assert_close(d.evaluate(**values), expected, 1e-5, layout)


# ---- errors: the same error, worded in Chinese, the caret in the same column


def _caret_column(message: str) -> tuple[str, int]:
    lines = message.split("\n")
    k = next(i for i, line in enumerate(lines) if line.lstrip().startswith("^"))
    source_line = lines[k - 1]
    prefix = source_line[: source_line.index("| ") + 2]
    return source_line[len(prefix) :], i18n.display_width(
        lines[k][: lines[k].index("^")]
    ) - i18n.display_width(prefix)


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("x*y", "x"),
        ("a'*X*", "X"),
        ("foo(X)", "X"),
        ("(a'*X*b", "X"),
        ("Sigma: sym\nx", "x"),
        ("a'*X*b", "Q"),
        ("eye(3)*X\nX: matrix(4, 4)", "X"),
    ],
)
def test_errors_in_chinese_keep_the_caret(source, wrt):
    with pytest.raises(MatdiffError) as en:
        derive(source, wrt=wrt, lang="en")
    with pytest.raises(MatdiffError) as zh:
        derive(source, wrt=wrt, lang="zh")
    assert zh.value.message == en.value.message  # the same error: its English key
    said = str(zh.value)
    assert str(en.value) != said
    assert not [
        w for w in WORD.findall(_strip_math_words(said.split("\n")[0])) if w not in _variables(source)
    ]
    if "^" in str(en.value):
        assert _caret_column(said) == _caret_column(str(en.value))
    if en.value.hint:
        assert "提示：" in said


def test_magic_errors_follow_lang(shell):
    result, captured = run(shell, "%%matdiff --lang zh --wrt X\nfoo(X)\n")
    assert not result.success
    text = captured.stdout + captured.stderr + str(result.error_in_exec)
    assert "未知函数 'foo'" in text and "Traceback" not in text
    result, captured = run(shell, "%%matdiff --lang zh --layout sideways\na'*x\n")
    assert "请选择 numerator（分子）" in str(result.error_in_exec)
    result, _ = run(shell, "%%matdiff --lang fr\na'*x\n")
    assert "--lang fr: choose en or zh" in str(result.error_in_exec)


# ---- the session's language


def test_config_magic_sets_the_session_language(shell):
    try:
        result, captured = run(shell, "%matdiff_config lang=zh")
        assert result.success and "lang=zh" in captured.stdout
        result, _ = run(shell, "%%matdiff --wrt X\na'*X*b\n")
        assert "矩阵乘法交换" in result.result.to_text()
        result, _ = run(shell, "%%matdiff --lang en --wrt X\na'*X*b\n")
        assert "cyclic property" in result.result.to_text()
        result, _ = run(shell, "%matdiff_config lang=klingon")
        assert not result.success and "未知语言 'klingon'" in str(result.error_in_exec)  # the session's
    finally:
        run(shell, "%matdiff_config lang=en")
        i18n.set_default(None)


def test_environment_variable_sets_the_default(monkeypatch):
    monkeypatch.setenv(i18n.ENV_VAR, "zh")
    assert i18n.default() == "zh"
    d = derive("a'*x", wrt="x")
    assert d.lang == "zh" and "读出导数" in d.to_text()
    monkeypatch.setenv(i18n.ENV_VAR, "zh_CN.UTF-8")
    assert i18n.default() == "zh"
    monkeypatch.setenv(i18n.ENV_VAR, "tlh")
    assert i18n.default() == "en"  # a stray value does not break every cell


def test_unknown_language_is_a_matdiff_error():
    with pytest.raises(MatdiffError, match="unknown language"):
        derive("a'*x", wrt="x", lang="fr")


# ---- the stepper and check_answer


def test_stepper_speaks_the_derivation_language():
    w = derive("a'*exp(X*b)", wrt="X", lang="zh").widget()
    assert (w.prev_button.description, w.next_button.description) == ("上一步", "下一步")
    assert w.layout_buttons.options == (("分子", "numerator"), ("分母", "denominator"), ("混合", "mixed"))
    w.step = 9
    assert w.current_rule == "矩阵乘法交换" and w.current_note == "把 b 移到最前面"
    assert w.counter.value == "第 10 步，共 12 步 · 迹技巧"
    w.layout = "numerator"
    assert "分子布局" in w.result_math.value and w.derivation.lang == "zh"
    assert "已在随机点上数值验证" in w.check_html.value
    w.wrt = "a"  # re-derived in the same language
    assert w.derivation.lang == "zh" and w.derivation.steps[1].rule == "求微分"


def test_check_answer_explains_in_chinese():
    from matdiff_magic import check_answer

    wrong = check_answer("b*a'", "a'*X*b", wrt="X", lang="zh")
    assert not wrong and wrong.message.startswith("✗ 布局错误")
    assert not [w for w in WORD.findall(_strip_math_words(wrong.message)) if w not in {"a", "b", "X"}]
    right = check_answer("a*b'", "a'*X*b", wrt="X", lang="zh")
    assert right and right.message.startswith("✓ 正确")
    unread = check_answer("a*", "a'*X*b", wrt="X", lang="zh")
    assert "无法读取答案" in unread.message and "过早结束" in "\n".join(unread.details)
    assert "**✗ 布局错误**：" in wrong._repr_markdown_()


def test_evaluation_traces_in_chinese(shell):
    """%%matdiff --graph --lang zh: the trace tables and the sweep widget speak Chinese (the
    drawings: test_i18n_drawings.py)."""
    from IPython.utils.capture import capture_output

    from matdiff_magic import graph

    with capture_output() as captured:
        result = shell.run_cell('%%matdiff --graph --lang zh --at "x1=2, x2=5"\nln(x1) + x1*x2 - sin(x2)\n')
    assert result.success, result.error_in_exec
    tables = [o.data for o in captured.outputs if "text/latex" in o.data]
    assert tables and "前向模式" in tables[0]["text/plain"] and "反向模式" in tables[0]["text/plain"]
    for bundle in tables:
        for text in re.findall(r"\\text\{([^{}]*)\}", bundle["text/latex"]):
            assert not WORD.findall(_strip_math_words(text)), text
        html_words = re.sub(r"<[^>]*>|&[#\w]+;", " ", bundle["text/html"])
        assert not [w for w in WORD.findall(_strip_math_words(html_words)) if w not in {"ln", "sin", "cos"}]
    with i18n.using("zh"):
        w = graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0).widget()
    w.step = 13
    assert w.description == "第 13 步，共 14 步 · 反向扫描：v̄₀ = v̄₂·v₋₁ + v̄₃·cos v₀ = 2 + (−0.284) = 1.716"
    assert (w.play.description, w.prev_button.description) == ("播放", "上一步")


def test_comparison_and_rule_tables_in_chinese():
    from matdiff_magic import graph
    from matdiff_magic.autodiff.table import rule_table

    with i18n.using("zh"):
        comparison = graph("ln(x1) + x1*x2 - sin(x2)", x1=2.0, x2=5.0).compare()
        rules = rule_table()
    text = comparison.to_text()
    assert "中心差分" in text and "1 次反向扫描（同时得到所有输入）" in text
    assert not [w for w in WORD.findall(_strip_math_words(text)) if w not in {"x1", "x2"}]
    assert {r["rule"] for r in rules.rows} >= {"矩阵乘法与幂法则", "逐元素函数", "迹"}
    assert "局部法则" in rules.to_html()


# ---- the JupyterLab renderer's controls


def test_jupyterlab_catalog_is_written_from_the_glossary():
    """matdiff_magic/locale/zh_CN/LC_MESSAGES/matdiff_magic.json, the catalog JupyterLab's
    translation bundle reads for the renderer's controls, is the glossary's (regenerate with
    python -m matdiff_magic.i18n.jupyterlab); pyproject declares it (the jupyterlab.locale entry point)."""
    import tomllib

    from matdiff_magic.i18n import jupyterlab

    assert jupyterlab.path("zh").read_text(encoding="utf-8") == jupyterlab.text("zh"), (
        "regenerate with: .venv/bin/python -m matdiff_magic.i18n.jupyterlab"
    )
    catalog = jupyterlab.catalog("zh")
    # zh-CN, not zh_CN: JupyterLab's Gettext looks messages up under its locale with a hyphen
    assert catalog[""]["language"] == "zh-CN" and catalog["Next ▶"] == ["下一步 ▶"]
    assert catalog["Step %1 of %2"] == ["第 %1 步，共 %2 步"]
    pyproject = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["jupyterlab.locale"] == {"matdiff_magic": "matdiff_magic"}


def test_every_word_of_the_lab_renderer_has_an_entry():
    """Every msgid the renderer passes to its translation bundle is in every glossary."""
    source = (ROOT.parent / "labextension" / "src" / "view.ts").read_text(encoding="utf-8")
    msgids = set(re.findall(r"(?:\bt|__)\(\s*'((?:[^'\\]|\\.)*)'", source))
    tables = re.findall(r"const \w+_LABELS\b[^=]*= \{(.*?)\};", source, re.S)  # its tables of labels
    labels = [v for table in tables for v in re.findall(r":\s*'([^']*)'", table)]
    assert "Numerator" in labels and "trace trick" in labels
    for lang in LANGS:
        missing = {
            m
            for m in msgids | set(labels)
            if m not in i18n.glossary(lang).keys and m.strip() not in i18n.keys(lang)
        }
        assert not missing, (lang, missing)
