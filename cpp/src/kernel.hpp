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

}  // namespace tropgeom::kernel
