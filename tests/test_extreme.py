"""Extreme but finite inputs are decided exactly, never crash; region order is thread independent.

Every extreme case runs in a subprocess, so a crash (SIGFPE from GMP receiving an infinite double)
fails its test instead of killing pytest.  Each count is checked against an oracle computed here with
Fractions: the faces of a line arrangement, the general-position count, or an exact 1-D brute force.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import warnings
from fractions import Fraction
from math import comb

import numpy as np
import pytest

import tropgeom

sys.path.insert(0, os.path.dirname(__file__))
import nets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The child: reads a JSON list of cases {layers: [[W, b], ...], box: [lo, hi] | null} (floats as
# hex strings, exact), prints one JSON count per line as it goes.
CHILD = r"""
import json, sys
import numpy as np, tropgeom
for case in json.loads(sys.stdin.read()):
    h = lambda a: np.array([[float.fromhex(v) for v in r] for r in a]) if isinstance(a[0], list) \
        else np.array([float.fromhex(v) for v in a])
    net = tropgeom.Network([(h(W), h(b)) for W, b in case["layers"]])
    dom = None if case["box"] is None else tropgeom.Box(float.fromhex(case["box"][0]), float.fromhex(case["box"][1]))
    n = tropgeom.count_regions(net, dom, threads=case["threads"])
    if case["adjacency"]:  # also the regions, their adjacency and the exact points (two threads)
        rs = tropgeom.regions(net, dom, threads=2)
        rs.interior_points(exact=True), rs.interior_points(exact=False)
        n = [n, rs.count, len(rs.adjacency())]
    print(json.dumps(n), flush=True)
"""


def _hex(a):
    a = np.asarray(a, dtype=np.float64)
    return [_hex(r) for r in a] if a.ndim > 1 else [float(v).hex() for v in a]


def _counts(cases, timeout=120):
    """count_regions of each case, in one child process; a crash or hang fails the test."""
    payload = json.dumps([{"layers": [[_hex(W), _hex(b)] for W, b in c["layers"]], "box": c.get("box"),
                           "threads": c.get("threads", 1), "adjacency": c.get("adjacency", False)} for c in cases])
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", CHILD], input=payload, capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT, env=env)
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 0, f"child died (rc {p.returncode}) after {len(out)} of {len(cases)} cases: {p.stderr[-2000:]}"
    return out


def _net(W1, b1):
    """One hidden layer (W1, b1) and a linear output summing the neurons."""
    W1 = np.asarray(W1, dtype=np.float64)
    return [(W1, np.asarray(b1, dtype=np.float64)), (np.ones((1, len(W1))), np.zeros(1))]


def _box(lo, hi):
    return [float(lo).hex(), float(hi).hex()]


# --- exact oracles ----------------------------------------------------------------------------------

def _F(v):
    return Fraction(float(v))


def _line_key(w, b):
    """The line {w.x + b = 0} as a canonical tuple (None for a constant neuron: no cut)."""
    w, b = [_F(v) for v in w], _F(b)
    nz = next((v for v in w if v != 0), None)
    if nz is None:
        return None
    s = abs(nz)
    return tuple(v / s for v in w) + (b / s,) if nz > 0 else tuple(-v / s for v in w) + (-b / s,)


def _arrangement_2d(W, b):
    """Faces of the arrangement of the distinct lines w_i.x + b_i = 0 in R^2 (a constant neuron cuts
    nothing): 1 + L + sum over crossing points p of (lines through p - 1)."""
    lines = {k for k in (_line_key(w, c) for w, c in zip(W, b)) if k is not None}
    lines = sorted(lines)
    points = {}
    for (a1, a2, c1), (b1, b2, c2) in itertools.combinations(lines, 2):
        det = a1 * b2 - a2 * b1
        if det == 0:
            continue
        p = ((-c1 * b2 + c2 * a2) / det, (-a1 * c2 + b1 * c1) / det)
        points.setdefault(p, set()).update({(a1, a2, c1), (b1, b2, c2)})
    return 1 + len(lines) + sum(len(s) - 1 for s in points.values())


def _edges_2d(W, b):
    """Pairs of adjacent faces of the same arrangement: its edges, 1 + (distinct crossings) per line."""
    lines = sorted({k for k in (_line_key(w, c) for w, c in zip(W, b)) if k is not None})
    edges = 0
    for a1, a2, c1 in lines:
        points = set()
        for b1, b2, c2 in lines:
            det = a1 * b2 - a2 * b1
            if det != 0:
                points.add(((-c1 * b2 + c2 * a2) / det, (-a1 * c2 + b1 * c1) / det))
        edges += 1 + len(points)
    return edges


def _brute_force_1d(layers, box=None):
    """Activation regions of a net on R^1 (or [lo, hi]), exactly.  Between consecutive breakpoints of
    layers < l every pre-activation of layer l is affine: two points of the piece give it, and its root,
    if inside, is a new breakpoint.  Each pattern's set is an interval, so the count is the number of
    distinct patterns over the final pieces."""
    layers = [([[_F(v) for v in row] for row in np.atleast_2d(W)], [_F(v) for v in b]) for W, b in layers]
    last = len(layers) - 1

    def pre(x, upto):  # pre-activations of layer `upto` at x, and the hidden bits before it
        h, bits = [x], []
        for l, (W, b) in enumerate(layers):
            z = [sum(w * v for w, v in zip(row, h)) + c for row, c in zip(W, b)]
            if l == upto:
                return z, bits
            bits += [v > 0 for v in z]
            h = [max(v, 0) for v in z]
        raise AssertionError

    def pieces(breaks):  # (left, right, two interior points); None is an infinite end
        lo, hi = (None, None) if box is None else (_F(box[0]), _F(box[1]))
        pts = [lo] + sorted(set(p for p in breaks if (lo is None or lo < p < hi))) + [hi]
        for u, v in zip(pts, pts[1:]):
            if u is None and v is None:
                yield u, v, Fraction(0), Fraction(1)
            elif u is None:
                yield u, v, v - 2, v - 1
            elif v is None:
                yield u, v, u + 1, u + 2
            else:
                yield u, v, u + (v - u) / 3, u + 2 * (v - u) / 3

    breaks = []
    for l in range(last):  # hidden layers
        for u, v, x0, x1 in list(pieces(breaks)):
            z0, z1 = pre(x0, l)[0], pre(x1, l)[0]
            for a0, a1 in zip(z0, z1):
                slope = (a1 - a0) / (x1 - x0)
                if slope != 0:
                    r = x0 - a0 / slope
                    if (u is None or u < r) and (v is None or r < v):
                        breaks.append(r)
    return len({tuple(pre(x0, last)[1]) for _, _, x0, _ in pieces(breaks)})


def _general_position_count(W, b):
    """zaslavsky(d, n) if the hyperplanes w_i.x + b_i = 0 in R^d are in general position (every d of
    the normals independent, no d + 1 of them through one point), checked with Fractions; else None."""
    W = [[_F(v) for v in r] for r in W]
    b = [_F(v) for v in b]
    n, d = len(W), len(W[0])

    def det(M):
        M = [row[:] for row in M]
        k, s = len(M), Fraction(1)
        for c in range(k):
            p = next((r for r in range(c, k) if M[r][c] != 0), None)
            if p is None:
                return Fraction(0)
            if p != c:
                M[c], M[p], s = M[p], M[c], -s
            s *= M[c][c]
            for r in range(c + 1, k):
                f = M[r][c] / M[c][c]
                M[r] = [x - f * y for x, y in zip(M[r], M[c])]
        return s

    def rank(M):
        return max((k for k in range(1, min(len(M), len(M[0])) + 1)
                    for rows in itertools.combinations(range(len(M)), k)
                    for cols in itertools.combinations(range(len(M[0])), k)
                    if det([[M[r][c] for c in cols] for r in rows]) != 0), default=0)

    for k in range(1, min(n, d) + 1):
        for S in itertools.combinations(range(n), k):
            if rank([W[i] for i in S]) < k:
                return None
    for S in itertools.combinations(range(n), d + 1):
        if det([W[i] + [b[i]] for i in S]) == 0:
            return None
    return sum(comb(n, j) for j in range(d + 1))


def test_oracles_agree_on_ordinary_nets():
    # The oracles themselves, against the gallery's closed forms.
    W, b = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, -1.0]
    assert _arrangement_2d(W, b) == 7 == _general_position_count(W, b)
    assert _arrangement_2d([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, 0.0]) == 6
    for k in (1, 2, 3):
        assert _brute_force_1d(list(zip(nets.sawtooth(k).weights, nets.sawtooth(k).biases))) == nets.sawtooth_count(k)
    assert _brute_force_1d(_net([[1.0], [-1.0], [2.0]], [0.0, 1.0, -4.0])) == 4


# --- the cases that killed the process ---------------------------------------------------------------

def test_cases_that_crashed():
    cases = [
        _net([[5e-324]], [1.0]),    # the hyperplane at x = -2^1074, far beyond the double range
        _net([[1e-200]], [1e200]),  # at x = -1e400
        # two lines crossing near x = 1e310: y = 1e10 - 1e-300 x and y = 0
        _net([[1e-300, 1.0], [0.0, 1.0]], [-1e10, 0.0]),
    ]
    # The crossing point, with Fractions: beyond any double, yet the lines do cross.
    x = Fraction(10**10) / Fraction(1e-300)
    assert x > Fraction(1e308) * 10
    expected = [2, 2, _arrangement_2d(*[(np.asarray(W), np.asarray(b)) for W, b in [cases[2][0]]][0])]
    assert expected[2] == 4
    assert _counts([{"layers": c} for c in cases]) == expected
    # The same nets' regions, adjacency (here: pairs of faces sharing an edge) and exact points.
    adjacent = [1, 1, _edges_2d(*cases[2][0])]
    assert _counts([{"layers": c, "adjacency": True} for c in cases]) == [[n, n, a] for n, a in zip(expected, adjacent)]


def test_extreme_magnitudes():
    big, tiny, sub = 1e300, 1e-300, 5e-324
    one_layer = [
        # subnormal biases: three distinct points 0, +-2^-1074 on the line
        ([[1.0], [1.0], [1.0]], [sub, -sub, 0.0]),
        # 1e300 weights: zeros at -1e-300 and 2e-300
        ([[big], [-big]], [1.0, 2.0]),
        # mixed magnitudes in one layer, d = 2
        ([[big, tiny], [tiny, big], [1.0, -1.0]], [1.0, 1.0, 0.0]),
        ([[big, -big], [sub, 1.0], [1.0, sub]], [sub, -big, big]),
        ([[1e308, 1e308], [1e308, -1e308]], [1e308, -1e308]),
        # nearly parallel lines: slopes differ in the last bit, crossing far out
        ([[1.0, 1.0], [1.0, 1.0 + 2.0**-52]], [0.0, 1e300]),
    ]
    cases, expected = [], []
    for W, b in one_layer:
        cases.append({"layers": _net(W, b)})
        expected.append(_arrangement_2d(W, b) if len(W[0]) == 2 else _brute_force_1d(_net(W, b)))
    # d = 3: planes with extreme coefficients in general position
    for W, b in [([[big, tiny, 1.0], [tiny, big, 1.0], [1.0, 1.0, big]], [1.0, -1.0, 0.0]),
                 ([[1.0, 2.0, 3.0], [sub, 1.0, 0.0], [0.0, sub, 1.0], [1e200, 0.0, -1e-200]], [0.0, 1.0, 2.0, 3.0])]:
        n = _general_position_count(W, b)
        assert n is not None
        cases.append({"layers": _net(W, b)})
        expected.append(n)
    # Boxes with huge bounds
    cases += [
        {"layers": _net([[1.0]], [0.0]), "box": _box(-1e300, 1e300)},
        {"layers": _net([[1e-10, 0.0]], [-1e300]), "box": _box(-1e308, 1e308)},  # x = 1e310: outside
        {"layers": _net([[1.0, 0.0]], [-1e307]), "box": _box(-1e308, 1e308)},    # x = 1e307: inside
        {"layers": _net([[1.0], [1.0]], [-sub, sub]), "box": _box(-2 * sub, 2 * sub)},  # zeros at +-sub
        {"layers": _net([[1.0], [1.0]], [-sub, sub]), "box": _box(-sub, 2 * sub)},  # -sub on the boundary
    ]
    expected += [2, 1, 2, 3, 2]
    assert _brute_force_1d(_net([[1.0], [1.0]], [-sub, sub]), box=(-2 * sub, 2 * sub)) == 3
    assert _counts(cases) == expected


def test_deep_extreme_1d_brute_force():
    layers = [(np.array([[1e300], [-1e-300], [5e-324]]), np.array([1.0, 1e-300, -1.0])),
              (np.array([[1.0, 1e300, 1e300], [-1e-300, 1.0, 1e-200]]), np.array([-1.0, 2.0])),
              (np.array([[1.0, 1.0]]), np.array([0.0]))]
    assert _counts([{"layers": layers}]) == [_brute_force_1d(layers)]


def test_random_extreme_sweep():
    """~30 random nets whose weights mix magnitudes from 2^-1074 to 1e300, against exact oracles."""
    rng = random.Random(7)

    def value():
        r = rng.random()
        if r < 0.1:
            return 0.0
        e = rng.choice([-1074, -1060, -1000, -600, -300, -100, 0, 0, 0, 100, 300, 600, 1000, 1020])
        m = rng.choice([1, -1, 3, -5, 7]) * (1 if e < -1070 else rng.choice([1, 1.5, 1.25]))
        return float(np.ldexp(m, e)) if abs(e) < 1024 or e < 0 else 0.0

    cases, expected = [], []
    for k in range(30):
        d = 1 if k < 12 else 2
        n = rng.randint(1, 4)
        W = [[value() for _ in range(d)] for _ in range(n)]
        b = [value() for _ in range(n)]
        layers = _net(W, b)
        cases.append({"layers": layers})
        expected.append(_brute_force_1d(layers) if d == 1 else _arrangement_2d(W, b))
    assert _counts(cases) == expected


def test_extreme_with_two_threads():
    W, b = [[1e300, 1e-300], [1e-300, 1e300], [1.0, -1.0], [5e-324, 1.0]], [1.0, 1.0, 0.0, -1.0]
    n = _arrangement_2d(W, b)
    assert _counts([{"layers": _net(W, b), "threads": 2, "adjacency": True}]) == [[n, n, _edges_2d(W, b)]]


# --- deterministic order ----------------------------------------------------------------------------

def _norm(x):
    if isinstance(x, np.ndarray):
        return _norm(x.tolist())
    if isinstance(x, (list, tuple)):
        return [_norm(v) for v in x]
    if isinstance(x, (np.integer, np.bool_)):
        return x.item()
    return x


def _view(rs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        bits = rs.patterns if rs.patterns.dtype == bool else rs.pattern_bits
        return _norm(bits), _norm(rs.interior_points(exact=True)), _norm(rs.adjacency())


@pytest.mark.parametrize("make, domain", [
    (lambda: nets.one_layer(2, 8, 0), None),
    (lambda: nets.deep_random(2, [4, 4, 6], 3), None),
    (lambda: nets.zero_bias_net(2, [4, 4], 2), None),
    (lambda: nets.sawtooth(4), None),
    (lambda: nets.deep_random(3, [5, 5], 4), tropgeom.Box(-1, 1)),
])
def test_order_independent_of_threads(make, domain):
    net = make()
    one = _view(tropgeom.regions(net, domain, threads=1))
    for _ in range(2):
        assert _view(tropgeom.regions(net, domain, threads=2)) == one
    bits = np.array(one[0], dtype=np.uint8)
    assert [tuple(r) for r in bits] == sorted(tuple(r) for r in bits)  # the canonical order: by pattern
