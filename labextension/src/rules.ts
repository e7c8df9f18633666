/**
 * Content of the matrix-calculus cheat sheet: each rule as TeX, a plain-text reading, and a
 * %%matdiff cell that exercises it. Data only; cheatsheet.ts draws it.
 */

export interface IRule {
  id: string;
  title: string;
  tex: string;
  text: string;
  example: string;
}

export interface ISection {
  id: string;
  title: string;
  intro: string;
  rules: IRule[];
}

/** The cell inserted by "Insert %%matdiff cell". */
export const DEFAULT_EXAMPLE = "%%matdiff --wrt X\na'*exp(X*b)";

const cell = (flags: string, ...lines: string[]): string =>
  [`%%matdiff ${flags}`, ...lines].join('\n');

export const SECTIONS: ISection[] = [
  {
    id: 'differentials',
    title: 'Differentials',
    intro: 'Take d of the expression and push it inward, one rule at a time.',
    rules: [
      {
        id: 'sum',
        title: 'Sum',
        tex: '\\mathrm{d}(X \\pm Y) = \\mathrm{d}X \\pm \\mathrm{d}Y',
        text: 'd(X ± Y) = dX ± dY',
        example: cell('--wrt X', "a'*(X + X*B)*b")
      },
      {
        id: 'product',
        title: 'Product',
        tex: '\\mathrm{d}(XY) = (\\mathrm{d}X)\\,Y + X\\,\\mathrm{d}Y',
        text: 'd(XY) = (dX)Y + X dY',
        example: cell('--wrt X', "a'*X*b")
      },
      {
        id: 'transpose',
        title: 'Transpose',
        tex: '\\mathrm{d}(X^{T}) = (\\mathrm{d}X)^{T}',
        text: 'd(Xᵀ) = (dX)ᵀ',
        example: cell('--wrt X', "a'*X'*b")
      },
      {
        id: 'trace',
        title: 'Trace',
        tex: '\\mathrm{d}\\operatorname{tr}(X) = \\operatorname{tr}(\\mathrm{d}X)',
        text: 'd tr X = tr dX',
        example: cell('--wrt X', 'tr(A*X)')
      },
      {
        id: 'inverse',
        title: 'Inverse',
        tex: '\\mathrm{d}(X^{-1}) = -X^{-1}(\\mathrm{d}X)X^{-1}',
        text: 'dX⁻¹ = −X⁻¹ dX X⁻¹',
        example: cell('--wrt X', 'X: matrix(n, n)', "a'*inv(X)*b")
      },
      {
        id: 'determinant',
        title: 'Determinant',
        tex: '\\mathrm{d}|X| = |X|\\operatorname{tr}(X^{-1}\\mathrm{d}X)',
        text: 'd|X| = |X| tr(X⁻¹ dX)',
        example: cell('--wrt X', 'X: matrix(n, n)', 'det(X)')
      },
      {
        id: 'logdet',
        title: 'Log-determinant',
        tex: '\\mathrm{d}\\log|X| = \\operatorname{tr}(X^{-1}\\mathrm{d}X)',
        text: 'd log|X| = tr(X⁻¹ dX)',
        example: cell('--wrt X', 'X: matrix(n, n)', 'logdet(X)')
      },
      {
        id: 'hadamard',
        title: 'Elementwise product',
        tex: '\\mathrm{d}(X \\odot Y) = \\mathrm{d}X \\odot Y + X \\odot \\mathrm{d}Y',
        text: 'd(X ⊙ Y) = dX ⊙ Y + X ⊙ dY',
        example: cell('--wrt X', "a'*(X .* (A*X))*b")
      },
      {
        id: 'elementwise',
        title: 'Elementwise function',
        tex: "\\mathrm{d}\\sigma(X) = \\sigma'(X) \\odot \\mathrm{d}X",
        text: "dσ(X) = σ'(X) ⊙ dX",
        example: cell('--wrt X', "a'*sigmoid(X*b)")
      }
    ]
  },
  {
    id: 'trace-tricks',
    title: 'Trace tricks',
    intro: 'Rewrite the scalar df until dX stands alone on the right inside one trace.',
    rules: [
      {
        id: 'scalar-trace',
        title: 'A scalar is its trace',
        tex: 'a = \\operatorname{tr}(a)',
        text: 'a = tr(a) for a scalar a',
        example: cell('--wrt X', "a'*X*b")
      },
      {
        id: 'trace-transpose',
        title: 'Transpose inside the trace',
        tex: '\\operatorname{tr}(A^{T}) = \\operatorname{tr}(A)',
        text: 'tr(Aᵀ) = tr(A)',
        example: cell('--wrt X', "tr(A*X')")
      },
      {
        id: 'linearity',
        title: 'Linearity',
        // Two short lines: the side panel is narrow and MathJax 3 does not break lines.
        tex:
          '\\begin{gathered} \\operatorname{tr}(A \\pm B) = \\operatorname{tr}A \\pm \\operatorname{tr}B' +
          ' \\\\ \\operatorname{tr}(cA) = c\\operatorname{tr}A \\end{gathered}',
        text: 'tr(A ± B) = tr A ± tr B, tr(cA) = c tr A',
        example: cell('--wrt X', 'tr(A*X) + 2*tr(B*X)')
      },
      {
        id: 'cyclic',
        title: 'Cyclic property',
        tex: '\\operatorname{tr}(AB) = \\operatorname{tr}(BA)',
        text: 'tr(AB) = tr(BA)',
        example: cell('--wrt X', 'tr(A*X*B)')
      },
      {
        id: 'hadamard-swap',
        title: 'Elementwise product inside the trace',
        tex:
          '\\begin{aligned} &\\operatorname{tr}\\big(A^{T}(B \\odot C)\\big) \\\\ ' +
          '&= \\operatorname{tr}\\big((A \\odot B)^{T} C\\big) \\end{aligned}',
        text: 'tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀ C)',
        example: cell('--wrt X', "a'*(b .* (X*c))")
      }
    ]
  },
  {
    id: 'readoff',
    title: 'Read off the derivative',
    intro:
      'Once df = tr(Gᵀ dX), G is the derivative (in denominator layout, the shape of X).',
    rules: [
      {
        id: 'readoff',
        title: 'Read-off rule',
        tex:
          '\\begin{gathered} \\mathrm{d}f = \\operatorname{tr}(G^{T}\\mathrm{d}X) \\\\ ' +
          '\\Downarrow \\\\ \\frac{\\partial f}{\\partial X} = G \\end{gathered}',
        text: 'df = tr(Gᵀ dX) ⇒ ∂f/∂X = G',
        example: cell('--wrt x', "x'*A*x")
      }
    ]
  }
];

/** Shapes of ∂y/∂x in each layout (x: n-vector or m×n matrix X, y: m-vector or scalar). */
export interface ILayoutRow {
  id: string;
  short: string;
  tex: string;
  text: string;
  numerator: string;
  denominator: string;
  mixed: string;
}

export const LAYOUT_ROWS: ILayoutRow[] = [
  {
    id: 'scalar-vector',
    short: 'scalar by vector',
    tex: '\\frac{\\partial y}{\\partial \\boldsymbol{x}}',
    text: 'scalar y, vector x ∈ ℝⁿ',
    numerator: '1×n',
    denominator: 'n×1',
    mixed: 'n×1'
  },
  {
    id: 'vector-scalar',
    short: 'vector by scalar',
    tex: '\\frac{\\partial \\boldsymbol{y}}{\\partial x}',
    text: 'vector y ∈ ℝᵐ, scalar x',
    numerator: 'm×1',
    denominator: '1×m',
    mixed: 'm×1'
  },
  {
    id: 'vector-vector',
    short: 'vector by vector',
    tex: '\\frac{\\partial \\boldsymbol{y}}{\\partial \\boldsymbol{x}}',
    text: 'vector y ∈ ℝᵐ, vector x ∈ ℝⁿ',
    numerator: 'm×n',
    denominator: 'n×m',
    mixed: 'm×n'
  },
  {
    id: 'scalar-matrix',
    short: 'scalar by matrix',
    tex: '\\frac{\\partial y}{\\partial X}',
    text: 'scalar y, matrix X ∈ ℝ^{m×n}',
    numerator: 'n×m',
    denominator: 'm×n',
    mixed: 'm×n'
  }
];

export const LAYOUT_EXAMPLE = cell('--wrt x --layout numerator', 'A*x');
