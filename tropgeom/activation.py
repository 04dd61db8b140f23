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
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _run
from ._seam import positive_int
from .errors import BudgetExceeded, InputError

__all__ = ["ActivationPolytope", "LossLevels", "OneHiddenLayerPatterns", "one_hidden_layer_patterns"]


# --- validation ---------------------------------------------------------------------------------

def _data(X) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("data X must be a numeric (N, d) array") from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)  # N points on a line
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(f"data X has shape {arr.shape}; expected (N, d) with N, d >= 1")
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        i = int(bad[0][0])
        raise InputError(f"data point {i} has a non-finite coordinate ({arr[i, bad[0][1]]})", index=i)
    return np.ascontiguousarray(arr)


def _positive(name: str, v, allow_none: bool = True):
    return positive_int(v, name, allow_none=allow_none)


def _search_args(max_results, max_seconds, threads) -> dict:
    return {"max_results": _positive("max_results", max_results) or 0, "max_seconds": _run.seconds(max_seconds),
            "threads": _run.threads(threads)}


def _search(fn, *args, progress=None, unit: str, **budget):
    """Run a core search under the run contract's progress bar or a user callback."""
    with _run.progress(progress, unit.strip()) as tick:
        return fn(*args, progress=tick, **budget)


def _lifted(X: np.ndarray, exact: bool) -> np.ndarray:
    """(N, d+1) rows (1, x): Fractions (exact: a double is a dyadic rational) or float64."""
    L = np.hstack([np.ones((len(X), 1)), X])
    return np.vectorize(Fraction, otypes=[object])(L) if exact else L


def _components(n: int, edges: np.ndarray, keep: np.ndarray) -> int:
    """Connected components of the graph on the vertices with keep[v], through the given edges."""
    parent = np.arange(n)

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for u, v in edges:
        if keep[u] and keep[v]:
            parent[find(u)] = find(v)
    return len({find(v) for v in np.flatnonzero(keep)})


# --- the activation polytope --------------------------------------------------------------------

@dataclass(frozen=True)
class LossLevels:
    """0/1 loss of every vertex (chamber of the classification fan) for labels y, and how many
    connected components (through edges of P_X, i.e. across walls) each level and sublevel set has."""
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
    """The activation polytope of data X (N x d) for a model with m numerator and n denominator terms.

    Vertices are enumerated on first use, depth first over the data points with exact LPs; a budget
    (``max_vertices``, ``max_seconds``) or Ctrl-C raises BudgetExceeded whose ``partial`` is the (V, N)
    array of patterns found so far.  ``progress``: None (a bar on a TTY), False, True or a callable.
    """

    def __init__(self, X, m: int, n: int, *, max_vertices: Optional[int] = None,
                 max_seconds: Optional[float] = None, threads: Optional[int] = None, progress=None):
        self.X = _data(X)
        self.m, self.n = _positive("m", m, False), _positive("n", n, False)
        self.K = self.m + self.n
        self._budget = _search_args(max_vertices, max_seconds, threads)
        self._progress = progress
        self._res = self._patterns = self._edges = None

    @property
    def N(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    def __repr__(self) -> str:
        return f"ActivationPolytope(N={self.N}, d={self.d}, m={self.m}, n={self.n}, dim={self.dim})"

    @property
    def dim(self) -> int:
        """(K - 1) * rank of the lifted data (1, x)."""
        from . import _core
        return int(_core.activation_dimension(self.X, self.d, self.K))

    # --- vertices ---
    @property
    def patterns(self) -> np.ndarray:
        """(V, N) int: the realisable generic activation patterns (argmax term per data point),
        in lexicographic order; vertex v of every other method is row v."""
        if self._patterns is None:
            from . import _core
            res = _search(_core.activation_vertices, self.X, self.d, self.K, progress=self._progress,
                          unit=" patterns", **self._budget)
            _run.stopped(res.complete, res.stop_reason, partial=res.codes.astype(np.int64),
                         count_name="max_vertices", what=f"{res.count} vertices found")
            self._res, self._patterns = res, res.codes.astype(np.int64)
        return self._patterns

    @property
    def stats(self) -> dict:
        """Search statistics: exact LPs, float LPs, witness hits (children needing no LP), nodes."""
        self.patterns
        return dict(self._res.stats)

    def parameters(self) -> np.ndarray:
        """(V, K, d+1) Fractions: for each vertex, exact term parameters theta_k (constant first)
        under which every data point's unique argmax term is the vertex's pattern (theta_{K-1} = 0)."""
        self.patterns
        W = self._res.witnesses().reshape(self.num_vertices, self.K - 1, self.d + 1)
        zero = np.full((self.num_vertices, 1, self.d + 1), Fraction(0), dtype=object)
        return np.concatenate([W, zero], axis=1)

    def coordinates(self, patterns=None, exact: bool = True) -> np.ndarray:
        """Points sum_i e_{sigma(i)} (x) (1, x_i) in R^{K(d+1)} (block k = coordinates K*k..), one row
        per pattern (default: every vertex): Fractions, or float64 if not exact."""
        P = self.patterns if patterns is None else np.asarray(patterns, dtype=np.int64)
        onehot = (P[:, None, :] == np.arange(self.K)[None, :, None]).astype(object if exact else np.float64)
        blocks = onehot.reshape(-1, self.N) @ _lifted(self.X, exact)  # (V*K, d+1)
        return blocks.reshape(len(P), self.K * (self.d + 1))

    def vertices(self, exact: bool = True) -> Tuple[np.ndarray, np.ndarray]:
        """(patterns (V, N) int, coordinates (V, K(d+1))): the vertices of P_X, exact by default."""
        return self.patterns, self.coordinates(exact=exact)

    @property
    def num_vertices(self) -> int:
        return len(self.patterns)

    def edges(self, *, max_seconds: Optional[float] = None) -> np.ndarray:
        """(E, 3) int rows (u, v, i): vertices u < v span an edge of P_X and differ exactly at data
        point i (and its repeats).  Each edge is verified exactly (two witnesses, or an LP on its
        normal cone).  The budget or Ctrl-C raise BudgetExceeded with the edges found so far."""
        if self._edges is None:
            from . import _core
            self.patterns
            budget = _search_args(None, max_seconds, self._budget["threads"])
            E, why = _search(_core.activation_edges, self.X, self.d, self.K, self._res, progress=self._progress,
                             unit=" vertices", max_seconds=budget["max_seconds"], threads=budget["threads"])
            if why:
                raise BudgetExceeded(f"stopped by {why} after {len(E)} edges", partial=E, reason=why)
            self._edges = E
        return self._edges

    # --- classifications ---
    def pattern_labels(self, patterns=None) -> np.ndarray:
        """(V, N) int8: +1 where the argmax term is a numerator term (index < m), else -1."""
        P = self.patterns if patterns is None else np.asarray(patterns)
        return np.where(P < self.m, 1, -1).astype(np.int8)

    def labelings(self) -> Tuple[np.ndarray, List[np.ndarray]]:
        """(Y, members): the distinct reachable labelings Y (L, N) in {+1, -1}, and for each the
        vertex indices (patterns) that give it."""
        Y, inverse = np.unique(self.pattern_labels(), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        return Y, [np.flatnonzero(inverse == j) for j in range(len(Y))]

    @property
    def num_labelings(self) -> int:
        return len(np.unique(self.pattern_labels(), axis=0))

    def loss_levels(self, y) -> LossLevels:
        """0/1 loss of every vertex for labels y (+1/-1, or bool/0-1 with 1 positive), and the
        number of connected components of each level and sublevel set (adjacency = edges())."""
        y = np.asarray(y).reshape(-1)
        if y.shape != (self.N,):
            raise InputError(f"labels have shape {np.shape(y)}; expected ({self.N},)")
        if not np.all(np.isin(y, (-1, 0, 1))):
            i = int(np.flatnonzero(~np.isin(y, (-1, 0, 1)))[0])
            raise InputError(f"label {i} is {y[i]!r}; expected +1/-1 (or 1/0)", index=i)
        y = np.where(y > 0, 1, -1)
        loss = (self.pattern_labels() != y).sum(axis=1)
        pairs = self.edges()[:, :2]
        values = sorted(set(int(v) for v in loss))
        levels = {c: _components(len(loss), pairs, loss == c) for c in values}
        sublevels = {c: _components(len(loss), pairs, loss <= c) for c in values}
        return LossLevels(loss, levels, sublevels)

    def bent_hyperplane(self, i: int) -> dict:
        """Data point i's bent hyperplane {max_{k<m} <theta_k, x^_i> = max_{l>=m} <theta_l, x^_i>} in
        parameter space: its pieces are the ties of a numerator term k with a denominator term l (both
        maximal), with normal (e_k - e_l) (x) (1, x_i) (exact); ``walls`` are the indices (into edges())
        of the edges of P_X whose normal cones lie in it, i.e. the walls of the classification fan
        where crossing flips point i's label."""
        if not (isinstance(i, (int, np.integer)) and -self.N <= i < self.N):
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
        return {"point": i, "pairs": pairs, "normals": normals, "walls": walls}

    # --- faces ---
    def f_vector(self, *, max_faces: Optional[int] = None, max_seconds: Optional[float] = None) -> Tuple[int, ...]:
        """(f_0, ..., f_dim): faces of P_X by dimension (f_dim = 1), from the realisable bipartite
        graphs data point -> set of tied maximal terms (exact LPs; output-sensitive but costly).
        A budget raises BudgetExceeded with the partial counts."""
        from . import _core
        budget = _search_args(max_faces, max_seconds, self._budget["threads"])
        res = _search(_core.activation_faces, self.X, self.d, self.K, progress=self._progress,
                      unit=" faces", **budget)
        f = tuple(int(v) for v in np.bincount(res.dims, minlength=self.dim + 1))
        _run.stopped(res.complete, res.stop_reason, partial=f, count_name="max_faces",
                     what=f"{res.count} faces found")
        return f

    def to_dict(self, labels=None, f_vector: bool = False) -> dict:
        Y, members = self.labelings()
        doc = {"N": self.N, "d": self.d, "m": self.m, "n": self.n, "dim": self.dim,
               "num_vertices": self.num_vertices, "num_edges": len(self.edges()),
               "num_labelings": len(Y), "patterns": self.patterns.tolist(),
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
    sign(sum_j s_j |v_j| relu(<w_j, (1, x)>) + c) reachable on X."""
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
                              threads: Optional[int] = None, progress=None) -> OneHiddenLayerPatterns:
    """Realisable activation patterns of a one-hidden-layer ReLU net with k neurons on data X, and
    with ``signs`` (k values +1/-1: the output weights' signs) the reachable labelings, exactly.

    A neuron's pattern on X is a chamber of the central arrangement {w : <w, (1, x_i)> = 0} (the
    linear case of the activation polytope).  Labelings: a depth-first search over data points of
    (neuron signs, label) with exact LPs in (w_1..w_k, c), c the output bias; ``max_results`` bounds
    the (pattern, labeling) pairs kept.
    """
    X = _data(X)
    k = _positive("k", k, False)
    budget = _search_args(max_results, max_seconds, threads)
    T = ActivationPolytope(X, 1, 1, max_vertices=max_results, max_seconds=max_seconds,
                           threads=budget["threads"], progress=progress).patterns == 0
    if signs is None:
        return OneHiddenLayerPatterns(k, T)
    signs = tuple(int(s) for s in np.asarray(signs).reshape(-1))
    if len(signs) != k or any(s not in (1, -1) for s in signs):
        raise InputError(f"signs must be {k} values +1/-1; got {signs!r}")
    from . import _core
    res = _search(_core.one_hidden_layer, X, X.shape[1], list(signs), True, progress=progress,
                  unit=" pairs", **budget)
    labels = np.where(res.codes >> k & 1, 1, -1).astype(np.int8)
    _run.stopped(res.complete, res.stop_reason, partial=np.unique(labels, axis=0), count_name="max_results",
                 what=f"{res.count} (pattern, labeling) pairs found")
    Y, counts = np.unique(labels, axis=0, return_counts=True)
    return OneHiddenLayerPatterns(k, T, signs, Y, counts, dict(res.stats))


# --- command line -------------------------------------------------------------------------------

def add_dichotomies_command(subparsers) -> None:
    """`tropgeom dichotomies X.csv --terms m,n [--labels y.csv] [--f-vector] [--json]`."""
    s = subparsers.add_parser("dichotomies", help="classifications of a data set realisable by max-affine models")
    s.add_argument("data", help="CSV of data points, one per row")
    s.add_argument("--terms", default="1,1", help="m,n: numerator and denominator terms (default 1,1: linear)")
    s.add_argument("--labels", help="CSV/text of +1/-1 labels: report the 0/1 loss landscape")
    s.add_argument("--f-vector", action="store_true", help="also count all faces (slow)")
    s.add_argument("--json", action="store_true", help="print JSON (with patterns and labelings)")
    s.add_argument("--threads", type=int, default=None)
    s.add_argument("--max-seconds", type=float, default=None)
    s.set_defaults(func=_cmd_dichotomies)


def _cmd_dichotomies(args) -> None:
    try:
        m, n = (int(t) for t in args.terms.split(","))
    except ValueError:
        raise InputError(f"--terms must be m,n (two integers); got {args.terms!r}") from None
    X = np.loadtxt(args.data, delimiter=",", ndmin=2)
    y = None if args.labels is None else np.loadtxt(args.labels, delimiter=",").reshape(-1)
    P = ActivationPolytope(X, m, n, threads=args.threads, max_seconds=args.max_seconds)
    doc = P.to_dict(labels=y, f_vector=args.f_vector)
    if args.json:
        print(json.dumps(doc))
        return
    print(f"{P.N} points in R^{P.d}, terms m={m}, n={n}: activation polytope of dimension {doc['dim']}")
    print(f"vertices (activation patterns): {doc['num_vertices']}")
    print(f"edges: {doc['num_edges']}")
    print(f"realisable labelings: {doc['num_labelings']} of {2 ** P.N}")
    if "f_vector" in doc:
        print(f"f-vector: {tuple(doc['f_vector'])}")
    if "loss" in doc:
        L = doc["loss"]
        print(f"minimum 0/1 loss: {L['minimum']} on {len(L['minimizers'])} chambers "
              f"in {L['levels'][L['minimum']]} components")
        print("sublevel components: " + ", ".join(f"<= {c}: {v}" for c, v in L["sublevels"].items()))
