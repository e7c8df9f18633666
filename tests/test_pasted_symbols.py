"""Symbols of printed formulas (the package's own output pasted back into a cell: aᵀ X b, A ⊙ B,
X⁻¹, ‖x‖²) are refused with a caret under the symbol and a hint in the language's notation, worded
in every language."""
import pytest

from matdiff_magic import derive
from matdiff_magic.errors import MatdiffError

CASES = [
    ("aᵀ*X*b", "ᵀ", "a'"),
    ("a'*(X ⊙ Y)*b", "⊙", ".*"),
    ("a'*(X ∘ Y)*b", "∘", ".*"),
    ("a'*(X ⊗ Y)*b", "⊗", "kron(A, B)"),
    ("a'*X·b", "·", "*"),
    ("a'*X×b", "×", "*"),
    ("a'*X*b − tr(X)", "−", "-"),
    ("tr(X⁻¹)", "⁻", "inv(X)"),
    ("tr(X)²", "²", ".^2"),
    ("‖X‖", "‖", "norm2(x)"),
    ("a'*X*b @ 2", "@", "*"),
]


@pytest.mark.parametrize(("cell", "symbol", "suggested"), CASES)
def test_a_printed_symbol_gets_a_caret_and_the_language_notation(cell, symbol, suggested):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt="X", latex=False)
    error = info.value
    assert error.message == f"unexpected character {symbol!r}"
    assert cell[error.span.start : error.span.end] == symbol
    assert error.hint is not None and suggested in error.hint
    assert "^" in str(error)


@pytest.mark.parametrize(("cell", "symbol", "suggested"), CASES)
def test_the_hint_is_translated(cell, symbol, suggested):
    with pytest.raises(MatdiffError) as info:
        derive(cell, wrt="X", lang="zh", latex=False)
    text = str(info.value)
    hint = next(line for line in text.splitlines() if line.startswith("提示"))
    assert suggested in hint
    assert not any(word in hint for word in ("write", "use", "the "))  # worded in Chinese


def test_the_transpose_written_with_a_quote_derives():
    assert derive("a'*X*b", wrt="X").steps[-1].text == "a bᵀ"
