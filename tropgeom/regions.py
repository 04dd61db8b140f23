"""Exact activation and linear regions of a ReLU network over R^d, a box or a polytope.

An *activation region* is a full-dimensional set of inputs sharing one activation pattern (the
on/off state of every hidden neuron); it is a convex polyhedron.  A *linear region* is a maximal set,
connected across shared facets, on which the network is one affine map: a union of activation
regions.  Counts, patterns, H-representations, interior points and affine maps are exact.
"""
from __future__ import annotations

import json
from fractions import Fraction
from typing import List, Optional, Tuple

import numpy as np

from . import _run
from ._seam import positive_int
from .errors import InputError
from .network import Network

__all__ = ["Box", "Polytope", "RegionSet", "regions", "count_regions"]


def _finite_vector(v, name: str, dim: Optional[int] = None) -> np.ndarray:
    arr = np.asarray(v, dtype=np.float64)
    if arr.ndim == 0 and dim is not None:
        arr = np.full(dim, float(arr))
    if arr.ndim != 1:
        raise InputError(f"{name} must be a scalar or a vector; got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        raise InputError(f"{name} has a non-finite value at coordinate {bad[0]}", index=int(bad[0]))
    return arr


class Box:
    """The box {x : lo <= x <= hi}; ``lo``/``hi`` are scalars or per-coordinate vectors."""

    bounded = True

    def __init__(self, lo, hi, dim: Optional[int] = None):
        if dim is None:
            sizes = {np.size(v) for v in (lo, hi) if np.ndim(v) > 0}
            if len(sizes) > 1:
                raise InputError(f"Box lo and hi have different lengths {sorted(sizes)}")
            dim = sizes.pop() if sizes else None
        self._dim = dim
        self.lo = _finite_vector(lo, "Box lo", dim) if dim is not None else float(_finite_vector([lo], "Box lo")[0])
        self.hi = _finite_vector(hi, "Box hi", dim) if dim is not None else float(_finite_vector([hi], "Box hi")[0])
        if dim is not None:
            self._check(dim)

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
        return np.vstack([np.eye(d), -np.eye(d)]), np.concatenate([hi, -lo])

    def as_dict(self) -> dict:
        return {"type": "box", "lo": np.atleast_1d(self.lo).tolist(), "hi": np.atleast_1d(self.hi).tolist()}

    def __repr__(self) -> str:
        return f"Box({self.lo!r}, {self.hi!r})"


class Polytope:
    """{x : A x <= b}.  It must be bounded unless ``bounded=False`` (a polyhedral domain)."""

    def __init__(self, A, b, *, bounded: bool = True):
        A = np.asarray(A, dtype=np.float64)
        if A.ndim != 2 or A.shape[1] == 0:
            raise InputError(f"Polytope A has shape {A.shape}; expected (rows, dim)")
        bad = np.argwhere(~np.isfinite(A))
        if len(bad):
            raise InputError(f"Polytope A has a non-finite value at row {bad[0][0]}", index=int(bad[0][0]))
        b = _finite_vector(b, "Polytope b")
        if b.shape != (A.shape[0],):
            raise InputError(f"Polytope b has shape {b.shape}; expected ({A.shape[0]},)")
        self.A, self.b, self.bounded = A, b, bool(bounded)
        from .lp import Polyhedron
        P = Polyhedron(A, b)
        dim = P.dimension()
        if dim < A.shape[1]:
            raise InputError("Polytope is empty" if dim < 0 else
                             f"Polytope is not full-dimensional (dimension {dim} in R^{A.shape[1]})")
        if self.bounded and Polyhedron(A, np.zeros_like(b)).dimension() != 0:
            raise InputError("Polytope is unbounded; pass bounded=False for an unbounded polyhedral domain")

    def dim_for(self, d: int) -> int:
        if self.A.shape[1] != d:
            raise InputError(f"domain has dimension {self.A.shape[1]}; the network takes {d} inputs")
        return d

    def halfspaces(self, d: int) -> Tuple[np.ndarray, np.ndarray]:
        self.dim_for(d)
        return self.A, self.b

    def as_dict(self) -> dict:
        return {"type": "polytope", "A": self.A.tolist(), "b": self.b.tolist(), "bounded": self.bounded}


def _domain(domain, d: int):
    if domain is None:
        return np.zeros((0, d)), np.zeros(0), False
    if not isinstance(domain, (Box, Polytope)):
        raise InputError(f"domain must be None, tropgeom.Box or tropgeom.Polytope; got {type(domain).__name__}")
    A, b = domain.halfspaces(d)
    return A, b, domain.bounded


def _frac_key(arr) -> tuple:
    return tuple(Fraction(v) for v in np.ravel(arr))


class RegionSet:
    """The regions of a network on a domain (exact).  Geometry accessors take activation-region
    indices; for ``kind="linear"``, ``members`` lists the activation regions of each linear region."""

    def __init__(self, net: Network, domain, result, kind: str, threads: int):
        self.net, self.domain, self.kind = net, domain, kind
        self._res, self._threads = result, threads
        self._bounded_domain = domain is not None and domain.bounded
        self._adjacency = None
        self._members = None
        if kind == "linear":
            self._members = self._merge_linear()

    # --- counts and status -----------------------------------------------------------------------
    @property
    def num_activation_regions(self) -> int:
        return self._res.count

    @property
    def count(self) -> int:
        return len(self._members) if self._members is not None else self._res.count

    def __len__(self) -> int:
        return self.count

    @property
    def complete(self) -> bool:
        return self._res.complete

    @property
    def stop_reason(self) -> str:
        return self._res.stop_reason

    @property
    def stats(self) -> dict:
        return dict(self._res.stats)

    def __repr__(self) -> str:
        where = "R^%d" % self.net.input_dim if self.domain is None else repr(self.domain)
        state = "" if self.complete else f", partial ({self.stop_reason})"
        return f"RegionSet({self.count} {self.kind} regions of {self.net!r} on {where}{state})"

    # --- per-region data ---------------------------------------------------------------------------
    @property
    def pattern_bits(self) -> np.ndarray:
        """(activation regions, hidden neurons) bool: True where the neuron is active."""
        return self._res.patterns(self.net.num_hidden_neurons).astype(bool)

    @property
    def patterns(self) -> np.ndarray:
        """Activation patterns packed little-endian into uint8 rows (as Network.activation_patterns)."""
        return np.packbits(self.pattern_bits, axis=1, bitorder="little")

    def interior_points(self, exact: bool = True) -> np.ndarray:
        """A point strictly inside every activation region: Fractions, or float64 if not exact."""
        return self._res.points(self.net.input_dim, exact)

    def _index(self, i: int) -> int:
        n = self._res.stored
        if not -n <= i < n:
            raise IndexError(f"region index {i} out of range for {n} regions")
        return i % n

    def halfspaces(self, i: int) -> Tuple[np.ndarray, np.ndarray]:
        """Irredundant exact H-representation (A, b) of activation region i: {x : A x <= b}."""
        A, b, _ = self._res.halfspaces(self._index(i), True)
        return A, b

    def facet_neurons(self, i: int) -> List[int]:
        """The hidden neuron that made each row of halfspaces(i); -1 for the domain's boundary."""
        return list(self._res.halfspaces(self._index(i), True)[2])

    def affine_map(self, i: int) -> Tuple[np.ndarray, np.ndarray]:
        """(J, c): the network equals x -> J x + c on activation region i, exactly."""
        return self._res.affine_map(self._index(i))

    def volumes(self) -> List[Fraction]:
        """Exact volume of every region (Fractions) inside a bounded domain; for kind="linear" the
        volume of each linear region (the sum over its members).  They add up to the domain's volume."""
        if not self._bounded_domain:
            raise InputError("volumes need a bounded domain (a Box or a bounded Polytope); "
                             "regions of an unbounded domain can have infinite volume")
        from .polytope import volume
        act = [volume(*self._res.halfspaces(i, False)[:2], exact=True) for i in range(self._res.stored)]
        return [sum((act[i] for i in m), Fraction(0)) for m in self.members]

    @property
    def is_bounded(self) -> np.ndarray:
        """Per activation region: bounded or not (exact)."""
        if self._bounded_domain:
            return np.ones(self._res.stored, dtype=bool)
        return np.array(self._res.is_bounded(), dtype=bool)

    def adjacency(self) -> List[Tuple[int, int, tuple]]:
        """Pairs (i, j, neurons), i < j, of activation regions sharing a facet, with the hidden
        neurons whose state differs between them."""
        if self._adjacency is None:
            pairs, complete, why = self._res.adjacency(threads=self._threads)
            _run.stopped(complete, why, partial=list(pairs), what=f"{len(pairs)} adjacent pairs found")
            bits = self.pattern_bits
            self._adjacency = [(i, j, tuple(int(k) for k in np.flatnonzero(bits[i] != bits[j]))) for i, j in pairs]
        return list(self._adjacency)

    @property
    def members(self) -> List[np.ndarray]:
        """For kind="linear": the activation regions making up each linear region."""
        if self._members is None:
            return [np.array([i]) for i in range(self._res.stored)]
        return list(self._members)

    def _merge_linear(self) -> List[np.ndarray]:
        n = self._res.stored
        keys = [None] * n
        for i in range(n):
            J, c = self._res.affine_map(i)
            keys[i] = (_frac_key(J), _frac_key(c))
        parent = list(range(n))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for i, j, _ in self.adjacency():
            if keys[i] == keys[j]:
                parent[find(i)] = find(j)
        groups = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        return [np.array(g) for g in sorted(groups.values())]

    # --- context ------------------------------------------------------------------------------------
    def bounds(self):
        """Known bounds for the architecture (tropgeom.bounds), to set beside the exact count."""
        from .bounds import bounds
        return bounds(self.net)

    def to_json(self, *, geometry: bool = False) -> str:
        """JSON: count, kind, architecture, domain, status, patterns (bit strings) and exact interior
        points as "p/q" strings; with geometry=True also every region's irredundant H-representation."""
        bits = self.pattern_bits
        pts = self.interior_points()
        regions = []
        for i in range(self._res.stored):
            r = {"pattern": "".join("1" if v else "0" for v in bits[i]), "point": [str(v) for v in pts[i]]}
            if geometry:
                A, b = self.halfspaces(i)
                r["A"] = [[str(v) for v in row] for row in A]
                r["b"] = [str(v) for v in b]
            regions.append(r)
        doc = {
            "kind": self.kind, "count": self.count, "activation_regions": self.num_activation_regions,
            "complete": self.complete, "stop_reason": self.stop_reason,
            "architecture": list(self.net.architecture),
            "domain": None if self.domain is None else self.domain.as_dict(),
            "bounds": self.bounds().as_dict(), "regions": regions,
        }
        if self._members is not None:
            doc["members"] = [m.tolist() for m in self._members]
        return json.dumps(doc)


def _validate(net, kind, max_regions, max_seconds, threads):
    if not isinstance(net, Network):
        try:
            net = Network(net)
        except InputError:
            raise
        except Exception:
            raise InputError(f"expected a tropgeom.Network or a list of (W, b) pairs; got {type(net).__name__}") from None
    if kind not in ("activation", "linear"):
        raise InputError(f"kind must be 'activation' or 'linear'; got {kind!r}")
    positive_int(max_regions, "max_regions", allow_none=True)
    _run.seconds(max_seconds)
    return net, _run.threads(threads)


def _enumerate(net, domain, *, keep_geometry, max_regions, max_seconds, threads, progress):
    from . import _core
    A, b, _ = _domain(domain, net.input_dim)
    with _run.progress(progress, "regions") as tick:
        return _core.enumerate_regions(net.core, A, b, max_regions=max_regions or 0,
                                       max_seconds=_run.seconds(max_seconds), threads=threads,
                                       keep_geometry=keep_geometry, progress=tick)


def regions(net, domain=None, *, kind: str = "activation", max_regions: Optional[int] = None,
            max_seconds: Optional[float] = None, threads: Optional[int] = None, progress=None) -> RegionSet:
    """Enumerate the regions of ``net`` on ``domain`` (None: all of R^d; a Box; a Polytope), exactly.

    A budget (``max_regions``, ``max_seconds``) or Ctrl-C stops the run with BudgetExceeded, whose
    ``partial`` is the RegionSet found so far.  ``progress``: None (a bar on a TTY for runs over a
    second), False, True, or a callable receiving the number of regions found so far.
    """
    net, threads = _validate(net, kind, max_regions, max_seconds, threads)
    res = _enumerate(net, domain, keep_geometry=True, max_regions=max_regions, max_seconds=max_seconds,
                     threads=threads, progress=progress)
    rs = RegionSet(net, domain, res, kind, threads)
    _run.stopped(res.complete, res.stop_reason, partial=rs, count_name="max_regions",
                 what=f"{res.count} activation regions found")
    return rs


def count_regions(net, domain=None, *, kind: str = "activation", threads: Optional[int] = None,
                  max_seconds: Optional[float] = None, progress=None) -> int:
    """The exact number of regions; keeps no geometry for kind="activation"."""
    if kind == "linear":
        return regions(net, domain, kind=kind, threads=threads, max_seconds=max_seconds, progress=progress).count
    net, threads = _validate(net, kind, None, max_seconds, threads)
    res = _enumerate(net, domain, keep_geometry=False, max_regions=None, max_seconds=max_seconds,
                     threads=threads, progress=progress)
    _run.stopped(res.complete, res.stop_reason, partial=res.count, count_name="max_regions",
                 what=f"{res.count} activation regions found")
    return res.count
