"""The gallery of canonical networks, each with its known region count(s).

Every function returns a :class:`tropgeom.Network` (ReLU after every layer but the last) built from
float64 weights, so the exact core sees exactly the dyadic rationals written here.  Counts are
*activation* regions (full-dimensional sets of inputs with one pattern of hidden signs; a neuron
whose pre-activation is identically zero on a cell counts as inactive there) unless a docstring says
*linear* regions (maximal connected sets on which the network is one affine map).

Notation: ``zaslavsky(d, n) = sum_{j=0..d} C(n, j)``, the number of regions of ``n`` affine
hyperplanes in general position in ``R^d``.
"""
from __future__ import annotations

from math import comb
from typing import Sequence

import numpy as np

import tropgeom

__all__ = [
    "zaslavsky", "one_layer", "independent_rows", "concurrent_lines", "parallel_lines",
    "duplicate_neurons", "dead_neuron_net", "zero_neuron_net", "sawtooth", "sawtooth_count",
    "deep_random", "zero_bias_net", "box_lines", "zero_output_net", "arrangement_net",
]


def zaslavsky(d: int, n: int) -> int:
    """sum_{j=0..d} C(n, j): regions of n hyperplanes in general position in R^d."""
    return sum(comb(n, j) for j in range(d + 1))


def _he(rng, n_out, n_in):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


def one_layer(d: int, n: int, seed: int, out: int = 1, out_weights=None) -> tropgeom.Network:
    """One He-initialised hidden layer (W ~ N(0, 2/d), b ~ N(0, 0.1^2)) and a linear output layer.

    The n hyperplanes are in general position with probability 1, so over R^d the activation count is
    ``zaslavsky(d, n) = sum_{j<=d} C(n, j)`` (2^n when n <= d), of which ``C(n-1, d)`` are bounded;
    the arrangement has ``n * zaslavsky(d-1, n-1)`` facets (pairs of adjacent regions).

    ``out_weights`` (shape (out, n)) replaces the random output weights.  The linear-region count of a
    one-hidden-layer net equals the activation count of the sub-arrangement of the neurons whose
    output column is not all zero (crossing hyperplane i changes the affine map by
    ``+- W2[:, i] w_i^T``, which vanishes iff ``W2[:, i] = 0``): ``zaslavsky(d, #nonzero columns)``.
    """
    rng = np.random.default_rng(seed)
    W1 = _he(rng, n, d)
    b1 = rng.normal(0.0, 0.1, size=n)
    W2 = _he(rng, out, n) if out_weights is None else np.asarray(out_weights, dtype=np.float64).reshape(out, n)
    b2 = rng.normal(0.0, 0.1, size=out)
    return tropgeom.Network([(W1, b1), (W2, b2)])


def independent_rows(n: int, d: int, seed: int = 0) -> tropgeom.Network:
    """n <= d linearly independent hidden neurons in R^d: every one of the 2^n patterns is a region.

    W1 = [I_n | 0] plus a random strictly upper-triangular part (independent rows), random biases.
    Count over R^d: 2^n (all regions unbounded).
    """
    assert n <= d
    rng = np.random.default_rng(seed)
    W1 = np.zeros((n, d))
    W1[:, :n] = np.eye(n) + np.triu(rng.normal(size=(n, n)), 1)
    W1[:, n:] = rng.normal(size=(n, d - n))
    b1 = rng.normal(size=n)
    return tropgeom.Network([(W1, b1), (rng.normal(size=(1, n)), np.zeros(1))])


def concurrent_lines(k: int) -> tropgeom.Network:
    """k >= 1 distinct lines through the origin of R^2 (normals (1, i), i = 0..k-1; zero biases).

    A central arrangement of k distinct lines in the plane has 2k regions (|chi(-1)| with
    chi(t) = t^2 - k t + (k - 1)); all unbounded.  Every stored interior point of a cell that
    contains the origin in its closure may lie on the next line: the hard case for witness shortcuts.
    """
    W1 = np.array([[1.0, float(i)] for i in range(k)])
    return tropgeom.Network([(W1, np.zeros(k)), (np.ones((1, k)), np.zeros(1))])


def parallel_lines(k: int, d: int = 2) -> tropgeom.Network:
    """k parallel hyperplanes x_1 = i (i = 0..k-1) in R^d: k + 1 regions (slabs), none bounded."""
    W1 = np.zeros((k, d))
    W1[:, 0] = 1.0
    b1 = -np.arange(k, dtype=np.float64)
    return tropgeom.Network([(W1, b1), (np.ones((1, k)), np.zeros(1))])


def duplicate_neurons() -> tropgeom.Network:
    """Six hidden neurons in R^2 on only three distinct lines.

    Neurons: w.x + c, the same again, its negative -(w.x + c) (same line, opposite side active),
    twice it 2(w.x + c) (positive multiple), then x - y + 1/4 and y - 3/10 (0.3 as a float).  The
    three distinct lines x + 2y + 1/2 = 0, x - y + 1/4 = 0, y = 0.3 are in general position (the first
    two meet at y = -1/12), so the count over R^2 is zaslavsky(2, 3) = 7, of which 1 is bounded.
    """
    w, c = np.array([1.0, 2.0]), 0.5
    W1 = np.array([w, w, -w, 2 * w, [1.0, -1.0], [0.0, 1.0]])
    b1 = np.array([c, c, -c, 2 * c, 0.25, -0.3])
    W2 = np.array([[1.0, -0.5, 0.75, 0.25, -1.0, 2.0]])
    return tropgeom.Network([(W1, b1), (W2, np.zeros(1))])


def dead_neuron_net() -> tropgeom.Network:
    """Three generic lines in R^2 plus two dead neurons and a zero output weight.

    Hidden neurons: 0: x + 2y + 1/2, 1: x - y + 1/4, 2: y - 0.3 (general position), 3: 0.x - 1
    (always off), 4: 0.x + 1 (always on).  Output weights (1, -2, 0, 5, 3): neuron 2 has output
    weight 0, neuron 3 a non-zero weight that never matters, neuron 4 a constant contribution.

    Activation regions over R^2: 7 (= zaslavsky(2, 3); the dead neurons add nothing), every pattern
    has bit 3 = 0 and bit 4 = 1.  Linear regions over R^2: 4, the regions of the two lines with
    non-zero output weight (crossing line 2 leaves the affine map unchanged).
    """
    W1 = np.array([[1.0, 2.0], [1.0, -1.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    b1 = np.array([0.5, 0.25, -0.3, -1.0, 1.0])
    W2 = np.array([[1.0, -2.0, 0.0, 5.0, 3.0]])
    return tropgeom.Network([(W1, b1), (W2, np.array([0.5]))])


def zero_neuron_net() -> tropgeom.Network:
    """Three generic lines in R^2 plus a neuron with zero weights and zero bias (identically 0).

    The identically-zero neuron (index 1) splits nothing and is inactive everywhere: 7 activation
    regions over R^2, every pattern has bit 1 = 0, and the exact sign of neuron 1 is 0 everywhere.
    """
    W1 = np.array([[1.0, 2.0], [0.0, 0.0], [1.0, -1.0], [0.0, 1.0]])
    b1 = np.array([0.5, 0.0, 0.25, -0.3])
    return tropgeom.Network([(W1, b1), (np.array([[1.0, 1.0, -1.0, 2.0]]), np.zeros(1))])


def sawtooth(k: int) -> tropgeom.Network:
    """Telgarsky's sawtooth t^k on R: k hidden layers of the tent map t(x) = 2 relu(x) - 4 relu(x - 1/2).

    Layer 1: h = relu((x, x) + (0, -1/2)); layers 2..k: h = relu((z, z) + (0, -1/2)) with
    z = 2 h_1 - 4 h_2 of the previous layer; the output layer is z = 2 h_1 - 4 h_2.

    On R this t is 0 for x <= 0, 2x on [0, 1/2], 2 - 2x for x >= 1/2 (so t < 0 for x > 1).
    On [0, 1], t^k has 2^k pieces (slopes +-2^k, breakpoints at the multiples of 2^-k), so the domain
    [0, 1] has 2^k linear and 2^k activation regions.
    On R: t^k = 0 for x <= 0.  For k = 1 the piece 2 - 2x continues past x = 1: 3 regions
    (x < 0, (0, 1/2), x > 1/2), activation and linear.  For k >= 2, x > 1 gives t(x) < 0 so
    t^k(x) = t^{k-1}(t(x)) = 0 there: a piece of its own (the two zero pieces are not connected, and
    next to x = 1 the slope is -2^k), so 2^k + 2 linear regions.  The activation breakpoints are x = 0,
    x = 1 (the layer-2 neuron relu(t(x)) changes sign) and the odd multiples of 2^-j in (0, 1) for
    layers j = 1..k (where t^{j-1} crosses 1/2), i.e. all 2^k - 1 interior multiples of 2^-k: again
    2^k + 2 activation regions.  (The interior zeros of t^{j-1} only touch 0 and split nothing.)
    See :func:`sawtooth_count`.
    """
    layers = [(np.array([[1.0], [1.0]]), np.array([0.0, -0.5]))]
    for _ in range(k - 1):
        layers.append((np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])))
    layers.append((np.array([[2.0, -4.0]]), np.array([0.0])))
    return tropgeom.Network(layers)


def sawtooth_count(k: int, domain: str = "R") -> int:
    """Activation = linear region count of :func:`sawtooth` (k) on "R" or on "[0,1]"."""
    if domain == "[0,1]":
        return 2 ** k
    return 3 if k == 1 else 2 ** k + 2


def deep_random(d: int, widths: Sequence[int], seed: int, out: int = 1) -> tropgeom.Network:
    """He-initialised deep net d -> widths... -> out (W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2)).

    No closed form; generic (no ties with probability 1), so every region's interior point has no zero
    pre-activation and adjacent regions differ in exactly one neuron.  Count <= bounds().upper.
    """
    rng = np.random.default_rng(seed)
    dims = [d, *widths, out]
    layers = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        layers.append((_he(rng, n_out, n_in), rng.normal(0.0, 0.1, size=n_out)))
    return tropgeom.Network(layers)


def zero_bias_net(d: int, widths: Sequence[int], seed: int, out: int = 1) -> tropgeom.Network:
    """He-initialised deep net with every bias zero: every region is a cone at the origin.

    The origin lies on every hyperplane, and cells whose first-layer neurons are mostly off give
    rank-deficient (often identically zero) deeper pre-activations: ties are real.  With one hidden
    layer of n generic rows the count over R^d is that of a generic central arrangement,
    2 sum_{j=0..d-1} C(n-1, j) (= 2n for d = 2; 2^n for n <= d).  Deeper: checked by brute force.
    """
    rng = np.random.default_rng(seed)
    dims = [d, *widths, out]
    layers = [(_he(rng, n_out, n_in), np.zeros(n_out)) for n_in, n_out in zip(dims[:-1], dims[1:])]
    return tropgeom.Network(layers)


def box_lines(n: int, seed: int, lo: float = -1.0, hi: float = 1.0) -> tropgeom.Network:
    """n random lines in R^2, for the box K = [lo, hi]^2 (default [-1, 1]^2).

    Normals w ~ N(0, I), offsets b = -w.c + s (hi - lo)/2 |w|_1 with c the centre and s ~ U(-1.5, 1.5):
    a line meets int K iff |s| < 1, so about a third of the lines miss K.
    General position with probability 1, hence the count on K is
    1 + #(lines meeting int K) + #(intersection points in int K); the test computes both exactly.
    """
    rng = np.random.default_rng(seed)
    W1 = rng.normal(size=(n, 2))
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    # |W c + b| < half |W|_1 iff the line meets the open box: it does iff |s| < 1 (about 2/3 of them)
    s = rng.uniform(-1.5, 1.5, size=n)
    b1 = -(W1 @ np.array([centre, centre])) + s * half * np.abs(W1).sum(axis=1)
    return tropgeom.Network([(W1, b1), (rng.normal(size=(1, n)), np.zeros(1))])


def zero_output_net(d: int, n: int, seed: int) -> tropgeom.Network:
    """A one-hidden-layer net whose output weights are all zero: the map is constant.

    Activation regions over R^d: zaslavsky(d, n); linear regions: exactly 1.
    """
    return one_layer(d, n, seed, out_weights=np.zeros((1, n)))


def arrangement_net(W, b) -> tropgeom.Network:
    """One hidden layer with the given rows (the hyperplanes W x + b = 0) and output weights 1."""
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return tropgeom.Network([(W, b), (np.ones((1, W.shape[0])), np.zeros(1))])
