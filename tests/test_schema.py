"""The mimetype contract: every bundle validates against the shipped JSON schema, and the fixtures
shared with the lab extension's tests are what the package produces now."""
from __future__ import annotations

import json
import pathlib
import sys
from importlib import resources

import jsonschema
import pytest

from matdiff_magic import derive
from matdiff_magic.derivation.record import MIME

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def schema():
    text = resources.files("matdiff_magic").joinpath("schema/derivation.v1.schema.json").read_text()
    data = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.mark.parametrize("source, wrt", [("a'*X*b", "X"), ("norm2(y - X*beta)^2", "beta"),
                                         ("c: scalar\nc^2*tr(A)", "c"), ("tr(A)", "A")])
def test_bundle_validates(schema, source, wrt):
    bundle = derive(source, wrt=wrt)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/latex", MIME}
    jsonschema.validate(bundle[MIME], schema)
    assert bundle["text/latex"].startswith("$$\\begin{aligned}")
    assert "checked at a random point" in bundle["text/plain"]


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.json")), ids=lambda p: p.name)
def test_every_fixture_validates(schema, path):
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def _comparable(data: dict) -> dict:
    """Everything but the check's figures, which vary in the last digits between machines."""
    out = {k: v for k, v in data.items() if k not in ("check", "latex")}
    out["check_status"] = data["check"]["status"]
    return out


@pytest.mark.parametrize("name", sorted(generate.FIXTURES))
def test_generated_fixtures_are_current(name):
    committed = json.loads((FIXTURES / "generated" / f"{name}.json").read_text(encoding="utf-8"))
    current = generate.fixture(*generate.FIXTURES[name])
    assert _comparable(committed) == _comparable(current), \
        "regenerate with: python tests/fixtures/generate.py"


def test_json_carries_every_layout_and_the_highlight(schema):
    data = derive("a'*X*b", wrt="X").to_json()
    assert data["results"]["denominator"]["shape"] == ["m", "n"]
    assert data["results"]["numerator"]["shape"] == ["n", "m"]
    cyclic = next(s for s in data["steps"] if s["rule"] == "cyclic property")
    assert cyclic["note"] == "move b to the front"
    assert "\\color{#d62728}" in cyclic["latex_highlighted"]
    assert data["check"]["status"] == "passed" and data["check"]["max_rel_error"] < 1e-6


def test_invalid_documents_are_rejected(schema):
    data = derive("a'*X*b", wrt="X").to_json()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "version": 2}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "layout": "sideways"}, schema)
