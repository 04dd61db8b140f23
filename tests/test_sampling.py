"""Sampling radius, expected hits and estimates against oracles: breakpoints in 1-D, bias-free nets,
balls just above and below the radius, exact volumes, exact counts."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.lp import Polyhedron
from tropgeom.sampling import estimate_regions, expected_hits, sampling_radius

import nets


def test_one_dimension_is_the_farthest_breakpoint():
    net = nets.one_layer(1, 5, 3)
    W, b = net.exact_layers[0]
    assert sampling_radius(net).radius == max(abs(-bi / w[0]) for w, bi in zip(W, b))


def test_bias_free_nets_need_no_radius():
    rng = np.random.default_rng(0)
    net = tg.Network([(rng.normal(size=(5, 3)), np.zeros(5)), (rng.normal(size=(1, 5)), np.zeros(1))])
    assert sampling_radius(net).radius == 0


def test_radius_is_tight():
    net = nets.deep_random(2, [6, 6], 1)
    R = sampling_radius(net)
    rs = tg.regions(net)
    eps = Fraction(1, 1000)
    for r, every in ((R.radius, True), (R.radius - eps, False)):
        box = np.vstack([np.eye(2), -np.eye(2)]).astype(object)
        hits = []
        for i in range(len(rs)):
            A, b = rs.halfspaces(i, exact=True)
            hits.append(Polyhedron(np.vstack([A, box]), np.concatenate([b, [r] * 4])).is_feasible())
        assert all(hits) == every
    # the witness is in the farthest region, at that distance
    A, b = rs.halfspaces(R.region, exact=True)
    assert all(row @ R.witness <= bi for row, bi in zip(A, b))
    assert max(abs(v) for v in R.witness) == R.radius


def test_expected_hits_from_exact_volumes():
    net = nets.one_layer(1, 3, 0)
    rs = tg.regions(net, tg.Box([-1.0], [1.0]))
    vol = rs.volumes(exact=True)
    p = [v / 2 for v in vol]
    assert expected_hits(rs, 2, exact=True) == sum(1 - (1 - q) ** 2 for q in p)
    assert expected_hits(rs, 2) == pytest.approx(float(expected_hits(rs, 2, exact=True)), rel=1e-12)
    assert expected_hits(rs, 10 ** 9) == pytest.approx(len(rs))


def test_estimate_is_a_lower_bound_and_reaches_the_count():
    net = nets.deep_random(2, [6, 6], 2)
    box = tg.Box([-1.0, -1.0], [1.0, 1.0])
    n = tg.count_regions(net, box)
    rs = tg.regions(net, box)
    e = estimate_regions(net, box, samples=200000, seed=1, batch=50000)
    assert e.observed <= n and e.samples == 200000
    # tiny regions may be missed: the number hit is near its exact expectation (variance <= mean)
    assert abs(e.observed - expected_hits(rs, 200000)) <= 4 * np.sqrt(n) + 1
    small = [estimate_regions(net, box, samples=50, seed=s).observed for s in range(20)]
    assert np.mean(small) == pytest.approx(expected_hits(rs, 50), rel=0.15)
    few = nets.one_layer(2, 3, 0)  # 7 regions, none tiny: all are found
    assert estimate_regions(few, box, samples=20000).observed == tg.count_regions(few, box)


def test_estimate_patterns_are_exact_on_boundaries():
    # samples on the grid x = k/4 hit the zero set of x exactly: zero is inactive, never a new pattern
    net = tg.Network([(np.array([[1.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))])
    e = estimate_regions(net, tg.Box([-1.0], [1.0]), samples=1000, seed=0)
    assert e.observed == 2
