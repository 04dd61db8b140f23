"""Tropical (max-plus) polynomials and networks as tropical rational maps (DESIGN §5.2).

``TropicalPolynomial(exponents, coefficients)`` is f(x) = max_i (c_i + <alpha_i, x>), stored exactly
(rationals; float64 entries are taken as the dyadic rationals they are) and canonically: exponent rows
distinct and sorted, duplicates merged by the max of their coefficients.  Exponents may be any
rationals, negative ones included (a max-plus Laurent polynomial); those of :func:`tropicalize` are
non-negative.  ``+`` is the tropical sum (max), ``*`` the tropical product (pointwise +, the Minkowski
sum of lifted points), ``**`` a non-negative rational power.

``prune()`` keeps exactly the monomials that are vertices of the upper hull of the lifted points
(alpha_i, c_i), i.e. that are the strict maximum on a non-empty open set; the function is unchanged.
``upper_hull()`` / ``dual_subdivision()`` give the upper facets (the cells of the regular subdivision
of the exponents), ``hypersurface()`` the pieces of the tropical hypersurface in d = 1, 2.

``regions()`` gives the region of each kept monomial (exact H-representation, bounded flag, volume in
a box); ``newton_polytope()`` / ``lifted_polytope()`` use CGAL's exact hulls in dimension <= 3.

:func:`tropicalize` reads the pruned F and G of a net off its activation regions (the region engine);
such a map remembers its net, so :func:`linear_regions` and :meth:`TropicalRational.linear_regions`
(the monomial pair of each region) are the net's linear regions; any other map (built from
monomials, reloaded from JSON) gets them from the core's walk over the cells {F = f_i} ∩ {G = g_j}
(:class:`MapCells`: each cell's exact H-representation, interior point and affine map).  :func:`zonotope` and
:func:`one_layer_zonotopes` expose that a one-hidden-layer net has zonotopes as P(F) and P(G).

Numbers: inputs are float64 (exact dyadics, sent to the core as float64 arrays), ints or Fractions
(kept exact).  The canonical data (the properties ``exponents``, ``coefficients``, ``generators``)
are Fractions; every method returning values or coordinates (``evaluate``, ``newton_polytope``,
``lifted_polytope``, the normals of ``upper_hull``, the points of ``hypersurface``, zonotope
``vertices``) follows the one ``exact=`` rule: float64 by default (the exact values rounded),
Fractions with ``exact=True``.  Every decision behind them is exact either way.

Run contract: every call that may run long (``prune``, ``count_regions``, the hull and subdivision
methods, :func:`tropicalize`, :func:`linear_regions`, zonotope vertices) takes ``max_seconds`` and
``progress`` and honours Ctrl-C; a stop raises :class:`~tropgeom.errors.BudgetExceeded` with
``reason`` ``"max_seconds"``, ``"interrupted"`` or, for :func:`tropicalize`, ``"max_monomials"``, and
``partial`` the same function partly pruned for ``prune`` / ``count_regions`` (every monomial not yet
proven redundant), else None (part of a tropicalization or of a subdivision is not the answer).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from fractions import Fraction
from typing import List, NamedTuple, Optional, Tuple

import numpy as np

from . import _run, _seam
from .errors import BudgetExceeded, InputError, InternalError
from .network import Network

__all__ = ["TropicalPolynomial", "TropicalRational", "tropicalize", "UpperFace", "HypersurfacePiece", "Zonotope",
           "LinearPieces", "MapCells", "MonomialRegion",
           "zonotope", "one_layer_zonotopes", "linear_regions"]


def _zeros(n: int) -> np.ndarray:
    return np.full(n, Fraction(0), dtype=object)


@contextmanager
def _run_core(unit: str, progress, what: str, count_name: str = "max_count"):
    """A core call under the run contract: yields the progress callable; a stop from the core
    becomes BudgetExceeded with the caller's reason and no partial result."""
    with _run.progress(progress, unit) as tick:
        try:
            yield tick
        except BudgetExceeded as e:
            why = _run.reason(e.reason, count_name)
            raise BudgetExceeded(f"{what} stopped by {why}", partial=None, reason=why) from None


def _view(a: np.ndarray, exact: bool) -> np.ndarray:
    return a if exact else _seam.floats(a)


def _tuple(values, exact: bool) -> tuple:
    """A point of an exact structure: Fractions, or Python floats (each rounded to nearest)."""
    return tuple(values) if exact else tuple(_seam.floats(list(values)).tolist())


class UpperFace(NamedTuple):
    """An upper facet of the lifted polytope: the monomials on it, and an outer normal (x, 1) where x
    is a point at which exactly these monomials attain the maximum (a vertex of the hypersurface)."""
    monomials: Tuple[int, ...]
    normal: tuple  # floats, or Fractions (exact=True)


class HypersurfacePiece(NamedTuple):
    """A piece of a tropical curve (d = 2): kind "segment" (point to end), "ray" (point + t direction,
    t >= 0) or "line" (point + t direction, t real).  ``pair``: the two monomials (upper-hull
    vertices) that tie on it; ``monomials``: every monomial attaining the maximum on its interior."""
    kind: str
    point: Tuple[Fraction, ...]
    end: Optional[Tuple[Fraction, ...]]
    direction: Optional[Tuple[Fraction, ...]]
    pair: Tuple[int, int]
    monomials: Tuple[int, ...]


class LinearPieces(NamedTuple):
    """The linear regions of a map F ⊘ G (:meth:`TropicalRational.linear_regions`): ``pairs[i]`` the
    sorted (F, G) monomial index pairs on linear region i; ``regions`` their geometry: for a map made
    by :func:`tropicalize`, the net's RegionSet of kind "linear"; for any other map (no net, so no
    activation regions), a :class:`MapCells` (the cells {F = f_i} ∩ {G = g_j} of each region)."""
    regions: object
    pairs: Tuple[Tuple[Tuple[int, int], ...], ...]

    @property
    def count(self) -> int:
        return len(self.pairs)


class MapCells:
    """The linear regions of a map F ⊘ G without its net, as the core's cell walk finds them: each
    linear region is the union of its cells C(i, j) = {F = f_i} ∩ {G = g_j} (convex and
    full-dimensional; together they cover R^d and meet only on their boundaries; F - G is one affine
    map on a linear region, the cells of one region being glued across shared facets).  This is the
    geometry a map alone determines, read off its monomials exactly (there are no activation regions).

    ``cells[c]``: the (i, j) pair of cell c (indices into the map's monomials, walk order);
    ``label[c]``: its linear region; ``members[r]``: the cells of linear region r (ascending; the first
    is the region's representative).  ``halfspaces(c)``: an exact H-representation of cell c,
    {f_k <= f_i} over F's upper-hull monomials and {g_l <= g_j} over G's (redundant rows kept:
    ``tropgeom.lp.Polyhedron(A, b).irredundant()`` reduces it).  ``interior_points()`` (one per
    region, in its first cell) and ``cell_points()`` (one per cell): a point strictly inside, by one
    exact LP per cell, on demand.  ``affine_maps()``: (J, c) with F - G = J x + c on each region,
    shaped as RegionSet's.  ``polygons(view)`` (d = 2): float polygons of each region's cells, for
    pictures.  Coordinates follow the package rule: float64, or Fractions with ``exact=True``.
    """

    kind = "linear"

    def __init__(self, trop: "TropicalRational", cells, label):
        self._trop = trop
        self.cells = tuple((int(i), int(j)) for i, j in cells)
        self.label = np.asarray(label, dtype=np.int64).reshape(len(self.cells))
        count = int(self.label.max()) + 1 if len(self.label) else 0
        order = np.argsort(self.label, kind="stable")  # cells grouped by region, ascending within each
        self.members = np.split(order, np.cumsum(np.bincount(self.label, minlength=count))[:-1]) if count else []
        self._keep, self._points = None, {}

    @property
    def dim(self) -> int:
        return self._trop.dim

    @property
    def count(self) -> int:
        return len(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __repr__(self) -> str:
        return f"MapCells({self.count} linear regions, {len(self.cells)} cells, d={self.dim})"

    def _cell(self, c: int) -> int:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)) or not 0 <= c < len(self.cells):
            raise InputError(f"cell index {c!r} out of range (0..{len(self.cells) - 1})", index=c)
        return int(c)

    def halfspaces(self, c: int, *, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """(A, b): cell c is {x : A x <= b}, exactly (rows over the upper-hull monomials of F, then of
        G; redundant rows are not removed).  float64, or Fractions with ``exact=True``."""
        i, j = self.cells[self._cell(c)]
        if self._keep is None:  # the upper-hull monomials: the rows of the others are implied
            self._keep = [p.upper_vertices(progress=False) for p in (self._trop.numerator, self._trop.denominator)]
        A, b = [], []
        for p, top, keep in ((self._trop.numerator, i, self._keep[0]), (self._trop.denominator, j, self._keep[1])):
            E, co = p.exponents, p.coefficients
            for k in keep:
                if k != top:
                    A.append(E[k] - E[top]), b.append(co[top] - co[k])
        A = np.array(A, dtype=object).reshape(len(A), self.dim)
        b = np.array(b, dtype=object)
        return _view(A, exact), _view(b, exact)

    def cell_points(self, *, exact: bool = False, max_seconds: Optional[float] = None) -> np.ndarray:
        """A point strictly inside each cell, (cells, d), by an exact LP per cell (kept once found)."""
        from .lp import Polyhedron
        clock = _run.Deadline(max_seconds)
        out = np.empty((len(self.cells), self.dim), dtype=object)
        with _run.interruptible("cell_points"):
            for c in range(len(self.cells)):
                if c not in self._points:
                    clock.left(what="cell_points")
                    A, b = self.halfspaces(c, exact=True)
                    x = Polyhedron(A, b, dim=self.dim).interior_point(exact=True) if len(A) else np.zeros(self.dim, dtype=object) + Fraction(0)
                    if x is None:
                        raise InternalError(f"MapCells: cell {self.cells[c]} is empty")
                    self._points[c] = x
                out[c] = self._points[c]
        return _view(out, exact)

    def interior_points(self, *, exact: bool = False, max_seconds: Optional[float] = None) -> np.ndarray:
        """A point strictly inside each linear region (in its first cell), (regions, d)."""
        P = self.cell_points(exact=True, max_seconds=max_seconds)
        out = P[[int(m[0]) for m in self.members]].reshape(len(self.members), self.dim)
        return _view(out, exact)

    def affine_maps(self, *, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """J (regions, 1, d) and c (regions, 1): F - G = J x + c on each linear region (its first
        cell's monomials: E_F[i] - E_G[j], c_F[i] - c_G[j]), exactly."""
        F, G = self._trop.numerator, self._trop.denominator
        J = np.empty((len(self.members), 1, self.dim), dtype=object)
        c = np.empty((len(self.members), 1), dtype=object)
        for r, m in enumerate(self.members):
            i, j = self.cells[int(m[0])]
            J[r, 0] = F.exponents[i] - G.exponents[j]
            c[r, 0] = F.coefficients[i] - G.coefficients[j]
        return _view(J, exact), _view(c, exact)

    def polygons(self, view=None) -> List[List[np.ndarray]]:
        """d = 2: each linear region's cells as float64 ccw polygons clipped to ``view`` ((x0, x1),
        (y0, y1); default (-3, 3)^2), for pictures (the clipping is in floats)."""
        if self.dim != 2:
            raise InputError(f"polygons() draws d = 2; this map has d = {self.dim}")
        from .plot import _clip, _square  # the one polygon clipper of the pictures
        v = np.array([[-3.0, 3.0], [-3.0, 3.0]] if view is None else view, dtype=np.float64)
        polys = []
        for c in range(len(self.cells)):
            P = _square(v)
            for a, h in zip(*self.halfspaces(c)):
                P = _clip(P, a, h)
            polys.append(P)
        return [[polys[int(c)] for c in m] for m in self.members]


class MonomialRegion(NamedTuple):
    """The region where monomial ``monomial`` attains the maximum: {x : A x <= b} (exact rows: float64,
    or Fractions with ``exact=True``), whether it is bounded, and its volume in the box given to
    :meth:`TropicalPolynomial.regions` (None without a box)."""
    monomial: int
    A: np.ndarray
    b: np.ndarray
    bounded: bool
    volume: object


class TropicalPolynomial:
    """max_i (c_i + <alpha_i, x>), exact and immutable.

    ``exponents``: (k, d) numbers or Fractions; ``coefficients``: (k,).  ``len(p)`` is the number of
    distinct monomials after merging duplicates.

    Parameters
    ----------
    exponents : (k, d) array_like
        One exponent vector per monomial.
    coefficients : (k,) array_like
        One coefficient per monomial.
    """

    __slots__ = ("_core", "_E", "_c", "_sub")

    def __init__(self, exponents, coefficients):
        E = _seam.exact_matrix(exponents, "exponents", min_rows=1, expected="(k, d) with k, d >= 1")
        c = _seam.numbers_array(coefficients, "coefficients")
        if c.shape != (E.shape[0],):
            raise InputError(f"coefficients have shape {c.shape}; expected ({E.shape[0]},), one per exponent row")
        from . import _core
        self._set(_core.TropPoly(E.shape[1], E, c))

    def _set(self, core) -> None:
        self._core, self._E, self._c, self._sub = core, None, None, None

    @classmethod
    def _wrap(cls, core) -> "TropicalPolynomial":
        p = cls.__new__(cls)
        p._set(core)
        return p

    # --- data ---------------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Number of variables d."""
        return self._core.d

    @property
    def exponents(self) -> np.ndarray:
        """(k, d) read-only object array of Fractions, rows sorted lexicographically."""
        if self._E is None:
            self._E = self._core.exponents
            self._E.setflags(write=False)
        return self._E

    @property
    def coefficients(self) -> np.ndarray:
        """(k,) read-only object array of Fractions, matching the exponent rows."""
        if self._c is None:
            self._c = self._core.coefficients
            self._c.setflags(write=False)
        return self._c

    def __len__(self) -> int:
        return len(self._core)

    def __reduce__(self):
        return (TropicalPolynomial, (self.exponents.tolist(), self.coefficients.tolist()))

    # --- algebra ------------------------------------------------------------------------------------
    def _other(self, q) -> "TropicalPolynomial":
        if isinstance(q, TropicalPolynomial):
            if q.dim != self.dim:
                raise InputError(f"tropical polynomials in {self.dim} and {q.dim} variables")
            return q
        # A number is the constant monomial.
        return TropicalPolynomial(np.zeros((1, self.dim)), [_seam.exact_scalar(q, "constant")])

    def __add__(self, q) -> "TropicalPolynomial":
        """Tropical sum p ⊕ q = max(p, q)."""
        return TropicalPolynomial._wrap(self._core.sum(self._other(q)._core))

    def __mul__(self, q) -> "TropicalPolynomial":
        """Tropical product p ⊙ q = p + q (a number shifts every coefficient)."""
        if not isinstance(q, TropicalPolynomial):
            return TropicalPolynomial._wrap(self._core.shift(_seam.exact_scalar(q, "constant")))
        return TropicalPolynomial._wrap(self._core.product(self._other(q)._core))

    __radd__ = __add__
    __rmul__ = __mul__

    def __pow__(self, r) -> "TropicalPolynomial":
        """p^r = r p for a non-negative rational r (p^0 is the constant 0)."""
        rq = _seam.exact_scalar(r, "power")
        if rq < 0:
            raise InputError(f"tropical power must be a non-negative rational; got {r!r}")
        return TropicalPolynomial._wrap(self._core.power(rq))

    def __eq__(self, q) -> bool:
        """Formal equality (same canonical monomials); use prune() first for functional equality."""
        if not isinstance(q, TropicalPolynomial):
            return NotImplemented
        return (self.dim == q.dim and len(self) == len(q) and np.array_equal(self.exponents, q.exponents)
                and np.array_equal(self.coefficients, q.coefficients))

    __hash__ = None

    # --- function -----------------------------------------------------------------------------------
    def evaluate(self, x, *, exact: bool = False):
        """f at one point (d,) or at the rows of (N, d), computed exactly: float64 (rounded), or
        Fraction(s) with ``exact=True``.  Points may be floats, ints or Fractions."""
        P, single = _seam.points(x, self.dim, "x")
        out = self._core.evaluate(P, exact)
        return out[0] if single else out

    __call__ = evaluate

    def prune(self, *, max_seconds: Optional[float] = None, progress=None) -> "TropicalPolynomial":
        """The same function with only the upper-hull vertices of the lifted points (exact).  A stop
        raises BudgetExceeded whose ``partial`` is the same function partly pruned (every monomial
        not yet proven redundant)."""
        with _run.progress(progress, "monomials") as tick:
            core, why = self._core.prune(max_seconds=_run.seconds(max_seconds), progress=tick)
        if why:
            raise BudgetExceeded(f"prune stopped by {why}", partial=TropicalPolynomial._wrap(core), reason=why)
        return TropicalPolynomial._wrap(core)

    def count_regions(self, *, max_seconds: Optional[float] = None, progress=None) -> int:
        """Number of linear regions of max_i(c_i + <alpha_i, x>) with distinct monomials: the number of
        upper-hull vertices (each is the maximum on one convex full-dimensional region).  A stop's
        ``partial`` is the partly pruned polynomial: its length bounds the count from above."""
        return len(self.prune(max_seconds=max_seconds, progress=progress))

    def newton_polytope(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
        """Vertices of conv(alpha_i) as a (v, d) array, sorted: float64, or Fractions with ``exact=True``.

        Exact: CGAL's 2-D hull / 3-D extreme points (exact kernel) when the exponents span an affine
        space of dimension <= 3; above, alpha_i is a vertex iff <alpha_i, x> is the strict maximum on
        an open cone, which prune() with all coefficients zero decides."""
        return _view(_vertices(self._core, max_seconds, progress), exact)

    def lifted_polytope(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
        """Vertices of P(f) = conv{(alpha_i, c_i)} as a (v, d + 1) array, sorted: float64, or
        Fractions with ``exact=True``."""
        return _view(_vertices(self._core.lifted(), max_seconds, progress), exact)

    def upper_vertices(self, *, max_seconds: Optional[float] = None, progress=None) -> List[int]:
        """Indices of the monomials that are upper-hull vertices (the ones prune() keeps)."""
        with _run_core("monomials", progress, "upper_vertices") as tick:
            return list(self._core.upper_vertices(max_seconds=_run.seconds(max_seconds), progress=tick))

    def regions(self, box=None, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> List[MonomialRegion]:
        """The region of each monomial that is the strict maximum somewhere (the upper-hull vertices,
        by index into this polynomial): {x : (alpha_k - alpha_i) x <= c_i - c_k for the other kept
        k}, exact, with its bounded flag (an exact LP on its recession cone) and, when ``box`` (a
        tropgeom.Box) is given, its exact volume inside the box (float, or Fraction with
        ``exact=True``).  The regions cover R^d and meet only on their boundaries."""
        from . import _core, polytope
        clock = _run.Deadline(max_seconds)
        keep = self.upper_vertices(max_seconds=max_seconds, progress=progress)
        q = self if len(keep) == len(self) else TropicalPolynomial(self.exponents[keep], self.coefficients[keep])
        with _run_core("regions", progress, "regions") as tick:
            bounded = _core.bounded_regions(q._core, max_seconds=_run.seconds(clock.left(what="regions")), progress=tick)
        E, c = q.exponents, q.coefficients
        if box is not None:
            from .regions import Box
            if not isinstance(box, Box):
                raise InputError(f"box must be a tropgeom.Box; got {type(box).__name__}")
            BA, Bb = box.halfspaces(self.dim)
        out = []
        for k, i in enumerate(keep):
            others = [j for j in range(len(q)) if j != k]
            A = (E[others] - E[k]).reshape(len(others), self.dim)
            b = c[k] - c[others]
            vol = None
            if box is not None:
                vol = polytope.volume(np.vstack([A, _seam.fractions(BA)]), np.concatenate([b, _seam.fractions(Bb)]),
                                      exact=exact, max_seconds=clock.left(what="regions"))
            out.append(MonomialRegion(i, _view(A, exact), _view(b, exact), bool(bounded[k]), vol))
        return out

    def _subdivision(self, max_seconds, progress) -> dict:
        if self._sub is None:
            from . import _core
            with _run_core("cells", progress, "the subdivision") as tick:
                self._sub = _core.subdivision(self._core, max_seconds=_run.seconds(max_seconds), progress=tick)
        return self._sub

    def upper_hull(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> List[UpperFace]:
        """The upper facets of P(f), exactly: each with every monomial on it (upper-hull vertices and
        lifted points inside the face) and its outer normal (x, 1).  Facets are faces of dimension
        dim(Newton polytope); when the lift is flat (all points coplanar) the one facet is P(f) itself.
        Found by walking the tropical hypersurface from vertex to vertex (exact rational algebra).
        Normals are floats (the exact values rounded), or Fractions with ``exact=True``."""
        return sorted(UpperFace(tuple(m), _tuple(tuple(x) + (Fraction(1),), exact))
                      for m, x in self._subdivision(max_seconds, progress)["cells"])

    def dual_subdivision(self, *, max_seconds: Optional[float] = None, progress=None) -> List[List[int]]:
        """Cells of the regular subdivision of the exponents induced by the coefficients (the upper
        facets projected down), each as the sorted list of monomial indices on it; one cell per linear
        piece of the hypersurface's vertex set.  A flat lift (e.g. the unit square with equal
        coefficients) gives one cell holding all its points."""
        return [list(f.monomials) for f in self.upper_hull(max_seconds=max_seconds, progress=progress)]

    def hypersurface(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None):
        """The tropical hypersurface {x : the maximum is attained at least twice}, found exactly; its
        points and directions are floats (the exact values rounded), or Fractions with ``exact=True``.

        d = 1: the sorted breakpoints (Fractions).  d = 2: a list of :class:`HypersurfacePiece`
        (segments between vertices, rays, or whole lines when the Newton polytope is a segment)."""
        if self.dim > 2:
            raise InputError(f"hypersurface() gives pieces for d = 1 and 2; this polynomial has d = {self.dim} "
                             "(use dual_subdivision(): its cells are the hypersurface's vertices)")
        clock = _run.Deadline(max_seconds)
        sub = self._subdivision(max_seconds, progress)
        if sub["rank"] == 0:
            return []
        if self.dim == 1:
            return list(_tuple(sorted(x[0] for _, x in sub["cells"]), exact))
        vertices = set(self.upper_vertices(max_seconds=clock.left(what="hypersurface"), progress=progress))

        def pair(monomials):  # an edge's upper vertices are its two ends; other points lie between
            return tuple(i for i in monomials if i in vertices)

        if sub["rank"] == 1:  # the Newton polytope is a segment: each cell (a point mod lineality) is a line
            line = _tuple(sub["lineality"][0], exact)
            return [HypersurfacePiece("line", _tuple(x, exact), None, line, pair(m), tuple(m)) for m, x in sub["cells"]]
        cells = sub["cells"]
        pieces = []
        for m, c, other, v in sub["edges"]:
            x = _tuple(cells[c][1], exact)
            if other < 0:
                pieces.append(HypersurfacePiece("ray", x, None, _tuple(v, exact), pair(m), tuple(m)))
            else:
                pieces.append(HypersurfacePiece("segment", x, _tuple(cells[other][1], exact), None, pair(m), tuple(m)))
        return pieces

    # --- text ---------------------------------------------------------------------------------------
    def _monomial(self, i: int) -> str:
        terms = []
        for j, a in enumerate(self.exponents[i], start=1):
            if a == 0:
                continue
            coef = "" if a == 1 else ("-" if a == -1 else (f"{a}" if a.denominator == 1 else f"({a})"))
            terms.append(f"{coef}x{j}")
        c = self.coefficients[i]
        if not terms:
            return str(c)
        body = " + ".join(terms).replace("+ -", "- ")
        return body if c == 0 else f"{c} + {body}".replace("+ -", "- ")

    def __str__(self) -> str:
        # Highest exponents first, as usually written.
        parts = [self._monomial(i) for i in reversed(range(len(self)))]
        return parts[0] if len(parts) == 1 else "max(" + ", ".join(parts) + ")"

    def __repr__(self) -> str:
        if len(self) > 8:  # short: the text of thousands of monomials is no repr
            return f"TropicalPolynomial({len(self)} monomials, d={self.dim})"
        return f"TropicalPolynomial({self}, d={self.dim})"

    def to_dict(self) -> dict:
        return {
            "type": "TropicalPolynomial",
            "schema_version": 1,
            "dim": self.dim,
            "exponents": [[str(a) for a in row] for row in self.exponents],
            "coefficients": [str(c) for c in self.coefficients],
        }

    def to_json(self) -> str:
        """Exact JSON: rationals as strings "p/q"."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "TropicalPolynomial":
        """The polynomial of a :meth:`to_json` document (str or dict); InputError if it is not one."""
        return cls._from_dict(_seam.json_doc(text, "TropicalPolynomial", "TropicalPolynomial"))

    @classmethod
    def _from_dict(cls, data: dict) -> "TropicalPolynomial":
        try:
            E = [[Fraction(a) for a in row] for row in data["exponents"]]
            c = [Fraction(v) for v in data["coefficients"]]
            d = int(data["dim"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            raise InputError(f"not a TropicalPolynomial JSON document ({e!r})") from None
        return cls(np.array(E, dtype=object).reshape(len(E), d), c)


class TropicalRational:
    """numerator ⊘ denominator: the function x -> numerator(x) - denominator(x).

    A map made by :func:`tropicalize` (pruned) remembers its network and output, so that
    :meth:`linear_regions` and :func:`linear_regions` use the region engine on it (not pickled or
    written to JSON: equality and the function do not depend on it).

    Parameters
    ----------
    numerator, denominator : TropicalPolynomial
        F and G.
    """

    __slots__ = ("numerator", "denominator", "_source")

    def __init__(self, numerator: TropicalPolynomial, denominator: TropicalPolynomial):
        if not isinstance(numerator, TropicalPolynomial) or not isinstance(denominator, TropicalPolynomial):
            raise InputError("TropicalRational needs two TropicalPolynomial objects")
        if numerator.dim != denominator.dim:
            raise InputError(f"numerator has {numerator.dim} variables, denominator {denominator.dim}")
        object.__setattr__(self, "numerator", numerator)
        object.__setattr__(self, "denominator", denominator)
        object.__setattr__(self, "_source", None)  # (net, output) when made by tropicalize

    def __setattr__(self, name, value):
        raise AttributeError("TropicalRational is immutable")

    @property
    def dim(self) -> int:
        return self.numerator.dim

    def evaluate(self, x, *, exact: bool = False):
        """F(x) - G(x) at one point or at the rows of X, computed exactly: float64 (the exact
        difference rounded), or Fractions with ``exact=True``."""
        v = self.numerator.evaluate(x, exact=True) - self.denominator.evaluate(x, exact=True)
        return v if exact else (float(v) if isinstance(v, Fraction) else _seam.floats(v))

    __call__ = evaluate

    def prune(self, *, max_seconds: Optional[float] = None, progress=None) -> "TropicalRational":
        """Both sides pruned (the same map).  A stop's ``partial`` is the same map partly pruned."""
        clock = _run.Deadline(max_seconds)
        try:
            F = self.numerator.prune(max_seconds=max_seconds, progress=progress)
        except BudgetExceeded as e:
            e.partial = TropicalRational(e.partial, self.denominator)
            raise
        try:
            G = self.denominator.prune(max_seconds=clock.left(TropicalRational(F, self.denominator), "prune"),
                                       progress=progress)
        except BudgetExceeded as e:
            e.partial = TropicalRational(F, e.partial if e.partial is not None else self.denominator)
            raise
        return TropicalRational(F, G)

    def __eq__(self, q) -> bool:
        """Formal equality of numerator and denominator."""
        if not isinstance(q, TropicalRational):
            return NotImplemented
        return self.numerator == q.numerator and self.denominator == q.denominator

    __hash__ = None

    def __reduce__(self):
        return (TropicalRational, (self.numerator, self.denominator))

    def __str__(self) -> str:
        return f"{self.numerator} - {self.denominator}"

    def __repr__(self) -> str:
        return f"TropicalRational(F: {len(self.numerator)} monomials, G: {len(self.denominator)}, d={self.dim})"

    def linear_regions(self, *, max_seconds: Optional[float] = None, threads: Optional[int] = None,
                       progress=None) -> "LinearPieces":
        """The linear regions of F ⊘ G with the monomials on each: for a map made by
        :func:`tropicalize`, by the region engine on its net (``pieces.regions`` is
        ``regions(net, kind="linear")`` for this output alone); for any other map (built from
        monomials, reloaded from JSON), by the core's walk over the cells {F = f_i} ∩ {G = g_j}
        (as :func:`linear_regions` counts them; ``pieces.regions`` is a :class:`MapCells`: each
        region's cells with exact H-representations, interior points and affine maps; one thread).
        ``pieces.pairs[i]``: the sorted (F monomial, G monomial) index pairs making up linear region
        i (F - G is one affine map there; F and G need not be).  Exact; a stop raises
        BudgetExceeded (partial None).

        Parameters
        ----------
        max_seconds : float, optional
            Stop after this many seconds.
        threads : int, optional
            Worker threads of the region search on a map's net (None: every usable core); the walk
            of a map without its net runs on one.
        progress : None, bool or callable, optional
            Progress reporting, as everywhere.

        Returns
        -------
        LinearPieces
            The linear regions and the monomial pairs on each.
        """
        clock = _run.Deadline(max_seconds)
        threads = _run.threads(threads)
        try:
            with _run.interruptible("linear_regions"):  # a Ctrl-C in the Python steps
                if self._source is not None:
                    return self._net_pieces(clock, threads, progress)
                cells, label, pairs = _linear_cells(self, clock.left(what="linear_regions"), progress)
                return LinearPieces(MapCells(self, cells, label), pairs)
        except BudgetExceeded as e:
            raise BudgetExceeded(f"linear_regions stopped by {e.reason}", partial=None, reason=e.reason) from None

    def _net_pieces(self, clock, threads, progress) -> "LinearPieces":
        from . import _core
        from .regions import regions
        net = _output_net(*self._source)
        rs = regions(net, kind="linear", max_seconds=clock.left(what="linear_regions"), threads=threads, progress=progress)
        with _run_core("regions", False, "linear_regions") as tick:  # a second pass over the same regions
            _, patterns, num, den, complete, reason = _core.tropical_pieces(
                net.core, max_seconds=_run.seconds(clock.left(what="linear_regions")), progress=tick, threads=threads)
            if not complete:
                raise BudgetExceeded("linear_regions stopped", reason=reason)
        if not np.array_equal(patterns, rs.activation.patterns):
            raise InternalError("linear_regions: the region engine gave two orders")  # both sort by pattern
        pairs = tuple(tuple(sorted({(int(num[k, 0]), int(den[k, 0])) for k in m})) for m in rs.members)
        return LinearPieces(rs, pairs)

    def _max_plus_pieces(self, clock, threads, progress) -> "LinearPieces":
        """The former path for a map without its net, kept as the test oracle
        (:func:`_linear_pieces_reference`).  On the activation regions of the max-plus net F and G are one monomial each (the
        tournament winners): the regions with one pair (i, j) make up the convex cell
        {F = f_i} ∩ {G = g_j}, and the linear regions are those cells glued where equal maps share
        a facet (LPs only between cells with one map, not between all activation regions)."""
        from . import _core
        from .regions import RegionSet, regions
        sides = []
        for p in (self.numerator, self.denominator):
            q = _no_partial(p.prune, clock.left(what="linear_regions"), progress)
            index = {tuple(r): i for i, r in enumerate(p.exponents)}  # pruned rows -> this map's indices
            sides.append((q, np.array([index[tuple(r)] for r in q.exponents], dtype=np.int64)))
        (Fp, iF), (Gp, iG) = sides
        net, plan = _max_plus_net(Fp, Gp, clock)
        act = regions(net, max_seconds=clock.left(what="linear_regions"), threads=threads, progress=progress)
        P = act.patterns
        wF, wG = _winners(P, plan, 0, len(Fp)), _winners(P, plan, 1, len(Gp))
        cells, cell_of = np.unique(np.stack([wF, wG], axis=1), axis=0, return_inverse=True)
        with _run_core("cells", False, "linear_regions") as tick:
            label = np.asarray(_core.glue_cells(Fp._core, Gp._core, [tuple(map(int, c)) for c in cells],
                                                max_seconds=_run.seconds(clock.left(what="linear_regions")),
                                                progress=tick), dtype=np.int64)
        region_label = label[np.ravel(cell_of)]
        members = [np.flatnonzero(region_label == k) for k in range(int(label.max()) + 1)]
        pairs = tuple(tuple(sorted({(int(iF[wF[k]]), int(iG[wG[k]])) for k in m})) for m in members)
        return LinearPieces(RegionSet(act._store, "linear", members), pairs)

    def to_dict(self) -> dict:
        return {"type": "TropicalRational", "schema_version": 1, "numerator": self.numerator.to_dict(),
                "denominator": self.denominator.to_dict()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "TropicalRational":
        """The map of a :meth:`to_json` document (str or dict); InputError if it is not one."""
        data = _seam.json_doc(text, "TropicalRational", "TropicalRational")
        try:
            F, G = data["numerator"], data["denominator"]
        except KeyError as e:
            raise InputError(f"not a TropicalRational JSON document (missing {e})") from None
        return cls(TropicalPolynomial.from_json(F), TropicalPolynomial.from_json(G))


def tropicalize(net, *, prune: bool = True, max_monomials: Optional[int] = None,
                max_seconds: Optional[float] = None, progress=None, threads: Optional[int] = None) -> List[TropicalRational]:
    """The net as one tropical rational map F ⊘ G per output, exactly: F(x) - G(x) is the forward pass.

    ``net``: what :func:`tropgeom.regions` takes (a Network, a list of (W, b) pairs, a torch module).
    A LeakyReLU layer max(z, a z), z = H - G', becomes F' = max(H + a G', a H + G'), G'' = (1 + a) G'
    (exponents rational as a is).
    Layer recursion of Zhang–Naitzat–Lim (DESIGN §5.2).  ``prune=True`` (default) gives the pruned
    maps, read off the activation regions: on each region every F^l, G^l of the recursion is affine
    (F' is H or G' by the neuron's state), so the output's F and G are one monomial there, and the
    distinct ones are exactly the upper-hull vertices (the same monomials as pruning the expansion).
    The region search is exact and uses ``threads`` (None: every usable core; the answer does not
    depend on it).  ``prune=False`` expands every product: sizes grow like products of powers of the
    widths, and ``max_monomials`` (default 10^6) stops a run whose next product would exceed it.

    A stop (``max_monomials``, ``max_seconds``, Ctrl-C) raises BudgetExceeded with ``reason``
    "max_monomials", "max_seconds" or "interrupted".  Pruned, its ``partial`` is one map per output
    made of the monomials of the regions found so far (each exactly a monomial of the pruned F or G;
    F and G of the partial maps are below the true ones); unpruned, ``partial`` is None.

    Parameters
    ----------
    net : Network or anything Network.from_any reads
        The network.
    prune : bool
        The pruned maps, read off the activation regions (default True), or the full expansion.
    max_monomials : int, optional
        Stop before a product would exceed this many monomials.
    max_seconds : float, optional
        Stop after this many seconds.
    progress : None, bool or callable, optional
        Progress reporting, as everywhere.
    threads : int, optional
        Worker threads of the region search (None: every usable core).

    Returns
    -------
    list of TropicalRational
        One map per output.

    Raises
    ------
    BudgetExceeded
        A budget or Ctrl-C stopped the run (``partial``: the monomials found so far, when pruned).
    """
    net = _seam.network(net)
    if max_monomials is None:
        max_monomials = 0 if prune else 10 ** 6
    else:
        max_monomials = _seam.count_budget(max_monomials, "max_monomials")
    threads = _run.threads(threads)
    from . import _core
    complete, reason = True, ""
    with _run_core("regions" if prune else "products", progress, "tropicalize", "max_monomials") as tick:
        if prune:
            pairs, _, _, _, complete, reason = _core.tropical_pieces(net.core, max_seconds=_run.seconds(max_seconds),
                                                                     progress=tick, threads=threads)
        else:
            pairs = _core.tropicalize(net.core, False, max_monomials, max_seconds=_run.seconds(max_seconds),
                                      progress=tick, threads=threads)
    maps = [TropicalRational(TropicalPolynomial._wrap(F), TropicalPolynomial._wrap(G)) for F, G in pairs]
    if not complete:  # the monomials of the regions found: each an exact monomial of the pruned F or G
        why = _run.reason(reason, "max_monomials")
        raise BudgetExceeded(f"tropicalize stopped by {why}; partial: the monomials of the regions found so far",
                             partial=maps, reason=why)
    if prune:
        for o, m in enumerate(maps):
            object.__setattr__(m, "_source", (net, o))
    return maps


def _output_net(net: Network, o: int) -> Network:
    """The net with output o alone (the same hidden layers, so the same activation regions)."""
    if net.output_dim == 1:
        return net
    layers = net.exact_layers
    W, b = layers[-1]
    return Network(layers[:-1] + [(W[o:o + 1], b[o:o + 1])], relu=net.relu, negative_slopes=net.negative_slopes)


def _max_plus_net(F: TropicalPolynomial, G: TropicalPolynomial, clock: Optional[_run.Deadline] = None):
    """A ReLU net computing F - G exactly, whose activation regions are no finer than needed: F and
    G each by a tournament, max(u, v) = v + relu(u - v).  What a later layer needs of x and of the
    running sums is carried through ReLUs of non-negative quantities (relu(x_j), relu(-x_j), the
    sums of earlier relu(u - v)), which never cut a region.  Returns (net, plan): plan[s] lists, per
    polynomial and stage, the (hidden neuron, a, b) of each match (winner a when active, else b)
    and (None, a, a) for a bye, a the index of the current maximum.  ``clock`` (a Deadline) is polled
    at every match: a spent budget raises BudgetExceeded("max_seconds") with partial None."""
    d = F.dim
    zero = Fraction(0)
    # A current maximum: g (affine in x: (d,) exponents, constant) plus u (a linear form >= 0 in y).
    state = [[(p.exponents[i], p.coefficients[i], {}) for i in range(len(p))] for p in (F, G)]
    X = [{j: Fraction(1)} for j in range(d)]  # x_j as a linear form in the layer inputs y

    def minus(p: dict, q: dict) -> dict:  # the linear form p - q
        out = dict(p)
        for t, w in q.items():
            out[t] = out.get(t, zero) - w
        return out

    def x_form(g) -> dict:  # g . x in terms of y
        out = {}
        for j, a in enumerate(g):
            if a != 0:
                for t, w in X[j].items():
                    out[t] = out.get(t, zero) + a * w
        return out

    layers, plan, width, hidden = [], [], d, 0
    while any(len(side) > 1 for side in state):
        rows, bias = [], []

        def neuron(form: dict, b) -> int:
            row = [zero] * width
            for j, a in form.items():
                row[j] += a
            rows.append(row), bias.append(b)
            return len(rows) - 1

        pos = [neuron(X[j], zero) for j in range(d)]  # relu(x_j), relu(-x_j): x = pos - neg
        neg = [neuron({t: -w for t, w in X[j].items()}, zero) for j in range(d)]
        stage_plan, new_state = [], []
        for side in state:
            matches, nxt = [], []
            paired = len(side) // 2
            for k in range(0, 2 * paired, 2):
                if clock is not None:
                    clock.left(what="linear_regions")
                (ga, ca, ua), (gb, cb, ub) = side[k], side[k + 1]
                v = neuron(minus(minus(x_form(ga), x_form(gb)), minus(ub, ua)), ca - cb)  # m_a - m_b
                u = {v: Fraction(1)}
                if ub:
                    u[neuron(ub, zero)] = Fraction(1)
                matches.append((hidden + v, k, k + 1))
                nxt.append((gb, cb, u))
            for k in range(2 * paired, len(side)):  # byes
                g, c, u = side[k]
                matches.append((None, k, k))
                nxt.append((g, c, {neuron(u, zero): Fraction(1)} if u else {}))
            stage_plan.append(matches)
            new_state.append(nxt)
        layers.append((np.array(rows, dtype=object).reshape(len(rows), width), np.array(bias, dtype=object)))
        plan.append(stage_plan)
        hidden += len(rows)
        width, state = len(rows), new_state
        X = [{pos[j]: Fraction(1), neg[j]: Fraction(-1)} for j in range(d)]
    (gF, cF, uF), (gG, cG, uG) = state[0][0], state[1][0]
    out = minus(minus(x_form(gF), x_form(gG)), minus(uG, uF))
    row = [zero] * width
    for t, w in out.items():
        row[t] += w
    layers.append((np.array([row], dtype=object), np.array([cF - cG], dtype=object)))
    pairs = []
    for pair in layers:
        if clock is not None:
            clock.left(what="linear_regions")
        pairs.append(tuple(_doubles_if_exact(a) for a in pair))
    return Network(pairs), plan


def _doubles_if_exact(a: np.ndarray) -> np.ndarray:
    """A Fraction array as float64 when every entry is a double exactly (the network reads float64
    arrays without a per-entry Python conversion), else as it is.  The test runs on the distinct
    values (a max-plus net's weights are mostly 0 and +-1)."""
    import math
    for v in set(a.ravel().tolist()):
        f = float(v)
        if not math.isfinite(f) or Fraction(f) != v:
            return a
    return a.astype(np.float64)


def _winners(patterns: np.ndarray, plan, side: int, k: int) -> np.ndarray:
    """The monomial of F (side 0) or G (side 1) attaining the maximum on each activation region of
    the max-plus net: its tournament replayed on the pattern bits (strict on a region's interior)."""
    ids = np.tile(np.arange(k), (len(patterns), 1))
    for stage in plan:
        cols = [ids[:, a] if n is None else np.where(patterns[:, n], ids[:, a], ids[:, b]) for n, a, b in stage[side]]
        ids = np.stack(cols, axis=1) if cols else ids
    return ids[:, 0]


def _tropicalize_reference(net, *, prune: bool = True, max_seconds: Optional[float] = None) -> List[TropicalRational]:
    """The former path, kept as a test oracle: the recursion expanded product by product and pruned
    after every product and every layer (slow: exact upper hulls of every partial product)."""
    net = _seam.network(net)
    from . import _core
    with _run_core("products", False, "tropicalize") as tick:
        pairs = _core.tropicalize_expanded(net.core, bool(prune), 0, max_seconds=_run.seconds(max_seconds), progress=tick)
    return [TropicalRational(TropicalPolynomial._wrap(F), TropicalPolynomial._wrap(G)) for F, G in pairs]


def _vertices(core, max_seconds=None, progress=None) -> np.ndarray:
    """Exact vertices of conv(exponent rows of a core polynomial), sorted: CGAL's exact hulls in
    affine dimension <= 3; above, a point is a vertex iff it is the strict maximum of a linear form on
    an open set of forms, which is what prune() decides for zero coefficients."""
    with _run_core("points", progress, "the hull") as tick:
        keep = core.hull_vertices(max_seconds=_run.seconds(max_seconds), progress=tick)
    return TropicalPolynomial._wrap(core).exponents[keep]


def _no_partial(prune, max_seconds, progress) -> "TropicalPolynomial":
    """prune() for a caller whose own partial result would not be meaningful: a stop has partial None."""
    try:
        return prune(max_seconds=max_seconds, progress=progress)
    except BudgetExceeded as e:
        e.partial = None
        raise


def linear_regions(trop: TropicalRational, *, max_seconds: Optional[float] = None, progress=None,
                   threads: Optional[int] = None) -> int:
    """Number of linear regions of x -> F(x) - G(x) over R^d, exactly, by the region engine
    (:meth:`TropicalRational.linear_regions`): for a map made by :func:`tropicalize`, the linear
    regions of its net (``regions(net, kind="linear")``, one output); for any other map (built from
    monomials, reloaded from JSON), a walk over the cells {F = f_i} ∩ {G = g_j} from facet to facet
    (each cell's rows a superset of its facets, full-dimensional candidates decided by a float filter
    with exact certificates; cells with one affine map glued across shared facets; one thread).
    A stop raises BudgetExceeded (partial None).

    Parameters
    ----------
    trop : TropicalRational
        The map F ⊘ G.
    max_seconds : float, optional
        Stop after this many seconds.
    progress : None, bool or callable, optional
        Progress reporting, as everywhere.
    threads : int, optional
        Worker threads of the region search on a map's net (None: every usable core); the walk of a
        map without its net runs on one.

    Returns
    -------
    int
        The number of linear regions.
    """
    if not isinstance(trop, TropicalRational):
        raise InputError(f"linear_regions needs a TropicalRational; got {type(trop).__name__}")
    if trop._source is not None:  # a net's map: its linear regions, without the monomial pairs
        from .regions import regions
        try:
            return regions(_output_net(*trop._source), kind="linear", max_seconds=max_seconds, progress=progress,
                           threads=threads).count
        except BudgetExceeded as e:
            raise BudgetExceeded(f"linear_regions stopped by {e.reason}", partial=None, reason=e.reason) from None
    return len(_linear_cells(trop, max_seconds, progress)[2])


def _linear_cells(trop: TropicalRational, max_seconds=None, progress=None):
    """(cells, label, pairs) of a map without its net, by the core's walk over the full-dimensional
    cells {F = f_i} ∩ {G = g_j} (``linear_cells``): cells the (i, j) index pairs into this map's
    monomials, label[c] the linear region of cell c, pairs[r] the sorted pairs of linear region r."""
    from . import _core
    with _run_core("cells", progress, "linear_regions") as tick:
        cells, label, count = _core.linear_cells(trop.numerator._core, trop.denominator._core,
                                                  max_seconds=_run.seconds(max_seconds), progress=tick)
    pairs = [[] for _ in range(count)]
    for c, r in zip(cells, label):
        pairs[r].append(tuple(c))
    return cells, label, tuple(tuple(sorted(p)) for p in pairs)


def _linear_pieces_reference(trop: TropicalRational, *, threads: int = 1, max_seconds: Optional[float] = None) -> LinearPieces:
    """The former :meth:`TropicalRational.linear_regions` of a map without its net, kept as a test
    oracle: the region engine on the max-plus net of the pruned F and G (tournament winners read off
    each activation region, cells glued); its ``regions`` is a RegionSet of that net."""
    return trop._max_plus_pieces(_run.Deadline(max_seconds), threads, False)


def _linear_regions_reference(trop: TropicalRational, *, max_seconds: Optional[float] = None) -> int:
    """The former tropical-side count, kept as a test oracle: every full-dimensional intersection of
    a region of F with one of G (exact LP per pair), glued where equal maps share a facet."""
    from . import _core
    with _run_core("cells", False, "linear_regions") as tick:
        return _core.linear_regions(trop.numerator._core, trop.denominator._core,
                                    max_seconds=_run.seconds(max_seconds), progress=tick)


class Zonotope:
    """Z = offset + [0, g_1] + ... + [0, g_m] in R^D (the Minkowski sum of segments), exactly.

    Built as the tropical product of the binomials (x^{g_i} ⊕ 0), pruned after every factor: the
    vertices of a Minkowski sum are sums of vertices, so each step is one exact prune().

    Parameters
    ----------
    generators : (m, D) array_like
        The segments' directions g_i.
    offset : (D,) array_like, optional
        The offset (default 0).
    """

    __slots__ = ("_G", "_offset", "_V", "_U")

    def __init__(self, generators, offset=None):
        G = _seam.numbers_array(generators, "generators")
        if G.ndim != 2 or G.shape[1] == 0:
            raise InputError(f"generators have shape {G.shape}; expected (m, D) with D >= 1")
        G = _seam.fractions(G)
        o = _zeros(G.shape[1]) if offset is None else _seam.fractions(_seam.numbers_array(offset, "offset"))
        if o.shape != (G.shape[1],):
            raise InputError(f"offset has shape {o.shape}; expected ({G.shape[1]},)")
        for a in (G, o):
            a.setflags(write=False)
        self._G, self._offset, self._V, self._U = G, o, None, None

    @property
    def generators(self) -> np.ndarray:
        """(m, D) read-only object array of Fractions."""
        return self._G

    @property
    def offset(self) -> np.ndarray:
        return self._offset

    @property
    def dim(self) -> int:
        """The ambient dimension D."""
        return self._G.shape[1]

    def __eq__(self, other) -> bool:
        """Same generators (in order) and offset."""
        if not isinstance(other, Zonotope):
            return NotImplemented
        return self._G.shape == other._G.shape and np.array_equal(self._G, other._G) and np.array_equal(self._offset, other._offset)

    __hash__ = None

    def __reduce__(self):
        return (Zonotope, (self._G.tolist() if len(self._G) else np.zeros((0, self.dim)), self._offset.tolist()))

    def to_dict(self) -> dict:
        return {"type": "Zonotope", "schema_version": 1, "dim": self.dim,
                "generators": [[str(a) for a in row] for row in self._G], "offset": [str(a) for a in self._offset]}

    def to_json(self) -> str:
        """Exact JSON: rationals as strings "p/q"."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "Zonotope":
        """The zonotope of a :meth:`to_json` document (str or dict); InputError if it is not one."""
        data = _seam.json_doc(text, "Zonotope", "Zonotope")
        try:
            D = int(data["dim"])
            G = np.array([[Fraction(a) for a in row] for row in data["generators"]], dtype=object).reshape(-1, D)
            o = [Fraction(a) for a in data["offset"]]
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            raise InputError(f"not a Zonotope JSON document ({e!r})") from None
        return cls(G if len(G) else np.zeros((0, D)), o)

    def _sum(self, D: int, max_seconds, progress) -> TropicalPolynomial:
        """The product over generators of (x^{g[:D]} c ⊕ 0) with c = g[D] (0 when D is the full
        dimension), times the offset monomial, pruned as it grows; one clock for all the prunes."""
        def monomial(v):
            return TropicalPolynomial([v[:D]], [v[D] if D < self.dim else Fraction(0)])
        clock = _run.Deadline(max_seconds)
        acc = monomial(self._offset)
        with _run.interruptible("zonotope vertices"), _run.progress(progress, "generators") as tick:
            try:
                for k, g in enumerate(self._G):
                    left = clock.left(what="zonotope vertices")
                    acc = (acc * (monomial(g) + TropicalPolynomial([_zeros(D)], [0]))).prune(max_seconds=left, progress=False)
                    if tick:
                        tick(k + 1)
            except BudgetExceeded as e:  # a partly pruned partial sum is no zonotope
                e.partial = None
                raise
        return acc

    def vertices(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
        """The vertices, a (v, D) array, sorted, decided exactly: float64, or Fractions with ``exact=True``."""
        if self._V is None:
            self._V = self._sum(self.dim, max_seconds, progress).exponents
        return _view(self._V, exact)

    def count_vertices(self, *, max_seconds: Optional[float] = None, progress=None) -> int:
        """The number of vertices (exact)."""
        return len(self.vertices(exact=True, max_seconds=max_seconds, progress=progress))

    @property
    def num_vertices(self) -> int:
        """Deprecated (a property that runs the search): use count_vertices()."""
        import warnings
        warnings.warn("Zonotope.num_vertices is deprecated; use count_vertices()", FutureWarning, stacklevel=2)
        return self.count_vertices()

    def upper_vertices(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
        """Reading the last coordinate as a height (lifted generators (w_i, b_i)): the vertices of the
        upper hull, a (u, D) array (float64, or Fractions with ``exact=True``).  m generic segments in
        R^{d+1} give sum_{j<=d} C(m, j)."""
        if self._U is None:
            p = self._sum(self.dim - 1, max_seconds, progress)
            self._U = np.hstack([p.exponents, p.coefficients[:, None]])
            self._U.setflags(write=False)
        return _view(self._U, exact)

    def __repr__(self) -> str:
        return f"Zonotope({len(self._G)} generators in R^{self.dim})"


def zonotope(generators, offset=None) -> Zonotope:
    """The zonotope offset + sum_i [0, g_i] (rows of ``generators``), exact.

    Parameters
    ----------
    generators : (m, D) array_like
        The generators g_i.
    offset : (D,) array_like, optional
        The offset (default 0).

    Returns
    -------
    Zonotope
        The zonotope, exactly.
    """
    return Zonotope(generators, offset)


def one_layer_zonotopes(net: Network) -> List[Tuple[Zonotope, Zonotope]]:
    """(P(F), P(G)) per output of a one-hidden-layer ReLU net, as lifted zonotopes in R^{d+1}.

    From the recursion (DESIGN §5.2): hidden neuron i has F_i = G_i ⊙ ((w_i, b_i) ⊕ 0) with G_i the
    monomial W-_i x, so with output weights a and bias b_out
        F = b_out ⊙ prod_i G_i^{|a_i|} ⊙ prod_{a_i > 0} (a_i (w_i, b_i) ⊕ 0),
        G =         prod_i G_i^{|a_i|} ⊙ prod_{a_i < 0} (|a_i| (w_i, b_i) ⊕ 0):
    P(F) and P(G) are zonotopes generated by |a_i| (w_i, b_i) for the positive / negative output
    weights, translated by (sum_i |a_i| W-_i, b_out) and (sum_i |a_i| W-_i, 0)."""
    if not isinstance(net, Network):
        raise InputError(f"one_layer_zonotopes needs a tropgeom.Network; got {type(net).__name__}")
    if len(net.layers) != 2 or net.relu != (True, False):
        raise InputError(f"one_layer_zonotopes needs one ReLU hidden layer and a linear output; got {net!r}")
    (W1, b1), (W2, b2) = net.exact_layers
    lifted = np.hstack([W1, b1[:, None]])
    Wneg = np.where(W1 < 0, -W1, 0)
    out = []
    for a, c in zip(W2, b2):
        base = np.concatenate([(abs(a)[:, None] * Wneg).sum(axis=0), [Fraction(0)]])
        pos = np.array([ai * row for ai, row in zip(a, lifted) if ai > 0], dtype=object).reshape(-1, lifted.shape[1])
        neg = np.array([-ai * row for ai, row in zip(a, lifted) if ai < 0], dtype=object).reshape(-1, lifted.shape[1])
        out.append((Zonotope(pos, base + np.array([0] * (len(base) - 1) + [c], dtype=object)), Zonotope(neg, base)))
    return out
