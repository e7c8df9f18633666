"""Write the lab extension's generated TypeScript (labextension/src/generated/) from its sources.

From the Python package (this script, no node needed):
  vocabulary.ts   functions, aliases, kinds and constants (matdiff_magic.syntax.vocabulary)
  identities.ts   every identity the derivations apply (matdiff_magic.ops.identity.catalogue)
  cheatsheet.ts   the cheat sheet's sections, rules and examples (matdiff_magic.render.cheatsheet)
  options.ts      the magic's options, the values they choose among (matdiff_magic.options)
From the JSON schema (matdiff_magic/schema/derivation.v1.schema.json, by
scripts/generate-contract.mjs through jlpm; needs `jlpm install` in labextension/):
  contract.ts     the contract's types (json-schema-to-typescript)
  validate.js     the renderer's validator (ajv standalone code)

Usage: .venv/bin/python labextension/scripts/generate.py [--check] [--python-only]
  --check        write nothing; exit 1 with a summary of the differences when a file is out of date
  --python-only  only the files generated from the Python package
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

LAB = Path(__file__).resolve().parent.parent
REPO = LAB.parent
OUT = LAB / "src" / "generated"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

HEADER = ("// Generated from {source} by labextension/scripts/generate.py: do not edit.\n"
          "// Regenerate with `.venv/bin/python labextension/scripts/generate.py`.\n")


def ts(value) -> str:
    """A JSON value as TypeScript source (JSON is valid TypeScript)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def vocabulary_ts() -> str:
    from matdiff_magic.syntax import vocabulary as v

    return HEADER.format(source="matdiff_magic/syntax/vocabulary.py") + f"""
/** The kinds a declaration can give a variable (`A: matrix(m, n)`). */
export const KINDS = {ts(list(v.KINDS))} as const;

/** Element-wise functions: applied entry by entry; on a scalar, ordinary functions. */
export const ELEMENTWISE = {ts(list(v.ELEMENTWISE))} as const;

/** Other names of element-wise functions, and the function each names. */
export const ALIASES = {ts(v.ALIASES)} as const;

/** Matrix functions, with their number of arguments. */
export const MATRIX_FUNCTIONS = {ts(v.MATRIX_FUNCTIONS)} as const;

/** Constants, with their fewest and most arguments (the fill value, then sizes that are otherwise inferred). */
export const CONSTANTS = {ts(v.CONSTANTS)} as const;

/** Every function name of the language: the above, aliases included. */
export const FUNCTIONS = {ts(sorted(v.FUNCTIONS))} as const;
"""


def identities_ts() -> str:
    from matdiff_magic.ops.identity import catalogue

    records = {key: {"name": i.name, "latex": i.latex, "text": i.text, "cookbook": i.cookbook}
               for key, i in catalogue().items()}
    return HEADER.format(source="matdiff_magic.ops.identity.catalogue()") + f"""
/** An identity a derivation step can apply, in general form. */
export interface IIdentity {{
  /** The rule's short name, as a step shows it (e.g. 'product rule'). */
  readonly name: string;
  /** The identity as TeX ('' when the step has none). */
  readonly latex: string;
  /** The identity as readable Unicode. */
  readonly text: string;
  /** Its equation number in the Matrix Cookbook (Petersen & Pedersen, 2012), e.g. '(59)', or ''. */
  readonly cookbook: string;
}}

/** Every identity the package can apply, by stable id. */
export const IDENTITIES = {ts(records)} as const satisfies Record<string, IIdentity>;

export type IdentityId = keyof typeof IDENTITIES;
"""


def cheatsheet_ts() -> str:
    from matdiff_magic.ops.identity import catalogue
    from matdiff_magic.render import cheatsheet

    known = catalogue()
    unknown = [i for i in cheatsheet.identity_ids() if i not in known]
    if unknown:
        raise SystemExit(f"matdiff_magic/render/cheatsheet.py names unknown identities: {', '.join(unknown)}")
    return HEADER.format(source="matdiff_magic/render/cheatsheet.py") + f"""
import type {{ IdentityId }} from './identities';

export interface ICheatSheetRule {{
  /** Stable: the panel's data-rule attribute and its Insert button's. */
  readonly id: string;
  readonly title: string;
  /** The identities it shows, one per line. */
  readonly identities: readonly IdentityId[];
  /** A %%matdiff cell that applies the rule. */
  readonly example: string;
}}

export interface ICheatSheetSection {{
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  readonly rules: readonly ICheatSheetRule[];
}}

/** The shape of ∂y/∂x in each layout. */
export interface ILayoutRow {{
  readonly id: string;
  readonly short: string;
  readonly tex: string;
  readonly text: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly mixed: string;
}}

export interface ICheatSheet {{
  readonly title: string;
  readonly intro: string;
  /** The cell inserted by "Insert %%matdiff cell". */
  readonly defaultExample: string;
  readonly sections: readonly ICheatSheetSection[];
  readonly layouts: {{
    readonly title: string;
    readonly intro: string;
    readonly example: string;
    readonly rows: readonly ILayoutRow[];
  }};
}}

export const CHEATSHEET: ICheatSheet = {ts(cheatsheet.to_json())};
"""


def options_ts() -> str:
    from matdiff_magic import options as o

    return HEADER.format(source="matdiff_magic/options.py") + f"""
/** Every option of the magic: whether it always takes a value, may take one (--export [jax]) or never does. */
export const OPTIONS = {ts(o.option_values())} as const;

/** The values an option chooses among (coloured as values). */
export const OPTION_CHOICES = {ts({k: list(v) for k, v in o.OPTION_CHOICES.items()})} as const;

/** The options whose value names a variable or an output. */
export const NAME_OPTIONS = {ts(list(o.NAME_OPTIONS))} as const;
"""


PYTHON_FILES = {
    "vocabulary.ts": vocabulary_ts,
    "options.ts": options_ts,
    "identities.ts": identities_ts,
    "cheatsheet.ts": cheatsheet_ts,
}


def jlpm() -> str:
    for candidate in (Path(sys.executable).parent / "jlpm", REPO / ".venv" / "bin" / "jlpm"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("jlpm")
    if found is None:
        raise SystemExit("jlpm not found (it comes with jupyterlab): cannot generate the contract files")
    return found


def summary(name: str, old: str | None, new: str, limit: int = 12) -> str:
    if old is None:
        return f"labextension/src/generated/{name}: missing"
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"{name} (on disk)",
                                     f"{name} (generated)", n=0, lineterm=""))
    changed = sum(1 for line in diff[2:] if line[:1] in "+-")
    shown = "\n".join("    " + line for line in diff[:limit])
    more = f"\n    … {len(diff) - limit} more diff lines" if len(diff) > limit else ""
    return f"labextension/src/generated/{name}: out of date ({changed} lines differ)\n{shown}{more}"


def run(check: bool, python_only: bool) -> int:
    """Generate (or check) the files; returns the exit status."""
    stale = []
    for name, make in PYTHON_FILES.items():
        path = OUT / name
        new = make()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == new:
            continue
        if check:
            stale.append(summary(name, old, new))
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    for text in stale:
        print(text, file=sys.stderr)
    status = 1 if stale else 0
    if not python_only:
        script = "generate:check" if check else "generate:contract"
        node = subprocess.run([jlpm(), "run", script], cwd=LAB, env={**os.environ, "FORCE_COLOR": "0"})
        status = max(status, node.returncode)
    if check and status:
        print("generated files are out of date: run `.venv/bin/python labextension/scripts/generate.py`",
              file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file is out of date")
    parser.add_argument("--python-only", action="store_true",
                        help="only the files generated from the Python package (no node needed)")
    args = parser.parse_args(argv)
    return run(args.check, args.python_only)


if __name__ == "__main__":
    sys.exit(main())
