"""The matrix-calculus cheat sheet of the lab extension, as data: its sections, the rules each shows
(by identity id, see ``matdiff_magic.ops.identity.catalogue``) and a ``%%matdiff`` cell exercising each.

The formulas are not here: each rule shows the TeX and Unicode of the identities it names, the same
ones the derivations apply. labextension/scripts/generate.py writes this module's ``to_json()`` into
labextension/src/generated/cheatsheet.ts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Rule:
    id: str  # stable: the panel's data-rule attribute and its Insert button
    title: str
    identities: tuple[str, ...]  # ids in the identity catalogue, shown one per line
    example: str  # a %%matdiff cell that applies the rule


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class LayoutRow:
    """The shape of ∂y/∂x in each layout (x: n-vector or m×n matrix X, y: m-vector or scalar)."""

    id: str
    short: str
    tex: str
    text: str
    numerator: str
    denominator: str
    mixed: str


def cell(flags: str, *lines: str) -> str:
    return "\n".join((f"%%matdiff {flags}", *lines))


TITLE = "Matrix calculus"
INTRO = (
    "The differential method: take df, push d inward with the rules, turn df into "
    "tr(Gᵀ dX) with the trace tricks, and read off ∂f/∂X = G."
)

# The cell inserted by "Insert %%matdiff cell".
DEFAULT_EXAMPLE = cell("--wrt X", "a'*exp(X*b)")

SECTIONS = (
    Section(
        "differentials",
        "Differentials",
        "Take d of the expression and push it inward, one rule at a time.",
        (
            Rule("sum", "Sum", ("sum",), cell("--wrt X", "a'*(X + X*B)*b")),
            Rule("product", "Product", ("product",), cell("--wrt X", "a'*X*b")),
            Rule("transpose", "Transpose", ("transpose",), cell("--wrt X", "a'*X'*b")),
            Rule("trace", "Trace", ("trace",), cell("--wrt X", "tr(A*X)")),
            Rule("inverse", "Inverse", ("inverse",), cell("--wrt X", "X: matrix(n, n)", "a'*inv(X)*b")),
            Rule(
                "determinant", "Determinant", ("determinant",), cell("--wrt X", "X: matrix(n, n)", "det(X)")
            ),
            Rule("logdet", "Log-determinant", ("logdet",), cell("--wrt X", "X: matrix(n, n)", "logdet(X)")),
            Rule("hadamard", "Elementwise product", ("hadamard",), cell("--wrt X", "a'*(X .* (A*X))*b")),
            Rule("elementwise", "Elementwise function", ("elementwise-exp",), cell("--wrt X", "a'*exp(X*b)")),
        ),
    ),
    Section(
        "trace-tricks",
        "Trace tricks",
        "Rewrite the scalar df until dX stands alone on the right inside one trace.",
        (
            Rule("scalar-trace", "A scalar is its trace", ("scalar-trace",), cell("--wrt X", "a'*X*b")),
            Rule(
                "trace-transpose",
                "Transpose inside the trace",
                ("transpose-trick",),
                cell("--wrt X", "tr(A*X')"),
            ),
            Rule("linearity", "Linearity", ("tracetricks-combine",), cell("--wrt X", "tr(A*X) + 2*tr(B*X)")),
            Rule("cyclic", "Cyclic property", ("cyclic",), cell("--wrt X", "tr(A*X*B)")),
            Rule(
                "hadamard-swap",
                "Elementwise product inside the trace",
                ("hadamard-trick",),
                cell("--wrt X", "a'*(b .* (X*c))"),
            ),
        ),
    ),
    Section(
        "readoff",
        "Read off the derivative",
        "Once df = tr(Gᵀ dX), G is the derivative (in denominator layout, the shape of X).",
        (Rule("readoff", "Read-off rule", ("read-off", "read-off-vector"), cell("--wrt x", "x'*A*x")),),
    ),
)

LAYOUTS_TITLE = "Layouts"
LAYOUTS_INTRO = (
    "Shape of ∂y/∂x, for y a scalar or an m-vector and x a scalar, an n-vector or an m×n "
    "matrix X. Numerator layout follows y and xᵀ, denominator layout follows x and yᵀ; "
    "mixed layout shapes a gradient like the variable and a Jacobian as m×n. "
    "Choose with --layout."
)
LAYOUT_EXAMPLE = cell("--wrt x --layout numerator", "A*x")

LAYOUT_ROWS = (
    LayoutRow(
        "scalar-vector",
        "scalar by vector",
        r"\frac{\partial y}{\partial \boldsymbol{x}}",
        "scalar y, vector x ∈ ℝⁿ",
        "1×n",
        "n×1",
        "n×1",
    ),
    LayoutRow(
        "vector-scalar",
        "vector by scalar",
        r"\frac{\partial \boldsymbol{y}}{\partial x}",
        "vector y ∈ ℝᵐ, scalar x",
        "m×1",
        "1×m",
        "m×1",
    ),
    LayoutRow(
        "vector-vector",
        "vector by vector",
        r"\frac{\partial \boldsymbol{y}}{\partial \boldsymbol{x}}",
        "vector y ∈ ℝᵐ, vector x ∈ ℝⁿ",
        "m×n",
        "n×m",
        "m×n",
    ),
    LayoutRow(
        "scalar-matrix",
        "scalar by matrix",
        r"\frac{\partial y}{\partial X}",
        "scalar y, matrix X ∈ ℝ^{m×n}",
        "n×m",
        "m×n",
        "m×n",
    ),
)


def identity_ids() -> list[str]:
    """Every identity id the cheat sheet shows, in order."""
    return [i for s in SECTIONS for r in s.rules for i in r.identities]


def examples() -> list[str]:
    """Every cell the cheat sheet can insert."""
    return [DEFAULT_EXAMPLE, LAYOUT_EXAMPLE] + [r.example for s in SECTIONS for r in s.rules]


def to_json() -> dict:
    """The cheat sheet as plain data (lists and dicts), for the lab extension."""
    return {
        "title": TITLE,
        "intro": INTRO,
        "defaultExample": DEFAULT_EXAMPLE,
        "sections": [asdict(s) for s in SECTIONS],
        "layouts": {
            "title": LAYOUTS_TITLE,
            "intro": LAYOUTS_INTRO,
            "example": LAYOUT_EXAMPLE,
            "rows": [asdict(row) for row in LAYOUT_ROWS],
        },
    }
