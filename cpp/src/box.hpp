// Internal: a box domain {lo <= x <= hi} kept as variable bounds instead of 2d dense rows.  A box in
// R^784 as rows makes every cell carry 1568 rows of 784 columns and every LP and certificate pay for
// them; as bounds a cell carries only its cuts, the float LP fixes variables at their bounds (a
// bounded-variable active-set method), and proofs take the closed-form minimum of an affine function
// over the box (sum_j min(r_j lo_j, r_j hi_j)) for the bound constraints' part.
#pragma once

#include <atomic>
#include <vector>

#include "float_lp.hpp"
#include "interval.hpp"
#include "tropgeom/lp.hpp"

namespace tropgeom::box {

struct Box {
  std::size_t d = 0;
  Vec lo, hi;                         // exact
  std::vector<iv::Interval> ilo, ihi; // enclosures of lo_j and hi_j
  std::vector<iv::Interval> range;    // [lo_j, hi_j] enclosed outwards
  std::vector<double> flo, fhi;       // nearest doubles, for the float LP's hints only
};

// The domain as a box when every row has exactly one non-zero (rows +-c e_i, duplicates allowed) and
// every coordinate is bounded both ways; false otherwise.
bool detect(const Polyhedron& P, Box& out);

// The rows +-c e_j (c > 0) of P as a box, the tightest bound of each side kept, and its other rows in
// rest (a zero row included); false (out and rest untouched) unless every coordinate is bounded both
// ways with lo < hi.
bool split(const Polyhedron& P, Box& out, Polyhedron& rest);

// The box lo <= x <= hi itself (lo < hi in every coordinate, checked by the caller).
Box make(Vec lo, Vec hi);

// The box's centre, exactly.
Vec centre(const Box& B);

// Exact: max (or min) c.x over P and the box, the box as variable bounds (CGAL's exact LP on the unit
// box after x = lo + (hi - lo) y); P's rows are the cell's cuts only.
LPResult optimize(const Polyhedron& P, const Vec& c, bool maximize, const Box& B);

// Exact: a point of P and the box where P's rows W hold with equality and the variables with at[t]
// != 0 sit at that bound; free variables the rows leave undetermined keep their value in x (the float
// LP's optimum).  False when that point does not exist or is not in P and the box.
bool face_point(const Polyhedron& P, const std::vector<int>& W, const std::vector<signed char>& at,
                const std::vector<double>& x, const Box& B, Vec& out);

struct Result : flp::Result {
  std::vector<signed char> at;  // per variable: -1 fixed at lo, +1 fixed at hi, 0 free
  std::vector<double> mu;       // the multipliers of `active` at an optimum (empty: none computed)
};

// A first layer W (n x d, n < d) through which every row of a box cell factors: each cut and each
// neuron is g.(W x) + e (all maps are affine in y = W x).  The LP then works on n-vectors: the Gram
// matrix of the active rows on the free variables is g_i^T G_F g_j with G_F = sum_{t free} w_t w_t^T
// (n x n, updated by one rank-one term per variable fixed or freed), O(k n^2) where the rows in x
// cost O(k^2 d).
struct Factor {
  std::size_t n = 0, d = 0;
  std::vector<double> W;   // n x d, row-major
  std::vector<double> WT;  // d x n: the columns w_t
  std::vector<double> G;   // W W^T
  Box ybox;                // the bounding box of W [B] (B the box), hints only (doubles)
};

// The factor of W (n x d, row-major, finite) for the box B.
Factor make_factor(std::vector<double> W, std::size_t n, std::size_t d, const Box& B);

// The cell's LP in y = W x alone (n variables, its k rows), the zonotope Z = W [B] replaced by its
// bounding box: O(k n^2) a step where the LP in x pays O(d n).  The outer set's minimum bounds the
// cell's from below, so: optimal with cy.y >= stop_below: `active` and `mu` are multipliers for R's
// (unit) rows in x (for certify_nonnegative, whose box minimum of the residual is at least the y
// bound); below: x is a point of the box with W x past the crossing on the segment from W start to the
// y point found (a least-norm step, else affine-scaling steps), a candidate for the witness search.
// When no x reaches that y, Z's support row in that direction cuts it off and the LP runs again (up to
// four rounds).  Failed otherwise.  A hint, as minimize.
Result minimize_outer(const flp::Rows& R, const std::vector<double>& Y, const Factor& F, const Box& B,
                      const std::vector<double>& cy, const std::vector<double>& start, double stop_below);

// g with W^T g = a (least squares); false when a is not in W's row space to ~1e-9 relative (the
// caller then keeps the rows in x).
bool project(const Factor& F, const double* a, double* g);

// minimize above for rows R whose i-th row is W^T Y[i] (Y row-major, R.size() x F.n) and c = W^T cy:
// the same primal active-set method, its linear algebra in R^n.  A hint, as minimize.
Result minimize(const flp::Rows& R, const std::vector<double>& Y, const Factor& F, const Box& B,
                const std::vector<double>& c, const std::vector<double>& cy, const std::vector<double>& start,
                const std::atomic<bool>* cancel = nullptr, double stop_below = -INFINITY);

// min c.x over {R x <= b} and the box, from a strictly feasible start: a hint, as flp::minimize.
// Stops early (status failed) once *cancel is set, and (status below) as flp::minimize's stop_below.
Result minimize(const flp::Rows& R, const Box& B, const std::vector<double>& c, const std::vector<double>& start,
                const std::atomic<bool>* cancel = nullptr, double stop_below = -INFINITY);

// Rigorous: a.q - b < 0 for every a_j and b in the enclosures, at a point q of doubles; by a float sum
// with an a priori error bound (as certify_nonnegative's), else (undecided) by the interval sum.
// Four accumulators and no rounding steps: the cell's rows at a witness point, d = 784 wide.
bool below(const iv::Interval* a, const double* q, std::size_t d, const iv::Interval& b);

// Rigorous: the sign of a.q + e for every a_j and e in the enclosures (+1, -1; 0 when neither is
// proven), by below()'s float sum and error bound, else by the interval sum.
int sign_at(const iv::Interval* a, const double* q, std::size_t d, const iv::Interval& e);

// Rigorous: min over {A x <= b} and the box of c.x + c0 >= 0, by multipliers mu >= 0 on the active
// rows (fitted on the free variables in floats) and the box minimum of the residual c + A_W^T mu, in
// interval arithmetic.  With no active rows this is the closed-form range of c.x + c0 over the box.
// mu: the LP's multipliers of `active` (Result::mu), else null (fitted here, O(k^2 d)).
bool certify_nonnegative(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                         const std::vector<int>& active, const std::vector<signed char>& at, const iv::Interval* c,
                         const iv::Interval& c0, const Box& B, const std::vector<double>* mu = nullptr);

// Exact: min over {A x <= b} and the box of c.x >= bound, by the exact multipliers of the given rows on
// the free variables (A_W,F^T mu = -c_F, mu >= 0) and the exact box minimum of the residual.  Integer
// rows (any positive scaling).  False when no such proof exists on these rows and fixed variables.
bool certify_lower_bound(const std::vector<Integer>& A, const std::vector<Integer>& b, const std::vector<Integer>& c,
                         const Integer& bound, const std::vector<signed char>& at, const Box& B);

}  // namespace tropgeom::box
