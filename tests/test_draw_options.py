"""Graph.draw's options: a wrong one is the package's error (it was a ValueError from the layout,
a TypeError, or matplotlib's LinAlgError for a figure of no width)."""

from __future__ import annotations

import matplotlib
import pytest

from matdiff_magic import MatdiffError, graph

matplotlib.use("Agg")


@pytest.mark.parametrize(
    "options, said",
    [
        ({"orientation": "left"}, "orientation='left': choose 'right' or 'down'"),
        ({"fontsize": -1}, "fontsize=-1: give a positive number"),
        ({"max_width": float("inf")}, "max_width=inf: give a positive number up to 40"),
        ({"dpi": 1e9}, "dpi=1000000000.0: give a positive number up to 400"),
        ({"title": 5}, "title=5: give a string"),
        ({"lang": "xx"}, "unknown language"),
        ({"max_width": 0}, "max_width=0: give a positive number"),
        ({"dpi": "high"}, "dpi='high': give a positive number"),
        ({"colour": "red"}, "draw() has no option 'colour'"),
    ],
)
def test_a_wrong_drawing_option_is_a_matdiff_error(options, said):
    g = graph("sin(x)*y", x=1.0, y=2.0)
    with pytest.raises(MatdiffError) as caught:
        g.draw(**options)
    assert said in str(caught.value)


@pytest.mark.parametrize("orientation", ["right", "down"])
def test_the_orientations_it_names_draw(orientation):
    import matplotlib.pyplot as plt

    fig = graph("sin(x)*y", x=1.0, y=2.0).draw(mode="reverse", orientation=orientation, fontsize=9, dpi=80)
    assert fig.matdiff_placement is not None
    plt.close(fig)


def test_a_wrong_sweep_argument_is_a_matdiff_error():
    g = graph("sin(x1)*x2", x1=1.0, x2=2.0)
    with pytest.raises(MatdiffError, match="the value of ȳ is not a number"):
        g.draw(mode="reverse", cotangent="x")
    with pytest.raises(MatdiffError, match="unknown variable"):
        g.draw(mode="forward", wrt=["x1"])


def test_a_difference_step_onto_a_singular_matrix_is_a_matdiff_error():
    import numpy as np

    with pytest.raises(MatdiffError, match="singular"):
        graph("tr(inv(X))", X=np.diag([1e-6, 1.0])).compare()


def test_a_title_of_none_and_numpy_numbers_are_taken():
    import matplotlib.pyplot as plt
    import numpy as np

    fig = graph("sin(x)*y", x=1.0, y=2.0).draw(title=None, dpi=np.int64(80), fontsize=np.float32(9))
    plt.close(fig)
