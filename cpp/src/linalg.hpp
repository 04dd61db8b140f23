// Internal: the one home of the engine's linear algebra, Gaussian elimination in each number type it
// runs in.  Rational: reduced row echelon form, rank, null space (rref and rank are declared in
// types.hpp).  Integer: fraction-free (Bareiss) elimination, one row at a time or Gauss-Jordan, where
// every entry stays an integer minor so each division is exact.  double and Interval: one solver with
// partial pivoting, for the float LP and its interval certificates.
#pragma once

#include <cmath>
#include <vector>

#include "interval.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom::la {

// A basis of {v : M v = 0}, one row per free column of rref(M).
Matrix null_space(Matrix M);

// Row echelon form over the integers, built one row at a time by Bareiss' rule: a new row x becomes,
// for each stored row p with pivot column c, (x * p[c] - x[c] * p) / (the previous stored pivot).
class IntEchelon {
 public:
  // Reduces x against the stored rows; stores it and returns true if it is independent of them.
  bool add(std::vector<Integer> x);
  std::size_t rank() const { return rows_.size(); }
  const std::vector<std::size_t>& pivots() const { return cols_; }
  // |det| of the stored rows on their pivot columns (1 for none).
  Integer det() const;

 private:
  std::vector<std::vector<Integer>> rows_;
  std::vector<std::size_t> cols_;
};

// Fraction-free Gauss-Jordan on the row-major n x w integer matrix S, pivoting on columns 0..k-1 in
// order (first non-zero row at or below the current one).  On success every pivot equals D (returned
// in det, with the sign it has) and pivot_row[c] is the row holding column c's pivot; false if some
// column has no pivot (the first k columns are dependent), unless free_columns: such a column is then
// skipped (pivot_row n) and the rows past the rank end up zero (the kernel: one vector per skipped
// column f, D at f and -S[pivot_row[c]][f] at each pivot column c).
bool gauss_jordan(std::vector<Integer>& S, std::size_t n, std::size_t w, std::size_t k,
                  std::vector<std::size_t>& pivot_row, Integer& det, bool free_columns = false);

// Partial pivoting needs a magnitude and a test that a pivot is safe to divide by.
inline double magnitude(double v) { return std::fabs(v); }
inline double magnitude(const iv::Interval& v) { return std::fabs(v.mid()); }
inline bool usable_pivot(double p) { return std::fabs(p) >= 1e-13; }
inline bool usable_pivot(const iv::Interval& p) { return p.positive() || p.negative(); }
inline bool is_zero(double v) { return v == 0; }
inline bool is_zero(const iv::Interval& v) { return v.is_zero(); }

// Solves the k x k system M y = r (row-major) by Gaussian elimination with partial pivoting (largest
// magnitude); false when a pivot is not usable.  In intervals the result encloses every solution of
// the enclosed systems.
template <class T>
bool solve(std::vector<T> M, std::vector<T> r, std::size_t k, std::vector<T>& y) {
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t p = c;
    for (std::size_t i = c + 1; i < k; ++i)
      if (magnitude(M[i * k + c]) > magnitude(M[p * k + c])) p = i;
    if (!usable_pivot(M[p * k + c])) return false;
    if (p != c) {
      for (std::size_t j = 0; j < k; ++j) std::swap(M[c * k + j], M[p * k + j]);
      std::swap(r[c], r[p]);
    }
    for (std::size_t i = c + 1; i < k; ++i) {
      if (is_zero(M[i * k + c])) continue;
      const T f = M[i * k + c] / M[c * k + c];
      if (is_zero(f)) continue;
      for (std::size_t j = c + 1; j < k; ++j) M[i * k + j] = M[i * k + j] - f * M[c * k + j];
      r[i] = r[i] - f * r[c];
    }
  }
  y.assign(k, T{});
  for (std::size_t c = k; c-- > 0;) {
    T s = r[c];
    for (std::size_t j = c + 1; j < k; ++j) s = s - M[c * k + j] * y[j];
    y[c] = s / M[c * k + c];
  }
  return true;
}

}  // namespace tropgeom::la
