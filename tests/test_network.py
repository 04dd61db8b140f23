"""tropgeom.Network: exact and float forward passes, activation patterns, exact signs, rationalisation,
file / torch / ONNX round trips and input validation, each against an independent computation."""
import math
import subprocess
import sys
import textwrap
from fractions import Fraction as F

import numpy as np
import pytest

from tropgeom import InputError, Network
from tropgeom import _kernels


# --- independent references --------------------------------------------------------------------------

def random_layers(rng, d, widths, out=None, scale=True):
    dims = [d] + list(widths) + ([out] if out is not None else [])
    layers = []
    for i, o in zip(dims[:-1], dims[1:]):
        s = 1.0 / np.sqrt(i) if scale else 1.0
        layers.append((rng.normal(size=(o, i)) * s, rng.normal(size=o) * 0.5))
    return layers


def numpy_forward(layers, relu, X):
    H = np.atleast_2d(np.asarray(X, dtype=np.float64))
    for (W, b), r in zip(layers, relu):
        H = H @ np.asarray(W, dtype=np.float64).T + np.asarray(b, dtype=np.float64)
        if r:
            H = np.maximum(H, 0.0)
    return H


def numpy_preacts(layers, relu, X):
    """Pre-activations of every ReLU neuron, layer order, as an (N, hidden) float array."""
    H = np.atleast_2d(np.asarray(X, dtype=np.float64))
    cols = []
    for (W, b), r in zip(layers, relu):
        Z = H @ np.asarray(W, dtype=np.float64).T + np.asarray(b, dtype=np.float64)
        if r:
            cols.append(Z)
            Z = np.maximum(Z, 0.0)
        H = Z
    return np.hstack(cols) if cols else np.zeros((H.shape[0], 0))


def frac(v):
    return v if isinstance(v, F) else F(float(v))


def fraction_forward(layers, relu, x):
    """Pure-Python exact forward pass of one point (weights and x taken as exact rationals)."""
    h = [frac(v) for v in x]
    for (W, b), r in zip(layers, relu):
        W = np.asarray(W, dtype=object)
        h = [sum((frac(W[i, j]) * h[j] for j in range(W.shape[1])), F(0)) + frac(b[i])
             for i in range(W.shape[0])]
        if r:
            h = [max(v, F(0)) for v in h]
    return h


def fnv1a(row):
    v = 14695981039346656037
    for byte in bytes(row):
        v = ((v ^ byte) * 1099511628211) % (1 << 64)
    return v


def default_relu(n):
    return [True] * (n - 1) + [False]


# --- forward passes ----------------------------------------------------------------------------------

def test_exact_and_float_forward_agree_on_random_nets():
    rng = np.random.default_rng(11)
    for _ in range(30):
        depth = int(rng.integers(1, 5))
        d = int(rng.integers(1, 7))
        widths = [int(w) for w in rng.integers(1, 17, size=depth)]
        layers = random_layers(rng, d, widths)
        relu = default_relu(depth)
        net = Network(layers)
        X = rng.normal(size=(7, d))
        out = net.forward(X)
        assert out.dtype == np.float64 and out.shape == (7, widths[-1])
        ref = numpy_forward(layers, relu, X)
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
        ex = net.forward(X, exact=True)
        assert ex.shape == out.shape and all(isinstance(v, F) for v in ex.ravel())
        np.testing.assert_allclose(ex.astype(np.float64), out, rtol=1e-12, atol=1e-12)
        # the exact pass is exactly the rational forward pass of the float data
        for i in range(2):
            assert list(ex[i]) == fraction_forward(layers, relu, X[i])


def test_exact_forward_at_rational_points():
    rng = np.random.default_rng(5)
    for _ in range(8):
        d = int(rng.integers(1, 5))
        widths = [int(w) for w in rng.integers(1, 9, size=int(rng.integers(1, 4)))]
        layers = random_layers(rng, d, widths, out=2)
        relu = default_relu(len(layers))
        net = Network(layers)
        pts = [[F(int(rng.integers(-20, 21)), int(rng.choice([3, 7, 9, 11]))) for _ in range(d)]
               for _ in range(4)]
        ex = net.forward(pts, exact=True)
        for p, row in zip(pts, ex):
            assert list(row) == fraction_forward(layers, relu, p)
        single = net.forward(pts[0], exact=True)        # one point in, one row out
        assert single.shape == (2,) and list(single) == list(ex[0])


def test_exact_forward_by_hand():
    # h = relu(x/2 - y + 1/4); out = 3 h - 1 at (1/3, 1/7): h = 1/6 - 1/7 + 1/4 = 23/84
    net = Network([([[0.5, -1.0]], [0.25]), ([[3.0]], [-1.0])])
    assert net.forward([F(1, 3), F(1, 7)], exact=True)[0] == 3 * F(23, 84) - 1
    assert net.forward([F(1, 1), F(1, 1)], exact=True)[0] == -1    # h = 0
    assert net.forward([[1.0, 0.0]])[0, 0] == pytest.approx(3 * 0.75 - 1, abs=1e-15)


def test_custom_relu_flags_forward():
    rng = np.random.default_rng(3)
    layers = random_layers(rng, 3, [4, 5], out=2)
    relu = [True, False, True]
    net = Network(layers, relu=relu)
    X = rng.normal(size=(20, 3))
    np.testing.assert_allclose(net.forward(X), numpy_forward(layers, relu, X), rtol=1e-12, atol=1e-12)
    assert np.all(net.forward(X) >= 0)                  # ReLU after the output layer
    ex = net.forward(X[:3], exact=True)
    for i in range(3):
        assert list(ex[i]) == fraction_forward(layers, relu, X[i])


# --- activation patterns and exact signs ---------------------------------------------------------------

def test_packed_patterns_match_numpy():
    rng = np.random.default_rng(21)
    for _ in range(10):
        d = int(rng.integers(1, 7))
        widths = [int(w) for w in rng.integers(1, 17, size=int(rng.integers(1, 4)))]
        layers = random_layers(rng, d, widths, out=1)
        relu = default_relu(len(layers))
        net = Network(layers)
        hidden = sum(widths)
        assert net.num_hidden_neurons == hidden
        X = rng.normal(size=(200, d))
        packed = net.packed_activation_patterns(X)
        assert packed.dtype == np.uint8 and packed.shape == (200, (hidden + 7) // 8)
        bits = np.unpackbits(packed, axis=1, count=hidden, bitorder="little").astype(bool)
        Z = numpy_preacts(layers, relu, X)
        assert np.array_equal(bits, Z > 0)
        # padding bits past the last neuron are zero
        assert not np.unpackbits(packed, axis=1, bitorder="little")[:, hidden:].any()
        unpacked = net.activation_patterns(X)
        assert unpacked.dtype == bool and np.array_equal(unpacked, Z > 0)
        assert np.array_equal(net.packed_activation_patterns(X[4]), packed[4])
        with pytest.warns(FutureWarning, match="packed_activation_patterns"):
            assert np.array_equal(net.activation_patterns(X, packed=True), packed)


def test_exact_signs_agree_with_float_at_random_points():
    rng = np.random.default_rng(8)
    layers = random_layers(rng, 4, [9, 7], out=2)
    relu = default_relu(3)
    net = Network(layers)
    X = rng.normal(size=(60, 4))
    s = net.exact_signs(X)
    assert s.dtype == np.int8 and s.shape == (60, 16)
    Z = numpy_preacts(layers, relu, X)
    assert np.all(np.abs(Z) > 1e-9)        # random points: no float sign is in doubt
    assert np.array_equal(s, np.sign(Z).astype(np.int8))
    assert np.array_equal(net.exact_signs(X[0]), s[0])


def test_exact_signs_zero_on_hyperplane():
    net = Network([([[1.0, -1.0]], [0.0]), ([[1.0]], [0.0])])
    assert net.exact_signs([0.5, 0.5]).tolist() == [0]
    assert net.exact_signs([[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]).tolist() == [[0], [1], [-1]]
    # rational points on a hyperplane x/3 + y/7 = 1/21 (no float could be exactly on it)
    net2 = Network([([[1.0, 1.0], [2.0, -1.0]], [-1.0, 0.5]), ([[1.0, 1.0]], [0.0])], rationalize=10)
    pts = [[F(1, 3), F(2, 3)], [F(1, 7), F(6, 7)], [F(1, 3), F(1, 6)]]
    # row 1: x + y - 1 = 0, 0, -1/2; row 2: 2x - y + 1/2 = 1/2, -1/14, 1
    assert net2.exact_signs(pts).tolist() == [[0, 1], [0, -1], [-1, 1]]
    # a deeper zero: layer 2 exactly zero because layer 1 is
    net3 = Network([([[1.0]], [-F(1, 3)]), ([[1.0]], [0.0]), ([[1.0]], [0.0])], rationalize=3)
    assert net3.exact_signs([F(1, 3)]).tolist() == [0, 0]
    assert net3.exact_signs([1.0]).tolist() == [1, 1]


_SIGNS_SCRIPT = textwrap.dedent("""
    import numpy as np
    from tropgeom import Network
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(3, 2)), rng.normal(size=3)), (rng.normal(size=(4, 3)), rng.normal(size=4)),
              (rng.normal(size=(1, 4)), rng.normal(size=1))]
    net = Network(layers, relu=[False, True, False])
    X = rng.normal(size=(5, 2))
    bits = net.activation_patterns(X)
    s = net.exact_signs(X)
    assert s.shape == bits.shape, (s.shape, bits.shape)
    assert np.array_equal(s > 0, bits), (s, bits)
    print("ok")
""")


def test_exact_signs_with_linear_first_layer():
    r = subprocess.run([sys.executable, "-c", _SIGNS_SCRIPT], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"


# --- hash_rows -----------------------------------------------------------------------------------------

def test_hash_rows_is_fnv1a():
    rng = np.random.default_rng(1)
    P = rng.integers(0, 256, size=(50, 6), dtype=np.uint8)
    h = _kernels.hash_rows(P)
    assert h.dtype == np.uint64
    assert [int(v) for v in h] == [fnv1a(row) for row in P]


def test_hash_rows_equal_rows_and_one_bit_changes():
    rng = np.random.default_rng(2)
    row = rng.integers(0, 256, size=(1, 5), dtype=np.uint8)
    flips = np.repeat(row, 40, axis=0)
    for k in range(40):
        flips[k, k // 8] ^= np.uint8(1 << (k % 8))
    P = np.vstack([row, row, flips])
    h = _kernels.hash_rows(P)
    assert h[0] == h[1]
    assert len(set(h[2:].tolist()) | {int(h[0])}) == 41     # every one-bit change moves the hash


def test_hash_rows_no_collisions_on_distinct_rows():
    rng = np.random.default_rng(3)
    P = np.unique(rng.integers(0, 256, size=(10_000, 4), dtype=np.uint8), axis=0)
    h = _kernels.hash_rows(np.ascontiguousarray(P))
    assert len(np.unique(h)) == len(P) > 9_900


def test_hash_rows_of_patterns_groups_equal_patterns():
    rng = np.random.default_rng(4)
    net = Network(random_layers(rng, 2, [6, 5], out=1))
    packed = net.packed_activation_patterns(rng.uniform(-3, 3, size=(3000, 2)))
    h = _kernels.hash_rows(packed)
    assert len(np.unique(h)) == len(np.unique(packed, axis=0))


# --- rationalize -------------------------------------------------------------------------------------

def test_rationalize_snaps_to_closest_small_fraction():
    rng = np.random.default_rng(9)
    layers = random_layers(rng, 3, [4], out=2)
    for q in (1, 7, 10, 1000):
        net = Network(layers, rationalize=q)
        assert net.is_rationalized
        for (W, b), (Wq, bq), (Wf, bf) in zip(layers, net.exact_layers, net.layers):
            for w, wq, wf in zip(np.concatenate([W.ravel(), b]), np.concatenate([Wq.ravel(), bq]),
                                 np.concatenate([Wf.ravel(), bf])):
                assert isinstance(wq, F) and wq.denominator <= q
                assert wq == F(float(w)).limit_denominator(q)
                assert wf == float(wq)                # the float weights are the snapped ones
                if q <= 10:                          # brute force: nothing with den <= q is closer
                    x = F(float(w))
                    best = min(min(abs(x - F(n, k)) for n in (math.floor(x * k), math.floor(x * k) + 1))
                               for k in range(1, q + 1))
                    assert abs(x - wq) == best


def test_rationalized_exact_forward_uses_rational_weights():
    rng = np.random.default_rng(10)
    layers = random_layers(rng, 3, [5, 4], out=2)
    net = Network(layers, rationalize=12)
    qlayers = net.exact_layers
    relu = list(net.relu)
    pts = [[F(1, 3), F(-2, 7), F(5, 11)], [F(0), F(1, 2), F(-1)], [0.1, 0.2, 0.3]]
    ex = net.forward(pts, exact=True)
    for p, row in zip(pts, ex):
        assert list(row) == fraction_forward(qlayers, relu, p)
    # not the same as the unrounded network (the snapping really happened)
    assert list(ex[0]) != fraction_forward(layers, relu, pts[0])


def test_unrationalized_exact_layers_are_the_floats():
    rng = np.random.default_rng(12)
    layers = random_layers(rng, 2, [3], out=1)
    net = Network(layers)
    assert not net.is_rationalized
    for (W, b), (Wq, bq) in zip(layers, net.exact_layers):
        assert all(wq == F(float(w)) for w, wq in zip(W.ravel(), Wq.ravel()))
        assert all(v == F(float(u)) for u, v in zip(b, bq))


# --- description -------------------------------------------------------------------------------------

def test_architecture_and_info():
    rng = np.random.default_rng(13)
    net = Network(random_layers(rng, 3, [5, 4], out=2))
    assert net.architecture == (3, 5, 4, 2)
    assert net.input_dim == 3 and net.output_dim == 2
    assert net.relu == (True, True, False)
    assert net.num_hidden_neurons == 9
    assert repr(net) == "Network(3,5,4,2)"
    assert net.info() == {
        "architecture": [3, 5, 4, 2],
        "layers": 3,
        "relu": [True, True, False],
        "hidden_neurons": 9,
        "parameters": (3 * 5 + 5) + (5 * 4 + 4) + (4 * 2 + 2),
        "rationalized": False,
    }
    assert Network(random_layers(rng, 3, [5], out=1), rationalize=4).info()["rationalized"] is True


def test_weights_are_read_only():
    net = Network([(np.ones((2, 2)), np.zeros(2))])
    with pytest.raises(ValueError):
        net.weights[0][0, 0] = 5.0


# --- files, torch, ONNX ----------------------------------------------------------------------------------

def test_save_load_roundtrip(tmp_path):
    rng = np.random.default_rng(14)
    layers = random_layers(rng, 3, [4, 5], out=2)
    net = Network(layers, relu=[True, False, True])
    path = tmp_path / "net.npz"
    net.save(path)
    back = Network.load(path)
    assert back.relu == (True, False, True)
    assert not back.is_rationalized
    for (W, b), (W2, b2) in zip(net.layers, back.layers):
        assert np.array_equal(W, W2) and np.array_equal(b, b2)
    X = rng.normal(size=(5, 3))
    assert np.array_equal(back.forward(X), net.forward(X))


def test_save_load_roundtrip_rationalized(tmp_path):
    rng = np.random.default_rng(15)
    net = Network(random_layers(rng, 2, [3], out=1), rationalize=7)
    path = tmp_path / "q.npz"
    net.save(path)
    back = Network.load(path)
    assert back.is_rationalized
    assert back.relu == net.relu
    for (W, b), (W2, b2) in zip(net.exact_layers, back.exact_layers):
        assert W.shape == W2.shape and list(W.ravel()) == list(W2.ravel())
        assert list(b) == list(b2)
        assert all(isinstance(v, F) for v in W2.ravel())
    pts = [[F(1, 3), F(2, 9)]]
    assert list(back.forward(pts, exact=True)[0]) == list(net.forward(pts, exact=True)[0])


def test_from_torch_matches_torch():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2))
    net = Network.from_torch(model)
    assert net.architecture == (3, 5, 4, 2)
    assert net.relu == (True, True, False)
    model = model.double()
    X = np.random.default_rng(16).normal(size=(50, 3))
    with torch.no_grad():
        ref = model(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    # float32 weights convert exactly
    assert np.array_equal(net.weights[0], model[0].weight.detach().numpy())


def test_from_torch_no_bias_identity_and_final_relu():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3, bias=False), nn.Identity(), nn.ReLU(), nn.Linear(3, 2), nn.ReLU())
    net = Network.from_torch(model)
    assert net.relu == (True, True)
    assert np.array_equal(net.biases[0], np.zeros(3))
    X = np.random.default_rng(17).normal(size=(30, 2))
    with torch.no_grad():
        ref = model.double()(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    single = Network.from_torch(nn.Linear(4, 1))
    assert single.architecture == (4, 1) and single.relu == (False,)


def _onnx_gemm_model(W1, b1, W2, b2, *, alpha=1.0, beta=1.0):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    inits = [numpy_helper.from_array(W1.astype(np.float32), "W1"), numpy_helper.from_array(b1.astype(np.float32), "b1"),
             numpy_helper.from_array(W2.astype(np.float32), "W2"), numpy_helper.from_array(b2.astype(np.float32), "b2")]
    nodes = [helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1, alpha=alpha, beta=beta),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["Y"], transB=1)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, W1.shape[1]])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, W2.shape[0]])], inits)
    model = helper.make_model(graph)
    onnx.checker.check_model(model)
    return model


def _f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def test_from_onnx_gemm(tmp_path):
    onnx = pytest.importorskip("onnx")
    rng = np.random.default_rng(18)
    W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(2, 5)), rng.normal(size=2)
    model = _onnx_gemm_model(W1, b1, W2, b2)
    net = Network.from_onnx(model)
    assert net.architecture == (3, 5, 2) and net.relu == (True, False)
    X = rng.normal(size=(40, 3))
    ref = numpy_forward([(_f32(W1), _f32(b1)), (_f32(W2), _f32(b2))], [True, False], X)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    # from a file path, and against ONNX's own reference evaluator (float32)
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    net2 = Network.from_onnx(path)
    assert np.array_equal(net2.forward(X), net.forward(X))
    from onnx.reference import ReferenceEvaluator
    y32 = ReferenceEvaluator(model).run(None, {"X": X.astype(np.float32)})[0]
    np.testing.assert_allclose(net.forward(X.astype(np.float32).astype(np.float64)), y32, rtol=1e-4, atol=1e-4)


def test_from_onnx_gemm_alpha_beta():
    pytest.importorskip("onnx")
    rng = np.random.default_rng(19)
    W1, b1, W2, b2 = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(1, 4)), rng.normal(size=1)
    net = Network.from_onnx(_onnx_gemm_model(W1, b1, W2, b2, alpha=0.5, beta=2.0))
    X = rng.normal(size=(20, 2))
    ref = numpy_forward([(0.5 * _f32(W1), 2.0 * _f32(b1)), (_f32(W2), _f32(b2))], [True, False], X)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)


def test_from_onnx_matmul_add_relu():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(20)
    B1, c1, B2, c2 = rng.normal(size=(3, 6)), rng.normal(size=6), rng.normal(size=(6, 2)), rng.normal(size=2)
    inits = [numpy_helper.from_array(B1.astype(np.float32), "B1"), numpy_helper.from_array(c1.astype(np.float32), "c1"),
             numpy_helper.from_array(B2.astype(np.float32), "B2"), numpy_helper.from_array(c2.astype(np.float32), "c2")]
    nodes = [helper.make_node("MatMul", ["X", "B1"], ["m1"]), helper.make_node("Add", ["m1", "c1"], ["a1"]),
             helper.make_node("Relu", ["a1"], ["r1"]), helper.make_node("MatMul", ["r1", "B2"], ["m2"]),
             helper.make_node("Add", ["c2", "m2"], ["Y"])]          # bias as the first operand
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 3])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 2])], inits)
    model = helper.make_model(graph)
    onnx.checker.check_model(model)
    net = Network.from_onnx(model)
    assert net.architecture == (3, 6, 2) and net.relu == (True, False)
    X = rng.normal(size=(30, 3))
    ref = numpy_forward([(_f32(B1).T, _f32(c1)), (_f32(B2).T, _f32(c2))], [True, False], X)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)


# --- bad input -----------------------------------------------------------------------------------------

GOOD = (np.ones((3, 2)), np.zeros(3))


def raises_at(match, layer=None, **kw):
    class _Ctx:
        def __enter__(self):
            self.cm = pytest.raises(InputError, match=match)
            self.info = self.cm.__enter__()
            return self.info

        def __exit__(self, *exc):
            ok = self.cm.__exit__(*exc)
            if layer is not None:
                assert self.info.value.layer == layer
            for k, v in kw.items():
                assert getattr(self.info.value, k) == v
            return ok
    return _Ctx()


def test_empty_network():
    with raises_at("no layers"):
        Network([])


def test_layer_not_a_pair():
    with raises_at(r"layer 2 is not a \(W, b\) pair", layer=2):
        Network([GOOD, (np.ones((1, 3)),)])


def test_weight_not_a_matrix():
    with raises_at("layer 1 weight has 1 dimensions", layer=1):
        Network([(np.ones(3), np.zeros(3))])
    with raises_at("layer 2 weight has 3 dimensions", layer=2):
        Network([GOOD, (np.ones((1, 3, 1)), np.zeros(1))])


def test_mismatched_sizes():
    with raises_at(r"layer 2 weight has shape \(2, 2\); expected \(2, 3\)", layer=2):
        Network([GOOD, (np.ones((2, 2)), np.zeros(2))])


def test_bias_wrong_shape():
    with raises_at(r"layer 1 bias has shape \(2,\); expected \(3,\)", layer=1):
        Network([(np.ones((3, 2)), np.zeros(2))])
    with raises_at(r"layer 2 bias has shape \(1, 1\); expected \(1,\)", layer=2):
        Network([GOOD, (np.ones((1, 3)), np.zeros((1, 1)))])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weight(bad):
    W = np.ones((2, 3))
    W[1, 2] = bad
    with raises_at(r"layer 2 weight has a non-finite value .* at row 1, column 2", layer=2, index=(1, 2)):
        Network([GOOD, (W, np.zeros(2))])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_bias(bad):
    b = np.zeros(3)
    b[2] = bad
    with raises_at(r"layer 1 bias has a non-finite value .* at index 2", layer=1, index=2):
        Network([(np.ones((3, 2)), b)])


def test_non_numeric():
    with raises_at(r"layer 1 weight is not numeric \(dtype <U", layer=1):
        Network([(np.array([["a", "b"]]), np.zeros(1))])
    with raises_at(r"layer 1 bias has a non-numeric value \('x'\) at index 0", layer=1):
        Network([(np.ones((1, 2)), np.array(["x"], dtype=object))])
    with raises_at("layer 1 bias", layer=1):                 # None becomes NaN on conversion
        Network([(np.ones((1, 2)), np.array([None], dtype=object))])
    with raises_at("layer 1 weight is not numeric", layer=1):
        Network([(np.ones((1, 2), dtype=complex), np.zeros(1))])


def test_zero_size_layer():
    with raises_at(r"layer 1 weight has shape \(0, 2\); a layer needs at least one neuron", layer=1):
        Network([(np.ones((0, 2)), np.zeros(0))])
    with raises_at(r"layer 1 weight has shape \(2, 0\)", layer=1):
        Network([(np.ones((2, 0)), np.zeros(2))])


def test_relu_flag_count():
    with raises_at(r"relu has 1 flags; expected one per layer \(2\)"):
        Network([GOOD, (np.ones((1, 3)), np.zeros(1))], relu=[True])


@pytest.mark.parametrize("q", [0, -3, 2.5, True, "7"])
def test_bad_rationalize(q):
    with raises_at("rationalize must be a positive integer"):
        Network([GOOD], rationalize=q)


def test_unsupported_torch_layers():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    with raises_at(r"unsupported submodule '0' \(Conv1d\)", index=0):
        Network.from_torch(nn.Sequential(nn.Conv1d(1, 2, 3), nn.ReLU(), nn.Linear(3, 2), nn.Sigmoid()))
    with raises_at(r"unsupported submodule '3' \(Sigmoid\)", index=3):
        Network.from_torch(nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 2), nn.Sigmoid()))
    with raises_at(r"ReLU at submodule '0' does not follow a Linear layer", index=0):
        Network.from_torch(nn.Sequential(nn.ReLU(), nn.Linear(2, 2)))
    with raises_at("no Linear layer"):
        Network.from_torch(nn.Sequential(nn.Identity()))


def test_unsupported_onnx_op():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    W = numpy_helper.from_array(np.ones((2, 3), dtype=np.float32), "W")
    nodes = [helper.make_node("Gemm", ["X", "W"], ["h"], transB=1), helper.make_node("Sigmoid", ["h"], ["Y"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 3])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 2])], [W])
    with raises_at(r"unsupported ONNX operators: Sigmoid \(node 1\)"):
        Network.from_onnx(helper.make_model(graph))


def test_npz_missing_bias(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, W1=np.ones((3, 2)), b1=np.zeros(3), W2=np.ones((1, 3)))
    with raises_at("has W2 but no b2", layer=2):
        Network.load(path)


def test_npz_without_weights_and_unreadable(tmp_path):
    path = tmp_path / "empty.npz"
    np.savez(path, x=np.ones(2))
    with raises_at("has no key W1"):
        Network.load(path)
    junk = tmp_path / "junk.npz"
    junk.write_text("not a zip file")
    with raises_at("not a network file tropgeom reads"):
        Network.load(junk)
    csv = tmp_path / "net.csv"  # a suffix no reader knows: one line naming the formats, not numpy's advice
    csv.write_text("1,2\n")
    with raises_at(r"\.npz with W1, b1, \.\.\.; \.onnx; \.pt/\.pth; \.json"):
        Network.load(csv)
    np.save(tmp_path / "one.npy", np.ones(3))
    with raises_at("holds one array, not a network"):
        Network.load(tmp_path / "one.npy")


def test_npz_with_bad_shapes_names_the_layer(tmp_path):
    path = tmp_path / "shapes.npz"
    np.savez(path, W1=np.ones((3, 2)), b1=np.zeros(3), W2=np.ones((1, 4)), b2=np.zeros(1))
    with raises_at(r"layer 2 weight has shape \(1, 4\); expected \(1, 3\)", layer=2):
        Network.load(path)


def test_nonexistent_file(tmp_path):
    with raises_at("no such file"):
        Network.load(tmp_path / "missing.npz")


def test_bad_points():
    net = Network([GOOD, (np.ones((1, 3)), np.zeros(1))])
    for method in (net.forward, net.activation_patterns, net.exact_signs):
        with raises_at(r"X has shape \(4, 3\); expected \(N, 2\) or \(2,\)"):
            method(np.ones((4, 3)))
        with raises_at(r"X has shape \(2, 2, 2\)"):
            method(np.ones((2, 2, 2)))
    X = np.ones((3, 2))
    X[1, 0] = np.nan
    for kw in ({}, {"exact": True}):
        with raises_at(r"X has a non-finite value \(nan\) at row 1, column 0", index=1):
            net.forward(X, **kw)
    with raises_at("X has a non-finite value"):
        net.activation_patterns(X)
    with raises_at("X is not numeric"):
        net.forward(np.array([["a", "b"]]))


def test_nan_next_to_fraction_in_float_forward():
    net = Network([GOOD, (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(InputError, match="non-finite"):
        net.forward([[F(1, 3), float("nan")]])


# --- adapters: any MLP module, state_dicts, from_any ---------------------------------------------------

try:  # module level, so torch.save(module) pickles the class by reference
    import torch
    import torch.nn as tnn
    import torch.nn.functional as tF

    class _Block(tnn.Module):
        def __init__(self, i, o):
            super().__init__()
            self.fc = tnn.Linear(i, o)
            self.act = tnn.LeakyReLU(0.25)

        def forward(self, x):
            return self.act(self.fc(x))

    class _MLP(tnn.Module):
        """A custom MLP: nested containers, a functional ReLU, Flatten and Dropout."""

        def __init__(self):
            super().__init__()
            self.flat = tnn.Flatten()
            self.inp = tnn.Linear(3, 6)
            self.body = tnn.Sequential(_Block(6, 5), tnn.Dropout(0.3), tnn.Identity())
            self.head = tnn.Linear(5, 2)

        def forward(self, x):
            return self.head(self.body(tF.relu(self.inp(self.flat(x)))))

    class _Sigmoid(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc = tnn.Linear(2, 2)

        def forward(self, x):
            return torch.sigmoid(self.fc(x))

    class _Residual(tnn.Module):
        def __init__(self):
            super().__init__()
            self.fc = tnn.Linear(2, 2)

        def forward(self, x):
            return x + self.fc(x)

    class _Branchy(tnn.Module):
        """Data-dependent control flow: torch.fx cannot trace it."""

        def __init__(self, order_ok=True):
            super().__init__()
            self.a, self.r, self.b = tnn.Linear(2, 4), tnn.ReLU(), tnn.Linear(4, 1)
            self.order_ok = order_ok

        def forward(self, x):
            if x.sum() > 1e9:
                return x
            h = self.r(self.a(x))
            return self.b(h) if self.order_ok else self.b(self.a(x).abs())
except ImportError:  # pragma: no cover
    torch = None


needs_torch = pytest.mark.skipif(torch is None, reason="torch not installed")


def _torch_out(model, X):
    model = model.double().eval()
    with torch.no_grad():
        return model(torch.from_numpy(X)).numpy()


@needs_torch
def test_from_torch_custom_module_matches_torch_and_the_pairs_route():
    from tropgeom import Box, count_regions
    torch.manual_seed(3)
    model = _MLP().double().eval()
    net = Network.from_torch(model)
    assert net.architecture == (3, 6, 5, 2) and net.relu == (True, True, False)
    assert net.negative_slopes == (F(0), F(1, 4))
    X = np.random.default_rng(5).normal(size=(40, 3))
    ref = _torch_out(model, X)
    np.testing.assert_allclose(net.forward(X), ref, rtol=1e-12, atol=1e-12)
    exact = net.forward(X, exact=True)
    np.testing.assert_allclose(exact.astype(float), ref, rtol=1e-12, atol=1e-12)
    pairs = Network(net.layers, negative_slopes=[0, 0.25])
    assert pairs == net
    for dom in (None, Box(-2, 2)):
        assert count_regions(model, dom, threads=1) == count_regions(pairs, dom, threads=1)


@needs_torch
def test_from_torch_state_dict_routes():
    torch.manual_seed(4)
    model = _MLP().double()
    net = Network.from_torch(model)
    sd = model.state_dict()
    assert Network.from_torch(sd, activation=[0, 0.25]) == net
    assert Network.from_any({"epoch": 3, "state_dict": sd}) != net  # ReLU by default: the slope differs
    assert Network.from_torch({"model_state_dict": sd}, activation=["relu", 0.25]) == net
    picked = Network.from_torch(sd, layers=["inp", "body.0.fc"])
    assert picked.architecture == (3, 6, 5)
    assert np.array_equal(picked.weights[1], sd["body.0.fc.weight"].numpy())
    with pytest.raises(InputError, match="no body.weight"):
        Network.from_torch(sd, layers=["inp", "body"])
    with pytest.raises(InputError, match="'running_mean'"):
        Network.from_torch(dict(sd, running_mean=torch.zeros(3)))
    with pytest.raises(InputError, match="one per hidden layer"):
        Network.from_torch(sd, activation=[0])
    with pytest.raises(InputError, match=r"negative_slopes\[0\] is 1.5"):
        Network.from_torch(sd, activation=1.5)


@needs_torch
def test_from_torch_names_the_offending_submodule():
    with raises_at(r"submodule 'fc' \(Linear\)|'_Sigmoid.forward'|sigmoid"):
        Network.from_torch(_Sigmoid())
    with raises_at("not a plain chain"):
        Network.from_torch(_Residual())
    with raises_at(r"submodule 'body\.0' \(Bad\).*sigmoid"):
        class Bad(_Block):
            def forward(self, x):
                return torch.sigmoid(self.fc(x))
        m = _MLP()
        m.body[0] = Bad(6, 5)
        Network.from_torch(m)
    with raises_at(r"submodule 'act' \(Tanh\)"):
        Network.from_torch(tnn.Sequential(tnn.Linear(2, 2), tnn.Tanh()).__class__(
            __import__("collections").OrderedDict(fc=tnn.Linear(2, 2), act=tnn.Tanh())))
    with raises_at("torch.nn.Module or a state_dict"):
        Network.from_torch(3)


@needs_torch
def test_from_torch_untraceable_module_falls_back_to_registration_order():
    torch.manual_seed(5)
    model = _Branchy().double()
    net = Network.from_torch(model)
    X = np.random.default_rng(6).normal(size=(20, 2))
    np.testing.assert_allclose(net.forward(X), _torch_out(model, X), rtol=1e-12, atol=1e-12)
    with raises_at("registration order do not compute its forward"):
        Network.from_torch(_Branchy(order_ok=False))


@needs_torch
def test_from_any_reads_every_format(tmp_path):
    import onnx  # noqa: F401
    torch.manual_seed(6)
    model = _MLP().double().eval()
    net = Network.from_torch(model)
    assert Network.from_any(net) is net
    assert Network.from_any(model) == net
    assert Network.from_any(net.layers) == Network(net.layers)
    torch.save(model, tmp_path / "m.pt")
    torch.save(model.state_dict(), tmp_path / "sd.pth")
    assert Network.load(tmp_path / "m.pt") == net
    assert Network.from_any(str(tmp_path / "sd.pth")) == Network.from_torch(model.state_dict())
    net.save(tmp_path / "n.npz")
    assert Network.from_any(tmp_path / "n.npz") == net
    (tmp_path / "n.json").write_text(net.to_json())
    assert Network.from_any(tmp_path / "n.json") == net
    assert Network.from_any(net.to_dict()) == net
    rng = np.random.default_rng(7)
    W1, b1, W2, b2 = (_f32(rng.normal(size=s)) for s in ((4, 3), 4, (1, 4), 1))
    onnx.save(_onnx_gemm_model(W1, b1, W2, b2), str(tmp_path / "m.onnx"))
    assert Network.load(tmp_path / "m.onnx") == Network([(W1, b1), (W2, b2)])
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with raises_at("not a readable torch file"):
        Network.load(tmp_path / "junk.pt")
    with raises_at("expected a tropgeom.Network"):
        Network.from_any(object())


def test_from_any_keeps_exact_weights_exact():
    from tropgeom import regions
    layers = [([[F(1, 3), F(-2, 7)], [F(5, 11), F(1, 2)]], [F(1, 10), F(-1, 3)]), ([[F(2, 3), F(-1, 9)]], [F(0)])]
    net = Network.from_any(layers)
    assert net.is_exact
    assert net.exact_layers[0][0][0, 0] == F(1, 3)
    x = np.array([F(1, 7), F(-2, 5)], dtype=object)
    h = [max(sum(w * xi for w, xi in zip(row, x)) + b, 0) for row, b in zip(layers[0][0], layers[0][1])]
    want = sum(w * hi for w, hi in zip(layers[1][0][0], h))
    assert net.forward(x, exact=True)[0] == want
    assert regions(layers).net == net  # every entry point coerces through from_any


@needs_torch
def test_cli_reads_torch_and_onnx_files(tmp_path, capsys):
    from tropgeom.cli import main
    torch.manual_seed(8)
    model = _MLP().eval()
    torch.save(model, tmp_path / "m.pt")
    torch.save(model.state_dict(), tmp_path / "sd.pth")
    assert main(["info", str(tmp_path / "m.pt")]) == 0
    assert "Network(3,6,5,2, leaky 0/1/4)" in capsys.readouterr().out
    assert main(["info", str(tmp_path / "sd.pth")]) == 0
    assert "Network(3,6,5,2)" in capsys.readouterr().out  # a state_dict alone: ReLU
    (tmp_path / "bad.onnx").write_bytes(b"\x00garbage")
    assert main(["info", str(tmp_path / "bad.onnx")]) == 2
    assert "not a readable ONNX model" in capsys.readouterr().err


@pytest.mark.parametrize("scale", [1.0, 1e300, 5e-324, 2.0 ** -1000, 1e-160])
def test_filtered_exact_signs_equal_the_core_at_extreme_scales(scale):
    # the float filter with an error bound must never decide a sign the exact core would not
    rng = np.random.default_rng(21)
    layers = [(rng.normal(size=(6, 3)) * scale, rng.normal(size=6) * scale), (rng.normal(size=(5, 6)), np.zeros(5)),
              (rng.normal(size=(1, 5)), np.zeros(1))]
    for slopes in (None, [F(1, 3), 0.25]):
        net = Network(layers, negative_slopes=slopes)
        X = np.vstack([rng.normal(size=(200, 3)), np.zeros((2, 3)), rng.normal(size=(50, 3)) * 1e300,
                       rng.normal(size=(50, 3)) * 1e-300])
        assert np.array_equal(net.exact_signs(X), net.core.pre_activation_signs(X))
