// Internal: a float64 LP filter.  A small dense primal active-set method for min c.x over
// {A x <= b} started from a strictly feasible point.  Its answers are hints only: callers certify them
// exactly (certify_lower_bound, or an exact point check) and fall back to the exact LP otherwise.
#pragma once

#include <vector>

#include "tropgeom/types.hpp"

namespace tropgeom::flp {

// Rows normalised to unit length, in double.
struct Rows {
  std::size_t d = 0;
  std::vector<double> A, b;
  void add(const Rational* a, const Rational& rhs);
  std::size_t size() const { return b.size(); }
};

enum class Status { optimal, unbounded, failed };

struct Result {
  Status status = Status::failed;
  std::vector<double> x;    // optimal point
  std::vector<int> active;  // rows of the optimal active set (linearly independent)
  std::vector<double> ray;  // a direction of unboundedness
};

Result minimize(const Rows& R, const std::vector<double>& c, const std::vector<double>& start);

// Exact: min over {A x <= b} of c.x >= bound, proven by multipliers mu >= 0 on `active` rows with
// A_W^T mu = -c and -mu.b_W >= bound.  False when no such proof exists on these rows.
bool certify_lower_bound(const Matrix& A, const Vec& b, const std::vector<int>& active, const Vec& c,
                         const Rational& bound);

}  // namespace tropgeom::flp
