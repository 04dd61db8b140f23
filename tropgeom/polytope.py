"""Exact vertices and volume of a polytope {x in R^d : A x <= b}.

Rows may be redundant, duplicated or zero; the polytope may be degenerate, empty or lower-dimensional.
Data may be float64 (taken as the exact dyadic rationals they are) or :class:`fractions.Fraction`;
answers are Fractions.  An unbounded polyhedron raises :class:`~tropgeom.errors.InputError`.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .errors import InputError
from .lp import _rows, _vector

__all__ = ["vertices", "volume"]


def _system(A, b):
    if np.ndim(A) != 2 or np.shape(A)[1] == 0:
        raise InputError(f"A has shape {np.shape(A)}; expected (rows, dim) with dim >= 1")
    A = _rows(A, "A", None)
    return A, _vector(b, "b", A.shape[0])


def vertices(A, b) -> np.ndarray:
    """The vertices as a (V, d) object array of Fractions, in lexicographic order (V = 0 if empty)."""
    from . import _core
    return _core.polytope_vertices(*_system(A, b))


def volume(A, b) -> Fraction:
    """The exact d-dimensional volume (0 if empty or lower-dimensional)."""
    from . import _core
    return _core.polytope_volume(*_system(A, b))
