#include "tropgeom/regions.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "float_lp.hpp"
#include "interval.hpp"
#include "run.hpp"
#include "search.hpp"

namespace tropgeom {
namespace {

using iv::Interval;

Rational dot(const Rational* a, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (sgn(a[j]) != 0) s += a[j] * x[j];
  return s;
}

// Exact pre-activations of one layer on a cell, as affine functions of x: z = G x + e.
struct LayerMap {
  Matrix G;
  Vec e;
};

// Where each hidden neuron sits: layer and index within it.
struct NeuronIndex {
  std::vector<std::size_t> first;  // first hidden index of every layer
  std::size_t hidden = 0;
  explicit NeuronIndex(const Network& net) {
    for (const Layer& L : net.layers) {
      first.push_back(hidden);
      if (L.relu) hidden += L.out;
    }
  }
  std::size_t layer_of(std::size_t n) const {
    return static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), n) - first.begin()) - 1;
  }
};

// Pre-activations of layer l given its input h = M x + c (exact).
LayerMap compose(const Layer& L, const Matrix& M, const Vec& c) {
  LayerMap z{Matrix(L.out, M.cols), L.b};
  for (std::size_t i = 0; i < L.out; ++i)
    for (std::size_t k = 0; k < L.in; ++k) {
      const Rational& w = L.W[i * L.in + k];
      if (sgn(w) == 0) continue;
      for (std::size_t j = 0; j < M.cols; ++j)
        if (sgn(M(k, j)) != 0) z.G(i, j) += w * M(k, j);
      if (sgn(c[k]) != 0) z.e[i] += w * c[k];
    }
  return z;
}

// The same maps in integers: z = (G x + e) / q with one q > 0 per layer.  Composing takes integer
// products only (mpq pays a gcd on every operation), and the signs and cones of rows ignore q.
struct IntMap {
  std::vector<Integer> G, e;  // G row-major, out x d
  Integer q;
};
using IntMaps = std::vector<std::shared_ptr<const IntMap>>;

// v[0..n) * L in integers (L a common multiple of the denominators).
std::vector<Integer> scaled(const Rational* v, std::size_t n, const Integer& L) {
  std::vector<Integer> out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(v[i] * L);
  return out;
}

// Exact pre-activation maps, one per layer, shared between cells (a split's two sides share them).
using Maps = std::vector<std::shared_ptr<const LayerMap>>;

// The layer-l input h = M x + c on a cell: layer l-1's map with the cell's inactive neurons zeroed.
LayerMap input_of(const Network& net, const NeuronIndex& ix, const std::vector<std::uint8_t>& pattern,
                  const Maps& maps, std::size_t l) {
  const std::size_t d = net.input_dim();
  if (l == 0) {
    LayerMap id{Matrix(d, d), Vec(d)};
    for (std::size_t j = 0; j < d; ++j) id.G(j, j) = 1;
    return id;
  }
  LayerMap h = *maps[l - 1];
  if (net.layers[l - 1].relu)
    for (std::size_t i = 0; i < h.e.size(); ++i)
      if (!pattern[ix.first[l - 1] + i]) {
        for (std::size_t j = 0; j < d; ++j) h.G(i, j) = 0;
        h.e[i] = 0;
      }
  return h;
}

// Extends maps to the first nlayers layers of a cell whose pattern starts with `pattern`.
void extend(const Network& net, const NeuronIndex& ix, const std::vector<std::uint8_t>& pattern, Maps& maps,
            std::size_t nlayers) {
  for (std::size_t l = maps.size(); l < nlayers; ++l) {
    LayerMap h = input_of(net, ix, pattern, maps, l);
    maps.push_back(std::make_shared<const LayerMap>(compose(net.layers[l], h.G, h.e)));
  }
}

// The exact cell {x : A x <= b}: the domain's rows, then one row per cut, on the side of its bit.
Polyhedron cell_polyhedron(const Polyhedron& domain, const NeuronIndex& ix, const Maps& maps,
                           const std::vector<int>& cuts, const std::vector<std::uint8_t>& pattern,
                           std::vector<int>* row_neuron = nullptr) {
  Polyhedron P = domain;
  if (row_neuron) row_neuron->assign(domain.A.rows, -1);
  Vec row(domain.dim);
  for (int n : cuts) {
    const std::size_t l = ix.layer_of(n), i = n - ix.first[l];
    const Rational* g = maps[l]->G.row(i);
    const bool on = pattern[n];  // active: -g x <= e; inactive: g x <= -e
    for (std::size_t j = 0; j < domain.dim; ++j) row[j] = on ? Rational(-g[j]) : g[j];
    P.add_inequality(row.data(), on ? maps[l]->e[i] : Rational(-maps[l]->e[i]));
    if (row_neuron) row_neuron->push_back(n);
  }
  return P;
}

bool strictly_inside(const Polyhedron& P, const Vec& q) {
  for (std::size_t i = 0; i < P.A.rows; ++i)
    if (!(dot(P.A.row(i), q) < P.b[i])) return false;
  return true;
}

// A point of doubles strictly inside P near q (q itself rounded, else short dyadics); false if none.
bool double_point(const Polyhedron& P, const Vec& q, std::vector<double>& out) {
  Vec r(q.size());
  for (int bits : {0, 4, 12, 24, 40}) {
    bool finite = true;
    for (std::size_t j = 0; j < q.size() && finite; ++j) {
      if (bits == 0) {
        const double v = q[j].get_d();
        finite = std::isfinite(v);  // beyond the double range there is no double point
        if (finite) r[j] = Rational(v);
      } else {
        Rational scaled = q[j] * (Integer(1) << bits);
        Integer k;
        mpz_fdiv_q(k.get_mpz_t(), scaled.get_num_mpz_t(), scaled.get_den_mpz_t());
        r[j] = Rational(k, Integer(1) << bits);
        r[j].canonicalize();
      }
    }
    if (!finite) return false;
    if (!strictly_inside(P, r)) continue;
    out.resize(q.size());
    bool same = true;  // the doubles must be exactly the checked point
    for (std::size_t j = 0; j < q.size() && same; ++j) same = iv::exact_double(r[j], out[j]);
    if (same) return true;
  }
  return false;
}

// Pre-activations of one layer on a cell, enclosed in intervals (row-major out x d).
struct IMap {
  std::vector<Interval> G, e;
};

// A cell waiting for neurons `neuron..` of layer `layer`.
struct Task {
  std::size_t layer = 0, neuron = 0;
  std::vector<int> cuts;                  // neurons whose rows follow the domain's
  std::vector<Interval> A, b;             // all rows, enclosures of the exact ones (A row-major)
  flp::Rows rows;                         // the same rows in float, for the LP filter
  std::vector<double> point;              // strictly inside: an exact dyadic point...
  std::shared_ptr<const Vec> exact_point; // ...or, when no double point was found, this one
  std::shared_ptr<const IMap> z;          // this layer's pre-activations on the cell
  std::shared_ptr<const Maps> exact;      // exact maps of layers 0..layer, made when first needed
  std::shared_ptr<const IntMaps> zint;    // the same in integers, for certificates
  std::vector<std::uint8_t> pattern;      // decided hidden neurons so far

  void add_row(const Interval* a, const Interval& rhs, std::size_t d) {
    std::vector<double> f(d);
    for (std::size_t j = 0; j < d; ++j) A.push_back(a[j]), f[j] = a[j].mid();
    b.push_back(rhs);
    rows.add(f.data(), rhs.mid());
  }
};

enum class Decision { unknown, active, inactive, split };

// Per-thread statistics, added to the shared ones once per task: shared counters bumped on every
// decision made the two cores fight over one cache line.
thread_local RegionStats tally;

class Enumerator {
 public:
  Enumerator(const Network& net, const RegionOptions& opt) : net_(net), opt_(opt), ix_(net) {
    for (const Layer& L : net.layers) {
      std::vector<Interval> W(L.W.size()), b(L.b.size());
      std::transform(L.W.begin(), L.W.end(), W.begin(), [](const Rational& q) { return iv::of(q); });
      std::transform(L.b.begin(), L.b.end(), b.begin(), [](const Rational& q) { return iv::of(q); });
      Wi_.push_back(std::move(W));
      bi_.push_back(std::move(b));
      Integer P = clearing_factor(L.W.data(), L.W.size());  // the layer's common denominator
      mpz_lcm(P.get_mpz_t(), P.get_mpz_t(), clearing_factor(L.b.data(), L.b.size()).get_mpz_t());
      Pz_.push_back(P);
      Wz_.push_back(scaled(L.W.data(), L.W.size(), P));
      bz_.push_back(scaled(L.b.data(), L.b.size(), P));
    }
  }

  RegionResult run(const Polyhedron& domain) {
    InteriorResult in = relative_interior(domain);
    if (in.dimension != static_cast<int>(domain.dim))
      throw InputError(in.dimension < 0 ? "domain is empty" : "domain is not full-dimensional (dimension " +
                                                                  std::to_string(in.dimension) + " in R^" +
                                                                  std::to_string(domain.dim) + ")");
    domain_ = domain;
    for (std::size_t i = 0; i < domain.A.rows; ++i) {
      const Integer L = clearing_factor(domain.A.row(i), domain.dim, &domain.b[i]);
      const std::vector<Integer> row = scaled(domain.A.row(i), domain.dim, L);
      dom_A_.insert(dom_A_.end(), row.begin(), row.end());
      dom_b_.emplace_back(domain.b[i] * L);
    }
    const std::size_t d = domain.dim;
    box_radius(domain);
    Task root;
    root.rows.d = d;
    std::vector<Interval> a(d);
    for (std::size_t i = 0; i < domain.A.rows; ++i) {
      for (std::size_t j = 0; j < d; ++j) a[j] = iv::of(domain.A(i, j));
      root.add_row(a.data(), iv::of(domain.b[i]), d);
    }
    place(root, domain, std::move(in.point));
    // Layer 1 sees the identity map.
    std::vector<Interval> I(d * d);
    for (std::size_t j = 0; j < d; ++j) I[j * d + j] = iv::exact(1);
    root.z = compose_iv(0, I, std::vector<Interval>(d));
    ParallelSearch<Task> search(opt_);
    search_ = &search;
    search.run(std::move(root), [this](Task&& cur, const ParallelSearch<Task>::Push& push) { step(std::move(cur), push); },
               [this] { flush(); });

    result_.count = search.found.load();
    if (opt_.max_regions && result_.count > opt_.max_regions) {
      result_.count = opt_.max_regions;
      if (result_.regions.size() > opt_.max_regions) result_.regions.resize(opt_.max_regions);
    }
    // One canonical order whatever the threads did: by activation pattern (patterns are distinct).
    std::sort(result_.regions.begin(), result_.regions.end(),
              [](const Region& a, const Region& b) { return a.pattern < b.pattern; });
    result_.status = search.status();
    result_.net = std::make_shared<Network>(net_);
    result_.domain = domain;
    return std::move(result_);
  }

 private:
  // One cell: decide neurons until it splits (both sides go on) or it is a finished region.
  void step(Task&& cur, const ParallelSearch<Task>::Push& push) {
    ++tally.cells;
    if (auto other = advance(cur)) push(std::move(*other));
    if (cur.layer < net_.layers.size()) {
      push(std::move(cur));
    } else {
      emit(std::move(cur));
    }
  }

  void flush() {
    std::lock_guard<std::mutex> g(result_mu_);
    result_.stats.lps += tally.lps;
    result_.stats.float_lps += tally.float_lps;
    result_.stats.exact_decisions += tally.exact_decisions;
    result_.stats.cells += tally.cells;
    tally = RegionStats{};
  }

  // Decides neurons of the current layer until one splits the cell (returns the other child, cur
  // keeps its own side) or the layer is done (cur moves to the next layer).
  std::unique_ptr<Task> advance(Task& cur) {
    const Layer& L = net_.layers[cur.layer];
    for (; L.relu && cur.neuron < L.out; ++cur.neuron) {
      std::unique_ptr<Task> child;
      Decision dec = filtered(cur, child);
      if (dec == Decision::unknown) {
        ++tally.exact_decisions;
        dec = exact(cur, child);
      }
      if (dec == Decision::split) return child;
      cur.pattern.push_back(dec == Decision::active);
    }
    next_layer(cur);
    return nullptr;
  }

  // The float filter: the sign at the stored point, then min of sp * z over the cell by a float LP,
  // each answer proven in interval arithmetic; unknown when a proof fails.
  Decision filtered(Task& cur, std::unique_ptr<Task>& child) {
    const std::size_t d = domain_.dim;
    const Interval* g = &cur.z->G[cur.neuron * d];
    const Interval e = cur.z->e[cur.neuron];
    if (std::all_of(g, g + d, [](const Interval& v) { return v.is_zero(); })) {  // constant on the cell
      if (e.positive()) return Decision::active;
      if (e.hi <= 0) return Decision::inactive;
      return Decision::unknown;
    }
    if (cur.exact_point) return Decision::unknown;
    const Interval zp = iv::dot(g, cur.point.data(), d) + e;
    if (!(zp.positive() || zp.negative())) return Decision::unknown;
    const int sp = zp.positive() ? 1 : -1;
    const Decision same = sp > 0 ? Decision::active : Decision::inactive;
    std::vector<double> c(d);
    for (std::size_t j = 0; j < d; ++j) c[j] = sp * g[j].mid();
    ++tally.float_lps;
    flp::Result r = flp::minimize(cur.rows, c, cur.point);
    std::vector<Interval> cs(g, g + d);
    if (sp < 0)
      for (auto& v : cs) v = -v;
    const Interval ce = sp > 0 ? e : -e;
    double val = ce.mid();
    for (std::size_t j = 0; j < d; ++j) val += c[j] * r.x[j];
    if (r.status == flp::Status::optimal && val >= 0)
      return flp::certify_nonnegative(cur.A, cur.b, r.active, cs.data(), ce, false,
                                      radius_.empty() ? nullptr : radius_.data()) ||
                     certify_exact(cur, r.active, sp)
                 ? same
                 : Decision::unknown;
    // Beyond the hyperplane: points of the segment from the stored point to y, the LP's last point
    // (its optimum, or where it stopped), or, when unbounded, y moved along the ray until
    // sp * z(y) = -sp * z(point).  The ray alone is no witness: it is only nearly in the cell's cone.
    double zpf = ce.mid();
    for (std::size_t j = 0; j < d; ++j) zpf += c[j] * cur.point[j];
    std::vector<double>& y = r.x;
    if (r.status == flp::Status::unbounded) {
      double slope = 0;
      for (std::size_t j = 0; j < d; ++j) slope += c[j] * r.ray[j];
      const double s = slope < 0 ? (val + zpf) / -slope : 0;
      if (s > 0) {
        for (std::size_t j = 0; j < d; ++j) y[j] += s * r.ray[j];
        val = -zpf;
      }
    }
    if (!(val < 0 && zpf > 0)) return Decision::unknown;
    const double lam0 = zpf / (zpf - val);
    for (double lam : {(1 + lam0) / 2, (1 + 3 * lam0) / 4, lam0 + (1 - lam0) / 64}) {
      std::vector<double> q(d);
      for (std::size_t j = 0; j < d; ++j) q[j] = cur.point[j] + lam * (y[j] - cur.point[j]);
      if (beyond(cur, cs.data(), ce, q)) {
        child = make_split(cur, sp, std::move(q));
        return Decision::split;
      }
    }
    return Decision::unknown;
  }

  // q is strictly inside the cell and cs.q + ce < 0 (proven in interval arithmetic).
  bool beyond(const Task& cur, const Interval* cs, const Interval& ce, const std::vector<double>& q) const {
    const std::size_t d = domain_.dim;
    if (!std::all_of(q.begin(), q.end(), [](double v) { return std::isfinite(v); })) return false;
    if (!(iv::dot(cs, q.data(), d) + ce).negative()) return false;
    for (std::size_t i = 0; i < cur.b.size(); ++i)
      if (!(iv::dot(&cur.A[i * d], q.data(), d) - cur.b[i]).negative()) return false;
    return true;
  }

  // radius_[t] >= |x_t| on a bounded domain (2d exact LPs, rounded up); empty when unbounded.
  void box_radius(const Polyhedron& domain) {
    const std::size_t d = domain.dim;
    for (std::size_t t = 0; t < d && domain.A.rows > 0; ++t) {
      Vec e(d);
      e[t] = 1;
      double r = 0;
      for (bool maximize : {true, false}) {
        LPResult lp = optimize(domain, e, maximize);
        if (lp.status != LPStatus::optimal) {
          radius_.clear();
          return;
        }
        r = std::max(r, iv::of(abs(lp.value)).hi);
      }
      radius_.push_back(r);
    }
  }

  // The float LP's dual proof redone exactly on its active rows alone.  Needed where the optimum is a
  // face, not a vertex (fewer than d active rows: few active neurons leave flat directions), which
  // intervals cannot prove; far cheaper than the exact LP.
  bool certify_exact(Task& cur, const std::vector<int>& active, int sp) {
    const std::size_t d = domain_.dim, m0 = domain_.A.rows;
    const IntMaps& maps = int_maps(cur);
    std::vector<Integer> A, b;
    A.reserve(active.size() * d);
    for (int i : active) {
      if (static_cast<std::size_t>(i) < m0) {
        A.insert(A.end(), dom_A_.begin() + i * d, dom_A_.begin() + (i + 1) * d);
        b.push_back(dom_b_[i]);
      } else {
        const int n = cur.cuts[i - m0];
        const std::size_t l = ix_.layer_of(n), k = n - ix_.first[l];
        const bool on = cur.pattern[n];  // as in cell_polyhedron
        const Integer* g = &maps[l]->G[k * d];
        for (std::size_t j = 0; j < d; ++j) A.push_back(on ? Integer(-g[j]) : g[j]);
        b.push_back(on ? maps[l]->e[k] : Integer(-maps[l]->e[k]));
      }
    }
    const IntMap& z = *maps[cur.layer];
    std::vector<Integer> c(z.G.begin() + cur.neuron * d, z.G.begin() + (cur.neuron + 1) * d);
    if (sp < 0)
      for (auto& v : c) v = -v;
    const Integer& e = z.e[cur.neuron];
    return flp::certify_lower_bound(A, b, c, sp > 0 ? Integer(-e) : e);
  }

  // The integer maps of layers 0..cur.layer, composed once per cell and layer and shared by its splits.
  const IntMaps& int_maps(Task& cur) const {
    if (!cur.zint || cur.zint->size() <= cur.layer) {
      auto maps = std::make_shared<IntMaps>(cur.zint ? *cur.zint : IntMaps{});
      for (std::size_t l = maps->size(); l <= cur.layer; ++l) maps->push_back(compose_int(l, cur.pattern, *maps));
      cur.zint = std::move(maps);
    }
    return *cur.zint;
  }

  // Layer l on a cell: z = (W_P h + b_P q') / (P q') for the integer layer W = W_P / P, b = b_P / P and
  // the input h = (G' x + e') / q' (layer l-1 with the cell's inactive neurons zeroed; x for l = 0).
  std::shared_ptr<const IntMap> compose_int(std::size_t l, const std::vector<std::uint8_t>& pattern,
                                            const IntMaps& maps) const {
    const Layer& L = net_.layers[l];
    const std::size_t d = domain_.dim;
    const IntMap* in = l ? maps[l - 1].get() : nullptr;
    auto z = std::make_shared<IntMap>();
    z->G.assign(L.out * d, Integer(0));
    z->e.assign(L.out, Integer(0));
    for (std::size_t i = 0; i < L.out; ++i) {
      Integer* g = &z->G[i * d];
      for (std::size_t k = 0; k < L.in; ++k) {
        const Integer& w = Wz_[l][i * L.in + k];
        if (sgn(w) == 0) continue;
        if (!in) {
          g[k] += w;
          continue;
        }
        if (net_.layers[l - 1].relu && !pattern[ix_.first[l - 1] + k]) continue;
        for (std::size_t j = 0; j < d; ++j) mpz_addmul(g[j].get_mpz_t(), w.get_mpz_t(), in->G[k * d + j].get_mpz_t());
        mpz_addmul(z->e[i].get_mpz_t(), w.get_mpz_t(), in->e[k].get_mpz_t());
      }
      if (in)
        mpz_addmul(z->e[i].get_mpz_t(), bz_[l][i].get_mpz_t(), in->q.get_mpz_t());
      else
        z->e[i] += bz_[l][i];
    }
    z->q = in ? Integer(Pz_[l] * in->q) : Pz_[l];
    return z;
  }

  // The exact maps of layers 0..cur.layer, composed once per cell and layer and shared by its splits.
  const Maps& exact_maps(Task& cur) const {
    if (!cur.exact || cur.exact->size() <= cur.layer) {
      auto maps = std::make_shared<Maps>(cur.exact ? *cur.exact : Maps{});
      extend(net_, ix_, cur.pattern, *maps, cur.layer + 1);
      cur.exact = std::move(maps);
    }
    return *cur.exact;
  }

  // The decision in exact arithmetic: the exact cell, the neuron's exact map, one exact LP.
  Decision exact(Task& cur, std::unique_ptr<Task>& child) {
    const std::size_t d = domain_.dim;
    const Maps& maps = exact_maps(cur);
    const Polyhedron P = cell_polyhedron(domain_, ix_, maps, cur.cuts, cur.pattern);
    const Rational* g = maps[cur.layer]->G.row(cur.neuron);
    const Rational& e = maps[cur.layer]->e[cur.neuron];
    if (std::all_of(g, g + d, [](const Rational& v) { return sgn(v) == 0; }))
      return sgn(e) > 0 ? Decision::active : Decision::inactive;  // constant: a dead or frozen neuron
    Vec p = cur.exact_point ? *cur.exact_point : Vec(cur.point.begin(), cur.point.end());
    const int sp = sgn(dot(g, p) + e);
    if (sp == 0) {  // the point is on the hyperplane: step off it both ways (ratio test)
      Vec up = step(P, p, g, +1), down = step(P, p, g, -1);
      child = make_split(cur, +1, {});
      place(cur, side(P, g, e, +1), std::move(up));
      place(*child, side(P, g, e, -1), std::move(down));
      return Decision::split;
    }
    ++tally.lps;
    LPResult r = optimize(P, Vec(g, g + d), /*maximize=*/sp < 0);
    if (r.status == LPStatus::infeasible) throw InternalError("a cell with an interior point is infeasible");
    Vec q;
    const Polyhedron far = side(P, g, e, -sp);
    if (r.status == LPStatus::unbounded) {
      ++tally.lps;
      InteriorResult in = relative_interior(far);
      if (in.dimension != static_cast<int>(d)) throw InternalError("unbounded side of a cell is not full-dimensional");
      q = std::move(in.point);
    } else {
      const Rational zv = r.value + e;
      if (sgn(zv) != -sp) return sp > 0 ? Decision::active : Decision::inactive;
      // A point of the open segment (p, optimum) beyond the hyperplane is inside the far side.
      const Rational zp = dot(g, p) + e;
      const Rational lam = (zp / (zp - zv) + 1) / 2;
      q.resize(d);
      for (std::size_t j = 0; j < d; ++j) q[j] = p[j] + lam * (r.x[j] - p[j]);
    }
    child = make_split(cur, sp, {});
    place(*child, far, std::move(q));
    return Decision::split;
  }

  // P cut by sign * (g x + e) >= 0, i.e. -sign * g x <= sign * e.
  static Polyhedron side(const Polyhedron& P, const Rational* g, const Rational& e, int sign) {
    Polyhedron Q = P;
    Vec row(g, g + P.dim);
    for (auto& v : row) v *= -sign;
    Q.add_inequality(row.data(), sign > 0 ? e : Rational(-e));
    return Q;
  }

  // p + eps * sign * g with eps half the distance to the boundary along that direction (1 if none).
  static Vec step(const Polyhedron& P, const Vec& p, const Rational* g, int sign) {
    const std::size_t d = P.dim;
    Vec u(g, g + d);
    if (sign < 0)
      for (auto& v : u) v = -v;
    bool bounded = false;
    Rational eps;
    for (std::size_t i = 0; i < P.A.rows; ++i) {
      Rational au = dot(P.A.row(i), u);
      if (sgn(au) <= 0) continue;
      Rational t = (P.b[i] - dot(P.A.row(i), p)) / au;
      if (!bounded || t < eps) eps = t, bounded = true;
    }
    eps = bounded ? eps / 2 : Rational(1);
    Vec q = p;
    for (std::size_t j = 0; j < d; ++j) q[j] += eps * u[j];
    return q;
  }

  // t's interior point: q, stored as doubles when some double point near q is strictly inside P.
  static void place(Task& t, const Polyhedron& P, Vec q) {
    if (double_point(P, q, t.point)) {
      t.exact_point.reset();
    } else {
      t.point.resize(q.size());
      for (std::size_t j = 0; j < q.size(); ++j) t.point[j] = q[j].get_d();
      t.exact_point = std::make_shared<const Vec>(std::move(q));
    }
  }

  // Splits cur by the current neuron: cur keeps side sp (and its point), the returned child gets the
  // other side with interior point q (empty: the caller places it).
  std::unique_ptr<Task> make_split(Task& cur, int sp, std::vector<double> q) {
    const std::size_t d = domain_.dim;
    auto other = std::make_unique<Task>();
    other->layer = cur.layer;
    other->neuron = cur.neuron + 1;
    other->cuts = cur.cuts;
    other->A = cur.A;
    other->b = cur.b;
    other->rows = cur.rows;
    other->z = cur.z;
    other->exact = cur.exact;
    other->zint = cur.zint;
    other->pattern = cur.pattern;
    other->point = std::move(q);
    const Interval* g = &cur.z->G[cur.neuron * d];
    const Interval e = cur.z->e[cur.neuron];
    std::vector<Interval> neg(g, g + d), pos(d);
    for (std::size_t j = 0; j < d; ++j) pos[j] = -neg[j];
    Task& P_pos = sp > 0 ? cur : *other;  // active side: -g x <= e
    Task& P_neg = sp > 0 ? *other : cur;  // inactive side: g x <= -e
    P_pos.add_row(pos.data(), e, d);
    P_neg.add_row(neg.data(), -e, d);
    const int neuron = static_cast<int>(ix_.first[cur.layer] + cur.neuron);
    P_pos.cuts.push_back(neuron);
    P_neg.cuts.push_back(neuron);
    P_pos.pattern.push_back(1);
    P_neg.pattern.push_back(0);
    ++cur.neuron;
    return other;
  }

  // Layer done: its outputs on the cell are (active rows of) z; compose into the next layer.
  void next_layer(Task& cur) {
    const Layer& L = net_.layers[cur.layer];
    const std::size_t d = domain_.dim;
    std::vector<Interval> M = cur.z->G, c = cur.z->e;
    if (L.relu) {
      const std::size_t base = cur.pattern.size() - L.out;
      for (std::size_t i = 0; i < L.out; ++i)
        if (!cur.pattern[base + i]) {
          std::fill(M.begin() + i * d, M.begin() + (i + 1) * d, Interval{});
          c[i] = Interval{};
        }
    }
    ++cur.layer;
    cur.neuron = 0;
    cur.z = cur.layer < net_.layers.size() ? compose_iv(cur.layer, M, c) : nullptr;
  }

  // Pre-activations of layer l given its input h = M x + c, in intervals.
  std::shared_ptr<const IMap> compose_iv(std::size_t l, const std::vector<Interval>& M,
                                         const std::vector<Interval>& c) const {
    const Layer& L = net_.layers[l];
    const std::size_t d = domain_.dim;
    auto z = std::make_shared<IMap>();
    z->G.assign(L.out * d, Interval{});
    z->e = bi_[l];
    for (std::size_t i = 0; i < L.out; ++i)
      for (std::size_t k = 0; k < L.in; ++k) {
        const Interval& w = Wi_[l][i * L.in + k];
        if (w.is_zero()) continue;
        for (std::size_t j = 0; j < d; ++j) z->G[i * d + j] = z->G[i * d + j] + w * M[k * d + j];
        z->e[i] = z->e[i] + w * c[k];
      }
    return z;
  }

  void emit(Task&& t) {
    std::size_t n = ++search_->found;
    if (opt_.max_regions && n > opt_.max_regions) {
      search_->stop(StopReason::max_count, /*lost=*/true);
      return;
    }
    if (opt_.keep_geometry) {
      Region r;
      r.pattern = std::move(t.pattern);
      r.cuts = std::move(t.cuts);
      r.point = t.exact_point ? *t.exact_point : Vec(t.point.begin(), t.point.end());
      std::lock_guard<std::mutex> g(result_mu_);
      result_.regions.push_back(std::move(r));
    }
  }

  const Network& net_;
  const RegionOptions& opt_;
  const NeuronIndex ix_;
  std::vector<std::vector<Interval>> Wi_, bi_;  // the weights, enclosed
  std::vector<std::vector<Integer>> Wz_, bz_;    // the weights times their layer's denominator Pz_
  std::vector<Integer> Pz_;
  Polyhedron domain_;
  std::vector<Integer> dom_A_, dom_b_;           // the domain's rows, each scaled to integers
  std::vector<double> radius_;
  ParallelSearch<Task>* search_ = nullptr;
  std::mutex result_mu_;
  RegionResult result_;
};

}  // namespace

RegionResult enumerate_regions(const Network& net, const Polyhedron& domain, const RegionOptions& opt) {
  net.validate();
  if (domain.dim != net.input_dim())
    throw InputError("domain lives in R^" + std::to_string(domain.dim) + "; the network takes " +
                     std::to_string(net.input_dim()) + " inputs");
  return Enumerator(net, opt).run(domain);
}

void materialize(const Network& net, const Polyhedron& domain, Region& r) {
  if (r.has_geometry) return;
  const NeuronIndex ix(net);
  Maps maps;
  extend(net, ix, r.pattern, maps, net.layers.size());
  LayerMap out = input_of(net, ix, r.pattern, maps, net.layers.size());  // the output map
  Polyhedron P = cell_polyhedron(domain, ix, maps, r.cuts, r.pattern, &r.row_neuron);
  r.A = std::move(P.A);
  r.b = std::move(P.b);
  r.J = std::move(out.G);
  r.c = std::move(out.e);
  r.has_geometry = true;
}

std::vector<std::uint8_t> pattern_towards(const Network& net, const Vec& x, const Vec& u) {
  std::vector<std::uint8_t> pattern;
  Vec h = x, dh = u;
  for (const Layer& L : net.layers) {
    Vec z(L.b), dz(L.out);
    for (std::size_t i = 0; i < L.out; ++i)
      for (std::size_t k = 0; k < L.in; ++k) {
        z[i] += L.W[i * L.in + k] * h[k];
        dz[i] += L.W[i * L.in + k] * dh[k];
      }
    for (std::size_t i = 0; L.relu && i < L.out; ++i) {  // a linear layer composes on, no bits
      const bool on = sgn(z[i]) > 0 || (sgn(z[i]) == 0 && sgn(dz[i]) > 0);
      pattern.push_back(on);
      if (!on) z[i] = 0, dz[i] = 0;
    }
    h.swap(z);
    dh.swap(dz);
  }
  return pattern;
}

bool is_bounded(const Region& r) {
  if (!r.has_geometry) throw InternalError("is_bounded: region not materialized");
  Polyhedron cone(r.A.cols);
  cone.A = r.A;
  cone.b.assign(r.A.rows, Rational(0));
  return relative_interior(cone).dimension == 0;
}

namespace {

// The network's weights and biases, enclosed in intervals, layer by layer.
using IWeights = std::vector<std::pair<std::vector<Interval>, std::vector<Interval>>>;

// Hidden pre-activations at the interval point y, layer by layer (ReLU on intervals).
std::vector<Interval> hidden_iv(const Network& net, const IWeights& Wi, std::vector<Interval> h) {
  std::vector<Interval> all;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& L = net.layers[l];
    std::vector<Interval> z = Wi[l].second;
    for (std::size_t i = 0; i < L.out; ++i)
      for (std::size_t k = 0; k < L.in; ++k) z[i] = z[i] + Wi[l].first[i * L.in + k] * h[k];
    if (L.relu)
      for (auto& v : z) {
        all.push_back(v);
        v = {std::max(0.0, v.lo), std::max(0.0, v.hi)};
      }
    h.swap(z);
  }
  return all;
}

// Activation patterns just beyond each facet of r made by a neuron.  Float filter: a point q strictly
// inside all other rows and strictly beyond row k proves row k a facet, and the segment from r's point
// to q meets it at y in its relative interior; if no other neuron vanishes at y (intervals), the
// pattern beyond is r's with that neuron flipped.  A strict dual bound proves a row no facet.
// Everything else is decided exactly (facet by relative interior, pattern by pattern_towards).
std::vector<std::vector<std::uint8_t>> region_neighbours(const Network& net, const IWeights& Wi, const Region& r) {
  const std::size_t d = r.A.cols, m = r.A.rows;
  std::vector<std::vector<std::uint8_t>> out;
  std::vector<double> p(d);
  bool fast = true;
  for (std::size_t j = 0; j < d; ++j) fast = iv::exact_double(r.point[j], p[j]) && fast;
  std::vector<Interval> A(m * d), b(m);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < d; ++j) A[i * d + j] = iv::of(r.A(i, j));
    b[i] = iv::of(r.b[i]);
  }
  auto strictly_below = [&](std::size_t i, const std::vector<double>& q) {
    return (iv::dot(&A[i * d], q.data(), d) - b[i]).negative();
  };
  for (std::size_t k = 0; k < m; ++k) {
    if (r.row_neuron[k] < 0) continue;  // the domain's boundary has no neighbour
    const Interval* ak = &A[k * d];
    int facet = -1;  // 1 proven facet (q found), 0 proven not, -1 unknown
    std::vector<double> q;
    if (fast) {
      flp::Rows rows;
      rows.d = d;
      std::vector<Interval> Ao, bo;
      std::vector<double> c(d), f(d);
      for (std::size_t i = 0; i < m; ++i) {
        if (i == k) continue;
        for (std::size_t j = 0; j < d; ++j) Ao.push_back(A[i * d + j]), f[j] = A[i * d + j].mid();
        bo.push_back(b[i]);
        rows.add(f.data(), b[i].mid());
      }
      for (std::size_t j = 0; j < d; ++j) c[j] = -ak[j].mid();
      flp::Result lp = flp::minimize(rows, c, p);
      std::vector<std::vector<double>> tries;
      if (lp.status == flp::Status::unbounded) {
        for (double s = 1; s < 1e12; s *= 16) {
          tries.emplace_back(d);
          for (std::size_t j = 0; j < d; ++j) tries.back()[j] = p[j] + s * lp.ray[j];
        }
      } else if (lp.status == flp::Status::optimal) {
        double ap = 0, ax = 0;
        for (std::size_t j = 0; j < d; ++j) ap += ak[j].mid() * p[j], ax += ak[j].mid() * lp.x[j];
        const double bk = b[k].mid();
        if (ax > bk) {
          const double lam0 = (bk - ap) / (ax - ap);
          for (double lam : {(1 + lam0) / 2, lam0 + (1 - lam0) / 64}) {
            tries.emplace_back(d);
            for (std::size_t j = 0; j < d; ++j) tries.back()[j] = p[j] + lam * (lp.x[j] - p[j]);
          }
        } else {
          std::vector<Interval> cs(ak, ak + d);
          for (auto& v : cs) v = -v;
          if (flp::certify_nonnegative(Ao, bo, lp.active, cs.data(), b[k], /*strict=*/true)) facet = 0;
        }
      }
      for (auto& t : tries) {
        if (facet >= 0) break;
        bool ok = std::all_of(t.begin(), t.end(), [](double v) { return std::isfinite(v); }) &&
                  (iv::dot(ak, t.data(), d) - b[k]).positive();
        for (std::size_t i = 0; i < m && ok; ++i) ok = i == k || strictly_below(i, t);
        if (ok) facet = 1, q = t;
      }
    }
    if (facet == 0) continue;
    if (facet == 1) {
      // y = p + t (q - p) on row k; the pattern beyond is r's with neuron n flipped unless another
      // neuron vanishes at y.
      Interval num = b[k] - iv::dot(ak, p.data(), d), den = iv::dot(ak, q.data(), d) - iv::dot(ak, p.data(), d);
      if (den.positive()) {
        const Interval t = num / den;
        std::vector<Interval> y(d);
        for (std::size_t j = 0; j < d; ++j) y[j] = iv::exact(p[j]) + t * (q[j] - p[j]);
        const std::vector<Interval> z = hidden_iv(net, Wi, y);
        const std::size_t n = static_cast<std::size_t>(r.row_neuron[k]);
        bool generic = true;
        for (std::size_t h = 0; h < z.size() && generic; ++h) generic = h == n || z[h].positive() || z[h].negative();
        if (generic) {
          out.push_back(r.pattern);
          out.back()[n] ^= 1;
          continue;
        }
      }
    }
    // Exact: row k is a facet iff {A x <= b, a_k x = b_k} has dimension d - 1.
    Polyhedron F(d);
    for (std::size_t i = 0; i < m; ++i)
      if (i != k) F.add_inequality(r.A.row(i), r.b[i]);
    F.add_equality(r.A.row(k), r.b[k]);
    InteriorResult in = relative_interior(F);
    if (in.dimension != static_cast<int>(d) - 1) continue;
    out.push_back(pattern_towards(net, in.point, Vec(r.A.row(k), r.A.row(k) + d)));
  }
  return out;
}

}  // namespace

Adjacency adjacency(RegionResult& res, const RunLimits& lim) {
  const Network& net = *res.net;
  IWeights Wi;
  for (const Layer& L : net.layers) {
    Wi.emplace_back(std::vector<Interval>(L.W.size()), std::vector<Interval>(L.b.size()));
    std::transform(L.W.begin(), L.W.end(), Wi.back().first.begin(), [](const Rational& v) { return iv::of(v); });
    std::transform(L.b.begin(), L.b.end(), Wi.back().second.begin(), [](const Rational& v) { return iv::of(v); });
  }
  std::vector<Region>& regions = res.regions;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < regions.size(); ++i)
    index.emplace(std::string(regions[i].pattern.begin(), regions[i].pattern.end()), i);

  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(std::max(1, lim.threads));
  const ForResult run = parallel_for(regions.size(), lim, [&](std::size_t i, int t) {
    Region& r = regions[i];
    materialize(net, res.domain, r);
    for (const auto& p : region_neighbours(net, Wi, r)) {
      auto it = index.find(std::string(p.begin(), p.end()));
      if (it == index.end()) {
        if (!res.status.complete) continue;  // a partial set need not hold the neighbour
        throw InternalError("adjacency: no region beyond a facet of region " + std::to_string(i));
      }
      if (i < it->second) found[t].emplace_back(i, it->second);
    }
  });
  Adjacency out;
  out.status = run.status;
  for (auto& f : found) out.pairs.insert(out.pairs.end(), f.begin(), f.end());
  std::sort(out.pairs.begin(), out.pairs.end());
  out.pairs.erase(std::unique(out.pairs.begin(), out.pairs.end()), out.pairs.end());
  return out;
}

}  // namespace tropgeom
