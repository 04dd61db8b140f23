"""Exact activation and linear regions of a ReLU network over R^d, a box or a polytope.

An *activation region* is a full-dimensional set of inputs sharing one activation pattern (the
on/off state of every hidden neuron); it is a convex polyhedron.  A *linear region* is a maximal set,
connected across shared facets, on which the network is one affine map: a union of activation
regions.  Counts, patterns, H-representations, interior points and affine maps are exact.
"""
from __future__ import annotations

import json
import threading
import warnings
from fractions import Fraction
from typing import Iterator, List, Optional, Tuple

import numpy as np

from . import _run, _seam
from .errors import BudgetExceeded, InputError
from .network import Network

__all__ = ["Box", "Polytope", "RegionSet", "Region", "regions", "count_regions"]


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; use {new}", FutureWarning, stacklevel=3)


class Box:
    """The box {x : lo <= x <= hi}; ``lo``/``hi`` are scalars or per-coordinate vectors (floats, or
    Fractions kept exact).  ``dim``: the ambient dimension (None: any, for scalar bounds).

    Parameters
    ----------
    lo, hi : number or sequence of numbers
        Lower and upper bounds (scalars: the cube [lo, hi]^d).
    dim : int, optional
        The ambient dimension.
    """

    bounded = True

    def __init__(self, lo, hi, dim: Optional[int] = None):
        if dim is not None:
            dim = _seam.positive_int(dim, "Box dim")
        else:
            sizes = {np.size(v) for v in (lo, hi) if np.ndim(v) > 0}
            if len(sizes) > 1:
                raise InputError(f"Box lo and hi have different lengths {sorted(sizes)}")
            dim = sizes.pop() if sizes else None
        self._dim = dim
        if dim is not None:
            self.lo, self.hi = _seam.vector(lo, "Box lo", dim), _seam.vector(hi, "Box hi", dim)
            self._check(dim)
        else:
            self.lo, self.hi = (_seam.vector([v], f"Box {n}")[0] for v, n in ((lo, "lo"), (hi, "hi")))
            self.lo, self.hi = (v.item() if isinstance(v, np.generic) else v for v in (self.lo, self.hi))

    @property
    def dim(self) -> Optional[int]:
        """The ambient dimension (None for a scalar box that fits any network)."""
        return self._dim

    def _check(self, d: int) -> None:
        for name, v in (("lo", self.lo), ("hi", self.hi)):
            if np.ndim(v) and np.size(v) != d:
                raise InputError(f"Box {name} has length {np.size(v)}; expected {d}")
        lo, hi = np.broadcast_to(self.lo, d), np.broadcast_to(self.hi, d)
        for j in range(d):
            if lo[j] > hi[j]:
                raise InputError(f"Box is empty: lo > hi in coordinate {j} ({lo[j]} > {hi[j]})", index=j)
            if lo[j] == hi[j]:
                raise InputError(f"Box is not full-dimensional: lo == hi in coordinate {j}", index=j)

    def dim_for(self, d: int) -> int:
        if self._dim is not None and self._dim != d:
            raise InputError(f"domain has dimension {self._dim}; the network takes {d} inputs")
        self._check(d)
        return d

    def halfspaces(self, d: int) -> Tuple[np.ndarray, np.ndarray]:
        self.dim_for(d)
        lo, hi = np.broadcast_to(self.lo, d), np.broadcast_to(self.hi, d)
        b = np.concatenate([hi, -lo])
        return np.vstack([np.eye(d), -np.eye(d)]), b

    def to_dict(self) -> dict:
        """Plain data (bounds as numbers, or "p/q" strings when exact)."""
        return {"schema_version": _seam.SCHEMA_VERSION, "type": "box", "lo": _seam.plain(np.atleast_1d(self.lo)),
                "hi": _seam.plain(np.atleast_1d(self.hi)), "dim": self._dim}

    def as_dict(self) -> dict:
        _deprecated("Box.as_dict", "Box.to_dict")
        return self.to_dict()

    @classmethod
    def from_dict(cls, doc) -> "Box":
        doc = _seam.json_doc(doc, "Box", "box")
        lo, hi = (_seam.unplain(_seam.field(doc, k, "Box"), f"Box {k}") for k in ("lo", "hi"))
        dim = doc.get("dim")
        return cls(lo if dim is not None else lo[0], hi if dim is not None else hi[0], dim=dim)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Box):
            return NotImplemented
        return self._dim == other._dim and np.array_equal(self.lo, other.lo) and np.array_equal(self.hi, other.hi)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Box({self.lo!r}, {self.hi!r})"


class Polytope:
    """{x : A x <= b} (floats, or Fractions kept exact).  It must be bounded unless ``bounded=False``
    (a polyhedral domain).

    Parameters
    ----------
    A : (m, d) array_like
        Constraint rows.
    b : (m,) array_like
        Right-hand sides.
    bounded : bool
        Require a bounded polytope (default True).
    """

    def __init__(self, A, b, *, bounded: bool = True):
        A = _seam.numbers_array(A, "Polytope A")
        if A.ndim != 2 or A.shape[1] == 0:
            raise InputError(f"Polytope A has shape {A.shape}; expected (rows, dim)")
        b = _seam.vector(b, "Polytope b")
        if b.shape != (A.shape[0],):
            raise InputError(f"Polytope b has shape {b.shape}; expected ({A.shape[0]},)")
        self.A, self.b, self.bounded = A, b, _seam.boolean(bounded, "bounded")
        from .lp import Polyhedron
        dimension = Polyhedron(A, b).dimension()
        if dimension < A.shape[1]:
            raise InputError("Polytope is empty" if dimension < 0 else
                             f"Polytope is not full-dimensional (dimension {dimension} in R^{A.shape[1]})")
        if self.bounded and not _bounded(A):
            raise InputError("Polytope is unbounded; pass bounded=False for an unbounded polyhedral domain")

    @property
    def dim(self) -> int:
        """The ambient dimension."""
        return self.A.shape[1]

    def dim_for(self, d: int) -> int:
        if self.A.shape[1] != d:
            raise InputError(f"domain has dimension {self.A.shape[1]}; the network takes {d} inputs")
        return d

    def halfspaces(self, d: int) -> Tuple[np.ndarray, np.ndarray]:
        self.dim_for(d)
        return self.A, self.b

    def to_dict(self) -> dict:
        return {"schema_version": _seam.SCHEMA_VERSION, "type": "polytope", "A": _seam.plain(self.A),
                "b": _seam.plain(self.b), "bounded": self.bounded}

    def as_dict(self) -> dict:
        _deprecated("Polytope.as_dict", "Polytope.to_dict")
        return self.to_dict()

    @classmethod
    def from_dict(cls, doc) -> "Polytope":
        doc = _seam.json_doc(doc, "Polytope", "polytope")
        return cls(_seam.unplain(_seam.field(doc, "A", "Polytope"), "Polytope A"),
                   _seam.unplain(_seam.field(doc, "b", "Polytope"), "Polytope b"),
                   bounded=_seam.field(doc, "bounded", "Polytope"))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Polytope):
            return NotImplemented
        return self.bounded == other.bounded and self.A.shape == other.A.shape and \
            np.array_equal(self.A, other.A) and np.array_equal(self.b, other.b)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Polytope({self.A.shape[0]} rows in R^{self.dim}{'' if self.bounded else ', unbounded'})"


def _bounded(A) -> bool:
    """A non-empty {x : A x <= b} is bounded iff its recession cone {y : A y <= 0} is {0}, i.e. A has
    full column rank and no y has A y <= 0 with sum(A y) <= -1: one exact feasibility LP where the
    cone's relative interior took rounds of LPs (175 s at d = 100).  The rank by a float SVD when it
    is clearly full (A's doubles are exact; an error of 1e-8 of the largest singular value is far above
    round-off), else the cone's exact dimension."""
    from .lp import Polyhedron
    m, d = A.shape
    s = np.linalg.svd(_seam.floats(A).astype(float), compute_uv=False)
    if m < d or not s[-1] > 1e-8 * s[0]:
        return Polyhedron(A, np.zeros(m)).dimension() == 0
    total = np.array([sum(map(Fraction, col), Fraction(0)) for col in A.T], dtype=object)
    return not Polyhedron(np.vstack([A.astype(object), total[None, :]]),
                          np.array([Fraction(0)] * m + [Fraction(-1)], dtype=object)).is_feasible()


def _domain_from_dict(doc):
    if doc is None:
        return None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "box":
        return Box.from_dict(doc)
    if kind == "polytope":
        return Polytope.from_dict(doc)
    raise InputError(f"domain: expected a box or polytope object; got {doc!r:.80}")


class _Store:
    """The activation regions of one run, shared by a RegionSet and its views (``rs.activation``).

    Holds the core's handle (rebuilt lazily from plain data after unpickling or from_json) and caches
    every per-region array once computed.  ``_lock`` makes the rebuild and each cache fill happen once
    when Python threads share the set; the core handle has its own lock for lazy geometry."""

    def __init__(self, net: Network, domain, threads: int, res=None, saved: Optional[dict] = None):
        self.net, self.domain, self.threads = net, domain, threads
        self._res, self._saved, self._cache = res, saved, {}
        self._lock = threading.RLock()
        if res is not None:
            self.count, self.complete, self.stop_reason = res.count, res.complete, res.stop_reason
            self.stats = dict(res.stats)
            self.stored = res.stored
        else:
            self.count, self.complete = saved["count"], saved["complete"]
            self.stop_reason, self.stats = saved["stop_reason"], dict(saved["stats"])
            self.stored = len(saved["patterns"])

    def core(self):
        with self._lock:
            if self._res is None:
                from . import _core
                s = self._saved
                self._res = _core.rebuild_regions(self.net.core, patterns=s["patterns"], points=s["points"],
                                                  cuts=s["cuts"], offsets=s["offsets"], count=self.count,
                                                  complete=self.complete, reason=self.stop_reason, stats=self.stats,
                                                  **_seam.domain_args(self.domain, self.net.input_dim))
            return self._res

    def cached(self, key, fill):
        """fill() once (under the lock); its arrays are made read-only, as they are shared."""
        with self._lock:
            if key not in self._cache:
                value = fill()
                for a in value if isinstance(value, (tuple, list)) else (value,):
                    if isinstance(a, np.ndarray):
                        a.setflags(write=False)
                self._cache[key] = value
            return self._cache[key]

    # plain data (what pickle and to_json keep)
    def patterns(self) -> np.ndarray:
        if self._saved is not None:
            return self._saved["patterns"]
        return self.cached("patterns", lambda: self.core().patterns())

    def points(self) -> np.ndarray:
        if self._saved is not None:
            return self._saved["points"]
        return self.cached("points", lambda: self.core().points(True, threads=self.threads))

    def float_points(self) -> np.ndarray:
        """points() rounded to float64 (read off the core's doubles, no Fractions made)."""
        if self._saved is not None:
            return self.cached("fpoints", lambda: _seam.floats(self._saved["points"]))
        return self.cached("fpoints", lambda: self.core().points(False, threads=self.threads))

    def cuts(self):
        if self._saved is not None:
            return self._saved["cuts"], self._saved["offsets"]
        return self.cached("cuts", lambda: self.core().cuts())

    def state(self) -> dict:
        cuts, offsets = self.cuts()
        return {"patterns": self.patterns(), "points": self.points(), "cuts": cuts, "offsets": offsets,
                "count": self.count, "complete": self.complete, "stop_reason": self.stop_reason,
                "stats": self.stats}

    def run(self, method: str, unit: str, what: str, *args, max_seconds=None, threads=None, progress=None,
            partial=None):
        """A budgeted core pass over every region; a stop raises BudgetExceeded with
        partial(data, done)."""
        threads = self.threads if threads is None else _run.threads(threads)
        with _run.interruptible(what), _run.progress(progress, unit) as tick:  # (a pass may end before its first poll)
            *data, (done, complete, why) = getattr(self.core(), method)(
                *args, max_seconds=_run.seconds(max_seconds), threads=threads, progress=tick)
        _run.stopped(complete, why, partial=partial(data, done) if partial else done,
                     what=f"{what} for {done} of {self.stored} regions")
        return data


class Region:
    """One region of a RegionSet (a light view: everything is read from the set).

    Parameters
    ----------
    rs : RegionSet
        The set it belongs to.
    index : int
        Its index in ``rs``.
    """

    __slots__ = ("_rs", "index")

    def __init__(self, rs: "RegionSet", index: int):
        self._rs, self.index = rs, index

    @property
    def pattern(self) -> np.ndarray:
        """(hidden,) bool: the activation pattern (of the representative member, for kind="linear")."""
        return self._rs.patterns[self.index]

    def point(self, exact: bool = False) -> np.ndarray:
        """A point strictly inside (float64, or Fractions with exact=True)."""
        return self._rs.interior_points(exact=exact)[self.index]

    def halfspaces(self, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        return self._rs.halfspaces(self.index, exact=exact)

    def affine_map(self, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        return self._rs.affine_map(self.index, exact=exact)

    def volume(self, exact: bool = False):
        return self._rs.volumes(exact=exact)[self.index]

    def bounded(self) -> bool:
        return bool(self._rs.bounded()[self.index])

    @property
    def members(self) -> np.ndarray:
        return self._rs.members[self.index]

    def __repr__(self) -> str:
        return f"Region({self.index} of {self._rs!r})"


class RegionSet:
    """The regions of a network on a domain (exact), indexable and iterable (``rs[i]`` is a
    :class:`Region` view).

    ``kind="activation"``: one entry per activation region.  ``kind="linear"``: one entry per linear
    region everywhere (len, iteration, patterns, points, affine maps, bounded, volumes, JSON); the
    activation regions are ``rs.activation`` (a RegionSet of kind "activation") and ``rs.members[i]``
    lists those making up linear region i (its first member is its representative: its pattern and
    interior point).

    Coordinates and values follow one rule: float64 numpy arrays by default, exact
    ``fractions.Fraction`` object arrays with ``exact=True`` (the float values are the exact ones
    rounded to the nearest double).  Counts are Python ints.

    Memory: each region holds its activation pattern (1 byte per hidden neuron), the neurons that
    cut it (4 bytes each), and its interior point as float64 (8 bytes per coordinate; the exact
    rationals are kept beside them only when a coordinate is not a double), plus ~250 bytes of
    fixed record; its H-representation and affine map are built on demand and then kept.  Measured
    peak: ~500 bytes per region at d = 3..4 with 48..64 hidden neurons (~1 KB before points were
    kept as doubles).  ``count_regions`` stores nothing per region.

    Attributes
    ----------
    net : Network
        The network.
    domain : None, Box or Polytope
        The domain (None: all of R^d).
    kind : str
        "activation" or "linear".
    count : int
        The number of regions.
    stats : dict
        The search's counters (exact LPs, float decisions, ...).
    """

    def __init__(self, store: _Store, kind: str, members: Optional[List[np.ndarray]] = None):
        self._store, self.kind, self._members = store, kind, members

    @property
    def net(self) -> Network:
        return self._store.net

    @property
    def domain(self):
        return self._store.domain

    @property
    def dim(self) -> int:
        """The ambient dimension (the network's input dimension)."""
        return self.net.input_dim

    # --- counts and status -----------------------------------------------------------------------
    @property
    def num_activation_regions(self) -> int:
        return self._store.count

    @property
    def count(self) -> int:
        return len(self._members) if self._members is not None else self._store.stored

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i) -> Region:
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"RegionSet indices are integers; got {type(i).__name__}")
        return Region(self, self._index(int(i)))

    def __iter__(self) -> Iterator[Region]:
        return (Region(self, i) for i in range(self.count))

    @property
    def complete(self) -> bool:
        return self._store.complete

    @property
    def stop_reason(self) -> str:
        """Why the run stopped early ("max_regions", "max_seconds", "interrupted"), "" if complete."""
        return _run.reason(self._store.stop_reason, "max_regions")

    @property
    def stats(self) -> dict:
        return dict(self._store.stats)

    @property
    def activation(self) -> "RegionSet":
        """The activation regions (this set itself for kind="activation")."""
        return self if self._members is None else RegionSet(self._store, "activation")

    @property
    def members(self) -> List[np.ndarray]:
        """For each region, the activation regions making it up (indices into rs.activation)."""
        if self._members is None:
            return [np.array([i]) for i in range(self.count)]
        return list(self._members)

    def __repr__(self) -> str:
        where = "R^%d" % self.net.input_dim if self.domain is None else repr(self.domain)
        state = "" if self.complete else f", partial ({self.stop_reason})"
        return f"RegionSet({self.count} {self.kind} regions of {self.net!r} on {where}{state})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, RegionSet):
            return NotImplemented
        a, b = self._store, other._store
        return (self.kind == other.kind and self.net == other.net and self.domain == other.domain
                and a.count == b.count and a.complete == b.complete and a.stop_reason == b.stop_reason
                and np.array_equal(a.patterns(), b.patterns()) and np.array_equal(a.points(), b.points())
                and [m.tolist() for m in self.members] == [m.tolist() for m in other.members])

    __hash__ = None

    # --- index spaces ------------------------------------------------------------------------------
    def _index(self, i: int) -> int:
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise InputError(f"region index must be an integer; got {i!r}")
        i, n = int(i), self.count
        if not -n <= i < n:
            raise IndexError(f"region index {i} out of range for {n} regions")
        return i % n

    def _reps(self) -> np.ndarray:
        """The representative activation region of each entry."""
        if self._members is None:
            return np.arange(self.count)
        return np.array([m[0] for m in self._members], dtype=np.int64)

    def _single_member(self, i: Optional[int] = None) -> None:
        if self._members is None:
            return
        many = [k for k in ([i] if i is not None else range(self.count)) if len(self._members[k]) > 1]
        if many:
            k = many[0]
            raise InputError(f"linear region {k} is a union of {len(self._members[k])} convex activation regions "
                             "and has no single H-representation; use rs.activation (and rs.members[i])")

    # --- per-region data ---------------------------------------------------------------------------
    @property
    def patterns(self) -> np.ndarray:
        """(regions, hidden) bool: True where the neuron is active (kind="linear": the representative's)."""
        bits = self._store.cached("bits", lambda: self._store.patterns().astype(bool))
        return bits if self._members is None else bits[self._reps()]

    @property
    def packed_patterns(self) -> np.ndarray:
        """patterns packed little-endian into uint8 rows (as Network.packed_activation_patterns)."""
        return np.packbits(self.patterns, axis=1, bitorder="little")

    @property
    def pattern_bits(self) -> np.ndarray:
        _deprecated("RegionSet.pattern_bits", "RegionSet.patterns (bool) or packed_patterns")
        return self.patterns

    def interior_points(self, exact: bool = False) -> np.ndarray:
        """A point strictly inside every region, (regions, dim): float64, or Fractions with exact=True."""
        if not exact:
            if self._members is None:
                return self._store.float_points()
            return self._store.cached(("fpoints", False), lambda: self._store.float_points()[self._reps()])
        pts = self._store.points()
        return (pts if self._members is None else pts[self._reps()]).copy()

    def halfspaces(self, i: int, *, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """Irredundant H-representation (A, b) of region i: {x : A x <= b} (float64, or Fractions)."""
        A, b, _ = self._hrep(i, exact)
        return A, b

    def facet_neurons(self, i: int) -> List[int]:
        """The hidden neuron that made each row of halfspaces(i); -1 for the domain's boundary."""
        return self._hrep(i, False)[2].tolist()

    def _hrep(self, i: int, exact: bool):
        i = self._index(i)
        self._single_member(i)
        k = i if self._members is None else int(self._members[i][0])
        return self._store.core().halfspaces(k, True, exact, threads=self._store.threads)

    def halfspace_arrays(self, *, exact: bool = False, max_seconds=None, threads=None, progress=None):
        """Every region's irredundant H-representation at once, columnar:
        ``(A (M, dim), b (M,), offsets (R + 1,), neuron (M,))``; region i is
        ``{x : A[o_i:o_i+1] x <= b[o_i:o_i+1]}`` with ``o = offsets``, ``neuron`` the hidden neuron of
        each row (-1: the domain).  Budgeted; a stop raises BudgetExceeded (partial: the arrays of
        the first regions)."""
        self._single_member()
        st = self._store
        A, b, offsets, neuron = st.run("halfspace_arrays", "regions", "halfspaces", exact,
                                       max_seconds=max_seconds, threads=threads, progress=progress,
                                       partial=lambda data, done: tuple(data))
        return A, b, offsets, neuron

    def affine_map(self, i: int, *, exact: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """(J, c): the network equals x -> J x + c on region i (float64, or exact Fractions)."""
        J, c = self.affine_maps(exact=exact)
        i = self._index(i)
        return J[i].copy(), c[i].copy()

    def affine_maps(self, *, exact: bool = False, max_seconds=None, threads=None, progress=None):
        """All affine maps at once: J (regions, out, dim) and c (regions, out)."""
        st = self._store
        J, c = st.cached(("maps", exact), lambda: st.run("affine_maps", "regions", "affine maps", exact,
                                                          max_seconds=max_seconds, threads=threads,
                                                          progress=progress))
        if self._members is not None:
            r = self._reps()
            J, c = J[r], c[r]
        return J, c

    def volumes(self, *, exact: bool = False, max_seconds=None, threads=None, progress=None) -> np.ndarray:
        """Volume of every region inside a bounded domain (float64, or exact Fractions); for
        kind="linear" the sum over its members.  They add up to the domain's volume."""
        if not (self.domain is not None and self.domain.bounded):
            raise InputError("volumes need a bounded domain (a Box or a bounded Polytope); "
                             "regions of an unbounded domain can have infinite volume")
        st = self._store

        def computed(exact_core: bool) -> np.ndarray:
            return st.cached("volumes" if exact_core else "fvolumes", lambda: st.run(
                "volumes", "regions", "volumes", exact_core, max_seconds=max_seconds, threads=threads,
                progress=progress, partial=lambda data, done: data[0]))[0]

        whole = exact or self._members is not None  # (a linear region's float is its exact sum rounded)
        if not whole and "volumes" not in st._cache:  # the core rounds each exact volume: no gcd
            return computed(False).copy()
        act = computed(True)
        vol = act if self._members is None else np.array(
            [sum((act[k] for k in m), Fraction(0)) for m in self._members] or [], dtype=object)
        return vol.copy() if exact else _seam.floats(vol)

    def bounded(self, *, max_seconds=None, threads=None, progress=None) -> np.ndarray:
        """Per region: bounded or not (exact; cached).  For kind="linear": all members bounded."""
        st = self._store
        _seam.positive_seconds(max_seconds)  # validated even when nothing needs computing
        if threads is not None:
            _run.threads(threads)
        if self.domain is not None and self.domain.bounded:
            act = np.ones(st.stored, dtype=bool)
        else:
            act = st.cached("bounded", lambda: st.run("bounded", "regions", "boundedness", max_seconds=max_seconds,
                                                      threads=threads, progress=progress,
                                                      partial=lambda data, done: data[0])[0])
        if self._members is None:
            return act.copy()
        return np.array([bool(act[m].all()) for m in self._members], dtype=bool)

    @property
    def is_bounded(self) -> np.ndarray:
        _deprecated("RegionSet.is_bounded", "RegionSet.bounded()")
        return self.bounded()

    def _pairs(self, max_seconds=None, threads=None, progress=None) -> np.ndarray:
        st = self._store

        def fill():
            threads_ = st.threads if threads is None else _run.threads(threads)
            with _run.progress(progress, "regions") as tick:
                pairs, complete, why = st.core().adjacency(max_seconds=_run.seconds(max_seconds),
                                                          threads=threads_, progress=tick)
            _run.stopped(complete, why, partial=pairs, what=f"{len(pairs)} adjacent pairs found")
            return pairs
        return st.cached("pairs", fill)

    def adjacency_arrays(self, *, max_seconds=None, threads=None, progress=None):
        """``(pairs (E, 2) int64, flipped (E, hidden) bool)``: regions i < j sharing a facet (for
        kind="linear": linear regions with members sharing a facet) and the neurons whose state differs
        across it (kind="linear": across any shared facet).  Budgeted; a stop raises BudgetExceeded
        whose partial holds the activation-region pairs found."""
        pairs = self._pairs(max_seconds, threads, progress)
        bits = self._store.cached("bits", lambda: self._store.patterns().astype(bool))
        flipped = bits[pairs[:, 0]] != bits[pairs[:, 1]]
        if self._members is None:
            return pairs.copy(), flipped
        label = self._labels()
        lp = label[pairs]
        keep = lp[:, 0] != lp[:, 1]
        lp, flipped = np.sort(lp[keep], axis=1), flipped[keep]
        if not len(lp):
            return np.zeros((0, 2), dtype=np.int64), np.zeros((0, bits.shape[1]), dtype=bool)
        uniq, inv = np.unique(lp, axis=0, return_inverse=True)
        out = np.zeros((len(uniq), bits.shape[1]), dtype=bool)
        np.logical_or.at(out, inv.ravel(), flipped)
        return uniq.astype(np.int64), out

    def adjacency(self, *, max_seconds=None, threads=None, progress=None) -> List[Tuple[int, int, tuple]]:
        """Pairs (i, j, neurons), i < j, of regions sharing a facet, with the hidden neurons whose state
        differs between them (the list form of adjacency_arrays)."""
        pairs, flipped = self.adjacency_arrays(max_seconds=max_seconds, threads=threads, progress=progress)
        return [(int(i), int(j), tuple(int(k) for k in np.flatnonzero(f))) for (i, j), f in zip(pairs, flipped)]

    def linear(self, *, max_seconds=None, threads=None, progress=None) -> "RegionSet":
        """The linear regions: the activation regions merged across shared facets where the exact
        affine maps agree (kind="linear"; this set itself if it is one).  Budgeted (the first call in a
        process also imports scipy.sparse.csgraph, outside the budget): a stop raises BudgetExceeded
        whose partial is this activation RegionSet."""
        if self._members is not None:
            return self
        seconds = _seam.positive_seconds(max_seconds)
        threads = self._store.threads if threads is None else _run.threads(threads)
        import time

        import scipy.sparse.csgraph  # noqa: F401  (imported before the clock starts: ~0.5 s the first time)
        try:
            members = _linear_members(self._store, None if seconds is None else time.monotonic() + seconds,
                                      threads, progress)
        except BudgetExceeded as e:
            raise BudgetExceeded(f"{e} (merging activation regions into linear regions; partial: the "
                                 "activation regions)", partial=self, reason=e.reason) from None
        return RegionSet(self._store, "linear", members)

    def _labels(self) -> np.ndarray:
        label = np.empty(self._store.stored, dtype=np.int64)
        for k, m in enumerate(self._members):
            label[m] = k
        return label

    # --- context ------------------------------------------------------------------------------------
    def polygons(self, view=None, *, as_shapely: bool = False):
        """2-input nets: every region as a float64 ccw polygon clipped to ``view`` (see
        tropgeom.plot.polygons; shapely geometries with as_shapely=True)."""
        from .plot import polygons
        return polygons(self, view, as_shapely=as_shapely)

    def _repr_png_(self):
        """A picture in notebooks for 1- and 2-input nets (up to 20,000 regions)."""
        if self.net.input_dim > 2 or len(self) > 20000:
            return None
        from .plot import plot_regions, render
        return render(lambda ax: plot_regions(self, ax, color_by="linear" if self.kind == "linear" else "pattern"))

    def bounds(self):
        """Known bounds for the architecture (tropgeom.bounds), to set beside the exact count."""
        from .bounds import bounds
        return bounds(self.net)

    # --- pickle and JSON ------------------------------------------------------------------------------
    def _state(self) -> dict:
        return {"net": self.net, "domain": self.domain, "kind": self.kind, "threads": self._store.threads,
                "regions": self._store.state(),
                "members": None if self._members is None else [m.copy() for m in self._members]}

    def __reduce__(self):
        return (_restore, (self._state(),))

    def to_json(self, *, geometry: bool = False) -> str:
        """JSON (schema_version 1): kind, count, status, stats, network, domain, bounds and one entry per
        region ("pattern" bit string, exact "point", for kind="linear" its "members"); the activation
        regions (pattern, point, cutting neurons) under "activation".  geometry=True adds each
        activation region's irredundant exact H-representation ("A", "b")."""
        st = self._store
        s = st.state()
        bits = s["patterns"]
        cuts, off = s["cuts"], s["offsets"]
        if geometry:  # one columnar pass (float-filtered facets, GIL released), not a call per region
            A, b, rows = st.run("halfspace_arrays", "regions", "halfspaces", True)[:3]
            A, b = _seam.plain(A), _seam.plain(b)
        act = []
        for i in range(st.stored):
            r = {"pattern": "".join("1" if v else "0" for v in bits[i]), "point": [str(v) for v in s["points"][i]],
                 "cuts": cuts[off[i]:off[i + 1]].tolist()}
            if geometry:
                r["A"], r["b"] = A[rows[i]:rows[i + 1]], b[rows[i]:rows[i + 1]]
            act.append(r)
        regions = act if self._members is None else [
            {"pattern": act[m[0]]["pattern"], "point": act[m[0]]["point"], "members": m.tolist()}
            for m in self._members]
        doc = {
            "schema_version": _seam.SCHEMA_VERSION, "type": "RegionSet",
            "kind": self.kind, "count": self.count, "activation_regions": self.num_activation_regions,
            "complete": self.complete, "stop_reason": self.stop_reason, "stats": self.stats,
            "architecture": list(self.net.architecture), "network": self.net.to_dict(),
            "domain": None if self.domain is None else self.domain.to_dict(),
            "bounds": self.bounds().to_dict(), "regions": regions,
        }
        if self._members is not None:
            doc["activation"] = act
        return json.dumps(doc)

    @classmethod
    def from_json(cls, text) -> "RegionSet":
        """The inverse of to_json (geometry is rebuilt lazily); bad text -> InputError."""
        doc = _seam.json_doc(text, "RegionSet", "RegionSet")
        f = lambda k: _seam.field(doc, k, "RegionSet")  # noqa: E731
        net = Network.from_dict(f("network"))
        domain = _domain_from_dict(f("domain"))
        kind = _seam.choice(f("kind"), "kind", ("activation", "linear"))
        act = f("activation") if kind == "linear" else f("regions")
        if not isinstance(act, list) or not all(isinstance(r, dict) for r in act):
            raise InputError("RegionSet: regions must be a list of objects")
        H, d = net.num_hidden_neurons, net.input_dim
        try:
            patterns = np.array([[c == "1" for c in r["pattern"]] for r in act], dtype=np.uint8).reshape(len(act), H)
            points = np.array([[Fraction(v) for v in r["point"]] for r in act], dtype=object).reshape(len(act), d)
            cuts = [list(map(int, r["cuts"])) for r in act]
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            raise InputError(f"RegionSet: a region entry is malformed ({type(e).__name__}: {e})") from None
        offsets = np.cumsum([0] + [len(c) for c in cuts]).astype(np.int64)
        active = (net.exact_signs(points) > 0).reshape(len(act), H) if len(act) else patterns.astype(bool)
        bad = np.flatnonzero((active != patterns.astype(bool)).any(axis=1))
        if len(bad):
            raise InputError(f"RegionSet: the point of region {bad[0]} does not have its pattern (exactly)")
        members = None
        if kind == "linear":
            try:
                members = [np.array(list(map(int, r["members"])), dtype=np.int64) for r in f("regions")]
            except (KeyError, TypeError, ValueError) as e:
                raise InputError(f"RegionSet: a linear region's members are malformed ({e})") from None
        reason = {"max_regions": "max_count"}.get(f("stop_reason"), f("stop_reason"))  # the core's name
        saved = {"patterns": patterns, "points": points, "cuts": np.array(sum(cuts, []), dtype=np.int64),
                 "offsets": offsets, "count": int(f("activation_regions")), "complete": bool(f("complete")),
                 "stop_reason": reason, "stats": f("stats")}
        return _restore({"net": net, "domain": domain, "kind": kind, "threads": 1, "regions": saved,
                         "members": members})

    # --- interop: locate points, networkx, scipy.sparse, pandas ---------------------------------------
    def locate(self, X, *, exact: bool = False):
        """The region holding each row of X: (N,) int64 indices into this set (one point: an int).

        -1 where the point is on a boundary between activation regions (some hidden pre-activation is
        0), outside the open domain, or in a region a partial set does not hold; for kind="linear" a
        point on a boundary between two activation regions of one linear region is -1 too.
        ``exact=False``: float64 signs and domain rows (a point within rounding of a boundary may be
        placed beside it); ``exact=True``: exact signs and domain rows (Fraction points kept exact)."""
        P, single = _seam.points(X, self.dim)
        net = self.net
        if exact:
            S = net.exact_signs(P).reshape(len(P), -1)
            on, bits = (S == 0).any(axis=1), S > 0
        else:
            P = _seam.floats(P)
            Z = net._preactivations(P)
            on, bits = (Z == 0).any(axis=1), Z > 0
        on |= ~self._inside(P, exact)
        st = self._store
        index = st.cached("pattern_index", lambda: {row.tobytes(): i for i, row in enumerate(
            np.packbits(st.patterns().astype(bool), axis=1, bitorder="little"))})
        keys = np.packbits(bits, axis=1, bitorder="little")
        out = np.array([-1 if o else index.get(k.tobytes(), -1) for o, k in zip(on, keys)], dtype=np.int64)
        if self._members is not None:
            label = self._labels()
            out = np.where(out >= 0, label[np.maximum(out, 0)], -1)
        return int(out[0]) if single else out

    def adjacency_matrix(self, *, max_seconds=None, threads=None, progress=None):
        """The region adjacency graph as a symmetric scipy.sparse CSR matrix (regions x regions, int8
        ones where two regions share a facet).  Budgeted like adjacency_arrays."""
        p = self.adjacency_arrays(max_seconds=max_seconds, threads=threads, progress=progress)[0].reshape(-1, 2)
        with _run.interruptible("adjacency_matrix", partial=p):  # a Ctrl-C in scipy: the pairs found
            from scipy.sparse import coo_matrix  # after the budgeted part: its first import takes ~0.5 s
            n = self.count
            rows, cols = np.concatenate([p[:, 0], p[:, 1]]), np.concatenate([p[:, 1], p[:, 0]])
            return coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()

    def _inside(self, P: np.ndarray, exact: bool) -> np.ndarray:
        """(N,) bool: the rows of P strictly inside the domain (all of R^d: everywhere).  Exact: a float
        residual b - A x with a rigorous error bound decides most points; the doubtful ones (and
        non-double inputs) are decided in Fractions."""
        if self.domain is None:
            return np.ones(len(P), dtype=bool)
        A, b, _ = _seam.domain_rows(self.domain, self.dim)
        if not exact:
            return (P @ A.T < b).all(axis=1)
        doubles = P.dtype == np.float64 and A.dtype == np.float64 and b.dtype == np.float64
        out, todo = np.zeros(len(P), dtype=bool), np.arange(len(P))
        if doubles:
            u, n = 2.0 ** -53, A.shape[1] + 2
            r = b - P @ A.T
            err = (n * u / (1 - n * u) * (np.abs(P) @ np.abs(A).T + np.abs(b)) + 1e-300) * (1 + 4 * u)
            out = (r > err).all(axis=1)
            todo = np.flatnonzero(~out & ~(r < -err).any(axis=1))
        if len(todo):
            Aq, bq, Pq = _seam.fractions(A), _seam.fractions(b), _seam.fractions(P[todo])
            out[todo] = [all(a.dot(p) < c for a, c in zip(Aq, bq)) for p in Pq]
        return out

    def to_networkx(self, *, max_seconds=None, threads=None, progress=None):
        """A networkx Graph: one node per region (attributes "pattern" bit string, "point" float64
        tuple; kind="linear": "members"), one edge per pair sharing a facet (attribute "neurons": the
        hidden neurons whose state differs, as in adjacency()).  Budgeted like adjacency_arrays.
        Needs networkx."""
        try:
            import networkx as nx
        except ImportError:
            raise ImportError("RegionSet.to_networkx needs networkx: pip install networkx "
                              "(or tropgeom[test])") from None
        edges = self.adjacency(max_seconds=max_seconds, threads=threads, progress=progress)  # the budgeted part
        G = nx.Graph(kind=self.kind)
        pts = self.interior_points()
        for i, (p, x) in enumerate(zip(self.patterns, pts)):
            attrs = {"pattern": "".join("1" if v else "0" for v in p), "point": tuple(float(v) for v in x)}
            if self._members is not None:
                attrs["members"] = self._members[i].tolist()
            G.add_node(i, **attrs)
        G.add_edges_from((i, j, {"neurons": f}) for i, j, f in edges)
        return G

    def summary(self):
        """A pandas DataFrame, one row per region: "index", "pattern" (bit string), "bounded", "volume"
        (bounded domains only), the interior point "x0".."x{d-1}" (float64), and for kind="linear"
        "members" (how many activation regions).  Needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("RegionSet.summary needs pandas: pip install pandas (or tropgeom[test])") from None
        cols = {"index": np.arange(self.count), "pattern": ["".join("1" if v else "0" for v in p) for p in self.patterns],
                "bounded": self.bounded()}
        if self.domain is not None and self.domain.bounded:
            cols["volume"] = self.volumes()
        pts = self.interior_points()
        for j in range(self.dim):
            cols[f"x{j}"] = pts[:, j] if len(pts) else np.zeros(0)
        if self._members is not None:
            cols["members"] = [len(m) for m in self._members]
        return pd.DataFrame(cols)


def _restore(state: dict) -> RegionSet:
    s = dict(state["regions"])
    for k in ("cuts", "offsets"):
        s[k] = np.asarray(s[k], dtype=np.int64)
    s["patterns"] = np.asarray(s["patterns"], dtype=np.uint8)
    store = _Store(state["net"], state["domain"], state["threads"], saved=s)
    members = state["members"]
    return RegionSet(store, state["kind"], None if members is None else [np.asarray(m, dtype=np.int64) for m in members])


def _linear_members(store: _Store, deadline: Optional[float], threads: int, progress) -> List[np.ndarray]:
    """Linear regions: connected components of the activation regions under "adjacent with the same
    exact affine map" (scipy.sparse.csgraph), ordered by their smallest member.  Budgeted by the
    caller's remaining max_seconds."""
    import time

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    def left():
        return None if deadline is None else max(deadline - time.monotonic(), 1e-6)

    ids = store.run("map_ids", "regions", "affine maps", max_seconds=left(), threads=threads, progress=progress)[0]
    n = store.stored
    pairs = store._cache.get("pairs")
    if pairs is None:  # only regions whose exact map another region shares can merge: their facets alone
        shared = np.flatnonzero(np.bincount(ids, minlength=1)[ids] > 1) if n else np.zeros(0, dtype=np.int64)
        pairs = np.zeros((0, 2), dtype=np.int64)
        if len(shared):
            with _run.progress(progress, "regions") as tick:
                pairs, complete, why = store.core().adjacency(only=shared.tolist(), max_seconds=_run.seconds(left()),
                                                              threads=threads, progress=tick)
            _run.stopped(complete, why, partial=pairs, what=f"{len(pairs)} adjacent pairs found")
    same = pairs[ids[pairs[:, 0]] == ids[pairs[:, 1]]]
    graph = coo_matrix((np.ones(len(same)), (same[:, 0], same[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label, kind="stable")  # members ascending within each component
    groups = np.split(order, np.flatnonzero(np.diff(label[order])) + 1) if n else []
    return sorted((g.astype(np.int64) for g in groups), key=lambda g: int(g[0]))


def _enumerate(net, domain, *, keep_geometry, max_regions, max_seconds, threads, progress, cells=None,
               max_cells=None, stop_at=0, cancel=None):
    """The core's search; ``cells`` (core tuples, _seam.cells), ``max_cells``, ``stop_at`` (a
    frontier) and ``cancel`` (a callable polled by the core: True stops it, "interrupted") resume and
    split it (tropgeom.cell).  A stop before the search started leaves ``cells`` as they were."""
    from . import _core
    args = _seam.domain_args(domain, net.input_dim)
    with _run.progress(progress, "regions") as tick:
        try:
            return _core.enumerate_regions(net.core, max_regions=max_regions or 0,
                                           max_seconds=_run.seconds(max_seconds), threads=threads,
                                           keep_geometry=keep_geometry, progress=tick, cells=cells,
                                           max_cells=max_cells or 0, stop_at=stop_at, cancel=cancel, **args)
        except BudgetExceeded as e:  # stopped in the set-up: nothing was searched
            from .cell import Cell
            e.remaining = None if cells is None else [Cell._from_core(t) for t in cells]
            raise


def _open_cells(res):
    from .cell import Cell
    return [Cell._from_core(t) for t in res.open_cells()]


def regions(net, domain=None, *, kind: str = "activation", max_regions: Optional[int] = None,
            max_seconds: Optional[float] = None, threads: Optional[int] = None, progress=None,
            cells=None, max_cells: Optional[int] = None) -> RegionSet:
    """Enumerate the regions of ``net`` on ``domain`` (None: all of R^d; a Box; a Polytope), exactly.

    A budget (``max_regions``, ``max_seconds``) or Ctrl-C stops the run with BudgetExceeded, whose
    ``partial`` is the RegionSet found so far (for kind="linear": the activation RegionSet when the
    time ran out or Ctrl-C came before the merge was done).  ``max_seconds`` covers the linear merge too.  ``progress``: None (a bar on
    a TTY for runs over a second), False, True, or a callable receiving the number of regions so far.

    Resumable (tropgeom.cell): a stop's BudgetExceeded has ``remaining``, the open cells; ``cells=``
    searches only below the given cells (kind="activation"), so ``regions(net, domain,
    cells=e.remaining)`` yields exactly the regions the stopped run did not (disjoint patterns).
    ``max_cells`` stops after that many search steps (deterministic at threads=1).

    Parameters
    ----------
    net : Network
        The network.
    domain : None, Box or Polytope, optional
        None: all of R^d.
    kind : {"activation", "linear"}
        Activation regions, or linear regions (activation regions merged where the map is the same).
    max_regions : int, optional
        Stop after this many regions (BudgetExceeded, reason "max_regions").
    max_seconds : float, optional
        Stop after this many seconds (BudgetExceeded, reason "max_seconds").
    progress : None, bool or callable, optional
        None: a bar on a TTY for runs over a second; False: none; True: always; a callable receives
        the count so far.
    threads : int, optional
        Worker threads (None: the cores this process may use).
    cells : sequence of Cell, optional
        Search only below these open cells of a stopped run (``BudgetExceeded.remaining``).
    max_cells : int, optional
        Stop after this many search steps (BudgetExceeded, reason "max_cells"; deterministic at
        threads=1).

    Returns
    -------
    RegionSet
        Every region, exactly.

    Raises
    ------
    BudgetExceeded
        A budget or Ctrl-C stopped the run; ``partial`` is a RegionSet.
    InputError
        Bad network or domain.
    """
    import time
    start = time.monotonic()
    net = _seam.network(net)
    kind = _seam.choice(kind, "kind", ("activation", "linear"))
    max_regions = _seam.positive_int(max_regions, "max_regions", allow_none=True)
    seconds = _seam.positive_seconds(max_seconds)
    threads = _run.threads(threads)
    cells, max_cells = _resumable(net, kind, cells, max_cells)
    res = _enumerate(net, domain, keep_geometry=True, max_regions=max_regions, max_seconds=seconds,
                     threads=threads, progress=progress, cells=cells, max_cells=max_cells)
    rs = RegionSet(_Store(net, domain, threads, res=res), "activation")
    if kind == "linear" and res.stop_reason not in ("max_seconds", "interrupted"):  # time left to merge
        left = None if seconds is None else max(start + seconds - time.monotonic(), 1e-6)
        rs = rs.linear(max_seconds=left, threads=threads, progress=progress)
    _run.stopped(res.complete, res.stop_reason, partial=rs, count_name="max_regions",
                 what=f"{res.count} activation regions found", remaining=_open_cells(res))
    return rs


def _resumable(net, kind, cells, max_cells):
    """cells= and max_cells= checked (activation regions only)."""
    if (cells is not None or max_cells is not None) and kind != "activation":
        raise InputError('cells= and max_cells= resume the activation-region search: use kind="activation"')
    return _seam.cells(cells, net), _seam.positive_int(max_cells, "max_cells", allow_none=True)


def count_regions(net, domain=None, *, kind: str = "activation", threads: Optional[int] = None,
                  max_seconds: Optional[float] = None, progress=None, cells=None,
                  max_cells: Optional[int] = None) -> int:
    """The exact number of regions; keeps no geometry for kind="activation".  A stop raises
    BudgetExceeded whose partial is the count so far and whose ``remaining`` (the open cells) finish
    it: ``partial + count_regions(net, domain, cells=e.remaining)`` is the full count.  ``cells``:
    count below these cells only; ``max_cells``: stop after that many search steps.

    Parameters
    ----------
    net : Network
        The network.
    domain : None, Box or Polytope, optional
        None: all of R^d.
    kind : {"activation", "linear"}
        Which regions to count.
    threads : int, optional
        Worker threads (None: the cores this process may use).
    max_seconds : float, optional
        Stop after this many seconds (BudgetExceeded, reason "max_seconds").
    progress : None, bool or callable, optional
        None: a bar on a TTY for runs over a second; False: none; True: always; a callable receives
        the count so far.
    cells : sequence of Cell, optional
        Search only below these open cells of a stopped run (``BudgetExceeded.remaining``).
    max_cells : int, optional
        Stop after this many search steps (BudgetExceeded, reason "max_cells"; deterministic at
        threads=1).

    Returns
    -------
    int
        The exact number of regions.
    """
    kind = _seam.choice(kind, "kind", ("activation", "linear"))
    if kind == "linear":
        _resumable(None, kind, cells, max_cells)  # (refuses them)
        try:
            return regions(net, domain, kind=kind, threads=threads, max_seconds=max_seconds, progress=progress).count
        except BudgetExceeded as e:
            raise BudgetExceeded(str(e), partial=len(e.partial), reason=e.reason) from None
    net = _seam.network(net)
    seconds = _seam.positive_seconds(max_seconds)
    threads = _run.threads(threads)
    cells, max_cells = _resumable(net, kind, cells, max_cells)
    res = _enumerate(net, domain, keep_geometry=False, max_regions=None, max_seconds=seconds,
                     threads=threads, progress=progress, cells=cells, max_cells=max_cells)
    _run.stopped(res.complete, res.stop_reason, partial=res.count, count_name="max_regions",
                 what=f"{res.count} activation regions found", remaining=_open_cells(res))
    return res.count
