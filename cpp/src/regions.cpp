#include "tropgeom/regions.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "float_lp.hpp"

namespace tropgeom {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxWitnesses = 8;

Rational dot(const Rational* a, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (sgn(a[j]) != 0) s += a[j] * x[j];
  return s;
}

// Pre-activations of one layer on a cell, as affine functions of x: z = G x + e.
struct LayerMap {
  Matrix G;
  Vec e;
  std::vector<double> Gf, ef;  // float copies for the LP filter
};

// A cell waiting for neurons `neuron..` of layer `layer`.
struct Task {
  std::size_t layer = 0, neuron = 0;
  Polyhedron P;
  std::vector<int> row_neuron;
  flp::Rows rows;                           // P's rows in float, for the LP filter
  Vec point;                                // strictly inside P
  std::vector<double> pointf;
  std::vector<Vec> witnesses;               // points of P's closure (LP optima)
  std::shared_ptr<const LayerMap> z;        // this layer's pre-activations on the cell
  std::vector<std::uint8_t> pattern;        // decided hidden neurons so far
};

class Enumerator {
 public:
  Enumerator(const Network& net, const RegionOptions& opt) : net_(net), opt_(opt) {
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      first_neuron_.push_back(hidden_);
      if (net.layers[l].relu) hidden_ += net.layers[l].out;
    }
  }

  RegionResult run(const Polyhedron& domain) {
    InteriorResult in = relative_interior(domain);
    if (in.dimension != static_cast<int>(domain.dim))
      throw InputError(in.dimension < 0 ? "domain is empty" : "domain is not full-dimensional (dimension " +
                                                                  std::to_string(in.dimension) + " in R^" +
                                                                  std::to_string(domain.dim) + ")");
    Task root;
    root.P = domain;
    root.row_neuron.assign(domain.A.rows, -1);
    root.rows.d = domain.dim;
    for (std::size_t i = 0; i < domain.A.rows; ++i) root.rows.add(domain.A.row(i), domain.b[i]);
    set_point(root, in.point);
    // Layer 1 sees the identity map.
    Matrix I(domain.dim, domain.dim);
    for (std::size_t j = 0; j < domain.dim; ++j) I(j, j) = 1;
    root.z = compose(0, I, Vec(domain.dim));
    stack_.push_back(std::move(root));

    start_ = Clock::now();
    const int nthreads = std::max(1, opt_.threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < nthreads; ++t) workers.emplace_back([this] { work(); });
    supervise();
    for (auto& w : workers) w.join();
    if (error_) std::rethrow_exception(error_);

    result_.count = count_.load();
    if (opt_.max_regions && result_.count > opt_.max_regions) {
      result_.count = opt_.max_regions;
      if (result_.regions.size() > opt_.max_regions) result_.regions.resize(opt_.max_regions);
    }
    result_.complete = stop_reason_.empty();
    result_.stop_reason = stop_reason_;
    result_.stats.lps = lps_.load();
    result_.stats.witness_splits = witness_splits_.load();
    result_.stats.cells = cells_.load();
    result_.stats.float_lps = float_lps_.load();
    return std::move(result_);
  }

 private:
  // The calling thread: polls Ctrl-C, the time budget and the progress callback while workers run.
  void supervise() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!(finished_ || stop_.load())) {
      cv_done_.wait_for(lk, std::chrono::milliseconds(50));
      lk.unlock();
      if (opt_.max_seconds > 0 &&
          std::chrono::duration<double>(Clock::now() - start_).count() > opt_.max_seconds)
        request_stop("max_seconds");
      if (opt_.cancel && opt_.cancel()) request_stop("interrupted");
      if (opt_.progress) opt_.progress(count_.load());
      lk.lock();
    }
    lk.unlock();
    if (opt_.progress) opt_.progress(count_.load());
  }

  void request_stop(const std::string& why) {
    std::lock_guard<std::mutex> g(mu_);
    if (!stop_.exchange(true)) stop_reason_ = why;
    cv_work_.notify_all();
    cv_done_.notify_all();
  }

  void work() {
    try {
      for (;;) {
        Task t;
        {
          std::unique_lock<std::mutex> lk(mu_);
          cv_work_.wait(lk, [this] { return stop_.load() || !stack_.empty() || busy_ == 0; });
          if (stop_.load() || stack_.empty()) {
            finished_ = true;
            cv_work_.notify_all();
            cv_done_.notify_all();
            return;
          }
          t = std::move(stack_.back());
          stack_.pop_back();
          ++busy_;
        }
        process(std::move(t));
        {
          std::lock_guard<std::mutex> g(mu_);
          --busy_;
        }
        cv_work_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> g(mu_);
      if (!error_) error_ = std::current_exception();
      stop_ = true;
      finished_ = true;
      cv_work_.notify_all();
      cv_done_.notify_all();
    }
  }

  // Runs one cell depth first; one child of every split goes to the shared stack when others idle.
  void process(Task t) {
    std::vector<Task> local;
    local.push_back(std::move(t));
    while (!local.empty() && !stop_.load()) {
      Task cur = std::move(local.back());
      local.pop_back();
      ++cells_;
      if (auto other = advance(cur)) {
        std::lock_guard<std::mutex> g(mu_);
        if (stack_.size() < static_cast<std::size_t>(opt_.threads)) {
          stack_.push_back(std::move(*other));
          cv_work_.notify_one();
        } else {
          local.push_back(std::move(*other));
        }
      }
      if (cur.layer < net_.layers.size()) {
        local.push_back(std::move(cur));
      } else {
        emit(std::move(cur));
      }
    }
    if (!local.empty()) {  // stopped: nothing to keep, partial result is what was emitted
      local.clear();
    }
  }

  // Decides neurons of the current layer until one splits the cell (returns the other child, cur
  // keeps its own side) or the layer is done (cur moves to the next layer).
  std::unique_ptr<Task> advance(Task& cur) {
    const Layer& L = net_.layers[cur.layer];
    const LayerMap& z = *cur.z;
    const std::size_t d = cur.P.dim;
    for (; L.relu && cur.neuron < L.out; ++cur.neuron) {
      const Rational* g = z.G.row(cur.neuron);
      const Rational& e = z.e[cur.neuron];
      const bool constant = std::all_of(g, g + d, [](const Rational& v) { return sgn(v) == 0; });
      if (constant) {  // identically e on the cell (a dead or frozen neuron) splits nothing
        cur.pattern.push_back(sgn(e) > 0);
        continue;
      }
      const Rational zp = dot(g, cur.point) + e;
      const int sp = sgn(zp);
      if (sp == 0) return split_through(cur, g, e);
      // A closure point strictly on the other side proves the split.
      for (const Vec& w : cur.witnesses) {
        Rational zw = dot(g, w) + e;
        if (sgn(zw) == -sp) {
          ++witness_splits_;
          return split_towards(cur, g, e, zp, w, zw);
        }
      }
      std::unique_ptr<Task> child;
      const Decision dec = filtered(cur, g, e, zp, sp, child);
      if (dec == Decision::split) return child;
      if (dec == Decision::no_split) {
        cur.pattern.push_back(sp > 0);
        continue;
      }
      ++lps_;
      Vec dir(g, g + d);
      LPResult r = optimize(cur.P, dir, /*maximize=*/sp < 0);
      if (r.status == LPStatus::infeasible) throw InternalError("a cell with an interior point is infeasible");
      if (r.status == LPStatus::unbounded) return split_unbounded(cur, g, e, sp);
      Rational zv = r.value + e;
      if (sgn(zv) == -sp) return split_towards(cur, g, e, zp, std::move(r.x), zv);
      add_witness(cur, std::move(r.x));
      cur.pattern.push_back(sp > 0);
    }
    next_layer(cur);
    return nullptr;
  }

  enum class Decision { unknown, no_split, split };

  // The float LP filter: min of sp * z over the cell in double, then an exact proof either way --
  // dual multipliers for "no split", an exact point strictly beyond the hyperplane for "split".
  Decision filtered(Task& cur, const Rational* g, const Rational& e, const Rational& zp, int sp,
                    std::unique_ptr<Task>& child) {
    const std::size_t d = cur.P.dim;
    const LayerMap& z = *cur.z;
    const double* gf = &z.Gf[cur.neuron * d];
    const double ef = sp * z.ef[cur.neuron];
    std::vector<double> c(d);
    for (std::size_t j = 0; j < d; ++j) c[j] = sp * gf[j];
    ++float_lps_;
    flp::Result r = flp::minimize(cur.rows, c, cur.pointf);
    if (r.status == flp::Status::optimal) {
      double val = ef, scale = std::fabs(ef);
      for (std::size_t j = 0; j < d; ++j) val += c[j] * r.x[j], scale += std::fabs(c[j] * r.x[j]);
      if (val > 1e-9 * scale) {
        Vec cx(g, g + d);
        if (sp < 0)
          for (auto& v : cx) v = -v;
        if (flp::certify_lower_bound(cur.P.A, cur.P.b, r.active, cx, sp > 0 ? Rational(-e) : Rational(e)))
          return Decision::no_split;
      } else if (val < -1e-9 * scale) {
        double zpf = ef;
        for (std::size_t j = 0; j < d; ++j) zpf += c[j] * cur.pointf[j];
        const double lam0 = zpf / (zpf - val);
        for (double lam : {(1 + lam0) / 2, (1 + 3 * lam0) / 4}) {
          Vec q(d);
          for (std::size_t j = 0; j < d; ++j) q[j] = cur.pointf[j] + lam * (r.x[j] - cur.pointf[j]);
          if (beyond(cur, g, e, sp, q)) {
            child = make_split(cur, g, e, sp, simplify_inside(cur, g, e, -sp, std::move(q)));
            return Decision::split;
          }
        }
      }
    } else if (r.status == flp::Status::unbounded) {
      // q = p + s r with A r <= 0 (exactly) and s chosen so that sp * z(q) = -|z(p)|.
      Vec ray(r.ray.begin(), r.ray.end());
      bool recedes = true;
      for (std::size_t i = 0; i < cur.P.A.rows && recedes; ++i) recedes = sgn(dot(cur.P.A.row(i), ray)) <= 0;
      Rational gr = dot(g, ray);
      if (recedes && sgn(gr) == -sp) {
        Rational s = -2 * zp / gr;
        Vec q = cur.point;
        for (std::size_t j = 0; j < d; ++j) q[j] += s * ray[j];
        child = make_split(cur, g, e, sp, simplify_inside(cur, g, e, -sp, std::move(q)));
        return Decision::split;
      }
    }
    return Decision::unknown;
  }

  // q is strictly inside the cell and strictly on the side -sp of g x + e = 0 (exact).
  bool beyond(const Task& cur, const Rational* g, const Rational& e, int sp, const Vec& q) const {
    if (sgn(dot(g, q) + e) != -sp) return false;
    for (std::size_t i = 0; i < cur.P.A.rows; ++i)
      if (!(dot(cur.P.A.row(i), q) < cur.P.b[i])) return false;
    return true;
  }

  static void set_point(Task& t, Vec p) {
    t.pointf.resize(p.size());
    for (std::size_t j = 0; j < p.size(); ++j) t.pointf[j] = p[j].get_d();
    t.point = std::move(p);
  }

  // Split by g x + e = 0 into cur (side of cur.point, sign sp) and a returned child (other side) whose
  // interior point is q; the neuron's bit is recorded in both.
  std::unique_ptr<Task> make_split(Task& cur, const Rational* g, const Rational& e, int sp, Vec q) {
    const std::size_t d = cur.P.dim;
    auto other = std::make_unique<Task>();
    other->layer = cur.layer;
    other->neuron = cur.neuron + 1;
    other->P = cur.P;
    other->row_neuron = cur.row_neuron;
    other->z = cur.z;
    other->pattern = cur.pattern;
    other->rows = cur.rows;
    set_point(*other, std::move(q));
    // Rows: the side where g x + e <= 0 gets (g, -e); the side >= 0 gets (-g, e).
    Vec neg(g, g + d), pos(d);
    for (std::size_t j = 0; j < d; ++j) pos[j] = -neg[j];
    const int neuron = static_cast<int>(first_neuron_[cur.layer] + cur.neuron);
    Task& P_pos = sp > 0 ? cur : *other;
    Task& P_neg = sp > 0 ? *other : cur;
    P_pos.P.add_inequality(pos.data(), e);
    P_neg.P.add_inequality(neg.data(), -e);
    P_pos.rows.add(pos.data(), e);
    P_neg.rows.add(neg.data(), -e);
    P_pos.row_neuron.push_back(neuron);
    P_neg.row_neuron.push_back(neuron);
    P_pos.pattern.push_back(1);
    P_neg.pattern.push_back(0);
    // Witnesses follow their side; points on the hyperplane serve both.
    std::vector<Vec> ws = std::move(cur.witnesses);
    cur.witnesses.clear();
    for (auto& w : ws) {
      int s = sgn(dot(g, w) + e);
      if (s >= 0) add_witness(P_pos, w);
      if (s <= 0) add_witness(P_neg, std::move(w));
    }
    ++cur.neuron;
    return other;
  }

  // The stored point lies on the hyperplane: step off it along +-g within the cell (ratio test).
  std::unique_ptr<Task> split_through(Task& cur, const Rational* g, const Rational& e) {
    Vec up = step(cur, g, +1), down = step(cur, g, -1);
    set_point(cur, std::move(up));
    return make_split(cur, g, e, +1, std::move(down));
  }

  // The other side holds the closure point w (value zw of sign -sp): take a point of the open
  // segment (point, w) beyond the hyperplane; it is inside the cell and strictly on w's side.
  std::unique_ptr<Task> split_towards(Task& cur, const Rational* g, const Rational& e, const Rational& zp,
                                      Vec w, const Rational& zw) {
    const int sp = sgn(zp);
    Rational lam0 = zp / (zp - zw);
    Rational lam = (lam0 + 1) / 2;
    Vec q = simplify_inside(cur, g, e, -sp, interpolate(cur.point, w, lam));
    auto other = make_split(cur, g, e, sp, std::move(q));
    add_witness(*other, std::move(w));
    return other;
  }

  // The LP is unbounded towards the other side: find an interior point there by a relative-interior
  // LP of the child (rare: only unbounded cells).
  std::unique_ptr<Task> split_unbounded(Task& cur, const Rational* g, const Rational& e, int sp) {
    const std::size_t d = cur.P.dim;
    Polyhedron side = cur.P;
    Vec row(d);
    for (std::size_t j = 0; j < d; ++j) row[j] = sp > 0 ? g[j] : -g[j];
    side.add_inequality(row.data(), sp > 0 ? Rational(-e) : Rational(e));
    ++lps_;
    InteriorResult in = relative_interior(side);
    if (in.dimension != static_cast<int>(d)) throw InternalError("unbounded side of a cell is not full-dimensional");
    return make_split(cur, g, e, sp, std::move(in.point));
  }

  static Vec interpolate(const Vec& p, const Vec& w, const Rational& lam) {
    Vec q(p.size());
    for (std::size_t j = 0; j < p.size(); ++j) q[j] = p[j] + lam * (w[j] - p[j]);
    return q;
  }

  // p + eps * sign * g with eps half the distance to the boundary along that direction (1 if none).
  Vec step(const Task& cur, const Rational* g, int sign) {
    const std::size_t d = cur.P.dim;
    Vec u(g, g + d);
    if (sign < 0)
      for (auto& v : u) v = -v;
    bool bounded = false;
    Rational eps;
    for (std::size_t i = 0; i < cur.P.A.rows; ++i) {
      Rational au = dot(cur.P.A.row(i), u);
      if (sgn(au) <= 0) continue;
      Rational t = (cur.P.b[i] - dot(cur.P.A.row(i), cur.point)) / au;
      if (!bounded || t < eps) eps = t, bounded = true;
    }
    eps = bounded ? eps / 2 : Rational(1);
    Vec q = cur.point;
    for (std::size_t j = 0; j < d; ++j) q[j] += eps * u[j];
    return q;
  }

  // Rounds q to short dyadics if that keeps it strictly inside the cell and strictly on side `s`
  // of g x + e; keeps exact coordinates small as cells nest.
  Vec simplify_inside(const Task& cur, const Rational* g, const Rational& e, int s, Vec q) {
    for (int bits : {4, 12, 24, 48}) {
      Vec r(q.size());
      for (std::size_t j = 0; j < q.size(); ++j) {
        Rational scaled = q[j] * (Integer(1) << bits);
        Integer k;
        mpz_fdiv_q(k.get_mpz_t(), scaled.get_num_mpz_t(), scaled.get_den_mpz_t());
        r[j] = Rational(k, Integer(1) << bits);
        r[j].canonicalize();
      }
      if (sgn(dot(g, r) + e) != s) continue;
      bool inside = true;
      for (std::size_t i = 0; i < cur.P.A.rows && inside; ++i) inside = dot(cur.P.A.row(i), r) < cur.P.b[i];
      if (inside) return r;
    }
    return q;
  }

  void add_witness(Task& t, Vec w) {
    if (t.witnesses.size() >= kMaxWitnesses) t.witnesses.erase(t.witnesses.begin());
    t.witnesses.push_back(std::move(w));
  }

  // Layer done: its outputs on the cell are (active rows of) z; compose into the next layer.
  void next_layer(Task& cur) {
    const Layer& L = net_.layers[cur.layer];
    const LayerMap& z = *cur.z;
    Matrix M = z.G;
    Vec c = z.e;
    if (L.relu) {
      const std::size_t base = cur.pattern.size() - L.out;
      for (std::size_t i = 0; i < L.out; ++i)
        if (!cur.pattern[base + i]) {
          for (std::size_t j = 0; j < M.cols; ++j) M(i, j) = 0;
          c[i] = 0;
        }
    }
    ++cur.layer;
    cur.neuron = 0;
    if (cur.layer < net_.layers.size()) {
      cur.z = compose(cur.layer, M, c);
    } else {
      auto out = std::make_shared<LayerMap>();
      out->G = std::move(M);
      out->e = std::move(c);
      cur.z = out;
    }
  }

  // Pre-activations of layer l given its input h = M x + c.
  std::shared_ptr<const LayerMap> compose(std::size_t l, const Matrix& M, const Vec& c) const {
    const Layer& L = net_.layers[l];
    auto z = std::make_shared<LayerMap>();
    z->G = Matrix(L.out, M.cols);
    z->e = L.b;
    for (std::size_t i = 0; i < L.out; ++i)
      for (std::size_t k = 0; k < L.in; ++k) {
        const Rational& w = L.W[i * L.in + k];
        if (sgn(w) == 0) continue;
        for (std::size_t j = 0; j < M.cols; ++j)
          if (sgn(M(k, j)) != 0) z->G(i, j) += w * M(k, j);
        if (sgn(c[k]) != 0) z->e[i] += w * c[k];
      }
    z->Gf.resize(z->G.data.size());
    for (std::size_t k = 0; k < z->Gf.size(); ++k) z->Gf[k] = z->G.data[k].get_d();
    z->ef.resize(z->e.size());
    for (std::size_t k = 0; k < z->ef.size(); ++k) z->ef[k] = z->e[k].get_d();
    return z;
  }

  void emit(Task&& t) {
    std::size_t n = ++count_;
    if (opt_.max_regions && n > opt_.max_regions) {
      request_stop("max_regions");
      return;
    }
    if (opt_.keep_geometry) {
      Region r;
      r.pattern = std::move(t.pattern);
      r.A = std::move(t.P.A);
      r.b = std::move(t.P.b);
      r.row_neuron = std::move(t.row_neuron);
      r.point = std::move(t.point);
      r.J = t.z->G;
      r.c = t.z->e;
      std::lock_guard<std::mutex> g(result_mu_);
      result_.regions.push_back(std::move(r));
    }
  }

  const Network& net_;
  const RegionOptions& opt_;
  std::vector<std::size_t> first_neuron_;
  std::size_t hidden_ = 0;

  std::mutex mu_, result_mu_;
  std::condition_variable cv_work_, cv_done_;
  std::vector<Task> stack_;
  int busy_ = 0;
  bool finished_ = false;
  std::atomic<bool> stop_{false};
  std::string stop_reason_;
  std::exception_ptr error_;
  Clock::time_point start_;

  std::atomic<std::size_t> count_{0}, lps_{0}, float_lps_{0}, witness_splits_{0}, cells_{0};
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

}  // namespace tropgeom

namespace tropgeom {

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
  Polyhedron cone(r.A.cols);
  cone.A = r.A;
  cone.b.assign(r.A.rows, Rational(0));
  return relative_interior(cone).dimension == 0;
}

std::vector<std::pair<std::size_t, std::size_t>> adjacency(const Network& net, const std::vector<Region>& regions,
                                                            int threads, bool complete) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < regions.size(); ++i)
    index.emplace(std::string(regions[i].pattern.begin(), regions[i].pattern.end()), i);

  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(std::max(1, threads));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto worker = [&](int t) {
    try {
      for (std::size_t i; (i = next++) < regions.size();) {
        const Region& r = regions[i];
        Polyhedron P(r.A.cols);
        P.A = r.A;
        P.b = r.b;
        for (std::size_t k : irredundant_inequalities(P)) {
          if (r.row_neuron[k] < 0) continue;  // the domain's boundary has no neighbour
          Polyhedron F = P.without_inequality(k);
          F.add_equality(r.A.row(k), r.b[k]);
          InteriorResult in = relative_interior(F);
          Vec u(r.A.row(k), r.A.row(k) + r.A.cols);  // the outward normal of the facet
          auto p = pattern_towards(net, in.point, u);
          auto it = index.find(std::string(p.begin(), p.end()));
          if (it == index.end()) {
            if (!complete) continue;  // a partial set need not hold the neighbour
            throw InternalError("adjacency: no region beyond a facet of region " + std::to_string(i));
          }
          if (i < it->second) found[t].emplace_back(i, it->second);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> g(error_mu);
      if (!error) error = std::current_exception();
      next = regions.size();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (auto& f : found) out.insert(out.end(), f.begin(), f.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tropgeom
