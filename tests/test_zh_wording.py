"""Chinese wording found in a user trial: check_answer's verdicts wholly in Chinese (no verdict left
in English because its template could not be matched), an option value the user typed quoted as
typed (never looked up in the glossary), "对于数 x" (not 对数, the logarithm) in the 1×1 hint, and
no space between Chinese characters where an English template had one before a placeholder."""

from __future__ import annotations

import re

import pytest
from conftest import run
from english_words import WORD
from english_words import strip_math_words as _strip_math_words

from matdiff_magic import check_answer, derive
from matdiff_magic.errors import MatdiffError

AXB = r"y=\pmb{a}^{T} {X} \pmb{b}"  # as the notes write it
LSQ = "f = (X*beta - y)'*(X*beta - y)"
HAN = r"[\u4e00-\u9fff]"


def _english(text: str, variables=frozenset({"a", "b", "X", "x", "y", "f", "beta"})) -> list[str]:
    return [w for w in WORD.findall(_strip_math_words(text)) if w not in variables]


def _no_stray_space(text: str) -> None:
    """No space between two Chinese characters (or after Chinese punctuation)."""
    assert not re.search(rf"(?:{HAN}|[，。：；（）]) (?={HAN})", text), text


@pytest.mark.parametrize(
    "answer, f, wrt, said",
    [
        (
            "2*a*b'",
            AXB,
            "X",
            "✗ 系数错误：你的答案是混合布局下的 ∂y/∂X 的 2 倍（除以 2：是否有一个因子算了两次？）。",
        ),
        (
            "0.5*a*b'",
            AXB,
            "X",
            "✗ 系数错误：你的答案是混合布局下的 ∂y/∂X 的 1/2 倍（乘以 2：是否漏了一个因子，例如平方的 2？）。",
        ),
        (
            "X'*(X*beta - y)",
            LSQ,
            "beta",
            "✗ 系数错误：你的答案是混合布局下的 ∂f/∂β 的 1/2 倍（乘以 2：是否漏了一个因子，例如平方的 2？）。",
        ),
        (
            "a",
            AXB,
            "X",
            "✗ 形状不符：你的答案是列向量 (m×1)（在测试点上为 3×1），但混合布局下的 ∂y/∂X 是 m×n（在测试点上为 3×2）。",
        ),
        (
            "X'*X",
            LSQ,
            "beta",
            "✗ 形状不符：你的答案是 n×n（在测试点上为 2×2），但混合布局下的 ∂f/∂β 是列向量 (n×1)（在测试点上为 2×1）。",
        ),
        (
            "2*(X*beta - y)'*X",
            LSQ,
            "beta",
            "✗ 布局错误：你的答案（行向量 (1×n)）是分子布局下的 ∂f/∂βᵀ，但混合布局下的 ∂f/∂β 是列向量 (n×1)。"
            "在混合布局下标量对 β 的导数与 β 同形：请把你的答案转置。",
        ),
        (
            "b*a'",
            AXB,
            "X",
            "✗ 布局错误：你的答案（n×m）是分子布局下的 ∂y/∂Xᵀ，但混合布局下的 ∂y/∂X 是 m×n。"
            "在混合布局下标量对 X 的导数与 X 同形：请把你的答案转置。",
        ),
        ("-a*b'", AXB, "X", "✗ 符号错误：你的答案是混合布局下的 ∂y/∂X 的相反数。"),
        ("0*a*b'", AXB, "X", "✗ 为零：你的答案为零，但混合布局下的 ∂y/∂X 不为零。"),
        (
            "3*b*a'",
            AXB,
            "X",
            "✗ 系数和转置：你的答案是混合布局下的 ∂y/∂X 的转置的 3 倍：请检查系数和转置。",
        ),
        (
            "a*b'",
            AXB,
            "X",
            "✓ 正确：你的答案在 3 个随机点上等于混合布局下的 ∂y/∂X（尺寸 m=3, n=2; m=2, n=3; m=4, n=3）。",
        ),
    ],
)
def test_check_answer_verdicts_read_wholly_in_chinese(answer, f, wrt, said):
    result = check_answer(answer, f, wrt=wrt, lang="zh")
    assert result.message == said
    assert _english(result.message) == []
    _no_stray_space(result.message)


def test_the_english_verdicts_are_unchanged():
    assert check_answer("2*a*b'", AXB, wrt="X").message == (
        "✗ Wrong factor: your answer is 2 times ∂y/∂X in mixed layout (divide by 2: is a factor counted twice?)."
    )
    assert check_answer("a", AXB, wrt="X").message == (
        "✗ Shape mismatch: your answer is a column vector (m×1) (3×1 at the test point), but ∂y/∂X in "
        "mixed layout is m×n (3×2 at the test point)."
    )


@pytest.mark.parametrize(
    "answer, f, wrt, kwargs",
    [
        ("a", "a'*x", "x", {"layout": "numerator"}),  # 但 分子布局下的 ∂f/∂xᵀ 是 行向量
        ("A'", "A*x", "x", {}),  # a Jacobian in the other layout
        ("A", "tr(A*X)", "X", {}),  # the transpose, square A and X
        ("a'", AXB, "X", {}),  # a row vector of the wrong shape
        ("a'*X*b", AXB, "X", {}),  # f itself: the sentence added to the verdict
        ("exp(x)", "exp(x)", "x", {}),  # the diagonal of the Jacobian
        ("X", AXB, "X", {}),  # not equal
        ("2*a*b'", AXB, "X", {"reveal": True}),
        ("...", AXB, "X", {}),
        ("a*b'*log(-a'*a)", AXB, "X", {}),  # not defined
        ("A*x", "x'*A*x", "x", {}),  # not equal (without the size)
        ("kron(A, B')", "A*X*B", "X", {}),  # the Kronecker factors swapped
    ],
)
def test_more_verdicts_have_no_english_and_no_stray_space(answer, f, wrt, kwargs):
    result = check_answer(answer, f, wrt=wrt, lang="zh", **kwargs)
    assert _english(result.message, frozenset({"a", "b", "X", "x", "y", "f", "A", "B", "matdiff"})) == [], (
        result.message
    )
    _no_stray_space(result.message)


def test_a_numerator_layout_verdict_has_no_stray_space():
    said = check_answer("a", "a'*x", wrt="x", layout="numerator", lang="zh").message
    assert "但分子布局下的 ∂f/∂xᵀ 是行向量 (1×m)。" in said


def test_the_1x1_hint_says_of_a_number_not_logarithm():
    with pytest.raises(MatdiffError) as info:
        derive(r"\det(\det X)", wrt="X", lang="zh")  # |det X| reads abs(det X): a det of det
    said = str(info.value)
    assert "1×1 矩阵就是它唯一的元素：对于数 x，det(x) 是 x" in said
    assert "对数 x" not in said


# ---- through a real IPython shell


@pytest.mark.parametrize(
    "options, value, said",
    [
        ("--layout diagonal", "diagonal", "--layout diagonal：请选择 numerator（分子）"),
        ("--layout transpose", "transpose", "--layout transpose：请选择 numerator（分子）"),
        ("--layout trace", "trace", "--layout trace：请选择 numerator（分子）"),
        ("--layout=diagonal", "diagonal", "--layout diagonal：请选择 numerator（分子）"),
        ("--symmetric none", "none", "--symmetric none：请选择 independent、sym 或 minka"),
        ("--export trace", "trace", "--export trace：请选择 numpy、jax 或 torch"),
        ("--graph --mode trace", "trace", "--mode trace：请选择 forward、reverse 或 both"),
    ],
)
def test_the_magic_quotes_an_option_value_as_typed(shell, options, value, said):
    result, _ = run(shell, f"%%matdiff --lang zh --wrt X {options}\na'*X*b\n")
    assert not result.success
    text = str(result.error_in_exec)
    assert text.split("\n")[0].startswith(said), text
    for word in ("对角", "转置", "迹", "无"):
        assert word not in text.split("\n")[0], text


def test_the_magic_quotes_at_values_as_typed(shell):
    result, _ = run(shell, "%%matdiff --lang zh --graph --at 'a=1, X=1, b=1, trace=1'\na*X*b\n")
    assert "--at：trace 不是表达式的变量" in str(result.error_in_exec)
    result, _ = run(shell, "%%matdiff --lang zh --graph --at 'a=trace'\na*X*b\n")
    assert "--at：笔记本中没有定义 trace" in str(result.error_in_exec)


def test_derive_keeps_the_layout_as_typed():
    with pytest.raises(MatdiffError) as info:
        derive("a'*X*b", wrt="X", layout="diagonal", lang="zh")
    assert "'diagonal'" in str(info.value)


def test_check_answer_in_the_shell_speaks_chinese(shell):
    result, _ = run(
        shell,
        f"from matdiff_magic import check_answer\ncheck_answer(\"2*a*b'\", r\"{AXB}\", wrt='X', lang='zh')\n",
    )
    assert result.success, result.error_in_exec
    assert result.result.message.startswith("✗ 系数错误：你的答案是混合布局下的 ∂y/∂X 的 2 倍")
    assert "**✗ 系数错误**：" in result.result._repr_markdown_()


def test_the_magic_derivation_and_hint_in_chinese(shell):
    result, _ = run(shell, "%%matdiff --lang zh --wrt X\n\\det(\\det X)\n")
    assert not result.success
    assert "对于数 x，det(x) 是 x" in str(result.error_in_exec)
    result, _ = run(shell, "%%matdiff --lang zh --wrt X\na'*X*b\n")
    assert result.success, result.error_in_exec
    _no_stray_space(result.result.to_text())
