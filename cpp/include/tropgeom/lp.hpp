// Exact linear programming over rational polyhedra {x in R^dim : A x <= b, C x = d}.
//
// These are the questions every geometric feature asks of a cell: is it empty, what is its dimension,
// give a point strictly inside it, optimise a linear form, is a row redundant or a facet.  All answers
// are exact (CGAL's LP solver on Gmpzf, see src/kernel.hpp).
#pragma once

#include "tropgeom/types.hpp"

namespace tropgeom {

struct Polyhedron {
  std::size_t dim = 0;
  Matrix A;  // inequalities A x <= b
  Vec b;
  Matrix C;  // equalities C x = d
  Vec d;

  explicit Polyhedron(std::size_t dim_ = 0) : dim(dim_), A(0, dim_), C(0, dim_) {}
  std::size_t num_inequalities() const { return A.rows; }
  void add_inequality(const Rational* a, const Rational& rhs);
  void add_equality(const Rational* c, const Rational& rhs);
  Polyhedron without_inequality(std::size_t i) const;
};

enum class LPStatus { optimal, infeasible, unbounded };

struct LPResult {
  LPStatus status = LPStatus::infeasible;
  Vec x;           // an optimal vertex/point when optimal
  Rational value;  // the optimum when optimal
};

// max (or min) c.x over P.
LPResult optimize(const Polyhedron& P, const Vec& c, bool maximize = true);
// The same over P and the unit box 0 <= x <= 1, the box as variable bounds (no rows: CGAL's solver
// stays fast with few rows and many bounded variables, e.g. a cell of a box in R^784).
LPResult optimize_unit_box(const Polyhedron& P, const Vec& c, bool maximize = true);

struct InteriorResult {
  bool feasible = false;
  int dimension = -1;                         // affine dimension; -1 when empty
  Vec point;                                  // strictly inside P relative to its affine hull
  Rational radius;                            // l_inf ball (in the hull's directions) radius, capped at 1
  std::vector<std::size_t> implicit_equalities;  // inequality rows tight on all of P
};

// Dimension and a relative-interior point: maximise t with a_i x + t ||a_i||_1 <= b_i; rows that the
// dual certificate shows tight when t* = 0 are implicit equalities, moved to the equalities, repeat.
InteriorResult relative_interior(const Polyhedron& P);

bool is_feasible(const Polyhedron& P);
bool is_full_dimensional(const Polyhedron& P);
// Row i is implied by the other rows and the equalities.
bool is_redundant(const Polyhedron& P, std::size_t i);
// P ∩ {a_i x = b_i} has dimension dim(P) - 1.
bool is_facet(const Polyhedron& P, std::size_t i);
// Indices of an irredundant subset of the inequalities describing the same P (duplicates keep one).
// One LP per row: takes RunLimits and throws Stopped at a stop.
std::vector<std::size_t> irredundant_inequalities(const Polyhedron& P, const RunLimits& lim = {});

}  // namespace tropgeom
