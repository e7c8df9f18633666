"""How close our results are to the textbooks' forms: the printed length of each result (with the
definitions of the names it uses, "where s = softmax(Wᵀx)") against the textbook form written
next to it, in the same plain-text notation, and the ratio. The target is every case within 1.3×.

Run: python benchmarks/bench_forms.py (prints a Markdown table of CASES and one of HELD_OUT; exits
1 when a case is over).
The textbook forms are the usual ones (Matrix Cookbook, Petersen & Pedersen 2012, with its
equation numbers; Bishop's PRML for the learning examples); every derivative here is also
checked numerically by derive() at a random point.
"""

from __future__ import annotations

import statistics
import sys

from matdiff_magic import derive
from matdiff_magic.render.printer import to_text

TARGET = 1.3

# (label, source, wrt, textbook form in our plain-text notation)
CASES = [
    # Matrix Cookbook
    ("(70) aᵀXb", "a'*X*b", "X", "a bᵀ"),
    ("(81) xᵀBx", "x'*B*x", "x", "(B + Bᵀ) x"),
    ("(100) tr(AX)", "tr(A*X)", "X", "Aᵀ"),
    ("(114) tr(XBXᵀ)", "tr(X*B*X')", "X", "X Bᵀ + X B"),
    ("(113) tr(XᵀBX)", "tr(X'*B*X)", "X", "B X + Bᵀ X"),
    ("(124) tr(X⁻¹)", "tr(inv(X))", "X", "-X⁻ᵀ X⁻ᵀ"),
    ("(49) |X|", "det(X)", "X", "|X| X⁻ᵀ"),
    ("(57) log|X|", "log(det(X))", "X", "X⁻ᵀ"),
    ("(61) aᵀX⁻¹b", "a'*inv(X)*b", "X", "-X⁻ᵀ a bᵀ X⁻ᵀ"),
    ("log|X⁻¹|", "log(det(inv(X)))", "X", "-X⁻ᵀ"),
    ("log|X Xᵀ A⁻¹|", "log(det(X*X'*inv(A)))", "X", "2 (X Xᵀ)⁻¹ X"),
    ("√|XᵀX|", "sqrt(det(X'*X))", "X", "√(|Xᵀ X|) X (Xᵀ X)⁻¹"),
    ("(55) log|XᵀX|", "log(det(X'*X))", "X", "2 X (Xᵀ X)⁻¹"),
    # the seeds
    ("seed 3: aᵀexp(Xb)", "a'*exp(X*b)", "X", "(a ⊙ exp(X b)) bᵀ"),
    ("seed 5: MVN", "Sigma, S: symmetric\nlog(det(Sigma)) + tr(S*inv(Sigma))", "Sigma", "Σ⁻¹ - Σ⁻¹ S Σ⁻¹"),
    # regression
    ("least squares", "norm2(y - X*beta)^2", "beta", "2 Xᵀ (X β - y)"),
    ("least squares, mean", "N: scalar\nnorm2(X*w - y)^2/N", "w", "(2/N) Xᵀ (X w - y)"),
    ("ridge", "norm2(y - X*w)^2 + lambda*norm2(w)^2", "w", "2 Xᵀ (X w - y) + 2 λ w"),
    (
        "logistic regression",
        "-(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w)))",
        "w",
        "Xᵀ (σ - y), σ = σ(X w)",
    ),
    ("softmax regression", "-y'*log(softmax(W'*x))", "W", "x (s 𝟏ᵀy - y)ᵀ, s = softmax(Wᵀ x)"),
    ("softmax Jacobian", "softmax(W'*h + b)", "W", "(diag(s) - s sᵀ) (I ⊗ hᵀ), s = softmax(Wᵀ h + b)"),
    (
        "two-layer network",
        "norm2(W2*tanh(W1*x) - y)^2",
        "W1",
        "2 (W₂ᵀ (W₂ h - y) ⊙ (𝟏 - h^∘2)) xᵀ, h = tanh(W₁ x)",
    ),
    # likelihoods, PCA, barriers
    (
        "MVN likelihood",
        "Sigma: symmetric\nlog(det(Sigma)) + (x - m)'*inv(Sigma)*(x - m)",
        "Sigma",
        "Σ⁻¹ - Σ⁻¹ (x - m) (x - m)ᵀ Σ⁻¹",
    ),
    ("MVN mean", "Sigma: symmetric\n(x - m)'*inv(Sigma)*(x - m)", "m", "2 Σ⁻¹ (m - x)"),
    ("PCA: tr(WᵀSW)", "S: symmetric\ntr(W'*S*W)", "W", "2 S W"),
    ("Rayleigh quotient", "x'*A*x/(x'*x)", "x", "((A + Aᵀ) x - 2 (xᵀ A x / xᵀ x) x) / xᵀ x"),
    ("log-det barrier", "-log(det(X)) + tr(C*X)", "X", "Cᵀ - X⁻ᵀ"),
    ("log barrier", "-sum(log(b - A*x))", "x", "Aᵀ (b - A x)^∘-1"),
]

# held out: cases of the same kind, added after the rewrites above were written for CASES, to
# measure how far they carry
HELD_OUT = [
    ("weighted least squares", "W: symmetric\n(y - X*w)'*W*(y - X*w)", "w", "2 Xᵀ W (X w - y)"),
    ("elastic net, smooth part", "norm2(X*w - y)^2/2 + lambda*norm2(w)^2/2", "w", "Xᵀ (X w - y) + λ w"),
    ("Gaussian log-likelihood, μ", "Sigma: symmetric\n-(x - mu)'*inv(Sigma)*(x - mu)/2", "mu", "Σ⁻¹ (x - μ)"),
    (
        "Gaussian log-likelihood, Σ",
        "Sigma: symmetric\n-log(det(Sigma))/2 - (x - mu)'*inv(Sigma)*(x - mu)/2",
        "Sigma",
        "½ (Σ⁻¹ (x - μ) (x - μ)ᵀ Σ⁻¹ - Σ⁻¹)",
    ),
    (
        "Mahalanobis distance",
        "S: symmetric\nsqrt((x - mu)'*inv(S)*(x - mu))",
        "x",
        "S⁻¹ (x - μ) / √((x - μ)ᵀ S⁻¹ (x - μ))",
    ),
    ("(116) tr(AXBXᵀ)", "tr(A*X*B*X')", "X", "Aᵀ X Bᵀ + A X B"),
    ("log-sum-exp", "log(sum(exp(x)))", "x", "softmax(x)"),
    ("(63) tr(AX⁻¹B)", "tr(A*inv(X)*B)", "X", "-X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ"),
    ("‖XA − B‖²_F", "norm2(X*A - B)^2", "X", "2 (X A - B) Aᵀ"),
    (
        "Rayleigh quotient, A symmetric",
        "A: symmetric\nx'*A*x/(x'*x)",
        "x",
        "2 (A x - (xᵀ A x / xᵀ x) x) / xᵀ x",
    ),
    (
        "logistic regression with L2",
        "-(y'*log(sigmoid(X*w)) + (vector(1) - y)'*log(vector(1) - sigmoid(X*w))) + lambda*norm2(w)^2/2",
        "w",
        "Xᵀ (σ - y) + λ w, σ = σ(X w)",
    ),
    ("softmax cross-entropy, b", "-y'*log(softmax(W*x + b))", "b", "s 𝟏ᵀy - y, s = softmax(W x + b)"),
    ("(89) xᵀAx, A symmetric", "A: symmetric\nx'*A*x", "x", "2 A x"),
]


def printed(d) -> str:
    """The result in plain text, with the definitions of the names it uses."""
    out = to_text(d.result, abbrev=d.abbrev)
    defined: set = set()
    for node, (_, name) in d.abbrev.items():
        if name.endswith("ᵀ") or name in defined:
            continue  # M₁ᵀ, or M₁ met again written another way: defined once, as the where line does
        defined.add(name)
        out += f", {name} = {to_text(node, abbrev=d.abbrev, define=True)}"
    return out


def table(cases: list) -> tuple[list, list, list]:
    """The table's rows, each case's ratio, and the cases over the target (or not checked)."""
    rows, ratios, over = [], [], []
    for label, source, wrt, form in cases:
        d = derive(source, wrt=wrt)
        ok = d.check_result.status == "passed"
        ours = printed(d)
        ratio = len(ours) / len(form)
        ratios.append(ratio)
        if ratio > TARGET or not ok:
            over.append(label)
        rows.append(f"| {label} | `{ours}` | `{form}` | {len(ours)} / {len(form)} | {ratio:.2f}× |")
    return rows, ratios, over


def main() -> int:
    failed = False
    for title, cases in (("", CASES), ("held out", HELD_OUT)):
        rows, ratios, over = table(cases)
        if title:
            print(f"\n{title}:\n")
        print("| case | ours (with its names) | textbook | length | ratio |")
        print("|---|---|---|---:|---:|")
        print("\n".join(rows))
        within = len(cases) - len(over)
        print(
            f"\n{within} of {len(cases)} cases within {TARGET}× of the textbook form; "
            f"median ratio {statistics.median(ratios):.2f}×, largest {max(ratios):.2f}×"
            + (f"; over: {', '.join(over)}" if over else "")
        )
        failed = failed or bool(over)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
