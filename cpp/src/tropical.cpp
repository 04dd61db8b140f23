#include "tropgeom/tropical.hpp"

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "float_lp.hpp"
#include "tropical_run.hpp"
#include "tropgeom/lp.hpp"
#include "tropgeom/regions.hpp"

namespace tropgeom {

TropPoly TropPoly::constant(std::size_t d, const Rational& value) {
  TropPoly p;
  p.d = d;
  p.E = Matrix(1, d);
  p.c = {value};
  return p;
}

TropPoly TropPoly::variable(std::size_t d, std::size_t j) {
  TropPoly p = constant(d, Rational(0));
  p.E(0, j) = 1;
  return p;
}

namespace {

bool row_less(const Rational* a, const Rational* b, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    int s = cmp(a[j], b[j]);
    if (s != 0) return s < 0;
  }
  return false;
}

bool row_equal(const Rational* a, const Rational* b, std::size_t d) { return std::equal(a, a + d, b); }

void check_same_dim(const TropPoly& p, const TropPoly& q) {
  if (p.d != q.d)
    throw InputError("tropical polynomials in " + std::to_string(p.d) + " and " + std::to_string(q.d) + " variables");
}

TropPoly subset(const TropPoly& p, const std::vector<std::size_t>& keep) {
  TropPoly out;
  out.d = p.d;
  out.E = Matrix(0, p.d);
  for (std::size_t i : keep) {
    out.E.append_row(p.E.row(i), p.d);
    out.c.push_back(p.c[i]);
  }
  return out;
}

Rational value_at(const TropPoly& p, std::size_t i, const Rational* x) {
  Rational v = p.c[i];
  const Rational* e = p.E.row(i);
  for (std::size_t j = 0; j < p.d; ++j)
    if (sgn(e[j]) != 0) v += e[j] * x[j];
  return v;
}

// Decides, exactly, which monomials of a canonical polynomial are upper-hull vertices.
//
// Keep i: an exact point x where i is the unique maximum over all monomials.  Drop i: i is nowhere
// the strict maximum over some subset T of the others, shown by LP.  T grows by cutting planes (the
// monomials that beat or tie i at the current point), and the point comes from a float LP over T.
// Most decisions are cheap and exact: a float LP's active set (<= d + 1 rows) gives multipliers
// that certify a drop by one small exact solve (flp::certify_lower_bound); only when that fails does
// an exact LP over T decide (T has a handful of rows).  Points are compared first against the
// vertices found so far (a few hundred, where most maxima are), and against all k monomials only
// when i wins there, so a non-vertex costs a few small LPs, not scans of all k.
class Pruner {
 public:
  Pruner(const TropPoly& p, const Budget& budget) : p_(p), k_(p.size()), d_(p.d), budget_(budget), state_(k_, unknown) {
    Ef_.resize(k_ * d_);
    cf_.resize(k_);
    flat_ = true;
    for (std::size_t i = 0; i < k_; ++i) {
      cf_[i] = to_double(p.c[i]);
      flat_ = flat_ && sgn(p.c[i]) == 0;
      for (std::size_t j = 0; j < d_; ++j) Ef_[i * d_ + j] = to_double(p.E(i, j));
    }
    if (flat_) {  // equal coefficients tie everywhere on the diagonal: start from E_i - mean instead of 0
      mean_.assign(d_, 0.0);
      for (std::size_t i = 0; i < k_; ++i)
        for (std::size_t j = 0; j < d_; ++j) mean_[j] += Ef_[i * d_ + j] / static_cast<double>(k_);
    }
    all_.resize(k_);
    std::iota(all_.begin(), all_.end(), 0);
  }

  std::vector<std::size_t> run() {
    if (k_ <= 1) return std::vector<std::size_t>(k_, 0);
    sample();
    for (std::size_t i = 0; i < k_; ++i) {
      budget_.tick(i);
      if (state_[i] == unknown) decide(i);
    }
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < k_; ++i)
      if (state_[i] == vertex) keep.push_back(i);
    return keep;
  }

  // After a stop: every monomial not proven redundant (vertices and undecided ones).
  std::vector<std::size_t> alive() const {
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < k_; ++i)
      if (state_[i] != pruned) keep.push_back(i);
    return keep;
  }

 private:
  enum State : char { unknown, vertex, pruned };

  // The float filter's error bound is relative, so it holds only for entries that are 0 or normal
  // doubles after rounding; one entry that under- or overflows (2^-1200, 10^400) turns it off and
  // every comparison is exact.
  static bool representable(const Rational& q, double v) {
    return sgn(q) == 0 || (std::isfinite(v) && std::fabs(v) >= DBL_MIN);
  }
  double to_double(const Rational& q) {
    const double v = q.get_d();
    filter_ = filter_ && representable(q, v);
    return v;
  }

  void found_vertex(std::size_t j) {
    if (state_[j] == vertex) return;
    state_[j] = vertex;
    vertices_.push_back(j);
  }

  // The live monomials of `cand` attaining their max at x, exactly.  A float pass (x, E, c rounded
  // to double) discards monomials more than `tol` below the float maximum; tol is ~10^6 times the
  // worst rounding error of a (d+1)-term dot product, so nothing it discards can be an exact maximiser.
  std::vector<std::size_t> maximisers(const Vec& x, const std::vector<std::size_t>& cand) {
    std::vector<double> xf(d_);
    bool finite = filter_;
    for (std::size_t j = 0; j < d_; ++j) finite = finite && representable(x[j], xf[j] = x[j].get_d());
    v_.resize(cand.size());
    double best = -INFINITY, scale = 0;
    for (std::size_t n = 0; n < cand.size() && finite; ++n) {
      const std::size_t i = cand[n];
      if (state_[i] == pruned) continue;
      double s = cf_[i], a = std::fabs(cf_[i]);
      const double* e = &Ef_[i * d_];
      for (std::size_t j = 0; j < d_; ++j) {
        s += e[j] * xf[j];
        a += std::fabs(e[j] * xf[j]);
      }
      v_[n] = s;
      best = std::max(best, s);
      scale = std::max(scale, a);
      finite = finite && std::isfinite(s) && std::isfinite(a);
    }
    const double tol = 1e-9 * scale + 1e-300;
    std::vector<std::size_t> out;
    Rational top;
    for (std::size_t n = 0; n < cand.size(); ++n) {
      const std::size_t i = cand[n];
      if (state_[i] == pruned || (finite && v_[n] < best - tol)) continue;
      if ((n & 1023) == 0) budget_.tick();
      Rational vi = value_at(p_, i, x.data());
      if (out.empty() || vi > top) {
        out.assign(1, i);
        top = vi;
      } else if (vi == top) {
        out.push_back(i);
      }
    }
    return out;
  }

  void sample() {
    std::mt19937_64 rng(0x7d0b5eedULL);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> decade(-2.0, 2.0);
    const std::size_t n = std::min<std::size_t>(16 + 4 * k_, 1000);
    Vec x(d_);
    for (std::size_t s = 0; s < n; ++s) {
      budget_.tick();
      const double r = std::pow(10.0, decade(rng));
      for (auto& xj : x) xj = Rational(normal(rng) * r);  // a double is an exact dyadic rational
      auto m = maximisers(x, all_);
      if (m.size() == 1) found_vertex(m[0]);
    }
  }

  // Row j of the LP for i: (E_j - E_i).x + t |E_j - E_i|_1 <= c_i - c_j.  Max t subject to the rows
  // of T and t <= 1: t* > 0 iff i is the strict maximum over T on an open set.
  void exact_row(std::size_t i, std::size_t j, Vec& row, Rational& rhs) const {
    row[d_] = 0;
    for (std::size_t l = 0; l < d_; ++l) {
      row[l] = p_.E(j, l) - p_.E(i, l);
      row[d_] += abs(row[l]);
    }
    rhs = p_.c[i] - p_.c[j];
  }

  // Exact: returns false iff t* <= 0, else an optimal point.
  bool exact_deep_point(std::size_t i, const std::vector<std::size_t>& T, Vec& x) {
    Polyhedron P(d_ + 1);
    Vec row(d_ + 1);
    Rational rhs;
    for (std::size_t j : T) {
      exact_row(i, j, row, rhs);
      P.add_inequality(row.data(), rhs);
    }
    std::fill(row.begin(), row.end(), Rational(0));
    row[d_] = 1;
    P.add_inequality(row.data(), Rational(1));
    LPResult r = optimize(P, row, true);
    if (r.status != LPStatus::optimal) throw InternalError("prune: the interior LP is not optimal");
    if (sgn(r.value) <= 0) return false;
    x.assign(r.x.begin(), r.x.begin() + d_);
    return true;
  }

  // t* <= 0 proven exactly by multipliers on the rows of T listed in `active` (a float LP's active
  // set): min -t >= 0 on those rows alone, so on all of T.
  bool certify_drop(std::size_t i, const std::vector<std::size_t>& T, const std::vector<int>& active) {
    std::vector<Integer> A, b, c(d_ + 1, Integer(0));
    c[d_] = -1;
    Vec row(d_ + 1);
    Rational rhs;
    for (int a : active) {
      if (a < 0 || static_cast<std::size_t>(a) >= T.size()) return false;  // the row t <= 1: t* = 1
      exact_row(i, T[a], row, rhs);
      const Integer s = clearing_factor(row.data(), d_ + 1, &rhs);
      for (std::size_t l = 0; l <= d_; ++l) A.push_back(Integer(row[l] * s));
      b.push_back(Integer(rhs * s));
    }
    return !b.empty() && flp::certify_lower_bound(A, b, c, Integer(0));
  }

  // The same LP in double: a point (true) or the active set of an optimum with t <= ~0 (false).
  bool float_deep_point(std::size_t i, const std::vector<std::size_t>& T, Vec& x, std::vector<int>& active) {
    active.clear();
    flp::Rows R;
    R.d = d_ + 1;
    std::vector<double> row(d_ + 1), start(d_ + 1, 0.0), obj(d_ + 1, 0.0);
    double t0 = 1;  // x = 0 with t below every row's limit is strictly feasible
    for (std::size_t j : T) {
      row[d_] = 0;
      for (std::size_t l = 0; l < d_; ++l) {
        row[l] = Ef_[j * d_ + l] - Ef_[i * d_ + l];
        row[d_] += std::fabs(row[l]);
      }
      const double rhs = cf_[i] - cf_[j];
      R.add(row.data(), rhs);
      t0 = std::min(t0, rhs / row[d_]);
    }
    std::fill(row.begin(), row.end(), 0.0);
    row[d_] = 1;
    R.add(row.data(), 1.0);
    start[d_] = t0 - 1;
    obj[d_] = -1;
    if (!std::isfinite(start[d_])) return false;
    flp::Result r = flp::minimize(R, obj, start);
    if (r.status != flp::Status::optimal) return false;
    if (!(r.x[d_] > 1e-12)) {
      active = r.active;
      return false;
    }
    x.resize(d_);
    for (std::size_t l = 0; l < d_; ++l) {
      if (!std::isfinite(r.x[l])) return false;
      x[l] = Rational(r.x[l]);
    }
    return true;
  }

  // Cutting planes: T starts empty and gains the monomials that beat or tie i at the current point,
  // compared with the known vertices (and T) first and with everything when i wins there.  A drop
  // is always proven exactly (multipliers, else the exact LP), a keep by an exact unique maximum.
  void decide(std::size_t i) {
    std::vector<std::size_t> T, cand;
    std::vector<int> active;
    Vec x(d_, Rational(0));
    if (flat_)
      for (std::size_t l = 0; l < d_; ++l) x[l] = Rational(Ef_[i * d_ + l] - mean_[l]);
    for (;;) {
      budget_.tick(i);
      cand = vertices_;
      cand.insert(cand.end(), T.begin(), T.end());
      cand.push_back(i);
      auto m = maximisers(x, cand);
      if (m.size() == 1 && m[0] == i) {
        m = maximisers(x, all_);
        if (m.size() == 1 && m[0] == i) {
          found_vertex(i);
          return;
        }
      }
      if (m.size() == 1) found_vertex(m[0]);  // a vertex found on the way
      bool grew = false;
      for (std::size_t j : m)
        if (j != i && std::find(T.begin(), T.end(), j) == T.end()) {
          T.push_back(j);
          grew = true;
        }
      // A stale point (no new row) or a float optimum at t <= 0 hands over to the exact decision.
      if (grew && float_deep_point(i, T, x, active)) continue;
      if (!active.empty() && certify_drop(i, T, active)) {
        state_[i] = pruned;
        return;
      }
      if (!exact_deep_point(i, T, x)) {
        state_[i] = pruned;
        return;
      }
    }
  }

  const TropPoly& p_;
  std::size_t k_, d_;
  const Budget& budget_;
  std::vector<State> state_;
  std::vector<double> Ef_, cf_, mean_, v_;
  std::vector<std::size_t> all_, vertices_;
  bool filter_ = true;  // every entry is 0 or a normal double: the float pass may discard
  bool flat_ = false;   // every coefficient 0 (hull vertices)
};

}  // namespace

namespace {

// canonical() polling a budget every few thousand comparisons: sorting the rows of a big product
// is the longest step of the expansion (a stop abandons the half-sorted copy).
TropPoly canonical_polled(TropPoly p, const Budget* budget) {
  if (p.E.cols != p.d || p.E.rows != p.c.size() || p.E.data.size() != p.E.rows * p.d)
    throw InputError("exponents and coefficients do not match: " + std::to_string(p.E.rows) + " x " +
                     std::to_string(p.E.cols) + " exponents, " + std::to_string(p.c.size()) + " coefficients, " +
                     std::to_string(p.d) + " variables");
  if (p.c.empty()) throw InputError("a tropical polynomial needs at least one monomial");
  bool sorted = true;  // already canonical (rows strictly increasing): nothing to do
  for (std::size_t i = 1; i < p.size() && sorted; ++i) sorted = row_less(p.E.row(i - 1), p.E.row(i), p.d);
  if (sorted) return p;
  std::vector<std::size_t> idx(p.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::size_t compared = 0;
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    if (budget && (++compared & 4095) == 0) budget->tick();
    return row_less(p.E.row(a), p.E.row(b), p.d);
  });
  TropPoly out;
  out.d = p.d;
  out.E = Matrix(0, p.d);
  for (std::size_t i : idx) {
    if (out.size() > 0 && row_equal(out.E.row(out.E.rows - 1), p.E.row(i), p.d)) {
      if (p.c[i] > out.c.back()) out.c.back() = p.c[i];
    } else {
      out.E.append_row(p.E.row(i), p.d);
      out.c.push_back(p.c[i]);
    }
  }
  return out;
}

}  // namespace

TropPoly canonical(TropPoly p) { return canonical_polled(std::move(p), nullptr); }

TropPoly canonical_from_doubles(std::size_t d, std::size_t k, const double* E, const double* c) {
  if (k == 0) throw InputError("a tropical polynomial needs at least one monomial");
  const auto less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(E + a * d, E + a * d + d, E + b * d, E + b * d + d);
  };
  std::vector<std::size_t> idx(k);
  std::iota(idx.begin(), idx.end(), 0);
  if (!std::is_sorted(idx.begin(), idx.end(), less)) std::stable_sort(idx.begin(), idx.end(), less);
  std::vector<std::size_t> keep;  // the first row of each run of equal rows, with the run's max coefficient
  std::vector<double> best;
  for (std::size_t i : idx) {
    if (!keep.empty() && std::equal(E + i * d, E + i * d + d, E + keep.back() * d)) {
      best.back() = std::max(best.back(), c[i]);
      continue;
    }
    keep.push_back(i);
    best.push_back(c[i]);
  }
  TropPoly p;
  p.d = d;
  p.E = Matrix(keep.size(), d);
  p.c.reserve(keep.size());
  for (std::size_t r = 0; r < keep.size(); ++r) {
    for (std::size_t j = 0; j < d; ++j) p.E(r, j) = E[keep[r] * d + j] + 0.0;  // -0.0 is 0
    p.c.emplace_back(best[r]);
  }
  return p;
}

TropPoly trop_sum(const TropPoly& p, const TropPoly& q) {
  check_same_dim(p, q);
  TropPoly out = p;
  out.E.data.insert(out.E.data.end(), q.E.data.begin(), q.E.data.end());
  out.E.rows += q.E.rows;
  out.c.insert(out.c.end(), q.c.begin(), q.c.end());
  return canonical(std::move(out));
}

namespace {

TropPoly product_polled(const TropPoly& p, const TropPoly& q, const Budget* budget) {
  check_same_dim(p, q);
  TropPoly out;
  out.d = p.d;
  out.E = Matrix(p.size() * q.size(), p.d);
  out.c.reserve(p.size() * q.size());
  for (std::size_t a = 0; a < p.size(); ++a)
    for (std::size_t b = 0; b < q.size(); ++b) {
      const std::size_t r = out.c.size();
      for (std::size_t j = 0; j < p.d; ++j) out.E(r, j) = p.E(a, j) + q.E(b, j);
      out.c.push_back(p.c[a] + q.c[b]);
      if (budget && (r & 255) == 0) budget->tick();
    }
  return canonical_polled(std::move(out), budget);
}

}  // namespace

TropPoly trop_product(const TropPoly& p, const TropPoly& q) { return product_polled(p, q, nullptr); }

TropPoly trop_power(const TropPoly& p, const Rational& r) {
  if (sgn(r) < 0) throw InputError("tropical power must be non-negative");
  if (sgn(r) == 0) return TropPoly::constant(p.d, Rational(0));
  TropPoly out = p;
  for (auto& v : out.E.data) v *= r;
  for (auto& v : out.c) v *= r;
  return canonical(std::move(out));  // scaling by r > 0 keeps the order and the distinctness
}

TropPoly trop_shift(const TropPoly& p, const Rational& a) {
  TropPoly out = p;
  for (auto& v : out.c) v += a;
  return out;
}

Rational evaluate(const TropPoly& p, const Rational* x) {
  if (p.size() == 0) throw InputError("empty tropical polynomial");
  Rational best = value_at(p, 0, x);
  for (std::size_t i = 1; i < p.size(); ++i) {
    Rational v = value_at(p, i, x);
    if (v > best) best = v;
  }
  return best;
}

std::vector<std::size_t> upper_vertices(const TropPoly& canonical_p, const Budget& budget) {
  return Pruner(canonical_p, budget).run();
}

TropPoly prune(const TropPoly& p, const Budget& budget) {
  TropPoly q = canonical(p);
  return subset(q, upper_vertices(q, budget));
}

std::vector<std::size_t> upper_vertices(const TropPoly& canonical_p, const RunLimits& lim) {
  return upper_vertices(canonical_p, Budget(lim));
}

TropPoly prune(const TropPoly& p, const RunLimits& lim) { return prune(p, Budget(lim)); }

Pruned prune_within(const TropPoly& p, const RunLimits& lim) {
  const Budget budget(lim);
  const TropPoly q = canonical(p);
  Pruner pruner(q, budget);
  try {
    return {subset(q, pruner.run()), RunStatus{}};
  } catch (const Stopped& s) {
    return {subset(q, pruner.alive()), RunStatus{false, s.reason}};
  }
}

std::vector<TropRational> tropicalize_expanded(const Network& net, bool do_prune, const RunLimits& lim,
                                               std::size_t max_monomials) {
  net.validate();
  const std::size_t d = net.input_dim();
  const Budget budget(lim);
  std::size_t made = 0;  // products formed: the progress count
  auto tidy = [&](TropPoly t) { return do_prune ? prune(t, budget) : t; };
  auto times = [&](const TropPoly& acc, const TropPoly& f) {
    budget.tick(made++);
    if (max_monomials && acc.size() * f.size() > max_monomials) throw Stopped(StopReason::max_count);
    return tidy(product_polled(acc, f, &budget));
  };
  std::vector<TropPoly> F, G;
  for (std::size_t j = 0; j < d; ++j) {
    F.push_back(TropPoly::variable(d, j));
    G.push_back(TropPoly::constant(d, Rational(0)));
  }
  for (const Layer& L : net.layers) {
    std::vector<TropPoly> F2, G2;
    for (std::size_t i = 0; i < L.out; ++i) {
      // H = W+ F + W- G + b and G' = W- F + W+ G, in tropical notation products of powers.
      TropPoly H = TropPoly::constant(d, L.b[i]), Gi = TropPoly::constant(d, Rational(0));
      for (std::size_t j = 0; j < L.in; ++j) {
        const Rational& w = L.W[i * L.in + j];
        if (sgn(w) == 0) continue;
        const Rational a = abs(w);
        H = times(H, trop_power(sgn(w) > 0 ? F[j] : G[j], a));
        Gi = times(Gi, trop_power(sgn(w) > 0 ? G[j] : F[j], a));
      }
      if (!L.relu) {
        F2.push_back(std::move(H));
        G2.push_back(std::move(Gi));
      } else if (sgn(L.slope) == 0) {
        F2.push_back(tidy(trop_sum(H, Gi)));  // relu(H - G') = max(H, G') - G'
        G2.push_back(std::move(Gi));
      } else {
        // max(z, a z) with z = H - G': max(H + a G', a H + G') - (1 + a) G'.
        const Rational& a = L.slope;
        TropPoly up = times(H, trop_power(Gi, a)), down = times(trop_power(H, a), Gi);
        F2.push_back(tidy(trop_sum(up, down)));
        G2.push_back(trop_power(Gi, a + 1));
      }
    }
    F.swap(F2);
    G.swap(G2);
  }
  std::vector<TropRational> out;
  for (std::size_t i = 0; i < F.size(); ++i) out.push_back({std::move(F[i]), std::move(G[i])});
  return out;
}

}  // namespace tropgeom

namespace tropgeom {

namespace {

// The recursion on one activation region, where every F^l, G^l is affine: each is a row
// (alpha_1..alpha_d, c) of a (neurons x (d+1)) array.  Rows are integers over one scale per layer
// (S_l = S_{l-1} D_l, D_l clearing layer l's denominators), so the inner loop is mpz_addmul with no
// gcd.  Layer l's (H, G') depend only on the pattern bits of the layers before it, so consecutive
// regions (sorted by pattern) share the layers above their first differing bit.
class RegionMaps {
 public:
  using Row = std::vector<Integer>;

  explicit RegionMaps(const Network& net) : net_(net), d_(net.input_dim()), n_(net.layers.size()), w_(d_ + 1) {
    std::size_t off = 0;
    Integer S = 1;
    for (const Layer& L : net.layers) {
      offset_.push_back(off);
      if (L.relu) off += L.out;
      Integer Db = clearing_factor(L.W.data(), L.W.size());
      for (const auto& v : L.b) mpz_lcm(Db.get_mpz_t(), Db.get_mpz_t(), v.get_den_mpz_t());
      std::vector<Integer> W(L.W.size()), b(L.out);
      for (std::size_t k = 0; k < W.size(); ++k) W[k] = Integer(L.W[k] * Db);  // exact: Db clears it
      S *= Db;
      for (std::size_t i = 0; i < L.out; ++i) b[i] = Integer(L.b[i] * S);
      W_.push_back(std::move(W));
      b_.push_back(std::move(b));
      H_.emplace_back(L.out * w_);
      Gp_.emplace_back(L.out * w_);
      F_.emplace_back(L.out * w_);
      // A LeakyReLU slope p/q: the layer's F and G come out at scale S q (see layer()).
      const bool leaky = L.relu && sgn(L.slope) != 0;
      p_.push_back(leaky ? Integer(L.slope.get_num()) : Integer(0));
      q_.push_back(leaky ? Integer(L.slope.get_den()) : Integer(1));
      G_.emplace_back(leaky ? L.out * w_ : 0);
      S *= q_.back();
    }
    scale_ = S;
    F0_.assign(d_ * w_, Integer(0));
    for (std::size_t j = 0; j < d_; ++j) F0_[j * w_ + j] = 1;
    G0_.assign(d_ * w_, Integer(0));
  }

  // Brings the maps up to `pattern`; `first` is the first byte where it differs from the last one.
  void update(const std::vector<std::uint8_t>& pattern, std::size_t first) {
    for (std::size_t l = 0; l < n_; ++l) {
      const Layer& L = net_.layers[l];
      if (offset_[l] > first || !ready_) layer(l);
      if (offset_[l] + (L.relu ? L.out : 0) > first || !ready_)
        for (std::size_t i = 0; i < L.out; ++i) {
          const bool on = !L.relu || pattern[offset_[l] + i];
          if (sgn(p_[l]) == 0) {
            const Row& src = on ? H_[l] : Gp_[l];
            std::copy(src.begin() + i * w_, src.begin() + (i + 1) * w_, F_[l].begin() + i * w_);
            continue;
          }
          // max(H + a G', a H + G') at scale q: q H + p G' when active, p H + q G' when not.
          const Integer &hi = on ? q_[l] : p_[l], &gi = on ? p_[l] : q_[l];
          for (std::size_t k = i * w_; k < (i + 1) * w_; ++k) F_[l][k] = hi * H_[l][k] + gi * Gp_[l][k];
        }
    }
    ready_ = true;
  }

  const Integer* numerator(std::size_t o) const { return F_.back().data() + o * w_; }
  const Integer* denominator(std::size_t o) const { return G(n_ - 1).data() + o * w_; }
  const Integer& scale() const { return scale_; }  // the rows are the maps times this

 private:
  // H = W+ F + W- G + b and G' = W- F + W+ G (zero entries skipped: F^0 is the identity).
  void layer(std::size_t l) {
    const Layer& L = net_.layers[l];
    const Row& F = l ? F_[l - 1] : F0_;
    const Row& G = l ? this->G(l - 1) : G0_;
    Row &H = H_[l], &Gp = Gp_[l];
    for (std::size_t i = 0; i < L.out; ++i) {
      Integer* h = H.data() + i * w_;
      Integer* g = Gp.data() + i * w_;
      for (std::size_t k = 0; k < w_; ++k) h[k] = 0, g[k] = 0;
      h[d_] = b_[l][i];
      for (std::size_t j = 0; j < L.in; ++j) {
        const Integer& wij = W_[l][i * L.in + j];
        const int s = sgn(wij);
        if (s == 0) continue;
        const Integer* f = F.data() + j * w_;
        const Integer* q = G.data() + j * w_;
        Integer* to_f = s > 0 ? h : g;  // where |w| F_j goes
        Integer* to_g = s > 0 ? g : h;  // where |w| G_j goes
        auto addmul = s > 0 ? mpz_addmul : mpz_submul;  // |w| x = w x or -(w x)
        for (std::size_t k = 0; k < w_; ++k) {
          if (sgn(f[k]) != 0) addmul(to_f[k].get_mpz_t(), wij.get_mpz_t(), f[k].get_mpz_t());
          if (sgn(q[k]) != 0) addmul(to_g[k].get_mpz_t(), wij.get_mpz_t(), q[k].get_mpz_t());
        }
      }
    }
    if (sgn(p_[l]) != 0) {  // the layer's G, (1 + a) G', at scale q
      const Integer pq = p_[l] + q_[l];
      for (std::size_t k = 0; k < Gp.size(); ++k) G_[l][k] = pq * Gp[k];
    }
  }

  // The G that layer l hands on: G' for ReLU and linear layers, (1 + a) G' (scaled) for LeakyReLU.
  const Row& G(std::size_t l) const { return sgn(p_[l]) != 0 ? G_[l] : Gp_[l]; }

  const Network& net_;
  std::size_t d_, n_, w_;
  std::vector<std::size_t> offset_;           // pattern bytes before each layer
  std::vector<std::vector<Integer>> W_, b_;   // layer l's weights times D_l, biases times S_l
  std::vector<Row> H_, Gp_, F_, G_;           // per layer: H, G', the chosen F, (1 + a) G' if leaky
  std::vector<Integer> p_, q_;                // per layer: its slope p/q (0/1 when not leaky)
  Row F0_, G0_;
  Integer scale_;
  bool ready_ = false;
};

// The distinct rows (alpha, c) seen, in one scale, sorted: alpha first, so this is the canonical
// order (a convex piecewise-affine function has no two pieces with one gradient).
struct Pieces {
  std::map<std::vector<Integer>, std::size_t> rows;

  std::map<std::vector<Integer>, std::size_t>::iterator add(const Integer* r, std::size_t d) {
    return rows.emplace(std::vector<Integer>(r, r + d + 1), 0).first;
  }
  TropPoly poly(std::size_t d, const Integer& scale) {
    TropPoly p;
    p.d = d;
    p.E = Matrix(0, d);
    Vec row(d + 1);
    std::size_t i = 0;
    for (auto& [r, index] : rows) {
      for (std::size_t k = 0; k <= d; ++k) {
        row[k] = Rational(r[k], scale);
        row[k].canonicalize();
      }
      if (p.size() && row_equal(p.E.row(p.E.rows - 1), row.data(), d))
        throw InternalError("tropicalize: two pieces of a convex function with one gradient");
      p.E.append_row(row.data(), d);
      p.c.push_back(row[d]);
      index = i++;
    }
    return p;
  }
};

}  // namespace

TropicalPieces tropical_pieces(const Network& net, const RunLimits& lim) {
  net.validate();
  const std::size_t d = net.input_dim(), outs = net.output_dim();
  RegionOptions opt;
  static_cast<RunLimits&>(opt) = lim;
  opt.keep_geometry = true;
  opt.defer_points = true;  // the maps need patterns only
  const auto start = std::chrono::steady_clock::now();
  const RegionResult res = enumerate_regions(net, Polyhedron(d), opt);
  // After a stop the maps of the regions found are still exact monomials of F and G: the partial result.
  RunStatus status = res.status;
  RunLimits rest = lim;  // one clock for the search and the maps
  if (lim.max_seconds > 0 && status.complete) {
    rest.max_seconds = lim.max_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rest.max_seconds <= 0) status = {false, StopReason::max_seconds};
  }
  // After a stop, the regions found are read within a short grace period (no hooks: the stop is
  // already decided), so the call returns within the contract with what was read.
  RunLimits grace;
  grace.max_seconds = lim.max_seconds > 0 ? std::max(0.02, 0.1 * lim.max_seconds) : 0.1;
  const Budget budget(status.complete ? rest : grace);
  RegionMaps maps(net);
  std::vector<Pieces> F(outs), G(outs);
  using It = std::map<std::vector<Integer>, std::size_t>::iterator;
  std::vector<It> fi, gi;
  fi.reserve(res.regions.size() * outs);
  gi.reserve(res.regions.size() * outs);
  const std::vector<std::uint8_t>* last = nullptr;
  std::size_t done = 0;
  for (const Region& r : res.regions) {
    try {
      budget.tick(fi.size());
    } catch (const Stopped& s) {  // stopped while reading the maps: keep those read
      if (status.complete) status = {false, s.reason};
      break;
    }
    ++done;
    std::size_t first = 0;
    if (last)
      while (first < r.pattern.size() && r.pattern[first] == (*last)[first]) ++first;
    maps.update(r.pattern, first);
    last = &r.pattern;
    for (std::size_t o = 0; o < outs; ++o) {
      fi.push_back(F[o].add(maps.numerator(o), d));
      gi.push_back(G[o].add(maps.denominator(o), d));
    }
  }
  TropicalPieces out;
  out.status = status;
  for (std::size_t o = 0; o < outs; ++o) out.maps.push_back({F[o].poly(d, maps.scale()), G[o].poly(d, maps.scale())});
  for (std::size_t k = 0; k < fi.size(); ++k) {
    out.numerator.push_back(fi[k]->second);
    out.denominator.push_back(gi[k]->second);
  }
  for (std::size_t k = 0; k < done; ++k) out.patterns.push_back(res.regions[k].pattern);
  return out;
}

std::vector<TropRational> tropicalize(const Network& net, bool do_prune, const RunLimits& lim, std::size_t max_monomials) {
  if (!do_prune) return tropicalize_expanded(net, false, lim, max_monomials);
  TropicalPieces t = tropical_pieces(net, lim);
  if (!t.status.complete) throw Stopped(t.status.reason);
  return std::move(t.maps);
}

}  // namespace tropgeom
