"""Classifications of a fixed data set (Brandenburg–Loho–Montufar 2024; DESIGN §5.4).

The model is f = g - h with g the max of ``m`` affine terms and h the max of ``n`` (K = m + n terms;
m = n = 1 is the linear classifier).  Term k has parameters theta_k in R^{d+1} and value
<theta_k, (1, x)> at x.  A generic parameter gives every data point its argmax term (an activation
pattern sigma: X -> [K]) and labels x with +1 iff sigma(x) < m.  The patterns that occur are the
vertices of the activation polytope P_X = sum_i conv{e_k (x) (1, x_i)}, whose normal fan is the
classification fan.  Everything here is exact: realisability is decided by exact LPs.
"""
from __future__ import annotations

import itertools
import json
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _run, _seam
from .errors import BudgetExceeded, InputError

__all__ = ["ActivationPolytope", "LossLevels", "OneHiddenLayerPatterns", "one_hidden_layer_patterns"]


def _search(fn, *args, progress=None, unit: str, **budget):
    """Run a core search under the run contract's progress bar or a user callback."""
    with _run.progress(progress, unit.strip()) as tick:
        return fn(*args, progress=tick, **budget)


def _lifted(X: np.ndarray, exact: bool = True) -> np.ndarray:
    """(N, d+1) rows (1, x) as Fractions (exact: a double is a dyadic rational)."""
    return _seam.fractions(np.hstack([np.ones((len(X), 1)), X]))


def _components(n: int, edges: np.ndarray, keep: np.ndarray) -> int:
    """Connected components of the graph on the vertices with keep[v], through the given edges."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return 0
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    e = e[keep[e[:, 0]] & keep[e[:, 1]]]
    where = np.full(n, -1, dtype=np.int64)
    where[idx] = np.arange(len(idx))
    g = coo_matrix((np.ones(len(e)), (where[e[:, 0]], where[e[:, 1]])), shape=(len(idx), len(idx)))
    return int(connected_components(g, directed=False)[0])


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"ActivationPolytope.{old} is deprecated (a property that may run a search); use {new}",
                  FutureWarning, stacklevel=3)


# --- the activation polytope --------------------------------------------------------------------

@dataclass(frozen=True)
class LossLevels:
    """0/1 loss of every vertex (chamber of the classification fan) for labels y, and how many
    connected components (through edges of P_X, i.e. across walls) each level and sublevel set has.

    Parameters
    ----------
    loss : numpy.ndarray
        The 0/1 loss of every vertex.
    levels : dict of int to int
        Connected components of each level set {loss = c}.
    sublevels : dict of int to int
        Connected components of each sublevel set {loss <= c}.
    """
    loss: np.ndarray                 # (V,) int: misclassified points per vertex
    levels: Dict[int, int]           # loss value -> components of {loss == value}
    sublevels: Dict[int, int]        # loss value -> components of {loss <= value}

    @property
    def minimum(self) -> int:
        return int(self.loss.min())

    @property
    def minimizers(self) -> np.ndarray:
        return np.flatnonzero(self.loss == self.loss.min())


class ActivationPolytope:
    """The activation polytope P_X of data X (N x d) for a model with m numerator and n denominator
    terms, a polytope in R^dim with dim = K (d + 1) the ambient dimension (K = m + n) and affine
    dimension ``dimension()`` = (K - 1) * rank of the lifted data (1, x).  (``dim`` used to be the
    affine dimension; it is now the ambient one, as everywhere in the package.)

    Vertices are enumerated on first use, depth first over the data points with exact LPs.  The
    constructor's budget (``max_vertices``, ``max_seconds``, ``threads``, ``progress``) is the default
    of every later call (vertices, edges, f_vector, labelings, loss_levels), each of which also takes
    its own ``max_seconds`` / ``progress``; a stop (budget or Ctrl-C) raises BudgetExceeded whose
    ``partial`` is what was found (the (V, N) patterns, the edges, the face counts) and whose
    ``reason`` is "max_vertices", "max_faces", "max_cells", "max_seconds" or "interrupted"; the vertex and
    face searches also keep their open nodes in ``remaining`` (tropgeom.cell.ActivationCell), and the
    same call with ``cells=e.remaining`` finds exactly the rest.  ``progress``: None (a
    bar on a TTY), False, True or a callable.  Coordinates and parameters follow the one ``exact=``
    rule: float64 by default, Fractions with ``exact=True``.  Pickles and round-trips through
    ``to_json`` / ``from_json`` (computed vertices and edges included).

    Parameters
    ----------
    X : (N, d) array_like
        The data points.
    m, n : int
        Numerator and denominator terms (m = n = 1: linear classifiers).
    max_vertices : int, optional
        Stop after this many vertices (BudgetExceeded, reason "max_vertices").
    max_seconds : float, optional
        Stop after this many seconds (BudgetExceeded, reason "max_seconds").
    progress : None, bool or callable, optional
        None: a bar on a TTY for runs over a second; False: none; True: always; a callable receives
        the count so far.
    threads : int, optional
        Worker threads (None: the cores this process may use).
    """

    def __init__(self, X, m: int, n: int, *, max_vertices: Optional[int] = None,
                 max_seconds: Optional[float] = None, threads: Optional[int] = None, progress=None):
        self.X = _seam.data_points(X)
        self.X.setflags(write=False)
        self.m, self.n = _seam.positive_int(m, "m"), _seam.positive_int(n, "n")
        self.K = self.m + self.n
        self._max_vertices = _seam.positive_int(max_vertices, "max_vertices", allow_none=True)
        self._max_seconds = _seam.positive_seconds(max_seconds)
        self._threads = _run.threads(threads)
        self._progress = progress
        self._res = self._patterns = self._edges = self._dimension = None

    # --- identity, pickling, JSON ---
    def _settings(self) -> dict:
        return {"max_vertices": self._max_vertices, "max_seconds": self._max_seconds, "threads": self._threads}

    def __eq__(self, other) -> bool:
        """The same data X and terms (m, n): the same polytope."""
        if not isinstance(other, ActivationPolytope):
            return NotImplemented
        return (self.m, self.n) == (other.m, other.n) and np.array_equal(self.X, other.X)

    __hash__ = None

    def __getstate__(self) -> dict:
        return {"X": np.array(self.X), "m": self.m, "n": self.n, **self._settings(),
                "progress": self._progress if self._progress in (None, False, True) else None,
                "patterns": self._patterns, "edges": self._edges}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["X"], state["m"], state["n"], max_vertices=state["max_vertices"],
                      max_seconds=state["max_seconds"], threads=state["threads"], progress=state["progress"])
        self._patterns, self._edges = state["patterns"], state["edges"]

    def to_dict(self) -> dict:
        """The polytope (X exactly: JSON floats round-trip), its budgets, and what is computed so far."""
        doc = {"type": "ActivationPolytope", "schema_version": 1, "X": self.X.tolist(), "m": self.m, "n": self.n,
               "N": self.N, "d": self.d, "dim": self.dim, **self._settings()}
        if self._patterns is not None:
            doc["patterns"] = self._patterns.tolist()
        if self._edges is not None:
            doc["edges"] = self._edges.tolist()
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "ActivationPolytope":
        """The polytope of a :meth:`to_json` document (str or dict); InputError if it is not one."""
        data = _seam.json_doc(text, "ActivationPolytope", "ActivationPolytope")
        try:
            P = cls(data["X"], data["m"], data["n"], max_vertices=data.get("max_vertices"),
                    max_seconds=data.get("max_seconds"), threads=data.get("threads"))
            if "patterns" in data:
                P._patterns = np.array(data["patterns"], dtype=np.int64).reshape(-1, P.N)
            if "edges" in data:
                P._edges = np.array(data["edges"], dtype=np.int64).reshape(-1, 3)
        except (KeyError, TypeError, ValueError) as e:
            if isinstance(e, InputError):
                raise
            raise InputError(f"not an ActivationPolytope JSON document ({e!r})") from None
        return P

    # --- shape ---
    @property
    def N(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def dim(self) -> int:
        """The ambient dimension K (d + 1) (the space of the coordinates)."""
        return self.K * (self.d + 1)

    def dimension(self) -> int:
        """The affine dimension of P_X: (K - 1) * rank of the lifted data (1, x) (exact rank)."""
        if self._dimension is None:
            from . import _core
            self._dimension = int(_core.activation_dimension(self.X, self.d, self.K))
        return self._dimension

    def __repr__(self) -> str:
        return f"ActivationPolytope(N={self.N}, d={self.d}, m={self.m}, n={self.n}, dimension={self.dimension()})"

    # --- vertices ---
    def _seconds(self, max_seconds) -> Optional[float]:
        return self._max_seconds if max_seconds is None else _seam.positive_seconds(max_seconds)

    def _progress_of(self, progress):
        return self._progress if progress is None else progress

    def _nvars(self) -> int:
        return (self.K - 1) * (self.d + 1)

    def _vertex_search(self, max_seconds=None, progress=None, cells=None, max_cells=None):
        """The core's vertex search: patterns, witnesses, stats.  Cached when it is the whole search;
        ``cells`` (ActivationCells) searches below them only, ``max_cells`` bounds the search steps.
        A stop raises BudgetExceeded with the patterns found and the open cells (``remaining``)."""
        if self._res is not None and cells is None:
            return self._res
        from . import _core
        from .cell import ActivationCell
        core_cells = _seam.activation_cells(cells, "vertices", self.N, self._nvars())
        res = _search(_core.activation_vertices, self.X, self.d, self.K, progress=self._progress_of(progress),
                      unit=" patterns", max_results=self._max_vertices or 0,
                      max_seconds=_run.seconds(self._seconds(max_seconds)), threads=self._threads,
                      cells=core_cells, max_cells=_seam.count_budget(max_cells, "max_cells"))
        _run.stopped(res.complete, res.stop_reason, partial=res.codes.astype(np.int64),
                     count_name="max_vertices", what=f"{res.count} vertices found",
                     remaining=[ActivationCell._from_core("vertices", t) for t in res.open_cells()])
        if cells is not None:
            return res
        self._res = res
        if self._patterns is None:
            self._patterns = res.codes.astype(np.int64)
            self._patterns.setflags(write=False)
        return self._res

    def vertex_patterns(self, *, max_seconds: Optional[float] = None, progress=None, cells=None,
                        max_cells: Optional[int] = None) -> np.ndarray:
        """(V, N) int: the realisable generic activation patterns (argmax term per data point),
        in lexicographic order; vertex v of every other method is row v.  Cached.

        A stop (``max_vertices``, ``max_seconds``, ``max_cells`` search steps, Ctrl-C) raises
        BudgetExceeded: ``partial`` the patterns found, ``remaining`` the open ActivationCells.  The
        same call with ``cells=e.remaining`` returns exactly the other patterns (disjoint from
        ``partial``; together every vertex), not cached."""
        if cells is not None:
            return self._vertex_search(max_seconds, progress, cells, max_cells).codes.astype(np.int64)
        if self._patterns is None:
            self._vertex_search(max_seconds, progress, None, max_cells)
        return self._patterns

    @property
    def patterns(self) -> np.ndarray:
        """Deprecated: use vertex_patterns()."""
        _deprecated("patterns", "vertex_patterns()")
        return self.vertex_patterns()

    def count_vertices(self, *, max_seconds: Optional[float] = None, progress=None, cells=None,
                       max_cells: Optional[int] = None) -> int:
        """The number of vertices (below ``cells`` only, when given: see vertex_patterns)."""
        return len(self.vertex_patterns(max_seconds=max_seconds, progress=progress, cells=cells, max_cells=max_cells))

    @property
    def num_vertices(self) -> int:
        """Deprecated: use count_vertices()."""
        _deprecated("num_vertices", "count_vertices()")
        return self.count_vertices()

    def search_stats(self, *, max_seconds: Optional[float] = None, progress=None) -> dict:
        """Vertex search statistics: exact LPs, float LPs, witness hits (children needing no LP), nodes."""
        return dict(self._vertex_search(max_seconds, progress).stats)

    @property
    def stats(self) -> dict:
        """Deprecated: use search_stats()."""
        _deprecated("stats", "search_stats()")
        return self.search_stats()

    def parameters(self, *, exact: bool = False, max_seconds: Optional[float] = None, progress=None) -> np.ndarray:
        """(V, K, d+1): for each vertex, term parameters theta_k (constant first), found exactly,
        under which every data point's unique argmax term is the vertex's pattern (theta_{K-1} = 0):
        float64, or Fractions with ``exact=True`` (the float view may tie where the exact one does not)."""
        res = self._vertex_search(max_seconds, progress)
        V = res.count
        W = res.witnesses().reshape(V, self.K - 1, self.d + 1)
        zero = np.full((V, 1, self.d + 1), Fraction(0), dtype=object)
        theta = np.concatenate([W, zero], axis=1)
        return theta if exact else _seam.floats(theta)

    def coordinates(self, patterns=None, *, exact: bool = False) -> np.ndarray:
        """Points sum_i e_{sigma(i)} (x) (1, x_i) in R^{K(d+1)} (block k = coordinates K*k..), one row
        per pattern (default: every vertex): float64, or Fractions with ``exact=True``."""
        P = self.vertex_patterns() if patterns is None else np.asarray(patterns, dtype=np.int64).reshape(-1, self.N)
        onehot = (P[:, None, :] == np.arange(self.K)[None, :, None]).astype(object)
        blocks = onehot.reshape(-1, self.N) @ _lifted(self.X, True)  # (V*K, d+1), summed exactly
        C = blocks.reshape(len(P), self.K * (self.d + 1))
        return C if exact else _seam.floats(C)

    def vertices(self, *, exact: bool = False, max_seconds: Optional[float] = None,
                 progress=None) -> Tuple[np.ndarray, np.ndarray]:
        """(patterns (V, N) int, coordinates (V, K(d+1))): the vertices of P_X, float64 coordinates
        or Fractions with ``exact=True``."""
        pats = self.vertex_patterns(max_seconds=max_seconds, progress=progress)
        return pats, self.coordinates(exact=exact)

    def edges(self, *, max_seconds: Optional[float] = None, progress=None, cells=None,
              max_cells: Optional[int] = None) -> np.ndarray:
        """(E, 3) int rows (u, v, i): vertices u < v span an edge of P_X and differ exactly at data
        point i (and its repeats).  Each edge is verified exactly (two witnesses, or an LP on its
        normal cone) and found from one endpoint only.  One ``max_seconds`` (default: the
        constructor's) covers the vertex search too.  Cached.

        A stop (``max_seconds``, ``max_cells`` vertices scanned, Ctrl-C) raises BudgetExceeded:
        ``partial`` the edges found ((0, 3) if the vertices were not done), ``remaining`` the vertices
        not scanned yet as ActivationCells ("edges"; None if the vertices were not done).  The same
        call with ``cells=e.remaining`` returns exactly the other edges (disjoint from ``partial``;
        together every edge), not cached."""
        if self._edges is not None and cells is None and max_cells is None:
            return self._edges
        from . import _core
        from .cell import ActivationCell
        clock = _run.Deadline(self._seconds(max_seconds))
        none = np.zeros((0, 3), np.int64)
        with _run.interruptible("edges", partial=none):  # the vertex search, then the edges
            try:
                res = self._res or self._vertex_search(clock.left(none, "edges"), progress)
            except BudgetExceeded as e:
                e.partial, e.remaining = none, None
                raise
            rows = self._edge_rows(cells, res)
            todo = range(res.count) if rows is None else rows

            def rest(done):  # the vertices not scanned, as cells
                W = res.witnesses()
                return [ActivationCell._from_core("edges", (self._patterns[u].tolist(), list(W[u]))) for u in todo[done:]]
            try:
                left = clock.left(none, "edges")
            except BudgetExceeded as e:
                e.remaining = rest(0)
                raise
            E, why, done = _search(_core.activation_edges, self.X, self.d, self.K, res,
                                   progress=self._progress_of(progress), unit=" vertices",
                                   max_seconds=_run.seconds(left), threads=self._threads,
                                   from_vertices=rows, max_cells=_seam.count_budget(max_cells, "max_cells"))
            if why:
                raise BudgetExceeded(f"stopped by {why} after {len(E)} edges", partial=E, reason=why,
                                     remaining=rest(done))
        E.setflags(write=False)
        if cells is None:
            self._edges = E
        return E

    def _edge_rows(self, cells, res) -> Optional[List[int]]:
        """The vertex indices of ``cells`` ("edges" ActivationCells: a vertex's pattern and witness),
        None for all; a cell that is not a vertex of P_X -> InputError."""
        core = _seam.activation_cells(cells, "edges", self.N, self._nvars())
        if core is None:
            return None
        index = {tuple(p): v for v, p in enumerate(self._patterns.tolist())}
        rows = []
        for i, (codes, _) in enumerate(core):
            v = index.get(tuple(codes))
            if v is None:
                raise InputError(f"cells[{i}] is not a vertex of this activation polytope", index=i)
            rows.append(v)
        return rows

    # --- classifications ---
    def pattern_labels(self, patterns=None) -> np.ndarray:
        """(V, N) int8: +1 where the argmax term is a numerator term (index < m), else -1."""
        P = self.vertex_patterns() if patterns is None else np.asarray(patterns)
        return np.where(P < self.m, 1, -1).astype(np.int8)

    def labelings(self, *, max_seconds: Optional[float] = None, progress=None, cells=None,
                  max_cells: Optional[int] = None) -> Tuple[np.ndarray, List[np.ndarray]]:
        """(Y, members): the distinct reachable labelings Y (L, N) in {+1, -1}, and for each the
        vertex indices (patterns) that give it.  A stop raises BudgetExceeded with partial = the
        distinct labelings of the patterns found so far and ``remaining`` the open cells; with
        ``cells=e.remaining`` the labelings of the other patterns (members index
        ``vertex_patterns(cells=...)``): the union of both is every labeling."""
        try:
            pats = self.vertex_patterns(max_seconds=max_seconds, progress=progress, cells=cells, max_cells=max_cells)
        except BudgetExceeded as e:
            e.partial = np.unique(self.pattern_labels(e.partial), axis=0) if e.partial is not None else None
            raise
        Y, inverse = np.unique(self.pattern_labels(pats), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        return Y, [np.flatnonzero(inverse == j) for j in range(len(Y))]

    def count_labelings(self, *, max_seconds: Optional[float] = None, progress=None) -> int:
        """The number of distinct reachable labelings."""
        return len(self.labelings(max_seconds=max_seconds, progress=progress)[0])

    @property
    def num_labelings(self) -> int:
        """Deprecated: use count_labelings()."""
        _deprecated("num_labelings", "count_labelings()")
        return self.count_labelings()

    def loss_levels(self, y, *, max_seconds: Optional[float] = None, progress=None) -> LossLevels:
        """0/1 loss of every vertex for labels y (+1/-1, or bool/0-1 with 1 positive), and the
        number of connected components of each level and sublevel set (adjacency = edges()).  One
        ``max_seconds`` covers vertices and edges; a stop raises BudgetExceeded with partial = the
        loss of every vertex (V,) when the vertices are done, else None."""
        y = _seam.labels(y, self.N)
        clock = _run.Deadline(self._seconds(max_seconds))
        with _run.interruptible("loss levels") as found:  # vertices, then edges, then components
            try:
                pats = self.vertex_patterns(max_seconds=clock.left(what="loss levels"), progress=progress)
            except BudgetExceeded as e:
                e.partial, e.remaining = None, None
                raise
            loss = found.partial = (self.pattern_labels(pats) != y).sum(axis=1)
            try:
                pairs = self.edges(max_seconds=clock.left(loss, "loss levels"), progress=progress)[:, :2]
            except BudgetExceeded as e:
                e.partial, e.remaining = loss, None
                raise
            values = sorted(set(int(v) for v in loss))
            levels = {c: _components(len(loss), pairs, loss == c) for c in values}
            sublevels = {c: _components(len(loss), pairs, loss <= c) for c in values}
        return LossLevels(loss, levels, sublevels)

    def bent_hyperplane(self, i: int, *, exact: bool = False) -> dict:
        """Data point i's bent hyperplane {max_{k<m} <theta_k, x^_i> = max_{l>=m} <theta_l, x^_i>} in
        parameter space: its pieces are the ties of a numerator term k with a denominator term l (both
        maximal), with normal (e_k - e_l) (x) (1, x_i) (float64, or Fractions with ``exact=True``);
        ``walls`` are the indices (into edges()) of the edges of P_X whose normal cones lie in it,
        i.e. the walls of the classification fan where crossing flips point i's label."""
        if isinstance(i, (bool, np.bool_)) or not (isinstance(i, (int, np.integer)) and -self.N <= i < self.N):
            raise InputError(f"data index {i!r} out of range for {self.N} points", index=i)
        i = int(i) % self.N
        first = next(j for j in range(self.N) if np.array_equal(self.X[j], self.X[i]))
        pairs = [(k, l) for k in range(self.m) for l in range(self.m, self.K)]
        x = _lifted(self.X[i:i + 1], True)[0]
        normals = np.zeros((len(pairs), self.K * (self.d + 1)), dtype=object)
        normals[:] = Fraction(0)
        D = self.d + 1
        for r, (k, l) in enumerate(pairs):
            normals[r, k * D:(k + 1) * D] = x
            normals[r, l * D:(l + 1) * D] = -x
        E = self.edges()
        lab = self.pattern_labels()
        walls = np.flatnonzero((E[:, 2] == first) & (lab[E[:, 0], first] != lab[E[:, 1], first]))
        return {"point": i, "pairs": pairs, "normals": normals if exact else _seam.floats(normals), "walls": walls}

    # --- faces ---
    def f_vector(self, *, max_faces: Optional[int] = None, max_seconds: Optional[float] = None,
                 progress=None, cells=None, max_cells: Optional[int] = None) -> Tuple[int, ...]:
        """(f_0, ..., f_dimension): faces of P_X by dimension (f_dimension = 1), from the realisable
        bipartite graphs data point -> set of tied maximal terms (exact LPs; output-sensitive but
        costly).  ``max_seconds`` defaults to the constructor's.  A stop (``max_faces``,
        ``max_seconds``, ``max_cells`` search steps, Ctrl-C) raises BudgetExceeded with the partial
        counts and ``remaining`` the open ActivationCells ("faces"); ``f_vector(cells=e.remaining)``
        counts exactly the other faces (add the two vectors)."""
        from . import _core
        from .cell import ActivationCell
        res = _search(_core.activation_faces, self.X, self.d, self.K, progress=self._progress_of(progress),
                      unit=" faces", max_results=_seam.count_budget(max_faces, "max_faces"),
                      max_seconds=_run.seconds(self._seconds(max_seconds)), threads=self._threads,
                      cells=_seam.activation_cells(cells, "faces", self.N, self._nvars()),
                      max_cells=_seam.count_budget(max_cells, "max_cells"))
        f = tuple(int(v) for v in np.bincount(res.dims, minlength=self.dimension() + 1))
        _run.stopped(res.complete, res.stop_reason, partial=f, count_name="max_faces",
                     what=f"{res.count} faces found",
                     remaining=[ActivationCell._from_core("faces", t) for t in res.open_cells()])
        return f

    def report(self, labels=None, f_vector: bool = False) -> dict:
        """The summary the command line prints: counts, patterns, labelings, optionally the f-vector
        and the loss landscape of ``labels`` (computes what it needs)."""
        Y, members = self.labelings()
        doc = {"N": self.N, "d": self.d, "m": self.m, "n": self.n, "dim": self.dim, "dimension": self.dimension(),
               "num_vertices": self.count_vertices(), "num_edges": len(self.edges()),
               "num_labelings": len(Y), "patterns": self.vertex_patterns().tolist(),
               "labelings": [{"labels": y.tolist(), "vertices": mem.tolist()} for y, mem in zip(Y, members)]}
        if f_vector:
            doc["f_vector"] = list(self.f_vector())
        if labels is not None:
            L = self.loss_levels(labels)
            doc["loss"] = {"minimum": L.minimum, "minimizers": L.minimizers.tolist(),
                           "levels": L.levels, "sublevels": L.sublevels}
        return doc


# --- one hidden layer ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OneHiddenLayerPatterns:
    """Activation patterns of k ReLU neurons on X, and (given output-weight signs) the labelings
    ``sign(sum_j s_j |v_j| relu(<w_j, (1, x)>) + c)`` reachable on X.

    Parameters
    ----------
    k : int
        The number of neurons.
    neuron_patterns : (T, N) bool numpy.ndarray
        The chambers of one neuron on the data.
    signs : tuple of int, optional
        The output weights' signs.
    labelings : (L, N) int8 numpy.ndarray, optional
        The reachable labelings.
    pattern_counts : (L,) numpy.ndarray, optional
        How many network patterns give each labeling.
    stats : dict
        The search's counters.
    """
    k: int
    neuron_patterns: np.ndarray          # (T, N) bool: per neuron, the chambers of {<w, x^_i> = 0}
    signs: Optional[Tuple[int, ...]] = None
    labelings: Optional[np.ndarray] = None       # (L, N) int8 in {+1, -1}
    pattern_counts: Optional[np.ndarray] = None  # (L,) how many network patterns give each labeling
    stats: dict = field(default_factory=dict)

    @property
    def num_patterns(self) -> int:
        """Patterns of the layer: neurons are independent, so T ** k."""
        return len(self.neuron_patterns) ** self.k

    def patterns(self) -> np.ndarray:
        """(T**k, N, k) bool: every activation pattern of the layer (materialised; keep k small)."""
        T = self.neuron_patterns
        return np.array([np.stack(c, axis=1) for c in itertools.product(T, repeat=self.k)], dtype=bool)

    @property
    def num_labelings(self) -> Optional[int]:
        return None if self.labelings is None else len(self.labelings)


def one_hidden_layer_patterns(X, k: int, signs: Optional[Sequence[int]] = None, *,
                              max_results: Optional[int] = None, max_seconds: Optional[float] = None,
                              threads: Optional[int] = None, progress=None, cells=None,
                              max_cells: Optional[int] = None) -> OneHiddenLayerPatterns:
    """Realisable activation patterns of a one-hidden-layer ReLU net with k neurons on data X, and
    with ``signs`` (k values +1/-1: the output weights' signs) the reachable labelings, exactly.

    A neuron's pattern on X is a chamber of the central arrangement {w : <w, (1, x_i)> = 0} (the
    linear case of the activation polytope).  Labelings: a depth-first search over data points of
    (neuron signs, label) with exact LPs in (w_1..w_k, c), c the output bias; ``max_results`` bounds
    the (pattern, labeling) pairs kept.  One ``max_seconds`` covers both searches.

    A stop (``max_results``, ``max_seconds``, ``max_cells`` search steps, Ctrl-C) raises
    BudgetExceeded with ``reason`` "max_results", "max_seconds", "max_cells" or "interrupted",
    ``partial`` a OneHiddenLayerPatterns of what was found (the neuron patterns so far, no labelings,
    when the first search stopped; else every neuron pattern and the labelings so far with their
    pattern counts) and ``remaining`` the open ActivationCells of the search that stopped ("vertices"
    or "labelings").  The same call with ``cells=e.remaining`` finishes it: the rest of the neuron
    patterns (then every labeling), or every neuron pattern and the rest of the labelings; the two
    results are disjoint and together the whole answer (labelings' pattern counts add).

    Parameters
    ----------
    X : (N, d) array_like
        The data points.
    k : int
        The number of hidden neurons.
    signs : sequence of int, optional
        k values +1 / -1: the output weights' signs (to get labelings).
    max_results : int, optional
        Stop after this many (pattern, labeling) pairs.
    max_seconds : float, optional
        Stop after this many seconds (BudgetExceeded, reason "max_seconds").
    threads : int, optional
        Worker threads (None: the cores this process may use).
    progress : None, bool or callable, optional
        None: a bar on a TTY for runs over a second; False: none; True: always; a callable receives
        the count so far.
    cells : list of ActivationCell, optional
        Open cells of a stopped call (its ``remaining``): search below them only.
    max_cells : int, optional
        Stop after this many search steps (BudgetExceeded, reason "max_cells"; deterministic at
        threads=1).

    Returns
    -------
    OneHiddenLayerPatterns
        The patterns (and labelings when ``signs`` is given).
    """
    from .cell import ActivationCell
    X = _seam.data_points(X)
    k = _seam.positive_int(k, "k")
    if signs is not None:
        signs = tuple(int(s) if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)) else s
                      for s in np.asarray(signs, dtype=object).reshape(-1))
        if len(signs) != k or any(s not in (1, -1) for s in signs):
            raise InputError(f"signs must be {k} values +1/-1; got {signs!r}")
    max_results = _seam.positive_int(max_results, "max_results", allow_none=True)
    max_cells = _seam.count_budget(max_cells, "max_cells") or None
    threads = _run.threads(threads)
    kind = _cells_kind(cells, signs is not None)
    if kind == "labelings" and signs is None:
        raise InputError("cells of the labelings search need signs=")
    with _run.interruptible("one-hidden-layer patterns") as found:  # neuron patterns, then labelings
        return _one_hidden_layer(X, k, signs, kind, cells, max_results, max_seconds, max_cells, threads, progress,
                                 found)


def _one_hidden_layer(X, k, signs, kind, cells, max_results, max_seconds, max_cells, threads, progress, found):
    from .cell import ActivationCell
    clock = _run.Deadline(max_seconds)
    P = ActivationPolytope(X, 1, 1, max_vertices=max_results, max_seconds=clock.left(what="neuron patterns"),
                           threads=threads, progress=progress)
    try:
        own = kind == "vertices"
        T = P.vertex_patterns(cells=cells if own else None, max_cells=max_cells if kind != "labelings" else None) == 0
    except BudgetExceeded as e:
        why = "max_results" if e.reason == "max_vertices" else e.reason
        raise BudgetExceeded(f"neuron patterns stopped by {why}", partial=OneHiddenLayerPatterns(k, np.asarray(e.partial) == 0),
                             reason=why, remaining=e.remaining) from None
    found.partial = OneHiddenLayerPatterns(k, T)
    if signs is None:
        return found.partial
    from . import _core
    N, nvars = X.shape[0], k * (X.shape[1] + 1) + 1
    res = _search(_core.one_hidden_layer, X, X.shape[1], list(signs), True, progress=progress,
                  unit=" pairs", max_results=max_results or 0, max_seconds=_run.seconds(clock.left(what="labelings")),
                  threads=threads, cells=_seam.activation_cells(cells, "labelings", N, nvars) if kind == "labelings" else None,
                  max_cells=(max_cells or 0) if kind != "vertices" else 0)
    labels = np.where(res.codes >> k & 1, 1, -1).astype(np.int8).reshape(-1, N)
    Y, counts = np.unique(labels, axis=0, return_counts=True)
    out = OneHiddenLayerPatterns(k, T, signs, Y, counts, dict(res.stats))
    _run.stopped(res.complete, res.stop_reason, partial=out, count_name="max_results",
                 what=f"{res.count} (pattern, labeling) pairs found",
                 remaining=[ActivationCell._from_core("labelings", t) for t in res.open_cells()])
    return out


def _cells_kind(cells, labelings: bool) -> Optional[str]:
    """The search a ``cells=`` list resumes ("vertices" or "labelings"; None: no cells; an empty list:
    the last search of the call)."""
    if cells is None:
        return None
    from .cell import ActivationCell
    kinds = {(ActivationCell.from_bytes(c) if isinstance(c, (bytes, bytearray, memoryview)) else c).kind
             for c in cells if isinstance(c, (ActivationCell, bytes, bytearray, memoryview))}
    if len(kinds) > 1 or kinds - {"vertices", "labelings"}:
        raise InputError(f"cells must be ActivationCells of one search (vertices or labelings); got {sorted(kinds)}")
    return kinds.pop() if kinds else ("labelings" if labelings else "vertices")
