// Internal: the one place that chooses CGAL number types.  The LP solver takes integer rows (each
// rational row scaled by the lcm of its denominators: a positive scaling leaves a half-space as it
// is) and solves in Gmpzf, the fastest exact type measured here (DESIGN §4).
#pragma once

#include <CGAL/Gmpz.h>
#include <CGAL/Gmpzf.h>
#include <CGAL/QP_functions.h>
#include <CGAL/QP_models.h>

#include "tropgeom/types.hpp"

namespace tropgeom::kernel {

using LPInput = CGAL::Gmpz;
using LPExact = CGAL::Gmpzf;
using Program = CGAL::Quadratic_program<LPInput>;
using Solution = CGAL::Quadratic_program_solution<LPExact>;

inline LPInput to_input(const Integer& z) { return LPInput(z.get_mpz_t()); }

inline Rational to_rational(const LPExact& f) {
  Rational q{Integer(f.man())};
  if (f.exp() > 0) mpq_mul_2exp(q.get_mpq_t(), q.get_mpq_t(), f.exp());
  if (f.exp() < 0) mpq_div_2exp(q.get_mpq_t(), q.get_mpq_t(), -f.exp());
  return q;
}

inline Rational to_rational(const CGAL::Quotient<LPExact>& q) {
  return to_rational(q.numerator()) / to_rational(q.denominator());
}

// The positive integer multiplier that clears the denominators of r[0..n) (and of rhs, if given).
inline Integer clearing_factor(const Rational* r, std::size_t n, const Rational* rhs = nullptr) {
  Integer l = 1;
  for (std::size_t j = 0; j < n; ++j) mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), r[j].get_den_mpz_t());
  if (rhs) mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), rhs->get_den_mpz_t());
  return l;
}

}  // namespace tropgeom::kernel
