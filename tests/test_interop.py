"""RegionSet interop: locate (against brute-force forward-pass patterns and exact boundary points),
networkx and scipy.sparse graphs (against the adjacency pairs and closed-form facet counts), and the
pandas summary (against counts, volumes and patterns)."""
import pickle
import sys
import time
from fractions import Fraction as F
from math import comb

import numpy as np
import pytest

from nets import deep_random, one_layer, zaslavsky
from sigint import interrupt
from tropgeom import Box, BudgetExceeded, regions

MEDIUM = "nets.deep_random(3, [20, 20, 20], 1)"  # 47,257 regions: under a second to enumerate, ~2 s of adjacency


def brute_locate(rs, X):
    """Index of the region whose pattern is the float forward pass's pattern at each point (-1: none)."""
    pats = [tuple(p) for p in rs.activation.patterns]
    out = []
    for p in rs.net.activation_patterns(X):
        out.append(pats.index(tuple(p)) if tuple(p) in pats else -1)
    return np.array(out)


@pytest.mark.parametrize("dom", [None, Box(-1, 1)])
def test_locate_equals_brute_force_patterns(dom):
    net = deep_random(2, [5, 4], 3)
    rs = regions(net, dom, threads=1)
    X = np.random.default_rng(0).uniform(-0.99, 0.99, size=(300, 2))
    want = brute_locate(rs, X)
    assert (want >= 0).all()
    assert np.array_equal(rs.locate(X), want)
    assert np.array_equal(rs.locate(X, exact=True), want)
    assert rs.locate(X[0]) == want[0] and isinstance(rs.locate(X[0]), int)
    # every region's own interior point is located in it
    assert np.array_equal(rs.locate(rs.interior_points(exact=True), exact=True), np.arange(len(rs)))


def test_locate_boundaries_and_outside_are_minus_one():
    net = one_layer(2, 4, 5)
    rs = regions(net, Box(-1, 1), threads=1)
    (W1, b1), _ = net.exact_layers
    # a point exactly on neuron 0's line, inside the box
    w, c = W1[0], b1[0]
    u = F(1, 10)
    x = np.array([u, -(c + w[0] * u) / w[1]], dtype=object)
    assert rs.locate(x, exact=True) == -1
    assert rs.locate(np.array([[2.0, 0.0], [0.0, -1.5], [1.0, 0.0]]), exact=True).tolist() == [-1, -1, -1]
    assert rs.locate(np.array([[2.0, 0.0], [1.0, 0.0]])).tolist() == [-1, -1]  # outside / on the box
    assert regions(net, threads=1).locate(np.array([[2.0, 0.0]]))[0] >= 0  # R^2 has no outside
    # one ulp inside the box is inside, exactly; the float filter's doubtful cases agree with Fractions
    tiny = np.array([[np.nextafter(-1.0, 0.0), 0.3], [0.3, np.nextafter(1.0, 0.0)], [0.3, 1.0]])
    got = rs.locate(tiny, exact=True)
    assert got[2] == -1 and (got[:2] >= 0).all()
    thirds = np.array([[F(4, 3), F(1, 3)], [F(1, 3), F(-1, 3)]], dtype=object)  # not doubles: decided in Fractions
    assert rs.locate(thirds, exact=True).tolist() == [-1, rs.locate(np.array([1 / 3, -1 / 3]))]


def test_locate_linear_kind_gives_the_merged_region():
    net = one_layer(2, 5, 6, out_weights=[[1.0, 0.0, -1.0, 0.0, 2.0]])  # two dead output columns
    rs = regions(net, kind="linear", threads=1)
    assert len(rs) == zaslavsky(2, 3) < rs.num_activation_regions
    X = np.random.default_rng(1).normal(size=(200, 2))
    act = rs.activation.locate(X)
    lin = rs.locate(X)
    for a, l in zip(act, lin):
        assert a in rs.members[l]


@pytest.mark.parametrize("d,n,seed", [(2, 5, 0), (3, 6, 1)])
def test_graphs_equal_adjacency_and_the_facet_count(d, n, seed):
    nx = pytest.importorskip("networkx")
    from scipy.sparse.csgraph import connected_components
    rs = regions(one_layer(d, n, seed), threads=1)
    pairs = rs.adjacency()
    facets = n * zaslavsky(d - 1, n - 1)  # the arrangement's closed form
    assert len(pairs) == facets
    M = rs.adjacency_matrix()
    assert M.shape == (len(rs), len(rs)) and (M != M.T).nnz == 0 and M.nnz == 2 * facets
    assert sorted(zip(*M.nonzero())) == sorted([(i, j) for i, j, _ in pairs] + [(j, i) for i, j, _ in pairs])
    G = rs.to_networkx()
    assert G.number_of_nodes() == len(rs)
    assert sorted(tuple(sorted(e)) for e in G.edges()) == [(i, j) for i, j, _ in pairs]
    assert all(G.edges[i, j]["neurons"] == f and len(f) == 1 for i, j, f in pairs)
    assert [G.nodes[i]["pattern"] for i in range(len(rs))] == ["".join("1" if v else "0" for v in p) for p in rs.patterns]
    # components: the whole graph is connected; the regions where neuron 0 is active form one
    # component too (a halfspace is convex); both ways agree
    assert nx.number_connected_components(G) == connected_components(M, directed=False)[0] == 1
    keep = np.flatnonzero(rs.patterns[:, 0])
    sub = M[keep][:, keep]
    assert nx.number_connected_components(G.subgraph(keep.tolist())) == connected_components(sub, directed=False)[0] == 1
    both = np.flatnonzero(rs.patterns[:, 0] != rs.patterns[:, 1])  # a symmetric difference: two wedges
    assert nx.number_connected_components(G.subgraph(both.tolist())) == \
        connected_components(M[both][:, both], directed=False)[0] == 2


def test_linear_kind_graph_merges_members():
    nx = pytest.importorskip("networkx")
    net = one_layer(2, 5, 7, out_weights=[[1.0, 0.0, -1.0, 0.0, 2.0]])
    rs = regions(net, kind="linear", threads=1)
    G = rs.to_networkx()
    # the linear regions are those of the 3 live lines: their arrangement's facets
    assert G.number_of_nodes() == len(rs) and G.number_of_edges() == 3 * zaslavsky(1, 2)
    assert sorted(sum((G.nodes[i]["members"] for i in G), [])) == list(range(rs.num_activation_regions))
    assert rs.adjacency_matrix().nnz == 2 * G.number_of_edges()


def test_summary_dataframe():
    pd = pytest.importorskip("pandas")
    d, n = 2, 6
    rs = regions(one_layer(d, n, 8), threads=1)
    df = rs.summary()
    assert isinstance(df, pd.DataFrame) and len(df) == len(rs) == zaslavsky(d, n)
    assert int(df["bounded"].sum()) == comb(n - 1, d)
    assert "volume" not in df
    assert list(df["pattern"]) == ["".join("1" if v else "0" for v in p) for p in rs.patterns]
    np.testing.assert_array_equal(df[["x0", "x1"]].to_numpy(), rs.interior_points())
    box = regions(one_layer(d, n, 8), Box(-1, 1), threads=1)
    dfb = box.summary()
    assert dfb["bounded"].all() and abs(dfb["volume"].sum() - 4.0) < 1e-12
    lin = regions(one_layer(d, n, 8), kind="linear", threads=1).summary()
    assert lin["members"].sum() == zaslavsky(d, n)
    assert pickle.loads(pickle.dumps(rs)) == rs  # after locate / graphs: still plain data


def test_missing_pandas_or_networkx_is_a_clear_import_error(monkeypatch):
    rs = regions(one_layer(2, 3, 9), threads=1)
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match="needs pandas"):
        rs.summary()
    with pytest.raises(ImportError, match="needs networkx"):
        rs.to_networkx()


def test_graph_exports_honour_max_seconds():
    import nets
    pytest.importorskip("networkx")  # imported before the clocks start
    rs = regions(eval(MEDIUM), threads=1)
    for call in (lambda: rs.adjacency_matrix(max_seconds=0.2, threads=1), lambda: rs.to_networkx(max_seconds=0.2)):
        t = time.monotonic()
        with pytest.raises(BudgetExceeded) as ei:
            call()
        dt = time.monotonic() - t
        assert ei.value.reason == "max_seconds" and dt < 0.2 + 0.2, dt
        pairs = ei.value.partial  # the adjacent pairs found: each differs in its pattern
        assert 0 < len(pairs) and (pairs[:, 0] < pairs[:, 1]).all()
        assert (rs.patterns[pairs[:, 0]] != rs.patterns[pairs[:, 1]]).any(axis=1).all()


def test_ctrl_c_stops_adjacency_matrix():
    words, latency = interrupt(f"import nets\nrs = tg.regions({MEDIUM}, threads=1)",
                               "rs.adjacency_matrix(threads=1)",
                               check="(partial[:, 0] < partial[:, 1]).all() and len(partial) > 0")
    assert words == ["stopped", "interrupted", "True"] and latency < 1.0, (words, latency)
