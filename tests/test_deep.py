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
from tropgeom import _core, _seam

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


# --- regions() on nets searched in y = B x: points kept in y, mapped back lazily (issue 11) ------------

def _core_regions(net, *, reduce_domain=True, threads=1):
    d = net.input_dim
    r = _core.enumerate_regions(net.core, A=np.zeros((0, d)), b=np.zeros(0), threads=threads,
                                reduce_domain=reduce_domain)
    assert r.complete
    return r


def _edit(net, first=None, scale=None):
    """net with its first layer's rows edited (first(W1, b1) -> (W1, b1)) and/or layers scaled:
    scale = (s1, s2) multiplies W1, b1 by s1 and W2 by s2 (exactly: powers of two)."""
    W = [np.array(w, dtype=float) for w in net.weights]
    b = [np.array(v, dtype=float) for v in net.biases]
    if first is not None:
        W[0], b[0] = first(W[0].copy(), b[0].copy())
    if scale is not None:
        W[0], b[0], W[1] = W[0] * scale[0], b[0] * scale[0], W[1] * scale[1]
    return tg.Network(list(zip(W, b)))


def _rank(k):  # rows k.. of W1 are powers of two times rows 0..k-1 (with their own biases): rank k
    def f(W, b):
        for i in range(k, len(W)):
            W[i] = W[i % k] * 2.0 ** ((i // k) % 3 - 1)
        return W, b
    return f


def _duplicate(W, b):
    W[-1], b[-1] = W[0], b[0]
    return W, b


def _zero_row(W, b):  # an always-active constant neuron and a dead one
    W[1], b[1] = 0.0, 0.25
    W[2], b[2] = 0.0, -1.0
    return W, b


Y_NETS = {
    "3-3-4": lambda: deep_random(3, (3, 4), 11),
    "4-4-4": lambda: deep_random(4, (4, 4), 12),
    "5-3-3-3": lambda: deep_random(5, (3, 3, 3), 13),
    "6-5-5": lambda: deep_random(6, (5, 5), 14),
    "8-6-4": lambda: deep_random(8, (6, 4), 15),
    "10-6-6": lambda: deep_random(10, (6, 6), 16),
    "12-5-5": lambda: deep_random(12, (5, 5), 17),
    "9-8-5 rank 3": lambda: _edit(deep_random(9, (8, 5), 18), first=_rank(3)),
    "7-9-5 rank 4 (n1 > d)": lambda: _edit(deep_random(7, (9, 5), 19), first=_rank(4)),
    "6-5-4 duplicate": lambda: _edit(deep_random(6, (5, 4), 20), first=_duplicate),
    "6-5-4 zero rows": lambda: _edit(deep_random(6, (5, 4), 21), first=_zero_row),
    "6-5-4 x2^996": lambda: _edit(deep_random(6, (5, 4), 22), scale=(2.0 ** 996, 2.0 ** -996)),
    "6-5-4 x2^-1000": lambda: _edit(deep_random(6, (5, 4), 23), scale=(2.0 ** -1000, 2.0 ** 1000)),
    # P = B_Q^-1 ~ 2^1060 is no double: every point takes the exact P y
    "6-5-4 x2^-1060": lambda: _edit(deep_random(6, (5, 4), 24), scale=(2.0 ** -1060, 1.0)),
    # a neuron identically zero where neuron 0 is off: no strict sign there, the exact P y
    "6-4-4-4 zero on cells": lambda: _variant(deep_random(6, (4, 4, 4), 25), "zero_on_cells"),
}


def _dyadic(X) -> np.ndarray:
    return np.array([all(q.denominator & (q.denominator - 1) == 0 for q in row) for row in X], dtype=bool)


@pytest.mark.parametrize("name", sorted(Y_NETS))
def test_y_search_regions_equal_the_x_search(name):
    """Patterns from the search in y (1 and 2 threads) equal the search in x and the count; every
    interior point, mapped back to x, has its region's pattern under the exact forward pass."""
    net = Y_NETS[name]()
    ry, rx, ry2 = _core_regions(net), _core_regions(net, reduce_domain=False), _core_regions(net, threads=2)
    P = ry.patterns()
    assert np.array_equal(P, rx.patterns()) and np.array_equal(P, ry2.patterns())
    assert ry.count == rx.count == len(P) == tg.count_regions(net, threads=1, progress=False)
    for rs in (tg.regions(net, threads=1, progress=False), tg.regions(net, threads=2, progress=False)):
        assert np.array_equal(rs.patterns, P)
        X = rs.interior_points(exact=True)
        assert X.shape == (len(P), net.input_dim)
        assert np.array_equal(net.activation_patterns(X, exact=True), P)
        F = rs.interior_points()
        assert F.dtype == np.float64 and np.array_equal(F, _seam.floats(X))  # (inf where x = P y is past the doubles)
    dy = _dyadic(ry.points(True))
    if "x2^-1060" in name or "zero on cells" in name:
        assert not dy.all()  # the exact fallback ran (and its points passed above)
    elif " " not in name:
        assert dy.all()  # generic nets: every float x = P y proven in intervals


@pytest.mark.parametrize("name", ["6-5-5", "9-8-5 rank 3", "6-5-4 duplicate", "6-5-4 zero rows",
                                  "6-5-4 x2^996", "6-5-4 x2^-1060", "6-4-4-4 zero on cells"])
def test_y_search_accessors_equal_the_x_search(name):
    """Halfspaces, affine maps, boundedness and adjacency read from the lazily mapped points equal
    those of the search in x (the regions come in one order: sorted by pattern)."""
    net = Y_NETS[name]()
    ry, rx = _core_regions(net), _core_regions(net, reduce_domain=False)
    assert np.array_equal(ry.adjacency()[0], rx.adjacency()[0])  # first: adjacency maps every point back
    hy, hx = ry.halfspace_arrays(True), rx.halfspace_arrays(True)
    for a, b in zip(hy[:4], hx[:4]):
        assert np.array_equal(a, b)
    for a, b in zip(ry.affine_maps(True)[:2], rx.affine_maps(True)[:2]):
        assert np.array_equal(a, b)
    assert np.array_equal(ry.bounded()[0], rx.bounded()[0])


def test_points_mapped_back_one_region_or_all_alike():
    """A region's geometry maps its point alone; the points read after that equal a fresh set's."""
    net = Y_NETS["6-5-4 x2^-1060"]()
    a, b = _core_regions(net), _core_regions(net)
    a.halfspaces(3, True, True)
    a.halfspaces(len(a.patterns()) - 1, True, True)
    assert np.array_equal(a.points(True), b.points(True, threads=2))
    assert np.array_equal(a.points(False), b.points(False))


def test_y_search_resumes_from_its_open_cells():
    """A stopped run in y hands back its open cells in x; resuming them yields the other regions."""
    net = Y_NETS["9-8-5 rank 3"]()
    full = tg.regions(net, threads=1, progress=False)
    with pytest.raises(tg.BudgetExceeded) as ei:
        tg.regions(net, threads=1, progress=False, max_cells=40)
    part, rest = ei.value.partial, tg.regions(net, threads=1, progress=False, cells=ei.value.remaining)
    P = np.vstack([part.patterns, rest.patterns])
    assert len(P) == len(full) and len({bytes(p) for p in P}) == len(full)
    for rs in (part, rest):
        X = rs.interior_points(exact=True)
        assert np.array_equal(net.activation_patterns(X, exact=True), rs.patterns)
