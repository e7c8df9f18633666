"""Sizes as values (types/dims.py): canonical products, equality with integers, evaluation."""

import pytest

from matdiff_magic.types.dims import ONE, Dim, dim_mul


def test_products_are_canonical_whatever_the_order():
    m, n, p = Dim.symbol("m"), Dim.symbol("n"), Dim.symbol("p")
    assert (m * n) * p == m * (p * n) == Dim.of("n·p·m")
    assert hash(m * n) == hash(n * m)
    assert str(dim_mul("n", "m")) == "m·n"


def test_integers_and_units():
    assert ONE == 1 and hash(ONE) == hash(1)
    assert Dim.of(3) == 3 and Dim.of("3") == 3 and Dim.of(3).is_fixed
    assert Dim.symbol("m") != 1 and not Dim.symbol("m").is_fixed
    assert dim_mul(1, "m") == Dim.symbol("m")
    assert str(dim_mul(2, "m")) == "2·m" and dim_mul(2, "m") == Dim.of("m·2")
    assert (1, 1) == (ONE, Dim.of(1))  # noqa: SIM300 - the int on the left: its __eq__ defers to Dim
    assert int(Dim.of(6)) == 6
    with pytest.raises(TypeError):
        int(Dim.symbol("m"))


def test_value_with_sizes():
    d = Dim.of("2·m·n")
    assert d.value({"m": 3, "n": 5}) == 30
    with pytest.raises(KeyError):
        d.value({"m": 3})


def test_immutable_and_positive():
    with pytest.raises(AttributeError):
        Dim.symbol("m").coef = 2
    with pytest.raises(ValueError):
        Dim(0)


def test_symbolic_sizes_equal_their_text():
    assert Dim.symbol("m") == "m" and hash(Dim.symbol("m")) == hash("m")
    assert Dim.of("n·m") == "m·n" and {"m·n": 6}[dim_mul("n", "m")] == 6
    assert Dim.of(3) != "3" and Dim.symbol("m") != "n"


def test_products_of_any_number_of_sizes():
    # the size of kron(X, vec(X)) for an m×n X has three factors: m·m·n
    assert dim_mul("m", "n", "m") == Dim.of("m·m·n") and str(dim_mul(2, "n", 3)) == "6·n"
    assert dim_mul() == 1
