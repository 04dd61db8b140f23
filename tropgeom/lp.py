"""Exact linear programming on rational polyhedra {x : A x <= b, C x = d}.

Data may be float64 (taken as the exact dyadic rationals they are) or :class:`fractions.Fraction`.
Every answer is exact: points, optima and multipliers come back as Fractions.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import List, Optional

import numpy as np

from .errors import InputError

__all__ = ["Polyhedron", "LPResult"]


@dataclass(frozen=True)
class LPResult:
    status: str                       # "optimal", "infeasible" or "unbounded"
    x: Optional[np.ndarray] = None    # an optimal point (Fractions) when optimal
    value: Optional[Fraction] = None  # the optimum when optimal

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"


def _rows(a, name: str, n: Optional[int]):
    arr = np.asarray(a, dtype=object if _is_object(a) else np.float64)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, n or 0)
    if arr.ndim != 2 or (n is not None and arr.shape[1] != n):
        raise InputError(f"{name} has shape {arr.shape}; expected (rows, {n if n is not None else 'dim'})")
    _check_finite(arr, name)
    return arr


def _vector(v, name: str, m: int):
    arr = np.asarray(v, dtype=object if _is_object(v) else np.float64).reshape(-1) if np.size(v) else np.zeros(0)
    if arr.shape != (m,):
        raise InputError(f"{name} has shape {np.shape(v)}; expected ({m},)")
    _check_finite(arr, name)
    return arr


def _is_object(a) -> bool:
    return np.asarray(a, dtype=object).dtype == object and any(
        isinstance(v, Fraction) for v in np.asarray(a, dtype=object).ravel())


def _check_finite(arr: np.ndarray, name: str) -> None:
    vals = arr.astype(np.float64) if arr.dtype == object else arr
    bad = np.argwhere(~np.isfinite(vals))
    if len(bad):
        raise InputError(f"{name} has a non-finite value at index {tuple(int(i) for i in bad[0])}",
                         index=int(bad[0][0]))


class Polyhedron:
    """{x in R^dim : A x <= b, C x = d}, exact.

    ``Polyhedron(A, b)`` or with equalities ``Polyhedron(A, b, C, d)``; give ``dim`` when there are no
    rows at all.
    """

    def __init__(self, A, b, C=None, d=None, *, dim: Optional[int] = None):
        if dim is None:
            dim = np.shape(A)[1] if np.ndim(A) == 2 else (np.shape(C)[1] if C is not None and np.ndim(C) == 2 else None)
        if dim is None:
            raise InputError("cannot tell the dimension: give A as a (rows, dim) matrix or pass dim=")
        A = _rows(A, "A", dim)
        b = _vector(b, "b", A.shape[0])
        C = _rows(np.zeros((0, dim)) if C is None else C, "C", dim)
        d = _vector(np.zeros(0) if d is None else d, "d", C.shape[0])
        from . import _core
        self.dim = int(dim)
        self._P = _core.Polyhedron(self.dim, A, b, C, d)
        self._interior = None

    @property
    def num_inequalities(self) -> int:
        return self._P.num_inequalities

    def _objective(self, c):
        return _vector(c, "objective", self.dim)

    def maximize(self, c) -> LPResult:
        return LPResult(*self._P.optimize(self._objective(c), True))

    def minimize(self, c) -> LPResult:
        return LPResult(*self._P.optimize(self._objective(c), False))

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

    def interior_point(self) -> Optional[np.ndarray]:
        """A point strictly inside (relative to the affine hull), as Fractions; None when empty."""
        return self._relint()["point"]

    def implicit_equalities(self) -> List[int]:
        """Inequality rows that hold with equality on all of the polyhedron."""
        return list(self._relint()["implicit_equalities"])

    def _row(self, i: int) -> int:
        if not (0 <= i < self.num_inequalities):
            raise InputError(f"inequality index {i} out of range (0..{self.num_inequalities - 1})", index=i)
        return i

    def is_redundant(self, i: int) -> bool:
        """Row i is implied by the other rows and the equalities."""
        return self._P.is_redundant(self._row(i))

    def is_facet(self, i: int) -> bool:
        """The face where row i is tight has dimension dimension() - 1."""
        return self._P.is_facet(self._row(i))

    def irredundant(self) -> List[int]:
        """Indices of an irredundant subset of the inequalities (of equal rows, the first is kept)."""
        return list(self._P.irredundant())
