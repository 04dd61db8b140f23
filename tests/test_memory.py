"""Memory per region (issue 11, deliverable 5) and the threaded search's answers (deliverable 6).

The count keeps O(depth) state per worker: its peak resident memory does not grow with the number of
regions.  A full ``regions()`` call stores each region compactly (its point as doubles when they are
exact, its exact coordinates only otherwise).  The peak resident size is sampled in a child process
while the call runs (ru_maxrss would show the imports' high-water mark), on one generic arrangement
whose count is Zaslavsky's.
"""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

import nets
import tropgeom as tg

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, os, sys, threading
sys.path[:0] = [{root!r}, {tests!r}]
import tropgeom as tg, nets
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
net = nets.one_layer(4, 40, 7)
before, peak, done = rss(), [0], threading.Event()
def sample():  # the core releases the GIL: sample the resident size while it runs
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        done.wait(0.002)
t = threading.Thread(target=sample)
t.start()
n = {call}
done.set()
t.join()
print(json.dumps({{"count": n, "grown": max(peak[0], rss()) - before}}))
"""


def _peak_growth(call: str) -> dict:
    code = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), call=call)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_count_keeps_nothing_per_region():
    """102,091 regions (zaslavsky(4, 40)) counted on 2 threads: the peak grows by ~3 MB (worker
    stacks and arenas; the full call stores ~50 MB), so nothing per region is kept."""
    r = _peak_growth("tg.count_regions(net, threads=2, progress=False)")
    assert r["count"] == nets.zaslavsky(4, 40) == 102091
    assert r["grown"] < 16 * 2**20, r


def test_full_call_bytes_per_region_bounded():
    """The same regions stored (regions()): below the documented bound of 1 KB per region at d = 4,
    40 hidden neurons (measured ~480 B; it was ~1 KB with exact Rational points)."""
    r = _peak_growth("len(tg.regions(net, threads=2, progress=False))")
    assert r["count"] == 102091
    assert 40 * r["count"] < r["grown"] < 1024 * r["count"], r


def test_points_kept_exact_when_not_doubles():
    """A box 1e-30 wide at 1/3, narrower than the doubles' spacing there, cut through its centre by
    x0 = x1: the two regions' points are no doubles and are kept exactly; each is strictly inside
    the box and has its region's pattern (checked in Fractions), and the float view is the exact
    point rounded to the nearest double."""
    lo, hi = Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**30)
    W, b = np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([0.0, -0.5])
    net = tg.Network([(W, b), (np.ones((1, 2)), np.zeros(1))])
    rs = tg.regions(net, tg.Box([lo, lo], [hi, hi]), threads=1, progress=False)
    exact, floats = rs.interior_points(exact=True), rs.interior_points()
    assert len(rs) == 2
    assert all(Fraction(float(q)) != q for q in exact.ravel())
    for i, p in enumerate(exact):
        assert all(lo < q < hi for q in p)
        z = [sum(Fraction(w) * q for w, q in zip(row, p)) + Fraction(c) for row, c in zip(W, b)]
        assert [int(v > 0) for v in z] == rs.patterns[i].astype(int).tolist()
        assert floats[i].tolist() == [float(q) for q in p]


def test_threads_same_regions_and_stats():
    """Two threads hand the oldest (biggest) pending cell to an idle worker: the same regions, points
    and counters as one thread."""
    net = nets.deep_random(3, [10, 10, 10], 3)
    one, two = (tg.regions(net, tg.Box(-1, 1), threads=t, progress=False) for t in (1, 2))
    assert len(one) == len(two) == tg.count_regions(net, tg.Box(-1, 1), threads=2, progress=False)
    assert np.array_equal(one.patterns, two.patterns)
    assert np.array_equal(one.interior_points(exact=True), two.interior_points(exact=True))
    assert one.stats == two.stats
