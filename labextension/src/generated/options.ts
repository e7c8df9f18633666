// Generated from matdiff_magic/options.py by labextension/scripts/generate.py: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py`.

/** Every option of the magic: whether it always takes a value, may take one (--export [jax]) or never does. */
export const OPTIONS = {
  "--wrt": "value",
  "-w": "value",
  "--layout": "value",
  "-l": "value",
  "--no-check": "flag",
  "-o": "value",
  "--output": "value",
  "--order": "value",
  "-i": "flag",
  "--interactive": "flag",
  "--graph": "flag",
  "--at": "value",
  "--mode": "value",
  "--seed": "value",
  "--timeout": "value",
  "--by-definition": "flag",
  "--solve": "flag",
  "--export": "optional",
  "--from": "value",
  "--symmetric": "value",
  "--lang": "value",
  "--latex": "flag",
  "--adjugate": "flag"
} as const;

/** The values an option chooses among (coloured as values). */
export const OPTION_CHOICES = {
  "--layout": [
    "numerator",
    "denominator",
    "mixed"
  ],
  "-l": [
    "numerator",
    "denominator",
    "mixed"
  ],
  "--mode": [
    "forward",
    "reverse",
    "both"
  ],
  "--symmetric": [
    "independent",
    "sym",
    "minka"
  ],
  "--export": [
    "numpy",
    "jax",
    "torch"
  ],
  "--lang": [
    "en",
    "zh"
  ]
} as const;

/** The options whose value names a variable or an output. */
export const NAME_OPTIONS = [
  "--wrt",
  "-w",
  "-o",
  "--output"
] as const;
