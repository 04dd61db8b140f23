"""RegionSet accessors at enumeration speed (issue 11, deliverable 4): the float-filtered facet and
boundedness decisions (cpp/src/facets.cpp) equal the exact reference paths kept in the core
(``reference=True``: irredundant_inequalities' LP per row, the exact recession-cone test, every facet
of adjacency decided by exact LPs) on the gallery, random and degenerate nets."""
from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest

import nets
import tropgeom
from tropgeom import BudgetExceeded
from tropgeom.polytope import volume


def _scaled(net: tropgeom.Network, factors) -> tropgeom.Network:
    """The same regions with hidden neuron k's row and bias times factors[k] (> 0): extreme magnitudes."""
    (W1, b1), (W2, b2) = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in net.layers]
    f = np.asarray(factors, dtype=float)
    return tropgeom.Network([(W1 * f[:, None], b1 * f), (W2, b2)])


def _thirds(net: tropgeom.Network) -> tropgeom.Network:
    """The same net with every weight and bias times 1/3 exactly: no weight is a double (the float
    filters carry the weights' radii)."""
    third = Fraction(1, 3)
    return tropgeom.Network([(np.array(W, dtype=object) * third, np.array(b, dtype=object) * third)
                             for W, b in ((np.array(W, dtype=float).astype(object), np.array(b, dtype=float).astype(object))
                                          for W, b in net.layers)])


CASES = {
    "duplicate": (nets.duplicate_neurons, None),
    "duplicate_box": (nets.duplicate_neurons, tropgeom.Box(-1.0, 1.0, dim=2)),
    "dead": (nets.dead_neuron_net, None),
    "zero_neuron_box": (nets.zero_neuron_net, tropgeom.Box(-2.0, 2.0, dim=2)),
    "parallel": (lambda: nets.parallel_lines(4), None),
    "parallel_on_box_faces": (lambda: nets.parallel_lines(3), tropgeom.Box(0.0, 2.0, dim=2)),  # x = 0, 2: box faces
    "concurrent": (lambda: nets.concurrent_lines(5), None),
    "box_lines": (lambda: nets.box_lines(12, 3), tropgeom.Box(-1.0, 1.0, dim=2)),
    "deep3": (lambda: nets.deep_random(3, [6, 5], 1), None),
    "deep3_box": (lambda: nets.deep_random(3, [6, 5], 2), tropgeom.Box(-1.0, 1.0, dim=3)),
    "zero_bias": (lambda: nets.zero_bias_net(3, [5, 4], 0), None),
    "one_layer_4d": (lambda: nets.one_layer(4, 7, 0), None),
    "sawtooth_box": (lambda: nets.sawtooth(3), tropgeom.Box(0.0, 1.0, dim=1)),
    "sawtooth": (lambda: nets.sawtooth(2), None),
    "independent": (lambda: nets.independent_rows(3, 3), None),
    "random_2d": (lambda: nets.deep_random(2, [7, 6, 4], 5), None),
    "random_2d_box": (lambda: nets.deep_random(2, [8, 8], 6), tropgeom.Box(-1.0, 1.0, dim=2)),
    "thirds_deep": (lambda: _thirds(nets.deep_random(2, [6, 5, 4], 7)), None),
    "thirds_box": (lambda: _thirds(nets.deep_random(3, [6, 5], 8)), tropgeom.Box(-1.0, 1.0, dim=3)),
    "huge_rows": (lambda: _scaled(nets.one_layer(2, 5, 1), [1e300, 1.0, 2.0 ** 900, 3.0, 1e-300]), None),
    "huge_rows_box3": (lambda: _scaled(nets.one_layer(3, 6, 9), [1e300, 1.0, 2.0 ** 900, 3.0, 1e-300, 2.0 ** -1000]),
                       tropgeom.Box(-1.0, 1.0, dim=3)),
    "tiny_rows": (lambda: _scaled(nets.one_layer(2, 4, 2), [5e-324, 2.0 ** -1060, 1.0, 7.0]),
                  tropgeom.Box(-1.0, 1.0, dim=2)),
    # past d = 4 the facets come from rays and LPs, not the vertex walk (facets.hpp, kWalkDim)
    "box_5d": (lambda: nets.deep_random(5, [5, 3], 3), tropgeom.Box(-1.0, 1.0, dim=5)),
    "deep_6d": (lambda: nets.deep_random(6, [6, 3], 4), None),
    # (recession cones with an empty interior: bounded()'s exact kernel ray, on rows with thirds)
    "thirds_deep_6d": (lambda: _thirds(nets.deep_random(6, [6, 3], 4)), None),
    "thirds_box5": (lambda: _thirds(nets.deep_random(5, [5, 4], 5)), tropgeom.Box(-1.0, 1.0, dim=5)),
    "huge_rows_box6": (lambda: _scaled(nets.one_layer(6, 6, 6), [1e300, 1.0, 2.0 ** 900, 3.0, 1e-300, 2.0 ** -1000]),
                       tropgeom.Box(-1.0, 1.0, dim=6)),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    make, domain = CASES[request.param]
    return tropgeom.regions(make(), domain, threads=1)


def test_halfspaces_equal_the_exact_reference(case):
    core = case._store.core()
    fast = core.halfspace_arrays(True)
    ref = core.halfspace_arrays(True, reference=True)
    for a, b in zip(fast[:4], ref[:4]):
        assert a.shape == b.shape and (a == b).all()
    # and per region (halfspaces(i) reads the same cache), with the float view the exact one rounded
    i = len(case) // 2
    A, b = case.halfspaces(i, exact=True)
    Ar, br, _ = core.halfspaces(i, True, True, reference=True)
    assert (A == Ar).all() and (b == br).all()
    Af, bf = case.halfspaces(i)
    assert Af.dtype == np.float64 and (Af == A.astype(float)).all() and (bf == b.astype(float)).all()


def test_kept_rows_are_facets_one_per_proportional_class(case):
    """The definition: a kept row defines a facet (its hyperplane meets the region in dimension d - 1,
    checked by an exact LP), no two kept rows are positive multiples, every dropped row is implied."""
    core = case._store.core()
    A, b, off, _ = case.halfspace_arrays(exact=True)
    d = case.dim
    for i in range(min(len(case), 12)):
        Ai, bi = A[off[i]:off[i + 1]], b[off[i]:off[i + 1]]
        for k in range(len(bi)):
            P = tropgeom.Polyhedron(np.delete(Ai, k, axis=0), np.delete(bi, k), C=Ai[k:k + 1], d=bi[k:k + 1])
            assert P.dimension() == d - 1
        normed = {tuple(v / max(abs(x) for x in row if x != 0) for v in (*row, c)) for row, c in zip(Ai, bi)}
        assert len(normed) == len(bi)
        Aall, ball, _ = core.halfspaces(i, False, True)
        kept = tropgeom.Polyhedron(Ai, bi)
        for row, c in zip(Aall, ball):
            best = kept.maximize(row, exact=True)
            assert best.status == "optimal" and best.value <= c or not row.any() and c >= 0


def test_bounded_equals_the_exact_reference(case):
    core = case._store.core()
    fast, st = core.bounded()
    ref, st2 = core.bounded(reference=True)
    assert st[1] and st2[1] and np.array_equal(fast, ref)


def test_adjacency_equals_the_exact_reference(case):
    core = case._store.core()
    fast = core.adjacency()
    ref = core.adjacency(reference=True)
    assert fast[1] and ref[1] and np.array_equal(fast[0], ref[0])


def test_volumes_equal_the_volume_of_all_rows(case):
    if case.domain is None:
        return
    vols = case.volumes(exact=True)
    core = case._store.core()
    for i in range(len(case)):
        A, b, _ = core.halfspaces(i, False, True)
        assert vols[i] == volume(A, b, exact=True)
    assert sum(vols, Fraction(0)) == Fraction(np.prod([h - l for l, h in zip(case.domain.lo, case.domain.hi)]))


def test_affine_maps_equal_the_forward_pass(case):
    J, c = case.affine_maps(exact=True)
    X = case.interior_points(exact=True)
    out = case.net.forward(X, exact=True)
    for i in range(len(case)):
        assert (J[i].dot(X[i]) + c[i] == out[i]).all()
    Jf, cf = case.affine_maps()
    assert Jf.dtype == np.float64 and (Jf == J.astype(float)).all() and (cf == c.astype(float)).all()


def test_to_json_geometry_equals_halfspace_arrays():
    rs = tropgeom.regions(nets.deep_random(2, [6, 5], 3), tropgeom.Box(-1.0, 1.0, dim=2), threads=1)
    import json
    doc = json.loads(rs.to_json(geometry=True))
    A, b, off, _ = rs.halfspace_arrays(exact=True)
    for i, r in enumerate(doc["regions"]):
        assert [[Fraction(v) for v in row] for row in r["A"]] == A[off[i]:off[i + 1]].tolist()
        assert [Fraction(v) for v in r["b"]] == b[off[i]:off[i + 1]].tolist()
    assert tropgeom.RegionSet.from_json(rs.to_json(geometry=True)) == rs


def test_threads_give_the_same_accessors():
    net = nets.deep_random(3, [8, 8], 4)
    one = tropgeom.regions(net, threads=1)
    two = tropgeom.regions(net, threads=1)
    for a, b in zip(one.halfspace_arrays(exact=True), two.halfspace_arrays(exact=True, threads=2)):
        assert (a == b).all()
    assert np.array_equal(one.bounded(), two.bounded(threads=2))
    assert np.array_equal(one.adjacency_arrays()[0], two.adjacency_arrays(threads=2)[0])
    for a, b in zip(one.affine_maps(exact=True), two.affine_maps(exact=True, threads=2)):
        assert (a == b).all()


BIG = "nets.deep_random(3, [16, 16, 16], 1)"   # 28,180 regions on R^3


def test_affine_maps_budget():
    rs = tropgeom.regions(eval(BIG), threads=1)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as ei:
        rs.affine_maps(max_seconds=0.05)
    assert time.monotonic() - t < 0.05 + 0.2 and ei.value.reason == "max_seconds"
    assert "maps" not in str(rs._store._cache.keys())       # nothing partial cached as complete


def test_ctrl_c_stops_affine_maps():
    from sigint import interrupt
    words, _ = interrupt(f"import nets; rs = tg.regions({BIG}, threads=1)", "rs.affine_maps()",  # about a second
                         check="not isinstance(partial, tuple) or len(partial[0]) < len(rs)", wait=0.3)
    assert words == ["stopped", "interrupted", "True"], words


def test_linear_equals_merging_over_the_whole_adjacency(case):
    """linear() tests only the facets of regions whose exact map another region shares; the old way
    (every adjacent pair with equal exact maps, connected components) gives the same linear regions."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    core = case._store.core()
    ids = core.map_ids()[0]
    pairs = core.adjacency()[0]
    same = pairs[ids[pairs[:, 0]] == ids[pairs[:, 1]]]
    n = len(case)
    _, label = connected_components(coo_matrix((np.ones(len(same)), (same[:, 0], same[:, 1])), shape=(n, n)),
                                    directed=False)
    groups = sorted(sorted(np.flatnonzero(label == g).tolist()) for g in set(label.tolist()))
    fresh = tropgeom.RegionSet(case._store, "activation")
    fresh._store._cache.pop("pairs", None)
    assert sorted(m.tolist() for m in fresh.linear().members) == groups


def _check_float_views(qs):
    """The map of x -> relu(x) * qs on its active side: exact entries are qs, float ones qs correctly
    rounded (out of range: the signed infinity)."""
    W2 = np.array(qs, dtype=object).reshape(-1, 1)
    net = tropgeom.Network([(np.array([[1.0]]), np.array([0.0])), (W2, np.zeros(len(qs), dtype=object))])
    rs = tropgeom.regions(net, tropgeom.Box(-1.0, 1.0, dim=1), threads=1)
    Je = rs.affine_maps(exact=True)[0]
    i = int(np.flatnonzero([Je[k, 0, 0] != 0 for k in range(len(rs))])[0])  # the active side
    J = rs.affine_maps()[0][i, :, 0]

    def rounded(q):
        try:
            return float(q)
        except OverflowError:
            return float("inf") if q > 0 else float("-inf")
    assert list(Je[i, :, 0]) == qs
    assert [float(v) for v in J] == [rounded(q) for q in qs]


def test_float_views_are_the_exact_values_correctly_rounded():
    """The seam's float view (convert.hpp to_double) is float(Fraction): nearest, ties to even, inf past
    the range, exact at subnormals; read off affine maps J = output weights of a 1-D net."""
    import random
    rng = random.Random(1)
    qs = []
    for _ in range(1500):
        k = rng.choice([1, 3, 60, 200, 1000, 1070, 1100])
        q = Fraction(rng.randrange(1, 2 ** rng.choice([5, 53, 54, 60, 120])),
                     rng.randrange(1, 2 ** rng.choice([5, 53, 60, 120])))
        qs.append(q * Fraction(2) ** rng.randrange(-k, k + 1) * rng.choice([1, -1]))
    for _ in range(100):  # exact ties between two doubles, and just past them
        m, e = rng.randrange(2 ** 52, 2 ** 53), rng.randrange(-1000, 900)
        qs += [Fraction(2 * m + 1, 2) * Fraction(2) ** e,
               Fraction(2 * m + 1, 2) * Fraction(2) ** e + Fraction(1, 3) * Fraction(2) ** (e - 80)]
    _check_float_views(qs)


def test_exact_arrays_share_equal_fractions_and_keep_every_value():
    """to_array(exact) makes one Fraction per distinct value (convert.hpp) and writes integers of any
    size and sign as two's complement bytes: the values read back equal the inputs (stored answers:
    the inputs themselves, through the forward pass of the identity), equal ones are one object."""
    import gc
    import random
    rng = random.Random(3)
    vals = [Fraction(-2 ** 200 + 3, 7), Fraction(-128), Fraction(-2 ** 63), Fraction(2 ** 63), Fraction(-2 ** 64),
            Fraction(-2 ** 63 - 1), Fraction(2 ** 64 - 1), Fraction(-2 ** 511), Fraction(2 ** 511), Fraction(-255, 2 ** 70)]
    vals += [Fraction(rng.randint(-2 ** k, 2 ** k), rng.randint(1, 2 ** k))
             for k in (1, 8, 62, 63, 64, 65, 127, 128, 511, 512, 513, 2000) for _ in range(8)]
    net = tropgeom.Network([(np.array([[Fraction(1)]], dtype=object), np.array([Fraction(0)], dtype=object))])
    X = np.array(vals * 3, dtype=object).reshape(-1, 1)
    out = net.forward(X, exact=True).ravel()
    assert [type(v) for v in out] == [Fraction] * len(out) and list(out) == vals * 3
    assert out[0] is out[len(vals)] and out[1] is out[2 * len(vals) + 1]
    del out
    gc.collect()


@pytest.mark.parametrize("name", ["deep3_box", "random_2d", "huge_rows", "thirds_box"])
def test_halfspaces_scan_reads_ahead_the_same_rows(name):
    """halfspaces(i) region after region fills the next block of regions on every worker (the set's
    threads); the rows equal the exact reference per region, in any order of calls."""
    make, domain = CASES[name]
    rs = tropgeom.regions(make(), domain, threads=2)
    core = rs._store.core()
    order = list(range(len(rs))) + [len(rs) // 2, 0, len(rs) - 1]
    for i in order:
        A, b = rs.halfspaces(i, exact=True)
        Ar, br, _ = core.halfspaces(i, True, True, reference=True)
        assert (A == Ar).all() and (b == br).all() and A.shape == Ar.shape


@pytest.mark.parametrize("name", ["deep3_box", "thirds_box", "random_2d_box", "sawtooth_box", "tiny_rows"])
def test_float_volumes_first_then_exact(name):
    """volumes() alone leaves the core's volumes out of lowest terms (the float view needs no gcd);
    the exact view asked afterwards is in lowest terms and equals a fresh set's, and the floats are
    the exact values correctly rounded (float(Fraction))."""
    make, domain = CASES[name]
    net = make()
    rs = tropgeom.regions(net, domain, threads=2)
    vf = rs.volumes()
    ve = rs.volumes(exact=True)
    ref = tropgeom.regions(net, domain, threads=1).volumes(exact=True)
    assert list(ve) == list(ref) and all(type(v) is Fraction for v in ve)
    assert all(math.gcd(v.numerator, v.denominator) == 1 and v.denominator > 0 for v in ve)
    assert vf.dtype == np.float64 and list(vf) == [float(v) for v in ref]
    assert list(rs.volumes()) == list(vf)


def test_float_views_of_dyadic_values_at_the_ends_of_the_range():
    """exact_double (interval.hpp) reads a dyadic value off its bits without a division: exact at the
    smallest subnormal, at the largest double, for 53-bit odd parts; 2^1024 and 54-bit odd parts are not
    doubles and round as float(Fraction) does (the affine maps' float view of a 1-D net)."""
    import random
    rng = random.Random(5)
    two = Fraction(2)
    qs = [two ** -1074, 3 * two ** -1074, two ** 1023 * (2 - two ** -52), two ** 1024, -(two ** 1024),
          (2 ** 53 - 1) * two ** 971, (2 ** 53 + 1) * two ** 970, (2 ** 54 - 1) * two ** -1080]
    for _ in range(300):
        m = rng.randrange(1, 2 ** rng.choice([1, 20, 52, 53, 54, 60])) | 1
        qs.append(rng.choice([1, -1]) * m * two ** rng.randrange(-1140, 1000))
    _check_float_views(qs)


def test_ctrl_c_stops_a_halfspaces_loop():
    """The read-ahead of halfspaces(i) runs on workers with Ctrl-C polled; a SIGINT landing there is
    re-armed for Python, so the loop ends with KeyboardInterrupt (no 'finished' line) promptly."""
    from sigint import interrupt
    setup = f"""
import nets
rs = tg.regions({BIG}, threads=2)
def scan():
    done = 0
    try:
        for i in range(len(rs)):
            rs.halfspaces(i)
            done += 1
    except KeyboardInterrupt:
        print("keyboard", done < len(rs), flush=True)
        sys.exit(0)
"""
    words, latency = interrupt(setup, "scan()", wait=0.3)
    assert words == ["keyboard", "True"] and latency < 5, (words, latency)


def test_halfspaces_fractions_outlive_the_set():
    """halfspaces(i) keeps one Fraction per value of the set's rows (bind_regions.cpp): two calls give
    the same objects, and the arrays stay valid after the set (and its cache) is gone."""
    import gc
    rs = tropgeom.regions(nets.deep_random(3, [6, 5], 2), tropgeom.Box(-1.0, 1.0, dim=3), threads=1)
    core = rs._store.core()
    ref = [core.halfspaces(i, True, True, reference=True)[:2] for i in range(len(rs))]
    first = [rs.halfspaces(i, exact=True) for i in range(len(rs))]
    again = rs.halfspaces(3, exact=True)
    assert all(x is y for x, y in zip(first[3][0].ravel(), again[0].ravel()))
    del rs, core, again
    gc.collect()
    for (A, b), (Ar, br) in zip(first, ref):
        assert (A == Ar).all() and (b == br).all() and all(type(v) is Fraction for v in A.ravel())
