// Generated from matdiff_magic.ops.identity.catalogue() by labextension/scripts/generate.py: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py`.

/** An identity a derivation step can apply, in general form. */
export interface IIdentity {
  /** The rule's short name, as a step shows it (e.g. 'product rule'). */
  readonly name: string;
  /** The identity as TeX ('' when the step has none). */
  readonly latex: string;
  /** The identity as readable Unicode. */
  readonly text: string;
  /** Its equation number in the Matrix Cookbook (Petersen & Pedersen, 2012), e.g. '(59)', or ''. */
  readonly cookbook: string;
}

/** Every identity the package can apply, by stable id. */
export const IDENTITIES = {
  "adjugate": {
    "name": "adjugate",
    "latex": "\\mathrm{d}\\operatorname{adj}(X) = \\operatorname{adj}(X)\\operatorname{tr}(X^{-1}\\,\\mathrm{d}X) - X^{-1}\\,\\mathrm{d}X\\operatorname{adj}(X)",
    "text": "d adj(X) = adj(X) tr(X⁻¹ dX) - X⁻¹ dX adj(X)",
    "cookbook": ""
  },
  "cancel": {
    "name": "cancel inverses",
    "latex": "A^{-1}A = A A^{-1} = I",
    "text": "A⁻¹A = A A⁻¹ = I",
    "cookbook": ""
  },
  "collect-gradient": {
    "name": "collect the entries",
    "latex": "\\left(\\frac{\\partial f}{\\partial \\boldsymbol{y}}\\right)_{j} = \\frac{\\partial f}{\\partial y_{j}}",
    "text": "(∂f/∂y)_j = ∂f/∂y_j",
    "cookbook": ""
  },
  "collect-jacobian": {
    "name": "collect the entries",
    "latex": "\\left(\\frac{\\partial \\boldsymbol{f}}{\\partial \\boldsymbol{y}^{T}}\\right)_{kj} = \\frac{\\partial f_{k}}{\\partial y_{j}}",
    "text": "(∂f/∂yᵀ)_kj = ∂f_k/∂y_j",
    "cookbook": ""
  },
  "combine-vector": {
    "name": "linearity",
    "latex": "\\boldsymbol{a}^{T}\\mathrm{d}\\boldsymbol{x} + \\boldsymbol{b}^{T}\\mathrm{d}\\boldsymbol{x} = (\\boldsymbol{a} + \\boldsymbol{b})^{T}\\mathrm{d}\\boldsymbol{x}",
    "text": "aᵀdx + bᵀdx = (a + b)ᵀdx",
    "cookbook": ""
  },
  "common-number": {
    "name": "common factor",
    "latex": "c\\,A + c\\,B = c\\,(A + B)",
    "text": "c A + c B = c (A + B)",
    "cookbook": ""
  },
  "compose": {
    "name": "composition",
    "latex": "\\mathrm{d}f = \\operatorname{tr}\\left(\\frac{\\partial f}{\\partial Y}^{T}\\,\\mathrm{d}Y\\right)",
    "text": "df = tr((∂f/∂Y)ᵀ dY)",
    "cookbook": ""
  },
  "constant": {
    "name": "constant",
    "latex": "\\mathrm{d}A = 0 \\text{ for a constant } A",
    "text": "dA = 0 for a constant A",
    "cookbook": ""
  },
  "constant-factor": {
    "name": "constant factor",
    "latex": "\\mathrm{d}(cX) = c\\,\\mathrm{d}X",
    "text": "d(cX) = c dX",
    "cookbook": ""
  },
  "count": {
    "name": "number of samples",
    "latex": "\\mathrm{d}N = 0",
    "text": "dN = 0",
    "cookbook": ""
  },
  "cyclic": {
    "name": "cyclic property",
    "latex": "\\operatorname{tr}(AB) = \\operatorname{tr}(BA)",
    "text": "tr(AB) = tr(BA)",
    "cookbook": "(16)"
  },
  "det-of-inverse": {
    "name": "determinant of an inverse",
    "latex": "|A^{-1}| = |A|^{-1}",
    "text": "|A⁻¹| = |A|⁻¹",
    "cookbook": ""
  },
  "determinant": {
    "name": "determinant",
    "latex": "\\mathrm{d}\\lvert X\\rvert = \\lvert X\\rvert \\operatorname{tr}(X^{-1}\\,\\mathrm{d}X)",
    "text": "d|X| = |X| tr(X⁻¹ dX)",
    "cookbook": "(46)"
  },
  "determinant-adjugate": {
    "name": "determinant",
    "latex": "\\mathrm{d}\\lvert X\\rvert = \\operatorname{tr}(\\operatorname{adj}(X)\\,\\mathrm{d}X)",
    "text": "d|X| = tr(adj(X) dX)",
    "cookbook": "(46)"
  },
  "diag": {
    "name": "diagonal",
    "latex": "\\mathrm{d}\\operatorname{diag}(X) = \\operatorname{diag}(\\mathrm{d}X)",
    "text": "d diag(X) = diag(dX)",
    "cookbook": ""
  },
  "diag-column": {
    "name": "diag times a column",
    "latex": "A\\operatorname{diag}(\\boldsymbol{u})\\boldsymbol{b} = A\\operatorname{diag}(\\boldsymbol{b})\\boldsymbol{u}",
    "text": "A diag(u)b = A diag(b)u",
    "cookbook": ""
  },
  "diag-matrix-trick": {
    "name": "diagonal",
    "latex": "\\operatorname{tr}(A\\operatorname{diag}(\\boldsymbol{v})) = \\operatorname{diag}(A)^{T}\\boldsymbol{v}",
    "text": "tr(A diag(v)) = diag(A)ᵀv",
    "cookbook": ""
  },
  "diag-ones": {
    "name": "diagonal of ones",
    "latex": "\\operatorname{diag}(\\mathbf{1}) = I",
    "text": "diag(𝟏) = I",
    "cookbook": ""
  },
  "diag-vector-trick": {
    "name": "diagonal",
    "latex": "\\boldsymbol{a}^{T}\\operatorname{diag}(B) = \\operatorname{tr}(\\operatorname{diag}(\\boldsymbol{a})B)",
    "text": "aᵀ diag(B) = tr(diag(a)B)",
    "cookbook": ""
  },
  "differences": {
    "name": "sign of a difference",
    "latex": "A\\,(b - a)^{T} = -A\\,(a - b)^{T}",
    "text": "A (b - a)ᵀ = -A (a - b)ᵀ",
    "cookbook": ""
  },
  "distribute": {
    "name": "distribute",
    "latex": "A(B + C) = AB + AC,\\ \\operatorname{tr}(A + B) = \\operatorname{tr}(A) + \\operatorname{tr}(B)",
    "text": "A(B + C) = AB + AC, tr(A + B) = tr(A) + tr(B)",
    "cookbook": ""
  },
  "divide": {
    "name": "divide by a constant",
    "latex": "cA = 0 \\Rightarrow A = 0 \\text{ for } c \\neq 0",
    "text": "cA = 0 ⇒ A = 0 for c ≠ 0",
    "cookbook": ""
  },
  "elementwise-abs": {
    "name": "element-wise abs",
    "latex": "\\mathrm{d}\\operatorname{abs}(X) = \\operatorname{sign}(X) \\odot \\mathrm{d}X",
    "text": "d abs(X) = sign(X) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-arccos": {
    "name": "element-wise arccos",
    "latex": "\\mathrm{d}\\arccos(X) = (-(\\mathbf{1} - X^{\\circ 2})^{\\circ -1/2}) \\odot \\mathrm{d}X",
    "text": "d arccos(X) = (-(𝟏 - X^∘2)^∘-1/2) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-arcsin": {
    "name": "element-wise arcsin",
    "latex": "\\mathrm{d}\\arcsin(X) = ((\\mathbf{1} - X^{\\circ 2})^{\\circ -1/2}) \\odot \\mathrm{d}X",
    "text": "d arcsin(X) = ((𝟏 - X^∘2)^∘-1/2) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-arctan": {
    "name": "element-wise arctan",
    "latex": "\\mathrm{d}\\arctan(X) = ((\\mathbf{1} + X^{\\circ 2})^{\\circ -1}) \\odot \\mathrm{d}X",
    "text": "d arctan(X) = ((𝟏 + X^∘2)^∘-1) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-cos": {
    "name": "element-wise cos",
    "latex": "\\mathrm{d}\\cos(X) = -\\sin(X) \\odot \\mathrm{d}X",
    "text": "d cos(X) = -sin(X) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-exp": {
    "name": "element-wise exp",
    "latex": "\\mathrm{d}\\exp(X) = \\exp(X) \\odot \\mathrm{d}X",
    "text": "d exp(X) = exp(X) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-log": {
    "name": "element-wise log",
    "latex": "\\mathrm{d}\\log(X) = X^{\\circ -1} \\odot \\mathrm{d}X",
    "text": "d log(X) = X^∘-1 ⊙ dX",
    "cookbook": ""
  },
  "elementwise-relu": {
    "name": "element-wise relu",
    "latex": "\\mathrm{d}\\operatorname{relu}(X) = \\operatorname{step}(X) \\odot \\mathrm{d}X",
    "text": "d relu(X) = step(X) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-sigmoid": {
    "name": "element-wise sigmoid",
    "latex": "\\mathrm{d}\\sigma(X) = (\\sigma(X) \\odot (\\mathbf{1} - \\sigma(X))) \\odot \\mathrm{d}X",
    "text": "dσ(X) = (σ(X) ⊙ (𝟏 - σ(X))) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-sign": {
    "name": "element-wise sign",
    "latex": "\\mathrm{d}\\operatorname{sign}(X) = 0 \\odot \\mathrm{d}X",
    "text": "d sign(X) = 0 ⊙ dX",
    "cookbook": ""
  },
  "elementwise-sin": {
    "name": "element-wise sin",
    "latex": "\\mathrm{d}\\sin(X) = \\cos(X) \\odot \\mathrm{d}X",
    "text": "d sin(X) = cos(X) ⊙ dX",
    "cookbook": ""
  },
  "elementwise-sqrt": {
    "name": "element-wise sqrt",
    "latex": "\\mathrm{d}\\sqrt{X} = \\tfrac{1}{2}\\sqrt{X}^{\\circ -1} \\odot \\mathrm{d}X",
    "text": "d√X = ½√X^∘-1 ⊙ dX",
    "cookbook": ""
  },
  "elementwise-step": {
    "name": "element-wise step",
    "latex": "\\mathrm{d}\\operatorname{step}(X) = 0 \\odot \\mathrm{d}X",
    "text": "d step(X) = 0 ⊙ dX",
    "cookbook": ""
  },
  "elementwise-tan": {
    "name": "element-wise tan",
    "latex": "\\mathrm{d}\\tan(X) = \\cos(X)^{\\circ -2} \\odot \\mathrm{d}X",
    "text": "d tan(X) = cos(X)^∘-2 ⊙ dX",
    "cookbook": ""
  },
  "elementwise-tanh": {
    "name": "element-wise tanh",
    "latex": "\\mathrm{d}\\tanh(X) = (\\mathbf{1} - \\tanh(X)^{\\circ 2}) \\odot \\mathrm{d}X",
    "text": "d tanh(X) = (𝟏 - tanh(X)^∘2) ⊙ dX",
    "cookbook": ""
  },
  "elempow": {
    "name": "element-wise power",
    "latex": "\\mathrm{d}(X^{\\circ p}) = p X^{\\circ (p-1)} \\odot \\mathrm{d}X",
    "text": "d(X^∘p) = p X^∘(p-1) ⊙ dX",
    "cookbook": ""
  },
  "entry": {
    "name": "entry",
    "latex": "\\mathrm{d}(X_{ij}) = (\\mathrm{d}X)_{ij}",
    "text": "d(X_ij) = (dX)_ij",
    "cookbook": ""
  },
  "entry-by-entry": {
    "name": "entry by entry",
    "latex": "\\mathrm{d}\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix} = \\begin{bmatrix} \\mathrm{d}a & \\mathrm{d}b \\\\ \\mathrm{d}c & \\mathrm{d}d \\end{bmatrix}",
    "text": "d[a, b; c, d] = [da, db; dc, dd]",
    "cookbook": ""
  },
  "expand": {
    "name": "expand",
    "latex": "A(B + C) = AB + AC",
    "text": "A(B + C) = AB + AC",
    "cookbook": ""
  },
  "factor-scalar": {
    "name": "factor out dx",
    "latex": "\\mathrm{d}f = g\\,\\mathrm{d}x \\text{ when } \\mathrm{d}x \\text{ is a scalar}",
    "text": "df = g dx when dx is a scalar",
    "cookbook": ""
  },
  "general-elempow": {
    "name": "element-wise power",
    "latex": "\\mathrm{d}(X^{\\circ v}) = v X^{\\circ (v-1)} \\odot \\mathrm{d}X + (X^{\\circ v} \\odot \\log(X))\\,\\mathrm{d}v",
    "text": "d(X^∘v) = v X^∘(v-1) ⊙ dX + (X^∘v ⊙ log(X)) dv",
    "cookbook": ""
  },
  "general-power": {
    "name": "power rule",
    "latex": "\\mathrm{d}(u^{v}) = u^{v}(\\log(u)\\,\\mathrm{d}v + v\\,u^{-1}\\,\\mathrm{d}u)",
    "text": "d(uᵛ) = uᵛ(log(u) dv + v u⁻¹ du)",
    "cookbook": ""
  },
  "gradient-again": {
    "name": "Hessian",
    "latex": "\\frac{\\partial^2 f}{\\partial \\operatorname{vec}X\\,\\partial (\\operatorname{vec}X)^{T}} = \\frac{\\partial \\operatorname{vec}(\\partial f/\\partial X)}{\\partial (\\operatorname{vec}X)^{T}}",
    "text": "∂²f/∂vec X ∂(vec X)ᵀ = ∂vec(∂f/∂X)/∂(vec X)ᵀ",
    "cookbook": ""
  },
  "gradient-again-scalar": {
    "name": "Hessian",
    "latex": "\\frac{\\partial^2 f}{\\partial x^2} = \\frac{\\partial (\\partial f/\\partial x)}{\\partial x}",
    "text": "∂²f/∂x² = ∂(∂f/∂x)/∂x",
    "cookbook": ""
  },
  "hadamard": {
    "name": "Hadamard product rule",
    "latex": "\\mathrm{d}(X \\odot Y) = \\mathrm{d}X \\odot Y + X \\odot \\mathrm{d}Y",
    "text": "d(X ⊙ Y) = dX ⊙ Y + X ⊙ dY",
    "cookbook": ""
  },
  "hadamard-transpose": {
    "name": "transpose of a Hadamard product",
    "latex": "(A \\odot B)^{T} = A^{T} \\odot B^{T}",
    "text": "(A ⊙ B)ᵀ = Aᵀ ⊙ Bᵀ",
    "cookbook": ""
  },
  "hadamard-trick": {
    "name": "Hadamard trick",
    "latex": "\\operatorname{tr}(A^{T}(B \\odot C)) = \\operatorname{tr}((A \\odot B)^{T}C)",
    "text": "tr(Aᵀ(B ⊙ C)) = tr((A ⊙ B)ᵀC)",
    "cookbook": ""
  },
  "inverse": {
    "name": "inverse",
    "latex": "\\mathrm{d}X^{-1} = -X^{-1}(\\mathrm{d}X)X^{-1}",
    "text": "dX⁻¹ = -X⁻¹(dX)X⁻¹",
    "cookbook": "(59)"
  },
  "inverse-of-product": {
    "name": "inverse of a product",
    "latex": "(AB)^{-1} = B^{-1}A^{-1}",
    "text": "(AB)⁻¹ = B⁻¹A⁻¹",
    "cookbook": "(1)"
  },
  "kron": {
    "name": "Kronecker product rule",
    "latex": "\\mathrm{d}(A \\otimes B) = \\mathrm{d}A \\otimes B + A \\otimes \\mathrm{d}B",
    "text": "d(A ⊗ B) = dA ⊗ B + A ⊗ dB",
    "cookbook": ""
  },
  "kron-k": {
    "name": "commutation",
    "latex": "(a^{T} \\otimes B)\\,K = B \\otimes a^{T}",
    "text": "(aᵀ ⊗ B) K = B ⊗ aᵀ",
    "cookbook": ""
  },
  "kron-vec": {
    "name": "vec of a product",
    "latex": "(B^{T} \\otimes A)\\operatorname{vec}(X) = \\operatorname{vec}(AXB)",
    "text": "(Bᵀ ⊗ A) vec(X) = vec(AXB)",
    "cookbook": "(520)"
  },
  "logdet": {
    "name": "log-determinant",
    "latex": "\\mathrm{d}\\log\\lvert X\\rvert = \\operatorname{tr}(X^{-1}\\,\\mathrm{d}X)",
    "text": "d log|X| = tr(X⁻¹ dX)",
    "cookbook": "(57)"
  },
  "matrix-power": {
    "name": "matrix power",
    "latex": "\\mathrm{d}(X^{k}) = \\sum_{i=0}^{k-1} X^{i}\\,\\mathrm{d}X\\,X^{k-1-i}",
    "text": "d(Xᵏ) = Σᵢ Xⁱ dX Xᵏ⁻¹⁻ⁱ (i = 0 … k−1)",
    "cookbook": "(89)"
  },
  "minka-gradient": {
    "name": "symmetric convention (minka)",
    "latex": "\\frac{\\partial f}{\\partial S} = G + G^{T} - G \\odot I",
    "text": "∂f/∂S = G + Gᵀ - G ⊙ I",
    "cookbook": "(138)"
  },
  "minka-hessian": {
    "name": "symmetric convention (minka)",
    "latex": "\\frac{\\partial^2 f}{\\partial \\operatorname{vec} S\\,\\partial (\\operatorname{vec} S)^{T}} = (I + K - \\operatorname{diag}(\\operatorname{vec} I))\\,H\\,(I + K - \\operatorname{diag}(\\operatorname{vec} I))",
    "text": "∂²f/∂vec S ∂(vec S)ᵀ = (I + K - diag(vec I)) H (I + K - diag(vec I))",
    "cookbook": "(138)"
  },
  "minka-jacobian": {
    "name": "symmetric convention (minka)",
    "latex": "\\frac{\\partial \\operatorname{vec} F}{\\partial (\\operatorname{vec} S)^{T}} = J\\,(I + K - \\operatorname{diag}(\\operatorname{vec} I))",
    "text": "∂vec F/∂(vec S)ᵀ = J (I + K - diag(vec I))",
    "cookbook": "(138)"
  },
  "minka-zero": {
    "name": "compare the entries",
    "latex": "A + A^{T} - A \\odot I = 0 \\Leftrightarrow A + A^{T} = 0",
    "text": "A + Aᵀ - A ⊙ I = 0 ⇔ A + Aᵀ = 0",
    "cookbook": ""
  },
  "move": {
    "name": "move the constant terms",
    "latex": "A + C = 0 \\Leftrightarrow A = -C",
    "text": "A + C = 0 ⇔ A = -C",
    "cookbook": ""
  },
  "multiply": {
    "name": "multiply through",
    "latex": "A = 0 \\Rightarrow XAX = 0 \\text{ for an invertible } X",
    "text": "A = 0 ⇒ XAX = 0 for an invertible X",
    "cookbook": ""
  },
  "multiply-left": {
    "name": "multiply through",
    "latex": "A = 0 \\Rightarrow XA = 0 \\text{ for an invertible } X",
    "text": "A = 0 ⇒ XA = 0 for an invertible X",
    "cookbook": ""
  },
  "multiply-right": {
    "name": "multiply through",
    "latex": "A = 0 \\Rightarrow AX = 0 \\text{ for an invertible } X",
    "text": "A = 0 ⇒ AX = 0 for an invertible X",
    "cookbook": ""
  },
  "neg": {
    "name": "sum rule",
    "latex": "\\mathrm{d}(-X) = -\\mathrm{d}X",
    "text": "d(-X) = -dX",
    "cookbook": ""
  },
  "norm1": {
    "name": "1-norm",
    "latex": "\\mathrm{d}\\lVert X\\rVert_1 = \\operatorname{sum}(\\operatorname{sign}(X) \\odot \\mathrm{d}X)",
    "text": "d‖X‖₁ = sum(sign(X) ⊙ dX)",
    "cookbook": ""
  },
  "norm2": {
    "name": "Euclidean norm",
    "latex": "\\mathrm{d}\\lVert X\\rVert = \\lVert X\\rVert^{-1}\\operatorname{tr}(X^{T}\\,\\mathrm{d}X)",
    "text": "d‖X‖ = ‖X‖⁻¹ tr(Xᵀ dX)",
    "cookbook": ""
  },
  "number-power": {
    "name": "number out of a power",
    "latex": "(c\\,a)^{k} = c^{k} a^{k}",
    "text": "(c a)^k = c^k a^k",
    "cookbook": ""
  },
  "ones": {
    "name": "Hadamard product with ones",
    "latex": "A \\odot (\\mathbf{1} - B) = A - A \\odot B",
    "text": "A ⊙ (𝟏 - B) = A - A ⊙ B",
    "cookbook": ""
  },
  "ones-outer": {
    "name": "all-ones outer product",
    "latex": "\\mathbf{1}\\mathbf{1}^{T} \\odot A = A",
    "text": "𝟏𝟏ᵀ ⊙ A = A",
    "cookbook": ""
  },
  "out-of-sum": {
    "name": "out of the sum",
    "latex": "\\sum_{i} A_{i} B = \\Big(\\sum_{i} A_{i}\\Big) B,\\ \\sum_{i} c = N c",
    "text": "Σ_i A_i B = (Σ_i A_i) B, Σ_i c = N c",
    "cookbook": ""
  },
  "outer": {
    "name": "outer function",
    "latex": "\\mathrm{d}g(U) = \\operatorname{tr}\\left(\\frac{\\partial g}{\\partial U}^{T}\\,\\mathrm{d}U\\right)",
    "text": "dg(U) = tr((∂g/∂U)ᵀ dU)",
    "cookbook": ""
  },
  "outer-derivative": {
    "name": "derivative of the outer function",
    "latex": "\\mathrm{d}\\,\\nabla^{k} g(U)[V] = \\nabla^{k+1} g(U)[V, \\mathrm{d}U] + \\nabla^{k} g(U)[\\mathrm{d}V]",
    "text": "d ∇^k g(U)[V] = ∇^k+1 g(U)[V, dU] + ∇^k g(U)[dV]",
    "cookbook": ""
  },
  "partial": {
    "name": "partial derivative",
    "latex": "\\frac{\\partial f}{\\partial y_{j}} = \\frac{\\mathrm{d}f}{\\mathrm{d}y_{j}} \\text{ with the other entries constant}",
    "text": "∂f/∂y_j = df/dy_j with the other entries constant",
    "cookbook": ""
  },
  "power": {
    "name": "power rule",
    "latex": "\\mathrm{d}(u^{p}) = p\\,u^{p-1}\\,\\mathrm{d}u",
    "text": "d(uᵖ) = p uᵖ⁻¹ du",
    "cookbook": ""
  },
  "powers": {
    "name": "powers of a scalar",
    "latex": "a^{p}\\,a^{q} = a^{p+q},\\ \\sqrt{a} = a^{1/2}",
    "text": "aᵖ a^q = a^p+q, √a = a^1/2",
    "cookbook": ""
  },
  "product": {
    "name": "product rule",
    "latex": "\\mathrm{d}(XY) = (\\mathrm{d}X)Y + X\\,\\mathrm{d}Y",
    "text": "d(XY) = (dX)Y + X dY",
    "cookbook": ""
  },
  "pull-number": {
    "name": "linearity",
    "latex": "\\sum_{i} c\\,a_{i} = c\\sum_{i} a_{i}",
    "text": "Σ_i c a_i = cΣ_i a_i",
    "cookbook": ""
  },
  "pull-scalar": {
    "name": "linearity",
    "latex": "\\operatorname{tr}(cA) = c\\operatorname{tr}(A) \\text{ for a scalar } c",
    "text": "tr(cA) = c tr(A) for a scalar c",
    "cookbook": ""
  },
  "read-off": {
    "name": "read off",
    "latex": "\\mathrm{d}f = \\operatorname{tr}\\left(\\frac{\\partial f}{\\partial X}^{T}\\,\\mathrm{d}X\\right)",
    "text": "df = tr((∂f/∂X)ᵀ dX)",
    "cookbook": ""
  },
  "read-off-by-scalar": {
    "name": "read off",
    "latex": "\\mathrm{d}F = G\\,\\mathrm{d}x \\Rightarrow \\frac{\\partial F}{\\partial x} = G",
    "text": "dF = G dx ⇒ ∂F/∂x = G",
    "cookbook": ""
  },
  "read-off-jacobian": {
    "name": "read off",
    "latex": "\\mathrm{d}\\operatorname{vec}F = J\\,\\mathrm{d}\\operatorname{vec}X \\Rightarrow \\frac{\\partial \\operatorname{vec}F}{\\partial (\\operatorname{vec}X)^{T}} = J",
    "text": "d vec F = J d vec X ⇒ ∂vec F/∂(vec X)ᵀ = J",
    "cookbook": ""
  },
  "read-off-scalar": {
    "name": "read off",
    "latex": "\\mathrm{d}f = f'(x)\\,\\mathrm{d}x",
    "text": "df = f′(x) dx",
    "cookbook": ""
  },
  "read-off-vector": {
    "name": "read off",
    "latex": "\\mathrm{d}f = \\frac{\\partial f}{\\partial \\boldsymbol{x}}^{T}\\,\\mathrm{d}\\boldsymbol{x}",
    "text": "df = (∂f/∂x)ᵀ dx",
    "cookbook": ""
  },
  "rewrites-softmax": {
    "name": "softmax Jacobian times a vector",
    "latex": "(\\operatorname{diag}(s) - s s^{T})\\,v = s \\odot v - s\\,(s^{T} v)",
    "text": "(diag(s) - s sᵀ) v = s ⊙ v - s (sᵀ v)",
    "cookbook": ""
  },
  "row-outside": {
    "name": "linearity",
    "latex": "c\\sum_{i} \\boldsymbol{g}_{i}^{T}\\mathrm{d}\\boldsymbol{x} = \\left(c\\sum_{i} \\boldsymbol{g}_{i}^{T}\\right)\\mathrm{d}\\boldsymbol{x}",
    "text": "cΣ_i g_iᵀdx = (cΣ_i g_iᵀ)dx",
    "cookbook": ""
  },
  "sample-covariance": {
    "name": "sample covariance",
    "latex": "S = \\frac{1}{N}\\sum_{i} (\\boldsymbol{x}_{i} - \\bar{\\boldsymbol{x}})(\\boldsymbol{x}_{i} - \\bar{\\boldsymbol{x}})^{T}",
    "text": "S = 1/NΣ_i (x_i - x̄)(x_i - x̄)ᵀ",
    "cookbook": ""
  },
  "sample-mean": {
    "name": "sample mean",
    "latex": "\\sum_{i} \\boldsymbol{x}_{i} = N\\bar{\\boldsymbol{x}}",
    "text": "Σ_i x_i = Nx̄",
    "cookbook": ""
  },
  "scalar-abs": {
    "name": "chain rule (abs)",
    "latex": "\\mathrm{d}\\operatorname{abs}(u) = \\operatorname{sign}(u)\\,\\mathrm{d}u",
    "text": "d abs(u) = sign(u) du",
    "cookbook": ""
  },
  "scalar-arccos": {
    "name": "chain rule (arccos)",
    "latex": "\\mathrm{d}\\arccos(u) = (-(1 - u^{2})^{-1/2})\\,\\mathrm{d}u",
    "text": "d arccos(u) = (-(1 - u²)^-1/2) du",
    "cookbook": ""
  },
  "scalar-arcsin": {
    "name": "chain rule (arcsin)",
    "latex": "\\mathrm{d}\\arcsin(u) = ((1 - u^{2})^{-1/2})\\,\\mathrm{d}u",
    "text": "d arcsin(u) = ((1 - u²)^-1/2) du",
    "cookbook": ""
  },
  "scalar-arctan": {
    "name": "chain rule (arctan)",
    "latex": "\\mathrm{d}\\arctan(u) = ((1 + u^{2})^{-1})\\,\\mathrm{d}u",
    "text": "d arctan(u) = ((1 + u²)⁻¹) du",
    "cookbook": ""
  },
  "scalar-commute": {
    "name": "scalars commute",
    "latex": "(\\boldsymbol{u}^{T}\\mathrm{d}\\boldsymbol{x})\\,c = c\\,\\boldsymbol{u}^{T}\\mathrm{d}\\boldsymbol{x} \\text{ for a scalar } c",
    "text": "(uᵀdx) c = c uᵀdx for a scalar c",
    "cookbook": ""
  },
  "scalar-cos": {
    "name": "chain rule (cos)",
    "latex": "\\mathrm{d}\\cos(u) = -\\sin(u)\\,\\mathrm{d}u",
    "text": "d cos(u) = -sin(u) du",
    "cookbook": ""
  },
  "scalar-exp": {
    "name": "chain rule (exp)",
    "latex": "\\mathrm{d}\\exp(u) = \\exp(u)\\,\\mathrm{d}u",
    "text": "d exp(u) = exp(u) du",
    "cookbook": ""
  },
  "scalar-log": {
    "name": "chain rule (log)",
    "latex": "\\mathrm{d}\\log(u) = u^{-1}\\,\\mathrm{d}u",
    "text": "d log(u) = u⁻¹ du",
    "cookbook": ""
  },
  "scalar-one": {
    "name": "a 1×1 all-ones matrix",
    "latex": "\\mathbf{1} = 1 \\text{ for a scalar } \\mathbf{1}",
    "text": "𝟏 = 1 for a scalar 𝟏",
    "cookbook": ""
  },
  "scalar-relu": {
    "name": "chain rule (relu)",
    "latex": "\\mathrm{d}\\operatorname{relu}(u) = \\operatorname{step}(u)\\,\\mathrm{d}u",
    "text": "d relu(u) = step(u) du",
    "cookbook": ""
  },
  "scalar-sigmoid": {
    "name": "chain rule (sigmoid)",
    "latex": "\\mathrm{d}\\sigma(u) = (\\sigma(u) \\cdot (1 - \\sigma(u)))\\,\\mathrm{d}u",
    "text": "dσ(u) = (σ(u) · (1 - σ(u))) du",
    "cookbook": ""
  },
  "scalar-sign": {
    "name": "chain rule (sign)",
    "latex": "\\mathrm{d}\\operatorname{sign}(u) = 0\\,\\mathrm{d}u",
    "text": "d sign(u) = 0 du",
    "cookbook": ""
  },
  "scalar-sin": {
    "name": "chain rule (sin)",
    "latex": "\\mathrm{d}\\sin(u) = \\cos(u)\\,\\mathrm{d}u",
    "text": "d sin(u) = cos(u) du",
    "cookbook": ""
  },
  "scalar-sqrt": {
    "name": "chain rule (sqrt)",
    "latex": "\\mathrm{d}\\sqrt{u} = \\tfrac{1}{2}\\sqrt{u}^{-1}\\,\\mathrm{d}u",
    "text": "d√u = ½√u⁻¹ du",
    "cookbook": ""
  },
  "scalar-step": {
    "name": "chain rule (step)",
    "latex": "\\mathrm{d}\\operatorname{step}(u) = 0\\,\\mathrm{d}u",
    "text": "d step(u) = 0 du",
    "cookbook": ""
  },
  "scalar-sum": {
    "name": "sum and trace of a scalar",
    "latex": "\\operatorname{sum}(a) = \\operatorname{tr}(a) = a \\text{ for a scalar } a",
    "text": "sum(a) = tr(a) = a for a scalar a",
    "cookbook": ""
  },
  "scalar-tan": {
    "name": "chain rule (tan)",
    "latex": "\\mathrm{d}\\tan(u) = \\cos(u)^{-2}\\,\\mathrm{d}u",
    "text": "d tan(u) = cos(u)⁻² du",
    "cookbook": ""
  },
  "scalar-tanh": {
    "name": "chain rule (tanh)",
    "latex": "\\mathrm{d}\\tanh(u) = (1 - \\tanh(u)^{2})\\,\\mathrm{d}u",
    "text": "d tanh(u) = (1 - tanh(u)²) du",
    "cookbook": ""
  },
  "scalar-trace": {
    "name": "scalar equals its trace",
    "latex": "a = \\operatorname{tr}(a)",
    "text": "a = tr(a)",
    "cookbook": ""
  },
  "scalar-transpose": {
    "name": "transpose of a scalar",
    "latex": "a^{T} = a \\text{ for a scalar } a",
    "text": "aᵀ = a for a scalar a",
    "cookbook": ""
  },
  "set-zero": {
    "name": "stationary point",
    "latex": "\\frac{\\partial f}{\\partial X} = 0",
    "text": "∂f/∂X = 0",
    "cookbook": ""
  },
  "shared-out": {
    "name": "factor out of the sum",
    "latex": "\\sum_{i} A M_{i} B = A\\left(\\sum_{i} M_{i}\\right)B \\text{ for } A, B \\text{ shared}",
    "text": "Σ_i A M_i B = A(Σ_i M_i)B for A, B shared",
    "cookbook": ""
  },
  "shared-term": {
    "name": "sum of a shared term",
    "latex": "\\sum_{i=1}^{N} c = N c",
    "text": "Σ_i=1^N c = N c",
    "cookbook": ""
  },
  "sign": {
    "name": "order of terms",
    "latex": "-b + a = a - b",
    "text": "-b + a = a - b",
    "cookbook": ""
  },
  "sign-times": {
    "name": "sign times its argument",
    "latex": "\\operatorname{sign}(a)\\,a = \\operatorname{abs}(a)",
    "text": "sign(a) a = abs(a)",
    "cookbook": ""
  },
  "softmax-definition": {
    "name": "softmax",
    "latex": "\\exp(\\boldsymbol{u}) / \\operatorname{sum}(\\exp(\\boldsymbol{u})) = \\operatorname{softmax}(\\boldsymbol{u})",
    "text": "exp(u) / sum(exp(u)) = softmax(u)",
    "cookbook": ""
  },
  "softmax-softmax": {
    "name": "softmax",
    "latex": "\\mathrm{d}\\operatorname{softmax}(\\boldsymbol{u}) = (\\operatorname{diag}(\\boldsymbol{p}) - \\boldsymbol{p}\\,\\boldsymbol{p}^{T})\\,\\mathrm{d}\\boldsymbol{u},\\ \\boldsymbol{p} = \\operatorname{softmax}(\\boldsymbol{u})",
    "text": "d softmax(u) = (diag(p) - p pᵀ) du, p = softmax(u)",
    "cookbook": ""
  },
  "solve": {
    "name": "solve",
    "latex": "A\\hat{X} = B \\Rightarrow \\hat{X} = A^{-1}B",
    "text": "AX̂ = B ⇒ X̂ = A⁻¹B",
    "cookbook": ""
  },
  "squared-norm": {
    "name": "squared norm",
    "latex": "\\lVert \\boldsymbol{u}\\rVert^2 = \\boldsymbol{u}^{T}\\boldsymbol{u},\\ \\lVert U\\rVert_F^2 = \\operatorname{tr}(U^{T}U)",
    "text": "‖u‖² = uᵀu, ‖U‖_F² = tr(UᵀU)",
    "cookbook": ""
  },
  "substitute": {
    "name": "substitute",
    "latex": "\\mathrm{d}Y = \\mathrm{d}\\,Y(X)",
    "text": "dY = d Y(X)",
    "cookbook": ""
  },
  "substitute-gradient": {
    "name": "substitute the outer derivative",
    "latex": "\\frac{\\partial f}{\\partial Y} \\text{ from } f(Y)",
    "text": "∂f/∂Y from f(Y)",
    "cookbook": ""
  },
  "sum": {
    "name": "sum rule",
    "latex": "\\mathrm{d}(X \\pm Y) = \\mathrm{d}X \\pm \\mathrm{d}Y",
    "text": "d(X ± Y) = dX ± dY",
    "cookbook": ""
  },
  "sum-all": {
    "name": "sum of entries",
    "latex": "\\mathrm{d}\\operatorname{sum}(X) = \\operatorname{sum}(\\mathrm{d}X)",
    "text": "d sum(X) = sum(dX)",
    "cookbook": ""
  },
  "sum-of-constant": {
    "name": "sum of a constant",
    "latex": "\\sum_{i=1}^{M} c = M c",
    "text": "Σ_i=1^M c = M c",
    "cookbook": ""
  },
  "sum-over-samples": {
    "name": "sum over samples",
    "latex": "\\mathrm{d}\\sum_{i} f_{i} = \\sum_{i} \\mathrm{d}f_{i}",
    "text": "dΣ_i f_i = Σ_i df_i",
    "cookbook": ""
  },
  "sum-trick": {
    "name": "sum as a trace",
    "latex": "\\operatorname{sum}(A) = \\operatorname{tr}(\\mathbf{1}^{T}A)",
    "text": "sum(A) = tr(𝟏ᵀA)",
    "cookbook": ""
  },
  "sym-gradient": {
    "name": "symmetric convention (sym)",
    "latex": "\\frac{\\partial f}{\\partial S} = \\frac{1}{2}\\left(G + G^{T}\\right)",
    "text": "∂f/∂S = ½(G + Gᵀ)",
    "cookbook": ""
  },
  "sym-hessian": {
    "name": "symmetric convention (sym)",
    "latex": "\\frac{\\partial^2 f}{\\partial \\operatorname{vec} S\\,\\partial (\\operatorname{vec} S)^{T}} = \\frac{1}{4}\\,(I + K)\\,H\\,(I + K)",
    "text": "∂²f/∂vec S ∂(vec S)ᵀ = ¼ (I + K) H (I + K)",
    "cookbook": ""
  },
  "sym-jacobian": {
    "name": "symmetric convention (sym)",
    "latex": "\\frac{\\partial \\operatorname{vec} F}{\\partial (\\operatorname{vec} S)^{T}} = \\frac{1}{2}\\,J\\,(I + K)",
    "text": "∂vec F/∂(vec S)ᵀ = ½ J (I + K)",
    "cookbook": ""
  },
  "symmetric": {
    "name": "symmetric",
    "latex": "S^{T} = S",
    "text": "Sᵀ = S",
    "cookbook": ""
  },
  "symmetric-inverse": {
    "name": "symmetric",
    "latex": "S^{T} = S,\\quad S^{-T} = S^{-1}",
    "text": "Sᵀ = S, S⁻ᵀ = S⁻¹",
    "cookbook": ""
  },
  "take": {
    "name": "take the differential",
    "latex": "",
    "text": "",
    "cookbook": ""
  },
  "take-vec": {
    "name": "vectorise",
    "latex": "\\mathrm{d}\\operatorname{vec}(F) = \\operatorname{vec}(\\mathrm{d}F)",
    "text": "d vec(F) = vec(dF)",
    "cookbook": ""
  },
  "trace": {
    "name": "trace",
    "latex": "\\mathrm{d}\\operatorname{tr}(X) = \\operatorname{tr}(\\mathrm{d}X)",
    "text": "d tr(X) = tr(dX)",
    "cookbook": ""
  },
  "trace-kron-left": {
    "name": "trace of a Kronecker product",
    "latex": "\\operatorname{tr}(L(M \\otimes B)) = \\operatorname{tr}(GM),\\ G = (I_n \\otimes \\operatorname{vec}(I_q)^{T})(L \\otimes I_q)(I_m \\otimes \\operatorname{vec}(B^{T})) \\text{ for } M\\ m \\times n,\\ B\\ p \\times q",
    "text": "tr(L(M ⊗ B)) = tr(GM), G = (I_n ⊗ vec(I_q)ᵀ)(L ⊗ I_q)(I_m ⊗ vec(Bᵀ)) for M m × n, B p × q",
    "cookbook": ""
  },
  "trace-kron-right": {
    "name": "trace of a Kronecker product",
    "latex": "\\operatorname{tr}(L(A \\otimes M)) = \\operatorname{tr}(GM),\\ G = (\\operatorname{vec}(I_n)^{T} \\otimes I_q)(I_n \\otimes L)(\\operatorname{vec}(A) \\otimes I_p) \\text{ for } A\\ m \\times n,\\ M\\ p \\times q",
    "text": "tr(L(A ⊗ M)) = tr(GM), G = (vec(I_n)ᵀ ⊗ I_q)(I_n ⊗ L)(vec(A) ⊗ I_p) for A m × n, M p × q",
    "cookbook": ""
  },
  "trace-outside": {
    "name": "linearity",
    "latex": "c\\sum_{i} \\operatorname{tr}(G_{i}\\,\\mathrm{d}X) = \\operatorname{tr}\\left(c\\sum_{i} G_{i}\\,\\mathrm{d}X\\right)",
    "text": "cΣ_i tr(G_i dX) = tr(cΣ_i G_i dX)",
    "cookbook": ""
  },
  "tracetricks-combine": {
    "name": "linearity",
    "latex": "\\operatorname{tr}(A\\,\\mathrm{d}X) + \\operatorname{tr}(B\\,\\mathrm{d}X) = \\operatorname{tr}((A + B)\\,\\mathrm{d}X)",
    "text": "tr(A dX) + tr(B dX) = tr((A + B) dX)",
    "cookbook": ""
  },
  "transpose": {
    "name": "transpose",
    "latex": "\\mathrm{d}(X^{T}) = (\\mathrm{d}X)^{T}",
    "text": "d(Xᵀ) = (dX)ᵀ",
    "cookbook": ""
  },
  "transpose-both": {
    "name": "transpose both sides",
    "latex": "A^{T} = 0 \\Leftrightarrow A = 0",
    "text": "Aᵀ = 0 ⇔ A = 0",
    "cookbook": ""
  },
  "transpose-trick": {
    "name": "transpose",
    "latex": "\\operatorname{tr}(A^{T}) = \\operatorname{tr}(A)",
    "text": "tr(Aᵀ) = tr(A)",
    "cookbook": ""
  },
  "vec": {
    "name": "vec",
    "latex": "\\mathrm{d}\\operatorname{vec}(X) = \\operatorname{vec}(\\mathrm{d}X)",
    "text": "d vec(X) = vec(dX)",
    "cookbook": ""
  },
  "vec-combine": {
    "name": "linearity",
    "latex": "A\\operatorname{vec}(\\mathrm{d}X) + B\\operatorname{vec}(\\mathrm{d}X) = (A + B)\\operatorname{vec}(\\mathrm{d}X)",
    "text": "A vec(dX) + B vec(dX) = (A + B) vec(dX)",
    "cookbook": ""
  },
  "vec-diag": {
    "name": "vec of a diag product",
    "latex": "\\operatorname{vec}(A\\operatorname{diag}(\\boldsymbol{u})B) = ((B^{T} \\otimes \\mathbf{1}) \\odot (\\mathbf{1} \\otimes A))\\boldsymbol{u}",
    "text": "vec(A diag(u)B) = ((Bᵀ ⊗ 𝟏) ⊙ (𝟏 ⊗ A))u",
    "cookbook": ""
  },
  "vec-hadamard": {
    "name": "vec of a Hadamard product",
    "latex": "\\operatorname{vec}(A \\odot X) = \\operatorname{diag}(\\operatorname{vec} A)\\operatorname{vec}(X)",
    "text": "vec(A ⊙ X) = diag(vec A) vec(X)",
    "cookbook": ""
  },
  "vec-inner": {
    "name": "vec inner product",
    "latex": "\\operatorname{vec}(A)^{T}\\operatorname{vec}(B) = \\operatorname{tr}(A^{T}B)",
    "text": "vec(A)ᵀ vec(B) = tr(AᵀB)",
    "cookbook": ""
  },
  "vec-inner-reshaped": {
    "name": "vec inner product",
    "latex": "\\operatorname{vec}(A)^{T}\\operatorname{vec}(B) = \\operatorname{tr}(C^{T}B),\\ C = (\\operatorname{vec}(I_{c})^{T} \\otimes I_{r})(I_{c} \\otimes \\operatorname{vec}(A))\\text{ for an } r \\times c \\text{ matrix } B",
    "text": "vec(A)ᵀ vec(B) = tr(CᵀB), C = (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ vec(A)) for an r × c matrix B",
    "cookbook": ""
  },
  "vec-kron": {
    "name": "vec of a Kronecker product",
    "latex": "\\operatorname{vec}(A \\otimes B) = (I_n \\otimes K_{qm} \\otimes I_p)(\\operatorname{vec}A \\otimes \\operatorname{vec}B) \\text{ for } A\\ m \\times n,\\ B\\ p \\times q",
    "text": "vec(A ⊗ B) = (I_n ⊗ K_qm ⊗ I_p)(vec A ⊗ vec B) for A m × n, B p × q",
    "cookbook": ""
  },
  "vec-linear": {
    "name": "linearity of vec",
    "latex": "\\operatorname{vec}(A + B) = \\operatorname{vec}(A) + \\operatorname{vec}(B),\\ \\operatorname{vec}(cA) = c\\operatorname{vec}(A)",
    "text": "vec(A + B) = vec(A) + vec(B), vec(cA) = c vec(A)",
    "cookbook": ""
  },
  "vec-product": {
    "name": "vec of a product",
    "latex": "\\operatorname{vec}(AXB) = (B^{T} \\otimes A)\\operatorname{vec}(X)",
    "text": "vec(AXB) = (Bᵀ ⊗ A) vec(X)",
    "cookbook": "(520)"
  },
  "vec-row": {
    "name": "vec of a row",
    "latex": "\\operatorname{vec}(\\boldsymbol{x}^{T}) = \\boldsymbol{x}",
    "text": "vec(xᵀ) = x",
    "cookbook": ""
  },
  "vec-samples": {
    "name": "vec of a sum over samples",
    "latex": "\\operatorname{vec}\\left(\\sum_{i} F_{i}\\right) = \\sum_{i} \\operatorname{vec}(F_{i}) = \\left(\\sum_{i} J_{i}\\right)\\operatorname{vec}(\\mathrm{d}X)",
    "text": "vec(Σ_i F_i) = Σ_i vec(F_i) = (Σ_i J_i) vec(dX)",
    "cookbook": ""
  },
  "vec-scalar": {
    "name": "vec of a scalar multiple",
    "latex": "\\operatorname{vec}(A\\,s) = \\operatorname{vec}(A)\\,s \\text{ with } s = \\operatorname{tr}(G\\,\\mathrm{d}X) = \\operatorname{vec}(G^{T})^{T}\\operatorname{vec}(\\mathrm{d}X)",
    "text": "vec(A s) = vec(A) s with s = tr(G dX) = vec(Gᵀ)ᵀ vec(dX)",
    "cookbook": ""
  },
  "vec-transpose": {
    "name": "commutation matrix",
    "latex": "\\operatorname{vec}(X^{T}) = K\\operatorname{vec}(X)",
    "text": "vec(Xᵀ) = K vec(X)",
    "cookbook": ""
  },
  "vec-unvec": {
    "name": "vec inner product",
    "latex": "\\boldsymbol{a}^{T}\\operatorname{vec}(B) = \\operatorname{tr}(C^{T}B),\\ C = (\\operatorname{vec}(I_{c})^{T} \\otimes I_{r})(I_{c} \\otimes \\boldsymbol{a})\\text{ for an } r \\times c \\text{ matrix } B",
    "text": "aᵀ vec(B) = tr(CᵀB), C = (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ a) for an r × c matrix B",
    "cookbook": ""
  },
  "vec-vec": {
    "name": "vec of a vector",
    "latex": "\\operatorname{vec}(\\operatorname{vec}(X)) = \\operatorname{vec}(X)",
    "text": "vec(vec(X)) = vec(X)",
    "cookbook": ""
  },
  "vec-vector": {
    "name": "vec of a product",
    "latex": "\\operatorname{vec}(A\\boldsymbol{x}) = A\\boldsymbol{x} \\text{ for a column } A\\boldsymbol{x}",
    "text": "vec(Ax) = Ax for a column Ax",
    "cookbook": ""
  }
} as const satisfies Record<string, IIdentity>;

export type IdentityId = keyof typeof IDENTITIES;
