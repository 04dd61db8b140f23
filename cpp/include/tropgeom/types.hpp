// The numeric policy of tropgeom, stated once.
//
// Every combinatorial decision is made on exact rationals.  A float64 weight is a dyadic rational and
// converts without loss, so "exact" means exact for the network the user handed over.  Floats appear
// only in filters whose doubtful outcomes are re-decided exactly.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tropgeom {

using Rational = mpq_class;
using Integer = mpz_class;
using Vec = std::vector<Rational>;

// Dense row-major rational matrix; small and explicit on purpose (rows are the unit of work).
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<Rational> data;

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c) {}
  Rational& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
  const Rational& operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
  const Rational* row(std::size_t i) const { return data.data() + i * cols; }
  void append_row(const Rational* r, std::size_t n);
};

// The positive integer multiplier that clears the denominators of r[0..n) (and of rhs, if given).
inline Integer clearing_factor(const Rational* r, std::size_t n, const Rational* rhs = nullptr) {
  Integer l = 1;
  for (std::size_t j = 0; j < n; ++j) mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), r[j].get_den_mpz_t());
  if (rhs) mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), rhs->get_den_mpz_t());
  return l;
}

// q L as an integer, L a multiple of q's denominator (a clearing factor): L / den times num, with no
// gcd (Integer(q * L) canonicalised a rational first).
inline Integer cleared(const Rational& q, const Integer& L) {
  Integer out;
  mpz_divexact(out.get_mpz_t(), L.get_mpz_t(), q.get_den_mpz_t());
  out *= q.get_num();
  return out;
}

// Reduced row echelon form over Q, in place; returns the pivot columns.  (Both live with the rest of
// the linear algebra, cpp/src/linalg.cpp.)
std::vector<std::size_t> rref(Matrix& R);
// Exact rank over Q.
std::size_t rank(const Matrix& M);

// Errors the bindings translate to tropgeom.errors (see cpp/bindings/errors.cpp).
struct InputError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct InternalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The run contract (docs/architecture.md): every long call takes RunLimits and reports a RunStatus.
// A stop is never an error: the call returns what it found, with the reason.
enum class StopReason { none, max_count, max_seconds, interrupted, max_cells };  // max_count: max_regions & co.

inline const char* stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::max_count: return "max_count";
    case StopReason::max_seconds: return "max_seconds";
    case StopReason::interrupted: return "interrupted";
    case StopReason::max_cells: return "max_cells";
    default: return "";
  }
}

struct RunStatus {
  bool complete = true;                  // false: the run stopped before the end (work was dropped)
  StopReason reason = StopReason::none;  // why, when not complete
};

// Thrown by a long loop with nothing useful to return at a stop (the bindings raise BudgetExceeded;
// the Python layer attaches the partial result it has).
struct Stopped : std::runtime_error {
  StopReason reason;
  explicit Stopped(StopReason r) : std::runtime_error(std::string("stopped by ") + stop_reason_name(r)), reason(r) {}
};

// Polled by long loops; returns true to stop.  Set by the bindings (Ctrl-C) or by budgets.
using CancelHook = std::function<bool()>;

// What every long run takes: a time budget, threads, Ctrl-C and progress.
struct RunLimits {
  double max_seconds = 0;                     // 0: no limit (wall clock)
  int threads = 1;
  CancelHook cancel;                          // polled by the calling thread; true stops the run
  std::function<void(std::size_t)> progress;  // called by the calling thread with the count so far
};

}  // namespace tropgeom
