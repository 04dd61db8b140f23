"""Property tests (hypothesis) over random small nets with degenerate weights.

Weights and biases are drawn from {-1, -1/2, 0, 1/2, 1}, so zero rows, duplicate and parallel neurons,
dead neurons and concurrent hyperplanes are common.  Each property is checked against an independent
oracle: the exact forward pass, exact signs at a point, the box volume, the tropical map, or a
second run with another thread count.  Bounded to well under a minute in total.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tropgeom
from tropgeom.tropical import linear_regions, tropicalize

VALUES = [-1.0, -0.5, 0.0, 0.5, 1.0]
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def nets(draw, max_dim=3, max_width=4, max_hidden_layers=2):
    d = draw(st.integers(1, max_dim))
    widths = draw(st.lists(st.integers(1, max_width), min_size=1, max_size=max_hidden_layers))
    out = draw(st.integers(1, 2))
    sizes = [d] + widths + [out]
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        W = draw(st.lists(st.sampled_from(VALUES), min_size=n_in * n_out, max_size=n_in * n_out))
        b = draw(st.lists(st.sampled_from(VALUES), min_size=n_out, max_size=n_out))
        layers.append((np.reshape(W, (n_out, n_in)), np.array(b)))
    return tropgeom.Network(layers)


def box(d):
    return tropgeom.Box([-2.0] * d, [2.0] * d)


def bits(rs):
    return rs.patterns


@SETTINGS
@given(nets())
def test_count_equals_regions_and_threads_agree(net):
    dom = box(net.input_dim)
    one = tropgeom.regions(net, dom, threads=1)
    two = tropgeom.regions(net, dom, threads=2)
    assert tropgeom.count_regions(net, dom, threads=2) == len(one) == len(two)
    key = lambda rs: sorted(map(bytes, np.packbits(bits(rs), axis=1)))
    assert key(one) == key(two)


@SETTINGS
@given(nets())
def test_volumes_tile_the_box(net):
    d = net.input_dim
    rs = tropgeom.regions(net, box(d))
    vols = rs.volumes(exact=True)
    assert all(v > 0 for v in vols)
    assert sum(vols, Fraction(0)) == Fraction(4) ** d


@SETTINGS
@given(nets())
def test_interior_points_have_the_region_pattern_and_map(net):
    rs = tropgeom.regions(net, box(net.input_dim))
    P = rs.interior_points(exact=True)
    signs = net.exact_signs(P)
    # "zero is inactive": a neuron identically zero on the cell has sign 0 at every point of it
    assert np.array_equal(signs > 0, bits(rs))
    F = net.forward(P, exact=True)
    for i in range(len(rs)):
        A, b = rs.halfspaces(i, exact=True)
        x = P[i]
        assert all(sum(a * v for a, v in zip(row, x)) < bi for row, bi in zip(A, b))  # strictly inside
        J, c = rs.affine_map(i, exact=True)
        assert [sum(a * v for a, v in zip(row, x)) + ci for row, ci in zip(J, c)] == list(F[i])


@SETTINGS
@given(nets())
def test_adjacency_pairs_flip_neurons(net):
    d = net.input_dim
    rs = tropgeom.regions(net, box(d))
    pairs = rs.adjacency()
    B = bits(rs)
    seen = set()
    for i, j, flipped in pairs:
        assert i < j and (i, j) not in seen
        seen.add((i, j))
        assert list(flipped) == list(np.flatnonzero(B[i] != B[j])) and len(flipped) >= 1
    if d == 1:  # intervals tiling [-2, 2]: consecutive ones touch, nothing else does
        lo = [max(b / row[0] for row, b in zip(*rs.halfspaces(i, exact=True)) if row[0] < 0) for i in range(len(rs))]
        order = np.argsort(lo)
        assert seen == {tuple(sorted((int(order[k]), int(order[k + 1])))) for k in range(len(rs) - 1)}


@SETTINGS
@given(nets(max_dim=2, max_width=3), st.lists(st.fractions(-3, 3, max_denominator=7), min_size=2, max_size=2))
def test_tropical_map_is_the_forward_pass(net, point):
    x = point[: net.input_dim]
    y = net.forward(np.array([x], dtype=object), exact=True)[0]
    for k, trop in enumerate(tropicalize(net)):
        assert trop.evaluate(x, exact=True) == y[k]


@SETTINGS
@given(nets(max_dim=2, max_width=3))
def test_linear_regions_two_methods(net):
    if net.output_dim != 1:
        net = tropgeom.Network([(W, b) for W, b in net.layers[:-1]] + [(net.layers[-1][0][:1], net.layers[-1][1][:1])])
    assert tropgeom.regions(net, kind="linear").count == linear_regions(tropicalize(net)[0])
