"""The JSON's ``names``: the subexpressions the steps and results print by name (t₁, M₁, …),
each defined once, so the payload refers to a shared subexpression instead of repeating it; the
definitions are the where line's, and the payload validates against the shipped schema."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest

from matdiff_magic import derive
from matdiff_magic.derivation.record import MIME

SHARED = "a'*" + "tanh(W*" * 8 + "x" + ")" * 8  # the same W in 8 layers: t₁ = tanh(W x), …
NAME = re.compile(r"[tM][₀₁₂₃₄₅₆₇₈₉]+")


@pytest.fixture(scope="module")
def schema():
    text = resources.files("matdiff_magic").joinpath("schema/derivation.v1.schema.json").read_text()
    return json.loads(text)


def _payload(source: str, wrt: str, layout: str = "denominator") -> dict:
    return derive(source, wrt=wrt, layout=layout, check=False)._repr_mimebundle_()[MIME]


def _printed(payload: dict) -> list[str]:
    """Every text the payload prints an expression in: the function, each step, each result."""
    texts = [payload["function"]["text"]]
    for step in payload["steps"]:
        texts.append(step["text"])
    texts += [r["text"] for r in payload["results"].values()]
    return texts


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_every_name_printed_is_defined_once_before_it_is_used(schema, layout):
    payload = _payload(SHARED, "W", layout)
    jsonschema.validate(payload, schema)
    names = payload["names"]
    defined = [n["text"] for n in names]
    assert len(defined) == len(set(defined)) and len(defined) >= 8  # t₁ … t₇ and the adjoints
    used = {m for text in _printed(payload) for m in NAME.findall(text)}
    assert used and used <= set(defined), used - set(defined)
    for i, n in enumerate(names):  # a definition uses only the names before it
        assert set(NAME.findall(n["definition"]["text"])) <= set(defined[:i]), n
        assert n["latex"] and n["definition"]["latex"]
    # the where line defines the same names the same way
    for n in names:
        assert f"{n['text']} = {n['definition']['text']}" in payload["where"]["text"]
        assert f"{n['latex']} = {n['definition']['latex']}" in payload["where"]["latex"]


def test_the_shared_subexpressions_are_not_repeated():
    payload = _payload(SHARED, "W")
    t1 = next(n for n in payload["names"] if n["text"] == "t₁")
    assert t1["definition"]["text"] == "tanh(W x)"
    # tanh(W x) is written once, in its definition (and in the where line that shows it)
    printed = "\n".join(_printed(payload))
    assert "tanh(W x)" not in printed


@pytest.mark.parametrize("source, wrt", [("a'*X*b", "X"), ("log(det(Sigma)) + tr(S*inv(Sigma))", "Sigma")])
def test_a_cell_that_names_nothing_has_no_names(schema, source, wrt):
    payload = _payload(source, wrt)
    jsonschema.validate(payload, schema)
    assert "names" not in payload
