// Adjacency of activation regions: which pairs share a facet, decided by a float filter whose doubtful
// cases are decided exactly.
#include <algorithm>
#include <unordered_map>

#include "float_lp.hpp"
#include "layer_map.hpp"
#include "region_geometry.hpp"
#include "run.hpp"
#include "tropgeom/regions.hpp"

namespace tropgeom {

namespace {

using iv::Interval;
using IWeights = std::vector<LayerWeights<Interval>>;

// Hidden pre-activations at the interval point y, layer by layer (the activations on intervals).
std::vector<Interval> hidden_iv(const Network& net, const IWeights& W, std::vector<Interval> y) {
  std::vector<Interval> all;
  AffineMap<Interval> h = point_map(std::move(y));
  for (std::size_t l = 0; l < W.size(); ++l) {
    h = push(W[l], h);
    if (!net.layers[l].relu) continue;
    for (auto& v : h.e) {
      all.push_back(v);
      activate(v, net.layers[l].slope);
    }
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
  // Every row once in float (normalised); each facet's LP takes all but its own row, copied into
  // buffers reused across rows (no allocation per row).
  flp::Rows all, rows;
  all.d = rows.d = d;
  if (fast) {
    std::vector<double> f(d);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < d; ++j) f[j] = A[i * d + j].mid();
      all.add(f.data(), b[i].mid());
    }
  }
  std::vector<Interval> Ao, bo;
  std::vector<double> c(d);
  auto without = [](const auto& v, std::size_t from, std::size_t to, auto& out) {
    out.assign(v.begin(), v.begin() + from);
    out.insert(out.end(), v.begin() + to, v.end());
  };
  for (std::size_t k = 0; k < m; ++k) {
    if (r.row_neuron[k] < 0) continue;  // the domain's boundary has no neighbour
    const Interval* ak = &A[k * d];
    int facet = -1;  // 1 proven facet (q found), 0 proven not, -1 unknown
    std::vector<double> q;
    if (fast) {
      without(all.A, k * d, (k + 1) * d, rows.A);
      without(all.b, k, k + 1, rows.b);
      without(A, k * d, (k + 1) * d, Ao);
      without(b, k, k + 1, bo);
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
  const IWeights Wi = weights_as<Interval>(net);
  const std::vector<LayerWeights<Integer>> Wz = weights_as<Integer>(net);
  const NeuronIndex ix(net);
  std::vector<Region>& regions = res.regions;
  const Polyhedron domain = domain_polyhedron(res);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < regions.size(); ++i)
    index.emplace(std::string(regions[i].pattern.begin(), regions[i].pattern.end()), i);

  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(std::max(1, lim.threads));
  const ForResult run = parallel_for(regions.size(), lim, [&](std::size_t i, int t) {
    Region& r = regions[i];
    materialize(net, domain, r, Wz, ix);
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
