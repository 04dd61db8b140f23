"""Decision boundaries in d dimensions against oracles: the Vallin-Larsson-Larson piece count
2^d - 2^(d-k) of one square layer, hand-made 1-D boundaries, the 2-D slice engine's chords, the exact
forward pass at every piece's point, ZNL18's tropical hypersurface, zero regions, the run contract."""
from __future__ import annotations

import pickle
import time
from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.boundary import Boundary, decision_boundary
from tropgeom.slice2d import Box2D, slice2d

import nets
import sigint


def square(d, k, seed, c=1.0):
    """One invertible square hidden layer; output weights with k signs opposite to the bias c."""
    rng = np.random.default_rng(seed)
    A, b = rng.normal(size=(d, d)), rng.normal(size=d)
    w = np.abs(rng.normal(size=d)) + 0.1
    w[:k] *= -1
    return tg.Network([(A, b), (w.reshape(1, d), np.array([c]))])


def check_pieces(net, B, t=0):
    """Every piece's exact point is on {f = t}, inside its piece's rows, in its region's closure."""
    rs = tg.regions(net, B.domain)
    for i in range(len(B)):
        y = B.points(exact=True)[i]
        A, b, g, h = B.halfspaces(i, exact=True)
        assert g @ y == h and all(A @ y <= b)
        Ar, br = rs.halfspaces(int(B.region[i]), exact=True)
        assert all(Ar @ y <= br)
        if not B.on_facet[i]:
            assert all(Ar @ y < br)
        if B.mode == "binary":
            assert net.forward(y.reshape(1, -1), exact=True)[0, 0] == t


@pytest.mark.parametrize("d,k", [(2, 1), (2, 2), (3, 1), (3, 2), (3, 3), (4, 2), (4, 4)])
def test_one_square_layer_has_2d_minus_2dk_pieces_and_one_component(d, k):
    net = square(d, k, 10 * d + k)
    B = decision_boundary(net)
    assert len(B) == 2 ** d - 2 ** (d - k)
    assert B.num_components == 1 and B.positive_regions == 1 and B.negative_regions == 1
    assert len(B.zero_regions) == 0
    check_pieces(net, B)


def test_no_sign_change_means_no_boundary():
    B = decision_boundary(square(3, 0, 1))  # every weight has the sign of the bias: f > 0
    assert len(B) == 0 and B.num_components == 0 and B.positive_regions == 1 and B.negative_regions == 0


def test_linear_classifier_is_one_piece():
    net = tg.Network([(np.array([[1.0, -2.0, 0.5]]), np.array([0.25]))])
    B = decision_boundary(net)
    assert len(B) == 1 and B.num_components == 1 and B.positive_regions == B.negative_regions == 1
    A, b, g, h = B.halfspaces(0, exact=True)
    assert list(g) == [1, -2, Fraction(1, 2)] and h == Fraction(-1, 4)
    check_pieces(net, B)


def test_one_dimension_by_hand():
    # f = |x| - 1: the boundary is {-1, 1}, two components; f < 1 on (-1, 1), f > 1 on two rays
    net = tg.Network([(np.array([[1.0], [-1.0]]), np.zeros(2)), (np.array([[1.0, 1.0]]), np.array([-1.0]))])
    B = decision_boundary(net)
    assert sorted(B.points(exact=True)[:, 0]) == [-1, 1]
    assert B.num_components == 2 and B.negative_regions == 1 and B.positive_regions == 2
    # at threshold 1/2 of relu(x) - relu(x - 1): one point, x = 1/2
    net = tg.Network([(np.array([[1.0], [1.0]]), np.array([0.0, -1.0])), (np.array([[1.0, -1.0]]), np.zeros(1))])
    B = decision_boundary(net, threshold=0.5)
    assert B.points(exact=True).tolist() == [[Fraction(1, 2)]] and B.num_components == 1
    # a boundary along a neuron's zero set (f = relu(x) - relu(-x) = x) is reported once, on a facet
    net = tg.Network([(np.array([[1.0], [-1.0]]), np.zeros(2)), (np.array([[1.0, -1.0]]), np.zeros(1))])
    B = decision_boundary(net)
    assert len(B) == 1 and B.on_facet.tolist() == [True] and B.points(exact=True)[0, 0] == 0
    assert B.positive_regions == B.negative_regions == 1


def test_facet_boundary_in_two_dimensions_is_reported_once():
    # f = relu(x1) - relu(-x1) + 0 * relu(x2): the boundary x1 = 0 runs along two neurons' zero set
    net = tg.Network([(np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]), np.zeros(3)),
                      (np.array([[1.0, -1.0, 0.0]]), np.zeros(1))])
    B = decision_boundary(net)
    assert len(B) == 2 and B.on_facet.all() and B.num_components == 1  # x2 > 0 and x2 < 0 halves
    assert B.positive_regions == B.negative_regions == 1


def test_components_glue_through_a_vertex_of_many_regions():
    # f = x1 - x2 on six cones around the origin: the line x1 = x2 crosses two opposite cones (three
    # facet-steps apart) and its two pieces meet only at the origin: one component
    W = np.array([[1.0, 0], [-1, 0], [0, 1], [0, -1], [1, 1]])
    net = tg.Network([(W, np.zeros(5)), (np.array([[1.0, -1, -1, 1, 0]]), np.zeros(1))])
    B = decision_boundary(net)
    assert len(B) == 2 and B.num_components == 1 and B.positive_regions == B.negative_regions == 1


def test_facet_piece_facing_a_zero_region_is_kept():
    # f = relu(-x1) + 0 relu(x1): f = 0 on the half plane x1 > 0 (a zero region on the side where the
    # facet's first neuron is on), so the side x1 < 0 reports the boundary line x1 = 0
    net = tg.Network([(np.array([[1.0, 0], [-1.0, 0], [0, 1]]), np.zeros(3)),
                      (np.array([[0.0, 1.0, 0.0]]), np.zeros(1))])
    B = decision_boundary(net)
    assert len(B) == 2 and B.on_facet.all() and sorted(r for r, _, _ in B.zero_regions.tolist()) == [2, 3]
    assert all(y[0] == 0 for y in B.points(exact=True)) and sorted(y[1] > 0 for y in B.points(exact=True)) == [False, True]
    assert B.num_components == 1 and B.positive_regions == 1 and B.negative_regions == 0
    check_pieces(net, B)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pieces_are_the_slice_engines_chords(seed):
    net = nets.deep_random(2, [6, 5], seed)
    B = decision_boundary(net, tg.Box(-1.0, 1.0))
    sl = slice2d(net, domain=Box2D([-1, -1], [1, 1]))
    assert len(B) == sl.decision_boundary()["chords"] and len(B.zero_regions) == 0
    assert B.num_components == len(sl.decision_boundary()["polylines"])
    # disjoint curves (arcs between box sides, closed loops) in a disc: each adds one region
    assert B.positive_regions + B.negative_regions == 1 + B.num_components
    check_pieces(net, B)


def test_argmax_boundary_by_class_pair():
    net = nets.deep_random(2, [5, 4], 3, out=3)
    B = decision_boundary(net, tg.Box(-1.0, 1.0), mode="argmax")
    sl = slice2d(net, domain=Box2D([-1, -1], [1, 1]), boundary="argmax")
    assert len(B) == sl.decision_boundary()["chords"]
    Y = lambda y: net.forward(y.reshape(1, -1), exact=True)[0]  # noqa: E731
    for i in range(len(B)):
        a, b = B.classes[i]
        y = Y(B.points(exact=True)[i])
        assert y[a] == y[b] == max(y)
    assert B.check_tropical(tg.tropicalize(net)).all()
    assert sum(B.class_regions) >= 1


def test_pair_boundary_is_the_tie_of_two_outputs():
    net = nets.deep_random(2, [4], 5, out=2)
    B = decision_boundary(net, tg.Box(-1.0, 1.0), pair=(1, 0), threshold=0.125)
    for y in B.points(exact=True):
        out = net.forward(y.reshape(1, -1), exact=True)[0]
        assert out[1] - out[0] == Fraction(1, 8)
    assert B.check_tropical(tg.tropicalize(net)).all()


@pytest.mark.parametrize("seed", [0])
def test_every_piece_lies_on_the_tropical_hypersurface(seed):
    net = nets.deep_random(3, [4, 3], seed)
    t = float(np.median(net.forward(tg.regions(net).interior_points())))  # a level the net crosses
    B = decision_boundary(net, threshold=t)
    assert len(B) > 0 and B.check_tropical(tg.tropicalize(net)).all()
    check_pieces(net, B, Fraction(t))


def test_zero_regions_of_a_zero_output_bias_net():
    # f = relu(x1 - x2) - relu(x1 + x2 - 1) has f = 0 identically where both neurons are off
    net = tg.Network([(np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([0.0, -1.0])),
                      (np.array([[1.0, -1.0]]), np.zeros(1))])
    B = decision_boundary(net)
    rs = tg.regions(net)
    zero = [int(r) for r, _, _ in B.zero_regions]
    assert zero == [i for i in range(len(rs)) if not rs.patterns[i].any()]
    check_pieces(net, B)
    assert decision_boundary(net, threshold=0.5).zero_regions.size == 0


def test_pickle_json_repr():
    net = square(3, 2, 7)
    B = decision_boundary(net, tg.Box(-2.0, 2.0))
    assert Boundary.from_json(B.to_json()) == B and pickle.loads(pickle.dumps(B)) == B
    assert "pieces" in repr(B) and "1 components" in repr(B)
    assert isinstance(B.points(), np.ndarray) and B.points().dtype == np.float64
    assert np.array_equal(B.points(), np.array([[float(v) for v in r] for r in B.points(exact=True)]))
    with pytest.raises(tg.InputError):
        Boundary.from_json('{"schema_version": 1, "type": "Boundary"}')
    with pytest.raises(tg.InputError):
        Boundary.from_json("not json")


def test_plot_two_dimensions():
    pytest.importorskip("matplotlib")
    B = decision_boundary(square(2, 1, 3), tg.Box(-2.0, 2.0))
    ax = B.plot()
    assert len(ax.lines) == len(B)


def test_progress_callable_counts_regions():
    seen = []
    B = decision_boundary(square(3, 1, 2), progress=seen.append)
    assert seen == list(range(1, B.num_regions + 1))


def test_bad_input():
    net = nets.deep_random(2, [3], 0, out=2)
    with pytest.raises(tg.InputError, match="output"):
        decision_boundary(net, output=2)
    with pytest.raises(tg.InputError, match="pair"):
        decision_boundary(net, pair=(0, 0))
    with pytest.raises(tg.InputError, match="argmax"):
        decision_boundary(nets.deep_random(2, [3], 0), mode="argmax")
    with pytest.raises(tg.InputError, match="mode"):
        decision_boundary(net, mode="ovr")


def test_budget_returns_partial_pieces():
    net = nets.deep_random(4, [10, 10], 0)
    t = time.monotonic()
    with pytest.raises(tg.BudgetExceeded) as e:
        decision_boundary(net, max_seconds=0.3)
    assert time.monotonic() - t < 0.3 * 1.1 + 0.4
    assert e.value.reason == "max_seconds" and isinstance(e.value.partial, Boundary)
    assert not e.value.partial.complete and e.value.partial.components is None


def test_ctrl_c_returns_partial_pieces():
    words, latency = sigint.interrupt(
        "import nets\nfrom tropgeom.boundary import decision_boundary\nnet = nets.deep_random(4, [10, 10], 0)\n",
        "decision_boundary(net)",
        "not partial.complete and all(partial.net.forward(partial.points(exact=True), exact=True)[:, 0] == 0)",
        wait=1.0)
    assert words == ["stopped", "interrupted", "True"] and latency < 2.0


def test_cli_boundary_json(tmp_path, capsys):
    import json
    from tropgeom.cli import main
    net = square(3, 2, 7)
    path = tmp_path / "net.npz"
    net.save(path)
    assert main(["boundary", str(path), "--box", "-2", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    B = decision_boundary(net, tg.Box(-2.0, 2.0))
    assert doc["command"] == "boundary" and doc["complete"] and doc["schema_version"] == 1
    assert doc["result"]["pieces"] == len(B) and doc["result"]["num_components"] == B.num_components
    assert doc["result"]["points"] == B.to_dict()["points"]
    out = tmp_path / "b.json"
    assert main(["boundary", str(path), "--json", str(out)]) == 0
    assert "pieces" in capsys.readouterr().out and json.loads(out.read_text())["result"]["pieces"] == 6
    nets.deep_random(2, [3], 0, out=3).save(path)
    assert main(["boundary", str(path), "--argmax", "--box", "-1", "1"]) == 0
    assert "argmax" in capsys.readouterr().out
    assert main(["boundary", str(path), "--output", "5"]) == 2


def _length(B):
    """Total float length of a 2-D Boundary's pieces (each a segment inside the box domain)."""
    total = 0.0
    for i in range(len(B)):
        A, b, g, _ = B.halfspaces(i)
        x0, u = B.points()[i], np.array([-g[1], g[0]]) / np.hypot(*g)
        au, slack = A @ u, b - A @ x0
        total += min(s / a for s, a in zip(slack, au) if a > 1e-14) - max(s / a for s, a in zip(slack, au) if a < -1e-14)
    return total


@pytest.mark.parametrize("seed,widths", [(2, [4, 4, 3]), (9, [6, 5])])
def test_pieces_tile_the_slice_boundary_with_zero_regions(seed, widths):
    # the threshold is the value of a region where the net is constant: zero regions, facet pieces
    # around them; the pieces cover the slice engine's boundary exactly once (same total length)
    net = nets.deep_random(2, widths, seed)
    box = tg.Box(-1.0, 1.0)
    rs = tg.regions(net, box)
    W, c = rs.affine_maps(exact=True)
    t = float(max(c[i, 0] for i in range(len(rs)) if not np.any(W[i])))  # a constant region's value (a double)
    B = decision_boundary(net, box, threshold=t)
    db = slice2d(net, domain=Box2D([-1, -1], [1, 1]), threshold=t).decision_boundary()
    assert len(B.zero_regions) > 0 and B.on_facet.any()
    assert int((~B.on_facet).sum()) == db["chords"]
    assert _length(B) == pytest.approx(sum(np.linalg.norm(np.diff(p, axis=0), axis=1).sum() for p in db["polylines"]),
                                       rel=1e-9)
    check_pieces(net, B, Fraction(t))
