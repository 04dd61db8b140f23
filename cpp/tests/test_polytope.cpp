// Exact vertices and volumes of polytopes (tropgeom/polytope.hpp) against closed forms.
#include <cstdio>
#include <vector>

#include "tropgeom/polytope.hpp"

using namespace tropgeom;

static int failures = 0;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                            \
    }                                                                        \
  } while (0)

static Rational q(long n, long d = 1) {
  Rational r(n, d);
  r.canonicalize();
  return r;
}

static Rational factorial(long n) { return n <= 1 ? q(1) : n * factorial(n - 1); }

static void add(Polyhedron& P, std::vector<Rational> a, Rational rhs) { P.add_inequality(a.data(), rhs); }

// lo_j <= x_j <= hi_j.
static Polyhedron box(const Vec& lo, const Vec& hi) {
  Polyhedron P(lo.size());
  for (std::size_t j = 0; j < lo.size(); ++j) {
    Vec e(lo.size(), q(0));
    e[j] = 1;
    add(P, e, hi[j]);
    e[j] = -1;
    add(P, e, -lo[j]);
  }
  return P;
}

// sum_j |x_j| <= 1 as its 2^d rows; every vertex lies on 2^(d-1) facets.
static Polyhedron cross_polytope(std::size_t d) {
  Polyhedron P(d);
  for (std::size_t s = 0; s < (std::size_t(1) << d); ++s) {
    Vec a(d);
    for (std::size_t j = 0; j < d; ++j) a[j] = (s >> j & 1) ? -1 : 1;
    add(P, a, q(1));
  }
  return P;
}

static void test_boxes() {
  Polyhedron P = box({q(0), q(-1, 3), q(2)}, {q(1, 2), q(1, 7), q(5, 2)});
  CHECK(volume(P) == q(1, 2) * q(10, 21) * q(1, 2));
  CHECK(vertices(P).size() == 8);
  for (std::size_t d = 1; d <= 5; ++d) {
    Polyhedron C = box(Vec(d, q(0)), Vec(d, q(1)));
    CHECK(volume(C) == 1);
    CHECK(vertices(C).size() == (std::size_t(1) << d));
  }
}

static void test_simplex_and_cut_cube() {
  for (long d = 1; d <= 5; ++d) {
    Polyhedron S = box(Vec(d, q(0)), Vec(d, q(1)));
    add(S, Vec(d, q(1)), q(1));  // through d + 1 vertices of the cube
    CHECK(volume(S) == 1 / factorial(d));
    CHECK(vertices(S).size() == static_cast<std::size_t>(d + 1));
  }
  // The unit cube minus the corner simplex at (1,1,1): the cut passes through three cube vertices.
  Polyhedron C = box(Vec(3, q(0)), Vec(3, q(1)));
  add(C, {q(1), q(1), q(1)}, q(2));
  CHECK(volume(C) == q(5, 6));
  CHECK(vertices(C).size() == 7);
}

static void test_cross_polytopes() {
  for (long d = 2; d <= 5; ++d) {
    Polyhedron P = cross_polytope(d);
    CHECK(volume(P) == Rational(1 << d) / factorial(d));
    std::vector<Vec> V = vertices(P);
    CHECK(V.size() == static_cast<std::size_t>(2 * d));
    Vec first(d, q(0));
    first[0] = -1;  // lexicographically smallest
    CHECK(!V.empty() && V[0] == first);
  }
}

static void test_redundant_duplicate_and_zero_rows() {
  // The triangle x, y >= 0, x + y <= 1, with a duplicate, a scaled duplicate, a redundant row and
  // harmless zero rows.
  Polyhedron P(2);
  add(P, {q(-1), q(0)}, q(0));
  add(P, {q(0), q(-1)}, q(0));
  add(P, {q(1), q(1)}, q(1));
  add(P, {q(1), q(1)}, q(1));
  add(P, {q(3), q(3)}, q(3));
  add(P, {q(1), q(0)}, q(5));
  add(P, {q(0), q(0)}, q(0));
  add(P, {q(0), q(0)}, q(2));
  CHECK(volume(P) == q(1, 2));
  CHECK((vertices(P) == std::vector<Vec>{{q(0), q(0)}, {q(0), q(1)}, {q(1), q(0)}}));
  add(P, {q(0), q(0)}, q(-1));  // 0 <= -1
  CHECK(vertices(P).empty() && volume(P) == 0);
}

static void test_empty_and_lower_dimensional() {
  Polyhedron E = box({q(0), q(0)}, {q(1), q(1)});
  add(E, {q(1), q(1)}, q(-1));
  CHECK(vertices(E).empty() && volume(E) == 0);
  // Empty although no row bounds y: the rows leave a line free.
  Polyhedron L(2);
  add(L, {q(1), q(0)}, q(0));
  add(L, {q(-1), q(0)}, q(-1));
  CHECK(vertices(L).empty() && volume(L) == 0);
  // A segment (two opposite rows) and a point.
  Polyhedron S = box({q(0), q(1, 3)}, {q(1), q(1, 3)});
  CHECK(vertices(S).size() == 2 && volume(S) == 0);
  Polyhedron T = box(Vec(3, q(0)), Vec(3, q(1)));
  add(T, {q(1), q(1), q(1)}, q(0));
  CHECK(vertices(T).size() == 1 && volume(T) == 0);
  // A square stated with an equality row in R^3.
  Polyhedron Q = box(Vec(3, q(0)), Vec(3, q(1)));
  Rational c[3] = {q(0), q(0), q(1)};
  Q.add_equality(c, q(1, 2));
  CHECK(vertices(Q).size() == 4 && volume(Q) == 0);
  // R^0 is one point of 0-volume 1, unless a row 0 <= -1 empties it.
  Polyhedron O(0);
  CHECK(vertices(O).size() == 1 && volume(O) == 1);
  O.add_inequality(nullptr, q(-1));
  CHECK(vertices(O).empty() && volume(O) == 0);
}

static void test_unbounded() {
  Polyhedron H(2);
  add(H, {q(-1), q(0)}, q(0));
  add(H, {q(0), q(-1)}, q(0));
  bool threw = false;
  try {
    volume(H);
  } catch (const InputError&) {
    threw = true;
  }
  CHECK(threw);
  threw = false;
  try {
    vertices(Polyhedron(3));  // R^3
  } catch (const InputError&) {
    threw = true;
  }
  CHECK(threw);
}

int main() {
  test_boxes();
  test_simplex_and_cut_cube();
  test_cross_polytopes();
  test_redundant_duplicate_and_zero_rows();
  test_empty_and_lower_dimensional();
  test_unbounded();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_polytope: all checks passed\n");
  return failures ? 1 : 0;
}
