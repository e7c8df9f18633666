"""The Unicode reading of a TeX formula (matdiff_magic/tex.py): notation is typed once, in TeX."""

import pytest

from matdiff_magic.tex import to_unicode

CASES = [
    (r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", "tr(AB) = tr(BA)"),
    (
        r"\operatorname{tr}(A^{T}(B \odot C)) = \operatorname{tr}((A \odot B)^{T}C)",
        "tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀC)",
    ),
    (r"\operatorname{vec}(AXB) = (B^{T} \otimes A)\operatorname{vec}(X)", "vec(AXB) = (Bᵀ ⊗ A) vec(X)"),
    (r"\mathrm{d}\operatorname{tr}(X) = \operatorname{tr}(\mathrm{d}X)", "d tr(X) = tr(dX)"),
    (
        r"\mathrm{d}\lvert X\rvert = \lvert X\rvert \operatorname{tr}(X^{-1}\,\mathrm{d}X)",
        "d|X| = |X| tr(X⁻¹ dX)",
    ),
    (r"\mathrm{d}\log\lvert X\rvert = \operatorname{tr}(X^{-1}\,\mathrm{d}X)", "d log|X| = tr(X⁻¹ dX)"),
    (
        r"\mathrm{d}f = \operatorname{tr}\left(\frac{\partial f}{\partial X}^{T}\mathrm{d}X\right)",
        "df = tr((∂f/∂X)ᵀdX)",
    ),
    (r"\frac{\partial \operatorname{vec}F}{\partial (\operatorname{vec}X)^{T}} = J", "∂vec F/∂(vec X)ᵀ = J"),
    (r"\frac{\partial X_{pq}}{\partial X_{ij}} = \delta_{ip}\,\delta_{jq}", "∂X_pq/∂X_ij = δ_ip δ_jq"),
    (r"\lVert X\rVert_1", "‖X‖₁"),
    (r"\mathrm{d}(X^{\circ p}) = p X^{\circ (p-1)} \odot \mathrm{d}X", "d(X^∘p) = p X^∘(p-1) ⊙ dX"),
    (r"\sum(A) = \operatorname{tr}(\mathbf{1}^{T}A)", "Σ(A) = tr(𝟏ᵀA)"),
    (r"\tfrac{1}{2}\sqrt{X}", "½√X"),
    (r"A\hat{X} = B \Rightarrow \hat{X} = A^{-1}B", "AX̂ = B ⇒ X̂ = A⁻¹B"),
    (r"a^{T} = a \text{ for a scalar } a", "aᵀ = a for a scalar a"),
    (r"{\color{#d62728}{X}}^{-T}", "X⁻ᵀ"),
    (r"\frac{a + b}{c}", "(a + b)/c"),
    # a matrix written out reads in the brackets syntax of a cell, rows split by ;
    (r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}", "[a, b; c, d]"),
    (
        r"\mathrm{d}\begin{bmatrix} a & b \\ c & d \end{bmatrix} = "
        r"\begin{bmatrix} \mathrm{d}a & \mathrm{d}b \\ \mathrm{d}c & \mathrm{d}d \end{bmatrix}",
        "d[a, b; c, d] = [da, db; dc, dd]",
    ),
    (r"\begin{pmatrix} x_{1} \\ \frac{a}{b} \\ \end{pmatrix}^{T}", "[x₁; a/b]ᵀ"),
]


def test_entry_by_entry_identity_reads_as_a_written_out_matrix():
    from matdiff_magic.ops.components import ENTRY_BY_ENTRY

    assert ENTRY_BY_ENTRY.text == "d[a, b; c, d] = [da, db; dc, dd]"
    assert "begin" not in to_unicode(ENTRY_BY_ENTRY.latex)


@pytest.mark.parametrize("tex, text", CASES)
def test_unicode_reading(tex, text):
    assert to_unicode(tex) == text
