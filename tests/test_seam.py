"""The seam: exact weights stay exact end to end, loaders follow the real structure of their input,
every bad argument is an InputError naming it.

Oracles: closed forms for breakpoints (x = -b / w) and outputs computed here in Fractions; the ONNX
and torch models' own forward passes.
"""
from __future__ import annotations

import time
from fractions import Fraction as F

import numpy as np
import pytest

import tropgeom
from tropgeom import Box, InputError, Network, Polytope

import nets


# --- exact weights ------------------------------------------------------------------------------------

def test_fraction_weight_puts_the_breakpoint_at_minus_b_over_w():
    net = Network([([[F(1, 3)]], [F(-1, 5)]), ([[1.0]], [0.0])])      # relu(x/3 - 1/5): kink at 3/5
    assert net.is_exact and net.exact_layers[0][0][0, 0] == F(1, 3)
    assert net.weights[0][0, 0] == float(F(1, 3))                      # the float view: nearest double
    rs = tropgeom.regions(net)
    assert len(rs) == 2
    rows = {(A[0, 0], b[0]) for A, b in (rs.halfspaces(i, exact=True) for i in range(2))}
    assert {b / a for a, b in rows} == {F(3, 5)}
    assert net.forward([F(3, 5)], exact=True)[0] == 0
    assert net.forward([1], exact=True)[0] == F(1, 3) - F(1, 5)
    assert net.exact_signs([F(3, 5)]).tolist() == [0]
    assert net.forward([1.0])[0] == pytest.approx(2 / 15)


def test_int64_above_2_53_is_not_rounded():
    big = 2 ** 53 + 1                              # not a double: rounding would give 2^53
    net = Network([(np.array([[big]], dtype=np.int64), np.array([-(2 ** 53)], dtype=np.int64)), ([[1]], [0])])
    assert net.exact_layers[0][0][0, 0] == big
    assert net.exact_signs([1]).tolist() == [1]    # big * 1 - 2^53 = 1 > 0 (rounded: exactly 0)
    assert net.forward([1], exact=True)[0] == 1
    (A, b) = tropgeom.regions(net).halfspaces(0, exact=True)
    assert b[0] / A[0, 0] in (F(2 ** 53, big), -F(2 ** 53, big)) or -b[0] / A[0, 0] == F(2 ** 53, big)


def test_longdouble_weights_are_exact():
    w = np.longdouble(1) / np.longdouble(3)
    if float(w) == w:
        pytest.skip("longdouble is double on this platform")
    net = Network([(np.array([[w]]), np.array([np.longdouble(0)])), ([[1.0]], [0.0])])
    q = F(*w.as_integer_ratio())
    assert net.exact_layers[0][0][0, 0] == q != F(float(w))
    assert net.forward([3], exact=True)[0] == 3 * q


def test_huge_fractions_cross_the_seam_exactly():
    q = F(3 ** 50, 7 ** 30)                        # numerator and denominator beyond int64
    net = Network([([[q, F(-1, 2 ** 70)]], [F(-5, 11)]), ([[F(2, 3)]], [0])])
    x = [F(7, 3), F(-2, 9)]
    want = F(2, 3) * max(q * x[0] - x[1] / 2 ** 70 - F(5, 11), 0)
    assert net.forward(x, exact=True)[0] == want
    assert net.forward([x, x], exact=True)[:, 0].tolist() == [want, want]


def test_fraction_box_and_polytope_bounds_are_exact():
    net = Network([([[1.0]], [0.0]), ([[1.0]], [0.0])])                 # kink at 0
    rs = tropgeom.regions(net, Box(F(-1, 3), F(1, 7)))
    assert sorted(rs.volumes(exact=True)) == [F(1, 7), F(1, 3)]
    bs = {v for i in range(2) for v in rs.halfspaces(i, exact=True)[1]}
    assert {F(1, 7), F(1, 3)} <= bs                                     # the box rows, exactly
    tri = Polytope([[1, 0], [0, 1], [-1, -1]], [F(1, 3), F(1, 3), F(1, 3)])
    assert tri.b.dtype == object
    rs2 = tropgeom.regions(nets.one_layer(2, 3, 0), tri)
    assert sum(rs2.volumes(exact=True)) == F(1, 2)   # x, y <= 1/3, x + y >= -1/3: legs of length 1


def test_fraction_points_and_float_points_agree():
    net = nets.deep_random(2, [4, 3], 0)
    X = np.array([[0.5, -0.25], [1.0, 2.0]])
    assert net.forward(X, exact=True).tolist() == net.forward([[F(1, 2), F(-1, 4)], [1, 2]], exact=True).tolist()
    np.testing.assert_allclose(net.forward(X), np.vectorize(float)(net.forward(X, exact=True)).astype(float),
                               rtol=1e-12)


def test_fraction_conversion_has_no_decimal_string_cost():
    # 20,000 small Fractions through the core: the PyLong fast path, not decimal strings (~10x slower)
    rng = np.random.default_rng(0)
    X = np.array([[F(int(a), int(b)) for a, b in rng.integers(1, 1000, size=(2, 2))] for _ in range(10000)], dtype=object)
    net = Network([([[1.0, 1.0]], [0.0]), ([[1.0]], [0.0])])
    t = time.perf_counter()
    out = net.forward(X, exact=True)
    assert time.perf_counter() - t < 2.0
    assert out[0, 0] == max(X[0, 0] + X[0, 1], 0)


# --- loaders ------------------------------------------------------------------------------------------

def test_npz_with_a_gap_names_the_missing_key(tmp_path):
    p = tmp_path / "gap.npz"
    np.savez(p, W1=np.ones((2, 2)), b1=np.zeros(2), W3=np.ones((1, 2)), b3=np.zeros(1))
    with pytest.raises(InputError, match="no W2"):
        Network.load(p)
    np.savez(p, W1=np.ones((2, 2)), b1=np.zeros(2), W2=np.ones((1, 2)), b2=np.zeros(1), extra=np.zeros(1))
    with pytest.raises(InputError, match="'extra'"):
        Network.load(p)


@pytest.mark.parametrize("flags,want", [(["False", "False"], (False, False)), (["true", "False"], (True, False)),
                                        ([1, 0], (True, False))])
def test_npz_relu_strings_are_parsed_exactly(tmp_path, flags, want):
    p = tmp_path / "r.npz"
    np.savez(p, W1=np.ones((2, 2)), b1=np.zeros(2), W2=np.ones((1, 2)), b2=np.zeros(1), relu=np.array(flags))
    assert Network.load(p).relu == want


@pytest.mark.parametrize("flags", [["maybe", "False"], ["True"], [2, 0]])
def test_bad_relu_flags_are_refused(tmp_path, flags):
    with pytest.raises(InputError, match="relu"):
        Network([(np.ones((2, 2)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))], relu=flags)


def test_exact_network_save_load_round_trip(tmp_path):
    net = Network([([[F(1, 3), 2 ** 60 + 1]], [F(-2, 7)]), ([[1.5]], [0.0])])
    net.save(tmp_path / "q.npz")
    back = Network.load(tmp_path / "q.npz")
    assert back == net and back.is_exact and not back.is_rationalized


def test_torch_linear_subclass_and_unknown_modules_are_refused():
    torch = pytest.importorskip("torch")
    nn = torch.nn

    class Scaled(nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    with pytest.raises(InputError, match=r"'1' \(Scaled\)"):
        Network.from_torch(nn.Sequential(nn.Linear(2, 3), Scaled(3, 1)))
    with pytest.raises(InputError, match="Scaled"):
        Network.from_torch(Scaled(2, 1))
    with pytest.raises(InputError, match=r"'0\.1' \(Scaled\)"):  # nested containers are traced through
        Network.from_torch(nn.Sequential(nn.Sequential(nn.Linear(2, 2), Scaled(2, 1))))
    net = Network.from_torch(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)))
    assert net.architecture == (2, 3, 1)


def _onnx(nodes, inits, d=2, out=1):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, d])],
                              [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, [None, out])],
                              [numpy_helper.from_array(np.asarray(v, dtype=np.float64), k) for k, v in inits.items()])
    return helper.make_model(graph)


def test_onnx_follows_the_data_flow():
    from onnx import helper
    W1, b1, W2, b2 = np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0.5, -1.0]), np.array([[1.0, -2.0]]), np.array([0.25])
    inits = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    # a ReLU on a dead side branch (reads the input, feeds nothing) is not part of the network
    model = _onnx([helper.make_node("Relu", ["X"], ["dead"]),
                   helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1),
                   helper.make_node("Gemm", ["h", "W2", "b2"], ["Y"], transB=1)], inits)
    net = Network.from_onnx(model)
    assert net.architecture == (2, 2, 1) and net.relu == (False, False)
    X = np.array([[0.3, -0.7], [2.0, 1.0]])
    np.testing.assert_allclose(net.forward(X), (X @ W1.T + b1) @ W2.T + b2, rtol=1e-14)
    # two Gemm nodes both reading the input, then added: not a chain
    model = _onnx([helper.make_node("Gemm", ["X", "W1", "b1"], ["h1"], transB=1),
                   helper.make_node("Gemm", ["X", "W1", "b1"], ["h2"], transB=1),
                   helper.make_node("Add", ["h1", "h2"], ["s"]),
                   helper.make_node("Gemm", ["s", "W2", "b2"], ["Y"], transB=1)], inits)
    with pytest.raises(InputError, match="read by 2 nodes"):
        Network.from_onnx(model)
    # nodes listed out of order are followed along their edges
    model = _onnx([helper.make_node("Gemm", ["r", "W2", "b2"], ["Y"], transB=1),
                   helper.make_node("Relu", ["h"], ["r"]),
                   helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1)], inits)
    net = Network.from_onnx(model)
    np.testing.assert_allclose(net.forward(X), np.maximum(X @ W1.T + b1, 0) @ W2.T + b2, rtol=1e-14)


def test_onnx_missing_file_and_garbage(tmp_path):
    pytest.importorskip("onnx")
    with pytest.raises(InputError, match="no such file"):
        Network.from_onnx(tmp_path / "missing.onnx")
    (tmp_path / "bad.onnx").write_bytes(b"\x00garbage")
    with pytest.raises(InputError):
        Network.from_onnx(tmp_path / "bad.onnx")


# --- arguments ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw,name", [({"max_regions": 2 ** 70}, "max_regions"), ({"max_regions": 0}, "max_regions"),
                                     ({"max_regions": "5"}, "max_regions"), ({"max_regions": True}, "max_regions"),
                                     ({"threads": 0}, "threads"), ({"max_seconds": -1}, "max_seconds"),
                                     ({"max_seconds": float("nan")}, "max_seconds"), ({"kind": "convex"}, "kind")])
def test_bad_arguments_are_input_errors_naming_them(kw, name):
    with pytest.raises(InputError, match=name):
        tropgeom.regions(nets.one_layer(2, 3, 0), **kw)


@pytest.mark.parametrize("call", [
    lambda rs: rs.halfspace_arrays(max_seconds=0), lambda rs: rs.volumes(threads=-1),
    lambda rs: rs.bounded(max_seconds="1"), lambda rs: rs.adjacency(threads=1.5),
    lambda rs: rs.linear(max_seconds=-2)])
def test_bad_accessor_arguments(call):
    with pytest.raises(InputError):
        call(tropgeom.regions(nets.one_layer(2, 3, 0), Box(-1, 1)))


def test_solve_exact_against_a_hand_solved_system_and_singular():
    from tropgeom import _seam
    from fractions import Fraction as Fr
    # 2x + y = 1, x + 3y = 2: x = 1/5, y = 3/5 (by hand)
    assert _seam.solve_exact([[2, 1], [1, 3]], [[1], [2]]) == [[Fr(1, 5)], [Fr(3, 5)]]
    assert _seam.solve_exact([[1, 2], [2, 4]], [[1], [0]]) is None
