// Exact checks of the LP layer (tropgeom::Polyhedron and friends) against hand-computed answers.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "tropgeom/lp.hpp"
#include "check.hpp"

using namespace tropgeom;

static Polyhedron make(std::size_t dim, const std::vector<std::vector<Rational>>& A, const std::vector<Rational>& b) {
  Polyhedron P(dim);
  for (std::size_t i = 0; i < A.size(); ++i) P.add_inequality(A[i].data(), b[i]);
  return P;
}

// a.x < b for every live row, a.x == b for rows listed as tight.
static bool strictly_inside(const Polyhedron& P, const Vec& x, const std::vector<std::size_t>& tight) {
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    Rational s = 0;
    for (std::size_t j = 0; j < P.dim; ++j) s += P.A(i, j) * x[j];
    bool is_tight = std::find(tight.begin(), tight.end(), i) != tight.end();
    if (is_tight ? s != P.b[i] : !(s < P.b[i])) return false;
  }
  for (std::size_t i = 0; i < P.C.rows; ++i) {
    Rational s = 0;
    for (std::size_t j = 0; j < P.dim; ++j) s += P.C(i, j) * x[j];
    if (s != P.d[i]) return false;
  }
  return true;
}

static void test_triangle_with_third_vertex() {
  // x >= 0, y >= 0, 2x + y <= 1, x + 2y <= 1: vertices (0,0), (1/2,0), (0,1/2), (1/3,1/3).
  Polyhedron P = make(2, {{q(-1), q(0)}, {q(0), q(-1)}, {q(2), q(1)}, {q(1), q(2)}}, {q(0), q(0), q(1), q(1)});
  LPResult r = optimize(P, {q(1), q(1)}, true);
  CHECK(r.status == LPStatus::optimal);
  CHECK(r.value == q(2, 3));
  CHECK(r.x.size() == 2 && r.x[0] == q(1, 3) && r.x[1] == q(1, 3));
  LPResult mn = optimize(P, {q(1), q(1)}, false);
  CHECK(mn.status == LPStatus::optimal && mn.value == 0);
  LPResult r2 = optimize(P, {q(3), q(-1)}, true);  // at (1/2, 0): 3/2
  CHECK(r2.status == LPStatus::optimal && r2.value == q(3, 2));

  InteriorResult ir = relative_interior(P);
  CHECK(ir.feasible);
  CHECK(ir.dimension == 2);
  CHECK(ir.implicit_equalities.empty());
  CHECK(ir.point.size() == 2 && strictly_inside(P, ir.point, {}));
  CHECK(ir.radius > 0);
  CHECK(is_feasible(P));
  CHECK(is_full_dimensional(P));
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(!is_redundant(P, i));
    CHECK(is_facet(P, i));
  }
  CHECK((irredundant_inequalities(P) == std::vector<std::size_t>{0, 1, 2, 3}));
}

static void test_rational_coefficients() {
  // x/3 + 2y/7 <= 1, x >= 0, y >= 0: max x + y at (0, 7/2).
  Polyhedron P = make(2, {{q(1, 3), q(2, 7)}, {q(-1), q(0)}, {q(0), q(-1)}}, {q(1), q(0), q(0)});
  LPResult r = optimize(P, {q(1), q(1)}, true);
  CHECK(r.status == LPStatus::optimal);
  CHECK(r.value == q(7, 2));
  CHECK(r.x[0] == 0 && r.x[1] == q(7, 2));
  // max x - y at (3, 0).
  LPResult r2 = optimize(P, {q(1), q(-1)}, true);
  CHECK(r2.status == LPStatus::optimal && r2.value == 3);
}

static void test_empty() {
  Polyhedron P = make(2, {{q(1), q(0)}, {q(-1), q(0)}}, {q(0), q(-1)});  // x <= 0 and x >= 1
  CHECK(optimize(P, {q(1), q(0)}, true).status == LPStatus::infeasible);
  InteriorResult ir = relative_interior(P);
  CHECK(!ir.feasible);
  CHECK(ir.dimension == -1);
  CHECK(!is_feasible(P));
  CHECK(!is_full_dimensional(P));
  // a zero row with a negative right-hand side: 0 <= -1
  Polyhedron Z = make(2, {{q(0), q(0)}}, {q(-1)});
  CHECK(relative_interior(Z).dimension == -1);
}

static void test_segment_and_point() {
  // y <= 0, -y <= 0, x <= 1, -x <= 0: the segment [0,1] x {0}.
  Polyhedron S = make(2, {{q(0), q(1)}, {q(0), q(-1)}, {q(1), q(0)}, {q(-1), q(0)}}, {q(0), q(0), q(1), q(0)});
  InteriorResult ir = relative_interior(S);
  CHECK(ir.feasible);
  CHECK(ir.dimension == 1);
  CHECK((ir.implicit_equalities == std::vector<std::size_t>{0, 1}));
  CHECK(strictly_inside(S, ir.point, {0, 1}));
  CHECK(!is_facet(S, 0) && !is_facet(S, 1));
  CHECK(is_facet(S, 2) && is_facet(S, 3));
  CHECK(!is_full_dimensional(S));

  // The same segment stated with an equality row.
  Polyhedron E = make(2, {{q(1), q(0)}, {q(-1), q(0)}}, {q(1), q(0)});
  Rational c[2] = {q(0), q(1)};
  E.add_equality(c, q(1, 3));
  InteriorResult ie = relative_interior(E);
  CHECK(ie.dimension == 1);
  CHECK(ie.point[1] == q(1, 3));
  CHECK(strictly_inside(E, ie.point, {}));
  LPResult r = optimize(E, {q(1), q(1)}, true);
  CHECK(r.status == LPStatus::optimal && r.value == q(4, 3));

  // The point (2/3, -1/7).
  Polyhedron Pt = make(2, {{q(1), q(0)}, {q(-1), q(0)}, {q(0), q(1)}, {q(0), q(-1)}},
                       {q(2, 3), q(-2, 3), q(-1, 7), q(1, 7)});
  InteriorResult ip = relative_interior(Pt);
  CHECK(ip.dimension == 0);
  CHECK(ip.point[0] == q(2, 3) && ip.point[1] == q(-1, 7));
  CHECK(ip.implicit_equalities.size() == 4);
}

static void test_unbounded() {
  Polyhedron P = make(2, {{q(-1), q(0)}, {q(0), q(-1)}}, {q(0), q(0)});
  CHECK(optimize(P, {q(1), q(1)}, true).status == LPStatus::unbounded);
  LPResult r = optimize(P, {q(1), q(1)}, false);
  CHECK(r.status == LPStatus::optimal && r.value == 0);
}

static void test_redundancy_and_duplicates() {
  // Unit square with row 0 duplicated as row 1 and a loose x <= 5 as row 6.
  Polyhedron P = make(2, {{q(1), q(0)}, {q(1), q(0)}, {q(-1), q(0)}, {q(0), q(1)}, {q(0), q(-1)}, {q(1), q(1)}, {q(1), q(0)}},
                      {q(1), q(1), q(0), q(1), q(0), q(2), q(5)});
  CHECK(is_redundant(P, 0) && is_redundant(P, 1));  // each duplicate is implied by the other
  CHECK(!is_redundant(P, 2) && !is_redundant(P, 3) && !is_redundant(P, 4));
  CHECK(is_redundant(P, 5));  // x + y <= 2 touches only at the vertex (1,1)
  CHECK(!is_facet(P, 5));
  CHECK(is_redundant(P, 6));  // x <= 5 next to x <= 1
  CHECK(!is_facet(P, 6));
  CHECK(is_facet(P, 0) && is_facet(P, 1));
  std::vector<std::size_t> irr = irredundant_inequalities(P);
  CHECK(irr.size() == 4);
  CHECK(std::count(irr.begin(), irr.end(), 0) + std::count(irr.begin(), irr.end(), 1) == 1);
  for (std::size_t k : {2, 3, 4}) CHECK(std::count(irr.begin(), irr.end(), k) == 1);
  bool threw = false;
  try {
    is_redundant(P, 7);
  } catch (const InputError&) {
    threw = true;
  }
  CHECK(threw);
}

static void test_cone_through_origin() {
  // 8 lines through the origin, all bounding the cone y >= |x|: rows -y + k x/8 <= 0, k = -8..8 step 2.
  Polyhedron P(2);
  std::vector<Rational> ks;
  for (int k = -8; k <= 8; k += 2) {
    Rational a[2] = {q(k, 8), q(-1)};
    P.add_inequality(a, q(0));
  }
  Rational top[2] = {q(0), q(1)};
  P.add_inequality(top, q(1));  // y <= 1 makes it a triangle
  LPResult r = optimize(P, {q(0), q(-1)}, true);  // min y = 0 at the apex
  CHECK(r.status == LPStatus::optimal && r.value == 0);
  CHECK(r.x[0] == 0 && r.x[1] == 0);
  InteriorResult ir = relative_interior(P);
  CHECK(ir.dimension == 2 && strictly_inside(P, ir.point, {}));
  std::vector<std::size_t> irr = irredundant_inequalities(P);
  CHECK((irr == std::vector<std::size_t>{0, 8, 9}));  // y >= -x, y >= x, y <= 1
  for (std::size_t i = 1; i < 8; ++i) {
    CHECK(is_redundant(P, i));
    CHECK(!is_facet(P, i));
  }
}

static void test_rank() {
  Matrix M(3, 3);
  Rational rows[3][3] = {{q(1), q(2), q(3)}, {q(1, 3), q(2, 3), q(1)}, {q(0), q(1), q(1, 7)}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M(i, j) = rows[i][j];
  CHECK(rank(M) == 2);
}

int main() {
  test_triangle_with_third_vertex();
  test_rational_coefficients();
  test_empty();
  test_segment_and_point();
  test_unbounded();
  test_redundancy_and_duplicates();
  test_cone_through_origin();
  test_rank();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_lp: all checks passed\n");
  return failures ? 1 : 0;
}
