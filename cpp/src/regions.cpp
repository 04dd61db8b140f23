// The enumeration engine: cells refined neuron by neuron (see regions.hpp), each decision made by
// the float filter or, where it is in doubt, exactly.
#include "tropgeom/regions.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "box.hpp"
#include "float_lp.hpp"
#include "interval.hpp"
#include "layer_map.hpp"
#include "linalg.hpp"
#include "region_geometry.hpp"
#include "run.hpp"
#include "search.hpp"

namespace tropgeom {

// x = P y for a search in y = B x (FirstLayerBasis): x_Q = P y, the other coordinates 0.  Lifting in
// doubles and proving the point with an interval forward pass keeps it dyadic (d doubles, where the
// exact P y took d rationals of ~1000 bits: ~100 B each, and 250 us of rational arithmetic a region).
struct PointLift {
  PointLift(const Network& net, std::vector<std::size_t> Q, Matrix P)
      : Q(std::move(Q)), P(std::move(P)), d(net.input_dim()), ix(net), wi(weights_as<iv::Interval>(net)) {
    const std::size_t n = this->Q.size();
    Pf.resize(n * n);
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i = 0; i < n; ++i) Pf[k * n + i] = this->P(k, i).get_d();
    for (std::size_t l = 0; l < net.layers.size(); ++l)
      if (net.layers[l].relu) last_relu = l;
  }
  Vec exact(const Vec& y) const {
    Vec x(d);
    for (std::size_t k = 0; k < Q.size(); ++k)
      for (std::size_t i = 0; i < y.size(); ++i)
        if (sgn(P(k, i)) != 0) x[Q[k]] += P(k, i) * y[i];
    return x;
  }
  // Every hidden neuron's pre-activation at x (zero off Q) has its pattern's strict sign, in intervals:
  // x is then strictly inside the region (and on no neuron's hyperplane).
  bool proves(const Network& net, const std::vector<double>& x, const std::vector<std::uint8_t>& pattern) const {
    const LayerWeights<iv::Interval>& W = wi[0];
    AffineMap<iv::Interval> h = point_map(std::vector<iv::Interval>(W.b.begin(), W.b.end()));
    for (std::size_t i = 0; i < W.out; ++i)
      for (std::size_t j : Q) h.e[i] = h.e[i] + W.W[i * d + j] * x[j];
    for (std::size_t l = 0;; ++l) {
      if (l > 0) h = push_after(net, wi[l], ix, pattern, h, l - 1);
      if (net.layers[l].relu)
        for (std::size_t k = 0; k < h.rows; ++k)
          if (!(pattern[ix.first[l] + k] ? h.e[k].positive() : h.e[k].negative())) return false;
      if (l >= last_relu) return true;
    }
  }
  std::vector<std::size_t> Q;  // the minor's columns
  Matrix P;                    // B_Q^-1
  std::vector<double> Pf;      // P in doubles (n x n, row-major): a candidate x, proven or not used
  std::size_t d;
  NeuronIndex ix;
  std::vector<LayerWeights<iv::Interval>> wi;  // the network's weights (x space) as enclosures
  std::size_t last_relu = 0;
};

void lift_point(const RegionResult& res, Region& r) {
  if (!r.point_in_y) return;
  const PointLift& L = *res.lift;
  const std::size_t n = L.Q.size();
  const std::vector<double>& y = r.point.doubles();  // (truncated if not exact: a candidate only)
  std::vector<double> x(L.d, 0.0);
  bool finite = y.size() == n;
  for (std::size_t k = 0; k < n && finite; ++k) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += L.Pf[k * n + i] * y[i];
    finite = std::isfinite(s);
    x[L.Q[k]] = s;
  }
  if (finite && L.proves(*res.net, x, r.pattern)) r.point = Point(std::move(x));
  else r.point = Point(L.exact(r.point.exact()));  // B x = y exactly: the y-region's point
  r.point_in_y = false;
}

void lift_points(RegionResult& res, int threads) {
  if (!res.lift) return;
  RunLimits lim;
  lim.threads = threads;
  parallel_for(res.regions.size(), lim, [&](std::size_t i, int) { lift_point(res, res.regions[i]); });
}

namespace {

using iv::Interval;

Rational dot(const Rational* a, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (sgn(a[j]) != 0) s += a[j] * x[j];
  return s;
}

bool strictly_inside(const Polyhedron& P, const Vec& q) {
  for (std::size_t i = 0; i < P.A.rows; ++i)
    if (!(dot(P.A.row(i), q) < P.b[i])) return false;
  return true;
}

bool strictly_inside(const box::Box& B, const Vec& q) {
  for (std::size_t j = 0; j < B.d; ++j)
    if (!(B.lo[j] < q[j] && q[j] < B.hi[j])) return false;
  return true;
}

// A point of doubles strictly inside P (and the box B, if given) near q (q itself rounded, else short
// dyadics); false if none.
bool double_point(const Polyhedron& P, const box::Box* B, const Vec& q, std::vector<double>& out) {
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
    if (!strictly_inside(P, r) || (B && !strictly_inside(*B, r))) continue;
    out.resize(q.size());
    bool same = true;  // the doubles must be exactly the checked point
    for (std::size_t j = 0; j < q.size() && same; ++j) same = iv::exact_double(r[j], out[j]);
    if (same) return true;
  }
  return false;
}

// --- a Polytope domain made small before the search (opt.reduce_domain) -----------------------------

// P's rows without zero rows (0 <= b_i with b_i >= 0 holds everywhere) and positive multiples of an
// earlier row (the tightest kept), compared exactly on each row divided by its largest |entry| (the
// rows kept so: 1e300 and 5e-324 scalings become small numbers).  False when a zero row has b_i < 0:
// the domain is empty, which the plain path reports.
bool distinct_rows(Polyhedron& P) {
  const std::size_t d = P.dim;
  std::map<std::vector<Rational>, std::size_t> seen;  // a normalised row -> its index in out
  Polyhedron out(d);
  for (std::size_t i = 0; i < P.A.rows; ++i) {
    const Rational* a = P.A.row(i);
    Rational m = 0;
    for (std::size_t j = 0; j < d; ++j) m = std::max(m, Rational(abs(a[j])));
    if (sgn(m) == 0) {
      if (sgn(P.b[i]) < 0) return false;
      continue;
    }
    std::vector<Rational> key(a, a + d);
    for (auto& v : key) v /= m;
    const Rational rhs = P.b[i] / m;
    const auto it = seen.find(key);
    if (it == seen.end()) {
      seen.emplace(key, out.A.rows);
      out.add_inequality(key.data(), rhs);
    } else if (rhs < out.b[it->second]) {
      out.b[it->second] = rhs;
    }
  }
  P = std::move(out);
  return true;
}

// Drops the rows of P that the others (and the box B, if given) prove redundant, one at a time, each
// against the rows still kept (so the set never changes): first the closed-form range of the row over
// the box, then max a_k x over the other rows, a float LP from p (stopped once a_k x > b_k: a row that
// is a facet costs a few steps), proven <= b_k by an interval dual certificate or exactly on the LP's
// active rows.  A row stays unless that proof holds.
void drop_redundant(Polyhedron& P, const box::Box* B, const Vec& p, const Budget& budget) {
  const std::size_t d = P.dim, m = P.A.rows;
  std::vector<Interval> A(m * d), b(m);
  flp::Rows R;  // row k is masked (0.x <= 1) while it is tested, and for good once dropped
  R.d = d;
  std::vector<double> f(d), start(d);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < d; ++j) A[i * d + j] = iv::of(P.A(i, j)), f[j] = A[i * d + j].mid();
    b[i] = iv::of(P.b[i]);
    R.add(f.data(), b[i].mid());
  }
  for (std::size_t j = 0; j < d; ++j) start[j] = p[j].get_d();
  const std::vector<signed char> no_fixed(d, 0);
  std::vector<char> keep(m, 1);
  std::vector<double> c(d), row(d);
  std::vector<Interval> ci(d);
  std::size_t tried = 0, dropped = 0;  // LPs run, rows they dropped
  for (std::size_t k = 0; k < m; ++k) {
    budget.check();
    for (std::size_t j = 0; j < d; ++j) ci[j] = -A[k * d + j], c[j] = -A[k * d + j].mid();
    const Interval& c0 = b[k];  // proven: min of b_k - a_k x >= 0
    if (B && box::certify_nonnegative({}, {}, {}, no_fixed, ci.data(), c0, *B)) {
      keep[k] = 0;
      std::fill(R.A.begin() + k * d, R.A.begin() + (k + 1) * d, 0.0);
      R.b[k] = 1;
      continue;
    }
    // Facets cost a float LP each and gain nothing (1000 tangent rows: 0.1-0.5 s): once the LPs have
    // mostly found facets, the rest are left to the search's per-cell pruning.
    if (tried >= 64 && dropped * 4 < tried) continue;
    ++tried;
    std::copy(R.A.begin() + k * d, R.A.begin() + (k + 1) * d, row.begin());
    const double rb = R.b[k];
    std::fill(R.A.begin() + k * d, R.A.begin() + (k + 1) * d, 0.0);
    R.b[k] = 1;
    const double stop = -b[k].mid() - 1e-9 * (std::fabs(b[k].mid()) + 1);
    box::Result r;
    if (B) r = box::minimize(R, *B, c, start, nullptr, stop);
    else static_cast<flp::Result&>(r) = flp::minimize(R, c, start, stop);
    bool proven = false;
    if (r.status == flp::Status::optimal) {
      const std::size_t w = r.active.size();
      std::vector<Interval> Aw, bw;
      std::vector<int> act(w);
      std::vector<double> mu;
      for (std::size_t i = 0; i < w; ++i) {
        const std::size_t t = r.active[i];
        Aw.insert(Aw.end(), A.begin() + t * d, A.begin() + (t + 1) * d);
        bw.push_back(b[t]);
        act[i] = static_cast<int>(i);
        if (i < r.mu.size()) mu.push_back(r.mu[i] / R.scale[t]);
      }
      proven = B ? box::certify_nonnegative(Aw, bw, act, r.at, ci.data(), c0, *B, r.mu.empty() ? nullptr : &mu)
                 : flp::certify_nonnegative(Aw, bw, act, ci.data(), c0);
      if (!proven) {  // exactly, on the same rows
        const flp::Implied q = flp::implied(P.A, P.b, r.active, k);
        proven = B ? box::certify_lower_bound(q.A, q.b, q.c, q.bound, r.at, *B)
                   : flp::certify_lower_bound(q.A, q.b, q.c, q.bound);
      }
    }
    if (proven) {
      keep[k] = 0;
      ++dropped;
    } else {
      std::copy(row.begin(), row.end(), R.A.begin() + k * d);
      R.b[k] = rb;
    }
  }
  Polyhedron out(d);
  for (std::size_t i = 0; i < m; ++i)
    if (keep[i]) out.add_inequality(P.A.row(i), P.b[i]);
  P = std::move(out);
}

// A cell waiting for neurons `neuron..` of layer `layer`.
struct Task {
  std::size_t layer = 0, neuron = 0;
  std::vector<int> cuts;                  // neurons whose rows follow the domain's
  // The domain rows heading the cell's rows (indices into the domain; null: all of them): the others
  // are proven never met by the cell, hence by its descendants (prune).
  std::shared_ptr<const std::vector<int>> live;
  std::size_t prune_at = 1;               // prune when the cell has this many cuts
  std::vector<Interval> A, b;             // all rows, enclosures of the exact ones (A row-major)
  flp::Rows rows;                         // the same rows in float, for the LP filter
  std::vector<double> point;              // strictly inside: an exact dyadic point...
  std::shared_ptr<const Vec> exact_point; // ...or, when no double point was found, this one
  std::shared_ptr<const AffineMap<Interval>> z;  // this layer's pre-activations on the cell, enclosed
  std::shared_ptr<const IntMaps> zint;    // exact maps of layers 0..layer, made when first needed
  std::vector<std::uint8_t> pattern;      // decided hidden neurons so far
  std::vector<double> yrows;              // a box with a first-layer factor: rows.A[i] = W1^T yrows[i] (made lazily)
  bool unfactored = false;                // some row did not factor: the LP keeps its rows in x

  void add_row(const Interval* a, const Interval& rhs, std::size_t d) {
    // Room for a few more rows: a child's copy is exact, and each cut then reallocated all its rows.
    if (A.capacity() < A.size() + d) A.reserve(2 * A.size() + 4 * d);
    if (rows.A.capacity() < rows.A.size() + d) rows.A.reserve(2 * rows.A.size() + 4 * d);
    thread_local std::vector<double> f;
    f.resize(d);
    for (std::size_t j = 0; j < d; ++j) A.push_back(a[j]), f[j] = a[j].mid();
    b.push_back(rhs);
    rows.add(f.data(), rhs.mid());
  }
};

enum class Decision { unknown, active, inactive, split };

// Thrown out of a decision whose LP gave up because the run was stopped.
struct Abandoned {};

// Per-thread statistics, added to the shared ones once per task: shared counters bumped on every
// decision made the two cores fight over one cache line.
thread_local RegionStats tally;

// A proof that a neuron keeps its sign on a box cell: multipliers on some of its cuts (neurons and
// sides).  Kept per thread and neuron for the next cell that has those cuts (a sibling or cousin):
// tried there before any LP, and checked as every proof is.  run: the Enumerator that made it.
struct Certificate {
  std::size_t run = 0;
  int sp = 0;
  std::vector<int> neurons;
  std::vector<std::uint8_t> sides;
  std::vector<double> mu;
};
thread_local std::vector<Certificate> certificates;
std::atomic<std::size_t> runs{0};

// A proof (interval or exact) that a neuron keeps sign sp on every point of the cuts `neurons` with
// `sides`, made on a cell whose pattern of the earlier layers was `prefix`.  Every cell with that
// prefix descends from the same cell at the start of the neuron's layer, so it has the same exact map
// for the neuron and the same rows for those cuts: when it has the cuts, the proof is its own, with
// no LP (R^d only, where a cell's rows are its cuts).  Kept per thread, neuron and sign.
struct Proof {
  std::size_t run = 0;
  std::vector<std::uint8_t> prefix;
  std::vector<int> neurons;
  std::vector<std::uint8_t> sides;
};
thread_local std::vector<Proof> proofs;

// A neuron's row of a map in y = W1 x (Enumerator::projected), per thread and neuron.
struct Projection {
  std::size_t run = 0;
  std::shared_ptr<const AffineMap<Interval>> z;
  bool ok = false;
  std::vector<double> g;
};
thread_local std::vector<Projection> projections;

class Enumerator {
 public:
  Enumerator(const Network& net, const RegionOptions& opt)
      : net_(net), opt_(opt), ix_(net), wi_(weights_as<Interval>(net)), wz_(weights_as<Integer>(net)) {}

  // box: a box domain given as bounds (then `given` has no rows), else null.
  RegionResult run(const Polyhedron& given, const box::Box* box) {
    const auto t0 = std::chrono::steady_clock::now();  // max_seconds counts the set-up too
    // A box is kept as variable bounds (box.hpp): no rows in the cells, no LP for its interior point.
    // Given as bounds, its rows are made only if an exact decision needs them (exact_domain).
    const bool as_rows = box && !opt_.box_as_bounds;
    const Polyhedron& domain = as_rows ? (box_rows_ = box_polyhedron(box->lo, box->hi)) : given;
    const bool reduced = !box && reduce(given);  // domain_: the reduced rows (box_ their bounds, if any)
    if (box && !as_rows) {
      use_box_ = bounds_ = true;
      box_ = *box;
      result_.lo = box->lo;
      result_.hi = box->hi;
    } else if (!reduced) {
      use_box_ = opt_.box_as_bounds && box::detect(domain, box_);
    }
    if (!reduced) domain_ = domain;
    InteriorResult in;  // of the domain as given (whose errors are the user's)
    if (use_box_ && domain_.A.rows == 0) {
      in.dimension = static_cast<int>(domain.dim);
      in.point = box::centre(box_);
    } else if (float_interior(domain, in.point)) {
      in.dimension = static_cast<int>(domain.dim);
    } else {
      in = relative_interior(domain);
    }
    if (in.dimension != static_cast<int>(domain.dim))
      throw InputError(in.dimension < 0 ? "domain is empty" : "domain is not full-dimensional (dimension " +
                                                                  std::to_string(in.dimension) + " in R^" +
                                                                  std::to_string(domain.dim) + ")");
    if (reduced) {
      drop_redundant(domain_, use_box_ ? &box_ : nullptr, in.point, Budget(opt_));
      if (use_box_ && domain_.A.rows == 0) in.point = box::centre(box_);  // a box now: searched as one
    }
    m0_ = use_box_ && !bounds_ ? 0 : domain_.A.rows;  // (a detected box's rows stay out of the cells)
    if (use_box_) no_fixed_.assign(domain.dim, 0);
    for (std::size_t i = 0; i < m0_; ++i) {  // (a box's rows never enter a certificate)
      const Integer L = clearing_factor(domain_.A.row(i), domain_.dim, &domain_.b[i]);
      for (std::size_t j = 0; j < domain_.dim; ++j) dom_A_.push_back(cleared(domain_.A(i, j), L));
      dom_b_.push_back(cleared(domain_.b[i], L));
    }
    const std::size_t d = domain.dim;
    Task root;
    root.rows.d = d;
    std::vector<Interval> a(d);
    for (std::size_t i = 0; i < m0_; ++i) {
      for (std::size_t j = 0; j < d; ++j) a[j] = iv::of(domain_.A(i, j));
      root.add_row(a.data(), iv::of(domain_.b[i]), d);
    }
    place(root, domain_, std::move(in.point), use_box_ ? &box_ : nullptr);
    if (!use_box_) box_radius(domain_, root);
    root.z = std::make_shared<const AffineMap<Interval>>(push(wi_[0], identity_map<Interval>(d)));
    if (use_box_ && m0_ == 0 && last_relu_ > 0 && net_.layers[0].out < d) make_factor(*root.z);
    RunLimits lim = opt_;
    if (lim.max_seconds > 0)
      lim.max_seconds = std::max(1e-3, lim.max_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    ParallelSearch<Task> search(lim);
    search_ = &search;
    std::vector<Task> roots;
    if (opt_.from_cells) {
      for (std::size_t i = 0; i < opt_.cells.size(); ++i) roots.push_back(resume(opt_.cells[i], root, i));
    } else {
      roots.push_back(std::move(root));
    }
    search.run(std::move(roots), [this](Task&& cur, const ParallelSearch<Task>::Push& push) { step(std::move(cur), push); },
               [this] { flush(); });

    gather();
    result_.count = search.found.load();
    if (opt_.max_regions && result_.count > opt_.max_regions) {
      result_.count = opt_.max_regions;
      if (result_.regions.size() > opt_.max_regions) result_.regions.resize(opt_.max_regions);
    }
    // One canonical order whatever the threads did: by activation pattern (patterns are distinct).
    std::sort(result_.regions.begin(), result_.regions.end(),
              [](const Region& a, const Region& b) { return a.pattern < b.pattern; });
    result_.status = search.status();
    for (Task& t : search.take_open()) result_.open.push_back(to_cell(std::move(t)));
    result_.net = std::make_shared<Network>(net_);
    result_.domain = reduced ? given : std::move(domain_);
    return std::move(result_);
  }

 private:
  // One cell: decide neurons until it splits (both sides go on) or it is a finished region.
  void step(Task&& cur, const ParallelSearch<Task>::Push& push) {
    if (held_back(cur)) return;
    if (cur.layer == net_.layers.size()) return emit(std::move(cur));  // a finished region handed back
    ++tally.cells;
    if (prunable(cur)) prune(cur);
    std::unique_ptr<Task> other;
    try {
      other = advance(cur);
    } catch (const Abandoned&) {  // a stop came inside an LP: the cell goes back undone
      search_->stop(StopReason::interrupted, /*lost=*/true);
      search_->hand_back(std::move(cur));
      return;
    }
    if (other) push(std::move(*other));
    if (cur.layer < net_.layers.size()) {
      push(std::move(cur));
    } else {
      emit(std::move(cur));
    }
  }

  // The regions into one vector of their exact size, chunk by chunk (a vector grown by push_back
  // peaks at three times its size while it reallocates).
  void gather() {
    std::size_t n = 0;
    for (const auto& c : chunks_) n += c.size();
    result_.regions.reserve(n);
    for (auto& c : chunks_) {
      std::move(c.begin(), c.end(), std::back_inserter(result_.regions));
      std::vector<Region>().swap(c);
    }
    chunks_.clear();
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
      if (search_->stopped()) throw Abandoned{};
      if (cur.pattern.size() >= opt_.stop_at) return nullptr;  // at the frontier: step() hands it back  // a step may decide many neurons: poll between them
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
    const Interval* g = cur.z->row(cur.neuron);
    const Interval e = cur.z->e[cur.neuron];
    if (std::all_of(g, g + d, [](const Interval& v) { return v.is_zero(); })) {  // constant on the cell
      const int a = activity(e);
      return a < 0 ? Decision::unknown : a ? Decision::active : Decision::inactive;
    }
    if (cur.exact_point) return Decision::unknown;
    const int sp = use_box_ ? box::sign_at(g, cur.point.data(), d, e) : (iv::dot(g, cur.point.data(), d) + e).sign();
    if (sp == 0) return Decision::unknown;
    const Decision same = sp > 0 ? Decision::active : Decision::inactive;
    std::vector<Interval> cs(g, g + d);
    if (sp < 0)
      for (auto& v : cs) v = -v;
    const Interval ce = sp > 0 ? e : -e;
    // On a box, the closed-form range of sp * z over the whole box decides many neurons with no LP.
    if (use_box_ && box::certify_nonnegative(cur.A, cur.b, {}, no_fixed_, cs.data(), ce, box_)) return same;
    if (use_box_ && reuse_certificate(cur, sp, cs.data(), ce)) return same;
    if (reuse_proof(cur, sp)) return same;
    std::vector<double> c(d);
    for (std::size_t j = 0; j < d; ++j) c[j] = sp * g[j].mid();
    if (use_box_ && ray_split(cur, sp, cs, ce, c, child)) return Decision::split;
    if (use_box_) {
      Decision dec;
      if (outer_decision(cur, sp, cs, ce, c, child, dec)) return dec;
    }
    // The LP stops at the first point where sp * z < 0 (enough for a split's witness); if no witness
    // comes of that point, it runs again to the optimum.
    std::vector<double> cy;
    const bool in_y = use_box_ && factored(cur, sp, cy);
    auto solve = [&](double stop_below) {
      ++tally.float_lps;
      box::Result r;
      if (use_box_) {
        r = in_y ? box::minimize(cur.rows, cur.yrows, *factor_, box_, c, cy, cur.point, &search_->stop_flag(), stop_below)
                 : box::minimize(cur.rows, box_, c, cur.point, &search_->stop_flag(), stop_below);
        if (r.status == flp::Status::failed && search_->stopped()) throw Abandoned{};
      } else {
        static_cast<flp::Result&>(r) = flp::minimize(cur.rows, c, cur.point, stop_below);
      }
      return r;
    };
    box::Result r = solve(-ce.mid());
    if (r.status == flp::Status::below) {
      if (auto q = witness(cur, cs.data(), ce, c, r)) {
        child = make_split(cur, sp, std::move(*q));
        return Decision::split;
      }
      r = solve(-INFINITY);
    }
    double val = ce.mid();
    for (std::size_t j = 0; j < d; ++j) val += c[j] * r.x[j];
    if (r.status == flp::Status::optimal && val >= 0) {
      std::vector<double> mu;  // the LP's multipliers, for the rows as given (not unit)
      for (std::size_t i = 0; i < r.mu.size(); ++i) mu.push_back(r.mu[i] / cur.rows.scale[r.active[i]]);
      bool proven = use_box_ ? box::certify_nonnegative(cur.A, cur.b, r.active, r.at, cs.data(), ce, box_,
                                                        r.mu.empty() ? nullptr : &mu)
                             : flp::certify_nonnegative(cur.A, cur.b, r.active, cs.data(), ce, false,
                                                        radius_.empty() ? nullptr : radius_.data());
      if (!proven && !use_box_ && certify_on_support(cur.A, cur.b, r.active, cs.data(), ce, d)) proven = true;
      if (proven && use_box_ && !mu.empty()) remember_certificate(cur, sp, r.active, mu);
      if (!proven && !certify_exact(cur, r.active, r.at, sp)) return Decision::unknown;
      remember_proof(cur, sp, r.active);
      return same;
    }
    if (auto q = witness(cur, cs.data(), ce, c, r)) {
      child = make_split(cur, sp, std::move(*q));
      return Decision::split;
    }
    // A box's float optimum lies on many bounds and rows: the float witness can miss a thin far side.
    // Its face solved exactly gives one with no exact LP (the box's rows made that LP minutes long).
    if (use_box_ && r.status == flp::Status::optimal && exact_split(cur, sp, r, child)) return Decision::split;
    return Decision::unknown;
  }

  // A split with no LP: from the cell's point towards the box's vertex minimising c (the segment stays
  // in the box) up to the first row it meets; when sp * z is negative there, the witness is on that
  // segment (checked by witness() as every witness is).
  bool ray_split(Task& cur, int sp, const std::vector<Interval>& cs, const Interval& ce, const std::vector<double>& c,
                 std::unique_ptr<Task>& child) {
    const std::size_t d = domain_.dim, k = cur.rows.size();
    thread_local std::vector<double> u;
    u.resize(d);
    double cu = 0;
    for (std::size_t j = 0; j < d; ++j) {
      u[j] = (c[j] > 0 ? box_.flo[j] : box_.fhi[j]) - cur.point[j];
      cu += c[j] * u[j];
    }
    double zp = ce.mid();
    for (std::size_t j = 0; j < d; ++j) zp += c[j] * cur.point[j];
    if (!(cu < 0) || !(zp + cu < 0)) return false;  // even the vertex keeps the sign
    double t = 1;
    const double* A = cur.rows.A.data();
    for (std::size_t i = 0; i < k; ++i) {
      const double* a = A + i * d;
      double au = 0, ap = 0;
      for (std::size_t j = 0; j < d; ++j) au += a[j] * u[j], ap += a[j] * cur.point[j];
      if (au > 0) t = std::min(t, std::max(0.0, cur.rows.b[i] - ap) / au);
      if (!(zp + t * cu < 0)) return false;
    }
    box::Result r;
    r.status = flp::Status::below;
    r.x.resize(d);
    for (std::size_t j = 0; j < d; ++j) r.x[j] = cur.point[j] + t * u[j];
    auto q = witness(cur, cs.data(), ce, c, r);
    if (!q) return false;
    child = make_split(cur, sp, std::move(*q));
    return true;
  }

  // A box cell's decision by its LP in y = W1 x over the zonotope's bounding box (box::minimize_outer):
  // the sign kept when its multipliers certify it in x, a split when its point leads to a witness.
  // False: undecided here.
  bool outer_decision(Task& cur, int sp, const std::vector<Interval>& cs, const Interval& ce, const std::vector<double>& c,
                      std::unique_ptr<Task>& child, Decision& dec) {
    std::vector<double> cy;
    if (!factored(cur, sp, cy)) return false;
    box::Result r = box::minimize_outer(cur.rows, cur.yrows, *factor_, box_, cy, cur.point, -ce.mid());
    if (r.status == flp::Status::optimal) {
      std::vector<double> mu;  // for the rows as given
      for (std::size_t i = 0; i < r.mu.size(); ++i) mu.push_back(r.mu[i] / cur.rows.scale[r.active[i]]);
      if (!box::certify_nonnegative(cur.A, cur.b, r.active, no_fixed_, cs.data(), ce, box_, &mu)) return false;
      remember_certificate(cur, sp, r.active, mu);
      dec = sp > 0 ? Decision::active : Decision::inactive;
      return true;
    }
    if (r.status != flp::Status::below) return false;
    auto q = witness(cur, cs.data(), ce, c, r);
    if (!q) return false;
    child = make_split(cur, sp, std::move(*q));
    dec = Decision::split;
    return true;
  }

  // The last proof this thread made for cur's neuron and sign, if cur has its cuts: a proof for cur too
  // when it passes (the multipliers are numbers; the bound is recomputed on cur's own rows and map).
  bool reuse_certificate(const Task& cur, int sp, const Interval* cs, const Interval& ce) const {
    const std::size_t n = ix_.first[cur.layer] + cur.neuron;
    if (n >= certificates.size() || certificates[n].run != run_id_ || certificates[n].sp != sp) return false;
    const Certificate& c = certificates[n];
    std::vector<int> rows;
    for (std::size_t i = 0; i < c.neurons.size(); ++i) {
      const auto it = std::lower_bound(cur.cuts.begin(), cur.cuts.end(), c.neurons[i]);
      if (it == cur.cuts.end() || *it != c.neurons[i] || cur.pattern[*it] != c.sides[i]) return false;
      rows.push_back(static_cast<int>(domain_rows(cur) + (it - cur.cuts.begin())));
    }
    return box::certify_nonnegative(cur.A, cur.b, rows, no_fixed_, cs, ce, box_, &c.mu);
  }

  void remember_certificate(const Task& cur, int sp, const std::vector<int>& active, const std::vector<double>& mu) const {
    if (certificates.size() < ix_.hidden) certificates.resize(ix_.hidden);
    Certificate& c = certificates[ix_.first[cur.layer] + cur.neuron];
    c.run = 0;
    c.sp = sp;
    c.neurons.clear();
    c.sides.clear();
    c.mu.clear();
    const std::size_t nd = domain_rows(cur);
    for (std::size_t i = 0; i < active.size(); ++i) {
      if (static_cast<std::size_t>(active[i]) < nd) return;  // a domain row: not kept
      const int neuron = cur.cuts[active[i] - nd];
      c.neurons.push_back(neuron);
      c.sides.push_back(cur.pattern[neuron]);
      c.mu.push_back(mu[i]);
    }
    c.run = run_id_;
  }

  // min of cs.x + ce >= 0 over the active rows, proven in intervals on the coordinates where cs or an
  // active row is not exactly zero, after dropping the rows whose float multiplier is ~0 (active at a
  // degenerate optimum, not needed by it).  A face optimum (fewer than d rows) is a vertex there when
  // the zeros are structural: in y = W1 x (FirstLayerBasis) a cell's maps and rows vanish off its
  // active first-layer neurons.  On success `active` holds the rows of the proof.
  static bool certify_on_support(const std::vector<Interval>& A, const std::vector<Interval>& b,
                                 std::vector<int>& active, const Interval* cs, const Interval& ce, std::size_t d) {
    std::vector<double> mu;
    if (active.empty() || !flp::multipliers(A, active, cs, d, nullptr, mu)) return false;
    const double top = *std::max_element(mu.begin(), mu.end());
    std::vector<int> W;
    for (std::size_t i = 0; i < active.size(); ++i)
      if (mu[i] > 1e-9 * top) W.push_back(active[i]);
    std::vector<std::size_t> T;
    for (std::size_t t = 0; t < d; ++t) {
      bool zero = cs[t].is_zero();
      for (std::size_t i = 0; i < W.size() && zero; ++i) zero = A[W[i] * d + t].is_zero();
      if (!zero) T.push_back(t);
    }
    const std::size_t k = W.size();
    if (k == 0 || T.size() != k) return false;
    std::vector<Interval> M(k * k), r(k), m;
    for (std::size_t t = 0; t < k; ++t) {
      for (std::size_t i = 0; i < k; ++i) M[t * k + i] = A[W[i] * d + T[t]];
      r[t] = -cs[T[t]];
    }
    if (!la::solve(std::move(M), std::move(r), k, m)) return false;
    Interval value = ce;
    for (std::size_t i = 0; i < k; ++i) {
      if (m[i].lo < 0) return false;
      value = value - m[i] * b[W[i]];
    }
    if (!(value.lo >= 0)) return false;
    active = std::move(W);
    return true;
  }

  // Proofs are shared on R^d only: there a cell's rows are its cuts (no domain rows, no bounds).
  bool shares_proofs() const { return !use_box_ && m0_ == 0; }

  Proof& proof_slot(const Task& cur, int sp) const {
    if (proofs.size() < 2 * ix_.hidden) proofs.resize(2 * ix_.hidden);
    return proofs[2 * (ix_.first[cur.layer] + cur.neuron) + (sp > 0)];
  }

  // The last proof this thread made for cur's neuron and sign, when cur has its prefix and cuts.
  bool reuse_proof(const Task& cur, int sp) const {
    if (!shares_proofs()) return false;
    const Proof& p = proof_slot(cur, sp);
    if (p.run != run_id_ || !std::equal(p.prefix.begin(), p.prefix.end(), cur.pattern.begin())) return false;
    for (std::size_t i = 0; i < p.neurons.size(); ++i) {
      const auto it = std::lower_bound(cur.cuts.begin(), cur.cuts.end(), p.neurons[i]);
      if (it == cur.cuts.end() || *it != p.neurons[i] || cur.pattern[*it] != p.sides[i]) return false;
    }
    return true;
  }

  void remember_proof(const Task& cur, int sp, const std::vector<int>& active) const {
    if (!shares_proofs()) return;
    Proof& p = proof_slot(cur, sp);
    p.prefix.assign(cur.pattern.begin(), cur.pattern.begin() + ix_.first[cur.layer]);
    p.neurons.clear();
    p.sides.clear();
    for (int i : active) {
      p.neurons.push_back(cur.cuts[i]);
      p.sides.push_back(cur.pattern[cur.cuts[i]]);
    }
    p.run = run_id_;
  }

  // A box cell's rows all factor through y = W1 x when nothing but neurons cuts it: with fewer first-
  // layer neurons than inputs the float LP then does its linear algebra in R^n1 (box::Factor).
  void make_factor(const AffineMap<Interval>& z1) {
    const std::size_t n = z1.G.size() / z1.cols, d = z1.cols;
    std::vector<double> W(n * d);
    for (std::size_t i = 0; i < n * d; ++i) W[i] = z1.G[i].mid();
    if (std::all_of(W.begin(), W.end(), [](double v) { return std::isfinite(v); }))
      factor_ = box::make_factor(std::move(W), n, d, box_);
  }

  // cur's rows in y (made for the rows added since the last call) and c's: false when some row is not
  // in W1's row space to rounding (the LP then keeps its rows in x).
  bool factored(Task& cur, int sp, std::vector<double>& cy) const {
    if (!factor_ || cur.unfactored) return false;
    const std::size_t n = factor_->n, d = domain_.dim;
    for (std::size_t i = cur.yrows.size() / n; i < cur.rows.size(); ++i) {
      cur.yrows.resize((i + 1) * n);
      if (!box::project(*factor_, &cur.rows.A[i * d], &cur.yrows[i * n])) {
        cur.unfactored = true;
        return false;
      }
    }
    const Projection& p = projected(cur);
    if (!p.ok) return false;
    cy.resize(n);
    for (std::size_t a = 0; a < n; ++a) cy[a] = sp * p.g[a];
    return true;
  }

  // The current neuron's row of cur's map in y (box::project of its midpoints), made once per map and
  // neuron and kept per thread: the siblings and cousins sharing the map ask for it again.
  const Projection& projected(const Task& cur) const {
    if (projections.size() < ix_.hidden) projections.resize(ix_.hidden);
    Projection& p = projections[ix_.first[cur.layer] + cur.neuron];
    if (p.run != run_id_ || p.z != cur.z) {
      const std::size_t d = domain_.dim;
      const Interval* gi = cur.z->row(cur.neuron);
      std::vector<double> g(d);
      for (std::size_t j = 0; j < d; ++j) g[j] = gi[j].mid();
      p.g.resize(factor_->n);
      p.ok = box::project(*factor_, g.data(), p.g.data());
      p.z = cur.z;  // (held: its address is not reused while cached)
      p.run = run_id_;
    }
    return p;
  }

  // The float LP's face point (box::face_point) when it is beyond the hyperplane, exactly: cur splits,
  // the child's point is on the open segment from cur's point to it, past the hyperplane.
  bool exact_split(Task& cur, int sp, const box::Result& r, std::unique_ptr<Task>& child) {
    const std::size_t d = domain_.dim, nd = domain_rows(cur);
    const IntMaps& maps = int_maps(cur);
    const Polyhedron P = cell_polyhedron(domain_, ix_, maps, cur.cuts, cur.pattern);  // all of domain_'s rows, then the cuts
    std::vector<int> W;
    for (int i : r.active)
      W.push_back(static_cast<std::size_t>(i) < nd ? (cur.live ? (*cur.live)[i] : i) : static_cast<int>(i - nd + domain_.A.rows));
    Vec z;
    if (!box::face_point(P, W, r.at, r.x, box_, z)) return false;
    Vec g(d);
    Rational e;
    rational_row(*maps[cur.layer], cur.neuron, g.data(), e);
    const Rational zv = dot(g.data(), z) + e;
    if (sgn(zv) != -sp) return false;
    const Vec p(cur.point.begin(), cur.point.end());
    const Rational zp = dot(g.data(), p) + e;
    const Rational lam = (zp / (zp - zv) + 1) / 2;
    Vec q(d);
    for (std::size_t j = 0; j < d; ++j) q[j] = p[j] + lam * (z[j] - p[j]);
    child = make_split(cur, sp, {});
    place(*child, side(P, g.data(), e, -sp), std::move(q), &box_);
    return true;
  }

  // Beyond the hyperplane: points of the segment from the stored point to y, the LP's last point
  // (its optimum, or where it stopped), or, when unbounded, y moved along the ray until
  // sp * z(y) = -sp * z(point).  The ray alone is no witness: it is only nearly in the cell's cone.
  std::optional<std::vector<double>> witness(const Task& cur, const Interval* cs, const Interval& ce,
                                             const std::vector<double>& c, box::Result& r) const {
    const std::size_t d = domain_.dim;
    double val = ce.mid();
    for (std::size_t j = 0; j < d; ++j) val += c[j] * r.x[j];
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
    if (!(val < 0 && zpf > 0)) return std::nullopt;
    const double lam0 = zpf / (zpf - val);
    for (double lam : {(1 + lam0) / 2, (1 + 3 * lam0) / 4, lam0 + (1 - lam0) / 64}) {
      std::vector<double> q(d);
      for (std::size_t j = 0; j < d; ++j) q[j] = cur.point[j] + lam * (y[j] - cur.point[j]);
      if (beyond(cur, cs, ce, q)) return q;
    }
    return std::nullopt;
  }

  // q is strictly inside the cell and cs.q + ce < 0 (proven in interval arithmetic).
  bool beyond(const Task& cur, const Interval* cs, const Interval& ce, const std::vector<double>& q) const {
    const std::size_t d = domain_.dim;
    if (!std::all_of(q.begin(), q.end(), [](double v) { return std::isfinite(v); })) return false;
    if (use_box_ ? box::sign_at(cs, q.data(), d, ce) >= 0 : !(iv::dot(cs, q.data(), d) + ce).negative()) return false;
    if (use_box_)
      for (std::size_t j = 0; j < d; ++j)
        if (!(q[j] > box_.ilo[j].hi && q[j] < box_.ihi[j].lo)) return false;  // strictly inside
    for (std::size_t i = 0; i < cur.b.size(); ++i)
      if (use_box_ ? !box::below(&cur.A[i * d], q.data(), d, cur.b[i])
                   : !(iv::dot(&cur.A[i * d], q.data(), d) - cur.b[i]).negative()) return false;
    return true;
  }

  // A point strictly inside P (no equalities) from a float phase-1 LP, max s over A x + s |a_i| <= b_i,
  // s <= 1, checked exactly; false when that fails (the exact LP decides).  Many-row domains in high
  // dimension made the exact interior LP the longest part of a run, and one that cannot be polled.
  static bool float_interior(const Polyhedron& P, Vec& out) {
    const std::size_t d = P.dim, m = P.A.rows;
    if (P.C.rows > 0 || m == 0) return false;
    flp::Rows R;
    R.d = d + 1;
    std::vector<double> a(d + 1), start(d + 1, 0.0);
    double s0 = 0;
    for (std::size_t i = 0; i < m; ++i) {
      double n = 0;
      for (std::size_t j = 0; j < d; ++j) a[j] = P.A(i, j).get_d(), n += a[j] * a[j];
      a[d] = std::sqrt(n);
      const double bi = P.b[i].get_d();
      if (!std::isfinite(bi) || !std::isfinite(a[d]) || a[d] == 0) return false;
      R.add(a.data(), bi);
      s0 = std::min(s0, bi / a[d]);
    }
    std::fill(a.begin(), a.end(), 0.0);
    a[d] = 1;
    R.add(a.data(), 1.0);
    start[d] = s0 - 1;  // x = 0 with a slack this negative satisfies every row
    std::vector<double> c(d + 1, 0.0);
    c[d] = -1;
    const flp::Result r = flp::minimize(R, c, start);
    if (r.x.size() != d + 1 || !(r.x[d] > 0)) return false;
    Vec x(d);
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(r.x[j])) return false;
      x[j] = Rational(r.x[j]);
    }
    if (!strictly_inside(P, x)) return false;
    out = std::move(x);
    return true;
  }

  // A Polytope reduced into domain_ (opt.reduce_domain): its rows +-c e_j become box_'s bounds when
  // every coordinate gets both (box_as_bounds; the other rows stay rows: the box LP takes both), zero
  // rows and positive multiples go (distinct_rows); run() then drops the rows proven redundant.  False:
  // the plain path (nothing to reduce, or an empty domain, which it reports).
  bool reduce(const Polyhedron& given) {
    if (!opt_.reduce_domain || given.A.rows == 0 || given.C.rows > 0) return false;
    Polyhedron rest = given;
    use_box_ = bounds_ = opt_.box_as_bounds && box::split(given, box_, rest);
    if (!distinct_rows(rest)) return use_box_ = bounds_ = false;
    domain_ = std::move(rest);
    return true;
  }

  // radius_[t] >= |x_t| on a bounded domain, rounded up; empty when unbounded.  Each bound is a float
  // LP's optimum plus a margin proven by its interval dual certificate, else an exact LP.
  void box_radius(const Polyhedron& domain, const Task& root) {
    const std::size_t d = domain.dim;
    const Budget budget(opt_);  // before the search: a stop here has found nothing
    std::vector<double> c(d);
    std::vector<Interval> ci(d);
    for (std::size_t t = 0; t < d && domain.A.rows > 0; ++t) {
      Vec e(d);
      e[t] = 1;
      double r = 0;
      for (bool maximize : {true, false}) {
        budget.check();
        if (!root.exact_point) {  // max of s x_t: min of -s x_t; proven: R - s x_t >= 0 on the domain
          const double s = maximize ? 1 : -1;
          std::fill(c.begin(), c.end(), 0.0);
          std::fill(ci.begin(), ci.end(), iv::exact(0));
          c[t] = -s;
          ci[t] = iv::exact(-s);
          const flp::Result f = flp::minimize(root.rows, c, root.point);
          if (f.status == flp::Status::optimal) {
            const double v = s * f.x[t];
            const double R = iv::up(v + (std::fabs(v) + 1) * 1e-9);
            if (std::isfinite(R) && flp::certify_nonnegative(root.A, root.b, f.active, ci.data(), iv::exact(R))) {
              r = std::max(r, R);
              continue;
            }
          }
        }
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

  // --- a Polytope domain's rows, per cell ------------------------------------------------------------

  std::size_t domain_rows(const Task& t) const { return t.live ? t.live->size() : m0_; }

  // Pruning costs 2d float LPs: worth it while the cell carries many domain rows and has new cuts
  // (every descendant inherits the shorter list); one that dropped few rows waits for twice the cuts.
  // Past d = 4 a cell's bounding box holds far more than the cell and proves too few rows never met
  // to pay for its LPs (bench --suite domains: 0.7x at d = 8); tested per row by small LPs over the
  // box and the cuts alone, the prunes cost more than they saved at d = 3..8.
  bool prunable(const Task& t) const {
    return opt_.reduce_domain && domain_.dim <= 4 && domain_rows(t) > 2 * domain_.dim && t.cuts.size() >= t.prune_at &&
           !t.exact_point;
  }

  // Drops the domain rows the cell never meets.  The cell's bounding box, each side a float LP's
  // optimum proven by its interval dual certificate (else the domain's radius, else none); a row is
  // never met when its maximum over the box is below its right-hand side in interval arithmetic.
  // Dropping all such rows at once leaves the cell the same set: from a point inside it, a point
  // outside it that the remaining rows allow would be reached through a dropped row, met on the way.
  void prune(Task& t) {
    const std::size_t d = domain_.dim, n = domain_rows(t);
    std::vector<Interval> range(d, iv::whole);
    for (std::size_t j = 0; j < radius_.size(); ++j) range[j] = {-radius_[j], radius_[j]};
    if (use_box_) range = box_.range;
    std::vector<double> c(d, 0.0);
    std::vector<Interval> ci(d, iv::exact(0));
    for (std::size_t j = 0; j < d; ++j) {
      for (double s : {1.0, -1.0}) {  // s x_j <= R: min of -s x_j, proven as R - s x_j >= 0
        c[j] = -s;
        ci[j] = iv::exact(-s);
        ++tally.float_lps;
        box::Result f;
        if (use_box_) f = box::minimize(t.rows, box_, c, t.point);
        else static_cast<flp::Result&>(f) = flp::minimize(t.rows, c, t.point);
        if (f.status != flp::Status::optimal) continue;
        const double v = s * f.x[j], R = iv::up(v + (std::fabs(v) + 1) * 1e-9);
        if (!std::isfinite(R) ||
            !(use_box_ ? box::certify_nonnegative(t.A, t.b, f.active, f.at, ci.data(), iv::exact(R), box_)
                       : flp::certify_nonnegative(t.A, t.b, f.active, ci.data(), iv::exact(R), false,
                                                  radius_.empty() ? nullptr : radius_.data())))
          continue;
        if (s > 0) range[j].hi = std::min(range[j].hi, R);
        else range[j].lo = std::max(range[j].lo, -R);
      }
      c[j] = 0;
      ci[j] = iv::exact(0);
    }
    std::vector<std::size_t> keep;
    for (std::size_t k = 0; k < n; ++k) {
      Interval top;  // max of a_k x over the box encloses into top.hi
      for (std::size_t j = 0; j < d; ++j) top = top + t.A[k * d + j] * range[j];
      if (!(top.hi < t.b[k].lo)) keep.push_back(k);
    }
    t.prune_at = t.cuts.size() + (keep.size() > n - n / 4 ? std::max(t.cuts.size(), d) : 1);
    if (keep.size() == n) return;
    auto live = std::make_shared<std::vector<int>>();
    std::vector<Interval> A, b;
    flp::Rows rows;
    rows.d = d;
    auto copy = [&](std::size_t k) {
      A.insert(A.end(), t.A.begin() + k * d, t.A.begin() + (k + 1) * d);
      b.push_back(t.b[k]);
      rows.A.insert(rows.A.end(), t.rows.A.begin() + k * d, t.rows.A.begin() + (k + 1) * d);
      rows.b.push_back(t.rows.b[k]);
    };
    for (std::size_t k : keep) {
      live->push_back(t.live ? (*t.live)[k] : static_cast<int>(k));
      copy(k);
    }
    for (std::size_t k = n; k < t.b.size(); ++k) copy(k);
    t.live = std::move(live);
    t.A = std::move(A);
    t.b = std::move(b);
    t.rows = std::move(rows);
  }

  // The float LP's dual proof redone exactly on its active rows alone.  Needed where the optimum is a
  // face, not a vertex (fewer than d active rows: few active neurons leave flat directions), which
  // intervals cannot prove; far cheaper than the exact LP.
  bool certify_exact(Task& cur, const std::vector<int>& active, const std::vector<signed char>& at, int sp) {
    const std::size_t d = domain_.dim, m0 = domain_rows(cur);
    const IntMaps& maps = int_maps(cur);
    std::vector<Integer> A, b;
    A.reserve(active.size() * d);
    for (int i : active) {
      if (static_cast<std::size_t>(i) < m0) {
        const std::size_t k = cur.live ? (*cur.live)[i] : i;
        A.insert(A.end(), dom_A_.begin() + k * d, dom_A_.begin() + (k + 1) * d);
        b.push_back(dom_b_[k]);
      } else {
        const int n = cur.cuts[i - m0];
        const std::size_t l = ix_.layer_of(n), k = n - ix_.first[l];
        A.resize(A.size() + d);
        b.emplace_back();
        cut_row(maps[l]->row(k), maps[l]->e[k], cur.pattern[n] != 0, d, &A[A.size() - d], b.back());
      }
    }
    const AffineMap<Integer>& z = *maps[cur.layer];
    std::vector<Integer> c(z.G.begin() + cur.neuron * d, z.G.begin() + (cur.neuron + 1) * d);
    if (sp < 0)
      for (auto& v : c) v = -v;
    const Integer& e = z.e[cur.neuron];
    const Integer bound = sp > 0 ? Integer(-e) : e;
    return use_box_ ? box::certify_lower_bound(A, b, c, bound, at, box_) : flp::certify_lower_bound(A, b, c, bound);
  }

  // The integer maps of layers 0..cur.layer, composed once per cell and layer and shared by its splits.
  // Layer 0's map is the same on every cell: made once (for d = 784 it is d^2 integers).
  const IntMaps& int_maps(Task& cur) const {
    if (!cur.zint || cur.zint->size() <= cur.layer) {
      std::call_once(maps0_once_, [this] { extend(net_, wz_, ix_, {}, maps0_, 1); });
      auto maps = std::make_shared<IntMaps>(cur.zint ? *cur.zint : maps0_);
      extend(net_, wz_, ix_, cur.pattern, *maps, cur.layer + 1);
      cur.zint = std::move(maps);
    }
    return *cur.zint;
  }

  // The decision in exact arithmetic: the exact cell, the neuron's exact map, one exact LP.
  Decision exact(Task& cur, std::unique_ptr<Task>& child) {
    const std::size_t d = domain_.dim;
    const IntMaps& maps = int_maps(cur);
    // A box given as bounds stays bounds in the exact LP (its 2d rows made CGAL's LP take minutes at
    // d = 784): P is then the cell's cuts alone, and every point check adds the box.
    const bool bounds = bounds_;
    const box::Box* B = bounds ? &box_ : nullptr;
    const Polyhedron P = cell_polyhedron(domain_, ix_, maps, cur.cuts, cur.pattern);
    Vec gv(d);
    Rational e;
    rational_row(*maps[cur.layer], cur.neuron, gv.data(), e);
    const Rational* g = gv.data();
    if (std::all_of(g, g + d, [](const Rational& v) { return sgn(v) == 0; }))
      return is_active(e) ? Decision::active : Decision::inactive;  // constant: a dead or frozen neuron
    Vec p = cur.exact_point ? *cur.exact_point : Vec(cur.point.begin(), cur.point.end());
    const int sp = sgn(dot(g, p) + e);
    if (sp == 0) {  // the point is on the hyperplane: step off it both ways (ratio test)
      const Polyhedron Pr = bounds ? cell_polyhedron(exact_domain(), ix_, maps, cur.cuts, cur.pattern) : P;
      Vec up = step(Pr, p, g, +1), down = step(Pr, p, g, -1);
      child = make_split(cur, +1, {});
      place(cur, side(Pr, g, e, +1), std::move(up));
      place(*child, side(Pr, g, e, -1), std::move(down));
      return Decision::split;
    }
    ++tally.lps;
    LPResult r = bounds ? box::optimize(P, gv, /*maximize=*/sp < 0, box_) : optimize(P, gv, /*maximize=*/sp < 0);
    if (r.status == LPStatus::infeasible) throw InternalError("a cell with an interior point is infeasible");
    Vec q;
    const Polyhedron far = side(P, g, e, -sp);
    if (r.status == LPStatus::unbounded) {  // (never in a box)
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
    place(*child, far, std::move(q), B);
    return Decision::split;
  }

  // The domain with a box kept as bounds as rows (then the other rows), made once when an exact
  // decision first needs it.
  const Polyhedron& exact_domain() {
    if (!bounds_) return domain_;
    std::call_once(box_rows_once_, [this] {
      box_rows_ = box_polyhedron(box_.lo, box_.hi);
      for (std::size_t i = 0; i < domain_.A.rows; ++i) box_rows_.add_inequality(domain_.A.row(i), domain_.b[i]);
    });
    return box_rows_;
  }

  // P cut by sign * (g x + e) >= 0, i.e. -sign * g x <= sign * e.
  static Polyhedron side(const Polyhedron& P, const Rational* g, const Rational& e, int sign) {
    Polyhedron Q = P;
    Vec row(P.dim);
    Rational rhs;
    cut_row(g, e, sign > 0, P.dim, row.data(), rhs);
    Q.add_inequality(row.data(), rhs);
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
  static void place(Task& t, const Polyhedron& P, Vec q, const box::Box* B = nullptr) {
    if (double_point(P, B, q, t.point)) {
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
    other->live = cur.live;
    other->prune_at = cur.prune_at;
    other->A.reserve(cur.A.size() + 4 * d);
    other->A.assign(cur.A.begin(), cur.A.end());
    other->b = cur.b;
    other->rows.d = cur.rows.d;
    other->rows.A.reserve(cur.rows.A.size() + 4 * d);
    other->rows.A.assign(cur.rows.A.begin(), cur.rows.A.end());
    other->rows.b = cur.rows.b;
    other->rows.scale = cur.rows.scale;
    other->yrows = cur.yrows;
    other->unfactored = cur.unfactored;
    other->z = cur.z;
    other->zint = cur.zint;
    other->pattern = cur.pattern;
    other->point = std::move(q);
    const Interval* g = cur.z->row(cur.neuron);
    const Interval e = cur.z->e[cur.neuron];
    Task& P_pos = sp > 0 ? cur : *other;  // the active side
    Task& P_neg = sp > 0 ? *other : cur;
    std::vector<Interval> a(d);
    Interval rhs;
    cut_row(g, e, true, d, a.data(), rhs);
    P_pos.add_row(a.data(), rhs, d);
    cut_row(g, e, false, d, a.data(), rhs);
    P_neg.add_row(a.data(), rhs, d);
    // The new rows in y from the neuron's projection (rows.A's unit rows are -+g / scale), when the
    // rows before them are all in y.
    if (factor_ && !cur.unfactored && cur.yrows.size() == (cur.rows.size() - 1) * factor_->n) {
      const Projection& pr = projected(cur);
      if (pr.ok)
        for (Task* t : {&P_pos, &P_neg}) {
          const double s = (t == &P_pos ? -1.0 : 1.0) / t->rows.scale.back();
          for (double v : pr.g) t->yrows.push_back(s * v);
        }
    }
    const int neuron = static_cast<int>(ix_.first[cur.layer] + cur.neuron);
    P_pos.cuts.push_back(neuron);
    P_neg.cuts.push_back(neuron);
    P_pos.pattern.push_back(1);
    P_neg.pattern.push_back(0);
    ++cur.neuron;
    return other;
  }

  // Layer done: its outputs on the cell (the active rows of z) feed the next layer.
  void next_layer(Task& cur) {
    const std::size_t l = cur.layer++;
    cur.neuron = 0;
    if (cur.layer > last_relu_) cur.layer = net_.layers.size();  // linear layers after the last ReLU split nothing
    cur.z = cur.layer < net_.layers.size()
                ? std::make_shared<const AffineMap<Interval>>(push_after(net_, wi_[cur.layer], ix_, cur.pattern, *cur.z, l))
                : nullptr;
  }

  void emit(Task&& t) {
    std::size_t n = ++search_->found;
    if (opt_.max_regions && n > opt_.max_regions) {
      search_->stop(StopReason::max_count, /*lost=*/true);
      search_->hand_back(std::move(t));  // a finished region over the budget: resuming it emits it
      return;
    }
    if (opt_.keep_geometry) {
      Region r;
      r.pattern = std::move(t.pattern);
      r.pattern.shrink_to_fit();  // (grown by push_back: up to twice its size)
      r.cuts = std::move(t.cuts);
      r.cuts.shrink_to_fit();
      r.point = t.exact_point ? Point(*t.exact_point) : Point(std::move(t.point));
      std::lock_guard<std::mutex> g(result_mu_);
      if (chunks_.empty() || chunks_.back().size() == kChunk) {
        chunks_.emplace_back();
        chunks_.back().reserve(kChunk);
      }
      chunks_.back().push_back(std::move(r));
    }
  }

  // --- resumable search (cell.hpp) ------------------------------------------------------------------

  // Cells at the frontier (stop_at) go back undone; past max_cells steps, every cell does.
  bool held_back(Task& cur) {
    if (cur.layer < net_.layers.size() && cur.pattern.size() >= opt_.stop_at) {
      search_->hand_back(std::move(cur), /*lost=*/false);
      return true;
    }
    if (opt_.max_cells && steps_.fetch_add(1) >= opt_.max_cells) {
      search_->stop(StopReason::max_cells, /*lost=*/true);
      search_->hand_back(std::move(cur));
      return true;
    }
    return false;
  }

  Cell to_cell(Task&& t) const {
    Cell c;
    c.layer = t.layer;
    c.neuron = t.neuron;
    c.pattern = std::move(t.pattern);
    c.cuts = std::move(t.cuts);
    c.point = t.exact_point ? *t.exact_point : Vec(t.point.begin(), t.point.end());
    return c;
  }

  // The search node of cell c: its rows and this layer's map composed from the pattern prefix exactly
  // as the search composed them (the same interval enclosures, so the same decisions follow).  The
  // cell is checked first: a point strictly inside the domain and every cut, and the pattern's states.
  Task resume(const Cell& c, const Task& root, std::size_t i) const {
    const std::size_t d = domain_.dim, nl = net_.layers.size();
    const std::string at = "cells[" + std::to_string(i) + "]: ";
    const std::size_t decided = c.layer < nl ? ix_.first[c.layer] + c.neuron : ix_.hidden;
    if (c.layer > nl || (c.layer < nl && (c.layer > last_relu_ || c.neuron > net_.layers[c.layer].out)) ||
        c.pattern.size() != decided ||
        c.point.size() != d)
      throw InputError(at + "its position, pattern and point do not fit this network");
    for (std::size_t k = 0; k < c.cuts.size(); ++k)
      if (c.cuts[k] < 0 || static_cast<std::size_t>(c.cuts[k]) >= decided || (k && c.cuts[k] <= c.cuts[k - 1]))
        throw InputError(at + "its cutting neurons are not increasing decided neurons");
    if (!strictly_inside(domain_, c.point) || (use_box_ && !strictly_inside(box_, c.point)))  // a box may be bounds only
      throw InputError(at + "its point is not strictly inside the domain");
    const std::size_t need = std::min(std::min(c.layer, nl - 1), last_relu_) + 1;
    IntMaps exact;
    extend(net_, wz_, ix_, c.pattern, exact, need);
    for (std::size_t n = 0, k = 0; n < decided; ++n) {
      const std::size_t l = ix_.layer_of(n);
      if (l >= need) break;
      const AffineMap<Integer>& m = *exact[l];
      const std::size_t r = n - ix_.first[l];
      Rational v(m.e[r]);  // the sign of q z, q > 0
      for (std::size_t j = 0; j < d; ++j) v += Rational(m.G[r * d + j]) * c.point[j];
      const bool cut = k < c.cuts.size() && static_cast<std::size_t>(c.cuts[k]) == n;
      k += cut;
      const int sg = sgn(v);
      if (c.pattern[n] > 1 || (c.pattern[n] ? sg <= 0 : sg > 0) || (cut && sg == 0))
        throw InputError(at + "its point does not have its pattern at neuron " + std::to_string(n));
    }
    Task t;
    t.layer = c.layer;
    t.neuron = c.neuron;
    t.pattern = c.pattern;
    t.cuts = c.cuts;
    t.A = root.A;
    t.b = root.b;
    t.rows = root.rows;
    std::vector<std::shared_ptr<const AffineMap<Interval>>> z;
    extend(net_, wi_, ix_, c.pattern, z, need);
    std::vector<Interval> a(d);
    Interval rhs;
    for (int n : c.cuts) {
      const std::size_t l = ix_.layer_of(n), r = n - ix_.first[l];
      cut_row(z[l]->row(r), z[l]->e[r], c.pattern[n] != 0, d, a.data(), rhs);
      t.add_row(a.data(), rhs, d);
    }
    if (c.layer < nl) t.z = z[c.layer];
    t.zint = std::make_shared<const IntMaps>(std::move(exact));
    t.point.resize(d);
    bool doubles = true;  // the search keeps a point as doubles whenever it can (place)
    for (std::size_t j = 0; j < d; ++j) doubles = iv::exact_double(c.point[j], t.point[j]) && doubles;
    if (!doubles) {
      for (std::size_t j = 0; j < d; ++j) t.point[j] = c.point[j].get_d();
      t.exact_point = std::make_shared<const Vec>(c.point);
    }
    return t;
  }

  const Network& net_;
  const RegionOptions& opt_;
  const NeuronIndex ix_;
  const std::vector<LayerWeights<Interval>> wi_;  // the weights, enclosed
  const std::vector<LayerWeights<Integer>> wz_;   // the weights as integers over each layer's denominator
  Polyhedron domain_;
  Polyhedron box_rows_;                           // a box given as bounds, as rows (exact_domain)
  std::once_flag box_rows_once_;
  mutable IntMaps maps0_;                         // layer 0's exact map (int_maps)
  mutable std::once_flag maps0_once_;
  bool use_box_ = false;                          // the domain is box_, kept as bounds (no rows in cells)...
  bool bounds_ = false;                           // ...and domain_ has no rows of it (the exact LP takes bounds)
  box::Box box_;
  std::optional<box::Factor> factor_;             // the first layer, when a box cell's rows factor through it
  const std::size_t run_id_ = ++runs;             // tells this run's certificates from an earlier run's
  std::vector<signed char> no_fixed_;             // box_.d zeros: no variable at a bound
  std::size_t m0_ = 0;                            // the domain's rows (a cell's rows start with those it meets)
  const std::size_t last_relu_ = [this] {         // the last ReLU layer (maps past it are never needed)
    std::size_t l = 0;
    for (std::size_t i = 0; i < net_.layers.size(); ++i)
      if (net_.layers[i].relu) l = i;
    return l;
  }();
  std::vector<Integer> dom_A_, dom_b_;           // the domain's rows, each scaled to integers
  std::vector<double> radius_;
  ParallelSearch<Task>* search_ = nullptr;
  std::atomic<std::size_t> steps_{0};             // search steps taken (max_cells)
  std::mutex result_mu_;
  static constexpr std::size_t kChunk = 4096;
  std::vector<std::vector<Region>> chunks_;       // the regions found (emit), gathered by run()
  RegionResult result_;
};

// On all of R^d a first layer W1 of rank r factors the network through y = B x, B the rows R of W1
// that form a basis of its row space (all of them when W1 has full row rank n1 <= d), W1 = C B: the
// pattern of x is the pattern of y under the same network with first layer y -> C y + b1 (C = I for
// full row rank), and the regions of the two correspond (B maps R^d onto R^r: preimages of
// full-dimensional sets are full-dimensional, and images of open sets are open).  The search runs in
// R^r: its LPs and exact certificates have r columns instead of d (d = 784 with 16 neurons: 16;
// duplicate or parallel neurons: fewer than n1).  Points go back by x = P y, P a right inverse of B
// that is zero off r columns Q (B's Q-minor is non-singular).  A Polytope domain is not factored: B
// is injective on it only when r = d (then nothing is gained), and otherwise its image B(D) is a
// projection, whose rows Fourier-Motzkin elimination multiplies.
class FirstLayerBasis {
 public:
  // The factorisation when it applies (opt.reduce_domain): domain R^d and W1 of full row rank
  // n1 <= d (an exact non-singular minor on columns chosen by float pivoting), else of rank 0 < r < d
  // (decided exactly); otherwise none: the plain search runs.
  static std::optional<FirstLayerBasis> of(const Network& net, const Polyhedron& domain, const RegionOptions& opt) {
    if (!opt.reduce_domain || domain.A.rows || domain.C.rows || net.layers.size() < 2) return std::nullopt;
    const Layer& L = net.layers[0];
    const std::size_t n = L.out, d = L.in;
    if (n == 0) return std::nullopt;
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    FirstLayerBasis fb;
    if (n <= d && fb.factor(L, all)) return fb.finish(net);
    Matrix T(d, n);  // W1^T: its pivot columns are rows of W1 forming a basis of its row space
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) T(j, i) = L.W[i * d + j];
    const std::vector<std::size_t> rows = rref(T);
    if (rows.empty() || rows.size() >= d || !fb.factor(L, rows)) return std::nullopt;
    return fb.finish(net);
  }

  RegionResult run(const Network& net, const Polyhedron& domain, const RegionOptions& opt) const {
    const std::size_t n = P.rows;
    RegionOptions o = opt;
    for (std::size_t i = 0; i < o.cells.size(); ++i) {
      Vec& x = o.cells[i].point;
      if (x.size() != domain.dim)
        throw InputError("cells[" + std::to_string(i) + "]: its position, pattern and point do not fit this network");
      Vec y(n);
      const Layer& L = net.layers[0];
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < domain.dim; ++j)
          if (sgn(L.W[R[r] * domain.dim + j]) != 0) y[r] += L.W[R[r] * domain.dim + j] * x[j];
      x = std::move(y);
    }
    RegionResult res = Enumerator(this->net, o).run(Polyhedron(n), nullptr);
    res.net = std::make_shared<Network>(net);
    res.domain = domain;
    auto lift = std::make_shared<const PointLift>(net, Q, P);
    for (Cell& c : res.open) c.point = lift->exact(c.point);  // (few: kept exact, as given)
    res.lift = std::move(lift);
    for (Region& r : res.regions) r.point_in_y = true;
    if (!opt.defer_points) lift_points(res, opt.threads);
    return res;
  }

 private:

  // B = the rows R of L.W (linearly independent): its non-singular minor on columns chosen by float
  // complete pivoting, inverted exactly; false if the float choice gave a singular minor.
  bool factor(const Layer& L, const std::vector<std::size_t>& rows) {
    const std::size_t n = rows.size(), d = L.in;
    std::vector<double> F(n * d);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) F[i * d + j] = L.W[rows[i] * d + j].get_d();
    std::vector<std::size_t> cols(d);
    for (std::size_t j = 0; j < d; ++j) cols[j] = j;
    for (std::size_t r = 0; r < n; ++r) {  // complete pivoting on the rows of B, in double
      std::size_t pc = r;
      for (std::size_t j = r; j < d; ++j)
        if (std::fabs(F[r * d + cols[j]]) > std::fabs(F[r * d + cols[pc]])) pc = j;
      std::swap(cols[r], cols[pc]);
      const double piv = F[r * d + cols[r]];
      if (!(std::fabs(piv) > 0) || !std::isfinite(piv)) return false;
      for (std::size_t i = r + 1; i < n; ++i) {
        const double f = F[i * d + cols[r]] / piv;
        for (std::size_t j = 0; j < d; ++j) F[i * d + j] -= f * F[r * d + j];
      }
    }
    R = rows;
    Q.assign(cols.begin(), cols.begin() + n);
    Matrix M(n, 2 * n);  // [B_Q | I] -> [I | B_Q^-1]
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < n; ++k) M(i, k) = L.W[rows[i] * d + Q[k]];
      M(i, n + i) = 1;
    }
    const std::vector<std::size_t> piv = rref(M);
    if (piv.size() != n || piv.back() != n - 1) return false;  // the minor is singular
    P = Matrix(n, n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < n; ++k) P(i, k) = M(i, n + k);
    return true;
  }

  // The network on R^r: first layer y -> C y + b1, C = W1_Q P (W1 = C B: W1's rows lie in B's span,
  // and on the columns Q, W1_Q = C B_Q).  Full row rank: C = B_Q P = I.
  FirstLayerBasis finish(const Network& orig) {
    net = orig;
    const Layer& L = orig.layers[0];
    const std::size_t r = R.size(), d = L.in, n = L.out;
    Layer& Y = net.layers[0];
    Y.in = r;
    Y.W.assign(n * r, Rational(0));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < r; ++k)
        for (std::size_t m = 0; m < r; ++m)
          if (sgn(L.W[i * d + Q[m]]) != 0 && sgn(P(m, k)) != 0) Y.W[i * r + k] += L.W[i * d + Q[m]] * P(m, k);
    return std::move(*this);
  }

  std::vector<std::size_t> R;  // the rows of W1 that make B
  std::vector<std::size_t> Q;  // the minor's columns
  Matrix P;                    // B_Q^-1: x_Q = P y, the other coordinates 0
  Network net;                 // the network on R^r (first layer y -> C y + b1)
};

}  // namespace

void Point::assign_exact(Vec q) {
  f_.resize(q.size());
  bool doubles = true;
  for (std::size_t j = 0; j < q.size(); ++j) doubles = iv::exact_double(q[j], f_[j]) && doubles;
  if (doubles) {
    q_.reset();
  } else {
    for (std::size_t j = 0; j < q.size(); ++j) f_[j] = q[j].get_d();
    q_ = std::make_shared<const Vec>(std::move(q));
  }
}

RegionResult enumerate_regions(const Network& net, const Polyhedron& domain, const RegionOptions& opt) {
  net.validate();
  if (domain.dim != net.input_dim())
    throw InputError("domain lives in R^" + std::to_string(domain.dim) + "; the network takes " +
                     std::to_string(net.input_dim()) + " inputs");
  if (const auto fb = FirstLayerBasis::of(net, domain, opt)) return fb->run(net, domain, opt);
  return Enumerator(net, opt).run(domain, nullptr);
}

RegionResult enumerate_regions(const Network& net, const Vec& lo, const Vec& hi, const RegionOptions& opt) {
  net.validate();
  const std::size_t d = net.input_dim();
  if (lo.size() != d || hi.size() != d)
    throw InputError("box has " + std::to_string(lo.size()) + " lower and " + std::to_string(hi.size()) +
                     " upper bounds; the network takes " + std::to_string(d) + " inputs");
  for (std::size_t j = 0; j < d; ++j)
    if (!(lo[j] < hi[j])) throw InputError("box is " + std::string(lo[j] > hi[j] ? "empty" : "not full-dimensional") +
                                           " in coordinate " + std::to_string(j));
  const box::Box B = box::make(lo, hi);
  return Enumerator(net, opt).run(Polyhedron(d), &B);
}

}  // namespace tropgeom
