"""Sampling and regions (Lezeau et al. 2024): how large a cube must be for every region to meet it,
how many regions N uniform samples hit, and sampling estimates of the count.

- ``sampling_radius``: the exact smallest R* such that every region meets the closed ball of radius R
  around a centre: inf-norm (one exact LP per region) or 2-norm (an exact QP per region, R*^2 as a
  Fraction).  TropicalNN.jl only bounds it (Hoffman constants).
- ``samples_needed``: how many uniform samples leave at most delta regions unhit in expectation.
- ``symmetric_count``: exact counts of permutation-equivariant nets from a fundamental domain.
- ``expected_hits``: the exact expected number of distinct regions hit by N uniform samples in a box,
  sum_R (1 - (1 - p_R)^N) with p_R = vol(R) / vol(box) from exact volumes.
- ``estimate_regions``: the distinct activation patterns hit by uniform samples (a lower bound on the
  count: every sample's pattern is decided exactly), with Good-Turing coverage 1 - f1/N and the
  Chao1 estimate S + f1^2 / (2 f2); streaming in batches, memory bounded by the patterns found.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import time

import numpy as np

from . import _run, _seam
from .errors import InputError
from .network import Network

__all__ = ["sampling_radius", "SamplingRadius", "expected_hits", "samples_needed", "estimate_regions", "RegionEstimate",
           "symmetric_count", "SymmetricCount"]


@dataclass(frozen=True)
class SamplingRadius:
    radius: Fraction            # R* (inf-norm) or R*^2 (norm=2): every region meets the closed ball iff R >= R*
    region: int                 # a farthest region (index in the RegionSet)
    witness: np.ndarray         # a point of that region at distance R* (Fractions)
    distances: np.ndarray       # the distance of every region (Fractions; squared for norm=2)
    norm: str = "inf"           # "inf" or "2"

    @property
    def value(self) -> float:
        """R* as a float64 (for norm=2 the square root of the exact squared radius)."""
        return float(self.radius) if self.norm == "inf" else float(np.sqrt(float(self.radius)))


def sampling_radius(net_or_regions, center=0, *, norm="inf", kind: str = "activation",
                    max_seconds: Optional[float] = None) -> SamplingRadius:
    """The exact smallest radius R* around ``center`` at which the ball meets every region of the net
    on R^d (a network, or a RegionSet of one).  For kind="linear", a linear region meets the ball when
    one of its activation regions does.

    Parameters
    ----------
    net_or_regions : Network or RegionSet
        The network (its regions on R^d are enumerated) or its regions.
    center : number or array_like
        The centre of the ball.
    norm : {"inf", 2}
        ``"inf"``: one exact LP per region, ``radius`` is R*.  ``2``: one exact QP per region (an
        active-set method in rationals, each optimum proven by its exact KKT certificate), ``radius``
        is R*^2 (R* itself is irrational in general; ``value`` is its float).
    kind : {"activation", "linear"}
        Which regions must meet the ball.
    max_seconds : float, optional
        Budget of the enumeration and the per-region programs.

    Returns
    -------
    SamplingRadius
        ``radius`` (exact), a farthest ``region``, its ``witness`` point and every region's ``distances``.
    """
    from .lp import Polyhedron
    from .regions import RegionSet, regions
    norm = {"inf": "inf", 2: "2", "2": "2"}.get(norm) if isinstance(norm, (str, int)) and not isinstance(norm, bool) else None
    if norm is None:
        raise InputError("norm must be 'inf' or 2")
    clock = _run.Deadline(max_seconds)
    rs = net_or_regions if isinstance(net_or_regions, RegionSet) else regions(
        _seam.network(net_or_regions), kind=kind, max_seconds=max_seconds)
    d = rs.net.input_dim
    c = _seam.exact_vector(np.broadcast_to(np.asarray(center, dtype=object), (d,)), "center", d)
    c = np.array([Fraction(v) for v in c], dtype=object)
    cells = rs.activation if rs.kind == "linear" else rs
    pts = cells.interior_points(exact=True)
    dist, wit = [], []
    for i in range(len(cells)):
        clock.left(None, f"distances of {i} of {len(cells)} regions")
        A, b = cells.halfspaces(i, exact=True)
        if norm == "2":
            x = _project(A, b, c, pts[i])
            dist.append(sum(((v - w) ** 2 for v, w in zip(x, c)), Fraction(0)))
            wit.append(x)
            continue
        # min t  s.t.  A x <= b,  x - t 1 <= c,  -x - t 1 <= -c   over (x, t)
        I = np.eye(d, dtype=object)
        rows = np.vstack([np.hstack([A, np.zeros((len(A), 1), dtype=object)]),
                          np.hstack([I, -np.ones((d, 1), dtype=object)]),
                          np.hstack([-I, -np.ones((d, 1), dtype=object)])])
        rhs = np.concatenate([b, c, -c])
        obj = np.array([Fraction(0)] * d + [Fraction(1)], dtype=object)
        res = Polyhedron(rows, rhs).minimize(obj, exact=True)
        dist.append(res.value)
        wit.append(res.x[:d])
    dist = np.array(dist, dtype=object)
    if rs.kind == "linear":
        groups = rs.members
        best = [min(range(len(m)), key=lambda j: dist[m[j]]) for m in groups]
        dist_lin = np.array([dist[m[j]] for m, j in zip(groups, best)], dtype=object)
        far = int(max(range(len(groups)), key=lambda i: dist_lin[i]))
        return SamplingRadius(dist_lin[far], far, wit[groups[far][best[far]]], dist_lin, norm)
    far = int(max(range(len(dist)), key=lambda i: dist[i]))
    return SamplingRadius(dist[far], far, wit[far], dist, norm)


def _project(A, b, c, x):
    """The exact Euclidean projection of c onto {A x <= b} from a feasible x: a primal active-set
    method in Fractions (Bland's smallest-index rules against cycling), returned only with its KKT
    certificate checked exactly (feasible, multipliers >= 0, x - c + A_W^T lam = 0)."""
    from .errors import InternalError
    A = [list(r) for r in A]
    b, c, x = list(b), list(c), list(x)
    m, d = len(A), len(c)
    dot = lambda u, v: sum((p * q for p, q in zip(u, v)), Fraction(0))  # noqa: E731
    W: list = []
    for _ in range(50 * (m + d) + 100):
        g = [xi - ci for xi, ci in zip(x, c)]
        # p = -(g projected onto the null space of A_W); lam solves (A_W A_W^T) lam = -A_W g
        lam = [x for (x,) in _seam.solve_exact([[dot(A[i], A[j]) for j in W] for i in W], [[-dot(A[i], g)] for i in W])] if W else []
        p = [-(gk + sum((l * A[i][k] for l, i in zip(lam, W)), Fraction(0))) for k, gk in enumerate(g)]
        if not any(p):
            neg = [i for l, i in zip(lam, W) if l < 0]
            if not neg:
                assert all(dot(A[i], x) <= b[i] for i in range(m))
                return np.array(x, dtype=object)
            W.remove(min(neg))
            continue
        step, block = Fraction(1), None
        for i in range(m):
            if i in W:
                continue
            ap = dot(A[i], p)
            if ap > 0:
                s = (b[i] - dot(A[i], x)) / ap
                if s < step or (s == step and block is not None and i < block):
                    step, block = s, i
        x = [xi + step * pi for xi, pi in zip(x, p)]
        if block is not None:
            W.append(block)
    raise InternalError("the exact projection did not converge (active-set iteration limit)")


def samples_needed(rs, delta) -> int:
    """The smallest N for which N uniform samples of the (bounded) domain leave, in expectation, at
    most ``delta`` regions unhit: sum_R (1 - p_R)^N <= delta with p_R = vol(R) / vol(domain) from the
    exact volumes (so every region is hit with probability >= 1 - delta; float64 sums).


    Parameters
    ----------
    rs : RegionSet
        Regions of a bounded domain (a Box or bounded Polytope).
    delta : float
        The tolerated expected number of regions missed, in (0, 1).

    Returns
    -------
    int
        The smallest such N.
    """
    if isinstance(delta, bool) or not isinstance(delta, (int, float, Fraction, np.floating)) or not 0 < float(delta) < 1:
        raise InputError(f"delta must be in (0, 1); got {delta!r}")
    vol = rs.volumes(exact=True)
    total = sum(vol, Fraction(0))
    logq = np.log1p(-np.array([float(v / total) for v in vol]))
    if not len(logq) or np.all(logq == -np.inf):
        return 1
    if np.any(logq == 0):
        raise InputError("a region's volume is below float64 resolution: samples_needed is astronomical")
    missed = lambda N: float(np.exp(N * logq).sum())  # noqa: E731
    hi = 1
    while missed(hi) > delta:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if missed(mid) > delta else (lo, mid)
    return max(hi, 1)


def expected_hits(rs, N: int, *, exact: bool = False):
    """The expected number of distinct regions of ``rs`` (a RegionSet on a bounded domain) hit by N
    independent uniform samples of the domain, from the exact volumes: a float64 (computed as
    -expm1(N log1p(-p)) per region) or, with ``exact=True``, the exact Fraction (its size grows like N
    times the volumes' bits: for small N).

    Parameters
    ----------
    rs : RegionSet
        Regions on a bounded domain.
    N : int
        The number of uniform samples.
    exact : bool
        Return the exact Fraction.

    Returns
    -------
    float or Fraction
        The expected number of distinct regions hit.
    """
    N = _seam.positive_int(N, "N")
    vol = rs.volumes(exact=True)
    total = sum(vol, Fraction(0))
    if exact:
        return sum((1 - (1 - v / total) ** N for v in vol), Fraction(0))
    p = np.array([float(v / total) for v in vol])
    return float(-np.expm1(N * np.log1p(-np.minimum(p, 1.0))).sum()) if len(p) else 0.0


@dataclass(frozen=True)
class RegionEstimate:
    observed: int               # distinct patterns hit: a lower bound on the count
    samples: int
    singletons: int             # f1: patterns hit exactly once
    doubletons: int             # f2: patterns hit exactly twice
    coverage: float             # Good-Turing: 1 - f1 / N
    chao1: float                # S + f1^2 / (2 f2)  (bias-corrected S + f1 (f1 - 1) / 2 when f2 = 0)


def estimate_regions(net: Network, domain, *, samples: int, seed: int = 0, batch: int = 65536,
                     max_seconds: Optional[float] = None, progress=None) -> RegionEstimate:
    """Distinct activation patterns of ``samples`` uniform points of a Box (float64 samples, each
    pattern decided exactly: float signs with an error bound, exact signs where it is doubtful).

    Parameters
    ----------
    net : Network
        The network.
    domain : Box
        The box sampled uniformly.
    samples : int
        How many points.
    seed : int
        The random seed.
    batch : int
        Points per batch (memory).
    max_seconds : float, optional
        Stop after this many seconds.
    progress : None, bool or callable, optional
        Progress reporting, as everywhere.

    Returns
    -------
    RegionEstimate
        ``observed`` (a lower bound on the count), ``singletons``, ``doubletons``, ``coverage``, ``chao1``.
    """
    from . import _kernels
    from .regions import Box
    net = _seam.network(net)
    if not isinstance(domain, Box):
        raise InputError("estimate_regions samples a Box domain")
    samples = _seam.positive_int(samples, "samples")
    batch = _seam.positive_int(batch, "batch")
    _run.seconds(max_seconds)
    d = net.input_dim
    lo, hi = (np.broadcast_to(np.asarray(v, dtype=np.float64), (d,)) for v in (domain.lo, domain.hi))
    rng = np.random.default_rng(seed)
    counts = {}
    done = 0
    t0 = time.monotonic()
    with _run.progress(progress, "samples") as tick:
        while done < samples:
            n = min(batch, samples - done)
            X = lo + (hi - lo) * rng.random((n, net.input_dim))
            P = _patterns(net, X)
            keys = _kernels.hash_rows(np.ascontiguousarray(P))
            uniq, first, cnt = np.unique(keys, return_index=True, return_counts=True)
            for k, i, c in zip(uniq.tolist(), first.tolist(), cnt.tolist()):
                row = bytes(P[i])
                key = (k, row)  # the bytes settle a hash collision
                counts[key] = counts.get(key, 0) + c
            done += n
            if tick:
                tick(done)
            if max_seconds and time.monotonic() - t0 > max_seconds:
                break
    freq = np.bincount(np.fromiter(counts.values(), dtype=np.int64)) if counts else np.zeros(3, dtype=np.int64)
    f1 = int(freq[1]) if len(freq) > 1 else 0
    f2 = int(freq[2]) if len(freq) > 2 else 0
    S = len(counts)
    chao1 = S + (f1 * f1 / (2 * f2) if f2 else f1 * (f1 - 1) / 2)
    est = RegionEstimate(S, done, f1, f2, 1 - f1 / done, float(chao1))
    _run.stopped(done == samples, "max_seconds", partial=est, what=f"{done} of {samples} samples")
    return est


def _patterns(net: Network, X: np.ndarray) -> np.ndarray:
    """Packed exact activation patterns at float64 points (Network.activation_patterns(exact=True):
    float signs with an error bound, the doubtful rows exactly)."""
    return np.packbits(net.activation_patterns(X, exact=True), axis=1, bitorder="little")


@dataclass(frozen=True)
class SymmetricCount:
    count: int                  # the exact number of activation regions on R^d
    fundamental_regions: int    # N_D: regions meeting the fundamental domain (a union of chambers)
    group_order: int            # |G|
    orbits: tuple               # the size of every region orbit
    lower: int                  # Lezeau et al. Thm 4.3 bounds: N_D <= count ...
    upper: int                  # ... <= |G| N_D (the fundamental-domain estimate overcounts to this)


def _group(group, n: int) -> list:
    """All elements of the permutation group: "S_n", or the closure of the given permutations."""
    from itertools import permutations
    if isinstance(group, str):
        if group != "S_n":
            raise InputError(f"group must be 'S_n' or a list of permutations of range({n}); got {group!r}")
        if n > 8:
            raise InputError(f"group='S_n' with n = {n} inputs has {n}! elements; at most n = 8")
        return [tuple(p) for p in permutations(range(n))]
    try:
        gens = [tuple(int(v) for v in g) for g in group]
    except (TypeError, ValueError):
        raise InputError("group must be 'S_n' or a list of permutations (sequences of indices)") from None
    for k, g in enumerate(gens):
        if sorted(g) != list(range(n)):
            raise InputError(f"group element {k} is not a permutation of range({n}): {g}", index=k)
    elems, frontier = {tuple(range(n))}, [tuple(range(n))]
    while frontier:
        nxt = []
        for e in frontier:
            for g in gens:
                h = tuple(e[g[i]] for i in range(n))
                if h not in elems:
                    elems.add(h)
                    nxt.append(h)
        frontier = nxt
        if len(elems) > 40320:
            raise InputError("the group has more than 8! elements")
    return sorted(elems)


def symmetric_count(net, group="S_n", *, kind: str = "activation", threads: Optional[int] = None,
                    max_seconds: Optional[float] = None) -> SymmetricCount:
    """The exact number of activation regions of a net whose regions a permutation group G of the
    inputs maps to regions (DeepSets-style equivariant hidden layers; a permutation s acts as
    x -> x[s]), from the regions meeting a fundamental domain only: the chamber {x_1 >= ... >= x_n}
    for S_n (for a subgroup, one chamber per G-orbit of chambers), each region's orbit read from the
    exact patterns at the permuted interior points, orbits counted once.  Beside it the bounds
    ``N_D <= count <= |G| N_D`` (Lezeau et al. 2024, Thm 4.3).  InputError when a permuted interior point
    lies on a neuron's zero set (the net's regions are not permuted by G).


    Parameters
    ----------
    net : Network or anything Network.from_any reads
        The network on R^n.
    group : "S_n" or sequence of permutations
        The symmetric group of the inputs, or generators / elements of a subgroup.
    kind : {"activation"}
        Which regions are counted.
    threads : int, optional
        Worker threads of the enumeration.
    max_seconds : float, optional
        Budget (BudgetExceeded, reason "max_seconds").

    Returns
    -------
    SymmetricCount
        The exact count, the fundamental-domain count N_D, the group order and the bounds.
    """
    from .regions import Polytope, regions
    net = _seam.network(net)
    if _seam.choice(kind, "kind", ("activation", "linear")) != "activation":
        raise InputError("symmetric_count counts activation regions (kind='activation')")
    n = net.input_dim
    G = _group(group, n)
    clock = _run.Deadline(max_seconds)
    # chambers C_pi = {x[pi[0]] >= x[pi[1]] >= ...}; G permutes them: keep one per orbit
    chambers, seen = [], set()
    from itertools import permutations
    for pi in permutations(range(n)):
        if pi in seen:
            continue
        chambers.append(pi)
        q = np.empty(n)
        q[list(pi)] = np.arange(n, 0, -1)
        for g in G:
            seen.add(tuple(int(v) for v in np.argsort(-q[list(g)], kind="stable")))
    orbits, members, nd = {}, set(), 0
    for pi in chambers:
        A = np.zeros((max(n - 1, 0), n))
        for j in range(n - 1):
            A[j, pi[j + 1]], A[j, pi[j]] = 1.0, -1.0
        rs = regions(net, Polytope(A, np.zeros(n - 1), bounded=False) if n > 1 else None,
                     threads=threads, max_seconds=clock.left(None, "symmetric_count"), progress=False)
        P = rs.interior_points(exact=True)
        for p, bits in zip(P, rs.packed_patterns):
            key = bytes(bits)
            if key in members:
                continue
            nd += 1
            images = np.array([p[list(g)] for g in G], dtype=object)
            S = net.exact_signs(images)
            if np.any(S == 0):
                raise InputError("a permuted interior point lies on a neuron's zero set: the group does not "
                                 "permute this net's activation regions")
            orbit = frozenset(bytes(r) for r in np.packbits(S > 0, axis=1, bitorder="little"))
            orbits[orbit] = len(orbit)
            members |= orbit
    sizes = tuple(sorted(orbits.values(), reverse=True))
    return SymmetricCount(sum(sizes), nd, len(G), sizes, nd, len(G) * nd)
