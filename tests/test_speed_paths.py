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
