"""Sampling radius, expected hits and estimates against oracles: breakpoints in 1-D, bias-free nets,
balls just above and below the radius, exact volumes, exact counts."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.lp import Polyhedron
from tropgeom.sampling import estimate_regions, expected_hits, samples_needed, sampling_radius, symmetric_count

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


# --- the 2-norm radius, samples_needed, symmetric counts --------------------------------------------
def _dist2_2d(A, b, c):
    """Exact squared distance from c to {A x <= b} in the plane by brute force over the faces: c itself,
    its projections onto each row's line, and the rows' pairwise intersections (those that are feasible)."""
    feas = lambda x: all(row @ x <= bi for row, bi in zip(A, b))  # noqa: E731
    cands = [c]
    for a, bi in zip(A, b):
        cands.append(c - a * ((a @ c - bi) / (a @ a)))
    for i in range(len(A)):
        for j in range(i + 1, len(A)):
            det = A[i][0] * A[j][1] - A[i][1] * A[j][0]
            if det != 0:
                cands.append(np.array([(b[i] * A[j][1] - b[j] * A[i][1]) / det,
                                       (A[i][0] * b[j] - A[j][0] * b[i]) / det], dtype=object))
    return min(sum((v - w) ** 2 for v, w in zip(x, c)) for x in cands if feas(x))


def test_two_norm_radius_in_one_dimension_and_bias_free():
    net = nets.one_layer(1, 5, 3)
    W, b = net.exact_layers[0]
    R = sampling_radius(net, norm=2)
    assert R.radius == max(abs(-bi / w[0]) for w, bi in zip(W, b)) ** 2 and R.norm == "2"
    rng = np.random.default_rng(0)
    free = tg.Network([(rng.normal(size=(5, 3)), np.zeros(5)), (rng.normal(size=(1, 5)), np.zeros(1))])
    assert sampling_radius(free, norm=2).radius == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_two_norm_distances_are_exact(seed):
    net = nets.deep_random(2, [6, 5], seed)
    c = np.array([Fraction(1, 3), Fraction(-1, 2)], dtype=object)
    R = sampling_radius(net, c, norm=2)
    rs = tg.regions(net)
    for i in range(len(rs)):
        A, b = rs.halfspaces(i, exact=True)
        assert R.distances[i] == _dist2_2d(A, b, c)
    A, b = rs.halfspaces(R.region, exact=True)
    assert all(A @ R.witness <= b) and sum((R.witness - c) ** 2) == R.radius == max(R.distances)
    Ri = sampling_radius(net, c)  # inf-norm <= 2-norm <= sqrt(d) inf-norm
    assert Ri.radius ** 2 <= R.radius <= 2 * Ri.radius ** 2
    assert R.value == pytest.approx(float(R.radius) ** 0.5)
    with pytest.raises(tg.InputError, match="norm"):
        sampling_radius(net, norm=1)


def test_samples_needed_is_the_smallest_n():
    rs = tg.regions(nets.deep_random(2, [6], 0), tg.Box(-1.0, 1.0))
    for delta in (0.5, 0.01):
        N = samples_needed(rs, delta)
        assert len(rs) - expected_hits(rs, N) <= delta < len(rs) - expected_hits(rs, N - 1)
    with pytest.raises(tg.InputError, match="delta"):
        samples_needed(rs, 1.5)


def deepsets(n, lam=1.0, gamma=-0.3, layers=1, bias=0.0, seed=0):
    rng = np.random.default_rng(seed)
    L = []
    for k in range(layers):
        l, g = (lam, gamma) if k == 0 else tuple(rng.normal(size=2))
        L.append((l * np.eye(n) + g * np.ones((n, n)), (bias if k == 0 else rng.normal()) * np.ones(n)))
    return tg.Network(L + [(np.ones((1, n)), np.zeros(1))])


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_deepsets_count_is_two_to_the_n(n):
    net = deepsets(n)
    s = symmetric_count(net)
    assert s.count == 2 ** n == tg.count_regions(net)
    assert s.lower <= s.count <= s.upper and s.group_order == math.factorial(n)
    assert sum(s.orbits) == s.count and s.fundamental_regions == n + 1  # orbits: subsets by size


@pytest.mark.parametrize("n", [3, 4])
def test_deep_equivariant_counts_match_the_engine(n):
    net = deepsets(n, 1.0, -0.4, layers=2, bias=0.3, seed=n)
    exact = tg.count_regions(net)
    assert symmetric_count(net).count == exact
    swap = [1, 0] + list(range(2, n))                       # a subgroup: one transposition
    s = symmetric_count(net, [swap])
    assert s.count == exact and s.group_order == 2 and s.lower <= exact <= s.upper
    with pytest.raises(tg.InputError, match="permutation"):
        symmetric_count(net, [[0, 0, 1, 2][:n]])


def test_cli_radius_and_estimate(tmp_path, capsys):
    import json
    from tropgeom.cli import main
    net = nets.one_layer(1, 5, 3)
    path = tmp_path / "net.npz"
    net.save(path)
    assert main(["radius", str(path), "--norm", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert Fraction(doc["result"]["radius"]) == sampling_radius(net, norm=2).radius and doc["command"] == "radius"
    assert main(["radius", str(path)]) == 0 and "R* =" in capsys.readouterr().out
    net = nets.one_layer(2, 3, 0)
    net.save(path)
    assert main(["estimate", str(path), "--samples", "2e4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["result"]["observed"] == tg.count_regions(net, tg.Box(-1.0, 1.0)) and doc["complete"]
    assert main(["estimate", str(path), "--samples", "1e9", "--max-seconds", "0.2", "--json"]) == 3
    assert not json.loads(capsys.readouterr().out)["complete"]
    assert main(["estimate", str(path), "--samples", "0.5"]) == 2
