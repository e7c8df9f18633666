"""Values as the autodiff lab hands them to the user, the way ``Derivation.evaluate`` does."""

from __future__ import annotations

import numpy as np


def user_value(a: np.ndarray):
    """A float for a 1×1 array, a 1-D copy for a column, else a 2-D copy."""
    if a.shape == (1, 1):
        return float(a[0, 0])
    if a.shape[1] == 1:
        return a[:, 0].copy()
    return a.copy()
