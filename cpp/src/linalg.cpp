#include "linalg.hpp"

#include <algorithm>

namespace tropgeom {

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

namespace la {

Matrix null_space(Matrix M) {
  const std::vector<std::size_t> piv = rref(M);
  Matrix N(0, M.cols);
  Vec v(M.cols);
  for (std::size_t f = 0; f < M.cols; ++f) {
    if (std::find(piv.begin(), piv.end(), f) != piv.end()) continue;
    std::fill(v.begin(), v.end(), Rational(0));
    v[f] = 1;
    for (std::size_t i = 0; i < piv.size(); ++i) v[piv[i]] = -M(i, f);
    N.append_row(v.data(), M.cols);
  }
  return N;
}

bool IntEchelon::add(std::vector<Integer> x) {
  for (std::size_t s = 0; s < rows_.size(); ++s) {
    const Integer xc = x[cols_[s]];
    const std::vector<Integer>& p = rows_[s];
    for (std::size_t j = 0; j < x.size(); ++j) {
      x[j] = x[j] * p[cols_[s]] - xc * p[j];
      if (s > 0) mpz_divexact(x[j].get_mpz_t(), x[j].get_mpz_t(), rows_[s - 1][cols_[s - 1]].get_mpz_t());
    }
  }
  std::size_t c = 0;
  while (c < x.size() && sgn(x[c]) == 0) ++c;
  if (c == x.size()) return false;
  cols_.push_back(c);
  rows_.push_back(std::move(x));
  return true;
}

Integer IntEchelon::det() const { return rows_.empty() ? Integer(1) : Integer(abs(rows_.back()[cols_.back()])); }

bool gauss_jordan(std::vector<Integer>& S, std::size_t n, std::size_t w, std::size_t k,
                  std::vector<std::size_t>& pivot_row, Integer& det, bool free_columns) {
  pivot_row.assign(k, 0);
  Integer prev = 1, x;
  std::size_t r = 0;
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t p = r;
    while (p < n && sgn(S[p * w + col]) == 0) ++p;
    if (p == n) {
      if (!free_columns) return false;
      pivot_row[col] = n;
      continue;
    }
    if (p != r)
      for (std::size_t j = 0; j < w; ++j) mpz_swap(S[r * w + j].get_mpz_t(), S[p * w + j].get_mpz_t());
    const Integer& piv = S[r * w + col];
    for (std::size_t i = 0; i < n; ++i) {
      if (i == r) continue;
      Integer& f = S[i * w + col];
      for (std::size_t j = 0; j < w; ++j) {
        if (j == col) continue;
        Integer& v = S[i * w + j];
        mpz_mul(x.get_mpz_t(), piv.get_mpz_t(), v.get_mpz_t());
        mpz_submul(x.get_mpz_t(), f.get_mpz_t(), S[r * w + j].get_mpz_t());
        mpz_divexact(v.get_mpz_t(), x.get_mpz_t(), prev.get_mpz_t());
      }
      f = 0;
    }
    prev = piv;
    pivot_row[col] = r++;
  }
  det = prev;
  return true;
}

}  // namespace la
}  // namespace tropgeom
