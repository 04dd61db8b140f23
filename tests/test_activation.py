"""Activation polytopes against closed forms (Cover, d = 1, simplices), an exact brute-force Minkowski
sum, Euler's relation, exact argmax checks of the witnesses, sampling, and the loss-landscape example."""
import itertools
from fractions import Fraction as F
from math import comb, factorial

import numpy as np
import pytest

from tropgeom import BudgetExceeded, InputError, Polyhedron
from tropgeom.activation import ActivationPolytope, OneHiddenLayerPatterns, one_hidden_layer_patterns


def general(N, d, seed=0):
    return np.random.default_rng(seed).integers(-20, 21, size=(N, d)) / 7.0


def cover(N, d):
    return 2 * sum(comb(N - 1, k) for k in range(d + 1))


def euler(f):
    return sum((-1) ** j * v for j, v in enumerate(f)) == 1  # f_0..f_D with f_D = 1 (and f_-1 = 1)


def argmax_patterns(theta, X):
    """Exact argmax term per point for parameters theta (K, d+1) of Fractions; None on a tie."""
    out = []
    for x in X:
        xh = [F(1)] + [F(v) for v in x]
        vals = [sum(t * v for t, v in zip(row, xh)) for row in theta]
        best = max(vals)
        if vals.count(best) > 1:
            return None
        out.append(vals.index(best))
    return tuple(out)


# --- closed forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize("N,d", [(6, 2), (7, 2), (6, 3)])
def test_linear_case_is_cover(N, d):
    P = ActivationPolytope(general(N, d), 1, 1)
    assert P.dimension() == d + 1
    assert P.count_vertices() == cover(N, d)
    assert P.count_labelings() == cover(N, d)  # m = n = 1: pattern and labeling are the same thing


def test_zonotope_f_vector_in_the_plane():
    N = 4
    P = ActivationPolytope(general(N, 2, seed=3), 1, 1)
    f = P.f_vector()
    assert f == (N * (N - 1) + 2, 2 * N * (N - 1), N * (N - 1), 1)
    assert len(P.edges()) == f[1]


@pytest.mark.parametrize("N,K", [(4, 2), (4, 3), (3, 4), (5, 3)])
def test_line_formula(N, K):
    X = np.array([0.0, 1.5, 2.0, 3.25, 7.0])[:N]
    expected = sum(comb(N - 1, j - 1) * factorial(K) // factorial(K - j) for j in range(1, min(N, K) + 1))
    assert ActivationPolytope(X, 1, K - 1).count_vertices() == expected


def test_affinely_independent_points_give_everything():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.25, 2.0]])
    P = ActivationPolytope(X, 2, 1)
    assert P.count_vertices() == 3 ** 3 and P.count_labelings() == 2 ** 3
    assert P.dimension() == 2 * 3


@pytest.mark.parametrize("d,K", [(1, 3), (2, 3), (2, 2)])
def test_d_plus_two_points(d, K):
    N = d + 2
    P = ActivationPolytope(general(N, d, seed=1), 1, K - 1)
    assert P.count_vertices() == K ** N - K * (K - 1)


# --- independent computations -------------------------------------------------------------------

@pytest.mark.parametrize("X,m,n", [([[0.0], [1.0], [2.5], [3.0]], 2, 1), (general(4, 2, seed=2), 1, 1)])
def test_vertices_equal_brute_force_minkowski_sum(X, m, n):
    """Every sum of one simplex vertex per point, tested exactly for being a vertex of their hull (an
    LP in coordinate space over all K^N sums, not the pattern cones)."""
    P = ActivationPolytope(X, m, n)
    sums = {tuple(r) for r in P.coordinates(list(itertools.product(range(P.K), repeat=P.N)), exact=True)}
    sums = [np.array(s, dtype=object) for s in sums]
    D = len(sums[0])
    found = set()
    for p in sums:
        # max t subject to c.(p - q) >= t for every other sum q, t <= 1: p is a vertex iff t* > 0.
        A = [list(-(p - q)) + [F(1)] for q in sums if tuple(q) != tuple(p)] + [[F(0)] * D + [F(1)]]
        b = [F(0)] * (len(A) - 1) + [F(1)]
        r = Polyhedron(np.array(A, dtype=object), np.array(b, dtype=object)).maximize([0] * D + [1])
        if r.value > 0:
            found.add(tuple(p))
    assert found == {tuple(r) for r in P.coordinates(exact=True)}


def test_witnesses_realise_their_patterns_exactly():
    X = general(5, 2, seed=4)
    P = ActivationPolytope(X, 2, 1)
    theta = P.parameters(exact=True)
    assert all(argmax_patterns(theta[v], X) == tuple(P.vertex_patterns()[v]) for v in range(P.count_vertices()))


def test_random_parameters_hit_vertices():
    X = general(6, 2, seed=5)
    P = ActivationPolytope(X, 2, 2)
    pats = {tuple(p) for p in P.vertex_patterns()}
    rng = np.random.default_rng(0)
    for _ in range(300):
        sigma = argmax_patterns(rng.normal(size=(4, 3)), X)
        assert sigma is None or sigma in pats


def test_euler_and_edges_against_faces():
    for X, m, n in [(general(3, 1, seed=6), 2, 1), (general(4, 2, seed=7), 2, 1)]:
        P = ActivationPolytope(X, m, n)
        f = P.f_vector()
        assert len(f) == P.dimension() + 1 and euler(f)
        assert f[0] == P.count_vertices() and f[1] == len(P.edges())
        E = P.edges()
        assert all(np.flatnonzero(P.vertex_patterns()[u] != P.vertex_patterns()[v]).tolist() == [i] for u, v, i in E)


def test_threads_and_repeated_points():
    X = general(7, 2, seed=8)
    assert np.array_equal(ActivationPolytope(X, 2, 1, threads=1).vertex_patterns(),
                          ActivationPolytope(X, 2, 1, threads=2).vertex_patterns())
    Xd = np.vstack([X[:4], X[1:2], X[3:4]])  # points 1 and 3 repeated
    P, Q = ActivationPolytope(Xd, 2, 1), ActivationPolytope(X[:4], 2, 1)
    assert np.array_equal(P.vertex_patterns()[:, :4], Q.vertex_patterns())
    assert np.array_equal(P.vertex_patterns()[:, 4], P.vertex_patterns()[:, 1]) and np.array_equal(P.vertex_patterns()[:, 5], P.vertex_patterns()[:, 3])
    assert len(P.edges()) == len(Q.edges())


# --- classifications -----------------------------------------------------------------------------

def test_loss_level_sets_can_be_disconnected():
    P = ActivationPolytope([0, 1, 2, 3], 1, 1)
    L = P.loss_levels([1, -1, 1, -1])
    assert L.minimum == 1 and len(L.minimizers) == 2 and L.levels[1] == 2
    u, v = L.minimizers
    assert not any({a, b} == {u, v} for a, b, _ in P.edges())
    assert L.sublevels[max(L.sublevels)] == 1  # everything is connected


def test_labelings_group_patterns():
    P = ActivationPolytope(general(5, 2, seed=9), 2, 1)
    Y, members = P.labelings()
    assert sum(len(m) for m in members) == P.count_vertices()
    for y, mem in zip(Y, members):
        assert np.all(P.pattern_labels()[mem] == y)


def test_bent_hyperplane():
    P = ActivationPolytope(general(5, 2, seed=10), 2, 1)
    bh = P.bent_hyperplane(2)
    assert bh["pairs"] == [(0, 2), (1, 2)]
    assert bh["normals"][0][0] == 1 and bh["normals"][0][6] == -1
    E = P.edges()
    lab = P.pattern_labels()
    for w in bh["walls"]:
        u, v, i = E[w]
        assert i == 2 and lab[u, 2] != lab[v, 2]


# --- one hidden layer --------------------------------------------------------------------------

def test_one_neuron_with_positive_output_weight_is_linear():
    X = general(6, 2, seed=11)
    res = one_hidden_layer_patterns(X, 1, signs=[1])
    lin = ActivationPolytope(X, 1, 1)
    assert len(res.neuron_patterns) == cover(6, 2)
    assert {tuple(y) for y in res.labelings} == {tuple(y) for y in lin.pattern_labels()}


def test_two_neurons_against_sampling():
    X = general(4, 2, seed=12)
    res = one_hidden_layer_patterns(X, 2, signs=[1, -1])
    T = res.neuron_patterns
    assert res.num_patterns == len(T) ** 2 == len(res.patterns())
    assert res.pattern_counts.sum() >= res.num_patterns
    Y = {tuple(y) for y in res.labelings}
    assert {tuple(y) for y in ActivationPolytope(X, 1, 1).pattern_labels()} <= Y
    rng = np.random.default_rng(1)
    Xh = np.hstack([np.ones((4, 1)), X])
    for _ in range(300):
        W, c = rng.normal(size=(2, 3)), rng.normal()
        f = np.maximum(Xh @ W[0], 0) - np.maximum(Xh @ W[1], 0) + c
        assert tuple(np.where(f > 0, 1, -1)) in Y


# --- validation and budgets ----------------------------------------------------------------------

def test_validation():
    with pytest.raises(InputError) as e:
        ActivationPolytope([[0.0, 1.0], [np.nan, 2.0]], 1, 1)
    assert e.value.index == 1
    for m, n in [(0, 1), (1, 0), (1.5, 1)]:
        with pytest.raises(InputError):
            ActivationPolytope([[0.0]], m, n)
    with pytest.raises(InputError):
        ActivationPolytope(np.zeros((2, 2, 2)), 1, 1)
    with pytest.raises(InputError):
        ActivationPolytope([0, 1], 1, 1).loss_levels([1, 1, 1])
    with pytest.raises(InputError):
        one_hidden_layer_patterns([0, 1], 2, signs=[1, 2])


def test_budget_returns_partial():
    with pytest.raises(BudgetExceeded) as e:
        ActivationPolytope(general(6, 2), 2, 1, max_vertices=5).vertex_patterns()
    assert e.value.reason == "max_vertices" and e.value.partial.shape == (5, 6)


def test_edges_budget_returns_a_subset():
    ap = ActivationPolytope(general(8, 2), 2, 1)
    ap.vertex_patterns()
    with pytest.raises(BudgetExceeded) as e:
        ap.edges(max_seconds=1e-6)  # polled as soon as the workers start, then every 20 ms
    assert e.value.reason == "max_seconds"
    full = {tuple(r) for r in ap.edges()}  # the vertices are cached: only the edges run again
    part = {tuple(r) for r in e.value.partial}
    assert part < full
    rest = {tuple(r) for r in ap.edges(cells=e.value.remaining)}  # the vertices not scanned: the other edges
    assert all(c.kind == "edges" for c in e.value.remaining) and not part & rest and part | rest == full


# --- vocabulary, exact= rule, pickle and JSON ---------------------------------------------------------

def test_dim_is_ambient_and_dimension_affine():
    X = general(6, 2)
    P = ActivationPolytope(X, 2, 1)
    assert P.dim == 3 * (2 + 1) and P.dimension() == 2 * 3  # rank of (1, x) is 3
    Q = ActivationPolytope(np.hstack([X, X]), 1, 1)           # repeated columns: rank still 3
    assert Q.dim == 2 * 5 and Q.dimension() == 3


def test_old_property_names_warn_and_agree():
    P = ActivationPolytope(general(5, 2), 1, 1)
    with pytest.warns(FutureWarning, match="vertex_patterns"):
        old = P.patterns
    with pytest.warns(FutureWarning, match="count_vertices"):
        assert P.num_vertices == P.count_vertices() == cover(5, 2)
    with pytest.warns(FutureWarning, match="count_labelings"):
        assert P.num_labelings == P.count_labelings()
    with pytest.warns(FutureWarning, match="search_stats"):
        assert P.stats == P.search_stats()
    assert np.array_equal(old, P.vertex_patterns())


def test_float_views_are_the_exact_values_rounded():
    P = ActivationPolytope(general(5, 2), 2, 1)
    exact = P.parameters(exact=True)
    assert P.parameters().dtype == np.float64 and np.array_equal(P.parameters(), np.vectorize(float)(exact).astype(float))
    C = P.coordinates(exact=True)
    assert np.array_equal(P.coordinates(), np.vectorize(float)(C).astype(float))
    pats, coords = P.vertices()
    assert np.array_equal(coords, P.coordinates()) and np.array_equal(pats, P.vertex_patterns())
    bh = P.bent_hyperplane(1)
    assert np.array_equal(bh["normals"], np.vectorize(float)(P.bent_hyperplane(1, exact=True)["normals"]).astype(float))


def test_pickle_and_json_round_trips():
    import json
    import pickle
    P = ActivationPolytope(general(6, 2), 2, 1, max_seconds=60, threads=1)
    fresh = pickle.loads(pickle.dumps(P))
    assert fresh == P and fresh.count_vertices() == P.count_vertices()
    E = P.edges()
    for Q in (pickle.loads(pickle.dumps(P)), ActivationPolytope.from_json(P.to_json())):
        assert Q == P and Q._settings() == P._settings()
        assert np.array_equal(Q.vertex_patterns(), P.vertex_patterns()) and np.array_equal(Q.edges(), E)
        assert np.array_equal(Q.parameters(exact=True), P.parameters(exact=True))  # rebuilt by the same search
    assert json.loads(P.to_json())["schema_version"] == 1
    assert ActivationPolytope(general(6, 2), 2, 1) != ActivationPolytope(general(6, 2), 1, 2)
    for bad in ("{", '{"type": "ActivationPolytope", "schema_version": 1}', '{"type": "Zonotope", "schema_version": 1}',
                '{"type": "ActivationPolytope", "schema_version": 1, "X": [[1, "a"]], "m": 1, "n": 1}'):
        with pytest.raises(InputError):
            ActivationPolytope.from_json(bad)


# --- run contract: the constructor's budget, every call's own budget, a real Ctrl-C -------------------

def _heavy(N=14, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(N, d))


def test_vertex_budget_partial_is_a_subset_of_the_vertices():
    import time
    X = general(8, 2)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        ActivationPolytope(X, 2, 1, threads=1).vertex_patterns(max_seconds=0.3)
    assert time.monotonic() - t < 0.5 and e.value.reason == "max_seconds"
    full = {tuple(r) for r in ActivationPolytope(X, 2, 1).vertex_patterns()}
    part = {tuple(r) for r in e.value.partial}
    assert part and part < full


@pytest.mark.parametrize("call,partial_ok", [
    ("P.vertex_patterns()", lambda p, P: p.ndim == 2 and p.shape[1] == P.N and ((0 <= p) & (p < P.K)).all()),
    ("P.edges()", lambda p, P: p.shape == (0, 3)),
    ("P.f_vector()", lambda p, P: len(p) == P.dimension() + 1 and all(v >= 0 for v in p)),
    ("P.labelings()", lambda p, P: p.ndim == 2 and p.shape[1] == P.N and np.isin(p, (-1, 1)).all()),
    ("P.loss_levels(np.ones(P.N))", lambda p, P: p is None),
])
def test_the_constructor_budget_is_the_default_of_every_call(call, partial_ok):
    import time
    P = ActivationPolytope(_heavy(), 2, 2, max_seconds=0.3, threads=2, progress=False)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        eval(call, {"P": P, "np": np})
    assert time.monotonic() - t < 0.5 and e.value.reason == "max_seconds"
    assert partial_ok(e.value.partial, P)


def test_a_call_budget_overrides_the_constructor_budget():
    import time
    P = ActivationPolytope(_heavy(), 2, 2, max_seconds=600, progress=False)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded):
        P.edges(max_seconds=0.2)
    assert time.monotonic() - t < 0.4


def test_one_hidden_layer_budget():
    import time
    X = np.random.default_rng(5).integers(-3, 4, size=(6, 2)).astype(float)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        one_hidden_layer_patterns(X, 2, [1, -1], max_seconds=0.4)
    assert time.monotonic() - t < 0.6 and e.value.reason == "max_seconds"
    part = e.value.partial  # what was found: labelings (with their pattern counts) or neuron patterns
    assert isinstance(part, OneHiddenLayerPatterns) and part.neuron_patterns.shape[1] == 6
    assert part.labelings is None or np.isin(part.labelings, (-1, 1)).all()


SETUP = "P = tg.ActivationPolytope(np.random.default_rng(0).normal(size=(14, 3)), 2, 2, threads=2)"


@pytest.mark.parametrize("call,check", [
    ("P.vertex_patterns()", "partial.shape[1] == 14"),
    ("P.edges()", "partial.shape == (0, 3)"),
    ("P.f_vector()", "len(partial) == P.dimension() + 1"),
    ("P.labelings()", "partial.shape[1] == 14"),
    ("P.loss_levels(np.ones(14))", "partial is None"),
    ("tg.one_hidden_layer_patterns(np.random.default_rng(5).integers(-3, 4, size=(6, 2)).astype(float), 2, [1, -1])",
     "partial is None or partial.neuron_patterns.shape[1] == 6"),
])
def test_ctrl_c_stops_with_budget_exceeded(call, check):
    from sigint import interrupt
    words, latency = interrupt(SETUP, call, check=check)
    assert words == ["stopped", "interrupted", "True"], words
    assert latency < 2.0


@pytest.mark.parametrize("scale", [2.0 ** -1000, 2.0 ** -1070, 2.0 ** 1000])
def test_extreme_data_scales_give_the_same_polytope(scale):
    """Scaling x by s > 0 maps realisable patterns onto themselves (divide theta's x-part by s), so
    vertices and edges are those of the unscaled data; the float filter works at any scale (columns
    are rescaled by powers of two), so the exact LPs stay as few."""
    X = general(6, 2)
    P, Q = ActivationPolytope(X, 2, 1, threads=1), ActivationPolytope(X * scale, 2, 1, threads=1, max_seconds=30)
    assert np.array_equal(P.vertex_patterns(), Q.vertex_patterns()) and np.array_equal(P.edges(), Q.edges())
    assert Q.search_stats()["lps"] <= 1.2 * P.search_stats()["lps"]
    theta = Q.parameters(exact=True)  # exact witnesses at the extreme scale
    assert all(argmax_patterns(theta[v], Q.X) == tuple(Q.vertex_patterns()[v]) for v in range(0, Q.count_vertices(), 7))


# --- resumable searches: a stop keeps its open nodes, cells=e.remaining finds exactly the rest ----------

from tropgeom.cell import ActivationCell  # noqa: E402

_DATA = {
    "general": general(6, 2, seed=1),
    "repeated": np.array([[0.0, 0.0], [1.0, 0.5], [0.0, 0.0], [2.0, -1.0], [1.0, 0.5], [-1.0, 2.0]]),
    "collinear": np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.5, 3.5], [1.0, -2.0]]),
    "line": np.array([[0.0], [1.5], [2.0], [3.25]]),
}


def _rows(a):
    return [tuple(int(v) for v in r) for r in a]


def _finish(call, max_cells):
    """Runs call(cells, max_cells) until it completes, resuming from each stop's open cells; returns
    the pieces found and the number of hand-backs."""
    pieces, cells, stops = [], None, 0
    while True:
        try:
            pieces.append(call(cells, max_cells))
            return pieces, stops
        except BudgetExceeded as e:
            assert e.reason == "max_cells" and e.remaining is not None
            pieces.append(e.partial)
            cells, stops = e.remaining, stops + 1
            # every open cell round-trips through its encoding and pickle
            import pickle
            assert [ActivationCell.from_bytes(c.to_bytes()) for c in cells] == cells
            assert pickle.loads(pickle.dumps(cells)) == cells


@pytest.mark.parametrize("data", sorted(_DATA))
@pytest.mark.parametrize("m,n", [(1, 1), (2, 1)])
@pytest.mark.parametrize("max_cells", [1, 3, 17])
def test_vertex_search_resumes_to_the_exact_vertex_set(data, m, n, max_cells):
    X = _DATA[data]
    full = _rows(ActivationPolytope(X, m, n, threads=1).vertex_patterns())
    P = ActivationPolytope(X, m, n, threads=1)
    pieces, stops = _finish(lambda cells, k: P.vertex_patterns(cells=cells, max_cells=k), max_cells)
    found = [r for p in pieces for r in _rows(p)]
    assert len(found) == len(set(found))  # disjoint pieces
    assert sorted(found) == full
    assert stops >= (1 if max_cells < 5 else 0)
    if max_cells == 1:
        assert stops >= len(full)  # a tiny max_cells forces many hand-backs


@pytest.mark.parametrize("data", ["general", "repeated", "collinear"])
def test_face_search_resumes_to_the_exact_f_vector(data):
    X = _DATA[data][:5]
    P = ActivationPolytope(X, 1, 1, threads=1)
    full = P.f_vector()
    pieces, stops = _finish(lambda cells, k: P.f_vector(cells=cells, max_cells=k), 4)
    assert stops > 3
    assert tuple(map(sum, zip(*pieces))) == full
    assert euler(full)


def test_labelings_resume_to_every_labeling():
    X = _DATA["general"]
    P = ActivationPolytope(X, 2, 1, threads=1)
    full = {tuple(y) for y in P.labelings()[0]}
    Q = ActivationPolytope(X, 2, 1, threads=1)
    with pytest.raises(BudgetExceeded) as e:
        Q.labelings(max_cells=10)
    rest = Q.labelings(cells=e.value.remaining)[0]
    assert {tuple(y) for y in e.value.partial} | {tuple(y) for y in rest} == full


def test_max_vertices_and_seconds_keep_the_open_cells():
    X = _DATA["general"]
    full = _rows(ActivationPolytope(X, 2, 1, threads=1).vertex_patterns())
    with pytest.raises(BudgetExceeded) as e:  # the over-budget leaf is handed back, not lost
        ActivationPolytope(X, 2, 1, max_vertices=5, threads=1).vertex_patterns()
    assert e.value.reason == "max_vertices" and len(e.value.partial) == 5
    rest = ActivationPolytope(X, 2, 1, threads=1).vertex_patterns(cells=e.value.remaining)
    assert sorted(_rows(e.value.partial) + _rows(rest)) == full
    P = ActivationPolytope(_heavy(), 2, 2, threads=2, progress=False)
    with pytest.raises(BudgetExceeded) as e:
        P.vertex_patterns(max_seconds=0.3)
    assert e.value.reason == "max_seconds" and e.value.remaining
    assert all(c.kind == "vertices" and len(c.to_bytes()) < 400 for c in e.value.remaining)
    with pytest.raises(BudgetExceeded) as e2:  # the resumed search is itself resumable
        P.vertex_patterns(cells=e.value.remaining, max_cells=5)
    assert e2.value.reason == "max_cells" and e2.value.remaining


def test_activation_cells_are_checked():
    X = _DATA["general"]
    P = ActivationPolytope(X, 2, 1, threads=1)
    with pytest.raises(BudgetExceeded) as e:
        P.vertex_patterns(max_cells=6)
    c = e.value.remaining[0]
    w = c.witness(exact=True)
    bad = [ActivationCell("vertices", c.codes, -w),                       # does not realise its choices
           ActivationCell("vertices", (5,) + c.codes[1:], w),             # not a term of the model
           ActivationCell("vertices", c.codes, list(w) + [0])]            # another model's parameters
    for b in bad:
        with pytest.raises(InputError):
            P.vertex_patterns(cells=[b])
    with pytest.raises(InputError):
        P.f_vector(cells=[c])  # a vertex cell is not a face cell
    with pytest.raises(InputError):
        P.vertex_patterns(cells=c)
    with pytest.raises(InputError):
        ActivationCell.from_bytes(c.to_bytes()[:-1])
    with pytest.raises(InputError):
        ActivationCell.from_bytes(b"\x01" + c.to_bytes()[1:])  # a region Cell's marker
    assert P.vertex_patterns(cells=[]).shape == (0, P.N)
    assert P.vertex_patterns(cells=[c.to_bytes()]).shape[1] == P.N  # bytes are taken too


def test_ctrl_c_vertex_search_resumes_to_the_exact_total():
    """Linear classifiers of 20 points in general position in R^3: Cover's count, 2,320 patterns."""
    from sigint import interrupt
    setup = "P = tg.ActivationPolytope(np.random.default_rng(0).normal(size=(20, 3)), 1, 1, threads=2)"
    check = ("e.remaining and len(partial) < 2320 and "
             "len(set(map(tuple, np.vstack([partial, P.vertex_patterns(cells=e.remaining)])))) == "
             f"len(partial) + P.count_vertices(cells=e.remaining) == {cover(20, 3)}")
    words, latency = interrupt(setup, "P.vertex_patterns()", check=check, wait=0.3)
    assert words == ["stopped", "interrupted", "True"], words
    assert latency < 30


@pytest.mark.parametrize("data", ["general", "repeated", "collinear"])
@pytest.mark.parametrize("max_cells", [1, 4])
def test_edge_search_resumes_to_the_exact_edge_set(data, max_cells):
    """Cut identity of edges(): the edges found before each stop and after resuming its open vertices
    are disjoint and together every edge (oracle: the uninterrupted call)."""
    X = _DATA[data]
    full = _rows(ActivationPolytope(X, 2, 1, threads=1).edges())
    P = ActivationPolytope(X, 2, 1, threads=1)
    pieces, stops = _finish(lambda cells, k: P.edges(cells=cells, max_cells=k), max_cells)
    found = [r for p in pieces for r in _rows(p)]
    assert len(found) == len(set(found)) and sorted(found) == sorted(full)
    assert stops >= P.count_vertices() // max_cells - 1
    assert all(p.shape[1] == 3 for p in pieces)
    assert np.array_equal(P.edges(), ActivationPolytope(X, 2, 1, threads=1).edges())  # resumes are not cached
    with pytest.raises(BudgetExceeded) as e:
        P.edges(max_cells=2)
    c = e.value.remaining[0]
    assert c.kind == "edges" and c.depth == P.N
    with pytest.raises(InputError, match="not a vertex"):
        P.edges(cells=[ActivationCell("edges", [5] * P.N, c.witness(exact=True))])  # no term 5 in this model
    with pytest.raises(InputError, match="faces search"):
        P.edges(cells=[ActivationCell("faces", c.codes, c.witness(exact=True))])


def _labeling_counts(res) -> dict:
    return {} if res.labelings is None else {tuple(int(v) for v in y): int(c)
                                              for y, c in zip(res.labelings, res.pattern_counts)}


@pytest.mark.parametrize("data", ["general", "repeated", "collinear"])
@pytest.mark.parametrize("max_cells", [2, 25])
def test_one_hidden_layer_resumes_to_the_exact_answer(data, max_cells):
    """Cut identity of one_hidden_layer_patterns: resuming every stop's open cells gives the neuron
    patterns (disjoint pieces) and the labelings with their pattern counts (counts add) of one call."""
    X = _DATA[data][:4]
    signs = [1, -1]
    full = one_hidden_layer_patterns(X, 2, signs, threads=1)
    neurons, counts, cells, stops = [], {}, None, 0
    while True:
        resumes_neurons = cells is None or cells[0].kind == "vertices"
        try:
            res = one_hidden_layer_patterns(X, 2, signs, threads=1, cells=cells, max_cells=max_cells)
        except BudgetExceeded as e:
            assert e.reason == "max_cells" and e.remaining
            res, cells, stops = e.partial, e.remaining, stops + 1
        else:
            cells = None
        if resumes_neurons:
            neurons += [tuple(r) for r in res.neuron_patterns.tolist()]
        for y, c in _labeling_counts(res).items():
            counts[y] = counts.get(y, 0) + c
        if cells is None:
            break
    assert stops >= 1
    assert len(neurons) == len(set(neurons)) and set(neurons) == {tuple(r) for r in full.neuron_patterns.tolist()}
    assert counts == _labeling_counts(full)
    with pytest.raises(InputError, match="signs"):
        one_hidden_layer_patterns(X, 2, cells=[ActivationCell("labelings", [], [0] * 7)])


def test_ctrl_c_labelings_resume_to_the_exact_total():
    """A real SIGINT during the labelings search: the partial plus the search resumed from
    ``remaining`` has every labeling with its exact pattern count (oracle: the uninterrupted call)."""
    from sigint import interrupt
    setup = ("from test_activation import _labeling_counts\n"
             "X = np.random.default_rng(5).integers(-3, 4, size=(4, 2)).astype(float)\n"
             "full = _labeling_counts(tg.one_hidden_layer_patterns(X, 2, [1, -1], threads=1))")
    check = ("e.remaining and e.remaining[0].kind == 'labelings' and (lambda a, b: set(a) | set(b) == set(full) and "
             "all(a.get(y, 0) + b.get(y, 0) == c for y, c in full.items()))(_labeling_counts(partial), "
             "_labeling_counts(tg.one_hidden_layer_patterns(X, 2, [1, -1], cells=e.remaining, threads=1)))")
    words, _ = interrupt(setup, "tg.one_hidden_layer_patterns(X, 2, [1, -1], threads=1)", check=check, wait=0.15)
    assert words == ["stopped", "interrupted", "True"], words
