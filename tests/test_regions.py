"""Oracle tests for the exact region enumerator (tropgeom.regions / count_regions / RegionSet).

Oracles, all independent of the enumerator:
- closed forms (Zaslavsky; 2^n; central and parallel arrangements; the sawtooth; box formula);
- Whitney's formula |chi(-1)| = sum over subsets S with non-empty intersection of (-1)^(|S| - rank S),
  computed here in exact rationals;
- brute force: every sign pattern, layer by layer, decided by an exact LP (tropgeom.Polyhedron) on rows
  composed here in Fractions;
- exact re-checks of every region's interior point, H-representation and affine map (Fractions);
- dense float sampling (a lower bound and a subset check).
"""
from __future__ import annotations

import itertools
import json
import re
from fractions import Fraction as F
from fractions import Fraction
from math import comb

import numpy as np
import pytest

import tropgeom
from tropgeom import BudgetExceeded, InputError

import nets
import sigint
from nets import zaslavsky

# ------------------------------------------------------------------------------------------------
# exact helpers
# ------------------------------------------------------------------------------------------------


def fr(v):
    return v if isinstance(v, F) else F(float(v)) if not isinstance(v, int) else F(v)


def frac_layers(net):
    """[(W, b)] as nested lists of Fractions, independent of the core."""
    return [([[fr(v) for v in row] for row in W], [fr(v) for v in b]) for W, b in net.exact_layers]


def dot(a, x):
    return sum((ai * xi for ai, xi in zip(a, x)), F(0))


def composed_rows(net, bits):
    """Per hidden neuron (layer order): (a, c) with pre-activation a.x + c on the set of inputs whose
    activation pattern is ``bits`` (bits of earlier layers decide which neurons pass their input)."""
    d = net.input_dim
    M = [[F(int(i == j)) for j in range(d)] for i in range(d)]  # current layer input = M x + e
    e = [F(0)] * d
    rows, k = [], 0
    H = net.num_hidden_neurons
    for (W, b), relu in zip(frac_layers(net), net.relu):
        if k == H:
            break  # layers after the last ReLU layer do not decide any pattern
        G = [[dot(Wi, [M[r][j] for r in range(len(M))]) for j in range(d)] for Wi in W]
        g = [dot(Wi, e) + bi for Wi, bi in zip(W, b)]
        if not relu:  # an affine layer without ReLU (relu flag False) composes straight through
            M, e = G, g
            continue
        on = [bool(bits[k + i]) for i in range(len(W))]
        rows += list(zip(G, g))
        k += len(W)
        M = [G[i] if on[i] else [F(0)] * d for i in range(len(W))]
        e = [g[i] if on[i] else F(0) for i in range(len(W))]
    return rows


def layer_sizes(net):
    return [W.shape[0] for W, r in zip(net.weights, net.relu) if r]


def pattern_constraints(rows, bits):
    """Closed constraints (A, b) of the pattern; None if a zero row makes the pattern empty.

    Active: a.x + c > 0 (closure: -a.x <= c); inactive: a.x + c <= 0.  A zero row (a = 0) is either
    satisfied everywhere or nowhere: active needs c > 0, inactive c <= 0 (ties are inactive)."""
    A, b = [], []
    for (a, c), on in zip(rows, bits):
        if all(v == 0 for v in a):
            if (on and c <= 0) or (not on and c > 0):
                return None
            continue
        if on:
            A.append([-v for v in a]), b.append(c)
        else:
            A.append(list(a)), b.append(-c)
    return A, b


def full_dimensional(A, b, d, domain=None):
    """Exact: {A x <= b} (and the domain rows) has an interior point."""
    A, b = list(A), list(b)
    if domain is not None:
        A += [list(r) for r in domain[0]]
        b += list(domain[1])
    if not A:
        return True
    Aa = np.empty((len(A), d), dtype=object)
    for i, r in enumerate(A):
        for j, v in enumerate(r):
            Aa[i, j] = fr(v)
    ba = np.array([fr(v) for v in b], dtype=object)
    return tropgeom.Polyhedron(Aa, ba).is_full_dimensional()


def brute_force_patterns(net, domain=None):
    """Every activation pattern whose region is full-dimensional (in the domain rows, if given), found
    by trying all sign patterns layer by layer (an empty prefix prunes its extensions) with one exact
    LP each.  Returns a set of bit tuples."""
    d = net.input_dim
    sizes = layer_sizes(net)
    H = sum(sizes)
    prefixes = [()]
    for n in sizes:
        nxt = []
        for pre in prefixes:
            for ext in itertools.product((0, 1), repeat=n):
                bits = pre + ext
                rows = composed_rows(net, bits + (0,) * (H - len(bits)))[: len(bits)]
                cons = pattern_constraints(rows, bits)
                if cons is not None and full_dimensional(*cons, d, domain):
                    nxt.append(bits)
        prefixes = nxt
    return set(prefixes)


def box_rows(lo, hi, d):
    lo = [fr(v) for v in np.broadcast_to(lo, d)]
    hi = [fr(v) for v in np.broadcast_to(hi, d)]
    A = [[F(int(i == j)) for j in range(d)] for i in range(d)] + [[F(-int(i == j)) for j in range(d)] for i in range(d)]
    return A, hi + [-v for v in lo]


def rank(rows):
    """Exact rank of a list of rows of Fractions."""
    M = [list(r) for r in rows]
    r = 0
    ncols = len(M[0]) if M else 0
    for c in range(ncols):
        p = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
        if p is None:
            continue
        M[r], M[p] = M[p], M[r]
        for i in range(len(M)):
            if i != r and M[i][c] != 0:
                f = M[i][c] / M[r][c]
                M[i] = [x - f * y for x, y in zip(M[i], M[r])]
        r += 1
    return r


def whitney_regions(W, b):
    """|chi(-1)| = sum over subsets S with non-empty intersection of (-1)^(|S| - rank S): the number of
    regions of the arrangement {W_i x + b_i = 0} of distinct hyperplanes (Zaslavsky's theorem)."""
    W = [[fr(v) for v in row] for row in np.asarray(W)]
    b = [fr(v) for v in np.asarray(b)]
    total = 0
    for k in range(len(W) + 1):
        for S in itertools.combinations(range(len(W)), k):
            rW = rank([W[i] for i in S]) if S else 0
            rWb = rank([W[i] + [b[i]] for i in S]) if S else 0
            if rW == rWb:  # the system W_S x = -b_S is consistent
                total += (-1) ** (k - rW)
    return total


def distinct_hyperplanes(W, b):
    """Drop zero rows and rows describing the same hyperplane as an earlier one (exactly)."""
    keep, seen = [], set()
    for i, (w, c) in enumerate(zip(np.asarray(W), np.asarray(b))):
        row = [fr(v) for v in w] + [fr(c)]
        nz = next((v for v in row[:-1] if v != 0), None)
        if nz is None:
            continue
        key = tuple(v / nz for v in row)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return np.asarray(W)[keep], np.asarray(b)[keep]


def bits_key(bits):
    return tuple(int(v) for v in bits)


def region_patterns(rs):
    return {bits_key(r) for r in rs.patterns}


def strictly_inside_step(A, b, p, v):
    """p + t v with t > 0 chosen exactly so the point stays strictly inside {A x <= b}."""
    t = None
    for a, bi in zip(A, b):
        av = dot(a, v)
        if av > 0:
            s = (bi - dot(a, p)) / av
            t = s if t is None or s < t else t
    t = F(1) if t is None else t / 2
    return [pi + t * vi for pi, vi in zip(p, v)]


def to_obj(x):
    return np.array([fr(v) for v in x], dtype=object)


def check_regions(net, rs, domain_rows=None, *, generic=True, lp_checks=True, seed=0):
    """Exact checks of every region of rs against the network itself.

    - patterns unique; packed patterns == np.packbits(pattern_bits, little);
    - the interior point has the region's pattern: +1 where active; -1 where inactive (0 allowed only
      for a neuron whose pre-activation is identically zero on the region; never when ``generic``);
    - it satisfies halfspaces(i) strictly; every row of halfspaces(i) is a positive multiple of the
      pattern's constraint of facet_neurons(i)[k] (or of a domain row for -1);
    - (lp_checks) halfspaces(i) is irredundant, implies the whole pattern (so it is exactly the closure
      of the region), and is_bounded agrees with exact LPs;
    - the affine map equals the exact forward pass at the interior point and at two more exact
      interior points.
    """
    d, H = net.input_dim, net.num_hidden_neurons
    R = rs.num_activation_regions if rs.kind == "linear" else rs.count
    bits = rs.patterns
    assert bits.shape == (R, H) and bits.dtype == bool
    assert len(region_patterns(rs)) == R, "an activation pattern appears twice"
    packed = rs.packed_patterns
    assert packed.dtype == np.uint8 and packed.shape == (R, (H + 7) // 8)
    assert np.array_equal(packed, np.packbits(bits, axis=1, bitorder="little"))
    pts = rs.interior_points(exact=True)
    assert pts.shape == (R, d) and all(isinstance(v, F) for v in pts.ravel())
    fpts = rs.interior_points(exact=False)
    assert fpts.dtype == np.float64 and np.allclose(fpts, pts.astype(np.float64), rtol=1e-12, atol=1e-300)
    signs = net.exact_signs(pts)
    bounded = rs.bounded()
    assert bounded.shape == (R,) and bounded.dtype == bool
    rng = np.random.default_rng(seed)
    for i in range(R):
        p = list(pts[i])
        rows = composed_rows(net, bits[i])
        for j in range(H):
            if bits[i, j]:
                assert signs[i, j] == 1, f"region {i}: neuron {j} active but sign {signs[i, j]}"
            elif signs[i, j] == 0:
                assert not generic, f"region {i}: interior point on the hyperplane of neuron {j}"
                a, c = rows[j]
                assert all(v == 0 for v in a) and c == 0, \
                    f"region {i}: interior point on neuron {j}'s hyperplane, which cuts the region"
            else:
                assert signs[i, j] == -1
        A, b = rs.halfspaces(i, exact=True)
        fn = rs.facet_neurons(i)
        assert A.shape == (len(b), d) and len(fn) == len(b)
        A = [[fr(v) for v in row] for row in A]
        b = [fr(v) for v in b]
        for k, (a, bk) in enumerate(zip(A, b)):
            assert dot(a, p) < bk, f"region {i}: interior point not strictly inside row {k}"
            j = fn[k]
            if j < 0:
                assert domain_rows is not None, f"region {i}: a domain row on R^d"
                ok = any(_positive_multiple(a + [bk], list(ra) + [rb]) for ra, rb in zip(*domain_rows))
                assert ok, f"region {i}: row {k} is not a domain row"
            else:
                ga, gc = rows[j]
                want = ([-v for v in ga] + [gc]) if bits[i, j] else (list(ga) + [-gc])
                assert _positive_multiple(a + [bk], want), \
                    f"region {i}: row {k} is not the constraint of neuron {j}"
        if lp_checks:
            _check_hrep_lp(net, i, A, b, rows, bits[i], bool(bounded[i]), d, domain_rows)
        J, c = rs.affine_map(i, exact=True)
        out = net.output_dim
        assert J.shape == (out, d) and c.shape == (out,)
        probes = [p]
        for _ in range(2):
            v = [F(int(x)) for x in rng.integers(-5, 6, size=d)]
            probes.append(strictly_inside_step(A, b, p, v))
        for x in probes:
            want = net.forward(to_obj(x), exact=True)
            got = [dot([fr(v) for v in J[o]], x) + fr(c[o]) for o in range(out)]
            assert list(want) == got, f"region {i}: affine map differs from the exact forward pass"
            s = net.exact_signs(to_obj(x))
            assert all((s[j] == 1) == bool(bits[i, j]) for j in range(H)), f"region {i}: probe left the region"


def _positive_multiple(u, v):
    """u = t v for some t > 0 (exact)."""
    k = next((idx for idx, x in enumerate(v) if x != 0), None)
    if k is None or u[k] == 0:
        return False
    t = u[k] / v[k]
    return t > 0 and all(x == t * y for x, y in zip(u, v))


def _check_hrep_lp(net, i, A, b, rows, bits, bounded, d, domain_rows=None):
    Aa = np.array(A, dtype=object).reshape(len(A), d)
    ba = np.array(b, dtype=object)
    P = tropgeom.Polyhedron(Aa, ba) if len(A) else tropgeom.Polyhedron(np.zeros((0, d)), np.zeros(0), dim=d)
    assert P.is_full_dimensional()
    if len(A):
        assert sorted(P.irredundant()) == list(range(len(A))), f"region {i}: halfspaces are redundant"
    # the H-representation implies every neuron's sign: it is the region, not a superset
    for j, ((a, c), on) in enumerate(zip(rows, bits)):
        if all(v == 0 for v in a):
            assert (c > 0) == bool(on)
            continue
        r = P.minimize(to_obj(a)) if on else P.maximize(to_obj(a))
        assert r.status == "optimal", f"region {i}: neuron {j} unbounded over the H-representation"
        assert (r.value + c >= 0) if on else (r.value + c <= 0), f"region {i}: H-rep misses neuron {j}"
    # ... and lies in the domain
    for ra, rb in zip(*(domain_rows or ([], []))):
        r = P.maximize(to_obj(ra))
        assert r.status == "optimal" and r.value <= rb, f"region {i}: H-rep leaves the domain"
    # bounded iff every coordinate is bounded above and below
    lp_bounded = True
    for k in range(d):
        e = np.array([F(int(k == j)) for j in range(d)], dtype=object)
        if P.maximize(e).status != "optimal" or P.minimize(e).status != "optimal":
            lp_bounded = False
            break
    assert bounded == lp_bounded, f"region {i}: is_bounded says {bounded}, LP says {lp_bounded}"


# ------------------------------------------------------------------------------------------------
# self-checks of the oracles
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d,n,seed", [(1, 4, 0), (2, 5, 1), (3, 6, 2), (2, 3, 3)])
def test_whitney_oracle_on_general_position(d, n, seed):
    net = nets.one_layer(d, n, seed)
    W, b = net.weights[0], net.biases[0]
    assert whitney_regions(W, b) == zaslavsky(d, n)


def test_whitney_oracle_on_known_degenerate_cases():
    # 4 lines through the origin: 8; 3 parallel lines: 4
    assert whitney_regions([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, 0, 0]) == 8
    assert whitney_regions([[1, 0]] * 3, [0, -1, -2]) == 4
    # x = 0, y = 0, x + y = 0 (6 regions) plus y = 1, which meets two of them: cut into 3, adds 3
    assert whitney_regions([[1, 0], [0, 1], [1, 1], [0, 1]], [0, 0, 0, -1]) == 9
    # 3 coordinate planes and x + y + z = 0 in R^3: 14 (a generic central arrangement of 4 planes)
    assert whitney_regions([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [0, 0, 0, 0]) == 14


def test_brute_force_oracle_on_one_layer():
    net = nets.one_layer(2, 4, 5)
    assert len(brute_force_patterns(net)) == zaslavsky(2, 4)
    assert len(brute_force_patterns(nets.concurrent_lines(3))) == 6


# ------------------------------------------------------------------------------------------------
# closed forms
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_one_layer_general_position(d, n):
    net = nets.one_layer(d, n, seed=100 * d + n)
    want = zaslavsky(d, n)
    c = tropgeom.count_regions(net)
    assert type(c) is int and c == want
    if want <= 64:
        rs = tropgeom.regions(net)
        assert type(rs.count) is int and rs.count == len(rs) == want
        assert rs.complete is True and rs.kind == "activation"
        assert int(rs.bounded().sum()) == comb(n - 1, d)


def test_one_layer_larger_n():
    assert tropgeom.count_regions(nets.one_layer(2, 12, 7)) == zaslavsky(2, 12)
    assert tropgeom.count_regions(nets.one_layer(4, 9, 8)) == zaslavsky(4, 9)


@pytest.mark.parametrize("n,d", [(1, 1), (2, 2), (3, 3), (2, 4), (4, 4), (3, 5)])
def test_independent_rows(n, d):
    rs = tropgeom.regions(nets.independent_rows(n, d, seed=n + d))
    assert rs.count == 2 ** n
    assert region_patterns(rs) == set(itertools.product((0, 1), repeat=n))
    assert not rs.bounded().any()


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_concurrent_lines(k):
    net = nets.concurrent_lines(k)
    rs = tropgeom.regions(net)
    assert rs.count == 2 * k
    assert not rs.bounded().any()
    check_regions(net, rs, generic=True)
    # the regions around a point form a cycle (k >= 2): 2k adjacent pairs
    assert len(rs.adjacency()) == (1 if k == 1 else 2 * k)


@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_parallel_hyperplanes(k, d):
    rs = tropgeom.regions(nets.parallel_lines(k, d))
    assert rs.count == k + 1
    assert len(rs.adjacency()) == k
    # the slabs in order: the pattern of slab x1 in (i-1, i) has the first i neurons active
    assert region_patterns(rs) == {tuple([1] * i + [0] * (k - i)) for i in range(k + 1)}


def test_duplicate_neurons():
    net = nets.duplicate_neurons()
    rs = tropgeom.regions(net)
    assert rs.count == 7
    bits = rs.patterns
    # w and its positive multiples agree, -w is the opposite, on every region
    assert np.array_equal(bits[:, 0], bits[:, 1]) and np.array_equal(bits[:, 0], bits[:, 3])
    assert np.array_equal(bits[:, 2], ~bits[:, 0])
    assert int(rs.bounded().sum()) == 1
    check_regions(net, rs)
    adj = rs.adjacency()
    assert len(adj) == 9  # three generic lines: 3^2 edges
    # crossing the shared line flips the four neurons on it at once
    assert {nb for _, _, nb in adj} == {(0, 1, 2, 3), (4,), (5,)}


def test_dead_neurons():
    net = nets.dead_neuron_net()
    rs = tropgeom.regions(net)
    assert rs.count == 7 == tropgeom.count_regions(net)
    assert not rs.patterns[:, 3].any() and rs.patterns[:, 4].all()
    check_regions(net, rs)
    assert all(4 not in nb and 3 not in nb for _, _, nb in rs.adjacency())
    assert tropgeom.count_regions(net, kind="linear") == 4


def test_identically_zero_neuron_splits_nothing():
    net = nets.zero_neuron_net()
    rs = tropgeom.regions(net)
    assert rs.count == 7
    assert not rs.patterns[:, 1].any()
    assert (net.exact_signs(rs.interior_points(exact=True))[:, 1] == 0).all()
    check_regions(net, rs, generic=False)


def test_box_formula_2d():
    """1 + #(lines meeting int K) + #(intersection points in int K), for lines in general position."""
    missed = 0
    for seed, n, (lo, hi) in [(0, 6, (-1.0, 1.0)), (1, 9, (-1.0, 1.0)), (2, 12, (-0.5, 2.0)), (3, 4, (0.0, 3.0))]:
        net = nets.box_lines(n, seed, lo, hi)
        W = [[fr(v) for v in row] for row in net.weights[0]]
        b = [fr(v) for v in net.biases[0]]
        L, Hh = fr(lo), fr(hi)
        corners = [(x, y) for x in (L, Hh) for y in (L, Hh)]
        meets = []
        for w, c in zip(W, b):
            vals = [dot(w, p) + c for p in corners]
            assert all(v != 0 for v in vals)
            meets.append(min(vals) < 0 < max(vals))
        points_on = [0] * n
        inner = 0
        for i, j in itertools.combinations(range(n), 2):
            det = W[i][0] * W[j][1] - W[i][1] * W[j][0]
            assert det != 0
            x = (-b[i] * W[j][1] + b[j] * W[i][1]) / det
            y = (-W[i][0] * b[j] + W[j][0] * b[i]) / det
            assert dot(W[i], (x, y)) + b[i] == 0 and dot(W[j], (x, y)) + b[j] == 0
            assert x not in (L, Hh) and y not in (L, Hh)
            if L < x < Hh and L < y < Hh:
                inner += 1
                points_on[i] += 1
                points_on[j] += 1
        want = 1 + sum(meets) + inner
        missed += n - sum(meets)
        box = tropgeom.Box(lo, hi, dim=2)
        rs = tropgeom.regions(net, box)
        assert rs.count == want == tropgeom.count_regions(net, tropgeom.Box([lo, lo], [hi, hi]))
        assert rs.bounded().all()
        # adjacency = interior edges: each line meeting int K is cut into 1 + (its points inside) pieces
        assert len(rs.adjacency()) == sum(1 + points_on[i] for i in range(n) if meets[i])
        if seed == 0:
            check_regions(net, rs, box_rows(lo, hi, 2))
    assert missed > 0  # the formula is exercised with lines that miss the box


def test_big_box_equals_whole_space():
    """A box whose interior contains every vertex of a generic line arrangement meets every region."""
    net = nets.one_layer(2, 7, 11)
    W = [[fr(v) for v in row] for row in net.weights[0]]
    b = [fr(v) for v in net.biases[0]]
    M = F(1)
    for i, j in itertools.combinations(range(7), 2):
        det = W[i][0] * W[j][1] - W[i][1] * W[j][0]
        x = (-b[i] * W[j][1] + b[j] * W[i][1]) / det
        y = (-W[i][0] * b[j] + W[j][0] * b[i]) / det
        M = max(M, abs(x) + 1, abs(y) + 1)
    m = float(M.__ceil__())
    inside = tropgeom.regions(net, tropgeom.Box(-m, m, dim=2))
    assert inside.count == zaslavsky(2, 7)
    assert region_patterns(inside) == region_patterns(tropgeom.regions(net))


def _convex_domain_count(net, A, b):
    """Regions of a generic arrangement inside an open convex polytope K = {A x < b}: the number of
    subsets S (|S| <= d, S empty included) whose flat meets int K (each such flat is the lowest face
    of exactly one region, counted by its lowest vertex in a generic direction)."""
    d = net.input_dim
    W, c = net.exact_layers[0]
    Aa = np.array([[fr(v) for v in row] for row in A], dtype=object)
    ba = np.array([fr(v) for v in b], dtype=object)
    total = 0
    for k in range(d + 1):
        for S in itertools.combinations(range(W.shape[0]), k):
            if not S:
                total += 1
                continue
            C = np.array([[W[i, j] for j in range(d)] for i in S], dtype=object)
            e = np.array([-c[i] for i in S], dtype=object)
            P = tropgeom.Polyhedron(Aa, ba, C, e)
            if P.is_feasible() and not P.implicit_equalities():
                total += 1
    return total


def test_convex_domain_formula_3d_box():
    net = nets.one_layer(3, 6, 21)
    A, b = box_rows(-0.3, 0.4, 3)
    want = _convex_domain_count(net, A, b)
    assert 1 < want < zaslavsky(3, 6)  # the box is small enough to miss some vertices
    assert tropgeom.count_regions(net, tropgeom.Box(-0.3, 0.4, dim=3)) == want


def test_convex_domain_formula_triangle():
    net = nets.one_layer(2, 8, 22)
    A = np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]])
    b = np.array([0.5, 0.5, 0.5])  # x >= -1/2, y >= -1/2, x + y <= 1/2
    want = _convex_domain_count(net, A, b)
    dom = tropgeom.Polytope(A, b)
    rs = tropgeom.regions(net, dom)
    assert rs.count == want
    assert rs.bounded().all()
    check_regions(net, rs, ([[fr(v) for v in r] for r in A], [fr(v) for v in b]))


def test_one_dimensional_box_counts():
    net = nets.one_layer(1, 10, 3)
    w, c = net.weights[0][:, 0], net.biases[0]
    roots = [-F(float(ci)) / F(float(wi)) for wi, ci in zip(w, c)]
    for lo, hi in [(-0.05, 0.05), (-1.0, 1.0), (0.0, 0.2)]:
        inside = sum(1 for r in roots if F(lo) < r < F(hi))
        assert tropgeom.count_regions(net, tropgeom.Box(lo, hi)) == inside + 1


# ------------------------------------------------------------------------------------------------
# degenerate arrangements: Whitney's formula
# ------------------------------------------------------------------------------------------------


DEGENERATE_2D = (
    # x = 0, y = 0, x = y through the origin; x = y, x + y = 1, x = 1/2 through (1/2, 1/2);
    # x - y = 1, y = 0, x + y = 1 through (1, 0); y = 1 parallel to y = 0, x - y = 1 parallel to x = y
    [[1, 0], [0, 1], [1, -1], [1, 1], [1, 0], [0, 1], [1, -1]],
    [0, 0, 0, -1, -0.5, -1, -1],
)

DEGENERATE_3D = (
    # x=0, y=0, z=0, x+y+z=0 through the origin; x+y=1, x=1; z=1 parallel to z=0; x+y+z=1 parallel
    [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 1], [1, 1, 1]],
    [0, 0, 0, 0, -1, -1, -1, -1],
)


@pytest.mark.parametrize("W,b", [DEGENERATE_2D, DEGENERATE_3D], ids=["2d", "3d"])
def test_degenerate_arrangement_whitney(W, b):
    net = nets.arrangement_net(W, b)
    want = whitney_regions(W, b)
    rs = tropgeom.regions(net)
    assert rs.count == want == tropgeom.count_regions(net)
    assert region_patterns(rs) == brute_force_patterns(net)
    check_regions(net, rs, generic=False, lp_checks=len(W[0]) == 2)


@pytest.mark.parametrize("seed", range(6))
def test_random_degenerate_arrangements(seed):
    """Small-integer hyperplanes: many concurrences and parallels; Whitney and brute force agree."""
    rng = np.random.default_rng(1000 + seed)
    d = 2 if seed < 4 else 3
    W = rng.integers(-1, 2, size=(14, d)).astype(float)
    b = rng.integers(-1, 2, size=14).astype(float)
    W, b = distinct_hyperplanes(W, b)
    W, b = W[:7], b[:7]
    net = nets.arrangement_net(W, b)
    want = whitney_regions(W, b)
    assert tropgeom.count_regions(net) == want
    if d == 2:
        assert region_patterns(tropgeom.regions(net)) == brute_force_patterns(net)


def test_degenerate_with_duplicates_counts_distinct_hyperplanes():
    W, b = DEGENERATE_2D
    W2 = np.vstack([W, np.array(W[:3]) * np.array([[2.0], [-1.0], [0.5]])])
    b2 = np.concatenate([b, np.array(b[:3]) * np.array([2.0, -1.0, 0.5])])
    assert tropgeom.count_regions(nets.arrangement_net(W2, b2)) == whitney_regions(W, b)


# ------------------------------------------------------------------------------------------------
# brute force on tiny deep nets (and zero-bias nets)
# ------------------------------------------------------------------------------------------------

BRUTE_NETS = [
    ("deep_2_3x2_s0", lambda: nets.deep_random(2, [3, 2], 0)),
    ("deep_2_3x2_s1", lambda: nets.deep_random(2, [3, 2], 1)),
    ("deep_2_4x3_s2", lambda: nets.deep_random(2, [4, 3], 2)),
    ("deep_2_4x3_s3", lambda: nets.deep_random(2, [4, 3], 3)),
    ("deep_2_3x2x2_s4", lambda: nets.deep_random(2, [3, 2, 2], 4)),
    ("deep_1_3x3x2_s5", lambda: nets.deep_random(1, [3, 3, 2], 5)),
    ("deep_3_3x3_s6", lambda: nets.deep_random(3, [3, 3], 6)),
    ("zb_2_4x3_s0", lambda: nets.zero_bias_net(2, [4, 3], 0)),
    ("zb_2_4x3_s1", lambda: nets.zero_bias_net(2, [4, 3], 1)),
    ("zb_2_3x3x2_s2", lambda: nets.zero_bias_net(2, [3, 3, 2], 2)),
    ("zb_3_3x3_s3", lambda: nets.zero_bias_net(3, [3, 3], 3)),
    ("sawtooth_3", lambda: nets.sawtooth(3)),
    ("relu_on_output", lambda: tropgeom.Network(nets.deep_random(2, [3], 7, out=2).layers, relu=[True, True])),
    ("rationalized_q2", lambda: tropgeom.Network(nets.deep_random(2, [4, 3], 8).layers, rationalize=2)),
    # narrower than the input: deep neurons are flat along directions no active neuron sees, so the
    # float LP's optimum is a face, not a vertex (the residual-bound and exact-certificate paths)
    ("deep_4_2x3_s10", lambda: nets.deep_random(4, [2, 3], 10)),
    ("deep_5_3x3_s11", lambda: nets.deep_random(5, [3, 3], 11)),
    ("narrow_rationalized_q3", lambda: tropgeom.Network(nets.deep_random(4, [2, 3], 12).layers, rationalize=3)),
    # a linear bottleneck: every neuron is flat along a 2-dimensional kernel, every optimum is a face
    ("linear_bottleneck", lambda: tropgeom.Network(nets.deep_random(4, [2, 3, 2], 13).layers,
                                                   relu=[False, True, True, False])),
]
BOX_NETS = BRUTE_NETS[:5] + BRUTE_NETS[7:9] + BRUTE_NETS[-4:]


@pytest.mark.parametrize("name,make", BRUTE_NETS, ids=[n for n, _ in BRUTE_NETS])
def test_brute_force_whole_space(name, make):
    net = make()
    want = brute_force_patterns(net)
    rs = tropgeom.regions(net)
    assert rs.count == len(want) == tropgeom.count_regions(net)
    assert region_patterns(rs) == want
    generic = name.startswith("deep")
    check_regions(net, rs, generic=generic, lp_checks=net.input_dim <= 2)


@pytest.mark.parametrize("name,make", BOX_NETS, ids=[n for n, _ in BOX_NETS])
def test_brute_force_box(name, make):
    net = make()
    d = net.input_dim
    lo, hi = -0.7, 0.4
    dom = box_rows(lo, hi, d)
    want = brute_force_patterns(net, dom)
    rs = tropgeom.regions(net, tropgeom.Box(lo, hi, dim=d))
    assert region_patterns(rs) == want and rs.count == len(want)
    assert rs.bounded().all()
    check_regions(net, rs, dom, generic=name.startswith("deep"), lp_checks=False)


def test_brute_force_unbounded_polyhedral_domain():
    net = nets.deep_random(2, [4, 3], 9)
    # an unbounded wedge; 1/3 is not dyadic: the domain is the one its float64 rows describe
    A, exact_b = [[F(1), F(2)], [F(-1), F(1)]], [F(1 / 3), F(0.5)]
    dom = tropgeom.Polytope(np.array([[1.0, 2.0], [-1.0, 1.0]]), np.array([1 / 3, 0.5]), bounded=False)
    want = brute_force_patterns(net, (A, exact_b))
    rs = tropgeom.regions(net, dom)
    assert region_patterns(rs) == want
    assert not rs.bounded().all()
    check_regions(net, rs, (A, exact_b), lp_checks=True)


def test_zero_bias_one_layer_is_a_central_arrangement():
    for d, n in [(2, 5), (3, 5), (4, 6), (3, 2)]:
        net = nets.zero_bias_net(d, [n], seed=d * n)
        want = 2 * sum(comb(n - 1, j) for j in range(d)) if n > d else 2 ** n
        assert tropgeom.count_regions(net) == want


def test_zero_bias_deep_3d_and_4d_brute_force():
    for d, widths, seed in [(3, [4, 3], 7), (4, [4, 2], 8)]:
        net = nets.zero_bias_net(d, widths, seed)
        assert tropgeom.count_regions(net) == len(brute_force_patterns(net))


# ------------------------------------------------------------------------------------------------
# sampling
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d,widths,seed", [(2, [6, 5], 0), (3, [5, 5], 1), (2, [5, 4, 3], 2)])
def test_dense_sampling_lower_bound(d, widths, seed):
    net = nets.deep_random(d, widths, seed)
    rs = tropgeom.regions(net, tropgeom.Box(-2.0, 2.0, dim=d))
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(20000, d))
    sampled = {bytes(r) for r in net.packed_activation_patterns(X)}
    exact = {bytes(r) for r in rs.packed_patterns}
    assert len(exact) == rs.count
    assert sampled <= exact
    assert len(sampled) <= rs.count
    assert len(sampled) >= rs.count // 3  # the sampler is not blind (guards against a vacuous test)
    # the whole-space regions contain the box's
    whole = {bytes(r) for r in tropgeom.regions(net).packed_patterns}
    assert exact <= whole


# ------------------------------------------------------------------------------------------------
# per-region geometry on generic nets
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make,domain", [
    (lambda: nets.one_layer(2, 5, 1), None),
    (lambda: nets.one_layer(3, 5, 2), None),
    (lambda: nets.one_layer(2, 4, 3, out=3), (-1.0, 1.0)),
    (lambda: nets.deep_random(2, [5, 4], 4, out=2), None),
    (lambda: nets.deep_random(2, [5, 4], 4, out=2), (-0.5, 0.5)),
    (lambda: nets.deep_random(3, [4, 3], 5), None),
    (lambda: nets.deep_random(2, [3, 3, 3], 6), (-1.0, 1.5)),
], ids=["1l_2d", "1l_3d", "1l_box_3out", "deep_2d", "deep_2d_box", "deep_3d", "deep3_box"])
def test_region_geometry(make, domain):
    net = make()
    d = net.input_dim
    if domain is None:
        rs = tropgeom.regions(net)
        check_regions(net, rs)
    else:
        rs = tropgeom.regions(net, tropgeom.Box(*domain, dim=d))
        check_regions(net, rs, box_rows(*domain, d))
        assert rs.bounded().all()
        assert any(-1 in rs.facet_neurons(i) for i in range(rs.count))


def test_region_index_errors():
    rs = tropgeom.regions(nets.one_layer(2, 3, 0))
    with pytest.raises(IndexError):
        rs.halfspaces(rs.count)
    with pytest.raises(IndexError):
        rs.affine_map(-rs.count - 1)
    A, b = rs.halfspaces(-1)
    A2, b2 = rs.halfspaces(rs.count - 1)
    assert (A == A2).all() and (b == b2).all()


# ------------------------------------------------------------------------------------------------
# adjacency
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d,n", [(1, 5), (2, 4), (2, 7), (3, 5), (4, 6)])
def test_adjacency_one_layer_general_position(d, n):
    """Facets of a generic arrangement: each hyperplane is cut by the others into zaslavsky(d-1, n-1)
    pieces (n^2 for lines in the plane); two regions are adjacent iff they differ in one neuron."""
    rs = tropgeom.regions(nets.one_layer(d, n, seed=d + 10 * n))
    adj = rs.adjacency()
    assert len(adj) == n * zaslavsky(d - 1, n - 1)
    bits = rs.patterns
    pairs = set()
    for i, j, nb in adj:
        assert 0 <= i < j < rs.count
        assert len(nb) == 1
        assert nb == tuple(int(k) for k in np.flatnonzero(bits[i] != bits[j]))
        pairs.add((i, j))
    assert len(pairs) == len(adj)
    hamming1 = {(i, j) for i, j in itertools.combinations(range(rs.count), 2)
                if int((bits[i] != bits[j]).sum()) == 1}
    assert pairs == hamming1
    if d == 2:  # Euler: V - E + F = 1 for a generic line arrangement in the plane
        assert comb(n, 2) - len(adj) + rs.count == 1


@pytest.mark.parametrize("d,widths,seed,box", [
    (2, [4, 3], 0, None), (2, [5, 4], 1, 0.8), (3, [4, 4], 2, None), (2, [3, 3, 3], 3, None),
])
def test_adjacency_deep(d, widths, seed, box):
    """Every listed pair shares a (d-1)-face (exact LP on the two closures), flips one neuron, and the
    facets match one to one: 2 #pairs = #(non-domain facets over all regions)."""
    net = nets.deep_random(d, widths, seed)
    rs = tropgeom.regions(net, None if box is None else tropgeom.Box(-box, box, dim=d))
    adj = rs.adjacency()
    bits = rs.patterns
    assert len({(i, j) for i, j, _ in adj}) == len(adj)
    hreps = [rs.halfspaces(i, exact=True) for i in range(rs.count)]
    facets = sum(sum(1 for k in rs.facet_neurons(i) if k >= 0) for i in range(rs.count))
    assert 2 * len(adj) == facets
    for i, j, nb in adj:
        assert i < j
        assert nb == tuple(int(k) for k in np.flatnonzero(bits[i] != bits[j])) and len(nb) == 1
        A = np.vstack([hreps[i][0], hreps[j][0]])
        b = np.concatenate([hreps[i][1], hreps[j][1]])
        assert tropgeom.Polyhedron(A, b).dimension() == d - 1
    # and every region has a neighbour (the complex is connected)
    seen = {i for i, _, _ in adj} | {j for _, j, _ in adj}
    assert seen == set(range(rs.count))


def test_adjacency_degenerate_arrangements():
    """Ties the float filter cannot settle go exact: two neurons on one hyperplane (x = 0, as x and 2x)
    flip together; three lines through the origin bound 6 sectors in a 6-cycle."""
    twin = tropgeom.Network([(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]), np.zeros(3)),
                             (np.ones((1, 3)), np.zeros(1))])
    rs = tropgeom.regions(twin)
    adj = rs.adjacency()
    assert rs.count == 4 and len(adj) == 4
    assert sorted(nb for _, _, nb in adj) == [(0, 1), (0, 1), (2,), (2,)]
    star = tropgeom.Network([(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.zeros(3)),
                             (np.ones((1, 3)), np.zeros(1))])
    rs = tropgeom.regions(star, tropgeom.Box(-1, 1))
    adj = rs.adjacency()
    assert rs.count == 6 and len(adj) == 6
    assert all(len(nb) == 1 for _, _, nb in adj)
    degree = np.bincount([i for i, j, _ in adj] + [j for i, j, _ in adj], minlength=6)
    assert (degree == 2).all()


def test_adjacency_sawtooth_is_a_path():
    rs = tropgeom.regions(nets.sawtooth(4))
    adj = rs.adjacency()
    assert len(adj) == rs.count - 1
    order = np.argsort(rs.interior_points(exact=False)[:, 0])
    rank_of = {int(r): k for k, r in enumerate(order)}
    assert sorted(abs(rank_of[i] - rank_of[j]) for i, j, _ in adj) == [1] * (rs.count - 1)


# ------------------------------------------------------------------------------------------------
# linear regions
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_sawtooth_linear_regions(k):
    net = nets.sawtooth(k)
    rs = tropgeom.regions(net, kind="linear")
    assert rs.kind == "linear"
    assert rs.count == len(rs) == nets.sawtooth_count(k)
    assert rs.num_activation_regions == nets.sawtooth_count(k)
    assert tropgeom.count_regions(net, kind="linear") == nets.sawtooth_count(k)
    assert tropgeom.count_regions(net) == nets.sawtooth_count(k)
    unit = tropgeom.Box(0.0, 1.0)
    assert tropgeom.count_regions(net, unit, kind="linear") == 2 ** k
    assert tropgeom.count_regions(net, unit) == 2 ** k
    # slopes on [0, 1] alternate +-2^k
    rs01 = tropgeom.regions(net, unit)
    xs = rs01.interior_points(exact=False)[:, 0]
    slopes = [rs01.affine_map(i, exact=True)[0][0, 0] for i in np.argsort(xs)]
    assert slopes == [F((-1) ** m * 2 ** k) for m in range(2 ** k)]


def test_zero_output_weights_one_linear_region():
    net = nets.zero_output_net(2, 5, 3)
    rs = tropgeom.regions(net, kind="linear")
    assert rs.count == 1
    assert rs.num_activation_regions == zaslavsky(2, 5)
    assert sorted(rs.members[0].tolist()) == list(range(zaslavsky(2, 5)))
    net3 = nets.zero_output_net(3, 4, 4)
    assert tropgeom.count_regions(net3, kind="linear") == 1
    assert tropgeom.count_regions(net3, tropgeom.Box(-1, 1, dim=3), kind="linear") == 1


@pytest.mark.parametrize("d,n", [(1, 4), (2, 6), (3, 5)])
def test_positive_output_weights_linear_equals_activation(d, n):
    rng = np.random.default_rng(d * n)
    net = nets.one_layer(d, n, seed=d + n, out_weights=rng.uniform(0.5, 2.0, size=(1, n)))
    rs = tropgeom.regions(net, kind="linear")
    assert rs.count == rs.num_activation_regions == zaslavsky(d, n)
    assert all(len(m) == 1 for m in rs.members)


@pytest.mark.parametrize("d,n,zero", [(2, 6, [0, 3]), (3, 5, [4]), (2, 5, [0, 1, 2, 3])])
def test_zero_output_columns_merge_across_their_hyperplanes(d, n, zero):
    rng = np.random.default_rng(n)
    Wout = rng.normal(size=(2, n))
    Wout[:, zero] = 0.0
    net = nets.one_layer(d, n, seed=7 * n + d, out=2, out_weights=Wout)
    rs = tropgeom.regions(net, kind="linear")
    assert rs.count == zaslavsky(d, n - len(zero))
    assert rs.num_activation_regions == zaslavsky(d, n)
    _check_members(rs)
    # a neuron zero in one output only still separates linear regions
    Wout2 = rng.normal(size=(2, n))
    Wout2[0, zero] = 0.0
    net2 = nets.one_layer(d, n, seed=7 * n + d, out=2, out_weights=Wout2)
    assert tropgeom.count_regions(net2, kind="linear") == zaslavsky(d, n)


def _check_members(rs):
    """Members partition the activation regions into connected sets of equal exact maps; every
    per-region accessor of the linear set indexes linear regions (len(rs) rows)."""
    act = rs.activation
    assert act.kind == "activation" and len(act) == rs.num_activation_regions
    members = rs.members
    assert len(members) == rs.count
    flat = sorted(int(i) for m in members for i in m)
    assert flat == list(range(rs.num_activation_regions))
    owner = {int(i): g for g, m in enumerate(members) for i in m}
    J, c = act.affine_maps(exact=True)
    maps = [(tuple(J[i].ravel()), tuple(c[i])) for i in range(len(act))]
    for m in members:
        assert len({maps[int(i)] for i in m}) == 1
    act_pairs = set()
    for i, j, _ in act.adjacency():
        act_pairs.add((owner[i], owner[j]))
        if owner[i] != owner[j]:
            assert maps[i] != maps[j], "adjacent regions with equal maps were not merged"
    R, d = len(rs), rs.net.input_dim
    LJ, Lc = rs.affine_maps(exact=True)
    assert LJ.shape[0] == Lc.shape[0] == R == len(list(rs))
    assert rs.patterns.shape[0] == rs.interior_points().shape[0] == rs.bounded().shape[0] == R
    for k, m in enumerate(members):
        assert (tuple(LJ[k].ravel()), tuple(Lc[k])) == maps[int(m[0])]
        assert np.array_equal(rs.patterns[k], act.patterns[m[0]])
        assert rs[k].affine_map(exact=True)[1].tolist() == list(Lc[k])
    got = {(int(i), int(j)) for i, j, _ in rs.adjacency()}
    assert got == {tuple(sorted(p)) for p in act_pairs if p[0] != p[1]}


def test_linear_regions_are_connected_components():
    """f = relu(x - 1) + relu(-x - 1) + 0 * relu(y): zero on the strip |x| < 1; relu(y) has a zero
    output weight.  Activation regions 6; linear regions 3 (the two outer pieces are different maps)."""
    W1 = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    b1 = np.array([-1.0, -1.0, 0.0])
    net = tropgeom.Network([(W1, b1), (np.array([[1.0, 1.0, 0.0]]), np.zeros(1))])
    rs = tropgeom.regions(net, kind="linear")
    assert rs.num_activation_regions == 6 and rs.count == 3
    _check_members(rs)
    # 1-D: zero on both ends (equal maps, not connected): 4 linear regions
    net1 = tropgeom.Network([(np.array([[1.0], [1.0], [1.0]]), np.array([0.0, -1.0, -2.0])),
                             (np.array([[1.0, -2.0, 1.0]]), np.zeros(1))])
    assert tropgeom.count_regions(net1, kind="linear") == 4


def test_linear_regions_dead_neuron_net_and_deep():
    rs = tropgeom.regions(nets.dead_neuron_net(), kind="linear")
    assert rs.count == 4 and rs.num_activation_regions == 7
    _check_members(rs)
    deep = tropgeom.regions(nets.deep_random(2, [5, 4], 12), kind="linear")
    assert deep.count <= deep.num_activation_regions
    _check_members(deep)


# ------------------------------------------------------------------------------------------------
# budgets, threads, misc. API
# ------------------------------------------------------------------------------------------------


def test_max_regions_budget():
    net = nets.one_layer(2, 6, 0)
    full = tropgeom.regions(net)
    assert full.count == 22
    with pytest.raises(BudgetExceeded) as ei:
        tropgeom.regions(net, max_regions=5)
    e = ei.value
    assert e.reason == "max_regions"
    part = e.partial
    assert isinstance(part, tropgeom.RegionSet)
    assert part.complete is False and full.complete is True and part.stop_reason == "max_regions"
    assert part.count == len(part) == 5
    assert len(part.patterns) == 5
    assert region_patterns(part) <= region_patterns(full)
    signs = net.exact_signs(part.interior_points(exact=True))
    assert np.array_equal(signs == 1, part.patterns)
    # a budget that is not exceeded does not raise
    assert tropgeom.regions(net, max_regions=22).count == 22
    assert tropgeom.regions(net, max_regions=1000).complete


def test_max_regions_budget_threads():
    net = nets.deep_random(2, [6, 5], 3)
    with pytest.raises(BudgetExceeded) as ei:
        tropgeom.regions(net, max_regions=7, threads=2)
    assert ei.value.partial.count == 7 and not ei.value.partial.complete


def test_max_seconds_budget():
    net = nets.deep_random(3, [16, 16, 16], 1)  # ~1 s of work; the budget is checked every 50 ms
    with pytest.raises(BudgetExceeded) as ei:
        tropgeom.regions(net, max_seconds=1e-4)
    assert ei.value.reason == "max_seconds"
    part = ei.value.partial
    assert isinstance(part, tropgeom.RegionSet) and part.complete is False
    assert part.count == len(part.patterns) < tropgeom.count_regions(net)
    if part.count:
        assert np.array_equal(net.exact_signs(part.interior_points(exact=True)) == 1, part.patterns)


def test_linear_kind_budget_raises_budget_exceeded():
    with pytest.raises(BudgetExceeded) as ei:
        tropgeom.regions(nets.one_layer(2, 6, 0), kind="linear", max_regions=5)
    assert ei.value.reason == "max_regions"


def test_partial_regionset_adjacency():
    with pytest.raises(BudgetExceeded) as ei:
        tropgeom.regions(nets.one_layer(2, 6, 0), max_regions=5)
    part = ei.value.partial
    adj = part.adjacency()
    assert all(0 <= i < j < 5 for i, j, _ in adj)


@pytest.mark.parametrize("make,domain", [
    (lambda: nets.deep_random(3, [6, 6], 1), None),
    (lambda: nets.zero_bias_net(3, [5, 4], 2), None),
    (lambda: nets.deep_random(2, [6, 5, 4], 3), (-1.0, 1.0)),
])
def test_threads_agree(make, domain):
    net = make()
    dom = None if domain is None else tropgeom.Box(*domain, dim=net.input_dim)
    r1 = tropgeom.regions(net, dom, threads=1)
    r2 = tropgeom.regions(net, dom, threads=2)
    assert r1.count == r2.count == tropgeom.count_regions(net, dom, threads=2) \
        == tropgeom.count_regions(net, dom, threads=1)
    assert region_patterns(r1) == region_patterns(r2)
    assert len(r1.adjacency()) == len(r2.adjacency())


def test_count_regions_matches_regions_and_bounds():
    for net in [nets.deep_random(2, [4, 4], 5), nets.deep_random(3, [3, 5], 6), nets.one_layer(4, 6, 7)]:
        rs = tropgeom.regions(net)
        assert tropgeom.count_regions(net) == rs.count
        bd = rs.bounds()
        assert tuple(bd.architecture) == net.architecture
        assert rs.count <= bd.upper


def test_stats_and_json():
    net = nets.deep_random(2, [4, 3], 0)
    rs = tropgeom.regions(net, tropgeom.Box(-1, 1, dim=2))
    assert isinstance(rs.stats, dict)
    doc = json.loads(rs.to_json())
    assert doc["count"] == rs.count and doc["kind"] == "activation" and doc["complete"] is True
    lin = tropgeom.regions(net, kind="linear")
    assert json.loads(lin.to_json())["count"] == lin.count


def test_progress_false_is_silent_and_same(capsys):
    net = nets.one_layer(2, 5, 0)
    assert tropgeom.regions(net, progress=False).count == 16
    assert capsys.readouterr().err == ""


def test_progress_bar_does_not_crash():
    assert tropgeom.regions(nets.one_layer(2, 5, 0), progress=True).count == 16


# ------------------------------------------------------------------------------------------------
# bad domains
# ------------------------------------------------------------------------------------------------


def _raises_input_error(net, make_domain):
    with pytest.raises(InputError) as ei:
        tropgeom.regions(net, make_domain())
    with pytest.raises(InputError):
        tropgeom.count_regions(net, make_domain())
    return str(ei.value)


def test_empty_box_names_the_coordinate():
    net = nets.one_layer(3, 3, 0)
    msg = _raises_input_error(net, lambda: tropgeom.Box([0.0, 1.0, 0.0], [1.0, 0.5, 1.0]))
    assert "empty" in msg.lower()
    assert re.search(r"coordinate\D{0,3}[12]\b", msg), msg  # coordinate 1 (0-based) or 2 (1-based)
    msg = _raises_input_error(net, lambda: tropgeom.Box(1.0, -1.0, dim=3))
    assert "empty" in msg.lower()


def test_flat_box_is_not_full_dimensional():
    net = nets.one_layer(2, 3, 0)
    msg = _raises_input_error(net, lambda: tropgeom.Box([0.0, 0.5], [1.0, 0.5]))
    assert "full-dimensional" in msg or "full dimensional" in msg
    assert re.search(r"coordinate\D{0,3}[12]\b", msg), msg
    _raises_input_error(net, lambda: tropgeom.Box(0.0, 0.0, dim=2))
    _raises_input_error(net, lambda: tropgeom.Box(0.0, 0.0))


def test_box_of_wrong_dimension():
    net = nets.one_layer(2, 3, 0)
    msg = _raises_input_error(net, lambda: tropgeom.Box(0.0, 1.0, dim=3))
    assert "3" in msg and "2" in msg
    _raises_input_error(net, lambda: tropgeom.Box([0, 0, 0], [1, 1, 1]))
    _raises_input_error(net, lambda: tropgeom.Box([0], [1]))


def test_box_vectors_disagree_with_dim():
    with pytest.raises(InputError):
        tropgeom.Box([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], dim=2)


def test_nan_or_inf_box():
    net = nets.one_layer(2, 3, 0)
    for make in [lambda: tropgeom.Box([0.0, np.nan], [1.0, 1.0]), lambda: tropgeom.Box(np.nan, 1.0, dim=2),
                 lambda: tropgeom.Box([0.0, 0.0], [1.0, np.inf]), lambda: tropgeom.Box(0.0, np.nan)]:
        msg = _raises_input_error(net, make)
        assert "finite" in msg.lower() or "nan" in msg.lower(), msg


def test_bad_polytopes():
    net = nets.one_layer(2, 3, 0)
    msg = _raises_input_error(net, lambda: tropgeom.Polytope([[1.0, 0.0], [-1.0, 0.0]], [0.0, -1.0]))
    assert "empty" in msg.lower()
    msg = _raises_input_error(net, lambda: tropgeom.Polytope(
        [[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]], [0.0, 0.0, 1.0, 1.0]))
    assert "full-dimensional" in msg or "dimension" in msg
    msg = _raises_input_error(net, lambda: tropgeom.Polytope(
        [[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, -1.0, 0.0], [0, 0, 1], [0, 0, -1]],
        [1.0] * 6))
    assert "3" in msg and "2" in msg
    _raises_input_error(net, lambda: tropgeom.Polytope([[1.0, np.nan]], [1.0]))


def test_domain_of_wrong_type():
    with pytest.raises(InputError):
        tropgeom.regions(nets.one_layer(2, 3, 0), [(0, 1), (0, 1)])


# ------------------------------------------------------------------------------------------------
# exactness stress: extreme scales, rationalized weights, touching hyperplanes, non-ReLU layers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("s1,s2", [(2.0 ** -600, 2.0 ** 600), (2.0 ** 500, 2.0 ** 500), (2.0 ** -1000, 1.0),
                                   (2.0 ** 1000, 2.0 ** 20)])
def test_power_of_two_rescaling_changes_nothing(s1, s2):
    """relu(c z) = c relu(z) for c > 0: scaling layer 1 by s1 and layer 2 by s2 (biases of layer 2 by
    s1 s2) leaves every region and pattern unchanged.  Float64 products of these weights overflow or
    underflow; the exact answer must not care."""
    base = nets.deep_random(2, [5, 4, 3], 3)
    (W1, b1), (W2, b2), (W3, b3), out = base.layers
    net = tropgeom.Network([(W1 * s1, b1 * s1), (W2 * s2, b2 * (s1 * s2)), (W3, b3 * (s1 * s2)), out])
    ref = tropgeom.regions(base)
    rs = tropgeom.regions(net)
    assert rs.count == ref.count and region_patterns(rs) == region_patterns(ref)
    box = tropgeom.Box(-s1 ** -1 if s1 < 1 else -1.0, s1 ** -1 if s1 < 1 else 1.0, dim=2)
    assert tropgeom.count_regions(net, box) == len(brute_force_patterns(net, box_rows(box.lo, box.hi, 2)))


@pytest.mark.parametrize("q,seed", [(1, 0), (2, 1), (3, 2), (2, 3)])
def test_rationalized_one_layer_matches_whitney(q, seed):
    """rationalize=q snaps weights to small fractions: coincident, parallel and concurrent hyperplanes."""
    net = tropgeom.Network(nets.one_layer(2, 8, seed).layers, rationalize=q)
    W, b = net.exact_layers[0]
    Wd, bd = distinct_hyperplanes(W, b)
    assert tropgeom.count_regions(net) == whitney_regions(Wd, bd)


def test_touching_hyperplanes_split_nothing():
    """In the box [-1, 1]^2: x + y = 2 touches only the corner (1, 1), x = 1 and y = -1 are facets of
    the box, x = y is a diagonal: 2 regions, the diagonal the only neuron facet."""
    W = [[1.0, 1.0], [1.0, 0.0], [1.0, -1.0], [0.0, 1.0]]
    b = [-2.0, -1.0, 0.0, 1.0]
    net = nets.arrangement_net(W, b)
    box = tropgeom.Box(-1.0, 1.0, dim=2)
    rs = tropgeom.regions(net, box)
    assert rs.count == 2
    assert region_patterns(rs) == {(0, 0, 0, 1), (0, 0, 1, 1)}
    for i in range(2):
        assert sorted(rs.facet_neurons(i)) == [-1, -1, 2]
    assert [(i, j, nb) for i, j, nb in rs.adjacency()] == [(0, 1, (2,))]
    check_regions(net, rs, box_rows(-1.0, 1.0, 2), generic=False)


def _linear_first_net():
    rng = np.random.default_rng(0)
    return tropgeom.Network([(rng.normal(size=(3, 2)), rng.normal(size=3) * 0.1),
                             (rng.normal(size=(4, 3)), rng.normal(size=4) * 0.1),
                             (rng.normal(size=(1, 4)), np.zeros(1))], relu=[False, True, False])


def test_non_relu_layer_before_relu_layer_counts():
    net = _linear_first_net()
    assert net.num_hidden_neurons == 4
    rs = tropgeom.regions(net)
    assert region_patterns(rs) == brute_force_patterns(net)
    assert rs.count == tropgeom.count_regions(net) == 11


def test_non_relu_layer_before_relu_layer_adjacency():
    net = _linear_first_net()
    rs = tropgeom.regions(net)
    assert len(rs.adjacency()) > 0
    assert tropgeom.count_regions(net, kind="linear") >= 1


def test_exact_signs_with_non_relu_first_layer():
    # in a subprocess: the bug crashes the interpreter
    import subprocess
    import sys
    code = (
        "import numpy as np, tropgeom\n"
        "rng = np.random.default_rng(0)\n"
        "net = tropgeom.Network([(rng.normal(size=(3, 2)), rng.normal(size=3)),"
        " (rng.normal(size=(4, 3)), rng.normal(size=4)), (rng.normal(size=(1, 4)), np.zeros(1))],"
        " relu=[False, True, False])\n"
        "X = np.array([[0.5, 0.25], [1.0, -1.0]])\n"
        "s = net.exact_signs(X)\n"
        "assert s.shape == (2, 4), s.shape\n"
        "assert np.array_equal(s == 1, net.activation_patterns(X, packed=False))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-500:]


# ------------------------------------------------------------------------------------------------
# volumes
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d,widths,seed,lo,hi", [
    (1, [5, 4], 0, -1.0, 2.0), (2, [6, 5], 1, -1.0, 1.0), (3, [5, 4], 2, -0.5, 0.75), (2, [4, 4, 3], 3, 0.0, 1.0),
])
def test_volumes_tile_the_box(d, widths, seed, lo, hi):
    """The regions tile the domain: their exact volumes are positive and add up to its volume exactly;
    each volume also matches the fraction of a dense grid of points with that pattern."""
    net = nets.deep_random(d, widths, seed)
    rs = tropgeom.regions(net, tropgeom.Box(lo, hi, dim=d))
    vols = rs.volumes(exact=True)
    assert len(vols) == rs.count and all(isinstance(v, Fraction) and v > 0 for v in vols)
    assert sum(vols) == (Fraction(hi) - Fraction(lo)) ** d
    if d <= 2:  # a midpoint grid estimates each region's share of the box
        k = 400 if d == 1 else 160
        axis = lo + (hi - lo) * (np.arange(k) + 0.5) / k
        X = np.stack(np.meshgrid(*[axis] * d, indexing="ij"), -1).reshape(-1, d)
        index = {bytes(p): i for i, p in enumerate(rs.patterns)}
        hits = np.bincount([index[bytes(p)] for p in net.activation_patterns(X)], minlength=rs.count)
        share = np.array([float(v) for v in vols]) / float((Fraction(hi) - Fraction(lo)) ** d)
        assert np.abs(hits / len(X) - share).max() < 4.0 / k


def test_volumes_closed_form_1d_and_linear():
    """One neuron relu(x - 1/4) on [0, 1]: pieces of length 1/4 and 3/4; kind="linear" sums members."""
    net = tropgeom.Network([(np.array([[1.0]]), np.array([-0.25])), (np.array([[1.0]]), np.array([0.0]))])
    rs = tropgeom.regions(net, tropgeom.Box(0, 1))
    assert sorted(rs.volumes(exact=True)) == [Fraction(1, 4), Fraction(3, 4)]
    zero = tropgeom.Network([(np.array([[1.0], [-1.0]]), np.array([-0.25, 0.5])), (np.zeros((1, 2)), np.zeros(1))])
    lin = tropgeom.regions(zero, tropgeom.Box(0, 1), kind="linear")
    assert lin.count == 1 and lin.volumes(exact=True) == [Fraction(1)]


def test_volumes_need_a_bounded_domain():
    with pytest.raises(InputError, match="bounded domain"):
        tropgeom.regions(nets.one_layer(2, 3, seed=0)).volumes(exact=True)


# ------------------------------------------------------------------------------------------------
# the run contract: budgets and a real Ctrl-C for every long call
# ------------------------------------------------------------------------------------------------

import time  # noqa: E402

BIG = "nets.deep_random(3, [16, 16, 16], 1)"   # 28,180 regions on R^3: ~1 s to enumerate, minutes of bounded()


@pytest.fixture(scope="module")
def big_whole():
    return tropgeom.regions(eval(BIG), threads=1)


@pytest.fixture(scope="module")
def big_box():
    return tropgeom.regions(eval(BIG), tropgeom.Box(-1, 1), threads=1)


def _stops_in_time(call, budget, reason="max_seconds"):
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as ei:
        call()
    dt = time.monotonic() - t
    assert ei.value.reason == reason
    assert dt < max(1.1 * budget, budget + 0.2), f"stopped after {dt:.2f} s for a {budget} s budget"
    return ei.value.partial


def test_budget_regions_and_count_regions():
    net = eval(BIG)
    part = _stops_in_time(lambda: tropgeom.regions(net, max_seconds=0.3, threads=1), 0.3)
    assert isinstance(part, tropgeom.RegionSet) and not part.complete and 0 < len(part) < 28180
    assert np.array_equal(net.exact_signs(part.interior_points(exact=True)[:50]) == 1, part.patterns[:50])
    n = _stops_in_time(lambda: tropgeom.count_regions(net, max_seconds=0.3, threads=1), 0.3)
    assert isinstance(n, int) and 0 < n < 28180
    part = _stops_in_time(lambda: tropgeom.regions(net, kind="linear", max_seconds=0.3, threads=1), 0.3)
    assert isinstance(part, tropgeom.RegionSet)


def test_budget_accessors(big_whole, big_box):
    pairs = _stops_in_time(lambda: big_whole.adjacency(max_seconds=0.2), 0.2)
    assert pairs.ndim == 2 and (pairs[:, 0] < pairs[:, 1]).all()
    bits = big_whole.patterns
    assert (bits[pairs[:, 0]] != bits[pairs[:, 1]]).any(axis=1).all()
    __import__("scipy.sparse.csgraph")                   # its one-time import is outside the budget
    lin = _stops_in_time(lambda: big_whole.linear(max_seconds=0.2), 0.2)
    assert lin is big_whole                              # partial: the activation regions
    bounded = _stops_in_time(lambda: big_whole.bounded(max_seconds=0.2), 0.2)
    assert bounded.dtype == bool and len(bounded) < len(big_whole)
    vols = _stops_in_time(lambda: big_box.volumes(max_seconds=0.2), 0.2)
    assert 0 < len(vols) < len(big_box) and all(v > 0 for v in vols)
    hs = _stops_in_time(lambda: big_box.halfspace_arrays(max_seconds=0.2), 0.2)
    A, b, offsets, neuron = hs
    assert len(offsets) < len(big_box) + 1 and offsets[-1] == len(b) == len(A)
    # nothing partial was cached as complete
    assert "pairs" not in big_whole._store._cache and "volumes" not in big_box._store._cache


_CTRL_C_SETUP = """
import nets
net = {big}
tg.regions(nets.one_layer(1, 1, 0), kind="linear")  # imports scipy.sparse.csgraph
rs = None if {setup!r} == "none" else tg.regions(net, None if {setup!r} == "whole" else tg.Box(-1, 1), threads=1)
"""


@pytest.mark.parametrize("setup,call,check", [
    ("none", "tg.regions(net, threads=1)", "(not partial.complete) and 0 < len(partial) < 28180"),
    ("none", "tg.count_regions(net, threads=1)", "0 < partial < 28180"),
    ("whole", "rs.adjacency()", "(partial[:, 0] < partial[:, 1]).all()"),
    ("whole", "rs.linear()", "partial is rs"),
    ("whole", "rs.bounded()", "len(partial) < len(rs)"),
    ("box", "rs.volumes()", "0 < len(partial) < len(rs)"),
    ("box", "rs.halfspace_arrays()", "partial[2][-1] == len(partial[1])"),
], ids=["regions", "count_regions", "adjacency", "linear", "bounded", "volumes", "halfspace_arrays"])
def test_ctrl_c_stops_every_long_call(setup, call, check):
    words, latency = sigint.interrupt(_CTRL_C_SETUP.format(big=BIG, setup=setup), call, check, wait=0.3)
    assert words == ["stopped", "interrupted", "True"], words
    assert latency < 0.3 + 0.5, latency
