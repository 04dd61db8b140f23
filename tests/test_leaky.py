"""LeakyReLU(alpha) networks: exact slopes, forward passes against numpy and torch, regions against the
ReLU arrangement (one hidden layer) and against brute force over sign patterns with exact LPs
(deeper nets), slices against regions, and the slopes kept by pickle / JSON / npz."""
import itertools
import pickle
from fractions import Fraction as F

import numpy as np
import pytest

import tropgeom as tg
from tropgeom import Box, InputError, Network, count_regions, regions
from tropgeom.lp import Polyhedron


def leaky_layers(rng, d, widths, out=1):
    dims = [d] + list(widths) + [out]
    return [(rng.normal(size=(o, i)) / np.sqrt(i), rng.normal(size=o) * 0.5) for i, o in zip(dims[:-1], dims[1:])]


def numpy_leaky(layers, slopes, X):
    H = np.asarray(X, dtype=np.float64)
    for l, (W, b) in enumerate(layers):
        H = H @ W.T + b
        if l < len(layers) - 1:
            H = np.where(H > 0, H, float(slopes[l]) * H)
    return H


def exact_cell(layers, slopes, pattern, d):
    """The exact polyhedron {x : every hidden neuron on the side `pattern` says} of a leaky net."""
    Ws = [np.array([[F(v) for v in row] for row in W], dtype=object) for W, _ in layers]
    bs = [np.array([F(v) for v in b], dtype=object) for _, b in layers]
    G = np.array([[F(int(i == j)) for j in range(d)] for i in range(d)], dtype=object)  # map x -> G x + e
    e = np.array([F(0)] * d, dtype=object)
    rows, rhs, k = [], [], 0
    for l in range(len(layers) - 1):
        G, e = Ws[l].dot(G), Ws[l].dot(e) + bs[l]
        for i in range(len(e)):
            on = pattern[k + i]
            rows.append(list(-G[i]) if on else list(G[i]))  # active: z >= 0; inactive: z <= 0
            rhs.append(e[i] if on else -e[i])
        s = np.array([F(1) if pattern[k + i] else slopes[l] for i in range(len(e))], dtype=object)
        G, e = G * s[:, None], e * s
        k += len(e)
    return Polyhedron(np.array(rows, dtype=object), np.array(rhs, dtype=object))


def brute_force_patterns(layers, slopes, d):
    """Every sign pattern whose exact cell is full-dimensional (one exact LP per pattern)."""
    hidden = sum(len(b) for _, b in layers[:-1])
    return {p for p in itertools.product([0, 1], repeat=hidden) if exact_cell(layers, slopes, p, d).is_full_dimensional()}


# --- the slopes ---------------------------------------------------------------------------------------

def test_slopes_are_exact_and_validated():
    layers = leaky_layers(np.random.default_rng(0), 2, [3, 3])
    net = Network(layers, negative_slopes=0.1)
    assert net.negative_slopes == (F(0.1), F(0.1)) and net.negative_slopes[0] != F(1, 10)  # the binary value
    assert Network(layers, negative_slopes=0.1, rationalize=100).negative_slopes[0] == F(1, 10)
    assert Network(layers, negative_slopes=[F(1, 3), 0]).negative_slopes == (F(1, 3), F(0))
    assert Network(layers).negative_slopes == (0, 0) and not Network(layers).is_leaky
    assert Network(layers, negative_slopes=["1/5", 0]).negative_slopes == (F(1, 5), 0)
    for bad in (1, -0.5, 2, float("nan"), "x", True, [0.1]):
        with pytest.raises(InputError, match="negative_slopes"):
            Network(layers, negative_slopes=bad)
    assert "leaky" in repr(net)


def test_slopes_survive_pickle_json_npz(tmp_path):
    net = Network(leaky_layers(np.random.default_rng(1), 2, [3, 2]), negative_slopes=[F(1, 3), 0.25])
    assert pickle.loads(pickle.dumps(net)) == net
    assert Network.from_json(net.to_json()) == net
    net.save(tmp_path / "leaky.npz")
    back = Network.load(tmp_path / "leaky.npz")
    assert back == net and back.negative_slopes == (F(1, 3), F(1, 4))
    assert Network(net.layers) != net  # the slopes are part of the network


# --- forward passes -----------------------------------------------------------------------------------

def test_forward_float_exact_numpy_and_signs_agree():
    rng = np.random.default_rng(2)
    layers = leaky_layers(rng, 3, [5, 4], out=2)
    slopes = [F(1, 4), F(1, 3)]
    net = Network(layers, negative_slopes=slopes)
    X = rng.normal(size=(50, 3))
    ref = numpy_leaky(layers, slopes, X)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    exact = net.forward(X, exact=True)
    np.testing.assert_allclose(exact.astype(float), ref, rtol=1e-12, atol=1e-12)
    # exact by hand at one rational point
    x = [F(1, 3), F(-1, 2), F(2, 7)]
    h = x
    for l, (W, b) in enumerate(layers):
        z = [sum(F(w) * v for w, v in zip(row, h)) + F(bi) for row, bi in zip(W, b)]
        h = [v if v > 0 else slopes[l] * v for v in z] if l < 2 else z
    assert list(net.forward(np.array(x, dtype=object), exact=True)) == h
    signs = net.exact_signs(X)
    assert np.array_equal(signs > 0, net.activation_patterns(X))


def test_exact_forward_equals_torch_leaky_relu():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(3, 6), nn.LeakyReLU(0.25), nn.Linear(6, 4), nn.LeakyReLU(0.01),
                          nn.Linear(4, 2)).double()
    net = Network.from_torch(model)
    assert net.negative_slopes == (F(1, 4), F(0.01))
    X = np.random.default_rng(8).normal(size=(60, 3))
    with torch.no_grad():
        ref = model(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(net.forward(X, exact=True).astype(float), ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    single = Network.from_torch(nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.25), nn.Linear(3, 1)))
    assert single.negative_slopes == (F(1, 4),) and single.relu == (True, False)
    with pytest.raises(InputError, match="not in"):
        Network.from_torch(nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(1.5), nn.Linear(3, 1)))


# --- regions ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d,n,seed", [(2, 6, 0), (3, 7, 1)])
def test_one_layer_counts_equal_relu_while_maps_differ(d, n, seed):
    layers = leaky_layers(np.random.default_rng(seed), d, [n], out=2)
    alpha = F(1, 5)
    relu, leaky = Network(layers), Network(layers, negative_slopes=alpha)
    for dom in (None, Box(-1, 1)):
        a, b = regions(relu, dom, threads=1), regions(leaky, dom, threads=1)
        assert a.count == b.count
        assert np.array_equal(a.patterns, b.patterns)
        assert count_regions(leaky, dom, kind="linear", threads=1) == count_regions(relu, dom, kind="linear", threads=1)
        (W1, b1), (W2, b2) = leaky.exact_layers
        J, c = b.affine_maps(exact=True)
        Ja, _ = a.affine_maps(exact=True)
        for i, p in enumerate(b.patterns):
            s = np.array([F(1) if on else alpha for on in p], dtype=object)
            assert np.array_equal(J[i], W2.dot(W1 * s[:, None]))  # W2 diag(s) W1
            assert np.array_equal(c[i], W2.dot(b1 * s) + b2)
        assert any(not np.array_equal(J[i], Ja[i]) for i in range(len(b)))


@pytest.mark.parametrize("widths,slopes,seed", [([3, 3], [F(1, 4), F(1, 10)], 3), ([4, 3], [0.5, 0], 4),
                                                ([3, 2, 2], [F(1, 3), F(1, 2), F(1, 7)], 5)])
def test_deeper_leaky_regions_equal_brute_force(widths, slopes, seed):
    layers = leaky_layers(np.random.default_rng(seed), 2, widths)
    net = Network(layers, negative_slopes=slopes)
    want = brute_force_patterns(layers, [F(s) for s in slopes], 2)
    rs = regions(net, threads=1)
    got = {tuple(int(v) for v in p) for p in rs.patterns}
    assert got == want
    assert count_regions(net, threads=2) == len(want)
    # every region's exact affine map is the network at its interior point
    J, c = rs.affine_maps(exact=True)
    P = rs.interior_points(exact=True)
    for i in range(len(rs)):
        assert list(J[i].dot(P[i]) + c[i]) == list(net.forward(P[i], exact=True))


def test_leaky_slice_equals_regions_and_linear_kinds_agree():
    from tropgeom.slice2d import Box2D, slice2d
    layers = leaky_layers(np.random.default_rng(9), 2, [5, 4], out=1)
    net = Network(layers, negative_slopes=[F(1, 4), F(1, 8)])
    s = slice2d(net, domain=Box2D([-2, -2], [2, 2]))
    rs = regions(net, Box(-2, 2), threads=1)
    assert {tuple(p) for p in s.patterns} == {tuple(p) for p in rs.patterns}
    assert sum(s.areas(exact=True)) == 16
    # face maps: exact, and equal to the forward pass at every vertex of the face (continuity)
    M = s.maps(exact=True)
    V = s.vertices(exact=True)
    for f in range(s.num_faces):
        for u, v in V[s.face(f)]:
            assert M[f, 0, 0] * u + M[f, 0, 1] * v + M[f, 0, 2] == net.forward(np.array([u, v], dtype=object), exact=True)[0]
    np.testing.assert_allclose(s.maps(), M.astype(float), rtol=1e-9, atol=1e-12)
    assert len(s.linear_regions()) == regions(net, Box(-2, 2), kind="linear", threads=1).count


def test_leaky_adjacency_is_the_relu_arrangements():
    layers = leaky_layers(np.random.default_rng(10), 3, [6], out=1)
    a = regions(Network(layers), threads=1)
    b = regions(Network(layers, negative_slopes=F(1, 3)), threads=1)
    assert [p[:2] for p in a.adjacency()] == [p[:2] for p in b.adjacency()]


def test_relu_only_entry_points_refuse_leaky_nets():
    net = Network(leaky_layers(np.random.default_rng(11), 2, [3]), negative_slopes=0.5)
    with pytest.raises(InputError, match="LeakyReLU"):
        tg.local_complexity(net, np.zeros((1, 2)), 0.1)


def test_exact_patterns_and_sampling_of_leaky_nets():
    layers = leaky_layers(np.random.default_rng(15), 2, [4, 3])
    net = Network(layers, negative_slopes=[F(1, 3), 0.25])
    X = np.random.default_rng(16).uniform(-1, 1, size=(3000, 2))
    (W1, b1) = layers[0]
    X[:3] = [[0.0, -b1[0] / W1[0, 1]] if W1[0, 1] else [0.0, 0.0]] * 3  # near or on a first-layer line
    S = net.exact_signs(X)
    assert np.array_equal(S, net.core.pre_activation_signs(X))  # the float filter == all exact
    assert np.array_equal(net.activation_patterns(X, exact=True), S > 0)
    est = tg.estimate_regions(net, Box(-1, 1), samples=20000, seed=1)
    assert est.observed <= count_regions(net, Box(-1, 1), threads=1)
    assert est.observed >= count_regions(net, Box(-1, 1), threads=1) - 2  # tiny regions may be missed


def test_onnx_leaky_relu():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(12)
    W1, b1, W2, b2 = (rng.normal(size=s).astype(np.float32) for s in ((4, 2), 4, (1, 4), 1))
    inits = [numpy_helper.from_array(a, n) for a, n in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2"))]
    nodes = [helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1),
             helper.make_node("LeakyRelu", ["h"], ["r"], alpha=0.1),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["Y"], transB=1)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])], inits)
    net = Network.from_onnx(helper.make_model(graph))
    assert net.negative_slopes == (F(float(np.float32(0.1))),)  # ONNX's float32 alpha, exactly
    want = Network([(W1.astype(float), b1.astype(float)), (W2.astype(float), b2.astype(float))],
                   negative_slopes=float(np.float32(0.1)))
    assert net == want


def test_leaky_results_round_trip():
    from tropgeom import RegionSet
    from tropgeom.slice2d import Box2D, Slice, slice2d
    net = Network(leaky_layers(np.random.default_rng(13), 2, [4]), negative_slopes=F(1, 3))
    rs = regions(net, Box(-1, 1), kind="linear", threads=1)
    back = RegionSet.from_json(rs.to_json())
    assert back == rs and back.net.negative_slopes == (F(1, 3),)
    assert pickle.loads(pickle.dumps(rs)) == rs
    s = slice2d(net, domain=Box2D([-1, -1], [1, 1]))
    again = Slice.from_json(s.to_json())
    assert again == s and again.net.negative_slopes == (F(1, 3),)
    # the 1-D slice's breakpoints: where each hidden line crosses the segment (one layer: closed form)
    (W1, b1), _ = net.exact_layers
    p, q = [F(-1), F(1, 3)], [F(1), F(-1, 5)]
    cross = [-(w[0] * p[0] + w[1] * p[1] + c) / (w[0] * (q[0] - p[0]) + w[1] * (q[1] - p[1])) for w, c in zip(W1, b1)]
    assert s.line(p, q) == sorted(t for t in cross if 0 < t < 1)


def test_zero_bias_leaky_net_takes_the_exact_path_and_equals_brute_force():
    # zero biases put every stored point on later hyperplanes: decisions go to the exact path (Integer
    # maps with the slope folded into their common denominator)
    rng = np.random.default_rng(14)
    layers = [(W, np.zeros(len(b))) for W, b in leaky_layers(rng, 2, [3, 3])]
    slopes = [F(1, 3), F(2, 5)]
    rs = regions(Network(layers, negative_slopes=slopes), threads=1)
    assert rs.stats["exact_decisions"] > 0
    assert {tuple(int(v) for v in p) for p in rs.patterns} == brute_force_patterns(layers, slopes, 2)
    J, c = rs.affine_maps(exact=True)
    P = rs.interior_points(exact=True)
    for i in range(len(rs)):
        assert list(J[i].dot(P[i]) + c[i]) == list(rs.net.forward(P[i], exact=True))
