"""Exact vertices and volumes of polytopes (tropgeom.polytope) against closed forms, brute-force exact
vertex enumeration, scipy's Qhull (a float reference) and exact additivity over a dissection."""
import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest

from tropgeom.errors import InputError
from tropgeom.lp import Polyhedron
from tropgeom.polytope import vertices, volume


# --- helpers -------------------------------------------------------------------------------------

def box(lo, hi):
    d = len(lo)
    A = [[(1 if j == i else 0) * s for j in range(d)] for s in (1, -1) for i in range(d)]
    return A, list(hi) + [-v for v in lo]


def cube(d):
    return box([0] * d, [1] * d)


def cross_polytope(d):
    A = [list(s) for s in itertools.product((1, -1), repeat=d)]
    return A, [1] * len(A)


def vset(V):
    return {tuple(v) for v in V}


def frac(x):
    return x if isinstance(x, F) else F(x)


def brute_force_vertices(A, b):
    """All feasible solutions of d-subsets of the rows, in exact rationals (fine for tiny inputs)."""
    A = [[frac(v) for v in row] for row in A]
    b = [frac(v) for v in b]
    d = len(A[0])
    out = set()
    for rows in itertools.combinations(range(len(A)), d):
        T = [A[i][:] + [b[i]] for i in rows]
        for c in range(d):  # Gauss-Jordan
            p = next((i for i in range(c, d) if T[i][c] != 0), None)
            if p is None:
                break
            T[c], T[p] = T[p], T[c]
            for i in range(d):
                if i != c and T[i][c] != 0:
                    f = T[i][c] / T[c][c]
                    T[i] = [x - f * y for x, y in zip(T[i], T[c])]
        else:
            x = tuple(T[i][d] / T[i][i] for i in range(d))
            if all(sum(a * xi for a, xi in zip(row, x)) <= bi for row, bi in zip(A, b)):
                out.add(x)
    return out


def random_polytope(rng, d, m):
    """m random half-spaces a.x <= b with 0 strictly inside; None if they leave P unbounded."""
    A, b = rng.normal(size=(m, d)), rng.uniform(0.5, 1.5, size=m)
    try:
        vertices(A, b, exact=True)
    except InputError:
        return None
    return A, b


# --- closed forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_unit_cube(d):
    A, b = cube(d)
    V = vertices(A, b, exact=True)
    assert V.shape == (2 ** d, d) and V.dtype == object
    assert vset(V) == set(itertools.product((F(0), F(1)), repeat=d))
    assert volume(A, b, exact=True) == 1 and isinstance(volume(A, b, exact=True), F)


def test_boxes_with_rational_and_float_sides():
    lo, hi = [F(-1, 3), F(2), F(0)], [F(1, 7), F(5, 2), F(3, 11)]
    assert volume(*box(lo, hi), exact=True) == math.prod(h - l for l, h in zip(lo, hi))
    lo, hi = [0.1, -0.3], [0.7, 2.5]  # floats are their exact dyadic values
    assert volume(*box(lo, hi), exact=True) == (F(0.7) - F(0.1)) * (F(2.5) - F(-0.3))


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 6])
def test_standard_simplex(d):
    A = np.vstack([-np.eye(d), np.ones((1, d))])
    b = [0] * d + [1]
    assert volume(A, b, exact=True) == F(1, math.factorial(d))
    assert len(vertices(A, b, exact=True)) == d + 1


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_cross_polytope_non_simple_vertices(d):
    A, b = cross_polytope(d)  # every vertex lies on 2^(d-1) facets
    assert volume(A, b, exact=True) == F(2 ** d, math.factorial(d))
    unit = {tuple(F(s) if j == i else F(0) for j in range(d)) for i in range(d) for s in (1, -1)}
    assert vset(vertices(A, b, exact=True)) == unit


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_cube_cut_through_vertices_irwin_hall(d):
    # [0,1]^d with sum x <= k: the cut passes through C(d, k) cube vertices; the volume is the
    # Irwin-Hall distribution function at k.
    A, b = cube(d)
    for k in range(1, d):
        exact = sum((-1) ** j * math.comb(d, j) * F(k - j) ** d for j in range(k + 1)) / math.factorial(d)
        assert volume(A + [[1] * d], b + [k], exact=True) == exact


def test_square_cut_obliquely_through_a_vertex():
    A, b = cube(2)
    assert volume(A + [[1, 2]], b + [2], exact=True) == F(3, 4)  # cuts off the triangle (0,1), (1,1/2), (1,1)
    assert vset(vertices(A + [[1, 2]], b + [2], exact=True)) == {(0, 0), (1, 0), (1, F(1, 2)), (0, 1)}


@pytest.mark.parametrize("n", [3, 4, 5])
def test_permutohedron(n):
    # sum_{i in S} x_i >= |S|(|S|+1)/2 for proper subsets S, x_n eliminated by sum x = n(n+1)/2:
    # n! vertices (the permutations), projected volume n^(n-2) (Cayley: spanning trees of K_n).
    total, A, b = n * (n + 1) // 2, [], []
    for r in range(1, n):
        for S in itertools.combinations(range(n), r):
            row = [-(i in S) + (n - 1 in S) for i in range(n - 1)]
            A.append(row)
            b.append(-r * (r + 1) // 2 + (n - 1 in S) * total)
    perms = {tuple(F(v) for v in p[:-1]) for p in itertools.permutations(range(1, n + 1))}
    assert vset(vertices(A, b, exact=True)) == perms
    assert volume(A, b, exact=True) == n ** (n - 2)


def test_polygon_with_duplicated_redundant_and_zero_rows():
    # The triangle x, y >= 0, 3x + 2y <= 6 stated clumsily.
    A = [[-1, 0], [0, -1], [3, 2], [3, 2], [F(3, 2), 1], [1, 0], [0, 1], [1, 1], [0, 0], [-1, 0]]
    b = [0, 0, 6, 6, 3, 2, 3, 3, 0, 0]
    assert volume(A, b, exact=True) == 3
    assert vset(vertices(A, b, exact=True)) == {(0, 0), (2, 0), (0, 3)}
    assert volume(A + [[0, 0]], b + [-1], exact=True) == 0  # 0 <= -1


def test_empty_and_lower_dimensional():
    A, b = cube(3)
    assert volume(A + [[1, 1, 1]], b + [-1], exact=True) == 0
    assert vertices(A + [[1, 1, 1]], b + [-1], exact=True).shape == (0, 3)
    assert volume([[1, 0], [-1, 0]], [0, -1], exact=True) == 0  # empty, no row bounds y
    face = (A + [[1, 1, 1]], b + [1])  # [0,1]^3 with x + y + z <= 1 and >= 1: a triangle
    face[0].append([-1, -1, -1])
    face[1].append(-1)
    assert volume(*face, exact=True) == 0
    assert vset(vertices(*face, exact=True)) == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}
    assert vset(vertices(A + [[1, 1, 1]], b + [0], exact=True)) == {(0, 0, 0)}


def test_unbounded_raises():
    with pytest.raises(InputError, match="unbounded"):
        volume([[-1, 0], [0, -1]], [0, 0], exact=True)
    with pytest.raises(InputError, match="unbounded"):
        vertices([[1, 0], [-1, 0]], [1, 1], exact=True)  # a strip contains lines
    with pytest.raises(InputError, match="unbounded"):
        volume(np.zeros((0, 2)), [], exact=True)


def test_translation_and_scaling_are_exact():
    rng = np.random.default_rng(5)
    A, b = next(p for p in (random_polytope(rng, 3, 9) for _ in range(20)) if p)
    vol, V = volume(A, b, exact=True), vertices(A, b, exact=True)
    shift = [F(1, 3), F(-2, 7), F(5)]
    b_shift = [frac(bi) + sum(frac(a) * s for a, s in zip(row, shift)) for row, bi in zip(A, b)]
    assert volume(A, b_shift, exact=True) == vol
    assert vset(vertices(A, b_shift, exact=True)) == {tuple(x + s for x, s in zip(v, shift)) for v in V}
    assert volume(A, [frac(bi) * F(2, 3) for bi in b], exact=True) == vol * F(8, 27)
    assert volume(A * 4.0, b * 4.0, exact=True) == vol  # rows scaled by a positive factor


# --- references ----------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [2, 3])
def test_random_small_integer_polytopes_against_brute_force(d):
    # Small integer rows are full of ties: vertices on many facets, parallel and repeated rows.
    rng = np.random.default_rng(d)
    checked = 0
    for _ in range(40):
        A = rng.integers(-2, 3, size=(d + 5, d))
        b = rng.integers(0, 3, size=d + 5)
        try:
            V = vertices(A, b, exact=True)
        except InputError:
            continue
        assert vset(V) == brute_force_vertices(A.tolist(), b.tolist())
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("d", [2, 3, 4])
def test_random_against_qhull(d):
    spatial = pytest.importorskip("scipy.spatial")
    rng = np.random.default_rng(10 + d)
    checked = 0
    for _ in range(15):
        P = random_polytope(rng, d, 3 * d + 3)
        if P is None:
            continue
        A, b = P
        V = vertices(A, b, exact=True)
        Vf = V.astype(float)
        assert float(volume(A, b, exact=True)) == pytest.approx(spatial.ConvexHull(Vf).volume, rel=1e-9)
        hs = spatial.HalfspaceIntersection(np.hstack([A, -b[:, None]]), np.zeros(d))
        ref = np.unique(np.round(hs.intersections, 9), axis=0)  # Qhull repeats degenerate vertices
        ours = np.round(Vf, 9)
        assert len(ref) == len(ours) and np.allclose(ref[np.lexsort(ref.T[::-1])], ours[np.lexsort(ours.T[::-1])], atol=1e-8)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("d,cuts,concurrent", [(2, 5, False), (2, 4, True), (3, 4, False), (3, 4, True), (4, 3, False)])
def test_box_dissection_volumes_sum_exactly(d, cuts, concurrent):
    # The cells of [-1,1]^d cut by hyperplanes (all through one point when concurrent: a degenerate
    # arrangement) have exact volumes summing to 2^d; cells that are not full-dimensional have none.
    rng = np.random.default_rng(100 * d + cuts)
    H = [[F(int(v), int(w)) for v, w in zip(rng.integers(-5, 6, d), rng.integers(1, 4, d))] for _ in range(cuts)]
    c = [sum(h_j * p for h_j, p in zip(h, [F(1, 5)] * d)) if concurrent else F(int(rng.integers(-3, 4)), 4)
         for h in H]
    Ab, bb = box([-1] * d, [1] * d)
    total, cells = F(0), 0
    for signs in itertools.product((1, -1), repeat=cuts):
        A = [[F(v) for v in row] for row in Ab] + [[s * v for v in h] for s, h in zip(signs, H)]
        b = [F(v) for v in bb] + [s * ci for s, ci in zip(signs, c)]
        vol = volume(A, b, exact=True)
        if Polyhedron(np.array(A, dtype=object), np.array(b, dtype=object)).is_full_dimensional():
            assert vol > 0
            total += vol
            cells += 1
        else:
            assert vol == 0
    assert total == 2 ** d and cells > cuts


@pytest.mark.parametrize("d,widths", [(2, [6, 6]), (3, [5, 4])])
def test_activation_regions_of_a_network_tile_the_box(d, widths):
    # Cells as the region enumeration hands them over (float64 weights, exact rows of the deeper layer).
    import tropgeom as tg
    rng = np.random.default_rng(d)
    sizes = [d] + widths + [1]
    net = tg.Network([(rng.normal(size=(o, i)), rng.normal(size=o)) for i, o in zip(sizes, sizes[1:])])
    rs = tg.regions(net, tg.Box(-1, 1))
    vols = [volume(*rs.halfspaces(i), exact=True) for i in range(len(rs))]
    assert len(rs) > 20 and all(v > 0 for v in vols)
    assert sum(vols) == 2 ** d


# --- input validation ------------------------------------------------------------------------------

def test_input_validation_names_the_row():
    A, b = cube(2)
    with pytest.raises(InputError, match="A has a non-finite value \\(nan\\) at row 2, column 1") as e:
        volume(np.where(np.arange(8).reshape(4, 2) == 5, np.nan, A), b, exact=True)
    assert e.value.index == (2, 1)  # the entry at fault: (row, column)
    with pytest.raises(InputError, match="b has a non-finite value \\(inf\\) at index 3") as e:
        vertices(A, [1, 1, 0, np.inf], exact=True)
    assert e.value.index == 3
    with pytest.raises(InputError, match="b has shape"):
        volume(A, [1, 1, 1], exact=True)
    with pytest.raises(InputError, match="expected \\(rows, dim\\) with"):
        volume([1, 2, 3], [1], exact=True)
    with pytest.raises(InputError, match="dim >= 1"):
        vertices(np.zeros((1, 0)), [1], exact=True)


def test_fraction_object_arrays_and_lists():
    A, b = cube(2)
    Aq = np.array([[F(v) for v in row] for row in A], dtype=object)
    bq = np.array([F(1, 3) * v for v in b], dtype=object)
    assert volume(Aq, bq, exact=True) == F(1, 9)
    assert vset(vertices(Aq, bq, exact=True)) == {(0, 0), (0, F(1, 3)), (F(1, 3), 0), (F(1, 3), F(1, 3))}


# --- exact= rule, extreme magnitudes, run contract ---------------------------------------------------

def test_float_views_are_the_exact_values_rounded():
    A = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1]]
    b = [F(1, 3), F(2, 7), F(1, 11), F(1, 5), F(1, 2)]
    V = vertices(A, b, exact=True)
    assert vertices(A, b).dtype == np.float64 and np.array_equal(vertices(A, b), np.vectorize(float)(V).astype(float))
    assert volume(A, b) == float(volume(A, b, exact=True)) and isinstance(volume(A, b), float)


def test_extreme_magnitudes_are_exact():
    # a 2e300 x 1e-323 box (5e-324 is the smallest subnormal): both the volume and the vertices exact
    A = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    b = [1e300, 1e300, 5e-324, 5e-324]
    assert volume(A, b, exact=True) == 4 * F(1e300) * F(5e-324)
    assert vset(vertices(A, b, exact=True)) == {(sx * F(1e300), sy * F(5e-324)) for sx in (1, -1) for sy in (1, -1)}
    # beyond the double range: exact Fractions, and the float view is inf
    big = F(10) ** 400
    assert volume(A, [big, big, 1, 1], exact=True) == 4 * big  # (2 big) x 2
    assert volume(A, [big, big, 1, 1]) == np.inf


def _cut_cube(d, m, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, d)), np.ones(m)


@pytest.mark.parametrize("fn", [volume, vertices])
def test_budget_stops_within_the_contract(fn):
    import time
    from tropgeom import BudgetExceeded
    A, b = _cut_cube(8, 40)
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        fn(A, b, max_seconds=0.3)
    assert e.value.reason == "max_seconds" and e.value.partial is None
    assert time.monotonic() - t < 0.5


@pytest.mark.parametrize("call", ["tg.polytope.volume(A, b)", "tg.polytope.vertices(A, b)"])
def test_ctrl_c_stops_with_budget_exceeded(call):
    from sigint import interrupt
    words, latency = interrupt("import tropgeom.polytope\nrng = np.random.default_rng(0)\n"
                               "A, b = rng.normal(size=(40, 8)), np.ones(40)", call, check="partial is None")
    assert words == ["stopped", "interrupted", "True"] and latency < 2.0
