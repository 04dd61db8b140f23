// Resumable search (tropgeom/cell.hpp): the open cells of any stop are a cut of the search tree, so
// the regions found plus those found below the open cells are every region once.  Rational weights
// and a rational triangle make interior points that are not doubles (the exact-point path).
#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "check.hpp"
#include "tropgeom/regions.hpp"

using namespace tropgeom;

using Patterns = std::set<std::vector<std::uint8_t>>;

// Runs from `cells` (or the whole domain) in rounds of max_cells steps; every region's pattern.
static Patterns in_rounds(const Network& net, const Polyhedron& dom, std::size_t max_cells, int threads,
                          std::size_t* rounds) {
  Patterns seen;
  RegionOptions opt;
  opt.max_cells = max_cells;
  opt.threads = threads;
  for (*rounds = 0;; ++*rounds) {
    RegionResult r = enumerate_regions(net, dom, opt);
    for (const Region& reg : r.regions) CHECK(seen.insert(reg.pattern).second);  // disjoint
    CHECK(r.status.complete == r.open.empty());
    if (r.open.empty()) return seen;
    CHECK(r.status.reason == StopReason::max_cells);
    opt.cells = std::move(r.open);
    opt.from_cells = true;
  }
}

static void test_rounds_cut_identity() {
  Polyhedron triangle(2);  // x >= -1/3, y >= -2/7, x + y <= 5/3
  const Rational rows[3][3] = {{-1, 0, q(1, 3)}, {0, -1, q(2, 7)}, {1, 1, q(5, 3)}};
  for (auto& r : rows) triangle.add_inequality(r, r[2]);
  const Polyhedron plane(2);
  for (const Polyhedron* dom : std::vector<const Polyhedron*>{&plane, &triangle})
    for (unsigned seed : {1u, 2u}) {
      const Network net = random_net(2, {5, 4}, seed);
      const RegionResult full = enumerate_regions(net, *dom, RegionOptions{});
      Patterns want;
      for (const Region& r : full.regions) want.insert(r.pattern);
      for (int threads : {1, 2}) {
        std::size_t rounds = 0;
        CHECK(in_rounds(net, *dom, 3, threads, &rounds) == want);
        CHECK(rounds > 2);
      }
    }
}

static void test_frontier_and_bad_cells() {
  const Network net = random_net(2, {5, 4}, 3);
  const Polyhedron plane(2);
  const RegionResult full = enumerate_regions(net, plane, RegionOptions{});
  for (std::size_t at : {1u, 4u, 7u}) {
    RegionOptions f;
    f.stop_at = at;
    RegionResult cut = enumerate_regions(net, plane, f);
    CHECK(cut.status.complete);  // a frontier is not a stop
    std::size_t total = cut.count;
    for (const Cell& c : cut.open) CHECK(c.pattern.size() == at);
    RegionOptions rest;
    rest.from_cells = true;
    rest.cells = cut.open;
    total += enumerate_regions(net, plane, rest).count;
    CHECK(total == full.count);
  }
  RegionOptions f;
  f.stop_at = 3;
  RegionResult cut = enumerate_regions(net, plane, f);
  CHECK(!cut.open.empty());
  Cell bad = cut.open.front();
  bad.pattern[0] ^= 1;  // the point no longer has the pattern
  RegionOptions rest;
  rest.from_cells = true;
  rest.cells = {bad};
  bool refused = false;
  try {
    enumerate_regions(net, plane, rest);
  } catch (const InputError&) {
    refused = true;
  }
  CHECK(refused);
}

int main() {
  test_rounds_cut_identity();
  test_frontier_and_bad_cells();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_cell: all checks passed\n");
  return failures ? 1 : 0;
}
