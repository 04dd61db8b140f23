"""Sampling and regions (Lezeau et al. 2024): how large a cube must be for every region to meet it,
how many regions N uniform samples hit, and sampling estimates of the count.

- ``sampling_radius``: the exact smallest R* such that every region meets the closed inf-norm ball of
  radius R around a centre (one exact LP per region: the distance from the centre to the region).
  TropicalNN.jl only bounds it (Hoffman constants).
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

__all__ = ["sampling_radius", "SamplingRadius", "expected_hits", "estimate_regions", "RegionEstimate"]


@dataclass(frozen=True)
class SamplingRadius:
    radius: Fraction            # R*: every region meets the closed ball of radius R iff R >= R*
    region: int                 # a farthest region (index in the RegionSet)
    witness: np.ndarray         # a point of that region at distance R* (Fractions)
    distances: np.ndarray       # the distance of every region (Fractions)


def sampling_radius(net_or_regions, center=0, *, norm: str = "inf", kind: str = "activation",
                    max_seconds: Optional[float] = None) -> SamplingRadius:
    """The exact smallest inf-norm radius R* around ``center`` at which the ball meets every region of
    the net on R^d (a network, or a RegionSet of one).  For kind="linear", a linear region meets the
    ball when one of its activation regions does."""
    from .lp import Polyhedron
    from .regions import RegionSet, regions
    if norm != "inf":
        raise InputError(f"norm={norm!r}: only the inf-norm radius is exact here so far (norm='inf')")
    rs = net_or_regions if isinstance(net_or_regions, RegionSet) else regions(
        _seam.network(net_or_regions), kind=kind, max_seconds=max_seconds)
    d = rs.net.input_dim
    c = _seam.exact_vector(np.broadcast_to(np.asarray(center, dtype=object), (d,)), "center", d)
    cells = rs.activation if rs.kind == "linear" else rs
    dist, wit = [], []
    for i in range(len(cells)):
        A, b = cells.halfspaces(i, exact=True)
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
        return SamplingRadius(dist_lin[far], far, wit[groups[far][best[far]]], dist_lin)
    far = int(max(range(len(dist)), key=lambda i: dist[i]))
    return SamplingRadius(dist[far], far, wit[far], dist)


def expected_hits(rs, N: int, *, exact: bool = False):
    """The expected number of distinct regions of ``rs`` (a RegionSet on a bounded domain) hit by N
    independent uniform samples of the domain, from the exact volumes: a float64 (computed as
    -expm1(N log1p(-p)) per region) or, with ``exact=True``, the exact Fraction (its size grows like N
    times the volumes' bits: for small N)."""
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
    pattern decided exactly: float signs with an error bound, exact signs where it is doubtful)."""
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
