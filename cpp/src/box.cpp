#include "box.hpp"

#include <algorithm>
#include <cmath>

#include "linalg.hpp"

#include <numeric>
namespace tropgeom::box {

bool split(const Polyhedron& P, Box& out, Polyhedron& rest) {
  const std::size_t d = P.dim;
  if (P.A.rows == 0 || P.C.rows > 0 || d == 0) return false;
  std::vector<char> has_lo(d, 0), has_hi(d, 0);
  Vec lo(d), hi(d);
  Polyhedron others(d);
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    std::size_t nz = 0, j = 0;
    for (std::size_t t = 0; t < d; ++t)
      if (sgn(P.A(i, t)) != 0) ++nz, j = t;
    if (nz != 1) {
      others.add_inequality(P.A.row(i), P.b[i]);
      continue;
    }
    const Rational v = P.b[i] / P.A(i, j);
    if (sgn(P.A(i, j)) > 0) {
      if (!has_hi[j] || v < hi[j]) hi[j] = v;
      has_hi[j] = 1;
    } else {
      if (!has_lo[j] || v > lo[j]) lo[j] = v;
      has_lo[j] = 1;
    }
  }
  for (std::size_t j = 0; j < d; ++j)
    if (!has_lo[j] || !has_hi[j] || !(lo[j] < hi[j])) return false;  // the rows path reports empty / flat
  out = make(std::move(lo), std::move(hi));
  rest = std::move(others);
  return true;
}

bool detect(const Polyhedron& P, Box& out) {
  Box B;
  Polyhedron rest;
  if (!split(P, B, rest) || rest.A.rows > 0) return false;
  out = std::move(B);
  return true;
}

Box make(Vec lo, Vec hi) {
  const std::size_t d = lo.size();
  Box out;
  out.d = d;
  out.range.resize(d);
  out.ilo.resize(d);
  out.ihi.resize(d);
  out.flo.resize(d);
  out.fhi.resize(d);
  for (std::size_t j = 0; j < d; ++j) {
    out.ilo[j] = iv::of(lo[j]);
    out.ihi[j] = iv::of(hi[j]);
    out.range[j] = {out.ilo[j].lo, out.ihi[j].hi};
    out.flo[j] = lo[j].get_d();
    out.fhi[j] = hi[j].get_d();
  }
  out.lo = std::move(lo);
  out.hi = std::move(hi);
  return out;
}

Vec centre(const Box& B) {
  Vec c(B.d);
  for (std::size_t j = 0; j < B.d; ++j) c[j] = (B.lo[j] + B.hi[j]) / 2;
  return c;
}

LPResult optimize(const Polyhedron& P, const Vec& c, bool maximize, const Box& B) {
  const std::size_t d = B.d;
  Vec w(d);
  for (std::size_t j = 0; j < d; ++j) w[j] = B.hi[j] - B.lo[j];
  Polyhedron Q(d);  // a.x <= b as (a w).y <= b - a.lo
  Q.A = Matrix(P.A.rows, d);
  Q.b.resize(P.A.rows);
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    Rational rhs = P.b[i];
    for (std::size_t j = 0; j < d; ++j)
      if (sgn(P.A(i, j)) != 0) Q.A(i, j) = P.A(i, j) * w[j], rhs -= P.A(i, j) * B.lo[j];
    Q.b[i] = std::move(rhs);
  }
  Vec cy(d);
  for (std::size_t j = 0; j < d; ++j) cy[j] = c[j] * w[j];
  LPResult r = optimize_unit_box(Q, cy, maximize);
  if (r.status != LPStatus::optimal) return r;
  r.value = 0;
  for (std::size_t j = 0; j < d; ++j) {
    r.x[j] = B.lo[j] + w[j] * r.x[j];
    r.value += c[j] * r.x[j];
  }
  return r;
}

bool face_point(const Polyhedron& P, const std::vector<int>& W, const std::vector<signed char>& at,
                const std::vector<double>& x, const Box& B, Vec& out) {
  const std::size_t d = B.d, k = W.size();
  out.assign(d, Rational(0));
  std::vector<std::size_t> free;
  for (std::size_t t = 0; t < d; ++t) {
    if (at[t]) out[t] = at[t] > 0 ? B.hi[t] : B.lo[t];
    else if (std::isfinite(x[t])) out[t] = Rational(x[t]), free.push_back(t);
    else return false;
  }
  if (k > 0) {
    // [A_W,F | b_W - A_W,fixed x_fixed] in reduced row echelon form; pivots solved, the rest kept.
    const std::size_t n = free.size();
    Matrix M(k, n + 1);
    for (std::size_t i = 0; i < k; ++i) {
      const Rational* a = P.A.row(W[i]);
      Rational r = P.b[W[i]];
      for (std::size_t t = 0; t < d; ++t)
        if (at[t] && sgn(a[t]) != 0) r -= a[t] * out[t];
      for (std::size_t f = 0; f < n; ++f) M(i, f) = a[free[f]];
      M(i, n) = std::move(r);
    }
    const std::vector<std::size_t> piv = rref(M);
    std::vector<char> is_pivot(n + 1, 0);
    for (std::size_t c : piv) is_pivot[c] = 1;
    if (is_pivot[n]) return false;  // inconsistent rows
    for (std::size_t i = 0; i < piv.size(); ++i) {
      Rational v = M(i, n);
      for (std::size_t f = 0; f < n; ++f)
        if (!is_pivot[f] && sgn(M(i, f)) != 0) v -= M(i, f) * out[free[f]];
      out[free[piv[i]]] = std::move(v);
    }
  }
  for (std::size_t t = 0; t < d; ++t)
    if (out[t] < B.lo[t] || out[t] > B.hi[t]) return false;
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    Rational s = 0;
    for (std::size_t t = 0; t < d; ++t)
      if (sgn(P.A(i, t)) != 0) s += P.A(i, t) * out[t];
    if (s > P.b[i]) return false;
  }
  return true;
}

Factor make_factor(std::vector<double> W, std::size_t n, std::size_t d, const Box& B) {
  Factor F;
  F.ybox.d = n;
  F.ybox.flo.assign(n, 0.0);
  F.ybox.fhi.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < d; ++t) {
      const double a = W[i * d + t] * B.flo[t], b = W[i * d + t] * B.fhi[t];
      F.ybox.flo[i] += std::min(a, b), F.ybox.fhi[i] += std::max(a, b);
    }
  F.n = n;
  F.d = d;
  F.WT.resize(d * n);
  F.G.assign(n * n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < d; ++t) F.WT[t * n + i] = W[i * d + t];
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j)
      F.G[i * n + j] = F.G[j * n + i] = std::inner_product(&W[i * d], &W[i * d] + d, &W[j * d], 0.0);
  F.W = std::move(W);
  return F;
}

bool project(const Factor& F, const double* a, double* g) {
  const std::size_t n = F.n, d = F.d;
  std::vector<double> r(n), y;
  for (std::size_t i = 0; i < n; ++i) r[i] = std::inner_product(&F.W[i * d], &F.W[i * d] + d, a, 0.0);
  if (!la::solve(F.G, r, n, y)) return false;
  double amax = 0, res = 0;
  for (std::size_t t = 0; t < d; ++t) {
    const double s = a[t] - std::inner_product(&F.WT[t * n], &F.WT[t * n] + n, y.data(), 0.0);
    res = std::max(res, std::fabs(s));
    amax = std::max(amax, std::fabs(a[t]));
  }
  if (!(res <= 1e-9 * amax)) return false;  // (NaN fails too)
  std::copy(y.begin(), y.end(), g);
  return true;
}

namespace {

// The primal active-set method of both minimize() overloads, over one of two linear algebras: the
// rows in x (InX: Gram matrices of d-vectors) or in y = W x (InY: n-vectors and the n x n G_F).  The
// method, its tolerances and its steps are one; a Space answers: the multipliers' system and solve,
// the direction, a row's slope along it and slack at x, a fixed variable's price, and the updates
// when a row or a variable joins or leaves.
struct InX {
  const flp::Rows& R;
  const std::vector<double>& c;
  const std::vector<signed char>& at;
  std::vector<double> M, r;
  bool dirty = true;  // M, r must be rebuilt (the working set of rows changed)

  // M_ij = sum_F a_i a_j, r_i = -sum_F a_i c (the least-squares multipliers on the free variables).
  void gram(const std::vector<int>& W) {
    const std::size_t k = W.size(), d = R.d;
    M.assign(k * k, 0);
    r.assign(k, 0);
    for (std::size_t i = 0; i < k; ++i) {
      const double* ai = &R.A[W[i] * d];
      for (std::size_t j = i; j < k; ++j) {
        const double* aj = &R.A[W[j] * d];
        double s = 0;
        for (std::size_t t = 0; t < d; ++t)
          if (!at[t]) s += ai[t] * aj[t];
        M[i * k + j] = M[j * k + i] = s;
      }
      double s = 0;
      for (std::size_t t = 0; t < d; ++t)
        if (!at[t]) s -= ai[t] * c[t];
      r[i] = s;
    }
  }
  // Variable t joins (sign -1) or leaves (+1) the free set: its column's share of M and r.
  void toggle(const std::vector<int>& W, std::size_t t, double sign) {
    const std::size_t k = W.size(), d = R.d;
    for (std::size_t i = 0; i < k; ++i) {
      const double ai = R.A[W[i] * d + t];
      if (ai == 0) continue;
      for (std::size_t j = 0; j < k; ++j) M[i * k + j] += sign * ai * R.A[W[j] * d + t];
      r[i] -= sign * ai * c[t];
    }
  }
  void start(std::size_t, const std::vector<double>&) {}
  void system(const std::vector<int>& W) {
    if (dirty) gram(W), dirty = false;
  }
  void direction(const std::vector<int>& W, const std::vector<double>& mu, std::vector<double>& dir) const {
    for (std::size_t t = 0; t < R.d; ++t) {
      double s = 0;
      if (!at[t]) {
        s = -c[t];
        for (std::size_t i = 0; i < W.size(); ++i) s -= mu[i] * R.A[W[i] * R.d + t];
      }
      dir[t] = s;
    }
  }
  double slope(std::size_t i, const std::vector<double>& dir) const {
    const double* ai = &R.A[i * R.d];
    double s = 0;
    for (std::size_t t = 0; t < R.d; ++t) s += ai[t] * dir[t];
    return s;
  }
  double slack(std::size_t i, const std::vector<double>& x) const {
    const double* ai = &R.A[i * R.d];
    double s = 0;
    for (std::size_t t = 0; t < R.d; ++t) s += ai[t] * x[t];
    return R.b[i] - s;
  }
  void moved(double) {}
  void row_added() { dirty = true; }
  void row_dropped() { dirty = true; }
  void fixing(const std::vector<int>&, std::size_t, double, const std::vector<double>&) {}
  void fixed(const std::vector<int>& W, std::size_t t) { toggle(W, t, -1); }
  void freed(const std::vector<int>& W, std::size_t t) { toggle(W, t, +1); }
  double price(const std::vector<int>& W, const std::vector<double>& mu, std::size_t t) const {
    double g = c[t];
    for (std::size_t i = 0; i < W.size(); ++i) g += mu[i] * R.A[W[i] * R.d + t];
    return g;
  }
  static constexpr bool keeps_mu = false;
};

// Rows factored through y = W x: row i is W^T Y[i], c = W^T cy (box.hpp, Factor).
struct InY {
  const flp::Rows& R;
  const std::vector<double>& Y;
  const Factor& Fa;
  const std::vector<double>& cy;
  const std::vector<signed char>& at;
  std::size_t n = Fa.n, d = Fa.d, toggles = 0;
  std::vector<double> GF = Fa.G, y = std::vector<double>(Fa.n), wd = std::vector<double>(Fa.n), V, H, M, r;

  void refresh_y(const std::vector<double>& x) {
    for (std::size_t i = 0; i < n; ++i) y[i] = std::inner_product(&Fa.W[i * d], &Fa.W[i * d] + d, x.data(), 0.0);
  }
  // G_F by rank-one updates, rebuilt from the free columns now and then (bounded round-off).
  void rank_one(std::size_t t, double s) {
    const double* w = Fa.WT.data() + t * n;
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b < n; ++b) GF[a * n + b] += s * w[a] * w[b];
    if (++toggles % 128 == 0) {
      std::fill(GF.begin(), GF.end(), 0.0);
      for (std::size_t u = 0; u < d; ++u) {
        if (at[u]) continue;
        const double* wu = Fa.WT.data() + u * n;
        for (std::size_t a = 0; a < n; ++a)
          for (std::size_t b = 0; b < n; ++b) GF[a * n + b] += wu[a] * wu[b];
      }
    }
  }
  void start(std::size_t it, const std::vector<double>& x) {
    if (it == 0 || (it & 63) == 63) refresh_y(x);
  }
  // Least-squares multipliers on the free variables: (Y_W G_F Y_W^T) mu = -Y_W G_F cy.
  void system(const std::vector<int>& W) {
    const std::size_t k = W.size();
    H.assign(k * n, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      const double* g = &Y[W[i] * n];
      for (std::size_t a = 0; a < n; ++a) H[i * n + a] = std::inner_product(&GF[a * n], &GF[a * n] + n, g, 0.0);
    }
    M.assign(k * k, 0.0);
    r.assign(k, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < k; ++j) M[i * k + j] = std::inner_product(&H[i * n], &H[i * n] + n, &Y[W[j] * n], 0.0);
      r[i] = -std::inner_product(&H[i * n], &H[i * n] + n, cy.data(), 0.0);
    }
  }
  // dir = -(c + A_W^T mu) on the free variables = -W_F^T V with V = cy + Y_W^T mu; wd = W dir.
  void direction(const std::vector<int>& W, const std::vector<double>& mu, std::vector<double>& dir) {
    V = cy;
    for (std::size_t i = 0; i < W.size(); ++i)
      for (std::size_t a = 0; a < n; ++a) V[a] += mu[i] * Y[W[i] * n + a];
    std::fill(wd.begin(), wd.end(), 0.0);
    for (std::size_t t = 0; t < d; ++t) {
      if (at[t]) {
        dir[t] = 0;
        continue;
      }
      const double* w = Fa.WT.data() + t * n;
      double s = 0;
      for (std::size_t a = 0; a < n; ++a) s -= w[a] * V[a];
      dir[t] = s;
      for (std::size_t a = 0; a < n; ++a) wd[a] += s * w[a];
    }
  }
  double slope(std::size_t i, const std::vector<double>&) const {
    return std::inner_product(&Y[i * n], &Y[i * n] + n, wd.data(), 0.0);
  }
  double slack(std::size_t i, const std::vector<double>&) const {
    return R.b[i] - std::inner_product(&Y[i * n], &Y[i * n] + n, y.data(), 0.0);
  }
  void moved(double best) {
    for (std::size_t a = 0; a < n; ++a) y[a] += best * wd[a];
  }
  void row_added() {}
  void row_dropped() {}
  void fixing(const std::vector<int>&, std::size_t t, double to, const std::vector<double>& x) {
    for (std::size_t a = 0; a < n; ++a) y[a] += (to - x[t]) * Fa.WT[t * n + a];
  }
  void fixed(const std::vector<int>&, std::size_t t) { rank_one(t, -1); }
  void freed(const std::vector<int>&, std::size_t t) { rank_one(t, +1); }
  double price(const std::vector<int>&, const std::vector<double>&, std::size_t t) const {
    return std::inner_product(Fa.WT.data() + t * n, Fa.WT.data() + (t + 1) * n, V.data(), 0.0);
  }
  static constexpr bool keeps_mu = true;
};

// min c.x over the rows and the box from a strictly feasible start (box.hpp, minimize).
template <class Space>
Result active_set(Space& S, const flp::Rows& R, const Box& B, const std::vector<double>& c, std::vector<signed char>& at,
                  const std::vector<double>& start, const std::atomic<bool>* cancel, double stop_below) {
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
  std::size_t fixed = 0;
  const std::size_t max_iter = 4 * (m + 2 * d) + 20;
  for (std::size_t it = 0; it < max_iter; ++it) {
    if (cancel && (it & 31) == 31 && cancel->load(std::memory_order_relaxed)) break;
    S.start(it, x);
    const std::size_t k = W.size();
    S.system(W);
    mu.assign(k, 0);
    if (k > 0 && !la::solve(S.M, S.r, k, mu)) break;
    // dir = the projection of -c onto the null space of the active rows, in the free variables.  The
    // rows of deep cells are nearly dependent (all lie in the first layer's span): one step of
    // iterative refinement keeps dir on the active rows, else the point drifts off them.
    S.direction(W, mu, dir);
    if (k > 0) {
      std::vector<double> off(k), delta;
      for (std::size_t i = 0; i < k; ++i) off[i] = S.slope(W[i], dir);
      if (la::solve(S.M, off, k, delta)) {
        for (std::size_t i = 0; i < k; ++i) mu[i] += delta[i];
        S.direction(W, mu, dir);
      }
    }
    double dn = 0, slope = 0;
    for (std::size_t t = 0; t < d; ++t) dn += dir[t] * dir[t], slope += c[t] * dir[t];
    if (std::sqrt(dn) > 1e-9 * cn && slope < -0.5 * dn) {
      const double tiny = 1e-12 * std::sqrt(dn);
      double best = INFINITY;
      long bi = -1;  // none, a row i < m, or the variable t as m + t
      for (std::size_t i = 0; i < m; ++i) {
        if (in_W[i]) continue;
        const double ad = S.slope(i, dir);
        if (ad <= tiny) continue;
        const double step = std::max(0.0, S.slack(i, x)) / ad;
        if (step < best) best = step, bi = static_cast<long>(i);
      }
      for (std::size_t t = 0; t < d; ++t) {
        if (at[t]) continue;
        double step;
        if (dir[t] > tiny) step = std::max(0.0, B.fhi[t] - x[t]) / dir[t];
        else if (dir[t] < -tiny) step = std::max(0.0, x[t] - B.flo[t]) / -dir[t];
        else continue;
        if (step < best) best = step, bi = static_cast<long>(m + t);
      }
      if (bi < 0) {
        res.status = flp::Status::unbounded;
        res.ray = dir;
        break;
      }
      double v = 0;
      for (std::size_t t = 0; t < d; ++t) x[t] += best * dir[t], v += c[t] * x[t];
      S.moved(best);
      if (v < stop_below) {
        res.status = flp::Status::below;
        break;
      }
      if (static_cast<std::size_t>(bi) < m) {
        W.push_back(static_cast<int>(bi));
        in_W[bi] = 1;
        S.row_added();
      } else {
        const std::size_t t = static_cast<std::size_t>(bi) - m;
        at[t] = dir[t] > 0 ? 1 : -1;
        const double to = at[t] > 0 ? B.fhi[t] : B.flo[t];
        S.fixing(W, t, to, x);
        x[t] = to;
        ++fixed;
        S.fixed(W, t);
      }
      if (W.size() + fixed > d) break;
    } else {
      // Multipliers: mu on the rows, and on a variable at its bound lam = -+(c + A_W^T mu)_t (rows are
      // unit, as are the bounds' e_t, so all compare); the most negative leaves.
      double worst = -1e-12;
      long wi = -1;  // none, a row position j < k, or the variable t as k + t
      for (std::size_t j = 0; j < k; ++j)
        if (mu[j] < worst) worst = mu[j], wi = static_cast<long>(j);
      for (std::size_t t = 0; t < d; ++t) {
        if (!at[t]) continue;
        const double g = S.price(W, mu, t);
        const double lam = at[t] > 0 ? -g : g;
        if (lam < worst) worst = lam, wi = static_cast<long>(k + t);
      }
      if (wi < 0) {
        res.status = flp::Status::optimal;
        res.active = W;
        if (Space::keeps_mu) res.mu = mu;
        break;
      }
      if (static_cast<std::size_t>(wi) < k) {
        in_W[W[wi]] = 0;
        W.erase(W.begin() + wi);
        S.row_dropped();
      } else {
        const std::size_t t = static_cast<std::size_t>(wi) - k;
        at[t] = 0;
        --fixed;
        S.freed(W, t);
      }
    }
  }
  auto finite = [](const std::vector<double>& v) { return std::all_of(v.begin(), v.end(), [](double t) { return std::isfinite(t); }); };
  if (!finite(x) || !finite(res.ray)) res.status = flp::Status::failed;
  res.x = std::move(x);
  return res;
}

}  // namespace

Result minimize(const flp::Rows& R, const Box& B, const std::vector<double>& c, const std::vector<double>& start,
                const std::atomic<bool>* cancel, double stop_below) {
  std::vector<signed char> at(R.d, 0);
  InX S{R, c, at};
  Result res = active_set(S, R, B, c, at, start, cancel, stop_below);
  res.at = std::move(at);
  return res;
}

Result minimize(const flp::Rows& R, const std::vector<double>& Y, const Factor& F, const Box& B,
                const std::vector<double>& c, const std::vector<double>& cy, const std::vector<double>& start,
                const std::atomic<bool>* cancel, double stop_below) {
  std::vector<signed char> at(R.d, 0);
  InY S{R, Y, F, cy, at};
  Result res = active_set(S, R, B, c, at, start, cancel, stop_below);
  res.at = std::move(at);
  return res;
}

// How far x + t u stays in the box: the largest t >= 0 (infinite when u is 0).
static double box_reach(const std::vector<double>& x, const std::vector<double>& u, const Box& B) {
  double t = INFINITY;
  for (std::size_t j = 0; j < u.size(); ++j) {
    if (u[j] > 0) t = std::min(t, std::max(0.0, B.fhi[j] - x[j]) / u[j]);
    else if (u[j] < 0) t = std::min(t, std::max(0.0, x[j] - B.flo[j]) / -u[j]);
  }
  return t;
}

// One round of minimize_outer on the rows Ry (R's in y, and Z's support rows so far).
static Result outer_round(const flp::Rows& Ry, const Factor& F, const Box& B, const std::vector<double>& cy,
                          const std::vector<double>& start, const std::vector<double>& y0, double stop_below,
                          std::vector<double>& dir) {
  const std::size_t n = F.n, d = F.d;
  Result out;
  const Result r = minimize(Ry, F.ybox, cy, y0, nullptr, stop_below);
  if (r.status == flp::Status::optimal) {
    double v = 0;
    for (std::size_t a = 0; a < n; ++a) v += cy[a] * r.x[a];
    if (!(v >= stop_below)) return out;
    // Least-squares multipliers of the active rows on the free coordinates of y.
    const std::size_t m = r.active.size();
    std::vector<double> M(m * m, 0.0), rhs(m, 0.0), mu;
    for (std::size_t i = 0; i < m; ++i) {
      const double* gi = &Ry.A[r.active[i] * n];
      for (std::size_t t = 0; t < n; ++t)
        if (!r.at[t]) rhs[i] -= gi[t] * cy[t];
      for (std::size_t j = i; j < m; ++j) {
        const double* gj = &Ry.A[r.active[j] * n];
        double s = 0;
        for (std::size_t t = 0; t < n; ++t)
          if (!r.at[t]) s += gi[t] * gj[t];
        M[i * m + j] = M[j * m + i] = s;
      }
    }
    if (m > 0 && !la::solve(M, rhs, m, mu)) return out;
    out.status = flp::Status::optimal;
    out.active = r.active;
    for (std::size_t i = 0; i < m; ++i) out.mu.push_back(std::max(0.0, mu[i]) / Ry.scale[r.active[i]]);
    out.at.assign(d, 0);
    out.x = start;
    return out;
  }
  if (r.status != flp::Status::below) return out;
  // x = start + t u with W u = y - y0, t <= 1 as far as the box allows; c.x falls below stop_below
  // past t0 (c.x = cy.(W x) is linear in t).  u = W^T G^-1 (y - y0) first (least norm); when the box
  // stops it before t0 (start is near many bounds), the affine-scaling u = D W^T (W D W^T)^-1 (y - y0)
  // with D the squared distances to the box, which keeps away from the near bounds.
  std::vector<double>& dy = dir;
  std::vector<double> s;
  dy.assign(n, 0.0);
  double v0 = 0, v1 = 0;
  for (std::size_t a = 0; a < n; ++a) dy[a] = r.x[a] - y0[a], v0 += cy[a] * y0[a], v1 += cy[a] * r.x[a];
  if (!(v1 < stop_below && v0 > stop_below)) return out;
  const double t0 = (v0 - stop_below) / (v0 - v1);
  std::vector<double> u(d), D;
  double t = 0;
  if (la::solve(F.G, dy, n, s)) {
    for (std::size_t j = 0; j < d; ++j) u[j] = std::inner_product(&F.WT[j * n], &F.WT[j * n] + n, s.data(), 0.0);
    t = std::min(1.0, box_reach(start, u, B));
  }
  if (t > t0 * (1 + 1e-6)) {
    out.x.resize(d);
    for (std::size_t j = 0; j < d; ++j) out.x[j] = start[j] + t * u[j];
    out.status = flp::Status::below;
    return out;
  }
  // Affine-scaling steps towards y0 + tau dy (halfway past the crossing): u = D W^T (W D W^T)^-1 (the
  // rest), D the squared distances to the box at the current x, 0.9 of the way the box allows.
  const double tau = 0.5 * (1 + t0);
  std::vector<double> x = start, rest(n);
  for (std::size_t a = 0; a < n; ++a) rest[a] = tau * dy[a];
  D.resize(d);
  std::vector<double> M(n * n);
  for (int step = 0; step < 6; ++step) {
    std::fill(M.begin(), M.end(), 0.0);
    for (std::size_t j = 0; j < d; ++j) {
      const double sl = std::min(x[j] - B.flo[j], B.fhi[j] - x[j]);
      D[j] = sl > 0 ? sl * sl : 0;
      const double* w = &F.WT[j * n];
      for (std::size_t a = 0; a < n; ++a) {
        const double wa = w[a] * D[j];
        for (std::size_t b = a; b < n; ++b) M[a * n + b] += wa * w[b];
      }
    }
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b < a; ++b) M[a * n + b] = M[b * n + a];
    if (!la::solve(M, rest, n, s)) return out;
    for (std::size_t j = 0; j < d; ++j) u[j] = D[j] * std::inner_product(&F.WT[j * n], &F.WT[j * n] + n, s.data(), 0.0);
    const double ts = std::min(1.0, 0.9 * box_reach(x, u, B));
    for (std::size_t j = 0; j < d; ++j) x[j] += ts * u[j];
    for (std::size_t a = 0; a < n; ++a) rest[a] *= 1 - ts;
    if (ts == 1) {
      out.x = std::move(x);
      out.status = flp::Status::below;
      return out;
    }
  }
  out.status = flp::Status::unbounded;  // (internal: dir is where the box stopped the point)
  return out;
}

Result minimize_outer(const flp::Rows& R, const std::vector<double>& Y, const Factor& F, const Box& B,
                      const std::vector<double>& cy, const std::vector<double>& start, double stop_below) {
  const std::size_t n = F.n, d = F.d, k = R.size();
  flp::Rows Ry;
  Ry.d = n;
  for (std::size_t i = 0; i < k; ++i) Ry.add(&Y[i * n], R.b[i]);
  std::vector<double> y0(n), dir;
  for (std::size_t a = 0; a < n; ++a) y0[a] = std::inner_product(&F.W[a * d], &F.W[a * d] + d, start.data(), 0.0);
  for (std::size_t a = 0; a < n; ++a)
    if (!(y0[a] > F.ybox.flo[a] && y0[a] < F.ybox.fhi[a])) return {};
  // When the point found lies outside Z (no x in the box reaches it), Z's support row in the direction
  // it went, dir.y <= max over Z, cuts it off (the rows so far stay), and the LP runs again.
  for (int round = 0; round < 4; ++round) {
    Result out = outer_round(Ry, F, B, cy, start, y0, stop_below, dir);
    if (out.status != flp::Status::unbounded) {
      // (multipliers of Z's rows are dropped: certify_nonnegative's box minimum covers them)
      if (out.status == flp::Status::optimal) {
        std::vector<int> act;
        std::vector<double> mu;
        for (std::size_t i = 0; i < out.active.size(); ++i)
          if (static_cast<std::size_t>(out.active[i]) < k) act.push_back(out.active[i]), mu.push_back(out.mu[i]);
        out.active = std::move(act), out.mu = std::move(mu);
      }
      return out;
    }
    double h = 0, hy = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double w = std::inner_product(&F.WT[j * n], &F.WT[j * n] + n, dir.data(), 0.0);
      h += std::max(w * B.flo[j], w * B.fhi[j]);
    }
    double dd = 0;
    for (std::size_t a = 0; a < n; ++a) hy += dir[a] * y0[a], dd += dir[a] * dir[a];
    if (!(hy < h) || !(hy + dd > h) || !std::isfinite(h)) return {};  // (y itself in Z: no cut)
    Ry.add(dir.data(), h);
  }
  return {};
}

// The bound of certify_nonnegative in plain doubles with a priori error bounds (Higham's gamma_n for
// recursive sums of products, the smallest normal double per product for underflow), where the
// interval path pays for an enclosure per product: r_t in [s_t - E_t, s_t + E_t] with s_t = mid(c_t) +
// sum_i mu_i mid(a_it) and E_t covering the data's radii and the rounding.  No denormal constants and
// no rounding step at zero (iv::up(0) is a denormal: each one a slow microcode assist).  -1: a value
// is not finite (the caller takes the interval path); else whether the lower bound is >= 0.
static int float_bound(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                       const std::vector<int>& active, const std::vector<double>& mu, const iv::Interval* c,
                       const iv::Interval& c0, const Box& B) {
  using iv::Interval;
  const std::size_t d = B.d, k = active.size();
  thread_local std::vector<double> s, S, R;
  s.resize(d), S.resize(d), R.resize(d);
  // The radius of an interval about m, rounded up (0 for a point: most of the data).
  auto rad = [](const Interval& v, double m) { return v.lo == v.hi ? 0.0 : iv::up(std::max(v.hi - m, m - v.lo)); };
  for (std::size_t t = 0; t < d; ++t) {
    const double m = c[t].mid();
    s[t] = m, S[t] = std::fabs(m), R[t] = rad(c[t], m);
  }
  // total: the float sum of the terms whose exact sum bounds the value; mass: their magnitudes; terms:
  // how many roundings the final slack must cover.
  double total = c0.lo, mass = std::fabs(c0.lo);
  double terms = 1, used = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double w = mu[i];
    if (!(w > 0)) continue;
    const double p = w * b[active[i]].hi;  // mu_i b_i <= the exact product
    total -= p, mass += std::fabs(p), terms += 2, ++used;
    const Interval* a = &A[active[i] * d];
    for (std::size_t t = 0; t < d; ++t) {
      const double m = a[t].mid(), q = w * m;
      s[t] += q, S[t] += std::fabs(q);
      if (a[t].lo != a[t].hi) R[t] += w * rad(a[t], m);
    }
  }
  constexpr double eps = 0x1p-52, small = 0x1p-1022;  // 2u, the smallest normal double
  const double g = (used + 3) * eps;                     // >= 2 gamma_{k+1}, and E's own rounding
  const double under = (2 * used + 4) * small, g1 = 1 + g, g2 = 1 + 2 * eps;
  for (std::size_t t = 0; t < d; ++t) {
    const double E = ((R[t] + g * S[t]) * g1 + under) * g2 + 2 * eps * S[t];  // s -+ E rounded stays outside
    const double rl = s[t] - E, rh = s[t] + E;
    const Interval& x = B.range[t];
    const double lo = std::min(std::min(rl * x.lo, rl * x.hi), std::min(rh * x.lo, rh * x.hi));
    total += lo, mass += std::fabs(lo);
  }
  terms += 2 * static_cast<double>(d);  // each product's rounding and each addition
  if (!std::isfinite(total) || !std::isfinite(mass)) return -1;
  // The exact sum is >= the float sum minus gamma_terms times the magnitudes, minus underflow.
  const double slack = ((terms + 2) * eps * mass + terms * small) * (1 + 8 * eps);
  return total >= slack ? 1 : 0;
}

// The float sum of mid(a_j) q_j (four accumulators), the sum of its terms' magnitudes and of the radii
// |a*_j - mid| |q_j|: v = sum a*_j q_j lies within sum -+ (rad + gamma_d mass), whatever the order.
static void float_dot(const iv::Interval* a, const double* q, std::size_t d, double& sum, double& mass, double& rad) {
  double s[4] = {0, 0, 0, 0}, S[4] = {0, 0, 0, 0}, Rs[4] = {0, 0, 0, 0};
  std::size_t j = 0;
  for (; j + 4 <= d; j += 4)
    for (int u = 0; u < 4; ++u) {
      const iv::Interval& v = a[j + u];
      const double m = 0.5 * v.lo + 0.5 * v.hi, p = m * q[j + u];
      s[u] += p, S[u] += std::fabs(p), Rs[u] += std::max(v.hi - m, m - v.lo) * std::fabs(q[j + u]);
    }
  for (; j < d; ++j) {
    const double m = 0.5 * a[j].lo + 0.5 * a[j].hi, p = m * q[j];
    s[0] += p, S[0] += std::fabs(p), Rs[0] += std::max(a[j].hi - m, m - a[j].lo) * std::fabs(q[j]);
  }
  sum = (s[0] + s[1]) + (s[2] + s[3]);
  mass = (S[0] + S[1]) + (S[2] + S[3]);
  rad = (Rs[0] + Rs[1]) + (Rs[2] + Rs[3]);
}

// The slack covering the sum's rounding: the radii's own sum (and the midpoint's rounding, half an ulp
// of each entry: inside rad's rounding slack since m's error <= eps |m|) and every product's underflow.
static double dot_slack(std::size_t d, double mass, double rad) {
  constexpr double eps = 0x1p-52, small = 0x1p-1022;
  const double n = static_cast<double>(d) + 4;
  return (rad * (1 + 4 * n * eps) + (n + 4) * eps * (mass + rad) + 4 * n * small) * (1 + 8 * eps);
}

bool below(const iv::Interval* a, const double* q, std::size_t d, const iv::Interval& b) {
  double sum, mass, rad;
  float_dot(a, q, d, sum, mass, rad);
  sum -= b.lo, mass += std::fabs(b.lo);
  const double slack = dot_slack(d, mass, rad);
  if (std::isfinite(sum) && std::isfinite(slack)) {
    if (sum + slack < 0) return true;
    if (sum - slack >= 0) return false;
  }
  return (iv::dot(a, q, d) - b).negative();
}

int sign_at(const iv::Interval* a, const double* q, std::size_t d, const iv::Interval& e) {
  double sum, mass, rad;
  float_dot(a, q, d, sum, mass, rad);
  const double up = sum + e.hi, slack_up = dot_slack(d, mass + std::fabs(e.hi), rad);
  const double lo = sum + e.lo, slack_lo = dot_slack(d, mass + std::fabs(e.lo), rad);
  if (std::isfinite(up) && std::isfinite(slack_up) && up + slack_up < 0) return -1;
  if (std::isfinite(lo) && std::isfinite(slack_lo) && lo - slack_lo > 0) return 1;
  return (iv::dot(a, q, d) + e).sign();
}

bool certify_nonnegative(const std::vector<iv::Interval>& A, const std::vector<iv::Interval>& b,
                         const std::vector<int>& active, const std::vector<signed char>& at, const iv::Interval* c,
                         const iv::Interval& c0, const Box& B, const std::vector<double>* given) {
  using iv::Interval;
  const std::size_t d = B.d, k = active.size();
  std::vector<double> mu;
  if (given && given->size() == k) mu = *given;
  else if (k > 0 && !flp::multipliers(A, active, c, d, at.data(), mu)) return false;
  for (double& v : mu) v = v > 0 ? v : 0;  // any mu >= 0 bounds (a NaN one is dropped)
  const int fast = float_bound(A, b, active, mu, c, c0, B);
  if (fast >= 0) return fast == 1;
  // c.x = r.x - mu.A_W x >= min_box(r.x) - mu.b_W for x in the cell, r = c + A_W^T mu.
  Interval value = c0;
  for (std::size_t i = 0; i < k; ++i) value = value - b[active[i]] * mu[i];
  for (std::size_t t = 0; t < d; ++t) {
    Interval rt = c[t];
    for (std::size_t i = 0; i < k; ++i) rt = rt + A[active[i] * d + t] * mu[i];
    const Interval p = rt * B.range[t];
    value = value + Interval{p.lo, p.lo};
  }
  return value.lo >= 0;
}

bool certify_lower_bound(const std::vector<Integer>& A, const std::vector<Integer>& b, const std::vector<Integer>& c,
                         const Integer& bound, const std::vector<signed char>& at, const Box& B) {
  const std::size_t d = c.size(), k = b.size(), w = k + 1;
  std::vector<std::size_t> free;
  for (std::size_t t = 0; t < d; ++t)
    if (!at[t]) free.push_back(t);
  const std::size_t n = free.size();
  std::vector<Integer> mu_D(k);  // mu * |D| >= 0
  Integer D = 1;
  if (k > 0) {
    if (k > n) return false;
    // A_W,F^T mu = -c_F by fraction-free Gauss-Jordan, as flp::certify_lower_bound.
    std::vector<Integer> S(n * w);
    for (std::size_t f = 0; f < n; ++f) {
      for (std::size_t i = 0; i < k; ++i) S[f * w + i] = A[i * d + free[f]];
      S[f * w + k] = -c[free[f]];
    }
    std::vector<std::size_t> pivot_row;
    Integer prev;
    if (!la::gauss_jordan(S, n, w, k, pivot_row, prev)) return false;
    for (std::size_t f = k; f < n; ++f)
      if (sgn(S[f * w + k]) != 0) return false;  // -c_F is not in the span of the rows
    const int sd = sgn(prev);
    for (std::size_t col = 0; col < k; ++col) {
      mu_D[col] = S[pivot_row[col] * w + k];
      if (sgn(mu_D[col]) * sd < 0) return false;
      if (sd < 0) mu_D[col] = -mu_D[col];
    }
    D = abs(prev);
  }
  // |D| (c.x) >= sum_t min_box(rD_t x_t) - mu_D.b with rD = |D| c + A_W^T mu_D (zero on F).
  Rational value = 0;
  for (std::size_t i = 0; i < k; ++i) value -= Rational(mu_D[i] * b[i]);
  Integer rt;
  for (std::size_t t = 0; t < d; ++t) {
    rt = D * c[t];
    for (std::size_t i = 0; i < k; ++i) mpz_addmul(rt.get_mpz_t(), mu_D[i].get_mpz_t(), A[i * d + t].get_mpz_t());
    const int s = sgn(rt);
    if (s != 0) value += Rational(rt) * (s > 0 ? B.lo[t] : B.hi[t]);
  }
  return value >= Rational(bound * D);
}

}  // namespace tropgeom::box
