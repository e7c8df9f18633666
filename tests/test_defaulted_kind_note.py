"""A pasted scalar that silently became a vector: when f is not a scalar only because an undeclared
lowercase name was taken to be a vector, the derivation says so in one line, with the declaration,
in its text, its TeX and its JSON (the where line, schema version 1). Only the naming convention's
choices get the note: usage decides c in norm2(X*w - y)^2 + c*norm2(w)^2 (tests/test_kind_inference.py)."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema

from matdiff_magic import derive

SOURCE = "c*norm2(X*w - y)^2"   # nothing in the usage of c says what it is: the convention decides


def test_the_note_names_the_name_and_the_declaration():
    d = derive(SOURCE, wrt="w")
    assert len(d.notes) == 1
    note = d.notes[0]
    assert "c was taken to be a vector" in note and "`c: scalar`" in note
    assert note in d.to_text() and d.to_text().count("note:") == 1
    assert "c: scalar" in d.to_latex()
    data = d.to_json()
    assert note in data["where"]["text"] and "c: scalar" in data["where"]["latex"]
    assert data["version"] == 1
    schema = json.loads(resources.files("matdiff_magic").joinpath(
        "schema/derivation.v1.schema.json").read_text())
    jsonschema.validate(data, schema)


def test_no_note_once_declared_or_when_f_is_meant_to_be_a_vector():
    d = derive("c: scalar\n" + SOURCE, wrt="w")
    assert d.notes == () and "note:" not in d.to_text()
    assert d.to_json()["function"]["shape"] == [1, 1]
    assert derive("A*x + b", wrt="x").notes == ()          # a vector f, whatever b is
    assert derive("a'*X*b", wrt="X").notes == ()            # a scalar f
    assert derive("norm2(X*w - y)^2 + c*norm2(w)^2", wrt="w").notes == ()   # usage: c is a scalar
