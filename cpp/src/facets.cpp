// The facets and boundedness of a region: float proofs checked in interval arithmetic, exact LPs for
// whatever they leave open.
#include "facets.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>


#include "box.hpp"
#include "float_lp.hpp"
#include "interval.hpp"
#include "linalg.hpp"

namespace tropgeom {

namespace {

using iv::Interval;

// The region in floats: its rows as enclosures (A, b) and normalised midpoints (rows, for the float
// LPs), and its point rounded to doubles, used only if it is proven strictly inside every row.
struct FloatCell {
  std::size_t d, m;
  std::vector<Interval> A, b;
  flp::Rows rows;
  std::vector<double> p;
  std::vector<double> l1;  // l1[i] >= sum_j max |A_ij| (rounded up): a row's reach over a small box
  std::vector<char> unit;      // row i is +-e_j
  std::vector<double> radius;  // the unit rows bound the cell by |x_j| <= radius[j] (empty: they do not)
  bool ok = true;

  explicit FloatCell(const Region& r) : d(r.A.cols), m(r.A.rows), A(m * d), b(m), p(d) {
    rows.d = d;
    rows.A.reserve(m * d), rows.b.reserve(m), rows.scale.reserve(m);
    std::vector<double> f(d);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < d; ++j) f[j] = (A[i * d + j] = iv::of(r.A(i, j))).mid();
      b[i] = iv::of(r.b[i]);
      rows.add(f.data(), b[i].mid());
      double s = 0;
      for (std::size_t j = 0; j < d; ++j) s = iv::up(s + std::max(std::fabs(A[i * d + j].lo), std::fabs(A[i * d + j].hi)));
      l1.push_back(s);
    }
    // the box the unit rows +-e_j bound (a box domain's), for certificates on fewer than d active rows
    std::vector<double> hi(d, INFINITY), lo(d, INFINITY);  // (lo: the bound on -x_j)
    unit.assign(m, 0);
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t nz = 0, at = 0;
      for (std::size_t j = 0; j < d; ++j)
        if (!A[i * d + j].is_zero()) ++nz, at = j;
      const Interval& a = A[i * d + at];
      if (nz != 1 || a.lo != a.hi || std::fabs(a.lo) != 1) continue;
      unit[i] = 1;
      double& side = a.lo > 0 ? hi[at] : lo[at];
      side = std::min(side, b[i].hi);
    }
    for (std::size_t j = 0; j < d; ++j) radius.push_back(std::max(std::fabs(hi[j]), std::fabs(lo[j])));
    if (!std::all_of(radius.begin(), radius.end(), [](double v) { return std::isfinite(v); })) radius.clear();
    for (std::size_t j = 0; j < d; ++j) ok = std::isfinite(p[j] = r.point[j].get_d()) && ok;
    for (std::size_t i = 0; i < m && ok; ++i) ok = below(i, p);
  }
  Interval slack(std::size_t i, const std::vector<double>& x) const { return iv::dot(&A[i * d], x.data(), d) - b[i]; }
  // (box::below: a float sum with an a priori error bound first, the interval sum when it cannot
  // decide; the same answers as slack(i, x).negative(), cheaper)
  bool below(std::size_t i, const std::vector<double>& x) const { return box::below(&A[i * d], x.data(), d, b[i]); }
  // x is strictly past row k and strictly inside every other row: row k is a facet (the segment from
  // p to x crosses it where no other row is tight).
  bool past_only(std::size_t k, const std::vector<double>& x) const {
    if (!std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); }) || !slack(k, x).positive())
      return false;
    for (std::size_t i = 0; i < m; ++i)
      if (i != k && !below(i, x)) return false;
    return true;
  }
};

// Some row i in [from, to), i != k, has (a_i, b_i) = lambda (a_k, b_k) with lambda > 0.
bool multiple_of(const Region& r, std::size_t k, std::size_t from, std::size_t to) {
  const std::size_t d = r.A.cols;
  const Rational* ak = r.A.row(k);
  std::size_t j0 = 0;
  while (j0 < d && sgn(ak[j0]) == 0) ++j0;
  if (j0 == d) return false;  // a zero row defines no facet anyway
  for (std::size_t i = from; i < to; ++i) {
    const Rational* ai = r.A.row(i);
    if (i == k || sgn(ai[j0]) != sgn(ak[j0])) continue;
    const Rational lam = ai[j0] / ak[j0];
    bool same = r.b[i] == lam * r.b[k];
    for (std::size_t j = 0; j < d && same; ++j) same = ai[j] == lam * ak[j];
    if (same) return true;
  }
  return false;
}

// 1 facet (beyond set), 0 not a facet, -1 undecided; by rays, then float LPs.
void float_facets(const Region& r, const FloatCell& F, std::vector<signed char>& state,
                  std::vector<std::vector<double>>& beyond) {
  const std::size_t d = F.d, m = F.m;
  const std::vector<double>& p = F.p;
  std::vector<double> slack(m), q(d);
  for (std::size_t i = 0; i < m; ++i) {
    double s = F.rows.b[i];
    for (std::size_t j = 0; j < d; ++j) s -= F.rows.A[i * d + j] * p[j];
    slack[i] = s;
  }
  // The facets proven so far, as their own system: a relaxation of the cell that is (almost always,
  // after the rays) the cell itself, so small LPs over it prove the other rows redundant.
  flp::Rows facet_rows;
  facet_rows.d = d;
  std::vector<Interval> FA, Fb;
  auto prove = [&](std::size_t i, const std::vector<double>& x) {
    state[i] = 1, beyond[i] = x;
    facet_rows.A.insert(facet_rows.A.end(), &F.rows.A[i * d], &F.rows.A[(i + 1) * d]);
    facet_rows.b.push_back(F.rows.b[i]);
    FA.insert(FA.end(), &F.A[i * d], &F.A[(i + 1) * d]);
    Fb.push_back(F.b[i]);
  };
  // A ray from p along u: the first row it hits, if hit alone, is a facet (q just past it, before the
  // next row).  O(m d); true if it proved a new facet.
  auto shoot = [&](const double* u) {
    double t1 = INFINITY, t2 = INFINITY;
    std::size_t hit = m;
    for (std::size_t i = 0; i < m; ++i) {
      double den = 0;
      for (std::size_t j = 0; j < d; ++j) den += F.rows.A[i * d + j] * u[j];
      if (!(den > 0)) continue;
      const double t = slack[i] / den;
      if (t < t1) t2 = t1, t1 = t, hit = i;
      else if (t < t2) t2 = t;
    }
    if (hit == m || state[hit] >= 0 || !(t1 > 0)) return false;
    const double s = std::isfinite(t2) ? 0.5 * (t1 + t2) : 2 * t1;
    for (std::size_t j = 0; j < d; ++j) q[j] = p[j] + s * u[j];
    if (!F.past_only(hit, q)) return false;
    prove(hit, q);
    return true;
  };
  for (std::size_t k = 0; k < m; ++k)
    if (state[k] < 0) shoot(&F.rows.A[k * d]);  // most facets are found here

  flp::Rows rows;
  rows.d = d;
  std::vector<Interval> Ao, bo;
  std::vector<double> c(d), u(d);
  std::vector<Interval> cs(d);
  auto without = [](const auto& v, std::size_t from, std::size_t to, auto& out) {
    out.assign(v.begin(), v.begin() + from);
    out.insert(out.end(), v.begin() + to, v.end());
  };
  // max a_k x <= b_k strictly, by interval multipliers on the optimum's active rows.
  auto certified_below = [&](const flp::Result& lp, const std::vector<Interval>& A, const std::vector<Interval>& b,
                             std::size_t k, const double* radius = nullptr) {
    return flp::certify_nonnegative(A, b, lp.active, cs.data(), F.b[k], /*strict=*/true, radius);
  };
  for (std::size_t k = 0; k < m; ++k) {
    if (state[k] >= 0) continue;
    const Interval* ak = &F.A[k * d];
    for (std::size_t j = 0; j < d; ++j) c[j] = -ak[j].mid(), cs[j] = -ak[j];
    auto past = [&](const std::vector<double>& x) {
      double ax = 0;
      for (std::size_t j = 0; j < d; ++j) ax += ak[j].mid() * x[j];
      return ax > F.b[k].mid();
    };
    // First over the facets found: redundant if bounded there; a point past row k points (from p) at a
    // facet not found yet (a ray finds it, and we try again).
    for (int round = 0; round < 4 && state[k] < 0 && facet_rows.size() > 0; ++round) {
      const flp::Result lp = flp::minimize(facet_rows, c, p);
      const std::vector<double>* dir = nullptr;
      if (lp.status == flp::Status::unbounded) {
        dir = &lp.ray;
      } else if (lp.status == flp::Status::optimal) {
        if (!past(lp.x)) {
          if (certified_below(lp, FA, Fb, k)) state[k] = 0;
          break;
        }
        for (std::size_t j = 0; j < d; ++j) u[j] = lp.x[j] - p[j];
        dir = &u;
      }
      if (!dir || !shoot(dir->data())) break;
    }
    if (state[k] >= 0) continue;
    // Over all the other rows: an optimum past row k gives q on the segment; one not past it, certified,
    // proves the row redundant.
    without(F.rows.A, k * d, (k + 1) * d, rows.A);
    without(F.rows.b, k, k + 1, rows.b);
    const flp::Result lp = flp::minimize(rows, c, p);
    std::vector<std::vector<double>> tries;
    if (lp.status == flp::Status::unbounded) {
      for (double s = 1; s < 1e12; s *= 16) {
        tries.emplace_back(d);
        for (std::size_t j = 0; j < d; ++j) tries.back()[j] = p[j] + s * lp.ray[j];
      }
    } else if (lp.status == flp::Status::optimal) {
      double ap = 0, ax = 0;
      for (std::size_t j = 0; j < d; ++j) ap += ak[j].mid() * p[j], ax += ak[j].mid() * lp.x[j];
      const double bk = F.b[k].mid();
      if (ax > bk) {
        const double lam0 = (bk - ap) / (ax - ap);
        for (double lam : {(1 + lam0) / 2, lam0 + (1 - lam0) / 64}) {
          tries.emplace_back(d);
          for (std::size_t j = 0; j < d; ++j) tries.back()[j] = p[j] + lam * (lp.x[j] - p[j]);
        }
      } else {
        without(F.A, k * d, (k + 1) * d, Ao);
        without(F.b, k, k + 1, bo);
        // (an optimum on fewer than d rows is proven on the unit rows' box, which bounds the cell
        // without row k unless k is one of them: this left 3% of the rows to exact LPs at d = 6)
        if (certified_below(lp, Ao, bo, k, F.radius.empty() || F.unit[k] ? nullptr : F.radius.data())) {
          state[k] = 0;
        } else {
          // exactly on the same rows (an optimum on fewer than d rows, in an unbounded cell: 6% of the
          // rows at d = 6 on R^d had gone to exact LPs): max a_k x <= b_k over the others makes row k
          // redundant, unless a later row is a positive multiple of it (and keeps the facet)
          std::vector<int> W;
          for (int a : lp.active) W.push_back(a < static_cast<int>(k) ? a : a + 1);
          const flp::Implied q = flp::implied(r.A, r.b, W, k);
          if (flp::certify_lower_bound(q.A, q.b, q.c, q.bound) && !multiple_of(r, k, k + 1, m)) state[k] = 0;
        }
      }
    }
    for (auto& t : tries) {
      if (state[k] >= 0) break;
      if (F.past_only(k, t)) prove(k, t);
    }
  }
}

// The vertex path, for bounded cells whose vertices are all simple (the usual case in a box): walk the
// vertex-edge graph in floats from an LP optimum (drop one of the d tight rows, ratio test for the
// row entered), then prove every vertex found in intervals: its d rows solved as an interval system
// and every other row strictly slack there.  Then each vertex is exactly a simple vertex with that
// tight set, and each of its d edges ends at another found vertex, so the set is closed under edges:
// it is every vertex (the graph of a polytope is connected; an unbounded pointed polyhedron has an
// unbounded edge at some vertex, where the walk gives up).  At a simple vertex every tight row is a
// facet, and every facet of a polytope has a vertex: the facets are the union of the tight sets,
// with no LP.  false (nothing decided) when the walk meets a ray, a doubtful row or too many vertices.
bool vertex_facets(const FloatCell& F, std::vector<signed char>& state, std::vector<std::vector<double>>* beyond,
                   std::vector<std::vector<std::size_t>>* vertex_rows) {
  const std::size_t d = F.d, m = F.m;
  if (d == 0 || m < d + 1) return false;
  std::vector<double> c(d);
  for (std::size_t j = 0; j < d; ++j) c[j] = 1 + 0.0137 * static_cast<double>((j * 7 + 3) % 11);  // generic
  const flp::Result lp = flp::minimize(F.rows, c, F.p);
  if (lp.status != flp::Status::optimal || lp.active.size() != d) return false;
  // verts: d sorted rows per vertex, flat; xs: its float point
  const std::size_t cap = 16 * m;
  std::vector<std::size_t> verts(lp.active.begin(), lp.active.end()), N(d);
  std::sort(verts.begin(), verts.end());
  std::vector<double> xs, Inv(d * d), M(2 * d * d), ax(m), aU(m * d);
  auto find = [&](const std::size_t* T) {
    for (std::size_t v = 0; v * d < verts.size(); ++v)
      if (std::equal(T, T + d, &verts[v * d])) return true;
    return false;
  };
  for (std::size_t v = 0; v * d < verts.size(); ++v) {
    // [A_T | I] -> [I | A_T^-1] by Gauss-Jordan with partial pivoting
    const std::size_t* T = &verts[v * d];
    const std::size_t w = 2 * d;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < w; ++j) M[i * w + j] = j < d ? F.rows.A[T[i] * d + j] : (j - d == i ? 1.0 : 0.0);
    for (std::size_t col = 0; col < d; ++col) {
      std::size_t p = col;
      for (std::size_t i = col + 1; i < d; ++i)
        if (std::fabs(M[i * w + col]) > std::fabs(M[p * w + col])) p = i;
      if (!(std::fabs(M[p * w + col]) >= 1e-13)) return false;
      if (p != col) std::swap_ranges(&M[p * w], &M[p * w] + w, &M[col * w]);
      const double piv = M[col * w + col];
      for (std::size_t j = 0; j < w; ++j) M[col * w + j] /= piv;
      for (std::size_t i = 0; i < d; ++i) {
        const double f = M[i * w + col];
        if (i == col || f == 0) continue;
        for (std::size_t j = 0; j < w; ++j) M[i * w + j] -= f * M[col * w + j];
      }
    }
    for (std::size_t i = 0; i < d; ++i) std::copy(&M[i * w + d], &M[i * w + w], &Inv[i * d]);
    const std::size_t x0 = xs.size();
    xs.resize(x0 + d, 0.0);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) xs[x0 + i] += Inv[i * d + j] * F.rows.b[T[j]];
    // the edge leaving row k moves along u_k = -(column k of A_T^-1): a_k u = -1, the others stay tight
    for (std::size_t i = 0; i < m; ++i) {
      const double* ai = &F.rows.A[i * d];
      double s = 0;
      for (std::size_t j = 0; j < d; ++j) s += ai[j] * xs[x0 + j];
      ax[i] = s;
      for (std::size_t k = 0; k < d; ++k) {
        double t = 0;
        for (std::size_t j = 0; j < d; ++j) t -= ai[j] * Inv[j * d + k];
        aU[i * d + k] = t;
      }
    }
    for (std::size_t k = 0; k < d; ++k) {
      double best = INFINITY;
      std::size_t enter = m;
      for (std::size_t i = 0; i < m; ++i) {
        const double au = aU[i * d + k];
        if (!(au > 0) || std::find(T, T + d, i) != T + d) continue;
        const double s = (F.rows.b[i] - ax[i]) / au;
        if (s < best) best = s, enter = i;
      }
      if (enter == m) return false;  // a ray (or no usable ratio): not this path
      std::copy(T, T + d, N.begin());
      N[k] = enter;
      std::sort(N.begin(), N.end());
      if (find(N.data())) continue;
      if (verts.size() >= cap * d) return false;
      verts.insert(verts.end(), N.begin(), N.end());
      T = &verts[v * d];  // (the insert may move it)
    }
  }
  const std::size_t V = verts.size() / d;
  // Proofs: each vertex exactly simple with its tight set.
  std::vector<Interval> MI(d * d), rI(d), X;
  std::vector<double> xm(d);
  std::vector<char> in(m, 0);
  for (std::size_t v = 0; v < V; ++v) {
    const std::size_t* T = &verts[v * d];
    for (std::size_t i = 0; i < d; ++i) {
      std::copy(&F.A[T[i] * d], &F.A[(T[i] + 1) * d], &MI[i * d]);
      rI[i] = F.b[T[i]];
      in[T[i]] = 1;
    }
    const bool solved = la::solve(MI, rI, d, X);
    if (!solved) return false;
    // Every other row strictly slack on the box X: first at its centre xm, with the row's bound lowered
    // by R l1_i >= sum_j |a_j| |x_j - xm_j| (R >= every |x_j - xm_j| on X), by box::below; the interval
    // sum over X where that cannot decide (a third of the facet pass was these interval sums).
    double R = 0;
    bool finite = true;
    for (std::size_t j = 0; j < d; ++j) {
      xm[j] = X[j].mid();
      R = std::max(R, iv::up(std::max(X[j].hi - xm[j], xm[j] - X[j].lo)));
      finite = finite && std::isfinite(xm[j]);
    }
    finite = finite && std::isfinite(R);
    for (std::size_t i = 0; i < m; ++i) {
      if (in[i]) continue;
      const double lowered = iv::down(F.b[i].lo - iv::up(R * F.l1[i]));  // <= b_i - R l1_i (NaN: undecided)
      if (finite && box::below(&F.A[i * d], xm.data(), d, iv::exact(lowered))) continue;
      Interval s = -F.b[i];
      for (std::size_t j = 0; j < d; ++j) s = s + F.A[i * d + j] * X[j];
      if (!s.negative()) return false;
    }
    for (std::size_t i = 0; i < d; ++i) in[T[i]] = 0;
  }
  std::fill(state.begin(), state.end(), 0);
  for (std::size_t k : verts) state[k] = 1;
  if (beyond) {
    // A float proof beyond each facet (adjacency reads it): just past the centre of its vertices, seen
    // from p (the centre is in the facet's relative interior).
    std::vector<double> centre(m * d, 0.0), q(d);
    std::vector<std::size_t> on(m, 0);
    for (std::size_t v = 0; v < V; ++v)
      for (std::size_t i = 0; i < d; ++i) {
        const std::size_t k = verts[v * d + i];
        for (std::size_t j = 0; j < d; ++j) centre[k * d + j] += xs[v * d + j];
        ++on[k];
      }
    for (std::size_t k = 0; k < m; ++k) {
      if (!state[k]) continue;
      for (double s : {1.0 / 1024, 1.0 / (1 << 20)}) {
        for (std::size_t j = 0; j < d; ++j) {
          const double ck = centre[k * d + j] / static_cast<double>(on[k]);
          q[j] = ck + s * (ck - F.p[j]);
        }
        if (F.past_only(k, q)) {
          (*beyond)[k] = q;
          break;
        }
      }
    }
  }
  if (vertex_rows) {
    vertex_rows->clear();
    for (std::size_t v = 0; v < V; ++v) vertex_rows->emplace_back(&verts[v * d], &verts[(v + 1) * d]);
  }
  return true;
}

// P meets a_k x = b_k in its relative interior point (dimension d - 1 when row k is a facet).
InteriorResult on_row(const Region& r, std::size_t k) {
  const std::size_t d = r.A.cols;
  Polyhedron F(d);
  for (std::size_t i = 0; i < r.A.rows; ++i)
    if (i != k) F.add_inequality(r.A.row(i), r.b[i]);
  F.add_equality(r.A.row(k), r.b[k]);
  return relative_interior(F);
}

// A ray of a recession cone with an empty interior (some positive combination of its rows is 0, as
// for a layer-2 row and the layer-1 rows it is made of): rounding leaves the float ray u off the
// subspace the cone lies in, and no push brings it back (a third of the cells of 6-8-8-1 on R^6 went
// to the exact test so).  u projected onto the exact kernel of the rows it nearly meets, with dyadic
// coefficients: a_i y = 0 exactly there, and every other row is checked exactly.
bool kernel_ray(const Region& r, const FloatCell& F, const std::vector<double>& u) {
  const std::size_t d = F.d, m = F.m;
  // the rows u nearly meets, as integers (each row times its clearing factor: the kernel is the same)
  std::vector<Integer> S;
  std::vector<char> near(m, 0);
  std::size_t n = 0;
  for (std::size_t i = 0; i < m; ++i) {
    if (!(std::inner_product(u.begin(), u.end(), &F.rows.A[i * d], 0.0) > -1e-9)) continue;
    near[i] = 1, ++n;
    const Integer L = clearing_factor(r.A.row(i), d);
    for (std::size_t j = 0; j < d; ++j) S.push_back(cleared(r.A(i, j), L));
  }
  if (n == 0) return false;
  std::vector<std::size_t> piv;
  Integer D;
  la::gauss_jordan(S, n, d, d, piv, D, /*free_columns=*/true);
  // the kernel basis K (one vector per free column) in floats, then t minimising |K^T t - u|:
  // (K K^T) t = K u (any t gives a vector of the kernel; this one is near u)
  std::vector<std::size_t> freec;
  for (std::size_t j = 0; j < d; ++j)
    if (piv[j] == n) freec.push_back(j);
  const std::size_t k = freec.size();
  if (k == 0) return false;
  auto K = [&](std::size_t a, std::size_t j) -> Integer {
    if (j == freec[a]) return D;
    return piv[j] == n ? Integer(0) : Integer(-S[piv[j] * d + freec[a]]);
  };
  std::vector<double> Kf(k * d), G(k * k, 0.0), h(k, 0.0), t;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t j = 0; j < d; ++j) Kf[a * d + j] = K(a, j).get_d(), h[a] += Kf[a * d + j] * u[j];
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t c = 0; c < k; ++c) G[a * k + c] = std::inner_product(&Kf[a * d], &Kf[(a + 1) * d], &Kf[c * d], 0.0);
  if (!la::solve(G, h, k, t) || !std::all_of(t.begin(), t.end(), [](double v) { return std::isfinite(v); })) return false;
  // y = sum_a t_a K_a times 2^(60 - lowest), a positive factor that makes every t_a an integer
  int lowest = INT_MAX;
  for (double v : t)
    if (v != 0) lowest = std::min(lowest, std::ilogb(v));
  if (lowest == INT_MAX) return false;
  std::vector<Integer> y(d, Integer(0));
  for (std::size_t a = 0; a < k; ++a) {
    if (t[a] == 0) continue;
    const double scaled = std::ldexp(t[a], 60 - lowest);  // (t_a's bits sit at or above 2^(lowest - 52))
    if (!std::isfinite(scaled)) return false;
    const Integer ma(scaled);
    for (std::size_t j = 0; j < d; ++j) y[j] += ma * K(a, j);
  }
  if (std::all_of(y.begin(), y.end(), [](const Integer& v) { return sgn(v) == 0; })) return false;
  // rows met: a_i y = 0 exactly (y is in their kernel); the others must have a_i y <= 0
  std::vector<Interval> yi(d);
  for (std::size_t j = 0; j < d; ++j) yi[j] = iv::of(Rational(y[j]));
  for (std::size_t i = 0; i < m; ++i) {
    if (near[i]) continue;
    Interval s = iv::exact(0);
    for (std::size_t j = 0; j < d; ++j) s = s + F.A[i * d + j] * yi[j];
    if (s.hi <= 0) continue;
    if (s.lo > 0) return false;
    Rational e = 0;
    for (std::size_t j = 0; j < d; ++j) e += r.A(i, j) * y[j];
    if (sgn(e) > 0) return false;
  }
  return true;
}

}  // namespace

std::vector<Facet> facets(const Region& r, bool reference, std::vector<std::vector<std::size_t>>* vertex_rows,
                          bool proofs) {
  if (!r.has_geometry) throw InternalError("facets: region not materialized");
  const std::size_t m = r.A.rows, d = r.A.cols;
  std::vector<signed char> state(m, -1);
  std::vector<std::vector<double>> beyond(m);
  if (!reference) {
    const FloatCell F(r);
    const bool walk = vertex_rows || d <= kWalkDim;
    if (F.ok && !(walk && vertex_facets(F, state, proofs ? &beyond : nullptr, vertex_rows))) float_facets(r, F, state, beyond);
  }
  std::vector<Facet> out;
  out.reserve(static_cast<std::size_t>(std::count(state.begin(), state.end(), 1)) + 1);
  for (std::size_t k = 0; k < m; ++k) {
    if (state[k] == 0) continue;
    if (state[k] == 1) {
      out.push_back({k, std::move(beyond[k]), {}});
      continue;
    }
    if (multiple_of(r, k, 0, k)) continue;  // (an earlier row keeps the facet)
    InteriorResult in = on_row(r, k);
    if (in.dimension == static_cast<int>(d) - 1) out.push_back({k, {}, std::move(in.point)});
  }
  return out;
}

Vec facet_point(const Region& r, std::size_t k) { return on_row(r, k).point; }

bool bounded(const Region& r, bool reference) {
  if (!r.has_geometry) throw InternalError("bounded: region not materialized");
  const std::size_t d = r.A.cols, m = r.A.rows;
  if (!reference && d > 0) {
    const FloatCell F(r);
    // min c.x for c = c_0..c_{d-1} (a dyadic, diagonally dominant basis, generic so that optima are
    // vertices, not box faces) and c_d = -(c_0 + ... + c_{d-1}) (exact): these positively span R^d, so
    // lower bounds on all of them bound P; an unbounded one gives a ray, checked exactly.
    int proven = F.ok ? 0 : -1;
    const double eps = std::ldexp(1.0, -6 - static_cast<int>(std::ceil(std::log2(d + 1.0))));
    auto basis = [&](std::size_t t, std::size_t j) { return j == t ? 1.0 : eps * static_cast<double>(static_cast<int>((t * 5 + j * 3) % 7) - 3); };
    std::vector<double> c(d);
    std::vector<Interval> ci(d);
    for (std::size_t t = 0; t <= d && proven >= 0; ++t) {
      for (std::size_t j = 0; j < d; ++j) {
        c[j] = 0;
        if (t < d) c[j] = basis(t, j);
        else for (std::size_t s = 0; s < d; ++s) c[j] -= basis(s, j);
      }
      const flp::Result lp = flp::minimize(F.rows, c, F.p);
      if (lp.status == flp::Status::unbounded) {
        // A y <= 0, y != 0: P + t y stays in P.  The float ray lies on faces of the recession cone,
        // where rounding leaves some a_i y just above 0 (half the cells of 6-8-8-1 on R^6 went to the
        // exact test): then y pushed off the rows it nearly meets, into the cone's interior.
        auto is_ray = [&](const std::vector<double>& y) {
          bool ok = std::any_of(y.begin(), y.end(), [](double v) { return v != 0; });
          for (std::size_t i = 0; i < m && ok; ++i) {
            const Interval s = iv::dot(&F.A[i * d], y.data(), d);
            if (s.hi <= 0) continue;
            if (s.lo > 0) ok = false;
            else {  // doubtful: exactly
              Rational e = 0;
              for (std::size_t j = 0; j < d; ++j) e += r.A(i, j) * Rational(y[j]);
              ok = sgn(e) <= 0;
            }
          }
          return ok;
        };
        if (is_ray(lp.ray)) return false;
        double norm = 0;
        for (double v : lp.ray) norm = std::max(norm, std::fabs(v));
        if (norm > 0) {
          std::vector<double> u(d), g(d, 0.0), y(d);
          for (std::size_t j = 0; j < d; ++j) u[j] = lp.ray[j] / norm;
          for (std::size_t i = 0; i < m; ++i)
            if (std::inner_product(u.begin(), u.end(), &F.rows.A[i * d], 0.0) > -1e-9)
              for (std::size_t j = 0; j < d; ++j) g[j] += F.rows.A[i * d + j];
          for (double t : {1e-9, 1e-6, 1e-3}) {
            for (std::size_t j = 0; j < d; ++j) y[j] = u[j] - t * g[j];
            if (is_ray(y)) return false;
          }
          if (kernel_ray(r, F, u)) return false;
        }
        proven = -1;
      } else if (lp.status == flp::Status::optimal) {
        double v = 0;
        for (std::size_t j = 0; j < d; ++j) v += c[j] * lp.x[j], ci[j] = iv::exact(c[j]);
        // min c.x >= v - |v| - 1: any finite bound will do
        const Interval c0 = iv::exact(-v) + iv::exact(std::fabs(v) + 1);
        if (!std::isfinite(v) || !flp::certify_nonnegative(F.A, F.b, lp.active, ci.data(), c0)) proven = -1;
      } else {
        proven = -1;
      }
    }
    if (proven == 0) return true;
  }
  return is_bounded(r);
}

}  // namespace tropgeom
