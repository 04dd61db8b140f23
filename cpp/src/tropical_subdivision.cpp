// Dual subdivisions, tropical hypersurfaces and linear regions of F ⊘ G (DESIGN §5.2).  Kept apart
// from tropical.cpp so that the LP-heavy translation units stay small.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <set>
#include <numeric>
#include <random>

#include "float_lp.hpp"
#include "interval.hpp"
#include "linalg.hpp"
#include "tropgeom/lp.hpp"
#include "tropgeom/tropical.hpp"
#include "tropical_run.hpp"

namespace tropgeom {

namespace {

using Index = std::vector<std::size_t>;


using la::null_space;

// The rows E_i - E_{S[0]} (i in S) restricted to `coords`: their rank is the affine rank of S.
Matrix differences(const TropPoly& p, const Index& S, const Index& coords) {
  Matrix D(0, coords.size());
  Vec row(coords.size());
  for (std::size_t i : S) {
    for (std::size_t l = 0; l < coords.size(); ++l) row[l] = p.E(i, coords[l]) - p.E(S[0], coords[l]);
    D.append_row(row.data(), coords.size());
  }
  return D;
}

Rational dot(const TropPoly& p, std::size_t i, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < p.d; ++j)
    if (sgn(x[j]) != 0) s += p.E(i, j) * x[j];
  return s;
}

// Walks the hypersurface of a canonical polynomial from cell to cell across upper ridges.
class Walker {
 public:
  Walker(const TropPoly& p, const Budget& budget) : p_(p), budget_(budget), V_(upper_vertices(p, budget)) {
    Index all(p.size());
    std::iota(all.begin(), all.end(), 0);
    Matrix D = differences(p, all, identity(p.d));
    out_.lineality = null_space(D);
    out_.coords = rref(D);
    out_.rank = out_.coords.size();
  }

  Subdivision run() {
    Vec x(p_.d, Rational(0));
    Index S = argmax(x);
    // Raise the tie set to a cell: move along the tie space until another monomial catches up.
    while (affine_rank(S) < out_.rank) {
      Matrix N = null_space(differences(p_, S, out_.coords));
      Vec v = embed(N.row(0));
      if (!shoot(S[0], x, v)) {
        for (auto& vj : v) vj = -vj;
        if (!shoot(S[0], x, v)) throw InternalError("subdivision: no monomial leaves the tie space");
      }
      S = argmax(x);
    }
    add_cell(S, x);
    for (std::size_t c = 0; c < out_.cells.size(); ++c) {
      budget_.tick(c);
      for (Index& R : ridges(out_.cells[c].monomials)) walk(c, std::move(R));
    }
    return std::move(out_);
  }

 private:
  static Index identity(std::size_t n) {
    Index I(n);
    std::iota(I.begin(), I.end(), 0);
    return I;
  }

  Vec embed(const Rational* y) const {
    Vec v(p_.d, Rational(0));
    for (std::size_t l = 0; l < out_.rank; ++l) v[out_.coords[l]] = y[l];
    return v;
  }

  std::size_t affine_rank(const Index& S) const { return rank(differences(p_, S, out_.coords)); }

  Index argmax(const Vec& x) const {
    Index S;
    Rational top;
    for (std::size_t i = 0; i < p_.size(); ++i) {
      Rational v = p_.c[i] + dot(p_, i, x);
      if (S.empty() || v > top) {
        S.assign(1, i);
        top = v;
      } else if (v == top) {
        S.push_back(i);
      }
    }
    return S;
  }

  // Moves x along v to the first point where an upper vertex overtakes monomial i (which attains
  // the max at x and keeps attaining it with its tie set); false if none ever does (a ray).
  bool shoot(std::size_t i, Vec& x, const Vec& v) const {
    const Rational rate_i = dot(p_, i, v), val_i = p_.c[i] + dot(p_, i, x);
    bool hit = false;
    Rational best;
    for (std::size_t j : V_) {
      const Rational gain = dot(p_, j, v) - rate_i;
      if (sgn(gain) <= 0) continue;
      Rational t = (val_i - p_.c[j] - dot(p_, j, x)) / gain;
      if (!hit || t < best) best = t, hit = true;
    }
    if (hit)
      for (std::size_t l = 0; l < p_.d; ++l) x[l] += best * v[l];
    return hit;
  }

  // The ridges of a cell: subsets R of S spanning a hyperplane (affine rank r - 1) with all of S on
  // one side.  Their hyperplanes pass through r upper vertices of S (faces of a face are faces).
  std::vector<Index> ridges(const Index& S) const {
    Index T;
    for (std::size_t i : S)
      if (std::binary_search(V_.begin(), V_.end(), i)) T.push_back(i);
    std::vector<Index> out;
    const std::size_t r = out_.rank;
    if (r == 0 || T.size() < r) return out;
    std::vector<char> pick(T.size(), 0);
    std::fill(pick.end() - r, pick.end(), 1);
    do {
      budget_.tick(out_.cells.size());
      Index B;
      for (std::size_t a = 0; a < T.size(); ++a)
        if (pick[a]) B.push_back(T[a]);
      Matrix N = null_space(differences(p_, B, out_.coords));
      if (N.rows != 1) continue;
      int pos = 0, neg = 0;
      Index R;
      for (std::size_t i : S) {
        Rational s = 0;
        for (std::size_t l = 0; l < r; ++l) s += N(0, l) * (p_.E(i, out_.coords[l]) - p_.E(B[0], out_.coords[l]));
        const int g = sgn(s);
        pos += g > 0, neg += g < 0;
        if (g == 0) R.push_back(i);
      }
      if ((pos == 0 || neg == 0) && std::find(out.begin(), out.end(), R) == out.end()) out.push_back(std::move(R));
    } while (std::next_permutation(pick.begin(), pick.end()));
    return out;
  }

  // Follows the edge of ridge R out of cell c: the direction keeps R tied and the rest of the cell
  // below (the ridge's outer normal in the cell), until a new upper vertex ties.
  void walk(std::size_t c, Index R) {
    if (!seen_.insert(R).second) return;
    const Index& S = out_.cells[c].monomials;
    Vec v = embed(null_space(differences(p_, R, out_.coords)).row(0));
    const std::size_t other = *std::find_if(S.begin(), S.end(), [&](std::size_t i) { return !std::binary_search(R.begin(), R.end(), i); });
    if (dot(p_, other, v) > dot(p_, R[0], v))
      for (auto& vj : v) vj = -vj;
    Vec x = out_.cells[c].point;
    SubdivisionEdge e;
    e.cell = c;
    if (shoot(R[0], x, v)) e.other = static_cast<long>(add_cell(argmax(x), x));
    e.monomials = std::move(R);
    e.direction = std::move(v);
    out_.edges.push_back(std::move(e));
  }

  std::size_t add_cell(Index S, const Vec& x) {
    auto it = cell_index_.find(S);
    if (it != cell_index_.end()) return it->second;
    cell_index_.emplace(S, out_.cells.size());
    out_.cells.push_back({std::move(S), x});
    return out_.cells.size() - 1;
  }

  const TropPoly& p_;
  const Budget& budget_;
  const Index V_;  // sorted
  Subdivision out_;
  std::map<Index, std::size_t> cell_index_;
  std::set<Index> seen_;  // ridges walked
};

// {x : E_k x + c_k <= E_i x + c_i for all k}: the region of monomial i, appended to P.
void add_region(Polyhedron& P, const TropPoly& p, std::size_t i) {
  Vec row(p.d);
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (k == i) continue;
    for (std::size_t l = 0; l < p.d; ++l) row[l] = p.E(k, l) - p.E(i, l);
    P.add_inequality(row.data(), p.c[i] - p.c[k]);
  }
}

struct UnionFind {
  std::vector<std::size_t> up;
  explicit UnionFind(std::size_t n) : up(n) { std::iota(up.begin(), up.end(), 0); }
  std::size_t find(std::size_t a) { return up[a] == a ? a : up[a] = find(up[a]); }
  bool unite(std::size_t a, std::size_t b) {
    a = find(a), b = find(b);
    up[a] = b;
    return a != b;
  }
};

}  // namespace

Subdivision subdivision(const TropPoly& canonical_p, const RunLimits& lim) {
  const Budget budget(lim);
  return Walker(canonical_p, budget).run();
}

namespace {

GluedCells glue(const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                const Budget& budget) {
  const std::size_t d = F.d;
  auto cell = [&](std::size_t i, std::size_t j) {
    Polyhedron P(d);
    add_region(P, F, i);
    add_region(P, G, j);
    return P;
  };
  std::map<Vec, std::vector<std::size_t>> by_map;  // affine map (E_i - E_j, c_i - c_j) -> cells
  for (std::size_t a = 0; a < cells.size(); ++a) {
    budget.tick(a);
    const auto [i, j] = cells[a];
    if (i >= F.size() || j >= G.size()) throw InputError("cell (" + std::to_string(i) + ", " + std::to_string(j) + ") out of range");
    Vec key(d + 1);
    for (std::size_t l = 0; l < d; ++l) key[l] = F.E(i, l) - G.E(j, l);
    key[d] = F.c[i] - G.c[j];
    by_map[key].push_back(a);
  }
  UnionFind uf(cells.size());
  for (const auto& [key, group] : by_map)
    for (std::size_t u = 0; u < group.size(); ++u)
      for (std::size_t w = u + 1; w < group.size(); ++w) {
        budget.tick(cells.size());
        if (uf.find(group[u]) == uf.find(group[w])) continue;
        const auto [i, j] = cells[group[u]];
        const auto [i2, j2] = cells[group[w]];
        Polyhedron P = cell(i, j);
        add_region(P, F, i2);
        add_region(P, G, j2);
        if (relative_interior(P).dimension + 1 == static_cast<int>(d)) uf.unite(group[u], group[w]);
      }
  GluedCells out;
  out.label.resize(cells.size());
  std::map<std::size_t, std::size_t> number;  // root -> label, in order of first cell
  for (std::size_t a = 0; a < cells.size(); ++a) {
    auto it = number.emplace(uf.find(a), number.size()).first;
    out.label[a] = it->second;
  }
  out.count = number.size();
  return out;
}

}  // namespace

GluedCells glue_cells(const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                      const RunLimits& lim) {
  if (F.d != G.d) throw InputError("numerator and denominator in different numbers of variables");
  return glue(F, G, cells, Budget(lim));
}

std::size_t linear_regions(const TropPoly& F0, const TropPoly& G0, const RunLimits& lim) {
  if (F0.d != G0.d) throw InputError("numerator and denominator in different numbers of variables");
  const Budget budget(lim);
  const TropPoly F = prune(F0, budget), G = prune(G0, budget);
  const std::size_t d = F.d, nF = F.size(), nG = G.size();
  // Points with a unique maximum in both F and G prove most non-empty pairs without an LP.
  std::vector<char> live(nF * nG, 0), decided(nF * nG, 0);
  std::mt19937_64 rng(0x11e5eedULL);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> decade(-2.0, 2.0);
  Vec x(d);
  for (std::size_t s = 0; s < std::min<std::size_t>(16 + 4 * nF * nG, 4000); ++s) {
    budget.tick();
    const double r = std::pow(10.0, decade(rng));
    for (auto& xj : x) xj = Rational(normal(rng) * r);
    auto unique_top = [&](const TropPoly& p) -> long {
      long best = -1;
      bool tie = false;
      Rational top;
      for (std::size_t i = 0; i < p.size(); ++i) {
        Rational v = p.c[i] + dot(p, i, x);
        if (best < 0 || v > top) best = static_cast<long>(i), top = v, tie = false;
        else if (v == top) tie = true;
      }
      return tie ? -1 : best;
    };
    const long i = unique_top(F), j = unique_top(G);
    if (i >= 0 && j >= 0) live[i * nG + j] = decided[i * nG + j] = 1;
  }
  std::vector<std::pair<std::size_t, std::size_t>> cells;
  for (std::size_t a = 0; a < nF * nG; ++a) {
    budget.tick(a);
    const std::size_t i = a / nG, j = a % nG;
    if (!decided[a]) {
      Polyhedron P(d);
      add_region(P, F, i);
      add_region(P, G, j);
      live[a] = is_full_dimensional(P);
    }
    if (live[a]) cells.emplace_back(i, j);
  }
  return glue(F, G, cells, budget).count;
}

namespace {

// The linear regions of F - G by a walk over the full-dimensional cells (i, j) = {F = f_i} ∩ {G = g_j}
// (F, G canonical and pruned, so every region of a monomial is full-dimensional).
//
// A cell is described by the rows of F's region i and of G's region j, and the walk needs only a
// SUPERSET of each region's facets: a row (f_k <= f_i) is dropped only when a float LP (max of its
// left side over the other kept rows) and an exact certificate (multipliers on the LP's active rows,
// flp::certify_lower_bound, non-strict) prove it implied by the rows kept; a row that touches the
// region in a vertex, which the float filter cannot tell from a facet, is simply kept.  Across a
// facet of cell (i, j) on F's row k the cell is (k, j), or (k, l) when G's row l is the same
// halfspace; across G's row l alone it is (i, l).  Every such candidate is tested for being
// full-dimensional (a float deep point checked exactly, or multipliers proving max t <= 0, else the
// exact LP), so a candidate across a kept non-facet row is either some other true cell or empty.
// Cells with one affine map that meet in dimension d - 1 are glued (exact LP on their rows).
class CellWalk {
 public:
  CellWalk(const TropPoly& F, const TropPoly& G, const Budget& budget) : p_{&F, &G}, d_(F.d), budget_(budget) {
    for (int s = 0; s < 2; ++s) {
      const TropPoly& p = *p_[s];
      Ef_[s].resize(p.size() * d_);
      cf_[s].resize(p.size());
      for (std::size_t i = 0; i < p.size(); ++i) {
        cf_[s][i] = filtered(p.c[i]);
        ci_[s].push_back(iv::of(p.c[i]));
        for (std::size_t l = 0; l < d_; ++l) {
          Ef_[s][i * d_ + l] = filtered(p.E(i, l));
          Ei_[s].push_back(iv::of(p.E(i, l)));
        }
      }
      rows_[s].resize(p.size());
      have_[s].assign(p.size(), 0);
    }
  }

  LinearCells run() {
    add(start());
    for (std::size_t c = 0; c < out_.cells.size(); ++c) visit(c);
    UnionFind uf(out_.cells.size());
    for (const auto& [u, w] : same_) {
      budget_.tick(out_.cells.size());
      if (uf.find(u) != uf.find(w) && meet_in_a_facet(out_.cells[u], out_.cells[w])) uf.unite(u, w);
    }
    std::map<std::size_t, std::size_t> number;  // root -> label, in order of first cell
    out_.glued.label.resize(out_.cells.size());
    for (std::size_t a = 0; a < out_.cells.size(); ++a)
      out_.glued.label[a] = number.emplace(uf.find(a), number.size()).first->second;
    out_.glued.count = number.size();
    return std::move(out_);
  }

 private:
  using Pair = std::pair<std::size_t, std::size_t>;

  // The float filter's error bounds are relative: every entry must be 0 or a normal double after
  // rounding (else every decision is exact).
  double filtered(const Rational& q) {
    const double v = q.get_d();
    ok_ = ok_ && (sgn(q) == 0 || (std::isfinite(v) && std::fabs(v) >= DBL_MIN));
    return v;
  }

  // Row k of side s's region i: (E_k - E_i) x <= c_i - c_k, exact and in double.
  void exact_row(int s, std::size_t i, std::size_t k, Rational* a, Rational& rhs) const {
    const TropPoly& p = *p_[s];
    for (std::size_t l = 0; l < d_; ++l) a[l] = p.E(k, l) - p.E(i, l);
    rhs = p.c[i] - p.c[k];
  }
  void float_row(int s, std::size_t i, std::size_t k, double* a, double& rhs) const {
    for (std::size_t l = 0; l < d_; ++l) a[l] = Ef_[s][k * d_ + l] - Ef_[s][i * d_ + l];
    rhs = cf_[s][i] - cf_[s][k];
  }

  // The unique maximiser of side s at x, or -1 at a tie (exact; doubles discard the clear losers).
  long argmax(int s, const Vec& x) const {
    const TropPoly& p = *p_[s];
    const std::size_t k = p.size();
    std::vector<double> xf(d_), v(k);
    bool fast = ok_;
    for (std::size_t l = 0; l < d_; ++l) {
      xf[l] = x[l].get_d();
      fast = fast && (sgn(x[l]) == 0 || (std::isfinite(xf[l]) && std::fabs(xf[l]) >= DBL_MIN));
    }
    double best = -INFINITY, scale = 0;
    for (std::size_t i = 0; i < k && fast; ++i) {
      double t = cf_[s][i], a = std::fabs(t);
      for (std::size_t l = 0; l < d_; ++l) t += Ef_[s][i * d_ + l] * xf[l], a += std::fabs(Ef_[s][i * d_ + l] * xf[l]);
      v[i] = t, best = std::max(best, t), scale = std::max(scale, a);
      fast = std::isfinite(t) && std::isfinite(a);
    }
    const double tol = 1e-9 * scale + 1e-300;
    long top = -1;
    bool tie = false;
    Rational tv;
    for (std::size_t i = 0; i < k; ++i) {
      if (fast && v[i] < best - tol) continue;
      const Rational vi = p.c[i] + dot(p, i, x);
      if (top < 0 || vi > tv) top = static_cast<long>(i), tv = vi, tie = false;
      else if (vi == tv) tie = true;
    }
    return tie ? -1 : top;
  }

  // A seeded random point where both maxima are unique (ties have measure zero): the first cell.
  Pair start() const {
    std::mt19937_64 rng(0x11e5eedULL);
    std::normal_distribution<double> normal;
    Vec x(d_);
    for (int t = 0; t < 1000; ++t) {
      budget_.tick();
      for (auto& xj : x) xj = Rational(normal(rng));
      const long i = argmax(0, x), j = argmax(1, x);
      if (i >= 0 && j >= 0) return {static_cast<std::size_t>(i), static_cast<std::size_t>(j)};
    }
    throw InternalError("linear_cells: no point with unique maxima");
  }

  // A float deep point of the rows (max t: a x + t |a|_1 <= rhs, t <= 1): true with x when t > 0;
  // else false with the optimum's active rows (the t <= 1 row is index rows.size()).
  static bool deep_point(const flp::Rows& rows_with_t, std::vector<double>& x, std::vector<int>& active) {
    const std::size_t D = rows_with_t.d;
    std::vector<double> start(D, 0.0), obj(D, 0.0);
    double t0 = 1;
    for (std::size_t r = 0; r + 1 < rows_with_t.size(); ++r) t0 = std::min(t0, rows_with_t.b[r] / rows_with_t.A[r * D + D - 1]);
    start[D - 1] = t0 - 1;
    obj[D - 1] = -1;
    active.clear();
    if (!std::isfinite(start[D - 1])) return false;
    const flp::Result r = flp::minimize(rows_with_t, obj, start);
    if (r.status != flp::Status::optimal) return false;
    if (!(r.x[D - 1] > 1e-12)) {
      active = r.active;
      return false;
    }
    x.assign(r.x.begin(), r.x.end() - 1);
    return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
  }

  // Side s's region i: the monomials k of a superset of its facet rows (see the class comment).
  const Index& rows(int s, std::size_t i) {
    if (have_[s][i]) return rows_[s][i];
    have_[s][i] = 1;
    const TropPoly& p = *p_[s];
    Index& K = rows_[s][i];
    for (std::size_t k = 0; k < p.size(); ++k)
      if (k != i) K.push_back(k);
    if (!ok_ || K.size() <= 1) return K;
    // A point deep inside the region: every LP below starts there.
    std::vector<double> a(d_ + 1), x0;
    std::vector<int> active;
    double rhs;
    flp::Rows R;
    R.d = d_ + 1;
    for (std::size_t k : K) {
      float_row(s, i, k, a.data(), rhs);
      a[d_] = 0;
      for (std::size_t l = 0; l < d_; ++l) a[d_] += std::fabs(a[l]);
      R.add(a.data(), rhs);
    }
    std::fill(a.begin(), a.end(), 0.0);
    a[d_] = 1;
    R.add(a.data(), 1.0);
    if (!deep_point(R, x0, active)) return K;
    // Cutting planes: row n's LP (max of its left side) runs over a working set W of rows, shared by
    // the region's rows and grown by the row that the optimum (or the ray) of W meets first among all
    // the kept rows; an optimum inside row n is proven by multipliers on W's active rows.
    const std::size_t m = K.size();
    std::vector<double> FA(m * d_), Fb(m);
    for (std::size_t n = 0; n < m; ++n) float_row(s, i, K[n], &FA[n * d_], Fb[n]);
    std::vector<char> alive(m, 1), in_W(m, 0);
    std::vector<std::size_t> W, which;
    std::vector<double> obj(d_);
    Vec ea(d_);
    Rational erhs;
    for (std::size_t n = 0; n < m; ++n) {
      const double* an = &FA[n * d_];
      for (std::size_t l = 0; l < d_; ++l) obj[l] = -an[l];  // min -a_n x: max a_n x
      for (std::size_t round = 0; round <= m; ++round) {
        budget_.tick();
        flp::Rows L;
        L.d = d_;
        which.clear();
        for (std::size_t w : W)
          if (w != n && alive[w]) L.add(&FA[w * d_], Fb[w]), which.push_back(w);
        const flp::Result r = flp::minimize(L, obj, x0);
        // The first kept row (other than n) that the segment x0 -> x, or the ray from x0, leaves through.
        std::vector<double> dir(d_);
        const bool ray = r.status == flp::Status::unbounded;
        if (!ray && r.status != flp::Status::optimal) break;  // no hint: keep row n
        for (std::size_t l = 0; l < d_; ++l) dir[l] = ray ? r.ray[l] : r.x[l] - x0[l];
        double top = 0, scale = std::fabs(Fb[n]);
        for (std::size_t l = 0; l < d_; ++l) top += an[l] * r.x[l], scale += std::fabs(an[l] * r.x[l]);
        double first = ray ? INFINITY : 1.0;
        long hit = -1;
        for (std::size_t q = 0; q < m; ++q) {
          if (q == n || !alive[q] || in_W[q]) continue;
          double ad = 0, ax = 0;
          for (std::size_t l = 0; l < d_; ++l) ad += FA[q * d_ + l] * dir[l], ax += FA[q * d_ + l] * x0[l];
          if (!(ad > 0)) continue;
          const double step = (Fb[q] - ax) / ad;
          if (step < first * (1 - 1e-9)) first = step, hit = static_cast<long>(q);
        }
        if (hit >= 0) {  // W misses a row the region has there: add it, solve again
          W.push_back(static_cast<std::size_t>(hit));
          in_W[hit] = 1;
          continue;
        }
        if (ray || !(top <= Fb[n] + 1e-9 * scale)) break;  // row n cuts the region (a facet, most likely)
        // min -a_n x + (c_i - c_n) >= 0 on the active rows alone, so on the region: row n is
        // implied.  Proven in intervals (d active rows), else by exact multipliers (a row through a
        // vertex of the region leaves no margin for intervals).
        if (interval_drop(s, i, K, which, r.active, n)) {
          alive[n] = 0;
          break;
        }
        std::vector<Integer> A, b, c(d_);
        for (int act : r.active) {
          exact_row(s, i, K[which[act]], ea.data(), erhs);
          const Integer f = clearing_factor(ea.data(), d_, &erhs);
          for (std::size_t l = 0; l < d_; ++l) A.push_back(Integer(ea[l] * f));
          b.push_back(Integer(erhs * f));
        }
        exact_row(s, i, K[n], ea.data(), erhs);
        const Integer f = clearing_factor(ea.data(), d_, &erhs);
        for (std::size_t l = 0; l < d_; ++l) c[l] = -Integer(ea[l] * f);
        if (!b.empty() && flp::certify_lower_bound(A, b, c, -Integer(erhs * f))) alive[n] = 0;
        break;
      }
      if (!alive[n] && in_W[n]) W.erase(std::find(W.begin(), W.end(), n)), in_W[n] = 0;
    }
    Index kept;
    for (std::size_t n = 0; n < K.size(); ++n)
      if (alive[n]) kept.push_back(K[n]);
    K.swap(kept);
    return K;
  }

  // Row n of region i implied by the LP rows `which` (multipliers on `active`), in intervals.
  bool interval_drop(int s, std::size_t i, const Index& K, const std::vector<std::size_t>& which,
                     const std::vector<int>& active, std::size_t n) const {
    if (active.size() != d_) return false;
    std::vector<iv::Interval> A(which.size() * d_), b(which.size()), c(d_);
    for (int act : active) {
      const std::size_t k = K[which[act]];
      for (std::size_t l = 0; l < d_; ++l) A[act * d_ + l] = Ei_[s][k * d_ + l] - Ei_[s][i * d_ + l];
      b[act] = ci_[s][i] - ci_[s][k];
    }
    const std::size_t k = K[n];
    for (std::size_t l = 0; l < d_; ++l) c[l] = Ei_[s][i * d_ + l] - Ei_[s][k * d_ + l];
    return flp::certify_nonnegative(A, b, active, c.data(), ci_[s][i] - ci_[s][k]);
  }

  // The rows of cell (i, j) appended to P.
  void add_rows(Polyhedron& P, const Pair& ij) {
    Vec a(d_);
    Rational rhs;
    for (int s = 0; s < 2; ++s) {
      const std::size_t i = s ? ij.second : ij.first;
      for (std::size_t k : rows(s, i)) {
        exact_row(s, i, k, a.data(), rhs);
        P.add_inequality(a.data(), rhs);
      }
    }
  }

  // Is cell (i, j) full-dimensional?  Float deep point checked exactly (strictly inside every row), or
  // max t <= 0 proven by multipliers on the float optimum's active rows; else the exact LP.
  bool full(const Pair& ij) {
    if (ok_) {
      flp::Rows R;
      R.d = d_ + 1;
      std::vector<double> a(d_ + 1), x;
      std::vector<int> active;
      std::vector<std::pair<int, std::size_t>> of;  // LP row -> (side, monomial)
      double rhs;
      for (int s = 0; s < 2; ++s) {
        const std::size_t i = s ? ij.second : ij.first;
        for (std::size_t k : rows(s, i)) {
          float_row(s, i, k, a.data(), rhs);
          a[d_] = 0;
          for (std::size_t l = 0; l < d_; ++l) a[d_] += std::fabs(a[l]);
          R.add(a.data(), rhs);
          of.emplace_back(s, k);
        }
      }
      if (of.empty()) return true;  // both sides one monomial: R^d
      std::fill(a.begin(), a.end(), 0.0);
      a[d_] = 1;
      R.add(a.data(), 1.0);
      Vec ea(d_);
      Rational erhs;
      if (deep_point(R, x, active)) {
        Vec ex(x.begin(), x.end());
        bool inside = true;
        for (std::size_t r = 0; r < of.size() && inside; ++r) {
          const std::size_t i = of[r].first ? ij.second : ij.first;
          exact_row(of[r].first, i, of[r].second, ea.data(), erhs);
          Rational v = 0;
          for (std::size_t l = 0; l < d_; ++l)
            if (sgn(ea[l]) != 0) v += ea[l] * ex[l];
          inside = v < erhs;
        }
        if (inside) return true;
      } else if (!active.empty()) {
        std::vector<Integer> A, b, c(d_ + 1, Integer(0));
        c[d_] = -1;
        bool fits = true;
        Vec row(d_ + 1);
        for (int act : active) {
          if (act < 0 || static_cast<std::size_t>(act) >= of.size()) { fits = false; break; }  // t <= 1 binds: t* = 1
          const std::size_t i = of[act].first ? ij.second : ij.first;
          exact_row(of[act].first, i, of[act].second, row.data(), erhs);
          row[d_] = 0;
          for (std::size_t l = 0; l < d_; ++l) row[d_] += abs(row[l]);
          const Integer f = clearing_factor(row.data(), d_ + 1, &erhs);
          for (std::size_t l = 0; l <= d_; ++l) A.push_back(Integer(row[l] * f));
          b.push_back(Integer(erhs * f));
        }
        if (fits && flp::certify_lower_bound(A, b, c, Integer(0))) return false;
      }
    }
    Polyhedron P(d_);
    add_rows(P, ij);
    return is_full_dimensional(P);
  }

  bool same_map(const Pair& u, const Pair& v) const {
    const TropPoly &F = *p_[0], &G = *p_[1];
    if (F.c[u.first] - G.c[u.second] != F.c[v.first] - G.c[v.second]) return false;
    for (std::size_t l = 0; l < d_; ++l)
      if (F.E(u.first, l) - G.E(u.second, l) != F.E(v.first, l) - G.E(v.second, l)) return false;
    return true;
  }

  // F's row k of region i and G's row l of region j are one halfspace: (a, rhs) positive multiples.
  bool same_halfspace(std::size_t i, std::size_t k, std::size_t j, std::size_t l) const {
    Vec a(d_), b(d_);
    Rational ra, rb;
    exact_row(0, i, k, a.data(), ra);
    exact_row(1, j, l, b.data(), rb);
    std::size_t m = 0;
    while (m < d_ && sgn(b[m]) == 0) ++m;
    if (m == d_ || sgn(a[m]) != sgn(b[m])) return false;
    const Rational lam = a[m] / b[m];
    if (ra != lam * rb) return false;
    for (std::size_t t = 0; t < d_; ++t)
      if (a[t] != lam * b[t]) return false;
    return true;
  }

  bool meet_in_a_facet(const Pair& u, const Pair& w) {
    Polyhedron P(d_);
    add_rows(P, u);
    add_rows(P, w);
    return relative_interior(P).dimension + 1 == static_cast<int>(d_);
  }

  void add(const Pair& ij) {
    index_.emplace(ij, out_.cells.size());
    out_.cells.push_back(ij);
  }

  // The candidates across the rows of cell c: each known cell, each new full-dimensional one added.
  void visit(std::size_t c) {
    const Pair ij = out_.cells[c];
    const Index RF = rows(0, ij.first), RG = rows(1, ij.second);
    std::vector<Pair> next;
    for (std::size_t k : RF) next.emplace_back(k, ij.second);
    for (std::size_t l : RG) next.emplace_back(ij.first, l);
    for (std::size_t k : RF)
      for (std::size_t l : RG)
        if (same_halfspace(ij.first, k, ij.second, l)) next.emplace_back(k, l);
    for (const Pair& q : next) {
      budget_.tick(out_.cells.size());
      auto it = index_.find(q);
      if (it == index_.end()) {
        if (empty_.count(q)) continue;
        if (!full(q)) {
          empty_.insert(q);
          continue;
        }
        add(q);
        it = index_.find(q);
      }
      if (it->second != c && same_map(ij, q)) same_.emplace(std::min(c, it->second), std::max(c, it->second));
    }
  }

  const TropPoly* p_[2];
  const std::size_t d_;
  const Budget& budget_;
  std::vector<double> Ef_[2], cf_[2];
  std::vector<iv::Interval> Ei_[2], ci_[2];  // enclosures of the entries
  std::vector<Index> rows_[2];
  std::vector<char> have_[2];
  bool ok_ = true;  // every entry 0 or a normal double: the float filter may be used
  std::map<Pair, std::size_t> index_;
  std::set<Pair> empty_, same_;
  LinearCells out_;
};

}  // namespace

LinearCells linear_cells(const TropPoly& F, const TropPoly& G, const RunLimits& lim) {
  if (F.d != G.d) throw InputError("numerator and denominator in different numbers of variables");
  const Budget budget(lim);
  const TropPoly Fp = prune(F, budget), Gp = prune(G, budget);
  LinearCells out = CellWalk(Fp, Gp, budget).run();
  // Back to the given monomials' indices (prune keeps the canonical order of the survivors).
  const TropPoly Fc = canonical(F), Gc = canonical(G);
  auto index_in = [](const TropPoly& all, const TropPoly& kept) {
    std::vector<std::size_t> at(kept.size());
    std::size_t n = 0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      while (!std::equal(all.E.row(n), all.E.row(n) + all.d, kept.E.row(k))) ++n;
      at[k] = n;
    }
    return at;
  };
  const auto iF = index_in(Fc, Fp), iG = index_in(Gc, Gp);
  for (auto& [i, j] : out.cells) i = iF[i], j = iG[j];
  return out;
}

std::vector<char> bounded_regions(const TropPoly& p, const RunLimits& lim) {
  const Budget budget(lim);
  std::vector<char> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    budget.tick(i);
    Polyhedron cone(p.d);  // the recession cone of monomial i's region
    add_region(cone, p, i);
    std::fill(cone.b.begin(), cone.b.end(), Rational(0));
    out[i] = relative_interior(cone).dimension == 0;
  }
  return out;
}

}  // namespace tropgeom
