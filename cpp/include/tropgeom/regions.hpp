// Exact enumeration of the activation regions of a ReLU network over R^d or a polyhedral domain.
//
// Cells are refined neuron by neuron, depth first.  A neuron splits a cell iff its pre-activation
// (affine on the cell) takes both signs in the cell's interior.  Every such decision is proven: first
// by a float64 filter (a float LP whose answer is certified in interval arithmetic: dual multipliers
// for "no split", a dyadic point strictly on the far side for "split"), and where the filter is in
// doubt by exact rational arithmetic and CGAL's exact LP.  Regions keep their activation pattern, the
// neurons that cut them and an exact interior point; their exact H-representation and affine map are
// composed on demand (materialize).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstddef>
#include <iterator>
#include <memory>
#include <string>

#include "tropgeom/cell.hpp"
#include "tropgeom/lp.hpp"
#include "tropgeom/network.hpp"

namespace tropgeom {

// An exact point kept compactly: as doubles when every coordinate is one exactly (the search keeps
// its points dyadic whenever it can), else with its exact coordinates beside them.  A Region's point
// took ~100 B per coordinate as Rationals (mpq plus two limb allocations): half a region's bytes.
// Reads like a Vec of Rationals (size, [], iteration, ==, conversion); exact() is the Vec.
class Point {
 public:
  Point() = default;
  explicit Point(const Vec& q) { assign(q.begin(), q.end()); }
  explicit Point(std::vector<double> exact_doubles) : f_(std::move(exact_doubles)) {}
  template <class It>
  void assign(It first, It last) {
    assign_exact(Vec(first, last));
  }

  std::size_t size() const { return f_.size(); }
  bool empty() const { return f_.empty(); }
  Rational operator[](std::size_t j) const { return q_ ? (*q_)[j] : Rational(f_[j]); }
  Vec exact() const { return q_ ? *q_ : Vec(f_.begin(), f_.end()); }
  operator Vec() const { return exact(); }  // NOLINT: reads as the Vec it was
  // The doubles (truncated towards zero where is_double() is false: a filter's point, not a rounding).
  const std::vector<double>& doubles() const { return f_; }
  bool is_double() const { return !q_; }
  bool operator==(const Point& o) const { return exact() == o.exact(); }
  bool operator!=(const Point& o) const { return !(*this == o); }

  class const_iterator {  // yields Rationals by value
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Rational;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Rational;
    const_iterator(const Point* p, std::size_t j) : p_(p), j_(j) {}
    Rational operator*() const { return (*p_)[j_]; }
    const_iterator& operator++() { return ++j_, *this; }
    const_iterator operator++(int) { const_iterator t = *this; ++j_; return t; }
    bool operator==(const const_iterator& o) const { return j_ == o.j_; }
    bool operator!=(const const_iterator& o) const { return j_ != o.j_; }
   private:
    const Point* p_;
    std::size_t j_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, f_.size()}; }

 private:
  void assign_exact(Vec q);
  std::vector<double> f_;
  std::shared_ptr<const Vec> q_;  // null: f_ is exact
};

struct Region {
  std::vector<std::uint8_t> pattern;  // one byte per hidden neuron (layer order): 1 active, 0 not
  std::vector<int> cuts;              // the neurons whose hyperplanes cut it out, in order
  Point point;                        // exact point strictly inside (in y = B x while point_in_y)
  // Exact geometry, filled by materialize():
  bool has_geometry = false;
  bool point_in_y = false;            // searched in y = B x and not yet mapped back (lift_point)
  Matrix A;                           // the region is {x : A x <= b} (rows may be redundant)
  Vec b;
  std::vector<int> row_neuron;        // hidden-neuron index that made each row; -1 for domain rows
  Matrix J;                           // the network on the region: x -> J x + c
  Vec c;
};

struct RegionOptions : RunLimits {
  std::size_t max_regions = 0;  // 0: no limit; otherwise stop after this many (budget)
  bool keep_geometry = true;    // false: count only (regions vector stays empty)
  bool box_as_bounds = true;    // a box domain (rows +-e_i) kept as variable bounds; false: as rows
  // Domains reduced: a Polytope's rows a cell never meets dropped from it, R^d searched in the row space
  // of the first layer; false: neither (the reference path, for tests and the bench).
  bool reduce_domain = true;
  // R^d searched in y = B x: leave the region points in y (Region::point_in_y) for lift_point(s),
  // which the callers that read points run (regions() reads none; mapping them back was most of it).
  bool defer_points = false;
  // Resumable search (cell.hpp): start from these cells instead of the whole domain; stop after
  // max_cells search steps (0: no limit; deterministic at threads = 1); hand back, without deciding
  // it, every cell that has decided stop_at hidden neurons (a frontier; not a stop).
  std::vector<Cell> cells;
  bool from_cells = false;      // true: start from `cells` (possibly none)
  std::size_t max_cells = 0;
  std::size_t stop_at = SIZE_MAX;
};

struct RegionStats {
  std::size_t lps = 0;             // exact LPs solved
  std::size_t float_lps = 0;       // float LPs (their answers are certified, or re-decided exactly)
  std::size_t exact_decisions = 0; // decisions the float filter left to exact arithmetic
  std::size_t cells = 0;           // cells processed (internal nodes included)
};

struct PointLift;  // y -> x for a search in y = B x (regions.cpp)

struct RegionResult {
  std::vector<Region> regions;         // sorted by pattern (one order whatever the thread count)
  std::shared_ptr<const PointLift> lift;  // maps the points still in y (point_in_y) back to x
  std::shared_ptr<const Network> net;  // what the regions belong to, for materialize()
  Polyhedron domain;                   // its rows (none for R^d or a box kept as bounds)
  Vec lo, hi;                          // non-empty: the domain is the box lo <= x <= hi, kept as bounds
  std::size_t count = 0;
  RunStatus status;  // max_count: max_regions
  RegionStats stats;
  std::vector<Cell> open;  // the cells a stop (or stop_at) left undone: resuming them finishes the run
};

// r's point in x, if it is still in y (else nothing): the float x = P y when an interval forward pass
// proves every neuron's strict sign there (a dyadic point, stored as doubles), else the exact P y.
// Distinct regions may be lifted concurrently.
void lift_point(const RegionResult& res, Region& r);
// Every region's point in x, on `threads` workers (no budget: microseconds per region).
void lift_points(RegionResult& res, int threads);

// Fills r's exact A, b, row_neuron, J, c (once; cheap to call again).  domain: with its box as rows
// (domain_polyhedron).
void materialize(const Network& net, const Polyhedron& domain, Region& r);

// The result's domain as rows: its rows, or its box as x_j <= hi_j (j = 0..d-1) then -x_j <= -lo_j.
Polyhedron domain_polyhedron(const RegionResult& res);

// domain: {x : A x <= b}; zero rows means all of R^d.  Throws InputError if it is not full-dimensional.
RegionResult enumerate_regions(const Network& net, const Polyhedron& domain, const RegionOptions& opt);

// The box lo <= x <= hi (exact; lo_j < hi_j, else InputError) kept as variable bounds end to end: no
// 2d dense rows are made unless an exact decision or a region's geometry needs them (d = 784: the
// rows cost more than the whole count).  box_as_bounds = false passes it as rows (for tests).
RegionResult enumerate_regions(const Network& net, const Vec& lo, const Vec& hi, const RegionOptions& opt);

// The activation pattern met just past x in direction u: each hidden neuron's state at x + eps u for
// infinitesimal eps > 0, decided exactly (value first, then directional derivative; zero on both is
// inactive, as in the enumeration).
std::vector<std::uint8_t> pattern_towards(const Network& net, const Vec& x, const Vec& u);

// A materialized region is bounded: its recession cone {y : A y <= 0} is {0}.
bool is_bounded(const Region& r);

// Pairs i < j of regions sharing a facet: from the relative interior of each irredundant facet of
// region i made by a neuron, step outwards (pattern_towards) and look the pattern up.  Of a partial
// result (a budget stopped the run) neighbours that were never stored are skipped.  Materializes.
// reference: every facet decided by exact LPs (the float filter off; for tests).  only (if given):
// the facets of these regions alone, and pairs between two of them (linear() needs no others).
struct Adjacency {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // sorted
  RunStatus status;                                         // a stop keeps the pairs found so far
};
Adjacency adjacency(RegionResult& res, const RunLimits& lim, bool reference = false,
                    const std::vector<std::size_t>* only = nullptr);

}  // namespace tropgeom
