"""Oracle tests for the engine's fast paths: a box kept as variable bounds, budgets polled inside LPs.

A box domain is detected in the core from its rows (+-e_i) and kept as bounds; any other polytope
goes the rows way.  The same box with one redundant extra row is therefore the rows path: both must
give the same count and the same patterns.  A first-layer-only net on a d = 784 box has a closed-form
count when its hyperplanes are chosen (through the box's centre with independent normals: 2^k, and
missing the box: no cut), and a tiny box is brute-forced exactly (every pattern's cell tested for an
interior point by an exact LP).
"""
from __future__ import annotations

import itertools
import pickle
from fractions import Fraction
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import tropgeom as tg

sys.path.insert(0, os.path.dirname(__file__))
import nets  # noqa: E402


def _patterns(rs):
    p = rs.patterns
    return np.asarray(p() if callable(p) else p)


def _rows_path(lo, hi, d):
    """The box [lo, hi]^d as a Polytope with one redundant extra row: not a box, so the rows path."""
    A = np.vstack([np.eye(d), -np.eye(d), np.ones((1, d))])
    b = np.concatenate([np.full(d, hi), np.full(d, -lo), [d * abs(hi) + 1.0]])
    return tg.Polytope(A, b)


@pytest.mark.parametrize("net,lo,hi", [
    (nets.one_layer(3, 8, 1), -1.0, 1.0),
    (nets.deep_random(3, [6, 6], 2), -1.0, 1.0),
    (nets.deep_random(4, [8, 8], 5), -1.0, 1.0),
    (nets.deep_random(2, [16, 16], 7), -2.0, 3.0),
    (nets.box_lines(12, 3), -1.0, 1.0),
    (nets.deep_random(5, [6, 5, 4], 9), 0.0, 1.0),
    (nets.deep_random(10, [4, 6], 3), 0.0, 1.0),       # n1 < d: the LP in y = W1 x (box::Factor)
    (nets.deep_random(12, [5, 5, 4], 4), -1.0, 1.0),
    (nets.deep_random(30, [3, 8], 6), 0.0, 1.0),
])
def test_box_bounds_equal_rows(net, lo, hi):
    d = net.input_dim if not callable(net.input_dim) else net.input_dim()
    fast = tg.regions(net, tg.Box(lo, hi), threads=1, progress=False)
    slow = tg.regions(net, _rows_path(lo, hi, d), threads=1, progress=False)
    assert len(fast) == len(slow) > 1
    assert np.array_equal(_patterns(fast), _patterns(slow))
    assert fast.stats["cells"] == slow.stats["cells"]
    assert fast.stats["float_lps"] <= slow.stats["float_lps"]  # the box range decides some with no LP


def _first_layer_net(W, b):
    return tg.Network([(W, b), (np.ones((1, W.shape[0])), np.zeros(1))])


def test_first_layer_on_784_box_closed_form():
    # k hyperplanes through one point p inside [0, 1]^784 with independent normals: 2^k regions near
    # p, all in the box; j more that miss the box (offset beyond the range of w.x on the box) cut
    # nothing.
    d, k, j = 784, 5, 3
    rng = np.random.default_rng(4)
    W = rng.normal(size=(k + j, d))
    p = rng.uniform(0.3, 0.7, size=d)
    b = -(W @ p)
    for i in range(k, k + j):  # w.x + b > 0 on the whole box: min of w.x is the sum of negative w
        b[i] = -np.minimum(W[i], 0).sum() + 1.0
    b[k + 1] = -np.maximum(W[k + 1], 0).sum() - 1.0  # < 0 on the whole box
    net = _first_layer_net(W, b)
    t = time.perf_counter()
    assert tg.count_regions(net, tg.Box(0.0, 1.0), threads=1, progress=False) == 2 ** k
    assert time.perf_counter() - t < 5.0


def _brute_force(W, b, lo, hi):
    """Patterns whose closed cell in the box is full-dimensional, each decided exactly (Polyhedron)."""
    n, d = W.shape
    count = 0
    for s in itertools.product((1, -1), repeat=n):
        A = np.vstack([-(np.array(s)[:, None] * W), np.eye(d), -np.eye(d)])
        rhs = np.concatenate([np.array(s) * b, np.full(d, hi), np.full(d, -lo)])
        P = tg.Polyhedron(A, rhs)
        full = P.is_full_dimensional
        count += bool(full() if callable(full) else full)
    return count


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_first_layer_tiny_box_brute_force(seed):
    rng = np.random.default_rng(seed)
    d, n = 3, 6
    W = rng.normal(size=(n, d))
    b = rng.normal(scale=0.7, size=n)
    net = _first_layer_net(W, b)
    assert tg.count_regions(net, tg.Box(-1.0, 1.0), threads=1, progress=False) == _brute_force(W, b, -1.0, 1.0)


def _he_net(dims, seed):
    rng = np.random.default_rng(seed)
    return tg.Network([(rng.normal(0, np.sqrt(2 / a), (b, a)), rng.normal(0, 0.1, b)) for a, b in zip(dims, dims[1:])])


def test_budget_on_d200_box():
    # A d = 200 box net far bigger than the budget: the stop comes within 10% or 0.2 s of max_seconds
    # (the LPs poll the stop), and the partial count is a lower bound of what was found.
    net = _he_net([200, 24, 24, 10], 3)
    t = time.perf_counter()
    with pytest.raises(tg.BudgetExceeded) as e:
        tg.count_regions(net, tg.Box(0.0, 1.0), threads=1, max_seconds=0.5, progress=False)
    spent = time.perf_counter() - t
    assert e.value.reason == "max_seconds"
    assert spent < 0.5 + max(0.05, 0.2)
    assert int(e.value.partial) >= 1


def test_sigint_on_d200_box():
    code = (
        "import sys, numpy as np, tropgeom as tg\n"
        "rng = np.random.default_rng(3)\n"
        "dims = [200, 24, 24, 10]\n"
        "net = tg.Network([(rng.normal(0, np.sqrt(2 / a), (b, a)), rng.normal(0, 0.1, b)) for a, b in zip(dims, dims[1:])])\n"
        "print('started', flush=True)\n"
        "try:\n"
        "    tg.count_regions(net, tg.Box(0.0, 1.0), threads=2, progress=False)\n"
        "    print('finished')\n"
        "except tg.BudgetExceeded as e:\n"
        "    print(e.reason, int(e.partial) >= 0, flush=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.5)
    t = time.perf_counter()
    p.send_signal(__import__("signal").SIGINT)
    out, _ = p.communicate(timeout=20)
    assert out.split() == ["interrupted", "True"]
    assert time.perf_counter() - t < 2.0


def _core_regions(net, box, as_bounds):
    """The core's run on a Box passed as bounds (as regions() does), or as its 2d rows."""
    from tropgeom import _core, _seam
    d = net.input_dim
    args = _seam.domain_args(box, d)
    if not as_bounds:
        A, b = box.halfspaces(d)
        args = {"A": A, "b": b, "lo": args["lo"], "hi": args["hi"]}
        return _core.enumerate_regions(net.core, threads=1, box_as_bounds=False, **args)
    return _core.enumerate_regions(net.core, threads=1, **args)


@pytest.mark.parametrize("net,box", [
    (nets.deep_random(3, [6, 6], 2), tg.Box(-1.0, 1.0)),
    (nets.zero_bias_net(3, [6, 6], 1), tg.Box(-1.0, 1.0)),       # every split by the exact path
    (nets.concurrent_lines(5), tg.Box(-1.0, 1.0)),
    (nets.duplicate_neurons(), tg.Box(-1.0, 1.0)),
    (nets.deep_random(2, [8, 8], 4), tg.Box([Fraction(-1, 3), 0], [Fraction(5, 7), Fraction(1, 3)])),
])
def test_box_given_as_bounds_equals_box_as_rows(net, box):
    # The box as bounds end to end (no rows in the core unless a region's geometry needs them) gives
    # the regions of the same box as 2d rows: count, patterns, cuts and exact irredundant halfspaces
    # (the domain's rows in the same order, x_j <= hi_j then -x_j <= -lo_j).
    fast, slow = _core_regions(net, box, True), _core_regions(net, box, False)
    assert fast.count == slow.count > 1
    assert np.array_equal(fast.patterns(), slow.patterns())
    assert np.array_equal(fast.cuts()[0], slow.cuts()[0]) and np.array_equal(fast.cuts()[1], slow.cuts()[1])
    signs = net.exact_signs(fast.points(True)).reshape(fast.stored, -1)  # (the LPs differ, so do the points)
    assert np.array_equal(signs > 0, fast.patterns().astype(bool)) and (signs != 0).all()
    for i in range(fast.stored):
        for k in range(3):
            assert np.array_equal(fast.halfspaces(i, True, True)[k], slow.halfspaces(i, True, True)[k])
    rs = tg.regions(net, box, threads=1, progress=False)     # the Python path passes bounds, and
    back = pickle.loads(pickle.dumps(rs))                    # a restored set rebuilds them the same
    assert all(np.array_equal(back.halfspaces(i, exact=True)[0], rs.halfspaces(i, exact=True)[0])
               for i in range(len(rs)))


def test_polytope_bounded_check_equals_recession_cone_dimension():
    # Polytope.__init__ decides boundedness by one feasibility LP (plus a float rank filter) instead
    # of the recession cone's exact dimension: both agree, rank-deficient and unbounded rows included.
    from tropgeom.regions import _bounded
    rng = np.random.default_rng(5)
    seen = set()
    for _ in range(60):
        d, m = int(rng.integers(1, 5)), int(rng.integers(1, 9))
        A = rng.integers(-3, 4, size=(m, d)).astype(float)
        if rng.random() < 0.3:
            A = np.vstack([A, -A])                            # lines through the cone
        cone = tg.Polyhedron(A, np.zeros(len(A))).dimension() == 0
        assert _bounded(A) == cone
        seen.add(cone)
    assert seen == {True, False}
    A = np.array([[Fraction(1, 3), 0], [0, 1], [-1, -1]], dtype=object)  # exact rows, bounded
    assert _bounded(A) and tg.Polytope(A, [1, 1, 1]).bounded
    with pytest.raises(tg.InputError, match="unbounded"):
        tg.Polytope(A[:2], [1, 1])


@pytest.mark.parametrize("d,widths,seed", [(8, [6, 4], 1), (10, [5, 4, 3], 2), (40, [5, 5], 3), (6, [4, 3], 4)])
def test_deep_first_layer_basis_equals_plain_search(d, widths, seed):
    # On R^d a first layer of full row rank n1 <= d is searched in y = W1 x (R^n1).  The same R^d given
    # as a polyhedron with one zero row (0 <= 1) takes the plain search in x: same count and patterns,
    # and the fast path's points (mapped back to x) are strictly inside their regions exactly.
    net = nets.deep_random(d, widths, seed)
    fast = tg.regions(net, threads=1, progress=False)
    slow = tg.regions(net, tg.Polytope(np.zeros((1, d)), [1.0], bounded=False), threads=1, progress=False)
    assert len(fast) == len(slow) > 2 ** widths[0] - 1
    assert np.array_equal(fast.patterns, slow.patterns)
    signs = net.exact_signs(fast.interior_points(exact=True)).reshape(len(fast), -1)
    assert np.array_equal(signs > 0, fast.patterns) and (signs != 0).all()


def test_deep_first_layer_basis_d784_closed_form():
    # 784 inputs, 12 independent first-layer neurons, one output: all 2^12 patterns, in milliseconds
    # (the search runs in R^12); a 30-input deep net's points, mapped back to x, have their patterns.
    rng = np.random.default_rng(7)
    net = tg.Network([(rng.normal(size=(12, 784)), rng.normal(size=12)), (rng.normal(size=(1, 12)), [0.0])])
    t = time.process_time()
    assert tg.count_regions(net, threads=1, progress=False) == 2 ** 12
    assert time.process_time() - t < 2.0
    small = tg.Network([(rng.normal(size=(5, 30)), rng.normal(size=5)), (rng.normal(size=(4, 5)), rng.normal(size=4)),
                        (rng.normal(size=(1, 4)), [0.0])])
    whole = tg.regions(small, threads=1, progress=False)
    signs = small.exact_signs(whole.interior_points(exact=True)).reshape(len(whole), -1)
    assert np.array_equal(signs > 0, whole.patterns) and (signs != 0).all()


def test_mnist_budget_on_784_box():
    # Serra et al.'s MNIST shape 784-11-11-10 on [0, 1]^784 (far more regions than the budget allows):
    # the stop comes within 10% or 0.2 s of max_seconds (the LPs poll the stop), and the partial count
    # is what was found: at least one region, at most one per pattern of the 22 hidden neurons.
    import gc
    net = _he_net([784, 11, 11, 10], 11)
    for budget in (0.3, 0.6):
        gc.collect()  # a full collection of the whole suite's heap can take ~0.3 s: not the engine's stop
        t = time.perf_counter()
        with pytest.raises(tg.BudgetExceeded) as e:
            tg.count_regions(net, tg.Box(0.0, 1.0), threads=1, max_seconds=budget, progress=False)
        spent = time.perf_counter() - t
        assert e.value.reason == "max_seconds"
        assert spent < budget + max(0.1 * budget, 0.2)
        assert 1 <= int(e.value.partial) <= 2 ** 22
