// Hand cases for tropgeom::TropPoly: canonical merge, product (Minkowski sum), power, prune, and
// tropicalize against the exact forward pass.
#include <cstdio>
#include <vector>

#include "tropgeom/tropical.hpp"
#include "check.hpp"

using namespace tropgeom;

static TropPoly poly(std::size_t d, const std::vector<std::vector<Rational>>& E, const std::vector<Rational>& c) {
  TropPoly p;
  p.d = d;
  p.E = Matrix(0, d);
  for (const auto& e : E) p.E.append_row(e.data(), d);
  p.c = c;
  return canonical(p);
}

static void test_canonical_merges_by_max() {
  TropPoly p = poly(1, {{q(1)}, {q(0)}, {q(1)}}, {q(-2), q(5), q(3)});
  CHECK(p.size() == 2);
  CHECK(p.E(0, 0) == 0 && p.c[0] == 5);
  CHECK(p.E(1, 0) == 1 && p.c[1] == 3);
}

static void test_square_formal_vs_functional() {
  TropPoly f = poly(1, {{q(1)}, {q(0)}}, {q(0), q(0)});  // x ⊕ 0
  TropPoly f2 = trop_product(f, f);                      // x^2 ⊕ x ⊕ 0 formally
  CHECK(f2.size() == 3);
  CHECK(f2.E(0, 0) == 0 && f2.E(1, 0) == 1 && f2.E(2, 0) == 2);
  TropPoly g = prune(f2);  // the x monomial is on the upper hull but not a vertex
  CHECK(g.size() == 2 && g.E(0, 0) == 0 && g.E(1, 0) == 2);
  CHECK(trop_power(f, q(2)).size() == 2);  // 2 * (x ⊕ 0) = 2x ⊕ 0
  TropPoly one = trop_power(f, q(0));
  CHECK(one.size() == 1 && one.c[0] == 0 && one.E(0, 0) == 0);
  for (long n = -3; n <= 3; ++n) {
    Rational x = q(n, 2);
    CHECK(evaluate(f2, &x) == evaluate(g, &x));
  }
}

static void test_unit_square_and_centre() {
  TropPoly sq = poly(2, {{q(0), q(0)}, {q(1), q(0)}, {q(0), q(1)}, {q(1), q(1)}}, {0, 0, 0, 0});
  CHECK(prune(sq).size() == 4);
  TropPoly with_centre = trop_sum(sq, poly(2, {{q(1, 2), q(1, 2)}}, {q(0)}));
  CHECK(with_centre.size() == 5);
  CHECK(prune(with_centre).size() == 4);
  // Lifting the centre by any positive amount makes it the strict maximum near the origin.
  TropPoly lifted = trop_sum(sq, poly(2, {{q(1, 2), q(1, 2)}}, {q(1, 1000)}));
  CHECK(prune(lifted).size() == 5);
}

static void test_product_is_minkowski_sum() {
  // (x ⊕ y ⊕ 0) ⊙ (x ⊕ y ⊕ 0): the doubled triangle has 6 lattice points, 3 vertices; with
  // coefficients it is the square of max(x, y, 0), i.e. max(2x, 2y, 0) as a function.
  TropPoly t = poly(2, {{q(1), q(0)}, {q(0), q(1)}, {q(0), q(0)}}, {0, 0, 0});
  TropPoly t2 = trop_product(t, t);
  CHECK(t2.size() == 6);
  CHECK(prune(t2).size() == 3);
  TropPoly s = trop_shift(t, q(7, 3));
  Rational x[2] = {q(-1), q(1, 5)};
  CHECK(evaluate(s, x) == evaluate(t, x) + q(7, 3));
}

static void test_tropicalize_matches_forward() {
  Network net;
  Layer L1{3, 2, {q(1), q(-2), q(-1, 2), q(3, 4), q(2), q(1)}, {q(1, 3), q(-1), q(0)}, true};
  Layer L2{1, 3, {q(2), q(-1), q(5, 7)}, {q(-1, 4)}, false};
  net.layers = {L1, L2};
  for (bool pr : {false, true}) {
    auto maps = tropicalize(net, pr);
    CHECK(maps.size() == 1);
    for (long a = -4; a <= 4; ++a)
      for (long b = -4; b <= 4; ++b) {
        Vec x = {q(a, 3), q(b, 2)};
        CHECK(evaluate(maps[0].numerator, x.data()) - evaluate(maps[0].denominator, x.data()) == net.forward(x)[0]);
      }
  }
}

// The maps read off the regions equal the expansion pruned after every product, monomial for
// monomial, with non-dyadic weights (one scale per layer) and a second output.
static void test_pieces_equal_the_expansion() {
  Network net;
  Layer L1{3, 2, {q(1), q(-2), q(-1, 2), q(3, 4), q(2), q(1)}, {q(1, 3), q(-1), q(0)}, true};
  Layer L2{2, 3, {q(2, 3), q(-1), q(1), q(-1, 5), q(1, 7), q(3)}, {q(1, 9), q(-1, 2)}, true};
  Layer L3{2, 2, {q(2), q(-1), q(5, 7), q(1, 3)}, {q(-1, 4), q(0)}, false};
  net.layers = {L1, L2, L3};
  const auto a = tropicalize(net, true), b = tropicalize_expanded(net, true);
  CHECK(a.size() == 2 && b.size() == 2);
  for (std::size_t o = 0; o < 2; ++o) {
    CHECK(a[o].numerator.E.data == b[o].numerator.E.data && a[o].numerator.c == b[o].numerator.c);
    CHECK(a[o].denominator.E.data == b[o].denominator.E.data && a[o].denominator.c == b[o].denominator.c);
  }
  const TropicalPieces t = tropical_pieces(net);
  CHECK(t.numerator.size() == t.patterns.size() * 2);
}

// Hull vertices: a square with points on its edges and inside, lifted flat into R^3 (affine
// dimension 2), and a cube's corners among interior points.
static void test_hull_vertices() {
  std::vector<std::vector<Rational>> sq, cube;
  for (long x = 0; x <= 2; ++x)
    for (long y = 0; y <= 2; ++y) sq.push_back({q(x), q(y), q(x + y)});
  for (long x = 0; x <= 2; ++x)
    for (long y = 0; y <= 2; ++y)
      for (long z = 0; z <= 2; ++z) cube.push_back({q(x), q(y), q(z)});
  TropPoly s = poly(3, sq, std::vector<Rational>(sq.size(), q(0)));
  TropPoly c = poly(3, cube, std::vector<Rational>(cube.size(), q(0)));
  CHECK(hull_vertices(s).size() == 4);
  CHECK(hull_vertices(c).size() == 8);
  CHECK(hull_vertices(poly(3, {{q(1), q(2), q(3)}}, {q(0)})).size() == 1);
}

static void test_subdivision_square_and_tripod() {
  // equal coefficients on the unit square: one flat cell with all four points, four rays
  Subdivision s = subdivision(poly(2, {{q(0), q(0)}, {q(1), q(0)}, {q(0), q(1)}, {q(1), q(1)}}, {q(0), q(0), q(0), q(0)}));
  CHECK(s.rank == 2 && s.cells.size() == 1 && s.cells[0].monomials.size() == 4 && s.edges.size() == 4);
  // max(x1, x2, 0): one cell at the origin, three rays
  TropPoly tripod = poly(2, {{q(1), q(0)}, {q(0), q(1)}, {q(0), q(0)}}, {q(0), q(0), q(0)});
  s = subdivision(tripod);
  CHECK(s.cells.size() == 1 && s.cells[0].point == Vec({q(0), q(0)}) && s.edges.size() == 3);
  for (const auto& e : s.edges) CHECK(e.other == -1 && e.monomials.size() == 2);
  // max(x1, 0) in two variables: Newton polytope a segment, lineality x2
  s = subdivision(poly(2, {{q(1), q(0)}, {q(0), q(0)}}, {q(0), q(0)}));
  CHECK(s.rank == 1 && s.lineality.rows == 1 && s.cells.size() == 1);
  // (x ⊕ 0)^2 ⊘ (x ⊕ 0) is relu(x): two regions; F ⊘ F is one
  TropPoly relu = poly(1, {{q(1)}, {q(0)}}, {q(0), q(0)});
  CHECK(linear_regions(trop_product(relu, relu), relu) == 2);
  CHECK(linear_regions(relu, relu) == 1);
  CHECK(linear_regions(tripod, TropPoly::constant(2, q(0))) == 3);
}

// 2^-1200 rounds to 0 in double: the float filter must hand over to exact comparisons (this used
// to loop forever), and both monomials of max(0, 2^-600 + 2^-1200 x) are vertices.
static void test_prune_below_the_double_range() {
  Rational tiny(1), half(1);
  mpq_div_2exp(tiny.get_mpq_t(), tiny.get_mpq_t(), 1200);
  mpq_div_2exp(half.get_mpq_t(), half.get_mpq_t(), 600);
  CHECK(prune(poly(1, {{q(0)}, {tiny}}, {q(0), half})).size() == 2);
}

// A stop (here a cancel hook that fires at once) returns the same function, partly pruned; a
// max_monomials stop of tropicalize throws Stopped(max_count).
static void test_stops() {
  std::vector<std::vector<Rational>> E;
  std::vector<Rational> c;
  for (long a = 0; a < 30; ++a)
    for (long b = 0; b < 30; ++b) {
      E.push_back({q(a), q(b)});
      c.push_back(q(-(a - 15) * (a - 15) - (b - 7) * (b - 7), 3));
    }
  TropPoly p = poly(2, E, c);
  RunLimits lim;
  lim.cancel = [] { return true; };
  Pruned r = prune_within(p, lim);
  CHECK(!r.status.complete && r.status.reason == StopReason::interrupted);
  CHECK(r.poly.size() <= p.size() && r.poly.size() >= prune(p).size());
  for (long a = -3; a <= 3; ++a) {
    Vec x = {q(a, 2), q(-a, 5)};
    CHECK(evaluate(r.poly, x.data()) == evaluate(p, x.data()));
  }
  CHECK(prune_within(p, RunLimits{}).status.complete);
  Network net;
  net.layers = {Layer{3, 2, {q(1), q(-2), q(-1, 2), q(3, 4), q(2), q(1)}, {q(1, 3), q(-1), q(0)}, true},
                Layer{3, 3, {q(1), q(2), q(-1), q(1), q(-1), q(1), q(2), q(1), q(1)}, {q(0), q(1), q(-1)}, true},
                Layer{1, 3, {q(2), q(-1), q(5, 7)}, {q(-1, 4)}, false}};
  bool stopped = false;
  try {
    tropicalize(net, false, RunLimits{}, 4);
  } catch (const Stopped& s) {
    stopped = s.reason == StopReason::max_count;
  }
  CHECK(stopped);
}

int main() {
  test_prune_below_the_double_range();
  test_stops();
  test_subdivision_square_and_tripod();
  test_canonical_merges_by_max();
  test_square_formal_vs_functional();
  test_unit_square_and_centre();
  test_product_is_minkowski_sum();
  test_tropicalize_matches_forward();
  test_pieces_equal_the_expansion();
  test_hull_vertices();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
