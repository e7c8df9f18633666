"""The names and numbers the generator draws from: variables (some named like Python built-ins or
the export's own locals), size symbols, numbers (a few extreme ones) and the functions safe anywhere."""

SYMBOLS = ("m", "n", "p", "q")

SCALAR_NAMES = ("s", "t", "alpha", "lam", "c0", "r", "k", "mu", "g")
VECTOR_NAMES = ("a", "b", "c", "x", "y", "z", "u", "v", "w", "d", "e", "beta", "h1")
MATRIX_NAMES = ("A", "B", "C", "X", "Y", "W", "M", "P", "Q", "L", "U", "V", "Z", "K", "D")
SYMMETRIC_NAMES = ("S", "Sigma", "H", "T", "R", "Omega")
# names that are easy to get wrong in generated Python: built-ins, keywords, NumPy, the export's
# own local names, the size symbols
HAZARD_NAMES = (
    "float",
    "max",
    "min",
    "np",
    "int",
    "len",
    "range",
    "value",
    "gradient",
    "jacobian",
    "hessian",
    "rng",
    "step",
    "numeric",
    "seed",
    "draw",
    "shape",
    "t0",
    "t1",
    "idx",
    "error",
    "expected",
    "got",
    "scale",
    "positive",
    "print",
    "list",
    "dict",
    "type",
    "lambda",
    "def",
    "in",
    "is",
    "if",
    "for",
    "not",
    "and",
    "or",
    "class",
    "return",
    "None",
    "True",
    "False",
    "pass",
    "import",
    "math",
    "assert",
    "self",
    "entry",
    "derivative",
    "vecf",
    "f",
    "I",
    "pi",
    "inf",
    "nan",
    "m",
    "n",
    "h",
    "STRATEGIES",
    "random_inputs",
    "f_and_grad",
    "f_and_jacobian",
    "check_gradient",
    "object",
    "str",
)

POSITIVE_NUMBERS = ("1", "2", "3", "0.5", "1.5", "0.25", "4", "10", "0.1", "1e-3", ".5", "2e0")
NUMBERS = (*POSITIVE_NUMBERS, "0")
EXTREME_NUMBERS = ("1e300", "1e-300", "1e10", "1e-10", "1e8")
SAFE_FUNCTIONS = ("sin", "cos", "tanh", "sigmoid", "relu", "abs", "arctan", "exp")
