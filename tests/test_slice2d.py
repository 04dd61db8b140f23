"""2-D slices against oracles: the one-layer face formula (concurrent, parallel, duplicated lines),
Euler's formula, exact areas, the region engine, the exact forward pass on the boundary."""
from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.slice2d import Box2D, Polygon2D, Slice, slice2d

import nets

BOX = Box2D([-1, -1], [1, 1])


def one_layer_faces(W, b, lo=-1, hi=1):
    """Faces of the lines w.x + b = 0 inside the open box: 1 + (distinct lines meeting the interior)
    + sum over interior points p of (distinct lines through p - 1), in exact rationals."""
    lines = set()
    for w, c in zip(W, b):
        w = [Fraction(float(v)) for v in w]
        c = Fraction(float(c))
        if w == [0, 0]:
            continue
        s = w[0] if w[0] != 0 else w[1]  # normalise: first nonzero coefficient 1
        lines.add((w[0] / s, w[1] / s, c / s))
    lo, hi = Fraction(lo), Fraction(hi)

    def inside(x):
        return all(lo < v < hi for v in x)

    def meets(l):  # the line meets the open box iff the corners are on both sides strictly
        vals = [l[0] * x + l[1] * y + l[2] for x in (lo, hi) for y in (lo, hi)]
        return min(vals) < 0 < max(vals)

    through = {}
    for p, q in combinations(sorted(lines), 2):
        det = p[0] * q[1] - q[0] * p[1]
        if det == 0:
            continue
        x = ((p[1] * q[2] - q[1] * p[2]) / det, (q[0] * p[2] - p[0] * q[2]) / det)
        if inside(x):
            through.setdefault(x, set()).update([p, q])
    return 1 + sum(1 for l in lines if meets(l)) + sum(len(v) - 1 for v in through.values())


def one_layer_net(W, b):
    W = np.asarray(W, dtype=np.float64)
    return tg.Network([(W, np.asarray(b, dtype=np.float64)), (np.ones((1, len(W))), np.zeros(1))])


def euler(s):
    return s.num_vertices - s.num_edges + s.num_faces


def bits_set(P):
    return sorted(map(bytes, np.asarray(P, dtype=np.uint8)))


@pytest.mark.parametrize("seed", range(4))
def test_one_layer_random_lines(seed):
    net = nets.one_layer(2, 9, seed)
    s = slice2d(net, domain=BOX)
    W, b = net.layers[0]
    assert s.num_faces == one_layer_faces(W, b)
    assert euler(s) == 1
    assert sum(s.areas(exact=True)) == 4


CASES = {
    "concurrent": ([[1, 0], [0, 1], [1, 1], [1, -1], [2, 1]], [0, 0, 0, 0, 0]),
    "parallel": ([[1, 0], [1, 0], [2, 0], [0, 1], [0, 1]], [0, 0.5, -1, 0.25, 0.25]),
    "duplicated": ([[1, 1], [1, 1], [-1, -1], [1, -1], [0, 0]], [0.5, 0.5, -0.5, 0, 1]),
    "mixed": ([[1, 0], [0, 1], [1, 1], [1, 1], [1, -1], [3, -1]], [0, 0, 0, 0.5, 0, 0]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_layer_degenerate(name):
    W, b = CASES[name]
    net = one_layer_net(W, b)
    s = slice2d(net, domain=BOX)
    assert s.num_faces == one_layer_faces(W, b)
    assert euler(s) == 1
    assert sum(s.areas(exact=True)) == 4
    rs = tg.regions(net, tg.Box([-1.0, -1.0], [1.0, 1.0]))
    assert bits_set(s.patterns) == bits_set(rs.patterns)


def test_near_concurrent_float32_biases():
    """Lines through one point with biases rounded to float32: intersections ~1e-9 apart, counted
    exactly (float tools undercount these)."""
    rng = np.random.default_rng(3)
    for trial in range(6):
        k = 3 + trial % 3
        p = rng.uniform(-0.5, 0.5, 2)
        W = rng.normal(size=(k, 2)).astype(np.float32).astype(np.float64)
        b = (-(W @ p)).astype(np.float32).astype(np.float64)
        s = slice2d(one_layer_net(W, b), domain=BOX)
        assert s.num_faces == one_layer_faces(W, b)
        assert euler(s) == 1


@pytest.mark.parametrize("widths,seed", [([8, 8], 0), ([6, 6, 6], 1), ([16, 16], 2)])
def test_deep_net_equals_region_engine(widths, seed):
    net = nets.deep_random(2, widths, seed)
    s = slice2d(net, domain=BOX)
    rs = tg.regions(net, tg.Box([-1.0, -1.0], [1.0, 1.0]))
    assert s.num_faces == len(rs)
    assert bits_set(s.patterns) == bits_set(rs.patterns)
    assert euler(s) == 1
    assert sum(s.areas(exact=True)) == 4


def test_slice_of_a_deep_input_net_is_the_restricted_net():
    net = nets.deep_random(5, [8, 8], 4)
    X = np.random.default_rng(1).normal(size=(3, 5))
    s = slice2d(net, through=X, domain="auto")
    # the frame is exact: x0 -> (0, 0), x1 -> (1, 0), and x2 lies on the plane
    o, d1, d2 = (np.array(v, dtype=object) for v in (s.origin, s.d1, s.d2))
    x = [np.array([Fraction(float(v)) for v in r], dtype=object) for r in X]
    assert list(o) == list(x[0]) and list(o + d1) == list(x[1])
    c = sum(a * b for a, b in zip(x[2] - x[0], d1)) / sum(a * a for a in d1)
    assert sum(a * b for a, b in zip(d1, d2)) == 0 and list(o + c * d1 + d2) == list(x[2])
    # the net restricted to the plane is a 2-input net: its regions on the box are the faces
    (W1, b1), rest = net.exact_layers[0], net.exact_layers[1:]
    F = np.stack([d1, d2], axis=1)
    W = np.array([[sum(w * f for w, f in zip(row, col)) for col in F.T] for row in W1], dtype=object)
    c1 = np.array([bi + sum(w * v for w, v in zip(row, o)) for row, bi in zip(W1, b1)], dtype=object)
    plane_net = tg.Network([(W, c1)] + list(rest))
    rs = tg.regions(plane_net, tg.Box([-1.0, -1.0], [2.0, 2.0]))
    assert bits_set(s.patterns) == bits_set(rs.patterns)
    # vertices in input space are exact points of the plane
    P = s.points(exact=True)
    uv = s.vertices(exact=True)
    assert all(list(P[i]) == list(o + uv[i][0] * d1 + uv[i][1] * d2) for i in range(0, len(P), 7))


def test_whole_plane_of_a_two_input_net():
    net = nets.deep_random(2, [6, 6], 5)
    s = slice2d(net)
    rs = tg.regions(net)
    assert s.num_faces == len(rs)
    assert euler(s) == 1
    # the faces that reach the box are exactly the unbounded regions (pattern by pattern)
    bounded = {bytes(p): b for p, b in zip(rs.patterns.astype(np.uint8), rs.bounded())}
    assert [not bounded[bytes(p)] for p in s.patterns.astype(np.uint8)] == list(s.unbounded())
    assert Slice.from_json(s.to_json()) == s


def test_decision_boundary_is_exact():
    net = nets.deep_random(2, [8, 8], 7)
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 9), np.linspace(-1, 1, 9)), -1).reshape(-1, 2)
    mid = Fraction(float(np.median(net.forward(grid)[:, 0]))).limit_denominator(100)
    for t in (mid, mid + Fraction(1, 97)):
        s = slice2d(net, domain=BOX, threshold=t)
        db = s.decision_boundary(exact=True)
        pts = [p for line in db["polylines"] for p in line]
        assert pts, "this net crosses its threshold in the box"
        y = net.forward(np.array(pts, dtype=object), exact=True)[:, 0]
        assert all(v == t for v in y)
        # chords: one per face on which f - t changes sign strictly (checked at the exact vertices)
        uv = s.vertices(exact=True)
        M = s.maps(exact=True)
        strict = 0
        for f in range(s.num_faces):
            vals = [M[f, 0, 0] * uv[v][0] + M[f, 0, 1] * uv[v][1] + M[f, 0, 2] - t for v in s.face(f)]
            strict += min(vals) < 0 < max(vals)
        assert db["chords"] == strict
        fl = s.decision_boundary()["polylines"]
        assert sum(len(l) for l in fl) == len(pts)


def test_argmax_boundary_is_exact():
    net = nets.deep_random(2, [8, 8], 3, out=3)
    s = slice2d(net, domain=BOX)
    db = s.decision_boundary(exact=True)
    assert db["polylines"]
    for line in db["polylines"]:  # two outputs tie above the third at every point of every piece
        for y in net.forward(np.array(line, dtype=object), exact=True):
            top = sorted(y, reverse=True)
            assert top[0] == top[1]
    # between the pieces the argmax is constant: each face's vertices off the boundary agree with
    # the class at its interior (checked at face centroids against the exact forward pass)
    uv = s.vertices(exact=True)
    on = {tuple(p) for line in db["polylines"] for p in line}
    assert len(on) >= 2


def test_boundary_modes():
    net = nets.deep_random(2, [8, 8], 3, out=3)
    s = slice2d(net, domain=BOX)
    assert s.boundary == "argmax"
    binary = slice2d(net, domain=BOX, boundary="binary")
    for line in binary.decision_boundary(exact=True)["polylines"]:  # output 0 = 0
        assert all(y == 0 for y in net.forward(np.array(line, dtype=object), exact=True)[:, 0])
    assert slice2d(net, domain=BOX, boundary=None).boundary is None
    with pytest.raises(tg.InputError, match="argmax"):
        slice2d(nets.deep_random(2, [4], 0), domain=BOX, boundary="argmax").decision_boundary()
    assert Slice.from_json(binary.to_json()).boundary == "binary"


def test_faces_where_the_output_is_identically_the_threshold():
    # f = relu(x) - relu(x - 0) ... : f is 0 wherever the only neuron is inactive
    net = tg.Network([(np.array([[1.0, 0.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))])
    s = slice2d(net, domain=BOX)
    db = s.decision_boundary()
    assert s.num_faces == 2 and len(db["faces"]) == 1
    assert not s.patterns[db["faces"][0]].any()


def test_maps_float_view_is_the_exact_map_rounded():
    net = nets.deep_random(2, [6, 6], 8)
    s = slice2d(net, domain=BOX)
    M = s.maps(exact=True)
    assert np.allclose(s.maps(), M.astype(np.float64), rtol=1e-12, atol=1e-14)
    uv = s.vertices(exact=True)
    assert np.allclose(s.vertices(), uv.astype(np.float64), rtol=1e-12, atol=1e-14)
    # the exact map is the forward pass at every face's exact vertices
    for f in range(0, s.num_faces, 5):
        for v in s.face(f)[:2]:
            x = uv[v]
            assert M[f, 0, 0] * x[0] + M[f, 0, 1] * x[1] + M[f, 0, 2] == net.forward(np.array([x], dtype=object), exact=True)[0, 0]


def test_threads_give_the_same_slice():
    net = nets.deep_random(2, [32, 32], 9)
    a = slice2d(net, domain=BOX, threads=1)
    b = slice2d(net, domain=BOX, threads=2)
    assert a == b  # same faces, same vertex numbering, same patterns
    # a vertex's float position depends on which face met it first; the exact position does not
    assert np.all(np.abs(a.vertices() - b.vertices()).max(axis=1) <= a._radius + b._radius)
    idx = list(range(0, a.num_vertices, 50))
    assert np.array_equal(a._core.exact_vertices(idx), b._core.exact_vertices(idx))


def test_linear_regions_merge_equal_maps():
    net = nets.one_layer(2, 6, 1, out_weights=[[1.0, 0.0, -1.0, 0.0, 2.0, 0.5]])
    s = slice2d(net, domain=BOX, kind="linear")
    lin = tg.regions(net, tg.Box([-1.0, -1.0], [1.0, 1.0]), kind="linear")
    assert len(s) == len(s.linear_regions()) == lin.count < s.num_faces


def test_line_slice_breakpoints():
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([-0.25, 0.5, 0.0])
    s = slice2d(one_layer_net(W, b), domain=BOX)
    # along (-1,-1) -> (1,1): x = y = -1 + 2 s; crossings at x = 1/4, y = -1/2, x + y = 0
    assert s.line((-1, -1), (1, 1)) == [Fraction(1, 4), Fraction(1, 2), Fraction(5, 8)]


def test_extreme_magnitudes_do_not_crash():
    for W, b in (([[1e-200, 0.0], [0.0, 1e200]], [1e-200, 0.0]), ([[5e-324, 1.0], [1.0, -1.0]], [0.0, 5e-324]),
                 ([[1e300, 1e300], [1.0, -1.0]], [0.0, 0.0])):
        s = slice2d(one_layer_net(W, b), domain=BOX)
        assert s.num_faces == one_layer_faces(W, b) and euler(s) == 1


def test_json_and_pickle_round_trip():
    net = nets.deep_random(2, [6, 6], 3)
    s = slice2d(net, domain=Polygon2D([[0, -1], [1, 0], [0, 1], [-1, 0]]))
    assert Slice.from_json(s.to_json()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert sum(s.areas(exact=True)) == 2
    with pytest.raises(tg.InputError):
        Slice.from_json("{not json")
    with pytest.raises(tg.InputError):
        Slice.from_json('{"type": "Slice", "schema_version": 99}')


def test_budgets_return_a_partial_slice():
    net = nets.deep_random(2, [32, 32, 32], 0)
    with pytest.raises(tg.BudgetExceeded) as e:
        slice2d(net, domain=BOX, max_faces=50)
    assert e.value.reason == "max_faces" and isinstance(e.value.partial, Slice)
    assert 0 < e.value.partial.num_faces <= 50
    big = nets.deep_random(2, [256, 256, 256], 0)
    t = time.perf_counter()
    with pytest.raises(tg.BudgetExceeded) as e:
        slice2d(big, domain=BOX, max_seconds=0.3)
    assert time.perf_counter() - t < 0.3 * 1.1 + 0.2 + 0.3  # the budget, plus building the result
    assert e.value.reason == "max_seconds" and e.value.partial.num_faces > 0


def test_ctrl_c_returns_the_faces_found():
    code = textwrap.dedent("""
        import sys; sys.path.insert(0, "tests")
        import nets, tropgeom as tg
        from tropgeom.slice2d import slice2d, Box2D
        net = nets.deep_random(2, [256, 256, 256], 0)
        said = []
        def tick(n):  # tell the parent once faces have been found
            if n > 0 and not said:
                said.append(n)  # before the print: the parent's SIGINT may land inside it
                print("started", flush=True)
        try:
            slice2d(net, domain=Box2D([-1, -1], [1, 1]), progress=tick)
            print("finished")
        except tg.BudgetExceeded as e:
            print(e.reason, e.partial.num_faces > 0)
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert out.split() == ["interrupted", "True"]


def test_bad_arguments():
    net = nets.deep_random(2, [4], 0)
    net3 = nets.deep_random(3, [4], 0)
    with pytest.raises(tg.InputError, match="plane"):
        slice2d(net3)
    with pytest.raises(tg.InputError, match="collinear"):
        slice2d(net3, through=[[0, 0, 0], [1, 1, 1], [2, 2, 2]])
    with pytest.raises(tg.InputError, match="convex"):
        Polygon2D([[0, 0], [2, 0], [1, 0.1], [1, 2]])
    with pytest.raises(tg.InputError, match="lo < hi"):
        Box2D([0, 0], [0, 1])
    with pytest.raises(tg.InputError, match="max_faces"):
        slice2d(net, domain=BOX, max_faces=0)
    with pytest.raises(tg.InputError, match="kind"):
        slice2d(net, domain=BOX, kind="linearr")


def test_pictures():
    pytest.importorskip("matplotlib")
    import io
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    net = nets.deep_random(2, [8, 8], 2)
    s = slice2d(net, domain=BOX)
    for cb in ("pattern", "output", "slope", "class", "layer"):
        png = io.BytesIO(s._repr_png_()) if cb == "pattern" else None
        if png is None:
            buf = io.BytesIO()
            s.plot(color_by=cb, points=np.zeros((2, 2)), labels=[0, 1]).figure.savefig(buf, format="png")
            png = io.BytesIO(buf.getvalue())
        img = mpimg.imread(png)
        rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
        assert img.shape[0] > 100 and len({tuple(c) for c in rgb[::5]}) >= 4
    root = ET.fromstring(s.to_svg())
    assert sum(1 for el in root.iter() if el.tag.endswith("polygon")) == s.num_faces


def test_cli_slice(tmp_path):
    import json

    from tropgeom.cli import main
    net = nets.deep_random(5, [8, 8], 0)
    net.save(tmp_path / "n.npz")
    X = np.random.default_rng(0).normal(size=(6, 5))
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", np.arange(6) % 2)
    out = tmp_path / "s.png"
    js = tmp_path / "s.json"
    assert main(["slice", str(tmp_path / "n.npz"), "--through", "0,1,2", "--data", str(tmp_path / "X.npy"),
                 "--labels", str(tmp_path / "y.npy"), "--out", str(out), "--json", str(js)]) == 0
    s = Slice.from_json(json.dumps(json.loads(js.read_text())["result"]))  # the CLI envelope
    assert s == slice2d(net, through=X[:3], domain="auto") and out.stat().st_size > 1000
    assert main(["slice", str(tmp_path / "n.npz"), "--through", "0,1", "--data", str(tmp_path / "X.npy")]) == 2
    assert main(["slice", str(tmp_path / "missing.npz")]) == 2
    big = nets.deep_random(2, [256, 256, 256], 0)  # about a second: the budget stops it
    big.save(tmp_path / "big.npz")
    assert main(["slice", str(tmp_path / "big.npz"), "--box", "-1", "1", "--max-seconds", "0.05"]) == 3
