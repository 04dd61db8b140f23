#include "tropgeom/lp.hpp"

#include <algorithm>

#include "kernel.hpp"
#include "run.hpp"

namespace tropgeom {

void Polyhedron::add_inequality(const Rational* a, const Rational& rhs) {
  A.append_row(a, dim);
  b.push_back(rhs);
}

void Polyhedron::add_equality(const Rational* c, const Rational& rhs) {
  C.append_row(c, dim);
  d.push_back(rhs);
}

Polyhedron Polyhedron::without_inequality(std::size_t i) const {
  Polyhedron Q(dim);
  for (std::size_t k = 0; k < A.rows; ++k)
    if (k != i) Q.add_inequality(A.row(k), b[k]);
  Q.C = C;
  Q.d = d;
  return Q;
}

namespace {
using namespace kernel;

bool is_zero_row(const Rational* a, std::size_t n) {
  return std::all_of(a, a + n, [](const Rational& v) { return sgn(v) == 0; });
}

Rational l1_norm(const Rational* a, std::size_t n) {
  Rational s = 0;
  for (std::size_t j = 0; j < n; ++j) s += abs(a[j]);
  return s;
}

// Accumulates rows into a CGAL program with free variables, scaling each row to integers.
class ProgramBuilder {
 public:
  explicit ProgramBuilder(std::size_t n) : n_(n), lp_(CGAL::SMALLER, false, 0, false, 0) {}

  // a.x (+ extra * x_n) REL rhs; extra is the coefficient of the auxiliary last variable, if any.
  int add(const Rational* a, const Rational& rhs, CGAL::Comparison_result rel, const Rational* extra = nullptr) {
    std::size_t k = extra ? n_ - 1 : n_;
    Integer L = clearing_factor(a, k, &rhs);
    if (extra) mpz_lcm(L.get_mpz_t(), L.get_mpz_t(), extra->get_den_mpz_t());
    auto scaled = [&L](const Rational& v) { return to_input(cleared(v, L)); };
    for (std::size_t j = 0; j < k; ++j)
      if (sgn(a[j]) != 0) lp_.set_a(static_cast<int>(j), row_, scaled(a[j]));
    if (extra && sgn(*extra) != 0) lp_.set_a(static_cast<int>(k), row_, scaled(*extra));
    lp_.set_b(row_, scaled(rhs));
    lp_.set_r(row_, rel);
    return row_++;
  }

  // Minimise c.x (c scaled to integers; returns the positive factor used).
  Integer set_objective(const Vec& c) {
    Integer L = clearing_factor(c.data(), c.size());
    for (std::size_t j = 0; j < c.size(); ++j)
      if (sgn(c[j]) != 0) lp_.set_c(static_cast<int>(j), to_input(cleared(c[j], L)));
    return L;
  }

  void set_upper(std::size_t j, int u) { lp_.set_u(static_cast<int>(j), true, u); }
  void set_bounds(std::size_t j, int l, int u) { lp_.set_l(static_cast<int>(j), true, l), set_upper(j, u); }

  Solution solve() {
    // Make sure every variable exists even when no row mentions it.
    if (n_ > 0 && static_cast<std::size_t>(lp_.get_n()) < n_) lp_.set_c(static_cast<int>(n_ - 1), 0);
    // Bland's rule: CGAL's default (Dantzig-type) pricing cycles on degenerate programs (cones
    // through the origin, zero-bias nets); Bland's provably terminates.
    static const CGAL::Quadratic_program_options options = [] {
      CGAL::Quadratic_program_options o;
      o.set_pricing_strategy(CGAL::QP_BLAND);
      return o;
    }();
    return CGAL::solve_linear_program(lp_, LPExact(), options);
  }

 private:
  std::size_t n_;
  int row_ = 0;
  Program lp_;
};

Vec solution_point(const Solution& s, std::size_t n) {
  Vec x;
  x.reserve(n);
  auto it = s.variable_values_begin();
  for (std::size_t j = 0; j < n; ++j, ++it) x.push_back(to_rational(*it));
  return x;
}

// The rank of the equalities C together with the inequality rows in E.
std::size_t equality_rank(const Polyhedron& P, const std::vector<std::size_t>& E) {
  Matrix M = P.C;
  for (std::size_t i : E) M.append_row(P.A.row(i), P.dim);
  return rank(M);
}

}  // namespace

static LPResult optimize(const Polyhedron& P, const Vec& c, bool maximize, bool unit_box) {
  if (c.size() != P.dim) throw InputError("objective has length " + std::to_string(c.size()) + "; expected " + std::to_string(P.dim));
  ProgramBuilder pb(P.dim);
  for (std::size_t j = 0; j < P.dim && unit_box; ++j) pb.set_bounds(j, 0, 1);
  for (std::size_t i = 0; i < P.A.rows; ++i) pb.add(P.A.row(i), P.b[i], CGAL::SMALLER);
  for (std::size_t i = 0; i < P.C.rows; ++i) pb.add(P.C.row(i), P.d[i], CGAL::EQUAL);
  Vec obj = c;
  if (maximize)
    for (auto& v : obj) v = -v;
  Integer L = pb.set_objective(obj);
  Solution s = pb.solve();
  LPResult r;
  if (s.is_infeasible()) return r;
  if (s.is_unbounded()) {
    r.status = LPStatus::unbounded;
    return r;
  }
  if (!s.is_optimal()) throw InternalError("LP solver returned no status");
  r.status = LPStatus::optimal;
  r.x = solution_point(s, P.dim);
  r.value = Rational(0);
  for (std::size_t j = 0; j < P.dim; ++j) r.value += c[j] * r.x[j];
  (void)L;
  return r;
}

LPResult optimize(const Polyhedron& P, const Vec& c, bool maximize) { return optimize(P, c, maximize, false); }

LPResult optimize_unit_box(const Polyhedron& P, const Vec& c, bool maximize) { return optimize(P, c, maximize, true); }

InteriorResult relative_interior(const Polyhedron& P) {
  const std::size_t n = P.dim;
  InteriorResult res;
  std::vector<std::size_t> live;  // inequality rows still treated as inequalities
  std::vector<char> implicit(P.A.rows, 0);
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    if (!is_zero_row(P.A.row(i), n)) {
      live.push_back(i);
    } else if (sgn(P.b[i]) < 0) {
      return res;  // 0 <= negative
    } else if (sgn(P.b[i]) == 0) {
      implicit[i] = 1;  // 0 <= 0: tight everywhere, constrains nothing
    }
  }
  for (std::size_t i = 0; i < P.C.rows; ++i)
    if (is_zero_row(P.C.row(i), n) && sgn(P.d[i]) != 0) return res;

  std::vector<std::size_t> E;  // implicit equalities found so far (non-zero rows)
  const Rational one(1);
  Vec obj(n + 1);
  obj[n] = -1;  // minimise -t
  for (;;) {
    ProgramBuilder pb(n + 1);
    std::vector<std::size_t> row_of;  // LP row -> inequality index, for the live rows
    for (std::size_t i : live) {
      Rational s = l1_norm(P.A.row(i), n);
      pb.add(P.A.row(i), P.b[i], CGAL::SMALLER, &s);
      row_of.push_back(i);
    }
    const Rational zero(0);
    for (std::size_t i : E) pb.add(P.A.row(i), P.b[i], CGAL::EQUAL, &zero);
    for (std::size_t i = 0; i < P.C.rows; ++i) pb.add(P.C.row(i), P.d[i], CGAL::EQUAL, &zero);
    pb.set_objective(obj);
    pb.set_upper(n, 1);
    Solution s = pb.solve();
    if (s.is_infeasible()) return res;  // the equalities alone are inconsistent
    if (!s.is_optimal()) throw InternalError("interior LP: unexpected solver status");
    Vec xt = solution_point(s, n + 1);
    const Rational& t = xt[n];
    if (sgn(t) < 0) return res;  // P is empty
    if (sgn(t) > 0) {
      res.feasible = true;
      res.point.assign(xt.begin(), xt.begin() + n);
      res.radius = t;
      res.dimension = static_cast<int>(n - equality_rank(P, E));
      for (std::size_t i : E) implicit[i] = 1;
      for (std::size_t i = 0; i < P.A.rows; ++i)
        if (implicit[i]) res.implicit_equalities.push_back(i);
      return res;
    }
    // t* = 0: the rows with a non-zero multiplier are tight on all of P (complementary slackness
    // against sum lambda_i (b_i - a_i x) = 0); at least one exists because t's reduced cost is 0.
    std::vector<std::size_t> still;
    auto lam = s.optimality_certificate_begin();
    std::size_t moved = 0;
    for (std::size_t r = 0; r < row_of.size(); ++r, ++lam) {
      if (CGAL::is_zero(lam->numerator())) {
        still.push_back(row_of[r]);
      } else {
        E.push_back(row_of[r]);
        ++moved;
      }
    }
    if (moved == 0) throw InternalError("interior LP: zero optimum without a tight row");
    live.swap(still);
  }
}

bool is_feasible(const Polyhedron& P) {
  return optimize(P, Vec(P.dim, Rational(0))).status != LPStatus::infeasible;
}

bool is_full_dimensional(const Polyhedron& P) {
  return relative_interior(P).dimension == static_cast<int>(P.dim);
}

bool is_redundant(const Polyhedron& P, std::size_t i) {
  if (i >= P.A.rows) throw InputError("inequality index " + std::to_string(i) + " out of range");
  Polyhedron Q = P.without_inequality(i);
  Vec c(P.A.row(i), P.A.row(i) + P.dim);
  LPResult r = optimize(Q, c, true);
  if (r.status == LPStatus::infeasible) return true;
  if (r.status == LPStatus::unbounded) return false;
  return r.value <= P.b[i];
}

bool is_facet(const Polyhedron& P, std::size_t i) {
  if (i >= P.A.rows) throw InputError("inequality index " + std::to_string(i) + " out of range");
  InteriorResult whole = relative_interior(P);
  if (!whole.feasible) return false;
  Polyhedron F = P;
  F.add_equality(P.A.row(i), P.b[i]);
  return relative_interior(F).dimension == whole.dimension - 1;
}

std::vector<std::size_t> irredundant_inequalities(const Polyhedron& P, const RunLimits& lim) {
  const Budget budget(lim);
  // Drop rows one at a time against what is left, so of two equal rows exactly one survives.
  std::vector<std::size_t> kept;
  std::vector<char> alive(P.A.rows, 1);
  // Walk backwards so that of equal rows the first one is kept.
  for (std::size_t i = P.A.rows; i-- > 0;) {
    budget.tick(P.A.rows - 1 - i);
    Polyhedron Q(P.dim);
    for (std::size_t k = 0; k < P.A.rows; ++k)
      if (alive[k] && k != i) Q.add_inequality(P.A.row(k), P.b[k]);
    Q.C = P.C;
    Q.d = P.d;
    Q.add_inequality(P.A.row(i), P.b[i]);
    if (is_redundant(Q, Q.A.rows - 1)) alive[i] = 0;
  }
  for (std::size_t i = 0; i < P.A.rows; ++i)
    if (alive[i]) kept.push_back(i);
  return kept;
}

}  // namespace tropgeom
