"""Deep nets on R^d, d = 6..12 (issue 11, deliverable 3): the R^d search proves most signs with no exact
arithmetic (face optima in intervals on their structural support, proofs shared by cells with the same
earlier-layer pattern).  Oracles: counts and pattern sets stored from the engine before those changes
(1089442), the search in x against the search in y = W1 x (FirstLayerBasis), one thread against two,
exact forward passes at every interior point, and degenerate variants whose count is known to equal the
base net's (duplicate, dead, identically zero neurons with zero output weights; W1 times 2^996, W2 times 2^-996)."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

import tropgeom as tg
from tropgeom import _core

from nets import deep_random, zero_bias_net

# (d, widths, seed) -> count, sha1 of the packed sorted patterns: from the engine at 1089442.
STORED = {
    (6, (8, 8), 1): (12670, "9e144945aa2a"),
    (10, (6, 6, 6), 3): (4863, "74e04b1a9002"),
    (12, (6, 6), 4): (1203, "a9f086b1272d"),
    (7, (5, 5, 5, 5), 5): (2228, "27b324740a64"),
}


def pattern_hash(rs) -> str:
    return hashlib.sha1(np.packbits(rs.patterns, axis=1).tobytes()).hexdigest()[:12]


def core_count(net, *, reduce_domain=True, threads=1) -> int:
    d = net.input_dim
    r = _core.enumerate_regions(net.core, A=np.zeros((0, d)), b=np.zeros(0), threads=threads,
                                keep_geometry=False, reduce_domain=reduce_domain)
    assert r.complete
    return r.count


@pytest.mark.parametrize("key", sorted(STORED))
def test_deep_counts_and_patterns_equal_the_previous_engine(key):
    d, widths, seed = key
    rs = tg.regions(deep_random(d, widths, seed), threads=1, progress=False)
    assert (len(rs), pattern_hash(rs)) == STORED[key]


def test_deep_counts_stored_d8_and_zero_bias():
    assert tg.count_regions(deep_random(8, (8, 8), 2), threads=1, progress=False) == 15327
    # zero biases: every cell a cone at the origin, rank-deficient deeper rows, ties everywhere
    assert tg.count_regions(zero_bias_net(6, (8, 8), 3), threads=1, progress=False) == 4727


@pytest.mark.parametrize("d,widths,seed", [(8, (8, 8), 2), (10, (8, 6), 6), (12, (8, 8), 7), (9, (6, 6, 6), 8)])
def test_search_in_x_equals_search_in_y(d, widths, seed):
    """n1 <= d: the default search runs in y = W1 x (structural zeros, interval face proofs); with
    reduce_domain=False it runs in x (dense rows, exact face certificates).  Two methods, one count."""
    net = deep_random(d, widths, seed)
    n = core_count(net)
    assert n == core_count(net, reduce_domain=False) == core_count(net, threads=2)


def test_every_interior_point_has_its_pattern_exactly():
    net = deep_random(7, (5, 5, 5, 5), 5)
    rs = tg.regions(net, threads=1, progress=False)
    X = rs.interior_points(exact=True)
    assert np.array_equal(net.activation_patterns(X, exact=True), rs.patterns)
    assert len({bytes(p) for p in rs.packed_patterns}) == len(rs)  # distinct


def _variant(net, kind):
    """A degenerate variant of net with the same activation count: a neuron added whose sign is decided
    by the others (or constant) and whose output weights are zero, or the first layer scaled."""
    W = [np.array(w, dtype=float) for w in net.weights]
    b = [np.array(v, dtype=float) for v in net.biases]
    if kind == "scaled":  # W1, b1 times 2^996 and W2 times 2^-996: the same pre-activations from layer 2 on
        W[0], b[0], W[1] = W[0] * 2.0 ** 996, b[0] * 2.0 ** 996, W[1] * 2.0 ** -996
        return tg.Network(list(zip(W, b)))
    l, row, bias = 0, None, 0.0
    if kind == "parallel":  # 2x neuron 0: the same hyperplane, the same sign everywhere
        row, bias = 2.0 * W[0][0], 2.0 * b[0][0]
    elif kind == "dead":  # never active
        row, bias = np.zeros(W[0].shape[1]), -1.0
    elif kind == "zero_on_cells":
        # a second-layer neuron 1.5 relu(u_0): identically zero on every cell where neuron 0 is off,
        # 1.5 u_0 > 0 where it is on, so its sign follows neuron 0
        l, row = 1, np.zeros(W[1].shape[1])
        row[0] = 1.5
    W[l], b[l] = np.vstack([W[l], row]), np.append(b[l], bias)
    W[l + 1] = np.hstack([W[l + 1], np.zeros((W[l + 1].shape[0], 1))])
    return tg.Network(list(zip(W, b)))


@pytest.mark.parametrize("kind", ["parallel", "dead", "zero_on_cells"])
@pytest.mark.parametrize("key", [(12, (6, 6), 4), (7, (5, 5, 5, 5), 5)])
def test_degenerate_deep_nets(kind, key):
    d, widths, seed = key
    net = _variant(deep_random(d, widths, seed), kind)
    assert tg.count_regions(net, threads=1, progress=False) == STORED[key][0]
    assert core_count(net, reduce_domain=False) == STORED[key][0]


def test_extreme_first_layer_scale():
    """1e300-sized first-layer weights, 1e-300-sized second-layer ones: decided exactly, same count."""
    key = (12, (6, 6), 4)
    net = _variant(deep_random(key[0], key[1], key[2]), "scaled")
    assert tg.count_regions(net, threads=1, progress=False) == STORED[key][0]
