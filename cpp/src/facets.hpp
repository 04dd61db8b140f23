// Internal: the facets of a materialized region and its boundedness, decided by a float filter whose
// doubtful cases are decided exactly.  The one home of the facet decision: halfspaces and adjacency
// both read it.
#pragma once

#include "tropgeom/regions.hpp"

namespace tropgeom {

// A row kept in the irredundant H-representation of a region (full-dimensional, {x : A x <= b}).
// Row k is kept iff it defines a facet (P meets a_k x = b_k in dimension d - 1) and no earlier row
// is a positive multiple of (a_k, b_k): exactly the rows irredundant_inequalities keeps.
struct Facet {
  std::size_t row;
  std::vector<double> beyond;  // float proof: a point strictly past row k, strictly inside every other row
  Vec on;                      // exact proof: a relative interior point of the facet (beyond is then empty)
};

// The kept rows in row order.  reference = true decides every row exactly (relative interior LPs),
// for tests.  vertex_rows, if given, receives the vertices when they decided the facets (a bounded
// cell whose vertices are all simple): per vertex its d tight rows, sorted; else it is left empty.
// Without it the vertex walk is tried only up to d = kWalkDim: its cost grows with the vertices,
// which multiply with d, and past d = 4 the rays and LPs were faster (halfspace_arrays on a box:
// 1.5x at d = 5, 2.6x at d = 6).  proofs = false: the vertex path leaves `beyond` empty (only
// adjacency reads it).
constexpr std::size_t kWalkDim = 4;
std::vector<Facet> facets(const Region& r, bool reference = false,
                          std::vector<std::vector<std::size_t>>* vertex_rows = nullptr, bool proofs = true);

// The exact volume of such a cell from its simple vertices (facets' vertex_rows): each vertex solved
// exactly from its rows, the faces read off the tight sets (defined in polytope.cpp, beside the
// general volume).  lowest = false may leave it out of lowest terms (the same value; for a float
// view, which needs no gcd; canonicalize() before any other use).
Rational simple_volume(const Region& r, const std::vector<std::vector<std::size_t>>& vertex_rows,
                       const RunLimits& lim = {}, bool lowest = true);

// A relative interior point of the facet of row k (exact LP; k must define a facet).
Vec facet_point(const Region& r, std::size_t k);

// Bounded: the recession cone {y : A y <= 0} is {0}.  Float filter: a ray certified exactly proves
// unbounded; interval-certified lower bounds of d + 1 positively spanning objectives prove bounded;
// else exact.  reference = true: the exact test only.
bool bounded(const Region& r, bool reference = false);

}  // namespace tropgeom
