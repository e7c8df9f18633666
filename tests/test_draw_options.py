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
