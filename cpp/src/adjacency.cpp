// Adjacency of activation regions: which pairs share a facet, decided by a float filter whose doubtful
// cases are decided exactly.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "facets.hpp"
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

// The hidden layers in floats for the filter below: weights as midpoint and radius (0 when a weight
// is a double), so a forward pass is plain double arithmetic with a running error bound; 3-4x cheaper
// than the same pass in intervals (each of whose operations widens by an ulp both ways).  ok = false
// (a leaky slope, or nothing finite): the interval pass decides instead.
struct FloatHidden {
  struct L { std::size_t in, out; bool relu; std::vector<double> wm, wr, bm, br; };
  std::vector<L> layers;
  bool ok = true;
  static void split(const Interval& v, double& m, double& r) {
    m = v.mid();
    r = v.lo == v.hi ? 0.0 : iv::up(iv::up(std::max(v.hi - m, m - v.lo)));
  }
  FloatHidden(const Network& net, const IWeights& W) {
    std::size_t last = 0;
    for (std::size_t l = 0; l < net.layers.size(); ++l)
      if (net.layers[l].relu) last = l + 1;
    for (std::size_t l = 0; l < last; ++l) {
      const LayerWeights<Interval>& w = W[l];
      ok = ok && (!net.layers[l].relu || sgn(net.layers[l].slope) == 0);
      L f{w.in, w.out, net.layers[l].relu, std::vector<double>(w.W.size()), std::vector<double>(w.W.size()),
          std::vector<double>(w.out), std::vector<double>(w.out)};
      for (std::size_t k = 0; k < w.W.size(); ++k) split(w.W[k], f.wm[k], f.wr[k]);
      for (std::size_t i = 0; i < w.out; ++i) split(w.b[i], f.bm[i], f.br[i]);
      for (double v : f.wr) ok = ok && std::isfinite(v);
      for (double v : f.br) ok = ok && std::isfinite(v);
      layers.push_back(std::move(f));
    }
  }
  // Every hidden neuron but `skip` provably non-zero at every point of y (the exact pre-activation is
  // within err of the float one: |fl(dot) - dot| <= gamma_(n+1) sum |terms|, plus the weights' and the
  // inputs' radii, plus underflow; the bound's own rounding is covered by a generous factor).  false:
  // not proven (the caller decides otherwise).
  bool generic(const std::vector<Interval>& y, std::size_t skip, std::vector<double>& a, std::vector<double>& ea,
               std::vector<double>& z, std::vector<double>& ez) const {
    a.resize(y.size()), ea.resize(y.size());
    for (std::size_t j = 0; j < y.size(); ++j) split(y[j], a[j], ea[j]);
    std::size_t h = 0;
    for (const L& f : layers) {
      z.resize(f.out), ez.resize(f.out);
      const double g = static_cast<double>(f.in + 2) * 0x1p-53 * 1.001, grow = 1 + static_cast<double>(4 * (f.in + 4)) * 0x1p-53,
                   tiny = static_cast<double>(f.in + 2) * 0x1p-1070;
      for (std::size_t i = 0; i < f.out; ++i) {
        const double* wm = &f.wm[i * f.in];
        const double* wr = &f.wr[i * f.in];
        double sum = f.bm[i], S = std::fabs(f.bm[i]), E = f.br[i];
        for (std::size_t k = 0; k < f.in; ++k) {
          const double t = wm[k] * a[k];
          sum += t, S += std::fabs(t);
          E += std::fabs(wm[k]) * ea[k] + wr[k] * (std::fabs(a[k]) + ea[k]);
        }
        z[i] = sum;
        ez[i] = (E + g * S) * grow + tiny;
        if (!std::isfinite(z[i]) || !std::isfinite(ez[i])) return false;
      }
      if (f.relu) {
        for (std::size_t i = 0; i < f.out; ++i, ++h) {
          if (h != skip && !(std::fabs(z[i]) > ez[i])) return false;
          z[i] = std::max(z[i], 0.0);  // relu is 1-Lipschitz: the error bound carries over
        }
      }
      std::swap(a, z), std::swap(ea, ez);
    }
    return true;
  }
};

// Activation patterns just beyond each facet of r made by a neuron (facets.hpp decides which rows are
// facets).  A float proof gives q past the facet only: the segment from r's point p to q meets it at y
// in its relative interior; if no other neuron vanishes at y (intervals), the pattern beyond is r's
// with that neuron flipped.  Otherwise the pattern is decided exactly (pattern_towards from an exact
// relative interior point of the facet).
std::vector<std::vector<std::uint8_t>> region_neighbours(const Network& net, const IWeights& Wi, const FloatHidden& Fh,
                                                         const Region& r, bool reference) {
  thread_local std::vector<double> a, ea, z, ez;
  const std::size_t d = r.A.cols;
  std::vector<std::vector<std::uint8_t>> out;
  std::vector<double> p(d);
  for (std::size_t j = 0; j < d; ++j) p[j] = r.point[j].get_d();  // facets() proved it inside if beyond is set
  for (const Facet& f : facets(r, reference)) {
    const std::size_t k = f.row;
    if (r.row_neuron[k] < 0) continue;  // the domain's boundary has no neighbour
    const std::size_t n = static_cast<std::size_t>(r.row_neuron[k]);
    if (!f.beyond.empty()) {
      std::vector<Interval> ak(d);
      for (std::size_t j = 0; j < d; ++j) ak[j] = iv::of(r.A(k, j));
      const Interval bk = iv::of(r.b[k]);
      const Interval num = bk - iv::dot(ak.data(), p.data(), d),
                     den = iv::dot(ak.data(), f.beyond.data(), d) - iv::dot(ak.data(), p.data(), d);
      if (den.positive()) {
        const Interval t = num / den;
        std::vector<Interval> y(d);
        for (std::size_t j = 0; j < d; ++j) y[j] = iv::exact(p[j]) + t * (iv::exact(f.beyond[j]) - iv::exact(p[j]));
        bool generic = Fh.ok && Fh.generic(y, n, a, ea, z, ez);
        if (!generic) {  // the interval pass (a leaky slope, or the float bound too wide)
          const std::vector<Interval> zi = hidden_iv(net, Wi, y);
          generic = true;
          for (std::size_t h = 0; h < zi.size() && generic; ++h) generic = h == n || zi[h].positive() || zi[h].negative();
        }
        if (generic) {
          out.push_back(r.pattern);
          out.back()[n] ^= 1;
          continue;
        }
      }
    }
    const Vec y = f.on.empty() ? facet_point(r, k) : f.on;
    out.push_back(pattern_towards(net, y, Vec(r.A.row(k), r.A.row(k) + d)));
  }
  return out;
}

}  // namespace

Adjacency adjacency(RegionResult& res, const RunLimits& lim, bool reference, const std::vector<std::size_t>* only) {
  lift_points(res, lim.threads);  // the float proofs start from the points, in x
  const Network& net = *res.net;
  const IWeights Wi = weights_as<Interval>(net);
  const FloatHidden Fh(net, Wi);
  const std::vector<LayerWeights<Integer>> Wz = weights_as<Integer>(net);
  const NeuronIndex ix(net);
  std::vector<Region>& regions = res.regions;
  const Polyhedron domain = domain_polyhedron(res);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < regions.size(); ++i)
    index.emplace(std::string(regions[i].pattern.begin(), regions[i].pattern.end()), i);
  std::vector<char> in(only ? regions.size() : 0, 0);
  if (only)
    for (std::size_t i : *only) in.at(i) = 1;

  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(std::max(1, lim.threads));
  std::vector<MapCache> caches(found.size());
  const ForResult run = parallel_for(only ? only->size() : regions.size(), lim, [&](std::size_t s, int t) {
    const std::size_t i = only ? (*only)[s] : s;
    Region& r = regions[i];
    materialize(net, domain, r, Wz, ix, &caches[t]);
    for (const auto& p : region_neighbours(net, Wi, Fh, r, reference)) {
      auto it = index.find(std::string(p.begin(), p.end()));
      if (it == index.end()) {
        if (!res.status.complete) continue;  // a partial set need not hold the neighbour
        throw InternalError("adjacency: no region beyond a facet of region " + std::to_string(i));
      }
      if (i < it->second && (!only || in[it->second])) found[t].emplace_back(i, it->second);
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
