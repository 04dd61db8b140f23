"""One square invertible ReLU layer as a cone projection (Vallin-Larsson-Larson 2023, DESIGN §5.5).

For y = A x + b with A invertible: the apex p = -A^{-1} b, the edges v_i = A^{-1} e_i, and the 2^d
sectors p + {sum t_i v_i : sign pattern of t} are the activation regions.  relu(A x + b) = A pi(x) + b
with pi(x) = x - sum_{i inactive} y_i v_i, the projection onto the cone p + cone{v_i} along the
inactive edges.  With an output h = w . relu(A x + b) + c, all w_i != 0 and c != 0, the boundary
class is k = #{i : sign w_i != sign c}: the affine map T x = P D (A x + b) (D = diag |w_i| / |c|, P
putting those k coordinates first) gives h = c * g_k(T x), g_k(z) = 1 - sum_{i<k} relu(z_i) +
sum_{i>=k} relu(z_i), so there are only d + 1 boundaries modulo affine maps, and {h = 0} has
2^d - 2^(d-k) pieces.  Everything is exact (Fractions).
"""
from __future__ import annotations

import json
from fractions import Fraction
from typing import Optional

import numpy as np

from . import _seam
from .errors import InputError
from .network import Network

__all__ = ["one_layer", "OneLayer"]


def _inverse(A: np.ndarray) -> Optional[np.ndarray]:
    """Exact inverse (Fractions); None when singular."""
    X = _seam.solve_exact(A, [[int(i == j) for j in range(len(A))] for i in range(len(A))])
    return None if X is None else np.array(X, dtype=object)


class OneLayer:
    """The cone structure of a net with one square invertible hidden layer (see the module docstring).

    ``apex``, ``edges`` (row i is v_i = A^{-1} e_i) and the maps follow the one ``exact=`` rule as
    methods: ``apex(exact=)``, ``edges(exact=)``; ``sector(X)`` and ``project(X, exact=)`` take one
    point or rows.  For output ``output``: ``output_weights`` w, ``output_bias`` c, ``degenerate``
    (None, "zero output weights" or "zero output bias"), ``boundary_class`` k, ``expected_pieces``
    2^d - 2^(d-k), ``normalizing_map(exact=)`` (M, m) with T x = M x + m and h(x) = c g_k(T x).


    Parameters
    ----------
    net : Network
        A net d -> d (ReLU) -> outputs with an invertible hidden matrix.
    output : int
        The output whose boundary class is reported.
    """

    def __init__(self, net: Network, output: int = 0):
        self.net, self.output = net, output
        (A, b), (W2, b2) = net.exact_layers
        self._A, self._b = A, b
        self._Ainv = _inverse(A)
        self._apex = -(self._Ainv @ b)
        self._w, self._c = W2[output], b2[output]

    @property
    def dim(self) -> int:
        return self.net.input_dim

    def apex(self, *, exact: bool = False) -> np.ndarray:
        """p = -A^{-1} b, where every neuron's zero set meets (float64, or Fractions)."""
        return self._apex.copy() if exact else _seam.floats(self._apex)

    def edges(self, *, exact: bool = False) -> np.ndarray:
        """(d, d): row i is the cone edge v_i = A^{-1} e_i (float64, or Fractions)."""
        E = np.ascontiguousarray(self._Ainv.T)
        return E if exact else _seam.floats(E)

    def _points(self, X):
        X = np.asarray(X, dtype=object)
        one = X.ndim == 1
        X = _seam.exact_matrix(X.reshape(1, -1) if one else X, "X", cols=self.dim)
        return X, one

    def sector(self, X) -> np.ndarray:
        """The sector of each point: the sign pattern of A x + b > 0 (bool), i.e. its activation pattern."""
        X, one = self._points(X)
        S = np.array([[v > 0 for v in self._A @ x + self._b] for x in X], dtype=bool)
        return S[0] if one else S

    def project(self, X, *, exact: bool = False) -> np.ndarray:
        """pi(x) = x - sum_{i inactive} y_i v_i: the projection onto the cone p + cone{v_i}, with
        A pi(x) + b = relu(A x + b) exactly and pi(pi(x)) = pi(x)."""
        X, one = self._points(X)
        E = self.edges(exact=True)
        out = []
        for x in X:
            y = self._A @ x + self._b
            out.append(x - sum((y[i] * E[i] for i in range(self.dim) if not y[i] > 0), np.zeros(self.dim, dtype=object)))
        P = np.array(out, dtype=object).reshape(len(X), self.dim)
        P = P if exact else _seam.floats(P)
        return P[0] if one else P

    # --- the output and its boundary class ----------------------------------------------------------
    @property
    def output_weights(self) -> np.ndarray:
        return self._w.copy()

    @property
    def output_bias(self) -> Fraction:
        return self._c

    @property
    def degenerate(self) -> Optional[str]:
        """None for the generic case; "zero output weights" (some w_i = 0: the boundary is a cylinder
        over a lower-dimensional class) or "zero output bias" (c = 0: h = 0 on the sector where every
        neuron with w_i of one sign is off, a zero set with interior)."""
        if any(v == 0 for v in self._w):
            return "zero output weights"
        if self._c == 0:
            return "zero output bias"
        return None

    def _generic(self, what):
        if self.degenerate:
            raise InputError(f"{what} needs every output weight and the output bias non-zero ({self.degenerate})")

    @property
    def boundary_class(self) -> int:
        """k = #{i : sign w_i != sign c}."""
        self._generic("boundary_class")
        return sum(1 for v in self._w if (v > 0) != (self._c > 0))

    @property
    def expected_pieces(self) -> int:
        """2^d - 2^(d-k): the pieces of {h = 0} (one per activation region it crosses)."""
        return 2 ** self.dim - 2 ** (self.dim - self.boundary_class)

    def normalizing_map(self, *, exact: bool = False):
        """(M, m): T x = M x + m = P D (A x + b), with h(x) = c * g_k(T x) (see the module docstring)."""
        self._generic("normalizing_map")
        opposite = [(v > 0) != (self._c > 0) for v in self._w]
        order = [i for i in range(self.dim) if opposite[i]] + [i for i in range(self.dim) if not opposite[i]]
        D = np.array([abs(v) / abs(self._c) for v in self._w], dtype=object)
        M = np.array([D[i] * self._A[i] for i in order], dtype=object)
        m = np.array([D[i] * self._b[i] for i in order], dtype=object)
        return (M, m) if exact else (_seam.floats(M), _seam.floats(m))

    def normal_form(self, Z, *, exact: bool = False):
        """g_k(z) = 1 - sum_{i<k} relu(z_i) + sum_{i>=k} relu(z_i) at one point or rows (exact inside)."""
        k = self.boundary_class
        Z, one = self._points(Z)
        g = np.array([1 - sum(max(v, 0) for v in z[:k]) + sum(max(v, 0) for v in z[k:]) for z in Z], dtype=object)
        g = g if exact else _seam.floats(g)
        return g[0] if one else g

    # --- plain data --------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"schema_version": _seam.SCHEMA_VERSION, "type": "OneLayer", "network": self.net.to_dict(),
                "output": self.output, "apex": [str(v) for v in self._apex], "degenerate": self.degenerate}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "OneLayer":
        doc = _seam.json_doc(text, "OneLayer", "OneLayer")
        return one_layer(Network.from_dict(_seam.field(doc, "network", "OneLayer")),
                         output=_seam.field(doc, "output", "OneLayer"))

    def __reduce__(self):
        return (_rebuild, (self.net, self.output))

    def __eq__(self, other) -> bool:
        if not isinstance(other, OneLayer):
            return NotImplemented
        return self.net == other.net and self.output == other.output

    __hash__ = None

    def __repr__(self) -> str:
        k = "" if self.degenerate else f", boundary class k={self.boundary_class}"
        deg = f", {self.degenerate}" if self.degenerate else ""
        return f"OneLayer(d={self.dim}{k}{deg})"


def _rebuild(net, output):
    return one_layer(net, output=output)


def one_layer(net, *, output: int = 0) -> OneLayer:
    """The cone structure (Vallin-Larsson-Larson) of a net with one square invertible hidden layer;
    ``output`` picks the output whose boundary class is reported.  InputError when the net is not
    d -> d (ReLU) -> outputs or its hidden matrix is singular.


    Parameters
    ----------
    net : Network or anything Network.from_any reads
        A net d -> d (ReLU) -> outputs with an invertible hidden matrix.
    output : int
        The output whose boundary class is reported.

    Returns
    -------
    OneLayer
        Apex, cone edges, sector/project maps, boundary class and normalising map.
    """
    net = _seam.relu_only(_seam.network(net), "one_layer")
    if len(net.weights) != 2 or tuple(net.relu) != (True, False):
        raise InputError(f"one_layer needs one ReLU hidden layer and a linear output; got architecture "
                         f"{net.architecture} (relu {tuple(net.relu)})")
    d, n = net.input_dim, net.architecture[1]
    if n != d:
        raise InputError(f"one_layer needs a square hidden layer (d = {d} inputs, {n} neurons)", layer=1)
    if _inverse(net.exact_layers[0][0]) is None:
        raise InputError("one_layer needs an invertible hidden matrix; layer 1's is singular (exactly)", layer=1)
    if isinstance(output, bool) or not isinstance(output, (int, np.integer)) or not 0 <= output < net.output_dim:
        raise InputError(f"output must be an output index in 0..{net.output_dim - 1}; got {output!r}", index=output)
    return OneLayer(net, int(output))
