"""Exact LP on rational polyhedra (tropgeom.Polyhedron) against hand-computed answers, exact vertex
enumeration and scipy's HiGHS."""
import itertools
from fractions import Fraction as F

import numpy as np
import pytest

import tropgeom
from tropgeom import InputError, Polyhedron


# --- helpers -------------------------------------------------------------------------------------

def frac_matrix(A):
    return [[F(v) if not isinstance(v, F) else v for v in row] for row in np.asarray(A, dtype=object)]


def frac_vector(b):
    return [F(v) if not isinstance(v, F) else v for v in np.asarray(b, dtype=object).ravel()]


def dot(a, x):
    return sum((ai * xi for ai, xi in zip(a, x)), F(0))


def slacks(A, b, x):
    """Exact b - A x, row by row (A, b taken as the exact rationals of their float entries)."""
    return [bi - dot(row, x) for row, bi in zip(frac_matrix(A), frac_vector(b))]


def solve_exact(M, r):
    """Solve the square system M y = r over Q by Gauss-Jordan; None if singular."""
    n = len(M)
    T = [list(M[i]) + [r[i]] for i in range(n)]
    for c in range(n):
        p = next((i for i in range(c, n) if T[i][c] != 0), None)
        if p is None:
            return None
        T[c], T[p] = T[p], T[c]
        for i in range(n):
            if i != c and T[i][c] != 0:
                f = T[i][c] / T[c][c]
                T[i] = [a - f * b for a, b in zip(T[i], T[c])]
    return [T[i][n] / T[i][i] for i in range(n)]


def vertex_max(A, b, c):
    """max c.x over the bounded polytope {A x <= b} by exact enumeration of all basic points."""
    Aq, bq, cq = frac_matrix(A), frac_vector(b), frac_vector(c)
    d = len(cq)
    best = None
    for rows in itertools.combinations(range(len(Aq)), d):
        x = solve_exact([Aq[i] for i in rows], [bq[i] for i in rows])
        if x is None or any(dot(a, x) > bi for a, bi in zip(Aq, bq)):
            continue
        v = dot(cq, x)
        best = v if best is None or v > best else best
    return best


def box(d, lo=-1.0, hi=1.0):
    A = np.vstack([np.eye(d), -np.eye(d)])
    b = np.concatenate([np.full(d, hi), np.full(d, -lo)])
    return A, b


# --- hand-made exact cases -------------------------------------------------------------------------

def test_unit_square_optima():
    A, b = box(2, 0.0, 1.0)
    P = Polyhedron(A, b)
    r = P.maximize([1, 1], exact=True)
    assert r.status == "optimal" and r.is_optimal
    assert r.value == F(2) and isinstance(r.value, F)
    assert list(r.x) == [F(1), F(1)]
    assert P.minimize([3, -2], exact=True).value == F(-2)
    assert P.maximize([F(1, 3), F(1, 7)], exact=True).value == F(10, 21)
    assert P.dimension() == 2 and P.is_full_dimensional() and P.is_feasible()
    assert P.implicit_equalities() == []
    assert P.irredundant() == [0, 1, 2, 3]


def test_triangle_with_non_dyadic_vertex():
    # x >= 0, y >= 0, 2x + y <= 1, x + 2y <= 1: vertices (0,0), (1/2,0), (0,1/2), (1/3,1/3).
    P = Polyhedron([[-1, 0], [0, -1], [2, 1], [1, 2]], [0, 0, 1, 1])
    r = P.maximize([1, 1], exact=True)
    assert r.value == F(2, 3)
    assert list(r.x) == [F(1, 3), F(1, 3)]
    assert P.maximize([5, 1], exact=True).value == F(5, 2)      # at (1/2, 0)
    assert P.minimize([-1, -1], exact=True).value == F(-2, 3)
    assert P.minimize([1, 1], exact=True).value == 0
    assert all(P.is_facet(i) and not P.is_redundant(i) for i in range(4))


def test_simplex_in_3d():
    # x, y, z >= 0, x + 2y + 3z <= 1: max of 6x + 9y + 12z is max(6, 9/2, 4) = 6 at (1,0,0);
    # max of x + 3y + 7z is max(1, 3/2, 7/3) = 7/3 at (0,0,1/3).
    A = np.vstack([-np.eye(3), [[1, 2, 3]]])
    P = Polyhedron(A, [0, 0, 0, 1])
    assert P.maximize([6, 9, 12], exact=True).value == 6
    r = P.maximize([1, 3, 7], exact=True)
    assert r.value == F(7, 3) and list(r.x) == [0, 0, F(1, 3)]
    assert P.dimension() == 3


def test_fraction_input_denominators_3_and_7():
    # x/3 + 2y/7 <= 1, x >= 0, y >= 0: vertices (0,0), (3,0), (0,7/2).
    A = [[F(1, 3), F(2, 7)], [F(-1), F(0)], [F(0), F(-1)]]
    b = [F(1), F(0), F(0)]
    P = Polyhedron(A, b)
    r = P.maximize([1, 1], exact=True)
    assert r.value == F(7, 2) and list(r.x) == [0, F(7, 2)]
    assert P.maximize([1, 0], exact=True).value == 3
    # objective with Fractions too: max x/5 + y/9 = max(3/5, 7/18) = 3/5
    assert P.maximize([F(1, 5), F(1, 9)], exact=True).value == F(3, 5)
    # a right-hand side of 1/3 scales the polytope by 1/3
    P3 = Polyhedron(A, [F(1, 3), F(0), F(0)])
    assert P3.maximize([1, 1], exact=True).value == F(7, 6)
    x = P.interior_point(exact=True)
    assert all(s > 0 for s in slacks(A, b, x))


def test_empty_polyhedron():
    P = Polyhedron([[1, 0], [-1, 0]], [0, -1])   # x <= 0 and x >= 1
    assert P.dimension() == -1
    assert not P.is_feasible()
    assert not P.is_full_dimensional()
    assert P.interior_point(exact=True) is None
    r = P.maximize([1, 1], exact=True)
    assert r.status == "infeasible" and r.x is None and r.value is None
    assert P.minimize([0, 1], exact=True).status == "infeasible"
    assert not P.is_facet(0)


def test_zero_row_negative_rhs_is_empty():
    P = Polyhedron([[0, 0], [1, 0]], [-1, 5])
    assert P.dimension() == -1 and P.interior_point(exact=True) is None


def test_segment_via_opposite_inequalities():
    # y <= 0, -y <= 0, x <= 1, -x <= 0: the segment [0,1] x {0}.
    A = [[0, 1], [0, -1], [1, 0], [-1, 0]]
    b = [0, 0, 1, 0]
    P = Polyhedron(A, b)
    assert P.dimension() == 1
    assert P.is_feasible() and not P.is_full_dimensional()
    assert P.implicit_equalities() == [0, 1]
    s = slacks(A, b, P.interior_point(exact=True))
    assert s[0] == 0 and s[1] == 0
    assert s[2] > 0 and s[3] > 0
    assert [P.is_facet(i) for i in range(4)] == [False, False, True, True]
    assert [P.is_redundant(i) for i in range(4)] == [False] * 4
    assert P.irredundant() == [0, 1, 2, 3]
    assert P.maximize([1, 5], exact=True).value == 1


def test_hidden_implicit_equalities():
    # x <= 0, y <= 0, x + y >= 0: only the origin, although no two rows are opposite.
    A = [[1, 0], [0, 1], [-1, -1]]
    P = Polyhedron(A, [0, 0, 0])
    assert P.dimension() == 0
    assert sorted(P.implicit_equalities()) == [0, 1, 2]
    assert list(P.interior_point(exact=True)) == [0, 0]
    # in R^3 with 0 <= z <= 1 added: the segment {0} x {0} x [0, 1]
    A3 = [[1, 0, 0], [0, 1, 0], [-1, -1, 0], [0, 0, 1], [0, 0, -1]]
    b3 = [0, 0, 0, 1, 0]
    Q = Polyhedron(A3, b3)
    assert Q.dimension() == 1
    assert sorted(Q.implicit_equalities()) == [0, 1, 2]
    s = slacks(A3, b3, Q.interior_point(exact=True))
    assert s[:3] == [0, 0, 0] and s[3] > 0 and s[4] > 0


def test_point_polyhedron():
    A = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    b = [F(2, 3), F(-2, 3), F(-1, 7), F(1, 7)]
    P = Polyhedron(A, b)
    assert P.dimension() == 0
    assert list(P.interior_point(exact=True)) == [F(2, 3), F(-1, 7)]
    assert sorted(P.implicit_equalities()) == [0, 1, 2, 3]
    assert P.maximize([1, 1], exact=True).value == F(2, 3) - F(1, 7)


def test_equality_constraints():
    # the unit square cut by x + y = 1/3 (a segment), and by x - y = 5 (empty)
    A, b = box(2, 0.0, 1.0)
    P = Polyhedron(A, b, [[1, 1]], [F(1, 3)])
    assert P.dimension() == 1
    x = P.interior_point(exact=True)
    assert x[0] + x[1] == F(1, 3)
    assert all(s > 0 for s in slacks(A, b, x))
    assert P.maximize([1, 0], exact=True).value == F(1, 3)
    assert P.minimize([1, -1], exact=True).value == F(-1, 3)
    E = Polyhedron(A, b, [[1, -1]], [5])
    assert E.dimension() == -1 and E.maximize([1, 0], exact=True).status == "infeasible"


def test_no_rows_with_dim():
    P = Polyhedron([], [], dim=3)
    assert P.dimension() == 3
    assert P.maximize([1, 0, 0], exact=True).status == "unbounded"
    assert P.maximize([0, 0, 0], exact=True).value == 0


def test_unbounded_objective():
    P = Polyhedron([[-1, 0], [0, -1]], [0, 0])   # the positive quadrant
    assert P.maximize([1, 1], exact=True).status == "unbounded"
    assert P.maximize([1, 1], exact=True).x is None
    r = P.minimize([1, 2], exact=True)
    assert r.status == "optimal" and r.value == 0 and list(r.x) == [0, 0]
    assert P.maximize([-1, 0], exact=True).value == 0        # bounded direction of an unbounded set
    assert P.dimension() == 2


def test_many_lines_through_one_vertex():
    # rows y >= k x / 8 for k = -8, -6, ..., 8 (9 lines through the origin) plus y <= 1: the
    # triangle with vertices (0,0), (-1,1), (1,1); only k = +-8 and y <= 1 are facets.
    A = [[F(k, 8), -1] for k in range(-8, 9, 2)] + [[0, 1]]
    b = [0] * 9 + [1]
    P = Polyhedron(A, b)
    r = P.minimize([0, 1], exact=True)
    assert r.value == 0 and list(r.x) == [0, 0]
    assert P.maximize([1, 1], exact=True).value == 2
    assert P.maximize([F(1, 3), -1], exact=True).value == 0           # vertices give 0, -4/3, -2/3
    assert P.minimize([F(1, 3), -1], exact=True).value == F(-4, 3)    # at (-1, 1)
    assert P.dimension() == 2
    assert P.irredundant() == [0, 8, 9]
    for i in range(1, 8):
        assert P.is_redundant(i) and not P.is_facet(i)
    for i in (0, 8, 9):
        assert P.is_facet(i) and not P.is_redundant(i)
    assert all(s > 0 for s in slacks(A, b, P.interior_point(exact=True)))


def test_duplicated_rows_and_loose_rows():
    # unit square; row 1 duplicates row 0; row 5 touches only the vertex (1,1); row 6 is x <= 5
    A = [[1, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, 0]]
    b = [1, 1, 0, 1, 0, 2, 5]
    P = Polyhedron(A, b)
    assert P.is_redundant(0) and P.is_redundant(1)   # each copy is implied by the other
    assert P.is_facet(0) and P.is_facet(1)
    # in 2-D a row that touches only at a vertex is implied by the two facets there
    assert P.is_redundant(5) and not P.is_facet(5)
    assert P.is_redundant(6) and not P.is_facet(6)
    assert not any(P.is_redundant(i) for i in (2, 3, 4))
    irr = P.irredundant()
    assert len(irr) == 4
    assert len({0, 1} & set(irr)) == 1               # exactly one of the duplicates
    assert {2, 3, 4} <= set(irr)
    # the kept rows describe the same square
    Q = Polyhedron(np.array(A)[irr], np.array(b)[irr])
    for c in ([1, 1], [1, -1], [-3, 2], [F(1, 3), 1]):
        assert Q.maximize(c, exact=True).value == P.maximize(c, exact=True).value


def test_irredundant_keeps_first_duplicate():
    A = [[1, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]
    P = Polyhedron(A, [1, 1, 0, 1, 0])
    assert P.irredundant() == [0, 2, 3, 4]


def test_redundancy_in_1d():
    # x <= 1, x <= 5, -x <= 0: x <= 5 is redundant, x <= 1 is a facet (a point of [0, 1])
    P = Polyhedron([[1], [1], [-1]], [1, 5, 0])
    assert not P.is_redundant(0) and P.is_facet(0)
    assert P.is_redundant(1) and not P.is_facet(1)
    assert P.irredundant() == [0, 2]
    assert P.maximize([1], exact=True).value == 1


# --- random instances: interior points, exact oracle, HiGHS ------------------------------------------

def random_polytope(rng, d, m, slack_lo=0.05, slack_hi=1.0):
    """Box [-1, 1]^d plus m random rows a.x <= a.x0 + slack (x0 inside the box)."""
    A = rng.normal(size=(m, d))
    x0 = rng.uniform(-0.5, 0.5, size=d)
    b = A @ x0 + rng.uniform(slack_lo, slack_hi, size=m)
    Ab, bb = box(d)
    return np.vstack([A, Ab]), np.concatenate([b, bb])


def test_interior_point_strictly_inside_random():
    rng = np.random.default_rng(20240601)
    for _ in range(25):
        d = int(rng.integers(2, 7))
        m = int(rng.integers(3, 40))
        A, b = random_polytope(rng, d, m)
        P = Polyhedron(A, b)
        assert P.dimension() == d
        assert P.implicit_equalities() == []
        x = P.interior_point(exact=True)
        assert all(isinstance(v, F) for v in x)
        assert all(s > 0 for s in slacks(A, b, x))


def test_random_lower_dimensional_with_opposite_pairs():
    rng = np.random.default_rng(7)
    for _ in range(10):
        d = int(rng.integers(3, 6))
        k = int(rng.integers(1, d))          # k opposite pairs -> dimension d - k
        A, b = random_polytope(rng, d, 8)
        x0 = np.zeros(d)                    # inside the box and (slack > 0) inside the random rows
        b[:8] = A[:8] @ x0 + rng.uniform(0.1, 1.0, size=8)
        E = rng.integers(-3, 4, size=(k, d)).astype(float)
        while np.linalg.matrix_rank(E) < k:
            E = rng.integers(-3, 4, size=(k, d)).astype(float)
        A2 = np.vstack([A, E, -E])
        b2 = np.concatenate([b, np.zeros(k), np.zeros(k)])
        P = Polyhedron(A2, b2)
        assert P.dimension() == d - k
        n = len(b)
        assert P.implicit_equalities() == list(range(n, n + 2 * k))
        s = slacks(A2, b2, P.interior_point(exact=True))
        assert all(v > 0 for v in s[:n]) and all(v == 0 for v in s[n:])


def test_random_2d_3d_against_vertex_enumeration():
    rng = np.random.default_rng(99)
    for _ in range(12):
        d = int(rng.integers(2, 4))
        m = int(rng.integers(2, 9 if d == 3 else 14))
        A, b = random_polytope(rng, d, m)
        P = Polyhedron(A, b)
        for c in rng.normal(size=(3, d)):
            r = P.maximize(c, exact=True)
            assert r.status == "optimal"
            assert r.value == vertex_max(A, b, c)        # exact equality of rationals
            assert r.value == dot(frac_vector(c), r.x)


def test_random_against_highs():
    linprog = pytest.importorskip("scipy.optimize").linprog
    rng = np.random.default_rng(12345)
    n_inf = n_feas = 0
    for trial in range(40):
        d = int(rng.integers(2, 9))
        m = int(rng.integers(5, 61))
        infeasible_kind = trial % 3 == 2
        A = rng.normal(size=(m, d))
        x0 = rng.uniform(-0.5, 0.5, size=d)
        slack = rng.uniform(-1.0, 0.3, size=m) if infeasible_kind else rng.uniform(0.01, 1.0, size=m)
        b = A @ x0 + slack
        Ab, bb = box(d, -2.0, 2.0)
        A, b = np.vstack([A, Ab]), np.concatenate([b, bb])
        c = rng.normal(size=d)
        P = Polyhedron(A, b)
        ours = P.maximize(c, exact=True)
        ref = linprog(-c, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
        assert ref.status in (0, 2), ref.message
        if ref.status == 2:
            n_inf += 1
            assert ours.status == "infeasible"
            assert not P.is_feasible() and P.dimension() == -1
            continue
        n_feas += 1
        assert ours.status == "optimal"
        x = ours.x
        assert all(s >= 0 for s in slacks(A, b, x))          # exactly feasible
        assert ours.value == dot(frac_vector(c), x)           # value is exactly c.x
        highs_max = -ref.fun
        assert float(ours.value) == pytest.approx(highs_max, rel=1e-7, abs=1e-9)
        assert float(ours.value) >= highs_max - 1e-9          # the exact optimum is not beaten
        mn = P.minimize(c, exact=True)
        ref_min = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
        assert float(mn.value) == pytest.approx(ref_min.fun, rel=1e-7, abs=1e-9)
        assert mn.value <= ours.value
    assert n_inf >= 3 and n_feas >= 20                        # both kinds actually exercised


# --- bad input ---------------------------------------------------------------------------------------

def test_nan_in_A():
    with pytest.raises(InputError, match=r"A has a non-finite value \(nan\) at row 1, column 0"):
        Polyhedron([[1, 0], [np.nan, 1]], [1, 1])


def test_inf_in_b():
    with pytest.raises(InputError, match="b has a non-finite value"):
        Polyhedron([[1, 0], [0, 1]], [1, np.inf])


def test_b_wrong_length():
    with pytest.raises(InputError, match=r"b has shape \(3,\); expected \(2,\)"):
        Polyhedron([[1, 0], [0, 1]], [1, 1, 1])


def test_A_not_2d():
    with pytest.raises(InputError, match="dimension"):
        Polyhedron([1, 2, 3], [1, 1, 1])
    with pytest.raises(InputError):
        Polyhedron(np.ones((2, 2, 2)), [1, 1])


def test_A_wrong_columns_for_dim():
    with pytest.raises(InputError, match=r"expected \(rows, 3\)"):
        Polyhedron(np.ones((2, 2)), [1, 1], dim=3)


def test_objective_wrong_length():
    P = Polyhedron(*box(2))
    with pytest.raises(InputError, match="objective"):
        P.maximize([1, 2, 3], exact=True)


def test_row_index_out_of_range():
    P = Polyhedron(*box(2))
    for i in (4, 100, -1):
        with pytest.raises(InputError, match="out of range") as ei:
            P.is_redundant(i)
        assert ei.value.index == i
        with pytest.raises(InputError, match="out of range"):
            P.is_facet(i)


def test_input_error_is_value_error():
    assert issubclass(tropgeom.InputError, ValueError)
    assert issubclass(tropgeom.InputError, tropgeom.TropgeomError)


# --- a degenerate LP on which the exact solver does not terminate -----------------------------------

_CYCLING_SCRIPT = """
import numpy as np
from tropgeom import Polyhedron
A = np.array([[-0.3, 1.7, -2.0, -0.5, 1.0], [-0.9, -0.5, -0.4, 1.0, 0.0], [-0.4, -0.6, 0.0, -1.0, 0.7],
              [-0.57, -1.43, -0.48, 1.0, -2.0], [-0.24, -2.0, 0.18, -0.75, -2.0], [-0.1, -1.82, -0.1, -1.16, 0.0],
              [-1.0, 1.0, 0.5, -1.0, 3.0], [-1.1, 1.0, 0.5, 1.0, 0.0], [-1.0, 1.7, 1.6, 0.0, -1.0],
              [-1.0, -1.73, 0.4, -1.0, 0.8], [-1.0, 0.4, 1.0, 0.3, -1.0]])
c = np.array([-1.7, -0.8, 0.3, 0.68, 0.8])
# 11 half-spaces through the origin (a cone) cut by the box [-1, 1]^5
A = np.vstack([A, np.eye(5), -np.eye(5)])
b = np.concatenate([np.zeros(11), np.ones(10)])
r = Polyhedron(A, b).maximize(c, exact=True)
print(r.status, float(r.value))
"""


def _cycling_reference():
    linprog = pytest.importorskip("scipy.optimize").linprog
    A = np.array([[-0.3, 1.7, -2.0, -0.5, 1.0], [-0.9, -0.5, -0.4, 1.0, 0.0], [-0.4, -0.6, 0.0, -1.0, 0.7],
                  [-0.57, -1.43, -0.48, 1.0, -2.0], [-0.24, -2.0, 0.18, -0.75, -2.0],
                  [-0.1, -1.82, -0.1, -1.16, 0.0], [-1.0, 1.0, 0.5, -1.0, 3.0], [-1.1, 1.0, 0.5, 1.0, 0.0],
                  [-1.0, 1.7, 1.6, 0.0, -1.0], [-1.0, -1.73, 0.4, -1.0, 0.8], [-1.0, 0.4, 1.0, 0.3, -1.0]])
    c = np.array([-1.7, -0.8, 0.3, 0.68, 0.8])
    A = np.vstack([A, np.eye(5), -np.eye(5)])
    b = np.concatenate([np.zeros(11), np.ones(10)])
    ref = linprog(-c, A_ub=A, b_ub=b, bounds=[(None, None)] * 5, method="highs")
    assert ref.status == 0
    return -ref.fun


def test_degenerate_lp_terminates():
    import subprocess
    import sys
    expected = _cycling_reference()                     # about 0.36348
    try:
        r = subprocess.run([sys.executable, "-c", _CYCLING_SCRIPT], capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("maximize() did not return within 10 s (a solve of this size takes milliseconds)")
    assert r.returncode == 0, r.stderr[-2000:]
    status, value = r.stdout.split()
    assert status == "optimal"
    assert float(value) == pytest.approx(expected, rel=1e-7)


# --- exact= rule, extreme magnitudes, pickling ------------------------------------------------------

def test_float_views_are_the_exact_values_rounded():
    P = Polyhedron([[3, 1], [1, 7], [-1, 0], [0, -1]], [1, 1, 0, 0])
    for r, q in ((P.maximize([1, 1]), P.maximize([1, 1], exact=True)), (P.minimize([-1, 2]), P.minimize([-1, 2], exact=True))):
        assert r.status == q.status == "optimal"
        assert r.x.dtype == np.float64 and list(r.x) == [float(v) for v in q.x] and r.value == float(q.value)
    assert list(P.interior_point()) == [float(v) for v in P.interior_point(exact=True)]


def test_interior_point_beyond_the_double_range_is_exact():
    """Fractions beyond the double range used to raise OverflowError in the input check."""
    big = F(10) ** 400
    P = Polyhedron([[1], [-1]], [big, -big / 10])
    x = P.interior_point(exact=True)
    assert P.dimension() == 1 and big / 10 < x[0] < big
    assert P.interior_point()[0] == np.inf  # its float view
    r = P.maximize([1], exact=True)
    assert r.value == big and r.x[0] == big
    Q = Polyhedron([[1, 0], [-1, 0], [0, 1], [0, -1]], [5e-324, 5e-324, 1e300, 1e300])
    y = Q.interior_point(exact=True)
    assert Q.dimension() == 2 and -F(5e-324) < y[0] < F(5e-324) and abs(y[1]) < F(1e300)


def test_polyhedron_and_results_pickle():
    import pickle
    P = Polyhedron([[1, 1], [-1, 0], [0, -1]], [F(1, 3), 0, 0])
    P.interior_point()
    Q = pickle.loads(pickle.dumps(P))
    assert Q.maximize([1, 2], exact=True) == P.maximize([1, 2], exact=True)
    assert Q.irredundant() == P.irredundant() and Q.dimension() == P.dimension()
    r = P.maximize([1, 0])
    assert pickle.loads(pickle.dumps(r)) == r


def test_irredundant_budget_and_ctrl_c():
    """One exact LP per row: the budget is polled between LPs (an LP on 300 rows takes ~50 ms)."""
    import time
    from sigint import interrupt
    rng = np.random.default_rng(0)
    P = Polyhedron(rng.normal(size=(300, 6)), np.ones(300))
    t = time.monotonic()
    with pytest.raises(tropgeom.BudgetExceeded) as e:
        P.irredundant(max_seconds=0.3)
    assert e.value.reason == "max_seconds" and e.value.partial is None and time.monotonic() - t < 0.5
    words, latency = interrupt("rng = np.random.default_rng(0)\nP = tg.Polyhedron(rng.normal(size=(300, 6)), np.ones(300))",
                               "P.irredundant()", check="partial is None")
    assert words == ["stopped", "interrupted", "True"] and latency < 2.0
