// Internal: a float64 LP filter.  A small dense primal active-set method for min c.x over
// {A x <= b} started from a strictly feasible point.  Its answers are hints only: callers prove them
// (certify_nonnegative in intervals, certify_lower_bound exactly, or an exact point check) and fall
// back to the exact LP otherwise.
#pragma once

#include <vector>

#include "interval.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom::flp {

// Rows normalised to unit length, in double.
struct Rows {
  std::size_t d = 0;
  std::vector<double> A, b;
  std::vector<double> scale;  // what each row was divided by (multipliers of the unit rows / scale: the given rows')
  void add(const double* a, double rhs);
  std::size_t size() const { return b.size(); }
};

enum class Status { optimal, unbounded, failed, below };  // below: stopped at c.x < stop_below

struct Result {
  Status status = Status::failed;
  std::vector<double> x;    // the optimum, else the last point reached (a point of the cell)
  std::vector<int> active;  // rows of the optimal active set (linearly independent)
  std::vector<double> ray;  // a direction of unboundedness
};

// stop_below: return (status below) at the first point reached with c.x < stop_below, a witness that
// the minimum is lower (the region engine's splits need no more).
Result minimize(const Rows& R, const std::vector<double>& c, const std::vector<double>& start,
                double stop_below = -INFINITY);

// Rigorous: min over {A x <= b} of c.x + c0 >= 0 (> 0 if strict), proven by multipliers mu >= 0 on the
// `active` rows with A_W^T mu = -c: for d active rows solved in interval arithmetic (A, b, c, c0
// enclose the exact data; A is row-major with d columns); otherwise, if the cell lies in the box
// |x_t| <= radius[t], by a residual bound.  False when the proof fails (the caller decides exactly).
// Least-squares float multipliers of the active rows (coordinates with skip[t] != 0 left out).
bool multipliers(const std::vector<iv::Interval>& A, const std::vector<int>& active, const iv::Interval* c,
                 std::size_t d, const signed char* skip, std::vector<double>& mu);
bool certify_nonnegative(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                         const std::vector<int>& active, const iv::Interval* c, const iv::Interval& c0,
                         bool strict = false, const double* radius = nullptr);

// Exact: min over {A x <= b} of c.x >= bound, proven by multipliers mu >= 0 on the given rows (A
// row-major, b.size() rows of c.size() columns, linearly independent) with A^T mu = -c and
// -mu.b >= bound; any number of rows: c may lie in the span of fewer than d.  Integer data: rows may
// be scaled by any positive factor.  False when no such proof exists on these rows.
bool certify_lower_bound(const std::vector<Integer>& A, const std::vector<Integer>& b, const std::vector<Integer>& c,
                         const Integer& bound);

// "Row k of {A x <= b} is implied by the rows W" (max a_k x <= b_k over them) as certify_lower_bound's
// integer data: the rows W, c = -a_k and bound = -b_k, each row scaled by its clearing factor.
struct Implied {
  std::vector<Integer> A, b, c;
  Integer bound;
};
Implied implied(const Matrix& A, const Vec& b, const std::vector<int>& W, std::size_t k);

}  // namespace tropgeom::flp
