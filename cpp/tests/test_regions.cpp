// The layer map (cpp/src/layer_map.hpp) and the region engine: the map in Integer, Rational and
// Interval agrees with the exact forward pass; the cut convention keeps the side of the pattern; a
// region's exact map equals the forward pass at its point; counts of hand-checked arrangements, also
// with extreme magnitudes; threads = 1 and threads = 2 give the same regions in the same order.
#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include "../src/box.hpp"
#include "../src/layer_map.hpp"
#include "../src/search.hpp"
#include "check.hpp"
#include "tropgeom/regions.hpp"

using namespace tropgeom;

static void test_layer_map_agrees() {
  // Every type's composition of the same cell (pattern from the point x) agrees with the exact one.
  const Network net = random_net(3, {4, 3}, 1);
  const NeuronIndex ix(net);
  const Vec x = {q(1, 3), q(-2, 5), q(7, 4)};
  std::vector<std::uint8_t> pattern;
  for (int s : net.pre_activation_signs(x)) pattern.push_back(is_active(s));
  const auto Wz = weights_as<Integer>(net);
  const auto Wi = weights_as<iv::Interval>(net);
  std::vector<std::shared_ptr<const AffineMap<Integer>>> zi;
  std::vector<std::shared_ptr<const AffineMap<Rational>>> zq;
  std::vector<std::shared_ptr<const AffineMap<iv::Interval>>> zv;
  extend(net, Wz, ix, pattern, zi, net.layers.size());
  extend(net, weights_as<Rational>(net), ix, pattern, zq, net.layers.size());
  extend(net, Wi, ix, pattern, zv, net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    CHECK(zi[l]->q > 0);
    for (std::size_t i = 0; i < zq[l]->rows; ++i) {
      Vec g(3);
      Rational e;
      rational_row(*zi[l], i, g.data(), e);
      CHECK(e == zq[l]->e[i]);
      CHECK(zv[l]->e[i].lo <= e.get_d() && e.get_d() <= zv[l]->e[i].hi);
      for (std::size_t j = 0; j < 3; ++j) {
        CHECK(g[j] == zq[l]->G[i * 3 + j]);
        CHECK(zv[l]->G[i * 3 + j].lo <= g[j].get_d() && g[j].get_d() <= zv[l]->G[i * 3 + j].hi);
      }
    }
  }
  // On the cell the last map is the network: G x + e at x equals the forward pass.
  const AffineMap<Rational>& out = *zq.back();
  Rational y = out.e[0];
  for (std::size_t j = 0; j < 3; ++j) y += out.G[j] * x[j];
  CHECK(y == net.forward(x)[0]);
  // A point is a map with no columns: pushing it through is the forward pass, layer by layer.
  AffineMap<Rational> h = push(net.layers[0], point_map(x));
  Rational z0 = net.layers[0].b[0];
  for (std::size_t k = 0; k < 3; ++k) z0 += net.layers[0].W[k] * x[k];
  CHECK(h.e[0] == z0 && h.cols == 0);
  // In doubles, on a net whose every number is a small dyadic (all sums exact): the same values.
  Network dy;
  dy.layers.push_back(layer(2, 2, {q(1, 2), q(-3), q(5, 4), q(1)}, {q(1, 8), q(-2)}, true));
  dy.layers.push_back(layer(1, 2, {q(2), q(-1, 4)}, {q(3)}, false));
  const auto Wd = weights_as<double>(dy);
  for (const Vec& p : {Vec{q(1), q(-1, 2)}, Vec{q(-3, 4), q(2)}}) {
    AffineMap<double> f = point_map(std::vector<double>{p[0].get_d(), p[1].get_d()});
    for (std::size_t l = 0; l < 2; ++l) {
      f = push(Wd[l], f);
      if (dy.layers[l].relu)
        for (double& v : f.e) v = v > 0 ? v : 0;
    }
    CHECK(Rational(f.e[0]) == dy.forward(p)[0]);
  }
}

static void test_cut_row_convention() {
  // z = 2 x - y + 1: active side -2 x + y <= 1 holds where z >= 0; inactive 2 x - y <= -1 where z <= 0.
  const Vec g = {q(2), q(-1)};
  const Rational e = 1;
  Vec a(2);
  Rational rhs;
  cut_row(g.data(), e, true, 2, a.data(), rhs);
  CHECK(a[0] == -2 && a[1] == 1 && rhs == 1);
  cut_row(g.data(), e, false, 2, a.data(), rhs);
  CHECK(a[0] == 2 && a[1] == -1 && rhs == -1);
  CHECK(is_active(1) && !is_active(0) && !is_active(-1));  // zero is inactive
  CHECK(activity(iv::exact(0)) == 0 && activity(iv::Interval{-1, 1}) == -1 && activity(iv::exact(2)) == 1);
}

static void test_pattern_towards() {
  // Neurons x and -x + 0 on R^1, then a linear output.  At x = 0 both vanish: towards u = +1 the first
  // is active, the second not; towards u = -1 the reverse.  u = 0 leaves both inactive.
  Network net;
  net.layers.push_back(layer(2, 1, {q(1), q(-1)}, {q(0), q(0)}, true));
  net.layers.push_back(layer(1, 2, {q(1), q(1)}, {q(0)}, false));
  CHECK((pattern_towards(net, {q(0)}, {q(1)}) == std::vector<std::uint8_t>{1, 0}));
  CHECK((pattern_towards(net, {q(0)}, {q(-1)}) == std::vector<std::uint8_t>{0, 1}));
  CHECK((pattern_towards(net, {q(0)}, {q(0)}) == std::vector<std::uint8_t>{0, 0}));
}

static RegionResult run(const Network& net, int threads, const Polyhedron& dom) {
  RegionOptions opt;
  opt.threads = threads;
  return enumerate_regions(net, dom, opt);
}

static void test_counts_and_geometry() {
  // Three lines x = 0, y = 0, x + y = 1 in general position: 7 regions; every region's map is the
  // forward pass at its point, and the point is strictly inside its cell.
  Network net;
  net.layers.push_back(layer(3, 2, {q(1), q(0), q(0), q(1), q(1), q(1)}, {q(0), q(0), q(-1)}, true));
  net.layers.push_back(layer(1, 3, {q(1), q(-2), q(3)}, {q(1, 2)}, false));
  RegionResult res = run(net, 1, Polyhedron(2));
  CHECK(res.count == 7 && res.regions.size() == 7 && res.status.complete);
  for (Region& r : res.regions) {
    materialize(net, res.domain, r);
    Rational y = r.c[0] + r.J(0, 0) * r.point[0] + r.J(0, 1) * r.point[1];
    CHECK(y == net.forward(r.point)[0]);
    for (std::size_t i = 0; i < r.A.rows; ++i) CHECK(r.A(i, 0) * r.point[0] + r.A(i, 1) * r.point[1] < r.b[i]);
  }
  // Extreme magnitudes decided exactly: the zero of 2^-1074 x + 1 lies at -2^1074 (no double): 2
  // regions; two lines crossing at x = 1e310: 4.
  Network tiny;
  tiny.layers.push_back(layer(1, 1, {Rational(5e-324)}, {q(1)}, true));
  tiny.layers.push_back(layer(1, 1, {q(1)}, {q(0)}, false));
  CHECK(run(tiny, 1, Polyhedron(1)).count == 2);
  // Beyond any double: weights 2^-1200 and 2^1200 (zeros at -2^1200 and at -2^-1200, 2^-1200): 4.
  const Rational t(Integer(1), Integer(1) << 1200), T(Integer(1) << 1200);
  Network huge;
  huge.layers.push_back(layer(3, 1, {t, T, T}, {q(1), q(1), q(-1)}, true));
  huge.layers.push_back(layer(1, 3, {q(1), q(1), q(1)}, {q(0)}, false));
  RegionResult rh = run(huge, 2, Polyhedron(1));
  CHECK(rh.count == 4);
  for (const Region& r : rh.regions) {
    const std::vector<int> s = huge.pre_activation_signs(r.point);
    for (std::size_t n = 0; n < s.size(); ++n) CHECK(s[n] != 0 && is_active(s[n]) == (r.pattern[n] != 0));
  }
  Network far;
  far.layers.push_back(layer(2, 2, {Rational(1e-300), q(1), q(0), q(1)}, {Rational(-1e10), q(0)}, true));
  far.layers.push_back(layer(1, 2, {q(1), q(1)}, {q(0)}, false));
  RegionResult rf = run(far, 1, Polyhedron(2));
  CHECK(rf.count == 4);
  for (const Region& r : rf.regions) {  // exact points, some beyond the double range, of their own pattern
    const std::vector<int> s = far.pre_activation_signs(r.point);
    for (std::size_t n = 0; n < s.size(); ++n) CHECK(s[n] != 0 && is_active(s[n]) == (r.pattern[n] != 0));
  }
}

static void test_order_independent_of_threads() {
  for (unsigned seed : {2u, 3u, 4u}) {
    const Network net = random_net(2, {5, 4}, seed);
    Polyhedron box(2);
    for (int s : {1, -1})
      for (std::size_t j = 0; j < 2; ++j) {
        Vec a(2);
        a[j] = s;
        box.add_inequality(a.data(), q(3));
      }
    for (const Polyhedron& dom : {Polyhedron(2), box}) {
      RegionResult one = run(net, 1, dom);
      for (int rep = 0; rep < 3; ++rep) {
        RegionResult two = run(net, 2, dom);
        CHECK(two.count == one.count && two.regions.size() == one.regions.size());
        for (std::size_t i = 0; i < one.regions.size() && i < two.regions.size(); ++i) {
          CHECK(one.regions[i].pattern == two.regions[i].pattern);
          CHECK(one.regions[i].point == two.regions[i].point);
          CHECK(one.regions[i].cuts == two.regions[i].cuts);
          if (i > 0) CHECK(one.regions[i - 1].pattern < one.regions[i].pattern);  // sorted by pattern
        }
        RunLimits lim;
        lim.threads = 2;
        CHECK(adjacency(two, lim).pairs == adjacency(one, RunLimits{}).pairs);
      }
    }
  }
}

// The box [lo_j, hi_j]^d as 2d rows +-e_j (scaled by 2 on the upper side: still a box).
static Polyhedron box_rows(const Vec& lo, const Vec& hi) {
  const std::size_t d = lo.size();
  Polyhedron P(d);
  for (std::size_t j = 0; j < d; ++j) {
    Vec a(d);
    a[j] = 2;
    P.add_inequality(a.data(), 2 * hi[j]);
    a[j] = -1;
    P.add_inequality(a.data(), -lo[j]);
  }
  return P;
}

static void test_box_as_bounds() {
  // A box kept as bounds gives the regions of the box kept as rows: same count, patterns, cuts and
  // exact halfspaces; bounds that are no doubles (1/3, 5/7) included.
  struct Case { std::size_t d; std::vector<std::size_t> widths; unsigned seed; };
  for (const Case& c : {Case{2, {6, 5}, 11}, Case{3, {5, 4}, 12}, Case{4, {4, 4, 3}, 13}, Case{3, {8}, 14}}) {
    const Network net = random_net(c.d, c.widths, c.seed);
    Vec lo(c.d), hi(c.d);
    for (std::size_t j = 0; j < c.d; ++j) lo[j] = q(-1, 3) - j, hi[j] = q(5, 7) + 2 * j;
    const Polyhedron dom = box_rows(lo, hi);
    box::Box B;
    CHECK(box::detect(dom, B) && B.lo == lo && B.hi == hi);
    RegionOptions as_rows;
    as_rows.box_as_bounds = false;
    RegionResult a = enumerate_regions(net, dom, RegionOptions{}), b = enumerate_regions(net, dom, as_rows);
    CHECK(a.count == b.count && a.count > 1 && a.regions.size() == b.regions.size());
    CHECK(a.stats.cells == b.stats.cells && a.stats.float_lps <= b.stats.float_lps);
    for (std::size_t i = 0; i < a.regions.size() && i < b.regions.size(); ++i) {
      Region &ra = a.regions[i], &rb = b.regions[i];
      CHECK(ra.pattern == rb.pattern && ra.cuts == rb.cuts);
      materialize(net, dom, ra);
      materialize(net, dom, rb);
      CHECK(ra.A.data == rb.A.data && ra.b == rb.b && ra.J.data == rb.J.data && ra.c == rb.c);
      for (std::size_t k = 0; k < ra.A.rows; ++k) {  // the point is strictly inside its cell
        Rational s = 0;
        for (std::size_t j = 0; j < c.d; ++j) s += ra.A(k, j) * ra.point[j];
        CHECK(s < ra.b[k]);
      }
    }
  }
  // Not boxes: a row with two non-zeros, a coordinate bounded one way only.
  Polyhedron P = box_rows({q(0), q(0)}, {q(1), q(1)});
  box::Box B;
  Polyhedron Q = P;
  const Vec diag = {q(1), q(1)};
  Q.add_inequality(diag.data(), q(3));
  CHECK(!box::detect(Q, B));
  Polyhedron half(2);
  const Vec e0 = {q(1), q(0)}, e1 = {q(0), q(1)}, m1 = {q(0), q(-1)};
  half.add_inequality(e0.data(), q(1));
  half.add_inequality(e1.data(), q(1));
  half.add_inequality(m1.data(), q(1));
  CHECK(!box::detect(half, B));
}

static void test_box_certificates() {
  // Exact lower bounds over {A x <= b} and the box [0, 1]^2, against hand-computed minima.
  Polyhedron P = box_rows({q(0), q(0)}, {q(1), q(1)});
  box::Box B;
  CHECK(box::detect(P, B));
  using Z = std::vector<Integer>;
  // No rows: min of x1 - x2 over the box is -1.
  CHECK(box::certify_lower_bound({}, {}, Z{1, -1}, Integer(-1), {0, 0}, B));
  CHECK(!box::certify_lower_bound({}, {}, Z{1, -1}, Integer(0), {0, 0}, B));
  // x1 + x2 >= 1/2 (row -2 x1 - 2 x2 <= -1): min of 2 x1 + 2 x2 is 1 on a face (mu = 1).
  CHECK(box::certify_lower_bound(Z{-2, -2}, Z{-1}, Z{2, 2}, Integer(1), {0, 0}, B));
  CHECK(!box::certify_lower_bound(Z{-2, -2}, Z{-1}, Z{2, 2}, Integer(2), {0, 0}, B));
  // min of 2 x1 + 6 x2 there is 1 at (1/2, 0): x2 at its lower bound, x1 free.
  CHECK(box::certify_lower_bound(Z{-2, -2}, Z{-1}, Z{2, 6}, Integer(1), {0, -1}, B));
  CHECK(!box::certify_lower_bound(Z{-2, -2}, Z{-1}, Z{2, 6}, Integer(2), {0, -1}, B));
  // The float LP finds that optimum, and its interval certificate proves 2 x1 + 6 x2 - 0.99 >= 0.
  flp::Rows R;
  R.d = 2;
  const double row[2] = {-2, -2};
  R.add(row, -1);
  const box::Result r = box::minimize(R, B, {2, 6}, {0.75, 0.5});
  CHECK(r.status == flp::Status::optimal && r.active == std::vector<int>{0} && r.at[1] == -1 && r.at[0] == 0);
  CHECK(std::fabs(r.x[0] - 0.5) < 1e-12 && r.x[1] == 0);
  const std::vector<iv::Interval> A = {iv::exact(-2), iv::exact(-2)}, b = {iv::exact(-1)}, c = {iv::exact(2), iv::exact(6)};
  CHECK(box::certify_nonnegative(A, b, r.active, r.at, c.data(), iv::exact(-0.99), B));  // (a zero min is left to the exact proof)
  CHECK(!box::certify_nonnegative(A, b, r.active, r.at, c.data(), iv::exact(-1.01), B));
}

static void test_points_deferred_in_y() {
  // R^d with n1 <= d (searched in y = W1 x): deferred points are in y until lifted, then every one is
  // strictly inside its materialized cell and its exact signs are its pattern, as the eager run's.
  for (unsigned seed : {21u, 22u}) {
    const Network net = random_net(5, {4, 3}, seed);
    RegionOptions lazy;
    lazy.defer_points = true;
    RegionResult a = enumerate_regions(net, Polyhedron(5), lazy), b = enumerate_regions(net, Polyhedron(5), RegionOptions{});
    CHECK(a.lift != nullptr && a.regions.size() == b.regions.size() && a.regions.size() > 1);
    for (const Region& r : a.regions) CHECK(r.point_in_y && r.point.size() == 4);
    lift_point(a, a.regions[0]);  // one alone, then the rest in bulk
    CHECK(!a.regions[0].point_in_y && a.regions[0].point.size() == 5);
    lift_points(a, 2);
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
      Region &ra = a.regions[i], &rb = b.regions[i];
      CHECK(!ra.point_in_y && !rb.point_in_y && ra.pattern == rb.pattern && ra.point == rb.point);
      std::vector<std::uint8_t> p;
      for (int s : net.pre_activation_signs(ra.point)) p.push_back(is_active(s));
      CHECK(p == ra.pattern);
      materialize(net, Polyhedron(5), ra);
      for (std::size_t k = 0; k < ra.A.rows; ++k) {
        Rational s = 0;
        for (std::size_t j = 0; j < 5; ++j) s += ra.A(k, j) * ra.point[j];
        CHECK(s < ra.b[k]);
      }
    }
  }
}

static void test_ctrl_c_after_last_node_still_stops() {
  // The poll consumes a Ctrl-C (the hook clears it) while the last node runs: nothing is lost, yet the
  // run must report it, or a Ctrl-C between a caller's core calls (frontier's passes) is swallowed.
  const auto slow = [](int&&, const ParallelSearch<int>::Push&) { std::this_thread::sleep_for(std::chrono::milliseconds(60)); };
  for (int threads : {1, 2}) {
    RunLimits lim;
    lim.threads = threads;
    lim.cancel = [] { return true; };
    ParallelSearch<int> search(lim);
    search.run(0, slow, [] {});
    CHECK(search.take_open().empty());
    CHECK(!search.status().complete && search.status().reason == StopReason::interrupted);
  }
  RunLimits lim;  // a time stop after the last node lost nothing: complete
  lim.max_seconds = 1e-3;
  ParallelSearch<int> search(lim);
  search.run(0, slow, [] {});
  CHECK(search.status().complete);
}

int main() {
  test_points_deferred_in_y();
  test_layer_map_agrees();
  test_cut_row_convention();
  test_pattern_towards();
  test_counts_and_geometry();
  test_order_independent_of_threads();
  test_box_as_bounds();
  test_box_certificates();
  test_ctrl_c_after_last_node_still_stops();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_regions: all checks passed\n");
  return failures ? 1 : 0;
}
