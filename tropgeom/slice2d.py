"""Exact 2-D slices of input space: the tessellation of a plane into activation regions, with the
decision boundary, as data and as pictures.

The plane is ``x = origin + u d1 + v d2``.  Through three data points it uses the exact rational frame
``d1 = x1 - x0``, ``d2 = (x2 - x0) - ((x2 - x0).d1 / d1.d1) d1`` (unnormalised Gram-Schmidt), so the
slice is exactly the plane through the data: x0 is (0, 0), x1 is (1, 0).  Every combinatorial answer
(faces, their patterns, which vertices lie on which lines, the boundary's pieces) is exact; float64
arrays are the default view of coordinates and ``exact=True`` gives Fractions.
"""
from __future__ import annotations

import json
from fractions import Fraction
from typing import List, Optional, Tuple

import numpy as np

from . import _run, _seam
from ._seam import positive_int
from .errors import InputError
from .network import Network

__all__ = ["slice2d", "Slice", "Box2D", "Polygon2D"]

SCHEMA_VERSION = 1


def _exact(v, what: str) -> Fraction:
    return Fraction(_seam.exact_scalar(v, what))  # the seam's check; a float is its dyadic rational


def _exact_vector(x, n: int, what: str) -> List[Fraction]:
    return list(_seam.fractions(_seam.exact_vector(np.asarray(x, dtype=object).reshape(-1), what, n)))


class Box2D:
    """The rectangle lo <= (u, v) <= hi in plane coordinates (exact bounds).

    Parameters
    ----------
    lo, hi : pair of numbers
        The corners (u, v).
    """

    def __init__(self, lo, hi):
        lo, hi = _exact_vector(np.broadcast_to(np.asarray(lo, dtype=object), (2,)), 2, "lo"), \
            _exact_vector(np.broadcast_to(np.asarray(hi, dtype=object), (2,)), 2, "hi")
        if not (lo[0] < hi[0] and lo[1] < hi[1]):
            raise InputError(f"Box2D needs lo < hi in both coordinates; got lo={lo}, hi={hi}")
        self.lo, self.hi = tuple(lo), tuple(hi)

    def vertices(self) -> List[Tuple[Fraction, Fraction]]:
        (a, b), (c, d) = self.lo, self.hi
        return [(a, b), (c, b), (c, d), (a, d)]

    def to_dict(self) -> dict:
        return {"type": "Box2D", "lo": [str(v) for v in self.lo], "hi": [str(v) for v in self.hi]}

    def __repr__(self) -> str:
        return f"Box2D(({self.lo[0]}, {self.lo[1]}), ({self.hi[0]}, {self.hi[1]}))"


class Polygon2D:
    """A convex polygon in plane coordinates, given by its vertices (either orientation).

    Parameters
    ----------
    vertices : (k, 2) array_like
        The vertices in plane coordinates.
    """

    def __init__(self, vertices):
        V = np.asarray(vertices, dtype=object)
        if V.ndim != 2 or V.shape[1] != 2 or len(V) < 3:
            raise InputError(f"Polygon2D needs at least 3 vertices (u, v); got shape {V.shape}")
        pts = [tuple(_exact_vector(r, 2, f"vertex {i}")) for i, r in enumerate(V)]
        n = len(pts)
        turns = [(pts[(i + 1) % n][0] - pts[i][0]) * (pts[(i + 2) % n][1] - pts[i][1])
                 - (pts[(i + 1) % n][1] - pts[i][1]) * (pts[(i + 2) % n][0] - pts[i][0]) for i in range(n)]
        if all(t < 0 for t in turns):
            pts = pts[::-1]
        elif not all(t > 0 for t in turns):
            raise InputError("Polygon2D must be strictly convex (no three consecutive vertices collinear, "
                             "no reflex vertex)")
        self._vertices = pts

    def vertices(self) -> List[Tuple[Fraction, Fraction]]:
        return list(self._vertices)

    def to_dict(self) -> dict:
        return {"type": "Polygon2D", "vertices": [[str(a), str(b)] for a, b in self._vertices]}

    def __repr__(self) -> str:
        return f"Polygon2D({len(self._vertices)} vertices)"


def _domain_from_dict(d):
    if d["type"] == "Box2D":
        return Box2D([Fraction(v) for v in d["lo"]], [Fraction(v) for v in d["hi"]])
    return Polygon2D([[Fraction(a), Fraction(b)] for a, b in d["vertices"]])


def _frame(net: Network, through, plane):
    d = net.input_dim
    if through is not None and plane is not None:
        raise InputError("give either through=(x0, x1, x2) or plane=(origin, d1, d2), not both")
    if through is not None:
        if len(through) != 3:
            raise InputError(f"through must be three points; got {len(through)}")
        x0, x1, x2 = (_exact_vector(p, d, f"through[{i}]") for i, p in enumerate(through))
        d1 = [b - a for a, b in zip(x0, x1)]
        w = [b - a for a, b in zip(x0, x2)]
        n1 = sum(v * v for v in d1)
        if n1 == 0:
            raise InputError("through: the first two points coincide")
        c = sum(a * b for a, b in zip(w, d1)) / n1
        d2 = [a - c * b for a, b in zip(w, d1)]
        if all(v == 0 for v in d2):
            raise InputError("through: the three points are collinear, they span no plane")
        return x0, d1, d2
    if plane is not None:
        if len(plane) != 3:
            raise InputError("plane must be (origin, d1, d2)")
        o, d1, d2 = (_exact_vector(p, d, name) for p, name in zip(plane, ("origin", "d1", "d2")))
        if all(d1[i] * d2[j] == d1[j] * d2[i] for i in range(d) for j in range(i + 1, d)):
            raise InputError("plane: d1 and d2 are parallel, they span no plane")
        return o, d1, d2
    if d != 2:
        raise InputError(f"a {d}-input net needs a plane: through=(x0, x1, x2) or plane=(origin, d1, d2)")
    return [Fraction(0)] * 2, [Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]


def _whole_plane(net: Network, frame):
    """A box holding every vertex of the tessellation of the whole plane (2-input nets).  Every vertex
    is where two rows of one region's exact H-representation meet, so the largest such crossing
    (over all pairs, feasible or not: a superset, decided without any tolerance) bounds them."""
    if net.input_dim != 2 or frame[1] != [1, 0] or frame[2] != [0, 1] or any(frame[0]):
        raise InputError("domain=None (all of the plane) is for 2-input nets in their own coordinates; "
                         "give a Box2D or Polygon2D for a slice")
    from .regions import regions
    rs = regions(net)
    big = Fraction(1)
    for i in range(len(rs)):
        A, b = rs.halfspaces(i, exact=True)
        for p in range(len(A)):
            for q in range(p + 1, len(A)):
                det = A[p][0] * A[q][1] - A[p][1] * A[q][0]
                if det != 0:
                    x = (b[p] * A[q][1] - b[q] * A[p][1]) / det
                    y = (A[p][0] * b[q] - A[q][0] * b[p]) / det
                    big = max(big, abs(x), abs(y))
    R = Fraction(2 * big.numerator // big.denominator + 2)
    return Box2D([-R, -R], [R, R])




def _clip_exact(poly, h):
    """The part of a convex polygon (exact points) where h . (u, v, 1) <= 0."""
    out = []
    n = len(poly)
    vals = [h[0] * p[0] + h[1] * p[1] + h[2] for p in poly]
    for i in range(n):
        p, q, sp, sq = poly[i], poly[(i + 1) % n], vals[i], vals[(i + 1) % n]
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _line_through(poly, d):
    """The segment where d . (u, v, 1) = 0 crosses the convex polygon (exact), or None."""
    n = len(poly)
    vals = [d[0] * p[0] + d[1] * p[1] + d[2] for p in poly]
    pts = []
    for i in range(n):
        p, q, sp, sq = poly[i], poly[(i + 1) % n], vals[i], vals[(i + 1) % n]
        if sp == 0:
            pts.append(p)
        elif (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            pts.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    pts = sorted(set(pts))
    return (pts[0], pts[-1]) if len(pts) >= 2 and pts[0] != pts[-1] else None


def _chain(pieces):
    """Segments (pairs of exact points) chained into polylines through the points they share."""
    at = {}
    for n, (p, q) in enumerate(pieces):
        at.setdefault(p, []).append(n)
        at.setdefault(q, []).append(n)
    used = [False] * len(pieces)
    lines = []
    for n in range(len(pieces)):
        if used[n]:
            continue
        used[n] = True
        line = list(pieces[n])
        for end in (0, 1):  # extend the front, then the back, while the chain does not branch
            while True:
                tip = line[0] if end == 0 else line[-1]
                nxt = [m for m in at[tip] if not used[m]]
                if len(nxt) != 1 or len(at[tip]) != 2:
                    break
                used[nxt[0]] = True
                p, q = pieces[nxt[0]]
                new = q if p == tip else p
                line.insert(0, new) if end == 0 else line.append(new)
        lines.append(line)
    return lines


class Slice:
    """An exact 2-D slice: faces (activation regions of the plane), edges and vertices.

    Coordinates are plane coordinates (u, v) unless a method says input space.  Every method that
    returns coordinates or values gives float64 arrays by default and Fractions with ``exact=True``.

    Attributes
    ----------
    net : Network
        The network.
    origin, d1, d2 : numpy.ndarray
        The plane's frame in input space (exact).
    num_faces, num_vertices, num_edges : int
        The tessellation's counts.
    complete : bool
        False for a partial slice after a budget.
    """

    def __init__(self, net, frame, domain, core, kind: str, threshold, whole_plane: bool = False,
                 boundary="auto"):
        self.net, self.domain, self.kind = net, domain, kind
        self.whole_plane = whole_plane
        self.origin, self.d1, self.d2 = frame
        self.threshold = threshold
        self._core = core
        start, verts, neuron = core.faces()
        self._start, self._verts, self._edge_neuron = start.astype(np.int64), verts.astype(np.int64), neuron
        self._uv, self._radius = core.vertices()
        self._maps, self._map_err = core.maps()
        self._packed = core.packed_patterns()
        self._edges = None
        self.boundary = "binary" if boundary == "auto" and net.output_dim == 1 else \
            "argmax" if boundary == "auto" else boundary

    # --- sizes and status -----------------------------------------------------------------------
    @property
    def num_faces(self) -> int:
        return len(self._start) - 1

    @property
    def num_vertices(self) -> int:
        return len(self._uv)

    @property
    def num_edges(self) -> int:
        return len(self.edges()[0])

    @property
    def complete(self) -> bool:
        return self._core.complete

    @property
    def stats(self) -> dict:
        return {"exact_decisions": self._core.exact_decisions}

    def __len__(self) -> int:
        return len(self.linear_regions()) if self.kind == "linear" else self.num_faces

    def __repr__(self) -> str:
        state = "" if self.complete else ", partial"
        return (f"Slice({self.num_faces} faces, {self.num_edges} edges, {self.num_vertices} vertices of "
                f"{self.net!r}{state})")

    # --- vertices, faces, edges --------------------------------------------------------------------
    def vertices(self, *, exact: bool = False) -> np.ndarray:
        """(V, 2) plane coordinates of the vertices (float64, or exact Fractions)."""
        if exact:
            return self._core.exact_vertices(list(range(self.num_vertices)))
        return self._uv.copy()

    def points(self, *, exact: bool = False) -> np.ndarray:
        """(V, d) input-space coordinates of the vertices: origin + u d1 + v d2."""
        uv = self.vertices(exact=exact)
        if exact:
            o, a, b = (np.array(x, dtype=object) for x in (self.origin, self.d1, self.d2))
            return np.array([o + u * a + v * b for u, v in uv], dtype=object).reshape(-1, self.net.input_dim)
        o, a, b = (np.array([float(v) for v in x]) for x in (self.origin, self.d1, self.d2))
        return o + uv[:, :1] * a + uv[:, 1:] * b

    def unbounded(self) -> np.ndarray:
        """(F,) bool: for a slice of the whole plane (domain=None), the faces that reach the box holding
        every vertex, i.e. the unbounded regions; all False for a bounded domain."""
        if not self.whole_plane:
            return np.zeros(self.num_faces, dtype=bool)
        _, faces, neuron = self.edges()
        out = np.zeros(self.num_faces, dtype=bool)
        out[faces[neuron < 0, 0]] = True
        return out

    def face(self, f: int) -> np.ndarray:
        """Vertex indices of face f, counter-clockwise."""
        if not -self.num_faces <= f < self.num_faces:
            raise IndexError(f"face index {f} out of range for {self.num_faces} faces")
        f %= self.num_faces
        return self._verts[self._start[f]:self._start[f + 1]]

    def faces(self) -> Tuple[np.ndarray, np.ndarray]:
        """CSR faces: (start (F+1,), vertex indices): face f is vertices[start[f]:start[f+1]], ccw."""
        return self._start.copy(), self._verts.copy()

    @property
    def patterns(self) -> np.ndarray:
        """(F, hidden) bool activation pattern of each face (unpacked on each call: 1 byte per bit)."""
        return np.unpackbits(self._packed, axis=1, count=self._core.hidden, bitorder="little").astype(bool)

    @property
    def packed_patterns(self) -> np.ndarray:
        """(F, ceil(hidden / 8)) uint8, little-endian bits, as the core keeps them (8x smaller)."""
        return self._packed.copy()

    def maps(self, *, exact: bool = False) -> np.ndarray:
        """(F, outputs, 3): output k on face f is a u + b v + c with (a, b, c) = maps[f, k]."""
        if exact:
            return np.array([self._core.exact_map(f) for f in range(self.num_faces)], dtype=object).reshape(
                self.num_faces, -1, 3)
        return self._maps.copy()

    def areas(self, *, exact: bool = False) -> np.ndarray:
        """Area of every face (plane coordinates); they sum to the domain's area."""
        if exact:
            return np.array([self._core.exact_area(f) for f in range(self.num_faces)], dtype=object)
        uv = self._uv
        out = np.empty(self.num_faces)
        for f in range(self.num_faces):
            p = uv[self.face(f)]
            out[f] = 0.5 * (np.dot(p[:, 0], np.roll(p[:, 1], -1)) - np.dot(p[:, 1], np.roll(p[:, 0], -1)))
        return out

    def edges(self):
        """(pairs (E, 2) vertex indices, faces (E, 2) on their left and right (-1: outside), neuron (E,)
        the hidden neuron whose zero set the edge lies on, -1 for the domain's boundary)."""
        if self._edges is None:
            counts = np.diff(self._start)
            face_of = np.repeat(np.arange(self.num_faces), counts)
            nxt = np.arange(len(self._verts)) + 1
            nxt[self._start[1:] - 1] = self._start[:-1]
            a, b = self._verts, self._verts[nxt]
            V = max(self.num_vertices, 1)
            key = np.minimum(a, b) * V + np.maximum(a, b)
            order = np.argsort(key, kind="stable")
            k = key[order]
            first = np.r_[True, k[1:] != k[:-1]][:len(k)]  # [:len(k)]: a partial slice may have no face
            idx = np.flatnonzero(first)
            pairs = np.stack([a[order][idx], b[order][idx]], axis=1)
            left = face_of[order][idx]
            right = np.full(len(idx), -1)
            twin = np.flatnonzero(~first)
            right[np.searchsorted(idx, twin, side="right") - 1] = face_of[order][twin]
            self._edges = (pairs, np.stack([left, right], axis=1), self._edge_neuron[order][idx].astype(np.int64))
        return tuple(x.copy() for x in self._edges)

    # --- values and boundary -------------------------------------------------------------------------
    def _signs(self, f: int, k: int, t) -> np.ndarray:
        """Exact signs of output k - t at face f's vertices: float with a rigorous bound, else exact."""
        vs = self.face(f)
        uv, r = self._uv[vs], self._radius[vs]
        a, b, c = self._maps[f, k]
        ea, eb, ec = self._map_err[f, k]
        tf = float(t)
        val = a * uv[:, 0] + b * uv[:, 1] + c - tf
        g = 8 * 2.0 ** -53
        err = (ea * (np.abs(uv[:, 0]) + r) + eb * (np.abs(uv[:, 1]) + r) + ec + (abs(a) + abs(b)) * r
               + g * (np.abs(a * uv[:, 0]) + np.abs(b * uv[:, 1]) + abs(c) + abs(tf))) * (1 + g) + 1e-300
        err += abs(tf - t) if isinstance(t, Fraction) else 0.0
        s = np.where(val > err, 1, np.where(val < -err, -1, 2))
        doubt = np.flatnonzero(s == 2)
        if len(doubt):
            M = self._core.exact_map(f)
            P = self._core.exact_vertices([int(vs[i]) for i in doubt])
            for i, (u, v) in zip(doubt, P):
                x = M[k, 0] * u + M[k, 1] * v + M[k, 2] - t
                s[i] = (x > 0) - (x < 0)
        return s

    def decision_boundary(self, *, exact: bool = False, threshold=None, mode=None) -> dict:
        """The decision boundary in the slice, by ``mode`` (default the slice's ``boundary``):
        "binary": {f = t} for output 0 (t = ``threshold``, default the slice's); "argmax" (two or more
        outputs): where the argmax changes (pieces where two outputs tie above all the others; "faces"
        then lists faces on which two maximal outputs are identically equal).
        Returns {"polylines": list of (k, 2) arrays (plane coordinates; exact=True: Fractions), chained
        across faces, "faces": faces on which f = t identically, "chords": the number of face chords}.
        Every endpoint is on the boundary exactly (decided exactly, located exactly with exact=True)."""
        mode = self.boundary if mode is None else mode
        if mode not in ("binary", "argmax"):
            raise InputError(f"mode must be 'binary' or 'argmax' (this slice was made with boundary={self.boundary!r}); "
                             f"got {mode!r}")
        if mode == "argmax":
            if self.net.output_dim < 2:
                raise InputError("the argmax boundary needs two or more outputs; use mode='binary'")
            return self._argmax_boundary(exact)
        t = self.threshold if threshold is None else _exact(threshold, "threshold")
        segs, flat, on_edges = [], [], set()
        for f in range(self.num_faces):
            s = self._signs(f, 0, t)
            vs = self.face(f)
            if np.all(s == 0):
                flat.append(f)
                continue
            if not (np.any(s > 0) and np.any(s < 0)):
                for i in range(len(vs)):  # f = t along a whole edge of the face
                    j = (i + 1) % len(vs)
                    if s[i] == 0 and s[j] == 0:
                        on_edges.add((min(int(vs[i]), int(vs[j])), max(int(vs[i]), int(vs[j]))))
                continue
            ends = []
            for i in range(len(vs)):
                j = (i + 1) % len(vs)
                if s[i] == 0:
                    ends.append(("v", int(vs[i])))
                elif s[i] * s[j] < 0:
                    ends.append(("e", min(int(vs[i]), int(vs[j])), max(int(vs[i]), int(vs[j])), f, i))
            segs.append((f, ends[:2]))
        chords = len(segs)
        for a, b in sorted(on_edges):
            segs.append((-1, [("v", a), ("v", b)]))
        # endpoints are symbolic (a vertex, or the crossing on a shared edge), so chords of
        # neighbouring faces chain through the same key; points are made once per key
        key = lambda e: e[:3] if e[0] == "e" else e[:2]
        where = {key(e): e for _, ends in segs for e in ends}
        lines = _chain([(key(p), key(q)) for _, (p, q) in segs])
        out = [np.array([self._endpoint(where[k], t, exact) for k in line], dtype=object if exact else np.float64)
               for line in lines]
        return {"polylines": out, "faces": flat, "chords": chords}

    def _argmax_boundary(self, exact: bool) -> dict:
        """Several outputs: where the argmax changes.  In each face the pieces are {y_c = y_d} where
        both beat every other output; faces whose vertices share one strict winner (decided with
        error bounds) are skipped, the rest are clipped in exact rationals."""
        k = self.net.output_dim
        uv, r = self._uv, self._radius
        g = 8 * 2.0 ** -53
        pieces, ties = [], []
        for f in range(self.num_faces):
            vs = self.face(f)
            M, E = self._maps[f], self._map_err[f]
            P = uv[vs]
            Y = P @ M[:, :2].T + M[:, 2]
            err = (np.abs(P) + r[vs, None]) @ E[:, :2].T + E[:, 2] + (np.abs(M[:, :2]).sum(axis=1) * r[vs, None]) \
                + g * (np.abs(P) @ np.abs(M[:, :2]).T + np.abs(M[:, 2]))
            c = np.argmax(Y, axis=1)
            if np.all(c == c[0]):
                lo = Y[np.arange(len(vs)), c] - err[np.arange(len(vs)), c]
                others = np.delete(Y + err, c[0], axis=1)
                if np.all(lo > others.max(axis=1)):
                    continue  # one strict winner at every vertex: on the whole (convex) face
            Mx = self._exact_map(f)
            Px = [tuple(p) for p in self._core.exact_vertices([int(v) for v in vs])]
            for a in range(k):
                for b in range(a + 1, k):
                    poly = Px
                    for j in range(k):
                        if j not in (a, b):
                            poly = _clip_exact(poly, Mx[j] - Mx[a])
                            poly = _clip_exact(poly, Mx[j] - Mx[b])
                    if len(poly) < 2:
                        continue
                    d = Mx[a] - Mx[b]
                    if d[0] == 0 and d[1] == 0:
                        if d[2] == 0 and len(poly) >= 3:
                            ties.append(f)  # y_a = y_b on a 2-D part of the face, both maximal
                        continue
                    seg = _line_through(poly, d)
                    if seg is not None:
                        pieces.append(seg)
        lines = _chain(pieces)
        conv = (lambda pts: np.array(pts, dtype=object)) if exact else (lambda pts: np.array(pts, dtype=np.float64))
        return {"polylines": [conv(l) for l in lines], "faces": sorted(set(ties)), "chords": len(pieces)}

    def _endpoint(self, e, t, exact):
        if e[0] == "v":
            return self.vertices(exact=True)[e[1]] if exact else self._uv[e[1]]
        _, a, b, f, _ = e
        if exact:
            M = self._core.exact_map(f)
            P, Q = self._core.exact_vertices([a, b])
            za = M[0, 0] * P[0] + M[0, 1] * P[1] + M[0, 2] - t
            zb = M[0, 0] * Q[0] + M[0, 1] * Q[1] + M[0, 2] - t
            s = za / (za - zb)
            return P + s * (Q - P)
        m = self._maps[f, 0]
        P, Q = self._uv[a], self._uv[b]
        za, zb = m[:2] @ P + m[2] - float(t), m[:2] @ Q + m[2] - float(t)
        return P + (za / (za - zb)) * (Q - P)

    def linear_regions(self) -> List[np.ndarray]:
        """Faces merged across edges where the output map does not change (exactly): lists of faces."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        _, faces, _ = self.edges()
        inner = faces[(faces[:, 1] >= 0)]
        f, g = inner[:, 0], inner[:, 1]
        apart = np.any(np.abs(self._maps[f] - self._maps[g]) > self._map_err[f] + self._map_err[g], axis=(1, 2))
        same = [i for i in np.flatnonzero(~apart)  # float can only tell maps apart; equal ones are checked exactly
                if np.array_equal(self._exact_map(f[i]), self._exact_map(g[i]))]
        n = self.num_faces
        g = coo_matrix((np.ones(len(same)), (inner[same, 0], inner[same, 1])), shape=(n, n))
        _, label = connected_components(g, directed=False)
        groups = {}
        for f, l in enumerate(label):
            groups.setdefault(l, []).append(f)
        return [np.array(v) for v in sorted(groups.values())]

    def _exact_map(self, f):
        cache = self.__dict__.setdefault("_emaps", {})
        if f not in cache:
            cache[f] = self._core.exact_map(int(f))
        return cache[f]

    def line(self, p, q) -> List[Fraction]:
        """The exact 1-D slice from plane point p to q: the parameters s in (0, 1) of the breakpoints
        of the network along p + s (q - p), sorted (Fractions)."""
        from .regions import Box, regions
        p, q = _exact_vector(p, 2, "p"), _exact_vector(q, 2, "q")
        o, a, b = self.origin, self.d1, self.d2
        start = [oi + p[0] * ai + p[1] * bi for oi, ai, bi in zip(o, a, b)]
        step = [(q[0] - p[0]) * ai + (q[1] - p[1]) * bi for ai, bi in zip(a, b)]
        (W1, b1), rest = self.net.exact_layers[0], self.net.exact_layers[1:]
        W = np.array([[sum(w * s for w, s in zip(row, step))] for row in W1], dtype=object)
        c = np.array([bi + sum(w * s for w, s in zip(row, start)) for row, bi in zip(W1, b1)], dtype=object)
        line_net = Network([(W, c)] + [(Wl, bl) for Wl, bl in rest], relu=self.net.relu,
                           negative_slopes=self.net.negative_slopes)
        rs = regions(line_net, Box([0.0], [1.0]))
        ends = set()
        for i in range(len(rs)):
            A, bb = rs.halfspaces(i, exact=True)
            for row, v in zip(A, bb):
                x = Fraction(v) / Fraction(row[0])
                if 0 < x < 1:
                    ends.add(x)
        return sorted(ends)

    # --- files ---------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION, "type": "Slice", "kind": self.kind,
            "network": {"layers": [[[[str(v) for v in row] for row in W], [str(v) for v in b]]
                                   for W, b in self.net.exact_layers], "relu": list(self.net.relu),
                        "negative_slopes": [str(s) for s in self.net.negative_slopes]},
            "frame": [[str(v) for v in x] for x in (self.origin, self.d1, self.d2)],
            "domain": None if self.whole_plane else self.domain.to_dict(), "threshold": str(self.threshold),
            "boundary": self.boundary,
            "num_faces": self.num_faces, "complete": self.complete,
            "vertices": self._uv.tolist(), "faces": [self.face(f).tolist() for f in range(self.num_faces)],
            "patterns": ["".join("1" if b else "0" for b in row) for row in self.patterns],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> "Slice":
        """Rebuild a slice from to_json(): the exact computation is rerun on the stored network, frame
        and domain (the result is identical: faces are in canonical order)."""
        try:
            d = json.loads(text)
        except (TypeError, ValueError) as e:
            raise InputError(f"not a tropgeom Slice JSON document: {e}") from None
        if not isinstance(d, dict) or d.get("type") != "Slice":
            raise InputError("not a tropgeom Slice JSON document (no \"type\": \"Slice\")")
        if d.get("schema_version") != SCHEMA_VERSION:
            raise InputError(f"Slice schema_version {d.get('schema_version')!r} is not {SCHEMA_VERSION}")
        layers = [(np.array([[Fraction(v) for v in row] for row in W], dtype=object).reshape(len(W), -1),
                   np.array([Fraction(v) for v in b], dtype=object)) for W, b in d["network"]["layers"]]
        net = Network(layers, relu=d["network"]["relu"], negative_slopes=d["network"].get("negative_slopes"))
        frame = [[Fraction(v) for v in x] for x in d["frame"]]
        dom = None if d["domain"] is None else _domain_from_dict(d["domain"])
        how = {"kind": d["kind"], "threshold": Fraction(d["threshold"]), "boundary": d.get("boundary", "auto")}
        if dom is None:  # the whole plane of a 2-input net: its own coordinates
            return slice2d(net, domain=None, **how)
        return slice2d(net, plane=frame, domain=dom, **how)

    def save(self, path) -> None:
        with open(path, "w") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path) -> "Slice":
        try:
            with open(path) as f:
                return cls.from_json(f.read())
        except OSError as e:
            raise InputError(f"cannot read slice file {path!r}: {e.strerror}") from None

    def __eq__(self, other) -> bool:
        return (isinstance(other, Slice) and self.num_faces == other.num_faces
                and np.array_equal(self._packed, other._packed)
                and np.array_equal(self._start, other._start) and np.array_equal(self._verts, other._verts)
                and all(np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
                        for x, y in zip((self.origin, self.d1, self.d2), (other.origin, other.d1, other.d2))))

    def __getstate__(self):
        return {"json": self.to_json()}

    def __setstate__(self, state):
        self.__dict__.update(Slice.from_json(state["json"]).__dict__)

    # --- pictures ------------------------------------------------------------------------------------
    def plot(self, ax=None, *, path=None, color_by: str = "pattern", boundary: bool = True, points=None,
             labels=None):
        """Draw the slice (see tropgeom.plot.plot_slice); ``path`` saves it (PNG/SVG/PDF by suffix)."""
        from .plot import plot_slice
        ax = plot_slice(self, ax, color_by=color_by, boundary=boundary, points=points, labels=labels)
        if path is not None:
            ax.figure.savefig(path, bbox_inches="tight")
        return ax

    def _repr_png_(self):
        from .plot import plot_slice, render
        return render(lambda ax: plot_slice(self, ax), "png")

    def to_svg(self, path=None, size: int = 480) -> str:
        """A dependency-free SVG of the faces (stable colour per pattern) and the decision boundary."""
        from .plot import pattern_color  # the colour rule of every picture (no matplotlib needed)
        uv = self._uv
        lo, hi = uv.min(axis=0), uv.max(axis=0)
        scale = size / max(float((hi - lo).max()), 1e-300)

        def xy(p):
            return f"{(p[0] - lo[0]) * scale:.3f},{(hi[1] - p[1]) * scale:.3f}"
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
                 f'viewBox="0 0 {size} {size}">']
        for f, bits in enumerate(self.packed_patterns):
            col = "#%02x%02x%02x" % tuple(round(255 * v) for v in pattern_color(bytes(bits)))
            pts = " ".join(xy(uv[v]) for v in self.face(f))
            parts.append(f'<polygon points="{pts}" fill="{col}" stroke="black" stroke-width="0.4"/>')
        if self.boundary is not None:
            for line in self.decision_boundary()["polylines"]:
                parts.append(f'<polyline points="{" ".join(xy(p) for p in line)}" fill="none" '
                             f'stroke="black" stroke-width="2"/>')
        parts.append("</svg>")
        svg = "\n".join(parts)
        if path is not None:
            with open(path, "w") as fh:
                fh.write(svg)
        return svg


def slice2d(net, *, through=None, plane=None, domain=None, kind: str = "activation", boundary="auto",
            threshold=0, threads: Optional[int] = None, max_faces: Optional[int] = None,
            max_seconds: Optional[float] = None, progress=None) -> Slice:
    """The exact tessellation of a plane through input space (see the module docstring).

    ``through=(x0, x1, x2)``: the plane through three points (exact frame); ``plane=(origin, d1, d2)``;
    neither: a 2-input net's own input plane.  ``domain``: a Box2D or Polygon2D in plane coordinates,
    "auto" (a box around the frame's points: [-1, 2] x [-1, 2] for three data points), or None (all of
    the plane, for 2-input nets: a box that holds every vertex).  ``boundary`` and ``threshold``: the
    decision boundary {f = t} drawn and returned by decision_boundary().  A budget (``max_faces``,
    ``max_seconds``) or Ctrl-C raises BudgetExceeded whose ``partial`` is a Slice of the faces found
    (they do not tile the domain then).

    Parameters
    ----------
    net : Network
        The network.
    through : (3, d) array_like, optional
        Three points spanning the plane.
    plane : (origin, d1, d2), optional
        The plane as a point and two directions.
    domain : None, "auto", Box2D or Polygon2D, optional
        The part of the plane, in plane coordinates.
    kind : {"activation", "linear"}
        Activation faces, or faces merged where the map is the same.
    boundary : str
        Which decision boundary to trace ("auto" by default).
    threshold : number
        The level t of the boundary {f = t}.
    threads : int, optional
        Worker threads (None: the cores this process may use).
    max_faces : int, optional
        Stop after this many faces.
    max_seconds : float, optional
        Stop after this many seconds (BudgetExceeded, reason "max_seconds").
    progress : None, bool or callable, optional
        None: a bar on a TTY for runs over a second; False: none; True: always; a callable receives
        the count so far.

    Returns
    -------
    Slice
        The exact tessellation of the plane.
    """
    net = _seam.network(net)
    if kind not in ("activation", "linear"):
        raise InputError(f"kind must be 'activation' or 'linear'; got {kind!r}")
    if boundary not in ("auto", "binary", "argmax", None):
        raise InputError(f"boundary must be 'auto', 'binary', 'argmax' or None; got {boundary!r}")
    t = _exact(threshold, "threshold")
    positive_int(max_faces, "max_faces", allow_none=True)
    frame = _frame(net, through, plane)
    if domain is None:
        dom = _whole_plane(net, frame)
    elif isinstance(domain, str):
        if domain != "auto":
            raise InputError(f"domain must be a Box2D, a Polygon2D, 'auto' or None; got {domain!r}")
        dom = Box2D([-1, -1], [2, 2]) if through is not None else Box2D([-1, -1], [1, 1])
    elif isinstance(domain, (Box2D, Polygon2D)):
        dom = domain
    else:
        raise InputError(f"domain must be a Box2D, a Polygon2D, 'auto' or None; got {type(domain).__name__}")
    from . import _core
    obj = lambda xs: np.array(xs, dtype=object)
    with _run.progress(progress, "faces") as tick:
        core = _core.slice2d(net.core, obj(frame[0]), obj(frame[1]), obj(frame[2]),
                             np.array(dom.vertices(), dtype=object), max_faces=max_faces or 0,
                             max_seconds=_run.seconds(max_seconds), threads=_run.threads(threads), progress=tick)
    s = Slice(net, frame, dom, core, kind, t, whole_plane=domain is None, boundary=boundary)
    _run.stopped(core.complete, core.stop_reason, partial=s, count_name="max_faces",
                 what=f"{s.num_faces} faces found")
    return s
