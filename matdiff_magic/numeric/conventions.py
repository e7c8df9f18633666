"""The derivative by a symmetric matrix in each convention (independent entries, sym, minka), as the
numeric check compares it: the convention of a derivation, and the maps of a gradient and of the
columns of a Jacobian or Hessian into it (minka: G + Gᵀ − G ⊙ I, T. Minka, "Old and new matrix
algebra useful for statistics", 2000)."""

from __future__ import annotations

import numpy as np


def convention(d) -> str:
    """The symmetric convention the derivative of ``d`` is in: independent, sym or minka; always
    independent unless the variable is a symmetric matrix larger than 1×1."""
    wrt = d.wrt
    if not wrt.symmetric or wrt.shape[0] == 1:
        return "independent"
    return getattr(d, "symmetric", "independent")


def gradient_in(conv: str, g: np.ndarray) -> np.ndarray:
    """The gradient ``g`` by a symmetric matrix, taken entry by entry with every entry
    independent, in the convention ``conv``: g itself, sym(g) = (g + gᵀ)/2, or g + gᵀ − g ⊙ I."""
    if conv == "sym":
        return (g + g.T) / 2
    if conv == "minka":
        return g + g.T - np.diag(np.diag(g))
    return g


def columns_in(conv: str, n: int) -> np.ndarray:
    """The same map on vec S of an n×n S (column-major), as the matrix P with vec(g in conv) =
    P vec(g): I, ½(I + K) or I + K − diag(vec I). A Jacobian J becomes J P, a Hessian H P H P."""
    eye = np.eye(n * n)
    if conv == "independent":
        return eye
    swap = np.arange(n * n).reshape(n, n).T.reshape(-1)  # vec(Xᵀ) = vec(X)[swap]
    K = eye[swap]
    if conv == "sym":
        return (eye + K) / 2
    return eye + K - np.diag(np.eye(n).reshape(-1, order="F"))
