"""The lab extension's TypeScript generated from the package is up to date, and what it is made from
holds together: the identity catalogue lists every identity, the cheat sheet names only catalogued
identities and each of its examples applies what its rule shows.

(The files generated from the JSON schema are checked by the lab extension's own test run,
`jlpm test`, which needs node.)
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import re
import sys
from pathlib import Path

import pytest

from matdiff_magic.derivation.pipeline import derive
from matdiff_magic.ops.identity import Identity, catalogue
from matdiff_magic.render import cheatsheet
from matdiff_magic.syntax.vocabulary import ELEMENTWISE

GENERATE = Path(__file__).resolve().parent.parent / "labextension" / "scripts" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("matdiff_lab_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_typescript_is_up_to_date(capsys):
    status = _generator().run(check=True, python_only=True)
    assert status == 0, ("labextension/src/generated/ is out of date; run "
                         "`.venv/bin/python labextension/scripts/generate.py`\n" + capsys.readouterr().err)


def test_the_check_notices_a_stale_file(tmp_path, monkeypatch, capsys):
    generate = _generator()
    for name, make in generate.PYTHON_FILES.items():
        (tmp_path / name).write_text(make(), encoding="utf-8")
    monkeypatch.setattr(generate, "OUT", tmp_path)
    assert generate.run(check=True, python_only=True) == 0
    stale = tmp_path / "vocabulary.ts"
    stale.write_text(stale.read_text(encoding="utf-8").replace('"tr": 1', '"tr": 2'), encoding="utf-8")
    assert generate.run(check=True, python_only=True) == 1
    err = capsys.readouterr().err
    assert "vocabulary.ts: out of date" in err and '+  "tr": 1,' in err


@pytest.fixture(scope="module")
def identities() -> dict[str, Identity]:
    return catalogue()


def test_catalogue_ids_are_stable_names(identities):
    assert list(identities) == sorted(identities)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in identities)
    for key in ("sum", "product", "transpose", "trace", "inverse", "determinant", "logdet", "hadamard",
                "cyclic", "scalar-trace", "hadamard-trick", "read-off", "read-off-vector"):
        assert key in identities
    assert identities["inverse"].cookbook == "(59)"


def test_catalogue_holds_every_module_level_identity(identities):
    # Every module of the package, not only those the catalogue imports: an identity defined
    # elsewhere must make the catalogue look there too.
    import matdiff_magic

    for info in pkgutil.walk_packages(matdiff_magic.__path__, "matdiff_magic."):
        importlib.import_module(info.name)
    listed = {id(i) for i in identities.values()}
    found = [(name, attr) for name, module in list(sys.modules.items())
             if name.startswith("matdiff_magic.") and module is not None
             for attr, value in vars(module).items()
             if isinstance(value, Identity) and id(value) not in listed]
    assert found == []


def test_catalogue_has_every_elementwise_function(identities):
    for func in ELEMENTWISE:
        assert identities[f"elementwise-{func}"].name == f"element-wise {func}"
        assert identities[f"scalar-{func}"].name == f"chain rule ({func})"


def test_identities_made_inside_functions_are_not_registered():
    from matdiff_magic.ops import identity as module

    before = len(module._DEFINED)
    Identity("made in a test", "a = a", "a = a")
    assert len(module._DEFINED) == before


def _derive(example: str):
    flags, body = example.split("\n", 1)
    wrt = re.search(r"--wrt (\w+)", flags)
    layout = re.search(r"--layout (\w+)", flags)
    return derive(body, wrt=wrt.group(1) if wrt else None, layout=layout.group(1) if layout else "mixed")


RULES = [rule for section in cheatsheet.SECTIONS for rule in section.rules]


def test_cheatsheet_names_catalogued_identities_and_unique_rules(identities):
    assert all(i in identities for i in cheatsheet.identity_ids())
    ids = [rule.id for rule in RULES] + ["layouts"]
    assert len(set(ids)) == len(ids)


@pytest.fixture(scope="module")
def applied() -> dict[str, list[Identity]]:
    """rule id -> the identities its example's derivation applies."""
    return {rule.id: [s.identity for s in _derive(rule.example).steps if s.identity is not None]
            for rule in RULES}


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_cheatsheet_example_applies_its_rule(rule, identities, applied):
    # A rule may show a variant its example does not need (read-off: matrix and vector); every
    # identity it shows is applied by some example of the sheet.
    assert any(identities[i] in applied[rule.id] for i in rule.identities), \
        (rule.example, [i.name for i in applied[rule.id]])
    for i in rule.identities:
        assert any(identities[i] in used for used in applied.values()), i


def test_cheatsheet_other_examples_derive():
    for example in (cheatsheet.DEFAULT_EXAMPLE, cheatsheet.LAYOUT_EXAMPLE):
        assert _derive(example).steps


def test_cheatsheet_data():
    data = json.loads(json.dumps(cheatsheet.to_json()))
    assert [s["id"] for s in data["sections"]] == ["differentials", "trace-tricks", "readoff"]
    assert all(r["example"].startswith("%%matdiff ") for s in data["sections"] for r in s["rules"])
