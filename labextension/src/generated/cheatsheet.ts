// Generated from matdiff_magic/render/cheatsheet.py by labextension/scripts/generate.py: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py`.

import type { IdentityId } from './identities';

export interface ICheatSheetRule {
  /** Stable: the panel's data-rule attribute and its Insert button's. */
  readonly id: string;
  readonly title: string;
  /** The identities it shows, one per line. */
  readonly identities: readonly IdentityId[];
  /** A %%matdiff cell that applies the rule. */
  readonly example: string;
}

export interface ICheatSheetSection {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  readonly rules: readonly ICheatSheetRule[];
}

/** The shape of ∂y/∂x in each layout. */
export interface ILayoutRow {
  readonly id: string;
  readonly short: string;
  readonly tex: string;
  readonly text: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly mixed: string;
}

export interface ICheatSheet {
  readonly title: string;
  readonly intro: string;
  /** The cell inserted by "Insert %%matdiff cell". */
  readonly defaultExample: string;
  readonly sections: readonly ICheatSheetSection[];
  readonly layouts: {
    readonly title: string;
    readonly intro: string;
    readonly example: string;
    readonly rows: readonly ILayoutRow[];
  };
}

export const CHEATSHEET: ICheatSheet = {
  "title": "Matrix calculus",
  "intro": "The differential method: take df, push d inward with the rules, turn df into tr(Gᵀ dX) with the trace tricks, and read off ∂f/∂X = G.",
  "defaultExample": "%%matdiff --wrt X\na'*exp(X*b)",
  "sections": [
    {
      "id": "differentials",
      "title": "Differentials",
      "intro": "Take d of the expression and push it inward, one rule at a time.",
      "rules": [
        {
          "id": "sum",
          "title": "Sum",
          "identities": [
            "sum"
          ],
          "example": "%%matdiff --wrt X\na'*(X + X*B)*b"
        },
        {
          "id": "product",
          "title": "Product",
          "identities": [
            "product"
          ],
          "example": "%%matdiff --wrt X\na'*X*b"
        },
        {
          "id": "transpose",
          "title": "Transpose",
          "identities": [
            "transpose"
          ],
          "example": "%%matdiff --wrt X\na'*X'*b"
        },
        {
          "id": "trace",
          "title": "Trace",
          "identities": [
            "trace"
          ],
          "example": "%%matdiff --wrt X\ntr(A*X)"
        },
        {
          "id": "inverse",
          "title": "Inverse",
          "identities": [
            "inverse"
          ],
          "example": "%%matdiff --wrt X\nX: matrix(n, n)\na'*inv(X)*b"
        },
        {
          "id": "determinant",
          "title": "Determinant",
          "identities": [
            "determinant"
          ],
          "example": "%%matdiff --wrt X\nX: matrix(n, n)\ndet(X)"
        },
        {
          "id": "logdet",
          "title": "Log-determinant",
          "identities": [
            "logdet"
          ],
          "example": "%%matdiff --wrt X\nX: matrix(n, n)\nlogdet(X)"
        },
        {
          "id": "hadamard",
          "title": "Elementwise product",
          "identities": [
            "hadamard"
          ],
          "example": "%%matdiff --wrt X\na'*(X .* (A*X))*b"
        },
        {
          "id": "elementwise",
          "title": "Elementwise function",
          "identities": [
            "elementwise-exp"
          ],
          "example": "%%matdiff --wrt X\na'*exp(X*b)"
        }
      ]
    },
    {
      "id": "trace-tricks",
      "title": "Trace tricks",
      "intro": "Rewrite the scalar df until dX stands alone on the right inside one trace.",
      "rules": [
        {
          "id": "scalar-trace",
          "title": "A scalar is its trace",
          "identities": [
            "scalar-trace"
          ],
          "example": "%%matdiff --wrt X\na'*X*b"
        },
        {
          "id": "trace-transpose",
          "title": "Transpose inside the trace",
          "identities": [
            "transpose-trick"
          ],
          "example": "%%matdiff --wrt X\ntr(A*X')"
        },
        {
          "id": "linearity",
          "title": "Linearity",
          "identities": [
            "tracetricks-combine"
          ],
          "example": "%%matdiff --wrt X\ntr(A*X) + 2*tr(B*X)"
        },
        {
          "id": "cyclic",
          "title": "Cyclic property",
          "identities": [
            "cyclic"
          ],
          "example": "%%matdiff --wrt X\ntr(A*X*B)"
        },
        {
          "id": "hadamard-swap",
          "title": "Elementwise product inside the trace",
          "identities": [
            "hadamard-trick"
          ],
          "example": "%%matdiff --wrt X\na'*(b .* (X*c))"
        }
      ]
    },
    {
      "id": "readoff",
      "title": "Read off the derivative",
      "intro": "Once df = tr(Gᵀ dX), G is the derivative (in denominator layout, the shape of X).",
      "rules": [
        {
          "id": "readoff",
          "title": "Read-off rule",
          "identities": [
            "read-off",
            "read-off-vector"
          ],
          "example": "%%matdiff --wrt x\nx'*A*x"
        }
      ]
    }
  ],
  "layouts": {
    "title": "Layouts",
    "intro": "Shape of ∂y/∂x, for y a scalar or an m-vector and x a scalar, an n-vector or an m×n matrix X. Numerator layout follows y and xᵀ, denominator layout follows x and yᵀ; mixed layout shapes a gradient like the variable and a Jacobian as m×n. Choose with --layout.",
    "example": "%%matdiff --wrt x --layout numerator\nA*x",
    "rows": [
      {
        "id": "scalar-vector",
        "short": "scalar by vector",
        "tex": "\\frac{\\partial y}{\\partial \\boldsymbol{x}}",
        "text": "scalar y, vector x ∈ ℝⁿ",
        "numerator": "1×n",
        "denominator": "n×1",
        "mixed": "n×1"
      },
      {
        "id": "vector-scalar",
        "short": "vector by scalar",
        "tex": "\\frac{\\partial \\boldsymbol{y}}{\\partial x}",
        "text": "vector y ∈ ℝᵐ, scalar x",
        "numerator": "m×1",
        "denominator": "1×m",
        "mixed": "m×1"
      },
      {
        "id": "vector-vector",
        "short": "vector by vector",
        "tex": "\\frac{\\partial \\boldsymbol{y}}{\\partial \\boldsymbol{x}}",
        "text": "vector y ∈ ℝᵐ, vector x ∈ ℝⁿ",
        "numerator": "m×n",
        "denominator": "n×m",
        "mixed": "m×n"
      },
      {
        "id": "scalar-matrix",
        "short": "scalar by matrix",
        "tex": "\\frac{\\partial y}{\\partial X}",
        "text": "scalar y, matrix X ∈ ℝ^{m×n}",
        "numerator": "n×m",
        "denominator": "m×n",
        "mixed": "m×n"
      }
    ]
  }
};
