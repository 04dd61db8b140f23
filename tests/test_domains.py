"""Oracle tests for the reduced domains (issue 11): a Polytope's rows a cell never meets dropped from
it, and R^d searched in the row space of a rank-deficient first layer.

Both are exact reformulations, so the reference is the same run with ``reduce_domain=False`` (every
domain row in every cell; the plain search in R^d): counts and patterns must be equal, and every
region's point (mapped back from the row space) must have its pattern under the exact forward pass.
A Polytope with redundant rows must count as its irredundant part.
"""
from __future__ import annotations

import os
import sys
from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom import _core

sys.path.insert(0, os.path.dirname(__file__))
import nets  # noqa: E402


def _run(net, A=None, b=None, **kw):
    d = net.input_dim
    A = np.zeros((0, d)) if A is None else np.asarray(A, dtype=np.float64)
    b = np.zeros(0) if b is None else np.asarray(b, dtype=np.float64)
    return _core.enumerate_regions(net.core, A=A, b=b, threads=1, **kw)


def _check_same(net, A=None, b=None):
    """The reduced run equals the reference run; its points carry their patterns exactly."""
    fast, ref = _run(net, A, b), _run(net, A, b, reduce_domain=False)
    assert fast.count == ref.count and fast.complete and ref.complete
    assert np.array_equal(fast.patterns(), ref.patterns())
    signs = net.exact_signs(fast.points(True)).reshape(fast.stored, -1)
    assert np.array_equal(signs > 0, fast.patterns().astype(bool))
    if A is not None and len(A):  # and lie strictly inside the domain
        P = np.asarray(fast.points(True), dtype=object)[:: max(1, fast.stored // 40)]
        rows = [([Fraction(a) for a in row], Fraction(rhs)) for row, rhs in zip(np.asarray(A).tolist(), b)]
        assert all(sum(a * x for a, x in zip(row, p)) < rhs for p in P for row, rhs in rows)
    return fast.count


def _rank_deficient(d, n1, r, widths, seed, scale=None):
    """A net whose first layer W1 = C B has rank exactly r < n1 (B: r x d, C: n1 x r, random small
    dyadics, so the float64 product is exact), He layers after it."""
    rng = np.random.default_rng(seed)
    W1 = (rng.integers(-8, 9, size=(n1, r)) / 4) @ (rng.integers(-8, 9, size=(r, d)) / 8)
    if scale is not None:  # rows scaled by powers of two: the same hyperplanes, extreme magnitudes
        W1 = W1 * np.asarray(scale)[:, None]
    layers = [(W1, rng.normal(0, 0.5, n1))]
    for a, w in zip([n1] + list(widths), list(widths) + [1]):
        layers.append((rng.normal(0, np.sqrt(2 / a), (w, a)), rng.normal(0, 0.1, w)))
    return tg.Network(layers)


# ---- R^d: the first layer's row space ----

@pytest.mark.parametrize("d,n1,r,widths,seed", [
    (3, 6, 2, [5], 1), (4, 8, 2, [6], 2), (5, 5, 3, [4, 4], 3), (6, 4, 1, [5], 4), (8, 12, 3, [6], 5),
    (3, 3, 2, [], 6),
])
def test_rank_deficient_first_layer_equals_plain_search(d, n1, r, widths, seed):
    net = _rank_deficient(d, n1, r, widths, seed)
    assert _check_same(net) > 1


@pytest.mark.parametrize("net", [
    nets.parallel_lines(5, d=3), nets.parallel_lines(4, d=6), nets.duplicate_neurons(), nets.dead_neuron_net(),
    nets.zero_neuron_net(), nets.concurrent_lines(4), nets.deep_random(3, [6, 6], 2), nets.one_layer(4, 3, 7),
    nets.independent_rows(3, 5, 1),
], ids=lambda n: f"d{n.input_dim}")
def test_gallery_equals_plain_search(net):
    _check_same(net)


def test_parallel_hyperplanes_in_high_dimension_closed_form():
    # k parallel hyperplanes x_1 = i in R^d: rank 1, so the search runs on a line: k + 1 slabs.
    for d in (5, 50):
        assert tg.count_regions(nets.parallel_lines(7, d=d)) == 8
        assert _check_same(nets.parallel_lines(7, d=d)) == 8


def test_degenerate_first_layers():
    rng = np.random.default_rng(11)
    # zero rows, duplicates, negatives and positive multiples of one row in R^4 (rank 2)
    w, v = rng.normal(size=4), rng.normal(size=4)
    W1 = np.array([w, np.zeros(4), w, -w, 4 * w, v, 0.5 * v, np.zeros(4)])
    b1 = np.array([0.25, 0.0, 0.25, -0.25, 1.0, -0.5, 0.75, 1.0])
    net = tg.Network([(W1, b1), (rng.normal(size=(3, 8)), rng.normal(size=3)), (rng.normal(size=(1, 3)), [0.0])])
    assert _check_same(net) > 1
    # an all-zero first layer: rank 0, one region (the plain search; nothing to factor)
    net0 = tg.Network([(np.zeros((3, 4)), [1.0, -1.0, 0.0]), (np.ones((1, 3)), [0.0])])
    assert _check_same(net0) == 1


def test_rank_deficient_extreme_magnitudes():
    # Rows scaled by 2^996 (~1e300) and 2^-1074 (5e-324, the least subnormal) times small integers:
    # the same hyperplanes up to scale, decided exactly.
    d, n1 = 4, 5
    rng = np.random.default_rng(3)
    B = rng.integers(-3, 4, size=(2, d)).astype(float)
    C = np.array([[1, 0], [0, 1], [1, 1], [2, -1], [1, 0]], dtype=float)
    W1 = C @ B
    W1[0] *= 2.0 ** 996
    W1[4] *= 2.0 ** -1074 / np.max(np.abs(W1[4]))  # a row of subnormals: +-5e-324 entries only
    W1[4] = np.sign(W1[4]) * 5e-324
    b1 = np.array([2.0 ** 995, 0.5, -0.25, 0.125, 0.0])
    net = tg.Network([(W1, b1), (rng.normal(size=(3, n1)), rng.normal(size=3)), (rng.normal(size=(1, 3)), [0.0])])
    assert _check_same(net) > 1


def test_resumed_cells_in_the_row_space():
    # A stopped run's open cells are points of R^d: resuming them in the factored search finishes it.
    net = _rank_deficient(5, 8, 2, [6], 9)
    total = tg.count_regions(net)
    with pytest.raises(tg.BudgetExceeded) as e:
        tg.count_regions(net, max_cells=5, threads=1)
    assert e.value.partial + tg.count_regions(net, cells=e.value.remaining) == total


# ---- Polytope domains: the rows a cell never meets ----

def _ball(d, m, seed):
    """m random tangent halfspaces a_i x <= 1 of the unit ball (|a_i| = 1): every row a facet."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(m, d))
    return A / np.linalg.norm(A, axis=1)[:, None], np.ones(m)


@pytest.mark.parametrize("d,m,widths,seed", [(2, 400, [8, 8], 1), (3, 300, [6, 6], 2), (4, 200, [5, 5], 3)])
def test_tangent_polytope_equals_reference(d, m, widths, seed):
    A, b = _ball(d, m, seed)
    assert _check_same(nets.deep_random(d, widths, seed), A, b) > 1


def test_redundant_rows_count_as_the_irredundant_domain():
    # [-1, 1]^3 with its rows repeated, scaled, and 200 rows that never touch it (|x_i| <= 1 implies
    # a.x <= |a|_1 < 1 + |a|_1), plus one row cutting a corner: counts as the 7 irredundant rows.
    rng = np.random.default_rng(5)
    corner = np.array([[1.0, 1.0, 1.0]]), np.array([2.0])
    box = np.vstack([np.eye(3), -np.eye(3)]), np.ones(6)
    far = rng.normal(size=(200, 3))
    A = np.vstack([box[0], corner[0], 3 * box[0], far, box[0] * 0.5])
    b = np.concatenate([box[1], corner[1], 3 * box[1], np.abs(far).sum(1) + 1.0, 0.5 * box[1]])
    net = nets.deep_random(3, [6, 6], 4)
    want = tg.count_regions(net, tg.Polytope(np.vstack([box[0], corner[0]]), np.concatenate([box[1], corner[1]])))
    assert _check_same(net, A, b) == want == tg.count_regions(net, tg.Polytope(A, b))


def test_simplex_with_extreme_row_scales():
    # The simplex x >= 0, sum x <= 1 in R^3, each row given twice: times 2^996 (~1e300) and times
    # 2^-1074 (5e-324) -- exactly the same halfspaces -- plus tangent-like far rows.
    d = 3
    S = np.vstack([-np.eye(d), np.ones((1, d))]), np.array([0.0] * d + [1.0])
    huge, tiny = 2.0 ** 996, 5e-324
    far = np.vstack([np.eye(d), -np.eye(d)]), np.full(2 * d, 4.0)
    A = np.vstack([S[0] * huge, S[0] * tiny, far[0], S[0]])
    b = np.concatenate([S[1] * huge, S[1] * tiny, far[1], S[1]])
    net = nets.deep_random(d, [8, 6], 6)
    assert _check_same(net, A, b) == tg.count_regions(net, tg.Polytope(*S)) > 1


# ---- Polytope domains reduced up front: box rows as bounds, redundant rows dropped ----

def _same_regions(net, A, b, want=None):
    """The reduced run equals the reference run (counts, patterns, cuts, exact irredundant halfspaces
    of a sample of regions); want: a Box (lo, hi) whose count and stats the reduced run must match."""
    fast, ref = _run(net, A, b), _run(net, A, b, reduce_domain=False)
    assert fast.count == ref.count and fast.complete and ref.complete
    assert np.array_equal(fast.patterns(), ref.patterns())
    for x, y in zip(fast.cuts(), ref.cuts()):
        assert np.array_equal(x, y)
    for i in range(0, fast.stored, max(1, fast.stored // 4)):  # (halfspaces of 1e300 rows are slow)
        hf, hr = fast.halfspaces(i), ref.halfspaces(i)
        for x, y in zip(hf, hr):
            assert np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
    signs = net.exact_signs(fast.points(True)).reshape(fast.stored, -1)
    assert np.array_equal(signs > 0, fast.patterns().astype(bool))
    if want is not None:
        d = net.input_dim
        box = _core.enumerate_regions(net.core, A=np.zeros((0, d)), b=np.zeros(0), lo=np.full(d, want[0]),
                                      hi=np.full(d, want[1]), threads=1)
        assert fast.count == box.count and fast.stats == box.stats  # searched as the Box itself
        assert np.array_equal(fast.patterns(), box.patterns())
    return fast


def _cube_rows(d, r=1.0):
    return np.vstack([np.eye(d), -np.eye(d)]), np.full(2 * d, r)


@pytest.mark.parametrize("d,widths,seed", [(2, [6, 5], 1), (3, [5, 4], 2), (4, [4, 4], 3), (7, [5], 4)])
def test_box_as_rows_scaled_duplicated_negated_is_the_box(d, widths, seed):
    # [-1, 1]^d given as rows scaled by 3, 2^996 (~1e300) and 2^-1074 (5e-324), duplicated, looser
    # copies, a far row and a tight redundant row (sum x <= d touches the corner): the Box itself.
    A, b = _cube_rows(d)
    rows = [(3 * A, 3 * b), (A * 2.0 ** 996, b * 2.0 ** 996), (np.sign(A) * 5e-324, b * 5e-324), (A, b + 1),
            (A[::-1], b[::-1]), (np.ones((1, d)), [d + 1.0]), (np.ones((1, d)), [float(d)]),
            (-np.ones((1, d)), [float(d)]), (np.zeros((1, d)), [0.0])]
    A = np.vstack([r[0] for r in rows])
    b = np.concatenate([np.asarray(r[1], dtype=float) for r in rows])
    _same_regions(nets.deep_random(d, widths, seed), A, b, want=(-1.0, 1.0))


def test_box_with_one_dense_row_keeps_the_row():
    # [0, 1]^3 with a corner cut x + y + z <= 1: the box as bounds, the cut as a row, in the box LP.
    A, b = _cube_rows(3)
    A = np.vstack([A, [[1.0, 1.0, 1.0]], A * 4])
    b = np.concatenate([np.r_[np.ones(3), np.zeros(3)], [1.0], np.r_[np.ones(3), np.zeros(3)] * 4])
    fast = _same_regions(nets.deep_random(3, [6, 6], 7), A, b)
    assert fast.count > 1
    # and the count differs from the box's: the row is not dropped
    box = tg.count_regions(nets.deep_random(3, [6, 6], 7), tg.Box(0, 1))
    assert box > fast.count


def test_row_redundant_only_through_another_row():
    # In [-1, 1]^2: x + y <= 1 makes x + y <= 1.5 and 2x + 2y <= 3 redundant (not the box alone), and
    # x - y <= 2 is redundant on the box by its closed-form range; x + y <= 1 itself stays.
    A, b = _cube_rows(2)
    A = np.vstack([A, [[1.0, 1.0], [1.0, 1.0], [2.0, 2.0], [1.0, -1.0]]])
    b = np.concatenate([b, [1.5, 1.0, 3.0, 2.0]])
    net = nets.deep_random(2, [8, 6], 8)
    fast = _same_regions(net, A, b)
    keep = _same_regions(net, np.vstack([_cube_rows(2)[0], [[1.0, 1.0]]]), np.r_[np.ones(4), 1.0])
    assert fast.count == keep.count and fast.stats == keep.stats


def test_polytope_extreme_rows_without_a_box():
    # A triangle in R^2 (no coordinate bounded both ways by single-coordinate rows): its rows given at
    # 1e300 and 5e-324 scales and 50 far rows; only the three facets remain.
    tri = np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]]), np.array([1.0, 1.0, 1.0])
    rng = np.random.default_rng(2)
    far = rng.normal(size=(50, 2))
    A = np.vstack([tri[0] * 2.0 ** 996, far, tri[0] * 5e-324, tri[0]])
    b = np.concatenate([tri[1] * 2.0 ** 996, np.abs(far).sum(1) * 3 + 1, tri[1] * 5e-324, tri[1]])
    net = nets.deep_random(2, [8, 8], 9)
    fast = _same_regions(net, A, b)
    plain = _run(net, *tri)
    assert fast.count == plain.count and fast.stats == plain.stats


@pytest.mark.parametrize("reduce", [True, False])
def test_flat_and_empty_box_rows_are_reported(reduce):
    # lo == hi in one coordinate: a lower-dimensional domain (an InputError today, kept); lo > hi and
    # a contradictory zero row: empty.
    net = nets.deep_random(3, [4], 1)
    A, b = _cube_rows(3)
    flat = b.copy()
    flat[[2, 5]] = [0.5, -0.5]  # z <= 0.5 and -z <= -0.5
    with pytest.raises(tg.InputError, match="not full-dimensional"):
        _run(net, A, flat, reduce_domain=reduce)
    empty = b.copy()
    empty[[2, 5]] = [0.25, -0.5]
    with pytest.raises(tg.InputError, match="empty"):
        _run(net, A, empty, reduce_domain=reduce)
    with pytest.raises(tg.InputError, match="empty"):
        _run(net, np.vstack([A, np.zeros((1, 3))]), np.r_[b, -1.0], reduce_domain=reduce)
    with pytest.raises(tg.InputError, match="empty"):  # the box and a row that misses it
        _run(net, np.vstack([A, [[1.0, 1.0, 1.0]]]), np.r_[b, -3.5], reduce_domain=reduce)
