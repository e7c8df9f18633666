"""A variable may take any name the exported module's check uses for itself: the check's locals
are reserved (the variable renamed with a trailing underscore), so the check reads the inputs and
not its own values. A variable named ``size`` was overwritten by the check's size of f before its
differences read it."""

from __future__ import annotations

import symtable

import numpy as np
import pytest
from numeric_helpers import central_difference

from matdiff_magic import derive
from matdiff_magic.export.naming import RESERVED

# names of no template: what the scan below finds beyond them is the templates' own
CASES = [
    ("aq'*exp(Xq*bq)", "Xq", 1),
    ("tanh(Xq*bq)", "Xq", 1),
    ("aq'*exp(Xq*bq)", "bq", 2),
    ("Sq: spd\nlog(det(Sq)) + aq'*inv(Sq)*aq", "Sq", 1),
]


def _bound_beside_inputs(code: str) -> set:
    """Names bound in the scope of a function that also binds the inputs (the check functions):
    a variable of the same name would be overwritten there."""
    out = set()

    def walk(table):
        if table.get_type() == "function" and table.get_name().startswith("check_"):
            for sym in table.get_symbols():
                if sym.is_assigned() or sym.is_parameter():
                    out.add(sym.get_name())
        for child in table.get_children():
            walk(child)

    walk(symtable.symtable(code, "<export>", "exec"))
    return out


@pytest.mark.parametrize("source, wrt, order", CASES)
def test_every_local_of_the_check_is_reserved(source, wrt, order):
    code = derive(source, wrt=wrt, order=order).to_python()
    own = {n for n in _bound_beside_inputs(code) if not n.endswith("q")}  # the inputs end in q
    assert own, "the scan found the check's locals"
    assert own <= RESERVED, sorted(own - RESERVED)


@pytest.mark.parametrize("name", ["size", "errors", "resolved"])
def test_a_variable_named_as_a_local_of_the_check_exports(name):
    """f = aᵀ tanh(V b) by V named ``name``: the exported gradient against central differences of
    f written here, and the module's own check."""
    d = derive(f"{name}: matrix\na'*tanh({name}*b)", wrt=name)
    code = d.to_python()
    ns: dict = {}
    exec(compile(code, "<export>", "exec"), ns)
    assert ns["check_gradient"]() < 1e-6
    rng = np.random.default_rng(3)
    a, V, b = rng.standard_normal(4), rng.standard_normal((4, 3)), rng.standard_normal(3)
    value, gradient = ns["f_and_grad"](a, V, b)
    f = lambda V: float(a @ np.tanh(V @ b))
    assert abs(value - f(V)) < 1e-12
    expected = central_difference(lambda V: f(V), {"V": V}, "V")
    assert np.allclose(gradient, expected, rtol=1e-6, atol=1e-8)  # mixed layout: V's shape


def test_a_scalar_named_size_is_read_by_the_check():
    """size·‖x‖² + aᵀx by x: the check's size of f stood in for the scalar (0.063 where it reads 1e-13)."""
    d = derive("size: scalar\nsize*norm2(x)^2 + a'*x", wrt="x")
    ns: dict = {}
    exec(compile(d.to_python(), "<export>", "exec"), ns)
    assert ns["check_gradient"]() < 1e-6
