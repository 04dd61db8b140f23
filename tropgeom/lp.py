"""Exact linear programming on rational polyhedra {x : A x <= b, C x = d}.

Data may be float64 (taken as the exact dyadic rationals they are), ints or
:class:`fractions.Fraction` (kept exact, never rounded).  Every decision is exact.  Points and optima
follow the package's one ``exact=`` rule: float64 (the exact value rounded to nearest) by default,
Fractions with ``exact=True``.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import List, Optional, Union

import numpy as np

from . import _run, _seam
from .errors import InputError

__all__ = ["Polyhedron", "LPResult"]


@dataclass(frozen=True)
class LPResult:
    """The result of an exact LP: its status, an optimal point and the optimal value.

    Parameters
    ----------
    status : str
        "optimal", "infeasible" or "unbounded".
    x : numpy.ndarray, optional
        An optimal point.
    value : float or Fraction, optional
        The optimal value.
    """
    status: str                                       # "optimal", "infeasible" or "unbounded"
    x: Optional[np.ndarray] = None                    # an optimal point when optimal (float64 or Fractions)
    value: Optional[Union[float, Fraction]] = None    # the optimum when optimal

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"

    def __eq__(self, other) -> bool:
        if not isinstance(other, LPResult):
            return NotImplemented
        same_x = (self.x is None and other.x is None) or (
            self.x is not None and other.x is not None and np.array_equal(self.x, other.x))
        return self.status == other.status and same_x and self.value == other.value

    __hash__ = None


def _result(status, x, value, exact: bool) -> LPResult:
    if x is None or exact:
        return LPResult(status, x, value)
    return LPResult(status, _seam.floats(x), float(_seam.floats([value])[0]))


class Polyhedron:
    """{x in R^dim : A x <= b, C x = d}, exact.

    ``Polyhedron(A, b)`` or with equalities ``Polyhedron(A, b, C, d)``; give ``dim`` when there are no
    rows at all.  ``dim`` is the ambient dimension, ``dimension()`` the affine dimension.

    Parameters
    ----------
    A : array_like
        Inequality rows ``A x <= b``, shape (m, dim).
    b : (m,) array_like
        Inequality right-hand sides.
    C : array_like, optional
        Equality rows ``C x = d``, shape (k, dim).
    d : (k,) array_like, optional
        Equality right-hand sides.
    dim : int, optional
        The ambient dimension (needed only without rows).
    """

    def __init__(self, A, b, C=None, d=None, *, dim: Optional[int] = None):
        if dim is None:
            dim = np.shape(A)[1] if np.ndim(A) == 2 else (np.shape(C)[1] if C is not None and np.ndim(C) == 2 else None)
        if dim is None:
            raise InputError("cannot tell the dimension: give A as a (rows, dim) matrix or pass dim=")
        dim = _seam.positive_int(dim, "dim") if dim != 0 else 0
        A = _seam.exact_matrix(A, "A", cols=dim) if np.size(A) else np.zeros((0, dim))
        b = _seam.exact_vector(b if np.size(b) else np.zeros(0), "b", A.shape[0])
        C = _seam.exact_matrix(C, "C", cols=dim) if C is not None and np.size(C) else np.zeros((0, dim))
        d = _seam.exact_vector(d if d is not None and np.size(d) else np.zeros(0), "d", C.shape[0])
        from . import _core
        self.dim = int(dim)
        self._data = (A, b, C, d)
        self._P = _core.Polyhedron(self.dim, A, b, C, d)
        self._interior = None

    def __reduce__(self):
        A, b, C, d = self._data
        return (_rebuild_polyhedron, (A, b, C, d, self.dim))

    @property
    def num_inequalities(self) -> int:
        return self._P.num_inequalities

    def _objective(self, c):
        return _seam.exact_vector(c, "objective", self.dim)

    def maximize(self, c, *, exact: bool = False) -> LPResult:
        """max c.x: the status, an optimal point and the optimum (float64, or Fractions if exact)."""
        return _result(*self._P.optimize(self._objective(c), True), exact)

    def minimize(self, c, *, exact: bool = False) -> LPResult:
        """min c.x: the status, an optimal point and the optimum (float64, or Fractions if exact)."""
        return _result(*self._P.optimize(self._objective(c), False), exact)

    def _relint(self) -> dict:
        if self._interior is None:
            self._interior = self._P.relative_interior()
        return self._interior

    def is_feasible(self) -> bool:
        return self._relint()["dimension"] >= 0

    def dimension(self) -> int:
        """Affine dimension (-1 when empty)."""
        return self._relint()["dimension"]

    def is_full_dimensional(self) -> bool:
        return self.dimension() == self.dim

    def interior_point(self, *, exact: bool = False) -> Optional[np.ndarray]:
        """A point strictly inside (relative to the affine hull), decided exactly; float64 (the exact
        point rounded: it may leave the polyhedron when that is thinner than a rounding step) or
        Fractions with ``exact=True``; None when empty."""
        x = self._relint()["point"]
        return x if x is None or exact else _seam.floats(x)

    def implicit_equalities(self) -> List[int]:
        """Inequality rows that hold with equality on all of the polyhedron."""
        return list(self._relint()["implicit_equalities"])

    def _row(self, i: int) -> int:
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not (0 <= i < self.num_inequalities):
            raise InputError(f"inequality index {i!r} out of range (0..{self.num_inequalities - 1})", index=i)
        return int(i)

    def is_redundant(self, i: int) -> bool:
        """Row i is implied by the other rows and the equalities."""
        return self._P.is_redundant(self._row(i))

    def is_facet(self, i: int) -> bool:
        """The face where row i is tight has dimension dimension() - 1."""
        return self._P.is_facet(self._row(i))

    def irredundant(self, *, max_seconds: Optional[float] = None, progress=None) -> List[int]:
        """Indices of an irredundant subset of the inequalities (of equal rows, the first is kept).
        One exact LP per row; a stop (``max_seconds``, Ctrl-C) raises BudgetExceeded (partial None)."""
        with _run.progress(progress, "rows") as tick:
            return list(self._P.irredundant(max_seconds=_run.seconds(max_seconds), progress=tick))


def _rebuild_polyhedron(A, b, C, d, dim):
    return Polyhedron(A, b, C, d, dim=dim)
