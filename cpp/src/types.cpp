#include "tropgeom/types.hpp"

namespace tropgeom {

void Matrix::append_row(const Rational* r, std::size_t n) {
  if (n != cols) throw InputError("row of length " + std::to_string(n) + "; expected " + std::to_string(cols));
  data.insert(data.end(), r, r + n);
  ++rows;
}

std::vector<std::size_t> rref(Matrix& R) {
  std::vector<std::size_t> pivots;
  std::size_t r = 0;
  for (std::size_t c = 0; c < R.cols && r < R.rows; ++c) {
    std::size_t p = r;
    while (p < R.rows && sgn(R(p, c)) == 0) ++p;
    if (p == R.rows) continue;
    for (std::size_t j = 0; j < R.cols; ++j) std::swap(R(r, j), R(p, j));
    const Rational inv = 1 / R(r, c);
    for (std::size_t j = c; j < R.cols; ++j) R(r, j) *= inv;
    for (std::size_t i = 0; i < R.rows; ++i) {
      if (i == r || sgn(R(i, c)) == 0) continue;
      const Rational f = R(i, c);
      for (std::size_t j = c; j < R.cols; ++j) R(i, j) -= f * R(r, j);
    }
    pivots.push_back(c);
    ++r;
  }
  return pivots;
}

std::size_t rank(const Matrix& M) {
  Matrix R = M;
  return rref(R).size();
}

}  // namespace tropgeom
