#include "float_lp.hpp"

#include "linalg.hpp"

#include <algorithm>
#include <cmath>

namespace tropgeom::flp {

void Rows::add(const double* a, double rhs) {
  double n = 0;
  for (std::size_t j = 0; j < d; ++j) n += a[j] * a[j];
  n = std::sqrt(n);
  if (n == 0) n = 1;
  for (std::size_t j = 0; j < d; ++j) A.push_back(a[j] / n);
  b.push_back(rhs / n);
  scale.push_back(n);
}

// Float multipliers mu for the active rows: the least-squares solution of A_W A_W^T mu = -A_W c over
// the coordinates t with skip[t] == 0 (all when skip is null).  Any mu >= 0 gives a valid bound; this
// one makes the residual small.
bool multipliers(const std::vector<iv::Interval>& A, const std::vector<int>& active, const iv::Interval* c,
                      std::size_t d, const signed char* skip, std::vector<double>& mu) {
  const std::size_t k = active.size();
  std::vector<double> M(k * k), rhs(k);
  for (std::size_t i = 0; i < k; ++i) {
    const iv::Interval* ai = &A[active[i] * d];
    for (std::size_t j = 0; j < k; ++j) {
      const iv::Interval* aj = &A[active[j] * d];
      double s = 0;
      for (std::size_t t = 0; t < d; ++t)
        if (!skip || !skip[t]) s += ai[t].mid() * aj[t].mid();
      M[i * k + j] = s;
    }
    double s = 0;
    for (std::size_t t = 0; t < d; ++t)
      if (!skip || !skip[t]) s -= ai[t].mid() * c[t].mid();
    rhs[i] = s;
  }
  return la::solve(M, rhs, k, mu);
}

namespace {

// The Neumaier-Shcherbina bound: for any mu >= 0 (here a float least-squares fit on the active rows)
// and x in the cell inside the box |x_t| <= radius_t, c.x = r.x - mu.A_W x >= -|r|.radius - mu.b_W
// with r = c + A_W^T mu enclosed in intervals.  Proves faces (fewer than d active rows) too.
bool residual_bound(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                    const std::vector<int>& active, const iv::Interval* c, const iv::Interval& c0, bool strict,
                    const double* radius, std::size_t d) {
  using iv::Interval;
  const std::size_t k = active.size();
  std::vector<double> mu;
  if (!flp::multipliers(A, active, c, d, nullptr, mu)) return false;
  Interval value = c0;
  for (std::size_t i = 0; i < k; ++i) {
    mu[i] = std::max(0.0, mu[i]);
    value = value - b[active[i]] * mu[i];
  }
  for (std::size_t t = 0; t < d; ++t) {
    Interval r = c[t];
    for (std::size_t i = 0; i < k; ++i) r = r + A[active[i] * d + t] * mu[i];
    const double mag = std::max(std::fabs(r.lo), std::fabs(r.hi));
    value = value - iv::Interval{mag, mag} * radius[t];
  }
  return strict ? value.lo > 0 : value.lo >= 0;
}

}  // namespace

Result minimize(const Rows& R, const std::vector<double>& c, const std::vector<double>& start, double stop_below) {
  const std::size_t d = R.d, m = R.size();
  Result res;
  std::vector<double> x = start, dir(d), mu;
  std::vector<int> W;
  std::vector<char> in_W(m, 0);
  double cn = 0;
  for (double v : c) cn += v * v;
  cn = std::sqrt(cn);
  if (cn == 0) {
    res.x = start;
    return res;
  }
  const std::size_t max_iter = 4 * (m + d) + 20;
  for (std::size_t it = 0; it < max_iter; ++it) {
    const std::size_t k = W.size();
    // mu = argmin |-c - A_W^T mu|; dir = the projection of -c onto the null space of A_W.
    mu.assign(k, 0);
    if (k > 0) {
      std::vector<double> M(k * k), r(k);
      for (std::size_t i = 0; i < k; ++i) {
        const double* ai = &R.A[W[i] * d];
        for (std::size_t j = 0; j < k; ++j) {
          const double* aj = &R.A[W[j] * d];
          double s = 0;
          for (std::size_t t = 0; t < d; ++t) s += ai[t] * aj[t];
          M[i * k + j] = s;
        }
        double s = 0;
        for (std::size_t t = 0; t < d; ++t) s -= ai[t] * c[t];
        r[i] = s;
      }
      if (!la::solve(M, r, k, mu)) break;
    }
    double dn = 0, slope = 0;
    for (std::size_t t = 0; t < d; ++t) {
      double s = -c[t];
      for (std::size_t i = 0; i < k; ++i) s -= mu[i] * R.A[W[i] * d + t];
      dir[t] = s;
      dn += s * s;
      slope += c[t] * s;
    }
    // A descent direction, not round-off: in exact arithmetic c.dir = -|dir|^2.
    if (std::sqrt(dn) > 1e-9 * cn && slope < -0.5 * dn) {
      double best = INFINITY;
      int bi = -1;
      for (std::size_t i = 0; i < m; ++i) {
        if (in_W[i]) continue;
        const double* ai = &R.A[i * d];
        double ad = 0, ax = 0;
        for (std::size_t t = 0; t < d; ++t) ad += ai[t] * dir[t], ax += ai[t] * x[t];
        if (ad <= 1e-12 * std::sqrt(dn)) continue;
        double step = std::max(0.0, R.b[i] - ax) / ad;
        if (step < best) best = step, bi = static_cast<int>(i);
      }
      if (bi < 0) {
        res.status = Status::unbounded;
        res.ray = dir;
        break;
      }
      double v = 0;
      for (std::size_t t = 0; t < d; ++t) x[t] += best * dir[t], v += c[t] * x[t];
      if (v < stop_below) {
        res.status = Status::below;
        break;
      }
      W.push_back(bi);
      in_W[bi] = 1;
      if (W.size() > d) break;
    } else {
      std::size_t j = 0;
      for (std::size_t i = 1; i < k; ++i)
        if (mu[i] < mu[j]) j = i;
      if (k == 0 || mu[j] >= -1e-12) {
        res.status = Status::optimal;
        res.active = W;
        break;
      }
      in_W[W[j]] = 0;
      W.erase(W.begin() + j);
    }
  }
  // Beyond the double range (inf, NaN) there is no hint: callers convert x to rationals.
  auto finite = [](const std::vector<double>& v) { return std::all_of(v.begin(), v.end(), [](double t) { return std::isfinite(t); }); };
  if (!finite(x) || !finite(res.ray)) res.status = Status::failed;
  res.x = std::move(x);
  return res;
}

// The vertex case: mu solved from the d x d system in interval arithmetic.
static bool vertex_bound(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                         const std::vector<int>& active, const iv::Interval* c, const iv::Interval& c0,
                         bool strict, std::size_t d) {
  using iv::Interval;
  // M mu = -c with M = A_W^T, pivoting on the largest midpoint.
  std::vector<Interval> M(d * d), r(d), mu;
  for (std::size_t t = 0; t < d; ++t) {
    for (std::size_t i = 0; i < d; ++i) M[t * d + i] = A[active[i] * d + t];
    r[t] = -c[t];
  }
  if (!la::solve(std::move(M), std::move(r), d, mu)) return false;
  Interval value = c0;
  for (std::size_t col = d; col-- > 0;) {
    if (mu[col].lo < 0) return false;
    value = value - mu[col] * b[active[col]];
  }
  return strict ? value.lo > 0 : value.lo >= 0;
}

bool certify_nonnegative(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                         const std::vector<int>& active, const iv::Interval* c, const iv::Interval& c0,
                         bool strict, const double* radius) {
  const std::size_t d = b.empty() ? 0 : A.size() / b.size();
  if (active.empty() || d == 0) return false;
  return (active.size() == d && vertex_bound(A, b, active, c, c0, strict, d)) ||
         (radius && residual_bound(A, b, active, c, c0, strict, radius, d));
}

namespace {

// The same proof on k coordinates first: when the k x k minor of A_W^T on them is non-singular (rows
// chosen by a float elimination with partial pivoting), mu is the unique solution of those k
// equations, and the other d - k are only checked, O(d k) products instead of the O(d k^2) exact
// elimination of all d.  -1: the float choice gave a singular minor (the caller eliminates all rows).
int lower_bound_on_minor(const std::vector<Integer>& A, const std::vector<Integer>& b, const std::vector<Integer>& c,
                         const Integer& bound) {
  const std::size_t d = c.size(), k = b.size(), w = k + 1;
  std::vector<double> F(d * k);  // A_W^T in double, scaled per column (row of A) to unit max
  for (std::size_t i = 0; i < k; ++i) {
    double mx = 0;
    for (std::size_t t = 0; t < d; ++t) mx = std::max(mx, std::fabs(F[t * k + i] = A[i * d + t].get_d()));
    if (!(mx > 0) || !std::isfinite(mx)) return -1;
    for (std::size_t t = 0; t < d; ++t) F[t * k + i] /= mx;
  }
  std::vector<std::size_t> T(d);  // coordinate order after row swaps; the first k are the minor's
  for (std::size_t t = 0; t < d; ++t) T[t] = t;
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t p = col;
    for (std::size_t t = col + 1; t < d; ++t)
      if (std::fabs(F[t * k + col]) > std::fabs(F[p * k + col])) p = t;
    if (!(std::fabs(F[p * k + col]) > 1e-12)) return -1;
    if (p != col) {
      for (std::size_t j = 0; j < k; ++j) std::swap(F[p * k + j], F[col * k + j]);
      std::swap(T[p], T[col]);
    }
    for (std::size_t t = col + 1; t < d; ++t) {
      const double f = F[t * k + col] / F[col * k + col];
      if (f != 0)
        for (std::size_t j = col; j < k; ++j) F[t * k + j] -= f * F[col * k + j];
    }
  }
  std::vector<Integer> S(k * w);
  for (std::size_t r = 0; r < k; ++r) {
    for (std::size_t i = 0; i < k; ++i) S[r * w + i] = A[i * d + T[r]];
    S[r * w + k] = -c[T[r]];
  }
  std::vector<std::size_t> pivot_row;
  Integer D;
  if (!la::gauss_jordan(S, k, w, k, pivot_row, D)) return -1;
  // mu = m / D; it must solve the remaining equations exactly: sum_i A[i][t] m_i = -c_t D.
  std::vector<const Integer*> m(k);
  for (std::size_t col = 0; col < k; ++col) m[col] = &S[pivot_row[col] * w + k];
  Integer s;
  for (std::size_t r = k; r < d; ++r) {
    const std::size_t t = T[r];
    mpz_mul(s.get_mpz_t(), c[t].get_mpz_t(), D.get_mpz_t());
    for (std::size_t i = 0; i < k; ++i) mpz_addmul(s.get_mpz_t(), A[i * d + t].get_mpz_t(), m[i]->get_mpz_t());
    if (sgn(s) != 0) return 0;  // -c is not in the span of the (independent) active rows
  }
  const int sd = sgn(D);
  Integer value = 0;
  for (std::size_t col = 0; col < k; ++col) {
    if (sgn(*m[col]) * sd < 0) return 0;
    mpz_submul(value.get_mpz_t(), m[col]->get_mpz_t(), b[col].get_mpz_t());
  }
  const Integer scaled = bound * D;
  return sd > 0 ? value >= scaled : value <= scaled;
}

}  // namespace

Implied implied(const Matrix& A, const Vec& b, const std::vector<int>& W, std::size_t k) {
  const std::size_t d = A.cols;
  Implied q;
  for (std::size_t i = 0; i <= W.size(); ++i) {
    const std::size_t t = i < W.size() ? static_cast<std::size_t>(W[i]) : k;
    const Integer L = clearing_factor(A.row(t), d, &b[t]);
    for (std::size_t j = 0; j < d; ++j) {
      Integer v = cleared(A(t, j), L);
      if (i < W.size()) q.A.push_back(std::move(v));
      else q.c.push_back(-v);
    }
    if (i < W.size()) q.b.push_back(cleared(b[t], L));
    else q.bound = -cleared(b[t], L);
  }
  return q;
}

bool certify_lower_bound(const std::vector<Integer>& A, const std::vector<Integer>& b, const std::vector<Integer>& c,
                         const Integer& bound) {
  const std::size_t d = c.size(), k = b.size(), w = k + 1;
  if (k > 0 && k < d) {
    const int on_minor = lower_bound_on_minor(A, b, c, bound);
    if (on_minor >= 0) return on_minor == 1;
  }
  // Augmented d x (k+1) system A_W^T mu = -c by fraction-free Gauss-Jordan: at the end every pivot
  // equals D = prev.
  std::vector<Integer> S(d * w);
  for (std::size_t t = 0; t < d; ++t) {
    for (std::size_t i = 0; i < k; ++i) S[t * w + i] = A[i * d + t];
    S[t * w + k] = -c[t];
  }
  std::vector<std::size_t> pivot_row;
  Integer prev;
  if (!la::gauss_jordan(S, d, w, k, pivot_row, prev)) return false;  // dependent rows: no unique multipliers
  const std::size_t r = k;
  for (std::size_t i = r; i < d; ++i)
    if (sgn(S[i * w + k]) != 0) return false;  // -c is not in the span of the active rows
  // mu_col = S[pivot_row[col], k] / D; the bound holds when -mu.b >= bound.
  const int sd = sgn(prev);
  Integer value = 0;
  for (std::size_t col = 0; col < k; ++col) {
    const Integer& m = S[pivot_row[col] * w + k];
    if (sgn(m) * sd < 0) return false;
    mpz_submul(value.get_mpz_t(), m.get_mpz_t(), b[col].get_mpz_t());
  }
  const Integer scaled = bound * prev;
  return sd > 0 ? value >= scaled : value <= scaled;
}

}  // namespace tropgeom::flp
