// Max-plus (tropical) polynomials with exact rational exponents and coefficients, and networks as
// tropical rational maps F ⊘ G (Zhang–Naitzat–Lim 2018; DESIGN §5.2).
//
// f(x) = max_i (c_i + E_i . x).  Exponents may be any rationals (a Laurent / Puiseux polynomial);
// tropicalize() only produces non-negative ones.  Every operation returns the canonical form: rows of
// E distinct and sorted lexicographically, duplicates merged by the max of their coefficients.
#pragma once

#include <cstdint>
#include <utility>

#include "tropgeom/network.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom {

struct TropPoly {
  std::size_t d = 0;
  Matrix E;  // k x d exponents
  Vec c;     // k coefficients

  std::size_t size() const { return c.size(); }
  static TropPoly constant(std::size_t d, const Rational& value);  // the single monomial `value`
  static TropPoly variable(std::size_t d, std::size_t j);          // x_j
};

// Throws InputError on shape mismatch or an empty polynomial; sorts rows and merges duplicates.
TropPoly canonical(TropPoly p);
// The canonical polynomial of k rows of doubles (E row-major k x d, finite): ordered and merged in
// double (exact: doubles compare as the rationals they are), so only the distinct rows are converted.
TropPoly canonical_from_doubles(std::size_t d, std::size_t k, const double* E, const double* c);
TropPoly trop_sum(const TropPoly& p, const TropPoly& q);      // p ⊕ q = max(p, q)
TropPoly trop_product(const TropPoly& p, const TropPoly& q);  // p ⊙ q = p + q (Minkowski sum)
TropPoly trop_power(const TropPoly& p, const Rational& r);    // p^r = r p, r >= 0 (p^0 = 0)
TropPoly trop_shift(const TropPoly& p, const Rational& a);    // a ⊙ p = p + a

Rational evaluate(const TropPoly& p, const Rational* x);

// The monomials that are the strict maximum on a non-empty open set of R^d, i.e. the vertices of the
// upper hull of the lifted points (E_i, c_i).  Same function, fewest monomials.  Exact.
//
// Every long call here takes RunLimits (time, Ctrl-C, progress) and throws Stopped at a stop: a part
// of a prune, a subdivision or a tropicalization is not a valid answer on its own.
TropPoly prune(const TropPoly& p, const RunLimits& lim = {});

// prune() that returns at a stop with the monomials not yet proven redundant: the same function,
// partly pruned (status says whether it finished).
struct Pruned {
  TropPoly poly;
  RunStatus status;
};
Pruned prune_within(const TropPoly& p, const RunLimits& lim);

// Indices (into the canonical p) of the upper-hull vertices: the monomials prune() keeps.
std::vector<std::size_t> upper_vertices(const TropPoly& canonical_p, const RunLimits& lim = {});

// Indices (into the canonical p) of the vertices of conv(exponent rows), coefficients ignored, exact:
// CGAL's exact 2-D / 3-D hulls in affine dimension <= 3, the pruner above.
std::vector<std::size_t> hull_vertices(const TropPoly& canonical_p, const RunLimits& lim = {});

// The regular subdivision of the exponents induced by the coefficients, i.e. the upper faces of the
// lifted polytope projected down, found by walking the tropical hypersurface: its vertices are the
// upper facets (cells), its edges the upper ridges.  Exact (rational linear algebra, no LP).
//
// x lives in the r = dim(Newton polytope) pivot coordinates `coords` (the others are 0): f depends on
// x only modulo the lineality space, so each cell is one point and each edge one segment or ray there.
struct SubdivisionCell {
  std::vector<std::size_t> monomials;  // every monomial on the upper facet (its lift), sorted
  Vec point;                           // x (length d) where exactly these attain the max; normal (x, 1)
};
struct SubdivisionEdge {
  std::vector<std::size_t> monomials;  // the monomials tying on the edge (an upper ridge), sorted
  std::size_t cell = 0;                // the cell the edge leaves, along `direction`
  long other = -1;                     // the cell it reaches (at point + t direction), or -1: a ray
  Vec direction;                       // length d; normal to the ridge's exponents
};
struct Subdivision {
  std::size_t rank = 0;             // affine dimension of the Newton polytope
  std::vector<std::size_t> coords;  // the r coordinates x moves in
  Matrix lineality;                 // (d - r) x d basis of the directions along which f is affine
  std::vector<SubdivisionCell> cells;
  std::vector<SubdivisionEdge> edges;  // each once
};
Subdivision subdivision(const TropPoly& canonical_p, const RunLimits& lim = {});

// For each monomial of p, whether its region {x : it attains the max} is bounded: the recession cone
// {y : (E_k - E_i) y <= 0 for all k} is {0} (exact LP).
std::vector<char> bounded_regions(const TropPoly& p, const RunLimits& lim = {});

struct TropRational {
  TropPoly numerator, denominator;  // the map is numerator(x) - denominator(x)
};

// One tropical rational map per output of net (DESIGN §5.2 recursion).  Pruned (prune set): read off
// the activation regions (tropical_pieces), the same monomial sets as tropicalize_expanded(net, true).
// Unpruned: the expansion; its sizes grow as products of the layer widths' powers: max_monomials
// (0 = no limit) stops the run (Stopped(max_count)) before memory runs out.
std::vector<TropRational> tropicalize(const Network& net, bool prune, const RunLimits& lim = {},
                                      std::size_t max_monomials = 0);

// The recursion expanded product by product, pruned after every product and every layer when prune
// is set (pruning commutes with ⊙ and ⊕, so this changes nothing but sizes): the reference path.
std::vector<TropRational> tropicalize_expanded(const Network& net, bool prune, const RunLimits& lim = {},
                                               std::size_t max_monomials = 0);

// The pruned maps from the region engine: on each activation region every F^l, G^l of the recursion
// is affine (F' is H or G' by the neuron's state), so the output's F and G are one monomial there;
// the distinct ones are exactly the upper-hull vertices (each is the strict maximum on the open
// regions where it is F).  Also says which monomial each region has.
struct TropicalPieces {
  std::vector<TropRational> maps;                   // pruned, canonical, one per output
  std::vector<std::vector<std::uint8_t>> patterns;  // the activation regions, sorted by pattern
  std::vector<std::size_t> numerator, denominator;  // [region * outputs + o]: the monomial index in maps[o]
  RunStatus status;                                 // after a stop: the maps of the regions found so far
};
TropicalPieces tropical_pieces(const Network& net, const RunLimits& lim = {});

// Linear regions of x -> F(x) - G(x): the full-dimensional intersections of a region of F with one of
// G (exact LP, or a point where both maxima are unique), glued across shared facets when their affine
// maps agree (DESIGN §5.1: a linear region is a facet-connected union with one affine map).
std::size_t linear_regions(const TropPoly& F, const TropPoly& G, const RunLimits& lim = {});

// The linear regions made of given cells (i, j) = {F is monomial i} ∩ {G is monomial j} (F, G
// canonical, every cell full-dimensional, e.g. read off activation regions): cells with the same
// affine map glued where they share a facet (exact LP per such pair).  label[c] numbers the linear
// regions 0.. in order of their first cell.
struct GluedCells {
  std::vector<std::size_t> label;
  std::size_t count = 0;
};
GluedCells glue_cells(const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                      const RunLimits& lim = {});

// The linear regions of x -> F(x) - G(x) without a net: a walk over the full-dimensional cells
// (i, j) = {F is monomial i} ∩ {G is monomial j} from facet to facet, each cell's rows a superset of
// its facets (rows are dropped only when proven implied); cells with one affine map meeting in a facet
// glued.  Indices i, j are into canonical(F), canonical(G) (only their upper-hull vertices occur).
// Same cells and labels (up to numbering) as glue_cells on all full-dimensional cells.
struct LinearCells {
  std::vector<std::pair<std::size_t, std::size_t>> cells;  // in walk order
  GluedCells glued;                                        // the linear region of each cell
};
LinearCells linear_cells(const TropPoly& F, const TropPoly& G, const RunLimits& lim = {});

}  // namespace tropgeom
