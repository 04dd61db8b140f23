"""Tropical polynomials and tropicalize(net) against exact oracles: the exact forward pass, brute-force
upper hulls (Carathéodory: a non-vertex is dominated by at most d+1 other lifted points), exact
evaluation on grids, the region engine, and closed forms (zonotope vertex counts)."""
import itertools
from math import comb
import json
from fractions import Fraction as F

import numpy as np
import pytest

import tropgeom
from tropgeom import BudgetExceeded, InputError
from tropgeom.tropical import TropicalPolynomial, TropicalRational, _tropicalize_reference, tropicalize

import nets


# --- oracles ---------------------------------------------------------------------------------------

def rational_points(rng, n, d, den=7, span=5):
    """n random points with small-denominator rational coordinates in [-span, span]^d."""
    return np.array([[F(int(rng.integers(-span * den, span * den + 1)), den) for _ in range(d)] for _ in range(n)],
                    dtype=object)


def random_poly(rng, k, d, den=3, span=3):
    E = [[F(int(rng.integers(0, span * den + 1)), den) for _ in range(d)] for _ in range(k)]
    c = [F(int(rng.integers(-span * den, span * den + 1)), den) for _ in range(k)]
    return TropicalPolynomial(E, c)


def solve(M, r):
    """Exact solution of the square system M y = r, or None if singular."""
    n = len(M)
    T = [list(M[i]) + [r[i]] for i in range(n)]
    for col in range(n):
        p = next((i for i in range(col, n) if T[i][col] != 0), None)
        if p is None:
            return None
        T[col], T[p] = T[p], T[col]
        for i in range(n):
            if i != col and T[i][col] != 0:
                f = T[i][col] / T[col][col]
                T[i] = [a - f * b for a, b in zip(T[i], T[col])]
    return [T[i][n] / T[i][i] for i in range(n)]


def brute_upper_vertices(p):
    """Indices of upper-hull vertices by brute force: i is not one iff some <= d+1 other lifted points
    have alpha_i in their convex hull (affinely independent, barycentric weights >= 0) with
    interpolated coefficient >= c_i."""
    E, c = [list(r) for r in p.exponents], list(p.coefficients)
    k, d = len(E), p.dim
    keep = []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        dominated = False
        for m in range(2, d + 2):
            for S in itertools.combinations(others, m):
                # least squares would not be exact: pick m-1 independent coordinates + sum(lam) = 1
                for rows in itertools.combinations(range(d), m - 1):
                    M = [[E[j][r] for j in S] for r in rows] + [[F(1)] * m]
                    lam = solve(M, [E[i][r] for r in rows] + [F(1)])
                    if lam is None or min(lam) < 0:
                        continue
                    if all(sum(l * E[j][r] for l, j in zip(lam, S)) == E[i][r] for r in range(d)) \
                            and sum(l * c[j] for l, j in zip(lam, S)) >= c[i]:
                        dominated = True
                    break
                if dominated:
                    break
            if dominated:
                break
        if not dominated:
            keep.append(i)
    return keep


def grid_argmax_monomials(p, n=41, span=6):
    """Monomials that are the unique exact maximum at some point of a rational grid (a lower bound)."""
    E, c = p.exponents, p.coefficients
    ticks = [F(i * 2 * span, n - 1) - span for i in range(n)]
    seen = set()
    for x in itertools.product(ticks, repeat=p.dim):
        vals = [ci + sum(a * xi for a, xi in zip(row, x)) for row, ci in zip(E, c)]
        top = max(vals)
        if vals.count(top) == 1:
            seen.add(vals.index(top))
    return seen


def random_net(rng, d, widths, out=1):
    return nets.deep_random(d, widths, seed=int(rng.integers(1 << 30)), out=out)


# --- tropicalize: F - G is the forward pass, exactly -------------------------------------------------

@pytest.mark.parametrize("d,widths", [(2, [3]), (3, [6]), (2, [5, 4]), (3, [4, 3]), (2, [3, 3, 3]), (3, [3, 2, 2])])
@pytest.mark.parametrize("seed", [0, 1])
def test_tropicalize_equals_forward_pass(d, widths, seed):
    rng = np.random.default_rng(seed)
    net = random_net(rng, d, widths, out=2)
    X = rational_points(rng, 40, d)
    want = net.forward(X, exact=True)
    maps = tropicalize(net, prune=True)
    assert len(maps) == 2 and all(isinstance(m, TropicalRational) for m in maps)
    for o, m in enumerate(maps):
        got = m.evaluate(X, exact=True)
        assert all(isinstance(v, F) for v in got)
        assert list(got) == list(want[:, o])
        assert (m.numerator.exponents >= 0).all() and (m.denominator.exponents >= 0).all()
        np.testing.assert_allclose(m.evaluate(X.astype(float), exact=False), want[:, o].astype(float), atol=1e-9)


@pytest.mark.parametrize("d,widths", [(2, [3]), (2, [2, 2]), (3, [2, 2]), (2, [2, 1, 2])])
def test_unpruned_equals_pruned_and_forward_pass(d, widths):
    rng = np.random.default_rng(7)
    net = random_net(rng, d, widths)
    X = rational_points(rng, 30, d)
    want = list(net.forward(X, exact=True)[:, 0])
    raw, pruned = tropicalize(net, prune=False)[0], tropicalize(net, prune=True)[0]
    assert list(raw.evaluate(X, exact=True)) == want == list(pruned.evaluate(X, exact=True))
    assert len(pruned.numerator) <= len(raw.numerator)
    assert raw.numerator.prune() == pruned.numerator  # pruning commutes with the recursion


# --- the pruned maps read off the region engine, against the expansion (the former path) ------------

GALLERY = {
    "deep_2_4_4": lambda: nets.deep_random(2, [4, 4], 0),
    "deep_3_5_4_two_outputs": lambda: nets.deep_random(3, [5, 4], 1, out=2),
    "deep_1_3_3_3": lambda: nets.deep_random(1, [3, 3, 3], 2),
    "zero_bias": lambda: nets.zero_bias_net(2, [4, 3], 0),
    "duplicate_neurons": nets.duplicate_neurons,
    "dead_neuron": nets.dead_neuron_net,
    "zero_neuron": nets.zero_neuron_net,
    "sawtooth_3": lambda: nets.sawtooth(3),
    "concurrent_lines": lambda: nets.concurrent_lines(4),
    "one_layer_two_outputs": lambda: nets.one_layer(2, 5, 0, out=2),
    "parallel_lines": lambda: nets.parallel_lines(3),
    "zero_output": lambda: nets.zero_output_net(2, 4, 0),
    "independent_rows": lambda: nets.independent_rows(3, 4),
}


def _same_monomials(a, b):
    return len(a) == len(b) and all(x.numerator == y.numerator and x.denominator == y.denominator for x, y in zip(a, b))


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_pruned_maps_equal_the_expansion_and_the_forward_pass(name):
    from tropgeom.tropical import _tropicalize_reference
    net = GALLERY[name]()
    maps = tropicalize(net, threads=1)
    assert _same_monomials(maps, _tropicalize_reference(net, max_seconds=60))
    assert _same_monomials(maps, tropicalize(net, threads=2))
    X = rational_points(np.random.default_rng(1), 30, net.input_dim)
    want = net.forward(X, exact=True)
    for o, m in enumerate(maps):
        assert list(m.evaluate(X, exact=True)) == list(want[:, o])


def _bench():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "bench" / "bench_tropical.py"
    spec = importlib.util.spec_from_file_location("bench_tropical", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# bench_tropical's nets that the expansion finishes in well under a second: tropix-grid rows
# (d, width, depth, seed as the bench seeds them), TropicalNN's set and the [2,w,1] / [2,w,2,1] widths
BENCH_NETS = ([("grid", d, w, depth) for d, w, depth in ((1, 16, 3), (1, 16, 2), (2, 8, 2), (2, 16, 1), (3, 4, 2), (3, 8, 1))]
              + [("he", sizes, 0) for sizes in ([2, 6, 1], [3, 5, 1], [4, 4, 1], [5, 3, 1], [6, 2, 1], [3, 2, 2, 1], [3, 3, 2, 1])]
              + [("he", [2, w, 2, 1], 100 + w) for w in (2, 5, 8)] + [("he", [2, 8, 1], 108)])


@pytest.mark.parametrize("case", BENCH_NETS, ids=str)
def test_pruned_maps_equal_the_expansion_on_bench_nets(case):
    """Issue 12's oracle on the bench's own nets: the pruned maps read off the regions have the
    monomial sets of the former path (the expansion pruned product by product), and F - G is the
    exact forward pass."""
    bench = _bench()
    if case[0] == "grid":
        _, d, w, depth = case
        net = tropgeom.Network(bench.integer_net(d, w, depth, seed=1000 * d + 10 * depth + w))
    else:
        net = bench.he_net(case[1], case[2])
    maps = tropicalize(net, threads=1)
    assert _same_monomials(maps, _tropicalize_reference(net, max_seconds=60))
    X = rational_points(np.random.default_rng(3), 20, net.input_dim)
    assert list(maps[0].evaluate(X, exact=True)) == list(net.forward(X, exact=True)[:, 0])


def max_plus_net(p):
    """A ReLU net computing p = max_i (c_i + <alpha_i, x>) by a tournament: max(u, v) = v + relu(u - v),
    v = relu(v) - relu(-v); exact (Fraction weights).  Its linear regions are those of p."""
    E, c = [list(r) for r in p.exponents], list(p.coefficients)
    M, e = [row[:] for row in E], c[:]  # the values, as affine maps of the previous layer's outputs
    layers = []
    while len(M) > 1:
        W, b, nxt, nb = [], [], [], []
        width = 3 * (len(M) // 2) + 2 * (len(M) % 2)
        for k in range(0, len(M) - 1, 2):
            u, v = (M[k], e[k]), (M[k + 1], e[k + 1])
            W += [[a - b_ for a, b_ in zip(u[0], v[0])], v[0], [-a for a in v[0]]]
            b += [u[1] - v[1], v[1], -v[1]]
            row = [F(0)] * width
            row[len(W) - 3], row[len(W) - 2], row[len(W) - 1] = F(1), F(1), F(-1)
            nxt.append(row), nb.append(F(0))
        if len(M) % 2:
            W += [M[-1], [-a for a in M[-1]]]
            b += [e[-1], -e[-1]]
            row = [F(0)] * width
            row[-2], row[-1] = F(1), F(-1)
            nxt.append(row), nb.append(F(0))
        layers.append((np.array(W, dtype=object), np.array(b, dtype=object)))
        M, e = nxt, nb
    if not layers:  # one monomial: an affine map
        return tropgeom.Network([(np.array(M, dtype=object), np.array(e, dtype=object))])
    layers.append((np.array(M, dtype=object), np.array(e, dtype=object)))
    return tropgeom.Network(layers)


@pytest.mark.parametrize("name", ["deep_2_4_4", "zero_bias", "sawtooth_3", "concurrent_lines", "one_layer_two_outputs",
                                  "dead_neuron", "deep_1_3_3_3"])
def test_pruned_monomials_are_the_linear_regions_of_the_max_plus_nets(name):
    """An independent count: |F| = linear regions of F (convex: one per monomial), by the region
    engine on a ReLU net computing F; same for G."""
    for m in tropicalize(GALLERY[name]()):
        for p in (m.numerator, m.denominator):
            mp = max_plus_net(p)
            X = rational_points(np.random.default_rng(2), 10, p.dim)
            assert list(mp.forward(X, exact=True)[:, 0]) == list(p.evaluate(X, exact=True))
            assert len(p) == tropgeom.regions(mp, kind="linear").count


def test_tropicalize_takes_what_regions_takes():
    net = nets.deep_random(2, [3, 2], 0)
    (a,) = tropicalize(net)
    (b,) = tropicalize([(W, b_) for W, b_ in net.layers])
    assert a == b
    with pytest.raises(InputError):
        tropicalize("net")

    torch = pytest.importorskip("torch")
    seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2), torch.nn.ReLU(),
                              torch.nn.Linear(2, 1)).double()
    with torch.no_grad():
        for lin, (W, b_) in zip(seq[::2], net.layers):
            lin.weight.copy_(torch.tensor(np.array(W, dtype=np.float64)))
            lin.bias.copy_(torch.tensor(np.array(b_, dtype=np.float64)))
    assert tropicalize(seq) == [a]  # a torch module, read by Network.from_any


def test_linear_hidden_layer_and_single_point():
    rng = np.random.default_rng(3)
    W1, W2, W3 = rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=(1, 3))
    net = tropgeom.Network([(W1, rng.normal(size=3)), (W2, rng.normal(size=3)), (W3, np.zeros(1))],
                           relu=[True, False, False])
    (m,) = tropicalize(net)
    x = [F(1, 3), F(-5, 2)]
    assert m.evaluate(x, exact=True) == net.forward(x, exact=True)[0]


def test_unpruned_budget():
    net = nets.deep_random(3, [6, 6, 6], seed=0)
    with pytest.raises(BudgetExceeded, match="max_monomials") as e:
        tropicalize(net, prune=False, max_monomials=1000)
    assert e.value.reason == "max_monomials" and e.value.partial is None


# --- pruning --------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_prune_keeps_the_function_and_the_brute_force_vertices(seed):
    rng = np.random.default_rng(seed)
    d = 1 + seed % 2
    p = random_poly(rng, 12, d)
    q = p.prune()
    X = rational_points(rng, 60, d)
    assert list(p.evaluate(X, exact=True)) == list(q.evaluate(X, exact=True))
    rows = {tuple(r) for r in p.exponents}
    assert all(tuple(r) in rows for r in q.exponents)
    assert [tuple(p.exponents[i]) for i in brute_upper_vertices(p)] == [tuple(r) for r in q.exponents]
    assert grid_argmax_monomials(p) <= set(brute_upper_vertices(p))
    assert q.count_regions() == len(q) == p.count_regions()
    assert q.prune() == q


def test_formal_vs_functional_square():
    x_or_0 = TropicalPolynomial([[1], [0]], [0, 0])
    sq = x_or_0 * x_or_0
    assert sq == TropicalPolynomial([[2], [1], [0]], [0, 0, 0])  # formally x^2 ⊕ x ⊕ 0
    assert str(sq) == "max(2x1, x1, 0)"
    assert sq.prune() == TropicalPolynomial([[2], [0]], [0, 0])
    assert x_or_0 ** 2 == sq.prune()  # the power scales: (x ⊕ 0)^2 = 2x ⊕ 0 as functions
    assert x_or_0 ** 0 == TropicalPolynomial([[0]], [0])
    xs = [F(k, 3) for k in range(-9, 10)]
    assert [sq.evaluate([v], exact=True) for v in xs] == [sq.prune().evaluate([v], exact=True) for v in xs]


def test_unit_square_cell_and_centre():
    square = TropicalPolynomial([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0, 0, 0])
    assert len(square.prune()) == 4 and square.count_regions() == 4
    centre = square + TropicalPolynomial([[F(1, 2), F(1, 2)]], [0])
    assert len(centre) == 5
    assert centre.prune() == square  # on the upper hull (a coplanar face) but not a vertex
    lifted = square + TropicalPolynomial([[F(1, 2), F(1, 2)]], [F(1, 10 ** 6)])
    assert lifted.count_regions() == 5
    assert [tuple(v) for v in centre.newton_polytope(exact=True)] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_duplicates_merge_by_max_and_laurent_exponents():
    p = TropicalPolynomial([[1, 0], [1, 0], [-1, 0]], [2, F(7, 2), 0])
    assert len(p) == 2
    assert list(p.coefficients) == [0, F(7, 2)]
    assert p.count_regions() == 2  # max(-x1, 7/2 + x1): negative exponents are allowed
    assert str(p) == "max(7/2 + x1, -x1)"


# --- closed forms and the region engine ----------------------------------------------------------

@pytest.mark.parametrize("d,n,seed", [(2, 5, 0), (2, 4, 1), (3, 5, 2), (1, 6, 3)])
def test_one_layer_positive_outputs_zonotope_count(d, n, seed):
    rng = np.random.default_rng(seed)
    net = nets.one_layer(d, n, seed, out_weights=rng.uniform(0.5, 2.0, size=(1, n)))
    (m,) = tropicalize(net)
    assert len(m.denominator) == 1
    expected = nets.zaslavsky(d, n)  # sum_{j<=d} C(n, j): 16 for d=2, n=5
    assert len(m.numerator) == expected
    # F - G with G one affine monomial has the linear regions of F: the region engine agrees
    assert m.numerator.count_regions() == tropgeom.count_regions(net) == tropgeom.count_regions(net, kind="linear")


def test_count_regions_matches_grid_and_brute_force_on_network_numerator():
    net = nets.one_layer(2, 4, 5, out_weights=np.ones((1, 4)))
    (m,) = tropicalize(net, prune=False)
    F_ = m.numerator
    assert len(F_) == 2 ** 4
    assert F_.count_regions() == len(brute_upper_vertices(F_)) == nets.zaslavsky(2, 4)
    assert len(grid_argmax_monomials(F_, n=61, span=8)) <= F_.count_regions()


# --- algebra, text, validation --------------------------------------------------------------------

def test_algebra_pointwise():
    rng = np.random.default_rng(11)
    p, q = random_poly(rng, 5, 2), random_poly(rng, 4, 2)
    X = rational_points(rng, 25, 2)
    P, Q = p.evaluate(X, exact=True), q.evaluate(X, exact=True)
    assert list((p + q).evaluate(X, exact=True)) == [max(a, b) for a, b in zip(P, Q)]
    assert list((p * q).evaluate(X, exact=True)) == list(P + Q)
    assert list((p ** F(3, 2)).evaluate(X, exact=True)) == [F(3, 2) * a for a in P]
    assert list((p * F(-1, 3)).evaluate(X, exact=True)) == [a - F(1, 3) for a in P]
    assert list((p + 5).evaluate(X, exact=True)) == [max(a, F(5)) for a in P]
    assert len(p * q) <= len(p) * len(q)
    np.testing.assert_allclose(p.evaluate(X.astype(float), exact=False), P.astype(float))


def test_str_json_and_immutability():
    p = TropicalPolynomial([[2, 0], [0, 1], [0, 0]], [1, 0, 0])
    assert str(p) == "max(1 + 2x1, x2, 0)"
    assert str(TropicalPolynomial([[F(1, 2), -1]], [F(-3, 4)])) == "-3/4 + (1/2)x1 - x2"
    q = TropicalPolynomial.from_json(p.to_json())
    assert q == p and json.loads(p.to_json())["coefficients"] == ["0", "0", "1"]
    with pytest.raises(ValueError):
        p.exponents[0, 0] = 5
    r = TropicalRational(p, p)
    assert r.evaluate([F(3), F(-1)]) == 0
    assert json.loads(r.to_json())["type"] == "TropicalRational"


@pytest.mark.parametrize("E,c,match", [
    ([[1, 0], [0, 1]], [0], "one per exponent row"),
    ([1, 2], [0, 0], "expected \\(k, d\\)"),
    (np.zeros((0, 2)), [], "expected \\(k, d\\)"),
    ([[1, 0], [0, float("nan")]], [0, 0], "row 1, column 1"),
    ([[1, 0], [0, 1]], [0, float("inf")], "index 1"),
    ([[1, "a"]], [0], "not numeric"),
])
def test_validation(E, c, match):
    with pytest.raises(InputError, match=match):
        TropicalPolynomial(E, c)


def test_validation_of_operations():
    p = TropicalPolynomial([[1]], [0])
    with pytest.raises(InputError, match="non-negative"):
        p ** -1
    with pytest.raises(InputError, match="variables"):
        p + TropicalPolynomial([[1, 0]], [0])
    with pytest.raises(InputError, match="shape"):
        p.evaluate([1, 2], exact=True)
    with pytest.raises(InputError):
        tropicalize("not a net")


# --- upper hull, dual subdivision, hypersurface ------------------------------------------------------

def brute_upper_facets(p):
    """Upper facets by brute force: for every d+1 affinely independent monomials, the point x where
    they tie; a facet iff they attain the exact maximum there; the facet holds every monomial that does."""
    E, c, d = p.exponents, p.coefficients, p.dim
    facets = set()
    for S in itertools.combinations(range(len(p)), d + 1):
        # c_s + E_s x = c_S0 + E_S0 x for s in S: d equations in x
        x = solve([[E[s][l] - E[S[0]][l] for l in range(d)] for s in S[1:]], [c[S[0]] - c[s] for s in S[1:]])
        if x is None:
            continue
        vals = [c[i] + sum(a * xl for a, xl in zip(E[i], x)) for i in range(len(p))]
        if all(vals[s] == max(vals) for s in S):
            facets.add(tuple(i for i, v in enumerate(vals) if v == max(vals)))
    return sorted(facets)


@pytest.mark.parametrize("seed", range(6))
def test_upper_hull_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    d = 1 + seed % 2
    p = random_poly(rng, 10, d, den=2 if seed < 3 else 5)  # small denominators: many ties and flat cells
    faces = p.upper_hull(exact=True)
    assert [f.monomials for f in faces] == brute_upper_facets(p)
    assert p.dual_subdivision() == [list(f.monomials) for f in faces]
    for f in faces:  # the normal (x, 1): exactly the face's monomials attain the max at x
        x = list(f.normal[:-1])
        vals = [ci + sum(a * xl for a, xl in zip(row, x)) for row, ci in zip(p.exponents, p.coefficients)]
        assert tuple(i for i, v in enumerate(vals) if v == max(vals)) == f.monomials
    # every upper-hull vertex is in some cell, and the lifted polytope holds the upper vertices
    assert set(itertools.chain(*p.dual_subdivision())) >= set(p.upper_vertices())
    lifted = {tuple(v) for v in p.lifted_polytope(exact=True)}
    assert {tuple(p.exponents[i]) + (p.coefficients[i],) for i in p.upper_vertices()} <= lifted


def test_unit_square_subdivision_flat_and_split():
    square = TropicalPolynomial([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0, 0, 0])
    assert square.dual_subdivision() == [[0, 1, 2, 3]]  # coplanar lift: one cell, not two triangles
    assert square.upper_hull()[0].normal == (0, 0, 1)
    assert len(square.lifted_polytope(exact=True)) == 4
    centre = square + TropicalPolynomial([[F(1, 2), F(1, 2)]], [0])
    assert centre.dual_subdivision() == [[0, 1, 2, 3, 4]]  # the centre lies on the flat face
    raised = square * 0 + TropicalPolynomial([[1, 1]], [F(1, 2)]) + TropicalPolynomial([[0, 0]], [F(1, 2)])
    assert raised.dual_subdivision() == [[0, 1, 2], [0, 2, 3]] or raised.dual_subdivision() == [[0, 1, 3], [0, 2, 3]]
    assert len(raised.hypersurface()) == 5  # one bounded segment, four rays


def test_hypersurface_closed_forms():
    assert TropicalPolynomial([[1], [0]], [0, 0]).hypersurface() == [0]  # max(x, 0): the point 0
    assert TropicalPolynomial([[2], [1], [0]], [0, 3, 0]).hypersurface() == [-3, 3]
    assert TropicalPolynomial([[1]], [5]).hypersurface() == []
    pieces = TropicalPolynomial([[1, 0], [0, 1], [0, 0]], [0, 0, 0]).hypersurface()  # max(x1, x2, 0)
    assert all(p.kind == "ray" and p.point == (0, 0) for p in pieces)
    assert sorted(p.direction for p in pieces) == [(-1, 0), (0, -1), (1, 1)]
    assert sorted(p.pair for p in pieces) == [(0, 1), (0, 2), (1, 2)]
    (line,) = TropicalPolynomial([[1, 0], [0, 0]], [0, 0]).hypersurface()  # max(x1, 0): the line x1 = 0
    assert line.kind == "line" and line.point[0] == 0 and line.direction == (0, 1)
    with pytest.raises(InputError, match="d = 1 and 2"):
        TropicalPolynomial([[1, 0, 0]], [0]).hypersurface()


@pytest.mark.parametrize("seed", range(3))
def test_hypersurface_pieces_are_ties(seed):
    rng = np.random.default_rng(seed)
    p = random_poly(rng, 8, 2)
    E, c = p.exponents, p.coefficients

    def tied(x, pair):
        vals = [ci + sum(a * xl for a, xl in zip(row, x)) for row, ci in zip(E, c)]
        return all(vals[i] == max(vals) for i in pair) and vals.count(max(vals)) >= 2

    pieces = p.hypersurface(exact=True)
    for pc in pieces:
        assert len(pc.pair) == 2
        mid = [(a + b) / 2 for a, b in zip(pc.point, pc.end)] if pc.kind == "segment" else \
            [a + 7 * v for a, v in zip(pc.point, pc.direction)]
        assert tied(pc.point, pc.pair) and tied(mid, pc.pair)
    # Euler on the (connected) tropical curve closed by one vertex at infinity, where the rays end:
    # faces = edges - vertices + 2, and the faces are the regions, one per upper-hull vertex.
    V = len(p.upper_hull())
    edges = sum(pc.kind in ("segment", "ray") for pc in pieces)
    assert p.count_regions() == edges - (V + 1) + 2


# --- zonotopes ------------------------------------------------------------------------------------

def zonotope_count(m, D):
    return 2 * sum(comb(m - 1, j) for j in range(D))


@pytest.mark.parametrize("m,D", [(4, 2), (4, 3), (6, 3), (5, 4), (3, 3)])
def test_zonotope_generic_vertex_count(m, D):
    z = tropgeom.tropical.zonotope(np.random.default_rng(m * 10 + D).normal(size=(m, D)))
    assert z.count_vertices() == zonotope_count(m, D) == len(z.vertices(exact=True))
    assert z.generators.shape == (m, D)


def test_permutohedron_and_square():
    G = [np.eye(4)[i] - np.eye(4)[j] for i, j in itertools.combinations(range(4), 2)]
    assert tropgeom.tropical.zonotope(G).count_vertices() == 24
    sq = tropgeom.tropical.zonotope([[1, 0], [0, 1], [1, 0]])  # parallel generators merge
    assert [tuple(v) for v in sq.vertices(exact=True)] == [(0, 0), (0, 1), (2, 0), (2, 1)]


@pytest.mark.parametrize("d,n", [(1, 4), (2, 5), (3, 5)])
def test_lifted_zonotope_upper_vertices(d, n):
    z = tropgeom.tropical.zonotope(np.random.default_rng(n).normal(size=(n, d + 1)))
    assert len(z.upper_vertices(exact=True)) == nets.zaslavsky(d, n)


@pytest.mark.parametrize("d,n,seed", [(2, 5, 0), (2, 6, 1), (3, 4, 2), (1, 5, 3)])
def test_one_layer_zonotopes_are_the_newton_polytopes(d, n, seed):
    net = nets.one_layer(d, n, seed, out=2)
    for (PF, PG), m in zip(tropgeom.tropical.one_layer_zonotopes(net), tropicalize(net)):
        for Z, poly in ((PF, m.numerator), (PG, m.denominator)):
            lifted = np.hstack([poly.exponents, poly.coefficients[:, None]])
            assert sorted(map(tuple, Z.upper_vertices(exact=True))) == sorted(map(tuple, lifted))
            flat = tropgeom.tropical.zonotope(Z.generators[:, :d], Z.offset[:d])
            assert [tuple(v) for v in flat.vertices(exact=True)] == [tuple(v) for v in poly.newton_polytope(exact=True)]
        assert len(PF.generators) + len(PG.generators) == n


# --- linear regions: the tropical side against the region engine -----------------------------------

@pytest.mark.parametrize("d,widths,seed", [(2, [4], 0), (2, [5], 1), (2, [3, 3], 2), (2, [4, 3], 3), (2, [5, 4], 4),
                                           (1, [4, 3], 5), (3, [4], 6)])
def test_linear_regions_match_region_engine(d, widths, seed):
    net = nets.deep_random(d, widths, seed=seed)
    (m,) = tropicalize(net)
    assert tropgeom.tropical.linear_regions(m) == tropgeom.regions(net, kind="linear").count


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_linear_regions_with_monomial_pairs_are_the_nets_linear_regions(name):
    net = GALLERY[name]()
    for o, m in enumerate(tropicalize(net)):
        single = tropgeom.Network(net.exact_layers[:-1] + [tuple(a[o:o + 1] for a in net.exact_layers[-1])], relu=net.relu)
        want = tropgeom.regions(single, kind="linear")
        pieces = m.linear_regions(threads=1)
        assert pieces.count == tropgeom.tropical.linear_regions(m) == want.count
        if net.output_dim == 1:
            assert want.count == tropgeom.regions(net, kind="linear").count
        # at each member's interior point the pair's monomials are F's and G's maxima, and F - G is
        # one affine map on the linear region
        P = pieces.regions.activation.interior_points(exact=True)
        for i, members in enumerate(pieces.regions.members):
            maps = set()
            for k in members:
                x = P[k]
                f = [m.numerator.coefficients[j] + np.dot(m.numerator.exponents[j], x) for j in range(len(m.numerator))]
                g = [m.denominator.coefficients[j] + np.dot(m.denominator.exponents[j], x) for j in range(len(m.denominator))]
                pair = (f.index(max(f)), g.index(max(g)))
                assert pair in pieces.pairs[i]
                maps.add(tuple(m.numerator.exponents[pair[0]] - m.denominator.exponents[pair[1]])
                         + (m.numerator.coefficients[pair[0]] - m.denominator.coefficients[pair[1]],))
            assert len(maps) == 1
    rebuilt = TropicalRational(m.numerator, m.denominator)  # no net: the cell walk
    again = rebuilt.linear_regions()
    assert rebuilt == m and again.count == pieces.count and sorted(again.pairs) == sorted(pieces.pairs)
    _check_map_cells(rebuilt, again)


def _check_map_cells(T, pieces, points=20, seed=0):
    """The geometry of a map's cells (MapCells) against brute force: at each cell's exact interior
    point the cell's pair is the unique maximum of F and of G, strictly inside its H-representation;
    the region's affine map is F - G there; every pair of unique maxima at random rational points is
    a cell (the cells cover R^d); the cells of each region are its pairs."""
    from tropgeom.tropical import MapCells
    mc = pieces.regions
    assert isinstance(mc, MapCells) and len(mc) == mc.count == pieces.count
    assert len(set(mc.cells)) == len(mc.cells) == sum(len(m) for m in mc.members)
    for r, m in enumerate(mc.members):
        assert tuple(sorted(mc.cells[int(c)] for c in m)) == pieces.pairs[r]
    Fp, Gp = T.numerator, T.denominator

    def tops(x):
        f = [Fp.coefficients[k] + np.dot(Fp.exponents[k], x) for k in range(len(Fp))]
        g = [Gp.coefficients[k] + np.dot(Gp.exponents[k], x) for k in range(len(Gp))]
        return f, g

    P = mc.cell_points(exact=True)
    J, c = mc.affine_maps(exact=True)
    for cell, (i, j) in enumerate(mc.cells):
        x = P[cell]
        f, g = tops(x)
        assert f.index(max(f)) == i and g.index(max(g)) == j and f.count(max(f)) == g.count(max(g)) == 1
        A, b = mc.halfspaces(cell, exact=True)
        assert all(np.dot(a, x) < h for a, h in zip(A, b))
        r = int(mc.label[cell])
        assert T.evaluate(x, exact=True) == np.dot(J[r, 0], x) + c[r, 0]
        assert tuple(Fp.exponents[i] - Gp.exponents[j]) == tuple(J[r, 0])
    assert (mc.interior_points(exact=True) == P[[int(m[0]) for m in mc.members]]).all()
    cells = set(mc.cells)
    for x in rational_points(np.random.default_rng(seed), points, T.dim):
        f, g = tops(x)
        if f.count(max(f)) == g.count(max(g)) == 1:
            assert (f.index(max(f)), g.index(max(g))) in cells


@pytest.mark.parametrize("seed", range(4))
def test_linear_regions_of_any_map_equal_the_old_tropical_path(seed):
    """Maps built from monomials: the cell walk (TropicalRational.linear_regions) against the two
    former paths, the region engine on the max-plus net (cells read off the tournament winners,
    glued; the net computes F - G) and the all-pairs LP count."""
    from tropgeom.tropical import _linear_pieces_reference, _linear_regions_reference, _max_plus_net
    rng = np.random.default_rng(seed)
    d = 1 + seed % 3
    T = TropicalRational(*(TropicalPolynomial(rng.integers(0, 4, size=(8, d)), rng.integers(-3, 4, size=8)) for _ in range(2)))
    walk = T.linear_regions()
    pieces = _linear_pieces_reference(T)
    assert walk.count == pieces.count == tropgeom.tropical.linear_regions(T) == _linear_regions_reference(T)
    assert sorted(walk.pairs) == sorted(pieces.pairs)
    _check_map_cells(T, walk, seed=seed)
    net, _ = _max_plus_net(T.numerator, T.denominator)
    X = rational_points(rng, 10, d)
    assert list(net.forward(X, exact=True)[:, 0]) == list(T.evaluate(X, exact=True))
    P = pieces.regions.activation.interior_points(exact=True)
    for members, pairs in zip(pieces.regions.members, pieces.pairs):  # the pair's monomials are the maxima there
        maps = set()
        for k in members:
            f = [T.numerator.coefficients[j] + np.dot(T.numerator.exponents[j], P[k]) for j in range(len(T.numerator))]
            g = [T.denominator.coefficients[j] + np.dot(T.denominator.exponents[j], P[k]) for j in range(len(T.denominator))]
            i, j = f.index(max(f)), g.index(max(g))
            assert (i, j) in pairs and f.count(max(f)) == g.count(max(g)) == 1
            maps.add(tuple(T.numerator.exponents[i] - T.denominator.exponents[j]) + (T.numerator.coefficients[i] - T.denominator.coefficients[j],))
        assert len(maps) == 1


@pytest.mark.parametrize("name", ["deep_2_4_4", "zero_bias", "one_layer_two_outputs", "deep_1_3_3_3"])
def test_linear_regions_after_a_json_round_trip_are_the_nets(name):
    net = GALLERY[name]()
    for o, m in enumerate(tropicalize(net)):
        back = TropicalRational.from_json(m.to_json())
        assert back._source is None
        want = m.linear_regions()
        got = back.linear_regions()
        assert tropgeom.tropical.linear_regions(back) == got.count == want.count
        assert sorted(got.pairs) == sorted(want.pairs)


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_the_cell_walk_of_a_reloaded_map_is_the_nets_linear_regions(name):
    """Every gallery net, every output: the map reloaded from JSON (no net) walks its cells; count and
    monomial pairs equal the net's linear regions (the region engine on the net itself) and the
    former path (the region engine on the max-plus net of the map)."""
    from tropgeom.tropical import _linear_cells, _linear_pieces_reference
    net = GALLERY[name]()
    for o, m in enumerate(tropicalize(net)):
        back = TropicalRational.from_json(m.to_json())
        want = m.linear_regions(threads=1)
        assert want.count == tropgeom.regions(_single_output(net, o), kind="linear").count
        got = back.linear_regions()
        assert tropgeom.tropical.linear_regions(back) == got.count == want.count
        assert sorted(_linear_cells(back)[2]) == sorted(got.pairs) == sorted(want.pairs)
        if name not in SLOW_MAX_PLUS:
            old = _linear_pieces_reference(back)
            assert old.count == got.count and sorted(old.pairs) == sorted(got.pairs)
        _check_map_cells(back, got, points=10)


# the former path's max-plus net of this d = 3 map (54 + 53 monomials) takes ~2 CPU min per output;
# there the net's own linear regions are the oracle (and the max-plus path on every other gallery net)
SLOW_MAX_PLUS = {"deep_3_5_4_two_outputs"}


def _single_output(net, o):
    return tropgeom.Network(net.exact_layers[:-1] + [tuple(a[o:o + 1] for a in net.exact_layers[-1])], relu=net.relu)


def _walk_against_references(T):
    """The walk (count, per-region pairs, cell geometry) == the max-plus net's pieces == the
    all-pairs LP path."""
    from tropgeom.tropical import _linear_cells, _linear_pieces_reference, _linear_regions_reference
    cells, label, pairs = _linear_cells(T)
    walk = T.linear_regions(threads=1)
    pieces = _linear_pieces_reference(T)
    assert len(pairs) == walk.count == pieces.count == _linear_regions_reference(T)
    assert sorted(pairs) == sorted(walk.pairs) == sorted(pieces.pairs)
    assert len(set(map(tuple, cells))) == len(cells)
    _check_map_cells(T, walk, points=10)
    return len(pairs)


@pytest.mark.parametrize("seed", range(8))
def test_the_cell_walk_equals_both_references_on_random_maps(seed):
    rng = np.random.default_rng(100 + seed)
    d = 1 + seed % 4
    k = (10, 9, 7, 6)[d - 1]
    # small integer data: many ties (monomials whose cell is a point, a segment or empty, lifted points
    # on common faces), the walk's weakly redundant rows
    T = TropicalRational(*(TropicalPolynomial(rng.integers(0, 3, size=(k, d)), rng.integers(-2, 3, size=k))
                           for _ in range(2)))
    _walk_against_references(T)


def test_the_cell_walk_on_degenerate_maps():
    p = TropicalPolynomial([[0], [1]], [0, 0])  # relu
    # repeated monomials and equal exponents (merged by the max), a monomial strictly below (empty
    # cell), one whose cell is the single point x = 0 (on the segment between its neighbours)
    F_ = TropicalPolynomial([[0, 0], [0, 0], [2, 0], [2, 0], [1, 0], [1, 1], [0, 2], [1, 1]],
                            [0, -5, 0, 1, 0, -9, 0, -1])
    G_ = TropicalPolynomial([[0, 0], [1, 0], [0, 1], [F(1, 2), F(1, 2)]], [0, 0, 0, -7])
    for T, n in ((TropicalRational(p, p), 1), (TropicalRational(p * p, p), 2), (TropicalRational(p, p * p * p), 2)):
        assert _walk_against_references(T) == n
    _walk_against_references(TropicalRational(F_, G_))
    one = TropicalPolynomial([[3, 1]], [7])  # one monomial a side: one affine map on R^2
    assert _walk_against_references(TropicalRational(one, one * 2)) == 1
    # 1e300 coefficients, exponents 2^-1200 (the float filter off: every decision exact)
    big = TropicalRational(TropicalPolynomial([[0, 0], [1, 0], [0, 1]], [0, 1e300, -1e300]),
                           TropicalPolynomial([[0, 0], [1, 1]], [1e300, 0]))
    _walk_against_references(big)
    tiny = F(2) ** -1200  # the map scaled by 2^-1200 (exponents and coefficients): s (F - G)(x), same regions
    T = TropicalRational(TropicalPolynomial([[0, 0], [tiny, 0], [0, tiny], [tiny, tiny]], [0, 0, 0, -tiny]),
                         TropicalPolynomial([[0, 0], [tiny, 2 * tiny]], [tiny, 0]))
    assert _walk_against_references(T) == _walk_against_references(
        TropicalRational(TropicalPolynomial([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0, 0, -1]),
                         TropicalPolynomial([[0, 0], [1, 2]], [1, 0])))


def test_the_cell_walk_of_a_bench_net_is_its_linear_regions():
    net = nets.deep_random(2, [8, 8], 0)
    (m,) = tropicalize(net)
    back = TropicalRational.from_json(m.to_json())
    assert tropgeom.tropical.linear_regions(back) == tropgeom.regions(net, kind="linear").count


def test_polynomial_regions_h_rep_bounded_and_volume():
    # max(0, x, y, x + y - 1 + 3/2, ...): the unit square's four corners lifted, plus the centre up high
    p = TropicalPolynomial([[0, 0], [1, 0], [0, 1], [1, 1], [F(1, 2), F(1, 2)], [F(1, 4), F(1, 4)]],
                           [0, 0, 0, 0, 1, -5])
    cells = p.regions(tropgeom.Box(-4, 4), exact=True)
    # sorted exponents: (0,0) (0,1) (1/4,1/4) (1/2,1/2) (1,0) (1,1); (1/4, 1/4) is below the upper hull
    assert [c.monomial for c in cells] == [0, 1, 3, 4, 5]
    assert [c.bounded for c in cells] == [False, False, True, False, False]
    assert sum(c.volume for c in cells) == 64  # the regions tile the box
    centre = cells[2]  # where 1 + (x + y)/2 is the max: |x + y| <= 2, |x - y| <= 2, a diamond of area 8
    assert centre.volume == 8
    rng = np.random.default_rng(0)
    for x in rational_points(rng, 30, 2):
        vals = [p.coefficients[i] + np.dot(p.exponents[i], x) for i in range(len(p))]
        inside = [c.monomial for c in cells if all(np.dot(c.A, x) <= c.b)]
        assert inside and all(vals[i] == max(vals) for i in inside)
    floats = p.regions()
    assert floats[0].volume is None and floats[2].A.dtype == np.float64
    np.testing.assert_array_equal(floats[2].A, cells[2].A.astype(float))


@pytest.mark.parametrize("D", [1, 2, 3, 4])
def test_exact_hulls_equal_the_pruner(D):
    """Newton / lifted polytope vertices (CGAL's exact hulls for affine dimension <= 3) against the
    LP pruner, on grids with many points on edges and faces, and on flat (lower-dimensional) sets."""
    rng = np.random.default_rng(D)
    for pts in (rng.integers(0, 4, size=(60, D)),  # many points on faces and edges
                np.hstack([rng.integers(0, 5, size=(40, 1)), np.zeros((40, D - 1), dtype=int)]) if D > 1 else rng.integers(0, 5, size=(40, 1)),
                np.array([[F(int(a), 3) for a in r] for r in rng.integers(-9, 9, size=(30, D))], dtype=object)):
        p = TropicalPolynomial(pts, np.zeros(len(pts)))
        want = p.prune().exponents  # vertices of conv: strict maxima of linear forms
        got = p.newton_polytope(exact=True)
        assert got.tolist() == want.tolist()
    q = random_poly(rng, 50, D)
    lifted = np.hstack([q.exponents, q.coefficients[:, None]])
    assert q.lifted_polytope(exact=True).tolist() == TropicalPolynomial(lifted, np.zeros(len(lifted))).prune().exponents.tolist()


@pytest.mark.parametrize("D", [4, 5])
def test_hulls_in_high_dimension_closed_forms(D):
    """The pruner past CGAL's hulls (float LPs, exact certificates) on the grid {0..3}^D, every point
    on a face: conv has the 2^D corners as vertices; lifted to a strictly concave height (-|x|^2)
    every point is an upper vertex, to a convex one (+|x|^2) only the corners (and every point is
    a vertex of the whole lifted polytope)."""
    grid = np.array(list(itertools.product(range(4), repeat=D)))
    corners = sorted(tuple(r) for r in grid if set(r) <= {0, 3})
    sq = (grid ** 2).sum(axis=1)
    flat = TropicalPolynomial(grid, np.zeros(len(grid)))
    assert sorted(map(tuple, flat.newton_polytope().astype(int))) == corners
    assert len(TropicalPolynomial(grid, -sq).prune()) == len(grid)
    assert sorted(map(tuple, TropicalPolynomial(grid, sq).prune().exponents)) == corners
    assert len(TropicalPolynomial(grid, sq).lifted_polytope()) == len(grid)  # all on a strictly convex lift


@pytest.mark.parametrize("seed", range(3))
def test_prune_in_3_and_4_variables_equals_brute_force(seed):
    """Degenerate lifts (small integer exponents and coefficients: ties, points on faces) decided
    by float LPs with exact certificates agree with the brute-force Caratheodory oracle."""
    rng = np.random.default_rng(seed)
    d = 3 + seed % 2
    p = TropicalPolynomial(rng.integers(0, 3, size=(14, d)), rng.integers(-1, 2, size=14))
    assert [tuple(p.exponents[i]) for i in brute_upper_vertices(p)] == [tuple(r) for r in p.prune().exponents]


def test_hull_of_thousands_of_points_in_3d_is_fast():
    import time
    rng = np.random.default_rng(0)
    p = TropicalPolynomial(rng.integers(0, 60, size=(4000, 2)), rng.normal(size=4000))
    t = time.perf_counter()
    V = p.lifted_polytope(exact=True)
    assert time.perf_counter() - t < 2.0
    X = rng.normal(size=(200, 3))  # every linear form is maximised over the points at a vertex
    pts = np.hstack([p.exponents, p.coefficients[:, None]]).astype(float)
    np.testing.assert_allclose((pts @ X.T).max(axis=0), (V.astype(float) @ X.T).max(axis=0))


def test_plot_of_a_map_draws_its_linear_regions_and_both_curves():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tropgeom.plot import plot_tropical
    (m,) = tropicalize(nets.deep_random(2, [3, 3], 0))
    fig, ax = plt.subplots()
    plot_tropical(m, ax, what="regions", view=((-3, 3), (-3, 3)))
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()]
    assert colours.count(matplotlib.colors.to_hex("C0")) == len(m.numerator.hypersurface())
    assert colours.count(matplotlib.colors.to_hex("C3")) == len(m.denominator.hypersurface())
    assert ax.get_title().startswith(f"{tropgeom.tropical.linear_regions(m)} linear regions")
    plt.close(fig)
    back = TropicalRational.from_json(m.to_json())  # no net: its cells (MapCells), the same count
    fig, ax = plt.subplots()
    plot_tropical(back, ax, what="regions", view=((-3, 3), (-3, 3)))
    assert ax.get_title().startswith(f"{tropgeom.tropical.linear_regions(m)} linear regions")
    polys = [q for g in back.linear_regions().regions.polygons(((-3, 3), (-3, 3))) for q in g if len(q) >= 3]
    area = sum(0.5 * abs(np.dot(q[:, 0], np.roll(q[:, 1], 1)) - np.dot(q[:, 1], np.roll(q[:, 0], 1))) for q in polys)
    assert area == pytest.approx(36.0)  # the cells tile the view
    plt.close(fig)
    with pytest.raises(InputError, match="regions"):
        plot_tropical(m, what="newton")


def test_short_reprs():
    (m,) = tropicalize(nets.deep_random(2, [4, 4], 0))
    assert repr(m) == f"TropicalRational(F: {len(m.numerator)} monomials, G: {len(m.denominator)}, d=2)"
    assert repr(m.numerator) == f"TropicalPolynomial({len(m.numerator)} monomials, d=2)"
    assert repr(TropicalPolynomial([[1], [0]], [0, 0])) == "TropicalPolynomial(max(x1, 0), d=1)"


def test_linear_regions_closed_forms():
    net = nets.one_layer(2, 5, 0, out_weights=[[1.0, -1.0, 0.5, 0.0, 2.0]])  # one dead output weight
    (m,) = tropicalize(net)
    assert tropgeom.tropical.linear_regions(m) == nets.zaslavsky(2, 4)
    p = TropicalPolynomial([[1], [0]], [0, 0])
    assert tropgeom.tropical.linear_regions(TropicalRational(p, p)) == 1  # F - F = 0
    assert tropgeom.tropical.linear_regions(TropicalRational(p * p, p)) == 2  # relu(x)


def test_depth4_forward_pass():
    rng = np.random.default_rng(4)
    net = random_net(rng, 2, [3, 3, 3, 3])
    X = rational_points(rng, 20, 2)
    (m,) = tropicalize(net)
    assert list(m.evaluate(X, exact=True)) == list(net.forward(X, exact=True)[:, 0])


# --- CLI ------------------------------------------------------------------------------------------

def test_cli_tropical_counts_and_json(tmp_path, capsys):
    from tropgeom.cli import main
    path, out = str(tmp_path / "net.npz"), str(tmp_path / "trop.json")
    nets.one_layer(2, 5, 0, out_weights=np.ones((1, 5))).save(path)
    assert main(["tropical", path, "--json", out]) == 0
    text = capsys.readouterr().out
    # F: 2^5 products prune to sum_{j<=2} C(5, j) = 16; N(F) is a zonotope with 5 generators in R^2
    assert "F has 16 monomials, G has 1 (unpruned 32 and 1); N(F) = 10 vertices, N(G) = 1 vertices" in text
    row = json.loads(open(out).read())["result"]["outputs"][0]  # the CLI envelope
    assert (row["F_monomials"], row["F_monomials_unpruned"], row["N(F)"], row["N(G)"]) == (16, 32, 10, 1)
    assert TropicalPolynomial.from_json(row["map"]["numerator"]).count_regions() == 16


def test_cli_tropical_prints_small_polynomials(tmp_path, capsys):
    from tropgeom.cli import main
    path = str(tmp_path / "relu.npz")
    tropgeom.Network([([[1.0], [1.0]], [0.0, -1.0]), ([[1.0, -2.0]], [0.0])]).save(path)  # relu(x) - 2 relu(x - 1)
    assert main(["tropical", path, "--no-prune"]) == 0
    text = capsys.readouterr().out
    assert "(unpruned)" in text and "F has 2 monomials, G has 2; N(F) = 2 vertices, N(G) = 2 vertices" in text
    assert "F = max(x1, 0)" in text and "G = max(-2 + 2x1, 0)" in text


# --- extreme magnitudes: decided exactly, never a hang --------------------------------------------
# (Each call carries a budget: a regression to the old endless loop fails with BudgetExceeded.)

def test_prune_of_exponents_below_the_double_range():
    """2**-1200 rounds to 0 in double: the float filter must not decide.  Two distinct lifted points
    in R^1 x R are both upper-hull vertices; the breakpoint is where 0 = 2^-600 + 2^-1200 x."""
    p = TropicalPolynomial([[0], [F(2) ** -1200]], [0, F(2) ** -600])
    q = p.prune(max_seconds=20)
    assert q == p and len(q) == 2
    assert q.hypersurface(exact=True, max_seconds=20) == [-F(2) ** 600]
    assert q.hypersurface() == [float(-F(2) ** 600)]
    assert q.evaluate([-F(2) ** 600 - 1], exact=True) == 0                   # left of it: the constant
    assert q.evaluate([-F(2) ** 600 + 1], exact=True) == F(2) ** -1200       # right of it: the other


def test_tropicalize_of_tiny_weights_is_the_scaled_map():
    """Weights s = 2^-530 (~ 3e-160) and second-layer biases times s^2 = 2^-1060 (subnormal, exact)
    give f_s = s^2 f exactly, so F_s, G_s are F, G with every exponent and coefficient times s^2."""
    s = 2.0 ** -530
    W1, b1 = np.array([[1.0, -2.0], [0.5, 1.5], [-1.0, 0.25]]), np.array([0.5, -0.25, 1.0])
    W2, b2 = np.array([[1.0, -1.5, 2.0]]), np.array([0.375])
    base = tropgeom.Network([(W1, b1), (W2, b2)])
    tiny = tropgeom.Network([(W1 * s, b1 * s), (W2 * s, b2 * s * s)])
    (T,), (U,) = tropicalize(base), tropicalize(tiny, max_seconds=20)
    S = F(s) ** 2
    for P, Q in ((T.numerator, U.numerator), (T.denominator, U.denominator)):
        assert len(P) == len(Q) and (Q.exponents == P.exponents * S).all() and (Q.coefficients == P.coefficients * S).all()
    X = rational_points(np.random.default_rng(0), 20, 2)
    assert list(U.evaluate(X, exact=True)) == list(tiny.forward(X, exact=True)[:, 0])


def test_tropicalize_of_weights_1e_160_equals_the_forward_pass():
    net = nets.deep_random(2, [3, 3], 1)
    tiny = tropgeom.Network([(W * 1e-160, b * 1e-160) for W, b in net.layers])
    (T,) = tropicalize(tiny, max_seconds=20)
    X = rational_points(np.random.default_rng(1), 20, 2)
    assert list(T.evaluate(X, exact=True)) == list(tiny.forward(X, exact=True)[:, 0])
    assert tropgeom.tropical.linear_regions(T, max_seconds=20) == tropgeom.tropical.linear_regions(tropicalize(net)[0])


def test_mixed_scales_prune_keeps_the_function():
    rng = np.random.default_rng(1)
    E = rng.integers(0, 4, size=(60, 3)) * rng.choice([1.0, 2.0 ** -1070, 1e300, 1e-300], size=(60, 3))
    c = rng.normal(size=60) * rng.choice([1.0, 5e-324, 1e300], size=60)
    p = TropicalPolynomial(E, c)
    q = p.prune(max_seconds=20)
    assert set(map(tuple, q.exponents)) <= set(map(tuple, p.exponents))
    X = np.vstack([rng.normal(size=(40, 3)), rng.normal(size=(20, 3)) * 1e300, rng.normal(size=(20, 3)) * 1e-300])
    assert (p.evaluate(X, exact=True) == q.evaluate(X, exact=True)).all()
    # every kept monomial is the unique maximum somewhere: its count cannot drop on a second prune
    assert q.prune(max_seconds=20) == q


# --- the seam: float64 straight to the core, exact values kept exact ---------------------------------

def test_float64_and_exact_inputs_give_the_same_polynomial():
    rng = np.random.default_rng(2)
    E, c = rng.integers(0, 9, size=(200, 3)) / 4.0, rng.normal(size=200)
    p = TropicalPolynomial(E, c)
    q = TropicalPolynomial([[F(v) for v in row] for row in E], [F(v) for v in c])
    assert p == q
    big = TropicalPolynomial([[2 ** 70], [0]], [F(1, 3), 2 ** 60 + 1])  # ints above 2**53 stay exact
    assert big.exponents[1, 0] == 2 ** 70 and big.coefficients[1] == F(1, 3) and big.coefficients[0] == 2 ** 60 + 1


def test_float64_rows_are_merged_exactly_like_fractions():
    """The float64 fast path (ordered and merged in double before conversion) equals the Fraction
    path: duplicate rows merged by the max, -0.0 is 0, unsorted input."""
    rng = np.random.default_rng(3)
    E = rng.integers(-3, 4, size=(3000, 3)).astype(float)
    E[::7] = -0.0 * E[::7]
    c = rng.normal(size=3000)
    fast = TropicalPolynomial(E, c)
    slow = TropicalPolynomial(np.array([[F(a) for a in r] for r in E], dtype=object), [F(v) for v in c])
    assert fast == slow and len(fast) < 3000
    best = {}
    for r, v in zip(map(tuple, E + 0.0), c):
        best[r] = max(best.get(r, -np.inf), v)
    assert dict(zip(map(tuple, fast.exponents.astype(float)), fast.coefficients.astype(float))) == best


def test_float_views_are_the_exact_values_rounded():
    rng = np.random.default_rng(3)
    p = random_poly(rng, 30, 2)
    X = rational_points(rng, 10, 2)
    assert np.array_equal(p.evaluate(X), np.array([float(v) for v in p.evaluate(X, exact=True)]))
    for f in (p.newton_polytope, p.lifted_polytope):
        assert np.array_equal(f(), np.vectorize(float)(f(exact=True)).astype(np.float64))
    z = tropgeom.zonotope([[1, F(1, 3)], [F(2, 7), 1], [1, 1]])
    assert z.vertices().dtype == np.float64 and np.array_equal(z.vertices(), np.vectorize(float)(z.vertices(exact=True)))
    T = TropicalRational(p, random_poly(rng, 10, 2))
    assert np.array_equal(T.evaluate(X), np.array([float(v) for v in T.evaluate(X, exact=True)]))
    q = random_poly(rng, 8, 2, den=7)
    assert [f.normal for f in q.upper_hull()] == [tuple(map(float, f.normal)) for f in q.upper_hull(exact=True)]
    rounded = [tuple(None if t is None else tuple(map(float, t)) for t in (pc.point, pc.end, pc.direction))
               for pc in q.hypersurface(exact=True)]
    assert [(pc.point, pc.end, pc.direction) for pc in q.hypersurface()] == rounded
    # the core's float view rounds to nearest (ties to even), like float(Fraction); beyond the range: inf
    tiny, top = F(2) ** -1074, F(2) ** 1024
    for v in (F(1, 3), F(-2, 3), tiny / 3, tiny * F(3, 4), tiny / 2, tiny * F(3, 2), tiny * F(5, 2),
              top - F(2) ** 970, top - F(2) ** 970 - 1, -top, F(10) ** 400):
        got = TropicalPolynomial([[0]], [v]).evaluate([0.0])
        try:
            want = float(v)
        except OverflowError:
            want = np.inf if v > 0 else -np.inf
        assert got == want, v


# --- pickle and JSON -------------------------------------------------------------------------------

def test_pickle_and_json_round_trips():
    import pickle
    rng = np.random.default_rng(4)
    p = random_poly(rng, 12, 2)
    p.upper_hull()  # computed state must not break pickling
    (T,) = tropicalize(nets.deep_random(2, [3, 2], 0))
    T.evaluate([[F(1, 3), 2]], exact=True)
    z = tropgeom.zonotope([[1, F(1, 3)], [F(2, 7), 1]], offset=[F(1, 2), 0])
    z.vertices(exact=True)
    for x, cls in ((p, TropicalPolynomial), (T, TropicalRational), (z, tropgeom.Zonotope)):
        assert pickle.loads(pickle.dumps(x)) == x
        assert cls.from_json(x.to_json()) == x
        assert json.loads(x.to_json())["schema_version"] == 1
    assert pickle.loads(pickle.dumps(z)).count_vertices() == z.count_vertices()


@pytest.mark.parametrize("text", ["{", "[]", '{"type": "Zonotope"}', '{"type": "TropicalPolynomial", "schema_version": 2}',
                                  '{"type": "TropicalPolynomial", "schema_version": 1, "dim": 1}',
                                  '{"type": "TropicalPolynomial", "schema_version": 1, "dim": 1, "exponents": [["x"]], "coefficients": ["0"]}'])
def test_from_json_of_bad_text_is_an_input_error(text):
    with pytest.raises(InputError):
        TropicalPolynomial.from_json(text)
    with pytest.raises(InputError):
        TropicalRational.from_json(text)


# --- run contract: budgets and a real Ctrl-C -------------------------------------------------------

# name -> (set-up, the long call with {kw} for its budget arguments)
HEAVY = {
    "prune": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(20000, 4)), "
              "np.random.default_rng(1).normal(size=20000))", "p.prune({kw})"),
    "count_regions": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(20000, 4)), "
                      "np.random.default_rng(1).normal(size=20000))", "p.count_regions({kw})"),
    "upper_hull": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 40, size=(3000, 3)), "
                   "np.random.default_rng(1).normal(size=3000))", "p.upper_hull({kw})"),
    # d = 4: lifted points in R^5, past CGAL's exact hulls (d + 1 <= 3 takes milliseconds): the pruner,
    # whose every exact step is small (a certificate or an LP over a handful of rows)
    "lifted_polytope": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(20000, 4)), "
                        "np.random.default_rng(1).normal(size=20000))", "p.lifted_polytope({kw})"),
    "newton_polytope": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(20000, 4)), "
                        "np.zeros(20000))", "p.newton_polytope({kw})"),
    "dual_subdivision": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 40, size=(3000, 3)), "
                         "np.random.default_rng(1).normal(size=3000))", "p.dual_subdivision({kw})"),
    "monomial_regions": ("p = tg.TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(20000, 4)), "
                         "np.random.default_rng(1).normal(size=20000))", "p.regions({kw})"),
    "linear_pieces": ("import nets, scipy.sparse.csgraph; (m,) = tg.tropicalize(nets.deep_random(3, [18, 18, 18], 0))",
                      "m.linear_regions({kw})"),
    # a map without its net (400 + 400 monomials): the core's cell walk
    "linear_pieces_without_net": ("E = np.array([(a, b) for a in range(20) for b in range(20)])\n"
                                  "T = tg.TropicalRational(*(tg.TropicalPolynomial(E, -(E ** 2).sum(axis=1) / 4 + s * E[:, 0]) "
                                  "for s in (0, 1)))", "T.linear_regions({kw})"),
    "tropicalize": ("import nets; net = nets.deep_random(4, [24, 24], 0)", "tg.tropicalize(net, {kw})"),
    "tropicalize_expanded": ("import nets; net = nets.deep_random(3, [8, 8, 8], 0)", "tg.tropicalize(net, prune=False, {kw})"),
    "linear_regions": ("E = np.array([(a, b) for a in range(20) for b in range(20)])\n"
                       "T = tg.TropicalRational(*(tg.TropicalPolynomial(E, -(E ** 2).sum(axis=1) / 4 + s * E[:, 0]) "
                       "for s in (0, 1)))", "tg.tropical.linear_regions(T, {kw})"),
    "zonotope": ("z = tg.zonotope(np.random.default_rng(0).normal(size=(40, 5)))", "z.vertices({kw})"),
}


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_budget_stops_within_the_contract(name):
    import time
    setup, call = HEAVY[name]
    env = {"np": np, "tg": tropgeom}
    exec(setup, env)
    ticks = []
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        eval(call.format(kw="max_seconds=0.3, progress=ticks.append"), {**env, "ticks": ticks})
    took = time.monotonic() - t
    assert e.value.reason == "max_seconds"
    assert took < 0.3 + 0.2, took
    if name in ("prune", "count_regions"):  # the same function, partly pruned
        p, q = env["p"], e.value.partial
        X = np.random.default_rng(5).normal(size=(8, p.dim))
        assert len(q) <= len(p) and set(map(tuple, q.exponents)) <= set(map(tuple, p.exponents))
        assert (p.evaluate(X, exact=True) == q.evaluate(X, exact=True)).all()
    elif name == "tropicalize":  # the monomials of the regions found: a subset of the pruned ones
        (full,) = tropicalize(env["net"])
        (part,) = e.value.partial
        for a, b in ((part.numerator, full.numerator), (part.denominator, full.denominator)):
            assert 0 < len(a) <= len(b) and set(map(tuple, a.exponents)) <= set(map(tuple, b.exponents))
    else:
        assert e.value.partial is None
    assert ticks  # the progress callback was called on the way


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_ctrl_c_stops_with_budget_exceeded(name):
    from sigint import interrupt
    setup, call = HEAVY[name]
    check = ("len(partial) <= len(p) and partial(np.zeros(4)) == p(np.zeros(4))" if name in ("prune", "count_regions") else
             "len(partial) == 1 and len(partial[0].numerator) > 0" if name == "tropicalize" else "partial is None")
    words, latency = interrupt(setup, call.format(kw=""), check=check)
    assert words == ["stopped", "interrupted", "True"], words
    assert latency < 2.0


def test_a_progress_callback_that_raises_comes_back_as_its_exception():
    from tropgeom import polytope

    def boom(n):
        raise ValueError(f"boom at {n}")

    with pytest.raises(ValueError, match="boom"):
        heavy = TropicalPolynomial(np.random.default_rng(0).integers(0, 30, size=(5000, 4)), np.zeros(5000))
        heavy.prune(progress=boom)
    with pytest.raises(ValueError, match="boom"):
        polytope.volume(np.random.default_rng(0).normal(size=(30, 5)), np.ones(30), progress=boom)
    with pytest.raises(ValueError, match="boom"):
        tropicalize(nets.deep_random(2, [4, 4], 0), progress=boom)


EXTREMES = [5e-324, 1e-310, 2.0 ** -1060, 1e-200, 1e300, 1.7e308, F(2) ** -1200, F(10) ** 400, -1e300]


@pytest.mark.parametrize("v", EXTREMES, ids=str)
def test_extreme_entries_prune_to_the_same_function(v):
    p = TropicalPolynomial([[0, 1], [v, 0], [1, v], [1, 1]], [0, v, 1, v])
    q = p.prune(max_seconds=20)
    pts = np.array([[0, 0], [1, -1], [F(-1, 3), 2]] + [[v, 1], [1, v], [-v, v], [v, -v]], dtype=object)
    assert (p.evaluate(pts, exact=True) == q.evaluate(pts, exact=True)).all()
    for face in q.upper_hull(exact=True, max_seconds=20):  # at each normal (x, 1) exactly the face's monomials tie
        x = np.array(face.normal[:-1], dtype=object)
        vals = [q.coefficients[i] + sum(a * b for a, b in zip(q.exponents[i], x)) for i in range(len(q))]
        assert {i for i, w in enumerate(vals) if w == max(vals)} == set(face.monomials)


def test_rational_prune_stop_keeps_the_map():
    rng = np.random.default_rng(0)
    F_ = TropicalPolynomial(rng.integers(0, 30, size=(20000, 4)), rng.normal(size=20000))
    T = TropicalRational(F_, random_poly(rng, 20, 4))
    with pytest.raises(BudgetExceeded) as e:
        T.prune(max_seconds=0.2)
    part, X = e.value.partial, rng.normal(size=(8, 4))
    assert isinstance(part, TropicalRational) and (part.evaluate(X, exact=True) == T.evaluate(X, exact=True)).all()


# --- property: F - G is the forward pass on random small nets with degenerate weights --------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_weights = st.sampled_from([0.0, 0.0, 1.0, -1.0, 0.5, -2.0, 3.0, 2.0 ** -40, -(2.0 ** 40), 1e-160, 1e150])


@st.composite
def _small_nets(draw):
    d = draw(st.integers(1, 2))
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    layers, n_in = [], d
    for n_out in widths + [1]:
        W = np.array(draw(st.lists(_weights, min_size=n_out * n_in, max_size=n_out * n_in))).reshape(n_out, n_in)
        b = np.array(draw(st.lists(_weights, min_size=n_out, max_size=n_out)))
        layers.append((W, b))
        n_in = n_out
    return tropgeom.Network(layers)


@settings(max_examples=40, deadline=None)
@given(_small_nets(), st.booleans())
def test_property_tropical_map_is_the_forward_pass(net, prune):
    (T,) = tropicalize(net, prune=prune, max_seconds=20)
    d = net.input_dim
    X = np.array([[F(k, 3) - 1, F(-k, 5) + 2][:d] for k in range(-4, 5)] + [[F(10) ** 3] * d, [-F(2) ** -30] * d],
                 dtype=object)
    assert list(T.evaluate(X, exact=True)) == list(net.forward(X, exact=True)[:, 0])
    if prune:  # pruning changes nothing but sizes
        assert T.prune(max_seconds=20).evaluate(X, exact=True).tolist() == T.evaluate(X, exact=True).tolist()


@pytest.mark.parametrize("arch,slopes", [([2, 3, 2, 1], [F(1, 4), F(1, 3)]), ([2, 4, 3, 2], [0, F(1, 2)]),
                                         ([3, 3, 3, 1], [F(1, 100), F(1, 100)])])
def test_leaky_relu_nets_tropicalize_exactly(arch, slopes):
    # max(z, a z) with z = H - G' is max(H + a G', a H + G') - (1 + a) G': F - G is the LeakyReLU forward
    # pass, and reading the pieces off the regions gives the monomials of the pruned expansion.
    rng = np.random.default_rng(len(arch) + arch[1])
    layers = [(rng.normal(size=(o, i)).round(2), rng.normal(size=o).round(2)) for i, o in zip(arch, arch[1:])]
    net = tropgeom.Network(layers, negative_slopes=slopes, rationalize=100)
    maps = tropicalize(net)
    assert maps == _tropicalize_reference(net)
    X = np.array([[F(int(v), 7) for v in rng.integers(-20, 20, size=arch[0])] for _ in range(40)], dtype=object)
    Y = net.forward(X, exact=True)
    for o, m in enumerate(maps):
        assert list(m.evaluate(X, exact=True)) == list(Y[:, o])
    relu = tropgeom.Network(layers, rationalize=100)
    assert [m.numerator for m in maps] != [m.numerator for m in tropicalize(relu)]  # the slope matters
