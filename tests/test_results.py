"""Result objects: the exact= rule, columnar accessors, kind="linear" index space, the Region view,
pickle and JSON round trips, threads sharing one lazy RegionSet.

Oracles: per-region accessors against the columnar ones (two paths agreeing), float views against
the exact values rounded by Python (float(Fraction)), affine maps against the exact forward pass,
volumes against the box volume, round trips against the original object.
"""
from __future__ import annotations

import json
import pickle
import threading
from fractions import Fraction as F

import numpy as np
import pytest

import tropgeom
from tropgeom import Box, InputError, Network, Polytope, RegionSet

import nets


def rounded(a):
    return np.vectorize(float, otypes=[np.float64])(a) if np.size(a) else np.zeros(np.shape(a))


@pytest.fixture(scope="module")
def box_set():
    return tropgeom.regions(nets.deep_random(2, [6, 5], 1), Box(-1, 1), threads=1)


def test_exact_rule_float_default_equals_exact_rounded(box_set):
    rs = box_set
    pe, pf = rs.interior_points(exact=True), rs.interior_points()
    assert pf.dtype == np.float64 and pe.dtype == object and all(isinstance(v, F) for v in pe.ravel())
    assert np.array_equal(pf, rounded(pe))
    for i in (0, len(rs) - 1):
        (Ae, be), (Af, bf) = rs.halfspaces(i, exact=True), rs.halfspaces(i)
        assert Af.dtype == np.float64 and np.array_equal(Af, rounded(Ae)) and np.array_equal(bf, rounded(be))
        (Je, ce), (Jf, cf) = rs.affine_map(i, exact=True), rs.affine_map(i)
        assert np.array_equal(Jf, rounded(Je)) and np.array_equal(cf, rounded(ce))
    ve, vf = rs.volumes(exact=True), rs.volumes()
    assert sum(ve) == 4 and np.array_equal(vf, rounded(ve))


def test_float_view_rounds_to_nearest_not_truncates():
    # 1/3 (and friends) need round-to-nearest: mpq_get_d truncates; the view must equal float(Fraction)
    net = Network([([[3.0]], [-1.0]), ([[F(1, 3)]], [F(-1, 7)])])   # kink at x = 1/3
    rs = tropgeom.regions(net)
    pe = rs.interior_points(exact=True)
    assert np.array_equal(rs.interior_points(), rounded(pe))
    J, c = rs.affine_maps(exact=True)
    Jf, cf = rs.affine_maps()
    assert np.array_equal(Jf, rounded(J)) and np.array_equal(cf, rounded(c))
    assert F(-1, 7) in set(c.ravel()) and float(F(-1, 7)) in set(cf.ravel())


def test_columnar_accessors_agree_with_per_region(box_set):
    rs = box_set
    A, b, off, neuron = rs.halfspace_arrays(exact=True)
    assert off.shape == (len(rs) + 1,) and off[0] == 0 and off[-1] == len(b) == len(A) == len(neuron)
    for i in range(len(rs)):
        Ai, bi = rs.halfspaces(i, exact=True)
        assert np.array_equal(A[off[i]:off[i + 1]], Ai) and np.array_equal(b[off[i]:off[i + 1]], bi)
        assert neuron[off[i]:off[i + 1]].tolist() == rs.facet_neurons(i)
    Af, bf, off2, _ = rs.halfspace_arrays()
    assert np.array_equal(off, off2) and np.array_equal(Af, rounded(A)) and np.array_equal(bf, rounded(b))
    J, c = rs.affine_maps(exact=True)
    net = rs.net
    assert J.shape == (len(rs), net.output_dim, net.input_dim) and c.shape == (len(rs), net.output_dim)
    P = rs.interior_points(exact=True)
    want = net.forward(P, exact=True)
    got = np.einsum("rod,rd->ro", J, P) + c
    assert (got == want).all()
    pairs, flipped = rs.adjacency_arrays()
    assert pairs.dtype == np.int64 and pairs.shape[1] == 2 and (pairs[:, 0] < pairs[:, 1]).all()
    assert flipped.shape == (len(pairs), net.num_hidden_neurons)
    bits = rs.patterns
    assert np.array_equal(flipped, bits[pairs[:, 0]] != bits[pairs[:, 1]])
    assert [(i, j, n) for i, j, n in rs.adjacency()] == \
        [(int(i), int(j), tuple(np.flatnonzero(f).tolist())) for (i, j), f in zip(pairs, flipped)]


def test_region_view_and_iteration(box_set):
    rs = box_set
    regions = list(rs)
    assert len(regions) == len(rs) and all(isinstance(r, tropgeom.Region) for r in regions)
    r = rs[-1]
    assert r.index == len(rs) - 1
    assert np.array_equal(r.pattern, rs.patterns[-1])
    assert np.array_equal(r.point(exact=True), rs.interior_points(exact=True)[-1])
    assert np.array_equal(r.halfspaces(exact=True)[0], rs.halfspaces(-1, exact=True)[0])
    assert r.volume(exact=True) == rs.volumes(exact=True)[-1] and r.bounded()
    assert np.array_equal(net_signs(rs, r) > 0, r.pattern)
    with pytest.raises(IndexError):
        rs[len(rs)]
    with pytest.raises(TypeError):
        rs["0"]
    with pytest.raises(InputError, match="region index"):
        rs.halfspaces(1.0)


def net_signs(rs, r):
    return rs.net.exact_signs(r.point(exact=True))


def test_vocabulary_patterns_and_deprecated_names(box_set):
    rs = box_set
    assert rs.patterns.dtype == bool and rs.patterns.shape == (len(rs), rs.net.num_hidden_neurons)
    assert np.array_equal(rs.packed_patterns, np.packbits(rs.patterns, axis=1, bitorder="little"))
    with pytest.warns(FutureWarning, match="patterns"):
        assert np.array_equal(rs.pattern_bits, rs.patterns)
    with pytest.warns(FutureWarning, match=r"bounded\(\)"):
        assert rs.is_bounded.all()
    with pytest.warns(FutureWarning, match="to_dict"):
        assert rs.domain.as_dict() == rs.domain.to_dict()
    assert rs.dim == 2 and rs.domain.dim is None and Box(-1, 1, dim=2).dim == 2


def test_linear_kind_indexes_linear_regions_everywhere():
    net = nets.zero_output_net(2, 6, 3)          # one linear region made of 22 activation regions
    lin = tropgeom.regions(net, Box(-2, 2), kind="linear")
    act = lin.activation
    assert len(lin) == 1 and len(act) == 22 and act.kind == "activation"
    assert len(lin.patterns) == len(lin.interior_points()) == len(lin.bounded()) == len(lin.volumes()) == 1
    J, c = lin.affine_maps()
    assert J.shape[0] == c.shape[0] == 1
    assert lin.volumes(exact=True)[0] == 16 == sum(act.volumes(exact=True))
    assert lin.members[0].tolist() == list(range(22)) and len(list(lin)) == 1
    with pytest.raises(InputError, match="rs.activation"):
        lin.halfspaces(0)
    with pytest.raises(InputError, match="rs.activation"):
        lin.halfspace_arrays()
    with pytest.raises(IndexError):
        lin.affine_map(1)
    doc = json.loads(lin.to_json())
    assert doc["count"] == len(doc["regions"]) == 1 and len(doc["activation"]) == 22
    # a linear region of one activation region has its H-representation
    one = tropgeom.regions(nets.one_layer(2, 4, 0, out_weights=np.ones((1, 4))), kind="linear")
    assert all(len(m) == 1 for m in one.members)
    A, b = one.halfspaces(0, exact=True)
    assert np.array_equal(A, one.activation.halfspaces(int(one.members[0][0]), exact=True)[0])


def test_bounded_is_a_cached_method():
    rs = tropgeom.regions(nets.one_layer(2, 5, 0))
    first = rs.bounded()
    assert first.dtype == bool and int(first.sum()) == 6          # C(n - 1, d) bounded regions
    assert rs.bounded() is not first and np.array_equal(rs.bounded(), first)
    assert "bounded" in rs._store._cache


# --- pickle and JSON --------------------------------------------------------------------------------

def _sets():
    net = nets.deep_random(2, [5, 4], 2)
    yield tropgeom.regions(net)
    yield tropgeom.regions(net, Box([-1, F(-1, 3)], [F(1, 3), 2]))
    yield tropgeom.regions(net, Polytope([[1, 0], [0, 1], [-1, -1]], [1, 1, 1]), kind="linear")
    yield tropgeom.regions(nets.dead_neuron_net(), kind="linear")
    with pytest.raises(tropgeom.BudgetExceeded) as ei:
        tropgeom.regions(net, max_regions=3)
    yield ei.value.partial
    # searched in y = W1 x (n1 <= d; rank 2 < d): points kept in y until read, then mapped back
    deep = nets.deep_random(5, [3, 4], 4)
    yield tropgeom.regions(deep)
    W, b = [np.array(w, dtype=float) for w in deep.weights], [np.array(v, dtype=float) for v in deep.biases]
    W[0][2] = W[0][0] * 0.5
    yield tropgeom.regions(tropgeom.Network(list(zip(W, b))))
    with pytest.raises(tropgeom.BudgetExceeded) as ei:
        tropgeom.regions(deep, max_regions=5)
    yield ei.value.partial


@pytest.mark.parametrize("k", range(8))
def test_regionset_pickle_and_json_round_trip(k):
    rs = list(_sets())[k]
    rs.halfspace_arrays() if rs.kind == "activation" else rs.affine_maps(exact=True)   # after exact calls
    for back in (pickle.loads(pickle.dumps(rs)), RegionSet.from_json(rs.to_json())):
        assert back == rs and back.kind == rs.kind and back.complete == rs.complete
        assert back.stats == rs.stats and back.stop_reason == rs.stop_reason
        # geometry is rebuilt lazily and is the same
        J1, c1 = rs.affine_maps(exact=True)
        J2, c2 = back.affine_maps(exact=True)
        assert np.array_equal(J1, J2) and np.array_equal(c1, c2)
        act, bact = rs.activation, back.activation
        assert [act.halfspaces(i, exact=True)[1].tolist() for i in range(len(act))] == \
            [bact.halfspaces(i, exact=True)[1].tolist() for i in range(len(bact))]
        assert [act.facet_neurons(i) for i in range(len(act))] == [bact.facet_neurons(i) for i in range(len(bact))]
        assert np.array_equal(rs.adjacency_arrays()[0], back.adjacency_arrays()[0])
        assert pickle.loads(pickle.dumps(back)) == back


def test_json_geometry_and_schema(box_set):
    doc = json.loads(box_set.to_json(geometry=True))
    assert doc["schema_version"] == 1 and doc["type"] == "RegionSet"
    A, b = box_set.halfspaces(0, exact=True)
    assert [[F(v) for v in row] for row in doc["regions"][0]["A"]] == A.tolist()
    assert RegionSet.from_json(json.dumps(doc)) == box_set


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"schema_version": 2}', '{"schema_version": 1}',
                                  '{"schema_version": 1, "type": "RegionSet", "kind": "x"}', b"\xff"])
def test_from_json_bad_text_is_input_error(text):
    with pytest.raises(InputError):
        RegionSet.from_json(text)
    with pytest.raises(InputError):
        Network.from_json(text)


def test_from_json_bad_regions_is_input_error(box_set):
    doc = json.loads(box_set.to_json())
    doc["regions"][0]["point"] = ["1/0", "x"]
    with pytest.raises(InputError):
        RegionSet.from_json(json.dumps(doc))
    doc = json.loads(box_set.to_json())
    doc["regions"][0]["pattern"] = "".join("1" if c == "0" else "0" for c in doc["regions"][0]["pattern"])
    with pytest.raises(InputError, match="region 0 does not have its pattern"):
        RegionSet.from_json(json.dumps(doc))
    doc = json.loads(box_set.to_json())
    doc["regions"][0]["cuts"] = [99]
    with pytest.raises(InputError):
        RegionSet.from_json(json.dumps(doc)).affine_maps()


def test_network_pickle_after_exact_calls_and_dict():
    net = nets.deep_random(2, [4, 3], 0)
    net.forward([[F(1, 3), 0.5]], exact=True)                 # builds the cached core
    assert net._core is not None
    back = pickle.loads(pickle.dumps(net))
    assert back == net and back._core is None
    assert back.forward([[F(1, 3), 0.5]], exact=True).tolist() == net.forward([[F(1, 3), 0.5]], exact=True).tolist()
    assert Network.from_dict(net.to_dict()) == net == Network.from_json(net.to_json())
    q = Network([([[F(1, 3), 2 ** 60 + 1]], [F(-2, 7)]), ([[1.0]], [0.0])])
    assert Network.from_json(q.to_json()) == q and pickle.loads(pickle.dumps(q)) == q
    assert Network.from_json(q.to_json()).exact_layers[0][0][0, 1] == 2 ** 60 + 1
    r = Network(net.layers, rationalize=10)
    back = Network.from_json(r.to_json())
    assert back == r and back.is_rationalized


def test_box_and_polytope_round_trips():
    for dom in (Box(-1, 1), Box([0, F(1, 3)], [1, F(1, 2)]), Box(0.5, 2.0, dim=3),
                Polytope([[1, 0], [0, 1], [-1, -1]], [1, F(1, 3), 1]),
                Polytope([[1, 0], [0, 1]], [1, 1], bounded=False)):
        back = pickle.loads(pickle.dumps(dom))
        assert back == dom
        assert type(dom).from_dict(json.loads(json.dumps(dom.to_dict()))) == dom


# --- threads sharing one lazy RegionSet -----------------------------------------------------------

def test_two_threads_read_the_same_lazy_regionset_identically():
    rs = tropgeom.regions(nets.deep_random(2, [8, 8], 4), Box(-2, 2), threads=1)
    out = [None, None]

    def read(k):
        out[k] = (rs.halfspace_arrays(exact=True), rs.affine_maps(exact=True), rs.volumes(exact=True),
                  [rs.halfspaces(i, exact=True)[1].tolist() for i in range(len(rs))], rs.adjacency_arrays()[0])

    ts = [threading.Thread(target=read, args=(k,)) for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    a, b = out
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0]))
    assert np.array_equal(a[1][0], b[1][0]) and np.array_equal(a[2], b[2]) and a[3] == b[3]
    assert np.array_equal(a[4], b[4]) and sum(a[2]) == 16


def test_four_threads_on_one_lazy_regionset_do_not_crash():
    rs = tropgeom.regions(nets.deep_random(2, [8, 8], 5), threads=1)
    errors, results = [], []

    def read(k):
        try:
            order = range(len(rs)) if k % 2 else reversed(range(len(rs)))
            results.append(sorted((i, rs.halfspaces(i, exact=True)[1].tolist()) for i in order))
            rs.bounded()
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    ts = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors and len(results) == 4 and all(r == results[0] for r in results)


def test_fresh_y_space_regionset_round_trips_before_any_accessor():
    """A set searched in y = W1 x pickles (its points mapped back on the way out) before anything
    read them; the copy's points are exact interior points of its patterns."""
    net = nets.deep_random(6, [4, 4], 9)
    for back in (pickle.loads(pickle.dumps(tropgeom.regions(net))), RegionSet.from_json(tropgeom.regions(net).to_json())):
        rs = tropgeom.regions(net)
        assert back == rs
        X = back.interior_points(exact=True)
        assert np.array_equal(net.activation_patterns(X, exact=True), back.patterns)
        assert np.array_equal(back.interior_points(), rs.interior_points())
