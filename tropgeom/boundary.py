"""Exact decision boundaries in d dimensions (DESIGN §5.5).

A *piece* is the (d-1)-dimensional polyhedron {y_a = y_b} ∩ cl(R) of one activation region R on
which classes a and b tie above every other class (binary: {f = t}, the classes "below" (0) and
"above" (1) the threshold).  Each piece carries its exact H-representation (the region's rows, the
rows that keep a and b on top, and the equality), an exact relative-interior point and its region.
A piece lying in a facet of its region (the boundary runs along a neuron's zero set) is reported
once: by the region on the side where that neuron is active, or, facing a zero region, by the
other side (``on_facet``).  The region rows are
the domain's and those of the neurons that cut the region (not reduced to the irredundant ones).
Regions on which a and b tie identically (binary: f ≡ t) are ``zero_regions``, not pieces.

Components glue pieces whose intersection has dimension d - 2 (exact LPs): pieces of one region or
of adjacent regions first, then, while more than one component remains, through each piece's
(d-2)-faces and the regions around them.  The class regions are the connected components of
{x : class c strictly wins}: the open winning part of each region, glued across shared facets on
which c still wins somewhere (exact LPs, skipped where a region lies wholly in one class).

Every decision is exact (CGAL's exact LP); coordinates follow the package's one ``exact=`` rule.
"""
from __future__ import annotations

import json
import time
from fractions import Fraction
from typing import Optional

import numpy as np

from . import _run, _seam
from .errors import BudgetExceeded, InputError
from .network import Network

__all__ = ["decision_boundary", "Boundary"]


class Boundary:
    """The exact decision boundary of a network on a domain (see the module docstring).

    ``len(b)`` pieces; per piece: ``region[i]``, ``classes[i]`` (the tied pair a < b; binary (0, 1)),
    ``points(exact=)`` (relative-interior points), ``halfspaces(i, exact=)`` -> (A, b, normal, rhs)
    with the piece {A x <= b, normal . x = rhs}, ``on_facet[i]``, ``components[i]`` (a component label),
    ``num_components``.  ``zero_regions``: regions on which the tie is identical ((region, a, b) rows).
    ``class_regions[c]``: connected regions where class c wins (binary: ``negative_regions`` (f < t)
    and ``positive_regions`` (f > t)).  A partial result (after a stop) has the pieces found so far and
    None for the components and class regions.


    Attributes
    ----------
    region, classes, on_facet, components : numpy.ndarray
        Per piece: its region, tied class pair, whether it lies on a neuron's zero set, its component.
    zero_regions : numpy.ndarray
        (region, a, b) rows of regions on which the tie holds identically.
    num_components : int
        The number of connected components of the boundary (None when partial).
    complete : bool
        False after a stop (then ``stop_reason`` says which budget).
    """

    def __init__(self, *, net, domain, mode, threshold, output, pair, num_classes, num_regions, region,
                 classes, A, b, offsets, normal, rhs, points, on_facet, zero_regions, components,
                 class_regions, complete=True, stop_reason=""):
        self.net, self.domain, self.mode = net, domain, mode
        self.threshold, self.output, self.pair = threshold, output, pair
        self.num_classes, self.num_regions = int(num_classes), int(num_regions)
        self.region = np.asarray(region, dtype=np.int64)
        self.classes = np.asarray(classes, dtype=np.int64).reshape(-1, 2)
        d = net.input_dim
        self._A = np.asarray(A, dtype=object).reshape(-1, d)
        self._b = np.asarray(b, dtype=object).reshape(-1)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self._normal = np.asarray(normal, dtype=object).reshape(-1, d)
        self._rhs = np.asarray(rhs, dtype=object).reshape(-1)
        self._points = np.asarray(points, dtype=object).reshape(-1, d)
        self.on_facet = np.asarray(on_facet, dtype=bool)
        self.zero_regions = np.asarray(zero_regions, dtype=np.int64).reshape(-1, 3)
        self.components = None if components is None else np.asarray(components, dtype=np.int64)
        self.class_regions = None if class_regions is None else np.asarray(class_regions, dtype=np.int64)
        self.complete, self.stop_reason = bool(complete), str(stop_reason)

    # --- views ---------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.region)

    @property
    def dim(self) -> int:
        return self.net.input_dim

    @property
    def num_components(self) -> Optional[int]:
        return None if self.components is None else (int(self.components.max()) + 1 if len(self) else 0)

    @property
    def negative_regions(self) -> Optional[int]:
        """Binary: the connected components of {f < t}."""
        return self._binary_class(0)

    @property
    def positive_regions(self) -> Optional[int]:
        """Binary: the connected components of {f > t}."""
        return self._binary_class(1)

    def _binary_class(self, c):
        if self.mode != "binary":
            raise InputError("positive/negative regions are for mode='binary'; use class_regions")
        return None if self.class_regions is None else int(self.class_regions[c])

    def points(self, *, exact: bool = False) -> np.ndarray:
        """(pieces, dim) relative-interior points: float64, or exact Fractions with exact=True."""
        return self._points.copy() if exact else _seam.floats(self._points)

    def halfspaces(self, i: int, *, exact: bool = False):
        """(A, b, normal, rhs): piece i is {x : A x <= b, normal . x = rhs} (float64, or Fractions)."""
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not -len(self) <= i < len(self):
            raise InputError(f"piece index {i!r} out of range for {len(self)} pieces", index=i)
        i = int(i) % len(self)
        s = slice(self.offsets[i], self.offsets[i + 1])
        out = (self._A[s].copy(), self._b[s].copy(), self._normal[i].copy(), self._rhs[i])
        return out if exact else (_seam.floats(out[0]).reshape(-1, self.dim), _seam.floats(out[1]),
                                  _seam.floats(out[2]), float(out[3]))

    def __repr__(self) -> str:
        what = f"output {self.output} = {self.threshold}" if self.mode == "binary" and self.pair is None else \
            f"y{self.pair[0]} - y{self.pair[1]} = {self.threshold}" if self.mode == "binary" else "argmax"
        state = "" if self.complete else f", partial ({self.stop_reason})"
        comps = "" if self.components is None else f", {self.num_components} components"
        return (f"Boundary({what}: {len(self)} pieces{comps}, {len(self.zero_regions)} zero regions, "
                f"{self.num_regions} regions of {self.net!r}{state})")

    # --- ZNL18 -----------------------------------------------------------------------------------------
    def check_tropical(self, trop) -> np.ndarray:
        """Per piece: its interior point lies, exactly, in the tropical hypersurface of max(F, G + t)
        (Zhang-Naitzat-Lim 2018), where F ⊘ G = tropicalize(net)[output]; for a class pair (a, b)
        of several outputs, of max(F_a + G_b, F_b + G_a + t).  A point is on the hypersurface when the
        maximum is attained by two monomials with different exponents."""
        from .tropical import TropicalRational
        trop = list(trop) if isinstance(trop, (list, tuple)) else [trop]
        if not all(isinstance(r, TropicalRational) for r in trop) or len(trop) != self.net.output_dim:
            raise InputError(f"check_tropical needs tropicalize(net): {self.net.output_dim} TropicalRational maps")
        out = np.zeros(len(self), dtype=bool)
        for i in range(len(self)):
            a, b = (int(v) for v in self.classes[i])
            if self.mode == "binary":
                F, G, t = self._binary_pair(trop)
            else:  # y_b - y_a = (F_b + G_a) - (F_a + G_b)
                F, G, t = (trop[b].numerator * trop[a].denominator, trop[a].numerator * trop[b].denominator,
                           Fraction(0))
            out[i] = _on_hypersurface(F, G, t, self._points[i])
        return out

    def _binary_pair(self, trop):
        t = self.threshold
        if self.pair is None:
            r = trop[self.output]
            return r.numerator, r.denominator, t
        i, j = self.pair  # y_i - y_j = (F_i + G_j) - (F_j + G_i)
        return trop[i].numerator * trop[j].denominator, trop[j].numerator * trop[i].denominator, t

    # --- pickle, JSON, equality ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        q = lambda a: [str(v) for v in np.asarray(a, dtype=object).ravel()]  # noqa: E731
        return {
            "schema_version": _seam.SCHEMA_VERSION, "type": "Boundary", "network": self.net.to_dict(),
            "domain": None if self.domain is None else self.domain.to_dict(), "mode": self.mode,
            "threshold": str(self.threshold), "output": self.output,
            "pair": None if self.pair is None else list(self.pair), "num_classes": self.num_classes,
            "num_regions": self.num_regions, "region": self.region.tolist(), "classes": self.classes.tolist(),
            "A": q(self._A), "b": q(self._b), "offsets": self.offsets.tolist(), "normal": q(self._normal),
            "rhs": q(self._rhs), "points": q(self._points), "on_facet": self.on_facet.tolist(),
            "zero_regions": self.zero_regions.tolist(),
            "components": None if self.components is None else self.components.tolist(),
            "class_regions": None if self.class_regions is None else self.class_regions.tolist(),
            "complete": self.complete, "stop_reason": self.stop_reason,
            "num_components": self.num_components,
        }

    def to_json(self) -> str:
        """JSON (schema_version 1) of everything, exact numbers as strings."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "Boundary":
        """The inverse of to_json; bad text -> InputError."""
        from .regions import _domain_from_dict
        doc = _seam.json_doc(text, "Boundary", "Boundary")
        f = lambda k: _seam.field(doc, k, "Boundary")  # noqa: E731
        try:
            net = Network.from_dict(f("network"))
            q = lambda k: np.array([Fraction(v) for v in f(k)], dtype=object)  # noqa: E731
            return cls(net=net, domain=_domain_from_dict(f("domain")), mode=_seam.choice(f("mode"), "mode", ("binary", "argmax")),
                       threshold=Fraction(f("threshold")), output=f("output"),
                       pair=None if f("pair") is None else tuple(int(v) for v in f("pair")),
                       num_classes=f("num_classes"), num_regions=f("num_regions"), region=f("region"),
                       classes=f("classes"), A=q("A"), b=q("b"), offsets=f("offsets"), normal=q("normal"),
                       rhs=q("rhs"), points=q("points"), on_facet=f("on_facet"), zero_regions=f("zero_regions"),
                       components=f("components"), class_regions=f("class_regions"), complete=f("complete"),
                       stop_reason=f("stop_reason"))
        except InputError:
            raise
        except (TypeError, ValueError, ZeroDivisionError, KeyError) as e:
            raise InputError(f"Boundary: malformed document ({type(e).__name__}: {e})") from None

    def __reduce__(self):
        return (Boundary.from_json, (self.to_json(),))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Boundary):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None

    # --- pictures ----------------------------------------------------------------------------------------
    def plot(self, ax=None, *, view=None, color: str = "k"):
        """d = 2: the pieces as segments clipped to ``view`` ((lo, hi) corners; default the domain's
        box, else a box around the pieces' points), drawn on matplotlib axes."""
        if self.dim != 2:
            raise InputError(f"Boundary.plot draws 2-input nets; this one has {self.dim} inputs")
        from .plot import _axes
        ax = _axes(ax)
        if view is None:
            dom = getattr(self.domain, "lo", None)
            if dom is not None:
                view = (np.broadcast_to(np.asarray(self.domain.lo, float), 2), np.broadcast_to(np.asarray(self.domain.hi, float), 2))
            else:
                P = self.points() if len(self) else np.zeros((1, 2))
                view = (P.min(axis=0) - 1, P.max(axis=0) + 1)
        lo, hi = (np.asarray(v, dtype=np.float64) for v in view)
        box = np.vstack([np.eye(2), -np.eye(2)]), np.concatenate([hi, -lo])
        for i in range(len(self)):
            A, b, g, h = self.halfspaces(i)
            A, b = np.vstack([A, box[0]]), np.concatenate([b, box[1]])
            x0, u = self.points()[i], np.array([-g[1], g[0]])
            au, slack = A @ u, b - A @ x0
            hi_s = min([s / a for s, a in zip(slack, au) if a > 0], default=0.0)
            lo_s = max([s / a for s, a in zip(slack, au) if a < 0], default=0.0)
            if hi_s > lo_s:
                seg = np.array([x0 + lo_s * u, x0 + hi_s * u])
                ax.plot(seg[:, 0], seg[:, 1], color=color, lw=1.5)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        return ax


def _on_hypersurface(F, G, t, x) -> bool:
    """x is in the tropical hypersurface of max(F, G + t): the max is attained twice (exact)."""
    vals = {}
    for P, shift in ((F, Fraction(0)), (G, Fraction(t))):
        for e, c in zip(P.exponents, P.coefficients):
            v = sum((ei * xi for ei, xi in zip(e, x)), Fraction(0)) + c + shift
            key = tuple(e)
            vals[key] = max(vals.get(key, v), v)
    best = max(vals.values())
    return sum(1 for v in vals.values() if v == best) >= 2


# --- the computation -----------------------------------------------------------------------------------
def decision_boundary(net, domain=None, *, threshold=0, output: int = 0, pair=None, mode: str = "binary",
                      threads: Optional[int] = None, max_seconds: Optional[float] = None, progress=None) -> Boundary:
    """The exact decision boundary of ``net`` on ``domain`` (None: R^d; a Box; a Polytope).

    ``mode="binary"``: {f = threshold} for f = output ``output`` (or f = y_i - y_j with ``pair=(i, j)``).
    ``mode="argmax"`` (two or more outputs): where the argmax changes, one piece per region and tied
    class pair (the threshold is unused).  Budgeted (``max_seconds`` covers the region enumeration
    too), Ctrl-C aware, ``threads`` for the enumeration, ``progress`` counts regions done; a stop raises
    BudgetExceeded whose partial is a Boundary of the pieces found (components None).
    For the 2-D slice of a higher-dimensional net see :meth:`tropgeom.Slice.decision_boundary`.


    Parameters
    ----------
    net : Network or anything Network.from_any reads
        The network.
    domain : None, Box or Polytope, optional
        The input domain (None: R^d).
    threshold : number
        Binary mode: the level t of {f = t} (exact).
    output : int
        Binary mode: the output f.
    pair : (int, int), optional
        Binary mode: the boundary {y_i - y_j = threshold} instead.
    mode : {"binary", "argmax"}
        One level set, or where the argmax changes (by class pair).
    threads : int, optional
        Worker threads of the region enumeration (None: the cores this process may use).
    max_seconds : float, optional
        Budget (BudgetExceeded with a partial Boundary, reason "max_seconds").
    progress : None, bool or callable, optional
        A bar, none, or a callable receiving the regions done.

    Returns
    -------
    Boundary
        The pieces, zero regions, components and class regions.
    """
    from .regions import regions
    net = _seam.network(net)
    mode = _seam.choice(mode, "mode", ("binary", "argmax"))
    t = Fraction(_seam.exact_scalar(threshold, "threshold"))
    K = net.output_dim
    if pair is not None:
        if mode != "binary":
            raise InputError("pair=(i, j) is a binary boundary {y_i - y_j = threshold}; use mode='binary'")
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2
                and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair)):
            raise InputError(f"pair must be two output indices (i, j); got {pair!r}")
        pair = (int(pair[0]), int(pair[1]))
        if not all(0 <= v < K for v in pair) or pair[0] == pair[1]:
            raise InputError(f"pair {pair} needs two different outputs in 0..{K - 1}", index=pair)
        output = None
    elif mode == "binary":
        if isinstance(output, bool) or not isinstance(output, (int, np.integer)) or not 0 <= output < K:
            raise InputError(f"output must be an output index in 0..{K - 1}; got {output!r}", index=output)
        output = int(output)
    else:
        if K < 2:
            raise InputError("the argmax boundary needs two or more outputs; use mode='binary'")
        output = None
    seconds = _seam.positive_seconds(max_seconds)
    deadline = None if seconds is None else time.monotonic() + seconds
    left = lambda: None if deadline is None else max(deadline - time.monotonic(), 1e-6)  # noqa: E731
    d, n, why = net.input_dim, 0, ""
    st = _State(d, 2 if mode == "binary" else K)
    try:
        rs = regions(net, domain, max_seconds=seconds, threads=threads, progress=False)
        J, c = rs.affine_maps(exact=True, max_seconds=left())
        A, b, off, neuron = _cell_rows(rs, deadline)
        pts, bits, n = rs.interior_points(exact=True), rs.patterns, len(rs)
        if mode == "binary":  # two classes: "below" (score t) and "above" (score f)
            f_J = J[:, output] if pair is None else J[:, pair[0]] - J[:, pair[1]]
            f_c = c[:, output] if pair is None else c[:, pair[0]] - c[:, pair[1]]
            zero = np.array([[Fraction(0)] * d], dtype=object)
            SJ = [np.vstack([zero, f_J[r:r + 1]]) for r in range(n)]
            Sc = [np.array([t, f_c[r]], dtype=object) for r in range(n)]
        else:
            SJ, Sc = [J[r] for r in range(n)], [c[r] for r in range(n)]
        with _run.progress(progress, "regions") as tick:
            for r in range(n):
                rows, rhs = A[off[r]:off[r + 1]], b[off[r]:off[r + 1]]
                _region_pieces(st, r, rows, rhs, neuron[off[r]:off[r + 1]], bits[r], SJ[r], Sc[r], pts[r])
                if tick:
                    tick(r + 1)
                if deadline is not None and time.monotonic() > deadline:
                    why = "max_seconds"
                    break
            if not why:
                adj = rs.adjacency_arrays(max_seconds=left())[0] if n > 1 else np.zeros((0, 2), np.int64)
                _facing_zero(st, adj, A, b, off, d)
                st.components = _components(st, adj, A, b, off, n, d, deadline)
                st.class_regions = _class_regions(st, adj, A, b, off, SJ, Sc, pts, n, deadline)
    except KeyboardInterrupt:
        why = "interrupted"
    except BudgetExceeded as e:
        why = e.reason
    if why:
        st.components = st.class_regions = None
    res = st.result(net=net, domain=domain, mode=mode, threshold=t, output=output, pair=pair,
                    num_regions=n, complete=not why, stop_reason=why)
    _run.stopped(not why, why, partial=res, what=f"{len(res)} pieces found")
    return res


class _State:
    """Pieces as they are found (lists), then frozen into a Boundary."""

    def __init__(self, d, ncls):
        self.d, self.ncls = d, ncls
        self.region, self.classes, self.A, self.b, self.offsets = [], [], [], [], [0]
        self.normal, self.rhs, self.points, self.on_facet, self.zero = [], [], [], [], []
        self.class_parts = {}   # (region, class) -> True where class wins on an open part of the region
        self.crossed = set()    # regions whose interior a piece crosses
        self.deferred = []      # facet pieces on the side where the facet's neuron is off
        self.level = set()      # regions with a (d-1)-dimensional tie set (a piece, or one on a facet)
        self.components = self.class_regions = None

    def add(self, r, a, bb, rows, rhs, normal, e, y, on_facet):
        self.region.append(r)
        self.classes.append((a, bb))
        self.A.extend(rows)
        self.b.extend(rhs)
        self.offsets.append(self.offsets[-1] + len(rows))
        self.normal.append(normal)
        self.rhs.append(e)
        self.points.append(y)
        self.on_facet.append(on_facet)

    def piece(self, i):
        s = slice(self.offsets[i], self.offsets[i + 1])
        return np.array(self.A[s], dtype=object).reshape(-1, self.d), np.array(self.b[s], dtype=object), \
            self.normal[i], self.rhs[i]

    def result(self, **kw) -> Boundary:
        return Boundary(num_classes=self.ncls, region=self.region, classes=self.classes,
                        A=np.array(self.A, dtype=object).reshape(-1, self.d), b=np.array(self.b, dtype=object),
                        offsets=self.offsets, normal=np.array(self.normal, dtype=object).reshape(-1, self.d),
                        rhs=np.array(self.rhs, dtype=object), points=np.array(self.points, dtype=object).reshape(-1, self.d),
                        on_facet=self.on_facet, zero_regions=self.zero, components=self.components,
                        class_regions=self.class_regions, **kw)


def _cell_rows(rs, deadline):
    """Every region's exact rows (its domain rows and the rows of the neurons that cut it, not
    reduced: the irredundant H-representation costs an exact LP per row, ~45x more), columnar, with
    the neuron of each row (-1: the domain)."""
    core = rs._store.core()
    A, b, neuron, off = [], [], [], [0]
    for k in range(len(rs)):
        if deadline is not None and time.monotonic() > deadline:
            raise BudgetExceeded("max_seconds", reason="max_seconds")
        Ak, bk, nk = core.halfspaces(k, False, True)
        keep = [i for i in range(len(Ak)) if any(Ak[i])]
        A.extend(Ak[keep])
        b.extend(bk[keep])
        neuron.extend(np.asarray(nk)[keep].tolist())
        off.append(len(b))
    d = rs.dim
    return (np.array(A, dtype=object).reshape(-1, d), np.array(b, dtype=object), np.array(off, dtype=np.int64),
            np.array(neuron, dtype=np.int64))


def _holds(M, v, z, Mf, zf) -> bool:
    """z satisfies M x <= v, exactly; a float pass with a generous error margin rejects most misses."""
    if len(M):
        viol = Mf[:, :-1] @ zf - Mf[:, -1]
        if np.any(viol > 1e-9 * (np.abs(Mf[:, :-1]) @ np.abs(zf) + np.abs(Mf[:, -1])) + 1e-300):
            return False
    return all(row @ z <= bi for row, bi in zip(M, v))


def _relint(A, b, C=None, e=None, *, d):
    """(affine dimension, exact relative-interior point or None) of {A x <= b, C x = e}: the exact
    core directly (the rows are already exact Fractions: nothing to validate or convert)."""
    r = _core_polyhedron(A, b, C, e, d).relative_interior()
    return r["dimension"], r["point"]


def _core_polyhedron(A, b, C, e, d):
    from . import _core
    A = np.asarray(A, dtype=object).reshape(-1, d)
    C = np.zeros((0, d), dtype=object) if C is None else np.asarray(C, dtype=object).reshape(-1, d)
    return _core.Polyhedron(d, A, np.asarray(b, dtype=object).reshape(-1), C,
                            np.zeros(0, dtype=object) if e is None else np.asarray(e, dtype=object).reshape(-1))


def _region_pieces(st, r, rows, rhs, neurons, bits, M, m, p):
    """The pieces of region r: for every class pair (a, b) that can tie, {y_a = y_b} ∩ {y_a >= y_c}
    ∩ cl(R) of dimension d - 1, its exact relative-interior point, and the facet rule."""
    d, K = st.d, len(m)
    Y = M @ p + m   # exact scores at the region's interior point: its strict winner wins on an open part
    best = max(Y)
    if sum(1 for v in Y if v == best) == 1:
        st.class_parts[(r, int(np.argmax([v == best for v in Y])))] = True
    for a in range(K):
        for bb in range(a + 1, K):
            D, e = M[bb] - M[a], m[a] - m[bb]          # y_a = y_b  <=>  D . x = e (binary: J x = t - c)
            others = [k for k in range(K) if k not in (a, bb)]
            top = [-(M[a] - M[k]) for k in others]     # y_a >= y_k  <=>  -(M_a - M_k) x <= m_a - m_k
            top_rhs = [m[a] - m[k] for k in others]
            R_A = np.vstack([rows] + [np.array(top, dtype=object).reshape(-1, d)]) if others else rows
            R_b = np.concatenate([rhs, np.array(top_rhs, dtype=object)]) if others else rhs
            if not any(D):
                if e == 0 and (not others or _relint(R_A, R_b, d=d)[0] == d):
                    st.zero.append((r, a, bb))
                continue
            dim, y = _relint(R_A, R_b, D.reshape(1, d), np.array([e], dtype=object), d=d)
            if dim != d - 1:
                continue
            if others:  # three or more classes tie along the piece: the first pair reports it
                Yy = M @ y + m
                T = [k for k in range(K) if Yy[k] == Yy[a]]
                if len(T) > 2 and (T[0], T[1]) != (a, bb):
                    continue
            st.level.add(r)
            tight = [k for k in range(len(rows)) if rows[k] @ y == rhs[k]]
            if not tight:
                st.crossed.add(r)
            else:  # the piece lies in a facet of R: reported by the side where the facet's neuron is on;
                on = [int(neurons[k]) for k in tight]  # the other side, only where a zero region is across
                if min(on) >= 0 and not bits[min(on)]:
                    st.deferred.append((r, a, bb, R_A, R_b, D, e))
                    continue
            st.add(r, a, bb, list(R_A), list(R_b), D, e, y, bool(tight))


def _facing_zero(st, adj, A, b, off, d):
    """The deferred facet pieces, where a zero region lies across: {tie} ∩ cl(R) ∩ cl(Z) for each
    adjacent zero region Z of the same class pair (the other side reports none)."""
    zero = {(int(r), int(a), int(bb)) for r, a, bb in st.zero}
    if not zero:
        return
    nb = {}
    for i, j in adj:
        nb.setdefault(int(i), []).append(int(j))
        nb.setdefault(int(j), []).append(int(i))
    for r, a, bb, R_A, R_b, D, e in st.deferred:
        for z in nb.get(r, ()):
            if (z, a, bb) in zero:
                rows = np.vstack([R_A, A[off[z]:off[z + 1]]])
                rhs = np.concatenate([R_b, b[off[z]:off[z + 1]]])
                dim, y = _relint(rows, rhs, D.reshape(1, d), np.array([e], dtype=object), d=d)
                if dim == d - 1:
                    st.add(r, a, bb, list(rows), list(rhs), D, e, y, True)


def _components(st, adj, A, b, off, n, d, deadline):
    """Union-find of pieces glued across (d-2)-dimensional intersections (exact LPs): first pieces of
    one region or of adjacent regions; then, while more than one component remains, from every facet F of
    every piece (a row whose face is (d-2)-dimensional, an exact LP) with exact relative-interior
    point z: the regions whose closure holds z (a walk over shared facets from the piece's region:
    they are facet-connected around z for d >= 2), their pieces through z, and an exact LP deciding
    that the two pieces share d - 2 dimensions."""
    P = len(st.region)
    parent = list(range(P))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if d >= 2 and P > 1:
        nb = [[] for _ in range(n)]
        for i, j in adj:
            nb[int(i)].append(int(j))
            nb[int(j)].append(int(i))
        by_region = {}
        for i, r in enumerate(st.region):
            by_region.setdefault(r, []).append(i)
        pieces = [st.piece(i) for i in range(P)]
        left = [P]  # components so far: the search stops at one

        def glue(i, j):
            Ai, bi, gi, ei = pieces[i]
            Aj, bj, gj, ej = pieces[j]
            if _relint(np.vstack([Ai, Aj]), np.concatenate([bi, bj]), np.vstack([gi, gj]),
                       np.array([ei, ej], dtype=object), d=d)[0] >= d - 2:
                parent[find(i)] = find(j)
                left[0] -= 1

        # first the pieces of one region or of two regions sharing a facet (the generic gluing)
        for r1, r2 in [(r, r) for r in by_region] + [(int(i), int(j)) for i, j in adj]:
            for i in by_region.get(r1, ()):
                for j in by_region.get(r2, ()):
                    if (r1 != r2 or i < j) and find(i) != find(j):
                        if deadline is not None and time.monotonic() > deadline:
                            raise BudgetExceeded("max_seconds", reason="max_seconds")
                        glue(i, j)
        fl = lambda M, v: _seam.floats(np.hstack([M, np.asarray(v, dtype=object).reshape(-1, 1)])).reshape(len(M), -1)  # noqa: E731
        Af = fl(A, b)
        Pf = [fl(p[0], p[1]) for p in pieces]
        # then, while pieces remain apart, around every (d-2)-face: gluings through lower faces
        for i in range(P):
            Ai, bi, gi, ei = pieces[i]
            for k in range(len(Ai) if left[0] > 1 else 0):
                if deadline is not None and time.monotonic() > deadline:
                    raise BudgetExceeded("max_seconds", reason="max_seconds")
                dim, z = _relint(Ai, bi, np.vstack([gi, Ai[k]]), np.array([ei, bi[k]], dtype=object), d=d)
                if dim != d - 2:
                    continue
                zf = _seam.floats(z)
                star, todo = {st.region[i]}, [st.region[i]]
                while todo:
                    for s in nb[todo.pop()]:
                        if s not in star and _holds(A[off[s]:off[s + 1]], b[off[s]:off[s + 1]], z,
                                                    Af[off[s]:off[s + 1]], zf):
                            star.add(s)
                            todo.append(s)
                for r in star:
                    for j in by_region.get(r, ()):
                        if j == i or find(i) == find(j):
                            continue
                        Aj, bj, gj, ej = pieces[j]
                        if gj @ z == ej and _holds(Aj, bj, z, Pf[j], zf):
                            glue(i, j)
    roots = [find(i) for i in range(P)]
    label = {}
    return [label.setdefault(x, len(label)) for x in roots]


def _wins(A, b, M, m, cl, d) -> bool:
    """max over {A x <= b} of min_k (y_cl - y_k) > 0: class cl wins strictly somewhere (exact LP in
    (x, s), s <= 1 keeps it bounded)."""
    K = len(m)
    rows = [np.concatenate([row, [Fraction(0)]]) for row in A]
    rhs = list(b)
    for k in range(K):
        if k != cl:
            rows.append(np.concatenate([-(M[cl] - M[k]), [Fraction(1)]]))
            rhs.append(m[cl] - m[k])
    rows.append(np.array([Fraction(0)] * d + [Fraction(1)], dtype=object))
    rhs.append(Fraction(1))
    status, _, value = _core_polyhedron(rows, rhs, None, None, d + 1).optimize(
        np.array([Fraction(0)] * d + [Fraction(1)], dtype=object), True)
    return status == "optimal" and value > 0


def _class_regions(st, adj, A, b, off, SJ, Sc, pts, n, deadline):
    """Per class: connected components of the open set where it wins strictly."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    d, K = st.d, st.ncls
    rows = lambda r: (A[off[r]:off[r + 1]], b[off[r]:off[r + 1]])  # noqa: E731

    def check():
        if deadline is not None and time.monotonic() > deadline:
            raise BudgetExceeded("max_seconds", reason="max_seconds")

    # two classes: a region crossed by a piece has both, any other (not a zero region) the class of
    # its interior point; a region without a (d-1)-dimensional tie set lies wholly in its class and
    # f - t does not vanish on all of a shared facet: it glues to a neighbour of that class, no LP
    has = np.zeros((n, K), dtype=bool)
    for r in range(n):
        for cl in range(K):
            if st.class_parts.get((r, cl)) or (K == 2 and r in st.crossed):
                has[r, cl] = True
            elif K > 2:
                check()
                has[r, cl] = _wins(*rows(r), SJ[r], Sc[r], cl, d)
    out = []
    for cl in range(K):
        edges = []
        for i, j in adj:
            i, j = int(i), int(j)
            if has[i, cl] and has[j, cl]:
                if K == 2 and (i not in st.level or j not in st.level):
                    edges.append((i, j))
                    continue
                check()
                (A1, b1), (A2, b2) = rows(i), rows(j)
                if _wins(np.vstack([A1, A2]), np.concatenate([b1, b2]), SJ[i], Sc[i], cl, d):
                    edges.append((i, j))
        nodes = np.flatnonzero(has[:, cl])
        if not len(nodes):
            out.append(0)
            continue
        e = np.array(edges, dtype=np.int64).reshape(-1, 2)
        g = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        _, label = connected_components(g, directed=False)
        out.append(len(set(label[nodes].tolist())))
    return out
