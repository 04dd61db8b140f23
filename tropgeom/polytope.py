"""Exact vertices and volume of a polytope {x in R^d : A x <= b}.

Rows may be redundant, duplicated or zero; the polytope may be degenerate, empty or lower-dimensional.
Data may be float64 (taken as the exact dyadic rationals they are), ints or
:class:`fractions.Fraction` (kept exact).  Answers follow the one ``exact=`` rule: float64 by default
(the exact values rounded to nearest), Fractions with ``exact=True``.  An unbounded polyhedron raises
:class:`~tropgeom.errors.InputError`.  Both calls take ``max_seconds`` and honour Ctrl-C: a stop
raises :class:`~tropgeom.errors.BudgetExceeded` with ``partial=None`` (no part of a vertex set or a
volume is meaningful on its own).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional, Union

import numpy as np

from . import _run, _seam

__all__ = ["vertices", "volume"]


def _system(A, b):
    A = _seam.exact_matrix(A, "A", expected="(rows, dim) with dim >= 1")
    return A, _seam.exact_vector(b if np.size(b) else np.zeros(0), "b", A.shape[0])


def vertices(A, b, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
    """The vertices as a (V, d) array in lexicographic order (V = 0 if empty): float64, or
    Fractions with ``exact=True``."""
    from . import _core
    A, b = _system(A, b)
    with _run.progress(progress, "rows") as tick:
        V = _core.polytope_vertices(A, b, max_seconds=_run.seconds(max_seconds), progress=tick)
    return V if exact else _seam.floats(V)


def volume(A, b, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> Union[float, Fraction]:
    """The d-dimensional volume (0 if empty or lower-dimensional), computed exactly: a float (the
    exact volume rounded), or a Fraction with ``exact=True``."""
    from . import _core
    A, b = _system(A, b)
    with _run.progress(progress, "faces") as tick:
        v = _core.polytope_volume(A, b, max_seconds=_run.seconds(max_seconds), progress=tick)
    return v if exact else float(_seam.floats([v])[0])
