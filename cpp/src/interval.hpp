// Internal: a minimal interval type for float filters.  Each operation rounds to nearest and then
// widens by one ulp each way, so the exact result is always enclosed without touching the FPU's
// rounding mode (which is shared with Python and GMP).  Exact zeros stay exact so dead neurons are
// recognised as constant.  Overflow widens to infinity and an undefined result (inf - inf, 0 * inf) to
// the whole line, so an enclosure stays valid and merely decides nothing: the caller decides exactly.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "tropgeom/types.hpp"

namespace tropgeom::iv {

struct Interval {
  double lo = 0, hi = 0;
  bool is_zero() const { return lo == 0 && hi == 0; }
  bool positive() const { return lo > 0; }
  bool negative() const { return hi < 0; }
  int sign() const { return positive() ? 1 : negative() ? -1 : 0; }  // proven; 0: not proven
  double mid() const { return lo == hi ? lo : 0.5 * lo + 0.5 * hi; }
};

// One ulp towards +inf / -inf (std::nextafter, minus its call and errno handling; hot here).
inline double up(double x) {
  if (!(x < INFINITY)) return x;  // +inf, NaN
  if (x == 0) return std::numeric_limits<double>::denorm_min();
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  u += x > 0 ? 1 : -1;
  std::memcpy(&x, &u, sizeof u);
  return x;
}
inline double down(double x) { return -up(-x); }

inline Interval exact(double x) { return {x, x}; }

inline constexpr Interval whole{-INFINITY, INFINITY};

// {lo, hi} unless a NaN arose (inf - inf, 0 * inf): then the whole line.
inline Interval checked(double lo, double hi) { return lo == lo && hi == hi ? Interval{lo, hi} : whole; }

// The one place a double meets a Rational: q as a double when it is one exactly (finite), else false.
// (Rational(double) of an infinity or NaN kills the process with SIGFPE inside GMP.)
inline bool exact_double(const Rational& q, double& out) {
  // Read off the bits, no Rational made and no division (this is hot): a double is n / 2^k with an
  // odd part of n of at most 53 bits and its lowest bit at or above 2^-1074; n's mantissa and
  // exponent are then exact and ldexp of them is exact.  Otherwise out = get_d (truncated towards
  // zero; +-inf beyond the double range), which callers read.
  mpz_srcptr num = mpq_numref(q.get_mpq_t()), den = mpq_denref(q.get_mpq_t());
  if (mpz_sgn(num) == 0) return out = 0, true;
  const std::size_t k = mpz_scan1(den, 0), low = mpz_scan1(num, 0);
  if (k + 1 == mpz_sizeinbase(den, 2) && mpz_sizeinbase(num, 2) - low <= 53 &&
      static_cast<long>(low) - static_cast<long>(k) >= -1074) {
    long e;
    const double m = mpz_get_d_2exp(&e, num);  // |m| in [0.5, 1), exact (at most 53 bits)
    if (e - static_cast<long>(k) <= 1024) {
      out = std::ldexp(m, static_cast<int>(e - static_cast<long>(k)));
      return true;
    }
  }
  out = q.get_d();
  return false;
}

// An enclosure of a rational; exact when it is a double.  Beyond the double range: out to infinity.
inline Interval of(const Rational& q) {
  double d;
  if (exact_double(q, d)) return {d, d};
  if (!std::isfinite(d)) return sgn(q) > 0 ? Interval{std::numeric_limits<double>::max(), INFINITY}
                                           : Interval{-INFINITY, -std::numeric_limits<double>::max()};
  return {down(d), up(d)};
}

inline Interval operator+(const Interval& a, const Interval& b) {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  return checked(down(a.lo + b.lo), up(a.hi + b.hi));
}

inline Interval operator-(const Interval& a) { return {-a.hi, -a.lo}; }
inline Interval operator-(const Interval& a, const Interval& b) { return a + (-b); }

inline Interval operator*(const Interval& a, const Interval& b) {
  if (a.is_zero() || b.is_zero()) return {0, 0};
  if (a.lo == a.hi || b.lo == b.hi) {  // a point factor (most weights): two products, the same result
    const double s = a.lo == a.hi ? a.lo : b.lo;
    const Interval& v = a.lo == a.hi ? b : a;
    const double p = s * v.lo, q = s * v.hi;
    if (p != p || q != q) return whole;
    return s > 0 ? Interval{down(p), up(q)} : Interval{down(q), up(p)};
  }
  const double p[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  if (std::any_of(p, p + 4, [](double v) { return v != v; })) return whole;
  return {down(*std::min_element(p, p + 4)), up(*std::max_element(p, p + 4))};
}

inline Interval operator*(const Interval& a, double s) { return a * exact(s); }

// a / b for b not containing 0 (callers check).
inline Interval operator/(const Interval& a, const Interval& b) {
  const double p[4] = {a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi};
  if (std::any_of(p, p + 4, [](double v) { return v != v; })) return whole;
  return {down(*std::min_element(p, p + 4)), up(*std::max_element(p, p + 4))};
}

// sum_j a[j] * x[j] for an interval row and a point given in doubles (exact dyadics).
inline Interval dot(const Interval* a, const double* x, std::size_t n) {
  Interval s;
  for (std::size_t j = 0; j < n; ++j) s = s + a[j] * x[j];
  return s;
}

}  // namespace tropgeom::iv
