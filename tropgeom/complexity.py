"""Local complexity (Humayun-Balestriero-Baraniuk): how many neurons' zero sets, per layer, meet a
small neighbourhood of each data point, the cross-polytope conv(x +- r v_p) of P directions v_p.

Three methods:

- ``"vertices"``: the paper's measure, float64 and vectorised (10^4 points on a 784-input MLP in
  seconds).  A neuron counts at x when its sign is not the same at all 2P vertices x +- r v_p (sign 0
  is a sign of its own), per layer, the output layer included.  It is exact at layer 1 for the
  closed cross-polytope; deeper it is a lower bound on the neurons whose zero set meets it.
- ``"neurons"``: exactly, per layer, the neurons whose zero set meets the closed cross-polytope.
  Layer 1 by the closed form |a.x + b| <= r max_p |a.v_p| (with a.v_p not all 0; else a.x + b = 0),
  deeper layers through the exact regions of the network restricted to the cross-polytope.
- ``"regions"``: the exact number of activation regions meeting the open cross-polytope.
"""
from __future__ import annotations

import json
from fractions import Fraction
from typing import Optional

import numpy as np

from . import _seam
from .errors import InputError
from .network import Network

__all__ = ["local_complexity", "log_local_complexity"]


def _directions(directions, d: int, seed: int) -> np.ndarray:
    if directions is None:
        directions = min(d, 16)
    if isinstance(directions, (int, np.integer)) and not isinstance(directions, (bool, np.bool_)):
        P = _seam.positive_int(int(directions), "directions")
        if P > d:
            raise InputError(f"directions: at most d = {d} orthonormal directions; got {P}")
        q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, P)))
        return np.ascontiguousarray(q.T)
    V = np.asarray(directions, dtype=np.float64)
    if V.ndim != 2 or V.shape[1] != d or len(V) == 0:
        raise InputError(f"directions must be a count or a (P, {d}) array; got shape {V.shape}")
    if not np.all(np.isfinite(V)) or np.any(~V.any(axis=1)):
        bad = int(np.flatnonzero(~(np.isfinite(V).all(axis=1) & V.any(axis=1)))[0])
        raise InputError(f"directions row {bad} is zero or not finite", index=bad)
    return V


def local_complexity(net: Network, X, r, *, directions=None, seed: int = 0, method: str = "vertices",
                     batch: int = 2048) -> np.ndarray:
    """(N, L) int: per data point (rows of X) and per layer (the output layer included), the local
    complexity at radius r (see the module docstring for the three methods).  ``directions``: a count
    P (P orthonormal directions drawn with ``seed``; default min(d, 16)) or a (P, d) array.
    For ``method="regions"`` the result is (N,): regions, not per layer.

    Parameters
    ----------
    net : Network
        The network.
    X : (N, d) array_like
        The data points.
    r : number
        The radius.
    directions : int or (P, d) array_like, optional
        The directions v_p, or how many to draw.
    seed : int
        Seed for drawn directions.
    method : {"vertices", "neurons", "regions"}
        Which measure (see the module docstring).
    batch : int
        Points per vectorised batch.

    Returns
    -------
    numpy.ndarray
        (N, L) int per layer, or (N,) for ``method="regions"``.
    """
    net = _seam.relu_only(_seam.network(net), "local_complexity")
    if method not in ("vertices", "neurons", "regions"):
        raise InputError(f"method must be 'vertices', 'neurons' or 'regions'; got {method!r}")
    X, _ = _seam.points(X, net.input_dim)
    X = np.asarray(X, dtype=np.float64)
    if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, float, Fraction, np.integer, np.floating)) \
            or not (np.isfinite(float(r)) and float(r) > 0):
        raise InputError(f"r must be a positive finite radius; got {r!r}")
    r = float(r)
    V = _directions(directions, net.input_dim, seed)
    _seam.positive_int(batch, "batch")
    if method == "vertices":
        return _paper(net, X, r, V, batch)
    if method == "neurons":
        return np.array([_neurons_exact(net, x, r, V) for x in X], dtype=np.int64)
    return np.array([_regions_exact(net, x, r, V) for x in X], dtype=np.int64)


def _paper(net, X, r, V, batch):
    P = len(V)
    offsets = np.concatenate([V, -V]) * r  # (2P, d)
    out = np.zeros((len(X), len(net.weights)), dtype=np.int64)
    Ws = [np.ascontiguousarray(W, dtype=np.float64) for W in net.weights]
    bs = [np.asarray(b, dtype=np.float64) for b in net.biases]
    for s in range(0, len(X), batch):
        B = min(batch, len(X) - s)
        H = None
        for l, (W, b, relu) in enumerate(zip(Ws, bs, net.relu)):
            if H is None:  # layer 1 by linearity: (x + o) W^T + b, never the (B * 2P, d) inputs
                Z = ((X[s:s + B] @ W.T + b)[:, None, :] + (offsets @ W.T)[None]).reshape(B * 2 * P, -1)
            else:
                Z = H @ W.T + b
            S = np.sign(Z).reshape(B, 2 * P, -1)
            out[s:s + B, l] = (S != S[:, :1]).any(axis=1).sum(axis=1)
            H = np.maximum(Z, 0) if relu else Z
    return out


def _restricted(net, x, r, V):
    """The net on the cross-polytope's coordinates t (x + r V^T t, |t|_1 <= 1), exactly, and the
    cross-polytope as a Polytope domain (2^P rows)."""
    from itertools import product
    from .regions import Polytope
    layers = net.exact_layers
    W1, b1 = layers[0]
    Vx = np.array([[Fraction(float(v)) for v in row] for row in V], dtype=object)
    xq = np.array([Fraction(float(v)) for v in x], dtype=object)
    rq = Fraction(r)
    W = np.array([[sum(w * v for w, v in zip(row, Vx[p])) * rq for p in range(len(Vx))] for row in W1], dtype=object)
    c = np.array([bi + sum(w * v for w, v in zip(row, xq)) for row, bi in zip(W1, b1)], dtype=object)
    P = len(V)
    if P > 12:
        raise InputError(f"the exact methods take at most 12 directions (2^P rows); got {P}")
    A = np.array(list(product([-1, 1], repeat=P)), dtype=np.float64)
    return [(W, c)] + list(layers[1:]), Polytope(A, np.ones(len(A)))


def _neurons_exact(net, x, r, V):
    from .lp import Polyhedron
    from .regions import regions
    layers, dom = _restricted(net, x, r, V)
    counts = []
    for l in range(len(layers)):
        # the pre-activations of layer l, on the regions of the layers before it
        sub = Network(layers[:l + 1], relu=list(net.relu[:l]) + [False])
        rs = regions(sub, dom)
        J, c = rs.affine_maps(exact=True)
        meets = np.zeros(J.shape[1], dtype=bool)
        for i in range(len(rs)):
            A, b = rs.halfspaces(i, exact=True)
            poly = Polyhedron(A, b)
            for k in np.flatnonzero(~meets):
                lo = poly.minimize(J[i, k], exact=True).value + c[i, k]
                hi = -poly.minimize(-J[i, k], exact=True).value + c[i, k]
                meets[k] = lo <= 0 <= hi
        counts.append(int(meets.sum()))
    return counts


def _regions_exact(net, x, r, V):
    from .regions import count_regions
    layers, dom = _restricted(net, x, r, V)
    return count_regions(Network(layers, relu=net.relu), dom)


def log_local_complexity(model, X, r, path, *, epoch: int, directions=None, seed: int = 0) -> dict:
    """Append one JSON line {"epoch", "r", "mean", "per_layer"} of the paper's local complexity of a
    torch model (or Network) at the points X to ``path``: call it once per training epoch."""
    net = _seam.network(model)
    lc = local_complexity(net, X, r, directions=directions, seed=seed)
    row = {"schema_version": 1, "epoch": int(epoch), "r": float(r), "mean": float(lc.sum(axis=1).mean()),
           "per_layer": lc.mean(axis=0).tolist()}
    with open(path, "a") as f:
        f.write(json.dumps(row) + "\n")
    return row
